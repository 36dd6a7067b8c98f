//! The wire contract between the worker and the portal: route paths, request and response bodies
//! per endpoint, and the one JSON error envelope. Domain types cross the wire as they are where
//! they are plain data; everything a caller sends is converted into domain types before use.

use serde::{Deserialize, Serialize};

use crate::domain::{
    ActionKind, Case, CaseKind, CaseRequest, Command, ExpiryOutcome, Money, Order, Party, Reason,
    RefundBreakdown, Role, StateName, Timestamp,
};
use crate::i18n::Lang;
use crate::policy::{BuyerStanding, Deadline, LineEligibility, Payer, Policy, Priority};

pub mod backup;
#[cfg(feature = "json")]
pub mod decode;
pub mod import;
pub mod links;
pub mod notify;
pub mod push;
pub mod query;
pub mod settings;
pub mod team;
pub mod tips;

/// Where every API route lives; the worker serves it, the portal calls it.
pub const API_PREFIX: &str = "/api";

/// `GET /api/health`: the service is up, and which build answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Health {
    /// Always "aftersales".
    pub service: String,
    /// The crate version of the worker that answered.
    pub version: String,
}

/// The one JSON error envelope every failing route answers with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorBody {
    /// Stable, snake_case; clients branch on this, never on the message.
    pub code: String,
    /// A sentence in the caller's language (Accept-Language: zh-CN or en).
    pub message: String,
    /// Per-field problems, when the input had several.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldProblem>,
}

/// One field's problem inside an [`ErrorBody`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FieldProblem {
    /// A JSON path such as `lines[0].quantity`.
    pub field: String,
    /// Stable code.
    pub code: String,
    /// A sentence in the caller's language.
    pub message: String,
}

/// Failures the API itself reports (the policy's refusals carry their own codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter)]
pub enum ApiErrorCode {
    /// 400: the body is not JSON, or not the JSON this route takes.
    MalformedJson,
    /// 400: a header or query value is not acceptable.
    BadRequest,
    /// 401: no credentials, or expired ones.
    Unauthenticated,
    /// 401: wrong e-mail or password.
    BadCredentials,
    /// 403: signed in, but this role may not do this.
    Forbidden,
    /// 403: a state change without the session's CSRF token.
    CsrfMismatch,
    /// 404: nothing here (also for things the caller may not know exist).
    NotFound,
    /// 404: no order matches this number and contact (never says which part was wrong).
    OrderNotFound,
    /// 405: the path exists, but not with this method (`Allow` lists those it has).
    MethodNotAllowed,
    /// 409: someone else changed the case first.
    Conflict,
    /// 409: the same Idempotency-Key was used with a different body.
    IdempotencyKeyReused,
    /// 503: the case's storage has not caught up with its last change yet; retry shortly.
    TryAgain,
    /// 413: the body is larger than this route accepts.
    TooLarge,
    /// 415: not a JPEG, PNG or WebP, or a body type this route does not take.
    UnsupportedMediaType,
    /// 415: HEIC photos are recognised but not accepted.
    HeicUnsupported,
    /// 422: the image is truncated or broken.
    BrokenImage,
    /// 422: the image has more pixels than the shop's `max_photo_megapixels` allows (a pixel bomb).
    ImageTooLarge,
    /// 422: a case already holds the maximum number of photos.
    TooManyPhotos,
    /// 422: the JSON is well formed but some values break the shop's rules (`fields` says which).
    InvalidFields,
    /// 422: an import with orders that are not valid (`fields` says which); nothing was written.
    InvalidOrders,
    /// 429: too many attempts; try again later.
    RateLimited,
    /// 404: no invitation has this link (mistyped, or withdrawn long ago).
    InviteUnknown,
    /// 410: the invitation's link has expired; the owner sends a new one.
    InviteExpired,
    /// 410: the invitation's link was already used (it works once).
    InviteUsed,
    /// 409: the change would leave the shop without an active owner.
    LastOwner,
    /// 404: a "start a return" link that expired or was changed (nothing is behind it, as with an
    /// unknown order); the lookup still works.
    LinkInvalid,
    /// 409: a restore goes only into a shop that holds no staff account, order or case yet (or
    /// whose restore is still open); nothing was changed.
    ShopNotEmpty,
    /// 409: no restore with this id is open (never begun, or already finished).
    RestoreNotOpen,
    /// 500: something failed on our side (details are logged, never shown).
    Internal,
}

