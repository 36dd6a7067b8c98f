//! Limits, races and idempotency under concurrent requests against the real worker: the faults
//! that one request at a time never shows.

use std::sync::{Arc, Barrier, OnceLock};

use serde_json::{Value, json};
use tests::{Api, ApiResponse, Wrangler, repo_root};

use crate::helpers::*;
use crate::support::{app, fresh_orders, unique};
use tests::fixtures::stories;

/// Sends `count` requests at the same moment (one thread each) and returns every answer.
fn burst<F>(count: usize, request: F) -> Vec<ApiResponse>
where
    F: Fn(usize) -> ApiResponse + Send + Sync + 'static,
{
    let barrier = Arc::new(Barrier::new(count));
    let request = Arc::new(request);
    let handles: Vec<_> = (0..count)
        .map(|i| {
            let (barrier, request) = (barrier.clone(), request.clone());
            std::thread::spawn(move || {
                barrier.wait();
                request(i)
            })
        })
        .collect();
    handles
        .into_iter()
        .map(|h| h.join().expect("request thread"))
        .collect()
}

fn count(answers: &[ApiResponse], status: u16) -> usize {
    answers.iter().filter(|a| a.status == status).count()
}

fn statuses(answers: &[ApiResponse]) -> Vec<u16> {
    answers.iter().map(|a| a.status).collect()
}

fn staff_case(case: &str) -> Value {
    staff(app(), AGENT)
        .get(&format!("/api/staff/cases/{case}"))
        .json()
}

/// The two rivals of a decision race: the agent approves (0), the owner rejects (1).
fn rival_decision(i: usize) -> (Api, Value) {
    if i == 0 {
        (
            staff(app(), AGENT),
            json!({"type": "approve", "solution": {"kind": "return_and_refund"}}),
        )
    } else {
        (
            staff(app(), OWNER),
            json!({"type": "reject", "reason_code": "insufficient_proof", "note": "need photos"}),
        )
    }
}

/// The two rivals of a race without versions: two staff members approve the same request with
/// different solutions at the same moment, the agent a return and refund (0), the owner an
/// exchange for another size (1). Whichever the desk runs first decides the case; the other is no longer
/// allowed on its result. (An approval and a rejection are not such a pair without versions:
/// approving a case just rejected is a reconsideration the policy allows, and a command without a
/// version asks to be judged on the case as it is.)
fn rival_approval(i: usize) -> (Api, Value) {
    if i == 0 {
        rival_decision(0)
    } else {
        (
            staff(app(), OWNER),
            json!({"type": "approve", "solution": {"kind": "exchange"}}),
        )
    }
}

/// Ten rounds of two conflicting decisions sent at the same moment on one fresh case, naming the
/// version both saw (`If-Match`: an approval against a rejection) or none (two approvals with
/// different solutions): each round exactly one decision applies. With the version, the loser is
/// refused as `conflict`; without it, the order's desk runs the second on the first one's
/// result, where it is no longer allowed (`not_allowed_in_state`). Either way the loser gets 409
/// and the case holds one decision.
fn ten_decision_races(tag: &str, name_the_version: bool) {
    let orders: Vec<_> = (0..10).map(|i| orders(&format!("{tag}-{i}"))).collect();
    for (round, orders) in orders.iter().enumerate() {
        let buyer = buyer(story(orders, stories::SHIRT));
        let case = file(&buyer, &shirt_return());
        let seen = staff_case(&case)["version"].to_string();
        let c = case.clone();
        let answers = burst(2, move |i| {
            let (who, command) = if name_the_version {
                rival_decision(i)
            } else {
                rival_approval(i)
            };
            let version = format!("\"{seen}\"");
            let headers: Vec<(&str, &str)> = if name_the_version {
                vec![("If-Match", version.as_str())]
            } else {
                Vec::new()
            };
            who.send(
                "POST",
                &format!("/api/staff/cases/{c}/commands"),
                Some((
                    "application/json",
                    serde_json::to_vec(&command).unwrap_or_default(),
                )),
                &headers,
            )
        });
        let told: Vec<String> = answers
            .iter()
            .map(|a| {
                let j = a.json();
                let events = j["case"]["events"].as_array().map_or(Vec::new(), |e| {
                    e.iter()
                        .map(|e| e["kind"]["type"].as_str().unwrap_or("?").to_string())
                        .collect()
                });
                format!(
                    "{} {} v{} {:?} {}",
                    a.status,
                    j["state"],
                    j["version"],
                    events,
                    a.code()
                )
            })
            .collect();
        assert_eq!(
            (count(&answers, 200), count(&answers, 409)),
            (1, 1),
            "round {round}: {told:#?}"
        );
        let loser = answers.iter().find(|a| a.status == 409).map(|a| a.code());
        let expected = if name_the_version {
            "conflict"
        } else {
            "not_allowed_in_state"
        };
        assert_eq!(loser.as_deref(), Some(expected), "round {round}");
        let after = staff_case(&case);
        let events = after["case"]["events"].clone();
        let decisions: Vec<&str> = events.as_array().map_or(Vec::new(), |e| {
            e.iter()
                .filter_map(|e| e["kind"]["type"].as_str())
                .filter(|kind| matches!(*kind, "approved" | "rejected"))
                .collect()
        });
        assert_eq!(decisions.len(), 1, "round {round}: {events}");
        // The winner's answer is the case as stored.
        let winner = answers
            .iter()
            .find(|a| a.status == 200)
            .map(ApiResponse::json);
        assert_eq!(
            winner.map(|w| w["version"].clone()),
            Some(after["version"].clone()),
            "round {round}"
        );
    }
}

