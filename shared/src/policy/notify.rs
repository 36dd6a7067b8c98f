//! Telling the buyer when it is their move (issue 12 §1): which of a commit's events the buyer
//! hears about, under which stable key, and when a notification may go out (quiet hours in the
//! shop's time zone).
//!
//! Buyers have no account, so a notification is the only way they learn that the shop answered.
//! One commit is one moment for the buyer, so it yields at most one notification: the most
//! significant milestone in it (a passed inspection that refunds and closes in one commit is one
//! "refund sent", not three messages in the same second). Events the buyer caused themselves
//! (a withdrawal, an accepted offer, a confirmed receipt) are never notified: they know.
//!
//! The key is `<case id>.<milestone>.<index of the event in the case's history>`: events are
//! appended, never rewritten, so the same milestone of the same case always gets the same key and
//! a replayed commit is recognised by it.

use serde::{Deserialize, Serialize};

use crate::domain::{
    Actor, Case, CaseState, Event, EventKind, ExpiryOutcome, MS_PER_DAY, MS_PER_HOUR,
    MS_PER_MINUTE, Party, Role, Timestamp,
};
use crate::i18n::Lang;

use super::deadline::current_deadline;
use super::settings::Policy;
use super::time::LocalDate;

pub use super::notice::{Milestone, NoticeFacts};

/// One notification to the buyer, in their language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Notification {
    /// `<case>.<milestone>.<event index>`: never two notifications under one key.
    pub key: String,
    /// The case.
    pub case_id: String,
    /// The order.
    pub order: String,
    /// What happened.
    pub milestone: Milestone,
    /// The buyer's language.
    pub lang: Lang,
    /// One line (an e-mail subject, a push title).
    pub title: String,
    /// The sentence or two under it.
    pub body: String,
    /// The case page, relative to the portal (`/case/<id>?order=<number>`).
    pub link: String,
    /// When the milestone happened.
    pub at: Timestamp,
}

/// What the wording needs beyond the case: the buyer's deadline after the commit, the shop's zone
/// and return address. The worker fills it from the policy; the portal from the case view, so
/// both say the same words.
#[derive(Debug, Clone, Default)]
pub struct Setting<'a> {
    /// The current deadline's due instant, if the buyer must act by then.
    pub buyer_due: Option<Timestamp>,
    /// The shop's time zone.
    pub utc_offset_minutes: i64,
    /// The shop's return address, shown once a return is approved.
    pub return_address: Option<&'a str>,
}

impl<'a> Setting<'a> {
    /// The facts the worker knows: the case's current deadline under `policy`, if it is the
    /// buyer's, and the policy's return address.
    #[must_use]
    pub fn of(case: &Case, policy: &'a Policy) -> Self {
        Self {
            buyer_due: current_deadline(case, policy)
                .filter(|d| d.waiting_for == Party::Buyer && !d.paused)
                .map(|d| d.due),
            utc_offset_minutes: policy.utc_offset_minutes,
            return_address: Some(policy.return_address.as_str()).filter(|a| !a.trim().is_empty()),
        }
    }
}

/// The milestone an event is, if the buyer hears about it, with what its sentence says.
fn milestone_of(event: &Event, case: &Case) -> Option<(Milestone, NoticeFacts)> {
    if event.actor == Actor::Buyer {
        return None;
    }
    let mut facts = NoticeFacts::default();
    let milestone = match &event.kind {
        EventKind::Approved { note, .. } => {
            facts.note = Some(note.clone()).filter(|n| !n.trim().is_empty());
            Milestone::Approved
        }
        EventKind::Rejected { note, .. } => {
            facts.note = Some(note.clone()).filter(|n| !n.trim().is_empty());
            Milestone::Rejected
        }
        EventKind::InfoRequested { question } => {
            facts.note = Some(question.clone());
            Milestone::InfoRequested
        }
        EventKind::OfferMade { note, .. } => {
            facts.note = Some(note.clone()).filter(|n| !n.trim().is_empty());
            Milestone::Offer
        }
        EventKind::Received { .. } | EventKind::ReturnDeemedReceived => Milestone::Received,
        EventKind::Refunded { breakdown } | EventKind::FastRefunded { breakdown } => {
            facts.amount = Some((breakdown.total, case.order.currency.clone()));
            Milestone::Refunded
        }
        EventKind::ItemShipped {
            shipment,
            carrier,
            tracking,
        } => {
            facts.tracking = Some((carrier.clone(), tracking.clone()));
            facts.shipment = Some(*shipment);
            Milestone::Shipped
        }
        EventKind::Closed { outcome } => {
            facts.outcome = Some(*outcome);
            Milestone::Closed
        }
        _ => return None,
    };
    Some((milestone, facts))
}

