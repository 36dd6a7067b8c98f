//! Input at the edges and what each caller is shown: amounts and times bounded where they enter,
//! strict JSON and CSV, one spelling per buyer token, security headers, per-role views of a case,
//! and refusals worded for whoever was refused.

use serde_json::{Value, json};
use shared::domain::{Money, Timestamp};
use shared::policy::time::parse_date_time;

use crate::helpers::*;
use crate::support::{app, fresh_orders, unique};
use tests::ApiResponse;
use tests::fixtures::stories;

/// 2^53: the first integer a JavaScript number cannot tell from its neighbour.
const JS_UNSAFE: i64 = 1 << 53;

fn lookup(number: &str, contact: &str) -> ApiResponse {
    app().api().post(
        "/api/lookup",
        &json!({"order_number": number, "contact": contact}),
    )
}

fn fields(r: &ApiResponse) -> Vec<String> {
    r.json()["fields"]
        .as_array()
        .map(|f| {
            f.iter()
                .map(|p| p["field"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn amounts_and_times_beyond_the_bounds_are_refused_and_import_nothing() {
    let shop = app().shop_system();
    let mut orders = fresh_orders("huge");
    orders.truncate(1);
    let order = orders[0].clone();
    let contact = order.buyer.email.clone().unwrap_or_default();

    let mut price = order.clone();
    price.lines[0].unit_price = Money(JS_UNSAFE);
    let r = shop.post("/api/shop/orders", &[price]);
    assert_status(&r, 422);
    assert_eq!(r.code(), "invalid_orders");
    assert!(fields(&r).contains(&"[0].lines[0].unit_price".to_string()));

    let mut paid = order.clone();
    paid.paid_at = Timestamp(JS_UNSAFE);
    paid.shipped_at = None;
    paid.signed_for_at = None;
    let r = shop.post("/api/shop/orders", &[paid]);
    assert_status(&r, 422);
    assert!(fields(&r).contains(&"[0].paid_at".to_string()));

    let mut fee = order.clone();
    fee.shipping_fee = Money(Money::MAX.0 + 1);
    let r = shop.post("/api/shop/orders", &[fee]);
    assert_status(&r, 422);
    assert!(fields(&r).contains(&"[0].shipping_fee".to_string()));
    // Nothing got in, so nothing answers 500 later.
    assert_status(&lookup(&order.number, &contact), 404);
}

#[test]
fn an_order_at_the_bounds_reads_back_exactly() {
    let mut orders = fresh_orders("edge");
    orders.truncate(1);
    let mut order = orders[0].clone();
    order.lines.truncate(1);
    order.lines[0].quantity = 1;
    order.lines[0].discount = Money::ZERO;
    order.lines[0].unit_price = Money(Money::MAX.0 - 1);
    order.shipping_fee = Money(1);
    order.free_shipping_threshold = None;
    app().import_orders(std::slice::from_ref(&order));
    let contact = order.buyer.email.clone().unwrap_or_default();
    let found = lookup(&order.number, &contact);
    assert_status(&found, 200);
    let read = &found.json()["order"]["order"];
    assert_eq!(read["lines"][0]["unit_price"], json!(Money::MAX.0 - 1));
    assert_eq!(read["paid_at"], json!(order.paid_at.0));
    // And again, through the buyer's own page.
    let buyer = app()
        .api()
        .with_bearer(found.json()["token"].as_str().unwrap_or_default());
    let page = buyer.get("/api/buyer/order");
    assert_status(&page, 200);
    assert_eq!(
        page.json()["order"]["lines"][0]["unit_price"],
        json!(Money::MAX.0 - 1)
    );
}

#[test]
fn an_imported_order_with_an_unknown_field_is_refused() {
    let mut orders = fresh_orders("unknown");
    orders.truncate(1);
    let order = orders[0].clone();
    let contact = order.buyer.email.clone().unwrap_or_default();
    let doc = serde_json::to_value(&orders).unwrap_or(Value::Null);
    for (path, value) in [
        ("/0", json!({"signed_at": 1})),
        ("/0/buyer", json!({"address": "x"})),
        ("/0/lines/0", json!({"price": 1})),
        ("/0/lines/0/flags", json!({"fragile": true})),
    ] {
        let mut bad = doc.clone();
        if let (Some(target), Some(extra)) = (bad.pointer_mut(path), value.as_object()) {
            for (k, v) in extra {
                target[k.as_str()] = v.clone();
            }
        }
        let r = app().shop_system().post("/api/shop/orders", &bad);
        assert_status(&r, 400);
        assert_eq!(r.code(), "malformed_json", "{path}");
    }
    assert_status(&lookup(&order.number, &contact), 404);
    // The same document without the extra fields imports.
    assert_status(&app().shop_system().post("/api/shop/orders", &doc), 200);
    assert_status(&lookup(&order.number, &contact), 200);
}

#[test]
fn a_policy_with_anything_after_the_json_is_refused_and_changes_nothing() {
    let owner = staff(app(), OWNER);
    let before = owner.get("/api/staff/policy").json();
    let mut changed = before.clone();
    changed["max_photos"] = json!(3);
    let body = format!("{changed} trailing");
    let r = owner.send(
        "PUT",
        "/api/staff/policy",
        Some(("application/json", body.into_bytes())),
        &[],
    );
    assert_status(&r, 422);
    assert_eq!(fields(&r), vec!["$".to_string()]);
    assert_eq!(owner.get("/api/staff/policy").json(), before);
    // Money settings are bounded like imports.
    let mut huge = before.clone();
    huge["shipping_insurance_payout"] = json!(JS_UNSAFE + 1);
    let r = owner.put("/api/staff/policy", &huge);
    assert_status(&r, 422);
    assert_eq!(fields(&r), vec!["shipping_insurance_payout".to_string()]);
    assert_eq!(owner.get("/api/staff/policy").json(), before);
}

#[test]
fn a_csv_saved_by_excel_with_chinese_shop_times_imports() {
    let number = unique("XL");
    let header = "order_number,buyer_name,email,phone,currency,sku,title,category,unit_price,quantity,discount,shipping_fee,free_shipping_threshold,shipping_insurance,paid_at,shipped_at,signed_for_at,flags";
    let row = format!(
        "{number},赵六,zhao.liu@example.cn,,CNY,MUG-1,\"马克杯, 白色\",home,3900,2,0,800,,false,2026-11-20 10:00:00,2026-11-21T10:00:00+08:00,2026-11-22T02:00:00Z,"
    );
    // Excel's "CSV UTF-8": a byte-order mark and CRLF line ends.
    let csv = format!("\u{feff}{header}\r\n{row}\r\n");
    let shop = app().shop_system();
    let r = shop.send(
        "POST",
        "/api/shop/orders",
        Some(("text/csv", csv.clone().into_bytes())),
        &[],
    );
    assert_status(&r, 200);
    let found = lookup(&number, "zhao.liu@example.cn");
    assert_status(&found, 200);
    let order = &found.json()["order"]["order"];
    assert_eq!(order["lines"][0]["title"], "马克杯, 白色");
    let at = |text: &str| parse_date_time(text, 0).map_or(Value::Null, |t| json!(t.0));
    // The test shop keeps the default zone, UTC+8: 10:00 local and +08:00 are 02:00 UTC.
    assert_eq!(order["paid_at"], at("2026-11-20T02:00:00Z"));
    assert_eq!(order["shipped_at"], at("2026-11-21T02:00:00Z"));
    assert_eq!(order["signed_for_at"], at("2026-11-22T02:00:00Z"));

    for bad in [
        "2026-02-30 10:00:00",
        "2026-11-20T24:00:00Z",
        "9999999-01-01",
    ] {
        let other = unique("XLBAD");
        let csv = csv
            .replace(&number, &other)
            .replace("2026-11-20 10:00:00", bad);
        let r = shop.send(
            "POST",
            "/api/shop/orders",
            Some(("text/csv", csv.into_bytes())),
            &[],
        );
        assert_status(&r, 422);
        assert!(
            fields(&r).iter().any(|f| f.contains("paid_at")),
            "{bad}: {:?}",
            fields(&r)
        );
        assert_status(&lookup(&other, "zhao.liu@example.cn"), 404);
    }
}

/// The token with the spare bits of its signature's last character set to `flip`.
fn respelled(token: &str, flip: u8) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let (head, last) = token.split_at(token.len().saturating_sub(1));
    let value = ALPHABET
        .iter()
        .position(|c| last.as_bytes().first() == Some(c))
        .unwrap_or(0);
    let other = ALPHABET[(value ^ usize::from(flip)) % 64] as char;
    format!("{head}{other}")
}

#[test]
fn a_buyer_token_has_one_spelling() {
    let orders = orders("tok");
    let order = story(&orders, stories::SHIRT);
    let contact = order.buyer.email.clone().unwrap_or_default();
    let found = lookup(&order.number, &contact);
    assert_status(&found, 200);
    let token = found.json()["token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let page = |token: &str| app().api().with_bearer(token).get("/api/buyer/order");
    assert_status(&page(&token), 200);
    // An HMAC-SHA256 signature is 43 characters; the last one has two spare bits.
    for flip in 1..4 {
        let other = respelled(&token, flip);
        assert_ne!(other, token);
        let r = page(&other);
        assert_status(&r, 401);
        assert_eq!(r.code(), "unauthenticated");
    }
}

/// A 1×1 PNG (CRCs are not checked by the upload).
fn tiny_png() -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    let chunk = |b: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
        b.extend_from_slice(&(data.len() as u32).to_be_bytes());
        b.extend_from_slice(kind);
        b.extend_from_slice(data);
        b.extend_from_slice(&[0, 0, 0, 0]);
    };
    chunk(&mut b, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
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
fn every_answer_refuses_framing_and_referrers_and_photos_are_inline_and_sandboxed() {
    let health = app().api().get("/api/health");
    assert_status(&health, 200);
    let error = app().api().get("/api/staff/me");
    assert_status(&error, 401);
    for r in [&health, &error] {
        assert_eq!(r.header("x-frame-options"), Some("DENY"));
        assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
        assert!(
            r.header("content-security-policy")
                .is_some_and(|csp| csp.contains("frame-ancestors 'none'"))
        );
    }
    // The portal (and its single-page fallback) from the assets' `_headers`.
    for path in ["/", "/case/AS-not-a-case"] {
        let page = app().api().get(path);
        assert_status(&page, 200);
        let csp = page.header("content-security-policy").unwrap_or_default();
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"),
            "{path}: {csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("TRUNK_INLINE_SCRIPT_HASHES"), "{path}: {csp}");
        assert_eq!(page.header("x-frame-options"), Some("DENY"), "{path}");
        assert_eq!(
            page.header("referrer-policy"),
            Some("no-referrer"),
            "{path}"
        );
    }

    let orders = orders("hdr");
    let buyer = buyer(story(&orders, stories::PHONE));
    let up = buyer.send(
        "POST",
        "/api/buyer/photos",
        Some(("image/png", tiny_png())),
        &[],
    );
    assert_status(&up, 201);
    let id = up.json()["id"].as_str().unwrap_or_default().to_string();
    let served = buyer.get(&format!("/api/photos/{id}"));
    assert_status(&served, 200);
    assert_eq!(
        served.header("content-disposition"),
        Some(format!("inline; filename=\"{id}.png\"").as_str())
    );
    assert_eq!(
        served.header("content-security-policy"),
        Some("default-src 'none'; sandbox")
    );
    assert_eq!(served.header("x-frame-options"), Some("DENY"));
}

/// Every staff actor id in a case view's history.
fn staff_ids(view: &Value) -> Vec<String> {
    view["case"]["events"]
        .as_array()
        .map(|events| {
            events
                .iter()
                .filter(|e| e["actor"]["type"] == "staff")
                .map(|e| e["actor"]["id"].as_str().unwrap_or("?").to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn each_role_sees_what_it_needs_of_a_case() {
    let orders = orders("roles");
    let order = story(&orders, stories::SHIRT);
    let email = order.buyer.email.clone().unwrap_or_default();
    let buyer = buyer(order);
    let agent = staff(app(), AGENT);
    let warehouse = staff(app(), WAREHOUSE);
    let owner = staff(app(), OWNER);
    let owner_id = owner.get("/api/staff/me").json()["staff"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let case = file(&buyer, &shirt_return());
    let asked = staff_command(
        &agent,
        &case,
        &json!({"type": "request_info", "question": "A photo of the label, please."}),
    );
    assert_status(&asked, 200);
    let reason = "VIP buyer, margin allows it";
    let overridden = staff_command(
        &owner,
        &case,
        &json!({"type": "override", "reason": reason,
                "action": {"action": "approve", "solution": {"kind": "return_and_refund"}}}),
    );
    assert_status(&overridden, 200);

    // The buyer: staff by role only, no internal reason, what the shop asked still there.
    let seen = buyer.get(&format!("/api/buyer/cases/{case}"));
    assert_status(&seen, 200);
    let ids = staff_ids(&seen.json());
    assert!(
        !ids.is_empty() && ids.iter().all(String::is_empty),
        "{ids:?}"
    );
    let body = String::from_utf8_lossy(&seen.body);
    assert!(
        !body.contains(reason) && !body.contains(&owner_id),
        "{body}"
    );
    assert!(body.contains("A photo of the label, please."));
    let roles: Vec<Value> = seen.json()["case"]["events"]
        .as_array()
        .map(|e| e.iter().map(|e| e["actor"]["role"].clone()).collect())
        .unwrap_or_default();
    assert!(roles.contains(&json!("agent")) && roles.contains(&json!("owner")));

    // Agents see the case as stored.
    let full = agent.get(&format!("/api/staff/cases/{case}"));
    assert_status(&full, 200);
    assert!(String::from_utf8_lossy(&full.body).contains(reason));
    assert!(staff_ids(&full.json()).contains(&owner_id));
    assert_eq!(full.json()["case"]["order"]["buyer"]["email"], json!(email));

    // The warehouse: the name for the parcel, not the contacts; no shop-wide figures.
    let wh = warehouse.get(&format!("/api/staff/cases/{case}"));
    assert_status(&wh, 200);
    let buyer_seen = &wh.json()["case"]["order"]["buyer"];
    assert_eq!(buyer_seen["name"], json!(order.buyer.name));
    assert_ne!(buyer_seen["email"], json!(email));
    assert!(
        buyer_seen["email"]
            .as_str()
            .is_some_and(|e| e.contains("***"))
    );
    for path in ["/api/staff/analytics", "/api/staff/export.csv"] {
        let r = warehouse.get(path);
        assert_status(&r, 403);
        assert_eq!(r.code(), "forbidden", "{path}");
        assert_status(&agent.get(path), 200);
    }
}

#[test]
fn a_refusal_for_the_state_tells_staff_what_the_case_waits_for() {
    let orders = orders("words");
    let buyer = buyer(story(&orders, stories::SHIRT));
    let case = file(&buyer, &shirt_return());
    let agent = staff(app(), AGENT);
    assert_status(
        &staff_command(
            &agent,
            &case,
            &json!({"type": "approve", "solution": {"kind": "return_and_refund"}}),
        ),
        200,
    );
    // The goods have not come back: the warehouse cannot ship, and is not asked to send them.
    let ship = json!({"type": "ship", "carrier": "SF", "tracking": "SF1"});
    let warehouse = staff(app(), WAREHOUSE);
    let en = staff_command(&warehouse, &case, &ship);
    assert_status(&en, 409);
    assert_eq!(en.code(), "not_allowed_in_state");
    let message = en.json()["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        message.contains("buyer hasn't sent the goods back"),
        "{message}"
    );
    assert!(
        !message.contains("you") && !message.contains('_'),
        "{message}"
    );
    let zh = staff_command(&warehouse.clone().with_lang("zh-CN"), &case, &ship);
    assert_status(&zh, 409);
    let message = zh.json()["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        message.contains("买家尚未寄回商品") && !message.contains('您'),
        "{message}"
    );
    // The buyer, refused in the same state, is told what the shop waits for from them.
    let confirm = buyer_command(&buyer, &case, &json!({"type": "confirm_receipt"}));
    assert_status(&confirm, 409);
    let message = confirm.json()["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        message.contains("waiting for you to send the goods back"),
        "{message}"
    );
}

#[test]
fn a_filing_naming_too_many_or_repeated_photos_is_refused_before_any_lookup() {
    let orders = orders("photoids");
    let buyer = buyer(story(&orders, stories::SHIRT));
    let mut request = shirt_return();
    request["photos"] = json!(vec!["0123456789abcdef0123456789abcdef"; 1_700]);
    let r = file_with_key(&buyer, &unique("ids"), &request);
    assert_status(&r, 422);
    assert_eq!(r.code(), "too_many_photos");
    request["photos"] = json!(vec!["0123456789abcdef0123456789abcdef"; 2]);
    let r = file_with_key(&buyer, &unique("ids"), &request);
    assert_status(&r, 422);
    assert_eq!(r.json()["fields"][0]["code"], "duplicate_photo");
    assert_eq!(
        buyer.get("/api/buyer/order").json()["cases"]
            .as_array()
            .map(Vec::len),
        Some(0)
    );
}
