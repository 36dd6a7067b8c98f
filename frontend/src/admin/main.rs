//! The seller admin (售后工作台): the queue, the case, receiving returns, and the owner's
//! numbers, on a phone first. A second Leptos app beside the buyer portal, built by Trunk from
//! `admin.html` into `/admin/`, so neither first load carries the other's pages.
//!
//! Layout (crux's shape, see STYLE.md): every screen is a pure model in [`model`]: its state, the
//! messages that change it and the effects it asks for (`update(&mut Model, Msg) -> Vec<Effect>`),
//! tested natively. [`view`] draws a model and performs its effects through [`api`]; [`core`]
//! is the loop between them. Every rule (what a role may do now, what a refund is, when a
//! deadline falls) comes from `shared` through the API's answers.

mod api;
mod chart;
mod model;
mod route;
mod text;
mod view;

/// The loop between a screen's model and its view, shared with the buyer portal.
use frontend::core;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(view::App);
}
