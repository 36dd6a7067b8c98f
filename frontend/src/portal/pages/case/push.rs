//! "Notify me on this phone" (issue 12 §1): Web Push for one case. Shown only where the browser
//! has `PushManager` and the worker answers a VAPID key (`GET /api/push/key`); a tap asks for
//! permission, registers the portal's push service worker (`/push-sw.js`, frontend/pwa/), which
//! shows each notification and opens the case on a tap, subscribes with the key and posts the
//! subscription to the case (`POST /api/buyer/cases/{id}/push`).
//!
//! Browser objects are reached through `js_sys::Reflect` and one generic method call rather than
//! typed `web-sys` bindings: the portal's first load is near its size budget, and these few calls
//! need no more than that.

use gloo_net::http::Request;
use js_sys::{Array, Function, Promise, Reflect};
use leptos::prelude::*;
use shared::Lang;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::portal::app::use_lang;
use crate::portal::i18n;

/// Where the control is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Not offered: no `PushManager`, or the worker has no key.
    Hidden,
    /// Offered.
    Off,
    /// Asking, registering, subscribing.
    Working,
    /// This browser is notified of this case.
    On,
    /// The buyer (or the browser) refused notifications.
    Blocked,
    /// Something else went wrong; the buyer may try again.
    Failed,
}

/// The state as the page marks it (`data-state`, for the tests).
const fn code(state: State) -> &'static str {
    match state {
        State::Hidden => "",
        State::Off => "off",
        State::Working => "working",
        State::On => "on",
        State::Blocked => "blocked",
        State::Failed => "failed",
    }
}

fn of_code(c: &str) -> State {
    [
        State::Off,
        State::Working,
        State::On,
        State::Blocked,
        State::Failed,
    ]
    .into_iter()
    .find(|s| code(*s) == c)
    .unwrap_or(State::Hidden)
}

/// The words, in both languages.
fn text(state: State, lang: Lang) -> &'static str {
    let zh = lang == Lang::ZhCn;
    match (state, zh) {
        (State::Off | State::Hidden, true) => "在此手机上通知我",
        (State::Off | State::Hidden, false) => "Notify me on this phone",
        (State::Working, true) => "正在开启通知…",
        (State::Working, false) => "Turning notifications on…",
        (State::On, true) => "已开启：此售后有进展时会通知这台手机。",
        (State::On, false) => "On: this phone is notified when this case moves.",
        (State::Blocked, true) => "通知已被浏览器阻止，可在浏览器设置中允许本站通知。",
        (State::Blocked, false) => {
            "Notifications are blocked; allow them for this site in the browser's settings."
        }
        (State::Failed, true) => "未能开启通知，请重试。",
        (State::Failed, false) => "Could not turn notifications on. Try again.",
    }
}

fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Calls `target.method(...args)` and awaits the answer when it is a promise.
async fn call(target: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let function: Function = get(target, method).dyn_into()?;
    let answer = function.apply(target, &args.iter().collect::<Array>())?;
    match answer.dyn_into::<Promise>() {
        Ok(promise) => JsFuture::from(promise).await,
        Err(value) => Ok(value),
    }
}

