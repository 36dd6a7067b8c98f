//! The owner's team screen: accounts with their role and state, pending invitations, and the
//! invite form whose answer is a link to copy. The rules are `shared::team`'s: a form is
//! checked before it is sent, and a change that would leave the shop without an active owner
//! is not offered (the server refuses it anyway).

use shared::api::team::{Account, AccountChange, Invite, InviteCreated, InviteRequest};
use shared::domain::Role;
use shared::policy::FieldError;
use shared::team::{ChangeRefused, apply_change, check_invite};

use crate::admin::api::ApiError;
use crate::core::Page;

/// The screen's state.
#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    /// The signed-in owner's account id (their own row is marked).
    pub me: String,
    /// Accounts, once read.
    pub accounts: Option<Vec<Account>>,
    /// Invitations not yet used.
    pub invites: Vec<Invite>,
    /// The invite form.
    pub form: InviteRequest,
    /// The form's problems, from `shared::team::check_invite`.
    pub problems: Vec<FieldError>,
    /// The last invitation made: its path, to copy.
    pub link: Option<String>,
    /// A request is out (one at a time).
    pub busy: bool,
    /// The last refusal.
    pub error: Option<ApiError>,
}

/// What happens on the screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// Accounts answered.
    Accounts(Result<Vec<Account>, ApiError>),
    /// Pending invitations answered.
    Invites(Result<Vec<Invite>, ApiError>),
    /// The form's e-mail.
    Email(String),
    /// The form's name.
    Name(String),
    /// The form's role.
    Role(Role),
    /// "Create invite link".
    SubmitInvite,
    /// The invitation answered.
    Invited(Result<InviteCreated, ApiError>),
    /// A new role for an account.
    SetRole(String, Role),
    /// Disable (false) or enable (true) an account.
    SetActive(String, bool),
    /// An account change answered.
    Changed(Result<Account, ApiError>),
}

/// What the screen asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// `GET /api/staff/accounts`
    LoadAccounts,
    /// `GET /api/staff/invites`
    LoadInvites,
    /// `POST /api/staff/invites`
    Invite(InviteRequest),
    /// `PATCH /api/staff/accounts/{id}`
    Change(String, AccountChange),
    /// A call answered 401.
    SignedOut,
}

impl Team {
    /// The screen for the owner `me`, and what it reads first.
    #[must_use]
    pub fn start(me: &str) -> (Self, Vec<Effect>) {
        let team = Self {
            me: me.into(),
            accounts: None,
            invites: Vec::new(),
            form: InviteRequest {
                email: String::new(),
                name: String::new(),
                role: Role::Agent,
            },
            problems: Vec::new(),
            link: None,
            busy: false,
            error: None,
        };
        (team, vec![Effect::LoadAccounts, Effect::LoadInvites])
    }

    /// Whether `change` may be offered on account `id` (never the last active owner's
    /// removal).
    #[must_use]
    pub fn allows(&self, id: &str, change: &AccountChange) -> bool {
        let accounts = self.accounts.as_deref().unwrap_or_default();
        !matches!(
            apply_change(accounts, id, change),
            Err(ChangeRefused::LastOwner | ChangeRefused::NotFound)
        )
    }

    /// The problem of one form field, if any.
    #[must_use]
    pub fn problem(&self, field: &str) -> Option<&FieldError> {
        self.problems.iter().find(|p| p.field == field)
    }

    fn change(&mut self, id: String, change: AccountChange) -> Vec<Effect> {
        if self.busy || !self.allows(&id, &change) {
            return Vec::new();
        }
        self.busy = true;
        self.error = None;
        vec![Effect::Change(id, change)]
    }

    fn failed(&mut self, e: ApiError) -> Vec<Effect> {
        self.busy = false;
        let signed_out = e.signed_out();
        self.error = Some(e);
        if signed_out {
            vec![Effect::SignedOut]
        } else {
            Vec::new()
        }
    }
}

impl Page for Team {
    type Msg = Msg;
    type Effect = Effect;

    fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Accounts(Ok(accounts)) => self.accounts = Some(accounts),
            Msg::Invites(Ok(invites)) => self.invites = invites,
            Msg::Accounts(Err(e)) | Msg::Invites(Err(e)) => return self.failed(e),
            Msg::Email(email) => self.form.email = email,
            Msg::Name(name) => self.form.name = name,
            Msg::Role(role) => self.form.role = role,
            Msg::SubmitInvite if !self.busy => {
                self.problems = check_invite(&self.form).err().unwrap_or_default();
                if self.problems.is_empty() {
                    self.busy = true;
                    self.error = None;
                    self.link = None;
                    return vec![Effect::Invite(InviteRequest {
                        email: self.form.email.trim().to_string(),
                        name: self.form.name.trim().to_string(),
                        role: self.form.role,
                    })];
                }
            }
            Msg::SubmitInvite => {}
            Msg::SetRole(id, role) => {
                let change = AccountChange {
                    role: Some(role),
                    active: None,
                };
                return self.change(id, change);
            }
            Msg::SetActive(id, active) => {
                let change = AccountChange {
                    role: None,
                    active: Some(active),
                };
                return self.change(id, change);
            }
            Msg::Invited(Ok(created)) => {
                self.busy = false;
                self.link = Some(created.path);
                self.invites.push(created.invite);
                self.form.email.clear();
                self.form.name.clear();
            }
            Msg::Changed(Ok(account)) => {
                self.busy = false;
                if let Some(row) = self
                    .accounts
                    .iter_mut()
                    .flatten()
                    .find(|a| a.id == account.id)
                {
                    *row = account;
                }
            }
            Msg::Invited(Err(e)) | Msg::Changed(Err(e)) => return self.failed(e),
        }
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use shared::api::ErrorCode;
    use shared::domain::Timestamp;

    use super::*;

    fn account(id: &str, role: Role) -> Account {
        Account {
            id: id.into(),
            email: format!("{id}@shop.example"),
            name: id.into(),
            role,
            active: true,
        }
    }

    fn loaded() -> Team {
        let (mut team, effects) = Team::start("o");
        assert_eq!(effects, vec![Effect::LoadAccounts, Effect::LoadInvites]);
        team.update(Msg::Accounts(Ok(vec![
            account("o", Role::Owner),
            account("a", Role::Agent),
        ])));
        team
    }

    #[test]
    fn an_invite_is_checked_before_it_is_sent_and_its_link_is_shown() {
        let mut team = loaded();
        assert!(team.update(Msg::SubmitInvite).is_empty());
        assert!(team.problem("email").is_some() && team.problem("name").is_some());
        team.update(Msg::Email(" mei@shop.example ".into()));
        team.update(Msg::Name("Mei".into()));
        let sent = team.update(Msg::SubmitInvite);
        assert_eq!(
            sent,
            vec![Effect::Invite(InviteRequest {
                email: "mei@shop.example".into(),
                name: "Mei".into(),
                role: Role::Agent,
            })]
        );
        assert!(team.problems.is_empty());
        assert!(
            team.update(Msg::SubmitInvite).is_empty(),
            "a double tap sends once"
        );
        let invite = Invite {
            email: "mei@shop.example".into(),
            name: "Mei".into(),
            role: Role::Agent,
            expires_at: Timestamp(1),
        };
        team.update(Msg::Invited(Ok(InviteCreated {
            token: "t".into(),
            path: "/admin/invite/t".into(),
            invite: invite.clone(),
        })));
        assert_eq!(team.link.as_deref(), Some("/admin/invite/t"));
        assert_eq!(team.invites, vec![invite]);
        assert!(team.form.email.is_empty() && !team.busy);
    }

    #[test]
    fn the_last_owner_is_never_offered_for_removal() {
        let mut team = loaded();
        assert!(!team.allows(
            "o",
            &AccountChange {
                role: Some(Role::Agent),
                active: None
            }
        ));
        assert!(team.update(Msg::SetActive("o".into(), false)).is_empty());
        let sent = team.update(Msg::SetActive("a".into(), false));
        assert_eq!(
            sent,
            vec![Effect::Change(
                "a".into(),
                AccountChange {
                    role: None,
                    active: Some(false)
                }
            )]
        );
        team.update(Msg::Changed(Ok(Account {
            active: false,
            ..account("a", Role::Agent)
        })));
        let rows = team.accounts.clone().unwrap_or_default();
        assert!(!rows[1].active);
        // Promoted, the agent makes a second owner: now the first may step down.
        team.update(Msg::SetRole("a".into(), Role::Owner));
        team.update(Msg::Changed(Ok(Account {
            active: false,
            ..account("a", Role::Owner)
        })));
        assert!(!team.allows(
            "o",
            &AccountChange {
                role: Some(Role::Agent),
                active: None
            }
        ));
        team.update(Msg::SetActive("a".into(), true));
        team.update(Msg::Changed(Ok(account("a", Role::Owner))));
        assert!(team.allows(
            "o",
            &AccountChange {
                role: Some(Role::Agent),
                active: None
            }
        ));
    }

    #[test]
    fn a_refusal_is_shown_and_a_lost_session_signs_in_again() {
        let mut team = loaded();
        team.update(Msg::SetRole("a".into(), Role::Warehouse));
        let refused = ApiError {
            status: 409,
            code: ErrorCode::parse("last_owner"),
            message: "The shop must keep at least one active owner.".into(),
            current: None,
        };
        assert!(team.update(Msg::Changed(Err(refused))).is_empty());
        assert!(!team.busy);
        assert_eq!(
            team.error.as_ref().map(|e| e.code.as_str()),
            Some("last_owner")
        );
        let gone = ApiError {
            status: 401,
            code: ErrorCode::parse("unauthenticated"),
            message: "Sign in.".into(),
            current: None,
        };
        assert_eq!(
            team.update(Msg::Invites(Err(gone))),
            vec![Effect::SignedOut]
        );
    }
}
