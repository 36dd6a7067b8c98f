//! What a decision needs besides the case: the shop's policy, the current instant, the order's
//! other cases and the buyer's standing. Passed in by the caller; the engine reads no clock.

use crate::domain::{Case, Timestamp};

use super::settings::Policy;

/// What the shop knows about the buyer's past (for the fast-refund rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BuyerStanding {
    /// Cases the buyer filed before this one, with this shop.
    pub past_cases: u32,
    /// Of those, cases rejected for abuse ([`crate::domain::RejectReason::is_abuse`]).
    pub rejected_for_abuse: u32,
}

/// Everything a decision reads besides the case and the command.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The shop's policy.
    pub policy: &'a Policy,
    /// The current instant.
    pub now: Timestamp,
    /// The other cases of the same order (quantities, earlier refunds, warranty history). The
    /// case being decided may be included; it is recognised by id and skipped.
    pub other_cases: &'a [Case],
    /// The buyer's standing with the shop.
    pub buyer: BuyerStanding,
}

impl<'a> Context<'a> {
    /// The other cases, without the case with id `id`.
    pub(crate) fn others(&self, id: &'a str) -> Others<'a> {
        Others::new(self.other_cases, id)
    }
}

/// The order's other cases as the rules read them: a slice, minus the case being decided.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Others<'a> {
    cases: &'a [Case],
    skip: &'a str,
}

impl<'a> Others<'a> {
    /// All of `cases` except the one with id `skip` (pass `""` to keep all).
    pub(crate) const fn new(cases: &'a [Case], skip: &'a str) -> Self {
        Self { cases, skip }
    }

    /// Iterate over them.
    pub(crate) fn iter(self) -> impl Iterator<Item = &'a Case> {
        let skip = self.skip;
        self.cases
            .iter()
            .filter(move |c| skip.is_empty() || c.id != skip)
    }
}
