//! Deadlines fire from the cron. Time is driven by planting case histories in the past straight
//! into the local KV state (`wrangler kv bulk put --local`) before the server starts, built with
//! the same policy engine: there is no clock override in any build.

use std::process::Command as Process;

use serde_json::{Value, json};
use shared::domain::{
    Actor, Case, CaseRequest, Command, MS_PER_HOUR, Order, Role, Solution, Timestamp,
};
use shared::policy::{self, BuyerStanding, Context, Policy};
use tests::{Wrangler, repo_root};

use crate::helpers::{OWNER, login};
use crate::support::fresh_orders;

/// A case history being written: its commits as KV entries.
pub(crate) struct Planted {
    pub(crate) case: Case,
    pub(crate) entries: Vec<Value>,
}

fn ctx(policy: &Policy, at: Timestamp) -> Context<'_> {
    Context {
        policy,
        now: at,
        other_cases: &[],
        buyer: BuyerStanding::default(),
    }
}

fn log_key(id: &str, seq: usize, at: Timestamp) -> String {
    format!("case:{id}:log:{seq:08}:{:013}:{:016x}", at.0, seq)
}

pub(crate) fn plant(
    policy: &Policy,
    id: &str,
    order: &Order,
    request: Value,
    filed_at: Timestamp,
) -> Planted {
    let request: CaseRequest = serde_json::from_value(request).expect("request");
    let case = policy::file_case(id.into(), order, request, &ctx(policy, filed_at))
        .expect("filed in the past");
    let commit = json!({"type": "filed", "case": case});
    Planted {
        entries: vec![json!({"key": log_key(id, 1, filed_at), "value": commit.to_string()})],
        case,
    }
}

impl Planted {
    pub(crate) fn then(
        mut self,
        policy: &Policy,
        actor: Actor,
        command: Command,
        at: Timestamp,
    ) -> Self {
        let events = policy::decide(&self.case, &command, &actor, &ctx(policy, at))
            .expect("step in the past");
        policy::apply(&mut self.case, events.clone());
        let seq = self.entries.len() + 1;
        let commit = json!({"type": "events", "events": events});
        self.entries
            .push(json!({"key": log_key(&self.case.id, seq, at), "value": commit.to_string()}));
        self
    }
}

pub(crate) fn agent() -> Actor {
    Actor::Staff {
        id: "st_planted".into(),
        role: Role::Agent,
    }
}

pub(crate) fn warehouse() -> Actor {
    Actor::Staff {
        id: "st_planted_wh".into(),
        role: Role::Warehouse,
    }
}

fn state_of(api: &tests::Api, id: &str) -> (String, usize) {
    let r = api.get(&format!("/api/staff/cases/{id}"));
    assert_eq!(r.status, 200, "{id}: {}", String::from_utf8_lossy(&r.body));
    let j = r.json();
    (
        j["state"].as_str().unwrap_or_default().to_string(),
        j["case"]["events"].as_array().map_or(0, Vec::len),
    )
}

