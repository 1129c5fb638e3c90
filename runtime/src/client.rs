//! Sending: the HTTP client, retries with backoff, `Retry-After`, and bounded reading.

use super::auth::{Credentials, KeyLocation};
use super::call::{BoxFuture, Call};
use super::config::{Config, ConfigError, RetryPolicy};
use super::error::{RequestError, SendError, TransportError};
use super::request::{Body, Part, Request};
use super::response::{ByteStream, Opened, RawResponse, Response};
use reqwest::header::HeaderMap;
use std::time::{Duration, Instant};

/// The HTTP side of a generated client.
#[derive(Clone, Debug)]
pub struct Client {
    config: Config,
    http: reqwest::Client,
}

impl Client {
    /// Checks the configuration and builds the HTTP client.
    pub fn new(config: Config) -> Result<Self, ConfigError> {
        let url = reqwest::Url::parse(&config.base_url)
            .map_err(|e| ConfigError(format!("base URL `{}` is not a URL: {e}", config.base_url)))?;
        // A query or fragment would swallow the operation paths appended to the base URL.
        if !matches!(url.scheme(), "http" | "https") || url.query().is_some() || url.fragment().is_some() {
            return Err(ConfigError(format!(
                "base URL `{}` must be http(s) without a query or fragment",
                config.base_url
            )));
        }
        let http = match &config.http_client {
            Some(c) => c.clone(),
            None => reqwest::Client::builder()
                .connect_timeout(config.connect_timeout)
                .user_agent(config.user_agent.clone())
                .build()
                .map_err(|e| ConfigError(format!("cannot build the HTTP client: {e}")))?,
        };
        Ok(Client { config, http })
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.config.base_url
    }

    /// The configuration this client was built with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// A call through this client with its own settings.
    pub fn call(&self) -> Call<'_> {
        Call::new(self)
    }

    fn url(&self, request: &Request<'_>) -> Result<reqwest::Url, RequestError> {
        let joined = format!("{}{}", self.config.base_url.trim_end_matches('/'), request.path);
        let mut url = reqwest::Url::parse(&joined)
            .map_err(|e| RequestError::InvalidParameter { name: "path".into(), reason: e.to_string() })?;
        let mut pairs = request.query.clone();
        if let (true, Some(Credentials::ApiKey { location: KeyLocation::Query, name, key })) =
            (request.authenticated, &self.config.credentials)
        {
            pairs.push((name.clone(), key.expose().to_string()));
        }
        if !pairs.is_empty() {
            url.query_pairs_mut().extend_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        }
        Ok(url)
    }

    fn attempt(&self, request: &Request<'_>, url: reqwest::Url, timeout: Duration) -> reqwest::RequestBuilder {
        let mut headers = request.headers.clone();
        for (name, value) in &request.call.overrides.headers {
            headers.append(name, value.clone());
        }
        let mut builder = self.http.request(request.method.to_reqwest(), url).timeout(timeout).headers(headers);
        if request.authenticated {
            builder = match &self.config.credentials {
                Some(Credentials::Bearer(token)) => {
                    builder.header(reqwest::header::AUTHORIZATION, sensitive(&format!("Bearer {}", token.expose())))
                }
                Some(Credentials::Basic { username, password }) => {
                    builder.basic_auth(username, Some(password.expose()))
                }
                Some(Credentials::ApiKey { location: KeyLocation::Header, name, key }) => {
                    builder.header(name.as_str(), sensitive(key.expose()))
                }
                Some(Credentials::ApiKey { location: KeyLocation::Cookie, name, key }) => {
                    builder.header(reqwest::header::COOKIE, sensitive(&format!("{name}={}", key.expose())))
                }
                _ => builder,
            };
        }
        match &request.body {
            Some((content_type, Body::Bytes(bytes))) => {
                builder.header(reqwest::header::CONTENT_TYPE, content_type.as_str()).body(bytes.clone())
            }
            Some((_, Body::Multipart(parts))) => builder.multipart(form(parts)),
            None => builder,
        }
    }
}

/// What is done with a response once no retry is due: read it whole, or leave a success open.
/// Called inside the call's span, with the body limit and when the call started.
type Finish<T> = fn(reqwest::Response, usize, Instant) -> BoxFuture<'static, Result<T, SendError>>;

