//! The thin Leptos layer: each screen draws its model and performs its effects. Nothing here
//! decides anything; a view reads the model through [`Core::with`] and sends messages.

mod analytics;
mod case;
mod invite;
mod me;
mod outbox;
mod queue;
mod receive;
mod replies;
mod review;
mod settings;
mod signin;
mod team;

use leptos::prelude::*;
use shared::Lang;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::admin::api::Api;
use crate::admin::model::shell::{Effect, Msg, Session, Shell};
use crate::admin::route::{BASE, Screen, Tab};
use crate::admin::text::{self, t};
use crate::core::Core;

const LANG_KEY: &str = "aftersales.admin.lang";
/// Who last signed in on this device (name and role, never a secret): an offline start shows
/// their screens from what the service worker kept.
const STAFF_KEY: &str = "aftersales.admin.staff";

/// What every screen reads: the shell (session, language) and a way to reach it.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    /// The shell.
    pub shell: Core<Shell>,
}

impl Ctx {
    /// The context of the app.
    pub fn get() -> Self {
        use_context::<Self>().unwrap_or_else(|| {
            // Only reachable if a screen is drawn outside the app; start a signed-out shell.
            Self {
                shell: Core::new(Shell::new(Lang::ZhCn, BASE, ""), |_, _| {}),
            }
        })
    }

    /// The language (reactive).
    pub fn lang(&self) -> Lang {
        self.shell.with(|s| s.lang)
    }

    /// A client in the current language with the session's CSRF token.
    pub fn api(&self) -> Api {
        self.shell.with_untracked(|s| Api {
            lang: s.lang,
            csrf: match &s.session {
                Session::In(v) => v.csrf_token.clone(),
                _ => String::new(),
            },
        })
    }

    /// The current texts (reactive).
    pub fn t(&self) -> &'static text::Texts {
        t(self.lang())
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn initial_lang() -> Lang {
    match storage()
        .and_then(|s| s.get_item(LANG_KEY).ok().flatten())
        .as_deref()
    {
        Some("en") => Lang::En,
        Some("zh-CN") => Lang::ZhCn,
        _ => {
            let nav = web_sys::window().map(|w| w.navigator());
            let list: Vec<String> = nav
                .map(|n| n.languages().iter().filter_map(|v| v.as_string()).collect())
                .unwrap_or_default();
            Lang::from_accept_language(&list.join(","))
        }
    }
}

fn location() -> (String, String) {
    let loc = web_sys::window().map(|w| w.location());
    let path = loc
        .as_ref()
        .and_then(|l| l.pathname().ok())
        .unwrap_or_default();
    let query = loc
        .and_then(|l| l.search().ok())
        .map(|q| q.trim_start_matches('?').to_string())
        .unwrap_or_default();
    (path, query)
}

fn navigate(path: &str, replace: bool) {
    let Some(history) = web_sys::window().and_then(|w| w.history().ok()) else {
        return;
    };
    let _ = if replace {
        history.replace_state_with_url(&JsValue::NULL, "", Some(path))
    } else {
        history.push_state_with_url(&JsValue::NULL, "", Some(path))
    };
    let _ = web_sys::window().map(|w| w.scroll_to_with_x_and_y(0.0, 0.0));
}

pub(crate) fn perform(effect: Effect, shell: Core<Shell>) {
    match effect {
        Effect::CheckSession => {
            let api = Ctx { shell }.api();
            spawn(async move {
                match api.me().await {
                    Err(e) if e.status == 0 => {
                        shell.send(Msg::SessionUnreachable(outbox::read_stored(STAFF_KEY)))
                    }
                    me => shell.send(Msg::SessionChecked(me.ok())),
                }
            });
        }
        Effect::Navigate { path, replace } => navigate(&path, replace),
        Effect::SignOut => {
            let api = Ctx { shell }.api();
            spawn(async move {
                let _ = api.logout().await;
            });
        }
        Effect::SaveLang(lang) => {
            if let Some(s) = storage() {
                let _ = s.set_item(LANG_KEY, lang.tag());
            }
        }
        Effect::Remember(staff) => {
            if let Some(s) = storage() {
                let _ = match staff.and_then(|v| serde_json::to_string(&v).ok()) {
                    Some(text) => s.set_item(STAFF_KEY, &text),
                    None => s.remove_item(STAFF_KEY),
                };
            }
        }
        Effect::ForgetStored => outbox::forget_stored(),
        Effect::FlushOutbox => outbox::flush(),
        Effect::Title(title) => {
            document().set_title(&title);
            if let Some(root) = document().document_element() {
                let _ = root.set_attribute("lang", shell.with_untracked(|s| s.lang.tag()));
            }
        }
    }
}

/// A language in its own name (how its speaker recognises it).
pub const fn lang_name(lang: Lang) -> &'static str {
    match lang {
        Lang::ZhCn => "中文",
        Lang::En => "English",
    }
}

