//! The case screen: everything about one case on one scroll, the thread at the end, and the
//! bottom bar of the actions this role may take now. A sheet confirms each action.

use std::time::Duration;

use crate::format;
use leptos::prelude::*;
use shared::Lang;
use shared::api::CaseView;
use shared::domain::{ActionKind, Actor, EventKind, Party, RejectReason, Resolution};
use shared::i18n::{Audience, labels};
use shared::policy::PostageTerms;

use super::queue::countdown_text;
use super::{Ctx, ErrorBox, lang_name, spawn};
use crate::admin::model::case::{
    CaseScreen, Effect, Field, Msg, OfferKind, Placeholders, PostageShown, Sheet, fill,
};
use crate::admin::model::shell;
use crate::admin::route::Screen;
use crate::core::Core;

const DRAFT_PREFIX: &str = "aftersales.admin.draft.";

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn perform(ctx: Ctx, effect: Effect, core: Core<CaseScreen>) {
    let api = ctx.api();
    match effect {
        Effect::Load(id) => spawn(async move { core.send(Msg::Loaded(api.case(&id).await)) }),
        Effect::Command {
            id,
            action,
            command,
            version,
        } => spawn(async move {
            core.send(Msg::Sent(action, api.command(&id, &command, version).await));
        }),
        Effect::LoadCanned => spawn(async move { core.send(Msg::Canned(api.canned().await)) }),
        Effect::Presence(id) => {
            spawn(async move { core.send(Msg::Presence(api.presence(&id).await)) })
        }
        Effect::SaveDraft { id, text } => {
            if let Some(s) = session_storage() {
                let key = format!("{DRAFT_PREFIX}{id}");
                let _ = if text.is_empty() {
                    s.remove_item(&key)
                } else {
                    s.set_item(&key, &text)
                };
            }
        }
        Effect::SignedOut => ctx.shell.send(shell::Msg::SessionExpired),
        Effect::Record(work) => super::outbox::record(work),
    }
}

/// One case.
#[component]
pub fn CaseScreenView(id: String) -> impl IntoView {
    let ctx = Ctx::get();
    let model = CaseScreen::new(id.clone());
    let start = model.start();
    let core = Core::new(model, move |e, core| perform(ctx, e, core));
    for effect in start {
        perform(ctx, effect, core);
    }
    if let Some(draft) =
        session_storage().and_then(|s| s.get_item(&format!("{DRAFT_PREFIX}{id}")).ok().flatten())
    {
        core.send(Msg::DraftRestored(draft));
    }
    // "Who else has it open" is renewed every 20 s (the server forgets a viewer after 60 s).
    let presence = set_interval_with_handle(
        move || core.send(Msg::PresenceTick),
        Duration::from_secs(20),
    )
    .ok();
    on_cleanup(move || {
        if let Some(h) = presence {
            h.clear();
        }
    });
    // The body redraws when a case is read, not at every keystroke in the message box.
    let views_read = Memo::new(move |_| core.with(|m| m.views_read));
    view! {
        <div class="case" data-testid="case">
            <div class="topbar">
                <button type="button" class="btn btn-small" data-testid="back"
                    on:click=move |_| ctx.shell.send(shell::Msg::Go(Screen::Queue))>"‹ " {move || ctx.t().back}</button>
                <h1 class="case-id">{id.clone()}</h1>
            </div>
            {move || {
                let viewers = core.with(|m| m.viewers.clone());
                (!viewers.is_empty()).then(|| view! {
                    <p class="alert info" data-testid="also-open">{ctx.t().also_open}
                        {viewers.iter().map(|v| v.name.clone()).collect::<Vec<_>>().join("、")}</p>
                })
            }}
            {move || core.with(|m| m.stale.clone()).map(|text| view! {
                <div class="alert warn" role="alert" data-testid="stale">
                    <strong>{ctx.t().stale_title}</strong><p>{text}</p>
                </div>
            })}
            {move || core.with(|m| m.error.clone()).map(|e| view! {
                <ErrorBox message=e.message on_retry=Callback::new(move |()| core.send(Msg::Reload))/>
            })}
            {move || core.with(|m| m.queued).then(|| view! {
                <p class="alert info" role="status" data-testid="queued">{ctx.t().queued_offline}</p>
            })}
            {move || ctx.shell.with(shell::Shell::offline).then(|| view! {
                <p class="alert warn small" data-testid="needs-network">{ctx.t().needs_network}</p>
            })}
            {move || core.with(|m| m.done).map(|a| view! {
                <p class="alert ok" role="status" data-testid="done">{ctx.t().done} " · " {labels::action(a, ctx.lang())}</p>
            })}
            {move || {
                // Read, not only tracked: a memo computes (and follows the model) when read.
                let _ = views_read.get();
                match core.with_untracked(|m| m.view.clone()) {
                    None => view! { <p class="center muted">{ctx.t().loading}</p> }.into_any(),
                    Some(v) => view! { <CaseBody v=v core=core/> }.into_any(),
                }
            }}
            <ActionBar core=core/>
            <ActionSheet core=core/>
            <Lightbox core=core/>
        </div>
    }
}

