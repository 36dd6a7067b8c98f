//! One case: what the buyer asks and why, the proof, the buyer's history, the timeline and the
//! thread, the refund, the deadline; and a bottom bar with only the actions this role may take
//! now (the policy's, from the server), each behind the confirmation its mistake deserves.
//! Every decision carries the version it was made on; a case that changed meanwhile is shown as
//! it is now, with the server's sentence saying so.

use shared::Lang;
use shared::api::{CannedReply, CaseView};
use shared::domain::{
    ActionKind, Command, EventKind, Inspection, Money, Offer, RejectReason, Resolution, Solution,
};

use shared::api::Viewer;

use crate::admin::api::ApiError;
use crate::core::Page;

/// An action's form, open in the bottom sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sheet {
    /// Grant what the buyer asked for (the refund's amount shown).
    Approve,
    /// Refuse, with a reason and a note to the buyer.
    Reject {
        /// Why.
        reason: Option<RejectReason>,
        /// To the buyer.
        note: String,
    },
    /// Ask the buyer for information.
    RequestInfo {
        /// The question.
        question: String,
    },
    /// Answer a question or a complaint (the case closes as answered).
    Answer {
        /// The answer.
        text: String,
    },
    /// Record that the buyer took the case to the platform or a consumer body.
    TakeToPlatform {
        /// Where.
        forum: shared::domain::DisputeForum,
        /// Its reference there.
        external_ref: String,
        /// What the shop knows of it.
        note: String,
    },
    /// Record what became of the followed-up review (the case closes on it).
    ReviewOutcome {
        /// Picked.
        outcome: Option<shared::domain::ReviewOutcome>,
    },
    /// The warehouse's inspection.
    Receive {
        /// Intact and complete.
        passed: Option<bool>,
        /// What was found.
        note: String,
        /// Deduction for damage, as typed (yuan).
        deduction: String,
    },
    /// A replacement, repair or reshipment leaves.
    Ship {
        /// Courier.
        carrier: String,
        /// Waybill.
        tracking: String,
    },
    /// The courier signed for the return (the warehouse confirms it arrived).
    ReturnArrived,
    /// Ask a supervisor to step in.
    Escalate {
        /// Why.
        note: String,
    },
    /// The owner decides an escalated case.
    Resolve,
    /// Negotiate before rejecting (协商): offer the buyer another solution.
    Offer {
        /// Which solution.
        kind: OfferKind,
        /// The partial refund, as typed (yuan).
        amount: String,
        /// To the buyer.
        note: String,
    },
    /// The owner applies an agent's proposal (its amount shown).
    ApproveProposal,
    /// The owner sends a proposal back to the agent.
    DeclineProposal {
        /// Why, for the agent.
        note: String,
    },
    /// Pay the buyer goodwill on a bad review's follow-up or a complaint (within the shop's cap).
    Goodwill {
        /// As typed (yuan).
        amount: String,
        /// To the buyer (the apology).
        note: String,
    },
    /// Set the return postage the refund pays back, with a reason.
    AdjustPostage {
        /// The postage, as typed (yuan).
        amount: String,
        /// Why (kept in the history, shown to the buyer).
        reason: String,
    },
}

impl Sheet {
    /// The sheet without what is typed in it: what decides how it is drawn (the view redraws
    /// the sheet when this changes, and only updates the text fields' values as they are typed,
    /// so a field never loses focus under the thumb).
    #[must_use]
    pub fn shape(&self) -> Self {
        let mut shape = self.clone();
        match &mut shape {
            Self::Reject { note, .. }
            | Self::Escalate { note }
            | Self::DeclineProposal { note } => note.clear(),
            Self::RequestInfo { question } | Self::Answer { text: question } => question.clear(),
            Self::TakeToPlatform {
                external_ref, note, ..
            } => {
                external_ref.clear();
                note.clear();
            }
            Self::Receive {
                note, deduction, ..
            } => {
                note.clear();
                deduction.clear();
            }
            Self::Ship { carrier, tracking } => {
                carrier.clear();
                tracking.clear();
            }
            Self::Offer { amount, note, .. }
            | Self::Goodwill { amount, note }
            | Self::AdjustPostage {
                amount,
                reason: note,
            } => {
                amount.clear();
                note.clear();
            }
            // The choice is drawn (its buttons light up), so it stays in the shape.
            Self::Approve
            | Self::ReturnArrived
            | Self::Resolve
            | Self::ApproveProposal
            | Self::ReviewOutcome { .. } => {}
        }
        shape
    }

