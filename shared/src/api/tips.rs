//! Help before a request on the wire (issue 15): the buyer's "this solved it" and its answer. The
//! tips themselves are a shop setting ([`crate::policy::Tips`]); the buyer's order view carries
//! those of its lines ([`crate::policy::LineTips`]), and the owner's analytics the count
//! ([`crate::analytics::HelpedFigures`]).

use serde::{Deserialize, Serialize};

/// `POST /api/buyer/helped`: the shop's tips for this line of the buyer's order solved the
/// problem, no request needed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Helped {
    /// The order line's SKU (a line the shop has tips for).
    pub sku: String,
}

/// The answer to [`Helped`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HelpedAnswer {
    /// This tap was counted; `false`: this order's line was counted before (a double tap, a
    /// retry), so the count did not change.
    pub counted: bool,
}
