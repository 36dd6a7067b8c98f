//! The analytics screen: four sections of the figures the worker computes (overview, reasons,
//! speed, team), one report loaded once and read by every section. The section is in the URL
//! (`?view=`), so a reload or a shared link opens the same one.

use shared::analytics::{AnalyticsReport, Totals};

use crate::admin::api::ApiError;
use crate::core::Page;

/// A section of the analytics screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Totals and cases over time.
    Overview,
    /// Reasons, kinds and products.
    Reasons,
    /// Time to first answer and to resolution, deadlines.
    Speed,
    /// Staff members, their ratings and the buyers' comments.
    Team,
}

impl Section {
    /// Every section, in the switch's order.
    pub const ALL: [Self; 4] = [Self::Overview, Self::Reasons, Self::Speed, Self::Team];

    /// Its name in the URL.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Overview => "overview",
            Self::Reasons => "reasons",
            Self::Speed => "speed",
            Self::Team => "team",
        }
    }

    /// The section a query (`view=…`) names; the overview otherwise.
    #[must_use]
    pub fn from_query(query: &str) -> Self {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix("view="))
            .and_then(|code| Self::ALL.into_iter().find(|s| s.code() == code))
            .unwrap_or(Self::Overview)
    }
}

/// The analytics screen's state.
#[derive(Debug, Clone, PartialEq)]
pub struct Analytics {
    /// The section shown.
    pub section: Section,
    /// The figures, once loaded.
    pub report: Option<AnalyticsReport>,
    /// A load is out.
    pub busy: bool,
    /// The last failure.
    pub error: Option<ApiError>,
}

impl Analytics {
    /// The screen opened on the URL's query.
    #[must_use]
    pub fn new(query: &str) -> Self {
        Self {
            section: Section::from_query(query),
            report: None,
            busy: false,
            error: None,
        }
    }
}

/// What happens on the analytics screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// The screen opened, or "retry".
    Load,
    /// The switch chose a section.
    Show(Section),
    /// The figures answered.
    Loaded(Result<Box<AnalyticsReport>, ApiError>),
}

/// What the analytics screen asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// `GET /api/staff/analytics`
    Fetch,
    /// Put the section in the URL without a new history entry.
    ReplaceQuery(String),
    /// The session expired.
    SignedOut,
}

impl Page for Analytics {
    type Msg = Msg;
    type Effect = Effect;

    fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Load if self.busy => Vec::new(),
            Msg::Load => {
                self.busy = true;
                self.error = None;
                vec![Effect::Fetch]
            }
            Msg::Show(section) => {
                self.section = section;
                vec![Effect::ReplaceQuery(format!("view={}", section.code()))]
            }
            Msg::Loaded(Ok(report)) => {
                self.busy = false;
                self.report = Some(*report);
                Vec::new()
            }
            Msg::Loaded(Err(e)) => {
                self.busy = false;
                let signed_out = e.signed_out();
                self.error = Some(e);
                if signed_out {
                    vec![Effect::SignedOut]
                } else {
                    Vec::new()
                }
            }
        }
    }
}

/// The share of the shop's deadlines met, in percent (`None` before any deadline).
#[must_use]
pub fn deadlines_met_percent(totals: &Totals) -> Option<u32> {
    let all = u64::from(totals.deadlines_met) + u64::from(totals.deadlines_missed);
    (all > 0).then(|| u32::try_from(u64::from(totals.deadlines_met) * 100 / all).unwrap_or(100))
}

/// Basis points as a percentage with one decimal ("16.7%").
#[must_use]
pub fn percent_of_bps(bps: u32) -> String {
    format!("{}.{}%", bps / 100, (bps % 100) / 10)
}

/// An average ×100 as a rating ("4.50").
#[must_use]
pub fn rating_of_x100(x100: u32) -> String {
    format!("{}.{:02}", x100 / 100, x100 % 100)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::analytics::ReportScope;
    use shared::api::ErrorCode;

    fn report() -> AnalyticsReport {
        AnalyticsReport {
            scope: ReportScope::Shop,
            today: "2026-12-01".into(),
            totals: Totals::default(),
            by_kind: Vec::new(),
            by_state: Vec::new(),
            by_reason: Vec::new(),
            by_product: Vec::new(),
            days: Vec::new(),
            weeks: Vec::new(),
            first_answer: Default::default(),
            resolution: Default::default(),
            agents: Vec::new(),
            comments: Vec::new(),
            helped: Default::default(),
            reviews: Default::default(),
        }
    }

    #[test]
    fn the_url_names_the_section_and_anything_else_opens_the_overview() {
        assert_eq!(Section::from_query("view=speed"), Section::Speed);
        assert_eq!(Section::from_query("x=1&view=team"), Section::Team);
        assert_eq!(Section::from_query("view=nope"), Section::Overview);
        assert_eq!(Section::from_query(""), Section::Overview);
        for s in Section::ALL {
            assert_eq!(Section::from_query(&format!("view={}", s.code())), s);
        }
    }

    #[test]
    fn one_load_serves_every_section() {
        let mut m = Analytics::new("view=reasons");
        assert_eq!(m.section, Section::Reasons);
        assert_eq!(m.update(Msg::Load), vec![Effect::Fetch]);
        assert_eq!(m.update(Msg::Load), Vec::new(), "one load at a time");
        assert!(m.update(Msg::Loaded(Ok(Box::new(report())))).is_empty());
        assert_eq!(
            m.update(Msg::Show(Section::Team)),
            vec![Effect::ReplaceQuery("view=team".into())]
        );
        assert!(m.report.is_some() && !m.busy);
    }

    #[test]
    fn an_expired_session_signs_in_again_and_other_failures_offer_a_retry() {
        let failure = |status| ApiError {
            status,
            code: ErrorCode::BadResponse,
            message: "x".into(),
            current: None,
        };
        let mut m = Analytics::new("");
        m.update(Msg::Load);
        assert_eq!(
            m.update(Msg::Loaded(Err(failure(401)))),
            vec![Effect::SignedOut]
        );
        m.update(Msg::Load);
        assert!(m.update(Msg::Loaded(Err(failure(500)))).is_empty());
        assert!(m.error.is_some());
        assert_eq!(m.update(Msg::Load), vec![Effect::Fetch]);
    }

    #[test]
    fn shares_and_ratings_read_as_people_write_them() {
        let totals = Totals {
            deadlines_met: 3,
            deadlines_missed: 1,
            ..Totals::default()
        };
        assert_eq!(deadlines_met_percent(&totals), Some(75));
        assert_eq!(deadlines_met_percent(&Totals::default()), None);
        assert_eq!(percent_of_bps(1_666), "16.6%");
        assert_eq!(rating_of_x100(450), "4.50");
    }
}