fn party_label(p: Party, lang: Lang) -> &'static str {
    let t = crate::admin::text::t(lang);
    match p {
        Party::Buyer => t.waiting_for_buyer,
        Party::Shop { .. } => t.waiting_for_shop,
    }
}

fn actor_label(a: &Actor, lang: Lang) -> String {
    match a {
        Actor::Buyer => crate::admin::text::t(lang).buyer.to_string(),
        Actor::Staff { role, .. } => labels::role(*role, lang).to_string(),
        Actor::System => if lang == Lang::ZhCn {
            "系统"
        } else {
            "System"
        }
        .to_string(),
    }
}

/// An event's detail line for staff: the note, the tracking number, the message.
fn event_detail(kind: &EventKind) -> Option<String> {
    let some = |s: &str| (!s.trim().is_empty()).then(|| s.to_string());
    match kind {
        EventKind::InfoRequested { question } => some(question),
        EventKind::InfoAnswered { note, .. }
        | EventKind::Approved { note, .. }
        | EventKind::Rejected { note, .. }
        | EventKind::Escalated { note, .. }
        | EventKind::EscalationResolved { note, .. } => some(note),
        EventKind::ReturnShipped {
            carrier, tracking, ..
        }
        | EventKind::ItemShipped {
            carrier, tracking, ..
        } => Some(format!("{carrier} {tracking}")),
        EventKind::PostageAdjusted { amount, reason } => Some(format!(
            "{} · {reason}",
            shared::i18n::format_amount(*amount)
        )),
        EventKind::Received { inspection } => some(&inspection.note),
        EventKind::Rated { stars, comment } => Some(format!("{}★ {comment}", stars)),
        EventKind::Refunded { breakdown } | EventKind::FastRefunded { breakdown } => {
            Some(shared::i18n::format_amount(breakdown.total))
        }
        _ => None,
    }
}

/// The return postage in one line under the refund: claimed (or set by staff, with why) and
/// paid back up to the cap, or that the insurer pays it (DOMAIN.md "Return postage the shop
/// owes"). The receipt is among the case's photos.
fn postage_line(
    v: &CaseView,
    shown: Option<PostageShown>,
    currency: &str,
    t: &crate::admin::text::Texts,
) -> Option<String> {
    match v.return_postage {
        PostageTerms::Reimbursed { cap } => shown.map(|p| {
            format!(
                "{}: {} · {} {}{}",
                t.postage_claimed,
                format::money(p.claimed, currency),
                t.postage_cap,
                format::money(cap, currency),
                p.adjusted.map(|r| format!(" · {r}")).unwrap_or_default()
            )
        }),
        PostageTerms::Insured => Some(t.postage_insured.to_string()),
        PostageTerms::NotOwed | PostageTerms::PrepaidLabel => None,
    }
}

