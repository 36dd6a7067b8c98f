//! Web Push, the buyer's third channel (issue 12 §1): the case page registers the browser's
//! subscription (`routes::push`), and every notification of the outbox (`notify`) is also sent
//! to each subscription of its case.
//!
//! - Payload encryption is RFC 8291 (`aes128gcm` content coding, RFC 8188): an ephemeral ECDH
//!   P-256 key per message, HKDF-SHA256 keyed by the subscription's auth secret, one record of
//!   4096 octets padded with the 0x02 delimiter. The application server is identified by RFC 8292
//!   VAPID: an ES256 JWT for the endpoint's origin, at most 12 hours valid, in
//!   `Authorization: vapid t=…, k=…`.
//! - All of it is WebCrypto (`crypto.subtle`): the runtime's P-256, HMAC and AES-GCM cost the
//!   worker no wasm size; the byte layouts around them are pure functions tested natively below.
//! - Keys: `VAPID_PRIVATE_KEY` (secret: the private scalar, 32 bytes base64url, as
//!   `web-push generate-vapid-keys` prints it) and `VAPID_PUBLIC_KEY` (65-byte point, base64url);
//!   `VAPID_SUBJECT` (`mailto:` or `https:`) names the sender to push services. Without both keys
//!   push is off: `GET /api/push/key` answers 404 and the page shows no control.
//! - Subscriptions live in KV under `push:{shop}:{case}:{id}` (id: a hash of the endpoint, so the
//!   same browser registering again replaces its entry). KV has no compare-and-swap: two
//!   registrations at the same instant may both see room under `push_subscriptions_per_case` and
//!   leave one more than it; this is tolerated because delivery sends to the oldest
//!   `push_subscriptions_per_case` only, so the cap's purpose (bounded fan-out per notification)
//!   holds whatever the race left.
//! - A 404 or 410 from the push service means the browser unsubscribed: the subscription is
//!   deleted. Any other failure leaves the notification in the outbox for the cron's back-off; the
//!   outbox entry remembers which subscriptions have it, so none gets a milestone twice.

use js_sys::{Array, Object, Reflect, Uint8Array};
use serde::{Deserialize, Serialize};
use shared::domain::Timestamp;
use shared::policy::Policy;
use shared::policy::notify::{Milestone, Notification};
use shared::policy::push::ValidSubscription;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::CryptoKey;
use worker::{Env, Fetch, Headers, Method, Request, RequestInit};

use crate::crypto::{self, CryptoError, b64url, b64url_decode, hex, hmac_sha256, sha256};
use crate::error::AppResult;
use crate::store::Store;

/// How long a subscription is kept without being registered again: longer than a case stays open.
const KEEP_SECONDS: u64 = 400 * 24 * 3600;
/// RFC 8188 record size: one record holds the whole message.
pub const RECORD_SIZE: u32 = 4096;
/// The longest plaintext one 4096-octet push message carries (RFC 8291 §4: 4096 − 86 octets of
/// header − 16 of tag − 1 of padding delimiter).
pub const MAX_PLAINTEXT: usize = 3993;
/// How long a push service keeps a message for a browser that is offline (`TTL`, seconds).
const MESSAGE_TTL_SECONDS: u32 = 3 * 24 * 3600;
/// How long a VAPID token is valid (RFC 8292 allows at most 24 hours).
const JWT_LIFETIME_SECONDS: i64 = 12 * 3600;

/// RFC 8291 §3.4: the HKDF info that derives the input keying material.
pub const KEY_INFO_LABEL: &[u8] = b"WebPush: info\0";
/// RFC 8188 §2.2: the HKDF info of the content-encryption key.
pub const CEK_INFO: &[u8] = b"Content-Encoding: aes128gcm\0";
/// RFC 8188 §2.3: the HKDF info of the nonce.
pub const NONCE_INFO: &[u8] = b"Content-Encoding: nonce\0";

/// One subscription as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Stored {
    /// The push service's URL.
    pub endpoint: String,
    /// The browser's public key, base64url.
    pub p256dh: String,
    /// The auth secret, base64url.
    pub auth: String,
    /// When it was registered (the oldest are served first under the cap).
    pub at: Timestamp,
}

