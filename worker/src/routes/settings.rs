//! The owner's settings: a candidate policy's preview, the change log, and what a save does to
//! the open cases.
//!
//! Deadlines are not stored with a case: every read computes them from the case's clock and the
//! policy (`shared::policy::current_deadline`), so the pages and every decision see a saved
//! change at once. Only the queue's index keys carry a deadline (they sort by it, and the cron
//! reads it to find the cases to expire). A save therefore re-indexes the open cases whose
//! deadline moved, each in its order's desk (the one writer of that order's read models), so the
//! queue, its overdue view and the cron follow the new deadlines at once.
//!
//! Cost, bounded: the most urgent [`MAX_OPEN_CASES`] open cases are looked at (one KV list, two
//! reads per case; for the preview's eligibility, the order's cases of those awaiting an
//! answer). A save sends one desk request per moved case (each re-index: about fifteen KV
//! operations in that desk's own invocation). Open cases beyond the bound keep their old index
//! key until their next change, or until the owner rebuilds the indexes; their pages and their
//! decisions already use the new policy, and the cron still finds a deadline that moved later
//! (the desk re-checks `due_timeout` before expiring anything), only a deadline moved earlier is
//! found late. The preview says when there are more open cases than it looked at.

use std::collections::BTreeMap;

use shared::api::query::ChangesQuery;
use shared::api::settings::{PolicyChangeEntry, PolicyChangesPage, PolicyPreview};
use shared::api::{ApiErrorCode, CaseSummary};
use shared::domain::{Case, Role, StateName};
use shared::policy::{self, OpenCase, Policy};
use worker::Response;

use super::Req;
use crate::auth::{self, Session};
use crate::cases::{self, Scope};
use crate::error::{AppError, AppResult};
use crate::http::{self, ok};
use crate::store::{Store, keys};

/// Open cases a preview or a save looks at, most urgent first.
pub const MAX_OPEN_CASES: u64 = 100;

/// Prefix of the shop's policy change log.
fn log_prefix(shop: &str) -> String {
    format!("policylog:{shop}:")
}

/// One change-log entry: newest first in key order (the time counted down), then a nonce, so
/// two owners saving in the same millisecond both keep their entry (KV has no compare-and-swap;
/// separate keys need none).
fn log_key(shop: &str, at: i64, nonce: &str) -> String {
    let countdown = 9_999_999_999_999_i64.saturating_sub(at.clamp(0, 9_999_999_999_999));
    format!("{}{countdown:013}:{nonce}", log_prefix(shop))
}

/// The open cases a preview or a save looks at, and whether there are more.
async fn open_cases(store: &Store) -> AppResult<(Vec<Case>, bool)> {
    let (items, next) = store
        .list_meta::<CaseSummary>(&keys::queue_prefix(&store.shop), MAX_OPEN_CASES, None)
        .await?;
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for summary in items.into_iter().filter_map(|(_, s)| s) {
        // A case being re-indexed may be listed twice for a moment.
        if !seen.insert(summary.id.clone()) {
            continue;
        }
        if let Some(loaded) = store.load_case(&summary.id).await?
            && !loaded.case.state().is_closed()
        {
            out.push(loaded.case);
        }
    }
    Ok((out, next.is_some()))
}

/// True for a state in which the shop has yet to answer the request (eligibility matters).
fn awaits_answer(state: StateName) -> bool {
    matches!(
        state,
        StateName::AwaitingReview
            | StateName::InfoRequested
            | StateName::AwaitingOwnerApproval
            | StateName::Escalated
    )
}

/// `POST /api/staff/policy/preview` (owner): the candidate's field problems exactly as a save
/// would answer them, or what saving it would change.
pub async fn preview(r: &mut Req) -> AppResult<Response> {
    let (_, session) = auth::staff(&r.req, &r.store, r.now.0).await?;
    auth::require_role(&session, &[Role::Owner])?;
    let candidate = super::staff::policy_body(r).await?;
    let current = cases::policy_of(&r.store).await?;
    let (open, more) = open_cases(&r.store).await?;
    // The order's cases, for the requests awaiting an answer only (quantities and warranty
    // history); one read per order.
    let mut orders: BTreeMap<String, Vec<Case>> = BTreeMap::new();
    for case in &open {
        if awaits_answer(case.state().name()) && !orders.contains_key(&case.order.number) {
            let siblings = cases::order_cases(&r.store, &case.order.number).await?;
            orders.insert(case.order.number.clone(), siblings);
        }
    }
    let open_refs: Vec<OpenCase<'_>> = open
        .iter()
        .map(|case| OpenCase {
            case,
            order_cases: orders
                .get(&case.order.number)
                .map_or(std::slice::from_ref(case), Vec::as_slice),
        })
        .collect();
    ok(&PolicyPreview {
        changes: policy::diff(&current, &candidate),
        impact: policy::impact(&current, &candidate, &open_refs, r.now),
        more_open_cases: more,
    })
}

