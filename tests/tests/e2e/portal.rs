//! The buyer portal in headless Chromium at a phone viewport (390×844), doing the seeds' stories
//! as a buyer would: look the order up, pick lines, kind and reason, watch the policy's preview,
//! attach photos, send once, and follow the case. Every test imports its own orders (numbers
//! made unique), and each main screen is saved under `test-artifacts/screenshots/portal-*.png`.

use std::time::Duration;

use fantoccini::Client;
use fantoccini::elements::Element;
use serde_json::{Value, json};
use shared::domain::Order;
use tests::Api;

use crate::support::{
    app, browser, browser_with, element_across_loads, fresh_orders, screenshot, script_across_loads,
};

const WAIT: Duration = Duration::from_secs(20);

/// The portal as the buyer sees it: one browser, the app's address, and what a buyer does.
struct Portal {
    c: Client,
    base: String,
}

impl Portal {
    async fn new() -> Self {
        Self {
            c: browser().await,
            base: app().base.clone(),
        }
    }

    /// A phone whose browser prefers `lang`.
    async fn in_language(lang: &str) -> Self {
        Self {
            c: browser_with(lang, 390, 844).await,
            base: app().base.clone(),
        }
    }

    async fn open(&self, path: &str) {
        if let Err(e) = self.c.goto(&format!("{}{path}", self.base)).await {
            panic!("could not open {path}: {e}");
        }
    }

    async fn wait(&self, css: &str) -> Element {
        match element_across_loads(&self.c, css, WAIT).await {
            Ok(e) => e,
            Err(e) => {
                screenshot(&self.c, "portal-failure").await;
                panic!("{css} never appeared: {e}");
            }
        }
    }

    async fn text(&self, css: &str) -> String {
        self.wait(css).await.text().await.unwrap_or_default()
    }

    async fn attr(&self, css: &str, name: &str) -> String {
        self.wait(css)
            .await
            .attr(name)
            .await
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    async fn click(&self, css: &str) {
        let element = self.wait(css).await;
        // Clear of the sticky header and action bar, as a thumb would scroll it.
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

    /// Scrolls an element to the middle of the screen (for a screenshot of it).
    async fn show(&self, css: &str) {
        self.wait(css).await;
        self.js(
            "document.querySelector(arguments[0]).scrollIntoView({block: 'center'})",
            vec![json!(css)],
        )
        .await;
    }

    async fn type_into(&self, css: &str, text: &str) {
        let element = self.wait(css).await;
        let _ = element.clear().await;
        if let Err(e) = element.send_keys(text).await {
            panic!("could not type into {css}: {e}");
        }
    }

    async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        match script_across_loads(&self.c, script, args).await {
            Ok(v) => v,
            Err(e) => panic!("script failed: {e}"),
        }
    }

    /// Waits until a script returns true.
    async fn until(&self, what: &str, script: &str) {
        for _ in 0..100 {
            if self.js(script, vec![]).await == Value::Bool(true) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        screenshot(&self.c, "portal-failure").await;
        panic!("timed out waiting for {what}");
    }

    /// A phone browser (in `lang`, else English) that looked up a fresh copy of the demo order
    /// `number` (imported under `tag`); the order as imported.
    async fn at_order(tag: &str, number: &str, lang: Option<&str>) -> (Self, Order) {
        let orders = imported(tag);
        let order = find(&orders, number).clone();
        let portal = match lang {
            Some(lang) => Self::in_language(lang).await,
            None => Self::new().await,
        };
        portal.lookup(&order.number, &contact(&order)).await;
        (portal, order)
    }

    /// Looks an order up with its number and the e-mail or phone on it.
    async fn lookup(&self, number: &str, contact: &str) {
        self.open("/").await;
        self.type_into("[data-testid=lookup-number]", number).await;
        self.type_into("[data-testid=lookup-contact]", contact)
            .await;
        self.click("[data-testid=lookup-submit]").await;
    }

    /// Ticks a line of the order.
    async fn pick_line(&self, sku: &str) {
        self.click(&format!("label[for='pick-{sku}']")).await;
    }

    async fn pick_kind(&self, kind: &str) {
        self.click(&format!("label[for='kind-{kind}']")).await;
    }

    async fn pick_reason(&self, reason: &str) {
        self.click(&format!("label[for='reason-{reason}']")).await;
    }

    async fn confirm_intact(&self) {
        self.click("[data-testid=intact-label]").await;
    }

    /// Fills the form for a return of `sku` for `reason` (a no-reason return confirms "intact").
    async fn fill_return(&self, sku: &str, kind: &str, reason: &str) {
        self.wait("[data-testid=request-form]").await;
        self.pick_line(sku).await;
        self.pick_kind(kind).await;
        self.pick_reason(reason).await;
        if matches!(reason, "size_or_fit" | "changed_mind") {
            self.confirm_intact().await;
        }
    }

    /// The portal's own preview (from `shared::policy::preview`): its decisive facts.
    async fn preview(&self) -> std::collections::BTreeMap<String, String> {
        self.wait("[data-testid=preview-status]").await;
        let raw = self
            .js(
                "return document.querySelector('[data-testid=preview-facts]').textContent",
                vec![],
            )
            .await;
        facts(raw.as_str().unwrap_or_default())
    }

    /// The preview's refusal: checks that the request is refused and cannot be sent, and
    /// returns the reason the page gives.
    async fn refusal(&self) -> String {
        self.preview().await;
        assert_eq!(
            self.attr("[data-testid=preview-status]", "data-allowed")
                .await,
            "false"
        );
        let disabled = self
            .wait("[data-testid=submit]")
            .await
            .prop("disabled")
            .await
            .ok()
            .flatten();
        assert_eq!(disabled.as_deref(), Some("true"), "submit is disabled");
        self.text("[data-testid=preview-refusal]").await
    }

    /// Sends the request and waits for the case page; returns the case id.
    async fn submit(&self) -> String {
        self.click("[data-testid=submit]").await;
        self.text("[data-testid=case-id]").await
    }

    /// Attaches a generated `width`×`height` PNG through the file input (as a chooser would) and
    /// records whether a progress bar was ever shown.
    async fn attach_generated_photo(&self, width: u32, height: u32) {
        self.js(
            "window.__sawProgress = false;
             new MutationObserver(() => {
               if (document.querySelector('[data-testid=photo-progress]')) window.__sawProgress = true;
             }).observe(document.body, {subtree: true, childList: true, attributes: true});",
            vec![],
        )
        .await;
        let script = "const [w, h, done] = arguments;
            const c = document.createElement('canvas'); c.width = w; c.height = h;
            const g = c.getContext('2d');
            for (let i = 0; i < 40; i++) { g.fillStyle = `hsl(${i * 9}, 70%, 50%)`; g.fillRect(i * w / 40, 0, w / 40, h); }
            g.fillStyle = '#fff'; g.font = '120px sans-serif'; g.fillText('parcel', w / 4, h / 2);
            c.toBlob(b => {
              const dt = new DataTransfer();
              dt.items.add(new File([b], 'parcel.png', {type: 'image/png'}));
              const input = document.querySelector('[data-testid=photo-input]');
              input.files = dt.files;
              input.dispatchEvent(new Event('change', {bubbles: true}));
              done(true);
            }, 'image/png');";
        if let Err(e) = self
            .c
            .execute_async(script, vec![json!(width), json!(height)])
            .await
        {
            panic!("could not attach a photo: {e}");
        }
    }
}

/// `key=value;` pairs as a map.
fn facts(text: &str) -> std::collections::BTreeMap<String, String> {
    text.split(';')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The same facts from a JSON preview (the server's) or a JSON refund (a case view's).
fn facts_of_json(preview: &Value) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    let code = preview["refusal"]["code"]
        .as_str()
        .unwrap_or("none")
        .to_string();
    out.insert("refusal".into(), code);
    let payer = preview["shipping_payer"]
        .as_str()
        .unwrap_or("none")
        .to_string();
    out.insert("payer".into(), payer);
    out.insert(
        "fast_refund".into(),
        preview["fast_refund"]
            .as_bool()
            .unwrap_or(false)
            .to_string(),
    );
    out.extend(refund_facts(&preview["refund"]));
    if let Some(who) = preview["next_step"]["who"]["party"].as_str() {
        out.insert("next".into(), who.to_string());
        let on_expiry = preview["next_step"]["on_expiry"]
            .as_str()
            .unwrap_or_default();
        out.insert("on_expiry".into(), on_expiry.to_string());
    }
    out
}

fn refund_facts(refund: &Value) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    if refund.is_object() {
        for name in [
            "items",
            "discounts",
            "original_shipping",
            "restocking_fee",
            "free_shipping_deduction",
            "insurance_payout",
            "total",
        ] {
            out.insert(
                name.to_string(),
                refund[name].as_i64().unwrap_or(-1).to_string(),
            );
        }
    }
    out
}

/// The buyer's side of the API, for checking what the portal did.
fn buyer_api(number: &str, contact: &str) -> Api {
    let anon = app().api();
    let r = anon.post(
        "/api/lookup",
        &json!({"order_number": number, "contact": contact}),
    );
    assert_eq!(
        r.status,
        200,
        "lookup through the API: {}",
        String::from_utf8_lossy(&r.body)
    );
    let token = r.json()["token"].as_str().unwrap_or_default().to_string();
    anon.with_bearer(&token)
}

/// Fresh copies of the demo orders, imported; returns them by their original number.
fn imported(tag: &str) -> Vec<Order> {
    let orders = fresh_orders(tag);
    app().import_orders(&orders);
    orders
}

fn find<'a>(orders: &'a [Order], prefix: &str) -> &'a Order {
    match orders.iter().find(|o| o.number.starts_with(prefix)) {
        Some(o) => o,
        None => panic!("no order {prefix}"),
    }
}

