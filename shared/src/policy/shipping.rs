//! Who pays to send goods back (DOMAIN.md: "The buyer pays return shipping unless the shop offers
//! free returns or the order carries shipping insurance"; "The shop pays shipping both ways for
//! quality faults"; not as described, wrong item, damaged in transit: the shop pays).

use serde::{Deserialize, Serialize};

use crate::domain::{CaseKind, Order, Reason};

use super::settings::Policy;

/// Who pays for return shipping. A separate type from [`crate::domain::Party`] because the
/// insurer pays but never acts, and the shop pays as a whole, not through a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::IntoStaticStr)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Payer {
    /// The buyer.
    Buyer,
    /// The shop.
    Shop,
    /// The shipping insurer (运费险), up to [`Policy::shipping_insurance_payout`].
    Insurer,
}

impl Payer {
    /// The stable code, as serde writes it (`buyer`, `shop`, `insurer`).
    #[must_use]
    pub fn code(self) -> &'static str {
        self.into()
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::fixtures::{line, order};

    #[test]
    fn a_payer_code_is_its_serde_tag() {
        for payer in [Payer::Buyer, Payer::Shop, Payer::Insurer] {
            assert_eq!(
                serde_json::to_value(payer).ok(),
                Some(serde_json::Value::String(payer.code().into()))
            );
        }
    }

    #[test]
    fn who_pays_return_shipping_for_each_reason() {
        let plain = order(vec![line("x", "misc", 1_000, 1)]);
        let insured = Order {
            shipping_insurance: true,
            ..plain.clone()
        };
        let free = Policy {
            free_returns: true,
            ..Policy::default()
        };
        let policy = Policy::default();
        use Payer::{Buyer, Insurer, Shop};
        // reason, plain order, insured order, free-returns shop
        let table = [
            (Reason::ChangedMind, Buyer, Insurer, Shop),
            (Reason::SizeOrFit, Buyer, Insurer, Shop),
            (Reason::NotAsDescribed, Shop, Shop, Shop),
            (Reason::QualityFault, Shop, Shop, Shop),
            (Reason::DamagedInTransit, Shop, Shop, Shop),
            (Reason::WrongItem, Shop, Shop, Shop),
            (Reason::MissingParts, Shop, Shop, Shop),
        ];
        for (reason, on_plain, on_insured, on_free) in table {
            for kind in [CaseKind::ReturnAndRefund, CaseKind::Exchange] {
                assert_eq!(
                    return_shipping_payer(&plain, kind, reason, &policy),
                    Some(on_plain),
                    "{reason:?}"
                );
                assert_eq!(
                    return_shipping_payer(&insured, kind, reason, &policy),
                    Some(on_insured),
                    "{reason:?}"
                );
                assert_eq!(
                    return_shipping_payer(&plain, kind, reason, &free),
                    Some(on_free),
                    "{reason:?}"
                );
            }
        }
        for reason in Reason::ALL {
            assert_eq!(
                return_shipping_payer(&plain, CaseKind::RefundOnly, reason, &policy),
                None
            );
            assert_eq!(
                return_shipping_payer(&plain, CaseKind::Reship, reason, &policy),
                None
            );
        }
        assert_eq!(
            return_shipping_payer(&plain, CaseKind::Repair, Reason::QualityFault, &policy),
            Some(Shop)
        );
    }
}
