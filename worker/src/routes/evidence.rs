//! `GET /api/staff/cases/{id}/evidence` (an agent or the owner): the case's evidence pack
//! (`shared::evidence`), one HTML file with its photos embedded, to upload to the platform or a
//! consumer body when the buyer takes the case there (维权).

use base64::Engine;
use shared::domain::{EventKind, Role};
use shared::evidence::{EvidencePhoto, evidence_html};
use worker::{Headers, Response};

use super::Req;
use crate::auth;
use crate::cases;
use crate::error::AppResult;
use crate::store::{PHOTOS_BINDING, keys};

/// The photos of a case: those filed with it, then those added or sent with an answer, once
/// each, in that order.
fn photo_ids(case: &shared::domain::Case) -> Vec<String> {
    let mut ids: Vec<String> = case.request.photos.clone();
    for e in &case.events {
        if let EventKind::ProofAdded { photos } | EventKind::InfoAnswered { photos, .. } = &e.kind {
            ids.extend(photos.iter().cloned());
        }
    }
    let mut seen = std::collections::HashSet::new();
    ids.retain(|id| seen.insert(id.clone()));
    ids
}

/// `GET /api/staff/cases/{id}/evidence`
pub async fn pack(r: &Req, id: &str) -> AppResult<Response> {
    let (_, session) = auth::staff(&r.req, &r.store, r.now.0).await?;
    auth::require_role(&session, &[Role::Agent, Role::Owner])?;
    let loaded = cases::load_visible(&r.store, id, None).await?;
    let policy = cases::policy_of(&r.store).await?;
    let bucket = r.env.bucket(PHOTOS_BINDING)?;
    let mut photos = Vec::new();
    // Photo ids were checked against the order when they were attached; one read each, at
    // most the shop's photo limit per filing and answer.
    for photo in photo_ids(&loaded.case) {
        let Some(object) = bucket
            .get(keys::photo(&r.store.shop, &photo))
            .execute()
            .await?
        else {
            continue;
        };
        let kind = object.http_metadata().content_type.unwrap_or_default();
        // Only the image types an upload is stored as are embedded.
        if !["image/jpeg", "image/png", "image/webp"].contains(&kind.as_str()) {
            continue;
        }
        let bytes = match object.body() {
            Some(body) => body.bytes().await?,
            None => continue,
        };
        photos.push(EvidencePhoto {
            id: photo,
            data_uri: format!(
                "data:{kind};base64,{}",
                base64::engine::general_purpose::STANDARD.encode(bytes)
            ),
        });
    }
    let html = evidence_html(&loaded.case, &policy, &photos, r.now);
    let headers = Headers::new();
    headers.set("Content-Type", "text/html; charset=utf-8")?;
    headers.set(
        "Content-Disposition",
        &format!("attachment; filename=\"evidence-{}.html\"", loaded.case.id),
    )?;
    // The file is opened from disk, not from the API's origin; nothing in it runs.
    headers.set(
        "Content-Security-Policy",
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'",
    )?;
    headers.set("Cache-Control", "no-store")?;
    Ok(Response::ok(html)?.with_headers(headers))
}
