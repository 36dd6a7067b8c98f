//! Web Push on the wire (issue 12 §1): the browser's subscription as the case page posts it, and
//! the VAPID public key the page subscribes with. The rule is [`crate::policy::push`].

use serde::{Deserialize, Serialize};

/// `POST /api/buyer/cases/{id}/push`: the browser's `PushSubscription.toJSON()`, as is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PushSubscription {
    /// The push service's URL for this browser (https).
    pub endpoint: String,
    /// When the push service will drop it (ms since the epoch), if the browser says; unused.
    #[serde(
        default,
        rename = "expirationTime",
        skip_serializing_if = "Option::is_none"
    )]
    pub expiration_time: Option<f64>,
    /// The browser's keys.
    pub keys: PushKeys,
}

/// The keys of a subscription, base64url without padding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PushKeys {
    /// The browser's ECDH public key: an uncompressed P-256 point (65 bytes).
    pub p256dh: String,
    /// The authentication secret (16 bytes).
    pub auth: String,
}

/// `DELETE /api/buyer/cases/{id}/push`: which subscription to forget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PushRemove {
    /// The subscription's endpoint.
    pub endpoint: String,
}

/// The answer to a registration or a removal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PushSubscriptions {
    /// How many subscriptions the case holds now (at most the shop's
    /// `push_subscriptions_per_case`).
    pub count: u32,
}

/// `GET /api/push/key`: the VAPID public key, the `applicationServerKey` to subscribe with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PushKey {
    /// An uncompressed P-256 point (65 bytes), base64url without padding.
    pub key: String,
}
