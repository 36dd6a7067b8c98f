//! The buyer's language ([`Lang`]) and the wording of everything the engine says: every refusal,
//! error, automatic action and queue reason has a stable [`Localized::code`] and a full sentence
//! in Simplified Chinese and English ([`Localized::message`]). The texts live together in
//! `i18n/messages.rs` so that a translator reviews one file.

pub mod labels;
mod messages;
pub mod notify;

use serde::{Deserialize, Serialize};

use crate::domain::{Actor, Money};
use crate::policy::time::LocalDate;

/// A language the portal speaks (DOMAIN.md "Talking to the buyer": at least zh-CN and en).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Lang {
    /// Simplified Chinese; the default, as the shops are mainland shops.
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    /// English, for cross-border buyers.
    #[serde(rename = "en")]
    En,
}

impl Lang {
    /// The BCP 47 tag.
    #[must_use]
    pub const fn tag(self) -> &'static str {
        match self {
            Self::ZhCn => "zh-CN",
            Self::En => "en",
        }
    }

    /// The best language for an HTTP `Accept-Language` header: the highest-weighted `zh*` or
    /// `en*` entry (ties keep header order); Chinese when neither appears.
    #[must_use]
    pub fn from_accept_language(header: &str) -> Self {
        let mut best: Option<(u32, Self)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let weight = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(1000, parse_weight);
            let lang = if tag == "zh" || tag.starts_with("zh-") {
                Self::ZhCn
            } else if tag == "en" || tag.starts_with("en-") {
                Self::En
            } else {
                continue;
            };
            if weight > 0 && best.is_none_or(|(w, _)| weight > w) {
                best = Some((weight, lang));
            }
        }
        best.map_or(Self::ZhCn, |(_, lang)| lang)
    }
}

/// Whom a sentence speaks to. The same refusal asks different things of different people: "the
/// shop is waiting for you to send the goods back" is the buyer's next step, while a warehouse
/// worker told the same thing would read an instruction that is not theirs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// The buyer, in the portal ("you" is the buyer). The default: most sentences are theirs.
    #[default]
    Buyer,
    /// The shop's staff; also the system, whose refusals only reach the logs staff read.
    Staff,
}

impl Audience {
    /// Who reads the answer to a command `actor` sent.
    #[must_use]
    pub const fn of(actor: &Actor) -> Self {
        match actor {
            Actor::Buyer => Self::Buyer,
            Actor::Staff { .. } | Actor::System => Self::Staff,
        }
    }
}

/// English month abbreviations.
const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A calendar date as the buyer reads it: `2026年10月21日` / `21 Oct 2026`.
#[must_use]
pub fn local_date(d: LocalDate, lang: Lang) -> String {
    match lang {
        Lang::ZhCn => format!("{}年{}月{}日", d.year, d.month, d.day),
        Lang::En => {
            let month = MONTHS_EN
                .get((d.month as usize).saturating_sub(1))
                .copied()
                .unwrap_or("");
            format!("{} {month} {}", d.day, d.year)
        }
    }
}

/// A q-value as thousandths (`"0.8"` → 800); malformed values count as zero.
fn parse_weight(q: &str) -> u32 {
    let q = q.trim();
    let (int, frac) = q.split_once('.').unwrap_or((q, ""));
    let int: u32 = match int {
        "0" | "" => 0,
        "1" => 1,
        _ => return 0,
    };
    let mut thousandths = 0;
    for (i, b) in frac.bytes().take(3).enumerate() {
        if !b.is_ascii_digit() {
            return 0;
        }
        thousandths += u32::from(b - b'0') * [100, 10, 1][i];
    }
    (int * 1000 + thousandths).min(1000)
}

/// One sentence in each language, by name (Chinese first, as everywhere the two are written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// 简体中文.
    pub zh: String,
    /// English.
    pub en: String,
}

/// Something the engine says to people: a stable code and a sentence per language.
pub trait Localized {
    /// Stable snake_case code (for logs, analytics and the JSON error envelope).
    fn code(&self) -> &'static str;
    /// A full sentence in `lang` that a buyer understands.
    fn message(&self, lang: Lang) -> String;
}

/// An amount in minor units as a decimal with two places (`1234` → `"12.34"`).
#[must_use]
pub fn format_amount(amount: Money) -> String {
    let sign = if amount.0 < 0 { "-" } else { "" };
    let abs = amount.0.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// What a buyer is told when a refund is sent: how much, where it goes and when it usually
/// arrives (`amount` already formatted with its currency; the days are the shop's settings,
/// `Policy::refund_arrival_days_from`/`_to`). One sentence for the case page and the notices.
#[must_use]
pub fn refund_arrival(lang: Lang, amount: &str, days: [i64; 2]) -> String {
    let [from, to] = days;
    let span = if from == to {
        from.to_string()
    } else {
        format!("{from}–{to}")
    };
    match lang {
        Lang::ZhCn => format!("{amount} 原路退回，通常 {span} 个工作日到账。"),
        Lang::En if to == 1 => {
            format!("{amount} back to the original payment, usually within 1 working day.")
        }
        Lang::En => format!("{amount} back to the original payment, usually {span} working days."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refund_says_how_much_where_and_when() {
        assert_eq!(
            refund_arrival(Lang::En, "¥549.00", [1, 3]),
            "¥549.00 back to the original payment, usually 1–3 working days."
        );
        assert_eq!(
            refund_arrival(Lang::ZhCn, "¥549.00", [2, 2]),
            "¥549.00 原路退回，通常 2 个工作日到账。"
        );
        assert_eq!(
            refund_arrival(Lang::En, "$5.00", [0, 1]),
            "$5.00 back to the original payment, usually within 1 working day."
        );
    }

    #[test]
    fn accept_language_picks_the_best_supported_language() {
        let table = [
            ("zh-CN,zh;q=0.9,en;q=0.8", Lang::ZhCn),
            ("en-US,en;q=0.9,zh-CN;q=0.8", Lang::En),
            ("fr-FR,en;q=0.5,zh;q=0.4", Lang::En),
            ("fr-FR,de", Lang::ZhCn),
            ("", Lang::ZhCn),
            ("zh-TW;q=0.3, en-GB;q=0.7", Lang::En),
            ("en;q=0, zh;q=0.1", Lang::ZhCn),
            ("EN-us", Lang::En),
            ("en;q=abc", Lang::ZhCn),
        ];
        for (header, expected) in table {
            assert_eq!(Lang::from_accept_language(header), expected, "{header}");
        }
    }

    #[test]
    fn languages_serialize_as_bcp47_tags() {
        let json = serde_json::to_string(&[Lang::ZhCn, Lang::En]).unwrap_or_default();
        assert_eq!(json, r#"["zh-CN","en"]"#);
    }

    #[test]
    fn amounts_format_with_two_decimals() {
        assert_eq!(format_amount(Money(123_456)), "1234.56");
        assert_eq!(format_amount(Money(5)), "0.05");
        assert_eq!(format_amount(Money(-250)), "-2.50");
    }
}
