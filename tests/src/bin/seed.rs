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
    let (shirt, shirt_buyer) = file_as_buyer(
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
    // The shirt's return is on its way back (a waybill to find on the Receive screen).
    buyer_step(
        &shirt_buyer,
        &shirt,
        json!({"type": "enter_return_tracking", "carrier": "顺丰速运", "tracking": "SF1402937718"}),
    );
    let _ = phone;
    more_states(base, &agent, &warehouse)?;
    desk_problems(base, &shop, now)?;

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
    file_as_buyer(base, order, contact, lang, request).map(|(id, _)| id)
}

/// Files a case as the buyer; the case id and the buyer's client (for their later steps).
fn file_as_buyer(
    base: &str,
    order: &str,
    contact: &str,
    lang: &str,
    request: serde_json::Value,
) -> Result<(String, Api), String> {
    let anon = Api::new(base).with_lang(lang);
    let lookup = || {
        anon.post(
            "/api/lookup",
            &json!({"order_number": order, "contact": contact}),
        )
    };
    let mut r = lookup();
    // The demo shop keeps the deployed guessing limits (10 lookups a minute from one address):
    // the seeder, one address looking up many orders, waits its turn like anyone else.
    for _ in 0..14 {
        if r.status != 429 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_secs(5));
        r = lookup();
    }
    let r = expect(r, "lookup", &[200])?;
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
    Ok((id, buyer))
}

