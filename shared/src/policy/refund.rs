//! How much goes back (DOMAIN.md "Refund amount"): item price times quantity, minus the
//! discounts allocated to those units, plus the original shipping when the whole order comes back
//! for the shop's fault, minus a restocking fee on no-fault returns only, minus the shipping given
//! away when a partial return drops the order below its free-shipping threshold, minus an
//! inspection deduction; never more than was paid minus what earlier cases refunded. And when the
//! money may go before the goods arrive (极速退款).

use crate::domain::{
    Case, CaseKind, CaseRequest, Money, Order, Reason, RefundBreakdown, RefundLine, RequestedLine,
    Timestamp,
};

use super::context::{BuyerStanding, Context, Others};
use super::eligibility::LineCheck;
use super::settings::Policy;
use super::shipping::{Payer, return_shipping_payer};

/// Everything a refund depends on.
#[derive(Debug, Clone, Copy)]
pub struct RefundInput<'a> {
    /// The order.
    pub order: &'a Order,
    /// The lines and units refunded.
    pub lines: &'a [RequestedLine],
    /// The case's reason.
    pub reason: Reason,
    /// The kind granted (refund only, or return and refund).
    pub kind: CaseKind,
    /// The order's other cases (earlier refunds, units already refunded).
    pub other_cases: &'a [Case],
    /// The id of the case being refunded, skipped in `other_cases` (`""` for a new request).
    pub case_id: &'a str,
    /// The shop's policy.
    pub policy: &'a Policy,
    /// Deduction for damage found at inspection.
    pub inspection_deduction: Money,
    /// An amount agreed below the full breakdown (partial refund).
    pub agreed_amount: Option<Money>,
}

/// Units of `sku` already refunded by other cases.
fn refunded_units(others: Others<'_>, sku: &str) -> u32 {
    others
        .iter()
        .filter(|c| c.has_refund())
        .map(|c| c.quantity_of(sku))
        .fold(0, u32::saturating_add)
}

/// The refund's breakdown. Units beyond what remains unrefunded on a line are ignored, so the
/// amount can never pay for the same unit twice.
#[must_use]
pub fn refund_breakdown(input: &RefundInput<'_>) -> RefundBreakdown {
    let RefundInput { order, policy, reason, kind, .. } = *input;
    let others = Others::new(input.other_cases, input.case_id);
    let no_fault_return = reason.is_no_reason() && kind == CaseKind::ReturnAndRefund;

    let mut lines = Vec::new();
    let mut now_refunded = |sku: &str| -> u32 {
        input.lines.iter().filter(|l| l.sku == sku).map(|l| l.quantity).sum()
    };
    for requested in input.lines {
        let Some(line) = order.line(&requested.sku) else { continue };
        let before = refunded_units(others, &line.sku).min(line.quantity);
        let units = requested.quantity.min(line.quantity - before);
        let items = line.unit_price.times(units);
        let discount = line.discount_for(before + units) - line.discount_for(before);
        let bps = policy.restocking_fee_bps_for(&line.category);
        let restocking_fee = if no_fault_return {
            (items - discount).non_negative().share(bps, 10_000)
        } else {
            Money::ZERO
        };
        lines.push(RefundLine {
            sku: line.sku.clone(),
            quantity: units,
            items,
            discount,
            restocking_fee,
        });
    }

    // Units of each line still with the buyer after this refund.
    let kept: Vec<(&crate::domain::OrderLine, u32)> = order
        .lines
        .iter()
        .map(|line| {
            let gone = refunded_units(others, &line.sku).saturating_add(now_refunded(&line.sku));
            (line, line.quantity.saturating_sub(gone))
        })
        .collect();
    let whole_order_back = kept.iter().all(|(_, units)| *units == 0);

    // The original shipping comes back with the whole order for the shop's fault — and for a
    // cancellation before shipping, where the shop never paid a courier.
    let original_shipping = if whole_order_back
        && (reason.is_shop_fault() || order.shipped_at.is_none())
    {
        order.shipping_paid()
    } else {
        Money::ZERO
    };

    // Free shipping the kept goods no longer earn: no-fault partial returns only (deducting it
    // for the shop's own fault would charge the buyer for the shop's mistake), and only once.
    let free_shipping_deduction = match order.free_shipping_threshold {
        Some(threshold)
            if policy.deduct_free_shipping_on_partial_return
                && reason.is_no_reason()
                && order.qualifies_for_free_shipping()
                && !whole_order_back
                && !others.iter().any(|c| {
                    c.events
                        .iter()
                        .filter_map(|e| e.kind.refunded())
                        .any(|b| b.free_shipping_deduction.is_positive())
                }) =>
        {
            let kept_net: Money = kept
                .iter()
                .map(|(line, units)| {
                    line.unit_price.times(*units)
                        - (line.discount - line.discount_for(line.quantity - units))
                })
                .sum();
            if kept_net < threshold { order.shipping_fee } else { Money::ZERO }
        }
        Some(_) | None => Money::ZERO,
    };

    let items: Money = lines.iter().map(|l| l.items).sum();
    let discounts: Money = lines.iter().map(|l| l.discount).sum();
    let restocking_fee: Money = lines.iter().map(|l| l.restocking_fee).sum();
    let inspection_deduction = input.inspection_deduction.non_negative();
    let mut total = (items - discounts + original_shipping
        - restocking_fee
        - free_shipping_deduction
        - inspection_deduction)
        .non_negative();
    let mut agreed_reduction = Money::ZERO;
    if let Some(agreed) = input.agreed_amount {
        let agreed = agreed.non_negative();
        if agreed < total {
            agreed_reduction = total - agreed;
            total = agreed;
        }
    }
    let earlier: Money = others.iter().map(Case::refunded_total).sum();
    let cap = (order.total_paid() - earlier).non_negative();
    let capped_by = (total - cap).non_negative();
    total = total.min(cap);

    let insurance_payout =
        if return_shipping_payer(order, kind, reason, policy) == Some(Payer::Insurer) {
            policy.shipping_insurance_payout
        } else {
            Money::ZERO
        };

    RefundBreakdown {
        items,
        discounts,
        original_shipping,
        restocking_fee,
        free_shipping_deduction,
        inspection_deduction,
        agreed_reduction,
        capped_by,
        insurance_payout,
        total,
        lines,
    }
}

