//! Why the engine says no: [`Refusal`] for a line's eligibility, [`PolicyError`] for a command
//! or request. Both have a stable `code()` and a buyer-readable `message(lang)` (see
//! [`crate::i18n`] for the wording).

use serde::{Deserialize, Serialize};

use crate::domain::{ActionKind, CaseKind, Exclusion, Money, Reason, StateName, Timestamp};
use crate::i18n::{Audience, Lang, Localized};
use crate::wire::{WireError, req};

use super::postage::PostageTerms;
use super::settings::IntactRule;
use super::time::LocalDate;

/// Why a line cannot get a kind of service (DOMAIN.md "Rules a policy must be able to express").
///
/// Written with its `code` tag by the derive; read through [`RefusalWire`] (see
/// [`crate::wire`]): the same JSON, without serde's per-variant buffering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::EnumDiscriminants)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[strum_discriminants(
    name(RefusalTag),
    vis(pub(crate)),
    derive(Deserialize, strum::EnumIter, strum::IntoStaticStr),
    serde(variant_identifier, rename_all = "snake_case"),
    strum(serialize_all = "snake_case")
)]
#[serde(tag = "code", rename_all = "snake_case", try_from = "RefusalWire")]
#[cfg_attr(feature = "schema", schemars(!try_from))]
pub enum Refusal {
    /// The order has not shipped: only a refund (cancellation) is possible.
    NotShipped,
    /// The parcel has not been signed for yet.
    NotDelivered,
    /// The no-reason window ended on `until` (local date).
    NoReasonWindowClosed {
        /// The window's last day.
        until: LocalDate,
    },
    /// The item is excluded from the no-reason return.
    ExcludedFromNoReason {
        /// Why.
        exclusion: Exclusion,
    },
    /// The 三包 return window for faults ended on `until`.
    QualityReturnWindowClosed {
        /// The window's last day.
        until: LocalDate,
    },
    /// The 三包 exchange window for faults ended on `until`.
    QualityExchangeWindowClosed {
        /// The window's last day.
        until: LocalDate,
    },
    /// The warranty ended on `until` (days in repair already added).
    WarrantyExpired {
        /// The warranty's last day.
        until: LocalDate,
    },
    /// This reason does not lead to this kind of service (e.g. repair for a wrong size).
    ReasonDoesNotFitKind {
        /// The kind asked for.
        kind: CaseKind,
        /// The reason given.
        reason: Reason,
    },
    /// The goods have shipped and there is no fault: they must come back (return and refund).
    RefundOnlyNeedsReturn,
    /// The parcel was signed for: "not received" needs the courier's record of loss.
    CarrierProofRequired,
    /// A review follow-up is opened by the shop (from its platform or by hand), never filed.
    OpenedByTheShop,
    /// The parcel is still moving: "not received" needs the courier's record of loss until it
    /// has shown no movement after `until` (or its promised date has passed); meanwhile the
    /// buyer may ask the shop where it is.
    ParcelStillMoving {
        /// The last day before it counts as stalled.
        until: LocalDate,
    },
    /// Every unit of the line is already refunded or in another open case.
    NothingLeft,
    /// A no-reason return needs the buyer to confirm the goods are intact.
    IntactNotConfirmed {
        /// How "intact" is judged for the item.
        rule: IntactRule,
    },
}

/// A [`Refusal`] as read: the tag and every variant's fields, each optional.
#[derive(Deserialize)]
struct RefusalWire {
    code: RefusalTag,
    #[serde(default)]
    until: Option<LocalDate>,
    #[serde(default)]
    exclusion: Option<Exclusion>,
    #[serde(default)]
    kind: Option<CaseKind>,
    #[serde(default)]
    reason: Option<Reason>,
    #[serde(default)]
    rule: Option<IntactRule>,
}

impl TryFrom<RefusalWire> for Refusal {
    type Error = WireError;

