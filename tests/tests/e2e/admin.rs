//! The seller admin in headless Chromium at a phone viewport (390×844), worked by an agent, a
//! warehouse user and an owner through the pages alone (the API only sets the scene: a buyer
//! filing, or someone else acting meanwhile). Taps are counted where the issue sets a budget.
//! Screens are saved under `test-artifacts/screenshots/admin-*.png` in both languages.
//!
//! Tests whose point is the queue's order and contents run on a server of their own, so other
//! tests' cases do not crowd the first page; the rest share the test binary's server.

use std::cell::Cell;
use std::time::Duration;

use fantoccini::Client;
use fantoccini::elements::Element;
use serde_json::{Value, json};
use shared::domain::Order;
use tests::{Api, TEST_API_KEY, Wrangler};

use crate::helpers::{AGENT, OWNER, WAREHOUSE, assert_status, contact_of, login, shirt_return};
use crate::support::{app, browser_with, fresh_orders, screenshot, unique};

const WAIT: Duration = Duration::from_secs(20);

/// A shop on a server: the base URL, and the server when it is this test's own.
pub(crate) struct Shop {
    pub(crate) base: String,
    _own: Option<Wrangler>,
}

impl Shop {
    /// The test binary's shared server (accounts created by the API tests' helper).
    pub(crate) fn shared() -> Self {
        let _ = crate::helpers::staff(app(), AGENT);
        Self {
            base: app().base.clone(),
            _own: None,
        }
    }

    /// A server of this test's own, with the three demo accounts.
    pub(crate) fn own(name: &str) -> Self {
        let server = match Wrangler::start_fresh(&unique(name)) {
            Ok(s) => s,
            Err(e) => panic!("could not start wrangler dev: {e}"),
        };
        let shop = Self {
            base: server.base.clone(),
            _own: Some(server),
        };
        let system = Api::new(&shop.base).with_bearer(TEST_API_KEY);
        let boot =
            json!({"email": OWNER.0, "name": "Owner Lin", "role": "owner", "password": OWNER.1});
        assert_status(&system.post("/api/shop/bootstrap", &boot), 201);
        let owner = login(&shop.base, OWNER.0, OWNER.1);
        for (role, name, (email, password)) in [
            ("agent", "Agent Mei", AGENT),
            ("warehouse", "Warehouse Zhang", WAREHOUSE),
        ] {
            let body = json!({"email": email, "name": name, "role": role, "password": password});
            assert_status(&owner.post("/api/staff/accounts", &body), 201);
        }
        shop
    }

    /// This test's own server, taken out to stop and start it again.
    pub(crate) fn take_server(&mut self) -> Option<Wrangler> {
        self._own.take()
    }

    pub(crate) fn import(&self, orders: &[Order]) {
        let system = Api::new(&self.base).with_bearer(TEST_API_KEY);
        assert_status(&system.post("/api/shop/orders", &orders), 200);
    }

    pub(crate) fn staff(&self, who: (&str, &str)) -> Api {
        login(&self.base, who.0, who.1)
    }

    pub(crate) fn buyer(&self, order: &Order) -> Api {
        let r = Api::new(&self.base).post(
            "/api/lookup",
            &json!({"order_number": order.number, "contact": contact_of(order)}),
        );
        assert_status(&r, 200);
        let token = r.json()["token"].as_str().unwrap_or_default().to_string();
        Api::new(&self.base).with_bearer(&token)
    }

