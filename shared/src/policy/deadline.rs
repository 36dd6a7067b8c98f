//! Whose move it is and by when (DOMAIN.md "Time limits", 时效). Every open step has one
//! deadline; when it passes, the case resolves itself, and every shop deadline resolves in the
//! buyer's favour. Clocks pause while a case is escalated and on the shop's declared holidays
//! (both parties' clocks: the shop is closed, and so are the couriers the buyer depends on).

use serde::{Deserialize, Serialize};

use crate::domain::{
    Case, CaseKind, CaseState, Clock, Command, EventKind, ExpiryOutcome, MS_PER_HOUR, Party, Role,
    Timestamp,
};

use super::settings::Policy;
use super::time::{after_skipping, window_end_skipping};

/// The current deadline of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Deadline {
    /// Who must act.
    pub waiting_for: Party,
    /// The last instant they may act in time.
    pub due: Timestamp,
    /// What happens if they don't.
    pub on_expiry: ExpiryOutcome,
    /// The case is escalated: the clock is stopped, and `due` will move by the time spent
    /// escalated.
    pub paused: bool,
}

const fn shop(role: Role) -> Party {
    Party::Shop { role }
}

/// A clock of `hours` from its start, shifted by its pauses, holidays skipped. The pauses are
/// added before the holidays are skipped, so a deadline never lands inside a holiday (a pause
/// that spanned a holiday counts it twice: in the buyer's and the shop's favour alike).
fn hours(clock: Clock, hours: i64, policy: &Policy) -> Timestamp {
    after_skipping(
        clock.since,
        hours
            .saturating_mul(MS_PER_HOUR)
            .saturating_add(clock.paused_ms),
        policy.utc_offset_minutes,
        &policy.holiday_days(),
    )
}

/// A clock of `days` calendar days, holidays skipped, then shifted by its pauses (also around
/// holidays).
fn days(clock: Clock, days: i64, policy: &Policy) -> Timestamp {
    let holidays = policy.holiday_days();
    let end = window_end_skipping(clock.since, days, policy.utc_offset_minutes, &holidays);
    after_skipping(end, clock.paused_ms, policy.utc_offset_minutes, &holidays)
}

