//! Help before a request (issue 15): the buyer's "the shop's tips solved it", counted for the
//! owner's analytics as helped without a case.
//!
//! The count must hold under concurrency (a double tap, a retry, two tabs): KV has no
//! compare-and-swap, so the "once per order and line" check and the sums live in the shop's
//! `ShopTally` Durable Object (`tally::helped`), which runs one call at a time.

use shared::api::ApiErrorCode;
use shared::api::tips::{Helped, HelpedAnswer};
use shared::policy;
use worker::Response;

use super::Req;
use super::buyer::grant_and_order;
use crate::cases;
use crate::error::{AppError, AppResult};
use crate::http::{json_body, ok};
use crate::tally;

/// `POST /api/buyer/helped` (buyer token): one line of the token's order, which the shop has tips
/// for (otherwise 404: no tip was shown, so none can have helped).
pub async fn helped(r: &mut Req) -> AppResult<Response> {
    let (_, order) = grant_and_order(r).await?;
    let body: Helped = json_body(&mut r.req).await?;
    let policy = cases::policy_of(&r.store).await?;
    let line = policy::helped_line(&policy.tips, &order, &body.sku)
        .ok_or(AppError::Api(ApiErrorCode::NotFound))?;
    let helped = tally::HelpedLine {
        order: order.number.clone(),
        sku: line.sku.clone(),
        category: line.category.clone(),
        at: r.now.0,
    };
    let counted = tally::helped(&r.store, vec![helped.clone()]).await? == 1;
    // Written by the one tap that counted (ten taps at once write it once: KV takes one write a
    // second per key). Should this write fail after the count, the figures keep the tap and only
    // a backup would miss it.
    if counted {
        r.store
            .put(
                &crate::store::keys::helped(&r.store.shop, &helped.order, &helped.sku),
                &helped,
            )
            .await?;
    }
    ok(&HelpedAnswer { counted })
}
