//! One call of an operation, before it is sent: the client it goes through and the settings
//! that override the client's configuration for this call only.
//!
//! Generated request builders hold a [`Call`]; [`operation!`](crate::operation) gives each of
//! them `send`, the `with_timeout`, `with_retry` and `with_header` overrides, and `IntoFuture`.

use super::client::Client;
use super::config::RetryPolicy;
use super::error::{Error, RequestError};
use super::request::{header_pair, Method, Request};
use super::response::{RawResponse, Response};
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

/// What the [`operation!`](crate::operation) macro records about an operation: it names the
/// operation in traces and errors.
pub trait Operation {
    /// The operation id.
    const ID: &'static str;
    /// The HTTP method.
    const METHOD: Method;
    /// The path template as the spec writes it.
    const TEMPLATE: &'static str;
}

impl<'a> Call<'a> {
    /// The request for operation `O`, to the path `path` (the template with its parameters
    /// already encoded).
    pub fn start<O: Operation>(self, path: String) -> Request<'a> {
        Request::new(self, O::METHOD, O::ID, O::TEMPLATE, path)
    }
}

/// What every call returns: the typed response, or why there is none.
pub type Result<T, E> = std::result::Result<Response<T>, Error<E>>;

/// Sends a prepared request and decodes its response with the operation's `decode`: the one
/// async function behind every generated `send`.
pub fn send<'a, T: 'a, E: 'a>(
    request: std::result::Result<Request<'a>, RequestError>,
    decode: fn(RawResponse) -> Result<T, E>,
) -> BoxFuture<'a, Result<T, E>> {
    Box::pin(async move { decode(request?.send().await?) })
}

/// Completes a generated request builder: a struct with a `call: Call<'a>` field, a
/// `fn request(self) -> Result<Request<'a>, RequestError>` and a
/// `fn decode(RawResponse) -> Result<T, E>`. It adds `send`, the per-call overrides
/// (`with_timeout`, `with_retry`, `with_header`) and `IntoFuture`, so the builder can be awaited
/// directly: `client.op(required).optional(x).with_timeout(d).await`.
#[macro_export]
macro_rules! operation {
    ($builder:ident, $method:ident $template:literal $id:literal => $ok:ty, $err:ty) => {
        impl $crate::__rt::Operation for $builder<'_> {
            const ID: &'static str = $id;
            const METHOD: $crate::__rt::Method = $crate::__rt::Method::$method;
            const TEMPLATE: &'static str = $template;
        }
        impl<'a> $builder<'a> {
            /// Sends the request (retrying where safe) and decodes the response.
            pub fn send(self) -> $crate::__rt::BoxFuture<'a, $crate::__rt::Result<$ok, $err>> {
                $crate::__rt::send(self.request(), Self::decode)
            }
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
            type Output = $crate::__rt::Result<$ok, $err>;
            type IntoFuture = $crate::__rt::BoxFuture<'a, Self::Output>;
            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }
    };
}
