//! The case page driven message by message, on cases read from the API's JSON.

use serde_json::json;
use shared::Lang;
use shared::api::BuyerCaseView;
use shared::domain::{
    ActionKind, Actor, Command, Event, EventKind, ExpiryOutcome, MS_PER_HOUR, MS_PER_MINUTE, Offer,
    Outcome, Party, Role, Solution, Timestamp,
};
use shared::policy::Deadline;

use super::model::*;
use crate::core::Page;
use crate::portal::api::ApiError;
use crate::portal::i18n;

const NOW: i64 = 1_795_000_000_000;

/// A shirt's return as the buyer reads it: filed, with these actions, at `version`.
fn view(actions: &[&str], version: u32) -> BuyerCaseView {
    let value = json!({
        "case": {
            "id": "AS-1",
            "order": {
                "number": "TB1", "shop_id": "demo", "currency": "CNY",
                "buyer": { "name": "Li Lei", "email": "li@example.com", "phone": null },
                "lines": [{ "sku": "S1", "title": "Oxford shirt", "category": "clothing",
                            "unit_price": 19900, "quantity": 1 }],
                "shipping_fee": 0, "free_shipping_threshold": null, "shipping_insurance": false,
                "paid_at": 0, "shipped_at": 1000, "signed_for_at": 2000
            },
            "request": { "kind": "return_and_refund", "reason": "size_or_fit",
                         "lines": [{ "sku": "S1", "quantity": 1 }, { "sku": "GONE", "quantity": 2 }],
                         "note": "", "photos": ["ph_a"], "intact_confirmed": true,
                         "urgent": false, "carrier_confirms_loss": false },
            "filed_at": 3000,
            "events": [
                { "at": 3000, "actor": { "type": "buyer" }, "kind": { "type": "filed" } }
            ]
        },
        "state": "awaiting_review",
        "deadline": null,
        "actions": actions,
        "refund": null,
        "return_shipping_payer": null,
        "return_address": null,
        "server_time": NOW + 2_000,
        "utc_offset_minutes": 480,
        "version": version
    });
    match serde_json::from_value(value) {
        Ok(v) => v,
        Err(e) => panic!("fixture does not read as a BuyerCaseView: {e}"),
    }
}

fn with_event(mut v: BuyerCaseView, actor: Actor, kind: EventKind) -> BuyerCaseView {
    v.case.events.push(Event {
        at: Timestamp(4000 + v.case.events.len() as i64),
        actor,
        kind,
    });
    v
}

fn shop() -> Actor {
    Actor::Staff {
        role: Role::Agent,
        id: "agent".into(),
    }
}

fn loaded_answer(v: BuyerCaseView) -> Result<BuyerCaseView, ApiError> {
    Ok(v)
}

fn error(status: u16, code: &str) -> ApiError {
    ApiError::new(
        status,
        shared::api::ErrorCode::parse(code),
        format!("{status} {code}"),
    )
}

/// A page that read `v` (its first read answered 2 s after it went out).
fn page_with(v: BuyerCaseView) -> Model {
    let mut m = Model::new("AS-1".into(), Some("TB1".into()), NOW);
    m.start();
    m.update(Msg::Loaded {
        read: 1,
        answer: loaded_answer(v),
        sent_at: NOW,
        received_at: NOW + 2_000,
    });
    m
}

fn page(actions: &[&str]) -> Model {
    page_with(view(actions, 3))
}

fn command_of(effects: &[Effect]) -> Option<(&Command, u32)> {
    effects.iter().find_map(|e| match e {
        Effect::Command {
            command, version, ..
        } => Some((command, *version)),
        _ => None,
    })
}

#[test]
fn the_first_read_shows_the_case_and_remembers_its_order() {
    let mut m = Model::new("AS-1".into(), Some("TB1".into()), NOW);
    assert_eq!(m.screen(), Screen::Loading);
    assert_eq!(
        m.start(),
        vec![Effect::Load {
            id: "AS-1".into(),
            number: Some("TB1".into()),
            read: 1
        }]
    );
    let effects = m.update(Msg::Loaded {
        read: 1,
        answer: loaded_answer(view(&["message"], 3)),
        sent_at: NOW,
        received_at: NOW + 1_000,
    });
    assert_eq!(
        effects,
        vec![Effect::SaveCaseOrder {
            id: "AS-1".into(),
            number: "TB1".into()
        }]
    );
    assert_eq!(m.screen(), Screen::Case(1));
    // The server read its clock halfway: 2 s ahead of the midpoint of ours is 1.5 s of skew.
    let skew = m.loaded.as_ref().map(|l| l.skew);
    assert_eq!(skew, Some(1_500));
    assert_eq!(m.updated, NOW + 1_000 + 1_500);
}

