//! The outbox: what the warehouse records while the phone has no connection, kept on the device
//! and sent once it has one again.
//!
//! Only facts about parcels wait here: a waybill scanned on the receive screen, "the return
//! arrived", and a failed inspection (its note and proposed deduction go to a person who decides
//! online). Nothing that moves money waits: approving, refunding, offers, and a *passed*
//! inspection (the server then releases the refund) need the network, and their buttons say so
//! when it is missing ([`may_wait`], [`works_offline`]).
//!
//! A retry never applies twice: every command names the version of the case it was recorded on
//! (`If-Match`), so a second delivery of one already applied is refused as stale (409); the
//! answer carries the case as it is now, and when that case already shows what the item
//! recorded ([`Facts`]) the item counts as sent. A scan names no version: it is looked up when
//! sent and applied to the case as it is then ("arrived" twice changes nothing). Items are sent
//! one at a time in the order recorded, so two items on one case go in order, the second on the
//! version the first one's answer gave ([`Outbox::update`] on `Answered`). A refused item stays
//! visible with the server's sentence until dismissed.
//!
//! When: at start, on the browser's `online` event, and on a timer (the view); no Background
//! Sync, which Safari lacks.

use serde::{Deserialize, Serialize};
use shared::api::{CaseSummary, CaseView};
use shared::domain::{ActionKind, Command, EventKind, Inspection, StateName};

use crate::admin::model::receive::normalize;
use crate::core::Page;

/// What an item records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Work {
    /// A waybill scanned or typed on the receive screen: its case says the return arrived.
    Scan {
        /// The number, normalized.
        waybill: String,
    },
    /// "The return arrived", from the case page.
    Arrived {
        /// Case id.
        case: String,
        /// The version it was recorded on.
        version: u32,
    },
    /// A failed inspection (a person decides what follows).
    Inspected {
        /// Case id.
        case: String,
        /// The version it was recorded on.
        version: u32,
        /// What was found.
        inspection: Inspection,
    },
}

impl Work {
    /// The case it is about, once known.
    #[must_use]
    pub fn case(&self) -> Option<&str> {
        match self {
            Self::Scan { .. } => None,
            Self::Arrived { case, .. } | Self::Inspected { case, .. } => Some(case),
        }
    }

    /// The command it sends, with the version to name.
    #[must_use]
    pub fn command(&self) -> Option<(String, Command, u32)> {
        match self {
            Self::Scan { .. } => None,
            Self::Arrived { case, version } => {
                Some((case.clone(), Command::ReturnArrived, *version))
            }
            Self::Inspected {
                case,
                version,
                inspection,
            } => Some((
                case.clone(),
                Command::Receive {
                    inspection: inspection.clone(),
                },
                *version,
            )),
        }
    }

    fn version_mut(&mut self) -> Option<&mut u32> {
        match self {
            Self::Scan { .. } => None,
            Self::Arrived { version, .. } | Self::Inspected { version, .. } => Some(version),
        }
    }

    /// Whether a case already shows what this item records (an earlier delivery applied it, or
    /// someone else recorded the same fact).
    #[must_use]
    pub fn met_by(&self, facts: &Facts) -> bool {
        match self {
            Self::Scan { .. } | Self::Arrived { .. } => facts.arrived,
            Self::Inspected { inspection, .. } => facts.inspections.contains(inspection),
        }
    }
}

/// A command that may wait in the outbox (recorded offline, sent later): facts about parcels
/// that move no money.
#[must_use]
pub fn may_wait(command: &Command) -> bool {
    match command {
        Command::ReturnArrived => true,
        Command::Receive { inspection } => !inspection.passed,
        _ => false,
    }
}

/// An action of the case bar that can be used without a connection (its sheet then records
/// into the outbox what [`may_wait`] admits).
#[must_use]
pub const fn works_offline(action: ActionKind) -> bool {
    matches!(action, ActionKind::ReturnArrived | ActionKind::Receive)
}

/// What a case shows about its parcel: enough to tell an item already applied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// The return is recorded as arrived (or inspected, which implies it).
    pub arrived: bool,
    /// The inspections recorded.
    pub inspections: Vec<Inspection>,
}

