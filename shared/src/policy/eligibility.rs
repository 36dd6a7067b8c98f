//! Which kinds of service each line may get, and why not (DOMAIN.md "The five kinds of
//! request" and "Rules a policy must be able to express"): the no-reason return, the 三包 bands,
//! the warranty with its repair days and restart after an exchange, the two-failed-repairs rule,
//! "not received" and quantities across the order's cases.

use serde::{Deserialize, Serialize};

use crate::domain::{
    Case, CaseKind, EventKind, MS_PER_DAY, Order, OrderLine, Outcome, Reason, Timestamp,
};

use super::context::Others;
use super::error::Refusal;
use super::settings::Policy;
use super::time::{LocalDate, window_end};

/// Whether one kind of service is open to a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindEligibility {
    /// The kind.
    pub kind: CaseKind,
    /// The reasons for which it is open (empty: closed).
    pub reasons_allowed: Vec<Reason>,
    /// Why it is closed, when no reason opens it.
    pub refusal: Option<Refusal>,
}

/// What a line may still get.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineEligibility {
    /// The line.
    pub sku: String,
    /// Units not yet refunded nor held by another open case.
    pub remaining_quantity: u32,
    /// One entry per kind, in [`CaseKind::ALL`] order.
    pub allowed: Vec<KindEligibility>,
}

/// A line's warranty as its history shapes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Warranty {
    /// The last instant of the warranty, days in repair added.
    pub(crate) end: Timestamp,
    /// Repairs completed since the warranty (re)started.
    pub(crate) completed_repairs: i64,
}

/// The warranty of `line` (DOMAIN.md: "Warranty time excludes days spent in repair, and
/// restarts after an exchange"; 三包: two failed repairs of the same fault).
///
/// * It starts at sign-for, or when the buyer received the latest replacement of the line.
/// * Each repair since then adds its days in repair: from the shop receiving the item to the
///   repaired item shipping back, rounded up to whole days so the warranty still ends at the end
///   of a local day.
/// * A repair completed on the line and followed by a new fault claim is a failed repair. The
///   engine cannot tell faults apart, so "the same fault" means a fault of the same line; the
///   agent can still reject a claim that is a different fault.
pub(crate) fn warranty(order: &Order, line: &OrderLine, others: Others<'_>, policy: &Policy) -> Option<Warranty> {
    let signed = order.signed_for_at?;
    let of_line = || others.iter().filter(|c| c.quantity_of(&line.sku) > 0);
    let start = of_line()
        .filter_map(|c| c.closed_with(Outcome::Exchanged))
        .fold(signed, Timestamp::max);
    let repairs: Vec<&Case> = of_line()
        .filter(|c| c.closed_with(Outcome::Repaired).is_some_and(|at| at > start))
        .collect();
    let repair_days: i64 = repairs
        .iter()
        .filter_map(|c| {
            let received = c.first_event_at(|k| {
                matches!(k, EventKind::Received { .. } | EventKind::ReturnDeemedReceived)
            })?;
            let shipped = c.first_event_at(|k| matches!(k, EventKind::ItemShipped { .. }))?;
            Some(shipped.millis_since(received).max(0).div_ceil(MS_PER_DAY))
        })
        .sum();
    let days = policy.warranty_days_for(&line.category).saturating_add(repair_days);
    Some(Warranty {
        end: window_end(start, days, policy.utc_offset_minutes),
        completed_repairs: repairs.len() as i64,
    })
}

/// Units of `line` still claimable: bought, minus units refunded or held by another open case.
pub(crate) fn remaining_quantity(line: &OrderLine, others: Others<'_>) -> u32 {
    let held = others
        .iter()
        .filter(|c| c.holds_units())
        .map(|c| c.quantity_of(&line.sku))
        .fold(0, u32::saturating_add);
    line.quantity.saturating_sub(held)
}

/// Everything a line check reads.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LineCheck<'a> {
    pub(crate) order: &'a Order,
    pub(crate) others: Others<'a>,
    pub(crate) policy: &'a Policy,
    /// The instant eligibility is judged at: now for a new request, the filing instant for a
    /// decision on a filed one (the shop's delay must not close the buyer's window).
    pub(crate) at: Timestamp,
    pub(crate) carrier_confirms_loss: bool,
}

