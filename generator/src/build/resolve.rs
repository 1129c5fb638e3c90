//! `$ref` resolution: the one resolver for every kind of component the builder follows. Loading
//! has bundled the document ([`crate::bundle`]): every reference it could follow (anywhere in the
//! document, or into another file) names a component of the document by now.

use crate::{bundle, pointer};
use indexmap::IndexMap;
use openapiv3::{Components, OpenAPI, Parameter, ReferenceOr, RequestBody, Response, Schema};

/// Chains of references to references longer than this are taken for cycles.
const MAX_CHAIN: usize = 64;

/// A kind of component a `$ref` can name.
pub trait Component: Sized {
    /// The `components` key: `schemas`, `parameters`, …
    const KIND: &'static str;
    fn all(c: &Components) -> &IndexMap<String, ReferenceOr<Self>>;
}

impl Component for Schema {
    const KIND: &'static str = "schemas";
    fn all(c: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &c.schemas
    }
}

impl Component for Parameter {
    const KIND: &'static str = "parameters";
    fn all(c: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &c.parameters
    }
}

impl Component for RequestBody {
    const KIND: &'static str = "requestBodies";
    fn all(c: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &c.request_bodies
    }
}

impl Component for Response {
    const KIND: &'static str = "responses";
    fn all(c: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &c.responses
    }
}

/// Why a reference does not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefError {
    /// Valid, but not something this generator follows (an external file, another kind).
    Unsupported(String),
    /// Names nothing: the document is malformed.
    Dangling(String),
    /// A chain of references that comes back to itself: `key` is the first component named.
    Cycle { key: String, message: String },
}

/// Resolves `reference` (`#/components/<kind>/<name>`) to the key it names and the item at the
/// end of any chain of references to references.
pub fn resolve<'a, T: Component>(doc: &'a OpenAPI, reference: &str) -> Result<(&'a str, &'a T), RefError> {
    chain(doc, reference).map(|(first, _, item)| (first, item))
}

/// Follows `reference` to its item: the first key, the last key (where the item is) and the item.
fn chain<'a, T: Component>(doc: &'a OpenAPI, reference: &str) -> Result<(&'a str, &'a str, &'a T), RefError> {
    let prefix = format!("#/components/{}/", T::KIND);
    let all = doc.components.as_ref().map(T::all);
    let mut first = None;
    let mut current = reference;
    for _ in 0..MAX_CHAIN {
        let Some(escaped) = current.strip_prefix(&prefix) else {
            return Err(RefError::Unsupported(if bundle::is_remote(current) {
                format!("remote $ref `{current}` is not fetched: only the document and local files are read")
            } else {
                format!("unsupported $ref `{current}`: only #/components/{}/… is followed here", T::KIND)
            }));
        };
        let key = pointer::unescape(escaped);
        let Some((k, item)) = all.and_then(|m| m.get_key_value(key.as_str())) else {
            return Err(RefError::Dangling(format!(
                "dangling $ref `{current}`: no such entry in components/{}",
                T::KIND
            )));
        };
        let first = *first.get_or_insert(k.as_str());
        match item {
            ReferenceOr::Item(item) => return Ok((first, k.as_str(), item)),
            ReferenceOr::Reference { reference } => current = reference,
        }
    }
    Err(RefError::Cycle {
        key: first.unwrap_or_default().to_string(),
        message: format!("$ref chain through `{reference}` is cyclic or too long"),
    })
}

/// Like [`item`], plus the JSON pointer of where the item is: `at` for an inline one, the component
/// at the end of the reference chain otherwise (so that what is inside it is located there).
pub fn located<'a, T: Component>(
    doc: &'a OpenAPI,
    r: &'a ReferenceOr<T>,
    at: &str,
) -> Result<(&'a T, String), RefError> {
    match r {
        ReferenceOr::Item(x) => Ok((x, at.to_string())),
        ReferenceOr::Reference { reference } => {
            let (_, last, x) = chain(doc, reference)?;
            Ok((x, pointer::child(&format!("#/components/{}", T::KIND), last)))
        }
    }
}

/// The item itself, or what its reference resolves to.
pub fn item<'a, T: Component>(doc: &'a OpenAPI, r: &'a ReferenceOr<T>) -> Result<&'a T, RefError> {
    match r {
        ReferenceOr::Item(x) => Ok(x),
        ReferenceOr::Reference { reference } => resolve(doc, reference).map(|(_, x)| x),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(yaml: &str) -> OpenAPI {
        serde_yaml::from_str(yaml).unwrap()
    }

    #[test]
    fn table() {
        let d = doc(r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    A: {type: string}
    B: {$ref: '#/components/schemas/A'}
    a/b: {type: integer}
    Loop1: {$ref: '#/components/schemas/Loop2'}
    Loop2: {$ref: '#/components/schemas/Loop1'}
  parameters:
    P: {name: p, in: query, schema: {type: string}}
"#);
        let key = |r: &str| resolve::<Schema>(&d, r).map(|(k, _)| k.to_string());
        assert_eq!(key("#/components/schemas/A"), Ok("A".into()));
        assert_eq!(key("#/components/schemas/B"), Ok("B".into()), "the first key names the alias");
        assert_eq!(key("#/components/schemas/a~1b"), Ok("a/b".into()));
        assert!(matches!(key("#/components/schemas/Nope"), Err(RefError::Dangling(_))));
        assert!(matches!(key("other.yaml#/X"), Err(RefError::Unsupported(_))));
        assert_eq!(
            key("https://example.com/s.yaml#/X"),
            Err(RefError::Unsupported(
                "remote $ref `https://example.com/s.yaml#/X` is not fetched: only the document and local files are read"
                    .into()
            ))
        );
        assert!(matches!(key("#/components/schemas/Loop1"), Err(RefError::Cycle { key, .. }) if key == "Loop1"));
        assert!(resolve::<Parameter>(&d, "#/components/parameters/P").is_ok());
        let inline = ReferenceOr::Item(Schema {
            schema_data: Default::default(),
            schema_kind: openapiv3::SchemaKind::Any(Default::default()),
        });
        assert_eq!(located(&d, &inline, "#/x").map(|(_, at)| at), Ok("#/x".into()));
        let chained = ReferenceOr::<Schema>::Reference { reference: "#/components/schemas/B".into() };
        assert_eq!(
            located(&d, &chained, "#/x").map(|(_, at)| at),
            Ok("#/components/schemas/A".into()),
            "where the item is"
        );
        assert!(matches!(resolve::<Parameter>(&d, "#/components/schemas/A"), Err(RefError::Unsupported(_))));
    }
}
