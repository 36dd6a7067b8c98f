//! Filing a request: the checks a new request must pass (lines, quantities across the order's
//! cases, eligibility, proof limits), the case it creates, and the live preview the portal shows
//! while the buyer fills the form — the same checks, so the portal and the worker agree.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::domain::{
    Actor, BadReview, Case, CaseKind, CaseRequest, Event, EventKind, ExpiryOutcome, Order, Party,
    Reason, RefundBreakdown, Timestamp,
};

use super::context::{Context, Others};
use super::deadline::current_deadline;
use super::eligibility::{LineCheck, remaining_quantity};
use super::error::{PolicyError, Refusal};
use super::machine::photos;
use super::refund::{fast_refund_allowed, refund_for_request};
use super::shipping::{Payer, return_shipping_payer};

/// What happens next once a request is filed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NextStep {
    /// Who must act.
    pub who: Party,
    /// By when.
    pub due: Timestamp,
    /// What happens if they don't.
    pub on_expiry: ExpiryOutcome,
}

/// What the portal shows while the buyer fills the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Preview {
    /// Why the request would be refused as it stands (`None`: it would be filed).
    pub refusal: Option<PolicyError>,
    /// Who would pay to send the goods back (`None`: nothing goes back).
    pub shipping_payer: Option<Payer>,
    /// The refund if granted as asked (`None` for kinds that do not refund).
    pub refund: Option<RefundBreakdown>,
    /// A fast refund would be paid as soon as the return's tracking number is entered.
    pub fast_refund: bool,
    /// The next step and its deadline, if the request would be filed.
    pub next_step: Option<NextStep>,
    /// Whether the return postage would be paid back with the refund (up to the cap), or that
    /// the shipping insurance pays it.
    #[serde(default)]
    pub postage: super::postage::PostageTerms,
}

/// Whether a request must carry the buyer's confirmation that the goods are complete and intact
/// (DOMAIN.md "Rules a policy must be able to express": a no-reason return's goods "must come
/// back complete and in resalable condition"). The buyer confirms it when filing; the warehouse
/// checks it at inspection. The portal asks for the tick exactly when this is true.
#[must_use]
pub const fn needs_intact_confirmation(kind: CaseKind, reason: Reason) -> bool {
    kind.needs_return() && reason.is_no_reason()
}

/// Check a new request against the order, its other cases (`ctx.other_cases`) and the policy,
/// judged at `ctx.now`.
///
/// # Errors
/// The first problem found, in the order: text and photo limits, lines and quantities,
/// eligibility of each line, the intact confirmation of a no-reason return.
pub fn check_request(
    order: &Order,
    request: &CaseRequest,
    ctx: &Context<'_>,
) -> Result<(), PolicyError> {
    let policy = ctx.policy;
    if request.note.chars().count() as i64 > policy.max_note_chars {
        return Err(PolicyError::NoteTooLong {
            max: policy.max_note_chars,
        });
    }
    photos(&request.photos, ctx)?;
    if !request.kind.about_goods() {
        return check_question(order, request, ctx);
    }
    if request.lines.is_empty() {
        return Err(PolicyError::NoLines);
    }
    let others = Others::new(ctx.other_cases, "");
    let mut seen = BTreeSet::new();
    for requested in &request.lines {
        if !seen.insert(requested.sku.as_str()) {
            return Err(PolicyError::DuplicateLine {
                sku: requested.sku.clone(),
            });
        }
        let line = order
            .line(&requested.sku)
            .ok_or_else(|| PolicyError::UnknownLine {
                sku: requested.sku.clone(),
            })?;
        let remaining = remaining_quantity(line, others);
        if requested.quantity == 0 || requested.quantity > remaining {
            return Err(PolicyError::InvalidQuantity {
                sku: line.sku.clone(),
                requested: requested.quantity,
                remaining,
            });
        }
    }
    let check = LineCheck {
        order,
        others,
        policy,
        at: ctx.now,
        carrier_confirms_loss: request.carrier_confirms_loss,
    };
    for requested in &request.lines {
        let Some(line) = order.line(&requested.sku) else {
            continue;
        };
        check
            .check(line, request.kind, request.reason)
            .map_err(|refusal| PolicyError::Ineligible {
                sku: line.sku.clone(),
                refusal,
            })?;
        if needs_intact_confirmation(request.kind, request.reason) && !request.intact_confirmed {
            return Err(PolicyError::Ineligible {
                sku: line.sku.clone(),
                refusal: Refusal::IntactNotConfirmed {
                    rule: policy.intact_rule_for(&line.category),
                },
            });
        }
    }
    Ok(())
}

