//! Every screen as a pure model: state, messages, effects, and what the view shows, derived here
//! so the view only draws. Native unit tests drive each one message by message.

pub mod analytics;
pub mod case;
pub mod invite;
pub mod outbox;
pub mod queue;
pub mod receive;
pub mod replies;
pub mod review;
pub mod settings;
pub mod shell;
pub mod signin;
pub mod team;
pub mod tips;
