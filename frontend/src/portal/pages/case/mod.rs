//! `/case/:id?order=NUMBER`: one request, as a page the buyer can bookmark. Whose move it is with
//! a live countdown, what the buyer can do now (exactly the actions the API lists), the refund,
//! the return address, messages and the timeline. It refreshes itself while the case is open.
//!
//! The page is a pure model ([`model`]: its state, messages, effects and what the view shows,
//! tested natively); this file only draws it, turns clicks into messages and performs the
//! effects, in [`perform`].

mod model;
mod push;
#[cfg(test)]
mod tests;

use std::rc::Rc;
use std::time::Duration;

use crate::core::Core;
use leptos::prelude::*;
use shared::Localized;
use shared::domain::{ActionKind, Actor, EventKind};
use shared::policy::PostageTerms;

use crate::format;
use crate::portal::api::Api;
use crate::portal::app::use_lang;
use crate::portal::components::{
    Breakdown, ErrorBox, Loading, PhotoItem, PhotoPicker, StatusChip, Steps, any_in_flight,
    focus_soon, uploaded_ids,
};
use crate::portal::i18n::tr;
use crate::portal::pages::{encode, unauthenticated};
use crate::portal::router::{Location, use_location};
use crate::portal::{i18n, session, task};

use model::{
    Banner, Effect, Field, Loaded, Model, Msg, Screen, countdown_text, forms, message_text, offer,
    photo_ids, question, request_lines, return_address, stale_text,
};

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// The photos being added to an answer or as proof: the pickers' own state (each photo uploads
/// on its own), read when the buyer sends.
#[derive(Clone, Copy)]
struct Photos {
    answer: RwSignal<Vec<PhotoItem>, LocalStorage>,
    proof: RwSignal<Vec<PhotoItem>, LocalStorage>,
    /// The postage receipt sent with the tracking number.
    receipt: RwSignal<Vec<PhotoItem>, LocalStorage>,
}

/// What performing an effect needs from the page.
#[derive(Clone, Copy)]
struct Shell {
    lang: RwSignal<shared::Lang>,
    location: Location,
    photos: Photos,
}

/// Performs one of the page's effects; answers come back as messages.
fn perform(effect: Effect, core: Core<Model>, shell: Shell) {
    let lang = shell.lang.get_untracked();
    let token = |number: Option<String>| number.as_deref().and_then(session::token);
    match effect {
        Effect::Load { id, number, read } => {
            let token = token(number);
            task::spawn(Box::pin(async move {
                let sent_at = now_ms();
                let answer = match token {
                    Some(token) => Api::with_token(lang, token).case(&id).await,
                    None => Err(unauthenticated()),
                };
                core.send(Msg::Loaded {
                    read,
                    answer,
                    sent_at,
                    received_at: now_ms(),
                });
            }));
        }
        Effect::Command {
            id,
            number,
            command,
            version,
        } => {
            let api = Api::with_token(lang, token(number).unwrap_or_default());
            task::spawn(Box::pin(async move {
                let sent_at = now_ms();
                let answer = api.command(&id, &command, version).await;
                core.send(Msg::Sent {
                    answer,
                    sent_at,
                    received_at: now_ms(),
                });
            }));
        }
        Effect::SaveCaseOrder { id, number } => session::save_case_order(&id, &number),
        Effect::ForgetToken(number) => session::forget_token(&number),
        Effect::Navigate { path, replace } => shell.location.navigate(&path, replace),
        Effect::Focus(selector) => focus_soon(selector),
        Effect::ClearPhotos => {
            shell.photos.answer.set(Vec::new());
            shell.photos.proof.set(Vec::new());
            shell.photos.receipt.set(Vec::new());
        }
        Effect::Copy(text) => copy(&text, core),
    }
}

