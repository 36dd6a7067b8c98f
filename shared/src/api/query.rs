//! Query strings as the worker reads them: from the pairs `url::Url::query_pairs` splits, the
//! first value of each name wins (`worker::http::query`). Here rather than in the handlers so
//! that the fuzz crate (`fuzz/`) drives exactly these functions, on wasm32, with mutated queries.

use serde::Deserialize;
use serde::de::IntoDeserializer;
use serde::de::value::{Error as ValueError, StrDeserializer};

use super::{ApiErrorCode, RebuildOnly};
use crate::domain::{CaseKind, StateName};
use crate::i18n::Lang;

/// The first value given for `name`.
fn first<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A yes/no parameter: `true` or `1` is yes.
fn flag(pairs: &[(String, String)], name: &str) -> bool {
    first(pairs, name).is_some_and(|v| v == "true" || v == "1")
}

/// A unit variant by its wire name (`return_and_refund`), as in a JSON body.
fn wire_name<'de, T: Deserialize<'de>>(value: &'de str) -> Result<T, ApiErrorCode> {
    let de: StrDeserializer<'de, ValueError> = value.into_deserializer();
    T::deserialize(de).map_err(|_| ApiErrorCode::BadRequest)
}

/// A page size in `1..=max`, or `default` when absent.
fn limit(pairs: &[(String, String)], default: usize, max: usize) -> Result<usize, ApiErrorCode> {
    match first(pairs, "limit") {
        Some(l) => l
            .parse()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or(ApiErrorCode::BadRequest),
        None => Ok(default),
    }
}

/// Whose cases the queue lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assignee {
    /// Everyone's.
    Anyone,
    /// One staff member's (`assignee=st_…`).
    Named(String),
    /// The caller's (`mine=true`).
    Mine,
    /// Nobody's yet (`unassigned=true`).
    Unassigned,
}

/// `GET /api/staff/queue?kind=&state=&overdue=true&assignee=|mine=true|unassigned=true&cursor=&limit=`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueQuery {
    /// One kind.
    pub kind: Option<CaseKind>,
    /// One state.
    pub state: Option<StateName>,
    /// Whose.
    pub assignee: Assignee,
    /// Past their deadline only.
    pub overdue: bool,
    /// Page size, 1 to 100 (25 by default).
    pub limit: usize,
    /// Where the page starts, as the previous page gave it (read by the worker's queue).
    pub cursor: Option<String>,
}

impl QueueQuery {
    /// Reads the queue's parameters.
    ///
    /// # Errors
    /// [`ApiErrorCode::BadRequest`] for an unknown kind or state, an assignee that cannot be a
    /// staff id, two assignee filters at once, or a limit outside 1 to 100.
    pub fn parse(pairs: &[(String, String)]) -> Result<Self, ApiErrorCode> {
        let kind = first(pairs, "kind").map(wire_name).transpose()?;
        let state = first(pairs, "state").map(wire_name).transpose()?;
        let named = first(pairs, "assignee")
            .map(|a| {
                // A staff id (`st_…`): it becomes part of an index key.
                (!a.is_empty() && a.len() <= 64 && !a.contains(':'))
                    .then(|| a.to_string())
                    .ok_or(ApiErrorCode::BadRequest)
            })
            .transpose()?;
        let assignee = match (named, flag(pairs, "mine"), flag(pairs, "unassigned")) {
            (None, false, false) => Assignee::Anyone,
            (Some(id), false, false) => Assignee::Named(id),
            (None, true, false) => Assignee::Mine,
            (None, false, true) => Assignee::Unassigned,
            _ => return Err(ApiErrorCode::BadRequest),
        };
        Ok(Self {
            kind,
            state,
            assignee,
            overdue: flag(pairs, "overdue"),
            limit: limit(pairs, 25, 100)?,
            cursor: first(pairs, "cursor").map(str::to_string),
        })
    }
}

/// `GET /api/staff/search?q=`: the text to look for, trimmed; `None` when it is longer than any
/// id, order number or tracking number (nothing can match: an empty answer, nothing read).
///
/// # Errors
/// [`ApiErrorCode::BadRequest`] when there is nothing to look for.
pub fn search_text(pairs: &[(String, String)]) -> Result<Option<String>, ApiErrorCode> {
    let q = first(pairs, "q").unwrap_or_default().trim();
    if q.is_empty() {
        return Err(ApiErrorCode::BadRequest);
    }
    Ok((q.len() <= 128).then(|| q.to_string()))
}

