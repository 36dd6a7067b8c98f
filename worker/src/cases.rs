//! The case service: the steps every handler shares, in the order the issue names them:
//! load, decide (in `shared`), store (append to the log, then the read models), respond.

use shared::api::{ApiErrorCode, CaseSummary, CaseView};
use shared::domain::{Actor, Case, CaseState, Command, EventKind, Order, Outcome, Timestamp};
use shared::i18n::Localized;
use shared::policy::{self, BuyerStanding, Context, Policy};

use futures_util::future::try_join;

use crate::error::{AppError, AppResult};
use crate::store::{Commit, LoadedCase, QueueIndex, Store, keys};
use crate::{hooks, shop};

/// Everything one request works with.
#[derive(Debug)]
pub struct Scope<'a> {
    /// The namespace.
    pub store: &'a Store,
    /// The shop's policy.
    pub policy: &'a Policy,
    /// The request's clock.
    pub now: Timestamp,
}

/// Every case of an order, read in full: quantities, earlier refunds and warranty history need
/// their lines and events (an order rarely has more than a few cases).
pub async fn order_cases(store: &Store, order: &str) -> AppResult<Vec<Case>> {
    order_cases_around(store, order, None).await
}

/// [`order_cases`] when one of them is already loaded (`known`): it is taken as it is instead of
/// being read a second time.
async fn order_cases_around(
    store: &Store,
    order: &str,
    known: Option<&Case>,
) -> AppResult<Vec<Case>> {
    let refs = store
        .list_all_meta::<serde_json::Value>(&keys::order_cases_prefix(&store.shop, order))
        .await?;
    let mut ids: Vec<String> = refs
        .iter()
        .filter_map(|(key, _)| key.rsplit(':').next().map(str::to_string))
        .collect();
    // Inside the desk, its own record of the order's cases and their versions is the truth:
    // nothing it committed is missed or read stale.
    if let Some(desk) = &store.desk {
        for id in crate::desk::order_cases(desk).await? {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    let mut cases = Vec::with_capacity(ids.len().max(1));
    if let Some(case) = known {
        cases.push(case.clone());
    }
    for id in ids.iter().filter(|id| known.is_none_or(|c| &c.id != *id)) {
        if let Some(loaded) = store.load_fresh(id).await? {
            cases.push(loaded.case);
        }
    }
    cases.sort_by_key(|c| c.filed_at);
    Ok(cases)
}

/// A hash of the buyer's contact: the key of their history, never the contact itself.
pub async fn contact_hash(order: &Order) -> AppResult<String> {
    let contact = order
        .buyer
        .email
        .as_deref()
        .map(str::to_ascii_lowercase)
        .or_else(|| order.buyer.phone.as_deref().map(normalize_phone))
        .unwrap_or_else(|| format!("order:{}", order.number));
    Ok(crate::crypto::hex(&crate::crypto::sha256(contact.as_bytes()).await?)[..32].to_string())
}

/// Digits only, so "+86 138-0013-8001" and "13800138001" match.
pub fn normalize_phone(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    digits
        .strip_prefix("86")
        .filter(|d| d.len() == 11)
        .map(str::to_string)
        .unwrap_or(digits)
}

/// The buyer's standing with the shop, from their history's summaries (one list).
pub async fn standing(
    store: &Store,
    order: &Order,
    except_case: Option<&str>,
) -> AppResult<(BuyerStanding, Vec<CaseSummary>)> {
    let hash = contact_hash(order).await?;
    let items = store
        .list_all_meta::<CaseSummary>(&keys::buyer_cases_prefix(&store.shop, &hash))
        .await?;
    let mut history: Vec<CaseSummary> = items
        .into_iter()
        .filter_map(|(_, meta)| meta)
        .filter(|s| Some(s.id.as_str()) != except_case)
        .collect();
    history.sort_by_key(|s| std::cmp::Reverse(s.filed_at));
    let standing = BuyerStanding {
        past_cases: history.len() as u32,
        rejected_for_abuse: history
            .iter()
            .filter(|s| s.priority_reasons.iter().any(|r| r == "rejected_for_abuse"))
            .count() as u32,
    };
    Ok((standing, history))
}

/// The one-line summary the indexes keep. `ctx` is the case's world (its order's other cases and
/// the buyer's standing): what the queue shows of the money at stake and of the risk needs it.
pub fn summarize(case: &Case, ctx: &policy::Context<'_>) -> CaseSummary {
    let (policy, now) = (ctx.policy, ctx.now);
    let state = case.state();
    let deadline = policy::current_deadline(case, policy);
    let priority = policy::priority(case, policy, now);
    // A case about the whole order (a question, a review) names no line: its first words
    // (the review's, the buyer's question) say what it is about.
    let first_title = case
        .request
        .lines
        .first()
        .and_then(|l| case.order.line(&l.sku))
        .map_or_else(
            || shorten(&case.request.note, 40),
            |l| shorten(&l.title, 40),
        );
    let assignee = case.last_staff().map(str::to_string);
    let rating = case.events.iter().find_map(|e| match &e.kind {
        EventKind::Rated { stars, .. } => Some(*stars),
        _ => None,
    });
    let mut reasons: Vec<String> = priority
        .reasons
        .iter()
        .map(|r| r.code().to_string())
        .collect();
    if case.events.iter().any(
        |e| matches!(&e.kind, EventKind::Rejected { reason_code, .. } if reason_code.is_abuse()),
    ) {
        reasons.push("rejected_for_abuse".into());
    }
    let refunded = case.refunded_total();
    CaseSummary {
        id: case.id.clone(),
        order: case.order.number.clone(),
        kind: case.request.kind,
        reason: case.request.reason,
        state: state.name(),
        waiting_for: deadline.as_ref().map(|d| d.waiting_for),
        due: deadline.as_ref().map(|d| d.due),
        filed_at: case.filed_at,
        closed: state.is_closed(),
        priority_class: priority.class as u8,
        priority_reasons: reasons,
        title: first_title,
        buyer: shorten(&case.order.buyer.name, 24),
        refunded: (refunded.0 > 0).then_some(refunded),
        rating,
        assignee,
        on_expiry: deadline.as_ref().map(|d| d.on_expiry),
        amount: policy::case_refund(case, ctx).map(|r| r.total),
        currency: case.order.currency.clone(),
        low_risk: !state.is_closed() && policy::is_low_risk(case, ctx),
        version: 0,
        buyer_lang: case.request.lang,
        expiry_on_record: deadline
            .as_ref()
            .is_some_and(|d| policy::expiry_on_record(case, d)),
    }
}

fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max_chars - 1).collect();
        s.push('…');
        s
    }
}

