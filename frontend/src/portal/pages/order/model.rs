//! The order page as data (crux's shape, STYLE.md 11): the [`Model`] is all the page's state,
//! [`Model::update`] applies one [`Msg`] and answers the [`Effect`]s to perform, and the
//! functions below derive what the view shows. Nothing here touches the browser, so the tests
//! drive the page natively.
//!
//! Nothing here decides what is allowed either: every rule is asked of `shared::policy` (the
//! preview is the same function the worker runs when the request is filed; which lines, kinds
//! and reasons are open is the API's eligibility; when the "intact" tick and the courier's proof
//! are asked for are the policy's [`needs_intact_confirmation`] and [`needs_carrier_proof`]).

use std::rc::Rc;

use shared::api::BuyerOrderView;
use shared::domain::{CaseKind, CaseRequest, Reason, Timestamp, TrackingEvent};
use shared::policy::{
    Context, IntactRule, LineTips, ParcelStanding, Payer, PolicyError, Preview, Refusal,
    needs_carrier_proof, needs_intact_confirmation, parcel_standing, preview, units_held,
};
use shared::{Lang, Localized};

use crate::core::Page;
use crate::portal::api::ApiError;
use crate::portal::form::{Draft, KindOption, Missing, kind_options, reason_options};
use crate::portal::i18n::Texts;
use crate::portal::pages::encode;

/// The lookup page that brings the buyer back to `path` once they proved the order is theirs.
#[must_use]
pub fn relookup_path(number: &str, path: &str) -> String {
    format!("/?order={}&next={}", encode(number), encode(path))
}

/// The link to a case, carrying its order so the right token is found later.
#[must_use]
pub fn case_path(case_id: &str, number: &str) -> String {
    format!("/case/{}?order={}", encode(case_id), encode(number))
}

/// The order as last read. Shared, never copied: a clone of the whole order would be compiled
/// in.
#[derive(Debug)]
pub struct Loaded {
    /// What the API answered.
    pub view: BuyerOrderView,
    /// Server clock minus ours, in ms: the preview runs on the server's clock.
    pub skew: i64,
    /// The buyer's token for this order (photo uploads and the filing).
    pub token: String,
}

/// The order page.
#[derive(Debug)]
pub struct Model {
    /// The order number (from the path).
    pub number: String,
    /// The order as read.
    pub order: Option<Rc<Loaded>>,
    /// The last read failed.
    pub load_error: Option<ApiError>,
    /// The number of the latest read asked for: an answer to an older one is dropped.
    pub reads: u32,
    /// The new request as the buyer fills it in.
    pub draft: Draft,
    /// The request is being filed.
    pub filing: bool,
    /// Send was tapped while this many photos had failed to upload: the page asks whether to
    /// send without them rather than filing a request whose proof silently went missing.
    pub asking_without_failed: Option<usize>,
    /// Why the last filing failed.
    pub file_error: Option<ApiError>,
    /// The last request filed with its idempotency key: the same body goes with the same key,
    /// so a double tap or a retry after a lost answer files once.
    key: Option<(CaseRequest, String)>,
    /// What the buyer answered to the shop's tips ("did this solve it?"), if anything yet.
    pub tips_answer: Option<TipsAnswer>,
    /// Why sending "solved" failed.
    pub tips_error: Option<ApiError>,
}

/// The buyer's answer to the shop's tips.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TipsAnswer {
    /// "No, continue my request": the tips fold away.
    Continue,
    /// "Yes, solved", being counted.
    Sending,
    /// "Yes, solved", counted: a thank-you, and no request.
    Solved,
}

