//! Every answer the end-to-end tests receive is held to the OpenAPI document the worker serves
//! (`worker/openapi.json`, generated from the types): its status must be one the operation lists,
//! and a JSON body must match that status's schema. A real response that drifts from the
//! document fails the test that received it, whatever the test itself asserts.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use serde_json::{Value, json};
use shared::api::routes;

/// The document, read once.
fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let path = crate::server::repo_root().join("worker/openapi.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("openapi.json is not JSON: {e}"))
    })
}

/// One validator per schema, compiled once (the document is large; the tests send thousands of
/// requests).
fn validate(schema: &Value, body: &Value) -> Result<(), String> {
    static CACHE: OnceLock<Mutex<HashMap<String, std::sync::Arc<jsonschema::Validator>>>> =
        OnceLock::new();
    let key = schema.to_string();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let cached = cache.lock().ok().and_then(|c| c.get(&key).cloned());
    let validator = match cached {
        Some(v) => v,
        None => {
            // The operation's schema with the document's components beside it, so that its
            // `#/components/schemas/…` references resolve.
            let rooted = json!({
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "allOf": [schema],
                "components": document()["components"],
            });
            let v = std::sync::Arc::new(
                jsonschema::draft202012::new(&rooted)
                    .map_err(|e| format!("the document's schema does not compile: {e}"))?,
            );
            if let Ok(mut c) = cache.lock() {
                c.insert(key, v.clone());
            }
            v
        }
    };
    let problems: Vec<String> = validator
        .iter_errors(body)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// Checks one answer to `method path` (the path may carry a query) against the document.
/// Paths outside `/api/` (pages, assets) and transport failures (status 0) are not the API's.
pub fn check(method: &str, path: &str, status: u16, content_type: &str, body: &[u8]) {
    let path = path.split('?').next().unwrap_or(path);
    if !path.starts_with("/api/") || status == 0 {
        return;
    }
    let doc = document();
    let template = routes::TABLE
        .iter()
        .find(|(m, t)| *m == method && routes::matches(t, path))
        .map(|(_, t)| *t);
    let Some(template) = template else {
        // Not an operation: an unknown path is 404, a known one with another method 405, both
        // with the error envelope.
        let expected = if routes::methods_at(path).is_empty() {
            404
        } else {
            405
        };
        assert_eq!(
            status, expected,
            "{method} {path}: a request no route takes answered {status}"
        );
        check_body(
            method,
            path,
            status,
            &json!({ "$ref": "#/components/schemas/ErrorBody" }),
            body,
        );
        return;
    };
    let op = &doc["paths"][template][method.to_ascii_lowercase()];
    let response = &op["responses"][status.to_string()];
    assert!(
        response.is_object(),
        "{method} {path} answered {status}, a status the document does not list for it: {}",
        String::from_utf8_lossy(&body[..body.len().min(300)])
    );
    if let Some(schema) = response["content"]["application/json"].get("schema") {
        assert!(
            content_type.starts_with("application/json"),
            "{method} {path} answered {status} as {content_type:?}; the document says JSON"
        );
        check_body(method, path, status, schema, body);
    }
}

fn check_body(method: &str, path: &str, status: u16, schema: &Value, body: &[u8]) {
    let value: Value = serde_json::from_slice(body).unwrap_or_else(|e| {
        panic!(
            "{method} {path} answered {status} with a body that is not JSON ({e}): {}",
            String::from_utf8_lossy(&body[..body.len().min(300)])
        )
    });
    if let Err(problems) = validate(schema, &value) {
        panic!(
            "{method} {path} answered {status} with a body the document does not describe: {problems}\nbody: {}",
            &value.to_string().chars().take(600).collect::<String>()
        );
    }
}
