//! A typed mock server, on `wiremock`, for the tests of code that uses a generated client
//! (feature `mock`).
//!
//! A generated API module's `mock::MockServer` is [`MockServer`] over that module's
//! `Expectations`, which has one expectation method per operation ([`Api`] is what the module
//! tells this one). Expectations are keyed by the generated request builders, so that a test
//! names an operation, not a method and a path: `server.expect::<CreateContact>()`. Each one
//! matches the operation's method and path template (or exact path values, or a typed body) and
//! answers with a typed success, any status and body, a delay, a 429 with `Retry-After`, or a
//! reset connection.
//!
//! Until a test sets an expectation, each operation answers with the spec's example ([`Example`]):
//! a request whose body does not decode as the operation's request type, or breaks the spec's
//! rules ([`Validate`]), is refused with a 422 naming each broken rule and recorded as a
//! [`Refusal`]. Refusals must be taken with [`MockServer::take_refusals`]; a server dropped with
//! refusals left panics, listing them, so an invalid request never passes a test unnoticed.

mod front;

use super::{Method, Operation, RequestError, Rules, Validate, Violations};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;
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
    /// How [`Expect::ok`] answers `ok`: the documented status of its success, and its body.
    fn reply(ok: &Self::Ok) -> Reply;
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
        Err(RequestError::Invalid(v)) => Err(v.iter().map(ToString::to_string).collect()),
        Err(other) => Err(vec![other.to_string()]),
    }
}

fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, Vec<String>> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| vec![format!("body.{}: does not decode: {}", e.path(), e.inner())])
}

/// What a generated mock module tells [`MockServer`] about its API.
pub trait Api: Sized {
    /// The API's client.
    type Client;
    /// The expectations over a started server.
    fn new(server: Server) -> Self;
    /// The server the expectations mount on.
    fn server(&self) -> &Server;
    /// A client for the server at `base_url`, with placeholder credentials.
    fn client(base_url: String) -> Self::Client;
    /// Each operation's answer until a test sets an expectation.
    fn examples() -> Vec<Example>;
}

/// A mock HTTP server for the API `A`, on a free local port. It has `A`'s per-operation
/// expectation methods through `Deref`.
pub struct MockServer<A>(A);

impl<A: Api> MockServer<A> {
    /// Starts the server, every operation answering with its [`Example`].
    pub async fn start() -> Self {
        let server = Server::start().await;
        for example in A::examples() {
            server.answer(example).await;
        }
        MockServer(A::new(server))
    }

    /// A client for this server, with placeholder credentials.
    pub fn client(&self) -> A::Client {
        A::client(self.uri())
    }

    /// The server's base URL.
    pub fn uri(&self) -> String {
        self.0.server().uri()
    }

    /// An expectation for operation `O` (a generated request builder, e.g. `CreateContact<'static>`),
    /// installed by [`Expect::mount`].
    pub fn expect<O: Mocked>(&self) -> Expect<'_, O> {
        self.0.server().expect()
    }

    /// The refusals so far, in order; taking them keeps the server from panicking on drop.
    pub fn take_refusals(&self) -> Vec<Refusal> {
        self.0.server().take_refusals()
    }

    /// How many requests the server received.
    pub async fn received(&self) -> usize {
        self.0.server().received().await
    }
}

impl<A> Deref for MockServer<A> {
    type Target = A;

    fn deref(&self) -> &A {
        &self.0
    }
}

impl<A: Api> fmt::Debug for MockServer<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer").field("uri", &self.uri()).finish()
    }
}

/// The server behind a [`MockServer`]: wiremock, with a front that can reset connections.
pub struct Server {
    wiremock: wiremock::MockServer,
    front: front::Front,
    refusals: Arc<Mutex<Vec<Refusal>>>,
}

impl Server {
    async fn start() -> Self {
        let wiremock = wiremock::MockServer::start().await;
        let front = front::Front::start(*wiremock.address()).expect("the mock server's front listens on a local port");
        Server { wiremock, front, refusals: Arc::default() }
    }