/// What happens on the order page.
#[derive(Debug)]
pub enum Msg {
    /// A read answered: the order with the token that read it, and our clock around it.
    Loaded {
        /// Which read.
        read: u32,
        /// The answer (boxed: an order is large beside the other messages).
        answer: Result<(Box<BuyerOrderView>, String), ApiError>,
        /// Our clock when it was sent.
        sent_at: i64,
        /// Our clock when it answered.
        received_at: i64,
    },
    /// Read it again (the retry button).
    Reload,
    /// Units of a line (0: not included).
    Quantity(String, u32),
    /// What the buyer needs.
    Kind(CaseKind),
    /// Why.
    Reason(Reason),
    /// Their own words.
    Note(String),
    /// "The goods are complete and intact".
    Intact(bool),
    /// "The courier's record shows the parcel lost".
    CarrierLoss(bool),
    /// "It is urgent".
    Urgent(bool),
    /// Send the request.
    Submit {
        /// The photos uploaded so far.
        photos: Vec<String>,
        /// A photo is still being prepared or uploaded.
        uploading: bool,
        /// How many photos failed to upload (they would not go with the request).
        failed: usize,
        /// The buyer answered "send without them".
        without_failed: bool,
        /// Our clock.
        now: i64,
        /// A fresh idempotency key, used if the request is not the one filed last.
        new_key: String,
    },
    /// "Go back" from the question about photos that failed.
    KeepEditing,
    /// Ask the shop a question about the whole order (where is my parcel, a complaint about
    /// the service): filed at once, no items picked.
    Ask {
        /// [`CaseKind::ParcelQuestion`] or [`CaseKind::Complaint`].
        kind: CaseKind,
        /// The buyer's words.
        note: String,
        /// A fresh idempotency key, used if the question is not the one filed last.
        new_key: String,
    },
    /// The parcel stalled: fill the form with "never arrived" on every unit still claimable,
    /// for a reship or a refund.
    ClaimStalled(CaseKind),
    /// The filing answered with the new case's id.
    Filed(Result<String, ApiError>),
    /// "Yes, solved" on the shop's tips.
    TipsSolved,
    /// "No, continue my request".
    TipsContinue,
    /// "Solved" was counted (or not).
    Helped(Result<(), ApiError>),
}

/// What the order page asks the browser to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// `GET /api/buyer/order` with the order's token; answer with [`Msg::Loaded`].
    Load {
        /// Whose token.
        number: String,
        /// Which read.
        read: u32,
    },
    /// `POST /api/buyer/cases`; answer with [`Msg::Filed`].
    File {
        /// The request.
        request: CaseRequest,
        /// Its idempotency key.
        key: String,
        /// The buyer's token.
        token: String,
    },
    /// Remember which order the case belongs to.
    SaveCaseOrder {
        /// The case.
        id: String,
        /// Its order.
        number: String,
    },
    /// `POST /api/buyer/helped` for each line; answer with [`Msg::Helped`].
    Helped {
        /// The lines the tips shown were for.
        skus: Vec<String>,
        /// The buyer's token.
        token: String,
    },
    /// Drop the order's token: the API refused it.
    ForgetToken(String),
    /// Go to `path`.
    Navigate {
        /// Where.
        path: String,
        /// In place of the current history entry.
        replace: bool,
    },
}

/// What the page draws.
#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    /// The order (the number of the read that brought it).
    Order(u32),
    /// The read failed.
    Failed(ApiError),
    /// Reading it, or on the way to the lookup.
    Loading,
}

/// One line of the order as the picker shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineChoice {
    /// The line.
    pub sku: String,
    /// Its title.
    pub title: String,
    /// Units bought.
    pub bought: u32,
    /// Units a new request may still claim (the policy's eligibility).
    pub remaining: u32,
    /// Units the buyer's other requests already hold or had refunded.
    pub held: u32,
}

impl LineChoice {
    /// "1 bought · 1 already in another request · 2 available".
    #[must_use]
    pub fn summary(&self, lang: Lang) -> String {
        let zh = lang == Lang::ZhCn;
        let (bought, held, remaining) = (self.bought, self.held, self.remaining);
        let mut parts = vec![if zh {
            format!("购买 {bought} 件")
        } else {
            format!("{bought} bought")
        }];
        if held > 0 {
            parts.push(if zh {
                format!("{held} 件已在其他售后中")
            } else {
                format!("{held} already in another request")
            });
        }
        if remaining > 0 {
            parts.push(if zh {
                format!("可申请 {remaining} 件")
            } else {
                format!("{remaining} available")
            });
        }
        parts.join(" · ")
    }
}

/// The parcel panel: the courier's record, newest scans first, and what it allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParcelView {
    /// The courier, once the shop's system sent its record.
    pub carrier: Option<String>,
    /// The tracking number.
    pub number: Option<String>,
    /// At most five scans, newest first.
    pub scans: Vec<TrackingEvent>,
    /// Moving or stalled.
    pub standing: ParcelStanding,
    /// "Never arrived" opens a reship (stalled, and units left).
    pub may_reship: bool,
    /// "Never arrived" opens a refund.
    pub may_refund: bool,
}

