//! Shared runtime of the generated clients: configuration and credentials, request encoding,
//! retries with backoff, bounded response reading, decoding, client-side validation and errors.
//! Generated modules stay thin by calling into this file; it knows nothing about any one API.

use ::std::collections::BTreeMap;
use ::std::fmt;
use ::std::time::Duration;

pub use ::reqwest::header::HeaderMap;

// ---------------------------------------------------------------------------------------------
// Credentials

/// A credential that never shows in `Debug` or `Display` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    /// The secret itself; only the request builder calls this.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Where an API key goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyLocation {
    Header,
    Query,
    Cookie,
}

/// How requests authenticate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credentials {
    /// `Authorization: Bearer <token>`.
    Bearer(Secret),
    /// `Authorization: Basic …`.
    Basic { username: String, password: Secret },
    /// A key in a header, query parameter or cookie named `name`.
    ApiKey { location: KeyLocation, name: String, key: Secret },
}

// ---------------------------------------------------------------------------------------------
// Configuration

/// When and how often a request is sent again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 disables retrying).
    pub max_retries: u32,
    /// Backoff before the first retry; doubled for each further one, with jitter.
    pub initial_backoff: Duration,
    /// Upper bound of one computed backoff.
    pub max_backoff: Duration,
    /// The longest `Retry-After` honoured; a server asking for longer gets its error returned at once.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy { max_retries: 0, ..Self::default() }
    }
}

/// Everything a client needs; build it with [`Config::new`] and the chained setters.
#[derive(Clone, Debug)]
pub struct Config {
    pub base_url: String,
    pub credentials: Option<Credentials>,
    /// Limit for a whole attempt, from sending to the last byte of the body. Default 30 s.
    pub timeout: Duration,
    /// Limit for establishing a connection. Default 10 s.
    pub connect_timeout: Duration,
    pub retry: RetryPolicy,
    /// Largest response body read into memory; a larger one is an error. Default 16 MiB.
    pub max_response_bytes: usize,
    pub user_agent: String,
    /// A preconfigured HTTP client (proxies, TLS roots); `connect_timeout` is then its own.
    pub http_client: Option<::reqwest::Client>,
}

impl Config {
    pub fn new(base_url: impl Into<String>) -> Self {
        Config {
            base_url: base_url.into(),
            credentials: None,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            max_response_bytes: 16 * 1024 * 1024,
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_string(),
            http_client: None,
        }
    }
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::Bearer(Secret::new(token)));
        self
    }
    pub fn basic_auth(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::Basic { username: username.into(), password: Secret::new(password) });
        self
    }
    pub fn api_key(mut self, location: KeyLocation, name: impl Into<String>, key: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::ApiKey { location, name: name.into(), key: Secret::new(key) });
        self
    }
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }
    pub fn http_client(mut self, client: ::reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }
}

/// A configuration that cannot work (a base URL that is not an absolute http(s) URL, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid client configuration: {}", self.0)
    }
}

impl ::std::error::Error for ConfigError {}

// ---------------------------------------------------------------------------------------------
// Requests

/// Serialization style of a query parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryStyle {
    /// `a=1&a=2`
    FormExplode,
    /// `a=1,2`
    FormComma,
    /// `a[k]=v`
    DeepObject,
}

#[derive(Clone, Debug)]
enum Body {
    Bytes(Vec<u8>),
    /// Multipart fields, rebuilt into a form for each attempt (a form cannot be cloned).
    Multipart(Vec<(String, String)>),
}

/// One request as a generated method describes it, before credentials and retries.
#[derive(Debug)]
pub struct Request {
    method: ::reqwest::Method,
    path: String,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Option<(String, Body)>,
    authenticated: bool,
    /// Safe to send twice: an idempotent method, or a request carrying an idempotency key.
    retry_safe: bool,
}

impl Request {
    pub fn new(method: ::reqwest::Method, path: String) -> Self {
        use ::reqwest::Method as M;
        let retry_safe = [M::GET, M::HEAD, M::PUT, M::DELETE, M::OPTIONS, M::TRACE].contains(&method);
        Request { method, path, query: Vec::new(), headers: HeaderMap::new(), body: None, authenticated: false, retry_safe }
    }

    /// Adds a query parameter; `None`/null values are left out.
    pub fn query<T: ::serde::Serialize + ?Sized>(&mut self, name: &str, value: &T, style: QueryStyle) -> Result<(), RequestError> {
        let value = to_value(name, value)?;
        expand_query(name, &value, style, &mut self.query);
        Ok(())
    }

