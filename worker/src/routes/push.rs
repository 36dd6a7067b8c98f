//! Web Push routes (issue 12 §1): the VAPID key the case page subscribes with, and the buyer's
//! registration of a browser for one case (the same buyer token as the case's other routes; a
//! case of another order is "not found"). Delivery is `crate::push`.

use shared::api::ApiErrorCode;
use shared::api::push::{PushKey, PushRemove, PushSubscription, PushSubscriptions};
use worker::Response;

use super::Req;
use crate::error::{AppError, AppResult};
use crate::http::{json_body, ok};
use crate::{auth, cases, push};

/// `GET /api/push/key`: the VAPID public key; 404 when the deployment has no key pair.
pub fn key(r: &Req) -> AppResult<Response> {
    let key = push::public_key(&r.env).ok_or(AppError::Api(ApiErrorCode::NotFound))?;
    ok(&PushKey { key })
}

/// `POST /api/buyer/cases/{id}/push`: registers (or renews) the browser's subscription.
pub async fn subscribe(r: &mut Req, id: &str) -> AppResult<Response> {
    let grant = auth::buyer(&r.req, &r.env, &r.store.shop, r.now.0).await?;
    if !push::configured(&r.env) {
        return Err(ApiErrorCode::NotFound.into());
    }
    let body: PushSubscription = json_body(&mut r.req).await?;
    let loaded = cases::load_visible(&r.store, id, Some(&grant.order)).await?;
    let valid = shared::policy::push::validate(&body, push::allow_http(&r.env))
        .map_err(AppError::Fields)?;
    let policy = cases::policy_of(&r.store).await?;
    let count = push::register(&r.store, &policy, &loaded.case.id, &valid, r.now).await?;
    ok(&PushSubscriptions { count })
}

/// `DELETE /api/buyer/cases/{id}/push` with `{endpoint}`: forgets that browser (an endpoint the
/// case does not hold is fine: the answer says how many remain).
pub async fn unsubscribe(r: &mut Req, id: &str) -> AppResult<Response> {
    let grant = auth::buyer(&r.req, &r.env, &r.store.shop, r.now.0).await?;
    if !push::configured(&r.env) {
        return Err(ApiErrorCode::NotFound.into());
    }
    let body: PushRemove = json_body(&mut r.req).await?;
    let loaded = cases::load_visible(&r.store, id, Some(&grant.order)).await?;
    shared::policy::push::check_endpoint(&body.endpoint, push::allow_http(&r.env))
        .map_err(|e| AppError::Fields(vec![e]))?;
    let count = push::remove(&r.store, &loaded.case.id, &body.endpoint).await?;
    ok(&PushSubscriptions { count })
}
