//! Everything the worker keeps, and where: the key layout of the `CASES` KV namespace and the
//! `PHOTOS` R2 bucket, and the append-only case log with its conflict rule.
//!
//! Workers KV is last-write-wins, has no compare-and-swap and takes one write per second per key,
//! so a case is never a single mutable value. Its history is a log of commits, each under its own
//! key `case:{id}:log:{seq}:{written_at}:{nonce}` that nobody overwrites. Two writers that both
//! append sequence number `n` produce two keys; the fold keeps, for every `n`, the key that sorts
//! first (earliest write, then nonce), so every reader converges on the same history. A writer
//! lists the log again after writing and answers 409 if its key is not that winner (see
//! docs/ARCHITECTURE.md). The snapshot `case:{id}:snap` and the index keys are read models derived
//! from the log: rebuilding them from the log (`rebuild`) gives the same answers.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use shared::domain::{Case, CaseKind, Event, Order, StateName};
use worker::{Env, KvStore};

use crate::error::{AppError, AppResult};
use shared::api::{ApiErrorCode, CaseSummary};

/// The KV namespace binding for cases, orders, staff, sessions and indexes.
pub const CASES_BINDING: &str = "CASES";
/// The R2 bucket binding for proof photos.
pub const PHOTOS_BINDING: &str = "PHOTOS";