impl Facts {
    /// The facts of a case as the server answered it.
    #[must_use]
    pub fn of(view: &CaseView) -> Self {
        let mut facts = Self::default();
        for e in &view.case.events {
            match &e.kind {
                EventKind::ReturnArrived | EventKind::ReturnDeemedReceived => facts.arrived = true,
                EventKind::Received { inspection } => {
                    facts.arrived = true;
                    facts.inspections.push(inspection.clone());
                }
                _ => {}
            }
        }
        facts
    }
}

/// Where an item is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Status {
    /// Not sent yet (or the last try found no connection).
    Waiting,
    /// Out now.
    Sending,
    /// Applied (or found already applied).
    Sent,
    /// The server refused it: its sentence.
    Refused {
        /// Why, in the staff member's language.
        reason: String,
    },
}

/// One recorded thing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Unique on this device (names it in messages and in storage).
    pub key: String,
    /// What.
    pub work: Work,
    /// When it was recorded (ms since the epoch, the device's clock).
    pub at: i64,
    /// Where it is.
    pub status: Status,
    /// Deliveries tried without an answer.
    pub tries: u32,
}

/// How a delivery went, as the view read the server's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Applied: the case's new version.
    Applied {
        /// Version after.
        version: u32,
    },
    /// No answer (no connection, or the server is away).
    Unreachable,
    /// The session expired: sign in, then it goes.
    SignedOut,
    /// Refused: the sentence, and the case as it is now when the answer carried it (stale).
    Refused {
        /// Why.
        reason: String,
        /// The case's facts now.
        now: Option<Facts>,
    },
}

/// The outbox.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outbox {
    /// Every item, oldest first.
    pub items: Vec<Item>,
    /// A delivery run is going on.
    pub running: bool,
}

/// What happens to the outbox.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// The items kept on this device (at start).
    Restored(Vec<Item>),
    /// Something was recorded offline.
    Record {
        /// A fresh unique key.
        key: String,
        /// What.
        work: Work,
        /// Now (ms).
        at: i64,
    },
    /// Send what waits (start, `online`, timer, a tap).
    Flush,
    /// A scan's lookup answered: the cases with that waybill, or no answer.
    Found {
        /// Item.
        key: String,
        /// Cases found; `None` when unreachable.
        cases: Option<Vec<CaseSummary>>,
        /// The sentence for "no such waybill" / "several cases", in the staff's language.
        unknown: String,
    },
    /// A command answered.
    Answered {
        /// Item.
        key: String,
        /// How it went.
        outcome: Outcome,
    },
    /// Remove a refused or sent item from the list.
    Dismiss(String),
}

/// What the outbox asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Keep these items on the device (what is not sent yet, and refusals).
    Save(Vec<Item>),
    /// `GET /api/staff/search?q=` for a scan.
    Search {
        /// Item.
        key: String,
        /// Waybill.
        waybill: String,
    },
    /// `POST /api/staff/cases/{id}/commands` with `If-Match: version`.
    Send {
        /// Item.
        key: String,
        /// Case.
        case: String,
        /// What.
        command: Command,
        /// On which version.
        version: u32,
    },
    /// The session expired.
    SignedOut,
}

impl Outbox {
    /// Items not delivered yet (the count shown).
    #[must_use]
    pub fn pending(&self) -> usize {
        self.items
            .iter()
            .filter(|i| matches!(i.status, Status::Waiting | Status::Sending))
            .count()
    }

    fn save(&self) -> Effect {
        Effect::Save(
            self.items
                .iter()
                .filter(|i| i.status != Status::Sent)
                .cloned()
                .map(|mut i| {
                    // One out when the page closed may or may not have arrived: the version it
                    // names makes sending it again safe.
                    if i.status == Status::Sending {
                        i.status = Status::Waiting;
                    }
                    i
                })
                .collect(),
        )
    }

    /// The next delivery, if none is out: the oldest waiting item.
    fn next(&mut self) -> Vec<Effect> {
        if self.running {
            return Vec::new();
        }
        let Some(item) = self.items.iter_mut().find(|i| i.status == Status::Waiting) else {
            return Vec::new();
        };
        item.status = Status::Sending;
        self.running = true;
        let key = item.key.clone();
        vec![match &item.work {
            Work::Scan { waybill } => Effect::Search {
                key,
                waybill: waybill.clone(),
            },
            work => match work.command() {
                Some((case, command, version)) => Effect::Send {
                    key,
                    case,
                    command,
                    version,
                },
                None => return Vec::new(),
            },
        }]
    }