    /// Files a case; its id.
    pub(crate) fn file(&self, order: &Order, request: &Value) -> String {
        let buyer = self.buyer(order);
        let body = serde_json::to_vec(request).unwrap_or_default();
        let key = unique("k");
        let r = buyer.send(
            "POST",
            "/api/buyer/cases",
            Some(("application/json", body)),
            &[("Idempotency-Key", &key)],
        );
        assert_status(&r, 201);
        r.json()["case"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub(crate) fn case(&self, staff: &Api, id: &str) -> Value {
        staff.get(&format!("/api/staff/cases/{id}")).json()
    }
}

/// The admin as a member of staff sees it, counting their taps.
pub(crate) struct Desk {
    c: Client,
    base: String,
    taps: Cell<u32>,
    lang: &'static str,
}

impl Desk {
    pub(crate) async fn open_at(shop: &Shop, lang: &'static str) -> Self {
        Self {
            c: browser_with(lang, 390, 844).await,
            base: shop.base.clone(),
            taps: Cell::new(0),
            lang,
        }
    }

    pub(crate) async fn go(&self, path: &str) {
        if let Err(e) = self.c.goto(&format!("{}{path}", self.base)).await {
            panic!("could not open {path}: {e}");
        }
    }

    pub(crate) async fn wait(&self, css: &str) -> Element {
        match crate::support::element_across_loads(&self.c, css, WAIT).await {
            Ok(e) => e,
            Err(e) => {
                screenshot(&self.c, "admin-failure").await;
                panic!("{css} never appeared: {e}");
            }
        }
    }

    pub(crate) async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        match crate::support::script_across_loads(&self.c, script, args).await {
            Ok(v) => v,
            Err(e) => panic!("script failed: {e}"),
        }
    }

    /// A tap on what `css` selects (counted).
    pub(crate) async fn tap(&self, css: &str) {
        let element = self.wait(css).await;
        self.js(
            "document.querySelector(arguments[0]).scrollIntoView({block: 'center'})",
            vec![json!(css)],
        )
        .await;
        if let Err(e) = element.click().await {
            screenshot(&self.c, "admin-failure").await;
            panic!("could not tap {css}: {e}");
        }
        self.taps.set(self.taps.get() + 1);
    }

    pub(crate) async fn type_into(&self, css: &str, text: &str) {
        let element = self.wait(css).await;
        let _ = element.clear().await;
        if let Err(e) = element.send_keys(text).await {
            panic!("could not type into {css}: {e}");
        }
    }

    pub(crate) async fn text(&self, css: &str) -> String {
        self.wait(css).await.text().await.unwrap_or_default()
    }

    pub(crate) async fn exists(&self, css: &str) -> bool {
        self.js(
            "return !!document.querySelector(arguments[0])",
            vec![json!(css)],
        )
        .await
            == Value::Bool(true)
    }

    pub(crate) async fn until(&self, what: &str, script: &str) {
        for _ in 0..100 {
            if self.js(script, vec![]).await == Value::Bool(true) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        screenshot(&self.c, "admin-failure").await;
        panic!("timed out waiting for {what}");
    }

    /// Signs in through the sign-in screen (not counted: it happens once a day).
    pub(crate) async fn sign_in(&self, who: (&str, &str)) {
        self.type_into("[data-testid=signin-email]", who.0).await;
        self.type_into("[data-testid=signin-password]", who.1).await;
        let before = self.taps.get();
        self.tap("[data-testid=signin-submit]").await;
        self.taps.set(before);
        self.wait("[data-testid=tabbar]").await;
    }

    /// Opens `path` and signs in on the way.
    pub(crate) async fn signed_in(
        shop: &Shop,
        who: (&str, &str),
        lang: &'static str,
        path: &str,
    ) -> Self {
        let desk = Self::open_at(shop, lang).await;
        desk.go(path).await;
        desk.wait("[data-testid=signin-form]").await;
        desk.sign_in(who).await;
        desk
    }

    /// The browser's cookie for the staff session, as a header value (`name=value`).
    pub(crate) async fn session_cookie(&self) -> Option<String> {
        let cookies = self.c.get_all_cookies().await.unwrap_or_default();
        cookies
            .iter()
            .find(|c| c.name().contains("session"))
            .map(|c| format!("{}={}", c.name(), c.value()))
    }

    pub(crate) async fn shot(&self, name: &str) {
        screenshot(&self.c, &format!("admin-{name}-{}", self.lang)).await;
    }

    pub(crate) async fn close(self) {
        let _ = self.c.close().await;
    }
}

pub(crate) fn find<'a>(orders: &'a [Order], prefix: &str) -> &'a Order {
    match orders.iter().find(|o| o.number.starts_with(prefix)) {
        Some(o) => o,
        None => panic!("no order {prefix}"),
    }
}

