//! The case page as data (crux's shape, STYLE.md 11): the [`Model`] is all the page's state,
//! [`Model::update`] applies one [`Msg`] and answers the [`Effect`]s to perform, and the
//! functions below derive what the view shows. Nothing here touches the browser, so the tests
//! drive the page natively, message by message.
//!
//! What the buyer may do is the API's `actions` (the policy's answer for this buyer now): a form
//! is shown, and a command is sent, only for an action it lists.

use std::rc::Rc;

use shared::Lang;
use shared::api::BuyerCaseView;
use shared::domain::{
    ActionKind, CaseState, Command, EventKind, ExpiryOutcome, Money, Outcome, Party, PostageClaim,
};
use shared::policy::Deadline;

use crate::core::Page;
use crate::portal::api::ApiError;
use crate::portal::i18n::{self, Texts};
use crate::portal::pages::encode;
use crate::portal::pages::order::relookup_path;

/// Seconds between two reloads of an open case (the page ticks once a second).
pub const REFRESH_TICKS: u32 = 15;

/// The case as last read, with the offset of the server's clock from ours. Held in an `Rc` and
/// read in place, never copied: a clone of the whole case would be compiled in.
#[derive(Debug)]
pub struct Loaded {
    /// What the API answered.
    pub view: BuyerCaseView,
    /// Server clock minus ours, in ms.
    pub skew: i64,
}

impl Loaded {
    /// The answer to a request sent at `sent_at` and answered at `received_at` (our clock): the
    /// server read its clock about halfway between.
    #[must_use]
    pub fn new(view: BuyerCaseView, sent_at: i64, received_at: i64) -> Self {
        let skew = view.server_time.0 - (sent_at + received_at) / 2;
        Self { view, skew }
    }
}

/// A text field of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The courier of the return.
    Carrier,
    /// Its waybill number.
    Tracking,
    /// The return postage the buyer advanced (when the shop pays it back).
    Postage,
    /// The answer to the shop's question.
    Answer,
    /// Why the buyer asks a supervisor.
    EscalateNote,
    /// The rating's comment.
    Comment,
    /// A message to the shop.
    Message,
}

/// What the buyer is typing or choosing. The page owns it, not the case it fills in, so a
/// self-refresh that redraws the case (a new message from the shop) keeps a half-written
/// answer and an open confirmation; a successful command clears it. (The photos being added
/// live in their pickers; [`Effect::ClearPhotos`] empties them.)
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Drafts {
    /// [`Field::Carrier`]
    pub carrier: String,
    /// [`Field::Tracking`]
    pub tracking: String,
    /// [`Field::Postage`]
    pub postage: String,
    /// [`Field::Answer`]
    pub answer: String,
    /// [`Field::EscalateNote`]
    pub escalate_note: String,
    /// [`Field::Comment`]
    pub comment: String,
    /// [`Field::Message`]
    pub message: String,
    /// The rating's stars (0: none picked).
    pub stars: u8,
    /// "Cancel the request?" is asked.
    pub confirming_cancel: bool,
}

impl Drafts {
    /// What is typed in `field`.
    #[must_use]
    pub fn text(&self, field: Field) -> &str {
        match field {
            Field::Carrier => &self.carrier,
            Field::Tracking => &self.tracking,
            Field::Postage => &self.postage,
            Field::Answer => &self.answer,
            Field::EscalateNote => &self.escalate_note,
            Field::Comment => &self.comment,
            Field::Message => &self.message,
        }
    }

    fn text_mut(&mut self, field: Field) -> &mut String {
        match field {
            Field::Carrier => &mut self.carrier,
            Field::Tracking => &mut self.tracking,
            Field::Postage => &mut self.postage,
            Field::Answer => &mut self.answer,
            Field::EscalateNote => &mut self.escalate_note,
            Field::Comment => &mut self.comment,
            Field::Message => &mut self.message,
        }
    }
}

/// The line above the page's forms after a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// The command of this action went through.
    Done(ActionKind),
    /// Someone else changed the case first: it is shown as it is now.
    ChangedElsewhere,
}

