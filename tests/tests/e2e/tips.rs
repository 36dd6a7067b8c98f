//! Help before a request (issue 15): the shop's troubleshooting tips per category and SKU, shown to
//! a buyer who picks a quality fault ("did this solve it?"), and "Yes, solved" counted in the
//! owner's analytics as helped without a case, once per order and line even when tapped ten
//! times at once. Each test runs on a server of its own, so the shop's count starts at zero.

use std::sync::{Arc, Barrier};
use std::time::Duration;

use fantoccini::Client;
use serde_json::{Value, json};
use shared::domain::Order;
use tests::{Api, ApiResponse};

use crate::admin::{Desk, Shop, find};
use crate::helpers::{OWNER, assert_status, contact_of};
use crate::support::element_across_loads;
use crate::support::{browser_with, fresh_orders, screenshot};
use tests::fixtures::stories;

const WAIT: Duration = Duration::from_secs(20);
const PHONE_SKU: &str = "PHONE-X12-256";

/// `n` copies of the phone order (an electronics line signed for two days ago), each its own
/// order number.
fn phone_orders(tag: &str, n: usize) -> Vec<Order> {
    let phone = find(&fresh_orders(tag), stories::PHONE).clone();
    (0..n)
        .map(|i| {
            let mut o = phone.clone();
            o.number = format!("{}-{i}", phone.number);
            o
        })
        .collect()
}

fn helped(buyer: &Api, sku: &str) -> ApiResponse {
    buyer.post("/api/buyer/helped", &json!({ "sku": sku }))
}

fn helped_figures(owner: &Api) -> Value {
    let r = owner.get("/api/staff/analytics");
    assert_status(&r, 200);
    r.json()["helped"].clone()
}

#[test]
fn ten_taps_at_once_count_once_per_order_and_line_and_the_owner_sees_the_count() {
    let shop = Shop::own("tips-api");
    let orders = phone_orders("tips-api", 2);
    shop.import(&orders);
    let owner = shop.staff(OWNER);
    let mut policy = owner.get("/api/staff/policy").json();
    policy["tips"] = json!({
        "categories": {"electronics": [
            {"title": "Screen stays dark", "steps": ["Hold power for 15 s", "Charge for 30 min"]}
        ]},
        "skus": {"OTHER-SKU": [{"title": "Not this one", "steps": ["-"]}]}
    });
    assert_status(&owner.put("/api/staff/policy", &policy), 200);
    // Bad tips are refused per field and change nothing.
    let mut bad = policy.clone();
    bad["tips"]["categories"]["electronics"][0]["steps"] = json!([]);
    let r = owner.put("/api/staff/policy", &bad);
    assert_status(&r, 422);
    let body = String::from_utf8_lossy(&r.body).to_string();
    assert!(
        body.contains("tips.categories.electronics[0].steps"),
        "{body}"
    );

    // The buyer's order view carries the line's tips, and the policy without the shop's others.
    let buyer = shop.buyer(&orders[0]);
    let view = buyer.get("/api/buyer/order").json();
    assert_eq!(view["tips"][0]["skus"], json!([PHONE_SKU]));
    assert_eq!(view["tips"][0]["tips"][0]["title"], "Screen stays dark");
    assert!(view["policy"].get("tips").is_none(), "{}", view["policy"]);

    // Ten taps of one order's line at the same moment: exactly one counts.
    let barrier = Arc::new(Barrier::new(10));
    let handles: Vec<_> = (0..10)
        .map(|_| {
            let (barrier, buyer) = (barrier.clone(), shop.buyer(&orders[0]));
            std::thread::spawn(move || {
                barrier.wait();
                helped(&buyer, PHONE_SKU)
            })
        })
        .collect();
    let answers: Vec<ApiResponse> = handles
        .into_iter()
        .map(|h| h.join().expect("request thread"))
        .collect();
    assert!(
        answers.iter().all(|a| a.status == 200),
        "{:?}",
        answers.iter().map(|a| a.status).collect::<Vec<_>>()
    );
    let counted = answers
        .iter()
        .filter(|a| a.json()["counted"] == json!(true))
        .count();
    assert_eq!(counted, 1);
    assert_eq!(helped_figures(&owner)["total"], 1);
    // A retry later changes nothing; another order's line counts on its own.
    assert_eq!(helped(&buyer, PHONE_SKU).json()["counted"], false);
    let other = shop.buyer(&orders[1]);
    assert_eq!(helped(&other, PHONE_SKU).json()["counted"], true);
    let figures = helped_figures(&owner);
    assert_eq!(figures["total"], 2);
    assert_eq!(
        figures["by_category"],
        json!([{"category": "electronics", "helped": 2}])
    );
    // A line the order does not have, or one without tips, was never shown one: 404, no count.
    assert_status(&helped(&buyer, "OTHER-SKU"), 404);
    assert_status(&helped(&buyer, "NOPE"), 404);
    assert_status(
        &Api::new(&shop.base).post("/api/buyer/helped", &json!({"sku": PHONE_SKU})),
        401,
    );
    assert_eq!(helped_figures(&owner)["total"], 2);
    // Nothing was filed, and the CSV carries the count.
    assert_eq!(
        owner.get("/api/staff/analytics").json()["totals"]["cases"],
        0
    );
    let csv =
        String::from_utf8_lossy(&owner.get("/api/staff/analytics.csv?lang=en").body).to_string();
    assert!(
        csv.contains("total,helped_without_case,helped_without_case,2,"),
        "{csv}"
    );
}

