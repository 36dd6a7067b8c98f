//! The decision: `(case, command, actor, context) -> events or a refusal`, and `apply`, which
//! appends the events (the state is their fold, see [`crate::domain::Case::state`]).
//!
//! Each decision runs in numbered steps mirroring the rules:
//! 1. the actor's role and the (state, action) table ([`super::actions`]);
//! 2. the command's payload (lengths, amounts, tracking);
//! 3. the policy (eligibility of a granted solution, the fast-refund rule, deadlines);
//! 4. the events, stamped with `now` and the actor.
//!
//! Safety rules enforced here (DOMAIN.md): no refund and no replacement before the return is
//! received and inspected — except a fast refund once the buyer entered tracking and the buyer
//! and order qualify, or the shop's own silence past its deadline (the return is then deemed
//! received: the buyer is never punished for the shop's silence); a refund-only solution sends
//! nothing back by definition and is checked against eligibility like any other.
//!
//! Negotiation (协商, DOMAIN.md): an offer is checked as the approval of its solution would be
//! when it is made, and applied as exactly that approval when the buyer accepts it. Two people for
//! big money: an agent's approval or offer committing more refund than their limit is recorded as
//! a proposal, and nothing but the owner's `ApproveProposal` applies it.

use crate::domain::{
    Actor, Case, CaseKind, CaseState, Command, Event, EventKind, ExpiryOutcome, MS_PER_HOUR, Money,
    Offer, Outcome, OverrideAction, PostageClaim, Proposal, Resolution, Role, ShipmentKind,
    Solution, Timestamp,
};

use crate::i18n::Audience;

use super::actions::admissible;
use super::context::Context;
use super::deadline::current_deadline;
use super::eligibility::{LineCheck, remaining_quantity};
use super::error::PolicyError;
use super::postage::{check_claim, check_postage_amount, postage_terms};
use super::refund::{RefundInput, fast_refund_qualifies, refund_breakdown};
use super::settings::Policy;

/// Decide what `command` from `actor` does to `case` at `ctx.now`: the events to append, or why
/// not. Pure: nothing is changed until the caller [`apply`]s the events.
///
/// # Errors
/// Why the command is refused; nothing happened.
pub fn decide(
    case: &Case,
    command: &Command,
    actor: &Actor,
    ctx: &Context<'_>,
) -> Result<Vec<Event>, PolicyError> {
    let state = case.state();
    // 1. Role and state.
    admissible(case, &state, command.action(), actor, ctx)?;
    // 2–3. Payload and policy.
    amounts_in_bounds(command)?;
    let kinds = events_for(case, &state, command, actor, ctx)?;
    if matches!(command, Command::Message { .. }) {
        message_budget(case, actor, ctx)?;
    }
    // 4. Stamp.
    Ok(kinds
        .into_iter()
        .map(|kind| Event {
            at: ctx.now,
            actor: actor.clone(),
            kind,
        })
        .collect())
}

/// Append decided events to the case's history.
pub fn apply(case: &mut Case, events: Vec<Event>) {
    case.events.extend(events);
}

/// Checks on free text.
fn text(value: &str, ctx: &Context<'_>, required: bool) -> Result<(), PolicyError> {
    if required && value.trim().is_empty() {
        return Err(PolicyError::EmptyText);
    }
    let max = ctx.policy.max_note_chars;
    if value.chars().count() as i64 > max {
        return Err(PolicyError::NoteTooLong { max });
    }
    Ok(())
}

/// One party's messages on a case within the last hour stay under the shop's limit, so a chatty
/// (or scripted) side cannot bury the case under thousands of commits. Staff count as one party.
fn message_budget(case: &Case, actor: &Actor, ctx: &Context<'_>) -> Result<(), PolicyError> {
    let max = ctx.policy.max_messages_per_case_per_hour;
    let since = Timestamp(ctx.now.0.saturating_sub(MS_PER_HOUR));
    let same_party = |other: &Actor| {
        matches!(
            (actor, other),
            (Actor::Buyer, Actor::Buyer) | (Actor::Staff { .. }, Actor::Staff { .. })
        )
    };
    let recent = case
        .events
        .iter()
        .rev()
        .take_while(|e| e.at > since)
        .filter(|e| matches!(e.kind, EventKind::MessagePosted { .. }) && same_party(&e.actor))
        .count();
    if i64::try_from(recent).unwrap_or(i64::MAX) >= max {
        return Err(PolicyError::TooManyMessages { max });
    }
    Ok(())
}

/// Every amount a command carries is one any input may carry ([`Money::is_valid`]), whatever
/// the state: the later checks compare an amount with what the case allows only on the paths that
/// pay, while the command itself is recorded in the history on every path (a partial-refund
/// amount on a case whose fast refund already went out is kept, not checked), and a history
/// holding 2^63 would not read back through a JavaScript number.
fn amounts_in_bounds(command: &Command) -> Result<(), PolicyError> {
    let of_solution = |solution: &Solution| match solution {
        Solution::RefundOnly { amount } => *amount,
        Solution::ReturnAndRefund | Solution::Exchange | Solution::Repair | Solution::Reship => {
            None
        }
    };
    // Every command listed, so that a new one carrying money is considered here.
    let amount = match command {
        Command::Approve { solution, .. }
        | Command::ResolveEscalation {
            resolution: Resolution::Approve { solution },
            ..
        }
        | Command::Override {
            action: OverrideAction::Approve { solution },
            ..
        } => of_solution(solution),
        Command::Offer { offer, .. } => of_solution(&offer.solution()),
        Command::Receive { inspection } => Some(inspection.deduction),
        Command::Goodwill { amount, .. } => Some(*amount),
        // Postage has its own, tighter bound and code (`invalid_postage`).
        Command::EnterReturnTracking {
            postage: Some(PostageClaim { amount, .. }),
            ..
        }
        | Command::AdjustPostage { amount, .. } => {
            return check_postage_amount(*amount, true);
        }
        Command::AddProof { .. }
        | Command::AnswerInfo { .. }
        | Command::Answer { .. }
        | Command::RecordReviewOutcome { .. }
        | Command::TakeToPlatform { .. }
        | Command::EnterReturnTracking { postage: None, .. }
        | Command::Cancel
        | Command::Escalate { .. }
        | Command::ConfirmReceipt
        | Command::Rate { .. }
        | Command::Reopen
        | Command::Message { .. }
        | Command::AcceptOffer
        | Command::DeclineOffer { .. }
        | Command::ApproveProposal { .. }
        | Command::DeclineProposal { .. }
        | Command::Reject { .. }
        | Command::RequestInfo { .. }
        | Command::ReturnArrived
        | Command::Ship { .. }
        | Command::ResolveEscalation { .. }
        | Command::Override { .. }
        | Command::Expire { .. } => None,
    };
    match amount {
        Some(amount) if !amount.is_valid() => Err(PolicyError::InvalidAmount {
            amount,
            max: Money::MAX,
        }),
        Some(_) | None => Ok(()),
    }
}

pub(crate) fn photos(photos: &[String], ctx: &Context<'_>) -> Result<(), PolicyError> {
    let max = ctx.policy.max_photos;
    if photos.len() as i64 > max {
        return Err(PolicyError::TooManyPhotos { max });
    }
    Ok(())
}

fn tracking(carrier: &str, number: &str, ctx: &Context<'_>) -> Result<(), PolicyError> {
    if carrier.trim().is_empty() || number.trim().is_empty() {
        return Err(PolicyError::MissingTracking);
    }
    text(carrier, ctx, true)?;
    text(number, ctx, true)
}

fn outcome_of(solution: &Solution) -> Outcome {
    match solution {
        Solution::RefundOnly { .. } | Solution::ReturnAndRefund => Outcome::Refunded,
        Solution::Exchange => Outcome::Exchanged,
        Solution::Repair => Outcome::Repaired,
        Solution::Reship => Outcome::Reshipped,
    }
}

fn shipment_of(solution: &Solution) -> ShipmentKind {
    match solution {
        Solution::Repair => ShipmentKind::Repaired,
        Solution::Reship => ShipmentKind::Reshipment,
        Solution::Exchange | Solution::RefundOnly { .. } | Solution::ReturnAndRefund => {
            ShipmentKind::Replacement
        }
    }
}

/// The refund this case pays for `kind`.
pub(crate) fn refund_for_kind(
    case: &Case,
    kind: CaseKind,
    ctx: &Context<'_>,
    inspection_deduction: Money,
    agreed_amount: Option<Money>,
) -> crate::domain::RefundBreakdown {
    refund_breakdown(&RefundInput {
        order: &case.order,
        lines: &case.request.lines,
        reason: case.request.reason,
        kind,
        other_cases: ctx.other_cases,
        case_id: &case.id,
        policy: ctx.policy,
        inspection_deduction,
        agreed_amount,
        postage_claimed: case.postage_claimed().unwrap_or(Money::ZERO),
    })
}

/// Events that pay a refund and close the case; only the closing if the money already went
/// (fast refund), so a case never pays twice.
fn refund_and_close(
    case: &Case,
    kind: CaseKind,
    ctx: &Context<'_>,
    agreed_amount: Option<Money>,
) -> Result<Vec<EventKind>, PolicyError> {
    let mut events = Vec::new();
    if !case.has_refund() {
        let deduction = case.inspection_deduction();
        if let Some(amount) = agreed_amount {
            // The agreed amount is for the goods; postage owed is paid back on top of it.
            let full = refund_for_kind(case, kind, ctx, deduction, None);
            let goods = full.total - full.return_postage;
            if !amount.is_positive() || amount > goods {
                return Err(PolicyError::InvalidAmount { amount, max: goods });
            }
        }
        let breakdown = refund_for_kind(case, kind, ctx, deduction, agreed_amount);
        events.push(EventKind::Refunded { breakdown });
    }
    events.push(EventKind::Closed {
        outcome: Outcome::Refunded,
    });
    Ok(events)
}

