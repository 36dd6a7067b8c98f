//! Bad input gets a clear error and changes nothing; retries and races make one result.

use std::sync::{Arc, Barrier};

use serde_json::json;

use crate::helpers::*;
use crate::support::{app, fresh_orders, unique};
use tests::fixtures::stories;

fn cases_of(buyer: &tests::Api) -> usize {
    buyer.get("/api/buyer/order").json()["cases"]
        .as_array()
        .map_or(usize::MAX, Vec::len)
}

#[test]
fn an_idempotent_retry_makes_one_case_and_a_reused_key_with_another_body_is_refused() {
    let orders = orders("idem");
    let buyer = buyer(story(&orders, stories::SHIRT));
    let key = unique("idem");
    let first = file_with_key(&buyer, &key, &shirt_return());
    assert_status(&first, 201);
    let retry = file_with_key(&buyer, &key, &shirt_return());
    assert_status(&retry, 201);
    assert_eq!(first.json()["case"]["id"], retry.json()["case"]["id"]);
    let mut other = shirt_return();
    other["note"] = json!("a different body");
    let reused = file_with_key(&buyer, &key, &other);
    assert_status(&reused, 409);
    assert_eq!(reused.code(), "idempotency_key_reused");
    assert_eq!(cases_of(&buyer), 1);
    // No key at all is a bad request, and changes nothing.
    let r = buyer.post("/api/buyer/cases", &shirt_return());
    assert_status(&r, 400);
    assert_eq!(cases_of(&buyer), 1);
}

#[test]
fn a_double_tap_sent_at_the_same_moment_makes_one_case() {
    let orders = orders("tap");
    let buyer = buyer(story(&orders, stories::SHIRT));
    let key = unique("tap");
    let barrier = Arc::new(Barrier::new(2));
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let (buyer, key, barrier) = (buyer.clone(), key.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                file_with_key(&buyer, &key, &shirt_return())
            })
        })
        .collect();
    let answers: Vec<_> = handles
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect();
    for a in &answers {
        assert_status(a, 201);
    }
    assert_eq!(
        answers[0].json()["case"]["id"],
        answers[1].json()["case"]["id"]
    );
    assert_eq!(cases_of(&buyer), 1);
}

#[test]
fn two_conflicting_staff_commands_sent_at_once_apply_exactly_one() {
    let orders = orders("race");
    let buyer = buyer(story(&orders, stories::SHIRT));
    let case = file(&buyer, &shirt_return());
    let agent = staff(app(), AGENT);
    let owner = staff(app(), OWNER);
    // Both look at the case, then act on what they saw.
    let seen = agent.get(&format!("/api/staff/cases/{case}")).json()["version"].to_string();
    let barrier = Arc::new(Barrier::new(2));
    let commands = [
        (
            agent,
            json!({"type": "approve", "solution": {"kind": "return_and_refund"}}),
        ),
        (
            owner,
            json!({"type": "reject", "reason_code": "insufficient_proof", "note": "need photos"}),
        ),
    ];
    let handles: Vec<_> = commands
        .into_iter()
        .map(|(who, command)| {
            let (case, barrier, seen) = (case.clone(), barrier.clone(), seen.clone());
            std::thread::spawn(move || {
                let body = serde_json::to_vec(&command).unwrap_or_default();
                barrier.wait();
                who.send(
                    "POST",
                    &format!("/api/staff/cases/{case}/commands"),
                    Some(("application/json", body)),
                    &[("If-Match", &format!("\"{seen}\""))],
                )
            })
        })
        .collect();
    let answers: Vec<_> = handles
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect();
    let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    let history = || {
        staff(app(), AGENT)
            .get(&format!("/api/staff/cases/{case}"))
            .json()["case"]["events"]
            .to_string()
    };
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "exactly one wins: {statuses:?} {}",
        history()
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        1,
        "the other is told: {statuses:?} {}",
        String::from_utf8_lossy(
            &answers
                .iter()
                .find(|a| a.status != 200)
                .map(|a| a.body.clone())
                .unwrap_or_default()
        )
    );
    let loser = answers.iter().find(|a| a.status == 409).expect("a loser");
    assert_eq!(loser.code(), "conflict");
    assert!(
        loser.json()["current"]["state"].is_string(),
        "the loser sees the current case"
    );
    let events = staff(app(), AGENT)
        .get(&format!("/api/staff/cases/{case}"))
        .json()["case"]["events"]
        .clone();
    let decisions = events.as_array().map_or(0, |e| {
        e.iter()
            .filter(|e| e["kind"]["type"] == "approved" || e["kind"]["type"] == "rejected")
            .count()
    });
    assert_eq!(decisions, 1, "the history holds one decision: {events}");
}

