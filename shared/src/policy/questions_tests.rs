//! The desk's questions as cases (DOMAIN.md "Priority of the queue", "Time limits"): a
//! where-is-my-parcel question and a complaint about the service are filed, answered and ranked
//! by the same engine as the five requests, with their own clocks and class.

use crate::domain::{
    ActionKind, CaseKind, CaseState, Command, ExpiryOutcome, MS_PER_HOUR, Outcome, Party, Reason,
    Role, Solution, Timestamp,
};
use crate::policy::fixtures::{Run, agent, cst, line, order, owner, request};
use crate::policy::{
    PolicyError, PriorityClass, PriorityReason, Refusal, available_actions, current_deadline,
    due_timeout, priority,
};

/// An order shipped on 10-30 and not signed for.
fn on_its_way() -> crate::domain::Order {
    let mut o = order(vec![line("book", "books", 4_500, 2)]);
    o.signed_for_at = None;
    o
}

fn question(kind: CaseKind) -> crate::domain::CaseRequest {
    let reason = kind.question_reason().expect("a question");
    request(kind, reason, &[])
}

fn asked_at() -> Timestamp {
    cst(2024, 11, 1, 9, 0)
}

#[test]
fn a_parcel_question_is_answered_by_an_agent_within_24_hours_and_closes_as_answered() {
    let mut run = Run::file(
        &on_its_way(),
        question(CaseKind::ParcelQuestion),
        asked_at(),
    )
    .expect("filed");
    let deadline = current_deadline(&run.case, &run.policy).expect("a deadline");
    assert_eq!(deadline.waiting_for, Party::Shop { role: Role::Agent });
    assert_eq!(deadline.due, asked_at().plus_ms(24 * MS_PER_HOUR));
    assert_eq!(deadline.on_expiry, ExpiryOutcome::Overdue);
    let offered = available_actions(&run.case, &agent(), &run.ctx());
    assert_eq!(
        offered,
        vec![
            ActionKind::Message,
            ActionKind::Answer,
            ActionKind::TakeToPlatform
        ]
    );
    run.ok(
        &agent(),
        Command::Answer {
            text: "It left Hangzhou this morning.".into(),
        },
    );
    assert!(matches!(
        run.case.state(),
        CaseState::Closed {
            outcome: Outcome::Answered,
            ..
        }
    ));
    // Rated like any closed case.
    assert!(
        available_actions(&run.case, &crate::domain::Actor::Buyer, &run.ctx())
            .contains(&ActionKind::Rate)
    );
}

#[test]
fn an_unanswered_question_shows_overdue_its_passing_is_recorded_once_and_nothing_runs() {
    for kind in [CaseKind::ParcelQuestion, CaseKind::Complaint] {
        let mut run = Run::file(&on_its_way(), question(kind), asked_at()).expect("filed");
        let due = current_deadline(&run.case, &run.policy)
            .expect("deadline")
            .due;
        assert_eq!(due_timeout(&run.case, &run.policy, due), None, "{kind:?}");
        let late = asked_at().plus_ms(25 * MS_PER_HOUR);
        run.at(late);
        // The clock's passing goes on the record (the buyer's timeline, the shop's webhook).
        assert_eq!(
            due_timeout(&run.case, &run.policy, late),
            Some(Command::Expire { due })
        );
        let from = run.case.events.len();
        let events = run.expire();
        // The owner is told of a complaint's passing (a parcel question is the agents' queue).
        let alert = crate::policy::notify::owner_alert(&run.case, from, &run.policy);
        if kind == CaseKind::Complaint {
            let alert = alert.expect("the owner's alert");
            assert_eq!(alert.key, format!("{}.owner_alert.{from}", run.case.id));
            assert_eq!(alert.link, format!("/admin/case/{}", run.case.id));
            assert!(
                alert.title.contains("服务投诉超时未答复"),
                "{}",
                alert.title
            );
            assert!(alert.body.contains("Apologise first"), "{}", alert.body);
        } else {
            assert_eq!(alert, None);
        }
        assert_eq!(
            events.iter().map(|e| &e.kind).collect::<Vec<_>>(),
            vec![&crate::domain::EventKind::DeadlineExpired {
                due,
                outcome: ExpiryOutcome::Overdue
            }],
            "{kind:?}"
        );
        // Once: nothing more is due, and an expiry sent anyway changes nothing.
        assert_eq!(
            due_timeout(&run.case, &run.policy, late.plus_hours(48)),
            None
        );
        assert_eq!(
            run.ok(&crate::domain::Actor::System, Command::Expire { due }),
            vec![]
        );
        // Nothing was granted: the case waits for the shop, overdue, with the same clock.
        assert!(matches!(run.case.state(), CaseState::AwaitingReview { .. }));
        assert_eq!(
            current_deadline(&run.case, &run.policy).map(|d| d.due),
            Some(due)
        );
        let p = priority(&run.case, &run.policy, late);
        assert!(p.reasons.contains(&PriorityReason::OverdueShopDeadline));
        // The late answer is the one deadline the shop missed (the record of its passing is not
        // a second one).
        let answerer = if kind == CaseKind::Complaint {
            owner()
        } else {
            agent()
        };
        run.ok(
            &answerer,
            Command::Answer {
                text: "Sorry for the wait.".into(),
            },
        );
        // Nothing more to tell once it is answered.
        assert_eq!(
            crate::policy::notify::owner_alert(&run.case, from + 1, &run.policy),
            None
        );
        let facts = crate::analytics::CaseFacts::of(&run.case, &run.policy);
        assert_eq!(
            (facts.deadlines_met, facts.deadlines_missed),
            (0, 1),
            "{kind:?}"
        );
    }
}

