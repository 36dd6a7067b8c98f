//! The shop's figures, kept as sums that a report reads in a bounded number of rows whatever the
//! number of cases (`shared::analytics`).
//!
//! KV cannot add to a counter safely (a read and a write back lose concurrent additions), so the
//! sums live in one Durable Object per shop, `ShopTally`, in its SQLite storage: a `facts` table
//! with each case's last facts and the version they came from, and a `cells` table of sums.
//! After each commit the case's new facts are sent ([`record`]); the object subtracts the case's
//! old cells and adds the new ones in one synchronous run of statements (nothing else runs in the
//! object meanwhile, and its writes are committed together), and ignores facts older than the
//! ones it holds, so a retried or late delivery changes nothing.
//!
//! The facts are also written to KV beside the other read models (`keys::fact`, the facts in its
//! metadata when they fit): the tally is derived from them and can be refolded from them alone
//! ([`refold`], 1 list per 1,000 cases) after a loss; the rebuild command derives both again from
//! the case logs. A failed delivery to the object never fails the commit that caused it (the
//! case's log is the record): the next change of that case or a refold repairs the sums.

use serde::{Deserialize, Serialize};
use shared::analytics::{
    BOUNDED_DIMS, CaseFacts, Cell, DAY_DIMS, Dim, KEY_SEPARATOR, RECENT_COMMENTS, RatingComment,
    ReportRows, ReportScope, TOP_PRODUCTS, delta,
};
use worker::durable_object;
use worker::{DurableObject, Env, Headers, Method, Request, RequestInit, Response, State};
use worker::{SqlStorage, SqlStorageValue};

use crate::error::{AppError, AppResult};
use crate::store::{Store, TALLY_BINDING, keys};

/// Facts sent to the object per call when refolding (one call's statements stay well inside a
/// request's CPU time).
const REFOLD_BATCH: usize = 500;

/// KV metadata holds at most 1,024 bytes; facts larger than this stay in the value only.
const MAX_META_BYTES: usize = 1_000;

/// One case's facts as the tally and KV keep them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactRecord {
    /// The case.
    pub case_id: String,
    /// The case's version the facts were derived at.
    pub version: u32,
    /// The facts.
    pub facts: CaseFacts,
}

/// One order line a buyer said the shop's tips solved. The tally counts it; KV keeps it too
/// (`keys::helped`, written once, by the tap that counted it) because it is a buyer's act, not
/// derived from any case log: a backup carries it and a restore counts it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpedLine {
    /// The order number.
    pub order: String,
    /// The line's SKU.
    pub sku: String,
    /// The line's category (the count per category).
    pub category: String,
    /// When (ms).
    pub at: i64,
}

/// What the worker asks the tally.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum TallyCall {
    /// Record these facts (each replacing older facts of its case).
    Record {
        /// The facts.
        records: Vec<FactRecord>,
    },
    /// Forget everything (the start of a rebuild).
    Reset,
    /// Buyers' "the shop's tips solved it", each counted once per order and SKU (answers how
    /// many of these counted): one tap, or a restored backup's page.
    Helped {
        /// The order lines.
        lines: Vec<HelpedLine>,
    },
    /// Read the rows of a report.
    Read {
        /// Whose figures.
        scope: ReportScope,
        /// The first day key of the daily figures.
        from_day: String,
    },
}

/// The tally's answer to a read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TallyRead {
    /// The rows.
    pub rows: ReportRows,
    /// SQLite rows the read touched (what a report costs; the same at 10 cases and 100,000).
    pub rows_read: u64,
}

/// The Durable Object holding one shop's figures.
#[durable_object(fetch)]
#[derive(Debug)]
pub struct ShopTally {
    state: State,
}

