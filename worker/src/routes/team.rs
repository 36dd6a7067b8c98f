//! The owner's desk: invitations (a one-time link that creates an account and signs its owner
//! in) and account changes (role, disable, enable).
//!
//! Why a Durable Object: KV has no compare-and-swap, so two accepts of one link read "unused"
//! together and both create an account, and two owners demoting each other each see the other
//! still an owner and both succeed. Every change to the team (accepting an invitation, creating
//! an account, changing one) therefore runs in the shop's team desk (`desk::TEAM`, the
//! `OrderDesk` class under a name no order has), one at a time. The desk also keeps, in its own
//! strongly consistent storage, which invitations were used and every account it wrote: those
//! are read first, so a KV read lagging the desk's own last write cannot reopen a used link or
//! hide a demotion.
//!
//! Tokens are 32 random bytes; only their SHA-256 is stored (the KV key), so a listing of keys
//! opens nothing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use shared::api::ApiErrorCode;
use shared::api::team::{
    AcceptInvite, Account, AccountChange, Invite, InviteCreated, InviteRequest, invite_path,
};
use shared::domain::Role;
use shared::team::{ChangeRefused, apply_change, check_invite, check_password};
use worker::Response;

use super::Req;
use crate::auth::{self, StaffRecord};
use crate::crypto::{hex, random_hex, sha256};
use crate::error::{AppError, AppResult};
use crate::http::{json_body, ok, with_status};
use crate::store::keys;

/// How long a used or expired invitation is still recognised as such (then it is unknown).
const REMEMBER_SECONDS: u64 = 7 * 86_400;

/// An invitation as stored (in its KV key's metadata, so that the owner's list is one list).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct InviteRecord {
    email: String,
    name: String,
    role: Role,
    expires_at: i64,
    invited_by: String,
    used: bool,
    /// A link that sets the password of an existing account restored without one
    /// (`routes::backup::finish`), instead of creating an account.
    #[serde(default)]
    reset: bool,
}

impl InviteRecord {
    fn view(&self) -> Invite {
        Invite {
            email: self.email.clone(),
            name: self.name.clone(),
            role: self.role,
            expires_at: shared::domain::Timestamp(self.expires_at),
        }
    }
}

fn invite_prefix(shop: &str) -> String {
    format!("invite:{shop}:")
}

fn invite_key(shop: &str, hash: &str) -> String {
    format!("invite:{shop}:{hash}")
}

/// The storage name of a token: its SHA-256, hex. A token that is not 64 hex digits was never
/// issued.
async fn token_hash(token: &str) -> AppResult<String> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiErrorCode::InviteUnknown.into());
    }
    Ok(hex(&sha256(token.to_ascii_lowercase().as_bytes()).await?))
}

async fn read_invite(r: &Req, hash: &str) -> AppResult<Option<InviteRecord>> {
    let key = invite_key(&r.store.shop, hash);
    let (items, _) = r.store.list_meta::<InviteRecord>(&key, 1, None).await?;
    Ok(items
        .into_iter()
        .find(|(k, _)| *k == key)
        .and_then(|(_, record)| record))
}

/// The invitation, if it may still be used: unknown, used and expired are told apart.
fn usable(record: Option<InviteRecord>, now: i64) -> AppResult<InviteRecord> {
    let record = record.ok_or(AppError::Api(ApiErrorCode::InviteUnknown))?;
    if record.used {
        return Err(ApiErrorCode::InviteUsed.into());
    }
    if record.expires_at <= now {
        return Err(ApiErrorCode::InviteExpired.into());
    }
    Ok(record)
}

/// What the team desk remembers: the accounts it wrote, by e-mail.
const DESK_ACCOUNTS: &str = "accounts";

fn used_key(hash: &str) -> String {
    format!("used:{hash}")
}

async fn desk_accounts(r: &Req) -> AppResult<BTreeMap<String, StaffRecord>> {
    Ok(match &r.desk {
        Some(storage) => storage
            .get::<BTreeMap<String, StaffRecord>>(DESK_ACCOUNTS)
            .await?
            .unwrap_or_default(),
        None => BTreeMap::new(),
    })
}

/// Writes an account to KV and, inside the team desk, to the desk's own record.
pub async fn save_account(r: &Req, record: &StaffRecord) -> AppResult<()> {
    r.store
        .put(&keys::staff(&r.store.shop, &record.email), record)
        .await?;
    if let Some(storage) = &r.desk {
        let mut mine = desk_accounts(r).await?;
        mine.insert(record.email.clone(), record.clone());
        storage.put(DESK_ACCOUNTS, mine).await?;
    }
    Ok(())
}

/// The account of `email`: the desk's own copy first, then KV.
pub async fn find_account(r: &Req, email: &str) -> AppResult<Option<StaffRecord>> {
    if let Some(record) = desk_accounts(r).await?.remove(email) {
        return Ok(Some(record));
    }
    r.store.get(&keys::staff(&r.store.shop, email)).await
}

