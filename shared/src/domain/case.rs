//! The case: one order, one kind of request, and the history that decides its state.

use serde::{Deserialize, Serialize};

use super::actor::Actor;
use super::command::{Inspection, Offer, Proposal, RejectReason, Resolution, Solution};
use super::event::{Event, EventKind, ShipmentKind};
use super::order::Order;
use super::values::{Money, Timestamp};

/// The five kinds of request about the goods (DOMAIN.md "The five kinds of request"), and the
/// desk's questions that are cases of their own (DOMAIN.md "Priority of the queue"): a parcel
/// long on its way (物流问题) and a complaint about the service (投诉). A question is answered,
/// not approved: nothing is refunded, returned or shipped on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// 仅退款: money back, nothing comes back.
    RefundOnly,
    /// 退货退款: the goods come back, then the money.
    ReturnAndRefund,
    /// 换货: the goods come back, then a new unit goes out.
    Exchange,
    /// 维修: the goods go to repair and come back.
    Repair,
    /// 补发: the missing goods are shipped again.
    Reship,
    /// 物流问题: where is my parcel? The shop answers from the courier's record.
    ParcelQuestion,
    /// 投诉: a complaint about the service, not the goods; the owner answers it.
    Complaint,
    /// 差评挽回: the shop follows up a bad review (opened by the shop, never by the buyer).
    ReviewRecovery,
}

impl CaseKind {
    /// The five kinds of request about the goods, in a stable order.
    pub const ALL: [Self; 5] = [
        Self::RefundOnly,
        Self::ReturnAndRefund,
        Self::Exchange,
        Self::Repair,
        Self::Reship,
    ];

    /// The desk's questions: cases the shop answers rather than decides.
    pub const QUESTIONS: [Self; 2] = [Self::ParcelQuestion, Self::Complaint];

    /// Every kind: the requests, the questions, the shop's review follow-up.
    pub const EVERY: [Self; 8] = [
        Self::RefundOnly,
        Self::ReturnAndRefund,
        Self::Exchange,
        Self::Repair,
        Self::Reship,
        Self::ParcelQuestion,
        Self::Complaint,
        Self::ReviewRecovery,
    ];

    /// True for the five requests about the goods: the only kinds that name lines, claim units
    /// and are decided (approved, rejected, offered).
    #[must_use]
    pub const fn about_goods(self) -> bool {
        matches!(
            self,
            Self::RefundOnly | Self::ReturnAndRefund | Self::Exchange | Self::Repair | Self::Reship
        )
    }

    /// True for a question the shop answers (no solution is granted on it).
    #[must_use]
    pub const fn is_question(self) -> bool {
        matches!(self, Self::ParcelQuestion | Self::Complaint)
    }

    /// The one reason a case not about the goods has: its kind says it all.
    #[must_use]
    pub const fn question_reason(self) -> Option<Reason> {
        match self {
            Self::ParcelQuestion => Some(Reason::NotReceived),
            Self::Complaint => Some(Reason::Service),
            Self::ReviewRecovery => Some(Reason::BadReview),
            Self::RefundOnly
            | Self::ReturnAndRefund
            | Self::Exchange
            | Self::Repair
            | Self::Reship => None,
        }
    }

    /// True if the buyer sends the goods back.
    #[must_use]
    pub const fn needs_return(self) -> bool {
        matches!(self, Self::ReturnAndRefund | Self::Exchange | Self::Repair)
    }

    /// True if the outcome is money back.
    #[must_use]
    pub const fn refunds(self) -> bool {
        matches!(self, Self::RefundOnly | Self::ReturnAndRefund)
    }

    /// Stable snake_case name.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::RefundOnly => "refund_only",
            Self::ReturnAndRefund => "return_and_refund",
            Self::Exchange => "exchange",
            Self::Repair => "repair",
            Self::Reship => "reship",
            Self::ParcelQuestion => "parcel_question",
            Self::Complaint => "complaint",
            Self::ReviewRecovery => "review_recovery",
        }
    }
}

