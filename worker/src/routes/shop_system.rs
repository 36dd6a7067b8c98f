//! Routes for the shop's own systems, authenticated by the import API key (a secret):
//! order import (JSON array of orders, or CSV with one row per order line) and the bootstrap of
//! the first owner account.

use shared::api::import::{check_order, check_tracking, parse_csv};
use shared::api::{ApiErrorCode, FieldProblem, ImportReport, NewStaff};
use shared::domain::ParcelTracking;
use shared::domain::{Order, Role, Timestamp};
use shared::i18n::Sentence;
use shared::policy::{FieldError, merge_tracking};
use worker::Response;

use super::Req;
use super::staff::create_staff;
use crate::auth;
use crate::error::{AppError, AppResult};
use crate::http::{self, MAX_IMPORT_BYTES, body_bytes, header, json_body, ok, with_status};
use crate::store::keys;

/// `POST /api/shop/orders`: `application/json` (an array of orders) or `text/csv`.
/// Every order is checked first; nothing is written unless all are valid.
pub async fn import_orders(r: &mut Req) -> AppResult<Response> {
    auth::require_api_key(&r.req, &r.env)?;
    let content_type = header(&r.req, "Content-Type")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let raw = body_bytes(&mut r.req, MAX_IMPORT_BYTES).await?;
    let orders: Vec<Order> = if content_type.starts_with("application/json") {
        http::parse_json(&raw)?
    } else if content_type.starts_with("text/csv") {
        let text = String::from_utf8(raw).map_err(|_| AppError::Api(ApiErrorCode::BadRequest))?;
        // Times written without an offset are the shop's wall-clock times.
        let zone = crate::shop::policy(&r.store).await?.utc_offset_minutes;
        let mut orders = parse_csv(&text, zone).map_err(AppError::Fields)?;
        // A CSV has no shop column: the API key names the shop.
        orders
            .iter_mut()
            .for_each(|o| o.shop_id = r.store.shop.clone());
        orders
    } else {
        return Err(ApiErrorCode::UnsupportedMediaType.into());
    };
    let lang = http::lang_of(&r.req);
    let errors: Vec<FieldProblem> = orders
        .iter()
        .enumerate()
        .flat_map(|(i, o)| {
            check_order(o, &r.store.shop)
                .into_iter()
                .map(move |(field, code, en, zh)| (i, field, code, en, zh))
        })
        .map(|(i, field, code, en, zh)| FieldProblem {
            field: format!("[{i}].{field}"),
            code: code.into(),
            message: if lang == shared::i18n::Lang::ZhCn {
                zh
            } else {
                en
            },
        })
        .collect();
    if !errors.is_empty() {
        let code = ApiErrorCode::InvalidOrders;
        return with_status(
            code.status(),
            &shared::api::ErrorBody {
                code: code.code().into(),
                message: code.message(lang).into(),
                fields: errors,
            },
        );
    }
    for order in &orders {
        r.store
            .put(&keys::order(&r.store.shop, &order.number), order)
            .await?;
        // A number a buyer may type in another case: its alias (see `Store::order_typed`).
        let key = shared::domain::order_number_match_key(&order.number);
        if key != order.number {
            r.store
                .put(&keys::order_alias(&r.store.shop, &key), &order.number)
                .await?;
        }
    }
    ok(&ImportReport {
        imported: orders.len() as u32,
        errors: vec![],
    })
}

/// `POST /api/shop/orders/{number}/tracking`: the courier's record of the order's parcel, as
/// the shop's system has it (a courier subscription's push). Scans merge into what is kept
/// (`shared::policy::merge_tracking`): a retry or a repeated scan changes nothing. Merged in the
/// order's desk, one push at a time, so two pushes at once both land (KV alone would keep only
/// the last writer's).
pub async fn push_tracking(r: &mut Req, number: &str) -> AppResult<Response> {
    auth::require_api_key(&r.req, &r.env)?;
    if !shared::domain::is_order_number(number) {
        return Err(ApiErrorCode::OrderNotFound.into());
    }
    let Some(_desk) = r.desk.clone() else {
        // An unknown order gets no desk (a desk per typo would be a desk per guess).
        if r.store.order(number).await?.is_none() {
            return Err(ApiErrorCode::OrderNotFound.into());
        }
        return crate::desk::forward(r, number).await;
    };
    let pushed: ParcelTracking = json_body(&mut r.req).await?;
    let problems = check_tracking(&pushed);
    if !problems.is_empty() {
        return Err(AppError::Fields(
            problems
                .into_iter()
                .map(|(field, code, en, zh)| FieldError::new(&field, code, Sentence { en, zh }))
                .collect(),
        ));
    }
    let kept = r.store.parcel(number).await?;
    let merged = merge_tracking(kept, pushed);
    r.store
        .put(&keys::parcel(&r.store.shop, number), &merged)
        .await?;
    ok(&merged)
}

/// `POST /api/shop/links`: a signed "start a return" link to one order's page, working for the
/// shop's `start_link_days`. Stateless (a grant signed like a buyer token, under its own
/// prefix), so the shop may ask for one per e-mail it sends.
pub async fn start_link(r: &mut Req) -> AppResult<Response> {
    auth::require_api_key(&r.req, &r.env)?;
    let body: shared::api::links::StartLinkRequest = json_body(&mut r.req).await?;
    let order = r
        .store
        .order_typed(&body.order_number)
        .await?
        .ok_or(AppError::Api(ApiErrorCode::OrderNotFound))?;
    let days = crate::shop::policy(&r.store).await?.start_link_days;
    let grant = auth::BuyerGrant {
        shop: r.store.shop.clone(),
        order: order.number,
        exp: r
            .now
            .0
            .saturating_add(days.saturating_mul(shared::domain::MS_PER_DAY)),
    };
    let link = auth::sign_grant(&r.env, auth::LINK_PREFIX, &grant).await?;
    let origin = r.req.url()?.origin().ascii_serialization();
    ok(&shared::api::links::StartLink {
        url: format!("{origin}/{}{link}", shared::api::links::LINK_FRAGMENT),
        expires_at: Timestamp(grant.exp),
    })
}

/// `POST /api/shop/bootstrap`: creates the first owner; refused once any account exists.
pub async fn bootstrap(r: &mut Req) -> AppResult<Response> {
    auth::require_api_key(&r.req, &r.env)?;
    let new: NewStaff = json_body(&mut r.req).await?;
    let (existing, _) = r
        .store
        .list_meta::<serde_json::Value>(&keys::staff_prefix(&r.store.shop), 1, None)
        .await?;
    if !existing.is_empty() {
        return Err(ApiErrorCode::Conflict.into());
    }
    let owner = NewStaff {
        role: Role::Owner,
        ..new
    };
    with_status(201, &create_staff(r, &owner).await?)
}
