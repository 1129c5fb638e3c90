//! The generator's own intermediate model: what to emit, with every name already decided.
//! Built from openapiv3 by `build`, consumed by `emit` and compared by `diff`; nothing here knows
//! about tokens or about openapiv3.

use std::collections::BTreeMap;

/// The runtime's own definitions, so that generator and generated code cannot disagree.
pub use oas_client_runtime::{Method as HttpMethod, QueryStyle};

/// One API: its named types (keyed by Rust name, so output order is deterministic) and operations.
#[derive(Debug, Clone, Default)]
pub struct Api {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    pub servers: Vec<Server>,
    pub auth: Vec<AuthScheme>,
    pub types: BTreeMap<String, TypeDef>,
    pub operations: Vec<Operation>,
    /// Operations the document declares that the generator left out.
    pub skipped: Vec<Skipped>,
    /// Every place that fell back to an untyped JSON value, and why.
    pub untyped: Vec<Untyped>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    /// URL with server variables substituted by their defaults.
    pub url: String,
    pub description: Option<String>,
    pub variables: Vec<ServerVariable>,
}

/// A `{variable}` of a server URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerVariable {
    pub name: String,
    pub default: String,
    pub description: Option<String>,
}

/// How the client authenticates (the spec's security schemes the client can speak).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthScheme {
    Bearer,
    Basic,
    ApiKey { location: ParamLocation, param: String },
}

/// An operation the document declares that the generator left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// `POST /contacts`; `/contacts (every method)` for a path item that is skipped whole.
    pub operation: String,
    /// JSON pointer of what made it impossible.
    pub location: String,
    /// Why it could not be generated.
    pub reason: String,
}

/// A place that has no Rust type but any JSON value, and the reason.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Untyped {
    /// JSON pointer of the schema position.
    pub location: String,
    /// Why it has no Rust type.
    pub reason: UntypedReason,
}

/// Why a place has no Rust type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum UntypedReason {
    /// No schema, or a schema without any type keyword: any value is allowed.
    NoSchema,
    /// A construct the generator cannot express (`not`, a shape that is neither object nor union…).
    Unsupported,
    /// A union without alternatives (`oneOf: []`), which as written would match nothing.
    Union,
    /// A schema that leads back to itself without any type of its own.
    Cycle,
    /// An object without declared properties: a map whose values may be anything.
    FreeFormObject,
}

impl UntypedReason {
    /// A few words for reports (`free-form object`).
    pub fn label(self) -> &'static str {
        match self {
            UntypedReason::NoSchema => "no schema",
            UntypedReason::Unsupported => "unsupported construct",
            UntypedReason::Union => "empty union",
            UntypedReason::Cycle => "self-referencing alias",
            UntypedReason::FreeFormObject => "free-form object",
        }
    }
}

/// A type expression: where a type is used.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ty {
    String,
    Bool,
    Int {
        bits: u8,
        signed: bool,
    },
    Float {
        bits: u8,
    },
    /// Any JSON value.
    Json,
    /// Raw bytes (binary bodies).
    Bytes,
    /// A file (`format: binary` in a schema): a file part of a multipart body.
    File,
    Named(String),
    Vec(Box<Ty>),
    Map(Box<Ty>),
    /// Boxed to break a recursive containment.
    Boxed(Box<Ty>),
    /// `T | null` where no field can carry the optionality (array items, map values).
    Nullable(Box<Ty>),
}

impl Ty {
    /// The named type inside this expression (directly or through containers), if any.
    pub fn named(&self) -> Option<&str> {
        match self {
            Ty::Named(n) => Some(n),
            Ty::Vec(i) | Ty::Map(i) | Ty::Boxed(i) | Ty::Nullable(i) => i.named(),
            _ => None,
        }
    }
}

/// Constraints the client checks before sending.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules {
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
    pub pattern: Option<String>,
    pub email: bool,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: bool,
    pub exclusive_maximum: bool,
    /// Rules on each element of an array or value of a map.
    pub items: Option<Box<Rules>>,
}

impl Rules {
    pub fn is_empty(&self) -> bool {
        *self == Rules::default()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Name on the wire.
    pub json_name: String,
    /// Rust identifier (raw identifiers already applied where needed, e.g. `r#type`).
    pub rust_name: String,
    pub ty: Ty,
    pub required: bool,
    pub nullable: bool,
    pub doc: Option<String>,
    pub rules: Rules,
    pub deprecated: bool,
    /// The one value the spec allows (a single-value string enum, or 3.1 `const`): the field is
    /// a plain `String`, filled in by the constructor.
    pub constant: Option<String>,
}

/// One value of a string enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumValue {
    /// Rust variant name.
    pub name: String,
    /// The value on the wire.
    pub wire: String,
}