#[test]
fn a_page_without_a_known_order_does_not_remember_one() {
    let mut m = Model::new("AS-1".into(), None, NOW);
    m.start();
    let effects = m.update(Msg::Loaded {
        read: 1,
        answer: loaded_answer(view(&[], 3)),
        sent_at: NOW,
        received_at: NOW,
    });
    assert!(effects.is_empty(), "{effects:?}");
}

#[test]
fn a_read_overtaken_by_a_newer_one_is_dropped() {
    let mut m = page(&["message"]);
    // Two reads go out (the retry button twice); the first answers last.
    m.update(Msg::Reload);
    m.update(Msg::Reload);
    let newer = with_event(
        view(&["message"], 4),
        shop(),
        EventKind::MessagePosted {
            text: "hello".into(),
        },
    );
    m.update(Msg::Loaded {
        read: 3,
        answer: loaded_answer(newer),
        sent_at: NOW,
        received_at: NOW,
    });
    m.update(Msg::Loaded {
        read: 2,
        answer: loaded_answer(view(&["message"], 3)),
        sent_at: NOW,
        received_at: NOW,
    });
    assert_eq!(m.loaded.as_ref().map(|l| l.view.version), Some(4));
}

#[test]
fn a_read_that_brings_nothing_new_does_not_redraw_but_one_with_news_does() {
    let mut m = page(&["message"]);
    let shown = m.shown;
    m.update(Msg::Reload);
    m.update(Msg::Loaded {
        read: 2,
        answer: loaded_answer(view(&["message"], 3)),
        sent_at: NOW + 60_000,
        received_at: NOW + 60_000,
    });
    assert_eq!(
        m.shown, shown,
        "same events, actions and deadline: no redraw"
    );
    assert_eq!(m.screen(), Screen::Case(shown));
    assert_eq!(
        m.updated,
        NOW + 60_000 + 2_000 - 60_000,
        "but the page knows it is up to date"
    );

    m.update(Msg::Input(Field::Message, "half-written".into()));
    m.update(Msg::Reload);
    let news = with_event(
        view(&["message"], 4),
        shop(),
        EventKind::MessagePosted {
            text: "we are on it".into(),
        },
    );
    m.update(Msg::Loaded {
        read: 3,
        answer: loaded_answer(news),
        sent_at: NOW,
        received_at: NOW,
    });
    assert_eq!(m.shown, shown + 1);
    assert_eq!(m.screen(), Screen::Case(shown + 1));
    assert_eq!(
        m.drafts.message, "half-written",
        "a redraw keeps what the buyer is typing"
    );
}

#[test]
fn a_refused_token_sends_the_buyer_to_the_lookup_and_back_here() {
    let mut m = Model::new("AS 1".into(), Some("TB 1".into()), NOW);
    m.start();
    let effects = m.update(Msg::Loaded {
        read: 1,
        answer: Err(error(401, "unauthenticated")),
        sent_at: NOW,
        received_at: NOW,
    });
    assert_eq!(
        effects,
        vec![
            Effect::ForgetToken("TB 1".into()),
            Effect::Navigate {
                // The way back is the case's own link (`/case/AS%201?order=TB%201`), encoded.
                path: "/?order=TB%201&next=%2Fcase%2FAS%25201%3Forder%3DTB%25201".into(),
                replace: true
            }
        ]
    );

    let mut unknown = Model::new("AS-1".into(), None, NOW);
    unknown.start();
    let effects = unknown.update(Msg::Loaded {
        read: 1,
        answer: Err(error(401, "unauthenticated")),
        sent_at: NOW,
        received_at: NOW,
    });
    assert_eq!(
        effects,
        vec![Effect::Navigate {
            path: "/?order=&next=%2Fcase%2FAS-1%3Forder%3D".into(),
            replace: true
        }],
        "no token to forget; the lookup learns the order and comes back"
    );
}

