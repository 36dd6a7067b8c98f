//! Events: the history of a case. Nothing about a case is overwritten; its state is the fold of
//! these (DOMAIN.md "Records").

use serde::{Deserialize, Serialize};

use super::actor::Actor;
use super::case::Outcome;
use super::command::{
    Inspection, Offer, OverrideAction, PostageClaim, Proposal, RejectReason, Resolution, Solution,
};
use super::values::{Money, Timestamp};
use crate::wire::{WireError, req};

/// One thing that happened to a case: who, when, what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// The buyer did not answer the shop's offer: declined, back to the shop (DOMAIN.md
    /// "silence declines": an offer the buyer never saw must not bind them).
    DeclineOffer,
    /// Nothing runs: a question the shop has not answered shows overdue in the queue (DOMAIN.md:
    /// a where-is-my-parcel question or a complaint has nothing to grant automatically).
    Overdue,
}

/// One line of a refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
/// `total = goods + return_postage`, where `goods = items - discounts + original_shipping -
/// restocking_fee - free_shipping_deduction - inspection_deduction`, floored at zero, less
/// `agreed_reduction`, and capped at what the order's buyer paid minus the goods earlier cases
/// refunded (`capped_by` says how much the cap removed). The postage is outside that cap: it
/// pays back a courier, not the order.
/// `insurance_payout` is paid by the insurer toward return shipping and is not part of `total`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// Return postage the buyer advanced and the shop owes, paid back on the receipt up to the
    /// shop's cap (DOMAIN.md "Return postage the shop owes"); part of `total`, never capped by
    /// what the order cost. Written only when not zero; absent (zero) in older histories.
    #[serde(default, skip_serializing_if = "Money::is_zero")]
    pub return_postage: Money,
    /// A goodwill payment on a bad review's follow-up or a complaint ([`crate::domain::Command::Goodwill`]):
    /// no goods, so it is the whole `total`. Written only when not zero.
    #[serde(default, skip_serializing_if = "Money::is_zero")]
    pub goodwill: Money,
    /// What the shop refunds.
    pub total: Money,
    /// Per line.
    pub lines: Vec<RefundLine>,
}

impl RefundBreakdown {
    /// A goodwill payment of `amount`, for no goods.
    #[must_use]
    pub fn goodwill(amount: Money) -> Self {
        Self {
            goodwill: amount,
            total: amount,
            ..Self::default()
        }
    }
}

/// What happened.
///
/// Written with its `type` tag by the derive; read through [`EventKindWire`] (see
/// [`crate::wire`]): the same JSON, without serde's per-variant buffering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::EnumDiscriminants)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[strum_discriminants(
    name(EventKindTag),
    vis(pub(crate)),
    derive(Deserialize, strum::EnumIter),
    serde(variant_identifier, rename_all = "snake_case")
)]
#[serde(tag = "type", rename_all = "snake_case", try_from = "EventKindWire")]
#[cfg_attr(feature = "schema", schemars(!try_from))]
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
        /// The postage the buyer advanced and asks back (absent in older histories).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        postage: Option<PostageClaim>,
    },
    /// Staff set the return postage the refund pays back; it replaces the buyer's claim.
    PostageAdjusted {
        /// The postage to pay back (before the shop's cap).
        amount: Money,
        /// Why.
        reason: String,
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
    /// The buyer took the case to the platform or a consumer body (维权).
    TakenToPlatform {
        /// Where.
        forum: crate::domain::DisputeForum,
        /// Its reference there.
        external_ref: String,
    },
    /// The shop offered another solution instead of refusing (协商); the buyer answers.
    OfferMade {
        /// What was offered.
        offer: Offer,
        /// The explanation shown to the buyer.
        note: String,
    },
    /// The buyer accepted the open offer; the approval of its solution follows in the same
    /// commit.
    OfferAccepted,
    /// The open offer was declined: the shop decides again, on a fresh clock.
    OfferDeclined {
        /// The buyer's reason.
        note: String,
        /// True when the buyer's silence declined it (the deadline passed).
        automatic: bool,
    },
    /// An agent's approval or offer above their refund limit waits for the owner.
    RefundProposed {
        /// What the agent sent.
        proposal: Proposal,
        /// The refund it commits (the amount the limit was compared with).
        amount: Money,
        /// The agent's note to the buyer, used when the proposal applies.
        note: String,
    },
    /// The owner applied the proposal; its events follow in the same commit.
    ProposalApproved {
        /// The owner's note to the agent.
        note: String,
    },
    /// The owner declined the proposal: back to the agent's decision.
    ProposalDeclined {
        /// The owner's note to the agent.
        note: String,
    },
}

