//! `/order/:number`: the order, the buyer's requests for it, and the new-request form with the
//! policy's live preview.

use std::rc::Rc;

use leptos::prelude::*;
use shared::Lang;
use shared::api::BuyerOrderView;
use shared::domain::{Case, CaseKind, CaseRequest, Order, Reason, Timestamp};
use shared::policy::{Context, Payer, PolicyError, Preview, Refusal, preview};

use crate::api::{Api, ApiError, new_idempotency_key};
use crate::app::use_lang;
use crate::components::{
    Breakdown, ErrorBox, Loading, PhotoItem, PhotoPicker, StatusChip, Steps, any_in_flight,
    uploaded_ids,
};
use crate::form::{Draft, Missing, kind_options, reason_options};
use crate::i18n::tr;
use crate::pages::encode;
use crate::router::use_location;
use crate::{format, i18n, session, task};

/// The lookup page that brings the buyer back to `path` once they proved the order is theirs.
#[must_use]
pub fn relookup_path(number: &str, path: &str) -> String {
    format!("/?order={}&next={}", encode(number), encode(path))
}

/// The link to a case, carrying its order so the right token is found later.
#[must_use]
pub fn case_path(case_id: &str, number: &str) -> String {
    format!("/case/{}?order={}", encode(case_id), encode(number))
}

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// The order page.
#[component]
pub fn OrderPage(
    /// The order number from the path.
    number: String,
) -> impl IntoView {
    let lang = use_lang();
    let location = use_location();
    let number = StoredValue::new(number);
    let number = move || number.get_value();

    let order = task::Load::new(move || {
        let number = number();
        let token = session::token(&number);
        let lang = lang.get_untracked();
        async move {
            let Some(token) = token else {
                return Err(ApiError {
                    status: 401,
                    code: "unauthenticated".into(),
                    message: String::new(),
                });
            };
            let sent_at = now_ms();
            Api::with_token(lang, token.clone())
                .order()
                .await
                .map(|view| {
                    // The preview runs on the server's clock: remember how far ours is off.
                    let skew = view.server_time.0 - (sent_at + now_ms()) / 2;
                    // Shared, never copied: a clone of the whole order would be compiled in.
                    (Rc::new(view), skew, token)
                })
        }
    });

    // A missing or expired token: back to the lookup, then straight back here.
    Effect::new(move |_| {
        if order.with(|o| o.is_some_and(|o| o.as_ref().is_err_and(ApiError::needs_lookup))) {
            let n = number();
            session::forget_token(&n);
            location.navigate(&relookup_path(&n, &format!("/order/{}", encode(&n))), true);
        }
    });

    view! {
        <Steps current=2/>
        {move || match order.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) if e.needs_lookup() => view! { <Loading/> }.into_any(),
            Some(Err(e)) => view! { <ErrorBox error=e on_retry=Callback::new(move |()| order.refetch())/> }.into_any(),
            Some(Ok((view, skew, token))) => view! { <OrderView view=view skew=skew token=token/> }.into_any(),
        }}
    }
}

/// Units of `sku` held by the buyer's other requests (open, or refunded).
fn held_elsewhere(cases: &[Case], sku: &str) -> u32 {
    cases
        .iter()
        .filter(|c| c.holds_units())
        .map(|c| c.quantity_of(sku))
        .sum()
}

