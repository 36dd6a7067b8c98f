//! `/case/:id?order=NUMBER`: one request, as a page the buyer can bookmark. Whose move it is with
//! a live countdown, what the buyer can do now (exactly the actions the API lists), the refund,
//! the return address, messages and the timeline. It refreshes itself while the case is open.

use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use shared::Localized;
use shared::api::BuyerCaseView;
use shared::domain::{ActionKind, Actor, CaseState, Command, EventKind, ExpiryOutcome, Party};
use shared::policy::Deadline;

use crate::api::{Api, ApiError};
use crate::app::use_lang;
use crate::components::{
    Breakdown, ErrorBox, Loading, PhotoItem, PhotoPicker, StatusChip, Steps, any_in_flight,
    field_value, flag, focus_soon, on_field_input, uploaded_ids,
};
use crate::i18n::Texts;
use crate::i18n::tr;
use crate::pages::encode;
use crate::pages::order::relookup_path;
use crate::router::use_location;
use crate::{format, i18n, session, task};

/// How often an open case is reloaded.
const REFRESH: Duration = Duration::from_secs(15);

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// The case as last loaded, with the offset of the server's clock from ours. Held in an `Rc` and
/// read in place, never copied: a clone of the whole case would be compiled in.
#[derive(Debug)]
struct Loaded {
    view: BuyerCaseView,
    skew: i64,
}

/// A text of the page, picked when shown (so it follows a change of language).
type Text = fn(&Texts) -> &'static str;

/// The whose-move banner's sentence: who must act within how long. Confirming a delivery is
/// passive (it confirms itself at the deadline): that says when, not how little time is left.
#[must_use]
pub fn countdown_text(deadline: &Deadline, now_ms: i64, lang: shared::Lang, zone: i64) -> String {
    let t = i18n::t(lang);
    if deadline.paused {
        return t.paused.to_string();
    }
    let left = deadline.due.0 - now_ms;
    if left <= 0 {
        return t.overdue.to_string();
    }
    if deadline.on_expiry == ExpiryOutcome::AutoConfirmReceipt {
        return i18n::fill(t.passive_title, &format::date(deadline.due, zone, lang));
    }
    let template = match deadline.waiting_for {
        Party::Buyer => t.you_must_act,
        Party::Shop { .. } => t.shop_must_answer,
    };
    i18n::fill(template, &format::duration(left, lang))
}

/// What the notice says once a command went through.
fn done_text(cmd: &Command) -> Text {
    match cmd {
        Command::EnterReturnTracking { .. } => |t| t.done_tracking,
        Command::AnswerInfo { .. } => |t| t.done_answer,
        Command::AddProof { .. } => |t| t.done_proof,
        Command::ConfirmReceipt => |t| t.done_receipt,
        Command::Reopen => |t| t.done_reopen,
        Command::Rate { .. } => |t| t.done_rate,
        Command::Escalate { .. } => |t| t.done_escalate,
        Command::Cancel => |t| t.done_cancel,
        Command::Message { .. } => |t| t.done_message,
        _ => |t| t.done,
    }
}

/// Writes `text` to the clipboard with `navigator.clipboard.writeText` (read through `Reflect`:
/// the web-sys binding needs another feature) and sets `copied` to what the browser answered.
/// Without a clipboard (plain http is not a secure context) or when it refuses, the address is
/// selected for a manual copy and `copied` says so.
fn copy(text: &str, copied: RwSignal<Option<bool>>) {
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
        copied.set(Some(false));
    };
    match written.and_then(|p| p.dyn_into::<js_sys::Promise>()) {
        Ok(promise) => task::spawn(Box::pin(async move {
            if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
                copied.set(Some(true));
            } else {
                failed();
            }
        })),
        Err(_) => failed(),
    }
}

