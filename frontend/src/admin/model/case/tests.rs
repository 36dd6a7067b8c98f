//! The case screen driven message by message, on a case read from the API's JSON.

use serde_json::json;
use shared::api::{CannedReply, CaseView};
use shared::domain::{ActionKind, Command, EventKind, Inspection, Money, RejectReason, Solution};

use super::*;

fn view(actions: &[&str], version: u32) -> CaseView {
    let value = json!({
        "case": {
            "id": "AS-1",
            "order": {
                "number": "TB1", "shop_id": "demo", "currency": "CNY",
                "buyer": { "name": "Li Lei", "email": "li@example.com", "phone": null },
                "lines": [{ "sku": "S1", "title": "Shirt", "category": "clothing",
                            "unit_price": 19900, "quantity": 1 }],
                "shipping_fee": 0, "free_shipping_threshold": null, "shipping_insurance": false,
                "paid_at": 0, "shipped_at": 1000, "signed_for_at": 2000
            },
            "request": { "kind": "refund_only", "reason": "not_received",
                         "lines": [{ "sku": "S1", "quantity": 1 }], "note": "",
                         "photos": ["ph_a"], "intact_confirmed": false, "urgent": false,
                         "carrier_confirms_loss": false },
            "filed_at": 3000,
            "events": [
                { "at": 3000, "actor": { "type": "buyer" }, "kind": { "type": "filed" } },
                { "at": 4000, "actor": { "type": "buyer" },
                  "kind": { "type": "proof_added", "photos": ["ph_b"] } }
            ]
        },
        "state": "awaiting_review",
        "deadline": null,
        "actions": actions,
        "refund": { "items": 19900, "discounts": 0, "original_shipping": 0, "restocking_fee": 0,
                    "free_shipping_deduction": 0, "inspection_deduction": 0,
                    "agreed_reduction": 0, "capped_by": 0, "insurance_payout": 0,
                    "total": 19900, "lines": [] },
        "return_shipping_payer": null,
        "return_address": null,
        "server_time": 5000,
        "utc_offset_minutes": 480,
        "version": version
    });
    match serde_json::from_value(value) {
        Ok(v) => v,
        Err(e) => panic!("fixture does not read as a CaseView: {e}"),
    }
}

fn loaded(actions: &[&str]) -> CaseScreen {
    let mut screen = CaseScreen::new("AS-1".into());
    screen.update(Msg::Loaded(Ok(view(actions, 3))));
    screen
}

#[test]
fn the_bar_shows_only_what_the_role_may_do_now() {
    let agent = loaded(&["approve", "reject", "request_info", "message", "override"]);
    assert_eq!(
        agent.bar(),
        vec![
            ActionKind::Approve,
            ActionKind::RequestInfo,
            ActionKind::Reject
        ]
    );
    let warehouse = loaded(&["receive"]);
    assert_eq!(warehouse.bar(), vec![ActionKind::Receive]);
    assert!(!warehouse.can_message());
}

#[test]
fn approving_shows_the_refund_then_sends_the_version_it_was_decided_on() {
    let mut s = loaded(&["approve"]);
    assert_eq!(s.refund_amount(), Some(Money(19_900)));
    s.update(Msg::Open(ActionKind::Approve));
    assert_eq!(s.sheet, Some(Sheet::Approve));
    let effects = s.update(Msg::Confirm);
    assert_eq!(
        effects,
        vec![Effect::Command {
            id: "AS-1".into(),
            action: ActionKind::Approve,
            command: Command::Approve {
                solution: Solution::RefundOnly { amount: None },
                note: String::new()
            },
            version: 3
        }]
    );
    assert!(s.update(Msg::Confirm).is_empty(), "a double tap sends once");
}

#[test]
fn a_stale_decision_shows_the_case_as_it_is_now() {
    let mut s = loaded(&["approve"]);
    s.update(Msg::Open(ActionKind::Approve));
    s.update(Msg::Confirm);
    let newer = view(&["message"], 5);
    s.update(Msg::Sent(
        ActionKind::Approve,
        Err(ApiError {
            status: 409,
            code: shared::api::ErrorCode::parse("conflict"),
            message: "Someone else just updated this case.".into(),
            current: Some(std::sync::Arc::new(newer)),
        }),
    ));
    assert_eq!(
        s.stale.as_deref(),
        Some("Someone else just updated this case.")
    );
    assert_eq!(s.view.as_ref().map(|v| v.version), Some(5));
    assert_eq!(s.sheet, None);
    assert!(
        s.bar().is_empty(),
        "the new state's actions, not the old ones"
    );
    assert!(!s.busy);
}

