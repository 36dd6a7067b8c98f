//! Web Push, the buyer's third channel (issue 12 §1): a browser registered on the case page gets
//! each milestone exactly once, encrypted to its keys (RFC 8291, decrypted here with pure-Rust
//! P-256, HKDF and AES-GCM) and signed for its push service's origin (RFC 8292 VAPID, verified
//! here); a push service that answers 410 loses the subscription; a bad subscription and another
//! order's buyer are refused and change nothing.
//!
//! The tests run their own `wrangler dev` with a VAPID key pair generated here and
//! `PUSH_ALLOW_HTTP=1`, so the local receiver (plain http on 127.0.0.1) may be an endpoint.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aes_gcm::aead::{Aead, KeyInit};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use p256::ecdsa::signature::Verifier;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tests::{Api, TEST_API_KEY, Wrangler};

use crate::helpers::{RETURN_ADDRESS, assert_status, own_server};
use crate::support::{fresh_orders, now};

/// One request a push service got.
#[derive(Debug, Clone)]
pub(crate) struct Pushed {
    pub path: String,
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

pub(crate) type Inbox = Arc<Mutex<Vec<Pushed>>>;

/// A local push service: records every request; answers 410 under `/gone/`, 500 the first time
/// under `/flaky/`, 201 otherwise. Answers its origin.
pub(crate) fn push_receiver(inbox: Inbox) -> String {
    let listener = match TcpListener::bind("127.0.0.1:0") {
        Ok(l) => l,
        Err(e) => panic!("push receiver: {e}"),
    };
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let Ok(read_half) = stream.try_clone() else {
                continue;
            };
            let mut reader = BufReader::new(read_half);
            let mut request_line = String::new();
            let _ = reader.read_line(&mut request_line);
            let path = request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or("")
                .to_string();
            let mut headers = BTreeMap::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some((k, v)) = line.split_once(':') {
                    headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
                }
            }
            let length = headers
                .get("content-length")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0usize);
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let mut inbox = inbox
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let earlier = inbox.iter().filter(|p| p.path == path).count();
            inbox.push(Pushed {
                path: path.clone(),
                headers,
                body,
            });
            drop(inbox);
            let status = if path.starts_with("/gone/") {
                "410 Gone"
            } else if path.starts_with("/flaky/") && earlier == 0 {
                "500 Internal Server Error"
            } else {
                "201 Created"
            };
            let _ = stream.write_all(
                format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                    .as_bytes(),
            );
        }
    });
    format!("http://127.0.0.1:{port}")
}

/// A P-256 key from a seed (tests need no randomness, only distinct keys).
fn key_from(seed: &str) -> p256::SecretKey {
    let mut counter = 0u32;
    loop {
        let digest = Sha256::digest(format!("{seed}/{}/{counter}", std::process::id()));
        if let Ok(key) = p256::SecretKey::from_slice(&digest) {
            return key;
        }
        counter += 1;
    }
}

fn public_bytes(key: &p256::SecretKey) -> Vec<u8> {
    key.public_key().to_encoded_point(false).as_bytes().to_vec()
}

/// The deployment's VAPID pair: (private scalar, public point), base64url.
pub(crate) fn vapid_pair(seed: &str) -> (String, String) {
    let key = key_from(&format!("vapid/{seed}"));
    (B64.encode(key.to_bytes()), B64.encode(public_bytes(&key)))
}

/// A browser's subscription keys: its ECDH key and its auth secret.
pub(crate) struct Browser {
    pub key: p256::SecretKey,
    pub auth: [u8; 16],
    pub endpoint: String,
}

impl Browser {
    pub(crate) fn new(endpoint: &str) -> Self {
        let key = key_from(endpoint);
        let digest = Sha256::digest(format!("auth/{endpoint}"));
        let mut auth = [0u8; 16];
        auth.copy_from_slice(&digest[..16]);
        Self {
            key,
            auth,
            endpoint: endpoint.into(),
        }
    }

    /// `PushSubscription.toJSON()`.
    pub(crate) fn subscription(&self) -> Value {
        json!({
            "endpoint": self.endpoint,
            "expirationTime": null,
            "keys": {"p256dh": B64.encode(public_bytes(&self.key)), "auth": B64.encode(self.auth)},
        })
    }