#[component]
fn CaseBody(v: std::sync::Arc<CaseView>, core: Core<CaseScreen>) -> impl IntoView {
    let ctx = Ctx::get();
    let lang = ctx.lang();
    let t = ctx.t();
    let currency = v.case.order.currency.clone();
    let offset = v.utc_offset_minutes;
    let now = v.server_time;
    let case = &v.case;
    let photos = core.with_untracked(CaseScreen::photos);
    let deadline = v.deadline.map(|d| {
        let left = d.due.0 - now.0;
        let text = if d.paused {
            t.paused.to_string()
        } else {
            countdown_text(left, Some(d.on_expiry), lang, t)
        };
        view! {
            <section class="card deadline" class:late=left < 0 && !d.paused data-testid="deadline">
                <p class="muted small">{t.deadline} " · " {party_label(d.waiting_for, lang)}</p>
                <p class="big" data-testid="deadline-text">{text}</p>
                <p class="muted small">{format::date_time(d.due, offset, lang)}</p>
            </section>
        }
    });
    let history = v.buyer_history.clone();
    let refunded_before: shared::domain::Money = history.iter().filter_map(|s| s.refunded).sum();
    let messages: Vec<_> = case
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::MessagePosted { text } => Some((e.actor.clone(), e.at, text.clone())),
            _ => None,
        })
        .collect();
    view! {
        <section class="card" data-testid="case-head">
            <p class="row-top">
                <span class="tag state" data-testid="case-state">{labels::state(v.state, Audience::Staff, lang)}</span>
                <span class="kind">{t.asks_for} " " {labels::kind(case.request.kind, lang)}</span>
                {v.refund.as_ref().map(|r| view! { <span class="amount" data-testid="case-amount">{format::money(r.total, &currency)}</span> })}
            </p>
            <p><span class="muted">{t.buyer} ": "</span>{case.order.buyer.name.clone()}
               " · " <span class="muted">{t.order} ": "</span>{case.order.number.clone()}</p>
            {case.request.lang.map(|l| view! {
                <p data-testid="buyer-lang"><span class="muted">{t.buyer_lang} ": "</span>{lang_name(l)}</p>
            })}
            <p><span class="muted">{t.because} ": "</span>{labels::reason(case.request.reason, lang)}
               {(!case.request.note.is_empty()).then(|| view! { <q class="note">{case.request.note.clone()}</q> })}</p>
            <p><a class="link small" data-testid="evidence" download
                href=shared::api::routes::staff_case_evidence(&case.id)>{t.evidence}</a></p>
            {case.request.review.as_ref().map(|r| view! {
                <p data-testid="review"><span aria-label=format!("{}/5", r.rating)>{"★".repeat(usize::from(r.rating.min(5)))}{"☆".repeat(usize::from(5 - r.rating.min(5)))}</span>
                   {(!r.platform.is_empty()).then(|| view! { " · " <span class="muted">{r.platform.clone()}</span> })}</p>
            })}
            {v.priority.as_ref().map(|p| view! {
                <p class="row-chips">{p.reasons.iter().map(|r| {
                    let code = shared::i18n::Localized::code(r);
                    view! { <span class="tag" data-chip=code>{labels::chip(code, lang)}</span> }
                }).collect_view()}</p>
            })}
        </section>
        {deadline}
        <section class="card">
            <h2>{t.items}</h2>
            <ul class="lines">
                {case.request.lines.iter().map(|l| {
                    let line = case.order.line(&l.sku);
                    view! { <li>{line.map(|o| o.title.clone()).unwrap_or_else(|| l.sku.clone())} " × " {l.quantity}
                        <span class="muted">{line.map(|o| format::money(o.unit_price, &currency))}</span></li> }
                }).collect_view()}
            </ul>
        </section>
        {(!photos.is_empty()).then(|| view! {
            <section class="card">
                <h2>{t.photos}</h2>
                <div class="thumbs">
                    {photos.iter().enumerate().map(|(i, p)| view! {
                        <button type="button" class="thumb" data-testid="photo" on:click=move |_| core.send(Msg::Enlarge(Some(i)))>
                            <img src=shared::api::routes::photo(p) alt="" loading="lazy"/>
                        </button>
                    }).collect_view()}
                </div>
            </section>
        })}
        {v.refund.as_ref().map(|r| view! {
            <section class="card" data-testid="refund">
                <h2>{t.refund}</h2>
                <p class="big">{format::money(r.total, &currency)}</p>
                {postage_line(&v, core.with_untracked(CaseScreen::postage), &currency, t)
                    .map(|line| view! { <p class="muted" data-testid="postage">{line}</p> })}
            </section>
        })}
        <section class="card" data-testid="history">
            <h2>{t.history}</h2>
            {if history.is_empty() {
                view! { <p class="muted">{t.no_history}</p> }.into_any()
            } else {
                view! {
                    <p>{t.earlier_cases} ": " <strong>{history.len()}</strong> " · " {t.refunded_before} ": " <strong>{format::money(refunded_before, &currency)}</strong></p>
                    <ul class="lines">{history.iter().map(|s| view! {
                        <li><a href=Screen::Case(s.id.clone()).path()>{s.id.clone()}</a> " " {labels::kind(s.kind, lang)} " · " {labels::state(s.state, Audience::Staff, lang)}
                            {s.priority_reasons.iter().map(|c| view! { <span class="tag">{labels::chip(c, lang).to_string()}</span> }).collect_view()}</li>
                    }).collect_view()}</ul>
                }.into_any()
            }}
        </section>
        <section class="card" data-testid="timeline">
            <h2>{t.timeline}</h2>
            <ol class="timeline">
                {case.events.iter().rev().filter(|e| !matches!(e.kind, EventKind::MessagePosted { .. })).map(|e| view! {
                    <li><span class="muted small">{format::date_time(e.at, offset, lang)} " · " {actor_label(&e.actor, lang)}</span>
                        <span>{labels::event(&e.kind, lang)}</span>
                        {event_detail(&e.kind).map(|d| view! { <span class="muted">{d}</span> })}</li>
                }).collect_view()}
            </ol>
        </section>
        <section class="card" data-testid="thread">
            <h2>{t.thread}</h2>
            {if messages.is_empty() { Some(view! { <p class="muted">{t.no_messages}</p> }) } else { None }}
            <ul class="thread">
                {messages.into_iter().map(|(actor, at, text)| view! {
                    <li class:mine=!matches!(actor, Actor::Buyer) data-testid="message">
                        <span class="muted small">{actor_label(&actor, lang)} " · " {format::hm(at, offset)}</span>
                        <p>{text}</p>
                    </li>
                }).collect_view()}
            </ul>
            <Composer v=v.clone() core=core/>
        </section>
    }
}