fn var(env: &Env, name: &str) -> String {
    env.secret(name)
        .map(|s| s.to_string())
        .or_else(|_| env.var(name).map(|v| v.to_string()))
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// True when the deployment has a VAPID key pair.
pub fn configured(env: &Env) -> bool {
    public_key(env).is_some() && !var(env, "VAPID_PRIVATE_KEY").is_empty()
}

/// The VAPID public key (`applicationServerKey`), when push is configured.
pub fn public_key(env: &Env) -> Option<String> {
    let key = var(env, "VAPID_PUBLIC_KEY");
    let ok = b64url_decode(&key).is_some_and(|k| k.len() == 65 && k[0] == 4)
        && !var(env, "VAPID_PRIVATE_KEY").is_empty();
    ok.then_some(key)
}

/// `PUSH_ALLOW_HTTP=1`: plain-http and loopback endpoints are taken (the local test receivers;
/// set by scripts/dev.sh and the e2e harness only, never in production).
pub fn allow_http(env: &Env) -> bool {
    var(env, "PUSH_ALLOW_HTTP") == "1"
}

fn prefix(shop: &str, case: &str) -> String {
    format!("push:{shop}:{case}:")
}

/// The id of an endpoint's subscription: the first 16 bytes of its SHA-256, hex.
async fn id_of(endpoint: &str) -> AppResult<String> {
    let digest = sha256(endpoint.as_bytes()).await?;
    Ok(hex(digest.get(..16).unwrap_or(&digest)))
}

/// The case's subscriptions, oldest first, with their ids.
pub async fn list(store: &Store, case: &str) -> AppResult<Vec<(String, Stored)>> {
    let prefix = prefix(&store.shop, case);
    let keys = store.list_all_meta::<serde_json::Value>(&prefix).await?;
    let mut out = Vec::new();
    for (key, _) in keys {
        let Some(id) = crate::store::keys::id_after(&key, &prefix) else {
            continue;
        };
        if let Some(stored) = store.get::<Stored>(&key).await? {
            out.push((id.to_owned(), stored));
        }
    }
    out.sort_by_key(|(_, s)| s.at);
    Ok(out)
}

/// Registers (or renews) a subscription for `case`; answers how many the case holds.
///
/// # Errors
/// `push_subscriptions_full` (422) when the case has the shop's maximum already and this
/// endpoint is not one of them.
pub async fn register(
    store: &Store,
    policy: &Policy,
    case: &str,
    sub: &ValidSubscription,
    now: Timestamp,
) -> AppResult<u32> {
    let id = id_of(&sub.endpoint).await?;
    let existing = list(store, case).await?;
    let known = existing.iter().any(|(i, _)| *i == id);
    if !known {
        shared::policy::push::check_room(existing.len(), policy)
            .map_err(crate::error::AppError::Fields)?;
    }
    let stored = Stored {
        endpoint: sub.endpoint.clone(),
        p256dh: b64url(&sub.p256dh),
        auth: b64url(&sub.auth),
        at: existing
            .iter()
            .find(|(i, _)| *i == id)
            .map_or(now, |(_, s)| s.at),
    };
    store
        .put_expiring(
            &format!("{}{id}", prefix(&store.shop, case)),
            &stored,
            KEEP_SECONDS,
        )
        .await?;
    Ok(count(existing.len() + usize::from(!known)))
}

/// Forgets the subscription of `endpoint` (none is fine); answers how many the case holds.
pub async fn remove(store: &Store, case: &str, endpoint: &str) -> AppResult<u32> {
    let id = id_of(endpoint).await?;
    let existing = list(store, case).await?;
    let known = existing.iter().any(|(i, _)| *i == id);
    if known {
        store
            .delete(&format!("{}{id}", prefix(&store.shop, case)))
            .await?;
    }
    Ok(count(existing.len() - usize::from(known)))
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Sends `n` to every subscription of its case not in `done` (ids), adding those that have it
/// now or are gone. Answers how many failed (the caller retries the entry later).
pub async fn deliver(
    env: &Env,
    store: &Store,
    n: &Notification,
    link: &str,
    done: &mut Vec<String>,
    now: Timestamp,
) -> AppResult<u32> {
    let subs = list(store, &n.case_id).await?;
    if subs.is_empty() {
        return Ok(0);
    }
    let policy = crate::cases::policy_of(store).await?;
    let cap = usize::try_from(policy.push_subscriptions_per_case).unwrap_or(0);
    let body = payload(&n.title, &n.body, link, &n.key);
    let mut failed = 0;
    for (id, sub) in subs.into_iter().take(cap) {
        if done.contains(&id) {
            continue;
        }
        match send(env, &sub, body.as_bytes(), urgency(n.milestone), now).await {
            Ok(Sent::Delivered) => done.push(id),
            Ok(Sent::Gone) => {
                store
                    .delete(&format!("{}{id}", prefix(&store.shop, &n.case_id)))
                    .await?;
                done.push(id);
            }
            Ok(Sent::Failed(status)) => {
                worker::console_warn!("push {} to {id}: {status}", n.key);
                failed += 1;
            }
            Err(e) => {
                worker::console_warn!("push {} to {id}: {}", n.key, e.0);
                failed += 1;
            }
        }
    }
    Ok(failed)
}

/// What a push service made of one message.
#[derive(Debug)]
enum Sent {
    Delivered,
    /// 404 or 410, or keys nothing can be encrypted to: the subscription is dead.
    Gone,
    /// Anything else (retried): the status.
    Failed(u16),
}

async fn send(
    env: &Env,
    sub: &Stored,
    plaintext: &[u8],
    urgency: &str,
    now: Timestamp,
) -> Result<Sent, CryptoError> {
    let keys = b64url_decode(&sub.p256dh)
        .and_then(|k| <[u8; 65]>::try_from(k).ok())
        .zip(b64url_decode(&sub.auth).and_then(|k| <[u8; 16]>::try_from(k).ok()));
    let Some((ua_public, auth)) = keys else {
        return Ok(Sent::Gone);
    };
    let body = match encrypt(&ua_public, &auth, plaintext).await {
        Ok(body) => body,
        Err(Encrypt::BadKey) => return Ok(Sent::Gone),
        Err(Encrypt::Crypto(e)) => return Err(e),
    };
    let authorization = vapid(env, &sub.endpoint, now).await?;
    let headers = Headers::new();
    let set = |k: &str, v: &str| headers.set(k, v).map_err(|e| CryptoError(e.to_string()));
    set("Content-Type", "application/octet-stream")?;
    set("Content-Encoding", "aes128gcm")?;
    set("TTL", &MESSAGE_TTL_SECONDS.to_string())?;
    set("Urgency", urgency)?;
    set("Authorization", &authorization)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(Uint8Array::from(body.as_slice()).into()));
    let fetched = async {
        let request = Request::new_with_init(&sub.endpoint, &init)?;
        Fetch::Request(request).send().await
    }
    .await;
    let status = fetched
        .map_err(|e| CryptoError(format!("fetch: {e}")))?
        .status_code();
    Ok(match status {
        200..=299 => Sent::Delivered,
        404 | 410 => Sent::Gone,
        other => Sent::Failed(other),
    })
}

/// How soon the push service should wake the phone: at once when the buyer has something to do.
pub const fn urgency(milestone: Milestone) -> &'static str {
    match milestone {
        Milestone::Approved
        | Milestone::Rejected
        | Milestone::InfoRequested
        | Milestone::Offer
        | Milestone::ClosingSoon => "high",
        Milestone::Received | Milestone::Refunded | Milestone::Shipped | Milestone::Closed => {
            "normal"
        }
    }
}

