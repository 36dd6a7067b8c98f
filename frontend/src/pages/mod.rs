//! One module per route.

mod admin;
mod case;
mod lookup;
mod order;

pub use admin::{AdminPage, NotFound};
pub use case::CasePage;
pub use lookup::{LookupPage, encode};
pub use order::OrderPage;