#[component]
fn Composer(v: std::sync::Arc<CaseView>, core: Core<CaseScreen>) -> impl IntoView {
    let ctx = Ctx::get();
    // Replies go out in the buyer's language (recorded when they filed); else the staff's own.
    let buyer_lang = v
        .case
        .request
        .lang
        .unwrap_or_else(|| ctx.shell.with_untracked(|s| s.lang));
    let values = Placeholders {
        buyer: v.case.order.buyer.name.clone(),
        order: v.case.order.number.clone(),
        deadline: v
            .deadline
            .as_ref()
            .map(|d| format::date_time(d.due, v.utc_offset_minutes, buyer_lang))
            .unwrap_or_default(),
        amount: v
            .refund
            .as_ref()
            .map(|r| format::money(r.total, &v.case.order.currency))
            .unwrap_or_default(),
    };
    let can_message = Memo::new(move |_| core.with(CaseScreen::can_message));
    let picking = Memo::new(move |_| core.with(|m| m.picking_reply));
    let canned = Memo::new(move |_| core.with(|m| m.canned.clone()));
    move || {
        can_message.get().then(|| {
            let values = values.clone();
            view! {
                <div class="composer">
                    {move || picking.get().then(|| {
                        let values = values.clone();
                        view! {
                            <ul class="replies" data-testid="replies">
                                {canned.get().into_iter().map(|r| {
                                    let text = fill(&r, buyer_lang, &values);
                                    view! { <li><button type="button" class="reply" data-testid="reply"
                                        on:click=move |_| core.send(Msg::UseReply(text.clone()))>{r.title.clone()}</button></li> }
                                }).collect_view()}
                            </ul>
                        }
                    })}
                    <textarea rows="3" data-testid="message-input" placeholder=move || ctx.t().message_placeholder
                        prop:value=move || core.with(|m| m.draft.clone())
                        on:input=move |ev| core.send(Msg::Draft(event_target_value(&ev)))></textarea>
                    <div class="sheet-actions">
                        <button type="button" class="btn" data-testid="canned" on:click=move |_| core.send(Msg::ToggleReplies)>{move || ctx.t().canned}</button>
                        <button type="button" class="btn btn-primary" data-testid="send"
                            disabled=move || core.with(|m| m.busy || m.draft.trim().is_empty())
                            on:click=move |_| core.send(Msg::SendMessage)>{move || ctx.t().send}</button>
                    </div>
                </div>
            }
        })
    }
}

