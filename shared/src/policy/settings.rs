//! The shop's policy: every window, limit, fee and threshold of DOMAIN.md as a setting, with
//! DOMAIN.md's defaults, per-category overrides, and validation with an error per field.
//!
//! Numbers are signed on purpose: a negative window in the JSON must reach [`Policy::validate`]
//! and come back as a per-field error the owner can act on, not as a generic parse failure.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use crate::domain::Money;
use crate::i18n::Sentence;

use super::field::FieldError;
use super::time::LocalDate;
use super::tips::Tips;

/// The largest postage a claim or an adjustment may state (1,000.00), and the largest cap a shop
/// may set: far above any domestic parcel, so it only catches typos and junk input (an amount
/// off by a factor of 100 is refused, not quietly capped). What is paid is bounded by the
/// shop's own cap.
/// (It bounds a setting, so it lives with the settings; the postage rule reads it from here.)
pub const MAX_POSTAGE_CLAIM: Money = Money(100_000);

/// How "intact" is judged for a category (DOMAIN.md: seal unbroken for food and cosmetics, no
/// activation for electronics, tags on for clothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum IntactRule {
    /// The seal is unbroken.
    SealUnbroken,
    /// The device was never activated.
    NotActivated,
    /// The tags are still on.
    TagsOn,
    /// Unused and complete, with all accessories and packaging.
    #[default]
    Unused,
}

/// Overrides for one product category.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct CategoryPolicy {
    /// The shop excludes this category from the no-reason return. Binding only on lines whose
    /// buyer confirmed it at purchase (`LineFlags::non_returnable_confirmed`): the storefront uses
    /// this flag to ask for that confirmation.
    pub no_reason_excluded: bool,
    /// Warranty period for the category, replacing [`Policy::warranty_days`].
    pub warranty_days: Option<i64>,
    /// Restocking fee for the category, replacing [`Policy::restocking_fee_bps`].
    pub restocking_fee_bps: Option<i64>,
    /// How "intact" is judged.
    pub intact_rule: IntactRule,
}

/// When a refund may go out before the return arrives (极速退款, DOMAIN.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct FastRefundPolicy {
    /// The shop offers fast refunds at all.
    pub enabled: bool,
    /// Largest order value (what the buyer paid) that qualifies.
    pub max_order_value: Money,
    /// The buyer must have past cases (none rejected for abuse is always required).
    pub require_past_cases: bool,
}

impl Default for FastRefundPolicy {
    fn default() -> Self {
        Self {
            enabled: true,
            max_order_value: Money(300_000),
            require_past_cases: true,
        }
    }
}

/// Every time limit (DOMAIN.md "Time limits"). `_hours` are plain durations; `_days` are
/// calendar days in the shop's time zone, ending at the end of the last day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Deadlines {
    /// Shop to answer a refund on an order not yet shipped; then refunded automatically.
    pub shop_answer_unshipped_refund_hours: i64,
    /// Shop to answer any other request; then approved automatically.
    pub shop_answer_hours: i64,
    /// Buyer to revise or escalate after a rejection; then closed.
    pub buyer_after_reject_days: i64,
    /// Buyer to supply asked-for information; then closed (reopenable once).
    pub buyer_info_days: i64,
    /// Buyer to ship an approved return; then closed as abandoned.
    pub buyer_ship_return_days: i64,
    /// Shop to confirm a return after the courier reports it signed for.
    pub shop_confirm_return_hours_after_signed: i64,
    /// Shop to confirm a return at most this many days after the buyer shipped it.
    pub shop_confirm_return_max_days: i64,
    /// Buyer to confirm a replacement, repair or reshipment arrived; then confirmed.
    pub buyer_confirm_delivery_days: i64,
    /// Warehouse to ship a replacement, repaired item or reshipment; then escalated to the owner
    /// (an addition to DOMAIN.md: somebody must notice a shipment that never leaves).
    pub warehouse_ship_hours: i64,
    /// Shop to decide after a failed inspection; then proceeds with the recorded deduction (an
    /// addition: the buyer is never punished for the shop's silence).
    pub shop_decide_after_inspection_hours: i64,
    /// Buyer to reopen a case closed for missing information (an addition: "once" needs an end).
    pub buyer_reopen_days: i64,
    /// Buyer to answer the shop's offer (协商); then declined, back to the shop.
    pub buyer_answer_offer_hours: i64,
    /// Shop to answer a where-is-my-parcel question; then overdue in the queue.
    pub shop_answer_parcel_question_hours: i64,
    /// Owner to answer a complaint about the service; then overdue in the owner's queue.
    pub shop_answer_complaint_hours: i64,
    /// Shop to contact the buyer behind a bad review it recorded; then overdue in the queue.
    pub shop_contact_reviewer_hours: i64,
    /// Days without a new scan after which a shipped parcel counts as stalled: the buyer may
    /// then ask for a reship or a refund without further proof.
    pub parcel_stalled_days: i64,
}

