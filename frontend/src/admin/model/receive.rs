//! Receiving returns: scan the parcel's waybill barcode (or type the number) to open its case;
//! below, the parcels on their way back, so the warehouse knows what to expect.

use shared::api::{CaseSummary, QueuePage};
use shared::domain::StateName;

use crate::admin::api::ApiError;
use crate::admin::route::Screen;
use crate::core::Page;

/// The receive screen.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Receive {
    /// The waybill number as typed or scanned.
    pub number: String,
    /// A lookup is out.
    pub busy: bool,
    /// The camera is scanning.
    pub scanning: bool,
    /// The number looked up found nothing (the number, to say which).
    pub unknown: Option<String>,
    /// Several cases matched: choose one.
    pub matches: Vec<CaseSummary>,
    /// Returns on their way or arrived.
    pub expected: Vec<CaseSummary>,
    /// The last failure.
    pub error: Option<ApiError>,
    /// The last number found no connection: it went to the outbox.
    pub queued: Option<String>,
}

/// What happens on the receive screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// The screen opened.
    Opened,
    /// The number field changed.
    Input(String),
    /// Look the typed number up.
    Find,
    /// The camera read a barcode.
    Scanned(String),
    /// Start or stop the camera.
    Camera(bool),
    /// The lookup answered.
    Found(Result<Vec<CaseSummary>, ApiError>),
    /// The expected parcels answered.
    Expected(Result<QueuePage, ApiError>),
}

/// What the receive screen asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// `GET /api/staff/search?q=`
    Search(String),
    /// `GET /api/staff/queue?state=return_in_transit`
    LoadExpected,
    /// Start (true) or stop the camera scanner.
    Camera(bool),
    /// Open a screen.
    Go(Screen),
    /// Tell the shell the count for its badge.
    Count(u32),
    /// The session expired.
    SignedOut,
    /// No connection: keep the scan in the outbox (the number, normalized).
    Record(String),
}

/// A waybill number as carriers print and scanners read it: no spaces, upper case.
#[must_use]
pub fn normalize(number: &str) -> String {
    number
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

impl Receive {
    fn find(&mut self, number: String) -> Vec<Effect> {
        let n = normalize(&number);
        self.number = number;
        if n.is_empty() || self.busy {
            return Vec::new();
        }
        self.busy = true;
        self.unknown = None;
        self.queued = None;
        self.matches.clear();
        self.error = None;
        vec![Effect::Search(n)]
    }
}

impl Page for Receive {
    type Msg = Msg;
    type Effect = Effect;

    fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Opened => return vec![Effect::LoadExpected],
            Msg::Input(text) => self.number = text,
            Msg::Find => return self.find(self.number.clone()),
            Msg::Scanned(code) => {
                self.scanning = false;
                let mut effects = vec![Effect::Camera(false)];
                effects.extend(self.find(code));
                return effects;
            }
            Msg::Camera(on) => {
                self.scanning = on;
                return vec![Effect::Camera(on)];
            }
            Msg::Found(Ok(found)) => {
                self.busy = false;
                match found.as_slice() {
                    [] => self.unknown = Some(normalize(&self.number)),
                    [one] => return vec![Effect::Go(Screen::Case(one.id.clone()))],
                    _ => self.matches = found,
                }
            }
            Msg::Found(Err(e)) if e.status == 0 => {
                // Scanned without a connection: the parcel is here all the same. Its case is
                // looked up and marked arrived when the connection returns.
                self.busy = false;
                let number = normalize(&self.number);
                self.queued = Some(number.clone());
                self.number.clear();
                return vec![Effect::Record(number)];
            }
            Msg::Found(Err(e)) | Msg::Expected(Err(e)) => {
                self.busy = false;
                if e.signed_out() {
                    return vec![Effect::SignedOut];
                }
                self.error = Some(e);
            }
            Msg::Expected(Ok(page)) => {
                self.expected = page
                    .items
                    .into_iter()
                    .filter(|s| s.state == StateName::ReturnInTransit)
                    .collect();
                return vec![Effect::Count(self.expected.len() as u32)];
            }
        }
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(id: &str) -> CaseSummary {
        crate::admin::model::queue::tests::summary(
            id,
            shared::domain::CaseKind::ReturnAndRefund,
            100,
            false,
        )
    }

    #[test]
    fn a_scanned_waybill_opens_its_case() {
        let mut r = Receive::default();
        let effects = r.update(Msg::Scanned("sf 1234-5678 ".into()));
        assert_eq!(
            effects,
            vec![Effect::Camera(false), Effect::Search("SF12345678".into())]
        );
        assert_eq!(
            r.update(Msg::Found(Ok(vec![hit("AS-9")]))),
            vec![Effect::Go(Screen::Case("AS-9".into()))]
        );
    }

    #[test]
    fn an_unknown_number_says_so() {
        let mut r = Receive::default();
        r.update(Msg::Input("yt000".into()));
        assert_eq!(r.update(Msg::Find), vec![Effect::Search("YT000".into())]);
        assert!(r.update(Msg::Find).is_empty(), "one lookup at a time");
        r.update(Msg::Found(Ok(vec![])));
        assert_eq!(r.unknown.as_deref(), Some("YT000"));
        r.update(Msg::Input("   ".into()));
        assert!(
            r.update(Msg::Find).is_empty(),
            "nothing typed, nothing sent"
        );
    }

    #[test]
    fn several_matches_are_listed_to_choose_from() {
        let mut r = Receive::default();
        r.update(Msg::Input("TB1".into()));
        r.update(Msg::Find);
        assert!(
            r.update(Msg::Found(Ok(vec![hit("a"), hit("b")])))
                .is_empty()
        );
        assert_eq!(r.matches.len(), 2);
    }

    #[test]
    fn a_scan_without_a_connection_goes_to_the_outbox() {
        let mut r = Receive::default();
        r.update(Msg::Scanned("sf 99".into()));
        let offline = crate::admin::api::ApiError {
            status: 0,
            code: shared::api::ErrorCode::Network,
            message: "No connection".into(),
            current: None,
        };
        assert_eq!(
            r.update(Msg::Found(Err(offline))),
            vec![Effect::Record("SF99".into())]
        );
        assert_eq!(r.queued.as_deref(), Some("SF99"));
        assert!(r.error.is_none(), "not an error: it is kept");
    }
}