#[test]
fn every_timeout_fires_from_the_cron_once_and_a_second_run_changes_nothing() {
    let policy = Policy::default();
    let mut orders = fresh_orders("cron");
    // The orders are as old as the histories planted on them.
    for o in &mut orders {
        crate::support::age(o, 20);
    }
    let by = |prefix: &str| {
        orders
            .iter()
            .find(|o| o.number.starts_with(prefix))
            .cloned()
            .expect("order")
    };
    // Each planted case gets an order of its own, so no two open cases claim the same unit.
    let mut own_orders: Vec<Order> = Vec::new();
    let mut own = |o: &Order, tag: &str| {
        let mut copy = o.clone();
        copy.number = format!("{}-{tag}", o.number);
        own_orders.push(copy.clone());
        copy
    };
    let shirt = by("TB20261120001");
    let unshipped = by("TB20261122010");
    let mut unshipped = unshipped;
    unshipped.shipped_at = None;
    unshipped.signed_for_at = None;
    let phone = by("JD20261121002");
    let shirt_request = json!({"kind": "return_and_refund", "reason": "size_or_fit", "lines": [{"sku": "SHIRT-OX-L", "quantity": 1}], "intact_confirmed": true});
    let phone_request = json!({"kind": "exchange", "reason": "damaged_in_transit", "lines": [{"sku": "PHONE-X12-256", "quantity": 1}], "intact_confirmed": true});
    // Keep the filings inside their windows: file just after sign-for.
    let signed = |o: &Order| o.signed_for_at.unwrap_or(o.paid_at);
    let after_sign = |o: &Order, h: i64| Timestamp(signed(o).0 + h * MS_PER_HOUR);

    let review = plant(
        &policy,
        "AS-CRON-REVIEW",
        &own(&shirt, "R"),
        shirt_request.clone(),
        after_sign(&shirt, 1),
    );
    let refund_unshipped = plant(
        &policy,
        "AS-CRON-UNSHIPPED",
        &own(&unshipped, "U"),
        json!({"kind": "refund_only", "reason": "changed_mind", "lines": [{"sku": "SNEAKER-RUN-42", "quantity": 1}]}),
        Timestamp(unshipped.paid_at.0 + MS_PER_HOUR),
    );
    let info = plant(
        &policy,
        "AS-CRON-INFO",
        &own(&phone, "I"),
        phone_request.clone(),
        after_sign(&phone, 1),
    )
    .then(
        &policy,
        agent(),
        Command::RequestInfo {
            question: "Photo of the box?".into(),
        },
        after_sign(&phone, 2),
    );
    let rejected = plant(
        &policy,
        "AS-CRON-REJECTED",
        &own(&phone, "J"),
        phone_request.clone(),
        after_sign(&phone, 1),
    )
    .then(
        &policy,
        agent(),
        Command::Reject {
            reason_code: shared::domain::RejectReason::InsufficientProof,
            note: "no photo".into(),
        },
        after_sign(&phone, 2),
    );
    let abandoned = plant(
        &policy,
        "AS-CRON-ABANDONED",
        &own(&shirt, "A"),
        shirt_request.clone(),
        after_sign(&shirt, 1),
    )
    .then(
        &policy,
        agent(),
        Command::Approve {
            solution: Solution::ReturnAndRefund,
            note: String::new(),
        },
        after_sign(&shirt, 2),
    );
    let unconfirmed_return = plant(
        &policy,
        "AS-CRON-RETURN",
        &own(&phone, "T"),
        phone_request.clone(),
        after_sign(&phone, 1),
    )
    .then(
        &policy,
        agent(),
        Command::Approve {
            solution: Solution::Exchange,
            note: String::new(),
        },
        after_sign(&phone, 2),
    )
    .then(
        &policy,
        Actor::Buyer,
        Command::EnterReturnTracking {
            carrier: "SF".into(),
            tracking: "SF1".into(),
            postage: None,
        },
        after_sign(&phone, 3),
    );
    let unconfirmed_delivery = plant(
        &policy,
        "AS-CRON-DELIVERY",
        &own(&phone, "D"),
        phone_request.clone(),
        after_sign(&phone, 1),
    )
    .then(
        &policy,
        agent(),
        Command::Approve {
            solution: Solution::Exchange,
            note: String::new(),
        },
        after_sign(&phone, 2),
    )
    .then(
        &policy,
        Actor::Buyer,
        Command::EnterReturnTracking {
            carrier: "SF".into(),
            tracking: "SF2".into(),
            postage: None,
        },
        after_sign(&phone, 3),
    )
    .then(
        &policy,
        warehouse(),
        Command::Receive {
            inspection: shared::domain::Inspection {
                passed: true,
                note: String::new(),
                deduction: shared::domain::Money(0),
            },
        },
        after_sign(&phone, 4),
    )
    .then(
        &policy,
        warehouse(),
        Command::Ship {
            carrier: "SF".into(),
            tracking: "SF3".into(),
        },
        after_sign(&phone, 5),
    );
    let escalated = plant(
        &policy,
        "AS-CRON-ESCALATED",
        &own(&phone, "E"),
        phone_request,
        after_sign(&phone, 1),
    )
    .then(
        &policy,
        agent(),
        Command::Escalate {
            note: "needs the owner".into(),
        },
        after_sign(&phone, 2),
    );
    // A complaint nobody answered in its 12 hours: nothing to grant, its passing recorded once.
    let complaint = plant(
        &policy,
        "AS-CRON-COMPLAINT",
        &own(&shirt, "C"),
        json!({"kind": "complaint", "reason": "service", "lines": [], "note": "Nobody answers me"}),
        after_sign(&shirt, 1),
    );

    let late = plant(
        &policy,
        "AS-CRON-LATE",
        &own(&shirt, "L"),
        shirt_request.clone(),
        after_sign(&shirt, 1),
    );
    let planted = [
        &review,
        &refund_unshipped,
        &info,
        &rejected,
        &abandoned,
        &unconfirmed_return,
        &unconfirmed_delivery,
        &escalated,
        &complaint,
    ];
    let mut entries: Vec<Value> = planted.iter().flat_map(|p| p.entries.clone()).collect();
    entries.extend(late.entries.clone());
    let all_orders: Vec<Order> = orders.iter().chain(&own_orders).cloned().collect();
    let (server, owner, rebuilt) = serve_planted("cron", entries, &all_orders);
    assert_eq!(rebuilt, planted.len() + 1);

    // Acting on a case whose deadline has passed, before the cron ran: the deadline resolves the
    // case first, and the command is judged on the resolved state.
    let agent_account = json!({"email": "late@test.shop", "name": "Agent", "role": "agent", "password": "agent-password-9"});
    assert_eq!(
        owner.post("/api/staff/accounts", &agent_account).status,
        201
    );
    let agent = login(&server.base, "late@test.shop", "agent-password-9");
    let too_late = agent.command(
        &format!("/api/staff/cases/{}", late.case.id),
        &json!({"type": "reject", "reason_code": "other", "note": "no"}),
    );
    assert_eq!(
        too_late.status,
        409,
        "{}",
        String::from_utf8_lossy(&too_late.body)
    );
    let (state, _) = state_of(&owner, &late.case.id);
    assert_eq!(
        state, "awaiting_return",
        "the request was approved when its 36 hours passed"
    );

    let before: Vec<(String, usize)> = planted
        .iter()
        .map(|p| state_of(&owner, &p.case.id))
        .collect();
    let cron = tests::Api::new(&server.base).get("/__scheduled?cron=*/5+*+*+*+*");
    assert_eq!(
        cron.status,
        200,
        "cron: {}",
        String::from_utf8_lossy(&cron.body)
    );
    let after: Vec<(String, usize)> = planted
        .iter()
        .map(|p| state_of(&owner, &p.case.id))
        .collect();

    let expect = [
        (
            "AS-CRON-REVIEW",
            "approved automatically",
            "awaiting_return",
        ),
        ("AS-CRON-UNSHIPPED", "refunded automatically", "closed"),
        ("AS-CRON-INFO", "closed for missing information", "closed"),
        ("AS-CRON-REJECTED", "closed after the rejection", "closed"),
        ("AS-CRON-ABANDONED", "closed as abandoned", "closed"),
        (
            "AS-CRON-RETURN",
            "replacement released",
            "awaiting_shipment",
        ),
        (
            "AS-CRON-DELIVERY",
            "receipt confirmed automatically",
            "closed",
        ),
    ];
    for (i, (id, what, state)) in expect.iter().enumerate() {
        assert_eq!(
            after[i].0, *state,
            "{id} should be {what} (was {:?})",
            before[i]
        );
        assert!(
            after[i].1 > before[i].1,
            "{id}: the timeout is recorded as an event"
        );
    }
    assert_eq!(after[7], before[7], "the clock pauses while escalated");
    assert_eq!(
        after[8].0, "awaiting_review",
        "a complaint is never decided by a clock"
    );
    assert_eq!(after[8].1, before[8].1 + 1);
    let seen = owner.get("/api/staff/cases/AS-CRON-COMPLAINT").json();
    let last = &seen["case"]["events"][before[8].1];
    assert_eq!(last["kind"]["type"], "deadline_expired", "{last}");
    assert_eq!(last["kind"]["outcome"], "overdue", "{last}");
    assert_eq!(last["actor"]["type"], "system", "{last}");
    assert!(
        seen["priority"]["reasons"]
            .as_array()
            .is_some_and(|r| r.iter().any(|r| r["code"] == "overdue_shop_deadline")),
        "{}",
        seen["priority"]
    );

    // Running the cron again changes nothing.
    let again = tests::Api::new(&server.base).get("/__scheduled?cron=*/5+*+*+*+*");
    assert_eq!(again.status, 200);
    let third: Vec<(String, usize)> = planted
        .iter()
        .map(|p| state_of(&owner, &p.case.id))
        .collect();
    // Except a new deadline that is itself already past (the approved review's return window
    // started at the automatic approval, which is now: not due).
    assert_eq!(third, after);
    server.stop();
}

