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
}

/// Runs the timeouts of one shop.
pub async fn run(env: &Env, shop: &str, now: Timestamp) -> AppResult<CronReport> {
    let store = Store::open(env, shop)?;
    let policy = cases::policy_of(&store).await?;
    let scope = Scope {
        store: &store,
        policy: &policy,
        now,
    };
    let mut report = CronReport::default();
    // The queue holds every open case with its deadline in the summary: only cases whose deadline
    // has passed are read in full.
    let open = store
        .list_all_meta::<CaseSummary>(&keys::queue_prefix(shop))
        .await?;
    let mut seen = std::collections::HashSet::new();
    for (_, summary) in open {
        let Some(summary) = summary else { continue };
        report.scanned += 1;
        if !seen.insert(summary.id.clone()) || summary.due.is_none_or(|due| due > now) {
            continue;
        }
        let Some(loaded) = store.load_case(&summary.id).await? else {
            continue;
        };
        let Some(command) = policy::due_timeout(&loaded.case, &policy, now) else {
            continue;
        };
        match cases::run_command(&scope, loaded, &command, &Actor::System).await {
            Ok(_) => report.expired += 1,
            Err(crate::error::AppError::Api(shared::api::ApiErrorCode::Conflict)) => {
                report.conflicts += 1
            }
            Err(e) => {
                let (_, body) = e.envelope(shared::i18n::Lang::En);
                worker::console_error!("cron: case {}: {}", summary.id, body.code);
            }
        }
    }
    report.webhooks = hooks::deliver_due(env, &store, now).await?;
    Ok(report)
}