/// The book story's "never arrived" as a plain refund: low-risk by the policy.
pub(crate) fn lost_book_refund() -> Value {
    json!({"kind": "refund_only", "reason": "not_received",
           "lines": [{"sku": "BOOK-RUST-2E", "quantity": 1}], "note": "Tracking has not moved."})
}

/// `n` fresh copies of the book order (each its own order number).
pub(crate) fn book_orders(tag: &str, n: usize) -> Vec<Order> {
    let book = find(&fresh_orders(tag), tests::fixtures::stories::BOOK).clone();
    (0..n)
        .map(|i| {
            let mut o = book.clone();
            o.number = format!("{}-{i}", book.number);
            o
        })
        .collect()
}

#[tokio::test]
async fn an_agent_approves_a_low_risk_refund_from_the_queue_in_three_taps() {
    let shop = Shop::own("admin-taps");
    let orders = book_orders("taps", 1);
    shop.import(&orders);
    let id = shop.file(&orders[0], &lost_book_refund());
    let desk = Desk::signed_in(&shop, AGENT, "en", "/admin").await;
    let row = format!("[data-testid=queue-row][data-case='{id}']");
    desk.wait(&row).await;
    assert_eq!(
        desk.js(
            &format!("return document.querySelector(\"{row}\").dataset.lowRisk"),
            vec![]
        )
        .await,
        json!("true"),
        "a lost-parcel refund under the limits is low-risk"
    );
    let countdown = desk.text(&format!("{row} [data-testid=countdown]")).await;
    assert!(
        countdown.starts_with("auto-"),
        "the row says what happens at the deadline: {countdown}"
    );
    desk.shot("queue").await;

    desk.tap(&format!("{row} a")).await;
    desk.tap("[data-testid=action-approve]").await;
    let amount = desk.text("[data-testid=confirm-amount]").await;
    assert!(
        amount.contains("$44.98") || amount.contains("$"),
        "the refund's amount is shown before it moves: {amount}"
    );
    desk.shot("approve-sheet").await;
    desk.tap("[data-testid=sheet-confirm]").await;
    desk.wait("[data-testid=done]").await;
    assert!(desk.taps.get() <= 3, "took {} taps", desk.taps.get());
    let agent = shop.staff(AGENT);
    let state = shop.case(&agent, &id)["state"].clone();
    assert_eq!(
        state,
        json!("closed"),
        "the refund-only case was refunded and closed"
    );
    desk.shot("case").await;
    desk.close().await;
}

#[tokio::test]
async fn an_owner_batch_approves_twenty_low_risk_cases_in_at_most_six_taps() {
    let shop = Shop::own("admin-batch");
    let orders = book_orders("batch", 22);
    shop.import(&orders);
    let mut ids = Vec::new();
    for order in &orders[..21] {
        ids.push(shop.file(order, &lost_book_refund()));
    }
    // A threat of a bad review takes a case out of any batch.
    let risky = shop.file(
        &orders[21],
        &json!({"kind": "refund_only", "reason": "not_received",
                "lines": [{"sku": "BOOK-RUST-2E", "quantity": 1}], "note": "Refund now or I post a bad review 差评"}),
    );
    let desk = Desk::signed_in(&shop, OWNER, "en", "/admin").await;
    desk.until(
        "22 rows",
        "return document.querySelectorAll('[data-testid=queue-row]').length >= 22",
    )
    .await;
    desk.tap("[data-testid=batch-start]").await;
    desk.tap("[data-testid=batch-review]").await;
    let count = desk.text("[data-testid=batch-count]").await;
    assert!(count.starts_with("20 "), "the case cap (20) binds: {count}");
    let sheet = desk.text("[data-testid=batch-sheet]").await;
    assert!(
        sheet.contains("At most 20 cases"),
        "the shop's caps come with the queue: {sheet}"
    );
    desk.shot("batch-sheet").await;
    desk.tap("[data-testid=batch-confirm]").await;
    let tally = desk.text("[data-testid=batch-tally]").await;
    assert!(
        tally.starts_with("20 approved · 0 changed meanwhile · 0 refused"),
        "{tally}"
    );
    assert!(desk.taps.get() <= 6, "took {} taps", desk.taps.get());
    desk.shot("batch-results").await;
    let owner = shop.staff(OWNER);
    let closed = ids
        .iter()
        .filter(|id| shop.case(&owner, id)["state"] == json!("closed"))
        .count();
    assert_eq!(
        closed, 20,
        "twenty of the 21 low-risk cases were approved and refunded"
    );
    assert_eq!(
        shop.case(&owner, &risky)["state"],
        json!("awaiting_review"),
        "the risky case waits"
    );
    desk.close().await;
}

