//! The portal's routes and a small router over the History API: `pushState` for navigation,
//! `popstate` for back and forward, and same-origin `<a href>` clicks turned into navigations.
//!
//! Why not `leptos_router`: the portal has three fixed pages and reads two query values, and the
//! general router (nested routes, matchers, generic views per route) was about 65 KB of the
//! wasm before optimisation, a fifth of the way to the first-load budget. Matching is the plain
//! function [`route`], tested natively.

use leptos::prelude::*;
use shared::api::routes::{PortalPage, portal_page_of};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// A page of the portal, with its path parameters (percent-decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `/`: find an order.
    Lookup,
    /// `/order/:number`
    Order(String),
    /// `/case/:id`
    Case(String),
    /// Anything else.
    NotFound,
}

/// The route of a path (without its query).
#[must_use]
pub fn route(path: &str) -> Route {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        [] => Route::Lookup,
        ["order", number] => Route::Order(decode(number, false)),
        ["case", id] => Route::Case(decode(id, false)),
        _ => Route::NotFound,
    }
}

/// Percent-decoding (and `+` as a space in query strings); invalid escapes are kept as written.
#[must_use]
pub fn decode(s: &str, plus_is_space: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let hex = |j: usize| bytes.get(j).and_then(|c| char::from(*c).to_digit(16));
        match (b, hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
            (b'+', _, _) if plus_is_space => out.push(b' '),
            _ => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The value of `key` in a query string (`a=1&b=2`, without the `?`).
#[must_use]
pub fn query_value(query: &str, key: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (decode(k, true) == key).then(|| decode(v, true))
    })
}

/// Where the browser is: the path and the query (without `?`), as signals.
#[derive(Debug, Clone, Copy)]
pub struct Location {
    path: RwSignal<String>,
    query: RwSignal<String>,
    /// The page this bundle draws: a path of another is loaded, not drawn.
    page: PortalPage,
}

fn browser_location() -> (String, String) {
    let location = window().location();
    let path = location.pathname().unwrap_or_else(|_| "/".into());
    let search = location.search().unwrap_or_default();
    (path, search.trim_start_matches('?').to_string())
}

impl Location {
    /// Reads the address bar again (after a navigation or `popstate`); signals change only when
    /// their value does, so a same-page navigation re-renders nothing.
    fn sync(self) {
        let (path, query) = browser_location();
        if self.path.with_untracked(|p| *p != path) {
            self.path.set(path);
            // A new page: keyboard and screen-reader users start at its content, as after a load.
            crate::portal::components::focus_soon("#main");
        }
        if self.query.with_untracked(|q| *q != query) {
            self.query.set(query);
        }
    }

    /// The current route (reactive).
    #[must_use]
    pub fn route(self) -> Route {
        self.path.with(|p| route(p))
    }

    /// A query value (reactive).
    #[must_use]
    pub fn query(self, key: &str) -> Option<String> {
        self.query.with(|q| query_value(q, key))
    }

    /// A query value, without subscribing.
    #[must_use]
    pub fn query_untracked(self, key: &str) -> Option<String> {
        self.query.with_untracked(|q| query_value(q, key))
    }

