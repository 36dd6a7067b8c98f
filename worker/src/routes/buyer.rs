//! Buyer routes: no account. A buyer proves they know the order (number plus e-mail or phone)
//! and gets a signed token for that order; every other buyer route takes it.

use std::collections::HashMap;

use shared::api::{
    ApiErrorCode, BuyerOrderView, CaseView, LookupRequest, LookupResponse, PhotoUploaded,
};
use shared::domain::{Actor, CaseRequest, Command, Order};
use shared::policy::{self, Context};
use worker::{HttpMetadata, Response};

use super::Req;
use crate::auth::{self, BuyerGrant};
use crate::cases::{self, Scope, masked, normalize_phone};
use crate::crypto::{hex, random_hex, sha256};
use crate::error::{AppError, AppResult};
use crate::http::{self, MAX_PHOTO_BYTES, body_bytes, header, json_body, ok, with_status};
use crate::photos::{self, PhotoError};
use crate::store::{PHOTOS_BINDING, keys};

/// Lookups per client address per minute, and per order number per minute (guessing a contact
/// for a known order number).
const LOOKUPS_PER_MINUTE: u32 = 10;
const LOOKUPS_PER_ORDER_PER_MINUTE: u32 = 10;
/// Photo uploads per order per minute.
const UPLOADS_PER_MINUTE: u32 = 30;

/// True if `contact` is the order's e-mail (any case) or phone (any formatting).
fn contact_matches(order: &Order, contact: &str) -> bool {
    let contact = contact.trim();
    if contact.is_empty() {
        return false;
    }
    let email_ok = order
        .buyer
        .email
        .as_deref()
        .is_some_and(|e| e.eq_ignore_ascii_case(contact));
    let phone = normalize_phone(contact);
    let phone_ok = phone.len() >= 6
        && order
            .buyer
            .phone
            .as_deref()
            .is_some_and(|p| normalize_phone(p) == phone);
    email_ok || phone_ok
}

/// `POST /api/lookup`
pub async fn lookup(r: &mut Req) -> AppResult<Response> {
    // 1. Limit guessing before anything is read.
    let ip = http::client_ip(&r.req);
    let per_ip = auth::var_u64(
        &r.env,
        "LOOKUPS_PER_IP_PER_MINUTE",
        LOOKUPS_PER_MINUTE.into(),
    ) as u32;
    auth::rate_limit(&r.store, "lookup-ip", &ip, per_ip, r.now.0).await?;
    let body: LookupRequest = json_body(&mut r.req).await?;
    let number = body.order_number.trim().to_string();
    if number.is_empty() || number.len() > 64 {
        return Err(ApiErrorCode::OrderNotFound.into());
    }
    auth::rate_limit(
        &r.store,
        "lookup-order",
        &number,
        LOOKUPS_PER_ORDER_PER_MINUTE,
        r.now.0,
    )
    .await?;
    // 2. A missing order and a wrong contact answer the same, so the answer reveals nothing.
    let order = r
        .store
        .order(&number)
        .await?
        .filter(|o| contact_matches(o, &body.contact));
    let order = order.ok_or(AppError::Api(ApiErrorCode::OrderNotFound))?;
    // 3. A token for this order's cases.
    let (token, expires_at) =
        auth::issue_buyer_token(&r.env, &r.store.shop, &order.number, r.now.0).await?;
    let view = order_view(r, order).await?;
    ok(&LookupResponse {
        token,
        expires_at: shared::domain::Timestamp(expires_at),
        order: view,
    })
}

async fn order_view(r: &Req, order: Order) -> AppResult<BuyerOrderView> {
    let policy = cases::policy_of(&r.store).await?;
    let others = cases::order_cases(&r.store, &order.number).await?;
    let (standing, _) = cases::standing(&r.store, &order, None).await?;
    let eligibility = policy::eligibility(&order, &others, &policy, r.now);
    Ok(BuyerOrderView {
        order: masked(order),
        cases: others.into_iter().map(cases::masked_case).collect(),
        eligibility,
        policy,
        standing,
        server_time: r.now,
    })
}

async fn grant_and_order(r: &Req) -> AppResult<(BuyerGrant, Order)> {
    let grant = auth::buyer(&r.req, &r.env, &r.store.shop, r.now.0).await?;
    let order = r
        .store
        .order(&grant.order)
        .await?
        .ok_or(AppError::Api(ApiErrorCode::NotFound))?;
    Ok((grant, order))
}

