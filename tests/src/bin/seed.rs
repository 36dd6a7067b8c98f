//! Seeds the demo shop through the public API (nothing is written behind the API's back):
//! about twenty orders, the owner, an agent and a warehouse account, and the seeds' four stories
//! as cases in different states. Safe to run again: orders are re-imported, existing accounts and
//! cases are kept (filings are idempotent by key, repeated steps are refused and skipped).
//!
//! Usage: `seed <base-url> <import-api-key>`

use serde_json::json;
use shared::domain::Timestamp;
use tests::fixtures::{demo_orders, stories};
use tests::{Api, ApiResponse};

/// The demo accounts: (role, e-mail, password, name).
const ACCOUNTS: [(&str, &str, &str, &str); 3] = [
    ("owner", "owner@demo.shop", "demo-owner-2026", "店长 Lin"),
    ("agent", "agent@demo.shop", "demo-agent-2026", "客服 小美"),
    (
        "warehouse",
        "warehouse@demo.shop",
        "demo-warehouse-2026",
        "仓库 老张",
    ),
];

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(base), Some(key)) = (args.next(), args.next()) else {
        eprintln!("usage: seed <base-url> <import-api-key>");
        std::process::exit(2);
    };
    if let Err(e) = seed(&base, &key) {
        eprintln!("seeding failed: {e}");
        std::process::exit(1);
    }
}

fn expect(r: ApiResponse, what: &str, ok: &[u16]) -> Result<ApiResponse, String> {
    if ok.contains(&r.status) {
        Ok(r)
    } else {
        Err(format!(
            "{what}: HTTP {} {}",
            r.status,
            String::from_utf8_lossy(&r.body)
        ))
    }
}

fn seed(base: &str, api_key: &str) -> Result<(), String> {
    let now = Timestamp(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|e| e.to_string())?
            .as_millis() as i64,
    );
    let shop = Api::new(base).with_bearer(api_key);
    let orders = demo_orders(now);
    expect(
        shop.post("/api/shop/orders", &orders),
        "import orders",
        &[200],
    )?;
    println!("imported {} orders", orders.len());

    let (_, owner_email, owner_password, owner_name) = ACCOUNTS[0];
    let boot = json!({"email": owner_email, "name": owner_name, "role": "owner", "password": owner_password});
    expect(
        shop.post("/api/shop/bootstrap", &boot),
        "create owner",
        &[201, 409],
    )?;
    let owner = login(base, owner_email, owner_password)?;
    for (role, email, password, name) in &ACCOUNTS[1..] {
        let body = json!({"email": email, "name": name, "role": role, "password": password});
        expect(
            owner.post("/api/staff/accounts", &body),
            "create account",
            &[201, 409],
        )?;
    }
    // The shop's policy: DOMAIN.md's defaults, plus where returns go and an appliance warranty.
    let mut policy = expect(owner.get("/api/staff/policy"), "read policy", &[200])?.json();
    policy["return_address"] = json!(
        "演示店售后部 王师傅 收，上海市浦东新区张江路 100 号 2 号楼，200120，电话 021-5555 0100"
    );
    policy["categories"]["appliances"] =
        json!({"no_reason_excluded": false, "warranty_days": 730, "intact_rule": "not_activated"});
    policy["categories"]["food"] =
        json!({"no_reason_excluded": true, "intact_rule": "seal_unbroken"});
    expect(
        owner.put("/api/staff/policy", &policy),
        "save policy",
        &[200],
    )?;
    let agent = login(base, ACCOUNTS[1].1, ACCOUNTS[1].2)?;
    let warehouse = login(base, ACCOUNTS[2].1, ACCOUNTS[2].2)?;

    // The four stories, each one step further along than the last.
    let shirt = file(
        base,
        stories::SHIRT,
        "xiaoming.wang@example.cn",
        "zh-CN",
        json!({
            "kind": "return_and_refund", "reason": "size_or_fit",
            "lines": [{"sku": "SHIRT-OX-L", "quantity": 1}],
            "note": "衬衫偏小，想退货。", "intact_confirmed": true
        }),
    )?;
    let phone = file(
        base,
        stories::PHONE,
        "li.na@example.cn",
        "zh-CN",
        json!({
            "kind": "exchange", "reason": "damaged_in_transit",
            "lines": [{"sku": "PHONE-X12-256", "quantity": 1}],
            "note": "收到时屏幕有明显划痕，要求换新。再不处理就给差评。", "intact_confirmed": true
        }),
    )?;
    let tv = file(
        base,
        stories::TV,
        "emily.carter@example.com",
        "en",
        json!({
            "kind": "repair", "reason": "quality_fault",
            "lines": [{"sku": "TV-55-4K", "quantity": 1}],
            "note": "The TV stopped powering on after five weeks; the standby light blinks red.", "intact_confirmed": true
        }),
    )?;
    let book = file(
        base,
        stories::BOOK,
        "james.oneill@example.com",
        "en",
        json!({
            "kind": "reship", "reason": "not_received",
            "lines": [{"sku": "BOOK-RUST-2E", "quantity": 1}],
            "note": "Tracking has not moved for ten days.", "carrier_confirms_loss": true, "urgent": true
        }),
    )?;
    // Later steps may already have happened on an earlier run: refusals are expected then.
    step(
        &agent,
        &shirt,
        json!({"type": "approve", "solution": {"kind": "return_and_refund"}, "note": "已同意退货，请按地址寄回。"}),
    );
    step(
        &agent,
        &tv,
        json!({"type": "approve", "solution": {"kind": "repair"}, "note": "Sorry about that — please send it in for a free repair."}),
    );
    step(
        &agent,
        &book,
        json!({"type": "approve", "solution": {"kind": "reship"}, "note": "Sorry for the lost parcel; we are sending another copy."}),
    );
    step(
        &warehouse,
        &book,
        json!({"type": "ship", "carrier": "UPS", "tracking": "1Z999AA10123456784"}),
    );
    let _ = phone;

    println!("\nDemo staff sign-ins for the seller admin ({base}/admin):");
    for (role, email, password, _) in ACCOUNTS {
        println!("  {role:<10} {email:<22} password: {password}");
    }
    println!("\nDemo buyers (portal at {base}/): order number + e-mail or phone, e.g.");
    for o in orders.iter().take(6) {
        let contact = o
            .buyer
            .email
            .clone()
            .or(o.buyer.phone.clone())
            .unwrap_or_default();
        println!("  {:<16} {contact}", o.number);
    }
    Ok(())
}

