//! What each actor may do on a case right now: the role table, the (state, action) table and the
//! few rules that depend on both. [`crate::policy::decide`] refuses anything these refuse, and
//! [`available_actions`] lists what they allow, so the buttons a page shows and the commands the
//! worker accepts cannot disagree.

use crate::domain::{ActionKind, Actor, Case, CaseKind, CaseState, Role};
use crate::i18n::Audience;

use super::context::Context;
use super::deadline::due_timeout;
use super::eligibility::remaining_quantity;
use super::error::PolicyError;
use super::time::window_end;

/// May this actor ever send this action? (DOMAIN.md "Who uses it".)
pub fn role_allows(actor: &Actor, action: ActionKind) -> bool {
    use ActionKind as A;
    let buyer = matches!(actor, Actor::Buyer);
    match action {
        A::AddProof
        | A::AnswerInfo
        | A::EnterReturnTracking
        | A::Cancel
        | A::ConfirmReceipt
        | A::Rate
        | A::Reopen
        | A::AcceptOffer
        | A::DeclineOffer => buyer,
        A::Escalate => buyer || actor.acts_as(Role::Agent),
        A::Message => buyer || actor.role().is_some(),
        A::Approve
        | A::Reject
        | A::RequestInfo
        | A::Offer
        | A::AdjustPostage
        | A::Answer
        | A::RecordReviewOutcome
        | A::Goodwill
        | A::TakeToPlatform => actor.acts_as(Role::Agent),
        // The courier's notification arrives as the system.
        A::ReturnArrived => actor.acts_as(Role::Warehouse) || matches!(actor, Actor::System),
        A::Receive | A::Ship => actor.acts_as(Role::Warehouse),
        A::ResolveEscalation | A::Override | A::ApproveProposal | A::DeclineProposal => {
            actor.role() == Some(Role::Owner)
        }
        A::Expire => matches!(actor, Actor::System),
    }
}

