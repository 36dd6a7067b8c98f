//! The API against the platform's floor (issue 13; docs/PERFORMANCE.md has the method and the
//! figures). One run starts the product (the built worker on `wrangler dev`, as the tests start
//! it) and a floor worker (`bench/floor/`: one KV get answered as JSON) side by side, seeds the
//! product through its API, then measures route by route, each time first the floor and then the
//! route, with the same load: a fixed number of threads, each with its own keep-alive
//! connection, until a request count or a time limit. For each it reports requests per second,
//! p50 and p99, their ratio to the floor's run just before, and CPU per request: the CPU time of
//! the server's workerd processes over the run (utime + stime in `/proc/<pid>/stat`) divided by
//! the requests, and its ratio to the floor's. Loopback only.
//!
//! Usage: `bench_api` from `scripts/bench-api.sh` (which builds the worker first and puts
//! wrangler on the PATH). `BENCH_SHORT=1`: 200 requests per route, 3 s at most each (about a
//! minute and a half in all on a shared 2-core machine), without the calibration unless
//! `BENCH_CALIBRATE=1`; `BENCH_COUNT`, `BENCH_WARMUP`,
//! `BENCH_THREADS` and `BENCH_SECONDS` (per run) override.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use shared::domain::Timestamp;
use tests::fixtures::{demo_orders, stories};
use tests::{ProcessGroup, TEST_API_KEY, Wrangler, free_port, repo_root};

/// The owner the benchmark signs in as.
const OWNER: (&str, &str) = ("owner@bench.shop", "bench-owner-password");
/// Cases filed before the measuring starts: more than a queue page (25), so the page is full.
const SEEDED_CASES: usize = 30;
/// What the floor's one key holds: about the size of one queue line.
const FLOOR_VALUE: &str = r#"{"id":"AS-20261201-0001","state":"submitted","kind":"return_and_refund","order":"TB20261120001","title":"牛津纺长袖衬衫 白色 L码","amount":17900,"currency":"CNY","filed_at":1764547200000,"due":1764720000000,"priority":{"score":40,"reasons":["deadline_soon"]}}"#;

/// The load: how many requests at once, how many per run, and when a run stops anyway.
#[derive(Debug, Clone)]
struct Load {
    threads: usize,
    count: usize,
    warmup: usize,
    max_time: Duration,
    /// Whether to price each kind of operation on the floor after the routes (the full run; the
    /// short one with `BENCH_CALIBRATE=1`).
    calibrate: bool,
}

impl Load {
    fn from_env() -> Self {
        let short = std::env::var("BENCH_SHORT").is_ok_and(|v| !v.is_empty() && v != "0");
        let number = |name: &str, default: usize| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        let (count, warmup, seconds) = if short { (200, 20, 3) } else { (1000, 100, 60) };
        Self {
            threads: number("BENCH_THREADS", 16).max(1),
            count: number("BENCH_COUNT", count).max(1),
            warmup: number("BENCH_WARMUP", warmup),
            max_time: Duration::from_secs(number("BENCH_SECONDS", seconds) as u64),
            calibrate: !short || std::env::var("BENCH_CALIBRATE").is_ok_and(|v| v == "1"),
        }
    }
}

/// What one answer told besides its time.
#[derive(Debug, Default)]
struct Sample {
    kv_ops: Option<u32>,
    bytes: usize,
}

/// One run's figures.
#[derive(Debug, Default)]
struct Run {
    done: usize,
    errors: usize,
    first_error: Option<String>,
    wall: Duration,
    /// Sorted, in microseconds.
    latencies: Vec<u64>,
    /// The server's workerd CPU over the run, in clock ticks.
    server_ticks: u64,
    /// The rest of the server's process group (wrangler's node) over the run, in clock ticks.
    other_ticks: u64,
    /// This load generator's CPU over the run, in clock ticks (it shares the machine).
    client_ticks: u64,
    kv_ops: Vec<u32>,
    bytes: u64,
}

impl Run {
    fn per_second(&self) -> f64 {
        self.done as f64 / self.wall.as_secs_f64().max(1e-9)
    }

    fn percentile_ms(&self, q: f64) -> f64 {
        if self.latencies.is_empty() {
            return f64::NAN;
        }
        let rank =
            ((q * self.latencies.len() as f64).ceil() as usize).clamp(1, self.latencies.len());
        self.latencies[rank - 1] as f64 / 1000.0
    }

