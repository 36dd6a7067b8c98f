//! The typed client: one method per API endpoint the buyer uses, the caller's language in every
//! request, and one error type whose message is always something a buyer can read.
//!
//! JSON calls go through `gloo-net` (fetch). Photo uploads use `XMLHttpRequest` instead, because
//! fetch reports no upload progress and the issue asks for a progress bar per file.

use gloo_net::http::{Request, RequestBuilder};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::Lang;
use shared::api::{
    ApiErrorCode, BuyerCaseView, BuyerOrderView, ErrorBody, ErrorCode, LookupRequest,
    LookupResponse, PhotoUploaded, StaleCase, routes,
};
use shared::domain::{CaseRequest, Command};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::portal::i18n;

/// A failed call, ready to show: the API's own localized message, or ours for transport errors.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status; 0 when the request never got an answer.
    pub status: u16,
    /// What went wrong, typed: the pages branch on the API's own codes only.
    pub code: ErrorCode,
    /// A sentence in the buyer's language.
    pub message: String,
    /// A stale command (409): the case as it is now, so the page shows it
    /// without reading it again.
    pub current: Option<std::sync::Arc<BuyerCaseView>>,
}

/// Two errors are the same when they say the same and carry the same copy of the case (by
/// pointer): what the pages' memos need to skip a redraw. A derived `==` compared the whole case
/// field by field, 3 KB of the first load for a comparison no page makes.
impl PartialEq for ApiError {
    fn eq(&self, other: &Self) -> bool {
        self.status == other.status
            && self.code == other.code
            && self.message == other.message
            && match (&self.current, &other.current) {
                (Some(a), Some(b)) => std::sync::Arc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
    }
}

impl ApiError {
    /// The request never reached the server (offline, DNS, CORS).
    #[must_use]
    pub fn network(lang: Lang) -> Self {
        Self::new(0, ErrorCode::Network, i18n::t(lang).err_network.into())
    }

    /// The server answered something that is not what this route answers.
    #[must_use]
    pub fn bad_response(lang: Lang, status: u16) -> Self {
        Self::new(
            status,
            ErrorCode::BadResponse,
            i18n::t(lang).err_unexpected.into(),
        )
    }

    /// An error without a case attached.
    #[must_use]
    pub fn new(status: u16, code: ErrorCode, message: String) -> Self {
        Self {
            status,
            code,
            message,
            current: None,
        }
    }

    /// The error of a non-2xx answer with the API's envelope as body (or not).
    #[must_use]
    pub fn from_body(lang: Lang, status: u16, body: &str) -> Self {
        if status == 409
            && let Some(stale) = decode::<StaleCase<BuyerCaseView>>(body)
        {
            return Self {
                status,
                code: ErrorCode::parse(&stale.code),
                message: stale.message,
                current: Some(std::sync::Arc::new(stale.current)),
            };
        }
        match decode::<ErrorBody>(body) {
            Some(e) if !e.message.is_empty() => {
                Self::new(status, ErrorCode::parse(&e.code), e.message)
            }
            _ => Self::bad_response(lang, status),
        }
    }

    /// The buyer's token is missing, expired or for another order: look the order up again.
    #[must_use]
    pub fn needs_lookup(&self) -> bool {
        self.status == 401
    }

    /// Someone else changed the case first.
    #[must_use]
    pub fn is_conflict(&self) -> bool {
        self.status == 409 && self.code == ErrorCode::Api(ApiErrorCode::Conflict)
    }
}

/// A caller: the buyer's language, and their token once they looked the order up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Api {
    /// Sent as `Accept-Language`, so error messages come back in it.
    pub lang: Lang,
    /// `Authorization: Bearer`.
    pub token: Option<String>,
}

impl Api {
    /// An anonymous caller.
    #[must_use]
    pub fn new(lang: Lang) -> Self {
        Self { lang, token: None }
    }

    /// A buyer holding an order token.
    #[must_use]
    pub fn with_token(lang: Lang, token: String) -> Self {
        Self {
            lang,
            token: Some(token),
        }
    }

    fn prepare(&self, builder: RequestBuilder) -> RequestBuilder {
        let builder = builder.header("Accept-Language", i18n::code(self.lang));
        match &self.token {
            Some(token) => builder.header("Authorization", &format!("Bearer {token}")),
            None => builder,
        }
    }

