//! The client: credentials, and for each operation its method, request builder, outcomes and
//! response table.

use super::checks::{Checks, How};
use super::derives::Derives;
use super::rules::RuleNames;
use super::{status_label, RustTy};
use crate::model::{AuthScheme, BodyKind, Operation, Param, Response, ResponseBody, StatusMatch, Ty};

/// Method names the generated client defines itself.
pub const CLIENT_METHODS: &[&str] = &["new", "with_base_url", "from_config", "base_url", "config"];
/// Names a request builder uses itself: its fields (`call`, `body`), the methods it gets from
/// the runtime's `operation!`, and those of the runtime's `Operation` trait it implements (an
/// inherent setter of the same name would hide them).
pub const BUILDER_NAMES: &[&str] = &[
    "call",
    "body",
    "send",
    "stream",
    "request",
    "decode",
    "with_timeout",
    "with_retry",
    "with_header",
    "overrides",
    "into_future",
];
/// Type names the client module uses itself.
pub const CLIENT_TYPES: &[&str] = &["Client"];

/// What `Client::new` and `Client::with_base_url` take: the first security scheme's credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials<'a> {
    pub scheme: Option<&'a AuthScheme>,
    /// The constructors' argument names.
    pub args: &'static [&'static str],
    /// How docs and reports name them.
    pub what: &'static str,
}

pub fn credentials(scheme: Option<&AuthScheme>) -> Credentials<'_> {
    let (args, what): (&'static [&'static str], _) = match scheme {
        Some(AuthScheme::Bearer) => (&["token"], "a bearer token"),
        Some(AuthScheme::Basic) => (&["username", "password"], "a username and password (HTTP basic)"),
        Some(AuthScheme::ApiKey { .. }) => (&["api_key"], "an API key"),
        None => (&[], "no credentials"),
    };
    Credentials { scheme, args, what }
}

pub struct OperationPlan<'a> {
    pub op: &'a Operation,
    /// In the model's order: the required ones are the method's arguments, the others setters.
    pub params: Vec<ParamPlan<'a>>,
    /// The body as passed (`T`, `str`, `[u8]`); the builder borrows it.
    pub body: Option<RustTy>,
    /// The body is checked before sending.
    pub body_checked: bool,
    /// What `.await` gives in `Response<_>`.
    pub output: RustTy,
    pub success_enum: Option<OutcomeEnum<'a>>,
    pub error_enum: OutcomeEnum<'a>,
    /// The response table of `operation!`, in match order.
    pub table: Vec<Row>,
}

impl OperationPlan<'_> {
    /// The parameters that are the method's arguments, in order.
    pub fn arguments(&self) -> impl Iterator<Item = &ParamPlan<'_>> {
        self.params.iter().filter(|p| p.param.required)
    }

    pub fn body_is_argument(&self) -> bool {
        self.op.body.as_ref().is_some_and(|b| b.required)
    }
}

pub struct ParamPlan<'a> {
    pub param: &'a Param,
    pub ty: RustTy,
    /// How the builder holds it: strings, arrays and named types borrowed, scalars by value.
    pub held: RustTy,
    pub check: Option<(How, Option<String>)>,
}

/// A success or error enum of one operation.
pub struct OutcomeEnum<'a> {
    pub name: String,
    pub derives: Vec<&'static str>,
    pub variants: Vec<OutcomeVariant<'a>>,
}

pub struct OutcomeVariant<'a> {
    pub response: &'a Response,
    /// `HTTP 404`, `HTTP 4XX`, `Any other status`.
    pub label: String,
    pub ty: Option<RustTy>,
}

/// How a response body is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decode {
    Empty,
    Text,
    Bytes,
    Json,
}

/// What a status gives: a success or an error (decoded, in a variant of the operation's enum
/// when there is one), or `Error::Status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Ok(Decode, Option<String>),
    Err(Decode, String),
    Unexpected,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub status: StatusMatch,
    pub outcome: Outcome,
}

