//! Proof photos: the type is decided by magic bytes and a header parse (never by file name or
//! Content-Type), a truncated file is refused, and metadata (EXIF with its GPS position, XMP,
//! text chunks, comments) is removed before anything is stored. Pure functions, tested natively.

/// The image types the shop accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageType {
    /// JPEG (JFIF or EXIF).
    Jpeg,
    /// PNG.
    Png,
    /// WebP (lossy, lossless or extended).
    Webp,
}

impl ImageType {
    /// The MIME type served back.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
        }
    }
}

/// A photo that passed the checks, with its metadata removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanImage {
    /// What the bytes are.
    pub kind: ImageType,
    /// Pixel width from the header.
    pub width: u32,
    /// Pixel height from the header.
    pub height: u32,
    /// The image without metadata.
    pub bytes: Vec<u8>,
}

/// Why a photo was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoError {
    /// Not a JPEG, PNG or WebP (a script renamed `.jpg`, a PDF, ...).
    UnsupportedType,
    /// HEIC/HEIF: recognised, but not decodable here.
    Heic,
    /// The header promises more than the file holds, or the structure is broken.
    Truncated,
}

/// Sniffs, validates and strips one uploaded image.
pub fn clean(bytes: &[u8]) -> Result<CleanImage, PhotoError> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        clean_jpeg(bytes)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        clean_png(bytes)
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        clean_webp(bytes)
    } else if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" && is_heif_brand(&bytes[8..12]) {
        Err(PhotoError::Heic)
    } else {
        Err(PhotoError::UnsupportedType)
    }
}

fn is_heif_brand(brand: &[u8]) -> bool {
    matches!(
        brand,
        b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"mif1" | b"msf1"
    )
}

fn be16(b: &[u8], at: usize) -> Option<usize> {
    Some(usize::from(u16::from_be_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
    ])))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
        *b.get(at + 2)?,
        *b.get(at + 3)?,
    ]))
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
        *b.get(at + 2)?,
        *b.get(at + 3)?,
    ]))
}

/// JPEG: keep APP0 (JFIF), APP2 (ICC colour) and APP14 (Adobe colour transform); drop every other
/// APPn (EXIF, XMP, maker notes) and comments. Requires a frame header, scan data and the end
/// marker, so a truncated upload is refused rather than stored half-grey.
fn clean_jpeg(b: &[u8]) -> Result<CleanImage, PhotoError> {
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&[0xFF, 0xD8]);
    let mut at = 2;
    let mut size = None;
    loop {
        // Fill bytes (0xFF runs) may precede a marker.
        while b.get(at) == Some(&0xFF) && b.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        if b.get(at) != Some(&0xFF) {
            return Err(PhotoError::Truncated);
        }
        let marker = *b.get(at + 1).ok_or(PhotoError::Truncated)?;
        match marker {
            0xD8 | 0x01 | 0xD0..=0xD7 => {
                at += 2;
                continue;
            }
            0xD9 => return Err(PhotoError::Truncated), // end before any scan
            _ => {}
        }
        let len = be16(b, at + 2).ok_or(PhotoError::Truncated)?;
        let end = at + 2 + len;
        if len < 2 || end > b.len() {
            return Err(PhotoError::Truncated);
        }
        let keep = !matches!(marker, 0xE1 | 0xE3..=0xED | 0xEF | 0xFE);
        if matches!(marker, 0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF) {
            let height = be16(b, at + 5).ok_or(PhotoError::Truncated)?;
            let width = be16(b, at + 7).ok_or(PhotoError::Truncated)?;
            size = Some((width as u32, height as u32));
        }
        if keep {
            out.extend_from_slice(&b[at..end]);
        }
        at = end;
        if marker == 0xDA {
            // Entropy-coded data runs to the end marker; copy it as it is.
            let rest = &b[at..];
            if !rest.ends_with(&[0xFF, 0xD9]) {
                return Err(PhotoError::Truncated);
            }
            out.extend_from_slice(rest);
            break;
        }
    }
    let (width, height) = size
        .filter(|(w, h)| *w > 0 && *h > 0)
        .ok_or(PhotoError::Truncated)?;
    Ok(CleanImage {
        kind: ImageType::Jpeg,
        width,
        height,
        bytes: out,
    })
}