#[test]
fn a_rejection_needs_a_reason_and_a_note() {
    let mut s = loaded(&["reject"]);
    s.update(Msg::Open(ActionKind::Reject));
    assert!(!s.can_confirm());
    s.update(Msg::PickReason(RejectReason::InsufficientProof));
    assert!(!s.can_confirm());
    s.update(Msg::Input(
        Field::Text,
        "Please send a photo of the label.".into(),
    ));
    assert!(s.can_confirm());
    let effects = s.update(Msg::Confirm);
    assert!(matches!(
        &effects[..],
        [Effect::Command {
            command: Command::Reject {
                reason_code: RejectReason::InsufficientProof,
                ..
            },
            ..
        }]
    ));
}

#[test]
fn an_inspection_reads_its_deduction_as_money() {
    let mut s = loaded(&["receive"]);
    s.update(Msg::Open(ActionKind::Receive));
    s.update(Msg::Passed(false));
    s.update(Msg::Input(Field::Second, "12.5".into()));
    s.update(Msg::Input(Field::Text, "scratched".into()));
    let effects = s.update(Msg::Confirm);
    assert!(matches!(
        &effects[..],
        [Effect::Command { command: Command::Receive { inspection }, .. }]
            if *inspection == Inspection { passed: false, note: "scratched".into(), deduction: Money(1250) }
    ));
    assert_eq!(parse_money("abc"), None);
    assert_eq!(parse_money("1.234"), None);
    assert_eq!(parse_money(".5"), Some(Money(50)));
    assert_eq!(
        parse_money("99999999999"),
        None,
        "more than ten digits is a typo"
    );
}

#[test]
fn canned_replies_fill_their_placeholders_in_the_buyers_language() {
    let reply = CannedReply {
        id: "sorry".into(),
        title: "Apology".into(),
        zh: "{buyer}您好，非常抱歉，订单{order}将退款{amount}。".into(),
        en: "Dear {buyer}, we are sorry: order {order} is refunded {amount} by {deadline}.".into(),
    };
    let values = Placeholders {
        buyer: "Li Lei".into(),
        order: "TB1".into(),
        deadline: "12-03 18:00".into(),
        amount: "¥199.00".into(),
    };
    assert_eq!(
        fill(&reply, Lang::ZhCn, &values),
        "Li Lei您好，非常抱歉，订单TB1将退款¥199.00。"
    );
    assert_eq!(
        fill(&reply, Lang::En, &values),
        "Dear Li Lei, we are sorry: order TB1 is refunded ¥199.00 by 12-03 18:00."
    );
    let mut s = loaded(&["message"]);
    s.update(Msg::UseReply(fill(&reply, Lang::En, &values)));
    s.update(Msg::Draft(format!("{} Thanks.", s.draft)));
    let effects = s.update(Msg::SendMessage);
    assert!(
        matches!(&effects[..], [Effect::Command { command: Command::Message { text }, .. }] if text.ends_with("Thanks."))
    );
}

#[test]
fn photos_of_the_filing_and_later_proof_swipe_in_a_ring() {
    let mut s = loaded(&[]);
    assert_eq!(s.photos(), vec!["ph_a".to_string(), "ph_b".to_string()]);
    s.update(Msg::Enlarge(Some(1)));
    s.update(Msg::Swipe(1));
    assert_eq!(s.enlarged, Some(0));
    s.update(Msg::Swipe(-1));
    assert_eq!(s.enlarged, Some(1));
    s.update(Msg::Enlarge(Some(7)));
    assert_eq!(s.enlarged, None);
}

#[test]
fn an_expired_session_keeps_the_draft_and_signs_in() {
    let mut s = loaded(&["message"]);
    assert_eq!(
        s.update(Msg::Draft("half a sentence".into())),
        vec![Effect::SaveDraft {
            id: "AS-1".into(),
            text: "half a sentence".into()
        }]
    );
    let effects = s.update(Msg::SendMessage);
    assert_eq!(effects.len(), 1);
    let expired = ApiError {
        status: 401,
        code: shared::api::ErrorCode::parse("unauthenticated"),
        message: String::new(),
        current: None,
    };
    assert_eq!(
        s.update(Msg::Sent(ActionKind::Message, Err(expired))),
        vec![Effect::SignedOut]
    );
    assert_eq!(s.draft, "half a sentence");
    let mut again = CaseScreen::new("AS-1".into());
    again.update(Msg::DraftRestored("half a sentence".into()));
    assert_eq!(again.draft, "half a sentence");
}

