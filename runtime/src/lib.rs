//! The runtime of the clients that `oas-client-gen` generates from OpenAPI documents.
//!
//! A generated client describes each operation (method, path, parameters, body, documented
//! responses) and leaves the rest to this crate:
//!
//! - [`Config`] and [`Client`]: base URL, credentials ([`Secret`] keeps tokens out of every
//!   `Debug` and `Display`), timeouts, the retry policy and the response size limit;
//! - [`Call`], [`Request`] and [`operation!`]: one request with its per-call overrides (timeout, retry policy,
//!   extra headers), percent-encoded path parameters, query styles and bodies;
//! - sending: retries with exponential backoff and jitter on 429/503, timeouts, failed and lost
//!   connections, honouring `Retry-After` (seconds or HTTP date); a POST is retried only when it
//!   carries an idempotency key, which stays the same on every attempt;
//! - [`RawResponse`]: bodies read chunk by chunk up to a limit, then decoded by the rules in
//!   [`RawResponse`]'s docs (an undocumented 2xx is still a success, a documented failure whose
//!   body does not match its schema is still a failure with its status);
//! - [`Error`]: what went wrong, with the status, the provider's error code and request id, and
//!   the raw body whenever a response arrived (shown as text, and a decode error names the
//!   failing field's JSON path);
//! - [`FilePart`]: a file in a multipart body; [`ByteStream`]: a binary response read as it
//!   arrives;
//! - [`Validate`]: the spec's constraints, checked before anything is sent;
//! - string enums that keep values the spec does not list ([`string_enum!`]), and objects that
//!   keep keys it does not list, decoded in one pass ([`object!`](macro@object)).
//!
//! With the `mock` feature, the `mock` module is a typed mock server for the tests of code that uses a
//! generated client.
//!
//! With the `verify` feature, the `verify` module round-trips example values through generated
//! types (what `oas-client-gen verify` and example-driven tests do); no client needs it.
//!
//! With the `tracing` feature every call is one span (operation, method, path template,
//! attempt, status, request id, duration) and every retry an event. Neither the credentials nor
//! any body is ever recorded.
//!
//! The crate follows semantic versioning; a generated crate depends on the minor version of the
//! runtime its generator was written for.
#![deny(missing_docs)]
// `Error<E>` keeps headers and body like `Response<T>` does, so boxing it would not make the
// `Result` smaller.
#![allow(clippy::result_large_err)]

mod auth;
mod call;
mod client;
mod config;
mod enums;
mod error;
mod file;
#[cfg(feature = "mock")]
pub mod mock;
mod nullable;
pub mod object;
mod request;
mod response;
mod validate;
#[cfg(feature = "verify")]
pub mod verify;

pub use self::auth::{Credentials, KeyLocation, Secret};
pub use self::call::{send, BoxFuture, Call, Operation, Overrides, PathValue, Result};
pub use self::client::{retry_after, Client};
pub use self::config::{Config, ConfigError, RetryPolicy};
pub use self::error::{ApiError, DecodeError, Error, NoErrors, RequestError, SendError, StatusError, TransportError};
pub use self::file::FilePart;
pub use self::nullable::Nullable;
pub use self::object::Extra;
pub use self::request::{path_param, Method, QueryStyle, Request};
pub use self::response::{stream, ByteStream, RawResponse, Response};
pub use self::validate::{FieldPath, Items, Rules, Validate, Violation, Violations};

/// Any JSON value: what a spec leaves untyped.
pub use serde_json::Value as Json;

/// A JSON object whose values are `T`, ordered by key.
pub type Map<T> = std::collections::BTreeMap<String, T>;

/// The whole runtime under one path, for the macros (`$crate::__rt::…`). In a crate that inlines
/// the runtime as a module, `$crate` is that crate: it re-exports this module at its root
/// (`pub use runtime::__rt;`).
#[doc(hidden)]
pub mod __rt {
    pub use super::*;
    pub use serde;
}

// The runtime's own sources, for generators that inline it (left out of an inlined copy).
#[doc(hidden)]
pub mod source;
