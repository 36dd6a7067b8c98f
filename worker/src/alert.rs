//! The owners' alerts. DOMAIN.md "Time limits": a complaint about the service left unanswered
//! past its clock is "overdue; the owner is told". The rule is
//! `shared::policy::notify::owner_alert`; this module stores and delivers.
//!
//! Delivery works like the buyer's notifications (`notify`). The commit that records the clock's
//! passing (the cron's expiry, in the order's desk) writes the alert to KV before it answers. The
//! request sends the alert right after its answer (`wait_until`), and the cron sends whatever that
//! attempt did not settle, with the same back-off.
//!
//! Channels:
//! - the shop's webhook (`WEBHOOK_URL`), `"type": "staff.alert"`, signed like every delivery;
//! - the built-in e-mail (`EMAIL_API_URL`), one to each active owner account.
//!
//! Each channel and each address is marked done as it succeeds, so a retry sends only what is
//! left. Quiet hours do not hold an alert: they spare buyers, and this message is for the shop.
//! Unlike a buyer's milestone, an alert needs no "already sent" marker: the policy records a
//! clock's passing once, so only one commit can carry a given alert.

use serde::{Deserialize, Serialize};
use shared::domain::{Case, Role, Timestamp};
use shared::policy::Policy;
use shared::policy::notify::{OwnerAlert, owner_alert};
use worker::Env;

use crate::auth::StaffRecord;
use crate::error::AppResult;
use crate::hooks::{self, Delivery};
use crate::notify::{env_value, post_email};
use crate::store::{Store, keys};

/// How long the request that queued an alert has to send it before the cron may.
const IMMEDIATE_WINDOW_MS: i64 = 60_000;
/// What `done` holds once the webhook has the alert (every other entry is an e-mail address).
const WEBHOOK_DONE: &str = "webhook";

/// One alert waiting to go out.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// What to say.
    pub alert: OwnerAlert,
    /// The shop (named in the webhook's body).
    pub shop: String,
    /// The e-mail addresses of the shop's active owners when the alert was queued.
    pub to: Vec<String>,
    /// The channels that have it: `webhook`, and each address the e-mail API accepted.
    #[serde(default)]
    pub done: Vec<String>,
    /// Failed attempts so far.
    #[serde(default)]
    pub attempts: u32,
}

/// Queues the owners' alert of one commit (`case.events[from..]`, applied), if it has one.
pub async fn enqueue(
    store: &Store,
    policy: &Policy,
    case: &Case,
    from: usize,
    now: Timestamp,
) -> AppResult<()> {
    if !store.notify {
        return Ok(());
    }
    let Some(alert) = owner_alert(case, from, policy) else {
        return Ok(());
    };
    let entry = Entry {
        to: owner_emails(store).await?,
        shop: store.shop.clone(),
        done: Vec::new(),
        attempts: 0,
        alert,
    };
    let key = keys::alert_pending(&store.shop, now.0 + IMMEDIATE_WINDOW_MS, &entry.alert.key);
    store.put(&key, &entry).await?;
    store.queued_hooks.borrow_mut().push(key);
    Ok(())
}

/// The addresses of the shop's active owner accounts.
async fn owner_emails(store: &Store) -> AppResult<Vec<String>> {
    let mut emails = Vec::new();
    for (key, _) in store
        .list_all_meta::<serde_json::Value>(&keys::staff_prefix(&store.shop))
        .await?
    {
        if let Some(account) = store.get::<StaffRecord>(&key).await?
            && account.active
            && account.role == Role::Owner
        {
            emails.push(account.email);
        }
    }
    Ok(emails)
}

/// True for a key of this outbox (a request's queued keys mix webhooks, notifications and these).
pub fn is_alert_key(key: &str) -> bool {
    key.starts_with(keys::ALERT_PENDING)
}

/// Sends one queued alert right after the answer; whatever fails is left for the cron.
pub async fn send_queued(env: &Env, store: &Store, key: &str, now: Timestamp) -> AppResult<()> {
    let Some(mut entry) = store.get::<Entry>(key).await? else {
        return Ok(());
    };
    let before = entry.done.len();
    if send(env, &mut entry, now).await {
        store.delete(key).await?;
    } else if entry.done.len() > before {
        // Some channel has it: the cron's retry must not send it there again.
        store.put(key, &entry).await?;
    }
    Ok(())
}

/// Sends every due alert (the cron). Returns (sent, failed).
pub async fn deliver_due(env: &Env, store: &Store, now: Timestamp) -> AppResult<(u32, u32)> {
    let prefix = keys::alert_pending_prefix(&store.shop);
    hooks::retry_due(store, &prefix, now, async |entry: &mut Entry| {
        Ok(send(env, entry, now).await)
    })
    .await
}

impl hooks::Retried for Entry {
    fn attempts(&mut self) -> &mut u32 {
        &mut self.attempts
    }

    fn key_due_at(&self, shop: &str, due: i64) -> String {
        keys::alert_pending(shop, due, &self.alert.key)
    }

    fn name(&self) -> &str {
        &self.alert.key
    }
}

/// The webhook body of an alert.
#[derive(Debug, Serialize)]
struct Payload<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    shop: &'a str,
    #[serde(flatten)]
    alert: &'a OwnerAlert,
    url: &'a str,
    to: &'a [String],
}

/// Tries every configured channel that does not have the alert yet; true when none is left.
async fn send(env: &Env, entry: &mut Entry, now: Timestamp) -> bool {
    let webhook = env_value(env, "WEBHOOK_URL");
    let email_api = env_value(env, "EMAIL_API_URL");
    let admin = env_value(env, "PORTAL_URL");
    let link = format!("{}{}", admin.trim_end_matches('/'), entry.alert.link);
    let mut left = 0;
    if !webhook.is_empty() && !entry.done.iter().any(|d| d == WEBHOOK_DONE) {
        let delivery = serde_json::to_string(&Payload {
            kind: "staff.alert",
            shop: &entry.shop,
            alert: &entry.alert,
            url: &link,
            to: &entry.to,
        })
        .map(|body| Delivery {
            id: entry.alert.key.clone(),
            body,
            attempts: entry.attempts,
        });
        let posted = match delivery {
            Ok(delivery) => hooks::post(env, &webhook, &delivery, now)
                .await
                .unwrap_or(false),
            Err(_) => false,
        };
        if posted {
            entry.done.push(WEBHOOK_DONE.to_string());
        } else {
            left += 1;
        }
    }
    if !email_api.is_empty() {
        let text = format!("{}\n\n{}\n\n{link}\n", entry.alert.title, entry.alert.body);
        let waiting: Vec<String> = entry
            .to
            .iter()
            .filter(|to| !entry.done.contains(to))
            .cloned()
            .collect();
        for to in waiting {
            let key = format!("{}.{to}", entry.alert.key);
            if post_email(env, &email_api, &to, &entry.alert.title, &text, &key)
                .await
                .unwrap_or(false)
            {
                entry.done.push(to);
            } else {
                left += 1;
            }
        }
    }
    left == 0
}
