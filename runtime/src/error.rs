//! Everything a call can fail with. Every error that follows a response keeps its status,
//! headers and raw body, so that the provider's error code and request id can always be read.

use super::validate::Violation;
use reqwest::header::HeaderMap;
use serde_json::Value;
use std::fmt;

/// Why a request was not sent.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum RequestError {
    /// Values break the spec's constraints.
    Invalid(Vec<Violation>),
    /// A parameter cannot be encoded where it goes.
    InvalidParameter {
        /// The parameter's name in the spec.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A header name or value cannot be sent.
    InvalidHeader {
        /// The header's name.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A value cannot be serialized.
    Encode {
        /// What was being encoded.
        what: String,
        /// The serializer's message.
        reason: String,
    },
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestError::Invalid(v) => {
                write!(f, "the request breaks the API's rules: ")?;
                for (i, v) in v.iter().enumerate() {
                    write!(f, "{}{v}", if i > 0 { "; " } else { "" })?;
                }
                Ok(())
            }
            RequestError::InvalidParameter { name, reason } => write!(f, "parameter `{name}`: {reason}"),
            RequestError::InvalidHeader { name, reason } => write!(f, "header `{name}`: {reason}"),
            RequestError::Encode { what, reason } => write!(f, "cannot encode {what}: {reason}"),
        }
    }
}

impl std::error::Error for RequestError {}

/// A documented failure, its body parsed as the operation's error type.
#[derive(Clone)]
#[non_exhaustive]
pub struct ApiError<E> {
    /// The HTTP status.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body parsed as the operation's error type (one variant per documented status).
    pub body: E,
    /// The body as received.
    pub raw: Vec<u8>,
}

/// A failure status without a typed body: a status the operation does not document, or a
/// documented one whose body does not match its schema (another envelope, HTML, nothing).
#[derive(Clone)]
#[non_exhaustive]
pub struct StatusError {
    /// The HTTP status.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body as received.
    pub body: Vec<u8>,
    /// The spec documents this status for the operation.
    pub documented: bool,
    /// Why the body could not be read as the documented type, when it is documented.
    pub reason: Option<String>,
}

/// A success status whose body does not decode as documented.
#[derive(Clone)]
#[non_exhaustive]
pub struct DecodeError {
    /// The HTTP status.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body as received.
    pub body: Vec<u8>,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// What did not decode: for JSON, the path of the failing field and what was expected there.
    pub message: String,
}

// Constructors, so that a fake or a mock can return the errors a real response would give.

impl<E> ApiError<E> {
    /// A documented failure with `status` and its parsed `body`, no headers and an empty raw body.
    pub fn new(status: u16, body: E) -> Self {
        ApiError { status, headers: HeaderMap::new(), body, raw: Vec::new() }
    }

    /// The same error with these response headers.
    pub fn with_headers(self, headers: HeaderMap) -> Self {
        ApiError { headers, ..self }
    }

    /// The same error with this body as received.
    pub fn with_raw(self, raw: impl Into<Vec<u8>>) -> Self {
        ApiError { raw: raw.into(), ..self }
    }
}

impl StatusError {
    /// A failure `status` without a typed body, not documented by the spec.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        StatusError { status, headers: HeaderMap::new(), body: body.into(), documented: false, reason: None }
    }

    /// The same error for a status the spec documents, whose body did not match for `reason`.
    pub fn documented(self, reason: impl Into<String>) -> Self {
        StatusError { documented: true, reason: Some(reason.into()), ..self }
    }

    /// The same error with these response headers.
    pub fn with_headers(self, headers: HeaderMap) -> Self {
        StatusError { headers, ..self }
    }
}

impl DecodeError {
    /// A success `status` whose `body` did not decode, for the reason in `message`.
    pub fn new(status: u16, body: impl Into<Vec<u8>>, message: impl Into<String>) -> Self {
        DecodeError {
            status,
            headers: HeaderMap::new(),
            body: body.into(),
            content_type: None,
            message: message.into(),
        }
    }
}

// `Debug` by hand for the three errors that keep a body, so that it reads as text, not bytes.

impl<E: fmt::Debug> fmt::Debug for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &self.body)
            .field("raw", &BodyText::debug(&self.raw))
            .finish()
    }
}

impl fmt::Debug for StatusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StatusError")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &BodyText::debug(&self.body))
            .field("documented", &self.documented)
            .field("reason", &self.reason)
            .finish()
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("content_type", &self.content_type)
            .field("message", &self.message)
            .field("body", &BodyText::debug(&self.body))
            .finish()
    }
}

