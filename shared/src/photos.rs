//! Proof photos: the type is decided by magic bytes and a header parse (never by file name or
//! Content-Type), a truncated or malformed file is refused, an image with more pixels than the
//! shop allows is refused before anything decodes it, and what is stored is rebuilt from the
//! parts a decoder needs (a whitelist per format), so metadata (EXIF with its GPS position, XMP,
//! text chunks, comments, a second picture or a video after the end marker) never reaches R2.
//! Pure functions, tested natively and, mutated, on wasm32 (the fuzz crate, `fuzz/`).
//!
//! # Arithmetic
//!
//! The worker runs on wasm32, where `usize` has 32 bits: a length field of `0xFFFF_FFFF` added to
//! a position wraps there, and the slice that follows panics, while the same sum on a 64-bit test
//! machine is merely large and the test passes. So every position and length in these parsers is
//! a `u32` (an upload longer than `u32::MAX` is refused before parsing), every sum goes through
//! [`add`] (`checked_add`), and bytes are reached only through [`Input`], which turns a checked
//! `u32` range into `slice::get`. A native test therefore runs exactly the arithmetic wasm32
//! runs. Rejected: `usize` positions with `checked_add`, which are correct on wasm32 but let a
//! 64-bit test pass where a forgotten check would still wrap on the edge.
//!
//! # Whitelists, not blacklists
//!
//! Each format keeps only what a decoder needs and drops everything else, including kinds of
//! metadata nobody has invented yet; the alternative (drop EXIF, XMP, text) let GPS through in
//! places the list did not name (after a JPEG's first scan, in a second picture after its end).
//! Each kept segment's structure is checked where that is cheap (JPEG tables, PNG header, VP8X),
//! so a metadata segment relabelled as a table is refused rather than stored.

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
    /// Width × height exceeds the limit (a pixel bomb: a small file that decodes to gigabytes).
    TooManyPixels,
}

/// Sniffs, validates and strips one uploaded image; `max_pixels` bounds width × height (of the
/// canvas and of every frame).
pub fn clean(bytes: &[u8], max_pixels: u64) -> Result<CleanImage, PhotoError> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        clean_jpeg(Input::new(bytes)?, max_pixels)
    } else if bytes.starts_with(PNG_SIGNATURE) {
        clean_png(Input::new(bytes)?, max_pixels)
    } else if bytes.get(0..4) == Some(&b"RIFF"[..]) && bytes.get(8..12) == Some(&b"WEBP"[..]) {
        clean_webp(Input::new(bytes)?, max_pixels)
    } else if bytes.get(4..8) == Some(&b"ftyp"[..]) && bytes.get(8..12).is_some_and(is_heif_brand) {
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

/// `a + b`, or `Truncated`: a sum that overflows 32 bits points past any file we accept.
fn add(a: u32, b: u32) -> Result<u32, PhotoError> {
    a.checked_add(b).ok_or(PhotoError::Truncated)
}

/// A position as a slice index; the one place a `u32` becomes a `usize`.
fn index(at: u32) -> Result<usize, PhotoError> {
    usize::try_from(at).map_err(|_| PhotoError::Truncated)
}

/// A length as a `u32`.
fn length(n: usize) -> Result<u32, PhotoError> {
    u32::try_from(n).map_err(|_| PhotoError::Truncated)
}

/// Bytes addressed by `u32` positions (see the module comment): every read is bounds-checked and
/// a read past the end is `Truncated`.
#[derive(Debug, Clone, Copy)]
struct Input<'a> {
    bytes: &'a [u8],
    len: u32,
}

impl<'a> Input<'a> {
    /// Refuses more than `u32::MAX` bytes (never reached behind the 10 MB body limit; it is what
    /// lets every position below be a `u32`).
    fn new(bytes: &'a [u8]) -> Result<Self, PhotoError> {
        Ok(Self {
            bytes,
            len: length(bytes.len())?,
        })
    }

    /// `count` bytes from `at`.
    fn take(self, at: u32, count: u32) -> Result<&'a [u8], PhotoError> {
        let end = add(at, count)?;
        self.bytes
            .get(index(at)?..index(end)?)
            .ok_or(PhotoError::Truncated)
    }

    /// The bytes from `from` up to `to`.
    fn range(self, from: u32, to: u32) -> Result<&'a [u8], PhotoError> {
        self.take(from, to.checked_sub(from).ok_or(PhotoError::Truncated)?)
    }

    /// Everything from `at` to the end.
    fn rest(self, at: u32) -> Result<&'a [u8], PhotoError> {
        self.range(at, self.len)
    }

    fn array<const N: usize>(self, at: u32) -> Result<[u8; N], PhotoError> {
        self.take(at, length(N)?)?
            .try_into()
            .map_err(|_| PhotoError::Truncated)
    }

    fn u8(self, at: u32) -> Result<u8, PhotoError> {
        let [b] = self.array(at)?;
        Ok(b)
    }

    fn be16(self, at: u32) -> Result<u16, PhotoError> {
        self.array(at).map(u16::from_be_bytes)
    }

    fn be32(self, at: u32) -> Result<u32, PhotoError> {
        self.array(at).map(u32::from_be_bytes)
    }

    fn le16(self, at: u32) -> Result<u16, PhotoError> {
        self.array(at).map(u16::from_le_bytes)
    }

    fn le24(self, at: u32) -> Result<u32, PhotoError> {
        let [a, b, c] = self.array(at)?;
        Ok(u32::from_le_bytes([a, b, c, 0]))
    }

    fn le32(self, at: u32) -> Result<u32, PhotoError> {
        self.array(at).map(u32::from_le_bytes)
    }
}

/// Refuses an empty image and one with more than `max_pixels` pixels. Both sides are below 2^32,
/// so their product fits a `u64` exactly (saturating only as a belt to the braces).
fn check_pixels(width: u32, height: u32, max_pixels: u64) -> Result<(), PhotoError> {
    if width == 0 || height == 0 {
        return Err(PhotoError::Truncated);
    }
    if u64::from(width).saturating_mul(u64::from(height)) > max_pixels {
        return Err(PhotoError::TooManyPixels);
    }
    Ok(())
}

// JPEG markers by name (ITU-T T.81, table B.1).
const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
const DQT: u8 = 0xDB;
const DNL: u8 = 0xDC;
const DRI: u8 = 0xDD;
const DHT: u8 = 0xC4;
const DAC: u8 = 0xCC;
const APP0: u8 = 0xE0;
const APP2: u8 = 0xE2;
const APP14: u8 = 0xEE;
const COM: u8 = 0xFE;

/// Start-of-frame markers: every SOFn except DHT (C4), JPG (C8) and DAC (CC), which share the
/// range.
fn is_sof(marker: u8) -> bool {
    matches!(marker, 0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF)
}

