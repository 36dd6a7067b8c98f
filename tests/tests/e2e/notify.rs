//! The buyer is told when it is their move (issue 12 §1): a notification per milestone reaches
//! the shop's webhook (`buyer.notification`) and the built-in e-mail API exactly once, none goes
//! out in the shop's quiet hours (held, then sent by the cron once they end), and an open case
//! page shows the news without a reload.
//!
//! The delivery tests run their own `wrangler dev` with local receivers for the webhook and the
//! e-mail API, so they own the shop's settings (quiet hours) without touching the shared app.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use fantoccini::Locator;
use serde_json::{Value, json};
use shared::domain::Order;
use tests::{Api, TEST_API_KEY, Wrangler};

use crate::helpers::{RETURN_ADDRESS, assert_status, own_server};
use crate::support::{app, browser_with, fresh_orders, screenshot, webhook_receiver};

type Received = Arc<Mutex<Vec<(String, String)>>>;

/// A server of its own with a webhook and an e-mail receiver, the owner signed in.
struct Shop {
    server: Wrangler,
    owner: Api,
    hooks: Received,
    mails: Received,
}

impl Shop {
    fn start(tag: &str) -> Self {
        let hooks: Received = Arc::default();
        let mails: Received = Arc::default();
        let hook_url = webhook_receiver(hooks.clone());
        let mail_url = webhook_receiver(mails.clone());
        let (server, owner) = own_server(
            tag,
            &[
                ("WEBHOOK_URL", hook_url.as_str()),
                ("EMAIL_API_URL", mail_url.as_str()),
                ("EMAIL_API_KEY", "test-mail-key"),
                ("EMAIL_FROM", "shop@example.cn"),
                ("PORTAL_URL", "https://returns.example.cn"),
            ],
        );
        Self {
            server,
            owner,
            hooks,
            mails,
        }
    }

    /// Saves the policy with `quiet` hours (from, until) and the test shop's return address.
    fn quiet_hours(&self, (from, until): (i64, i64)) {
        let mut policy = self.owner.get("/api/staff/policy").json();
        policy["return_address"] = json!(RETURN_ADDRESS);
        policy["notify_quiet_from"] = json!(from);
        policy["notify_quiet_until"] = json!(until);
        assert_status(&self.owner.put("/api/staff/policy", &policy), 200);
    }

    /// The shirt order, imported; a buyer (English) who looked it up.
    fn shirt_buyer(&self, tag: &str) -> (Order, Api) {
        let orders = fresh_orders(tag);
        let shirt = orders
            .iter()
            .find(|o| o.number.starts_with(tests::fixtures::stories::SHIRT))
            .cloned()
            .expect("shirt order");
        let r = Api::new(&self.server.base)
            .with_bearer(TEST_API_KEY)
            .post("/api/shop/orders", &orders);
        assert_status(&r, 200);
        let r = Api::new(&self.server.base).post(
            "/api/lookup",
            &json!({"order_number": shirt.number, "contact": shirt.buyer.email}),
        );
        assert_status(&r, 200);
        let token = r.json()["token"].as_str().unwrap_or_default().to_string();
        (shirt, Api::new(&self.server.base).with_bearer(&token))
    }

    fn cron(&self) {
        let r = Api::new(&self.server.base).get("/__scheduled?cron=*/5+*+*+*+*");
        assert_eq!(r.status, 200, "cron: {}", String::from_utf8_lossy(&r.body));
    }
}

/// The notification bodies a receiver got for `case` (JSON), in arrival order.
fn got(received: &Received, case: &str) -> Vec<Value> {
    received
        .lock()
        .map(|r| r.clone())
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, body)| body.contains(case))
        .filter_map(|(_, body)| serde_json::from_str::<Value>(&body).ok())
        .filter(|v| v["type"] == "buyer.notification" || v.get("subject").is_some())
        .collect()
}

