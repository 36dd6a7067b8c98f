//! Backup and restore through the API, so that it works the same against `wrangler dev` and a
//! deployed worker (`scripts/backup.sh`; docs/RELIABILITY.md). KV and R2 keep no backups of their
//! own, and a shop's case logs are its legal record.
//!
//! Export (owner): `GET /api/staff/backup` pages through the record families
//! (`crate::backup::families`): one KV list of up to 1,000 keys per page and its values in bulk
//! reads of 100, so a page costs about 11 KV operations and a few hundred KB, whatever the shop's
//! size. `GET /api/staff/backup/photos` lists the photos; each photo's bytes are
//! `GET /api/photos/{id}` as staff read them.
//!
//! Restore (shop system key): into a fresh deployment nobody can sign in, so the import key
//! authorises it, and only while the shop holds no staff account, order or case. `begin` and
//! `finish` run in the team desk (`desk::TEAM`, one at a time): two restores started at once
//! cannot both open. The desk's own storage holds the restore's state; a copy in KV lets the
//! pages (records, photos, rebuild), which run anywhere and in parallel, check they belong to
//! the open restore with one read. A page checks every record before writing any. After the
//! records, the rebuild derives the read models in bounded pages of cases (two passes: see
//! `RebuildPass`), and `finish` closes the restore for good and answers a one-time link per
//! account restored without its password.
//!
//! What the desks of a restored shop need: nothing. A fresh `OrderDesk` has no committed
//! version for any case (`desk::committed_version` 0: it trusts KV), so the first command on a
//! restored case reads it from KV, decides on the version the caller names (`If-Match`) and
//! appends after the restored commits, which the log's sole-candidate rule keeps from being
//! outranked; its order's cases come from the rebuilt `oc:` index; a filing retried with its old
//! `Idempotency-Key` names the same case id (`cases::case_id_for`), which the desk finds in KV
//! and answers as the first filing (`routes::buyer::file`). The e2e test
//! (`tests/tests/e2e/backup.rs`) runs both on a restored shop.

use std::collections::HashMap;

use shared::api::backup::{
    BackupPage, BackupPhoto, BackupPhotoPage, BackupRecord, FORMAT_VERSION, RebuildPass,
    RestoreBegin, RestoreFinish, RestoreFinished, RestoreOpened, RestoreRebuild, RestoreRecords,
    RestoreWritten,
};
use shared::api::{ApiErrorCode, CaseSummary};
use shared::domain::Role;
use shared::i18n::Sentence;
use shared::policy::FieldError;
use worker::{HttpMetadata, Include, KvStore, Response};

use super::Req;
use crate::auth;
use crate::backup::{self, ExportCursor, RestoreState};
use crate::cases::{self, Scope, World};
use crate::error::{AppError, AppResult};
use crate::http::{self, MAX_PHOTO_BYTES, body_bytes, json_body, ok, query, with_status};
use crate::store::{CASES_BINDING, PHOTOS_BINDING, keys, winning_commits};

/// Keys listed per export page (KV's largest list).
const EXPORT_KEYS: u64 = 1000;
/// Values per bulk read (KV's largest).
const BULK_READ: usize = 100;
/// Records per restore page: one KV write each, well inside a request's 1,000 KV operations.
const RESTORE_RECORDS: usize = 500;
/// A restore page's body (the command sends pages of at most 1.5 MB).
const RESTORE_PAGE_BYTES: usize = 4 * 1024 * 1024;
/// Cases per rebuild page: the second pass costs about 20 KV operations and one tally call a
/// case (more when its order has other cases), and a request may make 1,000 operations.
const REBUILD_CASES: usize = 25;
/// Writes in flight at once within a restore page.
const CONCURRENT: usize = 50;
/// Cases rebuilt at once within a rebuild page.
const CONCURRENT_CASES: usize = 10;
/// Photos per listed page (R2's largest list).
const PHOTO_LIST: u32 = 1000;
/// Where the team desk keeps the restore's state.
const DESK_RESTORE: &str = "restore";

