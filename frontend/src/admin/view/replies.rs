//! Canned replies: the owner adds, edits, deletes and reorders them (up and down buttons) and
//! saves the list; others read it. Draws `model::replies`.

use leptos::prelude::*;
use shared::team::PLACEHOLDERS;

use super::{Ctx, spawn};
use crate::admin::model::replies::{Effect, Msg, Part, Replies};
use crate::admin::model::shell;
use crate::core::Core;

fn perform(ctx: Ctx, effect: Effect, core: Core<Replies>) {
    let api = ctx.api();
    match effect {
        Effect::Load => spawn(async move { core.send(Msg::Loaded(api.canned().await)) }),
        Effect::Save(list) => {
            spawn(async move { core.send(Msg::Saved(api.save_canned(&list).await)) });
        }
        Effect::SignedOut => ctx.shell.send(shell::Msg::SessionExpired),
    }
}

/// The Replies screen.
#[component]
pub fn RepliesScreen() -> impl IntoView {
    let ctx = Ctx::get();
    let owner = ctx
        .shell
        .with_untracked(|s| s.role() == Some(shared::domain::Role::Owner));
    let (model, first) = Replies::start(owner);
    let core = Core::new(model, move |effect, core| perform(ctx, effect, core));
    for effect in first {
        perform(ctx, effect, core);
    }
    let count = Memo::new(move |_| core.with(|m| m.list.len()));
    let row = move |i: usize| {
        let reply = move || {
            core.with(|m| m.list.get(i).cloned())
                .unwrap_or_else(|| shared::api::CannedReply {
                    id: String::new(),
                    title: String::new(),
                    zh: String::new(),
                    en: String::new(),
                })
        };
        // A memo: the editor is drawn again only when it opens or closes, not at each keystroke
        // (which would replace the field being typed in).
        let open = Memo::new(move |_| core.with(|m| m.editing == Some(i)));
        let problems = move || {
            core.with(|m| {
                m.problems_of(i)
                    .into_iter()
                    .map(|p| p.message(ctx.lang()).to_string())
                    .collect::<Vec<_>>()
            })
        };
        let text = move |part: Part| move |ev| core.send(Msg::Text(part, event_target_value(&ev)));
        view! {
            <li class="row reply-row" data-testid="reply-row" data-id=move || reply().id>
                <div class="reply-head">
                    <strong data-testid="reply-title">{move || {
                        let t = reply().title;
                        if t.trim().is_empty() { ctx.t().untitled.to_string() } else { t }
                    }}</strong>
                    {(owner).then(|| view! {
                        <div class="reply-actions">
                            <button type="button" class="btn btn-small" data-testid="reply-up" aria-label=move || ctx.t().move_up
                                disabled=move || i == 0 on:click=move |_| core.send(Msg::Up(i))>"↑"</button>
                            <button type="button" class="btn btn-small" data-testid="reply-down" aria-label=move || ctx.t().move_down
                                disabled=move || { i + 1 >= count.get() } on:click=move |_| core.send(Msg::Down(i))>"↓"</button>
                            <button type="button" class="btn btn-small" data-testid="reply-edit"
                                on:click=move |_| core.send(Msg::Edit(i))>{move || ctx.t().edit}</button>
                            <button type="button" class="btn btn-small" data-testid="reply-delete"
                                on:click=move |_| core.send(Msg::Delete(i))>{move || ctx.t().delete}</button>
                        </div>
                    })}
                </div>
                {move || (!open.get()).then(|| view! {
                    <p class="muted small reply-preview">{move || match ctx.lang() { shared::Lang::ZhCn => reply().zh, shared::Lang::En => reply().en }}</p>
                })}
                {move || open.get().then(|| view! {
                    <div class="reply-editor" data-testid="reply-editor">
                        <label class="field"><span>{move || ctx.t().reply_title}</span>
                            <input type="text" data-testid="reply-title-input" prop:value=move || reply().title on:input=text(Part::Title)/></label>
                        <label class="field"><span>{move || ctx.t().text_zh}</span>
                            <textarea rows="3" data-testid="reply-zh" prop:value=move || reply().zh on:input=text(Part::Zh)></textarea></label>
                        <label class="field"><span>{move || ctx.t().text_en}</span>
                            <textarea rows="3" data-testid="reply-en" prop:value=move || reply().en on:input=text(Part::En)></textarea></label>
                    </div>
                })}
                {move || problems().into_iter().map(|p| view! { <p class="alert small" data-testid="reply-problem">{p}</p> }).collect_view()}
            </li>
        }
    };
    view! {
        <a class="btn btn-small" href="/admin/me" data-testid="back">{move || ctx.t().back}</a>
        <h1>{move || ctx.t().replies_title}</h1>
        {(!owner).then(|| view! { <p class="alert info" data-testid="replies-read-only">{move || ctx.t().read_only_hint}</p> })}
        {owner.then(|| view! {
            <p class="muted small">{move || ctx.t().placeholders_hint} " " <code>{PLACEHOLDERS.join(" ")}</code></p>
        })}
        {move || core.with(|m| m.error.clone()).map(|e| view! {
            <p class="alert" role="alert" data-testid="replies-error">{e.message}</p>
        })}
        {move || core.with(|m| m.saved.is_none()).then(|| view! { <p class="center muted">{move || ctx.t().loading}</p> })}
        <ul class="rows" data-testid="reply-list">
            {move || (0..count.get()).map(row).collect_view()}
        </ul>
        {owner.then(|| view! {
            <div class="sticky-actions">
                <button type="button" class="btn" data-testid="reply-add" on:click=move |_| core.send(Msg::Add)>{move || ctx.t().add_reply}</button>
                {move || core.with(Replies::dirty).then(|| view! {
                    <button type="button" class="btn" data-testid="reply-discard" on:click=move |_| core.send(Msg::Discard)>{move || ctx.t().discard}</button>
                })}
                <button type="button" class="btn btn-primary" data-testid="replies-save"
                    disabled=move || core.with(|m| m.busy || !m.dirty())
                    on:click=move |_| core.send(Msg::Save)>{move || ctx.t().save}</button>
                {move || core.with(|m| m.just_saved).then(|| view! { <span class="muted small" data-testid="replies-saved">{move || ctx.t().saved}</span> })}
            </div>
        })}
    }
}
