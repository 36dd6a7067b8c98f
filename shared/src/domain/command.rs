//! Commands: what each actor may ask the engine to do on a case, and their payloads.

use serde::{Deserialize, Serialize};

use super::case::CaseKind;
use super::values::{Money, Timestamp};
use crate::wire::{WireError, absent, req};

/// The shop's answer to a request: which kind of after-sales service it grants. An agent may
/// grant a different kind than the buyer asked for (an exchange instead of a refund); the engine
/// checks it against the line's eligibility.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::EnumDiscriminants)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[strum_discriminants(
    name(SolutionTag),
    vis(pub(crate)),
    derive(Deserialize, strum::EnumIter),
    serde(rename_all = "snake_case")
)]
#[serde(
    tag = "kind",
    rename_all = "snake_case",
    deny_unknown_fields,
    try_from = "SolutionWire"
)]
#[cfg_attr(feature = "schema", schemars(!try_from))]
pub enum Solution {
    /// Money back without the goods coming back.
    RefundOnly {
        /// An amount agreed with the buyer below the full breakdown (部分退款); `None` refunds
        /// the full breakdown.
        #[serde(default)]
        amount: Option<Money>,
    },
    /// The goods come back, then the money.
    ReturnAndRefund,
    /// The goods come back, then a new unit goes out.
    Exchange,
    /// The goods go to repair and come back repaired.
    Repair,
    /// The missing goods are shipped again.
    Reship,
}

impl Solution {
    /// The kind of service this solution grants.
    #[must_use]
    pub const fn kind(&self) -> CaseKind {
        match self {
            Self::RefundOnly { .. } => CaseKind::RefundOnly,
            Self::ReturnAndRefund => CaseKind::ReturnAndRefund,
            Self::Exchange => CaseKind::Exchange,
            Self::Repair => CaseKind::Repair,
            Self::Reship => CaseKind::Reship,
        }
    }

    /// The solution that grants exactly what the buyer asked for; none for a question, which
    /// is answered rather than granted.
    #[must_use]
    pub const fn as_requested(kind: CaseKind) -> Option<Self> {
        Some(match kind {
            CaseKind::RefundOnly => Self::RefundOnly { amount: None },
            CaseKind::ReturnAndRefund => Self::ReturnAndRefund,
            CaseKind::Exchange => Self::Exchange,
            CaseKind::Repair => Self::Repair,
            CaseKind::Reship => Self::Reship,
            CaseKind::ParcelQuestion | CaseKind::Complaint | CaseKind::ReviewRecovery => {
                return None;
            }
        })
    }
}

/// What the shop offers the buyer instead of refusing (协商, DOMAIN.md "Negotiation"): each is
/// a solution the buyer did not ask for, so it applies only if the buyer accepts it. Reship is
/// not offered: it answers a lost parcel, not a dispute about the goods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::EnumDiscriminants)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[strum_discriminants(
    name(OfferTag),
    vis(pub(crate)),
    derive(Deserialize, strum::EnumIter),
    serde(rename_all = "snake_case")
)]
#[serde(
    tag = "kind",
    rename_all = "snake_case",
    deny_unknown_fields,
    try_from = "OfferWire"
)]
#[cfg_attr(feature = "schema", schemars(!try_from))]
pub enum Offer {
    /// Part of the money back while the buyer keeps the goods: once accepted, a refund-only of
    /// `amount` with nothing sent back (or, when the goods already came back, a refund of
    /// `amount` for them).
    PartialRefund {
        /// What the shop refunds, at most the case's full breakdown.
        amount: Money,
    },
    /// A new unit instead of the money.
    Exchange,
    /// A repair instead of the money.
    Repair,
}

impl Offer {
    /// The solution an accepted offer grants, exactly as if the shop had approved it.
    #[must_use]
    pub const fn solution(&self) -> Solution {
        match self {
            Self::PartialRefund { amount } => Solution::RefundOnly {
                amount: Some(*amount),
            },
            Self::Exchange => Solution::Exchange,
            Self::Repair => Solution::Repair,
        }
    }
}

