//! The buyer's notifications on the wire: the latest news of a case, in both languages, for the
//! open case page (the rule is [`crate::policy::notify`]).

use serde::{Deserialize, Serialize};

use crate::domain::Case;
use crate::i18n::Lang;
use crate::policy::notify::{Setting, latest};

/// The case's latest milestone as its notification put it. The page shows it when `key`
/// changes between two reads: the shop did something while the page was open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseNews {
    /// The notification's key (`<case>.<milestone>.<event index>`).
    pub key: String,
    /// Its title in Simplified Chinese.
    pub zh: String,
    /// Its title in English.
    pub en: String,
}

impl CaseNews {
    /// The latest news of `case`, if the buyer heard of any milestone.
    #[must_use]
    pub fn of(case: &Case, setting: &Setting<'_>) -> Option<Self> {
        let (key, milestone, facts) = latest(case, setting)?;
        let title = |lang| crate::i18n::notify::wording(milestone, &facts, lang).0;
        Some(Self {
            key,
            zh: title(Lang::ZhCn),
            en: title(Lang::En),
        })
    }

    /// The title in `lang`.
    #[must_use]
    pub fn title(&self, lang: Lang) -> &str {
        match lang {
            Lang::ZhCn => &self.zh,
            Lang::En => &self.en,
        }
    }
}