fn login(base: &str, email: &str, password: &str) -> Result<Api, String> {
    let mut api = Api::new(base);
    let r = expect(
        api.post(
            "/api/staff/login",
            &json!({"email": email, "password": password}),
        ),
        "login",
        &[200],
    )?;
    let cookie = r
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .map(str::to_string);
    api.cookie = cookie;
    api.csrf = r.json()["csrf_token"].as_str().map(str::to_string);
    Ok(api)
}

/// Files a case as the buyer (idempotency key fixed per story, so a rerun finds the same case).
fn file(
    base: &str,
    order: &str,
    contact: &str,
    lang: &str,
    request: serde_json::Value,
) -> Result<String, String> {
    let anon = Api::new(base).with_lang(lang);
    let r = expect(
        anon.post(
            "/api/lookup",
            &json!({"order_number": order, "contact": contact}),
        ),
        "lookup",
        &[200],
    )?;
    let token = r.json()["token"].as_str().unwrap_or_default().to_string();
    let buyer = anon.with_bearer(&token);
    let body = serde_json::to_vec(&request).map_err(|e| e.to_string())?;
    let key = format!("seed-{order}");
    let r = buyer.send(
        "POST",
        "/api/buyer/cases",
        Some(("application/json", body)),
        &[("Idempotency-Key", &key)],
    );
    let r = expect(r, &format!("file a case for {order}"), &[201])?;
    let id = r.json()["case"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    println!(
        "case {id} for order {order}: {}",
        r.json()["state"].as_str().unwrap_or_default()
    );
    Ok(id)
}

fn step(staff: &Api, case: &str, command: serde_json::Value) {
    let r = staff.command(&format!("/api/staff/cases/{case}"), &command);
    if r.status == 200 {
        println!(
            "case {case}: {} -> {}",
            command["type"].as_str().unwrap_or_default(),
            r.json()["state"].as_str().unwrap_or_default()
        );
    }
}