/// PNG: every chunk must fit and the file must end with IEND; text, time and EXIF chunks go.
fn clean_png(b: &[u8]) -> Result<CleanImage, PhotoError> {
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&b[..8]);
    let mut at = 8;
    let mut size = None;
    let mut ended = false;
    while at < b.len() {
        let len = be32(b, at).ok_or(PhotoError::Truncated)? as usize;
        let kind = b.get(at + 4..at + 8).ok_or(PhotoError::Truncated)?;
        let end = at.checked_add(12 + len).ok_or(PhotoError::Truncated)?;
        if end > b.len() {
            return Err(PhotoError::Truncated);
        }
        if kind == b"IHDR" {
            size = Some((
                be32(b, at + 8).ok_or(PhotoError::Truncated)?,
                be32(b, at + 12).ok_or(PhotoError::Truncated)?,
            ));
        }
        if !matches!(kind, b"tEXt" | b"zTXt" | b"iTXt" | b"eXIf" | b"tIME") {
            out.extend_from_slice(&b[at..end]);
        }
        at = end;
        if kind == b"IEND" {
            ended = true;
            break;
        }
    }
    if !ended {
        return Err(PhotoError::Truncated);
    }
    let (width, height) = size
        .filter(|(w, h)| *w > 0 && *h > 0)
        .ok_or(PhotoError::Truncated)?;
    Ok(CleanImage {
        kind: ImageType::Png,
        width,
        height,
        bytes: out,
    })
}

/// WebP: the RIFF size must match the file; EXIF and XMP chunks go and VP8X's flags follow.
fn clean_webp(b: &[u8]) -> Result<CleanImage, PhotoError> {
    let riff_len = le32(b, 4).ok_or(PhotoError::Truncated)? as usize;
    if riff_len + 8 != b.len() || riff_len < 4 {
        return Err(PhotoError::Truncated);
    }
    let mut body = Vec::with_capacity(b.len());
    body.extend_from_slice(b"WEBP");
    let mut at = 12;
    let mut size = None;
    while at < b.len() {
        let fourcc = b.get(at..at + 4).ok_or(PhotoError::Truncated)?;
        let len = le32(b, at + 4).ok_or(PhotoError::Truncated)? as usize;
        let data_end = at + 8 + len;
        let end = data_end + (len & 1);
        if end > b.len() {
            return Err(PhotoError::Truncated);
        }
        let data = &b[at + 8..data_end];
        match fourcc {
            b"VP8X" if data.len() >= 10 => {
                let w = u32::from_le_bytes([data[4], data[5], data[6], 0]) + 1;
                let h = u32::from_le_bytes([data[7], data[8], data[9], 0]) + 1;
                size = Some((w, h));
            }
            b"VP8 " if size.is_none() && data.len() >= 10 && data[3..6] == [0x9D, 0x01, 0x2A] => {
                let w = (le16(data, 6) & 0x3FFF) as u32;
                let h = (le16(data, 8) & 0x3FFF) as u32;
                size = Some((w, h));
            }
            b"VP8L" if size.is_none() && data.len() >= 5 && data[0] == 0x2F => {
                let bits = u32::from_le_bytes([data[1], data[2], data[3], data[4]]);
                size = Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1));
            }
            _ => {}
        }
        if fourcc != b"EXIF" && fourcc != b"XMP " {
            let start = body.len();
            body.extend_from_slice(&b[at..end]);
            if fourcc == b"VP8X" {
                // Flags byte: bit 3 says "has EXIF", bit 2 "has XMP"; both are gone now.
                if let Some(flags) = body.get_mut(start + 8) {
                    *flags &= !0b0000_1100;
                }
            }
        }
        at = end;
    }
    let (width, height) = size
        .filter(|(w, h)| *w > 0 && *h > 0)
        .ok_or(PhotoError::Truncated)?;
    let mut out = Vec::with_capacity(body.len() + 8);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend_from_slice(&body);
    Ok(CleanImage {
        kind: ImageType::Webp,
        width,
        height,
        bytes: out,
    })
}

