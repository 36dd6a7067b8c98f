//! Money, dates and durations as a buyer reads them, in the chosen language.
//!
//! Plain functions over integers (no `Intl` calls, no date crate): they run in host unit tests,
//! cost a few hundred bytes of wasm, and format dates in the *shop's* time zone (the one its
//! deadlines are counted in), which `Intl` would need a zone name for. The calendar arithmetic
//! itself is `shared::policy::time`, so the portal's days are the policy's days.

use shared::Lang;
use shared::domain::{MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, Money, Timestamp};
use shared::policy::time::LocalDate;

/// The symbol and number of minor-unit digits of a currency. Unknown codes are written out
/// ("CHF 12.00") rather than guessed.
fn currency_style(code: &str) -> (&'static str, u32) {
    match code {
        "CNY" | "RMB" => ("¥", 2),
        "USD" => ("$", 2),
        "GBP" => ("£", 2),
        "EUR" => ("€", 2),
        "HKD" => ("HK$", 2),
        "JPY" => ("JP¥", 0),
        "KRW" => ("₩", 0),
        _ => ("", 2),
    }
}

/// Digits with a comma every three places (both zh-CN and en group by thousands with commas).
fn group_thousands(mut n: u64) -> String {
    let mut groups = Vec::new();
    loop {
        if n < 1000 {
            groups.push(n.to_string());
            break;
        }
        groups.push(format!("{:03}", n % 1000));
        n /= 1000;
    }
    groups.reverse();
    groups.join(",")
}

/// An amount in minor units as the buyer reads it: `¥199.00`, `£3,299.00`, `-$4.99`.
#[must_use]
pub fn money(amount: Money, currency: &str) -> String {
    let (symbol, digits) = currency_style(currency);
    let negative = amount.0 < 0;
    let abs = amount.0.unsigned_abs();
    let scale = 10u64.pow(digits);
    let whole = group_thousands(abs / scale);
    let number = if digits == 0 {
        whole
    } else {
        format!("{whole}.{:0width$}", abs % scale, width = digits as usize)
    };
    let sign = if negative { "-" } else { "" };
    if symbol.is_empty() {
        format!("{sign}{currency} {number}")
    } else {
        format!("{sign}{symbol}{number}")
    }
}

/// Hours and minutes of an instant in a zone.
fn clock(at: Timestamp, utc_offset_minutes: i64) -> (i64, i64) {
    let local_ms =
        at.0.saturating_add(utc_offset_minutes * MS_PER_MINUTE)
            .rem_euclid(MS_PER_DAY);
    (
        local_ms / MS_PER_HOUR,
        (local_ms % MS_PER_HOUR) / MS_PER_MINUTE,
    )
}

/// A date: `2026年11月20日` / `20 Nov 2026`.
#[must_use]
pub fn date(at: Timestamp, utc_offset_minutes: i64, lang: Lang) -> String {
    shared::i18n::local_date(LocalDate::of(at, utc_offset_minutes), lang)
}

/// A date and time: `2026年11月20日 14:05` / `20 Nov 2026, 14:05`.
#[must_use]
pub fn date_time(at: Timestamp, utc_offset_minutes: i64, lang: Lang) -> String {
    let (h, m) = clock(at, utc_offset_minutes);
    let sep = if lang == Lang::ZhCn { " " } else { ", " };
    format!("{}{sep}{h:02}:{m:02}", date(at, utc_offset_minutes, lang))
}

/// The time zone as the buyer reads it next to a deadline: `UTC+8`, `UTC-5:30`.
#[must_use]
pub fn zone(utc_offset_minutes: i64) -> String {
    let sign = if utc_offset_minutes < 0 { '-' } else { '+' };
    let abs = utc_offset_minutes.abs();
    if abs % 60 == 0 {
        format!("UTC{sign}{}", abs / 60)
    } else {
        format!("UTC{sign}{}:{:02}", abs / 60, abs % 60)
    }
}

/// Percent-encodes a path segment or query value (order numbers and case ids are usually plain, but
/// a shop may use `/` or `#`).
#[must_use]
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A remaining duration at minute precision, largest two units, spelled out: `2天3小时` /
/// `2 days 3 hours`, `23小时12分钟` / `23 hours 12 minutes`, `8分钟` / `8 minutes`; under a
/// minute: `不到1分钟` / `under a minute`. Minutes are rounded up so that a countdown never shows
/// "0 minutes" while time remains.
#[must_use]
pub fn duration(ms: i64, lang: Lang) -> String {
    let zh = lang == Lang::ZhCn;
    if ms < MS_PER_MINUTE {
        return match (ms <= 0, zh) {
            (true, true) => "0分钟",
            (true, false) => "0 minutes",
            (false, true) => "不到1分钟",
            (false, false) => "under a minute",
        }
        .into();
    }
    let minutes = (ms + MS_PER_MINUTE - 1) / MS_PER_MINUTE;
    let (days, hours, mins) = (minutes / (24 * 60), (minutes / 60) % 24, minutes % 60);
    let (first, second) = if days > 0 {
        ((days, 0), (hours, 1))
    } else if hours > 0 {
        ((hours, 1), (mins, 2))
    } else {
        ((mins, 2), (0, 2))
    };
    let word = |(n, unit): (i64, usize)| {
        const ZH: [&str; 3] = ["天", "小时", "分钟"];
        const EN: [[&str; 2]; 3] = [["day", "days"], ["hour", "hours"], ["minute", "minutes"]];
        if zh {
            format!("{n}{}", ZH[unit])
        } else {
            format!("{n} {}", EN[unit][usize::from(n != 1)])
        }
    };
    let mut out = word(first);
    if second.0 > 0 {
        if !zh {
            out.push(' ');
        }
        out.push_str(&word(second));
    }
    out
}