/// Grant `solution`: the approval and what follows at once (a refund-only solution pays now;
/// returns wait for the goods; with the goods already at the shop, refunds pay and exchanges
/// and repairs go to the warehouse).
pub(crate) fn approve(
    case: &Case,
    solution: &Solution,
    note: &str,
    ctx: &Context<'_>,
    check_eligibility: bool,
) -> Result<Vec<EventKind>, PolicyError> {
    let goods_here = case.goods_at_shop();
    if check_eligibility && !goods_here {
        // Judged at filing: the shop's time to answer must not close the buyer's window.
        let check = LineCheck {
            order: &case.order,
            others: ctx.others(&case.id),
            policy: ctx.policy,
            at: case.filed_at,
            carrier_confirms_loss: case.request.carrier_confirms_loss,
        };
        for requested in &case.request.lines {
            let line = case
                .order
                .line(&requested.sku)
                .ok_or_else(|| PolicyError::UnknownLine {
                    sku: requested.sku.clone(),
                })?;
            check
                .check(line, solution.kind(), case.request.reason)
                .map_err(|refusal| PolicyError::Ineligible {
                    sku: line.sku.clone(),
                    refusal,
                })?;
        }
    }
    // Units must still be there even for an override (never refund a unit twice).
    for requested in &case.request.lines {
        if let Some(line) = case.order.line(&requested.sku) {
            let remaining = remaining_quantity(line, ctx.others(&case.id));
            if requested.quantity > remaining {
                return Err(PolicyError::InvalidQuantity {
                    sku: line.sku.clone(),
                    requested: requested.quantity,
                    remaining,
                });
            }
        }
    }
    let mut events = vec![EventKind::Approved {
        solution: solution.clone(),
        note: note.to_owned(),
    }];
    match (goods_here, solution) {
        (false, Solution::RefundOnly { amount }) => {
            events.extend(refund_and_close(case, CaseKind::RefundOnly, ctx, *amount)?);
        }
        // Money already went back (a fast refund): goods must not follow it.
        (false, Solution::Exchange | Solution::Repair | Solution::Reship) if case.has_refund() => {
            return Err(PolicyError::SolutionNotPossibleHere {
                kind: solution.kind(),
            });
        }
        (
            false,
            Solution::ReturnAndRefund | Solution::Exchange | Solution::Repair | Solution::Reship,
        ) => {}
        (true, Solution::RefundOnly { amount }) => {
            events.extend(refund_and_close(
                case,
                CaseKind::ReturnAndRefund,
                ctx,
                *amount,
            )?);
        }
        (true, Solution::ReturnAndRefund) => {
            events.extend(refund_and_close(
                case,
                CaseKind::ReturnAndRefund,
                ctx,
                None,
            )?);
        }
        (true, Solution::Exchange | Solution::Repair) if !case.has_refund() => {}
        (true, Solution::Exchange | Solution::Repair | Solution::Reship) => {
            return Err(PolicyError::SolutionNotPossibleHere {
                kind: solution.kind(),
            });
        }
    }
    Ok(events)
}

/// The refund an approval of `solution` commits the shop to, given the events the approval
/// produced: what it pays now, or for a return the refund the goods' receipt will release (that
/// receipt is the warehouse's, or the shop's silence: nobody approves the money again). Nothing
/// when the money already went (a fast refund) or when goods are sent instead.
pub(crate) fn committed_refund(
    case: &Case,
    solution: &Solution,
    events: &[EventKind],
    ctx: &Context<'_>,
) -> Money {
    if let Some(paid) = events.iter().find_map(EventKind::refunded) {
        return paid.total;
    }
    match solution {
        Solution::ReturnAndRefund if !case.has_refund() => {
            refund_for_kind(
                case,
                CaseKind::ReturnAndRefund,
                ctx,
                case.inspection_deduction(),
                None,
            )
            .total
        }
        Solution::ReturnAndRefund
        | Solution::RefundOnly { .. }
        | Solution::Exchange
        | Solution::Repair
        | Solution::Reship => Money::ZERO,
    }
}

/// True when `actor` may not commit a refund of `amount` alone (DOMAIN.md "Two people for big
/// money"). Only agents have a limit: the owner is the second person, and the system's deadlines
/// and the buyer's acceptance apply what the policy or staff already decided.
fn needs_owner(actor: &Actor, amount: Money, policy: &Policy) -> bool {
    actor.role() == Some(Role::Agent)
        && policy
            .approval_limits
            .agent
            .is_some_and(|limit| amount > limit)
}

/// The most goodwill `actor` may pay on `case` now: the shop's cap less the goodwill the case
/// already paid, never more than the order's buyer paid less every refund of the order (this
/// case's too, so goodwill can never pay back more than the order cost), and for an agent their
/// own approval limit (above it, the owner pays: DOMAIN.md "Two people for big money").
fn goodwill_room(case: &Case, actor: &Actor, ctx: &Context<'_>) -> Money {
    let refunds = |c: &Case| -> Money {
        c.events
            .iter()
            .filter_map(|e| e.kind.refunded())
            .map(|b| b.total - b.return_postage)
            .sum()
    };
    let goodwill_here: Money = case
        .events
        .iter()
        .filter_map(|e| e.kind.refunded())
        .map(|b| b.goodwill)
        .sum();
    let refunded: Money = refunds(case) + ctx.others(&case.id).iter().map(refunds).sum::<Money>();
    let mut room = (ctx.policy.goodwill_cap - goodwill_here)
        .min(case.order.total_paid() - refunded)
        .non_negative();
    if actor.role() == Some(Role::Agent)
        && let Some(limit) = ctx.policy.approval_limits.agent
    {
        room = room.min(limit);
    }
    room
}

/// An offer must be one the shop could grant now: its approval is decided and dropped, so an
/// accepted offer applies unless the order changed meanwhile, and an offer above what is
/// refundable or outside eligibility is refused when made (DOMAIN.md: the shop offers "another
/// solution", one the policy allows). Returns the refund the offer commits.
fn check_offer(
    case: &Case,
    offer: &Offer,
    note: &str,
    ctx: &Context<'_>,
) -> Result<Money, PolicyError> {
    let solution = offer.solution();
    // The money already went back (a fast refund): there is nothing left to negotiate about.
    if case.has_refund() {
        return Err(PolicyError::SolutionNotPossibleHere {
            kind: solution.kind(),
        });
    }
    let events = approve(case, &solution, note, ctx, true)?;
    Ok(committed_refund(case, &solution, &events, ctx))
}

/// The shop's decision step behind a pending offer or proposal; any other state itself.
fn step_of(state: &CaseState) -> &CaseState {
    match state {
        CaseState::OfferPending { previous, .. }
        | CaseState::AwaitingOwnerApproval { previous, .. } => previous,
        other => other,
    }
}

/// The goods reached the shop and are accepted: a refund pays and closes; exchanges and repairs
/// move to the warehouse by the fold.
fn release(
    case: &Case,
    solution: &Solution,
    ctx: &Context<'_>,
) -> Result<Vec<EventKind>, PolicyError> {
    match solution {
        Solution::ReturnAndRefund | Solution::RefundOnly { .. } => {
            refund_and_close(case, CaseKind::ReturnAndRefund, ctx, None)
        }
        Solution::Exchange | Solution::Repair | Solution::Reship => Ok(Vec::new()),
    }
}

/// The solution granted so far, in the states that have one.
fn granted(state: &CaseState) -> Option<&Solution> {
    match state {
        CaseState::AwaitingReturn { solution, .. }
        | CaseState::ReturnInTransit { solution, .. }
        | CaseState::AwaitingDecision { solution, .. }
        | CaseState::AwaitingShipment { solution, .. }
        | CaseState::Shipped { solution, .. } => Some(solution),
        CaseState::AwaitingReview { .. }
        | CaseState::InfoRequested { .. }
        | CaseState::Rejected { .. }
        | CaseState::OfferPending { .. }
        | CaseState::AwaitingOwnerApproval { .. }
        | CaseState::Escalated { .. }
        | CaseState::Closed { .. } => None,
    }
}

/// True when a returned parcel is at the shop but not yet inspected in the step under an
/// escalation. A supervisor may grant a new solution for a parcel lost on its way back (the buyer
/// ships again), never for one that arrived: the warehouse inspects it first (resume, then
/// receive), or the buyer would be asked to send goods the shop already holds.
fn parcel_awaiting_inspection(state: &CaseState) -> bool {
    let step = match state {
        CaseState::Escalated { previous, .. } => previous.as_ref(),
        other => other,
    };
    matches!(
        step,
        CaseState::ReturnInTransit {
            arrived_at: Some(_),
            ..
        }
    )
}