#[test]
fn a_failed_first_read_is_shown_and_an_unknown_case_says_so() {
    let mut m = Model::new("AS-1".into(), Some("TB1".into()), NOW);
    m.start();
    m.update(Msg::Loaded {
        read: 1,
        answer: Err(error(0, "network")),
        sent_at: NOW,
        received_at: NOW,
    });
    assert_eq!(m.screen(), Screen::Failed(error(0, "network")));
    assert_eq!(m.update(Msg::Reload).len(), 1);
    m.update(Msg::Loaded {
        read: 2,
        answer: Err(error(404, "case_not_found")),
        sent_at: NOW,
        received_at: NOW,
    });
    assert_eq!(m.screen(), Screen::NoCase);
}

#[test]
fn a_failed_refresh_keeps_the_case_and_says_how_old_it_is() {
    let mut m = page(&["message"]);
    assert_eq!(stale_text(&m, Lang::En), None);
    m.update(Msg::Reload);
    m.update(Msg::Loaded {
        read: 2,
        answer: Err(error(0, "network")),
        sent_at: NOW,
        received_at: NOW,
    });
    assert_eq!(m.screen(), Screen::Case(1), "the case stays");
    // Last read at NOW + 4 s on the server's clock: 1 Dec 2026 ... in the shop's zone (UTC+8).
    let expected = format!(
        "Couldn't update — last updated {}",
        crate::format::hm(Timestamp(NOW + 4_000), 480)
    );
    assert_eq!(stale_text(&m, Lang::En), Some(expected));
    m.update(Msg::Reload);
    m.update(Msg::Loaded {
        read: 3,
        answer: loaded_answer(view(&["message"], 3)),
        sent_at: NOW,
        received_at: NOW,
    });
    assert_eq!(
        stale_text(&m, Lang::En),
        None,
        "a read that works clears it"
    );
}

#[test]
fn an_open_case_reloads_every_fifteen_seconds_while_the_tab_is_visible() {
    let mut m = page(&["message"]);
    let mut reads = Vec::new();
    for s in 1..=30 {
        let effects = m.update(Msg::Tick {
            now: NOW + s * 1_000,
            visible: true,
        });
        if !effects.is_empty() {
            reads.push((s, effects));
        }
    }
    assert_eq!(
        reads,
        vec![
            (
                15,
                vec![Effect::Load {
                    id: "AS-1".into(),
                    number: Some("TB1".into()),
                    read: 2
                }]
            ),
            (
                30,
                vec![Effect::Load {
                    id: "AS-1".into(),
                    number: Some("TB1".into()),
                    read: 3
                }]
            )
        ]
    );
    assert_eq!(m.now, NOW + 30_000, "the countdown's clock");

    let mut hidden = page(&["message"]);
    for s in 1..=15 {
        assert!(
            hidden
                .update(Msg::Tick {
                    now: NOW + s * 1_000,
                    visible: false
                })
                .is_empty()
        );
    }

    let closed = with_event(
        view(&[], 3),
        Actor::Buyer,
        EventKind::Closed {
            outcome: Outcome::Withdrawn,
        },
    );
    let mut done = page_with(closed);
    for s in 1..=15 {
        assert!(
            done.update(Msg::Tick {
                now: NOW + s * 1_000,
                visible: true
            })
            .is_empty(),
            "a closed case does not change by itself"
        );
    }
}

fn returning() -> BuyerCaseView {
    let mut v = with_event(
        view(&["enter_return_tracking", "message", "escalate"], 7),
        shop(),
        EventKind::Approved {
            solution: Solution::ReturnAndRefund,
            note: String::new(),
        },
    );
    v.return_address = Some("上海市 仓库 1 号".into());
    v
}

