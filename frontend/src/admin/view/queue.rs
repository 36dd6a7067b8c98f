//! The queue screen: search, the filter chips, the rows with their countdowns, load more, pull
//! to refresh, and the batch bar and sheet.

use std::time::Duration;

use crate::format;
use leptos::prelude::*;
use shared::Lang;
use shared::domain::{CaseKind, ExpiryOutcome, StateName, Timestamp};
use shared::i18n::{Audience, labels};

use super::{Ctx, ErrorBox, spawn};
use crate::admin::model::queue::{Batch, Effect, Flag, Msg, Queue, Row, tally};
use crate::admin::model::shell;
use crate::admin::text::Texts;
use crate::core::Core;

fn now() -> Timestamp {
    Timestamp(js_sys::Date::now() as i64)
}

/// "auto-approves in 3 hours" / "3小时后自动同意"; overdue: "−2 hours" in red.
#[must_use]
pub fn countdown_text(
    ms: i64,
    outcome: Option<ExpiryOutcome>,
    lang: Lang,
    texts: &Texts,
) -> String {
    if ms < 0 {
        return format!("−{}", format::duration(-ms, lang));
    }
    let d = format::duration(ms, lang);
    match (outcome, lang) {
        (Some(o), Lang::ZhCn) => format!("{d}后{}", labels::expiry(o, lang)),
        (Some(o), Lang::En) => format!("{} {d}", labels::expiry(o, lang)),
        (None, Lang::ZhCn) => format!("{}{d}", texts.due_in),
        (None, Lang::En) => format!("{} {d}", texts.due_in),
    }
}

fn perform(ctx: Ctx, effect: Effect, core: Core<Queue>) {
    let api = ctx.api();
    match effect {
        Effect::Fetch { query, append } => spawn(async move {
            let result = api.queue(&query).await;
            core.send(Msg::Loaded { append, result });
        }),
        Effect::Poll(query) => {
            spawn(async move { core.send(Msg::Polled(api.queue(&query).await)) })
        }
        Effect::Search(q) => spawn(async move { core.send(Msg::Searched(api.search(&q).await)) }),
        Effect::Go(screen) => ctx.shell.send(shell::Msg::Go(screen)),
        Effect::Counts { listed, new } => ctx.shell.send(shell::Msg::QueueCounts { listed, new }),
        Effect::BatchApprove(items) => spawn(async move {
            core.send(Msg::BatchDone(api.batch_approve(items).await));
        }),
        Effect::SignedOut => ctx.shell.send(shell::Msg::SessionExpired),
    }
}

const KINDS: [CaseKind; 5] = CaseKind::ALL;
const STATES: [StateName; 6] = [
    StateName::AwaitingReview,
    StateName::AwaitingReturn,
    StateName::ReturnInTransit,
    StateName::AwaitingDecision,
    StateName::AwaitingShipment,
    StateName::Escalated,
];

