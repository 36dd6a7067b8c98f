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
    let kid = env
        .var("SIGNING_KEY_ID")
        .map(|v| v.to_string())
        .unwrap_or_else(|_| "k1".into());
    let payload = b64url(&serde_json::to_vec(&grant)?);
    let signed = format!("{TOKEN_PREFIX}.{kid}.{payload}");
    let sig = hmac_sha256(secret(env, "SIGNING_KEY")?.as_bytes(), signed.as_bytes()).await?;
    Ok((format!("{signed}.{}", b64url(&sig)), grant.exp))
}

/// Checks a buyer token's signature, key id and expiry.
pub async fn verify_buyer_token(env: &Env, token: &str, now: i64) -> AppResult<BuyerGrant> {
    let unauthenticated = || AppError::Api(ApiErrorCode::Unauthenticated);
    let (signed, sig) = token.rsplit_once('.').ok_or_else(unauthenticated)?;
    let mut parts = signed.splitn(3, '.');
    let (Some(TOKEN_PREFIX), Some(kid), Some(payload)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(unauthenticated());
    };
    let current_kid = env
        .var("SIGNING_KEY_ID")
        .map(|v| v.to_string())
        .unwrap_or_else(|_| "k1".into());
    if kid != current_kid {
        return Err(unauthenticated());
    }
    let expected = hmac_sha256(secret(env, "SIGNING_KEY")?.as_bytes(), signed.as_bytes()).await?;
    let given = b64url_decode(sig).ok_or_else(unauthenticated)?;
    if !constant_time_eq(&expected, &given) {
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

/// Counts an attempt for `caller` in the current minute and refuses past `per_minute`.
/// KV counters are approximate under concurrency; good enough against guessing, which needs
/// thousands of attempts.
pub async fn rate_limit(
    store: &Store,
    bucket: &str,
    caller: &str,
    per_minute: u32,
    now: i64,
) -> AppResult<()> {
    let minute = now / 60_000;
    let key = keys::rate(bucket, caller, minute);
    let count: u32 = store.get(&key).await?.unwrap_or(0);
    if count >= per_minute {
        return Err(ApiErrorCode::RateLimited.into());
    }
    store.put_expiring(&key, &(count + 1), 120).await
}
