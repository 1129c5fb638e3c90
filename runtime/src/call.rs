//! One call of an operation, before it is sent: the client it goes through and the settings
//! that override the client's configuration for this call only.
//!
//! Generated request builders hold a [`Call`]; [`request_builder!`](crate::request_builder)
//! gives each of them the `with_timeout`, `with_retry` and `with_header` overrides and makes it
//! awaitable (`IntoFuture`).

use super::client::Client;
use super::config::RetryPolicy;
use super::error::RequestError;
use super::request::{header_pair, Method, Request};
use reqwest::header::HeaderMap;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// The future a generated request builder turns into when awaited.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A call in the making: the client, plus overrides for this call only.
#[derive(Debug)]
pub struct Call<'a> {
    pub(super) client: &'a Client,
    pub(super) timeout: Option<Duration>,
    pub(super) retry: Option<RetryPolicy>,
    pub(super) headers: HeaderMap,
    /// The first override that could not be applied; the call fails with it before sending.
    pub(super) invalid: Option<RequestError>,
}

impl<'a> Call<'a> {
    /// A call through `client` with the client's own settings.
    pub fn new(client: &'a Client) -> Self {
        Call { client, timeout: None, retry: None, headers: HeaderMap::new(), invalid: None }
    }

    /// Limits each attempt of this call to `timeout` instead of the client's configured timeout.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = Some(timeout);
    }

    /// Retries this call by `policy` instead of the client's.
    pub fn set_retry(&mut self, policy: RetryPolicy) {
        self.retry = Some(policy);
    }

    /// Adds a header to this call. A name or value a header cannot hold (CR, LF, …) is kept as
    /// an error that fails the call before anything is sent.
    pub fn add_header(&mut self, name: &str, value: &str) {
        match header_pair(name, value) {
            Ok((n, v)) => {
                self.headers.append(n, v);
            }
            Err(e) => {
                self.invalid.get_or_insert(e);
            }
        }
    }

    /// The request for one operation: `operation` and `template` name it (in errors and traces),
    /// `path` is the template with its parameters already encoded.
    pub fn request(self, method: Method, operation: &'static str, template: &'static str, path: String) -> Request<'a> {
        Request::new(self, method, operation, template, path)
    }
}

/// Gives a generated request builder (a struct with a `call: Call<'a>` field and an
/// `async fn send(self)`) its per-call overrides and `IntoFuture`, so that it can be awaited
/// directly: `client.op(required).optional(x).with_timeout(d).await`.
#[macro_export]
macro_rules! request_builder {
    ($builder:ident => $ok:ty, $err:ty) => {
        impl<'a> $builder<'a> {
            /// Limits each attempt of this call to `timeout`, instead of the client's timeout.
            pub fn with_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.call.set_timeout(timeout);
                self
            }
            /// Retries this call by `policy`, instead of the client's retry policy.
            pub fn with_retry(mut self, policy: $crate::__rt::RetryPolicy) -> Self {
                self.call.set_retry(policy);
                self
            }
            /// Adds a header to this call only. A name or value a header cannot hold fails the
            /// call with `Error::InvalidRequest` before anything is sent.
            pub fn with_header(mut self, name: &str, value: &str) -> Self {
                self.call.add_header(name, value);
                self
            }
        }
        impl<'a> ::std::future::IntoFuture for $builder<'a> {
            type Output = ::std::result::Result<$crate::__rt::Response<$ok>, $crate::__rt::Error<$err>>;
            type IntoFuture = $crate::__rt::BoxFuture<'a, Self::Output>;
            fn into_future(self) -> Self::IntoFuture {
                ::std::boxed::Box::pin(self.send())
            }
        }
    };
}