pub(super) fn operation<'a>(
    op: &'a Operation,
    checks: &Checks,
    derives: &Derives,
    rules: &mut RuleNames,
) -> OperationPlan<'a> {
    let params = op
        .params
        .iter()
        .map(|p| {
            let check = checks.how(&p.ty, &p.rules).map(|how| (how, rules.use_rules(&p.rules)));
            ParamPlan { param: p, ty: RustTy::of(&p.ty), held: held(&p.ty), check }
        })
        .collect();
    let body = op.body.as_ref().map(|b| match b.kind {
        BodyKind::Binary => RustTy::Slice(Box::new(RustTy::path("u8"))),
        BodyKind::Text => RustTy::path("str"),
        _ => RustTy::of(&b.ty),
    });
    let body_checked =
        op.body.as_ref().is_some_and(|b| !matches!(b.kind, BodyKind::Binary | BodyKind::Text) && checks.walks(&b.ty));
    let output = match (&op.success_enum, op.successes().find_map(|r| r.body.as_ref())) {
        (Some(n), _) => RustTy::Named(n.clone()),
        (None, Some(b)) => RustTy::of(&b.ty),
        (None, None) => RustTy::Unit,
    };
    let outcome_enum = |name: &str, responses: Vec<&'a Response>| OutcomeEnum {
        name: name.to_string(),
        derives: derives.of(&["Debug", "Clone"], responses.iter().filter_map(|r| r.body.as_ref().map(|b| &b.ty))),
        variants: responses
            .into_iter()
            .map(|r| OutcomeVariant {
                response: r,
                label: status_label(&r.status),
                ty: r.body.as_ref().map(|b| RustTy::of(&b.ty)),
            })
            .collect(),
    };
    OperationPlan {
        op,
        params,
        body,
        body_checked,
        output,
        success_enum: op.success_enum.as_deref().map(|n| outcome_enum(n, op.successes().collect())),
        error_enum: outcome_enum(&op.error_enum, op.failures().collect()),
        table: response_table(op),
    }
}

fn held(t: &Ty) -> RustTy {
    match t {
        Ty::String => RustTy::path("str").borrowed(),
        Ty::Int { .. } | Ty::Float { .. } | Ty::Bool => RustTy::of(t),
        Ty::Vec(item) => RustTy::Slice(Box::new(RustTy::of(item))).borrowed(),
        t => RustTy::of(t).borrowed(),
    }
}

/// The rows of an operation's response table (see the runtime's `operation!`). An operation
/// with one success body type decodes every 2xx as it (the real status stays in
/// `Response::status`); documented failures decode their bodies; anything else is
/// `Error::Status`.
fn response_table(op: &Operation) -> Vec<Row> {
    let decode = |b: Option<&ResponseBody>| match b.map(|b| b.kind) {
        None => Decode::Empty,
        Some(BodyKind::Text) => Decode::Text,
        Some(BodyKind::Binary) => Decode::Bytes,
        Some(_) => Decode::Json,
    };
    let rank = |s: &StatusMatch| match s {
        StatusMatch::Code(_) => 0,
        StatusMatch::Range(_) => 1,
        StatusMatch::Default => 3,
    };
    let single = op.single_success();
    let mut rows: Vec<(u8, Row)> = Vec::new();
    for r in &op.responses {
        let body = decode(r.body.as_ref());
        let outcome = match (r.success, &single, &op.success_enum) {
            // Covered by the 2xx row below unless it lies outside 2xx.
            (true, Some(_), _) if matches!(r.status, StatusMatch::Code(200..=299) | StatusMatch::Range(2)) => continue,
            (true, Some(b), _) => Outcome::Ok(decode(*b), None),
            (true, None, Some(_)) => Outcome::Ok(body, Some(r.variant.clone())),
            (true, None, None) => continue,
            (false, ..) => Outcome::Err(body, r.variant.clone()),
        };
        rows.push((rank(&r.status), Row { status: r.status.clone(), outcome }));
    }
    if let Some(b) = single {
        rows.push((2, Row { status: StatusMatch::Range(2), outcome: Outcome::Ok(decode(b), None) }));
    }
    rows.sort_by_key(|(rank, _)| *rank);
    if !op.responses.iter().any(|r| r.status == StatusMatch::Default) {
        rows.push((4, Row { status: StatusMatch::Default, outcome: Outcome::Unexpected }));
    }
    rows.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every method the runtime's builder macros give a request builder is a name the builder
    /// keeps for itself, so that no parameter setter can collide with it.
    #[test]
    fn builder_names_cover_the_runtime_macros() {
        let mut found = Vec::new();
        for (_, text) in oas_client_runtime::source::FILES {
            // The macro's own methods, and those of the trait it implements for every builder.
            for item in ["macro_rules! operation", "pub trait Operation"] {
                let Some(start) = text.find(item) else { continue };
                let body = &text[start..];
                let body = &body[..body.find("\n}\n").unwrap_or(body.len())];
                for piece in body.split("fn ").skip(1) {
                    let name: String = piece.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    found.push(name);
                }
            }
        }
        for name in ["send", "decode", "into_future", "with_timeout", "overrides"] {
            assert!(found.iter().any(|n| n == name), "the macro and the trait were found: {found:?}");
        }
        let missing: Vec<&String> = found.iter().filter(|n| !BUILDER_NAMES.contains(&n.as_str())).collect();
        assert!(
            missing.is_empty(),
            "names the runtime's builder macros define, missing from BUILDER_NAMES: {missing:?}"
        );
    }
}
