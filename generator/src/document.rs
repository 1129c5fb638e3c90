//! A document as the generator reads it, for tools that work beside the generated client: its
//! JSON tree, its operations as the client names them, its examples checked against a build of
//! the generated types (the round-trip that `verify` does in its own crates).

use crate::error::{Error, Warning};
use crate::examples::{self, Example, Failure, Passed, RoundTrip};
use crate::generate::{build_model, module_name};
use crate::model::{Api, StatusMatch};
use crate::{emit, format, load};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// An OpenAPI document, loaded (Swagger 2.0 converted, `$ref`s bundled, normalized) and built
/// into what the generated client holds.
#[derive(Debug, Clone)]
pub struct Document {
    path: PathBuf,
    raw: Value,
    api: Api,
    warnings: Vec<Warning>,
}

/// One operation of the generated client.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The document's `operationId`, or the name derived from method and path.
    pub id: String,
    /// The HTTP method, upper case (`GET`).
    pub method: String,
    /// The path template as the document writes it (`/pets/{id}`).
    pub path: String,
    /// Each documented response, in document order.
    pub responses: Vec<Response>,
}

/// A documented response of an [`Operation`].
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// The status (or range, or `default`) it documents.
    pub status: StatusMatch,
    /// Its variant in the operation's success or error enum.
    pub variant: String,
    /// Whether the client returns it as a success (else as an error).
    pub success: bool,
}

impl Document {
    /// Loads and builds the document at `path`; an error names the file and where in it.
    pub fn load(path: impl AsRef<Path>) -> Result<Document, Error> {
        let path = path.as_ref();
        let loaded = load::load_file(path)?;
        let (api, warnings) = build_model(path, &loaded)?;
        Ok(Document { path: path.to_path_buf(), raw: loaded.raw, api, warnings })
    }

    /// The document's JSON tree as the generator reads it (examples, extensions and all).
    pub fn value(&self) -> &Value {
        &self.raw
    }

    /// What the generator could not express and skipped, located in the document.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The name of the document's generated module (its file stem in snake_case).
    pub fn module_name(&self) -> String {
        module_name(&self.path)
    }

    /// The operations the generated client has, in document order.
    pub fn operations(&self) -> Vec<Operation> {
        (self.api.operations.iter())
            .map(|op| Operation {
                id: op.id.clone(),
                method: op.method.as_str().to_string(),
                path: op.path.clone(),
                responses: (op.responses.iter())
                    .map(|r| Response { status: r.status.clone(), variant: r.variant.clone(), success: r.success })
                    .collect(),
            })
            .collect()
    }

    /// Every example the document carries, in document order: media-type `example` and
    /// `examples`, schema and property `example`s, parameter examples.
    pub fn examples(&self) -> Vec<Example> {
        examples::collect(&self.raw)
    }

    /// Follows `example`'s schema to its generated type and round-trips the example through it:
    /// `round_trip` parses a value as the named generated type and serializes it back (`None`
    /// when there is no such type), as the function of [`Document::dispatch_source`] does.
    pub fn check_example(
        &self,
        example: &Example,
        round_trip: &mut dyn FnMut(&str, &Value) -> Option<RoundTrip>,
    ) -> Result<Passed, Failure> {
        examples::check(&self.api, &self.raw, example, round_trip)
    }

    /// The source of `fn fn_name(type_name: &str, value: Json) -> Option<RoundTrip>` over the
    /// generated types at `types_path` (`my_crate::petstore::types`), with the runtime at
    /// `rt_path`; the runtime's `verify` feature provides what it calls. For a build script that
    /// checks the examples against its own build of the client ([`Document::check_example`]).
    pub fn dispatch_source(&self, fn_name: &str, types_path: &str, rt_path: &str) -> Result<String, Error> {
        let parse = |p: &str| {
            p.parse::<proc_macro2::TokenStream>()
                .map_err(|e| Error::new(&self.path, "", format!("bad path `{p}`: {e}")))
        };
        let tokens = emit::dispatch(&self.api, fn_name, &parse(types_path)?, &parse(rt_path)?, None);
        format::format_file(tokens, Path::new(fn_name), "")
    }
}