impl ApiErrorCode {
    /// The code that reads as `code` (`conflict` → [`ApiErrorCode::Conflict`]).
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        use strum::IntoEnumIterator;
        Self::iter().find(|c| c.code() == code)
    }

    /// The HTTP status this code answers with.
    pub fn status(self) -> u16 {
        match self {
            Self::MalformedJson | Self::BadRequest => 400,
            Self::Unauthenticated | Self::BadCredentials => 401,
            Self::Forbidden | Self::CsrfMismatch => 403,
            Self::NotFound | Self::OrderNotFound | Self::InviteUnknown | Self::LinkInvalid => 404,
            Self::MethodNotAllowed => 405,
            Self::Conflict
            | Self::IdempotencyKeyReused
            | Self::LastOwner
            | Self::ShopNotEmpty
            | Self::RestoreNotOpen => 409,
            Self::InviteExpired | Self::InviteUsed => 410,
            Self::TryAgain => 503,
            Self::TooLarge => 413,
            Self::UnsupportedMediaType | Self::HeicUnsupported => 415,
            Self::BrokenImage
            | Self::ImageTooLarge
            | Self::TooManyPhotos
            | Self::InvalidFields
            | Self::InvalidOrders => 422,
            Self::RateLimited => 429,
            Self::Internal => 500,
        }
    }

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::MalformedJson => "malformed_json",
            Self::BadRequest => "bad_request",
            Self::Unauthenticated => "unauthenticated",
            Self::BadCredentials => "bad_credentials",
            Self::Forbidden => "forbidden",
            Self::CsrfMismatch => "csrf_mismatch",
            Self::NotFound => "not_found",
            Self::OrderNotFound => "order_not_found",
            Self::LinkInvalid => "link_invalid",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Conflict => "conflict",
            Self::IdempotencyKeyReused => "idempotency_key_reused",
            Self::TryAgain => "try_again",
            Self::TooLarge => "too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::HeicUnsupported => "heic_unsupported",
            Self::BrokenImage => "broken_image",
            Self::ImageTooLarge => "image_too_large",
            Self::TooManyPhotos => "too_many_photos",
            Self::InvalidFields => "invalid_fields",
            Self::InvalidOrders => "invalid_orders",
            Self::RateLimited => "rate_limited",
            Self::InviteUnknown => "invite_unknown",
            Self::InviteExpired => "invite_expired",
            Self::InviteUsed => "invite_used",
            Self::LastOwner => "last_owner",
            Self::ShopNotEmpty => "shop_not_empty",
            Self::RestoreNotOpen => "restore_not_open",
            Self::Internal => "internal",
        }
    }

    /// A sentence for the caller, in their language.
    pub fn message(self, lang: Lang) -> &'static str {
        let zh = lang == Lang::ZhCn;
        match self {
            Self::MalformedJson => pick(
                zh,
                "请求内容格式不正确。",
                "The request body is not valid JSON for this action.",
            ),
            Self::BadRequest => pick(zh, "请求参数不正确。", "The request is not valid."),
            Self::Unauthenticated => pick(
                zh,
                "请先登录或重新查询订单。",
                "Please sign in or look up your order again.",
            ),
            Self::BadCredentials => pick(
                zh,
                "邮箱或密码不正确。",
                "The e-mail or password is not correct.",
            ),
            Self::Forbidden => pick(
                zh,
                "您的账号无权执行此操作。",
                "Your account may not do this.",
            ),
            Self::CsrfMismatch => pick(
                zh,
                "页面已过期，请刷新后重试。",
                "This page has expired; reload it and try again.",
            ),
            Self::NotFound => pick(zh, "没有找到该内容。", "Nothing was found here."),
            Self::OrderNotFound => pick(
                zh,
                "没有找到与该订单号和联系方式匹配的订单，请核对后重试。",
                "No order matches this order number and contact. Check both and try again.",
            ),
            Self::LinkInvalid => pick(
                zh,
                "该链接已失效（已过期或不完整）。请输入订单号和联系方式查找订单。",
                "This link no longer works (it expired or is incomplete). Find your order with its number and your contact below.",
            ),
            Self::MethodNotAllowed => pick(
                zh,
                "该地址不支持此请求方法。",
                "This address does not take this request method.",
            ),
            Self::Conflict => pick(
                zh,
                "该售后单刚被其他人更新，请查看最新状态后重试。",
                "Someone else just updated this case; review its current state and try again.",
            ),
            Self::IdempotencyKeyReused => pick(
                zh,
                "该请求编号已用于其他内容。",
                "This request key was already used for a different request.",
            ),
            Self::TryAgain => pick(
                zh,
                "系统正在同步该售后单，请稍后几秒再试。",
                "This case is still being saved; please try again in a few seconds.",
            ),
            Self::TooLarge => pick(
                zh,
                "内容太大（照片每张最多 10 MB）。",
                "This is too large (photos are at most 10 MB each).",
            ),
            Self::UnsupportedMediaType => pick(
                zh,
                "只支持 JPEG、PNG 或 WebP 图片。",
                "Only JPEG, PNG or WebP images are accepted.",
            ),
            Self::HeicUnsupported => pick(
                zh,
                "暂不支持 HEIC 格式，请通过本页面上传（会自动转换）或改用 JPEG。",
                "HEIC photos are not accepted; upload through this page (it converts them) or use JPEG.",
            ),
            Self::BrokenImage => pick(
                zh,
                "图片文件不完整或已损坏。",
                "The image is incomplete or damaged.",
            ),
            Self::ImageTooLarge => pick(
                zh,
                "图片像素过多，请缩小后再上传。",
                "This image has too many pixels; please resize it and try again.",
            ),
            Self::TooManyPhotos => pick(
                zh,
                "每个售后单最多 9 张照片。",
                "A case holds at most 9 photos.",
            ),
            Self::InvalidFields => pick(zh, "部分内容填写不正确。", "Some fields are not valid."),
            Self::InvalidOrders => pick(
                zh,
                "订单数据有误，未导入任何订单。",
                "Some orders are not valid; nothing was imported.",
            ),
            Self::RateLimited => pick(
                zh,
                "尝试次数过多，请稍后再试。",
                "Too many attempts; please wait a minute and try again.",
            ),
            Self::InviteUnknown => pick(
                zh,
                "没有找到该邀请链接，请核对链接或请店主重新邀请。",
                "This invitation link is not known; check the link or ask the owner for a new one.",
            ),
            Self::InviteExpired => pick(
                zh,
                "该邀请链接已过期，请请店主重新发送邀请。",
                "This invitation link has expired; ask the owner to send a new one.",
            ),
            Self::InviteUsed => pick(
                zh,
                "该邀请链接已被使用过（每个链接只能用一次），请直接登录。",
                "This invitation link was already used (each link works once); sign in instead.",
            ),
            Self::LastOwner => pick(
                zh,
                "店铺至少要保留一位启用中的店主，无法降级或停用最后一位店主。",
                "The shop must keep at least one active owner; the last one cannot be demoted or disabled.",
            ),
            Self::ShopNotEmpty => pick(
                zh,
                "只能恢复到尚无账号、订单和售后单的店铺，未做任何更改。",
                "A backup is restored only into a shop with no accounts, orders or cases yet; nothing was changed.",
            ),
            Self::RestoreNotOpen => pick(
                zh,
                "没有进行中的该恢复任务（未开始或已结束）。",
                "No restore with this id is open (it was never begun, or has finished).",
            ),
            Self::Internal => pick(
                zh,
                "系统出了点问题，请稍后重试。",
                "Something went wrong on our side; please try again shortly.",
            ),
        }
    }
}