/// Writes `text` to the clipboard with `navigator.clipboard.writeText` (read through `Reflect`:
/// the web-sys binding needs another feature) and tells the page what the browser answered.
/// Without a clipboard (plain http is not a secure context) or when it refuses, the address is
/// selected for a manual copy.
fn copy(text: &str, core: Core<Model>) {
    use wasm_bindgen::JsCast;
    let written =
        js_sys::Reflect::get(&window().navigator(), &"clipboard".into()).and_then(|clipboard| {
            js_sys::Reflect::get(&clipboard, &"writeText".into())?
                .dyn_into::<js_sys::Function>()?
                .call1(&clipboard, &text.into())
        });
    let failed = move || {
        if let (Ok(Some(address)), Ok(Some(selection))) = (
            document().query_selector("address.address"),
            window().get_selection(),
        ) {
            let _ = selection.select_all_children(&address);
        }
        core.send(Msg::Copied(false));
    };
    match written.and_then(|p| p.dyn_into::<js_sys::Promise>()) {
        Ok(promise) => task::spawn(Box::pin(async move {
            if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
                core.send(Msg::Copied(true));
            } else {
                failed();
            }
        })),
        Err(_) => failed(),
    }
}

/// A text field's value in the model (one closure type for every bound field, so the view code
/// for `prop:value` is compiled once). Read through a memo: the model changes every second.
fn draft(core: Core<Model>, field: Field) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let value = Memo::new(move |_| core.with(|m| m.drafts.text(field).to_string()));
    move || value.get()
}

/// Writes a text field's input into the model (one handler type for every bound field).
fn on_draft(core: Core<Model>, field: Field) -> impl Fn(web_sys::Event) + Copy + 'static {
    move |ev| core.send(Msg::Input(field, event_target_value(&ev)))
}

/// Whether a command is on its way (one closure type for every `disabled` that only waits on it).
fn busy(core: Core<Model>) -> impl Fn() -> bool + Copy + Send + Sync + 'static {
    let busy = Memo::new(move |_| core.with(Model::busy));
    move || busy.get()
}

/// A button that sends `action` (one handler type for every such button).
fn on_click(
    core: Core<Model>,
    action: ActionKind,
) -> impl Fn(web_sys::MouseEvent) + Copy + 'static {
    move |_| core.send(Msg::Send(action, Vec::new()))
}

/// A form that sends `action` when submitted (one handler type for every such form).
fn on_submit(
    core: Core<Model>,
    action: ActionKind,
) -> impl Fn(leptos::ev::SubmitEvent) + Copy + 'static {
    move |ev| {
        ev.prevent_default();
        core.send(Msg::Send(action, Vec::new()));
    }
}

/// The case page.
#[component]
pub fn CasePage(
    /// The case id from the path.
    id: String,
) -> impl IntoView {
    let location = use_location();
    let id = StoredValue::new(id);
    // The order's number says whose token reads the case: another one starts the page afresh.
    let number = Memo::new(move |_| {
        location
            .query("order")
            .filter(|n| !n.is_empty())
            .or_else(|| id.with_value(|id| session::case_order(id)))
    });
    view! {
        <Steps current=3/>
        {move || view! { <CaseScreen id=id.get_value() number=number.get()/> }}
    }
}

#[component]
fn CaseScreen(id: String, number: Option<String>) -> impl IntoView {
    let lang = use_lang();
    let shell = Shell {
        lang,
        location: use_location(),
        photos: Photos {
            answer: RwSignal::new_local(Vec::new()),
            proof: RwSignal::new_local(Vec::new()),
            receipt: RwSignal::new_local(Vec::new()),
        },
    };
    let mut model = Model::new(id, number, now_ms());
    let start = model.start();
    let core = Core::new(model, move |effect, core| perform(effect, core, shell));
    for effect in start {
        perform(effect, core, shell);
    }
    // A live countdown, and a reload every REFRESH_TICKS while the case is open and the tab
    // visible (the model decides).
    if let Ok(handle) = set_interval_with_handle(
        move || {
            core.send(Msg::Tick {
                now: now_ms(),
                visible: !document().hidden(),
            });
        },
        Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }

    // What to draw changes far less often than the model (every second, every keystroke).
    let screen = Memo::new(move |_| core.with(Model::screen));
    let retry = Callback::new(move |()| core.send(Msg::Reload));
    move || match screen.get() {
        Screen::Case(_) => core
            .with_untracked(|m| m.loaded.clone())
            .map(|loaded| view! { <CaseBody loaded=loaded core=core photos=shell.photos/> })
            .into_any(),
        // No such case (or not this order's): retrying cannot help.
        Screen::NoCase => {
            let href = core.with_untracked(|m| {
                format!("/order/{}", encode(m.number.as_deref().unwrap_or_default()))
            });
            view! {
                <section class="card narrow" data-testid="no-case">
                    <h1>{tr(lang, |t| t.no_such_case)}</h1>
                    <p>{tr(lang, |t| t.no_such_case_text)}</p>
                    <a class="btn btn-primary" href=href>{tr(lang, |t| t.back_to_order)}</a>
                </section>
            }
            .into_any()
        }
        Screen::Failed(e) => view! { <ErrorBox error=e on_retry=retry/> }.into_any(),
        Screen::Loading => view! { <Loading/> }.into_any(),
    }
}