    fn item(&mut self, key: &str) -> Option<&mut Item> {
        self.items.iter_mut().find(|i| i.key == key)
    }

    /// The item goes back to waiting: the run stops until the next flush.
    fn unreachable(&mut self, key: &str) -> Vec<Effect> {
        self.running = false;
        if let Some(item) = self.item(key) {
            item.status = Status::Waiting;
            item.tries += 1;
        }
        Vec::new()
    }

    fn settle(&mut self, key: &str, status: Status) -> Vec<Effect> {
        self.running = false;
        if let Some(item) = self.item(key) {
            item.status = status;
        }
        let mut effects = vec![self.save()];
        effects.extend(self.next());
        effects
    }
}

impl Page for Outbox {
    type Msg = Msg;
    type Effect = Effect;

    fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Restored(items) => {
                for mut item in items {
                    if self.items.iter().any(|i| i.key == item.key) {
                        continue;
                    }
                    if item.status == Status::Sending {
                        item.status = Status::Waiting;
                    }
                    self.items.push(item);
                }
                // Sent on the next flush: at start there is no session token yet.
                Vec::new()
            }
            Msg::Record { key, mut work, at } => {
                if let Work::Scan { waybill } = &mut work {
                    // The same parcel scanned twice is one thing to send.
                    *waybill = normalize(waybill);
                    let waybill = waybill.clone();
                    if waybill.is_empty()
                        || self.items.iter().any(|i| {
                            i.status != Status::Sent
                                && matches!(&i.work, Work::Scan { waybill: w } if *w == waybill)
                        })
                    {
                        return Vec::new();
                    }
                }
                self.items.push(Item {
                    key,
                    work,
                    at,
                    status: Status::Waiting,
                    tries: 0,
                });
                vec![self.save()]
            }
            Msg::Flush => self.next(),
            Msg::Found {
                key,
                cases,
                unknown,
            } => {
                let Some(cases) = cases else {
                    return self.unreachable(&key);
                };
                let arriving: Vec<&CaseSummary> = cases
                    .iter()
                    .filter(|c| c.state == StateName::ReturnInTransit)
                    .collect();
                match (arriving.as_slice(), cases.as_slice()) {
                    ([one], _) => {
                        let (case, version) = (one.id.clone(), one.version);
                        if let Some(item) = self.item(&key) {
                            item.work = Work::Arrived {
                                case: case.clone(),
                                version,
                            };
                        }
                        vec![
                            self.save(),
                            Effect::Send {
                                key,
                                case,
                                command: Command::ReturnArrived,
                                version,
                            },
                        ]
                    }
                    // Its case is past the transit step: the parcel is recorded already.
                    ([], [_]) => self.settle(&key, Status::Sent),
                    _ => self.settle(&key, Status::Refused { reason: unknown }),
                }
            }
            Msg::Answered { key, outcome } => match outcome {
                Outcome::Applied { version } => {
                    // Later items on the same case were recorded on the version this one was:
                    // they follow it, so they now name the version it produced.
                    let recorded = self.item(&key).and_then(|i| {
                        let case = i.work.case()?.to_string();
                        let v = i.work.command()?.2;
                        Some((case, v))
                    });
                    if let Some((case, before)) = recorded {
                        for later in self.items.iter_mut().filter(|i| {
                            i.key != key
                                && i.status == Status::Waiting
                                && i.work.case() == Some(case.as_str())
                        }) {
                            if let Some(v) = later.work.version_mut().filter(|v| **v == before) {
                                *v = version;
                            }
                        }
                    }
                    self.settle(&key, Status::Sent)
                }
                Outcome::Unreachable => self.unreachable(&key),
                Outcome::SignedOut => {
                    let mut effects = self.unreachable(&key);
                    effects.push(Effect::SignedOut);
                    effects
                }
                Outcome::Refused { reason, now } => {
                    let met = self
                        .item(&key)
                        .zip(now.as_ref())
                        .is_some_and(|(i, facts)| i.work.met_by(facts));
                    let status = if met {
                        Status::Sent
                    } else {
                        Status::Refused { reason }
                    };
                    self.settle(&key, status)
                }
            },
            Msg::Dismiss(key) => {
                let before = self.items.len();
                self.items.retain(|i| {
                    i.key != key || matches!(i.status, Status::Waiting | Status::Sending)
                });
                if self.items.len() == before {
                    return Vec::new();
                }
                vec![self.save()]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::domain::Money;

    fn arrived(case: &str, version: u32) -> Work {
        Work::Arrived {
            case: case.into(),
            version,
        }
    }

    fn failed_inspection(case: &str, version: u32) -> Work {
        Work::Inspected {
            case: case.into(),
            version,
            inspection: Inspection {
                passed: false,
                note: "scratched".into(),
                deduction: Money(500),
            },
        }
    }

    fn record(o: &mut Outbox, key: &str, work: Work) -> Vec<Effect> {
        o.update(Msg::Record {
            key: key.into(),
            work,
            at: 1,
        })
    }

    fn sends(effects: &[Effect]) -> Vec<(String, u32)> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Send { key, version, .. } => Some((key.clone(), *version)),
                _ => None,
            })
            .collect()
    }

    fn saved(effects: &[Effect]) -> Option<&Vec<Item>> {
        effects.iter().find_map(|e| match e {
            Effect::Save(items) => Some(items),
            _ => None,
        })
    }

    #[test]
    fn only_facts_that_move_no_money_may_wait() {
        assert!(may_wait(&Command::ReturnArrived));
        let inspection = |passed| Command::Receive {
            inspection: Inspection {
                passed,
                note: String::new(),
                deduction: Money(0),
            },
        };
        assert!(may_wait(&inspection(false)));
        assert!(!may_wait(&inspection(true)), "a pass releases the refund");
        assert!(!may_wait(&Command::Approve {
            solution: shared::domain::Solution::RefundOnly { amount: None },
            note: String::new()
        }));
        assert!(works_offline(ActionKind::ReturnArrived));
        assert!(!works_offline(ActionKind::Approve));
        assert!(!works_offline(ActionKind::Offer));
    }

    #[test]
    fn a_recorded_item_is_kept_and_sent_on_the_next_flush_with_its_version() {
        let mut o = Outbox::default();
        let effects = record(&mut o, "a", arrived("AS-1", 4));
        assert_eq!(saved(&effects).map(Vec::len), Some(1), "kept on the device");
        assert_eq!(o.pending(), 1);
        let effects = o.update(Msg::Flush);
        assert_eq!(sends(&effects), vec![("a".into(), 4)]);
        assert!(o.update(Msg::Flush).is_empty(), "one delivery at a time");
        let effects = o.update(Msg::Answered {
            key: "a".into(),
            outcome: Outcome::Applied { version: 5 },
        });
        assert_eq!(o.items[0].status, Status::Sent);
        assert_eq!(o.pending(), 0);
        assert_eq!(
            saved(&effects).map(Vec::len),
            Some(0),
            "sent items leave storage"
        );
    }

    #[test]
    fn no_connection_keeps_the_item_waiting_for_the_next_try() {
        let mut o = Outbox::default();
        record(&mut o, "a", arrived("AS-1", 4));
        o.update(Msg::Flush);
        let effects = o.update(Msg::Answered {
            key: "a".into(),
            outcome: Outcome::Unreachable,
        });
        assert!(
            effects.is_empty(),
            "the run stops until the connection returns"
        );
        assert_eq!(o.items[0].status, Status::Waiting);
        assert_eq!(o.items[0].tries, 1);
        assert_eq!(sends(&o.update(Msg::Flush)), vec![("a".into(), 4)]);
    }

    #[test]
    fn a_retry_of_an_item_already_applied_counts_as_sent_not_refused() {
        let mut o = Outbox::default();
        record(&mut o, "a", failed_inspection("AS-1", 4));
        o.update(Msg::Flush);
        // The first delivery applied, its answer was lost; the retry is stale (409) and the
        // case as it is now shows the same inspection.
        let Work::Inspected { inspection, .. } = failed_inspection("AS-1", 4) else {
            return;
        };
        o.update(Msg::Answered {
            key: "a".into(),
            outcome: Outcome::Refused {
                reason: "changed".into(),
                now: Some(Facts {
                    arrived: true,
                    inspections: vec![inspection],
                }),
            },
        });
        assert_eq!(o.items[0].status, Status::Sent);
    }

    #[test]
    fn a_refused_item_stays_visible_with_the_reason_until_dismissed() {
        let mut o = Outbox::default();
        record(&mut o, "a", failed_inspection("AS-1", 4));
        record(&mut o, "b", arrived("AS-2", 7));
        o.update(Msg::Flush);
        let effects = o.update(Msg::Answered {
            key: "a".into(),
            outcome: Outcome::Refused {
                reason: "The buyer cancelled.".into(),
                now: Some(Facts::default()),
            },
        });
        assert_eq!(
            o.items[0].status,
            Status::Refused {
                reason: "The buyer cancelled.".into()
            }
        );
        assert_eq!(
            saved(&effects).map(Vec::len),
            Some(2),
            "the refusal is kept"
        );
        assert_eq!(sends(&effects), vec![("b".into(), 7)], "the next one goes");
        assert!(
            o.update(Msg::Dismiss("b".into())).is_empty(),
            "out now: stays"
        );
        o.update(Msg::Dismiss("a".into()));
        assert_eq!(o.items.len(), 1);
    }

    #[test]
    fn two_items_on_one_case_go_in_order_the_second_on_the_first_ones_version() {
        let mut o = Outbox::default();
        record(&mut o, "a", arrived("AS-1", 4));
        record(&mut o, "b", failed_inspection("AS-1", 4));
        record(&mut o, "c", arrived("AS-2", 4));
        assert_eq!(sends(&o.update(Msg::Flush)), vec![("a".into(), 4)]);
        let effects = o.update(Msg::Answered {
            key: "a".into(),
            outcome: Outcome::Applied { version: 5 },
        });
        assert_eq!(sends(&effects), vec![("b".into(), 5)]);
        let effects = o.update(Msg::Answered {
            key: "b".into(),
            outcome: Outcome::Applied { version: 6 },
        });
        assert_eq!(
            sends(&effects),
            vec![("c".into(), 4)],
            "another case keeps its own"
        );
    }

    #[test]
    fn a_scan_is_looked_up_then_marks_its_return_arrived() {
        let mut o = Outbox::default();
        record(
            &mut o,
            "s",
            Work::Scan {
                waybill: "sf 12-34".into(),
            },
        );
        assert!(
            record(
                &mut o,
                "t",
                Work::Scan {
                    waybill: "SF1234".into()
                }
            )
            .is_empty(),
            "the same parcel twice is one item"
        );
        let effects = o.update(Msg::Flush);
        assert_eq!(
            effects,
            vec![Effect::Search {
                key: "s".into(),
                waybill: "SF1234".into()
            }]
        );
        let mut hit = crate::admin::model::queue::tests::summary(
            "AS-9",
            shared::domain::CaseKind::ReturnAndRefund,
            100,
            false,
        );
        hit.state = StateName::ReturnInTransit;
        hit.version = 8;
        let effects = o.update(Msg::Found {
            key: "s".into(),
            cases: Some(vec![hit]),
            unknown: "unknown".into(),
        });
        assert_eq!(sends(&effects), vec![("s".into(), 8)]);
        assert_eq!(o.items[0].work, arrived("AS-9", 8));
    }

    #[test]
    fn an_unknown_waybill_is_refused_with_the_sentence() {
        let mut o = Outbox::default();
        record(
            &mut o,
            "s",
            Work::Scan {
                waybill: "X1".into(),
            },
        );
        o.update(Msg::Flush);
        o.update(Msg::Found {
            key: "s".into(),
            cases: Some(Vec::new()),
            unknown: "No case has the waybill X1.".into(),
        });
        assert_eq!(
            o.items[0].status,
            Status::Refused {
                reason: "No case has the waybill X1.".into()
            }
        );
    }

    #[test]
    fn items_out_when_the_page_closed_are_sent_again_after_a_reload() {
        let mut o = Outbox::default();
        record(&mut o, "a", arrived("AS-1", 4));
        o.update(Msg::Flush);
        let Effect::Save(kept) = o.save() else { return };
        assert_eq!(kept[0].status, Status::Waiting);
        let mut reloaded = Outbox::default();
        assert!(reloaded.update(Msg::Restored(kept)).is_empty());
        assert_eq!(reloaded.pending(), 1);
        assert_eq!(sends(&reloaded.update(Msg::Flush)), vec![("a".into(), 4)]);
    }
}
