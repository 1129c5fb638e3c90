//! Responses: a whole (bounded) body, then what a generated builder makes of it.
//!
//! The rules a generated builder applies, one method each:
//!
//! | the response | the builder calls | the caller gets |
//! |---|---|---|
//! | a documented success, or any other 2xx when the operation has one success body type | [`RawResponse::ok_json`] (or `ok_text`, `ok_bytes`, `ok_empty`, `ok_json_as`) | `Ok(Response)`, with the real status in [`Response::status`]; a body that does not decode is [`Error::Decode`] |
//! | a documented failure | [`RawResponse::err_json`] (or `err_text`, `err_bytes`, `err_empty`) | [`Error::Api`] with the typed body; a body that does not match the documented schema (another envelope, HTML, nothing) is [`Error::Status`] with `documented: true` and the reason, so the status, [`Error::error_code`] and [`Error::request_id`] still work |
//! | any other status | [`RawResponse::unexpected`] | [`Error::Status`] with `documented: false` |

use super::call::{BoxFuture, Result as CallResult};
use super::error::{ApiError, DecodeError, Error, RequestError, StatusError, TransportError};
use super::request::Request;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

/// A whole response, before the generated builder decides what it means.
#[derive(Debug)]
pub struct RawResponse {
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl RawResponse {
    pub(super) fn new(status: u16, headers: HeaderMap, body: Vec<u8>) -> Self {
        RawResponse { status, headers, body }
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `x-request-id` header, if there is one.
    pub fn header_request_id(&self) -> Option<&str> {
        self.headers.get("x-request-id").and_then(|v| v.to_str().ok())
    }

    fn json<T: DeserializeOwned>(&self) -> Result<T, String> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Err("the body is empty where JSON was expected".into());
        }
        serde_json::from_slice(&self.body).map_err(|e| mismatch::<T>(&self.body, &e))
    }

    fn text(&self) -> Result<String, String> {
        String::from_utf8(self.body.clone()).map_err(|e| format!("the body is not UTF-8: {e}"))
    }

    fn succeed<T, E>(self, body: Result<T, String>) -> Result<Response<T>, Error<E>> {
        match body {
            Ok(body) => Ok(Response { status: self.status, headers: self.headers, body }),
            Err(message) => Err(Error::Decode(Box::new(self.decode_error(message)))),
        }
    }

    fn decode_error(self, message: String) -> DecodeError {
        let content_type =
            self.headers.get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_string);
        DecodeError { status: self.status, headers: self.headers, body: self.body, content_type, message }
    }

    fn fail<T, E>(self, body: Result<E, String>) -> Result<Response<T>, Error<E>> {
        Err(match body {
            Ok(body) => Error::Api(ApiError { status: self.status, headers: self.headers, body, raw: self.body }),
            Err(reason) => Error::Status(StatusError {
                status: self.status,
                headers: self.headers,
                body: self.body,
                documented: true,
                reason: Some(reason),
            }),
        })
    }

    /// A success with a JSON body of type `T`.
    pub fn ok_json<T: DeserializeOwned, E>(self) -> Result<Response<T>, Error<E>> {
        let body = self.json();
        self.succeed(body)
    }

    /// A success with a JSON body of type `B`, wrapped by `wrap` (a success-enum variant).
    pub fn ok_json_as<B: DeserializeOwned, T, E>(self, wrap: fn(B) -> T) -> Result<Response<T>, Error<E>> {
        let body = self.json().map(wrap);
        self.succeed(body)
    }

    /// A success with a text body, wrapped by `wrap`.
    pub fn ok_text<T, E>(self, wrap: fn(String) -> T) -> Result<Response<T>, Error<E>> {
        let body = self.text().map(wrap);
        self.succeed(body)
    }

    /// A success with a binary body, wrapped by `wrap`.
    pub fn ok_bytes<T, E>(mut self, wrap: fn(Vec<u8>) -> T) -> Result<Response<T>, Error<E>> {
        let body = wrap(std::mem::take(&mut self.body));
        self.succeed(Ok(body))
    }

    /// A success whose body (if any) the operation does not describe.
    pub fn ok_empty<T, E>(self, value: T) -> Result<Response<T>, Error<E>> {
        self.succeed(Ok(value))
    }

    /// A documented failure with a JSON body, wrapped by `wrap` (an error-enum variant).
    pub fn err_json<B: DeserializeOwned, T, E>(self, wrap: fn(B) -> E) -> Result<Response<T>, Error<E>> {
        let body = self.json().map(wrap);
        self.fail(body)
    }

    /// A documented failure with a text body, wrapped by `wrap`.
    pub fn err_text<T, E>(self, wrap: fn(String) -> E) -> Result<Response<T>, Error<E>> {
        let body = self.text().map(wrap);
        self.fail(body)
    }

    /// A documented failure with a binary body, wrapped by `wrap`.
    pub fn err_bytes<T, E>(self, wrap: fn(Vec<u8>) -> E) -> Result<Response<T>, Error<E>> {
        let body = wrap(self.body.clone());
        self.fail(Ok(body))
    }

    /// A documented failure whose body the operation does not describe.
    pub fn err_empty<T, E>(self, value: E) -> Result<Response<T>, Error<E>> {
        self.fail(Ok(value))
    }

    /// A status the operation does not document.
    pub fn unexpected<T, E>(self) -> Result<Response<T>, Error<E>> {
        Err(Error::Status(StatusError {
            status: self.status,
            headers: self.headers,
            body: self.body,
            documented: false,
            reason: None,
        }))
    }
}