/// Why the buyer asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// 七天无理由: no fault, the buyer changed their mind.
    ChangedMind,
    /// The size or fit is wrong (no fault of the shop).
    SizeOrFit,
    /// 与描述不符.
    NotAsDescribed,
    /// A performance fault (质量问题, 三包).
    QualityFault,
    /// Damaged in transit.
    DamagedInTransit,
    /// The wrong item was sent.
    WrongItem,
    /// Parts or gifts are missing.
    MissingParts,
    /// The parcel never arrived.
    NotReceived,
    /// The service itself, not the goods (a complaint).
    Service,
    /// A bad review the shop follows up.
    BadReview,
}

impl Reason {
    /// Every reason of a request about the goods, in a stable order (a complaint's
    /// [`Reason::Service`] is not among them: see [`Reason::EVERY`]).
    pub const ALL: [Self; 8] = [
        Self::ChangedMind,
        Self::SizeOrFit,
        Self::NotAsDescribed,
        Self::QualityFault,
        Self::DamagedInTransit,
        Self::WrongItem,
        Self::MissingParts,
        Self::NotReceived,
    ];

    /// Every reason, the goods' then the service's.
    pub const EVERY: [Self; 10] = [
        Self::ChangedMind,
        Self::SizeOrFit,
        Self::NotAsDescribed,
        Self::QualityFault,
        Self::DamagedInTransit,
        Self::WrongItem,
        Self::MissingParts,
        Self::NotReceived,
        Self::Service,
        Self::BadReview,
    ];

    /// True if the shop (or its courier) is at fault: the shop pays shipping, no restocking fee.
    #[must_use]
    pub const fn is_shop_fault(self) -> bool {
        !self.is_no_reason()
    }

    /// True for reasons that fall under the no-reason return (七天无理由).
    #[must_use]
    pub const fn is_no_reason(self) -> bool {
        matches!(self, Self::ChangedMind | Self::SizeOrFit)
    }

    /// True for a fault of the goods or of their delivery: the shop is at fault and the claim is
    /// about the goods themselves. A parcel that never arrived is the shop's fault too, but the
    /// dispute there is the courier's record, not the goods, so it is not a fault in this sense
    /// (an offer of an exchange or a repair makes no sense for it).
    #[must_use]
    pub const fn is_fault(self) -> bool {
        self.is_shop_fault()
            && !self.is_logistics()
            && !matches!(self, Self::Service | Self::BadReview)
    }

    /// True for a logistics question (the parcel never arrived).
    #[must_use]
    pub const fn is_logistics(self) -> bool {
        matches!(self, Self::NotReceived)
    }

    /// Stable snake_case name.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::ChangedMind => "changed_mind",
            Self::SizeOrFit => "size_or_fit",
            Self::NotAsDescribed => "not_as_described",
            Self::QualityFault => "quality_fault",
            Self::DamagedInTransit => "damaged_in_transit",
            Self::WrongItem => "wrong_item",
            Self::MissingParts => "missing_parts",
            Self::NotReceived => "not_received",
            Self::Service => "service",
            Self::BadReview => "bad_review",
        }
    }
}

/// A line the buyer asks about, and how many units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RequestedLine {
    /// The order line's SKU.
    pub sku: String,
    /// Units.
    pub quantity: u32,
}

/// What the buyer files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CaseRequest {
    /// What the buyer wants.
    pub kind: CaseKind,
    /// Why.
    pub reason: Reason,
    /// Which lines and how many units.
    pub lines: Vec<RequestedLine>,
    /// The buyer's own words.
    #[serde(default)]
    pub note: String,
    /// Proof photo references.
    #[serde(default)]
    pub photos: Vec<String>,
    /// The buyer confirms the goods are complete and intact per the category's rule (required
    /// for no-reason returns and exchanges).
    #[serde(default)]
    pub intact_confirmed: bool,
    /// The buyer's own urgency (a gift, an event): raises the case in the queue.
    #[serde(default)]
    pub urgent: bool,
    /// For "not received" on a signed-for order: the courier record shows loss or no delivery.
    #[serde(default)]
    pub carrier_confirms_loss: bool,
    /// The language the buyer filed in (the worker records the portal's `Accept-Language`), so
    /// staff answer in it. Absent on cases filed before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<crate::i18n::Lang>,
    /// The bad review a review follow-up is about (that kind only; the shop records it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<super::review::BadReview>,
}