/// An error's code as a client reads it: one of the API's own, which a page may branch on, or a
/// refusal of the shop's rules (a policy, batch or field code), which a page shows with its
/// message and never branches on; or what the client itself saw go wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorCode {
    /// One of [`ApiErrorCode`].
    Api(ApiErrorCode),
    /// A rule's refusal, by its stable code (`quality_return_window_closed`, `batch_empty`, …).
    Rule(String),
    /// No answer reached the client.
    Network,
    /// An answer that is not what the route answers.
    BadResponse,
}

impl ErrorCode {
    /// Reads an [`ErrorBody::code`].
    #[must_use]
    pub fn parse(code: &str) -> Self {
        ApiErrorCode::from_code(code).map_or_else(|| Self::Rule(code.to_string()), Self::Api)
    }

    /// The code as the API spells it (`network` and `bad_response` for the client's own).
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Api(code) => code.code(),
            Self::Rule(code) => code,
            Self::Network => "network",
            Self::BadResponse => "bad_response",
        }
    }
}

fn pick(zh: bool, zh_text: &'static str, en_text: &'static str) -> &'static str {
    if zh { zh_text } else { en_text }
}

/// The refusal of a caller over a rate limit, saying when to try again (the `Retry-After` the
/// answer carries; past a minute and a half, in whole minutes rounded up), so nobody retries blindly.
#[must_use]
pub fn rate_limited_message(lang: Lang, retry_after_s: u32) -> String {
    let zh = matches!(lang, Lang::ZhCn);
    match (retry_after_s, zh) {
        (0..=90, true) => format!("尝试次数过多，请 {} 秒后再试。", retry_after_s.max(1)),
        (0..=1, false) => "Too many attempts; try again in a second.".into(),
        (2..=90, false) => format!("Too many attempts; try again in {retry_after_s} seconds."),
        (s, true) => format!("尝试次数过多，请 {} 分钟后再试。", s.div_ceil(60)),
        (s, false) => format!(
            "Too many attempts; try again in {} minutes.",
            s.div_ceil(60)
        ),
    }
}

/// Route paths, shared so the portal never spells one differently from the worker.
pub mod routes {
    /// The seller admin's screens drawn by the owner's desk (its own page, `/admin/desk/`, loaded
    /// when one of them opens), by their first path segment under `/admin/`; every other admin
    /// path is the daily admin's page (`/admin/`). The worker serves the page by this list and
    /// the admin loads the other page by it, so the two cannot disagree into a reload loop.
    /// Accepting an invitation is in the desk too (each account does it once), and so is
    /// recording a bad review by hand (now and then): the daily admin's first load carries
    /// neither.
    pub const ADMIN_DESK_SCREENS: [&str; 6] = [
        "analytics",
        "settings",
        "team",
        "replies",
        "invite",
        "review",
    ];