impl Default for Deadlines {
    fn default() -> Self {
        Self {
            shop_answer_unshipped_refund_hours: 24,
            shop_answer_hours: 36,
            buyer_after_reject_days: 5,
            buyer_info_days: 3,
            buyer_ship_return_days: 7,
            shop_confirm_return_hours_after_signed: 72,
            shop_confirm_return_max_days: 10,
            buyer_confirm_delivery_days: 10,
            warehouse_ship_hours: 48,
            shop_decide_after_inspection_hours: 36,
            buyer_reopen_days: 5,
            buyer_answer_offer_hours: 48,
            shop_answer_parcel_question_hours: 24,
            shop_answer_complaint_hours: 12,
            shop_contact_reviewer_hours: 24,
            parcel_stalled_days: 5,
        }
    }
}

/// How much refund (or goodwill) each role may apply alone (DOMAIN.md "Two people for big
/// money"); above it, the approval or offer becomes a proposal the owner applies. The owner has
/// no limit (nobody is above them) and the warehouse approves nothing, so only the agent's limit
/// is a setting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ApprovalLimits {
    /// The most an agent refunds alone; `null` for no limit.
    pub agent: Option<Money>,
}

impl Default for ApprovalLimits {
    fn default() -> Self {
        Self {
            agent: Some(Money(200_000)),
        }
    }
}

