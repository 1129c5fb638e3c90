//! Client configuration: where requests go, how they authenticate, how long they may take and
//! when they are sent again.

use super::auth::{Credentials, KeyLocation, Secret};
use super::request::random_u64;
use std::fmt;
use std::time::Duration;

/// When and how often a request is sent again.
///
/// Only requests that are safe to repeat are retried: idempotent methods, and requests that carry
/// an idempotency key, after a 429 or 503, a timeout, or a connection lost before the answer. A
/// connection that could not be established is retried for any request, because nothing was sent.
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

    /// The wait before sending again after attempt `attempt` (0 is the first) failed: the
    /// server's `Retry-After` when it gave one (see [`retry_after`](super::retry_after)), else
    /// [`backoff`](Self::backoff). `None` when the server asks for longer than
    /// [`max_retry_after`](Self::max_retry_after): the failure is then final. Whether a failure
    /// may be retried at all, and how often, is the caller's decision.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Option<Duration> {
        match retry_after {
            Some(wait) if wait > self.max_retry_after => None,
            Some(wait) => Some(wait),
            None => Some(self.backoff(attempt)),
        }
    }

    /// Exponential backoff with jitter: a random wait between half and all of
    /// `initial_backoff · 2^attempt`, never more than [`max_backoff`](Self::max_backoff).
    pub fn backoff(&self, attempt: u32) -> Duration {
        let full = self.initial_backoff.saturating_mul(1u32 << attempt.min(16)).min(self.max_backoff);
        let half = full / 2;
        let span = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX).max(1);
        half + Duration::from_nanos(random_u64() % span)
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

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let p =
            RetryPolicy::default().initial_backoff(Duration::from_millis(100)).max_backoff(Duration::from_millis(350));
        for _ in 0..50 {
            let b0 = p.backoff(0);
            assert!(b0 >= Duration::from_millis(50) && b0 <= Duration::from_millis(100), "{b0:?}");
            let b1 = p.backoff(1);
            assert!(b1 >= Duration::from_millis(100) && b1 <= Duration::from_millis(200), "{b1:?}");
            let b9 = p.backoff(9);
            assert!(b9 >= Duration::from_millis(175) && b9 <= Duration::from_millis(350), "{b9:?}");
        }
        // A huge attempt count neither overflows nor exceeds the cap.
        assert!(p.backoff(u32::MAX) <= Duration::from_millis(350));
    }

    #[test]
    fn delay_honours_retry_after_up_to_its_limit_and_backs_off_without_it() {
        let p =
            RetryPolicy::default().initial_backoff(Duration::from_millis(100)).max_retry_after(Duration::from_secs(10));
        assert_eq!(p.delay(3, Some(Duration::from_secs(2))), Some(Duration::from_secs(2)));
        assert_eq!(p.delay(0, Some(Duration::from_secs(10))), Some(Duration::from_secs(10)));
        assert_eq!(p.delay(0, Some(Duration::from_secs(11))), None, "longer than max_retry_after");
        let backoff = p.delay(1, None).unwrap();
        assert!(backoff >= Duration::from_millis(100) && backoff <= Duration::from_millis(200), "{backoff:?}");
    }
}