/// JPEG: walks the whole marker structure, scans included, and rebuilds the file from SOI, APP0
/// JFIF (without its thumbnail), APP2 ICC_PROFILE, APP14 Adobe, DQT, DHT, DAC, DRI, the frame
/// header, every SOS with its entropy-coded data, DNL and EOI. Every other APPn (EXIF, XMP, MPF,
/// maker notes) and comments are dropped wherever they appear, before or between scans. The
/// first EOI ends the image: what follows (a phone's motion-photo video, an MPO's second picture
/// with its own GPS, an appended archive) is cut. A marker that cannot appear where it does
/// (a stray 0xFF 0x4B inside scan data, a second frame, an unknown code) refuses the file, as
/// does a missing frame, scan or EOI.
fn clean_jpeg(input: Input<'_>, max_pixels: u64) -> Result<CleanImage, PhotoError> {
    let mut out = Vec::with_capacity(input.bytes.len());
    out.extend_from_slice(&[0xFF, SOI]);
    let mut at: u32 = 2;
    let mut frame = None;
    let mut scanned = false;
    let mut adobe = false;
    loop {
        // 1. A marker: 0xFF, optional fill bytes (more 0xFF), then the code.
        if input.u8(at)? != 0xFF {
            return Err(PhotoError::Truncated);
        }
        at = add(at, 1)?;
        while input.u8(at)? == 0xFF {
            at = add(at, 1)?;
        }
        let marker = input.u8(at)?;
        at = add(at, 1)?;
        if marker == EOI {
            let (width, height) = frame.filter(|_| scanned).ok_or(PhotoError::Truncated)?;
            out.extend_from_slice(&[0xFF, EOI]);
            return Ok(CleanImage {
                kind: ImageType::Jpeg,
                width,
                height,
                bytes: out,
            });
        }
        // 2. Only segments with a length may follow; SOI, TEM, RSTn outside a scan, JPGn, DHP,
        //    EXP and reserved codes are not decodable here.
        let known = matches!(
            marker,
            DQT | DHT | DAC | DRI | DNL | SOS | COM | 0xE0..=0xEF
        ) || is_sof(marker);
        if !known {
            return Err(PhotoError::Truncated);
        }
        let size = u32::from(input.be16(at)?);
        let payload_len = size.checked_sub(2).ok_or(PhotoError::Truncated)?;
        let payload = input.take(add(at, 2)?, payload_len)?;
        let segment = input.take(at, size)?;
        let next = add(at, size)?;
        let keep = |out: &mut Vec<u8>| {
            out.extend_from_slice(&[0xFF, marker]);
            out.extend_from_slice(segment);
        };
        match marker {
            // JFIF right after SOI, rewritten without its thumbnail (14 bytes: identifier,
            // version, density): the thumbnail is a second copy of the picture nobody asked for.
            APP0 if out.len() == 2 && payload.starts_with(b"JFIF\0") && payload.len() >= 14 => {
                out.extend_from_slice(&[0xFF, APP0, 0, 16]);
                out.extend_from_slice(payload.get(..12).ok_or(PhotoError::Truncated)?);
                out.extend_from_slice(&[0, 0]);
            }
            APP2 if !scanned && payload.starts_with(b"ICC_PROFILE\0") => keep(&mut out),
            // Adobe's colour transform (12 bytes), needed to decode CMYK/YCCK correctly.
            APP14 if !scanned && !adobe && payload.starts_with(b"Adobe") && payload.len() >= 12 => {
                adobe = true;
                out.extend_from_slice(&[0xFF, APP14, 0, 14]);
                out.extend_from_slice(payload.get(..12).ok_or(PhotoError::Truncated)?);
            }
            0xE0..=0xEF | COM => {} // metadata: EXIF, XMP, MPF, maker notes, comments
            DQT => {
                check_dqt(payload)?;
                keep(&mut out);
            }
            DHT => {
                check_dht(payload)?;
                keep(&mut out);
            }
            DAC => {
                check_dac(payload)?;
                keep(&mut out);
            }
            DRI if payload.len() == 2 => keep(&mut out),
            DNL if scanned && payload.len() == 2 => keep(&mut out),
            SOS if frame.is_some() => {
                check_sos(payload)?;
                keep(&mut out);
                // The entropy-coded data runs to the next real marker.
                let end = scan_end(input, next)?;
                out.extend_from_slice(input.range(next, end)?);
                scanned = true;
                at = end;
                continue;
            }
            m if is_sof(m) && frame.is_none() && !scanned => {
                let (width, height) = frame_size(payload)?;
                check_pixels(width, height, max_pixels)?;
                frame = Some((width, height));
                keep(&mut out);
            }
            // A second frame, SOS before the frame, DNL before a scan, a wrong DRI length.
            _ => return Err(PhotoError::Truncated),
        }
        at = next;
    }
}

/// Where the entropy-coded data starting at `at` ends: at the first 0xFF that is neither
/// stuffing (0xFF 0x00) nor a restart marker (0xFF 0xD0–D7). Data that runs off the end of the
/// file is truncated.
fn scan_end(input: Input<'_>, mut at: u32) -> Result<u32, PhotoError> {
    loop {
        let skip = input
            .rest(at)?
            .iter()
            .position(|&b| b == 0xFF)
            .ok_or(PhotoError::Truncated)?;
        at = add(at, length(skip)?)?;
        match input.u8(add(at, 1)?)? {
            0x00 | 0xD0..=0xD7 => at = add(at, 2)?,
            _ => return Ok(at),
        }
    }
}

/// A frame header: precision, height, width, then three bytes per component.
fn frame_size(payload: &[u8]) -> Result<(u32, u32), PhotoError> {
    let p = Input::new(payload)?;
    let height = u32::from(p.be16(1)?);
    let width = u32::from(p.be16(3)?);
    let components = u32::from(p.u8(5)?);
    if components == 0 || p.len != add(6, components.saturating_mul(3))? {
        return Err(PhotoError::Truncated);
    }
    Ok((width, height))
}

/// A scan header: 1–4 components of two bytes each, then three bytes of spectral selection.
fn check_sos(payload: &[u8]) -> Result<(), PhotoError> {
    let p = Input::new(payload)?;
    let components = u32::from(p.u8(0)?);
    if !(1..=4).contains(&components) || p.len != add(4, components.saturating_mul(2))? {
        return Err(PhotoError::Truncated);
    }
    Ok(())
}

/// Quantisation tables: a precision/id byte (precision 0 or 1, id 0–3) and 64 entries of one or
/// two bytes, back to back, filling the segment exactly.
fn check_dqt(payload: &[u8]) -> Result<(), PhotoError> {
    let p = Input::new(payload)?;
    let mut at = 0;
    while at < p.len {
        let head = p.u8(at)?;
        let entries = match (head >> 4, head & 0x0F) {
            (0, 0..=3) => 64,
            (1, 0..=3) => 128,
            _ => return Err(PhotoError::Truncated),
        };
        at = add(at, 1 + entries)?;
    }
    table_end(p, at)
}

/// Huffman tables: a class/id byte (class 0 or 1, id 0–3), 16 code counts, and as many values,
/// back to back, filling the segment exactly.
fn check_dht(payload: &[u8]) -> Result<(), PhotoError> {
    let p = Input::new(payload)?;
    let mut at = 0;
    while at < p.len {
        let head = p.u8(at)?;
        if head >> 4 > 1 || head & 0x0F > 3 {
            return Err(PhotoError::Truncated);
        }
        // At most 16 × 255, so the sum cannot overflow.
        let values: u32 = p.take(add(at, 1)?, 16)?.iter().map(|&n| u32::from(n)).sum();
        if values > 256 {
            return Err(PhotoError::Truncated);
        }
        at = add(add(at, 17)?, values)?;
    }
    table_end(p, at)
}

/// Arithmetic-coding conditioning: pairs of a class/id byte (class 0 or 1, id 0–3) and a value.
fn check_dac(payload: &[u8]) -> Result<(), PhotoError> {
    let p = Input::new(payload)?;
    let mut at = 0;
    while at < p.len {
        let head = p.u8(at)?;
        if head >> 4 > 1 || head & 0x0F > 3 {
            return Err(PhotoError::Truncated);
        }
        at = add(at, 2)?;
    }
    table_end(p, at)
}