impl Request<'_> {
    /// Sends the request, retrying where safe, and reads the whole (bounded) response.
    pub async fn send(self) -> Result<RawResponse, SendError> {
        self.send_with(|response, limit, started| {
            Box::pin(async move {
                let read = read(response, limit).await;
                if let Ok(r) = &read {
                    trace::done(r.status(), r.headers(), started.elapsed());
                }
                read
            })
        })
        .await
    }

    /// Like [`send`](Self::send), but a success (2xx) is handed over unread, to be streamed
    /// without the size limit; any other status is read whole, bounded, as `send` reads it.
    pub(super) async fn open(self) -> Result<Opened, SendError> {
        self.send_with(|response, limit, started| {
            Box::pin(async move {
                if !response.status().is_success() {
                    return read(response, limit).await.map(Opened::Whole);
                }
                let (status, headers) = (response.status().as_u16(), response.headers().clone());
                trace::done(status, &headers, started.elapsed());
                Ok(Opened::Streaming(Response::new(status, headers, ByteStream::new(response))))
            })
        })
        .await
    }

    async fn send_with<T>(self, finish: Finish<T>) -> Result<T, SendError> {
        #[cfg(feature = "tracing")]
        {
            use tracing::Instrument;
            let span = tracing::info_span!(
                "http_call",
                operation = self.operation,
                method = self.method.as_str(),
                path = self.template,
                attempt = tracing::field::Empty,
                status = tracing::field::Empty,
                request_id = tracing::field::Empty,
                duration_ms = tracing::field::Empty,
            );
            self.send_traced(finish).instrument(span).await
        }
        #[cfg(not(feature = "tracing"))]
        self.send_traced(finish).await
    }

    async fn send_traced<T>(mut self, finish: Finish<T>) -> Result<T, SendError> {
        if let Some(e) = self.call.overrides.invalid.take() {
            return Err(SendError::Invalid(e));
        }
        let client = self.call.client;
        let url = client.url(&self).map_err(SendError::Invalid)?;
        let policy: &RetryPolicy = self.call.overrides.retry.as_ref().unwrap_or(&client.config.retry);
        let timeout = self.call.overrides.timeout.unwrap_or(client.config.timeout);
        let started = Instant::now();
        let mut attempt = 0u32;
        loop {
            trace::attempt(attempt);
            let result = client.attempt(&self, url.clone(), timeout).send().await;
            let can_retry = attempt < policy.max_retries;
            match result {
                Ok(response) => {
                    let status = response.status().as_u16();
                    if can_retry && self.retry_safe && (status == 429 || status == 503) {
                        if let Some(wait) = policy.delay(attempt, retry_after(response.headers())) {
                            trace::retry(attempt, wait, status_reason(status));
                            drop(response);
                            tokio::time::sleep(wait).await;
                            attempt += 1;
                            continue;
                        }
                    }
                    return finish(response, client.config.max_response_bytes, started).await;
                }
                // A failed connect sent nothing, so even an unsafe request may go again; a safe
                // one also after a timeout or a connection lost before the answer.
                Err(e) if can_retry && (e.is_connect() || (self.retry_safe && (e.is_timeout() || e.is_request()))) => {
                    let wait = policy.backoff(attempt);
                    let reason = if e.is_connect() {
                        "connection failed"
                    } else if e.is_timeout() {
                        "timed out"
                    } else {
                        "connection lost"
                    };
                    trace::retry(attempt, wait, reason);
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                Err(e) => return Err(SendError::Transport(TransportError::new(e, None))),
            }
        }
    }
}

fn status_reason(status: u16) -> &'static str {
    if status == 429 {
        "429 Too Many Requests"
    } else {
        "503 Service Unavailable"
    }
}

/// What the `tracing` feature records; no-ops without it. Never a credential, never a body.
mod trace {
    use reqwest::header::HeaderMap;
    use std::time::Duration;

    #[cfg(feature = "tracing")]
    pub fn attempt(attempt: u32) {
        tracing::Span::current().record("attempt", attempt);
    }

    #[cfg(feature = "tracing")]
    pub fn retry(attempt: u32, wait: Duration, reason: &str) {
        tracing::warn!(attempt, wait_ms = wait.as_millis() as u64, reason, "retrying");
    }

    #[cfg(feature = "tracing")]
    pub fn done(status: u16, headers: &HeaderMap, elapsed: Duration) {
        let span = tracing::Span::current();
        span.record("status", status);
        if let Some(id) = headers.get("x-request-id").and_then(|v| v.to_str().ok()) {
            span.record("request_id", id);
        }
        span.record("duration_ms", elapsed.as_millis() as u64);
    }

    #[cfg(not(feature = "tracing"))]
    pub fn attempt(_: u32) {}

    #[cfg(not(feature = "tracing"))]
    pub fn retry(_: u32, _: Duration, _: &str) {}