/// What the preview says of the request so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict<'a> {
    /// Not complete yet: this hint says what to do next.
    Missing(&'static str),
    /// It would be filed.
    Allowed,
    /// It would be refused, for this reason.
    Refused(&'a PolicyError),
}

impl Model {
    /// The page of order `number`.
    #[must_use]
    pub fn new(number: String) -> Self {
        Self {
            number,
            order: None,
            load_error: None,
            reads: 0,
            draft: Draft::default(),
            filing: false,
            asking_without_failed: None,
            file_error: None,
            key: None,
            tips_answer: None,
            tips_error: None,
        }
    }

    /// The effects to start with: the first read.
    pub fn start(&mut self) -> Vec<Effect> {
        vec![self.read()]
    }

    fn read(&mut self) -> Effect {
        self.reads = self.reads.wrapping_add(1);
        Effect::Load {
            number: self.number.clone(),
            read: self.reads,
        }
    }

    /// What the page draws.
    #[must_use]
    pub fn screen(&self) -> Screen {
        match (&self.order, &self.load_error) {
            (_, Some(e)) => Screen::Failed(e.clone()),
            (Some(_), None) => Screen::Order(self.reads),
            (None, None) => Screen::Loading,
        }
    }

    fn view(&self) -> Option<&BuyerOrderView> {
        self.order.as_ref().map(|o| &o.view)
    }

    /// The lines as the picker shows them, in the order's order.
    #[must_use]
    pub fn lines(&self) -> Vec<LineChoice> {
        let Some(v) = self.view() else {
            return Vec::new();
        };
        v.order
            .lines
            .iter()
            .map(|line| LineChoice {
                sku: line.sku.clone(),
                title: line.title.clone(),
                bought: line.quantity,
                remaining: remaining(v, &line.sku),
                held: units_held(&v.cases, &line.sku),
            })
            .collect()
    }

    /// The SKUs picked so far.
    #[must_use]
    pub fn chosen(&self) -> Vec<String> {
        self.draft
            .quantities
            .iter()
            .filter(|(_, q)| *q > 0)
            .map(|(s, _)| s.clone())
            .collect()
    }

    /// Every kind, open or closed (with the policy's reason) for the lines picked.
    #[must_use]
    pub fn kinds(&self) -> Vec<KindOption> {
        self.view()
            .map(|v| kind_options(&v.eligibility, &self.chosen()))
            .unwrap_or_default()
    }

    /// Every reason, with whether it opens the kind picked on the lines picked.
    #[must_use]
    pub fn reasons(&self) -> Vec<(Reason, bool)> {
        self.view()
            .map(|v| reason_options(&v.eligibility, &self.chosen(), self.draft.kind))
            .unwrap_or_default()
    }

    /// The shop's tips to show first: for a quality fault, those of the lines picked (of every
    /// line with tips while none is picked), until the buyer answers "continue".
    #[must_use]
    pub fn tips(&self) -> Vec<LineTips> {
        let Some(v) = self.view() else {
            return Vec::new();
        };
        if self.draft.reason != Some(Reason::QualityFault)
            || self.tips_answer == Some(TipsAnswer::Continue)
        {
            return Vec::new();
        }
        let chosen = self.chosen();
        v.tips
            .iter()
            .filter_map(|group| {
                let skus: Vec<String> = group
                    .skus
                    .iter()
                    .filter(|s| chosen.is_empty() || chosen.contains(s))
                    .cloned()
                    .collect();
                (!skus.is_empty()).then(|| LineTips {
                    skus,
                    tips: group.tips.clone(),
                })
            })
            .collect()
    }

    fn tips_solved(&mut self) -> Vec<Effect> {
        if matches!(
            self.tips_answer,
            Some(TipsAnswer::Sending | TipsAnswer::Solved)
        ) {
            return Vec::new();
        }
        let skus: Vec<String> = self.tips().into_iter().flat_map(|g| g.skus).collect();
        let Some(token) = self.order.as_ref().map(|o| o.token.clone()) else {
            return Vec::new();
        };
        if skus.is_empty() {
            return Vec::new();
        }
        self.tips_answer = Some(TipsAnswer::Sending);
        self.tips_error = None;
        vec![Effect::Helped { skus, token }]
    }

    /// The "complete and intact" tick is asked for (the policy's rule for what is picked).
    #[must_use]
    pub fn asks_intact(&self) -> bool {
        matches!((self.draft.kind, self.draft.reason), (Some(k), Some(r)) if needs_intact_confirmation(k, r))
    }

    /// What "intact" means for the first line picked (its category's rule).
    #[must_use]
    pub fn intact_rule(&self) -> IntactRule {
        let Some(v) = self.view() else {
            return IntactRule::default();
        };
        let category = self
            .chosen()
            .first()
            .and_then(|s| v.order.line(s))
            .map(|l| l.category.clone())
            .unwrap_or_default();
        v.policy.intact_rule_for(&category)
    }

    /// "The courier's record shows the parcel lost" is asked for (the policy's rule), judged at
    /// our clock `now` on the server's time.
    #[must_use]
    pub fn asks_carrier_proof(&self, now: i64) -> bool {
        match (self.order.as_ref(), self.draft.reason) {
            (Some(l), Some(reason)) => needs_carrier_proof(
                &l.view.order,
                reason,
                &l.view.policy,
                Timestamp(now + l.skew),
            ),
            _ => false,
        }
    }

    /// The request as it stands with the photos uploaded, or what is missing first.
    ///
    /// # Errors
    /// What the buyer must still pick.
    pub fn request(&self, photos: Vec<String>) -> Result<CaseRequest, Missing> {
        let Some(v) = self.view() else {
            return Err(Missing::Items);
        };
        self.draft
            .to_request(v.order.lines.iter().map(|l| l.sku.as_str()), photos)
    }

    /// The policy's preview of filing `request` at our clock `now` (run on the server's clock).
    #[must_use]
    pub fn preview(&self, request: &CaseRequest, now: i64) -> Option<Preview> {
        let loaded = self.order.as_ref()?;
        let v = &loaded.view;
        let ctx = Context {
            policy: &v.policy,
            now: Timestamp(now + loaded.skew),
            other_cases: &v.cases,
            buyer: v.standing,
        };
        Some(preview(&v.order, request, &ctx))
    }

    fn submit(
        &mut self,
        photos: Vec<String>,
        uploading: bool,
        now: i64,
        new_key: String,
    ) -> Vec<Effect> {
        if self.filing || uploading {
            return Vec::new();
        }
        let Ok(request) = self.request(photos) else {
            return Vec::new();
        };
        if !allowed(self.preview(&request, now).as_ref()) {
            return Vec::new();
        }
        let Some(token) = self.order.as_ref().map(|o| o.token.clone()) else {
            return Vec::new();
        };
        let key = match &self.key {
            Some((filed, key)) if *filed == request => key.clone(),
            _ => {
                self.key = Some((request.clone(), new_key.clone()));
                new_key
            }
        };
        self.filing = true;
        vec![Effect::File {
            request,
            key,
            token,
        }]
    }

    fn ask(&mut self, kind: CaseKind, note: String, new_key: String) -> Vec<Effect> {
        let Some(reason) = kind.question_reason() else {
            return Vec::new();
        };
        if self.filing {
            return Vec::new();
        }
        let Some(token) = self.order.as_ref().map(|o| o.token.clone()) else {
            return Vec::new();
        };
        let request = CaseRequest {
            kind,
            reason,
            lines: Vec::new(),
            note: note.trim().to_string(),
            photos: Vec::new(),
            intact_confirmed: false,
            urgent: false,
            carrier_confirms_loss: false,
            lang: None,
            review: None,
        };
        let key = match &self.key {
            Some((filed, key)) if *filed == request => key.clone(),
            _ => {
                self.key = Some((request.clone(), new_key.clone()));
                new_key
            }
        };
        self.filing = true;
        self.file_error = None;
        vec![Effect::File {
            request,
            key,
            token,
        }]
    }

    /// The parcel on its way, as the page shows it: the courier's record and where it stands
    /// at our clock `now` on the server's time. `None` before it ships and once signed for.
    #[must_use]
    pub fn parcel(&self, now: i64) -> Option<ParcelView> {
        let loaded = self.order.as_ref()?;
        let v = &loaded.view;
        let standing = parcel_standing(&v.order, &v.policy, Timestamp(now + loaded.skew));
        if !matches!(
            standing,
            ParcelStanding::Moving { .. } | ParcelStanding::Stalled { .. }
        ) {
            return None;
        }
        let mut scans = v
            .order
            .tracking
            .as_ref()
            .map(|t| t.events.clone())
            .unwrap_or_default();
        scans.reverse();
        scans.truncate(5);
        let open = |kind: CaseKind| {
            v.eligibility.iter().any(|line| {
                line.remaining_quantity > 0
                    && line
                        .allowed
                        .iter()
                        .any(|k| k.kind == kind && k.reasons_allowed.contains(&Reason::NotReceived))
            })
        };
        Some(ParcelView {
            carrier: v.order.tracking.as_ref().map(|t| t.carrier.clone()),
            number: v.order.tracking.as_ref().map(|t| t.number.clone()),
            scans,
            standing,
            may_reship: open(CaseKind::Reship),
            may_refund: open(CaseKind::RefundOnly),
        })
    }

    fn to_lookup(&self, replace: bool) -> Vec<Effect> {
        let here = format!("/order/{}", encode(&self.number));
        vec![
            Effect::ForgetToken(self.number.clone()),
            Effect::Navigate {
                path: relookup_path(&self.number, &here),
                replace,
            },
        ]
    }
}

/// Units of `sku` a new request may claim, as the policy's eligibility says.
fn remaining(v: &BuyerOrderView, sku: &str) -> u32 {
    v.eligibility
        .iter()
        .find(|e| e.sku == sku)
        .map_or(0, |e| e.remaining_quantity)
}

impl Page for Model {
    type Msg = Msg;
    type Effect = Effect;

    fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Loaded { read, .. } if read != self.reads => {}
            Msg::Loaded {
                answer,
                sent_at,
                received_at,
                ..
            } => match answer {
                Ok((view, token)) => {
                    let skew = view.server_time.0 - (sent_at + received_at) / 2;
                    self.load_error = None;
                    self.order = Some(Rc::new(Loaded {
                        view: *view,
                        skew,
                        token,
                    }));
                }
                // A missing or expired token: back to the lookup, then straight back here.
                Err(e) if e.needs_lookup() => return self.to_lookup(true),
                Err(e) => self.load_error = Some(e),
            },
            Msg::Reload => return vec![self.read()],
            Msg::Quantity(sku, quantity) => {
                let max = self.view().map_or(0, |v| remaining(v, &sku));
                self.draft.set_quantity(&sku, quantity, max);
            }
            Msg::Kind(kind) => self.draft.kind = Some(kind),
            Msg::Reason(reason) => self.draft.reason = Some(reason),
            Msg::Note(note) => self.draft.note = note,
            Msg::Intact(on) => self.draft.intact_confirmed = on,
            Msg::CarrierLoss(on) => self.draft.carrier_confirms_loss = on,
            Msg::Urgent(on) => self.draft.urgent = on,
            Msg::Submit {
                photos,
                uploading,
                failed,
                without_failed,
                now,
                new_key,
            } => {
                if failed > 0 && !without_failed && !uploading {
                    self.asking_without_failed = Some(failed);
                    return Vec::new();
                }
                self.asking_without_failed = None;
                return self.submit(photos, uploading, now, new_key);
            }
            Msg::KeepEditing => self.asking_without_failed = None,
            Msg::Ask {
                kind,
                note,
                new_key,
            } => return self.ask(kind, note, new_key),
            Msg::ClaimStalled(kind) => {
                let lines = self.lines();
                for line in lines {
                    self.draft
                        .set_quantity(&line.sku, line.remaining, line.remaining);
                }
                self.draft.kind = Some(kind);
                self.draft.reason = Some(Reason::NotReceived);
            }
            Msg::TipsSolved => return self.tips_solved(),
            Msg::TipsContinue => self.tips_answer = Some(TipsAnswer::Continue),
            Msg::Helped(answer) => match answer {
                Ok(()) => self.tips_answer = Some(TipsAnswer::Solved),
                Err(e) if e.needs_lookup() => return self.to_lookup(false),
                Err(e) => {
                    self.tips_answer = None;
                    self.tips_error = Some(e);
                }
            },
            Msg::Filed(answer) => {
                self.filing = false;
                match answer {
                    Ok(id) => {
                        return vec![
                            Effect::SaveCaseOrder {
                                id: id.clone(),
                                number: self.number.clone(),
                            },
                            Effect::Navigate {
                                path: case_path(&id, &self.number),
                                replace: false,
                            },
                        ];
                    }
                    Err(e) if e.needs_lookup() => return self.to_lookup(false),
                    Err(e) => self.file_error = Some(e),
                }
            }
        }
        Vec::new()
    }
}