    /// The page (`/admin/` or `/admin/desk/`) that draws an admin path.
    #[must_use]
    pub fn admin_page_of(path: &str) -> &'static str {
        let first = path
            .strip_prefix("/admin/")
            .and_then(|rest| rest.split(['/', '?']).next())
            .unwrap_or("");
        // `/admin/desk/` itself is the desk's page too (what the service worker keeps offline).
        if first == "desk" || ADMIN_DESK_SCREENS.contains(&first) {
            "/admin/desk/"
        } else {
            "/admin/"
        }
    }

    /// The buyer portal's pages, each its own bundle so that a page's first load carries only
    /// its own code: finding an order (`/`, and every path no page owns), an order
    /// (`/order/{number}`) and a case (`/case/{id}`). The worker serves each path the page of its
    /// bundle and the portal loads another bundle's path by a full navigation, both by
    /// [`portal_page_of`], so the two cannot disagree into a reload loop.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum PortalPage {
        /// `/`: the lookup (also the not-found page).
        Lookup,
        /// `/order/{number}`: the order and the request form.
        Order,
        /// `/case/{id}`: following a case.
        Case,
    }

    impl PortalPage {
        /// The address of the bundle's page among the built files (`dist/p/order/index.html`):
        /// never a portal path, so an order number can never name one of its files.
        #[must_use]
        pub const fn document(self) -> &'static str {
            match self {
                Self::Lookup => "/",
                Self::Order => "/p/order/",
                Self::Case => "/p/case/",
            }
        }
    }

    /// The portal page that draws `path` (without its query).
    #[must_use]
    pub fn portal_page_of(path: &str) -> PortalPage {
        let mut segments = path.split('/').filter(|s| !s.is_empty());
        match (segments.next(), segments.next(), segments.next()) {
            (Some("order"), Some(_), None) => PortalPage::Order,
            (Some("case"), Some(_), None) => PortalPage::Case,
            _ => PortalPage::Lookup,
        }
    }

    /// `GET`: liveness and version.
    pub const HEALTH: &str = "/api/health";
    /// `GET`: the OpenAPI document.
    pub const OPENAPI: &str = "/api/openapi.json";
    /// `POST` [`super::LookupRequest`]: order number plus e-mail or phone → buyer token.
    pub const LOOKUP: &str = "/api/lookup";
    /// `GET` (buyer): the order, its eligibility and the buyer's cases.
    pub const BUYER_ORDER: &str = "/api/buyer/order";
    /// `POST` [`super::links::LinkLookup`]: a "start a return" link's grant → buyer token.
    pub const LOOKUP_LINK: &str = "/api/lookup/link";
    /// `POST` (buyer) [`crate::domain::CaseRequest`]: the policy's preview, as the portal computes it.
    pub const BUYER_PREVIEW: &str = "/api/buyer/preview";
    /// `POST` (buyer, `Idempotency-Key`): file a case.
    pub const BUYER_CASES: &str = "/api/buyer/cases";
    /// `POST` (buyer, image body): upload a proof photo.
    pub const BUYER_PHOTOS: &str = "/api/buyer/photos";
    /// `POST` (staff): sign in.
    pub const STAFF_LOGIN: &str = "/api/staff/login";
    /// `POST` (staff): sign out.
    pub const STAFF_LOGOUT: &str = "/api/staff/logout";
    /// `GET` (staff): who is signed in, with the CSRF token.
    pub const STAFF_ME: &str = "/api/staff/me";
    /// `GET` (staff) `?kind=&state=&overdue=true&assignee=|mine=true|unassigned=true&cursor=&limit=`:
    /// a [`super::QueuePage`] of open cases, most urgent first, holding only matches.
    pub const STAFF_QUEUE: &str = "/api/staff/queue";
    /// `GET` (staff): canned replies; `PUT` (owner): replace them.
    pub const STAFF_CANNED: &str = "/api/staff/canned-replies";
    /// `GET` (staff): the policy; `PUT` (owner): replace it.
    pub const STAFF_POLICY: &str = "/api/staff/policy";
    /// `POST` (owner) a candidate [`crate::policy::Policy`]: its field problems, or a
    /// [`super::settings::PolicyPreview`] of what saving it would change.
    pub const STAFF_POLICY_PREVIEW: &str = "/api/staff/policy/preview";
    /// `GET` (owner) `?cursor=&limit=`: the policy's change log, newest first.
    pub const STAFF_POLICY_CHANGES: &str = "/api/staff/policy/changes";
    /// `GET`/`POST` (owner): staff accounts.
    pub const STAFF_ACCOUNTS: &str = "/api/staff/accounts";
    /// `GET` (staff): analytics aggregates.
    pub const STAFF_ANALYTICS: &str = "/api/staff/analytics";
    /// `GET` (staff): every case as CSV.
    pub const STAFF_EXPORT: &str = "/api/staff/export.csv";
    /// The figures of `GET /api/staff/analytics` as CSV.
    pub const STAFF_ANALYTICS_CSV: &str = "/api/staff/analytics.csv";
    /// `POST` (owner): rebuild the read models from the case logs.
    pub const STAFF_REBUILD: &str = "/api/staff/rebuild-indexes";
    /// `GET` (staff) `?q=`: the [`super::CaseSummary`]s a case id, an order number or a tracking
    /// number (the buyer's return, the shop's shipment) names; none found is an empty list.
    pub const STAFF_SEARCH: &str = "/api/staff/search";
    /// `POST` (agent, owner) [`super::BatchApproveRequest`]: approve low-risk cases in one step.
    pub const STAFF_BATCH_APPROVE: &str = "/api/staff/batch-approve";
    /// `GET` (owner): pending invitations; `POST` (owner) [`super::team::InviteRequest`]: invite
    /// someone, answering the one-time link.
    pub const STAFF_INVITES: &str = "/api/staff/invites";
    /// `POST` (anyone holding a link) [`super::team::AcceptInvite`]: create the account and sign
    /// in.
    pub const STAFF_INVITE_ACCEPT: &str = "/api/staff/invites/accept";
    /// `POST` (shop system, API key): import orders as JSON or CSV.
    pub const SHOP_ORDERS: &str = "/api/shop/orders";
    /// `POST` (shop system, API key) [`super::links::StartLinkRequest`]: a signed "start a
    /// return" link to one order's page.
    pub const SHOP_LINKS: &str = "/api/shop/links";
    /// `POST` (shop system, API key): create the first owner account.
    pub const SHOP_BOOTSTRAP: &str = "/api/shop/bootstrap";
    /// `GET` (owner) `?cursor=&password_hashes=`: a [`super::backup::BackupPage`] of the shop's
    /// records.
    pub const STAFF_BACKUP: &str = "/api/staff/backup";
    /// `GET` (owner) `?cursor=`: a [`super::backup::BackupPhotoPage`] of the shop's photos.
    pub const STAFF_BACKUP_PHOTOS: &str = "/api/staff/backup/photos";
    /// `POST` (shop system) [`super::backup::RestoreBegin`]: open a restore into an empty shop.
    pub const SHOP_RESTORE: &str = "/api/shop/restore";
    /// `POST` (shop system) [`super::backup::RestoreRecords`]: one page of records.
    pub const SHOP_RESTORE_RECORDS: &str = "/api/shop/restore/records";
    /// `POST` (shop system) [`super::backup::RestoreRebuild`]: derive some cases' read models.
    pub const SHOP_RESTORE_REBUILD: &str = "/api/shop/restore/rebuild";
    /// `POST` (shop system) [`super::backup::RestoreFinish`]: close the restore.
    pub const SHOP_RESTORE_FINISH: &str = "/api/shop/restore/finish";
    /// `POST` (buyer) [`super::tips::Helped`]: the shop's tips solved a line's problem without a
    /// request (counted once per order and line).
    pub const BUYER_HELPED: &str = "/api/buyer/helped";
    /// `PUT` (shop system, image body) `?restore=&order=`: one photo, under its id.
    pub fn shop_restore_photo(id: &str) -> String {
        format!("/api/shop/restore/photos/{id}")
    }

    /// `POST` (shop system) a [`crate::domain::ParcelTracking`]: the courier's record of the
    /// order's parcel, merged into what is kept.
    pub fn shop_order_tracking(number: &str) -> String {
        format!("/api/shop/orders/{number}/tracking")
    }

    /// `POST` (shop system) a [`crate::domain::BadReview`] from the shop's platform: opens its
    /// follow-up case (once per review id).
    pub fn shop_order_reviews(number: &str) -> String {
        format!("/api/shop/orders/{number}/reviews")
    }
    /// `POST` (agent, owner) a [`crate::domain::BadReview`] recorded by hand: opens its
    /// follow-up case (once per review id, else per `Idempotency-Key`).
    pub fn staff_order_reviews(number: &str) -> String {
        format!("/api/staff/orders/{number}/reviews")
    }

    /// `GET` (agent, owner): the case's evidence pack, one HTML file (`shared::evidence`).
    pub fn staff_case_evidence(id: &str) -> String {
        format!("/api/staff/cases/{id}/evidence")
    }

    /// `GET` (buyer): one case.
    pub fn buyer_case(id: &str) -> String {
        format!("/api/buyer/cases/{id}")
    }
    /// `POST` (buyer) a [`crate::domain::Command`] to a case.
    pub fn buyer_command(id: &str) -> String {
        format!("/api/buyer/cases/{id}/commands")
    }
    /// `POST` (buyer) a [`super::push::PushSubscription`]: notify this browser of the case;
    /// `DELETE` (buyer) a [`super::push::PushRemove`]: stop.
    pub fn buyer_push(id: &str) -> String {
        format!("/api/buyer/cases/{id}/push")
    }
    /// `GET`: the VAPID public key ([`super::push::PushKey`]); 404 when push is off.
    pub const PUSH_KEY: &str = "/api/push/key";
    /// `GET` (buyer or staff): a proof photo.
    pub fn photo(id: &str) -> String {
        format!("/api/photos/{id}")
    }
    /// `GET` (staff): one case with the buyer's history.
    pub fn staff_case(id: &str) -> String {
        format!("/api/staff/cases/{id}")
    }
    /// `POST` (staff) a [`crate::domain::Command`] to a case.
    pub fn staff_command(id: &str) -> String {
        format!("/api/staff/cases/{id}/commands")
    }
    /// `GET` (anyone holding the link): what an invitation offers.
    pub fn staff_invite(token: &str) -> String {
        format!("/api/staff/invites/{token}")
    }
    /// `PATCH` (owner) [`super::team::AccountChange`]: change an account's role or state.
    pub fn staff_account(id: &str) -> String {
        format!("/api/staff/accounts/{id}")
    }
    /// `POST` (staff, no body): "I have this case open" (for 60 s); answers the other
    /// [`super::Viewer`]s who had it open within the last 60 s.
    pub fn staff_presence(id: &str) -> String {
        format!("/api/staff/cases/{id}/presence")
    }

    /// Every route the API serves, once: its method and its path with `{id}` for a path
    /// parameter. The worker answers a known path with a method not listed here by 405 with
    /// `Allow`; a test holds the OpenAPI document to exactly this list.
    pub const TABLE: &[(&str, &str)] = &[
        ("GET", HEALTH),
        ("GET", OPENAPI),
        ("POST", LOOKUP),
        ("POST", LOOKUP_LINK),
        ("GET", BUYER_ORDER),
        ("POST", BUYER_PREVIEW),
        ("POST", BUYER_CASES),
        ("POST", BUYER_PHOTOS),
        ("GET", "/api/buyer/cases/{id}"),
        ("POST", "/api/buyer/cases/{id}/commands"),
        ("POST", "/api/buyer/cases/{id}/push"),
        ("DELETE", "/api/buyer/cases/{id}/push"),
        ("GET", PUSH_KEY),
        ("GET", "/api/photos/{id}"),
        ("POST", STAFF_LOGIN),
        ("POST", STAFF_LOGOUT),
        ("GET", STAFF_ME),
        ("GET", STAFF_QUEUE),
        ("GET", STAFF_SEARCH),
        ("GET", "/api/staff/cases/{id}"),
        ("POST", "/api/staff/cases/{id}/commands"),
        ("POST", "/api/staff/cases/{id}/presence"),
        ("GET", STAFF_CANNED),
        ("PUT", STAFF_CANNED),
        ("GET", STAFF_POLICY),
        ("PUT", STAFF_POLICY),
        ("POST", STAFF_POLICY_PREVIEW),
        ("GET", STAFF_POLICY_CHANGES),
        ("GET", STAFF_ACCOUNTS),
        ("POST", STAFF_ACCOUNTS),
        ("PATCH", "/api/staff/accounts/{id}"),
        ("GET", STAFF_INVITES),
        ("POST", STAFF_INVITES),
        ("GET", "/api/staff/invites/{id}"),
        ("POST", STAFF_INVITE_ACCEPT),
        ("GET", STAFF_ANALYTICS),
        ("GET", STAFF_ANALYTICS_CSV),
        ("GET", STAFF_EXPORT),
        ("POST", STAFF_REBUILD),
        ("POST", STAFF_BATCH_APPROVE),
        ("POST", SHOP_ORDERS),
        ("POST", SHOP_LINKS),
        ("POST", SHOP_BOOTSTRAP),
        ("GET", STAFF_BACKUP),
        ("GET", STAFF_BACKUP_PHOTOS),
        ("POST", SHOP_RESTORE),
        ("POST", SHOP_RESTORE_RECORDS),
        ("PUT", "/api/shop/restore/photos/{id}"),
        ("POST", SHOP_RESTORE_REBUILD),
        ("POST", SHOP_RESTORE_FINISH),
        ("POST", "/api/shop/orders/{id}/tracking"),
        ("POST", BUYER_HELPED),
        ("POST", "/api/shop/orders/{id}/reviews"),
        ("POST", "/api/staff/orders/{id}/reviews"),
        ("GET", "/api/staff/cases/{id}/evidence"),
    ];

    /// Whether `path` is an instance of `template` (`{id}` matches one non-empty segment).
    #[must_use]
    pub fn matches(template: &str, path: &str) -> bool {
        let mut t = template.split('/');
        let mut p = path.split('/');
        loop {
            match (t.next(), p.next()) {
                (None, None) => return true,
                (Some("{id}"), Some(segment)) if !segment.is_empty() => {}
                (Some(a), Some(b)) if a == b => {}
                _ => return false,
            }
        }
    }

    /// The methods the API serves at `path` (empty for a path it does not know).
    #[must_use]
    pub fn methods_at(path: &str) -> Vec<&'static str> {
        // A route written out in full wins over one with a parameter in its place
        // (`/api/staff/invites/accept` is not the invitation called "accept").
        let literal = TABLE.iter().any(|(_, t)| !t.contains('{') && *t == path);
        TABLE
            .iter()
            .filter(|(_, template)| matches(template, path))
            .filter(|(_, template)| !literal || !template.contains('{'))
            .map(|(method, _)| *method)
            .collect()
    }
}