impl Notice {
    /// Its sentence.
    #[must_use]
    pub fn text(self, t: &Texts) -> &'static str {
        match self {
            Self::Done(ActionKind::EnterReturnTracking) => t.done_tracking,
            Self::Done(ActionKind::AnswerInfo) => t.done_answer,
            Self::Done(ActionKind::AddProof) => t.done_proof,
            Self::Done(ActionKind::ConfirmReceipt) => t.done_receipt,
            Self::Done(ActionKind::Reopen) => t.done_reopen,
            Self::Done(ActionKind::Rate) => t.done_rate,
            Self::Done(ActionKind::Escalate) => t.done_escalate,
            Self::Done(ActionKind::Cancel) => t.done_cancel,
            Self::Done(ActionKind::Message) => t.done_message,
            Self::Done(_) => t.done,
            Self::ChangedElsewhere => t.changed_elsewhere,
        }
    }
}

/// The case page.
#[derive(Debug)]
pub struct Model {
    /// The case id (from the path).
    pub id: String,
    /// Its order's number (from `?order=`, or remembered for the case), whose token reads it.
    pub number: Option<String>,
    /// The case as shown.
    pub loaded: Option<Rc<Loaded>>,
    /// Counts the replacements of `loaded`: the view redraws the case when it changes, and only
    /// then (a redraw drops the focus and the caret).
    pub shown: u32,
    /// The last read failed (the page says how old it is, or why it has nothing to show).
    pub load_error: Option<ApiError>,
    /// When the case was last read, on the server's clock ("last updated" after a failure).
    pub updated: i64,
    /// Our clock, as of the last tick (the countdown).
    pub now: i64,
    /// Ticks since the page opened.
    pub ticks: u32,
    /// The number of the latest read asked for: an answer to an older one is dropped.
    pub reads: u32,
    /// The action whose command is on its way (one at a time).
    pub sending: Option<ActionKind>,
    /// What the last command did.
    pub notice: Option<Notice>,
    /// Why the last command failed.
    pub command_error: Option<ApiError>,
    /// What the buyer is typing.
    pub drafts: Drafts,
    /// The return address was copied (`Some(false)`: the browser refused; it is selected instead).
    pub copied: Option<bool>,
    /// Show the case's news (`view.news`, the buyer's latest notification) at the top: it came
    /// in a read after the page opened. Cleared by a later change without news of its own and by
    /// the buyer's own step.
    pub news: bool,
}

/// What happens on the case page.
#[derive(Debug)]
pub enum Msg {
    /// A read answered (`read` as in [`Effect::Load`]; the clock before and after).
    Loaded {
        /// Which read.
        read: u32,
        /// The answer.
        answer: Result<BuyerCaseView, ApiError>,
        /// Our clock when it was sent.
        sent_at: i64,
        /// Our clock when it answered.
        received_at: i64,
    },
    /// Read it again now (a retry button).
    Reload,
    /// A second passed (our clock), with whether the tab is visible.
    Tick {
        /// Our clock.
        now: i64,
        /// The tab is shown.
        visible: bool,
    },
    /// A text field changed.
    Input(Field, String),
    /// A star of the rating was picked.
    Stars(u8),
    /// "Cancel the request": ask first.
    AskCancel,
    /// "Keep the request": the question is closed.
    KeepRequest,
    /// The buyer sends an action with what the page holds for it (the photos uploaded in the
    /// action's picker, if it has one).
    Send(ActionKind, Vec<String>),
    /// A command answered.
    Sent {
        /// The answer.
        answer: Result<BuyerCaseView, ApiError>,
        /// Our clock when it was sent.
        sent_at: i64,
        /// Our clock when it answered.
        received_at: i64,
    },
    /// "Copy" the return address.
    Copy,
    /// The clipboard answered.
    Copied(bool),
}

