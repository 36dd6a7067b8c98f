//! Typed steps the API tests share: a buyer who looked up an order, staff who signed in, filing.

use serde_json::{Value, json};
use shared::domain::Order;
use tests::{Api, ApiResponse, TEST_API_KEY, Wrangler, repo_root};

use crate::support::{TestApp, app, fresh_orders};

/// The demo accounts every test server gets (created once per server).
pub const OWNER: (&str, &str) = ("owner@test.shop", "owner-password-1");
/// An agent.
pub const AGENT: (&str, &str) = ("agent@test.shop", "agent-password-1");
/// A warehouse worker.
pub const WAREHOUSE: (&str, &str) = ("warehouse@test.shop", "warehouse-password-1");

/// Where the test shop takes returns.
pub const RETURN_ADDRESS: &str = "售后部 收 · 上海市浦东新区张江路 100 号 · 021-5555 0100";

/// Signs in once per account (creating the three accounts on first use); sessions are reused
/// because sign-ins per account are rate-limited.
pub fn staff(app: &TestApp, who: (&str, &str)) -> Api {
    static SESSIONS: std::sync::Mutex<Vec<(String, Api)>> = std::sync::Mutex::new(Vec::new());
    ensure_accounts(app);
    let mut sessions = SESSIONS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((_, api)) = sessions.iter().find(|(email, _)| email == who.0) {
        return api.clone();
    }
    let api = login(&app.base, who.0, who.1);
    sessions.push((who.0.to_string(), api.clone()));
    api
}

/// A `wrangler dev` of its own for the test `tag`, started with `vars` (local receivers, keys),
/// its owner bootstrapped and signed in: for tests that own the shop's settings or its
/// configuration without touching the shared app.
pub fn own_server(tag: &str, vars: &[(&str, &str)]) -> (Wrangler, Api) {
    let dir = repo_root()
        .join("test-artifacts/state")
        .join(format!("{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::create_dir_all(&dir);
    let server = match Wrangler::start_with(&dir, vars) {
        Ok(server) => server,
        Err(e) => panic!("wrangler dev for {tag}: {e}"),
    };
    let boot = json!({"email": OWNER.0, "name": "Owner", "role": "owner", "password": OWNER.1});
    let r = Api::new(&server.base)
        .with_bearer(TEST_API_KEY)
        .post("/api/shop/bootstrap", &boot);
    assert_status(&r, 201);
    let owner = login(&server.base, OWNER.0, OWNER.1);
    (server, owner)
}

/// Signs in with a session cookie and its CSRF token.
pub fn login(base: &str, email: &str, password: &str) -> Api {
    let mut api = Api::new(base);
    let r = api.post(
        "/api/staff/login",
        &json!({"email": email, "password": password}),
    );
    assert_eq!(
        r.status,
        200,
        "login {email}: {}",
        String::from_utf8_lossy(&r.body)
    );
    api.cookie = r
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .map(str::to_string);
    api.csrf = r.json()["csrf_token"].as_str().map(str::to_string);
    api
}

fn ensure_accounts(app: &TestApp) {
    static DONE: std::sync::Once = std::sync::Once::new();
    DONE.call_once(|| {
        let boot = json!({"email": OWNER.0, "name": "Owner", "role": "owner", "password": OWNER.1});
        let r = app.shop_system().post("/api/shop/bootstrap", &boot);
        assert!(
            r.status == 201 || r.status == 409,
            "bootstrap: {}",
            String::from_utf8_lossy(&r.body)
        );
        let owner = login(&app.base, OWNER.0, OWNER.1);
        let mut policy = owner.get("/api/staff/policy").json();
        policy["return_address"] = json!(RETURN_ADDRESS);
        let r = owner.put("/api/staff/policy", &policy);
        assert_eq!(
            r.status,
            200,
            "policy: {}",
            String::from_utf8_lossy(&r.body)
        );
        for (role, (email, password)) in [("agent", AGENT), ("warehouse", WAREHOUSE)] {
            let body = json!({"email": email, "name": role, "role": role, "password": password});
            let r = owner.post("/api/staff/accounts", &body);
            assert!(
                r.status == 201 || r.status == 409,
                "account {email}: {}",
                String::from_utf8_lossy(&r.body)
            );
        }
    });
}

/// Fresh copies of the demo orders, imported, for one test.
pub fn orders(tag: &str) -> Vec<Order> {
    let orders = fresh_orders(tag);
    app().import_orders(&orders);
    orders
}

/// The order whose number starts with `prefix` (a story's number).
pub fn story<'a>(orders: &'a [Order], prefix: &str) -> &'a Order {
    match orders.iter().find(|o| o.number.starts_with(prefix)) {
        Some(o) => o,
        None => panic!("no order {prefix}"),
    }
}

