//! The owner's team: accounts (role, disable, enable), pending invitations, and the invite form
//! whose answer is a link to copy. Draws `model::team`.

use leptos::prelude::*;
use shared::domain::Role;
use shared::i18n::labels;

use super::{Ctx, spawn};
use crate::admin::model::shell::{self, Session};
use crate::admin::model::team::{Effect, Msg, Team};
use crate::core::Core;

const ROLES: [Role; 3] = [Role::Agent, Role::Warehouse, Role::Owner];

fn role_code(role: Role) -> &'static str {
    match role {
        Role::Agent => "agent",
        Role::Warehouse => "warehouse",
        Role::Owner => "owner",
    }
}

fn role_of(code: &str) -> Role {
    ROLES
        .into_iter()
        .find(|r| role_code(*r) == code)
        .unwrap_or(Role::Agent)
}

/// The page's origin, to turn an invitation's path into the link to send.
fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// Puts `text` on the clipboard where the browser allows it (the link stays selectable anyway).
fn copy(text: &str) {
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
        return;
    };
    let clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into()).ok();
    let write = clipboard
        .as_ref()
        .and_then(|c| js_sys::Reflect::get(c, &"writeText".into()).ok())
        .and_then(|f| wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(f).ok());
    if let (Some(clipboard), Some(write)) = (clipboard, write) {
        let _ = write.call1(&clipboard, &text.into());
    }
}

fn perform(ctx: Ctx, effect: Effect, core: Core<Team>) {
    let api = ctx.api();
    match effect {
        Effect::LoadAccounts => {
            spawn(async move { core.send(Msg::Accounts(api.accounts().await)) })
        }
        Effect::LoadInvites => spawn(async move { core.send(Msg::Invites(api.invites().await)) }),
        Effect::Invite(request) => {
            spawn(async move { core.send(Msg::Invited(api.invite(&request).await)) });
        }
        Effect::Change(id, change) => {
            spawn(async move { core.send(Msg::Changed(api.change_account(&id, &change).await)) });
        }
        Effect::SignedOut => ctx.shell.send(shell::Msg::SessionExpired),
    }
}

