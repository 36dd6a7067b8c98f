//! What each caller sees of a case and its order, as pure functions over the stored case. The
//! store keeps everything; what leaves the worker is cut to what the reader needs:
//!
//! | reader | order contacts | staff ids in the history | internal notes | shop-wide figures |
//! | --- | --- | --- | --- | --- |
//! | buyer | masked | role only | removed | no |
//! | warehouse | masked | shown | shown | no |
//! | agent, owner | shown | shown | shown | yes |
//!
//! * A buyer sees who acted by role ("the shop", "the warehouse", "a supervisor"), never which
//!   account: ids are the shop's internal business and would let a buyer pick on one employee.
//!   Internal notes are the owner's reason for an override (also repeated as the note of the
//!   approval the override grants), the note a member of staff writes when escalating to a
//!   supervisor, and the notes of a refund proposal and of the owner's answer to it; what the
//!   shop writes *to* the buyer (approval, rejection, offer and resolution notes, questions,
//!   messages, inspection findings) stays.
//! * The warehouse receives, inspects and ships parcels: it needs the buyer's name to match a
//!   parcel, not the e-mail address or phone number (the order holds no postal address; the
//!   courier has it). It does not read the analytics or the export, which list every case's
//!   refunds and agents' ratings.
//!
//! Rejected: masking in the handlers (one rule per route, easy to forget on the next route) and
//! storing masked copies (the history must stay complete for staff and for the rebuild).

use shared::domain::{Actor, Case, EventKind, Order, Role};

/// Roles that read shop-wide figures: the analytics and the CSV export of every case.
pub const REPORT_ROLES: [Role; 2] = [Role::Agent, Role::Owner];

/// The case as `actor` may see it.
pub fn case_for(actor: &Actor, case: Case) -> Case {
    match actor {
        Actor::Buyer => masked_case(case),
        Actor::Staff {
            role: Role::Warehouse,
            ..
        } => Case {
            order: masked(case.order),
            ..case
        },
        // The system never reads a view; it decides on the stored case like agents and owners.
        Actor::Staff {
            role: Role::Agent | Role::Owner,
            ..
        }
        | Actor::System => case,
    }
}

/// An order with the contact details masked, so that knowing the e-mail does not reveal the
/// phone number (or the other way round), and a warehouse screen shows neither.
pub fn masked(mut order: Order) -> Order {
    order.buyer.email = order.buyer.email.map(|e| match e.split_once('@') {
        Some((user, domain)) => format!("{}***@{domain}", user.chars().next().unwrap_or('*')),
        None => "***".into(),
    });
    order.buyer.phone = order.buyer.phone.map(|p| {
        let digits: Vec<char> = p.chars().filter(char::is_ascii_digit).collect();
        let tail: String = digits.iter().skip(digits.len().saturating_sub(4)).collect();
        format!("****{tail}")
    });
    order
}