/// `GET /api/buyer/order`
pub async fn order(r: &Req) -> AppResult<Response> {
    let (_, order) = grant_and_order(r).await?;
    ok(&order_view(r, order).await?)
}

/// `POST /api/buyer/preview`: the same `shared::policy::preview` the portal runs locally.
pub async fn preview(r: &mut Req) -> AppResult<Response> {
    let (_, order) = grant_and_order(r).await?;
    let request: CaseRequest = json_body(&mut r.req).await?;
    let policy = cases::policy_of(&r.store).await?;
    let others = cases::order_cases(&r.store, &order.number).await?;
    let (standing, _) = cases::standing(&r.store, &order, None).await?;
    let ctx = Context {
        policy: &policy,
        now: r.now,
        other_cases: &others,
        buyer: standing,
    };
    ok(&policy::preview(&order, &request, &ctx))
}

/// What an idempotent filing remembers: the body it answered and the case it made.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct IdempotencyRecord {
    body_sha256: String,
    case_id: String,
}

/// `POST /api/buyer/cases` with `Idempotency-Key`.
pub async fn file(r: &mut Req) -> AppResult<Response> {
    // 1. Who, and which key.
    let (grant, order) = grant_and_order(r).await?;
    let key = header(&r.req, "Idempotency-Key").unwrap_or_default();
    if key.is_empty()
        || key.len() > 100
        || !key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(ApiErrorCode::BadRequest.into());
    }
    let content_type = header(&r.req, "Content-Type").unwrap_or_default();
    if !content_type
        .to_ascii_lowercase()
        .starts_with("application/json")
    {
        return Err(ApiErrorCode::UnsupportedMediaType.into());
    }
    let raw = body_bytes(&mut r.req, http::MAX_JSON_BYTES).await?;
    let body_sha256 = hex(&sha256(&raw).await?);
    let idem_key = keys::idempotency(&r.store.shop, &grant.order, &key);
    // 2. A retry answers what the first request answered; the same key with another body is refused.
    if let Some(record) = r.store.get::<IdempotencyRecord>(&idem_key).await? {
        if record.body_sha256 != body_sha256 {
            return Err(ApiErrorCode::IdempotencyKeyReused.into());
        }
        return answer_case(r, &record.case_id, 201).await;
    }
    // 3. Decode, check the photos belong to this order, file.
    let request: CaseRequest =
        serde_json::from_slice(&raw).map_err(|_| AppError::Api(ApiErrorCode::MalformedJson))?;
    check_photos(r, &grant, &request.photos).await?;
    let policy = cases::policy_of(&r.store).await?;
    let scope = Scope {
        store: &r.store,
        policy: &policy,
        now: r.now,
    };
    let id = cases::case_id_for(&r.store.shop, &grant.order, &key, r.now).await?;
    if r.store.load_case(&id).await?.is_some() {
        // The first request with this key is filed but had not recorded its answer yet.
        return answer_case(r, &id, 201).await;
    }
    let loaded = match cases::file(&scope, id.clone(), &order, request).await {
        Ok(loaded) => loaded,
        // A simultaneous twin won the race: both taps get the one case.
        Err(AppError::Api(ApiErrorCode::Conflict)) => return answer_case(r, &id, 201).await,
        Err(e) => return Err(e),
    };
    r.store
        .put_expiring(
            &idem_key,
            &IdempotencyRecord {
                body_sha256,
                case_id: loaded.case.id.clone(),
            },
            7 * 86_400,
        )
        .await?;
    let (standing, _) = cases::read_context(&r.store, &loaded.case).await?;
    let ctx = cases::view_context(&policy, r.now, standing);
    with_status(201, &cases::view(&loaded, &Actor::Buyer, &ctx, vec![]))
}