/// What an agent asked for that is above their refund limit (DOMAIN.md "Two people for big
/// money"): it waits for the owner, who applies it as sent or declines it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::EnumDiscriminants)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[strum_discriminants(
    name(ProposalTag),
    vis(pub(crate)),
    derive(Deserialize, strum::EnumIter),
    serde(rename_all = "snake_case")
)]
#[serde(
    tag = "action",
    rename_all = "snake_case",
    deny_unknown_fields,
    try_from = "ProposalWire"
)]
#[cfg_attr(feature = "schema", schemars(!try_from))]
pub enum Proposal {
    /// Grant this solution (an agent's [`Command::Approve`]).
    Approve {
        /// What would be granted.
        solution: Solution,
    },
    /// Offer this to the buyer (an agent's [`Command::Offer`]).
    Offer {
        /// What would be offered.
        offer: Offer,
    },
}

/// What the warehouse found when it opened the returned parcel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Inspection {
    /// Complete and in the condition the category's intact rule requires.
    pub passed: bool,
    /// What the warehouse saw.
    #[serde(default)]
    pub note: String,
    /// Amount to deduct from the refund for the damage found; only with a failed inspection.
    #[serde(default)]
    pub deduction: Money,
}

/// Return postage the buyer advanced and asks back (DOMAIN.md "Return postage the shop owes"),
/// sent with the return's tracking number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PostageClaim {
    /// What the courier charged, as on the receipt.
    pub amount: Money,
    /// The photo of the receipt (a reference from the photo upload).
    pub receipt: String,
}

/// Why the shop refuses a request. Stable codes, so that refusals can be counted and explained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    /// The request came after its window.
    OutsideWindow,
    /// The item is excluded from what was asked.
    ExcludedItem,
    /// The goods are used, damaged by the buyer or incomplete.
    NotIntact,
    /// The shop found no fault.
    NoFaultFound,
    /// The proof does not show the problem.
    InsufficientProof,
    /// The courier record shows the parcel was delivered.
    DeliveryConfirmed,
    /// An empty box or a swapped item came back (counts as abuse).
    Fraud,
    /// The same problem is already handled in another case.
    Duplicate,
    /// Anything else; the note says what.
    Other,
}

impl RejectReason {
    /// True if the rejection counts against the buyer's trust (fast refund, see
    /// [`crate::policy::BuyerStanding::rejected_for_abuse`]).
    #[must_use]
    pub const fn is_abuse(self) -> bool {
        matches!(self, Self::Fraud)
    }
}

/// The owner's decision on an escalated case (介入).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::EnumDiscriminants)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[strum_discriminants(
    name(ResolutionTag),
    vis(pub(crate)),
    derive(Deserialize, strum::EnumIter),
    serde(rename_all = "snake_case")
)]
#[serde(
    tag = "decision",
    rename_all = "snake_case",
    deny_unknown_fields,
    try_from = "ResolutionWire"
)]
#[cfg_attr(feature = "schema", schemars(!try_from))]
pub enum Resolution {
    /// Grant this solution (the case continues with it).
    Approve {
        /// What is granted.
        solution: Solution,
    },
    /// Uphold a refusal: the case closes as rejected.
    Reject {
        /// Why.
        reason_code: RejectReason,
    },
    /// Send the case back to where it was; its clock resumes where it paused (or restarts, if
    /// the escalation was caused by that clock running out).
    Resume,
}

/// What an owner's override does. Overrides bypass eligibility windows (goodwill), never the
/// safety rules: money and replacements still wait for the return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::EnumDiscriminants)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[strum_discriminants(
    name(OverrideTag),
    vis(pub(crate)),
    derive(Deserialize, strum::EnumIter),
    serde(rename_all = "snake_case")
)]
#[serde(
    tag = "action",
    rename_all = "snake_case",
    deny_unknown_fields,
    try_from = "OverrideActionWire"
)]
#[cfg_attr(feature = "schema", schemars(!try_from))]
pub enum OverrideAction {
    /// Grant a solution even where the policy would refuse it.
    Approve {
        /// What is granted.
        solution: Solution,
    },
    /// Close the case now.
    Close,
}

