//! The parcel on its way to the buyer, as the courier records it and the shop's system pushes it
//! (`POST /api/shop/orders/{number}/tracking`): where-is-my-parcel (物流问题) reads it, and the
//! policy judges from it whether the parcel has stalled (`crate::policy::parcel`).

use serde::{Deserialize, Serialize};

use super::values::Timestamp;

/// One scan in the courier's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TrackingEvent {
    /// When the courier scanned the parcel.
    pub at: Timestamp,
    /// What the courier wrote, as the shop's system received it (e.g. "已到达【杭州转运中心】").
    pub status: String,
    /// Where, if the courier says.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub location: String,
}

/// The courier's record of the order's parcel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ParcelTracking {
    /// The courier's name.
    pub carrier: String,
    /// The tracking number.
    pub number: String,
    /// The delivery date the shop or platform promised, if any (承诺送达).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promised_by: Option<Timestamp>,
    /// The scans, oldest first (the worker keeps them sorted and without repeats).
    #[serde(default)]
    pub events: Vec<TrackingEvent>,
}

impl ParcelTracking {
    /// The newest scan, if any.
    #[must_use]
    pub fn last_scan(&self) -> Option<&TrackingEvent> {
        self.events.iter().max_by_key(|e| e.at)
    }
}
