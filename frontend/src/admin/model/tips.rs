//! The shop's tips (issue 15, "help before a request") as the settings screen edits them: one row
//! per tip, naming its category or SKU, its title and its steps (one per line). The rows become
//! `Policy::tips` for the same `Policy::validate` the worker runs; its problems are shown on the
//! row they name (`tips.categories.kettle[1].steps[0]` is the second row of category "kettle").

use shared::policy::{FieldError, Tip, Tips};

/// One tip as the owner edits it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TipRow {
    /// For one SKU (else for a category).
    pub sku: bool,
    /// The category key or the SKU.
    pub key: String,
    /// The title.
    pub title: String,
    /// The steps, one per line.
    pub steps: String,
}

/// A part of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TipField {
    /// Category or SKU (`"sku"` or anything else).
    Scope,
    /// The key.
    Key,
    /// The title.
    Title,
    /// The steps.
    Steps,
}

impl TipRow {
    /// Sets one part from the input's text.
    pub fn set(&mut self, field: TipField, text: String) {
        match field {
            TipField::Scope => self.sku = text == "sku",
            TipField::Key => self.key = text,
            TipField::Title => self.title = text,
            TipField::Steps => self.steps = text,
        }
    }

    fn is_blank(&self) -> bool {
        self.key.trim().is_empty() && self.title.trim().is_empty() && self.steps.trim().is_empty()
    }
}

/// The rows of saved tips: categories first, then SKUs, each key's tips in order.
#[must_use]
pub fn rows_of(tips: &Tips) -> Vec<TipRow> {
    let mut rows = Vec::new();
    for (sku, map) in [(false, &tips.categories), (true, &tips.skus)] {
        for (key, list) in map {
            for tip in list {
                rows.push(TipRow {
                    sku,
                    key: key.clone(),
                    title: tip.title.clone(),
                    steps: tip.steps.join("\n"),
                });
            }
        }
    }
    rows
}

/// The tips the rows describe (blank rows left out; steps trimmed, empty lines dropped), and for
/// each row that counts, the path of its tip (`tips.skus.K-1[0]`) to find its problems by.
#[must_use]
pub fn tips_of(rows: &[TipRow]) -> (Tips, Vec<Option<String>>) {
    let mut tips = Tips::default();
    let mut paths = Vec::with_capacity(rows.len());
    for row in rows {
        if row.is_blank() {
            paths.push(None);
            continue;
        }
        let key = row.key.trim().to_string();
        let (group, map) = if row.sku {
            ("skus", &mut tips.skus)
        } else {
            ("categories", &mut tips.categories)
        };
        let list = map.entry(key.clone()).or_default();
        paths.push(Some(format!("tips.{group}.{key}[{}]", list.len())));
        list.push(Tip {
            title: row.title.trim().to_string(),
            steps: row
                .steps
                .lines()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        });
    }
    (tips, paths)
}

/// Whether a problem is about the row whose tip is at `path` (or about its key, or all tips).
#[must_use]
pub fn owns(path: &str, problem: &FieldError) -> bool {
    let key_path = path.rsplit_once('[').map_or(path, |(k, _)| k);
    problem.field == key_path
        || problem
            .field
            .strip_prefix(path)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::policy::Policy;

    fn row(sku: bool, key: &str, title: &str, steps: &str) -> TipRow {
        TipRow {
            sku,
            key: key.into(),
            title: title.into(),
            steps: steps.into(),
        }
    }

    #[test]
    fn rows_become_the_policys_tips_and_back() {
        let rows = vec![
            row(false, "kettle", "No heat", "Check the plug\n\n Reset \n"),
            row(false, "", "", " "),
            row(true, "K-1", "Lid stuck", "Press the latch"),
            row(false, "kettle", "Noisy", "Descale"),
        ];
        let (tips, paths) = tips_of(&rows);
        assert_eq!(
            tips.categories["kettle"][0].steps,
            vec!["Check the plug".to_string(), "Reset".to_string()]
        );
        assert_eq!(tips.categories["kettle"][1].title, "Noisy");
        assert_eq!(tips.skus["K-1"][0].title, "Lid stuck");
        assert_eq!(
            paths,
            vec![
                Some("tips.categories.kettle[0]".into()),
                None,
                Some("tips.skus.K-1[0]".into()),
                Some("tips.categories.kettle[1]".into()),
            ]
        );
        let back = rows_of(&tips);
        assert_eq!(back.len(), 3);
        assert_eq!(tips_of(&back).0, tips);
    }

    #[test]
    fn a_rows_problems_are_the_ones_under_its_path() {
        let policy = Policy {
            tips: tips_of(&[
                row(false, "kettle", "", "ok"),
                row(false, "kettle", "Fine", ""),
            ])
            .0,
            ..Policy::default()
        };
        let problems = policy.validate().err().unwrap_or_default();
        let of = |path: &str| {
            problems
                .iter()
                .filter(|p| owns(path, p))
                .map(|p| p.code.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            of("tips.categories.kettle[0]"),
            vec!["required".to_string()]
        );
        assert_eq!(
            of("tips.categories.kettle[1]"),
            vec!["step_count".to_string()]
        );
        assert!(of("tips.categories.kettle[2]").is_empty());
    }
}
