//! The OpenAPI 3.1 document, generated: every operation of [`routes::TABLE`] with its request
//! and response schemas derived (`schemars`) from the types the worker and the portal use, its
//! access, its headers and the error codes each status carries. Nothing here is typed twice: a
//! route missing from [`OPERATIONS`], or described but not served, fails a test, and the
//! committed `worker/openapi.json` is this function's output (a test compares them).
//!
//! Host only (feature `schema`): the worker serves the committed file, so neither wasm build
//! holds a line of this.

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{Map, Value, json};
use strum::IntoEnumIterator;

use crate::api::backup::{
    BackupPage, BackupPhotoPage, RestoreBegin, RestoreFinish, RestoreFinished, RestoreOpened,
    RestoreRebuild, RestoreRecords, RestoreWritten,
};
use crate::api::settings::{PolicyChangesPage, PolicyPreview};
use crate::api::team::{
    AcceptInvite, Account, AccountChange, Invite, InviteCreated, InviteRequest,
};
use crate::api::{
    AnalyticsReport, ApiErrorCode, BatchApproveReport, BatchApproveRequest, BuyerOrderView,
    CannedReply, CaseSummary, CaseView, ErrorBody, Health, ImportReport, LoginRequest,
    LookupRequest, LookupResponse, NewStaff, PhotoUploaded, QueuePage, RebuildOnly, RebuildReport,
    SessionView, SignedOut, StaffView, StaleCase, Viewer, routes,
};
use crate::domain::{CaseKind, CaseRequest, Command, Order, StateName};
use crate::i18n::Lang;
use crate::policy::error::RefusalTag;
use crate::policy::{BatchRefusal, Policy, PolicyErrorCode, Preview};

/// Writes a type's schema into the generator's components and answers a `$ref` to it.
type SchemaOf = fn(&mut SchemaGenerator) -> Schema;

fn of<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

/// Who may call an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Anyone.
    Public,
    /// A buyer's token from the lookup.
    Buyer,
    /// A buyer's token for the photo's order, or any staff session.
    BuyerOrStaff,
    /// A staff session; `owner_only`/`reports` narrow the roles (403 `forbidden` otherwise).
    Staff(Roles),
    /// A staff session and its CSRF token (a change).
    StaffChange(Roles),
    /// The shop system's import key.
    ShopKey,
}

/// Which staff roles an operation takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Roles {
    /// Every role.
    Any,
    /// Agents and the owner (reports, batches).
    AgentsAndOwner,
    /// The owner only.
    Owner,
}

/// What an operation reads from its body.
#[derive(Debug, Clone, Copy)]
enum Body {
    None,
    Json(SchemaOf),
    /// One JPEG, PNG or WebP image.
    Image,
    /// JSON, or CSV with one row per order line.
    JsonOrCsv(SchemaOf),
}

/// What a successful call answers.
#[derive(Debug, Clone, Copy)]
enum Answer {
    Json(u16, SchemaOf),
    /// 201 with what the request opened, or 200 with what the same request opened before.
    Opened(SchemaOf),
    /// The photo's bytes.
    Image,
    /// `text/csv`.
    Csv,
    /// An HTML file (the evidence pack).
    Html,
    /// This document.
    Document,
}

/// A query parameter.
#[derive(Debug, Clone, Copy)]
struct Query {
    name: &'static str,
    description: &'static str,
    schema: SchemaOf,
}

/// Refusals beyond the ones access and body imply.
#[derive(Debug, Clone, Copy, Default)]
struct Refuses {
    /// The policy's refusals ([`crate::policy::PolicyError`]), at their own statuses.
    policy: bool,
    /// A body valid as JSON with values the shop's rules refuse, per field (`invalid_fields`).
    fields: bool,
    /// A batch over the shop's caps ([`BatchRefusal`]).
    batch: bool,
}

/// One operation: a row of [`routes::TABLE`] described.
#[derive(Debug, Clone, Copy)]
struct Operation {
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    access: Access,
    body: Body,
    query: &'static [Query],
    /// A command to a case: `If-Match` with the version it was decided on (409 with the case as
    /// it is now when stale; without it, decided on the case as it is when its turn comes).
    if_match: bool,
    /// A filing: `Idempotency-Key` (a retry answers the first result).
    idempotency_key: bool,
    answer: Answer,
    /// Further API refusals this operation answers with.
    errors: &'static [ApiErrorCode],
    refuses: Refuses,
}

const NONE: Refuses = Refuses {
    policy: false,
    fields: false,
    batch: false,
};
const FIELDS: Refuses = Refuses {
    fields: true,
    ..NONE
};
/// A filing or a command: the policy's refusals, and photos that are not the order's.
const POLICY_AND_FIELDS: Refuses = Refuses {
    policy: true,
    fields: true,
    batch: false,
};

const CSV_QUERY: &[Query] = &[Query {
    name: "lang",
    description: "The labels' language (`zh-CN` or `en`); the `Accept-Language` header otherwise.",
    schema: of::<Lang>,
}];

const REBUILD_QUERY: &[Query] = &[Query {
    name: "only",
    description: "Rebuild this read model only.",
    schema: of::<RebuildOnly>,
}];

