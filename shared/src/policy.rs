//! The policy engine: every rule of DOMAIN.md, written once. The worker runs it as the
//! authority; the portal runs the same functions for instant previews and to enable buttons.
//!
//! Entry points: [`file_case`] and [`preview`] for new requests, [`decide`] and [`apply`] for
//! every later command, and the queries [`eligibility`], [`available_actions`],
//! [`current_deadline`], [`due_timeout`], [`return_shipping_payer`], [`refund_breakdown`],
//! [`priority`] and [`fast_refund_allowed`]; for batch decisions, [`is_low_risk`] and
//! [`plan_batch`].

mod actions;
mod batch;
mod catalogue;
mod context;
mod deadline;
mod eligibility;
pub(crate) mod error;
mod field;
mod filing;
mod impact;
mod machine;
pub mod notice;
pub mod notify;
mod parcel;
mod postage;
mod priority;
pub mod push;
mod refund;
mod settings;
mod shipping;
pub mod time;
pub mod tips;

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod properties;
#[cfg(test)]
mod questions_tests;

pub use actions::{available_actions, role_allows};
pub use batch::{
    BatchCandidate, BatchPlan, BatchRefusal, batch_candidate, is_low_risk, plan_batch,
};
pub use catalogue::{SETTINGS, Setting, SettingGroup, SettingValue, Unit, setting};
pub use context::{BuyerStanding, Context};
pub use deadline::{Deadline, current_deadline, due_timeout, expiry_on_record};
pub use eligibility::{
    KindEligibility, LineEligibility, eligibility, line_eligibility, needs_carrier_proof,
    units_held,
};
#[cfg(test)]
pub(crate) use error::RefusalTag;
pub use error::{PolicyError, PolicyErrorCode, Refusal};
pub use field::FieldError;
pub use filing::{
    NextStep, Preview, check_request, file_case, needs_intact_confirmation, open_review_recovery,
    preview,
};
pub use impact::{
    DeadlineMove, EligibilityChange, OpenCase, PolicyImpact, SettingChange, diff, impact,
};
pub use machine::{apply, decide};
pub use parcel::{
    MAX_TRACKING_EVENTS, ParcelStanding, StallReason, merge_tracking, parcel_standing,
};
pub use postage::{PostageTerms, check_claim, check_postage_amount, postage_terms};
#[cfg(test)]
pub(crate) use priority::PriorityReasonTag;
pub use priority::{Priority, PriorityClass, PriorityReason, priority};
pub use refund::{
    RefundInput, allocate_order_discount, fast_refund_allowed, refund_breakdown, refund_for_request,
};
pub use settings::{
    ApprovalLimits, CategoryPolicy, Deadlines, FastRefundPolicy, IntactRule, MAX_POSTAGE_CLAIM,
    Policy,
};
pub use shipping::{Payer, return_shipping_payer};
pub use tips::{LineTips, Tip, Tips, helped_line, order_tips, tips_for};

mod views;
pub use views::{
    case_postage_terms, case_refund, case_return_shipping_payer, effective_kind, granted_solution,
};
