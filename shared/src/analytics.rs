//! The shop's figures (the owner's analytics), as a read model that costs the same at 100,000
//! cases as at 10.
//!
//! Each case contributes a few counters ([`Cell`]s: cases per kind, per state, per day, a bucket of
//! its time to first answer…), derived from its log alone ([`CaseFacts::of`]). When a case changes,
//! the store subtracts its old cells and adds its new ones ([`delta`]), so the sums stay exact
//! whatever order the cases change in, a replayed change adds nothing, and a report reads a few
//! hundred sums instead of every case ([`AnalyticsReport::build`]). Durations are kept as
//! histograms over fixed buckets ([`DURATION_BUCKETS`]): a median or p90 read from them is the
//! bucket's upper bound, which is what a shop plans with ("within 4 hours"), and a histogram,
//! unlike a list of durations, can be subtracted from.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::{
    Actor, Case, CaseKind, CaseState, EventKind, ExpiryOutcome, MS_PER_MINUTE, Money, Party,
    Reason, ReviewOutcome, StateName, Timestamp,
};
use crate::policy::time::{LocalDate, local_day};
use crate::policy::{Policy, current_deadline};

/// Upper bounds, in minutes, of the duration histogram's buckets (the last is open-ended):
/// minutes for a first answer, hours for a decision, days for a return's round trip.
pub const DURATION_BUCKETS: [u32; 24] = [
    5,
    10,
    15,
    30,
    45,
    60,
    90,
    120,
    180,
    240,
    360,
    480,
    720,
    1_080,
    1_440,
    2_160,
    2_880,
    4_320,
    7_200,
    10_080,
    14_400,
    20_160,
    43_200,
    u32::MAX,
];

/// The comment kept with a rating in the figures (the case keeps it whole).
pub const COMMENT_EXCERPT_CHARS: usize = 120;

/// How many products the report ranks.
pub const TOP_PRODUCTS: usize = 20;

/// How many recent rating comments the report lists.
pub const RECENT_COMMENTS: usize = 20;

/// Days of daily figures the report covers (26 weeks).
pub const REPORT_DAYS: i64 = 182;

/// One case's part in the figures: everything the report counts, derived from its log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFacts {
    /// What the buyer asked for.
    pub kind: CaseKind,
    /// Why.
    pub reason: Reason,
    /// Where the case stands.
    pub state: StateName,
    /// The products asked about: SKU and title, once each.
    pub products: Vec<(String, String)>,
    /// The local day it was filed (days since 1970-01-01 in the shop's zone).
    pub filed_day: i64,
    /// The local day it closed.
    pub closed_day: Option<i64>,
    /// Money refunded on it, and the local day of its first refund.
    pub refunded: Option<(Money, i64)>,
    /// Minutes from filing to the shop's first word (any staff event).
    pub first_answer_minutes: Option<u32>,
    /// Minutes from filing to closing.
    pub resolution_minutes: Option<u32>,
    /// The shop's deadlines it answered in time.
    pub deadlines_met: u32,
    /// The shop's deadlines it let pass (answered late, or decided by the deadline itself).
    pub deadlines_missed: u32,
    /// A deadline decided it in the buyer's favour because the shop stayed silent.
    pub resolved_by_timeout: bool,
    /// It went to a supervisor.
    pub escalated: bool,
    /// The staff member who acted on it last (the one the queue assigns it to).
    pub agent: Option<String>,
    /// The buyer's rating, its comment's excerpt, and when it was given.
    pub rating: Option<Rating>,
    /// A review follow-up's products and, once recorded, what became of the review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<ReviewFacts>,
}

/// What a review follow-up counts for (差评挽回率 per agent and per product).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewFacts {
    /// The product reviewed (the review's SKU), else every product of the order.
    pub products: Vec<(String, String)>,
    /// What became of the review, once the case closed on it.
    pub outcome: Option<ReviewOutcome>,
}

/// A buyer's rating of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    /// 1 to 5.
    pub stars: u8,
    /// The comment, cut to [`COMMENT_EXCERPT_CHARS`].
    pub comment: String,
    /// When.
    pub at: Timestamp,
}

/// Minutes between two instants, never negative, saturating at `u32::MAX`.
fn minutes_between(from: Timestamp, to: Timestamp) -> u32 {
    let minutes = to.0.saturating_sub(from.0).max(0) / MS_PER_MINUTE;
    u32::try_from(minutes).unwrap_or(u32::MAX)
}

/// True for the outcomes of a deadline the shop let pass that grant what the buyer asked
/// (DOMAIN.md: the buyer is never punished for the shop's silence).
const fn grants_for_silent_shop(outcome: ExpiryOutcome) -> bool {
    matches!(
        outcome,
        ExpiryOutcome::AutoRefund
            | ExpiryOutcome::AutoApprove
            | ExpiryOutcome::ReleaseReturn
            | ExpiryOutcome::ProceedAfterInspection
    )
}

impl CaseFacts {
    /// The facts of `case`, its deadlines measured by `policy`'s clocks and its days in the
    /// shop's zone.
    #[must_use]
    pub fn of(case: &Case, policy: &Policy) -> Self {
        let offset = policy.utc_offset_minutes;
        let state = case.state();
        let mut products: Vec<(String, String)> = Vec::new();
        for line in &case.request.lines {
            if products.iter().all(|(sku, _)| *sku != line.sku) {
                let title = case
                    .order
                    .line(&line.sku)
                    .map(|l| l.title.clone())
                    .unwrap_or_default();
                products.push((line.sku.clone(), title));
            }
        }
        let closed_at = case.events.iter().rev().find_map(|e| match e.kind {
            EventKind::Closed { .. } => Some(e.at),
            _ => None,
        });
        let closed_at = closed_at.filter(|_| state.is_closed());
        let first_refund = case
            .events
            .iter()
            .find(|e| e.kind.refunded().is_some())
            .map(|e| local_day(e.at, offset));
        let refunded = case.refunded_total();
        let first_answer = case
            .events
            .iter()
            .find(|e| matches!(e.actor, Actor::Staff { .. }))
            .map(|e| minutes_between(case.filed_at, e.at));
        let (deadlines_met, deadlines_missed) = shop_deadlines(case, policy);
        let rating = case.events.iter().rev().find_map(|e| match &e.kind {
            EventKind::Rated { stars, comment } => Some(Rating {
                stars: *stars,
                comment: comment.chars().take(COMMENT_EXCERPT_CHARS).collect(),
                at: e.at,
            }),
            _ => None,
        });
        Self {
            kind: case.request.kind,
            reason: case.request.reason,
            state: state.name(),
            products,
            filed_day: local_day(case.filed_at, offset),
            closed_day: closed_at.map(|at| local_day(at, offset)),
            refunded: first_refund
                .filter(|_| refunded.0 > 0)
                .map(|day| (refunded, day)),
            first_answer_minutes: first_answer,
            resolution_minutes: closed_at.map(|at| minutes_between(case.filed_at, at)),
            deadlines_met,
            deadlines_missed,
            resolved_by_timeout: case.events.iter().any(|e| {
                matches!(e.kind, EventKind::DeadlineExpired { outcome, .. }
                    if grants_for_silent_shop(outcome))
            }),
            escalated: case
                .events
                .iter()
                .any(|e| matches!(e.kind, EventKind::Escalated { .. })),
            agent: case.last_staff().map(str::to_string),
            rating,
            review: review_facts(case, &state),
        }
    }
}

