//! Whose move it is and by when (DOMAIN.md "Time limits", 时效). Every open step has one
//! deadline; when it passes, the case resolves itself, and every shop deadline resolves in the
//! buyer's favour. Clocks pause while a case is escalated; day-based buyer clocks also skip the
//! shop's declared holidays.

use serde::{Deserialize, Serialize};

use crate::domain::{
    Case, CaseKind, CaseState, Clock, Command, ExpiryOutcome, Party, Role, Timestamp,
};

use super::settings::Policy;
use super::time::{window_end, window_end_skipping};

/// The current deadline of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

/// A plain duration of `hours` from the clock's start, shifted by its pauses.
const fn hours(clock: Clock, hours: i64) -> Timestamp {
    clock.since.plus_hours(hours).plus_ms(clock.paused_ms)
}

/// A shop clock of `days` calendar days.
const fn shop_days(clock: Clock, days: i64, policy: &Policy) -> Timestamp {
    window_end(clock.since, days, policy.utc_offset_minutes).plus_ms(clock.paused_ms)
}

/// A buyer clock of `days` calendar days, holidays skipped.
fn buyer_days(clock: Clock, days: i64, policy: &Policy) -> Timestamp {
    window_end_skipping(clock.since, days, policy.utc_offset_minutes, &policy.holiday_days())
        .plus_ms(clock.paused_ms)
}

fn deadline_of(case: &Case, state: &CaseState, policy: &Policy) -> Option<Deadline> {
    let d = &policy.deadlines;
    let open = |waiting_for, due, on_expiry| {
        Some(Deadline { waiting_for, due, on_expiry, paused: false })
    };
    match state {
        CaseState::AwaitingReview { clock } => {
            if case.request.kind == CaseKind::RefundOnly && case.order.shipped_at.is_none() {
                open(
                    shop(Role::Agent),
                    hours(*clock, d.shop_answer_unshipped_refund_hours),
                    ExpiryOutcome::AutoRefund,
                )
            } else {
                open(shop(Role::Agent), hours(*clock, d.shop_answer_hours), ExpiryOutcome::AutoApprove)
            }
        }
        CaseState::InfoRequested { clock, .. } => open(
            Party::Buyer,
            buyer_days(*clock, d.buyer_info_days, policy),
            ExpiryOutcome::CloseInfoTimeout,
        ),
        CaseState::Rejected { clock, .. } => open(
            Party::Buyer,
            buyer_days(*clock, d.buyer_after_reject_days, policy),
            ExpiryOutcome::CloseRejected,
        ),
        CaseState::AwaitingReturn { clock, .. } => open(
            Party::Buyer,
            buyer_days(*clock, d.buyer_ship_return_days, policy),
            ExpiryOutcome::CloseAbandoned,
        ),
        CaseState::ReturnInTransit { clock, arrived_at, .. } => {
            let latest = shop_days(*clock, d.shop_confirm_return_max_days, policy);
            let due = arrived_at.map_or(latest, |arrived| {
                arrived
                    .plus_hours(d.shop_confirm_return_hours_after_signed)
                    .plus_ms(clock.paused_ms)
                    .min(latest)
            });
            open(shop(Role::Warehouse), due, ExpiryOutcome::ReleaseReturn)
        }
        CaseState::AwaitingDecision { clock, .. } => open(
            shop(Role::Agent),
            hours(*clock, d.shop_decide_after_inspection_hours),
            ExpiryOutcome::ProceedAfterInspection,
        ),
        CaseState::AwaitingShipment { clock, .. } => open(
            shop(Role::Warehouse),
            hours(*clock, d.warehouse_ship_hours),
            ExpiryOutcome::EscalateToOwner,
        ),
        CaseState::Shipped { clock, .. } => open(
            Party::Buyer,
            buyer_days(*clock, d.buyer_confirm_delivery_days, policy),
            ExpiryOutcome::AutoConfirmReceipt,
        ),
        // The paused clock of the step the case was escalated from; the owner must act, with
        // no deadline of their own.
        CaseState::Escalated { previous, .. } => deadline_of(case, previous, policy)
            .map(|deadline| Deadline { paused: true, ..deadline }),
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
/// again; running it twice is a no-op.
#[must_use]
pub fn due_timeout(case: &Case, policy: &Policy, now: Timestamp) -> Option<Command> {
    current_deadline(case, policy)
        .filter(|d| !d.paused && now > d.due)
        .map(|d| Command::Expire { due: d.due })
}
