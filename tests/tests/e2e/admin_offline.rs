//! The seller admin without a connection, at 390×844: installable (its manifest), its service
//! worker only under /admin/, the last queue and case shown from the worker's store with their
//! age once the server is gone, and an arrival recorded meanwhile kept in the outbox and sent
//! when the server is back (the same port and state: to the browser, the site came back).

use serde_json::{Value, json};
use tests::{Api, Wrangler};

use crate::admin::{Desk, Shop, find};
use crate::helpers::{AGENT, WAREHOUSE, assert_status, shirt_return};
use crate::support::{fresh_orders, unique};

#[tokio::test]
async fn the_admin_works_offline_from_its_service_worker_and_sends_its_outbox_when_back() {
    let mut shop = Shop::own("admin-offline");
    let orders = fresh_orders("offline");
    shop.import(&orders);
    let shirt = find(&orders, tests::fixtures::stories::SHIRT);
    let id = shop.file(shirt, &shirt_return());
    let agent = shop.staff(AGENT);
    let r = agent.command(
        &format!("/api/staff/cases/{id}"),
        &json!({"type": "approve", "solution": {"kind": "return_and_refund"}}),
    );
    assert_status(&r, 200);
    let buyer = shop.buyer(shirt);
    let r = buyer.command(
        &format!("/api/buyer/cases/{id}"),
        &json!({"type": "enter_return_tracking", "carrier": "SF Express",
                "tracking": format!("SF{}", unique("8"))}),
    );
    assert_status(&r, 200);
    let Some(server) = shop.take_server() else {
        panic!("the test's own server");
    };
    let base = server.base.clone();

    // Installable: the manifest is served as such and reads.
    let manifest = Api::new(&base).get("/admin/manifest.webmanifest");
    assert_status(&manifest, 200);
    let kind = manifest.header("content-type").unwrap_or_default();
    assert!(kind.contains("json"), "manifest content type: {kind}");
    let m: Value = manifest.json();
    assert_eq!(m["start_url"], "/admin/");
    assert_eq!(m["scope"], "/admin/");
    assert_eq!(m["display"], "standalone");
    assert!(m["icons"].as_array().is_some_and(|i| i.len() >= 3));
    for icon in [
        "/admin/icon-192.png",
        "/admin/icon-512.png",
        "/admin/maskable-512.png",
    ] {
        let r = Api::new(&base).get(icon);
        assert_status(&r, 200);
        assert_eq!(r.header("content-type"), Some("image/png"));
    }

    // Online: the queue and the case, once the service worker controls the page.
    let desk = Desk::signed_in(&shop, WAREHOUSE, "en", "/admin").await;
    // Installed and active (the page that registered it loaded before it existed), then a page
    // loaded under it is controlled by it.
    desk.until(
        "the service worker to be active",
        "navigator.serviceWorker.getRegistration('/admin/').then(r => window.__swActive = \
         !!(r && r.active && r.active.state === 'activated')); return window.__swActive === true",
    )
    .await;
    desk.go("/admin").await;
    desk.until(
        "the service worker to control the page",
        "return !!navigator.serviceWorker.controller",
    )
    .await;
    desk.go("/admin").await;
    desk.wait("[data-testid=queue-rows] li").await;
    desk.go(&format!("/admin/case/{id}")).await;
    desk.wait("[data-testid=case-head]").await;
    let scopes = desk
        .js(
            "return navigator.serviceWorker.controller.scriptURL",
            vec![],
        )
        .await;
    assert_eq!(scopes, json!(format!("{base}/admin/sw.js")));
    // The portal has none: its page is not controlled.
    desk.go("/").await;
    desk.until(
        "the portal to load",
        "return document.readyState === 'complete'",
    )
    .await;
    assert_eq!(
        desk.js("return navigator.serviceWorker.controller === null", vec![])
            .await,
        json!(true),
        "the buyer portal has no service worker"
    );

    // The server goes away.
    let port = server.port();
    let state = server.state_dir.clone();
    server.stop();

    desk.go("/admin").await;
    let banner = desk.text("[data-testid=offline]").await;
    assert!(
        banner.contains("Offline") && banner.contains("queue as of"),
        "the queue says it is a stored copy and its age: {banner}"
    );
    desk.wait("[data-testid=queue-rows] li").await;
    desk.shot("offline-queue").await;

    desk.go(&format!("/admin/case/{id}")).await;
    desk.wait("[data-testid=case-head]").await;
    // The banner names the stored copy once the case has been read from the cache (after its
    // head is drawn, under load a moment later).
    desk.until(
        "the offline banner to name the stored case",
        "return (document.querySelector('[data-testid=offline]')?.textContent || '').includes('case as of')",
    )
    .await;
    desk.wait("[data-testid=needs-network]").await;
    desk.tap("[data-testid=action-return_arrived]").await;
    desk.tap("[data-testid=sheet-confirm]").await;
    desk.wait("[data-testid=queued]").await;
    let item = desk.text("[data-testid=outbox-item]").await;
    assert!(item.contains(&id) && item.contains("waiting"), "{item}");
    // Kept across a reload.
    desk.go("/admin").await;
    desk.wait("[data-testid=outbox-item][data-state=waiting]")
        .await;
    assert!(desk.text("[data-testid=outbox-count]").await.contains('1'));
    desk.shot("offline-outbox").await;

    // The server comes back on the same port with the same state.
    let server = match Wrangler::start_on(&state, port, &[]) {
        Ok(s) => s,
        Err(e) => panic!("could not start wrangler dev again: {e}"),
    };
    desk.tap("[data-testid=outbox-send]").await;
    for _ in 0..3 {
        if desk
            .exists("[data-testid=outbox-item][data-state=sent]")
            .await
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_secs(8)).await;
    }
    desk.wait("[data-testid=outbox-item][data-state=sent]")
        .await;
    desk.shot("outbox-sent").await;
    let case = shop.case(&shop.staff(AGENT), &id);
    let arrived = case["case"]["events"]
        .as_array()
        .is_some_and(|e| e.iter().any(|e| e["kind"]["type"] == "return_arrived"));
    assert!(arrived, "the arrival reached the server once: {case}");
    let count = case["case"]["events"].as_array().map_or(0, |e| {
        e.iter()
            .filter(|e| e["kind"]["type"] == "return_arrived")
            .count()
    });
    assert_eq!(count, 1);
    desk.close().await;
    server.stop();
}