    /// What is typed in one of its fields.
    #[must_use]
    pub fn text(&self, field: Field) -> String {
        match (self, field) {
            (
                Self::Reject { note, .. }
                | Self::Escalate { note }
                | Self::DeclineProposal { note },
                _,
            )
            | (
                Self::Receive { note, .. }
                | Self::Offer { note, .. }
                | Self::Goodwill { note, .. }
                | Self::AdjustPostage { reason: note, .. },
                Field::Text,
            ) => note.clone(),
            (Self::RequestInfo { question }, _) | (Self::Answer { text: question }, _) => {
                question.clone()
            }
            (Self::Receive { deduction, .. }, Field::Second) => deduction.clone(),
            (Self::Ship { tracking, .. }, Field::Text) => tracking.clone(),
            (Self::Ship { carrier, .. }, Field::Second) => carrier.clone(),
            (Self::TakeToPlatform { external_ref, .. }, Field::Second) => external_ref.clone(),
            (Self::TakeToPlatform { note, .. }, Field::Text) => note.clone(),
            (
                Self::Offer { amount, .. }
                | Self::Goodwill { amount, .. }
                | Self::AdjustPostage { amount, .. },
                Field::Second,
            ) => amount.clone(),
            _ => String::new(),
        }
    }
}

/// The return postage as the case screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostageShown {
    /// What is asked back now (the latest claim or adjustment, before the cap).
    pub claimed: Money,
    /// The reason of the latest staff adjustment.
    pub adjusted: Option<String>,
}

/// What an offer proposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferKind {
    /// Part of the money, the buyer keeps the item.
    PartialRefund,
    /// A new unit instead of the money.
    Exchange,
    /// A repair instead of the money.
    Repair,
}

/// A field of the open sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Free text: note, question, tracking number…
    Text,
    /// The second text field: carrier, deduction.
    Second,
}

/// The case screen.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseScreen {
    /// The case id.
    pub id: String,
    /// The case as last read (shared with the page that draws it, not copied: a case's derived
    /// `Clone` is kilobytes of the first load).
    pub view: Option<std::sync::Arc<CaseView>>,
    /// Counts the views read: the page redraws the case when a new one arrives, without
    /// comparing two whole cases (a comparison the first load would carry).
    pub views_read: u32,
    /// Loading or sending.
    pub busy: bool,
    /// The last failure (not a stale decision).
    pub error: Option<ApiError>,
    /// The case changed before our decision: the server's sentence (the view is the new state).
    pub stale: Option<String>,
    /// The open sheet.
    pub sheet: Option<Sheet>,
    /// The message being written.
    pub draft: String,
    /// The shop's canned replies.
    pub canned: Vec<CannedReply>,
    /// The canned reply picker is open.
    pub picking_reply: bool,
    /// Other staff with the case open.
    pub viewers: Vec<Viewer>,
    /// The photo shown enlarged (index into [`CaseScreen::photos`]).
    pub enlarged: Option<usize>,
    /// What was just done ("approved"), for a moment.
    pub done: Option<ActionKind>,
    /// The last action found no connection and went to the outbox.
    pub queued: bool,
}

