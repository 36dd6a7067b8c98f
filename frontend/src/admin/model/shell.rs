//! The frame around every screen: who is signed in, the language, the screen of the URL, the
//! tab bar's badges, and what happens when a session expires (sign in, then come back).

use shared::Lang;
use shared::api::{SessionView, StaffView};
use shared::domain::Role;

use crate::admin::route::{Screen, Tab};
use crate::core::Page;

/// Whether someone is signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Session {
    /// Asking the server (the first paint).
    Checking,
    /// Signed in.
    In(SessionView),
    /// Nobody, or the session expired.
    Out,
}

/// The shell's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shell {
    /// The staff member's language.
    pub lang: Lang,
    /// The screen of the URL.
    pub screen: Screen,
    /// Who is signed in.
    pub session: Session,
    /// Open cases waiting for the shop that arrived since the queue was last looked at.
    pub new_cases: u32,
    /// Cases in the queue (first page), for the Queue tab's badge.
    pub queue_count: Option<u32>,
    /// Return parcels on their way or arrived, for the Receive tab's badge.
    pub receive_count: Option<u32>,
    /// Whether the server answers, as the last call found it.
    pub connection: Connection,
}

/// Whether the server answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    /// The last call was answered by the server.
    Online,
    /// The server did not answer; the service worker answered with what it stored at this time
    /// (ms since the epoch).
    Cached(i64),
    /// No answer at all (or the browser says it is offline).
    Offline,
}

/// What happens to the shell.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// The URL changed (a link, back or forward, or the first load).
    Located {
        /// Path.
        path: String,
        /// Query without `?`.
        query: String,
    },
    /// A tab or link asks for a screen.
    Go(Screen),
    /// The server said who is signed in (or that nobody is: `None`).
    SessionChecked(Option<SessionView>),
    /// Signed in on the sign-in screen.
    SignedIn(SessionView),
    /// A call answered 401: the session expired while the page was open.
    SessionExpired,
    /// The staff member taps "sign out".
    SignOut,
    /// The language switch.
    SetLang(Lang),
    /// The queue's counts: cases listed, and cases new since the last look.
    QueueCounts {
        /// Cases on the first page.
        listed: u32,
        /// Cases not seen before.
        new: u32,
    },
    /// The receive screen's count.
    ReceiveCount(u32),
    /// How the last call went (or the browser's `online`/`offline` events).
    Connection(Connection),
    /// `GET /api/staff/me` got no answer: the staff member last signed in on this device, if any,
    /// goes on working from what the device kept.
    SessionUnreachable(Option<StaffView>),
}

/// What the shell asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// `GET /api/staff/me`.
    CheckSession,
    /// Push (or replace) the URL of a screen.
    Navigate {
        /// Where.
        path: String,
        /// Replace the history entry instead of adding one.
        replace: bool,
    },
    /// `POST /api/staff/logout`.
    SignOut,
    /// Remember the language on this device.
    SaveLang(Lang),
    /// Set `<html lang>` and the tab's title.
    Title(String),
    /// Remember who signed in on this device (for working offline), or forget (`None`).
    Remember(Option<StaffView>),
    /// Delete what the service worker stored of the API (signing out).
    ForgetStored,
    /// Send what waits in the outbox.
    FlushOutbox,
}

impl Shell {
    /// A shell in `lang` at a URL, before the server has said who is signed in.
    #[must_use]
    pub fn new(lang: Lang, path: &str, query: &str) -> Self {
        Self {
            lang,
            screen: Screen::parse(path, query),
            session: Session::Checking,
            new_cases: 0,
            queue_count: None,
            receive_count: None,
            connection: Connection::Online,
        }
    }

    /// The server cannot be reached: decisions wait, the outbox takes the warehouse's facts.
    #[must_use]
    pub fn offline(&self) -> bool {
        self.connection != Connection::Online
    }

    /// The signed-in staff member's role.
    #[must_use]
    pub fn role(&self) -> Option<Role> {
        match &self.session {
            Session::In(s) => Some(s.staff.role),
            _ => None,
        }
    }