#[component]
fn CaseBody(loaded: Rc<Loaded>, core: Core<Model>, photos: Photos) -> impl IntoView {
    let lang = use_lang();
    let (cv, skew) = (&loaded.view, loaded.skew);
    // The shop's zone: dates and deadlines are shown as its clocks count them.
    let zone = cv.utc_offset_minutes;
    let currency = cv.case.order.currency.clone();
    let state = cv.case.state();
    let closed = state.is_closed();
    let kind = cv.case.request.kind;
    let reason = cv.case.request.reason;
    let case_id = cv.case.id.clone();
    let number = core.with_untracked(|m| m.number.clone().unwrap_or_default());
    let token = session::token(&number).unwrap_or_default();
    let order_href = format!("/order/{}", encode(&number));
    let busy = busy(core);

    let banner = Banner::of(&state, cv.deadline);
    // What a refund's close gives the buyer: how much, where, when it usually arrives.
    let refund_sent = cv
        .refund_arrives_in_working_days
        .zip(cv.refund.as_ref())
        .map(|(days, r)| (format::money(r.total, &currency), days));
    let banner = move || {
        let l = lang.get();
        let t = i18n::t(l);
        let inner = match banner {
            Banner::Closed { outcome, rated } => view! {
                <p class="banner-title">{t.closed_banner}</p>
                {match refund_sent.clone() {
                    Some((amount, days)) => view! {
                        <p data-testid="refund-arrival">{shared::i18n::refund_arrival(l, &amount, days)}</p>
                    }.into_any(),
                    None => view! { <p>{outcome.message(l)}</p> }.into_any(),
                }}
                {rated.then(|| view! { <p data-testid="rated">{t.thanks_rating}</p> })}
            }
            .into_any(),
            Banner::Deadline { deadline: d, passive, .. } => view! {
                <p class="banner-kicker">{banner.kicker(t)}</p>
                <p class="banner-title" data-testid="countdown" aria-live="off">
                    {move || countdown_text(&d, core.with(|m| m.now) + skew, lang.get(), zone)}
                </p>
                {(!passive).then(|| view! {
                    <p class="small">{t.due_at}" "{format::date_time(d.due, zone, l)}" "{format::zone(zone)}</p>
                    <p class="small">{i18n::expiry_future(d.on_expiry, l)}</p>
                })}
            }
            .into_any(),
            Banner::NoDeadline => view! { <p>{t.no_deadline}</p> }.into_any(),
        };
        view! {
            <div class=banner.class() data-testid="whose-move" data-party=banner.party()>{inner}</div>
        }
    };

    let offer = offer(cv.case.state(), &cv.actions);
    let offer_currency = currency.clone();
    let refund = cv.refund.clone();
    let address = return_address(cv);
    let lines = request_lines(cv);
    let photo_ids = photo_ids(cv);
    let note = cv.case.request.note.clone();
    let state_code = cv.state;
    let stale = Memo::new(move |_| core.with(|m| stale_text(m, lang.get())));
    let notice = Memo::new(move |_| core.with(|m| m.notice));
    let command_error = Memo::new(move |_| core.with(|m| m.command_error.clone()));
    let copied = Memo::new(move |_| core.with(|m| m.copied));
    // News since the page opened: a line at the top and the tab's title, so a buyer who left the
    // tab open sees it; the body is redrawn with each change, so an old line goes with it.
    let news = core
        .with_untracked(|m| m.news)
        .then(|| cv.news.clone())
        .flatten();
    let title_id = case_id.clone();
    let news_title = news.clone();
    leptos::prelude::Effect::new(move |_| {
        let l = lang.get();
        let t = i18n::t(l);
        let title = match &news_title {
            Some(n) => format!("● {} · {}", n.title(l), t.app_name),
            None => format!("{} {title_id} · {}", t.case_title, t.app_name),
        };
        document().set_title(&title);
    });

    view! {
        <div class="case-grid">
        <div class="case-main">
        {news.map(|n| view! {
            <p class="alert alert-info" role="status" data-testid="news">
                {move || n.title(lang.get()).to_owned()}
            </p>
        })}
        <section class="card" aria-labelledby="case-title" data-testid="case-page" data-case-id=case_id.clone()>
            <div class="card-head">
                <h1 id="case-title" class="h2">
                    {tr(lang, |t| t.case_title)}" "<span class="mono" data-testid="case-id">{case_id.clone()}</span>
                </h1>
                <StatusChip state=state_code/>
            </div>
            <p class="muted">
                {move || i18n::kind_choice(kind, lang.get()).0}" · "{move || i18n::reason_label(reason, lang.get())}
            </p>
            {banner}
            {move || match stale.get() {
                // The self-refresh failed: say how old the page is, and offer to try now.
                Some(text) => view! {
                    <div class="alert alert-error small stale" role="alert" data-testid="stale">
                        <span>{text}</span>
                        <button type="button" class="btn btn-small btn-secondary" on:click=move |_| core.send(Msg::Reload)>{tr(lang, |t| t.retry)}</button>
                    </div>
                }.into_any(),
                None => view! {
                    <p class="muted small">
                        {(!closed).then(|| view! { <span>{tr(lang, |t| t.auto_refresh)}" · "</span> })}
                        {tr(lang, |t| t.bookmark)}
                    </p>
                }.into_any(),
            }}
            {(!closed).then(|| view! { <push::PushControl case=case_id.clone() token=token.clone()/> })}
        </section>

        // What a command answered, focused when it arrives.
        <div id="feedback" tabindex="-1">
            {move || notice.get().map(|n| view! { <p class="alert alert-info" role="status" data-testid="notice">{move || n.text(i18n::t(lang.get()))}</p> })}
            {move || command_error.get().map(|e| view! { <ErrorBox error=e/> })}
        </div>

        {address.map(|a| view! {
            <section class="card" aria-labelledby="return-title" data-testid="return-address">
                <h2 id="return-title" class="h3">{tr(lang, |t| t.return_address)}</h2>
                <ol class="numbered">
                    {move || i18n::t(lang.get()).return_steps.iter().map(|s| view! { <li>{*s}</li> }).collect_view()}
                </ol>
                <address class="address">{a}</address>
                <div class="copy-row">
                    <button type="button" class="btn btn-small btn-secondary" data-testid="copy-address"
                        on:click=move |_| core.send(Msg::Copy)>
                        {move || { let t = i18n::t(lang.get()); if copied.get() == Some(true) { t.copied } else { t.copy } }}
                    </button>
                    {move || (copied.get() == Some(false)).then(|| view! {
                        <p class="hint" role="status" data-testid="copy-failed">{tr(lang, |t| t.copy_failed)}</p>
                    })}
                    <p class="hint touch">{tr(lang, |t| t.copy_hint)}</p>
                </div>
            </section>
        })}

        {offer.map(|kind| view! {
            <section class="card" data-testid="offer">
                {move || {
                    let (head, detail) = i18n::event_line(&kind, lang.get(), &offer_currency);
                    view! { <h2 class="h3">{head}</h2> {detail.map(|d| view! { <p class="quote">{d}</p> })} }
                }}
                <div class="btn-row">
                    <button type="button" class="btn btn-primary" data-testid="accept-offer" disabled=busy
                        on:click=on_click(core, ActionKind::AcceptOffer)>{tr(lang, |t| t.accept_offer)}</button>
                    <button type="button" class="btn btn-secondary" data-testid="decline-offer" disabled=busy
                        on:click=on_click(core, ActionKind::DeclineOffer)>{tr(lang, |t| t.decline_offer)}</button>
                </div>
            </section>
        })}

        <Actions loaded=Rc::clone(&loaded) core=core photos=photos/>

        <Messages loaded=Rc::clone(&loaded) core=core/>
        </div>

        <div class="case-side">
        {refund.map(|b| view! {
            <section class="card" aria-labelledby="refund-title">
                <h2 id="refund-title" class="h3">{tr(lang, |t| t.refund)}</h2>
                <Breakdown breakdown=b currency=currency.clone()/>
            </section>
        })}

        <section class="card" aria-labelledby="request-title">
            <h2 id="request-title" class="h3">{tr(lang, |t| t.request)}</h2>
            <ul class="lines">
                {lines.into_iter().map(|(title, q)| view! {
                    <li class="line"><span class="line-title">{title}</span><span class="line-meta">"× "{q}</span></li>
                }).collect_view()}
            </ul>
            {(!note.is_empty()).then(|| view! { <p class="quote">{note.clone()}</p> })}
            {(!photo_ids.is_empty()).then(|| view! {
                <ul class="photo-list">
                    {photo_ids.iter().map(|p| view! { <StoredPhoto id=p.clone() token=token.clone()/> }).collect_view()}
                </ul>
            })}
            <a class="link" href=order_href>{tr(lang, |t| t.back_to_order)}</a>
        </section>

        <section class="card" aria-labelledby="timeline-title">
            <h2 id="timeline-title" class="h3">{tr(lang, |t| t.timeline)}</h2>
            <ol class="timeline" data-testid="timeline">
                {
                    // The list is drawn again when the language changes, read from the shared
                    // case (the events are not copied).
                    let loaded = StoredValue::new_local(Rc::clone(&loaded));
                    move || loaded.with_value(|loaded| {
                        let l = lang.get();
                        let case = &loaded.view.case;
                        case.events.iter().rev().map(|e| {
                            let (head, detail) = i18n::event_line(&e.kind, l, &case.order.currency);
                            // Messages are under Messages, not repeated here.
                            let message = matches!(e.kind, EventKind::MessagePosted { .. });
                            view! {
                                <li class="tl-item" hidden=message>
                                    <span class="tl-dot" aria-hidden="true"></span>
                                    <div class="tl-body">
                                        <p class="tl-head"><strong>{head}</strong></p>
                                        {detail.map(|d| view! { <p class="tl-detail">{d}</p> })}
                                        <p class="tl-meta muted small">
                                            {i18n::actor(&e.actor, l)}" · "
                                            <time>{format::date_time(e.at, zone, l)}</time>
                                        </p>
                                    </div>
                                </li>
                            }
                        }).collect_view()
                    })
                }
            </ol>
        </section>
        </div>
        </div>
    }
}