/// Puts `entries` (plus the orders) into a fresh local KV state and starts a server on it, with
/// the owner bootstrapped and the read models rebuilt from the planted logs.
pub(crate) fn serve_planted(
    tag: &str,
    entries: Vec<Value>,
    orders: &[Order],
) -> (Wrangler, tests::Api, usize) {
    serve_planted_with(tag, entries, orders, &[])
}

/// [`serve_planted`] with the server's `vars` (receivers of its webhooks and e-mail).
fn serve_planted_with(
    tag: &str,
    mut entries: Vec<Value>,
    orders: &[Order],
    vars: &[(&str, &str)],
) -> (Wrangler, tests::Api, usize) {
    for o in orders {
        entries.push(json!({"key": format!("order:demo:{}", o.number), "value": serde_json::to_string(o).expect("order json")}));
    }
    let dir = repo_root()
        .join("test-artifacts/state")
        .join(format!("{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("state dir");
    let bulk = dir.with_extension("bulk.json");
    std::fs::write(&bulk, serde_json::to_vec(&entries).expect("bulk json")).expect("write bulk");
    let status = Process::new("wrangler")
        .args(["kv", "bulk", "put"])
        .arg(&bulk)
        .args(["--binding", "CASES", "--local", "--persist-to"])
        .arg(&dir)
        .current_dir(repo_root())
        .status()
        .expect("run wrangler kv bulk put");
    assert!(status.success(), "planting the histories failed");
    let server = Wrangler::start_with(&dir, vars).expect("wrangler dev");
    let shop = tests::Api::new(&server.base).with_bearer(tests::TEST_API_KEY);
    let boot = json!({"email": OWNER.0, "name": "Owner", "role": "owner", "password": OWNER.1});
    assert_eq!(shop.post("/api/shop/bootstrap", &boot).status, 201);
    let owner = login(&server.base, OWNER.0, OWNER.1);
    let rebuilt = owner.post("/api/staff/rebuild-indexes", &json!({}));
    assert_eq!(
        rebuilt.status,
        200,
        "{}",
        String::from_utf8_lossy(&rebuilt.body)
    );
    let count = rebuilt.json()["rebuilt_cases"].as_u64().unwrap_or(0);
    (server, owner, usize::try_from(count).unwrap_or(0))
}

type Received = std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>;

/// The JSON bodies a receiver got that mention `case`.
fn received(store: &Received, case: &str) -> Vec<Value> {
    store
        .lock()
        .map(|r| r.clone())
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, body)| body.contains(case))
        .filter_map(|(_, body)| serde_json::from_str(&body).ok())
        .collect()
}