    fn try_from(w: RefusalWire) -> Result<Self, WireError> {
        use RefusalTag as T;
        Ok(match w.code {
            T::NotShipped => Self::NotShipped,
            T::NotDelivered => Self::NotDelivered,
            T::NoReasonWindowClosed => Self::NoReasonWindowClosed {
                until: req(w.until, "until")?,
            },
            T::ExcludedFromNoReason => Self::ExcludedFromNoReason {
                exclusion: req(w.exclusion, "exclusion")?,
            },
            T::QualityReturnWindowClosed => Self::QualityReturnWindowClosed {
                until: req(w.until, "until")?,
            },
            T::QualityExchangeWindowClosed => Self::QualityExchangeWindowClosed {
                until: req(w.until, "until")?,
            },
            T::WarrantyExpired => Self::WarrantyExpired {
                until: req(w.until, "until")?,
            },
            T::ReasonDoesNotFitKind => Self::ReasonDoesNotFitKind {
                kind: req(w.kind, "kind")?,
                reason: req(w.reason, "reason")?,
            },
            T::RefundOnlyNeedsReturn => Self::RefundOnlyNeedsReturn,
            T::CarrierProofRequired => Self::CarrierProofRequired,
            T::OpenedByTheShop => Self::OpenedByTheShop,
            T::ParcelStillMoving => Self::ParcelStillMoving {
                until: req(w.until, "until")?,
            },
            T::NothingLeft => Self::NothingLeft,
            T::IntactNotConfirmed => Self::IntactNotConfirmed {
                rule: req(w.rule, "rule")?,
            },
        })
    }
}

/// Why a request or a command is refused.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error, strum::EnumDiscriminants,
)]
#[strum_discriminants(
    name(PolicyErrorCode),
    derive(strum::EnumIter, strum::IntoStaticStr),
    strum(serialize_all = "snake_case")
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "code", rename_all = "snake_case")]
#[error("{}", self.message(Lang::En))]
pub enum PolicyError {
    /// This actor may never send this command.
    NotAllowedForActor {
        /// The command.
        action: ActionKind,
    },
    /// This command is not possible in the case's current state.
    NotAllowedInState {
        /// The command.
        action: ActionKind,
        /// The state.
        state: StateName,
        /// Who was refused: the sentence describes the state from their side and says what they
        /// can do (a buyer is waited for; staff wait for the buyer).
        #[serde(default)]
        audience: Audience,
    },
    /// A line is not eligible for the kind of service asked or granted.
    Ineligible {
        /// The line.
        sku: String,
        /// Why.
        refusal: Refusal,
    },
    /// The request names a SKU that is not on the order.
    UnknownLine {
        /// The SKU.
        sku: String,
    },
    /// The request names a line twice.
    DuplicateLine {
        /// The SKU.
        sku: String,
    },
    /// The request names no line.
    NoLines,
    /// A question (where is my parcel, a complaint) is about the whole order and names no line.
    QuestionHasLines,
    /// Zero units, or more than remain claimable on the line.
    InvalidQuantity {
        /// The SKU.
        sku: String,
        /// Units asked.
        requested: u32,
        /// Units still claimable.
        remaining: u32,
    },
    /// Too many photos.
    TooManyPhotos {
        /// The limit.
        max: i64,
    },
    /// A note, message or answer is too long.
    NoteTooLong {
        /// The limit, in characters.
        max: i64,
    },
    /// A message, question, answer or reason is empty.
    EmptyText,
    /// This party already sent the shop's hourly limit of messages on this case.
    TooManyMessages {
        /// The limit per hour.
        max: i64,
    },
    /// The carrier or tracking number is missing.
    MissingTracking,
    /// Stars must be 1 to 5.
    InvalidRating {
        /// What was sent.
        stars: u8,
    },
    /// The case was already rated.
    AlreadyRated,
    /// An amount (partial refund, deduction) is outside what is possible.
    InvalidAmount {
        /// What was sent.
        amount: Money,
        /// The most allowed.
        max: Money,
    },
    /// A deduction was recorded on a passed inspection.
    DeductionWithoutFault,
    /// A return postage amount is negative, zero for a claim, or above the sane maximum
    /// ([`super::MAX_POSTAGE_CLAIM`]).
    InvalidPostage {
        /// What was sent.
        amount: Money,
        /// The most allowed.
        max: Money,
    },
    /// The shop does not pay this return's postage back: the buyer pays it, a prepaid label
    /// does, or the shipping insurance does.
    PostageNotOwed {
        /// What happens to the postage instead.
        terms: PostageTerms,
    },
    /// A postage claim needs the photo of the receipt.
    PostageReceiptMissing,
    /// The refund already went out: postage cannot be paid, or changed, after it.
    PostageAlreadyPaid,
    /// This solution is not possible at this step (e.g. a reshipment after a return came back).
    SolutionNotPossibleHere {
        /// The kind of the solution.
        kind: CaseKind,
    },
    /// The case was already reopened once, or the time to reopen has passed.
    ReopenUnavailable,
    /// The deadline has not passed yet.
    NotDue {
        /// When it passes.
        due: Timestamp,
    },
    /// The case id is empty.
    EmptyCaseId,
    /// The shop requires an offer the buyer declined before a fault claim is rejected
    /// ([`super::Policy::require_offer_before_fault_reject`]).
    OfferRequiredBeforeReject,
}