#[tokio::test]
async fn a_batch_over_the_caps_or_with_a_risky_case_is_refused_by_the_server() {
    let shop = Shop::shared();
    let orders = book_orders("batchapi", 2);
    shop.import(&orders);
    let safe = shop.file(&orders[0], &lost_book_refund());
    let risky = shop.file(
        &orders[1],
        &json!({"kind": "refund_only", "reason": "not_received",
                "lines": [{"sku": "BOOK-RUST-2E", "quantity": 1}], "note": "差评 if not refunded today"}),
    );
    let agent = shop.staff(AGENT);
    let version = |id: &str| shop.case(&agent, id)["version"].as_u64().unwrap_or(0);
    // A stale version is reported per case and changes nothing.
    let body = json!({"cases": [{"id": safe, "version": version(&safe) + 7}, {"id": risky, "version": version(&risky)}]});
    let r = agent.post("/api/staff/batch-approve", &body);
    assert_status(&r, 200);
    let results = r.json()["results"].clone();
    assert_eq!(results[0]["outcome"], json!("changed"));
    assert_eq!(results[1]["outcome"], json!("refused"));
    assert_eq!(shop.case(&agent, &safe)["state"], json!("awaiting_review"));
    // More cases than the cap is one refusal, before anything is read.
    let many: Vec<Value> = (0..21)
        .map(|i| json!({"id": format!("AS-NOPE-{i}"), "version": 1}))
        .collect();
    let r = agent.post("/api/staff/batch-approve", &json!({ "cases": many }));
    assert_status(&r, 422);
    assert_eq!(r.code(), "batch_too_many_cases");
    // A warehouse user may not approve at all.
    let warehouse = shop.staff(WAREHOUSE);
    let r = warehouse.post(
        "/api/staff/batch-approve",
        &json!({"cases": [{"id": safe, "version": 1}]}),
    );
    assert_status(&r, 403);
}

#[tokio::test]
async fn the_warehouse_finds_a_return_by_its_waybill_and_inspects_it() {
    let shop = Shop::shared();
    let orders = fresh_orders("waybill");
    shop.import(&orders);
    let shirt = find(&orders, tests::fixtures::stories::SHIRT);
    let id = shop.file(shirt, &shirt_return());
    let agent = shop.staff(AGENT);
    let r = agent.command(
        &format!("/api/staff/cases/{id}"),
        &json!({"type": "approve", "solution": {"kind": "return_and_refund"}}),
    );
    assert_status(&r, 200);
    let waybill = format!("SF{}", unique("7"));
    let buyer = shop.buyer(shirt);
    let r = buyer.command(
        &format!("/api/buyer/cases/{id}"),
        &json!({"type": "enter_return_tracking", "carrier": "SF Express", "tracking": waybill}),
    );
    assert_status(&r, 200);

    let desk = Desk::signed_in(&shop, WAREHOUSE, "en", "/admin/receive").await;
    desk.wait("[data-testid=receive]").await;
    desk.type_into("[data-testid=waybill-input]", "NO-SUCH-WAYBILL-1")
        .await;
    desk.tap("[data-testid=waybill-find]").await;
    let unknown = desk.text("[data-testid=waybill-unknown]").await;
    assert!(
        unknown.contains("NOSUCHWAYBILL1"),
        "an unknown number says so: {unknown}"
    );
    desk.shot("receive").await;

    // Typed as a phone keyboard would: lower case, with a space.
    let typed = format!("{} {}", waybill[..4].to_lowercase(), &waybill[4..]);
    desk.type_into("[data-testid=waybill-input]", &typed).await;
    desk.tap("[data-testid=waybill-find]").await;
    desk.wait("[data-testid=case-head]").await;
    assert!(desk.text(".case-id").await.contains(&id));
    assert!(
        !desk.exists("[data-testid=action-approve]").await,
        "the warehouse never sees approve"
    );
    desk.tap("[data-testid=action-receive]").await;
    desk.tap("[data-testid=inspect-pass]").await;
    desk.tap("[data-testid=sheet-confirm]").await;
    desk.wait("[data-testid=done]").await;
    let state = shop.case(&agent, &id)["state"].clone();
    assert_ne!(
        state,
        json!("return_in_transit"),
        "the inspection moved the case on: {state}"
    );
    desk.close().await;
}

