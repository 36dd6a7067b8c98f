//! Staff routes: sign-in, the queue, case work, and the owner's settings. Every route but login
//! needs the session cookie; every state change also needs the session's CSRF token.

use shared::analytics::{self, AnalyticsReport, ReportScope};
use shared::api::decode::PolicyDocumentError;
use shared::api::query::{Assignee, QueueQuery, RebuildQuery, ReportQuery, search_text};
use shared::api::{
    ApiErrorCode, CannedReply, CaseSummary, LoginRequest, NewStaff, QueuePage, SessionView,
    StaffView, Viewer,
};
use shared::domain::{Command, Role};
use shared::policy::Policy;
use worker::Response;

use super::buyer::run_and_answer;
use super::{Req, team};
use crate::auth::{self, Session, StaffRecord};
use crate::cases::{self, Scope};
use crate::error::{AppError, AppResult};
use crate::http::{self, body_bytes, json_body, ok, with_status};
use crate::store::keys;
use crate::{queue, shop, tally, visibility};

fn staff_view(s: &StaffRecord) -> StaffView {
    StaffView {
        id: s.id.clone(),
        email: s.email.clone(),
        name: s.name.clone(),
        role: s.role,
    }
}

fn session_view(s: &Session) -> SessionView {
    SessionView {
        staff: StaffView {
            id: s.staff_id.clone(),
            email: s.email.clone(),
            name: s.name.clone(),
            role: s.role,
        },
        csrf_token: s.csrf.clone(),
    }
}

/// `POST /api/staff/login`
pub async fn login(r: &mut Req) -> AppResult<Response> {
    // Guessing limits: this client's attempts per minute, then its share of this account's
    // failures (a wrong guess from elsewhere does not lock the owner out; a known device passes
    // even while many addresses guess at once).
    let shop = r.store.shop.clone();
    let guesses = auth::Guesses::new(&r.req, &r.env, &shop, auth::LOGIN_LIMIT);
    guesses.limit_address().await?;
    let body: LoginRequest = json_body(&mut r.req).await?;
    let email = body.email.trim().to_ascii_lowercase();
    if email.is_empty() || email.len() > 254 {
        return Err(ApiErrorCode::BadCredentials.into());
    }
    guesses.limit_target(&email).await?;
    let record: Option<StaffRecord> = r.store.get(&keys::staff(&r.store.shop, &email)).await?;
    let Some(record) = record.filter(|s| s.active) else {
        // Spend the same time as a real check, so timing does not reveal which e-mails exist.
        let _ = auth::hash_password(&body.password).await?;
        return Err(ApiErrorCode::BadCredentials.into());
    };
    if !auth::password_matches(&record, &body.password).await? {
        return Err(ApiErrorCode::BadCredentials.into());
    }
    let device_cookie = guesses.guessed_right(&email).await?;
    signed_in(r, &record, 200, device_cookie).await
}

/// Opens a session for `record` and answers it with its cookie (sign-in, an accepted
/// invitation).
pub async fn signed_in(
    r: &Req,
    record: &StaffRecord,
    status: u16,
    device_cookie: Option<String>,
) -> AppResult<Response> {
    let (id, session) = auth::open_session(&r.env, &r.store, record, r.now.0).await?;
    let response = with_status(status, &session_view(&session))?;
    let max_age = ((session.expires_at - r.now.0) / 1000).max(0) as u64;
    response
        .headers()
        .set("Set-Cookie", &auth::session_cookie(&id, max_age))?;
    if let Some(cookie) = device_cookie {
        response.headers().append("Set-Cookie", &cookie)?;
    }
    Ok(response)
}

/// `POST /api/staff/logout`
pub async fn logout(r: &Req) -> AppResult<Response> {
    let (id, _) = auth::staff(&r.req, &r.store, r.now.0).await?;
    auth::close_session(&r.store, &id).await?;
    let response = with_status(200, &shared::api::SignedOut { signed_out: true })?;
    response
        .headers()
        .set("Set-Cookie", &auth::session_cookie("", 0))?;
    Ok(response)
}

/// `GET /api/staff/me`
pub async fn me(r: &Req) -> AppResult<Response> {
    let (_, session) = auth::staff(&r.req, &r.store, r.now.0).await?;
    ok(&session_view(&session))
}