/// The Team screen (owner).
#[component]
pub fn TeamScreen() -> impl IntoView {
    let ctx = Ctx::get();
    let me = ctx.shell.with_untracked(|s| match &s.session {
        Session::In(v) => v.staff.id.clone(),
        _ => String::new(),
    });
    let (model, first) = Team::start(&me);
    let core = Core::new(model, move |effect, core| perform(ctx, effect, core));
    for effect in first {
        perform(ctx, effect, core);
    }
    let copied = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        copied.set(false);
        core.send(Msg::SubmitInvite);
    };
    let lang = move || ctx.lang();
    let problem = move |field: &'static str| {
        move || {
            core.with(|m| m.problem(field).map(|p| p.message(ctx.lang()).to_string()))
                .map(|text| view! { <p class="alert small" data-testid=format!("problem-{field}")>{text}</p> })
        }
    };
    view! {
        <a class="btn btn-small" href="/admin/me" data-testid="back">{move || ctx.t().back}</a>
        <h1>{move || ctx.t().team_title}</h1>
        {move || core.with(|m| m.error.clone()).map(|e| view! {
            <p class="alert" role="alert" data-testid="team-error" data-code=e.code.as_str().to_string()>{e.message}</p>
        })}
        <section class="card">
            <ul class="rows team" data-testid="accounts">
                {move || core.with(|m| m.accounts.clone()).unwrap_or_default().into_iter().map(|a| {
                    let id = a.id.clone();
                    let (id_role, id_active) = (id.clone(), id.clone());
                    let mine = a.id == me;
                    let active = a.active;
                    let demotable = core.with(|m| m.allows(&a.id, &shared::api::team::AccountChange { role: Some(Role::Agent), active: None }));
                    let disablable = core.with(|m| m.allows(&a.id, &shared::api::team::AccountChange { role: None, active: Some(false) }));
                    view! {
                        <li class="row account" class:off=!active data-testid="account" data-email=a.email.clone()
                            data-role=role_code(a.role) data-active=active.to_string()>
                            <div class="account-head">
                                <strong>{a.name.clone()}{mine.then(|| ctx.t().you)}</strong>
                                <span class="muted small">{a.email.clone()}</span>
                                {(!active).then(|| view! { <span class="chip small">{move || ctx.t().disabled}</span> })}
                            </div>
                            <div class="account-actions">
                                <select data-testid="account-role" aria-label=move || ctx.t().role
                                    disabled=move || core.with(|m| m.busy) || (a.role == Role::Owner && !demotable)
                                    on:change=move |ev| core.send(Msg::SetRole(id_role.clone(), role_of(&event_target_value(&ev))))>
                                    {ROLES.into_iter().map(|r| view! {
                                        <option value=role_code(r) selected=r == a.role>{move || labels::role(r, lang())}</option>
                                    }).collect_view()}
                                </select>
                                <button type="button" class="btn btn-small" data-testid="account-toggle"
                                    disabled=move || core.with(|m| m.busy) || (active && !disablable)
                                    on:click=move |_| core.send(Msg::SetActive(id_active.clone(), !active))>
                                    {move || if active { ctx.t().disable } else { ctx.t().enable }}
                                </button>
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <p class="muted small">{move || ctx.t().last_owner_hint}</p>
        </section>
        <section class="card">
            <h2>{move || ctx.t().invite_title}</h2>
            <form on:submit=submit data-testid="invite-form">
                <label class="field">
                    <span>{move || ctx.t().email}</span>
                    <input type="email" data-testid="invite-email" autocomplete="off"
                        prop:value=move || core.with(|m| m.form.email.clone())
                        on:input=move |ev| core.send(Msg::Email(event_target_value(&ev)))/>
                </label>
                {problem("email")}
                <label class="field">
                    <span>{move || ctx.t().name}</span>
                    <input type="text" data-testid="invite-name" autocomplete="off"
                        prop:value=move || core.with(|m| m.form.name.clone())
                        on:input=move |ev| core.send(Msg::Name(event_target_value(&ev)))/>
                </label>
                {problem("name")}
                <label class="field">
                    <span>{move || ctx.t().role}</span>
                    <select data-testid="invite-role" on:change=move |ev| core.send(Msg::Role(role_of(&event_target_value(&ev))))>
                        {ROLES.into_iter().map(|r| view! {
                            <option value=role_code(r) selected=move || core.with(|m| m.form.role == r)>{move || labels::role(r, lang())}</option>
                        }).collect_view()}
                    </select>
                </label>
                <button type="submit" class="btn btn-primary btn-block" data-testid="invite-submit"
                    disabled=move || core.with(|m| m.busy)>{move || ctx.t().create_invite}</button>
            </form>
            {move || core.with(|m| m.link.clone()).map(|path| {
                let link = format!("{}{path}", origin());
                let to_copy = link.clone();
                view! {
                    <div class="alert ok" data-testid="invite-created">
                        <p class="small">{move || ctx.t().invite_link_hint}</p>
                        <input type="text" readonly class="link" data-testid="invite-link" prop:value=link
                            on:focus=move |ev| {
                                if let Some(input) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok()) {
                                    input.select();
                                }
                            }/>
                        <button type="button" class="btn btn-small" data-testid="invite-copy"
                            on:click=move |_| { copy(&to_copy); copied.set(true); }>
                            {move || if copied.get() { ctx.t().copied } else { ctx.t().copy }}
                        </button>
                    </div>
                }
            })}
        </section>
        <section class="card">
            <h2>{move || ctx.t().pending_invites}</h2>
            <ul class="rows" data-testid="invites">
                {move || core.with(|m| m.invites.clone()).into_iter().map(|i| view! {
                    <li class="row account" data-testid="invite" data-email=i.email.clone()>
                        <strong>{i.name.clone()}</strong>
                        <span class="muted small">{i.email.clone()} " · " {move || labels::role(i.role, lang())}</span>
                        <span class="muted small">{move || ctx.t().expires} " "
                            {move || crate::format::date_time(i.expires_at, 480, lang())}</span>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}
