//! The route table: method and path to handler. Every handler returns `AppResult<Response>`;
//! errors become the JSON envelope in the caller's language here, in one place.
//!
//! A `match` on method and path segments, not a router crate: thirty routes with one path
//! parameter read plainly here, the compiler checks every arm, and the methods each path takes
//! come from `shared::api::routes::TABLE` (405 with `Allow`), which the tests hold the match and
//! the OpenAPI document to.

mod backup;
mod batch;
mod buyer;
mod evidence;
mod push;
mod reviews;
mod settings;
mod shop_system;
mod staff;
mod team;
mod tips;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use shared::api::{ApiErrorCode, Health, routes};
use shared::domain::Timestamp;
use worker::{Env, Headers, Method, Request, Response};

use crate::error::AppResult;
use crate::http::{bytes_response, lang_of, ok};
use crate::store::Store;

/// The OpenAPI document, kept beside the code it describes.
const OPENAPI: &str = include_str!("../../openapi.json");

/// One request's shared context.
#[derive(Debug)]
pub struct Req {
    /// The request.
    pub req: Request,
    /// Bindings.
    pub env: Env,
    /// The shop's namespace.
    pub store: Store,
    /// The request's clock (the worker's; no override exists in any build).
    pub now: Timestamp,
    /// Inside an order's desk (`desk::OrderDesk`): its storage. Handlers that change cases do
    /// their work only here; outside, they forward the request to the order's desk.
    pub desk: Option<Rc<worker::Storage>>,
}

/// Answers one `/api/*` request; also returns the webhook deliveries it queued, to be sent once
/// the answer is out.
pub async fn handle(req: Request, env: Env) -> (worker::Result<Response>, Vec<String>) {
    handle_with(req, env, None).await
}

/// Answers a request forwarded to an order's desk, with the desk's storage (see `desk`).
pub async fn handle_in_desk(
    req: Request,
    env: Env,
    storage: worker::Storage,
) -> (worker::Result<Response>, Vec<String>) {
    handle_with(req, env, Some(storage)).await
}

async fn handle_with(
    req: Request,
    env: Env,
    desk: Option<worker::Storage>,
) -> (worker::Result<Response>, Vec<String>) {
    let lang = lang_of(&req);
    let queued = Rc::new(RefCell::new(Vec::new()));
    let ops = Rc::new(Cell::new(0));
    let report_ops = env
        .var(REPORT_KV_OPS)
        .is_ok_and(|v| v.to_string() == "true");
    let result = dispatch(req, env, queued.clone(), ops.clone(), desk).await;
    let queued = std::mem::take(&mut *queued.borrow_mut());
    let response = match result {
        Ok(response) => Ok(response),
        Err(e) => e.into_response(lang),
    };
    let response = match response {
        Ok(response) if report_ops => Ok(report_kv_ops(response, ops.get())),
        other => other,
    };
    (response, queued)
}

/// The `[vars]` setting that makes every API answer say how many KV operations it made
/// (`X-KV-Ops`): set for `wrangler dev` and the tests, never under `[env.production]`, where the
/// count would only tell a caller how the storage is laid out.
pub(crate) const REPORT_KV_OPS: &str = "REPORT_KV_OPS";

/// Adds this request's KV operations to `X-KV-Ops`. A change forwarded to its order's desk
/// answers with the desk's count; the request that forwarded it adds its own. The desk's answer
/// arrives with immutable headers, so the sum goes on a copy of them.
fn report_kv_ops(response: Response, ops: u32) -> Response {
    let headers = Headers::new();
    // Appended, not set: a sign-in's cookies are several headers of one name.
    for (name, value) in response.headers().entries() {
        let _ = headers.append(&name, &value);
    }
    let inner: u32 = headers
        .get("X-KV-Ops")
        .ok()
        .flatten()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let _ = headers.set("X-KV-Ops", &inner.saturating_add(ops).to_string());
    response.with_headers(headers)
}

/// The shop this deployment serves (`SHOP_ID`, "demo" by default).
pub fn shop_id(env: &Env) -> String {
    env.var("SHOP_ID")
        .map(|v| v.to_string())
        .unwrap_or_else(|_| "demo".into())
}