/// What the case page asks the browser to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// `GET /api/buyer/cases/{id}` with the order's token; answer with [`Msg::Loaded`].
    Load {
        /// The case.
        id: String,
        /// Whose token.
        number: Option<String>,
        /// Which read.
        read: u32,
    },
    /// `POST /api/buyer/cases/{id}/commands` with `If-Match: version`; answer with [`Msg::Sent`].
    Command {
        /// The case.
        id: String,
        /// Whose token.
        number: Option<String>,
        /// What.
        command: Command,
        /// The version the buyer decided on.
        version: u32,
    },
    /// Remember which order the case belongs to (a bookmark without `?order=` still works).
    SaveCaseOrder {
        /// The case.
        id: String,
        /// Its order.
        number: String,
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
    /// Move the focus (and so the scroll) to the first element matching this selector.
    Focus(&'static str),
    /// Empty the photo pickers (their photos went with a command).
    ClearPhotos,
    /// Write this to the clipboard; answer with [`Msg::Copied`].
    Copy(String),
}

/// What the page draws.
#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    /// The case (the number changes each time it is replaced).
    Case(u32),
    /// No such case, or not this order's: retrying cannot help.
    NoCase,
    /// The first read failed.
    Failed(ApiError),
    /// The first read is on its way.
    Loading,
}

/// Where the answer to a command is read: it gets the focus when it arrives.
pub const FEEDBACK: &str = "#feedback";

/// The buyer's forms, in the order the page shows them (the offer and the message box have their
/// own places).
pub const FORMS: [ActionKind; 8] = [
    ActionKind::EnterReturnTracking,
    ActionKind::AnswerInfo,
    ActionKind::AddProof,
    ActionKind::ConfirmReceipt,
    ActionKind::Reopen,
    ActionKind::Rate,
    ActionKind::Escalate,
    ActionKind::Cancel,
];

impl Model {
    /// The page of case `id`, with its order's number if known, at our clock `now`.
    #[must_use]
    pub fn new(id: String, number: Option<String>, now: i64) -> Self {
        Self {
            id,
            number,
            loaded: None,
            shown: 0,
            load_error: None,
            updated: 0,
            now,
            ticks: 0,
            reads: 0,
            sending: None,
            notice: None,
            command_error: None,
            drafts: Drafts::default(),
            copied: None,
            news: false,
        }
    }

    /// The effects to start with: the first read.
    pub fn start(&mut self) -> Vec<Effect> {
        vec![self.read()]
    }

    fn read(&mut self) -> Effect {
        self.reads = self.reads.wrapping_add(1);
        Effect::Load {
            id: self.id.clone(),
            number: self.number.clone(),
            read: self.reads,
        }
    }

    fn show(&mut self, loaded: Loaded) {
        self.updated = self.now + loaded.skew;
        self.loaded = Some(Rc::new(loaded));
        self.shown = self.shown.wrapping_add(1);
        // "Copied" belongs to the address as it was drawn.
        self.copied = None;
    }

    /// What the page draws: the case once read (a later failed read is told inside it).
    #[must_use]
    pub fn screen(&self) -> Screen {
        match (&self.loaded, &self.load_error) {
            (Some(_), _) => Screen::Case(self.shown),
            (None, Some(e)) if e.status == 404 => Screen::NoCase,
            (None, Some(e)) => Screen::Failed(e.clone()),
            (None, None) => Screen::Loading,
        }
    }

    /// A command is on its way.
    #[must_use]
    pub fn busy(&self) -> bool {
        self.sending.is_some()
    }

    /// The actions the API lists for the buyer now.
    #[must_use]
    pub fn actions(&self) -> &[ActionKind] {
        self.loaded.as_ref().map_or(&[], |l| &l.view.actions)
    }

    /// The API lists `action` for the buyer now.
    #[must_use]
    pub fn may(&self, action: ActionKind) -> bool {
        self.actions().contains(&action)
    }

    /// The command `action` sends with what the page holds, if it is complete.
    fn command(&self, action: ActionKind, photos: Vec<String>) -> Option<Command> {
        let d = &self.drafts;
        let trimmed = |s: &str| s.trim().to_string();
        Some(match action {
            // The postage goes with its receipt (the photo sent along); none typed is no claim.
            // An amount that is not one is sent as -0.01, so the server's `invalid_postage`
            // answers it in the buyer's language.
            ActionKind::EnterReturnTracking => Command::EnterReturnTracking {
                carrier: trimmed(&d.carrier),
                tracking: trimmed(&d.tracking),
                postage: (!d.postage.trim().is_empty()).then(|| PostageClaim {
                    amount: crate::format::parse_money(&d.postage).unwrap_or(Money(-1)),
                    receipt: photos.into_iter().next().unwrap_or_default(),
                }),
            },
            ActionKind::AnswerInfo => Command::AnswerInfo {
                note: trimmed(&d.answer),
                photos,
            },
            ActionKind::AddProof if !photos.is_empty() => Command::AddProof { photos },
            ActionKind::ConfirmReceipt => Command::ConfirmReceipt,
            ActionKind::Reopen => Command::Reopen,
            ActionKind::Rate if d.stars > 0 => Command::Rate {
                stars: d.stars,
                comment: trimmed(&d.comment),
            },
            ActionKind::Escalate => Command::Escalate {
                note: trimmed(&d.escalate_note),
            },
            ActionKind::Cancel => Command::Cancel,
            ActionKind::AcceptOffer => Command::AcceptOffer,
            ActionKind::DeclineOffer => Command::DeclineOffer {
                note: String::new(),
            },
            ActionKind::Message if !d.message.trim().is_empty() => Command::Message {
                text: trimmed(&d.message),
            },
            _ => return None,
        })
    }

