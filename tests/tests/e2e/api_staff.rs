//! The staff side's happy paths: the queue and its filters, settings, accounts, analytics,
//! export, CSV import and sign-out.

use serde_json::json;

use crate::helpers::*;
use crate::support::{app, unique};
use tests::fixtures::stories;

#[test]
fn the_queue_lists_open_cases_most_urgent_first_and_filters_them() {
    let orders = orders("queue");
    let calm = file(&buyer(story(&orders, stories::SHIRT)), &shirt_return());
    let angry = file(
        &buyer(story(&orders, stories::PHONE)),
        &json!({"kind": "exchange", "reason": "damaged_in_transit",
        "lines": [{"sku": "PHONE-X12-256", "quantity": 1}], "note": "不处理就给差评，还要投诉！", "intact_confirmed": true}),
    );
    let agent = staff(app(), AGENT);
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/staff/queue?limit=10&cursor={c}"),
            None => "/api/staff/queue?limit=10".to_string(),
        };
        let page = agent.get(&path);
        assert_status(&page, 200);
        let body = page.json();
        ids.extend(
            body["items"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|i| i["id"].as_str().unwrap_or_default().to_string()),
        );
        match body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    let pos = |id: &str| ids.iter().position(|x| x == id).unwrap_or(usize::MAX);
    assert!(
        pos(&angry) < pos(&calm),
        "a threatened bad review outranks a size question: {ids:?}"
    );
    let exchanges = agent.get("/api/staff/queue?kind=exchange&limit=100").json();
    assert!(
        exchanges["items"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|i| i["kind"] == "exchange")
    );
    assert!(
        exchanges["items"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|i| i["id"] == angry.as_str())
    );
    let reasons = exchanges["items"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|i| i["id"] == angry.as_str())
        .map(|i| i["priority_reasons"].clone());
    assert!(
        reasons.is_some_and(|r| r.to_string().contains("threat")),
        "the queue says why"
    );
    assert_status(&agent.get("/api/staff/queue?kind=nonsense"), 400);
    assert_status(&agent.get("/api/staff/queue?limit=0"), 400);
}

#[test]
fn a_bad_policy_value_is_refused_per_field_and_changes_nothing() {
    let owner = staff(app(), OWNER);
    let before = owner.get("/api/staff/policy").json();
    let mut bad = before.clone();
    bad["no_reason_days"] = json!(-3);
    bad["restocking_fee_bps"] = json!(20_000);
    let r = owner.put("/api/staff/policy", &bad);
    assert_status(&r, 422);
    let fields: Vec<String> = r.json()["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| f["field"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(
        fields.iter().any(|f| f.contains("no_reason_days"))
            && fields.iter().any(|f| f.contains("restocking_fee_bps")),
        "{fields:?}"
    );
    let mut unknown = before.clone();
    unknown["surprise"] = json!(1);
    assert_status(&owner.put("/api/staff/policy", &unknown), 422);
    assert_eq!(
        owner.get("/api/staff/policy").json(),
        before,
        "nothing changed"
    );
    assert_status(&owner.put("/api/staff/policy", &before), 200);
}

