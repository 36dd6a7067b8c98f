//! The owner's settings: every setting of the shop's policy as text to edit, checked on the
//! device by the same validation the worker runs (`Policy::validate`), a preview of what saving
//! would do to the open cases, then the save and the change log.

use shared::Lang;
use shared::api::settings::{PolicyChangeEntry, PolicyChangesPage, PolicyPreview};
use shared::domain::Money;
use shared::i18n::Sentence;
use shared::policy::{FieldError, Policy, SETTINGS, Setting, SettingValue, Unit};

use crate::admin::api::ApiError;
use crate::admin::model::tips::{TipField, TipRow, rows_of, tips_of};
use crate::core::Page;

/// The settings screen.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    /// The policy as saved (what the inputs start from, and what categories keep).
    pub saved: Option<Policy>,
    /// The text of each setting, in [`SETTINGS`] order.
    pub inputs: Vec<String>,
    /// Problems with the inputs (the device's check, or the server's).
    pub problems: Vec<FieldError>,
    /// What saving the inputs would do; cleared by any edit.
    pub preview: Option<PolicyPreview>,
    /// The candidate the preview is about (the one "Save" sends).
    pub candidate: Option<Policy>,
    /// The change log, newest first.
    pub changes: Vec<PolicyChangeEntry>,
    /// Where the change log continues.
    pub changes_cursor: Option<String>,
    /// A call is out.
    pub busy: bool,
    /// The last save went through (until the next edit).
    pub just_saved: bool,
    /// The last failure.
    pub error: Option<ApiError>,
    /// The shop's tips, one row per tip (issue 15).
    pub tips: Vec<TipRow>,
}

/// What happens on the settings screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// The screen opened.
    Opened,
    /// The policy arrived.
    Loaded(Result<Policy, ApiError>),
    /// A page of the change log arrived (`more`: it continues the list shown).
    Changes {
        /// The page.
        page: Result<PolicyChangesPage, ApiError>,
        /// It follows the entries shown (else it replaces them).
        more: bool,
    },
    /// Load the next page of the change log.
    MoreChanges,
    /// A setting's text changed (index into [`SETTINGS`]).
    Input(usize, String),
    /// Back to the saved values.
    Discard,
    /// Check the inputs and ask what saving would change.
    Preview,
    /// The preview answered.
    Previewed(Result<PolicyPreview, ApiError>),
    /// Save the previewed candidate.
    Save,
    /// The save answered.
    Saved(Result<Policy, ApiError>),
    /// A new, empty tip row.
    TipAdd,
    /// Remove a tip row.
    TipRemove(usize),
    /// A part of a tip row changed.
    TipEdit(usize, TipField, String),
}

/// What the settings screen asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// `GET /api/staff/policy`
    LoadPolicy,
    /// `GET /api/staff/policy/changes?cursor=`
    LoadChanges(Option<String>),
    /// `POST /api/staff/policy/preview`
    Preview(Box<Policy>),
    /// `PUT /api/staff/policy`
    Save(Box<Policy>),
    /// The session expired.
    SignedOut,
}

/// A setting's value as text to edit: amounts with two decimals, no limit as empty, dates one
/// per line.
#[must_use]
pub fn to_text(value: &SettingValue) -> String {
    match value {
        SettingValue::OptionalAmount(None) => String::new(),
        SettingValue::Dates(d) => d.join("\n"),
        other => other.display(),
    }
}

/// An amount typed with at most two decimals (`2000`, `2000.5`, `2,000.50`).
#[must_use]
pub fn parse_amount(text: &str) -> Option<Money> {
    let t: String = text.trim().chars().filter(|c| *c != ',').collect();
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty()
        || frac.len() > 2
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || whole.len() > 13
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let cents: i64 = format!("{frac:0<2}").parse().ok()?;
    Some(Money(whole.checked_mul(100)?.checked_add(cents)?))
}

