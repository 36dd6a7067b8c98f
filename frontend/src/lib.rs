//! The buyer portal ([`portal`]) and the seller admin ([`admin`]), and what they share in the
//! browser: the loop between a pure page model and its view, reading the API's JSON, and writing
//! money, dates and durations. Each page set is its own binary, so neither app's first load
//! carries the other's pages; the rules both show come from `shared`.

pub mod admin;
pub mod core;
pub mod de;
pub mod format;
pub mod portal;
pub mod random;