/// The queue key's sort part: priority class, then the nearest deadline, so that listing the
/// prefix in key order is the queue in priority order. Closed cases leave the queue.
pub fn queue_sort_key(summary: &CaseSummary, urgent: bool) -> Option<String> {
    if summary.closed {
        return None;
    }
    let due = summary
        .due
        .map_or(9_999_999_999_999, |d| d.0.clamp(0, 9_999_999_999_999));
    Some(format!(
        "{}:{due:013}:{}",
        summary.priority_class,
        u8::from(!urgent)
    ))
}

/// Every index entry a case has now: while it is open, one in the queue and one in each filter
/// index (its kind, its state, its assignee); open or closed, one per tracking number of its
/// parcels (the buyer's return, the shop's shipments), so a search by tracking number finds it.
pub fn index_keys(shop: &str, case: &Case, summary: &CaseSummary) -> Vec<String> {
    let mut out: Vec<String> = queue_sort_key(summary, case.request.urgent)
        .map(|sort| {
            QueueIndex::of(summary)
                .iter()
                .map(|index| keys::queue_index(index, shop, &sort, &case.id))
                .collect()
        })
        .unwrap_or_default();
    for number in case.events.iter().filter_map(|e| match &e.kind {
        EventKind::ReturnShipped { tracking, .. } | EventKind::ItemShipped { tracking, .. } => {
            normalize_tracking(tracking)
        }
        _ => None,
    }) {
        let key = keys::tracking(shop, &number, &case.id);
        if !out.contains(&key) {
            out.push(key);
        }
    }
    out
}

