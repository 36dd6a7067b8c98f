//! End-to-end tests against a real `wrangler dev` (one per test binary, fresh state directory),
//! run by the test command with `--features e2e`. `api_*` modules drive the JSON API; `portal`
//! drives the buyer portal and `admin` the seller admin in headless Chromium at a phone viewport.

mod support;

mod admin;
mod admin_analytics;
mod admin_offline;
mod admin_reviews;
mod admin_settings;
mod admin_stories;
mod admin_team;
mod api_access;
mod api_basics;
mod api_concurrency;
mod api_crash;
mod api_cron;
mod api_desk;
mod api_fuzz;
mod api_hardening_input;
mod api_input;
mod api_photos_hostile;
mod api_queue;
mod api_staff;
mod api_stories;
mod backup;
mod helpers;
mod notify;
mod notify_push;
mod portal;
mod portal_desk;
mod postage;
mod shell;
mod tips;
