//! The runs: one test per target, natively (`cargo test --workspace`) and on wasm32 in Node
//! (`scripts/test.sh`), with the short mode's seed and count unless `FUZZ_CASES`/`FUZZ_SEED` were
//! set at compile time.

use std::collections::BTreeSet;
use std::sync::Once;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use crate::targets::{self, ROUTES, Reads, Target};
use crate::{cases, fuzz, report_current, seed};

/// Prints the input being decoded when a panic happens, then lets the previous hook report the
/// panic: on wasm32 the panic aborts, so this is the only chance to name the input.
fn install_panic_report() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if let Some(report) = report_current() {
                say(&report);
            }
            previous(info);
        }));
    });
}

#[cfg(target_arch = "wasm32")]
fn say(line: &str) {
    wasm_bindgen_test::console_log!("{line}");
}

#[cfg(not(target_arch = "wasm32"))]
fn say(line: &str) {
    eprintln!("{line}");
}

fn run(target: &Target) {
    install_panic_report();
    let n = cases();
    let tally = fuzz(target, seed(), n);
    say(&format!(
        "fuzz {}: {} cases, {} accepted, {} refused (seed {})",
        target.name,
        tally.cases,
        tally.accepted,
        tally.refused,
        seed()
    ));
    assert_eq!(tally.cases, n);
    // Mutations that never got past the parser would test only the parser: some must be
    // accepted (the value mutations keep documents well-formed).
    assert!(tally.accepted > 0, "{}: {tally:?}", target.name);
}

#[test]
fn every_route_of_the_table_says_what_it_reads() {
    let table: BTreeSet<(&str, &str)> = shared::api::routes::TABLE.iter().copied().collect();
    let listed: Vec<(&str, &str)> = ROUTES.iter().map(|(m, p, _)| (*m, *p)).collect();
    let listed_set: BTreeSet<(&str, &str)> = listed.iter().copied().collect();
    assert_eq!(listed.len(), listed_set.len(), "a route is listed twice");
    assert_eq!(
        table, listed_set,
        "fuzz/src/targets.rs ROUTES must name every route of routes::TABLE with what it reads"
    );
    // A route that reads a body must say how: the methods that carry one name a target unless
    // they are listed as reading nothing for a reason.
    for (method, path, reads) in ROUTES {
        if let Reads::Nothing(why) = reads {
            assert!(!why.is_empty(), "{method} {path}: no reason given");
        }
    }
}

macro_rules! fuzz_tests {
    ($($name:ident => $target:expr),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                run(&$target);
            }
        )*

        #[test]
        fn every_target_has_a_test() {
            let tested: BTreeSet<&str> = [$($target.name),*].into_iter().collect();
            let all: BTreeSet<&str> = targets::all().iter().map(|t| t.name).collect();
            assert_eq!(tested, all);
        }
    };
}

fuzz_tests! {
    lookup => targets::LOOKUP,
    lookup_link => targets::LOOKUP_LINK,
    restore_begin => targets::RESTORE_BEGIN,
    restore_records => targets::RESTORE_RECORDS,
    restore_rebuild => targets::RESTORE_REBUILD,
    restore_finish => targets::RESTORE_FINISH,
    buyer_preview => targets::BUYER_PREVIEW,
    buyer_file => targets::BUYER_FILE,
    photo => targets::PHOTO,
    buyer_command => targets::BUYER_COMMAND,
    push_subscribe => targets::PUSH_SUBSCRIBE,
    push_remove => targets::PUSH_REMOVE,
    login => targets::LOGIN,
    queue_query => targets::QUEUE_QUERY,
    search_query => targets::SEARCH_QUERY,
    staff_command => targets::STAFF_COMMAND,
    canned => targets::CANNED,
    policy_save => targets::POLICY_SAVE,
    policy_preview => targets::POLICY_PREVIEW,
    changes_query => targets::CHANGES_QUERY,
    new_staff => targets::NEW_STAFF,
    account_change => targets::ACCOUNT_CHANGE,
    invite => targets::INVITE,
    accept_invite => targets::ACCEPT_INVITE,
    report_query => targets::REPORT_QUERY,
    rebuild_query => targets::REBUILD_QUERY,
    batch => targets::BATCH,
    import_json => targets::IMPORT_JSON,
    import_csv => targets::IMPORT_CSV,
    start_link => targets::START_LINK,
    tracking => targets::TRACKING,
    review => targets::REVIEW,
    buyer_helped => targets::BUYER_HELPED,
}

/// The harness catches what it is for: a decoder that panics on some input fails the run, and
/// the report names that input. (Natively: wasm32 cannot catch a panic.)
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn a_decoder_that_panics_fails_the_run_and_the_input_is_named() {
    use crate::Outcome;
    use crate::mutate::Kind;
    static FRAGILE: Target = Target {
        name: "fragile",
        kind: Kind::Json,
        limit: 1 << 16,
        seeds: || vec![br#"{"n":1}"#.to_vec()],
        // Indexes by a number from the input, as a parser that trusts a length field does.
        run: |input| {
            let value: serde_json::Value = match serde_json::from_slice(input) {
                Ok(v) => v,
                Err(_) => return Outcome::Refused(vec!["malformed_json".into()]),
            };
            let table = [0u8; 4];
            let n = value["n"].as_u64().unwrap_or(0);
            let _ = table[usize::try_from(n).unwrap_or(usize::MAX)];
            Outcome::Accepted
        },
    };
    let caught = std::panic::catch_unwind(|| fuzz(&FRAGILE, 7, 2_000));
    assert!(caught.is_err(), "the out-of-bounds index was never hit");
    let report = report_current().unwrap_or_default();
    assert!(
        report.contains("fragile") && report.contains("input"),
        "{report}"
    );
    let tally: crate::Tally = fuzz(&targets::LOGIN, 7, 10);
    assert_eq!(tally.cases, 10);
}

/// Inputs the long runs found, kept as regressions: each must end in a stable outcome.
#[test]
fn inputs_the_long_runs_found_end_in_a_stable_outcome() {
    install_panic_report();
    // Three lines of one SKU whose quantities add up past `u32::MAX`: refused as a duplicate
    // line, but the preview's refund summed them as `u32` and panicked with overflow checks
    // (wasm32, 30,000-case run; the release builds wrapped to 1 unit instead).
    let wrapping = br#"{"intact_confirmed":true,"kind":"return_and_refund","lines":[{"quantity":1,"sku":"S1"},{"quantity":4294967295,"sku":"S1"},{"quantity":1,"sku":"S1"}],"note":"Too small","photos":[],"reason":"size_or_fit"}"#;
    for target in [&targets::BUYER_PREVIEW, &targets::BUYER_FILE] {
        assert_eq!(
            (target.run)(wrapping),
            crate::Outcome::Refused(vec!["duplicate_line".into()]),
            "{}",
            target.name
        );
    }
}