    #[cfg(not(feature = "tracing"))]
    pub fn done(_: u16, _: &HeaderMap, _: Duration) {}
}

/// A multipart form of `parts` (built anew for each attempt: a form cannot be cloned).
fn form(parts: &[(String, Part)]) -> reqwest::multipart::Form {
    use reqwest::multipart::{Form, Part as FormPart};
    parts.iter().fold(Form::new(), |form, (name, part)| match part {
        Part::Text(text) => form.text(name.clone(), text.clone()),
        Part::File { bytes, file_name, content_type } => {
            let headers = HeaderMap::from_iter([(reqwest::header::CONTENT_TYPE, content_type.clone())]);
            form.part(name.clone(), FormPart::bytes(bytes.clone()).file_name(file_name.clone()).headers(headers))
        }
    })
}

/// A header value marked sensitive (kept out of reqwest's debug output); values that cannot be a
/// header become empty rather than panicking — the server then answers 401.
fn sensitive(text: &str) -> reqwest::header::HeaderValue {
    let mut value =
        reqwest::header::HeaderValue::from_str(text).unwrap_or_else(|_| reqwest::header::HeaderValue::from_static(""));
    value.set_sensitive(true);
    value
}

/// `Retry-After` as seconds or an HTTP date (a date in the past means now).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = text.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(text).ok()?;
    Some(when.duration_since(std::time::SystemTime::now()).unwrap_or(Duration::ZERO))
}