impl DurableObject for ShopTally {
    fn new(state: State, _env: Env) -> Self {
        Self { state }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let call: TallyCall = req.json().await?;
        let sql = self.state.storage().sql();
        // Every statement below runs synchronously inside this one event: no other call is
        // delivered between them, and the object commits their writes together.
        create_tables(&sql)?;
        match call {
            TallyCall::Record { records } => {
                let applied = record_all(&sql, &records)?;
                Response::from_json(&applied)
            }
            TallyCall::Reset => {
                sql.exec("DELETE FROM facts", None)?;
                sql.exec("DELETE FROM cells", None)?;
                Response::from_json(&0u32)
            }
            TallyCall::Helped { lines } => {
                let mut counted = 0u32;
                for line in &lines {
                    counted += u32::from(record_helped(&sql, line)?);
                }
                Response::from_json(&counted)
            }
            TallyCall::Read { scope, from_day } => {
                Response::from_json(&read_rows(&sql, &scope, &from_day)?)
            }
        }
    }
}

fn create_tables(sql: &SqlStorage) -> worker::Result<()> {
    sql.exec(
        "CREATE TABLE IF NOT EXISTS facts (
            case_id TEXT PRIMARY KEY,
            version INTEGER NOT NULL,
            facts TEXT NOT NULL,
            agent TEXT,
            commented_at INTEGER
        )",
        None,
    )?;
    // The latest comments, shop-wide and per agent, without reading every rated case.
    sql.exec(
        "CREATE INDEX IF NOT EXISTS facts_by_comment ON facts(commented_at)
            WHERE commented_at IS NOT NULL",
        None,
    )?;
    sql.exec(
        "CREATE INDEX IF NOT EXISTS facts_by_agent_comment ON facts(agent, commented_at)
            WHERE commented_at IS NOT NULL",
        None,
    )?;
    sql.exec(
        "CREATE TABLE IF NOT EXISTS cells (
            dim TEXT NOT NULL,
            key TEXT NOT NULL,
            n INTEGER NOT NULL,
            sum INTEGER NOT NULL,
            PRIMARY KEY (dim, key)
        ) WITHOUT ROWID",
        None,
    )?;
    // The top products without reading every product.
    sql.exec(
        "CREATE INDEX IF NOT EXISTS cells_by_count ON cells(dim, n)",
        None,
    )?;
    // Buyers the shop's tips helped without a request: one row per order and SKU (what makes a
    // repeat count once), and their sums (`''`: all; otherwise per category). Kept apart from
    // `facts` and `cells`: they are taps, not derived from the case logs, so a reset and refold
    // of the figures leaves them as they are.
    sql.exec(
        "CREATE TABLE IF NOT EXISTS helped (
            order_no TEXT NOT NULL,
            sku TEXT NOT NULL,
            category TEXT NOT NULL,
            at INTEGER NOT NULL,
            PRIMARY KEY (order_no, sku)
        ) WITHOUT ROWID",
        None,
    )?;
    sql.exec(
        "CREATE TABLE IF NOT EXISTS helped_sums (
            key TEXT PRIMARY KEY,
            n INTEGER NOT NULL
        ) WITHOUT ROWID",
        None,
    )?;
    sql.exec(
        "CREATE INDEX IF NOT EXISTS helped_by_count ON helped_sums(n)",
        None,
    )?;
    Ok(())
}

#[derive(Deserialize)]
struct Seen {
    n: i64,
}

/// Counts one order line as helped, once: the object runs one call at a time and these
/// statements synchronously within it, so of ten concurrent taps for one order and SKU exactly
/// one finds no row and adds to the sums.
fn record_helped(sql: &SqlStorage, line: &HelpedLine) -> worker::Result<bool> {
    let HelpedLine {
        order,
        sku,
        category,
        at,
    } = line;
    let seen: Vec<Seen> = sql
        .exec(
            "SELECT COUNT(*) AS n FROM helped WHERE order_no = ? AND sku = ?",
            vec![order.as_str().into(), sku.as_str().into()],
        )?
        .to_array()?;
    if seen.first().is_some_and(|s| s.n > 0) {
        return Ok(false);
    }
    sql.exec(
        "INSERT INTO helped (order_no, sku, category, at) VALUES (?, ?, ?, ?)",
        vec![
            order.as_str().into(),
            sku.as_str().into(),
            category.as_str().into(),
            (*at).into(),
        ],
    )?;
    for key in ["", category] {
        sql.exec(
            "INSERT INTO helped_sums (key, n) VALUES (?, 1)
             ON CONFLICT(key) DO UPDATE SET n = n + 1",
            vec![key.into()],
        )?;
    }
    Ok(true)
}