/// What the buyer is typing or choosing on the case page. The page owns it, not the case view
/// it fills in, so a self-refresh that redraws the case (a new message from the shop) keeps a
/// half-written answer, its photos and an open confirmation; a successful command clears it.
#[derive(Clone, Copy)]
struct Drafts {
    carrier: RwSignal<String>,
    tracking: RwSignal<String>,
    answer: RwSignal<String>,
    escalate_note: RwSignal<String>,
    stars: RwSignal<u8>,
    comment: RwSignal<String>,
    confirming_cancel: RwSignal<bool>,
    answer_photos: RwSignal<Vec<PhotoItem>, LocalStorage>,
    proof_photos: RwSignal<Vec<PhotoItem>, LocalStorage>,
    message: RwSignal<String>,
}

impl Drafts {
    fn new() -> Self {
        Self {
            carrier: RwSignal::new(String::new()),
            tracking: RwSignal::new(String::new()),
            answer: RwSignal::new(String::new()),
            escalate_note: RwSignal::new(String::new()),
            stars: RwSignal::new(0),
            comment: RwSignal::new(String::new()),
            confirming_cancel: RwSignal::new(false),
            answer_photos: RwSignal::new_local(Vec::new()),
            proof_photos: RwSignal::new_local(Vec::new()),
            message: RwSignal::new(String::new()),
        }
    }

    fn clear(self) {
        for text in [
            self.carrier,
            self.tracking,
            self.answer,
            self.escalate_note,
            self.comment,
            self.message,
        ] {
            text.set(String::new());
        }
        self.stars.set(0);
        self.confirming_cancel.set(false);
        self.answer_photos.set(Vec::new());
        self.proof_photos.set(Vec::new());
    }
}

