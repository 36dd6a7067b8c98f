//! What a backup carries and how a restore checks it: the record families of one shop (the keys
//! that are the shop's record, docs/ARCHITECTURE.md), the export's cursor, and the check of
//! every restored record. Pure functions: the routes (`routes::backup`) do the storage.
//!
//! Carried: every commit of every case log, orders and their aliases, the parcels' scans the
//! shop's system pushed, the order lines the shop's tips helped with (the restore counts them
//! again in the figures), staff accounts (password hashes only when the owner asks), the
//! policy, the canned replies, the policy's change log, buyers' push subscriptions and the
//! markers of notifications already sent (both with their expiry). Not carried: read models (snapshots, queue and filter indexes, tracking numbers,
//! summaries, facts, order and buyer indexes: the restore derives them from the logs), sessions,
//! presence, invitations (one-time links: the owner sends new ones), the outboxes of webhooks
//! and notifications waiting to go out (transient; see docs/RELIABILITY.md), the guessing
//! counters.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

use serde::{Deserialize, Serialize};
use shared::api::backup::BackupRecord;
use shared::domain::Order;
use shared::i18n::Sentence;
use shared::policy::FieldError;

use crate::store::{Commit, keys};

/// One family of record keys: everything under `prefix`, or (`exact`) only the key `prefix`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Family {
    /// The list prefix.
    pub prefix: String,
    /// Only the key that is the prefix itself (the policy, the canned replies).
    pub exact: bool,
}

/// The record families of `shop`, in the order an export walks them.
pub fn families(shop: &str) -> Vec<Family> {
    let under = |prefix: String| Family {
        prefix,
        exact: false,
    };
    let exact = |prefix: String| Family {
        prefix,
        exact: true,
    };
    vec![
        // Case keys do not name the shop: the filing (sequence 1) does (`Export`).
        under("case:".into()),
        under(format!("order:{shop}:")),
        under(format!("order-alias:{shop}:")),
        under(format!("parcel:{shop}:")),
        under(format!("helped:{shop}:")),
        under(keys::staff_prefix(shop)),
        exact(keys::policy(shop)),
        exact(keys::canned(shop)),
        under(format!("policylog:{shop}:")),
        under(format!("push:{shop}:")),
        under(format!("ntf:{shop}:")),
    ]
}

/// The case id and sequence number of a commit key
/// (`case:{id}:log:{seq:08}:{written_at:013}:{nonce}`); `None` for any other key (a snapshot).
pub fn log_key(key: &str) -> Option<(&str, u32)> {
    let mut parts = key.split(':');
    let (Some("case"), Some(id), Some("log"), Some(seq), Some(at), Some(nonce), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let fine = valid_case_id(id)
        && digits(seq, 8)
        && digits(at, 13)
        && !nonce.is_empty()
        && nonce.len() <= 32
        && nonce.bytes().all(|b| b.is_ascii_alphanumeric());
    fine.then(|| seq.parse().ok().map(|s| (id, s))).flatten()
}

/// A case id as the worker makes them (letters, digits, `-`; never `:`).
pub fn valid_case_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// A proof photo's id (`random_hex::<16>`).
pub fn valid_photo_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Where an export stands: the family, KV's cursor within it, and the case whose commits the
/// last page ended in (with whether it is this shop's), so a case split across two pages is
/// decided by its filing once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportCursor {
    /// Index into [`families`].
    pub f: usize,
    /// KV's list cursor within the family.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kv: Option<String>,
    /// The case of the last commit exported or skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    /// Whether that case is this shop's.
    #[serde(default)]
    pub mine: bool,
}

impl ExportCursor {
    /// As the `cursor` query parameter carries it (URL-safe).
    pub fn encode(&self) -> String {
        crate::crypto::b64url(serde_json::to_string(self).unwrap_or_default().as_bytes())
    }

    /// A cursor an earlier page answered; `None` for anything else.
    pub fn decode(text: &str) -> Option<Self> {
        serde_json::from_slice(&crate::crypto::b64url_decode(text)?).ok()
    }
}

/// The shop a filing commit names (`Commit::Filed`'s order), read without decoding the case.
pub fn filing_shop(value: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(value).ok()?;
    (v["type"] == "filed")
        .then(|| v["case"]["order"]["shop_id"].as_str().map(str::to_string))
        .flatten()
}

/// A staff record without its password: the salt and hash are left out (the restore then
/// issues a one-time link to choose a new password).
pub fn without_password(value: &str) -> Option<String> {
    let mut v: serde_json::Value = serde_json::from_str(value).ok()?;
    let object = v.as_object_mut()?;
    object.remove("salt");
    object.remove("hash");
    Some(v.to_string())
}