#[derive(Deserialize)]
struct HelpedRow {
    key: String,
    n: i64,
}

#[derive(Deserialize)]
struct StoredFacts {
    version: i64,
    facts: String,
}

/// Records facts; answers how many replaced older ones (or were new).
fn record_all(sql: &SqlStorage, records: &[FactRecord]) -> worker::Result<u32> {
    let mut sums = std::collections::BTreeMap::new();
    let mut applied = 0u32;
    for record in records {
        let old: Vec<StoredFacts> = sql
            .exec(
                "SELECT version, facts FROM facts WHERE case_id = ?",
                vec![record.case_id.as_str().into()],
            )?
            .to_array()?;
        let old = old.into_iter().next();
        if old
            .as_ref()
            .is_some_and(|o| o.version >= i64::from(record.version))
        {
            continue;
        }
        let old_facts: Option<CaseFacts> = old.and_then(|o| serde_json::from_str(&o.facts).ok());
        shared::analytics::fold(&mut sums, &delta(old_facts.as_ref(), &record.facts));
        let text = serde_json::to_string(&record.facts)
            .map_err(|e| worker::Error::RustError(e.to_string()))?;
        let commented_at = record
            .facts
            .rating
            .as_ref()
            .filter(|r| !r.comment.is_empty())
            .map(|r| SqlStorageValue::Integer(r.at.0))
            .unwrap_or(SqlStorageValue::Null);
        sql.exec(
            "INSERT INTO facts (case_id, version, facts, agent, commented_at)
                VALUES (?, ?, ?, ?, ?)
             ON CONFLICT(case_id) DO UPDATE SET version = excluded.version,
                facts = excluded.facts, agent = excluded.agent,
                commented_at = excluded.commented_at",
            vec![
                record.case_id.as_str().into(),
                i64::from(record.version).into(),
                text.into(),
                record.facts.agent.clone().into(),
                commented_at,
            ],
        )?;
        applied += 1;
    }
    for ((dim, key), (n, sum)) in sums {
        sql.exec(
            "INSERT INTO cells (dim, key, n, sum) VALUES (?, ?, ?, ?)
             ON CONFLICT(dim, key) DO UPDATE SET n = n + excluded.n, sum = sum + excluded.sum",
            vec![dim.code().into(), key.as_str().into(), n.into(), sum.into()],
        )?;
        if n < 0 || sum < 0 {
            // A counter that went back to nothing leaves no row behind.
            sql.exec(
                "DELETE FROM cells WHERE dim = ? AND key = ? AND n = 0 AND sum = 0",
                vec![dim.code().into(), key.into()],
            )?;
        }
    }
    Ok(applied)
}

#[derive(Deserialize)]
struct CellRow {
    dim: String,
    key: String,
    n: i64,
    sum: i64,
}

#[derive(Deserialize)]
struct CommentRow {
    facts: String,
    case_id: String,
}

/// The cells a query selects, and the rows it read.
fn select_cells(
    sql: &SqlStorage,
    query: &str,
    bindings: Vec<SqlStorageValue>,
) -> worker::Result<(Vec<Cell>, u64)> {
    let cursor = sql.exec(query, bindings)?;
    let rows: Vec<CellRow> = cursor.to_array()?;
    let found = rows
        .into_iter()
        .filter_map(|r| {
            Some(Cell {
                dim: Dim::parse(&r.dim)?,
                key: r.key,
                n: r.n,
                sum: r.sum,
            })
        })
        .collect();
    Ok((found, cursor.rows_read() as u64))
}

