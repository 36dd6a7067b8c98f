//! Return postage the shop owes (DOMAIN.md "Return postage the shop owes"): when the shop pays
//! the return shipping (a fault, or its own free returns, see [`super::return_shipping_payer`])
//! and sent no prepaid label, the buyer advances it and is paid back with the refund, on a
//! receipt, up to a cap ([`Policy::return_postage_cap`], default 30.00 per case); never when
//! shipping insurance (运费险) pays it. The latest claim or staff adjustment replaces the ones
//! before it ([`crate::domain::Case::postage_claimed`]), and a case refunds once, so postage is
//! never paid twice.

use serde::{Deserialize, Serialize};

use crate::domain::{CaseKind, Money, Order, PostageClaim, Reason};

use super::error::PolicyError;
use super::settings::{MAX_POSTAGE_CLAIM, Policy};
use super::shipping::{Payer, return_shipping_payer};

/// What happens to the return postage of a case: what the buyer is told when entering the
/// tracking number, and what the refund may pay back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PostageTerms {
    /// Nothing to pay back: nothing comes back, the buyer pays the return, or the solution
    /// refunds nothing (the postage is "paid back with the refund": an exchange or a repair has
    /// none to carry it).
    #[default]
    NotOwed,
    /// The shop owes it and sends a prepaid label: the buyer advances nothing.
    PrepaidLabel,
    /// The order's shipping insurance (运费险) pays the return postage: the shop pays none of it
    /// back, so it is not paid twice.
    Insured,
    /// The buyer advances it; the refund pays it back on the receipt, up to `cap`.
    Reimbursed {
        /// The most paid back per case.
        cap: Money,
    },
}

impl PostageTerms {
    /// The cap, when the postage is paid back.
    #[must_use]
    pub const fn cap(self) -> Option<Money> {
        match self {
            Self::Reimbursed { cap } => Some(cap),
            Self::NotOwed | Self::PrepaidLabel | Self::Insured => None,
        }
    }

    /// What the refund pays back of `claimed`: the claim up to the cap, nothing unless owed.
    #[must_use]
    pub fn payable(self, claimed: Money) -> Money {
        self.cap().map_or(Money::ZERO, |cap| {
            claimed.non_negative().min(cap.non_negative())
        })
    }
}

/// The postage terms for a case of `kind` (the kind granted, else asked) and `reason`.
#[must_use]
pub fn postage_terms(
    order: &Order,
    kind: CaseKind,
    reason: Reason,
    policy: &Policy,
) -> PostageTerms {
    match return_shipping_payer(order, kind, reason, policy) {
        None | Some(Payer::Buyer) => PostageTerms::NotOwed,
        // The insurer pays whoever owes it: the shop paying it back as well would pay it twice.
        Some(Payer::Insurer) => PostageTerms::Insured,
        Some(Payer::Shop) if order.shipping_insurance => PostageTerms::Insured,
        Some(Payer::Shop) if policy.prepaid_return_label => PostageTerms::PrepaidLabel,
        Some(Payer::Shop) if kind.refunds() => PostageTerms::Reimbursed {
            cap: policy.return_postage_cap,
        },
        Some(Payer::Shop) => PostageTerms::NotOwed,
    }
}

/// An amount of postage any claim or adjustment may state: 0 to [`MAX_POSTAGE_CLAIM`] (a
/// buyer's claim must be positive: zero is no claim).
///
/// # Errors
/// [`PolicyError::InvalidPostage`] for a negative amount, one above the maximum, or a zero
/// claim.
pub fn check_postage_amount(amount: Money, zero_allowed: bool) -> Result<(), PolicyError> {
    let min = if zero_allowed { Money::ZERO } else { Money(1) };
    if amount < min || amount > MAX_POSTAGE_CLAIM {
        return Err(PolicyError::InvalidPostage {
            amount,
            max: MAX_POSTAGE_CLAIM,
        });
    }
    Ok(())
}