    fn cpu_ms_per_request(&self, tick_ms: f64) -> f64 {
        self.server_ticks as f64 * tick_ms / self.done.max(1) as f64
    }

    fn mean_kv_ops(&self) -> Option<f64> {
        (!self.kv_ops.is_empty()).then(|| {
            self.kv_ops.iter().map(|&n| f64::from(n)).sum::<f64>() / self.kv_ops.len() as f64
        })
    }
}

/// A server under test: where it listens and the process group its workerd runs in.
struct Target {
    base: String,
    group: u32,
    agents: Vec<ureq::Agent>,
}

impl Target {
    fn new(base: String, group: u32, threads: usize) -> Self {
        let agents = (0..threads)
            .map(|_| {
                ureq::AgentBuilder::new()
                    .timeout(Duration::from_secs(30))
                    .redirects(0)
                    .build()
            })
            .collect();
        Self {
            base,
            group,
            agents,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// Sends `count` requests (`op(agent, thread, request index)`) from `load.threads` threads, each
/// on its own agent (one keep-alive connection), stopping early at `load.max_time`.
fn run<F>(target: &Target, load: &Load, count: usize, op: F) -> Run
where
    F: Fn(&ureq::Agent, usize, usize) -> Result<Sample, String> + Sync,
{
    let next = AtomicUsize::new(0);
    let start = Instant::now();
    let deadline = start + load.max_time;
    let (server_before, other_before) = group_cpu_ticks(target.group);
    let client_before = own_cpu_ticks();
    let parts: Vec<Run> = std::thread::scope(|scope| {
        let handles: Vec<_> = target
            .agents
            .iter()
            .enumerate()
            .map(|(thread, agent)| {
                let (next, op) = (&next, &op);
                scope.spawn(move || {
                    let mut part = Run::default();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= count || Instant::now() >= deadline {
                            break;
                        }
                        let sent = Instant::now();
                        let result = op(agent, thread, i);
                        let took = sent.elapsed().as_micros() as u64;
                        match result {
                            Ok(sample) => {
                                part.done += 1;
                                part.latencies.push(took);
                                part.kv_ops.extend(sample.kv_ops);
                                part.bytes += sample.bytes as u64;
                            }
                            Err(e) => {
                                part.errors += 1;
                                part.first_error.get_or_insert(e);
                            }
                        }
                    }
                    part
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let wall = start.elapsed();
    let (server_after, other_after) = group_cpu_ticks(target.group);
    let mut total = Run {
        wall,
        server_ticks: server_after.saturating_sub(server_before),
        other_ticks: other_after.saturating_sub(other_before),
        client_ticks: own_cpu_ticks().saturating_sub(client_before),
        ..Run::default()
    };
    for part in parts {
        total.done += part.done;
        total.errors += part.errors;
        if total.first_error.is_none() {
            total.first_error = part.first_error;
        }
        total.latencies.extend(part.latencies);
        total.kv_ops.extend(part.kv_ops);
        total.bytes += part.bytes;
    }
    total.latencies.sort_unstable();
    total
}

/// Reads an answer: its status must be `expect`. The body is read to the end (the time counts
/// the whole answer); with `keep`, it is handed back for the caller to read after the clock.
fn finish(
    result: Result<ureq::Response, ureq::Error>,
    expect: u16,
    keep: Option<&Mutex<Vec<Vec<u8>>>>,
) -> Result<Sample, String> {
    let response = match result {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => return Err(format!("transport: {e}")),
    };
    let status = response.status();
    let kv_ops = response.header("x-kv-ops").and_then(|v| v.parse().ok());
    let mut body = Vec::new();
    response
        .into_reader()
        .read_to_end(&mut body)
        .map_err(|e| format!("reading the body: {e}"))?;
    if status != expect {
        let text = String::from_utf8_lossy(&body);
        return Err(format!(
            "HTTP {status} (expected {expect}): {}",
            text.chars().take(300).collect::<String>()
        ));
    }
    let bytes = body.len();
    if let Some(keep) = keep {
        keep.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(body);
    }
    Ok(Sample { kv_ops, bytes })
}

/// Clock ticks per second (`getconf CLK_TCK`; 100 on Linux when that cannot be asked).
fn clock_ticks_per_second() -> u64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(100)
}

/// A process's `/proc/<pid>/stat` fields after its name: (name, process group, utime + stime).
fn proc_stat(pid: &str) -> Option<(String, u32, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let name = stat.get(open + 1..close)?.to_string();
    let fields: Vec<&str> = stat.get(close + 1..)?.split_whitespace().collect();
    // After the name: state, ppid, pgrp, ... utime is field 14 of the whole line, stime 15.
    let group = fields.get(2)?.parse().ok()?;
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((name, group, utime + stime))
}

/// The CPU time of a process group's members, in ticks: (its workerd processes, the others:
/// wrangler's node and the shell that started it).
fn group_cpu_ticks(group: u32) -> (u64, u64) {
    group_members(group)
        .into_iter()
        .fold((0, 0), |(workerd, other), (name, ticks)| {
            if name.starts_with("workerd") {
                (workerd + ticks, other)
            } else {
                (workerd, other + ticks)
            }
        })
}

/// (name, utime + stime) of every process in a process group.
fn group_members(group: u32) -> Vec<(String, u64)> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| name.bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|pid| proc_stat(&pid))
        .filter(|(_, g, _)| *g == group)
        .map(|(name, _, ticks)| (name, ticks))
        .collect()
}

fn own_cpu_ticks() -> u64 {
    proc_stat("self").map_or(0, |(_, _, ticks)| ticks)
}

/// The 1-, 5- and 15-minute load averages.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// A valid 64×64 RGB PNG (about 12 KB: zlib "stored" blocks, real CRCs), a small proof photo.
fn small_png() -> Vec<u8> {
    const SIDE: u32 = 64;
    let mut raw = Vec::new();
    for y in 0..SIDE {
        raw.push(0); // filter: none
        for x in 0..SIDE {
            raw.extend_from_slice(&[(x * 4) as u8, (y * 4) as u8, 128]);
        }
    }
    let mut zlib = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        zlib.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        zlib.extend_from_slice(&len.to_le_bytes());
        zlib.extend_from_slice(&(!len).to_le_bytes());
        zlib.extend_from_slice(block);
    }
    zlib.extend_from_slice(&adler32(&raw).to_be_bytes());
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::new();
    header.extend_from_slice(&SIDE.to_be_bytes());
    header.extend_from_slice(&SIDE.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    for (kind, data) in [(b"IHDR", &header), (b"IDAT", &zlib), (b"IEND", &Vec::new())] {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = png.len();
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        let crc = crc32(&png[start..]);
        png.extend_from_slice(&crc.to_be_bytes());
    }
    png
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The floor: `bench/floor/` on its own port and state directory, its key written first.
fn start_floor(state: &Path) -> Result<(ProcessGroup, String), String> {
    let config = repo_root().join("bench/floor/wrangler.toml");
    let put = Command::new("wrangler")
        .current_dir(repo_root())
        .args([
            "kv",
            "key",
            "put",
            "floor",
            FLOOR_VALUE,
            "--binding",
            "FLOOR",
            "--local",
        ])
        .arg("--persist-to")
        .arg(state)
        .arg("--config")
        .arg(&config)
        .output()
        .map_err(|e| format!("wrangler kv key put: {e} (is wrangler on the PATH?)"))?;
    if !put.status.success() {
        return Err(format!(
            "wrangler kv key put: {}",
            String::from_utf8_lossy(&put.stderr)
        ));
    }
    let port = free_port().map_err(|e| e.to_string())?;
    let inspector = free_port().map_err(|e| e.to_string())?;
    let command = format!(
        "exec wrangler dev --config '{}' --ip 127.0.0.1 --port {port} --inspector-port {inspector} \
         --persist-to '{}' --log-level warn --show-interactive-dev-session=false",
        config.display(),
        state.display()
    );
    let log = state.with_extension("log");
    let group = ProcessGroup::spawn(&command, &log, &[]).map_err(|e| e.to_string())?;
    let base = format!("http://127.0.0.1:{port}");
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(2))
        .build();
    let deadline = Instant::now() + Duration::from_secs(90);
    while Instant::now() < deadline {
        if let Ok(r) = agent.get(&format!("{base}/")).call() {
            let body = r.into_string().unwrap_or_default();
            if body.contains("AS-20261201-0001") {
                return Ok((group, base));
            }
            return Err(format!("the floor answered without its key: {body}"));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Err(format!(
        "the floor did not answer within 90 s; log:\n{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    ))
}

/// A signed-in staff member's headers.
#[derive(Debug, Clone)]
struct Staff {
    cookie: String,
    csrf: String,
}

/// What the benchmark seeded: the owner's session, a case with a few events and its buyer, and
/// one looked-up order per filing to come (filings take an order's units).
struct Seeded {
    staff: Staff,
    case: String,
    buyer: String,
    pool: Vec<String>,
}

fn post_json(agent: &ureq::Agent, url: &str) -> ureq::Request {
    agent.post(url).set("Content-Type", "application/json")
}

fn json_of(
    result: Result<ureq::Response, ureq::Error>,
    expect: &[u16],
    what: &str,
) -> Result<(Value, Option<String>), String> {
    let response = match result {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => return Err(format!("{what}: {e}")),
    };
    let status = response.status();
    let cookie = response.header("set-cookie").map(str::to_string);
    let text = response.into_string().map_err(|e| format!("{what}: {e}"))?;
    if !expect.contains(&status) {
        return Err(format!("{what}: HTTP {status} {text}"));
    }
    Ok((serde_json::from_str(&text).unwrap_or(Value::Null), cookie))
}

/// Orders `BENCH<n>`: copies of the shirt story's order (signed for three days ago, inside the
/// no-reason window), each with its own buyer, so no buyer's history grows with the run.
fn bench_orders(from: usize, to: usize, now: Timestamp) -> Result<Vec<Value>, String> {
    let template = demo_orders(now)
        .into_iter()
        .find(|o| o.number == stories::SHIRT)
        .ok_or("no shirt story among the demo orders")?;
    (from..to)
        .map(|n| {
            let mut order = template.clone();
            order.number = format!("BENCH{n:06}");
            order.buyer.email = Some(format!("buyer{n}@bench.example"));
            order.buyer.phone = None;
            serde_json::to_value(order).map_err(|e| e.to_string())
        })
        .collect()
}

fn shirt_return() -> Value {
    json!({"kind": "return_and_refund", "reason": "size_or_fit",
           "lines": [{"sku": "SHIRT-OX-L", "quantity": 1}],
           "note": "Too small", "intact_confirmed": true})
}

fn seed(api: &Target, load: &Load, pool_size: usize) -> Result<Seeded, String> {
    let agent = &api.agents[0];
    let now = Timestamp(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|e| e.to_string())?
            .as_millis() as i64,
    );
    let all = SEEDED_CASES + pool_size;
    for from in (0..all).step_by(500) {
        let orders = bench_orders(from, (from + 500).min(all), now)?;
        json_of(
            agent
                .post(&api.url("/api/shop/orders"))
                .set("Authorization", &format!("Bearer {TEST_API_KEY}"))
                .set("Content-Type", "application/json")
                .send_string(&Value::Array(orders).to_string()),
            &[200],
            "import orders",
        )?;
    }
    let boot = json!({"email": OWNER.0, "name": "Owner", "role": "owner", "password": OWNER.1});
    json_of(
        agent
            .post(&api.url("/api/shop/bootstrap"))
            .set("Authorization", &format!("Bearer {TEST_API_KEY}"))
            .set("Content-Type", "application/json")
            .send_string(&boot.to_string()),
        &[201],
        "bootstrap the owner",
    )?;
    let (login, cookie) = json_of(
        post_json(agent, &api.url("/api/staff/login"))
            .send_string(&json!({"email": OWNER.0, "password": OWNER.1}).to_string()),
        &[200],
        "sign in",
    )?;
    let staff = Staff {
        cookie: cookie
            .and_then(|c| c.split(';').next().map(str::to_string))
            .ok_or("sign-in set no cookie")?,
        csrf: login["csrf_token"].as_str().unwrap_or_default().to_string(),
    };

    // Every order looked up once (a buyer token each), from all threads at once.
    let answers = Mutex::new(Vec::new());
    // Seeding is not measured: no run's time limit.
    let unbounded = Load {
        max_time: Duration::from_secs(600),
        ..load.clone()
    };
    let lookups = run(api, &unbounded, all, |agent, _, i| {
        let body = json!({"order_number": format!("BENCH{i:06}"), "contact": format!("buyer{i}@bench.example")});
        let r = post_json(agent, &api.url("/api/lookup")).send_string(&body.to_string());
        finish(r, 200, Some(&answers))
    });
    if lookups.errors > 0 || lookups.done != all {
        return Err(format!(
            "lookups: {} of {all} done, first error: {:?}",
            lookups.done, lookups.first_error
        ));
    }
    let mut tokens: Vec<(String, String)> = answers
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .iter()
        .filter_map(|body| {
            let v: Value = serde_json::from_slice(body).ok()?;
            Some((
                v["order"]["order"]["number"].as_str()?.to_string(),
                v["token"].as_str()?.to_string(),
            ))
        })
        .collect();
    tokens.sort();
    if tokens.len() != all {
        return Err(format!("{} tokens from {all} lookups", tokens.len()));
    }
    let mut tokens: Vec<String> = tokens.into_iter().map(|(_, t)| t).collect();
    let pool = tokens.split_off(SEEDED_CASES);

    // The queue's cases: one per seeded order.
    let mut first = None;
    for (i, token) in tokens.iter().enumerate() {
        let (filed, _) = json_of(
            agent
                .post(&api.url("/api/buyer/cases"))
                .set("Authorization", &format!("Bearer {token}"))
                .set("Idempotency-Key", &format!("seed-{i}"))
                .set("Content-Type", "application/json")
                .send_string(&shirt_return().to_string()),
            &[201],
            "file a seeded case",
        )?;
        if first.is_none() {
            first = filed["case"]["id"].as_str().map(str::to_string);
        }
    }
    let case = first.ok_or("the first filing named no case")?;
    // The read case has a conversation: staff, buyer, staff (a version after each).
    let buyer = tokens[0].clone();
    let mut version = 1;
    for (who, text) in [
        ("staff", "Sorry it does not fit: please send it back."),
        ("buyer", "Thank you, I will send it tomorrow."),
        ("staff", "Noted, we will refund once it arrives."),
    ] {
        let path = format!("/api/{who}/cases/{case}/commands");
        let mut req = agent
            .post(&api.url(&path))
            .set("Content-Type", "application/json")
            .set("If-Match", &format!("\"{version}\""));
        req = if who == "staff" {
            req.set("Cookie", &staff.cookie)
                .set("X-CSRF-Token", &staff.csrf)
        } else {
            req.set("Authorization", &format!("Bearer {buyer}"))
        };
        let (after, _) = json_of(
            req.send_string(&json!({"type": "message", "text": text}).to_string()),
            &[200],
            "a seeded message",
        )?;
        let next = after["version"].as_u64().unwrap_or_default();
        if next != version + 1 {
            return Err(format!(
                "a message took version {version} to {next}: the benchmark's commands count on one commit each"
            ));
        }
        version = next;
    }
    Ok(Seeded {
        staff,
        case,
        buyer,
        pool,
    })
}

/// How a route's requests are made: `(agent, thread, request index)`.
type Op<'a> = Box<dyn Fn(&ureq::Agent, usize, usize) -> Result<Sample, String> + Sync + 'a>;

/// One thread's cases for the staff commands: their ids and versions, and its turn among them.
#[derive(Debug, Default)]
struct Commanded {
    cases: Vec<(String, u32)>,
    turn: usize,
}

/// A route as the table names it, with how its requests are made.
struct Route<'a> {
    name: &'static str,
    op: Op<'a>,
}

/// One line of the table: the route's run and the floor's run just before it.
struct Line {
    name: &'static str,
    route: Run,
    floor: Run,
}

fn main() {
    match bench() {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(e) => {
            eprintln!("bench_api: {e}");
            std::process::exit(2);
        }
    }
}

fn bench() -> Result<bool, String> {
    let load = Load::from_env();
    let tick_ms = 1000.0 / clock_ticks_per_second() as f64;
    let states = repo_root().join("test-artifacts/state");
    std::fs::create_dir_all(&states).map_err(|e| e.to_string())?;
    let floor_state: PathBuf = states.join(format!("bench-floor-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&floor_state);
    std::fs::create_dir_all(&floor_state).map_err(|e| e.to_string())?;
    println!(
        "load: {} threads, {} requests per run after {} warm-up ones, at most {} s per run; load average before: {}",
        load.threads,
        load.count,
        load.warmup,
        load.max_time.as_secs(),
        load_average()
    );
    // Both start at once (each takes seconds, mostly waiting).
    let (floor_started, product) = std::thread::scope(|scope| {
        let floor = scope.spawn(|| start_floor(&floor_state));
        let product = Wrangler::start_fresh("bench-api").map_err(|e| e.to_string());
        let floor = floor
            .join()
            .unwrap_or_else(|_| Err("starting the floor panicked".into()));
        (floor, product)
    });
    let (floor_group, floor_base) = floor_started?;
    let product = product?;
    let floor = &Target::new(floor_base, floor_group.id(), load.threads);
    let api = &Target::new(product.base.clone(), product.process_group(), load.threads);
    for (name, target) in [("floor", floor), ("product", api)] {
        if !group_members(target.group)
            .iter()
            .any(|(name, _)| name.starts_with("workerd"))
        {
            return Err(format!("no workerd process in the {name}'s process group"));
        }
    }

    // Every filing takes a fresh order (its units), warm-up included.
    let pool_size = load.warmup + load.count;
    let started = Instant::now();
    let seeded = seed(api, &load, pool_size)?;
    println!(
        "seeded {} cases and {} looked-up orders in {:.1} s",
        SEEDED_CASES,
        pool_size,
        started.elapsed().as_secs_f64()
    );

    let png = small_png();
    let filing = shirt_return().to_string();
    let run_id = std::process::id();
    let next_order = AtomicUsize::new(0);
    let filed = Mutex::new(Vec::new());
    // The staff command's cases: the run's filings, each thread its own (a version each, so two
    // threads never race on one case), filled in once the filing route has run.
    let command_cases: Vec<Mutex<Commanded>> =
        (0..load.threads).map(|_| Mutex::default()).collect();
    let staff = &seeded.staff;
    let (case, buyer) = (&seeded.case, &seeded.buyer);

    let floor_op = |agent: &ureq::Agent, _: usize, _: usize| {
        finish(agent.get(&floor.url("/")).call(), 200, None)
    };
    let buyer_get = |path: String| {
        move |agent: &ureq::Agent, _: usize, _: usize| {
            finish(
                agent
                    .get(&api.url(&path))
                    .set("Authorization", &format!("Bearer {buyer}"))
                    .call(),
                200,
                None,
            )
        }
    };
    let staff_get = |path: String| {
        move |agent: &ureq::Agent, _: usize, _: usize| {
            finish(
                agent
                    .get(&api.url(&path))
                    .set("Cookie", &staff.cookie)
                    .call(),
                200,
                None,
            )
        }
    };
    let routes: Vec<Route<'_>> = vec![
        // Not one of the issue's routes: the Rust worker answering without any storage, its
        // own floor (what workers-rs and the wasm module cost beside the JS floor's one read).
        Route {
            name: "health (no storage)",
            op: Box::new(|agent: &ureq::Agent, _, _| {
                finish(agent.get(&api.url("/api/health")).call(), 200, None)
            }),
        },
        Route {
            name: "buyer: read a case",
            op: Box::new(buyer_get(format!("/api/buyer/cases/{case}"))),
        },
        Route {
            name: "staff: read a case",
            op: Box::new(staff_get(format!("/api/staff/cases/{case}"))),
        },
        Route {
            name: "buyer: order view",
            op: Box::new(buyer_get("/api/buyer/order".into())),
        },
        Route {
            name: "staff: queue page (25)",
            op: Box::new(staff_get("/api/staff/queue?limit=25".into())),
        },
        Route {
            name: "buyer: file a case",
            op: Box::new(|agent: &ureq::Agent, _, _| {
                let n = next_order.fetch_add(1, Ordering::Relaxed);
                let token = seeded.pool.get(n).ok_or("the order pool ran out")?;
                finish(
                    agent
                        .post(&api.url("/api/buyer/cases"))
                        .set("Authorization", &format!("Bearer {token}"))
                        .set("Idempotency-Key", &format!("bench-{run_id}-{n}"))
                        .set("Content-Type", "application/json")
                        .send_string(&filing),
                    201,
                    Some(&filed),
                )
            }),
        },
        Route {
            name: "staff: command (message)",
            op: Box::new(|agent: &ureq::Agent, thread, _| {
                let mut mine = command_cases[thread]
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let Commanded { cases, turn } = &mut *mine;
                if cases.is_empty() {
                    return Err("no case to command".into());
                }
                *turn += 1;
                let k = *turn % cases.len();
                let (id, version) = &mut cases[k];
                let result = finish(
                    agent
                        .post(&api.url(&format!("/api/staff/cases/{id}/commands")))
                        .set("Cookie", &staff.cookie)
                        .set("X-CSRF-Token", &staff.csrf)
                        .set("If-Match", &format!("\"{version}\""))
                        .set("Content-Type", "application/json")
                        .send_string(r#"{"type":"message","text":"We are looking into it."}"#),
                    200,
                    None,
                );
                if result.is_ok() {
                    *version += 1;
                }
                result
            }),
        },
        Route {
            name: "buyer: upload a photo (12 KB PNG)",
            op: Box::new(|agent: &ureq::Agent, _, i| {
                // Uploads are limited per order per minute: each goes to another order.
                let token = &seeded.pool[i % seeded.pool.len()];
                finish(
                    agent
                        .post(&api.url("/api/buyer/photos"))
                        .set("Authorization", &format!("Bearer {token}"))
                        .set("Content-Type", "image/png")
                        .send_bytes(&png),
                    201,
                    None,
                )
            }),
        },
    ];

    let mut lines = Vec::new();
    for route in &routes {
        if route.name.starts_with("staff: command") {
            // The filings' cases, dealt to the threads.
            let bodies = std::mem::take(
                &mut *filed
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner),
            );
            for (k, body) in bodies.iter().enumerate() {
                let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
                if let (Some(id), Some(version)) = (v["case"]["id"].as_str(), v["version"].as_u64())
                {
                    command_cases[k % load.threads]
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .cases
                        .push((id.to_string(), version as u32));
                }
            }
        }
        run(floor, &load, load.warmup, floor_op);
        let floor_run = run(floor, &load, load.count, floor_op);
        run(api, &load, load.warmup, &route.op);
        let route_run = run(api, &load, load.count, &route.op);
        println!(
            "{:<36} {:>6.0}/s p50 {:>7.2} ms p99 {:>7.2} ms (floor {:>6.0}/s p50 {:>6.2} ms p99 {:>6.2} ms){}",
            route.name,
            route_run.per_second(),
            route_run.percentile_ms(0.5),
            route_run.percentile_ms(0.99),
            floor_run.per_second(),
            floor_run.percentile_ms(0.5),
            floor_run.percentile_ms(0.99),
            if route_run.errors > 0 {
                format!(
                    "  {} ERRORS, first: {}",
                    route_run.errors,
                    route_run.first_error.as_deref().unwrap_or_default()
                )
            } else {
                String::new()
            }
        );
        lines.push(Line {
            name: route.name,
            route: route_run,
            floor: floor_run,
        });
    }
    // What each kind of operation costs here: the floor again with 8 more of one kind (4 calls
    // to a Durable Object) after its read.
    let mut calibration = Vec::new();
    for (kind, n) in CALIBRATION.into_iter().filter(|_| load.calibrate) {
        let path = if n == 0 {
            "/".to_string()
        } else {
            format!("/?{kind}={n}")
        };
        let op = |agent: &ureq::Agent, _: usize, _: usize| {
            finish(agent.get(&floor.url(&path)).call(), 200, None)
        };
        run(floor, &load, load.warmup, op);
        calibration.push((kind, n, run(floor, &load, load.count, op)));
    }
    println!("load average after: {}", load_average());
    print_table(&lines, tick_ms);
    if load.calibrate {
        print_calibration(&calibration, tick_ms);
    }
    let other = |runs: &mut dyn Iterator<Item = &Run>| {
        let (ticks, done) = runs.fold((0, 0), |(t, d), r| (t + r.other_ticks, d + r.done));
        ticks as f64 * tick_ms / done.max(1) as f64
    };
    println!(
        "Outside workerd (wrangler's node process): {:.2} ms per request on the product's runs, {:.2} on the floor's.",
        other(&mut lines.iter().map(|l| &l.route)),
        other(&mut lines.iter().map(|l| &l.floor)),
    );

    drop(routes);
    let product_state = product.state_dir.clone();
    product.stop();
    drop(floor_group);
    // Both state directories and their logs go: a run leaves nothing behind.
    for state in [&floor_state, &product_state] {
        let _ = std::fs::remove_dir_all(state);
        let _ = std::fs::remove_file(state.with_extension("log"));
    }
    let errors: usize = lines.iter().map(|l| l.route.errors + l.floor.errors).sum();
    if errors > 0 {
        eprintln!("bench_api: {errors} requests failed (see above)");
    }
    Ok(errors == 0)
}

/// The calibration's runs: the floor alone, then with `n` more operations of each kind
/// (bench/floor/worker.js names them).
const CALIBRATION: [(&str, u32); 7] = [
    ("floor", 0),
    ("gets", 8),
    ("puts", 8),
    ("lists", 8),
    ("hmac", 8),
    ("desk", 4),
    ("newdesk", 4),
];

fn print_calibration(runs: &[(&str, u32, Run)], tick_ms: f64) {
    let Some((_, _, base)) = runs.first() else {
        return;
    };
    println!(
        "\n| calibration: the floor with N more | N | requests | req/s | p50 ms | CPU ms/req | CPU ms per added operation |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (kind, n, r) in runs {
        let cpu = r.cpu_ms_per_request(tick_ms);
        let per_op = if *n == 0 {
            "–".to_string()
        } else {
            format!(
                "{:.2}",
                (cpu - base.cpu_ms_per_request(tick_ms)) / f64::from(*n)
            )
        };
        let what = match *kind {
            "gets" => "KV reads",
            "puts" => "KV writes",
            "lists" => "KV lists (25 keys)",
            "hmac" => "WebCrypto HMAC signatures",
            "desk" => "Durable Object calls (one storage write each)",
            "newdesk" => "calls to new Durable Objects (one storage write each)",
            _ => "nothing (the floor)",
        };
        println!(
            "| {what} | {n} | {} | {:.0} | {:.2} | {cpu:.2} | {per_op} |",
            r.done,
            r.per_second(),
            r.percentile_ms(0.5),
        );
    }
}

fn print_table(lines: &[Line], tick_ms: f64) {
    println!();
    println!(
        "| route | requests | req/s | p50 ms | p99 ms | × floor p50 | × floor p99 | CPU ms/req | × floor CPU | KV ops/req | bytes/answer |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let ratio = |a: f64, b: f64| {
        if b > 0.0 {
            format!("{:.2}", a / b)
        } else {
            "–".into()
        }
    };
    let mut floor_all = Run::default();
    for line in lines {
        let (r, f) = (&line.route, &line.floor);
        println!(
            "| {} | {} | {:.0} | {:.2} | {:.2} | {} | {} | {:.2} | {} | {} | {} |",
            line.name,
            r.done,
            r.per_second(),
            r.percentile_ms(0.5),
            r.percentile_ms(0.99),
            ratio(r.percentile_ms(0.5), f.percentile_ms(0.5)),
            ratio(r.percentile_ms(0.99), f.percentile_ms(0.99)),
            r.cpu_ms_per_request(tick_ms),
            ratio(r.cpu_ms_per_request(tick_ms), f.cpu_ms_per_request(tick_ms)),
            r.mean_kv_ops().map_or("–".into(), |n| format!("{n:.1}")),
            r.bytes / r.done.max(1) as u64,
        );
        floor_all.done += f.done;
        floor_all.server_ticks += f.server_ticks;
        floor_all.client_ticks += f.client_ticks;
        floor_all.wall += f.wall;
        floor_all.bytes += f.bytes;
        floor_all.latencies.extend(f.latencies.iter().copied());
    }
    floor_all.latencies.sort_unstable();
    println!(
        "| floor (all its runs) | {} | {:.0} | {:.2} | {:.2} | 1 | 1 | {:.2} | 1 | 1 (by design) | {} |",
        floor_all.done,
        floor_all.per_second(),
        floor_all.percentile_ms(0.5),
        floor_all.percentile_ms(0.99),
        floor_all.cpu_ms_per_request(tick_ms),
        floor_all.bytes / floor_all.done.max(1) as u64,
    );
    let client: u64 = lines.iter().map(|l| l.route.client_ticks).sum();
    let requests: usize = lines.iter().map(|l| l.route.done).sum();
    println!(
        "\nThe load generator's own CPU on the product's runs: {:.2} ms per request (it shares the machine's cores with workerd).",
        client as f64 * tick_ms / requests.max(1) as f64
    );
}
