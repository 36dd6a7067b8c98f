//! The figures the worker computes from the cases, drawn for a phone: a switch between four
//! sections, each chart an inline SVG or CSS bars with the numbers in a small table under it,
//! and the same figures as a CSV download.

use crate::format;
use leptos::prelude::*;
use shared::Lang;
use shared::analytics::{AnalyticsReport, Durations, ReportScope};
use shared::api::routes;
use shared::i18n::labels;
use shared::policy::time::LocalDate;

use super::{Ctx, ErrorBox, spawn};
use crate::admin::chart::{self, Frame};
use crate::admin::model::analytics::{
    Analytics, Effect, Msg, Section, deadlines_met_percent, percent_of_bps, rating_of_x100,
};
use crate::admin::model::shell;
use crate::admin::text::analytics::{AnalyticsTexts, t as texts_of};
use crate::core::Core;

/// Coarse groups of the duration histogram that read on a phone: 15 min, 1 h, 4 h, 1 day,
/// 3 days, 7 days, longer.
const PHONE_DURATION_GROUPS: [u32; 6] = [15, 60, 240, 1_440, 4_320, 10_080];

/// Weeks the overview's chart shows.
const CHART_WEEKS: usize = 12;

fn query() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .map(|q| q.trim_start_matches('?').to_string())
        .unwrap_or_default()
}

fn replace_query(query: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let url = format!("/admin/analytics?{query}");
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// The analytics tab.
#[component]
pub fn AnalyticsScreen() -> impl IntoView {
    let ctx = Ctx::get();
    let core = Core::new(
        Analytics::new(&query()),
        move |effect, core: Core<Analytics>| match effect {
            Effect::Fetch => {
                let api = ctx.api();
                spawn(async move { core.send(Msg::Loaded(api.analytics().await.map(Box::new))) });
            }
            Effect::ReplaceQuery(q) => replace_query(&q),
            Effect::SignedOut => ctx.shell.send(shell::Msg::SessionExpired),
        },
    );
    core.send(Msg::Load);
    move || {
        let lang = ctx.lang();
        let at = texts_of(lang);
        let (section, report, error) =
            core.with(|m| (m.section, m.report.clone(), m.error.clone()));
        let body = match (report, error) {
            (Some(report), _) => sections(&report, section, lang, at).into_any(),
            (None, Some(e)) => view! {
                <ErrorBox message=e.message on_retry=Callback::new(move |()| core.send(Msg::Load))/>
            }
            .into_any(),
            (None, None) => view! { <p class="center muted">{ctx.t().loading}</p> }.into_any(),
        };
        let mine = core.with(|m| {
            m.report
                .as_ref()
                .is_some_and(|r| matches!(r.scope, ReportScope::Agent { .. }))
        });
        view! {
            <section data-testid="analytics" data-section=section.code()>
                <div class="topbar">
                    <h1 class="grow">{if mine { at.title_mine } else { at.title_shop }}</h1>
                    <a class="btn btn-small" data-testid="analytics-csv" download
                        href=format!("{}?lang={}", routes::STAFF_ANALYTICS_CSV, lang.tag())>{at.download_csv}</a>
                </div>
                {(!mine).then(|| view! {
                    <div class="segmented" role="tablist">
                        {Section::ALL.into_iter().map(|s| view! {
                            <button type="button" role="tab" class:active=section == s
                                aria-selected=(section == s).to_string()
                                data-testid=format!("analytics-{}", s.code())
                                on:click=move |_| core.send(Msg::Show(s))>{section_label(s, at)}</button>
                        }).collect_view()}
                    </div>
                })}
                {body}
            </section>
        }
    }
}

fn section_label(section: Section, at: &AnalyticsTexts) -> &'static str {
    match section {
        Section::Overview => at.overview,
        Section::Reasons => at.reasons,
        Section::Speed => at.speed,
        Section::Team => at.team,
    }
}

