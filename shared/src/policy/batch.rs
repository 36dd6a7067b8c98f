//! Batch decisions (DOMAIN.md "Batch decisions"): staff approve many low-risk cases at once
//! within the shop's caps (Taobao's: 20 cases and 6,000.00 a batch), each case still judged on
//! its own version.
//!
//! This module only answers two questions, both pure: is this case low-risk ([`is_low_risk`],
//! with its refund in [`batch_candidate`]), and does this selection fit the caps
//! ([`plan_batch`]). It approves nothing. The caller then sends each planned case its own
//! `Command::Approve { solution: Solution::as_requested(case.request.kind), .. }` through
//! [`super::decide`], on the version the staff member saw, so a case that changed meanwhile is
//! refused on its own and the others still go through. Rejected: a batch command in the machine,
//! which would decide many cases on one version and need an all-or-nothing write across them.

use serde::Serialize;

use crate::domain::{Case, CaseState, EventKind, Money, Solution};
use crate::i18n::{Lang, Localized};

use super::context::Context;
use super::machine::{approve, committed_refund};
use super::priority::{PriorityClass, priority};

/// One case picked for a batch, as [`batch_candidate`] sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BatchCandidate {
    /// The case id.
    pub case_id: String,
    /// The refund approving the case as asked commits (zero when it cannot be approved).
    pub refund: Money,
    /// [`is_low_risk`] for the case as loaded.
    pub low_risk: bool,
}

/// A batch that fits the caps: the cases to approve, in the order given, and their refunds'
/// sum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BatchPlan {
    /// The cases, each to be decided on its own.
    pub case_ids: Vec<String>,
    /// The refunds added up.
    pub total: Money,
}

/// Why a batch cannot go as selected. The whole batch is refused rather than trimmed: staff
/// chose these cases, and approving a part they did not choose would surprise them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
// Codes prefixed `batch_`: they share the error envelope's `code` with every other refusal.
#[serde(tag = "code")]
#[error("{}", self.message(Lang::En))]
pub enum BatchRefusal {
    /// No case was selected.
    #[serde(rename = "batch_empty")]
    Empty,
    /// A case was selected twice.
    #[serde(rename = "batch_duplicate_case")]
    DuplicateCase {
        /// The case.
        case_id: String,
    },
    /// Some cases are not low-risk: they need a decision of their own.
    #[serde(rename = "batch_not_low_risk")]
    NotLowRisk {
        /// Those cases.
        case_ids: Vec<String>,
    },
    /// More cases than [`super::Policy::batch_max_cases`].
    #[serde(rename = "batch_too_many_cases")]
    TooManyCases {
        /// Cases selected.
        count: i64,
        /// The cap.
        max: i64,
    },
    /// More money than [`super::Policy::batch_max_amount`].
    #[serde(rename = "batch_over_amount")]
    OverAmount {
        /// The refunds added up.
        total: Money,
        /// The cap.
        max: Money,
    },
}

impl BatchRefusal {
    /// Every code a batch refusal answers with (the API description lists them; a test holds
    /// them to the variants).
    pub const CODES: [&'static str; 5] = [
        "batch_empty",
        "batch_duplicate_case",
        "batch_not_low_risk",
        "batch_too_many_cases",
        "batch_over_amount",
    ];

    /// The stable code (also the `code` tag in JSON).
    #[must_use]
    pub fn code(&self) -> &'static str {
        Localized::code(self)
    }

    /// A full sentence for staff in `lang`.
    #[must_use]
    pub fn message(&self, lang: Lang) -> String {
        Localized::message(self, lang)
    }
}

/// True when `case` may be approved in a batch at `ctx.now`. Low risk means, in the trade's
/// sense of a decision nobody needs to look at twice:
///
/// * it is a refund (refund only, or return and refund: DOMAIN.md's batches approve refunds),
///   waiting for the shop's first answer: in review, never rejected, escalated, offered
///   something else or proposed to the owner (a case that has been argued over is not routine);
/// * approving it as asked is possible now (eligibility, units, amount), and the refund that
///   commits is within the agent's limit, so whoever sends the batch applies it alone;
/// * the order is within the fast-refund order value (the shop's own line for trusting a buyer
///   with money before the goods, DOMAIN.md 极速退款), and the buyer has no case rejected for
///   abuse;
/// * nothing in the queue raises it: no threat of a bad review, complaint or dispute, no overdue
///   shop deadline (its expiry decides it first), nothing waiting for the owner.
#[must_use]
pub fn is_low_risk(case: &Case, ctx: &Context<'_>) -> bool {
    batch_candidate(case, ctx).low_risk
}