/// A buyer's claim, sent with the tracking number, under `terms`.
///
/// # Errors
/// The amount is out of bounds ([`PolicyError::InvalidPostage`]), the shop owes no postage
/// here ([`PolicyError::PostageNotOwed`]), or the receipt is missing
/// ([`PolicyError::PostageReceiptMissing`]).
pub fn check_claim(claim: &PostageClaim, terms: PostageTerms) -> Result<(), PolicyError> {
    check_postage_amount(claim.amount, false)?;
    if terms.cap().is_none() {
        return Err(PolicyError::PostageNotOwed { terms });
    }
    if claim.receipt.trim().is_empty() {
        return Err(PolicyError::PostageReceiptMissing);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::fixtures::{line, order};

    #[test]
    fn who_gets_the_return_postage_paid_back_in_domain_terms() {
        let plain = order(vec![line("x", "misc", 10_000, 1)]);
        let insured = Order {
            shipping_insurance: true,
            ..plain.clone()
        };
        let default = Policy::default();
        let free = Policy {
            free_returns: true,
            ..Policy::default()
        };
        let label = Policy {
            prepaid_return_label: true,
            ..Policy::default()
        };
        let cap = PostageTerms::Reimbursed { cap: Money(3_000) };
        use CaseKind::{Exchange, RefundOnly, Repair, ReturnAndRefund};
        use PostageTerms::{Insured, NotOwed, PrepaidLabel};
        // (what, order, policy, kind, reason, terms)
        let table = [
            (
                "a fault, no label: paid back",
                &plain,
                &default,
                ReturnAndRefund,
                Reason::QualityFault,
                cap,
            ),
            (
                "wrong item: paid back",
                &plain,
                &default,
                ReturnAndRefund,
                Reason::WrongItem,
                cap,
            ),
            (
                "damaged in transit: paid back",
                &plain,
                &default,
                ReturnAndRefund,
                Reason::DamagedInTransit,
                cap,
            ),
            (
                "no fault: the buyer pays",
                &plain,
                &default,
                ReturnAndRefund,
                Reason::ChangedMind,
                NotOwed,
            ),
            (
                "no fault, free returns: paid back",
                &plain,
                &free,
                ReturnAndRefund,
                Reason::SizeOrFit,
                cap,
            ),
            (
                "a fault with a prepaid label",
                &plain,
                &label,
                ReturnAndRefund,
                Reason::QualityFault,
                PrepaidLabel,
            ),
            (
                "a fault on an insured order: the insurer",
                &insured,
                &default,
                ReturnAndRefund,
                Reason::QualityFault,
                Insured,
            ),
            (
                "no fault, insured: the insurer",
                &insured,
                &default,
                ReturnAndRefund,
                Reason::SizeOrFit,
                Insured,
            ),
            (
                "insured beats the label too",
                &insured,
                &label,
                ReturnAndRefund,
                Reason::WrongItem,
                Insured,
            ),
            (
                "nothing comes back",
                &plain,
                &default,
                RefundOnly,
                Reason::NotAsDescribed,
                NotOwed,
            ),
            (
                "an exchange has no refund to carry it",
                &plain,
                &default,
                Exchange,
                Reason::QualityFault,
                NotOwed,
            ),
            (
                "nor a repair",
                &plain,
                &default,
                Repair,
                Reason::QualityFault,
                NotOwed,
            ),
        ];
        for (what, o, policy, kind, reason, terms) in table {
            assert_eq!(postage_terms(o, kind, reason, policy), terms, "{what}");
        }
    }

    #[test]
    fn the_refund_pays_the_claim_up_to_the_cap_and_nothing_unless_owed() {
        let cap = PostageTerms::Reimbursed { cap: Money(3_000) };
        // (terms, claimed, paid back)
        let table = [
            (cap, 1_200, 1_200),
            (cap, 3_000, 3_000),
            (cap, 4_500, 3_000),
            (cap, -5, 0),
            (PostageTerms::Insured, 1_200, 0),
            (PostageTerms::PrepaidLabel, 1_200, 0),
            (PostageTerms::NotOwed, 1_200, 0),
        ];
        for (terms, claimed, paid) in table {
            assert_eq!(
                terms.payable(Money(claimed)),
                Money(paid),
                "{terms:?} {claimed}"
            );
        }
    }

    #[test]
    fn a_claim_needs_a_sane_amount_owed_postage_and_a_receipt() {
        let cap = PostageTerms::Reimbursed { cap: Money(3_000) };
        let claim = |amount: i64, receipt: &str| PostageClaim {
            amount: Money(amount),
            receipt: receipt.into(),
        };
        let table: [(PostageClaim, PostageTerms, Option<&str>); 7] = [
            (claim(1_200, "r"), cap, None),
            (claim(4_500, "r"), cap, None),
            (claim(-1, "r"), cap, Some("invalid_postage")),
            (claim(0, "r"), cap, Some("invalid_postage")),
            (claim(100_001, "r"), cap, Some("invalid_postage")),
            (
                claim(1_200, "r"),
                PostageTerms::Insured,
                Some("postage_not_owed"),
            ),
            (claim(1_200, " "), cap, Some("postage_receipt_missing")),
        ];
        for (c, terms, code) in table {
            assert_eq!(
                check_claim(&c, terms).err().map(|e| e.code()),
                code,
                "{c:?}"
            );
        }
        assert!(check_postage_amount(Money::ZERO, true).is_ok());
        assert!(check_postage_amount(Money(-1), true).is_err());
    }

    mod flows {
        use super::*;
        use crate::domain::{
            ActionKind, Actor, Command, EventKind, Inspection, RefundBreakdown, Solution,
        };
        use crate::policy::fixtures::{Run, agent, day_after_signed, owner, request, warehouse};
        use crate::policy::{BuyerStanding, available_actions, case_postage_terms};

        /// A kettle (199.00, shipping 10.00) returned for a fault, approved, by a policy.
        fn kettle(policy: Policy, insured: bool) -> Run {
            let mut o = order(vec![line("kettle", "appliances", 19_900, 1)]);
            o.shipping_insurance = insured;
            let mut run = Run::file_with(
                &o,
                request(
                    CaseKind::ReturnAndRefund,
                    Reason::QualityFault,
                    &[("kettle", 1)],
                ),
                day_after_signed(2, 10, 0),
                policy,
                Vec::new(),
                BuyerStanding::default(),
            )
            .expect("filed");
            run.ok(
                &agent(),
                Command::Approve {
                    solution: Solution::ReturnAndRefund,
                    note: String::new(),
                },
            );
            run
        }

        fn ship(postage: Option<i64>) -> Command {
            Command::EnterReturnTracking {
                carrier: "SF".into(),
                tracking: "SF77".into(),
                postage: postage.map(|a| PostageClaim {
                    amount: Money(a),
                    receipt: "receipt-photo".into(),
                }),
            }
        }

        fn receive(run: &mut Run) -> RefundBreakdown {
            let events = run.ok(
                &warehouse(),
                Command::Receive {
                    inspection: Inspection {
                        passed: true,
                        note: String::new(),
                        deduction: Money::ZERO,
                    },
                },
            );
            events
                .iter()
                .find_map(|e| e.kind.refunded().cloned())
                .expect("refunded on receipt")
        }

        #[test]
        fn the_refund_pays_the_postage_back_once_capped_and_as_its_own_line() {
            // (claimed, paid back): 199.00 + 10.00 original shipping (whole order, shop's fault)
            for (claimed, paid) in [(Some(1_200), 1_200), (Some(4_500), 3_000), (None, 0)] {
                let mut run = kettle(Policy::default(), false);
                run.ok(&Actor::Buyer, ship(claimed));
                let b = receive(&mut run);
                assert_eq!(b.return_postage, Money(paid), "{claimed:?}");
                assert_eq!(b.total, Money(20_900 + paid), "{claimed:?}");
                assert_eq!(run.case.refunded_total(), Money(20_900 + paid));
            }
        }

        #[test]
        fn with_shipping_insurance_or_a_prepaid_label_the_claim_is_refused_and_nothing_paid() {
            let mut insured = kettle(Policy::default(), true);
            assert_eq!(
                case_postage_terms(&insured.case, &insured.policy),
                PostageTerms::Insured
            );
            let refused = insured.act(&Actor::Buyer, ship(Some(1_200))).err();
            assert_eq!(
                refused,
                Some(PolicyError::PostageNotOwed {
                    terms: PostageTerms::Insured
                })
            );
            insured.ok(&Actor::Buyer, ship(None));
            assert!(
                !available_actions(&insured.case, &agent(), &insured.ctx())
                    .contains(&ActionKind::AdjustPostage)
            );
            assert_eq!(receive(&mut insured).return_postage, Money::ZERO);

            let label = Policy {
                prepaid_return_label: true,
                ..Policy::default()
            };
            let mut run = kettle(label, false);
            assert_eq!(
                run.act(&Actor::Buyer, ship(Some(1_200)))
                    .err()
                    .map(|e| e.code()),
                Some("postage_not_owed")
            );
        }

        #[test]
        fn staff_adjust_the_claim_with_a_reason_and_the_last_word_is_paid_once() {
            let mut run = kettle(Policy::default(), false);
            run.ok(&Actor::Buyer, ship(Some(2_500)));
            let adjust = |amount: i64, reason: &str| Command::AdjustPostage {
                amount: Money(amount),
                reason: reason.into(),
            };
            // Role rules like the other money commands: an agent or the owner, not the
            // warehouse nor the buyer; a reason is required; the amount is bounded.
            for actor in [warehouse(), Actor::Buyer] {
                assert_eq!(
                    run.act(&actor, adjust(800, "receipt")).err(),
                    Some(PolicyError::NotAllowedForActor {
                        action: ActionKind::AdjustPostage
                    })
                );
            }
            assert_eq!(
                run.act(&agent(), adjust(800, " ")).err(),
                Some(PolicyError::EmptyText)
            );
            for bad in [-1, 100_001] {
                assert_eq!(
                    run.act(&agent(), adjust(bad, "receipt"))
                        .err()
                        .map(|e| e.code()),
                    Some("invalid_postage")
                );
            }
            run.ok(&agent(), adjust(800, "the receipt says 8.00"));
            run.ok(&owner(), adjust(1_000, "courier surcharge on the receipt"));
            assert_eq!(run.case.postage_claimed(), Some(Money(1_000)));
            let b = receive(&mut run);
            assert_eq!((b.return_postage, b.total), (Money(1_000), Money(21_900)));
            // After the refund the postage is settled.
            assert!(run.act(&agent(), adjust(500, "late")).is_err());
        }

        #[test]
        fn a_fast_refund_carries_the_postage_and_the_receipt_does_not_pay_it_again() {
            // A free-returns shop owes the postage of a no-fault return; a trusted buyer gets
            // the money when entering the tracking number.
            let policy = Policy {
                free_returns: true,
                ..Policy::default()
            };
            let o = order(vec![line("shirt", "clothing", 9_900, 1)]);
            let mut run = Run::file_with(
                &o,
                request(
                    CaseKind::ReturnAndRefund,
                    Reason::SizeOrFit,
                    &[("shirt", 1)],
                ),
                day_after_signed(2, 10, 0),
                policy,
                Vec::new(),
                BuyerStanding {
                    past_cases: 3,
                    rejected_for_abuse: 0,
                },
            )
            .expect("filed");
            run.ok(
                &agent(),
                Command::Approve {
                    solution: Solution::ReturnAndRefund,
                    note: String::new(),
                },
            );
            let events = run.ok(&Actor::Buyer, ship(Some(1_500)));
            let fast = events
                .iter()
                .find_map(|e| match &e.kind {
                    EventKind::FastRefunded { breakdown } => Some(breakdown.clone()),
                    _ => None,
                })
                .expect("fast refund");
            assert_eq!(
                (fast.return_postage, fast.total),
                (Money(1_500), Money(11_400))
            );
            assert_eq!(
                run.act(
                    &agent(),
                    Command::AdjustPostage {
                        amount: Money(2_000),
                        reason: "more".into()
                    }
                )
                .err(),
                Some(PolicyError::PostageAlreadyPaid)
            );
            run.ok(
                &warehouse(),
                Command::Receive {
                    inspection: Inspection {
                        passed: true,
                        note: String::new(),
                        deduction: Money::ZERO,
                    },
                },
            );
            assert_eq!(run.case.refunded_total(), Money(11_400));
        }

        #[test]
        fn a_partial_refund_is_agreed_for_the_goods_and_the_postage_comes_on_top() {
            let mut run = kettle(Policy::default(), false);
            run.ok(&Actor::Buyer, ship(Some(1_200)));
            run.ok(
                &warehouse(),
                Command::Receive {
                    inspection: Inspection {
                        passed: false,
                        note: "dented".into(),
                        deduction: Money(5_000),
                    },
                },
            );
            // Goods: 199.00 + 10.00 - 50.00 = 159.00; at most that is agreed.
            assert_eq!(
                run.act(
                    &agent(),
                    Command::Approve {
                        solution: Solution::RefundOnly {
                            amount: Some(Money(16_000))
                        },
                        note: String::new(),
                    }
                )
                .err(),
                Some(PolicyError::InvalidAmount {
                    amount: Money(16_000),
                    max: Money(15_900)
                })
            );
            let events = run.ok(
                &agent(),
                Command::Approve {
                    solution: Solution::RefundOnly {
                        amount: Some(Money(10_000)),
                    },
                    note: String::new(),
                },
            );
            let b = events
                .iter()
                .find_map(|e| e.kind.refunded().cloned())
                .expect("refunded");
            assert_eq!((b.return_postage, b.total), (Money(1_200), Money(11_200)));
        }
    }
}