/// A staff record as restored: one exported without its password gets an empty salt and hash,
/// which no password matches (`auth::password_matches`).
pub fn staff_record(value: &str) -> Option<crate::auth::StaffRecord> {
    let mut v: serde_json::Value = serde_json::from_str(value).ok()?;
    let object = v.as_object_mut()?;
    for field in ["salt", "hash"] {
        object
            .entry(field)
            .or_insert(serde_json::Value::String(String::new()));
    }
    serde_json::from_value(v).ok()
}

/// The helped order line a restored record holds, if its key is the one the line is kept under.
pub fn helped_line(shop: &str, key: &str, value: &str) -> Option<crate::tally::HelpedLine> {
    serde_json::from_str::<crate::tally::HelpedLine>(value)
        .ok()
        .filter(|line| keys::helped(shop, &line.order, &line.sku) == key)
}

/// Whether a restored record may be written into `shop`: its key is one of the shop's record
/// families and its value is what that family holds. `now_s` (seconds) drops records that have
/// already expired (`Ok(false)`: skipped, not an error).
pub fn check_record(shop: &str, record: &BackupRecord, now_s: u64) -> Result<bool, FieldError> {
    let bad = |en: &str, zh: &str| {
        FieldError::new(
            "records",
            "invalid_record",
            Sentence {
                zh: format!("记录 {}：{zh}", record.key),
                en: format!("Record {}: {en}", record.key),
            },
        )
    };
    // KV's own bounds on a key and on metadata.
    if record.key.is_empty() || record.key.len() > 512 {
        return Err(bad("the key is empty or too long.", "键为空或过长。"));
    }
    if let Some(meta) = &record.metadata
        && (meta.len() > 1024 || serde_json::from_str::<serde_json::Value>(meta).is_err())
    {
        return Err(bad("the metadata is not valid.", "元数据无效。"));
    }
    if record.expiration.is_some_and(|at| at <= now_s + 60) {
        return Ok(false);
    }
    let key = record.key.as_str();
    let value = record.value.as_str();
    let json_ok = serde_json::from_str::<serde_json::Value>(value).is_ok();
    let fine = if log_key(key).is_some() {
        match serde_json::from_str::<Commit>(value) {
            Ok(Commit::Filed { case }) => {
                case.order.shop_id == shop && Some(case.id.as_str()) == log_key(key).map(|k| k.0)
            }
            Ok(Commit::Events { .. }) => true,
            Err(_) => false,
        }
    } else if let Some(number) = key.strip_prefix(&format!("order:{shop}:")) {
        serde_json::from_str::<Order>(value).is_ok_and(|o| o.shop_id == shop && o.number == number)
    } else if key.starts_with(&format!("order-alias:{shop}:")) {
        serde_json::from_str::<String>(value).is_ok()
    } else if key.starts_with(&format!("parcel:{shop}:")) {
        serde_json::from_str::<shared::domain::ParcelTracking>(value).is_ok()
    } else if key.starts_with(&format!("helped:{shop}:")) {
        helped_line(shop, key, value).is_some()
    } else if let Some(email) = key.strip_prefix(&keys::staff_prefix(shop)) {
        staff_record(value).is_some_and(|s| s.email == email)
    } else if key == keys::policy(shop) {
        shared::policy::Policy::from_json(value).is_ok()
    } else if key == keys::canned(shop) {
        serde_json::from_str::<Vec<shared::api::CannedReply>>(value).is_ok()
    } else {
        let free_form = [
            format!("policylog:{shop}:"),
            format!("push:{shop}:"),
            format!("ntf:{shop}:"),
        ];
        if !free_form.iter().any(|p| key.starts_with(p.as_str())) {
            return Err(bad(
                "the key is not one of this shop's records.",
                "该键不属于本店的记录。",
            ));
        }
        json_ok
    };
    if fine {
        Ok(true)
    } else {
        Err(bad(
            "the value is not what this key holds.",
            "值与该键的类型不符。",
        ))
    }
}

/// Runs `futures` concurrently on this request's one thread (no runtime of its own: it polls
/// each pending future whenever it is woken) and answers their outputs in order. A worker's
/// storage calls wait on the network, so a page's writes in flight together take about as long
/// as one.
pub async fn join_all<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut pending: Vec<Option<Pin<Box<F>>>> =
        futures.into_iter().map(|f| Some(Box::pin(f))).collect();
    let mut outputs: Vec<Option<F::Output>> = pending.iter().map(|_| None).collect();
    std::future::poll_fn(move |cx| {
        let mut all = true;
        for (slot, out) in pending.iter_mut().zip(outputs.iter_mut()) {
            if let Some(future) = slot {
                match future.as_mut().poll(cx) {
                    Poll::Ready(value) => {
                        *out = Some(value);
                        *slot = None;
                    }
                    Poll::Pending => all = false,
                }
            }
        }
        if all {
            Poll::Ready(outputs.iter_mut().filter_map(Option::take).collect())
        } else {
            Poll::Pending
        }
    })
    .await
}