#[test]
fn sending_the_tracking_number_sends_the_version_it_was_decided_on_once() {
    let mut m = page_with(returning());
    m.update(Msg::Input(Field::Carrier, "  SF Express ".into()));
    m.update(Msg::Input(Field::Tracking, " SF1029384756 ".into()));
    let effects = m.update(Msg::Send(ActionKind::EnterReturnTracking, Vec::new()));
    assert_eq!(
        effects,
        vec![Effect::Command {
            id: "AS-1".into(),
            number: Some("TB1".into()),
            command: Command::EnterReturnTracking {
                carrier: "SF Express".into(),
                tracking: "SF1029384756".into(),
                postage: None,
            },
            version: 7
        }]
    );
    assert!(m.busy());
    assert!(
        m.update(Msg::Send(ActionKind::EnterReturnTracking, Vec::new()))
            .is_empty(),
        "a double tap sends once"
    );
    assert!(
        m.update(Msg::Send(ActionKind::Message, Vec::new()))
            .is_empty(),
        "nor anything else while one is on its way"
    );

    let mut after = returning();
    after.version = 8;
    after.actions = vec![ActionKind::Message];
    let after = with_event(
        after,
        Actor::Buyer,
        EventKind::ReturnShipped {
            carrier: "SF Express".into(),
            tracking: "SF1029384756".into(),
            postage: None,
        },
    );
    let effects = m.update(Msg::Sent {
        answer: loaded_answer(after),
        sent_at: NOW,
        received_at: NOW,
    });
    assert_eq!(effects, vec![Effect::ClearPhotos, Effect::Focus(FEEDBACK)]);
    assert!(!m.busy());
    assert_eq!(
        m.notice,
        Some(Notice::Done(ActionKind::EnterReturnTracking))
    );
    assert_eq!(
        m.notice.map(|n| n.text(i18n::t(Lang::En))),
        Some("Tracking number sent")
    );
    assert_eq!(m.drafts, Drafts::default(), "the forms are emptied");
    assert_eq!(m.loaded.as_ref().map(|l| l.view.version), Some(8));
    assert_eq!(m.shown, 2);
}

#[test]
fn a_read_sent_before_a_command_cannot_undo_its_answer() {
    let mut m = page_with(returning());
    // The self-refresh goes out, then the buyer sends the tracking number.
    for s in 1..=REFRESH_TICKS {
        m.update(Msg::Tick {
            now: NOW + i64::from(s) * 1_000,
            visible: true,
        });
    }
    assert_eq!(m.reads, 2);
    m.update(Msg::Input(Field::Carrier, "SF".into()));
    m.update(Msg::Input(Field::Tracking, "SF1".into()));
    m.update(Msg::Send(ActionKind::EnterReturnTracking, Vec::new()));
    let mut after = returning();
    after.version = 8;
    let after = with_event(
        after,
        Actor::Buyer,
        EventKind::ReturnShipped {
            carrier: "SF".into(),
            tracking: "SF1".into(),
            postage: None,
        },
    );
    m.update(Msg::Sent {
        answer: loaded_answer(after),
        sent_at: NOW,
        received_at: NOW,
    });
    // The refresh answers last, with the case as it was before the command.
    m.update(Msg::Loaded {
        read: 2,
        answer: loaded_answer(returning()),
        sent_at: NOW,
        received_at: NOW,
    });
    assert_eq!(m.loaded.as_ref().map(|l| l.view.version), Some(8));
}

#[test]
fn a_stale_command_shows_the_case_as_it_is_now_and_says_so() {
    let mut m = page_with(returning());
    m.update(Msg::Input(Field::Carrier, "SF".into()));
    m.update(Msg::Input(Field::Tracking, "SF1".into()));
    m.update(Msg::Send(ActionKind::EnterReturnTracking, Vec::new()));
    let effects = m.update(Msg::Sent {
        answer: Err(error(409, "conflict")),
        sent_at: NOW,
        received_at: NOW,
    });
    assert_eq!(
        effects,
        vec![
            Effect::Load {
                id: "AS-1".into(),
                number: Some("TB1".into()),
                read: 2
            },
            Effect::Focus(FEEDBACK)
        ]
    );
    assert_eq!(m.notice, Some(Notice::ChangedElsewhere));
    assert_eq!(m.command_error, None, "not an error: the case moved on");
    assert!(!m.busy());
    assert_eq!(m.drafts.tracking, "SF1", "what was typed is kept");

    // The read shows the new state: the shop cancelled the return meanwhile.
    let moved = with_event(
        returning(),
        shop(),
        EventKind::Closed {
            outcome: Outcome::ClosedByOwner,
        },
    );
    let mut moved = moved;
    moved.actions = Vec::new();
    moved.version = 9;
    m.update(Msg::Loaded {
        read: 2,
        answer: loaded_answer(moved),
        sent_at: NOW,
        received_at: NOW,
    });
    assert!(m.actions().is_empty());
    assert_eq!(
        m.notice.map(|n| n.text(i18n::t(Lang::En))),
        Some(i18n::EN.changed_elsewhere)
    );
    assert!(
        m.update(Msg::Send(ActionKind::EnterReturnTracking, Vec::new()))
            .is_empty(),
        "an action the case no longer lists is not sent"
    );
}