/// Key layout. Every key starts with what it is, then the shop, so one namespace can hold many
/// shops and a prefix list answers each question the pages ask.
pub mod keys {
    /// An imported order.
    pub fn order(shop: &str, number: &str) -> String {
        format!("order:{shop}:{number}")
    }
    /// The courier's record of an order's parcel, as the shop's system pushed it (laid over the
    /// order when read: `Store::order`).
    pub fn parcel(shop: &str, number: &str) -> String {
        format!("parcel:{shop}:{number}")
    }
    /// A line of an order the shop's tips helped with (`tally::HelpedLine`).
    pub fn helped(shop: &str, number: &str, sku: &str) -> String {
        format!("helped:{shop}:{number}:{sku}")
    }
    /// The stored number of an order whose number has lower-case letters, under its match key
    /// (`shared::domain::order_number_match_key`), so a buyer's `AB-12` finds `ab-12`.
    pub fn order_alias(shop: &str, match_key: &str) -> String {
        format!("order-alias:{shop}:{match_key}")
    }
    /// Prefix of a case's commit log.
    pub fn log_prefix(case: &str) -> String {
        format!("case:{case}:log:")
    }
    /// One commit: sequence number, write time and a random nonce, fixed width so that the
    /// lexical order is (seq, time, nonce).
    pub fn log(case: &str, seq: u32, written_at: i64, nonce: &str) -> String {
        format!("case:{case}:log:{seq:08}:{written_at:013}:{nonce}")
    }
    /// Prefix of the candidates for one sequence number of a case's log.
    pub fn log_seq_prefix(case: &str, seq: u32) -> String {
        format!("case:{case}:log:{seq:08}:")
    }
    /// The case's snapshot (a cache of the folded log).
    pub fn snapshot(case: &str) -> String {
        format!("case:{case}:snap")
    }
    /// Prefix of the open-case queue (entries: [`queue_index`] of [`super::QueueIndex::All`]),
    /// sorted by priority then deadline: listing the prefix is the queue.
    pub fn queue_prefix(shop: &str) -> String {
        format!("q:{shop}:")
    }
    /// An entry of one of the queue's indexes: the index's prefix, then the same sort part as
    /// the queue's, so every index lists in priority order.
    pub fn queue_index(
        index: &super::QueueIndex,
        shop: &str,
        sort_key: &str,
        case: &str,
    ) -> String {
        format!("{}{sort_key}:{case}", index.prefix(shop))
    }
    /// Prefixes of the queue and its filter indexes (each family, every value), for the rebuild.
    pub fn queue_families(shop: &str) -> [String; 4] {
        [
            queue_prefix(shop),
            format!("qk:{shop}:"),
            format!("qs:{shop}:"),
            format!("qa:{shop}:"),
        ]
    }
    /// A tracking number of a case (the buyer's return parcel or the shop's shipment), as
    /// [`crate::cases::normalize_tracking`] spells it; metadata: the case's summary.
    pub fn tracking(shop: &str, number: &str, case: &str) -> String {
        format!("trk:{shop}:{number}:{case}")
    }
    /// Prefix of the cases of one tracking number.
    pub fn tracking_prefix(shop: &str, number: &str) -> String {
        format!("trk:{shop}:{number}:")
    }
    /// Prefix of every tracking number, for the rebuild.
    pub fn trackings_prefix(shop: &str) -> String {
        format!("trk:{shop}:")
    }
    /// "This staff member has this case open" (expires 60 s after the last call).
    pub fn presence(shop: &str, case: &str, staff: &str) -> String {
        format!("seen:{shop}:{case}:{staff}")
    }
    /// Prefix of who has one case open.
    pub fn presence_prefix(shop: &str, case: &str) -> String {
        format!("seen:{shop}:{case}:")
    }
    /// Every case of the shop, for analytics and export (metadata: its summary).
    pub fn summary(shop: &str, case: &str) -> String {
        format!("sum:{shop}:{case}")
    }
    /// Prefix of every case summary.
    pub fn summary_prefix(shop: &str) -> String {
        format!("sum:{shop}:")
    }
    /// A case's part in the shop's figures (`tally::FactRecord`), from which the tally is
    /// refolded without reading the case logs.
    pub fn fact(shop: &str, case: &str) -> String {
        format!("fact:{shop}:{case}")
    }
    /// Prefix of every case's facts.
    pub fn facts_prefix(shop: &str) -> String {
        format!("fact:{shop}:")
    }
    /// The cases of one order (for quantities and the buyer's list).
    pub fn order_case(shop: &str, order: &str, case: &str) -> String {
        format!("oc:{shop}:{order}:{case}")
    }
    /// Prefix of one order's cases.
    pub fn order_cases_prefix(shop: &str, order: &str) -> String {
        format!("oc:{shop}:{order}:")
    }
    /// One buyer's cases across orders (the contact is hashed, never stored in a key).
    pub fn buyer_case(shop: &str, contact_hash: &str, case: &str) -> String {
        format!("buyer:{shop}:{contact_hash}:{case}")
    }
    /// Prefix of one buyer's cases.
    pub fn buyer_cases_prefix(shop: &str, contact_hash: &str) -> String {
        format!("buyer:{shop}:{contact_hash}:")
    }
    /// A staff account, by e-mail.
    pub fn staff(shop: &str, email: &str) -> String {
        format!("staff:{shop}:{email}")
    }
    /// Prefix of the shop's staff.
    pub fn staff_prefix(shop: &str) -> String {
        format!("staff:{shop}:")
    }
    /// A staff session.
    pub fn session(id: &str) -> String {
        format!("session:{id}")
    }
    /// The shop's policy.
    pub fn policy(shop: &str) -> String {
        format!("policy:{shop}")
    }
    /// The shop's canned replies.
    pub fn canned(shop: &str) -> String {
        format!("canned:{shop}")
    }
    /// Prefix of webhook deliveries waiting for a retry.
    pub fn webhook_retry_prefix(shop: &str) -> String {
        format!("hook:{shop}:")
    }
    /// A webhook delivery waiting for a retry.
    pub fn webhook_retry(shop: &str, due: i64, id: &str) -> String {
        format!("hook:{shop}:{due:013}:{id}")
    }
    /// When an outbox entry (`webhook_retry`, `notify_pending`: `<kind>:{shop}:{due:013}:…`) is
    /// due, in ms; 0 (due now) for a key that does not spell one.
    pub fn outbox_due(key: &str) -> i64 {
        key.split(':')
            .nth(2)
            .and_then(|d| d.parse().ok())
            .unwrap_or(0)
    }
    /// The start of every key of the owners' alert outbox (`alert`).
    pub const ALERT_PENDING: &str = "alertq:";
    /// Prefix of the owners' alerts waiting to go out.
    pub fn alert_pending_prefix(shop: &str) -> String {
        format!("{ALERT_PENDING}{shop}:")
    }
    /// An owners' alert waiting to go out, from `due` on (its key holds no `:`).
    pub fn alert_pending(shop: &str, due: i64, alert_key: &str) -> String {
        format!("{ALERT_PENDING}{shop}:{due:013}:{alert_key}")
    }
    /// The start of every key of the buyer-notification outbox (`notify`).
    pub const NOTIFY_PENDING: &str = "ntfq:";
    /// Prefix of the notifications waiting to go out.
    pub fn notify_pending_prefix(shop: &str) -> String {
        format!("{NOTIFY_PENDING}{shop}:")
    }
    /// A notification waiting to go out, from `due` on (its milestone key holds no `:`).
    pub fn notify_pending(shop: &str, due: i64, milestone_key: &str) -> String {
        format!("{NOTIFY_PENDING}{shop}:{due:013}:{milestone_key}")
    }
    /// The marker of a milestone already notified (or queued).
    pub fn notified(shop: &str, milestone_key: &str) -> String {
        format!("ntf:{shop}:{milestone_key}")
    }
    /// A proof photo in R2 (random name; its order is in the object's custom metadata).
    pub fn photo(shop: &str, id: &str) -> String {
        format!("photos/{shop}/{id}")
    }

