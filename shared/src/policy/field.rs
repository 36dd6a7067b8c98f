//! A problem with one field of an input, in both languages: what every validator returns (the
//! policy's settings, its tips, a staff form), kept apart so that none of them depends on another
//! to name a problem.

use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, Sentence};

/// A problem with one field of an input (a policy, a form).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[error("{field}: {message_en}")]
pub struct FieldError {
    /// The field's path, e.g. `deadlines.buyer_info_days` (`$` for the whole document).
    pub field: String,
    /// Stable code, e.g. `must_be_positive`.
    pub code: String,
    /// What is wrong, in English.
    pub message_en: String,
    /// What is wrong, in Simplified Chinese.
    pub message_zh: String,
}

impl FieldError {
    /// A field error: which field, its stable code, and the sentence in each language (named,
    /// so the two languages cannot be swapped by position).
    #[must_use]
    pub fn new(field: &str, code: &str, message: Sentence) -> Self {
        Self {
            field: field.to_owned(),
            code: code.to_owned(),
            message_en: message.en,
            message_zh: message.zh,
        }
    }

    /// The message in `lang`.
    #[must_use]
    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::ZhCn => &self.message_zh,
            Lang::En => &self.message_en,
        }
    }
}
