//! Working without a connection: the service worker's registration, the banner that says the
//! screen shows a stored answer and how old it is, and the outbox (its list, its storage in
//! `localStorage`, and when it sends: at start, on `online`, every 20 s).

use std::cell::Cell;
use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::{Ctx, spawn};
use crate::admin::model::outbox::{Effect, Facts, Item, Msg, Outbox, Outcome, Status, Work};
use crate::admin::model::shell::{self, Connection, Session};
use crate::admin::route::Screen;
use crate::core::Core;

const OUTBOX_KEY: &str = "aftersales.admin.outbox";

thread_local! {
    static OUTBOX: Cell<Option<Core<Outbox>>> = const { Cell::new(None) };
    /// What sends the outbox, set when it starts: the owner's desk never starts one (nothing
    /// there works offline), so its bundle does not carry the outbox's code.
    static FLUSH: Cell<Option<fn()>> = const { Cell::new(None) };
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Reads JSON kept in `localStorage` with the admin's own reader (no JSON parser in the wasm).
pub fn read_stored<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    let text = storage()?.get_item(key).ok().flatten()?;
    let value = js_sys::JSON::parse(&text).ok()?;
    T::deserialize(crate::de::De(value)).ok()
}

/// Records something in the outbox.
pub fn record(work: Work) {
    if let Some(outbox) = OUTBOX.with(Cell::get) {
        let at = js_sys::Date::now() as i64;
        let key = format!("{at}-{}", (js_sys::Math::random() * 1e9) as u64);
        outbox.send(Msg::Record { key, work, at });
    }
}

/// Asks the outbox, if this page has one, to send what waits.
pub fn flush() {
    if let Some(flush) = FLUSH.with(Cell::get) {
        flush();
    }
}

fn flush_outbox() {
    if let Some(outbox) = OUTBOX.with(Cell::get) {
        outbox.send(Msg::Flush);
    }
}

/// Sends what waits once the session's token is known; without it, asks the server for the
/// session first (its answer flushes).
fn attempt(ctx: Ctx) {
    match ctx.shell.with_untracked(|s| s.session.clone()) {
        Session::In(s) if s.csrf_token.is_empty() => {
            super::perform(shell::Effect::CheckSession, ctx.shell);
        }
        Session::In(_) => flush(),
        _ => {}
    }
}

fn perform(ctx: Ctx, effect: Effect, core: Core<Outbox>) {
    match effect {
        Effect::Save(items) => {
            if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(&items)) {
                let _ = if items.is_empty() {
                    s.remove_item(OUTBOX_KEY)
                } else {
                    s.set_item(OUTBOX_KEY, &text)
                };
            }
        }
        Effect::Search { key, waybill } => {
            let api = ctx.api();
            let unknown = ctx.t().unknown_waybill.replace("{n}", &waybill);
            spawn(async move {
                let (cases, unknown) = match api.search(&waybill).await {
                    Ok(cases) => (Some(cases), unknown),
                    Err(e) if e.status == 0 || e.signed_out() => (None, unknown),
                    Err(e) => (Some(Vec::new()), e.message),
                };
                core.send(Msg::Found {
                    key,
                    cases,
                    unknown,
                });
            });
        }
        Effect::Send {
            key,
            case,
            command,
            version,
        } => {
            let api = ctx.api();
            spawn(async move {
                let outcome = match api.command(&case, &command, version).await {
                    Ok(view) => Outcome::Applied {
                        version: view.version,
                    },
                    Err(e) if e.status == 0 => Outcome::Unreachable,
                    Err(e) if e.signed_out() => Outcome::SignedOut,
                    Err(e) => Outcome::Refused {
                        now: e.current.as_deref().map(Facts::of),
                        reason: e.message,
                    },
                };
                core.send(Msg::Answered { key, outcome });
            });
        }
        Effect::SignedOut => ctx.shell.send(shell::Msg::SessionExpired),
    }
}

/// Starts the outbox (the daily admin's): what was recorded offline before, sent when it can,
/// and its panel, drawn by the frame.
pub fn start_outbox(ctx: Ctx) -> AnyView {
    let outbox = Core::new(Outbox::default(), move |e, core| perform(ctx, e, core));
    OUTBOX.with(|o| o.set(Some(outbox)));
    FLUSH.with(|f| f.set(Some(flush_outbox)));
    // Sent only once a session with its CSRF token is known (the shell flushes then).
    let stored: Vec<Item> = read_stored(OUTBOX_KEY).unwrap_or_default();
    if !stored.is_empty() {
        outbox.send(Msg::Restored(stored));
    }
    view! { <OutboxPanel/> }.into_any()
}

/// Registers the service worker and follows the browser's `online`/`offline` events (and a
/// timer) for the banner and the outbox. Called once by the app.
pub fn start(ctx: Ctx) {
    register_service_worker();
    let Some(window) = web_sys::window() else {
        return;
    };
    for (event, connection) in [
        ("online", Connection::Online),
        ("offline", Connection::Offline),
    ] {
        let handler = Closure::<dyn Fn()>::new(move || {
            ctx.shell.send(shell::Msg::Connection(connection));
        });
        let _ = window.add_event_listener_with_callback(event, handler.as_ref().unchecked_ref());
        handler.forget();
    }
    // A timer too: the `online` event does not fire when the phone had a network all along and
    // only the server was away.
    let _ = set_interval_with_handle(move || attempt(ctx), Duration::from_secs(20));
}