    /// The id at the end of `key` when `key` is `prefix` followed by one id, else `None`. A
    /// prefix ending in a value that holds `:` (an order number, a tracking number) also lists
    /// the keys of longer values that start the same way; ids never hold `:`, so those are
    /// told apart here.
    pub fn id_after<'k>(key: &'k str, prefix: &str) -> Option<&'k str> {
        key.strip_prefix(prefix)
            .filter(|id| !id.is_empty() && !id.contains(':'))
    }
}

/// One of the open-case queue's indexes. Each holds an entry per open case it selects, under
/// the same sort part as the queue (priority class, nearest deadline, urgency), with the case's
/// summary as metadata: a filtered page is a prefix list, full of matches, in priority order.
///
/// | index | key |
/// | --- | --- |
/// | every open case | `q:{shop}:{class}:{due:013}:{urgent}:{id}` |
/// | per kind | `qk:{shop}:{kind}:{class}:{due:013}:{urgent}:{id}` |
/// | per state | `qs:{shop}:{state}:{class}:{due:013}:{urgent}:{id}` |
/// | per assignee | `qa:{shop}:{staff id, or "-" for nobody}:{class}:{due:013}:{urgent}:{id}` |
///
/// Overdue is not an index of its own (a case becomes overdue without anything being written):
/// within one class, entries sort by deadline, so a class's overdue cases are the start of its
/// prefix (`…:{class}:`) and end at the first entry due now or later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueIndex {
    /// Every open case.
    All,
    /// The open cases of one kind.
    Kind(CaseKind),
    /// The open cases in one state.
    State(StateName),
    /// The open cases whose last staff actor is this one (`None`: no staff member acted yet).
    Assignee(Option<String>),
}

/// The assignee part of an unassigned case's key (staff ids are `st_…`).
const UNASSIGNED: &str = "-";

impl QueueIndex {
    /// The indexes a case with this summary is listed in.
    pub fn of(summary: &CaseSummary) -> [Self; 4] {
        [
            Self::All,
            Self::Kind(summary.kind),
            Self::State(summary.state),
            Self::Assignee(summary.assignee.clone()),
        ]
    }

    /// The prefix that lists this index.
    pub fn prefix(&self, shop: &str) -> String {
        match self {
            Self::All => keys::queue_prefix(shop),
            Self::Kind(kind) => format!("qk:{shop}:{}:", kind.code()),
            Self::State(state) => format!("qs:{shop}:{}:", state.code()),
            Self::Assignee(staff) => {
                format!("qa:{shop}:{}:", staff.as_deref().unwrap_or(UNASSIGNED))
            }
        }
    }
}

/// What one commit holds: the filing itself, or the events of one accepted command.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Commit {
    /// The case as filed (its first commit).
    Filed {
        /// The case with its filing events.
        case: Box<Case>,
    },
    /// Events of one command.
    Events {
        /// In the order `decide` returned them.
        events: Vec<Event>,
    },
}

/// The cached fold of a case's log. It records how many commits it folded and the key of the
/// last one, not the whole list: a case's read stays two KV operations however long its log grows
/// (a case with 5,000 events is read as fast as one with five).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    /// The case with every winning commit applied.
    pub case: Case,
    /// How many commits `case` folds (the case's version).
    #[serde(default)]
    pub version: u32,
    /// The key of the last commit folded.
    #[serde(default)]
    pub last_commit: String,
    /// Snapshots written before `version` existed listed every folded key; read, and written
    /// empty so that the previous release still reads these snapshots (it then folds the log).
    #[serde(default)]
    pub commits: Vec<String>,
    /// The case's queue key (also in `index_keys`), written for the previous release, which
    /// reads only this one.
    #[serde(default)]
    pub queue_key: Option<String>,
    /// Every index key the case has now (queue, filter indexes, tracking numbers), so that the
    /// next change can remove those it no longer has.
    #[serde(default)]
    pub index_keys: Vec<String>,
}

impl Snapshot {
    /// (version, last commit key), also for a snapshot of the old shape.
    fn position(&self) -> (u32, String) {
        if self.version > 0 || self.commits.is_empty() {
            (self.version, self.last_commit.clone())
        } else {
            (
                u32::try_from(self.commits.len()).unwrap_or(u32::MAX),
                self.commits.last().cloned().unwrap_or_default(),
            )
        }
    }