/// A review follow-up's part: its products, and the outcome recorded when it closed.
fn review_facts(case: &Case, state: &CaseState) -> Option<ReviewFacts> {
    let review = case.request.review.as_ref()?;
    let reviewed = review.sku.as_deref().and_then(|sku| case.order.line(sku));
    let products = match reviewed {
        Some(line) => vec![(line.sku.clone(), line.title.clone())],
        None => case
            .order
            .lines
            .iter()
            .map(|l| (l.sku.clone(), l.title.clone()))
            .collect(),
    };
    let outcome = match state {
        CaseState::Closed { outcome, .. } => outcome.review(),
        _ => None,
    };
    Some(ReviewFacts { products, outcome })
}

/// The shop's deadlines on `case`: met (a staff event moved the shop's clock before it was due)
/// and missed (moved after it was due, or expired). Replays the log step by step, asking the
/// policy for the deadline before each event; a case has tens of events.
fn shop_deadlines(case: &Case, policy: &Policy) -> (u32, u32) {
    let mut prefix = Case {
        events: Vec::with_capacity(case.events.len()),
        ..case.clone()
    };
    let (mut met, mut missed) = (0u32, 0u32);
    let mut before = current_deadline(&prefix, policy);
    for event in &case.events {
        prefix.events.push(event.clone());
        let after = current_deadline(&prefix, policy);
        if let Some(deadline) = before
            .as_ref()
            .filter(|d| matches!(d.waiting_for, Party::Shop { .. }) && !d.paused)
        {
            let moved = after.as_ref() != Some(deadline);
            match (&event.actor, &event.kind) {
                // An unanswered question's passing is only recorded: the staff's late answer
                // that follows is the miss, counted once below.
                (
                    Actor::System,
                    EventKind::DeadlineExpired {
                        outcome: ExpiryOutcome::Overdue,
                        ..
                    },
                ) => {}
                (Actor::System, EventKind::DeadlineExpired { .. }) => missed += 1,
                (Actor::Staff { .. }, _) if moved && event.at <= deadline.due => met += 1,
                (Actor::Staff { .. }, _) if moved => missed += 1,
                _ => {}
            }
        }
        before = after;
    }
    (met, missed)
}

/// What a counter counts. The spelling is stored (the tally's keys): never rename a variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dim {
    /// Shop-wide totals; the key says which ([`Total`]).
    Total,
    /// Cases per kind (key: the kind's code).
    Kind,
    /// Cases per state.
    State,
    /// Cases per reason.
    Reason,
    /// Cases per product (key: SKU, unit separator, title).
    Product,
    /// Cases per product and reason (key: SKU, unit separator, reason code).
    ProductReason,
    /// Cases filed per local day (key: `YYYY-MM-DD`).
    Filed,
    /// Cases closed per local day.
    Closed,
    /// Refunds per local day of the first refund (n cases, sum in fen).
    Refunded,
    /// Time to first answer (key: the bucket's upper bound, zero-padded minutes).
    FirstAnswer,
    /// Time to resolution.
    Resolution,
    /// Cases per staff member (key: the staff id).
    Agent,
    /// Ratings per staff member (n ratings, sum of stars).
    AgentRating,
    /// A staff member's time to first answer (key: staff id, unit separator, bucket).
    AgentFirstAnswer,
    /// Review follow-ups closed per outcome (key: the outcome's code).
    ReviewOutcome,
    /// Review follow-ups a staff member closed (n) and recovered (sum).
    AgentReview,
    /// Review follow-ups per product (key: SKU, unit separator, title): closed (n), recovered
    /// (sum).
    ProductReview,
}

impl Dim {
    /// The stored spelling.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Total => "total",
            Self::Kind => "kind",
            Self::State => "state",
            Self::Reason => "reason",
            Self::Product => "product",
            Self::ProductReason => "product_reason",
            Self::Filed => "filed",
            Self::Closed => "closed",
            Self::Refunded => "refunded",
            Self::FirstAnswer => "first_answer",
            Self::Resolution => "resolution",
            Self::Agent => "agent",
            Self::AgentRating => "agent_rating",
            Self::AgentFirstAnswer => "agent_first_answer",
            Self::ReviewOutcome => "review_outcome",
            Self::AgentReview => "agent_review",
            Self::ProductReview => "product_review",
        }
    }

    /// The dimension a stored spelling names.
    #[must_use]
    pub fn parse(code: &str) -> Option<Self> {
        ALL_DIMS.into_iter().find(|d| d.code() == code)
    }
}

/// Every dimension.
pub const ALL_DIMS: [Dim; 17] = [
    Dim::Total,
    Dim::Kind,
    Dim::State,
    Dim::Reason,
    Dim::Product,
    Dim::ProductReason,
    Dim::Filed,
    Dim::Closed,
    Dim::Refunded,
    Dim::FirstAnswer,
    Dim::Resolution,
    Dim::Agent,
    Dim::AgentRating,
    Dim::AgentFirstAnswer,
    Dim::ReviewOutcome,
    Dim::AgentReview,
    Dim::ProductReview,
];

/// The dimensions whose keys stay few whatever the number of cases (no days, no products): a
/// report reads all of their cells.
pub const BOUNDED_DIMS: [Dim; 11] = [
    Dim::Total,
    Dim::Kind,
    Dim::State,
    Dim::Reason,
    Dim::FirstAnswer,
    Dim::Resolution,
    Dim::Agent,
    Dim::AgentRating,
    Dim::AgentFirstAnswer,
    Dim::ReviewOutcome,
    Dim::AgentReview,
];

/// The dimensions counted per day: a report reads their last [`REPORT_DAYS`].
pub const DAY_DIMS: [Dim; 3] = [Dim::Filed, Dim::Closed, Dim::Refunded];

/// The keys of [`Dim::Total`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Total {
    /// Every case.
    Cases,
    /// Cases not closed.
    Open,
    /// Cases with money back (n) and the money (sum).
    Refunded,
    /// Cases that went to a supervisor.
    Escalated,
    /// The shop's deadlines met.
    DeadlinesMet,
    /// The shop's deadlines missed.
    DeadlinesMissed,
    /// Cases a deadline decided because the shop was silent.
    ResolvedByTimeout,
    /// Ratings (n) and their stars (sum).
    Rated,
}

impl Total {
    const fn code(self) -> &'static str {
        match self {
            Self::Cases => "cases",
            Self::Open => "open",
            Self::Refunded => "refunded",
            Self::Escalated => "escalated",
            Self::DeadlinesMet => "deadlines_met",
            Self::DeadlinesMissed => "deadlines_missed",
            Self::ResolvedByTimeout => "resolved_by_timeout",
            Self::Rated => "rated",
        }
    }
}

/// Separates the parts of a two-part key (never in a SKU, a title or an id the worker accepts).
pub const KEY_SEPARATOR: char = '\u{1f}';

/// One counter: `n` things and, where it counts money or stars, their `sum`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    /// What it counts.
    pub dim: Dim,
    /// Which one.
    pub key: String,
    /// How many.
    pub n: i64,
    /// Their sum.
    pub sum: i64,
}

impl Cell {
    fn new(dim: Dim, key: impl Into<String>, n: i64, sum: i64) -> Self {
        Self {
            dim,
            key: key.into(),
            n,
            sum,
        }
    }
}

/// The key of a day.
#[must_use]
pub fn day_key(day: i64) -> String {
    let d = LocalDate::from_day_number(day);
    format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
}

/// The key of the bucket a duration falls in.
#[must_use]
pub fn bucket_key(minutes: u32) -> String {
    let bound = DURATION_BUCKETS
        .into_iter()
        .find(|b| minutes <= *b)
        .unwrap_or(u32::MAX);
    format!("{bound:010}")
}

