//! Who acts on a case ([`Actor`]), the staff roles ([`Role`]) and whose move it is ([`Party`]).

use serde::{Deserialize, Serialize};

use crate::wire::{WireError, req};

/// A staff role (DOMAIN.md "Who uses it").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Front office (前台售后): reviews requests, decides, asks for proof, escalates.
    Agent,
    /// Back office (后台配送): receives and inspects returns, ships goods.
    Warehouse,
    /// Owner or supervisor: everything, plus escalations and overrides.
    Owner,
}

/// Whoever sends a command or appears in a case's history.
///
/// Written with its `type` tag by the derive; read through [`ActorWire`] (see [`crate::wire`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, strum::EnumDiscriminants)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[strum_discriminants(
    name(ActorTag),
    vis(pub(crate)),
    derive(Deserialize, strum::EnumIter),
    serde(variant_identifier, rename_all = "snake_case")
)]
#[serde(tag = "type", rename_all = "snake_case", try_from = "ActorWire")]
#[cfg_attr(feature = "schema", schemars(!try_from))]
pub enum Actor {
    /// The buyer of the order (the portal has no accounts: the worker authenticates the buyer by
    /// the order, the shop by a staff account).
    Buyer,
    /// A member of the shop's staff.
    Staff {
        /// The staff account's id, recorded in the history.
        id: String,
        /// What the account may do.
        role: Role,
    },
    /// The engine itself: deadline expiry and courier notifications.
    System,
}

impl Actor {
    /// The staff role, if the actor is staff.
    #[must_use]
    pub fn role(&self) -> Option<Role> {
        match self {
            Self::Staff { role, .. } => Some(*role),
            Self::Buyer | Self::System => None,
        }
    }

    /// True for a staff member with role `role`, or for the owner (who may do everything).
    #[must_use]
    pub fn acts_as(&self, role: Role) -> bool {
        matches!(self.role(), Some(r) if r == role || r == Role::Owner)
    }
}

/// Whose move it is on a case: the buyer, or one role of the shop.
///
/// Written with its `party` tag by the derive; read through [`PartyWire`] (see [`crate::wire`]).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::EnumDiscriminants,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[strum_discriminants(
    name(PartyTag),
    vis(pub(crate)),
    derive(Deserialize, strum::EnumIter),
    serde(variant_identifier, rename_all = "snake_case")
)]
#[serde(tag = "party", rename_all = "snake_case", try_from = "PartyWire")]
#[cfg_attr(feature = "schema", schemars(!try_from))]
pub enum Party {
    /// The buyer must act.
    Buyer,
    /// The shop must act, through the given role.
    Shop {
        /// The role responsible for the next step.
        role: Role,
    },
}

/// An [`Actor`] as read: the tag and the staff fields, optional.
#[derive(Deserialize)]
struct ActorWire {
    #[serde(rename = "type")]
    tag: ActorTag,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    role: Option<Role>,
}

impl TryFrom<ActorWire> for Actor {
    type Error = WireError;

    fn try_from(w: ActorWire) -> Result<Self, WireError> {
        Ok(match w.tag {
            ActorTag::Buyer => Self::Buyer,
            ActorTag::Staff => Self::Staff {
                id: req(w.id, "id")?,
                role: req(w.role, "role")?,
            },
            ActorTag::System => Self::System,
        })
    }
}

/// A [`Party`] as read: the tag and the shop's role, optional.
#[derive(Deserialize)]
struct PartyWire {
    party: PartyTag,
    #[serde(default)]
    role: Option<Role>,
}

impl TryFrom<PartyWire> for Party {
    type Error = WireError;

    fn try_from(w: PartyWire) -> Result<Self, WireError> {
        Ok(match w.party {
            PartyTag::Buyer => Self::Buyer,
            PartyTag::Shop => Self::Shop {
                role: req(w.role, "role")?,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_owner_acts_as_every_staff_role_and_nobody_else_does() {
        let owner = Actor::Staff {
            id: "o".into(),
            role: Role::Owner,
        };
        let agent = Actor::Staff {
            id: "a".into(),
            role: Role::Agent,
        };
        assert!(owner.acts_as(Role::Agent) && owner.acts_as(Role::Warehouse));
        assert!(agent.acts_as(Role::Agent) && !agent.acts_as(Role::Warehouse));
        assert!(!Actor::Buyer.acts_as(Role::Agent) && !Actor::System.acts_as(Role::Owner));
    }

    #[test]
    fn actors_serialize_with_a_type_tag() {
        let json = serde_json::to_string(&Actor::Staff {
            id: "s1".into(),
            role: Role::Agent,
        })
        .unwrap_or_default();
        assert_eq!(json, r#"{"type":"staff","id":"s1","role":"agent"}"#);
    }
}
