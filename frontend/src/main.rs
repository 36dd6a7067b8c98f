//! The buyer portal (售后): find an order, ask for help with some of its items, and follow the
//! case to the end. A Leptos client-side-rendered app served by Trunk from the worker's origin.
//!
//! Layout (STYLE.md, after Leptos' own examples): [`api`] is the typed client, [`pages`] has one
//! module per route, [`components`] the pieces they share; the decisions behind the screens are
//! plain functions ([`form`], [`format`], [`i18n`], [`session`], [`photos`]) with native unit tests.
//! Every business rule comes from `shared::policy`; the portal only asks it and shows the answer.

mod api;
mod app;
mod components;
mod form;
mod i18n;
mod pages;
mod photos;
mod router;
mod session;
mod task;

/// The page loop, the JSON reader and the number and date formats, shared with the seller admin.
use frontend::{core, de, format};

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