/// The cells one case adds to the figures.
#[must_use]
pub fn cells(facts: &CaseFacts) -> Vec<Cell> {
    let sep = KEY_SEPARATOR;
    let total = |t: Total, n: i64, sum: i64| Cell::new(Dim::Total, t.code(), n, sum);
    let mut out = vec![
        total(Total::Cases, 1, 0),
        Cell::new(Dim::Kind, facts.kind.code(), 1, 0),
        Cell::new(Dim::State, facts.state.code(), 1, 0),
        Cell::new(Dim::Reason, facts.reason.code(), 1, 0),
        Cell::new(Dim::Filed, day_key(facts.filed_day), 1, 0),
    ];
    if facts.closed_day.is_none() {
        out.push(total(Total::Open, 1, 0));
    }
    for (sku, title) in &facts.products {
        out.push(Cell::new(Dim::Product, format!("{sku}{sep}{title}"), 1, 0));
        out.push(Cell::new(
            Dim::ProductReason,
            format!("{sku}{sep}{}", facts.reason.code()),
            1,
            0,
        ));
    }
    if let Some(day) = facts.closed_day {
        out.push(Cell::new(Dim::Closed, day_key(day), 1, 0));
    }
    if let Some((money, day)) = facts.refunded {
        out.push(total(Total::Refunded, 1, money.0));
        out.push(Cell::new(Dim::Refunded, day_key(day), 1, money.0));
    }
    if let Some(minutes) = facts.first_answer_minutes {
        out.push(Cell::new(Dim::FirstAnswer, bucket_key(minutes), 1, 0));
    }
    if let Some(minutes) = facts.resolution_minutes {
        out.push(Cell::new(Dim::Resolution, bucket_key(minutes), 1, 0));
    }
    if facts.deadlines_met > 0 {
        out.push(total(
            Total::DeadlinesMet,
            i64::from(facts.deadlines_met),
            0,
        ));
    }
    if facts.deadlines_missed > 0 {
        out.push(total(
            Total::DeadlinesMissed,
            i64::from(facts.deadlines_missed),
            0,
        ));
    }
    if facts.resolved_by_timeout {
        out.push(total(Total::ResolvedByTimeout, 1, 0));
    }
    if facts.escalated {
        out.push(total(Total::Escalated, 1, 0));
    }
    if let Some(rating) = &facts.rating {
        out.push(total(Total::Rated, 1, i64::from(rating.stars)));
    }
    if let Some(ReviewFacts {
        products,
        outcome: Some(outcome),
    }) = &facts.review
    {
        let recovered = i64::from(outcome.recovered());
        out.push(Cell::new(Dim::ReviewOutcome, outcome.code(), 1, 0));
        if let Some(agent) = &facts.agent {
            out.push(Cell::new(Dim::AgentReview, agent.clone(), 1, recovered));
        }
        for (sku, title) in products {
            out.push(Cell::new(
                Dim::ProductReview,
                format!("{sku}{sep}{title}"),
                1,
                recovered,
            ));
        }
    }
    if let Some(agent) = &facts.agent {
        out.push(Cell::new(Dim::Agent, agent.clone(), 1, 0));
        if let Some(rating) = &facts.rating {
            out.push(Cell::new(
                Dim::AgentRating,
                agent.clone(),
                1,
                i64::from(rating.stars),
            ));
        }
        if let Some(minutes) = facts.first_answer_minutes {
            out.push(Cell::new(
                Dim::AgentFirstAnswer,
                format!("{agent}{sep}{}", bucket_key(minutes)),
                1,
                0,
            ));
        }
    }
    out
}

/// What changes in the figures when a case's facts go from `old` (none: a new case) to `new`:
/// the new cells minus the old, cells that cancel out left out.
#[must_use]
pub fn delta(old: Option<&CaseFacts>, new: &CaseFacts) -> Vec<Cell> {
    let mut sums: BTreeMap<(Dim, String), (i64, i64)> = BTreeMap::new();
    for cell in cells(new) {
        let entry = sums.entry((cell.dim, cell.key)).or_default();
        entry.0 += cell.n;
        entry.1 += cell.sum;
    }
    for cell in old.map(cells).unwrap_or_default() {
        let entry = sums.entry((cell.dim, cell.key)).or_default();
        entry.0 -= cell.n;
        entry.1 -= cell.sum;
    }
    sums.into_iter()
        .filter(|(_, (n, sum))| *n != 0 || *sum != 0)
        .map(|((dim, key), (n, sum))| Cell { dim, key, n, sum })
        .collect()
}

/// Adds `cells` into `into`, dropping counters that reach zero: the same fold the tally's store
/// does with its rows (the tests hold the two to the same answers).
pub fn fold(into: &mut BTreeMap<(Dim, String), (i64, i64)>, cells: &[Cell]) {
    for cell in cells {
        let key = (cell.dim, cell.key.clone());
        let entry = into.entry(key.clone()).or_default();
        entry.0 += cell.n;
        entry.1 += cell.sum;
        if *entry == (0, 0) {
            into.remove(&key);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The report: what the owner's analytics page and its CSV show.

/// Whose figures a report holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "scope", rename_all = "snake_case")]
pub enum ReportScope {
    /// The whole shop (the owner).
    Shop,
    /// One staff member's own cases (an agent).
    Agent {
        /// The staff id.
        id: String,
    },
}

/// A count of one kind of case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct KindCount {
    /// The kind.
    pub kind: CaseKind,
    /// Cases.
    pub cases: u32,
}

/// A count of cases in one state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StateCount {
    /// The state.
    pub state: StateName,
    /// Cases.
    pub cases: u32,
}

/// A count of cases for one reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReasonCount {
    /// The reason.
    pub reason: Reason,
    /// Cases.
    pub cases: u32,
}

/// One product's cases and their reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProductFigures {
    /// The SKU.
    pub sku: String,
    /// Its title as ordered.
    pub title: String,
    /// Cases about it.
    pub cases: u32,
    /// Its cases per reason, most first.
    pub reasons: Vec<ReasonCount>,
}

/// One period's figures (a day, or a week starting Monday).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PeriodFigures {
    /// The first day, `YYYY-MM-DD` in the shop's zone.
    pub start: String,
    /// Cases filed.
    pub filed: u32,
    /// Cases closed.
    pub closed: u32,
    /// Cases refunded (first refund in the period).
    pub refunded_cases: u32,
    /// Money refunded, fen.
    pub refunded: Money,
}

/// A duration's distribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Durations {
    /// Cases measured.
    pub cases: u32,
    /// Half of them took at most this many minutes (a bucket's bound; `None` without cases or
    /// above the last bound).
    pub median_minutes: Option<u32>,
    /// Nine in ten took at most this many minutes.
    pub p90_minutes: Option<u32>,
    /// Cases per bucket, in the buckets' order: `(upper bound in minutes, or None for the open
    /// last bucket; cases)`.
    pub buckets: Vec<DurationBucket>,
}

/// One bucket of [`Durations`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DurationBucket {
    /// At most this many minutes (`None`: longer than the last bound).
    pub up_to_minutes: Option<u32>,
    /// Cases.
    pub cases: u32,
}

/// One staff member's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AgentFigures {
    /// The staff id.
    pub id: String,
    /// The name (filled in by the worker from the staff accounts).
    pub name: String,
    /// Cases they acted on last.
    pub cases: u32,
    /// Ratings of those cases.
    pub ratings: u32,
    /// Their average, ×100.
    pub rating_avg_x100: Option<u32>,
    /// Their time to first answer.
    pub first_answer: Durations,
}