#[test]
fn the_owner_manages_accounts_and_canned_replies() {
    let owner = staff(app(), OWNER);
    let email = format!("{}@test.shop", unique("new"));
    let created = owner.post(
        "/api/staff/accounts",
        &json!({"email": email, "name": "新同事", "role": "agent", "password": "a-long-password"}),
    );
    assert_status(&created, 201);
    assert!(
        created.json().get("hash").is_none() && !created.body.windows(4).any(|w| w == b"salt"),
        "no secrets in the answer"
    );
    let again = owner.post(
        "/api/staff/accounts",
        &json!({"email": email, "name": "x", "role": "agent", "password": "a-long-password"}),
    );
    assert_status(&again, 409);
    let weak = owner.post(
        "/api/staff/accounts",
        &json!({"email": "weak@test.shop", "name": "x", "role": "agent", "password": "short"}),
    );
    assert_status(&weak, 422);
    let list = owner.get("/api/staff/accounts").json();
    assert!(
        list.as_array()
            .into_iter()
            .flatten()
            .any(|a| a["email"] == email.as_str())
    );
    let newcomer = login(&app().base, &email, "a-long-password");
    assert_status(&newcomer.get("/api/staff/me"), 200);

    let mut replies = owner.get("/api/staff/canned-replies").json();
    assert!(
        replies.as_array().is_some_and(|r| !r.is_empty()),
        "a starter set of canned replies"
    );
    replies.as_array_mut().into_iter().for_each(|r| r.push(json!({"id": "thanks", "title": "Thanks", "zh": "感谢您的耐心！", "en": "Thank you for your patience!"})));
    assert_status(&owner.put("/api/staff/canned-replies", &replies), 200);
    assert_eq!(
        staff(app(), AGENT).get("/api/staff/canned-replies").json(),
        replies
    );
}

#[test]
fn analytics_and_the_csv_export_count_every_case() {
    let orders = orders("stats");
    let case = file(&buyer(story(&orders, stories::SHIRT)), &shirt_return());
    // The owner reads the shop's figures (an agent their own: admin_analytics.rs).
    let owner = staff(app(), OWNER);
    let stats = owner.get("/api/staff/analytics");
    assert_status(&stats, 200);
    assert!(stats.json()["totals"]["cases"].as_u64().unwrap_or(0) >= 1);
    assert!(
        stats.json()["by_reason"]
            .to_string()
            .contains("size_or_fit")
    );
    let agent = staff(app(), AGENT);
    let csv = agent.get("/api/staff/export.csv");
    assert_status(&csv, 200);
    assert!(
        csv.header("content-type")
            .unwrap_or_default()
            .starts_with("text/csv")
    );
    let text = String::from_utf8_lossy(&csv.body);
    assert!(text.starts_with("case_id,order,kind,reason"));
    assert!(text.contains(&case));
}

#[test]
fn orders_import_as_csv_and_a_bad_row_imports_nothing() {
    let number = unique("CSV");
    let csv = format!(
        "order_number,buyer_name,email,phone,currency,sku,title,category,unit_price,quantity,discount,shipping_fee,free_shipping_threshold,shipping_insurance,paid_at,shipped_at,signed_for_at,flags\n\
         {number},赵六,zhao.liu@example.cn,,CNY,MUG-1,\"马克杯, 白色\",home,3900,2,0,800,,false,2026-11-20T02:00:00Z,2026-11-21T02:00:00Z,2026-11-22T02:00:00Z,\n"
    );
    let shop = app().shop_system();
    let r = shop.send(
        "POST",
        "/api/shop/orders",
        Some(("text/csv", csv.clone().into_bytes())),
        &[],
    );
    assert_status(&r, 200);
    assert_eq!(r.json()["imported"], 1);
    let found = app().api().post(
        "/api/lookup",
        &json!({"order_number": number, "contact": "zhao.liu@example.cn"}),
    );
    assert_status(&found, 200);
    assert_eq!(
        found.json()["order"]["order"]["lines"][0]["title"],
        "马克杯, 白色"
    );
    let bad = csv
        .replace(&number, &format!("{number}X"))
        .replace("3900", "cheap");
    let r = shop.send(
        "POST",
        "/api/shop/orders",
        Some(("text/csv", bad.into_bytes())),
        &[],
    );
    assert_status(&r, 422);
    let missing = app().api().post(
        "/api/lookup",
        &json!({"order_number": format!("{number}X"), "contact": "zhao.liu@example.cn"}),
    );
    assert_status(&missing, 404);
}

#[test]
fn signing_out_ends_the_session() {
    let _ = staff(app(), WAREHOUSE);
    let me = login(&app().base, WAREHOUSE.0, WAREHOUSE.1);
    assert_status(&me.get("/api/staff/me"), 200);
    assert_status(&me.post("/api/staff/logout", &json!({})), 200);
    assert_status(&me.get("/api/staff/me"), 401);
}
