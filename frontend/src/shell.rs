//! The static shell of `index.html`: the header and the lookup form, painted before the wasm has
//! arrived. The app replaces it when it mounts, in one synchronous step (nothing paints between
//! the shell's removal and the app's first view), and keeps what the buyer typed meanwhile.

use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;

/// The shell's fields, by the ids the lookup page's own fields carry.
const FIELDS: [&str; 2] = ["order-number", "contact"];

/// What the buyer typed into the shell: each field's text, and where the caret was.
#[derive(Debug, Default)]
pub struct Typed {
    values: Vec<(&'static str, String)>,
    focus: Option<(&'static str, Option<u32>)>,
}

fn input(doc: &web_sys::Document, id: &str) -> Option<HtmlInputElement> {
    doc.get_element_by_id(id)?.dyn_into().ok()
}

/// Reads the shell's fields and removes the shell (before the app draws the same ids).
#[must_use]
pub fn take() -> Typed {
    let mut typed = Typed::default();
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return typed;
    };
    let Some(shell) = doc.get_element_by_id("shell") else {
        return typed;
    };
    let active = doc.active_element();
    for id in FIELDS {
        let Some(field) = input(&doc, id) else {
            continue;
        };
        let value = field.value();
        if !value.is_empty() {
            typed.values.push((id, value));
        }
        if active.as_ref().is_some_and(|a| a.id() == id) {
            typed.focus = Some((id, field.selection_start().ok().flatten()));
        }
    }
    shell.remove();
    typed
}

/// Gives the app's fields what was typed into the shell (through their `input` handlers, so the
/// page's state has it too), puts the caret back, and marks the app ready for the benchmark
/// (`performance.mark("app-ready")`, scripts/bench-portal.mjs).
pub fn restore(typed: Typed) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Some(doc) = window.document() {
        for (id, value) in typed.values {
            if let Some(field) = input(&doc, id) {
                field.set_value(&value);
                if let Ok(ev) = web_sys::Event::new("input") {
                    let _ = field.dispatch_event(&ev);
                }
            }
        }
        if let Some((id, caret)) = typed.focus
            && let Some(field) = input(&doc, id)
        {
            let _ = field.focus();
            if let Some(at) = caret {
                let _ = field.set_selection_range(at, at);
            }
        }
    }
    if let Some(performance) = window.performance() {
        let _ = performance.mark("app-ready");
    }
}