/// The buyer's language: the one they filed in, Chinese for cases filed before it was recorded.
#[must_use]
pub fn buyer_lang(case: &Case) -> Lang {
    case.request.lang.unwrap_or_default()
}

/// The case page's link, relative to the portal.
#[must_use]
pub fn case_link(case: &Case) -> String {
    let order: String = case
        .order
        .number
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("/case/{}?order={order}", case.id)
}

/// The latest milestone of the case's history, with its key and what its sentence says: what
/// an open case page shows as news when the key changes between two reads. The events of one
/// commit share their instant, so the milestone's commit is the run of events at its instant.
#[must_use]
pub fn latest(case: &Case, setting: &Setting<'_>) -> Option<(String, Milestone, NoticeFacts)> {
    let last = case
        .events
        .iter()
        .rposition(|e| milestone_of(e, case).is_some())?;
    let at = case.events.get(last)?.at;
    let from = case.events[..last]
        .iter()
        .rposition(|e| e.at != at)
        .map_or(0, |i| i + 1);
    let (index, milestone, facts) = pick(case, from, setting)?;
    Some((key(case, milestone, index), milestone, facts))
}

fn key(case: &Case, milestone: Milestone, index: usize) -> String {
    format!("{}.{}.{index}", case.id, milestone.code())
}

/// The notification for the events `case.events[from..]` (one commit, already applied to
/// `case`), if the buyer hears about any of them: at most one, the most significant.
#[must_use]
pub fn notification(case: &Case, from: usize, setting: &Setting<'_>) -> Option<Notification> {
    let (index, milestone, facts) = pick(case, from, setting)?;
    let at = case.events.get(index).map_or(case.filed_at, |e| e.at);
    Some(build(case, milestone, index, facts, at))
}

/// The most significant milestone among `case.events[from..]`, its index and its facts.
fn pick(
    case: &Case,
    from: usize,
    setting: &Setting<'_>,
) -> Option<(usize, Milestone, NoticeFacts)> {
    let (index, (milestone, mut facts)) = case
        .events
        .iter()
        .enumerate()
        .skip(from)
        .filter_map(|(i, e)| milestone_of(e, case).map(|m| (i, m)))
        // The heaviest; among equals the first, so the key does not depend on what follows.
        .fold(
            None,
            |best: Option<(usize, (Milestone, NoticeFacts))>, next| match &best {
                Some((_, (m, _))) if m.weight() >= next.1.0.weight() => best,
                _ => Some(next),
            },
        )?;
    facts.due = setting
        .buyer_due
        .map(|due| LocalDate::of(due, setting.utc_offset_minutes));
    if milestone == Milestone::Approved && matches!(case.state(), CaseState::AwaitingReturn { .. })
    {
        facts.return_address = setting.return_address.map(str::to_owned);
    }
    Some((index, milestone, facts))
}

fn build(
    case: &Case,
    milestone: Milestone,
    index: usize,
    facts: NoticeFacts,
    at: Timestamp,
) -> Notification {
    let lang = buyer_lang(case);
    let (title, body) = crate::i18n::notify::wording(milestone, &facts, lang);
    Notification {
        key: key(case, milestone, index),
        case_id: case.id.clone(),
        order: case.order.number.clone(),
        milestone,
        lang,
        title,
        body,
        link: case_link(case),
        at,
    }
}