async fn dispatch(
    req: Request,
    env: Env,
    queued_hooks: Rc<RefCell<Vec<String>>>,
    ops: Rc<Cell<u32>>,
    desk: Option<worker::Storage>,
) -> AppResult<Response> {
    let path = req.path();
    let method = req.method();
    // workers-rs reads a method it has no variant for (`QUERY`, `get`) as GET: such a request
    // must not be served as a GET. It is a method no route takes (405 with `Allow`, or 404).
    if req.inner().method() != method.as_ref() {
        return not_routed(&path, lang_of(&req));
    }
    let desk = desk.map(Rc::new);
    let mut store = Store::open(&env, &shop_id(&env))?;
    store.queued_hooks = queued_hooks;
    store.desk = desk.clone();
    store.ops = ops;
    let now = Timestamp(worker::Date::now().as_millis() as i64);
    let segments: Vec<String> = path
        .trim_start_matches('/')
        .split('/')
        .map(str::to_string)
        .collect();
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    let in_desk = desk.is_some();
    let mut r = Req {
        req,
        env,
        store,
        now,
        desk,
    };
    match (method, segs.as_slice()) {
        (Method::Get, ["api", "health"]) => ok(&Health {
            service: "aftersales".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }),
        (Method::Get, ["api", "openapi.json"]) => Ok(bytes_response(
            200,
            "application/json; charset=utf-8",
            OPENAPI.as_bytes().to_vec(),
        )?),
        // Buyers.
        (Method::Post, ["api", "lookup"]) => buyer::lookup(&mut r).await,
        (Method::Post, ["api", "lookup", "link"]) => buyer::lookup_link(&mut r).await,
        (Method::Get, ["api", "buyer", "order"]) => buyer::order(&r).await,
        (Method::Post, ["api", "buyer", "preview"]) => buyer::preview(&mut r).await,
        (Method::Post, ["api", "buyer", "cases"]) => buyer::file(&mut r).await,
        (Method::Post, ["api", "buyer", "photos"]) => buyer::upload_photo(&mut r).await,
        (Method::Get, ["api", "buyer", "cases", id]) => buyer::case(&r, id).await,
        (Method::Post, ["api", "buyer", "cases", id, "commands"]) => {
            buyer::command(&mut r, id).await
        }
        (Method::Get, ["api", "photos", id]) => buyer::photo(&r, id).await,
        (Method::Post, ["api", "buyer", "cases", id, "push"]) => push::subscribe(&mut r, id).await,
        (Method::Delete, ["api", "buyer", "cases", id, "push"]) => {
            push::unsubscribe(&mut r, id).await
        }
        (Method::Get, ["api", "push", "key"]) => push::key(&r),
        // Staff.
        (Method::Post, ["api", "staff", "login"]) => staff::login(&mut r).await,
        (Method::Post, ["api", "staff", "logout"]) => staff::logout(&r).await,
        (Method::Get, ["api", "staff", "me"]) => staff::me(&r).await,
        (Method::Get, ["api", "staff", "queue"]) => staff::queue(&r).await,
        (Method::Get, ["api", "staff", "search"]) => staff::search(&r).await,
        (Method::Get, ["api", "staff", "cases", id]) => staff::case(&r, id).await,
        (Method::Post, ["api", "staff", "cases", id, "commands"]) => {
            staff::command(&mut r, id).await
        }
        (Method::Post, ["api", "staff", "cases", id, "presence"]) => staff::presence(&r, id).await,
        (Method::Get, ["api", "staff", "canned-replies"]) => staff::canned(&r).await,
        (Method::Put, ["api", "staff", "canned-replies"]) => staff::save_canned(&mut r).await,
        (Method::Get, ["api", "staff", "policy"]) => staff::policy(&r).await,
        (Method::Put, ["api", "staff", "policy"]) => staff::save_policy(&mut r).await,
        (Method::Post, ["api", "staff", "policy", "preview"]) => settings::preview(&mut r).await,
        (Method::Get, ["api", "staff", "policy", "changes"]) => settings::changes(&r).await,
        (Method::Get, ["api", "staff", "accounts"]) => staff::accounts(&r).await,
        (Method::Post, ["api", "staff", "accounts"]) => staff::create_account(&mut r).await,
        (Method::Patch, ["api", "staff", "accounts", id]) => team::change(&mut r, id).await,
        (Method::Get, ["api", "staff", "invites"]) => team::invites(&r).await,
        (Method::Post, ["api", "staff", "invites"]) => team::invite(&mut r).await,
        (Method::Post, ["api", "staff", "invites", "accept"]) => team::accept(&mut r).await,
        // A literal segment is its own route, never a token (`routes::methods_at` alike).
        (Method::Get, ["api", "staff", "invites", token]) if *token != "accept" => {
            team::show_invite(&r, token).await
        }
        (Method::Get, ["api", "staff", "analytics"]) => staff::analytics(&r).await,
        (Method::Get, ["api", "staff", "export.csv"]) => staff::export(&r).await,
        (Method::Get, ["api", "staff", "analytics.csv"]) => staff::analytics_csv(&r).await,
        (Method::Post, ["api", "staff", "rebuild-indexes"]) => staff::rebuild(&r).await,
        (Method::Post, ["api", "staff", "batch-approve"]) => batch::approve(&mut r).await,
        // Shop systems.
        (Method::Post, ["api", "shop", "orders"]) => shop_system::import_orders(&mut r).await,
        (Method::Post, ["api", "shop", "links"]) => shop_system::start_link(&mut r).await,
        (Method::Post, ["api", "shop", "orders", number, "tracking"]) => {
            shop_system::push_tracking(&mut r, number).await
        }
        (Method::Post, ["api", "shop", "orders", number, "reviews"]) => {
            reviews::from_shop(&mut r, number).await
        }
        (Method::Post, ["api", "staff", "orders", number, "reviews"]) => {
            reviews::by_staff(&mut r, number).await
        }
        (Method::Get, ["api", "staff", "cases", id, "evidence"]) => evidence::pack(&r, id).await,
        (Method::Post, ["api", "shop", "bootstrap"]) => shop_system::bootstrap(&mut r).await,
        // Backup and restore.
        (Method::Get, ["api", "staff", "backup"]) => backup::export(&r).await,
        (Method::Get, ["api", "staff", "backup", "photos"]) => backup::export_photos(&r).await,
        (Method::Post, ["api", "shop", "restore"]) => backup::begin(&mut r).await,
        (Method::Post, ["api", "shop", "restore", "records"]) => backup::records(&mut r).await,
        (Method::Put, ["api", "shop", "restore", "photos", id]) => backup::photo(&mut r, id).await,
        (Method::Post, ["api", "shop", "restore", "rebuild"]) => backup::rebuild(&mut r).await,
        (Method::Post, ["api", "shop", "restore", "finish"]) => backup::finish(&mut r).await,
        (Method::Post, ["api", "buyer", "helped"]) => tips::helped(&mut r).await,
        // The cron's expiries, run in the order's desk (never reachable from outside: only the
        // worker addresses a desk).
        (Method::Post, ["desk", "expire", id]) if in_desk => {
            crate::cron::expire_in_desk(&mut r, id).await
        }
        // A saved policy's re-index of one open case, in its order's desk (`settings`).
        (Method::Post, ["desk", "reindex", id]) if in_desk => {
            settings::reindex_in_desk(&mut r, id).await
        }
        _ => not_routed(&path, lang_of(&r.req)),
    }
}