/// How a case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Money went back.
    Refunded,
    /// A new unit was delivered.
    Exchanged,
    /// The repaired item was delivered.
    Repaired,
    /// The reshipment was delivered.
    Reshipped,
    /// The shop's refusal stands.
    Rejected,
    /// The buyer withdrew.
    Withdrawn,
    /// The asked-for information never came (reopenable once).
    InfoTimeout,
    /// The buyer never shipped the approved return.
    Abandoned,
    /// The owner closed it by override.
    ClosedByOwner,
    /// The shop answered the buyer's question or complaint.
    Answered,
    /// The followed-up review was revised.
    ReviewRevised,
    /// The followed-up review was removed.
    ReviewRemoved,
    /// The followed-up review stands.
    ReviewUnchanged,
}

impl Outcome {
    /// The outcome a review follow-up ends with.
    #[must_use]
    pub const fn of_review(outcome: super::review::ReviewOutcome) -> Self {
        match outcome {
            super::review::ReviewOutcome::Revised => Self::ReviewRevised,
            super::review::ReviewOutcome::Removed => Self::ReviewRemoved,
            super::review::ReviewOutcome::Unchanged => Self::ReviewUnchanged,
        }
    }

    /// What became of the review, for a review follow-up's outcome.
    #[must_use]
    pub const fn review(self) -> Option<super::review::ReviewOutcome> {
        match self {
            Self::ReviewRevised => Some(super::review::ReviewOutcome::Revised),
            Self::ReviewRemoved => Some(super::review::ReviewOutcome::Removed),
            Self::ReviewUnchanged => Some(super::review::ReviewOutcome::Unchanged),
            _ => None,
        }
    }
}

/// A running clock: when the current step started and how long it spent paused (escalated).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Clock {
    /// When the step started.
    pub since: Timestamp,
    /// Milliseconds spent paused since then; deadlines shift by this much.
    pub paused_ms: i64,
}

impl Clock {
    /// A clock starting at `at`.
    #[must_use]
    pub const fn start(at: Timestamp) -> Self {
        Self {
            since: at,
            paused_ms: 0,
        }
    }
}

