//! Who pays to send goods back (DOMAIN.md: "The buyer pays return shipping unless the shop offers
//! free returns or the order carries shipping insurance"; "The shop pays shipping both ways for
//! quality faults"; not as described, wrong item, damaged in transit: the shop pays).

use serde::{Deserialize, Serialize};

use crate::domain::{CaseKind, Order, Reason};

use super::settings::Policy;

/// Who pays for return shipping. A separate type from [`crate::domain::Party`] because the
/// insurer pays but never acts, and the shop pays as a whole, not through a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Payer {
    /// The buyer.
    Buyer,
    /// The shop.
    Shop,
    /// The shipping insurer (运费险), up to [`Policy::shipping_insurance_payout`].
    Insurer,
}

/// Who pays to ship the goods back; `None` when nothing comes back (refund only, reship).
#[must_use]
pub fn return_shipping_payer(
    order: &Order,
    kind: CaseKind,
    reason: Reason,
    policy: &Policy,
) -> Option<Payer> {
    if !kind.needs_return() {
        return None;
    }
    Some(if reason.is_shop_fault() || policy.free_returns {
        Payer::Shop
    } else if order.shipping_insurance {
        Payer::Insurer
    } else {
        Payer::Buyer
    })
}