#[component]
fn ActionBar(core: Core<CaseScreen>) -> impl IntoView {
    let ctx = Ctx::get();
    let bar = Memo::new(move |_| core.with(CaseScreen::bar));
    let amount = Memo::new(move |_| {
        core.with(|m| {
            m.refund_amount()
                .zip(m.view.as_ref().map(|v| v.case.order.currency.clone()))
        })
    });
    move || {
        let bar = bar.get();
        (!bar.is_empty()).then(|| {
            let lang = ctx.lang();
            let amount = amount.get();
            view! {
                <div class="actionbar" data-testid="action-bar">
                    {bar.into_iter().map(|a| {
                        let primary = matches!(a, ActionKind::Answer | ActionKind::Approve | ActionKind::ApproveProposal | ActionKind::Receive | ActionKind::Ship | ActionKind::ReturnArrived | ActionKind::ResolveEscalation);
                        let label = match (a, &amount) {
                            (ActionKind::Approve, Some((m, c))) => format!("{} {}", labels::action(a, lang), format::money(*m, c)),
                            _ => labels::action(a, lang).to_string(),
                        };
                        view! {
                            <button type="button" class="btn" class:btn-primary=primary data-testid=format!("action-{}", a.code())
                                disabled=move || !crate::admin::model::outbox::works_offline(a) && ctx.shell.with(shell::Shell::offline)
                                on:click=move |_| core.send(Msg::Open(a))>{label}</button>
                        }
                    }).collect_view()}
                </div>
            }
        })
    }
}

const REJECT_REASONS: [RejectReason; 9] = [
    RejectReason::OutsideWindow,
    RejectReason::ExcludedItem,
    RejectReason::NotIntact,
    RejectReason::NoFaultFound,
    RejectReason::InsufficientProof,
    RejectReason::DeliveryConfirmed,
    RejectReason::Fraud,
    RejectReason::Duplicate,
    RejectReason::Other,
];

/// A text field of the sheet: its value follows the model without redrawing the sheet.
fn text_input(
    core: Core<CaseScreen>,
    field: Field,
    label: &'static str,
    testid: &'static str,
    multiline: bool,
) -> AnyView {
    let on_input = move |ev: web_sys::Event| core.send(Msg::Input(field, event_target_value(&ev)));
    let value = move || core.with(|m| m.sheet.as_ref().map(|s| s.text(field)).unwrap_or_default());
    if multiline {
        view! { <label class="field"><span>{label}</span><textarea rows="3" data-testid=testid prop:value=value on:input=on_input></textarea></label> }.into_any()
    } else {
        view! { <label class="field"><span>{label}</span><input type="text" data-testid=testid prop:value=value on:input=on_input/></label> }.into_any()
    }
}

