//! The fallback for paths the portal does not know (the seller admin under `/admin` is its own
//! app, answered by the worker).

use leptos::prelude::*;

use crate::portal::app::use_lang;
use crate::portal::i18n::tr;

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