/// A case as its buyer sees it: the order masked, staff known by role only, internal notes
/// removed (see the module's table).
pub fn masked_case(mut case: Case) -> Case {
    case.order = masked(case.order);
    // The approval an override grants comes right after it and repeats its reason as its note.
    let mut after_override = false;
    for event in &mut case.events {
        let by_staff = matches!(event.actor, Actor::Staff { .. });
        if let Actor::Staff { id, .. } = &mut event.actor {
            id.clear();
        }
        let follows_override = std::mem::replace(
            &mut after_override,
            matches!(event.kind, EventKind::Overridden { .. }),
        );
        // Every kind listed: a new one carrying staff-only text must be considered here.
        match &mut event.kind {
            EventKind::Overridden { reason, .. } => reason.clear(),
            EventKind::Escalated { note, .. } => {
                if by_staff {
                    note.clear();
                }
            }
            EventKind::Approved { note, .. } => {
                if follows_override {
                    note.clear();
                }
            }
            // A proposal is the shop's internal sign-off (an agent asking the owner): the
            // agent's note reaches the buyer with the approval or offer once applied, and the
            // owner's answer is for the agent.
            EventKind::RefundProposed { note, .. }
            | EventKind::ProposalApproved { note }
            | EventKind::ProposalDeclined { note } => note.clear(),
            EventKind::Filed
            | EventKind::ProofAdded { .. }
            | EventKind::InfoRequested { .. }
            | EventKind::InfoAnswered { .. }
            | EventKind::Rejected { .. }
            | EventKind::EscalationResolved { .. }
            | EventKind::ReturnShipped { .. }
            // The buyer sees why the postage paid back differs from their receipt.
            | EventKind::PostageAdjusted { .. }
            | EventKind::FastRefunded { .. }
            | EventKind::ReturnArrived
            | EventKind::Received { .. }
            | EventKind::ReturnDeemedReceived
            | EventKind::Refunded { .. }
            | EventKind::ItemShipped { .. }
            | EventKind::ReceiptConfirmed { .. }
            | EventKind::DeadlineExpired { .. }
            | EventKind::Closed { .. }
            | EventKind::Reopened
            | EventKind::Rated { .. }
            | EventKind::MessagePosted { .. }
            | EventKind::OfferMade { .. }
            | EventKind::OfferAccepted
            | EventKind::OfferDeclined { .. }
            // The buyer knows where they took the case; the staff's note rides on the
            // escalation that follows, cleared above.
            | EventKind::TakenToPlatform { .. } => {}
        }
    }
    case
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::domain::{
        BuyerContact, CaseKind, CaseRequest, Event, LineFlags, Money, OrderLine, OverrideAction,
        Reason, RequestedLine, Solution, Timestamp,
    };

    fn staff(id: &str, role: Role) -> Actor {
        Actor::Staff {
            id: id.into(),
            role,
        }
    }

    fn event(actor: Actor, kind: EventKind) -> Event {
        Event {
            at: Timestamp(1),
            actor,
            kind,
        }
    }

    fn case() -> Case {
        Case {
            id: "AS-1".into(),
            order: Order {
                number: "N1".into(),
                shop_id: "demo".into(),
                currency: "CNY".into(),
                buyer: BuyerContact {
                    name: "王小明".into(),
                    email: Some("xiaoming.wang@example.cn".into()),
                    phone: Some("138 0013 8001".into()),
                },
                lines: vec![OrderLine {
                    sku: "S".into(),
                    title: "T".into(),
                    category: "c".into(),
                    unit_price: Money(100),
                    quantity: 1,
                    discount: Money::ZERO,
                    flags: LineFlags::default(),
                }],
                shipping_fee: Money::ZERO,
                free_shipping_threshold: None,
                shipping_insurance: false,
                paid_at: Timestamp(0),
                shipped_at: None,
                signed_for_at: None,
                tracking: None,
            },
            request: CaseRequest {
                kind: CaseKind::ReturnAndRefund,
                reason: Reason::SizeOrFit,
                lines: vec![RequestedLine {
                    sku: "S".into(),
                    quantity: 1,
                }],
                note: String::new(),
                photos: vec![],
                intact_confirmed: true,
                urgent: false,
                carrier_confirms_loss: false,
                lang: None,
                review: None,
            },
            filed_at: Timestamp(0),
            events: vec![
                event(Actor::Buyer, EventKind::Filed),
                event(
                    staff("st_agent", Role::Agent),
                    EventKind::InfoRequested {
                        question: "A photo of the label, please.".into(),
                    },
                ),
                event(
                    Actor::Buyer,
                    EventKind::Escalated {
                        note: "Nobody answers.".into(),
                        by_timeout: false,
                    },
                ),
                event(
                    staff("st_agent", Role::Agent),
                    EventKind::Escalated {
                        note: "Buyer threatens a bad review; beyond my authority.".into(),
                        by_timeout: false,
                    },
                ),
                event(
                    staff("st_owner", Role::Owner),
                    EventKind::Overridden {
                        reason: "VIP customer, margin allows it".into(),
                        action: OverrideAction::Approve {
                            solution: Solution::RefundOnly { amount: None },
                        },
                    },
                ),
                event(
                    staff("st_owner", Role::Owner),
                    EventKind::Approved {
                        solution: Solution::RefundOnly { amount: None },
                        note: "VIP customer, margin allows it".into(),
                    },
                ),
                event(
                    staff("st_agent", Role::Agent),
                    EventKind::Approved {
                        solution: Solution::RefundOnly { amount: None },
                        note: "Sorry for the trouble.".into(),
                    },
                ),
            ],
        }
    }

    fn staff_ids(case: &Case) -> Vec<String> {
        case.events
            .iter()
            .filter_map(|e| match &e.actor {
                Actor::Staff { id, .. } => Some(id.clone()),
                Actor::Buyer | Actor::System => None,
            })
            .collect()
    }

    #[test]
    fn a_buyer_sees_staff_by_role_only_and_no_internal_notes() {
        let seen = case_for(&Actor::Buyer, case());
        assert_eq!(staff_ids(&seen), vec!["", "", "", "", ""]);
        // The roles stay: the portal says "the shop" or "a supervisor".
        assert!(matches!(
            seen.events[4].actor,
            Actor::Staff {
                role: Role::Owner,
                ..
            }
        ));
        let json = serde_json::to_string(&seen).unwrap_or_default();
        for secret in [
            "st_agent",
            "st_owner",
            "VIP customer",
            "beyond my authority",
        ] {
            assert!(!json.contains(secret), "{secret} shown to the buyer");
        }
        // What the shop wrote to the buyer, and the buyer's own words, stay.
        assert!(json.contains("A photo of the label, please."));
        assert!(json.contains("Sorry for the trouble."));
        assert!(json.contains("Nobody answers."));
        assert_eq!(seen.order.buyer.email.as_deref(), Some("x***@example.cn"));
        assert_eq!(seen.order.buyer.phone.as_deref(), Some("****8001"));
        // The history keeps its length and order: the state folds the same.
        assert_eq!(seen.state(), case().state());
    }

    #[test]
    fn a_buyer_sees_the_shops_offer_but_not_its_internal_sign_off() {
        use shared::domain::{Offer, Proposal};
        let mut stored = case();
        stored.events.truncate(1);
        let agent = || staff("st_agent", Role::Agent);
        let owner = || staff("st_owner", Role::Owner);
        let offer = Offer::PartialRefund {
            amount: Money(250_000),
        };
        stored.events.extend([
            event(
                agent(),
                EventKind::RefundProposed {
                    proposal: Proposal::Offer {
                        offer: offer.clone(),
                    },
                    amount: Money(250_000),
                    note: "Keep it, with most of the money back.".into(),
                },
            ),
            event(
                owner(),
                EventKind::ProposalApproved {
                    note: "Fine, this once".into(),
                },
            ),
            event(
                owner(),
                EventKind::OfferMade {
                    offer,
                    note: "Keep it, with most of the money back.".into(),
                },
            ),
        ]);
        let seen = case_for(&Actor::Buyer, stored.clone());
        let json = serde_json::to_string(&seen).unwrap_or_default();
        assert!(!json.contains("this once"), "{json}");
        // The agent's words reach the buyer once, with the offer that applies.
        assert_eq!(json.matches("most of the money back").count(), 1, "{json}");
        assert_eq!(seen.state(), stored.state());
    }

    #[test]
    fn the_warehouse_sees_the_name_but_not_the_contacts() {
        let seen = case_for(&staff("st_wh", Role::Warehouse), case());
        assert_eq!(seen.order.buyer.name, "王小明");
        assert_eq!(seen.order.buyer.email.as_deref(), Some("x***@example.cn"));
        assert_eq!(seen.order.buyer.phone.as_deref(), Some("****8001"));
        // Colleagues' ids and notes are shop business, shown to staff.
        assert_eq!(seen.events, case().events);
    }

    #[test]
    fn agents_and_owners_see_the_case_as_stored() {
        for role in [Role::Agent, Role::Owner] {
            assert_eq!(case_for(&staff("st", role), case()), case(), "{role:?}");
        }
    }

    #[test]
    fn only_agents_and_owners_read_shop_wide_figures() {
        assert!(REPORT_ROLES.contains(&Role::Agent) && REPORT_ROLES.contains(&Role::Owner));
        assert!(!REPORT_ROLES.contains(&Role::Warehouse));
    }

    #[test]
    fn a_contact_without_an_at_sign_or_digits_is_still_masked() {
        let mut order = case().order;
        order.buyer.email = Some("no-at-sign".into());
        order.buyer.phone = Some("call me".into());
        let m = masked(order);
        assert_eq!(m.buyer.email.as_deref(), Some("***"));
        assert_eq!(m.buyer.phone.as_deref(), Some("****"));
    }
}
