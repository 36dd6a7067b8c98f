//! The seeds' four stories end to end through the API, as buyer, agent and warehouse.

use serde_json::json;

use crate::helpers::*;
use crate::support::app;
use tests::fixtures::stories;

fn state(r: &tests::ApiResponse) -> String {
    r.json()["state"].as_str().unwrap_or_default().to_string()
}

#[test]
fn a_shirt_that_does_not_fit_is_returned_and_refunded_once_the_shop_sees_it_undamaged() {
    let orders = orders("shirt");
    let order = story(&orders, stories::SHIRT);
    let buyer = buyer(order);
    let agent = staff(app(), AGENT);
    let warehouse = staff(app(), WAREHOUSE);

    // What the portal previews is what the shop decides.
    let preview = buyer.post("/api/buyer/preview", &shirt_return());
    assert_status(&preview, 200);
    let case = file(&buyer, &shirt_return());
    let filed = buyer.get(&format!("/api/buyer/cases/{case}"));
    assert_eq!(state(&filed), "awaiting_review");
    assert_eq!(filed.json()["deadline"]["waiting_for"]["party"], "shop");
    assert_eq!(
        filed.json()["refund"]["total"],
        preview.json()["refund"]["total"],
        "the refund estimate equals the preview"
    );

    let approved = staff_command(
        &agent,
        &case,
        &json!({"type": "approve", "solution": {"kind": "return_and_refund"}, "note": "Sorry it did not fit."}),
    );
    assert_status(&approved, 200);
    assert_eq!(state(&approved), "awaiting_return");
    let seen = buyer.get(&format!("/api/buyer/cases/{case}"));
    assert!(
        seen.json()["return_address"]
            .as_str()
            .is_some_and(|a| !a.is_empty()),
        "the buyer sees where to send it"
    );
    assert_eq!(seen.json()["deadline"]["waiting_for"]["party"], "buyer");

    let shipped = buyer_command(
        &buyer,
        &case,
        &json!({"type": "enter_return_tracking", "carrier": "SF Express", "tracking": "SF1234567890"}),
    );
    assert_status(&shipped, 200);
    assert_eq!(state(&shipped), "return_in_transit");

    let received = staff_command(
        &warehouse,
        &case,
        &json!({"type": "receive", "inspection": {"passed": true, "note": "tags on, unworn"}}),
    );
    assert_status(&received, 200);
    assert_eq!(state(&received), "closed");
    let refunded = received.json()["case"]["events"]
        .as_array()
        .and_then(|events| {
            events
                .iter()
                .find(|e| e["kind"]["type"] == "refunded" || e["kind"]["type"] == "fast_refunded")
                .cloned()
        });
    // A buyer with a clean history may have been refunded at once (极速退款) when the tracking
    // number went in; either way exactly the previewed amount went back.
    let refunded = refunded
        .unwrap_or_else(|| panic!("no refund event: {}", received.json()["case"]["events"]));
    assert_eq!(
        refunded["kind"]["breakdown"]["total"],
        preview.json()["refund"]["total"],
        "refunded what was previewed"
    );

    let rated = buyer_command(
        &buyer,
        &case,
        &json!({"type": "rate", "stars": 5, "comment": "Quick and kind"}),
    );
    assert_status(&rated, 200);
    let again = buyer_command(&buyer, &case, &json!({"type": "rate", "stars": 1}));
    assert!(
        again.status == 409 || again.status == 422,
        "a case is rated once: {}",
        again.status
    );
}

