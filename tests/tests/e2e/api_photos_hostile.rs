//! Hostile photo uploads against the real worker: a crafted file is refused with the JSON
//! envelope and never takes the worker down, not even for the innocent uploads in flight beside
//! it, and a pixel bomb is refused by the shop's megapixel limit.

use std::sync::{Arc, Barrier};

use crate::helpers::*;
use tests::ApiResponse;
use tests::fixtures::stories;

const PHOTOS: &str = "/api/buyer/photos";

/// The security probe's file: RIFF, size 12, WEBP, then a VP8X chunk claiming 0xFFFFFFFF bytes.
/// On wasm32 the parser's `position + 8 + length` wrapped and the slice after it panicked.
fn probe_webp() -> Vec<u8> {
    [
        &b"RIFF"[..],
        &12u32.to_le_bytes(),
        b"WEBP",
        b"VP8X",
        &u32::MAX.to_le_bytes(),
    ]
    .concat()
}

fn png_chunk(b: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
    b.extend_from_slice(&(data.len() as u32).to_be_bytes());
    b.extend_from_slice(kind);
    b.extend_from_slice(data);
    b.extend_from_slice(&[0, 0, 0, 0]);
}

/// A PNG whose header says `width` × `height` (1×1 decodes; the header is what the limit reads).
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    png_chunk(&mut b, b"IHDR", &ihdr);
    png_chunk(
        &mut b,
        b"IDAT",
        &[
            0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0x00, 0x00, 0x03, 0x01, 0x01, 0x00,
        ],
    );
    png_chunk(&mut b, b"IEND", &[]);
    b
}

/// A 2×1 baseline JPEG skeleton with an EXIF segment.
fn jpeg() -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8];
    b.extend_from_slice(&[
        0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
    ]);
    let exif = b"Exif\0\0GPSLatitude=31.2304N";
    b.extend_from_slice(&[0xFF, 0xE1, 0, (exif.len() + 2) as u8]);
    b.extend_from_slice(exif);
    b.extend_from_slice(&[0xFF, 0xC0, 0, 11, 8, 0, 1, 0, 2, 1, 1, 0x11, 0]);
    b.extend_from_slice(&[0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0, 0x12, 0x34, 0xFF, 0xD9]);
    b
}

/// A 1×1 lossless WebP.
fn webp() -> Vec<u8> {
    [
        &b"RIFF"[..],
        &18u32.to_le_bytes(),
        b"WEBP",
        b"VP8L",
        &5u32.to_le_bytes(),
        &[0x2F, 0, 0, 0, 0, 0],
    ]
    .concat()
}

fn upload(buyer: &tests::Api, content_type: &str, bytes: Vec<u8>) -> ApiResponse {
    buyer.send("POST", PHOTOS, Some((content_type, bytes)), &[])
}

#[test]
fn crafted_webps_among_fifty_concurrent_uploads_are_refused_and_the_rest_are_stored() {
    let orders = orders("hostile");
    // Two buyers, 25 uploads each: under the 30 uploads per order and minute.
    let buyers = [
        buyer(story(&orders, stories::SHIRT)),
        buyer(story(&orders, stories::PHONE)),
    ];
    let barrier = Arc::new(Barrier::new(50));
    let handles: Vec<_> = (0..50)
        .map(|i| {
            let crafted = i % 10 == 3;
            let (content_type, bytes) = match (crafted, i % 3) {
                (true, _) => ("image/webp", probe_webp()),
                (false, 0) => ("image/png", png(1, 1)),
                (false, 1) => ("image/jpeg", jpeg()),
                (false, _) => ("image/webp", webp()),
            };
            let (buyer, barrier) = (buyers[i % 2].clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                (crafted, upload(&buyer, content_type, bytes))
            })
        })
        .collect();
    let answers: Vec<(bool, ApiResponse)> = handles
        .into_iter()
        .map(|h| h.join().expect("upload thread"))
        .collect();

    assert_eq!(answers.iter().filter(|(crafted, _)| *crafted).count(), 5);
    for (crafted, r) in &answers {
        let body = String::from_utf8_lossy(&r.body);
        if *crafted {
            assert!(
                (400..500).contains(&r.status),
                "crafted: {} {body}",
                r.status
            );
            assert!(
                r.header("content-type")
                    .unwrap_or_default()
                    .starts_with("application/json"),
                "crafted: the JSON envelope, got {body}"
            );
            assert_eq!(r.code(), "broken_image", "crafted: {body}");
            assert!(
                r.json()["message"].as_str().is_some_and(|m| !m.is_empty()),
                "crafted: a message, got {body}"
            );
        } else {
            assert_status(r, 201);
            assert!(
                r.json()["id"].as_str().is_some_and(|id| !id.is_empty()),
                "innocent: an id, got {body}"
            );
        }
    }
    // The worker is still answering afterwards.
    assert_status(&upload(&buyers[0], "image/png", png(1, 1)), 201);
}

#[test]
fn a_pixel_bomb_png_is_refused_by_the_megapixel_limit() {
    let orders = orders("bomb");
    let buyer = buyer(story(&orders, stories::BOOK));
    let bomb = png(30_000, 30_000);
    assert!(bomb.len() < 100, "a tiny file that would decode to 2.7 GB");
    let r = upload(&buyer, "image/png", bomb);
    assert_status(&r, 422);
    assert_eq!(r.code(), "image_too_large");
    assert!(
        r.json()["message"].as_str().is_some_and(|m| !m.is_empty()),
        "a message: {}",
        String::from_utf8_lossy(&r.body)
    );
    // A photo within the limit from the same buyer is still accepted.
    assert_status(&upload(&buyer, "image/png", png(1, 1)), 201);
}
