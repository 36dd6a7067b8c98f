//! Calendar-day arithmetic in the shop's time zone, with plain integers (no date library: the
//! crate ships in a size-budgeted wasm, and the rules only need day numbers and day ends).
//!
//! DOMAIN.md "Time limits": instants are UTC; days are counted in the shop's zone (a fixed
//! offset, default UTC+8 — China has no daylight saving, and a fixed offset is what the platforms
//! publish); a window of N days ends at the end of its Nth day; windows that follow an event
//! start the day after it (signed 1 Nov 10:00 → day 1 is 2 Nov → a 7-day window ends
//! 8 Nov 23:59:59.999).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::domain::{MS_PER_DAY, MS_PER_MINUTE, Timestamp};

/// The local day number (days since 1970-01-01 in the shop's zone) of an instant.
#[must_use]
pub const fn local_day(at: Timestamp, utc_offset_minutes: i64) -> i64 {
    at.0.saturating_add(utc_offset_minutes * MS_PER_MINUTE)
        .div_euclid(MS_PER_DAY)
}

/// The first instant of a local day.
#[must_use]
pub const fn start_of_local_day(day: i64, utc_offset_minutes: i64) -> Timestamp {
    Timestamp(
        day.saturating_mul(MS_PER_DAY)
            .saturating_sub(utc_offset_minutes * MS_PER_MINUTE),
    )
}

/// The last instant (…23:59:59.999) of a local day.
#[must_use]
pub const fn end_of_local_day(day: i64, utc_offset_minutes: i64) -> Timestamp {
    start_of_local_day(day.saturating_add(1), utc_offset_minutes).plus_ms(-1)
}

/// The last instant of a window of `days` calendar days starting the day after `from`.
#[must_use]
pub const fn window_end(from: Timestamp, days: i64, utc_offset_minutes: i64) -> Timestamp {
    end_of_local_day(
        local_day(from, utc_offset_minutes).saturating_add(days),
        utc_offset_minutes,
    )
}

/// Like [`window_end`], but holidays (sorted local day numbers) do not count: the window ends
/// at the end of its Nth non-holiday day.
#[must_use]
pub fn window_end_skipping(
    from: Timestamp,
    days: i64,
    utc_offset_minutes: i64,
    holidays: &[i64],
) -> Timestamp {
    let mut day = local_day(from, utc_offset_minutes);
    let mut counted = 0;
    // Bounded: a validated policy has finitely many holidays, so at most days + holidays steps.
    let limit = days.saturating_add(holidays.len() as i64);
    let mut steps = 0;
    while counted < days && steps < limit {
        day += 1;
        steps += 1;
        if holidays.binary_search(&day).is_err() {
            counted += 1;
        }
    }
    end_of_local_day(day, utc_offset_minutes)
}

/// The instant `ms` milliseconds of non-holiday time after `from`: a holiday (a sorted local day
/// number) met on the way adds its length, and a clock started on a holiday starts when it ends.
#[must_use]
pub fn after_skipping(
    from: Timestamp,
    ms: i64,
    utc_offset_minutes: i64,
    holidays: &[i64],
) -> Timestamp {
    let mut at = from;
    let mut left = ms;
    // One pass over the holidays: each either lies wholly before `at`, or starts after the
    // time runs out (and so do all later ones), or moves `at` to its end.
    for &day in holidays {
        let start = start_of_local_day(day, utc_offset_minutes);
        let end = start_of_local_day(day.saturating_add(1), utc_offset_minutes);
        if end <= at {
            continue;
        }
        if start >= at.plus_ms(left) {
            break;
        }
        left -= start.0.saturating_sub(at.0).max(0);
        at = end;
    }
    at.plus_ms(left)
}

/// A local calendar date; serialized as `"YYYY-MM-DD"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalDate {
    /// Year.
    pub year: i64,
    /// Month, 1–12.
    pub month: u32,
    /// Day of month, 1–31.
    pub day: u32,
}

impl LocalDate {
    /// The date of a local day number (Howard Hinnant's `civil_from_days`).
    #[must_use]
    pub const fn from_day_number(z: i64) -> Self {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
        Self { year, month, day }
    }

