//! The queue's order (DOMAIN.md "Priority of the queue", 轻重缓急): a case that threatens a bad
//! review, a complaint or a platform dispute first, then the shop's faults, then no-fault
//! requests, then plain logistics questions; within a class the nearest deadline first. The
//! queue shows why a case is where it is, so every raise carries a reason.

use serde::{Deserialize, Serialize};

use crate::domain::{Actor, Case, CaseKind, CaseState, EventKind, Party, Timestamp};
use crate::wire::{WireError, req};

use super::deadline::current_deadline;
use super::settings::Policy;

/// Words in the buyer's own text that announce a bad review, a complaint or a dispute.
const THREAT_WORDS: [&str; 9] = [
    "差评",
    "投诉",
    "维权",
    "12315",
    "曝光",
    "bad review",
    "complain",
    "dispute",
    "chargeback",
];

/// The class of a case in the queue; lower is more urgent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PriorityClass {
    /// Threatens a bad review, a complaint or a dispute (差评/投诉/维权), or waits for the owner
    /// (escalated, or a refund above an agent's limit to sign off).
    Dispute,
    /// The shop is at fault.
    Fault,
    /// No fault (size, changed mind).
    Normal,
    /// A logistics question (where is my parcel).
    Logistics,
}

/// Why a case sits where it does in the queue.
///
/// Written with its `code` tag by the derive; read through [`PriorityReasonWire`] (see
/// [`crate::wire`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::EnumDiscriminants)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[strum_discriminants(
    name(PriorityReasonTag),
    vis(pub(crate)),
    derive(Deserialize, strum::EnumIter),
    serde(variant_identifier, rename_all = "snake_case")
)]
#[serde(
    tag = "code",
    rename_all = "snake_case",
    try_from = "PriorityReasonWire"
)]
#[cfg_attr(feature = "schema", schemars(!try_from))]
pub enum PriorityReason {
    /// A supervisor was asked to step in.
    Escalated,
    /// The shop rejected it; the buyer may escalate.
    Rejected,
    /// The shop's own deadline has passed.
    OverdueShopDeadline,
    /// The buyer's words announce a bad review, complaint or dispute.
    ThreatWords {
        /// The word found.
        word: String,
    },
    /// The shop is at fault.
    ShopFault,
    /// No fault.
    NoFault,
    /// A logistics question.
    Logistics,
    /// The buyer marked it urgent (a gift, an event).
    BuyerUrgent,
    /// An agent's refund above their limit waits for the owner's sign-off.
    AwaitingOwnerApproval,
    /// A complaint about the service (投诉): the owner answers it.
    Complaint,
    /// A bad review the shop follows up (差评挽回).
    BadReview,
    /// The buyer took the case to the platform or a consumer body (维权).
    PlatformDispute,
}

/// A [`PriorityReason`] as read: the tag and the threat word, optional.
#[derive(Deserialize)]
struct PriorityReasonWire {
    code: PriorityReasonTag,
    #[serde(default)]
    word: Option<String>,
}

impl TryFrom<PriorityReasonWire> for PriorityReason {
    type Error = WireError;

    fn try_from(w: PriorityReasonWire) -> Result<Self, WireError> {
        use PriorityReasonTag as T;
        Ok(match w.code {
            T::Escalated => Self::Escalated,
            T::Rejected => Self::Rejected,
            T::OverdueShopDeadline => Self::OverdueShopDeadline,
            T::ThreatWords => Self::ThreatWords {
                word: req(w.word, "word")?,
            },
            T::ShopFault => Self::ShopFault,
            T::NoFault => Self::NoFault,
            T::Logistics => Self::Logistics,
            T::BuyerUrgent => Self::BuyerUrgent,
            T::AwaitingOwnerApproval => Self::AwaitingOwnerApproval,
            T::Complaint => Self::Complaint,
            T::BadReview => Self::BadReview,
            T::PlatformDispute => Self::PlatformDispute,
        })
    }
}

/// Where a case belongs in the queue, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Priority {
    /// The class.
    pub class: PriorityClass,
    /// The current deadline, if any (paused deadlines included).
    pub due: Option<Timestamp>,
    /// The buyer marked the case urgent.
    pub urgent: bool,
    /// Why, most important first.
    pub reasons: Vec<PriorityReason>,
}

impl Priority {
    /// Sort key, lower = more urgent: class, then nearest deadline, then the buyer's urgency.
    #[must_use]
    pub fn sort_key(&self) -> (u8, i64, u8) {
        (
            self.class as u8,
            self.due.map_or(i64::MAX, |d| d.0),
            u8::from(!self.urgent),
        )
    }
}

