//! One module per route.

mod case;
mod lookup;
mod not_found;
mod order;

pub use case::CasePage;
pub use lookup::{LookupPage, encode};
pub use not_found::NotFound;
pub use order::OrderPage;

/// The error of a page opened without the order's token: like the API's 401, it sends the buyer
/// to the lookup.
#[must_use]
pub fn unauthenticated() -> crate::api::ApiError {
    crate::api::ApiError::new(
        401,
        shared::api::ErrorCode::Api(shared::api::ApiErrorCode::Unauthenticated),
        String::new(),
    )
}
