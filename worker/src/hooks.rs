//! Webhooks: every case event is posted, signed with HMAC-SHA256, to the shop's `WEBHOOK_URL`.
//! A delivery is first written to KV (so no event is lost if the worker stops), due a minute
//! later; the request that queued it sends it right after its answer ([`deliver_now`], in the
//! request's `wait_until`) and deletes it, so the cron only sees the ones that attempt did not
//! settle. Failures back off (1, 5, 30, 120, 720 minutes) and give up after 6 tries. Delivery is
//! at least once: a receiver drops repeats by `X-Aftersales-Delivery`. Nothing is sent when
//! `WEBHOOK_URL` is unset.

use serde::{Deserialize, Serialize};
use shared::domain::{Case, Event, Timestamp};
use worker::{Env, Fetch, Headers, Method, Request, RequestInit};

use crate::crypto::{hex, hmac_sha256, random_hex};
use crate::error::AppResult;
use crate::store::{Store, keys};

/// Minutes to wait after the n-th failed attempt (webhooks and buyer notifications alike).
pub const BACKOFF_MINUTES: [i64; 5] = [1, 5, 30, 120, 720];

/// One pending delivery.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Delivery {
    /// Unique id, also sent as `X-Aftersales-Delivery` so receivers can drop duplicates.
    pub id: String,
    /// The JSON body.
    pub body: String,
    /// Attempts so far.
    pub attempts: u32,
}

/// The body posted for each batch of events.
#[derive(Debug, Serialize)]
struct Payload<'a> {
    shop: &'a str,
    case_id: &'a str,
    order: &'a str,
    /// The case's kind: with the events, what a receiver routes on (an overdue complaint's
    /// `deadline_expired` is the owner's to hear of: DOMAIN.md "Time limits").
    kind: &'a str,
    state: &'a str,
    events: &'a [Event],
}

/// How long the request that queued a delivery has to send it before the cron may.
const IMMEDIATE_WINDOW_MS: i64 = 60_000;

/// Records a delivery for the events of one commit, for this request to send after its answer
/// (or the cron, if it does not).
pub async fn enqueue(
    store: &Store,
    case: &Case,
    events: &[Event],
    now: Timestamp,
) -> AppResult<()> {
    // Without a receiver a delivery would only be written, listed and dropped by the cron: one
    // write per commit and three later, for nothing. A receiver configured later gets the
    // changes from then on.
    if !store.webhook {
        return Ok(());
    }
    let body = serde_json::to_string(&Payload {
        shop: &store.shop,
        case_id: &case.id,
        order: &case.order.number,
        kind: case.request.kind.code(),
        state: case.state().name().code(),
        events,
    })?;
    let delivery = Delivery {
        id: random_hex::<12>()?,
        body,
        attempts: 0,
    };
    let key = keys::webhook_retry(&store.shop, now.0 + IMMEDIATE_WINDOW_MS, &delivery.id);
    store.put(&key, &delivery).await?;
    store.queued_hooks.borrow_mut().push(key);
    Ok(())
}

/// True when the shop has a webhook receiver.
pub fn configured(env: &Env) -> bool {
    env.var("WEBHOOK_URL")
        .is_ok_and(|v| !v.to_string().trim().is_empty())
}

/// Sends the deliveries a request queued (`keys`), once its answer went out. A failure leaves
/// the delivery where it is, for the cron and its back-off.
pub async fn deliver_now(env: Env, shop: String, keys: Vec<String>) {
    let url = env
        .var("WEBHOOK_URL")
        .map(|v| v.to_string())
        .unwrap_or_default();
    let now = Timestamp(worker::Date::now().as_millis() as i64);
    let result: AppResult<()> = async {
        let store = Store::open(&env, &shop)?;
        for key in keys {
            // The same commits queued the buyer's notifications (`notify`): sent here too.
            if crate::notify::is_outbox_key(&key) {
                crate::notify::send_queued(&env, &store, &key, now).await?;
                continue;
            }
            // And the owners' alerts (`alert`).
            if crate::alert::is_alert_key(&key) {
                crate::alert::send_queued(&env, &store, &key, now).await?;
                continue;
            }
            if url.trim().is_empty() {
                continue;
            }
            let Some(delivery) = store.get::<Delivery>(&key).await? else {
                continue;
            };
            if post(&env, &url, &delivery, now).await.unwrap_or(false) {
                store.delete(&key).await?;
            }
        }
        Ok(())
    }
    .await;
    if let Err(e) = result {
        let (_, body) = e.envelope(shared::i18n::Lang::En);
        worker::console_error!("webhook delivery after a request failed: {}", body.code);
    }
}