#[test]
fn an_overdue_complaint_tells_every_owner_by_email_and_the_webhook_once() {
    let (hooks, mails): (Received, Received) = (Default::default(), Default::default());
    let hook_url = crate::support::webhook_receiver(hooks.clone());
    let mail_url = crate::support::webhook_receiver(mails.clone());
    let policy = Policy::default();
    let mut orders = fresh_orders("alert");
    for o in &mut orders {
        crate::support::age(o, 20);
    }
    let shirt = orders
        .iter()
        .find(|o| o.number.starts_with(tests::fixtures::stories::SHIRT))
        .cloned()
        .expect("shirt");
    let signed = shirt.signed_for_at.unwrap_or(shirt.paid_at);
    let id = "AS-ALERT-COMPLAINT";
    let complaint = plant(
        &policy,
        id,
        &shirt,
        json!({"kind": "complaint", "reason": "service", "lines": [], "note": "Nobody answers me"}),
        Timestamp(signed.0 + MS_PER_HOUR),
    );
    let (server, owner, _) = serve_planted_with(
        "alert",
        complaint.entries,
        &orders,
        &[
            ("WEBHOOK_URL", hook_url.as_str()),
            ("EMAIL_API_URL", mail_url.as_str()),
            ("EMAIL_FROM", "shop@example.cn"),
            ("PORTAL_URL", "https://returns.example.cn"),
        ],
    );
    // A second owner, and an agent, who is not told (complaints are the owners').
    for (email, role) in [
        ("co-owner@test.shop", "owner"),
        ("agent@test.shop", "agent"),
    ] {
        let account =
            json!({"email": email, "name": role, "role": role, "password": "a-long-password-9"});
        let r = owner.post("/api/staff/accounts", &account);
        assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    }
    let cron = || {
        let r = tests::Api::new(&server.base).get("/__scheduled?cron=*/5+*+*+*+*");
        assert_eq!(r.status, 200, "cron: {}", String::from_utf8_lossy(&r.body));
    };
    cron();
    let alerts = |store: &Received| {
        received(store, id)
            .into_iter()
            .filter(|b| b["type"] == "staff.alert" || b.get("subject").is_some())
            .collect::<Vec<_>>()
    };
    for _ in 0..80 {
        if alerts(&mails).len() >= 2 && !alerts(&hooks).is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    let mut to: Vec<String> = alerts(&mails)
        .iter()
        .map(|m| m["to"].as_str().unwrap_or_default().to_string())
        .collect();
    to.sort();
    assert_eq!(
        to,
        vec!["co-owner@test.shop", OWNER.0],
        "{:?}",
        alerts(&mails)
    );
    let mail = &alerts(&mails)[0];
    let subject = mail["subject"].as_str().unwrap_or_default();
    assert!(
        subject.contains("Complaint overdue") && subject.contains("服务投诉超时未答复"),
        "{subject}"
    );
    let text = mail["text"].as_str().unwrap_or_default();
    assert!(
        text.contains(&format!("https://returns.example.cn/admin/case/{id}")),
        "{text}"
    );
    assert!(text.contains("Apologise first"), "{text}");
    let hook = alerts(&hooks);
    assert_eq!(hook.len(), 1, "{hook:?}");
    assert_eq!(hook[0]["case_id"], id);
    assert_eq!(hook[0]["order"], json!(shirt.number));
    // The case's own delivery names its kind beside the recorded passing.
    let events = received(&hooks, id)
        .into_iter()
        .find(|b| b["kind"] == "complaint")
        .expect("the case's event delivery");
    assert_eq!(
        events["events"][0]["kind"]["type"], "deadline_expired",
        "{events}"
    );

    // Told once: a second run records nothing more and sends nothing more.
    cron();
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(alerts(&mails).len(), 2);
    assert_eq!(alerts(&hooks).len(), 1);
    assert_eq!(state_of(&owner, id), ("awaiting_review".to_string(), 2));
    // The queue's line says the passing is on record: later cron runs skip the case.
    let queue = owner.get("/api/staff/queue").json();
    let row = queue["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["id"] == id).cloned())
        .unwrap_or_default();
    assert_eq!(row["expiry_on_record"], true, "{row}");
    assert_eq!(row["priority_class"], 0, "the dispute class: {row}");
    server.stop();
}

#[test]
fn a_case_with_5000_events_is_still_read_and_worked() {
    // Planted with a generous message budget; the server keeps the default one (30 an hour),
    // which these messages, all older than an hour, no longer count against.
    let planting = Policy {
        max_messages_per_case_per_hour: 10_000,
        ..Policy::default()
    };
    let orders = fresh_orders("long");
    let shirt = orders
        .iter()
        .find(|o| o.number.starts_with(tests::fixtures::stories::SHIRT))
        .cloned()
        .expect("shirt order");
    let filed_at = Timestamp(crate::support::now().0 - 30 * MS_PER_HOUR);
    let mut long = plant(
        &planting,
        "AS-LONG-LOG",
        &shirt,
        json!({"kind": "return_and_refund", "reason": "size_or_fit", "lines": [{"sku": "SHIRT-OX-L", "quantity": 1}], "intact_confirmed": true}),
        filed_at,
    );
    for n in 1..5_000 {
        let who = if n % 2 == 0 { agent() } else { Actor::Buyer };
        long = long.then(
            &planting,
            who,
            Command::Message {
                text: format!("message {n}"),
            },
            Timestamp(filed_at.0 + n * 2_000),
        );
    }
    assert_eq!(long.entries.len(), 5_000);
    let (_server, owner, _) = serve_planted("long-log", long.entries.clone(), &orders);
    let case = owner.get("/api/staff/cases/AS-LONG-LOG");
    assert_eq!(case.status, 200);
    assert_eq!(case.json()["version"], 5_000);
    assert_eq!(case.json()["state"], "awaiting_review");
    // Every party can still act on it, each naming the version it saw.
    let r = owner.command(
        "/api/staff/cases/AS-LONG-LOG",
        &json!({"type": "message", "text": "Sorry for the wait."}),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["version"], 5_001);
    let r = owner.command(
        "/api/staff/cases/AS-LONG-LOG",
        &json!({"type": "approve", "solution": {"kind": "return_and_refund"}}),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["state"], "awaiting_return");
    assert_eq!(r.json()["version"], 5_002);
}
