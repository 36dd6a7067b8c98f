//! Receiving: the waybill field with a camera scanner where the browser has `BarcodeDetector`
//! (Chrome on Android, Safari 17+), typing always; and the returns on their way.

use std::time::Duration;

use leptos::prelude::*;
use shared::i18n::{Audience, labels};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::{Ctx, ErrorBox, spawn};
use crate::admin::model::receive::{Effect, Msg, Receive};
use crate::admin::model::shell;
use crate::admin::route::Screen;
use crate::core::Core;

/// The browser's barcode detector, if it has one (a standard API missing from web-sys).
fn detector() -> Option<JsValue> {
    let global = js_sys::global();
    let class = js_sys::Reflect::get(&global, &"BarcodeDetector".into()).ok()?;
    let class: js_sys::Function = class.dyn_into().ok()?;
    js_sys::Reflect::construct(&class, &js_sys::Array::new()).ok()
}

/// Opens the rear camera into `video` and reads barcodes from it until one is found or the
/// screen stops scanning.
async fn scan(core: Core<Receive>, video: web_sys::HtmlVideoElement) {
    let Some(detector) = detector() else {
        core.send(Msg::Camera(false));
        return;
    };
    let Some(devices) = web_sys::window().and_then(|w| w.navigator().media_devices().ok()) else {
        core.send(Msg::Camera(false));
        return;
    };
    let constraints = web_sys::MediaStreamConstraints::new();
    let video_wanted = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&video_wanted, &"facingMode".into(), &"environment".into());
    constraints.set_video(&video_wanted);
    let Ok(promise) = devices.get_user_media_with_constraints(&constraints) else {
        core.send(Msg::Camera(false));
        return;
    };
    let Ok(stream) = wasm_bindgen_futures::JsFuture::from(promise).await else {
        core.send(Msg::Camera(false));
        return;
    };
    let Ok(stream) = stream.dyn_into::<web_sys::MediaStream>() else {
        return;
    };
    video.set_src_object(Some(&stream));
    let _ = video.play();
    let detect: Option<js_sys::Function> = js_sys::Reflect::get(&detector, &"detect".into())
        .ok()
        .and_then(|f| f.dyn_into().ok());
    while core.with_untracked(|m| m.scanning) {
        gloo_timers_sleep(300).await;
        let Some(detect) = &detect else { break };
        let Ok(found) = detect.call1(&detector, &video) else {
            continue;
        };
        let Ok(found) = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(found)).await
        else {
            continue;
        };
        let codes = js_sys::Array::from(&found);
        if let Some(raw) = codes
            .get(0)
            .dyn_ref::<js_sys::Object>()
            .and_then(|c| js_sys::Reflect::get(c, &"rawValue".into()).ok())
            .and_then(|v| v.as_string())
        {
            core.send(Msg::Scanned(raw));
            break;
        }
    }
    for track in stream.get_tracks().iter() {
        if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
            track.stop();
        }
    }
}

async fn gloo_timers_sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// The receive tab.
#[component]
pub fn ReceiveScreen() -> impl IntoView {
    let ctx = Ctx::get();
    let video = NodeRef::<leptos::html::Video>::new();
    let core = Core::new(Receive::default(), move |effect, core: Core<Receive>| {
        let api = ctx.api();
        match effect {
            Effect::Search(q) => spawn(async move { core.send(Msg::Found(api.search(&q).await)) }),
            Effect::LoadExpected => spawn(async move {
                core.send(Msg::Expected(api.queue("state=return_in_transit").await));
            }),
            Effect::Camera(true) => {
                // The video element is drawn once `scanning` is set: start on the next tick.
                set_timeout(
                    move || {
                        if let Some(v) = video.get_untracked() {
                            spawn(scan(core, v));
                        }
                    },
                    Duration::ZERO,
                );
            }
            Effect::Camera(false) => {}
            Effect::Go(screen) => ctx.shell.send(shell::Msg::Go(screen)),
            Effect::Count(n) => ctx.shell.send(shell::Msg::ReceiveCount(n)),
            Effect::SignedOut => ctx.shell.send(shell::Msg::SessionExpired),
            Effect::Record(waybill) => {
                super::outbox::record(crate::admin::model::outbox::Work::Scan { waybill })
            }
        }
    });
    core.send(Msg::Opened);
    on_cleanup(move || core.send(Msg::Camera(false)));
    let can_scan = detector().is_some();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        core.send(Msg::Find);
    };
    view! {
        <section class="card" data-testid="receive">
            <h1>{move || ctx.t().receive_title}</h1>
            <form on:submit=submit class="stack">
                <label class="field">
                    <span>{move || ctx.t().waybill}</span>
                    <input type="text" inputmode="text" autocapitalize="characters" autocomplete="off" enterkeyhint="search"
                        data-testid="waybill-input"
                        prop:value=move || core.with(|m| m.number.clone())
                        on:input=move |ev| core.send(Msg::Input(event_target_value(&ev)))/>
                    <span class="muted small">{move || ctx.t().waybill_hint}</span>
                </label>
                <div class="sheet-actions">
                    {if can_scan {
                        view! { <button type="button" class="btn" data-testid="scan"
                            on:click=move |_| { let on = !core.with_untracked(|m| m.scanning); core.send(Msg::Camera(on)); }>
                            {move || if core.with(|m| m.scanning) { ctx.t().stop_scan } else { ctx.t().scan }}</button> }.into_any()
                    } else {
                        view! { <p class="muted small" data-testid="no-camera">{move || ctx.t().no_camera}</p> }.into_any()
                    }}
                    <button type="submit" class="btn btn-primary" data-testid="waybill-find" disabled=move || core.with(|m| m.busy)>{move || ctx.t().find}</button>
                </div>
            </form>
            <video node_ref=video class="scanner" class:on=move || core.with(|m| m.scanning) playsinline=true muted=true></video>
            {move || core.with(|m| m.unknown.clone()).map(|n| view! {
                <p class="alert" role="alert" data-testid="waybill-unknown">{ctx.t().unknown_waybill.replace("{n}", &n)}</p>
            })}
            {move || core.with(|m| m.queued.clone()).map(|n| view! {
                <p class="alert info" role="status" data-testid="waybill-queued">{n} " · " {ctx.t().queued_offline}</p>
            })}
            {move || core.with(|m| m.error.clone()).map(|e| view! {
                <ErrorBox message=e.message on_retry=Callback::new(move |()| core.send(Msg::Find))/>
            })}
            {move || {
                let matches = core.with(|m| m.matches.clone());
                (!matches.is_empty()).then(|| view! {
                    <p>{ctx.t().choose_case}</p>
                    <ul class="lines">{matches.into_iter().map(|s| view! {
                        <li><a href=Screen::Case(s.id.clone()).path() data-testid="waybill-match">{s.id.clone()} " · " {s.title.clone()}</a></li>
                    }).collect_view()}</ul>
                })
            }}
        </section>
        <section class="card">
            <h2>{move || ctx.t().expected_returns}</h2>
            {move || {
                let lang = ctx.lang();
                let expected = core.with(|m| m.expected.clone());
                if expected.is_empty() {
                    view! { <p class="muted">{ctx.t().none_expected}</p> }.into_any()
                } else {
                    view! { <ul class="lines" data-testid="expected">{expected.into_iter().map(|s| view! {
                        <li><a href=Screen::Case(s.id.clone()).path()>{s.id.clone()}</a> " " {s.title.clone()} " · " {labels::state(s.state, Audience::Staff, lang)}</li>
                    }).collect_view()}</ul> }.into_any()
                }
            }}
        </section>
    }
}
