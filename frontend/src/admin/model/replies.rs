//! The canned replies editor: add, edit, delete and reorder (up and down, no dragging), each
//! reply in Chinese and English; the whole list is saved at once (`PUT`), after the same checks
//! the worker makes (`shared::team::check_canned_replies`). Agents see the list read-only.

use shared::api::CannedReply;
use shared::policy::FieldError;
use shared::team::check_canned_replies;

use crate::admin::api::ApiError;
use crate::core::Page;

/// The editor's state.
#[derive(Debug, Clone, PartialEq)]
pub struct Replies {
    /// Only the owner edits.
    pub read_only: bool,
    /// The list as the server last answered it (`None` until read).
    pub saved: Option<Vec<CannedReply>>,
    /// The list being edited, in its order.
    pub list: Vec<CannedReply>,
    /// The reply open in the editor, by position.
    pub editing: Option<usize>,
    /// Problems found before saving (or by the server).
    pub problems: Vec<FieldError>,
    /// A save is out.
    pub busy: bool,
    /// The last save went through and nothing changed since.
    pub just_saved: bool,
    /// The last refusal.
    pub error: Option<ApiError>,
}

/// Which text of the open reply changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Its title.
    Title,
    /// The Chinese text.
    Zh,
    /// The English text.
    En,
}

/// What happens in the editor.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// The list answered.
    Loaded(Result<Vec<CannedReply>, ApiError>),
    /// A new, empty reply at the end, opened.
    Add,
    /// Open (or close) a reply in the editor.
    Edit(usize),
    /// A text of the open reply changed.
    Text(Part, String),
    /// Remove a reply.
    Delete(usize),
    /// Move a reply one place up.
    Up(usize),
    /// Move a reply one place down.
    Down(usize),
    /// Back to the list as saved.
    Discard,
    /// Save the whole list.
    Save,
    /// The save answered.
    Saved(Result<Vec<CannedReply>, ApiError>),
}

/// What the editor asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// `GET /api/staff/canned-replies`
    Load,
    /// `PUT /api/staff/canned-replies`
    Save(Vec<CannedReply>),
    /// A call answered 401.
    SignedOut,
}

impl Replies {
    /// The editor (read-only unless `owner`) and what it reads first.
    #[must_use]
    pub fn start(owner: bool) -> (Self, Vec<Effect>) {
        let replies = Self {
            read_only: !owner,
            saved: None,
            list: Vec::new(),
            editing: None,
            problems: Vec::new(),
            busy: false,
            just_saved: false,
            error: None,
        };
        (replies, vec![Effect::Load])
    }

    /// The list differs from what was saved.
    #[must_use]
    pub fn dirty(&self) -> bool {
        self.saved.as_ref().is_some_and(|s| *s != self.list)
    }

    /// The problems of the reply at `index`.
    #[must_use]
    pub fn problems_of(&self, index: usize) -> Vec<&FieldError> {
        let prefix = format!("[{index}]");
        self.problems
            .iter()
            .filter(|p| p.field.starts_with(&prefix) && p.field[prefix.len()..].starts_with('.'))
            .collect()
    }

    /// An id no reply has yet (ids stay stable through edits and moves).
    fn fresh_id(&self) -> String {
        (1..)
            .map(|n| format!("reply-{n}"))
            .find(|id| self.list.iter().all(|r| r.id != *id))
            .unwrap_or_default()
    }

    fn edited(&mut self) {
        self.just_saved = false;
        // Problems refer to positions: they are found again at the next save.
        self.problems.clear();
    }
}

impl Page for Replies {
    type Msg = Msg;
    type Effect = Effect;

    fn update(&mut self, msg: Msg) -> Vec<Effect> {
        let editable = !self.read_only && !self.busy && self.saved.is_some();
        match msg {
            Msg::Loaded(Ok(list)) => {
                self.list.clone_from(&list);
                self.saved = Some(list);
            }
            Msg::Loaded(Err(e)) | Msg::Saved(Err(e)) => {
                self.busy = false;
                let signed_out = e.signed_out();
                self.error = Some(e);
                if signed_out {
                    return vec![Effect::SignedOut];
                }
            }
            Msg::Add if editable => {
                let id = self.fresh_id();
                self.list.push(CannedReply {
                    id,
                    title: String::new(),
                    zh: String::new(),
                    en: String::new(),
                });
                self.editing = Some(self.list.len() - 1);
                self.edited();
            }
            Msg::Edit(i) if editable && i < self.list.len() => {
                self.editing = (self.editing != Some(i)).then_some(i);
            }
            Msg::Text(part, text) if editable => {
                if let Some(reply) = self.editing.and_then(|i| self.list.get_mut(i)) {
                    match part {
                        Part::Title => reply.title = text,
                        Part::Zh => reply.zh = text,
                        Part::En => reply.en = text,
                    }
                    self.edited();
                }
            }
            Msg::Delete(i) if editable && i < self.list.len() => {
                self.list.remove(i);
                self.editing = None;
                self.edited();
            }
            Msg::Up(i) if editable && i > 0 && i < self.list.len() => {
                self.list.swap(i - 1, i);
                self.editing = self.editing.map(|e| swapped(e, i - 1, i));
                self.edited();
            }
            Msg::Down(i) if editable && i + 1 < self.list.len() => {
                self.list.swap(i, i + 1);
                self.editing = self.editing.map(|e| swapped(e, i, i + 1));
                self.edited();
            }
            Msg::Discard if editable => {
                self.list = self.saved.clone().unwrap_or_default();
                self.editing = None;
                self.edited();
            }
            Msg::Save if editable => {
                let list: Vec<CannedReply> = self
                    .list
                    .iter()
                    .map(|r| CannedReply {
                        id: r.id.trim().to_string(),
                        title: r.title.trim().to_string(),
                        zh: r.zh.trim().to_string(),
                        en: r.en.trim().to_string(),
                    })
                    .collect();
                self.problems = check_canned_replies(&list);
                if let Some(first) = self.problems.first() {
                    // Open the first reply with a problem, so it is seen.
                    self.editing = first
                        .field
                        .strip_prefix('[')
                        .and_then(|f| f.split(']').next())
                        .and_then(|n| n.parse().ok());
                    return Vec::new();
                }
                self.busy = true;
                self.error = None;
                return vec![Effect::Save(list)];
            }
            Msg::Saved(Ok(list)) => {
                self.busy = false;
                self.list.clone_from(&list);
                self.saved = Some(list);
                self.editing = None;
                self.just_saved = true;
            }
            Msg::Add
            | Msg::Edit(_)
            | Msg::Text(..)
            | Msg::Delete(_)
            | Msg::Up(_)
            | Msg::Down(_)
            | Msg::Discard
            | Msg::Save => {}
        }
        Vec::new()
    }
}