    /// The index keys the case has, also for a snapshot written before `index_keys` existed
    /// (its queue key was its only one).
    fn index_keys(&self) -> Vec<String> {
        if self.index_keys.is_empty() {
            self.queue_key.iter().cloned().collect()
        } else {
            self.index_keys.clone()
        }
    }
}

/// A case as read: its state and where it stands in its log.
#[derive(Debug, Clone)]
pub struct LoadedCase {
    /// The folded case.
    pub case: Case,
    /// How many commits the case has (what `If-Match` names).
    pub version: u32,
    /// The key of its last commit.
    pub last_commit: String,
    /// The index keys the snapshot recorded (removed by the next change if it no longer has
    /// them).
    pub index_keys: Vec<String>,
}

/// How often the first of several rival writers looks again before giving up, and how long it
/// waits in between: long enough for a rival's list to see it, short enough to stay interactive.
const CONTENTION_CHECKS: u32 = 8;
/// How often a desk reads a case again when KV has not caught up with the desk's own commit.
const STALE_READ_RETRIES: u32 = 4;
const CONTENTION_WAIT_MS: u64 = 25;

/// The Durable Object namespace binding of the shop's figures (`tally::ShopTally`, wrangler.toml):
/// opened with the store, which every commit's read models go through.
pub const TALLY_BINDING: &str = "TALLY";

/// Access to the namespace for one shop.
#[derive(Debug)]
pub struct Store {
    /// The KV namespace.
    kv: KvStore,
    /// The shop this request serves.
    pub shop: String,
    /// KV operations made through this store (reads, writes, deletes, lists): what a route costs,
    /// reported in `X-KV-Ops` where the `REPORT_KV_OPS` var is set (development and tests).
    pub ops: Rc<Cell<u32>>,
    /// Keys of the webhook deliveries this request queued, sent once its answer is out.
    pub queued_hooks: Rc<RefCell<Vec<String>>>,
    /// Inside an order's desk: its storage, which knows the version the desk last committed for
    /// each case and the order's cases. Only the desk repairs snapshots (a reader elsewhere could
    /// put an older one over the desk's newer one).
    pub desk: Option<Rc<worker::Storage>>,
    /// The shop's figures (`tally::ShopTally`), fed after each commit.
    pub tally: Option<worker::ObjectNamespace>,
    /// Some channel for the buyer's notifications is configured (`notify`): commits queue them.
    pub notify: bool,
    /// The shop has a webhook receiver (`hooks`): only then do commits queue deliveries.
    pub webhook: bool,
    /// A fault for the crash test (`FAULT_TORN_INDEX_CASE`, honoured only where `REPORT_KV_OPS`
    /// is on, never in production): a change of this case in its desk stops after writing its
    /// new index entries, before deleting the old ones and writing the snapshot, as a kill or a
    /// failed KV write would stop it (a rebuild is not stopped).
    pub torn_index_case: Option<String>,
}

/// The crash test's fault (`Store::torn_index_case`): only where the deployment reports KV
/// operations (`wrangler dev` and the tests).
fn torn_index_case(env: &Env) -> Option<String> {
    let development = env
        .var(crate::routes::REPORT_KV_OPS)
        .is_ok_and(|v| v.to_string() == "true");
    let case = env.var("FAULT_TORN_INDEX_CASE").ok()?.to_string();
    (development && !case.is_empty()).then_some(case)
}

/// Keeps, for each sequence number, the key that sorts first; stops at the first gap.
pub fn winning_commits(mut keys: Vec<String>) -> Vec<String> {
    keys.sort();
    let mut winners: Vec<String> = Vec::new();
    for key in keys {
        let Some(seq) = seq_of(&key) else { continue };
        let expected = winners.len() as u32 + 1;
        if seq == expected {
            winners.push(key);
        } else if seq > expected {
            break;
        }
    }
    winners
}

/// A log's length as a version number.
fn count(winners: &[String]) -> u32 {
    u32::try_from(winners.len()).unwrap_or(u32::MAX)
}

/// The sequence number inside a log key.
pub fn seq_of(key: &str) -> Option<u32> {
    key.split(':').nth(3)?.parse().ok()
}

impl Store {
    /// Opens the namespace.
    pub fn open(env: &Env, shop: &str) -> AppResult<Self> {
        Ok(Self {
            kv: env.kv(CASES_BINDING)?,
            shop: shop.to_string(),
            ops: Rc::default(),
            queued_hooks: Rc::default(),
            desk: None,
            tally: env.durable_object(TALLY_BINDING).ok(),
            notify: crate::notify::configured(env),
            webhook: crate::hooks::configured(env),
            torn_index_case: torn_index_case(env),
        })
    }

