//! The foundation: one origin serves the API and the portal.

use crate::support::app;

#[test]
fn health_answers_json_with_the_version_from_the_portals_origin() {
    let app = app();
    let r = app.api().get("/api/health");
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap_or_default().starts_with("application/json"));
    let body = r.json();
    assert_eq!(body["service"], "aftersales");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    // The same origin serves the portal, and deep links fall back to it.
    for path in ["/", "/order/X1", "/case/AS-1"] {
        let page = app.api().send("GET", path, None, &[("Sec-Fetch-Mode", "navigate"), ("Accept", "text/html")]);
        assert_eq!(page.status, 200, "{path}");
        assert!(String::from_utf8_lossy(&page.body).contains("<html"), "{path} is not the portal");
    }
}

#[test]
fn unknown_api_routes_answer_the_json_error_envelope_not_the_portal() {
    let r = app().api().send("GET", "/api/nope", None, &[("Sec-Fetch-Mode", "navigate")]);
    assert_eq!(r.status, 404);
    assert_eq!(r.code(), "not_found");
    assert!(!r.json()["message"].as_str().unwrap_or_default().is_empty());
}
