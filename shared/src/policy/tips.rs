//! Help before a request (故障排查、产品使用说明): the shop's troubleshooting steps and usage tips
//! per category, and per SKU where it wants, which the portal shows a buyer who picks a quality
//! fault before the request ("did this solve it?").
//!
//! The tips are a shop setting ([`Tips`] in [`crate::policy::Policy::tips`]), validated here with a problem per
//! field; [`tips_for`] is the one rule for which tips a line gets (its SKU's first, then its
//! category's), and [`order_tips`] what the buyer's order view carries: the tips of each distinct
//! set among the order's lines, so the policy itself goes to the portal without them and the
//! answer stays bounded by the limits below, whatever the shop writes elsewhere.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::{Order, OrderLine};
use crate::i18n::Sentence;

use super::field::FieldError;

/// Most categories and SKUs together that have tips: the whole policy is read on every request,
/// so its size stays bounded.
pub const MAX_TIP_KEYS: usize = 200;
/// Most tips under one category or SKU.
pub const MAX_TIPS_PER_KEY: usize = 5;
/// Most tips a line shows (its SKU's first, then its category's): a phone screen's worth.
pub const MAX_TIPS_PER_LINE: usize = 5;
/// Most steps in one tip.
pub const MAX_TIP_STEPS: usize = 8;
/// Longest tip title, in characters.
pub const MAX_TIP_TITLE_CHARS: usize = 80;
/// Longest step, in characters.
pub const MAX_TIP_STEP_CHARS: usize = 300;
/// Longest category or SKU key, in characters (the order import's keys are shorter).
pub const MAX_TIP_KEY_CHARS: usize = 64;

/// One troubleshooting tip or usage tip, in the shop's own words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Tip {
    /// What it helps with ("The kettle does not heat").
    pub title: String,
    /// What to try, in order.
    pub steps: Vec<String>,
}

/// The shop's tips: per category (the order line's category key) and per SKU, which a line's SKU
/// shows before its category's. Empty (the default): the portal shows none.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Tips {
    /// Tips per category key.
    pub categories: BTreeMap<String, Vec<Tip>>,
    /// Tips per SKU, shown before the category's.
    pub skus: BTreeMap<String, Vec<Tip>>,
}

impl Tips {
    /// No tips at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.categories.is_empty() && self.skus.is_empty()
    }
}

/// The tips of a group of an order's lines that show the same ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LineTips {
    /// The lines' SKUs, in the order's order.
    pub skus: Vec<String>,
    /// The tips, as [`tips_for`] gives them.
    pub tips: Vec<Tip>,
}

/// The tips for an order line: its SKU's first, then its category's (a category tip with the
/// title of one of the SKU's is left out: the SKU's own words take precedence), at most
/// [`MAX_TIPS_PER_LINE`].
#[must_use]
pub fn tips_for<'a>(tips: &'a Tips, line: &OrderLine) -> Vec<&'a Tip> {
    let sku = tips.skus.get(&line.sku).map_or(&[][..], Vec::as_slice);
    let category = tips
        .categories
        .get(&line.category)
        .map_or(&[][..], Vec::as_slice);
    let mut out: Vec<&Tip> = sku.iter().take(MAX_TIPS_PER_LINE).collect();
    for tip in category {
        if out.len() >= MAX_TIPS_PER_LINE {
            break;
        }
        if !sku.iter().any(|s| s.title.trim() == tip.title.trim()) {
            out.push(tip);
        }
    }
    out
}