const QUEUE_QUERY: &[Query] = &[
    Query {
        name: "kind",
        description: "Only cases of this kind.",
        schema: of::<CaseKind>,
    },
    Query {
        name: "state",
        description: "Only cases in this state.",
        schema: of::<StateName>,
    },
    Query {
        name: "overdue",
        description: "`true` or `1`: only cases past their deadline.",
        schema: flag,
    },
    Query {
        name: "assignee",
        description: "Only cases this staff member (`st_…`) last acted on; not with `mine` or `unassigned`.",
        schema: staff_id,
    },
    Query {
        name: "mine",
        description: "`true` or `1`: only the caller's cases; not with `assignee` or `unassigned`.",
        schema: flag,
    },
    Query {
        name: "unassigned",
        description: "`true` or `1`: only cases no staff member acted on yet; not with `assignee` or `mine`.",
        schema: flag,
    },
    Query {
        name: "cursor",
        description: "`next_cursor` of the previous page.",
        schema: cursor,
    },
    Query {
        name: "limit",
        description: "Cases per page, 1 to 100 (default 25).",
        schema: limit,
    },
];

const CHANGES_QUERY: &[Query] = &[
    Query {
        name: "cursor",
        description: "`cursor` of the previous page.",
        schema: cursor,
    },
    Query {
        name: "limit",
        description: "Entries per page, 1 to 100 (default 20).",
        schema: limit,
    },
];

const BACKUP_QUERY: &[Query] = &[
    Query {
        name: "cursor",
        description: "`cursor` of the previous page.",
        schema: cursor,
    },
    Query {
        name: "password_hashes",
        description: "`true` or `1`: staff records keep their password hashes (salted PBKDF2); otherwise they are left out and the restore answers a one-time link per account to set a password.",
        schema: flag,
    },
];

const BACKUP_PHOTOS_QUERY: &[Query] = &[Query {
    name: "cursor",
    description: "`cursor` of the previous page.",
    schema: cursor,
}];

const RESTORE_PHOTO_QUERY: &[Query] = &[
    Query {
        name: "restore",
        description: "The open restore's `restore_id`.",
        schema: cursor,
    },
    Query {
        name: "order",
        description: "The order the photo was uploaded for.",
        schema: cursor,
    },
];

const SEARCH_QUERY: &[Query] = &[Query {
    name: "q",
    description: "A case id, an order number or a tracking number.",
    schema: search_text,
}];

fn flag(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({ "type": "string", "enum": ["true", "false", "1", "0"] })
}
fn staff_id(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({ "type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[^:]+$" })
}
fn cursor(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({ "type": "string", "minLength": 1 })
}
fn limit(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({ "type": "integer", "minimum": 1, "maximum": 100 })
}
fn search_text(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({ "type": "string", "minLength": 1, "pattern": "\\S" })
}

