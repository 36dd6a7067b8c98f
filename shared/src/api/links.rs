//! "Start a return" links: the shop puts one in its order e-mail, and the buyer who opens it
//! lands on the order without typing its number or their contact.

use serde::{Deserialize, Serialize};

use crate::domain::Timestamp;

/// `POST /api/shop/links` (shop system): the order to link to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StartLinkRequest {
    /// The order, as imported.
    pub order_number: String,
}

/// A signed link to one order's page, working until `expires_at` (the shop's
/// `start_link_days`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StartLink {
    /// The portal's address with the signed grant in its fragment (`/#link=…`), which browsers
    /// never send to a server or put in a `Referer`.
    pub url: String,
    /// When it stops working.
    pub expires_at: Timestamp,
}

/// `POST /api/lookup/link` (anyone holding a link): the link's grant, traded for a buyer token
/// as a lookup would.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LinkLookup {
    /// What followed `#link=` in the link.
    pub link: String,
}

/// The fragment a start link carries its grant in, and the grant of a location's fragment.
pub const LINK_FRAGMENT: &str = "#link=";

/// The grant in a location's fragment (`#link=…`), if it is a start link's.
#[must_use]
pub fn link_in_fragment(hash: &str) -> Option<&str> {
    hash.strip_prefix(LINK_FRAGMENT)
        .filter(|l| !l.is_empty() && l.len() <= 2_048)
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_a_link_fragment_is_a_link() {
        use super::link_in_fragment;
        assert_eq!(
            link_in_fragment("#link=l1.k1.abc.def"),
            Some("l1.k1.abc.def")
        );
        assert_eq!(link_in_fragment("#link="), None);
        assert_eq!(link_in_fragment("#top"), None);
        assert_eq!(link_in_fragment(""), None);
    }
}
