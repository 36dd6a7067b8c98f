//! The order page driven message by message, on an order as the worker answers it (its
//! eligibility computed by the same `shared::policy::eligibility` the worker calls).

use std::collections::BTreeMap;

use serde_json::json;
use shared::Lang;
use shared::api::BuyerOrderView;
use shared::domain::{
    Actor, Case, CaseKind, CaseRequest, Event, EventKind, MS_PER_DAY, Money, Order, Reason,
    RefundBreakdown, RequestedLine, Timestamp,
};
use shared::policy::{
    BuyerStanding, CategoryPolicy, IntactRule, Payer, Policy, Preview, eligibility,
};

use super::model::*;
use crate::core::Page;
use crate::portal::api::ApiError;
use crate::portal::form::Missing;
use crate::portal::i18n;

const NOW: i64 = 1_795_000_000_000;

fn order(signed: bool) -> Order {
    let value = json!({
        "number": "TB 1", "shop_id": "demo", "currency": "CNY",
        "buyer": { "name": "Li Lei", "email": "li@example.com", "phone": null },
        "lines": [
            { "sku": "SHIRT", "title": "Oxford shirt", "category": "clothing",
              "unit_price": 19900, "quantity": 1 },
            { "sku": "SOCKS", "title": "Socks", "category": "socks",
              "unit_price": 990, "quantity": 3 }
        ],
        "shipping_fee": 1000, "free_shipping_threshold": null, "shipping_insurance": false,
        "paid_at": NOW - 5 * MS_PER_DAY, "shipped_at": NOW - 4 * MS_PER_DAY,
        "signed_for_at": if signed { Some(NOW - 2 * MS_PER_DAY) } else { None }
    });
    match serde_json::from_value(value) {
        Ok(o) => o,
        Err(e) => panic!("fixture does not read as an Order: {e}"),
    }
}

/// An earlier request for one pair of socks, still open.
fn socks_case(order: &Order) -> Case {
    Case {
        id: "AS-0".into(),
        order: order.clone(),
        request: CaseRequest {
            kind: CaseKind::ReturnAndRefund,
            reason: Reason::QualityFault,
            lines: vec![RequestedLine {
                sku: "SOCKS".into(),
                quantity: 1,
            }],
            note: String::new(),
            photos: Vec::new(),
            intact_confirmed: false,
            urgent: false,
            carrier_confirms_loss: false,
            lang: None,
            review: None,
        },
        filed_at: Timestamp(NOW - MS_PER_DAY),
        events: vec![Event {
            at: Timestamp(NOW - MS_PER_DAY),
            actor: Actor::Buyer,
            kind: EventKind::Filed,
        }],
    }
}

/// The order page's answer as the worker makes it.
fn answer(signed: bool) -> BuyerOrderView {
    let order = order(signed);
    let cases = vec![socks_case(&order)];
    let policy = Policy {
        categories: BTreeMap::from([(
            "clothing".to_string(),
            CategoryPolicy {
                intact_rule: IntactRule::TagsOn,
                ..CategoryPolicy::default()
            },
        )]),
        ..Policy::default()
    };
    BuyerOrderView {
        eligibility: eligibility(&order, &cases, &policy, Timestamp(NOW)),
        order,
        cases,
        policy,
        tips: vec![shared::policy::LineTips {
            skus: vec!["SHIRT".into()],
            tips: vec![shared::policy::Tip {
                title: "Creased".into(),
                steps: vec!["Steam it".into()],
            }],
        }],
        standing: BuyerStanding::default(),
        server_time: Timestamp(NOW),
    }
}

fn error(status: u16, code: &str) -> ApiError {
    ApiError::new(
        status,
        shared::api::ErrorCode::parse(code),
        format!("{status} {code}"),
    )
}

fn page_with(view: BuyerOrderView) -> Model {
    let mut m = Model::new("TB 1".into());
    m.start();
    m.update(Msg::Loaded {
        read: 1,
        answer: Ok((Box::new(view), "tok".into())),
        sent_at: NOW,
        received_at: NOW,
    });
    m
}

fn page() -> Model {
    page_with(answer(true))
}

/// A no-reason return of the shirt, ready but for the "intact" tick.
fn shirt_return(m: &mut Model) {
    m.update(Msg::Quantity("SHIRT".into(), 1));
    m.update(Msg::Kind(CaseKind::ReturnAndRefund));
    m.update(Msg::Reason(Reason::SizeOrFit));
}

