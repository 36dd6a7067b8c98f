//! The foundation: one origin serves the API and the portal.

use crate::support::app;

#[test]
fn health_answers_json_with_the_version_from_the_portals_origin() {
    let app = app();
    let r = app.api().get("/api/health");
    assert_eq!(r.status, 200);
    assert!(
        r.header("content-type")
            .unwrap_or_default()
            .starts_with("application/json")
    );
    let body = r.json();
    assert_eq!(body["service"], "aftersales");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    // The same origin serves the portal, and deep links fall back to it.
    for path in ["/", "/order/X1", "/case/AS-1"] {
        let page = app.api().send(
            "GET",
            path,
            None,
            &[("Sec-Fetch-Mode", "navigate"), ("Accept", "text/html")],
        );
        assert_eq!(page.status, 200, "{path}");
        assert!(
            String::from_utf8_lossy(&page.body).contains("<html"),
            "{path} is not the portal"
        );
    }
}

#[test]
fn unknown_api_routes_answer_the_json_error_envelope_not_the_portal() {
    let r = app()
        .api()
        .send("GET", "/api/nope", None, &[("Sec-Fetch-Mode", "navigate")]);
    assert_eq!(r.status, 404);
    assert_eq!(r.code(), "not_found");
    assert!(!r.json()["message"].as_str().unwrap_or_default().is_empty());
}

#[test]
fn data_survives_a_restart_of_wrangler_dev() {
    let server = tests::Wrangler::start_fresh("restart").expect("wrangler dev");
    let dir = server.state_dir.clone();
    let shop = tests::Api::new(&server.base).with_bearer(tests::TEST_API_KEY);
    let orders = crate::support::fresh_orders("restart");
    assert_eq!(shop.post("/api/shop/orders", &orders).status, 200);
    let order = &orders[0];
    let lookup = serde_json::json!({"order_number": order.number, "contact": order.buyer.email});
    let token = tests::Api::new(&server.base)
        .post("/api/lookup", &lookup)
        .json()["token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let buyer = tests::Api::new(&server.base).with_bearer(&token);
    let filed = crate::helpers::file_with_key(&buyer, "restart-1", &crate::helpers::shirt_return());
    assert_eq!(
        filed.status,
        201,
        "{}",
        String::from_utf8_lossy(&filed.body)
    );
    let id = filed.json()["case"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    server.stop();

    let again = tests::Wrangler::start(&dir).expect("wrangler dev again");
    let buyer = tests::Api::new(&again.base).with_bearer(&token);
    let read = buyer.get(&format!("/api/buyer/cases/{id}"));
    assert_eq!(read.status, 200, "{}", String::from_utf8_lossy(&read.body));
    assert_eq!(read.json()["case"]["id"], id.as_str());
    assert_eq!(read.json()["state"], "awaiting_review");
    again.stop();
}

#[test]
fn a_webhook_goes_out_right_after_the_commit_without_waiting_for_the_cron() {
    let orders = crate::helpers::orders("hooknow");
    let buyer = crate::helpers::buyer(crate::helpers::story(
        &orders,
        tests::fixtures::stories::PHONE,
    ));
    let case = crate::helpers::file(
        &buyer,
        &serde_json::json!({"kind": "exchange", "reason": "damaged_in_transit",
            "lines": [{"sku": "PHONE-X12-256", "quantity": 1}]}),
    );
    // No cron call here: the request that filed the case sends its webhook once it has answered.
    let arrived = (0..40).any(|_| {
        let hooks = app().webhooks.lock().map(|h| h.clone()).unwrap_or_default();
        if hooks.iter().any(|(_, body)| body.contains(&case)) {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
        false
    });
    assert!(arrived, "the webhook for {case} arrived without the cron");
}

#[test]
fn every_case_event_reaches_the_shops_webhook_signed_with_hmac_sha256() {
    use hmac::{Hmac, Mac};
    let orders = crate::helpers::orders("hook");
    let buyer = crate::helpers::buyer(crate::helpers::story(
        &orders,
        tests::fixtures::stories::SHIRT,
    ));
    let case = crate::helpers::file(&buyer, &crate::helpers::shirt_return());
    // The cron delivers what the commits queued.
    let mut delivered = None;
    for _ in 0..20 {
        let r = app().api().get("/__scheduled?cron=*/5+*+*+*+*");
        assert_eq!(r.status, 200);
        let hooks = app().webhooks.lock().map(|h| h.clone()).unwrap_or_default();
        delivered = hooks.into_iter().find(|(_, body)| body.contains(&case));
        if delivered.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    let (head, body) = delivered.expect("a webhook for the new case");
    let event: serde_json::Value = serde_json::from_str(&body).expect("JSON body");
    assert_eq!(event["case_id"], case.as_str());
    assert_eq!(event["events"][0]["kind"]["type"], "filed");
    let signature = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("x-aftersales-signature:")
                .map(|v| v.trim().to_string())
        })
        .expect("signature header");
    let (t, v1) = signature.split_once(",v1=").expect("t=…,v1=…");
    let t = t.trim_start_matches("t=");
    let mut mac =
        Hmac::<sha2::Sha256>::new_from_slice(tests::TEST_WEBHOOK_SECRET.as_bytes()).expect("key");
    mac.update(format!("{t}.{body}").as_bytes());
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        v1, expected,
        "the signature verifies with the shared secret"
    );
}

#[test]
fn the_openapi_document_describes_every_route() {
    let r = app().api().get("/api/openapi.json");
    assert_eq!(r.status, 200);
    let doc = r.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"]
        .as_object()
        .map(|p| p.keys().cloned().collect::<Vec<_>>())
        .unwrap_or_default();
    // Every route of the table is documented (the exact match is a native test of the worker),
    // and the worker knows each path: an undeclared method gets 405 with `Allow`, not 404.
    for (method, template) in shared::api::routes::TABLE {
        assert!(
            paths.iter().any(|p| p == template),
            "{template} is not documented"
        );
        let path = template.replace("{id}", "AS-X");
        // A method the path does not take (DELETE, or PUT where DELETE is served).
        let other = if shared::api::routes::methods_at(template).contains(&"DELETE") {
            "PUT"
        } else {
            "DELETE"
        };
        let r = app().api().send(other, &path, None, &[]);
        assert_eq!(
            r.status,
            405,
            "{other} {path}: {}",
            String::from_utf8_lossy(&r.body)
        );
        assert_eq!(r.code(), "method_not_allowed");
        let allow = r.header("allow").unwrap_or_default().to_string();
        assert!(allow.contains(method), "{path}: Allow: {allow}");
    }
    let r = app().api().send("DELETE", "/api/no-such-route", None, &[]);
    assert_eq!(r.status, 404);
}