/// `outcome` is an [`ExpiryOutcome`] in `deadline_expired` and an [`Outcome`] in `closed`: read
/// as either (the names do not overlap), then checked against the variant.
#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum AnyOutcome {
    AutoRefund,
    AutoApprove,
    CloseRejected,
    CloseInfoTimeout,
    CloseAbandoned,
    ReleaseReturn,
    ProceedAfterInspection,
    EscalateToOwner,
    AutoConfirmReceipt,
    DeclineOffer,
    Refunded,
    Exchanged,
    Repaired,
    Reshipped,
    Rejected,
    Withdrawn,
    InfoTimeout,
    Abandoned,
    ClosedByOwner,
    Answered,
    ReviewRevised,
    ReviewRemoved,
    ReviewUnchanged,
    Overdue,
}

impl AnyOutcome {
    /// The expiry outcome, if it is one.
    const fn expiry(self) -> Option<ExpiryOutcome> {
        Some(match self {
            Self::AutoRefund => ExpiryOutcome::AutoRefund,
            Self::AutoApprove => ExpiryOutcome::AutoApprove,
            Self::CloseRejected => ExpiryOutcome::CloseRejected,
            Self::CloseInfoTimeout => ExpiryOutcome::CloseInfoTimeout,
            Self::CloseAbandoned => ExpiryOutcome::CloseAbandoned,
            Self::ReleaseReturn => ExpiryOutcome::ReleaseReturn,
            Self::ProceedAfterInspection => ExpiryOutcome::ProceedAfterInspection,
            Self::EscalateToOwner => ExpiryOutcome::EscalateToOwner,
            Self::AutoConfirmReceipt => ExpiryOutcome::AutoConfirmReceipt,
            Self::DeclineOffer => ExpiryOutcome::DeclineOffer,
            Self::Overdue => ExpiryOutcome::Overdue,
            _ => return None,
        })
    }

    /// The case outcome, if it is one.
    const fn outcome(self) -> Option<Outcome> {
        Some(match self {
            Self::Refunded => Outcome::Refunded,
            Self::Exchanged => Outcome::Exchanged,
            Self::Repaired => Outcome::Repaired,
            Self::Reshipped => Outcome::Reshipped,
            Self::Rejected => Outcome::Rejected,
            Self::Withdrawn => Outcome::Withdrawn,
            Self::InfoTimeout => Outcome::InfoTimeout,
            Self::Abandoned => Outcome::Abandoned,
            Self::ClosedByOwner => Outcome::ClosedByOwner,
            Self::Answered => Outcome::Answered,
            Self::ReviewRevised => Outcome::ReviewRevised,
            Self::ReviewRemoved => Outcome::ReviewRemoved,
            Self::ReviewUnchanged => Outcome::ReviewUnchanged,
            _ => return None,
        })
    }

    /// The wire name (for the "unknown variant" error).
    const fn name(self) -> &'static str {
        match self {
            Self::AutoRefund => "auto_refund",
            Self::AutoApprove => "auto_approve",
            Self::CloseRejected => "close_rejected",
            Self::CloseInfoTimeout => "close_info_timeout",
            Self::CloseAbandoned => "close_abandoned",
            Self::ReleaseReturn => "release_return",
            Self::ProceedAfterInspection => "proceed_after_inspection",
            Self::EscalateToOwner => "escalate_to_owner",
            Self::AutoConfirmReceipt => "auto_confirm_receipt",
            Self::DeclineOffer => "decline_offer",
            Self::Refunded => "refunded",
            Self::Exchanged => "exchanged",
            Self::Repaired => "repaired",
            Self::Reshipped => "reshipped",
            Self::Rejected => "rejected",
            Self::Withdrawn => "withdrawn",
            Self::InfoTimeout => "info_timeout",
            Self::Abandoned => "abandoned",
            Self::ClosedByOwner => "closed_by_owner",
            Self::Answered => "answered",
            Self::ReviewRevised => "review_revised",
            Self::ReviewRemoved => "review_removed",
            Self::ReviewUnchanged => "review_unchanged",
            Self::Overdue => "overdue",
        }
    }
}

/// An [`EventKind`] as read: the tag and every variant's fields, each optional (a field name has
/// one type across the variants, `outcome` aside).
#[derive(Deserialize)]
struct EventKindWire {
    #[serde(rename = "type")]
    tag: EventKindTag,
    #[serde(default)]
    photos: Option<Vec<String>>,
    #[serde(default)]
    question: Option<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    solution: Option<Solution>,
    #[serde(default)]
    reason_code: Option<RejectReason>,
    #[serde(default)]
    by_timeout: Option<bool>,
    #[serde(default)]
    resolution: Option<Resolution>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    action: Option<OverrideAction>,
    #[serde(default)]
    carrier: Option<String>,
    #[serde(default)]
    tracking: Option<String>,
    #[serde(default)]
    breakdown: Option<RefundBreakdown>,
    #[serde(default)]
    inspection: Option<Inspection>,
    #[serde(default)]
    shipment: Option<ShipmentKind>,
    #[serde(default)]
    automatic: Option<bool>,
    #[serde(default)]
    due: Option<Timestamp>,
    #[serde(default)]
    outcome: Option<AnyOutcome>,
    #[serde(default)]
    stars: Option<u8>,
    #[serde(default)]
    comment: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    offer: Option<Offer>,
    #[serde(default)]
    proposal: Option<Proposal>,
    #[serde(default)]
    amount: Option<Money>,
    #[serde(default)]
    postage: Option<PostageClaim>,
    #[serde(default)]
    forum: Option<crate::domain::DisputeForum>,
    #[serde(default)]
    external_ref: Option<String>,
}