fn submit(m: &mut Model, photos: &[&str], key: &str) -> Vec<Effect> {
    m.update(Msg::Submit {
        photos: photos.iter().map(|p| p.to_string()).collect(),
        uploading: false,
        failed: 0,
        without_failed: false,
        now: NOW,
        new_key: key.into(),
    })
}

fn filed_key(effects: &[Effect]) -> Option<&str> {
    effects.iter().find_map(|e| match e {
        Effect::File { key, .. } => Some(key.as_str()),
        _ => None,
    })
}

#[test]
fn case_links_carry_their_order_and_relookups_come_back() {
    assert_eq!(case_path("AS-1", "TB 1"), "/case/AS-1?order=TB%201");
    assert_eq!(
        relookup_path("TB1", "/case/AS-1?order=TB1"),
        "/?order=TB1&next=%2Fcase%2FAS-1%3Forder%3DTB1"
    );
}

#[test]
fn the_order_is_read_once_and_a_refused_token_goes_back_to_the_lookup() {
    let mut m = Model::new("TB 1".into());
    assert_eq!(
        m.start(),
        vec![Effect::Load {
            number: "TB 1".into(),
            read: 1
        }]
    );
    assert_eq!(m.screen(), Screen::Loading);
    let effects = m.update(Msg::Loaded {
        read: 1,
        answer: Err(error(401, "token_expired")),
        sent_at: NOW,
        received_at: NOW,
    });
    assert_eq!(
        effects,
        vec![
            Effect::ForgetToken("TB 1".into()),
            Effect::Navigate {
                path: "/?order=TB%201&next=%2Forder%2FTB%25201".into(),
                replace: true
            }
        ]
    );
    assert_eq!(m.screen(), Screen::Loading, "nothing to show on the way");

    let mut m = Model::new("TB 1".into());
    m.start();
    m.update(Msg::Loaded {
        read: 1,
        answer: Err(error(0, "network")),
        sent_at: NOW,
        received_at: NOW,
    });
    assert_eq!(m.screen(), Screen::Failed(error(0, "network")));
    assert_eq!(
        m.update(Msg::Reload),
        vec![Effect::Load {
            number: "TB 1".into(),
            read: 2
        }]
    );
    m.update(Msg::Loaded {
        read: 1,
        answer: Ok((Box::new(answer(true)), "old".into())),
        sent_at: NOW,
        received_at: NOW,
    });
    assert!(m.order.is_none(), "an answer to an older read is dropped");
    m.update(Msg::Loaded {
        read: 2,
        answer: Ok((Box::new(answer(true)), "tok".into())),
        sent_at: NOW - 3_000,
        received_at: NOW - 1_000,
    });
    assert_eq!(m.screen(), Screen::Order(2));
    assert_eq!(m.order.as_ref().map(|o| o.skew), Some(2_000));
}

#[test]
fn each_line_says_what_was_bought_what_is_held_and_what_is_left() {
    let m = page();
    let lines = m.lines();
    assert_eq!(
        lines
            .iter()
            .map(|l| (l.sku.as_str(), l.bought, l.held, l.remaining))
            .collect::<Vec<_>>(),
        vec![("SHIRT", 1, 0, 1), ("SOCKS", 3, 1, 2)]
    );
    assert_eq!(
        lines[1].summary(Lang::En),
        "3 bought · 1 already in another request · 2 available"
    );
    assert_eq!(
        lines[1].summary(Lang::ZhCn),
        "购买 3 件 · 1 件已在其他售后中 · 可申请 2 件"
    );
    let gone = LineChoice {
        remaining: 0,
        held: 1,
        bought: 1,
        ..lines[0].clone()
    };
    assert_eq!(
        gone.summary(Lang::En),
        "1 bought · 1 already in another request"
    );
}

#[test]
fn quantities_stay_within_what_the_policy_leaves() {
    let mut m = page();
    m.update(Msg::Quantity("SOCKS".into(), 5));
    assert_eq!(m.draft.quantity("SOCKS"), 2, "3 bought, 1 held elsewhere");
    assert_eq!(m.chosen(), vec!["SOCKS".to_string()]);
    m.update(Msg::Quantity("SOCKS".into(), 0));
    assert!(m.chosen().is_empty());
    m.update(Msg::Quantity("NOT-ON-THE-ORDER".into(), 1));
    assert!(m.chosen().is_empty(), "an unknown line has nothing left");
}

