//! The seeds' four stories worked to their end through the seller admin alone: an agent decides
//! on a phone, the warehouse receives by waybill, inspects and ships; the buyers' part (sending
//! the parcel back, confirming delivery) is theirs, through the API.

use serde_json::{Value, json};
use tests::fixtures::stories;

use crate::admin::{Desk, Shop, find};
use crate::helpers::{AGENT, WAREHOUSE, assert_status};
use crate::support::{fresh_orders, unique};

/// The agent approves what the buyer asked (two taps and the confirmation).
async fn approve(agent: &Desk, id: &str) {
    agent.go(&format!("/admin/case/{id}")).await;
    agent.tap("[data-testid=action-approve]").await;
    agent.tap("[data-testid=sheet-confirm]").await;
    agent.wait("[data-testid=done]").await;
}

/// The warehouse finds the returned parcel by its waybill and records a passed inspection.
async fn receive(warehouse: &Desk, waybill: &str) {
    warehouse.go("/admin/receive").await;
    warehouse
        .type_into("[data-testid=waybill-input]", waybill)
        .await;
    warehouse.tap("[data-testid=waybill-find]").await;
    warehouse.tap("[data-testid=action-receive]").await;
    warehouse.tap("[data-testid=inspect-pass]").await;
    warehouse.tap("[data-testid=sheet-confirm]").await;
    warehouse.wait("[data-testid=done]").await;
}

/// The warehouse ships the replacement, repaired item or reshipment.
async fn ship(warehouse: &Desk, id: &str, carrier: &str, tracking: &str) {
    warehouse.go(&format!("/admin/case/{id}")).await;
    warehouse.tap("[data-testid=action-ship]").await;
    warehouse
        .type_into("[data-testid=ship-carrier]", carrier)
        .await;
    warehouse
        .type_into("[data-testid=ship-tracking]", tracking)
        .await;
    warehouse.tap("[data-testid=sheet-confirm]").await;
    warehouse.wait("[data-testid=done]").await;
}

#[tokio::test]
async fn the_four_stories_are_worked_to_their_end_through_the_admin() {
    let shop = Shop::shared();
    let orders = fresh_orders("stories");
    shop.import(&orders);
    let (shirt, phone, tv, book) = (
        find(&orders, stories::SHIRT),
        find(&orders, stories::PHONE),
        find(&orders, stories::TV),
        find(&orders, stories::BOOK),
    );
    let file = |order, request: Value| shop.file(order, &request);
    let shirt_case = file(
        shirt,
        json!({"kind": "return_and_refund", "reason": "size_or_fit",
        "lines": [{"sku": "SHIRT-OX-L", "quantity": 1}], "note": "Too small", "intact_confirmed": true}),
    );
    let phone_case = file(
        phone,
        json!({"kind": "exchange", "reason": "damaged_in_transit",
        "lines": [{"sku": "PHONE-X12-256", "quantity": 1}], "note": "Scratched screen", "intact_confirmed": true}),
    );
    let tv_case = file(
        tv,
        json!({"kind": "repair", "reason": "quality_fault",
        "lines": [{"sku": "TV-55-4K", "quantity": 1}], "note": "No power", "intact_confirmed": true}),
    );
    let book_case = file(
        book,
        json!({"kind": "reship", "reason": "not_received",
        "lines": [{"sku": "BOOK-RUST-2E", "quantity": 1}], "carrier_confirms_loss": true, "urgent": true}),
    );

    let agent = Desk::signed_in(&shop, AGENT, "en", "/admin").await;
    for id in [&shirt_case, &phone_case, &tv_case, &book_case] {
        approve(&agent, id).await;
    }
    agent.close().await;

    // The buyers send back what comes back.
    let mut waybills = Vec::new();
    for (order, id) in [(shirt, &shirt_case), (phone, &phone_case), (tv, &tv_case)] {
        let waybill = format!("SF{}", unique("9"));
        let r = shop.buyer(order).command(
            &format!("/api/buyer/cases/{id}"),
            &json!({"type": "enter_return_tracking", "carrier": "SF Express", "tracking": waybill}),
        );
        assert_status(&r, 200);
        waybills.push(waybill);
    }

    let warehouse = Desk::signed_in(&shop, WAREHOUSE, "en", "/admin/receive").await;
    for waybill in &waybills {
        receive(&warehouse, waybill).await;
    }
    ship(
        &warehouse,
        &phone_case,
        "SF Express",
        &format!("SF{}", unique("8")),
    )
    .await;
    ship(
        &warehouse,
        &tv_case,
        "SF Express",
        &format!("SF{}", unique("7")),
    )
    .await;
    ship(&warehouse, &book_case, "UPS", &format!("1Z{}", unique("6"))).await;
    warehouse.shot("story-shipped").await;
    warehouse.close().await;

    // The buyers confirm what arrived; every story has ended.
    for (order, id) in [(phone, &phone_case), (tv, &tv_case), (book, &book_case)] {
        let r = shop.buyer(order).command(
            &format!("/api/buyer/cases/{id}"),
            &json!({"type": "confirm_receipt"}),
        );
        assert_status(&r, 200);
    }
    let staff = shop.staff(AGENT);
    for id in [&shirt_case, &phone_case, &tv_case, &book_case] {
        let case = shop.case(&staff, id);
        assert_eq!(
            case["state"],
            json!("closed"),
            "{id}: {}",
            case["case"]["events"]
        );
    }
    assert!(
        shop.case(&staff, &shirt_case)["refund"]["total"]
            .as_i64()
            .unwrap_or(0)
            > 0,
        "the shirt was refunded after its inspection"
    );
}
