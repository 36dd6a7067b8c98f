//! The static shell of `index.html` (issue 12, "a page that paints before the wasm runs"): with
//! the wasm held back, a phone shows the header and the lookup form in its browser's language,
//! not yet usable; once the wasm arrives the app takes the page over and keeps what the buyer
//! typed meanwhile. And the cache headers that make a repeat visit cheap: hashed files immutable,
//! pages revalidated.

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::{Value, json};
use shared::domain::Order;

use crate::support::{app, browser_with, chromedriver, fresh_orders, screenshot};

const WAIT: Duration = Duration::from_secs(20);

/// A DevTools command in the browser's page, through chromedriver's `goog/cdp/execute`.
async fn cdp(c: &Client, cmd: &str, params: Value) {
    let session = c.session_id().await.ok().flatten().unwrap_or_default();
    let url = format!("{}/session/{session}/goog/cdp/execute", chromedriver());
    let body = json!({ "cmd": cmd, "params": params });
    // The error as text: ureq's own is too large to carry through a closure's Result.
    let answer = tokio::task::spawn_blocking(move || {
        ureq::post(&url)
            .send_json(body)
            .map(drop)
            .map_err(|e| e.to_string())
    })
    .await;
    match answer {
        Ok(Ok(())) => {}
        Ok(Err(e)) => panic!("DevTools {cmd}: {e}"),
        Err(e) => panic!("DevTools {cmd}: {e}"),
    }
}

async fn js(c: &Client, script: &str) -> Value {
    match crate::support::script_across_loads(c, script, vec![]).await {
        Ok(v) => v,
        Err(e) => panic!("script failed: {e}"),
    }
}

async fn text(c: &Client, css: &str) -> String {
    match crate::support::element_across_loads(c, css, WAIT).await {
        Ok(e) => e.text().await.unwrap_or_default(),
        Err(e) => {
            screenshot(c, "shell-failure").await;
            panic!("{css} never appeared: {e}");
        }
    }
}

async fn until(c: &Client, what: &str, script: &str) {
    for _ in 0..100 {
        if js(c, script).await == Value::Bool(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    screenshot(c, "shell-failure").await;
    panic!("timed out waiting for {what}");
}

/// The words the shell and the app must both show, per browser language.
struct Words {
    lang: &'static str,
    html_lang: &'static str,
    app_name: &'static str,
    title: &'static str,
    loading: &'static str,
    submit: &'static str,
}

const ZH: Words = Words {
    lang: "zh-CN",
    html_lang: "zh-CN",
    app_name: "售后服务",
    title: "申请售后",
    loading: "加载中…",
    submit: "查询订单",
};
const EN: Words = Words {
    lang: "en-GB",
    html_lang: "en",
    app_name: "After-sales",
    title: "Get help with an order",
    loading: "Loading…",
    submit: "Find my order",
};

/// Opens `/` with every `.wasm` blocked: what a phone shows while the wasm is still on its way.
async fn shell_only(w: &Words, path: &str) -> Client {
    let c = browser_with(w.lang, 390, 844).await;
    cdp(&c, "Network.enable", json!({})).await;
    cdp(&c, "Network.setBlockedURLs", json!({ "urls": ["*.wasm"] })).await;
    if let Err(e) = c.goto(&format!("{}{path}", app().base)).await {
        panic!("could not open {path}: {e}");
    }
    c
}

/// Lets the wasm through and starts the app as Trunk's loader does (its module is loaded; only
/// its wasm was refused): `init`, then the `TrunkApplicationStarted` event the page listens for.
async fn release_wasm(c: &Client) {
    cdp(c, "Network.setBlockedURLs", json!({ "urls": [] })).await;
    js(
        c,
        "const js = document.querySelector('link[rel=modulepreload]').href;
         const wasm = document.querySelector('link[rel=preload][as=fetch]').href;
         import(js).then(m => m.default({ module_or_path: wasm })).then(w =>
             dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm: w } })));
         return true;",
    )
    .await;
}

