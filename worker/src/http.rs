//! Request decoding and response building shared by every handler: body limits and content
//! types, strict JSON, the caller's language and address, and JSON responses.

use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::api::ApiErrorCode;
use shared::i18n::Lang;
use worker::{Headers, Request, Response};

use crate::error::{AppError, AppResult};
use crate::photos::ImageType;

pub use shared::api::decode::{MAX_IMPORT_BYTES, MAX_JSON_BYTES, MAX_PHOTO_BYTES};

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

/// The client a guessing limit counts: its address as Cloudflare reports it, an IPv6 address cut
/// to its /64 (one subscriber gets a whole /64, so counting single IPv6 addresses would give one
/// guesser 2^64 fresh budgets). "local" under `wrangler dev` without the header.
pub fn client_key(req: &Request) -> String {
    req.headers()
        .get("CF-Connecting-IP")
        .ok()
        .flatten()
        .map_or_else(|| "local".to_string(), |ip| client_key_of(&ip))
}

/// The limit key of one address: IPv4 as it is, IPv6 (also IPv4-mapped) by its /64.
pub fn client_key_of(address: &str) -> String {
    match address.trim().parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(v4)) => v4.to_string(),
        Ok(std::net::IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        // Not an address (a proxy's oddity): one shared bucket, so it cannot mint budgets.
        Err(_) => "unparsed".to_string(),
    }
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
    parse_json(&bytes)
}

/// Reads a JSON document into `T` (`shared::api::decode::parse_json`: whole numbers however
/// spelled, nothing after the document).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> AppResult<T> {
    shared::api::decode::parse_json(bytes).map_err(AppError::Api)
}

/// No page may frame an answer (clickjacking a staff page, or a photo dressed up as one), and no
/// URL of ours travels to another site in a `Referer`. The portal's static files send the same
/// through `frontend/_headers` (Workers Static Assets read it; a test keeps both in step).
pub const FRAMING_HEADERS: [(&str, &str); 2] = [
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
];

/// An API answer is data, never a page: it may load nothing and be framed by nobody.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// A stored photo shown on its own: it may load nothing, and a sandbox treats it as a unique
/// origin with no scripts, so even a file that passed the checks and still held markup could act
/// on nothing.
pub const PHOTO_CSP: &str = "default-src 'none'; sandbox";

/// Headers every API answer carries: no caching of personal data, no sniffing, no framing, no
/// referrer, no loading of anything.
fn base_headers(content_type: &str) -> Headers {
    let headers = Headers::new();
    let _ = headers.set("Content-Type", content_type);
    let _ = headers.set("Cache-Control", "no-store");
    let _ = headers.set("X-Content-Type-Options", "nosniff");
    let _ = headers.set("Content-Security-Policy", API_CSP);
    for (name, value) in FRAMING_HEADERS {
        let _ = headers.set(name, value);
    }
    headers
}

/// What a stored photo is served as: its image type and file extension, from the type stored
/// with it (one of [`ImageType`]'s, set at upload); anything else is plain bytes, never a type a
/// browser would run.
pub fn photo_type(stored: &str) -> (&'static str, &'static str) {
    [ImageType::Jpeg, ImageType::Png, ImageType::Webp]
        .into_iter()
        .find(|kind| kind.mime() == stored)
        .map_or(("application/octet-stream", "bin"), |kind| {
            let extension = match kind {
                ImageType::Jpeg => "jpg",
                ImageType::Png => "png",
                ImageType::Webp => "webp",
            };
            (kind.mime(), extension)
        })
}

/// A stored photo: shown inline under a name of its own (`<id>.<ext>`, so that "save as" keeps
/// the type and never borrows a name from the URL), sandboxed, cacheable by the caller only.
/// `id` is a validated hex id, safe inside the quoted file name.
pub fn photo_response(id: &str, stored_type: &str, bytes: Vec<u8>) -> worker::Result<Response> {
    let (content_type, extension) = photo_type(stored_type);
    let response = bytes_response(200, content_type, bytes)?;
    let headers = response.headers();
    headers.set(
        "Content-Disposition",
        &format!("inline; filename=\"{id}.{extension}\""),
    )?;
    headers.set("Content-Security-Policy", PHOTO_CSP)?;
    headers.set("Cache-Control", "private, max-age=3600")?;
    Ok(response)
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

/// One query parameter, as sent (the backup routes' `cursor`, `restore`, `order`: opaque values
/// checked where they are used).
pub fn query(req: &Request, name: &str) -> Option<String> {
    query_pairs(req)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::client_key_of;

    #[test]
    fn ipv6_clients_count_per_64_and_ipv4_per_address() {
        assert_eq!(client_key_of("203.0.113.7"), "203.0.113.7");
        assert_eq!(
            client_key_of("2001:db8:1:2:aaaa::1"),
            client_key_of("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")
        );
        assert_eq!(client_key_of("2001:db8:1:2::9"), "2001:db8:1:2::/64");
        assert_ne!(
            client_key_of("2001:db8:1:2::1"),
            client_key_of("2001:db8:1:3::1")
        );
        assert_eq!(client_key_of("::ffff:198.51.100.4"), "198.51.100.4");
        assert_eq!(client_key_of("not an address"), "unparsed");
        assert_eq!(client_key_of("1.2.3.4, 5.6.7.8"), "unparsed");
    }
}

#[cfg(test)]
mod header_tests {
    use super::*;

    /// The portal's `_headers` file, as Trunk copies it into dist/.
    const PORTAL_HEADERS: &str = include_str!("../../frontend/_headers");

    #[test]
    fn the_portal_sends_the_same_framing_and_referrer_headers_as_the_api() {
        let lines: Vec<&str> = PORTAL_HEADERS.lines().map(str::trim).collect();
        for (name, value) in FRAMING_HEADERS {
            assert!(
                lines.contains(&format!("{name}: {value}").as_str()),
                "{name} missing from frontend/_headers"
            );
        }
        let csp = lines
            .iter()
            .find_map(|l| l.strip_prefix("Content-Security-Policy: "))
            .unwrap_or_default();
        for directive in [
            "default-src 'self'",
            "script-src 'self' 'wasm-unsafe-eval'",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'none'",
            "connect-src 'self'",
            "img-src 'self' blob:",
        ] {
            assert!(csp.contains(directive), "{directive} missing from {csp}");
        }
        assert!(!csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"));
        assert!(API_CSP.contains("frame-ancestors 'none'"));
    }

    #[test]
    fn photos_are_served_as_their_image_type_or_as_inert_bytes() {
        assert_eq!(photo_type("image/jpeg"), ("image/jpeg", "jpg"));
        assert_eq!(photo_type("image/png"), ("image/png", "png"));
        assert_eq!(photo_type("image/webp"), ("image/webp", "webp"));
        for other in [
            "text/html",
            "image/svg+xml",
            "",
            "image/jpeg; charset=utf-8",
        ] {
            assert_eq!(
                photo_type(other),
                ("application/octet-stream", "bin"),
                "{other}"
            );
        }
    }
}
