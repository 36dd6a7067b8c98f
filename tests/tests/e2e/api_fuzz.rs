//! A standard OpenAPI fuzzer (schemathesis, installed by `scripts/setup.sh --browser` from
//! PyPI with every package pinned) run with all its checks against a `wrangler dev` of its own,
//! as each kind of caller: anonymous, a buyer, staff (the owner, who may call everything) and the
//! shop system. It must find no server error and no disagreement between the document and the
//! API: statuses the document does not list, bodies its schemas do not describe, schema-valid
//! requests refused as malformed, undeclared methods served, authentication ignored.
//!
//! Bounded: a fixed seed and ten examples per operation and phase (a few thousand requests, a
//! few minutes). Its own server, because the fuzzer replaces the policy and the canned replies
//! with whatever it generates and signs its session out.

use std::process::Command;

use serde_json::json;
use tests::{Api, TEST_API_KEY, Wrangler, repo_root};

use crate::helpers::login;
use crate::support::now;

const OWNER: (&str, &str) = ("owner@fuzz.shop", "fuzz-owner-password");

/// Runs the fuzzer over the operations whose path matches `paths`, with `headers`; fails the
/// test with the fuzzer's report unless every check passed.
fn fuzz(base: &str, name: &str, paths: &str, headers: &[String]) {
    let root = repo_root();
    let mut command = Command::new(root.join(".cache/schemathesis/bin/st"));
    command
        .arg("--config-file")
        .arg(root.join("tests/schemathesis.toml"))
        .args(["run", &format!("{base}/api/openapi.json"), "--url", base])
        .args([
            "--checks",
            "all",
            "--max-examples",
            "10",
            "--seed",
            "20261201",
        ])
        .args([
            "--workers",
            "1",
            "--no-shrink",
            "--output-truncate",
            "false",
        ])
        .args(["--include-path-regex", paths])
        .env("NO_COLOR", "1");
    for header in headers {
        command.args(["--header", header]);
    }
    let output = match command.output() {
        Ok(o) => o,
        Err(e) => panic!("cannot run schemathesis (scripts/setup.sh --browser installs it): {e}"),
    };
    let report = String::from_utf8_lossy(&output.stdout);
    let log = root.join(format!("test-artifacts/schemathesis-{name}.log"));
    let _ = std::fs::write(&log, report.as_bytes());
    assert!(
        output.status.success(),
        "schemathesis as {name} found problems (full report: {}):\n{}\n{}",
        log.display(),
        report
            .lines()
            .rev()
            .take(120)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n"),
        String::from_utf8_lossy(&output.stderr)
    );
    // It ran: a report with a summary of generated cases, not an early exit.
    assert!(
        report.contains("generated"),
        "schemathesis as {name} printed no summary:\n{report}"
    );
}

#[test]
fn an_openapi_fuzzer_finds_no_server_error_and_no_disagreement_with_the_document() {
    let server = match Wrangler::start_fresh("fuzz") {
        Ok(s) => s,
        Err(e) => panic!("could not start wrangler dev: {e}"),
    };
    let base = server.base.clone();
    let shop = Api::new(&base).with_bearer(TEST_API_KEY);
    let orders = tests::fixtures::demo_orders(now());
    assert_eq!(shop.post("/api/shop/orders", &orders).status, 200);
    let boot = json!({"email": OWNER.0, "name": "Owner", "role": "owner", "password": OWNER.1});
    assert_eq!(shop.post("/api/shop/bootstrap", &boot).status, 201);
    // A case to find, so that the fuzzer's calls reach past "not found".
    let order = &orders[0];
    let lookup = Api::new(&base).post(
        "/api/lookup",
        &json!({"order_number": order.number, "contact": order.buyer.email}),
    );
    assert_eq!(lookup.status, 200);
    let token = lookup.json()["token"]
        .as_str()
        .unwrap_or_default()
        .to_string();

    fuzz(&base, "anonymous", "^/api/", &[]);
    fuzz(
        &base,
        "buyer",
        "^/api/(buyer|lookup|photos)",
        &[format!("Authorization: Bearer {token}")],
    );
    fuzz(
        &base,
        "shop-system",
        "^/api/shop/",
        &[format!("Authorization: Bearer {TEST_API_KEY}")],
    );
    // Staff last: the fuzzer signs its session out along the way.
    let owner = login(&base, OWNER.0, OWNER.1);
    let cookie = owner.cookie.clone().unwrap_or_default();
    let csrf = owner.csrf.clone().unwrap_or_default();
    fuzz(
        &base,
        "staff",
        "^/api/(staff|photos)",
        &[format!("Cookie: {cookie}"), format!("X-CSRF-Token: {csrf}")],
    );
    server.stop();
}
