//! `/admin` (reserved for the seller admin, not built yet) and the fallback for unknown paths.

use leptos::prelude::*;

use crate::app::use_lang;
use crate::i18n::tr;

/// A placeholder until the seller admin exists.
#[component]
pub fn AdminPage() -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="card narrow" data-testid="admin-placeholder">
            <h1>{tr(lang, |t| t.admin_title)}</h1>
            <p>{tr(lang, |t| t.admin_text)}</p>
            <a class="btn btn-secondary" href="/">{tr(lang, |t| t.go_home)}</a>
        </section>
    }
}

/// Any path the portal does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="card narrow" data-testid="not-found">
            <h1>{tr(lang, |t| t.not_found_title)}</h1>
            <p>{tr(lang, |t| t.not_found_text)}</p>
            <a class="btn btn-primary" href="/">{tr(lang, |t| t.go_home)}</a>
        </section>
    }
}