// The payload enums above are read through flat structs (see `crate::wire`): the tag plus
// every variant's fields as options, no unknown field allowed, then a conversion that refuses a
// field that belongs to another variant. Serde's derive would instead ignore unknown fields next
// to a unit variant (`{"kind":"exchange","amount":100}` read as a plain exchange), and it reads
// through its `Content` buffer, which costs the portal's wasm several kilobytes.

/// A [`Solution`] as read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SolutionWire {
    kind: SolutionTag,
    #[serde(default)]
    amount: Option<Money>,
}

impl TryFrom<SolutionWire> for Solution {
    type Error = WireError;

    fn try_from(w: SolutionWire) -> Result<Self, Self::Error> {
        if !matches!(w.kind, SolutionTag::RefundOnly) {
            absent(&w.amount, "amount")?;
        }
        Ok(match w.kind {
            SolutionTag::RefundOnly => Self::RefundOnly { amount: w.amount },
            SolutionTag::ReturnAndRefund => Self::ReturnAndRefund,
            SolutionTag::Exchange => Self::Exchange,
            SolutionTag::Repair => Self::Repair,
            SolutionTag::Reship => Self::Reship,
        })
    }
}

/// An [`Offer`] as read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OfferWire {
    kind: OfferTag,
    #[serde(default)]
    amount: Option<Money>,
}

impl TryFrom<OfferWire> for Offer {
    type Error = WireError;

    fn try_from(w: OfferWire) -> Result<Self, Self::Error> {
        Ok(match w.kind {
            OfferTag::PartialRefund => Self::PartialRefund {
                amount: req(w.amount, "amount")?,
            },
            OfferTag::Exchange => {
                absent(&w.amount, "amount")?;
                Self::Exchange
            }
            OfferTag::Repair => {
                absent(&w.amount, "amount")?;
                Self::Repair
            }
        })
    }
}

/// A [`Proposal`] as read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProposalWire {
    action: ProposalTag,
    #[serde(default)]
    solution: Option<Solution>,
    #[serde(default)]
    offer: Option<Offer>,
}

impl TryFrom<ProposalWire> for Proposal {
    type Error = WireError;

    fn try_from(w: ProposalWire) -> Result<Self, Self::Error> {
        Ok(match w.action {
            ProposalTag::Approve => {
                absent(&w.offer, "offer")?;
                Self::Approve {
                    solution: req(w.solution, "solution")?,
                }
            }
            ProposalTag::Offer => {
                absent(&w.solution, "solution")?;
                Self::Offer {
                    offer: req(w.offer, "offer")?,
                }
            }
        })
    }
}

/// A [`Resolution`] as read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResolutionWire {
    decision: ResolutionTag,
    #[serde(default)]
    solution: Option<Solution>,
    #[serde(default)]
    reason_code: Option<RejectReason>,
}

impl TryFrom<ResolutionWire> for Resolution {
    type Error = WireError;

    fn try_from(w: ResolutionWire) -> Result<Self, Self::Error> {
        Ok(match w.decision {
            ResolutionTag::Approve => {
                absent(&w.reason_code, "reason_code")?;
                Self::Approve {
                    solution: req(w.solution, "solution")?,
                }
            }
            ResolutionTag::Reject => {
                absent(&w.solution, "solution")?;
                Self::Reject {
                    reason_code: req(w.reason_code, "reason_code")?,
                }
            }
            ResolutionTag::Resume => {
                absent(&w.solution, "solution")?;
                absent(&w.reason_code, "reason_code")?;
                Self::Resume
            }
        })
    }
}