    /// Counts one KV operation.
    fn count(&self) {
        self.ops.set(self.ops.get().saturating_add(1));
    }

    /// Reads a value as text.
    pub async fn get_text(&self, key: &str) -> AppResult<Option<String>> {
        self.count();
        Ok(self.kv.get(key).text().await?)
    }

    /// Reads a JSON value.
    pub async fn get<T: DeserializeOwned>(&self, key: &str) -> AppResult<Option<T>> {
        // Parsed by serde_json in Rust, not by the runtime's JSON.parse: JavaScript numbers would
        // round every integer above 2^53 and break the value for good.
        match self.get_text(key).await? {
            Some(text) => Ok(Some(serde_json::from_str(&text)?)),
            None => Ok(None),
        }
    }

    /// Writes a JSON value.
    pub async fn put<T: Serialize>(&self, key: &str, value: &T) -> AppResult<()> {
        self.count();
        self.kv
            .put(key, serde_json::to_string(value)?)?
            .execute()
            .await?;
        Ok(())
    }

    /// Writes a JSON value that KV forgets after `ttl_seconds` (at least 60).
    pub async fn put_expiring<T: Serialize>(
        &self,
        key: &str,
        value: &T,
        ttl_seconds: u64,
    ) -> AppResult<()> {
        self.count();
        self.kv
            .put(key, serde_json::to_string(value)?)?
            .expiration_ttl(ttl_seconds.max(60))
            .execute()
            .await?;
        Ok(())
    }

    /// Writes an empty value whose metadata carries `meta` (read back by `list_meta`).
    pub async fn put_meta<T: Serialize>(&self, key: &str, meta: &T) -> AppResult<()> {
        self.count();
        self.kv.put(key, "")?.metadata(meta)?.execute().await?;
        Ok(())
    }

    /// Writes a JSON value and, when given, metadata beside it (listed with the key).
    pub async fn put_with_meta<T: Serialize, M: Serialize>(
        &self,
        key: &str,
        value: &T,
        meta: Option<&M>,
    ) -> AppResult<()> {
        self.count();
        let mut put = self.kv.put(key, serde_json::to_string(value)?)?;
        if let Some(meta) = meta {
            put = put.metadata(meta)?;
        }
        put.execute().await?;
        Ok(())
    }

    /// Like [`Store::put_meta`], for a key KV forgets after `ttl_seconds` (at least 60, KV's
    /// minimum).
    pub async fn put_meta_expiring<T: Serialize>(
        &self,
        key: &str,
        meta: &T,
        ttl_seconds: u64,
    ) -> AppResult<()> {
        self.count();
        self.kv
            .put(key, "")?
            .metadata(meta)?
            .expiration_ttl(ttl_seconds.max(60))
            .execute()
            .await?;
        Ok(())
    }

    /// Deletes a key (a missing key is fine).
    pub async fn delete(&self, key: &str) -> AppResult<()> {
        self.count();
        Ok(self.kv.delete(key).await?)
    }

    /// One page of keys under `prefix` with their metadata: (key, metadata) and the next cursor.
    pub async fn list_meta<T: DeserializeOwned>(
        &self,
        prefix: &str,
        limit: u64,
        cursor: Option<String>,
    ) -> AppResult<(Vec<(String, Option<T>)>, Option<String>)> {
        self.count();
        let mut builder = self.kv.list().prefix(prefix.to_string()).limit(limit);
        if let Some(c) = cursor {
            builder = builder.cursor(c);
        }
        let page = builder.execute().await?;
        let items = page
            .keys
            .into_iter()
            .map(|k| {
                (
                    k.name,
                    k.metadata.and_then(|m| serde_json::from_value(m).ok()),
                )
            })
            .collect();
        let next = if page.list_complete {
            None
        } else {
            page.cursor
        };
        Ok((items, next))
    }

    /// Every key under `prefix` (all pages).
    pub async fn list_all_meta<T: DeserializeOwned>(
        &self,
        prefix: &str,
    ) -> AppResult<Vec<(String, Option<T>)>> {
        let mut out = Vec::new();
        let mut cursor = None;
        loop {
            let (items, next) = self.list_meta::<T>(prefix, 1000, cursor).await?;
            out.extend(items);
            match next {
                Some(c) => cursor = Some(c),
                None => return Ok(out),
            }
        }
    }