/// May this action happen in this state at all? The one table of the machine: every state
/// against every action, without a wildcard, so a new state or command must be placed here.
/// `Expire` is admitted everywhere: it is a no-op unless its deadline is due.
#[expect(
    clippy::too_many_lines,
    reason = "one arm pair per state reads best as a table"
)]
pub(crate) fn state_allows(state: &CaseState, action: ActionKind) -> bool {
    use ActionKind as A;
    use CaseState as S;
    match (state, action) {
        // The shop's decision steps: approve, reject, ask, or offer something else (协商).
        (
            S::AwaitingReview { .. },
            A::AddProof
            | A::Cancel
            | A::Message
            | A::Approve
            | A::Reject
            | A::RequestInfo
            | A::Offer
            | A::Escalate
            | A::Override
            | A::Expire
            | A::Answer
            | A::RecordReviewOutcome
            | A::Goodwill
            | A::TakeToPlatform,
        ) => true,
        (
            S::AwaitingReview { .. },
            A::AnswerInfo
            | A::EnterReturnTracking
            | A::ConfirmReceipt
            | A::Rate
            | A::Reopen
            | A::AcceptOffer
            | A::DeclineOffer
            | A::ReturnArrived
            | A::Receive
            | A::Ship
            | A::ResolveEscalation
            | A::ApproveProposal
            | A::DeclineProposal
            | A::AdjustPostage,
        ) => false,
        (
            S::InfoRequested { .. },
            A::AddProof
            | A::AnswerInfo
            | A::Cancel
            | A::Message
            | A::Approve
            | A::Reject
            | A::RequestInfo
            | A::Offer
            | A::Escalate
            | A::Override
            | A::Expire
            | A::TakeToPlatform,
        ) => true,
        (
            S::InfoRequested { .. },
            A::EnterReturnTracking
            | A::ConfirmReceipt
            | A::Rate
            | A::Reopen
            | A::AcceptOffer
            | A::DeclineOffer
            | A::ReturnArrived
            | A::Receive
            | A::Ship
            | A::ResolveEscalation
            | A::ApproveProposal
            | A::DeclineProposal
            | A::AdjustPostage
            | A::Answer
            | A::RecordReviewOutcome
            | A::Goodwill,
        ) => false,
        // After a refusal the shop may still change its mind (approve), but negotiation comes
        // before a refusal, not after it.
        (
            S::Rejected { .. },
            A::AddProof
            | A::AnswerInfo
            | A::Cancel
            | A::Escalate
            | A::Message
            | A::Approve
            | A::Override
            | A::Expire
            | A::TakeToPlatform,
        ) => true,
        (
            S::Rejected { .. },
            A::EnterReturnTracking
            | A::ConfirmReceipt
            | A::Rate
            | A::Reopen
            | A::AcceptOffer
            | A::DeclineOffer
            | A::Reject
            | A::RequestInfo
            | A::Offer
            | A::ReturnArrived
            | A::Receive
            | A::Ship
            | A::ResolveEscalation
            | A::ApproveProposal
            | A::DeclineProposal
            | A::AdjustPostage
            | A::Answer
            | A::RecordReviewOutcome
            | A::Goodwill,
        ) => false,
        (
            S::AwaitingReturn { .. },
            A::EnterReturnTracking
            | A::Cancel
            | A::Message
            | A::Escalate
            | A::Override
            | A::Expire
            | A::TakeToPlatform,
        ) => true,
        (
            S::AwaitingReturn { .. },
            A::AddProof
            | A::AnswerInfo
            | A::ConfirmReceipt
            | A::Rate
            | A::Reopen
            | A::AcceptOffer
            | A::DeclineOffer
            | A::Approve
            | A::Reject
            | A::RequestInfo
            | A::Offer
            | A::ReturnArrived
            | A::Receive
            | A::Ship
            | A::ResolveEscalation
            | A::ApproveProposal
            | A::DeclineProposal
            | A::AdjustPostage
            | A::Answer
            | A::RecordReviewOutcome
            | A::Goodwill,
        ) => false,
        (
            S::ReturnInTransit { .. },
            A::Message
            | A::ReturnArrived
            | A::Receive
            | A::Escalate
            | A::Override
            | A::Expire
            | A::AdjustPostage
            | A::TakeToPlatform,
        ) => true,
        (
            S::ReturnInTransit { .. },
            A::AddProof
            | A::AnswerInfo
            | A::EnterReturnTracking
            | A::Cancel
            | A::ConfirmReceipt
            | A::Rate
            | A::Reopen
            | A::AcceptOffer
            | A::DeclineOffer
            | A::Approve
            | A::Reject
            | A::RequestInfo
            | A::Offer
            | A::Ship
            | A::ResolveEscalation
            | A::ApproveProposal
            | A::DeclineProposal
            | A::Answer
            | A::RecordReviewOutcome
            | A::Goodwill,
        ) => false,
        (
            S::AwaitingDecision { .. },
            A::AddProof
            | A::Message
            | A::Approve
            | A::Reject
            | A::Offer
            | A::Escalate
            | A::Override
            | A::Expire
            | A::AdjustPostage
            | A::TakeToPlatform,
        ) => true,
        (
            S::AwaitingDecision { .. },
            A::AnswerInfo
            | A::EnterReturnTracking
            | A::Cancel
            | A::ConfirmReceipt
            | A::Rate
            | A::Reopen
            | A::AcceptOffer
            | A::DeclineOffer
            | A::RequestInfo
            | A::ReturnArrived
            | A::Receive
            | A::Ship
            | A::ResolveEscalation
            | A::ApproveProposal
            | A::DeclineProposal
            | A::Answer
            | A::RecordReviewOutcome
            | A::Goodwill,
        ) => false,
        (
            S::AwaitingShipment { .. },
            A::Message | A::Ship | A::Escalate | A::Override | A::Expire | A::TakeToPlatform,
        ) => true,
        (
            S::AwaitingShipment { .. },
            A::AddProof
            | A::AnswerInfo
            | A::EnterReturnTracking
            | A::Cancel
            | A::ConfirmReceipt
            | A::Rate
            | A::Reopen
            | A::AcceptOffer
            | A::DeclineOffer
            | A::Approve
            | A::Reject
            | A::RequestInfo
            | A::Offer
            | A::ReturnArrived
            | A::Receive
            | A::ResolveEscalation
            | A::ApproveProposal
            | A::DeclineProposal
            | A::AdjustPostage
            | A::Answer
            | A::RecordReviewOutcome
            | A::Goodwill,
        ) => false,
        (
            S::Shipped { .. },
            A::ConfirmReceipt
            | A::Message
            | A::Escalate
            | A::Override
            | A::Expire
            | A::TakeToPlatform,
        ) => true,
        (
            S::Shipped { .. },
            A::AddProof
            | A::AnswerInfo
            | A::EnterReturnTracking
            | A::Cancel
            | A::Rate
            | A::Reopen
            | A::AcceptOffer
            | A::DeclineOffer
            | A::Approve
            | A::Reject
            | A::RequestInfo
            | A::Offer
            | A::ReturnArrived
            | A::Receive
            | A::Ship
            | A::ResolveEscalation
            | A::ApproveProposal
            | A::DeclineProposal
            | A::AdjustPostage
            | A::Answer
            | A::RecordReviewOutcome
            | A::Goodwill,
        ) => false,
        // The buyer's move: accept or decline. The shop waits (one open offer at a time, and no
        // decision behind the buyer's back); staff may still escalate, the owner override.
        (
            S::OfferPending { .. },
            A::AcceptOffer
            | A::DeclineOffer
            | A::Message
            | A::Escalate
            | A::Override
            | A::Expire
            | A::TakeToPlatform,
        ) => true,
        // What the buyer could do in the step behind an offer or a proposal stays open: adding
        // proof, and withdrawing unless the goods are already at the shop.
        (
            S::OfferPending { previous, .. } | S::AwaitingOwnerApproval { previous, .. },
            A::AddProof | A::Cancel,
        ) => state_allows(previous, action),
        (
            S::OfferPending { .. },
            A::AnswerInfo
            | A::EnterReturnTracking
            | A::ConfirmReceipt
            | A::Rate
            | A::Reopen
            | A::Approve
            | A::Reject
            | A::RequestInfo
            | A::Offer
            | A::ReturnArrived
            | A::Receive
            | A::Ship
            | A::ResolveEscalation
            | A::ApproveProposal
            | A::DeclineProposal
            | A::AdjustPostage
            | A::Answer
            | A::RecordReviewOutcome
            | A::Goodwill,
        ) => false,
        // The owner's move: apply or decline the proposal (or override). The agent has nothing
        // to apply here, and escalating to the owner who must decide anyway adds nothing.
        (
            S::AwaitingOwnerApproval { .. },
            A::Message
            | A::ApproveProposal
            | A::DeclineProposal
            | A::Override
            | A::Expire
            | A::TakeToPlatform,
        ) => true,
        (
            S::AwaitingOwnerApproval { .. },
            A::AnswerInfo
            | A::EnterReturnTracking
            | A::Escalate
            | A::ConfirmReceipt
            | A::Rate
            | A::Reopen
            | A::AcceptOffer
            | A::DeclineOffer
            | A::Approve
            | A::Reject
            | A::RequestInfo
            | A::Offer
            | A::ReturnArrived
            | A::Receive
            | A::Ship
            | A::ResolveEscalation
            | A::AdjustPostage
            | A::Answer
            | A::RecordReviewOutcome
            | A::Goodwill,
        ) => false,
        (
            S::Escalated { .. },
            A::AddProof
            | A::Message
            | A::ResolveEscalation
            | A::Override
            | A::Expire
            | A::TakeToPlatform,
        ) => true,
        // The courier does not wait for the supervisor: a parcel can arrive meanwhile.
        (S::Escalated { previous, .. }, A::ReturnArrived) => {
            matches!(**previous, S::ReturnInTransit { .. })
        }
        (
            S::Escalated { .. },
            A::AnswerInfo
            | A::EnterReturnTracking
            | A::Cancel
            | A::Escalate
            | A::ConfirmReceipt
            | A::Rate
            | A::Reopen
            | A::AcceptOffer
            | A::DeclineOffer
            | A::Approve
            | A::Reject
            | A::RequestInfo
            | A::Offer
            | A::Receive
            | A::Ship
            | A::ApproveProposal
            | A::DeclineProposal
            | A::AdjustPostage
            | A::Answer
            | A::RecordReviewOutcome
            | A::Goodwill,
        ) => false,
        // A closed case accepts only messages and one rating, plus the single reopen after an
        // information timeout.
        (S::Closed { .. }, A::Message | A::Rate | A::Reopen | A::Expire | A::TakeToPlatform) => {
            true
        }
        (
            S::Closed { .. },
            A::AddProof
            | A::AnswerInfo
            | A::EnterReturnTracking
            | A::Cancel
            | A::Escalate
            | A::ConfirmReceipt
            | A::AcceptOffer
            | A::DeclineOffer
            | A::Approve
            | A::Reject
            | A::RequestInfo
            | A::Offer
            | A::ReturnArrived
            | A::Receive
            | A::Ship
            | A::ResolveEscalation
            | A::Override
            | A::ApproveProposal
            | A::DeclineProposal
            | A::AdjustPostage
            | A::Answer
            | A::RecordReviewOutcome
            | A::Goodwill,
        ) => false,
    }
}

