//! Who is calling: buyers hold a signed, expiring case-access token for one order; staff hold a
//! session cookie (`__Host-session`, HttpOnly, Secure, SameSite=Strict) with a CSRF token that
//! every state change must echo; shop systems hold the import API key. Also the guessing limits
//! on order lookup and login.

use serde::{Deserialize, Serialize};
use shared::api::ApiErrorCode;
use shared::domain::{Actor, Role};
use worker::{Env, Request};

use crate::crypto::{
    b64url, b64url_decode, constant_time_eq, hex, hmac_sha256, pbkdf2_sha256, random_hex, sha256,
};
use crate::error::{AppError, AppResult};
use crate::guard::Caller;
use crate::http::header;
use crate::store::{Store, keys};

/// The session cookie's name; `__Host-` pins it to this origin, path `/`, Secure.
pub const SESSION_COOKIE: &str = "__Host-session";
/// PBKDF2 rounds: the most production Workers accept.
pub const PBKDF2_ITERATIONS: u32 = 100_000;
/// Token format version and key id, so the signing key can be rotated.
const TOKEN_PREFIX: &str = "t1";

fn secret(env: &Env, name: &str) -> AppResult<String> {
    env.secret(name)
        .map(|s| s.to_string())
        .or_else(|_| env.var(name).map(|v| v.to_string()))
        .map_err(|_| AppError::Internal(format!("secret {name} is not set")))
}

/// A numeric setting from `[vars]`, or its default.
pub fn var_u64(env: &Env, name: &str, default: u64) -> u64 {
    env.var(name)
        .ok()
        .and_then(|v| v.to_string().parse().ok())
        .unwrap_or(default)
}

/// What a buyer's token grants: one order of one shop, until `exp` (ms).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BuyerGrant {
    /// Shop id.
    pub shop: String,
    /// Order number.
    pub order: String,
    /// Expiry, ms since the epoch.
    pub exp: i64,
}

/// Signs a grant: `t1.<kid>.<payload>.<hmac>`.
pub async fn issue_buyer_token(
    env: &Env,
    shop: &str,
    order: &str,
    now: i64,
) -> AppResult<(String, i64)> {
    let ttl_ms = var_u64(env, "CASE_TOKEN_TTL_SECONDS", 30 * 86_400) as i64 * 1000;
    let grant = BuyerGrant {
        shop: shop.into(),
        order: order.into(),
        exp: now + ttl_ms,
    };
    Ok((sign_grant(env, TOKEN_PREFIX, &grant).await?, grant.exp))
}

/// A "start a return" link's grant: `l1.<kid>.<payload>.<hmac>`. Its own prefix, so a link is
/// never a bearer token (nor a token a link): opening it only trades it for a token, as a lookup
/// would (`POST /api/lookup/link`).
pub const LINK_PREFIX: &str = "l1";

/// Signs `grant` for one purpose (`prefix`) with the current key.
pub async fn sign_grant(env: &Env, prefix: &str, grant: &BuyerGrant) -> AppResult<String> {
    let kid = env
        .var("SIGNING_KEY_ID")
        .map(|v| v.to_string())
        .unwrap_or_else(|_| "k1".into());
    let payload = b64url(&serde_json::to_vec(grant)?);
    let signed = format!("{prefix}.{kid}.{payload}");
    let sig = hmac_sha256(secret(env, "SIGNING_KEY")?.as_bytes(), signed.as_bytes()).await?;
    Ok(format!("{signed}.{}", b64url(&sig)))
}

/// Checks a buyer token's signature, key id and expiry.
pub async fn verify_buyer_token(env: &Env, token: &str, now: i64) -> AppResult<BuyerGrant> {
    verify_grant(env, TOKEN_PREFIX, token, now).await
}