/// `GET /api/staff/queue?kind=&state=&overdue=true&assignee=|mine=true|unassigned=true&cursor=&limit=`:
/// open cases, most urgent first, from the index that answers the filters (`queue`): a page
/// holds only matches, and is full unless the matches run out.
pub async fn queue(r: &Req) -> AppResult<Response> {
    let (_, session) = auth::staff(&r.req, &r.store, r.now.0).await?;
    // The parameters are read in `shared` (`api::query`, where the fuzz crate drives them).
    let query = QueueQuery::parse(&http::query_pairs(&r.req)).map_err(AppError::Api)?;
    let assignee = match query.assignee {
        Assignee::Anyone => None,
        Assignee::Named(id) => Some(Some(id)),
        Assignee::Mine => Some(Some(session.staff_id.clone())),
        Assignee::Unassigned => Some(None),
    };
    let (kind, state, limit) = (query.kind, query.state, query.limit);
    let cursor = query
        .cursor
        .map(|c| queue::Cursor::parse(&c).ok_or(AppError::Api(ApiErrorCode::BadRequest)))
        .transpose()?;
    let filter = queue::QueueFilter {
        kind,
        state,
        assignee,
        overdue: query.overdue,
    };
    let page = queue::page(&r.store, &filter, limit, cursor, r.now).await?;
    // The batch caps travel with the queue, where batches are chosen (the admin reads no policy).
    let policy = cases::policy_of(&r.store).await?;
    ok(&QueuePage {
        batch_max_cases: u32::try_from(policy.batch_max_cases).unwrap_or(0),
        batch_max_amount: policy.batch_max_amount,
        ..page
    })
}

/// `GET /api/staff/search?q=`: the cases a case id, an order number or a tracking number (the
/// buyer's return parcel or the shop's shipment) names, as summaries: the case first, then the
/// order's cases, then the parcel's. Three KV lists, whatever is found; nothing found is an
/// empty list.
pub async fn search(r: &Req) -> AppResult<Response> {
    auth::staff(&r.req, &r.store, r.now.0).await?;
    let mut found: Vec<CaseSummary> = Vec::new();
    // Longer than any id, order number or indexed tracking number: nothing to look for.
    let Some(q) = search_text(&http::query_pairs(&r.req)).map_err(AppError::Api)? else {
        return ok(&found);
    };
    let q = q.as_str();
    let shop = &r.store.shop;
    let mut add = |prefix: &str, items: Vec<(String, Option<CaseSummary>)>| {
        let mut hits: Vec<CaseSummary> = items
            .into_iter()
            .filter(|(key, _)| keys::id_after(key, prefix).is_some())
            .filter_map(|(_, s)| s)
            .collect();
        hits.sort_by_key(|s| s.filed_at);
        for hit in hits {
            if !found.iter().any(|s| s.id == hit.id) {
                found.push(hit);
            }
        }
    };
    // A case id (ids are upper case): its summary key is the first key under its own name, as
    // a longer id sorts after it.
    let id_key = keys::summary(shop, &q.to_ascii_uppercase());
    let (items, _) = r.store.list_meta::<CaseSummary>(&id_key, 1, None).await?;
    add(
        &keys::summary_prefix(shop),
        items.into_iter().filter(|(k, _)| *k == id_key).collect(),
    );
    let order = keys::order_cases_prefix(shop, q);
    let (items, _) = r.store.list_meta::<CaseSummary>(&order, 100, None).await?;
    add(&order, items);
    if let Some(number) = cases::normalize_tracking(q) {
        let tracking = keys::tracking_prefix(shop, &number);
        let (items, _) = r
            .store
            .list_meta::<CaseSummary>(&tracking, 100, None)
            .await?;
        add(&tracking, items);
    }
    ok(&found)
}

/// How long a staff member counts as having a case open after their last presence call (KV's
/// shortest expiry; the admin calls every 20 s while the case is open).
const PRESENCE_SECONDS: u64 = 60;

/// A presence entry's metadata.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Seen {
    id: String,
    name: String,
    at: i64,
}