/// May this action happen on a case of this kind at all? A question is answered, withdrawn,
/// talked about and rated; a review follow-up is talked about and its outcome recorded (the
/// buyer did not ask for it, so cannot withdraw it). Nothing is granted, returned or shipped on
/// either; a request about the goods is decided, never merely answered.
pub(crate) const fn kind_allows(kind: CaseKind, action: ActionKind) -> bool {
    use ActionKind as A;
    match kind {
        CaseKind::ReviewRecovery => matches!(
            action,
            A::RecordReviewOutcome
                | A::Goodwill
                | A::Message
                | A::Rate
                | A::Expire
                | A::TakeToPlatform
        ),
        // A token of apology for the service; a late parcel is answered, not paid for.
        CaseKind::Complaint => matches!(
            action,
            A::Answer
                | A::Goodwill
                | A::Cancel
                | A::Message
                | A::Rate
                | A::Expire
                | A::TakeToPlatform
        ),
        CaseKind::ParcelQuestion => matches!(
            action,
            A::Answer | A::Cancel | A::Message | A::Rate | A::Expire | A::TakeToPlatform
        ),
        // Goods are refunded by their own rules (an offer is the partial refund of 协商).
        CaseKind::RefundOnly
        | CaseKind::ReturnAndRefund
        | CaseKind::Exchange
        | CaseKind::Repair
        | CaseKind::Reship => !matches!(action, A::Answer | A::RecordReviewOutcome | A::Goodwill),
    }
}