    /// RFC 8291 / RFC 8188: the plaintext of one `aes128gcm` message (one record).
    pub(crate) fn decrypt(&self, body: &[u8]) -> Result<Vec<u8>, String> {
        decrypt(&self.key, &self.auth, body)
    }
}

fn decrypt(ua: &p256::SecretKey, auth: &[u8], body: &[u8]) -> Result<Vec<u8>, String> {
    if body.len() < 21 {
        return Err("short body".into());
    }
    let salt = &body[..16];
    let record_size = u32::from_be_bytes([body[16], body[17], body[18], body[19]]);
    let id_len = usize::from(body[20]);
    let as_public = body.get(21..21 + id_len).ok_or("key id")?;
    let sealed = &body[21 + id_len..];
    if record_size != 4096 || id_len != 65 || sealed.len() > record_size as usize {
        return Err(format!("header: rs {record_size}, idlen {id_len}"));
    }
    let as_key = p256::PublicKey::from_sec1_bytes(as_public).map_err(|e| e.to_string())?;
    let shared = p256::ecdh::diffie_hellman(ua.to_nonzero_scalar(), as_key.as_affine());
    let ua_public = public_bytes(ua);
    let key_info = [b"WebPush: info\0".as_slice(), &ua_public, as_public].concat();
    let mut ikm = [0u8; 32];
    hkdf::Hkdf::<Sha256>::new(Some(auth), shared.raw_secret_bytes())
        .expand(&key_info, &mut ikm)
        .map_err(|e| e.to_string())?;
    let prk = hkdf::Hkdf::<Sha256>::new(Some(salt), &ikm);
    let (mut cek, mut nonce) = ([0u8; 16], [0u8; 12]);
    prk.expand(b"Content-Encoding: aes128gcm\0", &mut cek)
        .map_err(|e| e.to_string())?;
    prk.expand(b"Content-Encoding: nonce\0", &mut nonce)
        .map_err(|e| e.to_string())?;
    let cipher = aes_gcm::Aes128Gcm::new_from_slice(&cek).map_err(|e| e.to_string())?;
    let mut padded = cipher
        .decrypt(aes_gcm::Nonce::from_slice(&nonce), sealed)
        .map_err(|e| format!("AES-GCM: {e}"))?;
    // The last record: the plaintext, 0x02, then zeros.
    while padded.last() == Some(&0) {
        padded.pop();
    }
    match padded.pop() {
        Some(2) => Ok(padded),
        other => Err(format!("delimiter {other:?}")),
    }
}

/// Checks `Authorization: vapid t=<jwt>, k=<key>`: the key is the deployment's, the ES256
/// signature verifies under it, `aud` is `origin`, `exp` is in the next 24 hours; answers `sub`.
pub(crate) fn check_vapid(authorization: &str, public: &str, origin: &str) -> String {
    let rest = authorization
        .strip_prefix("vapid ")
        .unwrap_or_else(|| panic!("not vapid: {authorization}"));
    let mut t = "";
    let mut k = "";
    for part in rest.split(',') {
        let part = part.trim();
        if let Some(v) = part.strip_prefix("t=") {
            t = v;
        } else if let Some(v) = part.strip_prefix("k=") {
            k = v;
        }
    }
    assert_eq!(k, public, "k= is the VAPID public key");
    let (input, signature) = t.rsplit_once('.').unwrap_or_default();
    let verifying = p256::ecdsa::VerifyingKey::from_sec1_bytes(&B64.decode(k).unwrap_or_default())
        .expect("VAPID key");
    let signature = p256::ecdsa::Signature::from_slice(&B64.decode(signature).unwrap_or_default())
        .expect("64-byte ES256 signature");
    assert!(
        verifying.verify(input.as_bytes(), &signature).is_ok(),
        "the JWT's signature verifies"
    );
    let (head, claims) = input.split_once('.').unwrap_or_default();
    let head: Value =
        serde_json::from_slice(&B64.decode(head).unwrap_or_default()).unwrap_or_default();
    assert_eq!(head["alg"], "ES256");
    let claims: Value =
        serde_json::from_slice(&B64.decode(claims).unwrap_or_default()).unwrap_or_default();
    assert_eq!(claims["aud"], origin);
    let exp = claims["exp"].as_i64().unwrap_or(0);
    let now_s = now().0 / 1000;
    assert!(
        exp > now_s && exp <= now_s + 24 * 3600,
        "exp {exp}, now {now_s}"
    );
    claims["sub"].as_str().unwrap_or_default().to_string()
}

