//! An invitation's page: who is invited, a password, then signed in on the queue. Draws
//! `model::invite`.

use leptos::prelude::*;
use shared::i18n::labels;

use super::{Ctx, spawn};
use crate::admin::model::invite::{Accept, Effect, Msg};
use crate::admin::model::shell;
use crate::core::Core;

fn perform(ctx: Ctx, effect: Effect, core: Core<Accept>) {
    let api = ctx.api();
    match effect {
        Effect::Load(token) => {
            spawn(async move { core.send(Msg::Loaded(api.invite_of(&token).await)) })
        }
        Effect::Accept { token, password } => {
            spawn(
                async move { core.send(Msg::Answered(api.accept_invite(&token, &password).await)) },
            );
        }
        Effect::SignedIn(session) => ctx.shell.send(shell::Msg::SignedIn(session)),
    }
}

/// The invitation's page.
#[component]
pub fn InviteScreen(token: String) -> impl IntoView {
    let ctx = Ctx::get();
    let (model, first) = Accept::start(&token);
    let core = Core::new(model, move |effect, core| perform(ctx, effect, core));
    for effect in first {
        perform(ctx, effect, core);
    }
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        core.send(Msg::Submit);
    };
    // A memo: the page is drawn again when the invitation's state changes, not at each
    // keystroke in the password field.
    let invite = Memo::new(move |_| core.with(|m| m.invite.clone()));
    move || {
        let t = ctx.t();
        match invite.get() {
            None => view! { <p class="center muted">{t.loading}</p> }.into_any(),
            Some(Err(e)) => view! {
                <section class="card narrow">
                    <p class="alert" role="alert" data-testid="invite-error" data-code=e.code.as_str().to_string()>{e.message}</p>
                    <a class="btn btn-block" href="/admin/signin" data-testid="invite-sign-in">{t.go_sign_in}</a>
                </section>
            }.into_any(),
            Some(Ok(invite)) => view! {
                <section class="card narrow" data-testid="invite-page">
                    <h1>{t.join_title}</h1>
                    <p class="muted small">{t.invited_as}</p>
                    <p class="big" data-testid="invite-name">{invite.name.clone()}</p>
                    <p class="muted">{invite.email.clone()} " · " <span data-testid="invite-role">{labels::role(invite.role, ctx.lang())}</span></p>
                    <form on:submit=submit data-testid="accept-form">
                        <input type="email" hidden autocomplete="username" prop:value=invite.email.clone()/>
                        <label class="field">
                            <span>{t.new_password}</span>
                            <input type="password" autocomplete="new-password" data-testid="accept-password"
                                prop:value=move || core.with(|m| m.password.clone())
                                on:input=move |ev| core.send(Msg::Password(event_target_value(&ev)))/>
                        </label>
                        {move || core.with(|m| m.problem.clone()).map(|p| view! {
                            <p class="alert small" data-testid="accept-problem">{p.message(ctx.lang()).to_string()}</p>
                        })}
                        {move || core.with(|m| m.error.clone()).map(|e| view! {
                            <p class="alert" role="alert" data-testid="accept-error">{e.message}</p>
                        })}
                        <button type="submit" class="btn btn-primary btn-block" data-testid="accept-submit"
                            disabled=move || core.with(|m| m.pending)>
                            {move || if core.with(|m| m.pending) { ctx.t().joining } else { ctx.t().join }}
                        </button>
                    </form>
                </section>
            }.into_any(),
        }
    }
}