/// A request no route took: a known path with another method is 405 with `Allow` (the table in
/// `shared::api::routes`), anything else 404.
fn not_routed(path: &str, lang: shared::i18n::Lang) -> AppResult<Response> {
    let allowed = routes::methods_at(path);
    if allowed.is_empty() {
        return Err(ApiErrorCode::NotFound.into());
    }
    let code = ApiErrorCode::MethodNotAllowed;
    let response = crate::http::json_response(
        code.status(),
        &shared::api::ErrorBody {
            code: code.code().into(),
            message: code.message(lang).into(),
            fields: Vec::new(),
        },
    )?;
    response.headers().set("Allow", &allowed.join(", "))?;
    Ok(response)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use shared::api::routes;

    /// The served document is exactly what `shared::openapi::document()` generates from the
    /// route table and the types: a route, a field or an error code changed in the code without
    /// the file following fails here. `UPDATE_OPENAPI=1 cargo test -p aftersales-worker openapi`
    /// writes the file again.
    #[test]
    fn the_served_openapi_document_is_the_generated_one() -> Result<(), String> {
        let generated = shared::openapi::document();
        let text = serde_json::to_string_pretty(&generated)
            .map_err(|e| format!("the document does not serialize: {e}"))?
            + "\n";
        if std::env::var_os("UPDATE_OPENAPI").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");
            return std::fs::write(path, &text).map_err(|e| format!("cannot write {path}: {e}"));
        }
        assert!(
            super::OPENAPI == text,
            "worker/openapi.json is stale: run `UPDATE_OPENAPI=1 cargo test -p aftersales-worker openapi`"
        );
        Ok(())
    }

    /// ... and it describes exactly the routes of `routes::TABLE`, method by method.
    #[test]
    fn the_openapi_document_describes_exactly_the_route_table() -> Result<(), String> {
        let doc: serde_json::Value = serde_json::from_str(super::OPENAPI)
            .map_err(|e| format!("openapi.json is not JSON: {e}"))?;
        let documented: BTreeSet<(String, String)> = doc["paths"]
            .as_object()
            .into_iter()
            .flatten()
            .flat_map(|(path, ops)| {
                ops.as_object()
                    .into_iter()
                    .flatten()
                    .map(move |(method, _)| (method.to_ascii_uppercase(), path.clone()))
            })
            .collect();
        let served: BTreeSet<(String, String)> = routes::TABLE
            .iter()
            .map(|(m, p)| ((*m).to_string(), (*p).to_string()))
            .collect();
        assert_eq!(documented, served);
        Ok(())
    }
}