/// A shop's after-sales policy. `{}` in JSON gives DOMAIN.md's defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// The shop's time zone as minutes east of UTC (China Standard Time: 480).
    pub utc_offset_minutes: i64,
    /// No-reason return window (七天无理由), counted from the day after sign-for.
    pub no_reason_days: i64,
    /// Quality fault: return, exchange or repair within this many days of delivery.
    pub quality_return_days: i64,
    /// Quality fault: exchange or repair within this many days of delivery.
    pub quality_exchange_days: i64,
    /// Free repair within this many days (per category overrides).
    pub warranty_days: i64,
    /// After this many failed repairs of the same fault, exchange or return.
    pub failed_repairs_for_exchange: i64,
    /// The shop pays return shipping even for no-fault returns.
    pub free_returns: bool,
    /// Restocking fee on no-fault returns, in basis points of the returned net value.
    pub restocking_fee_bps: i64,
    /// Deduct the shipping given away when a no-fault partial return drops the kept goods below
    /// the order's free-shipping threshold.
    pub deduct_free_shipping_on_partial_return: bool,
    /// What shipping insurance (运费险) pays toward return shipping (a flat amount; insurers pay
    /// roughly ¥5–¥25 by distance, so the shop sets its own figure).
    pub shipping_insurance_payout: Money,
    /// The most return postage a case pays back to the buyer who advanced it (DOMAIN.md "Return
    /// postage the shop owes": default 30.00 per case).
    pub return_postage_cap: Money,
    /// The most goodwill a bad review's follow-up or a complaint pays the buyer, per case (0: the
    /// shop pays none); never more than the order's buyer paid minus its refunds.
    pub goodwill_cap: Money,
    /// The shop sends a prepaid return label (or books the courier's pick-up): the buyer
    /// advances no postage, so there is none to pay back.
    pub prepaid_return_label: bool,
    /// Fast refunds.
    pub fast_refund: FastRefundPolicy,
    /// Time limits.
    pub deadlines: Deadlines,
    /// Holiday pauses, "YYYY-MM-DD" local dates: every case clock, the shop's and the buyer's,
    /// stops for them (a window of N days ends at the end of its Nth non-holiday day; a limit in
    /// hours counts only non-holiday hours). Statutory windows (no-reason, 三包, warranty) do not
    /// pause: the law counts them in plain calendar days.
    pub holidays: Vec<String>,
    /// Most photos per request or command.
    pub max_photos: i64,
    /// Longest note, message or answer, in characters.
    pub max_note_chars: i64,
    /// Largest proof photo, in megapixels (width × height / 1,000,000): a pixel bomb (a small file
    /// that decodes to gigabytes) is refused before it is stored or shown to staff.
    pub max_photo_megapixels: i64,
    /// Most messages one party may send on one case in an hour: a case stays workable (its page,
    /// its commands) however chatty one side gets.
    pub max_messages_per_case_per_hour: i64,
    /// Rejecting a fault claim (see [`crate::domain::Reason::is_fault`]) needs an offer the
    /// buyer declined first (DOMAIN.md "Negotiation": "a shop may require an offer before a
    /// reject for faults").
    pub require_offer_before_fault_reject: bool,
    /// Refund limits per role.
    pub approval_limits: ApprovalLimits,
    /// Most cases approved in one batch (DOMAIN.md "Batch decisions"; Taobao's 20).
    pub batch_max_cases: i64,
    /// Most money refunded by one batch, summed over its cases (Taobao's 6,000.00).
    pub batch_max_amount: Money,
    /// Per-category overrides, by the order line's category key.
    pub categories: BTreeMap<String, CategoryPolicy>,
    /// Where returns go.
    pub return_address: String,
    /// How long a staff invitation link works, in hours (then it must be sent again).
    pub invite_ttl_hours: i64,
    /// What the buyer is told a refund takes to arrive on the original payment, in working days,
    /// from..to: the payment channel's time, not a clock the shop keeps (Alipay and WeChat Pay
    /// say 1–3 working days for a balance or a bank card).
    pub refund_arrival_days_from: i64,
    /// See [`Self::refund_arrival_days_from`].
    pub refund_arrival_days_to: i64,
    /// How long a "start a return" link from the shop's order e-mail works, in days.
    pub start_link_days: i64,
    /// Quiet hours for buyer notifications start at this local hour (0–23): a notification due
    /// from then on is held until `notify_quiet_until`.
    pub notify_quiet_from: i64,
    /// Quiet hours end at this local hour (0–23); equal to `notify_quiet_from`: no quiet hours.
    pub notify_quiet_until: i64,
    /// The buyer is reminded this many hours before a deadline of theirs that closes the case.
    pub notify_remind_hours: i64,
    /// Most browsers (Web Push subscriptions) one case notifies: each is one more request per
    /// notification.
    pub push_subscriptions_per_case: i64,
    /// Troubleshooting steps and usage tips per category and SKU, shown to a buyer who picks a
    /// quality fault before the request (none by default: see [`super::tips`]).
    #[serde(skip_serializing_if = "Tips::is_empty")]
    pub tips: Tips,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            utc_offset_minutes: 480,
            no_reason_days: 7,
            quality_return_days: 7,
            quality_exchange_days: 15,
            warranty_days: 365,
            failed_repairs_for_exchange: 2,
            free_returns: false,
            restocking_fee_bps: 0,
            deduct_free_shipping_on_partial_return: true,
            shipping_insurance_payout: Money(1_000),
            return_postage_cap: Money(3_000),
            // A token of apology, well inside an agent's own limit.
            goodwill_cap: Money(5_000),
            prepaid_return_label: false,
            fast_refund: FastRefundPolicy::default(),
            deadlines: Deadlines::default(),
            holidays: Vec::new(),
            max_photos: 9,
            max_note_chars: 2_000,
            max_photo_megapixels: 50,
            max_messages_per_case_per_hour: 30,
            require_offer_before_fault_reject: false,
            approval_limits: ApprovalLimits::default(),
            batch_max_cases: 20,
            batch_max_amount: Money(600_000),
            categories: BTreeMap::new(),
            return_address: String::new(),
            invite_ttl_hours: 72,
            refund_arrival_days_from: 1,
            refund_arrival_days_to: 3,
            start_link_days: 30,
            notify_quiet_from: 22,
            notify_quiet_until: 8,
            notify_remind_hours: 24,
            push_subscriptions_per_case: 5,
            tips: Tips::default(),
        }
    }
}

