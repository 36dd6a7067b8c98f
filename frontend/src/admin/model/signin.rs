//! Signing in: e-mail and password, one attempt at a time, the server's refusal in the staff
//! member's language.

use shared::api::SessionView;

use crate::admin::api::ApiError;
use crate::core::Page;

/// The sign-in form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SignIn {
    /// As typed.
    pub email: String,
    /// As typed (never stored anywhere else).
    pub password: String,
    /// A request is out.
    pub pending: bool,
    /// The last refusal.
    pub error: Option<ApiError>,
}

/// What happens on the form.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// The e-mail field changed.
    Email(String),
    /// The password field changed.
    Password(String),
    /// The form was submitted.
    Submit,
    /// The server answered.
    Answered(Result<SessionView, ApiError>),
}

/// What the form asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// `POST /api/staff/login`.
    Login {
        /// E-mail.
        email: String,
        /// Password.
        password: String,
    },
    /// Tell the shell (which returns to where the staff member was).
    SignedIn(SessionView),
}

impl SignIn {
    /// The submit button is enabled.
    #[must_use]
    pub fn can_submit(&self) -> bool {
        !self.pending && self.email.contains('@') && !self.password.is_empty()
    }
}

impl Page for SignIn {
    type Msg = Msg;
    type Effect = Effect;

    fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Email(e) => self.email = e,
            Msg::Password(p) => self.password = p,
            Msg::Submit if self.can_submit() => {
                self.pending = true;
                self.error = None;
                return vec![Effect::Login {
                    email: self.email.trim().to_string(),
                    password: self.password.clone(),
                }];
            }
            Msg::Submit => {}
            Msg::Answered(Ok(session)) => {
                self.pending = false;
                self.password.clear();
                return vec![Effect::SignedIn(session)];
            }
            Msg::Answered(Err(e)) => {
                self.pending = false;
                self.error = Some(e);
            }
        }
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_attempt_at_a_time_and_the_refusal_is_shown() {
        let mut form = SignIn::default();
        assert!(
            form.update(Msg::Submit).is_empty(),
            "an empty form sends nothing"
        );
        form.update(Msg::Email(" agent@shop.example ".into()));
        form.update(Msg::Password("secret-secret".into()));
        let sent = form.update(Msg::Submit);
        assert_eq!(
            sent,
            vec![Effect::Login {
                email: "agent@shop.example".into(),
                password: "secret-secret".into()
            }]
        );
        assert!(
            form.update(Msg::Submit).is_empty(),
            "a double tap sends once"
        );
        form.update(Msg::Answered(Err(ApiError {
            status: 401,
            code: shared::api::ErrorCode::parse("bad_credentials"),
            message: "The e-mail or password is not correct.".into(),
            current: None,
        })));
        assert!(!form.pending);
        assert_eq!(
            form.error.as_ref().map(|e| e.code.as_str()),
            Some("bad_credentials")
        );
        assert!(form.can_submit());
    }
}
