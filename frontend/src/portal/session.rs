//! What the portal remembers in the browser: the buyer's order tokens (per order number, so a
//! bookmarked case link keeps working), which order each case belongs to, and the language.
//!
//! A token is written to both `sessionStorage` (this tab) and `localStorage` (a bookmark opened
//! later); reading prefers the tab's copy. An expired token is found out by the API's 401, at
//! which point [`forget_token`] drops it and the page asks for the lookup again. Storage can be
//! missing or full (private windows): every function then quietly does nothing.

use shared::Lang;
use shared::domain::Timestamp;

const TOKEN_PREFIX: &str = "as.token.";
const CASE_PREFIX: &str = "as.case.";
const LANG_KEY: &str = "as.lang";

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn tab() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn get(store: Option<web_sys::Storage>, key: &str) -> Option<String> {
    store?.get_item(key).ok().flatten()
}

fn set(store: Option<web_sys::Storage>, key: &str, value: &str) {
    if let Some(s) = store {
        let _ = s.set_item(key, value);
    }
}

fn remove(store: Option<web_sys::Storage>, key: &str) {
    if let Some(s) = store {
        let _ = s.remove_item(key);
    }
}

/// A stored token with its expiry: `"<expires_at ms> <token>"`.
#[must_use]
pub fn encode_token(token: &str, expires_at: Timestamp) -> String {
    format!("{} {token}", expires_at.0)
}

/// The token of an encoded entry, unless it expired before `now`.
#[must_use]
pub fn decode_token(entry: &str, now_ms: i64) -> Option<String> {
    let (expires, token) = entry.split_once(' ')?;
    let expires: i64 = expires.parse().ok()?;
    (expires > now_ms && !token.is_empty()).then(|| token.to_string())
}

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Remembers the buyer's token for an order.
pub fn save_token(order: &str, token: &str, expires_at: Timestamp) {
    let key = format!("{TOKEN_PREFIX}{order}");
    let value = encode_token(token, expires_at);
    set(tab(), &key, &value);
    set(local(), &key, &value);
}

/// The buyer's token for an order, if one is stored and not expired.
#[must_use]
pub fn token(order: &str) -> Option<String> {
    let key = format!("{TOKEN_PREFIX}{order}");
    let now = now_ms();
    get(tab(), &key)
        .and_then(|e| decode_token(&e, now))
        .or_else(|| get(local(), &key).and_then(|e| decode_token(&e, now)))
}

/// Drops a token the API refused.
pub fn forget_token(order: &str) {
    let key = format!("{TOKEN_PREFIX}{order}");
    remove(tab(), &key);
    remove(local(), &key);
}

/// Remembers which order a case belongs to (for case links opened without `?order=`).
pub fn save_case_order(case_id: &str, order: &str) {
    set(local(), &format!("{CASE_PREFIX}{case_id}"), order);
}

/// The order a case belongs to, if known.
#[must_use]
pub fn case_order(case_id: &str) -> Option<String> {
    get(local(), &format!("{CASE_PREFIX}{case_id}"))
}

/// The language the buyer chose before, if any.
#[must_use]
pub fn saved_lang() -> Option<Lang> {
    match get(local(), LANG_KEY)?.as_str() {
        "zh-CN" => Some(Lang::ZhCn),
        "en" => Some(Lang::En),
        _ => None,
    }
}

/// Remembers the buyer's language.
pub fn save_lang(lang: Lang) {
    set(local(), LANG_KEY, crate::portal::i18n::code(lang));
}

/// The browser's preferred languages as an Accept-Language-like list (`"en-GB,en,zh-CN"`).
#[must_use]
pub fn browser_languages() -> String {
    let Some(nav) = web_sys::window().map(|w| w.navigator()) else {
        return String::new();
    };
    let list: Vec<String> = nav
        .languages()
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    if list.is_empty() {
        nav.language().unwrap_or_default()
    } else {
        list.join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_token_is_returned_until_it_expires() {
        let entry = encode_token("abc.def", Timestamp(2_000));
        assert_eq!(decode_token(&entry, 1_999).as_deref(), Some("abc.def"));
        assert_eq!(decode_token(&entry, 2_000), None);
    }

    #[test]
    fn a_damaged_entry_reads_as_no_token() {
        assert_eq!(decode_token("garbage", 0), None);
        assert_eq!(decode_token("12x abc", 0), None);
        assert_eq!(decode_token("99 ", 0), None);
    }
}
