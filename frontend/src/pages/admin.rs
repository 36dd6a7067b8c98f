//! `/admin` (reserved for the seller admin, not built yet) and the fallback for unknown paths.

use leptos::prelude::*;

use crate::app::use_lang;
use crate::i18n;

/// A placeholder until the seller admin exists.
#[component]
pub fn AdminPage() -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="card narrow" data-testid="admin-placeholder">
            <h1>{move || i18n::t(lang.get()).admin_title}</h1>
            <p>{move || i18n::t(lang.get()).admin_text}</p>
            <a class="btn btn-secondary" href="/">{move || i18n::t(lang.get()).go_home}</a>
        </section>
    }
}

/// Any path the portal does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="card narrow" data-testid="not-found">
            <h1>{move || i18n::t(lang.get()).not_found_title}</h1>
            <p>{move || i18n::t(lang.get()).not_found_text}</p>
            <a class="btn btn-primary" href="/">{move || i18n::t(lang.get()).go_home}</a>
        </section>
    }
}