    /// Sends `builder` (with a JSON body when `body` is some) and answers the parsed JSON of a
    /// 2xx reply. Not generic: one copy of the request plumbing for every endpoint.
    async fn send(
        &self,
        builder: RequestBuilder,
        body: Option<String>,
    ) -> Result<(u16, JsValue), ApiError> {
        let lang = self.lang;
        let sent = match body {
            Some(body) => {
                builder
                    .header("Content-Type", "application/json")
                    .body(body)
                    .map_err(|_| ApiError::bad_response(lang, 0))?
                    .send()
                    .await
            }
            None => builder.send().await,
        };
        let response = sent.map_err(|_| ApiError::network(lang))?;
        let status = response.status();
        let body = response.text().await.map_err(|_| ApiError::network(lang))?;
        if (200..300).contains(&status) {
            js_sys::JSON::parse(&body)
                .map(|v| (status, v))
                .map_err(|_| ApiError::bad_response(lang, status))
        } else {
            Err(ApiError::from_body(lang, status, &body))
        }
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        let (status, value) = self.send(self.prepare(Request::get(path)), None).await?;
        self.read(status, value)
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        extra: Option<(&str, &str)>,
    ) -> Result<T, ApiError> {
        let mut builder = self.prepare(Request::post(path));
        if let Some((k, v)) = extra {
            builder = builder.header(k, v);
        }
        let body = serde_json::to_string(body).map_err(|_| ApiError::bad_response(self.lang, 0))?;
        let (status, value) = self.send(builder, Some(body)).await?;
        self.read(status, value)
    }

    /// A 2xx reply's JSON as `T`.
    fn read<T: DeserializeOwned>(&self, status: u16, value: JsValue) -> Result<T, ApiError> {
        T::deserialize(crate::de::De(value)).map_err(|_| ApiError::bad_response(self.lang, status))
    }

    /// `POST /api/lookup`: an order number and the e-mail or phone on it → a token and the order.
    pub async fn lookup(
        &self,
        order_number: &str,
        contact: &str,
    ) -> Result<LookupResponse, ApiError> {
        let body = LookupRequest {
            order_number: order_number.trim().into(),
            contact: contact.trim().into(),
        };
        self.post(routes::LOOKUP, &body, None).await
    }

    /// `POST /api/lookup/link`: a "start a return" link's grant for a token and the order.
    pub async fn lookup_link(&self, link: &str) -> Result<LookupResponse, ApiError> {
        let body = shared::api::links::LinkLookup { link: link.into() };
        self.post(routes::LOOKUP_LINK, &body, None).await
    }

    /// `GET /api/buyer/order`: the order, its eligibility, the buyer's cases and the policy.
    pub async fn order(&self) -> Result<BuyerOrderView, ApiError> {
        self.get(routes::BUYER_ORDER).await
    }

    /// `POST /api/buyer/cases`: file a request. The same key with the same body answers the same
    /// case, so a double tap or a retry after a lost answer files once.
    pub async fn file_case(
        &self,
        request: &CaseRequest,
        idempotency_key: &str,
    ) -> Result<BuyerCaseView, ApiError> {
        self.post(
            routes::BUYER_CASES,
            request,
            Some(("Idempotency-Key", idempotency_key)),
        )
        .await
    }

    /// `POST /api/buyer/helped`: the shop's tips solved a line's problem (counted once per order
    /// and line, so a retry is harmless).
    pub async fn helped(&self, sku: &str) -> Result<shared::api::tips::HelpedAnswer, ApiError> {
        let body = shared::api::tips::Helped { sku: sku.into() };
        self.post(routes::BUYER_HELPED, &body, None).await
    }

    /// `GET /api/buyer/cases/{id}`
    pub async fn case(&self, id: &str) -> Result<BuyerCaseView, ApiError> {
        self.get(&routes::buyer_case(id)).await
    }

    /// `POST /api/buyer/cases/{id}/commands`, decided on the case's `version` as the page shows
    /// it (`If-Match`): if the case moved on meanwhile, the server refuses with 409 instead of
    /// applying a decision taken on an old state.
    pub async fn command(
        &self,
        id: &str,
        command: &Command,
        version: u32,
    ) -> Result<BuyerCaseView, ApiError> {
        let tag = format!("\"{version}\"");
        self.post(
            &routes::buyer_command(id),
            command,
            Some(("If-Match", &tag)),
        )
        .await
    }

