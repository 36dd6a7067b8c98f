//! The owner's numbers (the roll-ups the API computes).

use frontend::format;
use leptos::prelude::*;
use shared::api::Analytics;
use shared::i18n::labels;

use super::{Ctx, spawn};
use crate::api::ApiError;
use crate::model::shell;

/// The analytics tab.
#[component]
pub fn AnalyticsScreen() -> impl IntoView {
    let ctx = Ctx::get();
    let data = RwSignal::new_local(None::<Result<Analytics, ApiError>>);
    let api = ctx.api();
    spawn(async move {
        let answer = api.analytics().await;
        if answer.as_ref().is_err_and(ApiError::signed_out) {
            ctx.shell.send(shell::Msg::SessionExpired);
        }
        data.try_set(Some(answer));
    });
    move || {
        let t = ctx.t();
        let lang = ctx.lang();
        match data.get() {
            None => view! { <p class="center muted">{t.loading}</p> }.into_any(),
            Some(Err(e)) => view! { <p class="alert" role="alert">{e.message}</p> }.into_any(),
            Some(Ok(a)) => view! {
                <section class="card" data-testid="analytics">
                    <h1>{t.analytics_title}</h1>
                    <div class="stats">
                        <p><span class="big">{a.cases}</span><span class="muted small">{t.cases_total}</span></p>
                        <p><span class="big">{a.open}</span><span class="muted small">{t.cases_open}</span></p>
                        <p class:late={a.overdue > 0}><span class="big">{a.overdue}</span><span class="muted small">{t.cases_overdue}</span></p>
                        <p><span class="big">{format::money(a.refunded, "CNY")}</span><span class="muted small">{t.refunded_total}</span></p>
                        <p><span class="big">{a.rating_avg_x100.map(|r| format!("{}.{:02}", r / 100, r % 100)).unwrap_or_else(|| "–".into())}</span>
                           <span class="muted small">{t.rating}</span></p>
                    </div>
                </section>
                <section class="card">
                    <h2>{t.by_kind}</h2>
                    <ul class="bars">{a.by_kind.iter().map(|(k, n)| view! { <li><span>{labels::kind(*k, lang)}</span><strong>{*n}</strong></li> }).collect_view()}</ul>
                </section>
                <section class="card">
                    <h2>{t.by_reason}</h2>
                    <ul class="bars">{a.by_reason.iter().map(|(r, n)| view! { <li><span>{labels::reason(*r, lang)}</span><strong>{*n}</strong></li> }).collect_view()}</ul>
                </section>
            }.into_any(),
        }
    }
}