/// What happens on the case screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// The case answered (first load or reload).
    Loaded(Result<CaseView, ApiError>),
    /// Read it again.
    Reload,
    /// An action of the bar was tapped.
    Open(ActionKind),
    /// The sheet was dismissed.
    CloseSheet,
    /// A text field of the sheet changed.
    Input(Field, String),
    /// The reject reason picked.
    PickReason(RejectReason),
    /// The inspection's verdict.
    Passed(bool),
    /// What became of the followed-up review.
    PickReviewOutcome(shared::domain::ReviewOutcome),
    /// Where the dispute was taken.
    PickForum(shared::domain::DisputeForum),
    /// The owner's decision on an escalation.
    ResolveWith(Resolution),
    /// The offer's solution picked.
    PickOffer(OfferKind),
    /// The sheet's confirm button.
    Confirm,
    /// A command answered.
    Sent(ActionKind, Result<CaseView, ApiError>),
    /// The message box changed.
    Draft(String),
    /// The saved draft of this case, restored after signing in again.
    DraftRestored(String),
    /// Open or close the canned replies.
    ToggleReplies,
    /// The canned replies answered.
    Canned(Result<Vec<CannedReply>, ApiError>),
    /// A canned reply was picked: filled in the buyer's language, into the box to edit.
    UseReply(String),
    /// Send the message.
    SendMessage,
    /// Time to say "I have it open" again.
    PresenceTick,
    /// Who else has it open.
    Presence(Result<Vec<Viewer>, ApiError>),
    /// Enlarge a photo, or close it (`None`).
    Enlarge(Option<usize>),
    /// Swipe to the next (+1) or previous (-1) photo.
    Swipe(i32),
}

/// What the case screen asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// `GET /api/staff/cases/{id}`
    Load(String),
    /// `POST /api/staff/cases/{id}/commands` with `If-Match: version`.
    Command {
        /// Case.
        id: String,
        /// Which action of the bar (its answer says what was done).
        action: ActionKind,
        /// What.
        command: Command,
        /// The version the decision was made on.
        version: u32,
    },
    /// `GET /api/staff/canned-replies`
    LoadCanned,
    /// `POST /api/staff/cases/{id}/presence`
    Presence(String),
    /// Keep the draft where a sign-in can find it again.
    SaveDraft {
        /// Case.
        id: String,
        /// Text.
        text: String,
    },
    /// The session expired.
    SignedOut,
    /// Keep it in the outbox: recorded without a connection, sent when it returns.
    Record(crate::admin::model::outbox::Work),
}

/// What a canned reply's placeholders are filled with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholders {
    /// `{buyer}`
    pub buyer: String,
    /// `{order}`
    pub order: String,
    /// `{deadline}`
    pub deadline: String,
    /// `{amount}`
    pub amount: String,
}

/// A canned reply in the buyer's language with its placeholders filled in.
#[must_use]
pub fn fill(reply: &CannedReply, lang: Lang, values: &Placeholders) -> String {
    let text = match lang {
        Lang::ZhCn => &reply.zh,
        Lang::En => &reply.en,
    };
    text.replace("{buyer}", &values.buyer)
        .replace("{order}", &values.order)
        .replace("{deadline}", &values.deadline)
        .replace("{amount}", &values.amount)
}

/// The order the bar shows actions in: deciding first, messages are the thread's own box.
const BAR_ORDER: [ActionKind; 17] = [
    ActionKind::Answer,
    ActionKind::RecordReviewOutcome,
    ActionKind::Goodwill,
    ActionKind::ApproveProposal,
    ActionKind::DeclineProposal,
    ActionKind::Approve,
    ActionKind::Offer,
    ActionKind::ReturnArrived,
    ActionKind::Receive,
    ActionKind::Ship,
    ActionKind::AdjustPostage,
    ActionKind::ResolveEscalation,
    ActionKind::RequestInfo,
    ActionKind::Reject,
    ActionKind::Escalate,
    ActionKind::TakeToPlatform,
    ActionKind::Override,
];

impl CaseScreen {
    /// A screen for case `id`, loading.
    #[must_use]
    pub fn new(id: String) -> Self {
        Self {
            id,
            view: None,
            views_read: 0,
            busy: true,
            error: None,
            stale: None,
            sheet: None,
            draft: String::new(),
            canned: Vec::new(),
            picking_reply: false,
            viewers: Vec::new(),
            enlarged: None,
            done: None,
            queued: false,
        }
    }

    /// The effects to start with.
    #[must_use]
    pub fn start(&self) -> Vec<Effect> {
        vec![
            Effect::Load(self.id.clone()),
            Effect::Presence(self.id.clone()),
        ]
    }

    /// The bar's actions: those the server says this role may take now, in the bar's order
    /// (the override is the owner's last resort, so it comes last).
    #[must_use]
    pub fn bar(&self) -> Vec<ActionKind> {
        let Some(view) = &self.view else {
            return Vec::new();
        };
        BAR_ORDER
            .into_iter()
            .filter(|a| view.actions.contains(a) && *a != ActionKind::Override)
            .collect()
    }