/// A server of its own with Web Push configured, the owner signed in.
pub(crate) struct Shop {
    pub server: Wrangler,
    pub owner: Api,
    pub vapid_public: String,
}

impl Shop {
    pub(crate) fn start(tag: &str) -> Self {
        let (private, public) = vapid_pair(tag);
        let (server, owner) = own_server(
            tag,
            &[
                ("VAPID_PRIVATE_KEY", private.as_str()),
                ("VAPID_PUBLIC_KEY", public.as_str()),
                ("VAPID_SUBJECT", "mailto:shop@example.cn"),
                ("PUSH_ALLOW_HTTP", "1"),
                ("PORTAL_URL", "https://returns.example.cn"),
            ],
        );
        let mut policy = owner.get("/api/staff/policy").json();
        policy["return_address"] = json!(RETURN_ADDRESS);
        // No quiet hours: these tests may run at any hour.
        policy["notify_quiet_from"] = json!(0);
        policy["notify_quiet_until"] = json!(0);
        policy["push_subscriptions_per_case"] = json!(3);
        assert_status(&owner.put("/api/staff/policy", &policy), 200);
        Self {
            server,
            owner,
            vapid_public: public,
        }
    }

    /// A fresh shirt order, imported; a buyer (speaking `lang`) who looked it up.
    pub(crate) fn shirt_buyer(&self, tag: &str, lang: &str) -> (shared::domain::Order, Api) {
        let orders = fresh_orders(tag);
        let shirt = orders
            .iter()
            .find(|o| o.number.starts_with(tests::fixtures::stories::SHIRT))
            .cloned()
            .expect("shirt order");
        let r = Api::new(&self.server.base)
            .with_bearer(TEST_API_KEY)
            .post("/api/shop/orders", &orders);
        assert_status(&r, 200);
        let r = Api::new(&self.server.base).post(
            "/api/lookup",
            &json!({"order_number": shirt.number, "contact": shirt.buyer.email}),
        );
        assert_status(&r, 200);
        let token = r.json()["token"].as_str().unwrap_or_default().to_string();
        let buyer = Api::new(&self.server.base)
            .with_bearer(&token)
            .with_lang(lang);
        (shirt, buyer)
    }

    pub(crate) fn staff(&self, case: &str, command: &Value) {
        let r = self
            .owner
            .command(&format!("/api/staff/cases/{case}"), command);
        assert_status(&r, 200);
    }

    pub(crate) fn cron(&self) {
        let r = Api::new(&self.server.base).get("/__scheduled?cron=*/5+*+*+*+*");
        assert_eq!(r.status, 200, "cron: {}", String::from_utf8_lossy(&r.body));
    }
}

pub(crate) fn at(inbox: &Inbox, path: &str) -> Vec<Pushed> {
    inbox
        .lock()
        .map(|i| i.iter().filter(|p| p.path == path).cloned().collect())
        .unwrap_or_default()
}

