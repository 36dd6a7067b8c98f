//! The authorization matrix: every endpoint against anonymous, another buyer, the case's buyer,
//! agent, warehouse and owner. Each forbidden pair answers 401/403/404 and leaks nothing.

use serde_json::{Value, json};

use crate::helpers::*;
use crate::support::app;
use tests::fixtures::stories;
use tests::{Api, ApiResponse};

struct Callers {
    anonymous: Api,
    other_buyer: Api,
    buyer: Api,
    agent: Api,
    warehouse: Api,
    owner: Api,
    shop_system: Api,
}

fn callers(tag: &str) -> (Callers, String, shared::domain::Order) {
    let orders = orders(tag);
    let order = story(&orders, stories::SHIRT).clone();
    let buyer = buyer(&order);
    let case = file(&buyer, &shirt_return());
    let c = Callers {
        anonymous: app().api(),
        other_buyer: crate::helpers::buyer(story(&orders, stories::BOOK)),
        buyer,
        agent: staff(app(), AGENT),
        warehouse: staff(app(), WAREHOUSE),
        owner: staff(app(), OWNER),
        shop_system: app().shop_system(),
    };
    (c, case, order)
}

/// A refusal: the expected status, the JSON envelope, and none of the order's personal data.
#[track_caller]
fn refused(r: &ApiResponse, statuses: &[u16], order: &shared::domain::Order) {
    assert!(
        statuses.contains(&r.status),
        "expected {statuses:?}, got {} {}",
        r.status,
        String::from_utf8_lossy(&r.body)
    );
    assert!(
        !r.code().is_empty(),
        "error envelope: {}",
        String::from_utf8_lossy(&r.body)
    );
    let body = String::from_utf8_lossy(&r.body);
    for secret in [
        order.buyer.name.as_str(),
        order.buyer.email.as_deref().unwrap_or("-"),
        order.number.as_str(),
    ] {
        assert!(!body.contains(secret), "leaks {secret}: {body}");
    }
}

fn call(api: &Api, method: &str, path: &str, body: Option<&Value>) -> ApiResponse {
    match (method, body) {
        ("GET", _) => api.get(path),
        ("PUT", Some(b)) => api.put(path, b),
        (_, Some(b)) => api.post(path, b),
        (m, None) => api.send(m, path, None, &[]),
    }
}

#[test]
fn buyer_routes_answer_only_the_cases_buyer() {
    let (c, case, order) = callers("authz-buyer");
    let routes: Vec<(&str, String, Option<Value>)> = vec![
        ("GET", format!("/api/buyer/cases/{case}"), None),
        (
            "POST",
            format!("/api/buyer/cases/{case}/commands"),
            Some(json!({"type": "message", "text": "hello"})),
        ),
    ];
    for (method, path, body) in &routes {
        refused(
            &call(&c.anonymous, method, path, body.as_ref()),
            &[401],
            &order,
        );
        refused(
            &call(&c.other_buyer, method, path, body.as_ref()),
            &[404],
            &order,
        );
        for staff in [&c.agent, &c.warehouse, &c.owner] {
            refused(&call(staff, method, path, body.as_ref()), &[401], &order);
        }
        // The rightful buyer names the version it acted on, as the portal does.
        let own = match (path.strip_suffix("/commands"), body) {
            (Some(case_path), Some(b)) => c.buyer.command(case_path, b),
            _ => call(&c.buyer, method, path, body.as_ref()),
        };
        assert_status(&own, 200);
    }
    // Knowing the e-mail does not reveal the phone number, in the order or in a case's snapshot.
    let phone = order.buyer.phone.clone().unwrap_or_default();
    for path in [
        "/api/buyer/order".to_string(),
        format!("/api/buyer/cases/{case}"),
    ] {
        let body = String::from_utf8_lossy(&c.buyer.get(&path).body).into_owned();
        assert!(
            !phone.is_empty() && !body.contains(&phone),
            "{path} reveals the phone: {body}"
        );
    }
    refused(&c.anonymous.get("/api/buyer/order"), &[401], &order);
    let other = c.other_buyer.get("/api/buyer/order");
    assert_status(&other, 200);
    assert!(
        !String::from_utf8_lossy(&other.body).contains(&order.number),
        "another buyer sees only their own order"
    );
    // A tampered or foreign token is worth nothing.
    let token = c.buyer.bearer.clone().unwrap_or_default();
    let tampered = format!("{}x", token);
    refused(
        &app()
            .api()
            .with_bearer(&tampered)
            .get(&format!("/api/buyer/cases/{case}")),
        &[401],
        &order,
    );
    refused(
        &app()
            .api()
            .with_bearer(tests::TEST_API_KEY)
            .get(&format!("/api/buyer/cases/{case}")),
        &[401],
        &order,
    );
}