fn not_read(s: &Setting, zh: &str, en: &str) -> FieldError {
    FieldError::new(
        s.path,
        "not_a_number",
        Sentence {
            zh: zh.into(),
            en: en.into(),
        },
    )
}

/// Reads one setting's text as a value of its unit.
fn parse(s: &Setting, text: &str) -> Result<SettingValue, FieldError> {
    let t = text.trim();
    match s.unit {
        Unit::Amount => parse_amount(t)
            .map(SettingValue::Amount)
            .ok_or_else(|| not_read(s, "请输入金额，如 2000.00", "enter an amount, e.g. 2000.00")),
        Unit::OptionalAmount if t.is_empty() => Ok(SettingValue::OptionalAmount(None)),
        Unit::OptionalAmount => parse_amount(t)
            .map(|m| SettingValue::OptionalAmount(Some(m)))
            .ok_or_else(|| {
                not_read(
                    s,
                    "请输入金额，或留空表示不限",
                    "enter an amount, or leave it empty for no limit",
                )
            }),
        Unit::Flag => Ok(SettingValue::Flag(t == "true")),
        Unit::Text => Ok(SettingValue::Text(text.to_owned())),
        Unit::Dates => Ok(SettingValue::Dates(
            t.split(|c: char| c == ',' || c.is_whitespace())
                .filter(|d| !d.is_empty())
                .map(str::to_owned)
                .collect(),
        )),
        Unit::Hours
        | Unit::Days
        | Unit::Minutes
        | Unit::Count
        | Unit::Bps
        | Unit::Megapixels
        | Unit::Chars => t
            .parse::<i64>()
            .map(SettingValue::Int)
            .map_err(|_| not_read(s, "请输入整数", "enter a whole number")),
    }
}

impl Settings {
    /// The policy the inputs describe, checked as the worker checks it: the saved policy (its
    /// categories kept) with every input applied, then [`Policy::validate`].
    ///
    /// # Errors
    /// Every input that does not read as its unit, or else every field the validation refuses.
    pub fn candidate(&self) -> Result<Policy, Vec<FieldError>> {
        let mut policy = self.saved.clone().unwrap_or_default();
        let mut problems = Vec::new();
        for (s, text) in SETTINGS.iter().zip(&self.inputs) {
            match parse(s, text) {
                Ok(value) => s.set(&mut policy, value),
                Err(e) => problems.push(e),
            }
        }
        policy.tips = tips_of(&self.tips).0;
        if !problems.is_empty() {
            return Err(problems);
        }
        policy.validate()?;
        Ok(policy)
    }

    /// The problems with one setting, in `lang`.
    #[must_use]
    pub fn problems_of(&self, index: usize, lang: Lang) -> Vec<String> {
        SETTINGS.get(index).map_or_else(Vec::new, |s| {
            self.problems
                .iter()
                .filter(|e| s.owns_field(&e.field))
                .map(|e| e.message(lang).to_owned())
                .collect()
        })
    }

    /// The problems with one tip row, in `lang`.
    #[must_use]
    pub fn tip_problems(&self, row: usize, lang: Lang) -> Vec<String> {
        let (_, paths) = tips_of(&self.tips);
        let Some(Some(path)) = paths.get(row) else {
            return Vec::new();
        };
        self.problems
            .iter()
            .filter(|e| crate::admin::model::tips::owns(path, e))
            .map(|e| e.message(lang).to_owned())
            .collect()
    }

    /// Problems about all the tips at once (too many keys).
    #[must_use]
    pub fn all_tips_problems(&self, lang: Lang) -> Vec<String> {
        self.problems
            .iter()
            .filter(|e| e.field == "tips")
            .map(|e| e.message(lang).to_owned())
            .collect()
    }

    /// True when an input differs from the saved value.
    #[must_use]
    pub fn edited(&self) -> bool {
        self.saved.as_ref().is_some_and(|p| {
            SETTINGS
                .iter()
                .zip(&self.inputs)
                .any(|(s, text)| *text != to_text(&s.get(p)))
                || tips_of(&self.tips).0 != p.tips
        })
    }