/// `POST /api/staff/cases/{id}/presence`: records that the caller has the case open (for 60 s)
/// and answers the other staff members who had it open within the last 60 s. One KV list and
/// one write; the case itself is not read (an id that names no case records nothing anyone
/// asks about, and expires).
pub async fn presence(r: &Req, id: &str) -> AppResult<Response> {
    let (_, session) = auth::staff(&r.req, &r.store, r.now.0).await?;
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(ApiErrorCode::NotFound.into());
    }
    let shop = &r.store.shop;
    let prefix = keys::presence_prefix(shop, id);
    let (entries, _) = r.store.list_meta::<Seen>(&prefix, 100, None).await?;
    let since = r.now.0 - (PRESENCE_SECONDS as i64) * 1000;
    let mut others: Vec<Viewer> = entries
        .into_iter()
        .filter_map(|(_, seen)| seen)
        .filter(|seen| seen.id != session.staff_id && seen.at > since)
        .map(|seen| Viewer {
            id: seen.id,
            name: seen.name,
        })
        .collect();
    others.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    let me = Seen {
        id: session.staff_id.clone(),
        name: session.name.clone(),
        at: r.now.0,
    };
    r.store
        .put_meta_expiring(
            &keys::presence(shop, id, &session.staff_id),
            &me,
            PRESENCE_SECONDS,
        )
        .await?;
    ok(&others)
}

/// `GET /api/staff/cases/{id}`: the case, what this role may do, and the buyer's history.
pub async fn case(r: &Req, id: &str) -> AppResult<Response> {
    // The session and the case are read at once; the session's answer is judged first, so a
    // caller who is not signed in learns nothing of the case (not even whether it exists).
    let (signed_in, loaded) = futures_util::future::join(
        auth::staff(&r.req, &r.store, r.now.0),
        cases::load_visible(&r.store, id, None),
    )
    .await;
    let (_, session) = signed_in?;
    let loaded = loaded?;
    let policy = cases::policy_of(&r.store).await?;
    let (world, history) =
        cases::read_context(&r.store, &loaded.case, cases::Reader::Staff).await?;
    let ctx = world.context(&policy, r.now);
    ok(&cases::view(&loaded, &session.actor(), &ctx, history))
}

/// `POST /api/staff/cases/{id}/commands` (runs in the case's order's desk).
pub async fn command(r: &mut Req, id: &str) -> AppResult<Response> {
    let (_, session) = auth::staff(&r.req, &r.store, r.now.0).await?;
    let loaded = cases::load_visible(&r.store, id, None).await?;
    if r.desk.is_none() {
        let order = loaded.case.order.number.clone();
        return crate::desk::forward(r, &order).await;
    }
    let command: Command = json_body(&mut r.req).await?;
    run_and_answer(r, loaded, &command, &session.actor()).await
}

/// `GET /api/staff/canned-replies`
pub async fn canned(r: &Req) -> AppResult<Response> {
    auth::staff(&r.req, &r.store, r.now.0).await?;
    ok(&shop::canned_replies(&r.store).await?)
}

/// `PUT /api/staff/canned-replies` (owner)
pub async fn save_canned(r: &mut Req) -> AppResult<Response> {
    let (_, session) = auth::staff(&r.req, &r.store, r.now.0).await?;
    auth::require_role(&session, &[Role::Owner])?;
    let replies: Vec<CannedReply> = json_body(&mut r.req).await?;
    // The same checks as the admin's editor (shared::team).
    let problems = shared::team::check_canned_replies(&replies);
    if !problems.is_empty() {
        return Err(AppError::Fields(problems));
    }
    shop::save_canned_replies(&r.store, &replies).await?;
    ok(&replies)
}

/// `GET /api/staff/policy`
pub async fn policy(r: &Req) -> AppResult<Response> {
    auth::staff(&r.req, &r.store, r.now.0).await?;
    ok(&cases::policy_of(&r.store).await?)
}

/// `PUT /api/staff/policy` (owner): validated field by field; a bad value changes nothing. A
/// saved change is logged and moves the open cases' queue entries (`settings::after_save`).
/// Two owners saving at once: the last write wins, and both changes are in the log.
pub async fn save_policy(r: &mut Req) -> AppResult<Response> {
    let (_, session) = auth::staff(&r.req, &r.store, r.now.0).await?;
    auth::require_role(&session, &[Role::Owner])?;
    let policy = policy_body(r).await?;
    let old = cases::policy_of(&r.store).await?;
    shop::save_policy(&r.store, &policy).await?;
    super::settings::after_save(r, &session, &old, &policy).await?;
    ok(&policy)
}