/// The refund a new request would bring if granted as asked (for the portal's preview); `None`
/// for kinds that do not refund.
#[must_use]
pub fn refund_for_request(
    order: &Order,
    request: &CaseRequest,
    ctx: &Context<'_>,
) -> Option<RefundBreakdown> {
    request.kind.refunds().then(|| {
        refund_breakdown(&RefundInput {
            order,
            lines: &request.lines,
            reason: request.reason,
            kind: request.kind,
            other_cases: ctx.other_cases,
            case_id: "",
            policy: ctx.policy,
            inspection_deduction: Money::ZERO,
            agreed_amount: None,
        })
    })
}

/// Spread an order-level discount over lines in proportion to their totals (largest remainder,
/// so the shares add up exactly). The result goes into [`crate::domain::OrderLine::discount`].
#[must_use]
pub fn allocate_order_discount(discount: Money, line_totals: &[Money]) -> Vec<Money> {
    let sum: Money = line_totals.iter().map(|m| m.non_negative()).sum();
    if !sum.is_positive() || !discount.is_positive() {
        return vec![Money::ZERO; line_totals.len()];
    }
    let discount = discount.min(sum);
    let exact: Vec<(Money, i128)> = line_totals
        .iter()
        .map(|t| {
            let t = t.non_negative();
            let product = i128::from(discount.0) * i128::from(t.0);
            (discount.share(t.0, sum.0), product % i128::from(sum.0))
        })
        .collect();
    let mut shares: Vec<Money> = exact.iter().map(|(s, _)| *s).collect();
    let mut left = discount - shares.iter().copied().sum();
    let mut order: Vec<usize> = (0..exact.len()).collect();
    order.sort_by(|a, b| exact[*b].1.cmp(&exact[*a].1).then(a.cmp(b)));
    for i in order {
        if !left.is_positive() {
            break;
        }
        shares[i] += Money(1);
        left -= Money(1);
    }
    shares
}

/// Whether a return may be refunded as soon as the buyer enters its tracking number (极速退款,
/// DOMAIN.md): the shop offers it, the request is a return and refund, the order's value is at
/// most the policy's ceiling, every item is eligible for the no-reason return, and the buyer has
/// past cases (if the policy asks) with none rejected for abuse. Judged at `ctx.now`; the
/// machine judges a filed case at its filing instant.
#[must_use]
pub fn fast_refund_allowed(order: &Order, request: &CaseRequest, ctx: &Context<'_>) -> bool {
    fast_refund_qualifies(order, request, ctx.policy, ctx.buyer, ctx.now)
}

/// [`fast_refund_allowed`] judged at `at`.
pub(crate) fn fast_refund_qualifies(
    order: &Order,
    request: &CaseRequest,
    policy: &Policy,
    buyer: BuyerStanding,
    at: Timestamp,
) -> bool {
    let rule = &policy.fast_refund;
    let check = LineCheck {
        order,
        others: Others::new(&[], ""),
        policy,
        at,
        carrier_confirms_loss: false,
    };
    rule.enabled
        && request.kind == CaseKind::ReturnAndRefund
        && order.total_paid() <= rule.max_order_value
        && (!rule.require_past_cases || buyer.past_cases > 0)
        && buyer.rejected_for_abuse == 0
        && !request.lines.is_empty()
        && request
            .lines
            .iter()
            .all(|l| order.line(&l.sku).is_some_and(|line| check.no_reason(line).is_ok()))
}
