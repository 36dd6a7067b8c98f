//! Bad reviews the shop records (差评): from its platform through the shop API
//! (`POST /api/shop/orders/{number}/reviews`, the import key) or by hand in the admin
//! (`POST /api/staff/orders/{number}/reviews`, an agent or the owner). Either opens the review's
//! follow-up case (`shared::policy::open_review_recovery`) in the order's desk.
//!
//! The same review opens one case: its id is derived from the platform's review id (or, by hand
//! without one, the request's `Idempotency-Key`), and the desk decides one request at a time,
//! so a retry or two pushes at once answer the case already opened.

use shared::api::ApiErrorCode;
use shared::api::import::check_review;
use shared::domain::{Actor, BadReview, Role};
use shared::i18n::Sentence;
use shared::policy::{self, FieldError};
use worker::Response;

use super::Req;
use crate::auth;
use crate::cases::{self, Scope};
use crate::error::{AppError, AppResult};
use crate::http::{header, json_body, with_status};

/// `POST /api/shop/orders/{number}/reviews`: the shop's system, from its platform.
pub async fn from_shop(r: &mut Req, number: &str) -> AppResult<Response> {
    auth::require_api_key(&r.req, &r.env)?;
    open(r, number, Actor::System).await
}

/// `POST /api/staff/orders/{number}/reviews`: an agent or the owner, by hand.
pub async fn by_staff(r: &mut Req, number: &str) -> AppResult<Response> {
    let (_, session) = auth::staff(&r.req, &r.store, r.now.0).await?;
    auth::require_role(&session, &[Role::Agent, Role::Owner])?;
    open(r, number, session.actor()).await
}

async fn open(r: &mut Req, number: &str, opener: Actor) -> AppResult<Response> {
    if !shared::domain::is_order_number(number) {
        return Err(ApiErrorCode::OrderNotFound.into());
    }
    if r.desk.is_none() {
        // An unknown order gets no desk.
        if r.store.order(number).await?.is_none() {
            return Err(ApiErrorCode::OrderNotFound.into());
        }
        return crate::desk::forward(r, number).await;
    }
    let review: BadReview = json_body(&mut r.req).await?;
    let order = r
        .store
        .order(number)
        .await?
        .ok_or(AppError::Api(ApiErrorCode::OrderNotFound))?;
    let mut problems = check_review(&review);
    if review
        .sku
        .as_deref()
        .is_some_and(|sku| order.line(sku).is_none())
    {
        problems.push((
            "sku".into(),
            "unknown_line",
            "The product is not on this order.".into(),
            "该商品不在此订单中。".into(),
        ));
    }
    if !problems.is_empty() {
        return Err(AppError::Fields(
            problems
                .into_iter()
                .map(|(field, code, en, zh)| FieldError::new(&field, code, Sentence { en, zh }))
                .collect(),
        ));
    }
    let key = if review.external_ref.trim().is_empty() {
        header(&r.req, "Idempotency-Key")
            .filter(|k| !k.trim().is_empty() && k.len() <= 128)
            .ok_or(AppError::Api(ApiErrorCode::BadRequest))?
    } else {
        format!("{}|{}", review.platform.trim(), review.external_ref.trim())
    };
    let id = cases::case_id_for(&r.store.shop, number, &format!("review|{key}"), r.now).await?;
    let policy = cases::policy_of(&r.store).await?;
    if let Some(existing) = r.store.load_fresh(&id).await? {
        let (parts, _) =
            cases::read_context(&r.store, &existing.case, cases::Reader::Staff).await?;
        let ctx = parts.context(&policy, r.now);
        return with_status(200, &cases::view(&existing, &opener, &ctx, vec![]));
    }
    let scope = Scope {
        store: &r.store,
        policy: &policy,
        now: r.now,
    };
    let (loaded, world) = cases::file_with(&scope, &order, |ctx| {
        policy::open_review_recovery(id.clone(), &order, review, &opener, ctx)
    })
    .await?;
    let ctx = world.context(&policy, r.now);
    with_status(201, &cases::view(&loaded, &opener, &ctx, vec![]))
}