/// A buyer's command to their case.
fn buyer_step(buyer: &Api, case: &str, command: serde_json::Value) {
    let r = buyer.command(&format!("/api/buyer/cases/{case}"), &command);
    if r.status == 200 {
        println!(
            "case {case}: {} -> {}",
            command["type"].as_str().unwrap_or_default(),
            r.json()["state"].as_str().unwrap_or_default()
        );
    }
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

/// The desk's other problems: a parcel whose scans stopped (its buyer's not-received claim needs
/// no proof), a bad review from the platform with its follow-up, and a complaint for the owner.
fn desk_problems(base: &str, shop: &Api, now: Timestamp) -> Result<(), String> {
    const HOUR: i64 = 3_600_000;
    expect(
        shop.post(
            &shared::api::routes::shop_order_tracking("AM20261120018"),
            &json!({"carrier": "DHL", "number": "DHL7712003418", "events": [
                {"at": now.0 - 190 * HOUR, "status": "Picked up", "location": "Shenzhen"},
                {"at": now.0 - 170 * HOUR, "status": "Departed the sorting centre", "location": "Shenzhen"},
            ]}),
        ),
        "tracking scans",
        &[200],
    )?;
    expect(
        shop.post(
            &shared::api::routes::shop_order_reviews("JD20261121020"),
            &json!({"rating": 2, "text": "电饭煲底部糊锅，客服回复也慢。", "platform": "jd",
                    "external_ref": "JD-RV-DEMO-1", "sku": "RICE-COOKER"}),
        ),
        "bad review",
        &[200, 201],
    )?;
    file(
        base,
        "TB20261122010",
        "sun.li@example.cn",
        "zh-CN",
        json!({"kind": "complaint", "reason": "service", "lines": [],
               "note": "客服两天没回我的消息，态度也不好。"}),
    )?;
    Ok(())
}

/// The rest of the demo queue: at least one case in every state a shop meets, so the admin
/// shows each screen with something in it (filed by the buyers of the other demo orders).
fn more_states(base: &str, agent: &Api, warehouse: &Api) -> Result<(), String> {
    let fault = |sku: &str, kind: &str, reason: &str, note: &str| {
        json!({"kind": kind, "reason": reason, "lines": [{"sku": sku, "quantity": 1}],
               "note": note, "intact_confirmed": true})
    };
    // Waiting for the buyer's information.
    let dress = file(
        base,
        "TB20261118005",
        "chen.jing@example.cn",
        "zh-CN",
        fault(
            "DRESS-SILK-M",
            "return_and_refund",
            "not_as_described",
            "颜色和图片差别很大。",
        ),
    )?;
    step(
        agent,
        &dress,
        json!({"type": "request_info", "question": "麻烦拍一张自然光下的照片，我们核对一下颜色。"}),
    );
    // Rejected, waiting for the buyer to revise or escalate.
    let milk = file(
        base,
        "TB20261119006",
        "13600136006",
        "zh-CN",
        json!({"kind": "refund_only", "reason": "quality_fault", "lines": [{"sku": "MILK-A2-12", "quantity": 1}], "note": "有一盒味道不对。"}),
    )?;
    step(
        agent,
        &milk,
        json!({"type": "reject", "reason_code": "insufficient_proof", "note": "抱歉，请补充该盒牛奶的生产日期和批号照片，我们再为您处理。"}),
    );
    // An offer waiting for the buyer (协商).
    let earbuds = file(
        base,
        "JD20261115007",
        "liu.yang@example.cn",
        "zh-CN",
        fault(
            "EARBUDS-PRO",
            "return_and_refund",
            "quality_fault",
            "左耳偶尔没有声音。",
        ),
    )?;
    step(
        agent,
        &earbuds,
        json!({"type": "offer", "offer": {"kind": "repair"}, "note": "非常抱歉！可以为您免费维修，寄回运费我们承担。"}),
    );
    // Over the agent's limit: waiting for the owner.
    let laptop = file(
        base,
        "JD20261110014",
        "18800188014",
        "zh-CN",
        json!({"kind": "refund_only", "reason": "not_received", "carrier_confirms_loss": true,
               "lines": [{"sku": "LAPTOP-14-16G", "quantity": 1}],
               "note": "快递显示已签收，但我没有收到，快递员承认是代签后丢失。"}),
    )?;
    step(
        agent,
        &laptop,
        json!({"type": "approve", "solution": {"kind": "refund_only"}, "note": "非常抱歉，包裹丢失，我们为您全额退款。"}),
    );
    // Escalated to the owner.
    let lipstick = file(
        base,
        "TB20261116013",
        "wu.fang@example.cn",
        "zh-CN",
        fault(
            "LIPSTICK-SET",
            "refund_only",
            "not_as_described",
            "色号和详情页不一致，已经用过一次。",
        ),
    )?;
    step(
        agent,
        &lipstick,
        json!({"type": "escalate", "note": "已试用的彩妆，需要店长决定。"}),
    );
    // A replacement to ship: the wrong toy came back and passed inspection.
    let (toy, toy_buyer) = file_as_buyer(
        base,
        "JD20261119017",
        "lin.xiaohong@example.cn",
        "zh-CN",
        fault(
            "TOY-BLOCKS-500",
            "exchange",
            "wrong_item",
            "收到的是 300 块的版本。",
        ),
    )?;
    step(
        agent,
        &toy,
        json!({"type": "approve", "solution": {"kind": "exchange"}, "note": "抱歉发错了，请寄回，我们换新。"}),
    );
    buyer_step(
        &toy_buyer,
        &toy,
        json!({"type": "enter_return_tracking", "carrier": "中通快递", "tracking": "ZT7731400288"}),
    );
    step(warehouse, &toy, json!({"type": "return_arrived"}));
    step(
        warehouse,
        &toy,
        json!({"type": "receive", "inspection": {"passed": true, "note": "包装完好"}}),
    );
    // A return that failed inspection: the shop decides.
    let (jacket, jacket_buyer) = file_as_buyer(
        base,
        "AM20261112012",
        "daniel.kim@example.com",
        "en",
        fault(
            "JACKET-RAIN-M",
            "return_and_refund",
            "size_or_fit",
            "Too tight across the shoulders.",
        ),
    )?;
    step(
        agent,
        &jacket,
        json!({"type": "approve", "solution": {"kind": "return_and_refund"}, "note": "Sorry it didn't fit: please send it back."}),
    );
    buyer_step(
        &jacket_buyer,
        &jacket,
        json!({"type": "enter_return_tracking", "carrier": "UPS", "tracking": "1Z999AA10123456799"}),
    );
    step(warehouse, &jacket, json!({"type": "return_arrived"}));
    step(
        warehouse,
        &jacket,
        json!({"type": "receive", "inspection": {"passed": false, "note": "Tags removed, mud on the hem.", "deduction": 2000}}),
    );
    // Closed and rated.
    let (bag, bag_buyer) = file_as_buyer(
        base,
        "TB20261117019",
        "he.jingyi@example.cn",
        "zh-CN",
        fault(
            "BAG-CANVAS",
            "refund_only",
            "missing_parts",
            "少了赠品肩带。",
        ),
    )?;
    step(
        agent,
        &bag,
        json!({"type": "approve", "solution": {"kind": "refund_only"}, "note": "非常抱歉漏发了，已为您退款。"}),
    );
    buyer_step(
        &bag_buyer,
        &bag,
        json!({"type": "rate", "stars": 5, "comment": "处理很快，谢谢！"}),
    );
    // New and low-risk: what a batch approves.
    file(
        base,
        "AM20261120018",
        "lucas.rossi@example.it",
        "en",
        json!({"kind": "refund_only", "reason": "not_received", "lines": [{"sku": "HEADPHONES-OVER", "quantity": 1}], "note": "Tracking stuck for days."}),
    )?;
    file(
        base,
        "JD20261121020",
        "ma.chao@example.cn",
        "zh-CN",
        fault(
            "RICE-COOKER",
            "return_and_refund",
            "quality_fault",
            "加热不均匀，底部米饭糊了。",
        ),
    )?;
    Ok(())
}