/// Waits until `path` got `n` messages.
pub(crate) fn wait_for(inbox: &Inbox, path: &str, n: usize) -> Vec<Pushed> {
    for _ in 0..80 {
        let got = at(inbox, path);
        if got.len() >= n {
            return got;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    panic!(
        "expected {n} pushes at {path}, got {}",
        at(inbox, path).len()
    );
}

fn push_path(case: &str) -> String {
    format!("/api/buyer/cases/{case}/push")
}

/// The decrypted `{title, body, url, tag}` of every message `browser` got.
fn messages(browser: &Browser, got: &[Pushed]) -> Vec<Value> {
    got.iter()
        .map(|p| {
            let plain = browser
                .decrypt(&p.body)
                .unwrap_or_else(|e| panic!("{}: {e}", p.path));
            serde_json::from_slice(&plain).unwrap_or_default()
        })
        .collect()
}

#[test]
fn the_rfc_8291_example_decrypts_with_the_tests_receiver() {
    // RFC 8291 Appendix A: the user agent's private key, its auth secret, and the message.
    let ua = p256::SecretKey::from_slice(
        &B64.decode("q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94")
            .unwrap_or_default(),
    )
    .expect("RFC key");
    let auth = B64.decode("BTBZMqHH6r4Tts7J_aSIgg").unwrap_or_default();
    let message = B64
        .decode("DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN")
        .unwrap_or_default();
    assert_eq!(
        decrypt(&ua, &auth, &message).as_deref(),
        Ok(b"When I grow up, I want to be a watermelon".as_slice())
    );
}

#[test]
fn each_milestone_reaches_a_registered_browser_once_encrypted_and_signed() {
    let shop = Shop::start("push-once");
    let inbox: Inbox = Arc::default();
    let origin = push_receiver(inbox.clone());
    let (shirt, buyer) = shop.shirt_buyer("psh", "en");
    let case = crate::helpers::file(&buyer, &crate::helpers::shirt_return());

    // The page's key.
    let key = Api::new(&shop.server.base).get("/api/push/key");
    assert_status(&key, 200);
    assert_eq!(key.json()["key"], shop.vapid_public.as_str());

    // Bad subscriptions are refused field by field, in the caller's language, and store nothing.
    let phone = Browser::new(&format!("{origin}/push/phone-{case}"));
    let mut bad = phone.subscription();
    bad["keys"]["p256dh"] = json!("BAAA");
    bad["keys"]["auth"] = json!("not base64url!");
    let r = buyer.post(&push_path(&case), &bad);
    assert_status(&r, 422);
    let fields: Vec<(String, String)> = r.json()["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["field"].as_str().unwrap_or_default().to_string(),
                f["code"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            ("keys.p256dh".to_string(), "push_key_invalid".to_string()),
            ("keys.auth".to_string(), "push_auth_invalid".to_string()),
        ]
    );
    let mut ftp = phone.subscription();
    ftp["endpoint"] = json!("ftp://127.0.0.1/push");
    let zh = Api::new(&shop.server.base)
        .with_bearer(buyer.bearer.as_deref().unwrap_or_default())
        .with_lang("zh-CN");
    let r = zh.post(&push_path(&case), &ftp);
    assert_status(&r, 422);
    assert_eq!(r.json()["fields"][0]["code"], "push_endpoint_not_https");
    assert!(
        r.json()["fields"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("https"),
        "{}",
        r.json()
    );

    // Another order's buyer cannot register on this case (it is "not found" to them), and
    // no one can without a token.
    let (_, stranger) = shop.shirt_buyer("psx", "en");
    assert_status(
        &stranger.post(&push_path(&case), &phone.subscription()),
        404,
    );
    assert_status(
        &Api::new(&shop.server.base).post(&push_path(&case), &phone.subscription()),
        401,
    );

    // The phone, and a browser whose push service will say it is gone.
    let r = buyer.post(&push_path(&case), &phone.subscription());
    assert_status(&r, 200);
    assert_eq!(r.json()["count"], 1, "nothing refused was stored");
    let gone = Browser::new(&format!("{origin}/gone/{case}"));
    let r = buyer.post(&push_path(&case), &gone.subscription());
    assert_eq!(r.json()["count"], 2);
    // The same phone again renews its entry.
    let r = buyer.post(&push_path(&case), &phone.subscription());
    assert_eq!(r.json()["count"], 2);

    // More proof asked → answered → approved → shipped back → received (refund and close).
    let buyer_case = format!("/api/buyer/cases/{case}");
    shop.staff(
        &case,
        &json!({"type": "request_info", "question": "A photo of the label, please."}),
    );
    let phone_path = format!("/push/phone-{case}");
    wait_for(&inbox, &phone_path, 1);
    wait_for(&inbox, &format!("/gone/{case}"), 1);
    assert_status(
        &buyer.command(
            &buyer_case,
            &json!({"type": "answer_info", "note": "Here it is."}),
        ),
        200,
    );
    shop.staff(
        &case,
        &json!({"type": "approve", "solution": {"kind": "return_and_refund"}}),
    );
    wait_for(&inbox, &phone_path, 2);
    assert_status(
        &buyer.command(
            &buyer_case,
            &json!({"type": "enter_return_tracking", "carrier": "SF Express", "tracking": "SF1234567890"}),
        ),
        200,
    );
    shop.staff(
        &case,
        &json!({"type": "receive", "inspection": {"passed": true}}),
    );
    wait_for(&inbox, &phone_path, 3);
    shop.cron();
    shop.cron();
    std::thread::sleep(Duration::from_secs(2));

    // Exactly once each, in English, with the absolute case link.
    let got = at(&inbox, &phone_path);
    assert_eq!(got.len(), 3, "{got:?}");
    let texts = messages(&phone, &got);
    let titles: Vec<&str> = texts
        .iter()
        .map(|m| m["title"].as_str().unwrap_or_default())
        .collect();
    assert!(
        titles[0].starts_with("The shop asks for more proof"),
        "{titles:?}"
    );
    assert!(
        titles[1].starts_with("The shop approved your return — send it by "),
        "{titles:?}"
    );
    assert!(titles[2].starts_with("Refund of ¥"), "{titles:?}");
    assert!(
        texts[0]["body"]
            .as_str()
            .unwrap_or_default()
            .contains("A photo of the label")
    );
    assert!(
        texts[1]["body"]
            .as_str()
            .unwrap_or_default()
            .contains(RETURN_ADDRESS)
    );
    for m in &texts {
        assert_eq!(
            m["url"],
            format!(
                "https://returns.example.cn/case/{case}?order={}",
                shirt.number
            )
        );
    }
    // Each request: the content coding, a TTL, the urgency of the buyer's move, a VAPID token
    // for the receiver's origin signed with the deployment's key.
    for (p, urgency) in got.iter().zip(["high", "high", "normal"]) {
        assert_eq!(
            p.headers.get("content-encoding").map(String::as_str),
            Some("aes128gcm")
        );
        assert!(
            p.headers
                .get("ttl")
                .is_some_and(|t| t.parse::<u32>().is_ok())
        );
        assert_eq!(p.headers.get("urgency").map(String::as_str), Some(urgency));
        let sub = check_vapid(
            p.headers.get("authorization").map_or("", String::as_str),
            &shop.vapid_public,
            &origin,
        );
        assert_eq!(sub, "mailto:shop@example.cn");
    }

    // The push service said 410 to the first message: the subscription was dropped, never tried
    // again, and the case holds the phone only (removing the gone one finds nothing).
    assert_eq!(at(&inbox, &format!("/gone/{case}")).len(), 1);
    let body = serde_json::to_vec(&json!({"endpoint": gone.endpoint})).unwrap_or_default();
    let r = buyer.send(
        "DELETE",
        &push_path(&case),
        Some(("application/json", body)),
        &[],
    );
    assert_status(&r, 200);
    assert_eq!(r.json()["count"], 1);
    // The buyer turns the phone off: nothing is left.
    let body = serde_json::to_vec(&json!({"endpoint": phone.endpoint})).unwrap_or_default();
    let r = buyer.send(
        "DELETE",
        &push_path(&case),
        Some(("application/json", body)),
        &[],
    );
    assert_eq!(r.json()["count"], 0);
    shop.server.stop();
}

#[test]
fn a_failed_push_is_retried_by_the_cron_and_no_browser_gets_a_milestone_twice() {
    let shop = Shop::start("push-retry");
    let inbox: Inbox = Arc::default();
    let origin = push_receiver(inbox.clone());
    let (_, buyer) = shop.shirt_buyer("psr", "zh-CN");
    let case = crate::helpers::file(&buyer, &crate::helpers::shirt_return());
    let steady = Browser::new(&format!("{origin}/push/steady-{case}"));
    let flaky = Browser::new(&format!("{origin}/flaky/{case}"));
    for b in [&steady, &flaky] {
        assert_status(&buyer.post(&push_path(&case), &b.subscription()), 200);
    }
    // The cap is the shop's setting (3 here): a fourth browser is refused.
    for n in 0..2 {
        let extra = Browser::new(&format!("{origin}/push/extra{n}-{case}"));
        let r = buyer.post(&push_path(&case), &extra.subscription());
        if n == 0 {
            assert_eq!(r.json()["count"], 3);
        } else {
            assert_status(&r, 422);
            assert_eq!(r.json()["fields"][0]["code"], "push_subscriptions_full");
        }
    }
    shop.staff(
        &case,
        &json!({"type": "approve", "solution": {"kind": "return_and_refund"}}),
    );
    wait_for(&inbox, &format!("/push/steady-{case}"), 1);
    wait_for(&inbox, &format!("/flaky/{case}"), 1);
    // The flaky service answered 500: the cron tries it again once the entry is due (a minute
    // after the commit), and only it.
    std::thread::sleep(Duration::from_secs(55));
    for _ in 0..30 {
        shop.cron();
        if at(&inbox, &format!("/flaky/{case}")).len() >= 2 {
            break;
        }
        std::thread::sleep(Duration::from_secs(2));
    }
    let flaky_got = wait_for(&inbox, &format!("/flaky/{case}"), 2);
    shop.cron();
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(at(&inbox, &format!("/flaky/{case}")).len(), 2);
    assert_eq!(at(&inbox, &format!("/push/steady-{case}")).len(), 1);
    assert_eq!(at(&inbox, &format!("/push/extra0-{case}")).len(), 1);
    // In the buyer's language (the case was filed in Chinese), decrypted by the retried browser.
    let text = messages(&flaky, &flaky_got[1..]);
    let title = text[0]["title"].as_str().unwrap_or_default();
    assert!(title.starts_with("商家已同意退货，请在"), "{title}");
    let steady_text = messages(&steady, &at(&inbox, &format!("/push/steady-{case}")));
    assert_eq!(steady_text[0]["title"], text[0]["title"]);
    shop.server.stop();
}

/// The case page offers "notify me on this phone" and posts the browser's subscription; the
/// shop's next move then arrives at the (local) push service, in the page's language. Headless
/// Chromium reaches no real push service, so the page's `PushManager.prototype.subscribe` is
/// stubbed to answer the local receiver's endpoint and a key pair made here (and the permission
/// prompt to answer "granted"); everything else (the key from the worker, the service worker's
/// registration, the post, the delivery) is the real thing.
async fn the_case_page_registers_this_phone(lang: &str, label: &str, title: &str) {
    let shop = Shop::start(&format!("push-page-{lang}"));
    let inbox: Inbox = Arc::default();
    let origin = push_receiver(inbox.clone());
    let (shirt, buyer) = shop.shirt_buyer(&format!("pp{}", &lang[..2]), lang);
    let case = crate::helpers::file(&buyer, &crate::helpers::shirt_return());
    let phone = Browser::new(&format!("{origin}/push/page-{case}"));

    let c = crate::support::browser_with(lang, 390, 844).await;
    let base = shop.server.base.clone();
    open_case_page(&c, &base, &shirt, &case).await;
    let button =
        crate::support::element_across_loads(&c, "[data-testid=push-on]", Duration::from_secs(20))
            .await
            .expect("the push control (PushManager and a key)");
    assert_eq!(button.text().await.unwrap_or_default(), label);
    crate::support::screenshot(&c, &format!("push-offer-{lang}")).await;
    let stub = format!(
        "const sub = {};
         PushManager.prototype.subscribe = function () {{ return Promise.resolve({{ toJSON: () => sub }}); }};
         Notification.requestPermission = () => Promise.resolve('granted');",
        phone.subscription()
    );
    c.execute(&stub, vec![]).await.expect("stub");
    button.click().await.expect("tap");
    crate::support::element_across_loads(
        &c,
        "[data-testid=push][data-state=on]",
        Duration::from_secs(20),
    )
    .await
    .expect("on");
    crate::support::screenshot(&c, &format!("push-on-{lang}")).await;
    // The portal's service worker is registered for the page.
    let sw = c
        .execute(
            "return navigator.serviceWorker.getRegistration('/').then(r => r && r.active ? r.active.scriptURL : null)",
            vec![],
        )
        .await
        .expect("registration");
    assert_eq!(sw.as_str(), Some(format!("{base}/push-sw.js").as_str()));

    // The shop approves: the phone hears it, in the page's language.
    shop.staff(
        &case,
        &json!({"type": "approve", "solution": {"kind": "return_and_refund"}}),
    );
    let got = wait_for(&inbox, &format!("/push/page-{case}"), 1);
    let text = messages(&phone, &got);
    let got_title = text[0]["title"].as_str().unwrap_or_default();
    assert!(got_title.starts_with(title), "{got_title}");
    // The server held exactly this subscription: removing it leaves none.
    let body = serde_json::to_vec(&json!({"endpoint": phone.endpoint})).unwrap_or_default();
    let r = buyer.send(
        "DELETE",
        &push_path(&case),
        Some(("application/json", body)),
        &[],
    );
    assert_status(&r, 200);
    assert_eq!(r.json()["count"], 0);
    let _ = c.close().await;
    shop.server.stop();
}

/// Looks the order up in the portal (the browser's token), then opens the case's page.
async fn open_case_page(
    c: &fantoccini::Client,
    base: &str,
    order: &shared::domain::Order,
    case: &str,
) {
    use fantoccini::Locator;
    c.goto(&format!("{base}/")).await.expect("portal");
    for (css, text) in [
        ("[data-testid=lookup-number]", order.number.clone()),
        (
            "[data-testid=lookup-contact]",
            crate::helpers::contact_of(order),
        ),
    ] {
        crate::support::element_across_loads(c, css, Duration::from_secs(20))
            .await
            .expect(css)
            .send_keys(&text)
            .await
            .expect("type");
    }
    c.find(Locator::Css("[data-testid=lookup-submit]"))
        .await
        .expect("submit")
        .click()
        .await
        .expect("click");
    crate::support::element_across_loads(c, "[data-testid=order-summary]", Duration::from_secs(20))
        .await
        .expect("order page");
    c.goto(&format!("{base}/case/{case}?order={}", order.number))
        .await
        .expect("case page");
    crate::support::element_across_loads(c, "[data-testid=case-page]", Duration::from_secs(20))
        .await
        .expect("case page");
}

/// Without a VAPID key pair (the shared test server has none) the key route answers 404 and the
/// case page offers nothing, though the browser has `PushManager`.
#[tokio::test(flavor = "multi_thread")]
async fn without_a_vapid_key_the_case_page_offers_no_push() {
    use fantoccini::Locator;
    let app = crate::support::app();
    let r = app.api().get("/api/push/key");
    assert_status(&r, 404);
    assert_eq!(r.code(), "not_found");
    let orders = crate::helpers::orders("pnk");
    let shirt = crate::helpers::story(&orders, tests::fixtures::stories::SHIRT).clone();
    let buyer = crate::helpers::buyer(&shirt);
    let case = crate::helpers::file(&buyer, &crate::helpers::shirt_return());
    // The routes are there, and say push is off.
    let phone = Browser::new(&format!("https://push.example.net/p/{case}"));
    assert_status(&buyer.post(&push_path(&case), &phone.subscription()), 404);
    let c = crate::support::browser_with("en", 390, 844).await;
    open_case_page(&c, &app.base, &shirt, &case).await;
    let has_push_manager = c
        .execute("return 'PushManager' in window", vec![])
        .await
        .expect("script");
    assert_eq!(has_push_manager, json!(true));
    // The page has asked for the key by now (it does so when the case is drawn).
    std::thread::sleep(Duration::from_secs(2));
    assert!(
        c.find(Locator::Css("[data-testid=push]")).await.is_err(),
        "no push control without a key"
    );
    let _ = c.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_case_page_registers_this_phone_in_english() {
    the_case_page_registers_this_phone(
        "en",
        "Notify me on this phone",
        "The shop approved your return — send it by ",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_case_page_registers_this_phone_in_chinese() {
    the_case_page_registers_this_phone("zh-CN", "在此手机上通知我", "商家已同意退货，请在").await;
}
