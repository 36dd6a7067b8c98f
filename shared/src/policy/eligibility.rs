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
use super::parcel::{ParcelStanding, parcel_standing};
use super::settings::Policy;
use super::time::{LocalDate, window_end};

/// Whether one kind of service is open to a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
pub(crate) fn warranty(
    order: &Order,
    line: &OrderLine,
    others: Others<'_>,
    policy: &Policy,
) -> Option<Warranty> {
    let signed = order.signed_for_at?;
    let of_line = || others.iter().filter(|c| c.quantity_of(&line.sku) > 0);
    let start = of_line()
        .filter_map(|c| c.closed_with(Outcome::Exchanged))
        .fold(signed, Timestamp::max);
    let repairs: Vec<&Case> = of_line()
        .filter(|c| {
            c.closed_with(Outcome::Repaired)
                .is_some_and(|at| at > start)
        })
        .collect();
    let repair_days: i64 = repairs
        .iter()
        .filter_map(|c| {
            let received = c.first_event_at(|k| {
                matches!(
                    k,
                    EventKind::Received { .. } | EventKind::ReturnDeemedReceived
                )
            })?;
            let shipped = c.first_event_at(|k| matches!(k, EventKind::ItemShipped { .. }))?;
            let ms = shipped.millis_since(received).max(0);
            Some(ms.saturating_add(MS_PER_DAY - 1) / MS_PER_DAY)
        })
        .sum();
    let days = policy
        .warranty_days_for(&line.category)
        .saturating_add(repair_days);
    Some(Warranty {
        end: window_end(start, days, policy.utc_offset_minutes),
        completed_repairs: repairs.len() as i64,
    })
}

/// Units of `sku` refunded or held by the order's cases `others` (open ones, and those closed
/// with a refund).
fn held(sku: &str, others: Others<'_>) -> u32 {
    others
        .iter()
        .filter(|c| c.holds_units())
        .map(|c| c.quantity_of(sku))
        .fold(0, u32::saturating_add)
}

/// Units of `sku` the order's `cases` already refund or hold: what a new request cannot claim
/// again (the portal shows it beside each line; [`LineEligibility::remaining_quantity`] is the
/// line's quantity minus this).
#[must_use]
pub fn units_held(cases: &[Case], sku: &str) -> u32 {
    held(sku, Others::new(cases, ""))
}

/// Units of `line` still claimable: bought, minus units refunded or held by another open case.
pub(crate) fn remaining_quantity(line: &OrderLine, others: Others<'_>) -> u32 {
    line.quantity.saturating_sub(held(&line.sku, others))
}

