//! The owner's analytics: figures computed by the worker from the cases (the tally fed by each
//! commit), equal to what the cases say, the same after a rebuild from the logs and after a
//! refold from the facts; an agent reads their own, the warehouse none; the CSV carries the same
//! figures; and every section drawn at 390×844 in both languages (screenshots).

use serde_json::json;
use shared::domain::Order;

use crate::admin::{Desk, Shop, book_orders, lost_book_refund};
use crate::helpers::{AGENT, OWNER, WAREHOUSE, assert_status};

/// A shop with three lost-book refunds: one approved by the agent and rated 4 stars with a
/// comment, one approved by the owner, one left open. The case ids, in that order.
fn shop_with_history(tag: &str) -> (Shop, Vec<Order>, Vec<String>) {
    let shop = Shop::own(tag);
    let orders = book_orders(tag, 3);
    shop.import(&orders);
    let ids: Vec<String> = orders
        .iter()
        .map(|o| shop.file(o, &lost_book_refund()))
        .collect();
    let approve = json!({"type": "approve", "solution": {"kind": "refund_only"}, "note": "Sorry."});
    let agent = shop.staff(AGENT);
    assert_status(
        &agent.command(&format!("/api/staff/cases/{}", ids[0]), &approve),
        200,
    );
    let owner = shop.staff(OWNER);
    assert_status(
        &owner.command(&format!("/api/staff/cases/{}", ids[1]), &approve),
        200,
    );
    let buyer = shop.buyer(&orders[0]);
    let rate = json!({"type": "rate", "stars": 4, "comment": "Quick and kind."});
    assert_status(
        &buyer.command(&format!("/api/buyer/cases/{}", ids[0]), &rate),
        200,
    );
    (shop, orders, ids)
}