/// Every operation, in the order of [`routes::TABLE`]: what differs from a plain operation
/// (no body, no query, no version or key, no further refusals) is said; the rest defaults.
const OPERATIONS: &[Operation] = &[
    Operation::new(
        "GET",
        routes::HEALTH,
        "Liveness and version",
        Access::Public,
        Answer::Json(200, of::<Health>),
    ),
    Operation::new(
        "GET",
        routes::OPENAPI,
        "This document",
        Access::Public,
        Answer::Document,
    ),
    Operation::new(
        "POST",
        routes::LOOKUP,
        "Find an order by its number and the e-mail or phone on it; answers a buyer token for its cases",
        Access::Public,
        Answer::Json(200, of::<LookupResponse>),
    )
    .body(Body::Json(of::<LookupRequest>))
    .errors(&[ApiErrorCode::OrderNotFound, ApiErrorCode::RateLimited]),
    Operation::new(
        "POST",
        routes::LOOKUP_LINK,
        "Open a \"start a return\" link: its signed grant answers a buyer token for its order, as a lookup would",
        Access::Public,
        Answer::Json(200, of::<LookupResponse>),
    )
    .body(Body::Json(of::<crate::api::links::LinkLookup>))
    .errors(&[ApiErrorCode::LinkInvalid, ApiErrorCode::RateLimited]),
    Operation::new(
        "GET",
        routes::BUYER_ORDER,
        "The order, per-line eligibility, the buyer's cases, the policy and the buyer's standing",
        Access::Buyer,
        Answer::Json(200, of::<BuyerOrderView>),
    )
    .errors(&[ApiErrorCode::NotFound]),
    Operation::new(
        "POST",
        routes::BUYER_PREVIEW,
        "The policy's preview of a request (the function the portal runs as the buyer types)",
        Access::Buyer,
        Answer::Json(200, of::<Preview>),
    )
    .body(Body::Json(of::<CaseRequest>))
    .errors(&[ApiErrorCode::NotFound]),
    Operation::new(
        "POST",
        routes::BUYER_CASES,
        "File a case; a retry with the same Idempotency-Key answers the first result",
        Access::Buyer,
        Answer::Json(201, of::<CaseView>),
    )
    .body(Body::Json(of::<CaseRequest>))
    .idempotency_key()
    .errors(&[ApiErrorCode::BadRequest, ApiErrorCode::NotFound, ApiErrorCode::IdempotencyKeyReused])
    .refuses(POLICY_AND_FIELDS),
    Operation::new(
        "POST",
        routes::BUYER_PHOTOS,
        "Upload one proof photo (JPEG, PNG or WebP, at most 10 MB); metadata is removed",
        Access::Buyer,
        Answer::Json(201, of::<PhotoUploaded>),
    )
    .body(Body::Image)
    .errors(&[ApiErrorCode::TooLarge, ApiErrorCode::UnsupportedMediaType, ApiErrorCode::HeicUnsupported, ApiErrorCode::BrokenImage, ApiErrorCode::ImageTooLarge, ApiErrorCode::RateLimited]),
    Operation::new(
        "GET",
        "/api/buyer/cases/{id}",
        "One of the buyer's cases: history, whose move, deadline, actions, refund",
        Access::Buyer,
        Answer::Json(200, of::<CaseView>),
    )
    .errors(&[ApiErrorCode::TryAgain]),
    Operation::new(
        "POST",
        "/api/buyer/cases/{id}/commands",
        "A buyer's command to a case, decided on the version named in If-Match (`enter_return_tracking` may carry the return postage the shop owes: amount and receipt photo)",
        Access::Buyer,
        Answer::Json(200, of::<CaseView>),
    )
    .body(Body::Json(of::<Command>))
    .if_match()
    .refuses(POLICY_AND_FIELDS),
    Operation::new(
        "POST",
        "/api/buyer/cases/{id}/push",
        "Notify this browser of the case by Web Push: its PushSubscription (https push service, RFC 8291 keys), at most push_subscriptions_per_case per case; the same endpoint again renews it",
        Access::Buyer,
        Answer::Json(200, of::<crate::api::push::PushSubscriptions>),
    )
    .body(Body::Json(of::<crate::api::push::PushSubscription>))
    .errors(&[ApiErrorCode::NotFound, ApiErrorCode::TryAgain])
    .refuses(FIELDS),
    Operation::new(
        "DELETE",
        "/api/buyer/cases/{id}/push",
        "Stop notifying the browser of this endpoint (one the case does not hold is fine)",
        Access::Buyer,
        Answer::Json(200, of::<crate::api::push::PushSubscriptions>),
    )
    .body(Body::Json(of::<crate::api::push::PushRemove>))
    .errors(&[ApiErrorCode::NotFound, ApiErrorCode::TryAgain])
    .refuses(FIELDS),
    Operation::new(
        "GET",
        routes::PUSH_KEY,
        "The VAPID public key (applicationServerKey, base64url) the case page subscribes with; 404 when Web Push is not configured",
        Access::Public,
        Answer::Json(200, of::<crate::api::push::PushKey>),
    )
    .errors(&[ApiErrorCode::NotFound]),
    Operation::new(
        "GET",
        "/api/photos/{id}",
        "A proof photo, to its order's buyer or to the shop's staff",
        Access::BuyerOrStaff,
        Answer::Image,
    ),
    Operation::new(
        "POST",
        routes::STAFF_LOGIN,
        "Sign in: sets the __Host-session cookie and answers the CSRF token",
        Access::Public,
        Answer::Json(200, of::<SessionView>),
    )
    .body(Body::Json(of::<LoginRequest>))
    .errors(&[ApiErrorCode::BadCredentials, ApiErrorCode::RateLimited]),
    Operation::new(
        "POST",
        routes::STAFF_LOGOUT,
        "Sign out",
        Access::StaffChange(Roles::Any),
        Answer::Json(200, of::<SignedOut>),
    ),
    Operation::new(
        "GET",
        routes::STAFF_ME,
        "The signed-in staff member and the CSRF token",
        Access::Staff(Roles::Any),
        Answer::Json(200, of::<SessionView>),
    ),
    Operation::new(
        "GET",
        routes::STAFF_QUEUE,
        "Open cases, most urgent first (priority class, then the nearest deadline); a filtered page holds only matches",
        Access::Staff(Roles::Any),
        Answer::Json(200, of::<QueuePage>),
    )
    .query(QUEUE_QUERY)
    .errors(&[ApiErrorCode::BadRequest]),
    Operation::new(
        "GET",
        routes::STAFF_SEARCH,
        "The cases a case id, an order number or a tracking number names (none found: an empty list)",
        Access::Staff(Roles::Any),
        Answer::Json(200, of::<Vec<CaseSummary>>),
    )
    .query(SEARCH_QUERY)
    .errors(&[ApiErrorCode::BadRequest]),
    Operation::new(
        "GET",
        "/api/staff/cases/{id}",
        "A case with the buyer's other cases, its priority and this role's actions",
        Access::Staff(Roles::Any),
        Answer::Json(200, of::<CaseView>),
    )
    .errors(&[ApiErrorCode::TryAgain]),
    Operation::new(
        "POST",
        "/api/staff/cases/{id}/commands",
        "A staff command to a case, decided on the version named in If-Match (`adjust_postage`: agent or owner, with a reason)",
        Access::StaffChange(Roles::Any),
        Answer::Json(200, of::<CaseView>),
    )
    .body(Body::Json(of::<Command>))
    .if_match()
    .refuses(POLICY_AND_FIELDS),
    Operation::new(
        "POST",
        "/api/staff/cases/{id}/presence",
        "\"I have this case open\" (for 60 s): answers the others who had it open in the last minute",
        Access::StaffChange(Roles::Any),
        Answer::Json(200, of::<Vec<Viewer>>),
    ),
    Operation::new(
        "GET",
        routes::STAFF_CANNED,
        "Canned replies (话术) with their placeholders",
        Access::Staff(Roles::Any),
        Answer::Json(200, of::<Vec<CannedReply>>),
    ),
    Operation::new(
        "PUT",
        routes::STAFF_CANNED,
        "Replace the canned replies",
        Access::StaffChange(Roles::Owner),
        Answer::Json(200, of::<Vec<CannedReply>>),
    )
    .body(Body::Json(of::<Vec<CannedReply>>))
    .refuses(FIELDS),
    Operation::new(
        "GET",
        routes::STAFF_POLICY,
        "The shop's policy: every window, fee, limit and threshold",
        Access::Staff(Roles::Any),
        Answer::Json(200, of::<Policy>),
    ),
    Operation::new(
        "PUT",
        routes::STAFF_POLICY,
        "Replace the policy; checked per field, a bad value changes nothing",
        Access::StaffChange(Roles::Owner),
        Answer::Json(200, of::<Policy>),
    )
    .body(Body::Json(of::<Policy>))
    .refuses(FIELDS),
    Operation::new(
        "POST",
        routes::STAFF_POLICY_PREVIEW,
        "What saving a candidate policy would change: the settings, the open cases' deadlines that move, the requests awaiting an answer it opens or closes; field problems as a save would answer them",
        Access::StaffChange(Roles::Owner),
        Answer::Json(200, of::<PolicyPreview>),
    )
    .body(Body::Json(of::<Policy>))
    .refuses(FIELDS),
    Operation::new(
        "GET",
        routes::STAFF_POLICY_CHANGES,
        "The policy's change log, newest first: who saved, when, each setting before and after",
        Access::Staff(Roles::Owner),
        Answer::Json(200, of::<PolicyChangesPage>),
    )
    .query(CHANGES_QUERY),
    Operation::new(
        "GET",
        routes::STAFF_ACCOUNTS,
        "Staff accounts with their role and whether they are active",
        Access::Staff(Roles::Owner),
        Answer::Json(200, of::<Vec<Account>>),
    ),
    Operation::new(
        "POST",
        routes::STAFF_ACCOUNTS,
        "Create a staff account",
        Access::StaffChange(Roles::Owner),
        Answer::Json(201, of::<StaffView>),
    )
    .body(Body::Json(of::<NewStaff>))
    .errors(&[ApiErrorCode::Conflict])
    .refuses(FIELDS),
    Operation::new(
        "PATCH",
        "/api/staff/accounts/{id}",
        "Change an account's role, or disable or enable it (a disabled account's sessions stop at once); never the last active owner",
        Access::StaffChange(Roles::Owner),
        Answer::Json(200, of::<Account>),
    )
    .body(Body::Json(of::<AccountChange>))
    .errors(&[ApiErrorCode::NotFound, ApiErrorCode::LastOwner]),
    Operation::new(
        "GET",
        routes::STAFF_INVITES,
        "Invitations not yet used and not expired",
        Access::Staff(Roles::Owner),
        Answer::Json(200, of::<Vec<Invite>>),
    ),
    Operation::new(
        "POST",
        routes::STAFF_INVITES,
        "Invite someone: answers a one-time link that expires after the shop's invite_ttl_hours",
        Access::StaffChange(Roles::Owner),
        Answer::Json(201, of::<InviteCreated>),
    )
    .body(Body::Json(of::<InviteRequest>))
    .errors(&[ApiErrorCode::Conflict])
    .refuses(FIELDS),
    Operation::new(
        "GET",
        "/api/staff/invites/{id}",
        "What an invitation link offers (by its token)",
        Access::Public,
        Answer::Json(200, of::<Invite>),
    )
    .errors(&[ApiErrorCode::InviteUnknown, ApiErrorCode::InviteExpired, ApiErrorCode::InviteUsed]),
    Operation::new(
        "POST",
        routes::STAFF_INVITE_ACCEPT,
        "Accept an invitation: creates the account with this password and signs in (the link works once)",
        Access::Public,
        Answer::Json(201, of::<SessionView>),
    )
    .body(Body::Json(of::<AcceptInvite>))
    .errors(&[ApiErrorCode::InviteUnknown, ApiErrorCode::InviteExpired, ApiErrorCode::InviteUsed, ApiErrorCode::Conflict])
    .refuses(FIELDS),
    Operation::new(
        "GET",
        routes::STAFF_ANALYTICS,
        "The figures from the cases: per kind, state, reason and product; per day and week; refunds; time to first answer and to resolution; deadlines met; ratings per agent and their comments (the owner: the shop's; an agent: their own)",
        Access::Staff(Roles::AgentsAndOwner),
        Answer::Json(200, of::<AnalyticsReport>),
    ),
    Operation::new(
        "GET",
        routes::STAFF_ANALYTICS_CSV,
        "The same figures as CSV (section, key, label, cases, amount in yuan)",
        Access::Staff(Roles::AgentsAndOwner),
        Answer::Csv,
    )
    .query(CSV_QUERY),
    Operation::new(
        "GET",
        routes::STAFF_EXPORT,
        "Every case as CSV",
        Access::Staff(Roles::AgentsAndOwner),
        Answer::Csv,
    ),
    Operation::new(
        "POST",
        routes::STAFF_REBUILD,
        "Rebuild the read models (queue and filter indexes, summaries, histories, snapshots, facts and figures) from the case logs; `only=figures` refolds the figures from the recorded facts",
        Access::StaffChange(Roles::Owner),
        Answer::Json(200, of::<RebuildReport>),
    )
    .query(REBUILD_QUERY)
    .errors(&[ApiErrorCode::BadRequest]),
    Operation::new(
        "POST",
        routes::STAFF_BATCH_APPROVE,
        "Approve low-risk cases in one step, each on the version the queue showed, within the shop's caps",
        Access::StaffChange(Roles::AgentsAndOwner),
        Answer::Json(200, of::<BatchApproveReport>),
    )
    .body(Body::Json(of::<BatchApproveRequest>))
    .refuses(Refuses {batch: true, ..NONE}),
    Operation::new(
        "POST",
        routes::SHOP_ORDERS,
        "Import orders: a JSON array of orders, or text/csv with one row per order line",
        Access::ShopKey,
        Answer::Json(200, of::<ImportReport>),
    )
    .body(Body::JsonOrCsv(of::<Vec<Order>>))
    .errors(&[ApiErrorCode::BadRequest, ApiErrorCode::InvalidOrders])
    .refuses(FIELDS),
    Operation::new(
        "POST",
        routes::SHOP_LINKS,
        "A signed, expiring \"start a return\" link to one order's page, for the shop's order e-mail",
        Access::ShopKey,
        Answer::Json(200, of::<crate::api::links::StartLink>),
    )
    .body(Body::Json(of::<crate::api::links::StartLinkRequest>))
    .errors(&[ApiErrorCode::OrderNotFound]),
    Operation::new(
        "POST",
        routes::SHOP_BOOTSTRAP,
        "Create the first owner account; refused once any account exists",
        Access::ShopKey,
        Answer::Json(201, of::<StaffView>),
    )
    .body(Body::Json(of::<NewStaff>))
    .errors(&[ApiErrorCode::Conflict])
    .refuses(FIELDS),
    Operation::new(
        "GET",
        routes::STAFF_BACKUP,
        "One page of the shop's records for a backup: case logs, orders, staff, settings, canned replies, the policy's change log, push subscriptions (never sessions or read models)",
        Access::Staff(Roles::Owner),
        Answer::Json(200, of::<BackupPage>),
    )
    .query(BACKUP_QUERY)
    .errors(&[ApiErrorCode::BadRequest]),
    Operation::new(
        "GET",
        routes::STAFF_BACKUP_PHOTOS,
        "One page of the shop's proof photos for a backup (each photo's bytes: GET /api/photos/{id})",
        Access::Staff(Roles::Owner),
        Answer::Json(200, of::<BackupPhotoPage>),
    )
    .query(BACKUP_PHOTOS_QUERY)
    .errors(&[ApiErrorCode::BadRequest]),
    Operation::new(
        "POST",
        routes::SHOP_RESTORE,
        "Open a restore: only into a shop with no staff account, order or case yet",
        Access::ShopKey,
        Answer::Json(201, of::<RestoreOpened>),
    )
    .body(Body::Json(of::<RestoreBegin>))
    .errors(&[ApiErrorCode::ShopNotEmpty])
    .refuses(FIELDS),
    Operation::new(
        "POST",
        routes::SHOP_RESTORE_RECORDS,
        "Write one page of a backup's records into the open restore (checked as a whole first: a bad record writes nothing)",
        Access::ShopKey,
        Answer::Json(200, of::<RestoreWritten>),
    )
    .body(Body::Json(of::<RestoreRecords>))
    .errors(&[ApiErrorCode::RestoreNotOpen])
    .refuses(FIELDS),
    Operation::new(
        "PUT",
        "/api/shop/restore/photos/{id}",
        "Write one proof photo of a backup, byte for byte, into the open restore",
        Access::ShopKey,
        Answer::Json(200, of::<RestoreWritten>),
    )
    .body(Body::Image)
    .query(RESTORE_PHOTO_QUERY)
    .errors(&[ApiErrorCode::RestoreNotOpen, ApiErrorCode::UnsupportedMediaType, ApiErrorCode::TooLarge]),
    Operation::new(
        "POST",
        routes::SHOP_RESTORE_REBUILD,
        "Derive some restored cases' read models from their logs (every case's `links` pass before any case's `index` pass)",
        Access::ShopKey,
        Answer::Json(200, of::<RestoreWritten>),
    )
    .body(Body::Json(of::<RestoreRebuild>))
    .errors(&[ApiErrorCode::RestoreNotOpen])
    .refuses(FIELDS),
    Operation::new(
        "POST",
        routes::SHOP_RESTORE_FINISH,
        "Close the restore: answers a one-time link per account restored without its password",
        Access::ShopKey,
        Answer::Json(200, of::<RestoreFinished>),
    )
    .body(Body::Json(of::<RestoreFinish>))
    .errors(&[ApiErrorCode::RestoreNotOpen]),
    Operation::new(
        "POST",
        "/api/shop/orders/{id}/tracking",
        "The courier's record of an order's parcel, as the shop's system has it: its scans merge into what is kept (a repeat changes nothing; another carrier or number replaces it). The buyer's order page shows it, and a parcel without a new scan for `deadlines.parcel_stalled_days` (or past `promised_by`) may be claimed as not received without further proof",
        Access::ShopKey,
        Answer::Json(200, of::<crate::domain::ParcelTracking>),
    )
    .body(Body::Json(of::<crate::domain::ParcelTracking>))
    .errors(&[ApiErrorCode::OrderNotFound])
    .refuses(FIELDS),
    Operation::new(
        "POST",
        routes::BUYER_HELPED,
        "The shop's tips solved this line's problem without a request: counted once per order and line (a repeat answers `counted: false`)",
        Access::Buyer,
        Answer::Json(200, of::<crate::api::tips::HelpedAnswer>),
    )
    .body(Body::Json(of::<crate::api::tips::Helped>))
    .errors(&[ApiErrorCode::NotFound]),
    Operation::new(
        "POST",
        "/api/shop/orders/{id}/reviews",
        "A bad review from the shop's platform opens its follow-up case (差评挽回) in the dispute class; the same `platform` and `external_ref` open one case (201 the first time, then 200 with it)",
        Access::ShopKey,
        Answer::Opened(of::<CaseView>),
    )
    .body(Body::Json(of::<crate::domain::BadReview>))
    .errors(&[ApiErrorCode::OrderNotFound, ApiErrorCode::BadRequest])
    .refuses(POLICY_AND_FIELDS),
    Operation::new(
        "POST",
        "/api/staff/orders/{id}/reviews",
        "A bad review recorded by hand opens its follow-up case; without an `external_ref`, the `Idempotency-Key` header makes a retry answer the same case",
        Access::Staff(Roles::AgentsAndOwner),
        Answer::Opened(of::<CaseView>),
    )
    .body(Body::Json(of::<crate::domain::BadReview>))
    .errors(&[ApiErrorCode::OrderNotFound, ApiErrorCode::BadRequest])
    .refuses(POLICY_AND_FIELDS),
    Operation::new(
        "GET",
        "/api/staff/cases/{id}/evidence",
        "The case's evidence pack for a platform or a consumer body (维权): the order and its scans, the request, its photos embedded, the timeline, the messages and the policy applied, in the buyer's language and the shop's, as one HTML file",
        Access::Staff(Roles::AgentsAndOwner),
        Answer::Html,
    )
    .errors(&[ApiErrorCode::NotFound]),
];