#[test]
fn ten_races_between_an_approval_and_a_rejection_each_apply_exactly_one() {
    ten_decision_races("race10", true);
}

#[test]
fn without_if_match_ten_races_between_two_approvals_each_apply_exactly_one() {
    ten_decision_races("race10-nover", false);
}

#[test]
fn one_idempotency_key_with_two_bodies_at_once_files_one_case_and_refuses_the_other() {
    for round in 0..5 {
        let orders = orders(&format!("idemrace{round}"));
        let buyer = buyer(story(&orders, stories::SHIRT));
        let key = unique("idemrace");
        let answers = burst(2, move |i| {
            let mut request = shirt_return();
            request["note"] = json!(format!("body {i}"));
            file_with_key(&buyer, &key, &request)
        });
        assert_eq!(
            count(&answers, 201),
            1,
            "round {round}: {:?}",
            statuses(&answers)
        );
        let loser = answers.iter().find(|a| a.status != 201);
        assert_eq!(
            loser.map(|a| (a.status, a.code())),
            Some((409, "idempotency_key_reused".into()))
        );
    }
}

/// A second server with the guessing limits as deployed (the shared test server lifts the
/// per-address limits so that the other tests can look orders up freely).
struct LimitedServer {
    base: String,
    _server: Wrangler,
}

