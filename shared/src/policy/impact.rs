//! What a policy change does to the shop's open cases, before it is saved (the owner's preview),
//! and what it changed, after (the change log). Deadlines are not stored: every read computes
//! them from the case's clock and the policy ([`current_deadline`]), so a saved change moves
//! every open deadline at once; [`impact`] says which, and which requests awaiting the shop's
//! answer the change opens or closes.

use serde::{Deserialize, Serialize};

use crate::domain::{Case, CaseKind, CaseState, Party, Reason, Timestamp};

use super::catalogue::SETTINGS;
use super::context::Others;
use super::deadline::current_deadline;
use super::eligibility::LineCheck;
use super::error::Refusal;
use super::settings::{CategoryPolicy, Policy};

/// An open case with its order's cases (the case itself may be among them): what its deadline
/// and its eligibility read.
#[derive(Debug, Clone, Copy)]
pub struct OpenCase<'a> {
    /// The case.
    pub case: &'a Case,
    /// Every case of its order (quantities, warranty history).
    pub order_cases: &'a [Case],
}

/// One open case whose deadline a change moves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DeadlineMove {
    /// The case.
    pub case: String,
    /// Who must act.
    pub waiting_for: Party,
    /// The deadline under the current policy.
    pub before: Timestamp,
    /// The deadline under the new one.
    pub after: Timestamp,
    /// The new deadline has already passed: the case resolves itself at the next deadline run.
    pub overdue_after: bool,
}

/// One request awaiting the shop's answer that a change opens or closes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EligibilityChange {
    /// The case.
    pub case: String,
    /// What the buyer asked for.
    pub kind: CaseKind,
    /// Why.
    pub reason: Reason,
    /// Under the new policy, the request is within the rules (it was not before).
    pub eligible_after: bool,
    /// Why it is not, under whichever policy refuses it.
    pub refusal: Option<Refusal>,
}

/// What a policy change does to the open cases it was given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PolicyImpact {
    /// Open cases looked at.
    pub checked: u32,
    /// Deadlines that come sooner.
    pub moved_earlier: u32,
    /// Deadlines that come later.
    pub moved_later: u32,
    /// Of the moved deadlines, those already passed under the new policy.
    pub overdue_after: u32,
    /// Every moved deadline, the soonest new deadline first.
    pub moves: Vec<DeadlineMove>,
    /// Requests awaiting the shop's answer that become eligible or stop being so.
    pub eligibility: Vec<EligibilityChange>,
}

impl PolicyImpact {
    /// True when the change touches no open case.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.moves.is_empty() && self.eligibility.is_empty()
    }
}

/// One setting a change altered, as the change log shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SettingChange {
    /// The setting's path (`deadlines.shop_answer_hours`, `categories.tv`).
    pub path: String,
    /// Its value before, language-neutral (see [`super::SettingValue::display`]).
    pub before: String,
    /// Its value after.
    pub after: String,
}

/// The state a decision on the request is awaited in: review, or asked for more information
/// (also while the owner signs off or a supervisor looks at it).
fn awaits_decision(state: &CaseState) -> bool {
    match state {
        CaseState::AwaitingReview { .. } | CaseState::InfoRequested { .. } => true,
        CaseState::AwaitingOwnerApproval { previous, .. }
        | CaseState::Escalated { previous, .. } => awaits_decision(previous),
        _ => false,
    }
}

/// Whether what the buyer asked for is within the rules, judged as an approval judges it: at
/// filing, against the order's other cases.
fn request_allowed(open: &OpenCase<'_>, policy: &Policy) -> Result<(), Refusal> {
    let case = open.case;
    let check = LineCheck {
        order: &case.order,
        others: Others::new(open.order_cases, &case.id),
        policy,
        at: case.filed_at,
        carrier_confirms_loss: case.request.carrier_confirms_loss,
    };
    for requested in &case.request.lines {
        if let Some(line) = case.order.line(&requested.sku) {
            check.check(line, case.request.kind, case.request.reason)?;
        }
    }
    Ok(())
}