/// A tracking number as it is indexed and searched: without spaces, upper case, so that
/// "sf 1234 5678" finds "SF12345678". `None` for one too long to be a real tracking number
/// (carriers' run to about 30 characters; a KV key holds at most 512 bytes): such text is
/// kept on the case but not indexed.
pub fn normalize_tracking(number: &str) -> Option<String> {
    let normalized: String = number
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect();
    (!normalized.is_empty() && normalized.len() <= MAX_TRACKING_BYTES).then_some(normalized)
}

/// The longest tracking number indexed, in bytes.
pub const MAX_TRACKING_BYTES: usize = 100;

/// Builds what the caller sees of a case.
pub fn view(
    loaded: &LoadedCase,
    actor: &Actor,
    ctx: &Context,
    staff_history: Vec<CaseSummary>,
) -> CaseView {
    let case = &loaded.case;
    let state = case.state();
    let approved_return = matches!(
        state,
        CaseState::AwaitingReturn { .. } | CaseState::ReturnInTransit { .. }
    );
    let is_staff = matches!(actor, Actor::Staff { .. });
    CaseView {
        case: crate::visibility::case_for(actor, case.clone()),
        state: state.name(),
        deadline: policy::current_deadline(case, ctx.policy),
        actions: policy::available_actions(case, actor, ctx),
        refund: policy::case_refund(case, ctx),
        return_shipping_payer: policy::case_return_shipping_payer(case, ctx.policy),
        return_postage: policy::case_postage_terms(case, ctx.policy),
        return_address: (approved_return && !ctx.policy.return_address.trim().is_empty())
            .then(|| ctx.policy.return_address.clone()),
        refund_arrives_in_working_days: matches!(
            state,
            CaseState::Closed {
                outcome: Outcome::Refunded,
                ..
            }
        )
        .then_some([
            ctx.policy.refund_arrival_days_from,
            ctx.policy.refund_arrival_days_to,
        ]),
        priority: is_staff.then(|| policy::priority(case, ctx.policy, ctx.now)),
        buyer_history: staff_history,
        server_time: ctx.now,
        utc_offset_minutes: ctx.policy.utc_offset_minutes,
        version: loaded.version,
        // The buyer's page shows it when it changes; staff read the history itself.
        news: matches!(actor, Actor::Buyer)
            .then(|| {
                shared::api::notify::CaseNews::of(
                    case,
                    &policy::notify::Setting::of(case, ctx.policy),
                )
            })
            .flatten(),
    }
}

/// Runs one command on a stored case: decide against the current state, append the events,
/// refresh the read models, notify. Returns the case after the command.
///
/// A deadline that has passed resolves the case before anyone acts on it, whether or not the cron
/// got there first (DOMAIN.md "Time limits"): an agent cannot reject at hour 40 a request the
/// policy approved at hour 36, nor a buyer enter tracking after the shipping window closed. The
/// expiry is its own commit, as the system; the command is then judged on the resolved state.
pub async fn run_command(
    scope: &Scope<'_>,
    mut loaded: LoadedCase,
    command: &Command,
    actor: &Actor,
) -> AppResult<(LoadedCase, World, Vec<CaseSummary>)> {
    // Read once for every step (the expiry, the command, the read models, the answer): the
    // order's other cases and the buyer's history do not change when this case does (the rules
    // and the history skip this case by id).
    let (world, history) = read_context(scope.store, &loaded.case, Reader::Staff).await?;
    if !matches!(command, Command::Expire { .. })
        && let Some(expiry) = policy::due_timeout(&loaded.case, scope.policy, scope.now)
    {
        loaded = decide_and_store(scope, &world, loaded, &expiry, &Actor::System).await?;
    }
    let loaded = decide_and_store(scope, &world, loaded, command, actor).await?;
    Ok((loaded, world, history))
}

/// Decides one command and stores its events (no deadline resolution first).
async fn decide_and_store(
    scope: &Scope<'_>,
    world: &World,
    mut loaded: LoadedCase,
    command: &Command,
    actor: &Actor,
) -> AppResult<LoadedCase> {
    let events = policy::decide(
        &loaded.case,
        command,
        actor,
        &world.context(scope.policy, scope.now),
    )?;
    if events.is_empty() {
        // Nothing changes (e.g. a stale expiry): nothing to write.
        return Ok(loaded);
    }
    let key = scope
        .store
        .append(
            &loaded.case.id,
            loaded.version,
            &Commit::Events {
                events: events.clone(),
            },
        )
        .await?;
    policy::apply(&mut loaded.case, events.clone());
    loaded.version += 1;
    loaded.last_commit = key;
    scope.store.committed(&loaded).await?;
    reindex(scope, &mut loaded, world).await?;
    hooks::enqueue(scope.store, &loaded.case, &events, scope.now).await?;
    let from = loaded.case.events.len().saturating_sub(events.len());
    crate::notify::enqueue(scope.store, scope.policy, &loaded.case, from, scope.now).await?;
    crate::alert::enqueue(scope.store, scope.policy, &loaded.case, from, scope.now).await?;
    Ok(loaded)
}

