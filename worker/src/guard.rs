//! Guessing limits that hold under concurrency and limit the guesser, not the victim.
//!
//! A counter read and written back in KV lets every request of a burst read the same count
//! (forty concurrent lookups were all evaluated against a limit of ten). Each limited target (an
//! order number, an account, a client address) therefore has its own Durable Object, `Guard`,
//! which counts inside `blockConcurrencyWhile`: attempts are counted one at a time, before the
//! guess is evaluated, so a burst gets exactly its budget.
//!
//! Who is limited: a target's budget is split per client (an IPv4 address, or an IPv6 /64: one
//! subscriber's whole prefix is one client) so one guesser spends only its own share and the real
//! buyer or owner elsewhere is not locked out. A target also has a total budget across clients
//! against a guesser with many addresses; once that is spent, only devices that proved themselves
//! on this target before (a random `__Host-device` cookie recorded at a successful sign-in or
//! lookup) still get through. A successful attempt gives its unit back, so only failures add up.
//!
//! The counting rule is the pure [`Counters::attempt`]; the object only stores it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use worker::durable_object;
use worker::{DurableObject, Env, Headers, Method, Request, RequestInit, Response, State};

use crate::error::{AppError, AppResult};

/// The Durable Object namespace binding (wrangler.toml).
pub const GUARD_BINDING: &str = "GUARD";

/// More distinct clients than this in one window is an attack from many addresses: new clients
/// then count against the total only (the map stops growing, so the object's state stays small).
const MAX_TRACKED_CLIENTS: usize = 2_048;
/// Devices remembered per target.
const MAX_KNOWN_DEVICES: usize = 32;

/// One target's budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Budget {
    /// Attempts one client may spend on this target per window.
    pub per_client: u32,
    /// Attempts all unknown devices together may spend per window.
    pub total: u32,
    /// The window, in milliseconds.
    pub window_ms: i64,
}

/// What the worker asks a guard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum GuardCall {
    /// Spend one attempt, or be refused.
    Attempt {
        /// The client (address or /64).
        client: String,
        /// The caller's device cookie, if any.
        device: Option<String>,
        /// The budget.
        budget: Budget,
    },
    /// The attempt succeeded: give its unit back and remember the device.
    Succeeded {
        /// The client.
        client: String,
        /// The device to remember.
        device: String,
        /// How long it stays known, ms.
        keep_ms: i64,
    },
}

/// The guard's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// Evaluate the attempt.
    pub allowed: bool,
    /// When a refused caller may try again, in seconds.
    pub retry_after_s: u32,
}

/// A target's counts in the current window, and its known devices.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters {
    window_start: i64,
    total: u32,
    per_client: BTreeMap<String, u32>,
    /// Device → known until (ms).
    known: BTreeMap<String, i64>,
}

impl Counters {
    fn roll(&mut self, now: i64, window_ms: i64) {
        let window_ms = window_ms.max(1);
        // Only forward: a clock reading older than the window (never expected from the object's
        // own clock) counts in the current window instead of clearing it.
        if now.saturating_sub(self.window_start) >= window_ms {
            self.window_start = now - now.rem_euclid(window_ms);
            self.total = 0;
            self.per_client.clear();
        }
        self.known.retain(|_, until| *until > now);
    }

