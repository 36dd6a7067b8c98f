//! The buyer's notification outbox (issue 12 §1). The rule (which commit tells the buyer what,
//! under which key, and when it may be sent) is `shared::policy::notify`; this module stores and
//! delivers.
//!
//! Like the webhooks (`hooks`), a notification is written to KV by the commit that caused it,
//! before the answer, and the request sends it right after its answer (`wait_until`); the cron
//! sends what that attempt did not settle, with back-off. Channels:
//! - the shop's webhook (`WEBHOOK_URL`), `"type": "buyer.notification"`, signed like every
//!   delivery, for the shop's own SMS / WeChat / e-mail sender;
//! - built-in e-mail through an HTTP e-mail API (`EMAIL_API_URL`, `EMAIL_API_KEY` secret,
//!   `EMAIL_FROM`), when the order carries the buyer's address: a JSON POST
//!   `{to, from, subject, text}`;
//! - Web Push to every browser the buyer allowed on the case page (`push`, with the VAPID keys).
//!
//! Never twice: a marker under the milestone key (`ntf:`) is written with the entry and checked
//! first, so a replayed commit or a second cron run over the same reminder queues nothing. KV has
//! no compare-and-swap, and this tolerates the race: a case's commits are serialized by its
//! order's desk, so two writers of one milestone key are only two overlapping cron runs reminding
//! the same deadline, and the e-mail carries the key as `Idempotency-Key` and the webhook as
//! `X-Aftersales-Delivery` for the receiver to drop the repeat.
//!
//! Quiet hours: nothing is sent while the shop's quiet hours (current settings) are on; the
//! entry waits and the first cron run after they end sends it.

use serde::{Deserialize, Serialize};
use shared::domain::{BuyerContact, Case, Timestamp};
use shared::policy::Policy;
use shared::policy::notify::{self as rule, Notification, Setting};
use worker::{Env, Fetch, Headers, Method, Request, RequestInit};

use crate::error::AppResult;
use crate::hooks::{self, Delivery};
use crate::store::{Store, keys};

/// How long the "already notified" marker is kept: longer than any case stays open.
const SEEN_TTL_SECONDS: u64 = 400 * 24 * 3600;
/// How long the request that queued an entry has to send it before the cron may.
const IMMEDIATE_WINDOW_MS: i64 = 60_000;

/// A way the notification reaches the buyer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The shop's webhook.
    Webhook,
    /// The built-in e-mail.
    Email,
}

/// One notification waiting to go out.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// What to say.
    pub notification: Notification,
    /// Whom to.
    pub buyer: BuyerContact,
    /// The shop (named in the webhook's body).
    pub shop: String,
    /// The earliest instant the quiet hours allowed when it was queued (informative: the cron
    /// checks the current settings).
    pub not_before: Timestamp,
    /// Channels that already have it.
    #[serde(default)]
    pub done: Vec<Channel>,
    /// Failed attempts so far.
    #[serde(default)]
    pub attempts: u32,
    /// The push subscriptions (ids, `push`) that have it.
    #[serde(default)]
    pub pushed: Vec<String>,
}

/// A setting of the worker's environment, a secret or a plain variable, trimmed ("" when unset).
pub fn env_value(env: &Env, name: &str) -> String {
    env.secret(name)
        .map(|s| s.to_string())
        .or_else(|_| env.var(name).map(|v| v.to_string()))
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// True when some channel is configured (else nothing is queued at all).
pub fn configured(env: &Env) -> bool {
    hooks::configured(env)
        || !env_value(env, "EMAIL_API_URL").is_empty()
        || crate::push::configured(env)
}

/// Queues the notification of one commit (`case.events[from..]`, applied), if it has one.
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
    let Some(notification) = rule::notification(case, from, &Setting::of(case, policy)) else {
        return Ok(());
    };
    queue(store, policy, notification, &case.order.buyer, now).await
}

/// Queues the "closing soon" reminder of a case, if its buyer's deadline is near (the cron).
pub async fn remind(
    store: &Store,
    policy: &Policy,
    case: &Case,
    now: Timestamp,
) -> AppResult<bool> {
    if !store.notify {
        return Ok(false);
    }
    let Some(notification) = rule::closing_soon(case, policy, now) else {
        return Ok(false);
    };
    queue(store, policy, notification, &case.order.buyer, now).await?;
    Ok(true)
}

async fn queue(
    store: &Store,
    policy: &Policy,
    notification: Notification,
    buyer: &BuyerContact,
    now: Timestamp,
) -> AppResult<()> {
    let seen = keys::notified(&store.shop, &notification.key);
    if store.get_text(&seen).await?.is_some() {
        return Ok(());
    }
    let not_before = rule::may_send_at(now, policy);
    // Sent by this request right after its answer: the cron waits a minute before it may try.
    // Held for the quiet hours: the cron's to send, from its first run after them.
    let immediate = not_before <= now;
    let due = if immediate {
        now.0 + IMMEDIATE_WINDOW_MS
    } else {
        now.0
    };
    let key = keys::notify_pending(&store.shop, due, &notification.key);
    let entry = Entry {
        notification,
        buyer: buyer.clone(),
        shop: store.shop.clone(),
        not_before,
        done: Vec::new(),
        attempts: 0,
        pushed: Vec::new(),
    };
    // The entry first: a failure between the two writes leaves an entry without its marker
    // (sent once), never a marker without its entry (never sent).
    store.put(&key, &entry).await?;
    store.put_expiring(&seen, &"1", SEEN_TTL_SECONDS).await?;
    if immediate {
        store.queued_hooks.borrow_mut().push(key);
    }
    Ok(())
}

