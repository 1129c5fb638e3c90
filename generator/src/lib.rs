//! `oas-client-gen`: typed async Rust clients from OpenAPI 3.0/3.1 documents.
//!
//! The library is the command line's engine, behind one facade: a [`Generator`] holds the
//! settings (where generated code finds its runtime, whether to write a whole crate, what it may
//! overwrite) and generates documents into [`Module`]s and files ([`Generated`]), which it writes
//! into a directory or compares with one. Beside it: [`Generator::diff`] (what changed between two
//! versions of a document, for users of the generated client, and the semver bump),
//! `Generator::verify` (the default `verify` feature: build each document's crate and round-trip
//! every example it carries through the generated types), [`generate_into_out_dir`] (for build
//! scripts) and [`Document`] (a document as the generator reads it: its operations, its examples).
//!
//! Inside, one pipeline: load (parse, convert Swagger 2.0, bundle `$ref`s, normalize) → build (an
//! intermediate model) → plan (every name and type as users see it) → emit (token streams) →
//! format (syn + prettyplease) → write (files, freshness check).
//!
//! Generated code depends on the [`oas-client-runtime`](https://docs.rs/oas-client-runtime) crate,
//! or carries a copy of it ([`RuntimeSource::Inline`]).
//!
//! # Generating a crate
//!
//! ```
//! use oas_client_gen::{Generator, RuntimeSource};
//! # fn main() -> Result<(), oas_client_gen::Error> {
//! # let dir = std::env::temp_dir().join(format!("oas-client-gen-doctest-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir).unwrap();
//! # let spec = dir.join("petstore.yaml");
//! # std::fs::write(&spec, "openapi: 3.0.3\ninfo: {title: Pets, version: '1'}\npaths:\n  /pets:\n    get:\n      operationId: listPets\n      responses:\n        '200': {description: ok}\n").unwrap();
//! # let out = dir.join("petstore-client");
//! let generated = Generator::new()
//!     .crate_name("petstore-client")
//!     .runtime(RuntimeSource::Inline)
//!     .generate(&[spec])?;
//! let module = &generated.modules()[0];
//! assert_eq!((module.name.as_str(), module.operations), ("petstore", 1));
//! generated.write(&out)?;
//! assert!(generated.stale(&out)?.is_empty(), "what was written is up to date");
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # Ok(())
//! # }
//! ```
//!
//! # From a build script
//!
//! Checked-in generated code is the default (see the binary's `generate`), but a crate can also
//! generate at build time:
//!
//! ```toml
//! [dependencies]
//! oas-client-runtime = "0.1"
//! serde = { version = "1.0.181", features = ["derive"] }
//! serde_json = "1"
//!
//! [build-dependencies]
//! oas-client-gen = { version = "0.1", default-features = false }
//! ```
//!
//! ```no_run
//! // build.rs: `fn main` calls this
//! oas_client_gen::generate_into_out_dir("openapi.yaml", "petstore.rs").unwrap();
//! ```
//!
//! ```text
//! // src/lib.rs (not a doctest: OUT_DIR exists only in a build, as in tests/build_script.rs)
//! pub mod petstore {
//!     include!(concat!(env!("OUT_DIR"), "/petstore.rs"));
//! }
//! ```
#![deny(missing_docs)]

mod build;
mod bundle;
#[cfg(feature = "verify")]
mod cargo;
mod diagnostic;
mod diff;
mod document;
mod emit;
mod error;
mod examples;
mod format;
#[cfg(test)]
mod fuzz;
mod generate;
mod load;
mod model;
mod naming;
mod normalize;
mod plan;
mod pointer;
mod position;
mod repair;
mod swagger2;
mod template;
#[cfg(feature = "verify")]
mod verify;
mod write;

pub use diagnostic::Style;
pub use diff::{Bump, Change, Kind as ChangeKind, Report as DiffReport};
pub use document::{Document, Operation, Response};
pub use emit::RuntimeSource;
pub use error::{Error, Warning};
pub use examples::{Cause, Example, Failure, Passed, Role, RoundTrip};
pub use generate::{generate_into_out_dir, Generated, Generator, Module};
pub use model::{Skipped, StatusMatch, Untyped, UntypedReason};
#[cfg(feature = "verify")]
pub use verify::{DocReport, ExampleReport, Options as VerifyOptions, Outcome, Report as VerifyReport, Summary};
pub use write::Files;

// A loaded document's model, and (for the stages' own tests) its module.
use generate::build_model;
#[cfg(test)]
use generate::module_from;

/// The version requirement on `oas-client-runtime` that generated code is written for.
pub const RUNTIME_VERSION_REQ: &str = "0.1";