/// The restore's state, kept by the team desk (authoritative: one restore at a time) and copied
/// to KV under [`restore_key`] for the pages to read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreState {
    /// The restore's id.
    pub id: String,
    /// Open: pages are accepted; closed: the restore finished.
    pub open: bool,
}

/// The KV copy of the restore's state.
pub fn restore_key(shop: &str) -> String {
    format!("restore:{shop}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(key: &str, value: &str) -> BackupRecord {
        BackupRecord {
            key: key.into(),
            value: value.into(),
            metadata: None,
            expiration: None,
        }
    }

    #[test]
    fn joined_futures_answer_in_their_order() {
        let futures: Vec<_> = (0..5).map(|i| async move { i * 2 }).collect();
        assert_eq!(poll_once(join_all(futures)), Some(vec![0, 2, 4, 6, 8]));
    }

    /// Polls a future that never waits to its end.
    fn poll_once<F: Future>(future: F) -> Option<F::Output> {
        let mut future = Box::pin(future);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(v) => Some(v),
            Poll::Pending => None,
        }
    }

    #[test]
    fn only_commit_keys_are_log_keys() {
        assert_eq!(
            log_key("case:AS-1:log:00000002:0001700000000:ab12"),
            Some(("AS-1", 2))
        );
        assert_eq!(log_key("case:AS-1:snap"), None);
        assert_eq!(log_key("case:AS-1:log:2:0001700000000:ab12"), None);
        assert_eq!(log_key("case:AS:1:log:00000002:0001700000000:ab12"), None);
        assert_eq!(log_key("case:AS-1:log:00000002:0001700000000:"), None);
    }

    #[test]
    fn the_cursor_reads_back_and_anything_else_is_no_cursor() {
        let cursor = ExportCursor {
            f: 3,
            kv: Some("abc".into()),
            case: Some("AS-9".into()),
            mine: true,
        };
        assert_eq!(ExportCursor::decode(&cursor.encode()), Some(cursor));
        assert_eq!(ExportCursor::decode("not a cursor"), None);
    }

    #[test]
    fn a_staff_record_without_its_password_is_restored_with_none() {
        let stored = r#"{"id":"st_1","email":"a@b.cn","name":"A","role":"owner","salt":"00","hash":"11","iterations":100000,"active":true}"#;
        let bare = without_password(stored).unwrap_or_default();
        assert!(
            !bare.contains("salt") && !bare.contains("\"hash\""),
            "{bare}"
        );
        let restored = staff_record(&bare);
        assert_eq!(restored.as_ref().map(|s| s.hash.as_str()), Some(""));
        assert_eq!(restored.map(|s| s.id), Some("st_1".to_string()));
        assert_eq!(staff_record(stored).map(|s| s.hash), Some("11".to_string()));
    }

    #[test]
    fn a_restored_record_must_be_one_of_this_shops_records() {
        let ok = |key: &str, value: &str| check_record("demo", &record(key, value), 0);
        assert_eq!(ok("policylog:demo:1:x", "{}"), Ok(true));
        assert_eq!(ok("order-alias:demo:AB-1", "\"ab-1\""), Ok(true));
        assert!(ok("policylog:other:1:x", "{}").is_err());
        assert!(ok("session:abc", "{}").is_err());
        assert!(ok("q:demo:1:0000000000001:1:AS-1", "").is_err());
        assert!(ok("canned:demo", "{\"not\":\"a list\"}").is_err());
        assert!(ok("order:demo:T1", "{}").is_err());
        let helped = r#"{"order":"T1","sku":"MUG","category":"kitchen","at":1}"#;
        assert_eq!(ok("helped:demo:T1:MUG", helped), Ok(true));
        assert!(ok("helped:demo:T2:MUG", helped).is_err());
        assert!(ok("helped:other:T1:MUG", helped).is_err());
        assert!(ok("parcel:demo:T1", "[]").is_err());
        assert!(
            ok(
                "case:AS-1:log:00000002:0001700000000:ab12",
                r#"{"type":"events","events":[]}"#
            )
            .is_ok()
        );
        assert!(ok("case:AS-1:log:00000002:0001700000000:ab12", "{}").is_err());
        let expired = BackupRecord {
            expiration: Some(100),
            ..record("ntf:demo:x", "\"1\"")
        };
        assert_eq!(check_record("demo", &expired, 1_000), Ok(false));
    }
}