#[test]
fn a_complaint_goes_to_the_owner_within_12_hours_first_in_the_queue() {
    let mut run =
        Run::file(&on_its_way(), question(CaseKind::Complaint), asked_at()).expect("filed");
    let deadline = current_deadline(&run.case, &run.policy).expect("a deadline");
    assert_eq!(deadline.waiting_for, Party::Shop { role: Role::Owner });
    assert_eq!(deadline.due, asked_at().plus_ms(12 * MS_PER_HOUR));
    let p = priority(&run.case, &run.policy, asked_at());
    assert_eq!(p.class, PriorityClass::Dispute);
    assert!(p.reasons.contains(&PriorityReason::Complaint));
    let sorry = Command::Answer {
        text: "We are sorry.".into(),
    };
    assert_eq!(
        run.act(&agent(), sorry.clone()),
        Err(PolicyError::NotAllowedForActor {
            action: ActionKind::Answer
        })
    );
    run.ok(&owner(), sorry);
    assert!(run.case.state().is_closed());
}

#[test]
fn nothing_is_granted_on_a_question_and_a_request_is_never_merely_answered() {
    let mut run = Run::file(
        &on_its_way(),
        question(CaseKind::ParcelQuestion),
        asked_at(),
    )
    .expect("filed");
    for command in [
        Command::Approve {
            solution: Solution::Reship,
            note: String::new(),
        },
        Command::Reject {
            reason_code: crate::domain::RejectReason::Other,
            note: "no".into(),
        },
        Command::RequestInfo {
            question: "photo?".into(),
        },
    ] {
        assert!(matches!(
            run.act(&agent(), command),
            Err(PolicyError::NotAllowedInState { .. })
        ));
    }
    let mut o = on_its_way();
    o.signed_for_at = Some(cst(2024, 11, 1, 10, 0));
    let mut goods = Run::file(
        &o,
        request(CaseKind::ReturnAndRefund, Reason::SizeOrFit, &[("book", 1)]),
        cst(2024, 11, 2, 9, 0),
    )
    .expect("filed");
    assert!(matches!(
        goods.act(&agent(), Command::Answer { text: "ok".into() }),
        Err(PolicyError::NotAllowedInState { .. })
    ));
}

#[test]
fn a_question_names_no_line_fits_its_reason_and_holds_no_units() {
    let mut with_lines = question(CaseKind::ParcelQuestion);
    with_lines.lines = request(CaseKind::Reship, Reason::NotReceived, &[("book", 1)]).lines;
    assert_eq!(
        Run::file(&on_its_way(), with_lines, asked_at()).err(),
        Some(PolicyError::QuestionHasLines)
    );
    let mut wrong = question(CaseKind::Complaint);
    wrong.reason = Reason::QualityFault;
    assert!(matches!(
        Run::file(&on_its_way(), wrong, asked_at()).err(),
        Some(PolicyError::Ineligible {
            refusal: Refusal::ReasonDoesNotFitKind { .. },
            ..
        })
    ));
    let mut unshipped = on_its_way();
    unshipped.shipped_at = None;
    assert!(matches!(
        Run::file(&unshipped, question(CaseKind::ParcelQuestion), asked_at()).err(),
        Some(PolicyError::Ineligible {
            refusal: Refusal::NotShipped,
            ..
        })
    ));
    // An open question does not block the claim that the parcel never arrived, once stalled.
    let open = Run::file(
        &on_its_way(),
        question(CaseKind::ParcelQuestion),
        asked_at(),
    )
    .expect("filed");
    let stalled = cst(2024, 11, 6, 9, 0);
    Run::file_with(
        &on_its_way(),
        request(CaseKind::Reship, Reason::NotReceived, &[("book", 2)]),
        stalled,
        crate::policy::Policy::default(),
        vec![open.case],
        crate::policy::BuyerStanding::default(),
    )
    .expect("a stalled parcel is reshipped without proof");
}