    /// Whether a message may be sent now.
    #[must_use]
    pub fn can_message(&self) -> bool {
        self.view
            .as_ref()
            .is_some_and(|v| v.actions.contains(&ActionKind::Message))
    }

    /// Every proof photo of the case: the filing's, then those added later, then the postage
    /// receipts.
    #[must_use]
    pub fn photos(&self) -> Vec<String> {
        let Some(view) = &self.view else {
            return Vec::new();
        };
        let mut photos = view.case.request.photos.clone();
        for e in &view.case.events {
            match &e.kind {
                EventKind::ProofAdded { photos: p } | EventKind::InfoAnswered { photos: p, .. } => {
                    photos.extend(p.iter().cloned());
                }
                EventKind::ReturnShipped {
                    postage: Some(claim),
                    ..
                } => photos.push(claim.receipt.clone()),
                _ => {}
            }
        }
        photos
    }

    /// The return postage the buyer claimed (or staff set) and its receipt, when any.
    #[must_use]
    pub fn postage(&self) -> Option<PostageShown> {
        let case = &self.view.as_ref()?.case;
        Some(PostageShown {
            claimed: case.postage_claimed()?,
            adjusted: case.events.iter().rev().find_map(|e| match &e.kind {
                EventKind::PostageAdjusted { reason, .. } => Some(reason.clone()),
                _ => None,
            }),
        })
    }

    /// The refund an agent proposed and the owner is asked to apply (the latest proposal).
    #[must_use]
    pub fn proposed_amount(&self) -> Option<Money> {
        self.view
            .as_ref()?
            .case
            .events
            .iter()
            .rev()
            .find_map(|e| match &e.kind {
                EventKind::RefundProposed { amount, .. } => Some(*amount),
                _ => None,
            })
    }

    /// The amount an approval would refund (the estimate), for the confirmation.
    #[must_use]
    pub fn refund_amount(&self) -> Option<Money> {
        self.view.as_ref()?.refund.as_ref().map(|r| r.total)
    }

    /// The solution an approval grants: what the buyer asked for.
    fn requested_solution(view: &CaseView) -> Option<Solution> {
        Solution::as_requested(view.case.request.kind)
    }

    /// The sheet's confirm button is enabled: every required field is there.
    #[must_use]
    pub fn can_confirm(&self) -> bool {
        !self.busy
            && match &self.sheet {
                Some(Sheet::Reject { reason, note }) => reason.is_some() && !note.trim().is_empty(),
                Some(Sheet::RequestInfo { question } | Sheet::Answer { text: question }) => {
                    !question.trim().is_empty()
                }
                Some(Sheet::ReviewOutcome { outcome }) => outcome.is_some(),
                Some(Sheet::TakeToPlatform { external_ref, .. }) => !external_ref.trim().is_empty(),
                Some(Sheet::Receive {
                    passed, deduction, ..
                }) => passed.is_some() && parse_money(deduction).is_some(),
                Some(Sheet::Ship { carrier, tracking }) => {
                    !carrier.trim().is_empty() && !tracking.trim().is_empty()
                }
                Some(Sheet::Resolve) => false,
                Some(Sheet::Offer { kind, amount, .. }) => {
                    *kind != OfferKind::PartialRefund
                        || parse_money(amount).is_some_and(|m| m.0 > 0)
                }
                Some(Sheet::AdjustPostage { amount, reason }) => {
                    parse_money(amount).is_some() && !reason.trim().is_empty()
                }
                Some(Sheet::Goodwill { amount, .. }) => {
                    parse_money(amount).is_some_and(|m| m.0 > 0)
                }
                Some(_) => true,
                None => false,
            }
    }