/// A table segment must hold at least one table and end where its last table ends.
fn table_end(p: Input<'_>, at: u32) -> Result<(), PhotoError> {
    if p.len == 0 || at != p.len {
        return Err(PhotoError::Truncated);
    }
    Ok(())
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The PNG chunks a decoder needs for the picture and its colours; everything else (text, time,
/// EXIF, private and APNG chunks) is dropped.
const PNG_KEEP: [&[u8]; 13] = [
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT",
    b"cICP", b"bKGD", b"pHYs",
];

/// PNG: IHDR first (13 bytes, a valid colour type and bit depth), every chunk fits, at least one
/// IDAT, and IEND ends the file: anything after it is cut. CRCs are not checked: a wrong one
/// hides nothing, and decoding is the viewer's business.
fn clean_png(input: Input<'_>, max_pixels: u64) -> Result<CleanImage, PhotoError> {
    let mut out = Vec::with_capacity(input.bytes.len());
    out.extend_from_slice(PNG_SIGNATURE);
    let mut at = length(PNG_SIGNATURE.len())?;
    let mut size = None;
    let mut has_data = false;
    loop {
        let len = input.be32(at)?;
        // PNG caps chunk lengths at 2^31 - 1 (PNG spec, 5.3).
        if len > 0x7FFF_FFFF {
            return Err(PhotoError::Truncated);
        }
        let kind = input.take(add(at, 4)?, 4)?;
        let data = input.take(add(at, 8)?, len)?;
        let end = add(add(add(at, 8)?, len)?, 4)?;
        let chunk = input.range(at, end)?;
        if !kind.iter().all(u8::is_ascii_alphabetic) {
            return Err(PhotoError::Truncated);
        }
        let (width, height) = match size {
            None if kind == b"IHDR" && len == 13 => {
                let header = png_header(data)?;
                check_pixels(header.0, header.1, max_pixels)?;
                size = Some(header);
                header
            }
            Some(header) if kind != b"IHDR" => header,
            _ => return Err(PhotoError::Truncated),
        };
        if kind == b"IDAT" {
            has_data = true;
        }
        if kind == b"IEND" {
            if !has_data || len != 0 {
                return Err(PhotoError::Truncated);
            }
            out.extend_from_slice(chunk);
            return Ok(CleanImage {
                kind: ImageType::Png,
                width,
                height,
                bytes: out,
            });
        }
        if PNG_KEEP.contains(&kind) {
            out.extend_from_slice(chunk);
        }
        at = end;
    }
}

/// IHDR: width and height (1 to 2^31 - 1), and a bit depth the colour type allows.
fn png_header(data: &[u8]) -> Result<(u32, u32), PhotoError> {
    let h = Input::new(data)?;
    let (width, height) = (h.be32(0)?, h.be32(4)?);
    let depth_ok = match h.u8(9)? {
        0 => matches!(h.u8(8)?, 1 | 2 | 4 | 8 | 16),
        3 => matches!(h.u8(8)?, 1 | 2 | 4 | 8),
        2 | 4 | 6 => matches!(h.u8(8)?, 8 | 16),
        _ => false,
    };
    let methods_ok = h.u8(10)? == 0 && h.u8(11)? == 0 && h.u8(12)? <= 1;
    if !depth_ok || !methods_ok || width > 0x7FFF_FFFF || height > 0x7FFF_FFFF {
        return Err(PhotoError::Truncated);
    }
    Ok((width, height))
}

// VP8X flag bits (WebP container spec, "Extended file format").
const WEBP_ICC: u8 = 0b0010_0000;
const WEBP_ALPHA: u8 = 0b0001_0000;
const WEBP_ANIMATION: u8 = 0b0000_0010;

/// One RIFF chunk: its FourCC, its data, and where the next chunk starts (after the pad byte of
/// an odd-sized chunk).
#[derive(Debug, Clone, Copy)]
struct Chunk<'a> {
    fourcc: &'a [u8],
    data: &'a [u8],
    next: u32,
}

fn riff_chunk<'a>(input: Input<'a>, at: u32) -> Result<Chunk<'a>, PhotoError> {
    let fourcc = input.take(at, 4)?;
    let size = input.le32(add(at, 4)?)?;
    let start = add(at, 8)?;
    let data = input.take(start, size)?;
    let padded = add(size, size & 1)?;
    input.take(start, padded)?;
    Ok(Chunk {
        fourcc,
        data,
        next: add(start, padded)?,
    })
}

/// Writes a chunk with its size and a zero pad byte if odd (the original pad byte is not copied).
fn put_chunk(out: &mut Vec<u8>, fourcc: &[u8], data: &[u8]) -> Result<(), PhotoError> {
    let size = length(data.len())?;
    out.extend_from_slice(fourcc);
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(data);
    if size & 1 == 1 {
        out.push(0);
    }
    Ok(())
}

/// WebP: the RIFF size must match the file and every chunk must fit. A simple file keeps its one
/// VP8/VP8L chunk. An extended file keeps VP8X (flags rewritten: EXIF and XMP off, ICC on only if
/// an ICCP chunk stays, reserved bits and bytes zeroed), ICCP, ANIM, ANMF (rebuilt from ALPH and
/// VP8/VP8L only), ALPH and VP8/VP8L; EXIF, XMP and unknown chunks are dropped. The canvas and
/// every frame and bitstream go through the pixel limit.
fn clean_webp(input: Input<'_>, max_pixels: u64) -> Result<CleanImage, PhotoError> {
    if Some(input.le32(4)?) != input.len.checked_sub(8) {
        return Err(PhotoError::Truncated);
    }
    let mut body = b"WEBP".to_vec();
    let first = riff_chunk(input, 12)?;
    let (width, height) = match first.fourcc {
        b"VP8 " | b"VP8L" => {
            let (width, height) = bitstream_size(first.fourcc, first.data)?;
            check_pixels(width, height, max_pixels)?;
            // A simple file is its one image chunk; later chunks must still fit, then go.
            let mut at = first.next;
            while at < input.len {
                at = riff_chunk(input, at)?.next;
            }
            put_chunk(&mut body, first.fourcc, first.data)?;
            (width, height)
        }
        b"VP8X" => clean_extended_webp(input, first, &mut body, max_pixels)?,
        _ => return Err(PhotoError::Truncated),
    };
    let mut out = Vec::with_capacity(body.len() + 8);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&length(body.len())?.to_le_bytes());
    out.extend_from_slice(&body);
    Ok(CleanImage {
        kind: ImageType::Webp,
        width,
        height,
        bytes: out,
    })
}