#[tokio::test]
async fn the_shell_paints_the_lookup_in_the_browsers_language_and_the_app_keeps_what_was_typed() {
    let orders = fresh_orders("SHL");
    app().import_orders(&orders);
    let order: &Order = &orders[0];
    let contact = order
        .buyer
        .email
        .clone()
        .or(order.buyer.phone.clone())
        .unwrap_or_default();

    for w in [ZH, EN] {
        let c = shell_only(&w, "/").await;
        // The shell: header, steps and form, in the browser's language, before any wasm ran.
        assert_eq!(
            text(&c, "#shell .brand > span:last-child").await,
            w.app_name
        );
        assert_eq!(text(&c, "#shell h1").await, w.title);
        assert_eq!(
            js(&c, "return document.documentElement.lang").await,
            json!(w.html_lang)
        );
        assert_eq!(
            js(
                &c,
                "return document.querySelectorAll('#shell .steps .step').length"
            )
            .await,
            json!(3)
        );
        // The language switch shows that language chosen, as the app's will.
        assert_eq!(
            js(
                &c,
                &format!(
                    "return getComputedStyle(document.querySelector(\
                     '#shell .lang-option[lang=\"{}\"]')).color",
                    w.html_lang
                )
            )
            .await,
            json!("rgb(255, 255, 255)")
        );
        // Not usable yet, and says so: the button is disabled and reads "loading".
        assert_eq!(text(&c, "#shell button[type=submit]").await, w.loading);
        assert_eq!(
            js(
                &c,
                "return document.querySelector('#shell button[type=submit]').disabled"
            )
            .await,
            json!(true)
        );
        assert_eq!(
            js(
                &c,
                "return !document.querySelector('[data-testid=lookup-form]') \
                 && !performance.getEntriesByName('app-ready').length"
            )
            .await,
            json!(true),
            "the app must not have started"
        );
        // The buyer starts typing into the shell before the app is there.
        match c.find(Locator::Css("#shell #order-number")).await {
            Ok(field) => {
                if let Err(e) = field.send_keys(&order.number).await {
                    panic!("could not type into the shell: {e}");
                }
            }
            Err(e) => panic!("no order field in the shell: {e}"),
        }
        screenshot(&c, &format!("shell-before-app-{}", w.html_lang)).await;

        // The wasm arrives: the app replaces the shell and has the typed number, caret in place.
        release_wasm(&c).await;
        until(
            &c,
            "the app to take over",
            "return !!document.querySelector('[data-testid=lookup-form]') \
             && !document.getElementById('shell')",
        )
        .await;
        assert_eq!(text(&c, "[data-testid=app-name]").await, w.app_name);
        assert_eq!(text(&c, "#lookup-title").await, w.title);
        assert_eq!(text(&c, "[data-testid=lookup-submit]").await, w.submit);
        assert_eq!(
            js(
                &c,
                "return [document.querySelector('[data-testid=lookup-number]').value, \
                 document.activeElement && document.activeElement.id, \
                 document.querySelectorAll('#order-number').length, \
                 performance.getEntriesByName('app-ready').length]"
            )
            .await,
            json!([order.number, "order-number", 1, 1])
        );
        screenshot(&c, &format!("shell-app-took-over-{}", w.html_lang)).await;
        // The number reached the app's own state: the lookup with it finds the order.
        match c.find(Locator::Css("[data-testid=lookup-contact]")).await {
            Ok(field) => {
                if let Err(e) = field.send_keys(&contact).await {
                    panic!("could not type the contact: {e}");
                }
            }
            Err(e) => panic!("no contact field: {e}"),
        }
        match c.find(Locator::Css("[data-testid=lookup-submit]")).await {
            Ok(b) => {
                if let Err(e) = b.click().await {
                    panic!("could not send the lookup: {e}");
                }
            }
            Err(e) => panic!("no submit button: {e}"),
        }
        assert!(
            text(&c, "[data-testid=order-summary] h1")
                .await
                .contains(&order.number)
        );
        let _ = c.close().await;
    }
}

#[tokio::test]
async fn a_deeper_page_shows_the_header_and_a_loading_state_not_the_lookup() {
    let c = shell_only(&EN, "/order/TB-NOT-LOADED").await;
    assert_eq!(
        text(&c, "#shell .brand > span:last-child").await,
        EN.app_name
    );
    assert_eq!(text(&c, "#shell [role=status]").await, EN.loading);
    assert_eq!(
        js(
            &c,
            "return getComputedStyle(document.querySelector('#shell form')).display === 'none' \
             || !document.querySelector('#shell form').offsetParent"
        )
        .await,
        json!(true),
        "the lookup form is not shown on an order's address"
    );
    screenshot(&c, "shell-before-app-deep").await;
    let _ = c.close().await;
}

#[test]
fn hashed_files_are_immutable_and_pages_are_revalidated() {
    let base = &app().base;
    let get = |path: &str| match ureq::get(&format!("{base}{path}")).call() {
        Ok(r) => r,
        Err(e) => panic!("GET {path}: {e}"),
    };
    let page = get("/");
    let html = page.into_string().unwrap_or_default();
    // The page's own hashed files, as the page names them.
    let hashed: Vec<String> = html
        .split(['"', '\''])
        .filter(|s| {
            s.starts_with('/')
                && (s.ends_with(".js") || s.ends_with(".wasm") || s.ends_with(".css"))
        })
        .map(str::to_string)
        .collect();
    assert!(
        hashed.len() >= 3,
        "no hashed files in index.html: {hashed:?}"
    );
    for path in &hashed {
        assert_eq!(
            get(path).header("cache-control"),
            Some("public, max-age=31536000, immutable"),
            "{path}"
        );
    }
    for path in ["/", "/order/TB1", "/case/AS-1", "/admin/", "/admin/sw.js"] {
        assert_eq!(
            get(path).header("cache-control"),
            Some("no-cache"),
            "{path}"
        );
    }
}