    /// Adds a header parameter; `None`/null values are left out. CR, LF and other control
    /// characters are refused, so no value can add a header or split the request.
    pub fn header<T: ::serde::Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), RequestError> {
        let value = to_value(name, value)?;
        let text = match &value {
            ::serde_json::Value::Null => return Ok(()),
            ::serde_json::Value::Array(items) => items.iter().map(scalar_text).collect::<Vec<_>>().join(","),
            other => scalar_text(other),
        };
        self.set_header(name, &text)
    }

    /// Sends `given`, or a fresh random key, in header `name`; the key stays the same on every
    /// retry of this request, which is what makes retrying a POST safe.
    pub fn idempotency_key(&mut self, name: &str, given: Option<&str>) -> Result<(), RequestError> {
        let key = match given {
            Some("") => {
                return Err(RequestError::InvalidHeader { name: name.to_string(), reason: "an idempotency key cannot be empty".into() })
            }
            Some(k) => k.to_string(),
            None => random_key(),
        };
        self.set_header(name, &key)?;
        self.retry_safe = true;
        Ok(())
    }

    fn set_header(&mut self, name: &str, text: &str) -> Result<(), RequestError> {
        let header = ::reqwest::header::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| RequestError::InvalidHeader { name: name.to_string(), reason: "not a valid header name".into() })?;
        let value = ::reqwest::header::HeaderValue::from_str(text).map_err(|_| RequestError::InvalidHeader {
            name: name.to_string(),
            reason: "the value contains CR, LF or another character a header cannot hold".into(),
        })?;
        self.headers.append(header, value);
        Ok(())
    }

    pub fn json<T: ::serde::Serialize + ?Sized>(&mut self, content_type: &str, body: &T) -> Result<(), RequestError> {
        let bytes = ::serde_json::to_vec(body).map_err(|e| RequestError::Encode { what: "body".into(), reason: e.to_string() })?;
        self.body = Some((content_type.to_string(), Body::Bytes(bytes)));
        Ok(())
    }

    /// `application/x-www-form-urlencoded`: top-level fields as pairs, nested values as JSON text.
    pub fn form<T: ::serde::Serialize + ?Sized>(&mut self, content_type: &str, body: &T) -> Result<(), RequestError> {
        let mut pairs = Vec::new();
        expand_query_object(&to_value("body", body)?, &mut pairs)?;
        let mut url = ::reqwest::Url::parse("http://form.invalid/").map_err(|e| RequestError::Encode { what: "body".into(), reason: e.to_string() })?;
        url.query_pairs_mut().extend_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        self.body = Some((content_type.to_string(), Body::Bytes(url.query().unwrap_or("").as_bytes().to_vec())));
        Ok(())
    }

    /// `multipart/form-data`: one text part per field (array fields repeat the name).
    pub fn multipart<T: ::serde::Serialize + ?Sized>(&mut self, body: &T) -> Result<(), RequestError> {
        let mut pairs = Vec::new();
        expand_query_object(&to_value("body", body)?, &mut pairs)?;
        self.body = Some(("multipart/form-data".to_string(), Body::Multipart(pairs)));
        Ok(())
    }

    pub fn bytes(&mut self, content_type: &str, body: &[u8]) {
        self.body = Some((content_type.to_string(), Body::Bytes(body.to_vec())));
    }

    /// Marks the request as needing the client's credentials.
    pub fn authenticate(&mut self) {
        self.authenticated = true;
    }
}

/// Encodes one path parameter so that no value can change the request's path or query:
/// everything but unreserved characters is percent-encoded, and `.`/`..` are refused, because
/// URL parsers (the `url` crate under reqwest included) treat `.`, `..` and their encodings
/// `%2E`, `%2E%2E` alike as dot-segments and would move the request to another path.
pub fn path_param<T: ::serde::Serialize + ?Sized>(name: &str, value: &T) -> Result<String, RequestError> {
    let text = match to_value(name, value)? {
        ::serde_json::Value::Null => {
            return Err(RequestError::InvalidParameter { name: name.to_string(), reason: "a path parameter cannot be null".into() })
        }
        ::serde_json::Value::Object(_) => {
            return Err(RequestError::InvalidParameter { name: name.to_string(), reason: "a path parameter cannot be an object".into() })
        }
        ::serde_json::Value::Array(items) => items.iter().map(scalar_text).collect::<Vec<_>>().join(","),
        other => scalar_text(&other),
    };
    if text.is_empty() {
        return Err(RequestError::InvalidParameter { name: name.to_string(), reason: "a path parameter cannot be empty".into() });
    }
    if text == "." || text == ".." {
        return Err(RequestError::InvalidParameter {
            name: name.to_string(),
            reason: format!("`{text}` would be read as a dot-segment and change the request's path"),
        });
    }
    const UNRESERVED: &::percent_encoding::AsciiSet =
        &::percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    let encoded = ::percent_encoding::utf8_percent_encode(&text, UNRESERVED).to_string();
    Ok(if encoded.chars().all(|c| c == '.') { encoded.replace('.', "%2E") } else { encoded })
}

