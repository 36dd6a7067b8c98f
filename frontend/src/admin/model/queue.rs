//! The queue: every open case across kinds in the policy's priority order (the server's index
//! order), filtered by an index per filter, searched by case id, order number or return
//! tracking number; countdowns to what the system will do; batch approval of low-risk cases.

use std::collections::BTreeSet;

use shared::api::{BatchApproveReport, BatchItem, BatchOutcome, CaseSummary, QueuePage};
use shared::domain::{CaseKind, ExpiryOutcome, Money, StateName, Timestamp};

use crate::admin::api::ApiError;
use crate::admin::route::Screen;
use crate::core::Page;

/// The filters of the chip row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// One kind.
    pub kind: Option<CaseKind>,
    /// One state.
    pub state: Option<StateName>,
    /// Past their deadline only.
    pub overdue: bool,
    /// Assigned to the caller.
    pub mine: bool,
    /// Assigned to nobody.
    pub unassigned: bool,
}

/// A filter the chip row toggles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// [`Filters::overdue`]
    Overdue,
    /// [`Filters::mine`]
    Mine,
    /// [`Filters::unassigned`]
    Unassigned,
}

impl Filters {
    /// The query string of a page (without `?`); `cursor` continues a listing.
    #[must_use]
    pub fn query(&self, cursor: Option<&str>) -> String {
        let mut parts = Vec::new();
        if let Some(kind) = self.kind {
            parts.push(format!("kind={}", kind.code()));
        }
        if let Some(state) = self.state {
            parts.push(format!("state={}", state.code()));
        }
        if self.overdue {
            parts.push("overdue=true".into());
        }
        if self.mine {
            parts.push("mine=true".into());
        }
        if self.unassigned {
            parts.push("unassigned=true".into());
        }
        if let Some(c) = cursor {
            parts.push(format!("cursor={}", crate::format::encode(c)));
        }
        parts.join("&")
    }

    /// Any filter is on.
    #[must_use]
    pub fn any(&self) -> bool {
        *self != Self::default()
    }
}

/// The batch in progress.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Batch {
    /// Not selecting.
    #[default]
    Off,
    /// Rows can be ticked.
    Selecting,
    /// The summary sheet before approving.
    Confirming,
    /// Sent; waiting.
    Sending,
    /// Per-case results.
    Done(BatchApproveReport),
}

/// The shop's caps on one batch (policy settings, sent with each queue page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchCaps {
    /// Most cases per batch.
    pub max_cases: usize,
    /// Most money per batch.
    pub max_amount: Money,
}

impl Default for BatchCaps {
    /// Taobao's: 20 cases and 6,000.00 (until the first queue page says the shop's).
    fn default() -> Self {
        Self {
            max_cases: 20,
            max_amount: Money(600_000),
        }
    }
}

/// The queue screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Queue {
    /// The clock the countdowns count from.
    pub now: Timestamp,
    /// The chip row.
    pub filters: Filters,
    /// The search box as typed.
    pub search: String,
    /// The search whose answer is shown (instead of the queue), if any.
    pub searched: Option<String>,
    /// The rows.
    pub items: Vec<CaseSummary>,
    /// Where the next page starts.
    pub next_cursor: Option<String>,
    /// A page is loading.
    pub loading: bool,
    /// The last failure.
    pub error: Option<ApiError>,
    /// Case ids already shown (so a poll can tell what is new).
    pub known: BTreeSet<String>,
    /// Case ids that arrived while the page was open.
    pub fresh: BTreeSet<String>,
    /// The batch in progress.
    pub batch: Batch,
    /// Ticked rows, in the order ticked.
    pub selected: Vec<String>,
    /// The shop's batch caps.
    pub caps: BatchCaps,
}