/// Checks a signed grant of one purpose: prefix, key id, signature and expiry.
pub async fn verify_grant(env: &Env, prefix: &str, token: &str, now: i64) -> AppResult<BuyerGrant> {
    let unauthenticated = || AppError::Api(ApiErrorCode::Unauthenticated);
    let (signed, sig) = token.rsplit_once('.').ok_or_else(unauthenticated)?;
    let mut parts = signed.splitn(3, '.');
    let (Some(given_prefix), Some(kid), Some(payload)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(unauthenticated());
    };
    if given_prefix != prefix {
        return Err(unauthenticated());
    }
    let current_kid = env
        .var("SIGNING_KEY_ID")
        .map(|v| v.to_string())
        .unwrap_or_else(|_| "k1".into());
    if kid != current_kid {
        return Err(unauthenticated());
    }
    let expected = hmac_sha256(secret(env, "SIGNING_KEY")?.as_bytes(), signed.as_bytes()).await?;
    // Strictly decoded (one spelling per signature: flipped spare bits are another token, and
    // refused), then compared in constant time.
    if !crate::crypto::signature_matches(&expected, sig) {
        return Err(unauthenticated());
    }
    let grant: BuyerGrant =
        serde_json::from_slice(&b64url_decode(payload).ok_or_else(unauthenticated)?)
            .map_err(|_| unauthenticated())?;
    if grant.exp <= now {
        return Err(unauthenticated());
    }
    Ok(grant)
}

/// The bearer token of a request.
pub fn bearer(req: &Request) -> Option<String> {
    header(req, "Authorization")?
        .strip_prefix("Bearer ")
        .map(|t| t.trim().to_string())
}

/// The buyer's grant for this request, or 401.
pub async fn buyer(req: &Request, env: &Env, shop: &str, now: i64) -> AppResult<BuyerGrant> {
    let token = bearer(req).ok_or(AppError::Api(ApiErrorCode::Unauthenticated))?;
    let grant = verify_buyer_token(env, &token, now).await?;
    if grant.shop != shop {
        return Err(ApiErrorCode::Unauthenticated.into());
    }
    Ok(grant)
}

/// Shop systems (order import, bootstrap) authenticate with the import API key.
pub fn require_api_key(req: &Request, env: &Env) -> AppResult<()> {
    let given = bearer(req).ok_or(AppError::Api(ApiErrorCode::Unauthenticated))?;
    let expected = secret(env, "IMPORT_API_KEY")?;
    if expected.is_empty() || !constant_time_eq(given.as_bytes(), expected.as_bytes()) {
        return Err(ApiErrorCode::Unauthenticated.into());
    }
    Ok(())
}

/// A staff account as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StaffRecord {
    /// Stable id (`st_…`).
    pub id: String,
    /// Login, lower-cased.
    pub email: String,
    /// Display name.
    pub name: String,
    /// What the account may do.
    pub role: Role,
    /// PBKDF2 salt, hex.
    pub salt: String,
    /// PBKDF2-SHA256 output, hex.
    pub hash: String,
    /// Rounds used for `hash`.
    pub iterations: u32,
    /// Disabled accounts cannot sign in.
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// Hashes a new password with a fresh salt.
pub async fn hash_password(password: &str) -> AppResult<(String, String)> {
    let salt = crate::crypto::random_bytes::<16>()?;
    let hash = pbkdf2_sha256(password.as_bytes(), &salt, PBKDF2_ITERATIONS).await?;
    Ok((hex(&salt), hex(&hash)))
}

/// Checks a password against a record in constant time.
pub async fn password_matches(record: &StaffRecord, password: &str) -> AppResult<bool> {
    // An account restored without its password has none until its one-time link sets one.
    if record.hash.is_empty() {
        return Ok(false);
    }
    let salt = unhex(&record.salt).ok_or_else(|| AppError::Internal("bad salt".into()))?;
    let hash = pbkdf2_sha256(password.as_bytes(), &salt, record.iterations).await?;
    Ok(constant_time_eq(
        hex(&hash).as_bytes(),
        record.hash.as_bytes(),
    ))
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// A signed-in staff member's session.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    /// The account.
    pub staff_id: String,
    /// Its e-mail (the account key).
    pub email: String,
    /// Its display name.
    pub name: String,
    /// Its role at sign-in.
    pub role: Role,
    /// The shop.
    pub shop: String,
    /// Echoed in `X-CSRF-Token` on every state change.
    pub csrf: String,
    /// Expiry, ms.
    pub expires_at: i64,
}

impl Session {
    /// The actor the policy sees.
    pub fn actor(&self) -> Actor {
        Actor::Staff {
            id: self.staff_id.clone(),
            role: self.role,
        }
    }
}

