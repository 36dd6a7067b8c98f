//! The shop's settings kept in KV: its policy (every window, fee and threshold, validated by
//! `shared::policy::Policy`) and its canned replies.

use std::cell::RefCell;

use shared::api::CannedReply;
use shared::policy::Policy;

use crate::error::{AppError, AppResult};
use crate::store::{Store, keys};

/// How long an isolate keeps the policy it read. Reads of a case or the queue then cost no KV
/// operation for it; a change saved through another isolate is seen within this time.
const POLICY_CACHE_MS: f64 = 60_000.0;

thread_local! {
    /// (shop, read at ms, policy): one shop per deployment, so one slot.
    static POLICY_CACHE: RefCell<Option<(String, f64, Policy)>> = const { RefCell::new(None) };
}

/// The shop's policy, or DOMAIN.md's defaults if it never saved one.
pub async fn policy(store: &Store) -> AppResult<Policy> {
    let now = worker::Date::now().as_millis() as f64;
    let cached = POLICY_CACHE.with(|c| {
        c.borrow()
            .as_ref()
            .filter(|(shop, at, _)| *shop == store.shop && now - at < POLICY_CACHE_MS)
            .map(|(_, _, p)| p.clone())
    });
    if let Some(policy) = cached {
        return Ok(policy);
    }
    let policy = match store.get_text(&keys::policy(&store.shop)).await? {
        Some(json) => Policy::from_deserializer(&mut serde_json::Deserializer::from_str(&json))
            .map_err(AppError::Fields)?,
        None => Policy::default(),
    };
    remember(&store.shop, now, &policy);
    Ok(policy)
}

fn remember(shop: &str, at: f64, policy: &Policy) {
    POLICY_CACHE.with(|c| *c.borrow_mut() = Some((shop.to_string(), at, policy.clone())));
}

/// Serves `policy`, just saved elsewhere, from this isolate at once (a desk told of a save).
pub fn remember_saved(shop: &str, policy: &Policy) {
    remember(shop, worker::Date::now().as_millis() as f64, policy);
}

/// Saves a validated policy (and serves it from this isolate at once).
pub async fn save_policy(store: &Store, policy: &Policy) -> AppResult<()> {
    policy.validate().map_err(AppError::Fields)?;
    store.put(&keys::policy(&store.shop), policy).await?;
    remember(&store.shop, worker::Date::now().as_millis() as f64, policy);
    Ok(())
}

/// The shop's canned replies, or a starter set: apologise first, then fix.
pub async fn canned_replies(store: &Store) -> AppResult<Vec<CannedReply>> {
    Ok(store
        .get(&keys::canned(&store.shop))
        .await?
        .unwrap_or_else(default_canned_replies))
}

/// Replaces the shop's canned replies.
pub async fn save_canned_replies(store: &Store, replies: &[CannedReply]) -> AppResult<()> {
    store.put(&keys::canned(&store.shop), &replies).await
}

fn reply(id: &str, title: &str, zh: &str, en: &str) -> CannedReply {
    CannedReply {
        id: id.into(),
        title: title.into(),
        zh: zh.into(),
        en: en.into(),
    }
}

/// The starter set a new shop gets, apology first. `{buyer}`, `{order}`, `{deadline}` and
/// `{amount}` are filled in by the admin (in the buyer's language) before the agent edits and sends.
pub fn default_canned_replies() -> Vec<CannedReply> {
    vec![
        reply(
            "apology-damaged",
            "Apology: arrived damaged",
            "{buyer}您好，非常抱歉订单 {order} 的商品到货时出现损坏，给您添麻烦了。我们已为您安排处理，请按页面提示操作，运费由我们承担。",
            "Dear {buyer}, we are very sorry your item from order {order} arrived damaged. We have arranged the fix; please follow the steps on this page. We cover the shipping.",
        ),
        reply(
            "apology-late",
            "Apology: parcel late or lost",
            "{buyer}您好，非常抱歉订单 {order} 的包裹未能按时送达。我们已联系快递核实，并为您优先补发/退款。",
            "Dear {buyer}, we are sorry your parcel for order {order} has not arrived. We have checked with the courier and are reshipping or refunding it as a priority.",
        ),
        reply(
            "parcel-where",
            "Where is my parcel: the courier's record",
            "{buyer}您好，抱歉让您久等了。我们已查询订单 {order} 的物流：包裹正在运输中，最新记录见订单页面。如到 {deadline} 仍无新的物流记录，可直接申请补发或退款。",
            "Dear {buyer}, sorry for the wait. We checked the courier's record for order {order}: the parcel is on its way, and its latest scans are on your order page. If there is no new scan by {deadline}, you can ask for a reship or a refund straight away.",
        ),
        reply(
            "apology-complaint",
            "Apology: complaint about our service",
            "{buyer}您好，我是店主。非常抱歉我们的服务让您不满意，这是我们的责任。我已了解情况并会亲自跟进，同时改进团队的做法。如需补偿或其他安排，请直接回复我。",
            "Dear {buyer}, this is the shop's owner. I am very sorry our service let you down; that is on us. I have looked into it, will follow it through myself, and we are changing how the team handles this. If you would like anything put right, reply to me directly.",
        ),
        reply(
            "return-instructions",
            "Return instructions",
            "{buyer}您好，您的申请已通过。请在 {deadline} 前将商品（含配件、吊牌完好）寄回页面上的退货地址，并填写快递单号。",
            "Dear {buyer}, your request is approved. Please send the item back (complete, tags on) to the return address shown by {deadline} and enter the tracking number.",
        ),
        reply(
            "need-photos",
            "Ask for photos",
            "为了尽快为您处理，请补充商品问题部位的清晰照片（以及外包装照片）。",
            "To help you faster, please add clear photos of the problem and of the outer packaging.",
        ),
        reply(
            "refund-done",
            "Refund issued",
            "{buyer}您好，{amount} 已原路退回，一般 1–3 个工作日到账。感谢您的耐心！",
            "Dear {buyer}, your refund of {amount} has been issued to the original payment method and usually arrives within 1–3 business days. Thank you for your patience!",
        ),
    ]
}