    /// The tabs this role has: the owner and agents also see Analytics (the owner the shop's
    /// figures, an agent their own); the warehouse starts at Receive.
    #[must_use]
    pub fn tabs(&self) -> Vec<Tab> {
        match self.role() {
            Some(Role::Owner | Role::Agent) => {
                vec![Tab::Queue, Tab::Receive, Tab::Analytics, Tab::Me]
            }
            Some(Role::Warehouse) => vec![Tab::Queue, Tab::Receive, Tab::Me],
            None => Vec::new(),
        }
    }

    /// The badge on a tab.
    #[must_use]
    pub fn badge(&self, tab: Tab) -> Option<u32> {
        match tab {
            Tab::Queue => self.queue_count.filter(|n| *n > 0),
            Tab::Receive => self.receive_count.filter(|n| *n > 0),
            Tab::Analytics | Tab::Me => None,
        }
    }

    /// The tab's title: new cases first, so a background tab shows them ("(3) 售后工作台").
    #[must_use]
    pub fn title(&self) -> String {
        let name = crate::admin::text::t(self.lang).app_name;
        match self.new_cases {
            0 => name.to_string(),
            n => format!("({n}) {name}"),
        }
    }

    /// A new screen has not been read from the store yet: the age of the last screen's copy is
    /// not its own.
    fn forget_stored_copy(&mut self) {
        if matches!(self.connection, Connection::Cached(_)) {
            self.connection = Connection::Offline;
        }
    }

    /// A screen that needs no session: signing in, and an invitation's link.
    fn public(&self) -> bool {
        matches!(self.screen, Screen::SignIn { .. } | Screen::Invite(_))
    }

    fn send_to_sign_in(&mut self) -> Vec<Effect> {
        let next = match &self.screen {
            Screen::SignIn { next } => next.clone(),
            other => other.path(),
        };
        self.session = Session::Out;
        self.screen = Screen::SignIn { next };
        vec![Effect::Navigate {
            path: self.screen.path(),
            replace: true,
        }]
    }
}

impl Page for Shell {
    type Msg = Msg;
    type Effect = Effect;

    fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Located { path, query } => {
                self.screen = Screen::parse(&path, &query);
                self.forget_stored_copy();
                if self.screen == Screen::Queue {
                    self.new_cases = 0;
                    return vec![Effect::Title(self.title())];
                }
                if matches!(self.session, Session::Out) && !self.public() {
                    return self.send_to_sign_in();
                }
                Vec::new()
            }
            Msg::Go(screen) => {
                let path = screen.path();
                self.screen = screen;
                self.forget_stored_copy();
                if self.screen == Screen::Queue {
                    self.new_cases = 0;
                }
                vec![
                    Effect::Navigate {
                        path,
                        replace: false,
                    },
                    Effect::Title(self.title()),
                ]
            }
            // An accepted invitation signs in and lands on the queue (the link is spent).
            Msg::SignedIn(session) if matches!(self.screen, Screen::Invite(_)) => {
                self.session = Session::In(session);
                self.screen = Screen::Queue;
                vec![
                    Effect::Navigate {
                        path: self.screen.path(),
                        replace: true,
                    },
                    Effect::Title(self.title()),
                ]
            }
            Msg::SessionChecked(Some(session)) | Msg::SignedIn(session) => {
                let staff = session.staff.clone();
                self.session = Session::In(session);
                let mut effects = vec![Effect::Remember(Some(staff)), Effect::FlushOutbox];
                effects.extend(self.arrive());
                effects
            }
            Msg::SessionUnreachable(Some(staff)) => {
                self.connection = Connection::Offline;
                // No CSRF token until the server answers again: nothing is sent meanwhile.
                self.session = Session::In(SessionView {
                    staff,
                    csrf_token: String::new(),
                });
                self.arrive()
            }
            Msg::SessionUnreachable(None) => {
                self.connection = Connection::Offline;
                self.send_to_sign_in()
            }
            Msg::Connection(connection) => {
                let back = self.offline() && connection == Connection::Online;
                // A call that gets no answer while the screen shows a stored copy (the session
                // check, presence) does not hide how old that copy is: the banner keeps saying
                // so, whichever of the two answers comes last.
                let hides_stored_copy = connection == Connection::Offline
                    && matches!(self.connection, Connection::Cached(_));
                if !hides_stored_copy {
                    self.connection = connection;
                }
                let no_token = matches!(&self.session, Session::In(s) if s.csrf_token.is_empty());
                if back && no_token {
                    return vec![Effect::CheckSession];
                }
                if back {
                    return vec![Effect::FlushOutbox];
                }
                Vec::new()
            }
            Msg::SessionChecked(None) if matches!(self.screen, Screen::Invite(_)) => {
                self.session = Session::Out;
                Vec::new()
            }
            Msg::SessionChecked(None) | Msg::SessionExpired => self.send_to_sign_in(),
            Msg::SignOut => {
                let mut effects = vec![
                    Effect::SignOut,
                    Effect::Remember(None),
                    Effect::ForgetStored,
                ];
                self.screen = Screen::Queue;
                effects.extend(self.send_to_sign_in());
                effects
            }
            Msg::SetLang(lang) => {
                self.lang = lang;
                vec![Effect::SaveLang(lang), Effect::Title(self.title())]
            }
            Msg::QueueCounts { listed, new } => {
                // Counted until the queue is opened again (a background tab shows them in its
                // title; on the queue itself the new rows are marked too).
                self.queue_count = Some(listed);
                self.new_cases = self.new_cases.saturating_add(new);
                vec![Effect::Title(self.title())]
            }
            Msg::ReceiveCount(n) => {
                self.receive_count = Some(n);
                Vec::new()
            }
        }
    }
}

