//! The desk's other problems through the API against the real worker: the parcel's tracking the
//! shop's system pushes (merged whole under concurrent pushes), where-is-my-parcel questions, a
//! stalled parcel claimed without proof, complaints answered by the owner, and the queue's
//! order across the classes (DOMAIN.md "Priority of the queue").

use std::sync::{Arc, Barrier};

use serde_json::{Value, json};
use shared::domain::{MS_PER_HOUR, Order};
use tests::ApiResponse;

use crate::helpers::*;
use crate::support::{app, now};

fn scan(hours_ago: i64, status: &str) -> Value {
    json!({"at": now().0 - hours_ago * MS_PER_HOUR, "status": status, "location": "杭州"})
}

fn push(order: &Order, body: &Value) -> ApiResponse {
    app().shop_system().post(
        &shared::api::routes::shop_order_tracking(&order.number),
        body,
    )
}

fn question(kind: &str) -> Value {
    let reason = if kind == "complaint" {
        "service"
    } else {
        "not_received"
    };
    json!({"kind": kind, "reason": reason, "lines": [],
           "note": "Where is it? / 服务太差"})
}

#[test]
fn ten_pushes_at_once_all_land_in_the_parcels_record_and_the_buyer_sees_them() {
    let order = order_on_its_way("trk", 2);
    let base = now().0;
    let scan_at =
        move |i: i64| json!({"at": base - (40 - i) * MS_PER_HOUR, "status": format!("scan {i}")});
    let barrier = Arc::new(Barrier::new(10));
    let handles: Vec<_> = (0..10)
        .map(|i: i64| {
            let (barrier, order) = (barrier.clone(), order.clone());
            std::thread::spawn(move || {
                barrier.wait();
                push(
                    &order,
                    &json!({"carrier": "SF Express", "number": "SF100200300",
                            "events": [scan_at(i)]}),
                )
            })
        })
        .collect();
    for h in handles {
        let r = h.join().expect("push thread");
        assert_status(&r, 200);
    }
    let buyer = buyer(&order);
    let seen = buyer.get("/api/buyer/order");
    assert_status(&seen, 200);
    let events = seen.json()["order"]["tracking"]["events"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(events.len(), 10, "every acknowledged push kept: {events:?}");
    let times: Vec<i64> = events.iter().filter_map(|e| e["at"].as_i64()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "oldest first");
    // A retry of one push changes nothing.
    let again = push(
        &order,
        &json!({"carrier": "SF Express", "number": "SF100200300", "events": [scan_at(0)]}),
    );
    assert_status(&again, 200);
    assert_eq!(again.json()["events"].as_array().map(Vec::len), Some(10));
}

#[test]
fn a_bad_push_is_refused_in_the_callers_language_and_changes_nothing() {
    let order = order_on_its_way("trkbad", 2);
    let good = json!({"carrier": "SF", "number": "SF1", "events": [scan(3, "揽收")]});
    assert_status(&push(&order, &good), 200);
    let too_many: Vec<Value> = (0..101).map(|i| scan(i, "x")).collect();
    let shop_zh = app().shop_system().with_lang("zh-CN");
    let path = shared::api::routes::shop_order_tracking(&order.number);
    for body in [
        json!({"carrier": "", "number": "SF1", "events": []}),
        json!({"carrier": "SF", "number": "SF1", "events": too_many}),
        json!({"carrier": "SF", "number": "SF1", "events": [{"at": -5, "status": "x"}]}),
        json!({"carrier": "SF", "number": "SF1", "events": [{"at": now().0, "status": ""}]}),
    ] {
        let r = shop_zh.post(&path, &body);
        assert_status(&r, 422);
        assert_eq!(r.code(), "invalid_fields");
        let text = String::from_utf8_lossy(&r.body).to_string();
        assert!(
            text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "a Chinese message: {text}"
        );
    }
    let r = shop_zh.post(&path, &json!({"carrier": "SF"}));
    assert_status(&r, 400);
    let unknown = app().shop_system().post(
        &shared::api::routes::shop_order_tracking("NO-SUCH-ORDER-1"),
        &good,
    );
    assert_status(&unknown, 404);
    assert_eq!(unknown.code(), "order_not_found");
    let anonymous = app().api().post(&path, &good);
    assert_status(&anonymous, 401);
    let seen = buyer(&order).get("/api/buyer/order");
    assert_eq!(
        seen.json()["order"]["tracking"]["events"]
            .as_array()
            .map(Vec::len),
        Some(1),
        "nothing refused was kept"
    );
}

#[test]
fn a_buyer_asks_where_the_parcel_is_and_gets_the_shops_answer() {
    let order = order_on_its_way("wismo", 2);
    assert_status(
        &push(
            &order,
            &json!({"carrier": "SF", "number": "SF9", "events": [scan(20, "运输中")]}),
        ),
        200,
    );
    let buyer = buyer(&order);
    let case = file(&buyer, &question("parcel_question"));
    let filed = buyer.get(&format!("/api/buyer/cases/{case}"));
    assert_eq!(filed.json()["state"], "awaiting_review");
    let due = filed.json()["deadline"]["due"].as_i64().unwrap_or_default();
    let hours = (due
        - filed.json()["case"]["filed_at"]
            .as_i64()
            .unwrap_or_default())
        / MS_PER_HOUR;
    assert_eq!(hours, 24, "the shop answers within 24 hours");
    let agent = staff(app(), AGENT);
    let queue = agent.get("/api/staff/queue?kind=parcel_question&limit=100");
    assert_status(&queue, 200);
    let row = queue.json()["items"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|i| i["id"] == case.as_str())
        .cloned()
        .expect("the question is in the queue");
    assert_eq!(row["priority_class"], 3, "the logistics class");
    // Nothing is granted on a question.
    let approve = staff_command(
        &agent,
        &case,
        &json!({"type": "approve", "solution": {"kind": "reship"}}),
    );
    assert_status(&approve, 409);
    let answered = staff_command(
        &agent,
        &case,
        &json!({"type": "answer", "text": "It reached Hangzhou today; it will be with you tomorrow."}),
    );
    assert_status(&answered, 200);
    let seen = buyer.get(&format!("/api/buyer/cases/{case}"));
    assert_eq!(seen.json()["state"], "closed");
    let text = String::from_utf8_lossy(&seen.body).to_string();
    assert!(
        text.contains("reached Hangzhou"),
        "the buyer reads the answer"
    );
}

#[test]
fn a_moving_parcel_needs_the_couriers_record_and_a_stalled_one_is_reshipped_without_proof() {
    let reship = |order: &Order| {
        let sku = order.lines[0].sku.clone();
        json!({"kind": "reship", "reason": "not_received",
               "lines": [{"sku": sku, "quantity": 1}], "note": "Never came"})
    };
    let moving = order_on_its_way("moving", 2);
    let refused = file_with_key(&buyer(&moving), "k-moving", &reship(&moving));
    assert_status(&refused, 422);
    assert_eq!(refused.code(), "parcel_still_moving");
    let body = String::from_utf8_lossy(&refused.body).to_string();
    assert!(
        body.contains("still on its way"),
        "says why and until when: {body}"
    );

    // Shipped nine days ago, last scanned seven days ago: stalled.
    let stalled = order_on_its_way("stalled", 9);
    assert_status(
        &push(
            &stalled,
            &json!({"carrier": "YTO", "number": "YT1", "events": [scan(7 * 24, "运输中")]}),
        ),
        200,
    );
    let case = file(&buyer(&stalled), &reship(&stalled));
    let filed = buyer(&stalled).get(&format!("/api/buyer/cases/{case}"));
    assert_eq!(filed.json()["state"], "awaiting_review");

    // A promised date passed stalls a parcel that moved yesterday.
    let late = order_on_its_way("late", 3);
    assert_status(
        &push(
            &late,
            &json!({"carrier": "YTO", "number": "YT2", "promised_by": now().0 - MS_PER_HOUR,
                    "events": [scan(20, "运输中")]}),
        ),
        200,
    );
    file(&buyer(&late), &reship(&late));
}

#[test]
fn a_complaint_is_the_owners_within_12_hours_and_tops_the_queue_before_fault_no_fault_and_parcels()
{
    let orders = orders("rank");
    let shirt = story(&orders, tests::fixtures::stories::SHIRT);
    let phone = story(&orders, tests::fixtures::stories::PHONE);
    let parcel = order_on_its_way("rankp", 2);
    // Filed lowest rank first, so the order below is the policy's and not the filing's.
    let parcel_case = file(&buyer(&parcel), &question("parcel_question"));
    let no_fault = file(&buyer(shirt), &shirt_return());
    let fault = file(
        &buyer(phone),
        &json!({"kind": "exchange", "reason": "damaged_in_transit",
                "lines": [{"sku": phone.lines[0].sku, "quantity": 1}], "note": "Scratched",
                "intact_confirmed": true}),
    );
    let complaint = file(&buyer(shirt), &question("complaint"));

    let owner = staff(app(), OWNER);
    let mut ranked: Vec<String> = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/staff/queue?limit=100&cursor={c}"),
            None => "/api/staff/queue?limit=100".to_string(),
        };
        let page = owner.get(&path);
        assert_status(&page, 200);
        for item in page.json()["items"].as_array().into_iter().flatten() {
            let id = item["id"].as_str().unwrap_or_default().to_string();
            if [&parcel_case, &no_fault, &fault, &complaint].contains(&&id) {
                ranked.push(id);
            }
        }
        cursor = page.json()["next_cursor"].as_str().map(str::to_string);
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(
        ranked,
        vec![complaint.clone(), fault, no_fault, parcel_case]
    );

    let filed = owner.get(&format!("/api/staff/cases/{complaint}"));
    assert_eq!(filed.json()["deadline"]["waiting_for"]["role"], "owner");
    let agent = staff(app(), AGENT);
    let sorry = json!({"type": "answer", "text": "I am sorry; I will see to it myself."});
    assert_status(&staff_command(&agent, &complaint, &sorry), 403);
    assert_status(&staff_command(&owner, &complaint, &sorry), 200);
}

