//! Buyer routes: no account. A buyer proves they know the order (number plus e-mail or phone)
//! and gets a signed token for that order; every other buyer route takes it.

use std::collections::HashMap;

use shared::api::{
    ApiErrorCode, BuyerOrderView, CaseView, LookupRequest, LookupResponse, PhotoUploaded,
};
use shared::domain::{Actor, CaseRequest, Command, Order};
use shared::i18n::Sentence;
use shared::policy::{self, Context};
use worker::{HttpMetadata, Response};

use super::Req;
use crate::auth::{self, BuyerGrant};
use crate::cases::{self, Reader, Scope, normalize_phone};
use crate::crypto::{hex, random_hex, sha256};
use crate::desk;
use crate::error::{AppError, AppResult};
use crate::http::{self, MAX_PHOTO_BYTES, body_bytes, header, json_body, ok, with_status};
use crate::photos::{self, PhotoError};
use crate::store::{PHOTOS_BINDING, keys};
use crate::visibility::{masked, masked_case};

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
    // 1. Limit guessing before anything is read: this client's attempts per minute, then its
    //    share of this order number's guesses (counted before the guess is evaluated, so a burst
    //    gets exactly its budget; a right answer gives its attempt back).
    let shop = r.store.shop.clone();
    let guesses = auth::Guesses::new(&r.req, &r.env, &shop, auth::LOOKUP_LIMIT);
    guesses.limit_address().await?;
    let body: LookupRequest = json_body(&mut r.req).await?;
    // Every spelling of one number (spaces, full-width, case) shares one guessing budget.
    let number = shared::domain::order_number_match_key(&body.order_number);
    if number.is_empty() || number.len() > 64 {
        return Err(ApiErrorCode::OrderNotFound.into());
    }
    guesses.limit_target(&number).await?;
    // 2. A missing order and a wrong contact answer the same, so the answer reveals nothing.
    let order = r
        .store
        .order_typed(&body.order_number)
        .await?
        .filter(|o| contact_matches(o, &body.contact));
    let order = order.ok_or(AppError::Api(ApiErrorCode::OrderNotFound))?;
    let device_cookie = guesses.guessed_right(&number).await?;
    // 3. A token for this order's cases.
    let (token, expires_at) =
        auth::issue_buyer_token(&r.env, &r.store.shop, &order.number, r.now.0).await?;
    let view = order_view(r, order).await?;
    let response = ok(&LookupResponse {
        token,
        expires_at: shared::domain::Timestamp(expires_at),
        order: view,
    })?;
    if let Some(cookie) = device_cookie {
        response.headers().append("Set-Cookie", &cookie)?;
    }
    Ok(response)
}

/// `POST /api/lookup/link`: a "start a return" link from the shop's e-mail, traded for a buyer
/// token as a lookup would. A forged grant is hopeless (HMAC with the signing key), but each
/// check costs a signature, so the address limit of lookups applies.
pub async fn lookup_link(r: &mut Req) -> AppResult<Response> {
    let shop = r.store.shop.clone();
    auth::Guesses::new(&r.req, &r.env, &shop, auth::LOOKUP_LIMIT)
        .limit_address()
        .await?;
    let body: shared::api::links::LinkLookup = json_body(&mut r.req).await?;
    let invalid = || AppError::Api(ApiErrorCode::LinkInvalid);
    let grant = auth::verify_grant(&r.env, auth::LINK_PREFIX, body.link.trim(), r.now.0)
        .await
        .map_err(|e| match e {
            AppError::Api(_) => invalid(),
            other => other,
        })?;
    if grant.shop != shop {
        return Err(invalid());
    }
    let order = r.store.order(&grant.order).await?.ok_or_else(invalid)?;
    let (token, expires_at) =
        auth::issue_buyer_token(&r.env, &shop, &order.number, r.now.0).await?;
    let view = order_view(r, order).await?;
    ok(&LookupResponse {
        token,
        expires_at: shared::domain::Timestamp(expires_at),
        order: view,
    })
}

async fn order_view(r: &Req, order: Order) -> AppResult<BuyerOrderView> {
    let policy = cases::policy_of(&r.store).await?;
    let (others, (standing, _)) = futures_util::future::try_join(
        cases::order_cases(&r.store, &order.number),
        cases::standing(&r.store, &order, None),
    )
    .await?;
    let eligibility = policy::eligibility(&order, &others, &policy, r.now);
    // The order's own tips go beside the policy, which goes without the shop's others.
    let tips = policy::order_tips(&policy.tips, &order);
    let policy = policy::Policy {
        tips: policy::Tips::default(),
        ..policy
    };
    Ok(BuyerOrderView {
        order: masked(order),
        cases: others.into_iter().map(masked_case).collect(),
        eligibility,
        policy,
        tips,
        standing,
        server_time: r.now,
    })
}

