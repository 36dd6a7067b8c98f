//! Which Web Push subscriptions a case takes (issue 12 §1). The endpoint is a URL a buyer hands
//! the worker, which the worker will then POST to: it must be a push service's https URL, never
//! an address inside the network (SSRF), unless the deployment allows plain http for its local
//! test receivers. The keys must be what RFC 8291 needs, so that a subscription that cannot be
//! encrypted to is refused when it is registered, not found out at every notification.

use crate::api::push::PushSubscription;
use crate::i18n::Sentence;

use super::field::FieldError;
use super::settings::Policy;

/// The longest endpoint taken (push services use a few hundred characters).
pub const MAX_ENDPOINT_CHARS: usize = 1_024;

/// A subscription that passed [`validate`], its keys decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidSubscription {
    /// The push service's URL.
    pub endpoint: String,
    /// The browser's uncompressed P-256 public key.
    pub p256dh: [u8; 65],
    /// The authentication secret.
    pub auth: [u8; 16],
}

fn problem(field: &str, code: &str, zh: &str, en: &str) -> FieldError {
    FieldError::new(
        field,
        code,
        Sentence {
            zh: zh.to_owned(),
            en: en.to_owned(),
        },
    )
}

/// Checks a subscription: every problem at once, one per field. `allow_http`: the deployment's
/// `PUSH_ALLOW_HTTP` (local tests only), which also lets loopback addresses through.
///
/// # Errors
/// The fields with bad values: `endpoint` (`push_endpoint_invalid`, `push_endpoint_not_https`,
/// `push_endpoint_not_public`), `keys.p256dh` (`push_key_invalid`), `keys.auth`
/// (`push_auth_invalid`).
pub fn validate(
    sub: &PushSubscription,
    allow_http: bool,
) -> Result<ValidSubscription, Vec<FieldError>> {
    let mut problems = Vec::new();
    if let Err(e) = check_endpoint(&sub.endpoint, allow_http) {
        problems.push(e);
    }
    let p256dh = b64url_decode(&sub.keys.p256dh)
        .and_then(|k| <[u8; 65]>::try_from(k).ok())
        .filter(|k| k[0] == 0x04);
    if p256dh.is_none() {
        problems.push(problem(
            "keys.p256dh",
            "push_key_invalid",
            "浏览器的推送公钥无效（应为 65 字节的 P-256 公钥，base64url 编码）。",
            "The browser's push key is not valid (a 65-byte P-256 public key, base64url).",
        ));
    }
    let auth = b64url_decode(&sub.keys.auth).and_then(|k| <[u8; 16]>::try_from(k).ok());
    if auth.is_none() {
        problems.push(problem(
            "keys.auth",
            "push_auth_invalid",
            "浏览器的推送认证密钥无效（应为 16 字节，base64url 编码）。",
            "The browser's push secret is not valid (16 bytes, base64url).",
        ));
    }
    match (p256dh, auth) {
        (Some(p256dh), Some(auth)) if problems.is_empty() => Ok(ValidSubscription {
            endpoint: sub.endpoint.clone(),
            p256dh,
            auth,
        }),
        _ => Err(problems),
    }
}

/// Checks an endpoint alone (also what a removal names).
///
/// # Errors
/// The endpoint's problem.
pub fn check_endpoint(endpoint: &str, allow_http: bool) -> Result<(), FieldError> {
    let invalid = || {
        problem(
            "endpoint",
            "push_endpoint_invalid",
            "推送地址无效。",
            "The push endpoint is not a valid URL.",
        )
    };
    if endpoint.is_empty()
        || endpoint.chars().count() > MAX_ENDPOINT_CHARS
        || !endpoint.bytes().all(|b| b.is_ascii_graphic())
        || endpoint.contains('#')
    {
        return Err(invalid());
    }
    let rest = if let Some(rest) = endpoint.strip_prefix("https://") {
        rest
    } else if let Some(rest) = endpoint.strip_prefix("http://").filter(|_| allow_http) {
        rest
    } else {
        return Err(problem(
            "endpoint",
            "push_endpoint_not_https",
            "推送地址必须使用 https。",
            "The push endpoint must be an https URL.",
        ));
    };
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    // No credentials in the URL: they would be sent along to whoever the host is.
    if authority.contains('@') {
        return Err(invalid());
    }
    let host = host_of(authority).ok_or_else(invalid)?;
    if !allow_http && !is_public_name(host) {
        return Err(problem(
            "endpoint",
            "push_endpoint_not_public",
            "推送地址必须是推送服务的域名。",
            "The push endpoint must name a push service by its domain name.",
        ));
    }
    Ok(())
}