/// A buyer's comment with a rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RatingComment {
    /// The case.
    pub case_id: String,
    /// The staff member rated (id).
    pub agent: Option<String>,
    /// 1 to 5.
    pub stars: u8,
    /// The comment's first characters.
    pub comment: String,
    /// When.
    pub at: Timestamp,
}

/// Shop-wide (or one agent's) totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Totals {
    /// Cases.
    pub cases: u32,
    /// Cases not closed.
    pub open: u32,
    /// Cases with money back.
    pub refunded_cases: u32,
    /// Money back, fen.
    pub refunded: Money,
    /// Cases with money back per 10,000 cases.
    pub refund_rate_bps: Option<u32>,
    /// Cases that went to a supervisor.
    pub escalated: u32,
    /// The shop's deadlines met.
    pub deadlines_met: u32,
    /// The shop's deadlines missed.
    pub deadlines_missed: u32,
    /// Cases a deadline decided in the buyer's favour because the shop was silent.
    pub resolved_by_timeout: u32,
    /// Ratings.
    pub ratings: u32,
    /// Their average, ×100.
    pub rating_avg_x100: Option<u32>,
}

/// Buyers whose problem the shop's tips solved without a request (issue 15: "did this solve
/// it?"), counted once per order and line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HelpedFigures {
    /// Lines helped in all.
    pub total: u32,
    /// Per category of the lines, most first (the top [`TOP_PRODUCTS`]).
    pub by_category: Vec<HelpedCount>,
}

/// Lines of one category helped without a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HelpedCount {
    /// The category key.
    pub category: String,
    /// Lines helped.
    pub helped: u32,
}

/// `GET /api/staff/analytics`: the figures, computed by the worker from the cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AnalyticsReport {
    /// Whose figures.
    pub scope: ReportScope,
    /// The last day the report covers (today, `YYYY-MM-DD` in the shop's zone).
    pub today: String,
    /// Totals.
    pub totals: Totals,
    /// Cases per kind, most first (shop scope).
    pub by_kind: Vec<KindCount>,
    /// Cases per state, most first (shop scope).
    pub by_state: Vec<StateCount>,
    /// Cases per reason, most first (shop scope).
    pub by_reason: Vec<ReasonCount>,
    /// The products with most cases, with their reasons (shop scope).
    pub by_product: Vec<ProductFigures>,
    /// The last [`REPORT_DAYS`] days, oldest first, every day present (shop scope).
    pub days: Vec<PeriodFigures>,
    /// The same days by week (Monday first), oldest first.
    pub weeks: Vec<PeriodFigures>,
    /// Time to the shop's first answer.
    pub first_answer: Durations,
    /// Time to resolution (shop scope).
    pub resolution: Durations,
    /// Per staff member (shop scope: everyone; agent scope: themselves).
    pub agents: Vec<AgentFigures>,
    /// The latest rating comments.
    pub comments: Vec<RatingComment>,
    /// Buyers helped by the shop's tips without a request (shop scope).
    #[serde(default)]
    pub helped: HelpedFigures,
    /// Bad reviews followed up, and how many were recovered (shop scope).
    #[serde(default)]
    pub reviews: ReviewFigures,
}

/// Bad-review follow-ups (差评挽回): how many were recorded, what became of the closed ones, and
/// the recovery rate (revised or removed, per 10,000 closed) per agent and per product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReviewFigures {
    /// Follow-ups opened.
    pub recorded: u32,
    /// Closed with the review revised.
    pub revised: u32,
    /// Closed with the review removed.
    pub removed: u32,
    /// Closed with the review unchanged.
    pub unchanged: u32,
    /// Revised or removed per 10,000 closed.
    pub recovery_rate_bps: Option<u32>,
    /// Per staff member who closed them, most first.
    pub by_agent: Vec<Recovery>,
    /// Per product reviewed, most first (the top [`TOP_PRODUCTS`]).
    pub by_product: Vec<Recovery>,
}

/// One agent's or one product's follow-ups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Recovery {
    /// The staff id, or the SKU.
    pub id: String,
    /// The staff member's name (the worker fills it in), or the product's title.
    pub name: String,
    /// Follow-ups closed.
    pub closed: u32,
    /// Of which recovered (revised or removed).
    pub recovered: u32,
    /// Recovered per 10,000 closed.
    pub rate_bps: Option<u32>,
}

/// The follow-ups' figures from the cells read.
fn review_figures(by: &BTreeMap<Dim, BTreeMap<String, (i64, i64)>>) -> ReviewFigures {
    let n_of = |d: Dim, key: &str| by.get(&d).and_then(|m| m.get(key)).map_or(0, |c| c.0);
    let recoveries = |d: Dim, split: bool| -> Vec<Recovery> {
        let mut v: Vec<Recovery> = by
            .get(&d)
            .into_iter()
            .flatten()
            .filter(|(_, (n, _))| *n > 0)
            .map(|(key, (n, sum))| {
                let (id, name) = if split {
                    key.split_once(KEY_SEPARATOR)
                        .map_or((key.clone(), String::new()), |(a, b)| {
                            (a.to_string(), b.to_string())
                        })
                } else {
                    (key.clone(), String::new())
                };
                Recovery {
                    id,
                    name,
                    closed: count(*n),
                    recovered: count(*sum),
                    rate_bps: rate_bps(*sum, *n),
                }
            })
            .collect();
        v.sort_by(|a, b| b.closed.cmp(&a.closed).then_with(|| a.id.cmp(&b.id)));
        v.truncate(TOP_PRODUCTS);
        v
    };
    let code = |o: ReviewOutcome| n_of(Dim::ReviewOutcome, o.code());
    let (revised, removed, unchanged) = (
        code(ReviewOutcome::Revised),
        code(ReviewOutcome::Removed),
        code(ReviewOutcome::Unchanged),
    );
    ReviewFigures {
        recorded: count(n_of(Dim::Kind, CaseKind::ReviewRecovery.code())),
        revised: count(revised),
        removed: count(removed),
        unchanged: count(unchanged),
        recovery_rate_bps: rate_bps(revised + removed, revised + removed + unchanged),
        by_agent: recoveries(Dim::AgentReview, false),
        by_product: recoveries(Dim::ProductReview, true),
    }
}

/// Recovered per 10,000 closed.
fn rate_bps(recovered: i64, closed: i64) -> Option<u32> {
    (closed > 0).then(|| count(recovered.saturating_mul(10_000) / closed))
}

fn count(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

fn average_x100(sum: i64, n: i64) -> Option<u32> {
    (n > 0).then(|| count(sum.saturating_mul(100) / n))
}

/// The distribution of the bucket counts given as `(bucket key, cases)`.
fn durations(buckets: &BTreeMap<String, i64>) -> Durations {
    let total: i64 = buckets.values().sum();
    let rows: Vec<DurationBucket> = DURATION_BUCKETS
        .into_iter()
        .map(|bound| DurationBucket {
            up_to_minutes: (bound != u32::MAX).then_some(bound),
            cases: count(buckets.get(&format!("{bound:010}")).copied().unwrap_or(0)),
        })
        .collect();
    let percentile = |share_x100: i64| {
        if total <= 0 {
            return None;
        }
        let mut seen = 0i64;
        for row in &rows {
            seen += i64::from(row.cases);
            // The smallest bucket holding at least `share` of the cases.
            if seen * 100 >= total * share_x100 {
                return row.up_to_minutes;
            }
        }
        None
    };
    Durations {
        cases: count(total),
        median_minutes: percentile(50),
        p90_minutes: percentile(90),
        buckets: rows,
    }
}

/// What a report is built from: the cells the tally read (all of [`BOUNDED_DIMS`], the
/// [`DAY_DIMS`] of the last [`REPORT_DAYS`], the top products and their reasons) and the latest
/// comments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRows {
    /// The cells.
    pub cells: Vec<Cell>,
    /// The latest rating comments, newest first.
    pub comments: Vec<RatingComment>,
    /// Lines helped by the shop's tips: `("", total)` and `(category, count)` for the top
    /// categories (kept apart from the cells: a count of taps, not derived from the cases, so a
    /// refold of the facts leaves it as it is).
    #[serde(default)]
    pub helped: Vec<(String, i64)>,
}