/// `GET /api/staff/backup?cursor=&password_hashes=` (owner).
pub async fn export(r: &Req) -> AppResult<Response> {
    let (_, session) = auth::staff(&r.req, &r.store, r.now.0).await?;
    auth::require_role(&session, &[Role::Owner])?;
    let hashes = query(&r.req, "password_hashes").is_some_and(|v| v == "true" || v == "1");
    let mut cursor = match query(&r.req, "cursor") {
        Some(text) => ExportCursor::decode(&text).ok_or(AppError::Api(ApiErrorCode::BadRequest))?,
        None => ExportCursor::default(),
    };
    let shop = r.store.shop.clone();
    let families = backup::families(&shop);
    let kv = r.env.kv(CASES_BINDING)?;
    let mut records = Vec::new();
    // One list per family at most, and the page answers as soon as it holds records: an empty
    // family costs one list, a full one gives a page of its own.
    while records.is_empty() {
        let Some(family) = families.get(cursor.f) else {
            break;
        };
        let mut list = kv.list().prefix(family.prefix.clone()).limit(EXPORT_KEYS);
        if let Some(c) = cursor.kv.take() {
            list = list.cursor(c);
        }
        let page = list.execute().await?;
        let is_cases = cursor.f == 0;
        let listed: Vec<worker::kv::Key> = page
            .keys
            .into_iter()
            .filter(|k| {
                if family.exact {
                    k.name == family.prefix
                } else if is_cases {
                    backup::log_key(&k.name).is_some()
                } else {
                    true
                }
            })
            .collect();
        let names: Vec<&str> = listed.iter().map(|k| k.name.as_str()).collect();
        let mut values = read_values(&kv, &names).await?;
        for key in listed {
            // Deleted since the list (a losing candidate withdrawn): nothing to keep.
            let Some(mut value) = values.remove(&key.name).flatten() else {
                continue;
            };
            if is_cases {
                let Some((id, seq)) = backup::log_key(&key.name) else {
                    continue;
                };
                if cursor.case.as_deref() != Some(id) {
                    // The first commit listed of a case decides whose it is: its filing names
                    // the shop (a log whose filing is missing is nobody's record).
                    cursor.mine = seq == 1 && backup::filing_shop(&value).as_deref() == Some(&shop);
                    cursor.case = Some(id.to_string());
                }
                if !cursor.mine {
                    continue;
                }
            } else if !hashes && family.prefix == keys::staff_prefix(&shop) {
                match backup::without_password(&value) {
                    Some(bare) => value = bare,
                    None => continue,
                }
            }
            records.push(BackupRecord {
                key: key.name,
                value,
                metadata: key.metadata.map(|m| m.to_string()),
                expiration: key.expiration,
            });
        }
        if page.list_complete {
            cursor = ExportCursor {
                f: cursor.f + 1,
                ..ExportCursor::default()
            };
        } else {
            cursor.kv = page.cursor;
        }
    }
    let more = cursor.f < families.len();
    ok(&BackupPage {
        shop,
        records,
        cursor: more.then(|| cursor.encode()),
    })
}

/// The values of `names`, 100 to a bulk read (one KV operation each). A runtime without bulk
/// reads is read key by key.
async fn read_values(kv: &KvStore, names: &[&str]) -> AppResult<HashMap<String, Option<String>>> {
    let mut values = HashMap::with_capacity(names.len());
    for chunk in names.chunks(BULK_READ) {
        match kv.get_bulk(chunk).text().await {
            Ok(found) => values.extend(found),
            Err(e) => {
                worker::console_warn!("backup: bulk read failed ({e}), reading key by key");
                for name in chunk {
                    values.insert((*name).to_string(), kv.get(name).text().await?);
                }
            }
        }
    }
    Ok(values)
}

