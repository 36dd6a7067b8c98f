//! The seller admin's queue read from its indexes (`store::QueueIndex`): a page of open cases
//! in priority order (priority class, then nearest deadline), filtered by kind, state, assignee
//! and overdue, full of matches whatever the share of matches among the open cases.
//!
//! Each single filter has an index of its own, so its page is one list of that index's prefix
//! (two when KV answers a list short). Overdue is a range of the same key order: within one
//! priority class the entries sort by deadline, so the class's overdue cases open its prefix and
//! end at the first entry not yet due; an overdue page walks the classes, most urgent first, one
//! list each (at most one per class, [`CLASSES`]).

use std::collections::HashSet;

use shared::api::{ApiErrorCode, CaseSummary, QueuePage};
use shared::domain::{CaseKind, StateName, Timestamp};
use shared::policy::PriorityClass;

use crate::error::AppResult;
use crate::store::{QueueIndex, Store};

/// A priority class as the index keys spell it (`PriorityClass as u8`, `summarize`).
const fn class_digit(class: PriorityClass) -> u8 {
    // Exhaustive on purpose: a new class must be counted in `CLASSES`.
    match class {
        PriorityClass::Dispute => 0,
        PriorityClass::Fault => 1,
        PriorityClass::Normal => 2,
        PriorityClass::Logistics => 3,
    }
}

/// How many priority classes an overdue page walks.
pub const CLASSES: u8 = class_digit(PriorityClass::Logistics) + 1;

/// At most this many lists make one page. A page from an exact index needs one (or one per class
/// for overdue); a page filtered within an index reads up to this many chunks of it before it
/// answers short with a cursor to continue.
const MAX_LISTS: usize = 10;

/// Entries per list when filtering within an index: KV's largest list, since a list costs one
/// operation whatever its length.
const WITHIN_CHUNK: usize = 1000;

/// What a queue page is filtered by (`GET /api/staff/queue` parameters).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    /// One kind.
    pub kind: Option<CaseKind>,
    /// One state.
    pub state: Option<StateName>,
    /// One assignee: `Some(None)` for the cases no staff member acted on yet.
    pub assignee: Option<Option<String>>,
    /// Past their deadline only.
    pub overdue: bool,
}

impl QueueFilter {
    /// The index that answers this filter, and whether every entry of it matches (`true`) or the
    /// remaining filters are checked within it (`false`).
    ///
    /// A single filter has its own index. Two or three are answered from the most selective of
    /// theirs, filtering the others within it: an index per combination would multiply the
    /// writes of every commit (seven indexes instead of three) for pages that are rarely asked
    /// for, and KV keeps no counts to pick by (a counter is a read-modify-write, which KV cannot
    /// do safely), so the choice goes by the filters' usual share of the open cases: one staff
    /// member's cases are a handful, a state holds a tenth or so, a kind a fifth. Within the
    /// chosen index the page keeps listing (1,000 entries a list) until it is full.
    pub fn index(&self) -> (QueueIndex, bool) {
        match (&self.assignee, self.state, self.kind) {
            (Some(a), state, kind) => (
                QueueIndex::Assignee(a.clone()),
                state.is_none() && kind.is_none(),
            ),
            (None, Some(state), kind) => (QueueIndex::State(state), kind.is_none()),
            (None, None, Some(kind)) => (QueueIndex::Kind(kind), true),
            (None, None, None) => (QueueIndex::All, true),
        }
    }

    /// True if the case passes every filter but overdue (the walk's bounds decide that one).
    pub fn keeps(&self, s: &CaseSummary) -> bool {
        self.kind.is_none_or(|k| s.kind == k)
            && self.state.is_none_or(|st| s.state == st)
            && self
                .assignee
                .as_ref()
                .is_none_or(|a| s.assignee.as_deref() == a.as_deref())
    }
}

/// Where a listing continues: the priority class (overdue pages walk them), the KV cursor of the
/// chunk to list next and how many of its entries earlier pages already took. Written as
/// `{class}.{skip}.{kv cursor}`; opaque to clients.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cursor {
    class: u8,
    skip: usize,
    kv: Option<String>,
}

impl Cursor {
    /// Reads a cursor a page answered; `None` if it is not one.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.splitn(3, '.');
        let class: u8 = parts.next()?.parse().ok()?;
        let skip: usize = parts.next()?.parse().ok()?;
        let kv = parts.next()?;
        (class < CLASSES && skip < WITHIN_CHUNK && kv.len() <= 4096).then(|| Self {
            class,
            skip,
            kv: (!kv.is_empty()).then(|| kv.to_string()),
        })
    }

    fn encode(&self) -> String {
        format!(
            "{}.{}.{}",
            self.class,
            self.skip,
            self.kv.as_deref().unwrap_or("")
        )
    }

    /// The start of the next class of an overdue walk, if any.
    fn next_class(&self, overdue: bool) -> Option<Self> {
        (overdue && self.class + 1 < CLASSES).then(|| Self {
            class: self.class + 1,
            skip: 0,
            kv: None,
        })
    }
}

