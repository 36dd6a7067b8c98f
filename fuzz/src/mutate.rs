//! The seeded mutator: a splitmix64 stream and the mutations a hostile client or a broken
//! encoder makes. Byte mutations reach the parsers (JSON, CSV, image headers); value mutations
//! keep JSON well-formed so that the inputs get past the parser to the types and the rules.

/// Which mutations suit an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A JSON body: byte and value mutations.
    Json,
    /// Text that is not JSON (CSV, a query string): byte mutations and hostile tokens.
    Text,
    /// A binary file (a photo): byte mutations and 16/32-bit length fields set to boundaries.
    Binary,
}

/// splitmix64: tiny, fast, and the same stream on every target for one seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A stream from `seed`.
    #[must_use]
    pub const fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0). `n` is a `usize` so that on wasm32 this is the
    /// 32-bit arithmetic the worker's is.
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        // The remainder's bias is irrelevant here; the value fits `usize` as it is below `n`.
        usize::try_from(self.next_u64() % u64::try_from(n).unwrap_or(u64::MAX)).unwrap_or(0)
    }

    /// One of `items` (`items` must not be empty).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// True with probability 1/`n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
}

/// FNV-1a, to derive a target's stream from its name.
#[must_use]
pub fn hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xCBF2_9CE4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01B3)
    })
}

/// Numbers at the edges: of `i64`, `u32`, `i32`, `u64`, `f64` (non-finite spellings JSON does
/// not have, overflow to infinity, underflow), JavaScript's safe integers, fractions, zero.
pub const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "1",
    "-1",
    "0.5",
    "1.5",
    "-1.5",
    "1e2",
    "1E400",
    "1e309",
    "-1e309",
    "1e-400",
    "NaN",
    "Infinity",
    "-Infinity",
    "127",
    "128",
    "255",
    "256",
    "65535",
    "65536",
    "2147483647",
    "2147483648",
    "-2147483648",
    "-2147483649",
    "4294967295",
    "4294967296",
    "4294967295.0",
    "9007199254740991",
    "9007199254740993",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "9.223372036854776e18",
    "-9.223372036854776e18",
    "18446744073709551615",
    "18446744073709551616",
    "1e19",
    "123456789012345678901234567890",
    "0.1e1",
    "00",
    "+1",
    ".5",
    "1.",
    "0x10",
];

/// Fragments that break or stretch JSON, CSV and query strings.
pub const TOKENS: &[&str] = &[
    "\"",
    "\\",
    "\\u0000",
    "\\ud800",
    "\\udc00\\ud800",
    "\\uffff",
    "\\u",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "null",
    "true",
    "false",
    "{}",
    "[]",
    "\"\"",
    "\r\n",
    "\n",
    "\"\"\"",
    "\u{feff}",
    "%",
    "%FF",
    "%00",
    "%C0%80",
    "%E4%B8%AD",
    "&",
    "=",
    "+",
    "中文",
    "😀",
    "\u{202e}",
    "\u{0}",
    ";",
    "'",
    "<script>",
    "=1+1",
    "\t",
    " ",
];

/// Invalid UTF-8: lone continuation bytes, an overlong encoding, a surrogate, truncated
/// sequences, bytes that never occur.
pub const BAD_UTF8: &[&[u8]] = &[
    b"\x80",
    b"\xBF",
    b"\xC0\x80",
    b"\xED\xA0\x80",
    b"\xE4\xB8",
    b"\xF0\x9F\x98",
    b"\xFE",
    b"\xFF",
    b"\xF8\x88\x80\x80\x80",
];

/// String lengths at and around the limits the rules use (ids, names, notes, e-mails, cursors).
const LENGTHS: &[usize] = &[
    0, 1, 6, 11, 32, 33, 63, 64, 65, 80, 81, 100, 101, 128, 129, 200, 201, 254, 255, 256, 500,
    1000, 1024, 1025, 2000, 2001, 4096, 4097, 20_000,
];

/// Values a byte-level length field takes on the edge (see `shared::photos`' module comment).
const FIELDS: &[u32] = &[
    0,
    1,
    2,
    0x7FFF,
    0x8000,
    0xFFFF,
    0x7FFF_FFFF,
    0x8000_0000,
    0xFFFF_FFF8,
    0xFFFF_FFFE,
    0xFFFF_FFFF,
];