#[tokio::test]
async fn a_stale_decision_is_refused_and_the_case_shown_as_it_is_now() {
    let shop = Shop::shared();
    let orders = fresh_orders("stale");
    shop.import(&orders);
    let shirt = find(&orders, tests::fixtures::stories::SHIRT);
    let id = shop.file(shirt, &shirt_return());
    // The owner has the case open too: the agent is told, so two people do not work it twice.
    let owner = shop.staff(OWNER);
    assert_status(
        &owner.post(&format!("/api/staff/cases/{id}/presence"), &json!(null)),
        200,
    );
    let desk = Desk::signed_in(&shop, AGENT, "en", &format!("/admin/case/{id}")).await;
    desk.wait("[data-testid=action-approve]").await;
    let also = desk.text("[data-testid=also-open]").await;
    assert!(also.contains("Owner"), "{also}");
    // Meanwhile another agent asks the buyer for a photo.
    let other = shop.staff(AGENT);
    let r = other.command(
        &format!("/api/staff/cases/{id}"),
        &json!({"type": "request_info", "question": "A photo of the label, please."}),
    );
    assert_status(&r, 200);
    desk.tap("[data-testid=action-approve]").await;
    desk.tap("[data-testid=sheet-confirm]").await;
    let stale = desk.text("[data-testid=stale]").await;
    assert!(
        stale.contains("changed") || stale.contains("updated"),
        "{stale}"
    );
    desk.until(
        "the new state",
        "return document.querySelector('[data-testid=case-state]').textContent.includes('info')",
    )
    .await;
    let state = shop.case(&other, &id)["state"].clone();
    assert_eq!(
        state,
        json!("info_requested"),
        "the stale approval changed nothing"
    );
    desk.shot("stale").await;
    desk.close().await;
}

#[tokio::test]
async fn an_expired_session_signs_in_and_returns_to_the_case_with_the_draft() {
    let shop = Shop::shared();
    let orders = fresh_orders("expire");
    shop.import(&orders);
    let shirt = find(&orders, tests::fixtures::stories::SHIRT);
    let id = shop.file(shirt, &shirt_return());
    let desk = Desk::signed_in(&shop, AGENT, "en", &format!("/admin/case/{id}")).await;
    desk.wait("[data-testid=message-input]").await;
    desk.type_into("[data-testid=message-input]", "Sorry for the trouble, we")
        .await;
    // The session ends (signed out from another tab): the next call answers 401.
    let cookies = desk.c.get_all_cookies().await.unwrap_or_default();
    let session = cookies
        .iter()
        .find(|c| c.name().contains("session"))
        .map(|c| format!("{}={}", c.name(), c.value()));
    let mut elsewhere = Api::new(&shop.base);
    elsewhere.cookie = session;
    elsewhere.csrf = elsewhere.get("/api/staff/me").json()["csrf_token"]
        .as_str()
        .map(str::to_string);
    assert_status(&elsewhere.post("/api/staff/logout", &json!({})), 200);
    desk.tap("[data-testid=canned]").await;
    desk.wait("[data-testid=signin-form]").await;
    let url = desk
        .c
        .current_url()
        .await
        .map(|u| u.to_string())
        .unwrap_or_default();
    assert!(
        url.contains("/admin/signin?next=%2Fadmin%2Fcase%2F"),
        "{url}"
    );
    desk.sign_in(AGENT).await;
    desk.wait("[data-testid=case-head]").await;
    let draft = desk
        .js(
            "return document.querySelector('[data-testid=message-input]').value",
            vec![],
        )
        .await;
    assert_eq!(
        draft,
        json!("Sorry for the trouble, we"),
        "what was typed survives the sign-in"
    );
    desk.close().await;
}

