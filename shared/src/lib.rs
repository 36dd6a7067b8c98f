//! The after-sales (售后) domain shared by the worker and the portal: the model of orders and
//! cases ([`domain`]), the policy engine that decides every step ([`policy`]) and the buyer-facing
//! wording of every refusal and automatic action ([`i18n`]).
//!
//! The crate is pure: no I/O, no clock, no randomness. `now`, ids and the shop's policy are
//! passed in, so the portal's instant preview and the worker's authoritative decision run the
//! same code and cannot drift apart.

#![warn(missing_docs)]

pub mod analytics;
pub mod api;
pub mod domain;
pub mod evidence;
pub mod i18n;
#[cfg(feature = "schema")]
pub mod openapi;
pub mod photos;
pub mod policy;
pub mod team;
mod wire;

pub use domain::*;
pub use i18n::{Lang, Localized};
pub use policy::*;