/// The message the portal's service worker shows: `{title, body, url, tag}` as JSON, the body
/// shortened (on a character boundary, with "…") until the whole fits one push message.
pub fn payload(title: &str, body: &str, url: &str, tag: &str) -> String {
    let json = |body: &str| {
        serde_json::json!({ "title": title, "body": body, "url": url, "tag": tag }).to_string()
    };
    let mut text = json(body);
    let mut chars: Vec<char> = body.chars().collect();
    while text.len() > MAX_PLAINTEXT && !chars.is_empty() {
        let over = text.len() - MAX_PLAINTEXT;
        // At least one character per round; a Chinese character is three bytes.
        let cut = (over / 3).max(1).min(chars.len());
        chars.truncate(chars.len() - cut);
        let shorter: String = chars.iter().collect();
        text = json(&format!("{shorter}…"));
    }
    text
}

/// RFC 8291 §3.4 `key_info`: the label, the browser's key, then ours.
pub fn key_info(ua_public: &[u8], as_public: &[u8]) -> Vec<u8> {
    [KEY_INFO_LABEL, ua_public, as_public].concat()
}

/// HKDF-Expand's input for one block of output: `info || 0x01` (every output here is ≤ 32 bytes).
pub fn expand_input(info: &[u8]) -> Vec<u8> {
    [info, &[1]].concat()
}

