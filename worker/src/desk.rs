//! One writer per order. Every change to an order's cases (a filing, a buyer's or a staff member's
//! command, a deadline's expiry) runs inside that order's Durable Object, `OrderDesk`, one change
//! at a time; reads stay on KV.
//!
//! KV has no compare-and-swap and can be stale between locations, so two writers in different
//! places could both believe they were alone (docs/ARCHITECTURE.md). A Durable Object exists once,
//! in one place: its `fetch` runs each change inside `blockConcurrencyWhile`, so the next change
//! of the same order is delivered only when the previous one has written its commit and its read
//! models. The version check (`If-Match`), the idempotency record and the sole-candidate rule on
//! the order's other cases are then decided on a state nobody else is changing.
//!
//! The object also remembers, in its own strongly consistent storage, the last version it wrote
//! for each case and each filing's idempotency record: should a KV read inside the object ever lag
//! its own last write, the change is retried on a fresh read instead of being decided on a stale
//! case.
//!
//! The handlers run the same code inside the object as outside: the worker authenticates, then
//! forwards the request unchanged ([`forward`]); the object dispatches it again with its storage
//! attached (`routes::handle_in_desk`), which makes the handler do the work instead of forwarding.

use worker::{
    DurableObject, Env, Headers, Request, RequestInit, Response, State, Storage, durable_object,
};

use crate::error::{AppError, AppResult};

/// The Durable Object namespace binding (wrangler.toml).
pub const DESK_BINDING: &str = "ORDER_DESK";

/// The desk of the shop's team (invitations, account changes): the same class under a name no
/// order has (order numbers are letters, digits, `-` and `_`), so those changes too run one at
/// a time (`routes::team`).
pub const TEAM: &str = "\u{1f}team";

/// The origin requests to a desk are addressed to (never leaves the runtime).
const DESK_ORIGIN: &str = "https://order-desk.internal";

/// The Durable Object that serializes one order's changes.
#[durable_object(fetch)]
#[derive(Debug)]
pub struct OrderDesk {
    state: State,
    env: Env,
}

impl DurableObject for OrderDesk {
    fn new(state: State, env: Env) -> Self {
        Self { state, env }
    }

    async fn fetch(&self, req: Request) -> worker::Result<Response> {
        let env = self.env.clone();
        let storage = self.state.storage();
        // The whole change runs while the object accepts no other event: the next request for
        // this order waits until this one has committed (or failed).
        let (response, queued_hooks) = self
            .state
            .block_concurrency_while(async move {
                Ok(crate::routes::handle_in_desk(req, env, storage).await)
            })
            .await?;
        if !queued_hooks.is_empty() && crate::notify::configured(&self.env) {
            let shop = crate::routes::shop_id(&self.env);
            self.state.wait_until(crate::hooks::deliver_now(
                self.env.clone(),
                shop,
                queued_hooks,
            ));
        }
        response
    }
}

/// The desk of one order of one shop.
pub fn desk_name(shop: &str, order: &str) -> String {
    format!("{shop}\u{1f}{order}")
}

/// Sends a request to the order's desk and answers what the desk answered.
pub async fn send(
    env: &Env,
    shop: &str,
    order: &str,
    method: worker::Method,
    path: &str,
    headers: Headers,
    body: Option<Vec<u8>>,
) -> AppResult<Response> {
    let mut init = RequestInit::new();
    init.with_method(method).with_headers(headers);
    if let Some(body) = body {
        init.with_body(Some(js_sys::Uint8Array::from(body.as_slice()).into()));
    }
    let request = Request::new_with_init(&format!("{DESK_ORIGIN}{path}"), &init)?;
    let stub = env
        .durable_object(DESK_BINDING)?
        .id_from_name(&desk_name(shop, order))?
        .get_stub()?;
    Ok(stub.fetch_with_request(request).await?)
}

/// Forwards the request being handled, body and headers unchanged, to its order's desk.
pub async fn forward(r: &mut crate::routes::Req, order: &str) -> AppResult<Response> {
    let body = crate::http::body_bytes(&mut r.req, crate::http::MAX_JSON_BYTES).await?;
    let headers = Headers::new();
    for (name, value) in r.req.headers().entries() {
        headers.set(&name, &value)?;
    }
    let path = r.req.path();
    send(
        &r.env,
        &r.store.shop,
        order,
        r.req.method(),
        &path,
        headers,
        Some(body),
    )
    .await
}

/// What a desk remembers per case: the last version it committed.
fn version_key(case: &str) -> String {
    format!("v:{case}")
}

/// The version this desk last committed for `case` (0: none).
pub async fn committed_version(storage: &Storage, case: &str) -> AppResult<u32> {
    Ok(storage
        .get::<u32>(&version_key(case))
        .await
        .map_err(AppError::from)?
        .unwrap_or(0))
}

/// Records the version just committed for `case`.
pub async fn record_version(storage: &Storage, case: &str, version: u32) -> AppResult<()> {
    storage.put(&version_key(case), version).await?;
    Ok(())
}

/// Where a case's index entries may be: the keys the last change set out to write. Recorded in
/// the desk's own storage before the first of them is written, so a change stopped half-way (a
/// kill, a failed KV write) leaves a record of entries no snapshot lists, and the case's next
/// change deletes those it does not write again.
fn index_intent_key(case: &str) -> String {
    format!("ix:{case}")
}

/// The index keys the last change of `case` set out to write (empty: none recorded).
pub async fn index_intent(storage: &Storage, case: &str) -> AppResult<Vec<String>> {
    Ok(storage
        .get::<Vec<String>>(&index_intent_key(case))
        .await?
        .unwrap_or_default())
}

/// Records the index keys a change is about to write.
pub async fn record_index_intent(storage: &Storage, case: &str, keys: &[String]) -> AppResult<()> {
    storage.put(&index_intent_key(case), keys).await?;
    Ok(())
}

/// The cases filed through this desk (its order's cases), so that a sibling just filed is never
/// missed by a KV list that has not caught up yet.
pub async fn order_cases(storage: &Storage) -> AppResult<Vec<String>> {
    Ok(storage
        .get::<Vec<String>>("cases")
        .await?
        .unwrap_or_default())
}

/// Adds a newly filed case to this desk's order's cases.
pub async fn record_order_case(storage: &Storage, case: &str) -> AppResult<()> {
    let mut cases = order_cases(storage).await?;
    if !cases.iter().any(|c| c == case) {
        cases.push(case.to_string());
        storage.put("cases", cases).await?;
    }
    Ok(())
}

/// A filing's idempotency record in the desk's storage: the body's hash and the case it made.
pub async fn idempotency(storage: &Storage, key: &str) -> AppResult<Option<(String, String)>> {
    Ok(storage
        .get::<(String, String)>(&format!("idem:{key}"))
        .await?)
}

/// Records a filing's idempotency record.
pub async fn record_idempotency(
    storage: &Storage,
    key: &str,
    body_sha256: &str,
    case: &str,
) -> AppResult<()> {
    storage
        .put(
            &format!("idem:{key}"),
            (body_sha256.to_string(), case.to_string()),
        )
        .await?;
    Ok(())
}
