//! The shared test app: one `wrangler dev` for the whole binary (started on first use, stopped
//! by its watchdog when the binary exits), typed helpers, and a headless Chromium.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};
use shared::domain::{MS_PER_DAY, Order, Timestamp};
use tests::{Api, ProcessGroup, TEST_API_KEY, Wrangler, free_port, repo_root};

/// The running app and what tests need to reach it.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`
    pub base: String,
    /// What the shop's webhook receiver got: (head, body) per delivery.
    pub webhooks: Arc<Mutex<Vec<(String, String)>>>,
    _server: Wrangler,
}

static APP: OnceLock<TestApp> = OnceLock::new();

/// The shared app (started on first use), with a webhook receiver on loopback.
pub fn app() -> &'static TestApp {
    APP.get_or_init(|| {
        let webhooks = Arc::new(Mutex::new(Vec::new()));
        let receiver = webhook_receiver(webhooks.clone());
        let dir = repo_root()
            .join("test-artifacts/state")
            .join(format!("e2e-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::create_dir_all(&dir);
        let server = match Wrangler::start_with(&dir, &[("WEBHOOK_URL", &receiver)]) {
            Ok(s) => s,
            Err(e) => panic!("could not start wrangler dev: {e}"),
        };
        TestApp {
            base: server.base.clone(),
            webhooks,
            _server: server,
        }
    })
}

/// A minimal HTTP/1.1 receiver: records each request's head and body, answers 200.
pub(crate) fn webhook_receiver(store: Arc<Mutex<Vec<(String, String)>>>) -> String {
    let listener = match TcpListener::bind("127.0.0.1:0") {
        Ok(l) => l,
        Err(e) => panic!("webhook receiver: {e}"),
    };
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let Ok(read_half) = stream.try_clone() else {
                continue;
            };
            let mut reader = BufReader::new(read_half);
            let mut head = String::new();
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                head.push_str(&line);
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let mut deliveries = store
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            deliveries.push((head, String::from_utf8_lossy(&body).into_owned()));
            drop(deliveries);
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        }
    });
    format!("http://127.0.0.1:{port}/hooks/aftersales")
}

/// Now, as the tests' orders see it.
pub fn now() -> Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default();
    Timestamp(ms)
}

/// A suffix that keeps one test's orders apart from another's.
pub fn unique(tag: &str) -> String {
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{tag}{}{n}", now().0 % 1_000_000)
}

/// The demo orders with numbers made unique for one test.
pub fn fresh_orders(tag: &str) -> Vec<Order> {
    let suffix = unique(tag);
    tests::fixtures::demo_orders(now())
        .into_iter()
        .map(|mut o| {
            o.number = format!("{}-{suffix}", o.number);
            o
        })
        .collect()
}

/// Moves an order's times `days` into the past.
pub fn age(order: &mut Order, days: i64) {
    let shift = |t: &mut Timestamp| t.0 -= days * MS_PER_DAY;
    shift(&mut order.paid_at);
    order.shipped_at.as_mut().map(shift);
    order.signed_for_at.as_mut().map(shift);
}

impl TestApp {
    /// An anonymous caller.
    pub fn api(&self) -> Api {
        Api::new(&self.base)
    }

    /// The shop's system, holding the import API key.
    pub fn shop_system(&self) -> Api {
        self.api().with_bearer(TEST_API_KEY)
    }

    /// Imports orders through the API; panics (fails the test) if the import is refused.
    pub fn import_orders(&self, orders: &[Order]) {
        let r = self.shop_system().post("/api/shop/orders", &orders);
        assert_eq!(
            r.status,
            200,
            "import failed: {}",
            String::from_utf8_lossy(&r.body)
        );
    }
}

/// Where screenshots go (documented in README.md).
pub fn screenshot_dir() -> PathBuf {
    let dir = repo_root().join("test-artifacts/screenshots");
    let _ = std::fs::create_dir_all(&dir);
    dir
}

static CHROMEDRIVER: OnceLock<(String, ProcessGroup)> = OnceLock::new();

/// The running chromedriver's address (started on first use).
pub fn chromedriver() -> &'static str {
    &CHROMEDRIVER
        .get_or_init(|| {
            let port = free_port().unwrap_or(9515);
            let log = repo_root().join("test-artifacts/chromedriver.log");
            let _ = std::fs::create_dir_all(repo_root().join("test-artifacts"));
            let group = match ProcessGroup::spawn(
                &format!("exec chromedriver --port={port} --allowed-ips=127.0.0.1"),
                &log,
                &[],
            ) {
                Ok(g) => g,
                Err(e) => panic!("could not start chromedriver: {e}"),
            };
            let url = format!("http://127.0.0.1:{port}");
            let agent = ureq::AgentBuilder::new()
                .timeout(Duration::from_secs(1))
                .build();
            for _ in 0..100 {
                if agent.get(&format!("{url}/status")).call().is_ok() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            (url, group)
        })
        .0
}

/// A fresh headless Chromium at a phone viewport (390×844), German-free: English unless `lang`.
pub async fn browser_with(lang: &str, width: u32, height: u32) -> Client {
    let profile = repo_root().join(format!("test-artifacts/chrome/{}", unique("p")));
    let _ = std::fs::create_dir_all(&profile);
    let args = vec![
        "--headless=new".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-quic".into(),
        "--no-first-run".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--disable-dev-shm-usage".into(),
        format!("--lang={lang}"),
        format!("--window-size={width},{height}"),
        format!("--user-data-dir={}", profile.display()),
    ];
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": std::env::var("CHROME_BIN").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            "args": args,
            "prefs": { "intl.accept_languages": lang },
        }),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(chromedriver())
        .await;
    match client {
        Ok(c) => {
            let _ = c.set_window_size(width, height).await;
            c
        }
        Err(e) => panic!("could not start Chromium through chromedriver: {e}"),
    }
}

/// A phone-sized browser speaking English.
pub async fn browser() -> Client {
    browser_with("en", 390, 844).await
}

/// Whether a browser command failed only because the page was being replaced: the portal's
/// pages are bundles of their own, so a look made while one page gives way to the next (a case
/// link without a token going to the lookup, a lookup going to the order) is aborted by the
/// navigation, and is made again on the new page.
fn aborted_by_navigation(e: &fantoccini::error::CmdError) -> bool {
    e.to_string().contains("navigation")
}

/// Waits up to `within` for `css` in the browser, across page loads.
pub async fn element_across_loads(
    c: &Client,
    css: &str,
    within: Duration,
) -> Result<fantoccini::elements::Element, fantoccini::error::CmdError> {
    let deadline = std::time::Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match c
            .wait()
            .at_most(left)
            .for_element(fantoccini::Locator::Css(css))
            .await
        {
            Err(e) if aborted_by_navigation(&e) && !left.is_zero() => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            answer => return answer,
        }
    }
}

/// Runs `script` in the page, made again when a page load aborted it (for up to 20 s).
pub async fn script_across_loads(
    c: &Client,
    script: &str,
    args: Vec<serde_json::Value>,
) -> Result<serde_json::Value, fantoccini::error::CmdError> {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        match c.execute(script, args.clone()).await {
            Err(e) if aborted_by_navigation(&e) && std::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            answer => return answer,
        }
    }
}

/// Saves a screenshot as `test-artifacts/screenshots/<name>.png`.
pub async fn screenshot(client: &Client, name: &str) {
    match client.screenshot().await {
        Ok(png) => {
            let _ = std::fs::write(screenshot_dir().join(format!("{name}.png")), png);
        }
        Err(e) => panic!("screenshot {name} failed: {e}"),
    }
}
