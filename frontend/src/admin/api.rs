//! The staff client: one method per endpoint the admin uses. The session travels in its
//! `HttpOnly` cookie (the page never sees it); every change echoes the session's CSRF token and,
//! for a case, the version it was decided on (`If-Match`). Answers are read by the portal's
//! reader (`crate::de`), so the admin carries no JSON parser either.

use gloo_net::http::{Request, RequestBuilder};
use serde::Deserialize;
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::Lang;
use shared::api::team::{
    AcceptInvite, Account, AccountChange, Invite, InviteCreated, InviteRequest,
};
use shared::api::{
    AnalyticsReport, BatchApproveReport, BatchApproveRequest, BatchItem, CannedReply, CaseSummary,
    CaseView, ErrorBody, ErrorCode, LoginRequest, QueuePage, SessionView, StaleCase, Viewer,
    routes,
};
use shared::domain::{BadReview, Command};
use wasm_bindgen::JsValue;

use crate::admin::model::shell::Connection;
use crate::admin::text;

/// Told how every call went (the shell's connection state).
type Reporter = std::rc::Rc<dyn Fn(Connection)>;

thread_local! {
    /// Set once by the app.
    static REPORT: std::cell::RefCell<Option<Reporter>> = std::cell::RefCell::new(None);
}

/// Who hears how every call went.
pub fn on_connection(report: impl Fn(Connection) + 'static) {
    REPORT.with(|r| *r.borrow_mut() = Some(std::rc::Rc::new(report)));
}

fn report(connection: Connection) {
    if let Some(f) = REPORT.with(|r| r.borrow().clone()) {
        f(connection);
    }
}

/// A failed call, ready to show in the staff member's language.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status; 0 when no answer came.
    pub status: u16,
    /// What went wrong, typed: screens branch on the API's own codes only.
    pub code: ErrorCode,
    /// A sentence in the caller's language.
    pub message: String,
    /// 409 on a case: the case as it is now, so the page shows what changed.
    pub current: Option<std::sync::Arc<CaseView>>,
}

impl ApiError {
    fn local(lang: Lang, status: u16, code: ErrorCode) -> Self {
        let t = text::t(lang);
        Self {
            status,
            code,
            message: if status == 0 {
                t.err_network
            } else {
                t.err_unexpected
            }
            .into(),
            current: None,
        }
    }

    /// The session is missing or expired: sign in again.
    #[must_use]
    pub fn signed_out(&self) -> bool {
        self.status == 401
    }
}

/// A caller: the language for messages, and the session's CSRF token once signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Api {
    /// Sent as `Accept-Language`.
    pub lang: Lang,
    /// Echoed in `X-CSRF-Token` on changes.
    pub csrf: String,
}

impl Api {
    fn prepare(&self, builder: RequestBuilder) -> RequestBuilder {
        builder
            .header("Accept-Language", lang_code(self.lang))
            .header("X-CSRF-Token", &self.csrf)
    }

