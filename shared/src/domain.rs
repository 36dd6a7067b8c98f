//! The model: instants and money, orders, cases and their requests, commands, events and actors.
//!
//! Everything here is data. The rules that decide what may happen live in [`crate::policy`];
//! the only logic kept here is the fold of a case's events into its state, because "state is the
//! fold of the events" is a property of the model, not of any shop's policy.

mod actor;
mod case;
mod command;
mod event;
mod order;
mod parcel;
mod review;
mod values;

pub use actor::{Actor, Party, Role};
pub use case::{
    Case, CaseKind, CaseRequest, CaseState, Clock, Outcome, Reason, RequestedLine, StateName,
};
pub use command::{
    ActionKind, Command, Inspection, Offer, OverrideAction, PostageClaim, Proposal, RejectReason,
    Resolution, Solution,
};
pub use event::{Event, EventKind, ExpiryOutcome, RefundBreakdown, RefundLine, ShipmentKind};
pub use order::{
    BuyerContact, Exclusion, LineFlags, Order, OrderLine, fold_order_number, is_order_number,
    order_number_match_key,
};
pub use parcel::{ParcelTracking, TrackingEvent};
pub use review::{BadReview, DisputeForum, ReviewOutcome};
pub use values::{MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, Money, Timestamp};

// The wire tags, derived from their enums (`crate::wire`'s tests walk every one).
#[cfg(test)]
pub(crate) use actor::{ActorTag, PartyTag};
#[cfg(test)]
pub(crate) use command::{OfferTag, OverrideTag, ProposalTag, ResolutionTag, SolutionTag};
#[cfg(test)]
pub(crate) use event::EventKindTag;
