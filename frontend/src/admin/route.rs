//! The admin's screens and their paths under `/admin`. Plain functions, tested natively.

use crate::format;

/// Where every admin path starts.
pub const BASE: &str = "/admin";

/// A screen of the admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    /// `/admin`: the queue.
    Queue,
    /// `/admin/case/{id}`
    Case(String),
    /// `/admin/receive`: find a return parcel by its waybill.
    Receive,
    /// `/admin/me`: who is signed in, the language, sign out.
    Me,
    /// `/admin/analytics` (owner).
    Analytics,
    /// `/admin/settings` (owner): the shop's policy, reached from the Me tab (the tab bar is
    /// full on a phone).
    Settings,
    /// `/admin/team` (owner): accounts and invitations.
    Team,
    /// `/admin/replies`: canned replies (the owner edits, others read).
    Replies,
    /// `/admin/invite/{token}`: an invited person sets a password (no session needed).
    Invite(String),
    /// `/admin/review`: record a bad review by hand (an agent or the owner).
    RecordReview,
    /// `/admin/signin?next=`: sign in, then go back to `next`.
    SignIn {
        /// An admin path to return to.
        next: String,
    },
    /// Anything else under `/admin`.
    NotFound,
}

/// The tabs of the bottom bar, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// The queue (and the cases opened from it).
    Queue,
    /// The warehouse's receiving screen.
    Receive,
    /// Analytics (owner only).
    Analytics,
    /// The account.
    Me,
}

impl Screen {
    /// The screen of a path and its query (without `?`).
    #[must_use]
    pub fn parse(path: &str, query: &str) -> Self {
        let Some(rest) = path.strip_prefix(BASE) else {
            return Self::NotFound;
        };
        let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
        match segments.as_slice() {
            [] => Self::Queue,
            ["case", id] => Self::Case(decode(id)),
            ["receive"] => Self::Receive,
            ["me"] => Self::Me,
            ["analytics"] => Self::Analytics,
            ["settings"] => Self::Settings,
            ["team"] => Self::Team,
            ["replies"] => Self::Replies,
            ["invite", token] => Self::Invite(decode(token)),
            ["review"] => Self::RecordReview,
            ["signin"] => Self::SignIn {
                next: safe_next(query_value(query, "next").as_deref()),
            },
            _ => Self::NotFound,
        }
    }

    /// The path of this screen (with its query).
    #[must_use]
    pub fn path(&self) -> String {
        match self {
            // With its slash: the service worker's scope is `/admin/`, and `/admin` is outside it.
            Self::Queue => format!("{BASE}/"),
            Self::Case(id) => format!("{BASE}/case/{}", format::encode(id)),
            Self::Receive => format!("{BASE}/receive"),
            Self::Me => format!("{BASE}/me"),
            Self::Analytics => format!("{BASE}/analytics"),
            Self::Settings => format!("{BASE}/settings"),
            Self::Team => format!("{BASE}/team"),
            Self::Replies => format!("{BASE}/replies"),
            Self::Invite(token) => format!("{BASE}/invite/{}", format::encode(token)),
            Self::RecordReview => format!("{BASE}/review"),
            Self::SignIn { next } => format!("{BASE}/signin?next={}", format::encode(next)),
            Self::NotFound => format!("{BASE}/404"),
        }
    }

    /// True for a screen the owner's desk draws (its own page; `routes::admin_page_of`).
    #[must_use]
    pub fn in_desk(&self) -> bool {
        shared::api::routes::admin_page_of(&self.path()) == "/admin/desk/"
    }

    /// The tab that is lit on this screen.
    #[must_use]
    pub fn tab(&self) -> Option<Tab> {
        match self {
            // A recorded review opens a case in the queue.
            Self::Queue | Self::Case(_) | Self::RecordReview => Some(Tab::Queue),
            Self::Receive => Some(Tab::Receive),
            Self::Analytics => Some(Tab::Analytics),
            Self::Me | Self::Settings | Self::Team | Self::Replies => Some(Tab::Me),
            Self::SignIn { .. } | Self::Invite(_) | Self::NotFound => None,
        }
    }
}

impl Tab {
    /// The screen a tab opens.
    #[must_use]
    pub fn screen(self) -> Screen {
        match self {
            Self::Queue => Screen::Queue,
            Self::Receive => Screen::Receive,
            Self::Analytics => Screen::Analytics,
            Self::Me => Screen::Me,
        }
    }
}

/// Where to go after signing in: an admin path from the URL, never another site (an open
/// redirect would send a member of staff who just typed their password wherever a link said).
#[must_use]
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(p)
            if (p == BASE || p.starts_with("/admin/") || p.starts_with("/admin?"))
                && !p.contains("//")
                && !p.contains('\\')
                && !p.starts_with("/admin/signin")
                && !p.starts_with("/admin/invite/") =>
        {
            p.to_string()
        }
        _ => format!("{BASE}/"),
    }
}

/// Percent-decoding of one path segment or query value.
#[must_use]
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |j: usize| bytes.get(j).and_then(|c| char::from(*c).to_digit(16));
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b'+', _, _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The value of `key` in a query string (without the `?`).
#[must_use]
pub fn query_value(query: &str, key: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (decode(k) == key).then(|| decode(v))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_screen_survives_its_own_path() {
        let screens = [
            Screen::Queue,
            Screen::Case("AS-1 2/3".into()),
            Screen::Receive,
            Screen::Me,
            Screen::Analytics,
            Screen::Settings,
            Screen::Team,
            Screen::Replies,
            Screen::Invite("ab12".into()),
            Screen::RecordReview,
            Screen::SignIn {
                next: "/admin/case/AS-1?x=1".into(),
            },
        ];
        for screen in screens {
            let path = screen.path();
            let (p, q) = path.split_once('?').unwrap_or((&path, ""));
            assert_eq!(Screen::parse(p, q), screen, "{path}");
        }
    }

    #[test]
    fn the_owners_desk_draws_analytics_settings_team_replies_invitations_and_reviews_by_hand() {
        let desk = [
            Screen::Analytics,
            Screen::Settings,
            Screen::Team,
            Screen::Replies,
            Screen::Invite("team".into()),
            Screen::RecordReview,
        ];
        for screen in desk {
            assert!(screen.in_desk(), "{screen:?}");
        }
        let daily = [
            Screen::Queue,
            Screen::Case("analytics".into()),
            Screen::Receive,
            Screen::Me,
            Screen::SignIn {
                next: "/admin/analytics".into(),
            },
            Screen::NotFound,
        ];
        for screen in daily {
            assert!(!screen.in_desk(), "{screen:?}");
        }
    }

    #[test]
    fn unknown_paths_are_not_found() {
        assert_eq!(Screen::parse("/admin/nope", ""), Screen::NotFound);
        assert_eq!(Screen::parse("/case/AS-1", ""), Screen::NotFound);
        assert_eq!(Screen::parse("/admin/", ""), Screen::Queue);
    }

    #[test]
    fn sign_in_returns_only_to_admin_paths() {
        assert_eq!(safe_next(Some("/admin/case/AS-1")), "/admin/case/AS-1");
        assert_eq!(safe_next(Some("https://evil.example")), "/admin/");
        assert_eq!(safe_next(Some("//evil.example/admin")), "/admin/");
        assert_eq!(safe_next(Some("/admin//evil.example")), "/admin/");
        assert_eq!(safe_next(Some("/case/AS-1")), "/admin/");
        assert_eq!(safe_next(Some("/admin/signin?next=/admin")), "/admin/");
        assert_eq!(safe_next(None), "/admin/");
    }
}
