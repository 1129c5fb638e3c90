//! The generator's own intermediate model: what to emit, with every name already decided.
//! Built from openapiv3 by `build`, consumed by `emit`; nothing here knows about tokens.

use std::collections::BTreeMap;

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
}

#[derive(Debug, Clone)]
pub struct Server {
    /// URL with server variables substituted by their defaults.
    pub url: String,
    pub description: Option<String>,
    /// (name, default, description) of each `{variable}` in the URL.
    pub variables: Vec<(String, String, Option<String>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthScheme {
    Bearer { scheme_name: String },
    Basic { scheme_name: String },
    ApiKey { scheme_name: String, location: ParamLocation, param: String },
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
    Named(String),
    Vec(Box<Ty>),
    Map(Box<Ty>),
    /// Boxed to break a recursive containment.
    Boxed(Box<Ty>),
    /// `T | null` where no field can carry the optionality (array items, map values).
    Nullable(Box<Ty>),
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

#[derive(Debug, Clone)]
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
}

#[derive(Debug, Clone)]
pub struct Variant {
    /// Rust variant name.
    pub name: String,
    pub doc: Option<String>,
}

#[derive(Debug, Clone)]
pub enum TypeKind {
    /// An object. `extra` is the type of additional properties: `Ty::Json` keeps unknown fields.
    Struct { fields: Vec<Field>, extra: Option<Ty> },
    /// A string enum; each variant keeps its wire value. Unknown values parse into `Unknown`.
    Enum { variants: Vec<(Variant, String)> },
    /// oneOf/anyOf. With a discriminator, `tag` names the property and each variant its tag values.
    Union { variants: Vec<(Variant, Ty, Vec<String>)>, tag: Option<String> },
    /// A named alias of another type expression.
    Alias { ty: Ty, nullable: bool },
}

#[derive(Debug, Clone)]
pub struct TypeDef {
    pub name: String,
    pub doc: Option<String>,
    /// JSON pointer of the schema it comes from (for docs and diagnostics).
    pub origin: String,
    pub kind: TypeKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `a=1&a=2` (form, explode) — the OpenAPI default.
    FormExplode,
    /// `a=1,2` (form, explode: false).
    FormComma,
    /// `a[k]=v` (deepObject).
    DeepObject,
}

#[derive(Debug, Clone)]
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

#[derive(Debug, Clone)]
pub struct Body {
    pub ty: Ty,
    pub kind: BodyKind,
    pub content_type: String,
    pub required: bool,
    pub doc: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    Code(u16),
    /// `4XX` → 4.
    Range(u8),
    Default,
}

#[derive(Debug, Clone)]
pub struct Response {
    pub status: StatusMatch,
    /// Variant name in the operation's success or error enum.
    pub variant: String,
    /// None when the response has no body (or one the client does not decode).
    pub body: Option<(Ty, BodyKind)>,
    pub doc: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Operation {
    /// snake_case method name.
    pub name: String,
    /// PascalCase stem for the operation's own types.
    pub type_stem: String,
    pub method: String,
    /// The path template as written, e.g. `/a/{id}`.
    pub path: String,
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
