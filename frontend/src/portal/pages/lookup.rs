//! `/`: find an order by its number and the e-mail or phone on it.
//!
//! `?order=` pre-fills the number and `?next=` says where to go afterwards: a bookmarked case
//! whose token expired sends the buyer here and comes back to the case after the lookup.

use leptos::prelude::*;

use crate::portal::api::{Api, ApiError};
use crate::portal::app::use_lang;
use crate::portal::components::{Steps, field_value, on_field_input};
use crate::portal::i18n::tr;
use crate::portal::router::use_location;
use crate::portal::{i18n, session, task};

/// Where to go after a lookup: `next` when it is a path of this portal, else the order page.
/// (Only same-origin paths: `next` comes from the URL, and an open redirect would let a crafted
/// link send a buyer who just proved their identity to another site.)
#[must_use]
pub fn after_lookup(next: Option<&str>, number: &str) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            // A case link that did not know its order learns it from this lookup.
            match path.strip_suffix("?order=") {
                Some(case) => format!("{case}?order={}", encode(number)),
                None => path.to_string(),
            }
        }
        _ => format!("/order/{}", encode(number)),
    }
}

pub use crate::format::encode;

/// The lookup page.
#[component]
pub fn LookupPage() -> impl IntoView {
    let lang = use_lang();
    let location = use_location();
    let number = RwSignal::new(location.query_untracked("order").unwrap_or_default());
    let contact = RwSignal::new(String::new());
    let expired = location.query_untracked("next").is_some();

    // Typed details, or (an empty number) the grant of a "start a return" link from the shop's
    // e-mail (`/#link=…`), which opens the order without typing.
    let lookup = task::Sender::new(move |(n, c): &(String, String)| {
        let (n, c) = (n.clone(), c.clone());
        let api = Api::new(lang.get_untracked());
        async move {
            if n.is_empty() {
                api.lookup_link(&c)
                    .await
                    .map(|r| (r.order.order.number.clone(), r))
            } else {
                api.lookup(&n, &c).await.map(|r| (n, r))
            }
        }
    });
    if let Some(link) = window()
        .location()
        .hash()
        .ok()
        .as_deref()
        .and_then(shared::api::links::link_in_fragment)
    {
        lookup.dispatch_local((String::new(), link.to_string()));
    }
    // The answers are read in place (`with`): a clone of the whole order would be compiled in.
    Effect::new(move |_| {
        let found = lookup.value().with(|v| match v {
            Some(Ok((n, found))) => {
                // The server may normalise the number (case, spaces): key the token by its
                // spelling.
                let number = found.order.order.number.clone();
                session::save_token(&number, &found.token, found.expires_at);
                if number != *n {
                    session::save_token(n, &found.token, found.expires_at);
                }
                Some(number)
            }
            _ => None,
        });
        if let Some(number) = found {
            let next = location.query_untracked("next");
            location.navigate(&after_lookup(next.as_deref(), &number), false);
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if lookup.pending().get_untracked() {
            return;
        }
        let typed = number.get_untracked().trim().to_string();
        if typed.is_empty() {
            return;
        }
        lookup.dispatch_local((typed, contact.get_untracked().trim().to_string()));
    };
    let error = move || {
        lookup.value().with(|v| match v {
            Some(Err(e)) => Some(e.clone()),
            _ => None,
        })
    };

    view! {
        <Steps current=1/>
        <section class="card narrow" aria-labelledby="lookup-title">
            <h1 id="lookup-title">{tr(lang, |t| t.lookup_title)}</h1>
            <p class="lead">{tr(lang, |t| t.lookup_intro)}</p>
            {expired.then(|| {
                // A case link without its order (no token yet) vs. a token that expired.
                let text: fn(&i18n::Texts) -> &'static str =
                    if number.get_untracked().is_empty() { |t| t.lookup_to_see } else { |t| t.lookup_again };
                view! { <p class="alert alert-info" data-testid="lookup-again">{tr(lang, text)}</p> }
            })}
            <form class="form" on:submit=submit data-testid="lookup-form">
                <div class="field">
                    <label for="order-number">{tr(lang, |t| t.order_number)}</label>
                    <input id="order-number" name="order" type="text" required autocomplete="off"
                        autocapitalize="characters" spellcheck="false" aria-describedby="order-number-hint"
                        data-testid="lookup-number"
                        prop:value=field_value(number)
                        on:input=on_field_input(number) />
                    <p class="hint" id="order-number-hint">{tr(lang, |t| t.order_number_hint)}</p>
                </div>
                <div class="field">
                    <label for="contact">{tr(lang, |t| t.contact)}</label>
                    <input id="contact" name="contact" type="text" required autocomplete="email"
                        spellcheck="false" aria-describedby="contact-hint" data-testid="lookup-contact"
                        prop:value=field_value(contact)
                        on:input=on_field_input(contact) />
                    <p class="hint" id="contact-hint">{tr(lang, |t| t.contact_hint)}</p>
                </div>
                {move || error().map(|e| view! { <LookupError error=e/> })}
                <button type="submit" class="btn btn-primary btn-block" data-testid="lookup-submit"
                    disabled=move || lookup.pending().get()>
                    {move || {
                        let t = i18n::t(lang.get());
                        if lookup.pending().get() { t.looking_up } else { t.lookup_submit }
                    }}
                </button>
            </form>
            <p class="muted small">{tr(lang, |t| t.privacy_note)}</p>
        </section>
    }
}

/// A failed lookup: the server's sentence (which never says which half was wrong), and what to
/// check.
#[component]
fn LookupError(error: ApiError) -> impl IntoView {
    let lang = use_lang();
    let not_found =
        error.code == shared::api::ErrorCode::Api(shared::api::ApiErrorCode::OrderNotFound);
    view! {
        <div class="alert alert-error" role="alert" data-testid="lookup-error" data-code=error.code.as_str().to_string()>
            <p class="alert-title">{error.message.clone()}</p>
            {not_found.then(|| view! {
                <p>{tr(lang, |t| t.lookup_help_title)}</p>
                <ul>
                    {move || i18n::t(lang.get()).lookup_help.iter().map(|h| view! { <li>{*h}</li> }).collect_view()}
                </ul>
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_a_lookup_the_buyer_returns_to_a_local_path_or_goes_to_the_order() {
        assert_eq!(
            after_lookup(Some("/case/AS-1?order=X"), "X"),
            "/case/AS-1?order=X"
        );
        assert_eq!(after_lookup(None, "TB1"), "/order/TB1");
        assert_eq!(
            after_lookup(Some("/case/AS-1?order="), "TB 1"),
            "/case/AS-1?order=TB%201"
        );
        assert_eq!(
            after_lookup(Some("https://evil.example"), "TB1"),
            "/order/TB1"
        );
        assert_eq!(after_lookup(Some("//evil.example"), "TB1"), "/order/TB1");
    }
}