/// One page of the queue under `filter`: at most `limit` cases, most urgent first, and where the
/// next page starts.
pub async fn page(
    store: &Store,
    filter: &QueueFilter,
    limit: usize,
    cursor: Option<Cursor>,
    now: Timestamp,
) -> AppResult<QueuePage> {
    let (index, exact) = filter.index();
    let base = index.prefix(&store.shop);
    let mut items: Vec<CaseSummary> = Vec::new();
    // A case whose old entry was not yet removed appears once.
    let mut seen = HashSet::new();
    let mut at = cursor.unwrap_or_default();
    for list in 0..MAX_LISTS {
        let prefix = if filter.overdue {
            format!("{base}{}:", at.class)
        } else {
            base.clone()
        };
        let wanted = limit.saturating_sub(items.len()) + at.skip;
        let chunk = if exact { wanted } else { WITHIN_CHUNK }.min(WITHIN_CHUNK);
        let listed = store
            .list_meta::<CaseSummary>(&prefix, chunk as u64, at.kv.clone())
            .await;
        let (entries, next_kv) = match listed {
            Ok(listed) => listed,
            // KV refuses a cursor it never issued: the client's, not ours, is wrong.
            Err(_) if list == 0 && at.kv.is_some() => {
                return Err(ApiErrorCode::BadRequest.into());
            }
            Err(e) => return Err(e),
        };
        let mut consumed = at.skip;
        let mut class_over = false;
        for (_, summary) in entries.iter().skip(at.skip) {
            if items.len() >= limit {
                break;
            }
            consumed += 1;
            let Some(s) = summary else { continue };
            if filter.overdue && s.due.is_none_or(|d| d >= now) {
                class_over = true;
                break;
            }
            if filter.keeps(s) && seen.insert(s.id.clone()) {
                items.push(s.clone());
            }
        }
        // Where the listing goes on: the rest of this chunk, the next chunk, or the next class.
        let next = if class_over {
            at.next_class(filter.overdue)
        } else if consumed < entries.len() {
            Some(Cursor {
                skip: consumed,
                ..at.clone()
            })
        } else if next_kv.is_some() {
            Some(Cursor {
                class: at.class,
                skip: 0,
                kv: next_kv,
            })
        } else {
            at.next_class(filter.overdue)
        };
        match next {
            Some(next) if items.len() < limit => at = next,
            next => {
                return Ok(QueuePage {
                    items,
                    next_cursor: next.map(|c| c.encode()),
                    ..QueuePage::default()
                });
            }
        }
    }
    // Filtered within an index where matches are rare: a short page, and where to go on.
    Ok(QueuePage {
        items,
        next_cursor: Some(at.encode()),
        ..QueuePage::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_single_filter_reads_its_own_index_and_a_combination_the_most_selective() {
        let kind = QueueFilter {
            kind: Some(CaseKind::Repair),
            ..QueueFilter::default()
        };
        assert_eq!(kind.index(), (QueueIndex::Kind(CaseKind::Repair), true));
        let kind_and_state = QueueFilter {
            state: Some(StateName::AwaitingReview),
            ..kind.clone()
        };
        assert_eq!(
            kind_and_state.index(),
            (QueueIndex::State(StateName::AwaitingReview), false)
        );
        let mine = QueueFilter {
            assignee: Some(Some("st_1".into())),
            overdue: true,
            ..kind_and_state
        };
        assert_eq!(
            mine.index(),
            (QueueIndex::Assignee(Some("st_1".into())), false)
        );
        let overdue = QueueFilter {
            overdue: true,
            ..QueueFilter::default()
        };
        assert_eq!(overdue.index(), (QueueIndex::All, true));
        let unassigned = QueueFilter {
            assignee: Some(None),
            ..QueueFilter::default()
        };
        assert_eq!(unassigned.index(), (QueueIndex::Assignee(None), true));
    }

    #[test]
    fn a_cursor_reads_back_as_written_and_nothing_else_reads_as_one() {
        let c = Cursor {
            class: 2,
            skip: 17,
            kv: Some("abc.def==".into()),
        };
        assert_eq!(Cursor::parse(&c.encode()), Some(c));
        assert_eq!(
            Cursor::parse("0.0."),
            Some(Cursor {
                class: 0,
                skip: 0,
                kv: None
            })
        );
        for bad in ["", "x", "0.0", "9.0.", "0.1000.", "-1.0.", "0.x.k"] {
            assert_eq!(Cursor::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_priority_class_is_walked() {
        let classes = [
            PriorityClass::Dispute,
            PriorityClass::Fault,
            PriorityClass::Normal,
            PriorityClass::Logistics,
        ];
        for class in classes {
            assert_eq!(class_digit(class), class as u8, "{class:?}");
        }
        assert_eq!(usize::from(CLASSES), classes.len());
    }
}
