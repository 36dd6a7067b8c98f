//! The owner's settings: every setting grouped, with its unit, its default and the rule it
//! feeds; a preview of what a change does to the open cases before it is saved; the change log.

use crate::format;
use leptos::prelude::*;
use shared::Lang;
use shared::i18n::labels;
use shared::policy::{SETTINGS, SettingGroup, Unit};

use super::{Ctx, ErrorBox, spawn};
use crate::admin::model::settings::{Effect, Msg, Settings, label_of, shown, to_text, unit_name};
use crate::admin::model::shell;
use crate::admin::model::tips::TipField;
use crate::admin::route::Screen;
use crate::admin::text::{SettingsTexts, settings_t};
use crate::core::Core;

fn group_name(group: SettingGroup, t: &SettingsTexts) -> &'static str {
    match group {
        SettingGroup::Clocks => t.group_clocks,
        SettingGroup::WindowsAndFees => t.group_windows,
        SettingGroup::Calendar => t.group_calendar,
        SettingGroup::ReturnAddress => t.group_address,
        SettingGroup::Batch => t.group_batch,
        SettingGroup::Approval => t.group_approval,
        SettingGroup::Limits => t.group_limits,
    }
}

/// One setting: its name, the field, its unit, its default and its rule.
fn field(core: Core<Settings>, index: usize, lang: Lang) -> impl IntoView {
    let s = SETTINGS[index];
    let t = settings_t(lang);
    let (label, rule) = match lang {
        Lang::ZhCn => (s.label.0, s.rule.0),
        Lang::En => (s.label.1, s.rule.1),
    };
    let value = move || core.with(|m| m.inputs.get(index).cloned().unwrap_or_default());
    let testid = format!("setting-{}", s.path);
    let input = match s.unit {
        Unit::Flag => view! {
            <div class="segmented" role="group" data-testid=testid>
                <button type="button" class:active=move || value() == "true"
                    on:click=move |_| core.send(Msg::Input(index, "true".into()))>{t.on}</button>
                <button type="button" class:active=move || value() != "true"
                    on:click=move |_| core.send(Msg::Input(index, "false".into()))>{t.off}</button>
            </div>
        }
        .into_any(),
        Unit::Dates | Unit::Text => view! {
            <textarea rows="3" data-testid=testid prop:value=value
                on:input=move |ev| core.send(Msg::Input(index, event_target_value(&ev)))></textarea>
        }
        .into_any(),
        _ => view! {
            <input type="text" inputmode=if matches!(s.unit, Unit::Amount | Unit::OptionalAmount) { "decimal" } else { "numeric" }
                data-testid=testid prop:value=value
                on:input=move |ev| core.send(Msg::Input(index, event_target_value(&ev)))/>
        }
        .into_any(),
    };
    let unit = unit_name(s.unit, lang);
    let default = shown(
        Some(s.unit),
        &to_text(&s.default_value()).replace('\n', ", "),
        lang,
    );
    view! {
        <div class="field setting">
            <span>{label}</span>
            <div class="setting-input">{input}{(!unit.is_empty() && s.unit != Unit::Dates).then(|| view! { <span class="muted small">{unit}</span> })}</div>
            {move || core.with(|m| m.problems_of(index, lang)).into_iter().map(|p| view! {
                <p class="late small" data-testid="setting-problem">{p}</p>
            }).collect_view()}
            <p class="muted small">{t.default_is} ": " {default}
                {(s.unit == Unit::Dates).then(|| view! { " · " {t.unit_dates} })}</p>
            <p class="muted small">{rule}</p>
        </div>
    }
}

