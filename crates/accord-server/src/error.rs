//! The one error type at the web edge. Each variant says its status; [`ApiError`] answers JSON and
//! [`PageError`] an HTML page. Database and internal errors become a 500 whose detail is logged, never sent.

use accord_store::StoreError;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use serde::Serialize;

/// What went wrong while answering a request.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// 404: the thing asked for does not exist.
    #[error("{0}")]
    NotFound(String),
    /// 400: the request is malformed (a query parameter that does not parse).
    #[error("{0}")]
    BadRequest(String),
    /// 401: the request needs someone signed in (a session cookie or an API token), or its token is revoked.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: the viewer's roles do not allow this, or the form's CSRF token is missing or forged.
    #[error("{0}")]
    Forbidden(String),
    /// 429: too many attempts (failed sign-ins); answered with `Retry-After`.
    #[error("{message}")]
    TooManyRequests {
        /// What was refused and when to try again.
        message: String,
        /// Seconds until a new attempt is considered.
        retry_after_seconds: u64,
    },
    /// 409: the request clashes with what is stored.
    #[error("{0}")]
    Conflict(String),
    /// 422: the request is well-formed but a field's value is wrong; names the field.
    #[error("{field}: {message}")]
    Unprocessable {
        /// The field (JSON pointer or form field name).
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// 500: a failure of ours; the detail goes to the log only.
    #[error("internal error")]
    Internal(String),
}

impl Error {
    /// A 422 for `field`.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Unprocessable { field: field.into(), message: message.into() }
    }

    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::Conflict(_) => StatusCode::CONFLICT,
            Error::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The `Retry-After` header of a 429, in seconds.
    fn retry_after(&self) -> Option<(axum::http::HeaderName, axum::http::HeaderValue)> {
        match self {
            Error::TooManyRequests { retry_after_seconds, .. } => {
                Some((axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(*retry_after_seconds)))
            }
            _ => None,
        }
    }

    fn public_message(&self) -> String {
        if let Error::Internal(detail) = self {
            tracing::error!(%detail, "internal error");
        }
        self.to_string()
    }
}

impl From<StoreError> for Error {
    fn from(error: StoreError) -> Error {
        match error {
            StoreError::NotFound { .. } => Error::NotFound(error.to_string()),
            StoreError::Conflict { .. } => Error::Conflict(error.to_string()),
            StoreError::Accreditation(accord_store::AccreditationError::MissingReason) => {
                Error::field("reason", error.to_string())
            }
            StoreError::Accreditation(accord_store::AccreditationError::BadDocument { .. }) => {
                Error::field("documents", error.to_string())
            }
            StoreError::Accreditation(_) => Error::Conflict(error.to_string()),
            StoreError::Consultation(accord_store::ConsultationError::Invalid { field, problem }) => {
                Error::field(field, problem)
            }
            StoreError::Consultation(accord_store::ConsultationError::Opendata(opendata)) => Error::field(
                opendata.file,
                format!(
                    "row {} (line {}), column {:?}: {}",
                    opendata.row, opendata.line, opendata.column, opendata.message
                ),
            ),
            StoreError::Consultation(_) => Error::Conflict(error.to_string()),
            StoreError::Amendment(ref refusal) => match crate::amendment::refused_field(refusal) {
                Some(field) => Error::field(field, error.to_string()),
                None => Error::Conflict(error.to_string()),
            },
            StoreError::Position(ref refusal) => {
                use accord_store::PositionError;
                match **refusal {
                    PositionError::NotParticipant { .. } => Error::Forbidden(error.to_string()),
                    PositionError::UnknownStance(_) => Error::field("stance", error.to_string()),
                    PositionError::StatementTooLong { .. } => Error::field("statement", error.to_string()),
                    PositionError::NoText { .. } => Error::field("eid", error.to_string()),
                    _ => Error::Conflict(error.to_string()),
                }
            }
            other => Error::Internal(other.to_string()),
        }
    }
}