    /// Goes to `href` (a path of this portal, with its query), as a new history entry or in
    /// place of the current one, and scrolls to the top like a page load.
    ///
    /// A path of another page is a full navigation: that page is another bundle
    /// (`shared::api::routes::PortalPage`), which the worker serves at its paths.
    pub fn navigate(self, href: &str, replace: bool) {
        let path = href.split(['?', '#']).next().unwrap_or(href);
        if portal_page_of(path) != self.page {
            let location = window().location();
            let _ = if replace {
                location.replace(href)
            } else {
                location.assign(href)
            };
            return;
        }
        if let Ok(history) = window().history() {
            let _ = if replace {
                history.replace_state_with_url(&JsValue::NULL, "", Some(href))
            } else {
                history.push_state_with_url(&JsValue::NULL, "", Some(href))
            };
        }
        self.sync();
        window().scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// The router's state, shared through context.
#[must_use]
pub fn use_location() -> Location {
    use_context::<Location>().unwrap_or_else(|| start(PortalPage::Lookup))
}

/// Creates the location signals of the bundle of `page` and listens for back/forward and link
/// clicks (for the app's lifetime: the listeners are never removed).
pub fn start(page: PortalPage) -> Location {
    let (path, query) = browser_location();
    let location = Location {
        path: RwSignal::new(path),
        query: RwSignal::new(query),
        page,
    };
    let popstate = Closure::<dyn Fn()>::new(move || location.sync());
    let click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |ev: web_sys::MouseEvent| {
        if let Some(href) = link_target(&ev) {
            ev.prevent_default();
            location.navigate(&href, false);
        }
    });
    let w = window();
    let _ = w.add_event_listener_with_callback("popstate", popstate.as_ref().unchecked_ref());
    let _ = w.add_event_listener_with_callback("click", click.as_ref().unchecked_ref());
    popstate.forget();
    click.forget();
    location
}

/// The path and query a click on a link of this portal goes to, or `None` when the browser
/// should handle the click itself (modifier keys, other windows, downloads, other origins,
/// in-page anchors).
fn link_target(ev: &web_sys::MouseEvent) -> Option<String> {
    if ev.default_prevented()
        || ev.button() != 0
        || ev.meta_key()
        || ev.ctrl_key()
        || ev.shift_key()
        || ev.alt_key()
    {
        return None;
    }
    let anchor: web_sys::HtmlAnchorElement = ev
        .target()?
        .dyn_into::<web_sys::Element>()
        .ok()?
        .closest("a[href]")
        .ok()??
        .dyn_into()
        .ok()?;
    let same_origin = window().location().origin().ok()? == anchor.origin();
    if !same_origin
        || !anchor.target().is_empty()
        || anchor.has_attribute("download")
        || !anchor.hash().is_empty()
    {
        return None;
    }
    Some(format!("{}{}", anchor.pathname(), anchor.search()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_the_three_pages_and_nothing_else() {
        assert_eq!(route("/"), Route::Lookup);
        assert_eq!(route("/order/TB%201"), Route::Order("TB 1".into()));
        assert_eq!(route("/case/AS-1"), Route::Case("AS-1".into()));
        // The seller admin is another app (the worker answers /admin with it).
        assert_eq!(route("/admin"), Route::NotFound);
        assert_eq!(route("/order"), Route::NotFound);
        assert_eq!(route("/case/AS-1/more"), Route::NotFound);
    }

    #[test]
    fn each_page_is_drawn_by_the_bundle_the_worker_serves_for_its_path() {
        for path in [
            "/",
            "/order/TB1",
            "/order/TB%201",
            "/case/AS-1",
            "/case/AS-1/",
            "/admin",
            "/order",
            "/case/AS-1/more",
            "/p/order/",
        ] {
            let drawn_by = match route(path) {
                Route::Order(_) => PortalPage::Order,
                Route::Case(_) => PortalPage::Case,
                Route::Lookup | Route::NotFound => PortalPage::Lookup,
            };
            assert_eq!(portal_page_of(path), drawn_by, "{path}");
        }
    }

    #[test]
    fn query_values_are_found_and_decoded() {
        let q = "order=TB%231&next=%2Fcase%2FAS-1%3Forder%3DTB1&x=a+b";
        assert_eq!(query_value(q, "order").as_deref(), Some("TB#1"));
        assert_eq!(
            query_value(q, "next").as_deref(),
            Some("/case/AS-1?order=TB1")
        );
        assert_eq!(query_value(q, "x").as_deref(), Some("a b"));
        assert_eq!(query_value(q, "missing"), None);
        assert_eq!(decode("100%", false), "100%");
    }
}
