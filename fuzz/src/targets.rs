//! One entry per route of `shared::api::routes::TABLE` ([`ROUTES`]): what the worker decodes
//! there, and the functions it decodes and validates with, called here as the handler calls
//! them (the handler's storage reads are replaced by one fixed shop: the default policy, one
//! order, a case filed and a case approved on it). A test holds [`ROUTES`] to the table, so a
//! route added without saying what it reads fails the build's tests.
//!
//! Not driven here: path parameters (case ids, photo ids, invite tokens: looked up as storage
//! keys, never parsed) and headers (`Idempotency-Key`, `If-Match`, tokens: checked by the
//! worker's auth with Web Crypto, which Node's wasm runner does not give a pure crate).

use std::sync::OnceLock;

use serde::de::DeserializeOwned;
use shared::api::decode::{
    MAX_IMPORT_BYTES, MAX_JSON_BYTES, MAX_PHOTO_BYTES, PolicyDocumentError, parse_json,
    policy_document,
};
use shared::api::import::{check_order, check_review, check_tracking, parse_csv};
use shared::api::links::{LinkLookup, StartLinkRequest};
use shared::api::push::{PushRemove, PushSubscription};
use shared::api::query::{ChangesQuery, QueueQuery, RebuildQuery, ReportQuery};
use shared::api::team::{AcceptInvite, Account, AccountChange, InviteRequest};
use shared::api::{
    ApiErrorCode, BatchApproveRequest, CannedReply, LoginRequest, LookupRequest, NewStaff,
};
use shared::domain::{
    Actor, Case, CaseRequest, Command, Order, ParcelTracking, Role, Timestamp,
    order_number_match_key,
};
use shared::i18n::Lang;
use shared::photos::{self, CleanImage};
use shared::policy::{
    self, BatchRefusal, BuyerStanding, Context, FieldError, OpenCase, Policy, PolicyError,
};
use shared::team::{ChangeRefused, apply_change, check_invite, check_password};

use crate::Outcome;
use crate::mutate::Kind;

/// One decoder under fuzzing.
#[derive(Debug)]
pub struct Target {
    /// Its name in reports.
    pub name: &'static str,
    /// Which mutations suit its input.
    pub kind: Kind,
    /// The most bytes the worker reads for it (a longer input is refused, 413, unread).
    pub limit: usize,
    /// Valid inputs, each accepted (checked at every run).
    pub seeds: fn() -> Vec<Vec<u8>>,
    /// Decode and validate, as the worker does.
    pub run: fn(&[u8]) -> Outcome,
}