/// The case page.
#[component]
pub fn CasePage(
    /// The case id from the path.
    id: String,
) -> impl IntoView {
    let lang = use_lang();
    let location = use_location();
    let id = StoredValue::new(id);
    let id = move || id.get_value();
    let number = move || {
        location
            .query("order")
            .filter(|n| !n.is_empty())
            .or_else(|| session::case_order(&id()))
    };
    let drafts = Drafts::new();

    let current = RwSignal::new_local(None::<Rc<Loaded>>);
    let notice = RwSignal::new(None::<Text>);
    // When the case was last read (server clock), for "last updated" when a refresh fails.
    let updated = StoredValue::new(0i64);
    let case = task::Load::new(move || {
        let (id, number) = (id(), number());
        let token = number.as_deref().and_then(session::token);
        let lang = lang.get_untracked();
        async move {
            let Some(token) = token else {
                return Err(ApiError {
                    status: 401,
                    code: "unauthenticated".into(),
                    message: String::new(),
                });
            };
            let sent_at = now_ms();
            let view = Api::with_token(lang, token).case(&id).await?;
            Ok(Rc::new(Loaded {
                skew: view.server_time.0 - (sent_at + now_ms()) / 2,
                view,
            }))
        }
    });
    let load_error = RwSignal::new(None::<ApiError>);
    Effect::new(move |_| match case.get() {
        Some(Ok(loaded)) => {
            if let Some(n) = number() {
                session::save_case_order(&loaded.view.case.id, &n);
            }
            updated.set_value(now_ms() + loaded.skew);
            if load_error.with_untracked(Option::is_some) {
                load_error.set(None);
            }
            // Drawn again only when something happened: a redraw drops what the buyer is typing
            // and where their focus is.
            let changed = current.with_untracked(|c| {
                c.as_ref().is_none_or(|c| {
                    c.view.case.events.len() != loaded.view.case.events.len()
                        || c.view.actions != loaded.view.actions
                        || c.view.deadline != loaded.view.deadline
                })
            });
            if changed {
                current.set(Some(loaded));
            }
        }
        Some(Err(e)) if e.needs_lookup() => {
            let n = number().unwrap_or_default();
            if !n.is_empty() {
                session::forget_token(&n);
            }
            let here = format!("/case/{}?order={}", encode(&id()), encode(&n));
            location.navigate(&relookup_path(&n, &here), true);
        }
        Some(Err(e)) => load_error.set(Some(e)),
        None => {}
    });

    // A live countdown, and a reload every REFRESH while the case is open and the tab visible.
    let now = RwSignal::new(now_ms());
    let ticks = RwSignal::new(0u32);
    if let Ok(handle) = set_interval_with_handle(
        move || {
            now.set(now_ms());
            ticks.update(|t| *t = t.wrapping_add(1));
        },
        Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }
    Effect::new(move |_| {
        let t = ticks.get();
        let open = current
            .with_untracked(|c| c.as_ref().is_some_and(|c| !c.view.case.state().is_closed()));
        let visible = !document().hidden();
        if t > 0 && u64::from(t) % REFRESH.as_secs() == 0 && open && visible {
            case.refetch();
        }
    });

    let token = move || {
        number()
            .as_deref()
            .and_then(session::token)
            .unwrap_or_default()
    };
    let command = task::Sender::new(move |cmd: &Command| {
        let cmd = cmd.clone();
        let api = Api::with_token(lang.get_untracked(), token());
        let id = id();
        // The version the buyer is looking at: the command was decided on it.
        let version = current.with_untracked(|c| c.as_ref().map_or(0, |c| c.view.version));
        async move {
            let sent_at = now_ms();
            let view = api.command(&id, &cmd, version).await?;
            Ok::<_, ApiError>(Rc::new(Loaded {
                skew: view.server_time.0 - (sent_at + now_ms()) / 2,
                view,
            }))
        }
    });
    let command_error = RwSignal::new(None::<ApiError>);
    let done = StoredValue::new((|t| t.done) as Text);
    Effect::new(move |_| {
        match command.value().get() {
            Some(Ok(loaded)) => {
                updated.set_value(now_ms() + loaded.skew);
                command_error.set(None);
                load_error.set(None);
                drafts.clear();
                notice.set(Some(done.get_value()));
                current.set(Some(loaded));
            }
            Some(Err(e)) if e.is_conflict() => {
                // Someone else moved first: show what the case is now, and say so.
                command_error.set(None);
                notice.set(Some(|t| t.changed_elsewhere));
                case.refetch();
            }
            Some(Err(e)) => command_error.set(Some(e)),
            None => return,
        }
        // The answer is read where the buyer is: focus (and so scroll to) it.
        focus_soon("#feedback");
    });
    let send = Callback::new(move |cmd: Command| {
        if !command.pending().get_untracked() {
            notice.set(None);
            command_error.set(None);
            done.set_value(done_text(&cmd));
            command.dispatch_local(cmd);
        }
    });
    let busy = Signal::derive(move || command.pending().get());

    view! {
        <Steps current=3/>
        {move || match current.get() {
            Some(loaded) => view! {
                <CaseBody loaded=loaded now=now send=send busy=busy token=token() number=number().unwrap_or_default()
                    notice=notice command_error=command_error load_error=load_error updated=updated case=case drafts=drafts/>
            }.into_any(),
            None => match load_error.get() {
                // No such case (or not this order's): retrying cannot help.
                Some(e) if e.status == 404 => view! {
                    <section class="card narrow" data-testid="no-case">
                        <h1>{tr(lang, |t| t.no_such_case)}</h1>
                        <p>{tr(lang, |t| t.no_such_case_text)}</p>
                        <a class="btn btn-primary" href=format!("/order/{}", encode(&number().unwrap_or_default()))>
                            {tr(lang, |t| t.back_to_order)}
                        </a>
                    </section>
                }.into_any(),
                Some(e) => view! { <ErrorBox error=e on_retry=Callback::new(move |()| case.refetch())/> }.into_any(),
                None => view! { <Loading/> }.into_any(),
            },
        }}
    }
}