/// Every account of the shop (the desk's own copies over KV's).
pub async fn all_accounts(r: &Req) -> AppResult<Vec<StaffRecord>> {
    let mut by_email = BTreeMap::new();
    for (key, _) in r
        .store
        .list_all_meta::<serde_json::Value>(&keys::staff_prefix(&r.store.shop))
        .await?
    {
        if let Some(record) = r.store.get::<StaffRecord>(&key).await? {
            by_email.insert(record.email.clone(), record);
        }
    }
    by_email.extend(desk_accounts(r).await?);
    Ok(by_email.into_values().collect())
}

/// Whether the team desk holds accounts of its own (a namespace emptied under a desk that kept
/// them: `routes::backup::begin` refuses to restore over them).
pub async fn desk_has_accounts(r: &Req) -> AppResult<bool> {
    Ok(!desk_accounts(r).await?.is_empty())
}

/// A one-time link per account without a password (restored from a backup taken without the
/// hashes), valid for the shop's `invite_ttl_hours`: opened like an invitation, it sets the
/// account's password and signs its holder in.
pub async fn password_links(r: &Req) -> AppResult<Vec<shared::api::backup::PasswordLink>> {
    let policy = crate::cases::policy_of(&r.store).await?;
    let ttl_seconds = u64::try_from(policy.invite_ttl_hours.max(1)).unwrap_or(72) * 3600;
    let mut links = Vec::new();
    for record in all_accounts(r).await? {
        if !record.hash.is_empty() {
            continue;
        }
        let token = random_hex::<32>()?;
        let invite = InviteRecord {
            email: record.email.clone(),
            name: record.name.clone(),
            role: record.role,
            expires_at: r.now.0 + i64::try_from(ttl_seconds).unwrap_or(0) * 1000,
            invited_by: "restore".into(),
            used: false,
            reset: true,
        };
        r.store
            .put_meta_expiring(
                &invite_key(&r.store.shop, &token_hash(&token).await?),
                &invite,
                ttl_seconds + REMEMBER_SECONDS,
            )
            .await?;
        links.push(shared::api::backup::PasswordLink {
            email: record.email,
            path: invite_path(&token),
            expires_at: shared::domain::Timestamp(invite.expires_at),
        });
    }
    Ok(links)
}

/// An account as the team list shows it.
pub fn account(record: &StaffRecord) -> Account {
    Account {
        id: record.id.clone(),
        email: record.email.clone(),
        name: record.name.clone(),
        role: record.role,
        active: record.active,
    }
}

/// `GET /api/staff/invites` (owner): invitations not used and not expired.
pub async fn invites(r: &Req) -> AppResult<Response> {
    let (_, session) = auth::staff(&r.req, &r.store, r.now.0).await?;
    auth::require_role(&session, &[Role::Owner])?;
    let mut pending: Vec<Invite> = r
        .store
        .list_all_meta::<InviteRecord>(&invite_prefix(&r.store.shop))
        .await?
        .into_iter()
        .filter_map(|(_, record)| record)
        .filter(|record| !record.used && record.expires_at > r.now.0)
        .map(|record| record.view())
        .collect();
    pending.sort_by_key(|i| i.expires_at);
    ok(&pending)
}

/// `POST /api/staff/invites` (owner): a one-time link for `email`, valid for the shop's
/// `invite_ttl_hours`.
pub async fn invite(r: &mut Req) -> AppResult<Response> {
    let (_, session) = auth::staff(&r.req, &r.store, r.now.0).await?;
    auth::require_role(&session, &[Role::Owner])?;
    let request: InviteRequest = json_body(&mut r.req).await?;
    check_invite(&request).map_err(AppError::Fields)?;
    let email = request.email.trim().to_ascii_lowercase();
    // Already an account: nothing to invite (checked again, authoritatively, at the accept).
    if r.store
        .get::<StaffRecord>(&keys::staff(&r.store.shop, &email))
        .await?
        .is_some()
    {
        return Err(ApiErrorCode::Conflict.into());
    }
    let policy = crate::cases::policy_of(&r.store).await?;
    let ttl_seconds = u64::try_from(policy.invite_ttl_hours.max(1)).unwrap_or(72) * 3600;
    let token = random_hex::<32>()?;
    let record = InviteRecord {
        email,
        name: request.name.trim().to_string(),
        role: request.role,
        expires_at: r.now.0 + i64::try_from(ttl_seconds).unwrap_or(0) * 1000,
        invited_by: session.staff_id.clone(),
        used: false,
        reset: false,
    };
    r.store
        .put_meta_expiring(
            &invite_key(&r.store.shop, &token_hash(&token).await?),
            &record,
            ttl_seconds + REMEMBER_SECONDS,
        )
        .await?;
    with_status(
        201,
        &InviteCreated {
            path: invite_path(&token),
            token,
            invite: record.view(),
        },
    )
}