/// A response as [`Request::open`](super::Request) hands it over.
pub(super) enum Opened {
    /// A success, its body not read yet.
    Streaming(Response<ByteStream>),
    /// Any other status, read whole (and bounded) to be decoded as usual.
    Whole(RawResponse),
}

/// A binary body read as it arrives, chunk by chunk: the client's response size limit does not
/// apply, since nothing is kept. What [`stream`] gives for a success.
#[derive(Debug)]
pub struct ByteStream(Source);

#[derive(Debug)]
enum Source {
    Wire(reqwest::Response),
    /// A body already read (a success status `open` did not stream), handed over in one chunk.
    Read(Option<Vec<u8>>),
}

impl ByteStream {
    pub(super) fn new(response: reqwest::Response) -> Self {
        ByteStream(Source::Wire(response))
    }

    /// The next chunk of the body, `None` after the last. A connection that breaks off is
    /// [`TransportError`] (with the status).
    pub async fn chunk(&mut self) -> Result<Option<Vec<u8>>, TransportError> {
        match &mut self.0 {
            Source::Wire(response) => {
                let status = response.status().as_u16();
                match response.chunk().await {
                    Ok(chunk) => Ok(chunk.map(Vec::from)),
                    Err(e) => Err(TransportError::new(e, Some(status))),
                }
            }
            Source::Read(body) => Ok(body.take()),
        }
    }

    /// The body's length as the `Content-Length` header announces it, if it does.
    pub fn content_length(&self) -> Option<u64> {
        match &self.0 {
            Source::Wire(response) => response.content_length(),
            Source::Read(body) => body.as_ref().map(|b| b.len() as u64),
        }
    }
}

/// Sends a prepared request whose success is a binary body and hands that body over as a
/// [`ByteStream`]; a failure is read whole and typed by `decode`, as [`send`](super::send) does.
/// Generated request builders of binary responses call it from their `stream` method.
pub fn stream<'a, E: 'a>(
    request: Result<Request<'a>, RequestError>,
    decode: fn(RawResponse) -> CallResult<Vec<u8>, E>,
) -> BoxFuture<'a, CallResult<ByteStream, E>> {
    Box::pin(async move {
        match request?.open().await? {
            Opened::Streaming(response) => Ok(response),
            Opened::Whole(raw) => decode(raw).map(|r| Response {
                status: r.status,
                headers: r.headers,
                body: ByteStream(Source::Read(Some(r.body))),
            }),
        }
    })
}

/// Why `body` does not decode as `T`, with the path of the failing field (`data.items[2].id`).
/// The path is found by decoding again with it tracked: only a failure pays for that, so the
/// usual decode stays as fast as serde_json alone.
fn mismatch<T: DeserializeOwned>(body: &[u8], e: &serde_json::Error) -> String {
    let mut again = serde_json::Deserializer::from_slice(body);
    let path = match serde_path_to_error::deserialize::<_, T>(&mut again) {
        Err(tracked) => tracked.path().to_string(),
        // Only what follows the value failed (trailing characters): there is no field to name.
        Ok(_) => ".".to_string(),
    };
    let location = format!(" at line {} column {}", e.line(), e.column());
    let text = e.to_string();
    let reason = text.strip_suffix(&location).unwrap_or(&text);
    let place = if path == "." { String::new() } else { format!(" at `{path}`") };
    format!("the body does not match the documented schema{place}: {reason} (line {}, column {})", e.line(), e.column())
}

