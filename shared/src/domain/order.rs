//! The order a case is about: a snapshot of what was bought, paid and delivered.

use serde::{Deserialize, Serialize};

use super::parcel::ParcelTracking;
use super::values::{Money, Timestamp};

/// How to reach the buyer (for notifications; the engine never reads it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BuyerContact {
    /// The buyer's name as on the order.
    pub name: String,
    /// E-mail address, if the shop has one.
    #[serde(default)]
    pub email: Option<String>,
    /// Phone number, if the shop has one.
    #[serde(default)]
    pub phone: Option<String>,
}

/// Facts about a line that decide whether the no-reason return applies (DOMAIN.md "No-reason
/// return"). The statutory exclusions are facts of the goods; `non_returnable_confirmed` records
/// that the buyer saw and accepted a shop-declared exclusion at purchase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LineFlags {
    /// Made to the buyer's order (定制).
    #[serde(default)]
    pub custom_made: bool,
    /// Fresh or perishable (生鲜).
    #[serde(default)]
    pub perishable: bool,
    /// Digital content already downloaded, or its seal broken.
    #[serde(default)]
    pub digital_unsealed: bool,
    /// A newspaper or periodical.
    #[serde(default)]
    pub periodical: bool,
    /// The buyer confirmed at purchase that this item is not eligible for no-reason return.
    #[serde(default)]
    pub non_returnable_confirmed: bool,
}

/// Why a line is excluded from the no-reason return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// Custom-made goods.
    CustomMade,
    /// Fresh and perishable goods.
    Perishable,
    /// Digital content once downloaded or unsealed.
    DigitalUnsealed,
    /// Newspapers and periodicals.
    Periodical,
    /// The buyer confirmed at purchase that the item is not returnable without a reason.
    ConfirmedAtPurchase,
}

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OrderLine {
    /// The shop's stock-keeping unit; unique within the order.
    pub sku: String,
    /// The product's title in the shop's language.
    pub title: String,
    /// The shop's category key, matched against the policy's per-category overrides.
    pub category: String,
    /// Price of one unit before discounts.
    pub unit_price: Money,
    /// Units bought.
    pub quantity: u32,
    /// The part of the order's discounts allocated to this line, for all its units together
    /// (see [`crate::policy::allocate_order_discount`] to compute it from an order-level coupon).
    #[serde(default)]
    pub discount: Money,
    /// Exclusions from the no-reason return.
    #[serde(default)]
    pub flags: LineFlags,
}

impl OrderLine {
    /// Price of all units before discounts.
    #[must_use]
    pub fn gross(&self) -> Money {
        self.unit_price.times(self.quantity)
    }

    /// What the buyer paid for the line: gross minus the allocated discount.
    #[must_use]
    pub fn net(&self) -> Money {
        self.gross() - self.discount
    }

    /// The discount allocated to the first `units` units of the line (pro rata, rounded down).
    /// Computing a return as `discount_for(before + n) - discount_for(before)` makes the shares of
    /// successive partial returns add up exactly to the line's discount.
    #[must_use]
    pub fn discount_for(&self, units: u32) -> Money {
        self.discount.share(
            i64::from(units.min(self.quantity)),
            i64::from(self.quantity),
        )
    }

    /// The first statutory or confirmed exclusion from the no-reason return, if any.
    ///
    /// A category the shop marks as excluded counts only when the buyer confirmed it at purchase
    /// (`non_returnable_confirmed`): the law lets a shop add exclusions only if the buyer saw them,
    /// so the category setting tells the storefront to ask, and the line records the answer.
    #[must_use]
    pub fn no_reason_exclusion(&self) -> Option<Exclusion> {
        let f = self.flags;
        [
            (f.custom_made, Exclusion::CustomMade),
            (f.perishable, Exclusion::Perishable),
            (f.digital_unsealed, Exclusion::DigitalUnsealed),
            (f.periodical, Exclusion::Periodical),
            (f.non_returnable_confirmed, Exclusion::ConfirmedAtPurchase),
        ]
        .into_iter()
        .find_map(|(set, exclusion)| set.then_some(exclusion))
    }
}