/// Where a case stands. Each variant holds only what is valid in it (STYLE.md 3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CaseState {
    /// Filed (or revised), waiting for the shop's answer.
    AwaitingReview {
        /// Since when.
        clock: Clock,
    },
    /// The shop asked the buyer for information.
    InfoRequested {
        /// What was asked.
        question: String,
        /// Since when.
        clock: Clock,
    },
    /// The shop refused; the buyer may revise or escalate.
    Rejected {
        /// Why.
        reason_code: RejectReason,
        /// Since when.
        clock: Clock,
    },
    /// Approved; the buyer must ship the goods back.
    AwaitingReturn {
        /// What was granted.
        solution: Solution,
        /// Since when.
        clock: Clock,
    },
    /// The return is on its way to the shop.
    ReturnInTransit {
        /// What was granted.
        solution: Solution,
        /// The courier.
        carrier: String,
        /// The tracking number.
        tracking: String,
        /// Since the buyer shipped.
        clock: Clock,
        /// When the courier reported it signed for at the shop.
        arrived_at: Option<Timestamp>,
        /// How long the clock had been paused when the parcel arrived: the confirmation window
        /// after arrival is shifted only by the pauses that came after it.
        #[serde(default)]
        paused_before_arrival_ms: i64,
        /// Already refunded under the fast-refund rule.
        fast_refunded: bool,
    },
    /// The inspection failed; the shop decides (refund with a deduction, proceed, or reject).
    AwaitingDecision {
        /// What was granted.
        solution: Solution,
        /// What the warehouse found.
        inspection: Inspection,
        /// Already refunded under the fast-refund rule.
        fast_refunded: bool,
        /// Since the inspection.
        clock: Clock,
    },
    /// The warehouse must ship the replacement, repaired item or reshipment.
    AwaitingShipment {
        /// What was granted.
        solution: Solution,
        /// Since when.
        clock: Clock,
    },
    /// The shipment is on its way to the buyer.
    Shipped {
        /// What was granted.
        solution: Solution,
        /// What was shipped.
        shipment: ShipmentKind,
        /// The courier.
        carrier: String,
        /// The tracking number.
        tracking: String,
        /// Since it shipped.
        clock: Clock,
    },
    /// The shop offered another solution (协商); the buyer accepts or declines it.
    OfferPending {
        /// What is offered.
        offer: Offer,
        /// The shop's explanation (the note of the approval, if accepted).
        note: String,
        /// Since the offer: the buyer's time to answer.
        clock: Clock,
        /// The shop's decision step the case goes back to if the buyer declines (its clock is
        /// restarted then).
        previous: Box<CaseState>,
    },
    /// An agent's approval or offer above their refund limit waits for the owner (DOMAIN.md
    /// "Two people for big money").
    AwaitingOwnerApproval {
        /// What the agent sent.
        proposal: Proposal,
        /// The refund it commits.
        amount: Money,
        /// The agent's note to the buyer.
        note: String,
        /// The shop's decision step, whose clock keeps running: asking for a sign-off does not
        /// give the shop more time, and a declined proposal goes back to it as it was.
        previous: Box<CaseState>,
    },
    /// A supervisor is looking at it (介入); clocks pause.
    Escalated {
        /// Where the case was.
        previous: Box<CaseState>,
        /// Since when.
        since: Timestamp,
        /// True when a missed deadline caused the escalation.
        by_timeout: bool,
    },
    /// Done.
    Closed {
        /// How it ended.
        outcome: Outcome,
        /// When.
        at: Timestamp,
        /// The buyer has rated it.
        rated: bool,
        /// The buyer may still reopen it (information timeout, not yet reopened).
        reopenable: bool,
    },
}

/// The name of a [`CaseState`], without its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum StateName {
    /// See [`CaseState::AwaitingReview`].
    AwaitingReview,
    /// See [`CaseState::InfoRequested`].
    InfoRequested,
    /// See [`CaseState::Rejected`].
    Rejected,
    /// See [`CaseState::AwaitingReturn`].
    AwaitingReturn,
    /// See [`CaseState::ReturnInTransit`].
    ReturnInTransit,
    /// See [`CaseState::AwaitingDecision`].
    AwaitingDecision,
    /// See [`CaseState::AwaitingShipment`].
    AwaitingShipment,
    /// See [`CaseState::Shipped`].
    Shipped,
    /// See [`CaseState::Escalated`].
    Escalated,
    /// See [`CaseState::Closed`].
    Closed,
    /// See [`CaseState::OfferPending`].
    OfferPending,
    /// See [`CaseState::AwaitingOwnerApproval`].
    AwaitingOwnerApproval,
}

impl StateName {
    /// Every state, in the order of the variants (tests walk it; a new state must join it).
    pub const ALL: [Self; 12] = [
        Self::AwaitingReview,
        Self::InfoRequested,
        Self::Rejected,
        Self::AwaitingReturn,
        Self::ReturnInTransit,
        Self::AwaitingDecision,
        Self::AwaitingShipment,
        Self::Shipped,
        Self::Escalated,
        Self::Closed,
        Self::OfferPending,
        Self::AwaitingOwnerApproval,
    ];

    /// Stable snake_case name.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::AwaitingReview => "awaiting_review",
            Self::InfoRequested => "info_requested",
            Self::Rejected => "rejected",
            Self::AwaitingReturn => "awaiting_return",
            Self::ReturnInTransit => "return_in_transit",
            Self::AwaitingDecision => "awaiting_decision",
            Self::AwaitingShipment => "awaiting_shipment",
            Self::Shipped => "shipped",
            Self::Escalated => "escalated",
            Self::Closed => "closed",
            Self::OfferPending => "offer_pending",
            Self::AwaitingOwnerApproval => "awaiting_owner_approval",
        }
    }
}

