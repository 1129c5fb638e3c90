//! Client configuration: where requests go, how they authenticate, how long they may take and
//! when they are sent again.

use super::auth::{Credentials, KeyLocation, Secret};
use std::fmt;
use std::time::Duration;

/// When and how often a request is sent again.
///
/// Only requests that are safe to repeat are retried: idempotent methods, and requests that carry
/// an idempotency key. A connection that could not be established is retried for any request,
/// because nothing was sent.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
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

    /// Sets [`RetryPolicy::max_retries`].
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// Sets [`RetryPolicy::initial_backoff`].
    pub fn initial_backoff(mut self, d: Duration) -> Self {
        self.initial_backoff = d;
        self
    }

    /// Sets [`RetryPolicy::max_backoff`].
    pub fn max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }

    /// Sets [`RetryPolicy::max_retry_after`].
    pub fn max_retry_after(mut self, d: Duration) -> Self {
        self.max_retry_after = d;
        self
    }
}

/// Everything a client needs; build it with [`Config::new`] and the chained setters.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Config {
    /// Absolute http(s) URL that operation paths are appended to.
    pub base_url: String,
    /// How requests authenticate, if at all.
    pub credentials: Option<Credentials>,
    /// Limit for a whole attempt, from sending to the last byte of the body. Default 30 s.
    pub timeout: Duration,
    /// Limit for establishing a connection. Default 10 s.
    pub connect_timeout: Duration,
    /// When requests are sent again.
    pub retry: RetryPolicy,
    /// Largest response body read into memory; a larger one is an error. Default 16 MiB.
    pub max_response_bytes: usize,
    /// The `User-Agent` header.
    pub user_agent: String,
    /// A preconfigured HTTP client (proxies, TLS roots); `connect_timeout` is then its own.
    pub http_client: Option<reqwest::Client>,
}

impl Config {
    /// Defaults for `base_url`: no credentials, 30 s per attempt, 10 s to connect, two retries,
    /// a 16 MiB response limit.
    pub fn new(base_url: impl Into<String>) -> Self {
        Config {
            base_url: base_url.into(),
            credentials: None,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            max_response_bytes: 16 * 1024 * 1024,
            user_agent: concat!("oas-client-runtime/", env!("CARGO_PKG_VERSION")).to_string(),
            http_client: None,
        }
    }

    /// Authenticates with `Authorization: Bearer <token>`.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::Bearer(Secret::new(token)));
        self
    }

    /// Authenticates with HTTP basic authentication.
    pub fn basic_auth(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::Basic { username: username.into(), password: Secret::new(password) });
        self
    }

    /// Authenticates with an API key in a header, query parameter or cookie.
    pub fn api_key(mut self, location: KeyLocation, name: impl Into<String>, key: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::ApiKey { location, name: name.into(), key: Secret::new(key) });
        self
    }

    /// Sets [`Config::timeout`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets [`Config::connect_timeout`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets [`Config::retry`].
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets [`Config::max_response_bytes`].
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Sets [`Config::user_agent`].
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Sets [`Config::http_client`].
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
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

impl std::error::Error for ConfigError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_a_config_hides_the_token() {
        let c = Config::new("https://api.example.test").bearer_token("tok_secret_1");
        assert!(!format!("{c:?}").contains("tok_secret_1"));
    }

    #[test]
    fn retry_setters_chain() {
        let p = RetryPolicy::none().max_retries(5).initial_backoff(Duration::from_millis(1));
        assert_eq!(p.max_retries, 5);
        assert_eq!(p.initial_backoff, Duration::from_millis(1));
        assert_eq!(p.max_retry_after, RetryPolicy::default().max_retry_after);
    }
}
