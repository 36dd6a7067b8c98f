//! Choose or take several photos; each is downscaled and re-encoded in the browser
//! ([`crate::portal::photos`]), uploaded with its own progress bar, and can be retried or removed.
//! The parent reads the uploaded ids with [`uploaded_ids`] when it files or sends a command.

use std::sync::atomic::{AtomicU32, Ordering};

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::format;
use crate::portal::api::Api;
use crate::portal::app::use_lang;
use crate::portal::i18n;
use crate::portal::i18n::tr;
use crate::portal::photos::{self, PrepareError};

/// Where one photo is.
#[derive(Debug, Clone, PartialEq)]
pub enum PhotoStatus {
    /// Being decoded and re-encoded.
    Preparing,
    /// Upload in progress, in percent.
    Uploading(u8),
    /// Stored under this id, with its stored size.
    Uploaded {
        /// Reference for the request.
        id: String,
        /// Stored size.
        bytes: u64,
    },
    /// Failed with a message; retryable when the photo was prepared.
    Failed(String),
}

/// One chosen photo.
#[derive(Debug, Clone)]
pub struct PhotoItem {
    /// Stable key for the list.
    pub key: u32,
    /// The file's name, for the accessible label.
    pub name: String,
    /// Object URL of the prepared JPEG.
    pub preview_url: Option<String>,
    /// The prepared JPEG, kept for a retry.
    pub blob: Option<web_sys::Blob>,
    /// Where it is.
    pub status: PhotoStatus,
}

/// The ids of the photos that finished uploading, in the order they were chosen.
#[must_use]
pub fn uploaded_ids(items: &[PhotoItem]) -> Vec<String> {
    items
        .iter()
        .filter_map(|p| match &p.status {
            PhotoStatus::Uploaded { id, .. } => Some(id.clone()),
            _ => None,
        })
        .collect()
}

/// How many photos failed (they go with nothing until retried or removed).
#[must_use]
pub fn failed_count(items: &[PhotoItem]) -> usize {
    items
        .iter()
        .filter(|p| matches!(p.status, PhotoStatus::Failed(_)))
        .count()
}

/// True while a photo is still being prepared or uploaded.
#[must_use]
pub fn any_in_flight(items: &[PhotoItem]) -> bool {
    items
        .iter()
        .any(|p| matches!(p.status, PhotoStatus::Preparing | PhotoStatus::Uploading(_)))
}

/// Upload progress as a whole percentage, never 100 before the server answered.
#[must_use]
pub fn percent(loaded: f64, total: f64) -> u8 {
    if total <= 0.0 {
        0
    } else {
        ((loaded / total) * 100.0).clamp(0.0, 99.0) as u8
    }
}

static NEXT_KEY: AtomicU32 = AtomicU32::new(1);

fn set_status(items: RwSignal<Vec<PhotoItem>, LocalStorage>, key: u32, status: PhotoStatus) {
    items.update(|v| {
        if let Some(p) = v.iter_mut().find(|p| p.key == key) {
            p.status = status;
        }
    });
}

fn upload(items: RwSignal<Vec<PhotoItem>, LocalStorage>, key: u32, api: Api) {
    let Some(blob) =
        items.with_untracked(|v| v.iter().find(|p| p.key == key).and_then(|p| p.blob.clone()))
    else {
        return;
    };
    set_status(items, key, PhotoStatus::Uploading(0));
    crate::portal::task::spawn(Box::pin(async move {
        let progress = move |loaded: f64, total: f64| {
            set_status(items, key, PhotoStatus::Uploading(percent(loaded, total)))
        };
        let status = match api.upload_photo(&blob, "image/jpeg", progress).await {
            Ok(done) => PhotoStatus::Uploaded {
                id: done.id,
                bytes: done.bytes,
            },
            Err(e) => PhotoStatus::Failed(e.message),
        };
        set_status(items, key, status);
    }));
}

fn add_file(items: RwSignal<Vec<PhotoItem>, LocalStorage>, file: web_sys::File, api: Api) {
    let key = NEXT_KEY.fetch_add(1, Ordering::Relaxed);
    items.update(|v| {
        v.push(PhotoItem {
            key,
            name: file.name(),
            preview_url: None,
            blob: None,
            status: PhotoStatus::Preparing,
        });
    });
    crate::portal::task::spawn(Box::pin(async move {
        match photos::prepare(&file).await {
            Ok(prepared) => {
                items.update(|v| {
                    if let Some(p) = v.iter_mut().find(|p| p.key == key) {
                        p.preview_url = Some(prepared.preview_url.clone());
                        p.blob = Some(prepared.blob.clone());
                    }
                });
                upload(items, key, api);
            }
            Err(PrepareError::Undecodable | PrepareError::EncodeFailed) => {
                set_status(
                    items,
                    key,
                    PhotoStatus::Failed(i18n::t(api.lang).undecodable.into()),
                );
            }
        }
    }));
}

fn remove(items: RwSignal<Vec<PhotoItem>, LocalStorage>, key: u32) {
    items.update(|v| {
        if let Some(i) = v.iter().position(|p| p.key == key) {
            let p = v.remove(i);
            if let Some(url) = p.preview_url {
                let _ = web_sys::Url::revoke_object_url(&url);
            }
        }
    });
}

