//! `/order/:number`: the order, the buyer's requests for it, and the new-request form with the
//! policy's live preview.
//!
//! The page is a pure model ([`model`]: its state, messages, effects and what the view shows,
//! tested natively); this file only draws it, turns input into messages and performs the
//! effects, in [`perform`].

mod model;
#[cfg(test)]
mod tests;

use std::rc::Rc;

use crate::core::Core;
use leptos::prelude::*;
use shared::Lang;
use shared::domain::{CaseKind, CaseRequest, Order, Timestamp};
use shared::policy::{ParcelStanding, Payer, PostageTerms, Preview, StallReason};

use crate::format;
use crate::portal::api::Api;
use crate::portal::app::use_lang;
use crate::portal::components::{
    Breakdown, ErrorBox, Loading, PhotoItem, PhotoPicker, StatusChip, Steps, any_in_flight,
    failed_count, uploaded_ids,
};
use crate::portal::form::Missing;
use crate::portal::i18n::tr;
use crate::portal::pages::unauthenticated;
use crate::portal::router::{Location, use_location};
use crate::portal::{i18n, session, task};
use crate::random::idempotency_key;

use model::{
    Effect, LineChoice, Loaded, Model, Msg, Screen, TipsAnswer, Verdict, allowed, payer_code,
    preview_facts, submit_why, verdict, waits_for_tick,
};
pub use model::{case_path, relookup_path};

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Performs one of the page's effects; answers come back as messages.
fn perform(effect: Effect, core: Core<Model>, lang: RwSignal<Lang>, location: Location) {
    let lang = lang.get_untracked();
    match effect {
        Effect::Load { number, read } => {
            let token = session::token(&number);
            task::spawn(Box::pin(async move {
                let sent_at = now_ms();
                let answer = match token {
                    Some(token) => Api::with_token(lang, token.clone())
                        .order()
                        .await
                        .map(|view| (Box::new(view), token)),
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
        Effect::File {
            request,
            key,
            token,
        } => {
            let api = Api::with_token(lang, token);
            task::spawn(Box::pin(async move {
                // The answer is read in place: a clone of the whole case would be compiled in.
                let filed = api.file_case(&request, &key).await.map(|v| v.case.id);
                core.send(Msg::Filed(filed));
            }));
        }
        Effect::Helped { skus, token } => {
            let api = Api::with_token(lang, token);
            task::spawn(Box::pin(async move {
                let mut answer = Ok(());
                // One line after the other: each counts once per order and line on the server,
                // so a retry after a failure is harmless.
                for sku in skus {
                    if let Err(e) = api.helped(&sku).await {
                        answer = Err(e);
                        break;
                    }
                }
                core.send(Msg::Helped(answer));
            }));
        }
        Effect::SaveCaseOrder { id, number } => session::save_case_order(&id, &number),
        Effect::ForgetToken(number) => session::forget_token(&number),
        Effect::Navigate { path, replace } => location.navigate(&path, replace),
    }
}

/// The order page.
#[component]
pub fn OrderPage(
    /// The order number from the path.
    number: String,
) -> impl IntoView {
    let lang = use_lang();
    let location = use_location();
    let mut model = Model::new(number);
    let start = model.start();
    let core = Core::new(model, move |effect, core| {
        perform(effect, core, lang, location);
    });
    for effect in start {
        perform(effect, core, lang, location);
    }
    // What to draw changes far less often than the model (every keystroke).
    let screen = Memo::new(move |_| core.with(Model::screen));
    view! {
        <Steps current=2/>
        {move || match screen.get() {
            Screen::Loading => view! { <Loading/> }.into_any(),
            Screen::Failed(e) => view! { <ErrorBox error=e on_retry=Callback::new(move |()| core.send(Msg::Reload))/> }.into_any(),
            Screen::Order(_) => core
                .with_untracked(|m| m.order.clone())
                .map(|loaded| view! { <OrderView loaded=loaded core=core/> })
                .into_any(),
        }}
    }
}

#[component]
fn OrderView(loaded: Rc<Loaded>, core: Core<Model>) -> impl IntoView {
    let lang = use_lang();
    let view = &loaded.view;
    let zone = view.policy.utc_offset_minutes;
    let order = &view.order;
    let summary = order.clone();
    let number = order.number.clone();
    // The request comes first ("which items?"): the order's details are folded under one line
    // that says whether it arrived and what was paid; the buyer's cases show only when there
    // are some.
    let has_cases = !view.cases.is_empty();
    let currency = &order.currency;
    view! {
        <section class="card order-head" aria-labelledby="order-title" data-testid="order-summary">
            <div class="card-head">
                <h1 id="order-title">{tr(lang, |t| t.order_title)}" "<span class="mono">{number.clone()}</span></h1>
                <a class="link small" href="/">{tr(lang, |t| t.another_order)}</a>
            </div>
            <details class="order-details" data-testid="order-details">
                <OrderFacts order=summary zone=zone/>
                <ul class="lines">
                    {order.lines.iter().map(|l| {
                        let price = format::money(l.unit_price, currency);
                        let paid = format::money(l.net(), currency);
                        view! {
                            <li class="line">
                                <span class="line-title">{l.title.clone()}</span>
                                <span class="line-meta muted small">{price}" × "{l.quantity}</span>
                                <span class="line-paid">{paid}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </details>
        </section>
        <ParcelPanel core=core zone=zone/>
        {has_cases.then(|| view! { <CaseList loaded=Rc::clone(&loaded)/> })}
        <RequestForm loaded=Rc::clone(&loaded) core=core/>
        <ComplaintBox core=core hours=loaded.view.policy.deadlines.shop_answer_complaint_hours/>
    }
}

/// The parcel on its way: the courier's newest scans, and what the buyer may do (ask the shop
/// where it is; once it stalls, a reship or a refund without proof, one tap from the form).
#[component]
fn ParcelPanel(core: Core<Model>, zone: i64) -> impl IntoView {
    let lang = use_lang();
    let note = RwSignal::new(String::new());
    let parcel = Memo::new(move |_| core.with(|m| m.parcel(now_ms())));
    let filing = Memo::new(move |_| core.with(|m| m.filing));
    let ask = move |_| {
        core.send(Msg::Ask {
            kind: CaseKind::ParcelQuestion,
            note: note.get_untracked(),
            new_key: idempotency_key(),
        });
    };
    let claim = move |kind: CaseKind| {
        core.send(Msg::ClaimStalled(kind));
        // The form, filled in, is the next step: bring it into view.
        if let Some(title) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("request-title"))
        {
            title.scroll_into_view();
        }
    };
    move || {
        parcel.get().map(|p| {
            let l = lang.get();
            let t = i18n::t(l);
            let stalled = matches!(p.standing, ParcelStanding::Stalled { .. });
            let status = match p.standing {
                ParcelStanding::Moving { stalls_after, .. } => {
                    i18n::fill(t.parcel_moving, &shared::i18n::local_date(stalls_after, l))
                }
                ParcelStanding::Stalled { why: StallReason::PastPromised, .. } => {
                    t.parcel_stalled_promised.to_string()
                }
                _ => t.parcel_stalled_no_move.to_string(),
            };
            let id = match (&p.carrier, &p.number) {
                (Some(c), Some(n)) => format!("{c} {n}"),
                _ => String::new(),
            };
            view! {
                <section class="card" aria-labelledby="parcel-title" data-testid="parcel">
                    <h2 id="parcel-title">{t.parcel_title}" "<span class="muted small mono" data-testid="parcel-id">{id}</span></h2>
                    {if p.scans.is_empty() {
                        view! { <p class="muted small">{t.parcel_no_scans}</p> }.into_any()
                    } else {
                        view! {
                            <ol class="scans" data-testid="parcel-scans">
                                {p.scans.iter().map(|s| view! {
                                    <li>
                                        <span class="muted small">{format::date_time(s.at, zone, l)}</span>" "
                                        <span>{s.status.clone()}</span>
                                        {(!s.location.is_empty()).then(|| view! { <span class="muted small">" · "{s.location.clone()}</span> })}
                                    </li>
                                }).collect_view()}
                            </ol>
                        }.into_any()
                    }}
                    <p class=if stalled { "notice" } else { "hint" } data-testid="parcel-status">{status}</p>
                    {stalled.then(|| view! {
                        <div class="actions-row">
                            {p.may_reship.then(|| view! {
                                <button type="button" class="btn btn-primary" data-testid="claim-reship"
                                    on:click=move |_| claim(CaseKind::Reship)>{t.claim_reship}</button>
                            })}
                            {p.may_refund.then(|| view! {
                                <button type="button" class="btn" data-testid="claim-refund"
                                    on:click=move |_| claim(CaseKind::RefundOnly)>{t.claim_refund}</button>
                            })}
                        </div>
                    })}
                    <div class="field">
                        <label for="parcel-note">{t.ask_parcel_note}</label>
                        <textarea id="parcel-note" rows="2" data-testid="parcel-note"
                            prop:value=move || note.get()
                            on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                    </div>
                    <button type="button" class="btn" data-testid="ask-parcel"
                        disabled=move || filing.get() on:click=ask>{t.ask_parcel}</button>
                </section>
            }
        })
    }
}

/// A complaint about the service, not the goods: straight to the owner.
#[component]
fn ComplaintBox(core: Core<Model>, hours: i64) -> impl IntoView {
    let lang = use_lang();
    let note = RwSignal::new(String::new());
    let filing = Memo::new(move |_| core.with(|m| m.filing));
    let send = move |_| {
        core.send(Msg::Ask {
            kind: CaseKind::Complaint,
            note: note.get_untracked(),
            new_key: idempotency_key(),
        });
    };
    view! {
        <details class="card complaint" data-testid="complaint">
            <summary>{tr(lang, |t| t.complaint_title)}</summary>
            <p class="hint">{move || i18n::fill(i18n::t(lang.get()).complaint_hint, &hours.to_string())}</p>
            <div class="field">
                <label for="complaint-note">{tr(lang, |t| t.complaint_note)}</label>
                <textarea id="complaint-note" rows="3" data-testid="complaint-note"
                    prop:value=move || note.get()
                    on:input=move |ev| note.set(event_target_value(&ev))></textarea>
            </div>
            <button type="button" class="btn btn-primary" data-testid="complaint-send"
                disabled=move || filing.get() || note.with(|n| n.trim().is_empty())
                on:click=send>{tr(lang, |t| t.complaint_send)}</button>
        </details>
    }
}

/// The folded details' one line (arrived? paid?) and, unfolded, the order's dates.
#[component]
fn OrderFacts(order: Order, zone: i64) -> impl IntoView {
    let lang = use_lang();
    move || {
        let l = lang.get();
        let t = i18n::t(l);
        let when = |at: Option<Timestamp>, missing: &'static str| {
            at.map_or_else(|| missing.to_string(), |at| format::date(at, zone, l))
        };
        let paid = format::money(order.total_paid(), &order.currency);
        view! {
            <summary>
                <span data-testid="delivered">{order.signed_for_at.map_or_else(
                    || t.not_delivered.to_string(),
                    |at| format!("{} {}", t.delivered, format::date(at, zone, l)),
                )}</span>
                " · "{paid.clone()}
            </summary>
            <dl class="facts">
                <div><dt>{t.ordered}</dt><dd>{format::date(order.paid_at, zone, l)}</dd></div>
                <div><dt>{t.shipped}</dt><dd>{when(order.shipped_at, t.not_shipped)}</dd></div>
                <div><dt>{t.paid}</dt><dd>{paid}{order.shipping_insurance.then(|| view! { <span class="badge">{t.insured}</span> })}</dd></div>
            </dl>
        }
    }
}

#[component]
fn CaseList(loaded: Rc<Loaded>) -> impl IntoView {
    let lang = use_lang();
    let view = &loaded.view;
    let zone = view.policy.utc_offset_minutes;
    let (cases, number) = (&view.cases, &view.order.number);
    view! {
        <section class="card" aria-labelledby="cases-title" data-testid="case-list">
            <h2 id="cases-title">{tr(lang, |t| t.your_cases)}</h2>
            <ul class="case-links">
                {cases.iter().map(|c| {
                    let href = case_path(&c.id, number);
                    let state = c.state().name();
                    let kind = c.request.kind;
                    let filed = c.filed_at;
                    let id = c.id.clone();
                    view! {
                        <li>
                            <a class="case-link" href=href data-testid="case-link">
                                <span class="case-link-main">
                                    <strong>{move || i18n::kind_choice(kind, lang.get()).0}</strong>
                                    <span class="muted small mono">{id}</span>
                                    <span class="muted small">{move || format!("{} {}", i18n::t(lang.get()).filed, format::date(filed, zone, lang.get()))}</span>
                                </span>
                                <StatusChip state=state/>
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// A checkbox's state in the draft and the message its change sends (one handler type each).
fn check(
    core: Core<Model>,
    read: fn(&Model) -> bool,
    msg: fn(bool) -> Msg,
) -> (
    impl Fn() -> bool + Copy + Send + Sync + 'static,
    impl Fn(web_sys::Event) + Copy + 'static,
) {
    (
        move || core.with(read),
        move |ev| core.send(msg(event_target_checked(&ev))),
    )
}

/// The new-request form with its live preview and the sticky submit bar.
#[component]
fn RequestForm(loaded: Rc<Loaded>, core: Core<Model>) -> impl IntoView {
    let lang = use_lang();
    let photos = RwSignal::new_local(Vec::<PhotoItem>::new());
    let currency = loaded.view.order.currency.clone();
    let zone = loaded.view.policy.utc_offset_minutes;
    let token = loaded.token.clone();

    // The request as it stands, or what is missing; and the policy's preview of it: the same
    // function the worker runs when the request is filed.
    let request = Memo::new(move |_| {
        let ids = photos.with(|p| uploaded_ids(p));
        core.with(|m| m.request(ids))
    });
    let local_preview = Memo::new(move |_| {
        request.with(|r| {
            r.as_ref()
                .ok()
                .and_then(|req| core.with(|m| m.preview(req, now_ms())))
        })
    });
    let in_flight = move || photos.with(|p| any_in_flight(p));
    let filing = Memo::new(move |_| core.with(|m| m.filing));
    let file_error = Memo::new(move |_| core.with(|m| m.file_error.clone()));

    let send = move |without_failed: bool| {
        core.send(Msg::Submit {
            photos: photos.with_untracked(|p| uploaded_ids(p)),
            uploading: photos.with_untracked(|p| any_in_flight(p)),
            failed: photos.with_untracked(|p| failed_count(p)),
            without_failed,
            now: now_ms(),
            new_key: idempotency_key(),
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send(false);
    };
    let asking = Memo::new(move |_| core.with(|m| m.asking_without_failed));

    let kinds = Memo::new(move |_| core.with(Model::kinds));
    let reasons = Memo::new(move |_| core.with(Model::reasons));
    let (intact, on_intact) = check(core, |m| m.draft.intact_confirmed, Msg::Intact);
    let (loss, on_loss) = check(core, |m| m.draft.carrier_confirms_loss, Msg::CarrierLoss);
    let (urgent, on_urgent) = check(core, |m| m.draft.urgent, Msg::Urgent);
    let lines = core.with_untracked(Model::lines);
    let cur = currency.clone();

    view! {
        <form class="request" on:submit=submit data-testid="request-form" aria-labelledby="request-title">
            <h2 id="request-title" class="section-title">{tr(lang, |t| t.new_request)}</h2>

            <fieldset class="card">
                <legend>{tr(lang, |t| t.q_items)}</legend>
                {lines.into_iter().map(|line| view! { <LinePicker core=core line=line/> }).collect_view()}
            </fieldset>

            <fieldset class="card">
                <legend>{tr(lang, |t| t.q_kind)}</legend>
                <div class="choices">
                    {move || kinds.with(|kinds| kinds.iter().map(|o| {
                        let kind = o.kind;
                        let (label, hint) = i18n::kind_choice(kind, lang.get());
                        let why = o.refusal.as_ref().map(|r| r.message(lang.get()));
                        let id = format!("kind-{}", kind.code());
                        view! {
                            <div class=if o.open { "choice" } else { "choice choice-closed" }>
                                <input type="radio" name="kind" id=id.clone() data-testid=id.clone()
                                    prop:checked=move || core.with(|m| m.draft.kind == Some(kind))
                                    on:change=move |_| core.send(Msg::Kind(kind)) />
                                <label for=id>
                                    <span class="choice-label">{label}</span>
                                    <span class="choice-hint">{hint}</span>
                                    {why.map(|w| view! { <span class="choice-why">{w}</span> })}
                                </label>
                            </div>
                        }
                    }).collect_view())}
                </div>
            </fieldset>

            <fieldset class="card">
                <legend>{tr(lang, |t| t.q_reason)}</legend>
                <div class="chips-choice">
                    {move || reasons.get().into_iter().map(|(reason, open)| {
                        let id = format!("reason-{}", reason.code());
                        view! {
                            <span class=if open { "pill" } else { "pill pill-closed" }>
                                <input type="radio" name="reason" id=id.clone() data-testid=id.clone()
                                    aria-describedby=(!open).then_some("reason-closed")
                                    prop:checked=move || core.with(|m| m.draft.reason == Some(reason))
                                    on:change=move |_| core.send(Msg::Reason(reason)) />
                                <label for=id>{i18n::reason_label(reason, lang.get())}</label>
                            </span>
                        }
                    }).collect_view()}
                </div>
                <p class="hint" id="reason-closed" hidden=move || reasons.with(|r| r.iter().all(|(_, open)| *open))>
                    {tr(lang, |t| t.reason_closed)}
                </p>
            </fieldset>

            <TipsPanel core=core/>

            <fieldset class="card">
                <legend>{tr(lang, |t| t.q_details)}</legend>
                <div class="field">
                    <label for="note">{tr(lang, |t| t.note)}</label>
                    <textarea id="note" rows="3" data-testid="note" aria-describedby="note-hint"
                        prop:value=move || core.with(|m| m.draft.note.clone())
                        on:input=move |ev| core.send(Msg::Note(event_target_value(&ev)))></textarea>
                    <p class="hint" id="note-hint">{tr(lang, |t| t.note_hint)}</p>
                </div>
                <div class="field">
                    <span class="label">{tr(lang, |t| t.photos)}</span>
                    <PhotoPicker items=photos token=token id_prefix="request-photos"/>
                </div>
                <Show when=move || core.with(Model::asks_intact)>
                    <label class="check" data-testid="intact-label">
                        <input type="checkbox" data-testid="intact" prop:checked=intact on:change=on_intact />
                        <span>{tr(lang, |t| t.intact_confirm)}{move || i18n::intact_rule(core.with(Model::intact_rule), lang.get())}</span>
                    </label>
                </Show>
                <Show when=move || core.with(|m| m.asks_carrier_proof(now_ms()))>
                    <label class="check">
                        <input type="checkbox" data-testid="carrier-loss" prop:checked=loss on:change=on_loss />
                        <span>{tr(lang, |t| t.carrier_loss)}</span>
                    </label>
                </Show>
                <label class="check">
                    <input type="checkbox" data-testid="urgent" prop:checked=urgent on:change=on_urgent />
                    <span>{tr(lang, |t| t.urgent)}</span>
                </label>
            </fieldset>

            <PreviewPanel request=request preview=local_preview currency=currency.clone() zone=zone/>

            {move || file_error.get().map(|e| view! { <ErrorBox error=e/> })}

            <div class="action-bar">
                {move || asking.get().map(|n| view! {
                    <div class="ask-without" role="alertdialog" data-testid="ask-without-failed">
                        <p>{i18n::fill(i18n::t(lang.get()).send_without_failed, &n.to_string())}</p>
                        <button type="button" class="btn" data-testid="keep-editing"
                            on:click=move |_| core.send(Msg::KeepEditing)>{tr(lang, |t| t.keep_editing)}</button>
                        <button type="button" class="btn btn-primary" data-testid="send-without-failed"
                            on:click=move |_| send(true)>{tr(lang, |t| t.send_anyway)}</button>
                    </div>
                })}
                <div class="action-bar-inner">
                    <div class="action-bar-sum" aria-live="polite">
                        {move || {
                            // The refund, or why Send is not possible yet.
                            let t = i18n::t(lang.get());
                            let why = request.with(|r| local_preview.with(|p| submit_why(t, in_flight(), r, p.as_ref())));
                            match why {
                                Some(why) => view! { <span class="small" data-testid="submit-why">{why}</span> }.into_any(),
                                None => local_preview.with(|p| p.as_ref().and_then(|p| p.refund.as_ref().map(|r| r.total))).map(|total| view! {
                                    <span class="muted small">{t.refund_estimate}</span>
                                    <strong data-testid="bar-total">{format::money(total, &cur)}</strong>
                                }).into_any(),
                            }
                        }}
                    </div>
                    <button type="submit" class="btn btn-primary" data-testid="submit"
                        disabled=move || !local_preview.with(|p| allowed(p.as_ref())) || in_flight() || filing.get()>
                        {move || {
                            let t = i18n::t(lang.get());
                            if filing.get() { t.submitting } else { t.submit }
                        }}
                    </button>
                </div>
            </div>
        </form>
    }
}

/// The shop's troubleshooting and usage tips for a quality fault, shown before the rest of the
/// request: "did this solve it?". Never in the way: the form stays below it, one tap away, and
/// "continue" folds it.
#[component]
fn TipsPanel(core: Core<Model>) -> impl IntoView {
    let lang = use_lang();
    let tips = Memo::new(move |_| core.with(Model::tips));
    let answer = Memo::new(move |_| core.with(|m| m.tips_answer));
    let error = Memo::new(move |_| core.with(|m| m.tips_error.clone()));
    move || {
        if answer.get() == Some(TipsAnswer::Solved) {
            return view! {
                <section class="card alert alert-info" role="status" data-testid="tips-thanks">
                    <p><strong>{tr(lang, |t| t.tips_thanks)}</strong></p>
                    <p class="small">{tr(lang, |t| t.tips_thanks_more)}</p>
                </section>
            }
            .into_any();
        }
        let groups = tips.get();
        if groups.is_empty() {
            return ().into_any();
        }
        let sending = answer.get() == Some(TipsAnswer::Sending);
        view! {
            <section class="card tips" aria-labelledby="tips-title" data-testid="tips">
                <h2 id="tips-title" class="h3">{tr(lang, |t| t.tips_title)}</h2>
                <p class="muted small">{tr(lang, |t| t.tips_lead)}</p>
                {groups.into_iter().flat_map(|g| g.tips).map(|tip| view! {
                    <details class="tip" open data-testid="tip">
                        <summary data-testid="tip-title">{tip.title}</summary>
                        <ol class="tip-steps">
                            {tip.steps.into_iter().map(|step| view! { <li>{step}</li> }).collect_view()}
                        </ol>
                    </details>
                }).collect_view()}
                {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
                <p class="tips-ask"><strong>{tr(lang, |t| t.tips_ask)}</strong></p>
                <div class="tips-actions">
                    <button type="button" class="btn btn-primary" data-testid="tips-solved" disabled=sending
                        on:click=move |_| core.send(Msg::TipsSolved)>{tr(lang, |t| t.tips_solved)}</button>
                    <button type="button" class="btn" data-testid="tips-continue"
                        on:click=move |_| core.send(Msg::TipsContinue)>{tr(lang, |t| t.tips_continue)}</button>
                </div>
            </section>
        }
        .into_any()
    }
}

/// One order line: include it, and how many units.
#[component]
fn LinePicker(core: Core<Model>, line: LineChoice) -> impl IntoView {
    let lang = use_lang();
    let sku = StoredValue::new(line.sku.clone());
    let remaining = line.remaining;
    let qty = move || core.with(|m| sku.with_value(|s| m.draft.quantity(s)));
    let set = move |q: u32| core.send(Msg::Quantity(sku.get_value(), q));
    let id = format!("pick-{}", line.sku);
    let qty_id = format!("qty-{}", line.sku);
    let none_left = remaining == 0;
    let title = line.title.clone();
    let testid = format!("line-{}", line.sku);
    view! {
        <div class=if none_left { "pick pick-disabled" } else { "pick" } data-testid=testid>
            <label class="check pick-main" for=id.clone()>
                <input type="checkbox" id=id.clone() data-testid=id.clone() disabled=none_left
                    prop:checked=move || { qty() > 0 }
                    on:change=move |ev| set(if event_target_checked(&ev) { 1 } else { 0 }) />
                <span>
                    <span class="pick-title">{title}</span>
                    <span class="small muted">{move || line.summary(lang.get())}</span>
                    {none_left.then(|| view! { <span class="small bad">{tr(lang, |t| t.nothing_left)}</span> })}
                </span>
            </label>
            <Show when=move || { remaining > 1 && qty() > 0 }>
                <div class="stepper" role="group" aria-label=tr(lang, |t| t.quantity)>
                    <button type="button" class="btn btn-icon" aria-label=tr(lang, |t| t.decrease)
                        disabled=move || { qty() <= 1 } on:click=move |_| set(qty().saturating_sub(1).max(1))>"−"</button>
                    <label class="sr-only" for=qty_id.clone()>{tr(lang, |t| t.quantity)}</label>
                    <input id=qty_id.clone() data-testid=qty_id.clone() type="number" inputmode="numeric" min="1" max=remaining
                        prop:value=move || qty().to_string()
                        on:change=move |ev| set(event_target_value(&ev).parse().unwrap_or(1).max(1)) />
                    <button type="button" class="btn btn-icon" aria-label=tr(lang, |t| t.increase)
                        disabled=move || { qty() >= remaining } on:click=move |_| set(qty() + 1)>"+"</button>
                </div>
            </Show>
        </div>
    }
}

/// What to expect: allowed or why not, who pays return shipping, the refund with its breakdown,
/// and what happens next by when. All from `shared::policy::preview`.
#[component]
fn PreviewPanel(
    request: Memo<Result<CaseRequest, Missing>>,
    preview: Memo<Option<Preview>>,
    currency: String,
    zone: i64,
) -> impl IntoView {
    let lang = use_lang();
    let currency = StoredValue::new(currency);
    // The verdict: the only part announced when it changes (its live region stays in the page).
    let status = move || {
        let l = lang.get();
        let t = i18n::t(l);
        request.with(|r| preview.with(|p| match verdict(t, r, p.as_ref()) {
            Verdict::Missing(hint) => {
                view! { <p class="muted" data-testid="preview-missing">{hint}</p> }.into_any()
            }
            Verdict::Allowed => view! {
                <p class="verdict verdict-ok" data-testid="preview-status" data-allowed="true">
                    <span aria-hidden="true">"✓ "</span>{t.allowed}
                </p>
            }
            .into_any(),
            Verdict::Refused(err) => view! {
                <div class="verdict verdict-no" data-testid="preview-status" data-allowed="false">
                    <p><span aria-hidden="true">"✕ "</span>{t.refused}</p>
                    <p class="verdict-why" data-testid="preview-refusal" data-code=err.code()>{err.filing_message(l)}</p>
                </div>
            }
            .into_any(),
        }))
    };
    // The details of a request that can be sent (or only waits for the tick).
    let details = move |kind: Option<shared::domain::CaseKind>, p: Option<&Preview>| {
        let (Some(kind), Some(p)) = (kind, p) else {
            return ().into_any();
        };
        let l = lang.get();
        let t = i18n::t(l);
        let facts = preview_facts(p);
        let refused = p.refusal.as_ref().is_some_and(|e| !waits_for_tick(e));
        let details = (!refused).then(|| {
            let payer = match p.shipping_payer {
                None => t.no_return_needed,
                Some(Payer::Buyer) => t.paid_by_you,
                Some(Payer::Shop) => t.paid_by_shop,
                Some(Payer::Insurer) => t.insurance_covers,
            };
            let refund = match (&p.refund, kind.refunds()) {
                (Some(b), _) => view! {
                    <h3 class="h4">{t.refund_estimate}</h3>
                    <Breakdown breakdown=b.clone() currency=currency.get_value()/>
                }
                .into_any(),
                (None, false) => {
                    view! { <p class="muted small">{t.no_refund_kind}</p> }.into_any()
                }
                (None, true) => ().into_any(),
            };
            let next = p.next_step.map(|n| {
                let due = format!("{} {}", format::date_time(n.due, zone, l), format::zone(zone));
                view! {
                    <div class="next" data-testid="preview-next">
                        <h3 class="h4">{t.next_steps}</h3>
                        <p>
                            {i18n::next_step_text(n.who, l)}
                            <strong>{format::duration(n.due.0 - now_ms(), l)}</strong>
                            <span class="muted small">{i18n::fill(t.due_paren, &due)}</span>
                        </p>
                        <p class="muted small">{i18n::expiry_future(n.on_expiry, l)}</p>
                    </div>
                }
            });
            view! {
                <dl class="facts facts-one">
                    <div><dt>{t.return_shipping}</dt><dd data-testid="preview-payer" data-payer=payer_code(p.shipping_payer)>{payer}</dd></div>
                </dl>
                {match p.postage {
                    PostageTerms::Reimbursed { cap } => Some(i18n::fill(t.postage_back, &format::money(cap, &currency.get_value()))),
                    PostageTerms::Insured if p.shipping_payer == Some(Payer::Shop) => Some(t.postage_insured.to_string()),
                    PostageTerms::Insured | PostageTerms::NotOwed | PostageTerms::PrepaidLabel => None,
                }.map(|line| view! { <p class="muted small" data-testid="preview-postage">{line}</p> })}
                {refund}
                {p.fast_refund.then(|| view! { <p class="alert alert-info small">{t.fast_refund}</p> })}
                {next}
                <p class="muted small">{t.server_check}</p>
            }
        });
        view! {
            {details}
            <output hidden data-testid="preview-facts">{facts}</output>
        }
        .into_any()
    };
    // The preview is read in place (`with`): a copy would compile in a clone of every refusal.
    let body = move || {
        let kind = request.with(|r| r.as_ref().ok().map(|r| r.kind));
        preview.with(|p| details(kind, p.as_ref()))
    };
    view! {
        <section class="card preview" aria-labelledby="preview-title" data-testid="preview">
            <h2 id="preview-title" class="h3">{tr(lang, |t| t.preview_title)}</h2>
            <div aria-live="polite">{status}</div>
            {body}
        </section>
    }
}