/// The host of `host[:port]`, lowercase letters, digits, `-`, `.` (or a bracketed IPv6 literal),
/// with a port of digits only.
fn host_of(authority: &str) -> Option<&str> {
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (inside, after) = v6.split_once(']')?;
            (inside, after.strip_prefix(':').map(Some).unwrap_or(None))
        }
        None => match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        },
    };
    if let Some(port) = port
        && (!port.bytes().all(|b| b.is_ascii_digit()) || port.parse::<u16>().is_err())
    {
        return None;
    }
    let ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b':');
    ok.then_some(host)
}

/// A domain name of the public internet: at least two labels, a last label that is not all
/// digits (so no IPv4 literal), no IPv6 literal, not `localhost` or a local-only suffix.
fn is_public_name(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    let last = labels.last().copied().unwrap_or("");
    !host.contains(':')
        && labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'))
        && !last.bytes().all(|b| b.is_ascii_digit())
        && !matches!(last, "localhost" | "local" | "internal" | "lan" | "home")
}

/// The refusal of one more subscription when the case holds `count` already.
///
/// # Errors
/// `push_subscriptions_full` when `count` reached the shop's `push_subscriptions_per_case`.
pub fn check_room(count: usize, policy: &Policy) -> Result<(), Vec<FieldError>> {
    let max = policy.push_subscriptions_per_case;
    if i64::try_from(count).unwrap_or(i64::MAX) < max {
        return Ok(());
    }
    Err(vec![FieldError::new(
        "endpoint",
        "push_subscriptions_full",
        Sentence {
            zh: format!("此售后最多可在 {max} 台设备上接收推送，请先在其他设备上关闭。"),
            en: format!(
                "This case already notifies {max} devices; turn it off on another one first."
            ),
        },
    )])
}

