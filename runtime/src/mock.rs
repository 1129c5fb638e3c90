//! A typed mock server, on `wiremock`, for the tests of code that uses a generated client
//! (feature `mock`).
//!
//! Expectations are keyed by the generated request builders, so that a test names an
//! operation, not a method and a path: `server.expect::<CreateContact>()`. Each one matches the
//! operation's method and path template (or exact path values, or a typed body) and answers with
//! a typed value, any status and body, a delay, or a 429 with `Retry-After`.
//!
//! [`MockServer::answer_example`] installs an operation's fallback answer: a request whose body
//! does not decode as the operation's request type, or breaks the spec's rules ([`Validate`]),
//! is refused with a 422 naming each broken rule and recorded as a [`Refusal`]. Refusals must be
//! taken with [`MockServer::take_refusals`]; a server dropped with refusals left panics, listing
//! them, so an invalid request never passes a test unnoticed.

use crate::{Operation, Rules, Validate, Violations};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use wiremock::matchers::{body_json, method, path, path_regex};
use wiremock::{Mock, Request as WireRequest, Respond, ResponseTemplate};

/// Priority of the fallback answers: after every expectation a test sets (wiremock's default 5).
const FALLBACK_PRIORITY: u8 = 10;

/// A request the mock refused because the spec would reject it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The operation id.
    pub operation: &'static str,
    /// The request's path.
    pub path: String,
    /// Each broken rule, as `path: rule: message`, or why the body did not decode.
    pub reasons: Vec<String>,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.operation, self.path, self.reasons.join("; "))
    }
}

/// What a generated mock knows about an operation besides its method and path: the types of
/// its success and of its request body, so that answers and body matches are typed.
pub trait Mocked: Operation {
    /// What a success decodes to.
    type Ok;
    /// The request body (`()` for an operation without one).
    type Body;
}

/// Checks a request body the way the spec would; see [`check_json`].
pub type BodyCheck = fn(&[u8]) -> Result<(), Vec<String>>;

/// A body check for operations whose body is the JSON type `T`: it must decode as `T`.
pub fn check_decodes<T: DeserializeOwned>(body: &[u8]) -> Result<(), Vec<String>> {
    decode::<T>(body).map(drop)
}

/// A body check for operations whose body is the JSON type `T` with rules: it must decode as `T`
/// and pass `T`'s [`Validate`].
pub fn check_json<T: DeserializeOwned + Validate>(body: &[u8]) -> Result<(), Vec<String>> {
    let value = decode::<T>(body)?;
    let mut out = Violations::new();
    out.param(&value, "body", &Rules::NONE);
    match out.finish() {
        Ok(()) => Ok(()),
        Err(crate::RequestError::Invalid(v)) => Err(v.iter().map(ToString::to_string).collect()),
        Err(other) => Err(vec![other.to_string()]),
    }
}

fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, Vec<String>> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| vec![format!("body.{}: does not decode: {}", e.path(), e.inner())])
}

/// A mock HTTP server for one API; point a client at [`uri`](Self::uri).
pub struct MockServer {
    server: wiremock::MockServer,
    refusals: Arc<Mutex<Vec<Refusal>>>,
}

impl MockServer {
    /// Starts a server on a free local port.
    pub async fn start() -> Self {
        MockServer { server: wiremock::MockServer::start().await, refusals: Arc::default() }
    }

    /// The server's base URL.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// An expectation for operation `O` (a generated request builder, e.g. `CreateContact<'static>`),
    /// installed by [`Expect::mount`].
    pub fn expect<O: Mocked>(&self) -> Expect<'_, O> {
        Expect {
            server: self,
            path: None,
            body: None,
            reply: ResponseTemplate::new(200),
            times: None,
            up_to: None,
            op: PhantomData,
        }
    }

    /// `O`'s fallback answer: `status` with `example` as JSON, after `check` accepts the body
    /// (pass `None` for an operation without a body). A body `check` rejects is answered 422 with
    /// `{"refused": {"operation", "reasons"}}` and recorded as a [`Refusal`]. Without an example
    /// the answer is `status` with no body.
    pub async fn answer_example<O: Operation>(&self, status: u16, example: Option<Value>, check: Option<BodyCheck>) {
        let fallback = Fallback { operation: O::ID, status, example, check, refusals: Arc::clone(&self.refusals) };
        Mock::given(method(O::METHOD.as_str()))
            .and(path_regex(template_regex(O::TEMPLATE)))
            .respond_with(fallback)
            .with_priority(FALLBACK_PRIORITY)
            .named(O::ID)
            .mount(&self.server)
            .await;
    }

    /// The refusals so far, in order; taking them keeps the server from panicking on drop.
    pub fn take_refusals(&self) -> Vec<Refusal> {
        std::mem::take(&mut *self.refusals.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// How many requests the server received.
    pub async fn received(&self) -> usize {
        self.server.received_requests().await.map_or(0, |r| r.len())
    }
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer").field("uri", &self.uri()).finish()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let left = self.take_refusals();
        if !left.is_empty() && !std::thread::panicking() {
            let list: Vec<String> = left.iter().map(|r| format!("  - {r}")).collect();
            panic!(
                "the mock server refused {} request(s) the spec would reject (take them with `take_refusals`):\n{}",
                left.len(),
                list.join("\n")
            );
        }
    }
}