impl CaseState {
    /// The state's name.
    #[must_use]
    pub const fn name(&self) -> StateName {
        match self {
            Self::AwaitingReview { .. } => StateName::AwaitingReview,
            Self::InfoRequested { .. } => StateName::InfoRequested,
            Self::Rejected { .. } => StateName::Rejected,
            Self::AwaitingReturn { .. } => StateName::AwaitingReturn,
            Self::ReturnInTransit { .. } => StateName::ReturnInTransit,
            Self::AwaitingDecision { .. } => StateName::AwaitingDecision,
            Self::AwaitingShipment { .. } => StateName::AwaitingShipment,
            Self::Shipped { .. } => StateName::Shipped,
            Self::Escalated { .. } => StateName::Escalated,
            Self::Closed { .. } => StateName::Closed,
            Self::OfferPending { .. } => StateName::OfferPending,
            Self::AwaitingOwnerApproval { .. } => StateName::AwaitingOwnerApproval,
        }
    }

    /// True once the case is closed.
    #[must_use]
    pub const fn is_closed(&self) -> bool {
        matches!(self, Self::Closed { .. })
    }

    /// The running clock, if the state has one.
    fn clock_mut(&mut self) -> Option<&mut Clock> {
        match self {
            Self::AwaitingReview { clock }
            | Self::InfoRequested { clock, .. }
            | Self::Rejected { clock, .. }
            | Self::AwaitingReturn { clock, .. }
            | Self::ReturnInTransit { clock, .. }
            | Self::AwaitingDecision { clock, .. }
            | Self::AwaitingShipment { clock, .. }
            | Self::Shipped { clock, .. }
            | Self::OfferPending { clock, .. } => Some(clock),
            Self::AwaitingOwnerApproval { previous, .. } => previous.clock_mut(),
            Self::Escalated { .. } | Self::Closed { .. } => None,
        }
    }

    /// The shop's decision step that an offer or a proposal made in this state goes back to:
    /// a review or a post-inspection decision as it is; from a question to the buyer or a
    /// rejection, the shop took the move back, so a review whose clock starts at `at`.
    fn decision_step(self, at: Timestamp) -> Self {
        match self {
            Self::AwaitingReview { .. } | Self::AwaitingDecision { .. } => self,
            // An offer or proposal pending already (not produced by the engine): its step.
            Self::OfferPending { previous, .. } | Self::AwaitingOwnerApproval { previous, .. } => {
                *previous
            }
            Self::InfoRequested { .. }
            | Self::Rejected { .. }
            | Self::AwaitingReturn { .. }
            | Self::ReturnInTransit { .. }
            | Self::AwaitingShipment { .. }
            | Self::Shipped { .. }
            | Self::Escalated { .. }
            | Self::Closed { .. } => Self::AwaitingReview {
                clock: Clock::start(at),
            },
        }
    }

    /// This step with its clock restarted at `at` (a declined offer gives the shop its full
    /// time to decide again: the buyer's answer took some of it).
    fn restarted(mut self, at: Timestamp) -> Self {
        if let Some(clock) = self.clock_mut() {
            *clock = Clock::start(at);
        }
        self
    }

    /// The state a resumed escalation returns to: the same step, its clock shifted by the time
    /// spent escalated, or restarted if the escalation was that clock running out (otherwise the
    /// resumed step would be overdue the moment it resumed).
    fn resumed(mut self, at: Timestamp, since: Timestamp, by_timeout: bool) -> Self {
        if let Some(clock) = self.clock_mut() {
            if by_timeout {
                *clock = Clock::start(at);
            } else {
                clock.paused_ms = clock.paused_ms.saturating_add(at.millis_since(since));
            }
        }
        if let Self::ReturnInTransit {
            paused_before_arrival_ms,
            ..
        } = &mut self
            && by_timeout
        {
            *paused_before_arrival_ms = 0;
        }
        self
    }