    fn send(&mut self, action: ActionKind, photos: Vec<String>) -> Vec<Effect> {
        // One command at a time: a double tap sends once.
        if self.busy() || !self.may(action) {
            return Vec::new();
        }
        let Some(version) = self.loaded.as_ref().map(|l| l.view.version) else {
            return Vec::new();
        };
        let Some(command) = self.command(action, photos) else {
            return Vec::new();
        };
        self.sending = Some(action);
        self.notice = None;
        self.command_error = None;
        // The message stays in its box until the answer says it was posted: a failed send keeps
        // it, to be sent again with one tap.
        vec![Effect::Command {
            id: self.id.clone(),
            number: self.number.clone(),
            command,
            version,
        }]
    }

    fn loaded(&mut self, loaded: Loaded) -> Vec<Effect> {
        let mut effects = Vec::new();
        if let Some(number) = &self.number {
            effects.push(Effect::SaveCaseOrder {
                id: loaded.view.case.id.clone(),
                number: number.clone(),
            });
        }
        self.load_error = None;
        // Drawn again only when something happened: a redraw drops where the buyer's focus is.
        let changed = self.loaded.as_ref().is_none_or(|c| {
            c.view.case.events.len() != loaded.view.case.events.len()
                || c.view.actions != loaded.view.actions
                || c.view.deadline != loaded.view.deadline
        });
        if changed {
            // News is a milestone that arrived since the last read (the first read is not news).
            self.news = news_key(&loaded.view).is_some()
                && self
                    .loaded
                    .as_ref()
                    .is_some_and(|c| news_key(&c.view) != news_key(&loaded.view));
            self.show(loaded);
        } else {
            self.updated = self.now + loaded.skew;
        }
        effects
    }

