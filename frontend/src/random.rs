//! Randomness from the browser, for both apps.

/// A random key for `Idempotency-Key`: 128 bits from the browser's CSPRNG, as hex.
#[must_use]
pub fn idempotency_key() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        // No WebCrypto (very old browsers): Math.random is enough to tell two filings apart.
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
