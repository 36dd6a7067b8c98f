//! The Cloudflare Worker: the JSON API under `/api/*`, the static portal for every other path,
//! and the deadline cron. Handlers stay thin (decode, authorize, load, decide in `shared`,
//! store, respond); KV and R2 access lives in `store`.

mod auth;
mod cases;
mod cron;
mod crypto;
mod desk;
mod error;
mod guard;
mod hooks;
mod http;
mod photos;
mod routes;
mod shop;
mod store;
mod visibility;

use shared::domain::Timestamp;
use worker::{Context, Env, Request, Response, Result, ScheduleContext, ScheduledEvent, event};

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    // wrangler.toml routes only /api/* here first; anything else that reaches the worker is the
    // portal's, served by the assets binding (with its single-page-application fallback).
    if !req.path().starts_with(shared::api::API_PREFIX) {
        return env.assets("ASSETS")?.fetch_request(req).await;
    }
    let (response, queued_hooks) = routes::handle(req, env.clone()).await;
    // The commits of this request queued webhook deliveries: send them once the answer is out, so
    // the shop hears of a milestone at once rather than at the next cron run (which retries).
    if !queued_hooks.is_empty() && hooks::configured(&env) {
        let shop = routes::shop_id(&env);
        ctx.wait_until(hooks::deliver_now(env, shop, queued_hooks));
    }
    response
}

#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    let shop = routes::shop_id(&env);
    let now = Timestamp(worker::Date::now().as_millis() as i64);
    match cron::run(&env, &shop, now).await {
        Ok(report) => worker::console_log!(
            "cron: scanned {}, expired {}, conflicts {}, webhooks {:?}",
            report.scanned,
            report.expired,
            report.conflicts,
            report.webhooks
        ),
        Err(e) => {
            let (_, body) = e.envelope(shared::i18n::Lang::En);
            worker::console_error!("cron failed: {}", body.code);
        }
    }
}