/// The picker: two buttons (choose from the library, take a photo) and one tile per photo.
#[component]
pub fn PhotoPicker(
    /// The photos, owned by the parent form.
    items: RwSignal<Vec<PhotoItem>, LocalStorage>,
    /// The buyer's token for the uploads.
    token: String,
    /// Unique prefix for the inputs' ids.
    id_prefix: &'static str,
    /// Most photos allowed.
    #[prop(default = 9)]
    max: usize,
) -> impl IntoView {
    let lang = use_lang();
    let token = StoredValue::new(token);
    let api = move || Api::with_token(lang.get_untracked(), token.get_value());
    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        if let Some(files) = input.files() {
            for i in 0..files.length() {
                if items.with_untracked(Vec::len) >= max {
                    break;
                }
                if let Some(file) = files.get(i) {
                    add_file(items, file, api());
                }
            }
        }
        // Choosing the same file again must fire `change` again.
        input.set_value("");
    };
    let full = move || items.with(Vec::len) >= max;
    let pick_id = format!("{id_prefix}-pick");
    let camera_id = format!("{id_prefix}-camera");

    let tile = move |item: PhotoItem| {
        let key = item.key;
        let status =
            move || items.with(|v| v.iter().find(|p| p.key == key).map(|p| p.status.clone()));
        let preview = move || {
            items.with(|v| {
                v.iter()
                    .find(|p| p.key == key)
                    .and_then(|p| p.preview_url.clone())
            })
        };
        let name = item.name.clone();
        let label = item.name;
        let can_retry = move || {
            items.with(|v| {
                v.iter().any(|p| {
                    p.key == key && p.blob.is_some() && matches!(p.status, PhotoStatus::Failed(_))
                })
            })
        };
        view! {
            <li class="photo" data-testid="photo-tile" data-status=move || match status() {
                Some(PhotoStatus::Preparing) => "preparing",
                Some(PhotoStatus::Uploading(_)) => "uploading",
                Some(PhotoStatus::Uploaded { .. }) => "uploaded",
                Some(PhotoStatus::Failed(_)) | None => "failed",
            }>
                <div class="photo-thumb">
                    {move || match preview() {
                        Some(url) => view! { <img src=url alt=format!("{} {}", i18n::t(lang.get()).photo_alt, name) /> }.into_any(),
                        // A photo that could not be read has no thumbnail: a mark, not a
                        // spinner that would promise progress.
                        None if matches!(status(), Some(PhotoStatus::Failed(_))) => view! { <span class="photo-broken" aria-hidden="true">"!"</span> }.into_any(),
                        None => view! { <span class="spinner" aria-hidden="true"></span> }.into_any(),
                    }}
                </div>
                <div class="photo-meta">
                    {move || {
                        let t = i18n::t(lang.get());
                        match status() {
                            Some(PhotoStatus::Preparing) | None => view! { <span class="small muted">{t.preparing}</span> }.into_any(),
                            Some(PhotoStatus::Uploading(p)) => view! {
                                <label class="small">
                                    {t.uploading}" "{p}"%"
                                    <progress max="100" value=p data-testid="photo-progress">{p}"%"</progress>
                                </label>
                            }.into_any(),
                            Some(PhotoStatus::Uploaded { bytes, .. }) => view! {
                                <span class="small ok">"✓ "{t.uploaded}" · "{format::bytes(bytes)}</span>
                            }.into_any(),
                            Some(PhotoStatus::Failed(msg)) => view! {
                                <span class="small bad" role="alert">{t.upload_failed}": "{msg}</span>
                            }.into_any(),
                        }
                    }}
                    <div class="photo-actions">
                        <Show when=can_retry>
                            <button type="button" class="btn btn-small btn-secondary" data-testid="photo-retry"
                                on:click=move |_| upload(items, key, api())>
                                {tr(lang, |t| t.retry)}
                            </button>
                        </Show>
                        <button type="button" class="btn btn-small btn-ghost" data-testid="photo-remove"
                            aria-label=move || format!("{} {label}", i18n::t(lang.get()).remove_photo)
                            on:click=move |_| remove(items, key)>
                            {tr(lang, |t| t.remove)}
                        </button>
                    </div>
                </div>
            </li>
        }
    };

    view! {
        <div class="photos">
            <div class="photo-buttons">
                <input type="file" accept="image/*" multiple id=pick_id.clone() class="file-input"
                    data-testid="photo-input" disabled=full on:change=on_change />
                <label for=pick_id class="btn btn-secondary">{tr(lang, |t| t.add_photos)}</label>
                // The camera button only where there is one (touch screens).
                <input type="file" accept="image/*" capture="environment" id=camera_id.clone() class="file-input touch"
                    disabled=full on:change=on_change />
                <label for=camera_id class="btn btn-secondary touch">{tr(lang, |t| t.take_photo)}</label>
            </div>
            <p class="hint">{move || i18n::fill(i18n::t(lang.get()).photos_hint, &max.to_string())}</p>
            <ul class="photo-list" aria-live="polite">
                <For each=move || items.get() key=|p| p.key children=tile />
            </ul>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_stops_at_99_until_the_server_answers() {
        assert_eq!(percent(0.0, 0.0), 0);
        assert_eq!(percent(50.0, 200.0), 25);
        assert_eq!(percent(200.0, 200.0), 99);
    }
}