#[test]
fn the_intact_tick_and_the_couriers_proof_are_asked_for_by_the_policys_rules() {
    let mut m = page();
    assert!(!m.asks_intact());
    shirt_return(&mut m);
    assert!(m.asks_intact(), "a no-reason return");
    assert_eq!(
        m.intact_rule(),
        IntactRule::TagsOn,
        "the shirt's category's rule"
    );
    m.update(Msg::Reason(Reason::QualityFault));
    assert!(!m.asks_intact(), "a fault is the shop's, intact or not");
    m.update(Msg::Kind(CaseKind::RefundOnly));
    m.update(Msg::Reason(Reason::ChangedMind));
    assert!(!m.asks_intact(), "nothing comes back");

    assert!(!m.asks_carrier_proof(NOW));
    m.update(Msg::Reason(Reason::NotReceived));
    assert!(m.asks_carrier_proof(NOW), "a signed-for parcel");
    let mut unsigned = page_with(answer(false));
    unsigned.update(Msg::Reason(Reason::NotReceived));
    assert!(
        unsigned.asks_carrier_proof(NOW),
        "not signed for, shipped four days ago: still on its way"
    );
    assert!(
        !unsigned.asks_carrier_proof(NOW + 3 * MS_PER_DAY),
        "no movement for more than five days: stalled, no statement asked"
    );
}

#[test]
fn the_preview_says_what_is_missing_then_waits_for_the_tick_then_allows() {
    let t = &i18n::EN;
    let mut m = page();
    let request = m.request(Vec::new());
    assert_eq!(request, Err(Missing::Items));
    assert_eq!(verdict(t, &request, None), Verdict::Missing(t.preview_pick));
    assert_eq!(submit_why(t, false, &request, None), Some(t.need_items));
    assert!(submit(&mut m, &[], "k1").is_empty(), "nothing to send");

    m.update(Msg::Quantity("SHIRT".into(), 1));
    let request = m.request(Vec::new());
    assert_eq!(verdict(t, &request, None), Verdict::Missing(t.choose_kind));
    m.update(Msg::Kind(CaseKind::ReturnAndRefund));
    let request = m.request(Vec::new());
    assert_eq!(submit_why(t, false, &request, None), Some(t.choose_reason));

    m.update(Msg::Reason(Reason::SizeOrFit));
    let request = m.request(Vec::new());
    let preview = request.as_ref().ok().and_then(|r| m.preview(r, NOW));
    assert_eq!(
        verdict(t, &request, preview.as_ref()),
        Verdict::Missing(t.need_intact),
        "a refusal that only waits for the tick is a step still to do"
    );
    assert_eq!(
        submit_why(t, false, &request, preview.as_ref()),
        Some(t.need_intact)
    );
    assert!(!allowed(preview.as_ref()));
    assert!(submit(&mut m, &[], "k1").is_empty());

    m.update(Msg::Intact(true));
    let request = m.request(Vec::new());
    let preview = request.as_ref().ok().and_then(|r| m.preview(r, NOW));
    assert_eq!(verdict(t, &request, preview.as_ref()), Verdict::Allowed);
    assert_eq!(submit_why(t, false, &request, preview.as_ref()), None);
    assert_eq!(
        submit_why(t, true, &request, preview.as_ref()),
        Some(t.uploads_pending)
    );
    assert!(allowed(preview.as_ref()));
    assert_eq!(
        preview.and_then(|p| p.refund).map(|r| r.total),
        Some(Money(19_900)),
        "the shirt's price, as the policy computes it"
    );
}