    fn uri(&self) -> String {
        format!("http://{}", self.front.addr)
    }

    /// An expectation for operation `O`; see [`MockServer::expect`].
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

    /// Installs an operation's fallback answer, after every expectation a test sets.
    async fn answer(&self, example: Example) {
        let (id, matcher) = (example.operation, method(example.method.as_str()));
        let template = path_regex(template_regex(example.template));
        Mock::given(matcher)
            .and(template)
            .respond_with(Fallback { example, refusals: Arc::clone(&self.refusals) })
            .with_priority(FALLBACK_PRIORITY)
            .named(id)
            .mount(&self.wiremock)
            .await;
    }

    fn take_refusals(&self) -> Vec<Refusal> {
        std::mem::take(&mut *self.refusals.lock().unwrap_or_else(PoisonError::into_inner))
    }

    async fn received(&self) -> usize {
        self.wiremock.received_requests().await.map_or(0, |r| r.len())
    }
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server").field("uri", &self.uri()).finish()
    }
}

impl Drop for Server {
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

/// An operation's answer until a test sets an expectation: `status` with the spec's example as
/// JSON (no body without one), after `check` accepts the request body. A body `check` rejects is
/// answered 422 with `{"refused": {"operation", "reasons"}}` and recorded as a [`Refusal`].
#[derive(Debug, Clone)]
pub struct Example {
    operation: &'static str,
    method: Method,
    template: &'static str,
    status: u16,
    json: Option<&'static str>,
    check: Option<BodyCheck>,
}

impl Example {
    /// `O`'s example answer; `json` is the example as JSON text, `check` is `None` for an
    /// operation without a JSON body.
    pub fn of<O: Operation>(status: u16, json: Option<&'static str>, check: Option<BodyCheck>) -> Self {
        Example { operation: O::ID, method: O::METHOD, template: O::TEMPLATE, status, json, check }
    }
}

/// A typed answer: a status and a body as the spec describes it (see [`Mocked::reply`]).
#[derive(Debug, Clone)]
pub struct Reply(ResponseTemplate);

impl Reply {
    /// `status` with `body` as JSON.
    pub fn json<T: Serialize + ?Sized>(status: u16, body: &T) -> Self {
        Reply(ResponseTemplate::new(status).set_body_json(body))
    }

    /// `status` with `body` as `text/plain`.
    pub fn text(status: u16, body: &str) -> Self {
        Reply(ResponseTemplate::new(status).set_body_raw(body, "text/plain"))
    }

    /// `status` with `body` as `application/octet-stream`.
    pub fn bytes(status: u16, body: &[u8]) -> Self {
        Reply(ResponseTemplate::new(status).set_body_raw(body, "application/octet-stream"))
    }

    /// `status` with no body.
    pub fn empty(status: u16) -> Self {
        Reply(ResponseTemplate::new(status))
    }
}

/// One expectation for operation `O`; answers 200 with no body until told otherwise.
#[must_use = "an expectation does nothing until it is mounted"]
pub struct Expect<'m, O> {
    server: &'m Server,
    path: Option<String>,
    body: Option<serde_json::Value>,
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
            let segment = super::path_param(name, value).unwrap_or_else(|e| panic!("{}: {e}", O::ID));
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

    /// Answers with a typed success: its documented status, and its body as the spec describes
    /// it. For an operation with several documented successes, `ok` is one variant of its
    /// success enum, and the variant's status is the answer's.
    pub fn ok(self, ok: &O::Ok) -> Self {
        self.reply(O::reply(ok))
    }

    /// Answers `status` with `value` as JSON: a typed success, or a documented error's body.
    pub fn json<T: Serialize>(self, status: u16, value: &T) -> Self {
        self.reply(Reply::json(status, value))
    }

    /// Answers `status` with `body` as it is (say, HTML, or a body the spec does not describe).
    pub fn status(self, status: u16, body: impl Into<Vec<u8>>) -> Self {
        self.reply(Reply::bytes(status, &body.into()))
    }

