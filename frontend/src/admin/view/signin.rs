//! The sign-in screen.

use leptos::prelude::*;

use super::{Ctx, spawn};
use crate::admin::model::shell;
use crate::admin::model::signin::{Effect, Msg, SignIn};
use crate::core::Core;

/// Sign in, then back to where the staff member was.
#[component]
pub fn SignInScreen() -> impl IntoView {
    let ctx = Ctx::get();
    let core = Core::new(
        SignIn::default(),
        move |effect, core: Core<SignIn>| match effect {
            Effect::Login { email, password } => {
                let api = ctx.api();
                spawn(async move { core.send(Msg::Answered(api.login(&email, &password).await)) });
            }
            Effect::SignedIn(session) => ctx.shell.send(shell::Msg::SignedIn(session)),
        },
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        core.send(Msg::Submit);
    };
    view! {
        <section class="card narrow signin">
            <h1>{move || ctx.t().sign_in_title}</h1>
            <form on:submit=submit data-testid="signin-form">
                <label class="field">
                    <span>{move || ctx.t().email}</span>
                    <input type="email" name="email" autocomplete="username" required data-testid="signin-email"
                        prop:value=move || core.with(|m| m.email.clone())
                        on:input=move |ev| core.send(Msg::Email(event_target_value(&ev)))/>
                </label>
                <label class="field">
                    <span>{move || ctx.t().password}</span>
                    <input type="password" name="password" autocomplete="current-password" required data-testid="signin-password"
                        prop:value=move || core.with(|m| m.password.clone())
                        on:input=move |ev| core.send(Msg::Password(event_target_value(&ev)))/>
                </label>
                {move || core.with(|m| m.error.clone()).map(|e| view! {
                    <p class="alert" role="alert" data-testid="signin-error" data-code=e.code.as_str().to_string()>{e.message}</p>
                })}
                <button type="submit" class="btn btn-primary btn-block" data-testid="signin-submit"
                    disabled=move || core.with(|m| m.pending)>
                    {move || if core.with(|m| m.pending) { ctx.t().signing_in } else { ctx.t().sign_in }}
                </button>
            </form>
        </section>
    }
}