#[component]
#[expect(clippy::too_many_arguments, reason = "a component's props")]
fn CaseBody(
    loaded: Rc<Loaded>,
    now: RwSignal<i64>,
    send: Callback<Command>,
    busy: Signal<bool>,
    token: String,
    number: String,
    notice: RwSignal<Option<Text>>,
    command_error: RwSignal<Option<ApiError>>,
    load_error: RwSignal<Option<ApiError>>,
    updated: StoredValue<i64>,
    case: task::Load<Result<Rc<Loaded>, ApiError>>,
    drafts: Drafts,
) -> impl IntoView {
    let lang = use_lang();
    let (cv, skew) = (&loaded.view, loaded.skew);
    // The shop's zone: dates and deadlines are shown as its clocks count them.
    let zone = cv.utc_offset_minutes;
    let currency = cv.case.order.currency.clone();
    let state = cv.case.state();
    let closed = state.is_closed();
    let rated = matches!(state, CaseState::Closed { rated: true, .. });
    let kind = cv.case.request.kind;
    let reason = cv.case.request.reason;
    let case_id = cv.case.id.clone();
    let deadline = cv.deadline;
    let actions = cv.actions.clone();
    let has = move |a: ActionKind| actions.contains(&a);
    let order_href = format!("/order/{}", encode(&number));

    let banner = move || {
        let l = lang.get();
        let t = i18n::t(l);
        match (&state, deadline) {
            (CaseState::Closed { outcome, .. }, _) => view! {
                <div class="banner banner-closed" data-testid="whose-move" data-party="none">
                    <p class="banner-title">{t.closed_banner}</p>
                    <p>{outcome.message(l)}</p>
                    {rated.then(|| view! { <p data-testid="rated">{t.thanks_rating}</p> })}
                </div>
            }
            .into_any(),
            (_, Some(d)) => {
                let mine = d.waiting_for == Party::Buyer;
                // Waiting for a parcel to arrive asks nothing urgent of the buyer.
                let passive = d.on_expiry == ExpiryOutcome::AutoConfirmReceipt;
                view! {
                    <div class=if mine && !passive { "banner banner-you" } else { "banner banner-shop" } data-testid="whose-move"
                        data-party=if mine { "buyer" } else { "shop" }>
                        <p class="banner-kicker">{if passive { t.passive_kicker } else if mine { t.your_move } else { t.shop_move }}</p>
                        <p class="banner-title" data-testid="countdown" aria-live="off">
                            {move || countdown_text(&d, now.get() + skew, lang.get(), zone)}
                        </p>
                        {(!passive).then(|| view! {
                            <p class="small">{t.due_at}" "{format::date_time(d.due, zone, l)}" "{format::zone(zone)}</p>
                            <p class="small">{i18n::expiry_future(d.on_expiry, l)}</p>
                        })}
                    </div>
                }.into_any()
            }
            (_, None) => view! {
                <div class="banner banner-shop" data-testid="whose-move" data-party="none">
                    <p>{t.no_deadline}</p>
                </div>
            }
            .into_any(),
        }
    };

    let question = match &cv.case.state() {
        CaseState::InfoRequested { question, .. } => Some(question.clone()),
        _ => None,
    };
    // The shop's open offer (协商), told as its timeline entry says it, when the buyer may answer.
    let offer = match cv.case.state() {
        CaseState::OfferPending { offer, note, .. } if has(ActionKind::AcceptOffer) => {
            Some(EventKind::OfferMade { offer, note })
        }
        _ => None,
    };
    let offer_currency = currency.clone();
    let refund = cv.refund.clone();
    let address = cv.return_address.clone().filter(|a| !a.trim().is_empty());
    let awaiting_return = matches!(cv.case.state(), CaseState::AwaitingReturn { .. });
    let lines: Vec<(String, u32)> = cv
        .case
        .request
        .lines
        .iter()
        .map(|l| {
            (
                cv.case
                    .order
                    .line(&l.sku)
                    .map_or_else(|| l.sku.clone(), |o| o.title.clone()),
                l.quantity,
            )
        })
        .collect();
    let photo_ids: Vec<String> = cv
        .case
        .request
        .photos
        .iter()
        .cloned()
        .chain(cv.case.events.iter().flat_map(|e| match &e.kind {
            EventKind::ProofAdded { photos } | EventKind::InfoAnswered { photos, .. } => {
                photos.clone()
            }
            _ => Vec::new(),
        }))
        .collect();
    let note = cv.case.request.note.clone();
    let state_code = cv.state;
    let token_s = StoredValue::new(token);
    let copied = RwSignal::new(None::<bool>);

    view! {
        <div class="case-grid">
        <div class="case-main">
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
            {move || match load_error.get() {
                // The self-refresh failed: say how old the page is, and offer to try now.
                Some(_) => view! {
                    <div class="alert alert-error small stale" role="alert" data-testid="stale">
                        <span>{i18n::fill(i18n::t(lang.get()).stale, &format::hm(shared::domain::Timestamp(updated.get_value()), zone))}</span>
                        <button type="button" class="btn btn-small btn-secondary" on:click=move |_| case.refetch()>{tr(lang, |t| t.retry)}</button>
                    </div>
                }.into_any(),
                None => view! {
                    <p class="muted small">
                        {(!closed).then(|| view! { <span>{tr(lang, |t| t.auto_refresh)}" · "</span> })}
                        {tr(lang, |t| t.bookmark)}
                    </p>
                }.into_any(),
            }}
        </section>

        // What a command answered, focused when it arrives.
        <div id="feedback" tabindex="-1">
            {move || notice.get().map(|n| view! { <p class="alert alert-info" role="status" data-testid="notice">{tr(lang, n)}</p> })}
            {move || command_error.get().map(|e| view! { <ErrorBox error=e/> })}
        </div>

        {(has(ActionKind::EnterReturnTracking) || awaiting_return).then(|| address.clone().map(|a| view! {
            <section class="card" aria-labelledby="return-title" data-testid="return-address">
                <h2 id="return-title" class="h3">{tr(lang, |t| t.return_address)}</h2>
                <ol class="numbered">
                    {move || i18n::t(lang.get()).return_steps.iter().map(|s| view! { <li>{*s}</li> }).collect_view()}
                </ol>
                <address class="address">{a.clone()}</address>
                <div class="copy-row">
                    <button type="button" class="btn btn-small btn-secondary" data-testid="copy-address"
                        on:click=move |_| copy(&a, copied)>
                        {move || { let t = i18n::t(lang.get()); if copied.get() == Some(true) { t.copied } else { t.copy } }}
                    </button>
                    {move || (copied.get() == Some(false)).then(|| view! {
                        <p class="hint" role="status" data-testid="copy-failed">{tr(lang, |t| t.copy_failed)}</p>
                    })}
                    <p class="hint touch">{tr(lang, |t| t.copy_hint)}</p>
                </div>
            </section>
        })).flatten()}

        {offer.map(|kind| view! {
            <section class="card" data-testid="offer">
                {move || {
                    let (head, detail) = i18n::event_line(&kind, lang.get(), &offer_currency);
                    view! { <h2 class="h3">{head}</h2> {detail.map(|d| view! { <p class="quote">{d}</p> })} }
                }}
                <div class="btn-row">
                    <button type="button" class="btn btn-primary" data-testid="accept-offer" disabled=flag(busy)
                        on:click=move |_| send.run(Command::AcceptOffer)>{tr(lang, |t| t.accept_offer)}</button>
                    <button type="button" class="btn btn-secondary" data-testid="decline-offer" disabled=flag(busy)
                        on:click=move |_| send.run(Command::DeclineOffer { note: String::new() })>{tr(lang, |t| t.decline_offer)}</button>
                </div>
            </section>
        })}

        <Actions has_tracking=has(ActionKind::EnterReturnTracking) has_answer=has(ActionKind::AnswerInfo)
            has_proof=has(ActionKind::AddProof) has_confirm=has(ActionKind::ConfirmReceipt) has_escalate=has(ActionKind::Escalate)
            has_cancel=has(ActionKind::Cancel) has_rate=has(ActionKind::Rate) has_reopen=has(ActionKind::Reopen)
            question=question send=send busy=busy token=token_s.get_value() drafts=drafts/>

        <Messages loaded=Rc::clone(&loaded) can_send=has(ActionKind::Message) send=send busy=busy zone=zone text=drafts.message/>
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
                    {photo_ids.iter().map(|p| view! { <StoredPhoto id=p.clone() token=token_s.get_value()/> }).collect_view()}
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

/// The buyer's possible moves, each only when the API lists it.
#[component]
#[expect(clippy::too_many_arguments, reason = "a component's props")]
fn Actions(
    has_tracking: bool,
    has_answer: bool,
    has_proof: bool,
    has_confirm: bool,
    has_escalate: bool,
    has_cancel: bool,
    has_rate: bool,
    has_reopen: bool,
    question: Option<String>,
    send: Callback<Command>,
    busy: Signal<bool>,
    token: String,
    drafts: Drafts,
) -> impl IntoView {
    let lang = use_lang();
    let t = move || i18n::t(lang.get());
    let Drafts {
        carrier,
        tracking,
        answer,
        escalate_note,
        stars,
        comment,
        confirming_cancel,
        answer_photos,
        proof_photos,
        ..
    } = drafts;
    let any = has_tracking
        || has_answer
        || has_proof
        || has_confirm
        || has_escalate
        || has_cancel
        || has_rate
        || has_reopen;

    view! {
        <Show when=move || any>
            <section class="card actions" aria-labelledby="actions-title" data-testid="actions">
                <h2 id="actions-title" class="h3">{tr(lang, |t| t.what_you_can_do)}</h2>

                {has_tracking.then(|| view! {
                    <form class="form action" data-testid="tracking-form" on:submit=move |ev| {
                        ev.prevent_default();
                        send.run(Command::EnterReturnTracking { carrier: carrier.get_untracked().trim().into(), tracking: tracking.get_untracked().trim().into() });
                    }>
                        <div class="field-row">
                            <div class="field">
                                <label for="carrier">{tr(lang, |t| t.courier)}</label>
                                <input id="carrier" required autocomplete="off" data-testid="carrier" list="carriers"
                                    prop:value=field_value(carrier) on:input=on_field_input(carrier) />
                                <datalist id="carriers">
                                    <option value="顺丰 SF Express"/><option value="中通 ZTO"/><option value="圆通 YTO"/>
                                    <option value="京东物流 JD"/><option value="EMS"/><option value="Royal Mail"/><option value="UPS"/>
                                </datalist>
                            </div>
                            <div class="field">
                                <label for="tracking">{tr(lang, |t| t.tracking)}</label>
                                <input id="tracking" required autocomplete="off" spellcheck="false" data-testid="tracking"
                                    prop:value=field_value(tracking) on:input=on_field_input(tracking) />
                            </div>
                        </div>
                        <button type="submit" class="btn btn-primary" data-testid="send-tracking" disabled=flag(busy)>{tr(lang, |t| t.send_tracking)}</button>
                    </form>
                })}

                {has_answer.then(|| {
                    let token = token.clone();
                    view! {
                        <form class="form action" data-testid="answer-form" on:submit=move |ev| {
                            ev.prevent_default();
                            let photos = answer_photos.with_untracked(|p| uploaded_ids(p));
                            send.run(Command::AnswerInfo { note: answer.get_untracked().trim().into(), photos });
                        }>
                            <h3 class="h4">{tr(lang, |t| t.answer_title)}</h3>
                            {question.clone().map(|q| view! { <p class="quote">{q}</p> })}
                            <div class="field">
                                <label for="answer">{tr(lang, |t| t.answer_label)}</label>
                                <textarea id="answer" rows="3" required data-testid="answer"
                                    prop:value=field_value(answer) on:input=on_field_input(answer)></textarea>
                            </div>
                            <PhotoPicker items=answer_photos token=token id_prefix="answer-photos"/>
                            <button type="submit" class="btn btn-primary" disabled=move || busy.get() || answer_photos.with(|p| any_in_flight(p))>
                                {tr(lang, |t| t.send_answer)}
                            </button>
                        </form>
                    }
                })}

                {has_proof.then(|| {
                    let token = token.clone();
                    view! {
                        <div class="action" data-testid="proof-form">
                            <h3 class="h4">{tr(lang, |t| t.add_proof)}</h3>
                            <PhotoPicker items=proof_photos token=token id_prefix="proof-photos"/>
                            <button type="button" class="btn btn-secondary"
                                disabled=move || busy.get() || proof_photos.with(|p| any_in_flight(p) || uploaded_ids(p).is_empty())
                                on:click=move |_| send.run(Command::AddProof { photos: proof_photos.with_untracked(|p| uploaded_ids(p)) })>
                                {tr(lang, |t| t.add_proof)}
                            </button>
                        </div>
                    }
                })}

                {has_confirm.then(|| view! {
                    <div class="action">
                        <p class="hint">{tr(lang, |t| t.confirm_receipt_hint)}</p>
                        <button type="button" class="btn btn-primary" data-testid="confirm-receipt" disabled=flag(busy)
                            on:click=move |_| send.run(Command::ConfirmReceipt)>{tr(lang, |t| t.confirm_receipt)}</button>
                    </div>
                })}

                {has_reopen.then(|| view! {
                    <div class="action">
                        <p class="hint">{tr(lang, |t| t.reopen_hint)}</p>
                        <button type="button" class="btn btn-primary" data-testid="reopen" disabled=flag(busy)
                            on:click=move |_| send.run(Command::Reopen)>{tr(lang, |t| t.reopen)}</button>
                    </div>
                })}

                {has_rate.then(|| view! {
                    <form class="form action" data-testid="rate-form" on:submit=move |ev| {
                        ev.prevent_default();
                        if stars.get_untracked() > 0 {
                            send.run(Command::Rate { stars: stars.get_untracked(), comment: comment.get_untracked().trim().into() });
                        }
                    }>
                        <fieldset class="stars">
                            <legend>{tr(lang, |t| t.rate_title)}</legend>
                            {(1..=5u8).map(|n| {
                                let id = format!("star-{n}");
                                view! {
                                    <input type="radio" name="stars" id=id.clone() data-testid=id.clone() value=n
                                        prop:checked=move || stars.get() == n on:change=move |_| stars.set(n) />
                                    <label for=id class=move || { if stars.get() >= n { "star star-on" } else { "star" } }>
                                        <span aria-hidden="true">"★"</span>
                                        <span class="sr-only">{move || format!("{n} {}", t().stars_label)}</span>
                                    </label>
                                }
                            }).collect_view()}
                        </fieldset>
                        <div class="field">
                            <label for="comment">{tr(lang, |t| t.comment)}</label>
                            <textarea id="comment" rows="2" data-testid="comment"
                                prop:value=field_value(comment) on:input=on_field_input(comment)></textarea>
                        </div>
                        <button type="submit" class="btn btn-primary" data-testid="send-rating" disabled=move || { busy.get() || stars.get() == 0 }>
                            {tr(lang, |t| t.send_rating)}
                        </button>
                    </form>
                })}

                {has_escalate.then(|| view! {
                    <details class="action">
                        <summary data-testid="escalate-open">{tr(lang, |t| t.escalate)}</summary>
                        <p class="hint">{tr(lang, |t| t.escalate_hint)}</p>
                        <div class="field">
                            <label for="escalate-note">{tr(lang, |t| t.escalate_note)}</label>
                            <textarea id="escalate-note" rows="2" data-testid="escalate-note"
                                prop:value=field_value(escalate_note) on:input=on_field_input(escalate_note)></textarea>
                        </div>
                        <button type="button" class="btn btn-secondary" data-testid="escalate" disabled=flag(busy)
                            on:click=move |_| send.run(Command::Escalate { note: escalate_note.get_untracked().trim().into() })>
                            {tr(lang, |t| t.escalate)}
                        </button>
                    </details>
                })}

                {has_cancel.then(|| view! {
                    <div class="action action-quiet">
                        <Show when=move || confirming_cancel.get()
                            fallback=move || view! {
                                <button type="button" class="btn btn-ghost btn-danger-text" data-testid="cancel"
                                    on:click=move |_| { confirming_cancel.set(true); focus_soon("#keep-request"); }>{tr(lang, |t| t.cancel_request)}</button>
                            }>
                            <div class="confirm" role="alertdialog" aria-labelledby="cancel-q">
                                <p id="cancel-q">{tr(lang, |t| t.cancel_confirm)}</p>
                                <div class="btn-row">
                                    <button type="button" class="btn btn-danger" data-testid="cancel-confirm" disabled=flag(busy)
                                        on:click=move |_| send.run(Command::Cancel)>{tr(lang, |t| t.cancel_request)}</button>
                                    <button type="button" class="btn btn-secondary" id="keep-request"
                                        on:click=move |_| { confirming_cancel.set(false); focus_soon("[data-testid=cancel]"); }>
                                        {tr(lang, |t| t.keep_request)}
                                    </button>
                                </div>
                            </div>
                        </Show>
                    </div>
                })}
            </section>
        </Show>
    }
}

/// The text of a message, if the event is one.
fn message_text(e: &shared::domain::Event) -> Option<&str> {
    match &e.kind {
        EventKind::MessagePosted { text } => Some(text),
        _ => None,
    }
}

/// Messages between the buyer and the shop, oldest first, with a box to write one.
#[component]
fn Messages(
    /// The case whose messages these are.
    loaded: Rc<Loaded>,
    can_send: bool,
    send: Callback<Command>,
    busy: Signal<bool>,
    zone: i64,
    /// The message being written (the page's draft).
    text: RwSignal<String>,
) -> impl IntoView {
    let lang = use_lang();
    let empty = !loaded
        .view
        .case
        .events
        .iter()
        .any(|e| message_text(e).is_some());
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
                <form class="form message-form" on:submit=move |ev| {
                    ev.prevent_default();
                    let t = text.get_untracked();
                    if !t.trim().is_empty() {
                        send.run(Command::Message { text: t.trim().into() });
                        text.set(String::new());
                    }
                }>
                    <label for="message">{tr(lang, |t| t.message_label)}</label>
                    <div class="message-row">
                        <textarea id="message" rows="2" data-testid="message"
                            prop:value=field_value(text) on:input=on_field_input(text)></textarea>
                        <button type="submit" class="btn btn-primary" data-testid="send-message" disabled=flag(busy)>
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

#[cfg(test)]
mod tests {
    use super::*;
    use shared::Lang;
    use shared::domain::{ExpiryOutcome, MS_PER_HOUR, MS_PER_MINUTE, Role, Timestamp};

    #[test]
    fn the_countdown_says_whose_move_it_is_and_how_long_is_left() {
        let d = Deadline {
            waiting_for: Party::Shop { role: Role::Agent },
            due: Timestamp(23 * MS_PER_HOUR + 12 * MS_PER_MINUTE),
            on_expiry: ExpiryOutcome::AutoApprove,
            paused: false,
        };
        assert_eq!(
            countdown_text(&d, 0, Lang::ZhCn, 480),
            "商家需在 23小时12分钟 内处理"
        );
        assert_eq!(
            countdown_text(&d, 0, Lang::En, 480),
            "The shop must answer within 23 hours 12 minutes"
        );
        let mine = Deadline {
            waiting_for: Party::Buyer,
            ..d
        };
        assert_eq!(
            countdown_text(&mine, 0, Lang::En, 480),
            "Please act within 23 hours 12 minutes"
        );
        assert_eq!(
            countdown_text(&mine, d.due.0, Lang::En, 480),
            i18n::EN.overdue
        );
        // Waiting for a delivery says when it confirms itself, not "act within".
        let arriving = Deadline {
            on_expiry: ExpiryOutcome::AutoConfirmReceipt,
            due: Timestamp(1_795_154_700_000),
            ..mine
        };
        assert_eq!(
            countdown_text(&arriving, 0, Lang::En, 480),
            "Confirm when it arrives · confirmed automatically on 20 Nov 2026"
        );
        assert_eq!(
            countdown_text(&arriving, 0, Lang::ZhCn, 480),
            "收到后请确认收货 · 2026年11月20日自动确认"
        );
    }
}
