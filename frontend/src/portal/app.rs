//! The shell: the language, the header with the language switch, the page of the route.

use leptos::prelude::*;
use shared::Lang;
use shared::api::routes::PortalPage;

use crate::portal::components::Header;
use crate::portal::i18n::tr;
use crate::portal::router::{self, Route};
use crate::portal::{i18n, session};

/// The buyer's language, shared by every page through context.
#[derive(Debug, Clone, Copy)]
pub struct LangSignal(pub RwSignal<Lang>);

/// The current language (reactive).
#[must_use]
pub fn use_lang() -> RwSignal<Lang> {
    use_context::<LangSignal>().map_or_else(|| RwSignal::new(Lang::default()), |l| l.0)
}

/// The language to start in: the one the buyer chose before, else the browser's preference.
fn initial_lang() -> Lang {
    session::saved_lang()
        .unwrap_or_else(|| Lang::from_accept_language(&session::browser_languages()))
}

/// The whole app, as the bundle of `page` (`shared::api::routes::PortalPage`) that draws its
/// routes with `draw`.
#[component]
pub fn App(page: PortalPage, draw: fn(Route) -> AnyView) -> impl IntoView {
    let lang = RwSignal::new(initial_lang());
    provide_context(LangSignal(lang));
    let location = router::start(page);
    provide_context(location);
    let page = Memo::new(move |_| location.route());

    // <html lang> follows the choice, so screen readers and fonts switch too; the tab's title
    // names the page ("Order TB… · After-sales").
    Effect::new(move |_| {
        let l = lang.get();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", i18n::code(l));
        }
        let t = i18n::t(l);
        let title = match page.get() {
            Route::Order(n) => format!("{} {n} · {}", t.order_title, t.app_name),
            Route::Case(id) => format!("{} {id} · {}", t.case_title, t.app_name),
            _ => t.app_name.to_string(),
        };
        document().set_title(&title);
    });

    view! {
            <a class="skip" href="#main">{tr(lang, |t| t.skip_to_content)}</a>
            <Header/>
            <main id="main" tabindex="-1">
                {move || draw(page.get())}
            </main>
            <footer class="footer">{tr(lang, |t| t.footer)}</footer>
    }
}