/// Runs a future on the browser's event loop.
pub fn spawn(f: impl std::future::Future<Output = ()> + 'static) {
    wasm_bindgen_futures::spawn_local(f);
}

/// Same-origin clicks on `/admin` links become navigations without a reload.
fn intercept_links(shell: Core<Shell>) {
    let handler = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |ev: web_sys::MouseEvent| {
        if ev.default_prevented()
            || ev.button() != 0
            || ev.meta_key()
            || ev.ctrl_key()
            || ev.shift_key()
        {
            return;
        }
        let anchor = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("a[href]").ok().flatten())
            .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
        let Some(a) = anchor else { return };
        let same_origin = web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .is_some_and(|o| o == a.origin());
        let path = a.pathname();
        if !same_origin || !(path == BASE || path.starts_with("/admin/")) {
            return;
        }
        ev.prevent_default();
        let query = a.search().trim_start_matches('?').to_string();
        let full = if query.is_empty() {
            path.clone()
        } else {
            format!("{path}?{query}")
        };
        navigate(&full, false);
        shell.send(Msg::Located { path, query });
    });
    let _ = document().add_event_listener_with_callback("click", handler.as_ref().unchecked_ref());
    handler.forget();
    let pop = Closure::<dyn Fn()>::new(move || {
        let (path, query) = location();
        shell.send(Msg::Located { path, query });
    });
    if let Some(w) = web_sys::window() {
        let _ = w.add_event_listener_with_callback("popstate", pop.as_ref().unchecked_ref());
    }
    pop.forget();
}

/// Draws a screen of one bundle; `None` for a screen of the other.
type Screens = fn(Screen) -> Option<AnyView>;

/// The daily admin (the first load): the queue, a case, receiving, the account, signing in.
pub fn start_daily() {
    leptos::mount::mount_to_body(|| {
        view! { <App screens=daily_screens desk=false with_outbox=Some(outbox::start_outbox)/> }
    });
}

/// The owner's desk (loaded when one of its screens is opened): analytics, settings, the team,
/// the canned replies.
pub fn start_desk() {
    leptos::mount::mount_to_body(
        || view! { <App screens=desk_screens desk=true with_outbox=None/> },
    );
}

fn daily_screens(screen: Screen) -> Option<AnyView> {
    Some(match screen {
        Screen::Queue => view! { <queue::QueueScreen/> }.into_any(),
        Screen::Case(id) => view! { <case::CaseScreenView id=id/> }.into_any(),
        Screen::Receive => view! { <receive::ReceiveScreen/> }.into_any(),
        Screen::Me => view! { <me::MeScreen/> }.into_any(),
        _ => return None,
    })
}

fn desk_screens(screen: Screen) -> Option<AnyView> {
    Some(match screen {
        Screen::Analytics => view! { <analytics::AnalyticsScreen/> }.into_any(),
        Screen::Settings => view! { <settings::SettingsScreen/> }.into_any(),
        Screen::Team => view! { <team::TeamScreen/> }.into_any(),
        Screen::Replies => view! { <replies::RepliesScreen/> }.into_any(),
        Screen::Invite(token) => view! { <invite::InviteScreen token=token/> }.into_any(),
        Screen::RecordReview => view! { <review::RecordReviewScreen/> }.into_any(),
        _ => return None,
    })
}

/// Loads the page of the other bundle for `path` (its code is not in this one).
fn load_page(path: &str) {
    if let Some(location) = web_sys::window().map(|w| w.location()) {
        let _ = location.replace(path);
    }
}