    /// The state after the courier reported the return signed for at the shop (the first report
    /// counts), `ongoing_pause_ms` into an escalation that is still running.
    fn arrived(self, at: Timestamp, ongoing_pause_ms: i64) -> Self {
        match self {
            Self::ReturnInTransit {
                solution,
                carrier,
                tracking,
                clock,
                arrived_at: None,
                fast_refunded,
                ..
            } => Self::ReturnInTransit {
                solution,
                carrier,
                tracking,
                clock,
                arrived_at: Some(at),
                paused_before_arrival_ms: clock.paused_ms.saturating_add(ongoing_pause_ms),
                fast_refunded,
            },
            other => other,
        }
    }

    /// The state after goods that came back were accepted (inspected or deemed received):
    /// exchanges and repairs wait for the shipment back; a refund follows in the same batch.
    fn return_accepted(self, at: Timestamp) -> Self {
        match self {
            Self::ReturnInTransit { solution, .. } | Self::AwaitingDecision { solution, .. }
                if matches!(solution, Solution::Exchange | Solution::Repair) =>
            {
                Self::AwaitingShipment {
                    solution,
                    clock: Clock::start(at),
                }
            }
            other => other,
        }
    }
}

/// What the fold remembers beyond the state itself.
#[derive(Debug, Default)]
struct Memo {
    last_question: String,
    reopened: bool,
    goods_at_shop: bool,
}

impl CaseState {
    /// Remember that the returned goods reached the shop (and pass the state through).
    fn mark_goods_at_shop(self, memo: &mut Memo) -> Self {
        memo.goods_at_shop = true;
        self
    }
}