/// RFC 8188 §2.1 header: salt (16), record size (4, big-endian), key id length (1), key id (our
/// ephemeral public key, 65).
pub fn header(salt: &[u8; 16], record_size: u32, key_id: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(21 + key_id.len());
    out.extend_from_slice(salt);
    out.extend_from_slice(&record_size.to_be_bytes());
    out.push(u8::try_from(key_id.len()).unwrap_or(u8::MAX));
    out.extend_from_slice(key_id);
    out
}

/// The single (so last) record's plaintext: the message, then the 0x02 delimiter, no padding.
pub fn pad(plaintext: &[u8]) -> Vec<u8> {
    [plaintext, &[2]].concat()
}

/// The origin of an endpoint (`https://host[:port]`, the default port left out): the VAPID
/// token's audience.
pub fn origin(endpoint: &str) -> Option<String> {
    let (scheme, rest) = endpoint.split_once("://")?;
    let authority = rest.split(['/', '?']).next().filter(|a| !a.is_empty())?;
    let scheme = scheme.to_ascii_lowercase();
    let authority = authority.to_ascii_lowercase();
    let default = if scheme == "https" { ":443" } else { ":80" };
    let authority = authority.strip_suffix(default).unwrap_or(&authority);
    Some(format!("{scheme}://{authority}"))
}

