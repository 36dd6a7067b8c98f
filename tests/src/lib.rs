//! Helpers for driving a real `wrangler dev`: start one on a free port with a fresh state
//! directory, talk to its API, and stop it (with everything it spawned) whatever happens.
//! The integration and browser tests live in `tests/tests/e2e/` (feature `e2e`); the demo-data
//! seeder in `src/bin/seed.rs` uses the same client.

pub mod client;
#[cfg(feature = "e2e")]
pub mod contract;
pub mod fixtures;
pub mod server;

pub use client::{Api, ApiResponse};
pub use server::{ProcessGroup, TEST_API_KEY, TEST_WEBHOOK_SECRET, Wrangler, free_port, repo_root};