    /// Sends and answers the parsed JSON of a 2xx reply; one copy of the plumbing for all.
    async fn send(
        &self,
        builder: RequestBuilder,
        body: Option<String>,
    ) -> Result<JsValue, ApiError> {
        let lang = self.lang;
        let sent = match body {
            Some(body) => match builder
                .header("Content-Type", "application/json")
                .body(body)
            {
                Ok(request) => request.send().await,
                Err(_) => return Err(ApiError::local(lang, 0, ErrorCode::BadResponse)),
            },
            None => builder.send().await,
        };
        let Ok(response) = sent else {
            report(Connection::Offline);
            return Err(ApiError::local(lang, 0, ErrorCode::Network));
        };
        // The service worker answers from its store when the server is away, and says when it
        // stored that answer.
        report(
            match response
                .headers()
                .get("X-Served-From-Cache")
                .and_then(|at| at.parse::<i64>().ok())
            {
                Some(at) => Connection::Cached(at),
                None => Connection::Online,
            },
        );
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|_| ApiError::local(lang, 0, ErrorCode::Network))?;
        let parsed = js_sys::JSON::parse(&text).ok();
        if (200..300).contains(&status) {
            return parsed.ok_or_else(|| ApiError::local(lang, status, ErrorCode::BadResponse));
        }
        let Some(parsed) = parsed else {
            return Err(ApiError::local(lang, status, ErrorCode::BadResponse));
        };
        // A stale or unversioned command answers the case as it is now (`StaleCase`).
        if status == 409
            && let Ok(stale) = StaleCase::<CaseView>::deserialize(crate::de::De(parsed.clone()))
        {
            return Err(ApiError {
                status,
                code: ErrorCode::parse(&stale.code),
                message: stale.message,
                current: Some(std::sync::Arc::new(stale.current)),
            });
        }
        Err(match ErrorBody::deserialize(crate::de::De(parsed)) {
            Ok(e) if !e.message.is_empty() => ApiError {
                status,
                code: ErrorCode::parse(&e.code),
                // Each field's own sentence after the summary: a screen that cannot know a
                // field's problem in advance (an SKU not on the order) still says which.
                message: std::iter::once(e.message)
                    .chain(e.fields.into_iter().map(|f| f.message))
                    .collect::<Vec<_>>()
                    .join(" "),
                current: None,
            },
            _ => ApiError::local(lang, status, ErrorCode::BadResponse),
        })
    }

    fn read<T: DeserializeOwned>(&self, value: JsValue) -> Result<T, ApiError> {
        T::deserialize(crate::de::De(value))
            .map_err(|_| ApiError::local(self.lang, 200, ErrorCode::BadResponse))
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        let value = self.send(self.prepare(Request::get(path)), None).await?;
        self.read(value)
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        if_match: Option<u32>,
    ) -> Result<T, ApiError> {
        self.send_json(Request::post(path), body, if_match).await
    }

    async fn send_json<B: Serialize, T: DeserializeOwned>(
        &self,
        builder: RequestBuilder,
        body: &B,
        if_match: Option<u32>,
    ) -> Result<T, ApiError> {
        let mut builder = self.prepare(builder);
        if let Some(version) = if_match {
            builder = builder.header("If-Match", &format!("\"{version}\""));
        }
        let body = serde_json::to_string(body).map_err(|_| {
            ApiError::local(
                self.lang,
                0,
                ErrorCode::Api(shared::api::ApiErrorCode::BadRequest),
            )
        })?;
        let value = self.send(builder, Some(body)).await?;
        self.read(value)
    }

    /// `GET /api/staff/me`: the session, if any.
    pub async fn me(&self) -> Result<SessionView, ApiError> {
        self.get(routes::STAFF_ME).await
    }

    /// `POST /api/staff/login`
    pub async fn login(&self, email: &str, password: &str) -> Result<SessionView, ApiError> {
        let body = LoginRequest {
            email: email.trim().into(),
            password: password.into(),
        };
        self.post(routes::STAFF_LOGIN, &body, None).await
    }

    /// `POST /api/staff/logout`
    pub async fn logout(&self) -> Result<(), ApiError> {
        let _: serde::de::IgnoredAny = self.post(routes::STAFF_LOGOUT, &(), None).await?;
        Ok(())
    }

    /// `GET /api/staff/queue?…`: one page of the queue (`query` without `?`).
    pub async fn queue(&self, query: &str) -> Result<QueuePage, ApiError> {
        self.get(&format!("{}?{query}", routes::STAFF_QUEUE)).await
    }

    /// `GET /api/staff/search?q=`: cases by id, order number or tracking number.
    pub async fn search(&self, q: &str) -> Result<Vec<CaseSummary>, ApiError> {
        let path = format!(
            "{}?q={}",
            routes::STAFF_SEARCH,
            crate::format::encode(q.trim())
        );
        self.get(&path).await
    }

    /// `GET /api/staff/cases/{id}`
    pub async fn case(&self, id: &str) -> Result<CaseView, ApiError> {
        self.get(&routes::staff_case(id)).await
    }

    /// `POST /api/staff/cases/{id}/commands`, decided on `version`.
    pub async fn command(
        &self,
        id: &str,
        command: &Command,
        version: u32,
    ) -> Result<CaseView, ApiError> {
        self.post(&routes::staff_command(id), command, Some(version))
            .await
    }

    /// `POST /api/staff/cases/{id}/presence`: "I have it open"; answers who else has.
    pub async fn presence(&self, id: &str) -> Result<Vec<Viewer>, ApiError> {
        self.post(&routes::staff_presence(id), &(), None).await
    }

    /// `GET /api/staff/canned-replies`
    pub async fn canned(&self) -> Result<Vec<CannedReply>, ApiError> {
        self.get(routes::STAFF_CANNED).await
    }

    /// `POST /api/staff/batch-approve`: each case decided on its own version.
    pub async fn batch_approve(
        &self,
        cases: Vec<BatchItem>,
    ) -> Result<BatchApproveReport, ApiError> {
        let body = BatchApproveRequest { cases };
        self.post(routes::STAFF_BATCH_APPROVE, &body, None).await
    }

    /// `GET /api/staff/policy`
    pub async fn policy(&self) -> Result<shared::policy::Policy, ApiError> {
        self.get(routes::STAFF_POLICY).await
    }

    /// `POST /api/staff/policy/preview`: what saving `policy` would change.
    pub async fn policy_preview(
        &self,
        policy: &shared::policy::Policy,
    ) -> Result<shared::api::settings::PolicyPreview, ApiError> {
        self.post(routes::STAFF_POLICY_PREVIEW, policy, None).await
    }

    /// `PUT /api/staff/policy`
    pub async fn save_policy(
        &self,
        policy: &shared::policy::Policy,
    ) -> Result<shared::policy::Policy, ApiError> {
        let body = serde_json::to_string(policy).map_err(|_| {
            ApiError::local(
                self.lang,
                0,
                ErrorCode::Api(shared::api::ApiErrorCode::BadRequest),
            )
        })?;
        let value = self
            .send(self.prepare(Request::put(routes::STAFF_POLICY)), Some(body))
            .await?;
        self.read(value)
    }

    /// `GET /api/staff/policy/changes?cursor=`: the change log, newest first.
    pub async fn policy_changes(
        &self,
        cursor: Option<&str>,
    ) -> Result<shared::api::settings::PolicyChangesPage, ApiError> {
        let path = match cursor {
            Some(c) => format!(
                "{}?cursor={}",
                routes::STAFF_POLICY_CHANGES,
                crate::format::encode(c)
            ),
            None => routes::STAFF_POLICY_CHANGES.to_owned(),
        };
        self.get(&path).await
    }

    /// `PUT /api/staff/canned-replies` (owner): the whole list, in its order.
    pub async fn save_canned(&self, replies: &[CannedReply]) -> Result<Vec<CannedReply>, ApiError> {
        self.send_json(Request::put(routes::STAFF_CANNED), &replies, None)
            .await
    }

    /// `GET /api/staff/accounts` (owner)
    pub async fn accounts(&self) -> Result<Vec<Account>, ApiError> {
        self.get(routes::STAFF_ACCOUNTS).await
    }

    /// `PATCH /api/staff/accounts/{id}` (owner)
    pub async fn change_account(
        &self,
        id: &str,
        change: &AccountChange,
    ) -> Result<Account, ApiError> {
        let path = routes::staff_account(&crate::format::encode(id));
        self.send_json(Request::patch(&path), change, None).await
    }

    /// `GET /api/staff/invites` (owner): pending invitations.
    pub async fn invites(&self) -> Result<Vec<Invite>, ApiError> {
        self.get(routes::STAFF_INVITES).await
    }

    /// `POST /api/staff/invites` (owner)
    pub async fn invite(&self, request: &InviteRequest) -> Result<InviteCreated, ApiError> {
        self.post(routes::STAFF_INVITES, request, None).await
    }

    /// `GET /api/staff/invites/{token}`: what a link offers.
    pub async fn invite_of(&self, token: &str) -> Result<Invite, ApiError> {
        self.get(&routes::staff_invite(&crate::format::encode(token)))
            .await
    }

    /// `POST /api/staff/invites/accept`: creates the account and signs in.
    pub async fn accept_invite(
        &self,
        token: &str,
        password: &str,
    ) -> Result<SessionView, ApiError> {
        let body = AcceptInvite {
            token: token.into(),
            password: password.into(),
        };
        self.post(routes::STAFF_INVITE_ACCEPT, &body, None).await
    }

    /// `POST /api/staff/orders/{order}/reviews`: records a bad review by hand and answers the id
    /// of the follow-up case it opened (or had opened for the same `key`). Only the id is read:
    /// the whole case view's reader would weigh on the owner's desk, which draws no case.
    pub async fn record_review(
        &self,
        order: &str,
        review: &BadReview,
        key: &str,
    ) -> Result<String, ApiError> {
        #[derive(Deserialize)]
        struct Opened {
            case: OpenedCase,
        }
        #[derive(Deserialize)]
        struct OpenedCase {
            id: String,
        }
        let path = routes::staff_order_reviews(&crate::format::encode(order));
        let builder = Request::post(&path).header("Idempotency-Key", key);
        let opened: Opened = self.send_json(builder, review, None).await?;
        Ok(opened.case.id)
    }

    /// `GET /api/staff/analytics`
    pub async fn analytics(&self) -> Result<AnalyticsReport, ApiError> {
        self.get(routes::STAFF_ANALYTICS).await
    }
}

/// The BCP 47 tag of a language.
#[must_use]
pub const fn lang_code(lang: Lang) -> &'static str {
    lang.tag()
}