impl AnalyticsReport {
    /// Folds the rows a tally read into the report for `scope`, days ending at `today` (a local
    /// day number). Agents' names are left empty (the worker knows them).
    #[must_use]
    pub fn build(rows: &ReportRows, scope: ReportScope, today: i64) -> Self {
        let sep = KEY_SEPARATOR;
        let mut by: BTreeMap<Dim, BTreeMap<String, (i64, i64)>> = BTreeMap::new();
        for cell in &rows.cells {
            let entry = by
                .entry(cell.dim)
                .or_default()
                .entry(cell.key.clone())
                .or_default();
            entry.0 += cell.n;
            entry.1 += cell.sum;
        }
        let dim = |d: Dim| by.get(&d).cloned().unwrap_or_default();
        let n_of = |d: Dim, key: &str| by.get(&d).and_then(|m| m.get(key)).copied();
        let counts = |d: Dim| -> BTreeMap<String, i64> {
            dim(d).into_iter().map(|(k, (n, _))| (k, n)).collect()
        };
        let agent_buckets = |id: &str| -> BTreeMap<String, i64> {
            let prefix = format!("{id}{sep}");
            dim(Dim::AgentFirstAnswer)
                .into_iter()
                .filter_map(|(k, (n, _))| k.strip_prefix(&prefix).map(|b| (b.to_string(), n)))
                .collect()
        };
        let agent_figures = |id: &str| {
            let (ratings, stars) = n_of(Dim::AgentRating, id).unwrap_or((0, 0));
            AgentFigures {
                id: id.to_string(),
                name: String::new(),
                cases: count(n_of(Dim::Agent, id).map_or(0, |(n, _)| n)),
                ratings: count(ratings),
                rating_avg_x100: average_x100(stars, ratings),
                first_answer: durations(&agent_buckets(id)),
            }
        };
        let today_key = day_key(today);
        if let ReportScope::Agent { id } = &scope {
            let mine = agent_figures(id);
            return Self {
                totals: Totals {
                    cases: mine.cases,
                    ratings: mine.ratings,
                    rating_avg_x100: mine.rating_avg_x100,
                    ..Totals::default()
                },
                first_answer: mine.first_answer.clone(),
                agents: vec![mine],
                comments: rows
                    .comments
                    .iter()
                    .filter(|c| c.agent.as_deref() == Some(id.as_str()))
                    .cloned()
                    .collect(),
                today: today_key,
                scope,
                by_kind: Vec::new(),
                by_state: Vec::new(),
                by_reason: Vec::new(),
                by_product: Vec::new(),
                days: Vec::new(),
                weeks: Vec::new(),
                resolution: Durations::default(),
                helped: HelpedFigures::default(),
                reviews: ReviewFigures::default(),
            };
        }
        let total = |t: Total| n_of(Dim::Total, t.code()).unwrap_or((0, 0));
        let (cases, _) = total(Total::Cases);
        let (refunded_cases, refunded) = total(Total::Refunded);
        let (ratings, stars) = total(Total::Rated);
        let totals = Totals {
            cases: count(cases),
            open: count(total(Total::Open).0),
            refunded_cases: count(refunded_cases),
            refunded: Money(refunded),
            refund_rate_bps: (cases > 0).then(|| count(refunded_cases * 10_000 / cases)),
            escalated: count(total(Total::Escalated).0),
            deadlines_met: count(total(Total::DeadlinesMet).0),
            deadlines_missed: count(total(Total::DeadlinesMissed).0),
            resolved_by_timeout: count(total(Total::ResolvedByTimeout).0),
            ratings: count(ratings),
            rating_avg_x100: average_x100(stars, ratings),
        };
        let ranked = |d: Dim| -> Vec<(String, u32)> {
            let mut v: Vec<(String, u32)> = counts(d)
                .into_iter()
                .map(|(k, n)| (k, count(n)))
                .filter(|(_, n)| *n > 0)
                .collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            v
        };
        let by_kind = ranked(Dim::Kind)
            .into_iter()
            .filter_map(|(k, cases)| {
                Some(KindCount {
                    kind: CaseKind::EVERY.into_iter().find(|x| x.code() == k)?,
                    cases,
                })
            })
            .collect();
        let by_state = ranked(Dim::State)
            .into_iter()
            .filter_map(|(k, cases)| {
                Some(StateCount {
                    state: StateName::ALL.into_iter().find(|x| x.code() == k)?,
                    cases,
                })
            })
            .collect();
        let by_reason = ranked(Dim::Reason)
            .into_iter()
            .filter_map(|(k, cases)| {
                Some(ReasonCount {
                    reason: Reason::EVERY.into_iter().find(|x| x.code() == k)?,
                    cases,
                })
            })
            .collect();
        let product_reasons = counts(Dim::ProductReason);
        let by_product = ranked(Dim::Product)
            .into_iter()
            .take(TOP_PRODUCTS)
            .filter_map(|(key, cases)| {
                let (sku, title) = key.split_once(sep)?;
                let prefix = format!("{sku}{sep}");
                let mut reasons: Vec<ReasonCount> = product_reasons
                    .range(prefix.clone()..)
                    .take_while(|(k, _)| k.starts_with(&prefix))
                    .filter_map(|(k, n)| {
                        Some(ReasonCount {
                            reason: {
                                let code = k.strip_prefix(&prefix)?;
                                Reason::EVERY.into_iter().find(|x| x.code() == code)?
                            },
                            cases: count(*n),
                        })
                    })
                    .filter(|r| r.cases > 0)
                    .collect();
                reasons.sort_by_key(|r| std::cmp::Reverse(r.cases));
                Some(ProductFigures {
                    sku: sku.to_string(),
                    title: title.to_string(),
                    cases,
                    reasons,
                })
            })
            .collect();
        let first_day = today - (REPORT_DAYS - 1);
        let day_figures = |day: i64| {
            let key = day_key(day);
            let (refunded_cases, refunded) = n_of(Dim::Refunded, &key).unwrap_or((0, 0));
            PeriodFigures {
                filed: count(n_of(Dim::Filed, &key).map_or(0, |c| c.0)),
                closed: count(n_of(Dim::Closed, &key).map_or(0, |c| c.0)),
                refunded_cases: count(refunded_cases),
                refunded: Money(refunded),
                start: key,
            }
        };
        let days: Vec<PeriodFigures> = (first_day..=today).map(day_figures).collect();
        let mut weeks: Vec<PeriodFigures> = Vec::new();
        for (day, figures) in (first_day..=today).zip(&days) {
            // Day 0 (1970-01-01) was a Thursday: Monday is (day + 3) % 7 == 0.
            let new_week = (day + 3).rem_euclid(7) == 0 || weeks.is_empty();
            if new_week {
                weeks.push(PeriodFigures {
                    filed: 0,
                    closed: 0,
                    refunded_cases: 0,
                    refunded: Money::ZERO,
                    start: figures.start.clone(),
                });
            }
            if let Some(week) = weeks.last_mut() {
                week.filed += figures.filed;
                week.closed += figures.closed;
                week.refunded_cases += figures.refunded_cases;
                week.refunded = Money(week.refunded.0 + figures.refunded.0);
            }
        }
        let agents = counts(Dim::Agent)
            .keys()
            .map(|id| agent_figures(id))
            .filter(|a| a.cases > 0)
            .collect();
        Self {
            scope,
            today: today_key,
            totals,
            by_kind,
            by_state,
            by_reason,
            by_product,
            days,
            weeks,
            first_answer: durations(&counts(Dim::FirstAnswer)),
            resolution: durations(&counts(Dim::Resolution)),
            agents,
            comments: rows.comments.clone(),
            helped: helped_figures(&rows.helped),
            reviews: review_figures(&by),
        }
    }
}