/// What a route reads from the client besides its path and headers.
#[derive(Debug)]
pub enum Reads {
    /// A body (or a query string) and its decoder.
    Input(&'static Target),
    /// Nothing: the reason is the route's own.
    Nothing(&'static str),
}

/// Every route of `shared::api::routes::TABLE`, with what it reads.
pub const ROUTES: &[(&str, &str, Reads)] = &[
    ("GET", "/api/health", Reads::Nothing("no input")),
    ("GET", "/api/openapi.json", Reads::Nothing("no input")),
    ("POST", "/api/lookup", Reads::Input(&LOOKUP)),
    ("POST", "/api/lookup/link", Reads::Input(&LOOKUP_LINK)),
    ("GET", "/api/buyer/order", Reads::Nothing("token only")),
    ("POST", "/api/buyer/preview", Reads::Input(&BUYER_PREVIEW)),
    ("POST", "/api/buyer/cases", Reads::Input(&BUYER_FILE)),
    ("POST", "/api/buyer/photos", Reads::Input(&PHOTO)),
    ("GET", "/api/buyer/cases/{id}", Reads::Nothing("path id")),
    (
        "POST",
        "/api/buyer/cases/{id}/commands",
        Reads::Input(&BUYER_COMMAND),
    ),
    (
        "POST",
        "/api/buyer/cases/{id}/push",
        Reads::Input(&PUSH_SUBSCRIBE),
    ),
    (
        "DELETE",
        "/api/buyer/cases/{id}/push",
        Reads::Input(&PUSH_REMOVE),
    ),
    ("GET", "/api/push/key", Reads::Nothing("no input")),
    ("GET", "/api/photos/{id}", Reads::Nothing("path id")),
    ("POST", "/api/staff/login", Reads::Input(&LOGIN)),
    ("POST", "/api/staff/logout", Reads::Nothing("session only")),
    ("GET", "/api/staff/me", Reads::Nothing("session only")),
    ("GET", "/api/staff/queue", Reads::Input(&QUEUE_QUERY)),
    ("GET", "/api/staff/search", Reads::Input(&SEARCH_QUERY)),
    ("GET", "/api/staff/cases/{id}", Reads::Nothing("path id")),
    (
        "POST",
        "/api/staff/cases/{id}/commands",
        Reads::Input(&STAFF_COMMAND),
    ),
    (
        "POST",
        "/api/staff/cases/{id}/presence",
        Reads::Nothing("no body"),
    ),
    (
        "GET",
        "/api/staff/canned-replies",
        Reads::Nothing("no input"),
    ),
    ("PUT", "/api/staff/canned-replies", Reads::Input(&CANNED)),
    ("GET", "/api/staff/policy", Reads::Nothing("no input")),
    ("PUT", "/api/staff/policy", Reads::Input(&POLICY_SAVE)),
    (
        "POST",
        "/api/staff/policy/preview",
        Reads::Input(&POLICY_PREVIEW),
    ),
    (
        "GET",
        "/api/staff/policy/changes",
        Reads::Input(&CHANGES_QUERY),
    ),
    ("GET", "/api/staff/accounts", Reads::Nothing("no input")),
    ("POST", "/api/staff/accounts", Reads::Input(&NEW_STAFF)),
    (
        "PATCH",
        "/api/staff/accounts/{id}",
        Reads::Input(&ACCOUNT_CHANGE),
    ),
    ("GET", "/api/staff/invites", Reads::Nothing("no input")),
    ("POST", "/api/staff/invites", Reads::Input(&INVITE)),
    (
        "GET",
        "/api/staff/invites/{id}",
        Reads::Nothing("path token"),
    ),
    (
        "POST",
        "/api/staff/invites/accept",
        Reads::Input(&ACCEPT_INVITE),
    ),
    ("GET", "/api/staff/analytics", Reads::Nothing("no input")),
    (
        "GET",
        "/api/staff/analytics.csv",
        Reads::Input(&REPORT_QUERY),
    ),
    ("GET", "/api/staff/export.csv", Reads::Nothing("no input")),
    (
        "POST",
        "/api/staff/rebuild-indexes",
        Reads::Input(&REBUILD_QUERY),
    ),
    ("POST", "/api/staff/batch-approve", Reads::Input(&BATCH)),
    ("POST", "/api/shop/orders", Reads::Input(&IMPORT_JSON)),
    ("POST", "/api/shop/links", Reads::Input(&START_LINK)),
    ("POST", "/api/shop/bootstrap", Reads::Input(&NEW_STAFF)),
    (
        "POST",
        "/api/shop/orders/{id}/tracking",
        Reads::Input(&TRACKING),
    ),
    (
        "POST",
        "/api/shop/orders/{id}/reviews",
        Reads::Input(&REVIEW),
    ),
    (
        "POST",
        "/api/staff/orders/{id}/reviews",
        Reads::Input(&REVIEW),
    ),
    (
        "GET",
        "/api/staff/cases/{id}/evidence",
        Reads::Nothing("a case id looked up as a key; the pack escapes everything it writes"),
    ),
    (
        "GET",
        "/api/staff/backup",
        Reads::Nothing("owner only: a cursor the worker issued (opaque, looked up) and a flag"),
    ),
    (
        "GET",
        "/api/staff/backup/photos",
        Reads::Nothing("owner only: a cursor the worker issued (opaque, looked up)"),
    ),
    ("POST", "/api/shop/restore", Reads::Input(&RESTORE_BEGIN)),
    (
        "POST",
        "/api/shop/restore/records",
        Reads::Input(&RESTORE_RECORDS),
    ),
    (
        "PUT",
        "/api/shop/restore/photos/{id}",
        Reads::Nothing(
            "bytes stored as exported (already cleaned when first uploaded); ids in the query are looked up",
        ),
    ),
    (
        "POST",
        "/api/shop/restore/rebuild",
        Reads::Input(&RESTORE_REBUILD),
    ),
    (
        "POST",
        "/api/shop/restore/finish",
        Reads::Input(&RESTORE_FINISH),
    ),
    ("POST", "/api/buyer/helped", Reads::Input(&BUYER_HELPED)),
];

/// Every target once (the order import also takes CSV, which no route row names twice).
#[must_use]
pub fn all() -> Vec<&'static Target> {
    let mut out: Vec<&'static Target> = Vec::new();
    for (_, _, reads) in ROUTES {
        if let Reads::Input(t) = reads
            && !out.iter().any(|o| o.name == t.name)
        {
            out.push(t);
        }
    }
    out.push(&IMPORT_CSV);
    out
}

// ---------------------------------------------------------------------------------------------
// Outcomes.

fn api(code: ApiErrorCode) -> Outcome {
    Outcome::Refused(vec![code.code().into()])
}

/// A field problem's code, or a code that fails the stability check if a message is missing.
fn field(problem: &FieldError) -> String {
    if problem.field.is_empty() || problem.message_en.is_empty() || problem.message_zh.is_empty() {
        return format!("MISSING MESSAGE for {}", problem.code);
    }
    problem.code.clone()
}

fn fields(problems: &[FieldError]) -> Outcome {
    Outcome::Refused(problems.iter().map(field).collect())
}

fn refusal(e: &PolicyError) -> String {
    if e.message(Lang::En).is_empty() || e.message(Lang::ZhCn).is_empty() {
        return format!("MISSING MESSAGE for {}", e.code());
    }
    e.code().into()
}

/// `parse_json`, or the outcome of its refusal.
fn decode<T: DeserializeOwned>(input: &[u8]) -> Result<T, Outcome> {
    parse_json(input).map_err(api)
}

// ---------------------------------------------------------------------------------------------
// The fixed shop the handlers' storage reads are replaced by.

/// The order every buyer route is about (`SO-1001`, signed for two days before [`now`]).
const ORDER: &str = r#"{"number":"SO-1001","shop_id":"demo","currency":"CNY","buyer":{"name":"Li Lei","email":"li@example.com","phone":"13800138000"},"lines":[{"sku":"S1","title":"Shirt","category":"apparel","unit_price":19900,"quantity":2,"discount":1000,"flags":{"perishable":false}},{"sku":"S2","title":"Socks","category":"apparel","unit_price":3900,"quantity":1}],"shipping_fee":1000,"free_shipping_threshold":9900,"shipping_insurance":false,"paid_at":1793498400000,"shipped_at":1793584800000,"signed_for_at":1793671200000}"#;

/// The request filed as the fixture case, and the first preview seed.
const REQUEST: &str = r#"{"kind":"return_and_refund","reason":"size_or_fit","lines":[{"sku":"S1","quantity":1}],"note":"Too small","photos":[],"intact_confirmed":true}"#;

fn now() -> Timestamp {
    Timestamp(1_793_844_000_000)
}

fn shop_policy() -> &'static Policy {
    static POLICY: OnceLock<Policy> = OnceLock::new();
    POLICY.get_or_init(Policy::default)
}