/// `POST /api/lookup`: find an order by its number and the e-mail or phone on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LookupRequest {
    /// As printed on the order.
    pub order_number: String,
    /// The e-mail address or phone number on the order.
    pub contact: String,
}

/// The answer to a lookup: a token for this order's cases, and the order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LookupResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// When the token stops working.
    pub expires_at: Timestamp,
    /// The order as the buyer sees it.
    pub order: BuyerOrderView,
}

/// What the portal needs to show an order and preview a request with the shared policy code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BuyerOrderView {
    /// The order, with the contact details masked.
    pub order: Order,
    /// Per line: remaining quantity and what may be asked for.
    pub eligibility: Vec<LineEligibility>,
    /// The buyer's cases of this order (full: they are the buyer's own).
    pub cases: Vec<Case>,
    /// The shop's policy, so the portal's preview runs the same rules as the worker (without its
    /// tips: the order's own are in `tips`).
    pub policy: Policy,
    /// The shop's troubleshooting and usage tips for the order's lines, one entry per distinct
    /// set ([`crate::policy::order_tips`]); shown when the buyer picks a quality fault.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tips: Vec<crate::policy::LineTips>,
    /// The buyer's standing (for the fast-refund preview).
    pub standing: BuyerStanding,
    /// The server's clock when this was read, so the portal's preview uses the same "now".
    pub server_time: Timestamp,
}

