//! Recording a bad review by hand: the form, then the follow-up case it opened. Draws
//! `model::review`.

use leptos::prelude::*;

use super::{Ctx, spawn};
use crate::admin::model::review::{Effect, Msg, RecordReview};
use crate::admin::model::shell;
use crate::admin::route::Screen;
use crate::admin::text::review_t;
use crate::core::Core;

fn perform(ctx: Ctx, effect: Effect, core: Core<RecordReview>) {
    match effect {
        Effect::Record { order, review, key } => {
            let api = ctx.api();
            spawn(async move {
                let answer = api.record_review(&order, &review, &key).await;
                core.send(Msg::Answered(answer.map(|view| view.case.id)));
            });
        }
        Effect::OpenCase(id) => ctx.shell.send(shell::Msg::Go(Screen::Case(id))),
    }
}

/// The form.
#[component]
pub fn RecordReviewScreen() -> impl IntoView {
    let ctx = Ctx::get();
    let core = Core::new(
        RecordReview::new(crate::random::idempotency_key()),
        move |effect, core| perform(ctx, effect, core),
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        core.send(Msg::Submit);
    };
    let problem = move |field: &'static str| {
        move || {
            core.with(|m| {
                m.problem(field).map(|p| {
                    let text = if ctx.lang() == shared::Lang::ZhCn {
                        p.zh.clone()
                    } else {
                        p.en.clone()
                    };
                    view! { <p class="alert small" data-testid=format!("review-problem-{field}")>{text}</p> }
                })
            })
        }
    };
    let stars = move || {
        (1..=5u8)
            .map(|n| {
                view! {
                    <button type="button" class="star" data-testid=format!("review-star-{n}")
                        aria-label=format!("{n}/5")
                        aria-pressed=move || (core.with(|m| m.rating) == n).to_string()
                        on:click=move |_| core.send(Msg::Rating(n))>
                        {move || if core.with(|m| m.rating) >= n { "★" } else { "☆" }}
                    </button>
                }
            })
            .collect_view()
    };
    view! {
        <section class="card narrow" data-testid="record-review">
            <h1>{move || review_t(ctx.lang()).title}</h1>
            <p class="muted small">{move || review_t(ctx.lang()).intro}</p>
            <form on:submit=submit data-testid="review-form">
                <label class="field">
                    <span>{move || review_t(ctx.lang()).order}</span>
                    <input type="text" autocomplete="off" spellcheck="false" data-testid="review-order"
                        prop:value=move || core.with(|m| m.order.clone())
                        on:input=move |ev| core.send(Msg::Order(event_target_value(&ev)))/>
                </label>
                {problem("order")}
                <div class="field">
                    <span id="review-rating-label">{move || review_t(ctx.lang()).rating}</span>
                    <div class="stars" role="group" aria-labelledby="review-rating-label">{stars}</div>
                </div>
                {problem("rating")}
                <label class="field">
                    <span>{move || review_t(ctx.lang()).text}</span>
                    <textarea rows="4" data-testid="review-text"
                        prop:value=move || core.with(|m| m.text.clone())
                        on:input=move |ev| core.send(Msg::Text(event_target_value(&ev)))></textarea>
                </label>
                {problem("text")}
                <label class="field">
                    <span>{move || review_t(ctx.lang()).platform}{move || review_t(ctx.lang()).optional}</span>
                    <input type="text" data-testid="review-platform"
                        placeholder=move || review_t(ctx.lang()).platform_hint
                        prop:value=move || core.with(|m| m.platform.clone())
                        on:input=move |ev| core.send(Msg::Platform(event_target_value(&ev)))/>
                </label>
                {problem("platform")}
                <label class="field">
                    <span>{move || review_t(ctx.lang()).external_ref}{move || review_t(ctx.lang()).optional}</span>
                    <input type="text" data-testid="review-ref"
                        placeholder=move || review_t(ctx.lang()).external_ref_hint
                        prop:value=move || core.with(|m| m.external_ref.clone())
                        on:input=move |ev| core.send(Msg::ExternalRef(event_target_value(&ev)))/>
                </label>
                {problem("external_ref")}
                <label class="field">
                    <span>{move || review_t(ctx.lang()).sku}{move || review_t(ctx.lang()).optional}</span>
                    <input type="text" data-testid="review-sku"
                        prop:value=move || core.with(|m| m.sku.clone())
                        on:input=move |ev| core.send(Msg::Sku(event_target_value(&ev)))/>
                </label>
                {problem("sku")}
                {move || core.with(|m| m.error.clone()).map(|e| view! {
                    <p class="alert" role="alert" data-testid="review-error" data-code=e.code.as_str().to_string()>{e.message}</p>
                })}
                <button type="submit" class="btn btn-primary btn-block" data-testid="review-submit"
                    disabled=move || core.with(|m| m.pending)>
                    {move || if core.with(|m| m.pending) { review_t(ctx.lang()).sending } else { review_t(ctx.lang()).submit }}
                </button>
            </form>
        </section>
    }
}