/// May `actor` send `action` on `case` (in `state`) now? Role, then state, then the rules that
/// need both.
pub(crate) fn admissible(
    case: &Case,
    state: &CaseState,
    action: ActionKind,
    actor: &Actor,
    ctx: &Context<'_>,
) -> Result<(), PolicyError> {
    if !role_allows(actor, action) {
        return Err(PolicyError::NotAllowedForActor { action });
    }
    let in_state = PolicyError::NotAllowedInState {
        action,
        state: state.name(),
        audience: Audience::of(actor),
    };
    if !state_allows(state, action) || !kind_allows(case.request.kind, action) {
        return Err(in_state);
    }
    match (action, state) {
        // A complaint is about the service the staff gave: the owner answers it (DOMAIN.md
        // "Time limits": the owner is told).
        (ActionKind::Answer, _)
            if case.request.kind == CaseKind::Complaint && actor.role() != Some(Role::Owner) =>
        {
            Err(PolicyError::NotAllowedForActor { action })
        }
        // The buyer escalates after a rejection (DOMAIN.md: "revise or escalate"); staff
        // escalate whatever is beyond their authority.
        (ActionKind::Escalate, CaseState::Rejected { .. }) => Ok(()),
        (ActionKind::Escalate, _) if matches!(actor, Actor::Buyer) => Err(in_state),
        // A revision restarts the request; once the goods are back at the shop there is nothing
        // to revise, only to escalate.
        (ActionKind::AnswerInfo, CaseState::Rejected { .. }) if case.goods_at_shop() => {
            Err(in_state)
        }
        // DOMAIN.md "Negotiation": a shop may require an offer before it rejects a fault claim.
        // It binds the shop's answer to the claim; once the goods are back and inspected, a
        // refusal rests on what the warehouse found (a swapped item needs no offer first).
        (
            ActionKind::Reject,
            CaseState::AwaitingReview { .. } | CaseState::InfoRequested { .. },
        ) if ctx.policy.require_offer_before_fault_reject
            && case.request.reason.is_fault()
            && !case.offer_declined() =>
        {
            Err(PolicyError::OfferRequiredBeforeReject)
        }
        (ActionKind::Rate, CaseState::Closed { rated: true, .. }) => Err(PolicyError::AlreadyRated),
        // DOMAIN.md "Return postage the shop owes": once the return shipped, for postage the
        // shop pays back, and before the refund that carries it (after it, changing the amount
        // would pay it twice or take back what was paid).
        (ActionKind::AdjustPostage, _) => {
            let shipped = case
                .events
                .iter()
                .any(|e| matches!(e.kind, crate::domain::EventKind::ReturnShipped { .. }));
            let Some(solution) = super::views::granted_solution(case) else {
                return Err(in_state);
            };
            let terms = super::postage::postage_terms(
                &case.order,
                solution.kind(),
                case.request.reason,
                ctx.policy,
            );
            // Postage the shop never owed (the insurer's, or the buyer's own) is refused as such
            // whether or not a refund went out (a fast refund may pay at shipment).
            if !shipped {
                Err(in_state)
            } else if terms.cap().is_none() {
                Err(PolicyError::PostageNotOwed { terms })
            } else if case.has_refund() {
                Err(PolicyError::PostageAlreadyPaid)
            } else {
                Ok(())
            }
        }
        (ActionKind::Reopen, CaseState::Closed { reopenable, at, .. }) => {
            let until = window_end(
                *at,
                ctx.policy.deadlines.buyer_reopen_days,
                ctx.policy.utc_offset_minutes,
            );
            // The closure freed the units: a later case may have claimed them since, and two
            // open cases must never claim the same unit.
            let others = ctx.others(&case.id);
            let units_left = case.request.lines.iter().all(|requested| {
                case.order
                    .line(&requested.sku)
                    .is_some_and(|line| requested.quantity <= remaining_quantity(line, others))
            });
            if *reopenable && ctx.now <= until && units_left {
                Ok(())
            } else {
                Err(PolicyError::ReopenUnavailable)
            }
        }
        _ => Ok(()),
    }
}