    /// An input changed: the preview is stale, and problems go as the owner fixes them (the next
    /// preview checks again).
    fn touched(&mut self) {
        self.preview = None;
        self.candidate = None;
        self.just_saved = false;
        let check = self.candidate().err().unwrap_or_default();
        self.problems.retain(|p| check.contains(p));
    }

    fn reset_inputs(&mut self) {
        let policy = self.saved.clone().unwrap_or_default();
        self.tips = rows_of(&policy.tips);
        self.inputs = SETTINGS.iter().map(|s| to_text(&s.get(&policy))).collect();
        self.problems.clear();
        self.preview = None;
        self.candidate = None;
    }

    fn failed(&mut self, e: ApiError) -> Vec<Effect> {
        self.busy = false;
        if e.signed_out() {
            return vec![Effect::SignedOut];
        }
        self.error = Some(e);
        Vec::new()
    }
}

impl Page for Settings {
    type Msg = Msg;
    type Effect = Effect;

    fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Opened => {
                self.busy = true;
                vec![Effect::LoadPolicy, Effect::LoadChanges(None)]
            }
            Msg::Loaded(Ok(policy)) => {
                self.busy = false;
                self.saved = Some(policy);
                self.reset_inputs();
                Vec::new()
            }
            Msg::Loaded(Err(e))
            | Msg::Previewed(Err(e))
            | Msg::Saved(Err(e))
            | Msg::Changes { page: Err(e), .. } => self.failed(e),
            Msg::Changes {
                page: Ok(page),
                more,
            } => {
                if !more {
                    self.changes.clear();
                }
                self.changes.extend(page.items);
                self.changes_cursor = page.cursor;
                Vec::new()
            }
            Msg::MoreChanges => self
                .changes_cursor
                .clone()
                .map(|c| vec![Effect::LoadChanges(Some(c))])
                .unwrap_or_default(),
            Msg::Input(index, text) => {
                if let Some(slot) = self.inputs.get_mut(index) {
                    *slot = text;
                    self.touched();
                }
                Vec::new()
            }
            Msg::TipAdd => {
                self.tips.push(TipRow::default());
                self.touched();
                Vec::new()
            }
            Msg::TipRemove(row) => {
                if row < self.tips.len() {
                    self.tips.remove(row);
                    self.touched();
                }
                Vec::new()
            }
            Msg::TipEdit(row, field, text) => {
                if let Some(r) = self.tips.get_mut(row) {
                    r.set(field, text);
                    self.touched();
                }
                Vec::new()
            }
            Msg::Discard => {
                self.reset_inputs();
                Vec::new()
            }
            Msg::Preview => {
                if self.busy {
                    return Vec::new();
                }
                self.error = None;
                match self.candidate() {
                    Err(problems) => {
                        self.problems = problems;
                        Vec::new()
                    }
                    Ok(policy) => {
                        self.problems.clear();
                        self.busy = true;
                        self.candidate = Some(policy.clone());
                        vec![Effect::Preview(Box::new(policy))]
                    }
                }
            }
            Msg::Previewed(Ok(preview)) => {
                self.busy = false;
                self.preview = Some(preview);
                Vec::new()
            }
            Msg::Save => match (&self.candidate, &self.preview, self.busy) {
                (Some(policy), Some(_), false) => {
                    self.busy = true;
                    vec![Effect::Save(Box::new(policy.clone()))]
                }
                _ => Vec::new(),
            },
            Msg::Saved(Ok(policy)) => {
                self.busy = false;
                self.saved = Some(policy);
                self.reset_inputs();
                self.just_saved = true;
                vec![Effect::LoadChanges(None)]
            }
        }
    }
}