/// The helped rows as the report shows them: the total, and the categories most first.
fn helped_figures(rows: &[(String, i64)]) -> HelpedFigures {
    let total = rows
        .iter()
        .find(|(k, _)| k.is_empty())
        .map_or(0, |(_, n)| count(*n));
    let mut by_category: Vec<HelpedCount> = rows
        .iter()
        .filter(|(k, n)| !k.is_empty() && *n > 0)
        .map(|(k, n)| HelpedCount {
            category: k.clone(),
            helped: count(*n),
        })
        .collect();
    by_category.sort_by(|a, b| {
        b.helped
            .cmp(&a.helped)
            .then_with(|| a.category.cmp(&b.category))
    });
    by_category.truncate(TOP_PRODUCTS);
    HelpedFigures { total, by_category }
}

/// The first local day a report's daily figures cover when it ends on `today`.
#[must_use]
pub const fn first_report_day(today: i64) -> i64 {
    today - (REPORT_DAYS - 1)
}

/// Today's local day number at `now` in the shop's zone.
#[must_use]
pub const fn today(now: Timestamp, policy: &Policy) -> i64 {
    local_day(now, policy.utc_offset_minutes)
}

/// A CSV cell: quoted when it holds a separator, and defused when a spreadsheet would read it as a
/// formula (a leading `=`, `+`, `-`, `@`, tab or carriage return gets a `'`).
#[must_use]
pub fn csv_cell(text: &str) -> String {
    let safe = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if safe.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", safe.replace('"', "\"\""))
    } else {
        safe
    }
}

/// Fen as yuan with two decimals (`12345` → `123.45`).
fn yuan(money: Money) -> String {
    let sign = if money.0 < 0 { "-" } else { "" };
    let fen = money.0.unsigned_abs();
    format!("{sign}{}.{:02}", fen / 100, fen % 100)
}

