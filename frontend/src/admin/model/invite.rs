//! An invitation's page: who is invited and as what, a password (checked by
//! `shared::team::check_password` before it is sent), then signed in. A used, expired or unknown
//! link says so and offers the sign-in screen.

use shared::api::SessionView;
use shared::api::team::Invite;
use shared::policy::FieldError;
use shared::team::check_password;

use crate::admin::api::ApiError;
use crate::core::Page;

/// The page's state.
#[derive(Debug, Clone, PartialEq)]
pub struct Accept {
    /// The link's token.
    pub token: String,
    /// What the link offers, once read; or why it cannot be used.
    pub invite: Option<Result<Invite, ApiError>>,
    /// As typed.
    pub password: String,
    /// The password's problem, found before sending.
    pub problem: Option<FieldError>,
    /// A request is out.
    pub pending: bool,
    /// The server's refusal of the accept.
    pub error: Option<ApiError>,
}

/// What happens on the page.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// The invitation answered.
    Loaded(Result<Invite, ApiError>),
    /// The password changed.
    Password(String),
    /// "Join".
    Submit,
    /// The accept answered.
    Answered(Result<SessionView, ApiError>),
}

/// What the page asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// `GET /api/staff/invites/{token}`
    Load(String),
    /// `POST /api/staff/invites/accept`
    Accept {
        /// The link's token.
        token: String,
        /// The chosen password.
        password: String,
    },
    /// Signed in: tell the shell (which opens the queue).
    SignedIn(SessionView),
}

impl Accept {
    /// The page of `token`, and its first read.
    #[must_use]
    pub fn start(token: &str) -> (Self, Vec<Effect>) {
        let page = Self {
            token: token.into(),
            invite: None,
            password: String::new(),
            problem: None,
            pending: false,
            error: None,
        };
        (page, vec![Effect::Load(token.into())])
    }

    /// The link may be used (it was read and offers an account).
    #[must_use]
    pub fn usable(&self) -> bool {
        matches!(self.invite, Some(Ok(_)))
    }
}

impl Page for Accept {
    type Msg = Msg;
    type Effect = Effect;

    fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Loaded(answer) => self.invite = Some(answer),
            Msg::Password(p) => {
                self.password = p;
                self.problem = None;
            }
            Msg::Submit if self.usable() && !self.pending => {
                self.problem = check_password(&self.password);
                if self.problem.is_none() {
                    self.pending = true;
                    self.error = None;
                    return vec![Effect::Accept {
                        token: self.token.clone(),
                        password: self.password.clone(),
                    }];
                }
            }
            Msg::Submit => {}
            Msg::Answered(Ok(session)) => {
                self.pending = false;
                self.password.clear();
                return vec![Effect::SignedIn(session)];
            }
            Msg::Answered(Err(e)) => {
                self.pending = false;
                // A link found spent or expired at the accept is shown as such, like at the
                // first read; other refusals (a weak password) stay beside the form.
                if matches!(e.status, 404 | 410) {
                    self.invite = Some(Err(e));
                } else {
                    self.error = Some(e);
                }
            }
        }
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use shared::api::{ErrorCode, StaffView};
    use shared::domain::{Role, Timestamp};

    use super::*;

    fn invite() -> Invite {
        Invite {
            email: "mei@shop.example".into(),
            name: "Mei".into(),
            role: Role::Agent,
            expires_at: Timestamp(1),
        }
    }

    fn refusal(status: u16, code: &str) -> ApiError {
        ApiError {
            status,
            code: ErrorCode::parse(code),
            message: code.into(),
            current: None,
        }
    }

    #[test]
    fn a_short_password_is_caught_before_sending_and_a_good_one_signs_in() {
        let (mut page, effects) = Accept::start("tok");
        assert_eq!(effects, vec![Effect::Load("tok".into())]);
        assert!(
            page.update(Msg::Submit).is_empty(),
            "nothing before the link is read"
        );
        page.update(Msg::Loaded(Ok(invite())));
        page.update(Msg::Password("short".into()));
        assert!(page.update(Msg::Submit).is_empty());
        assert_eq!(
            page.problem.as_ref().map(|p| p.code.as_str()),
            Some("weak_password")
        );
        page.update(Msg::Password("a-long-password".into()));
        assert_eq!(
            page.update(Msg::Submit),
            vec![Effect::Accept {
                token: "tok".into(),
                password: "a-long-password".into()
            }]
        );
        assert!(page.update(Msg::Submit).is_empty(), "once");
        let session = SessionView {
            staff: StaffView {
                id: "st_1".into(),
                email: "mei@shop.example".into(),
                name: "Mei".into(),
                role: Role::Agent,
            },
            csrf_token: "c".into(),
        };
        assert_eq!(
            page.update(Msg::Answered(Ok(session.clone()))),
            vec![Effect::SignedIn(session)]
        );
        assert!(page.password.is_empty());
    }

    #[test]
    fn a_spent_link_says_so_whether_found_at_the_first_read_or_at_the_accept() {
        let (mut page, _) = Accept::start("tok");
        page.update(Msg::Loaded(Err(refusal(410, "invite_used"))));
        assert!(!page.usable());
        assert!(page.update(Msg::Submit).is_empty());

        let (mut page, _) = Accept::start("tok");
        page.update(Msg::Loaded(Ok(invite())));
        page.update(Msg::Password("a-long-password".into()));
        let _ = page.update(Msg::Submit);
        page.update(Msg::Answered(Err(refusal(410, "invite_used"))));
        assert!(!page.usable() && !page.pending);
        assert!(
            matches!(&page.invite, Some(Err(e)) if e.code.as_str() == "invite_used"),
            "{page:?}"
        );
    }
}
