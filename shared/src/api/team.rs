//! The owner's desk on the wire: staff accounts with their state, invitations, and the changes
//! an owner makes to an account. The rules they follow are [`crate::team`].

use serde::{Deserialize, Serialize};

use crate::domain::{Role, Timestamp};

/// A staff account as the owner's team list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Account {
    /// Account id (`st_…`).
    pub id: String,
    /// Login e-mail.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// False once disabled: it cannot sign in and its sessions stop working.
    pub active: bool,
}

/// `POST /api/staff/invites` (owner): who to invite, and as what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    /// The invited person's login e-mail.
    pub email: String,
    /// Their display name.
    pub name: String,
    /// The role the account gets.
    pub role: Role,
}

/// An invitation as shown: to the owner in the team list, and to the invited person on the
/// link's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Invite {
    /// Login e-mail of the account it makes.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// When the link stops working.
    pub expires_at: Timestamp,
}

/// `POST /api/staff/invites` answer: the one-time link. The token is shown here only; the shop
/// keeps only its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InviteCreated {
    /// The secret part of the link.
    pub token: String,
    /// The admin path to send the invited person (`/admin/invite/<token>`).
    pub path: String,
    /// What the link offers.
    pub invite: Invite,
}

/// `POST /api/staff/invites/accept`: the invited person chooses a password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AcceptInvite {
    /// The link's token.
    pub token: String,
    /// At least 10 characters.
    pub password: String,
}

/// `PATCH /api/staff/accounts/{id}` (owner): a new role, enabled or disabled; what is absent
/// stays as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AccountChange {
    /// The new role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Enable (true) or disable (false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

/// The admin path of an invitation's link.
#[must_use]
pub fn invite_path(token: &str) -> String {
    format!("/admin/invite/{token}")
}