/// Decodes base64url (RFC 4648 §5) as browsers write it: no padding (a trailing `=` is
/// tolerated), and only the canonical spelling (zero spare bits), so one key has one spelling.
#[must_use]
pub fn b64url_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in text.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // The spare bits of the last character must be zero.
    (acc == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::push::PushKeys;

    const P256DH: &str =
        "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    const AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";

    fn sub(endpoint: &str, p256dh: &str, auth: &str) -> PushSubscription {
        PushSubscription {
            endpoint: endpoint.into(),
            expiration_time: None,
            keys: PushKeys {
                p256dh: p256dh.into(),
                auth: auth.into(),
            },
        }
    }

    fn codes(r: Result<ValidSubscription, Vec<FieldError>>) -> Vec<(String, String)> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn a_browsers_subscription_is_taken_with_its_keys_decoded() {
        // RFC 8291 Appendix A's user agent keys.
        let ok = validate(
            &sub(
                "https://push.example.net/push/JzLQ3raZJfFBR0aqvOMsLrt54w4rJUsV",
                P256DH,
                AUTH,
            ),
            false,
        );
        let ok = ok.map_err(|e| format!("{e:?}"));
        assert!(ok.is_ok(), "{ok:?}");
        if let Ok(v) = ok {
            assert_eq!(v.p256dh[0], 4);
            assert_eq!(v.auth[..2], [0x05, 0x30]);
        }
        // FCM's and Mozilla's endpoints as browsers hand them out.
        for endpoint in [
            "https://fcm.googleapis.com/fcm/send/dQw4w9WgXcQ:APA91bH",
            "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABl",
            "https://web.push.apple.com:443/QGuQyavXutnMhA",
        ] {
            assert!(check_endpoint(endpoint, false).is_ok(), "{endpoint}");
        }
    }

    #[test]
    fn every_bad_field_is_named_with_its_code() {
        let bad = validate(&sub("http://push.example.net/x", "BAAA", "AAAA"), false);
        assert_eq!(
            codes(bad),
            [
                ("endpoint".into(), "push_endpoint_not_https".into()),
                ("keys.p256dh".into(), "push_key_invalid".into()),
                ("keys.auth".into(), "push_auth_invalid".into()),
            ]
        );
        // A compressed point (0x02 first) is 33 bytes; a 65-byte value must start with 0x04.
        let mut wrong_tag = b64url_decode(P256DH).unwrap_or_default();
        wrong_tag[0] = 3;
        let bad = validate(
            &sub("https://push.example.net/x", &b64(&wrong_tag), AUTH),
            false,
        );
        assert_eq!(
            codes(bad),
            [("keys.p256dh".into(), "push_key_invalid".into())]
        );
        // Standard base64 (`+`, `/`) is not base64url.
        let bad = validate(
            &sub(
                "https://push.example.net/x",
                P256DH,
                "BTBZMqHH6r4Tts7J/aSIgg",
            ),
            false,
        );
        assert_eq!(
            codes(bad),
            [("keys.auth".into(), "push_auth_invalid".into())]
        );
    }

    #[test]
    fn endpoints_inside_the_network_are_refused_unless_the_deployment_allows_them() {
        for endpoint in [
            "https://127.0.0.1/push",
            "https://10.0.0.8:8443/push",
            "https://[::1]/push",
            "https://localhost/push",
            "https://printer.local/push",
            "https://metadata/computeMetadata",
            "https://0x7f000001/push",
        ] {
            let e = check_endpoint(endpoint, false).err().map(|e| e.code);
            assert_eq!(e.as_deref(), Some("push_endpoint_not_public"), "{endpoint}");
        }
        for endpoint in [
            "",
            "https://",
            "https://user:pw@push.example.net/x",
            "https://push.example.net:99999/x",
            "https://push.example.net/a b",
            "https://push.example.net/x#frag",
            "https://push_example.net/x",
        ] {
            let e = check_endpoint(endpoint, false).err().map(|e| e.code);
            assert_eq!(e.as_deref(), Some("push_endpoint_invalid"), "{endpoint}");
        }
        for endpoint in [
            "ftp://push.example.net/x",
            "javascript:alert(1)",
            "//push.example.net",
        ] {
            let e = check_endpoint(endpoint, false).err().map(|e| e.code);
            assert_eq!(e.as_deref(), Some("push_endpoint_not_https"), "{endpoint}");
        }
        let long = format!(
            "https://push.example.net/{}",
            "a".repeat(MAX_ENDPOINT_CHARS)
        );
        assert!(check_endpoint(&long, false).is_err());
        // The local test receivers, with the deployment's permission only.
        assert!(check_endpoint("http://127.0.0.1:8787/push/1", true).is_ok());
        assert!(check_endpoint("http://127.0.0.1:8787/push/1", false).is_err());
    }

    #[test]
    fn the_cap_is_the_shops_setting() {
        let p = Policy::default();
        assert_eq!(p.push_subscriptions_per_case, 5);
        assert!(check_room(4, &p).is_ok());
        let full = check_room(5, &p).err().unwrap_or_default();
        assert_eq!(full.len(), 1);
        assert_eq!(full[0].code, "push_subscriptions_full");
        assert!(full[0].message_zh.contains('5') && full[0].message_en.contains('5'));
        let bad = Policy {
            push_subscriptions_per_case: 0,
            ..Policy::default()
        };
        let fields: Vec<String> = bad
            .validate()
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["push_subscriptions_per_case"]);
    }

    fn b64(bytes: &[u8]) -> String {
        const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b))
                << (8 * (3 - chunk.len()));
            for i in 0..=chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    }

    #[test]
    fn base64url_round_trips_and_has_one_spelling() {
        for len in 0..70u8 {
            let data: Vec<u8> = (0..len)
                .map(|i| i.wrapping_mul(151).wrapping_add(7))
                .collect();
            let text = b64(&data);
            assert_eq!(b64url_decode(&text), Some(data.clone()), "{len}");
            assert_eq!(
                b64url_decode(&format!("{text}=")).map(|d| d.len()),
                Some(data.len())
            );
        }
        // 16 bytes: 22 characters, the last one's 4 spare bits must be zero.
        assert_eq!(b64url_decode("BTBZMqHH6r4Tts7J_aSIgh"), None);
        assert_eq!(b64url_decode("A"), None);
        assert_eq!(b64url_decode("aGVs bG8"), None);
    }
}