/// The buyer's phone: the portal at 390×844 in `lang`.
struct Phone {
    c: Client,
    base: String,
}

impl Phone {
    async fn wait(&self, css: &str) -> fantoccini::elements::Element {
        match element_across_loads(&self.c, css, WAIT).await {
            Ok(e) => e,
            Err(e) => {
                screenshot(&self.c, "tips-failure").await;
                panic!("{css} never appeared: {e}");
            }
        }
    }

    async fn click(&self, css: &str) {
        let element = self.wait(css).await;
        let _ = self
            .c
            .execute(
                "document.querySelector(arguments[0]).scrollIntoView({block: 'center'})",
                vec![json!(css)],
            )
            .await;
        if let Err(e) = element.click().await {
            panic!("could not click {css}: {e}");
        }
    }

    async fn type_into(&self, css: &str, text: &str) {
        let element = self.wait(css).await;
        let _ = element.clear().await;
        if let Err(e) = element.send_keys(text).await {
            panic!("could not type into {css}: {e}");
        }
    }

    async fn text(&self, css: &str) -> String {
        self.wait(css).await.text().await.unwrap_or_default()
    }
}

/// The whole story in one language: the owner writes a tip for a category on the settings
/// screen, the buyer picks a quality fault, reads it, taps "solved", no case is filed, and the
/// owner's analytics shows 1.
async fn a_tip_solves_a_fault_without_a_case(lang: &'static str) {
    let zh = lang == "zh-CN";
    let tag = format!("tips-ui-{}", if zh { "zh" } else { "en" });
    let shop = Shop::own(&tag);
    let orders = phone_orders(&tag, 1);
    shop.import(&orders);
    let order = &orders[0];
    let (title, step) = if zh {
        ("屏幕不亮", "长按电源键 15 秒强制重启")
    } else {
        ("Screen stays dark", "Hold the power button for 15 seconds")
    };

    // The owner writes the tip in the settings screen.
    let desk = Desk::signed_in(&shop, OWNER, lang, "/admin").await;
    desk.go("/admin/settings").await;
    desk.wait("[data-testid=settings-group-tips]").await;
    desk.tap("[data-testid=tip-add]").await;
    desk.type_into("[data-testid=tip-key-0]", "electronics")
        .await;
    desk.type_into("[data-testid=tip-title-0]", title).await;
    desk.type_into("[data-testid=tip-steps-0]", step).await;
    desk.shot("tips-editor").await;
    desk.tap("[data-testid=settings-preview-btn]").await;
    desk.tap("[data-testid=settings-save]").await;
    desk.wait("[data-testid=settings-saved]").await;
    let owner = shop.staff(OWNER);
    let saved = owner.get("/api/staff/policy").json();
    assert_eq!(
        saved["tips"]["categories"]["electronics"][0],
        json!({"title": title, "steps": [step]})
    );

    // The buyer picks a quality fault: the tip comes first, the request stays below it.
    let phone = Phone {
        c: browser_with(lang, 390, 844).await,
        base: shop.base.clone(),
    };
    if let Err(e) = phone.c.goto(&format!("{}/", phone.base)).await {
        panic!("could not open the portal: {e}");
    }
    phone
        .type_into("[data-testid=lookup-number]", &order.number)
        .await;
    phone
        .type_into("[data-testid=lookup-contact]", &contact_of(order))
        .await;
    phone.click("[data-testid=lookup-submit]").await;
    phone.wait("[data-testid=request-form]").await;
    phone.click(&format!("label[for='pick-{PHONE_SKU}']")).await;
    phone.click("label[for='kind-return_and_refund']").await;
    phone.click("label[for='reason-quality_fault']").await;
    assert_eq!(phone.text("[data-testid=tip-title]").await, title);
    let panel = phone.text("[data-testid=tips]").await;
    assert!(panel.contains(step), "{panel}");
    let (ask, solved, go_on) = if zh {
        ("问题解决了吗？", "已解决", "没解决，继续申请")
    } else {
        (
            "Did this solve it?",
            "Yes, solved",
            "No, continue my request",
        )
    };
    assert!(panel.contains(ask), "{panel}");
    assert_eq!(phone.text("[data-testid=tips-solved]").await, solved);
    assert_eq!(phone.text("[data-testid=tips-continue]").await, go_on);
    // Never in the way: the rest of the request is there, one tap away.
    phone.wait("[data-testid=note]").await;
    phone.wait("[data-testid=submit]").await;
    let _ = phone
        .c
        .execute(
            "document.querySelector('[data-testid=tips]').scrollIntoView({block: 'start'})",
            vec![],
        )
        .await;
    screenshot(&phone.c, &format!("portal-tips-{lang}")).await;
    phone.click("[data-testid=tips-solved]").await;
    let thanks = phone.text("[data-testid=tips-thanks]").await;
    assert!(
        thanks.contains(if zh {
            "无需申请售后"
        } else {
            "no request needed"
        }),
        "{thanks}"
    );
    screenshot(&phone.c, &format!("portal-tips-solved-{lang}")).await;
    let _ = phone.c.close().await;

    // No case was filed; the owner's analytics counts one buyer helped.
    let buyer = shop.buyer(order);
    assert_eq!(buyer.get("/api/buyer/order").json()["cases"], json!([]));
    desk.go("/admin/analytics").await;
    let tile = desk.text("[data-testid=tile-helped]").await;
    let label = if zh {
        "提示解决，无需售后"
    } else {
        "Helped without a case"
    };
    assert!(tile.contains('1') && tile.contains(label), "{tile}");
    let category = desk.text("[data-testid=helped-category]").await;
    assert!(
        category.contains("electronics") && category.contains('1'),
        "{category}"
    );
    let report = owner.get("/api/staff/analytics").json();
    assert_eq!(
        (&report["helped"]["total"], &report["totals"]["cases"]),
        (&json!(1), &json!(0))
    );
    desk.shot("analytics-helped").await;
    desk.close().await;
}

#[tokio::test]
async fn a_troubleshooting_tip_solves_a_fault_without_a_case_in_english() {
    a_tip_solves_a_fault_without_a_case("en").await;
}

#[tokio::test]
async fn a_troubleshooting_tip_solves_a_fault_without_a_case_in_chinese() {
    a_tip_solves_a_fault_without_a_case("zh-CN").await;
}
