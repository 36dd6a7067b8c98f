//! One module per route.

mod case;
mod lookup;
mod not_found;
mod order;

pub use case::CasePage;
pub use lookup::{LookupPage, encode};
pub use not_found::NotFound;
pub use order::OrderPage;

use leptos::prelude::*;

use crate::portal::router::Route;

// What each bundle draws (`shared::api::routes::PortalPage`): its bin passes one of these to
// `portal::start`, so the linker leaves the other pages out of its wasm. A path of another
// bundle never reaches them (the worker serves its page, `Location::navigate` loads it); one
// that does anyway (a host without the worker's routing) is not found rather than a reload loop.

/// The lookup bundle (`/`, and every path no page owns).
pub fn draw_lookup(route: Route) -> AnyView {
    match route {
        Route::Lookup => view! { <LookupPage/> }.into_any(),
        _ => view! { <NotFound/> }.into_any(),
    }
}

/// The order bundle (`/order/{number}`).
pub fn draw_order(route: Route) -> AnyView {
    match route {
        Route::Order(number) => view! { <OrderPage number=number/> }.into_any(),
        _ => view! { <NotFound/> }.into_any(),
    }
}

/// The case bundle (`/case/{id}`).
pub fn draw_case(route: Route) -> AnyView {
    match route {
        Route::Case(id) => view! { <CasePage id=id/> }.into_any(),
        _ => view! { <NotFound/> }.into_any(),
    }
}

/// The error of a page opened without the order's token: like the API's 401, it sends the buyer
/// to the lookup.
#[must_use]
pub fn unauthenticated() -> crate::portal::api::ApiError {
    crate::portal::api::ApiError::new(
        401,
        shared::api::ErrorCode::Api(shared::api::ApiErrorCode::Unauthenticated),
        String::new(),
    )
}
