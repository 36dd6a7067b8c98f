//! One error type for every handler, answered as the JSON envelope of `shared::api::ErrorBody`
//! in the caller's language. Internal failures are logged with their detail and answered with a
//! generic 500: nothing internal is ever echoed.

use shared::api::{ApiErrorCode, ErrorBody, FieldProblem};
use shared::i18n::Lang;
use shared::policy::{FieldError, PolicyError};
use worker::Response;

/// Everything a handler can fail with.
#[derive(Debug)]
pub enum AppError {
    /// A failure of the API layer (auth, input, storage conflicts).
    Api(ApiErrorCode),
    /// The policy engine refused the command.
    Policy(PolicyError),
    /// Several fields are wrong (a policy update, an import).
    Fields(Vec<FieldError>),
    /// Over a rate limit (429): when the caller may try again, in seconds (`Retry-After`).
    RateLimited(u32),
    /// A batch approval does not fit the shop's caps (422).
    Batch(shared::policy::BatchRefusal),
    /// Something broke on our side; the text is logged, never sent.
    Internal(String),
}

/// Handlers return this.
pub type AppResult<T> = Result<T, AppError>;

impl From<ApiErrorCode> for AppError {
    fn from(code: ApiErrorCode) -> Self {
        Self::Api(code)
    }
}

impl From<PolicyError> for AppError {
    fn from(e: PolicyError) -> Self {
        Self::Policy(e)
    }
}

impl From<worker::Error> for AppError {
    fn from(e: worker::Error) -> Self {
        Self::Internal(format!("worker: {e}"))
    }
}

impl From<worker::KvError> for AppError {
    fn from(e: worker::KvError) -> Self {
        Self::Internal(format!("kv: {e}"))
    }
}

impl From<serde_json::Error> for AppError {
    fn from(e: serde_json::Error) -> Self {
        Self::Internal(format!("json: {e}"))
    }
}

impl From<crate::crypto::CryptoError> for AppError {
    fn from(e: crate::crypto::CryptoError) -> Self {
        Self::Internal(format!("crypto: {}", e.0))
    }
}

impl AppError {
    /// The HTTP status and the envelope, in `lang`.
    pub fn envelope(&self, lang: Lang) -> (u16, ErrorBody) {
        match self {
            Self::Api(code) => (
                code.status(),
                ErrorBody {
                    code: code.code().into(),
                    message: code.message(lang).into(),
                    fields: vec![],
                },
            ),
            Self::Policy(e) => (
                e.status(),
                ErrorBody {
                    code: e.code().into(),
                    message: e.message(lang),
                    fields: vec![],
                },
            ),
            Self::RateLimited(retry_after_s) => {
                let code = ApiErrorCode::RateLimited;
                (
                    code.status(),
                    ErrorBody {
                        code: code.code().into(),
                        message: shared::api::rate_limited_message(lang, *retry_after_s),
                        fields: vec![],
                    },
                )
            }
            Self::Batch(refusal) => (
                422,
                ErrorBody {
                    code: refusal.code().into(),
                    message: refusal.message(lang),
                    fields: vec![],
                },
            ),
            Self::Fields(fields) => (
                ApiErrorCode::InvalidFields.status(),
                ErrorBody {
                    code: ApiErrorCode::InvalidFields.code().into(),
                    message: ApiErrorCode::InvalidFields.message(lang).into(),
                    fields: fields
                        .iter()
                        .map(|f| FieldProblem {
                            field: f.field.clone(),
                            code: f.code.clone(),
                            message: f.message(lang).to_string(),
                        })
                        .collect(),
                },
            ),
            Self::Internal(detail) => {
                worker::console_error!("internal error: {detail}");
                let code = ApiErrorCode::Internal;
                (
                    500,
                    ErrorBody {
                        code: code.code().into(),
                        message: code.message(lang).into(),
                        fields: vec![],
                    },
                )
            }
        }
    }

    /// The response to send.
    pub fn into_response(self, lang: Lang) -> worker::Result<Response> {
        let retry_after = match self {
            Self::RateLimited(s) => Some(s.max(1)),
            _ => None,
        };
        let (status, body) = self.envelope(lang);
        let response = crate::http::json_response(status, &body)?;
        if let Some(seconds) = retry_after {
            response
                .headers()
                .set("Retry-After", &seconds.to_string())?;
        }
        Ok(response)
    }
}
