//! The shop's backup and restore, through the API (the same against `wrangler dev` and a deployed
//! worker). Run by `scripts/backup.sh`; the file set and its guarantees are in README (Operate)
//! and docs/RELIABILITY.md.
//!
//! ```text
//! backup export <dir> [--url URL] [--email OWNER] [--password-hashes] [--jobs N]
//! backup restore <dir> [--url URL] [--jobs N]
//! ```
//!
//! Secrets come from the environment only (never the command line, which `ps` shows):
//! `AFTERSALES_OWNER_PASSWORD` (export: the owner's password), `AFTERSALES_API_KEY` (restore: the
//! shop system's import key). `AFTERSALES_URL` and `AFTERSALES_OWNER_EMAIL` stand in for `--url`
//! and `--email`.
//!
//! The file set: `manifest.json` (format, shop, when, counts, the SHA-256 of every other file),
//! `records.jsonl` (one stored record a line: key, value, metadata, expiry), `photos.jsonl` (one
//! photo a line: id, order, content type, size) and `photos/<id>` (each photo's bytes as stored).
//! A restore checks every file against the manifest before it sends anything.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use shared::api::backup::{
    BackupPage, BackupPhoto, BackupPhotoPage, BackupRecord, FORMAT_VERSION, RebuildPass,
    RestoreBegin, RestoreFinish, RestoreFinished, RestoreOpened, RestoreRebuild, RestoreRecords,
    RestoreWritten,
};
use tests::{Api, ApiResponse};

/// Records per restore page, and the most bytes of values one page carries.
const PAGE_RECORDS: usize = 500;
const PAGE_BYTES: usize = 1_500_000;
/// Cases per rebuild page (the most the worker takes: a request's 1,000 KV operations).
const REBUILD_CASES: usize = 25;

const USAGE: &str = "usage: backup export <dir> [--url URL] [--email OWNER] [--password-hashes] [--jobs N]\n       backup restore <dir> [--url URL] [--jobs N]\nsecrets from the environment: AFTERSALES_OWNER_PASSWORD (export), AFTERSALES_API_KEY (restore)";

#[derive(Debug)]
struct Options {
    url: String,
    email: String,
    hashes: bool,
    jobs: usize,
}

/// `manifest.json`.
#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: u32,
    shop: String,
    /// When the export finished (ms since 1970).
    taken_at: u128,
    /// The worker it was taken from.
    source: String,
    /// Whether staff records carry their password hashes.
    password_hashes: bool,
    counts: Counts,
    /// SHA-256 (hex) of every other file, by its path in the set.
    files: BTreeMap<String, String>,
}

#[derive(Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
struct Counts {
    records: u64,
    cases: u64,
    commits: u64,
    orders: u64,
    staff: u64,
    photos: u64,
    photo_bytes: u64,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("export") | Some("restore") => options(&args[2.min(args.len())..]).and_then(|o| {
            let dir = args.get(1).map(PathBuf::from).ok_or(USAGE.to_string())?;
            if args[0] == "export" {
                export(&dir, &o)
            } else {
                restore(&dir, &o)
            }
        }),
        _ => Err(USAGE.to_string()),
    };
    if let Err(e) = result {
        eprintln!("backup: {e}");
        std::process::exit(1);
    }
}

fn options(rest: &[String]) -> Result<Options, String> {
    let mut o = Options {
        url: std::env::var("AFTERSALES_URL").unwrap_or_else(|_| "http://127.0.0.1:8787".into()),
        email: std::env::var("AFTERSALES_OWNER_EMAIL").unwrap_or_default(),
        hashes: false,
        jobs: 4,
    };
    let mut it = rest.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or(format!("{flag} needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "--url" => o.url = value()?,
            "--email" => o.email = value()?,
            "--password-hashes" => o.hashes = true,
            "--jobs" => {
                o.jobs = value()?
                    .parse()
                    .ok()
                    .filter(|n| (1..=32).contains(n))
                    .ok_or("--jobs is 1 to 32")?
            }
            _ => return Err(format!("unknown option {flag}\n{USAGE}")),
        }
    }
    o.url = o.url.trim_end_matches('/').to_string();
    Ok(o)
}

fn now_ms() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256_file(path: &Path) -> Result<String, String> {
    let mut file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(hex(&hasher.finalize()))
}

