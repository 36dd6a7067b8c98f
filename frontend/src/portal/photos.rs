//! Photos before upload: decoded by the browser, scaled to at most 2048 px on the long side and
//! re-encoded as JPEG on a canvas. Re-encoding drops every byte of metadata (GPS position, device
//! serials) before anything leaves the phone, turns HEIC and huge PNG screenshots into something
//! the API accepts, and makes a 12-megapixel photo a few hundred kilobytes on a mobile network.
//!
//! The browser applies the EXIF orientation when it decodes into an `<img>`, so the upright
//! picture is what gets drawn and stored.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// The longest side a stored photo may have.
pub const MAX_SIDE: u32 = 2048;
/// JPEG quality of the re-encoded photo.
const QUALITY: f64 = 0.85;

/// The size to draw an image of `width`×`height` at so that neither side exceeds `max`, keeping
/// its proportions (never upscaling, never zero).
#[must_use]
pub fn fit_within(width: u32, height: u32, max: u32) -> (u32, u32) {
    let longest = width.max(height);
    if longest <= max || longest == 0 {
        return (width.max(1), height.max(1));
    }
    let scale = |side: u32| {
        ((u64::from(side) * u64::from(max) + u64::from(longest) / 2) / u64::from(longest)).max(1)
            as u32
    };
    (scale(width), scale(height))
}

/// A photo ready to upload.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The JPEG.
    pub blob: web_sys::Blob,
    /// An object URL of it, for the thumbnail.
    pub preview_url: String,
}

/// Why a photo could not be prepared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrepareError {
    /// The browser cannot decode the file (not an image, or a format it does not know).
    Undecodable,
    /// The canvas refused to encode (out of memory on a very large image).
    EncodeFailed,
}

/// Decodes, scales and re-encodes a chosen file.
pub async fn prepare(file: &web_sys::File) -> Result<Prepared, PrepareError> {
    let source_url =
        web_sys::Url::create_object_url_with_blob(file).map_err(|_| PrepareError::Undecodable)?;
    let result = draw_and_encode(&source_url).await;
    let _ = web_sys::Url::revoke_object_url(&source_url);
    result
}

async fn draw_and_encode(source_url: &str) -> Result<Prepared, PrepareError> {
    let img = web_sys::HtmlImageElement::new().map_err(|_| PrepareError::Undecodable)?;
    img.set_src(source_url);
    JsFuture::from(img.decode())
        .await
        .map_err(|_| PrepareError::Undecodable)?;
    let (width, height) = fit_within(img.natural_width(), img.natural_height(), MAX_SIDE);

    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or(PrepareError::EncodeFailed)?;
    let canvas: web_sys::HtmlCanvasElement = document
        .create_element("canvas")
        .ok()
        .and_then(|e| e.dyn_into().ok())
        .ok_or(PrepareError::EncodeFailed)?;
    canvas.set_width(width);
    canvas.set_height(height);
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into().ok())
        .ok_or(PrepareError::EncodeFailed)?;
    // JPEG has no transparency: a transparent PNG would otherwise turn black.
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, f64::from(width), f64::from(height));
    ctx.draw_image_with_html_image_element_and_dw_and_dh(
        &img,
        0.0,
        0.0,
        f64::from(width),
        f64::from(height),
    )
    .map_err(|_| PrepareError::Undecodable)?;

    let encoded = js_sys::Promise::new(&mut |resolve, _reject| {
        let on_blob = resolve.clone();
        let callback = Closure::once_into_js(move |blob: JsValue| {
            let _ = on_blob.call1(&JsValue::NULL, &blob);
        });
        if canvas
            .to_blob_with_type_and_encoder_options(
                callback.unchecked_ref(),
                "image/jpeg",
                &JsValue::from_f64(QUALITY),
            )
            .is_err()
        {
            // The callback will never run: settle with "no blob" now.
            let _ = resolve.call1(&JsValue::NULL, &JsValue::NULL);
        }
    });
    let blob: web_sys::Blob = JsFuture::from(encoded)
        .await
        .ok()
        .and_then(|v| v.dyn_into().ok())
        .ok_or(PrepareError::EncodeFailed)?;
    let preview_url =
        web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| PrepareError::EncodeFailed)?;
    Ok(Prepared { blob, preview_url })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_photo_is_scaled_so_its_long_side_is_2048() {
        assert_eq!(fit_within(4032, 3024, MAX_SIDE), (2048, 1536));
        assert_eq!(fit_within(3024, 4032, MAX_SIDE), (1536, 2048));
        assert_eq!(fit_within(10_000, 10, MAX_SIDE), (2048, 2));
    }

    #[test]
    fn a_small_photo_keeps_its_size_and_nothing_becomes_zero() {
        assert_eq!(fit_within(800, 600, MAX_SIDE), (800, 600));
        assert_eq!(fit_within(100_000, 1, MAX_SIDE), (2048, 1));
        assert_eq!(fit_within(0, 0, MAX_SIDE), (1, 1));
    }
}