#[component]
fn ActionSheet(core: Core<CaseScreen>) -> impl IntoView {
    let ctx = Ctx::get();
    let shape = Memo::new(move |_| core.with(|m| m.sheet.as_ref().map(Sheet::shape)));
    move || {
        let sheet = shape.get()?;
        let lang = ctx.lang();
        let t = ctx.t();
        let currency = core
            .with(|m| m.view.as_ref().map(|v| v.case.order.currency.clone()))
            .unwrap_or_default();
        let (title, body): (String, AnyView) = match sheet {
            Sheet::Approve => {
                let amount = core.with(CaseScreen::refund_amount);
                let kind = core.with(|m| m.view.as_ref().map(|v| v.case.request.kind));
                (
                    labels::action(ActionKind::Approve, lang).to_string(),
                    view! {
                        <p>{t.approve_solution} ": " {kind.map(|k| labels::kind(k, lang))}</p>
                        {amount.map(|a| view! { <p class="big" data-testid="confirm-amount">{t.approve_refund_of} " " {format::money(a, &currency)}</p> })}
                    }.into_any(),
                )
            }
            Sheet::Reject { reason, .. } => (
                labels::action(ActionKind::Reject, lang).to_string(),
                view! {
                    <label class="field"><span>{t.reject_reason}</span>
                        <select data-testid="reject-reason" on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some(r) = REJECT_REASONS.into_iter().find(|r| shared::i18n::Localized::code(r) == v) { core.send(Msg::PickReason(r)); }
                        }>
                            <option value="" selected=reason.is_none()>"—"</option>
                            {REJECT_REASONS.into_iter().map(|r| view! {
                                <option value=shared::i18n::Localized::code(&r) selected=reason == Some(r)>{labels::reject_reason(r, lang)}</option>
                            }).collect_view()}
                        </select></label>
                    {text_input(core, Field::Text, t.note_to_buyer, "reject-note", true)}
                }.into_any(),
            ),
            Sheet::TakeToPlatform { forum, .. } => (
                labels::action(ActionKind::TakeToPlatform, lang).to_string(),
                view! {
                    <div class="segmented" role="group">
                        {shared::domain::DisputeForum::ALL.into_iter().map(|f| view! {
                            <button type="button" class:active=forum == f
                                data-testid=format!("forum-{}", f.code())
                                on:click=move |_| core.send(Msg::PickForum(f))>{labels::forum(f, lang)}</button>
                        }).collect_view()}
                    </div>
                    {text_input(core, Field::Second, t.dispute_ref, "dispute-ref", false)}
                    {text_input(core, Field::Text, t.dispute_note, "dispute-note", true)}
                }.into_any(),
            ),
            Sheet::ReviewOutcome { outcome } => (
                labels::action(ActionKind::RecordReviewOutcome, lang).to_string(),
                view! {
                    <div class="segmented" role="group">
                        {shared::domain::ReviewOutcome::ALL.into_iter().map(|o| view! {
                            <button type="button" class:active=outcome == Some(o)
                                data-testid=format!("review-{}", o.code())
                                on:click=move |_| core.send(Msg::PickReviewOutcome(o))>{labels::review_outcome(o, lang)}</button>
                        }).collect_view()}
                    </div>
                }.into_any(),
            ),
            Sheet::Answer { .. } => (
                labels::action(ActionKind::Answer, lang).to_string(),
                text_input(core, Field::Text, t.note_to_buyer, "answer-text", true),
            ),
            Sheet::RequestInfo { .. } => (
                labels::action(ActionKind::RequestInfo, lang).to_string(),
                text_input(core, Field::Text, t.question, "info-question", true),
            ),
            Sheet::Receive { passed, .. } => (
                labels::action(ActionKind::Receive, lang).to_string(),
                view! {
                    <div class="segmented" role="group">
                        <button type="button" class:active=passed == Some(true) data-testid="inspect-pass" on:click=move |_| core.send(Msg::Passed(true))>{t.intact}</button>
                        <button type="button" class:active=passed == Some(false) data-testid="inspect-fail" on:click=move |_| core.send(Msg::Passed(false))>{t.not_intact}</button>
                    </div>
                    {text_input(core, Field::Text, t.inspection_note, "inspect-note", true)}
                    {(passed == Some(false)).then(|| text_input(core, Field::Second, t.deduction, "inspect-deduction", false))}
                }.into_any(),
            ),
            Sheet::Ship { .. } => (
                labels::action(ActionKind::Ship, lang).to_string(),
                view! {
                    {text_input(core, Field::Second, t.carrier, "ship-carrier", false)}
                    {text_input(core, Field::Text, t.tracking, "ship-tracking", false)}
                }.into_any(),
            ),
            Sheet::ReturnArrived => (
                labels::action(ActionKind::ReturnArrived, lang).to_string(),
                view! { <p>{t.arrived_confirm}</p> }.into_any(),
            ),
            Sheet::Escalate { .. } => (
                labels::action(ActionKind::Escalate, lang).to_string(),
                text_input(core, Field::Text, t.escalate_note, "escalate-note", true),
            ),
            Sheet::Offer { kind, .. } => (
                labels::action(ActionKind::Offer, lang).to_string(),
                view! {
                    <div class="segmented" role="group">
                        {[(OfferKind::PartialRefund, t.offer_partial), (OfferKind::Exchange, t.offer_exchange), (OfferKind::Repair, t.offer_repair)].into_iter().map(|(k, label)| view! {
                            <button type="button" class:active=kind == k data-testid=format!("offer-{k:?}").to_lowercase()
                                on:click=move |_| core.send(Msg::PickOffer(k))>{label}</button>
                        }).collect_view()}
                    </div>
                    {(kind == OfferKind::PartialRefund).then(|| text_input(core, Field::Second, t.offer_amount, "offer-amount", false))}
                    {text_input(core, Field::Text, t.note_to_buyer, "offer-note", true)}
                    <p class="muted small">{t.offer_hint}</p>
                }.into_any(),
            ),
            Sheet::ApproveProposal => {
                let amount = core.with(CaseScreen::proposed_amount);
                (
                    labels::action(ActionKind::ApproveProposal, lang).to_string(),
                    view! { {amount.map(|a| view! { <p class="big" data-testid="confirm-amount">{format::money(a, &currency)}</p> })} }.into_any(),
                )
            }
            Sheet::Goodwill { .. } => (
                labels::action(ActionKind::Goodwill, lang).to_string(),
                view! {
                    {text_input(core, Field::Second, t.goodwill_amount, "goodwill-amount", false)}
                    {text_input(core, Field::Text, t.note_to_buyer, "goodwill-note", true)}
                    <p class="muted small">{t.goodwill_hint}</p>
                }.into_any(),
            ),
            Sheet::AdjustPostage { .. } => (
                labels::action(ActionKind::AdjustPostage, lang).to_string(),
                view! {
                    {text_input(core, Field::Second, t.postage_amount, "postage-amount", false)}
                    {text_input(core, Field::Text, t.postage_reason, "postage-reason", true)}
                }.into_any(),
            ),
            Sheet::DeclineProposal { .. } => (
                labels::action(ActionKind::DeclineProposal, lang).to_string(),
                text_input(core, Field::Text, t.note_to_agent, "proposal-note", true),
            ),
            Sheet::Resolve => {
                let solution = core.with(|m| m.view.as_ref().map(|v| v.case.request.kind));
                (
                    labels::action(ActionKind::ResolveEscalation, lang).to_string(),
                    view! {
                        <div class="stack">
                            {solution.and_then(shared::domain::Solution::as_requested).map(|solution| {
                                view! { <button type="button" class="btn btn-primary btn-block" data-testid="resolve-approve"
                                    on:click=move |_| core.send(Msg::ResolveWith(Resolution::Approve { solution: solution.clone() }))>{t.resolve_approve}</button> }
                            })}
                            <button type="button" class="btn btn-block" data-testid="resolve-reject"
                                on:click=move |_| core.send(Msg::ResolveWith(Resolution::Reject { reason_code: RejectReason::Other }))>{t.resolve_reject}</button>
                            <button type="button" class="btn btn-block" data-testid="resolve-resume"
                                on:click=move |_| core.send(Msg::ResolveWith(Resolution::Resume))>{t.resolve_resume}</button>
                        </div>
                    }.into_any(),
                )
            }
        };
        let has_confirm = !matches!(shape.get_untracked(), Some(Sheet::Resolve));
        Some(view! {
            <div class="scrim" on:click=move |_| core.send(Msg::CloseSheet)></div>
            <section class="sheet" role="dialog" aria-modal="true" data-testid="action-sheet">
                <h2>{title}</h2>
                {body}
                <div class="sheet-actions">
                    <button type="button" class="btn" data-testid="sheet-cancel" on:click=move |_| core.send(Msg::CloseSheet)>{t.cancel}</button>
                    {has_confirm.then(|| view! {
                        <button type="button" class="btn btn-primary" data-testid="sheet-confirm"
                            disabled=move || !core.with(CaseScreen::can_confirm)
                            on:click=move |_| core.send(Msg::Confirm)>{t.confirm}</button>
                    })}
                </div>
            </section>
        })
    }
}