/// The tips the buyer's order view carries: one entry per distinct set of tips among the order's
/// lines (lines without tips are left out), so lines of one category carry their tips once.
#[must_use]
pub fn order_tips(shop_tips: &Tips, order: &Order) -> Vec<LineTips> {
    let mut out: Vec<LineTips> = Vec::new();
    if shop_tips.is_empty() {
        return out;
    }
    for line in &order.lines {
        let tips = tips_for(shop_tips, line);
        if tips.is_empty() {
            continue;
        }
        match out
            .iter_mut()
            .find(|g| g.tips.len() == tips.len() && g.tips.iter().zip(&tips).all(|(a, b)| a == *b))
        {
            Some(group) => group.skus.push(line.sku.clone()),
            None => out.push(LineTips {
                skus: vec![line.sku.clone()],
                tips: tips.into_iter().cloned().collect(),
            }),
        }
    }
    out
}

/// The line a buyer's "this solved it" names, if the order has it and the shop has tips for it:
/// only a tip the buyer was shown can have helped (anything else is the route's 404).
#[must_use]
pub fn helped_line<'a>(tips: &Tips, order: &'a Order, sku: &str) -> Option<&'a OrderLine> {
    order
        .line(sku)
        .filter(|line| !tips_for(tips, line).is_empty())
}

fn problem(field: String, code: &str, zh: String, en: String) -> FieldError {
    FieldError::new(&field, code, Sentence { zh, en })
}

fn check_text(out: &mut Vec<FieldError>, field: String, text: &str, max: usize) {
    let chars = text.chars().count();
    if text.trim().is_empty() {
        out.push(problem(
            field,
            "required",
            "不能为空".into(),
            "must not be empty".into(),
        ));
    } else if chars > max {
        out.push(problem(
            field,
            "too_long",
            format!("最多 {max} 个字，当前 {chars} 个"),
            format!("must be at most {max} characters, got {chars}"),
        ));
    }
}

/// Every problem of the shop's tips, one per field (`tips.categories.kettle[0].steps[2]`).
pub(crate) fn validate(tips: &Tips, out: &mut Vec<FieldError>) {
    let keys = tips.categories.len() + tips.skus.len();
    if keys > MAX_TIP_KEYS {
        out.push(problem(
            "tips".into(),
            "too_many",
            format!("最多为 {MAX_TIP_KEYS} 个品类和商品设置提示，当前 {keys} 个"),
            format!("at most {MAX_TIP_KEYS} categories and SKUs may have tips, got {keys}"),
        ));
    }
    for (group, map) in [("categories", &tips.categories), ("skus", &tips.skus)] {
        for (key, list) in map {
            let at = format!("tips.{group}.{key}");
            let key_chars = key.chars().count();
            if key.trim().is_empty() || key_chars > MAX_TIP_KEY_CHARS {
                out.push(problem(
                    at.clone(),
                    "invalid_key",
                    format!("名称应为 1 到 {MAX_TIP_KEY_CHARS} 个字"),
                    format!("the name must be 1 to {MAX_TIP_KEY_CHARS} characters"),
                ));
            }
            if list.len() > MAX_TIPS_PER_KEY {
                out.push(problem(
                    at.clone(),
                    "too_many",
                    format!("最多 {MAX_TIPS_PER_KEY} 条提示，当前 {} 条", list.len()),
                    format!("at most {MAX_TIPS_PER_KEY} tips, got {}", list.len()),
                ));
            }
            for (i, tip) in list.iter().enumerate() {
                check_text(
                    out,
                    format!("{at}[{i}].title"),
                    &tip.title,
                    MAX_TIP_TITLE_CHARS,
                );
                if tip.steps.is_empty() || tip.steps.len() > MAX_TIP_STEPS {
                    out.push(problem(
                        format!("{at}[{i}].steps"),
                        "step_count",
                        format!(
                            "应有 1 到 {MAX_TIP_STEPS} 个步骤，当前 {} 个",
                            tip.steps.len()
                        ),
                        format!(
                            "must have 1 to {MAX_TIP_STEPS} steps, got {}",
                            tip.steps.len()
                        ),
                    ));
                }
                for (j, step) in tip.steps.iter().enumerate() {
                    check_text(
                        out,
                        format!("{at}[{i}].steps[{j}]"),
                        step,
                        MAX_TIP_STEP_CHARS,
                    );
                }
            }
        }
    }
}