/// A unit's name in `lang` (empty where the label says it).
#[must_use]
pub fn unit_name(unit: Unit, lang: Lang) -> &'static str {
    let t = crate::admin::text::settings_t(lang);
    match unit {
        Unit::Hours => t.unit_hours,
        Unit::Days => t.unit_days,
        Unit::Minutes => t.unit_minutes,
        Unit::Count => t.unit_count,
        Unit::Bps => t.unit_bps,
        Unit::Megapixels => t.unit_megapixels,
        Unit::Chars => t.unit_chars,
        Unit::Amount | Unit::OptionalAmount => t.unit_amount,
        Unit::Dates => t.unit_dates,
        Unit::Flag | Unit::Text => "",
    }
}

/// A value as the change log and the defaults show it: on/off, no limit, empty.
#[must_use]
pub fn shown(unit: Option<Unit>, value: &str, lang: Lang) -> String {
    let t = crate::admin::text::settings_t(lang);
    match (unit, value) {
        (Some(Unit::Flag), "true") => t.on.into(),
        (Some(Unit::Flag), "false") => t.off.into(),
        (Some(Unit::OptionalAmount), "none") => t.no_limit.into(),
        (_, "") => t.empty.into(),
        (Some(unit), v) => match unit_name(unit, lang) {
            "" => v.to_owned(),
            _ if unit == Unit::Dates => v.to_owned(),
            name => format!("{v} {name}"),
        },
        (None, v) => v.to_owned(),
    }
}

/// A setting's name in `lang` by its path (a category's path as it is).
#[must_use]
pub fn label_of(path: &str, lang: Lang) -> String {
    shared::policy::setting(path).map_or_else(
        || path.to_owned(),
        |s| match lang {
            Lang::ZhCn => s.label.0.to_owned(),
            Lang::En => s.label.1.to_owned(),
        },
    )
}

#[cfg(test)]
mod tests {
    use shared::api::settings::PolicyChangeEntry;
    use shared::domain::Timestamp;
    use shared::policy::{PolicyImpact, SettingChange, setting};

    use super::*;

    fn index(path: &str) -> usize {
        SETTINGS
            .iter()
            .position(|s| s.path == path)
            .unwrap_or(usize::MAX)
    }

    fn opened() -> Settings {
        let mut s = Settings::default();
        assert_eq!(
            s.update(Msg::Opened),
            vec![Effect::LoadPolicy, Effect::LoadChanges(None)]
        );
        s.update(Msg::Loaded(Ok(Policy::default())));
        s
    }

    #[test]
    fn the_inputs_start_from_the_saved_policy_and_read_back_unchanged() {
        let s = opened();
        assert_eq!(s.inputs.len(), SETTINGS.len());
        assert_eq!(s.inputs[index("deadlines.shop_answer_hours")], "36");
        assert_eq!(s.inputs[index("batch_max_amount")], "6000.00");
        assert!(!s.edited());
        assert_eq!(s.candidate(), Ok(Policy::default()));
    }

