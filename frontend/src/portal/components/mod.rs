//! Pieces the pages share: the header with the language switch, the step header, loading and
//! error states, status chips, the refund breakdown and the photo picker.

mod photo_picker;

pub use photo_picker::{PhotoItem, PhotoPicker, any_in_flight, failed_count, uploaded_ids};

use leptos::prelude::*;
use shared::Lang;
use shared::domain::RefundBreakdown;
use wasm_bindgen::JsCast;

use crate::format;
use crate::portal::api::ApiError;
use crate::portal::app::use_lang;
use crate::portal::i18n::{self, Tone, tr};
use crate::portal::session;

/// The top bar: the service's name and the language switch (中文 / EN), remembered.
#[component]
pub fn Header() -> impl IntoView {
    let lang = use_lang();
    let choose = move |l: Lang| {
        lang.set(l);
        session::save_lang(l);
    };
    let option = move |l: Lang, label: &'static str, testid: &'static str| {
        view! {
            <button
                type="button"
                class="lang-option"
                data-testid=testid
                lang=i18n::code(l)
                aria-pressed=move || (lang.get() == l).to_string()
                on:click=move |_| choose(l)
            >
                {label}
            </button>
        }
    };
    view! {
        <header class="top">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"售"</span>
                <span data-testid="app-name">{tr(lang, |t| t.app_name)}</span>
            </a>
            <div class="lang" role="group" aria-label=tr(lang, |t| t.language)>
                {option(Lang::ZhCn, "中文", "lang-zh")}
                {option(Lang::En, "EN", "lang-en")}
            </div>
        </header>
    }
}

/// Where the buyer is in the journey: find → request → track.
#[component]
pub fn Steps(current: u8) -> impl IntoView {
    let lang = use_lang();
    let step = move |n: u8, label: fn(&i18n::Texts) -> &'static str| {
        let state = if n < current {
            "done"
        } else if n == current {
            "current"
        } else {
            "todo"
        };
        view! {
            <li class=format!("step step-{state}") aria-current=(n == current).then_some("step")>
                <span class="step-n" aria-hidden="true">{n}</span>
                <span class="step-label">{tr(lang, label)}</span>
            </li>
        }
    };
    // The lookup's strip lines up with its narrow card.
    view! {
        <ol class=if current == 1 { "steps narrow" } else { "steps" } aria-label=tr(lang, |t| t.step_of)>
            {step(1, |t| t.step_find)}
            {step(2, |t| t.step_request)}
            {step(3, |t| t.step_track)}
        </ol>
    }
}

/// A loading placeholder that says what it is (for screen readers too).
#[component]
pub fn Loading() -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="loading" role="status" data-testid="loading">
            <span class="spinner" aria-hidden="true"></span>
            <span>{tr(lang, |t| t.loading)}</span>
        </div>
    }
}

/// An API error as a readable box, with a retry button when one makes sense.
#[component]
pub fn ErrorBox(
    error: ApiError,
    #[prop(optional)] on_retry: Option<Callback<()>>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="alert alert-error" role="alert" data-testid="error" data-code=error.code.as_str().to_string()>
            <p class="alert-title">{tr(lang, |t| t.err_title)}</p>
            <p>{error.message.clone()}</p>
            {on_retry.map(|retry| view! {
                <button type="button" class="btn btn-secondary" on:click=move |_| retry.run(())>
                    {tr(lang, |t| t.retry)}
                </button>
            })}
        </div>
    }
}

/// A case state as a coloured chip with its name (never colour alone).
#[component]
pub fn StatusChip(state: shared::domain::StateName) -> impl IntoView {
    let lang = use_lang();
    let data_state = state.code();
    let tone = move || match i18n::state_chip(state, lang.get()).1 {
        Tone::Waiting => "chip chip-waiting",
        Tone::Action => "chip chip-action",
        Tone::Good => "chip chip-good",
        Tone::Bad => "chip chip-bad",
        Tone::Neutral => "chip chip-neutral",
    };
    view! {
        <span class=tone data-testid="status-chip" data-state=data_state>
            {move || i18n::state_chip(state, lang.get()).0}
        </span>
    }
}

/// The rows of a refund breakdown that are not zero, in the order the money is reached.
#[must_use]
pub fn breakdown_rows(b: &RefundBreakdown, t: &i18n::Texts) -> Vec<(&'static str, i64)> {
    let rows = [
        (t.b_items, b.items.0),
        (t.b_discounts, -b.discounts.0),
        (t.b_original_shipping, b.original_shipping.0),
        (t.b_restocking, -b.restocking_fee.0),
        (t.b_free_shipping, -b.free_shipping_deduction.0),
        (t.b_inspection, -b.inspection_deduction.0),
        (t.b_agreed, -b.agreed_reduction.0),
        (t.b_capped, -b.capped_by.0),
        (t.b_postage, b.return_postage.0),
        (t.b_goodwill, b.goodwill.0),
    ];
    rows.into_iter().filter(|(_, v)| *v != 0).collect()
}

/// A refund with its breakdown (DOMAIN.md: "Every refund shows its breakdown").
#[component]
pub fn Breakdown(breakdown: RefundBreakdown, currency: String) -> impl IntoView {
    let lang = use_lang();
    let b = breakdown.clone();
    let cur = currency.clone();
    let rows = move || {
        let t = i18n::t(lang.get());
        breakdown_rows(&b, t)
            .into_iter()
            .map(|(label, v)| {
                let class = if v < 0 {
                    "amount amount-minus"
                } else {
                    "amount"
                };
                view! {
                    <div class="row">
                        <dt>{label}</dt>
                        <dd class=class>{format::money(shared::domain::Money(v), &cur)}</dd>
                    </div>
                }
            })
            .collect_view()
    };
    let total = format::money(breakdown.total, &currency);
    let insurance = breakdown.insurance_payout;
    view! {
        <dl class="breakdown" data-testid="breakdown">
            {rows}
            <div class="row row-total">
                <dt>{tr(lang, |t| t.b_total)}</dt>
                <dd class="amount" data-testid="refund-total">{total}</dd>
            </div>
        </dl>
        {insurance.is_positive().then(|| view! {
            <p class="muted small" data-testid="insurance">
                {tr(lang, |t| t.insurance_pays)}" "{format::money(insurance, &currency)}
            </p>
        })}
    }
}

/// A text field's value, read reactively. One closure type for every bound field, so the view
/// code for `prop:value` is compiled once.
pub fn field_value(s: RwSignal<String>) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    move || s.get()
}

/// Writes a text field's input into its signal (one handler type for every bound field).
pub fn on_field_input(s: RwSignal<String>) -> impl Fn(web_sys::Event) + Copy + 'static {
    move |ev| s.set(event_target_value(&ev))
}

/// Moves the keyboard and screen-reader focus to the first element matching `selector` once the
/// page has drawn what was just changed (effects run first, on microtasks).
pub fn focus_soon(selector: &'static str) {
    set_timeout(
        move || {
            if let Some(el) = document()
                .query_selector(selector)
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = el.focus();
            }
        },
        std::time::Duration::ZERO,
    );
}