/// A paid order, as the shop's system knows it.
///
/// Unknown fields are refused here and in every part (contact, lines, flags), as in every other
/// body the API reads: a shop system that misspells `signed_for_at` must hear of it, not import
/// an order that was never delivered. Stored orders (KV, case snapshots) are written from this
/// type, so they hold no other field and read back unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Order {
    /// The order number shown to the buyer.
    pub number: String,
    /// The shop the order belongs to.
    pub shop_id: String,
    /// ISO 4217 code of every amount on the order and its cases.
    pub currency: String,
    /// The buyer's contact details.
    pub buyer: BuyerContact,
    /// What was bought.
    pub lines: Vec<OrderLine>,
    /// The order's shipping charge. When `free_shipping_threshold` is set and the lines' net
    /// value reaches it, the buyer did not pay this charge: the shop gave it away, and
    /// [`Order::shipping_paid`] is zero. (Recording the charge either way lets a partial return
    /// that drops the order below the threshold deduct exactly what was given away.)
    #[serde(default)]
    pub shipping_fee: Money,
    /// Net value from which shipping is free (包邮门槛), if the shop has one.
    #[serde(default)]
    pub free_shipping_threshold: Option<Money>,
    /// The order carries shipping insurance (运费险) that pays toward return shipping.
    #[serde(default)]
    pub shipping_insurance: bool,
    /// When the buyer paid.
    pub paid_at: Timestamp,
    /// When the parcel left the shop, if it has.
    #[serde(default)]
    pub shipped_at: Option<Timestamp>,
    /// When the buyer signed for the parcel, if they have.
    #[serde(default)]
    pub signed_for_at: Option<Timestamp>,
    /// The courier's record of the parcel, as the shop's system last pushed it. Kept under its
    /// own key and laid over the order when it is read (`Store::order`), so an order imported
    /// again never erases the parcel's scans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking: Option<ParcelTracking>,
}

impl Order {
    /// The line with this SKU.
    #[must_use]
    pub fn line(&self, sku: &str) -> Option<&OrderLine> {
        self.lines.iter().find(|l| l.sku == sku)
    }

    /// Net value of all lines (after discounts, before shipping).
    #[must_use]
    pub fn items_net(&self) -> Money {
        self.lines.iter().map(OrderLine::net).sum()
    }

    /// True if the order reached its free-shipping threshold.
    #[must_use]
    pub fn qualifies_for_free_shipping(&self) -> bool {
        self.free_shipping_threshold
            .is_some_and(|threshold| self.items_net() >= threshold)
    }

    /// Shipping the buyer actually paid.
    #[must_use]
    pub fn shipping_paid(&self) -> Money {
        if self.qualifies_for_free_shipping() {
            Money::ZERO
        } else {
            self.shipping_fee
        }
    }

    /// Everything the buyer paid: lines net of discounts plus shipping paid.
    #[must_use]
    pub fn total_paid(&self) -> Money {
        self.items_net() + self.shipping_paid()
    }
}

/// True for a number an order may have: 1 to 64 letters, digits, `-` or `_` (what an import
/// accepts, so anything else names no order and is never used as a storage key).
#[must_use]
pub fn is_order_number(number: &str) -> bool {
    !number.is_empty()
        && number.len() <= 64
        && number
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// An order number as a buyer typed it, in the form the shop's numbers are stored in: no
/// spaces (a pasted number often brings one, an IME an ideographic one), full-width letters,
/// digits and signs (`ＡＢ－１２`, what a Chinese keyboard types in full-width mode) as their
/// ASCII forms. The case is kept: see [`order_number_match_key`].
#[must_use]
pub fn fold_order_number(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            // The full-width forms of ASCII 0x21..=0x7E sit at a fixed offset.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            other => other,
        })
        .collect()
}