#[test]
fn a_phone_whose_screen_arrived_scratched_is_exchanged_after_inspection() {
    let orders = orders("phone");
    let order = story(&orders, stories::PHONE);
    let buyer = buyer(order);
    let agent = staff(app(), AGENT);
    let warehouse = staff(app(), WAREHOUSE);
    let case = file(
        &buyer,
        &json!({"kind": "exchange", "reason": "damaged_in_transit",
        "lines": [{"sku": "PHONE-X12-256", "quantity": 1}], "note": "Screen scratched on arrival", "intact_confirmed": true}),
    );
    let seen = buyer.get(&format!("/api/buyer/cases/{case}"));
    assert_eq!(
        seen.json()["return_shipping_payer"],
        "shop",
        "the shop pays shipping for damage in transit"
    );

    assert_status(
        &staff_command(
            &agent,
            &case,
            &json!({"type": "approve", "solution": {"kind": "exchange"}}),
        ),
        200,
    );
    // No replacement before the return arrives.
    let early = staff_command(
        &warehouse,
        &case,
        &json!({"type": "ship", "carrier": "JD", "tracking": "JD0001"}),
    );
    assert!(
        early.status == 409 || early.status == 422,
        "shipping before receipt must be refused: {}",
        early.status
    );
    assert_status(
        &buyer_command(
            &buyer,
            &case,
            &json!({"type": "enter_return_tracking", "carrier": "JD", "tracking": "JDR123"}),
        ),
        200,
    );
    let received = staff_command(
        &warehouse,
        &case,
        &json!({"type": "receive", "inspection": {"passed": true}}),
    );
    assert_eq!(state(&received), "awaiting_shipment");
    let shipped = staff_command(
        &warehouse,
        &case,
        &json!({"type": "ship", "carrier": "JD", "tracking": "JD0002"}),
    );
    assert_eq!(state(&shipped), "shipped");
    let confirmed = buyer_command(&buyer, &case, &json!({"type": "confirm_receipt"}));
    assert_eq!(state(&confirmed), "closed");
}

#[test]
fn a_tv_that_stopped_powering_on_after_weeks_is_repaired_not_refunded() {
    let orders = orders("tv");
    let order = story(&orders, stories::TV);
    let buyer = buyer(order);
    let agent = staff(app(), AGENT);
    let warehouse = staff(app(), WAREHOUSE);
    // Forty days after delivery the 7-day fault return is over: a refusal that explains itself.
    let refused = file_with_key(
        &buyer,
        &crate::support::unique("tv"),
        &json!({"kind": "return_and_refund", "reason": "quality_fault",
        "lines": [{"sku": "TV-55-4K", "quantity": 1}], "intact_confirmed": true}),
    );
    assert_status(&refused, 422);
    assert!(
        !refused.json()["message"]
            .as_str()
            .unwrap_or_default()
            .is_empty()
    );

    let case = file(
        &buyer,
        &json!({"kind": "repair", "reason": "quality_fault",
        "lines": [{"sku": "TV-55-4K", "quantity": 1}], "note": "No power, standby light blinks"}),
    );
    assert_status(
        &staff_command(
            &agent,
            &case,
            &json!({"type": "approve", "solution": {"kind": "repair"}}),
        ),
        200,
    );
    assert_status(
        &buyer_command(
            &buyer,
            &case,
            &json!({"type": "enter_return_tracking", "carrier": "DPD", "tracking": "DPD555"}),
        ),
        200,
    );
    assert_eq!(
        state(&staff_command(
            &warehouse,
            &case,
            &json!({"type": "receive", "inspection": {"passed": true}})
        )),
        "awaiting_shipment"
    );
    assert_eq!(
        state(&staff_command(
            &warehouse,
            &case,
            &json!({"type": "ship", "carrier": "DPD", "tracking": "DPD556"})
        )),
        "shipped"
    );
    assert_eq!(
        state(&buyer_command(
            &buyer,
            &case,
            &json!({"type": "confirm_receipt"})
        )),
        "closed"
    );
}

#[test]
fn a_book_that_never_arrived_is_reshipped_once_the_courier_record_is_checked() {
    let orders = orders("book");
    let order = story(&orders, stories::BOOK);
    let buyer = buyer(order);
    let agent = staff(app(), AGENT);
    let warehouse = staff(app(), WAREHOUSE);
    let case = file(
        &buyer,
        &json!({"kind": "reship", "reason": "not_received",
        "lines": [{"sku": "BOOK-RUST-2E", "quantity": 1}], "carrier_confirms_loss": true, "urgent": true}),
    );
    let queue = agent.get("/api/staff/queue?limit=100");
    assert_status(&queue, 200);
    assert!(
        queue.json()["items"]
            .as_array()
            .is_some_and(|items| items.iter().any(|i| i["id"] == case.as_str()))
    );
    assert_status(
        &staff_command(
            &agent,
            &case,
            &json!({"type": "approve", "solution": {"kind": "reship"}, "note": "Sorry — another copy is on its way."}),
        ),
        200,
    );
    assert_eq!(
        state(&staff_command(
            &warehouse,
            &case,
            &json!({"type": "ship", "carrier": "UPS", "tracking": "1Z999"})
        )),
        "shipped"
    );
    assert_eq!(
        state(&buyer_command(
            &buyer,
            &case,
            &json!({"type": "confirm_receipt"})
        )),
        "closed"
    );
}
