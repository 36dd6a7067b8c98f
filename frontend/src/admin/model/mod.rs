//! Every screen as a pure model: state, messages, effects, and what the view shows, derived here
//! so the view only draws. Native unit tests drive each one message by message.

pub mod case;
pub mod invite;
pub mod queue;
pub mod receive;
pub mod replies;
pub mod shell;
pub mod signin;
pub mod team;