#[test]
fn the_queue_ranks_a_complaint_before_a_fault_before_no_fault_before_a_parcel_question() {
    let mut signed = on_its_way();
    signed.signed_for_at = Some(cst(2024, 11, 1, 10, 0));
    let at = cst(2024, 11, 2, 9, 0);
    let complaint = Run::file(&signed, question(CaseKind::Complaint), at).expect("filed");
    let fault = Run::file(
        &signed,
        request(CaseKind::Exchange, Reason::QualityFault, &[("book", 1)]),
        at,
    )
    .expect("filed");
    let no_fault = Run::file(
        &signed,
        request(CaseKind::ReturnAndRefund, Reason::SizeOrFit, &[("book", 1)]),
        at,
    )
    .expect("filed");
    let parcel = Run::file(&on_its_way(), question(CaseKind::ParcelQuestion), at).expect("filed");
    // Filed in the opposite order of their rank, and the parcel question due first.
    let mut runs = [&parcel, &no_fault, &fault, &complaint];
    runs.sort_by_key(|r| priority(&r.case, &r.policy, at).sort_key());
    let kinds: Vec<CaseKind> = runs.iter().map(|r| r.case.request.kind).collect();
    assert_eq!(
        kinds,
        vec![
            CaseKind::Complaint,
            CaseKind::Exchange,
            CaseKind::ReturnAndRefund,
            CaseKind::ParcelQuestion
        ]
    );
}

fn bad_review() -> crate::domain::BadReview {
    crate::domain::BadReview {
        rating: 1,
        text: "发货慢，客服不回".into(),
        platform: "taobao".into(),
        external_ref: "R-1".into(),
        sku: Some("book".into()),
    }
}

fn review_run(at: Timestamp) -> Run {
    let mut signed = on_its_way();
    signed.signed_for_at = Some(cst(2024, 11, 1, 10, 0));
    let policy = crate::policy::Policy::default();
    let ctx = crate::policy::Context {
        policy: &policy,
        now: at,
        other_cases: &[],
        buyer: crate::policy::BuyerStanding::default(),
    };
    let case = crate::policy::open_review_recovery(
        "case-r".into(),
        &signed,
        bad_review(),
        &crate::domain::Actor::System,
        &ctx,
    )
    .expect("opened");
    Run {
        case,
        policy,
        others: Vec::new(),
        buyer: crate::policy::BuyerStanding::default(),
        now: at,
    }
}

#[test]
fn a_bad_review_opens_a_dispute_class_follow_up_that_ends_with_its_outcome() {
    use crate::domain::{Actor, ReviewOutcome};
    let at = cst(2024, 11, 3, 9, 0);
    let mut run = review_run(at);
    assert_eq!(
        run.case.events[0].actor,
        Actor::System,
        "opened by the shop"
    );
    let p = priority(&run.case, &run.policy, at);
    assert_eq!(p.class, PriorityClass::Dispute);
    assert!(p.reasons.contains(&PriorityReason::BadReview));
    let deadline = current_deadline(&run.case, &run.policy).expect("a deadline");
    assert_eq!(deadline.waiting_for, Party::Shop { role: Role::Agent });
    assert_eq!(deadline.due, at.plus_ms(24 * MS_PER_HOUR));
    assert_eq!(deadline.on_expiry, ExpiryOutcome::Overdue);
    // The buyer talks, but did not ask for it: nothing to withdraw.
    let buyer_can = available_actions(&run.case, &Actor::Buyer, &run.ctx());
    assert_eq!(buyer_can, vec![ActionKind::Message]);
    let agent_can = available_actions(&run.case, &agent(), &run.ctx());
    assert_eq!(
        agent_can,
        vec![
            ActionKind::Message,
            ActionKind::Goodwill,
            ActionKind::RecordReviewOutcome,
            ActionKind::TakeToPlatform
        ]
    );
    run.ok(
        &agent(),
        Command::Message {
            text: "非常抱歉，我们为您补发并退运费".into(),
        },
    );
    run.ok(
        &agent(),
        Command::RecordReviewOutcome {
            outcome: ReviewOutcome::Revised,
        },
    );
    assert!(matches!(
        run.case.state(),
        CaseState::Closed {
            outcome: Outcome::ReviewRevised,
            ..
        }
    ));
    let facts = crate::analytics::CaseFacts::of(&run.case, &run.policy);
    let review = facts.review.expect("a follow-up's facts");
    assert_eq!(review.outcome, Some(ReviewOutcome::Revised));
    assert_eq!(review.products.len(), 1, "the reviewed product only");
}