fn clean_extended_webp(
    input: Input<'_>,
    vp8x: Chunk<'_>,
    body: &mut Vec<u8>,
    max_pixels: u64,
) -> Result<(u32, u32), PhotoError> {
    let header = Input::new(vp8x.data)?;
    if header.len != 10 {
        return Err(PhotoError::Truncated);
    }
    let flags = header.u8(0)?;
    let width = add(header.le24(4)?, 1)?;
    let height = add(header.le24(7)?, 1)?;
    check_pixels(width, height, max_pixels)?;
    let mut kept = Vec::new();
    let (mut icc, mut anim, mut frames, mut still) = (false, false, false, false);
    let mut at = vp8x.next;
    while at < input.len {
        let chunk = riff_chunk(input, at)?;
        match chunk.fourcc {
            b"VP8X" => return Err(PhotoError::Truncated),
            b"ICCP" if !icc => {
                icc = true;
                put_chunk(&mut kept, chunk.fourcc, chunk.data)?;
            }
            b"ANIM" if chunk.data.len() == 6 => {
                anim = true;
                put_chunk(&mut kept, chunk.fourcc, chunk.data)?;
            }
            b"ANIM" => return Err(PhotoError::Truncated),
            b"ANMF" => {
                frames = true;
                let frame = clean_frame(chunk.data, max_pixels)?;
                put_chunk(&mut kept, chunk.fourcc, &frame)?;
            }
            b"ALPH" => put_chunk(&mut kept, chunk.fourcc, chunk.data)?,
            b"VP8 " | b"VP8L" => {
                let (w, h) = bitstream_size(chunk.fourcc, chunk.data)?;
                check_pixels(w, h, max_pixels)?;
                still = true;
                put_chunk(&mut kept, chunk.fourcc, chunk.data)?;
            }
            _ => {} // EXIF, XMP, a second ICCP, unknown chunks
        }
        at = chunk.next;
    }
    // An animation needs ANIM and frames; a still image needs its bitstream.
    let animated = flags & WEBP_ANIMATION != 0;
    if (animated && !(anim && frames)) || (!animated && (frames || !still)) {
        return Err(PhotoError::Truncated);
    }
    let mut fixed = [0u8; 10];
    fixed[0] = (flags & (WEBP_ALPHA | WEBP_ANIMATION)) | if icc { WEBP_ICC } else { 0 };
    fixed[4..].copy_from_slice(header.take(4, 6)?);
    put_chunk(body, b"VP8X", &fixed)?;
    body.extend_from_slice(&kept);
    Ok((width, height))
}

/// An ANMF frame: 16 bytes of position, size, duration and flags, then its own chunks, of which
/// ALPH and VP8/VP8L stay.
fn clean_frame(data: &[u8], max_pixels: u64) -> Result<Vec<u8>, PhotoError> {
    let frame = Input::new(data)?;
    let width = add(frame.le24(6)?, 1)?;
    let height = add(frame.le24(9)?, 1)?;
    check_pixels(width, height, max_pixels)?;
    let mut out = frame.take(0, 16)?.to_vec();
    let mut image = false;
    let mut at = 16;
    while at < frame.len {
        let chunk = riff_chunk(frame, at)?;
        match chunk.fourcc {
            b"ALPH" => put_chunk(&mut out, chunk.fourcc, chunk.data)?,
            b"VP8 " | b"VP8L" => {
                let (w, h) = bitstream_size(chunk.fourcc, chunk.data)?;
                check_pixels(w, h, max_pixels)?;
                image = true;
                put_chunk(&mut out, chunk.fourcc, chunk.data)?;
            }
            _ => {}
        }
        at = chunk.next;
    }
    if !image {
        return Err(PhotoError::Truncated);
    }
    Ok(out)
}

/// The size a VP8 (lossy key frame) or VP8L (lossless) bitstream header declares.
fn bitstream_size(fourcc: &[u8], data: &[u8]) -> Result<(u32, u32), PhotoError> {
    let d = Input::new(data)?;
    if fourcc == b"VP8 " {
        // Frame tag (bit 0 clear on a key frame), start code, then 14-bit width and height.
        if d.u8(0)? & 1 != 0 || d.take(3, 3)? != [0x9D, 0x01, 0x2A] {
            return Err(PhotoError::Truncated);
        }
        let width = u32::from(d.le16(6)? & 0x3FFF);
        let height = u32::from(d.le16(8)? & 0x3FFF);
        Ok((width, height))
    } else {
        // Signature 0x2F, then 14 bits each of width - 1 and height - 1, and a zero version.
        let bits = d.le32(1)?;
        if d.u8(0)? != 0x2F || bits >> 29 != 0 {
            return Err(PhotoError::Truncated);
        }
        Ok((add(bits & 0x3FFF, 1)?, add((bits >> 14) & 0x3FFF, 1)?))
    }
}