fn sections(
    report: &AnalyticsReport,
    section: Section,
    lang: Lang,
    at: &'static AnalyticsTexts,
) -> impl IntoView + use<> {
    if matches!(report.scope, ReportScope::Agent { .. }) {
        // An agent's own figures: their totals, speed and comments on one page.
        return view! {
            {tiles(report, at)}
            {durations_card(at.first_answer, &report.first_answer, lang, at, "first-answer")}
            {team(report, lang, at)}
            <p class="muted small">{at.as_of}" "{report.today.clone()}</p>
        }
        .into_any();
    }
    let page = match section {
        Section::Overview => {
            view! { {tiles(report, at)} {reviews(report, at)} {helped(report, at)} {over_time(report, at)} }.into_any()
        }
        Section::Reasons => reasons(report, lang, at).into_any(),
        Section::Speed => view! {
            {durations_card(at.first_answer, &report.first_answer, lang, at, "first-answer")}
            {durations_card(at.resolution, &report.resolution, lang, at, "resolution")}
            {deadlines(report, at)}
        }
        .into_any(),
        Section::Team => team(report, lang, at).into_any(),
    };
    view! { {page} <p class="muted small">{at.as_of}" "{report.today.clone()}</p> }.into_any()
}

fn tiles(report: &AnalyticsReport, at: &AnalyticsTexts) -> impl IntoView + use<> {
    let t = &report.totals;
    let rate = t
        .refund_rate_bps
        .map_or_else(|| "–".to_string(), percent_of_bps);
    let rating = t
        .rating_avg_x100
        .map_or_else(|| "–".to_string(), rating_of_x100);
    let met = deadlines_met_percent(t).map_or_else(|| "–".to_string(), |p| format!("{p}%"));
    let tile = |value: String, label: &'static str, id: &'static str| {
        view! { <p data-testid=format!("tile-{id}")><span class="big">{value}</span><span class="muted small">{label}</span></p> }
    };
    view! {
        <section class="card">
            <div class="stats">
                {tile(t.cases.to_string(), at.cases, "cases")}
                {tile(t.open.to_string(), at.open, "open")}
                {tile(format::money(t.refunded, "CNY"), at.refunded, "refunded")}
                {tile(rate, at.refund_rate, "refund-rate")}
                {tile(rating, at.rating, "rating")}
                {tile(met, at.deadlines_met, "deadlines-met")}
            </div>
        </section>
    }
}