#[test]
fn a_refused_request_says_why_and_is_not_sent() {
    let t = &i18n::EN;
    let mut m = page();
    m.update(Msg::Quantity("SHIRT".into(), 1));
    m.update(Msg::Kind(CaseKind::RefundOnly));
    m.update(Msg::Reason(Reason::NotReceived));
    let request = m.request(Vec::new());
    let preview = request.as_ref().ok().and_then(|r| m.preview(r, NOW));
    match verdict(t, &request, preview.as_ref()) {
        Verdict::Refused(e) => assert_eq!(e.code(), "carrier_proof_required"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(
        submit_why(t, false, &request, preview.as_ref()),
        Some(t.refused)
    );
    assert!(submit(&mut m, &[], "k1").is_empty());
    // The courier's record opens it.
    m.update(Msg::CarrierLoss(true));
    assert_eq!(submit(&mut m, &[], "k1").len(), 1);
}

#[test]
fn filing_sends_once_with_one_key_per_request_and_lands_on_the_case() {
    let mut m = page();
    shirt_return(&mut m);
    m.update(Msg::Intact(true));
    m.update(Msg::Urgent(true));
    m.update(Msg::Note("  too small ".into()));
    assert!(
        m.update(Msg::Submit {
            photos: Vec::new(),
            uploading: true,
            failed: 0,
            without_failed: false,
            now: NOW,
            new_key: "k0".into()
        })
        .is_empty(),
        "not while a photo uploads"
    );
    let effects = submit(&mut m, &["ph_1"], "k1");
    assert_eq!(
        effects,
        vec![Effect::File {
            request: CaseRequest {
                kind: CaseKind::ReturnAndRefund,
                reason: Reason::SizeOrFit,
                lines: vec![RequestedLine {
                    sku: "SHIRT".into(),
                    quantity: 1
                }],
                note: "too small".into(),
                photos: vec!["ph_1".into()],
                intact_confirmed: true,
                urgent: true,
                carrier_confirms_loss: false,
                lang: None,
                review: None,
            },
            key: "k1".into(),
            token: "tok".into()
        }]
    );
    assert!(m.filing);
    assert!(
        submit(&mut m, &["ph_1"], "k2").is_empty(),
        "a double tap files once"
    );

    // The answer was lost: a retry of the same request goes with the same key.
    m.update(Msg::Filed(Err(error(0, "network"))));
    assert!(!m.filing);
    assert_eq!(m.file_error, Some(error(0, "network")));
    assert_eq!(filed_key(&submit(&mut m, &["ph_1"], "k3")), Some("k1"));
    m.update(Msg::Filed(Err(error(0, "network"))));
    // Another request is another filing.
    m.update(Msg::Urgent(false));
    assert_eq!(filed_key(&submit(&mut m, &["ph_1"], "k4")), Some("k4"));

    let effects = m.update(Msg::Filed(Ok("AS-9".into())));
    assert_eq!(
        effects,
        vec![
            Effect::SaveCaseOrder {
                id: "AS-9".into(),
                number: "TB 1".into()
            },
            Effect::Navigate {
                path: "/case/AS-9?order=TB%201".into(),
                replace: false
            }
        ]
    );
}

#[test]
fn a_filing_refused_for_its_token_goes_back_to_the_lookup() {
    let mut m = page();
    shirt_return(&mut m);
    m.update(Msg::Intact(true));
    submit(&mut m, &[], "k1");
    let effects = m.update(Msg::Filed(Err(error(401, "token_expired"))));
    assert_eq!(
        effects,
        vec![
            Effect::ForgetToken("TB 1".into()),
            Effect::Navigate {
                path: "/?order=TB%201&next=%2Forder%2FTB%25201".into(),
                replace: false
            }
        ]
    );
    assert_eq!(m.file_error, None);
}

#[test]
fn kinds_and_reasons_follow_the_lines_picked() {
    // On its way, not delivered yet: nothing can go back, "never arrived" can be claimed.
    let mut m = page_with(answer(false));
    m.update(Msg::Quantity("SHIRT".into(), 1));
    let kinds = m.kinds();
    let kind = |k: CaseKind| kinds.iter().find(|o| o.kind == k).cloned();
    assert_eq!(
        kind(CaseKind::ReturnAndRefund).map(|o| (o.open, o.refusal)),
        Some((false, Some(shared::policy::Refusal::NotDelivered)))
    );
    // Shipped four days ago and still moving: "never arrived" waits for the stall (or the
    // courier's record of loss), and says until when.
    assert_eq!(kind(CaseKind::RefundOnly).map(|o| o.open), Some(false));
    // Three days later it has not moved for more than five: claimable without proof.
    let mut stalled_view = answer(false);
    stalled_view.eligibility = eligibility(
        &stalled_view.order,
        &stalled_view.cases,
        &stalled_view.policy,
        Timestamp(NOW + 3 * MS_PER_DAY),
    );
    let mut m = page_with(stalled_view);
    m.update(Msg::Quantity("SHIRT".into(), 1));
    let kinds = m.kinds();
    let kind = |k: CaseKind| kinds.iter().find(|o| o.kind == k).cloned();
    assert_eq!(kind(CaseKind::RefundOnly).map(|o| o.open), Some(true));
    assert!(m.reasons().iter().all(|(_, open)| *open), "no kind yet");
    m.update(Msg::Kind(CaseKind::RefundOnly));
    let reasons = m.reasons();
    assert!(reasons.contains(&(Reason::NotReceived, true)));
    assert!(reasons.contains(&(Reason::SizeOrFit, false)));
}

#[test]
fn the_preview_facts_name_the_refusal_the_payer_and_every_amount() {
    let p = Preview {
        refusal: None,
        shipping_payer: Some(Payer::Insurer),
        refund: Some(RefundBreakdown {
            items: Money(19_900),
            discounts: Money(2_000),
            total: Money(16_900),
            ..Default::default()
        }),
        fast_refund: false,
        next_step: None,
        postage: shared::policy::PostageTerms::Insured,
    };
    assert_eq!(
        preview_facts(&p),
        "refusal=none;payer=insurer;fast_refund=false;items=19900;discounts=2000;original_shipping=0;\
         restocking_fee=0;free_shipping_deduction=0;insurance_payout=0;total=16900;"
    );
    assert_eq!(payer_code(None), "none");
}

#[test]
fn send_asks_before_filing_without_a_photo_that_failed() {
    let mut m = page();
    shirt_return(&mut m);
    m.update(Msg::Intact(true));
    let tap = |m: &mut Model, without_failed: bool| {
        m.update(Msg::Submit {
            photos: vec!["ph_1".into()],
            uploading: false,
            failed: 1,
            without_failed,
            now: NOW,
            new_key: "k1".into(),
        })
    };
    assert!(tap(&mut m, false).is_empty(), "the first tap only asks");
    assert_eq!(m.asking_without_failed, Some(1));
    m.update(Msg::KeepEditing);
    assert_eq!(m.asking_without_failed, None);
    assert!(tap(&mut m, false).is_empty());
    let effects = tap(&mut m, true);
    assert_eq!(
        filed_key(&effects),
        Some("k1"),
        "sent once the buyer says so"
    );
    assert_eq!(m.asking_without_failed, None);
}

/// The same order as [`answer`], its eligibility judged `days` after [`NOW`], with the courier's
/// record `tracking`.
fn on_its_way(days: i64, tracking: Option<shared::domain::ParcelTracking>) -> BuyerOrderView {
    let mut view = answer(false);
    view.order.tracking = tracking;
    view.eligibility = eligibility(
        &view.order,
        &view.cases,
        &view.policy,
        Timestamp(NOW + days * MS_PER_DAY),
    );
    view.server_time = Timestamp(NOW + days * MS_PER_DAY);
    view
}

#[test]
fn the_parcel_panel_shows_the_newest_scans_and_offers_a_reship_or_refund_only_once_stalled() {
    use shared::domain::{ParcelTracking, TrackingEvent};
    use shared::policy::ParcelStanding;
    let scans: Vec<TrackingEvent> = (0..7)
        .map(|i| TrackingEvent {
            at: Timestamp(NOW - 4 * MS_PER_DAY + i * MS_PER_DAY / 2),
            status: format!("scan {i}"),
            location: String::new(),
        })
        .collect();
    let tracking = ParcelTracking {
        carrier: "SF".into(),
        number: "SF1".into(),
        promised_by: None,
        events: scans,
    };
    let moving = page_with(on_its_way(0, Some(tracking.clone())));
    let p = moving.parcel(NOW).expect("a parcel on its way");
    assert_eq!(p.scans.len(), 5, "the newest five");
    assert_eq!(p.scans[0].status, "scan 6", "newest first");
    assert!(matches!(p.standing, ParcelStanding::Moving { .. }));
    assert!(
        !p.may_reship && !p.may_refund,
        "still moving: no claim without proof"
    );

    let later = NOW + 8 * MS_PER_DAY;
    let mut stalled = page_with(on_its_way(8, Some(tracking)));
    let p = stalled.parcel(later).expect("a parcel on its way");
    assert!(matches!(p.standing, ParcelStanding::Stalled { .. }));
    assert!(p.may_reship && p.may_refund);
    stalled.update(Msg::ClaimStalled(CaseKind::Reship));
    assert_eq!(stalled.draft.kind, Some(CaseKind::Reship));
    assert_eq!(stalled.draft.reason, Some(Reason::NotReceived));
    assert_eq!(stalled.draft.quantity("SHIRT"), 1);
    assert_eq!(
        stalled.draft.quantity("SOCKS"),
        2,
        "the units not held elsewhere"
    );
    assert!(
        !stalled.asks_carrier_proof(later),
        "no proof asked of a stalled parcel"
    );

    // Signed for: no panel.
    assert_eq!(page().parcel(NOW), None);
}

#[test]
fn a_question_is_filed_at_once_without_items_and_a_retry_reuses_its_key() {
    let mut m = page_with(answer(false));
    let ask = |m: &mut Model, key: &str| {
        m.update(Msg::Ask {
            kind: CaseKind::Complaint,
            note: "  The agent was rude  ".into(),
            new_key: key.into(),
        })
    };
    let effects = ask(&mut m, "k1");
    let [Effect::File { request, key, .. }] = effects.as_slice() else {
        panic!("one filing: {effects:?}");
    };
    assert_eq!(request.kind, CaseKind::Complaint);
    assert_eq!(request.reason, Reason::Service);
    assert!(request.lines.is_empty());
    assert_eq!(request.note, "The agent was rude");
    assert_eq!(key, "k1");
    assert!(ask(&mut m, "k2").is_empty(), "one filing at a time");
    m.update(Msg::Filed(Err(error(503, "unavailable"))));
    let again = ask(&mut m, "k3");
    assert!(
        matches!(again.as_slice(), [Effect::File { key, .. }] if key == "k1"),
        "the same question goes with the same key: {again:?}"
    );
}

#[test]
fn a_quality_fault_shows_the_picked_lines_tips_first_and_solved_counts_without_filing() {
    let mut m = page();
    m.update(Msg::Quantity("SHIRT".into(), 1));
    m.update(Msg::Kind(CaseKind::ReturnAndRefund));
    assert!(m.tips().is_empty(), "no reason yet");
    m.update(Msg::Reason(Reason::SizeOrFit));
    assert!(m.tips().is_empty(), "only for a quality fault");
    m.update(Msg::Reason(Reason::QualityFault));
    let shown = m.tips();
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].skus, vec!["SHIRT".to_string()]);
    assert_eq!(shown[0].tips[0].title, "Creased");
    // The socks alone have no tips.
    m.update(Msg::Quantity("SHIRT".into(), 0));
    m.update(Msg::Quantity("SOCKS".into(), 1));
    assert!(m.tips().is_empty());
    m.update(Msg::Quantity("SHIRT".into(), 1));
    // "Solved" counts the lines the tips were for, once however often it is tapped, and files
    // nothing.
    let effects = m.update(Msg::TipsSolved);
    assert_eq!(
        effects,
        vec![Effect::Helped {
            skus: vec!["SHIRT".into()],
            token: "tok".into()
        }]
    );
    assert!(
        m.update(Msg::TipsSolved).is_empty(),
        "a double tap sends once"
    );
    assert!(m.update(Msg::Helped(Ok(()))).is_empty());
    assert_eq!(m.tips_answer, Some(TipsAnswer::Solved));
    assert!(!m.filing && m.file_error.is_none());
}

#[test]
fn continue_folds_the_tips_away_and_a_failed_solved_can_be_tapped_again() {
    let mut m = page();
    m.update(Msg::Quantity("SHIRT".into(), 1));
    m.update(Msg::Reason(Reason::QualityFault));
    assert_eq!(m.update(Msg::TipsSolved).len(), 1);
    m.update(Msg::Helped(Err(error(503, "try_again"))));
    assert_eq!(m.tips_answer, None);
    assert!(m.tips_error.is_some());
    assert_eq!(
        m.update(Msg::TipsSolved).len(),
        1,
        "tapped again after a failure"
    );
    let effects = m.update(Msg::Helped(Err(error(401, "unauthenticated"))));
    assert_eq!(effects.first(), Some(&Effect::ForgetToken("TB 1".into())));
    let mut m = page();
    m.update(Msg::Reason(Reason::QualityFault));
    assert_eq!(
        m.tips().len(),
        1,
        "every line with tips while none is picked"
    );
    m.update(Msg::TipsContinue);
    assert!(m.tips().is_empty());
    assert!(m.update(Msg::TipsSolved).is_empty());
}