/// The whole admin: the frame (session, language, tab bar, offline banner and, `with_outbox`,
/// the outbox) around the screens of one bundle (`desk`: the owner's desk's). Each bundle's
/// entry names its own `screens` and outbox, so what it does not use is never linked into it
/// (the desk records nothing offline: its bundle has no outbox).
#[component]
fn App(screens: Screens, desk: bool, with_outbox: Option<fn(Ctx) -> AnyView>) -> impl IntoView {
    let (path, query) = location();
    let shell = Core::new(Shell::new(initial_lang(), &path, &query), perform);
    let ctx = Ctx { shell };
    provide_context(ctx);
    intercept_links(shell);
    crate::admin::api::on_connection(move |c| shell.send(Msg::Connection(c)));
    outbox::start(ctx);
    let outbox_panel = with_outbox.map(|start| start(ctx));
    perform(Effect::CheckSession, shell);
    perform(Effect::Title(shell.with_untracked(Shell::title)), shell);
    let screen = Memo::new(move |_| shell.with(|s| s.screen.clone()));
    let signed_in = Memo::new(move |_| shell.with(|s| matches!(s.session, Session::In(_))));
    let checking = Memo::new(move |_| shell.with(|s| matches!(s.session, Session::Checking)));
    view! {
        <main class="admin" id="main">
            <outbox::OfflineBanner/>
            {outbox_panel}
            {move || {
                let screen = screen.get();
                if checking.get() {
                    return view! { <p class="center muted" data-testid="checking">{move || ctx.t().loading}</p> }.into_any();
                }
                match (screen, signed_in.get()) {
                    // Accepting an invitation needs no session; the desk's bundle draws it.
                    (screen @ Screen::Invite(_), _) => {
                        let path = screen.path();
                        screens(screen).unwrap_or_else(|| {
                            load_page(&path);
                            view! { <p class="center muted">{move || ctx.t().loading}</p> }.into_any()
                        })
                    }
                    (Screen::SignIn { .. }, _) | (_, false) => view! { <signin::SignInScreen/> }.into_any(),
                    (Screen::NotFound, true) => view! {
                        <section class="card center" data-testid="not-found">
                            <p>{move || ctx.t().not_found}</p>
                            <a class="btn" href="/admin">{move || ctx.t().tab_queue}</a>
                        </section>
                    }.into_any(),
                    (screen, true) => {
                        let path = screen.path();
                        let in_desk = screen.in_desk();
                        match screens(screen) {
                            Some(view) => view,
                            // The other bundle's screen: its page (the worker serves it by the
                            // same list, so this page is never served for it again).
                            None if in_desk != desk => {
                                load_page(&path);
                                view! { <p class="center muted">{move || ctx.t().loading}</p> }.into_any()
                            }
                            None => view! { <p class="card center" data-testid="not-found">{move || ctx.t().not_found}</p> }.into_any(),
                        }
                    }
                }
            }}
        </main>
        <TabBar/>
    }
}

fn tab_label(tab: Tab, texts: &text::Texts) -> &'static str {
    match tab {
        Tab::Queue => texts.tab_queue,
        Tab::Receive => texts.tab_receive,
        Tab::Analytics => texts.tab_analytics,
        Tab::Me => texts.tab_me,
    }
}

/// A tab's icon: one SVG path each (24×24, stroked), drawn in the text colour.
fn tab_icon(tab: Tab) -> &'static str {
    match tab {
        Tab::Queue => "M4 6h16M4 12h16M4 18h10",
        Tab::Receive => "M3 8l9-5 9 5v8l-9 5-9-5zM3 8l9 5 9-5M12 13v8",
        Tab::Analytics => "M5 20V11M12 20V4M19 20v-6",
        Tab::Me => "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21a8 8 0 0 1 16 0",
    }
}

/// The bottom tab bar with its badges.
#[component]
fn TabBar() -> impl IntoView {
    let ctx = Ctx::get();
    let shell = ctx.shell;
    move || {
        let tabs = shell.with(Shell::tabs);
        if tabs.is_empty() {
            return None;
        }
        let current = shell.with(|s| s.screen.tab());
        let texts = ctx.t();
        Some(view! {
            <nav class="tabbar" data-testid="tabbar">
                {tabs.into_iter().map(|tab| {
                    let badge = shell.with(|s| s.badge(tab));
                    let active = current == Some(tab);
                    view! {
                        <button type="button" class="tab" class:active=active
                            aria-current=if active { Some("page") } else { None }
                            data-testid=format!("tab-{}", tab_label(tab, &text::EN).to_ascii_lowercase())
                            on:click=move |_| shell.send(Msg::Go(tab.screen()))>
                            <svg class="tab-icon" viewBox="0 0 24 24" aria-hidden="true"><path d=tab_icon(tab)/></svg>
                            <span>{tab_label(tab, texts)}</span>
                            {badge.map(|n| view! { <span class="badge" data-testid="tab-badge">{n.min(99)}</span> })}
                        </button>
                    }
                }).collect_view()}
            </nav>
        })
    }
}

/// Draws an error with a retry button.
#[component]
pub fn ErrorBox(message: String, on_retry: Callback<()>) -> impl IntoView {
    let ctx = Ctx::get();
    view! {
        <div class="alert" role="alert" data-testid="error">
            <p>{message}</p>
            <button type="button" class="btn btn-small" on:click=move |_| on_retry.run(())>{move || ctx.t().retry}</button>
        </div>
    }
}