    /// Answers 429 with `Retry-After: seconds` and no body.
    pub fn too_many_requests(self, retry_after: u64) -> Self {
        let reply = ResponseTemplate::new(429).insert_header("retry-after", retry_after.to_string().as_str());
        self.reply(Reply(reply))
    }

    /// Resets the connection (a TCP RST) once the request is read, instead of answering: the
    /// client sees a transport error.
    pub fn reset(self) -> Self {
        self.reply(Reply(ResponseTemplate::new(200).insert_header(front::RESET, "1")))
    }

    fn reply(mut self, reply: Reply) -> Self {
        self.reply = reply.0;
        self
    }

    /// Holds the answer back by `delay`: longer than the client's timeout, it makes a timeout.
    /// Set it after the answer.
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
        mock.mount(&self.server.wiremock).await;
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

/// An operation's fallback answer; see [`Example`].
struct Fallback {
    example: Example,
    refusals: Arc<Mutex<Vec<Refusal>>>,
}

impl Respond for Fallback {
    fn respond(&self, request: &WireRequest) -> ResponseTemplate {
        let example = &self.example;
        if let Some(Err(reasons)) = example.check.map(|check| check(&request.body)) {
            let body = serde_json::json!({ "refused": { "operation": example.operation, "reasons": reasons } });
            let refusal = Refusal { operation: example.operation, path: request.url.path().to_string(), reasons };
            self.refusals.lock().unwrap_or_else(PoisonError::into_inner).push(refusal);
            return ResponseTemplate::new(422).set_body_json(body);
        }
        match example.json {
            Some(json) => ResponseTemplate::new(example.status).set_body_raw(json, "application/json"),
            None => ResponseTemplate::new(example.status),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Call, Client, Config, Error, Request, RetryPolicy};
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[test]
    fn template_regex_matches_one_segment_per_parameter() {
        assert_eq!(template_regex("/api/v1/books/{bookUid}/contacts.json"), r"^/api/v1/books/[^/]+/contacts\.json$");
    }

    /// An operation with several documented successes, as a generated client and mock write it.
    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Job {
        id: String,
    }

    #[derive(Debug, PartialEq)]
    enum GetJobSuccess {
        Ok(Job),
        Accepted(Job),
        NoContent,
    }

    #[derive(Debug)]
    struct GetJob<'a> {
        call: Call<'a>,
        id: &'a str,
    }

    impl<'a> GetJob<'a> {
        fn request(self) -> Result<Request<'a>, RequestError> {
            self.call.start::<Self>(&[&self.id])
        }
    }

    crate::operation!(GetJob, Get "/jobs/{id}" "getJob" => GetJobSuccess, () {
        200 => ok json Ok,
        202 => ok json Accepted,
        204 => ok empty NoContent,
        _ => unexpected
    });