fn le16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Tiny hand-built images, shared with the tests below.

    /// A 2x1 baseline JPEG skeleton with an EXIF segment carrying a GPS marker string.
    pub fn jpeg_with_exif() -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8];
        b.extend_from_slice(&[
            0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
        ]);
        let exif = b"Exif\0\0GPSLatitude=31.2304N";
        b.extend_from_slice(&[0xFF, 0xE1, 0, (exif.len() + 2) as u8]);
        b.extend_from_slice(exif);
        b.extend_from_slice(&[0xFF, 0xFE, 0, 7, b'h', b'e', b'l', b'l', b'o']);
        // SOF0: precision 8, height 1, width 2, 1 component
        b.extend_from_slice(&[0xFF, 0xC0, 0, 11, 8, 0, 1, 0, 2, 1, 1, 0x11, 0]);
        // SOS then two bytes of scan data and EOI
        b.extend_from_slice(&[0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0, 0x12, 0x34, 0xFF, 0xD9]);
        b
    }

    /// A 3x2 PNG skeleton with a tEXt chunk.
    pub fn png_with_text() -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
        let chunk = |b: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
            b.extend_from_slice(&(data.len() as u32).to_be_bytes());
            b.extend_from_slice(kind);
            b.extend_from_slice(data);
            b.extend_from_slice(&[0, 0, 0, 0]);
        };
        chunk(&mut b, b"IHDR", &[0, 0, 0, 3, 0, 0, 0, 2, 8, 2, 0, 0, 0]);
        chunk(&mut b, b"tEXt", b"Comment\0taken at home");
        chunk(&mut b, b"IDAT", &[1, 2, 3]);
        chunk(&mut b, b"IEND", &[]);
        b
    }

    /// A 5x4 extended WebP with an EXIF chunk.
    pub fn webp_with_exif() -> Vec<u8> {
        let mut body = b"WEBP".to_vec();
        body.extend_from_slice(b"VP8X");
        body.extend_from_slice(&10u32.to_le_bytes());
        body.extend_from_slice(&[0b0000_1000, 0, 0, 0, 4, 0, 0, 3, 0, 0]);
        body.extend_from_slice(b"VP8L");
        body.extend_from_slice(&5u32.to_le_bytes());
        body.extend_from_slice(&[0x2F, 4, 0xC0, 0, 0, 0]); // 5 bytes + 1 pad
        body.extend_from_slice(b"EXIF");
        body.extend_from_slice(&4u32.to_le_bytes());
        body.extend_from_slice(b"GPS!");
        let mut b = b"RIFF".to_vec();
        b.extend_from_slice(&(body.len() as u32).to_le_bytes());
        b.extend_from_slice(&body);
        b
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn a_jpeg_keeps_its_picture_and_loses_exif_and_comments() {
        let clean = clean(&jpeg_with_exif()).expect("valid jpeg");
        assert_eq!(
            (clean.kind, clean.width, clean.height),
            (ImageType::Jpeg, 2, 1)
        );
        assert!(!contains(&clean.bytes, b"GPSLatitude"));
        assert!(!contains(&clean.bytes, b"hello"));
        assert!(contains(&clean.bytes, b"JFIF"));
        assert!(clean.bytes.ends_with(&[0xFF, 0xD9]));
    }

    #[test]
    fn a_png_loses_its_text_chunks() {
        let clean = clean(&png_with_text()).expect("valid png");
        assert_eq!(
            (clean.kind, clean.width, clean.height),
            (ImageType::Png, 3, 2)
        );
        assert!(!contains(&clean.bytes, b"taken at home"));
        assert!(contains(&clean.bytes, b"IDAT"));
    }

    #[test]
    fn a_webp_loses_exif_and_its_flag() {
        let clean = clean(&webp_with_exif()).expect("valid webp");
        assert_eq!(
            (clean.kind, clean.width, clean.height),
            (ImageType::Webp, 5, 4)
        );
        assert!(!contains(&clean.bytes, b"GPS!"));
        assert_eq!(clean.bytes[20] & 0b1000, 0);
        assert_eq!(
            le32(&clean.bytes, 4).map(|n| n as usize + 8),
            Some(clean.bytes.len())
        );
    }

    #[test]
    fn truncated_images_are_refused() {
        for image in [jpeg_with_exif(), png_with_text(), webp_with_exif()] {
            for cut in [image.len() / 2, image.len() - 1] {
                assert_eq!(
                    clean(&image[..cut]),
                    Err(PhotoError::Truncated),
                    "cut at {cut}"
                );
            }
        }
    }

    #[test]
    fn no_prefix_or_single_byte_change_of_an_image_makes_the_parser_panic() {
        for image in [jpeg_with_exif(), png_with_text(), webp_with_exif()] {
            for cut in 0..image.len() {
                let _ = clean(&image[..cut]);
            }
            for at in 0..image.len() {
                for value in [0x00, 0xFF, 0x7F] {
                    let mut changed = image.clone();
                    changed[at] = value;
                    let _ = clean(&changed);
                }
            }
        }
    }

    #[test]
    fn scripts_and_documents_are_not_images_whatever_their_name() {
        assert_eq!(
            clean(b"#!/bin/sh\nrm -rf /\n"),
            Err(PhotoError::UnsupportedType)
        );
        assert_eq!(
            clean(b"<script>alert(1)</script>"),
            Err(PhotoError::UnsupportedType)
        );
        assert_eq!(clean(b"%PDF-1.7"), Err(PhotoError::UnsupportedType));
        assert_eq!(
            clean(&[0, 0, 0, 24, b'f', b't', b'y', b'p', b'h', b'e', b'i', b'c']),
            Err(PhotoError::Heic)
        );
    }
}
