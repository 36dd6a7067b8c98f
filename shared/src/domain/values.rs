//! Instants ([`Timestamp`]) and amounts ([`Money`]): integers, never floats.

use std::iter::Sum;
use std::ops::{Add, AddAssign, Sub, SubAssign};

use serde::{Deserialize, Serialize};

/// Milliseconds in a minute.
pub const MS_PER_MINUTE: i64 = 60_000;
/// Milliseconds in an hour.
pub const MS_PER_HOUR: i64 = 3_600_000;
/// Milliseconds in a (24-hour) day.
pub const MS_PER_DAY: i64 = 86_400_000;

/// An instant: milliseconds since the Unix epoch, UTC. Local calendar days are derived from it
/// with the shop's time-zone offset ([`crate::policy::time`]); the instant itself never carries a
/// zone, so storage and comparison are unambiguous.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The earliest instant an input may carry: 2000-01-01T00:00:00Z. Online shops, and so their
    /// orders, are younger; an earlier time is a unit mix-up (seconds for milliseconds) or a typo.
    pub const MIN: Self = Self(946_684_800_000);
    /// The latest instant an input may carry: 2200-12-31T23:59:59.999Z. Like [`Money::MAX`], far
    /// below 2^53, so that every instant accepted survives a JavaScript number (the portal, KV's
    /// JSON) exactly, and deadlines computed from it (days and holidays added) cannot overflow.
    pub const MAX: Self = Self(7_289_654_399_999);

    /// True for an instant between [`Timestamp::MIN`] and [`Timestamp::MAX`]: what order imports
    /// and commands accept at the edge.
    #[must_use]
    pub const fn is_valid(self) -> bool {
        self.0 >= Self::MIN.0 && self.0 <= Self::MAX.0
    }

    /// This instant moved by `ms` milliseconds (saturating, never panics).
    #[must_use]
    pub const fn plus_ms(self, ms: i64) -> Self {
        Self(self.0.saturating_add(ms))
    }

    /// This instant moved by a plain duration of `hours` hours.
    #[must_use]
    pub const fn plus_hours(self, hours: i64) -> Self {
        self.plus_ms(hours.saturating_mul(MS_PER_HOUR))
    }

    /// This instant moved by `days` plain 24-hour durations (not calendar days: see
    /// [`crate::policy::time::window_end`] for those).
    #[must_use]
    pub const fn plus_days(self, days: i64) -> Self {
        self.plus_ms(days.saturating_mul(MS_PER_DAY))
    }

    /// Milliseconds from `earlier` to `self` (negative if `earlier` is later).
    #[must_use]
    pub const fn millis_since(self, earlier: Self) -> i64 {
        self.0.saturating_sub(earlier.0)
    }
}

// Checked when the crate compiles: the bounds, and a thousand amounts added up, stay below 2^53
// (exact as JavaScript numbers), and instants stay after the epoch.
const _: () = assert!(Money::MAX.0.saturating_mul(1_000) < 1 << 53);
const _: () = assert!(Timestamp::MAX.0 < 1 << 53 && Timestamp::MIN.0 > 0);

/// An amount in the order's currency, in minor units (fen, cents). The currency is carried by
/// the [`crate::domain::Order`]; arithmetic saturates instead of overflowing so that hostile input
/// can never panic the worker.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct Money(pub i64);

impl Money {
    /// Nothing.
    pub const ZERO: Self = Self(0);

    /// The largest amount an input may carry: 10^12 minor units (¥10 billion, far above any real
    /// order). The bound keeps every amount, and the sums a refund adds up from a few thousand of
    /// them, below 2^53: a JavaScript number (the portal, KV's JSON) then holds it exactly, where
    /// an unbounded `i64` would come back rounded and break every later read of the order.
    pub const MAX: Self = Self(1_000_000_000_000);

    /// True for an amount from zero to [`Money::MAX`]: a price, fee, threshold or deduction that
    /// imports, settings and commands accept.
    #[must_use]
    pub const fn is_valid(self) -> bool {
        self.0 >= 0 && self.0 <= Self::MAX.0
    }

    /// This amount times a quantity.
    #[must_use]
    pub const fn times(self, quantity: u32) -> Self {
        Self(self.0.saturating_mul(quantity as i64))
    }