#[test]
fn a_stale_command_whose_answer_carries_the_case_shows_it_without_reading_again() {
    let mut m = page_with(returning());
    m.update(Msg::Input(Field::Carrier, "SF".into()));
    m.update(Msg::Input(Field::Tracking, "SF1".into()));
    m.update(Msg::Send(ActionKind::EnterReturnTracking, Vec::new()));
    let mut moved = with_event(
        returning(),
        shop(),
        EventKind::Closed {
            outcome: Outcome::ClosedByOwner,
        },
    );
    moved.actions = Vec::new();
    moved.version = 9;
    let mut stale = error(409, "conflict");
    stale.current = Some(std::sync::Arc::new(moved));
    let effects = m.update(Msg::Sent {
        answer: Err(stale),
        sent_at: NOW,
        received_at: NOW,
    });
    assert_eq!(effects, vec![Effect::Focus(FEEDBACK)], "no second read");
    assert_eq!(m.loaded.as_ref().map(|l| l.view.version), Some(9));
    assert!(m.actions().is_empty());
    assert_eq!(m.notice, Some(Notice::ChangedElsewhere));
    assert_eq!(m.drafts.tracking, "SF1", "what was typed is kept");
    // A read that was on its way when the command went out cannot bring the old case back.
    m.update(Msg::Loaded {
        read: 1,
        answer: loaded_answer(returning()),
        sent_at: NOW,
        received_at: NOW,
    });
    assert_eq!(m.loaded.as_ref().map(|l| l.view.version), Some(9));
}

#[test]
fn a_failed_command_is_shown_and_keeps_the_drafts() {
    let mut m = page(&["message"]);
    m.update(Msg::Input(Field::Message, "  hello  ".into()));
    let effects = m.update(Msg::Send(ActionKind::Message, Vec::new()));
    assert_eq!(
        command_of(&effects),
        Some((
            &Command::Message {
                text: "hello".into()
            },
            3
        ))
    );
    assert_eq!(
        m.drafts.message, "  hello  ",
        "the message stays until it is posted"
    );
    let effects = m.update(Msg::Sent {
        answer: Err(error(0, "network")),
        sent_at: NOW,
        received_at: NOW,
    });
    assert_eq!(effects, vec![Effect::Focus(FEEDBACK)]);
    assert_eq!(m.command_error, Some(error(0, "network")));
    assert_eq!(m.notice, None);
    assert!(!m.busy());
    assert_eq!(m.drafts.message, "  hello  ", "a failed send loses nothing");
    // The retry sends the same message; its success empties the box.
    let retry = m.update(Msg::Send(ActionKind::Message, Vec::new()));
    assert!(command_of(&retry).is_some());
    m.update(Msg::Sent {
        answer: Ok(view(&["message"], 4)),
        sent_at: NOW,
        received_at: NOW,
    });
    assert_eq!(m.drafts.message, "");
}

