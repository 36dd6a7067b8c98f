//! The new-request form as data: what the buyer picked, turned into the `CaseRequest` the
//! policy previews and the API files, plus the summaries the form shows next to each choice.
//!
//! Nothing here decides what is allowed: availability comes from the policy's
//! `LineEligibility` (computed by `shared`, sent by the API) and the final word from
//! `shared::policy::preview`. These functions only combine those answers for the lines chosen.

use shared::domain::{CaseKind, CaseRequest, Reason, RequestedLine};
use shared::policy::{LineEligibility, Refusal};

/// What the buyer has picked so far.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Draft {
    /// Units per SKU (absent or 0: not chosen).
    pub quantities: Vec<(String, u32)>,
    /// What they need.
    pub kind: Option<CaseKind>,
    /// Why.
    pub reason: Option<Reason>,
    /// Their own words.
    pub note: String,
    /// They confirm the goods are complete and intact.
    pub intact_confirmed: bool,
    /// It is urgent for them.
    pub urgent: bool,
    /// The courier's record shows loss (for "never arrived" on a signed-for parcel).
    pub carrier_confirms_loss: bool,
}

/// What is still missing before a request can be previewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// No line has a quantity.
    Items,
    /// No kind chosen.
    Kind,
    /// No reason chosen.
    Reason,
}

impl Draft {
    /// Units chosen of a SKU.
    #[must_use]
    pub fn quantity(&self, sku: &str) -> u32 {
        self.quantities
            .iter()
            .find(|(s, _)| s == sku)
            .map_or(0, |(_, q)| *q)
    }

    /// Sets the units of a SKU, between 0 and `max`.
    pub fn set_quantity(&mut self, sku: &str, quantity: u32, max: u32) {
        let quantity = quantity.min(max);
        match self.quantities.iter_mut().find(|(s, _)| s == sku) {
            Some(entry) => entry.1 = quantity,
            None => self.quantities.push((sku.to_string(), quantity)),
        }
    }

    /// The SKUs chosen, in the order's line order as given by `order_skus`.
    #[must_use]
    pub fn chosen<'a>(&self, order_skus: impl IntoIterator<Item = &'a str>) -> Vec<RequestedLine> {
        order_skus
            .into_iter()
            .filter_map(|sku| {
                let quantity = self.quantity(sku);
                (quantity > 0).then(|| RequestedLine {
                    sku: sku.to_string(),
                    quantity,
                })
            })
            .collect()
    }

    /// The request, or what is missing first.
    pub fn to_request<'a>(
        &self,
        order_skus: impl IntoIterator<Item = &'a str>,
        photos: Vec<String>,
    ) -> Result<CaseRequest, Missing> {
        let lines = self.chosen(order_skus);
        if lines.is_empty() {
            return Err(Missing::Items);
        }
        let kind = self.kind.ok_or(Missing::Kind)?;
        let reason = self.reason.ok_or(Missing::Reason)?;
        Ok(CaseRequest {
            kind,
            reason,
            lines,
            note: self.note.trim().to_string(),
            photos,
            intact_confirmed: self.intact_confirmed,
            urgent: self.urgent,
            carrier_confirms_loss: self.carrier_confirms_loss,
            // The worker records the language from the request's Accept-Language.
            lang: None,
            review: None,
        })
    }
}

/// How a kind looks for the lines chosen: open for at least one reason on every chosen line, or
/// closed with the policy's refusal for the first line that closes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindOption {
    /// The kind.
    pub kind: CaseKind,
    /// Open on every chosen line.
    pub open: bool,
    /// Why not, from the policy.
    pub refusal: Option<Refusal>,
}

fn chosen_eligibility<'a>(
    eligibility: &'a [LineEligibility],
    chosen: &[String],
) -> Vec<&'a LineEligibility> {
    eligibility
        .iter()
        .filter(|e| chosen.is_empty() || chosen.contains(&e.sku))
        .filter(|e| e.remaining_quantity > 0 || !chosen.is_empty())
        .collect()
}

/// Every kind, with whether the chosen lines (all lines when none is chosen yet) can get it.
#[must_use]
pub fn kind_options(eligibility: &[LineEligibility], chosen: &[String]) -> Vec<KindOption> {
    let lines = chosen_eligibility(eligibility, chosen);
    CaseKind::ALL
        .into_iter()
        .map(|kind| {
            let entries: Vec<_> = lines
                .iter()
                .filter_map(|l| l.allowed.iter().find(|k| k.kind == kind))
                .collect();
            let open_on = |e: &&shared::policy::KindEligibility| !e.reasons_allowed.is_empty();
            let open = if chosen.is_empty() {
                entries.iter().any(open_on)
            } else {
                !entries.is_empty() && entries.iter().all(open_on)
            };
            let refusal = if open {
                None
            } else {
                entries
                    .iter()
                    .filter(|e| !open_on(e))
                    .find_map(|e| e.refusal.clone())
            };
            KindOption {
                kind,
                open,
                refusal,
            }
        })
        .collect()
}