/// A successful response: the typed body with the status and headers it came with.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Response<T> {
    /// The HTTP status (any 2xx; not necessarily the one the spec documents).
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The decoded body.
    pub body: T,
}

impl<T> Response<T> {
    /// A response, for tests and mocks of code that takes one.
    pub fn new(status: u16, headers: HeaderMap, body: T) -> Self {
        Response { status, headers, body }
    }

    /// The body alone.
    pub fn into_body(self) -> T {
        self.body
    }

    /// The `x-request-id` header, if the server sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.headers.get("x-request-id").and_then(|v| v.to_str().ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Body {
        id: String,
    }

    #[derive(Debug, PartialEq)]
    enum Failure {
        BadRequest(Body),
        NotFound,
    }

    fn raw(status: u16, body: &str) -> RawResponse {
        RawResponse::new(status, HeaderMap::new(), body.as_bytes().to_vec())
    }

    #[test]
    fn successes_keep_their_real_status() {
        let r: Response<Body> = raw(202, r#"{"id":"a","extra":1}"#).ok_json::<Body, Failure>().unwrap();
        assert_eq!((r.status, r.body.id.as_str()), (202, "a"));
        let e = raw(200, "<html>").ok_json::<Body, Failure>().unwrap_err();
        assert!(matches!(&e, Error::Decode(d) if d.status == 200), "{e:?}");
        let e = raw(200, "  ").ok_json::<Body, Failure>().unwrap_err();
        assert!(e.to_string().contains("empty"), "{e}");
    }

    #[test]
    fn documented_failures_are_typed_or_classified_by_status() {
        let e = raw(400, r#"{"id":"x"}"#).err_json::<Body, (), _>(Failure::BadRequest).unwrap_err();
        assert_eq!(e.api(), Some(&Failure::BadRequest(Body { id: "x".into() })));
        let e = raw(404, "").err_empty::<(), _>(Failure::NotFound).unwrap_err();
        assert_eq!(e.api(), Some(&Failure::NotFound));
        // Another envelope on a documented status: still that status, with its code, not a decode failure.
        let e = raw(400, r#"{"success":false,"code":"VALIDATION_ERROR","message":"bad"}"#)
            .err_json::<Body, (), _>(Failure::BadRequest)
            .unwrap_err();
        match &e {
            Error::Status(s) => assert!(s.documented && s.reason.is_some() && s.status == 400),
            other => panic!("{other:?}"),
        }
        assert_eq!(e.error_code().as_deref(), Some("VALIDATION_ERROR"));
        assert_eq!(e.status(), Some(400));
        let e = raw(418, "teapot").unexpected::<(), Failure>().unwrap_err();
        assert!(matches!(&e, Error::Status(s) if !s.documented && s.status == 418));
    }

    #[derive(Debug, serde::Deserialize)]
    struct Page {
        #[allow(dead_code)]
        items: Vec<Body>,
    }

    #[test]
    fn a_decode_error_names_the_failing_field_and_the_expected_type() {
        let table: &[(&str, &str)] = &[
            (
                r#"{"items":[{"id":"a"},{"id":7}]}"#,
                "the body does not match the documented schema at `items[1].id`: invalid type: integer `7`, expected a string (line 1, column 28)",
            ),
            (
                r#"{"items":[{"id":"a"},{}]}"#,
                "the body does not match the documented schema at `items[1]`: missing field `id` (line 1, column 23)",
            ),
            (
                r#"[]"#,
                "the body does not match the documented schema: invalid length 0, expected struct Page with 1 element (line 1, column 2)",
            ),
            (
                r#"{"items":[]} x"#,
                "the body does not match the documented schema: trailing characters (line 1, column 14)",
            ),
        ];
        for (body, want) in table {
            let e = raw(200, body).ok_json::<Page, ()>().unwrap_err();
            let Error::Decode(d) = &e else { panic!("{e:?}") };
            assert_eq!(&d.message, want, "{body}");
        }
    }
}
