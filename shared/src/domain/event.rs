//! Events: the history of a case. Nothing about a case is overwritten; its state is the fold of
//! these (DOMAIN.md "Records").

use serde::{Deserialize, Serialize};

use super::actor::Actor;
use super::case::Outcome;
use super::command::{Inspection, OverrideAction, RejectReason, Resolution, Solution};
use super::values::{Money, Timestamp};

/// One thing that happened to a case: who, when, what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// When it happened.
    pub at: Timestamp,
    /// Who did it.
    pub actor: Actor,
    /// What happened.
    pub kind: EventKind,
}

/// What a shipment sent by the shop is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShipmentKind {
    /// A new unit for an exchange.
    Replacement,
    /// The buyer's item back from repair.
    Repaired,
    /// The lost or missing goods again.
    Reshipment,
}

/// What happens automatically when a deadline passes (DOMAIN.md "Time limits"). The buyer is
/// never punished for the shop's silence: every shop deadline resolves in the buyer's favour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpiryOutcome {
    /// The shop did not answer a refund on an unshipped order: refunded.
    AutoRefund,
    /// The shop did not answer a request: approved as asked.
    AutoApprove,
    /// The buyer neither revised nor escalated after a rejection: closed.
    CloseRejected,
    /// The buyer did not supply the asked-for proof: closed, reopenable once.
    CloseInfoTimeout,
    /// The buyer did not ship the approved return: closed as abandoned.
    CloseAbandoned,
    /// The shop did not confirm the returned parcel: refund or replacement released.
    ReleaseReturn,
    /// The shop did not decide after a failed inspection: proceeds with the recorded deduction.
    ProceedAfterInspection,
    /// The warehouse did not ship in time: escalated to the owner.
    EscalateToOwner,
    /// The buyer did not confirm the shipment arrived: confirmed automatically.
    AutoConfirmReceipt,
}

/// One line of a refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundLine {
    /// The order line.
    pub sku: String,
    /// Units refunded.
    pub quantity: u32,
    /// Unit price times quantity.
    pub items: Money,
    /// The line's discount share for those units.
    pub discount: Money,
    /// Restocking fee on those units (no-fault returns only).
    pub restocking_fee: Money,
}

/// How a refund's amount was reached (DOMAIN.md "Refund amount"): every refund shows it.
///
/// `total = items - discounts + original_shipping - restocking_fee - free_shipping_deduction -
/// inspection_deduction - agreed_reduction`, floored at zero and capped at what the order's
/// buyer paid minus what earlier cases refunded (`capped_by` says how much the cap removed).
/// `insurance_payout` is paid by the insurer toward return shipping and is not part of `total`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RefundBreakdown {
    /// Unit prices times quantities refunded.
    pub items: Money,
    /// The order discounts allocated to those units.
    pub discounts: Money,
    /// The order's shipping, when the whole order comes back for the shop's fault.
    pub original_shipping: Money,
    /// Restocking fee (no-fault returns, where the policy sets one).
    pub restocking_fee: Money,
    /// Shipping given away by the free-shipping threshold the kept goods no longer reach.
    pub free_shipping_deduction: Money,
    /// Deduction for damage found at inspection.
    pub inspection_deduction: Money,
    /// Reduction agreed with the buyer (a partial refund).
    pub agreed_reduction: Money,
    /// What the cap (paid minus earlier refunds) removed.
    pub capped_by: Money,
    /// Paid by the shipping insurer toward return shipping; shown separately.
    pub insurance_payout: Money,
    /// What the shop refunds.
    pub total: Money,
    /// Per line.
    pub lines: Vec<RefundLine>,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// The buyer filed the request (the request itself is on the case).
    Filed,
    /// Proof photos were attached.
    ProofAdded {
        /// Photo references.
        photos: Vec<String>,
    },
    /// The shop asked for information.
    InfoRequested {
        /// What was asked.
        question: String,
    },
    /// The buyer answered, or revised the request after a rejection.
    InfoAnswered {
        /// The answer.
        note: String,
        /// Photos supporting it.
        photos: Vec<String>,
    },
    /// A solution was granted.
    Approved {
        /// What was granted.
        solution: Solution,
        /// The explanation.
        note: String,
    },
    /// The shop refused.
    Rejected {
        /// Why.
        reason_code: RejectReason,
        /// The explanation.
        note: String,
    },
    /// The case went to a supervisor; its clock pauses.
    Escalated {
        /// Why.
        note: String,
        /// True when the escalation was the automatic outcome of a missed deadline.
        by_timeout: bool,
    },
    /// The supervisor decided.
    EscalationResolved {
        /// The decision.
        resolution: Resolution,
        /// The explanation.
        note: String,
    },
    /// The owner acted outside the policy.
    Overridden {
        /// Why.
        reason: String,
        /// What.
        action: OverrideAction,
    },
    /// The buyer shipped the return.
    ReturnShipped {
        /// The courier.
        carrier: String,
        /// The tracking number.
        tracking: String,
    },
    /// Refunded before the return arrived, under the fast-refund rule (极速退款).
    FastRefunded {
        /// The refund.
        breakdown: RefundBreakdown,
    },
    /// The courier reports the return signed for at the shop.
    ReturnArrived,
    /// The shop received and inspected the return.
    Received {
        /// What it found.
        inspection: Inspection,
    },
    /// The shop did not confirm the return in time: treated as received and intact.
    ReturnDeemedReceived,
    /// Money went back to the buyer.
    Refunded {
        /// The refund.
        breakdown: RefundBreakdown,
    },
    /// Goods left the shop toward the buyer.
    ItemShipped {
        /// What they are.
        shipment: ShipmentKind,
        /// The courier.
        carrier: String,
        /// The tracking number.
        tracking: String,
    },
    /// The buyer has the shipment (or the deadline confirmed it).
    ReceiptConfirmed {
        /// True when confirmed by the deadline rather than the buyer.
        automatic: bool,
    },
    /// A deadline passed; the following events are its outcome.
    DeadlineExpired {
        /// The deadline's due instant.
        due: Timestamp,
        /// What it caused.
        outcome: ExpiryOutcome,
    },
    /// The case closed.
    Closed {
        /// How.
        outcome: Outcome,
    },
    /// The buyer reopened a case closed for missing information.
    Reopened,
    /// The buyer rated the service.
    Rated {
        /// 1 to 5.
        stars: u8,
        /// The comment.
        comment: String,
    },
    /// A message between buyer and shop.
    MessagePosted {
        /// The text.
        text: String,
    },
}

impl EventKind {
    /// The money this event refunded, if it refunded any.
    #[must_use]
    pub fn refunded(&self) -> Option<&RefundBreakdown> {
        match self {
            Self::FastRefunded { breakdown } | Self::Refunded { breakdown } => Some(breakdown),
            _ => None,
        }
    }
}