fn deadline_of(case: &Case, state: &CaseState, policy: &Policy) -> Option<Deadline> {
    let d = &policy.deadlines;
    let open = |waiting_for, due, on_expiry| {
        Some(Deadline {
            waiting_for,
            due,
            on_expiry,
            paused: false,
        })
    };
    match state {
        CaseState::AwaitingReview { clock } if case.request.kind == CaseKind::ParcelQuestion => {
            open(
                shop(Role::Agent),
                hours(*clock, d.shop_answer_parcel_question_hours, policy),
                ExpiryOutcome::Overdue,
            )
        }
        // A complaint is about the service the staff gave: the owner answers it.
        CaseState::AwaitingReview { clock } if case.request.kind == CaseKind::Complaint => open(
            shop(Role::Owner),
            hours(*clock, d.shop_answer_complaint_hours, policy),
            ExpiryOutcome::Overdue,
        ),
        CaseState::AwaitingReview { clock } if case.request.kind == CaseKind::ReviewRecovery => {
            open(
                shop(Role::Agent),
                hours(*clock, d.shop_contact_reviewer_hours, policy),
                ExpiryOutcome::Overdue,
            )
        }
        CaseState::AwaitingReview { clock } => {
            if case.request.kind == CaseKind::RefundOnly && case.order.shipped_at.is_none() {
                open(
                    shop(Role::Agent),
                    hours(*clock, d.shop_answer_unshipped_refund_hours, policy),
                    ExpiryOutcome::AutoRefund,
                )
            } else {
                open(
                    shop(Role::Agent),
                    hours(*clock, d.shop_answer_hours, policy),
                    ExpiryOutcome::AutoApprove,
                )
            }
        }
        CaseState::InfoRequested { clock, .. } => open(
            Party::Buyer,
            days(*clock, d.buyer_info_days, policy),
            ExpiryOutcome::CloseInfoTimeout,
        ),
        CaseState::Rejected { clock, .. } => open(
            Party::Buyer,
            days(*clock, d.buyer_after_reject_days, policy),
            ExpiryOutcome::CloseRejected,
        ),
        CaseState::AwaitingReturn { clock, .. } => open(
            Party::Buyer,
            days(*clock, d.buyer_ship_return_days, policy),
            ExpiryOutcome::CloseAbandoned,
        ),
        CaseState::ReturnInTransit {
            clock,
            arrived_at,
            paused_before_arrival_ms,
            ..
        } => {
            let latest = days(*clock, d.shop_confirm_return_max_days, policy);
            let due = arrived_at.map_or(latest, |arrived| {
                let since_arrival = Clock {
                    since: arrived,
                    paused_ms: clock
                        .paused_ms
                        .saturating_sub(*paused_before_arrival_ms)
                        .max(0),
                };
                hours(
                    since_arrival,
                    d.shop_confirm_return_hours_after_signed,
                    policy,
                )
                .min(latest)
            });
            open(shop(Role::Warehouse), due, ExpiryOutcome::ReleaseReturn)
        }
        CaseState::AwaitingDecision { clock, .. } => open(
            shop(Role::Agent),
            hours(*clock, d.shop_decide_after_inspection_hours, policy),
            ExpiryOutcome::ProceedAfterInspection,
        ),
        CaseState::AwaitingShipment { clock, .. } => open(
            shop(Role::Warehouse),
            hours(*clock, d.warehouse_ship_hours, policy),
            ExpiryOutcome::EscalateToOwner,
        ),
        CaseState::Shipped { clock, .. } => open(
            Party::Buyer,
            days(*clock, d.buyer_confirm_delivery_days, policy),
            ExpiryOutcome::AutoConfirmReceipt,
        ),
        CaseState::OfferPending { clock, .. } => open(
            Party::Buyer,
            hours(*clock, d.buyer_answer_offer_hours, policy),
            ExpiryOutcome::DeclineOffer,
        ),
        // The shop's own clock keeps running while the owner signs off: the buyer is never kept
        // waiting longer because the shop asked itself for permission. It is the owner's move,
        // and the step's own outcome runs if they are silent.
        CaseState::AwaitingOwnerApproval { previous, .. } => deadline_of(case, previous, policy)
            .map(|deadline| Deadline {
                waiting_for: shop(Role::Owner),
                ..deadline
            }),
        // The paused clock of the step the case was escalated from; the owner must act, with
        // no deadline of their own.
        CaseState::Escalated { previous, .. } => {
            deadline_of(case, previous, policy).map(|deadline| Deadline {
                paused: true,
                ..deadline
            })
        }
        CaseState::Closed { .. } => None,
    }
}

/// The deadline of the case's current step, if it has one.
#[must_use]
pub fn current_deadline(case: &Case, policy: &Policy) -> Option<Deadline> {
    deadline_of(case, &case.state(), policy)
}

/// The expiry to run (as [`crate::domain::Actor::System`]) if the current deadline has passed
/// at `now`. Once it is applied the case is at another step, so the same command is not due
/// again; running it twice is a no-op. A deadline whose passing only makes the case overdue
/// has nothing to run.
#[must_use]
pub fn due_timeout(case: &Case, policy: &Policy, now: Timestamp) -> Option<Command> {
    current_deadline(case, policy)
        .filter(|d| !d.paused && now > d.due && !expiry_on_record(case, d))
        .map(|d| Command::Expire { due: d.due })
}

/// Whether what `deadline` does when it passes is already on the case's record, so nothing is
/// left to run: an unanswered question's clock, whose passing is recorded once. (Any other
/// expiry moves the case on, to a deadline of its own.)
#[must_use]
pub fn expiry_on_record(case: &Case, deadline: &Deadline) -> bool {
    deadline.on_expiry == ExpiryOutcome::Overdue && overdue_on_record(case, deadline.due)
}