    /// `self * numerator / denominator`, rounded down (towards zero for non-negative amounts);
    /// zero when `denominator` is zero. Used for pro-rata shares and basis points.
    #[must_use]
    pub const fn share(self, numerator: i64, denominator: i64) -> Self {
        if denominator == 0 {
            return Self::ZERO;
        }
        // i128 so that a large amount times a large numerator cannot overflow.
        let value = (self.0 as i128) * (numerator as i128) / (denominator as i128);
        if value > i64::MAX as i128 {
            Self(i64::MAX)
        } else if value < i64::MIN as i128 {
            Self(i64::MIN)
        } else {
            Self(value as i64)
        }
    }

    /// This amount, or zero if it is negative.
    #[must_use]
    pub const fn non_negative(self) -> Self {
        if self.0 < 0 { Self::ZERO } else { self }
    }

    /// True for zero (for `skip_serializing_if`: a field added later is written only when set,
    /// so what older code wrote and reads stays the same).
    #[must_use]
    pub const fn is_zero(&self) -> bool {
        self.0 == 0
    }

    /// True if the amount is above zero.
    #[must_use]
    pub const fn is_positive(self) -> bool {
        self.0 > 0
    }
}

impl Add for Money {
    type Output = Self;
    fn add(self, rhs: Self) -> Self {
        Self(self.0.saturating_add(rhs.0))
    }
}

impl Sub for Money {
    type Output = Self;
    fn sub(self, rhs: Self) -> Self {
        Self(self.0.saturating_sub(rhs.0))
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Self) {
        *self = *self + rhs;
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, rhs: Self) {
        *self = *self - rhs;
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::ZERO, Add::add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_arithmetic_saturates_instead_of_overflowing() {
        assert_eq!(Money(i64::MAX) + Money(1), Money(i64::MAX));
        assert_eq!(Money(i64::MIN) - Money(1), Money(i64::MIN));
        assert_eq!(Money(i64::MAX).times(3), Money(i64::MAX));
    }

    #[test]
    fn a_share_rounds_down_and_survives_a_zero_denominator() {
        assert_eq!(Money(1000).share(1, 3), Money(333));
        assert_eq!(Money(1000).share(2, 3), Money(666));
        assert_eq!(Money(1000).share(1, 0), Money::ZERO);
        assert_eq!(Money(i64::MAX).share(10_000, 10_000), Money(i64::MAX));
    }

    #[test]
    fn the_bounds_accept_their_own_edges_and_nothing_beyond() {
        assert!(Money::ZERO.is_valid() && Money::MAX.is_valid());
        assert!(!Money(-1).is_valid() && !Money(Money::MAX.0 + 1).is_valid());
        assert!(Timestamp::MIN.is_valid() && Timestamp::MAX.is_valid());
        assert!(!Timestamp::MIN.plus_ms(-1).is_valid() && !Timestamp::MAX.plus_ms(1).is_valid());
        // The edges are the calendar years the docs name.
        let date = |t: Timestamp| crate::policy::time::LocalDate::of(t, 0).to_string();
        assert_eq!(date(Timestamp::MIN), "2000-01-01");
        assert_eq!(date(Timestamp::MAX), "2200-12-31");
        assert_eq!(date(Timestamp::MAX.plus_ms(1)), "2201-01-01");
    }

    #[test]
    fn amounts_and_instants_at_the_bounds_read_back_exactly() {
        for money in [Money::ZERO, Money(1), Money::MAX] {
            let json = serde_json::to_string(&money).unwrap_or_default();
            assert_eq!(serde_json::from_str::<Money>(&json).ok(), Some(money));
            // Through an f64, as a JavaScript reader would hold it.
            let as_f64: f64 = serde_json::from_str(&json).unwrap_or(f64::NAN);
            assert_eq!(as_f64 as i64, money.0);
        }
        for at in [Timestamp::MIN, Timestamp::MAX] {
            let json = serde_json::to_string(&at).unwrap_or_default();
            assert_eq!(serde_json::from_str::<Timestamp>(&json).ok(), Some(at));
            let as_f64: f64 = serde_json::from_str(&json).unwrap_or(f64::NAN);
            assert_eq!(as_f64 as i64, at.0);
        }
    }

    #[test]
    fn timestamps_and_money_serialize_as_bare_integers() {
        let json = serde_json::to_string(&(Timestamp(5), Money(-7))).unwrap_or_default();
        assert_eq!(json, "[5,-7]");
    }
}