#[test]
fn an_offer_of_a_partial_refund_needs_an_amount_and_the_owner_sees_a_proposal_amount() {
    let mut s = loaded(&["offer", "reject"]);
    assert_eq!(
        s.bar(),
        vec![ActionKind::Offer, ActionKind::Reject],
        "negotiate comes before reject"
    );
    s.update(Msg::Open(ActionKind::Offer));
    assert!(
        !s.can_confirm(),
        "a partial refund of nothing is not an offer"
    );
    s.update(Msg::Input(Field::Second, "80".into()));
    s.update(Msg::Input(Field::Text, "Keep it, with 80 back?".into()));
    let effects = s.update(Msg::Confirm);
    assert!(matches!(
        &effects[..],
        [Effect::Command {
            command: Command::Offer {
                offer: shared::domain::Offer::PartialRefund {
                    amount: Money(8000)
                },
                ..
            },
            ..
        }]
    ));
    let mut e = loaded(&["offer"]);
    e.update(Msg::Open(ActionKind::Offer));
    e.update(Msg::PickOffer(OfferKind::Exchange));
    assert!(e.can_confirm(), "an exchange needs no amount");
    let owner = loaded(&["approve_proposal", "decline_proposal", "message"]);
    assert_eq!(
        owner.bar(),
        vec![ActionKind::ApproveProposal, ActionKind::DeclineProposal]
    );
    assert_eq!(
        owner.proposed_amount(),
        None,
        "no proposal event in this case"
    );
}

fn no_connection() -> ApiError {
    ApiError {
        status: 0,
        code: shared::api::ErrorCode::Network,
        message: "No connection".into(),
        current: None,
    }
}

#[test]
fn without_a_connection_an_arrival_goes_to_the_outbox_and_a_decision_does_not() {
    let mut s = loaded(&["return_arrived", "approve"]);
    s.update(Msg::Open(ActionKind::ReturnArrived));
    assert_eq!(s.update(Msg::Confirm).len(), 1);
    let effects = s.update(Msg::Sent(ActionKind::ReturnArrived, Err(no_connection())));
    assert_eq!(
        effects,
        vec![Effect::Record(crate::admin::model::outbox::Work::Arrived {
            case: "AS-1".into(),
            version: 3
        })]
    );
    assert!(s.queued && s.sheet.is_none() && s.error.is_none());

    s.update(Msg::Open(ActionKind::Approve));
    s.update(Msg::Confirm);
    let effects = s.update(Msg::Sent(ActionKind::Approve, Err(no_connection())));
    assert!(effects.is_empty(), "a decision is never kept for later");
    assert_eq!(s.error.as_ref().map(|e| e.status), Some(0));
}

#[test]
fn staff_adjust_the_postage_with_an_amount_and_a_reason_and_see_the_claim_and_its_receipt() {
    let mut v = view(&["adjust_postage", "message"], 4);
    v.return_postage = shared::policy::PostageTerms::Reimbursed { cap: Money(3_000) };
    v.case.events.push(shared::domain::Event {
        at: shared::domain::Timestamp(4_500),
        actor: shared::domain::Actor::Buyer,
        kind: EventKind::ReturnShipped {
            carrier: "SF".into(),
            tracking: "SF1".into(),
            postage: Some(shared::domain::PostageClaim {
                amount: Money(1_250),
                receipt: "ph_r".into(),
            }),
        },
    });
    let mut s = CaseScreen::new("AS-1".into());
    s.update(Msg::Loaded(Ok(v)));
    assert_eq!(s.bar(), vec![ActionKind::AdjustPostage]);
    assert_eq!(
        s.postage(),
        Some(PostageShown {
            claimed: Money(1_250),
            adjusted: None
        })
    );
    assert_eq!(
        s.photos(),
        vec!["ph_a", "ph_b", "ph_r"],
        "the receipt is viewable"
    );
    s.update(Msg::Open(ActionKind::AdjustPostage));
    // The sheet starts from the claim; a reason is required and the amount must be money.
    assert_eq!(
        s.sheet.as_ref().map(|sh| sh.text(Field::Second)),
        Some("12.50".to_string())
    );
    assert!(!s.can_confirm());
    s.update(Msg::Input(Field::Second, "8.x".into()));
    s.update(Msg::Input(Field::Text, "The receipt says 8.00".into()));
    assert!(!s.can_confirm());
    s.update(Msg::Input(Field::Second, "8".into()));
    assert!(s.can_confirm());
    let effects = s.update(Msg::Confirm);
    assert!(
        effects.iter().any(|e| matches!(
            e,
            Effect::Command { command: Command::AdjustPostage { amount, reason }, version: 4, .. }
                if *amount == Money(800) && reason == "The receipt says 8.00"
        )),
        "{effects:?}"
    );
}