    /// An imported order, with the courier's record the shop's system last pushed laid over it
    /// (both read at once): the record has its own key, so importing the order again never
    /// erases its scans.
    pub async fn order(&self, number: &str) -> AppResult<Option<Order>> {
        let (order, parcel) = futures_util::future::try_join(
            self.get::<Order>(&keys::order(&self.shop, number)),
            self.parcel(number),
        )
        .await?;
        Ok(order.map(|mut order| {
            if parcel.is_some() {
                order.tracking = parcel;
            }
            order
        }))
    }

    /// The courier's record of an order's parcel as pushed, if any.
    pub async fn parcel(&self, number: &str) -> AppResult<Option<shared::domain::ParcelTracking>> {
        self.get(&keys::parcel(&self.shop, number)).await
    }

    /// The order a buyer's typed number means: as typed (folded: no spaces, full-width forms as
    /// ASCII), which is one read for a number typed right, then in upper case, then through the
    /// alias a number with lower-case letters was imported with.
    pub async fn order_typed(&self, typed: &str) -> AppResult<Option<Order>> {
        let folded = shared::domain::fold_order_number(typed);
        if let Some(order) = self.order(&folded).await? {
            return Ok(Some(order));
        }
        let key = shared::domain::order_number_match_key(typed);
        if key != folded
            && let Some(order) = self.order(&key).await?
        {
            return Ok(Some(order));
        }
        match self
            .get::<String>(&keys::order_alias(&self.shop, &key))
            .await?
        {
            Some(number) if number != key => self.order(&number).await,
            _ => Ok(None),
        }
    }

    /// Every key of a case's log, all pages (the repair and rebuild path).
    async fn log_keys(&self, id: &str) -> AppResult<Vec<String>> {
        Ok(self
            .list_all_meta::<serde_json::Value>(&keys::log_prefix(id))
            .await?
            .into_iter()
            .map(|(k, _)| k)
            .collect())
    }

    /// The candidates for one sequence number of a case's log (one small list).
    async fn candidates(&self, id: &str, seq: u32) -> AppResult<Vec<String>> {
        let (items, _) = self
            .list_meta::<serde_json::Value>(&keys::log_seq_prefix(id, seq), 100, None)
            .await?;
        let mut keys_: Vec<String> = items.into_iter().map(|(k, _)| k).collect();
        keys_.sort();
        Ok(keys_)
    }

    /// Reads a case: its snapshot and one list of the sequence number after it, whatever the
    /// length of its log. Only when a commit follows the snapshot (a writer stopped between its
    /// commit and its snapshot) is the log listed in full and the missing commits folded in.
    ///
    /// Why every read pays for that list (one of a case read's operations): the log is the
    /// record, so a commit whose change was stopped before its snapshot (a kill, a failed write)
    /// is shown at once, to readers as to the desk, and not only after the case's next change.
    pub async fn load_case(&self, id: &str) -> AppResult<Option<LoadedCase>> {
        let snapshot: Option<Snapshot> = self.get(&keys::snapshot(id)).await?;
        if let Some(snap) = &snapshot {
            let (version, last) = snap.position();
            if version > 0 && self.candidates(id, version + 1).await?.is_empty() {
                return Ok(Some(LoadedCase {
                    case: snap.case.clone(),
                    version,
                    last_commit: last,
                    index_keys: snap.index_keys(),
                }));
            }
        }
        let winners = winning_commits(self.log_keys(id).await?);
        if winners.is_empty() {
            return Ok(None);
        }
        if let Some(snap) = snapshot {
            let (version, last) = snap.position();
            let folded = usize::try_from(version).unwrap_or(usize::MAX);
            if folded > 0 && winners.get(folded - 1) == Some(&last) {
                let index_keys = snap.index_keys();
                let mut case = snap.case;
                for key in &winners[folded..] {
                    self.apply_commit(&mut case, key).await?;
                }
                let loaded = LoadedCase {
                    case,
                    version: count(&winners),
                    last_commit: winners.last().cloned().unwrap_or_default(),
                    index_keys,
                };
                if self.desk.is_some() {
                    self.write_snapshot(&loaded).await?;
                }
                return Ok(Some(loaded));
            }
        }
        let loaded = self.fold_from_log(id, winners).await?;
        if self.desk.is_some() {
            self.write_snapshot(&loaded).await?;
        }
        Ok(Some(loaded))
    }