/// The queue.
#[component]
pub fn QueueScreen() -> impl IntoView {
    let ctx = Ctx::get();
    let core = Core::new(Queue::new(now()), move |e, core| perform(ctx, e, core));
    core.send(Msg::Refresh);
    // Every 30 s: the countdowns move on, and the first page is polled for new cases.
    let tick =
        set_interval_with_handle(move || core.send(Msg::Tick(now())), Duration::from_secs(30)).ok();
    on_cleanup(move || {
        if let Some(h) = tick {
            h.clear();
        }
    });

    // Pull to refresh: a downward drag of 70 px that starts at the top of the page.
    let pull_start = StoredValue::new(None::<i32>);
    let on_touch_start = move |ev: web_sys::TouchEvent| {
        let at_top = window().scroll_y().unwrap_or(0.0) <= 0.0;
        let y = ev.touches().get(0).map(|t| t.client_y());
        pull_start.set_value(if at_top { y } else { None });
    };
    let on_touch_end = move |ev: web_sys::TouchEvent| {
        let end = ev.changed_touches().get(0).map(|t| t.client_y());
        if let (Some(start), Some(end)) = (pull_start.get_value(), end)
            && end - start > 70
        {
            core.send(Msg::Refresh);
        }
        pull_start.set_value(None);
    };

    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        core.send(Msg::Search);
    };
    let selecting = move || core.with(|m| m.batch != Batch::Off);
    // The rows redraw when they change, not at every keystroke in the search box.
    let rows = Memo::new(move |_| core.with(Queue::rows));

    view! {
        <div class="queue" on:touchstart=on_touch_start on:touchend=on_touch_end data-testid="queue">
            <form class="searchbar" role="search" on:submit=search>
                <input type="search" data-testid="queue-search" enterkeyhint="search"
                    placeholder=move || ctx.t().search_placeholder
                    aria-label=move || ctx.t().search
                    prop:value=move || core.with(|m| m.search.clone())
                    on:input=move |ev| core.send(Msg::SearchInput(event_target_value(&ev)))/>
                {move || core.with(|m| m.searched.is_some()).then(|| view! {
                    <button type="button" class="btn btn-small" data-testid="search-clear"
                        on:click=move |_| core.send(Msg::ClearSearch)>{ctx.t().clear}</button>
                })}
            </form>
            <Chips core=core/>
            <div class="toolbar">
                <button type="button" class="btn btn-small" data-testid="refresh"
                    on:click=move |_| core.send(Msg::Refresh)>"↻ " {move || ctx.t().refresh}</button>
                {move || (!selecting()).then(|| view! {
                    <button type="button" class="btn btn-small" data-testid="batch-start"
                        on:click=move |_| core.send(Msg::SelectLowRisk)>{ctx.t().select_low_risk}</button>
                })}
            </div>
            {move || core.with(|m| m.error.clone()).map(|e| view! {
                <ErrorBox message=e.message on_retry=Callback::new(move |()| core.send(Msg::Refresh))/>
            })}
            <ul class="rows" data-testid="queue-rows">
                {move || {
                    let lang = ctx.lang();
                    let texts = ctx.t();
                    rows.get().into_iter().map(|row| view! { <RowItem row=row core=core lang=lang texts=texts/> }).collect_view()
                }}
            </ul>
            {move || {
                let (empty, loading, filtered, searched) = core.with(|m| (m.items.is_empty(), m.loading, m.filters.any(), m.searched.is_some()));
                let t = ctx.t();
                if loading {
                    Some(view! { <p class="center muted" data-testid="queue-loading">{t.loading}</p> }.into_any())
                } else if empty {
                    let text = if searched { t.empty_search } else if filtered { t.empty_filtered } else { t.empty_queue };
                    Some(view! { <p class="center muted empty" data-testid="queue-empty">{text}</p> }.into_any())
                } else {
                    None
                }
            }}
            {move || core.with(|m| m.next_cursor.is_some() && !m.loading).then(|| view! {
                <button type="button" class="btn btn-block" data-testid="load-more"
                    on:click=move |_| core.send(Msg::More)>{ctx.t().load_more}</button>
            })}
            <BatchBar core=core/>
            <BatchSheet core=core/>
        </div>
    }
}

#[component]
fn Chips(core: Core<Queue>) -> impl IntoView {
    let ctx = Ctx::get();
    let flag = move |f: Flag, label: fn(&Texts) -> &'static str, id: &'static str| {
        let on = move || {
            core.with(|m| match f {
                Flag::Overdue => m.filters.overdue,
                Flag::Mine => m.filters.mine,
                Flag::Unassigned => m.filters.unassigned,
            })
        };
        view! {
            <button type="button" class="chip" class:on=on aria-pressed=move || on().to_string()
                data-testid=id on:click=move |_| core.send(Msg::Toggle(f))>{move || label(ctx.t())}</button>
        }
    };
    view! {
        <div class="chips" role="toolbar">
            <select class="chip" data-testid="filter-kind" aria-label=move || ctx.t().all_kinds
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    core.send(Msg::Kind(KINDS.into_iter().find(|k| k.code() == v)));
                }>
                <option value="" selected=move || core.with(|m| m.filters.kind.is_none())>{move || ctx.t().all_kinds}</option>
                {move || KINDS.into_iter().map(|k| view! {
                    <option value=k.code() selected=move || core.with(|m| m.filters.kind == Some(k))>{labels::kind(k, ctx.lang())}</option>
                }).collect_view()}
            </select>
            <select class="chip" data-testid="filter-state" aria-label=move || ctx.t().all_states
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    core.send(Msg::State(STATES.into_iter().find(|s| s.code() == v)));
                }>
                <option value="" selected=move || core.with(|m| m.filters.state.is_none())>{move || ctx.t().all_states}</option>
                {move || STATES.into_iter().map(|s| view! {
                    <option value=s.code() selected=move || core.with(|m| m.filters.state == Some(s))>{labels::state(s, Audience::Staff, ctx.lang())}</option>
                }).collect_view()}
            </select>
            {flag(Flag::Overdue, |t| t.overdue, "filter-overdue")}
            {flag(Flag::Mine, |t| t.mine, "filter-mine")}
            {flag(Flag::Unassigned, |t| t.unassigned, "filter-unassigned")}
        </div>
    }
}