/// A body as people read it: UTF-8 text (invalid sequences replaced), quoted, cut after `limit`
/// bytes with the whole size noted: `"{\"data\":…"… (1,234 bytes)`.
struct BodyText<'a> {
    body: &'a [u8],
    limit: usize,
}

impl<'a> BodyText<'a> {
    /// How much of a body `Debug` shows.
    fn debug(body: &'a [u8]) -> Self {
        BodyText { body, limit: 1000 }
    }

    /// How much of a body `Display` shows: one line's worth.
    fn display(body: &'a [u8]) -> Self {
        BodyText { body, limit: 200 }
    }
}

impl fmt::Debug for BodyText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut end = self.body.len().min(self.limit);
        // Cut between characters, not inside one (UTF-8 continuation bytes are 0b10xx_xxxx).
        while end > 0 && end < self.body.len() && self.body[end] & 0xC0 == 0x80 {
            end -= 1;
        }
        write!(f, "{:?}", String::from_utf8_lossy(&self.body[..end]))?;
        if end < self.body.len() {
            write!(f, "… ({} bytes)", thousands(self.body.len()))?;
        }
        Ok(())
    }
}

/// `1234567` as `1,234,567`.
pub(super) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// No usable response: connecting, sending, a timeout, or the body breaking off.
#[derive(Debug)]
pub struct TransportError {
    /// Set when the status line arrived before the failure.
    pub status: Option<u16>,
    source: reqwest::Error,
}

impl TransportError {
    pub(super) fn new(e: reqwest::Error, status: Option<u16>) -> Self {
        // The URL can carry an API key in its query: keep it out of every message.
        TransportError { status, source: e.without_url() }
    }

    /// The attempt ran out of time.
    pub fn is_timeout(&self) -> bool {
        self.source.is_timeout()
    }

    /// No connection could be established.
    pub fn is_connect(&self) -> bool {
        self.source.is_connect()
    }
}

/// Why sending failed before any status could be interpreted; becomes an [`Error`].
#[derive(Debug)]
#[non_exhaustive]
pub enum SendError {
    /// Nothing was sent.
    Invalid(RequestError),
    /// The body is larger than the configured limit.
    TooLarge {
        /// The HTTP status.
        status: u16,
        /// The limit in bytes.
        limit: usize,
    },
    /// No usable response.
    Transport(TransportError),
}

/// Everything an operation can fail with; `E` is the operation's documented error enum.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// Nothing was sent: a value breaks the spec's rules or cannot be encoded.
    InvalidRequest(RequestError),
    /// A failure status the spec documents, with its body parsed as documented.
    Api(ApiError<E>),
    /// A failure status without a typed body (undocumented, or a body that does not match).
    Status(StatusError),
    /// A success status whose body does not decode as documented.
    Decode(Box<DecodeError>),
    /// The body is larger than the configured limit; reading stopped there.
    ResponseTooLarge {
        /// The HTTP status.
        status: u16,
        /// The limit in bytes.
        limit: usize,
    },
    /// No usable response.
    Transport(TransportError),
}

/// The error type of an operation whose spec documents no error response. It has no value:
/// such an operation never fails with [`Error::Api`], and every failure status arrives as
/// [`Error::Status`]. `Op` (the operation's request builder) makes each operation's type its own,
/// as a per-operation enum would be, so nothing written against it breaks when a later spec
/// documents an error and the operation gets an enum with one variant per status. It is one
/// generic type rather than an empty enum per operation because the comparisons and `Debug`
/// are then checked once here instead of once per operation in every generated crate.
pub struct NoErrors<Op: ?Sized>(std::convert::Infallible, std::marker::PhantomData<fn() -> Op>);

impl<Op: ?Sized> fmt::Debug for NoErrors<Op> {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {}
    }
}

impl<Op: ?Sized> Clone for NoErrors<Op> {
    fn clone(&self) -> Self {
        match self.0 {}
    }
}

impl<Op: ?Sized> PartialEq for NoErrors<Op> {
    fn eq(&self, _: &Self) -> bool {
        match self.0 {}
    }
}

impl<Op: ?Sized> Eq for NoErrors<Op> {}

impl<Op: ?Sized> std::hash::Hash for NoErrors<Op> {
    fn hash<H: std::hash::Hasher>(&self, _: &mut H) {
        match self.0 {}
    }
}