#[component]
fn Lightbox(core: Core<CaseScreen>) -> impl IntoView {
    let touch_x = StoredValue::new(None::<i32>);
    move || {
        let i = core.with(|m| m.enlarged)?;
        let photos = core.with(CaseScreen::photos);
        let src = shared::api::routes::photo(photos.get(i)?);
        Some(view! {
            <div class="lightbox" role="dialog" aria-modal="true" data-testid="lightbox"
                on:touchstart=move |ev: web_sys::TouchEvent| touch_x.set_value(ev.touches().get(0).map(|t| t.client_x()))
                on:touchend=move |ev: web_sys::TouchEvent| {
                    let end = ev.changed_touches().get(0).map(|t| t.client_x());
                    if let (Some(a), Some(b)) = (touch_x.get_value(), end)
                        && (b - a).abs() > 40
                    {
                        core.send(Msg::Swipe(if b < a { 1 } else { -1 }));
                    }
                }>
                <img src=src alt=""/>
                <button type="button" class="lb-prev" aria-label="‹" on:click=move |_| core.send(Msg::Swipe(-1))>"‹"</button>
                <button type="button" class="lb-next" aria-label="›" on:click=move |_| core.send(Msg::Swipe(1))>"›"</button>
                <button type="button" class="lb-close" data-testid="lightbox-close" aria-label="×" on:click=move |_| core.send(Msg::Enlarge(None))>"×"</button>
            </div>
        })
    }
}
