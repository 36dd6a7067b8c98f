//! The shell: the language, the header with the language switch, the routes.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use shared::Lang;

use crate::components::Header;
use crate::pages::{AdminPage, CasePage, LookupPage, NotFound, OrderPage};
use crate::i18n::tr;
use crate::{i18n, session};

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

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let lang = RwSignal::new(initial_lang());
    provide_context(LangSignal(lang));
    // <html lang> follows the choice, so screen readers and fonts switch too.
    Effect::new(move |_| {
        let l = lang.get();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", i18n::code(l));
        }
        document().set_title(i18n::t(l).app_name);
    });

    view! {
        <Router>
            <a class="skip" href="#main">{tr(lang, |t| t.skip_to_content)}</a>
            <Header/>
            <main id="main" tabindex="-1">
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=LookupPage/>
                    <Route path=path!("/order/:number") view=OrderPage/>
                    <Route path=path!("/case/:id") view=CasePage/>
                    <Route path=path!("/admin") view=AdminPage/>
                </Routes>
            </main>
            <footer class="footer">{tr(lang, |t| t.footer)}</footer>
        </Router>
    }
}
