//! Typed async clients for the contact APIs of three WhatsApp business platforms,
//! generated from the curated OpenAPI documents in this repository's `spec/`.
//!
//! | module | provider | feature |
//! |---|---|---|
//! | [`whats91`] | Whats91 (`https://graph.whats91.com`) | `whats91` |
//! | [`wacr`] | WA.cr (no published host: give your base URL) | `wacr` |
//! | [`kirim`] | Kirim (`https://api.kirim.chat/v1`) | `kirim` |
//!
//! Every module has a `Client` with one async method per operation, and a `types` module.
//! Shared machinery (configuration, retries, errors, validation) is in [`runtime`].
//!
//! This file is written by hand; the modules it declares (but `bulk`) are generated
//! (`README.md` lists the hand-written glue).
#![doc = include_str!("../README.md")]

/// The runtime the three clients share: configuration, errors, retries, validation.
pub use oas_client_runtime as runtime;

// Generated modules are formatted by the generator (prettyplease); rustfmt leaves them alone so
// that `cargo fmt` and the generator's freshness check never disagree.

#[cfg(feature = "kirim")]
#[rustfmt::skip]
pub mod kirim;
#[cfg(feature = "wacr")]
#[rustfmt::skip]
pub mod wacr;
#[cfg(feature = "whats91")]
#[rustfmt::skip]
pub mod whats91;

/// Hand-written: Whats91 bulk upload of any number of contacts.
#[cfg(feature = "whats91")]
pub mod bulk;