/// `GET /api/staff/backup/photos?cursor=` (owner).
pub async fn export_photos(r: &Req) -> AppResult<Response> {
    let (_, session) = auth::staff(&r.req, &r.store, r.now.0).await?;
    auth::require_role(&session, &[Role::Owner])?;
    let prefix = keys::photo(&r.store.shop, "");
    let bucket = r.env.bucket(PHOTOS_BINDING)?;
    let mut list = bucket
        .list()
        .prefix(prefix.clone())
        .limit(PHOTO_LIST)
        .include(vec![Include::HttpMetadata, Include::CustomMetadata]);
    if let Some(cursor) = query(&r.req, "cursor") {
        list = list.cursor(cursor);
    }
    let page = list
        .execute()
        .await
        .map_err(|_| AppError::Api(ApiErrorCode::BadRequest))?;
    let mut photos = Vec::new();
    for object in page.objects() {
        let key = object.key();
        let Some(id) = key
            .strip_prefix(&prefix)
            .filter(|id| backup::valid_photo_id(id))
        else {
            continue;
        };
        photos.push(BackupPhoto {
            id: id.to_string(),
            order: object
                .custom_metadata()?
                .remove("order")
                .unwrap_or_default(),
            content_type: object.http_metadata().content_type.unwrap_or_default(),
            bytes: object.size(),
        });
    }
    ok(&BackupPhotoPage {
        photos,
        cursor: if page.truncated() {
            page.cursor()
        } else {
            None
        },
    })
}

fn field(name: &str, code: &str, en: &str, zh: &str) -> AppError {
    AppError::Fields(vec![FieldError::new(
        name,
        code,
        Sentence {
            zh: zh.into(),
            en: en.into(),
        },
    )])
}

/// `POST /api/shop/restore` (shop system): in the team desk.
pub async fn begin(r: &mut Req) -> AppResult<Response> {
    auth::require_api_key(&r.req, &r.env)?;
    let Some(storage) = r.desk.clone() else {
        return crate::desk::forward(r, crate::desk::TEAM).await;
    };
    let body: RestoreBegin = json_body(&mut r.req).await?;
    if body.format != FORMAT_VERSION {
        return Err(field(
            "format",
            "unknown_format",
            "This backup's format is not one this version restores.",
            "此版本无法恢复该格式的备份。",
        ));
    }
    let shop = r.store.shop.clone();
    if body.shop != shop {
        return Err(field(
            "shop",
            "wrong_shop",
            "The backup is another shop's.",
            "该备份属于其他店铺。",
        ));
    }
    // Decided here, in the desk, on its own record first: a second restore arriving while one is
    // open (or after one finished) is refused whatever KV shows yet.
    let not_empty = || AppError::Api(ApiErrorCode::ShopNotEmpty);
    if storage.get::<RestoreState>(DESK_RESTORE).await?.is_some()
        || super::team::desk_has_accounts(r).await?
    {
        return Err(not_empty());
    }
    for prefix in [
        keys::staff_prefix(&shop),
        format!("order:{shop}:"),
        keys::summary_prefix(&shop),
    ] {
        let (found, _) = r
            .store
            .list_meta::<serde_json::Value>(&prefix, 1, None)
            .await?;
        if !found.is_empty() {
            return Err(not_empty());
        }
    }
    if r.store
        .get::<RestoreState>(&backup::restore_key(&shop))
        .await?
        .is_some()
    {
        return Err(not_empty());
    }
    let state = RestoreState {
        id: crate::crypto::random_hex::<16>()?,
        open: true,
    };
    storage.put(DESK_RESTORE, &state).await?;
    r.store.put(&backup::restore_key(&shop), &state).await?;
    with_status(
        201,
        &RestoreOpened {
            restore_id: state.id,
        },
    )
}

/// The open restore is `id`, or 409 `restore_not_open`.
async fn open_restore(r: &Req, id: &str) -> AppResult<()> {
    match r
        .store
        .get::<RestoreState>(&backup::restore_key(&r.store.shop))
        .await?
    {
        Some(state) if state.open && state.id == id => Ok(()),
        _ => Err(ApiErrorCode::RestoreNotOpen.into()),
    }
}