/// A case as the buyer or the staff see it: the history plus everything derived from it.
///
/// `P` and `S` are the staff-only parts, the queue's [`Priority`] and the buyer's other cases as
/// [`CaseSummary`]s; the defaults are what the worker answers with. A buyer is never sent them,
/// so the portal reads a [`BuyerCaseView`], where they are [`StaffOnly`]: its first load then
/// holds no reader for them (4.3 KB gzip of serde code). A separate buyer struct was the
/// alternative: a second copy of every other field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "CaseView"))]
pub struct CaseView<P: StaffPart = Option<Priority>, S: StaffPart = Vec<CaseSummary>> {
    /// The case with its whole history.
    pub case: Case,
    /// The state (`awaiting_decision`, `closed`, ...).
    pub state: StateName,
    /// Who must act, by when, and what happens if they don't.
    pub deadline: Option<Deadline>,
    /// What the caller may do now.
    pub actions: Vec<ActionKind>,
    /// The refund as it stands (estimate before approval, final after).
    pub refund: Option<RefundBreakdown>,
    /// Who pays to send the goods back, when they come back.
    pub return_shipping_payer: Option<Payer>,
    /// Whether the return postage is paid back with the refund (and up to how much), or why
    /// not (the insurer pays it, a prepaid label, the buyer pays).
    #[serde(default)]
    pub return_postage: crate::policy::PostageTerms,
    /// Where to send the goods, once a return is approved.
    pub return_address: Option<String>,
    /// Once the case closed with a refund: the working days, from and to, the shop says the
    /// money takes to arrive on the original payment (its settings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_arrives_in_working_days: Option<[i64; 2]>,
    /// Staff only: the queue's priority with its reasons.
    #[serde(default, skip_serializing_if = "StaffPart::is_absent")]
    pub priority: P,
    /// Staff only: the buyer's other cases, newest first.
    #[serde(default, skip_serializing_if = "StaffPart::is_absent")]
    pub buyer_history: S,
    /// The server's clock when this was read (the portal's countdown starts from it).
    pub server_time: Timestamp,
    /// The shop's time zone as minutes east of UTC: the page shows times and calendar days as
    /// the shop's deadlines count them.
    pub utc_offset_minutes: i64,
    /// How many commits the case has: send it back as `If-Match: "<version>"` with a command so
    /// that it is refused (409) if someone changed the case since this view was read.
    pub version: u32,
    /// Buyer only: the latest news as the buyer's notification said it (the open page shows it
    /// when it changes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub news: Option<notify::CaseNews>,
}

/// A [`CaseView`] as a buyer is answered with it: without the staff-only parts.
pub type BuyerCaseView = CaseView<StaffOnly, StaffOnly>;

/// A staff-only part of an answer, read by a buyer: never sent to them, and passed over unread
/// if it were.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StaffOnly;

/// A staff-only part of a [`CaseView`]: left out of the JSON when absent.
pub trait StaffPart: Default {
    /// Nothing to send.
    fn is_absent(&self) -> bool;
}

impl<T> StaffPart for Option<T> {
    fn is_absent(&self) -> bool {
        self.is_none()
    }
}

impl<T> StaffPart for Vec<T> {
    fn is_absent(&self) -> bool {
        self.is_empty()
    }
}

impl StaffPart for StaffOnly {
    fn is_absent(&self) -> bool {
        true
    }
}

impl<'de> Deserialize<'de> for StaffOnly {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer).map(|_| Self)
    }
}

/// A case in one line: what the queue, the buyer's history and analytics list. Small enough to
/// live in a KV key's metadata (at most 1,024 bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseSummary {
    /// Case id.
    pub id: String,
    /// Order number.
    pub order: String,
    /// What the buyer asked for.
    pub kind: CaseKind,
    /// Why.
    pub reason: Reason,
    /// The state.
    pub state: StateName,
    /// Whose move.
    pub waiting_for: Option<Party>,
    /// By when.
    pub due: Option<Timestamp>,
    /// When it was filed.
    pub filed_at: Timestamp,
    /// True once closed.
    pub closed: bool,
    /// Priority class (0 most urgent).
    pub priority_class: u8,
    /// Codes of the reasons behind the priority.
    pub priority_reasons: Vec<String>,
    /// The first requested line's title (shortened).
    pub title: String,
    /// The buyer's name (shortened).
    pub buyer: String,
    /// What was refunded, once refunded.
    pub refunded: Option<Money>,
    /// The buyer's rating, once rated.
    pub rating: Option<u8>,
    /// The staff member who last acted.
    pub assignee: Option<String>,
    /// What happens when the deadline passes (the queue's "auto-approves in 3 h").
    #[serde(default)]
    pub on_expiry: Option<ExpiryOutcome>,
    /// The money at stake: the refund as it stands (estimate before approval).
    #[serde(default)]
    pub amount: Option<Money>,
    /// The order's currency.
    #[serde(default)]
    pub currency: String,
    /// The policy counts this case low-risk: it may be approved in a batch.
    #[serde(default)]
    pub low_risk: bool,
    /// The case's version, sent back with a batch decision so each case is decided on what the
    /// queue showed.
    #[serde(default)]
    pub version: u32,
    /// The buyer's language (the one they filed in), for replies in it.
    #[serde(default)]
    pub buyer_lang: Option<Lang>,
    /// The deadline has passed and what it does is on record: an unanswered question's clock
    /// runs nothing, and its passing is recorded once. The cron skips such a case, so overdue
    /// questions do not cost a desk request on every run.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub expiry_on_record: bool,
}

