//! Model → plan: everything a user of the generated code sees, decided once. Every Rust name
//! (down to the catch-all field and the names the client keeps for itself), every type as it is
//! written, constructor shapes, method signatures and setters, success and error types, status
//! labels, credentials, rule constants and derives. [`crate::emit`] prints a plan and decides
//! nothing; [`crate::diff`] compares two plans and renders nothing.

mod checks;
mod client;
mod derives;
mod mock;
mod rules;
mod tags;
mod types;

pub use checks::How;
pub use client::{
    credentials, Credentials, Decode, OperationPlan, Outcome, OutcomeEnum, ParamPlan, BUILDER_NAMES, CLIENT_METHODS,
    CLIENT_TYPES,
};
pub use mock::{MockPlan, SuccessReply};
pub use rules::RuleConst;
pub use types::{
    CatchAll, Check, Constructor, FieldPlan, Init, Shape, StructPlan, Tagging, TypePlan, UnionPlan, VariantPlan,
};

use crate::model::{Api, Server, StatusMatch, Ty};
use std::fmt;

/// One API, planned.
pub struct Plan<'a> {
    pub api: &'a Api,
    /// In the model's order (by Rust name).
    pub types: Vec<TypePlan<'a>>,
    pub operations: Vec<OperationPlan<'a>>,
    /// What `Client::new` and `Client::with_base_url` take.
    pub credentials: Credentials<'a>,
    /// The server behind `Client::DEFAULT_BASE_URL` (and `Client::new`): the first one, if http(s).
    pub default_server: Option<&'a Server>,
    /// The shared rule constants of the types module, by name.
    pub rules: Vec<RuleConst>,
    /// The mock of each operation, in the order of `operations`.
    pub mocks: Vec<MockPlan>,
}

/// Plans one API.
pub fn plan(api: &Api) -> Plan<'_> {
    let checks = checks::Checks::new(api);
    let derives = derives::Derives::new(api);
    let mut rules = rules::RuleNames::default();
    let operations: Vec<_> =
        api.operations.iter().map(|op| client::operation(op, &checks, &derives, &mut rules)).collect();
    let tags = tags::Tags::new(api);
    let cx = types::Context { checks: &checks, derives: &derives, tags: &tags };
    let types = api.types.values().map(|t| types::type_def(t, &cx, &mut rules)).collect();
    Plan {
        api,
        types,
        mocks: mock::mocks(&operations),
        operations,
        credentials: credentials(api.auth.first()),
        default_server: api.servers.first().filter(|s| s.url.starts_with("http://") || s.url.starts_with("https://")),
        rules: rules.constants(),
    }
}

/// A Rust type as generated code writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RustTy {
    /// A type of the generated types module (the client reaches it through `types::`).
    Named(String),
    /// A std or runtime type (`String`, `u8`, `rt::Json`, `Option`…) and its type arguments.
    Path(String, Vec<RustTy>),
    /// Borrowed for the lifetime `'a` of a request builder.
    Ref(Box<RustTy>),
    /// A slice `[T]`.
    Slice(Box<RustTy>),
    /// `()`.
    Unit,
}

impl RustTy {
    /// The Rust type of a model type expression.
    pub fn of(t: &Ty) -> RustTy {
        let wrap = |path: &str, inner: &Ty| RustTy::Path(path.into(), vec![RustTy::of(inner)]);
        match t {
            Ty::String => RustTy::path("String"),
            Ty::Bool => RustTy::path("bool"),
            Ty::Int { bits, signed } => RustTy::path(&format!("{}{bits}", if *signed { "i" } else { "u" })),
            Ty::Float { bits } => RustTy::path(&format!("f{bits}")),
            Ty::Json => RustTy::path("rt::Json"),
            Ty::Bytes => RustTy::Path("Vec".into(), vec![RustTy::path("u8")]),
            Ty::File => RustTy::path("rt::FilePart"),
            Ty::Named(n) => RustTy::Named(n.clone()),
            Ty::Vec(i) => wrap("Vec", i),
            Ty::Map(i) => wrap("rt::Map", i),
            Ty::Boxed(i) => wrap("Box", i),
            Ty::Nullable(i) => wrap("Option", i),
        }
    }

    /// A type without arguments.
    pub fn path(p: &str) -> RustTy {
        RustTy::Path(p.into(), Vec::new())
    }

    /// `path<self>`.
    pub fn inside(self, path: &str) -> RustTy {
        RustTy::Path(path.into(), vec![self])
    }

    pub fn borrowed(self) -> RustTy {
        RustTy::Ref(Box::new(self))
    }
}

/// As written in the types module.
impl fmt::Display for RustTy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RustTy::Named(n) => f.write_str(n),
            RustTy::Path(p, args) if args.is_empty() => f.write_str(p),
            RustTy::Path(p, args) => {
                let args: Vec<String> = args.iter().map(ToString::to_string).collect();
                write!(f, "{p}<{}>", args.join(", "))
            }
            RustTy::Ref(t) => write!(f, "&'a {t}"),
            RustTy::Slice(t) => write!(f, "[{t}]"),
            RustTy::Unit => f.write_str("()"),
        }
    }
}

/// How a status reads in docs and reports: `HTTP 404`, `HTTP 4XX`, `Any other status`.
pub fn status_label(s: &StatusMatch) -> String {
    match s {
        StatusMatch::Code(c) => format!("HTTP {c}"),
        StatusMatch::Range(r) => format!("HTTP {r}XX"),
        StatusMatch::Default => "Any other status".into(),
    }
}
