//! A bad review the shop recorded (差评): from its platform through the shop API, or by hand in
//! the admin. It opens a recovery case (差评挽回): the agent contacts the buyer with an apology
//! and a solution, and records what became of the review.

use serde::{Deserialize, Serialize};

/// The review as the platform shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BadReview {
    /// Stars, 1 to 5 (a shop may follow up a three-star review too).
    pub rating: u8,
    /// What the buyer wrote.
    pub text: String,
    /// Where it was posted (`taobao`, `jd`, `douyin`…), as the shop names it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub platform: String,
    /// The platform's id of the review: the same id opens the same case once.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub external_ref: String,
    /// The product reviewed, when the platform says (a SKU of the order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
}

/// Where a buyer took a case outside the shop (维权).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DisputeForum {
    /// The marketplace stepped in (平台介入: 淘宝小二, 京东客服…).
    Platform,
    /// A consumer body (12315, a consumer association).
    ConsumerBody,
}

impl DisputeForum {
    /// Every forum, in a stable order.
    pub const ALL: [Self; 2] = [Self::Platform, Self::ConsumerBody];

    /// Stable snake_case name.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Platform => "platform",
            Self::ConsumerBody => "consumer_body",
        }
    }
}

/// What became of the review once the shop followed it up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReviewOutcome {
    /// The buyer revised it (追评 or a changed rating).
    Revised,
    /// The buyer or the platform removed it.
    Removed,
    /// It stands as it was.
    Unchanged,
}

impl ReviewOutcome {
    /// Every outcome, in a stable order.
    pub const ALL: [Self; 3] = [Self::Revised, Self::Removed, Self::Unchanged];

    /// True when the follow-up recovered the review (revised or removed).
    #[must_use]
    pub const fn recovered(self) -> bool {
        matches!(self, Self::Revised | Self::Removed)
    }

    /// Stable snake_case name.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Revised => "revised",
            Self::Removed => "removed",
            Self::Unchanged => "unchanged",
        }
    }
}