/// One mutated input from `seeds`: one to four stacked mutations of a seed.
#[must_use]
pub fn mutate(rng: &mut Rng, seeds: &[Vec<u8>], kind: Kind) -> Vec<u8> {
    let mut input = rng.pick(seeds).clone();
    let rounds = 1 + rng.below(4);
    for _ in 0..rounds {
        input = match kind {
            Kind::Json if rng.one_in(2) => value_mutation(rng, &input).unwrap_or(input),
            _ => byte_mutation(rng, seeds, kind, input),
        };
    }
    input
}

/// A mutation of the bytes, blind to their meaning.
fn byte_mutation(rng: &mut Rng, seeds: &[Vec<u8>], kind: Kind, mut b: Vec<u8>) -> Vec<u8> {
    let len = b.len();
    let at = rng.below(len + 1);
    match rng.below(12) {
        // Flip one bit.
        0 if len > 0 => {
            let i = rng.below(len);
            b[i] ^= 1 << rng.below(8);
        }
        // Set one byte.
        1 if len > 0 => {
            let i = rng.below(len);
            b[i] = u8::try_from(rng.below(256)).unwrap_or(0);
        }
        // Insert random bytes.
        2 => {
            let n = 1 + rng.below(16);
            let run: Vec<u8> = (0..n)
                .map(|_| u8::try_from(rng.below(256)).unwrap_or(0))
                .collect();
            b.splice(at..at, run);
        }
        // Delete a range.
        3 if len > 0 => {
            let from = rng.below(len);
            let to = (from + 1 + rng.below(32)).min(len);
            b.drain(from..to);
        }
        // Duplicate a range somewhere else.
        4 if len > 0 => {
            let from = rng.below(len);
            let to = (from + 1 + rng.below(64)).min(len);
            let chunk = b[from..to].to_vec();
            b.splice(at..at, chunk);
        }
        // Truncate.
        5 => b.truncate(at),
        // Splice: this one's head and another seed's tail.
        6 => {
            let other = rng.pick(seeds);
            let from = rng.below(other.len() + 1);
            b.truncate(at);
            b.extend_from_slice(&other[from..]);
        }
        // Invalid UTF-8.
        7 => {
            let bad = rng.pick(BAD_UTF8);
            b.splice(at..at, bad.iter().copied());
        }
        // A length field on the edge, big- or little-endian, 16 or 32 bits.
        8 if kind == Kind::Binary && len >= 4 => {
            let i = rng.below(len - 3);
            let v = *rng.pick(FIELDS);
            let bytes = match rng.below(3) {
                0 => v.to_be_bytes(),
                1 => v.to_le_bytes(),
                _ => {
                    let [x, y] = u16::try_from(v >> 16).unwrap_or(u16::MAX).to_be_bytes();
                    [x, y, b[i + 2], b[i + 3]]
                }
            };
            b[i..i + 4].copy_from_slice(&bytes);
        }
        // A number on the edge, in place of a number (or anywhere).
        8..=9 => {
            let token = rng.pick(NUMBERS).as_bytes();
            match number_at(&b, rng) {
                Some((from, to)) => drop(b.splice(from..to, token.iter().copied())),
                None => drop(b.splice(at..at, token.iter().copied())),
            }
        }
        // A hostile fragment.
        _ => {
            let token = rng.pick(TOKENS).as_bytes();
            b.splice(at..at, token.iter().copied());
        }
    }
    b
}

