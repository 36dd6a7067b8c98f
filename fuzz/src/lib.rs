//! Hostile input at scale. Every request body and query string the API decodes, and every photo
//! it is sent, is driven through the exact decode-then-validate functions the worker calls
//! ([`targets`]), with inputs made by mutating valid examples ([`mutate`]): bytes flipped,
//! inserted, deleted, duplicated, truncated and spliced, JSON values swapped for huge, negative,
//! fractional or non-finite numbers, deep nesting, long and odd strings, invalid UTF-8.
//! Every case must end in an acceptance or a stable refusal (a code from the API's list, or a
//! field problem with a code and both messages), the same one when decoded twice, and never in a
//! panic.
//!
//! # Why here, and why not proptest
//!
//! The worker runs as wasm32, where `usize` has 32 bits and a panic aborts the isolate: a test
//! run natively on 64 bits once missed an overflow panic. So these run on wasm32 too, in Node
//! under `wasm-bindgen-test-runner` (scripts/test.sh). proptest cannot serve there: wasm32's
//! panics abort rather than unwind, so it could neither catch a failing case nor shrink it, and
//! its runner seeds itself from the system's randomness. A seeded splitmix64 ([`Rng`]) makes every
//! run repeatable instead, and a panic hook ([`report_current`]) prints the input that panicked
//! before the abort.
//!
//! # Run length
//!
//! `FUZZ_CASES` (cases per target; [`DEFAULT_CASES`] when unset) and `FUZZ_SEED` are read when
//! the crate is compiled (`option_env!`): wasm32 has no environment at run time.

pub mod mutate;
pub mod targets;

use std::cell::RefCell;

pub use mutate::Rng;

/// Cases per target in the short mode (the test command's): 12 to 30 s of tests on wasm32 on
/// the shared two-core machine, see docs/RELIABILITY.md.
pub const DEFAULT_CASES: u32 = 1_500;

/// The seed of the short mode.
pub const DEFAULT_SEED: u64 = 0x5EED_AF7E_5A1E_5001;

/// Cases per target: `FUZZ_CASES` at compile time, else [`DEFAULT_CASES`].
#[must_use]
pub fn cases() -> u32 {
    option_env!("FUZZ_CASES")
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

/// The run's seed: `FUZZ_SEED` (decimal) at compile time, else [`DEFAULT_SEED`].
#[must_use]
pub fn seed() -> u64 {
    option_env!("FUZZ_SEED")
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(DEFAULT_SEED)
}

/// How one decoded input ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Decoded and valid: the worker would go on to act on it.
    Accepted,
    /// Refused with these stable codes (one for an API error, one per field problem).
    Refused(Vec<String>),
}

/// Tallies of one target's run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Cases run.
    pub cases: u32,
    /// Cases accepted.
    pub accepted: u32,
    /// Cases refused (each with a stable code).
    pub refused: u32,
}

thread_local! {
    /// The case being decoded, for the panic hook: on wasm32 a panic aborts, so the input must be
    /// printed before the unwinding that never comes.
    static CURRENT: RefCell<Option<(&'static str, u32, Vec<u8>)>> = const { RefCell::new(None) };
}

/// What the panic hook prints: the target, the case and its input (escaped), if a case is
/// running.
#[must_use]
pub fn report_current() -> Option<String> {
    CURRENT.with(|c| {
        c.borrow().as_ref().map(|(name, case, input)| {
            format!(
                "fuzz: {name}, case {case} of seed {}: input ({} bytes) = b\"{}\"",
                seed(),
                input.len(),
                input.escape_ascii()
            )
        })
    })
}

/// Runs `cases` mutated inputs through `target`, starting from its seeds, and checks each
/// outcome. Panics (the test's failure) on a refusal without a stable code or an outcome that
/// changes when the same input is decoded again; a panic inside the decoder is reported by the
/// hook with [`report_current`].
///
/// # Panics
/// On a broken property, naming the input.
#[must_use]
pub fn fuzz(target: &targets::Target, seed: u64, cases: u32) -> Tally {
    let seeds = (target.seeds)();
    let mut tally = Tally::default();
    // One stream per target, so adding a target never changes another's inputs.
    let mut rng = Rng::new(seed ^ mutate::hash(target.name.as_bytes()));
    // The seeds themselves first: they must be accepted (a stale seed would test nothing).
    for (i, input) in seeds.iter().enumerate() {
        let outcome = check(target, u32::MAX, input);
        assert_eq!(
            outcome,
            Outcome::Accepted,
            "{}: seed {i} is refused: {}",
            target.name,
            String::from_utf8_lossy(input)
        );
    }
    for case in 0..cases {
        let input = mutate::mutate(&mut rng, &seeds, target.kind);
        // Larger than the worker reads: refused (413) before any decoding.
        if input.len() > target.limit {
            tally.cases += 1;
            tally.refused += 1;
            continue;
        }
        match check(target, case, &input) {
            Outcome::Accepted => tally.accepted += 1,
            Outcome::Refused(_) => tally.refused += 1,
        }
        tally.cases += 1;
    }
    CURRENT.with(|c| c.borrow_mut().take());
    tally
}

/// Decodes `input` twice and checks the outcome is stable and well-formed.
fn check(target: &targets::Target, case: u32, input: &[u8]) -> Outcome {
    CURRENT.with(|c| *c.borrow_mut() = Some((target.name, case, input.to_vec())));
    let first = (target.run)(input);
    let again = (target.run)(input);
    let shown = || format!("b\"{}\"", input.escape_ascii());
    assert_eq!(
        first,
        again,
        "{}: case {case} decodes differently twice: {}",
        target.name,
        shown()
    );
    if let Outcome::Refused(codes) = &first {
        assert!(
            !codes.is_empty() && codes.iter().all(|c| is_stable_code(c)),
            "{}: case {case} refused without a stable code {codes:?}: {}",
            target.name,
            shown()
        );
    }
    first
}

/// A code a client can branch on: lower-case ASCII words joined by `_`.
#[must_use]
pub fn is_stable_code(code: &str) -> bool {
    !code.is_empty()
        && code.starts_with(|c: char| c.is_ascii_lowercase())
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests;
