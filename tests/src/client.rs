//! A small typed client for the API: JSON in and out, status codes as values (never errors),
//! a staff session cookie and its CSRF token, a buyer's case token, and the caller's language.

use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// One answer from the API, whatever its status.
#[derive(Debug, Clone)]
pub struct ApiResponse {
    /// HTTP status.
    pub status: u16,
    /// Lower-cased header names with their values.
    pub headers: Vec<(String, String)>,
    /// The raw body.
    pub body: Vec<u8>,
}

impl ApiResponse {
    /// The body as JSON (`Value::Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The body decoded into `T`.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, String> {
        serde_json::from_slice(&self.body).map_err(|e| {
            format!(
                "{e}: status {} body {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The error envelope's stable code, if this is an error.
    pub fn code(&self) -> String {
        self.json()["code"].as_str().unwrap_or_default().to_string()
    }
}

/// A caller of the API: anonymous, a buyer holding a case token, or a signed-in staff member.
#[derive(Debug, Clone)]
pub struct Api {
    /// `http://127.0.0.1:<port>`
    pub base: String,
    /// Sent as `Accept-Language`.
    pub lang: String,
    /// `Authorization: Bearer <token>` for buyers and shop systems.
    pub bearer: Option<String>,
    /// The staff session cookie (`name=value`).
    pub cookie: Option<String>,
    /// The CSRF token that goes with the session.
    pub csrf: Option<String>,
    agent: ureq::Agent,
}

impl Api {
    /// An anonymous caller.
    pub fn new(base: &str) -> Self {
        Self {
            base: base.trim_end_matches('/').to_string(),
            lang: "en".into(),
            bearer: None,
            cookie: None,
            csrf: None,
            agent: ureq::AgentBuilder::new()
                .timeout(Duration::from_secs(30))
                .redirects(0)
                .build(),
        }
    }

    /// The same caller speaking another language.
    pub fn with_lang(mut self, lang: &str) -> Self {
        self.lang = lang.into();
        self
    }

    /// The same caller with a bearer token.
    pub fn with_bearer(mut self, token: &str) -> Self {
        self.bearer = Some(token.into());
        self
    }

    /// `GET path`
    pub fn get(&self, path: &str) -> ApiResponse {
        self.send("GET", path, None, &[])
    }

    /// `DELETE path`
    pub fn delete(&self, path: &str) -> ApiResponse {
        self.send("DELETE", path, None, &[])
    }

    /// `POST path` with a JSON body.
    pub fn post<B: Serialize>(&self, path: &str, body: &B) -> ApiResponse {
        let bytes = serde_json::to_vec(body).unwrap_or_default();
        self.send("POST", path, Some(("application/json", bytes)), &[])
    }

    /// `POST {case}/commands` naming the version the command was decided on (`If-Match`), read
    /// from `GET {case}` just before, as a page would have it: `case` is the case's path as this
    /// caller reads it (`/api/buyer/cases/{id}` or `/api/staff/cases/{id}`). When the caller
    /// cannot read the case, the command goes without `If-Match`.
    pub fn command<B: Serialize>(&self, case: &str, body: &B) -> ApiResponse {
        let bytes = serde_json::to_vec(body).unwrap_or_default();
        let version = self.get(case).json()["version"].as_u64();
        let tag = version.map(|v| format!("\"{v}\""));
        let headers: Vec<(&str, &str)> = tag.iter().map(|t| ("If-Match", t.as_str())).collect();
        self.send(
            "POST",
            &format!("{case}/commands"),
            Some(("application/json", bytes)),
            &headers,
        )
    }

    /// `PUT path` with a JSON body.
    pub fn put<B: Serialize>(&self, path: &str, body: &B) -> ApiResponse {
        let bytes = serde_json::to_vec(body).unwrap_or_default();
        self.send("PUT", path, Some(("application/json", bytes)), &[])
    }

    /// Any method, any body, extra headers.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<(&str, Vec<u8>)>,
        extra_headers: &[(&str, &str)],
    ) -> ApiResponse {
        let mut req = self
            .agent
            .request(method, &format!("{}{}", self.base, path))
            .set("Accept-Language", &self.lang);
        if let Some(token) = &self.bearer {
            req = req.set("Authorization", &format!("Bearer {token}"));
        }
        if let Some(cookie) = &self.cookie {
            req = req.set("Cookie", cookie);
        }
        if let Some(csrf) = &self.csrf {
            req = req.set("X-CSRF-Token", csrf);
        }
        for (k, v) in extra_headers {
            req = req.set(k, v);
        }
        let result = match body {
            Some((content_type, bytes)) => req.set("Content-Type", content_type).send_bytes(&bytes),
            None => req.call(),
        };
        let response = match result {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => {
                return ApiResponse {
                    status: 0,
                    headers: vec![],
                    body: format!("transport error: {e}").into_bytes(),
                };
            }
        };
        let status = response.status();
        let headers: Vec<(String, String)> = response
            .headers_names()
            .into_iter()
            .flat_map(|name| {
                response
                    .all(&name)
                    .into_iter()
                    .map(|v| (name.to_ascii_lowercase(), v.to_string()))
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut body = Vec::new();
        let _ = std::io::Read::read_to_end(&mut response.into_reader(), &mut body);
        #[cfg(feature = "e2e")]
        {
            let content_type = headers_content_type(&headers);
            crate::contract::check(method, path, status, &content_type, &body);
        }
        ApiResponse {
            status,
            headers,
            body,
        }
    }
}

#[cfg(feature = "e2e")]
fn headers_content_type(headers: &[(String, String)]) -> String {
    headers
        .iter()
        .find(|(k, _)| k == "content-type")
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}