fn contact(order: &Order) -> String {
    order
        .buyer
        .email
        .clone()
        .or(order.buyer.phone.clone())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_contact_gets_an_error_that_helps_without_revealing_the_order() {
    let orders = imported("lk");
    let shirt = find(&orders, "TB20261120001");
    let portal = Portal::new().await;
    portal.open("/").await;
    portal.wait("[data-testid=lookup-form]").await;
    screenshot(&portal.c, "portal-lookup").await;

    portal
        .lookup(&shirt.number, "someone.else@example.cn")
        .await;
    let wrong_contact = portal.text("[data-testid=lookup-error]").await;
    assert_eq!(
        portal.attr("[data-testid=lookup-error]", "data-code").await,
        "order_not_found"
    );
    assert!(
        wrong_contact.contains("Check"),
        "the error says what to check: {wrong_contact}"
    );
    screenshot(&portal.c, "portal-lookup-error").await;

    // A number that does not exist reads exactly the same: nothing is revealed.
    portal
        .lookup("TB00000000000-nope", "someone.else@example.cn")
        .await;
    assert_eq!(
        portal.text("[data-testid=lookup-error]").await,
        wrong_contact
    );
    let _ = portal.c.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_shirt_story_previews_the_return_files_it_and_lands_on_the_case_page() {
    let (portal, shirt) = Portal::at_order("sh", "TB20261120001", None).await;
    let shirt = &shirt;
    portal.wait("[data-testid=order-summary]").await;
    // No requests yet: no empty list in the way of the form.
    assert_eq!(
        portal
            .js(
                "return document.querySelector('[data-testid=case-list]') === null",
                vec![]
            )
            .await,
        Value::Bool(true)
    );
    screenshot(&portal.c, "portal-order").await;
    assert!(
        portal
            .js("return document.title", vec![])
            .await
            .as_str()
            .is_some_and(|t| t.contains(&shirt.number)),
        "the tab names the order"
    );

    portal.wait("[data-testid=request-form]").await;
    assert!(
        portal
            .text("[data-testid=submit-why]")
            .await
            .contains("Choose items"),
        "the action bar says why Send is not possible yet"
    );
    portal.pick_line("SHIRT-OX-L").await;
    portal.pick_kind("return_and_refund").await;
    portal.pick_reason("size_or_fit").await;
    // Only the "intact" tick is missing: a step still to do, not a refusal.
    let missing = portal.text("[data-testid=preview-missing]").await;
    assert!(missing.contains("confirm the item is intact"), "{missing}");
    assert_eq!(
        portal
            .js(
                "return document.querySelector('[data-testid=preview-status]') === null",
                vec![]
            )
            .await,
        Value::Bool(true),
        "no verdict while the tick is missing"
    );
    assert!(
        portal
            .text("[data-testid=submit-why]")
            .await
            .contains("confirm the item is intact")
    );
    portal.show("[data-testid=preview]").await;
    screenshot(&portal.c, "portal-preview-tick").await;
    portal.confirm_intact().await;
    let local = portal.preview().await;
    assert_eq!(
        portal
            .attr("[data-testid=preview-status]", "data-allowed")
            .await,
        "true"
    );
    // The shirt's order carries shipping insurance: the buyer does not pay to send it back.
    assert_eq!(
        portal
            .attr("[data-testid=preview-payer]", "data-payer")
            .await,
        "insurer"
    );
    let breakdown = portal.text("[data-testid=breakdown]").await;
    assert!(
        breakdown.contains("¥199.00") && breakdown.contains("Total refund"),
        "{breakdown}"
    );
    assert_eq!(
        portal.text("[data-testid=preview-payer]").await,
        "Covered by shipping insurance",
        "the payout is said once, under the refund"
    );
    assert!(
        portal
            .text("[data-testid=preview-next]")
            .await
            .contains("The shop answers within")
    );
    screenshot(&portal.c, "portal-preview").await;

    // The server's preview of the same request equals the portal's (same shared function).
    let request = json!({
        "kind": "return_and_refund", "reason": "size_or_fit",
        "lines": [{"sku": "SHIRT-OX-L", "quantity": 1}], "intact_confirmed": true
    });
    let buyer = buyer_api(&shirt.number, &contact(shirt));
    let server = buyer.post("/api/buyer/preview", &request).json();
    assert_eq!(
        local,
        facts_of_json(&server),
        "the portal's preview equals the server's"
    );
    // ¥199.00 − ¥20.00 discount − ¥10.00 shipping given away (the socks alone miss the ¥99 free-shipping threshold).
    assert_eq!(local["total"], "16900");

    let id = portal.submit().await;
    assert!(!id.is_empty());
    assert_eq!(
        portal.attr("[data-testid=status-chip]", "data-state").await,
        "awaiting_review"
    );
    assert_eq!(
        portal.attr("[data-testid=whose-move]", "data-party").await,
        "shop"
    );
    assert!(
        portal
            .text("[data-testid=countdown]")
            .await
            .starts_with("The shop must answer within")
    );
    screenshot(&portal.c, "portal-case").await;

    // The server decided what the preview said.
    let case = buyer.get(&format!("/api/buyer/cases/{id}")).json();
    let refund = refund_facts(&case["refund"]);
    assert!(
        refund.iter().all(|(k, v)| local.get(k) == Some(v)),
        "{refund:?} vs {local:?}"
    );

    // A bookmarked case link opened later works from the stored token.
    let url = portal
        .c
        .current_url()
        .await
        .map(|u| u.to_string())
        .unwrap_or_default();
    assert!(url.contains(&format!("/case/{id}")), "{url}");
    let _ = portal.c.refresh().await;
    assert_eq!(portal.text("[data-testid=case-id]").await, id);

    // Messages with the shop. The first send fails (the network drops it): the message stays
    // in its box with the error, and the same tap sends it once the network is back.
    portal
        .type_into(
            "[data-testid=message]",
            "Could you confirm the return address?",
        )
        .await;
    portal
        .js(
            "window.__fetch = window.fetch;
             window.fetch = (req, init) =>
               ((req instanceof Request ? req.method : init && init.method) === 'POST')
                 ? Promise.reject(new TypeError('offline')) : window.__fetch(req, init);",
            vec![],
        )
        .await;
    portal.click("[data-testid=send-message]").await;
    portal.wait("[data-testid=error]").await;
    assert_eq!(
        portal
            .js(
                "return document.querySelector('[data-testid=message]').value",
                vec![]
            )
            .await,
        json!("Could you confirm the return address?"),
        "a failed send keeps the message"
    );
    portal.js("window.fetch = window.__fetch;", vec![]).await;
    portal.click("[data-testid=send-message]").await;
    portal
        .until(
            "the message to appear",
            "return document.querySelector('.bubble-mine') !== null",
        )
        .await;
    assert_eq!(portal.text("[data-testid=notice]").await, "Message sent");
    assert_eq!(
        portal
            .js(
                "return document.activeElement && document.activeElement.id",
                vec![]
            )
            .await,
        json!("feedback"),
        "the answer of a command gets the focus"
    );
    let timeline = portal.text("[data-testid=timeline]").await;
    assert!(
        !timeline.contains("Could you confirm"),
        "messages are not repeated in the timeline: {timeline}"
    );
    assert!(
        portal
            .js("return document.title", vec![])
            .await
            .as_str()
            .is_some_and(|t| t.contains(&id)),
        "the tab names the request"
    );

    // A failed self-refresh says how old the page is and offers to try again.
    portal
        .js(
            "window.__fetch = window.fetch; window.fetch = () => Promise.reject(new TypeError('offline'));",
            vec![],
        )
        .await;
    let stale = portal.text("[data-testid=stale]").await;
    assert!(stale.contains("Couldn't update"), "{stale}");
    screenshot(&portal.c, "portal-case-stale").await;
    portal.js("window.fetch = window.__fetch;", vec![]).await;
    portal.click("[data-testid=stale] button").await;
    portal
        .until(
            "the page to update again",
            "return document.querySelector('[data-testid=stale]') === null",
        )
        .await;

    // On a desktop the case page uses two columns.
    let _ = portal.c.set_window_size(1280, 900).await;
    portal
        .open(&format!("/case/{id}?order={}", shirt.number))
        .await;
    portal.wait("[data-testid=case-id]").await;
    screenshot(&portal.c, "portal-case-desktop").await;
    let _ = portal.c.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_photo_is_downscaled_uploaded_with_progress_and_sent_with_the_request() {
    let (portal, phone) = Portal::at_order("ph", "JD20261121002", None).await;
    let phone = &phone;
    portal
        .fill_return("PHONE-X12-256", "exchange", "damaged_in_transit")
        .await;
    portal.attach_generated_photo(3000, 2200).await;
    portal
        .until("the photo to upload", "return document.querySelector('[data-testid=photo-tile][data-status=uploaded]') !== null")
        .await;
    assert_eq!(
        portal.js("return window.__sawProgress", vec![]).await,
        Value::Bool(true),
        "a progress bar was shown"
    );
    screenshot(&portal.c, "portal-photo-upload").await;
    assert_eq!(
        portal
            .attr("[data-testid=preview-payer]", "data-payer")
            .await,
        "shop"
    );

    let id = portal.submit().await;
    let case = buyer_api(&phone.number, &contact(phone))
        .get(&format!("/api/buyer/cases/{id}"))
        .json();
    let photos = case["case"]["request"]["photos"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(photos.len(), 1, "the uploaded photo went with the request");
    let _ = portal.c.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_request_says_why_and_cannot_be_sent() {
    let (portal, _) = Portal::at_order("rf", "TB20261119006", None).await;
    portal
        .fill_return("MILK-A2-12", "return_and_refund", "changed_mind")
        .await;
    let why = portal.refusal().await;
    assert!(
        why.to_lowercase().contains("perishable"),
        "the refusal names the reason: {why}"
    );
    // A refusal shows no refund and no shipping payer that would never apply.
    assert_eq!(
        portal
            .js(
                "return [!!document.querySelector('[data-testid=refund-total]'), !!document.querySelector('[data-testid=preview-payer]')]",
                vec![]
            )
            .await,
        json!([false, false])
    );
    portal.show("[data-testid=preview]").await;
    screenshot(&portal.c, "portal-refusal").await;
    let _ = portal.c.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_photo_that_fails_to_upload_says_why_and_send_asks_before_filing_without_it() {
    for (lang, tag) in [(None, "pfe"), (Some("zh-CN"), "pfz")] {
        let (portal, shirt) = Portal::at_order(tag, "TB20261120001", lang).await;
        portal
            .fill_return("SOCKS-3P", "return_and_refund", "changed_mind")
            .await;
        // The network drops every upload (as a lift or a tunnel would).
        portal
            .js(
                "XMLHttpRequest.prototype.send = function () { setTimeout(() => this.onerror && this.onerror(), 50); };",
                vec![],
            )
            .await;
        portal.attach_generated_photo(800, 600).await;
        portal
            .until(
                "the photo to fail",
                "return document.querySelector('[data-testid=photo-tile]')?.dataset.status === 'failed'",
            )
            .await;
        let tile = portal.text("[data-testid=photo-tile]").await;
        assert!(!tile.trim().is_empty(), "the tile says why");
        let spinning = portal
            .js(
                "return document.querySelector('[data-testid=photo-tile] .spinner') !== null",
                vec![],
            )
            .await;
        assert_eq!(spinning, Value::Bool(false), "a failed photo does not spin");
        portal.wait("[data-testid=photo-retry]").await;
        // Send asks first; "go back" files nothing.
        portal.click("[data-testid=submit]").await;
        let ask = portal.text("[data-testid=ask-without-failed]").await;
        assert!(ask.contains('1'), "{ask}");
        screenshot(&portal.c, &format!("portal-photo-failed-{tag}")).await;
        portal.click("[data-testid=keep-editing]").await;
        let buyer = buyer_api(&shirt.number, &contact(&shirt));
        let cases = || {
            buyer.get("/api/buyer/order").json()["cases"]
                .as_array()
                .map(Vec::len)
        };
        assert_eq!(cases(), Some(0));
        portal.click("[data-testid=submit]").await;
        portal.click("[data-testid=send-without-failed]").await;
        portal.text("[data-testid=case-id]").await;
        assert_eq!(cases(), Some(1));
        let _ = portal.c.close().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_start_link_from_the_shops_email_opens_the_order_without_typing() {
    let orders = imported("sl");
    let shirt = find(&orders, "TB20261120001").clone();
    let shop = app().shop_system();
    // The shop asks for a link the way its e-mail system would (any spelling of the number).
    let made = shop.post(
        "/api/shop/links",
        &json!({"order_number": shirt.number.to_ascii_lowercase()}),
    );
    assert_eq!(made.status, 200);
    let url = made.json()["url"].as_str().unwrap_or_default().to_string();
    let expires = made.json()["expires_at"].as_i64().unwrap_or_default();
    let days = (expires - crate::support::now().0) as f64 / 86_400_000.0;
    assert!((29.9..=30.1).contains(&days), "the shop's 30 days: {days}");
    let (path, link) = url
        .split_once("#link=")
        .expect("the grant rides in the fragment");
    assert!(path.ends_with('/'), "{url}");
    // The grant is only a link: not a bearer token, and a changed one opens nothing.
    let as_token = app().api().with_bearer(link).get("/api/buyer/order");
    assert_eq!(as_token.status, 401);
    let mut forged = link.to_string();
    forged.replace_range(forged.len() - 2.., "AA");
    let r = app()
        .api()
        .post("/api/lookup/link", &json!({"link": forged}));
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["code"], "link_invalid");
    let unknown = shop.post("/api/shop/links", &json!({"order_number": "NO-SUCH-1"}));
    assert_eq!(unknown.status, 404);

    for lang in [None, Some("zh-CN")] {
        let portal = match lang {
            Some(l) => Portal::in_language(l).await,
            None => Portal::new().await,
        };
        // Opened from the e-mail: no number, no contact typed.
        let target = url.replacen(&app().base, &portal.base, 1);
        if let Err(e) = portal.c.goto(&target).await {
            panic!("could not open the link: {e}");
        }
        portal.wait("[data-testid=order-summary]").await;
        let at = portal
            .c
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        assert!(at.contains(&format!("/order/{}", shirt.number)), "{at}");
        assert!(
            !at.contains("link="),
            "the grant leaves the address bar: {at}"
        );
        portal.wait("[data-testid=request-form]").await;
        screenshot(
            &portal.c,
            &format!("portal-start-link-{}", lang.unwrap_or("en")),
        )
        .await;
        let _ = portal.c.close().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fault_return_with_two_photos_takes_two_screens_and_six_taps() {
    for (lang, tag) in [(None, "tpe"), (Some("zh-CN"), "tpz")] {
        let orders = imported(tag);
        let shirt = find(&orders, "TB20261120001").clone();
        let portal = match lang {
            Some(l) => Portal::in_language(l).await,
            None => Portal::new().await,
        };
        portal.open("/").await;
        portal.wait("[data-testid=lookup-form]").await;
        // Every tap the buyer makes, and the screens (paths) they make it on, kept in the tab's
        // storage: the order page is a page load of its own (a bundle per page), so the counter
        // is set up again on it and carries on.
        // (A finger's press, not `click`: a label forwards its click to its input.)
        let count_taps = "document.addEventListener('pointerdown', e => {
               if (!e.isTrusted) return;
               const taps = JSON.parse(sessionStorage.getItem('test.taps') || '[]');
               taps.push(location.pathname);
               sessionStorage.setItem('test.taps', JSON.stringify(taps));
             }, true);";
        portal.js(count_taps, vec![]).await;
        portal
            .type_into("[data-testid=lookup-number]", &shirt.number)
            .await;
        portal
            .type_into("[data-testid=lookup-contact]", &contact(&shirt))
            .await;
        portal.click("[data-testid=lookup-submit]").await;
        portal.wait("[data-testid=request-form]").await;
        portal.js(count_taps, vec![]).await;
        portal.pick_line("SHIRT-OX-L").await;
        portal.pick_kind("return_and_refund").await;
        portal.pick_reason("quality_fault").await;
        // One tap on "Add photos", two chosen in the phone's picker (the picker is the
        // system's, so the test hands the files over and counts that tap itself).
        let script = "const done = arguments[0];
            const make = (hue) => new Promise(r => {
              const c = document.createElement('canvas'); c.width = 640; c.height = 480;
              const g = c.getContext('2d'); g.fillStyle = `hsl(${hue}, 70%, 50%)`; g.fillRect(0, 0, 640, 480);
              c.toBlob(b => r(new File([b], `p${hue}.png`, {type: 'image/png'})), 'image/png');
            });
            Promise.all([make(10), make(200)]).then(files => {
              const dt = new DataTransfer(); files.forEach(f => dt.items.add(f));
              const input = document.querySelector('[data-testid=photo-input]');
              input.files = dt.files; input.dispatchEvent(new Event('change', {bubbles: true}));
              done(true);
            });";
        if let Err(e) = portal.c.execute_async(script, vec![]).await {
            panic!("could not attach photos: {e}");
        }
        portal
            .until(
                "both photos to upload",
                "return [...document.querySelectorAll('[data-testid=photo-tile]')].filter(t => t.dataset.status === 'uploaded').length === 2",
            )
            .await;
        let id = portal.submit().await;
        let taps = portal
            .js(
                "return JSON.parse(sessionStorage.getItem('test.taps') || '[]')",
                vec![],
            )
            .await;
        let taps: Vec<String> = taps
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let screens: std::collections::BTreeSet<&String> = taps.iter().collect();
        // lookup · item · kind · reason · send, plus the photo picker's tap.
        assert_eq!(taps.len() + 1, 6, "{taps:?}");
        assert_eq!(screens.len(), 2, "{taps:?}");
        let case =
            buyer_api(&shirt.number, &contact(&shirt)).get(&format!("/api/buyer/cases/{id}"));
        assert_eq!(
            case.json()["case"]["request"]["photos"]
                .as_array()
                .map(Vec::len),
            Some(2)
        );
        let _ = portal.c.close().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_double_tap_on_send_files_one_case() {
    let (portal, shirt) = Portal::at_order("dt", "TB20261120001", None).await;
    let shirt = &shirt;
    portal
        .fill_return("SOCKS-3P", "return_and_refund", "changed_mind")
        .await;
    portal.preview().await;
    // Two taps as fast as a thumb can: both reach the page before any answer does.
    portal
        .js("const b = document.querySelector('[data-testid=submit]'); b.click(); b.click(); b.form.requestSubmit();", vec![])
        .await;
    portal.text("[data-testid=case-id]").await;
    let order = buyer_api(&shirt.number, &contact(shirt))
        .get("/api/buyer/order")
        .json();
    assert_eq!(
        order["cases"].as_array().map(Vec::len),
        Some(1),
        "exactly one case was filed"
    );
    let _ = portal.c.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn switching_the_language_changes_every_text_and_is_remembered() {
    let orders = imported("ln");
    let tv = find(&orders, "TB20261013003");
    let portal = Portal::new().await;
    portal.open("/").await;
    assert_eq!(portal.text("#lookup-title").await, "Get help with an order");
    portal.click("[data-testid=lang-zh]").await;
    portal
        .until(
            "Chinese texts",
            "return document.querySelector('#lookup-title').textContent === '申请售后'",
        )
        .await;
    assert_eq!(
        portal
            .js("return document.documentElement.lang", vec![])
            .await,
        json!("zh-CN")
    );
    screenshot(&portal.c, "portal-lookup-zh").await;

    let _ = portal.c.refresh().await;
    portal
        .until(
            "Chinese after a reload",
            "return document.querySelector('#lookup-title')?.textContent === '申请售后'",
        )
        .await;

    // Money and dates follow the language, and errors from the API come back in it.
    portal.lookup(&tv.number, &contact(tv)).await;
    portal.wait("[data-testid=order-summary]").await;
    let delivered = portal.text("[data-testid=delivered]").await;
    assert!(
        delivered.contains('年') && delivered.contains('日'),
        "{delivered}"
    );
    screenshot(&portal.c, "portal-order-zh").await;
    portal.click("[data-testid=lang-en]").await;
    portal
        .until(
            "English dates",
            "return !document.querySelector('[data-testid=delivered]').textContent.includes('年')",
        )
        .await;
    let _ = portal.c.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_link_asks_for_the_lookup_again_and_returns_to_the_case() {
    let orders = imported("ex");
    let book = find(&orders, "AM20261110004");
    let buyer = buyer_api(&book.number, &contact(book));
    let request = json!({
        "kind": "reship", "reason": "not_received", "lines": [{"sku": "BOOK-RUST-2E", "quantity": 1}],
        "carrier_confirms_loss": true
    });
    let body = serde_json::to_vec(&request).unwrap_or_default();
    let r = buyer.send(
        "POST",
        "/api/buyer/cases",
        Some(("application/json", body)),
        &[("Idempotency-Key", "portal-expired-1")],
    );
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let id = r.json()["case"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();

    // A fresh browser has no token: the bookmarked case link asks for the lookup first.
    let portal = Portal::new().await;
    portal
        .open(&format!("/case/{id}?order={}", book.number))
        .await;
    portal.wait("[data-testid=lookup-again]").await;
    let prefilled = portal
        .wait("[data-testid=lookup-number]")
        .await
        .prop("value")
        .await
        .ok()
        .flatten();
    assert_eq!(prefilled.as_deref(), Some(book.number.as_str()));
    portal
        .type_into("[data-testid=lookup-contact]", &contact(book))
        .await;
    portal.click("[data-testid=lookup-submit]").await;
    assert_eq!(portal.text("[data-testid=case-id]").await, id);

    // Withdrawing asks once more (the safe answer focused), then closes the case.
    portal.click("[data-testid=cancel]").await;
    portal
        .until(
            "the safe answer to be focused",
            "return document.activeElement && document.activeElement.id === 'keep-request'",
        )
        .await;
    portal.click("[data-testid=cancel-confirm]").await;
    portal
        .until(
            "the case to close",
            "return document.querySelector('[data-testid=status-chip]').dataset.state === 'closed'",
        )
        .await;
    assert_eq!(
        portal.text("[data-testid=notice]").await,
        "Request withdrawn"
    );
    screenshot(&portal.c, "portal-case-closed").await;
    let _ = portal.c.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_phone_story_is_exchanged_while_the_buyer_follows_it_on_the_case_page() {
    use crate::helpers::{AGENT, WAREHOUSE, staff, staff_command};
    let (portal, _) = Portal::at_order("pe", "JD20261121002", None).await;
    portal
        .fill_return("PHONE-X12-256", "exchange", "damaged_in_transit")
        .await;
    assert_eq!(
        portal
            .attr("[data-testid=preview-payer]", "data-payer")
            .await,
        "shop",
        "the shop pays for damage in transit"
    );
    let id = portal.submit().await;

    // The shop approves; the page shows where to send the phone and asks for the tracking number.
    let agent = staff(app(), AGENT);
    let approved = staff_command(
        &agent,
        &id,
        &json!({"type": "approve", "solution": {"kind": "exchange"}, "note": "非常抱歉，已为您安排换新。"}),
    );
    assert_eq!(approved.status, 200);
    let _ = portal.c.refresh().await;
    portal.wait("[data-testid=return-address]").await;
    assert_eq!(
        portal.attr("[data-testid=whose-move]", "data-party").await,
        "buyer"
    );
    portal.click("[data-testid=copy-address]").await;
    portal
        .until(
            "the address to be copied",
            "return document.querySelector('[data-testid=copy-address]').textContent === 'Copied'",
        )
        .await;
    screenshot(&portal.c, "portal-return-address").await;
    portal
        .type_into("[data-testid=carrier]", "SF Express")
        .await;
    portal
        .type_into("[data-testid=tracking]", "SF1029384756")
        .await;
    portal.click("[data-testid=send-tracking]").await;
    portal
        .until("the return to be on its way", "return document.querySelector('[data-testid=status-chip]')?.dataset.state === 'return_in_transit'")
        .await;
    screenshot(&portal.c, "portal-return-in-transit").await;

    // The warehouse receives it and ships the new phone; the buyer confirms and rates.
    let warehouse = staff(app(), WAREHOUSE);
    assert_eq!(
        staff_command(
            &warehouse,
            &id,
            &json!({"type": "receive", "inspection": {"passed": true}})
        )
        .status,
        200
    );
    assert_eq!(
        staff_command(
            &warehouse,
            &id,
            &json!({"type": "ship", "carrier": "JD", "tracking": "JD0099"})
        )
        .status,
        200
    );
    let _ = portal.c.refresh().await;
    portal.click("[data-testid=confirm-receipt]").await;
    portal.wait("[data-testid=rate-form]").await;
    portal.click("label[for='star-5']").await;
    portal
        .type_into("[data-testid=comment]", "Fast and kind, thank you")
        .await;
    portal.click("[data-testid=send-rating]").await;
    portal.wait("[data-testid=rated]").await;
    assert_eq!(
        portal.attr("[data-testid=status-chip]", "data-state").await,
        "closed"
    );
    screenshot(&portal.c, "portal-rated").await;
    let _ = portal.c.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_tv_story_is_refused_a_refund_after_weeks_and_repaired_instead() {
    use crate::helpers::{AGENT, WAREHOUSE, staff, staff_command};
    let (portal, _) = Portal::at_order("tvs", "TB20261013003", Some("zh-CN")).await;

    // Forty days after delivery a refund for a fault is past its window: the page says so in
    // Chinese and will not send it.
    portal
        .fill_return("TV-55-4K", "return_and_refund", "quality_fault")
        .await;
    let why = portal.refusal().await;
    assert!(
        why.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "the refusal is explained in Chinese: {why}"
    );
    screenshot(&portal.c, "portal-tv-refused").await;

    // A repair is what the warranty gives: allowed, and the shop pays the postage both ways.
    portal.pick_kind("repair").await;
    let facts = portal.preview().await;
    assert_eq!(
        portal
            .attr("[data-testid=preview-status]", "data-allowed")
            .await,
        "true",
        "repair is allowed: {facts:?}"
    );
    assert_eq!(
        portal
            .attr("[data-testid=preview-payer]", "data-payer")
            .await,
        "shop"
    );
    let next = portal.text("[data-testid=preview-next]").await;
    assert!(
        next.contains("（截止"),
        "full-width brackets in Chinese: {next}"
    );
    portal.show("[data-testid=preview-next]").await;
    screenshot(&portal.c, "portal-tv-preview").await;
    portal
        .type_into("[data-testid=note]", "无法开机，待机灯闪烁")
        .await;
    let id = portal.submit().await;
    assert_eq!(
        portal.attr("[data-testid=whose-move]", "data-party").await,
        "shop"
    );
    screenshot(&portal.c, "portal-tv-case").await;
    portal.show("[data-testid=messages]").await;
    screenshot(&portal.c, "portal-tv-messages").await;

    let agent = staff(app(), AGENT);
    assert_eq!(
        staff_command(
            &agent,
            &id,
            &json!({"type": "approve", "solution": {"kind": "repair"}, "note": "抱歉给您带来不便，请寄回维修。"})
        )
        .status,
        200
    );
    // The page refreshes itself while open: the return address appears without a reload.
    portal.wait("[data-testid=return-address]").await;
    portal.type_into("[data-testid=carrier]", "顺丰速运").await;
    portal
        .type_into("[data-testid=tracking]", "SF7788990011")
        .await;
    portal.click("[data-testid=send-tracking]").await;
    portal
        .until("the TV to be on its way", "return document.querySelector('[data-testid=status-chip]')?.dataset.state === 'return_in_transit'")
        .await;

    let warehouse = staff(app(), WAREHOUSE);
    for command in [
        json!({"type": "receive", "inspection": {"passed": true}}),
        json!({"type": "ship", "carrier": "顺丰速运", "tracking": "SF7788990012"}),
    ] {
        assert_eq!(staff_command(&warehouse, &id, &command).status, 200);
    }
    let _ = portal.c.refresh().await;
    portal.click("[data-testid=confirm-receipt]").await;
    portal.wait("[data-testid=rate-form]").await;
    assert_eq!(
        portal.attr("[data-testid=status-chip]", "data-state").await,
        "closed"
    );
    let timeline = portal.text("[data-testid=timeline]").await;
    assert!(
        timeline.contains("请寄回维修"),
        "the shop's note is in the timeline: {timeline}"
    );
    screenshot(&portal.c, "portal-tv-repaired").await;
    let _ = portal.c.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refunded_case_says_how_much_comes_back_where_and_when_in_both_languages() {
    use crate::helpers::{AGENT, WAREHOUSE, buyer_command, staff, staff_command};
    for (lang, tag, expected) in [
        (
            None,
            "rfe",
            "back to the original payment, usually 1–3 working days.",
        ),
        (Some("zh-CN"), "rfz", "原路退回，通常 1–3 个工作日到账。"),
    ] {
        let (portal, shirt) = Portal::at_order(tag, "TB20261120001", lang).await;
        portal
            .fill_return("SHIRT-OX-L", "return_and_refund", "size_or_fit")
            .await;
        let id = portal.submit().await;
        let buyer = buyer_api(&shirt.number, &contact(&shirt));
        let agent = staff(app(), AGENT);
        let approve = json!({"type": "approve", "solution": {"kind": "return_and_refund"}});
        assert_eq!(staff_command(&agent, &id, &approve).status, 200);
        let track = json!({"type": "enter_return_tracking", "carrier": "SF Express", "tracking": "SF5550001112"});
        assert_eq!(buyer_command(&buyer, &id, &track).status, 200);
        let receive = json!({"type": "receive", "inspection": {"passed": true}});
        let received = staff_command(&staff(app(), WAREHOUSE), &id, &receive);
        assert_eq!(received.status, 200);
        // The API says it to the buyer, and only once the case closed with a refund.
        let seen = buyer.get(&format!("/api/buyer/cases/{id}"));
        assert_eq!(seen.json()["refund_arrives_in_working_days"], json!([1, 3]));
        let total = seen.json()["refund"]["total"].as_i64().unwrap_or_default();
        let amount = format!("¥{}.{:02}", total / 100, total % 100);
        let _ = portal.c.refresh().await;
        portal.wait("[data-testid=refund-arrival]").await;
        let said = portal.text("[data-testid=refund-arrival]").await;
        assert!(
            said.starts_with(&amount) && said.ends_with(expected),
            "{said}"
        );
        screenshot(&portal.c, &format!("portal-refund-arrival-{tag}")).await;
        let _ = portal.c.close().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_book_story_is_reshipped_after_the_buyer_reports_it_never_arrived() {
    use crate::helpers::{AGENT, WAREHOUSE, staff, staff_command};
    let (portal, _) = Portal::at_order("bks", "AM20261110004", None).await;
    assert!(
        portal
            .text("[data-testid=delivered]")
            .await
            .to_lowercase()
            .contains("not"),
        "the order shows it was never signed for"
    );
    portal
        .fill_return("BOOK-RUST-2E", "reship", "not_received")
        .await;
    // Never signed for: the page does not ask for the courier's confirmation of a loss.
    let asks_for_loss = portal
        .js(
            "return document.querySelector('[data-testid=carrier-loss]') !== null",
            vec![],
        )
        .await;
    assert_eq!(asks_for_loss, Value::Bool(false));
    portal.click("[data-testid=urgent]").await;
    portal.preview().await;
    assert_eq!(
        portal
            .attr("[data-testid=preview-status]", "data-allowed")
            .await,
        "true"
    );
    let next = portal.text("[data-testid=preview-next]").await;
    assert!(
        !next.trim().is_empty(),
        "the preview says what happens next"
    );
    screenshot(&portal.c, "portal-book-preview").await;
    let id = portal.submit().await;

    let agent = staff(app(), AGENT);
    assert_eq!(
        staff_command(
            &agent,
            &id,
            &json!({"type": "approve", "solution": {"kind": "reship"}, "note": "Sorry — another copy is on its way."})
        )
        .status,
        200
    );
    // Nothing comes back for a parcel that never arrived: no return address, no tracking form.
    let warehouse = staff(app(), WAREHOUSE);
    assert_eq!(
        staff_command(
            &warehouse,
            &id,
            &json!({"type": "ship", "carrier": "UPS", "tracking": "1Z999AA10123456784"})
        )
        .status,
        200
    );
    let _ = portal.c.refresh().await;
    portal.wait("[data-testid=confirm-receipt]").await;
    // Waiting for the parcel is not an alarm: it says when it confirms itself.
    let banner = portal.text("[data-testid=countdown]").await;
    assert!(
        banner.starts_with("Confirm when it arrives · confirmed automatically on"),
        "{banner}"
    );
    screenshot(&portal.c, "portal-book-shipped").await;
    let shown = portal
        .js(
            "return [document.querySelector('[data-testid=return-address]') !== null, document.querySelector('[data-testid=tracking-form]') !== null]",
            vec![],
        )
        .await;
    assert_eq!(shown, json!([false, false]), "no return is asked for");
    let timeline = portal.text("[data-testid=timeline]").await;
    assert!(
        timeline.contains("another copy is on its way"),
        "the shop's apology is in the timeline: {timeline}"
    );
    portal.click("[data-testid=confirm-receipt]").await;
    portal.wait("[data-testid=rate-form]").await;
    assert_eq!(
        portal.attr("[data-testid=status-chip]", "data-state").await,
        "closed"
    );
    screenshot(&portal.c, "portal-book-closed").await;
    let _ = portal.c.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_case_link_without_a_token_asks_for_the_order_and_an_unknown_case_says_it_does_not_exist()
{
    let orders = imported("nx");
    let shirt = find(&orders, "TB20261120001");
    let portal = Portal::new().await;
    let _ = portal.c.set_window_size(1280, 900).await;
    // No order and no token: the lookup says why it is shown.
    portal.open("/case/AS-20990101-NOPE").await;
    assert!(
        portal
            .text("[data-testid=lookup-again]")
            .await
            .contains("Look up your order to see this request")
    );
    screenshot(&portal.c, "portal-lookup-desktop").await;

    // With the order's token, an id that is not one of its requests: no retry, a way back.
    portal.lookup(&shirt.number, &contact(shirt)).await;
    portal.wait("[data-testid=order-summary]").await;
    screenshot(&portal.c, "portal-order-desktop").await;
    let _ = portal.c.set_window_size(390, 844).await;
    portal
        .open(&format!("/case/AS-20990101-NOPE?order={}", shirt.number))
        .await;
    let gone = portal.text("[data-testid=no-case]").await;
    assert!(gone.contains("This request doesn't exist"), "{gone}");
    assert_eq!(
        portal
            .js(
                "return [document.querySelectorAll('[data-testid=no-case] button').length, document.querySelector('[data-testid=no-case] a').getAttribute('href')]",
                vec![]
            )
            .await,
        json!([0, format!("/order/{}", shirt.number)])
    );
    screenshot(&portal.c, "portal-case-unknown").await;
    let _ = portal.c.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_self_refresh_that_brings_news_keeps_what_the_buyer_is_typing() {
    use crate::helpers::{AGENT, staff, staff_command};
    let (portal, _) = Portal::at_order("draft", "TB20261120001", None).await;
    portal
        .fill_return("SHIRT-OX-L", "return_and_refund", "size_or_fit")
        .await;
    let id = portal.submit().await;
    portal
        .type_into("[data-testid=message]", "Can I send it next week?")
        .await;
    let agent = staff(app(), AGENT);
    assert_eq!(
        staff_command(
            &agent,
            &id,
            &json!({"type": "message", "text": "Sorry for the trouble, we are on it."})
        )
        .status,
        200
    );
    // The page refreshes itself and shows the shop's message; the draft is still there.
    portal
        .until(
            "the shop's message to appear",
            "return [...document.querySelectorAll('.bubble')].some(b => b.textContent.includes('we are on it'))",
        )
        .await;
    let draft = portal
        .js(
            "return document.querySelector('[data-testid=message]').value",
            vec![],
        )
        .await;
    assert_eq!(draft, json!("Can I send it next week?"));
    let _ = portal.c.close().await;
}