/// Every referenced photo must have been uploaded for this order.
async fn check_photos(r: &Req, grant: &BuyerGrant, ids: &[String]) -> AppResult<()> {
    let bucket = r.env.bucket(PHOTOS_BINDING)?;
    for id in ids {
        let ok = valid_photo_id(id)
            && match bucket.head(keys::photo(&r.store.shop, id)).await? {
                Some(object) => object.custom_metadata()?.get("order") == Some(&grant.order),
                None => false,
            };
        if !ok {
            return Err(AppError::Fields(vec![shared::policy::FieldError::new(
                "photos",
                "unknown_photo",
                format!("Photo {id} was not uploaded for this order."),
                format!("照片 {id} 不属于该订单。"),
            )]));
        }
    }
    Ok(())
}

fn valid_photo_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

async fn answer_case(r: &Req, id: &str, status: u16) -> AppResult<Response> {
    let loaded = cases::load_visible(&r.store, id, None).await?;
    let policy = cases::policy_of(&r.store).await?;
    let (standing, _) = cases::read_context(&r.store, &loaded.case).await?;
    let ctx = cases::view_context(&policy, r.now, standing);
    with_status(status, &cases::view(&loaded, &Actor::Buyer, &ctx, vec![]))
}

/// `GET /api/buyer/cases/{id}`
pub async fn case(r: &Req, id: &str) -> AppResult<Response> {
    let grant = auth::buyer(&r.req, &r.env, &r.store.shop, r.now.0).await?;
    // Two KV operations (the log's list and the snapshot; the policy is cached): the buyer's
    // standing changes nothing a buyer's page shows, so their history is not read here.
    let loaded = cases::load_visible(&r.store, id, Some(&grant.order)).await?;
    let policy = cases::policy_of(&r.store).await?;
    let ctx = cases::view_context(&policy, r.now, Default::default());
    ok(&cases::view(&loaded, &Actor::Buyer, &ctx, vec![]))
}

/// `POST /api/buyer/cases/{id}/commands`
pub async fn command(r: &mut Req, id: &str) -> AppResult<Response> {
    let grant = auth::buyer(&r.req, &r.env, &r.store.shop, r.now.0).await?;
    let command: Command = json_body(&mut r.req).await?;
    let loaded = cases::load_visible(&r.store, id, Some(&grant.order)).await?;
    if let Command::AddProof { photos } | Command::AnswerInfo { photos, .. } = &command {
        check_photos(r, &grant, photos).await?;
    }
    run_and_answer(r, loaded, &command, &Actor::Buyer, vec![]).await
}

/// Runs a command and answers the case after it; a lost race answers 409 with the current case.
pub async fn run_and_answer(
    r: &Req,
    loaded: crate::store::LoadedCase,
    command: &Command,
    actor: &Actor,
    history: Vec<shared::api::CaseSummary>,
) -> AppResult<Response> {
    let policy = cases::policy_of(&r.store).await?;
    let scope = Scope {
        store: &r.store,
        policy: &policy,
        now: r.now,
    };
    let id = loaded.case.id.clone();
    // The caller acted on the version it saw: if the case moved on since, it decides again.
    let stale = header(&r.req, "If-Match").is_some_and(|tag| {
        tag.trim()
            .trim_start_matches("W/")
            .trim_matches('"')
            .parse::<usize>()
            .ok()
            != Some(loaded.commits.len())
    });
    let result = if stale {
        Err(AppError::Api(ApiErrorCode::Conflict))
    } else {
        cases::run_command(&scope, loaded, command, actor).await
    };
    match result {
        Ok(after) => {
            let (standing, _) = cases::read_context(&r.store, &after.case).await?;
            let ctx = cases::view_context(&policy, r.now, standing);
            ok(&cases::view(&after, actor, &ctx, history))
        }
        Err(AppError::Api(ApiErrorCode::Conflict)) => {
            let current = cases::load_visible(&r.store, &id, None).await?;
            let (standing, _) = cases::read_context(&r.store, &current.case).await?;
            let ctx = cases::view_context(&policy, r.now, standing);
            let view: CaseView = cases::view(&current, actor, &ctx, history);
            let lang = http::lang_of(&r.req);
            let (status, envelope) = AppError::Api(ApiErrorCode::Conflict).envelope(lang);
            let mut body = serde_json::to_value(&envelope)?;
            if let Some(obj) = body.as_object_mut() {
                obj.insert("current".into(), serde_json::to_value(&view)?);
            }
            with_status(status, &body)
        }
        Err(e) => Err(e),
    }
}