/// The contact a buyer looks an order up with: its e-mail, or its phone when it has none.
pub fn contact_of(order: &Order) -> String {
    order
        .buyer
        .email
        .clone()
        .or(order.buyer.phone.clone())
        .unwrap_or_default()
}

/// A buyer who looked the order up (with its e-mail, or its phone when it has none).
pub fn buyer(order: &Order) -> Api {
    let contact = contact_of(order);
    let r = app().api().post(
        "/api/lookup",
        &json!({"order_number": order.number, "contact": contact}),
    );
    assert_eq!(
        r.status,
        200,
        "lookup: {}",
        String::from_utf8_lossy(&r.body)
    );
    let token = r.json()["token"].as_str().unwrap_or_default().to_string();
    app().api().with_bearer(&token)
}

/// Files a case with an idempotency key.
pub fn file_with_key(buyer: &Api, key: &str, request: &Value) -> ApiResponse {
    let body = serde_json::to_vec(request).unwrap_or_default();
    buyer.send(
        "POST",
        "/api/buyer/cases",
        Some(("application/json", body)),
        &[("Idempotency-Key", key)],
    )
}

/// Files a case (fresh key) and returns its id; fails the test if refused.
pub fn file(buyer: &Api, request: &Value) -> String {
    let key = crate::support::unique("k");
    let r = file_with_key(buyer, &key, request);
    assert_eq!(r.status, 201, "file: {}", String::from_utf8_lossy(&r.body));
    r.json()["case"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Sends a command as staff.
pub fn staff_command(staff: &Api, case: &str, command: &Value) -> ApiResponse {
    staff.command(&format!("/api/staff/cases/{case}"), command)
}

/// Sends a command as the buyer.
pub fn buyer_command(buyer: &Api, case: &str, command: &Value) -> ApiResponse {
    buyer.command(&format!("/api/buyer/cases/{case}"), command)
}

/// Asserts a status, printing the body when it differs.
#[track_caller]
pub fn assert_status(r: &ApiResponse, status: u16) {
    assert_eq!(
        r.status,
        status,
        "body: {}",
        String::from_utf8_lossy(&r.body)
    );
}

/// The shirt story's request: the shirt does not fit.
pub fn shirt_return() -> Value {
    json!({"kind": "return_and_refund", "reason": "size_or_fit", "lines": [{"sku": "SHIRT-OX-L", "quantity": 1}],
           "note": "Too small", "intact_confirmed": true})
}

/// One order, never signed for, shipped `days` ago (its own number), imported.
pub fn order_on_its_way(tag: &str, days: i64) -> Order {
    let mut order = crate::support::fresh_orders(tag)
        .into_iter()
        .find(|o| o.shipped_at.is_some())
        .expect("a shipped demo order");
    let now = crate::support::now().0;
    order.paid_at.0 = now - (days + 1) * shared::domain::MS_PER_DAY;
    order.shipped_at = Some(shared::domain::Timestamp(
        now - days * shared::domain::MS_PER_DAY,
    ));
    order.signed_for_at = None;
    app().import_orders(std::slice::from_ref(&order));
    order
}