/// `GET /api/staff/policy/changes?cursor=&limit=`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangesQuery {
    /// Page size, 1 to 100 (20 by default).
    pub limit: u64,
    /// KV's own cursor, passed back as given: opaque, but bounded and plain.
    pub cursor: Option<String>,
}

impl ChangesQuery {
    /// Reads the change log's parameters.
    ///
    /// # Errors
    /// [`ApiErrorCode::BadRequest`] for a limit outside 1 to 100, or a cursor that is empty,
    /// longer than 1024 bytes or holds anything but base64 and `-_=+/.`.
    pub fn parse(pairs: &[(String, String)]) -> Result<Self, ApiErrorCode> {
        let cursor = first(pairs, "cursor")
            .map(|c| {
                (!c.is_empty()
                    && c.len() <= 1024
                    && c.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_=+/.".contains(&b)))
                .then(|| c.to_string())
                .ok_or(ApiErrorCode::BadRequest)
            })
            .transpose()?;
        Ok(Self {
            limit: u64::try_from(limit(pairs, 20, 100)?).unwrap_or(20),
            cursor,
        })
    }
}

/// `GET /api/staff/analytics.csv?lang=`: a download link cannot set headers, so the admin names
/// its language in the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportQuery {
    /// The labels' language.
    pub lang: Lang,
}

impl ReportQuery {
    /// Reads `lang` (any `Accept-Language` value), else `header` (the caller's header).
    #[must_use]
    pub fn parse(pairs: &[(String, String)], header: Lang) -> Self {
        Self {
            lang: first(pairs, "lang").map_or(header, Lang::from_accept_language),
        }
    }
}

/// `POST /api/staff/rebuild-indexes?only=figures`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RebuildQuery {
    /// One read model only, or all of them.
    pub only: Option<RebuildOnly>,
}

impl RebuildQuery {
    /// Reads `only`.
    ///
    /// # Errors
    /// [`ApiErrorCode::BadRequest`] for a read model the rebuild does not know.
    pub fn parse(pairs: &[(String, String)]) -> Result<Self, ApiErrorCode> {
        Ok(Self {
            only: first(pairs, "only").map(wire_name).transpose()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> Vec<(String, String)> {
        text.split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (k.to_string(), v.to_string())
            })
            .collect()
    }

    #[test]
    fn the_queue_reads_its_filters_and_refuses_what_it_cannot_serve() {
        let read = QueueQuery::parse(&q("kind=refund_only&state=awaiting_review&mine=1"));
        assert_eq!(
            read,
            Ok(QueueQuery {
                kind: Some(CaseKind::RefundOnly),
                state: Some(StateName::AwaitingReview),
                assignee: Assignee::Mine,
                overdue: false,
                limit: 25,
                cursor: None,
            })
        );
        for bad in [
            "kind=RefundOnly",
            "state=nope",
            "assignee=a:b",
            "assignee=",
            "mine=true&unassigned=true",
            "limit=0",
            "limit=101",
            "limit=-1",
            "limit=4294967296",
        ] {
            assert_eq!(
                QueueQuery::parse(&q(bad)),
                Err(ApiErrorCode::BadRequest),
                "{bad}"
            );
        }
        // The first value of a name wins, as the worker's `query` reads it.
        assert_eq!(
            QueueQuery::parse(&q("limit=5&limit=500")).map(|p| p.limit),
            Ok(5)
        );
    }

    #[test]
    fn search_changes_report_and_rebuild_parameters() {
        assert_eq!(search_text(&q("q=%20")), Ok(Some("%20".into())));
        assert_eq!(search_text(&q("q=  ")), Err(ApiErrorCode::BadRequest));
        assert_eq!(search_text(&q(&format!("q={}", "x".repeat(129)))), Ok(None));
        assert_eq!(
            ChangesQuery::parse(&q("cursor=a%3Cb")),
            Err(ApiErrorCode::BadRequest)
        );
        assert_eq!(
            ChangesQuery::parse(&q("")),
            Ok(ChangesQuery {
                limit: 20,
                cursor: None
            })
        );
        assert_eq!(
            ReportQuery::parse(&q("lang=zh-CN"), Lang::En).lang,
            Lang::ZhCn
        );
        assert_eq!(ReportQuery::parse(&q(""), Lang::ZhCn).lang, Lang::ZhCn);
        assert_eq!(
            RebuildQuery::parse(&q("only=figures")).map(|r| r.only),
            Ok(Some(RebuildOnly::Figures))
        );
        assert_eq!(
            RebuildQuery::parse(&q("only=everything")),
            Err(ApiErrorCode::BadRequest)
        );
    }
}