impl Operation {
    const fn new(
        method: &'static str,
        path: &'static str,
        summary: &'static str,
        access: Access,
        answer: Answer,
    ) -> Self {
        Self {
            method,
            path,
            summary,
            access,
            body: Body::None,
            query: &[],
            if_match: false,
            idempotency_key: false,
            answer,
            errors: &[],
            refuses: NONE,
        }
    }

    const fn body(self, body: Body) -> Self {
        Self { body, ..self }
    }

    const fn query(self, query: &'static [Query]) -> Self {
        Self { query, ..self }
    }

    const fn if_match(self) -> Self {
        Self {
            if_match: true,
            ..self
        }
    }

    const fn idempotency_key(self) -> Self {
        Self {
            idempotency_key: true,
            ..self
        }
    }

    const fn errors(self, errors: &'static [ApiErrorCode]) -> Self {
        Self { errors, ..self }
    }

    const fn refuses(self, refuses: Refuses) -> Self {
        Self { refuses, ..self }
    }
}

/// The document, as the worker serves it.
#[must_use]
pub fn document() -> Value {
    let mut generator = SchemaSettings::draft2020_12()
        .with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
        })
        .with_transform(bound_integers)
        .into_generator();
    let error_body = of::<ErrorBody>(&mut generator).to_value();
    let stale_case = of::<StaleCase>(&mut generator).to_value();
    let mut paths = Map::new();
    for op in OPERATIONS {
        let entry = paths
            .entry(op.path.to_string())
            .or_insert_with(|| json!({}));
        if let Some(item) = entry.as_object_mut() {
            item.insert(
                op.method.to_ascii_lowercase(),
                operation(op, &mut generator, &error_body, &stale_case),
            );
        }
    }
    let schemas = generator.take_definitions(true);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "After-sales (售后) API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Buyers file and track after-sales cases; staff work them; shop systems import orders. \
                Generated from the code's types (`shared::openapi`). Every error is an `ErrorBody` whose `message` is in \
                the Accept-Language language (zh-CN or en); clients branch on `code`. A path served with another method \
                answers 405 with `Allow`. Webhooks: every case event is POSTed to WEBHOOK_URL with \
                `X-Aftersales-Signature: t=<ms>,v1=<hex HMAC-SHA256 of \"<ms>.<body>\" under WEBHOOK_SECRET>`."
        },
        "paths": paths,
        "components": {
            "securitySchemes": {
                "buyerToken": {
                    "type": "http", "scheme": "bearer",
                    "description": "The token from POST /api/lookup (signed, expiring, one order)"
                },
                "staffSession": { "type": "apiKey", "in": "cookie", "name": "__Host-session" },
                "csrf": {
                    "type": "apiKey", "in": "header", "name": "X-CSRF-Token",
                    "description": "From login or /api/staff/me; required on every staff change"
                },
                "importApiKey": {
                    "type": "http", "scheme": "bearer", "description": "The IMPORT_API_KEY secret"
                }
            },
            "schemas": schemas,
        },
    })
}