fn to_value<T: ::serde::Serialize + ?Sized>(name: &str, value: &T) -> Result<::serde_json::Value, RequestError> {
    ::serde_json::to_value(value).map_err(|e| RequestError::Encode { what: name.to_string(), reason: e.to_string() })
}

fn scalar_text(v: &::serde_json::Value) -> String {
    match v {
        ::serde_json::Value::String(s) => s.clone(),
        ::serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn expand_query(name: &str, value: &::serde_json::Value, style: QueryStyle, out: &mut Vec<(String, String)>) {
    use ::serde_json::Value as V;
    match (value, style) {
        (V::Null, _) => {}
        (V::Array(items), QueryStyle::FormComma) => out.push((name.to_string(), items.iter().map(scalar_text).collect::<Vec<_>>().join(","))),
        (V::Array(items), _) => out.extend(items.iter().map(|i| (name.to_string(), scalar_text(i)))),
        (V::Object(map), QueryStyle::DeepObject) => {
            out.extend(map.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (format!("{name}[{k}]"), scalar_text(v))))
        }
        (V::Object(map), QueryStyle::FormExplode) => {
            out.extend(map.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), scalar_text(v))))
        }
        (V::Object(map), QueryStyle::FormComma) => {
            let flat: Vec<String> = map.iter().flat_map(|(k, v)| [k.clone(), scalar_text(v)]).collect();
            out.push((name.to_string(), flat.join(",")))
        }
        (other, _) => out.push((name.to_string(), scalar_text(other))),
    }
}

fn expand_query_object(value: &::serde_json::Value, out: &mut Vec<(String, String)>) -> Result<(), RequestError> {
    match value {
        ::serde_json::Value::Object(map) => {
            for (k, v) in map {
                expand_query(k, v, QueryStyle::FormExplode, out);
            }
            Ok(())
        }
        _ => Err(RequestError::Encode { what: "body".into(), reason: "a form body must be an object".into() }),
    }
}

/// 128 random bits as a UUID-shaped string, from the standard library's per-process random keys
/// (no extra dependency for one random number).
fn random_key() -> String {
    let (a, b) = (random_u64(), random_u64());
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0x0fff,
        ((b >> 48) & 0x3fff) | 0x8000,
        b & 0xffff_ffff_ffff
    )
}