impl CaseState {
    /// The state after one event. Events are only ever produced by
    /// [`crate::policy::decide`] for the state they are applied to, so an event that does not fit
    /// the state leaves it unchanged rather than inventing a transition.
    fn after(self, event: &Event, memo: &mut Memo) -> Self {
        use CaseState as S;
        use EventKind as E;
        let at = event.at;
        match &event.kind {
            E::Filed | E::InfoAnswered { .. } => S::AwaitingReview {
                clock: Clock::start(at),
            },
            E::InfoRequested { question } => {
                memo.last_question.clone_from(question);
                S::InfoRequested {
                    question: question.clone(),
                    clock: Clock::start(at),
                }
            }
            E::Reopened => {
                memo.reopened = true;
                S::InfoRequested {
                    question: memo.last_question.clone(),
                    clock: Clock::start(at),
                }
            }
            E::Rejected { reason_code, .. } => S::Rejected {
                reason_code: *reason_code,
                clock: Clock::start(at),
            },
            E::Approved { solution, .. } => match solution {
                // Refunds are paid and the case closed by the events that follow in the batch.
                Solution::RefundOnly { .. } => self,
                Solution::ReturnAndRefund if memo.goods_at_shop => self,
                // The goods are already here (approved after an inspection): ship straight away.
                Solution::Exchange | Solution::Repair if memo.goods_at_shop => {
                    S::AwaitingShipment {
                        solution: solution.clone(),
                        clock: Clock::start(at),
                    }
                }
                Solution::ReturnAndRefund | Solution::Exchange | Solution::Repair => {
                    S::AwaitingReturn {
                        solution: solution.clone(),
                        clock: Clock::start(at),
                    }
                }
                Solution::Reship => S::AwaitingShipment {
                    solution: solution.clone(),
                    clock: Clock::start(at),
                },
            },
            E::Escalated { by_timeout, .. } => S::Escalated {
                previous: Box::new(self),
                since: at,
                by_timeout: *by_timeout,
            },
            E::EscalationResolved {
                resolution: Resolution::Resume,
                ..
            } => match self {
                S::Escalated {
                    previous,
                    since,
                    by_timeout,
                } => previous.resumed(at, since, by_timeout),
                other => other,
            },
            E::ReturnShipped {
                carrier, tracking, ..
            } => match self {
                S::AwaitingReturn { solution, .. } => S::ReturnInTransit {
                    solution,
                    carrier: carrier.clone(),
                    tracking: tracking.clone(),
                    clock: Clock::start(at),
                    arrived_at: None,
                    paused_before_arrival_ms: 0,
                    fast_refunded: false,
                },
                other => other,
            },
            E::FastRefunded { .. } => match self {
                S::ReturnInTransit {
                    solution,
                    carrier,
                    tracking,
                    clock,
                    arrived_at,
                    paused_before_arrival_ms,
                    ..
                } => S::ReturnInTransit {
                    solution,
                    carrier,
                    tracking,
                    clock,
                    arrived_at,
                    paused_before_arrival_ms,
                    fast_refunded: true,
                },
                other => other,
            },
            // The courier's record is a fact even while a supervisor looks at the case: it is
            // kept in the paused step, whose clock then counts from the arrival once resumed.
            E::ReturnArrived => match self {
                S::Escalated {
                    previous,
                    since,
                    by_timeout,
                } => {
                    let paused_so_far = at.millis_since(since).max(0);
                    S::Escalated {
                        previous: Box::new(previous.arrived(at, paused_so_far)),
                        since,
                        by_timeout,
                    }
                }
                other => other.arrived(at, 0),
            },
            E::Received { inspection } => match self.mark_goods_at_shop(memo) {
                S::ReturnInTransit {
                    solution,
                    fast_refunded,
                    ..
                } if !inspection.passed => S::AwaitingDecision {
                    solution,
                    inspection: inspection.clone(),
                    fast_refunded,
                    clock: Clock::start(at),
                },
                other => other.return_accepted(at),
            },
            E::ReturnDeemedReceived => self.mark_goods_at_shop(memo).return_accepted(at),
            E::ItemShipped {
                shipment,
                carrier,
                tracking,
            } => match self {
                S::AwaitingShipment { solution, .. } => S::Shipped {
                    solution,
                    shipment: *shipment,
                    carrier: carrier.clone(),
                    tracking: tracking.clone(),
                    clock: Clock::start(at),
                },
                other => other,
            },
            E::Closed { outcome } => S::Closed {
                outcome: *outcome,
                at,
                rated: false,
                reopenable: *outcome == Outcome::InfoTimeout && !memo.reopened,
            },
            E::Rated { .. } => match self {
                S::Closed {
                    outcome,
                    at,
                    reopenable,
                    ..
                } => S::Closed {
                    outcome,
                    at,
                    rated: true,
                    reopenable,
                },
                other => other,
            },
            E::OfferMade { offer, note } => S::OfferPending {
                offer: offer.clone(),
                note: note.clone(),
                clock: Clock::start(at),
                previous: Box::new(self.decision_step(at)),
            },
            E::OfferDeclined { .. } => match self {
                S::OfferPending { previous, .. } => previous.restarted(at),
                other => other,
            },
            E::RefundProposed {
                proposal,
                amount,
                note,
            } => S::AwaitingOwnerApproval {
                proposal: proposal.clone(),
                amount: *amount,
                note: note.clone(),
                previous: Box::new(self.decision_step(at)),
            },
            // Back to the step as it was; an approved proposal's own events follow.
            E::ProposalApproved { .. } | E::ProposalDeclined { .. } => match self {
                S::AwaitingOwnerApproval { previous, .. } => *previous,
                other => other,
            },
            // The approval of the offered solution follows in the same commit and moves the case.
            E::OfferAccepted
            | E::ProofAdded { .. }
            | E::EscalationResolved { .. }
            | E::Overridden { .. }
            | E::Refunded { .. }
            | E::ReceiptConfirmed { .. }
            | E::DeadlineExpired { .. }
            | E::MessagePosted { .. }
            | E::TakenToPlatform { .. }
            | E::PostageAdjusted { .. } => self,
        }
    }
}

/// One after-sales case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Case {
    /// The case id (given by the caller).
    pub id: String,
    /// The order as it was when the case was filed.
    pub order: Order,
    /// What the buyer asked.
    pub request: CaseRequest,
    /// When the buyer filed.
    pub filed_at: Timestamp,
    /// Everything that happened, oldest first; never rewritten.
    pub events: Vec<Event>,
}