/// After a save: the change-log entry, and the open cases whose deadline moved re-indexed in
/// their desks. Called by `PUT /api/staff/policy` once the new policy is stored.
pub async fn after_save(
    r: &Req,
    session: &Session,
    old: &Policy,
    new: &Policy,
) -> AppResult<PolicyChangeEntry> {
    let changes = policy::diff(old, new);
    let mut reindexed = 0;
    if !changes.is_empty() {
        let (open, _) = open_cases(&r.store).await?;
        let refs: Vec<OpenCase<'_>> = open
            .iter()
            .map(|case| OpenCase {
                case,
                order_cases: std::slice::from_ref(case),
            })
            .collect();
        let body = serde_json::to_vec(new)?;
        for moved in policy::impact(old, new, &refs, r.now).moves {
            let Some(case) = open.iter().find(|c| c.id == moved.case) else {
                continue;
            };
            let headers = worker::Headers::new();
            headers.set("Content-Type", "application/json")?;
            let answer = crate::desk::send(
                &r.env,
                &r.store.shop,
                &case.order.number,
                worker::Method::Post,
                &format!("/desk/reindex/{}", case.id),
                headers,
                Some(body.clone()),
            )
            .await;
            match answer {
                Ok(response) if response.status_code() == 200 => reindexed += 1,
                // The policy is saved and every read already uses it; an index entry left behind
                // is caught up by the case's next change or a rebuild, so a save never fails here.
                Ok(response) => worker::console_error!(
                    "policy save: reindex {}: status {}",
                    case.id,
                    response.status_code()
                ),
                Err(e) => {
                    let (_, body) = e.envelope(shared::i18n::Lang::En);
                    worker::console_error!("policy save: reindex {}: {}", case.id, body.code);
                }
            }
        }
    }
    let entry = PolicyChangeEntry {
        at: r.now,
        staff_id: session.staff_id.clone(),
        staff_name: session.name.clone(),
        changes,
        reindexed,
    };
    let nonce = crate::crypto::random_hex::<4>()?;
    r.store
        .put(&log_key(&r.store.shop, r.now.0, &nonce), &entry)
        .await?;
    Ok(entry)
}

/// `POST /desk/reindex/{id}` inside the order's desk, body: the policy just saved. Re-indexes
/// the case under it (and this isolate serves that policy from now on, so a command the desk
/// runs next does not index the case under a policy it cached before the save).
pub async fn reindex_in_desk(r: &mut Req, id: &str) -> AppResult<Response> {
    if r.desk.is_none() {
        return Err(ApiErrorCode::NotFound.into());
    }
    let raw = http::body_bytes(&mut r.req, http::MAX_JSON_BYTES).await?;
    let text = String::from_utf8(raw).map_err(|_| AppError::Api(ApiErrorCode::MalformedJson))?;
    let policy = Policy::from_json(&text).map_err(AppError::Fields)?;
    crate::shop::remember_saved(&r.store.shop, &policy);
    let Some(mut loaded) = r.store.load_fresh(id).await? else {
        return ok(&false);
    };
    let scope = Scope {
        store: &r.store,
        policy: &policy,
        now: r.now,
    };
    cases::reindex_alone(&scope, &mut loaded).await?;
    ok(&true)
}

/// `GET /api/staff/policy/changes?cursor=&limit=` (owner): the change log, newest first.
pub async fn changes(r: &Req) -> AppResult<Response> {
    let (_, session) = auth::staff(&r.req, &r.store, r.now.0).await?;
    auth::require_role(&session, &[Role::Owner])?;
    // Read in `shared` (`api::query`, where the fuzz crate drives it).
    let ChangesQuery { limit, cursor } =
        ChangesQuery::parse(&http::query_pairs(&r.req)).map_err(AppError::Api)?;
    let (keys_, next) = r
        .store
        .list_meta::<serde_json::Value>(&log_prefix(&r.store.shop), limit, cursor)
        .await?;
    let mut items = Vec::with_capacity(keys_.len());
    for (key, _) in keys_ {
        if let Some(entry) = r.store.get::<PolicyChangeEntry>(&key).await? {
            items.push(entry);
        }
    }
    ok(&PolicyChangesPage {
        items,
        cursor: next,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newer_entries_sort_first() {
        let older = log_key("demo", 1_700_000_000_000, "aa");
        let newer = log_key("demo", 1_700_000_000_001, "aa");
        assert!(newer < older);
        assert!(newer.starts_with(&log_prefix("demo")));
        assert_eq!(log_key("demo", -5, "x"), log_key("demo", 0, "x"));
    }
}