#[test]
fn the_figures_are_the_cases_and_survive_a_rebuild_and_a_refold() {
    let (shop, _, ids) = shop_with_history("analytics-api");
    let owner = shop.staff(OWNER);
    let r = owner.get("/api/staff/analytics");
    assert_status(&r, 200);
    let report = r.json();
    assert_eq!(report["scope"], json!({"scope": "shop"}));
    let t = &report["totals"];
    assert_eq!(
        (t["cases"].as_u64(), t["open"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(t["refunded_cases"].as_u64(), Some(2));
    // The money refunded is the sum of the cases' refunds as the cases show them.
    let refunded: i64 = ids
        .iter()
        .flat_map(|id| {
            let view = shop.case(&owner, id);
            view["case"]["events"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter(|e| {
            matches!(
                e["kind"]["type"].as_str(),
                Some("refunded" | "fast_refunded")
            )
        })
        .filter_map(|e| e["kind"]["breakdown"]["total"].as_i64())
        .sum();
    assert!(refunded > 0);
    assert_eq!(t["refunded"].as_i64(), Some(refunded));
    assert_eq!(t["ratings"].as_u64(), Some(1));
    assert_eq!(t["rating_avg_x100"].as_u64(), Some(400));
    assert_eq!(
        t["deadlines_met"].as_u64(),
        Some(2),
        "both answered in time"
    );
    assert_eq!(t["deadlines_missed"].as_u64(), Some(0));
    assert_eq!(
        report["by_kind"],
        json!([{"kind": "refund_only", "cases": 3}])
    );
    assert_eq!(report["first_answer"]["cases"].as_u64(), Some(2));
    assert_eq!(report["days"].as_array().map(Vec::len), Some(182));
    let filed: u64 = report["days"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["filed"].as_u64())
        .sum();
    assert_eq!(filed, 3, "filed today, inside the daily figures");
    let agents = report["agents"].as_array().cloned().unwrap_or_default();
    assert_eq!(agents.len(), 2, "{agents:?}");
    assert!(
        agents
            .iter()
            .any(|a| a["ratings"] == json!(1) && a["name"] != json!(""))
    );
    assert_eq!(report["comments"][0]["comment"], json!("Quick and kind."));
    assert_eq!(report["comments"][0]["case_id"], json!(ids[0]));

    // An agent reads their own figures only; the warehouse none.
    let mine = shop.staff(AGENT).get("/api/staff/analytics").json();
    assert_eq!(mine["scope"]["scope"], json!("agent"));
    assert_eq!(mine["totals"]["cases"].as_u64(), Some(1));
    assert_eq!(mine["comments"].as_array().map(Vec::len), Some(1));
    assert!(mine["by_product"].as_array().is_some_and(Vec::is_empty));
    assert_status(&shop.staff(WAREHOUSE).get("/api/staff/analytics"), 403);

    // The CSV: the same figures, labelled in the language asked for.
    let csv = owner.get("/api/staff/analytics.csv?lang=zh-CN");
    assert_status(&csv, 200);
    let text = String::from_utf8_lossy(&csv.body).to_string();
    assert!(
        text.starts_with("section,key,label,cases,amount_yuan\n"),
        "{text}"
    );
    assert!(text.contains("\ntotal,cases,cases,3,\n"), "{text}");
    assert!(text.contains("\nkind,refund_only,仅退款,3,\n"), "{text}");

    // Rebuilt from the case logs, and refolded from the facts: the same figures.
    assert_status(&owner.post("/api/staff/rebuild-indexes", &json!(null)), 200);
    assert_eq!(owner.get("/api/staff/analytics").json(), report);
    let refold = owner.post("/api/staff/rebuild-indexes?only=figures", &json!(null));
    assert_status(&refold, 200);
    assert_eq!(refold.json()["rebuilt_cases"].as_u64(), Some(3));
    assert_eq!(owner.get("/api/staff/analytics").json(), report);
    assert_status(
        &owner.post("/api/staff/rebuild-indexes?only=everything", &json!(null)),
        400,
    );
}

#[tokio::test]
async fn the_owner_reads_every_section_of_the_analytics_in_both_languages() {
    let (shop, _, _) = shop_with_history("analytics-ui");
    for (lang, cases_label) in [("en", "Cases"), ("zh-CN", "售后单")] {
        let desk = Desk::signed_in(&shop, OWNER, lang, "/admin").await;
        // From the daily admin's tab bar to the owner's desk (its own page).
        desk.tap("[data-testid=tab-analytics]").await;
        desk.wait("[data-testid=analytics][data-section=overview]")
            .await;
        let tile = desk.text("[data-testid=tile-cases]").await;
        assert!(tile.contains('3') && tile.contains(cases_label), "{tile}");
        desk.wait("[data-testid=chart-over-time] svg path.line-filed")
            .await;
        desk.shot(&format!("analytics-overview-{lang}")).await;
        for section in ["reasons", "speed", "team"] {
            desk.tap(&format!("[data-testid=analytics-{section}]"))
                .await;
            desk.wait(&format!("[data-testid=analytics][data-section={section}]"))
                .await;
            desk.shot(&format!("analytics-{section}-{lang}")).await;
        }
        let speed_or_team = desk.text("[data-testid=comments]").await;
        assert!(speed_or_team.contains("Quick and kind."), "{speed_or_team}");
        desk.tap("[data-testid=analytics-speed]").await;
        let median = desk.text("[data-testid=first-answer-median]").await;
        assert_ne!(median, "–", "two cases were answered");
        // A reload keeps the section (it is in the URL).
        desk.go("/admin/analytics?view=reasons").await;
        desk.wait("[data-testid=chart-reasons] .hbar-fill").await;
        let href = desk
            .js(
                "return document.querySelector('[data-testid=analytics-csv]').getAttribute('href')",
                vec![],
            )
            .await;
        assert_eq!(href, json!(format!("/api/staff/analytics.csv?lang={lang}")));
        // And back to the queue: the daily admin's page again.
        desk.tap("[data-testid=tab-queue]").await;
        desk.wait("[data-testid=queue]").await;
        desk.close().await;
    }
}