/// `GET /api/staff/queue`: one page, most urgent first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct QueuePage {
    /// The cases of this page.
    pub items: Vec<CaseSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// The shop's cap on cases per batch approval (`Policy::batch_max_cases`).
    #[serde(default)]
    pub batch_max_cases: u32,
    /// The shop's cap on money per batch approval (`Policy::batch_max_amount`).
    #[serde(default)]
    pub batch_max_amount: Money,
}

/// `POST /api/staff/cases/{id}/presence` answers a list of these: another staff member who had
/// the case open within the last minute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Viewer {
    /// Staff id (`st_…`).
    pub id: String,
    /// Display name.
    pub name: String,
}

/// The 409 answer to a command that named a version the case has passed: the error, and the case as
/// it is now, so the caller shows it without another read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "StaleCase"))]
pub struct StaleCase<V = CaseView> {
    /// `conflict`.
    pub code: String,
    /// A sentence in the caller's language.
    pub message: String,
    /// The case as it is now, as the caller may see it.
    pub current: V,
}

/// `POST /api/staff/logout` answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SignedOut {
    /// Always true: the session is closed and its cookie cleared.
    pub signed_out: bool,
}

/// `POST /api/staff/rebuild-indexes` answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RebuildReport {
    /// Cases whose read models were written again.
    pub rebuilt_cases: u32,
}

/// `POST /api/buyer/photos` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PhotoUploaded {
    /// Reference to put in a request's `photos`.
    pub id: String,
    /// The sniffed type.
    pub content_type: String,
    /// Stored size after metadata was removed.
    pub bytes: u64,
    /// Pixel size.
    pub width: u32,
    /// Pixel size.
    pub height: u32,
}

/// `POST /api/staff/login`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The account's e-mail.
    pub email: String,
    /// Its password.
    pub password: String,
}

/// A staff account without its secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StaffView {
    /// Account id.
    pub id: String,
    /// Login e-mail.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
}

/// The signed-in staff member and the token to echo in `X-CSRF-Token`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SessionView {
    /// Who.
    pub staff: StaffView,
    /// Required on every state change.
    pub csrf_token: String,
}

/// `POST /api/staff/accounts` (owner) and `POST /api/shop/bootstrap`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewStaff {
    /// Login e-mail.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// At least 10 characters.
    pub password: String,
}

/// A canned reply (话术) in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CannedReply {
    /// Stable id.
    pub id: String,
    /// What it is for (e.g. "apology: late parcel").
    pub title: String,
    /// Chinese text.
    pub zh: String,
    /// English text.
    pub en: String,
}

/// `GET /api/staff/analytics`: the figures (see [`crate::analytics`]).
pub use crate::analytics::AnalyticsReport;

/// `POST /api/staff/rebuild-indexes?only=…`: rebuild one read model only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RebuildOnly {
    /// The figures (analytics), refolded from each case's recorded facts without reading the
    /// case logs: one list per 1,000 cases.
    Figures,
}

/// `POST /api/shop/orders` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ImportReport {
    /// Orders written.
    pub imported: u32,
    /// Problems, by row.
    pub errors: Vec<FieldProblem>,
}

/// A buyer's command to a case (same shape as staff's).
pub type CommandRequest = Command;

/// A buyer's filing (same shape as the domain's request, checked by the policy).
pub type FileRequest = CaseRequest;

/// `POST /api/staff/batch-approve`: approve several low-risk cases in one step, each on the
/// version the queue showed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BatchApproveRequest {
    /// The cases, at most the shop's `batch_max_cases`.
    pub cases: Vec<BatchItem>,
}

/// One case of a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BatchItem {
    /// Case id.
    pub id: String,
    /// The version the decision was made on (as `If-Match` for a single command).
    pub version: u32,
}

/// What happened to one case of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum BatchOutcome {
    /// Approved.
    Applied,
    /// The case changed since the queue was read: nothing done; look at it again.
    Changed,
    /// The policy refused it (no longer low-risk, or not allowed in its state).
    Refused,
}

/// `POST /api/staff/batch-approve` answer: one result per case, in the request's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BatchApproveReport {
    /// Per case.
    pub results: Vec<BatchResult>,
}