/// `POST /api/shop/restore/records` (shop system).
pub async fn records(r: &mut Req) -> AppResult<Response> {
    auth::require_api_key(&r.req, &r.env)?;
    let content_type = http::header(&r.req, "Content-Type").unwrap_or_default();
    if !content_type
        .to_ascii_lowercase()
        .starts_with("application/json")
    {
        return Err(ApiErrorCode::UnsupportedMediaType.into());
    }
    let raw = body_bytes(&mut r.req, RESTORE_PAGE_BYTES).await?;
    let page: RestoreRecords = http::parse_json(&raw)?;
    open_restore(r, &page.restore_id).await?;
    if page.records.len() > RESTORE_RECORDS {
        return Err(field(
            "records",
            "too_many_records",
            "At most 500 records per page.",
            "每页最多 500 条记录。",
        ));
    }
    let now_s = u64::try_from(r.now.0 / 1000).unwrap_or(0);
    let mut keep = Vec::with_capacity(page.records.len());
    let mut problems = Vec::new();
    for record in &page.records {
        match backup::check_record(&r.store.shop, record, now_s) {
            Ok(true) => keep.push(record),
            Ok(false) => {}
            Err(problem) if problems.len() < 20 => problems.push(problem),
            Err(_) => {}
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Fields(problems));
    }
    let kv = r.env.kv(CASES_BINDING)?;
    let staff = keys::staff_prefix(&r.store.shop);
    let mut puts = Vec::with_capacity(keep.len());
    for record in &keep {
        // An account exported without its password is stored with an empty one (which no
        // password matches) until its one-time link sets it (`finish`).
        let value = match backup::staff_record(&record.value) {
            Some(account) if record.key.starts_with(&staff) => serde_json::to_string(&account)?,
            _ => record.value.clone(),
        };
        let mut put = kv.put(&record.key, value)?;
        if let Some(meta) = &record.metadata {
            put = put.metadata(serde_json::from_str::<serde_json::Value>(meta)?)?;
        }
        if let Some(at) = record.expiration {
            put = put.expiration(at);
        }
        puts.push(put);
    }
    // Written a group at a time: each write waits on the network, not on the worker's CPU.
    let mut puts = puts.into_iter();
    loop {
        let group: Vec<_> = puts
            .by_ref()
            .take(CONCURRENT)
            .map(|p| p.execute())
            .collect();
        if group.is_empty() {
            break;
        }
        for done in backup::join_all(group).await {
            done?;
        }
    }
    // The tips' helped lines are counted in the figures again (once each, however often a
    // page is sent again), in one call for the page.
    let helped: Vec<_> = keep
        .iter()
        .filter_map(|record| backup::helped_line(&r.store.shop, &record.key, &record.value))
        .collect();
    if !helped.is_empty() {
        crate::tally::helped(&r.store, helped).await?;
    }
    ok(&RestoreWritten {
        written: u32::try_from(keep.len()).unwrap_or(u32::MAX),
    })
}

/// `PUT /api/shop/restore/photos/{id}?restore=&order=` (shop system): the photo's bytes as they
/// were stored (already cleaned at the upload), under the same id.
pub async fn photo(r: &mut Req, id: &str) -> AppResult<Response> {
    auth::require_api_key(&r.req, &r.env)?;
    if !backup::valid_photo_id(id) {
        return Err(ApiErrorCode::NotFound.into());
    }
    let restore = query(&r.req, "restore").unwrap_or_default();
    open_restore(r, &restore).await?;
    let order = query(&r.req, "order").unwrap_or_default();
    if order.is_empty()
        || order.len() > 64
        || !order
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(ApiErrorCode::BadRequest.into());
    }
    let content_type = http::header(&r.req, "Content-Type")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let Some(kind) = ["image/jpeg", "image/png", "image/webp"]
        .into_iter()
        .find(|t| content_type.starts_with(t))
    else {
        return Err(ApiErrorCode::UnsupportedMediaType.into());
    };
    let bytes = body_bytes(&mut r.req, MAX_PHOTO_BYTES).await?;
    r.env
        .bucket(PHOTOS_BINDING)?
        .put(keys::photo(&r.store.shop, id), bytes)
        .http_metadata(HttpMetadata {
            content_type: Some(kind.into()),
            ..HttpMetadata::default()
        })
        .custom_metadata(HashMap::from([("order".to_string(), order)]))
        .execute()
        .await?;
    ok(&RestoreWritten { written: 1 })
}