/// The fixed shop with a tip for its apparel (the "this solved it" route's policy).
fn tips_policy() -> &'static Policy {
    static POLICY: OnceLock<Policy> = OnceLock::new();
    POLICY.get_or_init(|| {
        let mut policy = Policy::default();
        policy.tips.categories.insert(
            "apparel".into(),
            vec![policy::Tip {
                title: "Shrunk after washing".into(),
                steps: vec!["Soak in lukewarm water with conditioner".into()],
            }],
        );
        policy
    })
}

#[allow(clippy::expect_used)] // A broken fixture is the harness's own bug: fail loudly.
fn order() -> &'static Order {
    static ORDER_: OnceLock<Order> = OnceLock::new();
    ORDER_.get_or_init(|| parse_json(ORDER.as_bytes()).expect("the fixture order decodes"))
}

fn context(other_cases: &[Case]) -> Context<'_> {
    Context {
        policy: shop_policy(),
        now: now(),
        other_cases,
        buyer: BuyerStanding::default(),
    }
}

fn owner() -> Actor {
    Actor::Staff {
        id: "st_1".into(),
        role: Role::Owner,
    }
}

/// Cases of the order: one awaiting review (a size that does not fit: the buyer pays the
/// return), one approved for the return of a faulty item (where the buyer enters a tracking
/// number and claims the postage), and that one with the return on its way and its postage
/// claimed (where staff adjust the postage). Commands are decided on each (three versions of
/// two cases: the order's other cases for the context are the first two).
#[allow(clippy::expect_used)] // A broken fixture is the harness's own bug: fail loudly.
fn cases() -> &'static [Case] {
    static CASES: OnceLock<Vec<Case>> = OnceLock::new();
    CASES.get_or_init(|| {
        let file = |id: &str, request: &str, others: &[Case]| {
            let request: CaseRequest =
                parse_json(request.as_bytes()).expect("the fixture request decodes");
            policy::file_case(id.into(), order(), request, &context(others))
                .expect("the fixture case files")
        };
        let awaiting = file("AS-1", REQUEST, &[]);
        let faulty = file(
            "AS-2",
            r#"{"kind":"return_and_refund","reason":"quality_fault","lines":[{"sku":"S2","quantity":1}],"note":"The seam is open","photos":["0123456789abcdef0123456789abcdef"]}"#,
            std::slice::from_ref(&awaiting),
        );
        let approve: Command =
            parse_json(br#"{"type":"approve","solution":{"kind":"return_and_refund"}}"#)
                .expect("the approval decodes");
        let events = policy::decide(&faulty, &approve, &owner(), &context(&[]))
            .expect("the fixture case is approved");
        let mut approved = faulty;
        policy::apply(&mut approved, events);
        let ship: Command = parse_json(
            br#"{"type":"enter_return_tracking","carrier":"SF","tracking":"SF1234567890","postage":{"amount":1200,"receipt":"0123456789abcdef0123456789abcdef"}}"#,
        )
        .expect("the tracking decodes");
        let events = policy::decide(&approved, &ship, &Actor::Buyer, &context(&[]))
            .expect("the return is sent with a postage claim");
        let mut returning = approved.clone();
        policy::apply(&mut returning, events);
        vec![awaiting, approved, returning]
    })
}

fn text_seeds(seeds: &[&str]) -> Vec<Vec<u8>> {
    seeds.iter().map(|s| s.as_bytes().to_vec()).collect()
}

// ---------------------------------------------------------------------------------------------
// Buyers.

/// `POST /api/lookup` (buyer.rs `lookup`): the body, then the number's match key, which must be
/// 1 to 64 bytes (else "not found", as a wrong number).
pub static LOOKUP: Target = Target {
    name: "POST /api/lookup",
    kind: Kind::Json,
    limit: MAX_JSON_BYTES,
    seeds: || {
        text_seeds(&[
            r#"{"order_number":"SO-1001","contact":"li@example.com"}"#,
            r#"{"order_number":" so 1001 ","contact":"+86 138-0013-8000"}"#,
        ])
    },
    run: |input| {
        let body: LookupRequest = match decode(input) {
            Ok(b) => b,
            Err(o) => return o,
        };
        let number = order_number_match_key(&body.order_number);
        if number.is_empty() || number.len() > 64 {
            return api(ApiErrorCode::OrderNotFound);
        }
        Outcome::Accepted
    },
};