/// A query value as a URL carries it.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Sends until the answer is one of `ok`; a dropped connection, 429, 500 or 503 is retried (5
/// times, backing off from 200 ms), anything else is the error.
fn call(what: &str, ok: &[u16], send: impl Fn() -> ApiResponse) -> Result<ApiResponse, String> {
    let mut wait = Duration::from_millis(200);
    for attempt in 0..6 {
        let r = send();
        if ok.contains(&r.status) {
            return Ok(r);
        }
        let transient = matches!(r.status, 0 | 429 | 500 | 502 | 503);
        if !transient || attempt == 5 {
            return Err(format!(
                "{what}: HTTP {} {}",
                r.status,
                String::from_utf8_lossy(&r.body)
            ));
        }
        std::thread::sleep(wait);
        wait *= 2;
    }
    Err(format!("{what}: no answer"))
}

/// Runs `work` over `items` on `jobs` threads; the first error stops the rest.
fn parallel<T: Send>(
    items: Vec<T>,
    jobs: usize,
    work: impl Fn(T) -> Result<u64, String> + Sync,
) -> Result<u64, String> {
    let queue = Mutex::new(items.into_iter());
    let failed: Mutex<Option<String>> = Mutex::new(None);
    let done = Mutex::new(0u64);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                loop {
                    if failed.lock().map(|f| f.is_some()).unwrap_or(true) {
                        return;
                    }
                    let next = queue.lock().ok().and_then(|mut q| q.next());
                    let Some(item) = next else { return };
                    match work(item) {
                        Ok(n) => {
                            if let Ok(mut d) = done.lock() {
                                *d += n;
                            }
                        }
                        Err(e) => {
                            if let Ok(mut f) = failed.lock() {
                                f.get_or_insert(e);
                            }
                            return;
                        }
                    }
                }
            });
        }
    });
    if let Some(e) = failed.into_inner().ok().flatten() {
        return Err(e);
    }
    Ok(done.into_inner().unwrap_or(0))
}

fn login(o: &Options) -> Result<Api, String> {
    let password = std::env::var("AFTERSALES_OWNER_PASSWORD")
        .map_err(|_| "set AFTERSALES_OWNER_PASSWORD to the owner's password".to_string())?;
    if o.email.is_empty() {
        return Err("name the owner with --email or AFTERSALES_OWNER_EMAIL".into());
    }
    let mut api = Api::new(&o.url);
    let body = serde_json::json!({"email": o.email, "password": password});
    let r = call("sign in", &[200], || api.post("/api/staff/login", &body))?;
    api.cookie = r
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .map(str::to_string);
    api.csrf = r.json()["csrf_token"].as_str().map(str::to_string);
    Ok(api)
}

/// The case a commit key belongs to.
fn log_case(key: &str) -> Option<&str> {
    let rest = key.strip_prefix("case:")?;
    let (id, tail) = rest.split_once(':')?;
    tail.starts_with("log:").then_some(id)
}