fn random_u64() -> u64 {
    use ::std::hash::{BuildHasher, Hasher};
    let mut h = ::std::collections::hash_map::RandomState::new().build_hasher();
    let nanos = ::std::time::SystemTime::now().duration_since(::std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    h.write_u128(nanos);
    h.finish()
}

// ---------------------------------------------------------------------------------------------
// Client and sending

/// The HTTP side of a generated client.
#[derive(Clone, Debug)]
pub struct Client {
    config: Config,
    http: ::reqwest::Client,
}

impl Client {
    pub fn new(config: Config) -> Result<Self, ConfigError> {
        let url = ::reqwest::Url::parse(&config.base_url)
            .map_err(|e| ConfigError(format!("base URL `{}` is not a URL: {e}", config.base_url)))?;
        // A query or fragment would swallow the operation paths appended to the base URL.
        if !matches!(url.scheme(), "http" | "https") || url.query().is_some() || url.fragment().is_some() {
            return Err(ConfigError(format!("base URL `{}` must be http(s) without a query or fragment", config.base_url)));
        }
        let http = match &config.http_client {
            Some(c) => c.clone(),
            None => ::reqwest::Client::builder()
                .connect_timeout(config.connect_timeout)
                .user_agent(config.user_agent.clone())
                .build()
                .map_err(|e| ConfigError(format!("cannot build the HTTP client: {e}")))?,
        };
        Ok(Client { config, http })
    }

    pub fn base_url(&self) -> &str {
        &self.config.base_url
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Sends `request`, retrying where safe, and reads the whole (bounded) response.
    pub async fn execute<E>(&self, request: Request) -> Result<RawResponse, Error<E>> {
        let url = self.url(&request)?;
        let policy = &self.config.retry;
        let mut attempt = 0u32;
        loop {
            let result = self.attempt(&request, url.clone()).send().await;
            let can_retry = attempt < policy.max_retries;
            match result {
                Ok(response) => {
                    let status = response.status().as_u16();
                    if can_retry && request.retry_safe && (status == 429 || status == 503) {
                        let wait = match retry_after(response.headers()) {
                            Some(wait) if wait > policy.max_retry_after => None,
                            Some(wait) => Some(wait),
                            None => Some(backoff(policy, attempt)),
                        };
                        if let Some(wait) = wait {
                            drop(response);
                            ::tokio::time::sleep(wait).await;
                            attempt += 1;
                            continue;
                        }
                    }
                    return read(response, self.config.max_response_bytes).await;
                }
                // A failed connect sent nothing, so even an unsafe request may go again.
                Err(e) if can_retry && (e.is_connect() || (request.retry_safe && e.is_timeout())) => {
                    ::tokio::time::sleep(backoff(policy, attempt)).await;
                    attempt += 1;
                }
                Err(e) => return Err(Error::Transport(TransportError::new(e, None))),
            }
        }
    }

    fn url(&self, request: &Request) -> Result<::reqwest::Url, RequestError> {
        let joined = format!("{}{}", self.config.base_url.trim_end_matches('/'), request.path);
        let mut url = ::reqwest::Url::parse(&joined)
            .map_err(|e| RequestError::InvalidParameter { name: "path".into(), reason: e.to_string() })?;
        let mut pairs = request.query.clone();
        if let (true, Some(Credentials::ApiKey { location: KeyLocation::Query, name, key })) = (request.authenticated, &self.config.credentials) {
            pairs.push((name.clone(), key.expose().to_string()));
        }
        if !pairs.is_empty() {
            url.query_pairs_mut().extend_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        }
        Ok(url)
    }

    fn attempt(&self, request: &Request, url: ::reqwest::Url) -> ::reqwest::RequestBuilder {
        let mut builder = self.http.request(request.method.clone(), url).timeout(self.config.timeout).headers(request.headers.clone());
        if request.authenticated {
            builder = match &self.config.credentials {
                Some(Credentials::Bearer(token)) => builder.header(::reqwest::header::AUTHORIZATION, sensitive(&format!("Bearer {}", token.expose()))),
                Some(Credentials::Basic { username, password }) => builder.basic_auth(username, Some(password.expose())),
                Some(Credentials::ApiKey { location: KeyLocation::Header, name, key }) => builder.header(name.as_str(), sensitive(key.expose())),
                Some(Credentials::ApiKey { location: KeyLocation::Cookie, name, key }) => {
                    builder.header(::reqwest::header::COOKIE, sensitive(&format!("{name}={}", key.expose())))
                }
                _ => builder,
            };
        }
        match &request.body {
            Some((content_type, Body::Bytes(bytes))) => builder.header(::reqwest::header::CONTENT_TYPE, content_type.as_str()).body(bytes.clone()),
            Some((_, Body::Multipart(fields))) => {
                let form = fields.iter().fold(::reqwest::multipart::Form::new(), |f, (k, v)| f.text(k.clone(), v.clone()));
                builder.multipart(form)
            }
            None => builder,
        }
    }
}

/// A header value marked sensitive (kept out of reqwest's debug output); values that cannot be a
/// header become empty rather than panicking — the server then answers 401.
fn sensitive(text: &str) -> ::reqwest::header::HeaderValue {
    let mut value = ::reqwest::header::HeaderValue::from_str(text).unwrap_or_else(|_| ::reqwest::header::HeaderValue::from_static(""));
    value.set_sensitive(true);
    value
}

/// Exponential backoff with jitter: a random wait between half and all of `initial · 2^attempt`.
fn backoff(policy: &RetryPolicy, attempt: u32) -> Duration {
    let full = policy.initial_backoff.saturating_mul(1u32 << attempt.min(16)).min(policy.max_backoff);
    let half = full / 2;
    let span = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX).max(1);
    half + Duration::from_nanos(random_u64() % span)
}

/// `Retry-After` as seconds or an HTTP date.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get(::reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = text.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = ::httpdate::parse_http_date(text).ok()?;
    Some(when.duration_since(::std::time::SystemTime::now()).unwrap_or(Duration::ZERO))
}

/// Reads the body chunk by chunk, never holding more than `limit` bytes.
async fn read<E>(mut response: ::reqwest::Response, limit: usize) -> Result<RawResponse, Error<E>> {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    if response.content_length().is_some_and(|len| len > limit as u64) {
        return Err(Error::ResponseTooLarge { status, limit });
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > limit {
                    return Err(Error::ResponseTooLarge { status, limit });
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) => return Err(Error::Transport(TransportError::new(e, Some(status)))),
        }
    }
    Ok(RawResponse { status, headers, body })
}