    /// The local day number of this date (Howard Hinnant's `days_from_civil`).
    #[must_use]
    pub const fn day_number(self) -> i64 {
        let y = if self.month <= 2 {
            self.year - 1
        } else {
            self.year
        };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = self.month as i64;
        let mp = if m > 2 { m - 3 } else { m + 9 };
        let doy = (153 * mp + 2) / 5 + self.day as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The local date of an instant.
    #[must_use]
    pub const fn of(at: Timestamp, utc_offset_minutes: i64) -> Self {
        Self::from_day_number(local_day(at, utc_offset_minutes))
    }

    /// Parse `"YYYY-MM-DD"`; `None` unless it is a real date.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if !(all_digits(y) && all_digits(m) && all_digits(d)) {
            return None;
        }
        let date = Self {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
            day: d.parse().ok()?,
        };
        // A real date survives the round trip through its day number.
        (date.month >= 1 && date.day >= 1 && Self::from_day_number(date.day_number()) == date)
            .then_some(date)
    }
}

/// Reads a date-time as shop systems and spreadsheets write it, RFC 3339 / ISO 8601 style:
/// `YYYY-MM-DD`, then `T` or a space, then `HH:MM`, optional `:SS` and a fraction (`.` or `,`,
/// any number of digits, kept to the millisecond), then `Z`, an offset `±HH:MM`, `±HHMM` or
/// `±HH`, or nothing. A time without an offset is a wall-clock time in the shop's zone
/// (`utc_offset_minutes`): Chinese systems write `2026-11-01 10:00:00` meaning Beijing time.
///
/// `None` unless the date is real (days per month, leap years), the time is within its day
/// (no hour 24, no leap second) and the offset within ±23:59. Never panics: byte indexing is
/// checked and the arithmetic too, whatever the input.
#[must_use]
pub fn parse_date_time(text: &str, utc_offset_minutes: i64) -> Option<Timestamp> {
    let b = text.as_bytes();
    // `get` on a `str` refuses a cut inside a multi-byte character instead of panicking.
    let date = LocalDate::parse(text.get(..10)?)?;
    if !matches!(b.get(10)?, b'T' | b't' | b' ') {
        return None;
    }
    let hour = two_digits(b, 11)?;
    if *b.get(13)? != b':' {
        return None;
    }
    let minute = two_digits(b, 14)?;
    let mut at = 16;
    let (mut second, mut millis) = (0, 0);
    if b.get(at) == Some(&b':') {
        second = two_digits(b, at + 1)?;
        at += 3;
        if matches!(b.get(at), Some(b'.' | b',')) {
            at += 1;
            let digits = b
                .get(at..)?
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if digits == 0 {
                return None;
            }
            // The first three digits are the milliseconds; finer ones are dropped (truncated,
            // as a clock reading is).
            for (i, place) in [100, 10, 1].into_iter().enumerate().take(digits) {
                millis += i64::from(*b.get(at + i)? - b'0') * place;
            }
            at += digits;
        }
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let offset_minutes = match b.get(at) {
        None => utc_offset_minutes,
        Some(b'Z' | b'z') if at + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) => {
            let hours = two_digits(b, at + 1)?;
            let minutes = match b.get(at + 3..)? {
                [] => 0,
                [b':', _, _] => two_digits(b, at + 4)?,
                [_, _] => two_digits(b, at + 3)?,
                _ => return None,
            };
            if hours > 23 || minutes > 59 {
                return None;
            }
            let offset = hours * 60 + minutes;
            if sign == b'-' { -offset } else { offset }
        }
        Some(_) => return None,
    };
    let seconds_of_day = hour * 3_600 + minute * 60 + second;
    date.day_number()
        .checked_mul(MS_PER_DAY)?
        .checked_add(seconds_of_day * 1_000 + millis)?
        .checked_sub(offset_minutes.checked_mul(MS_PER_MINUTE)?)
        .map(Timestamp)
}

/// Two ASCII digits at `at`, as a number.
fn two_digits(b: &[u8], at: usize) -> Option<i64> {
    match b.get(at..at.checked_add(2)?)? {
        [t @ b'0'..=b'9', u @ b'0'..=b'9'] => Some(i64::from(t - b'0') * 10 + i64::from(u - b'0')),
        _ => None,
    }
}

/// An instant as RFC 3339 in a zone: `2026-11-01T10:00:00.000+08:00` (`Z` for UTC). What
/// [`parse_date_time`] reads back to the same instant.
#[must_use]
pub fn format_date_time(at: Timestamp, utc_offset_minutes: i64) -> String {
    let local =
        at.0.saturating_add(utc_offset_minutes.saturating_mul(MS_PER_MINUTE));
    let date = LocalDate::from_day_number(local.div_euclid(MS_PER_DAY));
    let ms_of_day = local.rem_euclid(MS_PER_DAY);
    let (seconds, millis) = (ms_of_day / 1_000, ms_of_day % 1_000);
    let zone = if utc_offset_minutes == 0 {
        "Z".to_owned()
    } else {
        let sign = if utc_offset_minutes < 0 { '-' } else { '+' };
        let minutes = utc_offset_minutes.unsigned_abs();
        format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
    };
    format!(
        "{date}T{:02}:{:02}:{:02}.{millis:03}{zone}",
        seconds / 3_600,
        seconds / 60 % 60,
        seconds % 60
    )
}