    /// The command the open sheet sends.
    fn command(&self, view: &CaseView) -> Option<(ActionKind, Command)> {
        Some(match self.sheet.as_ref()? {
            Sheet::Approve => (
                ActionKind::Approve,
                Command::Approve {
                    solution: Self::requested_solution(view)?,
                    note: String::new(),
                },
            ),
            Sheet::Reject { reason, note } => (
                ActionKind::Reject,
                Command::Reject {
                    reason_code: (*reason)?,
                    note: note.trim().to_string(),
                },
            ),
            Sheet::TakeToPlatform {
                forum,
                external_ref,
                note,
            } => (
                ActionKind::TakeToPlatform,
                Command::TakeToPlatform {
                    forum: *forum,
                    external_ref: external_ref.trim().to_string(),
                    note: note.trim().to_string(),
                },
            ),
            Sheet::ReviewOutcome { outcome } => (
                ActionKind::RecordReviewOutcome,
                Command::RecordReviewOutcome {
                    outcome: (*outcome)?,
                },
            ),
            Sheet::Answer { text } => (
                ActionKind::Answer,
                Command::Answer {
                    text: text.trim().to_string(),
                },
            ),
            Sheet::RequestInfo { question } => (
                ActionKind::RequestInfo,
                Command::RequestInfo {
                    question: question.trim().to_string(),
                },
            ),
            Sheet::Receive {
                passed,
                note,
                deduction,
            } => (
                ActionKind::Receive,
                Command::Receive {
                    inspection: Inspection {
                        passed: (*passed)?,
                        note: note.trim().to_string(),
                        deduction: parse_money(deduction)?,
                    },
                },
            ),
            Sheet::Ship { carrier, tracking } => (
                ActionKind::Ship,
                Command::Ship {
                    carrier: carrier.trim().to_string(),
                    tracking: tracking.trim().to_string(),
                },
            ),
            Sheet::ReturnArrived => (ActionKind::ReturnArrived, Command::ReturnArrived),
            Sheet::Escalate { note } => (
                ActionKind::Escalate,
                Command::Escalate {
                    note: note.trim().to_string(),
                },
            ),
            Sheet::Resolve => return None,
            Sheet::Offer { kind, amount, note } => (
                ActionKind::Offer,
                Command::Offer {
                    offer: match kind {
                        OfferKind::PartialRefund => Offer::PartialRefund {
                            amount: parse_money(amount)?,
                        },
                        OfferKind::Exchange => Offer::Exchange,
                        OfferKind::Repair => Offer::Repair,
                    },
                    note: note.trim().to_string(),
                },
            ),
            Sheet::ApproveProposal => (
                ActionKind::ApproveProposal,
                Command::ApproveProposal {
                    note: String::new(),
                },
            ),
            Sheet::DeclineProposal { note } => (
                ActionKind::DeclineProposal,
                Command::DeclineProposal {
                    note: note.trim().to_string(),
                },
            ),
            Sheet::Goodwill { amount, note } => (
                ActionKind::Goodwill,
                Command::Goodwill {
                    amount: parse_money(amount)?,
                    note: note.trim().to_string(),
                },
            ),
            Sheet::AdjustPostage { amount, reason } => (
                ActionKind::AdjustPostage,
                Command::AdjustPostage {
                    amount: parse_money(amount)?,
                    reason: reason.trim().to_string(),
                },
            ),
        })
    }

    fn send(&mut self, action: ActionKind, command: Command) -> Vec<Effect> {
        let Some(view) = &self.view else {
            return Vec::new();
        };
        self.busy = true;
        self.error = None;
        self.stale = None;
        vec![Effect::Command {
            id: self.id.clone(),
            action,
            command,
            version: view.version,
        }]
    }

    fn failed(&mut self, mut e: ApiError) -> Vec<Effect> {
        self.busy = false;
        if e.signed_out() {
            return vec![Effect::SignedOut];
        }
        if let Some(current) = e.current.take() {
            // Someone else moved the case first (409): show the case as it is now and say so;
            // the decision is not repeated behind anyone's back.
            self.show(current);
            self.stale = Some(e.message);
            self.sheet = None;
            return Vec::new();
        }
        self.error = Some(e);
        Vec::new()
    }
}

pub use crate::format::parse_money;

impl CaseScreen {
    /// Shows a case as read from the server.
    fn show(&mut self, view: std::sync::Arc<CaseView>) {
        self.view = Some(view);
        self.views_read = self.views_read.wrapping_add(1);
    }
}

impl Page for CaseScreen {
    type Msg = Msg;
    type Effect = Effect;

    fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Loaded(Ok(view)) => {
                self.busy = false;
                self.error = None;
                self.show(std::sync::Arc::new(view));
            }
            Msg::Loaded(Err(e)) => return self.failed(e),
            Msg::Reload => {
                self.busy = true;
                return vec![Effect::Load(self.id.clone())];
            }
            Msg::Open(action) => {
                self.done = None;
                self.queued = false;
                self.stale = None;
                self.sheet = match action {
                    ActionKind::Approve => Some(Sheet::Approve),
                    ActionKind::Reject => Some(Sheet::Reject {
                        reason: None,
                        note: String::new(),
                    }),
                    ActionKind::RequestInfo => Some(Sheet::RequestInfo {
                        question: String::new(),
                    }),
                    // What the composer holds (a canned apology picked and edited) is the
                    // answer's start.
                    ActionKind::Answer => Some(Sheet::Answer {
                        text: self.draft.clone(),
                    }),
                    ActionKind::RecordReviewOutcome => Some(Sheet::ReviewOutcome { outcome: None }),
                    // The apology in the composer goes with the money.
                    ActionKind::Goodwill => Some(Sheet::Goodwill {
                        amount: String::new(),
                        note: self.draft.clone(),
                    }),
                    ActionKind::TakeToPlatform => Some(Sheet::TakeToPlatform {
                        forum: shared::domain::DisputeForum::Platform,
                        external_ref: String::new(),
                        note: String::new(),
                    }),
                    ActionKind::Receive => Some(Sheet::Receive {
                        passed: None,
                        note: String::new(),
                        deduction: String::new(),
                    }),
                    ActionKind::Ship => Some(Sheet::Ship {
                        carrier: String::new(),
                        tracking: String::new(),
                    }),
                    ActionKind::ReturnArrived => Some(Sheet::ReturnArrived),
                    ActionKind::Escalate => Some(Sheet::Escalate {
                        note: String::new(),
                    }),
                    ActionKind::ResolveEscalation => Some(Sheet::Resolve),
                    ActionKind::Offer => Some(Sheet::Offer {
                        kind: OfferKind::PartialRefund,
                        amount: String::new(),
                        note: String::new(),
                    }),
                    ActionKind::ApproveProposal => Some(Sheet::ApproveProposal),
                    ActionKind::DeclineProposal => Some(Sheet::DeclineProposal {
                        note: String::new(),
                    }),
                    ActionKind::AdjustPostage => Some(Sheet::AdjustPostage {
                        amount: self
                            .postage()
                            .map(|p| p.claimed)
                            .map_or_else(String::new, shared::i18n::format_amount),
                        reason: String::new(),
                    }),
                    _ => None,
                };
            }
            Msg::CloseSheet => self.sheet = None,
            Msg::Input(field, text) => match (&mut self.sheet, field) {
                (Some(Sheet::Reject { note, .. }), _)
                | (Some(Sheet::Escalate { note }), _)
                | (Some(Sheet::DeclineProposal { note }), _)
                | (Some(Sheet::Offer { note, .. } | Sheet::Goodwill { note, .. }), Field::Text)
                | (Some(Sheet::Receive { note, .. }), Field::Text) => *note = text,
                (Some(Sheet::Receive { deduction, .. }), Field::Second) => *deduction = text,
                (
                    Some(
                        Sheet::Offer { amount, .. }
                        | Sheet::Goodwill { amount, .. }
                        | Sheet::AdjustPostage { amount, .. },
                    ),
                    Field::Second,
                ) => *amount = text,
                (Some(Sheet::AdjustPostage { reason, .. }), Field::Text) => *reason = text,
                (Some(Sheet::RequestInfo { question } | Sheet::Answer { text: question }), _) => {
                    *question = text;
                }
                (Some(Sheet::Ship { tracking, .. }), Field::Text) => *tracking = text,
                (Some(Sheet::Ship { carrier, .. }), Field::Second) => *carrier = text,
                (Some(Sheet::TakeToPlatform { external_ref, .. }), Field::Second) => {
                    *external_ref = text;
                }
                (Some(Sheet::TakeToPlatform { note, .. }), Field::Text) => *note = text,
                _ => {}
            },
            Msg::PickReason(r) => {
                if let Some(Sheet::Reject { reason, .. }) = &mut self.sheet {
                    *reason = Some(r);
                }
            }
            Msg::PickOffer(k) => {
                if let Some(Sheet::Offer { kind, .. }) = &mut self.sheet {
                    *kind = k;
                }
            }
            Msg::Passed(p) => {
                if let Some(Sheet::Receive { passed, .. }) = &mut self.sheet {
                    *passed = Some(p);
                }
            }
            Msg::PickForum(picked) => {
                if let Some(Sheet::TakeToPlatform { forum, .. }) = &mut self.sheet {
                    *forum = picked;
                }
            }
            Msg::PickReviewOutcome(picked) => {
                if let Some(Sheet::ReviewOutcome { outcome }) = &mut self.sheet {
                    *outcome = Some(picked);
                }
            }
            Msg::ResolveWith(resolution) => {
                if self.sheet == Some(Sheet::Resolve) && !self.busy {
                    return self.send(
                        ActionKind::ResolveEscalation,
                        Command::ResolveEscalation {
                            resolution,
                            note: String::new(),
                        },
                    );
                }
            }
            Msg::Confirm => {
                if !self.can_confirm() {
                    return Vec::new();
                }
                let Some((action, command)) = self.view.as_ref().and_then(|v| self.command(v))
                else {
                    return Vec::new();
                };
                return self.send(action, command);
            }
            Msg::Sent(action, Ok(view)) => {
                self.busy = false;
                self.show(std::sync::Arc::new(view));
                self.sheet = None;
                self.done = Some(action);
                if action == ActionKind::Message {
                    self.draft.clear();
                    return vec![Effect::SaveDraft {
                        id: self.id.clone(),
                        text: String::new(),
                    }];
                }
            }
            Msg::Sent(_, Err(e)) => {
                // No answer: a parcel's fact waits in the outbox; a decision is not kept (it
                // needs the case as it is when decided).
                let waiting = (e.status == 0)
                    .then(|| {
                        self.view
                            .as_ref()
                            .and_then(|v| Some((v.version, self.command(v)?)))
                    })
                    .flatten()
                    .filter(|(_, (_, command))| crate::admin::model::outbox::may_wait(command));
                if let Some((version, (_, command))) = waiting {
                    let work = match command {
                        Command::Receive { inspection } => {
                            crate::admin::model::outbox::Work::Inspected {
                                case: self.id.clone(),
                                version,
                                inspection,
                            }
                        }
                        _ => crate::admin::model::outbox::Work::Arrived {
                            case: self.id.clone(),
                            version,
                        },
                    };
                    self.busy = false;
                    self.sheet = None;
                    self.queued = true;
                    return vec![Effect::Record(work)];
                }
                return self.failed(e);
            }
            Msg::Draft(text) => {
                self.draft = text.clone();
                return vec![Effect::SaveDraft {
                    id: self.id.clone(),
                    text,
                }];
            }
            Msg::DraftRestored(text) => {
                if self.draft.is_empty() {
                    self.draft = text;
                }
            }
            Msg::ToggleReplies => {
                self.picking_reply = !self.picking_reply;
                if self.picking_reply && self.canned.is_empty() {
                    return vec![Effect::LoadCanned];
                }
            }
            Msg::Canned(Ok(replies)) => self.canned = replies,
            Msg::Canned(Err(e)) => return self.failed(e),
            Msg::UseReply(text) => {
                self.picking_reply = false;
                self.draft = text;
            }
            Msg::SendMessage => {
                let text = self.draft.trim().to_string();
                if text.is_empty() || self.busy || !self.can_message() {
                    return Vec::new();
                }
                return self.send(ActionKind::Message, Command::Message { text });
            }
            Msg::PresenceTick => return vec![Effect::Presence(self.id.clone())],
            Msg::Presence(Ok(viewers)) => self.viewers = viewers,
            Msg::Presence(Err(e)) => {
                if e.signed_out() {
                    return vec![Effect::SignedOut];
                }
            }
            Msg::Enlarge(i) => self.enlarged = i.filter(|i| *i < self.photos().len()),
            Msg::Swipe(step) => {
                let n = self.photos().len() as i64;
                if let (Some(i), true) = (self.enlarged, n > 0) {
                    self.enlarged = Some((i as i64 + i64::from(step)).rem_euclid(n) as usize);
                }
            }
        }
        Vec::new()
    }
}

#[cfg(test)]
mod tests;
