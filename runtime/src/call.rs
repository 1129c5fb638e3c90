//! One call of an operation, before it is sent: the client it goes through and the settings
//! that override the client's configuration for this call only.
//!
//! Generated request builders hold a [`Call`]; [`operation!`](super::operation) gives each of
//! them `IntoFuture` and the [`Operation`] impl, whose provided methods are `send` and the
//! `with_timeout`, `with_retry` and `with_header` overrides.

use super::client::Client;
use super::config::RetryPolicy;
use super::error::{Error, RequestError};
use super::request::{header_pair, path_param, Method, Request};
use super::response::{RawResponse, Response};
use reqwest::header::HeaderMap;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

/// The future a generated request builder turns into when awaited.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A call in the making: the client, plus overrides for this call only.
#[derive(Debug)]
pub struct Call<'a> {
    pub(super) client: &'a Client,
    pub(super) overrides: Overrides,
}

/// What one call changes of its client's configuration, set through [`Operation`]'s `with_*`
/// methods.
#[derive(Debug, Default)]
pub struct Overrides {
    pub(super) timeout: Option<Duration>,
    pub(super) retry: Option<RetryPolicy>,
    pub(super) headers: HeaderMap,
    /// The first override that could not be applied; the call fails with it before sending.
    pub(super) invalid: Option<RequestError>,
}

impl Overrides {
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
}

impl<'a> Call<'a> {
    /// A call through `client` with the client's own settings.
    pub fn new(client: &'a Client) -> Self {
        Call { client, overrides: Overrides::default() }
    }

    /// This call's overrides of the client's configuration.
    pub fn overrides(&mut self) -> &mut Overrides {
        &mut self.overrides
    }

    /// The request for one operation: `operation` and `template` name it (in errors and traces),
    /// `path` is the template with its parameters already encoded.
    pub fn request(self, method: Method, operation: &'static str, template: &'static str, path: String) -> Request<'a> {
        Request::new(self, method, operation, template, path)
    }
}

/// A request builder of a generated client. The constants name the operation in traces and
/// errors; [`send`](Operation::send) turns the builder into its future, as awaiting it does; the
/// `with_*` methods override the client's configuration for this call only.
///
/// These methods are written once here rather than on every builder (which keeps generated
/// crates quick to compile), so bring the trait into scope to call them:
///
/// ```ignore
/// use oas_client_runtime::Operation as _;
/// let contact = client.get_contact("c-1").with_timeout(Duration::from_secs(5)).await?;
/// ```
pub trait Operation {
    /// The operation id.
    const ID: &'static str;
    /// The HTTP method.
    const METHOD: Method;
    /// The path template as the spec writes it.
    const TEMPLATE: &'static str;

    /// The overrides the `with_*` methods set ([`operation!`](super::operation) implements it).
    #[doc(hidden)]
    fn overrides(&mut self) -> &mut Overrides;

    /// Sends the request (retrying where safe) and decodes the response: what awaiting the
    /// builder does, as a future to keep, select on or spawn.
    fn send(self) -> <Self as IntoFuture>::IntoFuture
    where
        Self: IntoFuture + Sized,
    {
        self.into_future()
    }

    /// Limits each attempt of this call to `timeout`, instead of the client's timeout.
    fn with_timeout(mut self, timeout: Duration) -> Self
    where
        Self: Sized,
    {
        self.overrides().set_timeout(timeout);
        self
    }

    /// Retries this call by `policy`, instead of the client's retry policy.
    fn with_retry(mut self, policy: RetryPolicy) -> Self
    where
        Self: Sized,
    {
        self.overrides().set_retry(policy);
        self
    }

    /// Adds a header to this call only. A name or value a header cannot hold fails the call
    /// with `Error::InvalidRequest` before anything is sent.
    fn with_header(mut self, name: &str, value: &str) -> Self
    where
        Self: Sized,
    {
        self.overrides().add_header(name, value);
        self
    }
}

impl<'a> Call<'a> {
    /// The request for operation `O`: its path template with each `{name}` replaced, in order,
    /// by one of `params`, percent-encoded as one path segment (see [`path_param`](super::path_param)).
    pub fn start<O: Operation>(self, params: &[&dyn PathValue]) -> std::result::Result<Request<'a>, RequestError> {
        let path = fill_template(O::TEMPLATE, params)?;
        Ok(Request::new(self, O::METHOD, O::ID, O::TEMPLATE, path))
    }
}

/// A value that can fill a `{name}` of a path template.
pub trait PathValue {
    /// The value percent-encoded as one path segment; `name` names it in errors.
    fn segment(&self, name: &str) -> std::result::Result<String, RequestError>;
}

impl<T: serde::Serialize + ?Sized> PathValue for T {
    fn segment(&self, name: &str) -> std::result::Result<String, RequestError> {
        path_param(name, self)
    }
}

/// `/a/{x}/b/{y}` with `params` in place of `{x}` and `{y}`, in order.
fn fill_template(template: &str, params: &[&dyn PathValue]) -> std::result::Result<String, RequestError> {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    let mut params = params.iter();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
        let name = &rest[open + 1..close];
        let value = params.next().ok_or_else(|| RequestError::InvalidParameter {
            name: name.to_string(),
            reason: "no value was given for this path parameter".into(),
        })?;
        out.push_str(&rest[..open]);
        out.push_str(&value.segment(name)?);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// What every call returns: the typed response, or why there is none.
pub type Result<T, E> = std::result::Result<Response<T>, Error<E>>;

/// Sends a prepared request and decodes its response with the operation's `decode`: the one
/// async function behind every generated builder's future.
pub fn send<'a, T: 'a, E: 'a>(
    request: std::result::Result<Request<'a>, RequestError>,
    decode: fn(RawResponse) -> Result<T, E>,
) -> BoxFuture<'a, Result<T, E>> {
    Box::pin(async move { decode(request?.send().await?) })
}

