//! What a buyer's notification is about: the milestone and the facts its sentence mentions. Kept
//! apart from the rule that picks them (`notify`), so the wording (`crate::i18n::notify`) reads
//! these types without the rule and the rule calls the wording without a circle between them.

use serde::{Deserialize, Serialize};

use crate::domain::{Money, Outcome, ShipmentKind};

use super::time::LocalDate;

/// A moment the buyer hears about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Milestone {
    /// The shop approved (with the return address and the date to ship by, if goods go back).
    Approved,
    /// The shop refused; the buyer may revise or escalate.
    Rejected,
    /// The shop asked for more proof.
    InfoRequested,
    /// The shop offered another solution to accept or decline.
    Offer,
    /// The shop received the returned parcel.
    Received,
    /// Money went back.
    Refunded,
    /// A replacement, repaired item or reshipment left the shop, with its tracking number.
    Shipped,
    /// The buyer's deadline is near and its expiry closes the case.
    ClosingSoon,
    /// The case closed.
    Closed,
}

impl Milestone {
    /// Stable snake_case code (in keys and payloads).
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::InfoRequested => "info_requested",
            Self::Offer => "offer",
            Self::Received => "received",
            Self::Refunded => "refunded",
            Self::Shipped => "shipped",
            Self::ClosingSoon => "closing_soon",
            Self::Closed => "closed",
        }
    }

    /// How much it tells the buyer, when one commit holds several: the money and the parcel
    /// outrank the closing that follows them, which outranks the steps before it.
    pub(super) const fn weight(self) -> u8 {
        match self {
            Self::Refunded => 9,
            Self::Shipped => 8,
            Self::Closed => 7,
            Self::Offer => 6,
            Self::InfoRequested => 5,
            Self::Rejected => 4,
            Self::Received => 3,
            Self::Approved => 2,
            Self::ClosingSoon => 1,
        }
    }
}

/// What a notification's sentence mentions besides the milestone.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NoticeFacts {
    /// The buyer's next deadline, as a local date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<LocalDate>,
    /// Where the goods go back (approved returns).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_address: Option<String>,
    /// The amount refunded, with the order's currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<(Money, String)>,
    /// The courier and tracking number of a shipment to the buyer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking: Option<(String, String)>,
    /// The shop's question, or its note with a refusal or an offer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// How the case ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// What the shop shipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipment: Option<ShipmentKind>,
}