#[component]
fn RowItem(row: Row, core: Core<Queue>, lang: Lang, texts: &'static Texts) -> impl IntoView {
    let id = row.id.clone();
    let href = crate::admin::route::Screen::Case(row.id.clone()).path();
    let overdue = row.countdown.is_some_and(|(ms, _)| ms < 0);
    let countdown = row
        .countdown
        .map(|(ms, outcome)| countdown_text(ms, outcome, lang, texts));
    let selecting = move || core.with(|m| m.batch == Batch::Selecting);
    let open = {
        let id = id.clone();
        move |ev: leptos::ev::MouseEvent| {
            ev.prevent_default();
            core.send(Msg::OpenCase(id.clone()));
        }
    };
    view! {
        <li class="row" class:overdue=overdue class:fresh=row.fresh class:selected=row.selected
            data-testid="queue-row" data-case=row.id.clone() data-low-risk=row.low_risk.to_string()>
            <a href=href on:click=open>
                {move || selecting().then(|| view! {
                    <span class="tick" aria-hidden="true">{if row.selected { "☑" } else if row.low_risk { "☐" } else { "·" }}</span>
                })}
                <span class="row-main">
                    <span class="row-top">
                        <span class="kind">{labels::kind(row.kind, lang)}</span>
                        {row.fresh.then(|| view! { <span class="tag new">{texts.new_badge}</span> })}
                        <span class="amount">{row.amount.map(|(a, c)| format::money(a, &c))}</span>
                    </span>
                    <span class="row-title">{row.title.clone()}</span>
                    <span class="row-sub">{row.buyer.clone()} " · " {labels::state(row.state, Audience::Staff, lang)} " · " <span class="mono">{row.id.clone()}</span></span>
                    <span class="row-chips">
                        {row.chips.iter().map(|c| view! { <span class="tag" data-chip=c.clone()>{labels::chip(c, lang).to_string()}</span> }).collect_view()}
                    </span>
                </span>
                <span class="countdown" class:late=overdue data-testid="countdown">{countdown}</span>
            </a>
        </li>
    }
}

#[component]
fn BatchBar(core: Core<Queue>) -> impl IntoView {
    let ctx = Ctx::get();
    move || {
        core.with(|m| m.batch == Batch::Selecting).then(|| {
            let count = core.with(|m| m.selected.len());
            view! {
                <div class="actionbar" data-testid="batch-bar">
                    <button type="button" class="btn" data-testid="batch-cancel"
                        on:click=move |_| core.send(Msg::SelectMode(false))>{ctx.t().cancel}</button>
                    <button type="button" class="btn btn-primary" data-testid="batch-review" disabled=count == 0
                        on:click=move |_| core.send(Msg::ReviewBatch)>{format!("{} ({count})", ctx.t().approve_selected)}</button>
                </div>
            }
        })
    }
}

#[component]
fn BatchSheet(core: Core<Queue>) -> impl IntoView {
    let ctx = Ctx::get();
    move || {
        let batch = core.with(|m| m.batch.clone());
        let t = ctx.t();
        let body = match batch {
            Batch::Off | Batch::Selecting => return None,
            Batch::Confirming | Batch::Sending => {
                let sheet = core.with(Queue::sheet);
                let caps = core.with(|m| m.caps);
                let currency = if sheet.currency.is_empty() {
                    "CNY".to_string()
                } else {
                    sheet.currency.clone()
                };
                let caps_line = t
                    .batch_caps
                    .replace("{cases}", &caps.max_cases.to_string())
                    .replace("{amount}", &format::money(caps.max_amount, &currency));
                let sending = matches!(batch, Batch::Sending);
                view! {
                    <h2>{t.batch_title}</h2>
                    <p class="big" data-testid="batch-count">{t.batch_cases.replace("{n}", &sheet.count.to_string())} " · " {format::money(sheet.total, &currency)}</p>
                    <p class="muted small">{caps_line}</p>
                    {(!sheet.within_caps).then(|| view! { <p class="alert">{t.batch_over_caps}</p> })}
                    <div class="sheet-actions">
                        <button type="button" class="btn" on:click=move |_| core.send(Msg::SelectMode(true))>{t.back}</button>
                        <button type="button" class="btn btn-primary" data-testid="batch-confirm"
                            disabled=sending || !sheet.within_caps
                            on:click=move |_| core.send(Msg::ConfirmBatch)>{t.batch_confirm}</button>
                    </div>
                }
                .into_any()
            }
            Batch::Done(report) => {
                let (applied, changed, refused) = tally(&report);
                view! {
                    <h2>{t.batch_title}</h2>
                    <p data-testid="batch-tally">{format!("{applied} {} · {changed} {} · {refused} {}", t.batch_applied, t.batch_changed, t.batch_refused)}</p>
                    <ul class="results">
                        {report.results.into_iter().map(|r| view! {
                            <li data-testid="batch-result" data-outcome=format!("{:?}", r.outcome).to_ascii_lowercase()>
                                <strong>{r.id.clone()}</strong> " " {r.message.clone().unwrap_or_default()}
                            </li>
                        }).collect_view()}
                    </ul>
                    <button type="button" class="btn btn-primary btn-block" data-testid="batch-close"
                        on:click=move |_| core.send(Msg::CloseBatch)>{t.close}</button>
                }
                .into_any()
            }
        };
        Some(view! {
            <div class="scrim" on:click=move |_| ()></div>
            <section class="sheet" role="dialog" aria-modal="true" data-testid="batch-sheet">{body}</section>
        })
    }
}