/// Sends every due delivery (called by the cron and after writes). Returns (sent, failed).
pub async fn deliver_due(env: &Env, store: &Store, now: Timestamp) -> AppResult<(u32, u32)> {
    let url = env
        .var("WEBHOOK_URL")
        .map(|v| v.to_string())
        .unwrap_or_default();
    let pending = store
        .list_all_meta::<serde_json::Value>(&keys::webhook_retry_prefix(&store.shop))
        .await?;
    let (mut sent, mut failed) = (0, 0);
    for (key, _) in pending {
        if keys::outbox_due(&key) > now.0 {
            continue;
        }
        let Some(mut delivery) = store.get::<Delivery>(&key).await? else {
            continue;
        };
        if url.is_empty() {
            // No receiver configured: nothing to deliver, nothing to keep.
            store.delete(&key).await?;
            continue;
        }
        if post(env, &url, &delivery, now).await.unwrap_or(false) {
            store.delete(&key).await?;
            sent += 1;
            continue;
        }
        failed += 1;
        delivery.attempts += 1;
        // The next attempt is written before this one is deleted: a failed write keeps the
        // delivery (tried again next run) instead of losing it.
        if let Some(minutes) = BACKOFF_MINUTES.get(delivery.attempts as usize - 1) {
            let next = now.0 + minutes * 60_000;
            store
                .put(
                    &keys::webhook_retry(&store.shop, next, &delivery.id),
                    &delivery,
                )
                .await?;
            store.delete(&key).await?;
        } else {
            store.delete(&key).await?;
            worker::console_error!(
                "webhook {} dropped after {} attempts",
                delivery.id,
                delivery.attempts
            );
        }
    }
    Ok((sent, failed))
}

/// An entry of an outbox whose retries [`retry_due`] runs (the buyer's notifications, the
/// owners' alerts).
pub trait Retried: Serialize + serde::de::DeserializeOwned {
    /// Failed attempts so far.
    fn attempts(&mut self) -> &mut u32;
    /// Its key in the outbox when it is next due at `due` (ms).
    fn key_due_at(&self, shop: &str, due: i64) -> String;
    /// What the log names it by when it is dropped.
    fn name(&self) -> &str;
}

/// One pass over an outbox (`prefix`): each entry due by `now` is sent; a sent one is deleted, a
/// failed one is written again at its next back-off (before the old key is deleted, so a failed
/// write keeps it) or dropped after the last. Returns (sent, failed).
pub async fn retry_due<E: Retried>(
    store: &Store,
    prefix: &str,
    now: Timestamp,
    mut send: impl AsyncFnMut(&mut E) -> AppResult<bool>,
) -> AppResult<(u32, u32)> {
    let pending = store.list_all_meta::<serde_json::Value>(prefix).await?;
    let (mut sent, mut failed) = (0, 0);
    for (key, _) in pending {
        if keys::outbox_due(&key) > now.0 {
            continue;
        }
        let Some(mut entry) = store.get::<E>(&key).await? else {
            continue;
        };
        if send(&mut entry).await? {
            store.delete(&key).await?;
            sent += 1;
            continue;
        }
        failed += 1;
        *entry.attempts() += 1;
        let attempts = *entry.attempts();
        if let Some(minutes) = BACKOFF_MINUTES.get(attempts as usize - 1) {
            let next = entry.key_due_at(&store.shop, now.0 + minutes * 60_000);
            store.put(&next, &entry).await?;
        } else {
            worker::console_error!("{} dropped after {} attempts", entry.name(), attempts);
        }
        store.delete(&key).await?;
    }
    Ok((sent, failed))
}

/// Posts one delivery with `X-Aftersales-Signature: t=<ms>,v1=<hex hmac of "<ms>.<body>">`.
pub async fn post(env: &Env, url: &str, delivery: &Delivery, now: Timestamp) -> AppResult<bool> {
    let secret = env
        .secret("WEBHOOK_SECRET")
        .map(|s| s.to_string())
        .or_else(|_| env.var("WEBHOOK_SECRET").map(|v| v.to_string()))
        .unwrap_or_default();
    let signed = format!("{}.{}", now.0, delivery.body);
    let signature = hex(&hmac_sha256(secret.as_bytes(), signed.as_bytes()).await?);
    let headers = Headers::new();
    headers.set("Content-Type", "application/json")?;
    headers.set(
        "X-Aftersales-Signature",
        &format!("t={},v1={signature}", now.0),
    )?;
    headers.set("X-Aftersales-Delivery", &delivery.id)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(delivery.body.clone().into()));
    let request = Request::new_with_init(url, &init)?;
    let response = Fetch::Request(request).send().await?;
    Ok((200..300).contains(&response.status_code()))
}