/// `POST /api/buyer/photos`: one image as the raw body.
pub async fn upload_photo(r: &mut Req) -> AppResult<Response> {
    let grant = auth::buyer(&r.req, &r.env, &r.store.shop, r.now.0).await?;
    auth::rate_limit(
        &r.store,
        "upload",
        &grant.order,
        UPLOADS_PER_MINUTE,
        r.now.0,
    )
    .await?;
    let bytes = body_bytes(&mut r.req, MAX_PHOTO_BYTES).await?;
    let image = photos::clean(&bytes).map_err(|e| match e {
        PhotoError::UnsupportedType => AppError::Api(ApiErrorCode::UnsupportedMediaType),
        PhotoError::Heic => AppError::Api(ApiErrorCode::HeicUnsupported),
        PhotoError::Truncated => AppError::Api(ApiErrorCode::BrokenImage),
    })?;
    let id = random_hex::<16>()?;
    let size = image.bytes.len() as u64;
    let metadata = HashMap::from([("order".to_string(), grant.order.clone())]);
    r.env
        .bucket(PHOTOS_BINDING)?
        .put(keys::photo(&r.store.shop, &id), image.bytes)
        .http_metadata(HttpMetadata {
            content_type: Some(image.kind.mime().into()),
            ..HttpMetadata::default()
        })
        .custom_metadata(metadata)
        .execute()
        .await?;
    with_status(
        201,
        &PhotoUploaded {
            id,
            content_type: image.kind.mime().into(),
            bytes: size,
            width: image.width,
            height: image.height,
        },
    )
}

/// `GET /api/photos/{id}`: to the buyer of the photo's order, or to the shop's staff.
pub async fn photo(r: &Req, id: &str) -> AppResult<Response> {
    if !valid_photo_id(id) {
        return Err(ApiErrorCode::NotFound.into());
    }
    let buyer_order = if auth::bearer(&r.req).is_some() {
        Some(
            auth::buyer(&r.req, &r.env, &r.store.shop, r.now.0)
                .await?
                .order,
        )
    } else {
        auth::staff(&r.req, &r.store, r.now.0).await?;
        None
    };
    let object = r
        .env
        .bucket(PHOTOS_BINDING)?
        .get(keys::photo(&r.store.shop, id))
        .execute()
        .await?
        .ok_or(AppError::Api(ApiErrorCode::NotFound))?;
    if let Some(order) = buyer_order
        && object.custom_metadata()?.get("order") != Some(&order)
    {
        return Err(ApiErrorCode::NotFound.into());
    }
    let content_type = object
        .http_metadata()
        .content_type
        .unwrap_or_else(|| "application/octet-stream".into());
    let bytes = match object.body() {
        Some(body) => body.bytes().await?,
        None => Vec::new(),
    };
    let response = http::bytes_response(200, &content_type, bytes)?;
    let _ = response
        .headers()
        .set("Cache-Control", "private, max-age=3600");
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::domain::{BuyerContact, Money, Timestamp};

    fn order() -> Order {
        Order {
            number: "N1".into(),
            shop_id: "demo".into(),
            currency: "CNY".into(),
            buyer: BuyerContact {
                name: "王小明".into(),
                email: Some("Xiaoming.Wang@example.cn".into()),
                phone: Some("+86 138-0013-8001".into()),
            },
            lines: vec![],
            shipping_fee: Money(0),
            free_shipping_threshold: None,
            shipping_insurance: false,
            paid_at: Timestamp(0),
            shipped_at: None,
            signed_for_at: None,
        }
    }

    #[test]
    fn the_contact_matches_by_email_in_any_case_or_phone_in_any_format() {
        let o = order();
        assert!(contact_matches(&o, "xiaoming.wang@EXAMPLE.cn"));
        assert!(contact_matches(&o, "13800138001"));
        assert!(contact_matches(&o, "138 0013 8001"));
        assert!(!contact_matches(&o, "13800138002"));
        assert!(!contact_matches(&o, ""));
        assert!(!contact_matches(&o, "8001"));
    }

    #[test]
    fn the_order_shown_to_a_buyer_masks_both_contacts() {
        let m = masked(order());
        assert_eq!(m.buyer.email.as_deref(), Some("X***@example.cn"));
        assert_eq!(m.buyer.phone.as_deref(), Some("****8001"));
    }
}