fn export(dir: &Path, o: &Options) -> Result<(), String> {
    let started = Instant::now();
    if dir.exists()
        && std::fs::read_dir(dir)
            .map_err(|e| e.to_string())?
            .next()
            .is_some()
    {
        return Err(format!("{} is not empty", dir.display()));
    }
    std::fs::create_dir_all(dir.join("photos")).map_err(|e| e.to_string())?;
    let owner = login(o)?;
    let mut counts = Counts::default();
    let mut cases = BTreeSet::new();
    let mut shop;
    // Records, page by page, straight to the file.
    let path = dir.join("records.jsonl");
    let mut out = BufWriter::new(std::fs::File::create(&path).map_err(|e| e.to_string())?);
    let mut cursor: Option<String> = None;
    loop {
        let mut query = format!("/api/staff/backup?password_hashes={}", o.hashes);
        if let Some(c) = &cursor {
            query.push_str(&format!("&cursor={}", encode(c)));
        }
        let page: BackupPage = call("export records", &[200], || owner.get(&query))?.parse()?;
        shop = page.shop;
        for record in &page.records {
            counts.records += 1;
            if let Some(case) = log_case(&record.key) {
                counts.commits += 1;
                cases.insert(case.to_string());
            } else if record.key.starts_with("order:") {
                counts.orders += 1;
            } else if record.key.starts_with("staff:") {
                counts.staff += 1;
            }
            serde_json::to_writer(&mut out, record).map_err(|e| e.to_string())?;
            out.write_all(b"\n").map_err(|e| e.to_string())?;
        }
        match page.cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    out.flush().map_err(|e| e.to_string())?;
    drop(out);
    counts.cases = cases.len() as u64;
    let records_done = started.elapsed();
    // Photos: the list, then each one's bytes (in parallel).
    let mut photos: Vec<BackupPhoto> = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let query = match &cursor {
            Some(c) => format!("/api/staff/backup/photos?cursor={}", encode(c)),
            None => "/api/staff/backup/photos".to_string(),
        };
        let page: BackupPhotoPage = call("list photos", &[200], || owner.get(&query))?.parse()?;
        photos.extend(page.photos);
        match page.cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    let mut index =
        BufWriter::new(std::fs::File::create(dir.join("photos.jsonl")).map_err(|e| e.to_string())?);
    for photo in &photos {
        counts.photos += 1;
        counts.photo_bytes += photo.bytes;
        serde_json::to_writer(&mut index, photo).map_err(|e| e.to_string())?;
        index.write_all(b"\n").map_err(|e| e.to_string())?;
    }
    index.flush().map_err(|e| e.to_string())?;
    drop(index);
    let photo_dir = dir.join("photos");
    parallel(photos.clone(), o.jobs, |photo| {
        let r = call(&format!("photo {}", photo.id), &[200], || {
            owner.get(&format!("/api/photos/{}", photo.id))
        })?;
        if r.body.len() as u64 != photo.bytes {
            return Err(format!(
                "photo {}: {} bytes listed, {} read",
                photo.id,
                photo.bytes,
                r.body.len()
            ));
        }
        std::fs::write(photo_dir.join(&photo.id), &r.body).map_err(|e| e.to_string())?;
        Ok(1)
    })?;
    // The manifest last: a set without one is an export that did not finish.
    let mut files = BTreeMap::new();
    for name in ["records.jsonl", "photos.jsonl"] {
        files.insert(name.to_string(), sha256_file(&dir.join(name))?);
    }
    for photo in &photos {
        let name = format!("photos/{}", photo.id);
        files.insert(name.clone(), sha256_file(&dir.join(&name))?);
    }
    let manifest = Manifest {
        format: FORMAT_VERSION,
        shop,
        taken_at: now_ms(),
        source: o.url.clone(),
        password_hashes: o.hashes,
        counts,
        files,
    };
    std::fs::write(
        dir.join("manifest.json"),
        serde_json::to_vec_pretty(&manifest).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    let c = &manifest.counts;
    println!(
        "exported {} records ({} cases, {} commits, {} orders, {} staff) and {} photos ({} bytes) of shop {} in {:.1} s (records {:.1} s)",
        c.records,
        c.cases,
        c.commits,
        c.orders,
        c.staff,
        c.photos,
        c.photo_bytes,
        manifest.shop,
        started.elapsed().as_secs_f64(),
        records_done.as_secs_f64()
    );
    Ok(())
}

fn read_manifest(dir: &Path) -> Result<Manifest, String> {
    let text = std::fs::read(dir.join("manifest.json"))
        .map_err(|e| format!("{}: no manifest.json ({e})", dir.display()))?;
    let manifest: Manifest =
        serde_json::from_slice(&text).map_err(|e| format!("manifest.json: {e}"))?;
    if manifest.format != FORMAT_VERSION {
        return Err(format!(
            "manifest.json: format {} (this command restores {FORMAT_VERSION})",
            manifest.format
        ));
    }
    for (name, want) in &manifest.files {
        if name.contains("..") || name.starts_with('/') {
            return Err(format!("manifest.json names {name}"));
        }
        let have = sha256_file(&dir.join(name))?;
        if &have != want {
            return Err(format!("{name}: its SHA-256 is not the manifest's"));
        }
    }
    Ok(manifest)
}

fn restore(dir: &Path, o: &Options) -> Result<(), String> {
    let started = Instant::now();
    let manifest = read_manifest(dir)?;
    let key = std::env::var("AFTERSALES_API_KEY")
        .map_err(|_| "set AFTERSALES_API_KEY to the shop system's import key".to_string())?;
    let shop = Api::new(&o.url).with_bearer(&key);
    let begin = RestoreBegin {
        format: FORMAT_VERSION,
        shop: manifest.shop.clone(),
    };
    let opened: RestoreOpened = call("begin the restore", &[201], || {
        shop.post("/api/shop/restore", &begin)
    })?
    .parse()?;
    let id = opened.restore_id;
    // Records, in pages of at most 500 records and 1.5 MB.
    let file = std::fs::File::open(dir.join("records.jsonl")).map_err(|e| e.to_string())?;
    let mut pages: Vec<Vec<BackupRecord>> = vec![Vec::new()];
    let mut bytes = 0;
    let mut cases = BTreeSet::new();
    for line in std::io::BufReader::new(file).lines() {
        let line = line.map_err(|e| e.to_string())?;
        if line.is_empty() {
            continue;
        }
        let record: BackupRecord =
            serde_json::from_str(&line).map_err(|e| format!("records.jsonl: {e}"))?;
        if let Some(case) = log_case(&record.key) {
            cases.insert(case.to_string());
        }
        let size = line.len();
        let full = pages.last().is_some_and(|p| {
            !p.is_empty() && (p.len() >= PAGE_RECORDS || bytes + size > PAGE_BYTES)
        });
        if full {
            pages.push(Vec::new());
            bytes = 0;
        }
        bytes += size;
        if let Some(page) = pages.last_mut() {
            page.push(record);
        }
    }
    let written = parallel(pages, o.jobs, |records| {
        let page = RestoreRecords {
            restore_id: id.clone(),
            records,
        };
        let r: RestoreWritten = call("restore records", &[200], || {
            shop.post("/api/shop/restore/records", &page)
        })?
        .parse()?;
        Ok(u64::from(r.written))
    })?;
    let records_done = started.elapsed();
    // Photos, byte for byte.
    let mut photos = Vec::new();
    let index = std::fs::File::open(dir.join("photos.jsonl")).map_err(|e| e.to_string())?;
    for line in std::io::BufReader::new(index).lines() {
        let line = line.map_err(|e| e.to_string())?;
        if !line.is_empty() {
            photos.push(
                serde_json::from_str::<BackupPhoto>(&line)
                    .map_err(|e| format!("photos.jsonl: {e}"))?,
            );
        }
    }
    let photo_count = parallel(photos, o.jobs, |photo| {
        let bytes = std::fs::read(dir.join("photos").join(&photo.id)).map_err(|e| e.to_string())?;
        let path = format!(
            "/api/shop/restore/photos/{}?restore={}&order={}",
            photo.id,
            encode(&id),
            encode(&photo.order)
        );
        call(&format!("restore photo {}", photo.id), &[200], || {
            shop.send(
                "PUT",
                &path,
                Some((photo.content_type.as_str(), bytes.clone())),
                &[],
            )
        })?;
        Ok(1)
    })?;
    let photos_done = started.elapsed();
    // The read models: every case's order and buyer entries, then everything else.
    let cases: Vec<String> = cases.into_iter().collect();
    let mut rebuilt = 0;
    let mut links_done = photos_done;
    for pass in [RebuildPass::Links, RebuildPass::Index] {
        if pass == RebuildPass::Index {
            links_done = started.elapsed();
        }
        let pages: Vec<Vec<String>> = cases
            .chunks(REBUILD_CASES)
            .map(<[String]>::to_vec)
            .collect();
        rebuilt = parallel(pages, o.jobs, |cases| {
            let page = RestoreRebuild {
                restore_id: id.clone(),
                pass,
                cases,
            };
            let r: RestoreWritten = call("rebuild", &[200], || {
                shop.post("/api/shop/restore/rebuild", &page)
            })?
            .parse()?;
            Ok(u64::from(r.written))
        })?;
    }
    let finish = RestoreFinish {
        restore_id: id.clone(),
    };
    let finished: RestoreFinished = call("finish the restore", &[200], || {
        shop.post("/api/shop/restore/finish", &finish)
    })?
    .parse()?;
    println!(
        "restored {written} records, {photo_count} photos and the read models of {rebuilt} cases into shop {} in {:.1} s (records {:.1} s, photos {:.1} s, rebuild {:.1} s: links {:.1} s, index {:.1} s)",
        manifest.shop,
        started.elapsed().as_secs_f64(),
        records_done.as_secs_f64(),
        (photos_done - records_done).as_secs_f64(),
        (started.elapsed() - photos_done).as_secs_f64(),
        (links_done - photos_done).as_secs_f64(),
        (started.elapsed() - links_done).as_secs_f64(),
    );
    if rebuilt != manifest.counts.cases {
        return Err(format!(
            "{} cases in the backup, {rebuilt} rebuilt",
            manifest.counts.cases
        ));
    }
    for link in &finished.password_links {
        println!(
            "password link for {}: {}{} (until {} ms)",
            link.email, o.url, link.path, link.expires_at.0
        );
    }
    Ok(())
}