// ---------------------------------------------------------------------------------------------
// Responses

/// A whole response, before the generated method decides what it means.
#[derive(Debug)]
pub struct RawResponse {
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl RawResponse {
    pub fn status(&self) -> u16 {
        self.status
    }

    pub fn json<T: ::serde::de::DeserializeOwned>(&self) -> Result<T, Box<DecodeError>> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Err(self.decode_error("the body is empty where JSON was expected".into()));
        }
        ::serde_json::from_slice(&self.body).map_err(|e| self.decode_error(format!("the body does not match the documented schema: {e}")))
    }

    pub fn text(&self) -> Result<String, Box<DecodeError>> {
        String::from_utf8(self.body.clone()).map_err(|e| self.decode_error(format!("the body is not UTF-8: {e}")))
    }

    pub fn bytes(&self) -> Vec<u8> {
        self.body.clone()
    }

    fn decode_error(&self, message: String) -> Box<DecodeError> {
        let content_type = self.headers.get(::reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_string);
        Box::new(DecodeError { status: self.status, headers: self.headers.clone(), body: self.body.clone(), content_type, message })
    }

    /// A documented success.
    pub fn finish<T>(self, body: T) -> Response<T> {
        Response { status: self.status, headers: self.headers, body }
    }

    /// A documented failure.
    pub fn fail<E>(self, body: E) -> Error<E> {
        Error::Api(ApiError { status: self.status, headers: self.headers, body, raw: self.body })
    }

    /// A status the operation does not document.
    pub fn unexpected<E>(self) -> Error<E> {
        Error::UnexpectedStatus(RawError { status: self.status, headers: self.headers, body: self.body })
    }
}

/// A successful response: the typed body with the status and headers it came with.
#[derive(Debug, Clone)]
pub struct Response<T> {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: T,
}

impl<T> Response<T> {
    pub fn into_body(self) -> T {
        self.body
    }
    /// The `x-request-id` header, if the server sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.headers.get("x-request-id").and_then(|v| v.to_str().ok())
    }
}

// ---------------------------------------------------------------------------------------------
// Errors

/// Why a request was not sent.
#[derive(Debug, Clone, PartialEq)]
pub enum RequestError {
    /// Values break the spec's constraints.
    Invalid(Vec<Violation>),
    InvalidParameter { name: String, reason: String },
    InvalidHeader { name: String, reason: String },
    Encode { what: String, reason: String },
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

/// A documented error response, parsed.
#[derive(Debug, Clone)]
pub struct ApiError<E> {
    pub status: u16,
    pub headers: HeaderMap,
    /// The body parsed as the operation's error type.
    pub body: E,
    /// The body as received.
    pub raw: Vec<u8>,
}

/// A response kept as received.
#[derive(Debug, Clone)]
pub struct RawError {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// A body that does not decode as documented.
#[derive(Debug, Clone)]
pub struct DecodeError {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub content_type: Option<String>,
    pub message: String,
}

/// No usable response: connecting, sending, a timeout, or the body breaking off.
#[derive(Debug)]
pub struct TransportError {
    /// Set when the status line arrived before the failure.
    pub status: Option<u16>,
    source: ::reqwest::Error,
}

impl TransportError {
    fn new(e: ::reqwest::Error, status: Option<u16>) -> Self {
        // The URL can carry an API key in its query: keep it out of every message.
        TransportError { status, source: e.without_url() }
    }
    pub fn is_timeout(&self) -> bool {
        self.source.is_timeout()
    }
    pub fn is_connect(&self) -> bool {
        self.source.is_connect()
    }
}

/// Everything an operation can fail with; `E` is the operation's documented error enum.
#[derive(Debug)]
pub enum Error<E> {
    /// Nothing was sent: a value breaks the spec's rules or cannot be encoded.
    InvalidRequest(RequestError),
    /// A status the spec documents as a failure, with its parsed body.
    Api(ApiError<E>),
    /// A status the spec does not document for this operation.
    UnexpectedStatus(RawError),
    /// A documented status whose body does not decode as documented.
    Decode(Box<DecodeError>),
    /// The body is larger than `Config::max_response_bytes`; reading stopped there.
    ResponseTooLarge { status: u16, limit: usize },
    /// No usable response.
    Transport(TransportError),
}

impl<E> From<RequestError> for Error<E> {
    fn from(e: RequestError) -> Self {
        Error::InvalidRequest(e)
    }
}

impl<E> From<Box<DecodeError>> for Error<E> {
    fn from(e: Box<DecodeError>) -> Self {
        Error::Decode(e)
    }
}

impl<E> Error<E> {
    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::UnexpectedStatus(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::ResponseTooLarge { status, .. } => Some(*status),
            Error::Transport(e) => e.status,
            Error::InvalidRequest(_) => None,
        }
    }

