//! What a case page shows that is derived from the whole case rather than from one rule: the
//! refund as it stands and who pays the return. The worker's answers and the portal's pages
//! both read these, so the page never recomputes a rule.

use crate::domain::{
    Case, CaseKind, EventKind, OverrideAction, RefundBreakdown, Resolution, Solution,
};

use super::context::Context;
use super::settings::Policy;
use super::shipping::{Payer, return_shipping_payer};

/// The solution the shop granted last (approval, a supervisor's decision or an override).
#[must_use]
pub fn granted_solution(case: &Case) -> Option<Solution> {
    case.events.iter().rev().find_map(|e| match &e.kind {
        EventKind::Approved { solution, .. }
        | EventKind::EscalationResolved {
            resolution: Resolution::Approve { solution },
            ..
        }
        | EventKind::Overridden {
            action: OverrideAction::Approve { solution },
            ..
        } => Some(solution.clone()),
        _ => None,
    })
}

/// The kind of service the case is about now: what was granted, else what was asked.
#[must_use]
pub fn effective_kind(case: &Case) -> CaseKind {
    granted_solution(case).map_or(case.request.kind, |s| s.kind())
}

/// The refund as it stands: what was refunded once money went back (the sum when a fast refund
/// was followed by a final one is never larger than paid: the engine caps it), otherwise the
/// estimate for the granted (or asked) kind; `None` when the case refunds nothing.
#[must_use]
pub fn case_refund(case: &Case, ctx: &Context<'_>) -> Option<RefundBreakdown> {
    if let Some(done) = case.events.iter().rev().find_map(|e| e.kind.refunded()) {
        return Some(done.clone());
    }
    let solution = granted_solution(case);
    let kind = solution.as_ref().map_or(case.request.kind, Solution::kind);
    if !kind.refunds() {
        return None;
    }
    let agreed_amount = match solution {
        Some(Solution::RefundOnly { amount }) => amount,
        _ => None,
    };
    Some(super::machine::refund_for_kind(
        case,
        kind,
        ctx,
        case.inspection_deduction(),
        agreed_amount,
    ))
}

/// Who pays to send the goods back for the kind the case is about now.
#[must_use]
pub fn case_return_shipping_payer(case: &Case, policy: &Policy) -> Option<Payer> {
    return_shipping_payer(
        &case.order,
        effective_kind(case),
        case.request.reason,
        policy,
    )
}

/// What happens to the return postage for the kind the case is about now (see
/// [`super::postage`]).
#[must_use]
pub fn case_postage_terms(case: &Case, policy: &Policy) -> super::postage::PostageTerms {
    super::postage::postage_terms(
        &case.order,
        effective_kind(case),
        case.request.reason,
        policy,
    )
}
