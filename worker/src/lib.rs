//! The Cloudflare Worker: the JSON API under `/api/*`, the seller admin's page under `/admin`, the
//! static portal for every other path, and the deadline cron. Handlers stay thin (decode, authorize, load, decide in `shared`,
//! store, respond); KV and R2 access lives in `store`.

mod alert;
mod auth;
mod backup;
mod cases;
mod cron;
mod crypto;
mod desk;
mod error;
mod guard;
mod hooks;
mod http;
mod notify;
mod push;
mod queue;
mod routes;
mod shop;
mod store;
mod tally;
mod visibility;

// The photo validator is pure and lives in `shared` (its mutated-file tests run on wasm32 there).
use shared::domain::Timestamp;
use shared::photos;
use worker::{Context, Env, Request, Response, Result, ScheduleContext, ScheduledEvent, event};

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    // wrangler.toml routes /api/*, the admin's and the portal's page paths here first; anything
    // else that reaches the worker is a file, served by the assets binding (with its
    // single-page-application fallback: the lookup page).
    let path = req.path();
    // The admin's own address is `/admin/`: the service worker's scope, which `/admin` is outside
    // of (a page there would never work offline).
    if path == "/admin" {
        let mut url = req.url()?;
        url.set_path("/admin/");
        return Response::redirect_with_status(url, 308);
    }
    if is_admin_page(&path) {
        return admin_page(&req, &env).await;
    }
    let portal_page = shared::api::routes::portal_page_of(&path);
    if portal_page != shared::api::routes::PortalPage::Lookup {
        return page_document(&req, &env, portal_page.document()).await;
    }
    if !path.starts_with(shared::api::API_PREFIX) {
        return env.assets("ASSETS")?.fetch_request(req).await;
    }
    let (response, queued_hooks) = routes::handle(req, env.clone()).await;
    // The commits of this request queued webhook deliveries: send them once the answer is out, so
    // the shop hears of a milestone at once rather than at the next cron run (which retries).
    if !queued_hooks.is_empty() && crate::notify::configured(&env) {
        let shop = routes::shop_id(&env);
        ctx.wait_until(hooks::deliver_now(env, shop, queued_hooks));
    }
    response
}

/// A navigation inside the seller admin (`/admin`, `/admin/case/AS-1`), as opposed to one of its
/// files (`/admin/admin-1a2b.wasm`): the last segment of a file has an extension.
fn is_admin_page(path: &str) -> bool {
    let inside = path == "/admin" || path.starts_with("/admin/");
    inside
        && !path
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains('.'))
}

/// The admin's page for any of its paths (the daily admin's, or the owner's desk's:
/// `routes::admin_page_of`); its files are served by the assets binding as they are. Fetched as
/// a directory page from the assets, so `_headers` (the CSP) applies as to any page.
async fn admin_page(req: &Request, env: &Env) -> Result<Response> {
    let page = shared::api::routes::admin_page_of(req.url()?.path());
    page_document(req, env, page).await
}

/// The built page at `document` (a directory of the assets: `/admin/`, `/p/order/`) as the answer
/// to a navigation elsewhere, fetched like any page so that `_headers` (the CSP, no-cache)
/// applies.
async fn page_document(req: &Request, env: &Env, document: &str) -> Result<Response> {
    let mut url = req.url()?;
    url.set_path(document);
    url.set_query(None);
    env.assets("ASSETS")?.fetch(url.to_string(), None).await
}

#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    let shop = routes::shop_id(&env);
    let now = Timestamp(worker::Date::now().as_millis() as i64);
    match cron::run(&env, &shop, now).await {
        Ok(report) => worker::console_log!(
            "cron: scanned {}, expired {}, conflicts {}, webhooks {:?}, reminders {}, notifications {:?}",
            report.scanned,
            report.expired,
            report.conflicts,
            report.webhooks,
            report.reminders,
            report.notifications
        ),
        Err(e) => {
            let (_, body) = e.envelope(shared::i18n::Lang::En);
            worker::console_error!("cron failed: {}", body.code);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_admin_page;

    #[test]
    fn admin_navigations_get_the_admin_page_and_its_files_pass_through() {
        for page in ["/admin", "/admin/", "/admin/case/AS-1", "/admin/signin"] {
            assert!(is_admin_page(page), "{page}");
        }
        for file in [
            "/admin/admin-1a2b_bg.wasm",
            "/admin/admin.css",
            "/administrator",
            "/",
            "/case/AS-1",
        ] {
            assert!(!is_admin_page(file), "{file}");
        }
    }

    #[test]
    fn the_owners_desk_screens_get_the_desk_page_and_every_other_admin_path_the_daily_one() {
        use shared::api::routes::admin_page_of;
        for desk in [
            "/admin/analytics",
            "/admin/analytics?view=speed",
            "/admin/settings",
            "/admin/team",
            "/admin/replies",
            "/admin/desk/",
            "/admin/invite/abc",
            "/admin/review",
        ] {
            assert_eq!(admin_page_of(desk), "/admin/desk/", "{desk}");
        }
        for daily in [
            "/admin",
            "/admin/",
            "/admin/case/AS-1",
            "/admin/case/analytics",
            "/admin/receive",
            "/admin/me",
            "/admin/signin?next=/admin/team",
            "/admin/analyticsx",
        ] {
            assert_eq!(admin_page_of(daily), "/admin/", "{daily}");
        }
    }
}