/// The shop's tips (issue 15): one row per tip, its category or SKU, title and steps.
fn tips_editor(core: Core<Settings>, lang: Lang) -> impl IntoView {
    let t = settings_t(lang);
    let count = Memo::new(move |_| core.with(|m| m.tips.len()));
    let rows = move || {
        (0..count.get())
            .map(|i| {
                let row = move || core.with(|m| m.tips.get(i).cloned().unwrap_or_default());
                let edit = move |field: TipField| {
                    move |ev: leptos::ev::Event| {
                        core.send(Msg::TipEdit(i, field, event_target_value(&ev)))
                    }
                };
                view! {
                    <div class="tip-row field" data-testid=format!("tip-row-{i}")>
                        <div class="setting-input">
                            <select data-testid=format!("tip-scope-{i}") on:change=edit(TipField::Scope)
                                prop:value=move || if row().sku { "sku" } else { "category" }>
                                <option value="category">{t.tip_category}</option>
                                <option value="sku">{t.tip_sku}</option>
                            </select>
                            <input type="text" aria-label=t.tip_key placeholder=t.tip_key
                                data-testid=format!("tip-key-{i}") prop:value=move || row().key
                                on:input=edit(TipField::Key)/>
                        </div>
                        <input type="text" aria-label=t.tip_title placeholder=t.tip_title
                            data-testid=format!("tip-title-{i}") prop:value=move || row().title
                            on:input=edit(TipField::Title)/>
                        <textarea rows="3" aria-label=t.tip_steps placeholder=t.tip_steps
                            data-testid=format!("tip-steps-{i}") prop:value=move || row().steps
                            on:input=edit(TipField::Steps)></textarea>
                        {move || core.with(|m| m.tip_problems(i, lang)).into_iter().map(|p| view! {
                            <p class="late small" data-testid="setting-problem">{p}</p>
                        }).collect_view()}
                        <button type="button" class="btn btn-small" data-testid=format!("tip-remove-{i}")
                            on:click=move |_| core.send(Msg::TipRemove(i))>{t.tip_remove}</button>
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <section class="card" data-testid="settings-group-tips">
            <h2>{t.tips_title}</h2>
            <p class="muted small">{t.tips_intro}</p>
            {move || (count.get() == 0).then(|| view! { <p class="muted">{t.tips_none}</p> })}
            {rows}
            {move || core.with(|m| m.all_tips_problems(lang)).into_iter().map(|p| view! {
                <p class="late small" data-testid="setting-problem">{p}</p>
            }).collect_view()}
            <button type="button" class="btn" data-testid="tip-add"
                on:click=move |_| core.send(Msg::TipAdd)>{t.tip_add}</button>
        </section>
    }
}

/// What saving would do.
fn preview_box(core: Core<Settings>, lang: Lang) -> impl IntoView {
    let t = settings_t(lang);
    move || {
        let preview = core.with(|m| m.preview.clone())?;
        let offset = core.with(|m| m.candidate.as_ref().map_or(480, |p| p.utc_offset_minutes));
        let i = &preview.impact;
        let moved = i.moves.len();
        let summary = if moved == 0 {
            t.moves_none.to_owned()
        } else {
            t.moves
                .replace("{n}", &moved.to_string())
                .replace("{e}", &i.moved_earlier.to_string())
                .replace("{l}", &i.moved_later.to_string())
        };
        let changes = preview.changes.clone();
        let moves: Vec<_> = i.moves.iter().take(5).cloned().collect();
        let eligibility = i.eligibility.clone();
        Some(view! {
            <section class="card" data-testid="settings-preview">
                <h2>{t.changes_title}</h2>
                {if changes.is_empty() {
                    view! { <p class="muted">{t.no_change}</p> }.into_any()
                } else {
                    view! { <ul class="lines">{changes.into_iter().map(|c| {
                        let unit = shared::policy::setting(&c.path).map(|s| s.unit);
                        view! { <li data-testid="preview-change">{label_of(&c.path, lang)} ": "
                            {shown(unit, &c.before, lang)} " → " <b>{shown(unit, &c.after, lang)}</b></li> }
                    }).collect_view()}</ul> }.into_any()
                }}
                <p data-testid="preview-moves-summary"><b>{summary}</b></p>
                <ul class="lines">{moves.into_iter().map(|m| view! {
                    <li data-testid="preview-move">
                        <a href=Screen::Case(m.case.clone()).path() class="mono">{m.case.clone()}</a> " "
                        {format::date_time(m.before, offset, lang)} " → " <b>{format::date_time(m.after, offset, lang)}</b>
                        {m.overdue_after.then(|| view! { " " <span class="late">{t.overdue_after}</span> })}
                    </li>
                }).collect_view()}</ul>
                {eligibility.into_iter().map(|e| view! {
                    <p data-testid="preview-eligibility">
                        <span class="mono">{e.case.clone()}</span> " · " {labels::kind(e.kind, lang)} " · "
                        {labels::reason(e.reason, lang)} ": "
                        <b>{if e.eligible_after { t.becomes_eligible } else { t.becomes_ineligible }}</b>

                    </p>
                }).collect_view()}
                {preview.more_open_cases.then(|| view! { <p class="muted small">{t.more_open}</p> })}
                <button type="button" class="btn btn-primary btn-block" data-testid="settings-save"
                    disabled=move || core.with(|m| m.busy)
                    on:click=move |_| core.send(Msg::Save)>{t.save}</button>
            </section>
        })
    }
}

/// The change log.
fn change_log(core: Core<Settings>, lang: Lang) -> impl IntoView {
    let t = settings_t(lang);
    move || {
        let entries = core.with(|m| m.changes.clone());
        let offset = core.with(|m| m.saved.as_ref().map_or(480, |p| p.utc_offset_minutes));
        let more = core.with(|m| m.changes_cursor.is_some());
        view! {
            <section class="card" data-testid="change-log">
                <h2>{t.log_title}</h2>
                {entries.is_empty().then(|| view! { <p class="muted">{t.log_empty}</p> })}
                <ul class="rows">{entries.into_iter().map(|e| view! {
                    <li class="log-entry" data-testid="change-entry">
                        <p><b data-testid="change-who">{e.staff_name.clone()}</b> " · "
                            <span class="muted">{format::date_time(e.at, offset, lang)}</span></p>
                        <ul class="lines">{e.changes.iter().map(|c| {
                            let unit = shared::policy::setting(&c.path).map(|s| s.unit);
                            view! { <li data-testid="change-row">{label_of(&c.path, lang)} ": "
                                {shown(unit, &c.before, lang)} " → " {shown(unit, &c.after, lang)}</li> }
                        }).collect_view()}</ul>
                        {(e.reindexed > 0).then(|| view! {
                            <p class="muted small">{t.reindexed.replace("{n}", &e.reindexed.to_string())}</p>
                        })}
                    </li>
                }).collect_view()}</ul>
                {more.then(|| view! {
                    <button type="button" class="btn btn-block" on:click=move |_| core.send(Msg::MoreChanges)>
                        {super::Ctx::get().t().load_more}</button>
                })}
            </section>
        }
    }
}

/// The settings screen (owner).
#[component]
pub fn SettingsScreen() -> impl IntoView {
    let ctx = Ctx::get();
    let core = Core::new(Settings::default(), move |effect, core: Core<Settings>| {
        let api = ctx.api();
        match effect {
            Effect::LoadPolicy => spawn(async move { core.send(Msg::Loaded(api.policy().await)) }),
            Effect::LoadChanges(cursor) => spawn(async move {
                let more = cursor.is_some();
                let page = api.policy_changes(cursor.as_deref()).await;
                core.send(Msg::Changes { page, more });
            }),
            Effect::Preview(policy) => spawn(async move {
                core.send(Msg::Previewed(api.policy_preview(&policy).await));
            }),
            Effect::Save(policy) => spawn(async move {
                core.send(Msg::Saved(api.save_policy(&policy).await));
            }),
            Effect::SignedOut => ctx.shell.send(shell::Msg::SessionExpired),
        }
    });
    core.send(Msg::Opened);
    // Memos: the screen is drawn again only when these change, not at every keystroke (a redraw
    // would replace the input being typed in).
    let loaded = Memo::new(move |_| core.with(|m| m.saved.is_some()));
    let categories =
        Memo::new(move |_| core.with(|m| m.saved.as_ref().map_or(0, |p| p.categories.len())));
    move || {
        let lang = ctx.lang();
        let t = settings_t(lang);
        let (loaded, categories) = (loaded.get(), categories.get());
        view! {
            <section class="card" data-testid="settings">
                <h1>{t.title}</h1>
                <p class="muted small">{t.intro}</p>
                {move || core.with(|m| m.just_saved).then(|| view! {
                    <p class="alert ok" role="status" data-testid="settings-saved">{t.saved}</p>
                })}
            </section>
            {move || core.with(|m| m.error.clone()).map(|e| view! {
                <ErrorBox message=e.message on_retry=Callback::new(move |()| core.send(Msg::Opened))/>
            })}
            {(!loaded).then(|| view! { <p class="center muted">{ctx.t().loading}</p> })}
            {loaded.then(|| SettingGroup::ALL.into_iter().map(|group| view! {
                <section class="card" data-testid=format!("settings-group-{}", group.code())>
                    <h2>{group_name(group, t)}</h2>
                    {SETTINGS.iter().enumerate().filter(|(_, s)| s.group == group)
                        .map(|(i, _)| field(core, i, lang)).collect_view()}
                    {(group == SettingGroup::WindowsAndFees && categories > 0).then(|| view! {
                        <p class="muted small">{t.categories_note.replace("{n}", &categories.to_string())}</p>
                    })}
                </section>
            }).collect_view())}
            {loaded.then(|| tips_editor(core, lang))}
            {preview_box(core, lang)}
            {loaded.then(|| view! {
                <div class="sheet-actions settings-actions">
                    <button type="button" class="btn" data-testid="settings-discard"
                        disabled=move || !core.with(Settings::edited)
                        on:click=move |_| core.send(Msg::Discard)>{t.discard}</button>
                    <button type="button" class="btn btn-primary" data-testid="settings-preview-btn"
                        disabled=move || core.with(|m| m.busy)
                        on:click=move |_| core.send(Msg::Preview)>{t.preview}</button>
                </div>
            })}
            {change_log(core, lang)}
        }
    }
}