/// Opens a session and returns it with its id (the cookie's value).
pub async fn open_session(
    env: &Env,
    store: &Store,
    staff: &StaffRecord,
    now: i64,
) -> AppResult<(String, Session)> {
    let ttl = var_u64(env, "SESSION_TTL_SECONDS", 12 * 3600);
    let id = random_hex::<32>()?;
    let session = Session {
        staff_id: staff.id.clone(),
        email: staff.email.clone(),
        name: staff.name.clone(),
        role: staff.role,
        shop: store.shop.clone(),
        csrf: random_hex::<16>()?,
        expires_at: now + ttl as i64 * 1000,
    };
    store
        .put_expiring(&keys::session(&session_key(&id).await?), &session, ttl)
        .await?;
    Ok((id, session))
}

/// Sessions are stored under the hash of their id, so a leaked key listing opens nothing.
async fn session_key(id: &str) -> AppResult<String> {
    Ok(hex(&sha256(id.as_bytes()).await?))
}

/// The `Set-Cookie` value for a session id (`max_age` 0 clears it).
pub fn session_cookie(id: &str, max_age_seconds: u64) -> String {
    format!(
        "{SESSION_COOKIE}={id}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age={max_age_seconds}"
    )
}

fn cookie_value(req: &Request, name: &str) -> Option<String> {
    let cookies = header(req, "Cookie")?;
    cookies.split(';').find_map(|c| {
        let (k, v) = c.trim().split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}

/// The staff session of this request, or 401. State changes (anything but GET/HEAD) must carry
/// the session's CSRF token, or 403.
pub async fn staff(req: &Request, store: &Store, now: i64) -> AppResult<(String, Session)> {
    let id =
        cookie_value(req, SESSION_COOKIE).ok_or(AppError::Api(ApiErrorCode::Unauthenticated))?;
    if id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiErrorCode::Unauthenticated.into());
    }
    let session: Session = store
        .get(&keys::session(&session_key(&id).await?))
        .await?
        .ok_or(AppError::Api(ApiErrorCode::Unauthenticated))?;
    if session.expires_at <= now || session.shop != store.shop {
        return Err(ApiErrorCode::Unauthenticated.into());
    }
    // The account as it is now, not as it was at sign-in: a disabled account's sessions stop
    // at the next request, and a new role applies at once (a demoted owner keeps no owner
    // powers). One KV read per staff request buys that; no index of sessions to keep in step.
    let account: Option<StaffRecord> = store.get(&keys::staff(&store.shop, &session.email)).await?;
    let Some(account) = account.filter(|a| a.active && a.id == session.staff_id) else {
        return Err(ApiErrorCode::Unauthenticated.into());
    };
    let session = Session {
        role: account.role,
        name: account.name,
        ..session
    };
    let safe = matches!(req.method(), worker::Method::Get | worker::Method::Head);
    if !safe {
        let given = header(req, "X-CSRF-Token").unwrap_or_default();
        if !constant_time_eq(given.as_bytes(), session.csrf.as_bytes()) {
            return Err(ApiErrorCode::CsrfMismatch.into());
        }
    }
    Ok((id, session))
}

/// Ends a session.
pub async fn close_session(store: &Store, id: &str) -> AppResult<()> {
    store.delete(&keys::session(&session_key(id).await?)).await
}

/// Requires one of `roles`.
pub fn require_role(session: &Session, roles: &[Role]) -> AppResult<()> {
    if roles.contains(&session.role) {
        Ok(())
    } else {
        Err(ApiErrorCode::Forbidden.into())
    }
}

/// The device cookie: a random id a browser gets at its first successful sign-in or lookup, so
/// that a guessing attack on an account or an order does not lock out the devices that proved
/// themselves there before (`guard`).
pub const DEVICE_COOKIE: &str = "__Host-device";
/// How long a device stays known to a target, and its cookie's life.
const DEVICE_KEEP_SECONDS: i64 = 180 * 86_400;

/// The caller as the guessing limits see it.
pub fn caller(req: &Request) -> Caller {
    Caller {
        client: crate::http::client_key(req),
        device: cookie_value(req, DEVICE_COOKIE)
            .filter(|d| d.len() == 32 && d.bytes().all(|b| b.is_ascii_hexdigit())),
    }
}

/// A guessing limit: the `[vars]` that set it and their defaults.
#[derive(Debug, Clone, Copy)]
pub struct GuessLimit {
    /// What is guessed (also the guard's scope).
    pub scope: &'static str,
    /// Attempts per client address (or /64) per minute, across targets.
    pub per_address_var: &'static str,
    /// Its default.
    pub per_address: u32,
    /// Failed attempts one client may make on one target per window.
    pub per_client_var: &'static str,
    /// Its default.
    pub per_client: u32,
    /// Failed attempts all unknown devices may make on one target per window.
    pub per_target_var: &'static str,
    /// Its default.
    pub per_target: u32,
}