    /// Spends one attempt of `client` (and, unless its device is known, of the total), or
    /// refuses without spending anything.
    pub fn attempt(
        &mut self,
        now: i64,
        client: &str,
        device: Option<&str>,
        budget: Budget,
    ) -> Verdict {
        self.roll(now, budget.window_ms);
        let retry_after_s = u32::try_from(
            (self.window_start.saturating_add(budget.window_ms) - now).max(0) / 1000 + 1,
        )
        .unwrap_or(u32::MAX);
        let refused = Verdict {
            allowed: false,
            retry_after_s,
        };
        let known = device.is_some_and(|d| self.known.contains_key(d));
        let spent_by_client = self.per_client.get(client).copied().unwrap_or(0);
        if spent_by_client >= budget.per_client {
            return refused;
        }
        if !known && self.total >= budget.total {
            return refused;
        }
        let tracked = self.per_client.contains_key(client);
        if !tracked && self.per_client.len() >= MAX_TRACKED_CLIENTS {
            // Too many clients to tell apart: only the total (or a known device) decides.
            if known {
                return Verdict {
                    allowed: true,
                    retry_after_s: 0,
                };
            }
            self.total += 1;
            return Verdict {
                allowed: true,
                retry_after_s: 0,
            };
        }
        *self.per_client.entry(client.to_string()).or_default() += 1;
        if !known {
            self.total += 1;
        }
        Verdict {
            allowed: true,
            retry_after_s: 0,
        }
    }

    /// A successful attempt: its unit goes back (only failures add up) and the device is known.
    pub fn succeeded(&mut self, now: i64, client: &str, device: &str, keep_ms: i64) {
        let was_known = self.known.contains_key(device);
        if let Some(n) = self.per_client.get_mut(client) {
            *n = n.saturating_sub(1);
        }
        if !was_known {
            self.total = self.total.saturating_sub(1);
        }
        self.known
            .insert(device.to_string(), now.saturating_add(keep_ms));
        while self.known.len() > MAX_KNOWN_DEVICES {
            let oldest = self
                .known
                .iter()
                .min_by_key(|(_, until)| **until)
                .map(|(d, _)| d.clone());
            match oldest {
                Some(d) => self.known.remove(&d),
                None => break,
            };
        }
    }
}

/// The Durable Object holding one target's counters.
#[durable_object(fetch)]
#[derive(Debug)]
pub struct Guard {
    state: State,
}

impl DurableObject for Guard {
    fn new(state: State, _env: Env) -> Self {
        Self { state }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let call: GuardCall = req.json().await?;
        let storage = self.state.storage();
        // The object's own clock, read once the attempt is delivered, not the caller's (a request
        // that started before a window's end and arrives after it must not open a new window).
        let now = worker::Date::now().as_millis() as i64;
        // Read, change and write the counters while no other attempt is delivered.
        let verdict = self
            .state
            .block_concurrency_while(async move {
                let mut counters: Counters = match storage.get::<String>("counters").await? {
                    Some(text) => serde_json::from_str(&text).unwrap_or_default(),
                    None => Counters::default(),
                };
                let verdict = match &call {
                    GuardCall::Attempt {
                        client,
                        device,
                        budget,
                    } => counters.attempt(now, client, device.as_deref(), *budget),
                    GuardCall::Succeeded {
                        client,
                        device,
                        keep_ms,
                    } => {
                        counters.succeeded(now, client, device, *keep_ms);
                        Verdict {
                            allowed: true,
                            retry_after_s: 0,
                        }
                    }
                };
                let text = serde_json::to_string(&counters)
                    .map_err(|e| worker::Error::RustError(e.to_string()))?;
                storage.put("counters", text).await?;
                Ok(verdict)
            })
            .await?;
        Response::from_json(&verdict)
    }
}

async fn call(env: &Env, name: &str, call: &GuardCall) -> AppResult<Verdict> {
    let headers = Headers::new();
    headers.set("Content-Type", "application/json")?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(serde_json::to_string(call)?.into()));
    let request = Request::new_with_init("https://guard.internal/", &init)?;
    let stub = env
        .durable_object(GUARD_BINDING)?
        .id_from_name(name)?
        .get_stub()?;
    let mut response = stub.fetch_with_request(request).await?;
    if response.status_code() != 200 {
        return Err(AppError::Internal(format!(
            "guard {name}: status {}",
            response.status_code()
        )));
    }
    Ok(response.json::<Verdict>().await?)
}

fn guard_name(shop: &str, scope: &str, target: &str) -> String {
    format!("{shop}\u{1f}{scope}\u{1f}{target}")
}

