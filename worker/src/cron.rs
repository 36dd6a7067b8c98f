//! The deadline cron: every run applies each due timeout as the system actor, then sends the
//! webhooks that are due. Running it twice changes nothing: an applied timeout moves the case to
//! a state whose deadline is not due, and `Expire` for a deadline that is no longer current is a
//! no-op in the policy.

use shared::api::CaseSummary;
use shared::domain::{Actor, Timestamp};
use shared::policy;
use worker::Env;

use crate::cases::{self, Scope};
use crate::error::AppResult;
use crate::hooks;
use crate::store::{Store, keys};

/// What one run did.
#[derive(Debug, Default, serde::Serialize)]
pub struct CronReport {
    /// Open cases looked at.
    pub scanned: u32,
    /// Timeouts applied.
    pub expired: u32,
    /// Cases where another writer got there first (picked up again next run).
    pub conflicts: u32,
    /// Webhooks sent and failed.
    pub webhooks: (u32, u32),
    /// "Closing soon" reminders queued.
    pub reminders: u32,
    /// Buyer notifications sent and failed.
    pub notifications: (u32, u32),
    /// Owners' alerts sent and failed.
    pub alerts: (u32, u32),
}

/// Runs the timeouts of one shop.
pub async fn run(env: &Env, shop: &str, now: Timestamp) -> AppResult<CronReport> {
    let store = Store::open(env, shop)?;
    let mut report = CronReport::default();
    // The queue holds every open case with its deadline in the summary: only cases whose deadline
    // has passed are read in full.
    let open = store
        .list_all_meta::<CaseSummary>(&keys::queue_prefix(shop))
        .await?;
    let mut seen = std::collections::HashSet::new();
    let policy = cases::policy_of(&store).await?;
    let remind_ms = policy
        .notify_remind_hours
        .saturating_mul(shared::domain::MS_PER_HOUR);
    for (_, summary) in open {
        let Some(summary) = summary else { continue };
        report.scanned += 1;
        if !seen.insert(summary.id.clone()) {
            continue;
        }
        // The buyer's deadline is near: remind them (once per deadline; `notify` keeps the
        // marker). Only such cases are read in full.
        let near = summary
            .due
            .is_some_and(|due| due > now && due.0 - now.0 <= remind_ms);
        if store.notify && near && summary.waiting_for == Some(shared::domain::Party::Buyer) {
            if let Some(loaded) = store.load_fresh(&summary.id).await?
                && crate::notify::remind(&store, &policy, &loaded.case, now).await?
            {
                report.reminders += 1;
            }
            continue;
        }
        if summary.due.is_none_or(|due| due > now) || summary.expiry_on_record {
            continue;
        }
        // The expiry is a change like any other: it runs in the order's desk, after (or before)
        // whatever a buyer or an agent is doing to the same order at this moment.
        let answer = crate::desk::send(
            env,
            shop,
            &summary.order,
            worker::Method::Post,
            &format!("/desk/expire/{}", summary.id),
            worker::Headers::new(),
            None,
        )
        .await;
        match answer {
            Ok(mut response) if response.status_code() == 200 => {
                if response
                    .json::<ExpiryAnswer>()
                    .await
                    .is_ok_and(|a| a.expired)
                {
                    report.expired += 1;
                }
            }
            Ok(response) if response.status_code() == 409 => report.conflicts += 1,
            Ok(response) => worker::console_error!(
                "cron: case {}: status {}",
                summary.id,
                response.status_code()
            ),
            Err(e) => {
                let (_, body) = e.envelope(shared::i18n::Lang::En);
                worker::console_error!("cron: case {}: {}", summary.id, body.code);
            }
        }
    }
    report.webhooks = hooks::deliver_due(env, &store, now).await?;
    // The reminders this run queued go out now, like a request's after its answer.
    let queued = std::mem::take(&mut *store.queued_hooks.borrow_mut());
    for key in queued.iter().filter(|k| crate::notify::is_outbox_key(k)) {
        crate::notify::send_queued(env, &store, key, now).await?;
    }
    report.alerts = crate::alert::deliver_due(env, &store, now).await?;
    report.notifications = crate::notify::deliver_due(env, &store, &policy, now).await?;
    Ok(report)
}

/// What a desk answers the cron for one case.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct ExpiryAnswer {
    expired: bool,
}

/// `POST /desk/expire/{id}` inside the order's desk: applies the case's due timeout, if one is
/// still due now that every earlier change of the order has been applied.
pub async fn expire_in_desk(r: &mut crate::routes::Req, id: &str) -> AppResult<worker::Response> {
    if r.desk.is_none() {
        return Err(shared::api::ApiErrorCode::NotFound.into());
    }
    let Some(loaded) = r.store.load_fresh(id).await? else {
        return crate::http::ok(&ExpiryAnswer { expired: false });
    };
    let policy = cases::policy_of(&r.store).await?;
    let Some(command) = policy::due_timeout(&loaded.case, &policy, r.now) else {
        return crate::http::ok(&ExpiryAnswer { expired: false });
    };
    let scope = Scope {
        store: &r.store,
        policy: &policy,
        now: r.now,
    };
    let before = loaded.version;
    let (after, _, _) = cases::run_command(&scope, loaded, &command, &Actor::System).await?;
    crate::http::ok(&ExpiryAnswer {
        expired: after.version > before,
    })
}