/// One expectation for operation `O`; answers 200 with no body until told otherwise.
#[must_use = "an expectation does nothing until it is mounted"]
pub struct Expect<'m, O> {
    server: &'m MockServer,
    path: Option<String>,
    body: Option<Value>,
    reply: ResponseTemplate,
    times: Option<u64>,
    up_to: Option<u64>,
    op: PhantomData<fn() -> O>,
}

impl<O: Mocked> Expect<'_, O> {
    /// Matches only these path values, in the template's order (by default, any). Panics, as a
    /// test helper should, when a value is missing or cannot be a path segment.
    pub fn path_values(mut self, values: &[&str]) -> Self {
        let mut out = String::new();
        let mut rest = O::TEMPLATE;
        let mut values = values.iter();
        while let (Some(open), Some(close)) = (rest.find('{'), rest.find('}')) {
            out.push_str(&rest[..open]);
            let name = &rest[open + 1..close];
            let value = values.next().unwrap_or_else(|| panic!("{}: no value for `{{{name}}}`", O::ID));
            let segment = crate::path_param(name, value).unwrap_or_else(|e| panic!("{}: {e}", O::ID));
            out.push_str(&segment);
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        self.path = Some(out);
        self
    }

    /// Matches only requests whose JSON body equals `body`.
    pub fn body(mut self, body: &O::Body) -> Self
    where
        O::Body: Serialize,
    {
        self.body = Some(serde_json::to_value(body).expect("the body serializes to JSON"));
        self
    }

    /// Answers `status` with `value` as JSON: a typed success, or a documented error's body.
    pub fn json<T: Serialize>(mut self, status: u16, value: &T) -> Self {
        self.reply = ResponseTemplate::new(status).set_body_json(value);
        self
    }

    /// Answers 200 with a typed success as JSON.
    pub fn ok(self, value: &O::Ok) -> Self
    where
        O::Ok: Serialize,
    {
        self.json(200, value)
    }

    /// Answers `status` with `body` as it is (say, HTML, or a body the spec does not describe).
    pub fn status(mut self, status: u16, body: impl Into<Vec<u8>>) -> Self {
        self.reply = ResponseTemplate::new(status).set_body_raw(body.into(), "application/octet-stream");
        self
    }

    /// Answers 429 with `Retry-After: seconds` and no body.
    pub fn too_many_requests(mut self, retry_after: u64) -> Self {
        self.reply = ResponseTemplate::new(429).insert_header("retry-after", retry_after.to_string().as_str());
        self
    }

    /// Holds the answer back by `delay`: longer than the client's timeout, it makes a timeout.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.reply = self.reply.set_delay(delay);
        self
    }

    /// Answers at most `n` requests; later ones fall through to other expectations.
    pub fn up_to(mut self, n: u64) -> Self {
        self.up_to = Some(n);
        self
    }

    /// Requires exactly `n` matching requests: the server panics on drop otherwise.
    pub fn times(mut self, n: u64) -> Self {
        self.times = Some(n);
        self
    }

    /// Installs the expectation.
    pub async fn mount(self) {
        let mut mock = Mock::given(method(O::METHOD.as_str()));
        mock = match self.path {
            Some(exact) => mock.and(path(exact)),
            None => mock.and(path_regex(template_regex(O::TEMPLATE))),
        };
        if let Some(body) = self.body {
            mock = mock.and(body_json(body));
        }
        let mut mock = mock.respond_with(self.reply).named(O::ID);
        if let Some(n) = self.up_to {
            mock = mock.up_to_n_times(n);
        }
        if let Some(n) = self.times {
            mock = mock.expect(n);
        }
        mock.mount(&self.server.server).await;
    }
}

/// `/a/{x}/b` as an anchored regex matching any one segment for `{x}`.
fn template_regex(template: &str) -> String {
    let mut out = String::from("^");
    let mut in_param = false;
    for c in template.chars() {
        match c {
            '{' => in_param = true,
            '}' => {
                in_param = false;
                out.push_str("[^/]+");
            }
            _ if in_param => {}
            c if c.is_ascii_alphanumeric() || c == '/' || c == '-' || c == '_' => out.push(c),
            c => {
                out.push('\\');
                out.push(c);
            }
        }
    }
    out.push('$');
    out
}

/// An operation's fallback answer; see [`MockServer::answer_example`].
struct Fallback {
    operation: &'static str,
    status: u16,
    example: Option<Value>,
    check: Option<BodyCheck>,
    refusals: Arc<Mutex<Vec<Refusal>>>,
}

impl Respond for Fallback {
    fn respond(&self, request: &WireRequest) -> ResponseTemplate {
        if let Some(Err(reasons)) = self.check.map(|check| check(&request.body)) {
            let body = serde_json::json!({ "refused": { "operation": self.operation, "reasons": reasons } });
            let refusal = Refusal { operation: self.operation, path: request.url.path().to_string(), reasons };
            self.refusals.lock().unwrap_or_else(PoisonError::into_inner).push(refusal);
            return ResponseTemplate::new(422).set_body_json(body);
        }
        match &self.example {
            Some(example) => ResponseTemplate::new(self.status).set_body_json(example),
            None => ResponseTemplate::new(self.status),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_regex_matches_one_segment_per_parameter() {
        assert_eq!(template_regex("/api/v1/books/{bookUid}/contacts.json"), r"^/api/v1/books/[^/]+/contacts\.json$");
    }
}
