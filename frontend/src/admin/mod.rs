//! The seller admin (售后工作台): the queue, the case, receiving returns, and the owner's
//! desk, on a phone first. Apps beside the buyer portal, so neither first load carries the
//! other's pages: the daily admin (`admin.html`, bin `admin`, served at `/admin/`) and the
//! owner's desk (`desk.html`, bin `desk`, served at `/admin/desk/` for the analytics, settings,
//! team and replies screens), one module tree with one frame; each bin links only its own
//! screens ([`view::start_daily`], [`view::start_desk`]), and a screen of the other bundle loads
//! its page.
//!
//! Layout (crux's shape, see STYLE.md): every screen is a pure model in [`model`]: its state, the
//! messages that change it and the effects it asks for (`update(&mut Model, Msg) -> Vec<Effect>`),
//! tested natively. [`view`] draws a model and performs its effects through [`api`]; [`crate::core`]
//! is the loop between them. Every rule (what a role may do now, what a refund is, when a
//! deadline falls) comes from `shared` through the API's answers.

pub mod api;
pub mod chart;
pub mod model;
pub mod route;
pub mod text;
pub mod view;