/// Waits until both receivers hold `n` notifications for `case`.
fn wait_for(shop: &Shop, case: &str, n: usize) {
    for _ in 0..60 {
        if got(&shop.hooks, case).len() >= n && got(&shop.mails, case).len() >= n {
            return;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    panic!(
        "expected {n} notifications for {case}; webhook got {:?}, e-mail got {:?}",
        got(&shop.hooks, case),
        got(&shop.mails, case)
    );
}

fn file_shirt(buyer: &Api) -> String {
    crate::helpers::file(buyer, &crate::helpers::shirt_return())
}

fn staff(shop: &Shop, case: &str, command: &Value) {
    let r = shop
        .owner
        .command(&format!("/api/staff/cases/{case}"), command);
    assert_status(&r, 200);
}

#[test]
fn each_milestone_reaches_the_webhook_and_the_email_exactly_once() {
    let shop = Shop::start("notify-once");
    // No quiet hours: this test may run at any hour.
    shop.quiet_hours((0, 0));
    let (shirt, buyer) = shop.shirt_buyer("ntf");
    let case = file_shirt(&buyer);
    let buyer_path = format!("/api/buyer/cases/{case}");

    // More proof asked → the buyer answers → approved with the return address → the buyer ships
    // → received (a passed inspection refunds and closes in the same commit).
    staff(
        &shop,
        &case,
        &json!({"type": "request_info", "question": "A photo of the label, please."}),
    );
    wait_for(&shop, &case, 1);
    let r = buyer.command(
        &buyer_path,
        &json!({"type": "answer_info", "note": "Here it is."}),
    );
    assert_status(&r, 200);
    staff(
        &shop,
        &case,
        &json!({"type": "approve", "solution": {"kind": "return_and_refund"}}),
    );
    wait_for(&shop, &case, 2);
    let r = buyer.command(
        &buyer_path,
        &json!({"type": "enter_return_tracking", "carrier": "SF Express", "tracking": "SF1234567890"}),
    );
    assert_status(&r, 200);
    staff(
        &shop,
        &case,
        &json!({"type": "receive", "inspection": {"passed": true}}),
    );
    wait_for(&shop, &case, 3);
    assert_eq!(buyer.get(&buyer_path).json()["state"], "closed");

    // The cron runs (twice): nothing is sent again.
    shop.cron();
    shop.cron();
    std::thread::sleep(Duration::from_secs(2));
    let hooks = got(&shop.hooks, &case);
    let mails = got(&shop.mails, &case);
    let milestones: Vec<&str> = hooks
        .iter()
        .map(|h| h["milestone"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(milestones, ["info_requested", "approved", "refunded"]);
    assert_eq!(mails.len(), 3, "{mails:?}");

    // The webhook: its own type, the buyer's language (the case was filed in English), the
    // buyer's contact for the shop's own sender, the absolute case link, signed like every
    // delivery with the milestone key as the delivery id.
    let approved = &hooks[1];
    assert_eq!(approved["lang"], "en");
    assert_eq!(approved["case_id"], case.as_str());
    assert_eq!(
        approved["buyer"]["email"],
        shirt.buyer.email.clone().unwrap_or_default()
    );
    assert_eq!(
        approved["url"],
        format!(
            "https://returns.example.cn/case/{case}?order={}",
            shirt.number
        )
    );
    let title = approved["title"].as_str().unwrap_or_default();
    assert!(
        title.starts_with("The shop approved your return — send it by "),
        "{title}"
    );
    assert!(
        approved["body"]
            .as_str()
            .unwrap_or_default()
            .contains(RETURN_ADDRESS)
    );
    let heads: Vec<String> = shop
        .hooks
        .lock()
        .map(|r| r.clone())
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, b)| b.contains("buyer.notification") && b.contains(&case))
        .map(|(h, _)| h.to_ascii_lowercase())
        .collect();
    assert!(
        heads
            .iter()
            .all(|h| h.contains("x-aftersales-signature: t="))
    );
    assert!(heads[1].contains(&format!(
        "x-aftersales-delivery: {}",
        approved["key"].as_str().unwrap_or_default().to_ascii_lowercase()
    )));

    // The e-mail: to the order's address, from the shop's, the title as subject, the link in the
    // text; authorised with the API key and keyed by the milestone for the provider.
    let mail = &mails[1];
    assert_eq!(mail["to"], shirt.buyer.email.clone().unwrap_or_default());
    assert_eq!(mail["from"], "shop@example.cn");
    assert_eq!(mail["subject"], approved["title"]);
    assert!(
        mail["text"]
            .as_str()
            .unwrap_or_default()
            .contains(&format!("https://returns.example.cn/case/{case}"))
    );
    let refund_mail = mails[2]["subject"].as_str().unwrap_or_default();
    assert!(refund_mail.starts_with("Refund of ¥"), "{refund_mail}");
    let mail_heads: Vec<String> = shop
        .mails
        .lock()
        .map(|r| r.clone())
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, b)| b.contains(&case))
        .map(|(h, _)| h.to_ascii_lowercase())
        .collect();
    assert!(
        mail_heads
            .iter()
            .all(|h| h.contains("authorization: bearer test-mail-key")
                && h.contains("idempotency-key: "))
    );
    shop.server.stop();
}