    fn needs_lookup(&self) -> Vec<Effect> {
        let number = self.number.clone().unwrap_or_default();
        let here = format!("/case/{}?order={}", encode(&self.id), encode(&number));
        let mut effects = Vec::new();
        if !number.is_empty() {
            effects.push(Effect::ForgetToken(number.clone()));
        }
        effects.push(Effect::Navigate {
            path: relookup_path(&number, &here),
            replace: true,
        });
        effects
    }
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
            } => {
                self.now = received_at;
                return match answer {
                    Ok(view) => self.loaded(Loaded::new(view, sent_at, received_at)),
                    Err(e) if e.needs_lookup() => self.needs_lookup(),
                    Err(e) => {
                        self.load_error = Some(e);
                        Vec::new()
                    }
                };
            }
            Msg::Reload => return vec![self.read()],
            Msg::Tick { now, visible } => {
                self.now = now;
                self.ticks = self.ticks.wrapping_add(1);
                let open = self
                    .loaded
                    .as_ref()
                    .is_some_and(|l| !l.view.case.state().is_closed());
                if self.ticks.is_multiple_of(REFRESH_TICKS) && open && visible {
                    return vec![self.read()];
                }
            }
            Msg::Input(field, text) => *self.drafts.text_mut(field) = text,
            Msg::Stars(n) => self.drafts.stars = n.min(5),
            Msg::AskCancel => {
                self.drafts.confirming_cancel = true;
                return vec![Effect::Focus("#keep-request")];
            }
            Msg::KeepRequest => {
                self.drafts.confirming_cancel = false;
                return vec![Effect::Focus("[data-testid=cancel]")];
            }
            Msg::Send(action, photos) => return self.send(action, photos),
            Msg::Sent {
                answer,
                sent_at,
                received_at,
            } => {
                self.now = received_at;
                let action = self.sending.take();
                match answer {
                    Ok(view) => {
                        self.command_error = None;
                        self.load_error = None;
                        self.drafts = Drafts::default();
                        self.notice = action.map(Notice::Done);
                        self.news = false;
                        self.show(Loaded::new(view, sent_at, received_at));
                        // A read sent before the command would show the case as it was.
                        self.reads = self.reads.wrapping_add(1);
                        return vec![Effect::ClearPhotos, Effect::Focus(FEEDBACK)];
                    }
                    Err(e) if e.is_conflict() => {
                        // Someone else moved first: show what the case is now (the answer
                        // carries it; read it only when it does not), and say so.
                        self.command_error = None;
                        self.notice = Some(Notice::ChangedElsewhere);
                        // (`try_unwrap`: the answer is this error's alone; no clone of a case is
                        // linked into the portal.)
                        if let Some(current) =
                            e.current.and_then(|c| std::sync::Arc::try_unwrap(c).ok())
                        {
                            self.show(Loaded::new(current, sent_at, received_at));
                            self.reads = self.reads.wrapping_add(1);
                            return vec![Effect::Focus(FEEDBACK)];
                        }
                        return vec![self.read(), Effect::Focus(FEEDBACK)];
                    }
                    Err(e) => {
                        self.command_error = Some(e);
                        return vec![Effect::Focus(FEEDBACK)];
                    }
                }
            }
            Msg::Copy => {
                if let Some(address) = self.loaded.as_ref().and_then(|l| return_address(&l.view)) {
                    return vec![Effect::Copy(address)];
                }
            }
            Msg::Copied(ok) => self.copied = Some(ok),
        }
        Vec::new()
    }
}

/// The whose-move banner: the case's end, or who must act by when, or that nobody must.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Banner {
    /// The case is closed.
    Closed {
        /// How it ended.
        outcome: Outcome,
        /// The buyer rated it.
        rated: bool,
    },
    /// Someone must act by a deadline.
    Deadline {
        /// The deadline.
        deadline: Deadline,
        /// The buyer must act.
        mine: bool,
        /// What the buyer waits for is a parcel (it confirms itself): nothing urgent.
        passive: bool,
    },
    /// Open, without a deadline.
    NoDeadline,
}

impl Banner {
    /// The banner of a case in `state`.
    #[must_use]
    pub fn of(state: &CaseState, deadline: Option<Deadline>) -> Self {
        match (state, deadline) {
            (CaseState::Closed { outcome, rated, .. }, _) => Self::Closed {
                outcome: *outcome,
                rated: *rated,
            },
            (_, Some(deadline)) => Self::Deadline {
                deadline,
                mine: deadline.waiting_for == Party::Buyer,
                passive: deadline.on_expiry == ExpiryOutcome::AutoConfirmReceipt,
            },
            (_, None) => Self::NoDeadline,
        }
    }

    /// Its classes: the buyer's urgent move stands out.
    #[must_use]
    pub fn class(self) -> &'static str {
        match self {
            Self::Closed { .. } => "banner banner-closed",
            Self::Deadline {
                mine: true,
                passive: false,
                ..
            } => "banner banner-you",
            Self::Deadline { .. } | Self::NoDeadline => "banner banner-shop",
        }
    }

    /// Whose move it is, as a stable code (`data-party`).
    #[must_use]
    pub fn party(self) -> &'static str {
        match self {
            Self::Deadline { mine: true, .. } => "buyer",
            Self::Deadline { mine: false, .. } => "shop",
            Self::Closed { .. } | Self::NoDeadline => "none",
        }
    }

    /// The line above the countdown.
    #[must_use]
    pub fn kicker(self, t: &Texts) -> &'static str {
        match self {
            Self::Deadline { passive: true, .. } => t.passive_kicker,
            Self::Deadline { mine: true, .. } => t.your_move,
            Self::Deadline { .. } => t.shop_move,
            Self::Closed { .. } => t.closed_banner,
            Self::NoDeadline => t.no_deadline,
        }
    }
}

