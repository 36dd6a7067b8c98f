//! Property tests of the invariants (issue "Done when"): random orders, random requests, and a
//! state-machine test that sends random commands from random actors at random times.
//!
//! * no refund and no replacement before the return is received, unless the fast-refund rule
//!   allowed it (or nothing was to come back: a refund-only solution);
//! * the total refunded never exceeds what was paid, on one case or across an order's cases;
//! * units claimed never exceed units bought across an order's cases;
//! * a closed case accepts only messages and a rating (and the single reopen);
//! * replaying a history gives the same state;
//! * no command from an actor outside its role is ever accepted;
//! * what `available_actions` lists is what `decide` accepts (and the other way round, with the
//!   order's other cases in the context), and an expiry runs once;
//! * an agent never pays, nor offers, a refund above their limit; without the owner, money above
//!   it moves only on the policy's own deadlines; a shop that requires an offer before rejecting a
//!   fault claim never sees one rejected at its first answer without a declined offer.

use proptest::prelude::*;

use crate::domain::{
    ActionKind, Actor, Case, CaseKind, CaseRequest, CaseState, Command, EventKind, Inspection,
    LineFlags, Money, Offer, Order, OverrideAction, PostageClaim, Reason, RejectReason,
    RequestedLine, Resolution, Role, ShipmentKind, Solution, Timestamp,
};

use super::actions::role_allows;
use super::context::{BuyerStanding, Context};
use super::deadline::due_timeout;
use super::fixtures::{agent, cst, line, order, owner, signed, warehouse};
use super::refund::fast_refund_qualifies;
use super::settings::Policy;
use super::{apply, available_actions, decide, file_case};

fn arb_flags() -> impl Strategy<Value = LineFlags> {
    // Mostly returnable goods, so that the interesting paths are reached.
    (0u8..20).prop_map(|n| LineFlags {
        custom_made: n == 0,
        perishable: n == 1,
        non_returnable_confirmed: n == 2,
        ..LineFlags::default()
    })
}

fn arb_order() -> impl Strategy<Value = Order> {
    let lines = prop::collection::vec((1i64..60_000, 1u32..4, 0u8..50, arb_flags()), 1..4);
    (
        lines,
        0i64..2_000,
        prop::option::of(1i64..300_000),
        any::<bool>(),
        0u8..12,
        0i64..40,
    )
        .prop_map(|(lines, fee, threshold, insurance, shipping, late)| {
            let mut o = order(
                lines
                    .into_iter()
                    .enumerate()
                    .map(|(i, (price, quantity, discount_pct, flags))| {
                        let mut l = line(&format!("sku{i}"), "misc", price, quantity);
                        l.discount = l.gross().share(i64::from(discount_pct), 100);
                        l.flags = flags;
                        l
                    })
                    .collect(),
            );
            o.shipping_fee = Money(fee);
            o.free_shipping_threshold = threshold.map(Money);
            o.shipping_insurance = insurance;
            match shipping {
                0 => {
                    o.shipped_at = None;
                    o.signed_for_at = None;
                }
                1 => o.signed_for_at = None,
                _ => o.signed_for_at = Some(signed().plus_hours(-late)),
            }
            o
        })
}