#[test]
fn nothing_goes_out_in_quiet_hours_and_the_cron_sends_it_once_they_end() {
    let shop = Shop::start("notify-night");
    // Quiet hours around now, in the shop's zone (UTC+8): it is "night" for the shop.
    let hour = (crate::support::now().0 / 3_600_000 + 8).rem_euclid(24);
    shop.quiet_hours((hour, (hour + 2) % 24));
    let (_, buyer) = shop.shirt_buyer("ntn");
    let case = file_shirt(&buyer);
    staff(
        &shop,
        &case,
        &json!({"type": "approve", "solution": {"kind": "return_and_refund"}}),
    );
    std::thread::sleep(Duration::from_secs(3));
    shop.cron();
    std::thread::sleep(Duration::from_secs(1));
    assert!(got(&shop.hooks, &case).is_empty(), "held at night");
    assert!(got(&shop.mails, &case).is_empty(), "held at night");

    // Morning: the quiet hours no longer cover now; the next cron run sends it, once.
    shop.quiet_hours(((hour + 2) % 24, (hour + 3) % 24));
    // (An isolate that did not see the save reads the settings again within a minute.)
    for _ in 0..40 {
        shop.cron();
        if !got(&shop.mails, &case).is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_secs(2));
    }
    wait_for(&shop, &case, 1);
    shop.cron();
    std::thread::sleep(Duration::from_secs(1));
    let hooks = got(&shop.hooks, &case);
    assert_eq!(hooks.len(), 1, "{hooks:?}");
    assert_eq!(hooks[0]["milestone"], "approved");
    assert_eq!(got(&shop.mails, &case).len(), 1);
    shop.server.stop();
}

/// The shop approves while the buyer has the case page open: the approval shows at the top and
/// in the tab's title without a reload, in the page's language.
async fn approval_shows_on_the_open_page(lang: &str, expect: &str) {
    let orders = crate::helpers::orders(&format!("ntp{}", &lang[..2]));
    let shirt = crate::helpers::story(&orders, tests::fixtures::stories::SHIRT).clone();
    let buyer = crate::helpers::buyer(&shirt).with_lang(lang);
    let case = file_shirt(&buyer);
    let c = browser_with(lang, 390, 844).await;
    let base = app().base.clone();
    let open = |path: String| {
        let (c, base) = (c.clone(), base.clone());
        async move {
            if let Err(e) = c.goto(&format!("{base}{path}")).await {
                panic!("could not open {path}: {e}");
            }
        }
    };
    // The browser looks the order up (its token), then opens the case.
    open("/".into()).await;
    let contact = crate::helpers::contact_of(&shirt);
    for (css, text) in [
        ("[data-testid=lookup-number]", shirt.number.as_str()),
        ("[data-testid=lookup-contact]", contact.as_str()),
    ] {
        let field = crate::support::element_across_loads(&c, css, Duration::from_secs(20))
            .await
            .expect(css);
        field.send_keys(text).await.expect("type");
    }
    c.find(Locator::Css("[data-testid=lookup-submit]"))
        .await
        .expect("submit")
        .click()
        .await
        .expect("click");
    crate::support::element_across_loads(
        &c,
        "[data-testid=order-summary]",
        Duration::from_secs(20),
    )
    .await
    .expect("order page");
    open(format!("/case/{case}?order={}", shirt.number)).await;
    crate::support::element_across_loads(&c, "[data-testid=case-page]", Duration::from_secs(20))
        .await
        .expect("case page");
    assert!(
        c.find(Locator::Css("[data-testid=news]")).await.is_err(),
        "no news at first"
    );

    let agent = crate::helpers::staff(app(), crate::helpers::AGENT);
    assert_status(
        &crate::helpers::staff_command(
            &agent,
            &case,
            &json!({"type": "approve", "solution": {"kind": "return_and_refund"}}),
        ),
        200,
    );
    // The page reads the case again on its own (every 15 s while visible).
    let news =
        crate::support::element_across_loads(&c, "[data-testid=news]", Duration::from_secs(40))
            .await
            .expect("the approval notice");
    let text = news.text().await.unwrap_or_default();
    assert!(text.starts_with(expect), "{text}");
    let title = c.title().await.unwrap_or_default();
    assert!(title.contains(expect), "{title}");
    screenshot(&c, &format!("notify-news-{lang}")).await;
    // Server state agrees: the case awaits the return.
    assert_eq!(
        buyer.get(&format!("/api/buyer/cases/{case}")).json()["state"],
        "awaiting_return"
    );
    let _ = c.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_open_case_page_shows_the_approval_without_a_reload_in_english() {
    approval_shows_on_the_open_page("en", "The shop approved your return — send it by ").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_open_case_page_shows_the_approval_without_a_reload_in_chinese() {
    approval_shows_on_the_open_page("zh-CN", "商家已同意退货，请在").await;
}