/// True for an outbox key (the queued keys of a request mix webhook deliveries and these).
pub fn is_outbox_key(key: &str) -> bool {
    key.starts_with(keys::NOTIFY_PENDING)
}

/// Sends one queued entry right after the answer; a failure leaves it for the cron.
pub async fn send_queued(env: &Env, store: &Store, key: &str, now: Timestamp) -> AppResult<()> {
    let Some(mut entry) = store.get::<Entry>(key).await? else {
        return Ok(());
    };
    let before = entry.done.len() + entry.pushed.len();
    if send(env, store, &mut entry, now).await? {
        store.delete(key).await?;
    } else if entry.done.len() + entry.pushed.len() > before {
        // One channel has it: the cron's retry must not send it there again.
        store.put(key, &entry).await?;
    }
    Ok(())
}

/// Sends every due entry, unless the shop's quiet hours are on now (the cron). Returns (sent,
/// failed).
pub async fn deliver_due(
    env: &Env,
    store: &Store,
    policy: &Policy,
    now: Timestamp,
) -> AppResult<(u32, u32)> {
    if rule::in_quiet_hours(now, policy) {
        return Ok((0, 0));
    }
    let prefix = keys::notify_pending_prefix(&store.shop);
    hooks::retry_due(store, &prefix, now, async |entry: &mut Entry| {
        send(env, store, entry, now).await
    })
    .await
}

impl hooks::Retried for Entry {
    fn attempts(&mut self) -> &mut u32 {
        &mut self.attempts
    }

    fn key_due_at(&self, shop: &str, due: i64) -> String {
        keys::notify_pending(shop, due, &self.notification.key)
    }

    fn name(&self) -> &str {
        &self.notification.key
    }
}

/// Tries every configured channel that does not have the entry yet; true when none is left.
async fn send(env: &Env, store: &Store, entry: &mut Entry, now: Timestamp) -> AppResult<bool> {
    let webhook = env_value(env, "WEBHOOK_URL");
    let email_api = env_value(env, "EMAIL_API_URL");
    let portal = env_value(env, "PORTAL_URL");
    let link = format!(
        "{}{}",
        portal.trim_end_matches('/'),
        entry.notification.link
    );
    let mut left = 0;
    if !webhook.is_empty() && !entry.done.contains(&Channel::Webhook) {
        if post_webhook(env, &webhook, entry, &link, now)
            .await
            .unwrap_or(false)
        {
            entry.done.push(Channel::Webhook);
        } else {
            left += 1;
        }
    }
    let to = entry.buyer.email.clone().unwrap_or_default();
    if !email_api.is_empty() && !to.is_empty() && !entry.done.contains(&Channel::Email) {
        if post_buyer_email(env, &email_api, entry, &to, &link)
            .await
            .unwrap_or(false)
        {
            entry.done.push(Channel::Email);
        } else {
            left += 1;
        }
    }
    if crate::push::configured(env) {
        let n = &entry.notification;
        left += crate::push::deliver(env, store, n, &link, &mut entry.pushed, now)
            .await
            .unwrap_or(1);
    }
    Ok(left == 0)
}

/// The webhook body of a notification.
#[derive(Debug, Serialize)]
struct Payload<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    shop: &'a str,
    #[serde(flatten)]
    notification: &'a Notification,
    url: &'a str,
    buyer: &'a BuyerContact,
}

async fn post_webhook(
    env: &Env,
    url: &str,
    entry: &Entry,
    link: &str,
    now: Timestamp,
) -> AppResult<bool> {
    let body = serde_json::to_string(&Payload {
        kind: "buyer.notification",
        shop: &entry.shop,
        notification: &entry.notification,
        url: link,
        buyer: &entry.buyer,
    })?;
    let delivery = Delivery {
        id: entry.notification.key.clone(),
        body,
        attempts: entry.attempts,
    };
    hooks::post(env, url, &delivery, now).await
}

/// The e-mail API's request body.
#[derive(Debug, Serialize)]
struct Email<'a> {
    to: &'a str,
    from: &'a str,
    subject: &'a str,
    text: &'a str,
}

async fn post_buyer_email(
    env: &Env,
    url: &str,
    entry: &Entry,
    to: &str,
    link: &str,
) -> AppResult<bool> {
    let n = &entry.notification;
    let text = format!("{}\n\n{}\n\n{link}\n", n.title, n.body);
    post_email(env, url, to, &n.title, &text, &n.key).await
}

/// Sends one e-mail through the e-mail API (`EMAIL_FROM`, bearer `EMAIL_API_KEY`); `key` is the
/// `Idempotency-Key` by which the API drops a repeat. True when the API accepted it.
pub async fn post_email(
    env: &Env,
    url: &str,
    to: &str,
    subject: &str,
    text: &str,
    key: &str,
) -> AppResult<bool> {
    let from = env_value(env, "EMAIL_FROM");
    let body = serde_json::to_string(&Email {
        to,
        from: &from,
        subject,
        text,
    })?;
    let headers = Headers::new();
    headers.set("Content-Type", "application/json")?;
    headers.set("Idempotency-Key", key)?;
    let api_key = env_value(env, "EMAIL_API_KEY");
    if !api_key.is_empty() {
        headers.set("Authorization", &format!("Bearer {api_key}"))?;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(body.into()));
    let request = Request::new_with_init(url, &init)?;
    let response = Fetch::Request(request).send().await?;
    Ok((200..300).contains(&response.status_code()))
}