/// Steps 2–3 for each command. The (state, action) pairs were admitted by
/// [`super::actions::state_allows`]; the `let … else` arms below only read the data of the
/// admitted states.
#[expect(
    clippy::too_many_lines,
    reason = "one arm per command keeps the rules side by side"
)]
fn events_for(
    case: &Case,
    state: &CaseState,
    command: &Command,
    actor: &Actor,
    ctx: &Context<'_>,
) -> Result<Vec<EventKind>, PolicyError> {
    let in_state = || PolicyError::NotAllowedInState {
        action: command.action(),
        state: state.name(),
        audience: Audience::of(actor),
    };
    match command {
        Command::AddProof { photos: list } => {
            if list.is_empty() {
                return Err(PolicyError::EmptyText);
            }
            photos(list, ctx)?;
            Ok(vec![EventKind::ProofAdded {
                photos: list.clone(),
            }])
        }
        Command::AnswerInfo { note, photos: list } => {
            text(note, ctx, list.is_empty())?;
            photos(list, ctx)?;
            Ok(vec![EventKind::InfoAnswered {
                note: note.clone(),
                photos: list.clone(),
            }])
        }
        Command::EnterReturnTracking {
            carrier,
            tracking: number,
            postage,
        } => {
            tracking(carrier, number, ctx)?;
            let Some(solution) = granted(state) else {
                return Err(in_state());
            };
            if let Some(claim) = postage {
                let terms = postage_terms(
                    &case.order,
                    solution.kind(),
                    case.request.reason,
                    ctx.policy,
                );
                check_claim(claim, terms)?;
                text(&claim.receipt, ctx, true)?;
            }
            let claimed = postage
                .as_ref()
                .map(|c| c.amount)
                .or_else(|| case.postage_claimed());
            let mut events = vec![EventKind::ReturnShipped {
                carrier: carrier.trim().to_owned(),
                tracking: number.trim().to_owned(),
                postage: postage.clone().map(|mut c| {
                    c.receipt = c.receipt.trim().to_owned();
                    c
                }),
            }];
            // 极速退款: judged at filing, like eligibility, with the buyer's standing now; never
            // a second time (a return re-approved after an escalation is shipped again).
            if *solution == Solution::ReturnAndRefund
                && !case.has_refund()
                && fast_refund_qualifies(
                    &case.order,
                    &case.request.lines,
                    CaseKind::ReturnAndRefund,
                    ctx.policy,
                    ctx.buyer,
                    case.filed_at,
                )
            {
                // The claim sent with this tracking number is not in the history yet.
                let breakdown = refund_breakdown(&RefundInput {
                    order: &case.order,
                    lines: &case.request.lines,
                    reason: case.request.reason,
                    kind: CaseKind::ReturnAndRefund,
                    other_cases: ctx.other_cases,
                    case_id: &case.id,
                    policy: ctx.policy,
                    inspection_deduction: Money::ZERO,
                    agreed_amount: None,
                    postage_claimed: claimed.unwrap_or(Money::ZERO),
                });
                events.push(EventKind::FastRefunded { breakdown });
            }
            Ok(events)
        }
        Command::Cancel => Ok(vec![EventKind::Closed {
            outcome: Outcome::Withdrawn,
        }]),
        Command::Escalate { note } => {
            text(note, ctx, false)?;
            Ok(vec![EventKind::Escalated {
                note: note.clone(),
                by_timeout: false,
            }])
        }
        Command::ConfirmReceipt => {
            let Some(solution) = granted(state) else {
                return Err(in_state());
            };
            Ok(vec![
                EventKind::ReceiptConfirmed { automatic: false },
                EventKind::Closed {
                    outcome: outcome_of(solution),
                },
            ])
        }
        Command::Rate { stars, comment } => {
            if !(1..=5).contains(stars) {
                return Err(PolicyError::InvalidRating { stars: *stars });
            }
            text(comment, ctx, false)?;
            Ok(vec![EventKind::Rated {
                stars: *stars,
                comment: comment.clone(),
            }])
        }
        Command::Reopen => Ok(vec![EventKind::Reopened]),
        Command::Message { text: body } => {
            text(body, ctx, true)?;
            Ok(vec![EventKind::MessagePosted { text: body.clone() }])
        }
        // 维权: a fact recorded whatever the state. An open request goes to the owner with its
        // clocks paused, as an escalation does (DOMAIN.md: clocks pause while a case is
        // escalated); a question or a follow-up is answered as before, only ranked higher.
        Command::TakeToPlatform {
            forum,
            external_ref,
            note,
        } => {
            text(external_ref, ctx, true)?;
            text(note, ctx, false)?;
            let mut events = vec![EventKind::TakenToPlatform {
                forum: *forum,
                external_ref: external_ref.trim().to_owned(),
            }];
            let escalates = case.request.kind.about_goods()
                && !matches!(
                    state,
                    CaseState::Escalated { .. } | CaseState::Closed { .. }
                );
            if escalates {
                events.push(EventKind::Escalated {
                    note: note.trim().to_owned(),
                    by_timeout: false,
                });
            }
            Ok(events)
        }
        Command::Goodwill { amount, note } => {
            text(note, ctx, false)?;
            let max = goodwill_room(case, actor, ctx);
            if !amount.is_positive() || *amount > max {
                return Err(PolicyError::InvalidAmount {
                    amount: *amount,
                    max,
                });
            }
            let mut events = Vec::new();
            if !note.trim().is_empty() {
                events.push(EventKind::MessagePosted {
                    text: note.trim().to_owned(),
                });
            }
            events.push(EventKind::Refunded {
                breakdown: crate::domain::RefundBreakdown::goodwill(*amount),
            });
            Ok(events)
        }
        Command::RecordReviewOutcome { outcome } => Ok(vec![EventKind::Closed {
            outcome: Outcome::of_review(*outcome),
        }]),
        // The answer is a message the case closes on; the buyer may still write back and rate.
        Command::Answer { text: body } => {
            text(body, ctx, true)?;
            Ok(vec![
                EventKind::MessagePosted { text: body.clone() },
                EventKind::Closed {
                    outcome: Outcome::Answered,
                },
            ])
        }
        Command::Approve { solution, note } => {
            text(note, ctx, false)?;
            // Decided as if applied, so that the owner is only ever asked about an approval
            // that would go through.
            let events = approve(case, solution, note, ctx, true)?;
            let amount = committed_refund(case, solution, &events, ctx);
            if needs_owner(actor, amount, ctx.policy) {
                return Ok(vec![EventKind::RefundProposed {
                    proposal: Proposal::Approve {
                        solution: solution.clone(),
                    },
                    amount,
                    note: note.clone(),
                }]);
            }
            Ok(events)
        }
        Command::Offer { offer, note } => {
            text(note, ctx, false)?;
            let amount = check_offer(case, offer, note, ctx)?;
            if needs_owner(actor, amount, ctx.policy) {
                return Ok(vec![EventKind::RefundProposed {
                    proposal: Proposal::Offer {
                        offer: offer.clone(),
                    },
                    amount,
                    note: note.clone(),
                }]);
            }
            Ok(vec![EventKind::OfferMade {
                offer: offer.clone(),
                note: note.clone(),
            }])
        }
        Command::AcceptOffer => {
            let CaseState::OfferPending { offer, note, .. } = state else {
                return Err(in_state());
            };
            // Exactly the shop's approval of the offered solution, judged now: another case of
            // the order may have taken the units since the offer.
            let mut events = vec![EventKind::OfferAccepted];
            events.extend(approve(case, &offer.solution(), note, ctx, true)?);
            Ok(events)
        }
        Command::DeclineOffer { note } => {
            text(note, ctx, false)?;
            Ok(vec![EventKind::OfferDeclined {
                note: note.clone(),
                automatic: false,
            }])
        }
        Command::ApproveProposal { note } => {
            text(note, ctx, false)?;
            let CaseState::AwaitingOwnerApproval {
                proposal,
                note: agent_note,
                ..
            } = state
            else {
                return Err(in_state());
            };
            let mut events = vec![EventKind::ProposalApproved { note: note.clone() }];
            // As the agent sent it, judged now; the owner's sign-off is the only thing added.
            match proposal {
                Proposal::Approve { solution } => {
                    events.extend(approve(case, solution, agent_note, ctx, true)?);
                }
                Proposal::Offer { offer } => {
                    check_offer(case, offer, agent_note, ctx)?;
                    events.push(EventKind::OfferMade {
                        offer: offer.clone(),
                        note: agent_note.clone(),
                    });
                }
            }
            Ok(events)
        }
        Command::DeclineProposal { note } => {
            text(note, ctx, false)?;
            Ok(vec![EventKind::ProposalDeclined { note: note.clone() }])
        }
        Command::Reject { reason_code, note } => {
            text(note, ctx, false)?;
            Ok(vec![EventKind::Rejected {
                reason_code: *reason_code,
                note: note.clone(),
            }])
        }
        Command::RequestInfo { question } => {
            text(question, ctx, true)?;
            Ok(vec![EventKind::InfoRequested {
                question: question.clone(),
            }])
        }
        Command::AdjustPostage { amount, reason } => {
            text(reason, ctx, true)?;
            check_postage_amount(*amount, true)?;
            // Admitted only once the return shipped, for postage the shop owes, before the
            // refund ([`super::actions::admissible`]).
            Ok(vec![EventKind::PostageAdjusted {
                amount: *amount,
                reason: reason.trim().to_owned(),
            }])
        }
        Command::ReturnArrived => {
            // Also while escalated from the transit step (the table admits nothing else).
            let step = match state {
                CaseState::Escalated { previous, .. } => previous.as_ref(),
                other => other,
            };
            match step {
                // Repeated courier notifications change nothing.
                CaseState::ReturnInTransit {
                    arrived_at: Some(_),
                    ..
                } => Ok(Vec::new()),
                _ => Ok(vec![EventKind::ReturnArrived]),
            }
        }
        Command::Receive { inspection } => {
            text(&inspection.note, ctx, false)?;
            let CaseState::ReturnInTransit { solution, .. } = state else {
                return Err(in_state());
            };
            let max = case.order.total_paid();
            if inspection.deduction < Money::ZERO || inspection.deduction > max {
                return Err(PolicyError::InvalidAmount {
                    amount: inspection.deduction,
                    max,
                });
            }
            if inspection.passed && inspection.deduction.is_positive() {
                return Err(PolicyError::DeductionWithoutFault);
            }
            let mut events = vec![EventKind::Received {
                inspection: inspection.clone(),
            }];
            if inspection.passed {
                events.extend(release(case, solution, ctx)?);
            }
            Ok(events)
        }
        Command::Ship {
            carrier,
            tracking: number,
        } => {
            tracking(carrier, number, ctx)?;
            let Some(solution) = granted(state) else {
                return Err(in_state());
            };
            Ok(vec![EventKind::ItemShipped {
                shipment: shipment_of(solution),
                carrier: carrier.trim().to_owned(),
                tracking: number.trim().to_owned(),
            }])
        }
        Command::ResolveEscalation { resolution, note } => {
            text(note, ctx, false)?;
            let resolved = EventKind::EscalationResolved {
                resolution: resolution.clone(),
                note: note.clone(),
            };
            let mut events = vec![resolved];
            match resolution {
                Resolution::Approve { solution } => {
                    if parcel_awaiting_inspection(state) {
                        return Err(in_state());
                    }
                    events.extend(approve(case, solution, note, ctx, true)?);
                }
                Resolution::Reject { .. } => {
                    events.push(EventKind::Closed {
                        outcome: Outcome::Rejected,
                    });
                }
                Resolution::Resume => {}
            }
            Ok(events)
        }
        Command::Override { reason, action } => {
            text(reason, ctx, true)?;
            let overridden = EventKind::Overridden {
                reason: reason.clone(),
                action: action.clone(),
            };
            let mut events = vec![overridden];
            match action {
                OverrideAction::Approve { solution } => {
                    // Goodwill may bend windows, not the order of things: no new solution while
                    // goods or a shipment are already on the move.
                    if (granted(state).is_some()
                        && !matches!(state, CaseState::AwaitingDecision { .. }))
                        || parcel_awaiting_inspection(state)
                    {
                        return Err(in_state());
                    }
                    events.extend(approve(case, solution, reason, ctx, false)?);
                }
                OverrideAction::Close => {
                    events.push(EventKind::Closed {
                        outcome: Outcome::ClosedByOwner,
                    });
                }
            }
            Ok(events)
        }
        Command::Expire { due } => expire(case, state, *due, ctx),
    }
}

