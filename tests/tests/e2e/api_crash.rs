//! The crash test (issue 13): `wrangler dev` and its workerd are killed with SIGKILL in the middle
//! of a burst of concurrent writes from buyers, staff and the cron on the same cases, then started
//! again on the same state directory. What must hold afterwards:
//!
//! * every acknowledged write is there: each 2xx answer's history (the events it returned) is a
//!   prefix of the case's history after the restart, and its version is at most the case's;
//! * the log is whole: in the raw KV state (listed with `wrangler kv key list --local` while the
//!   server is down), each case's commits are numbered 1..n with exactly one commit per number,
//!   and the case's version after the restart is that n;
//! * no two conflicting decisions both applied: of each set of rivals sent on one version
//!   (approve, reject or ask, cancel) at most one is acknowledged, and no history holds both an
//!   approval and a rejection, two of either, or two closings;
//! * every case stays workable: a new command naming the current version applies;
//! * the read models converge: after the next change of every case, the queue (every filter,
//!   every page), the case views (staff and buyer), the search (ids, orders, tracking numbers),
//!   the analytics (owner and agent) and the CSV export are the same as after
//!   `POST /api/staff/rebuild-indexes` derives them all again from the logs.
//!
//! A kill lands between a commit and its read models only by chance (writes in flight had rarely
//! reached their commit), so the first round also tears one change deterministically, through
//! the worker's own code: its server runs with `FAULT_TORN_INDEX_CASE` (a development-only fault),
//! so one case's approval stops after its commit and its new index entries, before the old
//! entries are deleted and the snapshot written, as a kill there would stop it.
//!
//! Rounds kill at different points (a seeded number of acknowledged writes:
//! `AFTERSALES_CRASH_SEED`, printed). The deadlines the cron acts on are planted in the past
//! into the local KV state while the server is down (`api_cron::plant`), as there is no clock
//! override.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::process::Command as Process;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use shared::domain::{Command, MS_PER_HOUR, Order, Solution, Timestamp};
use shared::policy::Policy;
use tests::{Api, TEST_API_KEY, Wrangler, repo_root};

use crate::api_cron::{Planted, agent as planted_agent, plant};
use crate::api_queue::encode;
use crate::helpers::{AGENT, OWNER, assert_status, file_with_key, login};
use crate::support::{age, fresh_orders, unique};
use tests::fixtures::stories;

/// Rounds, each one kill. The kill point of round `r` is drawn from `KILL_AFTER[r]`
/// (acknowledged writes): early, late, in the middle. The test command runs the first two
/// (`DEFAULT_ROUNDS`, about a minute and a half on the shared machine);
/// `AFTERSALES_CRASH_ROUNDS=3` runs all three.
const KILL_AFTER: [(u64, u64); 3] = [(3, 6), (16, 24), (8, 14)];
/// Rounds run unless `AFTERSALES_CRASH_ROUNDS` says otherwise.
const DEFAULT_ROUNDS: usize = 2;
/// Threads sending writes during a burst.
const WRITERS: usize = 8;
/// Messages per party and case the burst sends at most (the shop's hourly budget is 30, and the
/// check after the restart sends one more).
const MESSAGES_PER_PARTY: u32 = 12;

/// xorshift64*: a seeded sequence, so a failing round can be replayed with its seed.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn within(&mut self, (from, to): (u64, u64)) -> u64 {
        from + self.below(to - from + 1)
    }
}

/// The same caller, talking to the server at `base` (a restart may change the port; sessions
/// and buyer tokens live in KV and survive it).
fn at(api: &Api, base: &str) -> Api {
    let mut api = api.clone();
    api.base = base.to_string();
    api
}

/// What came back for one request of the burst: a status line (0: none, the connection died
/// first), and the body if it arrived whole and is JSON (`None`: cut off by the kill).
struct Answer {
    status: u16,
    body: Option<Value>,
}

/// Sends one request as `api` (its token, session and CSRF token) without the contract check
/// of `Api::send`: an answer cut off by the kill is an outcome to record here, not a contract
/// violation.
fn raw(api: &Api, method: &str, path: &str, body: Option<&Value>, if_match: Option<u64>) -> Answer {
    static AGENT: std::sync::OnceLock<ureq::Agent> = std::sync::OnceLock::new();
    let agent = AGENT.get_or_init(|| {
        ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(30))
            .build()
    });
    let mut req = agent
        .request(method, &format!("{}{path}", api.base))
        .set("Accept-Language", &api.lang);
    if let Some(token) = &api.bearer {
        req = req.set("Authorization", &format!("Bearer {token}"));
    }
    if let Some(cookie) = &api.cookie {
        req = req.set("Cookie", cookie);
    }
    if let Some(csrf) = &api.csrf {
        req = req.set("X-CSRF-Token", csrf);
    }
    if let Some(v) = if_match {
        req = req.set("If-Match", &format!("\"{v}\""));
    }
    let result = match body {
        Some(b) => req
            .set("Content-Type", "application/json")
            .send_bytes(&serde_json::to_vec(b).unwrap_or_default()),
        None => req.call(),
    };
    let response = match result {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(_) => {
            return Answer {
                status: 0,
                body: None,
            };
        }
    };
    let status = response.status();
    let mut bytes = Vec::new();
    let whole = std::io::Read::read_to_end(&mut response.into_reader(), &mut bytes).is_ok();
    Answer {
        status,
        body: whole.then(|| serde_json::from_slice(&bytes).ok()).flatten(),
    }
}

/// A case of the burst.
#[derive(Clone)]
struct Subject {
    id: String,
    /// The solution an approval grants (the kind asked for).
    solution: &'static str,
    /// Whether a rejection needs an offer first (a fault claim): the rival asks for information
    /// instead.
    fault: bool,
    order: String,
    buyer: Api,
}