/// What replacing `old` by `new` does to `open` cases at `now`: the deadlines it moves and the
/// requests awaiting a decision it opens or closes.
#[must_use]
pub fn impact(old: &Policy, new: &Policy, open: &[OpenCase<'_>], now: Timestamp) -> PolicyImpact {
    let mut out = PolicyImpact {
        checked: u32::try_from(open.len()).unwrap_or(u32::MAX),
        ..PolicyImpact::default()
    };
    for o in open {
        let case = o.case;
        if let (Some(before), Some(after)) =
            (current_deadline(case, old), current_deadline(case, new))
            && before.due != after.due
        {
            if after.due < before.due {
                out.moved_earlier += 1;
            } else {
                out.moved_later += 1;
            }
            let overdue_after = !after.paused && after.due < now;
            out.overdue_after += u32::from(overdue_after);
            out.moves.push(DeadlineMove {
                case: case.id.clone(),
                waiting_for: after.waiting_for,
                before: before.due,
                after: after.due,
                overdue_after,
            });
        }
        if awaits_decision(&case.state()) {
            let (was, is) = (request_allowed(o, old), request_allowed(o, new));
            if was.is_ok() != is.is_ok() {
                out.eligibility.push(EligibilityChange {
                    case: case.id.clone(),
                    kind: case.request.kind,
                    reason: case.request.reason,
                    eligible_after: is.is_ok(),
                    refusal: is.err().or(was.err()),
                });
            }
        }
    }
    out.moves
        .sort_by(|a, b| a.after.cmp(&b.after).then_with(|| a.case.cmp(&b.case)));
    out
}

fn category_display(c: &CategoryPolicy) -> String {
    let mut parts = Vec::new();
    if c.no_reason_excluded {
        parts.push("no_reason_excluded".to_owned());
    }
    if let Some(days) = c.warranty_days {
        parts.push(format!("warranty_days={days}"));
    }
    if let Some(bps) = c.restocking_fee_bps {
        parts.push(format!("restocking_fee_bps={bps}"));
    }
    parts.push(format!("intact_rule={:?}", c.intact_rule));
    parts.join(", ")
}

/// Every setting `new` changes from `old`, in the settings' order, then the categories by name
/// (an added category's `before` and a removed one's `after` are empty).
#[must_use]
pub fn diff(old: &Policy, new: &Policy) -> Vec<SettingChange> {
    let mut out: Vec<SettingChange> = SETTINGS
        .iter()
        .filter_map(|s| {
            let (before, after) = (s.get(old), s.get(new));
            (before != after).then(|| SettingChange {
                path: s.path.to_owned(),
                before: before.display(),
                after: after.display(),
            })
        })
        .collect();
    let names: std::collections::BTreeSet<&String> =
        old.categories.keys().chain(new.categories.keys()).collect();
    for name in names {
        let (before, after) = (old.categories.get(name), new.categories.get(name));
        if before != after {
            out.push(SettingChange {
                path: format!("categories.{name}"),
                before: before.map(category_display).unwrap_or_default(),
                after: after.map(category_display).unwrap_or_default(),
            });
        }
    }
    // The tips, key by key like the categories (their titles: the steps are too long for a
    // change log's line).
    for (group, old_map, new_map) in [
        ("categories", &old.tips.categories, &new.tips.categories),
        ("skus", &old.tips.skus, &new.tips.skus),
    ] {
        let keys: std::collections::BTreeSet<&String> =
            old_map.keys().chain(new_map.keys()).collect();
        for key in keys {
            let (before, after) = (old_map.get(key), new_map.get(key));
            if before != after {
                out.push(SettingChange {
                    path: format!("tips.{group}.{key}"),
                    before: before.map(|t| super::tips::display(t)).unwrap_or_default(),
                    after: after.map(|t| super::tips::display(t)).unwrap_or_default(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::domain::{Command, Money, RejectReason};
    use crate::policy::fixtures::{Run, agent, day_after_signed, line, order, request};

    fn filed_at(day: u32) -> Timestamp {
        day_after_signed(day, 10, 0)
    }

    /// A case awaiting review (filed `day` days after sign-for) and one the shop rejected (the
    /// buyer's clock runs), on the same order.
    fn cases(day: u32) -> Vec<Case> {
        let o = order(vec![line("shirt", "clothing", 9_900, 2)]);
        let review = Run::file(
            &o,
            request(
                CaseKind::ReturnAndRefund,
                Reason::SizeOrFit,
                &[("shirt", 1)],
            ),
            filed_at(day),
        )
        .map(|r| r.case);
        let mut rejected = Run::file(
            &o,
            request(CaseKind::Exchange, Reason::QualityFault, &[("shirt", 1)]),
            filed_at(0),
        );
        if let Ok(run) = rejected.as_mut() {
            run.case.id = "case-2".into();
            run.at(filed_at(0).plus_hours(1)).ok(
                &agent(),
                Command::Reject {
                    reason_code: RejectReason::NoFaultFound,
                    note: String::new(),
                },
            );
        }
        review.into_iter().chain(rejected.map(|r| r.case)).collect()
    }

    fn open(cases: &[Case]) -> Vec<OpenCase<'_>> {
        cases
            .iter()
            .map(|case| OpenCase {
                case,
                order_cases: cases,
            })
            .collect()
    }

    #[test]
    fn the_same_policy_changes_nothing() {
        let all = cases(2);
        let p = Policy::default();
        let i = impact(&p, &p, &open(&all), filed_at(3));
        assert_eq!(i.checked, 2);
        assert!(i.is_empty());
        assert!(diff(&p, &p).is_empty());
    }

    #[test]
    fn a_shorter_shop_clock_moves_only_the_shops_deadlines_earlier() {
        let all = cases(2);
        let old = Policy::default();
        let mut new = old.clone();
        new.deadlines.shop_answer_hours = 12;
        let i = impact(&old, &new, &open(&all), filed_at(2).plus_hours(13));
        assert_eq!((i.moved_earlier, i.moved_later, i.overdue_after), (1, 0, 1));
        assert_eq!(i.moves[0].case, "case-1");
        assert_eq!(i.moves[0].before, filed_at(2).plus_hours(36));
        assert_eq!(i.moves[0].after, filed_at(2).plus_hours(12));
        assert_eq!(
            diff(&old, &new),
            vec![SettingChange {
                path: "deadlines.shop_answer_hours".into(),
                before: "36".into(),
                after: "12".into(),
            }]
        );
    }

    #[test]
    fn a_shorter_no_reason_window_closes_a_request_awaiting_review() {
        // Filed on day 6 after sign-for: inside 7 days, outside 5.
        let all = cases(6);
        let old = Policy::default();
        let new = Policy {
            no_reason_days: 5,
            ..old.clone()
        };
        let i = impact(&old, &new, &open(&all), filed_at(6));
        assert_eq!(i.eligibility.len(), 1);
        let change = &i.eligibility[0];
        assert_eq!(
            (change.case.as_str(), change.eligible_after),
            ("case-1", false)
        );
        assert!(matches!(
            change.refusal,
            Some(Refusal::NoReasonWindowClosed { .. })
        ));
        // And back: the same change the other way opens it.
        let back = impact(&new, &old, &open(&all), filed_at(6));
        assert!(back.eligibility[0].eligible_after);
        // The rejected case is not awaiting a decision: its eligibility is not reported.
        assert!(i.eligibility.iter().all(|c| c.case != "case-2"));
    }

    #[test]
    fn the_diff_names_amounts_flags_lists_and_categories() {
        let old = Policy::default();
        let mut new = old.clone();
        new.approval_limits.agent = None;
        new.batch_max_amount = Money(123_450);
        new.free_returns = true;
        new.holidays = vec!["2025-10-01".into(), "2025-10-02".into()];
        new.categories.insert(
            "tv".into(),
            CategoryPolicy {
                warranty_days: Some(730),
                ..CategoryPolicy::default()
            },
        );
        new.tips.skus.insert(
            "K-1".into(),
            vec![
                crate::policy::Tip {
                    title: "Reset".into(),
                    steps: vec!["Unplug it".into()],
                },
                crate::policy::Tip {
                    title: "Descale".into(),
                    steps: vec!["Vinegar".into()],
                },
            ],
        );
        let d = diff(&old, &new);
        let row = |path: &str| {
            d.iter()
                .find(|c| c.path == path)
                .map(|c| (c.before.as_str(), c.after.as_str()))
        };
        assert_eq!(row("approval_limits.agent"), Some(("2000.00", "none")));
        assert_eq!(row("batch_max_amount"), Some(("6000.00", "1234.50")));
        assert_eq!(row("free_returns"), Some(("false", "true")));
        assert_eq!(row("holidays"), Some(("", "2025-10-01, 2025-10-02")));
        assert_eq!(
            row("categories.tv"),
            Some(("", "warranty_days=730, intact_rule=Unused"))
        );
        assert_eq!(row("tips.skus.K-1"), Some(("", "Reset | Descale")));
        assert_eq!(d.len(), 6);
    }

    proptest! {
        /// A longer shop-answer clock never moves a deadline earlier, and a shorter one never
        /// later; a holiday never moves one earlier either.
        #[test]
        fn longer_clocks_and_holidays_never_move_a_deadline_earlier(
            day in 0u32..10,
            hours in 1i64..200,
            extra in 0i64..200,
            holiday in 0i64..20,
            now_hours in 0i64..600,
        ) {
            let all = cases(day);
            let mut old = Policy::default();
            old.deadlines.shop_answer_hours = hours;
            let mut longer = old.clone();
            longer.deadlines.shop_answer_hours = hours + extra;
            let now = filed_at(0).plus_hours(now_hours);
            let i = impact(&old, &longer, &open(&all), now);
            prop_assert_eq!(i.moved_earlier, 0);
            prop_assert!(i.moves.iter().all(|m| m.after > m.before));
            let back = impact(&longer, &old, &open(&all), now);
            prop_assert_eq!(back.moved_later, 0);
            prop_assert_eq!(back.moves.len(), i.moves.len());
            let mut closed = old.clone();
            closed.holidays = vec![crate::policy::time::LocalDate::of(
                filed_at(day).plus_days(holiday),
                old.utc_offset_minutes,
            )
            .to_string()];
            prop_assert_eq!(impact(&old, &closed, &open(&all), now).moved_earlier, 0);
            prop_assert!(impact(&old, &old, &open(&all), now).is_empty());
            prop_assert!(diff(&old, &old).is_empty());
            prop_assert_eq!(diff(&old, &longer).len(), usize::from(extra > 0));
        }
    }
}