fn limited() -> &'static LimitedServer {
    static SERVER: OnceLock<LimitedServer> = OnceLock::new();
    SERVER.get_or_init(|| {
        let dir = repo_root()
            .join("test-artifacts/state")
            .join(format!("limits-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::create_dir_all(&dir);
        let server = Wrangler::start_with(
            &dir,
            &[
                ("LOOKUPS_PER_IP_PER_MINUTE", "10"),
                ("LOGINS_PER_IP_PER_MINUTE", "20"),
            ],
        )
        .expect("wrangler dev with the deployed limits");
        let base = server.base.clone();
        let shop = Api::new(&base).with_bearer(tests::TEST_API_KEY);
        let boot = json!({"email": OWNER.0, "name": "Owner", "role": "owner", "password": OWNER.1});
        assert_eq!(shop.post("/api/shop/bootstrap", &boot).status, 201);
        LimitedServer {
            base,
            _server: server,
        }
    })
}

fn import(server: &LimitedServer, tag: &str) -> Vec<shared::domain::Order> {
    let orders = fresh_orders(tag);
    let shop = Api::new(&server.base).with_bearer(tests::TEST_API_KEY);
    let r = shop.post("/api/shop/orders", &orders);
    assert_status(&r, 200);
    orders
}

fn lookup_from(base: &str, address: &str, number: &str, contact: &str) -> ApiResponse {
    let body = serde_json::to_vec(&json!({"order_number": number, "contact": contact}))
        .unwrap_or_default();
    Api::new(base).send(
        "POST",
        "/api/lookup",
        Some(("application/json", body)),
        &[("CF-Connecting-IP", address)],
    )
}

#[test]
fn forty_concurrent_lookups_from_one_address_evaluate_exactly_ten() {
    let base = limited().base.clone();
    let answers = burst(40, move |i| {
        lookup_from(&base, "198.51.100.10", &format!("NOPE-{i}"), "x@y.cn")
    });
    assert_eq!(count(&answers, 404), 10, "{:?}", statuses(&answers));
    assert_eq!(count(&answers, 429), 30, "{:?}", statuses(&answers));
}

#[test]
fn one_ipv6_64_is_one_client() {
    let base = limited().base.clone();
    let answers = burst(16, move |i| {
        lookup_from(
            &base,
            &format!("2001:db8:77:1::{:x}", i + 1),
            &format!("V6-{i}"),
            "x@y.cn",
        )
    });
    assert_eq!(count(&answers, 404), 10, "{:?}", statuses(&answers));
    // The next /64 is another client.
    let r = lookup_from(&limited().base, "2001:db8:77:2::1", "V6-next", "x@y.cn");
    assert_status(&r, 404);
}

#[test]
fn guesses_on_one_order_from_many_addresses_stop_at_its_budget_and_the_buyer_still_gets_in() {
    let server = limited();
    let orders = import(server, "guess-many");
    let order = story(&orders, stories::SHIRT).clone();
    let email = order.buyer.email.clone().unwrap_or_default();
    // The buyer looked the order up before, on this phone: it has a device cookie.
    let first = lookup_from(&server.base, "203.0.113.5", &order.number, &email);
    assert_status(&first, 200);
    let device = first
        .headers
        .iter()
        .find(|(k, v)| k == "set-cookie" && v.starts_with("__Host-device="))
        .and_then(|(_, v)| v.split(';').next())
        .map(str::to_string)
        .expect("a device cookie");
    // Forty guessers, one wrong guess each, at once: the order's budget (30) holds.
    let (base, number) = (server.base.clone(), order.number.clone());
    let answers = burst(40, move |i| {
        lookup_from(
            &base,
            &format!("192.0.2.{}", i + 1),
            &number,
            &format!("guess{i}@x.cn"),
        )
    });
    assert_eq!(count(&answers, 404), 30, "{:?}", statuses(&answers));
    assert_eq!(count(&answers, 429), 10, "{:?}", statuses(&answers));
    // An unknown device is held back now, even with the right contact...
    let stranger = lookup_from(&server.base, "203.0.113.99", &order.number, &email);
    assert_status(&stranger, 429);
    // ...but the buyer's own phone, on another network, still gets in.
    let body = serde_json::to_vec(&json!({"order_number": order.number, "contact": email}))
        .unwrap_or_default();
    let known = Api::new(&server.base).send(
        "POST",
        "/api/lookup",
        Some(("application/json", body)),
        &[("CF-Connecting-IP", "203.0.113.77"), ("Cookie", &device)],
    );
    assert_status(&known, 200);
}

#[test]
fn ten_wrong_guesses_from_one_address_do_not_lock_out_the_real_buyer() {
    let server = limited();
    let orders = import(server, "guess-one");
    let order = story(&orders, stories::PHONE).clone();
    let contact = contact_of(&order);
    let answers: Vec<ApiResponse> = (0..10)
        .map(|i| {
            lookup_from(
                &server.base,
                "198.51.100.66",
                &order.number,
                &format!("g{i}@x.cn"),
            )
        })
        .collect();
    let guesses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    // A refusal says when to try again: `Retry-After` within the guessing window (fixed
    // windows of `GUESS_WINDOW_MINUTES`, 15 by default), and the same wait in the message (the
    // portal shows the message): seconds up to a minute and a half, then whole minutes.
    let refused = &answers[9];
    let wait: u32 = refused
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .expect("Retry-After on a 429");
    assert!((1..=15 * 60 + 1).contains(&wait), "{wait}");
    let message = refused.json()["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let said = match wait {
        0..=1 => "a second".to_string(),
        2..=90 => format!("{wait} seconds"),
        _ => format!("{} minutes", wait.div_ceil(60)),
    };
    assert!(message.contains(&said), "{message} (Retry-After {wait})");
    assert_eq!(
        guesses.iter().filter(|s| **s == 404).count(),
        5,
        "{guesses:?}"
    );
    assert!(guesses[5..].iter().all(|s| *s == 429), "{guesses:?}");
    let real = lookup_from(&server.base, "203.0.113.20", &order.number, &contact);
    assert_status(&real, 200);
}

fn login_from(
    base: &str,
    address: &str,
    email: &str,
    password: &str,
    cookie: Option<&str>,
) -> ApiResponse {
    let body =
        serde_json::to_vec(&json!({"email": email, "password": password})).unwrap_or_default();
    let mut headers = vec![("CF-Connecting-IP", address)];
    if let Some(c) = cookie {
        headers.push(("Cookie", c));
    }
    Api::new(base).send(
        "POST",
        "/api/staff/login",
        Some(("application/json", body)),
        &headers,
    )
}

#[test]
fn wrong_passwords_lock_out_the_guesser_not_the_owner() {
    let server = limited();
    // The owner signed in before on this device.
    let first = login_from(&server.base, "203.0.113.1", OWNER.0, OWNER.1, None);
    assert_status(&first, 200);
    let device = first
        .headers
        .iter()
        .find(|(k, v)| k == "set-cookie" && v.starts_with("__Host-device="))
        .and_then(|(_, v)| v.split(';').next())
        .map(str::to_string)
        .expect("a device cookie");
    // One guesser: five wrong passwords, then refused.
    let guesser: Vec<u16> = (0..7)
        .map(|i| {
            login_from(
                &server.base,
                "198.51.100.200",
                OWNER.0,
                &format!("wrong-{i}"),
                None,
            )
            .status
        })
        .collect();
    assert_eq!(guesser, vec![401, 401, 401, 401, 401, 429, 429]);
    // The owner elsewhere is not locked out.
    assert_status(
        &login_from(&server.base, "203.0.113.2", OWNER.0, OWNER.1, None),
        200,
    );
    // Many guessers at once spend the account's budget (30)...
    let base = server.base.clone();
    let answers = burst(40, move |i| {
        login_from(
            &base,
            &format!("192.0.2.{}", 100 + i),
            OWNER.0,
            "wrong-password",
            None,
        )
    });
    assert!(count(&answers, 401) <= 30, "{:?}", statuses(&answers));
    assert!(count(&answers, 429) >= 10, "{:?}", statuses(&answers));
    // ...after which only a device that signed in before gets through.
    assert_status(
        &login_from(&server.base, "203.0.113.3", OWNER.0, OWNER.1, None),
        429,
    );
    assert_status(
        &login_from(&server.base, "203.0.113.4", OWNER.0, OWNER.1, Some(&device)),
        200,
    );
}