/// The reminder that the buyer's deadline is near and will close the case, once it is within
/// `policy.notify_remind_hours` of `now`. Keyed by the deadline's due instant, so each step's
/// deadline is reminded once.
#[must_use]
pub fn closing_soon(case: &Case, policy: &Policy, now: Timestamp) -> Option<Notification> {
    let deadline = current_deadline(case, policy)?;
    let closes = matches!(
        deadline.on_expiry,
        ExpiryOutcome::CloseRejected
            | ExpiryOutcome::CloseInfoTimeout
            | ExpiryOutcome::CloseAbandoned
    );
    let near = deadline.due.0 - now.0 <= policy.notify_remind_hours.saturating_mul(MS_PER_HOUR);
    if deadline.waiting_for != Party::Buyer || deadline.paused || !closes || !near {
        return None;
    }
    if deadline.due <= now {
        return None;
    }
    let facts = NoticeFacts {
        due: Some(LocalDate::of(deadline.due, policy.utc_offset_minutes)),
        ..NoticeFacts::default()
    };
    let mut n = build(case, Milestone::ClosingSoon, 0, facts, now);
    n.key = format!(
        "{}.{}.{}",
        case.id,
        Milestone::ClosingSoon.code(),
        deadline.due.0
    );
    Some(n)
}

/// True when `at` is inside the shop's quiet hours (`notify_quiet_from` to `notify_quiet_until`,
/// local hours; equal hours mean no quiet hours; a span over midnight is the usual case).
#[must_use]
pub fn in_quiet_hours(at: Timestamp, policy: &Policy) -> bool {
    let minute = local_minute(at, policy.utc_offset_minutes);
    let (from, until) = (
        policy.notify_quiet_from * 60,
        policy.notify_quiet_until * 60,
    );
    match from.cmp(&until) {
        std::cmp::Ordering::Equal => false,
        std::cmp::Ordering::Less => from <= minute && minute < until,
        std::cmp::Ordering::Greater => minute >= from || minute < until,
    }
}

/// When a notification ready at `at` may be sent: `at` itself, or, inside the quiet hours, the
/// first minute after them (the morning in the shop's time zone).
#[must_use]
pub fn may_send_at(at: Timestamp, policy: &Policy) -> Timestamp {
    if !in_quiet_hours(at, policy) {
        return at;
    }
    let offset = policy.utc_offset_minutes;
    let day_start = Timestamp(
        at.0.saturating_add(offset * MS_PER_MINUTE)
            .div_euclid(MS_PER_DAY)
            .saturating_mul(MS_PER_DAY)
            .saturating_sub(offset * MS_PER_MINUTE),
    );
    let until_today = day_start.plus_ms(policy.notify_quiet_until * MS_PER_HOUR);
    if until_today > at {
        until_today
    } else {
        until_today.plus_ms(MS_PER_DAY)
    }
}

fn local_minute(at: Timestamp, utc_offset_minutes: i64) -> i64 {
    at.0.saturating_add(utc_offset_minutes * MS_PER_MINUTE)
        .rem_euclid(MS_PER_DAY)
        / MS_PER_MINUTE
}

/// A message to the shop's owners: a clock that is the owner's to answer (a complaint about the
/// service) passed with no answer. DOMAIN.md "Time limits": "overdue; the owner is told". Written
/// in both languages, because the worker does not know which one each owner reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerAlert {
    /// `<case>.owner_alert.<event index>`: one alert for each time a clock passes.
    pub key: String,
    /// The case.
    pub case_id: String,
    /// The order.
    pub order: String,
    /// One line (an e-mail subject).
    pub title: String,
    /// What happened and what to do, in Chinese and then in English.
    pub body: String,
    /// The case in the admin (`/admin/case/<id>`).
    pub link: String,
    /// When the clock's passing was recorded.
    pub at: Timestamp,
}