/// A run of digits (with sign, point and exponent) in `b`, chosen at random.
fn number_at(b: &[u8], rng: &mut Rng) -> Option<(usize, usize)> {
    let starts: Vec<usize> = (0..b.len())
        .filter(|&i| b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_alphanumeric()))
        .collect();
    if starts.is_empty() {
        return None;
    }
    let from = *rng.pick(&starts);
    let from = if from > 0 && b[from - 1] == b'-' {
        from - 1
    } else {
        from
    };
    let to = (from + 1..=b.len())
        .find(|&i| i == b.len() || !matches!(b[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-'))
        .unwrap_or(b.len());
    Some((from, to))
}

/// The marker a value mutation puts in place of a raw token, then swaps for it in the text
/// (`serde_json::Value` cannot hold `1e309`, `NaN` or a thousand nested arrays).
const MARK: &str = "\u{1}fuzz-mark\u{1}";

/// A mutation of one JSON value, keeping the document well-formed unless the token put in is
/// not JSON (`NaN`). `None` if the input is not JSON (an earlier byte mutation broke it).
fn value_mutation(rng: &mut Rng, input: &[u8]) -> Option<Vec<u8>> {
    use serde_json::Value;
    let mut doc: Value = serde_json::from_slice(input).ok()?;
    let mut count = 0;
    count_nodes(&doc, &mut count);
    let target = rng.below(count);
    let mut raw: Option<String> = None;
    let mut seen = 0;
    edit(
        &mut doc,
        target,
        &mut seen,
        &mut |node: &mut Value, rng_choice: usize| {
            match rng_choice % 9 {
                // A number on the edge (raw, so `1e309` and `NaN` stay as written).
                0 | 1 => {
                    *node = Value::String(MARK.into());
                    raw = Some(NUMBERS[rng_choice / 9 % NUMBERS.len()].into());
                }
                // A string of a length on the edge, in ASCII or in multi-byte characters.
                2 | 3 => {
                    let n = LENGTHS[rng_choice / 9 % LENGTHS.len()];
                    let unit = ["a", "中", "😀", "é", "\u{0}", " "][rng_choice / 7 % 6];
                    *node = Value::String(unit.repeat(n));
                }
                // Deep nesting, around serde_json's limit of 128.
                4 => {
                    let depth = [2, 64, 127, 128, 129, 1000][rng_choice / 9 % 6];
                    *node = Value::String(MARK.into());
                    let open = if rng_choice.is_multiple_of(2) {
                        "["
                    } else {
                        "{\"a\":"
                    };
                    let close = if rng_choice.is_multiple_of(2) {
                        "]"
                    } else {
                        "}"
                    };
                    raw = Some(format!("{}1{}", open.repeat(depth), close.repeat(depth)));
                }
                // Another type.
                5 => {
                    *node = [
                        Value::Null,
                        Value::Bool(true),
                        Value::Array(vec![]),
                        Value::Object(serde_json::Map::new()),
                        Value::String(String::new()),
                        Value::from(-1),
                    ][rng_choice / 9 % 6]
                        .clone();
                }
                // An unknown field, or a field removed.
                6 => {
                    if let Value::Object(fields) = node {
                        if rng_choice.is_multiple_of(2) || fields.is_empty() {
                            fields.insert("unknown_field".into(), Value::from(1));
                        } else {
                            let key = fields.keys().nth(rng_choice / 9 % fields.len()).cloned();
                            if let Some(key) = key {
                                fields.remove(&key);
                            }
                        }
                    } else {
                        *node = Value::Array(vec![node.clone()]);
                    }
                }
                // An array repeated many times over (a thousand lines, ids, replies).
                7 => {
                    if let Value::Array(items) = node
                        && let Some(first) = items.first().cloned()
                    {
                        let n = [2, 100, 1000][rng_choice / 9 % 3];
                        items.extend(std::iter::repeat_n(first, n));
                    } else {
                        *node = Value::Array(vec![node.clone(), node.clone()]);
                    }
                }
                // A hostile string.
                _ => {
                    *node = Value::String(
                        [
                            "",
                            " ",
                            "\u{0}",
                            "\u{feff}x",
                            "\u{202e}abc",
                            "a:b",
                            "../../etc",
                            "=HYPERLINK(\"x\")",
                            "https://",
                            "http://127.0.0.1/",
                            "https://push.example.com/\u{0}",
                            "AAAA",
                            "----",
                            "____",
                            "+/+/",
                            "not an e-mail",
                            "a@b",
                            "@",
                            "SO-1001 ",
                            "ＳＯ－１００１",
                        ][rng_choice / 9 % 20]
                            .into(),
                    );
                }
            }
        },
        rng,
    );
    let text = doc.to_string();
    let mark = serde_json::to_string(MARK).ok()?;
    Some(match raw {
        Some(raw) => text.replacen(&mark, &raw, 1).into_bytes(),
        None => text.into_bytes(),
    })
}

fn count_nodes(v: &serde_json::Value, n: &mut usize) {
    *n += 1;
    match v {
        serde_json::Value::Array(items) => items.iter().for_each(|i| count_nodes(i, n)),
        serde_json::Value::Object(fields) => fields.values().for_each(|i| count_nodes(i, n)),
        _ => {}
    }
}

/// Applies `change` to the `target`-th node in document order.
fn edit(
    v: &mut serde_json::Value,
    target: usize,
    seen: &mut usize,
    change: &mut dyn FnMut(&mut serde_json::Value, usize),
    rng: &mut Rng,
) -> bool {
    if *seen == target {
        let choice = rng.below(1 << 20);
        change(v, choice);
        return true;
    }
    *seen += 1;
    match v {
        serde_json::Value::Array(items) => {
            items.iter_mut().any(|i| edit(i, target, seen, change, rng))
        }
        serde_json::Value::Object(fields) => fields
            .values_mut()
            .any(|i| edit(i, target, seen, change, rng)),
        _ => false,
    }
}