/// Who is attempting: the client (address or /64) and its device cookie, if it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The client key ([`crate::http::client_key`]).
    pub client: String,
    /// The `__Host-device` cookie's value.
    pub device: Option<String>,
}

/// Spends one attempt of `caller` on `target` within `scope`, or answers 429 (nothing is
/// evaluated).
pub async fn attempt(
    env: &Env,
    shop: &str,
    (scope, target): (&str, &str),
    caller: &Caller,
    budget: Budget,
) -> AppResult<()> {
    let verdict = call(
        env,
        &guard_name(shop, scope, target),
        &GuardCall::Attempt {
            client: caller.client.clone(),
            device: caller.device.clone(),
            budget,
        },
    )
    .await?;
    if verdict.allowed {
        Ok(())
    } else {
        Err(AppError::RateLimited(verdict.retry_after_s))
    }
}

/// The attempt on `target` succeeded: its unit goes back and `device` is known there.
pub async fn succeeded(
    env: &Env,
    shop: &str,
    (scope, target): (&str, &str),
    client: &str,
    device: &str,
    keep_ms: i64,
) -> AppResult<()> {
    call(
        env,
        &guard_name(shop, scope, target),
        &GuardCall::Succeeded {
            client: client.to_string(),
            device: device.to_string(),
            keep_ms,
        },
    )
    .await
    .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUDGET: Budget = Budget {
        per_client: 5,
        total: 12,
        window_ms: 60_000,
    };

    fn allowed(c: &mut Counters, now: i64, client: &str, device: Option<&str>) -> bool {
        c.attempt(now, client, device, BUDGET).allowed
    }

    #[test]
    fn one_client_spends_only_its_own_share_of_a_target() {
        let mut c = Counters::default();
        let guesser: Vec<bool> = (0..8)
            .map(|_| allowed(&mut c, 1_000, "1.2.3.4", None))
            .collect();
        assert_eq!(guesser.iter().filter(|a| **a).count(), 5);
        // The real buyer elsewhere is not locked out by the guesser.
        assert!(allowed(&mut c, 1_000, "5.6.7.8", None));
    }

    #[test]
    fn many_clients_spend_the_total_but_a_known_device_still_gets_through() {
        let mut c = Counters::default();
        c.succeeded(0, "owner-ip", "dev-owner", 86_400_000);
        let mut granted = 0;
        for i in 0..40 {
            if allowed(&mut c, 1_000, &format!("10.0.0.{i}"), None) {
                granted += 1;
            }
        }
        assert_eq!(granted, 12);
        assert!(!allowed(&mut c, 1_000, "new-client", None));
        assert!(!allowed(
            &mut c,
            1_000,
            "new-client",
            Some("unknown-device")
        ));
        assert!(allowed(&mut c, 1_000, "owner-ip-2", Some("dev-owner")));
    }

    #[test]
    fn a_success_gives_its_unit_back_and_a_new_window_starts_afresh() {
        let mut c = Counters::default();
        for _ in 0..5 {
            assert!(allowed(&mut c, 1_000, "a", None));
            c.succeeded(1_000, "a", "d", 1_000);
        }
        assert!(allowed(&mut c, 1_000, "a", None));
        for _ in 0..4 {
            assert!(allowed(&mut c, 1_000, "a", None));
        }
        let refused = c.attempt(1_000, "a", None, BUDGET);
        assert!(!refused.allowed);
        assert_eq!(refused.retry_after_s, 60);
        assert!(allowed(&mut c, 60_000, "a", None));
    }

    #[test]
    fn known_devices_expire_and_stay_few() {
        let mut c = Counters::default();
        for i in 0..100 {
            c.succeeded(0, "x", &format!("d{i}"), 1_000 + i);
        }
        assert_eq!(c.known.len(), MAX_KNOWN_DEVICES);
        c.roll(10_000, 60_000);
        assert!(c.known.is_empty());
    }
}