/// An [`OverrideAction`] as read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OverrideActionWire {
    action: OverrideTag,
    #[serde(default)]
    solution: Option<Solution>,
}

impl TryFrom<OverrideActionWire> for OverrideAction {
    type Error = WireError;

    fn try_from(w: OverrideActionWire) -> Result<Self, Self::Error> {
        Ok(match w.action {
            OverrideTag::Approve => Self::Approve {
                solution: req(w.solution, "solution")?,
            },
            OverrideTag::Close => {
                absent(&w.solution, "solution")?;
                Self::Close
            }
        })
    }
}

/// Everything an actor can ask of a case. Which actor may send which command, and in which
/// state, is decided by [`crate::policy::decide`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    // Buyer.
    /// Attach more proof photos (references to stored files).
    AddProof {
        /// Photo references.
        photos: Vec<String>,
    },
    /// Answer the shop's request for information, or revise the request after a rejection.
    AnswerInfo {
        /// The answer.
        note: String,
        /// Photos supporting it.
        #[serde(default)]
        photos: Vec<String>,
    },
    /// The return is on its way: the courier and tracking number.
    EnterReturnTracking {
        /// The courier's name.
        carrier: String,
        /// The tracking number.
        tracking: String,
        /// The postage the buyer advanced, when the shop owes it and sent no prepaid label.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        postage: Option<PostageClaim>,
    },
    /// Withdraw the request.
    Cancel,
    /// Ask a supervisor to step in (buyer: after a rejection; staff: when beyond their authority).
    Escalate {
        /// Why.
        #[serde(default)]
        note: String,
    },
    /// The replacement, repaired item or reshipment arrived.
    ConfirmReceipt,
    /// Rate the service once the case is closed.
    Rate {
        /// 1 to 5.
        stars: u8,
        /// Optional comment.
        #[serde(default)]
        comment: String,
    },
    /// Reopen a case closed because the asked-for information did not come (once).
    Reopen,
    /// A message to the other side (buyer or staff).
    Message {
        /// The text.
        text: String,
    },
    /// Accept the shop's open offer: it applies as the shop's approval of it would.
    AcceptOffer,
    /// Decline the shop's open offer: the shop decides again.
    DeclineOffer {
        /// Why, for the shop.
        #[serde(default)]
        note: String,
    },
    // Agent.
    /// Grant a solution.
    Approve {
        /// What is granted.
        solution: Solution,
        /// The explanation shown to the buyer.
        #[serde(default)]
        note: String,
    },
    /// Refuse the request.
    Reject {
        /// Why, as a stable code.
        reason_code: RejectReason,
        /// The explanation shown to the buyer.
        #[serde(default)]
        note: String,
    },
    /// Ask the buyer for information or proof.
    RequestInfo {
        /// What is asked.
        question: String,
    },
    /// Offer the buyer another solution instead of refusing (协商); the buyer accepts or
    /// declines it.
    Offer {
        /// What is offered.
        offer: Offer,
        /// The explanation shown to the buyer.
        #[serde(default)]
        note: String,
    },
    /// Answer the buyer's question or complaint (a [`crate::domain::CaseKind::is_question`]
    /// case): the answer is posted and the case closes as answered.
    Answer {
        /// The answer shown to the buyer.
        text: String,
    },
    /// The buyer took the case to the platform or a consumer body (维权): recorded with its
    /// reference there; an open case goes to the owner with its clocks paused, as an escalation.
    TakeToPlatform {
        /// Where.
        forum: crate::domain::DisputeForum,
        /// The platform's or the body's reference for the dispute.
        external_ref: String,
        /// What the shop knows of it.
        #[serde(default)]
        note: String,
    },
    /// A goodwill payment (a small refund that is not for goods) on a bad review's follow-up or
    /// a complaint, within the shop's cap per case ([`crate::policy::Policy::goodwill_cap`]) and
    /// what the order's buyer paid minus its refunds; an agent also within their own limit.
    Goodwill {
        /// What is paid.
        amount: Money,
        /// Shown to the buyer with it (the apology).
        #[serde(default)]
        note: String,
    },
    /// Record what became of the bad review a review follow-up is about; the case closes.
    RecordReviewOutcome {
        /// Revised, removed or unchanged.
        outcome: crate::domain::ReviewOutcome,
    },
    /// Set the return postage the refund pays back (the receipt says otherwise, or the buyer
    /// sent it another way), with a recorded reason. It replaces the buyer's claim.
    AdjustPostage {
        /// The postage to pay back (before the shop's cap).
        amount: Money,
        /// Why (required, kept in the history).
        reason: String,
    },
    // Warehouse (and the courier's notification, as the system).
    /// The courier reports the return parcel signed for at the shop.
    ReturnArrived,
    /// The return was opened and inspected.
    Receive {
        /// What was found.
        inspection: Inspection,
    },
    /// The replacement, repaired item or reshipment left the shop.
    Ship {
        /// The courier's name.
        carrier: String,
        /// The tracking number.
        tracking: String,
    },
    // Owner.
    /// Decide an escalated case.
    ResolveEscalation {
        /// The decision.
        resolution: Resolution,
        /// The explanation shown to the buyer.
        #[serde(default)]
        note: String,
    },
    /// Act outside the policy, with a recorded reason.
    Override {
        /// Why (required, kept in the history).
        reason: String,
        /// What to do.
        action: OverrideAction,
    },
    /// Apply the agent's proposal that is above their refund limit, as the agent sent it.
    ApproveProposal {
        /// For the agent.
        #[serde(default)]
        note: String,
    },
    /// Decline the agent's proposal: the case is back to the agent's decision.
    DeclineProposal {
        /// Why, for the agent.
        #[serde(default)]
        note: String,
    },
    // System.
    /// The deadline due at `due` has passed: run its automatic outcome. Stale or repeated
    /// expiries are no-ops, so the worker may retry freely.
    Expire {
        /// The due instant of the deadline being expired (from [`crate::policy::due_timeout`]).
        due: Timestamp,
    },
}