/// Every reason, with whether it opens `kind` on every chosen line (every reason is open until
/// a kind is chosen: nothing is ruled out before the buyer says what they need).
#[must_use]
pub fn reason_options(
    eligibility: &[LineEligibility],
    chosen: &[String],
    kind: Option<CaseKind>,
) -> Vec<(Reason, bool)> {
    let lines = chosen_eligibility(eligibility, chosen);
    Reason::ALL
        .into_iter()
        .map(|reason| {
            let open = kind.is_none_or(|kind| {
                let allows = |l: &&LineEligibility| {
                    l.allowed
                        .iter()
                        .any(|k| k.kind == kind && k.reasons_allowed.contains(&reason))
                };
                if chosen.is_empty() {
                    lines.iter().any(allows)
                } else {
                    !lines.is_empty() && lines.iter().all(allows)
                }
            });
            (reason, open)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::policy::KindEligibility;

    fn line(sku: &str, remaining: u32, open: &[(CaseKind, &[Reason])]) -> LineEligibility {
        LineEligibility {
            sku: sku.into(),
            remaining_quantity: remaining,
            allowed: CaseKind::ALL
                .into_iter()
                .map(|kind| {
                    let reasons = open
                        .iter()
                        .find(|(k, _)| *k == kind)
                        .map(|(_, r)| r.to_vec())
                        .unwrap_or_default();
                    let refusal = reasons.is_empty().then_some(Refusal::NothingLeft);
                    KindEligibility {
                        kind,
                        reasons_allowed: reasons,
                        refusal,
                    }
                })
                .collect(),
        }
    }

    #[test]
    fn a_complete_draft_becomes_a_request_with_lines_in_order_order() {
        let mut d = Draft {
            kind: Some(CaseKind::ReturnAndRefund),
            reason: Some(Reason::SizeOrFit),
            ..Draft::default()
        };
        d.set_quantity("SOCKS", 1, 1);
        d.set_quantity("SHIRT", 5, 1);
        d.note = "  too small  ".into();
        let r = d.to_request(["SHIRT", "SOCKS"], vec!["p1".into()]);
        assert_eq!(
            r.as_ref().map(|r| r.lines.clone()),
            Ok(vec![
                RequestedLine {
                    sku: "SHIRT".into(),
                    quantity: 1
                },
                RequestedLine {
                    sku: "SOCKS".into(),
                    quantity: 1
                },
            ])
        );
        assert_eq!(r.as_ref().map(|r| r.note.as_str()), Ok("too small"));
        assert_eq!(r.map(|r| r.photos), Ok(vec!["p1".to_string()]));
    }

    #[test]
    fn an_incomplete_draft_says_what_is_missing_first() {
        let mut d = Draft::default();
        assert_eq!(d.to_request(["A"], vec![]), Err(Missing::Items));
        d.set_quantity("A", 1, 2);
        assert_eq!(d.to_request(["A"], vec![]), Err(Missing::Kind));
        d.kind = Some(CaseKind::Exchange);
        assert_eq!(d.to_request(["A"], vec![]), Err(Missing::Reason));
        d.set_quantity("A", 0, 2);
        assert_eq!(d.to_request(["A"], vec![]), Err(Missing::Items));
    }

    #[test]
    fn a_kind_is_open_only_if_every_chosen_line_allows_it() {
        let elig = vec![
            line(
                "SHIRT",
                1,
                &[(
                    CaseKind::ReturnAndRefund,
                    &[Reason::SizeOrFit, Reason::QualityFault],
                )],
            ),
            line(
                "MILK",
                2,
                &[(CaseKind::ReturnAndRefund, &[Reason::QualityFault])],
            ),
        ];
        let opts = kind_options(&elig, &["SHIRT".into(), "MILK".into()]);
        let rr = opts.iter().find(|o| o.kind == CaseKind::ReturnAndRefund);
        assert!(rr.is_some_and(|o| o.open));
        let repair = opts.iter().find(|o| o.kind == CaseKind::Repair);
        assert!(repair.is_some_and(|o| !o.open && o.refusal == Some(Refusal::NothingLeft)));

        let reasons = reason_options(
            &elig,
            &["SHIRT".into(), "MILK".into()],
            Some(CaseKind::ReturnAndRefund),
        );
        assert!(reasons.contains(&(Reason::QualityFault, true)));
        assert!(reasons.contains(&(Reason::SizeOrFit, false)));
        let shirt_only = reason_options(&elig, &["SHIRT".into()], Some(CaseKind::ReturnAndRefund));
        assert!(shirt_only.contains(&(Reason::SizeOrFit, true)));
        // Before a kind is chosen nothing is marked unavailable.
        assert!(
            reason_options(&elig, &[], None)
                .iter()
                .all(|(_, open)| *open)
        );
    }
}