/// What happens on the queue.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// The screen opened (or the clock ticked): now.
    Tick(Timestamp),
    /// Load the first page again (pull to refresh, or a filter changed).
    Refresh,
    /// The kind chip.
    Kind(Option<CaseKind>),
    /// The state chip.
    State(Option<StateName>),
    /// An on/off chip.
    Toggle(Flag),
    /// The search box.
    SearchInput(String),
    /// Search for what was typed.
    Search,
    /// Back to the queue from a search.
    ClearSearch,
    /// A page answered; `append` for "load more".
    Loaded {
        /// The page continues the list.
        append: bool,
        /// The answer.
        result: Result<QueuePage, ApiError>,
    },
    /// A search answered.
    Searched(Result<Vec<CaseSummary>, ApiError>),
    /// The next page.
    More,
    /// The background poll's first page.
    Polled(Result<QueuePage, ApiError>),
    /// A row was tapped.
    OpenCase(String),
    /// Start or stop selecting rows for a batch.
    SelectMode(bool),
    /// Tick or untick a row.
    ToggleRow(String),
    /// Tick every low-risk row, up to the caps.
    SelectLowRisk,
    /// Open the summary sheet.
    ReviewBatch,
    /// Approve the batch.
    ConfirmBatch,
    /// The batch answered.
    BatchDone(Result<BatchApproveReport, ApiError>),
    /// Close the batch's sheet or results.
    CloseBatch,
}

/// What the queue asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// `GET /api/staff/queue?{query}`; `append` continues the list.
    Fetch {
        /// The query string.
        query: String,
        /// Continue the list.
        append: bool,
    },
    /// The first page again in the background (new cases).
    Poll(String),
    /// `GET /api/staff/search?q=`
    Search(String),
    /// Open a screen.
    Go(Screen),
    /// Tell the shell the counts for its badge and title.
    Counts {
        /// Cases on the first page.
        listed: u32,
        /// Cases not shown before.
        new: u32,
    },
    /// `POST /api/staff/batch-approve`
    BatchApprove(Vec<BatchItem>),
    /// The session expired.
    SignedOut,
}

/// A row as drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Case id.
    pub id: String,
    /// First line's title.
    pub title: String,
    /// Buyer's name.
    pub buyer: String,
    /// Kind.
    pub kind: CaseKind,
    /// State.
    pub state: StateName,
    /// Money at stake, with its currency.
    pub amount: Option<(Money, String)>,
    /// Reason chips (the priority's reason codes, most important first).
    pub chips: Vec<String>,
    /// Time left until the deadline (negative: overdue), and what happens then.
    pub countdown: Option<(i64, Option<ExpiryOutcome>)>,
    /// Arrived while the page was open.
    pub fresh: bool,
    /// May be approved in a batch.
    pub low_risk: bool,
    /// Ticked for the batch.
    pub selected: bool,
}

/// The batch's summary sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchSheet {
    /// Cases ticked.
    pub count: usize,
    /// Their money in all (in the first case's currency: a shop has one).
    pub total: Money,
    /// Currency.
    pub currency: String,
    /// The caps are respected.
    pub within_caps: bool,
}

impl Queue {
    /// An empty queue at `now`.
    #[must_use]
    pub fn new(now: Timestamp) -> Self {
        Self {
            now,
            filters: Filters::default(),
            search: String::new(),
            searched: None,
            items: Vec::new(),
            next_cursor: None,
            loading: false,
            error: None,
            known: BTreeSet::new(),
            fresh: BTreeSet::new(),
            batch: Batch::Off,
            selected: Vec::new(),
            caps: BatchCaps::default(),
        }
    }

    /// The rows as drawn.
    #[must_use]
    pub fn rows(&self) -> Vec<Row> {
        self.items
            .iter()
            .map(|s| Row {
                id: s.id.clone(),
                title: s.title.clone(),
                buyer: s.buyer.clone(),
                kind: s.kind,
                state: s.state,
                amount: s.amount.map(|a| (a, s.currency.clone())),
                chips: s.priority_reasons.clone(),
                countdown: s.due.map(|d| (d.0 - self.now.0, s.on_expiry)),
                fresh: self.fresh.contains(&s.id),
                low_risk: s.low_risk,
                selected: self.selected.contains(&s.id),
            })
            .collect()
    }