/// `POST /api/lookup/link`: the body (the grant inside is checked with Web Crypto, see the
/// module comment).
pub static LOOKUP_LINK: Target = Target {
    name: "POST /api/lookup/link",
    kind: Kind::Json,
    limit: MAX_JSON_BYTES,
    seeds: || text_seeds(&[r#"{"link":"ln.eyJzaG9wIjoiZGVtbyJ9.c2ln"}"#]),
    run: |input| match decode::<LinkLookup>(input) {
        Ok(_) => Outcome::Accepted,
        Err(o) => o,
    },
};

/// `POST /api/buyer/preview`: `policy::preview` on the fixed shop.
pub static BUYER_PREVIEW: Target = Target {
    name: "POST /api/buyer/preview",
    kind: Kind::Json,
    limit: MAX_JSON_BYTES,
    seeds: request_seeds,
    run: |input| {
        let request: CaseRequest = match decode(input) {
            Ok(r) => r,
            Err(o) => return o,
        };
        let preview = policy::preview(order(), &request, &context(&cases()[..2]));
        match preview.refusal {
            Some(e) => Outcome::Refused(vec![refusal(&e)]),
            None => Outcome::Accepted,
        }
    },
};

fn request_seeds() -> Vec<Vec<u8>> {
    text_seeds(&[
        REQUEST,
        r#"{"kind":"refund_only","reason":"not_as_described","lines":[{"sku":"S1","quantity":1}],"note":"Colour is wrong","photos":["0123456789abcdef0123456789abcdef"],"urgent":true}"#,
        r#"{"kind":"exchange","reason":"size_or_fit","lines":[{"sku":"S1","quantity":1}],"intact_confirmed":true,"lang":"en"}"#,
    ])
}

/// `POST /api/buyer/cases` (buyer.rs `file`): the body, then `policy::file_case` (the photo ids'
/// ownership is a storage read).
pub static BUYER_FILE: Target = Target {
    name: "POST /api/buyer/cases",
    kind: Kind::Json,
    limit: MAX_JSON_BYTES,
    seeds: request_seeds,
    run: |input| {
        let request: CaseRequest = match decode(input) {
            Ok(r) => r,
            Err(o) => return o,
        };
        match policy::file_case("AS-3".into(), order(), request, &context(&cases()[..2])) {
            Ok(case) => {
                let _ = case.state();
                Outcome::Accepted
            }
            Err(e) => Outcome::Refused(vec![refusal(&e)]),
        }
    },
};

/// `POST /api/buyer/photos`: `photos::clean` under the default shop's pixel limit. What it
/// accepts must be clean already (cleaning it again changes nothing) and no larger than the
/// upload plus the headers it may rewrite.
pub static PHOTO: Target = Target {
    name: "POST /api/buyer/photos",
    kind: Kind::Binary,
    limit: MAX_PHOTO_BYTES,
    seeds: photos::fixtures::valid_images,
    run: |input| {
        let max_pixels = u64::try_from(shop_policy().max_photo_megapixels)
            .unwrap_or(0)
            .saturating_mul(1_000_000);
        match photos::clean(input, max_pixels) {
            Ok(image) => photo_is_clean(&image, input.len(), max_pixels),
            Err(e) => Outcome::Refused(vec![format!("{e:?}").to_ascii_lowercase()]),
        }
    },
};

fn photo_is_clean(image: &CleanImage, upload: usize, max_pixels: u64) -> Outcome {
    let again = photos::clean(&image.bytes, max_pixels);
    if again.as_ref() != Ok(image) {
        return Outcome::Refused(vec!["CLEANING TWICE CHANGES THE IMAGE".into()]);
    }
    if image.bytes.len() > upload.saturating_add(16) {
        return Outcome::Refused(vec!["THE CLEAN IMAGE GREW".into()]);
    }
    Outcome::Accepted
}

/// A command to a case (buyer.rs `command`, staff.rs `command` and `run_and_answer`): the body,
/// the role's permission, then `policy::decide` on the fixture cases (and the events applied).
fn command(input: &[u8], actor: &Actor) -> Outcome {
    let command: Command = match decode(input) {
        Ok(c) => c,
        Err(o) => return o,
    };
    if !policy::role_allows(actor, command.action()) {
        let e = PolicyError::NotAllowedForActor {
            action: command.action(),
        };
        return Outcome::Refused(vec![refusal(&e)]);
    }
    let mut refused = Vec::new();
    for case in cases() {
        match policy::decide(case, &command, actor, &context(&cases()[..2])) {
            Ok(events) => {
                let mut after = case.clone();
                policy::apply(&mut after, events);
                let _ = after.state();
            }
            Err(e) => refused.push(refusal(&e)),
        }
    }
    if refused.len() == cases().len() {
        Outcome::Refused(refused)
    } else {
        Outcome::Accepted
    }
}

/// `POST /api/buyer/cases/{id}/commands`.
pub static BUYER_COMMAND: Target = Target {
    name: "POST /api/buyer/cases/{id}/commands",
    kind: Kind::Json,
    limit: MAX_JSON_BYTES,
    seeds: || {
        text_seeds(&[
            r#"{"type":"cancel"}"#,
            r#"{"type":"message","text":"Where is my refund?"}"#,
            r#"{"type":"enter_return_tracking","carrier":"SF","tracking":"SF1234567890","postage":{"amount":1200,"receipt":"0123456789abcdef0123456789abcdef"}}"#,
            r#"{"type":"enter_return_tracking","carrier":"YTO","tracking":"YT9876543210"}"#,
            r#"{"type":"add_proof","photos":["0123456789abcdef0123456789abcdef"]}"#,
        ])
    },
    run: |input| command(input, &Actor::Buyer),
};

/// `POST /api/buyer/cases/{id}/push`: `policy::push::validate` (keys in base64url).
pub static PUSH_SUBSCRIBE: Target = Target {
    name: "POST /api/buyer/cases/{id}/push",
    kind: Kind::Json,
    limit: MAX_JSON_BYTES,
    seeds: || {
        text_seeds(&[
            r#"{"endpoint":"https://fcm.googleapis.com/fcm/send/abc123","expirationTime":null,"keys":{"p256dh":"BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM","auth":"tBHItJI5svbpez7KI4CCXg"}}"#,
        ])
    },
    run: |input| {
        let body: PushSubscription = match decode(input) {
            Ok(b) => b,
            Err(o) => return o,
        };
        match policy::push::validate(&body, false) {
            Ok(_) => Outcome::Accepted,
            Err(problems) => fields(&problems),
        }
    },
};

/// `DELETE /api/buyer/cases/{id}/push`: `policy::push::check_endpoint`.
pub static PUSH_REMOVE: Target = Target {
    name: "DELETE /api/buyer/cases/{id}/push",
    kind: Kind::Json,
    limit: MAX_JSON_BYTES,
    seeds: || text_seeds(&[r#"{"endpoint":"https://fcm.googleapis.com/fcm/send/abc123"}"#]),
    run: |input| {
        let body: PushRemove = match decode(input) {
            Ok(b) => b,
            Err(o) => return o,
        };
        match policy::push::check_endpoint(&body.endpoint, false) {
            Ok(()) => Outcome::Accepted,
            Err(problem) => Outcome::Refused(vec![field(&problem)]),
        }
    },
};

// ---------------------------------------------------------------------------------------------
// Staff.

/// `POST /api/staff/login` (staff.rs `login`): the e-mail, trimmed and lower-cased, must be 1 to
/// 254 bytes (else "bad credentials", as a wrong password).
pub static LOGIN: Target = Target {
    name: "POST /api/staff/login",
    kind: Kind::Json,
    limit: MAX_JSON_BYTES,
    seeds: || text_seeds(&[r#"{"email":"owner@example.com","password":"correct horse battery"}"#]),
    run: |input| {
        let body: LoginRequest = match decode(input) {
            Ok(b) => b,
            Err(o) => return o,
        };
        let email = body.email.trim().to_ascii_lowercase();
        if email.is_empty() || email.len() > 254 {
            return api(ApiErrorCode::BadCredentials);
        }
        Outcome::Accepted
    },
};

/// `POST /api/staff/cases/{id}/commands`, as the owner (every staff command is the owner's).
pub static STAFF_COMMAND: Target = Target {
    name: "POST /api/staff/cases/{id}/commands",
    kind: Kind::Json,
    limit: MAX_JSON_BYTES,
    seeds: || {
        text_seeds(&[
            r#"{"type":"approve","solution":{"kind":"exchange"},"note":"A new one is on its way"}"#,
            r#"{"type":"approve","solution":{"kind":"return_and_refund"}}"#,
            r#"{"type":"reject","reason_code":"insufficient_proof","note":"Please send a photo"}"#,
            r#"{"type":"request_info","question":"Which size did you order?"}"#,
            r#"{"type":"adjust_postage","amount":800,"reason":"Receipt shows 8 yuan"}"#,
            r#"{"type":"message","text":"We are on it"}"#,
        ])
    },
    run: |input| command(input, &owner()),
};

/// `PUT /api/staff/canned-replies`: `team::check_canned_replies`.
pub static CANNED: Target = Target {
    name: "PUT /api/staff/canned-replies",
    kind: Kind::Json,
    limit: MAX_JSON_BYTES,
    seeds: || {
        text_seeds(&[
            r#"[{"id":"thanks","title":"Thanks","zh":"感谢您的耐心，{buyer}。","en":"Thank you for your patience, {buyer}."},{"id":"refund","title":"Refund sent","zh":"已退款 {amount}。","en":"We refunded {amount}."}]"#,
        ])
    },
    run: |input| {
        let replies: Vec<CannedReply> = match decode(input) {
            Ok(r) => r,
            Err(o) => return o,
        };
        let problems = shared::team::check_canned_replies(&replies);
        if problems.is_empty() {
            Outcome::Accepted
        } else {
            fields(&problems)
        }
    },
};

fn policy_seeds() -> Vec<Vec<u8>> {
    let default = serde_json::to_vec(&Policy::default()).unwrap_or_default();
    let mut tuned = serde_json::to_value(Policy::default()).unwrap_or_default();
    tuned["max_photos"] = 3.into();
    tuned["batch_max_amount"] = 500_000.into();
    vec![default, tuned.to_string().into_bytes()]
}

fn policy_outcome(input: &[u8]) -> Result<Policy, Outcome> {
    policy_document(input.to_vec()).map_err(|e| match e {
        PolicyDocumentError::Malformed => api(ApiErrorCode::MalformedJson),
        PolicyDocumentError::Fields(problems) => fields(&problems),
    })
}

/// `PUT /api/staff/policy`: `decode::policy_document` (staff.rs `policy_body`).
pub static POLICY_SAVE: Target = Target {
    name: "PUT /api/staff/policy",
    kind: Kind::Json,
    limit: MAX_JSON_BYTES,
    seeds: policy_seeds,
    run: |input| match policy_outcome(input) {
        Ok(_) => Outcome::Accepted,
        Err(o) => o,
    },
};

/// `POST /api/staff/policy/preview` (settings.rs `preview`): the document, then what it would
/// change and its impact on the open fixture cases.
pub static POLICY_PREVIEW: Target = Target {
    name: "POST /api/staff/policy/preview",
    kind: Kind::Json,
    limit: MAX_JSON_BYTES,
    seeds: policy_seeds,
    run: |input| match policy_outcome(input) {
        Ok(candidate) => {
            let _ = policy::diff(shop_policy(), &candidate);
            let open: Vec<OpenCase<'_>> = cases()[..2]
                .iter()
                .map(|case| OpenCase {
                    case,
                    order_cases: &cases()[..2],
                })
                .collect();
            let _ = policy::impact(shop_policy(), &candidate, &open, now());
            Outcome::Accepted
        }
        Err(o) => o,
    },
};

/// `POST /api/staff/accounts` and `POST /api/shop/bootstrap`: `team::check_new_staff`.
pub static NEW_STAFF: Target = Target {
    name: "POST /api/staff/accounts",
    kind: Kind::Json,
    limit: MAX_JSON_BYTES,
    seeds: || {
        text_seeds(&[
            r#"{"email":"agent@example.com","name":"Wang Fang","role":"agent","password":"long enough secret"}"#,
        ])
    },
    run: |input| {
        let new: NewStaff = match decode(input) {
            Ok(n) => n,
            Err(o) => return o,
        };
        match shared::team::check_new_staff(&new) {
            Ok(()) => Outcome::Accepted,
            Err(problems) => fields(&problems),
        }
    },
};

/// `PATCH /api/staff/accounts/{id}` (team.rs `change`): `team::apply_change` on a team of one
/// owner and one agent, changing the owner (so that leaving no owner is refused).
pub static ACCOUNT_CHANGE: Target = Target {
    name: "PATCH /api/staff/accounts/{id}",
    kind: Kind::Json,
    limit: MAX_JSON_BYTES,
    seeds: || text_seeds(&[r#"{"role":"owner","active":true}"#, r#"{"active":true}"#]),
    run: |input| {
        let change: AccountChange = match decode(input) {
            Ok(c) => c,
            Err(o) => return o,
        };
        let account = |id: &str, role| Account {
            id: id.into(),
            email: format!("{id}@example.com"),
            name: id.into(),
            role,
            active: true,
        };
        let team = [account("st_1", Role::Owner), account("st_2", Role::Agent)];
        match apply_change(&team, "st_1", &change) {
            Ok(_) => Outcome::Accepted,
            Err(ChangeRefused::NotFound) => api(ApiErrorCode::NotFound),
            Err(ChangeRefused::LastOwner) => api(ApiErrorCode::LastOwner),
        }
    },
};

/// `POST /api/staff/invites`: `team::check_invite`.
pub static INVITE: Target = Target {
    name: "POST /api/staff/invites",
    kind: Kind::Json,
    limit: MAX_JSON_BYTES,
    seeds: || text_seeds(&[r#"{"email":"new@example.com","name":"Zhao Lei","role":"warehouse"}"#]),
    run: |input| {
        let request: InviteRequest = match decode(input) {
            Ok(r) => r,
            Err(o) => return o,
        };
        match check_invite(&request) {
            Ok(()) => Outcome::Accepted,
            Err(problems) => fields(&problems),
        }
    },
};

/// `POST /api/staff/invites/accept`: the body, then `team::check_password` (the token is hashed
/// and looked up).
pub static ACCEPT_INVITE: Target = Target {
    name: "POST /api/staff/invites/accept",
    kind: Kind::Json,
    limit: MAX_JSON_BYTES,
    seeds: || {
        text_seeds(&[
            r#"{"token":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","password":"a long passphrase"}"#,
        ])
    },
    run: |input| {
        let body: AcceptInvite = match decode(input) {
            Ok(b) => b,
            Err(o) => return o,
        };
        match check_password(&body.password) {
            None => Outcome::Accepted,
            Some(problem) => Outcome::Refused(vec![field(&problem)]),
        }
    },
};

/// `POST /api/staff/batch-approve` (batch.rs `approve`): the body, then the selection's size
/// against the shop's cap, before any case is read.
pub static BATCH: Target = Target {
    name: "POST /api/staff/batch-approve",
    kind: Kind::Json,
    limit: MAX_JSON_BYTES,
    seeds: || {
        text_seeds(&[
            r#"{"cases":[{"id":"AS-20261101-ABCDEFGHJKMN","version":3},{"id":"AS-20261102-PQRSTVWXYZ23","version":1}]}"#,
        ])
    },
    run: |input| {
        let request: BatchApproveRequest = match decode(input) {
            Ok(r) => r,
            Err(o) => return o,
        };
        let count = i64::try_from(request.cases.len()).unwrap_or(i64::MAX);
        let refused = if request.cases.is_empty() {
            BatchRefusal::Empty
        } else if count > shop_policy().batch_max_cases {
            BatchRefusal::TooManyCases {
                count,
                max: shop_policy().batch_max_cases,
            }
        } else {
            return Outcome::Accepted;
        };
        let code = serde_json::to_value(&refused)
            .ok()
            .and_then(|v| v["code"].as_str().map(str::to_string))
            .unwrap_or_default();
        Outcome::Refused(vec![code])
    },
};

// ---------------------------------------------------------------------------------------------
// Query strings, split as the worker splits them (`url::Url::query_pairs`).

fn pairs(input: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(input)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// `GET /api/staff/queue?kind=&state=&overdue=&assignee=|mine=|unassigned=&cursor=&limit=`:
/// `api::query::QueueQuery::parse`.
pub static QUEUE_QUERY: Target = Target {
    name: "GET /api/staff/queue",
    kind: Kind::Text,
    limit: MAX_JSON_BYTES,
    seeds: || {
        text_seeds(&[
            "kind=return_and_refund&state=awaiting_review&overdue=true&limit=25",
            "assignee=st_1a2b3c&cursor=1.12.abc%3D%3D&limit=100",
            "mine=1&limit=1",
            "unassigned=true",
            "",
        ])
    },
    run: |input| match QueueQuery::parse(&pairs(input)) {
        Ok(_) => Outcome::Accepted,
        Err(code) => api(code),
    },
};

/// `GET /api/staff/search?q=`: `api::query::search_text`.
pub static SEARCH_QUERY: Target = Target {
    name: "GET /api/staff/search",
    kind: Kind::Text,
    limit: MAX_JSON_BYTES,
    seeds: || {
        text_seeds(&[
            "q=SO-1001",
            "q=%20AS-20261101-ABCDEFGHJKMN%20",
            "q=SF1234567890",
        ])
    },
    run: |input| match shared::api::query::search_text(&pairs(input)) {
        Ok(_) => Outcome::Accepted,
        Err(code) => api(code),
    },
};

/// `GET /api/staff/policy/changes?cursor=&limit=`: `api::query::ChangesQuery::parse`.
pub static CHANGES_QUERY: Target = Target {
    name: "GET /api/staff/policy/changes",
    kind: Kind::Text,
    limit: MAX_JSON_BYTES,
    seeds: || text_seeds(&["limit=20", "cursor=AAECAw%3D%3D.x-y_z&limit=100", ""]),
    run: |input| match ChangesQuery::parse(&pairs(input)) {
        Ok(_) => Outcome::Accepted,
        Err(code) => api(code),
    },
};

/// `GET /api/staff/analytics.csv?lang=`: `api::query::ReportQuery::parse`.
pub static REPORT_QUERY: Target = Target {
    name: "GET /api/staff/analytics.csv",
    kind: Kind::Text,
    limit: MAX_JSON_BYTES,
    seeds: || text_seeds(&["lang=zh-CN", "lang=en-GB,en;q=0.8", ""]),
    run: |input| {
        let _ = ReportQuery::parse(&pairs(input), Lang::En);
        Outcome::Accepted
    },
};

/// `POST /api/staff/rebuild-indexes?only=figures`: `api::query::RebuildQuery::parse`.
pub static REBUILD_QUERY: Target = Target {
    name: "POST /api/staff/rebuild-indexes",
    kind: Kind::Text,
    limit: MAX_JSON_BYTES,
    seeds: || text_seeds(&["only=figures", ""]),
    run: |input| match RebuildQuery::parse(&pairs(input)) {
        Ok(_) => Outcome::Accepted,
        Err(code) => api(code),
    },
};

// ---------------------------------------------------------------------------------------------
// Shop systems.

/// The problems `check_order` finds in each order, as codes.
fn orders_outcome(orders: &[Order]) -> Outcome {
    let codes: Vec<String> = orders
        .iter()
        .flat_map(|o| check_order(o, "demo"))
        .map(|(field, code, en, zh)| {
            if field.is_empty() || en.is_empty() || zh.is_empty() {
                format!("MISSING MESSAGE for {code}")
            } else {
                code.to_string()
            }
        })
        .collect();
    if codes.is_empty() {
        Outcome::Accepted
    } else {
        Outcome::Refused(codes)
    }
}

/// `POST /api/shop/orders` as JSON (shop_system.rs `import_orders`): the array, then
/// `import::check_order` on each.
pub static IMPORT_JSON: Target = Target {
    name: "POST /api/shop/orders (JSON)",
    kind: Kind::Json,
    limit: MAX_IMPORT_BYTES,
    seeds: || vec![format!("[{ORDER}]").into_bytes()],
    run: |input| match decode::<Vec<Order>>(input) {
        Ok(orders) if orders.is_empty() => Outcome::Accepted,
        Ok(orders) => orders_outcome(&orders),
        Err(o) => o,
    },
};

/// `POST /api/shop/orders/{number}/tracking` (shop_system.rs `push_tracking`): the record,
/// `import::check_tracking`, then the merge into a kept record of the same parcel, as the desk
/// does.
pub static TRACKING: Target = Target {
    name: "POST /api/shop/orders/{number}/tracking",
    kind: Kind::Json,
    limit: MAX_JSON_BYTES,
    seeds: || {
        text_seeds(&[
            r#"{"carrier":"SF","number":"SF1001","events":[{"at":1793584800000,"status":"已揽收","location":"杭州"},{"at":1793671200000,"status":"运输中"}]}"#,
            r#"{"carrier":"SF","number":"SF1001","promised_by":1793757600000,"events":[]}"#,
        ])
    },
    run: |input| match decode::<ParcelTracking>(input) {
        Ok(pushed) => {
            let problems = check_tracking(&pushed);
            if problems.is_empty() {
                let kept = ParcelTracking {
                    carrier: "SF".into(),
                    number: "SF1001".into(),
                    promised_by: None,
                    events: vec![],
                };
                let merged = policy::merge_tracking(Some(kept), pushed);
                if merged.events.len() > policy::MAX_TRACKING_EVENTS {
                    return Outcome::Refused(vec!["MERGE KEPT TOO MANY".into()]);
                }
                Outcome::Accepted
            } else {
                Outcome::Refused(
                    problems
                        .into_iter()
                        .map(|(field, code, en, zh)| {
                            if field.is_empty() || en.is_empty() || zh.is_empty() {
                                format!("MISSING MESSAGE for {code}")
                            } else {
                                code.to_string()
                            }
                        })
                        .collect(),
                )
            }
        }
        Err(o) => o,
    },
};

/// `POST /api/{shop,staff}/orders/{number}/reviews` (reviews.rs `open`): the review,
/// `import::check_review`, then the follow-up opened on the fixed shop's order.
pub static REVIEW: Target = Target {
    name: "POST /api/{shop,staff}/orders/{number}/reviews",
    kind: Kind::Json,
    limit: MAX_JSON_BYTES,
    seeds: || {
        text_seeds(&[
            r#"{"rating":1,"text":"发货太慢，客服也不回","platform":"taobao","external_ref":"R-1"}"#,
            r#"{"rating":2,"text":"Broke after a week","sku":"S1"}"#,
        ])
    },
    run: |input| match decode::<shared::domain::BadReview>(input) {
        Ok(review) => {
            let problems = check_review(&review);
            if !problems.is_empty() {
                return Outcome::Refused(
                    problems
                        .into_iter()
                        .map(|(field, code, en, zh)| {
                            if field.is_empty() || en.is_empty() || zh.is_empty() {
                                format!("MISSING MESSAGE for {code}")
                            } else {
                                code.to_string()
                            }
                        })
                        .collect(),
                );
            }
            // The worker refuses a SKU that is not on the order before opening.
            if review
                .sku
                .as_deref()
                .is_some_and(|sku| order().line(sku).is_none())
            {
                return Outcome::Refused(vec!["unknown_line".into()]);
            }
            match policy::open_review_recovery(
                "AS-R".into(),
                order(),
                review,
                &Actor::System,
                &context(&[]),
            ) {
                Ok(_) => Outcome::Accepted,
                Err(e) => Outcome::Refused(vec![refusal(&e)]),
            }
        }
        Err(o) => o,
    },
};

/// `POST /api/shop/orders` as CSV: UTF-8, then `import::parse_csv` in UTC+8, then `check_order`.
pub static IMPORT_CSV: Target = Target {
    name: "POST /api/shop/orders (CSV)",
    kind: Kind::Text,
    limit: MAX_IMPORT_BYTES,
    seeds: || {
        text_seeds(&[
            "order_number,buyer_name,email,phone,currency,sku,title,category,unit_price,quantity,discount,shipping_fee,free_shipping_threshold,shipping_insurance,paid_at,shipped_at,signed_for_at,flags\n\
             T1,王小明,a@b.cn,,CNY,S1,\"衬衫, 白色\",apparel,19900,1,2000,1000,9900,true,2026-11-01T02:00:00Z,2026-11-02T02:00:00Z,,\n\
             T1,王小明,a@b.cn,,CNY,S2,袜子,apparel,3900,2,0,1000,9900,true,2026-11-01T02:00:00Z,2026-11-02T02:00:00Z,,perishable|custom_made\n\
             T2,Li,,13800138000,CNY,S3,Cup,home,1500,1,0,0,,false,1793498400000,1793584800000,2026-11-03 10:00:00,\n",
        ])
    },
    run: |input| {
        let Ok(text) = std::str::from_utf8(input) else {
            return api(ApiErrorCode::BadRequest);
        };
        match parse_csv(text, 480) {
            Ok(mut orders) => {
                orders.iter_mut().for_each(|o| o.shop_id = "demo".into());
                orders_outcome(&orders)
            }
            Err(problems) => fields(&problems),
        }
    },
};

/// `POST /api/shop/links`: the body (the order is then looked up).
pub static START_LINK: Target = Target {
    name: "POST /api/shop/links",
    kind: Kind::Json,
    limit: MAX_JSON_BYTES,
    seeds: || text_seeds(&[r#"{"order_number":"SO-1001"}"#]),
    run: |input| match decode::<StartLinkRequest>(input) {
        Ok(_) => Outcome::Accepted,
        Err(o) => o,
    },
};

/// `POST /api/shop/restore`: which backup is restored (its format and shop are checked by the
/// worker against its own).
pub static RESTORE_BEGIN: Target = Target {
    name: "POST /api/shop/restore",
    kind: Kind::Json,
    limit: MAX_JSON_BYTES,
    seeds: || text_seeds(&[r#"{"format":1,"shop":"demo"}"#]),
    run: |input| match decode::<shared::api::backup::RestoreBegin>(input) {
        Ok(_) => Outcome::Accepted,
        Err(o) => o,
    },
};

/// `POST /api/shop/restore/records`: a page of records (each record's key and value are then
/// checked against this shop's families by the worker, `worker/src/backup.rs`).
pub static RESTORE_RECORDS: Target = Target {
    name: "POST /api/shop/restore/records",
    kind: Kind::Json,
    limit: MAX_IMPORT_BYTES,
    seeds: || {
        text_seeds(&[
            r#"{"restore_id":"r1","records":[{"key":"order:demo:TB1","value":"{}"},{"key":"policy:demo","value":"{}","metadata":"{}","expiration":1}]}"#,
        ])
    },
    run: |input| match decode::<shared::api::backup::RestoreRecords>(input) {
        Ok(_) => Outcome::Accepted,
        Err(o) => o,
    },
};

/// `POST /api/shop/restore/rebuild`: a pass and at most 25 case ids (looked up).
pub static RESTORE_REBUILD: Target = Target {
    name: "POST /api/shop/restore/rebuild",
    kind: Kind::Json,
    limit: MAX_JSON_BYTES,
    seeds: || {
        text_seeds(&[
            r#"{"restore_id":"r1","pass":"links","cases":["AS-1"]}"#,
            r#"{"restore_id":"r1","pass":"index","cases":[]}"#,
        ])
    },
    run: |input| match decode::<shared::api::backup::RestoreRebuild>(input) {
        Ok(_) => Outcome::Accepted,
        Err(o) => o,
    },
};

/// `POST /api/shop/restore/finish`.
pub static RESTORE_FINISH: Target = Target {
    name: "POST /api/shop/restore/finish",
    kind: Kind::Json,
    limit: MAX_JSON_BYTES,
    seeds: || text_seeds(&[r#"{"restore_id":"r1"}"#]),
    run: |input| match decode::<shared::api::backup::RestoreFinish>(input) {
        Ok(_) => Outcome::Accepted,
        Err(o) => o,
    },
};

/// `POST /api/buyer/helped`: the body, then `policy::helped_line` on the fixed order with a tip
/// for its apparel (routes/tips.rs).
pub static BUYER_HELPED: Target = Target {
    name: "POST /api/buyer/helped",
    kind: Kind::Json,
    limit: MAX_JSON_BYTES,
    seeds: || text_seeds(&[r#"{"sku":"S1"}"#, r#"{"sku":"S2"}"#]),
    run: |input| {
        let body: shared::api::tips::Helped = match decode(input) {
            Ok(b) => b,
            Err(o) => return o,
        };
        match policy::helped_line(&tips_policy().tips, order(), &body.sku) {
            Some(_) => Outcome::Accepted,
            None => api(ApiErrorCode::NotFound),
        }
    },
};