/// Collects field errors while validating.
struct Check(Vec<FieldError>);

impl Check {
    fn range(&mut self, field: &str, value: i64, min: i64, max: i64) {
        if value < min || value > max {
            let code = if min == 1 && value < 1 {
                "must_be_positive"
            } else {
                "out_of_range"
            };
            self.0.push(FieldError::new(
                field,
                code,
                Sentence {
                    zh: format!("应在 {min} 到 {max} 之间，当前为 {value}"),
                    en: format!("must be between {min} and {max}, got {value}"),
                },
            ));
        }
    }

    fn not_below(&mut self, field: &str, value: i64, other_field: &str, other: i64) {
        if value < other {
            self.0.push(FieldError::new(
                field,
                "shorter_than_related",
                Sentence {
                    zh: format!("不能小于 {other_field}（{other}），当前为 {value}"),
                    en: format!("must be at least {other_field} ({other}), got {value}"),
                },
            ));
        }
    }
}

/// Ten years: no window in the trade is longer, and larger values would only hide typos.
const MAX_DAYS: i64 = 3_650;
/// Ninety days in hours.
const MAX_HOURS: i64 = 2_160;
/// Most cases a batch may be set to hold (see [`Policy::validate`]).
const MAX_BATCH_CASES: i64 = 100;