/// Where position `e` is after swapping `a` and `b`.
fn swapped(e: usize, a: usize, b: usize) -> usize {
    if e == a {
        b
    } else if e == b {
        a
    } else {
        e
    }
}

#[cfg(test)]
mod tests {
    use shared::api::ErrorCode;

    use super::*;

    fn reply(id: &str, title: &str) -> CannedReply {
        CannedReply {
            id: id.into(),
            title: title.into(),
            zh: format!("{title}（中文）{{buyer}}"),
            en: format!("{title} for {{buyer}}"),
        }
    }

    fn loaded(owner: bool) -> Replies {
        let (mut r, effects) = Replies::start(owner);
        assert_eq!(effects, vec![Effect::Load]);
        r.update(Msg::Loaded(Ok(vec![reply("a", "A"), reply("b", "B")])));
        r
    }

    fn titles(r: &Replies) -> Vec<&str> {
        r.list.iter().map(|x| x.title.as_str()).collect()
    }

    #[test]
    fn the_owner_adds_a_reply_in_both_languages_moves_it_up_and_saves_the_list() {
        let mut r = loaded(true);
        r.update(Msg::Add);
        assert_eq!(r.editing, Some(2));
        r.update(Msg::Text(Part::Title, "Thanks".into()));
        r.update(Msg::Text(Part::Zh, "感谢您，{buyer}！".into()));
        // Saving with the English missing opens the reply with its problem and sends nothing.
        r.update(Msg::Edit(2));
        assert!(r.update(Msg::Save).is_empty());
        assert_eq!(r.editing, Some(2));
        assert_eq!(r.problems_of(2)[0].field, "[2].en");
        r.update(Msg::Text(Part::En, " Thank you, {buyer}! ".into()));
        r.update(Msg::Up(2));
        r.update(Msg::Up(1));
        assert_eq!(titles(&r), ["Thanks", "A", "B"]);
        assert_eq!(r.editing, Some(0), "the open reply moves with it");
        assert!(r.dirty());
        let sent = r.update(Msg::Save);
        let [Effect::Save(list)] = sent.as_slice() else {
            panic!("one save: {sent:?}");
        };
        assert_eq!(list[0].id, "reply-1");
        assert_eq!(list[0].en, "Thank you, {buyer}!", "trimmed");
        assert!(r.update(Msg::Up(1)).is_empty() && titles(&r)[0] == "Thanks");
        r.update(Msg::Saved(Ok(list.clone())));
        assert!(!r.dirty() && r.just_saved && !r.busy);
    }

    #[test]
    fn moves_stop_at_the_ends_and_delete_and_discard_work_on_the_draft() {
        let mut r = loaded(true);
        r.update(Msg::Up(0));
        r.update(Msg::Down(1));
        assert_eq!(titles(&r), ["A", "B"]);
        r.update(Msg::Down(0));
        assert_eq!(titles(&r), ["B", "A"]);
        r.update(Msg::Delete(0));
        assert_eq!(titles(&r), ["A"]);
        r.update(Msg::Discard);
        assert_eq!(titles(&r), ["A", "B"]);
        assert!(!r.dirty());
    }

    #[test]
    fn an_agent_reads_the_list_and_changes_nothing() {
        let mut r = loaded(false);
        for msg in [
            Msg::Add,
            Msg::Edit(0),
            Msg::Delete(0),
            Msg::Down(0),
            Msg::Save,
        ] {
            assert!(r.update(msg).is_empty());
        }
        assert_eq!(titles(&r), ["A", "B"]);
        assert_eq!(r.editing, None);
    }

    #[test]
    fn a_refused_save_keeps_the_draft_and_a_lost_session_signs_in_again() {
        let mut r = loaded(true);
        r.update(Msg::Down(0));
        let _ = r.update(Msg::Save);
        let refused = ApiError {
            status: 401,
            code: ErrorCode::parse("unauthenticated"),
            message: "Sign in.".into(),
            current: None,
        };
        assert_eq!(r.update(Msg::Saved(Err(refused))), vec![Effect::SignedOut]);
        assert_eq!(titles(&r), ["B", "A"]);
        assert!(r.dirty() && !r.busy);
    }
}