/// A refusal that only waits for the "item intact" tick: shown as a step still to do, not as a
/// refusal.
#[must_use]
pub fn waits_for_tick(e: &PolicyError) -> bool {
    matches!(
        e,
        PolicyError::Ineligible {
            refusal: Refusal::IntactNotConfirmed { .. },
            ..
        }
    )
}

/// What the preview says: what to pick next, or the policy's verdict.
#[must_use]
pub fn verdict<'a>(
    t: &Texts,
    request: &Result<CaseRequest, Missing>,
    preview: Option<&'a Preview>,
) -> Verdict<'a> {
    match request {
        Err(Missing::Items) => Verdict::Missing(t.preview_pick),
        Err(Missing::Kind) => Verdict::Missing(t.choose_kind),
        Err(Missing::Reason) => Verdict::Missing(t.choose_reason),
        Ok(_) => match preview.map(|p| &p.refusal) {
            None => Verdict::Missing(t.preview_pick),
            Some(None) => Verdict::Allowed,
            Some(Some(e)) if waits_for_tick(e) => Verdict::Missing(t.need_intact),
            Some(Some(e)) => Verdict::Refused(e),
        },
    }
}

/// Why Send is not possible yet, for the bar beside it (`None`: it is).
#[must_use]
pub fn submit_why(
    t: &Texts,
    uploading: bool,
    request: &Result<CaseRequest, Missing>,
    preview: Option<&Preview>,
) -> Option<&'static str> {
    if uploading {
        return Some(t.uploads_pending);
    }
    match request {
        Err(Missing::Items) => Some(t.need_items),
        Err(Missing::Kind) => Some(t.choose_kind),
        Err(Missing::Reason) => Some(t.choose_reason),
        Ok(_) => preview.and_then(|p| p.refusal.as_ref()).map(|e| {
            if waits_for_tick(e) {
                t.need_intact
            } else {
                t.refused
            }
        }),
    }
}