pub(super) async fn grant_and_order(r: &Req) -> AppResult<(BuyerGrant, Order)> {
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

/// `POST /api/buyer/cases` with `Idempotency-Key`. Runs in the order's desk, so filings of one
/// order are decided one at a time: one key gives one case and one answer, and two filings never
/// both take the same units.
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
    let Some(desk_storage) = r.desk.clone() else {
        return desk::forward(r, &grant.order).await;
    };
    let raw = body_bytes(&mut r.req, http::MAX_JSON_BYTES).await?;
    let body_sha256 = hex(&sha256(&raw).await?);
    // 2. A retry answers what the first request answered; the same key with another body is
    //    refused. The record lives in the desk's own storage (strongly consistent).
    if let Some((first_body, case_id)) = desk::idempotency(&desk_storage, &key).await? {
        if first_body != body_sha256 {
            return Err(ApiErrorCode::IdempotencyKeyReused.into());
        }
        return answer_case(r, &case_id, 201).await;
    }
    // A first attempt that filed the case but stopped before recording the key (or a filing
    // made before the record moved into the desk): the key names the case, so answer it.
    let id = cases::case_id_for(&r.store.shop, &grant.order, &key, r.now).await?;
    if r.store.load_fresh(&id).await?.is_some() {
        desk::record_idempotency(&desk_storage, &key, &body_sha256, &id).await?;
        return answer_case(r, &id, 201).await;
    }
    // 3. Decode, check the photos belong to this order (their count first), file.
    let mut request: CaseRequest = http::parse_json(&raw)?;
    // The language the buyer filed in, so staff answer in it (the portal sends its choice).
    request.lang = Some(crate::http::lang_of(&r.req));
    let policy = cases::policy_of(&r.store).await?;
    check_photos(r, &grant, &request.photos, &policy).await?;
    let scope = Scope {
        store: &r.store,
        policy: &policy,
        now: r.now,
    };
    let (loaded, world) = cases::file(&scope, id.clone(), &order, request).await?;
    desk::record_idempotency(&desk_storage, &key, &body_sha256, &id).await?;
    let ctx = world.context(&policy, r.now);
    with_status(201, &cases::view(&loaded, &Actor::Buyer, &ctx, vec![]))
}