/// Run a passed deadline's outcome (DOMAIN.md "Time limits"). An expiry for a deadline that is
/// no longer current (already run, or the case moved on) changes nothing.
fn expire(
    case: &Case,
    state: &CaseState,
    due: crate::domain::Timestamp,
    ctx: &Context<'_>,
) -> Result<Vec<EventKind>, PolicyError> {
    let Some(deadline) = current_deadline(case, ctx.policy) else {
        return Ok(Vec::new());
    };
    if deadline.paused || deadline.due != due {
        return Ok(Vec::new());
    }
    if ctx.now <= due {
        return Err(PolicyError::NotDue { due });
    }
    let outcome = deadline.on_expiry;
    // An unanswered question has nothing to grant (DOMAIN.md): its passing is recorded once, so
    // the buyer's timeline says the shop is late and the shop's webhook carries it (for a
    // complaint, the owner's to be told), and the case waits overdue at the top of its class.
    if outcome == ExpiryOutcome::Overdue {
        return Ok(if super::deadline::overdue_on_record(case, due) {
            Vec::new()
        } else {
            vec![EventKind::DeadlineExpired { due, outcome }]
        });
    }
    let mut events = vec![EventKind::DeadlineExpired { due, outcome }];
    // Behind a proposal the step's own outcome runs, with the solution that step had granted.
    let solution = granted(step_of(state)).cloned();
    match outcome {
        ExpiryOutcome::AutoRefund => {
            events.extend(approve(
                case,
                &Solution::RefundOnly { amount: None },
                "",
                ctx,
                false,
            )?);
        }
        ExpiryOutcome::AutoApprove => {
            if let Some(asked) = Solution::as_requested(case.request.kind) {
                events.extend(approve(case, &asked, "", ctx, false)?);
            }
        }
        ExpiryOutcome::CloseRejected => events.push(EventKind::Closed {
            outcome: Outcome::Rejected,
        }),
        ExpiryOutcome::CloseInfoTimeout => {
            events.push(EventKind::Closed {
                outcome: Outcome::InfoTimeout,
            });
        }
        ExpiryOutcome::CloseAbandoned => {
            events.push(EventKind::Closed {
                outcome: Outcome::Abandoned,
            });
        }
        ExpiryOutcome::ReleaseReturn => {
            events.push(EventKind::ReturnDeemedReceived);
            if let Some(solution) = &solution {
                events.extend(release(case, solution, ctx)?);
            }
        }
        ExpiryOutcome::ProceedAfterInspection => {
            if let Some(solution) = &solution {
                events.extend(approve(case, solution, "", ctx, false)?);
            }
        }
        ExpiryOutcome::EscalateToOwner => {
            events.push(EventKind::Escalated {
                note: String::new(),
                by_timeout: true,
            });
        }
        ExpiryOutcome::AutoConfirmReceipt => {
            events.push(EventKind::ReceiptConfirmed { automatic: true });
            if let Some(solution) = &solution {
                events.push(EventKind::Closed {
                    outcome: outcome_of(solution),
                });
            }
        }
        ExpiryOutcome::DeclineOffer => events.push(EventKind::OfferDeclined {
            note: String::new(),
            automatic: true,
        }),
        // Returned above: nothing runs.
        ExpiryOutcome::Overdue => return Ok(Vec::new()),
    }
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ActionKind, Inspection, Reason, RejectReason, Role, StateName, Timestamp};
    use crate::policy::context::BuyerStanding;
    use crate::policy::fixtures::{
        Run, agent, cst, day_after_signed, line, order, owner, request, signed, warehouse,
    };
    use crate::policy::settings::Policy;
    use crate::policy::{Payer, Refusal, available_actions, return_shipping_payer};

    fn kinds(events: &[Event]) -> Vec<&EventKind> {
        events.iter().map(|e| &e.kind).collect()
    }

    fn passed() -> Inspection {
        Inspection {
            passed: true,
            note: "as new".into(),
            deduction: Money::ZERO,
        }
    }

    fn ship(carrier: &str, tracking: &str) -> Command {
        Command::Ship {
            carrier: carrier.into(),
            tracking: tracking.into(),
        }
    }

    fn tracking(number: &str) -> Command {
        Command::EnterReturnTracking {
            carrier: "SF Express".into(),
            tracking: number.into(),
            postage: None,
        }
    }

    fn approve(solution: Solution) -> Command {
        Command::Approve {
            solution,
            note: "Sorry for the trouble.".into(),
        }
    }

    #[test]
    fn story_a_shirt_that_does_not_fit_is_returned_and_refunded_in_full_once_seen_undamaged() {
        let mut shirt = line("shirt-m", "clothing", 12_900, 1);
        shirt.discount = Money(1_000);
        let o = order(vec![shirt]);
        let mut run = Run::file(
            &o,
            request(
                CaseKind::ReturnAndRefund,
                Reason::SizeOrFit,
                &[("shirt-m", 1)],
            ),
            day_after_signed(2, 20, 0),
        )
        .expect("filed");
        assert_eq!(
            return_shipping_payer(
                &o,
                CaseKind::ReturnAndRefund,
                Reason::SizeOrFit,
                &run.policy
            ),
            Some(Payer::Buyer)
        );
        run.at(day_after_signed(3, 9, 0))
            .ok(&agent(), approve(Solution::ReturnAndRefund));
        assert_eq!(run.state_name(), StateName::AwaitingReturn);
        run.at(day_after_signed(3, 18, 0))
            .ok(&Actor::Buyer, tracking("SF100"));
        assert_eq!(run.state_name(), StateName::ReturnInTransit);
        // No refund before the warehouse has seen it.
        assert!(!run.case.has_refund());
        run.at(day_after_signed(5, 10, 0))
            .ok(&Actor::System, Command::ReturnArrived);
        let events = run.at(day_after_signed(5, 15, 0)).ok(
            &warehouse(),
            Command::Receive {
                inspection: passed(),
            },
        );
        let EventKind::Refunded { breakdown } = &events[1].kind else {
            panic!("{events:?}")
        };
        assert_eq!(breakdown.total, Money(11_900));
        assert_eq!(breakdown.discounts, Money(1_000));
        assert!(matches!(
            run.state(),
            CaseState::Closed {
                outcome: Outcome::Refunded,
                ..
            }
        ));
        run.ok(
            &Actor::Buyer,
            Command::Rate {
                stars: 5,
                comment: "quick".into(),
            },
        );
        assert_eq!(
            run.act(
                &Actor::Buyer,
                Command::Rate {
                    stars: 4,
                    comment: String::new()
                }
            ),
            Err(PolicyError::AlreadyRated)
        );
    }

    #[test]
    fn story_a_phone_that_arrived_scratched_is_exchanged_for_a_new_one_after_inspection() {
        let o = order(vec![line("phone", "electronics", 399_900, 1)]);
        let mut run = Run::file(
            &o,
            request(
                CaseKind::Exchange,
                Reason::DamagedInTransit,
                &[("phone", 1)],
            ),
            day_after_signed(1, 11, 0),
        )
        .expect("filed");
        assert_eq!(
            return_shipping_payer(
                &o,
                CaseKind::Exchange,
                Reason::DamagedInTransit,
                &run.policy
            ),
            Some(Payer::Shop)
        );
        run.at(day_after_signed(1, 12, 0)).ok(
            &agent(),
            Command::RequestInfo {
                question: "A photo of the screen, please.".into(),
            },
        );
        run.at(day_after_signed(1, 13, 0)).ok(
            &Actor::Buyer,
            Command::AnswerInfo {
                note: "here".into(),
                photos: vec!["p1.jpg".into()],
            },
        );
        run.at(day_after_signed(1, 14, 0))
            .ok(&agent(), approve(Solution::Exchange));
        run.at(day_after_signed(2, 9, 0))
            .ok(&Actor::Buyer, tracking("SF200"));
        // The warehouse may not ship the replacement before the return is in.
        assert!(matches!(
            run.act(&warehouse(), ship("SF", "R1")),
            Err(PolicyError::NotAllowedInState {
                action: ActionKind::Ship,
                state: StateName::ReturnInTransit,
                // Told as staff: the warehouse is not asked to send goods back.
                audience: Audience::Staff,
            })
        ));
        run.at(day_after_signed(4, 9, 0)).ok(
            &warehouse(),
            Command::Receive {
                inspection: passed(),
            },
        );
        assert_eq!(run.state_name(), StateName::AwaitingShipment);
        let shipped = run.ok(&warehouse(), ship("SF", "R1"));
        assert!(matches!(
            shipped[0].kind,
            EventKind::ItemShipped {
                shipment: ShipmentKind::Replacement,
                ..
            }
        ));
        run.at(day_after_signed(6, 9, 0))
            .ok(&Actor::Buyer, Command::ConfirmReceipt);
        assert!(matches!(
            run.state(),
            CaseState::Closed {
                outcome: Outcome::Exchanged,
                ..
            }
        ));
        assert!(!run.case.has_refund());
    }

    #[test]
    fn story_a_tv_that_stops_powering_on_after_some_weeks_is_repaired_and_sent_back() {
        let o = order(vec![line("tv-55", "tv", 329_900, 1)]);
        let at = day_after_signed(40, 20, 0);
        // Past the 15-day band an exchange is refused, with the date it ended.
        let refused = Run::file(
            &o,
            request(CaseKind::Exchange, Reason::QualityFault, &[("tv-55", 1)]),
            at,
        );
        assert_eq!(
            refused.err().map(|e| e.code()),
            Some("quality_exchange_window_closed")
        );
        let mut run = Run::file(
            &o,
            request(CaseKind::Repair, Reason::QualityFault, &[("tv-55", 1)]),
            at,
        )
        .expect("filed");
        run.at(at.plus_hours(2))
            .ok(&agent(), approve(Solution::Repair));
        run.at(at.plus_days(1)).ok(&Actor::Buyer, tracking("SF300"));
        run.at(at.plus_days(3)).ok(
            &warehouse(),
            Command::Receive {
                inspection: passed(),
            },
        );
        let shipped = run.at(at.plus_days(10)).ok(&warehouse(), ship("SF", "B1"));
        assert!(matches!(
            shipped[0].kind,
            EventKind::ItemShipped {
                shipment: ShipmentKind::Repaired,
                ..
            }
        ));
        // The buyer never confirms: ten days later it is confirmed for them.
        run.at(at.plus_days(25));
        let events = run.expire();
        assert!(matches!(
            kinds(&events)[..],
            [
                EventKind::DeadlineExpired {
                    outcome: ExpiryOutcome::AutoConfirmReceipt,
                    ..
                },
                EventKind::ReceiptConfirmed { automatic: true },
                EventKind::Closed {
                    outcome: Outcome::Repaired
                }
            ]
        ));
    }

    #[test]
    fn story_a_book_that_never_arrived_is_reshipped_once_the_courier_record_is_checked() {
        let mut o = order(vec![line("book", "books", 5_800, 1)]);
        o.signed_for_at = None;
        let mut run = Run::file(
            &o,
            request(CaseKind::Reship, Reason::NotReceived, &[("book", 1)]),
            cst(2024, 11, 9, 10, 0),
        )
        .expect("filed");
        assert_eq!(
            return_shipping_payer(&o, CaseKind::Reship, Reason::NotReceived, &run.policy),
            None
        );
        run.at(cst(2024, 11, 9, 11, 0)).ok(
            &agent(),
            Command::Message {
                text: "Checking with the courier.".into(),
            },
        );
        run.at(cst(2024, 11, 9, 15, 0))
            .ok(&agent(), approve(Solution::Reship));
        assert_eq!(run.state_name(), StateName::AwaitingShipment);
        run.at(cst(2024, 11, 10, 9, 0))
            .ok(&warehouse(), ship("YTO", "B2"));
        run.at(cst(2024, 11, 12, 9, 0))
            .ok(&Actor::Buyer, Command::ConfirmReceipt);
        assert!(matches!(
            run.state(),
            CaseState::Closed {
                outcome: Outcome::Reshipped,
                ..
            }
        ));
    }

    #[test]
    fn a_signed_for_parcel_needs_the_couriers_record_before_not_received_is_accepted() {
        let o = order(vec![line("book", "books", 5_800, 1)]);
        let mut req = request(CaseKind::RefundOnly, Reason::NotReceived, &[("book", 1)]);
        let at = day_after_signed(2, 10, 0);
        assert_eq!(
            Run::file(&o, req.clone(), at).err(),
            Some(PolicyError::Ineligible {
                sku: "book".into(),
                refusal: Refusal::CarrierProofRequired
            })
        );
        req.carrier_confirms_loss = true;
        let mut run = Run::file(&o, req, at).expect("filed");
        let events = run
            .at(at.plus_hours(1))
            .ok(&agent(), approve(Solution::RefundOnly { amount: None }));
        assert!(matches!(
            kinds(&events)[..],
            [
                EventKind::Approved { .. },
                EventKind::Refunded { .. },
                EventKind::Closed { .. }
            ]
        ));
    }

    #[test]
    fn an_unshipped_order_is_refunded_automatically_if_the_shop_is_silent_for_24_hours() {
        let mut o = order(vec![line("mug", "home", 3_900, 2)]);
        o.shipped_at = None;
        o.signed_for_at = None;
        let filed = cst(2024, 10, 28, 12, 0);
        let mut run = Run::file(
            &o,
            request(CaseKind::RefundOnly, Reason::ChangedMind, &[("mug", 2)]),
            filed,
        )
        .expect("filed");
        run.at(filed.plus_hours(24));
        assert_eq!(due_timeout_now(&run), None);
        run.at(filed.plus_hours(24).plus_ms(1));
        let events = run.expire();
        let EventKind::Refunded { breakdown } = &events[2].kind else {
            panic!("{events:?}")
        };
        // The whole order, shipping included: it never left.
        assert_eq!(breakdown.total, Money(3_900 * 2 + 1_000));
        assert!(matches!(
            run.state(),
            CaseState::Closed {
                outcome: Outcome::Refunded,
                ..
            }
        ));
    }

    fn due_timeout_now(run: &Run) -> Option<Command> {
        crate::policy::due_timeout(&run.case, &run.policy, run.now)
    }

    #[test]
    fn a_failed_inspection_lets_the_agent_refund_with_a_deduction() {
        let o = order(vec![line("shoes", "clothing", 50_000, 1)]);
        let at = day_after_signed(3, 10, 0);
        let mut run = Run::file(
            &o,
            request(
                CaseKind::ReturnAndRefund,
                Reason::ChangedMind,
                &[("shoes", 1)],
            ),
            at,
        )
        .expect("filed");
        run.ok(&agent(), approve(Solution::ReturnAndRefund));
        run.ok(&Actor::Buyer, tracking("SF1"));
        let bad = Inspection {
            passed: false,
            note: "worn soles".into(),
            deduction: Money(10_000),
        };
        let events = run.ok(&warehouse(), Command::Receive { inspection: bad });
        assert_eq!(events.len(), 1, "no money on a failed inspection");
        assert_eq!(run.state_name(), StateName::AwaitingDecision);
        let events = run.ok(&agent(), approve(Solution::ReturnAndRefund));
        let EventKind::Refunded { breakdown } = &events[1].kind else {
            panic!("{events:?}")
        };
        assert_eq!(
            (breakdown.inspection_deduction, breakdown.total),
            (Money(10_000), Money(40_000))
        );
    }

    #[test]
    fn a_failed_inspection_may_be_rejected_and_the_buyer_may_escalate_but_not_revise() {
        let o = order(vec![line("shoes", "clothing", 50_000, 1)]);
        let mut run = Run::file(
            &o,
            request(
                CaseKind::ReturnAndRefund,
                Reason::ChangedMind,
                &[("shoes", 1)],
            ),
            day_after_signed(3, 10, 0),
        )
        .expect("filed");
        run.ok(&agent(), approve(Solution::ReturnAndRefund));
        run.ok(&Actor::Buyer, tracking("SF1"));
        run.ok(
            &warehouse(),
            Command::Receive {
                inspection: Inspection {
                    passed: false,
                    note: "swapped".into(),
                    deduction: Money::ZERO,
                },
            },
        );
        run.ok(
            &agent(),
            Command::Reject {
                reason_code: RejectReason::Fraud,
                note: String::new(),
            },
        );
        assert!(
            run.act(
                &Actor::Buyer,
                Command::AnswerInfo {
                    note: "please".into(),
                    photos: vec![]
                }
            )
            .is_err()
        );
        run.ok(
            &Actor::Buyer,
            Command::Escalate {
                note: "投诉".into(),
            },
        );
        let events = run.ok(
            &owner(),
            Command::ResolveEscalation {
                resolution: Resolution::Approve {
                    solution: Solution::ReturnAndRefund,
                },
                note: String::new(),
            },
        );
        assert!(
            events
                .iter()
                .any(|e| matches!(e.kind, EventKind::Refunded { .. }))
        );
        assert!(matches!(
            run.state(),
            CaseState::Closed {
                outcome: Outcome::Refunded,
                ..
            }
        ));
    }

    #[test]
    fn a_fast_refund_pays_when_tracking_is_entered_and_never_pays_twice() {
        let o = order(vec![line("shirt", "clothing", 9_900, 1)]);
        let mut run = Run::file_with(
            &o,
            request(
                CaseKind::ReturnAndRefund,
                Reason::SizeOrFit,
                &[("shirt", 1)],
            ),
            day_after_signed(2, 10, 0),
            Policy::default(),
            Vec::new(),
            BuyerStanding {
                past_cases: 3,
                rejected_for_abuse: 0,
            },
        )
        .expect("filed");
        run.ok(&agent(), approve(Solution::ReturnAndRefund));
        let events = run.ok(&Actor::Buyer, tracking("SF1"));
        assert!(matches!(
            kinds(&events)[..],
            [
                EventKind::ReturnShipped { .. },
                EventKind::FastRefunded { .. }
            ]
        ));
        let events = run.ok(
            &warehouse(),
            Command::Receive {
                inspection: passed(),
            },
        );
        assert!(matches!(
            kinds(&events)[..],
            [
                EventKind::Received { .. },
                EventKind::Closed {
                    outcome: Outcome::Refunded
                }
            ]
        ));
        assert_eq!(run.case.refunded_total(), Money(9_900));
    }

    #[test]
    fn no_fast_refund_for_an_untrusted_buyer_or_an_excluded_item() {
        let mut perishable = line("cake", "food", 9_900, 1);
        perishable.flags.perishable = true;
        let table = [
            (
                line("shirt", "clothing", 9_900, 1),
                BuyerStanding {
                    past_cases: 0,
                    rejected_for_abuse: 0,
                },
                Reason::SizeOrFit,
            ),
            (
                line("shirt", "clothing", 9_900, 1),
                BuyerStanding {
                    past_cases: 5,
                    rejected_for_abuse: 1,
                },
                Reason::SizeOrFit,
            ),
            (
                line("shirt", "clothing", 300_001, 1),
                BuyerStanding {
                    past_cases: 5,
                    rejected_for_abuse: 0,
                },
                Reason::SizeOrFit,
            ),
            (
                perishable,
                BuyerStanding {
                    past_cases: 5,
                    rejected_for_abuse: 0,
                },
                Reason::QualityFault,
            ),
        ];
        for (l, buyer, reason) in table {
            let sku = l.sku.clone();
            let o = order(vec![l]);
            let mut run = Run::file_with(
                &o,
                request(CaseKind::ReturnAndRefund, reason, &[(&sku, 1)]),
                day_after_signed(2, 10, 0),
                Policy::default(),
                Vec::new(),
                buyer,
            )
            .expect("filed");
            // The owner approves: the largest order is above an agent's refund limit.
            run.ok(&owner(), approve(Solution::ReturnAndRefund));
            let events = run.ok(&Actor::Buyer, tracking("SF1"));
            assert_eq!(events.len(), 1, "{sku} {buyer:?}");
        }
    }

    #[test]
    fn an_approved_solution_is_checked_against_eligibility_at_filing_time() {
        let o = order(vec![line("shirt", "clothing", 9_900, 1)]);
        let filed = day_after_signed(7, 23, 0);
        let mut run = Run::file(
            &o,
            request(
                CaseKind::ReturnAndRefund,
                Reason::SizeOrFit,
                &[("shirt", 1)],
            ),
            filed,
        )
        .expect("filed");
        // The shop answers after the window closed: still granted, the buyer filed in time.
        run.at(day_after_signed(8, 20, 0))
            .ok(&agent(), approve(Solution::Exchange));
        // But an agent cannot grant what the reason never allows.
        let mut run = Run::file(
            &o,
            request(
                CaseKind::ReturnAndRefund,
                Reason::SizeOrFit,
                &[("shirt", 1)],
            ),
            filed,
        )
        .expect("filed");
        assert_eq!(
            run.act(&agent(), approve(Solution::Repair))
                .err()
                .map(|e| e.code()),
            Some("reason_does_not_fit_kind")
        );
        assert_eq!(
            run.act(&agent(), approve(Solution::RefundOnly { amount: None }))
                .err()
                .map(|e| e.code()),
            Some("refund_only_needs_return")
        );
        // The owner may override, with a recorded reason.
        let events = run.ok(
            &owner(),
            Command::Override {
                reason: "VIP goodwill".into(),
                action: OverrideAction::Approve {
                    solution: Solution::RefundOnly {
                        amount: Some(Money(5_000)),
                    },
                },
            },
        );
        let EventKind::Refunded { breakdown } = &events[2].kind else {
            panic!("{events:?}")
        };
        assert_eq!(
            (breakdown.total, breakdown.agreed_reduction),
            (Money(5_000), Money(4_900))
        );
    }

    #[test]
    fn a_partial_refund_above_the_full_amount_is_refused() {
        let mut o = order(vec![line("mug", "home", 3_900, 1)]);
        o.shipped_at = None;
        o.signed_for_at = None;
        let mut run = Run::file(
            &o,
            request(CaseKind::RefundOnly, Reason::ChangedMind, &[("mug", 1)]),
            cst(2024, 10, 28, 12, 0),
        )
        .expect("filed");
        assert_eq!(
            run.act(
                &agent(),
                approve(Solution::RefundOnly {
                    amount: Some(Money(999_999))
                })
            ),
            Err(PolicyError::InvalidAmount {
                amount: Money(999_999),
                max: Money(4_900)
            })
        );
        assert_eq!(
            run.act(
                &agent(),
                approve(Solution::RefundOnly {
                    amount: Some(Money(0))
                })
            )
            .err()
            .map(|e| e.code()),
            Some("invalid_amount")
        );
    }

    /// A shirt that does not fit, filed for a return two days after it was signed for.
    fn shirt_size_return() -> Run {
        Run::file(
            &order(vec![line("shirt", "clothing", 9_900, 1)]),
            request(
                CaseKind::ReturnAndRefund,
                Reason::SizeOrFit,
                &[("shirt", 1)],
            ),
            day_after_signed(2, 10, 0),
        )
        .expect("filed")
    }

    #[test]
    fn commands_outside_an_actors_role_are_refused_whatever_the_state() {
        let mut run = shirt_size_return();
        let table = [
            (Actor::Buyer, approve(Solution::ReturnAndRefund)),
            (warehouse(), approve(Solution::ReturnAndRefund)),
            (Actor::System, approve(Solution::ReturnAndRefund)),
            (
                agent(),
                Command::Receive {
                    inspection: passed(),
                },
            ),
            (
                agent(),
                Command::ResolveEscalation {
                    resolution: Resolution::Resume,
                    note: String::new(),
                },
            ),
            (agent(), Command::Cancel),
            (owner(), Command::Cancel),
            (owner(), Command::Expire { due: Timestamp(0) }),
            (
                Actor::Buyer,
                Command::Override {
                    reason: "x".into(),
                    action: OverrideAction::Close,
                },
            ),
            (Actor::System, Command::Message { text: "hi".into() }),
        ];
        for (actor, command) in table {
            let action = command.action();
            assert_eq!(
                run.act(&actor, command),
                Err(PolicyError::NotAllowedForActor { action }),
                "{actor:?}"
            );
        }
    }

    #[test]
    fn a_closed_case_accepts_only_messages_and_one_rating() {
        let mut run = shirt_size_return();
        run.ok(&Actor::Buyer, Command::Cancel);
        for (actor, command) in [
            (agent(), approve(Solution::ReturnAndRefund)),
            (
                Actor::Buyer,
                Command::Escalate {
                    note: String::new(),
                },
            ),
            (Actor::Buyer, Command::Reopen),
            (
                owner(),
                Command::Override {
                    reason: "x".into(),
                    action: OverrideAction::Close,
                },
            ),
            (warehouse(), ship("SF", "1")),
        ] {
            assert!(run.act(&actor, command.clone()).is_err(), "{command:?}");
        }
        run.ok(
            &Actor::Buyer,
            Command::Message {
                text: "thanks".into(),
            },
        );
        run.ok(
            &agent(),
            Command::Message {
                text: "you're welcome".into(),
            },
        );
        run.ok(
            &Actor::Buyer,
            Command::Rate {
                stars: 3,
                comment: String::new(),
            },
        );
        assert_eq!(
            run.act(
                &Actor::Buyer,
                Command::Rate {
                    stars: 3,
                    comment: String::new()
                }
            ),
            Err(PolicyError::AlreadyRated)
        );
    }

    #[test]
    fn a_case_closed_for_missing_information_can_be_reopened_once() {
        let o = order(vec![line("phone", "electronics", 99_900, 1)]);
        let filed = day_after_signed(1, 10, 0);
        let mut run = Run::file(
            &o,
            request(CaseKind::Exchange, Reason::QualityFault, &[("phone", 1)]),
            filed,
        )
        .expect("filed");
        run.ok(
            &agent(),
            Command::RequestInfo {
                question: "Video of the fault?".into(),
            },
        );
        run.at(filed.plus_days(4));
        run.expire();
        assert!(matches!(
            run.state(),
            CaseState::Closed {
                outcome: Outcome::InfoTimeout,
                reopenable: true,
                ..
            }
        ));
        run.ok(&Actor::Buyer, Command::Reopen);
        assert!(
            matches!(run.state(), CaseState::InfoRequested { ref question, .. } if question == "Video of the fault?")
        );
        run.at(filed.plus_days(8));
        run.expire();
        assert!(matches!(
            run.state(),
            CaseState::Closed {
                reopenable: false,
                ..
            }
        ));
        assert_eq!(
            run.act(&Actor::Buyer, Command::Reopen),
            Err(PolicyError::ReopenUnavailable)
        );
    }

    #[test]
    fn reopening_is_refused_after_the_reopen_window() {
        let o = order(vec![line("phone", "electronics", 99_900, 1)]);
        let filed = day_after_signed(1, 10, 0);
        let mut run = Run::file(
            &o,
            request(CaseKind::Exchange, Reason::QualityFault, &[("phone", 1)]),
            filed,
        )
        .expect("filed");
        run.ok(
            &agent(),
            Command::RequestInfo {
                question: "Video?".into(),
            },
        );
        run.at(filed.plus_days(4));
        run.expire();
        run.at(filed.plus_days(30));
        assert_eq!(
            run.act(&Actor::Buyer, Command::Reopen),
            Err(PolicyError::ReopenUnavailable)
        );
    }

    #[test]
    fn a_rejected_buyer_may_revise_and_the_shop_answers_again() {
        let o = order(vec![line("phone", "electronics", 99_900, 1)]);
        let mut run = Run::file(
            &o,
            request(CaseKind::Exchange, Reason::QualityFault, &[("phone", 1)]),
            day_after_signed(1, 10, 0),
        )
        .expect("filed");
        run.ok(
            &agent(),
            Command::Reject {
                reason_code: RejectReason::InsufficientProof,
                note: String::new(),
            },
        );
        assert_eq!(
            run.act(
                &agent(),
                Command::Escalate {
                    note: String::new()
                }
            )
            .map(|e| e.len()),
            Ok(1),
            "staff may escalate too"
        );
        run.ok(
            &owner(),
            Command::ResolveEscalation {
                resolution: Resolution::Resume,
                note: String::new(),
            },
        );
        assert_eq!(run.state_name(), StateName::Rejected);
        run.ok(
            &Actor::Buyer,
            Command::AnswerInfo {
                note: "video attached".into(),
                photos: vec!["v.mp4".into()],
            },
        );
        assert_eq!(run.state_name(), StateName::AwaitingReview);
    }

    #[test]
    fn each_party_has_an_hourly_message_budget_per_case() {
        let o = order(vec![line("phone", "electronics", 99_900, 1)]);
        let start = day_after_signed(1, 10, 0);
        let mut run = Run::file(
            &o,
            request(CaseKind::Exchange, Reason::QualityFault, &[("phone", 1)]),
            start,
        )
        .expect("filed");
        run.policy.max_messages_per_case_per_hour = 3;
        let say = |n: i64| Command::Message {
            text: format!("message {n}"),
        };
        for n in 0..3 {
            run.at(start.plus_ms(n * 60_000)).ok(&Actor::Buyer, say(n));
        }
        assert_eq!(
            run.at(start.plus_ms(5 * 60_000)).act(&Actor::Buyer, say(3)),
            Err(PolicyError::TooManyMessages { max: 3 })
        );
        // The other party is not held back by the buyer's messages.
        run.ok(&agent(), say(4));
        // An hour after the first message, the buyer may write again.
        run.at(start.plus_ms(61 * 60_000)).ok(&Actor::Buyer, say(5));
    }

    #[test]
    fn payload_limits_are_enforced() {
        let o = order(vec![line("phone", "electronics", 99_900, 1)]);
        let mut run = Run::file(
            &o,
            request(CaseKind::Exchange, Reason::QualityFault, &[("phone", 1)]),
            day_after_signed(1, 10, 0),
        )
        .expect("filed");
        let table = [
            (
                Actor::Buyer,
                Command::Message { text: "  ".into() },
                PolicyError::EmptyText,
            ),
            (
                Actor::Buyer,
                Command::Message {
                    text: "字".repeat(2001),
                },
                PolicyError::NoteTooLong { max: 2000 },
            ),
            (
                Actor::Buyer,
                Command::AddProof {
                    photos: vec!["p".into(); 10],
                },
                PolicyError::TooManyPhotos { max: 9 },
            ),
            (
                agent(),
                Command::RequestInfo {
                    question: String::new(),
                },
                PolicyError::EmptyText,
            ),
        ];
        for (actor, command, expected) in table {
            assert_eq!(run.act(&actor, command), Err(expected));
        }
        run.ok(&agent(), approve(Solution::Exchange));
        assert_eq!(
            run.act(
                &Actor::Buyer,
                Command::EnterReturnTracking {
                    carrier: "SF".into(),
                    tracking: " ".into(),
                    postage: None,
                }
            ),
            Err(PolicyError::MissingTracking)
        );
        run.ok(&Actor::Buyer, tracking("SF1"));
        let deduction_on_pass = Inspection {
            passed: true,
            note: String::new(),
            deduction: Money(1),
        };
        assert_eq!(
            run.act(
                &warehouse(),
                Command::Receive {
                    inspection: deduction_on_pass
                }
            ),
            Err(PolicyError::DeductionWithoutFault)
        );
        let too_much = Inspection {
            passed: false,
            note: String::new(),
            deduction: Money(10_000_000),
        };
        assert_eq!(
            run.act(
                &warehouse(),
                Command::Receive {
                    inspection: too_much
                }
            )
            .err()
            .map(|e| e.code()),
            Some("invalid_amount")
        );
        assert_eq!(
            run.act(
                &Actor::Buyer,
                Command::Rate {
                    stars: 0,
                    comment: String::new()
                }
            )
            .err()
            .map(|e| e.code()),
            Some("not_allowed_in_state")
        );
    }

    #[test]
    fn a_replayed_history_gives_the_same_state_and_survives_json() {
        let mut run = shirt_size_return();
        run.ok(&agent(), approve(Solution::ReturnAndRefund));
        run.ok(&Actor::Buyer, tracking("SF1"));
        let json = serde_json::to_string(&run.case).expect("serializes");
        let back: Case = serde_json::from_str(&json).expect("parses");
        assert_eq!(back.state(), run.state());
        assert_eq!(back, run.case);
    }

    #[test]
    fn owner_acts_as_agent_and_warehouse() {
        let o = order(vec![line("shirt", "clothing", 9_900, 1)]);
        let mut run = Run::file(
            &o,
            request(CaseKind::Exchange, Reason::WrongItem, &[("shirt", 1)]),
            signed().plus_days(1),
        )
        .expect("filed");
        run.ok(&owner(), approve(Solution::Exchange));
        run.ok(&Actor::Buyer, tracking("SF1"));
        run.ok(
            &owner(),
            Command::Receive {
                inspection: passed(),
            },
        );
        run.ok(&owner(), ship("SF", "2"));
        assert_eq!(run.state_name(), StateName::Shipped);
        let _ = Role::Owner;
    }

    /// A fast-refunded return that an escalation (or an override) sends back to "awaiting
    /// return" must never pay again nor turn into goods as well as the money.
    #[test]
    fn a_parcel_that_arrived_while_escalated_is_inspected_before_any_new_solution() {
        let mut run = shirt_size_return();
        run.ok(&agent(), approve(Solution::ReturnAndRefund));
        run.ok(&Actor::Buyer, tracking("SF1"));
        run.ok(
            &agent(),
            Command::Escalate {
                note: "where is it?".into(),
            },
        );
        run.ok(&Actor::System, Command::ReturnArrived);
        for command in [
            Command::ResolveEscalation {
                resolution: Resolution::Approve {
                    solution: Solution::ReturnAndRefund,
                },
                note: String::new(),
            },
            Command::Override {
                reason: "goodwill".into(),
                action: OverrideAction::Approve {
                    solution: Solution::Exchange,
                },
            },
        ] {
            assert!(run.act(&owner(), command).is_err());
        }
        run.ok(
            &owner(),
            Command::ResolveEscalation {
                resolution: Resolution::Resume,
                note: String::new(),
            },
        );
        run.ok(
            &warehouse(),
            Command::Receive {
                inspection: passed(),
            },
        );
        assert_eq!(run.case.refunded_total(), Money(9_900));
    }

    #[test]
    fn a_fast_refunded_case_re_approved_after_an_escalation_never_pays_or_ships_twice() {
        type Step = fn() -> (Actor, Command);
        let resolve: Step = || {
            (
                owner(),
                Command::ResolveEscalation {
                    resolution: Resolution::Approve {
                        solution: Solution::ReturnAndRefund,
                    },
                    note: String::new(),
                },
            )
        };
        let override_refund: Step = || {
            (
                owner(),
                Command::Override {
                    reason: "goodwill".into(),
                    action: OverrideAction::Approve {
                        solution: Solution::ReturnAndRefund,
                    },
                },
            )
        };
        let resolve_exchange: Step = || {
            (
                owner(),
                Command::ResolveEscalation {
                    resolution: Resolution::Approve {
                        solution: Solution::Exchange,
                    },
                    note: String::new(),
                },
            )
        };
        let override_exchange: Step = || {
            (
                owner(),
                Command::Override {
                    reason: "goodwill".into(),
                    action: OverrideAction::Approve {
                        solution: Solution::Exchange,
                    },
                },
            )
        };
        // (re-approval, refused?)
        let table: [(Step, bool); 4] = [
            (resolve, false),
            (override_refund, false),
            (resolve_exchange, true),
            (override_exchange, true),
        ];
        for (i, (step, refused)) in table.into_iter().enumerate() {
            let o = order(vec![line("shirt", "clothing", 9_900, 1)]);
            let mut run = Run::file_with(
                &o,
                request(
                    CaseKind::ReturnAndRefund,
                    Reason::SizeOrFit,
                    &[("shirt", 1)],
                ),
                day_after_signed(2, 10, 0),
                Policy::default(),
                Vec::new(),
                BuyerStanding {
                    past_cases: 3,
                    rejected_for_abuse: 0,
                },
            )
            .expect("filed");
            run.ok(&agent(), approve(Solution::ReturnAndRefund));
            run.ok(&Actor::Buyer, tracking("SF1"));
            assert_eq!(run.case.refunded_total(), Money(9_900), "row {i}");
            run.ok(
                &agent(),
                Command::Escalate {
                    note: "lost parcel?".into(),
                },
            );
            let (actor, command) = step();
            let result = run.act(&actor, command);
            assert_eq!(result.is_err(), refused, "row {i}: {result:?}");
            if refused {
                continue;
            }
            // The buyer ships again: no second fast refund, and the goods' arrival pays nothing.
            run.ok(&Actor::Buyer, tracking("SF2"));
            run.ok(
                &warehouse(),
                Command::Receive {
                    inspection: passed(),
                },
            );
            assert_eq!(run.case.refunded_total(), Money(9_900), "row {i}");
        }
    }

    #[test]
    fn an_amount_beyond_the_bound_is_refused_even_where_nothing_is_paid() {
        // The fast refund already went out, so an owner's goodwill re-approval pays nothing and its
        // amount was never compared with the case: it would have been recorded as sent.
        let o = order(vec![line("shirt", "clothing", 9_900, 1)]);
        let mut run = Run::file_with(
            &o,
            request(
                CaseKind::ReturnAndRefund,
                Reason::SizeOrFit,
                &[("shirt", 1)],
            ),
            day_after_signed(2, 10, 0),
            Policy::default(),
            Vec::new(),
            BuyerStanding {
                past_cases: 3,
                rejected_for_abuse: 0,
            },
        )
        .expect("filed");
        run.ok(&agent(), approve(Solution::ReturnAndRefund));
        run.ok(&Actor::Buyer, tracking("SF1"));
        run.ok(
            &agent(),
            Command::Escalate {
                note: "lost parcel?".into(),
            },
        );
        let huge = Money(i64::MAX);
        let resolve = |amount| Command::Override {
            reason: "goodwill".into(),
            action: OverrideAction::Approve {
                solution: Solution::RefundOnly {
                    amount: Some(amount),
                },
            },
        };
        let before = run.case.events.len();
        assert_eq!(
            run.act(&owner(), resolve(huge)),
            Err(PolicyError::InvalidAmount {
                amount: huge,
                max: Money::MAX
            })
        );
        assert_eq!(run.case.events.len(), before);
        // Within the bound, the rules that compare with the case decide as before.
        let within = run.act(&owner(), resolve(Money(500)));
        assert!(within.is_ok(), "{within:?}");
    }

    #[test]
    fn a_refusal_for_the_state_is_worded_for_whoever_sent_the_command() {
        let o = order(vec![line("shirt", "clothing", 9_900, 1)]);
        let mut run = Run::file(
            &o,
            request(
                CaseKind::ReturnAndRefund,
                Reason::SizeOrFit,
                &[("shirt", 1)],
            ),
            day_after_signed(2, 10, 0),
        )
        .expect("filed");
        run.ok(&agent(), approve(Solution::ReturnAndRefund));
        // The goods are awaited from the buyer: the warehouse cannot ship, the buyer cannot
        // confirm a delivery.
        let to_warehouse = run.act(&warehouse(), ship("SF", "1")).err();
        let to_buyer = run.act(&Actor::Buyer, Command::ConfirmReceipt).err();
        assert!(
            matches!(
                to_warehouse,
                Some(PolicyError::NotAllowedInState {
                    audience: Audience::Staff,
                    ..
                })
            ),
            "{to_warehouse:?}"
        );
        assert!(
            matches!(
                to_buyer,
                Some(PolicyError::NotAllowedInState {
                    audience: Audience::Buyer,
                    ..
                })
            ),
            "{to_buyer:?}"
        );
        let en = |e: Option<PolicyError>| e.map(|e| e.message(crate::i18n::Lang::En));
        let staff_en = en(to_warehouse).unwrap_or_default();
        assert!(
            staff_en.contains("buyer hasn't sent the goods back"),
            "{staff_en}"
        );
        assert!(!staff_en.contains("you"), "{staff_en}");
        let buyer_en = en(to_buyer).unwrap_or_default();
        assert!(
            buyer_en.contains("waiting for you to send the goods back"),
            "{buyer_en}"
        );
    }

    // Negotiation (协商) and two people for big money.

    /// A kettle that stopped working, filed for a return two days after it was signed for.
    fn kettle() -> Run {
        Run::file(
            &order(vec![line("kettle", "home", 29_900, 1)]),
            request(
                CaseKind::ReturnAndRefund,
                Reason::QualityFault,
                &[("kettle", 1)],
            ),
            day_after_signed(2, 10, 0),
        )
        .expect("filed")
    }

    /// A television with the same fault: its refund is above an agent's default limit.
    fn television() -> Run {
        Run::file(
            &order(vec![line("tv", "tv", 329_900, 1)]),
            request(
                CaseKind::ReturnAndRefund,
                Reason::QualityFault,
                &[("tv", 1)],
            ),
            day_after_signed(2, 10, 0),
        )
        .expect("filed")
    }

    fn offer(offer: Offer) -> Command {
        Command::Offer {
            offer,
            note: "Sorry about the kettle.".into(),
        }
    }

    fn partial(amount: i64) -> Command {
        offer(Offer::PartialRefund {
            amount: Money(amount),
        })
    }

    fn failed_inspection() -> Command {
        Command::Receive {
            inspection: Inspection {
                passed: false,
                note: "scratched".into(),
                deduction: Money(1_000),
            },
        }
    }

    #[test]
    fn an_accepted_partial_refund_pays_it_and_the_buyer_keeps_the_goods() {
        let mut run = kettle();
        let made = run.ok(&agent(), partial(8_000));
        assert!(matches!(kinds(&made)[..], [EventKind::OfferMade { .. }]));
        assert_eq!(run.state_name(), StateName::OfferPending);
        // The buyer's move, for 48 hours; silence declines.
        let d = current_deadline(&run.case, &run.policy).expect("deadline");
        assert_eq!(
            (d.waiting_for, d.due, d.on_expiry),
            (
                crate::domain::Party::Buyer,
                run.now.plus_hours(48),
                ExpiryOutcome::DeclineOffer
            )
        );
        let events = run.ok(&Actor::Buyer, Command::AcceptOffer);
        assert!(matches!(
            kinds(&events)[..],
            [
                EventKind::OfferAccepted,
                EventKind::Approved {
                    solution: Solution::RefundOnly {
                        amount: Some(Money(8_000))
                    },
                    ..
                },
                EventKind::Refunded { .. },
                EventKind::Closed {
                    outcome: Outcome::Refunded
                }
            ]
        ));
        assert_eq!(run.case.refunded_total(), Money(8_000));
        // Exactly as the shop's approval of it: its note is the offer's.
        assert!(
            matches!(&events[1].kind, EventKind::Approved { note, .. } if note == "Sorry about the kettle.")
        );
        assert!(
            !run.case
                .events
                .iter()
                .any(|e| matches!(e.kind, EventKind::ReturnShipped { .. }))
        );
    }

    #[test]
    fn an_accepted_exchange_or_repair_proceeds_as_an_approved_one() {
        let mut run = kettle();
        run.ok(&agent(), offer(Offer::Exchange));
        run.ok(&Actor::Buyer, Command::AcceptOffer);
        assert!(matches!(
            run.state(),
            CaseState::AwaitingReturn {
                solution: Solution::Exchange,
                ..
            }
        ));
        // After a failed inspection the goods are already at the shop: a repair goes straight to
        // the warehouse.
        let mut run = kettle();
        run.ok(&agent(), approve(Solution::ReturnAndRefund));
        run.ok(&Actor::Buyer, tracking("SF1"));
        run.ok(&warehouse(), failed_inspection());
        run.ok(&agent(), offer(Offer::Repair));
        // Back at the shop's decision (not a withdrawal) if declined; here accepted.
        run.ok(&Actor::Buyer, Command::AcceptOffer);
        assert!(matches!(
            run.state(),
            CaseState::AwaitingShipment {
                solution: Solution::Repair,
                ..
            }
        ));
        assert!(!run.case.has_refund());
    }

    #[test]
    fn a_declined_or_unanswered_offer_goes_back_to_the_shop_on_a_fresh_answer_clock() {
        let mut run = kettle();
        let filed = run.now;
        run.at(filed.plus_hours(30))
            .ok(&agent(), offer(Offer::Exchange));
        let declined_at = filed.plus_hours(40);
        run.at(declined_at).ok(
            &Actor::Buyer,
            Command::DeclineOffer {
                note: "I want my money".into(),
            },
        );
        assert_eq!(run.state_name(), StateName::AwaitingReview);
        let d = current_deadline(&run.case, &run.policy).expect("deadline");
        assert_eq!(
            (d.due, d.on_expiry),
            (declined_at.plus_hours(36), ExpiryOutcome::AutoApprove)
        );
        // A second offer, unanswered: silence declines it.
        let offered_at = filed.plus_hours(41);
        run.at(offered_at).ok(&agent(), offer(Offer::Repair));
        let expired_at = offered_at.plus_hours(48).plus_ms(1);
        let events = run.at(expired_at).expire();
        assert!(matches!(
            kinds(&events)[..],
            [
                EventKind::DeadlineExpired {
                    outcome: ExpiryOutcome::DeclineOffer,
                    ..
                },
                EventKind::OfferDeclined {
                    automatic: true,
                    ..
                }
            ]
        ));
        assert_eq!(run.state_name(), StateName::AwaitingReview);
        assert_eq!(
            current_deadline(&run.case, &run.policy).map(|d| d.due),
            Some(expired_at.plus_hours(36))
        );
        // Back at its decision step, the shop may offer again, or decide.
        assert!(run.act(&agent(), offer(Offer::Exchange)).is_ok());
    }

    #[test]
    fn one_open_offer_at_a_time_and_no_decision_behind_the_buyers_back() {
        let mut run = kettle();
        run.ok(&agent(), offer(Offer::Exchange));
        for command in [
            offer(Offer::Repair),
            approve(Solution::ReturnAndRefund),
            Command::Reject {
                reason_code: RejectReason::NoFaultFound,
                note: String::new(),
            },
            Command::RequestInfo {
                question: "?".into(),
            },
        ] {
            assert!(
                matches!(
                    run.act(&agent(), command.clone()),
                    Err(PolicyError::NotAllowedInState {
                        state: StateName::OfferPending,
                        ..
                    })
                ),
                "{command:?}"
            );
        }
        // Staff may not answer for the buyer.
        assert_eq!(
            run.act(&agent(), Command::AcceptOffer),
            Err(PolicyError::NotAllowedForActor {
                action: ActionKind::AcceptOffer
            })
        );
        // An accepted offer cannot be accepted again.
        run.ok(&Actor::Buyer, Command::AcceptOffer);
        assert!(run.act(&Actor::Buyer, Command::AcceptOffer).is_err());
    }

    #[test]
    fn an_offer_is_refused_where_the_approval_of_its_solution_would_be() {
        let mut run = kettle();
        // The kettle's full refund: the item and, the whole order back for a fault, shipping.
        let full = Money(29_900 + 1_000);
        assert_eq!(
            run.act(&agent(), partial(full.0 + 1)),
            Err(PolicyError::InvalidAmount {
                amount: Money(full.0 + 1),
                max: full
            })
        );
        assert_eq!(
            run.act(&agent(), partial(0)).err().map(|e| e.code()),
            Some("invalid_amount")
        );
        assert!(run.act(&agent(), partial(full.0)).is_ok());
        // No fault: the goods come back first, and a repair fixes no fault.
        let mut shirt = shirt_size_return();
        assert_eq!(
            shirt.act(&agent(), partial(1_000)).err().map(|e| e.code()),
            Some("refund_only_needs_return")
        );
        assert_eq!(
            shirt
                .act(&agent(), offer(Offer::Repair))
                .err()
                .map(|e| e.code()),
            Some("reason_does_not_fit_kind")
        );
        // The money already went back (a fast refund): nothing is left to negotiate.
        let mut fast = Run::file_with(
            &order(vec![line("shirt", "clothing", 9_900, 1)]),
            request(
                CaseKind::ReturnAndRefund,
                Reason::SizeOrFit,
                &[("shirt", 1)],
            ),
            day_after_signed(2, 10, 0),
            Policy::default(),
            Vec::new(),
            BuyerStanding {
                past_cases: 3,
                rejected_for_abuse: 0,
            },
        )
        .expect("filed");
        fast.ok(&agent(), approve(Solution::ReturnAndRefund));
        fast.ok(&Actor::Buyer, tracking("SF1"));
        fast.ok(&warehouse(), failed_inspection());
        assert_eq!(
            fast.act(&agent(), offer(Offer::Exchange)),
            Err(PolicyError::SolutionNotPossibleHere {
                kind: CaseKind::Exchange
            })
        );
    }

    #[test]
    fn a_shop_that_asks_for_an_offer_first_rejects_a_fault_claim_only_once_one_is_declined() {
        let strict = |mut run: Run| {
            run.policy.require_offer_before_fault_reject = true;
            run
        };
        let reject = || Command::Reject {
            reason_code: RejectReason::NoFaultFound,
            note: String::new(),
        };
        let mut run = strict(kettle());
        assert_eq!(
            run.act(&agent(), reject()),
            Err(PolicyError::OfferRequiredBeforeReject)
        );
        let offered = available_actions(&run.case, &agent(), &run.ctx());
        assert!(offered.contains(&ActionKind::Offer) && !offered.contains(&ActionKind::Reject));
        run.ok(&agent(), offer(Offer::Exchange));
        run.ok(
            &Actor::Buyer,
            Command::DeclineOffer {
                note: String::new(),
            },
        );
        run.ok(&agent(), reject());
        // No fault claimed: nothing to negotiate first.
        strict(shirt_size_return()).ok(&agent(), reject());
        // After the inspection, the refusal rests on what the warehouse found.
        let mut inspected = strict(kettle());
        inspected.ok(&agent(), approve(Solution::ReturnAndRefund));
        inspected.ok(&Actor::Buyer, tracking("SF1"));
        inspected.ok(&warehouse(), failed_inspection());
        inspected.ok(&agent(), reject());
        // Off by default.
        kettle().ok(&agent(), reject());
    }

    #[test]
    fn an_agents_refund_above_the_limit_waits_for_the_owner_who_applies_it_as_sent() {
        let mut run = television();
        let filed = run.now;
        let events = run.ok(&agent(), approve(Solution::ReturnAndRefund));
        // The TV and, the whole order back for a fault, its shipping.
        let amount = Money(329_900 + 1_000);
        assert_eq!(
            kinds(&events),
            vec![&EventKind::RefundProposed {
                proposal: Proposal::Approve {
                    solution: Solution::ReturnAndRefund
                },
                amount,
                note: "Sorry for the trouble.".into(),
            }]
        );
        assert_eq!(run.state_name(), StateName::AwaitingOwnerApproval);
        // The shop's 36 hours keep running; it is the owner's move now.
        let d = current_deadline(&run.case, &run.policy).expect("deadline");
        assert_eq!(
            (d.waiting_for, d.due, d.on_expiry),
            (
                crate::domain::Party::Shop { role: Role::Owner },
                filed.plus_hours(36),
                ExpiryOutcome::AutoApprove
            )
        );
        // The agent has no way to apply it.
        assert_eq!(
            available_actions(&run.case, &agent(), &run.ctx()),
            vec![ActionKind::Message, ActionKind::TakeToPlatform]
        );
        assert_eq!(
            run.act(
                &agent(),
                Command::ApproveProposal {
                    note: String::new()
                }
            ),
            Err(PolicyError::NotAllowedForActor {
                action: ActionKind::ApproveProposal
            })
        );
        // Sent back: the agent's decision again, on the same clock.
        run.ok(
            &owner(),
            Command::DeclineProposal {
                note: "Offer a repair first.".into(),
            },
        );
        assert_eq!(run.state_name(), StateName::AwaitingReview);
        assert_eq!(
            current_deadline(&run.case, &run.policy).map(|d| d.due),
            Some(filed.plus_hours(36))
        );
        // Proposed again, and applied: exactly the agent's approval.
        run.ok(&agent(), approve(Solution::ReturnAndRefund));
        let events = run.ok(&owner(), Command::ApproveProposal { note: "OK".into() });
        assert!(matches!(
            kinds(&events)[..],
            [
                EventKind::ProposalApproved { .. },
                EventKind::Approved {
                    solution: Solution::ReturnAndRefund,
                    ..
                }
            ]
        ));
        assert_eq!(run.state_name(), StateName::AwaitingReturn);
        // The owner's own approval has no limit.
        let mut own = television();
        own.ok(&owner(), approve(Solution::ReturnAndRefund));
        assert_eq!(own.state_name(), StateName::AwaitingReturn);
        // Within the limit the agent approves alone.
        let mut small = kettle();
        small.ok(&agent(), approve(Solution::ReturnAndRefund));
        assert_eq!(small.state_name(), StateName::AwaitingReturn);
    }

    #[test]
    fn a_partial_refund_offer_above_the_limit_reaches_the_buyer_only_once_the_owner_approves() {
        let mut run = television();
        let events = run.ok(&agent(), partial(250_000));
        assert!(matches!(
            kinds(&events)[..],
            [EventKind::RefundProposed {
                proposal: Proposal::Offer { .. },
                amount: Money(250_000),
                ..
            }]
        ));
        // Not the buyer's to answer yet.
        assert!(run.act(&Actor::Buyer, Command::AcceptOffer).is_err());
        let events = run.ok(
            &owner(),
            Command::ApproveProposal {
                note: String::new(),
            },
        );
        assert!(matches!(
            kinds(&events)[..],
            [
                EventKind::ProposalApproved { .. },
                EventKind::OfferMade {
                    offer: Offer::PartialRefund {
                        amount: Money(250_000)
                    },
                    ..
                }
            ]
        ));
        run.ok(&Actor::Buyer, Command::AcceptOffer);
        assert_eq!(run.case.refunded_total(), Money(250_000));
        // A limit of none lets the agent offer it directly.
        let mut unlimited = television();
        unlimited.policy.approval_limits.agent = None;
        unlimited.ok(&agent(), partial(250_000));
        assert_eq!(unlimited.state_name(), StateName::OfferPending);
    }

    #[test]
    fn the_owners_silence_on_a_proposal_runs_the_steps_own_deadline() {
        let mut run = television();
        let filed = run.now;
        run.ok(&agent(), approve(Solution::ReturnAndRefund));
        run.at(filed.plus_hours(36).plus_ms(1));
        let events = run.expire();
        assert!(matches!(
            kinds(&events)[..],
            [
                EventKind::DeadlineExpired {
                    outcome: ExpiryOutcome::AutoApprove,
                    ..
                },
                EventKind::Approved { .. }
            ]
        ));
        assert_eq!(run.state_name(), StateName::AwaitingReturn);
        // After a failed inspection, the step's own outcome proceeds with its deduction.
        let mut run = television();
        run.ok(&owner(), approve(Solution::ReturnAndRefund));
        run.ok(&Actor::Buyer, tracking("SF1"));
        let inspected_at = run.now;
        run.ok(&warehouse(), failed_inspection());
        run.ok(&agent(), approve(Solution::ReturnAndRefund));
        assert_eq!(run.state_name(), StateName::AwaitingOwnerApproval);
        run.at(inspected_at.plus_hours(36).plus_ms(1));
        run.expire();
        assert_eq!(run.case.refunded_total(), Money(329_900 + 1_000 - 1_000));
    }

    #[test]
    fn a_proposal_made_while_the_buyer_owed_information_takes_the_move_back_to_the_shop() {
        let mut run = television();
        run.ok(
            &agent(),
            Command::RequestInfo {
                question: "A video?".into(),
            },
        );
        let proposed_at = run.now.plus_hours(2);
        run.at(proposed_at)
            .ok(&agent(), approve(Solution::ReturnAndRefund));
        let d = current_deadline(&run.case, &run.policy).expect("deadline");
        assert_eq!(
            (d.waiting_for, d.due),
            (
                crate::domain::Party::Shop { role: Role::Owner },
                proposed_at.plus_hours(36)
            )
        );
        run.ok(
            &owner(),
            Command::DeclineProposal {
                note: String::new(),
            },
        );
        assert_eq!(run.state_name(), StateName::AwaitingReview);
    }
}