#[test]
fn a_buyer_cannot_file_a_review_follow_up() {
    let mut r = question(CaseKind::ParcelQuestion);
    r.kind = CaseKind::ReviewRecovery;
    r.reason = Reason::BadReview;
    r.review = Some(bad_review());
    assert!(matches!(
        Run::file(&on_its_way(), r, asked_at()).err(),
        Some(PolicyError::Ineligible {
            refusal: Refusal::OpenedByTheShop,
            ..
        })
    ));
}

fn goodwill(amount: i64) -> Command {
    Command::Goodwill {
        amount: crate::domain::Money(amount),
        note: "非常抱歉，一点心意".into(),
    }
}

fn too_much(amount: i64, max: i64) -> Result<Vec<crate::domain::Event>, PolicyError> {
    Err(PolicyError::InvalidAmount {
        amount: crate::domain::Money(amount),
        max: crate::domain::Money(max),
    })
}

#[test]
fn goodwill_on_a_follow_up_stays_within_the_cap_per_case_and_leaves_it_open() {
    use crate::domain::{EventKind, Money, RefundBreakdown};
    let at = cst(2024, 11, 3, 9, 0);
    let mut run = review_run(at);
    assert_eq!(
        run.policy.goodwill_cap,
        Money(5_000),
        "DOMAIN default: 50.00"
    );
    assert_eq!(run.act(&agent(), goodwill(5_001)), too_much(5_001, 5_000));
    assert_eq!(run.act(&agent(), goodwill(0)), too_much(0, 5_000));
    let events = run.ok(&agent(), goodwill(3_000));
    let kinds: Vec<_> = events.into_iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        vec![
            EventKind::MessagePosted {
                text: "非常抱歉，一点心意".into()
            },
            EventKind::Refunded {
                breakdown: RefundBreakdown::goodwill(Money(3_000))
            },
        ]
    );
    assert_eq!(run.case.refunded_total(), Money(3_000));
    assert!(
        !run.case.state().is_closed(),
        "the review's outcome is still to come"
    );
    // What is left of the cap, no more: twice is fine, over the cap in total is not.
    assert_eq!(run.act(&agent(), goodwill(2_001)), too_much(2_001, 2_000));
    run.ok(&agent(), goodwill(2_000));
    assert_eq!(run.act(&owner(), goodwill(1)), too_much(1, 0));
}

#[test]
fn goodwill_never_pays_back_more_than_the_order_nor_an_agent_past_their_limit() {
    use crate::domain::Money;
    let mut run = review_run(cst(2024, 11, 3, 9, 0));
    run.policy.goodwill_cap = Money(10_000_000);
    run.policy.approval_limits.agent = Some(Money(1_000));
    assert_eq!(run.act(&agent(), goodwill(1_001)), too_much(1_001, 1_000));
    let paid = run.case.order.total_paid().0;
    assert_eq!(
        run.act(&owner(), goodwill(paid + 1)),
        too_much(paid + 1, paid)
    );
    run.ok(&owner(), goodwill(paid));
    assert_eq!(run.case.refunded_total().0, paid);
}

#[test]
fn goodwill_is_for_a_review_or_a_complaint_never_for_goods_or_a_parcel_question() {
    use super::actions::kind_allows;
    for kind in CaseKind::ALL {
        assert!(!kind_allows(kind, ActionKind::Goodwill), "{kind:?}");
    }
    assert!(kind_allows(CaseKind::ReviewRecovery, ActionKind::Goodwill));
    assert!(!kind_allows(CaseKind::ParcelQuestion, ActionKind::Goodwill));
    let mut run =
        Run::file(&on_its_way(), question(CaseKind::Complaint), asked_at()).expect("filed");
    assert!(available_actions(&run.case, &agent(), &run.ctx()).contains(&ActionKind::Goodwill));
    run.ok(&agent(), goodwill(800));
    let mut asked = Run::file(
        &on_its_way(),
        question(CaseKind::ParcelQuestion),
        asked_at(),
    )
    .expect("filed");
    assert!(matches!(
        asked.act(&agent(), goodwill(800)),
        Err(PolicyError::NotAllowedInState { .. })
    ));
    assert!(matches!(
        asked.act(&crate::domain::Actor::Buyer, goodwill(800)),
        Err(PolicyError::NotAllowedForActor { .. })
    ));
}
