//! One module per route.

mod case;
mod lookup;
mod not_found;
mod order;

pub use case::CasePage;
pub use lookup::{LookupPage, encode};
pub use not_found::NotFound;
pub use order::OrderPage;