/// The JSON body of an error answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The HTTP status code.
    pub status: u16,
    /// What is wrong, in a sentence.
    pub message: String,
    /// The field that is wrong, for 422 answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// An [`Error`] answered as JSON, for the API.
#[derive(Debug)]
pub struct ApiError(pub Error);

impl<E: Into<Error>> From<E> for ApiError {
    fn from(error: E) -> ApiError {
        ApiError(error.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let field = match &self.0 {
            Error::Unprocessable { field, .. } => Some(field.clone()),
            _ => None,
        };
        let retry_after = self.0.retry_after();
        let body = ErrorBody { status: status.as_u16(), message: self.0.public_message(), field };
        let mut response = (status, Json(body)).into_response();
        if let Some((name, value)) = retry_after {
            response.headers_mut().insert(name, value);
        }
        response
    }
}

/// An [`Error`] answered as an HTML page, for the web pages.
#[derive(Debug)]
pub struct PageError(pub Error);

impl<E: Into<Error>> From<E> for PageError {
    fn from(error: E) -> PageError {
        PageError(error.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let page = crate::pages::ErrorPage {
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("Error").to_owned(),
            message: self.0.public_message(),
        };
        let retry_after = self.0.retry_after();
        let mut response = match askama::Template::render(&page) {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, page.message).into_response(),
        };
        if let Some((name, value)) = retry_after {
            response.headers_mut().insert(name, value);
        }
        response
    }
}

impl From<askama::Error> for Error {
    fn from(error: askama::Error) -> Error {
        Error::Internal(format!("template: {error}"))
    }
}

/// Under `/api/`, answers axum's own refusals of a request (a JSON body that does not parse or does not fit
/// its type, a missing content type, a query that does not parse), which axum writes as plain text, and a
/// method a route does not take (405, no body), as the API's JSON errors with the same status: `{status,
/// message}`, the message axum gave (it names the field), the `Allow` header kept. A JSON body that is an array
/// is refused (422) before any handler sees it: every JSON body of the API is an object.
pub(crate) async fn api_rejections_as_json(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let is_json = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    // Every JSON body of the API is an object; serde would read a struct from an array too (`[1]` as
    // `{"min_co_sponsors": 1}`), so an array is refused before any handler sees it.
    let request = if is_api && is_json {
        let (parts, body) = request.into_parts();
        let bytes = match axum::body::to_bytes(body, crate::MAX_BODY_BYTES).await {
            Ok(bytes) => bytes,
            Err(_) => {
                let status = StatusCode::PAYLOAD_TOO_LARGE;
                let message = format!("the body is larger than {} bytes", crate::MAX_BODY_BYTES);
                return (status, Json(ErrorBody { status: status.as_u16(), message, field: None }))
                    .into_response();
            }
        };
        if bytes.iter().find(|byte| !byte.is_ascii_whitespace()) == Some(&b'[') {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            let message = "the body must be a JSON object, not an array".to_owned();
            return (status, Json(ErrorBody { status: status.as_u16(), message, field: None }))
                .into_response();
        }
        axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes))
    } else {
        request
    };
    let response = next.run(request).await;
    let status = response.status();
    // Plain text, or no body at all (a method the route does not take answers 405 with none).
    let is_plain = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_none_or(|value| value.starts_with("text/plain"));
    if !(is_api && status.is_client_error() && is_plain) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024).await.unwrap_or_default();
    let message = match String::from_utf8_lossy(&bytes).trim() {
        "" if status == StatusCode::METHOD_NOT_ALLOWED => {
            let allowed = parts.headers.get(axum::http::header::ALLOW).and_then(|value| value.to_str().ok());
            format!("this route does not take that method; it takes {}", allowed.unwrap_or("other methods"))
        }
        "" => status.canonical_reason().unwrap_or("refused").to_owned(),
        text => text.to_owned(),
    };
    let mut answer =
        (status, Json(ErrorBody { status: status.as_u16(), message, field: None })).into_response();
    if let Some(allow) = parts.headers.get(axum::http::header::ALLOW) {
        answer.headers_mut().insert(axum::http::header::ALLOW, allow.clone());
    }
    answer
}