/// The buyer's possible moves, each only when the API lists it ([`model::forms`]).
#[component]
fn Actions(loaded: Rc<Loaded>, core: Core<Model>, photos: Photos) -> impl IntoView {
    let lang = use_lang();
    let t = move || i18n::t(lang.get());
    let cv = &loaded.view;
    let forms = forms(&cv.actions);
    let question = question(&cv.case.state());
    let token = core
        .with_untracked(|m| m.number.as_deref().and_then(session::token))
        .unwrap_or_default();
    let busy = busy(core);
    let Photos {
        answer: answer_photos,
        proof: proof_photos,
        receipt: receipt_photos,
    } = photos;
    let postage = cv.return_postage;
    let currency = cv.case.order.currency.clone();

    let form = move |action: ActionKind| {
        match action {
        ActionKind::EnterReturnTracking => view! {
            <form class="form action" data-testid="tracking-form" on:submit=move |ev| {
                ev.prevent_default();
                let receipt = receipt_photos.with_untracked(|p| uploaded_ids(p));
                core.send(Msg::Send(ActionKind::EnterReturnTracking, receipt));
            }>
                <div class="field-row">
                    <div class="field">
                        <label for="carrier">{tr(lang, |t| t.courier)}</label>
                        <input id="carrier" required autocomplete="off" data-testid="carrier" list="carriers"
                            prop:value=draft(core, Field::Carrier) on:input=on_draft(core, Field::Carrier) />
                        <datalist id="carriers">
                            <option value="顺丰 SF Express"/><option value="中通 ZTO"/><option value="圆通 YTO"/>
                            <option value="京东物流 JD"/><option value="EMS"/><option value="Royal Mail"/><option value="UPS"/>
                        </datalist>
                    </div>
                    <div class="field">
                        <label for="tracking">{tr(lang, |t| t.tracking)}</label>
                        <input id="tracking" required autocomplete="off" spellcheck="false" data-testid="tracking"
                            prop:value=draft(core, Field::Tracking) on:input=on_draft(core, Field::Tracking) />
                    </div>
                </div>
                // DOMAIN.md "Return postage the shop owes": the rule is the server's
                // (`return_postage`); the page only asks for the amount and its receipt.
                {match postage {
                    PostageTerms::Reimbursed { cap } => Some(view! {
                        <div class="field">
                            <label for="postage">{tr(lang, |t| t.postage_label)}</label>
                            <input id="postage" inputmode="decimal" autocomplete="off" data-testid="postage"
                                prop:value=draft(core, Field::Postage) on:input=on_draft(core, Field::Postage) />
                            <p class="hint" data-testid="postage-hint">{
                                let cap = format::money(cap, &currency);
                                move || i18n::fill(i18n::t(lang.get()).postage_back, &cap)
                            }</p>
                        </div>
                        <p class="label">{tr(lang, |t| t.postage_receipt)}</p>
                        <PhotoPicker items=receipt_photos token=token.clone() id_prefix="receipt-photos" max=1/>
                    }.into_any()),
                    PostageTerms::Insured => Some(view! {
                        <p class="hint" data-testid="postage-hint">{tr(lang, |t| t.postage_insured)}</p>
                    }.into_any()),
                    PostageTerms::NotOwed | PostageTerms::PrepaidLabel => None,
                }}
                <button type="submit" class="btn btn-primary" data-testid="send-tracking"
                    disabled=move || busy() || receipt_photos.with(|p| any_in_flight(p))>{tr(lang, |t| t.send_tracking)}</button>
            </form>
        }
        .into_any(),
        ActionKind::AnswerInfo => view! {
            <form class="form action" data-testid="answer-form" on:submit=move |ev| {
                ev.prevent_default();
                let photos = answer_photos.with_untracked(|p| uploaded_ids(p));
                core.send(Msg::Send(ActionKind::AnswerInfo, photos));
            }>
                <h3 class="h4">{tr(lang, |t| t.answer_title)}</h3>
                {question.clone().map(|q| view! { <p class="quote">{q}</p> })}
                <div class="field">
                    <label for="answer">{tr(lang, |t| t.answer_label)}</label>
                    <textarea id="answer" rows="3" required data-testid="answer"
                        prop:value=draft(core, Field::Answer) on:input=on_draft(core, Field::Answer)></textarea>
                </div>
                <PhotoPicker items=answer_photos token=token.clone() id_prefix="answer-photos"/>
                <button type="submit" class="btn btn-primary" disabled=move || busy() || answer_photos.with(|p| any_in_flight(p))>
                    {tr(lang, |t| t.send_answer)}
                </button>
            </form>
        }
        .into_any(),
        ActionKind::AddProof => view! {
            <div class="action" data-testid="proof-form">
                <h3 class="h4">{tr(lang, |t| t.add_proof)}</h3>
                <PhotoPicker items=proof_photos token=token.clone() id_prefix="proof-photos"/>
                <button type="button" class="btn btn-secondary"
                    disabled=move || busy() || proof_photos.with(|p| any_in_flight(p) || uploaded_ids(p).is_empty())
                    on:click=move |_| core.send(Msg::Send(ActionKind::AddProof, proof_photos.with_untracked(|p| uploaded_ids(p))))>
                    {tr(lang, |t| t.add_proof)}
                </button>
            </div>
        }
        .into_any(),
        ActionKind::ConfirmReceipt => view! {
            <div class="action">
                <p class="hint">{tr(lang, |t| t.confirm_receipt_hint)}</p>
                <button type="button" class="btn btn-primary" data-testid="confirm-receipt" disabled=busy
                    on:click=on_click(core, ActionKind::ConfirmReceipt)>{tr(lang, |t| t.confirm_receipt)}</button>
            </div>
        }
        .into_any(),
        ActionKind::Reopen => view! {
            <div class="action">
                <p class="hint">{tr(lang, |t| t.reopen_hint)}</p>
                <button type="button" class="btn btn-primary" data-testid="reopen" disabled=busy
                    on:click=on_click(core, ActionKind::Reopen)>{tr(lang, |t| t.reopen)}</button>
            </div>
        }
        .into_any(),
        ActionKind::Rate => view! {
            <form class="form action" data-testid="rate-form" on:submit=on_submit(core, ActionKind::Rate)>
                <fieldset class="stars">
                    <legend>{tr(lang, |t| t.rate_title)}</legend>
                    {(1..=5u8).map(|n| {
                        let id = format!("star-{n}");
                        let stars = move || core.with(|m| m.drafts.stars);
                        view! {
                            <input type="radio" name="stars" id=id.clone() data-testid=id.clone() value=n
                                prop:checked=move || stars() == n on:change=move |_| core.send(Msg::Stars(n)) />
                            <label for=id class=move || { if stars() >= n { "star star-on" } else { "star" } }>
                                <span aria-hidden="true">"★"</span>
                                <span class="sr-only">{move || format!("{n} {}", t().stars_label)}</span>
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <div class="field">
                    <label for="comment">{tr(lang, |t| t.comment)}</label>
                    <textarea id="comment" rows="2" data-testid="comment"
                        prop:value=draft(core, Field::Comment) on:input=on_draft(core, Field::Comment)></textarea>
                </div>
                <button type="submit" class="btn btn-primary" data-testid="send-rating" disabled=move || !core.with(model::can_rate)>
                    {tr(lang, |t| t.send_rating)}
                </button>
            </form>
        }
        .into_any(),
        ActionKind::Escalate => view! {
            <details class="action">
                <summary data-testid="escalate-open">{tr(lang, |t| t.escalate)}</summary>
                <p class="hint">{tr(lang, |t| t.escalate_hint)}</p>
                <div class="field">
                    <label for="escalate-note">{tr(lang, |t| t.escalate_note)}</label>
                    <textarea id="escalate-note" rows="2" data-testid="escalate-note"
                        prop:value=draft(core, Field::EscalateNote) on:input=on_draft(core, Field::EscalateNote)></textarea>
                </div>
                <button type="button" class="btn btn-secondary" data-testid="escalate" disabled=busy
                    on:click=on_click(core, ActionKind::Escalate)>
                    {tr(lang, |t| t.escalate)}
                </button>
            </details>
        }
        .into_any(),
        ActionKind::Cancel => view! {
            <div class="action action-quiet">
                <Show when=move || core.with(|m| m.drafts.confirming_cancel)
                    fallback=move || view! {
                        <button type="button" class="btn btn-ghost btn-danger-text" data-testid="cancel"
                            on:click=move |_| core.send(Msg::AskCancel)>{tr(lang, |t| t.cancel_request)}</button>
                    }>
                    <div class="confirm" role="alertdialog" aria-labelledby="cancel-q">
                        <p id="cancel-q">{tr(lang, |t| t.cancel_confirm)}</p>
                        <div class="btn-row">
                            <button type="button" class="btn btn-danger" data-testid="cancel-confirm" disabled=busy
                                on:click=on_click(core, ActionKind::Cancel)>{tr(lang, |t| t.cancel_request)}</button>
                            <button type="button" class="btn btn-secondary" id="keep-request"
                                on:click=move |_| core.send(Msg::KeepRequest)>
                                {tr(lang, |t| t.keep_request)}
                            </button>
                        </div>
                    </div>
                </Show>
            </div>
        }
        .into_any(),
        _ => ().into_any(),
    }
    };

    (!forms.is_empty()).then(|| {
        view! {
            <section class="card actions" aria-labelledby="actions-title" data-testid="actions">
                <h2 id="actions-title" class="h3">{tr(lang, |t| t.what_you_can_do)}</h2>
                {forms.into_iter().map(form).collect_view()}
            </section>
        }
    })
}

/// Messages between the buyer and the shop, oldest first, with a box to write one.
#[component]
fn Messages(loaded: Rc<Loaded>, core: Core<Model>) -> impl IntoView {
    let lang = use_lang();
    let case = &loaded.view.case;
    let zone = loaded.view.utc_offset_minutes;
    let empty = !case.events.iter().any(|e| message_text(e).is_some());
    let can_send = loaded.view.actions.contains(&ActionKind::Message);
    let loaded = StoredValue::new_local(loaded);
    view! {
        <section class="card" aria-labelledby="messages-title" data-testid="messages">
            <h2 id="messages-title" class="h3">{tr(lang, |t| t.messages)}</h2>
            {empty.then(|| view! { <p class="muted">{tr(lang, |t| t.no_messages)}</p> })}
            <ul class="bubbles">
                // Drawn again when the language changes, read from the shared case.
                {move || loaded.with_value(|loaded| {
                    let l = lang.get();
                    loaded.view.case.events.iter().filter_map(|m| Some((m, message_text(m)?))).map(|(m, body)| {
                        let mine = m.actor == Actor::Buyer;
                        view! {
                            <li class=if mine { "bubble bubble-mine" } else { "bubble" }>
                                <p>{body.to_string()}</p>
                                <p class="small muted">{i18n::actor(&m.actor, l)}" · "{format::date_time(m.at, zone, l)}</p>
                            </li>
                        }
                    }).collect_view()
                })}
            </ul>
            {can_send.then(|| view! {
                <form class="form message-form" on:submit=on_submit(core, ActionKind::Message)>
                    <label for="message">{tr(lang, |t| t.message_label)}</label>
                    <div class="message-row">
                        <textarea id="message" rows="2" data-testid="message"
                            prop:value=draft(core, Field::Message) on:input=on_draft(core, Field::Message)></textarea>
                        <button type="submit" class="btn btn-primary" data-testid="send-message" disabled=busy(core)>
                            {tr(lang, |t| t.send)}
                        </button>
                    </div>
                </form>
            })}
        </section>
    }
}

/// A stored proof photo (the route needs the bearer header, so it is fetched and shown from a
/// blob URL).
#[component]
fn StoredPhoto(id: String, token: String) -> impl IntoView {
    let lang = use_lang();
    let id = StoredValue::new(id);
    let token = StoredValue::new(token);
    let url = task::Load::new(move || {
        let api = Api::with_token(lang.get_untracked(), token.get_value());
        let id = id.get_value();
        async move { api.photo_url(&id).await }
    });
    view! {
        <li class="photo">
            <div class="photo-thumb">
                {move || match url.get() {
                    Some(Ok(src)) => view! { <img src=src alt=tr(lang, |t| t.photo_alt) /> }.into_any(),
                    Some(Err(_)) => view! { <span class="muted small">"—"</span> }.into_any(),
                    None => view! { <span class="spinner" aria-hidden="true"></span> }.into_any(),
                }}
            </div>
        </li>
    }
}