#[tokio::test]
async fn the_admin_speaks_chinese_to_a_chinese_browser_and_switches() {
    let shop = Shop::shared();
    let orders = fresh_orders("zhdesk");
    shop.import(&orders);
    let phone = find(&orders, tests::fixtures::stories::PHONE);
    let id = shop.file(
        phone,
        &json!({"kind": "exchange", "reason": "damaged_in_transit",
                "lines": [{"sku": "PHONE-X12-256", "quantity": 1}],
                "note": "屏幕有划痕，再不处理就给差评。", "intact_confirmed": true}),
    );
    let desk = Desk::signed_in(&shop, AGENT, "zh-CN", "/admin").await;
    assert!(desk.text("[data-testid=tab-queue]").await.contains("待办"));
    desk.wait("[data-testid=queue-row]").await;
    desk.shot("queue").await;
    desk.go(&format!("/admin/case/{id}")).await;
    desk.wait("[data-testid=case-head]").await;
    let chips = desk.text("[data-testid=case-head]").await;
    assert!(
        chips.contains("差评/投诉风险"),
        "the threat is a chip: {chips}"
    );
    desk.shot("case").await;
    desk.go("/admin/receive").await;
    desk.wait("[data-testid=receive]").await;
    desk.shot("receive").await;
    desk.go("/admin/me").await;
    desk.tap("[data-testid=lang-en]").await;
    assert!(desk.text("[data-testid=tab-queue]").await.contains("Queue"));
    desk.close().await;
}

#[tokio::test]
async fn the_batch_sheet_and_receive_screen_in_chinese() {
    let shop = Shop::own("admin-zh");
    let orders = book_orders("zhbatch", 3);
    shop.import(&orders);
    for order in &orders {
        shop.file(order, &lost_book_refund());
    }
    let desk = Desk::signed_in(&shop, AGENT, "zh-CN", "/admin").await;
    desk.until(
        "3 rows",
        "return document.querySelectorAll('[data-testid=queue-row]').length >= 3",
    )
    .await;
    desk.tap("[data-testid=batch-start]").await;
    desk.tap("[data-testid=batch-review]").await;
    let count = desk.text("[data-testid=batch-count]").await;
    assert!(count.starts_with("3 "), "{count}");
    desk.shot("batch-sheet").await;
    desk.close().await;
}

#[tokio::test]
async fn pages_served_under_admin_are_the_admin_with_its_security_headers() {
    let shop = Shop::shared();
    let api = Api::new(&shop.base);
    // `/admin` itself moves to `/admin/`, the service worker's scope.
    let bare = api.get("/admin?x=1");
    assert_status(&bare, 308);
    assert!(
        bare.header("location")
            .is_some_and(|l| l.ends_with("/admin/?x=1")),
        "{:?}",
        bare.header("location")
    );
    // The daily admin's page and the owner's desk's, each for its own screens.
    for (path, bin) in [
        ("/admin/", "/admin/admin-"),
        ("/admin/case/AS-DEEP-LINK", "/admin/admin-"),
        ("/admin/receive", "/admin/admin-"),
        ("/admin/analytics", "/admin/desk/desk-"),
        ("/admin/settings", "/admin/desk/desk-"),
    ] {
        let r = api.get(path);
        assert_status(&r, 200);
        let html = String::from_utf8_lossy(&r.body).to_string();
        assert!(html.contains("售后工作台"), "{path} is the admin's page");
        assert!(html.contains(bin), "{path} loads {bin}…");
        let csp = r
            .header("content-security-policy")
            .unwrap_or_default()
            .to_string();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        // Both apps' inline loaders are allowed by hash, nothing else inline.
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert!(csp.matches("'sha256-").count() >= 3, "{path}: {csp}");
    }
    // The portal still answers its own paths.
    let portal = String::from_utf8_lossy(&api.get("/order/X").body).to_string();
    assert!(!portal.contains("售后工作台"));
}