    /// The response headers, when a response arrived.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api(e) => Some(&e.headers),
            Error::UnexpectedStatus(e) => Some(&e.headers),
            Error::Decode(e) => Some(&e.headers),
            _ => None,
        }
    }

    /// The response body as received.
    pub fn raw_body(&self) -> Option<&[u8]> {
        match self {
            Error::Api(e) => Some(&e.raw),
            Error::UnexpectedStatus(e) => Some(&e.body),
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

    /// The provider's machine-readable error code, from the usual places in a JSON error body
    /// (`error.code`, `code`, `error_code`, `errorCode`, or `error` when it is a string).
    pub fn error_code(&self) -> Option<String> {
        let body: ::serde_json::Value = ::serde_json::from_slice(self.raw_body()?).ok()?;
        ["/error/code", "/code", "/error_code", "/errorCode", "/error/type", "/error"]
            .iter()
            .find_map(|p| body.pointer(p).and_then(|v| v.as_str()).map(str::to_string))
    }

    /// The request id: the `x-request-id` header, else the usual body fields
    /// (`request_id`, `requestId`, `metadata.requestId`, `error.request_id`, …).
    pub fn request_id(&self) -> Option<String> {
        if let Some(id) = self.headers().and_then(|h| h.get("x-request-id")).and_then(|v| v.to_str().ok()) {
            return Some(id.to_string());
        }
        let body: ::serde_json::Value = ::serde_json::from_slice(self.raw_body()?).ok()?;
        ["/request_id", "/requestId", "/metadata/requestId", "/metadata/request_id", "/error/request_id", "/error/requestId", "/meta/requestId"]
            .iter()
            .find_map(|p| body.pointer(p).and_then(|v| v.as_str()).map(str::to_string))
    }

    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport(e) if e.is_timeout())
    }
}

impl<E: fmt::Display> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(e) => write!(f, "request not sent: {e}")?,
            Error::Api(e) => write!(f, "HTTP {}: {}", e.status, e.body)?,
            Error::UnexpectedStatus(e) => write!(f, "HTTP {}: a status this operation does not document", e.status)?,
            Error::Decode(e) => write!(
                f,
                "HTTP {}: {} (content type {})",
                e.status,
                e.message,
                e.content_type.as_deref().unwrap_or("none")
            )?,
            Error::ResponseTooLarge { status, limit } => write!(f, "HTTP {status}: the response body exceeds {limit} bytes")?,
            Error::Transport(e) => match e.status {
                Some(s) => write!(f, "HTTP {s}: the response broke off: {}", e.source)?,
                None if e.is_timeout() => write!(f, "the request timed out: {}", e.source)?,
                None => write!(f, "no response: {}", e.source)?,
            },
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

impl<E: fmt::Debug + fmt::Display> ::std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn ::std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(&e.source),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// String enums

/// What every generated string enum shares: its wire values, `Display`, `FromStr` (a value the
/// spec does not list becomes `Unknown(..)`, so new server values never fail parsing), serde
/// as a plain string, and validation (an `Unknown` value is refused before a request is sent).
/// Generated code invokes it once per enum with the variant → wire value table.
macro_rules! string_enum {
    ($name:ident { $($variant:ident = $value:literal),* $(,)? }) => {
        impl $name {
            /// Every value the spec lists.
            pub const VALUES: &'static [&'static str] = &[$($value),*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::Unknown(other) => other.as_str(),
                }
            }

            /// False for values the spec does not list.
            pub fn is_known(&self) -> bool {
                !::std::matches!(self, Self::Unknown(_))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(match s {
                    $($value => Self::$variant,)*
                    other => Self::Unknown(other.to_owned()),
                })
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(s: &str) -> Self {
                match s.parse() {
                    ::std::result::Result::Ok(v) => v,
                    ::std::result::Result::Err(never) => match never {},
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                ::std::result::Result::Ok(Self::from(&*s))
            }
        }

        impl $crate::runtime::Validate for $name {
            fn validate(
                &self,
                path: &$crate::runtime::FieldPath,
                _rules: &$crate::runtime::Rules,
                out: &mut ::std::vec::Vec<$crate::runtime::Violation>,
            ) {
                if let Self::Unknown(v) = self {
                    out.push($crate::runtime::Violation::not_listed(path, v, Self::VALUES));
                }
            }
        }
    };
}
pub(crate) use string_enum;