impl TryFrom<EventKindWire> for EventKind {
    type Error = WireError;

    fn try_from(w: EventKindWire) -> Result<Self, Self::Error> {
        use EventKindTag as T;
        Ok(match w.tag {
            T::Filed => Self::Filed,
            T::ProofAdded => Self::ProofAdded {
                photos: req(w.photos, "photos")?,
            },
            T::InfoRequested => Self::InfoRequested {
                question: req(w.question, "question")?,
            },
            T::InfoAnswered => Self::InfoAnswered {
                note: req(w.note, "note")?,
                photos: req(w.photos, "photos")?,
            },
            T::Approved => Self::Approved {
                solution: req(w.solution, "solution")?,
                note: req(w.note, "note")?,
            },
            T::Rejected => Self::Rejected {
                reason_code: req(w.reason_code, "reason_code")?,
                note: req(w.note, "note")?,
            },
            T::Escalated => Self::Escalated {
                note: req(w.note, "note")?,
                by_timeout: req(w.by_timeout, "by_timeout")?,
            },
            T::EscalationResolved => Self::EscalationResolved {
                resolution: req(w.resolution, "resolution")?,
                note: req(w.note, "note")?,
            },
            T::Overridden => Self::Overridden {
                reason: req(w.reason, "reason")?,
                action: req(w.action, "action")?,
            },
            T::ReturnShipped => Self::ReturnShipped {
                carrier: req(w.carrier, "carrier")?,
                tracking: req(w.tracking, "tracking")?,
                postage: w.postage,
            },
            T::PostageAdjusted => Self::PostageAdjusted {
                amount: req(w.amount, "amount")?,
                reason: req(w.reason, "reason")?,
            },
            T::FastRefunded => Self::FastRefunded {
                breakdown: req(w.breakdown, "breakdown")?,
            },
            T::ReturnArrived => Self::ReturnArrived,
            T::Received => Self::Received {
                inspection: req(w.inspection, "inspection")?,
            },
            T::ReturnDeemedReceived => Self::ReturnDeemedReceived,
            T::Refunded => Self::Refunded {
                breakdown: req(w.breakdown, "breakdown")?,
            },
            T::ItemShipped => Self::ItemShipped {
                shipment: req(w.shipment, "shipment")?,
                carrier: req(w.carrier, "carrier")?,
                tracking: req(w.tracking, "tracking")?,
            },
            T::ReceiptConfirmed => Self::ReceiptConfirmed {
                automatic: req(w.automatic, "automatic")?,
            },
            T::DeadlineExpired => {
                let due = req(w.due, "due")?;
                let any = req(w.outcome, "outcome")?;
                let outcome = any.expiry().ok_or(WireError::WrongVariant(
                    any.name(),
                    "`auto_refund`, `auto_approve`, `close_rejected`, `close_info_timeout`, \
                     `close_abandoned`, `release_return`, `proceed_after_inspection`, \
                     `escalate_to_owner`, `auto_confirm_receipt`, `decline_offer`",
                ))?;
                Self::DeadlineExpired { due, outcome }
            }
            T::Closed => {
                let any = req(w.outcome, "outcome")?;
                let outcome = any.outcome().ok_or(WireError::WrongVariant(
                    any.name(),
                    "`refunded`, `exchanged`, `repaired`, `reshipped`, `rejected`, `withdrawn`, \
                     `info_timeout`, `abandoned`, `closed_by_owner`",
                ))?;
                Self::Closed { outcome }
            }
            T::Reopened => Self::Reopened,
            T::Rated => Self::Rated {
                stars: req(w.stars, "stars")?,
                comment: req(w.comment, "comment")?,
            },
            T::MessagePosted => Self::MessagePosted {
                text: req(w.text, "text")?,
            },
            T::TakenToPlatform => Self::TakenToPlatform {
                forum: req(w.forum, "forum")?,
                external_ref: req(w.external_ref, "external_ref")?,
            },
            T::OfferMade => Self::OfferMade {
                offer: req(w.offer, "offer")?,
                note: req(w.note, "note")?,
            },
            T::OfferAccepted => Self::OfferAccepted,
            T::OfferDeclined => Self::OfferDeclined {
                note: req(w.note, "note")?,
                automatic: req(w.automatic, "automatic")?,
            },
            T::RefundProposed => Self::RefundProposed {
                proposal: req(w.proposal, "proposal")?,
                amount: req(w.amount, "amount")?,
                note: req(w.note, "note")?,
            },
            T::ProposalApproved => Self::ProposalApproved {
                note: req(w.note, "note")?,
            },
            T::ProposalDeclined => Self::ProposalDeclined {
                note: req(w.note, "note")?,
            },
        })
    }
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
