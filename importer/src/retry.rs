//! Sending one request until it gets an answer that settles it.
//!
//! Every importer call is sent with the runtime's retries off, and retried here instead, for all
//! three providers alike: a Whats91 batch carries no idempotency key, so the runtime would not
//! retry it, yet giving up on it would lose its rows. Retrying is safe because a request that
//! was applied but not answered does no harm when sent again (Whats91 upserts by phone, Kirim
//! replays the idempotency key, WA.cr refuses a phone it already has).
//!
//! | answer | verdict |
//! |---|---|
//! | 429, 503 | retry after `Retry-After` (all requests pause that long), else backoff; not applied |
//! | connection refused | retry with backoff; not applied |
//! | timeout, connection reset, 408, other 5xx, a 2xx whose body is unreadable | retry with backoff; *unanswered*: it may have been applied |
//! | 401, 403, 404, 415 | stop the import: no other request can succeed |
//! | any other failure (400, 409, 422, …) | refused: the row (or batch) gets status `FAILED` |

use crate::pipeline::Ctx;
use crate::providers::{rows_label, RowMeta};
use std::future::Future;
use std::sync::atomic::Ordering;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;
use whatsapp_contacts::runtime::{self as rt, Error, RetryPolicy};

#[derive(Debug, Clone)]
pub struct RetrySettings {
    /// The runtime's policy, applied here: retries of one request after its first attempt, the
    /// backoff between them, and the longest `Retry-After` waited for (a longer one stops the
    /// import, which can be resumed).
    pub policy: RetryPolicy,
    /// Limit of one attempt.
    pub timeout: Duration,
}

/// Why the import stopped before every row had an outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Abort {
    /// Nothing more can succeed (bad token, unknown book, journal not writable).
    Fatal(String),
    /// A request kept failing in a way that may pass; running the command again resumes.
    GaveUp(String),
    /// Another request stopped the import.
    Stopped,
    /// Ctrl-C: requests in flight were let finish, and the report is written.
    Interrupted,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Retry {
        after: Option<Duration>,
        unanswered: bool,
        why: String,
    },
    Refused,
    /// What is wrong, to be followed by the failure's description.
    Fatal(&'static str),
}

/// What kind of failure an error is, apart from its details.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    NotSent,
    Connect,
    Timeout,
    BrokeOff,
    Unreadable,
    Status(u16),
}

impl Failure {
    pub fn of<E>(e: &Error<E>) -> Failure {
        match e {
            Error::InvalidRequest(_) => Failure::NotSent,
            Error::Transport(t) if t.is_connect() => Failure::Connect,
            Error::Transport(t) if t.is_timeout() => Failure::Timeout,
            Error::Transport(_) => Failure::BrokeOff,
            Error::Decode(_) | Error::ResponseTooLarge { .. } => Failure::Unreadable,
            _ => Failure::Status(e.status().unwrap_or(0)),
        }
    }
}

pub fn classify(failure: Failure, after: Option<Duration>) -> Verdict {
    let retry = |unanswered: bool, why: &str| Verdict::Retry { after: None, unanswered, why: why.to_string() };
    match failure {
        Failure::NotSent => Verdict::Refused,
        Failure::Connect => retry(false, "cannot connect"),
        Failure::Timeout => retry(true, "no answer within the timeout"),
        Failure::BrokeOff => retry(true, "the connection broke off before the answer"),
        Failure::Unreadable => retry(true, "the answer could not be read"),
        Failure::Status(s @ (429 | 503)) => Verdict::Retry { after, unanswered: false, why: format!("HTTP {s}") },
        Failure::Status(s @ (408 | 500..=599)) => Verdict::Retry { after, unanswered: true, why: format!("HTTP {s}") },
        Failure::Status(401 | 403) => Verdict::Fatal("the server refused the token"),
        Failure::Status(404) => Verdict::Fatal("the server has no such target (check the id and --base-url)"),
        Failure::Status(415) => Verdict::Fatal("the server refused the request format"),
        Failure::Status(_) => Verdict::Refused,
    }
}

/// A short account of a failure for the report: status, provider code, message, request id.
pub fn describe<E>(e: &Error<E>) -> String {
    let Some(status) = e.status().filter(|_| !matches!(e, Error::Transport(_))) else {
        return e.to_string();
    };
    let mut out = format!("HTTP {status}");
    if let Some(code) = e.error_code() {
        out.push(' ');
        out.push_str(&code);
    }
    if let Some(message) = e.message() {
        out.push_str(": ");
        out.push_str(&message);
    }
    if let Some(id) = e.request_id() {
        out.push_str(&format!(" (request id {id})"));
    }
    out
}

/// The answer that settled a request.
pub enum Answer<T, E> {
    Done(rt::Response<T>),
    Refused(Error<E>),
}

pub struct Outcome<T, E> {
    pub answer: Answer<T, E>,
    /// An earlier attempt got no answer: it may have been applied.
    pub unanswered: bool,
}