/// `Validate` for a generated type with no rules of its own and no field that has any.
macro_rules! nothing_to_validate {
    ($name:ident) => {
        impl $crate::runtime::Validate for $name {
            fn validate(
                &self,
                _: &$crate::runtime::FieldPath,
                _: &$crate::runtime::Rules,
                _: &mut ::std::vec::Vec<$crate::runtime::Violation>,
            ) {
            }
        }
    };
}
pub(crate) use nothing_to_validate;

// ---------------------------------------------------------------------------------------------
// Validation

/// Where a value sits in a request: `body.contacts[3].email`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath(String);

impl FieldPath {
    pub fn root(name: &str) -> Self {
        FieldPath(name.to_string())
    }
    pub fn field(&self, name: &str) -> Self {
        FieldPath(format!("{}.{name}", self.0))
    }
    pub fn index(&self, i: usize) -> Self {
        FieldPath(format!("{}[{i}]", self.0))
    }
    pub fn key(&self, k: &str) -> Self {
        FieldPath(format!("{}[{k:?}]", self.0))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One broken rule: where, which rule (the spec's keyword), and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub path: String,
    pub rule: &'static str,
    pub message: String,
}

impl Violation {
    fn new(path: &FieldPath, rule: &'static str, message: String) -> Self {
        Violation { path: path.0.clone(), rule, message }
    }
    /// An enum value the spec does not list, about to be sent.
    pub fn not_listed(path: &FieldPath, value: &str, allowed: &[&str]) -> Self {
        Violation::new(path, "enum", format!("`{value}` is not one of {}", allowed.join(", ")))
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.path, self.rule, self.message)
    }
}

/// The constraints of one schema position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rules {
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
    pub pattern: Option<&'static str>,
    pub email: bool,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: bool,
    pub exclusive_maximum: bool,
    /// Rules for each element of an array or value of a map.
    pub items: Option<&'static Rules>,
}

impl Rules {
    pub const NONE: Rules = Rules {
        min_length: None,
        max_length: None,
        min_items: None,
        max_items: None,
        pattern: None,
        email: false,
        minimum: None,
        maximum: None,
        exclusive_minimum: false,
        exclusive_maximum: false,
        items: None,
    };
}

/// Checks a value against `rules` and, for generated types, every nested field's own rules.
pub trait Validate {
    fn validate(&self, path: &FieldPath, rules: &Rules, out: &mut Vec<Violation>);
}

/// Turns collected violations into the error that stops a request.
pub fn reject(violations: Vec<Violation>) -> Result<(), RequestError> {
    if violations.is_empty() {
        Ok(())
    } else {
        Err(RequestError::Invalid(violations))
    }
}

impl Validate for str {
    fn validate(&self, path: &FieldPath, rules: &Rules, out: &mut Vec<Violation>) {
        let len = self.chars().count();
        if let Some(max) = rules.max_length.filter(|m| len > *m) {
            out.push(Violation::new(path, "maxLength", format!("{len} characters, at most {max} allowed")));
        }
        if let Some(min) = rules.min_length.filter(|m| len < *m) {
            out.push(Violation::new(path, "minLength", format!("{len} characters, at least {min} required")));
        }
        if let Some(pattern) = rules.pattern {
            if matches_pattern(pattern, self) == Some(false) {
                out.push(Violation::new(path, "pattern", format!("{self:?} does not match `{pattern}`")));
            }
        }
        if rules.email && !is_email(self) {
            out.push(Violation::new(path, "format", format!("{self:?} is not an email address")));
        }
    }
}

impl Validate for String {
    fn validate(&self, path: &FieldPath, rules: &Rules, out: &mut Vec<Violation>) {
        self.as_str().validate(path, rules, out)
    }
}

impl<T: Validate + ?Sized> Validate for &T {
    fn validate(&self, path: &FieldPath, rules: &Rules, out: &mut Vec<Violation>) {
        (**self).validate(path, rules, out)
    }
}