/// A policy document from the body, read and validated as a save reads it (the preview answers
/// the same field problems).
pub(super) async fn policy_body(r: &mut Req) -> AppResult<Policy> {
    let content_type = http::header(&r.req, "Content-Type").unwrap_or_default();
    if !content_type
        .to_ascii_lowercase()
        .starts_with("application/json")
    {
        return Err(ApiErrorCode::UnsupportedMediaType.into());
    }
    let raw = body_bytes(&mut r.req, http::MAX_JSON_BYTES).await?;
    shared::api::decode::policy_document(raw).map_err(|e| match e {
        PolicyDocumentError::Malformed => AppError::Api(ApiErrorCode::MalformedJson),
        PolicyDocumentError::Fields(problems) => AppError::Fields(problems),
    })
}

/// `GET /api/staff/accounts` (owner): every account with its role and whether it is active.
pub async fn accounts(r: &Req) -> AppResult<Response> {
    let (_, session) = auth::staff(&r.req, &r.store, r.now.0).await?;
    auth::require_role(&session, &[Role::Owner])?;
    let mut views: Vec<_> = team::all_accounts(r)
        .await?
        .iter()
        .map(team::account)
        .collect();
    views.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.email.cmp(&b.email)));
    ok(&views)
}

/// Validates a new account's fields (`shared::team`, as the admin's forms).
pub fn check_new_staff(new: &NewStaff) -> Result<(), Vec<shared::policy::FieldError>> {
    team::check_new_staff(new)
}

/// Creates an account (owner, or the bootstrap).
pub async fn create_staff(r: &Req, new: &NewStaff) -> AppResult<StaffView> {
    check_new_staff(new).map_err(AppError::Fields)?;
    let email = new.email.trim().to_ascii_lowercase();
    if team::find_account(r, &email).await?.is_some() {
        return Err(ApiErrorCode::Conflict.into());
    }
    let (salt, hash) = auth::hash_password(&new.password).await?;
    let record = StaffRecord {
        id: format!("st_{}", crate::crypto::random_hex::<6>()?),
        email,
        name: new.name.trim().to_string(),
        role: new.role,
        salt,
        hash,
        iterations: auth::PBKDF2_ITERATIONS,
        active: true,
    };
    team::save_account(r, &record).await?;
    Ok(staff_view(&record))
}

/// `POST /api/staff/accounts` (owner): in the team desk, like every change to the team.
pub async fn create_account(r: &mut Req) -> AppResult<Response> {
    let (_, session) = auth::staff(&r.req, &r.store, r.now.0).await?;
    auth::require_role(&session, &[Role::Owner])?;
    if r.desk.is_none() {
        return crate::desk::forward(r, crate::desk::TEAM).await;
    }
    let new: NewStaff = json_body(&mut r.req).await?;
    with_status(201, &create_staff(r, &new).await?)
}

async fn all_summaries(r: &Req) -> AppResult<Vec<CaseSummary>> {
    Ok(r.store
        .list_all_meta::<CaseSummary>(&keys::summary_prefix(&r.store.shop))
        .await?
        .into_iter()
        .filter_map(|(_, s)| s)
        .collect())
}

/// The figures the caller may read: the owner's are the shop's, an agent's their own cases'.
/// Read from the tally in a bounded number of rows (`tally`), whatever the number of cases.
async fn figures(r: &Req) -> AppResult<(AnalyticsReport, u64)> {
    let (_, session) = auth::staff(&r.req, &r.store, r.now.0).await?;
    auth::require_role(&session, &visibility::REPORT_ROLES)?;
    let scope = if session.role == Role::Owner {
        ReportScope::Shop
    } else {
        ReportScope::Agent {
            id: session.staff_id.clone(),
        }
    };
    let policy = cases::policy_of(&r.store).await?;
    let today = analytics::today(r.now, &policy);
    let read = tally::read(
        &r.store,
        &scope,
        analytics::day_key(analytics::first_report_day(today)),
    )
    .await?;
    let mut report = AnalyticsReport::build(&read.rows, scope, today);
    if session.role == Role::Owner {
        let names: std::collections::HashMap<String, String> = super::team::all_accounts(r)
            .await?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect();
        for recovery in &mut report.reviews.by_agent {
            recovery.name = names.get(&recovery.id).cloned().unwrap_or_default();
        }
        for agent in &mut report.agents {
            agent.name = names.get(&agent.id).cloned().unwrap_or_default();
        }
    } else {
        for agent in &mut report.agents {
            agent.name = session.name.clone();
        }
    }
    Ok((report, read.rows_read))
}