impl Policy {
    /// Check every setting; all problems at once, one per field.
    ///
    /// # Errors
    /// The list of fields with bad values.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut c = Check(Vec::new());
        c.range("utc_offset_minutes", self.utc_offset_minutes, -840, 840);
        c.range("no_reason_days", self.no_reason_days, 1, MAX_DAYS);
        c.range("quality_return_days", self.quality_return_days, 1, MAX_DAYS);
        c.range(
            "quality_exchange_days",
            self.quality_exchange_days,
            1,
            MAX_DAYS,
        );
        c.not_below(
            "quality_exchange_days",
            self.quality_exchange_days,
            "quality_return_days",
            self.quality_return_days,
        );
        c.range("warranty_days", self.warranty_days, 1, MAX_DAYS);
        c.range("invite_ttl_hours", self.invite_ttl_hours, 1, 720);
        c.range("notify_quiet_from", self.notify_quiet_from, 0, 23);
        c.range("notify_quiet_until", self.notify_quiet_until, 0, 23);
        c.range(
            "notify_remind_hours",
            self.notify_remind_hours,
            1,
            MAX_HOURS,
        );
        c.range(
            "push_subscriptions_per_case",
            self.push_subscriptions_per_case,
            1,
            20,
        );
        c.range(
            "refund_arrival_days_from",
            self.refund_arrival_days_from,
            0,
            60,
        );
        c.range("refund_arrival_days_to", self.refund_arrival_days_to, 0, 60);
        c.range("start_link_days", self.start_link_days, 1, 365);
        c.not_below(
            "refund_arrival_days_to",
            self.refund_arrival_days_to,
            "refund_arrival_days_from",
            self.refund_arrival_days_from,
        );
        c.range(
            "failed_repairs_for_exchange",
            self.failed_repairs_for_exchange,
            1,
            10,
        );
        c.range("restocking_fee_bps", self.restocking_fee_bps, 0, 10_000);
        c.range(
            "shipping_insurance_payout",
            self.shipping_insurance_payout.0,
            0,
            Money::MAX.0,
        );
        c.range("goodwill_cap", self.goodwill_cap.0, 0, Money::MAX.0);
        c.range(
            "return_postage_cap",
            self.return_postage_cap.0,
            0,
            MAX_POSTAGE_CLAIM.0,
        );
        c.range(
            "fast_refund.max_order_value",
            self.fast_refund.max_order_value.0,
            0,
            Money::MAX.0,
        );
        let d = &self.deadlines;
        for (field, value, max) in [
            (
                "deadlines.shop_answer_unshipped_refund_hours",
                d.shop_answer_unshipped_refund_hours,
                MAX_HOURS,
            ),
            (
                "deadlines.shop_answer_hours",
                d.shop_answer_hours,
                MAX_HOURS,
            ),
            (
                "deadlines.buyer_after_reject_days",
                d.buyer_after_reject_days,
                MAX_DAYS,
            ),
            ("deadlines.buyer_info_days", d.buyer_info_days, MAX_DAYS),
            (
                "deadlines.buyer_ship_return_days",
                d.buyer_ship_return_days,
                MAX_DAYS,
            ),
            (
                "deadlines.shop_confirm_return_hours_after_signed",
                d.shop_confirm_return_hours_after_signed,
                MAX_HOURS,
            ),
            (
                "deadlines.shop_confirm_return_max_days",
                d.shop_confirm_return_max_days,
                MAX_DAYS,
            ),
            (
                "deadlines.buyer_confirm_delivery_days",
                d.buyer_confirm_delivery_days,
                MAX_DAYS,
            ),
            (
                "deadlines.warehouse_ship_hours",
                d.warehouse_ship_hours,
                MAX_HOURS,
            ),
            (
                "deadlines.shop_decide_after_inspection_hours",
                d.shop_decide_after_inspection_hours,
                MAX_HOURS,
            ),
            ("deadlines.buyer_reopen_days", d.buyer_reopen_days, MAX_DAYS),
            (
                "deadlines.buyer_answer_offer_hours",
                d.buyer_answer_offer_hours,
                MAX_HOURS,
            ),
            (
                "deadlines.shop_answer_parcel_question_hours",
                d.shop_answer_parcel_question_hours,
                MAX_HOURS,
            ),
            (
                "deadlines.shop_answer_complaint_hours",
                d.shop_answer_complaint_hours,
                MAX_HOURS,
            ),
            (
                "deadlines.parcel_stalled_days",
                d.parcel_stalled_days,
                MAX_DAYS,
            ),
            (
                "deadlines.shop_contact_reviewer_hours",
                d.shop_contact_reviewer_hours,
                MAX_HOURS,
            ),
        ] {
            c.range(field, value, 1, max);
        }
        for (i, day) in self.holidays.iter().enumerate() {
            if LocalDate::parse(day).is_none() {
                c.0.push(FieldError::new(
                    &format!("holidays[{i}]"),
                    "invalid_date",
                    Sentence {
                        zh: format!("“{day}”不是 YYYY-MM-DD 格式的日期"),
                        en: format!("\"{day}\" is not a date in the form YYYY-MM-DD"),
                    },
                ));
            }
        }
        c.range("max_photos", self.max_photos, 1, 50);
        c.range("max_note_chars", self.max_note_chars, 1, 100_000);
        c.range("max_photo_megapixels", self.max_photo_megapixels, 1, 500);
        c.range(
            "max_messages_per_case_per_hour",
            self.max_messages_per_case_per_hour,
            1,
            10_000,
        );
        if let Some(limit) = self.approval_limits.agent {
            // Zero is allowed: every refund an agent grants then needs the owner.
            c.range("approval_limits.agent", limit.0, 0, Money::MAX.0);
        }
        // A batch is approved in one request, one case after another: a hundred keeps it within
        // a request's time, and larger batches would not be reviewed case by case anyway.
        c.range("batch_max_cases", self.batch_max_cases, 1, MAX_BATCH_CASES);
        c.range("batch_max_amount", self.batch_max_amount.0, 1, Money::MAX.0);
        for (name, cat) in &self.categories {
            if let Some(days) = cat.warranty_days {
                c.range(
                    &format!("categories.{name}.warranty_days"),
                    days,
                    1,
                    MAX_DAYS,
                );
            }
            if let Some(bps) = cat.restocking_fee_bps {
                c.range(
                    &format!("categories.{name}.restocking_fee_bps"),
                    bps,
                    0,
                    10_000,
                );
            }
        }
        super::tips::validate(&self.tips, &mut c.0);
        if c.0.is_empty() { Ok(()) } else { Err(c.0) }
    }

    /// Read a policy from any serde format and validate it (the worker passes a
    /// `serde_json::Deserializer`; the crate itself stays free of a JSON dependency).
    ///
    /// # Errors
    /// A single `$` error when the document does not parse (its field named when the parser
    /// says which), or the list of fields with bad values.
    pub fn from_deserializer<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, Vec<FieldError>>
    where
        D::Error: fmt::Display,
    {
        let policy = Self::deserialize(deserializer).map_err(|e| vec![parse_error(&e)])?;
        policy.validate()?;
        Ok(policy)
    }

    /// Read a policy from JSON and validate it (feature `json`).
    ///
    /// # Errors
    /// See [`Policy::from_deserializer`].
    #[cfg(feature = "json")]
    pub fn from_json(json: &str) -> Result<Self, Vec<FieldError>> {
        let mut de = serde_json::Deserializer::from_str(json);
        let policy = Self::deserialize(&mut de)
            .and_then(|policy| de.end().map(|()| policy))
            .map_err(|e| vec![parse_error(&e)])?;
        policy.validate()?;
        Ok(policy)
    }

    /// The overrides for a category, if any.
    #[must_use]
    pub fn category(&self, name: &str) -> Option<&CategoryPolicy> {
        self.categories.get(name)
    }

    /// Warranty days for a category.
    #[must_use]
    pub fn warranty_days_for(&self, category: &str) -> i64 {
        self.category(category)
            .and_then(|c| c.warranty_days)
            .unwrap_or(self.warranty_days)
    }

    /// Restocking fee for a category, in basis points.
    #[must_use]
    pub fn restocking_fee_bps_for(&self, category: &str) -> i64 {
        self.category(category)
            .and_then(|c| c.restocking_fee_bps)
            .unwrap_or(self.restocking_fee_bps)
    }

    /// How "intact" is judged for a category.
    #[must_use]
    pub fn intact_rule_for(&self, category: &str) -> IntactRule {
        self.category(category)
            .map(|c| c.intact_rule)
            .unwrap_or_default()
    }

    /// The holidays as local day numbers (days since 1970-01-01), sorted; bad entries skipped
    /// (a validated policy has none).
    #[must_use]
    pub fn holiday_days(&self) -> Vec<i64> {
        // A shop lists a handful of days: each goes into its place in the sorted list (a binary
        // search), which also drops repeats, and keeps a general sort's code (some 3 KB) out of
        // the portal, which reads this for every deadline it shows.
        let mut days: Vec<i64> = Vec::with_capacity(self.holidays.len());
        for day in self
            .holidays
            .iter()
            .filter_map(|d| LocalDate::parse(d))
            .map(LocalDate::day_number)
        {
            if let Err(at) = days.binary_search(&day) {
                days.insert(at, day);
            }
        }
        days
    }
}