    #[test]
    fn bad_values_are_caught_on_the_device_by_the_shared_validation() {
        let mut s = opened();
        s.update(Msg::Input(index("deadlines.shop_answer_hours"), "0".into()));
        s.update(Msg::Input(
            index("holidays"),
            "2025-10-01\n2025-02-30".into(),
        ));
        s.update(Msg::Input(index("batch_max_amount"), "12.345".into()));
        assert!(s.update(Msg::Preview).is_empty(), "nothing is sent");
        // Unreadable text first; the rules once everything reads.
        assert_eq!(s.problems_of(index("batch_max_amount"), Lang::En).len(), 1);
        s.update(Msg::Input(index("batch_max_amount"), "6000".into()));
        assert!(s.update(Msg::Preview).is_empty());
        let fields: Vec<&str> = s.problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, vec!["deadlines.shop_answer_hours", "holidays[1]"]);
        // The same problems the worker answers.
        let mut bad = Policy::default();
        bad.deadlines.shop_answer_hours = 0;
        bad.holidays = vec!["2025-10-01".into(), "2025-02-30".into()];
        assert_eq!(bad.validate().err(), Some(s.problems.clone()));
        assert_eq!(s.problems_of(index("holidays"), Lang::ZhCn).len(), 1);
        // Fixing one clears its problem at once.
        s.update(Msg::Input(
            index("deadlines.shop_answer_hours"),
            "12".into(),
        ));
        assert_eq!(s.problems.len(), 1);
    }

    #[test]
    fn tips_are_edited_row_by_row_checked_on_the_device_and_previewed_with_the_policy() {
        let mut s = opened();
        assert!(s.tips.is_empty());
        s.update(Msg::TipAdd);
        assert!(!s.edited(), "an empty row is no tip");
        s.update(Msg::TipEdit(0, TipField::Key, "kettle".into()));
        s.update(Msg::TipEdit(0, TipField::Title, "No heat".into()));
        assert!(s.edited());
        // No steps yet: the shared validation's problem, on the row.
        assert!(s.update(Msg::Preview).is_empty());
        assert_eq!(s.tip_problems(0, Lang::En).len(), 1);
        s.update(Msg::TipEdit(
            0,
            TipField::Steps,
            "Check the plug\nReset".into(),
        ));
        assert!(s.tip_problems(0, Lang::En).is_empty(), "fixed at once");
        s.update(Msg::TipAdd);
        s.update(Msg::TipEdit(1, TipField::Scope, "sku".into()));
        s.update(Msg::TipEdit(1, TipField::Key, "K-1".into()));
        s.update(Msg::TipEdit(1, TipField::Title, "Lid".into()));
        s.update(Msg::TipEdit(1, TipField::Steps, "Press".into()));
        let effects = s.update(Msg::Preview);
        let Some(Effect::Preview(policy)) = effects.first() else {
            panic!("a preview: {effects:?}");
        };
        assert_eq!(
            policy.tips.categories["kettle"][0].steps,
            vec!["Check the plug".to_string(), "Reset".to_string()]
        );
        assert_eq!(policy.tips.skus["K-1"][0].title, "Lid");
        let saved = (**policy).clone();
        s.update(Msg::Previewed(Ok(PolicyPreview {
            changes: Vec::new(),
            impact: PolicyImpact::default(),
            more_open_cases: false,
        })));
        assert_eq!(
            s.update(Msg::Save),
            vec![Effect::Save(Box::new(saved.clone()))]
        );
        s.update(Msg::Saved(Ok(saved)));
        assert_eq!(s.tips.len(), 2);
        assert!(!s.edited());
        s.update(Msg::TipRemove(0));
        assert!(s.edited());
        s.update(Msg::Discard);
        assert_eq!(s.tips.len(), 2);
    }

    #[test]
    fn preview_then_save_then_the_log_is_reloaded() {
        let mut s = opened();
        assert!(s.update(Msg::Save).is_empty(), "no save before a preview");
        s.update(Msg::Input(
            index("deadlines.shop_answer_hours"),
            "12".into(),
        ));
        assert!(s.edited());
        let mut expected = Policy::default();
        expected.deadlines.shop_answer_hours = 12;
        assert_eq!(
            s.update(Msg::Preview),
            vec![Effect::Preview(Box::new(expected.clone()))]
        );
        s.update(Msg::Previewed(Ok(PolicyPreview {
            changes: vec![],
            impact: PolicyImpact::default(),
            more_open_cases: false,
        })));
        assert_eq!(
            s.update(Msg::Save),
            vec![Effect::Save(Box::new(expected.clone()))]
        );
        assert!(s.update(Msg::Save).is_empty(), "one save at a time");
        assert_eq!(
            s.update(Msg::Saved(Ok(expected.clone()))),
            vec![Effect::LoadChanges(None)]
        );
        assert!(s.just_saved && !s.edited() && s.preview.is_none());
        let entry = PolicyChangeEntry {
            at: Timestamp(1),
            staff_id: "st_1".into(),
            staff_name: "Owner Lin".into(),
            changes: vec![SettingChange {
                path: "deadlines.shop_answer_hours".into(),
                before: "36".into(),
                after: "12".into(),
            }],
            reindexed: 1,
        };
        s.update(Msg::Changes {
            page: Ok(PolicyChangesPage {
                items: vec![entry.clone()],
                cursor: Some("c".into()),
            }),
            more: false,
        });
        assert_eq!(
            s.update(Msg::MoreChanges),
            vec![Effect::LoadChanges(Some("c".into()))]
        );
        s.update(Msg::Changes {
            page: Ok(PolicyChangesPage {
                items: vec![entry],
                cursor: None,
            }),
            more: true,
        });
        assert_eq!(s.changes.len(), 2);
        assert!(s.update(Msg::MoreChanges).is_empty());
    }

    #[test]
    fn an_edit_after_the_preview_needs_a_new_preview() {
        let mut s = opened();
        s.update(Msg::Input(index("batch_max_cases"), "10".into()));
        s.update(Msg::Preview);
        s.update(Msg::Previewed(Ok(PolicyPreview::default())));
        s.update(Msg::Input(index("batch_max_cases"), "11".into()));
        assert!(s.update(Msg::Save).is_empty());
        s.update(Msg::Discard);
        assert!(!s.edited());
    }

    #[test]
    fn values_are_shown_with_their_units_in_both_languages() {
        let unit = |p: &str| setting(p).map(|s| s.unit);
        assert_eq!(
            shown(unit("deadlines.shop_answer_hours"), "36", Lang::ZhCn),
            "36 小时"
        );
        assert_eq!(
            shown(unit("deadlines.shop_answer_hours"), "36", Lang::En),
            "36 hours"
        );
        assert_eq!(shown(unit("free_returns"), "true", Lang::ZhCn), "开");
        assert_eq!(
            shown(unit("approval_limits.agent"), "none", Lang::En),
            "No limit"
        );
        assert_eq!(shown(unit("holidays"), "", Lang::En), "(empty)");
        assert_eq!(
            shown(None, "intact_rule=Unused", Lang::En),
            "intact_rule=Unused"
        );
        assert_eq!(
            label_of("deadlines.shop_answer_hours", Lang::En),
            "Answer any other new request"
        );
        assert_eq!(label_of("categories.tv", Lang::ZhCn), "categories.tv");
    }

    #[test]
    fn amounts_no_limit_and_flags_read_as_their_units() {
        assert_eq!(parse_amount("2,000.5"), Some(Money(200_050)));
        assert_eq!(parse_amount("0"), Some(Money(0)));
        assert_eq!(parse_amount("-1"), None);
        assert_eq!(parse_amount("1.234"), None);
        assert_eq!(parse_amount(""), None);
        let mut s = opened();
        s.update(Msg::Input(index("approval_limits.agent"), " ".into()));
        s.update(Msg::Input(index("free_returns"), "true".into()));
        let p = s.candidate().unwrap_or_default();
        assert_eq!(p.approval_limits.agent, None);
        assert!(p.free_returns);
        assert!(setting("free_returns").is_some());
    }

    #[test]
    fn a_failed_call_keeps_the_inputs_and_an_expired_session_signs_out() {
        let mut s = opened();
        s.update(Msg::Input(index("batch_max_cases"), "10".into()));
        s.update(Msg::Preview);
        let e = ApiError {
            status: 401,
            code: shared::api::ErrorCode::Network,
            message: String::new(),
            current: None,
        };
        assert_eq!(s.update(Msg::Previewed(Err(e))), vec![Effect::SignedOut]);
        assert_eq!(s.inputs[index("batch_max_cases")], "10");
        assert!(!s.busy);
    }
}