    impl Mocked for GetJob<'static> {
        type Ok = GetJobSuccess;
        type Body = ();
        fn reply(ok: &GetJobSuccess) -> Reply {
            match ok {
                GetJobSuccess::Ok(body) => Reply::json(200, body),
                GetJobSuccess::Accepted(body) => Reply::json(202, body),
                GetJobSuccess::NoContent => Reply::empty(204),
            }
        }
    }

    #[derive(Debug)]
    struct Jobs(Server);

    impl Jobs {
        fn get_job(&self) -> Expect<'_, GetJob<'static>> {
            self.0.expect()
        }
    }

    impl Api for Jobs {
        type Client = Client;
        fn new(server: Server) -> Self {
            Jobs(server)
        }
        fn server(&self) -> &Server {
            &self.0
        }
        fn client(base_url: String) -> Client {
            let retry = RetryPolicy::default().max_retries(1).initial_backoff(Duration::from_millis(1));
            Client::new(Config::new(base_url).retry(retry)).expect("a client")
        }
        fn examples() -> Vec<Example> {
            vec![Example::of::<GetJob<'static>>(200, Some(r#"{"id":"example"}"#), None)]
        }
    }

    fn get_job<'a>(client: &'a Client, id: &'a str) -> GetJob<'a> {
        GetJob { call: client.call(), id }
    }

    #[tokio::test]
    async fn ok_answers_each_documented_success_with_its_own_status() {
        let mock = MockServer::<Jobs>::start().await;
        let accepted = GetJobSuccess::Accepted(Job { id: "j1".into() });
        mock.get_job().ok(&accepted).up_to(1).mount().await;
        mock.get_job().ok(&GetJobSuccess::NoContent).up_to(1).mount().await;
        let client = mock.client();
        let first = get_job(&client, "j1").await.expect("the 202");
        assert_eq!((first.status, first.body), (202, accepted));
        let second = get_job(&client, "j1").await.expect("the 204");
        assert_eq!((second.status, second.body), (204, GetJobSuccess::NoContent));
        let example = get_job(&client, "j1").with_header("x-trace", "1").await.expect("the example");
        assert_eq!(example.body, GetJobSuccess::Ok(Job { id: "example".into() }));
    }

    #[tokio::test]
    async fn a_reset_is_a_transport_error_that_a_safe_request_retries() {
        let mock = MockServer::<Jobs>::start().await;
        mock.get_job().reset().up_to(1).mount().await;
        let client = mock.client();
        let err = get_job(&client, "j1").with_retry(RetryPolicy::none()).await.expect_err("a reset");
        assert!(matches!(err, Error::Transport(_)), "{err:?}");
        mock.get_job().reset().up_to(1).mount().await;
        let retried =
            get_job(&client, "j1").with_timeout(Duration::from_secs(5)).await.expect("the retry gets the example");
        assert_eq!(retried.status, 200);
        assert_eq!(mock.received().await, 3);
    }

    /// Reads one response with a `content-length` body from `stream`.
    async fn read_response(stream: &mut tokio::net::TcpStream) -> std::io::Result<(String, String)> {
        let mut buf = Vec::new();
        let mut byte = [0u8; 1];
        while !buf.ends_with(b"\r\n\r\n") {
            if stream.read(&mut byte).await? == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            buf.push(byte[0]);
        }
        let head = String::from_utf8_lossy(&buf).to_ascii_lowercase();
        let length = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .map_or(0, |n| n.trim().parse().expect("a length"));
        let mut body = vec![0u8; length];
        stream.read_exact(&mut body).await?;
        Ok((head, String::from_utf8_lossy(&body).into_owned()))
    }

    #[tokio::test]
    async fn the_front_keeps_a_connection_alive_and_reads_only_the_answers_header() {
        let mock = MockServer::<Jobs>::start().await;
        let marker = format!("{}: 1\r\n", front::RESET);
        mock.get_job().path_values(&["marker"]).status(200, marker.clone()).mount().await;
        mock.get_job().path_values(&["reset"]).reset().mount().await;
        let address = mock.uri().trim_start_matches("http://").to_string();
        let mut stream = tokio::net::TcpStream::connect(&address).await.expect("a connection");
        for id in ["one", "marker", "two"] {
            let request = format!("GET /jobs/{id} HTTP/1.1\r\nhost: {address}\r\n\r\n");
            stream.write_all(request.as_bytes()).await.expect("the request");
            let (head, body) = read_response(&mut stream).await.expect("an answer on the same connection");
            assert!(head.starts_with("http/1.1 200"), "{head}");
            assert!(!head.contains(front::RESET), "{head}");
            let want = if id == "marker" { marker.as_str() } else { r#"{"id":"example"}"# };
            assert_eq!(body, want);
        }
        let request = format!("GET /jobs/reset HTTP/1.1\r\nhost: {address}\r\n\r\n");
        stream.write_all(request.as_bytes()).await.expect("the request");
        let err = read_response(&mut stream).await.expect_err("no answer");
        assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset, "{err}");
    }
}