fn arb_request(o: &Order) -> impl Strategy<Value = CaseRequest> + use<> {
    let skus: Vec<(String, u32)> = o
        .lines
        .iter()
        .map(|l| (l.sku.clone(), l.quantity))
        .collect();
    let n = skus.len();
    (
        prop_oneof![
            // Mostly combinations the trade uses, so that filing succeeds and cases get deep.
            4 => prop::sample::select(vec![
                (CaseKind::ReturnAndRefund, Reason::SizeOrFit),
                (CaseKind::ReturnAndRefund, Reason::ChangedMind),
                (CaseKind::ReturnAndRefund, Reason::QualityFault),
                (CaseKind::Exchange, Reason::DamagedInTransit),
                (CaseKind::Exchange, Reason::SizeOrFit),
                (CaseKind::Repair, Reason::QualityFault),
                (CaseKind::Reship, Reason::NotReceived),
                (CaseKind::Reship, Reason::MissingParts),
                (CaseKind::RefundOnly, Reason::NotReceived),
                (CaseKind::RefundOnly, Reason::ChangedMind),
            ]),
            1 => (prop::sample::select(CaseKind::ALL.to_vec()), prop::sample::select(Reason::ALL.to_vec())),
        ],
        prop::collection::vec((0..n, 1u32..4), 1..3),
        0u8..10,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(move |((kind, reason), picks, intact, carrier, urgent)| {
            let mut lines: Vec<RequestedLine> = Vec::new();
            for (i, q) in picks {
                let (sku, max) = &skus[i];
                if lines.iter().all(|l| &l.sku != sku) {
                    lines.push(RequestedLine { sku: sku.clone(), quantity: q.min(*max) });
                }
            }
            CaseRequest {
                kind,
                reason,
                lines,
                note: if urgent { "差评警告".into() } else { String::new() },
                photos: Vec::new(),
                intact_confirmed: intact != 0,
                urgent,
                carrier_confirms_loss: carrier,
                lang: None,
                review: None,
            }
        })
}

fn arb_policy() -> impl Strategy<Value = Policy> {
    (
        any::<bool>(),
        prop::sample::select(vec![0i64, 500, 10_000]),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        // Agent limits from "every refund needs the owner" to none, around the orders' sizes.
        prop::sample::select(vec![
            None,
            Some(0i64),
            Some(5_000),
            Some(30_000),
            Some(200_000),
        ]),
    )
        .prop_map(|(free_returns, bps, fast, deduct, offer_first, limit)| {
            let mut p = Policy {
                free_returns,
                // Every fourth shop sends prepaid labels (bps is drawn from three values).
                prepaid_return_label: bps == 500 && offer_first,
                restocking_fee_bps: bps,
                deduct_free_shipping_on_partial_return: deduct,
                require_offer_before_fault_reject: offer_first,
                ..Policy::default()
            };
            p.fast_refund.enabled = fast;
            p.approval_limits.agent = limit.map(Money);
            p
        })
}

fn arb_offer() -> impl Strategy<Value = Offer> {
    prop_oneof![
        (0i64..100_000).prop_map(|a| Offer::PartialRefund { amount: Money(a) }),
        Just(Offer::Exchange),
        Just(Offer::Repair),
    ]
}

fn arb_solution() -> impl Strategy<Value = Solution> {
    prop_oneof![
        Just(Solution::RefundOnly { amount: None }),
        (0i64..500_000).prop_map(|a| Solution::RefundOnly {
            amount: Some(Money(a))
        }),
        Just(Solution::ReturnAndRefund),
        Just(Solution::Exchange),
        Just(Solution::Repair),
        Just(Solution::Reship),
    ]
}

/// A command; `Expire` with a zero due means "the due timeout, if any".
fn arb_command() -> impl Strategy<Value = Command> {
    let text =
        prop::sample::select(vec!["", "hello", "要差评了", "see photo"]).prop_map(String::from);
    prop_oneof![
        // The commands that move a case forward come more often.
        4 => arb_solution().prop_map(|solution| Command::Approve { solution, note: String::new() }),
        3 => Just(Command::EnterReturnTracking { carrier: "SF".into(), tracking: "SF1".into(), postage: None }),
        // Claims around the cap (30.00), and some no claim may carry.
        2 => prop::sample::select(vec![-100i64, 0, 800, 3_000, 4_500, 200_000]).prop_map(|a| Command::EnterReturnTracking {
            carrier: "SF".into(), tracking: "SF1".into(),
            postage: Some(PostageClaim { amount: Money(a), receipt: "r.jpg".into() }),
        }),
        2 => prop::sample::select(vec![-1i64, 0, 500, 3_500, 100_001]).prop_map(|a| Command::AdjustPostage {
            amount: Money(a), reason: "receipt".into(),
        }),
        3 => (any::<bool>(), 0i64..20_000).prop_map(|(passed, d)| Command::Receive {
            inspection: Inspection { passed, note: String::new(), deduction: Money(if passed { 0 } else { d }) }
        }),
        3 => Just(Command::Ship { carrier: "SF".into(), tracking: "S2".into() }),
        2 => Just(Command::ConfirmReceipt),
        3 => Just(Command::Expire { due: Timestamp(0) }),
        1 => Just(Command::AddProof { photos: vec!["p.jpg".into()] }),
        1 => text.clone().prop_map(|note| Command::AnswerInfo { note, photos: vec!["a.jpg".into()] }),
        1 => Just(Command::Cancel),
        1 => text.clone().prop_map(|note| Command::Escalate { note }),
        1 => (0u8..7).prop_map(|stars| Command::Rate { stars, comment: String::new() }),
        1 => Just(Command::Reopen),
        1 => text.clone().prop_map(|text| Command::Message { text }),
        2 => Just(Command::Reject { reason_code: RejectReason::NoFaultFound, note: String::new() }),
        3 => arb_offer().prop_map(|offer| Command::Offer { offer, note: String::new() }),
        3 => Just(Command::AcceptOffer),
        2 => text.clone().prop_map(|note| Command::DeclineOffer { note }),
        4 => text.clone().prop_map(|note| Command::ApproveProposal { note }),
        2 => text.clone().prop_map(|note| Command::DeclineProposal { note }),
        1 => text.clone().prop_map(|question| Command::RequestInfo { question }),
        1 => Just(Command::ReturnArrived),
        1 => prop_oneof![
            arb_solution().prop_map(|solution| Resolution::Approve { solution }),
            Just(Resolution::Reject { reason_code: RejectReason::Other }),
            Just(Resolution::Resume),
        ]
        .prop_map(|resolution| Command::ResolveEscalation { resolution, note: String::new() }),
        1 => prop_oneof![
            arb_solution().prop_map(|solution| OverrideAction::Approve { solution }),
            Just(OverrideAction::Close),
        ]
        .prop_map(|action| Command::Override { reason: "goodwill".into(), action }),
    ]
}

fn arb_actor() -> impl Strategy<Value = Actor> {
    prop::sample::select(vec![
        Actor::Buyer,
        agent(),
        warehouse(),
        owner(),
        Actor::System,
    ])
}

/// Who would naturally send a command.
fn natural_actor(command: &Command) -> Actor {
    match command.action() {
        ActionKind::AddProof
        | ActionKind::AnswerInfo
        | ActionKind::EnterReturnTracking
        | ActionKind::Cancel
        | ActionKind::Escalate
        | ActionKind::ConfirmReceipt
        | ActionKind::Rate
        | ActionKind::Reopen
        | ActionKind::Message
        | ActionKind::AcceptOffer
        | ActionKind::DeclineOffer => Actor::Buyer,
        ActionKind::Approve
        | ActionKind::Reject
        | ActionKind::RequestInfo
        | ActionKind::Offer
        | ActionKind::AdjustPostage
        | ActionKind::Answer
        | ActionKind::RecordReviewOutcome
        | ActionKind::Goodwill
        | ActionKind::TakeToPlatform => agent(),
        ActionKind::ReturnArrived | ActionKind::Expire => Actor::System,
        ActionKind::Receive | ActionKind::Ship => warehouse(),
        ActionKind::ResolveEscalation
        | ActionKind::Override
        | ActionKind::ApproveProposal
        | ActionKind::DeclineProposal => owner(),
    }
}

/// An agent's batch never pays, and never offers, a refund above the agent's limit (DOMAIN.md
/// "Two people for big money"): above it, the agent's approval or offer is a proposal.
fn assert_within_agent_limit(actor: &Actor, batch: &[crate::domain::Event], policy: &Policy) {
    let (Some(Role::Agent), Some(limit)) = (actor.role(), policy.approval_limits.agent) else {
        return;
    };
    for event in batch {
        let amount = match &event.kind {
            EventKind::Refunded { breakdown } | EventKind::FastRefunded { breakdown } => {
                breakdown.total
            }
            EventKind::OfferMade {
                offer: Offer::PartialRefund { amount },
                ..
            } => *amount,
            _ => Money::ZERO,
        };
        assert!(
            amount <= limit,
            "an agent moved {amount:?} over {limit:?}: {batch:?}"
        );
    }
}

/// With the shop requiring an offer first, a fault claim is rejected at the shop's first answer
/// only after the buyer declined an offer.
fn assert_offer_before_fault_reject(
    case: &Case,
    before: &CaseState,
    batch: &[crate::domain::Event],
    policy: &Policy,
) {
    let first_answer = matches!(
        before,
        CaseState::AwaitingReview { .. } | CaseState::InfoRequested { .. }
    );
    let rejects = batch
        .iter()
        .any(|e| matches!(e.kind, EventKind::Rejected { .. }));
    if policy.require_offer_before_fault_reject
        && case.request.reason.is_fault()
        && first_answer
        && rejects
    {
        assert!(
            case.offer_declined(),
            "rejected without an offer: {batch:?}"
        );
    }
}

/// Steps: actor, command, minutes to wait before it. Most commands come from the actor who
/// would send them (so cases get deep); a third from anybody (so roles are tested).
fn arb_steps() -> impl Strategy<Value = Vec<(Actor, Command, i64)>> {
    let step = (
        arb_actor(),
        arb_command(),
        0u8..3,
        prop_oneof![0i64..120, 0i64..20_000],
    )
        .prop_map(|(random, command, pick, wait)| {
            let actor = if pick == 0 {
                random
            } else {
                natural_actor(&command)
            };
            (actor, command, wait)
        });
    prop::collection::vec(step, 1..40)
}

fn arb_world() -> impl Strategy<Value = (Order, CaseRequest, Policy, BuyerStanding, i64)> {
    arb_order().prop_flat_map(|o| {
        let request = arb_request(&o);
        (
            Just(o),
            request,
            arb_policy(),
            (0u32..3, 0u32..2),
            prop_oneof![3 => 0i64..(6 * 24), 1 => 0i64..(400 * 24)],
        )
            .prop_map(|(o, r, p, (past, abuse), hours)| {
                (
                    o,
                    r,
                    p,
                    BuyerStanding {
                        past_cases: past,
                        rejected_for_abuse: abuse,
                    },
                    hours,
                )
            })
    })
}

/// DOMAIN.md "Return postage the shop owes", on every refund of a case: the breakdown's lines
/// sum to its total; the postage is at most the cap, zero on an insured order (the insurer pays
/// it) and zero where the shop owes none; it is what was claimed last (a second claim or an
/// adjustment replaces, never adds); and a case pays money back once, so postage never twice.
fn assert_postage_conserved(case: &Case, policy: &Policy) {
    let refunds: Vec<_> = case
        .events
        .iter()
        .filter_map(|e| e.kind.refunded())
        .collect();
    assert!(refunds.len() <= 1, "refunded twice: {refunds:?}");
    for b in refunds {
        let goods = (b.items - b.discounts + b.original_shipping
            - b.restocking_fee
            - b.free_shipping_deduction
            - b.inspection_deduction)
            .non_negative();
        assert_eq!(
            b.total,
            goods - b.agreed_reduction - b.capped_by + b.return_postage,
            "lines do not sum to the total: {b:?}"
        );
        assert!(b.return_postage >= Money::ZERO && b.return_postage <= policy.return_postage_cap);
        if case.order.shipping_insurance || policy.prepaid_return_label {
            assert_eq!(
                b.return_postage,
                Money::ZERO,
                "postage paid beside the insurer or a label"
            );
        }
        if b.return_postage.is_positive() {
            let terms = super::postage_terms(
                &case.order,
                super::effective_kind(case),
                case.request.reason,
                policy,
            );
            assert!(
                terms.cap().is_some(),
                "postage paid where none is owed: {terms:?}"
            );
        }
    }
    // What the refund paid is the claim in force when it went out, capped.
    let mut claimed = None;
    for e in &case.events {
        match &e.kind {
            EventKind::ReturnShipped {
                postage: Some(c), ..
            } => claimed = Some(c.amount),
            EventKind::PostageAdjusted { amount, .. } => claimed = Some(*amount),
            kind => {
                if let Some(b) = kind.refunded() {
                    let max = claimed
                        .unwrap_or(Money::ZERO)
                        .min(policy.return_postage_cap);
                    assert!(
                        b.return_postage <= max.non_negative(),
                        "paid {b:?} for claim {claimed:?}"
                    );
                }
            }
        }
    }
}

/// Check the safety of the events just decided, given the history before them.
fn assert_safe(case: &Case, batch: &[crate::domain::Event], policy: &Policy, buyer: BuyerStanding) {
    let mut seen: Vec<&EventKind> = case.events.iter().map(|e| &e.kind).collect();
    for event in batch {
        let goods_here = seen.iter().any(|k| {
            matches!(
                k,
                EventKind::Received { .. } | EventKind::ReturnDeemedReceived
            )
        });
        let last_solution = seen.iter().rev().find_map(|k| match k {
            EventKind::Approved { solution, .. } => Some(solution),
            _ => None,
        });
        match &event.kind {
            EventKind::Refunded { .. } => {
                let refund_only = matches!(last_solution, Some(Solution::RefundOnly { .. }));
                assert!(
                    goods_here || refund_only,
                    "refund before receipt: {batch:?}"
                );
            }
            EventKind::ItemShipped { shipment, .. } if *shipment != ShipmentKind::Reshipment => {
                assert!(goods_here, "replacement before receipt: {batch:?}");
            }
            EventKind::FastRefunded { .. } => {
                assert!(
                    batch
                        .iter()
                        .any(|e| matches!(e.kind, EventKind::ReturnShipped { .. })),
                    "fast refund without tracking"
                );
                assert!(fast_refund_qualifies(
                    &case.order,
                    &case.request.lines,
                    CaseKind::ReturnAndRefund,
                    policy,
                    buyer,
                    case.filed_at,
                ));
            }
            EventKind::ReturnDeemedReceived => {
                assert!(
                    event.actor == Actor::System,
                    "only the shop's silence deems a return received"
                );
            }
            _ => {}
        }
        seen.push(&event.kind);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn random_commands_from_random_actors_never_break_an_invariant(
        (o, request, policy, buyer, hours) in arb_world(),
        steps in arb_steps(),
    ) {
        let filed = signed().plus_hours(hours);
        let ctx = Context { policy: &policy, now: filed, other_cases: &[], buyer };
        let filing = file_case("c1".into(), &o, request, &ctx);
        // Every refusal a filing meets is one the portal's preview words alone.
        if let Err(e) = &filing {
            prop_assert!(e.filing_message(crate::Lang::En).is_some(), "{:?}", e);
        }
        let Ok(mut case) = filing else { return Ok(()) };
        let filed_case = case.clone();
        // Every accepted step, to decide the history again from the filing at the end.
        let mut accepted: Vec<(Actor, Command, Timestamp)> = Vec::new();
        let mut now = filed;
        for (actor, command, wait) in steps {
            now = now.plus_ms(wait * 60_000);
            let ctx = Context { policy: &policy, now, other_cases: &[], buyer };
            let command = match command {
                Command::Expire { due: Timestamp(0) } => {
                    due_timeout(&case, &policy, now).unwrap_or(Command::Expire { due: Timestamp(1) })
                }
                other => other,
            };
            let before = case.state();
            let offered = available_actions(&case, &actor, &ctx);
            let result = decide(&case, &command, &actor, &ctx);
            let action = command.action();

            // No command from an actor outside its role is ever accepted.
            if !role_allows(&actor, action) {
                prop_assert_eq!(&result, &Err(super::PolicyError::NotAllowedForActor { action }));
            }
            let Ok(events) = result else { continue };
            if events.is_empty() {
                continue;
            }
            // What decide accepts, available_actions offered.
            prop_assert!(offered.contains(&action), "{:?} accepted but not offered in {:?}", action, before);
            // A closed case accepts only messages and a rating (and the one reopen).
            if before.is_closed() {
                prop_assert!(
                    matches!(action, ActionKind::Message | ActionKind::Rate | ActionKind::Reopen),
                    "{:?} accepted on a closed case", action
                );
            }
            assert_safe(&case, &events, &policy, buyer);
            assert_within_agent_limit(&actor, &events, &policy);
            assert_offer_before_fault_reject(&case, &before, &events, &policy);
            // One open offer at a time: a new offer never replaces one the buyer has not answered.
            if matches!(before, CaseState::OfferPending { .. }) {
                let offered = events.iter().any(|e| matches!(e.kind, EventKind::OfferMade { .. }));
                prop_assert!(!offered, "a second offer over an open one");
            }
            prop_assert!(events.iter().all(|e| e.at == now && e.actor == actor));
            accepted.push((actor.clone(), command.clone(), now));
            apply(&mut case, events);

            // An expiry runs once.
            if let Command::Expire { .. } = command {
                prop_assert_eq!(decide(&case, &command, &actor, &ctx), Ok(Vec::new()));
            }
            // The total refunded never exceeds what was paid, plus the postage paid back.
            prop_assert!(case.refunded_total() <= o.total_paid() + policy.return_postage_cap);
            prop_assert!(case.events.iter().filter_map(|e| e.kind.refunded()).all(|b| b.total >= Money::ZERO));
            assert_postage_conserved(&case, &policy);
            // A history read back from JSON (as the store keeps it) is the same case.
            let json = serde_json::to_string(&case).unwrap_or_default();
            let back: Option<Case> = serde_json::from_str(&json).ok();
            prop_assert_eq!(back.as_ref().map(Case::state), Some(case.state()));
            prop_assert_eq!(back.as_ref(), Some(&case));
        }
        // Deciding the same commands again, from the filing, gives the same history event for
        // event: decisions depend on the case and the clock only, so a replica or a retry that
        // replays the log reaches the same state.
        let mut replayed = filed_case;
        for (actor, command, at) in &accepted {
            let ctx = Context { policy: &policy, now: *at, other_cases: &[], buyer };
            match decide(&replayed, command, actor, &ctx) {
                Ok(events) => apply(&mut replayed, events),
                Err(e) => prop_assert!(false, "{:?} was accepted once, then refused on replay: {:?}", command.action(), e),
            }
        }
        prop_assert_eq!(&replayed.events, &case.events);
        prop_assert_eq!(replayed.state(), case.state());
    }

    /// Without the owner, an agent (helped by the buyer, the warehouse and the clock) never gets
    /// money above the agent's limit out: every such refund follows an approval the system made
    /// on a shop deadline (the buyer is never punished for the shop's silence, whoever's silence
    /// it is). The agent's own approvals and offers above the limit stay proposals. The return
    /// postage a refund pays back is not the agent's to decide: the postage rule owes it, up to
    /// the cap the shop set (`return_postage_cap`), so it is not counted against the limit.
    #[test]
    fn without_the_owner_money_above_the_agents_limit_moves_only_on_the_policys_deadlines(
        (o, request, mut policy, buyer, hours) in arb_world(),
        steps in arb_steps(),
        limit in prop::sample::select(vec![0i64, 1_000, 5_000, 30_000]),
    ) {
        policy.approval_limits.agent = Some(Money(limit));
        let filed = signed().plus_hours(hours);
        let ctx = Context { policy: &policy, now: filed, other_cases: &[], buyer };
        let Ok(mut case) = file_case("c1".into(), &o, request, &ctx) else { return Ok(()) };
        let mut now = filed;
        for (actor, command, wait) in steps {
            // Everybody but the owner (the owner's commands go to the agent instead).
            let actor = if actor.role() == Some(Role::Owner) { agent() } else { actor };
            now = now.plus_ms(wait * 60_000);
            let ctx = Context { policy: &policy, now, other_cases: &[], buyer };
            let command = match command {
                Command::Expire { due: Timestamp(0) } => {
                    due_timeout(&case, &policy, now).unwrap_or(Command::Expire { due: Timestamp(1) })
                }
                other => other,
            };
            let Ok(events) = decide(&case, &command, &actor, &ctx) else { continue };
            let mut approver: Option<Actor> = case.events.iter().rev().find_map(|e| {
                matches!(e.kind, EventKind::Approved { .. }).then(|| e.actor.clone())
            });
            for event in &events {
                if matches!(event.kind, EventKind::Approved { .. }) {
                    approver = Some(event.actor.clone());
                }
                if let Some(b) = event.kind.refunded()
                    && b.total - b.return_postage > Money(limit)
                {
                    prop_assert_eq!(&approver, &Some(Actor::System), "{:?} paid by {:?}", b.total, events);
                }
            }
            let signed_off = events.iter().any(|e| matches!(
                e.kind,
                EventKind::ProposalApproved { .. } | EventKind::ProposalDeclined { .. }
            ));
            prop_assert!(!signed_off, "a proposal answered without the owner");
            apply(&mut case, events);
        }
    }

    #[test]
    fn units_claimed_and_money_refunded_never_exceed_the_order_across_its_cases(
        o in arb_order(),
        attempts in prop::collection::vec(
            (prop::sample::select(CaseKind::ALL.to_vec()), prop::sample::select(Reason::ALL.to_vec()),
             prop::collection::vec((0usize..3, 1u32..4), 1..3), 0u8..5),
            1..8,
        ),
    ) {
        let policy = Policy::default();
        let buyer = BuyerStanding { past_cases: 1, rejected_for_abuse: 0 };
        let mut cases: Vec<Case> = Vec::new();
        let mut now = signed().plus_hours(2);
        for (i, (kind, reason, picks, path)) in attempts.into_iter().enumerate() {
            now = now.plus_hours(3);
            let mut lines: Vec<RequestedLine> = Vec::new();
            for (l, q) in picks {
                let sku = o.lines[l % o.lines.len()].sku.clone();
                if lines.iter().all(|x| x.sku != sku) {
                    lines.push(RequestedLine { sku, quantity: q });
                }
            }
            let request = CaseRequest {
                kind, reason, lines, note: String::new(), photos: Vec::new(),
                intact_confirmed: true, urgent: false, carrier_confirms_loss: true, lang: None, review: None,
            };
            let ctx = Context { policy: &policy, now, other_cases: &cases, buyer };
            let Ok(mut case) = file_case(format!("c{i}"), &o, request, &ctx) else { continue };
            // Drive it: 0 leave open, 1 cancel, 2 grant as asked and complete, 3 owner refund,
            // 4 ask for information that never comes (closed by the deadline, reopenable while
            // its units are free).
            let script: Vec<(Actor, Command)> = match path {
                0 => vec![],
                1 => vec![(Actor::Buyer, Command::Cancel)],
                2 => vec![
                    (agent(), Command::Approve { solution: Solution::as_requested(kind).expect("a request about goods"), note: String::new() }),
                    (Actor::Buyer, Command::EnterReturnTracking { carrier: "SF".into(), tracking: "1".into(), postage: None }),
                    (warehouse(), Command::Receive { inspection: Inspection { passed: true, note: String::new(), deduction: Money::ZERO } }),
                    (warehouse(), Command::Ship { carrier: "SF".into(), tracking: "2".into() }),
                    (Actor::Buyer, Command::ConfirmReceipt),
                ],
                4 => vec![(agent(), Command::RequestInfo { question: "A photo of the label?".into() })],
                _ => vec![(owner(), Command::Override {
                    reason: "goodwill".into(),
                    action: OverrideAction::Approve { solution: Solution::RefundOnly { amount: None } },
                })],
            };
            for (actor, command) in script {
                now = now.plus_hours(1);
                let ctx = Context { policy: &policy, now, other_cases: &cases, buyer };
                if let Ok(events) = decide(&case, &command, &actor, &ctx) {
                    apply(&mut case, events);
                }
            }
            if path == 4 {
                now = now.plus_hours(24 * 4);
                let ctx = Context { policy: &policy, now, other_cases: &cases, buyer };
                if let Some(expiry) = due_timeout(&case, &policy, now)
                    && let Ok(events) = decide(&case, &expiry, &Actor::System, &ctx)
                {
                    apply(&mut case, events);
                }
            }
            cases.push(case);

            // What a page offers the buyer, computed with the order's cases as the worker
            // computes it, the server accepts: no Reopen whose units another case has taken.
            let ctx = Context { policy: &policy, now, other_cases: &cases, buyer };
            for c in &cases {
                for action in available_actions(c, &Actor::Buyer, &ctx) {
                    let command = match action {
                        ActionKind::Reopen => Command::Reopen,
                        ActionKind::Cancel => Command::Cancel,
                        ActionKind::ConfirmReceipt => Command::ConfirmReceipt,
                        _ => continue,
                    };
                    let answer = decide(c, &command, &Actor::Buyer, &ctx);
                    prop_assert!(answer.is_ok(), "{:?} offered on {} but refused: {:?}", action, c.id, answer);
                }
            }

            for line in &o.lines {
                let held: u32 = cases.iter().filter(|c| c.holds_units()).map(|c| c.quantity_of(&line.sku)).sum();
                prop_assert!(held <= line.quantity, "{} holds {} of {}", line.sku, held, line.quantity);
                let refunded: u32 = cases.iter().filter(|c| c.has_refund()).map(|c| c.quantity_of(&line.sku)).sum();
                prop_assert!(refunded <= line.quantity);
            }
            let total: Money = cases.iter().map(Case::refunded_total).sum();
            prop_assert!(total <= o.total_paid(), "refunded {:?} of {:?}", total, o.total_paid());
            for c in &cases {
                assert_postage_conserved(c, &policy);
            }
        }
    }

    #[test]
    fn a_window_of_n_days_ends_at_the_end_of_a_local_day_n_days_later(
        at in -2_000_000_000_000i64..4_000_000_000_000,
        days in 1i64..400,
        offset in -840i64..=840,
    ) {
        use super::time::{LocalDate, local_day, window_end};
        let end = window_end(Timestamp(at), days, offset);
        prop_assert_eq!(local_day(end, offset), local_day(Timestamp(at), offset) + days);
        prop_assert_ne!(local_day(end.plus_ms(1), offset), local_day(end, offset));
        let date = LocalDate::of(end, offset);
        prop_assert_eq!(LocalDate::parse(&date.to_string()), Some(date));
    }

    #[test]
    fn an_allocated_discount_adds_up_and_stays_within_each_line(
        discount in 0i64..1_000_000,
        totals in prop::collection::vec(0i64..1_000_000, 1..6),
    ) {
        let totals: Vec<Money> = totals.into_iter().map(Money).collect();
        let shares = super::allocate_order_discount(Money(discount), &totals);
        let sum: Money = totals.iter().copied().sum();
        let expected = if sum.is_positive() { Money(discount).min(sum) } else { Money::ZERO };
        prop_assert_eq!(shares.iter().copied().sum::<Money>(), expected);
        for (share, total) in shares.iter().zip(&totals) {
            prop_assert!(*share >= Money::ZERO && *share <= *total);
        }
    }
}

#[test]
fn the_fixture_clock_is_china_standard_time() {
    assert_eq!(cst(1970, 1, 1, 8, 0), Timestamp(0));
    assert!(matches!(
        Case {
            id: "x".into(),
            order: order(vec![]),
            request: CaseRequest {
                kind: CaseKind::Reship,
                reason: Reason::NotReceived,
                lines: vec![],
                note: String::new(),
                photos: vec![],
                intact_confirmed: false,
                urgent: false,
                carrier_confirms_loss: false,
                lang: None,
                review: None,
            },
            filed_at: Timestamp(0),
            events: vec![]
        }
        .state(),
        CaseState::AwaitingReview { .. }
    ));
}