/// How the change log shows one key's tips: their titles.
#[must_use]
pub fn display(tips: &[Tip]) -> String {
    tips.iter()
        .map(|t| t.title.as_str())
        .collect::<Vec<_>>()
        .join(" | ")
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::policy::Policy;
    use crate::policy::fixtures::{line, order};

    fn tip(title: &str) -> Tip {
        Tip {
            title: title.into(),
            steps: vec![format!("try {title}")],
        }
    }

    fn policy(categories: &[(&str, &[&str])], skus: &[(&str, &[&str])]) -> Policy {
        let map = |entries: &[(&str, &[&str])]| {
            entries
                .iter()
                .map(|(k, titles)| ((*k).to_string(), titles.iter().map(|t| tip(t)).collect()))
                .collect()
        };
        Policy {
            tips: Tips {
                categories: map(categories),
                skus: map(skus),
            },
            ..Policy::default()
        }
    }

    fn titles(tips: &[&Tip]) -> Vec<String> {
        tips.iter().map(|t| t.title.clone()).collect()
    }

    #[test]
    fn a_line_gets_its_skus_tips_first_then_its_categorys() {
        let p = policy(
            &[("kettle", &["Reset", "Descale"]), ("toy", &["Batteries"])],
            &[("K-1", &["Unlock the lid", "Reset"])],
        );
        let k1 = line("K-1", "kettle", 9_900, 1);
        let k2 = line("K-2", "kettle", 9_900, 1);
        let shirt = line("S-1", "clothing", 9_900, 1);
        // The SKU's "Reset" takes the place of the category's.
        assert_eq!(
            titles(&tips_for(&p.tips, &k1)),
            vec!["Unlock the lid", "Reset", "Descale"]
        );
        assert_eq!(
            tips_for(&p.tips, &k1)[1].steps,
            vec!["try Reset".to_string()]
        );
        assert_eq!(titles(&tips_for(&p.tips, &k2)), vec!["Reset", "Descale"]);
        assert!(tips_for(&p.tips, &shirt).is_empty());
        assert!(tips_for(&Tips::default(), &k1).is_empty());
    }

    #[test]
    fn the_order_view_carries_each_distinct_set_once() {
        let p = policy(&[("kettle", &["Reset"])], &[("K-1", &["Unlock"])]);
        let o = order(vec![
            line("K-1", "kettle", 9_900, 1),
            line("K-2", "kettle", 9_900, 1),
            line("K-3", "kettle", 9_900, 1),
            line("S-1", "clothing", 9_900, 1),
        ]);
        let groups = order_tips(&p.tips, &o);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].skus, vec!["K-1".to_string()]);
        assert_eq!(groups[1].skus, vec!["K-2".to_string(), "K-3".to_string()]);
        assert_eq!(groups[1].tips, vec![tip("Reset")]);
        assert!(order_tips(&Tips::default(), &o).is_empty());
        // Only a line shown tips can have been helped by them.
        assert_eq!(
            helped_line(&p.tips, &o, "K-2").map(|l| l.sku.as_str()),
            Some("K-2")
        );
        assert!(helped_line(&p.tips, &o, "S-1").is_none());
        assert!(helped_line(&p.tips, &o, "nope").is_none());
    }

    #[test]
    fn bad_tips_are_refused_with_a_problem_per_field() {
        let mut p = policy(&[("kettle", &["Reset"])], &[]);
        assert_eq!(p.validate(), Ok(()));
        let long = "x".repeat(MAX_TIP_STEP_CHARS + 1);
        p.tips.categories.insert(
            "kettle".into(),
            vec![
                Tip {
                    title: " ".into(),
                    steps: vec!["ok".into(), long],
                },
                Tip {
                    title: "No steps".into(),
                    steps: Vec::new(),
                },
            ],
        );
        p.tips.skus.insert(
            "K-1".into(),
            (0..=MAX_TIPS_PER_KEY)
                .map(|i| tip(&format!("t{i}")))
                .collect(),
        );
        let problems = p.validate().err().unwrap_or_default();
        let got: Vec<(&str, &str)> = problems
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("tips.categories.kettle[0].title", "required"),
                ("tips.categories.kettle[0].steps[1]", "too_long"),
                ("tips.categories.kettle[1].steps", "step_count"),
                ("tips.skus.K-1", "too_many"),
            ]
        );
        assert!(
            problems
                .iter()
                .all(|e| !e.message_en.is_empty() && !e.message_zh.is_empty())
        );
        let mut many = Policy::default();
        for i in 0..=MAX_TIP_KEYS {
            many.tips.categories.insert(format!("c{i}"), vec![tip("a")]);
        }
        let fields: Vec<String> = many
            .validate()
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, vec!["tips".to_string()]);
    }

    #[test]
    fn tips_read_from_json_and_default_to_none() {
        let p: Policy = serde_json::from_str(
            r#"{"tips": {"categories": {"kettle": [{"title": "Reset", "steps": ["Unplug", "Wait"]}]}}}"#,
        )
        .unwrap_or_default();
        assert_eq!(p.tips.categories["kettle"][0].steps.len(), 2);
        assert!(p.tips.skus.is_empty());
        assert!(Policy::default().tips.is_empty());
        assert!(serde_json::from_str::<Policy>(r#"{"tips": {"colours": {}}}"#).is_err());
    }

    fn arb_tips() -> impl Strategy<Value = Vec<(String, Vec<String>)>> {
        proptest::collection::vec(
            ("[a-c]{1,2}", proptest::collection::vec("[a-d]", 0..7)),
            0..6,
        )
    }

    proptest! {
        /// Whatever the shop writes: a line's tips are at most the cap, its SKU's come first in
        /// their order, every tip shown is one of the shop's for that SKU or category, no
        /// category tip repeats a SKU tip's title, and the order view carries every line with
        /// tips exactly once.
        #[test]
        fn a_lines_tips_are_bounded_and_sku_first(
            entries in arb_tips(),
            cat_titles in proptest::collection::vec("[a-d]", 0..7),
            sku_titles in proptest::collection::vec("[a-d]", 0..7),
        ) {
            let mk = |titles: &[String]| titles.iter().map(|t| tip(t)).collect::<Vec<_>>();
            let mut p = Policy::default();
            for (key, titles) in &entries {
                p.tips.categories.insert(key.clone(), mk(titles));
            }
            p.tips.categories.insert("kettle".into(), mk(&cat_titles));
            p.tips.skus.insert("K-1".into(), mk(&sku_titles));
            let l = line("K-1", "kettle", 100, 1);
            let got = tips_for(&p.tips, &l);
            prop_assert!(got.len() <= MAX_TIPS_PER_LINE);
            let sku_n = sku_titles.len().min(MAX_TIPS_PER_LINE);
            for (i, t) in got.iter().enumerate() {
                if i < sku_n {
                    prop_assert_eq!(&t.title, &sku_titles[i]);
                } else {
                    prop_assert!(cat_titles.contains(&t.title));
                    prop_assert!(!sku_titles.contains(&t.title));
                }
            }
            let o = order(vec![l.clone(), line("K-2", "kettle", 100, 1), line("Z", "none", 100, 1)]);
            let groups = order_tips(&p.tips, &o);
            for sku in ["K-1", "K-2"] {
                let line = o.line(sku);
                let expected = line.map(|l| tips_for(&p.tips, l).len()).unwrap_or(0);
                let holding: Vec<&LineTips> = groups.iter().filter(|g| g.skus.iter().any(|s| s == sku)).collect();
                prop_assert_eq!(holding.len(), usize::from(expected > 0));
            }
            prop_assert!(groups.iter().all(|g| !g.skus.iter().any(|s| s == "Z")));
        }
    }
}