/// The kind of a [`Command`], without its payload: what the pages enable as buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// See [`Command::AddProof`].
    AddProof,
    /// See [`Command::AnswerInfo`].
    AnswerInfo,
    /// See [`Command::EnterReturnTracking`].
    EnterReturnTracking,
    /// See [`Command::Cancel`].
    Cancel,
    /// See [`Command::Escalate`].
    Escalate,
    /// See [`Command::ConfirmReceipt`].
    ConfirmReceipt,
    /// See [`Command::Rate`].
    Rate,
    /// See [`Command::Reopen`].
    Reopen,
    /// See [`Command::Message`].
    Message,
    /// See [`Command::AcceptOffer`].
    AcceptOffer,
    /// See [`Command::DeclineOffer`].
    DeclineOffer,
    /// See [`Command::Approve`].
    Approve,
    /// See [`Command::Reject`].
    Reject,
    /// See [`Command::RequestInfo`].
    RequestInfo,
    /// See [`Command::Offer`].
    Offer,
    /// See [`Command::AdjustPostage`].
    AdjustPostage,
    /// See [`Command::Answer`].
    Answer,
    /// See [`Command::Goodwill`].
    Goodwill,
    /// See [`Command::RecordReviewOutcome`].
    RecordReviewOutcome,
    /// See [`Command::TakeToPlatform`].
    TakeToPlatform,
    /// See [`Command::ReturnArrived`].
    ReturnArrived,
    /// See [`Command::Receive`].
    Receive,
    /// See [`Command::Ship`].
    Ship,
    /// See [`Command::ResolveEscalation`].
    ResolveEscalation,
    /// See [`Command::Override`].
    Override,
    /// See [`Command::ApproveProposal`].
    ApproveProposal,
    /// See [`Command::DeclineProposal`].
    DeclineProposal,
    /// See [`Command::Expire`].
    Expire,
}

