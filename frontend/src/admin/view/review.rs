//! Recording a bad review by hand: the form, then the follow-up case it opened. Draws
//! `model::review`.
//!
//! Built for weight (it rides in the owner's desk's bundle, which has a budget): every text field
//! is the one `field` function, so its code exists once however many fields there are, and the
//! problems are one list above the button.

use leptos::prelude::*;
use shared::Lang;

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
                core.send(Msg::Answered(
                    api.record_review(&order, &review, &key).await,
                ));
            });
        }
        Effect::OpenCase(id) => ctx.shell.send(shell::Msg::Go(Screen::Case(id))),
    }
}

/// One text field: its label and hint, what it holds when drawn, and the message a keystroke
/// sends.
fn field(
    core: Core<RecordReview>,
    (label, hint): (String, &'static str),
    testid: &'static str,
    value: String,
    msg: fn(String) -> Msg,
    multiline: bool,
) -> AnyView {
    let on_input = move |ev: web_sys::Event| core.send(msg(event_target_value(&ev)));
    if multiline {
        view! { <label class="field"><span>{label}</span><textarea rows="4" data-testid=testid prop:value=value on:input=on_input></textarea></label> }.into_any()
    } else {
        view! { <label class="field"><span>{label}</span><input type="text" autocomplete="off" placeholder=hint data-testid=testid prop:value=value on:input=on_input/></label> }.into_any()
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
    // Drawn again only when the language changes; what is typed lives in the model, so a redraw
    // keeps it.
    move || {
        let lang = ctx.lang();
        let t = review_t(lang);
        let m = core.with_untracked(Clone::clone);
        let optional = |label: &str, hint| (format!("{label}{}", t.optional), hint);
        view! {
            <section class="card narrow" data-testid="record-review">
                <h1>{t.title}</h1>
                <p class="muted small">{t.intro}</p>
                <form on:submit=submit data-testid="review-form">
                    {field(core, (t.order.to_string(), ""), "review-order", m.order.clone(), Msg::Order, false)}
                    <div class="field">
                        <span>{t.rating}</span>
                        <div class="stars" role="group">
                            {(1..=5u8).map(|n| view! {
                                <button type="button" class="star" data-testid=format!("review-star-{n}")
                                    aria-label=format!("{n}/5")
                                    on:click=move |_| core.send(Msg::Rating(n))>
                                    {move || if core.with(|m| m.rating) >= n { "★" } else { "☆" }}
                                </button>
                            }).collect_view()}
                        </div>
                    </div>
                    {field(core, (t.text.to_string(), ""), "review-text", m.text.clone(), Msg::Text, true)}
                    {field(core, optional(t.platform, t.platform_hint), "review-platform", m.platform.clone(), Msg::Platform, false)}
                    {field(core, optional(t.external_ref, t.external_ref_hint), "review-ref", m.external_ref.clone(), Msg::ExternalRef, false)}
                    {field(core, optional(t.sku, ""), "review-sku", m.sku.clone(), Msg::Sku, false)}
                    {move || core.with(|m| {
                        let problems = m.problems.iter().map(|p| {
                            let text = if lang == Lang::ZhCn { p.zh.clone() } else { p.en.clone() };
                            view! { <li data-testid=format!("review-problem-{}", p.field)>{text}</li> }
                        }).collect_view();
                        let error = m.error.as_ref().map(|e| view! {
                            <p class="alert" role="alert" data-testid="review-error" data-code=e.code.as_str().to_string()>{e.message.clone()}</p>
                        });
                        let listed = (!m.problems.is_empty())
                            .then(|| view! { <ul class="alert small">{problems}</ul> });
                        view! { {listed} {error} }
                    })}
                    <button type="submit" class="btn btn-primary btn-block" data-testid="review-submit"
                        disabled=move || core.with(|m| m.pending)>
                        {move || if core.with(|m| m.pending) { t.sending } else { t.submit }}
                    </button>
                </form>
            </section>
        }
    }
}
