//! The desk's questions in the buyer portal, in headless Chromium at 390×844, in Chinese and in
//! English: where is my parcel (asked, and answered by the shop), a stalled parcel turned into a
//! reship without proof, and a complaint that reaches the owner first. Screens are saved under
//! `test-artifacts/screenshots/portal-desk-*.png`.

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::{Value, json};
use shared::domain::{MS_PER_HOUR, Order};

use crate::helpers::*;
use crate::support::{app, browser_with, now, screenshot};

const WAIT: Duration = Duration::from_secs(20);
const LANGS: [&str; 2] = ["zh-CN", "en"];

async fn wait(c: &Client, css: &str) -> fantoccini::elements::Element {
    match crate::support::element_across_loads(c, css, WAIT).await {
        Ok(e) => e,
        Err(e) => {
            screenshot(c, "portal-desk-failure").await;
            panic!("{css} never appeared: {e}");
        }
    }
}

async fn click(c: &Client, css: &str) {
    let element = wait(c, css).await;
    let _ = c
        .execute(
            "document.querySelector(arguments[0]).scrollIntoView({block: 'center'})",
            vec![json!(css)],
        )
        .await;
    if let Err(e) = element.click().await {
        panic!("could not click {css}: {e}");
    }
}

async fn type_into(c: &Client, css: &str, text: &str) {
    let element = wait(c, css).await;
    if let Err(e) = element.send_keys(text).await {
        panic!("could not type into {css}: {e}");
    }
}

async fn text(c: &Client, css: &str) -> String {
    wait(c, css).await.text().await.unwrap_or_default()
}