impl Shell {
    /// Signed in: a sign-in screen goes on to where it was going.
    fn arrive(&mut self) -> Vec<Effect> {
        match &self.screen {
            Screen::SignIn { next } => {
                let path = next.clone();
                let (p, q) = path.split_once('?').unwrap_or((&path, ""));
                self.screen = Screen::parse(p, q);
                vec![Effect::Navigate {
                    path,
                    replace: true,
                }]
            }
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use shared::api::StaffView;

    use super::*;

    fn session(role: Role) -> SessionView {
        SessionView {
            staff: StaffView {
                id: "st_1".into(),
                email: "a@shop.example".into(),
                name: "A".into(),
                role,
            },
            csrf_token: "t".into(),
        }
    }

    #[test]
    fn an_expired_session_signs_in_and_comes_back_to_the_same_case() {
        let mut shell = Shell::new(Lang::En, "/admin/case/AS-7", "");
        shell.update(Msg::SessionChecked(Some(session(Role::Agent))));
        let effects = shell.update(Msg::SessionExpired);
        assert_eq!(
            effects,
            vec![Effect::Navigate {
                path: "/admin/signin?next=%2Fadmin%2Fcase%2FAS-7".into(),
                replace: true
            }]
        );
        let effects = shell.update(Msg::SignedIn(session(Role::Agent)));
        assert_eq!(
            effects.last(),
            Some(&Effect::Navigate {
                path: "/admin/case/AS-7".into(),
                replace: true
            })
        );
        assert_eq!(shell.screen, Screen::Case("AS-7".into()));
    }

    #[test]
    fn nobody_signed_in_is_sent_to_sign_in_from_any_screen() {
        let mut shell = Shell::new(Lang::ZhCn, "/admin/receive", "");
        let effects = shell.update(Msg::SessionChecked(None));
        assert!(
            matches!(&effects[..], [Effect::Navigate { path, .. }] if path.starts_with("/admin/signin?next=%2Fadmin%2Freceive"))
        );
        assert_eq!(shell.session, Session::Out);
    }

    #[test]
    fn the_warehouse_has_no_analytics_tab() {
        let mut shell = Shell::new(Lang::En, "/admin", "");
        assert!(shell.tabs().is_empty());
        shell.update(Msg::SessionChecked(Some(session(Role::Warehouse))));
        assert_eq!(shell.tabs(), vec![Tab::Queue, Tab::Receive, Tab::Me]);
        shell.update(Msg::SessionChecked(Some(session(Role::Agent))));
        assert!(shell.tabs().contains(&Tab::Analytics));
        shell.update(Msg::SessionChecked(Some(session(Role::Owner))));
        assert!(shell.tabs().contains(&Tab::Analytics));
    }

    #[test]
    fn new_cases_raise_the_title_until_the_queue_is_opened() {
        let mut shell = Shell::new(Lang::En, "/admin/me", "");
        shell.update(Msg::SessionChecked(Some(session(Role::Agent))));
        shell.update(Msg::QueueCounts { listed: 5, new: 2 });
        assert_eq!(shell.title(), "(2) After-sales desk");
        assert_eq!(shell.badge(Tab::Queue), Some(5));
        shell.update(Msg::Go(Screen::Queue));
        assert_eq!(shell.title(), "After-sales desk");
    }

    #[test]
    fn an_invitation_opens_signed_out_and_lands_on_the_queue_once_accepted() {
        let mut shell = Shell::new(Lang::En, "/admin/invite/ab12", "");
        assert!(shell.update(Msg::SessionChecked(None)).is_empty());
        assert_eq!(shell.screen, Screen::Invite("ab12".into()));
        assert!(shell.tabs().is_empty());
        let effects = shell.update(Msg::SignedIn(session(Role::Agent)));
        assert_eq!(
            effects[0],
            Effect::Navigate {
                path: "/admin/".into(),
                replace: true
            }
        );
        assert_eq!(shell.screen, Screen::Queue);
    }

    #[test]
    fn team_and_replies_light_the_me_tab() {
        assert_eq!(Screen::Team.tab(), Some(Tab::Me));
        assert_eq!(Screen::Replies.tab(), Some(Tab::Me));
        assert_eq!(Screen::Invite("x".into()).tab(), None);
    }

    #[test]
    fn signing_out_forgets_the_session_and_asks_the_server() {
        let mut shell = Shell::new(Lang::En, "/admin/me", "");
        shell.update(Msg::SessionChecked(Some(session(Role::Owner))));
        let effects = shell.update(Msg::SignOut);
        assert_eq!(effects[0], Effect::SignOut);
        assert!(effects.contains(&Effect::Remember(None)));
        assert!(
            effects.contains(&Effect::ForgetStored),
            "what the device kept of the API goes"
        );
        assert_eq!(shell.session, Session::Out);
        assert_eq!(shell.role(), None);
    }

    #[test]
    fn without_an_answer_the_last_staff_member_works_from_what_the_device_kept() {
        let mut shell = Shell::new(Lang::En, "/admin", "");
        let staff = session(Role::Warehouse).staff;
        shell.update(Msg::SessionUnreachable(Some(staff)));
        assert_eq!(shell.role(), Some(Role::Warehouse));
        assert!(shell.offline());
        shell.update(Msg::Connection(Connection::Cached(1_000)));
        assert!(shell.offline(), "a stored answer is not the server");
        // A call without an answer after the stored copy keeps the copy's age on the banner...
        shell.update(Msg::Connection(Connection::Offline));
        assert_eq!(shell.connection, Connection::Cached(1_000));
        // ...until another screen opens, whose copy (if any) has its own age.
        shell.update(Msg::Go(Screen::Receive));
        assert_eq!(shell.connection, Connection::Offline);
        shell.update(Msg::Connection(Connection::Cached(2_000)));
        assert_eq!(
            shell.update(Msg::Connection(Connection::Online)),
            vec![Effect::CheckSession],
            "back online: fetch the session's token before anything is sent"
        );
        assert!(
            shell
                .update(Msg::SessionChecked(Some(session(Role::Warehouse))))
                .contains(&Effect::FlushOutbox)
        );
        let mut nobody = Shell::new(Lang::En, "/admin", "");
        nobody.update(Msg::SessionUnreachable(None));
        assert_eq!(nobody.session, Session::Out);
    }
}