/// A question (where is my parcel, a complaint) or a review follow-up is about the order as a
/// whole: it names no lines and claims no units, and its reason is the one its kind has.
fn check_question(
    order: &Order,
    request: &CaseRequest,
    ctx: &Context<'_>,
) -> Result<(), PolicyError> {
    if !request.lines.is_empty() {
        return Err(PolicyError::QuestionHasLines);
    }
    let kind = request.kind;
    let refusal = |refusal| PolicyError::Ineligible {
        sku: String::new(),
        refusal,
    };
    if kind.question_reason() != Some(request.reason) {
        return Err(refusal(Refusal::ReasonDoesNotFitKind {
            kind,
            reason: request.reason,
        }));
    }
    let check = LineCheck {
        order,
        others: Others::new(ctx.other_cases, ""),
        policy: ctx.policy,
        at: ctx.now,
        carrier_confirms_loss: request.carrier_confirms_loss,
    };
    // The rule is the kind's, whatever the line: any line stands for the order.
    match order.lines.first() {
        Some(line) => check.check(line, kind, request.reason).map_err(refusal),
        None => Err(PolicyError::NoLines),
    }
}

/// File a request: check it ([`check_request`]) and open the case, its history starting with
/// the filing.
///
/// # Errors
/// See [`check_request`]; also an empty id.
pub fn file_case(
    id: String,
    order: &Order,
    request: CaseRequest,
    ctx: &Context<'_>,
) -> Result<Case, PolicyError> {
    if id.trim().is_empty() {
        return Err(PolicyError::EmptyCaseId);
    }
    if request.kind == CaseKind::ReviewRecovery {
        return Err(PolicyError::Ineligible {
            sku: String::new(),
            refusal: Refusal::OpenedByTheShop,
        });
    }
    check_request(order, &request, ctx)?;
    Ok(Case {
        id,
        order: order.clone(),
        request,
        filed_at: ctx.now,
        events: vec![Event {
            at: ctx.now,
            actor: Actor::Buyer,
            kind: EventKind::Filed,
        }],
    })
}

/// Open the follow-up of a bad review the shop recorded (差评挽回): a case in the dispute class,
/// its first move the shop's (contact the buyer), opened by `opener` (the shop's system or a
/// staff member), never by the buyer. The review's fields are checked where they enter
/// (`crate::api::import::check_review`).
///
/// # Errors
/// An empty id; an order without lines.
pub fn open_review_recovery(
    id: String,
    order: &Order,
    review: BadReview,
    opener: &Actor,
    ctx: &Context<'_>,
) -> Result<Case, PolicyError> {
    if id.trim().is_empty() {
        return Err(PolicyError::EmptyCaseId);
    }
    let request = CaseRequest {
        kind: CaseKind::ReviewRecovery,
        reason: Reason::BadReview,
        lines: Vec::new(),
        note: review.text.clone(),
        photos: Vec::new(),
        intact_confirmed: false,
        urgent: false,
        carrier_confirms_loss: false,
        lang: None,
        review: Some(review),
    };
    check_question(order, &request, ctx)?;
    Ok(Case {
        id,
        order: order.clone(),
        request,
        filed_at: ctx.now,
        events: vec![Event {
            at: ctx.now,
            actor: opener.clone(),
            kind: EventKind::Filed,
        }],
    })
}