impl Case {
    /// The current state: the fold of the events. Recomputed on each call (a case has tens of
    /// events, and a cache would have to be kept consistent with a public `events` field).
    #[must_use]
    pub fn state(&self) -> CaseState {
        let mut memo = Memo::default();
        self.events.iter().fold(
            CaseState::AwaitingReview {
                clock: Clock::start(self.filed_at),
            },
            |state, event| state.after(event, &mut memo),
        )
    }

    /// The return postage asked back now: the latest of the buyer's claim (sent with the
    /// tracking number) and a staff adjustment, each replacing what came before, so that a second
    /// claim never adds to the first. `None` when nobody claimed any.
    #[must_use]
    pub fn postage_claimed(&self) -> Option<Money> {
        self.events.iter().rev().find_map(|e| match &e.kind {
            EventKind::ReturnShipped {
                postage: Some(claim),
                ..
            } => Some(claim.amount),
            EventKind::PostageAdjusted { amount, .. } => Some(*amount),
            _ => None,
        })
    }

    /// Total the shop refunded on this case.
    #[must_use]
    pub fn refunded_total(&self) -> Money {
        self.events
            .iter()
            .filter_map(|e| e.kind.refunded())
            .map(|b| b.total)
            .sum()
    }

    /// The staff member who acted on the case last: the one the queue assigns it to and the
    /// figures credit it to.
    #[must_use]
    pub fn last_staff(&self) -> Option<&str> {
        self.events.iter().rev().find_map(|e| match &e.actor {
            Actor::Staff { id, .. } => Some(id.as_str()),
            Actor::Buyer | Actor::System => None,
        })
    }

    /// True if money went back on this case.
    #[must_use]
    pub fn has_refund(&self) -> bool {
        self.events.iter().any(|e| e.kind.refunded().is_some())
    }

    /// Units of `sku` this case asks about.
    #[must_use]
    pub fn quantity_of(&self, sku: &str) -> u32 {
        self.request
            .lines
            .iter()
            .filter(|l| l.sku == sku)
            .map(|l| l.quantity)
            .fold(0, u32::saturating_add)
    }

    /// True if this case holds its units: while it is open (two open cases cannot claim the same
    /// unit), and for good once it refunded them. Exchanges, repairs and reshipments leave the
    /// buyer holding the goods, so once closed they free the units for a later case.
    #[must_use]
    pub fn holds_units(&self) -> bool {
        // A question claims nothing: asking where the parcel is must not block the claim that
        // it never arrived.
        self.request.kind.about_goods() && (!self.state().is_closed() || self.has_refund())
    }

    /// True once the returned goods reached the shop (received, or deemed received).
    #[must_use]
    pub fn goods_at_shop(&self) -> bool {
        self.events.iter().any(|e| {
            matches!(
                e.kind,
                EventKind::Received { .. } | EventKind::ReturnDeemedReceived
            )
        })
    }

    /// True once the buyer declined an offer of the shop, or let one lapse (silence declines).
    #[must_use]
    pub fn offer_declined(&self) -> bool {
        self.events
            .iter()
            .any(|e| matches!(e.kind, EventKind::OfferDeclined { .. }))
    }

    /// The deduction recorded by the latest failed inspection, if any.
    #[must_use]
    pub fn inspection_deduction(&self) -> Money {
        self.events
            .iter()
            .rev()
            .find_map(|e| match &e.kind {
                EventKind::Received { inspection } if !inspection.passed => {
                    Some(inspection.deduction)
                }
                _ => None,
            })
            .unwrap_or(Money::ZERO)
    }

    /// When the case closed with `outcome`, if it did.
    #[must_use]
    pub fn closed_with(&self, outcome: Outcome) -> Option<Timestamp> {
        match self.state() {
            CaseState::Closed { outcome: o, at, .. } if o == outcome => Some(at),
            _ => None,
        }
    }

    /// The instant of the first event of this kind, if any.
    #[must_use]
    pub fn first_event_at(&self, matches: impl Fn(&EventKind) -> bool) -> Option<Timestamp> {
        self.events.iter().find(|e| matches(&e.kind)).map(|e| e.at)
    }
}