/// `GET /api/staff/invites/{token}`: what the link offers (no session needed: the token is the
/// credential).
pub async fn show_invite(r: &Req, token: &str) -> AppResult<Response> {
    let hash = token_hash(token).await?;
    ok(&usable(read_invite(r, &hash).await?, r.now.0)?.view())
}

/// `POST /api/staff/invites/accept`: creates the account and signs in, once per link (in the
/// team desk: see the module's comment).
pub async fn accept(r: &mut Req) -> AppResult<Response> {
    let Some(storage) = r.desk.clone() else {
        return crate::desk::forward(r, crate::desk::TEAM).await;
    };
    let body: AcceptInvite = json_body(&mut r.req).await?;
    let hash = token_hash(&body.token).await?;
    // The desk's own record first: a use it made is final, whatever KV says yet.
    if storage
        .get::<bool>(&used_key(&hash))
        .await?
        .unwrap_or(false)
    {
        return Err(ApiErrorCode::InviteUsed.into());
    }
    let invite = usable(read_invite(r, &hash).await?, r.now.0)?;
    if let Some(problem) = check_password(&body.password) {
        return Err(AppError::Fields(vec![problem]));
    }
    let existing = find_account(r, &invite.email).await?;
    let (salt, password_hash) = auth::hash_password(&body.password).await?;
    let record = match existing {
        None if !invite.reset => StaffRecord {
            id: format!("st_{}", random_hex::<6>()?),
            email: invite.email.clone(),
            name: invite.name.clone(),
            role: invite.role,
            salt,
            hash: password_hash,
            iterations: auth::PBKDF2_ITERATIONS,
            active: true,
        },
        // An account restored without its password: the link sets one on the same account
        // (its id, role and state kept). Once it has one, the link is refused like any other.
        Some(account) if invite.reset && account.hash.is_empty() => StaffRecord {
            salt,
            hash: password_hash,
            iterations: auth::PBKDF2_ITERATIONS,
            ..account
        },
        _ => return Err(ApiErrorCode::Conflict.into()),
    };
    save_account(r, &record).await?;
    storage.put(&used_key(&hash), true).await?;
    let used = InviteRecord {
        used: true,
        ..invite
    };
    let ttl = u64::try_from((used.expires_at - r.now.0).max(0) / 1000).unwrap_or(0);
    r.store
        .put_meta_expiring(
            &invite_key(&r.store.shop, &hash),
            &used,
            ttl + REMEMBER_SECONDS,
        )
        .await?;
    super::staff::signed_in(r, &record, 201, None).await
}

/// `PATCH /api/staff/accounts/{id}` (owner): a new role, disabled or enabled; never leaving the
/// shop without an active owner (decided in the team desk, so two owners demoting each other at
/// once cannot both succeed).
pub async fn change(r: &mut Req, id: &str) -> AppResult<Response> {
    let (_, session) = auth::staff(&r.req, &r.store, r.now.0).await?;
    auth::require_role(&session, &[Role::Owner])?;
    if r.desk.is_none() {
        return crate::desk::forward(r, crate::desk::TEAM).await;
    }
    let change: AccountChange = json_body(&mut r.req).await?;
    let records = all_accounts(r).await?;
    let accounts: Vec<Account> = records.iter().map(account).collect();
    let next = apply_change(&accounts, id, &change).map_err(|refused| match refused {
        ChangeRefused::NotFound => AppError::Api(ApiErrorCode::NotFound),
        ChangeRefused::LastOwner => AppError::Api(ApiErrorCode::LastOwner),
    })?;
    let Some(record) = records.into_iter().find(|s| s.id == id) else {
        return Err(ApiErrorCode::NotFound.into());
    };
    let record = StaffRecord {
        role: next.role,
        active: next.active,
        ..record
    };
    save_account(r, &record).await?;
    ok(&account(&record))
}

/// Validates a new account's fields (the same checks as the admin's forms; in `shared`, where
/// the fuzz crate drives it).
pub use shared::team::check_new_staff;

#[cfg(test)]
mod tests {
    use super::*;

    fn record(used: bool, expires_at: i64) -> InviteRecord {
        InviteRecord {
            email: "mei@shop.example".into(),
            name: "Mei".into(),
            role: Role::Agent,
            expires_at,
            invited_by: "st_1".into(),
            used,
            reset: false,
        }
    }

    fn code(result: AppResult<InviteRecord>) -> Option<ApiErrorCode> {
        match result {
            Err(AppError::Api(code)) => Some(code),
            _ => None,
        }
    }

    #[test]
    fn an_invitation_is_unknown_used_or_expired_in_that_order_else_usable() {
        assert_eq!(code(usable(None, 0)), Some(ApiErrorCode::InviteUnknown));
        assert_eq!(
            code(usable(Some(record(true, 10)), 20)),
            Some(ApiErrorCode::InviteUsed),
            "a used link says used even once it has expired"
        );
        assert_eq!(
            code(usable(Some(record(false, 10)), 10)),
            Some(ApiErrorCode::InviteExpired)
        );
        assert!(usable(Some(record(false, 10)), 9).is_ok());
    }
}
