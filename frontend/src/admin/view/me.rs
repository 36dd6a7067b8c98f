//! The account: who is signed in, the team and the canned replies (the owner edits them,
//! others read), the language, sign out.

use leptos::prelude::*;
use shared::Lang;
use shared::domain::Role;
use shared::i18n::labels;

use super::{Ctx, lang_name};
use crate::admin::model::shell::{Msg, Session};
use crate::admin::route::Screen;

/// The Me tab.
#[component]
pub fn MeScreen() -> impl IntoView {
    let ctx = Ctx::get();
    let shell = ctx.shell;
    let staff = move || match shell.with(|s| s.session.clone()) {
        Session::In(v) => Some(v.staff),
        _ => None,
    };
    view! {
        <section class="card" data-testid="me">
            <p class="muted small">{move || ctx.t().signed_in_as}</p>
            {move || staff().map(|s| view! {
                <p class="big" data-testid="me-name">{s.name.clone()}</p>
                <p class="muted">{s.email.clone()} " · " <span data-testid="me-role">{labels::role(s.role, ctx.lang())}</span></p>
            })}
        </section>
        // The owner's desk lives here: the tab bar has no room for a fifth tab on a phone.
        <section class="card links" data-testid="me-links">
            {move || (shell.with(|s| s.role()) == Some(Role::Owner)).then(|| view! {
                <a class="btn btn-block" href=Screen::Settings.path() data-testid="open-settings">
                    {crate::admin::text::settings_t(ctx.lang()).link}</a>
                <a class="btn btn-block" href="/admin/team" data-testid="open-team">{move || ctx.t().manage_team}</a>
            })}
            {move || matches!(shell.with(|s| s.role()), Some(Role::Owner | Role::Agent)).then(|| view! {
                <a class="btn btn-block" href=Screen::RecordReview.path() data-testid="open-record-review">
                    {crate::admin::text::review_t(ctx.lang()).link}</a>
            })}
            <a class="btn btn-block" href="/admin/replies" data-testid="open-replies">{move || {
                if shell.with(|s| s.role()) == Some(Role::Owner) { ctx.t().manage_replies } else { ctx.t().view_replies }
            }}</a>
        </section>
        <section class="card">
            <p class="muted small">{move || ctx.t().language}</p>
            <div class="segmented" role="group">
                <button type="button" class:active=move || ctx.lang() == Lang::ZhCn data-testid="lang-zh"
                    on:click=move |_| shell.send(Msg::SetLang(Lang::ZhCn))>{lang_name(Lang::ZhCn)}</button>
                <button type="button" class:active=move || ctx.lang() == Lang::En data-testid="lang-en"
                    on:click=move |_| shell.send(Msg::SetLang(Lang::En))>{lang_name(Lang::En)}</button>
            </div>
        </section>
        <button type="button" class="btn btn-block" data-testid="sign-out"
            on:click=move |_| shell.send(Msg::SignOut)>{move || ctx.t().sign_out}</button>
    }
}