/// Every referenced photo must have been uploaded for this order. The count and duplicates are
/// checked before any storage is read, so a filing naming one id a thousand times costs nothing.
async fn check_photos(
    r: &Req,
    grant: &BuyerGrant,
    ids: &[String],
    policy: &shared::policy::Policy,
) -> AppResult<()> {
    if i64::try_from(ids.len()).unwrap_or(i64::MAX) > policy.max_photos {
        return Err(shared::policy::PolicyError::TooManyPhotos {
            max: policy.max_photos,
        }
        .into());
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(twice) = ids.iter().find(|id| !seen.insert(id.as_str())) {
        return Err(AppError::Fields(vec![shared::policy::FieldError::new(
            "photos",
            "duplicate_photo",
            Sentence {
                zh: format!("照片 {twice} 重复。"),
                en: format!("Photo {twice} is listed twice."),
            },
        )]));
    }
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
                Sentence {
                    zh: format!("照片 {id} 不属于该订单。"),
                    en: format!("Photo {id} was not uploaded for this order."),
                },
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
    let (ctx_parts, _) = cases::read_context(&r.store, &loaded.case, Reader::Buyer).await?;
    let ctx = ctx_parts.context(&policy, r.now);
    with_status(status, &cases::view(&loaded, &Actor::Buyer, &ctx, vec![]))
}

/// `GET /api/buyer/cases/{id}`
pub async fn case(r: &Req, id: &str) -> AppResult<Response> {
    let grant = auth::buyer(&r.req, &r.env, &r.store.shop, r.now.0).await?;
    let loaded = cases::load_visible(&r.store, id, Some(&grant.order)).await?;
    let policy = cases::policy_of(&r.store).await?;
    let (ctx_parts, _) = cases::read_context(&r.store, &loaded.case, Reader::Buyer).await?;
    let ctx = ctx_parts.context(&policy, r.now);
    ok(&cases::view(&loaded, &Actor::Buyer, &ctx, vec![]))
}

/// `POST /api/buyer/cases/{id}/commands` (runs in the order's desk).
pub async fn command(r: &mut Req, id: &str) -> AppResult<Response> {
    let grant = auth::buyer(&r.req, &r.env, &r.store.shop, r.now.0).await?;
    if r.desk.is_none() {
        return desk::forward(r, &grant.order).await;
    }
    let command: Command = json_body(&mut r.req).await?;
    let loaded = cases::load_visible(&r.store, id, Some(&grant.order)).await?;
    if let Command::AddProof { photos } | Command::AnswerInfo { photos, .. } = &command {
        let policy = cases::policy_of(&r.store).await?;
        check_photos(r, &grant, photos, &policy).await?;
    }
    // The postage receipt is a photo uploaded for this order, like any proof.
    if let Command::EnterReturnTracking {
        postage: Some(claim),
        ..
    } = &command
        && !claim.receipt.trim().is_empty()
    {
        let policy = cases::policy_of(&r.store).await?;
        check_photos(r, &grant, std::slice::from_ref(&claim.receipt), &policy).await?;
    }
    run_and_answer(r, loaded, &command, &Actor::Buyer).await
}

/// Runs a command in the order's desk and answers the case after it. A caller that names the
/// version it decided on (`If-Match`, as the pages always do) is refused on another version with
/// 409 and the current case in `current`, so the page shows it and the person decides again.
/// Without it the command is decided on the case as the desk has it when its turn comes: the
/// order's changes run one at a time, so of two conflicting commands the second is judged on the
/// first one's result (a rejection after an approval is `not_allowed_in_state`).
pub async fn run_and_answer(
    r: &Req,
    loaded: crate::store::LoadedCase,
    command: &Command,
    actor: &Actor,
) -> AppResult<Response> {
    let policy = cases::policy_of(&r.store).await?;
    let id = loaded.case.id.clone();
    // A command this role may never send is refused as such, whatever version it names.
    if !policy::role_allows(actor, command.action()) {
        return Err(shared::policy::PolicyError::NotAllowedForActor {
            action: command.action(),
        }
        .into());
    }
    let named = header(&r.req, "If-Match").map(|tag| {
        tag.trim()
            .trim_start_matches("W/")
            .trim_matches('"')
            .parse::<u32>()
            .ok()
    });
    if named.is_some_and(|version| version != Some(loaded.version)) {
        return answer_with_current(r, ApiErrorCode::Conflict, &loaded, actor, &policy).await;
    }
    let scope = Scope {
        store: &r.store,
        policy: &policy,
        now: r.now,
    };
    match cases::run_command(&scope, loaded, command, actor).await {
        Ok((after, world, history)) => {
            let ctx = world.context(&policy, r.now);
            ok(&cases::view(
                &after,
                actor,
                &ctx,
                staff_only(actor, history),
            ))
        }
        Err(AppError::Api(ApiErrorCode::Conflict)) => {
            let current = cases::load_visible(&r.store, &id, None).await?;
            answer_with_current(r, ApiErrorCode::Conflict, &current, actor, &policy).await
        }
        Err(e) => Err(e),
    }
}

/// Who a case is read for, from who acts on it.
fn reader(actor: &Actor) -> Reader {
    match actor {
        Actor::Staff { .. } => Reader::Staff,
        _ => Reader::Buyer,
    }
}

/// The buyer's history is staff's business only.
fn staff_only(
    actor: &Actor,
    history: Vec<shared::api::CaseSummary>,
) -> Vec<shared::api::CaseSummary> {
    if matches!(actor, Actor::Staff { .. }) {
        history
    } else {
        Vec::new()
    }
}

/// An error envelope that carries the case as it is now (`current`), for a 409.
async fn answer_with_current(
    r: &Req,
    code: ApiErrorCode,
    current: &crate::store::LoadedCase,
    actor: &Actor,
    policy: &shared::policy::Policy,
) -> AppResult<Response> {
    let (ctx_parts, history) = cases::read_context(&r.store, &current.case, reader(actor)).await?;
    let ctx = ctx_parts.context(policy, r.now);
    let view: CaseView = cases::view(current, actor, &ctx, staff_only(actor, history));
    let lang = http::lang_of(&r.req);
    with_status(
        code.status(),
        &shared::api::StaleCase {
            code: code.code().into(),
            message: code.message(lang).into(),
            current: view,
        },
    )
}

/// `POST /api/buyer/photos`: one image as the raw body.
pub async fn upload_photo(r: &mut Req) -> AppResult<Response> {
    let grant = auth::buyer(&r.req, &r.env, &r.store.shop, r.now.0).await?;
    // Counted in the order's guard, so a burst of uploads gets exactly the budget.
    crate::guard::attempt(
        &r.env,
        &r.store.shop,
        ("upload", &grant.order),
        &crate::guard::Caller {
            client: grant.order.clone(),
            device: None,
        },
        crate::guard::Budget {
            per_client: UPLOADS_PER_MINUTE,
            total: UPLOADS_PER_MINUTE,
            window_ms: 60_000,
        },
    )
    .await?;
    let policy = cases::policy_of(&r.store).await?;
    // Validation keeps the setting positive; were it ever negative, no photo is accepted rather
    // than the limit wrapping into a huge number.
    let max_pixels = u64::try_from(policy.max_photo_megapixels)
        .unwrap_or(0)
        .saturating_mul(1_000_000);
    let bytes = body_bytes(&mut r.req, MAX_PHOTO_BYTES).await?;
    let image = photos::clean(&bytes, max_pixels).map_err(|e| match e {
        PhotoError::UnsupportedType => AppError::Api(ApiErrorCode::UnsupportedMediaType),
        PhotoError::Heic => AppError::Api(ApiErrorCode::HeicUnsupported),
        PhotoError::Truncated => AppError::Api(ApiErrorCode::BrokenImage),
        PhotoError::TooManyPixels => AppError::Api(ApiErrorCode::ImageTooLarge),
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
    let stored_type = object.http_metadata().content_type.unwrap_or_default();
    let bytes = match object.body() {
        Some(body) => body.bytes().await?,
        None => Vec::new(),
    };
    // Inline under its own name, sandboxed (see `http::photo_response`).
    Ok(http::photo_response(id, &stored_type, bytes)?)
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
            tracking: None,
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