/// The VAPID JWT's signed part, `b64url(header).b64url(claims)`.
pub fn jwt_signing_input(audience: &str, expires_s: i64, subject: &str) -> String {
    let header = b64url(br#"{"typ":"JWT","alg":"ES256"}"#);
    let claims = serde_json::json!({ "aud": audience, "exp": expires_s, "sub": subject });
    format!("{header}.{}", b64url(claims.to_string().as_bytes()))
}

#[derive(Debug)]
enum Encrypt {
    /// The browser's key is not a point WebCrypto takes.
    BadKey,
    Crypto(CryptoError),
}

impl From<CryptoError> for Encrypt {
    fn from(e: CryptoError) -> Self {
        Self::Crypto(e)
    }
}

impl From<JsValue> for Encrypt {
    fn from(e: JsValue) -> Self {
        Self::Crypto(e.into())
    }
}

fn usages(list: &[&str]) -> Array {
    list.iter().map(|u| JsValue::from_str(u)).collect()
}

fn text(s: &str) -> JsValue {
    JsValue::from_str(s)
}

async fn import(
    format: &str,
    data: &Object,
    algorithm: &[(&str, JsValue)],
    uses: &[&str],
) -> Result<CryptoKey, CryptoError> {
    let promise = crypto::subtle()?.import_key_with_object(
        format,
        data,
        &crypto::algorithm(algorithm)?,
        false,
        &usages(uses),
    )?;
    Ok(JsFuture::from(promise).await?.dyn_into::<CryptoKey>()?)
}

/// RFC 8291 §3.4 and RFC 8188: the `aes128gcm` body for one message to a browser.
async fn encrypt(
    ua_public: &[u8; 65],
    auth: &[u8; 16],
    plaintext: &[u8],
) -> Result<Vec<u8>, Encrypt> {
    let subtle = crypto::subtle()?;
    let ecdh = [("name", text("ECDH")), ("namedCurve", text("P-256"))];
    let pair = JsFuture::from(subtle.generate_key_with_object(
        &crypto::algorithm(&ecdh)?,
        true,
        &usages(&["deriveBits"]),
    )?)
    .await?;
    let private: CryptoKey = Reflect::get(&pair, &text("privateKey"))?.dyn_into()?;
    let public: CryptoKey = Reflect::get(&pair, &text("publicKey"))?.dyn_into()?;
    let as_public = crypto::bytes_of(subtle.export_key("raw", &public)?).await?;
    let ua_key = import("raw", &Uint8Array::from(&ua_public[..]), &ecdh, &[])
        .await
        .map_err(|_| Encrypt::BadKey)?;
    let derive = crypto::algorithm(&[("name", text("ECDH")), ("public", ua_key.into())])?;
    let ecdh_secret = crypto::bytes_of(subtle.derive_bits_with_object(&derive, &private, 256)?)
        .await
        .map_err(|_| Encrypt::BadKey)?;
    let salt = crypto::random_bytes::<16>()?;
    // HKDF-SHA256 as HMACs (RFC 5869): extract, then one block of expand.
    let prk_key = hmac_sha256(auth, &ecdh_secret).await?;
    let ikm = hmac_sha256(&prk_key, &expand_input(&key_info(ua_public, &as_public))).await?;
    let prk = hmac_sha256(&salt, &ikm).await?;
    let cek = hmac_sha256(&prk, &expand_input(CEK_INFO)).await?;
    let nonce = hmac_sha256(&prk, &expand_input(NONCE_INFO)).await?;
    let (Some(cek), Some(nonce)) = (cek.get(..16), nonce.get(..12)) else {
        return Err(CryptoError("short HMAC".into()).into());
    };
    let aes = import(
        "raw",
        &Uint8Array::from(cek),
        &[("name", text("AES-GCM"))],
        &["encrypt"],
    )
    .await?;
    let params = crypto::algorithm(&[
        ("name", text("AES-GCM")),
        ("iv", Uint8Array::from(nonce).into()),
    ])?;
    let sealed = crypto::bytes_of(subtle.encrypt_with_object_and_u8_array(
        &params,
        &aes,
        &pad(plaintext),
    )?)
    .await?;
    let mut body = header(&salt, RECORD_SIZE, &as_public);
    body.extend_from_slice(&sealed);
    Ok(body)
}

/// RFC 8292: `vapid t=<ES256 JWT for the endpoint's origin>, k=<our public key>`.
async fn vapid(env: &Env, endpoint: &str, now: Timestamp) -> Result<String, CryptoError> {
    let public = public_key(env).ok_or_else(|| CryptoError("no VAPID key".into()))?;
    let point = b64url_decode(&public).unwrap_or_default();
    let (Some(x), Some(y)) = (point.get(1..33), point.get(33..65)) else {
        return Err(CryptoError("bad VAPID public key".into()));
    };
    let audience = origin(endpoint).ok_or_else(|| CryptoError("endpoint origin".into()))?;
    let mut subject = var(env, "VAPID_SUBJECT");
    if subject.is_empty() {
        subject = var(env, "PORTAL_URL");
    }
    let input = jwt_signing_input(&audience, now.0 / 1000 + JWT_LIFETIME_SECONDS, &subject);
    let jwk = crypto::algorithm(&[
        ("kty", text("EC")),
        ("crv", text("P-256")),
        ("d", text(&var(env, "VAPID_PRIVATE_KEY"))),
        ("x", text(&b64url(x))),
        ("y", text(&b64url(y))),
    ])?;
    let ecdsa = [("name", text("ECDSA")), ("namedCurve", text("P-256"))];
    let key = import("jwk", &jwk, &ecdsa, &["sign"]).await?;
    let sign = crypto::algorithm(&[("name", text("ECDSA")), ("hash", text("SHA-256"))])?;
    let signature = crypto::bytes_of(crypto::subtle()?.sign_with_object_and_u8_array(
        &sign,
        &key,
        input.as_bytes(),
    )?)
    .await?;
    Ok(format!(
        "vapid t={input}.{}, k={public}",
        b64url(&signature)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8291 Appendix A: the user agent's and the application server's public keys, the salt,
    /// and the header the example message starts with.
    const UA_PUBLIC: &str =
        "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    const AS_PUBLIC: &str =
        "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
    const SALT: &str = "DGv6ra1nlYgDCS1FRnbzlw";

    #[test]
    fn the_header_and_the_info_strings_are_rfc_8291s() -> Result<(), String> {
        let ua = b64url_decode(UA_PUBLIC).ok_or("ua")?;
        let as_public = b64url_decode(AS_PUBLIC).ok_or("as")?;
        let salt: [u8; 16] = b64url_decode(SALT)
            .and_then(|s| s.try_into().ok())
            .ok_or("salt")?;
        // The example message's first 86 octets, as the RFC prints them.
        let message = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";
        let expected = b64url_decode(message).ok_or("message")?;
        let got = header(&salt, RECORD_SIZE, &as_public);
        assert_eq!(got.len(), 86);
        assert_eq!(got[..], expected[..86]);
        assert_eq!(got[16..21], [0, 0, 0x10, 0, 65]);
        // key_info, IKM's info (RFC: "V2ViUHVzaDogaW5mbwAEJXGyvs3942BVGq8e0PTNNmwRzr5VX4m8t7GGpTM5FzFo7OLr4BhZe9MEebhuPI-OztV3ylkYfpJGmQ22ggCLDgT-M_SrDepxkU21WCP3O1SUj0EwbZIHMtu5pZpTKGSCIA5Zent7wmC6HCJ5mFgJkuk5cwAvMBKiiujwa7t45ewP").
        let info = key_info(&ua, &as_public);
        assert_eq!(
            b64url(&info),
            "V2ViUHVzaDogaW5mbwAEJXGyvs3942BVGq8e0PTNNmwRzr5VX4m8t7GGpTM5FzFo7OLr4BhZe9MEebhuPI-OztV3ylkYfpJGmQ22ggCLDgT-M_SrDepxkU21WCP3O1SUj0EwbZIHMtu5pZpTKGSCIA5Zent7wmC6HCJ5mFgJkuk5cwAvMBKiiujwa7t45ewP"
        );
        assert_eq!(info.len(), 14 + 65 + 65);
        // RFC 8188's infos, each with its single expand block counter.
        assert_eq!(
            b64url(&expand_input(CEK_INFO)),
            "Q29udGVudC1FbmNvZGluZzogYWVzMTI4Z2NtAAE"
        );
        assert_eq!(
            b64url(&expand_input(NONCE_INFO)),
            "Q29udGVudC1FbmNvZGluZzogbm9uY2UAAQ"
        );
        Ok(())
    }

    #[test]
    fn the_last_record_ends_with_the_delimiter_and_fits_one_message() {
        assert_eq!(pad(b"hi"), b"hi\x02");
        // A body of 3,000 Chinese characters (9,000 bytes) is shortened, not sent whole.
        let long = "退".repeat(3_000);
        let text = payload(
            "标题",
            &long,
            "https://returns.example.cn/case/c1?order=A",
            "c1.approved.1",
        );
        assert!(text.len() <= MAX_PLAINTEXT, "{}", text.len());
        assert!(text.len() > MAX_PLAINTEXT - 40, "{}", text.len());
        let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        assert!(v["body"].as_str().unwrap_or("").ends_with("退…"));
        assert_eq!(v["url"], "https://returns.example.cn/case/c1?order=A");
        // With the header and the tag, the record is within the record size.
        assert!(86 + pad(text.as_bytes()).len() + 16 <= RECORD_SIZE as usize);
        let short = payload("T", "B", "U", "K");
        assert_eq!(short, r#"{"body":"B","tag":"K","title":"T","url":"U"}"#);
    }

    #[test]
    fn the_vapid_audience_is_the_endpoints_origin() {
        assert_eq!(
            origin("https://fcm.googleapis.com/fcm/send/abc:def").as_deref(),
            Some("https://fcm.googleapis.com")
        );
        assert_eq!(
            origin("https://Web.Push.Apple.com:443/QGuQ").as_deref(),
            Some("https://web.push.apple.com")
        );
        assert_eq!(
            origin("http://127.0.0.1:8123/push/1?x").as_deref(),
            Some("http://127.0.0.1:8123")
        );
        assert_eq!(origin("nonsense"), None);
        let input = jwt_signing_input("https://push.example.net", 1_700_000_000, "mailto:a@b.cn");
        let (head, claims) = input.split_once('.').unwrap_or_default();
        assert_eq!(
            b64url_decode(head).unwrap_or_default(),
            br#"{"typ":"JWT","alg":"ES256"}"#
        );
        let claims: serde_json::Value =
            serde_json::from_slice(&b64url_decode(claims).unwrap_or_default()).unwrap_or_default();
        assert_eq!(claims["aud"], "https://push.example.net");
        assert_eq!(claims["exp"], 1_700_000_000);
        assert_eq!(claims["sub"], "mailto:a@b.cn");
    }

    #[test]
    fn the_buyers_move_is_urgent() {
        assert_eq!(urgency(Milestone::InfoRequested), "high");
        assert_eq!(urgency(Milestone::Refunded), "normal");
    }
}
