//! The one error type that crosses every boundary (CLI, Tauri, HTTP bridge).
//!
//! The UI switches on `code`, never on `message`; `field` names the form field
//! a validation error belongs to.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{code}{}: {message}", field.as_ref().map(|f| format!(" ({f})")).unwrap_or_default())]
pub struct ApiError {
    /// Stable machine-readable code, e.g. `required`, `invalid_email`, `not_found`, `stale`.
    pub code: String,
    /// The field the error is about, when it is about one.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// English explanation for logs and the CLI; the UI localizes by `code`.
    pub message: String,
    /// Every field error of a rejected write (the first one is repeated above),
    /// so a form can mark all bad fields at once.
    #[serde(default)]
    pub details: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FieldError {
    pub code: String,
    pub field: String,
    /// English explanation for logs and the CLI; the UI localizes by `code`.
    pub message: String,
    /// The value the message is about, shown as it is in every language
    /// (a recognised phone annotation such as `内線 123`, a refused number).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl FieldError {
    pub fn new(code: &str, field: &str, message: impl Into<String>) -> Self {
        FieldError { code: code.into(), field: field.into(), message: message.into(), detail: None }
    }
    /// The same error naming `detail` (see the field).
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

impl ApiError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        ApiError { code: code.into(), field: None, message: message.into(), details: vec![] }
    }
    pub fn field(code: &str, field: &str, message: impl Into<String>) -> Self {
        ApiError { code: code.into(), field: Some(field.into()), message: message.into(), details: vec![] }
    }
    /// One error standing for all field errors of a write (`errors` must not be empty).
    pub fn validation(errors: Vec<FieldError>) -> Self {
        let first = &errors[0];
        let message = if errors.len() == 1 {
            first.message.clone()
        } else {
            format!("{} (and {} more)", first.message, errors.len() - 1)
        };
        ApiError { code: first.code.clone(), field: Some(first.field.clone()), message, details: errors }
    }
    pub fn not_found(kind: &str, id: &str) -> Self {
        ApiError::new("not_found", format!("{kind} {id} does not exist"))
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        match &e {
            rusqlite::Error::SqliteFailure(f, msg) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
                ApiError::new("constraint", msg.clone().unwrap_or_else(|| e.to_string()))
            }
            rusqlite::Error::SqliteFailure(f, _)
                if f.code == rusqlite::ErrorCode::DatabaseBusy || f.code == rusqlite::ErrorCode::DatabaseLocked =>
            {
                ApiError::new("busy", "the database is busy; try again")
            }
            _ => ApiError::new("database", e.to_string()),
        }
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(e: serde_json::Error) -> Self {
        ApiError::new("bad_request", e.to_string())
    }
}

pub type Result<T, E = ApiError> = std::result::Result<T, E>;
