//! Request bodies as the worker reads them (feature `json`): strict JSON into the wire types, and
//! the policy document of `PUT /api/staff/policy` and its preview. Here rather than in the worker
//! so that the fuzz crate (`fuzz/`) drives exactly these functions, on wasm32, with mutated
//! bodies.

use serde::de::DeserializeOwned;

use super::ApiErrorCode;
use crate::policy::{FieldError, Policy};

/// JSON bodies larger than this are refused with 413 (a case with a long note is ~4 KB).
pub const MAX_JSON_BYTES: usize = 64 * 1024;
/// One proof photo.
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;
/// An order import (JSON or CSV).
pub const MAX_IMPORT_BYTES: usize = 2 * 1024 * 1024;

/// Reads a JSON document into `T` (unknown fields are refused by the types themselves,
/// `deny_unknown_fields`). A number with no fractional part is an integer whatever its spelling
/// (`3.0`, `3e2`), as JSON Schema and JavaScript count it: a client that computed a quantity in
/// floating point is not refused for how its encoder wrote it.
///
/// # Errors
/// [`ApiErrorCode::MalformedJson`] for anything that is not one document of type `T`.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiErrorCode> {
    let mut value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|_| ApiErrorCode::MalformedJson)?;
    integral_numbers(&mut value);
    T::deserialize(value).map_err(|_| ApiErrorCode::MalformedJson)
}

/// Rewrites every float that holds a whole number in `i64`'s range as that integer.
pub fn integral_numbers(value: &mut serde_json::Value) {
    use serde_json::Value;
    // 2^63 as a float: the first whole number above `i64::MAX`.
    const I64_BOUND: f64 = 9_223_372_036_854_775_808.0;
    match value {
        Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|_| n.is_f64())
                && f.fract() == 0.0
                && (-I64_BOUND..I64_BOUND).contains(&f)
            {
                // Exact: `f` is whole and inside `i64`'s range.
                #[allow(clippy::cast_possible_truncation)]
                let whole = f as i64;
                *n = whole.into();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        Value::Object(fields) => fields.values_mut().for_each(integral_numbers),
        Value::Null | Value::Bool(_) | Value::String(_) => {}
    }
}

/// Why a policy document was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyDocumentError {
    /// Not UTF-8 text.
    Malformed,
    /// Field problems (a document that does not parse is one, saying where it breaks).
    Fields(Vec<FieldError>),
}

/// A policy document from a request body, read and validated as a save reads it (the preview
/// answers the same field problems).
///
/// # Errors
/// See [`PolicyDocumentError`].
pub fn policy_document(raw: Vec<u8>) -> Result<Policy, PolicyDocumentError> {
    let text = String::from_utf8(raw).map_err(|_| PolicyDocumentError::Malformed)?;
    // Whole numbers however spelled, as any JSON body; a document that does not parse is left
    // to `from_json`, which says where it breaks as a field problem (the policy editor shows it).
    let text = match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(mut document) => {
            integral_numbers(&mut document);
            document.to_string()
        }
        Err(_) => text,
    };
    // `from_json`, not `from_deserializer`: the document must end where the JSON ends, so that
    // `{…} trailing` is refused like any other malformed body.
    Policy::from_json(&text).map_err(PolicyDocumentError::Fields)
}

#[cfg(test)]
mod tests {
    use super::parse_json;

    #[test]
    fn a_whole_number_is_an_integer_however_it_is_spelled() {
        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct Line {
            quantity: u32,
            amount: i64,
        }
        let read = |text: &str| parse_json::<Line>(text.as_bytes()).ok();
        let line = |quantity, amount| Some(Line { quantity, amount });
        assert_eq!(read(r#"{"quantity": 2.0, "amount": -1e3}"#), line(2, -1000));
        assert_eq!(read(r#"{"quantity": 2, "amount": -0.0}"#), line(2, 0));
        // A fraction, a number past i64, or one past the field's type is still refused.
        assert_eq!(read(r#"{"quantity": 2.5, "amount": 1}"#), None);
        assert_eq!(read(r#"{"quantity": 1, "amount": 1e19}"#), None);
        assert_eq!(read(r#"{"quantity": 4294967296.0, "amount": 1}"#), None);
        assert_eq!(read(r#"{"quantity": 1, "amount": 1} trailing"#), None);
    }
}