/// The case as a batch candidate: its refund if approved as asked, and whether it is low-risk
/// (see [`is_low_risk`]). What the worker builds for every selected case before
/// [`plan_batch`].
#[must_use]
pub fn batch_candidate(case: &Case, ctx: &Context<'_>) -> BatchCandidate {
    let kind = case.request.kind;
    let refund = Solution::as_requested(kind).and_then(|solution| {
        approve(case, &solution, "", ctx, true)
            .ok()
            .map(|events| committed_refund(case, &solution, &events, ctx))
    });
    let policy = ctx.policy;
    let first_answer = matches!(case.state(), CaseState::AwaitingReview { .. })
        && !case.events.iter().any(|e| {
            matches!(
                e.kind,
                EventKind::Rejected { .. }
                    | EventKind::Escalated { .. }
                    | EventKind::OfferMade { .. }
                    | EventKind::RefundProposed { .. }
                    | EventKind::Overridden { .. }
            )
        });
    let within_limit = refund.is_some_and(|amount| {
        policy
            .approval_limits
            .agent
            .is_none_or(|limit| amount <= limit)
    });
    let low_risk = kind.refunds()
        && first_answer
        && within_limit
        && case.order.total_paid() <= policy.fast_refund.max_order_value
        && ctx.buyer.rejected_for_abuse == 0
        && priority(case, policy, ctx.now).class != PriorityClass::Dispute;
    BatchCandidate {
        case_id: case.id.clone(),
        refund: refund.unwrap_or(Money::ZERO),
        low_risk,
    }
}