    /// The batch's sheet: what is ticked, and whether the caps allow it.
    #[must_use]
    pub fn sheet(&self) -> BatchSheet {
        let chosen: Vec<&CaseSummary> = self
            .items
            .iter()
            .filter(|s| self.selected.contains(&s.id))
            .collect();
        let total: Money = chosen.iter().filter_map(|s| s.amount).sum();
        BatchSheet {
            count: chosen.len(),
            total,
            currency: chosen
                .first()
                .map(|s| s.currency.clone())
                .unwrap_or_default(),
            within_caps: !chosen.is_empty()
                && chosen.len() <= self.caps.max_cases
                && total <= self.caps.max_amount,
        }
    }

    fn fetch_first(&mut self) -> Vec<Effect> {
        self.loading = true;
        self.error = None;
        self.searched = None;
        vec![Effect::Fetch {
            query: self.filters.query(None),
            append: false,
        }]
    }

    fn failed(&mut self, e: ApiError) -> Vec<Effect> {
        self.loading = false;
        if e.signed_out() {
            return vec![Effect::SignedOut];
        }
        self.error = Some(e);
        Vec::new()
    }

    /// Selects low-risk rows from the top until a cap would be passed.
    fn select_low_risk(&mut self) {
        self.selected.clear();
        let mut total = Money(0);
        for s in self.items.iter().filter(|s| s.low_risk) {
            let amount = s.amount.unwrap_or(Money(0));
            if self.selected.len() >= self.caps.max_cases || total + amount > self.caps.max_amount {
                continue;
            }
            total += amount;
            self.selected.push(s.id.clone());
        }
    }
}

impl Page for Queue {
    type Msg = Msg;
    type Effect = Effect;

    fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Tick(now) => {
                self.now = now;
                // A tick also polls the first page for new cases (not while searching or
                // selecting: the rows must not move under a thumb).
                if self.searched.is_none() && self.batch == Batch::Off && !self.loading {
                    return vec![Effect::Poll(self.filters.query(None))];
                }
            }
            Msg::Refresh => {
                self.fresh.clear();
                return self.fetch_first();
            }
            Msg::Kind(kind) => {
                self.filters.kind = kind;
                return self.fetch_first();
            }
            Msg::State(state) => {
                self.filters.state = state;
                return self.fetch_first();
            }
            Msg::Toggle(flag) => {
                let f = &mut self.filters;
                match flag {
                    Flag::Overdue => f.overdue = !f.overdue,
                    Flag::Mine => {
                        f.mine = !f.mine;
                        f.unassigned &= !f.mine;
                    }
                    Flag::Unassigned => {
                        f.unassigned = !f.unassigned;
                        f.mine &= !f.unassigned;
                    }
                }
                return self.fetch_first();
            }
            Msg::SearchInput(text) => self.search = text,
            Msg::Search => {
                let q = self.search.trim().to_string();
                if q.is_empty() {
                    return self.fetch_first();
                }
                self.loading = true;
                self.error = None;
                self.searched = Some(q.clone());
                return vec![Effect::Search(q)];
            }
            Msg::ClearSearch => {
                self.search.clear();
                return self.fetch_first();
            }
            Msg::Loaded { append, result } => match result {
                Ok(page) => {
                    self.loading = false;
                    if page.batch_max_cases > 0 {
                        self.caps = BatchCaps {
                            max_cases: page.batch_max_cases as usize,
                            max_amount: page.batch_max_amount,
                        };
                    }
                    if !append {
                        self.items.clear();
                        self.selected.clear();
                    }
                    let new = page
                        .items
                        .iter()
                        .filter(|s| !self.known.contains(&s.id))
                        .count();
                    let first_load = self.known.is_empty();
                    self.known.extend(page.items.iter().map(|s| s.id.clone()));
                    // A case listed twice (moved between pages while reading) shows once.
                    for s in page.items {
                        if !self.items.iter().any(|i| i.id == s.id) {
                            self.items.push(s);
                        }
                    }
                    self.next_cursor = page.next_cursor;
                    if !append && !self.filters.any() {
                        return vec![Effect::Counts {
                            listed: self.items.len() as u32,
                            new: if first_load { 0 } else { new as u32 },
                        }];
                    }
                }
                Err(e) => return self.failed(e),
            },
            Msg::Searched(result) => match result {
                Ok(found) => {
                    self.loading = false;
                    self.items = found;
                    self.next_cursor = None;
                    if let ([only], Some(q)) = (self.items.as_slice(), &self.searched) {
                        // One exact hit by its id or tracking number opens it: the scan
                        // screen's path, and fewer taps.
                        if only.id.eq_ignore_ascii_case(q) {
                            return vec![Effect::Go(Screen::Case(only.id.clone()))];
                        }
                    }
                }
                Err(e) => return self.failed(e),
            },
            Msg::More => {
                if let (Some(cursor), false) = (&self.next_cursor, self.loading) {
                    self.loading = true;
                    return vec![Effect::Fetch {
                        query: self.filters.query(Some(cursor)),
                        append: true,
                    }];
                }
            }
            Msg::Polled(Ok(page)) => {
                let new: Vec<String> = page
                    .items
                    .iter()
                    .filter(|s| !self.known.contains(&s.id))
                    .map(|s| s.id.clone())
                    .collect();
                if new.is_empty() {
                    // Same cases: refresh their rows in place (states and deadlines move).
                    for s in page.items {
                        if let Some(row) = self.items.iter_mut().find(|i| i.id == s.id) {
                            *row = s;
                        }
                    }
                    return Vec::new();
                }
                self.known.extend(new.iter().cloned());
                self.fresh.extend(new.iter().cloned());
                let first_page = page.items;
                let cursor = page.next_cursor;
                // New cases lead in priority order: the first page is replaced by the new one
                // and the rest is dropped (load more reads on from the new cursor).
                self.items = first_page;
                self.next_cursor = cursor;
                return vec![Effect::Counts {
                    listed: self.items.len() as u32,
                    new: new.len() as u32,
                }];
            }
            Msg::Polled(Err(e)) => {
                if e.signed_out() {
                    return vec![Effect::SignedOut];
                }
            }
            Msg::OpenCase(id) => {
                if self.batch == Batch::Selecting {
                    return self.update(Msg::ToggleRow(id));
                }
                return vec![Effect::Go(Screen::Case(id))];
            }
            Msg::SelectMode(on) => {
                self.batch = if on { Batch::Selecting } else { Batch::Off };
                self.selected.clear();
            }
            Msg::ToggleRow(id) => {
                let low_risk = self.items.iter().any(|s| s.id == id && s.low_risk);
                if let Some(i) = self.selected.iter().position(|s| *s == id) {
                    self.selected.remove(i);
                } else if low_risk {
                    self.selected.push(id);
                }
            }
            Msg::SelectLowRisk => {
                self.batch = Batch::Selecting;
                self.select_low_risk();
            }
            Msg::ReviewBatch => {
                if self.sheet().count > 0 {
                    self.batch = Batch::Confirming;
                }
            }
            Msg::ConfirmBatch => {
                if self.batch == Batch::Confirming && self.sheet().within_caps {
                    self.batch = Batch::Sending;
                    let items = self
                        .items
                        .iter()
                        .filter(|s| self.selected.contains(&s.id))
                        .map(|s| BatchItem {
                            id: s.id.clone(),
                            version: s.version,
                        })
                        .collect();
                    return vec![Effect::BatchApprove(items)];
                }
            }
            Msg::BatchDone(Ok(report)) => {
                self.batch = Batch::Done(report);
                self.selected.clear();
            }
            Msg::BatchDone(Err(e)) => {
                self.batch = Batch::Confirming;
                return self.failed(e);
            }
            Msg::CloseBatch => {
                let done = matches!(self.batch, Batch::Done(_));
                self.batch = Batch::Off;
                self.selected.clear();
                if done {
                    return self.fetch_first();
                }
            }
        }
        Vec::new()
    }
}