/// The report as CSV, one figure per row (`section,key,label,cases,amount_yuan`), labels in
/// `lang`: what the analytics page shows, for a spreadsheet.
#[must_use]
pub fn to_csv(report: &AnalyticsReport, lang: crate::i18n::Lang) -> String {
    use crate::i18n::{Audience, labels};
    let mut out = String::from("section,key,label,cases,amount_yuan\n");
    let mut row = |section: &str, key: &str, label: &str, cases: u32, amount: Option<Money>| {
        let amount = amount.map(yuan).unwrap_or_default();
        out.push_str(&format!(
            "{section},{},{},{cases},{amount}\n",
            csv_cell(key),
            csv_cell(label)
        ));
    };
    let t = &report.totals;
    for (key, cases, amount) in [
        ("cases", t.cases, None),
        ("open", t.open, None),
        ("refunded", t.refunded_cases, Some(t.refunded)),
        ("escalated", t.escalated, None),
        ("deadlines_met", t.deadlines_met, None),
        ("deadlines_missed", t.deadlines_missed, None),
        ("resolved_by_timeout", t.resolved_by_timeout, None),
        ("ratings", t.ratings, None),
    ] {
        row("total", key, key, cases, amount);
    }
    // Buyers the shop's tips helped without a request: the total, then per category.
    row(
        "total",
        "helped_without_case",
        "helped_without_case",
        report.helped.total,
        None,
    );
    for h in &report.helped.by_category {
        row("helped", &h.category, &h.category, h.helped, None);
    }
    for k in &report.by_kind {
        row(
            "kind",
            k.kind.code(),
            labels::kind(k.kind, lang),
            k.cases,
            None,
        );
    }
    for s in &report.by_state {
        let label = labels::state(s.state, Audience::Staff, lang);
        row("state", s.state.code(), label, s.cases, None);
    }
    for r in &report.by_reason {
        row(
            "reason",
            r.reason.code(),
            labels::reason(r.reason, lang),
            r.cases,
            None,
        );
    }
    for p in &report.by_product {
        row("product", &p.sku, &p.title, p.cases, None);
        for r in &p.reasons {
            let key = format!("{}/{}", p.sku, r.reason.code());
            row(
                "product_reason",
                &key,
                labels::reason(r.reason, lang),
                r.cases,
                None,
            );
        }
    }
    for (section, periods) in [("day", &report.days), ("week", &report.weeks)] {
        for d in periods {
            row(
                &format!("{section}_filed"),
                &d.start,
                &d.start,
                d.filed,
                None,
            );
            row(
                &format!("{section}_closed"),
                &d.start,
                &d.start,
                d.closed,
                None,
            );
            let refunded = Some(d.refunded);
            row(
                &format!("{section}_refunded"),
                &d.start,
                &d.start,
                d.refunded_cases,
                refunded,
            );
        }
    }
    for (section, durations) in [
        ("first_answer", &report.first_answer),
        ("resolution", &report.resolution),
    ] {
        for b in &durations.buckets {
            let key = b
                .up_to_minutes
                .map_or_else(|| "longer".to_string(), |m| format!("<={m}min"));
            row(section, &key, &key, b.cases, None);
        }
    }
    for a in &report.agents {
        row("agent", &a.id, &a.name, a.cases, None);
        row("agent_ratings", &a.id, &a.name, a.ratings, None);
    }
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::domain::{Command, Solution};
    use crate::policy::fixtures::{Run, agent, cst, day_after_signed, line, order, request};

    fn approve() -> Command {
        Command::Approve {
            solution: Solution::RefundOnly { amount: None },
            note: "Sorry.".into(),
        }
    }

    fn lost_book(at: Timestamp) -> Run {
        let o = order(vec![line("book", "books", 5_800, 1)]);
        let mut req = request(CaseKind::RefundOnly, Reason::NotReceived, &[("book", 1)]);
        req.carrier_confirms_loss = true;
        Run::file(&o, req, at).expect("filed")
    }

    #[test]
    fn a_case_answered_in_time_counts_a_deadline_met_its_first_answer_and_its_rating() {
        let filed = day_after_signed(2, 10, 0);
        let mut run = lost_book(filed);
        run.at(filed.plus_hours(3)).ok(&agent(), approve());
        run.at(filed.plus_hours(5)).ok(
            &crate::domain::Actor::Buyer,
            Command::Rate {
                stars: 4,
                comment: "快".repeat(200),
            },
        );
        let facts = CaseFacts::of(&run.case, &run.policy);
        assert_eq!(facts.deadlines_met, 1);
        assert_eq!(facts.deadlines_missed, 0);
        assert!(!facts.resolved_by_timeout);
        assert_eq!(facts.first_answer_minutes, Some(180));
        assert_eq!(facts.resolution_minutes, Some(180));
        assert_eq!(facts.agent.as_deref(), Some("agent-1"));
        // The book and its shipping: it never arrived.
        assert_eq!(facts.refunded.map(|(m, _)| m), Some(Money(5_800 + 1_000)));
        let rating = facts.rating.expect("rated");
        assert_eq!(rating.stars, 4);
        assert_eq!(rating.comment.chars().count(), COMMENT_EXCERPT_CHARS);
        assert_eq!(facts.products, vec![("book".into(), "book title".into())]);
        assert_eq!(day_key(facts.filed_day), "2024-11-03");
    }

    #[test]
    fn a_shop_that_stays_silent_misses_its_deadline_and_the_case_counts_as_resolved_by_timeout() {
        let mut o = order(vec![line("mug", "home", 3_900, 2)]);
        o.shipped_at = None;
        o.signed_for_at = None;
        let filed = cst(2024, 10, 28, 12, 0);
        let mut run = Run::file(
            &o,
            request(CaseKind::RefundOnly, Reason::ChangedMind, &[("mug", 2)]),
            filed,
        )
        .expect("filed");
        run.at(filed.plus_hours(25)).expire();
        let facts = CaseFacts::of(&run.case, &run.policy);
        assert_eq!((facts.deadlines_met, facts.deadlines_missed), (0, 1));
        assert!(facts.resolved_by_timeout);
        assert_eq!(facts.first_answer_minutes, None, "nobody at the shop spoke");
        assert!(facts.closed_day.is_some());
        assert_eq!(facts.agent, None);
    }

    #[test]
    fn a_late_answer_is_a_missed_deadline() {
        let filed = day_after_signed(2, 10, 0);
        let mut run = lost_book(filed);
        // The cron had not run yet: the agent answers after the 48 h clock.
        run.at(filed.plus_hours(24 * 5)).ok(&agent(), approve());
        let facts = CaseFacts::of(&run.case, &run.policy);
        assert_eq!((facts.deadlines_met, facts.deadlines_missed), (0, 1));
    }

    #[test]
    fn durations_read_their_median_and_p90_from_the_buckets() {
        let mut buckets = BTreeMap::new();
        // 5 within 5 min, 4 within 60 min, 1 within a day.
        buckets.insert(bucket_key(3), 5);
        buckets.insert(bucket_key(50), 4);
        buckets.insert(bucket_key(1_000), 1);
        let d = durations(&buckets);
        assert_eq!(d.cases, 10);
        assert_eq!(d.median_minutes, Some(5));
        assert_eq!(d.p90_minutes, Some(60));
        assert_eq!(d.buckets.len(), DURATION_BUCKETS.len());
        assert_eq!(d.buckets.iter().map(|b| b.cases).sum::<u32>(), 10);
        assert_eq!(durations(&BTreeMap::new()).median_minutes, None);
        // Beyond the last bound: counted, but no bound to promise.
        let mut slow = BTreeMap::new();
        slow.insert(bucket_key(u32::MAX), 2);
        assert_eq!(durations(&slow).median_minutes, None);
        assert_eq!(durations(&slow).cases, 2);
    }

    fn facts_strategy() -> impl Strategy<Value = CaseFacts> {
        (
            0..CaseKind::ALL.len(),
            0..Reason::ALL.len(),
            0..StateName::ALL.len(),
            prop::collection::vec(0..4usize, 1..3),
            19_000i64..19_400,
            prop::option::of(0i64..30),
            prop::option::of((1i64..200_000, 0i64..30)),
            prop::option::of(0u32..100_000),
            prop::option::of(0u32..100_000),
            (0u32..3, 0u32..3, any::<bool>(), any::<bool>()),
            prop::option::of(0..3usize),
            prop::option::of(1u8..=5),
        )
            .prop_map(
                |(
                    kind,
                    reason,
                    state,
                    products,
                    filed_day,
                    closed_after,
                    refunded,
                    first,
                    resolution,
                    (met, missed, timeout, escalated),
                    agent,
                    stars,
                )| CaseFacts {
                    kind: CaseKind::ALL[kind],
                    reason: Reason::ALL[reason],
                    state: StateName::ALL[state],
                    products: products
                        .into_iter()
                        .map(|p| (format!("sku-{p}"), format!("title {p}")))
                        .collect(),
                    filed_day,
                    closed_day: closed_after.map(|d| filed_day + d),
                    refunded: refunded.map(|(m, d)| (Money(m), filed_day + d)),
                    first_answer_minutes: first,
                    resolution_minutes: resolution,
                    deadlines_met: met,
                    deadlines_missed: missed,
                    resolved_by_timeout: timeout,
                    escalated,
                    agent: agent.map(|a| format!("st_{a}")),
                    rating: stars.map(|stars| Rating {
                        stars,
                        comment: String::new(),
                        at: Timestamp(0),
                    }),
                    review: None,
                },
            )
    }

    proptest! {
        /// The tally's promise: whatever order cases change in, applying each change's delta to
        /// the running sums gives exactly the sums of the cases' latest facts.
        #[test]
        fn deltas_applied_in_any_order_sum_to_the_latest_facts(
            changes in prop::collection::vec((0..6usize, facts_strategy()), 1..40)
        ) {
            let mut latest: BTreeMap<usize, CaseFacts> = BTreeMap::new();
            let mut running = BTreeMap::new();
            for (case, facts) in changes {
                fold(&mut running, &delta(latest.get(&case), &facts));
                latest.insert(case, facts);
            }
            let mut expected = BTreeMap::new();
            for facts in latest.values() {
                fold(&mut expected, &cells(facts));
            }
            prop_assert_eq!(running, expected);
        }

        /// A change replayed is a change of nothing.
        #[test]
        fn the_same_facts_again_change_nothing(facts in facts_strategy()) {
            prop_assert!(delta(Some(&facts), &facts).is_empty());
        }

        /// The report's weeks hold exactly its days, and its totals the cases counted.
        #[test]
        fn weeks_add_up_to_days_and_totals_to_cases(
            all in prop::collection::vec(facts_strategy(), 0..60)
        ) {
            let mut sums = BTreeMap::new();
            for facts in &all {
                fold(&mut sums, &cells(facts));
            }
            let rows = ReportRows {
                cells: sums
                    .into_iter()
                    .map(|((dim, key), (n, sum))| Cell { dim, key, n, sum })
                    .collect(),
                comments: Vec::new(),
                helped: Vec::new(),
            };
            let today = 19_450;
            let report = AnalyticsReport::build(&rows, ReportScope::Shop, today);
            prop_assert_eq!(report.totals.cases as usize, all.len());
            prop_assert_eq!(report.days.len() as i64, REPORT_DAYS);
            let filed = |p: &[PeriodFigures]| p.iter().map(|d| d.filed).sum::<u32>();
            prop_assert_eq!(filed(&report.days), filed(&report.weeks));
            let in_window = all
                .iter()
                .filter(|f| f.filed_day >= first_report_day(today) && f.filed_day <= today)
                .count();
            prop_assert_eq!(filed(&report.days) as usize, in_window);
            prop_assert_eq!(
                report.by_kind.iter().map(|k| k.cases).sum::<u32>() as usize,
                all.len()
            );
            prop_assert_eq!(
                report.first_answer.cases as usize,
                all.iter().filter(|f| f.first_answer_minutes.is_some()).count()
            );
        }
    }

    #[test]
    fn the_csv_has_one_row_per_figure_defused_and_in_yuan() {
        let facts = CaseFacts {
            kind: CaseKind::RefundOnly,
            reason: Reason::NotReceived,
            state: StateName::Closed,
            products: vec![("=SKU".into(), "Mug, blue".into())],
            filed_day: 20_000,
            closed_day: Some(20_000),
            refunded: Some((Money(12_345), 20_000)),
            first_answer_minutes: Some(3),
            resolution_minutes: Some(3),
            deadlines_met: 1,
            deadlines_missed: 0,
            resolved_by_timeout: false,
            escalated: false,
            agent: None,
            rating: None,
            review: None,
        };
        let mut sums = BTreeMap::new();
        fold(&mut sums, &cells(&facts));
        let rows = ReportRows {
            cells: sums
                .into_iter()
                .map(|((dim, key), (n, sum))| Cell { dim, key, n, sum })
                .collect(),
            comments: Vec::new(),
            helped: vec![
                (String::new(), 3),
                ("toy".into(), 1),
                ("kettle".into(), 2),
                ("gone".into(), 0),
            ],
        };
        let report = AnalyticsReport::build(&rows, ReportScope::Shop, 20_000);
        // The helped count: the total, and the categories most first (none left at zero).
        assert_eq!(report.helped.total, 3);
        let by: Vec<(&str, u32)> = report
            .helped
            .by_category
            .iter()
            .map(|h| (h.category.as_str(), h.helped))
            .collect();
        assert_eq!(by, vec![("kettle", 2), ("toy", 1)]);
        let mine = AnalyticsReport::build(&rows, ReportScope::Agent { id: "st_a".into() }, 20_000);
        assert_eq!(mine.helped, HelpedFigures::default());
        let csv = to_csv(&report, crate::i18n::Lang::En);
        assert!(
            csv.contains(
                "\ntotal,helped_without_case,helped_without_case,3,\nhelped,kettle,kettle,2,\n"
            ),
            "{csv}"
        );
        assert!(csv.starts_with("section,key,label,cases,amount_yuan\n"));
        assert!(
            csv.contains("\ntotal,refunded,refunded,1,123.45\n"),
            "{csv}"
        );
        assert!(csv.contains("\nproduct,'=SKU,\"Mug, blue\",1,\n"), "{csv}");
        assert!(csv.contains(&format!(
            "\nday_refunded,{0},{0},1,123.45\n",
            day_key(20_000)
        )));
        let columns = |line: &str| line.split(',').count();
        assert!(
            csv.lines()
                .filter(|l| !l.contains('"'))
                .all(|l| columns(l) == 5)
        );
        assert_eq!(csv_cell("-1"), "'-1");
        assert_eq!(yuan(Money(-5)), "-0.05");
    }

    #[test]
    fn an_agents_report_holds_only_their_own_figures_and_comments() {
        let mut sums = BTreeMap::new();
        for (agent, stars) in [("st_a", 5), ("st_a", 3), ("st_b", 1)] {
            let facts = CaseFacts {
                kind: CaseKind::Exchange,
                reason: Reason::QualityFault,
                state: StateName::Closed,
                products: vec![("p".into(), "P".into())],
                filed_day: 20_000,
                closed_day: Some(20_001),
                refunded: None,
                first_answer_minutes: Some(20),
                resolution_minutes: Some(2_000),
                deadlines_met: 1,
                deadlines_missed: 0,
                resolved_by_timeout: false,
                escalated: false,
                agent: Some(agent.into()),
                rating: Some(Rating {
                    stars,
                    comment: String::new(),
                    at: Timestamp(0),
                }),
                review: None,
            };
            fold(&mut sums, &cells(&facts));
        }
        let comment = |agent: &str| RatingComment {
            case_id: "c".into(),
            agent: Some(agent.into()),
            stars: 1,
            comment: "slow".into(),
            at: Timestamp(0),
        };
        let rows = ReportRows {
            cells: sums
                .into_iter()
                .map(|((dim, key), (n, sum))| Cell { dim, key, n, sum })
                .collect(),
            comments: vec![comment("st_b"), comment("st_a")],
            helped: Vec::new(),
        };
        let mine = AnalyticsReport::build(&rows, ReportScope::Agent { id: "st_a".into() }, 20_010);
        assert_eq!(mine.totals.cases, 2);
        assert_eq!(mine.totals.rating_avg_x100, Some(400));
        assert_eq!(mine.agents.len(), 1);
        assert_eq!(mine.comments.len(), 1);
        assert!(mine.by_product.is_empty() && mine.days.is_empty());
        let shop = AnalyticsReport::build(&rows, ReportScope::Shop, 20_010);
        assert_eq!(shop.totals.cases, 3);
        assert_eq!(shop.agents.len(), 2);
        assert_eq!(shop.by_product[0].reasons[0].cases, 3);
        assert_eq!(shop.resolution.median_minutes, Some(2_160));
    }

    /// Three follow-ups closed by two agents on two products: the rates are recovered over
    /// closed, per agent and per product, and an open one is recorded but not rated.
    #[test]
    fn the_recovery_rate_is_recovered_over_closed_per_agent_and_per_product() {
        let facts = |agent: &str, sku: &str, outcome: Option<ReviewOutcome>| CaseFacts {
            kind: CaseKind::ReviewRecovery,
            reason: Reason::BadReview,
            state: if outcome.is_some() {
                StateName::Closed
            } else {
                StateName::AwaitingReview
            },
            products: Vec::new(),
            filed_day: 19_000,
            closed_day: outcome.map(|_| 19_001),
            refunded: None,
            first_answer_minutes: None,
            resolution_minutes: None,
            deadlines_met: 0,
            deadlines_missed: 0,
            resolved_by_timeout: false,
            escalated: false,
            agent: Some(agent.into()),
            rating: None,
            review: Some(ReviewFacts {
                products: vec![(sku.into(), format!("{sku} title"))],
                outcome,
            }),
        };
        let all = [
            facts("st_a", "mug", Some(ReviewOutcome::Revised)),
            facts("st_a", "kettle", Some(ReviewOutcome::Unchanged)),
            facts("st_b", "mug", Some(ReviewOutcome::Removed)),
            facts("st_b", "mug", None),
        ];
        let mut sums = BTreeMap::new();
        for f in &all {
            fold(&mut sums, &cells(f));
        }
        let rows = ReportRows {
            cells: sums
                .into_iter()
                .map(|((dim, key), (n, sum))| Cell { dim, key, n, sum })
                .collect(),
            comments: Vec::new(),
            helped: Vec::new(),
        };
        let r = AnalyticsReport::build(&rows, ReportScope::Shop, 19_010).reviews;
        assert_eq!(r.recorded, 4);
        assert_eq!((r.revised, r.removed, r.unchanged), (1, 1, 1));
        assert_eq!(r.recovery_rate_bps, Some(6_666));
        let agent = |id: &str| r.by_agent.iter().find(|a| a.id == id).cloned();
        assert_eq!(agent("st_a").map(|a| (a.closed, a.recovered)), Some((2, 1)));
        assert_eq!(
            agent("st_b").map(|a| (a.closed, a.recovered, a.rate_bps)),
            Some((1, 1, Some(10_000)))
        );
        assert_eq!(r.by_product[0].id, "mug");
        assert_eq!(r.by_product[0].name, "mug title");
        assert_eq!((r.by_product[0].closed, r.by_product[0].recovered), (2, 2));
        // Moving a follow-up from open to closed moves exactly its cells.
        let reopened = delta(
            Some(&all[3]),
            &facts("st_b", "mug", Some(ReviewOutcome::Unchanged)),
        );
        assert!(
            reopened
                .iter()
                .any(|c| c.dim == Dim::ProductReview && c.n == 1 && c.sum == 0)
        );
    }
}