#[test]
fn staff_routes_answer_staff_by_role() {
    let (c, case, order) = callers("authz-staff");
    let policy = c.agent.get("/api/staff/policy").json();
    let canned = c.agent.get("/api/staff/canned-replies").json();
    // (method, path, body, roles allowed: agent, warehouse, owner)
    let routes: Vec<(&str, String, Option<Value>, [bool; 3])> = vec![
        ("GET", "/api/staff/queue".into(), None, [true, true, true]),
        (
            "GET",
            format!("/api/staff/cases/{case}"),
            None,
            [true, true, true],
        ),
        (
            "GET",
            "/api/staff/canned-replies".into(),
            None,
            [true, true, true],
        ),
        ("GET", "/api/staff/policy".into(), None, [true, true, true]),
        (
            "GET",
            "/api/staff/analytics".into(),
            None,
            // Shop-wide figures: not the warehouse's business (worker/src/visibility.rs).
            [true, false, true],
        ),
        (
            "GET",
            "/api/staff/export.csv".into(),
            None,
            // Shop-wide figures: not the warehouse's business (worker/src/visibility.rs).
            [true, false, true],
        ),
        ("GET", "/api/staff/me".into(), None, [true, true, true]),
        (
            "GET",
            "/api/staff/accounts".into(),
            None,
            [false, false, true],
        ),
        (
            "PUT",
            "/api/staff/policy".into(),
            Some(policy),
            [false, false, true],
        ),
        (
            "PUT",
            "/api/staff/canned-replies".into(),
            Some(canned),
            [false, false, true],
        ),
        (
            "POST",
            "/api/staff/rebuild-indexes".into(),
            Some(json!({})),
            [false, false, true],
        ),
    ];
    for (method, path, body, allowed) in &routes {
        for caller in [&c.anonymous, &c.buyer, &c.other_buyer, &c.shop_system] {
            refused(&call(caller, method, path, body.as_ref()), &[401], &order);
        }
        for (i, staff) in [&c.warehouse, &c.owner, &c.agent].into_iter().enumerate() {
            let role = [1, 2, 0][i];
            let r = call(staff, method, path, body.as_ref());
            if allowed[role] {
                assert!(
                    r.status == 200 || r.status == 201,
                    "{method} {path} as role {role}: {} {}",
                    r.status,
                    String::from_utf8_lossy(&r.body)
                );
            } else {
                refused(&r, &[403], &order);
            }
        }
    }
    // The policy decides which role may send which command: the warehouse does not decide.
    let ask = json!({"type": "request_info", "question": "A photo of the label?"});
    refused(
        &c.warehouse
            .command(&format!("/api/staff/cases/{case}"), &ask),
        &[403],
        &order,
    );
    assert_status(
        &c.agent.command(&format!("/api/staff/cases/{case}"), &ask),
        200,
    );
    // Without the CSRF token a signed-in state change is refused.
    let mut no_csrf = c.agent.clone();
    no_csrf.csrf = None;
    let r = no_csrf.command(
        &format!("/api/staff/cases/{case}"),
        &json!({"type": "message", "text": "hi"}),
    );
    refused(&r, &[403], &order);
    assert_eq!(r.code(), "csrf_mismatch");
}

#[test]
fn shop_system_routes_need_the_api_key() {
    let (c, _, order) = callers("authz-shop");
    let orders = crate::support::fresh_orders("authz-import");
    for caller in [&c.anonymous, &c.buyer, &c.agent, &c.owner] {
        refused(&caller.post("/api/shop/orders", &orders), &[401], &order);
        refused(
            &caller.post(
                "/api/shop/bootstrap",
                &json!({"email": "x@y.z", "name": "x", "role": "owner", "password": "0123456789"}),
            ),
            &[401],
            &order,
        );
    }
    assert_status(&c.shop_system.post("/api/shop/orders", &orders), 200);
    // Bootstrap works once only.
    let again = c.shop_system.post(
        "/api/shop/bootstrap",
        &json!({"email": "x@y.z", "name": "x", "role": "owner", "password": "0123456789"}),
    );
    assert_status(&again, 409);
}

#[test]
fn a_wrong_password_is_refused_without_saying_which_part_was_wrong() {
    let _ = staff(app(), AGENT);
    let wrong = app().api().post(
        "/api/staff/login",
        &json!({"email": AGENT.0, "password": "not-the-password"}),
    );
    let nobody = app().api().post(
        "/api/staff/login",
        &json!({"email": "nobody@test.shop", "password": "not-the-password"}),
    );
    assert_status(&wrong, 401);
    assert_eq!(wrong.body, nobody.body);
    let login = app().api().post(
        "/api/staff/login",
        &json!({"email": AGENT.0, "password": AGENT.1}),
    );
    let cookie = login.header("set-cookie").unwrap_or_default().to_string();
    for attribute in [
        "__Host-session=",
        "HttpOnly",
        "Secure",
        "SameSite=Strict",
        "Path=/",
        "Max-Age=",
    ] {
        assert!(
            cookie.contains(attribute),
            "cookie lacks {attribute}: {cookie}"
        );
    }
}