fn register_service_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    let Ok(container) = js_sys::Reflect::get(&navigator, &"serviceWorker".into()) else {
        return;
    };
    if container.is_undefined() {
        return;
    }
    let Ok(register) = js_sys::Reflect::get(&container, &"register".into())
        .and_then(|f| f.dyn_into::<js_sys::Function>())
    else {
        return;
    };
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"scope".into(), &"/admin/".into());
    // A failed registration only means no offline copy; the admin works as before.
    if let Ok(promise) = register.call2(&container, &"/admin/sw.js".into(), &options) {
        spawn(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(promise)).await;
        });
    }
}

/// Deletes what the service worker stored of the API (signing out).
pub fn forget_stored() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(caches) = js_sys::Reflect::get(&window, &"caches".into()) else {
        return;
    };
    if caches.is_undefined() {
        return;
    }
    let keys = js_sys::Reflect::get(&caches, &"keys".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let delete = js_sys::Reflect::get(&caches, &"delete".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let (Some(keys), Some(delete)) = (keys, delete) else {
        return;
    };
    let Ok(promise) = keys.call0(&caches) else {
        return;
    };
    spawn(async move {
        let Ok(names) = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(promise)).await
        else {
            return;
        };
        for name in js_sys::Array::from(&names).iter() {
            if name
                .as_string()
                .is_some_and(|n| n.starts_with("admin-data-"))
            {
                let _ = delete.call1(&caches, &name);
            }
        }
    });
}

/// "Offline — queue as of 10:32, 5 min ago": the screen shows what the service worker stored.
#[component]
pub fn OfflineBanner() -> impl IntoView {
    let ctx = Ctx::get();
    let now = RwSignal::new(js_sys::Date::now());
    let tick = set_interval_with_handle(
        move || now.set(js_sys::Date::now()),
        Duration::from_secs(30),
    )
    .ok();
    on_cleanup(move || {
        if let Some(h) = tick {
            h.clear();
        }
    });
    move || {
        let t = ctx.t();
        let (connection, screen) = ctx.shell.with(|s| (s.connection, s.screen.clone()));
        let text = match connection {
            Connection::Online => return None,
            Connection::Offline => t.offline_now.to_string(),
            Connection::Cached(at) => {
                let what = match screen {
                    Screen::Queue => t.what_queue,
                    Screen::Case(_) => t.what_case,
                    _ => t.what_list,
                };
                let date = js_sys::Date::new(&JsValue::from_f64(at as f64));
                let time = format!("{:02}:{:02}", date.get_hours(), date.get_minutes());
                let minutes = ((now.get() - at as f64) / 60_000.0).floor().max(0.0) as i64;
                let ago = if minutes < 1 {
                    t.just_now.to_string()
                } else {
                    t.minutes_ago.replace("{n}", &minutes.to_string())
                };
                t.offline_cached
                    .replace("{what}", what)
                    .replace("{time}", &time)
                    .replace("{ago}", &ago)
            }
        };
        Some(view! { <p class="alert warn offline" role="status" data-testid="offline">{text}</p> })
    }
}

fn describe(work: &Work, t: &crate::admin::text::Texts) -> String {
    match work {
        Work::Scan { waybill } => t.outbox_scan.replace("{n}", waybill),
        Work::Arrived { case, .. } => t.outbox_arrived.replace("{case}", case),
        Work::Inspected { case, .. } => t.outbox_inspected.replace("{case}", case),
    }
}

/// The outbox: a count, and each item with where it is (a refusal with the server's reason).
#[component]
pub fn OutboxPanel() -> impl IntoView {
    let ctx = Ctx::get();
    move || {
        let outbox = OUTBOX.with(Cell::get)?;
        let items = outbox.with(|o| o.items.clone());
        if items.is_empty() {
            return None;
        }
        let t = ctx.t();
        let pending = outbox.with(Outbox::pending);
        Some(view! {
            <section class="card outbox" data-testid="outbox">
                <div class="outbox-head">
                    <h2>{t.outbox_title} " · " <span data-testid="outbox-count">{t.outbox_waiting.replace("{n}", &pending.to_string())}</span></h2>
                    {(pending > 0).then(|| view! {
                        <button type="button" class="btn btn-small" data-testid="outbox-send" on:click=move |_| attempt(ctx)>{t.send_now}</button>
                    })}
                </div>
                <ul class="lines">{items.into_iter().map(|item| {
                    let (state, class, reason) = match &item.status {
                        Status::Waiting => (t.outbox_status_waiting, "waiting", None),
                        Status::Sending => (t.outbox_status_sending, "sending", None),
                        Status::Sent => (t.outbox_status_sent, "sent", None),
                        Status::Refused { reason } => (t.outbox_status_refused, "refused", Some(reason.clone())),
                    };
                    let settled = matches!(item.status, Status::Sent | Status::Refused { .. });
                    let key = item.key.clone();
                    view! {
                        <li data-testid="outbox-item" data-state=class>
                            <span>{describe(&item.work, t)}</span> " · " <strong class=format!("outbox-{class}")>{state}</strong>
                            {reason.map(|r| view! { <p class="small" data-testid="outbox-reason">{r}</p> })}
                            {settled.then(|| view! {
                                <button type="button" class="btn btn-small" on:click=move |_| outbox.send(Msg::Dismiss(key.clone()))>{t.dismiss}</button>
                            })}
                        </li>
                    }
                }).collect_view()}</ul>
            </section>
        })
    }
}