/// Whether the passing of the unanswered question's clock `due` is already on the case's record:
/// an overdue clock runs nothing, and its passing is recorded once.
#[must_use]
pub fn overdue_on_record(case: &Case, due: Timestamp) -> bool {
    case.events.iter().any(|e| {
        matches!(e.kind, EventKind::DeadlineExpired { due: at, outcome: ExpiryOutcome::Overdue }
            if at == due)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        Actor, CaseRequest, EventKind, Inspection, Money, Outcome, Reason, RejectReason,
        Resolution, Solution, StateName,
    };
    use crate::i18n::Localized;
    use crate::policy::fixtures::{
        Run, agent, cst, day_after_signed, line, order, owner, request, warehouse,
    };
    use crate::policy::time::end_of_local_day;
    use crate::policy::time::local_day;
    use crate::policy::{Context, decide};

    const FILED_DAY: u32 = 2;

    fn filed() -> Timestamp {
        day_after_signed(FILED_DAY, 10, 0)
    }

    fn exchange() -> CaseRequest {
        request(CaseKind::Exchange, Reason::QualityFault, &[("phone", 1)])
    }

    fn new_run() -> Run {
        Run::file(
            &order(vec![line("phone", "electronics", 99_900, 1)]),
            exchange(),
            filed(),
        )
        .expect("filed")
    }

    fn end_of_day_after(at: Timestamp, days: i64) -> Timestamp {
        end_of_local_day(local_day(at, 480) + days, 480)
    }

    fn tracking() -> Command {
        Command::EnterReturnTracking {
            carrier: "SF".into(),
            tracking: "1".into(),
            postage: None,
        }
    }

    fn inspection(passed: bool) -> Command {
        Command::Receive {
            inspection: Inspection {
                passed,
                note: String::new(),
                deduction: Money::ZERO,
            },
        }
    }

    /// Drive a fresh case to a step; each step happens one hour after the previous one.
    fn at_step(steps: &[(Actor, Command)]) -> Run {
        let mut run = new_run();
        for (i, (actor, command)) in steps.iter().enumerate() {
            run.at(filed().plus_hours(i as i64 + 1))
                .ok(actor, command.clone());
        }
        run
    }

    fn approve() -> (Actor, Command) {
        (
            agent(),
            Command::Approve {
                solution: Solution::Exchange,
                note: String::new(),
            },
        )
    }

    #[test]
    fn every_deadline_names_who_must_act_by_when_and_what_happens_and_then_happens() {
        let one_hour = |n: i64| filed().plus_hours(n);
        let shop = |role| Party::Shop { role };
        let ship = (
            crate::policy::fixtures::warehouse(),
            Command::Ship {
                carrier: "SF".into(),
                tracking: "2".into(),
            },
        );
        type Row = (
            Vec<(Actor, Command)>,
            Party,
            Timestamp,
            ExpiryOutcome,
            StateName,
        );
        let table: Vec<Row> = vec![
            (
                vec![],
                shop(Role::Agent),
                filed().plus_hours(36),
                ExpiryOutcome::AutoApprove,
                StateName::AwaitingReturn,
            ),
            (
                vec![(
                    agent(),
                    Command::RequestInfo {
                        question: "?".into(),
                    },
                )],
                Party::Buyer,
                end_of_day_after(one_hour(1), 3),
                ExpiryOutcome::CloseInfoTimeout,
                StateName::Closed,
            ),
            (
                vec![(
                    agent(),
                    Command::Reject {
                        reason_code: RejectReason::NoFaultFound,
                        note: String::new(),
                    },
                )],
                Party::Buyer,
                end_of_day_after(one_hour(1), 5),
                ExpiryOutcome::CloseRejected,
                StateName::Closed,
            ),
            (
                vec![approve()],
                Party::Buyer,
                end_of_day_after(one_hour(1), 7),
                ExpiryOutcome::CloseAbandoned,
                StateName::Closed,
            ),
            (
                vec![(
                    agent(),
                    Command::Offer {
                        offer: crate::domain::Offer::Repair,
                        note: String::new(),
                    },
                )],
                Party::Buyer,
                one_hour(1).plus_hours(48),
                ExpiryOutcome::DeclineOffer,
                StateName::AwaitingReview,
            ),
            (
                vec![approve(), (Actor::Buyer, tracking())],
                shop(Role::Warehouse),
                end_of_day_after(one_hour(2), 10),
                ExpiryOutcome::ReleaseReturn,
                StateName::AwaitingShipment,
            ),
            (
                vec![
                    approve(),
                    (Actor::Buyer, tracking()),
                    (Actor::System, Command::ReturnArrived),
                ],
                shop(Role::Warehouse),
                one_hour(3).plus_hours(72),
                ExpiryOutcome::ReleaseReturn,
                StateName::AwaitingShipment,
            ),
            (
                vec![
                    approve(),
                    (Actor::Buyer, tracking()),
                    (warehouse(), inspection(false)),
                ],
                shop(Role::Agent),
                one_hour(3).plus_hours(36),
                ExpiryOutcome::ProceedAfterInspection,
                StateName::AwaitingShipment,
            ),
            (
                vec![
                    approve(),
                    (Actor::Buyer, tracking()),
                    (warehouse(), inspection(true)),
                ],
                shop(Role::Warehouse),
                one_hour(3).plus_hours(48),
                ExpiryOutcome::EscalateToOwner,
                StateName::Escalated,
            ),
            (
                vec![
                    approve(),
                    (Actor::Buyer, tracking()),
                    (warehouse(), inspection(true)),
                    ship,
                ],
                Party::Buyer,
                end_of_day_after(one_hour(4), 10),
                ExpiryOutcome::AutoConfirmReceipt,
                StateName::Closed,
            ),
        ];
        for (steps, who, due, outcome, after) in table {
            let mut run = at_step(&steps);
            let before = run.state_name();
            let deadline = current_deadline(&run.case, &run.policy).expect("a deadline");
            assert_eq!(
                (
                    deadline.waiting_for,
                    deadline.due,
                    deadline.on_expiry,
                    deadline.paused
                ),
                (who, due, outcome, false),
                "{before:?}"
            );
            // Not a millisecond early.
            assert_eq!(due_timeout(&run.case, &run.policy, due), None, "{before:?}");
            run.at(due.plus_ms(1));
            let events = run.expire();
            assert_eq!(
                events[0].kind,
                EventKind::DeadlineExpired { due, outcome },
                "{before:?}"
            );
            assert!(events.iter().all(|e| e.actor == Actor::System));
            assert_eq!(run.state_name(), after, "{before:?}");
            // Every automatic action explains itself.
            assert!(!outcome.message(crate::i18n::Lang::ZhCn).is_empty());
            // Running the same expiry again changes nothing.
            let again = decide(
                &run.case,
                &Command::Expire { due },
                &Actor::System,
                &run.ctx(),
            );
            assert_eq!(again, Ok(Vec::new()), "{before:?}");
        }
    }

    #[test]
    fn a_shop_silent_on_a_returned_parcel_releases_the_refund() {
        let o = order(vec![line("shirt", "clothing", 9_900, 1)]);
        let mut run = Run::file(
            &o,
            request(
                CaseKind::ReturnAndRefund,
                Reason::SizeOrFit,
                &[("shirt", 1)],
            ),
            filed(),
        )
        .expect("filed");
        run.ok(
            &agent(),
            Command::Approve {
                solution: Solution::ReturnAndRefund,
                note: String::new(),
            },
        );
        run.at(filed().plus_hours(5)).ok(&Actor::Buyer, tracking());
        run.at(filed().plus_days(30));
        let events = run.expire();
        let kinds: Vec<&EventKind> = events.iter().map(|e| &e.kind).collect();
        assert!(matches!(
            kinds[..],
            [
                EventKind::DeadlineExpired { .. },
                EventKind::ReturnDeemedReceived,
                EventKind::Refunded { .. },
                EventKind::Closed {
                    outcome: Outcome::Refunded
                }
            ]
        ));
    }

    #[test]
    fn a_premature_expiry_is_refused_and_a_stale_one_is_a_no_op() {
        let run = new_run();
        let due = filed().plus_hours(36);
        let early = Context {
            now: due,
            ..run.ctx()
        };
        assert_eq!(
            decide(&run.case, &Command::Expire { due }, &Actor::System, &early),
            Err(crate::policy::PolicyError::NotDue { due })
        );
        let late = Context {
            now: due.plus_days(1),
            ..run.ctx()
        };
        assert_eq!(
            decide(
                &run.case,
                &Command::Expire { due: Timestamp(5) },
                &Actor::System,
                &late
            ),
            Ok(Vec::new())
        );
    }

    #[test]
    fn the_clock_pauses_while_escalated_and_resumes_where_it_stopped() {
        let mut run = new_run();
        run.at(filed().plus_hours(10)).ok(
            &agent(),
            Command::Escalate {
                note: "beyond me".into(),
            },
        );
        let paused = current_deadline(&run.case, &run.policy).expect("deadline");
        assert!(paused.paused);
        // Nothing expires while escalated, however long it takes.
        assert_eq!(
            due_timeout(&run.case, &run.policy, filed().plus_days(30)),
            None
        );
        run.at(filed().plus_hours(60)).ok(
            &owner(),
            Command::ResolveEscalation {
                resolution: Resolution::Resume,
                note: String::new(),
            },
        );
        let resumed = current_deadline(&run.case, &run.policy).expect("deadline");
        assert_eq!(
            (resumed.due, resumed.paused),
            (filed().plus_hours(36 + 50), false)
        );
    }

    #[test]
    fn a_buyer_clock_pauses_while_escalated_too() {
        let mut run = at_step(&[approve()]);
        let before = current_deadline(&run.case, &run.policy)
            .expect("deadline")
            .due;
        run.at(filed().plus_days(1)).ok(
            &agent(),
            Command::Escalate {
                note: String::new(),
            },
        );
        run.at(filed().plus_days(3)).ok(
            &owner(),
            Command::ResolveEscalation {
                resolution: Resolution::Resume,
                note: String::new(),
            },
        );
        let after = current_deadline(&run.case, &run.policy)
            .expect("deadline")
            .due;
        assert_eq!(after, before.plus_days(2));
    }

    fn escalate() -> Command {
        Command::Escalate {
            note: String::new(),
        }
    }

    fn resume() -> Command {
        Command::ResolveEscalation {
            resolution: Resolution::Resume,
            note: String::new(),
        }
    }

    #[test]
    fn a_parcel_that_arrives_while_escalated_is_recorded_and_its_72_hours_start_at_resumption() {
        let mut run = at_step(&[approve(), (Actor::Buyer, tracking())]);
        run.at(filed().plus_days(1)).ok(&agent(), escalate());
        run.at(filed().plus_days(2))
            .ok(&Actor::System, Command::ReturnArrived);
        assert_eq!(run.state_name(), StateName::Escalated);
        // The warehouse inspects once the supervisor is done, not before.
        assert!(
            run.at(filed().plus_days(2))
                .act(&warehouse(), inspection(true))
                .is_err()
        );
        let resumed_at = filed().plus_days(3);
        run.at(resumed_at).ok(&owner(), resume());
        let d = current_deadline(&run.case, &run.policy).expect("deadline");
        assert_eq!(d.due, resumed_at.plus_hours(72));
        assert_eq!(d.on_expiry, ExpiryOutcome::ReleaseReturn);
    }

    #[test]
    fn an_escalation_before_the_parcel_arrived_does_not_lengthen_its_72_hours() {
        let mut run = at_step(&[approve(), (Actor::Buyer, tracking())]);
        run.at(filed().plus_days(1)).ok(&agent(), escalate());
        run.at(filed().plus_days(3)).ok(&owner(), resume());
        let arrived = filed().plus_days(4);
        run.at(arrived).ok(&Actor::System, Command::ReturnArrived);
        let d = current_deadline(&run.case, &run.policy).expect("deadline");
        assert_eq!(d.due, arrived.plus_hours(72));
        // An escalation after the arrival does lengthen it.
        run.at(arrived.plus_hours(10)).ok(&agent(), escalate());
        run.at(arrived.plus_hours(30)).ok(&owner(), resume());
        let d = current_deadline(&run.case, &run.policy).expect("deadline");
        assert_eq!(d.due, arrived.plus_hours(72 + 20));
    }

    #[test]
    fn a_timeout_escalation_resumes_with_a_fresh_clock() {
        let mut run = at_step(&[
            approve(),
            (Actor::Buyer, tracking()),
            (warehouse(), inspection(true)),
        ]);
        run.at(filed().plus_days(5));
        run.expire();
        assert_eq!(run.state_name(), StateName::Escalated);
        let resumed_at = filed().plus_days(6);
        run.at(resumed_at).ok(
            &owner(),
            Command::ResolveEscalation {
                resolution: Resolution::Resume,
                note: "ship today".into(),
            },
        );
        let d = current_deadline(&run.case, &run.policy).expect("deadline");
        assert_eq!(
            (d.due, d.waiting_for),
            (
                resumed_at.plus_hours(48),
                Party::Shop {
                    role: Role::Warehouse
                }
            )
        );
    }

    /// 3 to 5 Nov 2024 are holidays.
    fn three_days_off() -> Policy {
        Policy {
            holidays: vec![
                "2024-11-03".into(),
                "2024-11-04".into(),
                "2024-11-05".into(),
            ],
            ..Policy::default()
        }
    }

    #[test]
    fn holidays_extend_both_parties_clocks() {
        let policy = three_days_off();
        let file_at = |at| {
            Run::file_with(
                &order(vec![line("phone", "electronics", 99_900, 1)]),
                exchange(),
                at,
                policy.clone(),
                Vec::new(),
                Default::default(),
            )
            .expect("filed")
        };
        let due = |run: &Run| current_deadline(&run.case, &run.policy).map(|d| d.due);
        // The shop's 36 hours: 15 on 2 Nov, then 21 after the holidays.
        let mut run = file_at(cst(2024, 11, 2, 9, 0));
        assert_eq!(due(&run), Some(cst(2024, 11, 6, 21, 0)));
        // Filed on a holiday: the clock starts when the holidays end.
        assert_eq!(
            due(&file_at(cst(2024, 11, 4, 12, 0))),
            Some(cst(2024, 11, 7, 12, 0))
        );
        // Filed the day before with time to spare: the holidays are never reached.
        assert_eq!(
            due(&file_at(cst(2024, 10, 31, 9, 0))),
            Some(cst(2024, 11, 1, 21, 0))
        );
        run.at(cst(2024, 11, 2, 10, 0)).ok(
            &agent(),
            Command::RequestInfo {
                question: "?".into(),
            },
        );
        // The buyer's three days after 2 Nov, skipping 3–5 Nov: 6, 7, 8 Nov.
        assert_eq!(due(&run), Some(cst(2024, 11, 9, 0, 0).plus_ms(-1)));
    }

    #[test]
    fn a_deadline_moved_by_an_escalation_never_lands_on_a_holiday() {
        let policy = three_days_off();
        let mut run = Run::file_with(
            &order(vec![line("phone", "electronics", 99_900, 1)]),
            exchange(),
            cst(2024, 11, 1, 9, 0),
            policy,
            Vec::new(),
            Default::default(),
        )
        .expect("filed");
        run.at(cst(2024, 11, 1, 10, 0)).ok(&agent(), escalate());
        run.at(cst(2024, 11, 2, 10, 0)).ok(&owner(), resume());
        // 36 hours plus the day escalated: 39 hours before the holidays, 21 after.
        assert_eq!(
            current_deadline(&run.case, &run.policy).map(|d| d.due),
            Some(cst(2024, 11, 6, 21, 0))
        );
    }

    #[test]
    fn an_unshipped_refund_waits_24_hours_and_anything_else_36() {
        let mut o = order(vec![line("mug", "home", 3_900, 1)]);
        o.shipped_at = None;
        o.signed_for_at = None;
        let run = Run::file(
            &o,
            request(CaseKind::RefundOnly, Reason::ChangedMind, &[("mug", 1)]),
            filed(),
        )
        .expect("filed");
        let d = current_deadline(&run.case, &run.policy).expect("deadline");
        assert_eq!(
            (d.due, d.on_expiry),
            (filed().plus_hours(24), ExpiryOutcome::AutoRefund)
        );
        let closed = {
            let mut r = run.clone();
            r.ok(&Actor::Buyer, Command::Cancel);
            r
        };
        assert_eq!(current_deadline(&closed.case, &closed.policy), None);
    }
}