/// Gives every integer the range its Rust type holds, as its `format` names it: a value the
/// document allows must fit the field that reads it (`usize` is the worker's, 32 bits).
fn bound_integers(schema: &mut Schema) {
    let range: Option<(i128, i128)> = match schema.get("format").and_then(Value::as_str) {
        Some("uint8") => Some((0, u8::MAX.into())),
        Some("uint16") => Some((0, u16::MAX.into())),
        Some("uint32" | "uint") => Some((0, u32::MAX.into())),
        Some("int32") => Some((i32::MIN.into(), i32::MAX.into())),
        Some("int64") => Some((i64::MIN.into(), i64::MAX.into())),
        Some("uint64") => Some((0, u64::MAX.into())),
        _ => None,
    };
    if let Some((min, max)) = range {
        if schema.get("minimum").is_none() {
            schema.insert("minimum".into(), number(min));
        }
        if schema.get("maximum").is_none() {
            schema.insert("maximum".into(), number(max));
        }
    }
    schemars::transform::transform_subschemas(&mut bound_integers, schema);
}

fn number(n: i128) -> Value {
    i64::try_from(n)
        .map(Value::from)
        .or_else(|_| u64::try_from(n).map(Value::from))
        .unwrap_or(Value::Null)
}

fn operation(
    op: &Operation,
    generator: &mut SchemaGenerator,
    error_body: &Value,
    stale_case: &Value,
) -> Value {
    let mut out = Map::new();
    out.insert("summary".into(), op.summary.into());
    out.insert(
        "operationId".into(),
        format!(
            "{}{}",
            op.method.to_ascii_lowercase(),
            op.path
                .trim_start_matches("/api")
                .replace(['/', '.', '-'], "_")
                .replace("{id}", "by_id")
        )
        .into(),
    );
    let security = match op.access {
        Access::Public => None,
        Access::Buyer => Some(json!([{ "buyerToken": [] }])),
        Access::BuyerOrStaff => Some(json!([{ "buyerToken": [] }, { "staffSession": [] }])),
        Access::Staff(_) => Some(json!([{ "staffSession": [] }])),
        Access::StaffChange(_) => Some(json!([{ "staffSession": [], "csrf": [] }])),
        Access::ShopKey => Some(json!([{ "importApiKey": [] }])),
    };
    if let Some(security) = security {
        out.insert("security".into(), security);
    }
    let mut parameters = Vec::new();
    if op.path.contains("{id}") {
        parameters.push(json!({
            "name": "id", "in": "path", "required": true,
            "schema": { "type": "string", "minLength": 1, "maxLength": 64 }
        }));
    }
    for q in op.query {
        parameters.push(json!({
            "name": q.name, "in": "query", "required": q.name == "q",
            "description": q.description, "schema": (q.schema)(generator).to_value()
        }));
    }
    if op.if_match {
        parameters.push(json!({
            "name": "If-Match", "in": "header", "required": false,
            "description": "The case's `version` the command was decided on, as `\"<version>\"`: another version is refused with 409 and the case as it is now. Without it, the command is decided on the case as it is when its turn comes (the order's changes run one at a time), so of two conflicting commands exactly one applies",
            "schema": { "type": "string", "pattern": "^(W/)?\"?[0-9]+\"?$" }
        }));
    }
    if op.idempotency_key {
        parameters.push(json!({
            "name": "Idempotency-Key", "in": "header", "required": true,
            "description": "Chosen by the client per filing (letters, digits, `-` and `_`, at most 100); a retry with the same key and body answers the first result",
            "schema": { "type": "string", "minLength": 1, "maxLength": 100, "pattern": "^[A-Za-z0-9_-]+$" }
        }));
    }
    parameters.push(json!({
        "name": "Accept-Language", "in": "header", "required": false,
        "description": "zh-CN or en: the language of every message in the answer",
        "schema": { "type": "string" }
    }));
    out.insert("parameters".into(), parameters.into());
    match op.body {
        Body::None => {}
        Body::Json(schema) => {
            out.insert(
                "requestBody".into(),
                json!({ "required": true, "content": {
                    "application/json": { "schema": schema(generator).to_value() }
                }}),
            );
        }
        Body::Image => {
            let image = json!({ "schema": { "type": "string", "format": "binary" } });
            out.insert(
                "requestBody".into(),
                json!({ "required": true, "content": {
                    "image/jpeg": image, "image/png": image, "image/webp": image
                }}),
            );
        }
        Body::JsonOrCsv(schema) => {
            out.insert(
                "requestBody".into(),
                json!({ "required": true, "content": {
                    "application/json": { "schema": schema(generator).to_value() },
                    "text/csv": { "schema": { "type": "string" } }
                }}),
            );
        }
    }
    let mut responses = Map::new();
    let (status, success) = match op.answer {
        Answer::Json(status, schema) => (
            status,
            json!({ "description": "Done", "content": {
                "application/json": { "schema": schema(generator).to_value() }
            }}),
        ),
        Answer::Opened(schema) => {
            let content = json!({ "application/json": { "schema": schema(generator).to_value() } });
            responses.insert(
                "200".into(),
                json!({ "description": "Opened before by the same request", "content": content }),
            );
            (201, json!({ "description": "Opened", "content": content }))
        }
        Answer::Image => (
            200,
            json!({ "description": "The photo", "content": {
                "image/jpeg": { "schema": { "type": "string", "format": "binary" } },
                "image/png": { "schema": { "type": "string", "format": "binary" } },
                "image/webp": { "schema": { "type": "string", "format": "binary" } }
            }}),
        ),
        Answer::Csv => (
            200,
            json!({ "description": "Every case, one row each", "content": {
                "text/csv": { "schema": { "type": "string" } }
            }}),
        ),
        Answer::Html => (
            200,
            json!({ "description": "The evidence pack: one HTML file, photos embedded", "content": {
                "text/html": { "schema": { "type": "string" } }
            }}),
        ),
        Answer::Document => (
            200,
            json!({ "description": "This document", "content": {
                "application/json": { "schema": { "type": "object" } }
            }}),
        ),
    };
    responses.insert(status.to_string(), success);
    for (status, codes) in refusals(op) {
        let carries_case = op.if_match && status == 409;
        let body = if carries_case {
            json!({ "anyOf": [stale_case, error_body] })
        } else {
            error_body.clone()
        };
        let mut listed = String::new();
        for code in &codes {
            if !listed.is_empty() {
                listed.push_str(", ");
            }
            listed.push('`');
            listed.push_str(code);
            listed.push('`');
        }
        let description = if carries_case {
            format!(
                "{listed}; a stale or missing version answers the case as it is now in `current`"
            )
        } else {
            listed
        };
        responses.insert(
            status.to_string(),
            json!({ "description": description, "content": {
                "application/json": { "schema": {
                    "allOf": [body, { "properties": { "code": { "enum": codes } } }]
                }}
            }}),
        );
    }
    out.insert("responses".into(), responses.into());
    Value::Object(out)
}