/// One alternative of a union.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    /// Rust variant name.
    pub name: String,
    pub doc: Option<String>,
    pub ty: Ty,
    /// The discriminator values that select this variant (empty for untagged unions).
    pub tags: Vec<String>,
    /// An object without the tag is this variant: its schema makes the tag optional, with its
    /// value as the default.
    pub tag_by_default: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// An object. `extra` is the type of additional properties (`Ty::Json` keeps unknown
    /// fields); `None` when the schema closes the object (`additionalProperties: false`).
    /// `required_struct` names the struct of its required fields that its constructor takes (a
    /// request carries it and it has two or more required fields).
    Struct { fields: Vec<Field>, extra: Option<Ty>, required_struct: Option<String> },
    /// A string enum; unknown values parse into `Unknown`. An `open` enum (the spec allows any
    /// string besides the listed ones) may also be sent with an unknown value.
    Enum { values: Vec<EnumValue>, open: bool },
    /// oneOf/anyOf. With a discriminator, `tag` names the property the variants' tags are read from.
    Union { variants: Vec<UnionVariant>, tag: Option<String> },
    /// A named alias of another type expression.
    Alias { ty: Ty },
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    pub name: String,
    pub doc: Option<String>,
    /// JSON pointer of the schema it comes from (for docs and diagnostics).
    pub origin: String,
    pub kind: TypeKind,
    /// A request can carry it (it is reachable from a parameter or a request body).
    pub sent: bool,
    /// It has constraints to check before sending, itself or in what it contains.
    pub checked: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    pub rust_name: String,
    pub location: ParamLocation,
    pub ty: Ty,
    pub required: bool,
    pub doc: Option<String>,
    pub rules: Rules,
    pub style: QueryStyle,
    /// An `Idempotency-Key` header: generated once per call when the caller gives none.
    pub idempotency_key: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Json,
    Form,
    Multipart,
    Text,
    Binary,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub ty: Ty,
    pub kind: BodyKind,
    pub content_type: String,
    pub required: bool,
}

/// The statuses a documented response stands for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    /// One status code (`404`).
    Code(u16),
    /// A range by its first digit: `4XX` → 4.
    Range(u8),
    /// `default`: every status not documented otherwise.
    Default,
}

/// The body of a response, as the client decodes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseBody {
    pub ty: Ty,
    pub kind: BodyKind,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: StatusMatch,
    /// Variant name in the operation's success or error enum.
    pub variant: String,
    /// None when the response has no body (or one the client does not decode).
    pub body: Option<ResponseBody>,
    pub doc: Option<String>,
    /// 1xx–3xx, `2XX`-style ranges below 4, or `default` when nothing else is a success.
    pub success: bool,
}

/// One piece of a parsed path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Lit(String),
    /// The path parameter at this index of [`Operation::params`].
    Param(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The spec's operationId, or the name derived from method and path.
    pub id: String,
    /// snake_case method name.
    pub name: String,
    /// PascalCase name of the operation's request builder, and stem of its own types.
    pub type_stem: String,
    pub method: HttpMethod,
    /// The path template as the spec writes it, e.g. `/a/{id}`.
    pub path: String,
    /// The template parsed, each variable resolved to its parameter.
    pub segments: Vec<Segment>,
    pub summary: Option<String>,
    pub doc: Option<String>,
    pub deprecated: bool,
    pub params: Vec<Param>,
    pub body: Option<Body>,
    pub responses: Vec<Response>,
    /// The operation needs credentials (security is not empty).
    pub authenticated: bool,
    /// Name of the success enum when 2xx responses carry different types.
    pub success_enum: Option<String>,
    /// Name of the per-operation error enum.
    pub error_enum: String,
    /// Extensions worth surfacing in docs, e.g. required scopes.
    pub scopes: Vec<String>,
}

impl Operation {
    /// The path template the client fills: the spec's, with an Express-style `:name` segment it
    /// reads as a parameter written `{name}`.
    pub fn template(&self) -> String {
        self.segments
            .iter()
            .map(|s| match s {
                Segment::Lit(l) => l.clone(),
                Segment::Param(i) => {
                    format!("{{{}}}", self.params.get(*i).map(|p| p.name.as_str()).unwrap_or_default())
                }
            })
            .collect()
    }

    pub fn successes(&self) -> impl Iterator<Item = &Response> {
        self.responses.iter().filter(|r| r.success)
    }

    pub fn failures(&self) -> impl Iterator<Item = &Response> {
        self.responses.iter().filter(|r| !r.success)
    }

    /// The one body type every documented success shares (`None` for no body, or no documented
    /// success at all), if there is one: then any 2xx, documented or not, decodes as it.
    pub fn single_success(&self) -> Option<Option<&ResponseBody>> {
        let mut bodies = self.successes().map(|r| r.body.as_ref());
        let Some(first) = bodies.next() else { return Some(None) };
        bodies.all(|b| b == first).then_some(first)
    }
}