/// How many cases of a batch report ended each way: (applied, changed meanwhile, refused).
#[must_use]
pub fn tally(report: &BatchApproveReport) -> (usize, usize, usize) {
    let count = |o: BatchOutcome| report.results.iter().filter(|r| r.outcome == o).count();
    (
        count(BatchOutcome::Applied),
        count(BatchOutcome::Changed),
        count(BatchOutcome::Refused),
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use shared::api::BatchResult;
    use shared::domain::Reason;

    use super::*;

    pub(crate) fn summary(id: &str, kind: CaseKind, amount: i64, low_risk: bool) -> CaseSummary {
        CaseSummary {
            id: id.into(),
            order: format!("TB-{id}"),
            kind,
            reason: Reason::ChangedMind,
            state: StateName::AwaitingReview,
            waiting_for: None,
            due: Some(Timestamp(10_000_000)),
            filed_at: Timestamp(0),
            closed: false,
            priority_class: 3,
            priority_reasons: vec![],
            title: "Shirt".into(),
            buyer: "Li".into(),
            refunded: None,
            rating: None,
            assignee: None,
            on_expiry: Some(ExpiryOutcome::AutoApprove),
            amount: Some(Money(amount)),
            currency: "CNY".into(),
            low_risk,
            version: 1,
            buyer_lang: None,
            expiry_on_record: false,
        }
    }

    fn page(items: Vec<CaseSummary>, next: Option<&str>) -> QueuePage {
        QueuePage {
            items,
            next_cursor: next.map(str::to_string),
            batch_max_cases: 20,
            batch_max_amount: Money(600_000),
        }
    }

    #[test]
    fn filters_become_the_query_of_their_index() {
        let mut q = Queue::new(Timestamp(0));
        assert_eq!(
            q.update(Msg::Kind(Some(CaseKind::Repair))),
            vec![Effect::Fetch {
                query: "kind=repair".into(),
                append: false
            }]
        );
        q.update(Msg::Toggle(Flag::Mine));
        let effects = q.update(Msg::Toggle(Flag::Unassigned));
        assert_eq!(
            effects,
            vec![Effect::Fetch {
                query: "kind=repair&unassigned=true".into(),
                append: false
            }],
            "mine and unassigned exclude each other"
        );
        q.update(Msg::Loaded {
            append: false,
            result: Ok(page(
                vec![summary("a", CaseKind::Repair, 100, false)],
                Some("c/2"),
            )),
        });
        assert_eq!(
            q.update(Msg::More),
            vec![Effect::Fetch {
                query: "kind=repair&unassigned=true&cursor=c%2F2".into(),
                append: true
            }]
        );
    }

    #[test]
    fn countdowns_are_negative_once_overdue() {
        let mut q = Queue::new(Timestamp(9_000_000));
        q.update(Msg::Loaded {
            append: false,
            result: Ok(page(
                vec![summary("a", CaseKind::RefundOnly, 100, true)],
                None,
            )),
        });
        assert_eq!(
            q.rows()[0].countdown,
            Some((1_000_000, Some(ExpiryOutcome::AutoApprove)))
        );
        q.update(Msg::Tick(Timestamp(10_600_000)));
        assert_eq!(q.rows()[0].countdown.map(|c| c.0), Some(-600_000));
    }

    #[test]
    fn a_poll_marks_new_cases_and_tells_the_shell() {
        let mut q = Queue::new(Timestamp(0));
        q.update(Msg::Refresh);
        let effects = q.update(Msg::Loaded {
            append: false,
            result: Ok(page(
                vec![summary("a", CaseKind::RefundOnly, 100, true)],
                None,
            )),
        });
        assert_eq!(effects, vec![Effect::Counts { listed: 1, new: 0 }]);
        let effects = q.update(Msg::Polled(Ok(page(
            vec![
                summary("b", CaseKind::Exchange, 100, false),
                summary("a", CaseKind::RefundOnly, 100, true),
            ],
            None,
        ))));
        assert_eq!(effects, vec![Effect::Counts { listed: 2, new: 1 }]);
        let rows = q.rows();
        assert!(rows[0].fresh && !rows[1].fresh);
        assert!(
            q.update(Msg::Polled(Ok(page(
                vec![summary("a", CaseKind::RefundOnly, 1, true)],
                None
            ))))
            .is_empty()
        );
    }

    #[test]
    fn batch_selection_keeps_to_low_risk_rows_and_the_caps() {
        let mut q = Queue::new(Timestamp(0));
        let items = (0..30)
            .map(|i| summary(&format!("c{i}"), CaseKind::RefundOnly, 25_000, i % 10 != 9))
            .collect();
        q.update(Msg::Loaded {
            append: false,
            result: Ok(page(items, None)),
        });
        q.update(Msg::SelectLowRisk);
        let sheet = q.sheet();
        // 6,000.00 / 250.00 = 24 > 20 cases: the case cap binds first.
        assert_eq!(sheet.count, 20);
        assert_eq!(sheet.total, Money(500_000));
        assert!(sheet.within_caps);
        assert!(
            !q.selected.contains(&"c9".to_string()),
            "c9 is not low-risk"
        );
        q.update(Msg::ToggleRow("c9".into()));
        assert_eq!(q.sheet().count, 20, "a risky row cannot be ticked");
        q.update(Msg::ReviewBatch);
        let effects = q.update(Msg::ConfirmBatch);
        assert!(
            matches!(&effects[..], [Effect::BatchApprove(items)] if items.len() == 20 && items[0].version == 1)
        );
        assert_eq!(
            q.update(Msg::ConfirmBatch),
            vec![],
            "a double tap sends once"
        );
        q.update(Msg::BatchDone(Ok(BatchApproveReport {
            results: vec![
                BatchResult {
                    id: "c0".into(),
                    outcome: BatchOutcome::Applied,
                    message: None,
                },
                BatchResult {
                    id: "c1".into(),
                    outcome: BatchOutcome::Changed,
                    message: Some("x".into()),
                },
            ],
        })));
        assert!(matches!(&q.batch, Batch::Done(r) if tally(r) == (1, 1, 0)));
    }

    #[test]
    fn the_money_cap_stops_a_batch_too() {
        let mut q = Queue::new(Timestamp(0));
        let items = (0..5)
            .map(|i| summary(&format!("c{i}"), CaseKind::RefundOnly, 200_000, true))
            .collect();
        q.update(Msg::Loaded {
            append: false,
            result: Ok(page(items, None)),
        });
        q.update(Msg::SelectLowRisk);
        assert_eq!(q.sheet().count, 3, "3 × 2,000.00 = 6,000.00");
    }

    #[test]
    fn a_search_by_exact_id_opens_the_case_and_an_expired_session_signs_in() {
        let mut q = Queue::new(Timestamp(0));
        q.update(Msg::SearchInput(" c7 ".into()));
        assert_eq!(q.update(Msg::Search), vec![Effect::Search("c7".into())]);
        assert_eq!(
            q.update(Msg::Searched(Ok(vec![summary(
                "c7",
                CaseKind::Repair,
                1,
                false
            )]))),
            vec![Effect::Go(Screen::Case("c7".into()))]
        );
        let expired = ApiError {
            status: 401,
            code: shared::api::ErrorCode::parse("unauthenticated"),
            message: String::new(),
            current: None,
        };
        q.update(Msg::Refresh);
        assert_eq!(
            q.update(Msg::Loaded {
                append: false,
                result: Err(expired)
            }),
            vec![Effect::SignedOut]
        );
    }
}
