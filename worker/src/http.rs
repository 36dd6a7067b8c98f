//! Request decoding and response building shared by every handler: body limits and content
//! types, strict JSON, the caller's language and address, and JSON responses.

use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::api::ApiErrorCode;
use shared::i18n::Lang;
use worker::{Headers, Request, Response};

use crate::error::{AppError, AppResult};

/// JSON bodies larger than this are refused with 413 (a case with a long note is ~4 KB).
pub const MAX_JSON_BYTES: usize = 64 * 1024;
/// One proof photo.
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;
/// An order import (JSON or CSV).
pub const MAX_IMPORT_BYTES: usize = 2 * 1024 * 1024;

/// The caller's language from `Accept-Language` (zh-CN or en).
pub fn lang_of(req: &Request) -> Lang {
    let header = req
        .headers()
        .get("Accept-Language")
        .ok()
        .flatten()
        .unwrap_or_default();
    Lang::from_accept_language(&header)
}

/// The client's address as Cloudflare reports it (loopback under `wrangler dev`).
pub fn client_ip(req: &Request) -> String {
    req.headers()
        .get("CF-Connecting-IP")
        .ok()
        .flatten()
        .unwrap_or_else(|| "local".to_string())
}

/// A header's value, if present.
pub fn header(req: &Request, name: &str) -> Option<String> {
    req.headers().get(name).ok().flatten()
}

/// Refuses a declared length above `limit` before reading anything.
fn check_declared_length(req: &Request, limit: usize) -> AppResult<()> {
    if let Some(len) = header(req, "Content-Length").and_then(|v| v.parse::<usize>().ok())
        && len > limit
    {
        return Err(ApiErrorCode::TooLarge.into());
    }
    Ok(())
}

/// Reads the body (at most `limit` bytes).
pub async fn body_bytes(req: &mut Request, limit: usize) -> AppResult<Vec<u8>> {
    check_declared_length(req, limit)?;
    let bytes = req
        .bytes()
        .await
        .map_err(|_| AppError::Api(ApiErrorCode::BadRequest))?;
    if bytes.len() > limit {
        return Err(ApiErrorCode::TooLarge.into());
    }
    Ok(bytes)
}

/// Reads a JSON body into `T`: `application/json` only, at most [`MAX_JSON_BYTES`], and
/// unknown fields refused by the types themselves (`deny_unknown_fields`).
pub async fn json_body<T: DeserializeOwned>(req: &mut Request) -> AppResult<T> {
    let content_type = header(req, "Content-Type").unwrap_or_default();
    if !content_type
        .to_ascii_lowercase()
        .starts_with("application/json")
    {
        return Err(ApiErrorCode::UnsupportedMediaType.into());
    }
    let bytes = body_bytes(req, MAX_JSON_BYTES).await?;
    serde_json::from_slice(&bytes).map_err(|_| AppError::Api(ApiErrorCode::MalformedJson))
}

/// Headers every API answer carries: no caching of personal data, no sniffing.
fn base_headers(content_type: &str) -> Headers {
    let headers = Headers::new();
    let _ = headers.set("Content-Type", content_type);
    let _ = headers.set("Cache-Control", "no-store");
    let _ = headers.set("X-Content-Type-Options", "nosniff");
    headers
}

/// A JSON response with `status`.
pub fn json_response<T: Serialize>(status: u16, body: &T) -> worker::Result<Response> {
    let text = serde_json::to_string(body)?;
    bytes_response(status, "application/json; charset=utf-8", text.into_bytes())
}

/// Any body with its content type.
pub fn bytes_response(status: u16, content_type: &str, bytes: Vec<u8>) -> worker::Result<Response> {
    Ok(Response::from_bytes(bytes)?
        .with_status(status)
        .with_headers(base_headers(content_type)))
}

/// 200 with JSON.
pub fn ok<T: Serialize>(body: &T) -> AppResult<Response> {
    Ok(json_response(200, body)?)
}

/// `status` with JSON.
pub fn with_status<T: Serialize>(status: u16, body: &T) -> AppResult<Response> {
    Ok(json_response(status, body)?)
}

/// Query parameters as pairs.
pub fn query_pairs(req: &Request) -> Vec<(String, String)> {
    req.url()
        .map(|u| {
            u.query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// One query parameter.
pub fn query(req: &Request, name: &str) -> Option<String> {
    query_pairs(req)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}