/// Reads the body chunk by chunk, never holding more than `limit` bytes.
async fn read(mut response: reqwest::Response, limit: usize) -> Result<RawResponse, SendError> {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    if response.content_length().is_some_and(|len| len > limit as u64) {
        return Err(SendError::TooLarge { status, limit });
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > limit {
                    return Err(SendError::TooLarge { status, limit });
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) => return Err(SendError::Transport(TransportError::new(e, Some(status)))),
        }
    }
    Ok(RawResponse::new(status, headers, body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Method;
    use reqwest::header::{HeaderValue, RETRY_AFTER};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A loopback HTTP/1.1 server answering the n-th connection with `answers[n]` (the last one
    /// repeats), counting the requests it read.
    async fn server(answers: Vec<Vec<u8>>) -> (String, Arc<AtomicUsize>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let count = Arc::new(AtomicUsize::new(0));
        let seen = count.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else { return };
                let n = seen.fetch_add(1, Ordering::SeqCst);
                let answer = answers[n.min(answers.len() - 1)].clone();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 64 * 1024];
                    let mut read = 0;
                    // Read the head, then as many body bytes as Content-Length says.
                    loop {
                        let Ok(k) = socket.read(&mut buf[read..]).await else { return };
                        if k == 0 {
                            return;
                        }
                        read += k;
                        let text = String::from_utf8_lossy(&buf[..read]).to_string();
                        if let Some(head_end) = text.find("\r\n\r\n") {
                            let len = text
                                .lines()
                                .find_map(|l| {
                                    l.to_ascii_lowercase()
                                        .strip_prefix("content-length:")
                                        .map(|v| v.trim().parse().unwrap_or(0))
                                })
                                .unwrap_or(0usize);
                            if read >= head_end + 4 + len {
                                break;
                            }
                        }
                    }
                    let _ = socket.write_all(&answer).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        (base, count)
    }

    fn answer(status: &str, headers: &[&str], body: &str) -> Vec<u8> {
        let mut head = format!("HTTP/1.1 {status}\r\nconnection: close\r\ncontent-length: {}\r\n", body.len());
        for h in headers {
            head.push_str(h);
            head.push_str("\r\n");
        }
        format!("{head}\r\n{body}").into_bytes()
    }

    fn client(base: &str, f: impl FnOnce(Config) -> Config) -> Client {
        let retry =
            RetryPolicy::default().initial_backoff(Duration::from_millis(1)).max_backoff(Duration::from_millis(5));
        Client::new(f(Config::new(base).retry(retry))).unwrap()
    }

    async fn post(c: &Client, idempotent: bool) -> Result<RawResponse, SendError> {
        let mut r = c.call().request(Method::Post, "op", "/x", "/x".into());
        if idempotent {
            r.idempotency_key("Idempotency-Key", Some("k-1")).unwrap();
        }
        r.json("application/json", &serde_json::json!({"a": 1})).unwrap();
        r.send().await
    }

    #[tokio::test]
    async fn retry_after_is_waited_for_then_the_request_goes_again() {
        let (base, count) =
            server(vec![answer("503 Service Unavailable", &["retry-after: 1"], ""), answer("200 OK", &[], "{}")]).await;
        let c = client(&base, |c| c);
        let started = Instant::now();
        let r = post(&c, true).await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(count.load(Ordering::SeqCst), 2);
        assert!(started.elapsed() >= Duration::from_millis(950), "waited only {:?}", started.elapsed());
    }

    #[tokio::test]
    async fn a_post_without_idempotency_key_is_sent_once() {
        let (base, count) = server(vec![answer("503 Service Unavailable", &["retry-after: 0"], "busy")]).await;
        let r = post(&client(&base, |c| c), false).await.unwrap();
        assert_eq!((r.status(), count.load(Ordering::SeqCst)), (503, 1));
    }

    #[tokio::test]
    async fn a_too_long_retry_after_returns_at_once() {
        let (base, count) = server(vec![answer("429 Too Many Requests", &["retry-after: 3600"], "")]).await;
        let c = client(&base, |c| c.retry(RetryPolicy::default().max_retry_after(Duration::from_secs(1))));
        let r =
            tokio::time::timeout(Duration::from_secs(10), post(&c, true)).await.expect("no hour-long wait").unwrap();
        assert_eq!((r.status(), count.load(Ordering::SeqCst)), (429, 1));
    }

    #[tokio::test]
    async fn retries_stop_after_max_retries() {
        let (base, count) = server(vec![answer("503 Service Unavailable", &[], "")]).await;
        let c =
            client(&base, |c| c.retry(RetryPolicy::default().max_retries(3).initial_backoff(Duration::from_millis(1))));
        assert_eq!(post(&c, true).await.unwrap().status(), 503);
        assert_eq!(count.load(Ordering::SeqCst), 4, "the first attempt and three retries");
    }

    #[tokio::test]
    async fn bodies_over_the_limit_are_refused_declared_or_not() {
        let big = "x".repeat(2048);
        let declared = answer("200 OK", &[], &big);
        // Close-delimited: no Content-Length, so the limit is found while reading.
        let undeclared = format!("HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n{big}").into_bytes();
        for raw in [declared, undeclared] {
            let (base, _) = server(vec![raw]).await;
            let c = client(&base, |c| c.max_response_bytes(1024));
            match post(&c, false).await {
                Err(SendError::TooLarge { status: 200, limit: 1024 }) => {}
                other => panic!("expected TooLarge, got {other:?}"),
            }
        }
        let (base, _) = server(vec![answer("200 OK", &[], &"y".repeat(1024))]).await;
        assert!(
            post(&client(&base, |c| c.max_response_bytes(1024)), false).await.is_ok(),
            "the limit itself is allowed"
        );
    }

    #[tokio::test]
    async fn per_call_overrides_apply_to_that_call_only() {
        let (base, count) = server(vec![answer("503 Service Unavailable", &[], "")]).await;
        let c = client(&base, |c| c);
        let mut call = c.call();
        call.overrides().set_retry(RetryPolicy::none());
        call.overrides().add_header("x-trace", "t-1");
        let mut r = call.request(Method::Get, "op", "/x", "/x".into());
        r.authenticate();
        assert_eq!(r.send().await.unwrap().status(), 503);
        assert_eq!(count.load(Ordering::SeqCst), 1, "no retry for this call");
        let mut bad = c.call();
        bad.overrides().add_header("x-bad", "a\r\nInjected: 1");
        match bad.request(Method::Get, "op", "/x", "/x".into()).send().await {
            Err(SendError::Invalid(RequestError::InvalidHeader { name, .. })) => assert_eq!(name, "x-bad"),
            other => panic!("expected InvalidHeader, got {other:?}"),
        }
        assert_eq!(count.load(Ordering::SeqCst), 1, "the invalid call sent nothing");
    }

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(retry_after(&headers("7")), Some(Duration::from_secs(7)));
        assert_eq!(retry_after(&headers(" 0 ")), Some(Duration::ZERO));
        assert_eq!(retry_after(&headers("Wed, 21 Oct 2015 07:28:00 GMT")), Some(Duration::ZERO), "a past date is now");
        let soon = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(120));
        let wait = retry_after(&headers(&soon)).unwrap();
        assert!(wait > Duration::from_secs(100) && wait <= Duration::from_secs(120), "{wait:?}");
        assert_eq!(retry_after(&headers("soon")), None);
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }

    #[test]
    fn base_urls_are_checked() {
        assert!(Client::new(Config::new("https://api.example.test/v1")).is_ok());
        for bad in ["not a url", "ftp://x.test", "https://x.test/?q=1", "https://x.test/#f"] {
            assert!(Client::new(Config::new(bad)).is_err(), "{bad}");
        }
    }
}