/// The wasm files a page's HTML names (its own bundle's, and those it fetches next).
fn wasm_named_by(html: &str) -> Vec<String> {
    html.split(['"', '\'', ' '])
        .filter(|s| s.starts_with('/') && s.ends_with("_bg.wasm"))
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn each_page_is_its_own_bundle_and_the_next_page_comes_from_the_cache() {
    let base = &app().base;
    let html = |path: &str| match ureq::get(&format!("{base}{path}")).call() {
        Ok(r) => r.into_string().unwrap_or_default(),
        Err(e) => panic!("GET {path}: {e}"),
    };
    // The worker answers each page's paths with its bundle (shared::api::routes::portal_page_of);
    // an order number that looks like a file name is still an order's page.
    for (path, own) in [
        ("/", "/frontend-"),
        ("/order/TB1", "/p/order/order-"),
        ("/order/TB.1.PNG", "/p/order/order-"),
        ("/case/AS-1", "/p/case/case-"),
        ("/nowhere/at/all", "/frontend-"),
    ] {
        let named = wasm_named_by(&html(path));
        assert!(
            named.first().is_some_and(|w| w.starts_with(own)),
            "{path} loads {named:?}"
        );
    }

    let orders = fresh_orders("BND");
    app().import_orders(&orders);
    let order: &Order = &orders[0];
    let contact = order
        .buyer
        .email
        .clone()
        .or(order.buyer.phone.clone())
        .unwrap_or_default();
    let c = browser_with("en-GB", 390, 844).await;
    if let Err(e) = c.goto(&format!("{base}/")).await {
        panic!("could not open the lookup: {e}");
    }
    text(&c, "[data-testid=lookup-form] button[type=submit]").await;
    // Once the lookup has started, the order page's files arrive in the cache.
    until(
        &c,
        "the order page's wasm to be fetched ahead",
        "return performance.getEntriesByType('resource').some(e =>
           e.name.includes('/p/order/order-') && e.name.endsWith('_bg.wasm') && e.responseEnd > 0)",
    )
    .await;
    for (css, value) in [
        ("[data-testid=lookup-number]", order.number.as_str()),
        ("[data-testid=lookup-contact]", contact.as_str()),
    ] {
        match c.find(Locator::Css(css)).await {
            Ok(field) => {
                if let Err(e) = field.send_keys(value).await {
                    panic!("could not type into {css}: {e}");
                }
            }
            Err(e) => panic!("{css}: {e}"),
        }
    }
    match c.find(Locator::Css("[data-testid=lookup-submit]")).await {
        Ok(b) => {
            if let Err(e) = b.click().await {
                panic!("could not send the lookup: {e}");
            }
        }
        Err(e) => panic!("no lookup button: {e}"),
    }
    // The order page is a page load of its own bundle, whose wasm came from the cache: nothing
    // crossed the network for it.
    text(&c, "[data-testid=request-form]").await;
    let wasm = js(
        &c,
        "return performance.getEntriesByType('resource')
           .filter(e => e.name.endsWith('_bg.wasm'))
           .map(e => [new URL(e.name).pathname, e.transferSize])",
    )
    .await;
    let loaded: Vec<(String, i64)> = wasm
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| Some((e[0].as_str()?.to_string(), e[1].as_i64()?)))
                .collect()
        })
        .unwrap_or_default();
    let own: Vec<&(String, i64)> = loaded
        .iter()
        .filter(|(path, _)| !path.starts_with("/p/case/"))
        .collect();
    assert!(
        own.len() == 1 && own[0].0.starts_with("/p/order/order-") && own[0].1 == 0,
        "the order page loads its own wasm, from the cache: {loaded:?}"
    );
    // And it fetches its own next page's (the case page, after sending a request) ahead.
    until(
        &c,
        "the case page's wasm to be fetched ahead",
        "return performance.getEntriesByType('resource').some(e =>
           e.name.includes('/p/case/case-') && e.name.endsWith('_bg.wasm') && e.responseEnd > 0)",
    )
    .await;
    screenshot(&c, "portal-order-page-bundle").await;
    let _ = c.close().await;
}