impl ActionKind {
    /// Every action, in a stable order.
    pub const ALL: [Self; 28] = [
        Self::AddProof,
        Self::AnswerInfo,
        Self::EnterReturnTracking,
        Self::Cancel,
        Self::Escalate,
        Self::ConfirmReceipt,
        Self::Rate,
        Self::Reopen,
        Self::Message,
        Self::AcceptOffer,
        Self::DeclineOffer,
        Self::Approve,
        Self::Reject,
        Self::RequestInfo,
        Self::Offer,
        Self::AdjustPostage,
        Self::Answer,
        Self::Goodwill,
        Self::RecordReviewOutcome,
        Self::TakeToPlatform,
        Self::ReturnArrived,
        Self::Receive,
        Self::Ship,
        Self::ResolveEscalation,
        Self::Override,
        Self::ApproveProposal,
        Self::DeclineProposal,
        Self::Expire,
    ];

    /// Stable snake_case name (as in JSON).
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::AddProof => "add_proof",
            Self::AnswerInfo => "answer_info",
            Self::EnterReturnTracking => "enter_return_tracking",
            Self::Cancel => "cancel",
            Self::Escalate => "escalate",
            Self::ConfirmReceipt => "confirm_receipt",
            Self::Rate => "rate",
            Self::Reopen => "reopen",
            Self::Message => "message",
            Self::AcceptOffer => "accept_offer",
            Self::DeclineOffer => "decline_offer",
            Self::Approve => "approve",
            Self::Reject => "reject",
            Self::RequestInfo => "request_info",
            Self::Offer => "offer",
            Self::AdjustPostage => "adjust_postage",
            Self::Answer => "answer",
            Self::Goodwill => "goodwill",
            Self::RecordReviewOutcome => "record_review_outcome",
            Self::TakeToPlatform => "take_to_platform",
            Self::ReturnArrived => "return_arrived",
            Self::Receive => "receive",
            Self::Ship => "ship",
            Self::ResolveEscalation => "resolve_escalation",
            Self::Override => "override",
            Self::ApproveProposal => "approve_proposal",
            Self::DeclineProposal => "decline_proposal",
            Self::Expire => "expire",
        }
    }
}