/// Sends the request for `rows` (through `attempt`) until the answer settles it. When it stops
/// without a result and every attempt was answered, the journal says the rows were not applied.
pub async fn send<T, E, F, Fut>(ctx: &Ctx, rows: &[RowMeta], attempt: F) -> Result<Outcome<T, E>, Abort>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<rt::Response<T>, Error<E>>>,
{
    let mut unanswered = false;
    match attempts(ctx, rows, &mut unanswered, attempt).await {
        Err(abort) if !unanswered => Err(ctx.not_applied(rows).err().unwrap_or(abort)),
        settled => settled,
    }
}

async fn attempts<T, E, F, Fut>(
    ctx: &Ctx,
    rows: &[RowMeta],
    unanswered: &mut bool,
    mut attempt: F,
) -> Result<Outcome<T, E>, Abort>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<rt::Response<T>, Error<E>>>,
{
    let what = || rows_label(rows);
    for tries in 0.. {
        ctx.pacer.wait().await;
        if ctx.stopped() {
            return Err(Abort::Stopped);
        }
        ctx.stats.requests.fetch_add(1, Ordering::Relaxed);
        tracing::debug!("{}: sending (attempt {})", what(), tries + 1);
        let e = match attempt().await {
            Ok(response) => return Ok(Outcome { answer: Answer::Done(response), unanswered: *unanswered }),
            Err(e) => e,
        };
        let failure = Failure::of(&e);
        let (after, why) = match classify(failure, e.headers().and_then(rt::retry_after)) {
            Verdict::Refused => return Ok(Outcome { answer: Answer::Refused(e), unanswered: *unanswered }),
            Verdict::Fatal(what) => return Err(Abort::Fatal(format!("{what}: {}", describe(&e)))),
            Verdict::Retry { after, unanswered: u, why } => {
                *unanswered |= u;
                let counter = match (u, failure) {
                    (true, _) => &ctx.stats.unanswered,
                    (false, Failure::Status(429)) => &ctx.stats.throttled,
                    _ => &ctx.stats.unavailable,
                };
                counter.fetch_add(1, Ordering::Relaxed);
                (after, why)
            }
        };
        let policy = &ctx.retry.policy;
        if tries >= policy.max_retries {
            return Err(Abort::GaveUp(format!("{}: {why} ({} attempts)", what(), tries + 1)));
        }
        let Some(wait) = policy.delay(tries, after) else {
            return Err(Abort::GaveUp(format!(
                "{}: the server asks to wait {} s, more than --max-wait ({} s); run the command again later",
                what(),
                after.unwrap_or_default().as_secs(),
                policy.max_retry_after.as_secs()
            )));
        };
        if after.is_some() {
            ctx.pacer.hold(wait);
        }
        tracing::info!("{}: {why}; retrying in {} ms", what(), wait.as_millis());
        // A stop (Ctrl-C, another request's failure) ends the wait at once.
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = ctx.stopping() => return Err(Abort::Stopped),
        }
    }
    unreachable!("the loop returns")
}

/// A pause shared by all requests: when the server asks one of them to wait (`Retry-After`),
/// the others wait too instead of running into the same limit.
#[derive(Debug, Default)]
pub struct Pacer {
    until: Mutex<Option<Instant>>,
}

impl Pacer {
    pub fn hold(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut u = self.until.lock().unwrap_or_else(|p| p.into_inner());
        if u.is_none_or(|t| t < until) {
            *u = Some(until);
        }
    }

    pub async fn wait(&self) {
        loop {
            let until = *self.until.lock().unwrap_or_else(|p| p.into_inner());
            match until {
                Some(t) if t > Instant::now() => tokio::time::sleep_until(t).await,
                _ => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_retried_refused_or_fatal_as_the_table_says() {
        let secs = Some(Duration::from_secs(2));
        let retry = |after, unanswered| move |v: Verdict| matches!(v, Verdict::Retry { after: a, unanswered: u, .. } if a == after && u == unanswered);
        assert!(retry(secs, false)(classify(Failure::Status(429), secs)));
        assert!(retry(None, false)(classify(Failure::Status(503), None)));
        assert!(retry(None, false)(classify(Failure::Connect, secs)), "Retry-After comes only with a status");
        for f in [
            Failure::Timeout,
            Failure::BrokeOff,
            Failure::Unreadable,
            Failure::Status(500),
            Failure::Status(502),
            Failure::Status(408),
        ] {
            assert!(retry(None, true)(classify(f, None)), "{f:?} may have been applied");
        }
        for s in [401, 403, 404, 415] {
            assert!(matches!(classify(Failure::Status(s), None), Verdict::Fatal(_)), "{s}");
        }
        for f in [Failure::Status(400), Failure::Status(409), Failure::Status(422), Failure::NotSent] {
            assert_eq!(classify(f, secs), Verdict::Refused, "{f:?}");
        }
    }
}