/// A parse error as a field error, naming the field when the message quotes one
/// (serde's "unknown field `x`" and "missing field `x`").
fn parse_error(error: &impl fmt::Display) -> FieldError {
    let text = error.to_string();
    let field = text
        .split('`')
        .nth(1)
        .filter(|_| text.starts_with("unknown field") || text.starts_with("missing field"))
        // An unknown field named "" (`{"": 1}`, found by the fuzz crate) is the document's
        // problem: a field problem always names a path the editor can point at.
        .filter(|name| !name.is_empty())
        .unwrap_or("$");
    let code = if text.starts_with("unknown field") {
        "unknown_field"
    } else {
        "invalid"
    };
    FieldError::new(
        field,
        code,
        Sentence {
            zh: format!("无法读取售后政策：{text}"),
            en: format!("the policy could not be read: {text}"),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn parse(json: &str) -> Result<Policy, Vec<FieldError>> {
        Policy::from_deserializer(&mut serde_json::Deserializer::from_str(json))
    }

    fn fields(result: Result<Policy, Vec<FieldError>>) -> Vec<String> {
        result
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn an_unknown_field_without_a_name_is_the_documents_problem() {
        let problems = parse(r#"{"": 1}"#).err().unwrap_or_default();
        assert_eq!(problems.len(), 1);
        assert_eq!(
            (problems[0].field.as_str(), problems[0].code.as_str()),
            ("$", "unknown_field")
        );
    }

    #[test]
    fn an_empty_document_gives_the_domain_defaults() {
        let policy = parse("{}");
        assert_eq!(policy.as_ref().ok(), Some(&Policy::default()));
        let p = Policy::default();
        assert_eq!(
            (
                p.no_reason_days,
                p.quality_return_days,
                p.quality_exchange_days
            ),
            (7, 7, 15)
        );
        assert_eq!((p.warranty_days, p.failed_repairs_for_exchange), (365, 2));
        assert_eq!(p.deadlines.shop_answer_unshipped_refund_hours, 24);
        assert_eq!(p.deadlines.shop_answer_hours, 36);
        assert_eq!(p.deadlines.buyer_after_reject_days, 5);
        assert_eq!(p.deadlines.buyer_info_days, 3);
        assert_eq!(p.deadlines.buyer_ship_return_days, 7);
        assert_eq!(p.deadlines.shop_confirm_return_hours_after_signed, 72);
        assert_eq!(p.deadlines.shop_confirm_return_max_days, 10);
        assert_eq!(p.deadlines.buyer_confirm_delivery_days, 10);
        assert_eq!(p.fast_refund.max_order_value, Money(300_000));
        assert_eq!(p.deadlines.buyer_answer_offer_hours, 48);
        assert!(!p.require_offer_before_fault_reject);
        assert_eq!(p.approval_limits.agent, Some(Money(200_000)));
        assert_eq!(
            (p.batch_max_cases, p.batch_max_amount),
            (20, Money(600_000))
        );
        assert_eq!(
            (p.max_photos, p.max_note_chars, p.utc_offset_minutes),
            (9, 2000, 480)
        );
        assert!(p.validate().is_ok());
    }

    #[test]
    fn a_partial_document_keeps_the_other_defaults() {
        let policy = parse(r#"{"no_reason_days": 15, "deadlines": {"buyer_info_days": 5}}"#);
        let p = policy.unwrap_or_default();
        assert_eq!(p.no_reason_days, 15);
        assert_eq!(p.deadlines.buyer_info_days, 5);
        assert_eq!(p.deadlines.shop_answer_hours, 36);
    }

    #[test]
    fn bad_values_are_refused_with_an_error_per_field() {
        let table: &[(&str, &[&str])] = &[
            (r#"{"no_reason_days": 0}"#, &["no_reason_days"]),
            (r#"{"no_reason_days": -3}"#, &["no_reason_days"]),
            (r#"{"restocking_fee_bps": 10001}"#, &["restocking_fee_bps"]),
            (r#"{"utc_offset_minutes": 900}"#, &["utc_offset_minutes"]),
            (
                r#"{"holidays": ["2024-02-30", "2024-10-01"]}"#,
                &["holidays[0]"],
            ),
            (
                r#"{"quality_exchange_days": 3}"#,
                &["quality_exchange_days"],
            ),
            (
                r#"{"deadlines": {"buyer_info_days": 0, "shop_answer_hours": -1}}"#,
                &["deadlines.shop_answer_hours", "deadlines.buyer_info_days"],
            ),
            (
                r#"{"categories": {"food": {"restocking_fee_bps": 20000}}}"#,
                &["categories.food.restocking_fee_bps"],
            ),
            (
                r#"{"max_photos": 0, "warranty_days": 0}"#,
                &["warranty_days", "max_photos"],
            ),
            (
                r#"{"fast_refund": {"max_order_value": -1}}"#,
                &["fast_refund.max_order_value"],
            ),
            // Amounts a JavaScript number could not hold exactly (2^53 and above) never get in.
            (
                r#"{"shipping_insurance_payout": 9007199254740993,
                    "fast_refund": {"max_order_value": 1000000000001}}"#,
                &["shipping_insurance_payout", "fast_refund.max_order_value"],
            ),
            (r#"{"shipping_insurance_payout": 1000000000000}"#, &[]),
            (
                r#"{"deadlines": {"buyer_answer_offer_hours": 0}}"#,
                &["deadlines.buyer_answer_offer_hours"],
            ),
            (
                r#"{"approval_limits": {"agent": -1}, "batch_max_cases": 0,
                    "batch_max_amount": 0}"#,
                &[
                    "approval_limits.agent",
                    "batch_max_cases",
                    "batch_max_amount",
                ],
            ),
            (r#"{"batch_max_cases": 101}"#, &["batch_max_cases"]),
            (
                r#"{"approval_limits": {"agent": 1000000000001}}"#,
                &["approval_limits.agent"],
            ),
            // No agent limit, and a limit of zero, are both settings a shop may choose.
            (r#"{"approval_limits": {"agent": null}}"#, &[]),
            (r#"{"approval_limits": {"agent": 0}}"#, &[]),
            (r#"{"approval_limits": {"owner": 1}}"#, &["owner"]),
        ];
        for (json, expected) in table {
            assert_eq!(fields(parse(json)), expected.to_vec(), "{json}");
        }
    }

    #[test]
    fn an_agent_limit_of_null_means_none_and_an_absent_one_the_default() {
        let none = parse(r#"{"approval_limits": {"agent": null}}"#).unwrap_or_default();
        assert_eq!(none.approval_limits.agent, None);
        let absent = parse(r#"{"approval_limits": {}}"#).unwrap_or_default();
        assert_eq!(absent.approval_limits.agent, Some(Money(200_000)));
        let set = parse(r#"{"approval_limits": {"agent": 50000}, "batch_max_cases": 5}"#)
            .unwrap_or_default();
        assert_eq!(
            (set.approval_limits.agent, set.batch_max_cases),
            (Some(Money(50_000)), 5)
        );
    }

    #[test]
    fn unknown_fields_are_refused_and_named() {
        let errors = parse(r#"{"no_reason_dayz": 7}"#).err().unwrap_or_default();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "no_reason_dayz");
        assert_eq!(errors[0].code, "unknown_field");
        assert_eq!(fields(parse(r#""policy""#)), vec!["$".to_owned()]);
    }

    #[cfg(feature = "json")]
    #[test]
    fn from_json_refuses_trailing_garbage_and_validates() {
        assert!(Policy::from_json("{} x").is_err());
        assert_eq!(Policy::from_json("{}"), Ok(Policy::default()));
        assert_eq!(
            fields(Policy::from_json(r#"{"max_photos": 0}"#)),
            vec!["max_photos".to_owned()]
        );
    }

    #[test]
    fn every_field_error_speaks_both_languages() {
        for e in parse(r#"{"no_reason_days": 0, "holidays": ["x"]}"#)
            .err()
            .unwrap_or_default()
        {
            assert!(!e.message(Lang::En).is_empty() && !e.message(Lang::ZhCn).is_empty());
        }
    }

    #[test]
    fn category_overrides_replace_the_shop_defaults() {
        let p = parse(
            r#"{"categories": {"tv": {"warranty_days": 730, "restocking_fee_bps": 500,
                "intact_rule": "not_activated"}}}"#,
        )
        .unwrap_or_default();
        assert_eq!(p.warranty_days_for("tv"), 730);
        assert_eq!(p.warranty_days_for("book"), 365);
        assert_eq!(p.restocking_fee_bps_for("tv"), 500);
        assert_eq!(p.intact_rule_for("tv"), IntactRule::NotActivated);
        assert_eq!(p.intact_rule_for("book"), IntactRule::Unused);
    }

    proptest::proptest! {
        #[test]
        fn holiday_days_are_the_listed_days_sorted_once(days in proptest::collection::vec(0i64..40, 0..20)) {
            let policy = Policy {
                holidays: days.iter().map(|d| format!("2026-12-{:02}", 1 + d % 31)).collect(),
                ..Policy::default()
            };
            let mut expected: Vec<i64> = days
                .iter()
                .filter_map(|d| LocalDate::parse(&format!("2026-12-{:02}", 1 + d % 31)))
                .map(LocalDate::day_number)
                .collect();
            expected.sort_unstable();
            expected.dedup();
            proptest::prop_assert_eq!(policy.holiday_days(), expected);
        }
    }
}