impl LineCheck<'_> {
    /// Succeeds if `at` is within `days` from sign-for, else the refusal made from the end date.
    fn within(
        &self,
        days: i64,
        refuse: impl FnOnce(LocalDate) -> Refusal,
    ) -> Result<(), Refusal> {
        let signed = self.delivered()?;
        let tz = self.policy.utc_offset_minutes;
        let end = window_end(signed, days, tz);
        if self.at <= end { Ok(()) } else { Err(refuse(LocalDate::of(end, tz))) }
    }

    fn delivered(&self) -> Result<Timestamp, Refusal> {
        match (self.order.shipped_at, self.order.signed_for_at) {
            (_, Some(signed)) => Ok(signed),
            (Some(_), None) => Err(Refusal::NotDelivered),
            (None, None) => Err(Refusal::NotShipped),
        }
    }

    /// 七天无理由: not excluded, within the window from the day after sign-for.
    pub(crate) fn no_reason(&self, line: &OrderLine) -> Result<(), Refusal> {
        if let Some(exclusion) = line.no_reason_exclusion() {
            return Err(Refusal::ExcludedFromNoReason { exclusion });
        }
        self.within(self.policy.no_reason_days, |until| Refusal::NoReasonWindowClosed { until })
    }

    /// "Not received": shipped, and either not signed for or the courier confirms the loss.
    fn not_received(&self) -> Result<(), Refusal> {
        match (self.order.shipped_at, self.order.signed_for_at) {
            (None, _) => Err(Refusal::NotShipped),
            (Some(_), None) => Ok(()),
            (Some(_), Some(_)) if self.carrier_confirms_loss => Ok(()),
            (Some(_), Some(_)) => Err(Refusal::CarrierProofRequired),
        }
    }

    /// A fault claim within a 三包 band, or, for quality faults, after the allowed number of
    /// failed repairs while the warranty lasts.
    fn fault_band(
        &self,
        line: &OrderLine,
        reason: Reason,
        days: i64,
        refuse: impl FnOnce(LocalDate) -> Refusal,
    ) -> Result<(), Refusal> {
        self.within(days, refuse).or_else(|refusal| {
            let repairs_exhausted = reason == Reason::QualityFault
                && warranty(self.order, line, self.others, self.policy).is_some_and(|w| {
                    w.completed_repairs >= self.policy.failed_repairs_for_exchange
                        && self.at <= w.end
                });
            if repairs_exhausted { Ok(()) } else { Err(refusal) }
        })
    }

    /// May `line` get `kind` for `reason`? Quantities are checked separately.
    pub(crate) fn check(&self, line: &OrderLine, kind: CaseKind, reason: Reason) -> Result<(), Refusal> {
        let mismatch = Err(Refusal::ReasonDoesNotFitKind { kind, reason });
        let p = self.policy;
        match kind {
            CaseKind::RefundOnly => {
                // Before shipping, a refund is a cancellation: any reason will do.
                if self.order.shipped_at.is_none() {
                    return Ok(());
                }
                match reason {
                    Reason::NotReceived => self.not_received(),
                    Reason::ChangedMind | Reason::SizeOrFit => Err(Refusal::RefundOnlyNeedsReturn),
                    // "Not worth sending back": a fault the shop may settle without the goods,
                    // within the same band as a return.
                    Reason::NotAsDescribed
                    | Reason::QualityFault
                    | Reason::DamagedInTransit
                    | Reason::WrongItem
                    | Reason::MissingParts => self.within(p.quality_return_days, |until| {
                        Refusal::QualityReturnWindowClosed { until }
                    }),
                }
            }
            CaseKind::ReturnAndRefund => match reason {
                Reason::NotReceived => mismatch,
                Reason::ChangedMind | Reason::SizeOrFit => self.no_reason(line),
                Reason::NotAsDescribed
                | Reason::QualityFault
                | Reason::DamagedInTransit
                | Reason::WrongItem
                | Reason::MissingParts => {
                    self.fault_band(line, reason, p.quality_return_days, |until| {
                        Refusal::QualityReturnWindowClosed { until }
                    })
                }
            },
            CaseKind::Exchange => match reason {
                Reason::NotReceived => mismatch,
                // A size exchange is a no-reason return followed by a new order, so it follows
                // the same window and exclusions.
                Reason::ChangedMind | Reason::SizeOrFit => self.no_reason(line),
                Reason::NotAsDescribed
                | Reason::QualityFault
                | Reason::DamagedInTransit
                | Reason::WrongItem
                | Reason::MissingParts => {
                    self.fault_band(line, reason, p.quality_exchange_days, |until| {
                        Refusal::QualityExchangeWindowClosed { until }
                    })
                }
            },
            CaseKind::Repair => match reason {
                Reason::QualityFault => {
                    self.delivered()?;
                    let w = warranty(self.order, line, self.others, p).ok_or(Refusal::NotDelivered)?;
                    if self.at <= w.end {
                        Ok(())
                    } else {
                        Err(Refusal::WarrantyExpired {
                            until: LocalDate::of(w.end, p.utc_offset_minutes),
                        })
                    }
                }
                Reason::ChangedMind
                | Reason::SizeOrFit
                | Reason::NotAsDescribed
                | Reason::DamagedInTransit
                | Reason::WrongItem
                | Reason::MissingParts
                | Reason::NotReceived => mismatch,
            },
            CaseKind::Reship => match reason {
                Reason::NotReceived => self.not_received(),
                Reason::MissingParts => self.within(p.quality_exchange_days, |until| {
                    Refusal::QualityExchangeWindowClosed { until }
                }),
                Reason::ChangedMind
                | Reason::SizeOrFit
                | Reason::NotAsDescribed
                | Reason::QualityFault
                | Reason::DamagedInTransit
                | Reason::WrongItem => mismatch,
            },
        }
    }

    /// The eligibility of one line for every kind.
    pub(crate) fn line(&self, line: &OrderLine) -> LineEligibility {
        let remaining = remaining_quantity(line, self.others);
        let allowed = CaseKind::ALL
            .into_iter()
            .map(|kind| {
                if remaining == 0 {
                    return KindEligibility {
                        kind,
                        reasons_allowed: Vec::new(),
                        refusal: Some(Refusal::NothingLeft),
                    };
                }
                let mut reasons_allowed = Vec::new();
                let mut refusal: Option<Refusal> = None;
                for reason in Reason::ALL {
                    match self.check(line, kind, reason) {
                        Ok(()) => reasons_allowed.push(reason),
                        // Keep the first real obstacle; a mismatch only if nothing better.
                        Err(r) if refusal.as_ref().is_none_or(|f| f.is_mismatch() && !r.is_mismatch()) => {
                            refusal = Some(r);
                        }
                        Err(_) => {}
                    }
                }
                KindEligibility {
                    kind,
                    refusal: if reasons_allowed.is_empty() { refusal } else { None },
                    reasons_allowed,
                }
            })
            .collect();
        LineEligibility { sku: line.sku.clone(), remaining_quantity: remaining, allowed }
    }
}

/// For each line of `order`: the units still claimable and, per kind, the reasons that open it
/// or why it is closed, judged at `now`. "Not received" on a signed-for order is shown closed
/// until the buyer states the courier confirms the loss (see [`line_eligibility`]).
#[must_use]
pub fn eligibility(
    order: &Order,
    other_cases: &[Case],
    policy: &Policy,
    now: Timestamp,
) -> Vec<LineEligibility> {
    order
        .lines
        .iter()
        .map(|line| line_eligibility(order, line, other_cases, policy, now, false))
        .collect()
}

/// The eligibility of one line, stating whether the courier confirms the parcel's loss.
#[must_use]
pub fn line_eligibility(
    order: &Order,
    line: &OrderLine,
    other_cases: &[Case],
    policy: &Policy,
    now: Timestamp,
    carrier_confirms_loss: bool,
) -> LineEligibility {
    LineCheck {
        order,
        others: Others::new(other_cases, ""),
        policy,
        at: now,
        carrier_confirms_loss,
    }
    .line(line)
}