/// The owners' alert for one commit (`case.events[from..]`, already applied), if it has one: the
/// commit recorded that an overdue clock passed, and that clock waits for the owner.
#[must_use]
pub fn owner_alert(case: &Case, from: usize, policy: &Policy) -> Option<OwnerAlert> {
    let (index, event) = case.events.iter().enumerate().skip(from).find(|(_, e)| {
        matches!(
            e.kind,
            EventKind::DeadlineExpired {
                outcome: ExpiryOutcome::Overdue,
                ..
            }
        )
    })?;
    let deadline = current_deadline(case, policy)?;
    if deadline.waiting_for != (Party::Shop { role: Role::Owner }) {
        return None;
    }
    let (zh, en) = (
        crate::i18n::labels::kind(case.request.kind, Lang::ZhCn),
        crate::i18n::labels::kind(case.request.kind, Lang::En),
    );
    let (id, order) = (&case.id, &case.order.number);
    Some(OwnerAlert {
        key: format!("{id}.owner_alert.{index}"),
        case_id: id.clone(),
        order: order.clone(),
        title: format!("{zh}超时未答复 · {en} overdue: {id}"),
        body: format!(
            "买家的{zh}（订单 {order}）已过答复时限，尚无人答复。请先致歉，再给出解决办法。\n\
             The buyer's {en} (order {order}) passed its answer time with no answer. Apologise \
             first, then offer a fix."
        ),
        link: format!("/admin/case/{id}"),
        at: event.at,
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::domain::{
        CaseKind, Command, Inspection, Money, Reason, RejectReason, Role, Solution,
    };
    use crate::policy::fixtures::{Run, agent, cst, line, order, request, staff};

    fn passed() -> Inspection {
        Inspection {
            passed: true,
            note: String::new(),
            deduction: Money::ZERO,
        }
    }

    fn policy() -> Policy {
        Policy {
            return_address: "上海市浦东新区 1 号 售后部".into(),
            ..Policy::default()
        }
    }

    fn filed(lang: Option<Lang>) -> Run {
        let order = order(vec![line("SHIRT", "clothing", 19_900, 1)]);
        let mut req = request(
            CaseKind::ReturnAndRefund,
            Reason::ChangedMind,
            &[("SHIRT", 1)],
        );
        req.lang = lang;
        let at = cst(2024, 11, 3, 10, 0);
        let mut run = match Run::file(&order, req, at) {
            Ok(r) => r,
            Err(e) => panic!("filing refused: {e:?}"),
        };
        run.policy = policy();
        run
    }

    /// Runs `command` as `actor` and returns the commit's notification.
    fn step(run: &mut Run, actor: &Actor, command: Command) -> Option<Notification> {
        let from = run.case.events.len();
        run.ok(actor, command);
        notification(&run.case, from, &Setting::of(&run.case, &run.policy))
    }

    #[test]
    fn a_return_is_notified_once_per_milestone_in_the_buyers_language() {
        let mut run = filed(Some(Lang::En));
        let approved = step(
            &mut run,
            &agent(),
            Command::Approve {
                solution: Solution::ReturnAndRefund,
                note: String::new(),
            },
        );
        let approved = approved.expect("approval notified");
        assert_eq!(approved.milestone, Milestone::Approved);
        assert_eq!(approved.key, "case-1.approved.1");
        assert_eq!(approved.lang, Lang::En);
        assert_eq!(approved.link, "/case/case-1?order=SO-1001");
        assert!(
            approved.body.contains("上海市浦东新区"),
            "{}",
            approved.body
        );
        // Approved on 3 Nov: 7 days to ship, to the end of 10 Nov.
        assert!(
            approved.title.contains("send it by 10 Nov"),
            "{}",
            approved.title
        );

        let shipped = step(
            &mut run,
            &Actor::Buyer,
            Command::EnterReturnTracking {
                carrier: "SF".into(),
                tracking: "SF1".into(),
                postage: None,
            },
        );
        assert_eq!(shipped, None, "the buyer's own step is not notified");

        run.at(cst(2024, 11, 6, 10, 0));
        let received = step(
            &mut run,
            &staff(Role::Warehouse),
            Command::Receive {
                inspection: passed(),
            },
        )
        .expect("refund notified");
        // A passed inspection refunds and closes in the same commit: one notification, the
        // money's.
        assert_eq!(received.milestone, Milestone::Refunded);
        assert!(received.body.contains("199.00"), "{}", received.body);
        assert!(run.case.state().is_closed());
    }

    #[test]
    fn the_latest_milestone_has_the_key_its_notification_had() {
        let mut run = filed(Some(Lang::En));
        assert_eq!(latest(&run.case, &Setting::default()), None);
        let approved = step(
            &mut run,
            &agent(),
            Command::Approve {
                solution: Solution::ReturnAndRefund,
                note: String::new(),
            },
        )
        .expect("approval notified");
        run.at(cst(2024, 11, 4, 10, 0));
        run.ok(
            &Actor::Buyer,
            Command::Message {
                text: "thanks".into(),
            },
        );
        let setting = Setting::of(&run.case, &run.policy);
        let now = latest(&run.case, &setting).map(|(k, m, _)| (k, m));
        assert_eq!(now, Some((approved.key, Milestone::Approved)));
    }

    #[test]
    fn chinese_is_the_default_and_an_info_request_carries_the_question() {
        let mut run = filed(None);
        let n = step(
            &mut run,
            &agent(),
            Command::RequestInfo {
                question: "请拍一张吊牌的照片".into(),
            },
        )
        .expect("info request notified");
        assert_eq!(n.lang, Lang::ZhCn);
        assert_eq!(n.milestone, Milestone::InfoRequested);
        assert!(n.body.contains("吊牌"), "{}", n.body);
        assert!(n.title.contains("补充"), "{}", n.title);
    }

    #[test]
    fn a_withdrawal_by_the_buyer_is_not_notified() {
        let mut run = filed(Some(Lang::En));
        assert_eq!(step(&mut run, &Actor::Buyer, Command::Cancel), None);
        assert!(run.case.state().is_closed());
    }

    #[test]
    fn closing_soon_is_reminded_within_the_window_once_per_deadline() {
        let mut run = filed(Some(Lang::En));
        run.ok(
            &agent(),
            Command::Approve {
                solution: Solution::ReturnAndRefund,
                note: String::new(),
            },
        );
        // Due at the end of 10 Nov (local); the default reminder is 24 hours before.
        assert_eq!(
            closing_soon(&run.case, &run.policy, cst(2024, 11, 9, 12, 0)),
            None
        );
        let n = closing_soon(&run.case, &run.policy, cst(2024, 11, 10, 9, 0)).expect("reminder");
        let again = closing_soon(&run.case, &run.policy, cst(2024, 11, 10, 20, 0));
        assert_eq!(again.map(|a| a.key), Some(n.key.clone()));
        assert_eq!(n.milestone, Milestone::ClosingSoon);
        assert!(n.title.contains("10 Nov"), "{}", n.title);
        assert_eq!(
            closing_soon(&run.case, &run.policy, cst(2024, 11, 11, 1, 0)),
            None
        );
    }

    #[test]
    fn quiet_hours_hold_a_night_notification_until_the_morning() {
        let p = Policy::default(); // 22 → 8, UTC+8
        assert_eq!(
            may_send_at(cst(2024, 11, 3, 21, 59), &p),
            cst(2024, 11, 3, 21, 59)
        );
        assert_eq!(
            may_send_at(cst(2024, 11, 3, 22, 0), &p),
            cst(2024, 11, 4, 8, 0)
        );
        assert_eq!(
            may_send_at(cst(2024, 11, 4, 3, 17), &p),
            cst(2024, 11, 4, 8, 0)
        );
        assert_eq!(
            may_send_at(cst(2024, 11, 4, 8, 0), &p),
            cst(2024, 11, 4, 8, 0)
        );
        let none = Policy {
            notify_quiet_from: 8,
            notify_quiet_until: 8,
            ..Policy::default()
        };
        assert_eq!(
            may_send_at(cst(2024, 11, 4, 3, 0), &none),
            cst(2024, 11, 4, 3, 0)
        );
        let siesta = Policy {
            notify_quiet_from: 12,
            notify_quiet_until: 14,
            ..Policy::default()
        };
        assert_eq!(
            may_send_at(cst(2024, 11, 4, 13, 0), &siesta),
            cst(2024, 11, 4, 14, 0)
        );
        assert_eq!(
            may_send_at(cst(2024, 11, 4, 23, 0), &siesta),
            cst(2024, 11, 4, 23, 0)
        );
    }

    #[test]
    fn quiet_hours_and_the_reminder_are_validated_like_every_setting() {
        let bad = Policy {
            notify_quiet_from: 24,
            notify_quiet_until: -1,
            notify_remind_hours: 0,
            ..Policy::default()
        };
        let fields: Vec<String> = bad
            .validate()
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "notify_quiet_from",
                "notify_quiet_until",
                "notify_remind_hours"
            ]
        );
        assert_eq!(Policy::default().validate(), Ok(()));
        let defaults = Policy::default();
        assert_eq!(
            (
                defaults.notify_quiet_from,
                defaults.notify_quiet_until,
                defaults.notify_remind_hours
            ),
            (22, 8, 24)
        );
    }

    proptest! {
        #[test]
        fn nothing_is_sent_inside_quiet_hours_and_a_held_one_goes_at_the_first_allowed_minute(
            at in 1_600_000_000_000i64..1_900_000_000_000,
            from in 0i64..24,
            until in 0i64..24,
            offset in -840i64..=840,
        ) {
            let p = Policy {
                notify_quiet_from: from,
                notify_quiet_until: until,
                utc_offset_minutes: offset,
                ..Policy::default()
            };
            let at = Timestamp(at);
            let send = may_send_at(at, &p);
            prop_assert!(send >= at);
            prop_assert!(!in_quiet_hours(send, &p));
            if send > at {
                // The minute before is still quiet, and the hold is less than a day.
                prop_assert!(in_quiet_hours(send.plus_ms(-MS_PER_MINUTE), &p));
                prop_assert!(send.0 - at.0 <= MS_PER_DAY);
                prop_assert_eq!(local_minute(send, offset), until * 60);
            }
        }

        #[test]
        fn no_two_notifications_of_a_history_share_a_key(
            steps in proptest::collection::vec(0u8..6, 1..8),
        ) {
            let mut run = filed(Some(Lang::En));
            let mut keys = std::collections::HashSet::new();
            let mut at = cst(2024, 11, 3, 11, 0);
            for s in steps {
                at = at.plus_ms(3 * MS_PER_HOUR);
                run.at(at);
                let (actor, command) = match s {
                    0 => (agent(), Command::Approve { solution: Solution::ReturnAndRefund, note: String::new() }),
                    1 => (agent(), Command::RequestInfo { question: "?".into() }),
                    2 => (Actor::Buyer, Command::AnswerInfo { note: "ok".into(), photos: Vec::new() }),
                    3 => (Actor::Buyer, Command::EnterReturnTracking { carrier: "SF".into(), tracking: "SF9".into(), postage: None }),
                    4 => (staff(Role::Warehouse), Command::Receive { inspection: passed() }),
                    _ => (agent(), Command::Reject { reason_code: RejectReason::Other, note: "no".into() }),
                };
                let from = run.case.events.len();
                if run.act(&actor, command).is_err() {
                    continue;
                }
                // Every commit so far, replayed, gives back the keys already seen.
                let n = notification(&run.case, from, &Setting::of(&run.case, &run.policy));
                if let Some(n) = n {
                    prop_assert!(keys.insert(n.key.clone()), "{} twice", n.key);
                    let replay = notification(&run.case, from, &Setting::of(&run.case, &run.policy));
                    prop_assert_eq!(replay.map(|r| r.key), Some(n.key));
                }
            }
        }
    }
}