#[tokio::test]
async fn an_agent_offers_a_partial_refund_and_the_buyer_accepts_it_in_the_portal() {
    let shop = Shop::shared();
    let orders = fresh_orders("offer");
    shop.import(&orders);
    let shirt = find(&orders, tests::fixtures::stories::SHIRT);
    let id = shop.file(
        shirt,
        &json!({"kind": "return_and_refund", "reason": "quality_fault",
                "lines": [{"sku": "SHIRT-OX-L", "quantity": 1}],
                "note": "A seam came loose after one wash.", "intact_confirmed": true}),
    );
    let desk = Desk::signed_in(&shop, AGENT, "en", &format!("/admin/case/{id}")).await;
    desk.tap("[data-testid=action-offer]").await;
    desk.type_into("[data-testid=offer-amount]", "50").await;
    desk.type_into(
        "[data-testid=offer-note]",
        "Sorry about the seam: keep the shirt, with 50 back?",
    )
    .await;
    desk.shot("offer-sheet").await;
    desk.tap("[data-testid=sheet-confirm]").await;
    desk.wait("[data-testid=done]").await;
    let agent = shop.staff(AGENT);
    assert_eq!(shop.case(&agent, &id)["state"], json!("offer_pending"));
    desk.close().await;

    // The buyer answers on their phone, in the portal.
    let buyer = Desk::open_at(&shop, "en").await;
    buyer.go("/").await;
    buyer
        .type_into("[data-testid=lookup-number]", &shirt.number)
        .await;
    buyer
        .type_into("[data-testid=lookup-contact]", &contact_of(shirt))
        .await;
    buyer.tap("[data-testid=lookup-submit]").await;
    buyer.tap("[data-testid=case-link]").await;
    let offer = buyer.text("[data-testid=offer]").await;
    assert!(offer.contains("50"), "the portal shows the offer: {offer}");
    buyer.tap("[data-testid=accept-offer]").await;
    buyer
        .until(
            "the case to close",
            "return document.querySelector('[data-testid=status-chip]')?.dataset.state === 'closed'",
        )
        .await;
    let after = shop.case(&agent, &id);
    assert_eq!(after["state"], json!("closed"));
    assert_eq!(
        after["refund"]["total"],
        json!(5000),
        "the agreed 50.00, not the full price"
    );
    buyer.close().await;
}

#[tokio::test]
async fn an_agent_cannot_push_a_large_refund_through_alone_and_the_owner_applies_it() {
    let shop = Shop::shared();
    let orders = fresh_orders("bigmoney");
    shop.import(&orders);
    let phone = find(&orders, tests::fixtures::stories::PHONE);
    let id = shop.file(
        phone,
        &json!({"kind": "return_and_refund", "reason": "damaged_in_transit",
                "lines": [{"sku": "PHONE-X12-256", "quantity": 1}],
                "note": "The screen arrived cracked.", "intact_confirmed": true}),
    );
    let desk = Desk::signed_in(&shop, AGENT, "en", &format!("/admin/case/{id}")).await;
    desk.tap("[data-testid=action-approve]").await;
    desk.tap("[data-testid=sheet-confirm]").await;
    desk.wait("[data-testid=done]").await;
    let agent = shop.staff(AGENT);
    assert_eq!(
        shop.case(&agent, &id)["state"],
        json!("awaiting_owner_approval"),
        "over the agent's ¥2,000 limit the approval is only a proposal"
    );
    assert!(
        !desk.exists("[data-testid=action-approve_proposal]").await,
        "the agent has no way to apply it"
    );
    let r = agent.command(
        &format!("/api/staff/cases/{id}"),
        &json!({"type": "approve_proposal"}),
    );
    assert_status(&r, 403);
    desk.close().await;

    let owner = Desk::signed_in(&shop, OWNER, "en", &format!("/admin/case/{id}")).await;
    let chips = owner.text("[data-testid=case-head]").await;
    assert!(chips.contains("Owner to approve"), "{chips}");
    owner.tap("[data-testid=action-approve_proposal]").await;
    let amount = owner.text("[data-testid=confirm-amount]").await;
    assert!(
        amount.contains("3,799.00"),
        "the owner sees the money before applying it: {amount}"
    );
    owner.shot("proposal").await;
    owner.tap("[data-testid=sheet-confirm]").await;
    owner.wait("[data-testid=done]").await;
    assert_eq!(shop.case(&agent, &id)["state"], json!("awaiting_return"));
    owner.close().await;
}