#[test]
fn malformed_json_wrong_types_and_unknown_fields_are_refused_with_the_envelope() {
    let orders = orders("bad");
    let buyer = buyer(story(&orders, stories::SHIRT));
    let send = |body: &str| {
        buyer.send(
            "POST",
            "/api/buyer/cases",
            Some(("application/json", body.as_bytes().to_vec())),
            &[("Idempotency-Key", &unique("b"))],
        )
    };
    for body in [
        "{not json",
        r#"{"kind": 5, "reason": "size_or_fit", "lines": []}"#,
        r#"{"kind": "return_and_refund", "reason": "size_or_fit", "lines": [{"sku": "SHIRT-OX-L", "quantity": 1}], "admin": true}"#,
        r#"{"kind": "return_and_refund", "reason": "size_or_fit", "lines": [{"sku": "SHIRT-OX-L", "quantity": -1}]}"#,
    ] {
        let r = send(body);
        assert_status(&r, 400);
        assert_eq!(r.code(), "malformed_json");
        assert!(!r.json()["message"].as_str().unwrap_or_default().is_empty());
    }
    // Valid JSON, refused by the rules: excess quantity, another order's line.
    for (sku, quantity) in [("SHIRT-OX-L", 2), ("PHONE-X12-256", 1)] {
        let r = send(&json!({"kind": "return_and_refund", "reason": "size_or_fit", "lines": [{"sku": sku, "quantity": quantity}], "intact_confirmed": true}).to_string());
        assert_status(&r, 422);
    }
    let r = buyer.send(
        "POST",
        "/api/buyer/cases",
        Some(("text/plain", b"hello".to_vec())),
        &[("Idempotency-Key", "k1")],
    );
    assert_status(&r, 415);
    assert_eq!(cases_of(&buyer), 0, "nothing was filed");
    // Messages come in the caller's language.
    let zh = buyer.clone().with_lang("zh-CN").send(
        "POST",
        "/api/buyer/cases",
        Some(("application/json", b"{".to_vec())),
        &[("Idempotency-Key", "k2")],
    );
    assert!(
        zh.json()["message"]
            .as_str()
            .unwrap_or_default()
            .chars()
            .any(|c| c > '\u{4e00}'),
        "a Chinese message: {}",
        zh.json()
    );
}

#[test]
fn oversized_bodies_are_refused_before_they_are_read() {
    let orders = orders("big");
    let buyer = buyer(story(&orders, stories::SHIRT));
    let big_json = format!(
        r#"{{"kind":"return_and_refund","reason":"size_or_fit","lines":[],"note":"{}"}}"#,
        "x".repeat(100_000)
    );
    let r = buyer.send(
        "POST",
        "/api/buyer/cases",
        Some(("application/json", big_json.into_bytes())),
        &[("Idempotency-Key", "big")],
    );
    assert_status(&r, 413);
    let photo = vec![0xFFu8; 30 * 1024 * 1024];
    let r = buyer.send(
        "POST",
        "/api/buyer/photos",
        Some(("image/jpeg", photo)),
        &[],
    );
    assert_status(&r, 413);
}

/// A valid 1×1 PNG with a text chunk.
pub(crate) fn png_with_text() -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    let chunk = |b: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
        b.extend_from_slice(&(data.len() as u32).to_be_bytes());
        b.extend_from_slice(kind);
        b.extend_from_slice(data);
        b.extend_from_slice(&[0, 0, 0, 0]);
    };
    chunk(&mut b, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
    chunk(&mut b, b"tEXt", b"GPS\0lat 31.23 lon 121.47");
    chunk(
        &mut b,
        b"IDAT",
        &[
            0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0x00, 0x00, 0x03, 0x01, 0x01, 0x00,
        ],
    );
    chunk(&mut b, b"IEND", &[]);
    b
}