/// Order lookups: order number + contact.
pub const LOOKUP_LIMIT: GuessLimit = GuessLimit {
    scope: "lookup",
    per_address_var: "LOOKUPS_PER_IP_PER_MINUTE",
    per_address: 10,
    per_client_var: "LOOKUP_GUESSES_PER_CLIENT_PER_ORDER",
    per_client: 5,
    per_target_var: "LOOKUP_GUESSES_PER_ORDER",
    per_target: 30,
};

/// Staff sign-in: e-mail + password.
pub const LOGIN_LIMIT: GuessLimit = GuessLimit {
    scope: "login",
    per_address_var: "LOGINS_PER_IP_PER_MINUTE",
    per_address: 20,
    per_client_var: "LOGIN_GUESSES_PER_CLIENT_PER_ACCOUNT",
    per_client: 5,
    per_target_var: "LOGIN_GUESSES_PER_ACCOUNT",
    per_target: 30,
};

fn var_u32(env: &Env, name: &str, default: u32) -> u32 {
    u32::try_from(var_u64(env, name, default.into())).unwrap_or(u32::MAX)
}

/// The window over which guesses on one target add up (`GUESS_WINDOW_MINUTES`, 15 by default).
fn guess_window_ms(env: &Env) -> i64 {
    i64::try_from(var_u64(env, "GUESS_WINDOW_MINUTES", 15).clamp(1, 24 * 60)).unwrap_or(15) * 60_000
}

/// One request's guesses of one kind (lookups, sign-ins): who is guessing, under which limits.
#[derive(Debug)]
pub struct Guesses<'a> {
    env: &'a Env,
    shop: &'a str,
    limit: GuessLimit,
    caller: Caller,
}

impl<'a> Guesses<'a> {
    /// The guesses of this request's caller.
    pub fn new(req: &Request, env: &'a Env, shop: &'a str, limit: GuessLimit) -> Self {
        Self {
            env,
            shop,
            limit,
            caller: caller(req),
        }
    }

    /// Spends one attempt of this client's per-minute budget across every target (before the
    /// body is even read).
    pub async fn limit_address(&self) -> AppResult<()> {
        let per_minute = var_u32(self.env, self.limit.per_address_var, self.limit.per_address);
        let scope = format!("{}-address", self.limit.scope);
        let anonymous = Caller {
            client: self.caller.client.clone(),
            device: None,
        };
        let budget = crate::guard::Budget {
            per_client: per_minute,
            total: per_minute,
            window_ms: 60_000,
        };
        self.spend((&scope, &self.caller.client), &anonymous, budget)
            .await
    }

    /// Spends one attempt on `target` (an order number, an account): this client's share, and
    /// the target's total unless this device is known there.
    pub async fn limit_target(&self, target: &str) -> AppResult<()> {
        let budget = crate::guard::Budget {
            per_client: var_u32(self.env, self.limit.per_client_var, self.limit.per_client),
            total: var_u32(self.env, self.limit.per_target_var, self.limit.per_target),
            window_ms: guess_window_ms(self.env),
        };
        self.spend((self.limit.scope, target), &self.caller, budget)
            .await
    }

    async fn spend(
        &self,
        target: (&str, &str),
        caller: &Caller,
        budget: crate::guard::Budget,
    ) -> AppResult<()> {
        crate::guard::attempt(self.env, self.shop, target, caller, budget).await
    }

    /// The guess on `target` was right: the attempt is given back and the device remembered
    /// there. Returns the `Set-Cookie` value when the browser had no device cookie yet.
    pub async fn guessed_right(&self, target: &str) -> AppResult<Option<String>> {
        let (device, cookie) = match &self.caller.device {
            Some(d) => (d.clone(), None),
            None => {
                let d = random_hex::<16>()?;
                let cookie = format!(
                    "{DEVICE_COOKIE}={d}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age={DEVICE_KEEP_SECONDS}"
                );
                (d, Some(cookie))
            }
        };
        crate::guard::succeeded(
            self.env,
            self.shop,
            (self.limit.scope, target),
            &self.caller.client,
            &device,
            DEVICE_KEEP_SECONDS * 1000,
        )
        .await?;
        Ok(cookie)
    }
}