impl Command {
    /// The kind of this command.
    #[must_use]
    pub const fn action(&self) -> ActionKind {
        match self {
            Self::AddProof { .. } => ActionKind::AddProof,
            Self::AnswerInfo { .. } => ActionKind::AnswerInfo,
            Self::EnterReturnTracking { .. } => ActionKind::EnterReturnTracking,
            Self::Cancel => ActionKind::Cancel,
            Self::Escalate { .. } => ActionKind::Escalate,
            Self::ConfirmReceipt => ActionKind::ConfirmReceipt,
            Self::Rate { .. } => ActionKind::Rate,
            Self::Reopen => ActionKind::Reopen,
            Self::Message { .. } => ActionKind::Message,
            Self::AcceptOffer => ActionKind::AcceptOffer,
            Self::DeclineOffer { .. } => ActionKind::DeclineOffer,
            Self::Approve { .. } => ActionKind::Approve,
            Self::Reject { .. } => ActionKind::Reject,
            Self::RequestInfo { .. } => ActionKind::RequestInfo,
            Self::Offer { .. } => ActionKind::Offer,
            Self::AdjustPostage { .. } => ActionKind::AdjustPostage,
            Self::Answer { .. } => ActionKind::Answer,
            Self::Goodwill { .. } => ActionKind::Goodwill,
            Self::RecordReviewOutcome { .. } => ActionKind::RecordReviewOutcome,
            Self::TakeToPlatform { .. } => ActionKind::TakeToPlatform,
            Self::ReturnArrived => ActionKind::ReturnArrived,
            Self::Receive { .. } => ActionKind::Receive,
            Self::Ship { .. } => ActionKind::Ship,
            Self::ResolveEscalation { .. } => ActionKind::ResolveEscalation,
            Self::Override { .. } => ActionKind::Override,
            Self::ApproveProposal { .. } => ActionKind::ApproveProposal,
            Self::DeclineProposal { .. } => ActionKind::DeclineProposal,
            Self::Expire { .. } => ActionKind::Expire,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_tagged_by_type_in_snake_case() {
        let cmd = Command::Approve {
            solution: Solution::Exchange,
            note: "sorry".into(),
        };
        let json = serde_json::to_string(&cmd).unwrap_or_default();
        assert_eq!(
            json,
            r#"{"type":"approve","solution":{"kind":"exchange"},"note":"sorry"}"#
        );
        let back: Command = serde_json::from_str(&json).unwrap_or(Command::Cancel);
        assert_eq!(back, cmd);
    }

    #[test]
    fn unit_commands_and_defaults_parse_from_minimal_json() {
        let cancel: Result<Command, _> = serde_json::from_str(r#"{"type":"cancel"}"#);
        assert_eq!(cancel.ok(), Some(Command::Cancel));
        let approve: Result<Command, _> =
            serde_json::from_str(r#"{"type":"approve","solution":{"kind":"refund_only"}}"#);
        assert_eq!(
            approve.ok(),
            Some(Command::Approve {
                solution: Solution::RefundOnly { amount: None },
                note: String::new()
            })
        );
    }

    #[test]
    fn negotiation_and_proposal_commands_have_these_shapes() {
        let table = [
            (
                Command::Offer {
                    offer: Offer::PartialRefund {
                        amount: Money(5_000),
                    },
                    note: "keep it".into(),
                },
                r#"{"type":"offer","offer":{"kind":"partial_refund","amount":5000},"note":"keep it"}"#,
            ),
            (
                Command::Offer {
                    offer: Offer::Repair,
                    note: String::new(),
                },
                r#"{"type":"offer","offer":{"kind":"repair"},"note":""}"#,
            ),
            (Command::AcceptOffer, r#"{"type":"accept_offer"}"#),
            (
                Command::DeclineOffer { note: "no".into() },
                r#"{"type":"decline_offer","note":"no"}"#,
            ),
            (
                Command::ApproveProposal { note: "ok".into() },
                r#"{"type":"approve_proposal","note":"ok"}"#,
            ),
            (
                Command::DeclineProposal {
                    note: String::new(),
                },
                r#"{"type":"decline_proposal","note":""}"#,
            ),
        ];
        for (command, json) in table {
            assert_eq!(serde_json::to_string(&command).unwrap_or_default(), json);
            let back: Result<Command, _> = serde_json::from_str(json);
            assert_eq!(back.ok(), Some(command));
        }
        // Notes default to empty; an amount belongs to the partial refund only.
        let minimal: Result<Command, _> = serde_json::from_str(r#"{"type":"decline_offer"}"#);
        assert_eq!(
            minimal.ok(),
            Some(Command::DeclineOffer {
                note: String::new()
            })
        );
        for bad in [
            r#"{"type":"offer","offer":{"kind":"exchange","amount":1}}"#,
            r#"{"type":"offer","offer":{"kind":"partial_refund"}}"#,
            r#"{"type":"offer","offer":{"kind":"reship"}}"#,
            r#"{"type":"offer"}"#,
        ] {
            assert!(serde_json::from_str::<Command>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn unknown_fields_in_a_command_are_refused() {
        let bad: Result<Command, _> =
            serde_json::from_str(r#"{"type":"message","text":"hi","admin":true}"#);
        assert!(bad.is_err());
    }

    #[test]
    fn every_action_kind_is_listed_once_and_its_code_matches_serde() {
        for (i, a) in ActionKind::ALL.iter().enumerate() {
            assert!(!ActionKind::ALL[..i].contains(a));
            let json = serde_json::to_string(a).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", a.code()));
        }
    }
}
