//! The buyer portal (售后): find an order, ask for help with some of its items, and follow the
//! case to the end. A Leptos client-side-rendered app served by Trunk from the worker's origin.
//!
//! Layout (STYLE.md, after Leptos' own examples): [`api`] is the typed client, [`pages`] has one
//! module per route, [`components`] the pieces they share; the decisions behind the screens are
//! plain functions ([`form`], [`i18n`], [`session`], [`photos`]) with native unit tests. Every
//! business rule comes from `shared::policy`; the portal only asks it and shows the answer.
//!
//! Each page is its own bundle (`src/main.rs` the lookup, `src/bin/order.rs`, `src/bin/case.rs`),
//! so a buyer's first load carries one page's code: a bin passes [`start`] its page and the
//! function that draws it ([`pages::draw_lookup`] …), and the linker drops the rest.

pub mod api;
pub mod app;
pub mod components;
pub mod form;
pub mod i18n;
pub mod pages;
pub mod photos;
pub mod router;
pub mod session;
pub mod task;

use leptos::prelude::AnyView;
pub use shared::api::routes::PortalPage;

/// Mounts the portal as the bundle of `page`, drawing its routes with `draw`.
pub fn start(page: PortalPage, draw: fn(router::Route) -> AnyView) {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(move || app::App(app::AppProps { page, draw }));
}