async fn until(c: &Client, what: &str, script: &str, args: Vec<Value>) {
    for _ in 0..100 {
        if crate::support::script_across_loads(c, script, args.clone())
            .await
            .ok()
            == Some(Value::Bool(true))
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    screenshot(c, "portal-desk-failure").await;
    panic!("timed out waiting for {what}");
}

/// A phone in `lang` that looked `order` up and sees its page.
async fn phone_at(order: &Order, lang: &str) -> Client {
    let c = browser_with(lang, 390, 844).await;
    if let Err(e) = c.goto(&format!("{}/", app().base)).await {
        panic!("could not open the portal: {e}");
    }
    type_into(&c, "[data-testid=lookup-number]", &order.number).await;
    type_into(&c, "[data-testid=lookup-contact]", &contact_of(order)).await;
    click(&c, "[data-testid=lookup-submit]").await;
    wait(&c, "[data-testid=request-form]").await;
    c
}

fn push(order: &Order, body: &Value) {
    let r = app().shop_system().post(
        &shared::api::routes::shop_order_tracking(&order.number),
        body,
    );
    assert_status(&r, 200);
}

/// The case id the page landed on.
async fn case_id(c: &Client) -> String {
    wait(c, "[data-testid=case-page]")
        .await
        .attr("data-case-id")
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_buyer_asks_where_the_parcel_is_and_reads_the_shops_answer() {
    for lang in LANGS {
        let order = order_on_its_way(&format!("wismo{}", &lang[..2]), 2);
        push(
            &order,
            &json!({"carrier": "SF Express", "number": "SF7788", "events": [
                {"at": now().0 - 30 * MS_PER_HOUR, "status": "已揽收", "location": "深圳"},
                {"at": now().0 - 6 * MS_PER_HOUR, "status": "到达杭州转运中心", "location": "杭州"}
            ]}),
        );
        let c = phone_at(&order, lang).await;
        let panel = text(&c, "[data-testid=parcel]").await;
        assert!(
            panel.contains("SF7788"),
            "{lang}: the tracking number: {panel}"
        );
        let scans = text(&c, "[data-testid=parcel-scans]").await;
        assert!(
            scans.find("到达杭州转运中心") < scans.find("已揽收"),
            "{lang}: newest scan first: {scans}"
        );
        assert!(
            c.find(Locator::Css("[data-testid=claim-reship]"))
                .await
                .is_err(),
            "{lang}: a moving parcel offers no claim without proof"
        );
        screenshot(&c, &format!("portal-desk-parcel-{lang}")).await;
        type_into(&c, "[data-testid=parcel-note]", "Gift for Friday").await;
        click(&c, "[data-testid=ask-parcel]").await;
        let case = case_id(&c).await;
        assert!(!case.is_empty(), "{lang}: landed on the question's page");

        let agent = staff(app(), AGENT);
        let answer = "Your parcel reached Hangzhou and arrives tomorrow / 明天送达";
        assert_status(
            &staff_command(&agent, &case, &json!({"type": "answer", "text": answer})),
            200,
        );
        c.refresh().await.ok();
        until(
            &c,
            "the shop's answer on the case page",
            "return document.body.innerText.includes(arguments[0])",
            vec![json!(answer)],
        )
        .await;
        screenshot(&c, &format!("portal-desk-answered-{lang}")).await;
        c.close().await.ok();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stalled_parcel_turns_into_a_reship_without_proof() {
    for lang in LANGS {
        let order = order_on_its_way(&format!("stall{}", &lang[..2]), 9);
        push(
            &order,
            &json!({"carrier": "YTO", "number": "YT5566", "events": [
                {"at": now().0 - 7 * 24 * MS_PER_HOUR, "status": "运输中", "location": "武汉"}
            ]}),
        );
        let c = phone_at(&order, lang).await;
        wait(&c, "[data-testid=parcel-status].notice").await;
        screenshot(&c, &format!("portal-desk-stalled-{lang}")).await;
        click(&c, "[data-testid=claim-reship]").await;
        until(
            &c,
            "the form filled in as a reship of a parcel that never arrived",
            "return document.querySelector('[data-testid=kind-reship]').checked \
             && document.querySelector('[data-testid=reason-not_received]').checked",
            vec![],
        )
        .await;
        assert!(
            c.find(Locator::Css("[data-testid=carrier-loss]"))
                .await
                .is_err(),
            "{lang}: no statement of loss is asked"
        );
        until(
            &c,
            "Send enabled",
            "return !document.querySelector('[data-testid=submit]').disabled",
            vec![],
        )
        .await;
        click(&c, "[data-testid=submit]").await;
        let case = case_id(&c).await;
        let buyer = buyer(&order);
        let filed = buyer.get(&format!("/api/buyer/cases/{case}"));
        assert_eq!(filed.json()["case"]["request"]["kind"], "reship");
        assert_eq!(
            filed.json()["case"]["request"]["carrier_confirms_loss"],
            false
        );
        assert_eq!(filed.json()["case"]["request"]["photos"], json!([]));
        c.close().await.ok();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_complaint_reaches_the_owner_first_in_the_queue() {
    for lang in LANGS {
        let order = order_on_its_way(&format!("cmpl{}", &lang[..2]), 2);
        let c = phone_at(&order, lang).await;
        click(&c, "[data-testid=complaint] summary").await;
        type_into(
            &c,
            "[data-testid=complaint-note]",
            "客服态度很差 / the agent hung up on me",
        )
        .await;
        screenshot(&c, &format!("portal-desk-complaint-{lang}")).await;
        click(&c, "[data-testid=complaint-send]").await;
        let case = case_id(&c).await;
        let owner = staff(app(), OWNER);
        let queue = owner.get("/api/staff/queue?limit=100");
        assert_status(&queue, 200);
        let items = queue.json()["items"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let at = items
            .iter()
            .position(|i| i["id"] == case.as_str())
            .expect("the complaint is on the owner's first page");
        assert_eq!(items[at]["priority_class"], 0, "{lang}: the dispute class");
        assert!(
            items[..at].iter().all(|i| i["priority_class"] == 0),
            "{lang}: only disputes before it"
        );
        let filed = owner.get(&format!("/api/staff/cases/{case}"));
        assert_eq!(filed.json()["deadline"]["waiting_for"]["role"], "owner");
        c.close().await.ok();
    }
}