    /// `GET /api/photos/{id}` as an object URL for an `<img>` (the route needs the bearer
    /// header, which an `<img src>` cannot send).
    pub async fn photo_url(&self, id: &str) -> Result<String, ApiError> {
        let sent = self.prepare(Request::get(&routes::photo(id))).send().await;
        let response = sent.map_err(|_| ApiError::network(self.lang))?;
        let status = response.status();
        if !(200..300).contains(&status) {
            let body = response.text().await.unwrap_or_default();
            return Err(ApiError::from_body(self.lang, status, &body));
        }
        let bytes = response
            .binary()
            .await
            .map_err(|_| ApiError::network(self.lang))?;
        let kind = response
            .headers()
            .get("content-type")
            .unwrap_or_else(|| "image/jpeg".into());
        blob_url(&bytes, &kind).ok_or_else(|| ApiError::bad_response(self.lang, status))
    }

    /// `POST /api/buyer/photos` with the image as the raw body, reporting upload progress as
    /// (bytes sent, bytes total).
    pub async fn upload_photo(
        &self,
        body: &web_sys::Blob,
        content_type: &str,
        on_progress: impl Fn(f64, f64) + 'static,
    ) -> Result<PhotoUploaded, ApiError> {
        let lang = self.lang;
        let xhr = web_sys::XmlHttpRequest::new().map_err(|_| ApiError::network(lang))?;
        xhr.open("POST", routes::BUYER_PHOTOS)
            .map_err(|_| ApiError::network(lang))?;
        let _ = xhr.set_request_header("Content-Type", content_type);
        let _ = xhr.set_request_header("Accept-Language", i18n::code(lang));
        if let Some(token) = &self.token {
            let _ = xhr.set_request_header("Authorization", &format!("Bearer {token}"));
        }
        if let Ok(upload) = xhr.upload() {
            let progress =
                Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
                    if e.length_computable() {
                        on_progress(e.loaded(), e.total());
                    }
                });
            upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
            // The closure lives as long as the request object, which JS owns.
            progress.forget();
        }
        let done = js_sys::Promise::new(&mut |resolve, _reject| {
            let on_load = resolve.clone();
            let load = Closure::once_into_js(move || {
                let _ = on_load.call1(&JsValue::NULL, &JsValue::TRUE);
            });
            let fail = Closure::once_into_js(move || {
                let _ = resolve.call1(&JsValue::NULL, &JsValue::FALSE);
            });
            xhr.set_onload(Some(load.unchecked_ref()));
            xhr.set_onerror(Some(fail.unchecked_ref()));
            xhr.set_onabort(Some(fail.unchecked_ref()));
            xhr.set_ontimeout(Some(fail.unchecked_ref()));
        });
        // A stalled connection ends as a failure the buyer can retry, never an endless
        // spinner: two minutes carries a downscaled photo (≤ 2 MB) even at Slow 3G's speed.
        xhr.set_timeout(120_000);
        xhr.send_with_opt_blob(Some(body))
            .map_err(|_| ApiError::network(lang))?;
        let loaded = wasm_bindgen_futures::JsFuture::from(done)
            .await
            .map(|v| v.is_truthy())
            .unwrap_or(false);
        if !loaded {
            return Err(ApiError::network(lang));
        }
        let status = xhr.status().unwrap_or(0);
        let text = xhr.response_text().ok().flatten().unwrap_or_default();
        if (200..300).contains(&status) {
            decode(&text).ok_or_else(|| ApiError::bad_response(lang, status))
        } else {
            Err(ApiError::from_body(lang, status, &text))
        }
    }
}

/// A JSON body as `T`: parsed by the browser (`JSON.parse`), then read by [`crate::de`].
/// The wire format is the same JSON; only the parser differs (see Cargo.toml for why).
fn decode<T: DeserializeOwned>(body: &str) -> Option<T> {
    let value = js_sys::JSON::parse(body).ok()?;
    T::deserialize(crate::de::De(value)).ok()
}

/// Bytes as an object URL (for thumbnails); `None` if the browser refuses.
fn blob_url(bytes: &[u8], content_type: &str) -> Option<String> {
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(content_type);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}