#[test]
fn a_command_is_sent_only_when_the_api_lists_it_and_its_form_is_complete() {
    let mut m = page(&["message", "rate", "add_proof", "answer_info"]);
    assert!(
        m.update(Msg::Send(ActionKind::Cancel, Vec::new()))
            .is_empty(),
        "not listed"
    );
    assert!(
        m.update(Msg::Send(ActionKind::Message, Vec::new()))
            .is_empty(),
        "an empty message"
    );
    m.update(Msg::Input(Field::Message, "   ".into()));
    assert!(
        m.update(Msg::Send(ActionKind::Message, Vec::new()))
            .is_empty(),
        "a blank message"
    );
    assert!(
        m.update(Msg::Send(ActionKind::AddProof, Vec::new()))
            .is_empty(),
        "proof without a photo"
    );
    assert!(!can_rate(&m));
    assert!(
        m.update(Msg::Send(ActionKind::Rate, Vec::new())).is_empty(),
        "a rating without stars"
    );
    assert!(!m.busy());

    m.update(Msg::Stars(9));
    assert_eq!(m.drafts.stars, 5, "five stars at most");
    m.update(Msg::Stars(4));
    m.update(Msg::Input(Field::Comment, " kind ".into()));
    assert!(can_rate(&m));
    let effects = m.update(Msg::Send(ActionKind::Rate, Vec::new()));
    assert_eq!(
        command_of(&effects).map(|(c, _)| c),
        Some(&Command::Rate {
            stars: 4,
            comment: "kind".into()
        })
    );
    assert!(!can_rate(&m), "not while it is on its way");
}

#[test]
fn photos_go_with_the_answer_and_the_proof() {
    let mut m = page(&["add_proof", "answer_info"]);
    let effects = m.update(Msg::Send(ActionKind::AddProof, vec!["ph_1".into()]));
    assert_eq!(
        command_of(&effects).map(|(c, _)| c),
        Some(&Command::AddProof {
            photos: vec!["ph_1".into()]
        })
    );
    m.update(Msg::Sent {
        answer: Err(error(0, "network")),
        sent_at: NOW,
        received_at: NOW,
    });
    m.update(Msg::Input(Field::Answer, " It is the left sleeve. ".into()));
    let effects = m.update(Msg::Send(ActionKind::AnswerInfo, vec!["ph_2".into()]));
    assert_eq!(
        command_of(&effects).map(|(c, _)| c),
        Some(&Command::AnswerInfo {
            note: "It is the left sleeve.".into(),
            photos: vec!["ph_2".into()]
        })
    );
}

#[test]
fn cancelling_asks_first_and_moves_the_focus_to_the_answer() {
    let mut m = page(&["cancel"]);
    assert_eq!(
        m.update(Msg::AskCancel),
        vec![Effect::Focus("#keep-request")]
    );
    assert!(m.drafts.confirming_cancel);
    assert_eq!(
        m.update(Msg::KeepRequest),
        vec![Effect::Focus("[data-testid=cancel]")]
    );
    assert!(!m.drafts.confirming_cancel);
    m.update(Msg::AskCancel);
    let effects = m.update(Msg::Send(ActionKind::Cancel, Vec::new()));
    assert_eq!(command_of(&effects).map(|(c, _)| c), Some(&Command::Cancel));
}

#[test]
fn the_forms_shown_are_the_actions_listed_in_the_pages_order() {
    assert_eq!(
        forms(&[
            ActionKind::Cancel,
            ActionKind::Message,
            ActionKind::Escalate,
            ActionKind::EnterReturnTracking,
            ActionKind::AcceptOffer,
        ]),
        vec![
            ActionKind::EnterReturnTracking,
            ActionKind::Escalate,
            ActionKind::Cancel
        ]
    );
    assert!(
        forms(&[ActionKind::Message, ActionKind::AcceptOffer]).is_empty(),
        "the message box and the offer have their own places"
    );
}

#[test]
fn the_return_address_shows_while_the_return_is_awaited() {
    let v = returning();
    assert_eq!(return_address(&v).as_deref(), Some("上海市 仓库 1 号"));
    let mut blank = returning();
    blank.return_address = Some("  ".into());
    assert_eq!(
        return_address(&blank),
        None,
        "a blank address is no address"
    );
    let mut early = view(&["message"], 3);
    early.return_address = Some("上海市 仓库 1 号".into());
    assert_eq!(
        return_address(&early),
        None,
        "not before the return is approved"
    );

    let mut m = page_with(returning());
    assert_eq!(
        m.update(Msg::Copy),
        vec![Effect::Copy("上海市 仓库 1 号".into())]
    );
    m.update(Msg::Copied(false));
    assert_eq!(m.copied, Some(false));
    m.update(Msg::Copied(true));
    assert_eq!(m.copied, Some(true));
    // A case drawn again has its address not yet copied.
    m.update(Msg::Reload);
    let news = with_event(
        returning(),
        shop(),
        EventKind::MessagePosted {
            text: "Please use the box it came in".into(),
        },
    );
    m.update(Msg::Loaded {
        read: 2,
        answer: loaded_answer(news),
        sent_at: NOW,
        received_at: NOW,
    });
    assert_eq!(m.copied, None);
}