impl fmt::Display for LocalDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for LocalDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for LocalDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).ok_or_else(|| serde::de::Error::custom("expected a YYYY-MM-DD date"))
    }
}

/// A `YYYY-MM-DD` string, as [`LocalDate`]'s serde impls write and read it.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for LocalDate {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LocalDate".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "A calendar day in the shop's time zone."
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::MS_PER_HOUR;

    /// A local wall-clock time in UTC+8, as an instant.
    pub(crate) fn cst(year: i64, month: u32, day: u32, hour: i64, minute: i64) -> Timestamp {
        let d = LocalDate { year, month, day }.day_number();
        Timestamp(d * MS_PER_DAY + hour * MS_PER_HOUR + minute * MS_PER_MINUTE - 8 * MS_PER_HOUR)
    }

    #[test]
    fn a_duration_skips_the_holidays_it_meets() {
        let day = |y, m, d| {
            LocalDate {
                year: y,
                month: m,
                day: d,
            }
            .day_number()
        };
        let holidays = [day(2024, 11, 3), day(2024, 11, 4), day(2024, 11, 10)];
        let after = |from, hours: i64| after_skipping(from, hours * MS_PER_HOUR, 480, &holidays);
        // No holiday in reach.
        assert_eq!(after(cst(2024, 11, 1, 9, 0), 24), cst(2024, 11, 2, 9, 0));
        // Runs out exactly where a holiday starts.
        assert_eq!(after(cst(2024, 11, 2, 0, 0), 24), cst(2024, 11, 3, 0, 0));
        // Crosses two consecutive holidays.
        assert_eq!(after(cst(2024, 11, 2, 12, 0), 24), cst(2024, 11, 5, 12, 0));
        // Starts inside one; then meets the next a week later.
        assert_eq!(after(cst(2024, 11, 4, 8, 0), 0), cst(2024, 11, 5, 0, 0));
        assert_eq!(
            after(cst(2024, 11, 4, 8, 0), 24 * 5 + 12),
            cst(2024, 11, 11, 12, 0)
        );
        // Holidays behind the clock change nothing.
        assert_eq!(after(cst(2024, 11, 12, 1, 0), 2), cst(2024, 11, 12, 3, 0));
    }

    #[test]
    fn the_no_reason_window_starts_the_day_after_sign_for() {
        // Signed 1 Nov 10:00 local → day 1 is 2 Nov → a 7-day window ends 8 Nov 23:59:59.999.
        let end = window_end(cst(2024, 11, 1, 10, 0), 7, 480);
        assert_eq!(end, cst(2024, 11, 9, 0, 0).plus_ms(-1));
        assert_eq!(LocalDate::of(end, 480).to_string(), "2024-11-08");
    }

    #[test]
    fn a_signature_just_before_local_midnight_still_counts_that_day_as_day_zero() {
        // 23:59 local on 1 Nov is 15:59 UTC the same day; 00:30 local on 2 Nov is 16:30 UTC on 1 Nov.
        assert_eq!(
            window_end(cst(2024, 11, 1, 23, 59), 7, 480),
            cst(2024, 11, 9, 0, 0).plus_ms(-1)
        );
        assert_eq!(
            window_end(cst(2024, 11, 2, 0, 30), 7, 480),
            cst(2024, 11, 10, 0, 0).plus_ms(-1)
        );
    }

    #[test]
    fn day_math_works_in_other_zones_and_before_the_epoch() {
        assert_eq!(local_day(Timestamp(-1), 0), -1);
        assert_eq!(local_day(Timestamp(0), -300), -1);
        assert_eq!(end_of_local_day(0, 0), Timestamp(MS_PER_DAY - 1));
        assert_eq!(LocalDate::from_day_number(-1).to_string(), "1969-12-31");
    }

    #[test]
    fn dates_round_trip_through_day_numbers() {
        for z in [-800_000, -1, 0, 59, 60, 365, 11_016, 19_782, 2_932_896] {
            assert_eq!(LocalDate::from_day_number(z).day_number(), z);
        }
        assert_eq!(
            LocalDate::parse("2024-02-29").map(|d| d.to_string()),
            Some("2024-02-29".into())
        );
    }

    #[test]
    fn only_real_dates_parse() {
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-1-01",
            "24-01-01",
            "2024-01-01x",
            "",
            "abcd-ef-gh",
        ] {
            assert_eq!(LocalDate::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_same_instant_reads_alike_in_every_spelling() {
        // 2026-11-01 10:00 in Beijing is 02:00 UTC.
        let instant = parse_date_time("2026-11-01T02:00:00Z", 480);
        assert_eq!(instant, Some(cst(2026, 11, 1, 10, 0)));
        for text in [
            "2026-11-01T10:00:00+08:00",
            "2026-11-01T10:00:00+0800",
            "2026-11-01T10:00+08",
            "2026-11-01 10:00:00",
            "2026-11-01 10:00",
            "2026-11-01t02:00:00z",
            "2026-11-01T02:00:00.000Z",
            "2026-10-31T21:00:00-05:00",
            "2026-11-01T02:00:00,0004Z",
        ] {
            assert_eq!(parse_date_time(text, 480), instant, "{text}");
        }
        // A bare local time is read in the shop's zone, not UTC.
        assert_eq!(
            parse_date_time("2026-11-01 02:00:00", 0),
            parse_date_time("2026-11-01 10:00:00", 480)
        );
        assert_eq!(
            parse_date_time("2026-11-01T02:00:00.1239Z", 0),
            instant.map(|t| t.plus_ms(123))
        );
    }

    #[test]
    fn only_real_date_times_parse() {
        for bad in [
            "2026-02-30T10:00:00Z",
            "2025-02-29 10:00",
            "2026-11-01T24:00:00Z",
            "2026-11-01T23:60:00Z",
            "2026-11-01T23:59:60Z",
            "9999999-01-01T00:00:00Z",
            "2026-11-01",
            "2026-11-01T",
            "2026-11-01T10",
            "2026-11-01T10:00:00+24:00",
            "2026-11-01T10:00:00+08:60",
            "2026-11-01T10:00:00+8",
            "2026-11-01T10:00:00+08:0",
            "2026-11-01T10:00:00.Z",
            "2026-11-01T10:00:00ZZ",
            "2026-11-01T10:00:00 Z",
            "2026-11-01_10:00:00",
            "2026-11-01T1０:00:00Z",
            "2026-11-0１T10:00:00Z",
            "",
        ] {
            assert_eq!(parse_date_time(bad, 480), None, "{bad}");
        }
        // Leap years: 2024 and 2000 have 29 February, 2100 does not.
        assert!(parse_date_time("2024-02-29T00:00:00Z", 0).is_some());
        assert!(parse_date_time("2000-02-29T00:00:00Z", 0).is_some());
        assert!(parse_date_time("2100-02-29T00:00:00Z", 0).is_none());
    }

    proptest::proptest! {
        #[test]
        fn the_date_time_parser_never_panics(text in "\\PC{0,40}", offset in -840i64..=840) {
            let _ = parse_date_time(&text, offset);
        }

        #[test]
        fn the_date_time_parser_never_panics_on_near_misses(
            text in "[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]{0,12})?)?([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)?",
        ) {
            let _ = parse_date_time(&text, 480);
        }

        #[test]
        fn formatted_instants_read_back_exactly(
            ms in Timestamp::MIN.0..=Timestamp::MAX.0,
            offset in -1_439i64..=1_439,
        ) {
            let text = format_date_time(Timestamp(ms), offset);
            proptest::prop_assert_eq!(parse_date_time(&text, 0), Some(Timestamp(ms)), "{}", text);
        }
    }

    #[test]
    fn holidays_inside_a_window_extend_it_day_for_day() {
        let from = cst(2024, 9, 30, 12, 0);
        let holidays: Vec<i64> = (1..=7)
            .map(|d| {
                LocalDate {
                    year: 2024,
                    month: 10,
                    day: d,
                }
                .day_number()
            })
            .collect();
        // 3 days from 30 Sep, skipping 1–7 Oct: 8, 9, 10 Oct.
        assert_eq!(
            window_end_skipping(from, 3, 480, &holidays),
            cst(2024, 10, 11, 0, 0).plus_ms(-1)
        );
        assert_eq!(
            window_end_skipping(from, 3, 480, &[]),
            window_end(from, 3, 480)
        );
    }
}