/// One request of the burst and its answer.
#[derive(Debug, Clone)]
struct Record {
    /// Requests sent together on one version (rivals) share a group.
    group: usize,
    who: &'static str,
    case: String,
    action: String,
    if_match: Option<u64>,
    started: Duration,
    /// 0: no status line came back.
    status: u16,
    /// The answer's JSON, `Null` when none came back whole.
    body: Value,
    /// A status line came back, but the body was cut off by the kill.
    cut: bool,
}

impl Record {
    /// A write whose success the caller was told in full: a 2xx with its case.
    fn acknowledged(&self) -> bool {
        (200..300).contains(&self.status) && !self.cut && self.action != "cron"
    }
}

/// What the writers share.
struct Burst {
    base: String,
    subjects: Vec<Subject>,
    owner: Api,
    agent: Api,
    t0: Instant,
    stop: AtomicBool,
    acknowledged: AtomicUsize,
    /// Writes sent and not yet answered (cron runs are not counted).
    in_flight: AtomicUsize,
    groups: AtomicUsize,
    tracking_numbers: AtomicU32,
    round: usize,
    messages: Mutex<HashMap<(String, &'static str), u32>>,
    records: Mutex<Vec<Record>>,
}

impl Burst {
    #[expect(
        clippy::too_many_arguments,
        reason = "one request, as the record keeps it"
    )]
    fn send(
        &self,
        group: usize,
        who: &'static str,
        api: &Api,
        case: &str,
        action: &str,
        path: &str,
        body: &Value,
        if_match: Option<u64>,
    ) -> (u16, Value) {
        let started = self.t0.elapsed();
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        let answer = raw(api, "POST", path, Some(body), if_match);
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        let record = Record {
            group,
            who,
            case: case.to_string(),
            action: action.to_string(),
            if_match,
            started,
            status: answer.status,
            cut: answer.status != 0 && answer.body.is_none(),
            body: answer.body.unwrap_or(Value::Null),
        };
        let answer = (record.status, record.body.clone());
        if record.acknowledged() {
            self.acknowledged.fetch_add(1, Ordering::SeqCst);
        }
        self.records
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(record);
        answer
    }

    fn version(api: &Api, path: &str) -> Option<u64> {
        let answer = raw(api, "GET", path, None, None);
        (answer.status == 200)
            .then(|| answer.body.and_then(|b| b["version"].as_u64()))
            .flatten()
    }

    /// One write (or a set of rivals) on a random case; false once the server is gone.
    fn step(&self, rng: &mut Rng) -> bool {
        let s = &self.subjects[rng.below(self.subjects.len() as u64) as usize];
        let group = self.groups.fetch_add(1, Ordering::SeqCst);
        let staff_path = format!("/api/staff/cases/{}", s.id);
        let buyer_path = format!("/api/buyer/cases/{}", s.id);
        let choice = rng.below(20);
        let (who, api, path, action, body): (&'static str, &Api, &str, &str, Value) = match choice {
            0..=8 => {
                let (who, api, path) = match choice % 3 {
                    0 => ("buyer", &s.buyer, &buyer_path),
                    1 => ("agent", &self.agent, &staff_path),
                    _ => ("owner", &self.owner, &staff_path),
                };
                let party = if who == "buyer" { "buyer" } else { "staff" };
                let mut sent = self
                    .messages
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let n = sent.entry((s.id.clone(), party)).or_default();
                if *n >= MESSAGES_PER_PARTY {
                    return true;
                }
                *n += 1;
                drop(sent);
                let text = format!("{who} message {group}");
                (
                    who,
                    api,
                    path.as_str(),
                    "message",
                    json!({"type": "message", "text": text}),
                )
            }
            9..=12 => return self.rivals(s, group),
            13..=16 => {
                let n = self.tracking_numbers.fetch_add(1, Ordering::SeqCst);
                let tracking = format!("CR{}T{n:03}", self.round);
                (
                    "buyer",
                    &s.buyer,
                    buyer_path.as_str(),
                    "enter_return_tracking",
                    json!({"type": "enter_return_tracking", "carrier": "SF", "tracking": tracking}),
                )
            }
            _ => {
                // The cron, as `wrangler dev --test-scheduled` runs it: the answer comes when
                // the run is over.
                // Not counted in flight: the kill waits for writes in flight, which the
                // checks below count (a cron run is not one of them).
                let started = self.t0.elapsed();
                let r = raw(
                    &Api::new(&self.base),
                    "GET",
                    "/__scheduled?cron=*/5+*+*+*+*",
                    None,
                    None,
                );
                self.records
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(Record {
                        group,
                        who: "cron",
                        case: String::new(),
                        action: "cron".into(),
                        if_match: None,
                        started,
                        status: r.status,
                        body: Value::Null,
                        cut: false,
                    });
                return r.status != 0;
            }
        };
        let Some(version) = Self::version(api, path) else {
            return !self.stop.load(Ordering::SeqCst);
        };
        // As a page does when someone else got there first: decide again on the version the
        // 409 carries (twice at most), so that more of the writes under way commit.
        let mut version = version;
        for _ in 0..3 {
            let (status, answer) = self.send(
                group,
                who,
                api,
                &s.id,
                action,
                &format!("{path}/commands"),
                &body,
                Some(version),
            );
            match answer["current"]["version"].as_u64() {
                Some(current) if status == 409 && !self.stop.load(Ordering::SeqCst) => {
                    version = current;
                }
                _ => return status != 0,
            }
        }
        true
    }

    /// Rivals on one version, sent at the same moment: the agent approves, the owner rejects (or
    /// asks for information where a rejection needs an offer first), the buyer cancels.
    fn rivals(&self, s: &Subject, group: usize) -> bool {
        let staff_path = format!("/api/staff/cases/{}", s.id);
        let Some(version) = Self::version(&self.owner, &staff_path) else {
            return !self.stop.load(Ordering::SeqCst);
        };
        // Each decision carries its group's tag, so that the history shows which group it came
        // from.
        let tag = format!("rival {group}");
        let refuse = if s.fault {
            (
                "request_info",
                json!({"type": "request_info", "question": tag}),
            )
        } else {
            (
                "reject",
                json!({"type": "reject", "reason_code": "insufficient_proof", "note": tag}),
            )
        };
        let rivals: [(&'static str, &Api, String, &str, Value); 3] = [
            (
                "agent",
                &self.agent,
                staff_path.clone(),
                "approve",
                json!({"type": "approve", "solution": {"kind": s.solution}, "note": tag}),
            ),
            ("owner", &self.owner, staff_path, refuse.0, refuse.1),
            (
                "buyer",
                &s.buyer,
                format!("/api/buyer/cases/{}", s.id),
                "cancel",
                json!({"type": "cancel"}),
            ),
        ];
        let barrier = Barrier::new(rivals.len());
        std::thread::scope(|scope| {
            let handles: Vec<_> = rivals
                .iter()
                .map(|(who, api, path, action, body)| {
                    let barrier = &barrier;
                    scope.spawn(move || {
                        barrier.wait();
                        self.send(
                            group,
                            who,
                            api,
                            &s.id,
                            action,
                            &format!("{path}/commands"),
                            body,
                            Some(version),
                        )
                        .0
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or(0))
                .all(|status| status != 0)
        })
    }
}

/// The shop under test: its state directory, the running server, its staff.
struct Shop {
    dir: std::path::PathBuf,
    server: Option<Wrangler>,
    owner: Api,
    agent: Api,
    owner_id: String,
    agent_id: String,
    /// Every case of every round so far.
    subjects: Vec<Subject>,
    /// `[vars]` for the next start only (the torn change's fault).
    next_start_vars: Vec<(String, String)>,
}

impl Shop {
    fn base(&self) -> String {
        self.server
            .as_ref()
            .map(|s| s.base.clone())
            .unwrap_or_default()
    }

    /// Starts the server on the state directory (a free port) and points every caller at it.
    fn start(&mut self) -> Duration {
        let t = Instant::now();
        let vars = std::mem::take(&mut self.next_start_vars);
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let server = match Wrangler::start_with(&self.dir, &vars) {
            Ok(s) => s,
            Err(e) => panic!("wrangler dev: {e}"),
        };
        let base = server.base.clone();
        self.server = Some(server);
        self.owner = at(&self.owner, &base);
        self.agent = at(&self.agent, &base);
        for s in &mut self.subjects {
            s.buyer = at(&s.buyer, &base);
        }
        t.elapsed()
    }

    /// SIGKILL to wrangler and workerd.
    fn kill(&mut self) {
        if let Some(server) = self.server.take() {
            server.kill();
        }
    }
}

/// Puts KV entries into the local state while the server is down (`wrangler kv bulk put`).
fn put_local(dir: &Path, entries: &[Value]) {
    let bulk = dir.with_extension("bulk.json");
    std::fs::write(&bulk, serde_json::to_vec(entries).expect("bulk json")).expect("write bulk");
    let status = Process::new("wrangler")
        .args(["kv", "bulk", "put"])
        .arg(&bulk)
        .args(["--binding", "CASES", "--local", "--persist-to"])
        .arg(dir)
        .current_dir(repo_root())
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run wrangler kv bulk put");
    assert!(status.success(), "planting into the local KV state failed");
}

/// Every commit key of every case in the local KV state, read while the server is down:
/// case id → its log keys.
fn raw_logs(dir: &Path) -> BTreeMap<String, Vec<String>> {
    let out = Process::new("wrangler")
        .args(["kv", "key", "list", "--binding", "CASES", "--local"])
        .args(["--prefix", "case:", "--persist-to"])
        .arg(dir)
        .current_dir(repo_root())
        .stderr(std::process::Stdio::null())
        .output()
        .expect("run wrangler kv key list");
    assert!(out.status.success(), "listing the local KV state failed");
    let keys: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "kv key list is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    let mut logs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for key in keys {
        let name = key["name"].as_str().unwrap_or_default();
        let parts: Vec<&str> = name.splitn(4, ':').collect();
        if let ["case", id, "log", _] = parts.as_slice() {
            logs.entry((*id).to_string())
                .or_default()
                .push(name.to_string());
        }
    }
    logs
}

/// The sequence number of a log key (`case:{id}:log:{seq}:{at}:{nonce}`).
fn seq_of(key: &str) -> u64 {
    key.split(':')
        .nth(3)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// A buyer holding a token for `order`.
fn buyer_of(base: &str, order: &Order) -> Api {
    let contact = order
        .buyer
        .email
        .clone()
        .or(order.buyer.phone.clone())
        .unwrap_or_default();
    let r = Api::new(base).post(
        "/api/lookup",
        &json!({"order_number": order.number, "contact": contact}),
    );
    assert_status(&r, 200);
    Api::new(base).with_bearer(r.json()["token"].as_str().unwrap_or_default())
}

/// Gives the order's buyer a contact of their own. A case's summary depends on the buyer's other
/// cases (their standing: a fast refund, a low-risk batch candidate), so a case whose buyer
/// files again later would be summarized differently by a rebuild without anything being wrong;
/// with one buyer per case, a case's read models depend on its own log only (and on the time,
/// which no deadline crosses between the two reads).
fn alone(order: &mut Order, tag: &str) {
    order.buyer.email = Some(format!("{tag}.buyer@example.cn"));
}

/// The order whose number starts with `prefix`.
fn by(orders: &[Order], prefix: &str) -> Order {
    orders
        .iter()
        .find(|o| o.number.starts_with(prefix))
        .cloned()
        .unwrap_or_else(|| panic!("no order {prefix}"))
}

/// A planted case, its order, the solution an approval grants, whether it is a fault claim.
type PlantedCase = (Planted, Order, &'static str, bool);

/// Cases whose deadlines passed long ago, for the cron (and any command) to resolve during the
/// burst: two requests past their review deadline (approved by the deadline), an approved
/// return never sent (closed as abandoned), a question never answered (closed). Each on an order
/// of its own, 20 days old. Returns the KV entries (logs and orders) and the cases.
fn planted(round: usize) -> (Vec<Value>, Vec<PlantedCase>) {
    let policy = Policy::default();
    let mut orders = fresh_orders(&format!("crashp{round}"));
    for o in &mut orders {
        age(o, 20);
    }
    let shirt = by(&orders, stories::SHIRT);
    let phone = by(&orders, stories::PHONE);
    let own = |o: &Order, tag: &str| {
        let mut copy = o.clone();
        copy.number = format!("{}-{tag}", o.number);
        alone(&mut copy, &format!("p{round}{tag}"));
        copy
    };
    let signed =
        |o: &Order, h: i64| Timestamp(o.signed_for_at.unwrap_or(o.paid_at).0 + h * MS_PER_HOUR);
    let shirt_request = json!({"kind": "return_and_refund", "reason": "size_or_fit", "lines": [{"sku": "SHIRT-OX-L", "quantity": 1}], "intact_confirmed": true});
    let phone_request = json!({"kind": "exchange", "reason": "damaged_in_transit", "lines": [{"sku": "PHONE-X12-256", "quantity": 1}], "intact_confirmed": true});
    let id = |tag: &str| format!("AS-CRASH{round}-{tag}");

    let (o1, o2, o3, o4) = (
        own(&shirt, "R"),
        own(&phone, "X"),
        own(&shirt, "A"),
        own(&phone, "I"),
    );
    let review = plant(
        &policy,
        &id("REVIEW"),
        &o1,
        shirt_request.clone(),
        signed(&shirt, 1),
    );
    let exchange = plant(
        &policy,
        &id("EXCHANGE"),
        &o2,
        phone_request.clone(),
        signed(&phone, 1),
    );
    let abandoned = plant(
        &policy,
        &id("ABANDONED"),
        &o3,
        shirt_request,
        signed(&shirt, 1),
    )
    .then(
        &policy,
        planted_agent(),
        Command::Approve {
            solution: Solution::ReturnAndRefund,
            note: String::new(),
        },
        signed(&shirt, 2),
    );
    let info = plant(&policy, &id("INFO"), &o4, phone_request, signed(&phone, 1)).then(
        &policy,
        planted_agent(),
        Command::RequestInfo {
            question: "Photo of the box?".into(),
        },
        signed(&phone, 2),
    );
    let cases = vec![
        (review, o1, "return_and_refund", false),
        (exchange, o2, "exchange", true),
        (abandoned, o3, "return_and_refund", false),
        (info, o4, "exchange", true),
    ];
    let mut entries: Vec<Value> = cases.iter().flat_map(|(p, ..)| p.entries.clone()).collect();
    for (_, o, ..) in &cases {
        entries.push(json!({"key": format!("order:demo:{}", o.number), "value": serde_json::to_string(o).expect("order json")}));
    }
    (entries, cases)
}

/// A case for the torn change: filed an hour ago (no deadline due), on an order of its own. The
/// agent's approval of it is the change the fault stops half-way.
fn torn_case(round: usize) -> (Planted, Order) {
    let mut shirt = by(&fresh_orders(&format!("crasht{round}")), stories::SHIRT);
    shirt.number = format!("{}-T", shirt.number);
    alone(&mut shirt, &format!("t{round}"));
    let filed_at = Timestamp(crate::support::now().0 - MS_PER_HOUR);
    let case = plant(
        &Policy::default(),
        &format!("AS-CRASH{round}-TORN"),
        &shirt,
        json!({"kind": "return_and_refund", "reason": "size_or_fit", "lines": [{"sku": "SHIRT-OX-L", "quantity": 1}], "intact_confirmed": true}),
        filed_at,
    );
    (case, shirt)
}

/// Cases filed through the API just before the burst (deadlines days away): a shirt return and
/// a dress return waiting for review, a phone exchange already approved (waiting for the
/// buyer's parcel).
fn filed(shop: &Shop, round: usize) -> Vec<Subject> {
    let base = shop.base();
    let mut orders = fresh_orders(&format!("crashf{round}"));
    for (i, o) in orders.iter_mut().enumerate() {
        alone(o, &format!("f{round}n{i}"));
    }
    let r = Api::new(&base)
        .with_bearer(TEST_API_KEY)
        .post("/api/shop/orders", &orders);
    assert_status(&r, 200);
    let file = |order: &Order, request: Value| -> String {
        let buyer = buyer_of(&base, order);
        let r = file_with_key(&buyer, &unique("crash"), &request);
        assert_status(&r, 201);
        r.json()["case"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let shirt = by(&orders, stories::SHIRT);
    let phone = by(&orders, stories::PHONE);
    let dress = by(&orders, "TB20261118005");
    let shirt_case = file(
        &shirt,
        json!({"kind": "return_and_refund", "reason": "size_or_fit", "lines": [{"sku": "SHIRT-OX-L", "quantity": 1}], "intact_confirmed": true}),
    );
    let dress_case = file(
        &dress,
        json!({"kind": "return_and_refund", "reason": "changed_mind", "lines": [{"sku": "DRESS-SILK-M", "quantity": 1}], "intact_confirmed": true}),
    );
    let phone_case = file(
        &phone,
        json!({"kind": "exchange", "reason": "damaged_in_transit", "lines": [{"sku": "PHONE-X12-256", "quantity": 1}], "intact_confirmed": true}),
    );
    let approved = shop.agent.command(
        &format!("/api/staff/cases/{phone_case}"),
        &json!({"type": "approve", "solution": {"kind": "exchange"}}),
    );
    assert_status(&approved, 200);
    vec![
        Subject {
            id: shirt_case,
            solution: "return_and_refund",
            fault: false,
            order: shirt.number.clone(),
            buyer: buyer_of(&base, &shirt),
        },
        Subject {
            id: dress_case,
            solution: "return_and_refund",
            fault: false,
            order: dress.number.clone(),
            buyer: buyer_of(&base, &dress),
        },
        Subject {
            id: phone_case,
            solution: "exchange",
            fault: true,
            order: phone.number.clone(),
            buyer: buyer_of(&base, &phone),
        },
    ]
}

/// A JSON answer that must be 200.
#[track_caller]
fn get_ok(api: &Api, path: &str) -> Value {
    let r = api.get(path);
    assert_eq!(
        r.status,
        200,
        "GET {path}: {}",
        String::from_utf8_lossy(&r.body)
    );
    r.json()
}

/// A view without the instant it was read at.
fn view(api: &Api, path: &str) -> Value {
    let mut v = get_ok(api, path);
    if let Some(o) = v.as_object_mut() {
        o.remove("server_time");
    }
    v
}

/// Every read model the staff and buyers read, by what asks for it. Each queue filter is walked
/// page by page (4 cases a page, so the cursors are exercised); a page is its items and whether
/// a next page was offered (the cursor's text is KV's, not the case data's).
fn read_models(shop: &Shop) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    let staff_views: Vec<Value> = shop
        .subjects
        .iter()
        .map(|s| view(&shop.owner, &format!("/api/staff/cases/{}", s.id)))
        .collect();
    let states: BTreeSet<String> = staff_views
        .iter()
        .filter_map(|v| v["state"].as_str().map(str::to_string))
        .collect();
    let mut filters: Vec<String> = vec![
        String::new(),
        "overdue=true".into(),
        "unassigned=true".into(),
        "mine=true".into(),
        format!("assignee={}", shop.agent_id),
        format!("assignee={}", shop.owner_id),
        // The planted histories' agent (not an account).
        "assignee=st_planted".into(),
    ];
    for kind in [
        "refund_only",
        "return_and_refund",
        "exchange",
        "repair",
        "reship",
    ] {
        filters.push(format!("kind={kind}"));
    }
    for state in &states {
        filters.push(format!("state={state}"));
        filters.push(format!("state={state}&kind=return_and_refund"));
    }
    for filter in filters {
        let mut pages = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut path = format!("/api/staff/queue?limit=4&{filter}");
            if let Some(c) = &cursor {
                path.push_str(&format!("&cursor={}", encode(c)));
            }
            let page = get_ok(&shop.owner, &path);
            cursor = page["next_cursor"].as_str().map(str::to_string);
            pages.push(json!({"items": page["items"], "more": cursor.is_some()}));
            if cursor.is_none() || pages.len() > 50 {
                break;
            }
        }
        out.insert(format!("queue?{filter}"), Value::Array(pages));
    }
    for (s, staff_view) in shop.subjects.iter().zip(staff_views) {
        out.insert(format!("staff view {}", s.id), staff_view);
        out.insert(
            format!("agent view {}", s.id),
            view(&shop.agent, &format!("/api/staff/cases/{}", s.id)),
        );
        out.insert(
            format!("buyer view {}", s.id),
            view(&s.buyer, &format!("/api/buyer/cases/{}", s.id)),
        );
        for q in [&s.id, &s.order] {
            out.insert(
                format!("search {q}"),
                get_ok(&shop.owner, &format!("/api/staff/search?q={}", encode(q))),
            );
        }
    }
    // Every tracking number a case's history holds (the buyer's return parcels).
    let trackings: BTreeSet<String> = shop
        .subjects
        .iter()
        .filter_map(|s| out.get(&format!("staff view {}", s.id)))
        .flat_map(events)
        .filter(|e| matches!(kind_of(e), "return_shipped" | "item_shipped"))
        .filter_map(|e| e["kind"]["tracking"].as_str().map(str::to_string))
        .collect();
    for t in &trackings {
        out.insert(
            format!("search {t}"),
            get_ok(&shop.owner, &format!("/api/staff/search?q={}", encode(t))),
        );
    }
    out.insert(
        "analytics (owner)".into(),
        get_ok(&shop.owner, "/api/staff/analytics"),
    );
    out.insert(
        "analytics (agent)".into(),
        get_ok(&shop.agent, "/api/staff/analytics"),
    );
    let csv = shop.owner.get("/api/staff/export.csv");
    assert_status(&csv, 200);
    out.insert(
        "export.csv".into(),
        Value::String(String::from_utf8_lossy(&csv.body).into_owned()),
    );
    out
}

/// What differs between two sets of read models, one line per difference.
fn differences(before: &BTreeMap<String, Value>, after: &BTreeMap<String, Value>) -> Vec<String> {
    let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .map(|k| {
            let show = |v: Option<&Value>| {
                let text = v.map_or("(none)".to_string(), Value::to_string);
                text.chars().take(1500).collect::<String>()
            };
            format!(
                "{k}:\n  before: {}\n  after:  {}",
                show(before.get(k)),
                show(after.get(k))
            )
        })
        .collect()
}

fn events(v: &Value) -> Vec<Value> {
    v["case"]["events"].as_array().cloned().unwrap_or_default()
}

fn kind_of(e: &Value) -> &str {
    e["kind"]["type"].as_str().unwrap_or_default()
}

/// Where a round's time goes.
struct Laps {
    at: Instant,
    laps: Vec<String>,
}

impl Laps {
    fn lap(&mut self, name: &str) {
        self.laps
            .push(format!("{name} {:.1} s", self.at.elapsed().as_secs_f64()));
        self.at = Instant::now();
    }
}

/// What one round showed, for the report.
#[derive(Debug)]
struct RoundReport {
    kill_after: u64,
    acknowledged: usize,
    refused: usize,
    in_flight_at_kill: usize,
    unanswered: usize,
    cut_off: usize,
    cron_runs: usize,
    cases_behind_after_restart: usize,
    commits: u64,
    untold: u64,
    laps: Vec<String>,
    /// Where the read models derived by the changes differ from the rebuilt ones.
    diverged: Vec<String>,
}

fn round(shop: &mut Shop, r: usize, rng: &mut Rng) -> RoundReport {
    let mut laps = Laps {
        at: Instant::now(),
        laps: Vec::new(),
    };
    // The cron's cases go in while the server is down.
    let (mut entries, planted) = planted(r);
    // The first round also tears one change in two, deterministically (a kill lands between a
    // commit and its read models only by chance).
    let torn = (r == 0).then(|| torn_case(r));
    if let Some((case, order)) = &torn {
        entries.extend(case.entries.clone());
        entries.push(json!({"key": format!("order:demo:{}", order.number), "value": serde_json::to_string(order).expect("order json")}));
    }
    put_local(&shop.dir, &entries);
    laps.lap("plant");
    if let Some((case, _)) = &torn {
        shop.next_start_vars = vec![("FAULT_TORN_INDEX_CASE".into(), case.case.id.clone())];
    }
    shop.start();
    laps.lap("start");
    let base = shop.base();
    if r == 0 {
        let boot = json!({"email": OWNER.0, "name": "Owner", "role": "owner", "password": OWNER.1});
        let boot = Api::new(&base)
            .with_bearer(TEST_API_KEY)
            .post("/api/shop/bootstrap", &boot);
        assert_status(&boot, 201);
        shop.owner = login(&base, OWNER.0, OWNER.1);
        let account =
            json!({"email": AGENT.0, "name": "Agent", "role": "agent", "password": AGENT.1});
        assert_status(&shop.owner.post("/api/staff/accounts", &account), 201);
        shop.agent = login(&base, AGENT.0, AGENT.1);
        shop.owner_id = get_ok(&shop.owner, "/api/staff/me")["staff"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        shop.agent_id = get_ok(&shop.agent, "/api/staff/me")["staff"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
    }
    // The planted logs get their read models (the cron finds cases through the queue).
    assert_status(
        &shop.owner.post("/api/staff/rebuild-indexes", &json!({})),
        200,
    );
    let mut subjects: Vec<Subject> = planted
        .iter()
        .map(|(p, order, solution, fault)| Subject {
            id: p.case.id.clone(),
            solution,
            fault: *fault,
            order: order.number.clone(),
            buyer: buyer_of(&base, order),
        })
        .collect();
    subjects.extend(filed(shop, r));
    let torn = torn.map(|(case, order)| {
        let found = get_ok(
            &shop.owner,
            &format!("/api/staff/search?q={}", case.case.id),
        );
        let summary = found[0].clone();
        assert_eq!(summary["version"], 1, "{found}");
        let subject = Subject {
            id: case.case.id.clone(),
            solution: "return_and_refund",
            fault: false,
            order: order.number.clone(),
            buyer: buyer_of(&base, &order),
        };
        // The agent approves; the fault stops the change after its commit and its new index
        // entries (the agent's queue entry among them), so the answer is a server error.
        let approval = raw(
            &shop.agent,
            "POST",
            &format!("/api/staff/cases/{}/commands", subject.id),
            Some(&json!({"type": "approve", "solution": {"kind": "return_and_refund"}})),
            Some(1),
        );
        assert_eq!(approval.status, 500, "{:?}", approval.body);
        (case, subject, summary)
    });
    let versions_before: HashMap<String, u64> = subjects
        .iter()
        .map(|s| {
            let v = get_ok(&shop.owner, &format!("/api/staff/cases/{}", s.id))["version"]
                .as_u64()
                .unwrap_or(0);
            (s.id.clone(), v)
        })
        .collect();
    laps.lap("setup");

    // The burst.
    let kill_after = rng.within(KILL_AFTER[r % KILL_AFTER.len()]);
    // Not right after an answer: a moment later, somewhere inside the commands under way.
    let pause = Duration::from_millis(rng.below(60));
    let burst = Arc::new(Burst {
        base: base.clone(),
        subjects: subjects.clone(),
        owner: shop.owner.clone(),
        agent: shop.agent.clone(),
        t0: Instant::now(),
        stop: AtomicBool::new(false),
        acknowledged: AtomicUsize::new(0),
        in_flight: AtomicUsize::new(0),
        groups: AtomicUsize::new(0),
        tracking_numbers: AtomicU32::new(0),
        round: r,
        messages: Mutex::new(HashMap::new()),
        records: Mutex::new(Vec::new()),
    });
    let writers: Vec<_> = (0..WRITERS)
        .map(|_| {
            let burst = burst.clone();
            let mut rng = Rng(rng.next() | 1);
            std::thread::spawn(move || {
                while !burst.stop.load(Ordering::SeqCst) {
                    if !burst.step(&mut rng) {
                        break;
                    }
                }
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(60);
    // Killed once enough writes were acknowledged, at a moment when requests are in flight.
    while burst.acknowledged.load(Ordering::SeqCst) < kill_after as usize
        || burst.in_flight.load(Ordering::SeqCst) < 2
    {
        assert!(
            Instant::now() < deadline,
            "round {r}: {} writes acknowledged in 60 s",
            burst.acknowledged.load(Ordering::SeqCst)
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    std::thread::sleep(pause);
    while burst.in_flight.load(Ordering::SeqCst) < 2 {
        std::hint::spin_loop();
    }
    let in_flight_at_kill = burst.in_flight.load(Ordering::SeqCst);
    let killed_at = burst.t0.elapsed();
    shop.kill();
    burst.stop.store(true, Ordering::SeqCst);
    for w in writers {
        let _ = w.join();
    }
    let records = burst
        .records
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    laps.lap("burst");
    // Every request and its answer, for whoever reads a failure (test-artifacts/).
    let log: Vec<Value> = records
        .iter()
        .map(|x| {
            json!({"group": x.group, "who": x.who, "case": x.case, "action": x.action,
                   "if_match": x.if_match, "started_ms": x.started.as_millis() as u64,
                   "status": x.status, "cut": x.cut, "version": x.body["version"],
                   "code": x.body["code"]})
        })
        .collect();
    let _ = std::fs::write(
        shop.dir.with_extension(format!("round{r}.json")),
        serde_json::to_vec_pretty(
            &json!({"killed_at_ms": killed_at.as_millis() as u64, "requests": log}),
        )
        .unwrap_or_default(),
    );
    let started_before_kill = |x: &&Record| x.started < killed_at && x.action != "cron";
    let unanswered = records
        .iter()
        .filter(started_before_kill)
        .filter(|x| x.status == 0)
        .count();
    let cut_off = records
        .iter()
        .filter(started_before_kill)
        .filter(|x| x.cut)
        .count();
    assert!(
        unanswered + cut_off >= 1,
        "round {r}: the kill found no write in flight"
    );
    let acknowledged: Vec<&Record> = records.iter().filter(|x| x.acknowledged()).collect();

    let torn = torn.map(|(_, subject, _)| subject);

    // The raw log, while the server is down.
    let logs = raw_logs(&shop.dir);
    laps.lap("raw log");

    shop.start();
    laps.lap("restart");
    let base = shop.base();
    for s in &mut subjects {
        s.buyer = at(&s.buyer, &base);
    }
    shop.subjects.extend(subjects.iter().cloned());
    // The torn change: the case reads at version 2 (its log), its read models still say 1
    // until its next change repairs them.
    if let Some(torn) = torn {
        let torn = Subject {
            buyer: at(&torn.buyer, &base),
            ..torn
        };
        let keys = logs.get(&torn.id).cloned().unwrap_or_default();
        let view = get_ok(&shop.owner, &format!("/api/staff/cases/{}", torn.id));
        assert_eq!(keys.len(), 2, "{keys:?}");
        assert_eq!(view["version"], 2);
        assert_eq!(view["state"], "awaiting_return");
        let found = get_ok(&shop.owner, &format!("/api/staff/search?q={}", torn.id));
        assert_eq!(
            found[0]["version"], 1,
            "the read models lag the log: {found}"
        );
        shop.subjects.push(torn.clone());
        subjects.push(torn);
    }

    let mut commits = 0;
    let mut untold = 0;
    let mut behind = 0;
    for s in &subjects {
        let staff_view = get_ok(&shop.owner, &format!("/api/staff/cases/{}", s.id));
        let buyer_view = get_ok(&s.buyer, &format!("/api/buyer/cases/{}", s.id));
        let version = staff_view["version"].as_u64().unwrap_or(0);
        let history = events(&staff_view);
        let buyer_history = events(&buyer_view);

        // The log: commits 1..n, one per number, and the version is n.
        let keys = logs.get(&s.id).cloned().unwrap_or_default();
        let seqs: Vec<u64> = keys.iter().map(|k| seq_of(k)).collect();
        let expected: Vec<u64> = (1..=seqs.len() as u64).collect();
        let mut sorted = seqs.clone();
        sorted.sort_unstable();
        assert_eq!(
            sorted, expected,
            "round {r}, {}: the log's sequence numbers (one commit each): {keys:?}",
            s.id
        );
        assert_eq!(
            version,
            seqs.len() as u64,
            "round {r}, {}: the version is the number of commits",
            s.id
        );
        assert_eq!(buyer_view["version"], staff_view["version"]);
        commits += version;

        // Every acknowledged write is there: its answer's history is a prefix of the case's.
        let mut versions_acked = BTreeSet::new();
        for a in acknowledged.iter().filter(|a| a.case == s.id) {
            let acked_version = a.body["version"].as_u64().unwrap_or(u64::MAX);
            assert!(
                versions_acked.insert(acked_version),
                "round {r}, {}: two acknowledged writes answered version {acked_version}",
                s.id
            );
            assert!(
                acked_version <= version,
                "round {r}, {}: {} by {} was acknowledged at version {acked_version}, the case has {version}",
                s.id,
                a.action,
                a.who
            );
            let acked = events(&a.body);
            let now = if a.who == "buyer" {
                &buyer_history
            } else {
                &history
            };
            assert!(
                !acked.is_empty() && acked.len() <= now.len() && now[..acked.len()] == acked[..],
                "round {r}, {}: the history {} by {} (on version {:?}) was acknowledged with is not in the case after the restart\nacknowledged: {}\nnow: {}",
                s.id,
                a.action,
                a.who,
                a.if_match,
                Value::Array(acked.clone()),
                Value::Array(now.clone())
            );
        }

        // No two conflicting decisions both applied.
        let count = |kind: &str| history.iter().filter(|e| kind_of(e) == kind).count();
        let (approved, rejected, closed) = (count("approved"), count("rejected"), count("closed"));
        // A rejection may be followed by an approval (the shop reconsiders), never the other
        // way round; nothing in the burst revises a request or reopens a case, so each happens
        // at most once.
        let position = |kind: &str| history.iter().position(|e| kind_of(e) == kind);
        assert!(
            approved <= 1
                && rejected <= 1
                && closed <= 1
                && position("approved")
                    .zip(position("rejected"))
                    .is_none_or(|(a, j)| j < a),
            "round {r}, {}: {approved} approvals, {rejected} rejections, {closed} closings: {}",
            s.id,
            Value::Array(history.clone())
        );
        let groups: BTreeSet<usize> = records
            .iter()
            .filter(|x| x.case == s.id && ["approve", "cancel"].contains(&x.action.as_str()))
            .map(|x| x.group)
            .collect();
        for g in groups {
            let winners: Vec<&Record> = acknowledged
                .iter()
                .copied()
                .filter(|x| x.group == g)
                .collect();
            assert!(
                winners.len() <= 1,
                "round {r}, {}: rivals on one version both acknowledged: {winners:?}",
                s.id
            );
            // Acknowledged or not (a rival in flight at the kill may have committed), at most
            // one of the group's staff decisions is in the history: each carries its group's tag.
            let tag = format!("rival {g}");
            let applied: Vec<&Value> = history
                .iter()
                .filter(|e| {
                    ["note", "question"]
                        .iter()
                        .any(|f| e["kind"][*f].as_str() == Some(tag.as_str()))
                })
                .collect();
            assert!(
                applied.len() <= 1,
                "round {r}, {}: two rivals on one version applied: {applied:?}",
                s.id
            );
            let cancelled = winners.iter().any(|w| w.action == "cancel");
            assert!(
                !cancelled || applied.is_empty(),
                "round {r}, {}: the buyer's cancellation was acknowledged and a rival decision applied: {applied:?}",
                s.id
            );
        }

        // Commits after the last one anybody was told of: cron expiries, and writes under way
        // at the kill that committed (diagnostic).
        let last_told = acknowledged
            .iter()
            .filter(|a| a.case == s.id)
            .filter_map(|a| a.body["version"].as_u64())
            .chain(Some(versions_before.get(&s.id).copied().unwrap_or(version)))
            .max()
            .unwrap_or(0);
        untold += version.saturating_sub(last_told);

        // How many cases the kill left with read models behind their log (expected: the
        // change was interrupted between its commit and its read models; the next change or
        // the rebuild repairs them).
        let found = get_ok(&shop.owner, &format!("/api/staff/search?q={}", s.id));
        let summary_version = found
            .as_array()
            .and_then(|a| a.iter().find(|x| x["id"] == s.id.as_str()))
            .and_then(|x| x["version"].as_u64())
            .unwrap_or(0);
        if summary_version < version {
            behind += 1;
        }
    }

    laps.lap("checks");
    // The cron resolves what came due and was not resolved before the kill; then every case
    // takes a new command on the version it has.
    let cron = Api::new(&base).get("/__scheduled?cron=*/5+*+*+*+*");
    assert_status(&cron, 200);
    for s in &subjects {
        let path = format!("/api/staff/cases/{}", s.id);
        let version = get_ok(&shop.owner, &path)["version"].as_u64().unwrap_or(0);
        let r2 = shop.owner.send(
            "POST",
            &format!("{path}/commands"),
            Some((
                "application/json",
                serde_json::to_vec(&json!({"type": "message", "text": "After the restart."}))
                    .unwrap_or_default(),
            )),
            &[("If-Match", &format!("\"{version}\""))],
        );
        assert_status(&r2, 200);
        assert_eq!(
            r2.json()["version"].as_u64(),
            Some(version + 1),
            "round {r}, {}",
            s.id
        );
        assert_eq!(
            events(&r2.json()).last().map(|e| e["kind"]["text"].clone()),
            Some(json!("After the restart."))
        );
    }

    // The read models, derived by the changes since the restart, are what the rebuild derives.
    laps.lap("next change");
    let before = read_models(shop);
    laps.lap("read models");
    let rebuilt = shop.owner.post("/api/staff/rebuild-indexes", &json!({}));
    assert_status(&rebuilt, 200);
    assert_eq!(
        rebuilt.json()["rebuilt_cases"].as_u64(),
        Some(shop.subjects.len() as u64),
        "every case is rebuilt"
    );
    laps.lap("rebuild");
    let after = read_models(shop);
    laps.lap("read models");
    // Collected, not asserted here: the other rounds still run and report.
    let diverged = differences(&before, &after)
        .into_iter()
        .map(|d| format!("round {r}: {d}"))
        .collect();

    let cron_runs = records
        .iter()
        .filter(|x| x.action == "cron" && x.status == 200)
        .count();
    RoundReport {
        kill_after,
        acknowledged: acknowledged.len(),
        refused: records
            .iter()
            .filter(|x| x.action != "cron" && x.status >= 300)
            .count(),
        in_flight_at_kill,
        unanswered,
        cut_off,
        cron_runs,
        cases_behind_after_restart: behind,
        commits,
        untold,
        laps: laps.laps,
        diverged,
    }
}

#[test]
fn a_sigkill_in_a_burst_of_writes_loses_no_acknowledged_write_and_the_read_models_converge() {
    let started = Instant::now();
    let seed: u64 = std::env::var("AFTERSALES_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_261_201);
    let rounds: usize = std::env::var("AFTERSALES_CRASH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_ROUNDS);
    println!("crash test: seed {seed} (AFTERSALES_CRASH_SEED), {rounds} rounds");
    let mut rng = Rng(seed | 1);
    let dir = repo_root()
        .join("test-artifacts/state")
        .join(format!("crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("state dir");
    let mut shop = Shop {
        dir,
        server: None,
        owner: Api::new(""),
        agent: Api::new(""),
        owner_id: String::new(),
        agent_id: String::new(),
        subjects: Vec::new(),
        next_start_vars: Vec::new(),
    };
    let mut diverged: Vec<String> = Vec::new();
    for r in 0..rounds {
        let t = Instant::now();
        let report = round(&mut shop, r, &mut rng);
        println!(
            "round {r}: killed with {} requests in flight after {} acknowledged writes (target {}); {} refused; {} writes unanswered, {} cut off; {} cron runs answered; {} commits in the round's cases, {} of them after the last acknowledged one; {} cases' read models behind their log after the restart; {:.1} s ({})",
            report.in_flight_at_kill,
            report.acknowledged,
            report.kill_after,
            report.refused,
            report.unanswered,
            report.cut_off,
            report.cron_runs,
            report.commits,
            report.untold,
            report.cases_behind_after_restart,
            t.elapsed().as_secs_f64(),
            report.laps.join(", ")
        );
        diverged.extend(report.diverged);
        // The next round plants its cases while the server is down.
        shop.kill();
    }
    println!(
        "crash test: {rounds} rounds in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(
        diverged.is_empty(),
        "the read models after the next change of every case differ from the rebuilt ones in {} places:\n{}",
        diverged.len(),
        diverged.join("\n")
    );
}