/// Tiny hand-built images, shared with the tests below and, through the `fixtures` feature, with
/// the fuzz crate (`fuzz/`), which mutates them on wasm32.
#[cfg(any(test, feature = "fixtures"))]
#[doc(hidden)]
pub mod fixtures {
    /// Every fixture that cleans successfully.
    pub fn valid_images() -> Vec<Vec<u8>> {
        vec![
            jpeg_with_exif(),
            progressive_jpeg(true),
            mpo(),
            png_with_text(),
            webp_with_exif(),
            animated_webp(),
        ]
    }

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
        png_chunk(&mut b, b"IHDR", &[0, 0, 0, 3, 0, 0, 0, 2, 8, 2, 0, 0, 0]);
        png_chunk(&mut b, b"tEXt", b"Comment\0taken at home");
        png_chunk(&mut b, b"IDAT", &[1, 2, 3]);
        png_chunk(&mut b, b"IEND", &[]);
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
        riff(&body)
    }

    /// `RIFF`, the size of `body`, `body`.
    pub fn riff(body: &[u8]) -> Vec<u8> {
        let mut b = b"RIFF".to_vec();
        b.extend_from_slice(&(body.len() as u32).to_le_bytes());
        b.extend_from_slice(body);
        b
    }

    /// A RIFF chunk with its pad byte.
    pub fn webp_chunk(b: &mut Vec<u8>, fourcc: &[u8], data: &[u8]) {
        b.extend_from_slice(fourcc);
        b.extend_from_slice(&(data.len() as u32).to_le_bytes());
        b.extend_from_slice(data);
        if data.len() % 2 == 1 {
            b.push(0);
        }
    }

    /// A PNG chunk (with a zero CRC, which the cleaner does not check).
    pub fn png_chunk(b: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        b.extend_from_slice(&(data.len() as u32).to_be_bytes());
        b.extend_from_slice(kind);
        b.extend_from_slice(data);
        b.extend_from_slice(&[0, 0, 0, 0]);
    }

    /// A JPEG marker segment.
    pub fn segment(b: &mut Vec<u8>, marker: u8, payload: &[u8]) {
        b.extend_from_slice(&[0xFF, marker]);
        b.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        b.extend_from_slice(payload);
    }

    /// A JFIF APP0 payload without thumbnail.
    pub const JFIF: &[u8] = &[b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];

    /// One 8-bit quantisation table.
    pub fn dqt() -> Vec<u8> {
        let mut t = vec![0x00];
        t.extend_from_slice(&[1; 64]);
        t
    }

    /// One Huffman table of class `class` with a single one-bit code.
    pub fn dht(class: u8) -> Vec<u8> {
        let mut t = vec![class << 4];
        let mut counts = [0u8; 16];
        counts[0] = 1;
        t.extend_from_slice(&counts);
        t.push(0);
        t
    }

    /// A frame header for one component of `width` × `height`.
    pub fn sof(width: u16, height: u16) -> Vec<u8> {
        let [h1, h0] = height.to_be_bytes();
        let [w1, w0] = width.to_be_bytes();
        vec![8, h1, h0, w1, w0, 1, 1, 0x11, 0]
    }

    /// A scan header for the one component, spectral selection `ss..=se`.
    pub fn sos(ss: u8, se: u8) -> Vec<u8> {
        vec![1, 1, 0x00, ss, se, 0]
    }

    /// A 2x1 progressive JPEG of two scans (with stuffing and a restart marker in the first) and,
    /// if `metadata`, an EXIF segment with GPS and a comment between the scans, where progressive
    /// encoders and editors put them.
    pub fn progressive_jpeg(metadata: bool) -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8];
        segment(&mut b, 0xE0, JFIF);
        segment(&mut b, 0xDB, &dqt());
        segment(&mut b, 0xC2, &sof(2, 1));
        segment(&mut b, 0xC4, &dht(0));
        segment(&mut b, 0xDA, &sos(0, 0));
        b.extend_from_slice(&[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56]);
        if metadata {
            segment(&mut b, 0xE1, b"Exif\0\0GPSLatitude=31.2304N");
            segment(&mut b, 0xFE, b"late comment");
        }
        segment(&mut b, 0xC4, &dht(1));
        segment(&mut b, 0xDA, &sos(1, 63));
        b.extend_from_slice(&[0x78, 0x9A]);
        b.extend_from_slice(&[0xFF, 0xD9]);
        b
    }

    /// A baseline JPEG of `width` × `height` with, if `metadata`, EXIF and GPS (`gps`) and an MPF
    /// index (APP2 "MPF\0") as a multi-picture file's first image has.
    pub fn baseline_jpeg(width: u16, height: u16, metadata: Option<&[u8]>) -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8];
        segment(&mut b, 0xE0, JFIF);
        if let Some(gps) = metadata {
            let mut exif = b"Exif\0\0".to_vec();
            exif.extend_from_slice(gps);
            segment(&mut b, 0xE1, &exif);
            segment(&mut b, 0xE2, b"MPF\0MM\0\x2a\0\0\0\x08\xb0\x00");
        }
        segment(&mut b, 0xDB, &dqt());
        segment(&mut b, 0xC0, &sof(width, height));
        segment(&mut b, 0xC4, &dht(0));
        segment(&mut b, 0xC4, &dht(1));
        segment(&mut b, 0xDA, &sos(0, 63));
        b.extend_from_slice(&[0x12, 0x34, 0xFF, 0x00, 0x56]);
        b.extend_from_slice(&[0xFF, 0xD9]);
        b
    }

    /// An MPO: a first picture with EXIF and its MPF index, then a second complete picture with
    /// its own EXIF and GPS position.
    pub fn mpo() -> Vec<u8> {
        let mut b = baseline_jpeg(2, 1, Some(b"GPSLatitude=31.2304N"));
        b.extend_from_slice(&baseline_jpeg(2, 1, Some(b"GPSLongitude=121.4737E")));
        b
    }

    /// The start of a ZIP archive (local file header), with 0xFF bytes in it as real archives
    /// have.
    pub fn zip() -> Vec<u8> {
        let mut z = b"PK\x03\x04\x14\x00\x00\x00\x08\x00".to_vec();
        z.extend_from_slice(&[0xFF, 0x4B, 0x12, 0xFF, 0xE1, 0x00, 0x08]);
        z.extend_from_slice(b"secret.txt");
        z
    }

    /// A PNG of `width` × `height` (one IDAT, not decodable to that size: the header is what
    /// counts).
    pub fn png_sized(width: u32, height: u32) -> Vec<u8> {
        let mut ihdr = width.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
        png_chunk(&mut b, b"IHDR", &ihdr);
        png_chunk(&mut b, b"IDAT", &[0x78, 0x9C, 0x63, 0, 0, 0, 1, 0, 1]);
        png_chunk(&mut b, b"IEND", &[]);
        b
    }

    /// An extended WebP whose canvas is `width` × `height` (24-bit sides, stored minus one).
    pub fn webp_canvas(width: u32, height: u32) -> Vec<u8> {
        let (w, h) = ((width - 1).to_le_bytes(), (height - 1).to_le_bytes());
        let mut body = b"WEBP".to_vec();
        webp_chunk(
            &mut body,
            b"VP8X",
            &[0, 0, 0, 0, w[0], w[1], w[2], h[0], h[1], h[2]],
        );
        webp_chunk(&mut body, b"VP8L", &[0x2F, 0, 0, 0, 0]);
        riff(&body)
    }

    /// A 5x4 animation: VP8X (animation and EXIF flags), ANIM, one ANMF frame holding a private
    /// chunk beside its bitstream, then EXIF and XMP chunks.
    pub fn animated_webp() -> Vec<u8> {
        let mut frame = vec![0, 0, 0, 0, 0, 0, 4, 0, 0, 3, 0, 0, 100, 0, 0, 0];
        webp_chunk(&mut frame, b"VP8L", &[0x2F, 4, 0xC0, 0, 0]);
        webp_chunk(&mut frame, b"PRIV", b"GPS in a frame");
        let mut body = b"WEBP".to_vec();
        webp_chunk(
            &mut body,
            b"VP8X",
            &[0b0000_1010, 0, 0, 0, 4, 0, 0, 3, 0, 0],
        );
        webp_chunk(&mut body, b"ANIM", &[0, 0, 0, 0, 0, 0]);
        webp_chunk(&mut body, b"ANMF", &frame);
        webp_chunk(&mut body, b"EXIF", b"Exif GPS!");
        webp_chunk(&mut body, b"XMP ", b"<x:xmpmeta>GPS</x:xmpmeta>");
        riff(&body)
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;

    /// The default shop's limit, from the policy the worker reads it from.
    fn limit() -> u64 {
        let megapixels = crate::policy::Policy::default().max_photo_megapixels;
        u64::try_from(megapixels).expect("positive") * 1_000_000
    }

    fn clean_default(bytes: &[u8]) -> Result<CleanImage, PhotoError> {
        clean(bytes, limit())
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    fn hex(s: &str) -> Vec<u8> {
        let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
        digits
            .chunks(2)
            .map(|p| u8::from_str_radix(std::str::from_utf8(p).expect("ascii"), 16).expect("hex"))
            .collect()
    }

    /// How a length field is stored.
    #[derive(Debug, Clone, Copy)]
    enum Field {
        Be16,
        Be32,
        Le32,
    }

    impl Field {
        /// Writes `value` (a JPEG's 16-bit field gets the top half: 0xFFFF, 0xFFFF, 0x7FFF).
        fn write(self, bytes: &mut [u8], at: usize, value: u32) {
            let encoded = match self {
                Self::Be16 => ((value >> 16) as u16).to_be_bytes().to_vec(),
                Self::Be32 => value.to_be_bytes().to_vec(),
                Self::Le32 => value.to_le_bytes().to_vec(),
            };
            if let Some(slot) = bytes.get_mut(at..at + encoded.len()) {
                slot.copy_from_slice(&encoded);
            }
        }
    }

    /// Every length field of a well-formed fixture: JPEG segment lengths, PNG chunk lengths, the
    /// RIFF size and WebP chunk sizes.
    fn length_fields(b: &[u8]) -> Vec<(usize, Field)> {
        let mut fields = Vec::new();
        if b.starts_with(&[0xFF, 0xD8]) {
            // Up to the first EOI: what follows it (an MPO's second picture) is cut anyway.
            for i in 0..b.len() - 1 {
                if b[i] == 0xFF && b[i + 1] == 0xD9 {
                    break;
                }
                let is_segment = b[i] == 0xFF
                    && matches!(b[i + 1], 0xC0..=0xCF | 0xDA..=0xDD | 0xE0..=0xEF | 0xFE);
                if is_segment {
                    fields.push((i + 2, Field::Be16));
                }
            }
        } else if b.starts_with(b"\x89PNG") {
            let mut at = 8;
            while at + 8 <= b.len() {
                fields.push((at, Field::Be32));
                let len = u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize;
                at += 12 + len;
            }
        } else {
            fields.push((4, Field::Le32));
            let mut at = 12;
            while at + 8 <= b.len() {
                fields.push((at + 4, Field::Le32));
                let len = u32::from_le_bytes([b[at + 4], b[at + 5], b[at + 6], b[at + 7]]);
                at += 8 + len as usize + (len & 1) as usize;
            }
        }
        fields
    }

    /// Walks a cleaned image independently of the cleaner and fails on anything a decoder does
    /// not need: every segment and chunk is on the format's whitelist, APPn only JFIF, ICC or
    /// Adobe, nothing after the end, no EXIF/XMP flag on a WebP.
    fn assert_only_decoder_parts(image: &CleanImage) {
        let b = &image.bytes;
        match image.kind {
            ImageType::Jpeg => {
                assert!(b.starts_with(&[0xFF, 0xD8]));
                let mut i = 2;
                loop {
                    assert_eq!(b[i], 0xFF, "a marker at {i}");
                    let marker = b[i + 1];
                    if marker == 0xD9 {
                        assert_eq!(i + 2, b.len(), "nothing after EOI");
                        break;
                    }
                    let len = usize::from(u16::from_be_bytes([b[i + 2], b[i + 3]]));
                    let payload = &b[i + 4..i + 2 + len];
                    let allowed = match marker {
                        0xE0 => payload.starts_with(b"JFIF\0"),
                        0xE2 => payload.starts_with(b"ICC_PROFILE\0"),
                        0xEE => payload.starts_with(b"Adobe"),
                        0xDB | 0xC4 | 0xCC | 0xDD | 0xDC | 0xDA => true,
                        m => is_sof(m),
                    };
                    assert!(allowed, "marker {marker:02X} kept");
                    i += 2 + len;
                    if marker == 0xDA {
                        while b[i] != 0xFF || matches!(b[i + 1], 0x00 | 0xD0..=0xD7) {
                            i += 1;
                        }
                    }
                }
            }
            ImageType::Png => {
                let mut at = 8;
                loop {
                    let len = u32::from_be_bytes(b[at..at + 4].try_into().expect("4")) as usize;
                    let kind = &b[at + 4..at + 8];
                    assert!(PNG_KEEP.contains(&kind), "chunk {kind:?} kept");
                    at += 12 + len;
                    if kind == b"IEND" {
                        assert_eq!(at, b.len(), "nothing after IEND");
                        break;
                    }
                }
            }
            ImageType::Webp => {
                assert_eq!(le32(b, 4) as usize + 8, b.len());
                let mut at = 12;
                while at < b.len() {
                    let fourcc = &b[at..at + 4];
                    assert!(
                        matches!(
                            fourcc,
                            b"VP8X" | b"VP8 " | b"VP8L" | b"ALPH" | b"ICCP" | b"ANIM" | b"ANMF"
                        ),
                        "chunk {fourcc:?} kept"
                    );
                    if fourcc == b"VP8X" {
                        assert_eq!(b[at + 8] & 0b1100, 0, "EXIF/XMP flags cleared");
                    }
                    let len = le32(b, at + 4) as usize;
                    at += 8 + len + (len & 1);
                }
            }
        }
    }

    fn le32(b: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes"))
    }

    #[test]
    fn a_jpeg_keeps_its_picture_and_loses_exif_and_comments() {
        let clean = clean_default(&jpeg_with_exif()).expect("valid jpeg");
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
        let clean = clean_default(&png_with_text()).expect("valid png");
        assert_eq!(
            (clean.kind, clean.width, clean.height),
            (ImageType::Png, 3, 2)
        );
        assert!(!contains(&clean.bytes, b"taken at home"));
        assert!(contains(&clean.bytes, b"IDAT"));
    }

    #[test]
    fn a_webp_loses_exif_and_its_flag() {
        let clean = clean_default(&webp_with_exif()).expect("valid webp");
        assert_eq!(
            (clean.kind, clean.width, clean.height),
            (ImageType::Webp, 5, 4)
        );
        assert!(!contains(&clean.bytes, b"GPS!"));
        assert_eq!(clean.bytes[20] & 0b1000, 0);
        assert_eq!(le32(&clean.bytes, 4) as usize + 8, clean.bytes.len());
    }

    #[test]
    fn truncated_images_are_refused() {
        for image in [jpeg_with_exif(), png_with_text(), webp_with_exif()] {
            for cut in [image.len() / 2, image.len() - 1] {
                assert_eq!(
                    clean_default(&image[..cut]),
                    Err(PhotoError::Truncated),
                    "cut at {cut}"
                );
            }
        }
    }

    #[test]
    fn no_prefix_or_single_byte_change_of_an_image_makes_the_parser_panic() {
        for image in valid_images() {
            for cut in 0..image.len() {
                let _ = clean_default(&image[..cut]);
            }
            for at in 0..image.len() {
                for value in [0x00, 0xFF, 0x7F] {
                    let mut changed = image.clone();
                    changed[at] = value;
                    let _ = clean_default(&changed);
                }
            }
        }
    }

    #[test]
    fn scripts_and_documents_are_not_images_whatever_their_name() {
        assert_eq!(
            clean_default(b"#!/bin/sh\nrm -rf /\n"),
            Err(PhotoError::UnsupportedType)
        );
        assert_eq!(
            clean_default(b"<script>alert(1)</script>"),
            Err(PhotoError::UnsupportedType)
        );
        assert_eq!(clean_default(b"%PDF-1.7"), Err(PhotoError::UnsupportedType));
        assert_eq!(
            clean_default(&[0, 0, 0, 24, b'f', b't', b'y', b'p', b'h', b'e', b'i', b'c']),
            Err(PhotoError::Heic)
        );
    }

    #[test]
    fn the_twenty_byte_webp_from_the_probe_is_refused_without_panicking() {
        // RIFF, size 12, WEBP, then a VP8X chunk claiming 0xFFFFFFFF bytes: `20 + len` wrapped
        // on wasm32 and the slice panicked.
        let probe = hex("52494646 0c000000 57454250 56503858 ffffffff");
        assert_eq!(probe.len(), 20);
        assert_eq!(clean_default(&probe), Err(PhotoError::Truncated));
    }

    #[test]
    fn huge_length_fields_are_refused_in_every_format() {
        // JPEG lengths are 16 bits: the same values' top halves (0xFFFF, 0xFFFF, 0x7FFF).
        for image in valid_images() {
            let fields = length_fields(&image);
            assert!(!fields.is_empty());
            for (at, field) in fields {
                for value in [0xFFFF_FFFF, 0xFFFF_FFF8, 0x7FFF_FFFF] {
                    let mut changed = image.clone();
                    field.write(&mut changed, at, value);
                    assert!(
                        clean_default(&changed).is_err(),
                        "{value:#X} at {at} of {:?}",
                        &image[..4]
                    );
                }
            }
        }
    }

    #[test]
    fn sums_that_overflow_32_bits_are_refused_not_wrapped() {
        assert_eq!(add(u32::MAX, 1), Err(PhotoError::Truncated));
        assert_eq!(add(0xFFFF_FFF8, 8), Err(PhotoError::Truncated));
        let input = Input::new(b"abcd").expect("short");
        assert_eq!(input.take(2, u32::MAX), Err(PhotoError::Truncated));
        assert_eq!(input.take(u32::MAX, 1), Err(PhotoError::Truncated));
        assert_eq!(input.range(3, 2), Err(PhotoError::Truncated));
        assert_eq!(input.le16(3), Err(PhotoError::Truncated));
        assert_eq!(input.take(1, 3), Ok(&b"bcd"[..]));
    }

    #[test]
    fn exif_after_the_first_scan_of_a_progressive_jpeg_is_removed() {
        let clean = clean_default(&progressive_jpeg(true)).expect("valid progressive jpeg");
        assert_eq!((clean.width, clean.height), (2, 1));
        assert!(!contains(&clean.bytes, b"GPS"));
        assert!(!contains(&clean.bytes, b"Exif"));
        assert!(!contains(&clean.bytes, b"late comment"));
        // Both scans, their tables, the stuffing and the restart marker are all still there.
        assert_eq!(clean.bytes, progressive_jpeg(false));
    }

    #[test]
    fn an_mpo_keeps_its_first_picture_only_without_gps_exif_or_index() {
        let clean = clean_default(&mpo()).expect("valid mpo");
        for marker in [&b"GPS"[..], b"Exif", b"MPF"] {
            assert!(!contains(&clean.bytes, marker), "{marker:?} left");
        }
        assert_eq!(clean.bytes, baseline_jpeg(2, 1, None));
    }

    #[test]
    fn a_motion_photo_is_accepted_with_the_video_after_the_end_cut() {
        let picture = baseline_jpeg(2, 1, None);
        let mut motion = picture.clone();
        motion.extend_from_slice(b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom\0\0\x10\0mdat");
        motion.extend_from_slice(&[0xFF, 0xD8, 0xFF, 0xE1, 0x12, 0x34, 0xFF, 0x4B]);
        let clean = clean_default(&motion).expect("motion photo accepted");
        assert_eq!(clean.bytes, picture);
    }

    #[test]
    fn a_zip_inside_scan_data_is_refused_and_one_after_the_end_is_cut() {
        let mut hidden = vec![0xFF, 0xD8];
        segment(&mut hidden, 0xC0, &sof(2, 1));
        segment(&mut hidden, 0xDA, &sos(0, 63));
        hidden.push(0x12);
        hidden.extend_from_slice(&zip());
        hidden.extend_from_slice(&[0x34, 0xFF, 0xD9]);
        assert_eq!(clean_default(&hidden), Err(PhotoError::Truncated));

        let picture = baseline_jpeg(2, 1, None);
        let mut appended = picture.clone();
        appended.extend_from_slice(&zip());
        let clean = clean_default(&appended).expect("picture kept");
        assert_eq!(clean.bytes, picture);
        assert!(!contains(&clean.bytes, b"PK\x03\x04"));
    }

    #[test]
    fn markers_that_cannot_appear_where_they_do_are_refused() {
        let picture = baseline_jpeg(2, 1, None);
        let sof_at = picture
            .windows(2)
            .position(|w| w == [0xFF, 0xC0])
            .expect("sof");
        let insert = |bytes: &[u8]| {
            let mut b = picture.clone();
            b.splice(sof_at..sof_at, bytes.iter().copied());
            b
        };
        for stray in [
            &[0xFF, 0x4B, 0, 2][..],         // not a JPEG marker
            &[0xFF, 0xF0, 0, 2],             // JPG0 extension
            &[0xFF, 0xD0],                   // restart outside a scan
            &[0xFF, 0xD8],                   // a second SOI
            &[0xFF, 0xDC, 0, 4, 0, 1],       // DNL before any scan
            &[0xFF, 0xDD, 0, 3, 0],          // DRI of the wrong size
            &[0xFF, 0xDB, 0, 5, 0x45, 0, 0], // an "Exif" payload relabelled as DQT
        ] {
            assert_eq!(
                clean_default(&insert(stray)),
                Err(PhotoError::Truncated),
                "{stray:02X?}"
            );
        }
        // A second frame header.
        let mut two_frames = vec![0xFF, 0xD8];
        segment(&mut two_frames, 0xC0, &sof(2, 1));
        two_frames.extend_from_slice(&picture[2..]);
        assert_eq!(clean_default(&two_frames), Err(PhotoError::Truncated));
        // A scan that runs off the end of the file, and EOI before any scan.
        assert_eq!(
            clean_default(&picture[..picture.len() - 2]),
            Err(PhotoError::Truncated)
        );
        let mut no_scan = vec![0xFF, 0xD8];
        segment(&mut no_scan, 0xC0, &sof(2, 1));
        no_scan.extend_from_slice(&[0xFF, 0xD9]);
        assert_eq!(clean_default(&no_scan), Err(PhotoError::Truncated));
    }

    #[test]
    fn a_jfif_thumbnail_is_dropped_with_the_rest_of_the_header_kept() {
        let mut with_thumbnail = vec![0xFF, 0xD8];
        let mut app0 = JFIF[..12].to_vec();
        app0.extend_from_slice(&[1, 1, 0xAA, 0xBB, 0xCC]);
        segment(&mut with_thumbnail, 0xE0, &app0);
        with_thumbnail.extend_from_slice(&baseline_jpeg(2, 1, None)[20..]);
        let clean = clean_default(&with_thumbnail).expect("valid");
        assert_eq!(clean.bytes, baseline_jpeg(2, 1, None));
    }

    #[test]
    fn pixel_bombs_are_refused_in_every_format() {
        assert_eq!(
            clean_default(&png_sized(30_000, 30_000)),
            Err(PhotoError::TooManyPixels)
        );
        assert_eq!(
            clean_default(&baseline_jpeg(65_535, 65_535, None)),
            Err(PhotoError::TooManyPixels)
        );
        assert_eq!(
            clean_default(&webp_canvas(16_777_216, 16_777_216)),
            Err(PhotoError::TooManyPixels)
        );
        // A simple lossy WebP of 16383 × 16383 (its bitstream's largest size).
        let mut body = b"WEBP".to_vec();
        webp_chunk(
            &mut body,
            b"VP8 ",
            &[0x10, 0, 0, 0x9D, 0x01, 0x2A, 0xFF, 0x3F, 0xFF, 0x3F],
        );
        assert_eq!(clean_default(&riff(&body)), Err(PhotoError::TooManyPixels));
    }

    #[test]
    fn the_pixel_limit_is_inclusive_and_comes_from_the_caller() {
        let limit = limit();
        assert_eq!(limit, 50_000_000);
        assert!(clean(&png_sized(10_000, 5_000), limit).is_ok());
        assert_eq!(
            clean(&png_sized(10_000, 5_001), limit),
            Err(PhotoError::TooManyPixels)
        );
        assert!(clean(&baseline_jpeg(2, 1, None), 2).is_ok());
        assert_eq!(
            clean(&baseline_jpeg(2, 1, None), 1),
            Err(PhotoError::TooManyPixels)
        );
        assert_eq!(clean(&webp_with_exif(), 19), Err(PhotoError::TooManyPixels));
        assert_eq!(clean(&animated_webp(), 19), Err(PhotoError::TooManyPixels));
    }

    #[test]
    fn a_png_keeps_only_what_a_decoder_needs_and_nothing_after_iend() {
        let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
        png_chunk(&mut b, b"IHDR", &[0, 0, 0, 3, 0, 0, 0, 2, 8, 2, 0, 0, 0]);
        png_chunk(&mut b, b"gAMA", &[0, 0, 0xB1, 0x8F]);
        png_chunk(&mut b, b"eXIf", b"MM\0*GPS");
        png_chunk(&mut b, b"prVt", b"GPS private");
        png_chunk(&mut b, b"acTL", &[0, 0, 0, 1, 0, 0, 0, 0]);
        png_chunk(&mut b, b"IDAT", &[1, 2, 3]);
        png_chunk(&mut b, b"iTXt", b"GPS\0\0\0\0\0lat");
        png_chunk(&mut b, b"IEND", &[]);
        b.extend_from_slice(b"PK\x03\x04 appended archive");
        let clean = clean_default(&b).expect("valid png");
        let mut expected = b"\x89PNG\r\n\x1a\n".to_vec();
        png_chunk(
            &mut expected,
            b"IHDR",
            &[0, 0, 0, 3, 0, 0, 0, 2, 8, 2, 0, 0, 0],
        );
        png_chunk(&mut expected, b"gAMA", &[0, 0, 0xB1, 0x8F]);
        png_chunk(&mut expected, b"IDAT", &[1, 2, 3]);
        png_chunk(&mut expected, b"IEND", &[]);
        assert_eq!(clean.bytes, expected);
    }

    #[test]
    fn a_png_must_start_with_a_thirteen_byte_ihdr_and_hold_image_data() {
        let ihdr = [0, 0, 0, 3, 0, 0, 0, 2, 8, 2, 0, 0, 0];
        let build = |chunks: &[(&[u8], &[u8])]| {
            let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
            for (kind, data) in chunks {
                png_chunk(&mut b, kind, data);
            }
            b
        };
        let cases: [&[(&[u8], &[u8])]; 5] = [
            &[
                (b"gAMA", &[0, 0, 0xB1, 0x8F]),
                (b"IHDR", &ihdr),
                (b"IDAT", &[1]),
                (b"IEND", &[]),
            ],
            &[(b"IHDR", &ihdr[..12]), (b"IDAT", &[1]), (b"IEND", &[])],
            &[
                (b"IHDR", &ihdr),
                (b"IHDR", &ihdr),
                (b"IDAT", &[1]),
                (b"IEND", &[]),
            ],
            &[(b"IHDR", &ihdr), (b"IEND", &[])],
            &[
                (b"IHDR", &[0, 0, 0, 3, 0, 0, 0, 2, 3, 2, 0, 0, 0]),
                (b"IDAT", &[1]),
                (b"IEND", &[]),
            ],
        ];
        for chunks in cases {
            assert_eq!(clean_default(&build(chunks)), Err(PhotoError::Truncated));
        }
    }

    #[test]
    fn an_animated_webp_keeps_its_frames_and_loses_metadata_inside_and_out() {
        let clean = clean_default(&animated_webp()).expect("valid animation");
        assert_eq!((clean.width, clean.height), (5, 4));
        for marker in [&b"GPS"[..], b"EXIF", b"XMP", b"PRIV"] {
            assert!(!contains(&clean.bytes, marker), "{marker:?} left");
        }
        assert!(contains(&clean.bytes, b"ANMF"));
        assert_eq!(
            clean.bytes[20], 0b0000_0010,
            "only the animation flag is left"
        );
        assert_only_decoder_parts(&clean);
    }

    #[test]
    fn webp_structure_errors_are_refused() {
        // The RIFF size disagrees with the file.
        let mut wrong_size = webp_with_exif();
        wrong_size[4] += 2;
        assert_eq!(clean_default(&wrong_size), Err(PhotoError::Truncated));
        // An extended file without a bitstream, and one whose first chunk is metadata.
        let mut body = b"WEBP".to_vec();
        webp_chunk(&mut body, b"VP8X", &[0, 0, 0, 0, 4, 0, 0, 3, 0, 0]);
        webp_chunk(&mut body, b"EXIF", b"GPS!");
        assert_eq!(clean_default(&riff(&body)), Err(PhotoError::Truncated));
        let mut body = b"WEBP".to_vec();
        webp_chunk(&mut body, b"EXIF", b"GPS!");
        webp_chunk(&mut body, b"VP8L", &[0x2F, 4, 0xC0, 0, 0]);
        assert_eq!(clean_default(&riff(&body)), Err(PhotoError::Truncated));
        // The animation flag without ANIM.
        let mut body = b"WEBP".to_vec();
        webp_chunk(&mut body, b"VP8X", &[0b10, 0, 0, 0, 4, 0, 0, 3, 0, 0]);
        webp_chunk(&mut body, b"VP8L", &[0x2F, 4, 0xC0, 0, 0]);
        assert_eq!(clean_default(&riff(&body)), Err(PhotoError::Truncated));
    }

    #[test]
    fn cleaning_a_cleaned_image_changes_nothing() {
        for image in valid_images() {
            let once = clean_default(&image).expect("valid fixture");
            assert_eq!(clean_default(&once.bytes), Ok(once.clone()));
            assert_only_decoder_parts(&once);
        }
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        /// One change to a valid file.
        #[derive(Debug, Clone)]
        enum Mutation {
            /// Sets the byte at (position mod length).
            Set(usize, u8),
            /// Inserts a run of bytes.
            Insert(usize, Vec<u8>),
            /// Deletes up to n bytes.
            Delete(usize, usize),
            /// Writes a value into one of the file's length fields (index mod their number).
            Length(usize, u32),
        }

        fn mutation() -> impl Strategy<Value = Mutation> {
            prop_oneof![
                (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Mutation::Set(at, b)),
                (any::<usize>(), prop::collection::vec(any::<u8>(), 1..24))
                    .prop_map(|(at, run)| Mutation::Insert(at, run)),
                (any::<usize>(), 1..24usize).prop_map(|(at, n)| Mutation::Delete(at, n)),
                (
                    any::<usize>(),
                    prop_oneof![
                        Just(0xFFFF_FFFFu32),
                        Just(0xFFFF_FFF8),
                        Just(0x7FFF_FFFF),
                        Just(0x8000_0000),
                        any::<u32>(),
                    ]
                )
                    .prop_map(|(i, v)| Mutation::Length(i, v)),
            ]
        }

        fn mutate(image: &[u8], mutations: &[Mutation]) -> Vec<u8> {
            let fields = length_fields(image);
            let mut b = image.to_vec();
            for m in mutations {
                match m {
                    Mutation::Set(at, value) if !b.is_empty() => {
                        let at = at % b.len();
                        b[at] = *value;
                    }
                    Mutation::Insert(at, run) => {
                        let at = at % (b.len() + 1);
                        b.splice(at..at, run.iter().copied());
                    }
                    Mutation::Delete(at, n) if !b.is_empty() => {
                        let at = at % b.len();
                        let end = (at + n).min(b.len());
                        b.drain(at..end);
                    }
                    Mutation::Length(i, value) if !fields.is_empty() => {
                        let (at, field) = fields[i % fields.len()];
                        field.write(&mut b, at, *value);
                    }
                    _ => {}
                }
            }
            b
        }

        /// What every accepted input must satisfy.
        fn check_accepted(input: &[u8]) -> Result<(), TestCaseError> {
            if let Ok(once) = clean_default(input) {
                prop_assert_eq!(clean_default(&once.bytes), Ok(once.clone()));
                assert_only_decoder_parts(&once);
                prop_assert!(once.bytes.len() <= input.len() + 16);
            }
            Ok(())
        }

        /// Random bytes behind each format's magic (and a matching RIFF size), so the parsers
        /// rather than the sniffing see them.
        fn random_file() -> impl Strategy<Value = Vec<u8>> {
            (0..4usize, prop::collection::vec(any::<u8>(), 0..160)).prop_map(|(magic, tail)| {
                let mut b = match magic {
                    0 => vec![0xFF, 0xD8, 0xFF],
                    1 => b"\x89PNG\r\n\x1a\n".to_vec(),
                    2 => b"RIFF\0\0\0\0WEBP".to_vec(),
                    _ => Vec::new(),
                };
                b.extend_from_slice(&tail);
                if magic == 2 {
                    let size = (b.len() - 8) as u32;
                    b[4..8].copy_from_slice(&size.to_le_bytes());
                }
                b
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 768, ..ProptestConfig::default() })]

            #[test]
            fn random_bytes_never_panic_and_what_is_accepted_is_clean(bytes in random_file()) {
                check_accepted(&bytes)?;
            }

            #[test]
            fn mutated_images_never_panic_and_what_is_accepted_is_clean(
                which in 0..6usize,
                mutations in prop::collection::vec(mutation(), 1..4),
            ) {
                let image = &valid_images()[which];
                check_accepted(&mutate(image, &mutations))?;
            }
        }
    }
}