/// The rows a report needs: bounded whatever the number of cases.
fn read_rows(sql: &SqlStorage, scope: &ReportScope, from_day: &str) -> worker::Result<TallyRead> {
    let mut out = TallyRead::default();
    let mut cells = |query: &str, bindings: Vec<SqlStorageValue>| -> worker::Result<Vec<Cell>> {
        let (found, rows_read) = select_cells(sql, query, bindings)?;
        out.rows_read += rows_read;
        out.rows.cells.extend(found.iter().cloned());
        Ok(found)
    };
    let comments_query;
    let comment_bindings: Vec<SqlStorageValue>;
    match scope {
        ReportScope::Shop => {
            for dim in BOUNDED_DIMS {
                cells(
                    "SELECT dim, key, n, sum FROM cells WHERE dim = ?",
                    vec![dim.code().into()],
                )?;
            }
            for dim in DAY_DIMS {
                cells(
                    "SELECT dim, key, n, sum FROM cells WHERE dim = ? AND key >= ?",
                    vec![dim.code().into(), from_day.into()],
                )?;
            }
            let top_query = format!(
                "SELECT dim, key, n, sum FROM cells WHERE dim = ? AND n > 0
                 ORDER BY n DESC LIMIT {TOP_PRODUCTS}"
            );
            let top = cells(&top_query, vec![Dim::Product.code().into()])?;
            cells(&top_query, vec![Dim::ProductReview.code().into()])?;
            let skus: Vec<String> = top
                .iter()
                .filter_map(|c| {
                    c.key
                        .split_once(KEY_SEPARATOR)
                        .map(|(sku, _)| sku.to_string())
                })
                .collect();
            for sku in skus {
                // Keys `{sku}\u{1f}{reason}`: the range from the separator to the next character.
                cells(
                    "SELECT dim, key, n, sum FROM cells WHERE dim = ? AND key > ? AND key < ?",
                    vec![
                        Dim::ProductReason.code().into(),
                        format!("{sku}{KEY_SEPARATOR}").into(),
                        format!("{sku}\u{20}").into(),
                    ],
                )?;
            }
            comments_query = format!(
                "SELECT case_id, facts FROM facts WHERE commented_at IS NOT NULL
                 ORDER BY commented_at DESC LIMIT {RECENT_COMMENTS}"
            );
            comment_bindings = Vec::new();
            // The helped total and the top categories (bounded like the top products).
            let top_helped = format!(
                "SELECT key, n FROM helped_sums WHERE key <> '' AND n > 0
                 ORDER BY n DESC LIMIT {TOP_PRODUCTS}"
            );
            for query in ["SELECT key, n FROM helped_sums WHERE key = ''", &top_helped] {
                let cursor = sql.exec(query, None)?;
                let rows: Vec<HelpedRow> = cursor.to_array()?;
                out.rows_read += cursor.rows_read() as u64;
                out.rows
                    .helped
                    .extend(rows.into_iter().map(|r| (r.key, r.n)));
            }
        }
        ReportScope::Agent { id } => {
            for dim in [Dim::Agent, Dim::AgentRating] {
                cells(
                    "SELECT dim, key, n, sum FROM cells WHERE dim = ? AND key = ?",
                    vec![dim.code().into(), id.as_str().into()],
                )?;
            }
            cells(
                "SELECT dim, key, n, sum FROM cells WHERE dim = ? AND key > ? AND key < ?",
                vec![
                    Dim::AgentFirstAnswer.code().into(),
                    format!("{id}{KEY_SEPARATOR}").into(),
                    format!("{id}\u{20}").into(),
                ],
            )?;
            comments_query = format!(
                "SELECT case_id, facts FROM facts WHERE agent = ? AND commented_at IS NOT NULL
                 ORDER BY commented_at DESC LIMIT {RECENT_COMMENTS}"
            );
            comment_bindings = vec![id.as_str().into()];
        }
    }
    let cursor = sql.exec(&comments_query, comment_bindings)?;
    let rows: Vec<CommentRow> = cursor.to_array()?;
    out.rows_read += cursor.rows_read() as u64;
    out.rows.comments = rows
        .into_iter()
        .filter_map(|row| {
            let facts: CaseFacts = serde_json::from_str(&row.facts).ok()?;
            let rating = facts.rating?;
            Some(RatingComment {
                case_id: row.case_id,
                agent: facts.agent,
                stars: rating.stars,
                comment: rating.comment,
                at: rating.at,
            })
        })
        .collect();
    Ok(out)
}