/// What filing `request` now would lead to (the portal's live preview; the worker's decision on
/// the same input is the same, as it runs the same checks).
#[must_use]
pub fn preview(order: &Order, request: &CaseRequest, ctx: &Context<'_>) -> Preview {
    let refusal = check_request(order, request, ctx).err();
    let next_step = if refusal.is_none() {
        let hypothetical = Case {
            id: String::new(),
            order: order.clone(),
            request: request.clone(),
            filed_at: ctx.now,
            events: Vec::new(),
        };
        current_deadline(&hypothetical, ctx.policy).map(|d| NextStep {
            who: d.waiting_for,
            due: d.due,
            on_expiry: d.on_expiry,
        })
    } else {
        None
    };
    Preview {
        shipping_payer: return_shipping_payer(order, request.kind, request.reason, ctx.policy),
        refund: refund_for_request(order, request, ctx),
        fast_refund: refusal.is_none() && fast_refund_allowed(order, request, ctx),
        refusal,
        next_step,
        postage: super::postage::postage_terms(order, request.kind, request.reason, ctx.policy),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CaseKind, Money, Reason, RequestedLine, Role};
    use crate::policy::context::BuyerStanding;
    use crate::policy::fixtures::{Run, day_after_signed, line, order, request};
    use crate::policy::settings::{IntactRule, Policy};

    fn ctx(policy: &Policy, now: Timestamp) -> Context<'_> {
        Context {
            policy,
            now,
            other_cases: &[],
            buyer: BuyerStanding::default(),
        }
    }

    #[test]
    fn a_request_is_checked_line_by_line_before_it_is_filed() {
        let o = order(vec![
            line("shirt", "clothing", 9_900, 2),
            line("hat", "clothing", 3_000, 1),
        ]);
        let policy = Policy::default();
        let now = day_after_signed(2, 10, 0);
        let base = request(
            CaseKind::ReturnAndRefund,
            Reason::SizeOrFit,
            &[("shirt", 1)],
        );
        let with = |f: &dyn Fn(&mut CaseRequest)| {
            let mut r = base.clone();
            f(&mut r);
            check_request(&o, &r, &ctx(&policy, now)).err()
        };
        let table: Vec<(Option<PolicyError>, Option<PolicyError>)> = vec![
            (with(&|_| {}), None),
            (with(&|r| r.lines.clear()), Some(PolicyError::NoLines)),
            (
                with(&|r| r.lines[0].sku = "sock".into()),
                Some(PolicyError::UnknownLine { sku: "sock".into() }),
            ),
            (
                with(&|r| r.lines[0].quantity = 0),
                Some(PolicyError::InvalidQuantity {
                    sku: "shirt".into(),
                    requested: 0,
                    remaining: 2,
                }),
            ),
            (
                with(&|r| r.lines[0].quantity = 3),
                Some(PolicyError::InvalidQuantity {
                    sku: "shirt".into(),
                    requested: 3,
                    remaining: 2,
                }),
            ),
            (
                with(&|r| {
                    r.lines.push(RequestedLine {
                        sku: "shirt".into(),
                        quantity: 1,
                    })
                }),
                Some(PolicyError::DuplicateLine {
                    sku: "shirt".into(),
                }),
            ),
            (
                with(&|r| r.photos = vec!["p".into(); 10]),
                Some(PolicyError::TooManyPhotos { max: 9 }),
            ),
            (
                with(&|r| r.note = "x".repeat(2_001)),
                Some(PolicyError::NoteTooLong { max: 2_000 }),
            ),
            (
                with(&|r| r.intact_confirmed = false),
                Some(PolicyError::Ineligible {
                    sku: "shirt".into(),
                    refusal: Refusal::IntactNotConfirmed {
                        rule: IntactRule::Unused,
                    },
                }),
            ),
        ];
        for (got, expected) in table {
            assert_eq!(got, expected);
        }
        // A fault claim needs no intact confirmation.
        let mut fault = request(
            CaseKind::ReturnAndRefund,
            Reason::QualityFault,
            &[("shirt", 1)],
        );
        fault.intact_confirmed = false;
        assert_eq!(check_request(&o, &fault, &ctx(&policy, now)), Ok(()));
        // The portal asks for the tick by the same rule.
        assert!(needs_intact_confirmation(
            CaseKind::ReturnAndRefund,
            Reason::SizeOrFit
        ));
        assert!(!needs_intact_confirmation(
            CaseKind::ReturnAndRefund,
            Reason::QualityFault
        ));
        assert!(!needs_intact_confirmation(
            CaseKind::RefundOnly,
            Reason::ChangedMind
        ));
    }

    #[test]
    fn quantities_are_counted_across_the_orders_cases() {
        let o = order(vec![line("shirt", "clothing", 9_900, 3)]);
        let first = Run::file(
            &o,
            request(
                CaseKind::ReturnAndRefund,
                Reason::SizeOrFit,
                &[("shirt", 2)],
            ),
            day_after_signed(2, 10, 0),
        )
        .expect("filed");
        let others = vec![first.case.clone()];
        let policy = Policy::default();
        let ctx = Context {
            policy: &policy,
            now: day_after_signed(3, 10, 0),
            other_cases: &others,
            buyer: BuyerStanding::default(),
        };
        let two_more = request(
            CaseKind::ReturnAndRefund,
            Reason::SizeOrFit,
            &[("shirt", 2)],
        );
        assert_eq!(
            file_case("c2".into(), &o, two_more, &ctx).err(),
            Some(PolicyError::InvalidQuantity {
                sku: "shirt".into(),
                requested: 2,
                remaining: 1
            })
        );
        let one_more = request(
            CaseKind::ReturnAndRefund,
            Reason::SizeOrFit,
            &[("shirt", 1)],
        );
        assert!(file_case("c2".into(), &o, one_more, &ctx).is_ok());
        assert_eq!(
            file_case(" ".into(), &o, base(), &ctx).err(),
            Some(PolicyError::EmptyCaseId)
        );
    }

    fn base() -> CaseRequest {
        request(
            CaseKind::ReturnAndRefund,
            Reason::SizeOrFit,
            &[("shirt", 1)],
        )
    }

    #[test]
    fn the_preview_shows_the_refund_the_payer_the_fast_refund_and_the_next_step() {
        let o = order(vec![line("shirt", "clothing", 9_900, 1)]);
        let policy = Policy::default();
        let now = day_after_signed(2, 10, 0);
        let ctx = Context {
            policy: &policy,
            now,
            other_cases: &[],
            buyer: BuyerStanding {
                past_cases: 2,
                rejected_for_abuse: 0,
            },
        };
        let p = preview(&o, &base(), &ctx);
        assert_eq!(p.refusal, None);
        assert_eq!(p.shipping_payer, Some(Payer::Buyer));
        assert_eq!(p.refund.as_ref().map(|b| b.total), Some(Money(9_900)));
        assert!(p.fast_refund);
        assert_eq!(
            p.next_step,
            Some(NextStep {
                who: Party::Shop { role: Role::Agent },
                due: now.plus_hours(36),
                on_expiry: ExpiryOutcome::AutoApprove
            })
        );
        // The worker files exactly what the preview accepted.
        assert!(file_case("c".into(), &o, base(), &ctx).is_ok());

        let late = Context {
            now: day_after_signed(9, 10, 0),
            ..ctx
        };
        let p = preview(&o, &base(), &late);
        assert_eq!(
            p.refusal.as_ref().map(PolicyError::code),
            Some("no_reason_window_closed")
        );
        assert_eq!(p.refusal, file_case("c".into(), &o, base(), &late).err());
        assert!(!p.fast_refund && p.next_step.is_none());
        let exchange = request(CaseKind::Exchange, Reason::QualityFault, &[("shirt", 1)]);
        assert_eq!(preview(&o, &exchange, &ctx).refund, None);
    }
}
