//! Recording a bad review by hand (差评): the order, the stars, what the buyer wrote and where.
//! The fields are checked on the device by the worker's own `shared::api::import::check_review`
//! before anything is sent; the server opens the review's follow-up case and the page opens it.
//!
//! One press sends one request with a key made when the form was opened: a retry after a lost
//! answer (or a double press that got through) names the same key, so the server answers the
//! case it already opened instead of a second one. Without the platform's review id that key is
//! what tells two recordings apart; with it, the id does.

use shared::api::import::check_review;
use shared::domain::{BadReview, is_order_number};

use crate::admin::api::ApiError;
use crate::core::Page;

/// A field's problem, in both languages (drawn in the staff member's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The field: `order`, `rating`, `text`, `platform`, `external_ref`, `sku`.
    pub field: String,
    /// In English.
    pub en: String,
    /// In Chinese.
    pub zh: String,
}

/// The form's state.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordReview {
    /// The order number, as typed.
    pub order: String,
    /// Stars, 1 to 5.
    pub rating: u8,
    /// What the buyer wrote.
    pub text: String,
    /// Where it was posted.
    pub platform: String,
    /// The platform's id of the review.
    pub external_ref: String,
    /// The product reviewed (a SKU of the order), or empty.
    pub sku: String,
    /// What is wrong, found on the device or by the server.
    pub problems: Vec<Problem>,
    /// A refusal that is not about one field (not signed in, the network).
    pub error: Option<ApiError>,
    /// The request is out.
    pub pending: bool,
    /// This form's `Idempotency-Key`.
    pub key: String,
}

/// What happens on the form.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// The order number changed.
    Order(String),
    /// A star was picked.
    Rating(u8),
    /// The review's text changed.
    Text(String),
    /// The platform changed.
    Platform(String),
    /// The platform's review id changed.
    ExternalRef(String),
    /// The SKU changed.
    Sku(String),
    /// "Open the follow-up".
    Submit,
    /// The server answered: the case the review opened (only its id is kept).
    Answered(Result<String, ApiError>),
}

/// What the form asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// `POST /api/staff/orders/{order}/reviews` with `Idempotency-Key: key`.
    Record {
        /// The order number.
        order: String,
        /// The review.
        review: BadReview,
        /// The form's key.
        key: String,
    },
    /// Open the case the review opened.
    OpenCase(String),
}

impl RecordReview {
    /// An empty form with its key; a low rating preset, since a shop records the bad ones.
    #[must_use]
    pub fn new(key: String) -> Self {
        Self {
            order: String::new(),
            rating: 1,
            text: String::new(),
            platform: String::new(),
            external_ref: String::new(),
            sku: String::new(),
            problems: Vec::new(),
            error: None,
            pending: false,
            key,
        }
    }

    /// The review as the form holds it.
    #[must_use]
    pub fn review(&self) -> BadReview {
        let sku = self.sku.trim();
        BadReview {
            rating: self.rating,
            text: self.text.trim().to_string(),
            platform: self.platform.trim().to_string(),
            external_ref: self.external_ref.trim().to_string(),
            sku: (!sku.is_empty()).then(|| sku.to_string()),
        }
    }

    /// The problem of `field`, if any.
    #[must_use]
    pub fn problem(&self, field: &str) -> Option<&Problem> {
        self.problems.iter().find(|p| p.field == field)
    }

    fn check(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        if !is_order_number(self.order.trim()) {
            problems.push(Problem {
                field: "order".into(),
                en: "Enter the order's number.".into(),
                zh: "请输入订单号。".into(),
            });
        }
        problems.extend(
            check_review(&self.review())
                .into_iter()
                .map(|(field, _, en, zh)| Problem { field, en, zh }),
        );
        problems
    }

    fn edited(&mut self, field: &str) {
        self.problems.retain(|p| p.field != field);
        self.error = None;
    }
}

impl Page for RecordReview {
    type Msg = Msg;
    type Effect = Effect;

    fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Order(v) => {
                self.order = v;
                self.edited("order");
            }
            Msg::Rating(stars) => {
                self.rating = stars.clamp(1, 5);
                self.edited("rating");
            }
            Msg::Text(v) => {
                self.text = v;
                self.edited("text");
            }
            Msg::Platform(v) => {
                self.platform = v;
                self.edited("platform");
            }
            Msg::ExternalRef(v) => {
                self.external_ref = v;
                self.edited("external_ref");
            }
            Msg::Sku(v) => {
                self.sku = v;
                self.edited("sku");
            }
            Msg::Submit if self.pending => {}
            Msg::Submit => {
                self.problems = self.check();
                self.error = None;
                if self.problems.is_empty() {
                    self.pending = true;
                    return vec![Effect::Record {
                        order: self.order.trim().to_string(),
                        review: self.review(),
                        key: self.key.clone(),
                    }];
                }
            }
            Msg::Answered(Ok(case)) => {
                self.pending = false;
                return vec![Effect::OpenCase(case)];
            }
            Msg::Answered(Err(e)) => {
                // The device checked every field the server checks but two it cannot know (an
                // order that does not exist, a SKU not on it): the server's sentence says which.
                self.pending = false;
                self.error = Some(e);
            }
        }
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use shared::api::ErrorCode;

    use super::*;

    fn filled() -> RecordReview {
        let mut form = RecordReview::new("k1".into());
        form.update(Msg::Order(" AM20261120018 ".into()));
        form.update(Msg::Rating(2));
        form.update(Msg::Text(" The box was crushed. ".into()));
        form.update(Msg::Platform("taobao".into()));
        form
    }

    #[test]
    fn an_empty_form_names_its_problems_and_sends_nothing() {
        let mut form = RecordReview::new("k1".into());
        assert!(form.update(Msg::Submit).is_empty());
        assert!(form.problem("order").is_some());
        assert!(form.problem("text").is_some());
        assert!(!form.pending);
        // Typing in a field clears its problem only.
        form.update(Msg::Order("AM1".into()));
        assert!(form.problem("order").is_none());
        assert!(form.problem("text").is_some());
    }

    #[test]
    fn a_filled_form_sends_the_trimmed_review_once_with_its_key_and_opens_the_case() {
        let mut form = filled();
        let sent = form.update(Msg::Submit);
        assert_eq!(
            sent,
            vec![Effect::Record {
                order: "AM20261120018".into(),
                review: BadReview {
                    rating: 2,
                    text: "The box was crushed.".into(),
                    platform: "taobao".into(),
                    external_ref: String::new(),
                    sku: None,
                },
                key: "k1".into(),
            }]
        );
        // A second press while the first is out sends nothing.
        assert!(form.update(Msg::Submit).is_empty());
        assert_eq!(
            form.update(Msg::Answered(Ok("AS-RV1".into()))),
            vec![Effect::OpenCase("AS-RV1".into())]
        );
    }

    #[test]
    fn a_refusal_is_shown_and_the_retry_names_the_same_key() {
        let mut form = filled();
        form.update(Msg::Sku("NOT-ON-ORDER".into()));
        form.update(Msg::Submit);
        form.update(Msg::Answered(Err(ApiError {
            status: 422,
            code: ErrorCode::parse("invalid_fields"),
            message: "Some fields are invalid. The product is not on this order.".into(),
            current: None,
        })));
        assert!(!form.pending);
        assert!(form.error.is_some());
        let again = form.update(Msg::Submit);
        assert!(matches!(&again[..], [Effect::Record { key, review, .. }]
            if key == "k1" && review.sku.as_deref() == Some("NOT-ON-ORDER")));
        assert!(form.error.is_none());
    }

    #[test]
    fn stars_stay_between_one_and_five_and_the_device_checks_what_the_server_does() {
        let mut form = filled();
        form.update(Msg::Rating(0));
        assert_eq!(form.rating, 1);
        form.update(Msg::Rating(9));
        assert_eq!(form.rating, 5);
        form.update(Msg::Platform("x".repeat(500)));
        assert!(form.update(Msg::Submit).is_empty());
        assert!(form.problem("platform").is_some());
    }
}