impl<T: Validate + ?Sized> Validate for Box<T> {
    fn validate(&self, path: &FieldPath, rules: &Rules, out: &mut Vec<Violation>) {
        (**self).validate(path, rules, out)
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate(&self, path: &FieldPath, rules: &Rules, out: &mut Vec<Violation>) {
        if let Some(v) = self {
            v.validate(path, rules, out)
        }
    }
}

impl<T: Validate> Validate for [T] {
    fn validate(&self, path: &FieldPath, rules: &Rules, out: &mut Vec<Violation>) {
        if let Some(max) = rules.max_items.filter(|m| self.len() > *m) {
            out.push(Violation::new(path, "maxItems", format!("{} items, at most {max} allowed", self.len())));
        }
        if let Some(min) = rules.min_items.filter(|m| self.len() < *m) {
            out.push(Violation::new(path, "minItems", format!("{} items, at least {min} required", self.len())));
        }
        let inner = rules.items.unwrap_or(&Rules::NONE);
        for (i, item) in self.iter().enumerate() {
            item.validate(&path.index(i), inner, out);
        }
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, path: &FieldPath, rules: &Rules, out: &mut Vec<Violation>) {
        self.as_slice().validate(path, rules, out)
    }
}

impl<T: Validate> Validate for BTreeMap<String, T> {
    fn validate(&self, path: &FieldPath, rules: &Rules, out: &mut Vec<Violation>) {
        let inner = rules.items.unwrap_or(&Rules::NONE);
        for (k, v) in self {
            v.validate(&path.key(k), inner, out);
        }
    }
}

impl Validate for ::serde_json::Value {
    fn validate(&self, _: &FieldPath, _: &Rules, _: &mut Vec<Violation>) {}
}

impl Validate for bool {
    fn validate(&self, _: &FieldPath, _: &Rules, _: &mut Vec<Violation>) {}
}

macro_rules! numeric {
    ($($t:ty),*) => {$(
        impl Validate for $t {
            fn validate(&self, path: &FieldPath, rules: &Rules, out: &mut Vec<Violation>) {
                check_number(*self as f64, path, rules, out)
            }
        }
    )*};
}
numeric!(i8, i16, i32, i64, u8, u16, u32, u64, f32, f64);

fn check_number(v: f64, path: &FieldPath, rules: &Rules, out: &mut Vec<Violation>) {
    if let Some(min) = rules.minimum {
        if v < min || (rules.exclusive_minimum && v == min) {
            out.push(Violation::new(path, "minimum", format!("{v} is below the minimum {min}")));
        }
    }
    if let Some(max) = rules.maximum {
        if v > max || (rules.exclusive_maximum && v == max) {
            out.push(Violation::new(path, "maximum", format!("{v} is above the maximum {max}")));
        }
    }
}

/// `Some(matched)`, or `None` when the spec's pattern is not a regex this runtime understands
/// (the generator warns about those; the server still checks them).
fn matches_pattern(pattern: &'static str, text: &str) -> Option<bool> {
    use ::std::sync::{Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<BTreeMap<&'static str, Option<::regex_lite::Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(BTreeMap::new()));
    let mut cache = cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let regex = cache.entry(pattern).or_insert_with(|| ::regex_lite::Regex::new(pattern).ok());
    regex.as_ref().map(|r| r.is_match(text))
}

/// A pragmatic address check: one `@`, a non-empty local part, a dotted domain, no spaces.
fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else { return false };
    !local.is_empty()
        && !domain.contains('@')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && domain.split('.').count() >= 2
        && domain.split('.').all(|label| !label.is_empty())
}

/// For required nullable fields: `null` is `None`, and — because a `deserialize_with` field has
/// no implicit default — a missing field is an error rather than a silent `None`.
pub fn required_nullable<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: ::serde::Deserializer<'de>,
    T: ::serde::Deserialize<'de>,
{
    <Option<T> as ::serde::Deserialize>::deserialize(deserializer)
}

/// For optional nullable fields: a present `null` becomes `Some(None)`, so it stays distinct
/// from an absent field (`None`, via `#[serde(default)]`).
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: ::serde::Deserializer<'de>,
    T: ::serde::Deserialize<'de>,
{
    <Option<T> as ::serde::Deserialize>::deserialize(deserializer).map(Some)
}

/// What [`round_trip`] found: the value serialized back, and any rule it breaks.
pub type RoundTrip = Result<(::serde_json::Value, Vec<Violation>), String>;

/// Parses `value` as `T`, validates it and serializes it back (used by spec-example tests).
pub fn round_trip<T>(value: ::serde_json::Value) -> RoundTrip
where
    T: ::serde::de::DeserializeOwned + ::serde::Serialize + Validate,
{
    let parsed: T = ::serde_json::from_value(value).map_err(|e| e.to_string())?;
    let mut violations = Vec::new();
    parsed.validate(&FieldPath::root("example"), &Rules::NONE, &mut violations);
    let back = ::serde_json::to_value(&parsed).map_err(|e| e.to_string())?;
    Ok((back, violations))
}