/// The marker that this browser subscribed for `case` (the page shows "on" when it comes back).
fn marker(case: &str) -> String {
    format!("as.push.{case}")
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The VAPID key, when this browser can subscribe and the worker has one.
async fn offered() -> Option<String> {
    let global = js_sys::global();
    let navigator = get(&global, "navigator");
    let supported = ["PushManager", "Notification"]
        .iter()
        .all(|k| Reflect::has(&global, &JsValue::from_str(k)).unwrap_or(false))
        && !get(&navigator, "serviceWorker").is_undefined();
    if !supported {
        return None;
    }
    let response = Request::get(shared::api::routes::PUSH_KEY)
        .send()
        .await
        .ok()?;
    if response.status() != 200 {
        return None;
    }
    let body = js_sys::JSON::parse(&response.text().await.ok()?).ok()?;
    get(&body, "key").as_string()
}

/// Asks, registers, subscribes and posts; answers where that left the control.
async fn subscribe(key: &str, case: &str, token: &str, lang: Lang) -> Result<State, JsValue> {
    let global = js_sys::global();
    let permission = call(&get(&global, "Notification"), "requestPermission", &[]).await?;
    if permission.as_string().as_deref() != Some("granted") {
        return Ok(State::Blocked);
    }
    let container = get(&get(&global, "navigator"), "serviceWorker");
    call(&container, "register", &[JsValue::from_str("/push-sw.js")]).await?;
    // Subscribing needs an active worker: `ready` waits for it.
    let registration = JsFuture::from(get(&container, "ready").dyn_into::<Promise>()?).await?;
    let application_key = shared::policy::push::b64url_decode(key).unwrap_or_default();
    let options = js_sys::Object::new();
    Reflect::set(&options, &"userVisibleOnly".into(), &JsValue::TRUE)?;
    Reflect::set(
        &options,
        &"applicationServerKey".into(),
        &js_sys::Uint8Array::from(application_key.as_slice()).into(),
    )?;
    let manager = get(&registration, "pushManager");
    let subscription = call(&manager, "subscribe", &[options.into()]).await?;
    let json = js_sys::JSON::stringify(&call(&subscription, "toJSON", &[]).await?)?;
    let path = format!("/api/buyer/cases/{case}/push");
    let sent = Request::post(&path)
        .header("Accept-Language", i18n::code(lang))
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .body(String::from(json))
        .map_err(|_| JsValue::NULL)?
        .send()
        .await
        .map_err(|_| JsValue::NULL)?;
    if !sent.ok() {
        return Ok(State::Failed);
    }
    if let Some(s) = storage() {
        let _ = s.set_item(&marker(case), "1");
    }
    Ok(State::On)
}

/// The control, for an open case the buyer holds a token for.
#[component]
pub fn PushControl(case: String, token: String) -> impl IntoView {
    let lang = use_lang();
    // The state by its code: a `RwSignal<String>` is compiled into the portal already, a signal
    // of a new type would compile Leptos's signal machinery once more.
    let state = RwSignal::new(String::new());
    let set = move |s: State| state.set(code(s).to_owned());
    let key = StoredValue::new(String::new());
    let case = StoredValue::new(case);
    let token = StoredValue::new(token);
    crate::portal::task::spawn(Box::pin(async move {
        let Some(found) = offered().await else {
            return;
        };
        key.set_value(found);
        let permission = get(&get(&js_sys::global(), "Notification"), "permission").as_string();
        let marked = storage()
            .and_then(|s| s.get_item(&marker(&case.get_value())).ok().flatten())
            .is_some();
        set(match permission.as_deref() {
            Some("denied") => State::Blocked,
            Some("granted") if marked => State::On,
            _ => State::Off,
        });
    }));
    let turn_on = move |_| {
        set(State::Working);
        crate::portal::task::spawn(Box::pin(async move {
            let (k, c, t) = (key.get_value(), case.get_value(), token.get_value());
            let outcome = subscribe(&k, &c, &t, lang.get_untracked()).await;
            set(outcome.unwrap_or(State::Failed));
        }));
    };
    // One element whatever the state (a view per state would compile one copy of Leptos's
    // element machinery each): the button while it can be tapped, the sentence after.
    move || {
        let s = state.with(|c| of_code(c));
        let l = lang.get();
        let tappable = matches!(s, State::Off | State::Working | State::Failed);
        (s != State::Hidden).then(|| {
            view! {
                <p class="push-row" data-testid="push" data-state=code(s)>
                    {tappable.then(|| view! {
                        <button type="button" class="btn btn-small btn-secondary" data-testid="push-on"
                            disabled={s == State::Working} on:click=turn_on>{text(if s == State::Working { s } else { State::Off }, l)}</button>
                    })}
                    " "{(s != State::Off && s != State::Working).then(|| text(s, l))}
                </p>
            }
        })
    }
}