/// One case's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BatchResult {
    /// Case id.
    pub id: String,
    /// What happened.
    pub outcome: BatchOutcome,
    /// Why, in the caller's language, when not applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_portal_path_has_one_page_and_no_page_document_is_a_portal_path() {
        use super::routes::{PortalPage, portal_page_of};
        for (path, page) in [
            ("/", PortalPage::Lookup),
            ("/order/TB1", PortalPage::Order),
            ("/order/TB.1", PortalPage::Order),
            ("/case/AS-1", PortalPage::Case),
            ("/case/AS-1/", PortalPage::Case),
            ("/order", PortalPage::Lookup),
            ("/order/TB1/more", PortalPage::Lookup),
            ("/nowhere", PortalPage::Lookup),
        ] {
            assert_eq!(portal_page_of(path), page, "{path}");
        }
        // A bundle's own document is served as a file: were it a page's path, the worker would
        // answer it with a page and the bundle would never load.
        for page in [PortalPage::Order, PortalPage::Case] {
            assert_eq!(portal_page_of(page.document()), PortalPage::Lookup);
            assert!(
                !page.document().starts_with("/order/") && !page.document().starts_with("/case/")
            );
        }
    }

    #[test]
    fn every_api_code_reads_back_as_itself_and_anything_else_is_a_rule() {
        use strum::IntoEnumIterator;
        let mut seen = std::collections::BTreeSet::new();
        for code in super::ApiErrorCode::iter() {
            assert!(seen.insert(code.code()), "{} spelled twice", code.code());
            assert_eq!(
                super::ErrorCode::parse(code.code()),
                super::ErrorCode::Api(code)
            );
        }
        assert_eq!(
            super::ErrorCode::parse("warranty_expired"),
            super::ErrorCode::Rule("warranty_expired".into())
        );
        assert_eq!(super::ErrorCode::Network.as_str(), "network");
    }

    #[test]
    fn a_rate_limit_refusal_says_when_to_try_again() {
        use super::rate_limited_message;
        use crate::i18n::Lang;
        assert_eq!(
            rate_limited_message(Lang::En, 42),
            "Too many attempts; try again in 42 seconds."
        );
        assert_eq!(
            rate_limited_message(Lang::En, 0),
            "Too many attempts; try again in a second."
        );
        assert_eq!(
            rate_limited_message(Lang::ZhCn, 600),
            "尝试次数过多，请 10 分钟后再试。"
        );
        assert_eq!(
            rate_limited_message(Lang::En, 91),
            "Too many attempts; try again in 2 minutes."
        );
    }

    #[test]
    fn route_templates_match_their_instances_only() {
        use super::routes::{matches, methods_at};
        assert!(matches("/api/staff/cases/{id}", "/api/staff/cases/AS-1"));
        assert!(!matches("/api/staff/cases/{id}", "/api/staff/cases/"));
        assert!(!matches(
            "/api/staff/cases/{id}",
            "/api/staff/cases/AS-1/commands"
        ));
        assert_eq!(methods_at("/api/staff/policy"), vec!["GET", "PUT"]);
        assert_eq!(methods_at("/api/buyer/cases/AS-1/commands"), vec!["POST"]);
        assert!(methods_at("/api/nope").is_empty());
        // A literal route wins over a parameter in its place.
        assert_eq!(methods_at("/api/staff/invites/accept"), vec!["POST"]);
        assert_eq!(methods_at("/api/staff/invites/tok123"), vec!["GET"]);
    }

    use super::*;
    use crate::domain::StateName;

    #[test]
    fn a_state_crosses_the_wire_as_the_same_snake_case_code_as_before_it_was_typed() {
        // `CaseView.state` and `CaseSummary.state` were `state.name().code().to_string()`.
        for state in StateName::ALL {
            let json = serde_json::to_value(state).unwrap_or_default();
            assert_eq!(json, serde_json::Value::String(state.code().into()));
            assert_eq!(serde_json::from_value::<StateName>(json).ok(), Some(state));
        }
    }

    #[test]
    fn a_buyer_reads_a_case_view_without_its_staff_only_parts() {
        use crate::domain::{CaseKind, Reason};
        use crate::policy::fixtures::{Run, day_after_signed, line, order, request};
        let order = order(vec![line("shirt", "apparel", 9_900, 1)]);
        let request = request(
            CaseKind::ReturnAndRefund,
            Reason::SizeOrFit,
            &[("shirt", 1)],
        );
        let run = Run::file(&order, request, day_after_signed(1, 10, 0)).expect("files");
        let summary = serde_json::json!({
            "id": "AS-0", "order": "O0", "kind": "repair", "reason": "quality_fault",
            "state": "closed", "waiting_for": null, "due": null, "filed_at": 1,
            "closed": true, "priority_class": 3, "priority_reasons": [], "title": "t",
            "buyer": "b", "refunded": null, "rating": 5, "assignee": null,
        });
        let staff = CaseView {
            case: run.case.clone(),
            state: StateName::AwaitingReview,
            deadline: None,
            actions: Vec::new(),
            refund: None,
            return_shipping_payer: None,
            return_postage: crate::policy::PostageTerms::NotOwed,
            return_address: None,
            refund_arrives_in_working_days: None,
            priority: Some(crate::policy::priority(&run.case, &run.policy, run.now)),
            buyer_history: vec![serde_json::from_value::<CaseSummary>(summary).expect("a summary")],
            server_time: run.now,
            utc_offset_minutes: 480,
            version: 1,
            news: None,
        };
        // Were a staff answer read by the portal, the staff-only parts would be passed over.
        let json = serde_json::to_value(&staff).expect("serializes");
        assert!(json["priority"].is_object() && json["buyer_history"].is_array());
        let read: BuyerCaseView = serde_json::from_value(json).expect("reads");
        assert_eq!((read.case, read.version), (staff.case.clone(), 1));
        // A buyer's answer has no staff-only key at all, and reads the same.
        let buyer = CaseView {
            priority: None,
            buyer_history: Vec::new(),
            ..staff
        };
        let json = serde_json::to_value(&buyer).expect("serializes");
        assert!(json.get("priority").is_none() && json.get("buyer_history").is_none());
        let read: BuyerCaseView = serde_json::from_value(json).expect("reads");
        assert_eq!(read.case, buyer.case);
    }

    #[test]
    fn a_summary_without_the_fields_added_later_still_reads() {
        // What an index entry written by the previous release holds in its metadata.
        let old = serde_json::json!({
            "id": "AS-1", "order": "O1", "kind": "repair", "reason": "quality_fault",
            "state": "awaiting_review", "waiting_for": null, "due": 5, "filed_at": 1,
            "closed": false, "priority_class": 2, "priority_reasons": [], "title": "t",
            "buyer": "b", "refunded": null, "rating": null, "assignee": null,
        });
        let summary: Option<CaseSummary> = serde_json::from_value(old).ok();
        assert_eq!(
            summary.as_ref().map(|s| s.state),
            Some(StateName::AwaitingReview)
        );
        assert_eq!(
            serde_json::to_value(&summary).unwrap_or_default()["state"],
            "awaiting_review"
        );
    }
}
