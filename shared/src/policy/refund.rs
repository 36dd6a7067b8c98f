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
use super::postage::postage_terms;
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
    /// An amount agreed below the full breakdown (partial refund), for the goods: the postage
    /// owed is paid back on top.
    pub agreed_amount: Option<Money>,
    /// The return postage the buyer claimed (or staff set), before the terms and the cap
    /// ([`super::postage`]); zero when none was claimed.
    pub postage_claimed: Money,
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
    let RefundInput {
        order,
        policy,
        reason,
        kind,
        ..
    } = *input;
    let others = Others::new(input.other_cases, input.case_id);
    let no_fault_return = reason.is_no_reason() && kind == CaseKind::ReturnAndRefund;

    let mut lines = Vec::new();
    // Saturating: a preview is computed for any request, also one that names a SKU twice with
    // quantities adding up past `u32::MAX` (refused by `check_request`, but previewed); a plain
    // sum panicked there with overflow checks and wrapped without (found by `fuzz/` on wasm32).
    let now_refunded = |sku: &str| -> u32 {
        input
            .lines
            .iter()
            .filter(|l| l.sku == sku)
            .map(|l| l.quantity)
            .fold(0, u32::saturating_add)
    };
    for requested in input.lines {
        let Some(line) = order.line(&requested.sku) else {
            continue;
        };
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
    let original_shipping =
        if whole_order_back && (reason.is_shop_fault() || order.shipped_at.is_none()) {
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
            if kept_net < threshold {
                order.shipping_fee
            } else {
                Money::ZERO
            }
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
    // Earlier cases' goods count against what was paid; their postage paid back a courier.
    let earlier: Money = others
        .iter()
        .flat_map(|c| c.events.iter().filter_map(|e| e.kind.refunded()))
        .map(|b| b.total - b.return_postage)
        .sum();
    let cap = (order.total_paid() - earlier).non_negative();
    let capped_by = (total - cap).non_negative();
    total = total.min(cap);
    let return_postage = postage_terms(order, kind, reason, policy).payable(input.postage_claimed);
    total += return_postage;

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
        return_postage,
        goodwill: Money::ZERO,
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
            postage_claimed: Money::ZERO,
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
    fast_refund_qualifies(
        order,
        &request.lines,
        request.kind,
        ctx.policy,
        ctx.buyer,
        ctx.now,
    )
}

/// [`fast_refund_allowed`] judged at `at`.
pub(crate) fn fast_refund_qualifies(
    order: &Order,
    lines: &[RequestedLine],
    kind: CaseKind,
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
        && kind == CaseKind::ReturnAndRefund
        && order.total_paid() <= rule.max_order_value
        && (!rule.require_past_cases || buyer.past_cases > 0)
        && buyer.rejected_for_abuse == 0
        && !lines.is_empty()
        && lines.iter().all(|l| {
            order
                .line(&l.sku)
                .is_some_and(|line| check.no_reason(line).is_ok())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Actor, Event, EventKind, Outcome};
    use crate::policy::fixtures::{day_after_signed, line, order, request};

    fn input<'a>(
        order: &'a Order,
        lines: &'a [RequestedLine],
        reason: Reason,
        others: &'a [Case],
        policy: &'a Policy,
    ) -> RefundInput<'a> {
        RefundInput {
            order,
            lines,
            reason,
            kind: CaseKind::ReturnAndRefund,
            other_cases: others,
            case_id: "",
            policy,
            inspection_deduction: Money::ZERO,
            agreed_amount: None,
            postage_claimed: Money::ZERO,
        }
    }

    fn lines(list: &[(&str, u32)]) -> Vec<RequestedLine> {
        request(CaseKind::ReturnAndRefund, Reason::ChangedMind, list).lines
    }

    /// A closed case that refunded `breakdown` for `list`.
    fn refunded(id: &str, o: &Order, list: &[(&str, u32)], breakdown: RefundBreakdown) -> Case {
        let at = day_after_signed(2, 12, 0);
        Case {
            id: id.into(),
            order: o.clone(),
            request: request(CaseKind::ReturnAndRefund, Reason::ChangedMind, list),
            filed_at: at,
            events: vec![
                Event {
                    at,
                    actor: Actor::Buyer,
                    kind: EventKind::Filed,
                },
                Event {
                    at,
                    actor: Actor::System,
                    kind: EventKind::Refunded { breakdown },
                },
                Event {
                    at,
                    actor: Actor::System,
                    kind: EventKind::Closed {
                        outcome: Outcome::Refunded,
                    },
                },
            ],
        }
    }

    #[test]
    fn refund_breakdowns_follow_the_domain_rules() {
        // Two lines: 3 shirts at 100.00 with 30.00 discount, 1 belt at 50.00 with 5.00 discount;
        // shipping 10.00, free from 200.00 (so the buyer paid no shipping: 315.00 in total).
        let mut shirt = line("shirt", "clothing", 10_000, 3);
        shirt.discount = Money(3_000);
        let mut belt = line("belt", "accessories", 5_000, 1);
        belt.discount = Money(500);
        let mut o = order(vec![shirt, belt]);
        o.free_shipping_threshold = Some(Money(20_000));
        assert_eq!(o.total_paid(), Money(31_500));
        let restocking = Policy {
            restocking_fee_bps: 1_000,
            ..Policy::default()
        };
        let default = Policy::default();
        let no_deduction = Policy {
            deduct_free_shipping_on_partial_return: false,
            ..Policy::default()
        };

        struct Row {
            name: &'static str,
            lines: &'static [(&'static str, u32)],
            reason: Reason,
            policy: usize,
            // items, discounts, original shipping, restocking, free-shipping deduction, total
            expect: [i64; 6],
        }
        let policies = [&default, &restocking, &no_deduction];
        let table = [
            Row {
                name: "one shirt, no fault: pro-rata discount",
                lines: &[("shirt", 1)],
                reason: Reason::SizeOrFit,
                policy: 2,
                expect: [10_000, 1_000, 0, 0, 0, 9_000],
            },
            Row {
                name: "one shirt, restocking fee on no-fault",
                lines: &[("shirt", 1)],
                reason: Reason::ChangedMind,
                policy: 1,
                expect: [10_000, 1_000, 0, 900, 0, 8_100],
            },
            Row {
                name: "one shirt, no restocking fee on a fault",
                lines: &[("shirt", 1)],
                reason: Reason::QualityFault,
                policy: 1,
                expect: [10_000, 1_000, 0, 0, 0, 9_000],
            },
            Row {
                name: "kept goods drop below free shipping",
                lines: &[("shirt", 2)],
                reason: Reason::ChangedMind,
                policy: 0,
                expect: [20_000, 2_000, 0, 0, 1_000, 17_000],
            },
            Row {
                name: "no threshold deduction for the shop's fault",
                lines: &[("shirt", 2)],
                reason: Reason::WrongItem,
                policy: 0,
                expect: [20_000, 2_000, 0, 0, 0, 18_000],
            },
            Row {
                name: "kept goods still above the threshold",
                lines: &[("belt", 1)],
                reason: Reason::ChangedMind,
                policy: 0,
                expect: [5_000, 500, 0, 0, 0, 4_500],
            },
            Row {
                name: "whole order back for the shop's fault",
                lines: &[("shirt", 3), ("belt", 1)],
                reason: Reason::NotAsDescribed,
                policy: 0,
                expect: [35_000, 3_500, 0, 0, 0, 31_500],
            },
        ];
        for row in table {
            let l = lines(row.lines);
            let b = refund_breakdown(&input(&o, &l, row.reason, &[], policies[row.policy]));
            let got = [
                b.items.0,
                b.discounts.0,
                b.original_shipping.0,
                b.restocking_fee.0,
                b.free_shipping_deduction.0,
                b.total.0,
            ];
            assert_eq!(got, row.expect, "{}", row.name);
            assert_eq!(
                b.lines.iter().map(|l| l.items).sum::<Money>(),
                b.items,
                "{}",
                row.name
            );
        }
    }

    #[test]
    fn the_original_shipping_comes_back_with_the_whole_order_for_the_shops_fault_only() {
        let o = order(vec![line("phone", "electronics", 100_000, 1)]);
        let policy = Policy::default();
        let l = lines(&[("phone", 1)]);
        let fault = refund_breakdown(&input(&o, &l, Reason::QualityFault, &[], &policy));
        assert_eq!(
            (fault.original_shipping, fault.total),
            (Money(1_000), Money(101_000))
        );
        let no_fault = refund_breakdown(&input(&o, &l, Reason::ChangedMind, &[], &policy));
        assert_eq!(
            (no_fault.original_shipping, no_fault.total),
            (Money::ZERO, Money(100_000))
        );
    }

    #[test]
    fn the_last_unit_of_a_line_gets_the_rest_of_its_discount_across_cases() {
        let mut shirt = line("shirt", "clothing", 1_000, 3);
        shirt.discount = Money(100);
        let o = order(vec![shirt]);
        let policy = Policy::default();
        let l = lines(&[("shirt", 1)]);
        let first = refund_breakdown(&input(&o, &l, Reason::ChangedMind, &[], &policy));
        assert_eq!(first.discounts, Money(33));
        let others = vec![refunded("a", &o, &[("shirt", 1)], first.clone())];
        let second = refund_breakdown(&input(&o, &l, Reason::ChangedMind, &others, &policy));
        assert_eq!(second.discounts, Money(33));
        let others = vec![
            others[0].clone(),
            refunded("b", &o, &[("shirt", 1)], second.clone()),
        ];
        let third = refund_breakdown(&input(&o, &l, Reason::ChangedMind, &others, &policy));
        assert_eq!(third.discounts, Money(34));
        assert_eq!(first.total + second.total + third.total, o.items_net());
    }

    #[test]
    fn a_refund_never_exceeds_what_was_paid_minus_earlier_refunds() {
        let o = order(vec![line("phone", "electronics", 100_000, 2)]);
        let policy = Policy::default();
        let earlier = RefundBreakdown {
            total: Money(195_000),
            ..Default::default()
        };
        let others = vec![refunded("a", &o, &[("phone", 1)], earlier)];
        let b = refund_breakdown(&input(
            &o,
            &lines(&[("phone", 1)]),
            Reason::QualityFault,
            &others,
            &policy,
        ));
        // 100,000 + 10,00 shipping (whole order now back) would be 101,000; only 6,000 is left.
        assert_eq!(o.total_paid(), Money(201_000));
        assert_eq!((b.total, b.capped_by), (Money(6_000), Money(95_000)));
    }

    #[test]
    fn units_already_refunded_are_not_paid_again() {
        let o = order(vec![line("phone", "electronics", 100_000, 1)]);
        let policy = Policy::default();
        let earlier = RefundBreakdown {
            total: Money(100_000),
            ..Default::default()
        };
        let others = vec![refunded("a", &o, &[("phone", 1)], earlier)];
        let b = refund_breakdown(&input(
            &o,
            &lines(&[("phone", 1)]),
            Reason::ChangedMind,
            &others,
            &policy,
        ));
        assert_eq!((b.items, b.total), (Money::ZERO, Money::ZERO));
    }

    #[test]
    fn shipping_insurance_pays_toward_a_no_fault_return_and_is_shown_apart() {
        let mut o = order(vec![line("shirt", "clothing", 9_900, 1)]);
        o.shipping_insurance = true;
        let policy = Policy::default();
        let l = lines(&[("shirt", 1)]);
        let b = refund_breakdown(&input(&o, &l, Reason::SizeOrFit, &[], &policy));
        assert_eq!(
            (b.insurance_payout, b.total),
            (policy.shipping_insurance_payout, Money(9_900))
        );
        let b = refund_breakdown(&input(&o, &l, Reason::WrongItem, &[], &policy));
        assert_eq!(b.insurance_payout, Money::ZERO);
    }

    #[test]
    fn an_inspection_deduction_and_an_agreed_amount_reduce_the_total_but_never_below_zero() {
        let o = order(vec![line("shirt", "clothing", 9_900, 1)]);
        let policy = Policy::default();
        let l = lines(&[("shirt", 1)]);
        let mut i = input(&o, &l, Reason::ChangedMind, &[], &policy);
        i.inspection_deduction = Money(20_000);
        assert_eq!(refund_breakdown(&i).total, Money::ZERO);
        i.inspection_deduction = Money(900);
        i.agreed_amount = Some(Money(5_000));
        let b = refund_breakdown(&i);
        assert_eq!((b.total, b.agreed_reduction), (Money(5_000), Money(4_000)));
    }

    #[test]
    fn an_order_discount_is_allocated_pro_rata_and_adds_up_exactly() {
        let table: [(i64, &[i64], &[i64]); 4] = [
            (1_000, &[3_000, 7_000], &[300, 700]),
            (100, &[1, 1, 1], &[1, 1, 1]),
            (100, &[100, 100, 100], &[34, 33, 33]),
            (500, &[0, 0], &[0, 0]),
        ];
        for (discount, totals, expected) in table {
            let totals: Vec<Money> = totals.iter().map(|t| Money(*t)).collect();
            let shares = allocate_order_discount(Money(discount), &totals);
            assert_eq!(
                shares.iter().map(|m| m.0).collect::<Vec<_>>(),
                expected.to_vec()
            );
        }
    }

    #[test]
    fn fast_refund_follows_the_jd_like_default() {
        let o = order(vec![line("shirt", "clothing", 9_900, 1)]);
        let policy = Policy::default();
        let req = request(
            CaseKind::ReturnAndRefund,
            Reason::SizeOrFit,
            &[("shirt", 1)],
        );
        let ctx = |past_cases, rejected_for_abuse, now| Context {
            policy: &policy,
            now,
            other_cases: &[],
            buyer: BuyerStanding {
                past_cases,
                rejected_for_abuse,
            },
        };
        let in_window = day_after_signed(3, 12, 0);
        assert!(fast_refund_allowed(&o, &req, &ctx(2, 0, in_window)));
        assert!(
            !fast_refund_allowed(&o, &req, &ctx(0, 0, in_window)),
            "no past cases"
        );
        assert!(
            !fast_refund_allowed(&o, &req, &ctx(2, 1, in_window)),
            "abuse"
        );
        assert!(
            !fast_refund_allowed(&o, &req, &ctx(2, 0, day_after_signed(8, 12, 0))),
            "window closed"
        );
        let exchange = request(CaseKind::Exchange, Reason::SizeOrFit, &[("shirt", 1)]);
        assert!(
            !fast_refund_allowed(&o, &exchange, &ctx(2, 0, in_window)),
            "not a refund"
        );
        let big = order(vec![line("tv", "tv", 300_000, 1)]);
        let tv = request(CaseKind::ReturnAndRefund, Reason::ChangedMind, &[("tv", 1)]);
        assert!(
            !fast_refund_allowed(&big, &tv, &ctx(2, 0, in_window)),
            "over 3,000 with shipping"
        );
    }
}