impl PolicyError {
    /// The stable code (also the `code` tag in JSON).
    #[must_use]
    pub fn code(&self) -> &'static str {
        Localized::code(self)
    }

    /// The HTTP status the API answers this refusal with.
    #[must_use]
    pub fn status(&self) -> u16 {
        PolicyErrorCode::from(self).status()
    }

    /// A full sentence for the buyer (or staff) in `lang`.
    #[must_use]
    pub fn message(&self, lang: Lang) -> String {
        Localized::message(self, lang)
    }
}

impl PolicyErrorCode {
    /// A command this actor may never send is 403; one the case's state does not allow now is
    /// 409 (the caller's view of the case is stale); a rule's refusal or a bad value is 422.
    #[must_use]
    pub const fn status(self) -> u16 {
        match self {
            Self::NotAllowedForActor => 403,
            Self::NotAllowedInState | Self::AlreadyRated | Self::ReopenUnavailable => 409,
            _ => 422,
        }
    }
}

impl Refusal {
    /// The stable code (also the `code` tag in JSON).
    #[must_use]
    pub fn code(&self) -> &'static str {
        Localized::code(self)
    }

    /// A full sentence for the buyer in `lang`.
    #[must_use]
    pub fn message(&self, lang: Lang) -> String {
        Localized::message(self, lang)
    }

    /// True for refusals that only say the reason and the kind do not go together; when
    /// explaining why a kind is unavailable, a real obstacle (a window, an exclusion) is a more
    /// useful answer.
    #[must_use]
    pub const fn is_mismatch(&self) -> bool {
        matches!(self, Self::ReasonDoesNotFitKind { .. })
    }

    /// A window that closed: its last day, and whether it is a fault's (三包, warranty) rather
    /// than the no-reason window.
    const fn window_closed(&self) -> Option<(LocalDate, bool)> {
        match self {
            Self::NoReasonWindowClosed { until } => Some((*until, false)),
            Self::QualityReturnWindowClosed { until }
            | Self::QualityExchangeWindowClosed { until }
            | Self::WarrantyExpired { until } => Some((*until, true)),
            _ => None,
        }
    }

    /// When several rules refuse one kind, whether this one explains it better than `other`: a
    /// real obstacle before a mismatch, and of two closed windows the one that stayed open
    /// longer, a fault's band before the no-reason window on the same day. That is the last door
    /// that closed: a buyer with a fault at day 12 is told about the 三包 band, which is what
    /// their fault needed, not about the seven days without a reason.
    #[must_use]
    pub fn explains_better_than(&self, other: &Self) -> bool {
        if other.is_mismatch() {
            return !self.is_mismatch();
        }
        match (self.window_closed(), other.window_closed()) {
            (Some(mine), Some(theirs)) => mine > theirs,
            _ => false,
        }
    }
}