#[test]
fn an_offer_shows_when_the_buyer_may_answer_it() {
    let offered = with_event(
        view(&["accept_offer", "decline_offer"], 3),
        shop(),
        EventKind::OfferMade {
            offer: Offer::PartialRefund {
                amount: shared::domain::Money(5_000),
            },
            note: "keep it, with 50 back?".into(),
        },
    );
    let state = offered.case.state();
    assert_eq!(
        offer(state.clone(), &offered.actions),
        Some(EventKind::OfferMade {
            offer: Offer::PartialRefund {
                amount: shared::domain::Money(5_000)
            },
            note: "keep it, with 50 back?".into()
        })
    );
    assert_eq!(offer(state, &[]), None);
    let mut m = page_with(offered);
    let effects = m.update(Msg::Send(ActionKind::DeclineOffer, Vec::new()));
    assert_eq!(
        command_of(&effects).map(|(c, _)| c),
        Some(&Command::DeclineOffer {
            note: String::new()
        })
    );
}

#[test]
fn the_question_the_request_lines_and_the_photos_are_read_from_the_case() {
    let asked = with_event(
        view(&["answer_info"], 3),
        shop(),
        EventKind::InfoRequested {
            question: "Which sleeve?".into(),
        },
    );
    assert_eq!(
        question(&asked.case.state()).as_deref(),
        Some("Which sleeve?")
    );
    assert_eq!(question(&view(&[], 3).case.state()), None);
    assert_eq!(
        request_lines(&asked),
        vec![("Oxford shirt".to_string(), 1), ("GONE".to_string(), 2)],
        "a line the order lacks is named by its SKU"
    );
    let answered = with_event(
        asked,
        Actor::Buyer,
        EventKind::InfoAnswered {
            note: "left".into(),
            photos: vec!["ph_c".into()],
        },
    );
    let more = with_event(
        answered,
        Actor::Buyer,
        EventKind::ProofAdded {
            photos: vec!["ph_d".into(), "ph_e".into()],
        },
    );
    assert_eq!(photo_ids(&more), vec!["ph_a", "ph_c", "ph_d", "ph_e"]);
}

#[test]
fn the_banner_says_whose_move_it_is() {
    let buyer = Deadline {
        waiting_for: Party::Buyer,
        due: Timestamp(NOW),
        on_expiry: ExpiryOutcome::CloseAbandoned,
        paused: false,
    };
    let open = view(&[], 3).case.state();
    let mine = Banner::of(&open, Some(buyer));
    assert_eq!(
        (mine.class(), mine.party(), mine.kicker(&i18n::EN)),
        ("banner banner-you", "buyer", i18n::EN.your_move)
    );
    let arriving = Banner::of(
        &open,
        Some(Deadline {
            on_expiry: ExpiryOutcome::AutoConfirmReceipt,
            ..buyer
        }),
    );
    assert_eq!(
        (
            arriving.class(),
            arriving.party(),
            arriving.kicker(&i18n::EN)
        ),
        ("banner banner-shop", "buyer", i18n::EN.passive_kicker),
        "waiting for a parcel asks nothing urgent"
    );
    let shops = Banner::of(
        &open,
        Some(Deadline {
            waiting_for: Party::Shop { role: Role::Agent },
            ..buyer
        }),
    );
    assert_eq!(
        (shops.class(), shops.party(), shops.kicker(&i18n::EN)),
        ("banner banner-shop", "shop", i18n::EN.shop_move)
    );
    let none = Banner::of(&open, None);
    assert_eq!((none.class(), none.party()), ("banner banner-shop", "none"));

    let rated = with_event(
        with_event(
            view(&[], 3),
            Actor::Buyer,
            EventKind::Closed {
                outcome: Outcome::Refunded,
            },
        ),
        Actor::Buyer,
        EventKind::Rated {
            stars: 5,
            comment: String::new(),
        },
    );
    let closed = Banner::of(&rated.case.state(), Some(buyer));
    assert_eq!(
        closed,
        Banner::Closed {
            outcome: Outcome::Refunded,
            rated: true
        },
        "a closed case has no move left, whatever the deadline"
    );
    assert_eq!(
        (closed.class(), closed.party()),
        ("banner banner-closed", "none")
    );
}