/// Sends a call to the shop's tally.
async fn call<T: for<'de> Deserialize<'de>>(
    namespace: &worker::ObjectNamespace,
    shop: &str,
    call: &TallyCall,
) -> AppResult<T> {
    let headers = Headers::new();
    headers.set("Content-Type", "application/json")?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(serde_json::to_string(call)?.into()));
    let request = Request::new_with_init("https://tally.internal/", &init)?;
    let stub = namespace.id_from_name(shop)?.get_stub()?;
    let mut response = stub.fetch_with_request(request).await?;
    if response.status_code() != 200 {
        return Err(AppError::Internal(format!(
            "tally {shop}: status {}",
            response.status_code()
        )));
    }
    Ok(response.json::<T>().await?)
}

fn namespace(store: &Store) -> AppResult<&worker::ObjectNamespace> {
    store
        .tally
        .as_ref()
        .ok_or_else(|| AppError::Internal(format!("no {TALLY_BINDING} binding")))
}

/// Writes a case's facts beside its read models and sends them to the tally. The KV write is part
/// of the commit's read models (its failure is the commit's); the tally's is not (logged, and
/// repaired by the case's next change or a refold).
pub async fn record(store: &Store, record: FactRecord) -> AppResult<()> {
    let meta = serde_json::to_string(&record)
        .ok()
        .filter(|text| text.len() <= MAX_META_BYTES)
        .map(|_| &record);
    store
        .put_with_meta(&keys::fact(&store.shop, &record.case_id), &record, meta)
        .await?;
    let sent = match namespace(store) {
        Ok(ns) => {
            call::<u32>(
                ns,
                &store.shop,
                &TallyCall::Record {
                    records: vec![record.clone()],
                },
            )
            .await
        }
        Err(e) => Err(e),
    };
    if let Err(e) = sent {
        worker::console_error!("tally: facts of {} not recorded: {e:?}", record.case_id);
    }
    Ok(())
}

/// Empties the tally (the rebuild command refills it from the cases).
pub async fn reset(store: &Store) -> AppResult<()> {
    call::<u32>(namespace(store)?, &store.shop, &TallyCall::Reset).await?;
    Ok(())
}

/// Empties the tally and refills it from the facts in KV; answers how many cases it counted.
pub async fn refold(store: &Store) -> AppResult<u32> {
    let ns = namespace(store)?;
    call::<u32>(ns, &store.shop, &TallyCall::Reset).await?;
    let mut cursor = None;
    let mut counted = 0u32;
    let mut batch: Vec<FactRecord> = Vec::with_capacity(REFOLD_BATCH);
    loop {
        let (items, next) = store
            .list_meta::<FactRecord>(&keys::facts_prefix(&store.shop), 1000, cursor)
            .await?;
        for (key, meta) in items {
            let record = match meta {
                Some(record) => Some(record),
                // Too large for metadata: the value holds it.
                None => store.get::<FactRecord>(&key).await?,
            };
            batch.extend(record);
            if batch.len() >= REFOLD_BATCH {
                counted += call::<u32>(
                    ns,
                    &store.shop,
                    &TallyCall::Record {
                        records: std::mem::take(&mut batch),
                    },
                )
                .await?;
            }
        }
        match next {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    if !batch.is_empty() {
        counted += call::<u32>(ns, &store.shop, &TallyCall::Record { records: batch }).await?;
    }
    Ok(counted)
}

/// The rows of a report for `scope`, daily figures from `from_day`.
pub async fn read(store: &Store, scope: &ReportScope, from_day: String) -> AppResult<TallyRead> {
    call(
        namespace(store)?,
        &store.shop,
        &TallyCall::Read {
            scope: scope.clone(),
            from_day,
        },
    )
    .await
}

/// Counts buyers' "the shop's tips solved it", once per order and SKU; answers how many of
/// `lines` counted (the others were counted before).
pub async fn helped(store: &Store, lines: Vec<HelpedLine>) -> AppResult<u32> {
    call(namespace(store)?, &store.shop, &TallyCall::Helped { lines }).await
}