impl<E> From<RequestError> for Error<E> {
    fn from(e: RequestError) -> Self {
        Error::InvalidRequest(e)
    }
}

impl<E> From<SendError> for Error<E> {
    fn from(e: SendError) -> Self {
        match e {
            SendError::Invalid(e) => Error::InvalidRequest(e),
            SendError::TooLarge { status, limit } => Error::ResponseTooLarge { status, limit },
            SendError::Transport(e) => Error::Transport(e),
        }
    }
}

/// Where providers put the machine-readable error code, most specific first.
const CODE_AT: &[&str] = &["/error/code", "/code", "/error_code", "/errorCode", "/error/type", "/error"];
/// Where providers put a request id in a body.
const REQUEST_ID_AT: &[&str] = &[
    "/request_id",
    "/requestId",
    "/error/request_id",
    "/error/requestId",
    "/metadata/requestId",
    "/metadata/request_id",
    "/meta/requestId",
];
/// Where providers put a human-readable message.
const MESSAGE_AT: &[&str] = &["/error/message", "/message", "/detail", "/error_description", "/title"];

impl<E> Error<E> {
    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Status(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::ResponseTooLarge { status, .. } => Some(*status),
            Error::Transport(e) => e.status,
            Error::InvalidRequest(_) => None,
        }
    }

    /// The response headers, when a whole response arrived.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api(e) => Some(&e.headers),
            Error::Status(e) => Some(&e.headers),
            Error::Decode(e) => Some(&e.headers),
            _ => None,
        }
    }

    /// The response body as received.
    pub fn raw_body(&self) -> Option<&[u8]> {
        match self {
            Error::Api(e) => Some(&e.raw),
            Error::Status(e) => Some(&e.body),
            Error::Decode(e) => Some(&e.body),
            _ => None,
        }
    }

    /// The parsed documented error, if this is one.
    pub fn api(&self) -> Option<&E> {
        match self {
            Error::Api(e) => Some(&e.body),
            _ => None,
        }
    }

    fn body_str(&self, pointers: &[&str]) -> Option<String> {
        let body: Value = serde_json::from_slice(self.raw_body()?).ok()?;
        pointers.iter().find_map(|p| body.pointer(p).and_then(Value::as_str).map(str::to_string))
    }

    /// The provider's machine-readable error code, from the usual places in a JSON error body
    /// (`error.code`, `code`, `error_code`, `errorCode`, `error.type`, or `error` when it is a string).
    pub fn error_code(&self) -> Option<String> {
        self.body_str(CODE_AT)
    }

    /// The provider's human-readable message (`error.message`, `message`, `detail`, …).
    pub fn message(&self) -> Option<String> {
        self.body_str(MESSAGE_AT)
    }

    /// The request id: the `x-request-id` header, else the usual body fields
    /// (`request_id`, `requestId`, `error.request_id`, `metadata.requestId`, …).
    pub fn request_id(&self) -> Option<String> {
        if let Some(id) = self.headers().and_then(|h| h.get("x-request-id")).and_then(|v| v.to_str().ok()) {
            return Some(id.to_string());
        }
        self.body_str(REQUEST_ID_AT)
    }

    /// The attempt ran out of time.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport(e) if e.is_timeout())
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(e) => write!(f, "request not sent: {e}")?,
            Error::Api(e) => write!(f, "HTTP {}: documented error response", e.status)?,
            Error::Status(e) if e.documented => write!(
                f,
                "HTTP {}: documented error status, but {}",
                e.status,
                e.reason.as_deref().unwrap_or("its body is not the documented one")
            )?,
            Error::Status(e) => write!(f, "HTTP {}: a status this operation does not document", e.status)?,
            Error::Decode(e) => {
                let content_type = e.content_type.as_deref().unwrap_or("none");
                write!(f, "HTTP {}, content type {content_type}: {}", e.status, e.message)?;
                if !e.body.is_empty() {
                    write!(f, "; body {:?}", BodyText::display(&e.body))?;
                }
            }
            Error::ResponseTooLarge { status, limit } => {
                write!(f, "HTTP {status}: the response body exceeds {limit} bytes")?
            }
            Error::Transport(e) => match e.status {
                Some(s) => write!(f, "HTTP {s}: the response broke off: {}", e.source)?,
                None if e.is_timeout() => write!(f, "the request timed out: {}", e.source)?,
                None => write!(f, "no response: {}", e.source)?,
            },
        }
        match (self, self.message()) {
            (Error::Api(_) | Error::Status(_), Some(message)) => write!(f, ": {message}")?,
            // No message to quote: the start of the body says what the server meant.
            (Error::Status(e), None) if !e.body.is_empty() => write!(f, "; body {:?}", BodyText::display(&e.body))?,
            _ => {}
        }
        if let Some(code) = self.error_code() {
            write!(f, " [code {code}]")?;
        }
        if let Some(id) = self.request_id() {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

/// `Display` already includes the message of the direct cause (the request error, reqwest's
/// error), so `source` starts below it: a chain printed cause by cause shows each one once.
impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => std::error::Error::source(&e.source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status_error(body: &str) -> Error<()> {
        Error::Status(StatusError {
            status: 422,
            headers: HeaderMap::new(),
            body: body.as_bytes().to_vec(),
            documented: true,
            reason: Some("it is another envelope".into()),
        })
    }

    #[test]
    fn codes_ids_and_messages_come_from_common_envelopes() {
        type Row<'a> = (&'a str, Option<&'a str>, Option<&'a str>, Option<&'a str>);
        let table: &[Row] = &[
            (r#"{"error":{"code":"E1","message":"m","request_id":"r1"}}"#, Some("E1"), Some("m"), Some("r1")),
            (r#"{"success":false,"code":"E2","message":"flat"}"#, Some("E2"), Some("flat"), None),
            (
                r#"{"error":{"type":"invalid_request_error","request_id":"r3"}}"#,
                Some("invalid_request_error"),
                None,
                Some("r3"),
            ),
            (r#"{"error":"E4","metadata":{"requestId":"r4"}}"#, Some("E4"), None, Some("r4")),
            ("<html>bad gateway</html>", None, None, None),
            ("", None, None, None),
        ];
        for (body, code, message, id) in table {
            let e = status_error(body);
            assert_eq!(e.error_code().as_deref(), *code, "{body}");
            assert_eq!(e.message().as_deref(), *message, "{body}");
            assert_eq!(e.request_id().as_deref(), *id, "{body}");
            assert_eq!(e.status(), Some(422));
        }
    }

    #[test]
    fn display_names_status_code_and_request_id() {
        let text = status_error(r#"{"error":{"code":"E1","message":"too long","request_id":"r1"}}"#).to_string();
        assert_eq!(
            text,
            "HTTP 422: documented error status, but it is another envelope: too long [code E1] [request id r1]"
        );
    }

    #[test]
    fn bodies_show_as_text_cut_between_characters_with_their_size() {
        let show = |body: &[u8], limit| format!("{:?}", BodyText { body, limit });
        assert_eq!(show(b"{\"a\":1}", 100), r#""{\"a\":1}""#);
        assert_eq!(show(b"", 100), r#""""#);
        assert_eq!(show(b"abcdef", 3), r#""abc"… (6 bytes)"#);
        // `é` is two bytes: a cut after its first byte backs off to before it.
        assert_eq!(show("aéb".as_bytes(), 2), r#""a"… (4 bytes)"#);
        assert_eq!(show(&[0xff, b'x'], 100), "\"\u{fffd}x\"");
        assert_eq!(show(&vec![b'x'; 1_234_567], 2), r#""xx"… (1,234,567 bytes)"#);
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
    }

    #[test]
    fn display_and_debug_show_a_body_as_text() {
        let e = Error::<()>::Status(StatusError {
            status: 502,
            headers: HeaderMap::new(),
            body: b"<html>bad gateway</html>".to_vec(),
            documented: false,
            reason: None,
        });
        assert_eq!(
            e.to_string(),
            r#"HTTP 502: a status this operation does not document; body "<html>bad gateway</html>""#
        );
        assert_eq!(
            format!("{e:?}"),
            r#"Status(StatusError { status: 502, headers: {}, body: "<html>bad gateway</html>", documented: false, reason: None })"#
        );
        let e = Error::Api(ApiError {
            status: 404,
            headers: HeaderMap::new(),
            body: "NotFound",
            raw: br#"{"message":"no such book"}"#.to_vec(),
        });
        assert_eq!(e.to_string(), "HTTP 404: documented error response: no such book");
        assert_eq!(
            format!("{e:?}"),
            r#"Api(ApiError { status: 404, headers: {}, body: "NotFound", raw: "{\"message\":\"no such book\"}" })"#
        );
    }
}