/// Rewrites the snapshot and the index entries of a case, whose world (its order's other cases,
/// the buyer's standing) the caller has read.
pub async fn reindex(scope: &Scope<'_>, loaded: &mut LoadedCase, world: &World) -> AppResult<()> {
    let summary = CaseSummary {
        version: loaded.version,
        ..summarize(&loaded.case, &world.context(scope.policy, scope.now))
    };
    let index = index_keys(&scope.store.shop, &loaded.case, &summary);
    scope.store.index(loaded, &summary, index).await?;
    let hash = contact_hash(&loaded.case.order).await?;
    scope
        .store
        .put_meta(
            &keys::buyer_case(&scope.store.shop, &hash, &loaded.case.id),
            &summary,
        )
        .await?;
    scope
        .store
        .put_meta(
            &keys::order_case(
                &scope.store.shop,
                &loaded.case.order.number,
                &loaded.case.id,
            ),
            &summary,
        )
        .await?;
    crate::tally::record(
        scope.store,
        crate::tally::FactRecord {
            case_id: loaded.case.id.clone(),
            version: loaded.version,
            facts: shared::analytics::CaseFacts::of(&loaded.case, scope.policy),
        },
    )
    .await
}

/// [`reindex`] for a case whose world is not at hand (a rebuild, a settings change): reads it.
pub async fn reindex_alone(scope: &Scope<'_>, loaded: &mut LoadedCase) -> AppResult<()> {
    let (world, _) = read_context(scope.store, &loaded.case, Reader::Staff).await?;
    reindex(scope, loaded, &world).await
}

/// Files a new case (its first commit) under `id` and indexes it. Two filings racing for one id
/// (a double tap) append the same first sequence number; the loser gets `Conflict`.
pub async fn file(
    scope: &Scope<'_>,
    id: String,
    order: &Order,
    request: shared::domain::CaseRequest,
) -> AppResult<(LoadedCase, World)> {
    file_with(scope, order, |ctx| {
        policy::file_case(id, order, request, ctx)
    })
    .await
}

/// Opens a case `open` makes from the order's world (a buyer's filing, the shop's review
/// follow-up), and writes it and its read models as [`file`] does.
pub async fn file_with(
    scope: &Scope<'_>,
    order: &Order,
    open: impl FnOnce(&policy::Context<'_>) -> Result<shared::domain::Case, policy::PolicyError>,
) -> AppResult<(LoadedCase, World)> {
    let (order_cases, (standing, _)) = try_join(
        order_cases(scope.store, &order.number),
        standing(scope.store, order, None),
    )
    .await?;
    let mut world = World {
        order_cases,
        standing,
    };
    let case = open(&world.context(scope.policy, scope.now))?;
    let id = case.id.clone();
    let key = scope
        .store
        .append(
            &id,
            0,
            &Commit::Filed {
                case: Box::new(case.clone()),
            },
        )
        .await?;
    let mut loaded = LoadedCase {
        case,
        version: 1,
        last_commit: key,
        index_keys: Vec::new(),
    };
    scope.store.committed(&loaded).await?;
    // The new case is one of its order's cases from now on (the answer's rules count it).
    world.order_cases.push(loaded.case.clone());
    reindex(scope, &mut loaded, &world).await?;
    let filed_events = loaded.case.events.clone();
    hooks::enqueue(scope.store, &loaded.case, &filed_events, scope.now).await?;
    Ok((loaded, world))
}

/// A filing's case id, derived from the order and the filing's idempotency key: a retry or a
/// double tap names the same case, so at most one can be created. `AS-<yyyymmdd>-<12 base32>`
/// (60 bits of the key's hash; access is checked anyway, the id is not a secret).
pub async fn case_id_for(
    shop: &str,
    order: &str,
    idempotency_key: &str,
    now: Timestamp,
) -> AppResult<String> {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHJKMNPQRSTVWXYZ0123456789";
    let digest =
        crate::crypto::sha256(format!("{shop}|{order}|{idempotency_key}").as_bytes()).await?;
    let tail: String = digest
        .iter()
        .take(12)
        .map(|b| ALPHABET[(b & 31) as usize] as char)
        .collect();
    let date = policy::time::LocalDate::of(now, 0);
    Ok(format!(
        "AS-{:04}{:02}{:02}-{tail}",
        date.year, date.month, date.day
    ))
}

/// Loads a case that the caller may see: a buyer only their order's cases, staff their shop's.
pub async fn load_visible(
    store: &Store,
    id: &str,
    buyer_order: Option<&str>,
) -> AppResult<LoadedCase> {
    if id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(ApiErrorCode::NotFound.into());
    }
    let loaded = store
        .load_fresh(id)
        .await?
        .ok_or(AppError::Api(ApiErrorCode::NotFound))?;
    if loaded.case.order.shop_id != store.shop {
        return Err(ApiErrorCode::NotFound.into());
    }
    if let Some(order) = buyer_order {
        // Another order's case is "not found", not "forbidden": its existence is not the buyer's
        // business.
        if loaded.case.order.number != order {
            return Err(ApiErrorCode::NotFound.into());
        }
    }
    Ok(loaded)
}