/// The actions `actor` may take on `case` now (what the pages show as buttons). `Expire` is
/// listed for the system only when a deadline is due.
#[must_use]
pub fn available_actions(case: &Case, actor: &Actor, ctx: &Context<'_>) -> Vec<ActionKind> {
    let state = case.state();
    ActionKind::ALL
        .into_iter()
        .filter(|action| admissible(case, &state, *action, actor, ctx).is_ok())
        .filter(|action| {
            *action != ActionKind::Expire || due_timeout(case, ctx.policy, ctx.now).is_some()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CaseKind, Command, Reason, Solution};
    use crate::policy::fixtures::{
        Run, agent, day_after_signed, line, order, owner, request, warehouse,
    };

    fn new_run() -> Run {
        let o = order(vec![line("shirt", "clothing", 9_900, 1)]);
        Run::file(
            &o,
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
    fn each_actor_sees_only_its_own_buttons_for_the_current_step() {
        use ActionKind as A;
        let mut run = new_run();
        let actions = |run: &Run, actor: &Actor| available_actions(&run.case, actor, &run.ctx());
        assert_eq!(
            actions(&run, &Actor::Buyer),
            vec![A::AddProof, A::Cancel, A::Message]
        );
        assert_eq!(
            actions(&run, &agent()),
            vec![
                A::Escalate,
                A::Message,
                A::Approve,
                A::Reject,
                A::RequestInfo,
                A::Offer,
                A::TakeToPlatform
            ]
        );
        assert_eq!(actions(&run, &warehouse()), vec![A::Message]);
        assert_eq!(
            actions(&run, &owner()),
            vec![
                A::Escalate,
                A::Message,
                A::Approve,
                A::Reject,
                A::RequestInfo,
                A::Offer,
                A::TakeToPlatform,
                A::Override
            ]
        );
        assert_eq!(actions(&run, &Actor::System), Vec::<ActionKind>::new());
        run.at(day_after_signed(4, 10, 0));
        assert_eq!(actions(&run, &Actor::System), vec![A::Expire]);
        run.ok(
            &agent(),
            Command::Approve {
                solution: Solution::ReturnAndRefund,
                note: String::new(),
            },
        );
        assert_eq!(
            actions(&run, &Actor::Buyer),
            vec![A::EnterReturnTracking, A::Cancel, A::Message]
        );
        run.ok(
            &Actor::Buyer,
            Command::EnterReturnTracking {
                carrier: "SF".into(),
                tracking: "1".into(),
                postage: None,
            },
        );
        assert_eq!(
            actions(&run, &warehouse()),
            vec![A::Message, A::ReturnArrived, A::Receive]
        );
        assert_eq!(actions(&run, &Actor::Buyer), vec![A::Message]);
    }

    #[test]
    fn an_open_offer_is_the_buyers_move_and_a_proposal_the_owners() {
        use crate::domain::{Money, Offer};
        use ActionKind as A;
        let actions = |run: &Run, actor: &Actor| available_actions(&run.case, actor, &run.ctx());
        let mut run = new_run();
        run.ok(
            &agent(),
            Command::Offer {
                offer: Offer::Exchange,
                note: String::new(),
            },
        );
        assert_eq!(
            actions(&run, &Actor::Buyer),
            vec![
                A::AddProof,
                A::Cancel,
                A::Message,
                A::AcceptOffer,
                A::DeclineOffer
            ]
        );
        assert_eq!(
            actions(&run, &agent()),
            vec![A::Escalate, A::Message, A::TakeToPlatform]
        );
        assert_eq!(
            actions(&run, &owner()),
            vec![A::Escalate, A::Message, A::TakeToPlatform, A::Override]
        );
        assert_eq!(actions(&run, &warehouse()), vec![A::Message]);

        let mut run = new_run();
        run.policy.approval_limits.agent = Some(Money(100));
        run.ok(
            &agent(),
            Command::Approve {
                solution: Solution::ReturnAndRefund,
                note: String::new(),
            },
        );
        assert_eq!(
            actions(&run, &Actor::Buyer),
            vec![A::AddProof, A::Cancel, A::Message]
        );
        assert_eq!(actions(&run, &agent()), vec![A::Message, A::TakeToPlatform]);
        assert_eq!(
            actions(&run, &owner()),
            vec![
                A::Message,
                A::TakeToPlatform,
                A::Override,
                A::ApproveProposal,
                A::DeclineProposal
            ]
        );
        assert_eq!(actions(&run, &warehouse()), vec![A::Message]);
    }

    /// A command for `action` with plausible contents (what a caller would send).
    fn sample(action: ActionKind) -> Command {
        use crate::domain::{Inspection, Money, Offer, Resolution};
        match action {
            ActionKind::AddProof => Command::AddProof { photos: vec![] },
            ActionKind::AnswerInfo => Command::AnswerInfo {
                note: "here".into(),
                photos: vec![],
            },
            ActionKind::EnterReturnTracking => Command::EnterReturnTracking {
                carrier: "SF".into(),
                tracking: "SF1".into(),
                postage: None,
            },
            ActionKind::Cancel => Command::Cancel,
            ActionKind::Escalate => Command::Escalate {
                note: "help".into(),
            },
            ActionKind::ConfirmReceipt => Command::ConfirmReceipt,
            ActionKind::Rate => Command::Rate {
                stars: 5,
                comment: String::new(),
            },
            ActionKind::Reopen => Command::Reopen,
            ActionKind::Message => Command::Message { text: "hi".into() },
            ActionKind::Answer => Command::Answer {
                text: "It is on its way".into(),
            },
            ActionKind::RecordReviewOutcome => Command::RecordReviewOutcome {
                outcome: crate::domain::ReviewOutcome::Revised,
            },
            ActionKind::TakeToPlatform => Command::TakeToPlatform {
                forum: crate::domain::DisputeForum::Platform,
                external_ref: "TB-D-1".into(),
                note: String::new(),
            },
            ActionKind::Goodwill => Command::Goodwill {
                amount: Money(500),
                note: "Sorry".into(),
            },
            ActionKind::AcceptOffer => Command::AcceptOffer,
            ActionKind::DeclineOffer => Command::DeclineOffer {
                note: String::new(),
            },
            ActionKind::Approve => Command::Approve {
                solution: Solution::ReturnAndRefund,
                note: String::new(),
            },
            ActionKind::Reject => Command::Reject {
                reason_code: crate::domain::RejectReason::Other,
                note: "no".into(),
            },
            ActionKind::RequestInfo => Command::RequestInfo {
                question: "photo?".into(),
            },
            ActionKind::Offer => Command::Offer {
                offer: Offer::PartialRefund { amount: Money(100) },
                note: String::new(),
            },
            ActionKind::AdjustPostage => Command::AdjustPostage {
                amount: Money(1_000),
                reason: "receipt".into(),
            },
            ActionKind::ReturnArrived => Command::ReturnArrived,
            ActionKind::Receive => Command::Receive {
                inspection: Inspection {
                    passed: true,
                    note: String::new(),
                    deduction: Money(0),
                },
            },
            ActionKind::Ship => Command::Ship {
                carrier: "SF".into(),
                tracking: "SF2".into(),
            },
            ActionKind::ResolveEscalation => Command::ResolveEscalation {
                resolution: Resolution::Resume,
                note: String::new(),
            },
            ActionKind::Override => Command::Override {
                reason: "goodwill".into(),
                action: crate::domain::OverrideAction::Close,
            },
            ActionKind::ApproveProposal => Command::ApproveProposal {
                note: String::new(),
            },
            ActionKind::DeclineProposal => Command::DeclineProposal {
                note: String::new(),
            },
            ActionKind::Expire => Command::Expire {
                due: crate::domain::Timestamp(1),
            },
        }
    }

    /// The state table and `decide` agree in every state a return passes through: an action the
    /// table refuses in a state is refused by `decide` (the public entry), whoever sends it.
    #[test]
    fn every_action_the_state_table_refuses_is_refused_by_decide_in_every_state() {
        let actors = [Actor::Buyer, agent(), warehouse(), owner()];
        let mut run = new_run();
        // Each step moves the shirt's return on; the table is checked before each.
        let steps: Vec<(Actor, Command)> = vec![
            (
                agent(),
                Command::RequestInfo {
                    question: "Label?".into(),
                },
            ),
            (
                Actor::Buyer,
                Command::AnswerInfo {
                    note: "Here".into(),
                    photos: vec![],
                },
            ),
            (
                agent(),
                Command::Approve {
                    solution: Solution::ReturnAndRefund,
                    note: String::new(),
                },
            ),
            (
                Actor::Buyer,
                Command::EnterReturnTracking {
                    carrier: "SF".into(),
                    tracking: "SF9".into(),
                    postage: None,
                },
            ),
            (warehouse(), Command::ReturnArrived),
        ];
        let mut states_seen = Vec::new();
        for step in steps.into_iter().map(Some).chain([None]) {
            let state = run.state();
            states_seen.push(run.state_name());
            for action in ActionKind::ALL {
                if state_allows(&state, action) {
                    continue;
                }
                for who in &actors {
                    let result = crate::policy::decide(&run.case, &sample(action), who, &run.ctx());
                    assert!(
                        result.is_err() || result == Ok(Vec::new()),
                        "{action:?} by {who:?} in {:?} was accepted: {result:?}",
                        run.state_name()
                    );
                }
            }
            if let Some((actor, command)) = step {
                run.ok(&actor, command);
            }
        }
        assert!(states_seen.len() >= 5, "the walk reached {states_seen:?}");
    }

    /// Reopening must not let two open cases claim the same unit: after an information
    /// timeout the units are free, and a later case may have claimed them.
    #[test]
    fn a_reopen_is_refused_when_a_later_case_holds_the_units() {
        use crate::domain::CaseState;
        // (units bought, units the later case claims, reopen allowed)
        let table = [(1, 0, true), (1, 1, false), (2, 1, true), (2, 2, false)];
        for (bought, claimed, allowed) in table {
            let o = order(vec![line("phone", "electronics", 99_900, bought)]);
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
            assert!(matches!(run.state(), CaseState::Closed { .. }));
            if claimed > 0 {
                let ctx = Context {
                    other_cases: std::slice::from_ref(&run.case),
                    ..run.ctx()
                };
                let mut later = crate::policy::file_case(
                    "case-2".into(),
                    &o,
                    request(
                        CaseKind::Exchange,
                        Reason::QualityFault,
                        &[("phone", claimed)],
                    ),
                    &ctx,
                )
                .expect("the freed units may be claimed");
                later.id = "case-2".into();
                run.others.push(later);
            }
            let result = run.act(&Actor::Buyer, Command::Reopen);
            assert_eq!(
                result.is_ok(),
                allowed,
                "{bought} bought, {claimed} claimed: {result:?}"
            );
            if !allowed {
                assert_eq!(result, Err(PolicyError::ReopenUnavailable));
            }
        }
    }
}