/// Completes a generated request builder: a struct with a `call: Call<'a>` field and a
/// `fn request(self) -> Result<Request<'a>, RequestError>`. From the operation's method, path
/// template, id, types and its table of responses it adds `decode`, `IntoFuture` and the
/// [`Operation`] impl (whose provided methods are `send` and the per-call overrides), so that
/// the builder is awaited directly: `client.op(required).optional(x).await`.
///
/// Each row of the table is `status pattern => outcome`, the outcome one of `ok json`,
/// `ok text`, `ok bytes`, `ok empty` (the success type itself), the same followed by a variant of
/// the success enum, `err json V`, `err text V`, `err bytes V`, `err empty V` (a variant of the
/// error enum), or `unexpected`. See [`RawResponse`] for what each does.
#[macro_export]
macro_rules! operation {
    (
        $builder:ident, $method:ident $template:literal $id:literal => $ok:ty, $err:ty {
            $($status:pat => $($outcome:ident)+),* $(,)?
        }
    ) => {
        impl $crate::__rt::Operation for $builder<'_> {
            const ID: &'static str = $id;
            const METHOD: $crate::__rt::Method = $crate::__rt::Method::$method;
            const TEMPLATE: &'static str = $template;
            fn overrides(&mut self) -> &mut $crate::__rt::Overrides {
                self.call.overrides()
            }
        }
        impl<'a> $builder<'a> {
            fn decode(r: $crate::__rt::RawResponse) -> $crate::__rt::Result<$ok, $err> {
                match r.status() {
                    $($status => $crate::__decode_arm!(r, $ok, $err, $($outcome)+),)*
                }
            }
        }
        impl<'a> ::std::future::IntoFuture for $builder<'a> {
            type Output = $crate::__rt::Result<$ok, $err>;
            type IntoFuture = $crate::__rt::BoxFuture<'a, Self::Output>;
            fn into_future(self) -> Self::IntoFuture {
                $crate::__rt::send(self.request(), Self::decode)
            }
        }
    };
}

/// One outcome of an [`operation!`](super::operation) table, as a call on the raw response.
#[doc(hidden)]
#[macro_export]
macro_rules! __decode_arm {
    ($r:ident, $ok:ty, $err:ty, ok json) => {
        $r.ok_json()
    };
    ($r:ident, $ok:ty, $err:ty, ok text) => {
        $r.ok_text(::std::string::String::from)
    };
    ($r:ident, $ok:ty, $err:ty, ok bytes) => {
        $r.ok_bytes(::std::vec::Vec::from)
    };
    ($r:ident, $ok:ty, $err:ty, ok empty) => {
        $r.ok_empty(())
    };
    ($r:ident, $ok:ty, $err:ty, ok json $v:ident) => {
        $r.ok_json_as(<$ok>::$v)
    };
    ($r:ident, $ok:ty, $err:ty, ok text $v:ident) => {
        $r.ok_text(<$ok>::$v)
    };
    ($r:ident, $ok:ty, $err:ty, ok bytes $v:ident) => {
        $r.ok_bytes(<$ok>::$v)
    };
    ($r:ident, $ok:ty, $err:ty, ok empty $v:ident) => {
        $r.ok_empty(<$ok>::$v)
    };
    ($r:ident, $ok:ty, $err:ty, err json $v:ident) => {
        $r.err_json(<$err>::$v)
    };
    ($r:ident, $ok:ty, $err:ty, err text $v:ident) => {
        $r.err_text(<$err>::$v)
    };
    ($r:ident, $ok:ty, $err:ty, err bytes $v:ident) => {
        $r.err_bytes(<$err>::$v)
    };
    ($r:ident, $ok:ty, $err:ty, err empty $v:ident) => {
        $r.err_empty(<$err>::$v)
    };
    ($r:ident, $ok:ty, $err:ty, unexpected) => {
        $r.unexpected()
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_filled_in_order_and_encoded() {
        /// Template, values, the path or a part of the error.
        type Row<'a> = (&'a str, &'a [&'a dyn PathValue], std::result::Result<&'a str, &'a str>);
        let table: &[Row] = &[
            ("/a/{x}/b/{y}", &[&"one two", &7u32], Ok("/a/one%20two/b/7")),
            ("/static", &[], Ok("/static")),
            ("/{id}.json", &[&"a/b"], Ok("/a%2Fb.json")),
            ("/{a}{b}", &[&"x", &"y"], Ok("/xy")),
            ("/{x}", &[], Err("no value")),
            ("/{x}", &[&".."], Err("dot-segment")),
        ];
        for (template, params, want) in table {
            match (fill_template(template, params), want) {
                (Ok(got), Ok(w)) => assert_eq!(&got, w, "{template}"),
                (Err(e), Err(w)) => assert!(e.to_string().contains(w), "{template}: {e}"),
                (got, w) => panic!("{template}: wanted {w:?}, got {got:?}"),
            }
        }
    }
}