/// Bad reviews followed up (差评挽回): how many, what became of them, the recovery rate per
/// agent and per product.
fn reviews(report: &AnalyticsReport, at: &AnalyticsTexts) -> impl IntoView + use<> {
    let r = &report.reviews;
    let rate = |bps: Option<u32>| bps.map_or_else(|| "–".to_string(), percent_of_bps);
    let rows = |list: &[shared::analytics::Recovery], test: &'static str| {
        list.iter()
            .map(|x| {
                let name = if x.name.is_empty() {
                    x.id.clone()
                } else {
                    x.name.clone()
                };
                view! {
                    <tr data-testid=test>
                        <td>{name}</td>
                        <td>{format!("{}/{}", x.recovered, x.closed)}</td>
                        <td>{rate(x.rate_bps)}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <section class="card" data-testid="reviews">
            <h2>{at.reviews}</h2>
            <div class="stats">
                <p data-testid="tile-reviews"><span class="big">{r.recorded}</span><span class="muted small">{at.reviews_recorded}</span></p>
                <p data-testid="tile-review-rate"><span class="big">{rate(r.recovery_rate_bps)}</span><span class="muted small">{at.reviews_rate}</span></p>
                <p><span class="big">{r.revised}</span><span class="muted small">{at.review_revised}</span></p>
                <p><span class="big">{r.removed}</span><span class="muted small">{at.review_removed}</span></p>
                <p><span class="big">{r.unchanged}</span><span class="muted small">{at.review_unchanged}</span></p>
            </div>
            {(!r.by_agent.is_empty()).then(|| view! {
                <table class="small"><thead><tr><th>{at.agent}</th><th>"✓"</th><th>{at.reviews_rate}</th></tr></thead>
                    <tbody>{rows(&r.by_agent, "review-agent")}</tbody></table>
            })}
            {(!r.by_product.is_empty()).then(|| view! {
                <table class="small"><thead><tr><th>{at.product}</th><th>"✓"</th><th>{at.reviews_rate}</th></tr></thead>
                    <tbody>{rows(&r.by_product, "review-product")}</tbody></table>
            })}
            <p class="muted small">{at.reviews_hint}</p>
        </section>
    }
}

/// Buyers the shop's tips helped without a request (issue 15): the total and the categories.
fn helped(report: &AnalyticsReport, at: &AnalyticsTexts) -> impl IntoView + use<> {
    let h = &report.helped;
    let rows: Vec<(String, u32)> = h
        .by_category
        .iter()
        .map(|c| (c.category.clone(), c.helped))
        .collect();
    view! {
        <section class="card" data-testid="helped">
            <div class="stats">
                <p data-testid="tile-helped"><span class="big">{h.total}</span><span class="muted small">{at.helped}</span></p>
            </div>
            {(!rows.is_empty()).then(|| view! {
                <table class="small"><tbody>
                    {rows.into_iter().map(|(category, n)| view! {
                        <tr data-testid="helped-category"><td>{category}</td><td>{n}</td></tr>
                    }).collect_view()}
                </tbody></table>
            })}
            <p class="muted small">{at.helped_hint}</p>
        </section>
    }
}

/// A short date label for a chart's axis: `12-01`.
fn short_date(day: &str) -> String {
    LocalDate::parse(day).map_or_else(
        || day.to_string(),
        |d| format!("{:02}-{:02}", d.month, d.day),
    )
}

fn over_time(report: &AnalyticsReport, at: &AnalyticsTexts) -> impl IntoView + use<> {
    let skip = report.weeks.len().saturating_sub(CHART_WEEKS);
    let weeks: Vec<_> = report.weeks.iter().skip(skip).cloned().collect();
    let filed: Vec<u32> = weeks.iter().map(|w| w.filed).collect();
    let closed: Vec<u32> = weeks.iter().map(|w| w.closed).collect();
    let frame = Frame::PHONE;
    let top = chart::nice_max(filed.iter().chain(&closed).copied().max().unwrap_or(0));
    let grid: Vec<u32> = vec![0, top / 2, top];
    let first = weeks
        .first()
        .map(|w| short_date(&w.start))
        .unwrap_or_default();
    let last = weeks
        .last()
        .map(|w| short_date(&w.start))
        .unwrap_or_default();
    let rows: Vec<_> = weeks.iter().rev().take(6).cloned().collect();
    view! {
        <section class="card" data-testid="chart-over-time">
            <h2>{at.over_time}</h2>
            <svg class="chart" viewBox=format!("0 0 {} {}", frame.width, frame.height) role="img"
                aria-label=at.over_time>
                {grid.into_iter().map(|v| {
                    let y = chart::y_of(v, top, frame);
                    view! {
                        <line class="grid" x1=frame.left x2=frame.width - 4 y1=y y2=y/>
                        <text class="axis" x=frame.left - 4 y=y + 3.0 text-anchor="end">{v}</text>
                    }
                }).collect_view()}
                <path class="line-filed" d=chart::line_path(&filed, top, frame)/>
                <path class="line-closed" d=chart::line_path(&closed, top, frame)/>
                <text class="axis" x=frame.left y=frame.height - 4>{first}</text>
                <text class="axis" x=frame.width - 4 y=frame.height - 4 text-anchor="end">{last}</text>
            </svg>
            <p class="legend small"><span class="key key-filed"></span>{at.filed}" "<span class="key key-closed"></span>{at.closed}</p>
            <table class="figures">
                <thead><tr><th>{at.week_of}</th><th>{at.filed}</th><th>{at.closed}</th><th>{at.refunded}</th></tr></thead>
                <tbody>
                    {rows.into_iter().map(|w| view! {
                        <tr><td>{short_date(&w.start)}</td><td>{w.filed}</td><td>{w.closed}</td>
                            <td>{format::money(w.refunded, "CNY")}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// Horizontal bars with their numbers: the chart is its own table.
fn bars(
    title: &'static str,
    items: Vec<(String, u32)>,
    id: &'static str,
    at: &AnalyticsTexts,
) -> impl IntoView + use<> {
    let values: Vec<u32> = items.iter().map(|(_, n)| *n).collect();
    let percents = chart::bar_percents(&values);
    let empty = items.is_empty();
    view! {
        <section class="card" data-testid=format!("chart-{id}")>
            <h2>{title}</h2>
            {empty.then(|| view! { <p class="muted">{at.no_data}</p> })}
            <ul class="hbars">
                {items.into_iter().zip(percents).map(|((label, n), pct)| view! {
                    <li>
                        <span class="hbar-label">{label}</span>
                        <span class="hbar"><span class="hbar-fill" style=format!("width:{pct}%")></span></span>
                        <strong class="hbar-n">{n}</strong>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

fn reasons(
    report: &AnalyticsReport,
    lang: Lang,
    at: &'static AnalyticsTexts,
) -> impl IntoView + use<> {
    let by_reason = report
        .by_reason
        .iter()
        .map(|r| (labels::reason(r.reason, lang).to_string(), r.cases))
        .collect();
    let by_kind = report
        .by_kind
        .iter()
        .map(|k| (labels::kind(k.kind, lang).to_string(), k.cases))
        .collect();
    let products = report.by_product.clone();
    view! {
        {bars(at.by_reason, by_reason, "reasons", at)}
        {bars(at.by_kind, by_kind, "kinds", at)}
        <section class="card" data-testid="chart-products">
            <h2>{at.by_product}</h2>
            {products.is_empty().then(|| view! { <p class="muted">{at.no_data}</p> })}
            <table class="figures">
                <thead><tr><th>{at.product}</th><th>{at.cases}</th></tr></thead>
                <tbody>
                    {products.into_iter().map(|p| {
                        let reasons = p.reasons.iter()
                            .map(|r| format!("{} {}", labels::reason(r.reason, lang), r.cases))
                            .collect::<Vec<_>>()
                            .join(" · ");
                        view! {
                            <tr>
                                <td><span>{p.title.clone()}</span><span class="muted small block">{p.sku.clone()}" · "{reasons}</span></td>
                                <td>{p.cases}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

fn bucket_label(bound: Option<u32>, lang: Lang, at: &AnalyticsTexts) -> String {
    let zh = lang == Lang::ZhCn;
    match bound {
        Some(m) if zh => format!("{}{}", chart::minutes_label(m, true), at.within),
        Some(m) => format!("≤ {}", chart::minutes_label(m, false)),
        None => at.longer.to_string(),
    }
}

fn durations_card(
    title: &'static str,
    durations: &Durations,
    lang: Lang,
    at: &'static AnalyticsTexts,
    id: &'static str,
) -> impl IntoView + use<> {
    let zh = lang == Lang::ZhCn;
    let fine: Vec<(Option<u32>, u32)> = durations
        .buckets
        .iter()
        .map(|b| (b.up_to_minutes, b.cases))
        .collect();
    let groups = chart::group_buckets(&fine, &PHONE_DURATION_GROUPS);
    let values: Vec<u32> = groups.iter().map(|(_, n)| *n).collect();
    let frame = Frame::PHONE;
    let top = chart::nice_max(values.iter().copied().max().unwrap_or(0));
    let cols = chart::columns(&values, top, frame);
    let say = |m: Option<u32>| m.map_or_else(|| "–".to_string(), |m| chart::minutes_label(m, zh));
    let median = say(durations.median_minutes);
    let p90 = say(durations.p90_minutes);
    let labelled: Vec<(String, u32)> = groups
        .iter()
        .map(|(bound, n)| (bucket_label(*bound, lang, at), *n))
        .collect();
    view! {
        <section class="card" data-testid=format!("chart-{id}")>
            <h2>{title}</h2>
            <div class="stats">
                <p><span class="big" data-testid=format!("{id}-median")>{median}</span><span class="muted small">{at.median}</span></p>
                <p><span class="big">{p90}</span><span class="muted small">{at.p90}</span></p>
            </div>
            <svg class="chart" viewBox=format!("0 0 {} {}", frame.width, frame.height) role="img" aria-label=title>
                <line class="grid" x1=frame.left x2=frame.width - 4 y1=chart::y_of(0, top, frame) y2=chart::y_of(0, top, frame)/>
                <text class="axis" x=frame.left - 4 y=chart::y_of(top, top, frame) + 3.0 text-anchor="end">{top}</text>
                {cols.into_iter().map(|c| view! {
                    <rect class="col" x=c.x y=c.y width=c.width height=c.height rx="2"/>
                }).collect_view()}
            </svg>
            <table class="figures">
                <tbody>
                    {labelled.into_iter().map(|(label, n)| view! { <tr><td>{label}</td><td>{n}</td></tr> }).collect_view()}
                </tbody>
            </table>
            <p class="muted small">{at.cases}": "{durations.cases}</p>
        </section>
    }
}

fn deadlines(report: &AnalyticsReport, at: &'static AnalyticsTexts) -> impl IntoView + use<> {
    let t = &report.totals;
    let items = vec![
        (at.deadlines_met.to_string(), t.deadlines_met),
        (format!("{} ✗", at.deadlines_met), t.deadlines_missed),
        (at.resolved_by_timeout.to_string(), t.resolved_by_timeout),
        (at.escalated.to_string(), t.escalated),
    ];
    view! {
        {bars(at.deadlines_met, items, "deadlines", at)}
        <p class="muted small">{at.resolved_by_timeout_hint}</p>
    }
}

fn team(
    report: &AnalyticsReport,
    lang: Lang,
    at: &'static AnalyticsTexts,
) -> impl IntoView + use<> {
    let zh = lang == Lang::ZhCn;
    let agents = report.agents.clone();
    let comments = report.comments.clone();
    let name_of = {
        let agents = agents.clone();
        move |id: &Option<String>| {
            id.as_ref()
                .and_then(|id| agents.iter().find(|a| &a.id == id))
                .map(|a| {
                    if a.name.is_empty() {
                        a.id.clone()
                    } else {
                        a.name.clone()
                    }
                })
                .unwrap_or_default()
        }
    };
    view! {
        <section class="card" data-testid="chart-team">
            <h2>{at.team}</h2>
            {agents.is_empty().then(|| view! { <p class="muted">{at.no_data}</p> })}
            <table class="figures">
                <thead><tr><th>{at.agent}</th><th>{at.cases}</th><th>{at.rating}</th><th>{at.median}</th></tr></thead>
                <tbody>
                    {agents.iter().map(|a| {
                        let name = if a.name.is_empty() { a.id.clone() } else { a.name.clone() };
                        let rating = a.rating_avg_x100.map_or_else(|| "–".to_string(), rating_of_x100);
                        let median = a.first_answer.median_minutes
                            .map_or_else(|| "–".to_string(), |m| chart::minutes_label(m, zh));
                        view! {
                            <tr><td>{name}</td><td>{a.cases}</td>
                                <td>{rating}<span class="muted small">" ("{a.ratings}")"</span></td>
                                <td>{median}</td></tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        <section class="card" data-testid="comments">
            <h2>{at.comments}</h2>
            {comments.is_empty().then(|| view! { <p class="muted">{at.no_comments}</p> })}
            <ul class="comments">
                {comments.into_iter().map(|c| view! {
                    <li>
                        <span aria-label=format!("{}/5", c.stars)>{"★".repeat(usize::from(c.stars.min(5)))}</span>
                        " "<span>{c.comment.clone()}</span>
                        <a class="muted small block" href=format!("/admin/case/{}", c.case_id)>
                            {name_of(&c.agent)}" · "{c.case_id.clone()}
                        </a>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}
