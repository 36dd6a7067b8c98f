//! The owner's settings screen at 390×844: with open cases in the shop, the owner changes a
//! deadline setting, previews which deadlines move, saves, and sees the change log; the open
//! cases' deadlines moved in the API (the case and the queue index) and on the case page. Agents
//! are refused the preview and the change log.

use serde_json::{Value, json};
use shared::domain::Order;

use crate::admin::{Desk, Shop, find};
use crate::helpers::{AGENT, OWNER, assert_status, shirt_return};
use crate::support::fresh_orders;

/// `n` copies of the shirt order, each its own order number.
fn shirt_orders(tag: &str, n: usize) -> Vec<Order> {
    let shirt = find(&fresh_orders(tag), tests::fixtures::stories::SHIRT).clone();
    (0..n)
        .map(|i| {
            let mut o = shirt.clone();
            o.number = format!("{}-{i}", shirt.number);
            o
        })
        .collect()
}

/// A case's current deadline (ms) through the staff API.
fn due(shop: &Shop, staff: &tests::Api, id: &str) -> i64 {
    shop.case(staff, id)["deadline"]["due"]
        .as_i64()
        .unwrap_or_default()
}

/// The deadline the queue's index holds for a case.
fn queue_due(staff: &tests::Api, id: &str) -> Option<i64> {
    let page = staff.get("/api/staff/queue?limit=100").json();
    page["items"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["id"] == json!(id))
        .and_then(|s| s["due"].as_i64())
}

/// A shop with two open return requests awaiting the shop's answer; their ids.
fn shop_with_open_cases(tag: &str) -> (Shop, Vec<String>) {
    let shop = Shop::own(tag);
    let orders = shirt_orders(tag, 2);
    shop.import(&orders);
    let ids = orders
        .iter()
        .map(|o| shop.file(o, &shirt_return()))
        .collect();
    (shop, ids)
}

const HOUR: i64 = 3_600_000;

#[tokio::test]
async fn the_owner_previews_and_saves_a_shorter_answer_clock_and_the_open_deadlines_move() {
    let (shop, ids) = shop_with_open_cases("settings-en");
    let owner = shop.staff(OWNER);
    let before: Vec<i64> = ids.iter().map(|id| due(&shop, &owner, id)).collect();

    let desk = Desk::signed_in(&shop, OWNER, "en", &format!("/admin/case/{}", ids[0])).await;
    let page_before = desk.text("[data-testid=deadline-text]").await;
    desk.go("/admin/me").await;
    desk.tap("[data-testid=open-settings]").await;
    desk.wait("[data-testid=settings-group-clocks]").await;
    let field = "[data-testid='setting-deadlines.shop_answer_hours']";
    desk.type_into(field, "0").await;
    desk.tap("[data-testid=settings-preview-btn]").await;
    // The device refuses it with the shared validation's words, before any request.
    let problem = desk.text("[data-testid=setting-problem]").await;
    assert!(problem.contains("between 1 and"), "{problem}");
    desk.type_into(field, "12").await;
    desk.tap("[data-testid=settings-preview-btn]").await;
    let summary = desk.text("[data-testid=preview-moves-summary]").await;
    assert!(
        summary.contains("2 deadlines move (2 earlier, 0 later)"),
        "{summary}"
    );
    let moves = desk
        .js(
            "return [...document.querySelectorAll('[data-testid=preview-move]')].map(e => e.textContent).join('|')",
            vec![],
        )
        .await;
    let moves = moves.as_str().unwrap_or_default();
    assert!(ids.iter().all(|id| moves.contains(id.as_str())), "{moves}");
    let change = desk.text("[data-testid=preview-change]").await;
    assert!(change.contains("36 hours → 12 hours"), "{change}");
    // Nothing is saved by a preview.
    assert_eq!(due(&shop, &owner, &ids[0]), before[0]);
    desk.shot("settings-preview").await;

    desk.tap("[data-testid=settings-save]").await;
    desk.wait("[data-testid=settings-saved]").await;
    let entry = desk.text("[data-testid=change-entry]").await;
    assert!(entry.contains("Owner Lin"), "{entry}");
    assert!(
        entry.contains("Answer any other new request: 36 hours → 12 hours"),
        "{entry}"
    );
    desk.shot("settings-log").await;

    // The server: the policy, the log, and each open case's deadline 24 hours sooner, in the
    // case and in the queue's index.
    let policy = owner.get("/api/staff/policy").json();
    assert_eq!(policy["deadlines"]["shop_answer_hours"], json!(12));
    let log = owner.get("/api/staff/policy/changes").json();
    let first = &log["items"][0];
    assert_eq!(first["staff_name"], json!("Owner Lin"));
    assert_eq!(first["reindexed"], json!(2));
    assert_eq!(
        first["changes"],
        json!([{"path": "deadlines.shop_answer_hours", "before": "36", "after": "12"}])
    );
    for (id, was) in ids.iter().zip(&before) {
        assert_eq!(due(&shop, &owner, id), was - 24 * HOUR, "{id}");
        assert_eq!(
            queue_due(&owner, id),
            Some(was - 24 * HOUR),
            "{id} in the queue"
        );
    }
    // And the case page counts down to the new deadline.
    desk.go(&format!("/admin/case/{}", ids[0])).await;
    let page_after = desk.text("[data-testid=deadline-text]").await;
    assert_ne!(page_before, page_after);
    desk.close().await;
}

#[tokio::test]
async fn the_settings_screen_in_chinese_and_agents_are_refused() {
    let (shop, ids) = shop_with_open_cases("settings-zh");
    let agent = shop.staff(AGENT);
    let policy: Value = agent.get("/api/staff/policy").json();
    for r in [
        agent.post("/api/staff/policy/preview", &policy),
        agent.get("/api/staff/policy/changes"),
        agent.put("/api/staff/policy", &policy),
    ] {
        assert_status(&r, 403);
    }
    let owner = shop.staff(OWNER);
    let before = due(&shop, &owner, &ids[0]);
    // The preview answers field problems exactly as a save does, and changes nothing.
    let mut bad = policy.clone();
    bad["deadlines"]["shop_answer_hours"] = json!(-1);
    let preview = owner.post("/api/staff/policy/preview", &bad);
    let save = owner.put("/api/staff/policy", &bad);
    assert_eq!((preview.status, save.status), (422, 422));
    assert_eq!(preview.json()["fields"], save.json()["fields"]);

    let desk = Desk::signed_in(&shop, OWNER, "zh-CN", "/admin/settings").await;
    desk.wait("[data-testid=settings-group-clocks]").await;
    desk.type_into("[data-testid='setting-deadlines.shop_answer_hours']", "48")
        .await;
    desk.tap("[data-testid=settings-preview-btn]").await;
    let summary = desk.text("[data-testid=preview-moves-summary]").await;
    assert!(
        summary.contains("2 个截止时间将变化（提前 0，推后 2）"),
        "{summary}"
    );
    desk.shot("settings-preview").await;
    desk.tap("[data-testid=settings-save]").await;
    let row = desk.text("[data-testid=change-row]").await;
    assert!(
        row.contains("商家答复时限：") || row.contains("商家答复时限: "),
        "{row}"
    );
    assert!(row.contains("36 小时 → 48 小时"), "{row}");
    desk.shot("settings-log").await;
    assert_eq!(due(&shop, &owner, &ids[0]), before + 12 * HOUR);
    desk.close().await;
}