/// Whether "not received" needs the buyer to state that the courier's record shows the parcel
/// lost (DOMAIN.md: "Not received: refund only or reship, after the courier record shows loss or
/// no delivery"): it does when the parcel was signed for. The portal asks for that statement
/// exactly when this is true.
///
/// A parcel not signed for needs it too while it is still moving (DOMAIN.md: once it shows no
/// movement for the shop's limit, or is past its promised date, the buyer may ask "without
/// further proof"): the tracking already shows what the statement would.
#[must_use]
pub fn needs_carrier_proof(order: &Order, reason: Reason, policy: &Policy, at: Timestamp) -> bool {
    reason == Reason::NotReceived
        && match parcel_standing(order, policy, at) {
            ParcelStanding::Delivered { .. } | ParcelStanding::Moving { .. } => true,
            ParcelStanding::NotShipped | ParcelStanding::Stalled { .. } => false,
        }
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
    fn within(&self, days: i64, refuse: impl FnOnce(LocalDate) -> Refusal) -> Result<(), Refusal> {
        let signed = self.delivered()?;
        let tz = self.policy.utc_offset_minutes;
        let end = window_end(signed, days, tz);
        if self.at <= end {
            Ok(())
        } else {
            Err(refuse(LocalDate::of(end, tz)))
        }
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
        self.within(self.policy.no_reason_days, |until| {
            Refusal::NoReasonWindowClosed { until }
        })
    }

    /// "Not received": shipped, and either not signed for or the courier confirms the loss.
    fn not_received(&self) -> Result<(), Refusal> {
        if self.carrier_confirms_loss && self.order.shipped_at.is_some() {
            return Ok(());
        }
        match parcel_standing(self.order, self.policy, self.at) {
            ParcelStanding::NotShipped => Err(Refusal::NotShipped),
            ParcelStanding::Delivered { .. } => Err(Refusal::CarrierProofRequired),
            ParcelStanding::Moving { stalls_after, .. } => Err(Refusal::ParcelStillMoving {
                until: stalls_after,
            }),
            ParcelStanding::Stalled { .. } => Ok(()),
        }
    }

    /// A question about the parcel: once it has shipped, whatever its scans say (a parcel shown
    /// signed for that never reached the buyer is a question too).
    fn parcel_question(&self) -> Result<(), Refusal> {
        match self.order.shipped_at {
            Some(_) => Ok(()),
            None => Err(Refusal::NotShipped),
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
            if repairs_exhausted {
                Ok(())
            } else {
                Err(refusal)
            }
        })
    }

    /// May `line` get `kind` for `reason`? Quantities are checked separately.
    pub(crate) fn check(
        &self,
        line: &OrderLine,
        kind: CaseKind,
        reason: Reason,
    ) -> Result<(), Refusal> {
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
                    // Shipped goods without a fault come back first; point to a return only
                    // while one is open, otherwise say why none is.
                    Reason::ChangedMind | Reason::SizeOrFit => self
                        .no_reason(line)
                        .and(Err(Refusal::RefundOnlyNeedsReturn)),
                    // "Not worth sending back": a fault the shop may settle without the goods,
                    // within the same band as a return.
                    Reason::NotAsDescribed
                    | Reason::QualityFault
                    | Reason::DamagedInTransit
                    | Reason::WrongItem
                    | Reason::MissingParts => self.within(p.quality_return_days, |until| {
                        Refusal::QualityReturnWindowClosed { until }
                    }),
                    Reason::Service | Reason::BadReview => mismatch,
                }
            }
            CaseKind::ReturnAndRefund => match reason {
                Reason::NotReceived | Reason::Service | Reason::BadReview => mismatch,
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
                Reason::NotReceived | Reason::Service | Reason::BadReview => mismatch,
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
                    let w =
                        warranty(self.order, line, self.others, p).ok_or(Refusal::NotDelivered)?;
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
                | Reason::NotReceived
                | Reason::Service
                | Reason::BadReview => mismatch,
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
                | Reason::WrongItem
                | Reason::Service
                | Reason::BadReview => mismatch,
            },
            CaseKind::ParcelQuestion => match reason {
                Reason::NotReceived => self.parcel_question(),
                _ => mismatch,
            },
            // Anyone who bought may complain about the service, whatever became of the goods.
            CaseKind::Complaint => match reason {
                Reason::Service => Ok(()),
                _ => mismatch,
            },
            // Any order may have been reviewed; who may open the follow-up is the filing's rule.
            CaseKind::ReviewRecovery => match reason {
                Reason::BadReview => Ok(()),
                _ => mismatch,
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
                        // The refusal that explains the closed kind best (see the rule).
                        Err(r) if refusal.as_ref().is_none_or(|f| r.explains_better_than(f)) => {
                            refusal = Some(r);
                        }
                        Err(_) => {}
                    }
                }
                KindEligibility {
                    kind,
                    refusal: if reasons_allowed.is_empty() {
                        refusal
                    } else {
                        None
                    },
                    reasons_allowed,
                }
            })
            .collect();
        LineEligibility {
            sku: line.sku.clone(),
            remaining_quantity: remaining,
            allowed,
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        Actor, Event, EventKind, Exclusion, Inspection, LineFlags, Money, Outcome, ShipmentKind,
        Solution,
    };
    use crate::policy::fixtures::{cst, day_after_signed, line, order, request, signed};

    fn check<'a>(
        order: &'a Order,
        others: &'a [Case],
        policy: &'a Policy,
        at: Timestamp,
    ) -> LineCheck<'a> {
        LineCheck {
            order,
            others: Others::new(others, ""),
            policy,
            at,
            carrier_confirms_loss: false,
        }
    }

    fn until(year: i64, month: u32, day: u32) -> LocalDate {
        LocalDate { year, month, day }
    }

    #[test]
    fn the_no_reason_window_runs_from_the_day_after_sign_for_to_the_end_of_day_seven() {
        let o = order(vec![line("shirt", "clothing", 9_900, 1)]);
        let policy = Policy::default();
        let shirt = &o.lines[0];
        let table = [
            (signed(), Ok(())),
            (cst(2024, 11, 8, 23, 59).plus_ms(59_999), Ok(())),
            (
                cst(2024, 11, 9, 0, 0),
                Err(Refusal::NoReasonWindowClosed {
                    until: until(2024, 11, 8),
                }),
            ),
        ];
        for (at, expected) in table {
            for reason in [Reason::ChangedMind, Reason::SizeOrFit] {
                for kind in [CaseKind::ReturnAndRefund, CaseKind::Exchange] {
                    assert_eq!(
                        check(&o, &[], &policy, at).check(shirt, kind, reason),
                        expected,
                        "{at:?} {kind:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn each_statutory_exclusion_and_a_confirmed_one_refuse_the_no_reason_return_but_not_a_fault() {
        type SetFlag = fn(&mut LineFlags);
        let table: [(SetFlag, Exclusion); 5] = [
            (|f| f.custom_made = true, Exclusion::CustomMade),
            (|f| f.perishable = true, Exclusion::Perishable),
            (|f| f.digital_unsealed = true, Exclusion::DigitalUnsealed),
            (|f| f.periodical = true, Exclusion::Periodical),
            (
                |f| f.non_returnable_confirmed = true,
                Exclusion::ConfirmedAtPurchase,
            ),
        ];
        let policy = Policy::default();
        for (set, exclusion) in table {
            let mut l = line("x", "misc", 1_000, 1);
            set(&mut l.flags);
            let o = order(vec![l.clone()]);
            let c = check(&o, &[], &policy, day_after_signed(2, 12, 0));
            assert_eq!(
                c.check(&l, CaseKind::ReturnAndRefund, Reason::ChangedMind),
                Err(Refusal::ExcludedFromNoReason { exclusion })
            );
            assert_eq!(
                c.check(&l, CaseKind::Exchange, Reason::SizeOrFit),
                Err(Refusal::ExcludedFromNoReason { exclusion })
            );
            assert_eq!(
                c.check(&l, CaseKind::ReturnAndRefund, Reason::QualityFault),
                Ok(())
            );
        }
    }

    #[test]
    fn a_category_the_shop_excludes_binds_only_buyers_who_confirmed_it_at_purchase() {
        let mut policy = Policy::default();
        policy.categories.insert(
            "underwear".into(),
            crate::policy::CategoryPolicy {
                no_reason_excluded: true,
                ..Default::default()
            },
        );
        let l = line("u", "underwear", 1_000, 1);
        let o = order(vec![l.clone()]);
        let at = day_after_signed(1, 12, 0);
        assert_eq!(
            check(&o, &[], &policy, at).check(&l, CaseKind::ReturnAndRefund, Reason::ChangedMind),
            Ok(())
        );
    }

    #[test]
    fn the_three_guarantees_bands_open_return_then_exchange_then_repair() {
        let l = line("tv", "tv", 300_000, 1);
        let o = order(vec![l.clone()]);
        let policy = Policy::default();
        let r = |days, kind| {
            check(&o, &[], &policy, day_after_signed(days, 23, 0)).check(
                &l,
                kind,
                Reason::QualityFault,
            )
        };
        use CaseKind::{Exchange, Repair, ReturnAndRefund};
        let return_closed = Err(Refusal::QualityReturnWindowClosed {
            until: until(2024, 11, 8),
        });
        let exchange_closed = Err(Refusal::QualityExchangeWindowClosed {
            until: until(2024, 11, 16),
        });
        let table = [
            (7, ReturnAndRefund, Ok(())),
            (8, ReturnAndRefund, return_closed.clone()),
            (8, Exchange, Ok(())),
            (15, Exchange, Ok(())),
            (16, Exchange, exchange_closed),
            (16, Repair, Ok(())),
            (365, Repair, Ok(())),
            (
                366,
                Repair,
                Err(Refusal::WarrantyExpired {
                    until: until(2025, 11, 1),
                }),
            ),
        ];
        for (days, kind, expected) in table {
            assert_eq!(r(days, kind), expected, "day {days} {kind:?}");
        }
    }

    #[test]
    fn a_category_warranty_replaces_the_shop_default() {
        let mut policy = Policy::default();
        policy.categories.insert(
            "tv".into(),
            crate::policy::CategoryPolicy {
                warranty_days: Some(730),
                ..Default::default()
            },
        );
        let l = line("tv", "tv", 300_000, 1);
        let o = order(vec![l.clone()]);
        let at = day_after_signed(700, 12, 0);
        assert_eq!(
            check(&o, &[], &policy, at).check(&l, CaseKind::Repair, Reason::QualityFault),
            Ok(())
        );
    }

    /// A closed repair case of `sku`: received on `received`, shipped back `days_in_repair`
    /// later, confirmed a day after that.
    fn repaired(id: &str, o: &Order, sku: &str, received: Timestamp, days_in_repair: i64) -> Case {
        let shipped = received.plus_days(days_in_repair);
        let ev = |at, kind| Event {
            at,
            actor: Actor::System,
            kind,
        };
        Case {
            id: id.into(),
            order: o.clone(),
            request: request(CaseKind::Repair, Reason::QualityFault, &[(sku, 1)]),
            filed_at: received.plus_days(-3),
            events: vec![
                ev(received.plus_days(-3), EventKind::Filed),
                ev(
                    received.plus_days(-2),
                    EventKind::Approved {
                        solution: Solution::Repair,
                        note: String::new(),
                    },
                ),
                ev(
                    received.plus_days(-1),
                    EventKind::ReturnShipped {
                        carrier: "SF".into(),
                        tracking: "1".into(),
                        postage: None,
                    },
                ),
                ev(
                    received,
                    EventKind::Received {
                        inspection: Inspection {
                            passed: true,
                            note: String::new(),
                            deduction: Money::ZERO,
                        },
                    },
                ),
                ev(
                    shipped,
                    EventKind::ItemShipped {
                        shipment: ShipmentKind::Repaired,
                        carrier: "SF".into(),
                        tracking: "2".into(),
                    },
                ),
                ev(
                    shipped.plus_days(1),
                    EventKind::ReceiptConfirmed { automatic: false },
                ),
                ev(
                    shipped.plus_days(1),
                    EventKind::Closed {
                        outcome: Outcome::Repaired,
                    },
                ),
            ],
        }
    }

    #[test]
    fn after_two_failed_repairs_within_warranty_the_buyer_may_exchange_or_return() {
        let l = line("tv", "tv", 300_000, 1);
        let o = order(vec![l.clone()]);
        let policy = Policy::default();
        let one = vec![repaired("r1", &o, "tv", day_after_signed(40, 12, 0), 5)];
        let two = vec![
            one[0].clone(),
            repaired("r2", &o, "tv", day_after_signed(80, 12, 0), 5),
        ];
        let at = day_after_signed(120, 12, 0);
        for kind in [CaseKind::Exchange, CaseKind::ReturnAndRefund] {
            assert!(
                check(&o, &one, &policy, at)
                    .check(&l, kind, Reason::QualityFault)
                    .is_err(),
                "{kind:?} after one repair"
            );
            assert_eq!(
                check(&o, &two, &policy, at).check(&l, kind, Reason::QualityFault),
                Ok(()),
                "{kind:?} after two repairs"
            );
            // Only for quality faults, and only while the warranty lasts.
            assert!(
                check(&o, &two, &policy, at)
                    .check(&l, kind, Reason::NotAsDescribed)
                    .is_err()
            );
            assert!(
                check(&o, &two, &policy, day_after_signed(400, 12, 0))
                    .check(&l, kind, Reason::QualityFault)
                    .is_err()
            );
        }
    }

    #[test]
    fn the_warranty_excludes_days_in_repair() {
        let l = line("tv", "tv", 300_000, 1);
        let o = order(vec![l.clone()]);
        let policy = Policy::default();
        // Ten and a half days in repair count as eleven.
        let others = vec![repaired("r1", &o, "tv", day_after_signed(100, 12, 0), 10).clone()];
        let mut others = others;
        if let Some(EventKind::ItemShipped { .. }) = others[0].events.get(4).map(|e| &e.kind) {
            others[0].events[4].at = others[0].events[4].at.plus_ms(12 * 3_600_000);
        }
        let w = warranty(&o, &l, Others::new(&others, ""), &policy).map(|w| w.end);
        assert_eq!(w, Some(day_after_signed(365 + 11, 23, 59).plus_ms(59_999)));
        let r = |days| {
            check(&o, &others, &policy, day_after_signed(days, 12, 0)).check(
                &l,
                CaseKind::Repair,
                Reason::QualityFault,
            )
        };
        assert_eq!(r(376), Ok(()));
        assert!(matches!(r(377), Err(Refusal::WarrantyExpired { .. })));
    }

    #[test]
    fn the_warranty_restarts_when_an_exchanged_unit_is_received() {
        let l = line("tv", "tv", 300_000, 1);
        let o = order(vec![l.clone()]);
        let policy = Policy::default();
        let mut exchange = repaired("x1", &o, "tv", day_after_signed(10, 12, 0), 3);
        exchange.request.kind = CaseKind::Exchange;
        let last = exchange.events.len() - 1;
        exchange.events[last].kind = EventKind::Closed {
            outcome: Outcome::Exchanged,
        };
        let received_new_unit = exchange.events[last].at;
        let others = vec![exchange];
        let w = warranty(&o, &l, Others::new(&others, ""), &policy);
        assert_eq!(
            w.map(|w| w.end),
            Some(window_end(received_new_unit, 365, 480))
        );
        assert_eq!(w.map(|w| w.completed_repairs), Some(0));
        let at = day_after_signed(370, 12, 0);
        assert_eq!(
            check(&o, &others, &policy, at).check(&l, CaseKind::Repair, Reason::QualityFault),
            Ok(())
        );
    }

    #[test]
    fn not_received_needs_an_unsigned_parcel_or_the_couriers_record_of_loss() {
        let l = line("book", "books", 4_500, 1);
        let mut o = order(vec![l.clone()]);
        let policy = Policy::default();
        let at = day_after_signed(3, 12, 0);
        for kind in [CaseKind::RefundOnly, CaseKind::Reship] {
            let mut c = check(&o, &[], &policy, at);
            assert_eq!(
                c.check(&l, kind, Reason::NotReceived),
                Err(Refusal::CarrierProofRequired)
            );
            c.carrier_confirms_loss = true;
            assert_eq!(c.check(&l, kind, Reason::NotReceived), Ok(()));
        }
        // What the portal asks the buyer for is this same rule.
        assert!(needs_carrier_proof(&o, Reason::NotReceived, &policy, at));
        assert!(!needs_carrier_proof(
            &o,
            Reason::DamagedInTransit,
            &policy,
            at
        ));
        // Not signed for and still within five days of its last movement (shipped 10-30, so
        // moving to the end of 11-04): still on its way, the statement is needed.
        o.signed_for_at = None;
        assert!(needs_carrier_proof(&o, Reason::NotReceived, &policy, at));
        assert!(matches!(
            check(&o, &[], &policy, at).check(&l, CaseKind::Reship, Reason::NotReceived),
            Err(Refusal::ParcelStillMoving { .. })
        ));
        // Stalled from 11-05: no statement needed.
        let stalled = day_after_signed(4, 0, 1);
        assert!(!needs_carrier_proof(
            &o,
            Reason::NotReceived,
            &policy,
            stalled
        ));
        assert_eq!(
            check(&o, &[], &policy, stalled).check(&l, CaseKind::Reship, Reason::NotReceived),
            Ok(())
        );
        o.shipped_at = None;
        assert_eq!(
            check(&o, &[], &policy, at).check(&l, CaseKind::Reship, Reason::NotReceived),
            Err(Refusal::NotShipped)
        );
    }

    #[test]
    fn a_refund_only_without_a_fault_points_to_a_return_only_while_one_is_open() {
        let l = line("x", "misc", 1_000, 1);
        let o = order(vec![l.clone()]);
        let policy = Policy::default();
        let within = check(&o, &[], &policy, day_after_signed(2, 12, 0));
        assert_eq!(
            within.check(&l, CaseKind::RefundOnly, Reason::ChangedMind),
            Err(Refusal::RefundOnlyNeedsReturn)
        );
        let after = check(&o, &[], &policy, day_after_signed(30, 12, 0));
        assert!(matches!(
            after.check(&l, CaseKind::RefundOnly, Reason::SizeOrFit),
            Err(Refusal::NoReasonWindowClosed { .. })
        ));
    }

    #[test]
    fn reasons_and_kinds_only_combine_where_the_trade_does() {
        let l = line("x", "misc", 1_000, 1);
        let o = order(vec![l.clone()]);
        let policy = Policy::default();
        let c = check(&o, &[], &policy, day_after_signed(2, 12, 0));
        let mismatch = |kind, reason| Err(Refusal::ReasonDoesNotFitKind { kind, reason });
        let table = [
            (
                CaseKind::Repair,
                Reason::SizeOrFit,
                mismatch(CaseKind::Repair, Reason::SizeOrFit),
            ),
            (
                CaseKind::Reship,
                Reason::QualityFault,
                mismatch(CaseKind::Reship, Reason::QualityFault),
            ),
            (
                CaseKind::ReturnAndRefund,
                Reason::NotReceived,
                mismatch(CaseKind::ReturnAndRefund, Reason::NotReceived),
            ),
            (
                CaseKind::RefundOnly,
                Reason::ChangedMind,
                Err(Refusal::RefundOnlyNeedsReturn),
            ),
            (CaseKind::RefundOnly, Reason::MissingParts, Ok(())),
            (CaseKind::Reship, Reason::MissingParts, Ok(())),
        ];
        for (kind, reason, expected) in table {
            assert_eq!(c.check(&l, kind, reason), expected, "{kind:?} {reason:?}");
        }
    }

    #[test]
    fn before_shipping_only_a_refund_is_possible_and_for_any_reason() {
        let l = line("x", "misc", 1_000, 1);
        let mut o = order(vec![l.clone()]);
        o.shipped_at = None;
        o.signed_for_at = None;
        let policy = Policy::default();
        let c = check(&o, &[], &policy, cst(2024, 10, 28, 12, 0));
        for reason in Reason::ALL {
            assert_eq!(c.check(&l, CaseKind::RefundOnly, reason), Ok(()));
        }
        assert_eq!(
            c.check(&l, CaseKind::ReturnAndRefund, Reason::ChangedMind),
            Err(Refusal::NotShipped)
        );
        assert_eq!(
            c.check(&l, CaseKind::Repair, Reason::QualityFault),
            Err(Refusal::NotShipped)
        );
    }

    #[test]
    fn eligibility_lists_every_kind_per_line_with_reasons_or_the_most_useful_refusal() {
        let o = order(vec![line("shirt", "clothing", 9_900, 2)]);
        let lines = eligibility(&o, &[], &Policy::default(), day_after_signed(10, 12, 0));
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].remaining_quantity, 2);
        let kinds: Vec<CaseKind> = lines[0].allowed.iter().map(|k| k.kind).collect();
        assert_eq!(kinds, CaseKind::ALL.to_vec());
        let ret = &lines[0].allowed[1];
        assert!(ret.reasons_allowed.is_empty());
        // Both the no-reason window and the 三包 return band closed on day 7: the band, which a
        // fault needed, explains it.
        assert_eq!(
            ret.refusal,
            Some(Refusal::QualityReturnWindowClosed {
                until: until(2024, 11, 8)
            })
        );
        let exchange = &lines[0].allowed[2];
        assert!(exchange.reasons_allowed.contains(&Reason::QualityFault));
        assert!(!exchange.reasons_allowed.contains(&Reason::SizeOrFit));
        assert_eq!(exchange.refusal, None);
    }

    #[test]
    fn a_closed_kind_is_explained_by_the_last_window_that_closed() {
        let o = order(vec![line("shirt", "clothing", 9_900, 1)]);
        let policy = Policy::default();
        let at_day = |days| eligibility(&o, &[], &policy, day_after_signed(days, 12, 0));
        let refusal = |days, kind: CaseKind| {
            at_day(days)[0]
                .allowed
                .iter()
                .find(|k| k.kind == kind)
                .and_then(|k| k.refusal.clone())
        };
        // Day 20: the exchange's 三包 band (15 days) outlived the no-reason window (7 days).
        assert!(matches!(
            refusal(20, CaseKind::Exchange),
            Some(Refusal::QualityExchangeWindowClosed { .. })
        ));
        // Whichever order the rules are checked in, a later window wins and a mismatch loses.
        let early = Refusal::NoReasonWindowClosed {
            until: until(2024, 11, 8),
        };
        let late = Refusal::QualityExchangeWindowClosed {
            until: until(2024, 11, 16),
        };
        let mismatch = Refusal::ReasonDoesNotFitKind {
            kind: CaseKind::Repair,
            reason: Reason::SizeOrFit,
        };
        assert!(late.explains_better_than(&early) && !early.explains_better_than(&late));
        assert!(early.explains_better_than(&mismatch) && !mismatch.explains_better_than(&early));
        assert!(!early.explains_better_than(&early));
    }

    #[test]
    fn units_are_held_by_open_cases_and_refunds_but_freed_by_other_closures() {
        let o = order(vec![line("sock", "clothing", 1_000, 3)]);
        let l = &o.lines[0];
        let mut case = repaired("c", &o, "sock", day_after_signed(3, 12, 0), 1);
        case.request.lines[0].quantity = 2;
        let open = Case {
            events: case.events[..2].to_vec(),
            ..case.clone()
        };
        assert_eq!(
            remaining_quantity(l, Others::new(std::slice::from_ref(&open), "")),
            1
        );
        assert_eq!(units_held(std::slice::from_ref(&open), "sock"), 2);
        assert_eq!(units_held(std::slice::from_ref(&open), "shirt"), 0);
        // A completed repair leaves the buyer holding the units.
        assert_eq!(
            remaining_quantity(l, Others::new(std::slice::from_ref(&case), "")),
            3
        );
        // A refund holds them for good.
        let mut refunded = open.clone();
        refunded.events.push(Event {
            at: signed(),
            actor: Actor::System,
            kind: EventKind::Refunded {
                breakdown: Default::default(),
            },
        });
        refunded.events.push(Event {
            at: signed(),
            actor: Actor::System,
            kind: EventKind::Closed {
                outcome: Outcome::Refunded,
            },
        });
        assert_eq!(
            remaining_quantity(l, Others::new(std::slice::from_ref(&refunded), "")),
            1
        );
        // A withdrawn case frees them; the case itself is skipped by id.
        let mut withdrawn = open.clone();
        withdrawn.events.push(Event {
            at: signed(),
            actor: Actor::Buyer,
            kind: EventKind::Closed {
                outcome: Outcome::Withdrawn,
            },
        });
        assert_eq!(
            remaining_quantity(l, Others::new(std::slice::from_ref(&withdrawn), "")),
            3
        );
        assert_eq!(
            remaining_quantity(l, Others::new(std::slice::from_ref(&open), "c")),
            3
        );
        let lines = eligibility(
            &o,
            &[open.clone(), refunded.clone()],
            &Policy::default(),
            day_after_signed(3, 12, 0),
        );
        assert_eq!(lines[0].remaining_quantity, 0);
        assert!(
            lines[0]
                .allowed
                .iter()
                .all(|k| k.refusal == Some(Refusal::NothingLeft))
        );
    }
}