/// The error codes an operation answers with, by status: what its access, its body and its
/// kind of change imply, plus the ones it lists.
fn refusals(op: &Operation) -> std::collections::BTreeMap<u16, Vec<&'static str>> {
    let mut codes: Vec<(u16, &'static str)> = Vec::new();
    let mut api = |code: ApiErrorCode| codes.push((code.status(), code.code()));
    api(ApiErrorCode::Internal);
    match op.access {
        Access::Public => {}
        Access::Buyer | Access::BuyerOrStaff | Access::ShopKey => {
            api(ApiErrorCode::Unauthenticated);
        }
        Access::Staff(roles) | Access::StaffChange(roles) => {
            api(ApiErrorCode::Unauthenticated);
            if roles != Roles::Any {
                api(ApiErrorCode::Forbidden);
            }
            if matches!(op.access, Access::StaffChange(_)) {
                api(ApiErrorCode::CsrfMismatch);
            }
        }
    }
    if op.path.contains("{id}") {
        api(ApiErrorCode::NotFound);
    }
    match op.body {
        Body::None => {}
        Body::Json(_) | Body::JsonOrCsv(_) => {
            api(ApiErrorCode::MalformedJson);
            api(ApiErrorCode::TooLarge);
            api(ApiErrorCode::UnsupportedMediaType);
        }
        Body::Image => api(ApiErrorCode::BadRequest),
    }
    if op.if_match {
        api(ApiErrorCode::Conflict);
        api(ApiErrorCode::TryAgain);
    }
    for code in op.errors {
        api(*code);
    }
    if op.refuses.fields {
        api(ApiErrorCode::InvalidFields);
    }
    if op.refuses.policy {
        for code in PolicyErrorCode::iter() {
            if code == PolicyErrorCode::Ineligible {
                // Answered with the refusal's own code, which says why.
                for refusal in RefusalTag::iter() {
                    codes.push((code.status(), refusal.into()));
                }
            } else {
                codes.push((code.status(), code.into()));
            }
        }
    }
    if op.refuses.batch {
        for code in BatchRefusal::CODES {
            codes.push((422, code));
        }
    }
    let mut by_status = std::collections::BTreeMap::<u16, Vec<&'static str>>::new();
    for (status, code) in codes {
        let list = by_status.entry(status).or_default();
        if !list.contains(&code) {
            list.push(code);
        }
    }
    by_status
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_route_of_the_table_is_described_once_and_nothing_else() {
        let described: Vec<(&str, &str)> = OPERATIONS.iter().map(|o| (o.method, o.path)).collect();
        let unique: BTreeSet<_> = described.iter().collect();
        assert_eq!(
            unique.len(),
            described.len(),
            "an operation described twice"
        );
        assert_eq!(described, routes::TABLE.to_vec());
    }

    #[test]
    fn every_reference_resolves_and_every_schema_is_used_by_a_route() {
        let doc = document();
        let schemas = doc["components"]["schemas"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let text = doc.to_string();
        let mut referenced = BTreeSet::new();
        for (at, _) in text.match_indices("#/components/schemas/") {
            let name: String = text[at + 21..].chars().take_while(|c| *c != '"').collect();
            referenced.insert(name);
        }
        for name in &referenced {
            assert!(
                schemas.contains_key(name),
                "{name} is referenced but not defined"
            );
        }
        for name in schemas.keys() {
            assert!(referenced.contains(name), "{name} is defined but unused");
        }
        // The wire types a command and a filing carry are described field by field.
        assert!(schemas.contains_key("Command") && schemas.contains_key("CaseRequest"));
    }

    #[test]
    fn a_command_route_lists_its_version_refusals_and_the_policy_codes() {
        let doc = document();
        let op = &doc["paths"]["/api/staff/cases/{id}/commands"]["post"];
        let codes = |status: &str| -> Vec<String> {
            op["responses"][status]["content"]["application/json"]["schema"]["allOf"][1]
                ["properties"]["code"]["enum"]
                .as_array()
                .map(|a| a.iter().filter_map(|c| c.as_str().map(String::from)).collect())
                .unwrap_or_default()
        };
        assert!(op["responses"]["428"].is_null(), "If-Match is optional");
        assert!(codes("409").contains(&"conflict".to_string()));
        assert!(codes("409").contains(&"not_allowed_in_state".to_string()));
        assert!(codes("403").contains(&"not_allowed_for_actor".to_string()));
        assert!(codes("422").contains(&"invalid_amount".to_string()));
        assert!(!codes("422").contains(&"not_allowed_in_state".to_string()));
    }

    /// The `code` tags a tagged error enum's schema allows.
    fn tags<T: JsonSchema>() -> BTreeSet<String> {
        let schema = SchemaSettings::draft2020_12()
            .with(|s| s.inline_subschemas = true)
            .into_generator()
            .into_root_schema_for::<T>()
            .to_value();
        schema["oneOf"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v["properties"]["code"]["const"].as_str().map(String::from))
            .collect()
    }

    #[test]
    fn the_listed_codes_are_the_refusals_tags() {
        let policy: BTreeSet<String> = PolicyErrorCode::iter()
            .map(|c| <&str>::from(c).to_string())
            .collect();
        assert_eq!(policy, tags::<crate::policy::PolicyError>());
        let refusals: BTreeSet<String> = RefusalTag::iter()
            .map(|c| <&str>::from(c).to_string())
            .collect();
        assert_eq!(refusals, tags::<crate::policy::Refusal>());
        let batch: BTreeSet<String> = BatchRefusal::CODES.iter().map(|c| c.to_string()).collect();
        assert_eq!(batch, tags::<BatchRefusal>());
    }
}