#[test]
fn the_countdown_says_whose_move_it_is_and_how_long_is_left() {
    let d = Deadline {
        waiting_for: Party::Shop { role: Role::Agent },
        due: Timestamp(23 * MS_PER_HOUR + 12 * MS_PER_MINUTE),
        on_expiry: ExpiryOutcome::AutoApprove,
        paused: false,
    };
    assert_eq!(
        countdown_text(&d, 0, Lang::ZhCn, 480),
        "商家需在 23小时12分钟 内处理"
    );
    assert_eq!(
        countdown_text(&d, 0, Lang::En, 480),
        "The shop must answer within 23 hours 12 minutes"
    );
    let mine = Deadline {
        waiting_for: Party::Buyer,
        ..d
    };
    assert_eq!(
        countdown_text(&mine, 0, Lang::En, 480),
        "Please act within 23 hours 12 minutes"
    );
    assert_eq!(
        countdown_text(&mine, d.due.0, Lang::En, 480),
        i18n::EN.overdue
    );
    assert_eq!(
        countdown_text(
            &Deadline {
                paused: true,
                ..mine
            },
            0,
            Lang::En,
            480
        ),
        i18n::EN.paused
    );
    // Waiting for a delivery says when it confirms itself, not "act within".
    let arriving = Deadline {
        on_expiry: ExpiryOutcome::AutoConfirmReceipt,
        due: Timestamp(1_795_154_700_000),
        ..mine
    };
    assert_eq!(
        countdown_text(&arriving, 0, Lang::En, 480),
        "Confirm when it arrives · confirmed automatically on 20 Nov 2026"
    );
    assert_eq!(
        countdown_text(&arriving, 0, Lang::ZhCn, 480),
        "收到后请确认收货 · 2026年11月20日自动确认"
    );
}

/// A refresh of `m` that answers `v`.
fn refresh(m: &mut Model, v: BuyerCaseView) {
    let read = m.reads.wrapping_add(1);
    m.reads = read;
    m.update(Msg::Loaded {
        read,
        answer: loaded_answer(v),
        sent_at: NOW + 30_000,
        received_at: NOW + 31_000,
    });
}

#[test]
fn news_from_the_shop_shows_on_the_open_page_and_an_old_notice_clears() {
    let news = |key: &str| shared::api::notify::CaseNews {
        key: key.into(),
        zh: "商家已同意退货，请在12月8日前寄回".into(),
        en: "The shop approved your return — send it by 8 Dec".into(),
    };
    let mut first = view(&["message"], 3);
    first.news = Some(news("AS-1.info_requested.1"));
    let mut m = page_with(first.clone());
    assert!(!m.news, "the news the page opened with is not news");
    let mut approved = with_event(
        view(&["enter_return_tracking"], 4),
        shop(),
        EventKind::Approved {
            solution: Solution::ReturnAndRefund,
            note: String::new(),
        },
    );
    approved.news = Some(news("AS-1.approved.2"));
    refresh(&mut m, approved.clone());
    assert!(m.news);
    let title = m
        .loaded
        .as_ref()
        .and_then(|l| l.view.news.as_ref())
        .map(|n| n.title(Lang::En).to_owned());
    assert_eq!(
        title.as_deref(),
        Some("The shop approved your return — send it by 8 Dec")
    );
    // The same read again changes nothing; a later change without news of its own clears it.
    refresh(&mut m, approved.clone());
    assert!(m.news);
    let mut shipped = with_event(
        approved,
        Actor::Buyer,
        EventKind::ReturnShipped {
            carrier: "SF".into(),
            tracking: "SF1".into(),
            postage: None,
        },
    );
    shipped.version = 5;
    refresh(&mut m, shipped);
    assert!(!m.news);
}