/// A time of day: `14:05`.
#[must_use]
pub fn hm(at: Timestamp, utc_offset_minutes: i64) -> String {
    let (h, m) = clock(at, utc_offset_minutes);
    format!("{h:02}:{m:02}")
}

/// A stored photo's size: `850 KB`, `1.2 MB`.
#[must_use]
pub fn bytes(n: u64) -> String {
    if n < 1024 * 1024 {
        format!("{} KB", n.div_ceil(1024))
    } else {
        let tenths = (n * 10).div_ceil(1024 * 1024);
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

/// A typed amount in major units ("12.5", "12.50", "") as minor units; empty is zero.
#[must_use]
pub fn parse_money(text: &str) -> Option<Money> {
    let t = text.trim();
    if t.is_empty() {
        return Some(Money(0));
    }
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty() && frac.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 2
        || whole.len() > 10
    {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let cents: i64 = format!("{frac:0<2}").parse().ok()?;
    Some(Money(whole.checked_mul(100)?.checked_add(cents)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_written_with_the_currency_symbol_grouping_and_two_decimals() {
        assert_eq!(money(Money(19_900), "CNY"), "¥199.00");
        assert_eq!(money(Money(329_900), "GBP"), "£3,299.00");
        assert_eq!(money(Money(123_456_789), "USD"), "$1,234,567.89");
        assert_eq!(money(Money(5), "EUR"), "€0.05");
        assert_eq!(money(Money(-2_000), "CNY"), "-¥20.00");
        assert_eq!(money(Money(1200), "JPY"), "JP¥1,200");
        assert_eq!(money(Money(1200), "CHF"), "CHF 12.00");
    }

    #[test]
    fn dates_are_written_in_the_shops_zone_in_each_language() {
        // 2026-11-20T06:05:00Z is 14:05 in China (UTC+8).
        let at = Timestamp(1_795_154_700_000);
        assert_eq!(date_time(at, 480, Lang::ZhCn), "2026年11月20日 14:05");
        assert_eq!(date_time(at, 480, Lang::En), "20 Nov 2026, 14:05");
        // The same instant is still the 19th in California (UTC-8).
        assert_eq!(date(at, -480, Lang::En), "19 Nov 2026");
        assert_eq!(zone(480), "UTC+8");
        assert_eq!(zone(-330), "UTC-5:30");
    }

    #[test]
    fn durations_show_the_two_largest_units_spelled_out_and_round_minutes_up() {
        let d = |h: i64, m: i64| h * MS_PER_HOUR + m * MS_PER_MINUTE;
        assert_eq!(duration(d(23, 12), Lang::ZhCn), "23小时12分钟");
        assert_eq!(duration(d(23, 12), Lang::En), "23 hours 12 minutes");
        assert_eq!(duration(d(23, 11) + 1, Lang::En), "23 hours 12 minutes");
        assert_eq!(duration(d(51, 0), Lang::ZhCn), "2天3小时");
        assert_eq!(duration(d(36, 0), Lang::En), "1 day 12 hours");
        assert_eq!(duration(d(168, 0), Lang::En), "7 days");
        assert_eq!(duration(d(1, 1), Lang::En), "1 hour 1 minute");
        assert_eq!(duration(d(0, 8), Lang::En), "8 minutes");
        assert_eq!(duration(30_000, Lang::ZhCn), "不到1分钟");
        assert_eq!(duration(-5, Lang::En), "0 minutes");
    }

    #[test]
    fn photo_sizes_are_rounded_up_to_kilobytes_or_tenths_of_megabytes() {
        assert_eq!(bytes(1), "1 KB");
        assert_eq!(bytes(870_000), "850 KB");
        assert_eq!(bytes(1_250_000), "1.2 MB");
    }

    #[test]
    fn order_numbers_are_encoded_for_urls() {
        assert_eq!(encode("TB20261120001-x1"), "TB20261120001-x1");
        assert_eq!(encode("A/B #1"), "A%2FB%20%231");
    }
}