fn review(external_ref: &str) -> Value {
    json!({"rating": 1, "text": "发货太慢，客服也不回 / slow and nobody answered",
           "platform": "taobao", "external_ref": external_ref})
}

#[test]
fn a_bad_review_pushed_five_times_at_once_opens_one_follow_up_that_ends_revised() {
    let orders = orders("review");
    let order = story(&orders, tests::fixtures::stories::SHIRT).clone();
    let owner = staff(app(), OWNER);
    let before = owner.get("/api/staff/analytics").json()["reviews"].clone();
    let reference = crate::support::unique("R");
    let barrier = Arc::new(Barrier::new(5));
    let handles: Vec<_> = (0..5)
        .map(|_| {
            let (barrier, order, reference) = (barrier.clone(), order.clone(), reference.clone());
            std::thread::spawn(move || {
                barrier.wait();
                app().shop_system().post(
                    &shared::api::routes::shop_order_reviews(&order.number),
                    &review(&reference),
                )
            })
        })
        .collect();
    let answers: Vec<ApiResponse> = handles
        .into_iter()
        .map(|h| h.join().expect("push thread"))
        .collect();
    let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "one opens it: {statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        4,
        "{statuses:?}"
    );
    let ids: std::collections::BTreeSet<String> = answers
        .iter()
        .map(|a| {
            a.json()["case"]["id"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert_eq!(ids.len(), 1, "one case: {ids:?}");
    let case = ids.into_iter().next().unwrap_or_default();

    let agent = staff(app(), AGENT);
    let seen = agent.get(&format!("/api/staff/cases/{case}"));
    assert_eq!(seen.json()["case"]["request"]["kind"], "review_recovery");
    assert_eq!(seen.json()["priority"]["class"], "dispute");
    assert_eq!(seen.json()["deadline"]["waiting_for"]["role"], "agent");
    // The buyer sees it with their order and may answer, not withdraw.
    let buyer = buyer(&order);
    let theirs = buyer.get(&format!("/api/buyer/cases/{case}"));
    assert_status(&theirs, 200);
    assert_eq!(theirs.json()["actions"], json!(["message"]));
    assert_status(
        &buyer_command(&buyer, &case, &json!({"type": "cancel"})),
        409,
    );
    assert_status(
        &staff_command(
            &agent,
            &case,
            &json!({"type": "message", "text": "非常抱歉！我们为您补发一件并承担运费。"}),
        ),
        200,
    );
    // Goodwill within the shop's cap (default 50.00 per case), with the apology.
    let too_much = staff_command(
        &agent,
        &case,
        &json!({"type": "goodwill", "amount": 6_000, "note": "sorry"}),
    );
    assert_status(&too_much, 422);
    assert_eq!(too_much.json()["code"], "invalid_amount");
    assert_status(
        &staff_command(
            &agent,
            &case,
            &json!({"type": "goodwill", "amount": 3_000, "note": "一点心意 / a small token"}),
        ),
        200,
    );
    let paid = buyer.get(&format!("/api/buyer/cases/{case}")).json();
    let goodwill: Vec<&Value> = paid["case"]["events"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["kind"]["type"] == "refunded")
        .collect();
    assert_eq!(goodwill.len(), 1, "{paid}");
    assert_eq!(goodwill[0]["kind"]["breakdown"]["goodwill"], 3_000);
    assert_eq!(goodwill[0]["kind"]["breakdown"]["total"], 3_000);
    // What is left of the cap, no more.
    assert_status(
        &staff_command(&agent, &case, &json!({"type": "goodwill", "amount": 2_001})),
        422,
    );
    let revised = staff_command(
        &agent,
        &case,
        &json!({"type": "record_review_outcome", "outcome": "revised"}),
    );
    assert_status(&revised, 200);
    assert_eq!(revised.json()["state"], "closed");

    let after = owner.get("/api/staff/analytics").json()["reviews"].clone();
    let n = |v: &Value, k: &str| v[k].as_u64().unwrap_or_default();
    assert_eq!(n(&after, "recorded"), n(&before, "recorded") + 1);
    assert_eq!(n(&after, "revised"), n(&before, "revised") + 1);
    let mine = after["by_agent"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["name"] == "agent")
        .cloned()
        .unwrap_or_default();
    assert!(
        n(&mine, "recovered") >= 1,
        "the agent's recoveries: {after}"
    );
}

#[test]
fn a_bad_review_with_bad_fields_or_from_the_wrong_caller_is_refused_and_opens_nothing() {
    let orders = orders("reviewbad");
    let order = story(&orders, tests::fixtures::stories::SHIRT).clone();
    let path = shared::api::routes::shop_order_reviews(&order.number);
    let shop_zh = app().shop_system().with_lang("zh-CN");
    for body in [
        json!({"rating": 0, "text": "bad", "external_ref": "x1"}),
        json!({"rating": 6, "text": "bad", "external_ref": "x2"}),
        json!({"rating": 1, "text": "", "external_ref": "x3"}),
        json!({"rating": 1, "text": "bad", "external_ref": "x4", "sku": "NOT-ON-ORDER"}),
        json!({"rating": 1, "text": "bad", "external_ref": "x".repeat(200)}),
    ] {
        let r = shop_zh.post(&path, &body);
        assert_status(&r, 422);
        assert_eq!(r.code(), "invalid_fields");
    }
    // By hand without a review id or an Idempotency-Key: nothing to make a retry the same.
    let agent = staff(app(), AGENT);
    let by_hand = shared::api::routes::staff_order_reviews(&order.number);
    let r = agent.post(&by_hand, &json!({"rating": 2, "text": "meh"}));
    assert_status(&r, 400);
    let warehouse = staff(app(), WAREHOUSE);
    assert_status(&warehouse.post(&by_hand, &review("w1")), 403);
    assert_status(&app().api().post(&path, &review("a1")), 401);
    // A buyer cannot open one.
    let buyer = buyer(&order);
    let filed = file_with_key(
        &buyer,
        "k-review",
        &json!({"kind": "review_recovery", "reason": "bad_review", "lines": [],
                "review": {"rating": 1, "text": "x"}}),
    );
    assert_status(&filed, 422);
    assert_eq!(filed.code(), "opened_by_the_shop");
    assert_eq!(
        buyer.get("/api/buyer/order").json()["cases"]
            .as_array()
            .map(Vec::len),
        Some(0),
        "nothing opened"
    );
}

#[test]
fn a_request_taken_to_12315_is_escalated_and_its_evidence_pack_holds_the_case_in_both_languages() {
    let orders = orders("dispute");
    let order = story(&orders, tests::fixtures::stories::PHONE).clone();
    let buyer = buyer(&order).with_lang("en");
    let up = buyer.send(
        "POST",
        "/api/buyer/photos",
        Some(("image/png", crate::api_input::png_with_text())),
        &[],
    );
    assert_status(&up, 201);
    let photo = up.json()["id"].as_str().unwrap_or_default().to_string();
    let case = file(
        &buyer,
        &json!({"kind": "exchange", "reason": "damaged_in_transit",
                "lines": [{"sku": order.lines[0].sku, "quantity": 1}],
                "note": "Screen cracked <b>on arrival</b>", "photos": [photo],
                "intact_confirmed": true}),
    );
    let agent = staff(app(), AGENT);
    assert_status(
        &staff_command(
            &agent,
            &case,
            &json!({"type": "message", "text": "Sorry! Checking now."}),
        ),
        200,
    );
    let taken = staff_command(
        &agent,
        &case,
        &json!({"type": "take_to_platform", "forum": "consumer_body",
                "external_ref": "12315-SH-0042", "note": "The buyer called 12315"}),
    );
    assert_status(&taken, 200);
    assert_eq!(
        taken.json()["state"],
        "escalated",
        "the clocks pause, the owner decides"
    );
    let reasons = taken.json()["priority"]["reasons"].to_string();
    assert!(reasons.contains("platform_dispute"), "{reasons}");

    let pack = agent.get(&shared::api::routes::staff_case_evidence(&case));
    assert_status(&pack, 200);
    assert!(
        pack.header("content-type")
            .is_some_and(|t| t.starts_with("text/html")),
        "an HTML file"
    );
    assert!(
        pack.header("content-disposition")
            .is_some_and(|d| d.contains(&format!("evidence-{case}.html"))),
        "downloaded under the case's name"
    );
    let html = String::from_utf8_lossy(&pack.body).to_string();
    for expected in [
        order.number.as_str(),
        "12315-SH-0042",
        "Sorry! Checking now.",
        "data:image/png;base64,",
        "Order / 订单",
        "Timeline / 处理记录",
        "The policy applied / 适用的售后规则",
    ] {
        assert!(html.contains(expected), "{expected} in the pack");
    }
    assert!(
        !html.contains("<b>on arrival</b>"),
        "the buyer's words are escaped"
    );
    // Staff only, and not the warehouse; another shop's id is not found.
    assert_status(
        &buyer.get(&shared::api::routes::staff_case_evidence(&case)),
        401,
    );
    let warehouse = staff(app(), WAREHOUSE);
    assert_status(
        &warehouse.get(&shared::api::routes::staff_case_evidence(&case)),
        403,
    );
    assert_status(
        &agent.get(&shared::api::routes::staff_case_evidence(
            "AS-20260101-NOPE",
        )),
        404,
    );
}