/// The whose-move banner's sentence: who must act within how long. Confirming a delivery is
/// passive (it confirms itself at the deadline): that says when, not how little time is left.
#[must_use]
pub fn countdown_text(deadline: &Deadline, now_ms: i64, lang: Lang, zone: i64) -> String {
    let t = i18n::t(lang);
    if deadline.paused {
        return t.paused.to_string();
    }
    let left = deadline.due.0 - now_ms;
    if left <= 0 {
        return t.overdue.to_string();
    }
    if deadline.on_expiry == ExpiryOutcome::AutoConfirmReceipt {
        return i18n::fill(
            t.passive_title,
            &crate::format::date(deadline.due, zone, lang),
        );
    }
    let template = match deadline.waiting_for {
        Party::Buyer => t.you_must_act,
        Party::Shop { .. } => t.shop_must_answer,
    };
    i18n::fill(template, &crate::format::duration(left, lang))
}

/// The buyer's forms the API lists now, in the page's order.
#[must_use]
pub fn forms(actions: &[ActionKind]) -> Vec<ActionKind> {
    FORMS.into_iter().filter(|a| actions.contains(a)).collect()
}

/// The shop's question, while it waits for the buyer's answer.
#[must_use]
pub fn question(state: &CaseState) -> Option<String> {
    match state {
        CaseState::InfoRequested { question, .. } => Some(question.clone()),
        _ => None,
    }
}

/// The shop's open offer (协商), told as its timeline entry tells it, when the buyer may answer.
#[must_use]
pub fn offer(state: CaseState, actions: &[ActionKind]) -> Option<EventKind> {
    match state {
        CaseState::OfferPending { offer, note, .. }
            if actions.contains(&ActionKind::AcceptOffer) =>
        {
            Some(EventKind::OfferMade { offer, note })
        }
        _ => None,
    }
}

/// Where to send the goods: shown while the buyer may enter the return's tracking number or the
/// return is awaited, if the shop gave an address.
#[must_use]
pub fn return_address(view: &BuyerCaseView) -> Option<String> {
    let awaited = view.actions.contains(&ActionKind::EnterReturnTracking)
        || matches!(view.case.state(), CaseState::AwaitingReturn { .. });
    view.return_address
        .clone()
        .filter(|a| awaited && !a.trim().is_empty())
}

/// The lines asked about: each with its title (its SKU if the order lacks it) and quantity.
#[must_use]
pub fn request_lines(view: &BuyerCaseView) -> Vec<(String, u32)> {
    let case = &view.case;
    case.request
        .lines
        .iter()
        .map(|l| {
            let title = case
                .order
                .line(&l.sku)
                .map_or_else(|| l.sku.clone(), |o| o.title.clone());
            (title, l.quantity)
        })
        .collect()
}

/// Every proof photo: the filing's, then those added or sent with an answer, in order.
#[must_use]
pub fn photo_ids(view: &BuyerCaseView) -> Vec<String> {
    let case = &view.case;
    let mut ids = case.request.photos.clone();
    for e in &case.events {
        if let EventKind::ProofAdded { photos } | EventKind::InfoAnswered { photos, .. } = &e.kind {
            ids.extend(photos.iter().cloned());
        }
    }
    ids
}

/// The text of a message, if the event is one.
#[must_use]
pub fn message_text(e: &shared::domain::Event) -> Option<&str> {
    match &e.kind {
        EventKind::MessagePosted { text } => Some(text),
        _ => None,
    }
}

/// "Couldn't update — last updated 14:05" when the last read failed while a case is shown.
#[must_use]
pub fn stale_text(model: &Model, lang: Lang) -> Option<String> {
    let loaded = model.loaded.as_ref()?;
    model.load_error.as_ref()?;
    let at = crate::format::hm(
        shared::domain::Timestamp(model.updated),
        loaded.view.utc_offset_minutes,
    );
    Some(i18n::fill(i18n::t(lang).stale, &at))
}

/// The rating can be sent: stars picked, nothing on its way.
#[must_use]
pub fn can_rate(model: &Model) -> bool {
    !model.busy() && model.drafts.stars > 0
}

fn news_key(view: &BuyerCaseView) -> Option<&str> {
    view.news.as_ref().map(|n| n.key.as_str())
}