/// Check a selection against the shop's caps ([`super::Policy::batch_max_cases`],
/// [`super::Policy::batch_max_amount`]): every case low-risk, none twice, not too many, not too
/// much money in total.
///
/// # Errors
/// Why the batch cannot go as selected (the first problem found, in the order above after an
/// empty selection; all the cases that are not low-risk at once).
pub fn plan_batch(
    candidates: &[BatchCandidate],
    policy: &super::Policy,
) -> Result<BatchPlan, BatchRefusal> {
    if candidates.is_empty() {
        return Err(BatchRefusal::Empty);
    }
    for (i, c) in candidates.iter().enumerate() {
        if candidates[..i].iter().any(|d| d.case_id == c.case_id) {
            return Err(BatchRefusal::DuplicateCase {
                case_id: c.case_id.clone(),
            });
        }
    }
    // An amount no case can have is a caller's mistake; its risk is unknown, so it is not low.
    let risky: Vec<String> = candidates
        .iter()
        .filter(|c| !c.low_risk || !c.refund.is_valid())
        .map(|c| c.case_id.clone())
        .collect();
    if !risky.is_empty() {
        return Err(BatchRefusal::NotLowRisk { case_ids: risky });
    }
    let count = i64::try_from(candidates.len()).unwrap_or(i64::MAX);
    if count > policy.batch_max_cases {
        return Err(BatchRefusal::TooManyCases {
            count,
            max: policy.batch_max_cases,
        });
    }
    let total: Money = candidates.iter().map(|c| c.refund).sum();
    if total > policy.batch_max_amount {
        return Err(BatchRefusal::OverAmount {
            total,
            max: policy.batch_max_amount,
        });
    }
    Ok(BatchPlan {
        case_ids: candidates.iter().map(|c| c.case_id.clone()).collect(),
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Actor, CaseKind, Command, Reason, RejectReason};
    use crate::policy::context::BuyerStanding;
    use crate::policy::fixtures::{Run, agent, day_after_signed, line, order, request};
    use crate::policy::settings::Policy;

    /// A shirt (price in minor units) returned for size, filed two days after sign-for.
    fn shirt(price: i64) -> Run {
        Run::file(
            &order(vec![line("shirt", "clothing", price, 1)]),
            request(
                CaseKind::ReturnAndRefund,
                Reason::SizeOrFit,
                &[("shirt", 1)],
            ),
            day_after_signed(2, 10, 0),
        )
        .expect("filed")
    }

    fn low(run: &Run) -> bool {
        is_low_risk(&run.case, &run.ctx())
    }

    #[test]
    fn a_plain_refund_waiting_for_its_first_answer_is_low_risk() {
        let run = shirt(9_900);
        assert!(low(&run));
        let c = batch_candidate(&run.case, &run.ctx());
        // The shirt and no shipping back: a no-fault partial return.
        assert_eq!(c.refund, Money(9_900));
    }

    #[test]
    fn anything_argued_over_raised_or_large_is_not_low_risk() {
        type Change = fn(&mut Run);
        let table: [(&str, Change); 9] = [
            ("rejected, then revised", |r| {
                r.ok(
                    &agent(),
                    Command::Reject {
                        reason_code: RejectReason::NoFaultFound,
                        note: String::new(),
                    },
                );
                r.ok(
                    &Actor::Buyer,
                    Command::AnswerInfo {
                        note: "it is really too small".into(),
                        photos: vec![],
                    },
                );
            }),
            ("a threat in the buyer's words", |r| {
                r.ok(
                    &Actor::Buyer,
                    Command::Message {
                        text: "不退就给差评".into(),
                    },
                );
            }),
            ("a buyer rejected for abuse before", |r| {
                r.buyer = BuyerStanding {
                    past_cases: 2,
                    rejected_for_abuse: 1,
                };
            }),
            ("above the agent's limit", |r| {
                r.policy.approval_limits.agent = Some(Money(9_899));
            }),
            ("an order above the fast-refund order value", |r| {
                r.policy.fast_refund.max_order_value = Money(9_000);
            }),
            ("waiting for the buyer's information", |r| {
                r.ok(
                    &agent(),
                    Command::RequestInfo {
                        question: "Which size?".into(),
                    },
                );
            }),
            ("an offer made", |r| {
                r.ok(
                    &agent(),
                    Command::Offer {
                        offer: crate::domain::Offer::Exchange,
                        note: String::new(),
                    },
                );
            }),
            ("escalated", |r| {
                r.ok(
                    &agent(),
                    Command::Escalate {
                        note: String::new(),
                    },
                );
            }),
            ("overdue: its expiry decides it", |r| {
                r.now = r.now.plus_days(3);
            }),
        ];
        for (why, change) in table {
            let mut run = shirt(9_900);
            change(&mut run);
            assert!(!low(&run), "{why}");
        }
        // An exchange is not a refund: batches approve money only.
        let exchange = Run::file(
            &order(vec![line("shirt", "clothing", 9_900, 1)]),
            request(CaseKind::Exchange, Reason::SizeOrFit, &[("shirt", 1)]),
            day_after_signed(2, 10, 0),
        )
        .expect("filed");
        assert!(!low(&exchange));
        // Without an agent limit, the fast-refund order value alone bounds the amount.
        let mut unlimited = shirt(250_000);
        assert!(!low(&unlimited));
        unlimited.policy.approval_limits.agent = None;
        assert!(low(&unlimited));
    }

    fn candidate(id: &str, refund: i64, low_risk: bool) -> BatchCandidate {
        BatchCandidate {
            case_id: id.into(),
            refund: Money(refund),
            low_risk,
        }
    }

    #[test]
    fn a_batch_within_the_caps_is_planned_in_the_order_given() {
        let policy = Policy::default();
        let plan = plan_batch(
            &[candidate("b", 100_000, true), candidate("a", 500_000, true)],
            &policy,
        );
        assert_eq!(
            plan,
            Ok(BatchPlan {
                case_ids: vec!["b".into(), "a".into()],
                total: Money(600_000),
            })
        );
        // Exactly at both caps goes; one more case or one more cent does not.
        let twenty: Vec<BatchCandidate> = (0..20)
            .map(|i| candidate(&format!("c{i}"), 30_000, true))
            .collect();
        assert!(plan_batch(&twenty, &policy).is_ok());
        let mut twenty_one = twenty.clone();
        twenty_one.push(candidate("c20", 0, true));
        assert_eq!(
            plan_batch(&twenty_one, &policy),
            Err(BatchRefusal::TooManyCases { count: 21, max: 20 })
        );
        let mut a_cent_more = twenty;
        a_cent_more[0].refund = Money(30_001);
        assert_eq!(
            plan_batch(&a_cent_more, &policy),
            Err(BatchRefusal::OverAmount {
                total: Money(600_001),
                max: Money(600_000)
            })
        );
    }

    #[test]
    fn a_batch_is_refused_whole_when_empty_repeated_or_holding_risky_cases() {
        let policy = Policy::default();
        let table = [
            (vec![], BatchRefusal::Empty),
            (
                vec![candidate("a", 1, true), candidate("a", 1, true)],
                BatchRefusal::DuplicateCase {
                    case_id: "a".into(),
                },
            ),
            (
                vec![
                    candidate("a", 1, false),
                    candidate("b", 1, true),
                    candidate("c", -5, true),
                ],
                BatchRefusal::NotLowRisk {
                    case_ids: vec!["a".into(), "c".into()],
                },
            ),
        ];
        for (candidates, refusal) in table {
            assert_eq!(plan_batch(&candidates, &policy), Err(refusal));
        }
    }

    #[test]
    fn the_caps_are_the_shops_settings() {
        let policy = Policy {
            batch_max_cases: 2,
            batch_max_amount: Money(1_000),
            ..Policy::default()
        };
        let three = [
            candidate("a", 1, true),
            candidate("b", 1, true),
            candidate("c", 1, true),
        ];
        assert_eq!(
            plan_batch(&three, &policy),
            Err(BatchRefusal::TooManyCases { count: 3, max: 2 })
        );
        assert_eq!(
            plan_batch(&three[..2], &policy).map(|p| p.total),
            Ok(Money(2))
        );
    }

    #[test]
    fn each_planned_case_is_then_decided_on_its_own() {
        // Two low-risk cases of two orders; the second changes after the plan (the buyer
        // withdraws): its approval is refused on its own and the first still goes through.
        let mut first = shirt(9_900);
        let mut second = shirt(5_000);
        second.case.id = "case-2".into();
        let candidates = [
            batch_candidate(&first.case, &first.ctx()),
            batch_candidate(&second.case, &second.ctx()),
        ];
        let plan = plan_batch(&candidates, &Policy::default()).expect("planned");
        assert_eq!(plan.total, Money(14_900));
        second.ok(&Actor::Buyer, Command::Cancel);
        let approve = |run: &mut Run| {
            let command = Command::Approve {
                solution: Solution::as_requested(run.case.request.kind).expect("a request"),
                note: String::new(),
            };
            run.act(&agent(), command)
        };
        assert!(approve(&mut first).is_ok());
        assert_eq!(
            approve(&mut second).err().map(|e| e.code()),
            Some("not_allowed_in_state")
        );
    }

    #[test]
    fn every_refusal_speaks_both_languages_with_a_stable_code() {
        for r in [
            BatchRefusal::Empty,
            BatchRefusal::DuplicateCase {
                case_id: "AS-1".into(),
            },
            BatchRefusal::NotLowRisk {
                case_ids: vec!["AS-1".into(), "AS-2".into()],
            },
            BatchRefusal::TooManyCases { count: 21, max: 20 },
            BatchRefusal::OverAmount {
                total: Money(600_001),
                max: Money(600_000),
            },
        ] {
            let json = serde_json::to_value(&r).unwrap_or_default();
            assert_eq!(json["code"], r.code());
            assert!(!r.message(Lang::ZhCn).is_empty() && !r.message(Lang::En).is_empty());
            assert_ne!(r.message(Lang::ZhCn), r.message(Lang::En));
        }
        assert!(
            BatchRefusal::OverAmount {
                total: Money(600_001),
                max: Money(600_000)
            }
            .message(Lang::En)
            .contains("6000.01")
        );
    }
}