    /// Reads a case at least as new as the last version this desk committed for it: KV lagging
    /// the desk's own write is read again (4 × 50 ms), then answered 503 rather than decided on.
    /// Outside a desk, a plain read.
    pub async fn load_fresh(&self, id: &str) -> AppResult<Option<LoadedCase>> {
        let Some(desk) = &self.desk else {
            return self.load_case(id).await;
        };
        let committed = crate::desk::committed_version(desk, id).await?;
        for attempt in 0..=STALE_READ_RETRIES {
            let mut loaded = self.load_case(id).await?;
            if committed == 0 || loaded.as_ref().is_some_and(|l| l.version >= committed) {
                // Entries a change stopped half-way may have left besides the snapshot's: the
                // next change deletes those it does not write again.
                if let Some(loaded) = &mut loaded {
                    for key in crate::desk::index_intent(desk, id).await? {
                        if !loaded.index_keys.contains(&key) {
                            loaded.index_keys.push(key);
                        }
                    }
                }
                return Ok(loaded);
            }
            if attempt < STALE_READ_RETRIES {
                worker::Delay::from(std::time::Duration::from_millis(50)).await;
            }
        }
        Err(ApiErrorCode::TryAgain.into())
    }

    /// Tells the desk (if any) that `loaded` was just committed.
    pub async fn committed(&self, loaded: &LoadedCase) -> AppResult<()> {
        match &self.desk {
            Some(desk) => {
                crate::desk::record_version(desk, &loaded.case.id, loaded.version).await?;
                if loaded.version == 1 {
                    crate::desk::record_order_case(desk, &loaded.case.id).await?;
                }
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Folds a case from its log alone (the repair and rebuild path).
    pub async fn fold_from_log(&self, id: &str, winners: Vec<String>) -> AppResult<LoadedCase> {
        let mut case: Option<Case> = None;
        for key in &winners {
            match (self.get::<Commit>(key).await?, case.as_mut()) {
                (Some(Commit::Filed { case: filed }), None) => case = Some(*filed),
                (Some(Commit::Events { events }), Some(c)) => shared::policy::apply(c, events),
                _ => {
                    return Err(AppError::Internal(format!(
                        "case {id}: log key {key} out of order"
                    )));
                }
            }
        }
        let case = case.ok_or_else(|| AppError::Internal(format!("case {id}: empty log")))?;
        Ok(LoadedCase {
            case,
            version: count(&winners),
            last_commit: winners.last().cloned().unwrap_or_default(),
            index_keys: Vec::new(),
        })
    }

    async fn apply_commit(&self, case: &mut Case, key: &str) -> AppResult<()> {
        match self.get::<Commit>(key).await? {
            Some(Commit::Events { events }) => {
                shared::policy::apply(case, events);
                Ok(())
            }
            _ => Err(AppError::Internal(format!(
                "log key {key} is not an events commit"
            ))),
        }
    }

    /// Rewrites the snapshot from a loaded case.
    pub async fn write_snapshot(&self, loaded: &LoadedCase) -> AppResult<()> {
        let queue_prefix = keys::queue_prefix(&self.shop);
        let snap = Snapshot {
            case: loaded.case.clone(),
            version: loaded.version,
            last_commit: loaded.last_commit.clone(),
            commits: Vec::new(),
            queue_key: loaded
                .index_keys
                .iter()
                .find(|k| k.starts_with(&queue_prefix))
                .cloned(),
            index_keys: loaded.index_keys.clone(),
        };
        self.put(&keys::snapshot(&loaded.case.id), &snap).await
    }

    /// Appends one commit after the `version` commits the caller decided on and acknowledges it
    /// only once it is the sole candidate for its sequence number; otherwise the caller answers
    /// 409 and the key goes.
    ///
    /// After writing, the writer lists the log. Alone: it won. Not the first key among the
    /// candidates: it lost. First but not alone: another writer is deciding at this moment, so it
    /// waits a little for the others to see it and withdraw. Either a writer was alone when it
    /// looked (and everybody writing later sees it and loses), or all of them saw each other and
    /// exactly the first stays. A writer that looked and was alone is never outranked, so an
    /// acknowledged command is never undone, and two conflicting commands never both apply.
    pub async fn append(&self, case_id: &str, version: u32, commit: &Commit) -> AppResult<String> {
        let written_at = worker::Date::now().as_millis() as i64;
        let seq = version
            .checked_add(1)
            .ok_or_else(|| AppError::Internal(format!("case {case_id}: log full")))?;
        let nonce = crate::crypto::random_hex::<8>()?;
        let key = keys::log(case_id, seq, written_at, &nonce);
        self.put(&key, commit).await?;
        for attempt in 0..CONTENTION_CHECKS {
            // Only this sequence number's keys: one small list, however long the log is.
            let rivals = self.candidates(case_id, seq).await?;
            match rivals.as_slice() {
                [only] if *only == key => return Ok(key),
                [first, ..] if *first == key && attempt + 1 < CONTENTION_CHECKS => {
                    worker::Delay::from(std::time::Duration::from_millis(CONTENTION_WAIT_MS)).await;
                }
                _ => break,
            }
        }
        // Never acknowledged, so removing it loses nothing.
        let _ = self.delete(&key).await;
        Err(ApiErrorCode::Conflict.into())
    }

    /// Brings the read models of a case up to date: its index entries (`index_keys`: queue,
    /// filter indexes, tracking numbers, each with the summary as metadata), snapshot, summary.
    ///
    /// Every entry is written again (its metadata is the summary, which changes with almost
    /// every commit); the entries the case had and no longer has are deleted after the new ones
    /// exist, so a reader between the two sees the case twice (the pages drop the repeat) rather
    /// than not at all. The snapshot records the new set for the next change.
    pub async fn index(
        &self,
        loaded: &mut LoadedCase,
        summary: &CaseSummary,
        index_keys: Vec<String>,
    ) -> AppResult<()> {
        if let Some(desk) = &self.desk {
            crate::desk::record_index_intent(desk, &loaded.case.id, &index_keys).await?;
        }
        for key in &index_keys {
            self.put_meta(key, summary).await?;
        }
        if self.desk.is_some() && self.torn_index_case.as_deref() == Some(loaded.case.id.as_str()) {
            return Err(AppError::Internal(
                "FAULT_TORN_INDEX_CASE: stopped after writing the new index entries".into(),
            ));
        }
        for old in &loaded.index_keys {
            if !index_keys.contains(old) {
                self.delete(old).await?;
            }
        }
        loaded.index_keys = index_keys;
        self.write_snapshot(loaded).await?;
        self.put_meta(&keys::summary(&self.shop, &loaded.case.id), summary)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_earliest_key_wins_each_sequence_number_and_a_gap_ends_the_log() {
        let k = |seq, at, nonce: &str| keys::log("c1", seq, at, nonce);
        let winners = winning_commits(vec![
            k(2, 200, "bb"),
            k(1, 100, "aa"),
            k(2, 150, "zz"),
            k(4, 400, "dd"),
        ]);
        assert_eq!(winners, vec![k(1, 100, "aa"), k(2, 150, "zz")]);
    }

    #[test]
    fn a_prefix_ending_in_a_value_finds_only_that_values_ids() {
        let prefix = keys::tracking_prefix("demo", "SF1");
        assert_eq!(keys::id_after("trk:demo:SF1:AS-1", &prefix), Some("AS-1"));
        // Tracking number "SF1:X" starts like "SF1".
        assert_eq!(keys::id_after("trk:demo:SF1:X:AS-2", &prefix), None);
        assert_eq!(keys::id_after("trk:demo:SF1:", &prefix), None);
        assert_eq!(keys::id_after("trk:demo:SF2:AS-1", &prefix), None);
    }

    #[test]
    fn every_queue_index_lists_in_the_queues_order_under_a_prefix_of_its_own() {
        let shop = "demo";
        let prefixes = [
            QueueIndex::All.prefix(shop),
            QueueIndex::Kind(CaseKind::Repair).prefix(shop),
            QueueIndex::State(StateName::AwaitingReview).prefix(shop),
            QueueIndex::Assignee(Some("st_1".into())).prefix(shop),
            QueueIndex::Assignee(None).prefix(shop),
        ];
        for (i, a) in prefixes.iter().enumerate() {
            for b in &prefixes[i + 1..] {
                assert!(
                    !a.starts_with(b.as_str()) && !b.starts_with(a.as_str()),
                    "{a} {b}"
                );
            }
        }
        let key = keys::queue_index(
            &QueueIndex::Kind(CaseKind::Repair),
            shop,
            "2:0000000000100:1",
            "AS-1",
        );
        assert_eq!(key, "qk:demo:repair:2:0000000000100:1:AS-1");
        assert!(
            keys::queue_families(shop)
                .iter()
                .all(|f| prefixes.iter().any(|p| p.starts_with(f.as_str())))
        );
    }

    #[test]
    fn equal_write_times_are_decided_by_the_nonce() {
        let a = keys::log("c1", 1, 100, "0a");
        let b = keys::log("c1", 1, 100, "0b");
        assert_eq!(winning_commits(vec![b.clone(), a.clone()]), vec![a]);
        assert_eq!(seq_of(&b), Some(1));
    }
}
