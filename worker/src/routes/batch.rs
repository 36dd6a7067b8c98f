//! `POST /api/staff/batch-approve`: approve several low-risk cases in one step (DOMAIN.md "Batch
//! decisions"). Each case is checked by the policy's batch rules (`shared::policy::batch`) on
//! the version the queue showed, then approved by its own command in its order's desk, exactly
//! as a single approval would be: a case that changed meanwhile is reported `changed`, one the
//! policy refuses `refused`, and the others still go through.

use shared::api::{
    ApiErrorCode, BatchApproveReport, BatchApproveRequest, BatchOutcome, BatchResult, routes,
};
use shared::domain::{ActionKind, Command, Solution};
use shared::i18n::Lang;
use shared::policy::{self, BatchRefusal, batch_candidate, plan_batch};
use worker::{Headers, Method, Response};

use super::Req;
use crate::auth;
use crate::cases;
use crate::error::{AppError, AppResult};
use crate::http::{json_body, lang_of, ok};

/// `POST /api/staff/batch-approve` (agent, owner).
pub async fn approve(r: &mut Req) -> AppResult<Response> {
    let (_, session) = auth::staff(&r.req, &r.store, r.now.0).await?;
    let actor = session.actor();
    if !policy::role_allows(&actor, ActionKind::Approve) {
        return Err(ApiErrorCode::Forbidden.into());
    }
    let lang = lang_of(&r.req);
    let request: BatchApproveRequest = json_body(&mut r.req).await?;
    let policy = cases::policy_of(&r.store).await?;
    // The caps are checked on the selection before anything is read: a request of ten thousand
    // ids costs one refusal, not ten thousand reads.
    let count = i64::try_from(request.cases.len()).unwrap_or(i64::MAX);
    if count > policy.batch_max_cases || request.cases.is_empty() {
        let refusal = if request.cases.is_empty() {
            BatchRefusal::Empty
        } else {
            BatchRefusal::TooManyCases {
                count,
                max: policy.batch_max_cases,
            }
        };
        return Err(AppError::Batch(refusal));
    }

    // Read each case; sort out those that changed since the queue was read or are not low-risk.
    let mut results: Vec<Option<BatchResult>> = vec![None; request.cases.len()];
    let mut candidates = Vec::new();
    let mut planned = Vec::new();
    for (i, item) in request.cases.iter().enumerate() {
        let loaded = match cases::load_visible(&r.store, &item.id, None).await {
            Ok(l) => l,
            Err(_) => {
                results[i] = Some(refused(
                    &item.id,
                    ApiErrorCode::NotFound.message(lang).into(),
                ));
                continue;
            }
        };
        if loaded.version != item.version {
            results[i] = Some(BatchResult {
                id: item.id.clone(),
                outcome: BatchOutcome::Changed,
                message: Some(ApiErrorCode::Conflict.message(lang).into()),
            });
            continue;
        }
        let (world, _) = cases::read_context(&r.store, &loaded.case, cases::Reader::Staff).await?;
        let candidate = batch_candidate(&loaded.case, &world.context(&policy, r.now));
        if !candidate.low_risk {
            results[i] = Some(refused(&item.id, not_low_risk(lang)));
            continue;
        }
        candidates.push(candidate);
        planned.push((
            i,
            loaded.case.order.number.clone(),
            loaded.case.request.kind,
        ));
    }
    // The money cap counts what would really be refunded now.
    if !candidates.is_empty() {
        plan_batch(&candidates, &policy).map_err(AppError::Batch)?;
    }

    // Each approval runs in its order's desk with the caller's own credentials, as if sent alone.
    for (i, order, kind) in planned {
        let item = &request.cases[i];
        // A question is never low-risk (it refunds nothing), so this only guards the type.
        let Some(solution) = Solution::as_requested(kind) else {
            results[i] = Some(refused(&item.id, not_low_risk(lang)));
            continue;
        };
        let command = Command::Approve {
            solution,
            note: String::new(),
        };
        let headers = Headers::new();
        for name in [
            "Cookie",
            "X-CSRF-Token",
            "Accept-Language",
            "CF-Connecting-IP",
        ] {
            if let Ok(Some(value)) = r.req.headers().get(name) {
                headers.set(name, &value)?;
            }
        }
        headers.set("Content-Type", "application/json")?;
        headers.set("If-Match", &format!("\"{}\"", item.version))?;
        let body = serde_json::to_vec(&command)?;
        let path = routes::staff_command(&item.id);
        let mut answer = crate::desk::send(
            &r.env,
            &r.store.shop,
            &order,
            Method::Post,
            &path,
            headers,
            Some(body),
        )
        .await?;
        let status = answer.status_code();
        results[i] = Some(match status {
            200..=299 => BatchResult {
                id: item.id.clone(),
                outcome: BatchOutcome::Applied,
                message: None,
            },
            409 => BatchResult {
                id: item.id.clone(),
                outcome: BatchOutcome::Changed,
                message: Some(ApiErrorCode::Conflict.message(lang).into()),
            },
            _ => {
                let text = answer.text().await.unwrap_or_default();
                let message = serde_json::from_str::<shared::api::ErrorBody>(&text)
                    .map(|e| e.message)
                    .unwrap_or_else(|_| ApiErrorCode::Internal.message(lang).into());
                refused(&item.id, message)
            }
        });
    }
    ok(&BatchApproveReport {
        results: results.into_iter().flatten().collect(),
    })
}

fn refused(id: &str, message: String) -> BatchResult {
    BatchResult {
        id: id.into(),
        outcome: BatchOutcome::Refused,
        message: Some(message),
    }
}

fn not_low_risk(lang: Lang) -> String {
    match lang {
        Lang::ZhCn => "该售后已不属于低风险，请单独处理。".into(),
        Lang::En => "This case is no longer low-risk; decide it on its own.".into(),
    }
}