/// The first threat word in `text`, if any (English matched case-insensitively).
fn threat_word(text: &str) -> Option<&'static str> {
    let lower = text.to_lowercase();
    THREAT_WORDS.into_iter().find(|w| lower.contains(w))
}

/// Where `case` belongs in the queue at `now`.
///
/// The buyer's urgency raises a case one class (a logistics question about a birthday gift is
/// worked like a normal request) but never into the dispute class, which is kept for real
/// threats; ordering urgent cases only within their class was rejected because a gift that
/// misses its day turns into a complaint.
#[must_use]
pub fn priority(case: &Case, policy: &Policy, now: Timestamp) -> Priority {
    let mut reasons = Vec::new();
    let state = case.state();
    let deadline = current_deadline(case, policy);
    let open = !state.is_closed();

    if open {
        match &state {
            CaseState::Escalated { .. } => reasons.push(PriorityReason::Escalated),
            CaseState::Rejected { .. } => reasons.push(PriorityReason::Rejected),
            // Like an escalation, it waits for the owner, who works the top of the queue: the
            // shop's clock keeps running behind the sign-off, and only the owner can move it.
            CaseState::AwaitingOwnerApproval { .. } => {
                reasons.push(PriorityReason::AwaitingOwnerApproval);
            }
            _ => {}
        }
        if case
            .events
            .iter()
            .any(|e| matches!(e.kind, EventKind::TakenToPlatform { .. }))
        {
            reasons.push(PriorityReason::PlatformDispute);
        }
        if let Some(d) = deadline
            && matches!(d.waiting_for, Party::Shop { .. })
            && !d.paused
            && now > d.due
        {
            reasons.push(PriorityReason::OverdueShopDeadline);
        }
        let buyer_texts = std::iter::once(case.request.note.as_str()).chain(
            case.events
                .iter()
                .filter(|e| e.actor == Actor::Buyer)
                .filter_map(|e| match &e.kind {
                    EventKind::MessagePosted { text } => Some(text.as_str()),
                    EventKind::Escalated { note, .. } | EventKind::InfoAnswered { note, .. } => {
                        Some(note.as_str())
                    }
                    _ => None,
                }),
        );
        if let Some(word) = buyer_texts.filter_map(threat_word).next() {
            reasons.push(PriorityReason::ThreatWords {
                word: word.to_owned(),
            });
        }
    }
    let threatened = !reasons.is_empty();

    let reason = case.request.reason;
    let (mut class, basis) = if case.request.kind == CaseKind::Complaint {
        (PriorityClass::Dispute, PriorityReason::Complaint)
    } else if case.request.kind == CaseKind::ReviewRecovery {
        (PriorityClass::Dispute, PriorityReason::BadReview)
    } else if reason.is_logistics() {
        (PriorityClass::Logistics, PriorityReason::Logistics)
    } else if reason.is_shop_fault() {
        (PriorityClass::Fault, PriorityReason::ShopFault)
    } else {
        (PriorityClass::Normal, PriorityReason::NoFault)
    };
    if case.request.urgent {
        class = match class {
            PriorityClass::Logistics => PriorityClass::Normal,
            PriorityClass::Normal | PriorityClass::Fault | PriorityClass::Dispute => {
                PriorityClass::Fault.min(class)
            }
        };
    }
    if threatened {
        class = PriorityClass::Dispute;
    }
    reasons.push(basis);
    if case.request.urgent {
        reasons.push(PriorityReason::BuyerUrgent);
    }
    Priority {
        class,
        due: if open { deadline.map(|d| d.due) } else { None },
        urgent: case.request.urgent,
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CaseKind, Command, Reason, RejectReason};
    use crate::policy::fixtures::{Run, agent, day_after_signed, line, order, request};

    fn run(reason: Reason, kind: CaseKind, note: &str, urgent: bool) -> Run {
        let mut o = order(vec![line("x", "misc", 9_900, 1)]);
        if reason == Reason::NotReceived {
            o.signed_for_at = None;
        }
        let mut r = request(kind, reason, &[("x", 1)]);
        // The courier confirms the loss (the parcel is still moving at the filing instant).
        r.carrier_confirms_loss = reason == Reason::NotReceived;
        r.note = note.into();
        r.urgent = urgent;
        Run::file(&o, r, day_after_signed(2, 10, 0)).expect("filed")
    }

    fn class_of(run: &Run) -> PriorityClass {
        priority(&run.case, &run.policy, run.now).class
    }

    #[test]
    fn the_queue_ranks_threats_then_faults_then_no_fault_then_logistics() {
        let table = [
            (
                Reason::WrongItem,
                CaseKind::Exchange,
                "再不处理就给差评",
                false,
                PriorityClass::Dispute,
            ),
            (
                Reason::SizeOrFit,
                CaseKind::Exchange,
                "I will file a Chargeback",
                false,
                PriorityClass::Dispute,
            ),
            (
                Reason::NotReceived,
                CaseKind::Reship,
                "打12315",
                false,
                PriorityClass::Dispute,
            ),
            (
                Reason::QualityFault,
                CaseKind::Exchange,
                "",
                false,
                PriorityClass::Fault,
            ),
            (
                Reason::SizeOrFit,
                CaseKind::Exchange,
                "",
                false,
                PriorityClass::Normal,
            ),
            (
                Reason::NotReceived,
                CaseKind::Reship,
                "",
                false,
                PriorityClass::Logistics,
            ),
            (
                Reason::NotReceived,
                CaseKind::Reship,
                "birthday gift",
                true,
                PriorityClass::Normal,
            ),
            (
                Reason::SizeOrFit,
                CaseKind::Exchange,
                "wedding on Saturday",
                true,
                PriorityClass::Fault,
            ),
        ];
        for (reason, kind, note, urgent, expected) in table {
            assert_eq!(
                class_of(&run(reason, kind, note, urgent)),
                expected,
                "{reason:?} {note}"
            );
        }
    }

    #[test]
    fn rejections_escalations_overdue_deadlines_and_buyer_messages_raise_a_case() {
        let mut rejected = run(Reason::SizeOrFit, CaseKind::Exchange, "", false);
        rejected.ok(
            &agent(),
            Command::Reject {
                reason_code: RejectReason::OutsideWindow,
                note: String::new(),
            },
        );
        let p = priority(&rejected.case, &rejected.policy, rejected.now);
        assert_eq!(
            (p.class, p.reasons[0].clone()),
            (PriorityClass::Dispute, PriorityReason::Rejected)
        );

        let mut overdue = run(Reason::SizeOrFit, CaseKind::Exchange, "", false);
        overdue.at(day_after_signed(5, 10, 0));
        let p = priority(&overdue.case, &overdue.policy, overdue.now);
        assert!(p.reasons.contains(&PriorityReason::OverdueShopDeadline));

        let mut angry = run(Reason::SizeOrFit, CaseKind::Exchange, "", false);
        angry.ok(
            &Actor::Buyer,
            Command::Message {
                text: "我要投诉".into(),
            },
        );
        let p = priority(&angry.case, &angry.policy, angry.now);
        assert_eq!(
            p.reasons[0],
            PriorityReason::ThreatWords {
                word: "投诉".into()
            }
        );

        // Staff words are not the buyer's threats.
        let mut calm = run(Reason::SizeOrFit, CaseKind::Exchange, "", false);
        calm.ok(
            &agent(),
            Command::Message {
                text: "no complaint needed, we will fix it".into(),
            },
        );
        assert_eq!(class_of(&calm), PriorityClass::Normal);
    }

    #[test]
    fn a_refund_waiting_for_the_owners_sign_off_comes_to_the_top_with_its_reason() {
        use crate::domain::{Money, Solution};
        let mut run = run(Reason::QualityFault, CaseKind::Exchange, "", false);
        run.policy.approval_limits.agent = Some(Money(100));
        run.ok(
            &agent(),
            Command::Approve {
                solution: Solution::RefundOnly { amount: None },
                note: String::new(),
            },
        );
        let p = priority(&run.case, &run.policy, run.now);
        assert_eq!(
            (p.class, p.reasons[0].clone()),
            (
                PriorityClass::Dispute,
                PriorityReason::AwaitingOwnerApproval
            )
        );
        // The shop's own clock still counts: the queue shows when the step is due.
        assert!(p.due.is_some());
    }

    #[test]
    fn within_a_class_the_nearest_deadline_comes_first_then_urgency() {
        let early = run(Reason::QualityFault, CaseKind::Exchange, "", false);
        let mut late = run(Reason::QualityFault, CaseKind::Exchange, "", false);
        late.case.filed_at = late.case.filed_at.plus_hours(5);
        late.case.events[0].at = late.case.filed_at;
        let key = |r: &Run| priority(&r.case, &r.policy, r.now).sort_key();
        assert!(key(&early) < key(&late));
        let urgent = run(Reason::QualityFault, CaseKind::Exchange, "", true);
        assert!(key(&urgent) < key(&early));
        let threat = run(Reason::SizeOrFit, CaseKind::Exchange, "bad review!", false);
        assert!(key(&threat) < key(&urgent));
    }
}