/// `POST /api/shop/restore/rebuild` (shop system): derives the read models of up to 25 cases
/// from their restored logs (as `POST /api/staff/rebuild-indexes` does for every case, in pages
/// a request's limits hold for any number of cases).
pub async fn rebuild(r: &mut Req) -> AppResult<Response> {
    auth::require_api_key(&r.req, &r.env)?;
    let body: RestoreRebuild = json_body(&mut r.req).await?;
    open_restore(r, &body.restore_id).await?;
    if body.cases.len() > REBUILD_CASES || !body.cases.iter().all(|id| backup::valid_case_id(id)) {
        return Err(field(
            "cases",
            "invalid_cases",
            "At most 25 case ids per page.",
            "每页最多 25 个售后单号。",
        ));
    }
    let policy = cases::policy_of(&r.store).await?;
    let scope = Scope {
        store: &r.store,
        policy: &policy,
        now: r.now,
    };
    // The cases of a page are independent (each writes only its own keys; the tally adds each
    // case's facts in its own object, one at a time): derived a group at a time, concurrently.
    let mut written = 0u32;
    for group in body.cases.chunks(CONCURRENT_CASES) {
        let runs = group
            .iter()
            .map(|id| rebuild_case(r, &scope, &policy, body.pass, id));
        for done in backup::join_all(runs.collect()).await {
            written += u32::from(done?);
        }
    }
    ok(&RestoreWritten { written })
}

/// Derives one case's read models (one pass); `false` when it has no log of this shop's.
async fn rebuild_case(
    r: &Req,
    scope: &Scope<'_>,
    policy: &shared::policy::Policy,
    pass: RebuildPass,
    id: &str,
) -> AppResult<bool> {
    let shop = &r.store.shop;
    let log = r
        .store
        .list_all_meta::<serde_json::Value>(&keys::log_prefix(id))
        .await?;
    let winners = winning_commits(log.into_iter().map(|(k, _)| k).collect());
    if winners.is_empty() {
        return Ok(false);
    }
    let mut loaded = r.store.fold_from_log(id, winners).await?;
    if loaded.case.order.shop_id != *shop {
        return Ok(false);
    }
    {
        match pass {
            RebuildPass::Links => {
                // Read by the second pass as the order's cases and the buyer's history (whose
                // standing counts cases and abuse rejections, which need no context); the
                // second pass writes them again with the full summary.
                let world = World::default();
                let summary = CaseSummary {
                    version: loaded.version,
                    ..cases::summarize(&loaded.case, &world.context(policy, r.now))
                };
                let hash = cases::contact_hash(&loaded.case.order).await?;
                r.store
                    .put_meta(&keys::buyer_case(shop, &hash, id), &summary)
                    .await?;
                r.store
                    .put_meta(
                        &keys::order_case(shop, &loaded.case.order.number, id),
                        &summary,
                    )
                    .await?;
            }
            RebuildPass::Index => cases::reindex_alone(scope, &mut loaded).await?,
        }
    }
    Ok(true)
}

/// `POST /api/shop/restore/finish` (shop system): in the team desk.
pub async fn finish(r: &mut Req) -> AppResult<Response> {
    auth::require_api_key(&r.req, &r.env)?;
    let Some(storage) = r.desk.clone() else {
        return crate::desk::forward(r, crate::desk::TEAM).await;
    };
    let body: RestoreFinish = json_body(&mut r.req).await?;
    match storage.get::<RestoreState>(DESK_RESTORE).await? {
        Some(state) if state.open && state.id == body.restore_id => {}
        _ => return Err(ApiErrorCode::RestoreNotOpen.into()),
    }
    // The links first: should this fail, the restore stays open and `finish` can be sent again.
    let password_links = super::team::password_links(r).await?;
    let closed = RestoreState {
        id: body.restore_id,
        open: false,
    };
    storage.put(DESK_RESTORE, &closed).await?;
    r.store
        .put(&backup::restore_key(&r.store.shop), &closed)
        .await?;
    ok(&RestoreFinished { password_links })
}