/// What a case's rules need besides the case: the order's cases (for quantities, refund caps and
/// whether a reopened case's units are still free) and the buyer's standing.
#[derive(Debug, Clone, Default)]
pub struct World {
    /// Every case of the order (the case itself too; the rules skip it by id).
    pub order_cases: Vec<Case>,
    /// The buyer's standing with the shop.
    pub standing: BuyerStanding,
}

impl World {
    /// The policy's context over this world.
    pub fn context<'a>(&'a self, policy: &'a Policy, now: Timestamp) -> Context<'a> {
        Context {
            policy,
            now,
            other_cases: &self.order_cases,
            buyer: self.standing,
        }
    }
}

/// Who a case is read for: staff see the buyer's history and the risk it makes; the buyer's own
/// view never shows either, so their read skips the history's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// The buyer (the portal): no history, no standing.
    Buyer,
    /// Staff, a command, anything that decides: the whole world.
    Staff,
}

/// What reading a case needs besides the case: the order's cases (the case itself as loaded,
/// never read twice) and, for staff, the buyer's standing and history. A view is computed with
/// the same context a command is decided with, so a page never offers an action (a Reopen whose
/// units another case has since taken) that the server would then refuse. The buyer's standing
/// only decides a fast refund (at filing and when the return ships: both run as `Staff`), never
/// which actions the buyer sees, so the buyer's read leaves it at its default.
pub async fn read_context(
    store: &Store,
    case: &Case,
    reader: Reader,
) -> AppResult<(World, Vec<CaseSummary>)> {
    let siblings = order_cases_around(store, &case.order.number, Some(case));
    let (order_cases, (standing, history)) = match reader {
        Reader::Staff => try_join(siblings, standing(store, &case.order, Some(&case.id))).await?,
        Reader::Buyer => (siblings.await?, (BuyerStanding::default(), Vec::new())),
    };
    Ok((
        World {
            order_cases,
            standing,
        },
        history,
    ))
}

/// Loads the shop's policy (defaults when the shop never saved one).
pub async fn policy_of(store: &Store) -> AppResult<Policy> {
    shop::policy(store).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_numbers_are_indexed_without_spaces_in_upper_case() {
        assert_eq!(
            normalize_tracking(" sf 1234 5678\t"),
            Some("SF12345678".into())
        );
        assert_eq!(normalize_tracking("yt-9"), Some("YT-9".into()));
        assert_eq!(normalize_tracking("   "), None);
        assert_eq!(
            normalize_tracking(&"9".repeat(MAX_TRACKING_BYTES)).map(|n| n.len()),
            Some(MAX_TRACKING_BYTES)
        );
        assert_eq!(
            normalize_tracking(&"9".repeat(MAX_TRACKING_BYTES + 1)),
            None
        );
    }
}