/// `GET /api/staff/analytics` (agent: their own cases; owner: the shop)
pub async fn analytics(r: &Req) -> AppResult<Response> {
    let (report, rows_read) = figures(r).await?;
    let response = ok(&report)?;
    // Beside `X-KV-Ops`, where that is reported: what the read cost the tally.
    if r.env
        .var(super::REPORT_KV_OPS)
        .is_ok_and(|v| v.to_string() == "true")
    {
        response
            .headers()
            .set("X-Tally-Rows-Read", &rows_read.to_string())?;
    }
    Ok(response)
}

/// `GET /api/staff/analytics.csv`: the same figures, labelled in the caller's language.
pub async fn analytics_csv(r: &Req) -> AppResult<Response> {
    let (report, _) = figures(r).await?;
    // A download link cannot set headers: the admin names its language in the query.
    let lang = ReportQuery::parse(&http::query_pairs(&r.req), http::lang_of(&r.req)).lang;
    let csv = analytics::to_csv(&report, lang);
    let response = http::bytes_response(200, "text/csv; charset=utf-8", csv.into_bytes())?;
    response.headers().set(
        "Content-Disposition",
        &format!(
            "attachment; filename=\"aftersales-figures-{}.csv\"",
            report.today
        ),
    )?;
    Ok(response)
}

/// `GET /api/staff/export.csv` (agent, owner)
pub async fn export(r: &Req) -> AppResult<Response> {
    let (_, session) = auth::staff(&r.req, &r.store, r.now.0).await?;
    auth::require_role(&session, &visibility::REPORT_ROLES)?;
    let mut summaries = all_summaries(r).await?;
    summaries.sort_by_key(|s| s.filed_at);
    let response = http::bytes_response(
        200,
        "text/csv; charset=utf-8",
        to_csv(&summaries).into_bytes(),
    )?;
    response
        .headers()
        .set("Content-Disposition", "attachment; filename=\"cases.csv\"")?;
    Ok(response)
}