/// The preview allows filing.
#[must_use]
pub fn allowed(preview: Option<&Preview>) -> bool {
    preview.is_some_and(|p| p.refusal.is_none())
}

/// Who pays return shipping, as a stable code.
#[must_use]
pub fn payer_code(p: Option<Payer>) -> &'static str {
    p.map_or("none", Payer::code)
}

/// The preview's decisive facts as `key=value;` pairs, for the page's tests to compare with the
/// server's preview. Plain integers and codes: serializing the whole `Preview` with serde_json
/// here cost the first load about 18 KB of code.
#[must_use]
pub fn preview_facts(p: &Preview) -> String {
    let mut out = format!(
        "refusal={};",
        p.refusal.as_ref().map_or("none", |e| e.code())
    );
    out.push_str(&format!(
        "payer={};fast_refund={};",
        payer_code(p.shipping_payer),
        p.fast_refund
    ));
    if let Some(r) = &p.refund {
        for (name, m) in [
            ("items", r.items),
            ("discounts", r.discounts),
            ("original_shipping", r.original_shipping),
            ("restocking_fee", r.restocking_fee),
            ("free_shipping_deduction", r.free_shipping_deduction),
            ("insurance_payout", r.insurance_payout),
            ("total", r.total),
        ] {
            out.push_str(&format!("{name}={};", m.0));
        }
    }
    if let Some(n) = &p.next_step {
        let who = match n.who {
            shared::domain::Party::Buyer => "buyer",
            shared::domain::Party::Shop { .. } => "shop",
        };
        out.push_str(&format!("next={who};on_expiry={};", n.on_expiry.code()));
    }
    out
}