/// The key two spellings of one order number share: [`fold_order_number`], letters uppercased.
/// Buyers type `ab-12` for `AB-12`; a shop whose numbers have lower-case letters gets an alias
/// under this key when it imports them.
#[must_use]
pub fn order_number_match_key(typed: &str) -> String {
    fold_order_number(typed).to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(quantity: u32, discount: i64) -> OrderLine {
        OrderLine {
            sku: "s".into(),
            title: "t".into(),
            category: "c".into(),
            unit_price: Money(1000),
            quantity,
            discount: Money(discount),
            flags: LineFlags::default(),
        }
    }

    #[test]
    fn successive_partial_discount_shares_add_up_to_the_line_discount() {
        let l = line(3, 100);
        let first = l.discount_for(1);
        let second = l.discount_for(2) - l.discount_for(1);
        let third = l.discount_for(3) - l.discount_for(2);
        assert_eq!(first + second + third, Money(100));
    }

    #[test]
    fn the_first_exclusion_found_is_reported() {
        let mut l = line(1, 0);
        assert_eq!(l.no_reason_exclusion(), None);
        l.flags.periodical = true;
        l.flags.non_returnable_confirmed = true;
        assert_eq!(l.no_reason_exclusion(), Some(Exclusion::Periodical));
    }

    fn an_order() -> Order {
        Order {
            number: "1".into(),
            shop_id: "shop".into(),
            currency: "CNY".into(),
            buyer: BuyerContact {
                name: "b".into(),
                email: Some("b@example.cn".into()),
                phone: None,
            },
            lines: vec![line(2, 0)],
            shipping_fee: Money(800),
            free_shipping_threshold: None,
            shipping_insurance: false,
            paid_at: Timestamp(1),
            shipped_at: None,
            signed_for_at: None,
            tracking: None,
        }
    }

    #[test]
    fn an_order_as_stored_reads_back_unchanged() {
        let order = an_order();
        let json = serde_json::to_string(&order).unwrap_or_default();
        assert_eq!(serde_json::from_str::<Order>(&json).ok(), Some(order));
    }

    #[test]
    fn an_unknown_field_anywhere_in_an_order_is_refused() {
        let json = serde_json::to_value(an_order()).unwrap_or_default();
        let misspelt = |path: &[&str]| {
            let mut doc = json.clone();
            let mut at = &mut doc;
            for key in path {
                at = match key.parse::<usize>() {
                    Ok(i) => &mut at[i],
                    Err(_) => &mut at[*key],
                };
            }
            at["signed_at"] = serde_json::Value::from(5);
            serde_json::from_value::<Order>(doc).is_err()
        };
        assert!(misspelt(&[]));
        assert!(misspelt(&["buyer"]));
        assert!(misspelt(&["lines", "0"]));
        assert!(misspelt(&["lines", "0", "flags"]));
        // Optional fields may still be left out.
        let minimal = r#"{"number":"1","shop_id":"s","currency":"CNY","buyer":{"name":"b"},
            "lines":[{"sku":"a","title":"t","category":"c","unit_price":1,"quantity":1}],
            "paid_at":1}"#;
        assert!(serde_json::from_str::<Order>(minimal).is_ok());
    }

    #[test]
    fn shipping_is_free_from_the_threshold_on() {
        let mut order = Order {
            number: "1".into(),
            shop_id: "shop".into(),
            currency: "CNY".into(),
            buyer: BuyerContact {
                name: "b".into(),
                email: None,
                phone: None,
            },
            lines: vec![line(2, 0)],
            shipping_fee: Money(800),
            free_shipping_threshold: Some(Money(2000)),
            shipping_insurance: false,
            paid_at: Timestamp(0),
            shipped_at: None,
            signed_for_at: None,
            tracking: None,
        };
        assert_eq!(order.shipping_paid(), Money::ZERO);
        assert_eq!(order.total_paid(), Money(2000));
        order.free_shipping_threshold = Some(Money(2001));
        assert_eq!(order.total_paid(), Money(2800));
    }

    #[test]
    fn a_typed_order_number_folds_to_the_stored_form() {
        use super::{fold_order_number, order_number_match_key};
        assert_eq!(fold_order_number("  TB-2026-0042 "), "TB-2026-0042");
        assert_eq!(
            fold_order_number("ＴＢ－２０２６－００４２"),
            "TB-2026-0042"
        );
        assert_eq!(fold_order_number("\u{3000}tb 2026\t"), "tb2026");
        assert_eq!(order_number_match_key("ｔｂ－2026_ab"), "TB-2026_AB");
        // Anything that is not a full-width ASCII form stays itself, and is then refused by the
        // import's rule (letters, digits, '-' and '_').
        assert_eq!(fold_order_number("订单１"), "订单1");
    }

    proptest::proptest! {
        #[test]
        fn folding_is_idempotent_and_keeps_ascii_numbers(n in "[A-Za-z0-9_-]{1,64}") {
            proptest::prop_assert_eq!(&fold_order_number(&n), &n);
            let full: String = n.chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)).collect();
            proptest::prop_assert_eq!(&fold_order_number(&full), &n);
            proptest::prop_assert_eq!(order_number_match_key(&full), n.to_ascii_uppercase());
        }
    }
}