/// One row per case. Cells that a spreadsheet would run as a formula are prefixed with `'`.
pub fn to_csv(summaries: &[CaseSummary]) -> String {
    use shared::analytics::csv_cell as cell;
    let mut out = String::from(
        "case_id,order,kind,reason,state,filed_at_ms,closed,refunded_minor,rating,assignee,product\n",
    );
    for s in summaries {
        let row = [
            cell(&s.id),
            cell(&s.order),
            s.kind.code().to_string(),
            s.reason.code().to_string(),
            cell(s.state.code()),
            s.filed_at.0.to_string(),
            s.closed.to_string(),
            s.refunded.map_or(String::new(), |m| m.0.to_string()),
            s.rating.map_or(String::new(), |n| n.to_string()),
            cell(s.assignee.as_deref().unwrap_or("")),
            cell(&s.title),
        ];
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

/// `POST /api/staff/rebuild-indexes` (owner): drops every read model (queue and its filter
/// indexes, tracking numbers, summaries, order and buyer indexes, snapshots, facts and figures)
/// and derives them again from the case logs. `?only=figures` refolds the figures from the
/// facts alone (one list per 1,000 cases instead of every log).
pub async fn rebuild(r: &Req) -> AppResult<Response> {
    let (_, session) = auth::staff(&r.req, &r.store, r.now.0).await?;
    auth::require_role(&session, &[Role::Owner])?;
    let only = RebuildQuery::parse(&http::query_pairs(&r.req))
        .map_err(AppError::Api)?
        .only;
    let rebuilt = match only {
        Some(shared::api::RebuildOnly::Figures) => tally::refold(&r.store).await?,
        None => {
            let policy = cases::policy_of(&r.store).await?;
            rebuild_all(r, &policy).await?
        }
    };
    ok(&shared::api::RebuildReport {
        rebuilt_cases: rebuilt,
    })
}

async fn rebuild_all(r: &Req, policy: &Policy) -> AppResult<u32> {
    let shop = r.store.shop.clone();
    let [queue, kinds, states, assignees] = keys::queue_families(&shop);
    for prefix in [
        queue,
        kinds,
        states,
        assignees,
        keys::trackings_prefix(&shop),
        keys::summary_prefix(&shop),
        format!("oc:{shop}:"),
        format!("buyer:{shop}:"),
        keys::facts_prefix(&shop),
    ] {
        for (key, _) in r.store.list_all_meta::<serde_json::Value>(&prefix).await? {
            r.store.delete(&key).await?;
        }
    }
    tally::reset(&r.store).await?;
    let log_keys = r.store.list_all_meta::<serde_json::Value>("case:").await?;
    let mut by_case: std::collections::BTreeMap<String, Vec<String>> =
        std::collections::BTreeMap::new();
    for (key, _) in log_keys {
        let mut parts = key.splitn(4, ':');
        if let (Some("case"), Some(id), Some("log")) = (parts.next(), parts.next(), parts.next()) {
            by_case.entry(id.to_string()).or_default().push(key.clone());
        }
    }
    let scope = Scope {
        store: &r.store,
        policy,
        now: r.now,
    };
    let mut count = 0;
    for (id, keys_) in by_case {
        let winners = crate::store::winning_commits(keys_);
        let mut loaded = r.store.fold_from_log(&id, winners).await?;
        if loaded.case.order.shop_id != shop {
            continue;
        }
        cases::reindex_alone(&scope, &mut loaded).await?;
        count += 1;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::domain::{CaseKind, Money, Reason, StateName, Timestamp};

    fn summary(id: &str, kind: CaseKind, rating: Option<u8>, closed: bool) -> CaseSummary {
        CaseSummary {
            id: id.into(),
            order: "O1".into(),
            kind,
            reason: Reason::SizeOrFit,
            state: if closed {
                StateName::Closed
            } else {
                StateName::AwaitingReview
            },
            waiting_for: None,
            due: Some(Timestamp(100)),
            filed_at: Timestamp(1),
            closed,
            priority_class: 2,
            priority_reasons: vec![],
            title: "=HYPERLINK(\"x\")".into(),
            buyer: "b".into(),
            refunded: closed.then_some(Money(500)),
            rating,
            assignee: Some("st_1".into()),
            on_expiry: None,
            amount: None,
            currency: "CNY".into(),
            low_risk: false,
            version: 1,
            buyer_lang: None,
            expiry_on_record: false,
        }
    }

    #[test]
    fn csv_export_quotes_cells_and_defuses_formulas() {
        let csv = to_csv(&[summary("a", CaseKind::Exchange, Some(5), true)]);
        let row = csv.lines().nth(1).unwrap_or_default();
        assert!(row.ends_with("\"'=HYPERLINK(\"\"x\"\")\""), "{row}");
        assert!(row.starts_with("a,O1,exchange,size_or_fit,closed,1,true,500,5,st_1,"));
    }

    #[test]
    fn a_policy_document_with_anything_after_it_is_refused() {
        for bad in ["{} x", "{}{}", "{\"max_photos\": 9} {\"max_photos\": 1}"] {
            let errors = Policy::from_json(bad).err().unwrap_or_default();
            assert_eq!(errors.len(), 1, "{bad}");
            assert_eq!(errors[0].field, "$", "{bad}");
        }
        assert_eq!(Policy::from_json(" {} \n").ok(), Some(Policy::default()));
    }

    #[test]
    fn a_new_account_needs_an_email_a_name_and_a_long_password() {
        let bad = NewStaff {
            email: "no-at".into(),
            name: " ".into(),
            role: Role::Agent,
            password: "short".into(),
        };
        assert_eq!(check_new_staff(&bad).map_err(|e| e.len()), Err(3));
        let good = NewStaff {
            email: "a@b.cn".into(),
            name: "A".into(),
            role: Role::Agent,
            password: "0123456789".into(),
        };
        assert!(check_new_staff(&good).is_ok());
    }
}
