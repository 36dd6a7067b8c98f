//! One module per route.

mod not_found;
mod case;
mod lookup;
mod order;

pub use not_found::NotFound;
pub use case::CasePage;
pub use lookup::{LookupPage, encode};
pub use order::OrderPage;