#[test]
fn photos_are_sniffed_stripped_and_served_only_to_their_buyer_and_staff() {
    let orders = orders("photo");
    let buyer = buyer(story(&orders, stories::PHONE));
    let stranger = crate::helpers::buyer(story(&orders, stories::BOOK));
    let up = buyer.send(
        "POST",
        "/api/buyer/photos",
        Some(("image/jpeg", png_with_text())),
        &[],
    );
    assert_status(&up, 201);
    assert_eq!(
        up.json()["content_type"],
        "image/png",
        "decided by the bytes, not the header"
    );
    let id = up.json()["id"].as_str().unwrap_or_default().to_string();
    let served = buyer.get(&format!("/api/photos/{id}"));
    assert_status(&served, 200);
    assert_eq!(served.header("content-type"), Some("image/png"));
    assert_eq!(served.header("x-content-type-options"), Some("nosniff"));
    assert!(
        !served.body.windows(3).any(|w| w == b"GPS"),
        "metadata removed"
    );
    assert_status(&stranger.get(&format!("/api/photos/{id}")), 404);
    assert_status(&app().api().get(&format!("/api/photos/{id}")), 401);
    assert_status(&staff(app(), AGENT).get(&format!("/api/photos/{id}")), 200);

    let script = buyer.send(
        "POST",
        "/api/buyer/photos",
        Some(("image/jpeg", b"#!/bin/sh\necho pwned\n".to_vec())),
        &[],
    );
    assert_status(&script, 415);
    let png = png_with_text();
    let truncated = buyer.send(
        "POST",
        "/api/buyer/photos",
        Some(("image/png", png[..png.len() - 8].to_vec())),
        &[],
    );
    assert_status(&truncated, 422);

    // At most nine per case; a photo from another order cannot be referenced.
    let ids: Vec<String> = (0..10)
        .map(|_| {
            buyer
                .send(
                    "POST",
                    "/api/buyer/photos",
                    Some(("image/png", png_with_text())),
                    &[],
                )
                .json()["id"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    let mut request = json!({"kind": "exchange", "reason": "damaged_in_transit", "lines": [{"sku": "PHONE-X12-256", "quantity": 1}], "intact_confirmed": true});
    request["photos"] = json!(ids);
    assert_status(&file_with_key(&buyer, &unique("p"), &request), 422);
    let foreign = stranger
        .send(
            "POST",
            "/api/buyer/photos",
            Some(("image/png", png_with_text())),
            &[],
        )
        .json()["id"]
        .clone();
    request["photos"] = json!([foreign]);
    assert_status(&file_with_key(&buyer, &unique("p"), &request), 422);
    request["photos"] = json!(ids[..9]);
    assert_status(&file_with_key(&buyer, &unique("p"), &request), 201);
}

#[test]
fn a_wrong_contact_and_a_missing_order_answer_exactly_alike() {
    let orders = orders("lookup");
    let order = story(&orders, stories::SHIRT);
    let wrong = app().api().post(
        "/api/lookup",
        &json!({"order_number": order.number, "contact": "someone@else.cn"}),
    );
    let missing = app().api().post(
        "/api/lookup",
        &json!({"order_number": "NO-SUCH-ORDER-1", "contact": "someone@else.cn"}),
    );
    assert_status(&wrong, 404);
    assert_eq!(
        (wrong.status, wrong.body.clone()),
        (missing.status, missing.body.clone())
    );
    // The phone works as well as the e-mail, in any format.
    let by_phone = app().api().post(
        "/api/lookup",
        &json!({"order_number": order.number, "contact": "138 0013 8001"}),
    );
    assert_status(&by_phone, 200);
}

#[test]
fn an_order_number_is_found_however_the_buyer_types_it() {
    // One number as shops write it (upper case) and one a shop keeps in lower case.
    let mut orders = fresh_orders("TYPED");
    orders.truncate(2);
    orders[1].number = orders[1].number.to_ascii_lowercase();
    app().import_orders(&orders);
    let found = |typed: &str, order: &shared::domain::Order| {
        let r = app().api().post(
            "/api/lookup",
            &json!({"order_number": typed, "contact": contact_of(order)}),
        );
        assert_status(&r, 200);
        assert_eq!(
            r.json()["order"]["order"]["number"],
            json!(order.number),
            "{typed}"
        );
    };
    let full_width = |n: &str| -> String {
        n.chars()
            .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap_or(c))
            .collect()
    };
    let (upper, lower) = (&orders[0], &orders[1]);
    found(&format!("  {} ", upper.number), upper);
    found(&upper.number.to_ascii_lowercase(), upper);
    found(&full_width(&upper.number), upper);
    found(
        &format!("\u{3000}{}", full_width(&upper.number.to_ascii_lowercase())),
        upper,
    );
    found(&lower.number, lower);
    found(&lower.number.to_ascii_uppercase(), lower);
    found(&full_width(&lower.number.to_ascii_uppercase()), lower);
    // Folding finds the number; it does not loosen the contact check.
    let wrong = app().api().post(
        "/api/lookup",
        &json!({"order_number": lower.number.to_ascii_uppercase(), "contact": "someone@else.cn"}),
    );
    assert_status(&wrong, 404);
}

#[test]
fn guessing_contacts_for_an_order_is_rate_limited() {
    let orders = orders("guess");
    let order = story(&orders, stories::PHONE);
    let statuses: Vec<u16> = (0..14)
        .map(|i| {
            app()
                .api()
                .post(
                    "/api/lookup",
                    &json!({"order_number": order.number, "contact": format!("guess{i}@x.cn")}),
                )
                .status
        })
        .collect();
    assert!(statuses.contains(&429), "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 404 || *s == 429));
}
