//! Return postage the shop owes (DOMAIN.md "Return postage the shop owes"; issue 12 §2): the
//! buyer who advanced it claims it with the tracking number and a receipt photo, staff may adjust
//! it with a reason, and the refund pays it back once, as its own line, up to the shop's cap
//! (30.00 by default); never when the order's shipping insurance (运费险) pays it. Checked on the
//! amounts the API reports, and in the portal at 390×844 in both languages.

use std::time::Duration;

use fantoccini::Client;
use serde_json::{Value, json};
use shared::domain::Order;
use tests::{Api, ApiResponse};

use crate::api_input::png_with_text;
use crate::helpers::*;
use crate::support::{app, browser_with, element_across_loads, screenshot, script_across_loads};
use tests::fixtures::stories;

/// The phone's screen arrived scratched: the shop's fault, so it owes the return postage.
fn scratched_phone() -> Value {
    json!({"kind": "return_and_refund", "reason": "damaged_in_transit",
           "lines": [{"sku": "PHONE-X12-256", "quantity": 1}], "note": "屏幕有划痕"})
}

/// A receipt photo uploaded by `buyer` for their order.
fn upload_receipt(buyer: &Api) -> String {
    let r = buyer.send(
        "POST",
        "/api/buyer/photos",
        Some(("image/png", png_with_text())),
        &[],
    );
    assert_status(&r, 201);
    r.json()["id"].as_str().unwrap_or_default().to_string()
}

fn tracking(postage: Option<(i64, &str)>) -> Value {
    let mut command =
        json!({"type": "enter_return_tracking", "carrier": "SF", "tracking": "SF5566778899"});
    if let Some((amount, receipt)) = postage {
        command["postage"] = json!({"amount": amount, "receipt": receipt});
    }
    command
}

/// The refund as the case view reports it, with the postage line read as zero when absent.
fn refund_of(view: &Value) -> (i64, i64) {
    let refund = &view["refund"];
    (
        refund["return_postage"].as_i64().unwrap_or(0),
        refund["total"].as_i64().unwrap_or(-1),
    )
}

#[track_caller]
fn assert_refused(r: &ApiResponse, status: u16, code: &str) {
    assert_status(r, status);
    assert_eq!(r.code(), code, "{}", String::from_utf8_lossy(&r.body));
}

