//! WebCrypto through `crypto.subtle`: random bytes, SHA-256, HMAC-SHA256 and PBKDF2-SHA256.
//! The runtime's native implementations cost no wasm size and little CPU; a pure-Rust PBKDF2 at
//! 100,000 iterations would blow the 10 ms CPU budget of a free-plan request.

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Crypto, CryptoKey, SubtleCrypto};

/// What went wrong inside WebCrypto (never shown to a caller).
#[derive(Debug)]
pub struct CryptoError(pub String);

impl From<JsValue> for CryptoError {
    fn from(v: JsValue) -> Self {
        Self(format!("{v:?}"))
    }
}

pub(crate) type Result<T> = std::result::Result<T, CryptoError>;

fn crypto() -> Result<Crypto> {
    let global = js_sys::global();
    Ok(Reflect::get(&global, &JsValue::from_str("crypto"))?.dyn_into::<Crypto>()?)
}

pub(crate) fn subtle() -> Result<SubtleCrypto> {
    Ok(crypto()?.subtle())
}

/// `n` bytes from the runtime's CSPRNG.
pub fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    crypto()?.get_random_values_with_u8_array(&mut bytes)?;
    Ok(bytes)
}

/// A random identifier: `bytes` random bytes as lowercase hex.
pub fn random_hex<const N: usize>() -> Result<String> {
    Ok(hex(&random_bytes::<N>()?))
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

pub(crate) async fn bytes_of(promise: js_sys::Promise) -> Result<Vec<u8>> {
    let buffer = JsFuture::from(promise).await?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// SHA-256 of `data`.
pub async fn sha256(data: &[u8]) -> Result<Vec<u8>> {
    bytes_of(subtle()?.digest_with_str_and_u8_array("SHA-256", data)?).await
}

pub(crate) fn algorithm(pairs: &[(&str, JsValue)]) -> Result<Object> {
    let obj = Object::new();
    for (k, v) in pairs {
        Reflect::set(&obj, &JsValue::from_str(k), v)?;
    }
    Ok(obj)
}

async fn import_key(
    format_alg: &[(&str, JsValue)],
    raw: &[u8],
    usages: &[&str],
) -> Result<CryptoKey> {
    let usages: Array = usages.iter().map(|u| JsValue::from_str(u)).collect();
    let key_data: Object = Uint8Array::from(raw).into();
    let promise = subtle()?.import_key_with_object(
        "raw",
        &key_data,
        &algorithm(format_alg)?,
        false,
        &usages,
    )?;
    Ok(JsFuture::from(promise).await?.dyn_into::<CryptoKey>()?)
}

/// HMAC-SHA256 of `data` under `key`.
pub async fn hmac_sha256(key: &[u8], data: &[u8]) -> Result<Vec<u8>> {
    let key = import_key(
        &[
            ("name", JsValue::from_str("HMAC")),
            ("hash", JsValue::from_str("SHA-256")),
        ],
        key,
        &["sign"],
    )
    .await?;
    bytes_of(subtle()?.sign_with_str_and_u8_array("HMAC", &key, data)?).await
}

/// PBKDF2-SHA256, 32 bytes. Production Workers refuse more than 100,000 iterations.
pub async fn pbkdf2_sha256(password: &[u8], salt: &[u8], iterations: u32) -> Result<Vec<u8>> {
    let key = import_key(
        &[("name", JsValue::from_str("PBKDF2"))],
        password,
        &["deriveBits"],
    )
    .await?;
    let params = algorithm(&[
        ("name", JsValue::from_str("PBKDF2")),
        ("hash", JsValue::from_str("SHA-256")),
        ("salt", Uint8Array::from(salt).into()),
        ("iterations", JsValue::from_f64(f64::from(iterations))),
    ])?;
    bytes_of(subtle()?.derive_bits_with_object(&params, &key, 256)?).await
}

/// Compares secrets in time that does not depend on where they differ (`subtle`).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    // `ct_eq` on slices of different lengths is false, without comparing contents.
    a.ct_eq(b).into()
}

/// URL-safe base64 without padding (RFC 4648 §5), for tokens.
pub fn b64url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes [`b64url`], and only what it writes: the URL-safe alphabet, no padding, no length
/// that leaves a lone character, and zero in the bits the last character holds beyond the last
/// byte (the engine refuses trailing bits unless told otherwise). A lenient decoder ignores those
/// bits, so a 32-byte signature (43 characters, 2 spare bits) would have four accepted
/// spellings: a token could be altered and still verify, and two spellings of one token would
/// look like two tokens. The tests below hold the engine to that.
pub fn b64url_decode(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .ok()
}

/// True when `given` is exactly the base64url of `expected` (decoded strictly, so one signature
/// has one spelling) and the bytes match, compared in constant time.
pub fn signature_matches(expected: &[u8], given: &str) -> bool {
    b64url_decode(given).is_some_and(|given| constant_time_eq(expected, &given))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips_every_length() {
        for len in 0..40u8 {
            let data: Vec<u8> = (0..len).map(|i| i.wrapping_mul(37)).collect();
            assert_eq!(b64url_decode(&b64url(&data)), Some(data));
        }
        assert_eq!(b64url(b"hello"), "aGVsbG8");
        assert_eq!(b64url_decode("a*"), None);
    }

    /// The URL-safe alphabet, to spell test inputs by hand.
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    fn b64url_value(c: u8) -> Option<u32> {
        ALPHABET
            .iter()
            .position(|a| *a == c)
            .and_then(|i| u32::try_from(i).ok())
    }

    /// Every other spelling of the last character of `text`: the same high bits, other spare
    /// bits (none for a length that is a multiple of 4).
    fn respellings(text: &str) -> Vec<String> {
        let spare = match text.len() % 4 {
            2 => 4,
            3 => 2,
            _ => 0,
        };
        let Some((head, last)) = text.len().checked_sub(1).map(|i| text.split_at(i)) else {
            return Vec::new();
        };
        let value = last.bytes().next().and_then(b64url_value).unwrap_or(0);
        (1..(1u32 << spare))
            .map(|flip| format!("{head}{}", ALPHABET[(value ^ flip) as usize] as char))
            .collect()
    }

    #[test]
    fn base64url_has_one_spelling_for_every_length() {
        for len in 0..64u8 {
            let data: Vec<u8> = (0..len)
                .map(|i| i.wrapping_mul(151).wrapping_add(7))
                .collect();
            let text = b64url(&data);
            assert_ne!(text.len() % 4, 1, "{len}");
            assert_eq!(
                b64url_decode(&text).as_deref(),
                Some(data.as_slice()),
                "{len}"
            );
            let others = respellings(&text);
            assert_eq!(others.len(), [0, 15, 3][usize::from(len) % 3], "{len}");
            for other in others {
                assert_eq!(b64url_decode(&other), None, "{len}: {other}");
            }
        }
    }

    #[test]
    fn base64url_refuses_lone_characters_padding_and_foreign_alphabets() {
        for bad in [
            "A",
            "AAAAA",
            "AAAAAAAAA",
            "aGVsbG8=",
            "aGVs+G8",
            "aGVs/G8",
            "aGV sbG8",
            "é",
        ] {
            assert_eq!(b64url_decode(bad), None, "{bad}");
        }
        assert_eq!(b64url_decode(""), Some(Vec::new()));
    }

    #[test]
    fn a_signature_with_its_spare_bits_flipped_is_refused() {
        // An HMAC-SHA256 signature: 32 bytes, 43 characters, 2 spare bits in the last one.
        let signature: Vec<u8> = (0..32u8).map(|i| i.wrapping_mul(97)).collect();
        let text = b64url(&signature);
        assert_eq!(text.len(), 43);
        assert!(signature_matches(&signature, &text));
        let others = respellings(&text);
        assert_eq!(others.len(), 3);
        for other in others {
            assert!(!signature_matches(&signature, &other), "{other}");
        }
        assert!(!signature_matches(&signature, &text[..42]));
        assert!(!signature_matches(&signature, &format!("{text}=")));
    }

    #[test]
    fn constant_time_eq_compares_contents_and_lengths() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }

    #[test]
    fn hex_is_lowercase_two_digits_per_byte() {
        assert_eq!(hex(&[0, 15, 255]), "000fff");
    }
}