#[component]
fn OrderView(view: Rc<BuyerOrderView>, skew: i64, token: String) -> impl IntoView {
    let lang = use_lang();
    let zone = view.policy.utc_offset_minutes;
    let order = &view.order;
    let currency = &order.currency;
    let summary = order.clone();
    let number = order.number.clone();
    view! {
        <section class="card" aria-labelledby="order-title" data-testid="order-summary">
            <div class="card-head">
                <h1 id="order-title">{tr(lang, |t| t.order_title)}" "<span class="mono">{number.clone()}</span></h1>
                <a class="link small" href="/">{tr(lang, |t| t.another_order)}</a>
            </div>
            <OrderFacts order=summary zone=zone/>
            <ul class="lines">
                {order.lines.iter().map(|l| {
                    let price = format::money(l.unit_price, currency);
                    let paid = format::money(l.net(), currency);
                    view! {
                        <li class="line">
                            <span class="line-title">{l.title.clone()}</span>
                            <span class="line-meta muted small">{price}" × "{l.quantity}</span>
                            <span class="line-paid">{paid}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
        <CaseList view=Rc::clone(&view) zone=zone/>
        <RequestForm view=Rc::clone(&view) skew=skew token=token/>
    }
}

#[component]
fn OrderFacts(order: Order, zone: i64) -> impl IntoView {
    let lang = use_lang();
    move || {
        let l = lang.get();
        let t = i18n::t(l);
        let when = |at: Option<Timestamp>, missing: &'static str| {
            at.map_or_else(|| missing.to_string(), |at| format::date(at, zone, l))
        };
        let paid = format::money(order.total_paid(), &order.currency);
        view! {
            <dl class="facts">
                <div><dt>{t.ordered}</dt><dd>{format::date(order.paid_at, zone, l)}</dd></div>
                <div><dt>{t.shipped}</dt><dd>{when(order.shipped_at, t.not_shipped)}</dd></div>
                <div><dt>{t.delivered}</dt><dd data-testid="delivered">{when(order.signed_for_at, t.not_delivered)}</dd></div>
                <div><dt>{t.paid}</dt><dd>{paid}{order.shipping_insurance.then(|| view! { <span class="badge">{t.insured}</span> })}</dd></div>
            </dl>
        }
    }
}

#[component]
fn CaseList(view: Rc<BuyerOrderView>, zone: i64) -> impl IntoView {
    let lang = use_lang();
    let (cases, number) = (&view.cases, &view.order.number);
    let empty = cases.is_empty();
    view! {
        <section class="card" aria-labelledby="cases-title" data-testid="case-list">
            <h2 id="cases-title">{tr(lang, |t| t.your_cases)}</h2>
            {empty.then(|| view! { <p class="muted" data-testid="no-cases">{tr(lang, |t| t.no_cases)}</p> })}
            <ul class="case-links">
                {cases.iter().map(|c| {
                    let href = case_path(&c.id, number);
                    let state = c.state().name();
                    let kind = c.request.kind;
                    let filed = c.filed_at;
                    let id = c.id.clone();
                    view! {
                        <li>
                            <a class="case-link" href=href data-testid="case-link">
                                <span class="case-link-main">
                                    <strong>{move || i18n::kind_choice(kind, lang.get()).0}</strong>
                                    <span class="muted small mono">{id}</span>
                                    <span class="muted small">{move || format!("{} {}", i18n::t(lang.get()).filed, format::date(filed, zone, lang.get()))}</span>
                                </span>
                                <StatusChip state=state/>
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// The new-request form with its live preview and the sticky submit bar.
#[component]
fn RequestForm(view: Rc<BuyerOrderView>, skew: i64, token: String) -> impl IntoView {
    let lang = use_lang();
    let location = use_location();
    let draft = RwSignal::new(Draft::default());
    let photos = RwSignal::new_local(Vec::<PhotoItem>::new());
    let data = StoredValue::new_local(view);
    let skus: Vec<String> =
        data.with_value(|v| v.order.lines.iter().map(|l| l.sku.clone()).collect());
    let skus = StoredValue::new(skus);
    let currency = data.with_value(|v| v.order.currency.clone());
    let zone = data.with_value(|v| v.policy.utc_offset_minutes);

    // The request as it stands, or what is missing.
    let request = Memo::new(move |_| {
        let ids = photos.with(|p| uploaded_ids(p));
        draft.with(|d| skus.with_value(|s| d.to_request(s.iter().map(String::as_str), ids)))
    });
    // The policy's preview: the same function the worker runs when the request is filed.
    let local_preview = Memo::new(move |_| {
        request.get().ok().map(|req| {
            data.with_value(|v| {
                let ctx = Context {
                    policy: &v.policy,
                    now: Timestamp(now_ms() + skew),
                    other_cases: &v.cases,
                    buyer: v.standing,
                };
                preview(&v.order, &req, &ctx)
            })
        })
    });
    let allowed = move || local_preview.with(|p| p.as_ref().is_some_and(|p| p.refusal.is_none()));
    let in_flight = move || photos.with(|p| any_in_flight(p));

    // Filing: one idempotency key per distinct body, so a double tap or a retry files once.
    let key = StoredValue::new((String::new(), String::new()));
    let token_for_submit = token.clone();
    let file = task::Sender::new(move |req: &CaseRequest| {
        let req = req.clone();
        let body = serde_json::to_string(&req).unwrap_or_default();
        let k = key
            .with_value(|(b, k)| (*b == body).then(|| k.clone()))
            .unwrap_or_else(|| {
                let k = new_idempotency_key();
                key.set_value((body, k.clone()));
                k
            });
        let api = Api::with_token(lang.get_untracked(), token_for_submit.clone());
        async move { api.file_case(&req, &k).await }
    });
    let number = data.with_value(|v| v.order.number.clone());
    let number_for_nav = number.clone();
    /// Where a filing's answer leads.
    enum Next {
        /// To the new case.
        Case(String),
        /// Back to the lookup: the token is missing or expired.
        Lookup,
    }
    // The answer is read in place: a clone of the whole case would be compiled in.
    Effect::new(move |_| {
        let next = file.value().with(|v| match v {
            Some(Ok(filed)) => Some(Next::Case(filed.case.id.clone())),
            Some(Err(e)) if e.needs_lookup() => Some(Next::Lookup),
            _ => None,
        });
        match next {
            Some(Next::Case(id)) => {
                session::save_case_order(&id, &number_for_nav);
                location.navigate(&case_path(&id, &number_for_nav), false);
            }
            Some(Next::Lookup) => {
                session::forget_token(&number_for_nav);
                location.navigate(
                    &relookup_path(
                        &number_for_nav,
                        &format!("/order/{}", encode(&number_for_nav)),
                    ),
                    false,
                );
            }
            None => {}
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if file.pending().get_untracked() || in_flight() || !allowed() {
            return;
        }
        if let Ok(req) = request.get_untracked() {
            file.dispatch_local(req);
        }
    };
    let file_error = move || {
        file.value().with(|v| match v {
            Some(Err(e)) if !e.needs_lookup() => Some(e.clone()),
            _ => None,
        })
    };

    let chosen = move || {
        draft.with(|d| {
            d.quantities
                .iter()
                .filter(|(_, q)| *q > 0)
                .map(|(s, _)| s.clone())
                .collect::<Vec<_>>()
        })
    };
    let kinds = Memo::new(move |_| data.with_value(|v| kind_options(&v.eligibility, &chosen())));
    let reasons = Memo::new(move |_| {
        let kind = draft.with(|d| d.kind);
        data.with_value(|v| reason_options(&v.eligibility, &chosen(), kind))
    });
    let needs_intact = move || {
        draft.with(|d| {
            d.kind.is_some_and(CaseKind::needs_return) && d.reason.is_some_and(Reason::is_no_reason)
        })
    };
    let intact_rule = move || {
        data.with_value(|v| {
            let first = draft.with(|d| {
                d.quantities
                    .iter()
                    .find(|(_, q)| *q > 0)
                    .map(|(s, _)| s.clone())
            });
            let category = first
                .and_then(|s| v.order.line(&s).map(|l| l.category.clone()))
                .unwrap_or_default();
            v.policy.intact_rule_for(&category)
        })
    };
    let signed = data.with_value(|v| v.order.signed_for_at.is_some());
    let needs_loss = move || signed && draft.with(|d| d.reason == Some(Reason::NotReceived));
    let cur = currency.clone();

    view! {
        <form class="request" on:submit=submit data-testid="request-form" aria-labelledby="request-title">
            <h2 id="request-title" class="section-title">{tr(lang, |t| t.new_request)}</h2>

            <fieldset class="card">
                <legend>{tr(lang, |t| t.q_items)}</legend>
                {data.with_value(|v| v.order.lines.iter().map(|line| {
                    let sku = line.sku.clone();
                    let remaining = v.eligibility.iter().find(|e| e.sku == line.sku).map_or(0, |e| e.remaining_quantity);
                    let held = held_elsewhere(&v.cases, &line.sku);
                    view! { <LinePicker draft=draft sku=sku title=line.title.clone() bought=line.quantity remaining=remaining held=held/> }
                }).collect_view())}
            </fieldset>

            <fieldset class="card">
                <legend>{tr(lang, |t| t.q_kind)}</legend>
                <div class="choices">
                    {move || kinds.with(|kinds| kinds.iter().map(|o| {
                        let kind = o.kind;
                        let (label, hint) = i18n::kind_choice(kind, lang.get());
                        let why = o.refusal.as_ref().map(|r| r.message(lang.get()));
                        let id = format!("kind-{}", kind.code());
                        view! {
                            <div class=if o.open { "choice" } else { "choice choice-closed" }>
                                <input type="radio" name="kind" id=id.clone() data-testid=id.clone()
                                    prop:checked=move || draft.with(|d| d.kind == Some(kind))
                                    on:change=move |_| draft.update(|d| d.kind = Some(kind)) />
                                <label for=id>
                                    <span class="choice-label">{label}</span>
                                    <span class="choice-hint">{hint}</span>
                                    {why.map(|w| view! { <span class="choice-why">{w}</span> })}
                                </label>
                            </div>
                        }
                    }).collect_view())}
                </div>
            </fieldset>

            <fieldset class="card">
                <legend>{tr(lang, |t| t.q_reason)}</legend>
                <div class="chips-choice">
                    {move || reasons.get().into_iter().map(|(reason, open)| {
                        let id = format!("reason-{}", reason.code());
                        view! {
                            <span class=if open { "pill" } else { "pill pill-closed" }>
                                <input type="radio" name="reason" id=id.clone() data-testid=id.clone()
                                    aria-describedby=(!open).then_some("reason-closed")
                                    prop:checked=move || draft.with(|d| d.reason == Some(reason))
                                    on:change=move |_| draft.update(|d| d.reason = Some(reason)) />
                                <label for=id>{i18n::reason_label(reason, lang.get())}</label>
                            </span>
                        }
                    }).collect_view()}
                </div>
                <p class="hint" id="reason-closed" hidden=move || reasons.with(|r| r.iter().all(|(_, open)| *open))>
                    {tr(lang, |t| t.reason_closed)}
                </p>
            </fieldset>

            <fieldset class="card">
                <legend>{tr(lang, |t| t.q_details)}</legend>
                <div class="field">
                    <label for="note">{tr(lang, |t| t.note)}</label>
                    <textarea id="note" rows="3" data-testid="note" aria-describedby="note-hint"
                        prop:value=move || draft.with(|d| d.note.clone())
                        on:input=move |ev| draft.update(|d| d.note = event_target_value(&ev))></textarea>
                    <p class="hint" id="note-hint">{tr(lang, |t| t.note_hint)}</p>
                </div>
                <div class="field">
                    <span class="label">{tr(lang, |t| t.photos)}</span>
                    <PhotoPicker items=photos token=token.clone() id_prefix="request-photos"/>
                </div>
                <Show when=needs_intact>
                    <label class="check" data-testid="intact-label">
                        <input type="checkbox" data-testid="intact"
                            prop:checked=move || draft.with(|d| d.intact_confirmed)
                            on:change=move |ev| draft.update(|d| d.intact_confirmed = event_target_checked(&ev)) />
                        <span>{tr(lang, |t| t.intact_confirm)}{move || i18n::intact_rule(intact_rule(), lang.get())}</span>
                    </label>
                </Show>
                <Show when=needs_loss>
                    <label class="check">
                        <input type="checkbox" data-testid="carrier-loss"
                            prop:checked=move || draft.with(|d| d.carrier_confirms_loss)
                            on:change=move |ev| draft.update(|d| d.carrier_confirms_loss = event_target_checked(&ev)) />
                        <span>{tr(lang, |t| t.carrier_loss)}</span>
                    </label>
                </Show>
                <label class="check">
                    <input type="checkbox" data-testid="urgent"
                        prop:checked=move || draft.with(|d| d.urgent)
                        on:change=move |ev| draft.update(|d| d.urgent = event_target_checked(&ev)) />
                    <span>{tr(lang, |t| t.urgent)}</span>
                </label>
            </fieldset>

            <PreviewPanel request=request preview=local_preview currency=currency.clone() zone=zone/>

            {move || file_error().map(|e| view! { <ErrorBox error=e/> })}

            <div class="action-bar">
                <div class="action-bar-inner">
                    <div class="action-bar-sum" aria-live="polite">
                        {move || {
                            // The refund, or why Send is not possible yet.
                            let t = i18n::t(lang.get());
                            let why = if in_flight() {
                                Some(t.uploads_pending)
                            } else {
                                match request.with(|r| r.as_ref().err().copied()) {
                                    Some(Missing::Items) => Some(t.need_items),
                                    Some(Missing::Kind) => Some(t.choose_kind),
                                    Some(Missing::Reason) => Some(t.choose_reason),
                                    None => local_preview.with(|p| {
                                        p.as_ref().and_then(|p| p.refusal.as_ref()).map(|e| {
                                            if waits_for_tick(e) { t.need_intact } else { t.refused }
                                        })
                                    }),
                                }
                            };
                            match why {
                                Some(why) => view! { <span class="small" data-testid="submit-why">{why}</span> }.into_any(),
                                None => local_preview.with(|p| p.as_ref().and_then(|p| p.refund.as_ref().map(|r| r.total))).map(|total| view! {
                                    <span class="muted small">{t.refund_estimate}</span>
                                    <strong data-testid="bar-total">{format::money(total, &cur)}</strong>
                                }).into_any(),
                            }
                        }}
                    </div>
                    <button type="submit" class="btn btn-primary" data-testid="submit"
                        disabled=move || !allowed() || in_flight() || file.pending().get()>
                        {move || {
                            let t = i18n::t(lang.get());
                            if file.pending().get() { t.submitting } else { t.submit }
                        }}
                    </button>
                </div>
            </div>
        </form>
    }
}

/// One order line: include it, and how many units.
#[component]
fn LinePicker(
    draft: RwSignal<Draft>,
    sku: String,
    title: String,
    bought: u32,
    remaining: u32,
    held: u32,
) -> impl IntoView {
    let lang = use_lang();
    let sku = StoredValue::new(sku);
    let qty = move || draft.with(|d| sku.with_value(|s| d.quantity(s)));
    let set = move |q: u32| draft.update(|d| sku.with_value(|s| d.set_quantity(s, q, remaining)));
    let id = sku.with_value(|s| format!("pick-{s}"));
    let qty_id = sku.with_value(|s| format!("qty-{s}"));
    let none_left = remaining == 0;
    view! {
        <div class=if none_left { "pick pick-disabled" } else { "pick" } data-testid=sku.with_value(|s| format!("line-{s}"))>
            <label class="check pick-main" for=id.clone()>
                <input type="checkbox" id=id.clone() data-testid=id.clone() disabled=none_left
                    prop:checked=move || { qty() > 0 }
                    on:change=move |ev| set(if event_target_checked(&ev) { 1 } else { 0 }) />
                <span>
                    <span class="pick-title">{title}</span>
                    <span class="small muted">
                        {move || {
                            let zh = lang.get() == Lang::ZhCn;
                            let mut parts = vec![if zh { format!("购买 {bought} 件") } else { format!("{bought} bought") }];
                            if held > 0 {
                                parts.push(if zh { format!("{held} 件已在其他售后中") } else { format!("{held} already in another request") });
                            }
                            if remaining > 0 {
                                parts.push(if zh { format!("可申请 {remaining} 件") } else { format!("{remaining} available") });
                            }
                            parts.join(" · ")
                        }}
                    </span>
                    {none_left.then(|| view! { <span class="small bad">{tr(lang, |t| t.nothing_left)}</span> })}
                </span>
            </label>
            <Show when=move || { remaining > 1 && qty() > 0 }>
                <div class="stepper" role="group" aria-label=tr(lang, |t| t.quantity)>
                    <button type="button" class="btn btn-icon" aria-label=tr(lang, |t| t.decrease)
                        disabled=move || { qty() <= 1 } on:click=move |_| set(qty().saturating_sub(1).max(1))>"−"</button>
                    <label class="sr-only" for=qty_id.clone()>{tr(lang, |t| t.quantity)}</label>
                    <input id=qty_id.clone() data-testid=qty_id.clone() type="number" inputmode="numeric" min="1" max=remaining
                        prop:value=move || qty().to_string()
                        on:change=move |ev| set(event_target_value(&ev).parse().unwrap_or(1).max(1)) />
                    <button type="button" class="btn btn-icon" aria-label=tr(lang, |t| t.increase)
                        disabled=move || { qty() >= remaining } on:click=move |_| set(qty() + 1)>"+"</button>
                </div>
            </Show>
        </div>
    }
}

/// A refusal that only waits for the "item intact" tick: shown as a step still to do, not as a
/// refusal.
fn waits_for_tick(e: &PolicyError) -> bool {
    matches!(
        e,
        PolicyError::Ineligible {
            refusal: Refusal::IntactNotConfirmed { .. },
            ..
        }
    )
}

/// Who pays return shipping, as a stable code.
fn payer_code(p: Option<Payer>) -> &'static str {
    match p {
        None => "none",
        Some(Payer::Buyer) => "buyer",
        Some(Payer::Shop) => "shop",
        Some(Payer::Insurer) => "insurer",
    }
}

/// What to expect: allowed or why not, who pays return shipping, the refund with its breakdown,
/// and what happens next by when. All from `shared::policy::preview`.
#[component]
fn PreviewPanel(
    request: Memo<Result<CaseRequest, Missing>>,
    preview: Memo<Option<Preview>>,
    currency: String,
    zone: i64,
) -> impl IntoView {
    let lang = use_lang();
    let currency = StoredValue::new(currency);
    // The verdict: the only part announced when it changes (its live region stays in the page).
    let status = move || {
        let l = lang.get();
        let t = i18n::t(l);
        let missing = |hint: &'static str| {
            view! { <p class="muted" data-testid="preview-missing">{hint}</p> }.into_any()
        };
        match request.with(|r| r.as_ref().err().copied()) {
            Some(Missing::Items) => missing(t.preview_pick),
            Some(Missing::Kind) => missing(t.choose_kind),
            Some(Missing::Reason) => missing(t.choose_reason),
            None => preview.with(|p| match p.as_ref().map(|p| &p.refusal) {
                None => missing(t.preview_pick),
                Some(None) => view! {
                    <p class="verdict verdict-ok" data-testid="preview-status" data-allowed="true">
                        <span aria-hidden="true">"✓ "</span>{t.allowed}
                    </p>
                }
                .into_any(),
                Some(Some(e)) if waits_for_tick(e) => missing(t.need_intact),
                Some(Some(err)) => view! {
                    <div class="verdict verdict-no" data-testid="preview-status" data-allowed="false">
                        <p><span aria-hidden="true">"✕ "</span>{t.refused}</p>
                        <p class="verdict-why" data-testid="preview-refusal" data-code=err.code()>{err.filing_message(l)}</p>
                    </div>
                }
                .into_any(),
            }),
        }
    };
    // The details of a request that can be sent (or only waits for the tick).
    let details = move |kind: Option<CaseKind>, p: Option<&Preview>| {
        let (Some(kind), Some(p)) = (kind, p) else {
            return ().into_any();
        };
        let l = lang.get();
        let t = i18n::t(l);
        let facts = preview_facts(p);
        let refused = p.refusal.as_ref().is_some_and(|e| !waits_for_tick(e));
        let details = (!refused).then(|| {
            let payer = match p.shipping_payer {
                None => t.no_return_needed,
                Some(Payer::Buyer) => t.paid_by_you,
                Some(Payer::Shop) => t.paid_by_shop,
                Some(Payer::Insurer) => t.insurance_covers,
            };
            let refund = match (&p.refund, kind.refunds()) {
                (Some(b), _) => view! {
                    <h3 class="h4">{t.refund_estimate}</h3>
                    <Breakdown breakdown=b.clone() currency=currency.get_value()/>
                }
                .into_any(),
                (None, false) => {
                    view! { <p class="muted small">{t.no_refund_kind}</p> }.into_any()
                }
                (None, true) => ().into_any(),
            };
            let next = p.next_step.map(|n| {
                let due = format!("{} {}", format::date_time(n.due, zone, l), format::zone(zone));
                view! {
                    <div class="next" data-testid="preview-next">
                        <h3 class="h4">{t.next_steps}</h3>
                        <p>
                            {i18n::next_step_text(n.who, l)}
                            <strong>{format::duration(n.due.0 - now_ms(), l)}</strong>
                            <span class="muted small">{i18n::fill(t.due_paren, &due)}</span>
                        </p>
                        <p class="muted small">{i18n::expiry_future(n.on_expiry, l)}</p>
                    </div>
                }
            });
            view! {
                <dl class="facts facts-one">
                    <div><dt>{t.return_shipping}</dt><dd data-testid="preview-payer" data-payer=payer_code(p.shipping_payer)>{payer}</dd></div>
                </dl>
                {refund}
                {p.fast_refund.then(|| view! { <p class="alert alert-info small">{t.fast_refund}</p> })}
                {next}
                <p class="muted small">{t.server_check}</p>
            }
        });
        view! {
            {details}
            <output hidden data-testid="preview-facts">{facts}</output>
        }
        .into_any()
    };
    // The preview is read in place (`with`): a copy would compile in a clone of every refusal.
    let body = move || {
        let kind = request.with(|r| r.as_ref().ok().map(|r| r.kind));
        preview.with(|p| details(kind, p.as_ref()))
    };
    view! {
        <section class="card preview" aria-labelledby="preview-title" data-testid="preview">
            <h2 id="preview-title" class="h3">{tr(lang, |t| t.preview_title)}</h2>
            <div aria-live="polite">{status}</div>
            {body}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_links_carry_their_order_and_relookups_come_back() {
        assert_eq!(case_path("AS-1", "TB 1"), "/case/AS-1?order=TB%201");
        assert_eq!(
            relookup_path("TB1", "/case/AS-1?order=TB1"),
            "/?order=TB1&next=%2Fcase%2FAS-1%3Forder%3DTB1"
        );
    }
}

/// The preview's decisive facts as `key=value;` pairs, for the page's tests to compare with the
/// server's preview. Plain integers and codes: serializing the whole `Preview` with serde_json
/// here cost the first load about 18 KB of code.
pub fn preview_facts(p: &shared::policy::Preview) -> String {
    use shared::i18n::Localized;
    let mut out = format!(
        "refusal={};",
        p.refusal.as_ref().map_or("none", |e| e.code())
    );
    out.push_str(&format!(
        "payer={};fast_refund={};",
        payer_code(p.shipping_payer),
        p.fast_refund
    ));
    if let Some(r) = &p.refund {
        for (name, m) in [
            ("items", r.items),
            ("discounts", r.discounts),
            ("original_shipping", r.original_shipping),
            ("restocking_fee", r.restocking_fee),
            ("free_shipping_deduction", r.free_shipping_deduction),
            ("insurance_payout", r.insurance_payout),
            ("total", r.total),
        ] {
            out.push_str(&format!("{name}={};", m.0));
        }
    }
    if let Some(n) = &p.next_step {
        let who = match n.who {
            shared::domain::Party::Buyer => "buyer",
            shared::domain::Party::Shop { .. } => "shop",
        };
        out.push_str(&format!("next={who};on_expiry={};", n.on_expiry.code()));
    }
    out
}

#[cfg(test)]
mod facts_tests {
    use super::preview_facts;
    use shared::domain::{Money, RefundBreakdown};
    use shared::policy::{Payer, Preview};

    #[test]
    fn the_preview_facts_name_the_refusal_the_payer_and_every_amount() {
        let p = Preview {
            refusal: None,
            shipping_payer: Some(Payer::Insurer),
            refund: Some(RefundBreakdown {
                items: Money(19_900),
                discounts: Money(2_000),
                total: Money(16_900),
                ..Default::default()
            }),
            fast_refund: false,
            next_step: None,
        };
        assert_eq!(
            preview_facts(&p),
            "refusal=none;payer=insurer;fast_refund=false;items=19900;discounts=2000;original_shipping=0;\
             restocking_fee=0;free_shipping_deduction=0;insurance_payout=0;total=16900;"
        );
    }
}