#[test]
fn postage_the_shop_owes_is_paid_back_once_capped_and_adjusted_by_staff() {
    let orders = orders("pst");
    let phone = story(&orders, stories::PHONE);
    let buyer = buyer(phone);
    let owner = staff(app(), OWNER);
    let id = file(&buyer, &scratched_phone());
    let case = format!("/api/buyer/cases/{id}");
    assert_eq!(
        buyer.get(&case).json()["return_postage"],
        json!({"reimbursed": {"cap": 3000}}),
        "the shop pays a fault's return and sent no label: paid back up to 30.00"
    );
    // 3,999.00 is above the agent's limit: the owner approves.
    assert_status(
        &staff_command(
            &owner,
            &id,
            &json!({"type": "approve", "solution": {"kind": "return_and_refund"}}),
        ),
        200,
    );
    let receipt = upload_receipt(&buyer);

    // Bad claims change nothing, each with its stable code.
    let version = buyer.get(&case).json()["version"].clone();
    for (command, status, code) in [
        (tracking(Some((-500, &receipt))), 422, "invalid_postage"),
        (tracking(Some((0, &receipt))), 422, "invalid_postage"),
        (tracking(Some((100_001, &receipt))), 422, "invalid_postage"),
        (tracking(Some((1_200, ""))), 422, "postage_receipt_missing"),
        (
            tracking(Some((1_200, "0123456789abcdef0123456789abcdef"))),
            422,
            "unknown_photo",
        ),
    ] {
        let r = buyer_command(&buyer, &id, &command);
        assert_status(&r, status);
        let code_seen = r.json()["code"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_default();
        let field_code = r.json()["fields"][0]["code"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_default();
        assert!(
            code_seen == code || field_code == code,
            "{command}: {}",
            String::from_utf8_lossy(&r.body)
        );
    }
    assert_eq!(
        buyer.get(&case).json()["version"],
        version,
        "nothing changed"
    );

    // 45.00 claimed: the estimate pays the cap, 30.00.
    assert_status(
        &buyer_command(&buyer, &id, &tracking(Some((4_500, &receipt)))),
        200,
    );
    let view = buyer.get(&case).json();
    assert_eq!(refund_of(&view), (3_000, 379_900 + 3_000));

    // Staff adjust it: the warehouse may not, the agent may (with a reason), and the last word
    // replaces the claim, never adds to it.
    let adjust = |amount: i64, reason: &str| json!({"type": "adjust_postage", "amount": amount, "reason": reason});
    assert_refused(
        &staff_command(&staff(app(), WAREHOUSE), &id, &adjust(1_200, "receipt")),
        403,
        "not_allowed_for_actor",
    );
    assert_refused(
        &staff_command(&staff(app(), AGENT), &id, &adjust(-1, "receipt")),
        422,
        "invalid_postage",
    );
    assert_refused(
        &staff_command(&staff(app(), AGENT), &id, &adjust(1_200, " ")),
        422,
        "empty_text",
    );
    assert_status(
        &staff_command(&staff(app(), AGENT), &id, &adjust(2_000, "first look")),
        200,
    );
    let adjusted = staff_command(
        &staff(app(), AGENT),
        &id,
        &adjust(1_200, "the receipt says 12.00"),
    );
    assert_status(&adjusted, 200);
    assert_eq!(refund_of(&adjusted.json()), (1_200, 379_900 + 1_200));

    // Received intact: the refund pays the postage once, as its own line.
    let received = staff_command(
        &staff(app(), WAREHOUSE),
        &id,
        &json!({"type": "receive", "inspection": {"passed": true}}),
    );
    assert_status(&received, 200);
    let view = buyer.get(&case).json();
    assert_eq!(view["state"], "closed");
    assert_eq!(refund_of(&view), (1_200, 381_100));
    let refunds: Vec<&Value> = view["case"]["events"]
        .as_array()
        .map(|e| {
            e.iter()
                .filter(|e| {
                    matches!(
                        e["kind"]["type"].as_str(),
                        Some("refunded" | "fast_refunded")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(refunds.len(), 1, "one refund");
    assert_eq!(refunds[0]["kind"]["breakdown"]["return_postage"], 1_200);
    // The buyer sees why the postage differs from their receipt.
    assert!(
        view["case"]["events"]
            .as_array()
            .is_some_and(|e| e.iter().any(|e| {
                e["kind"]["type"] == "postage_adjusted"
                    && e["kind"]["reason"] == "the receipt says 12.00"
            }))
    );
    // Settled: no adjustment after the refund, and nothing paid again.
    let late = staff_command(&owner, &id, &adjust(3_000, "late"));
    assert!(late.status == 409 || late.status == 422, "{}", late.status);
    assert_eq!(refund_of(&buyer.get(&case).json()), (1_200, 381_100));
}

#[test]
fn shipping_insurance_pays_the_postage_so_the_shop_pays_none_back() {
    let orders = orders("psi");
    let shirt = story(&orders, stories::SHIRT);
    assert!(shirt.shipping_insurance, "the shirt's order carries 运费险");
    let buyer = buyer(shirt);
    let id = file(
        &buyer,
        &json!({"kind": "return_and_refund", "reason": "not_as_described",
                "lines": [{"sku": "SHIRT-OX-L", "quantity": 1}], "note": "Colour differs"}),
    );
    let case = format!("/api/buyer/cases/{id}");
    assert_eq!(buyer.get(&case).json()["return_postage"], "insured");
    assert_status(
        &staff_command(
            &staff(app(), AGENT),
            &id,
            &json!({"type": "approve", "solution": {"kind": "return_and_refund"}}),
        ),
        200,
    );
    let receipt = upload_receipt(&buyer);
    assert_refused(
        &buyer_command(&buyer, &id, &tracking(Some((1_200, &receipt)))),
        422,
        "postage_not_owed",
    );
    assert_status(&buyer_command(&buyer, &id, &tracking(None)), 200);
    assert_refused(
        &staff_command(
            &staff(app(), AGENT),
            &id,
            &json!({"type": "adjust_postage", "amount": 1_200, "reason": "receipt"}),
        ),
        422,
        "postage_not_owed",
    );
    assert_status(
        &staff_command(
            &staff(app(), WAREHOUSE),
            &id,
            &json!({"type": "receive", "inspection": {"passed": true}}),
        ),
        200,
    );
    // 199.00 less the 20.00 discount; the postage is the insurer's.
    assert_eq!(refund_of(&buyer.get(&case).json()), (0, 17_900));
}

#[test]
fn a_no_fault_return_owes_no_postage() {
    let orders = orders("psn");
    let phone = story(&orders, stories::PHONE);
    let buyer = buyer(phone);
    let id = file(
        &buyer,
        &json!({"kind": "return_and_refund", "reason": "changed_mind",
                "lines": [{"sku": "PHONE-X12-256", "quantity": 1}], "intact_confirmed": true}),
    );
    assert_eq!(
        buyer.get(&format!("/api/buyer/cases/{id}")).json()["return_postage"],
        "not_owed"
    );
    assert_status(
        &staff_command(
            &staff(app(), OWNER),
            &id,
            &json!({"type": "approve", "solution": {"kind": "return_and_refund"}}),
        ),
        200,
    );
    let receipt = upload_receipt(&buyer);
    assert_refused(
        &buyer_command(&buyer, &id, &tracking(Some((1_200, &receipt)))),
        422,
        "postage_not_owed",
    );
}

const WAIT: Duration = Duration::from_secs(20);

/// Waits for `css`, across page loads: the lookup and the case page are bundles of their own, so
/// a look made while one page gives way to the next is aborted by the navigation and made again.
async fn wait(c: &Client, css: &str) -> fantoccini::elements::Element {
    match element_across_loads(c, css, WAIT).await {
        Ok(e) => e,
        Err(e) => {
            screenshot(c, "postage-failure").await;
            panic!("{css} never appeared: {e}");
        }
    }
}

async fn js(c: &Client, script: &str, args: Vec<Value>) -> Value {
    match script_across_loads(c, script, args).await {
        Ok(v) => v,
        Err(e) => panic!("script failed: {e}"),
    }
}

async fn until(c: &Client, what: &str, script: &str) {
    for _ in 0..100 {
        if js(c, script, vec![]).await == Value::Bool(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    screenshot(c, "postage-failure").await;
    panic!("timed out waiting for {what}");
}

async fn type_into(c: &Client, css: &str, text: &str) {
    let e = wait(c, css).await;
    let _ = e.clear().await;
    if let Err(err) = e.send_keys(text).await {
        panic!("could not type into {css}: {err}");
    }
}

async fn tap(c: &Client, css: &str) {
    let e = wait(c, css).await;
    js(
        c,
        "document.querySelector(arguments[0]).scrollIntoView({block: 'center'})",
        vec![json!(css)],
    )
    .await;
    if let Err(err) = e.click().await {
        panic!("could not tap {css}: {err}");
    }
}

/// Picks a generated picture of a receipt through the photo input, as the phone's chooser would.
async fn attach_receipt(c: &Client) {
    let script = "const done = arguments[0];
        const cv = document.createElement('canvas'); cv.width = 600; cv.height = 800;
        const g = cv.getContext('2d'); g.fillStyle = '#fff'; g.fillRect(0, 0, 600, 800);
        g.fillStyle = '#000'; g.font = '48px sans-serif'; g.fillText('SF 12.50', 80, 200);
        cv.toBlob(b => {
          const dt = new DataTransfer();
          dt.items.add(new File([b], 'receipt.png', {type: 'image/png'}));
          const input = document.querySelector('[data-testid=photo-input]');
          input.files = dt.files;
          input.dispatchEvent(new Event('change', {bubbles: true}));
          done(true);
        }, 'image/png');";
    if let Err(e) = c.execute_async(script, vec![]).await {
        panic!("could not attach the receipt: {e}");
    }
}

/// The buyer enters the tracking number with the postage and its receipt on the case page; the
/// shop receives the parcel; the case page shows the postage line of the refund.
async fn claim_in_the_portal(lang: &str, postage_label: &str, hint: &str) {
    let orders = orders(&format!("pb{}", &lang[..2]));
    let phone: Order = story(&orders, stories::PHONE).clone();
    let api = buyer(&phone);
    let id = file(&api, &scratched_phone());
    assert_status(
        &staff_command(
            &staff(app(), OWNER),
            &id,
            &json!({"type": "approve", "solution": {"kind": "return_and_refund"}}),
        ),
        200,
    );

    let c = browser_with(lang, 390, 844).await;
    if let Err(e) = c
        .goto(&format!("{}/case/{id}?order={}", app().base, phone.number))
        .await
    {
        panic!("could not open the case: {e}");
    }
    // The bookmarked link asks for the lookup first (a fresh browser has no token).
    type_into(&c, "[data-testid=lookup-contact]", &contact_of(&phone)).await;
    tap(&c, "[data-testid=lookup-submit]").await;
    wait(&c, "[data-testid=tracking-form]").await;
    let shown = wait(&c, "[data-testid=postage-hint]")
        .await
        .text()
        .await
        .unwrap_or_default();
    assert!(shown.contains(hint) && shown.contains("30.00"), "{shown}");
    // The receipt's picker takes one photo, and its hint says so.
    let picker_hint = wait(&c, "[data-testid=tracking-form] .photo-buttons + .hint")
        .await
        .text()
        .await
        .unwrap_or_default();
    let one = if lang.starts_with("zh") {
        "最多 1 张"
    } else {
        "Up to 1."
    };
    assert!(picker_hint.starts_with(one), "{picker_hint}");
    type_into(&c, "[data-testid=carrier]", "顺丰 SF Express").await;
    type_into(&c, "[data-testid=tracking]", "SF1029384756").await;
    type_into(&c, "[data-testid=postage]", "12.50").await;
    attach_receipt(&c).await;
    until(
        &c,
        "the receipt to upload",
        "return document.querySelector('[data-testid=photo-tile][data-status=uploaded]') !== null",
    )
    .await;
    screenshot(&c, &format!("postage-claim-{lang}")).await;
    tap(&c, "[data-testid=send-tracking]").await;
    until(
        &c,
        "the return to be on its way",
        "return document.querySelector('[data-testid=status-chip]')?.dataset.state === 'return_in_transit'",
    )
    .await;

    // The server holds the claim with its receipt, as the buyer entered it.
    let view = staff(app(), AGENT)
        .get(&format!("/api/staff/cases/{id}"))
        .json();
    let shipped = view["case"]["events"]
        .as_array()
        .and_then(|e| {
            e.iter()
                .find(|e| e["kind"]["type"] == "return_shipped")
                .cloned()
        })
        .unwrap_or_default();
    assert_eq!(shipped["kind"]["postage"]["amount"], 1_250);
    let receipt = shipped["kind"]["postage"]["receipt"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(receipt.len(), 32, "the uploaded photo's id");
    assert_status(
        &staff(app(), AGENT).get(&format!("/api/photos/{receipt}")),
        200,
    );

    assert_status(
        &staff_command(
            &staff(app(), WAREHOUSE),
            &id,
            &json!({"type": "receive", "inspection": {"passed": true}}),
        ),
        200,
    );
    let _ = c.refresh().await;
    until(
        &c,
        "the case to close refunded",
        "return document.querySelector('[data-testid=status-chip]')?.dataset.state === 'closed'",
    )
    .await;
    let breakdown = wait(&c, "[data-testid=breakdown]")
        .await
        .text()
        .await
        .unwrap_or_default();
    assert!(
        breakdown.contains(postage_label) && breakdown.contains("¥12.50"),
        "{breakdown}"
    );
    assert!(
        breakdown.contains("¥3,811.50") || breakdown.contains("¥3811.50"),
        "{breakdown}"
    );
    js(
        &c,
        "document.querySelector('[data-testid=breakdown]').scrollIntoView({block: 'center'})",
        vec![],
    )
    .await;
    screenshot(&c, &format!("postage-refunded-{lang}")).await;
    assert_eq!(
        refund_of(&api.get(&format!("/api/buyer/cases/{id}")).json()),
        (1_250, 381_150)
    );
    let _ = c.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_buyer_claims_postage_with_tracking_and_sees_it_refunded_in_english() {
    claim_in_the_portal("en", "Return postage", "Paid back with your refund").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_buyer_claims_postage_with_tracking_and_sees_it_refunded_in_chinese() {
    claim_in_the_portal("zh-CN", "退货运费", "随退款返还").await;
}
