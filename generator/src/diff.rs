//! What a change to the spec means for users of the generated crate, and the semver bump it implies.
//!
//! The diff compares the two [`Plan`]s of the old and the new document: what the emitter prints,
//! names and types as users write them, so the verdict follows the generated code by
//! construction. What it knows besides:
//!
//! - a method takes the required parameters and a required body; each optional one is a setter
//!   of the operation's request builder (`client::X`);
//! - every type is `#[non_exhaustive]`: a new field, value, variant or documented status is an addition;
//! - a request checks its values against their rules, and a closed enum's `Unknown`, before sending.
//!
//! Operations are matched by operation id (then by method and path), types by Rust name, fields
//! and enum values by wire name, path parameters by position, other parameters by wire name.

use crate::model::{Api, AuthScheme, EnumValue, Operation, ParamLocation, Response, Rules, StatusMatch, TypeKind};
use crate::plan::{
    plan, status_label, FieldPlan, OperationPlan, ParamPlan, Plan, RustTy, Shape, TypePlan, VariantPlan,
};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use Kind::{Added, Breaking, Changed, Docs};

/// What a change is for a user of the generated crate, most severe first. The `Debug` names
/// are the report's section titles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Code that compiled may not compile, or a request that was sent may be refused.
    Breaking,
    /// Something new to use; existing code keeps working.
    Added,
    /// Existing code keeps compiling, but the client acts differently (another URL, looser rules…).
    Changed,
    /// Only documentation changes.
    Docs,
}

/// One change to the generated crate's API or behaviour.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Change {
    /// How it affects a user.
    pub kind: Kind,
    /// The item of the generated module, e.g. `types::Contact.email` or `Client::get_contact`.
    pub item: String,
    /// What changes for a user of it.
    pub message: String,
}

/// The version bump; `Display` is the lowercase name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bump {
    /// Nothing changed for users.
    None,
    /// Documentation only (or, before 1.0, additions).
    Patch,
    /// Additions and changes (or, before 1.0, breaking changes).
    Minor,
    /// Breaking changes.
    Major,
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format!("{self:?}").to_lowercase())
    }
}

/// What changed between two versions of a document, for users of the generated client;
/// `Display` lists every change by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Sorted: breaking first, then by item.
    pub changes: Vec<Change>,
}

/// `major.minor.patch` of a version such as `v1.2.3-rc.1`.
fn parse_version(v: &str) -> Option<[u64; 3]> {
    let core = v.trim().trim_start_matches('v').split(['-', '+']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    let v = [parts.next()??, parts.next()??, parts.next()??];
    parts.next().is_none().then_some(v)
}

impl Report {
    /// The semver bump the changes imply for a crate at `current` (e.g. "0.3.1"): breaking →
    /// major (minor while 0.x), additions and changes → minor (patch while 0.x), documentation
    /// only → patch, nothing → none. An unparsable version counts as ≥ 1.0, the larger bump.
    pub fn bump(&self, current: &str) -> Bump {
        let level = match self.changes.iter().map(|c| c.kind).min() {
            None => 0,
            Some(Docs) => 1,
            Some(Added | Changed) => 2,
            Some(Breaking) => 3,
        };
        // Cargo treats a 0.x minor as breaking, so before 1.0 each class shifts down one
        // (documentation stays a patch).
        let zero = parse_version(current).is_some_and(|v| v[0] == 0);
        let level = if zero && level >= 2 { level - 1 } else { level };
        [Bump::None, Bump::Patch, Bump::Minor, Bump::Major][level]
    }

    /// The version after [`Report::bump`], if `current` parses.
    pub fn next_version(&self, current: &str) -> Option<String> {
        let [x, y, z] = parse_version(current)?;
        Some(match self.bump(current) {
            Bump::None => format!("{x}.{y}.{z}"),
            Bump::Patch => format!("{x}.{y}.{}", z + 1),
            Bump::Minor => format!("{x}.{}.0", y + 1),
            Bump::Major => format!("{}.0.0", x + 1),
        })
    }

    fn sections(&self) -> impl Iterator<Item = (Kind, Vec<&Change>)> {
        [Breaking, Added, Changed, Docs].into_iter().map(|k| (k, self.changes.iter().filter(|c| c.kind == k).collect()))
    }

    /// A changelog entry (Keep a Changelog style, without a date) for the release after `current`.
    pub fn markdown(&self, current: &str) -> String {
        let version = self.next_version(current).unwrap_or_else(|| "Unreleased".into());
        let mut out = format!("## [{version}]\n");
        if self.changes.is_empty() {
            out.push_str("\nNo changes for users of the generated crate.\n");
        }
        for (kind, changes) in self.sections().filter(|(_, c)| !c.is_empty()) {
            out.push_str(&format!("\n### {kind:?}\n\n"));
            changes.iter().for_each(|c| out.push_str(&format!("- `{}`: {}\n", c.item, c.message)));
        }
        out
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.changes.is_empty() {
            writeln!(f, "No changes.")?;
        }
        for (kind, changes) in self.sections().filter(|(_, c)| !c.is_empty()) {
            writeln!(f, "{kind:?} ({}):", changes.len())?;
            for c in changes {
                writeln!(f, "  - {}: {}", c.item, c.message)?;
            }
            writeln!(f)?;
        }
        // Without a version, show both readings of the rule.
        writeln!(f, "Implied bump: {} ({} while 0.x)", self.bump("1.0.0"), self.bump("0.1.0"))
    }
}

/// Loads and builds both documents as the generator does, then compares the models.
pub fn diff_files(old: &Path, new: &Path) -> Result<Report, crate::Error> {
    let model = |p: &Path| crate::load::load_file(p).and_then(|l| crate::build_model(p, &l)).map(|(api, _)| api);
    Ok(diff(&model(old)?, &model(new)?))
}

/// Compares two models of one API, through their plans.
pub fn diff(old: &Api, new: &Api) -> Report {
    diff_plans(&plan(old), &plan(new))
}

/// Compares two plans of one API.
pub fn diff_plans(old: &Plan, new: &Plan) -> Report {
    let mut d = Differ::default();
    d.api(old, new);
    for (name, o, n) in pair(&old.types, &new.types, |t| t.def.name.clone()) {
        let item = format!("types::{name}");
        match (o, n) {
            (Some(_), None) => d.push(Breaking, item, "type removed"),
            (None, Some(t)) => d.push(Added, item, format!("new {}", kind_name(&t.def.kind))),
            (Some(o), Some(n)) => d.type_def(&item, o, n),
            (None, None) => {}
        }
    }
    for (o, n) in pair_operations(&old.operations, &new.operations) {
        let route = |op: &Operation| format!("`{} {}`", op.method.as_str(), op.path);
        match (o, n) {
            (Some(o), None) => d.push(Breaking, method(o.op), format!("removed ({})", route(o.op))),
            (None, Some(n)) => d.push(Added, method(n.op), format!("new operation {}", route(n.op))),
            (Some(o), Some(n)) => d.operation(o, n),
            (None, None) => {}
        }
    }
    let mut changes = d.out;
    changes.sort();
    changes.dedup();
    Report { changes }
}

/// The items of both sides by key, sorted by key.
fn pair<'a, K: Ord, V: 'a>(
    old: impl IntoIterator<Item = &'a V>,
    new: impl IntoIterator<Item = &'a V>,
    key: impl Fn(&V) -> K,
) -> Vec<(K, Option<&'a V>, Option<&'a V>)> {
    let mut m: BTreeMap<K, (Option<&V>, Option<&V>)> = BTreeMap::new();
    old.into_iter().for_each(|v| m.entry(key(v)).or_default().0 = Some(v));
    new.into_iter().for_each(|v| m.entry(key(v)).or_default().1 = Some(v));
    m.into_iter().map(|(k, (o, n))| (k, o, n)).collect()
}

type OpPair<'p, 'a> = (Option<&'p OperationPlan<'a>>, Option<&'p OperationPlan<'a>>);

/// Operations matched by id, then the rest by method and path (variable names left out).
fn pair_operations<'p, 'a>(old: &'p [OperationPlan<'a>], new: &'p [OperationPlan<'a>]) -> Vec<OpPair<'p, 'a>> {
    let route = |o: &OperationPlan| (o.op.method, normalized(&o.op.path));
    let mut out: Vec<OpPair> = old.iter().map(|o| (Some(o), new.iter().find(|n| n.op.id == o.op.id))).collect();
    for n in new.iter().filter(|n| !old.iter().any(|o| o.op.id == n.op.id)) {
        match out.iter_mut().find(|(o, m)| m.is_none() && o.is_some_and(|o| route(o) == route(n))) {
            Some(slot) => slot.1 = Some(n),
            None => out.push((None, Some(n))),
        }
    }
    out
}

/// `/a/{id}/b` → `/a/{}/b`.
fn normalized(path: &str) -> String {
    let mut parts = path.split('{');
    let mut out = parts.next().unwrap_or_default().to_string();
    for part in parts {
        out.push_str("{}");
        out.push_str(part.split_once('}').map_or(part, |(_, rest)| rest));
    }
    out
}

fn method(op: &Operation) -> String {
    format!("Client::{}", op.name.trim_start_matches("r#"))
}

fn kind_name(k: &TypeKind) -> &'static str {
    match k {
        TypeKind::Struct { .. } => "struct",
        TypeKind::Enum { .. } => "string enum",
        TypeKind::Union { .. } => "union",
        TypeKind::Alias { .. } => "type alias",
    }
}

/// The rules as the spec writes them, for messages.
fn describe(r: &Rules) -> String {
    let num = |name: &str, v: Option<String>| v.map(|v| format!("{name} {v}"));
    let exclusive = |e: bool, name: &str| if e { format!("exclusive{name}") } else { name.to_lowercase() };
    let parts: Vec<String> = [
        num("minLength", r.min_length.map(|v| v.to_string())),
        num("maxLength", r.max_length.map(|v| v.to_string())),
        num("minItems", r.min_items.map(|v| v.to_string())),
        num("maxItems", r.max_items.map(|v| v.to_string())),
        num(&exclusive(r.exclusive_minimum, "Minimum"), r.minimum.map(|v| v.to_string())),
        num(&exclusive(r.exclusive_maximum, "Maximum"), r.maximum.map(|v| v.to_string())),
        num("pattern", r.pattern.as_ref().map(|p| format!("`{p}`"))),
        r.email.then(|| "format email".into()),
        r.items.as_ref().map(|i| format!("each item {{{}}}", describe(i))),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(", ")
    }
}

/// Whether the new rules refuse a value the old ones accepted (`.0`, tighter) and accept one
/// they refused (`.1`, looser). A changed pattern counts as both.
fn compare_rules(o: &Rules, n: &Rules) -> (bool, bool) {
    fn bound(o: Option<f64>, n: Option<f64>, upper: bool) -> (bool, bool) {
        match (o, n) {
            (None, Some(_)) => (true, false),
            (Some(_), None) => (false, true),
            (Some(a), Some(b)) if a != b => ((b < a) == upper, (b < a) != upper),
            _ => (false, false),
        }
    }
    let flag = |o: bool, n: bool| (!o && n, o && !n);
    let len = |v: Option<usize>| v.map(|v| v as f64);
    let none = Rules::default();
    let items = match (&o.items, &n.items) {
        (None, None) => (false, false),
        (a, b) => compare_rules(a.as_deref().unwrap_or(&none), b.as_deref().unwrap_or(&none)),
    };
    let pattern = match (&o.pattern, &n.pattern) {
        (a, b) if a == b => (false, false),
        (a, b) => (b.is_some(), a.is_some()),
    };
    [
        bound(len(o.min_length), len(n.min_length), false),
        bound(len(o.max_length), len(n.max_length), true),
        bound(len(o.min_items), len(n.min_items), false),
        bound(len(o.max_items), len(n.max_items), true),
        bound(o.minimum, n.minimum, false),
        bound(o.maximum, n.maximum, true),
        flag(o.exclusive_minimum, n.exclusive_minimum),
        flag(o.exclusive_maximum, n.exclusive_maximum),
        flag(o.email, n.email),
        pattern,
        items,
    ]
    .into_iter()
    .fold((false, false), |(t, l), (a, b)| (t || a, l || b))
}

#[derive(Default)]
struct Differ {
    out: Vec<Change>,
}

impl Differ {
    fn push(&mut self, kind: Kind, item: impl fmt::Display, message: impl fmt::Display) {
        self.out.push(Change { kind, item: item.to_string(), message: message.to_string() });
    }

    fn docs<T: PartialEq + ?Sized>(&mut self, item: &str, what: &str, old: &T, new: &T) {
        if old != new {
            self.push(Docs, item, format!("{what} changed"));
        }
    }

    /// Rules a request checks before sending: tighter ones can refuse what was sent before.
    fn rules(&mut self, item: &str, o: &Rules, n: &Rules) {
        let rules = format!("{} (was {})", describe(n), describe(o));
        match compare_rules(o, n) {
            (true, _) => self.push(Breaking, item, format!("checked before sending against tighter rules: {rules}")),
            (false, true) => self.push(Changed, item, format!("checked before sending against looser rules: {rules}")),
            _ => {}
        }
    }

    fn api(&mut self, op: &Plan, np: &Plan) {
        let (o, n) = (op.api, np.api);
        self.docs("module docs", "title", &o.title, &n.title);
        self.docs("module docs", "API version", &o.version, &n.version);
        self.docs("module docs", "description", &o.description, &n.description);
        // `Client::DEFAULT_BASE_URL`, and with it `Client::new`.
        match (op.default_server.map(|s| &s.url), np.default_server.map(|s| &s.url)) {
            (Some(_), None) => self.push(Breaking, "Client::new", "removed: the spec names no server any more"),
            (None, Some(url)) => self.push(Added, "Client::new", format!("new: requests go to `{url}`")),
            (Some(a), Some(b)) if a != b => {
                let message = format!("now `{b}` (was `{a}`): where a client from `Client::new` sends requests");
                self.push(Changed, "Client::DEFAULT_BASE_URL", message)
            }
            _ => self.docs("module docs", "server list", &o.servers, &n.servers),
        }
        let (a, b) = (op.credentials.what, np.credentials.what);
        let key = |p: &Plan| match p.credentials.scheme {
            Some(AuthScheme::ApiKey { location, param }) => format!("{location:?} `{param}`"),
            _ => String::new(),
        };
        let (x, y) = (key(op), key(np));
        if a != b {
            self.push(Breaking, "Client::new, Client::with_base_url", format!("take {b} (was {a})"));
        } else if x != y {
            self.push(Changed, "Client", format!("sends the API key in {y} (was {x})"));
        }
    }

    fn type_def(&mut self, item: &str, op: &TypePlan, np: &TypePlan) {
        let (o, n) = (op.def, np.def);
        self.docs(item, "description", &o.doc, &n.doc);
        self.docs(item, "source schema", &o.origin, &n.origin);
        match ((&o.kind, &op.shape), (&n.kind, &np.shape)) {
            ((_, Shape::Struct(a)), (_, Shape::Struct(b))) => {
                // Constructors exist only for types a request carries.
                match (o.sent, n.sent) {
                    (true, false) => self.push(Breaking, item, "no longer carried by a request: `new` is gone"),
                    (false, true) => self.push(Added, item, "now carried by a request: gains `new`"),
                    _ => {}
                }
                self.fields(item, n.sent, &a.fields, &b.fields);
                let (x, y) = (&a.catch_all, &b.catch_all);
                if x != y {
                    let show = |c: &Option<crate::plan::CatchAll>| {
                        c.as_ref().map_or("none".into(), |c| format!("`{}: {}`", c.name, c.ty))
                    };
                    let message = format!("undeclared properties: {} (was {})", show(y), show(x));
                    let field = y.as_ref().or(x.as_ref()).map_or("extra", |c| c.name.as_str());
                    self.push(if x.is_none() { Added } else { Breaking }, format!("{item}.{field}"), message);
                }
            }
            ((TypeKind::Enum { values: a, open: x }, _), (TypeKind::Enum { values: b, open: y }, _)) => {
                self.values(item, n.sent, a, b);
                match (x, y, n.sent) {
                    (true, false, true) => self.push(Breaking, item, "now closed: requests refuse `Unknown(..)`"),
                    (false, true, true) => self.push(Changed, item, "now open: requests may send `Unknown(..)`"),
                    _ => self.docs(item, "whether other values are allowed (`Unknown`'s description)", x, y),
                }
            }
            ((_, Shape::Union(a)), (_, Shape::Union(b))) => {
                let (x, y) = (a.tagging.property(), b.tagging.property());
                if x != y {
                    self.push(Breaking, item, format!("variants are told apart by the property {y:?} (was {x:?})"));
                }
                self.variants(item, &a.variants, &b.variants);
            }
            ((_, Shape::Alias(a)), (_, Shape::Alias(b))) if a != b => {
                self.push(Breaking, item, format!("now `{b}` (was `{a}`)"))
            }
            ((_, Shape::Alias(_)), (_, Shape::Alias(_))) => {}
            ((a, _), (b, _)) => self.push(Breaking, item, format!("now a {} (was a {})", kind_name(b), kind_name(a))),
        }
    }

    fn fields(&mut self, ty: &str, sent: bool, old: &[FieldPlan], new: &[FieldPlan]) {
        let pairs = pair(old, new, |f| f.field.json_name.clone());
        // One field gone while one of the same type comes: reported as a rename.
        let gone: Vec<&FieldPlan> = pairs.iter().filter_map(|(_, o, n)| o.filter(|_| n.is_none())).collect();
        let came: Vec<&FieldPlan> = pairs.iter().filter_map(|(_, o, n)| n.filter(|_| o.is_none())).collect();
        let renamed = match (gone.as_slice(), came.as_slice()) {
            ([a], [b]) if a.ty == b.ty => Some((*a, *b)),
            _ => None,
        };
        let name = |f: &FieldPlan| format!("{ty}.{}", f.field.rust_name.trim_start_matches("r#"));
        if let Some((a, b)) = renamed {
            let (x, y) = (&a.field.json_name, &b.field.json_name);
            let message = format!("renamed from `{}` (`{x}` → `{y}` on the wire)", name(a));
            self.push(Breaking, name(b), message);
        }
        for (_, o, n) in pairs {
            match (o, n) {
                _ if renamed.is_some_and(|(a, b)| {
                    o.is_some_and(|o| std::ptr::eq(o, a)) || n.is_some_and(|n| std::ptr::eq(n, b))
                }) => {}
                (Some(f), None) => self.push(Breaking, name(f), "field removed"),
                (None, Some(f)) if f.field.required && sent => {
                    self.push(Breaking, name(f), format!("new required field: `{ty}::new` takes it"))
                }
                // No constructor to change: code reading the type only gains a field.
                (None, Some(f)) if f.field.required => {
                    self.push(Added, name(f), format!("new required field: `{}`", f.ty))
                }
                (None, Some(f)) => self.push(Added, name(f), format!("new optional field: `{}`", f.ty)),
                (Some(o), Some(n)) => self.field(ty, sent, o, n, &name(n)),
                (None, None) => {}
            }
        }
    }

    fn field(&mut self, ty: &str, sent: bool, op: &FieldPlan, np: &FieldPlan, item: &str) {
        let (o, n) = (op.field, np.field);
        if o.rust_name != n.rust_name {
            self.push(Breaking, item, format!("renamed from `{}`", o.rust_name));
        }
        let retyped = format!("type changes from `{}` to `{}`", op.ty, np.ty);
        let new = |takes: &str| if sent { format!("`{ty}::new` {takes} it; ") } else { String::new() };
        match (o.required, n.required) {
            (false, true) => self.push(Breaking, item, format!("now required: {}{retyped}", new("takes"))),
            (true, false) => self.push(Breaking, item, format!("now optional: {}{retyped}", new("no longer takes"))),
            _ if op.ty != np.ty => self.push(Breaking, item, retyped),
            _ => {}
        }
        if o.deprecated != n.deprecated {
            self.push(Changed, item, if n.deprecated { "deprecated" } else { "no longer deprecated" });
        }
        self.docs(item, "description", &o.doc, &n.doc);
        // Rules are checked only on the types a request carries.
        if sent {
            self.rules(item, &o.rules, &n.rules);
        }
    }

    fn values(&mut self, ty: &str, sent: bool, old: &[EnumValue], new: &[EnumValue]) {
        for (wire, o, n) in pair(old, new, |v| v.wire.clone()) {
            match (o, n) {
                (Some(v), None) => {
                    let sent = if sent { "; a request can no longer send it" } else { "" };
                    self.push(Breaking, format!("{ty}::{}", v.name), format!("value `{wire}` removed{sent}"))
                }
                (None, Some(v)) => self.push(Added, format!("{ty}::{}", v.name), format!("new value `{wire}`")),
                (Some(a), Some(b)) if a.name != b.name => {
                    self.push(Breaking, format!("{ty}::{}", b.name), format!("renamed from `{}`", a.name))
                }
                _ => {}
            }
        }
    }

    fn variants(&mut self, ty: &str, old: &[VariantPlan], new: &[VariantPlan]) {
        for (name, o, n) in pair(old, new, |v| v.variant.name.clone()) {
            let item = format!("{ty}::{name}");
            match (o, n) {
                (Some(_), None) => self.push(Breaking, item, "variant removed"),
                (None, Some(v)) => self.push(Added, item, format!("new variant holding `{}`", v.ty)),
                (Some(o), Some(n)) => {
                    let ((a, x), (b, y)) = ((o.variant, &o.ty), (n.variant, &n.ty));
                    if x != y {
                        self.push(Breaking, &item, format!("holds `{y}` (was `{x}`)"));
                    }
                    // What the enum writes (the variant's struct had the tag as a field, or not).
                    if let Some((x, y)) = o.tag.zip(n.tag).filter(|(x, y)| x != y) {
                        self.push(Changed, &item, format!("sends the tag `{y}` (was `{x}`)"));
                    }
                    // A tag that no longer selects the variant turns such values into `Unknown`.
                    if a.tags != b.tags {
                        let kind = if a.tags.iter().all(|t| b.tags.contains(t)) { Added } else { Breaking };
                        self.push(kind, &item, format!("selected by tags {:?} (was {:?})", b.tags, a.tags));
                    }
                    self.docs(&item, "description", &a.doc, &b.doc);
                }
                (None, None) => {}
            }
        }
    }

    fn operation(&mut self, op: &OperationPlan, np: &OperationPlan) {
        let (o, n) = (op.op, np.op);
        let m = &method(n);
        if o.name != n.name || o.type_stem != n.type_stem {
            self.push(Breaking, m, format!("renamed from `{}` (builder `{}`)", method(o), o.type_stem));
        }
        if o.method != n.method || normalized(&o.path) != normalized(&n.path) {
            let message = format!("now `{} {}` (was `{} {}`)", n.method.as_str(), n.path, o.method.as_str(), o.path);
            self.push(Changed, m, message);
        }
        if o.deprecated != n.deprecated {
            self.push(Changed, m, if n.deprecated { "deprecated" } else { "no longer deprecated" });
        }
        if o.authenticated != n.authenticated {
            let now =
                if n.authenticated { "now sends the client's credentials" } else { "no longer sends credentials" };
            self.push(Changed, m, now);
        }
        self.docs(m, "summary", &o.summary, &n.summary);
        self.docs(m, "description", &o.doc, &n.doc);
        self.docs(m, "required scopes", &o.scopes, &n.scopes);
        let builder = &format!("client::{}", n.type_stem);
        self.params(m, builder, op, np);
        self.body(m, builder, op, np);
        self.responses(m, op, np);
    }

    fn params(&mut self, m: &str, builder: &str, o: &OperationPlan, n: &OperationPlan) {
        type Keyed<'p, 'a> = Vec<((ParamLocation, String), &'p ParamPlan<'a>)>;
        // Path parameters are matched by position: they are positional arguments.
        fn keyed<'p, 'a>(op: &'p OperationPlan<'a>) -> Keyed<'p, 'a> {
            let mut path = 0;
            let mut key = |p: &ParamPlan| match p.param.location {
                ParamLocation::Path => {
                    path += 1;
                    (ParamLocation::Path, format!("#{path}"))
                }
                l => (l, p.param.name.clone()),
            };
            op.params.iter().map(|p| (key(p), p)).collect()
        }
        let (old, new) = (keyed(o), keyed(n));
        let item = |p: &ParamPlan| match p.param.rust_name.trim_start_matches("r#") {
            name if p.param.required => format!("{m}({name})"),
            name => format!("{builder}::{name}"),
        };
        for (_, a, b) in pair(&old, &new, |(k, _)| k.clone()) {
            match (a.map(|a| a.1), b.map(|b| b.1)) {
                (Some(p), None) if p.param.required => self.push(Breaking, item(p), "argument removed"),
                (Some(p), None) => self.push(Breaking, item(p), "optional parameter removed with its setter"),
                (None, Some(p)) if p.param.required => {
                    self.push(Breaking, item(p), "new required parameter: a new argument")
                }
                (None, Some(p)) => self.push(Added, item(p), format!("new optional parameter `{}`", p.param.name)),
                (Some(a), Some(b)) => self.param(&item(b), builder, a, b),
                (None, None) => {}
            }
        }
        // The same required values in another order break callers.
        let order = |ps: &Keyed, other: &Keyed| {
            let both =
                |(k, p): &&(_, &ParamPlan)| p.param.required && other.iter().any(|(j, q)| j == k && q.param.required);
            ps.iter().filter(both).map(|(k, _)| k.clone()).collect::<Vec<_>>()
        };
        if order(&old, &new) != order(&new, &old) {
            self.push(Breaking, m, "its arguments come in another order");
        }
    }

    fn param(&mut self, item: &str, builder: &str, ap: &ParamPlan, bp: &ParamPlan) {
        let (a, b) = (ap.param, bp.param);
        let renamed = format!("renamed from `{}` (`{}` → `{}` in the spec)", a.rust_name, a.name, b.name);
        match (a.required, b.required) {
            (false, true) => self.push(Breaking, item, format!("now required: an argument, no longer `{builder}`'s")),
            (true, false) => self.push(Breaking, item, format!("now optional: a setter of `{builder}`")),
            // Arguments are positional: a new name only shows in the docs.
            (true, true) if a.rust_name != b.rust_name || a.name != b.name => {
                self.push(Docs, item, format!("argument {renamed}"))
            }
            _ if a.rust_name != b.rust_name => self.push(Breaking, item, format!("setter {renamed}")),
            _ => {}
        }
        if ap.ty != bp.ty {
            self.push(Breaking, item, format!("type changes from `{}` to `{}`", ap.ty, bp.ty));
        }
        if a.style != b.style || a.idempotency_key != b.idempotency_key {
            self.push(Changed, item, "sent differently (query style, or idempotency key generation)");
        }
        self.docs(item, "description", &a.doc, &b.doc);
        self.rules(item, &a.rules, &b.rules);
    }

    fn body(&mut self, m: &str, builder: &str, op: &OperationPlan, np: &OperationPlan) {
        let item = |b: &crate::model::Body| if b.required { format!("{m}(body)") } else { format!("{builder}::body") };
        let (body_a, body_b) = (
            op.body.as_ref().map_or(String::new(), ToString::to_string),
            np.body.as_ref().map_or(String::new(), ToString::to_string),
        );
        match (op.op.body.as_ref(), np.op.body.as_ref()) {
            (Some(b), None) => self.push(Breaking, item(b), "request body removed"),
            (None, Some(b)) if b.required => self.push(Breaking, item(b), "new required request body: a new argument"),
            (None, Some(b)) => self.push(Added, item(b), format!("new optional request body `{body_b}`")),
            (Some(a), Some(b)) => {
                if a.required != b.required {
                    let now = if b.required { "required: an argument" } else { "optional: a setter" };
                    self.push(Breaking, item(b), format!("the body is now {now}"));
                }
                if body_a != body_b {
                    self.push(Breaking, item(b), format!("type changes from `{body_a}` to `{body_b}`"));
                } else if a.content_type != b.content_type {
                    self.push(Changed, item(b), format!("sent as `{}` (was `{}`)", b.content_type, a.content_type));
                }
            }
            (None, None) => {}
        }
    }

    fn responses(&mut self, m: &str, op: &OperationPlan, np: &OperationPlan) {
        let (o, n) = (op.op, np.op);
        let (x, y) = (&op.output, &np.output);
        if x != y {
            self.push(Breaking, m, format!("returns `Response<{y}>` (was `Response<{x}>`)"));
        }
        if o.error_enum != n.error_enum {
            self.push(Breaking, m, format!("its error type is `{}` (was `{}`)", n.error_enum, o.error_enum));
        }
        // A status is a variant of the error enum, or of the success enum if there is one;
        // otherwise every 2xx decodes as the one success type and the status only documents.
        let variant = |op: &Operation, r: &Response| {
            let e = if r.success { op.success_enum.as_ref() } else { Some(&op.error_enum) };
            e.map(|e| format!("types::{e}::{}", r.variant))
        };
        let body = |r: &Response| r.body.as_ref().map_or("no body".into(), |b| format!("`{}`", RustTy::of(&b.ty)));
        for (s, a, b) in pair(&o.responses, &n.responses, |r| r.status.clone()) {
            let st = status_label(&s);
            let plain = if matches!(s, StatusMatch::Code(200..=299) | StatusMatch::Range(2)) { Docs } else { Changed };
            match (a, b) {
                (Some(r), None) => match variant(o, r) {
                    Some(v) => self.push(Breaking, v, format!("{st} no longer documented: variant removed")),
                    None => self.push(plain, m, format!("{st} no longer a documented success; still gives `{y}`")),
                },
                (None, Some(r)) => match variant(n, r) {
                    Some(v) => self.push(Added, v, format!("{st} now documented: new variant")),
                    None => self.push(plain, m, format!("{st} now a documented success; still gives `{y}`")),
                },
                (Some(a), Some(b)) => {
                    let (va, vb) = (variant(o, a), variant(n, b));
                    let item = vb.clone().unwrap_or_else(|| m.to_string());
                    let now = if b.success { "a success" } else { "an error" };
                    if a.success != b.success {
                        self.push(Breaking, &item, format!("{st} is now {now}"));
                    } else if va.is_some() && vb.is_some() && a.variant != b.variant {
                        self.push(Breaking, &item, format!("{st}: variant renamed from `{}`", a.variant));
                    }
                    if vb.is_some() && body(a) != body(b) {
                        self.push(Breaking, &item, format!("{st} holds {} (was {})", body(b), body(a)));
                    } else if a.body.as_ref().map(|b| b.kind) != b.body.as_ref().map(|b| b.kind) {
                        self.push(Changed, &item, format!("{st}: its body is decoded from another content type"));
                    }
                    self.docs(&item, &format!("{st} description"), &a.doc, &b.doc);
                }
                (None, None) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A union of `Cat` and `Dog` on `pet_type` (the mapping's values in this order), and `Cat`
    /// also the answer on its own when `shared`.
    fn pets(mapping: &str, shared: bool) -> Api {
        let answer = if shared { "Cat" } else { "Pet" };
        let yaml = format!(
            "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n  /p:\n    post:\n      operationId: addPet\n      requestBody: {{content: {{application/json: {{schema: {{$ref: '#/components/schemas/Pet'}}}}}}}}\n      responses: {{'200': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/{answer}'}}}}}}}}}}\ncomponents:\n  schemas:\n    Pet:\n      oneOf: [{{$ref: '#/components/schemas/Cat'}}, {{$ref: '#/components/schemas/Dog'}}]\n      discriminator: {{propertyName: pet_type, mapping: {{{mapping}}}}}\n    Cat: {{type: object, required: [pet_type], properties: {{pet_type: {{type: string}}, name: {{type: string}}}}}}\n    Dog: {{type: object, required: [pet_type], properties: {{pet_type: {{type: string}}}}}}\n"
        );
        let path = Path::new("t.yaml");
        crate::build_model(path, &crate::load::load_str(path, &yaml).unwrap()).unwrap().0
    }

    #[test]
    fn a_tag_field_the_enum_takes_over_is_removed_and_another_written_tag_is_a_change() {
        let mapping = "cat: Cat, dog: Dog";
        let changes = |old: &Api, new: &Api| -> Vec<(Kind, String, String)> {
            diff(old, new).changes.into_iter().map(|c| (c.kind, c.item, c.message)).collect()
        };
        // Cat stops being an answer of its own (a change of its own): the enum writes the tag from now on.
        let found = changes(&pets(mapping, true), &pets(mapping, false));
        let types: Vec<_> = found.iter().filter(|(_, i, _)| i.starts_with("types::")).collect();
        let removed = |ty: &str| (Breaking, format!("types::{ty}.pet_type"), "field removed".to_string());
        assert_eq!(types, [&removed("Cat"), &removed("Dog")]);
        // A mapping that lists another value first: the enum sends that one.
        let found = changes(&pets(mapping, false), &pets("kitty: Cat, cat: Cat, dog: Dog", false));
        assert!(
            found.contains(&(Changed, "types::Pet::Cat".into(), "sends the tag `kitty` (was `cat`)".into())),
            "{found:?}"
        );
        assert!(found.iter().all(|(k, ..)| *k != Breaking), "{found:?}");
    }

    #[test]
    fn rules_tighten_and_loosen() {
        let r = |f: fn(&mut Rules)| {
            let mut r = Rules::default();
            f(&mut r);
            r
        };
        let max10 = r(|r| r.max_length = Some(10));
        let cases: &[(&str, Rules, Rules, (bool, bool))] = &[
            ("same", max10.clone(), max10.clone(), (false, false)),
            ("lower upper bound", max10.clone(), r(|r| r.max_length = Some(5)), (true, false)),
            ("higher upper bound", max10.clone(), r(|r| r.max_length = Some(20)), (false, true)),
            ("new lower bound", Rules::default(), r(|r| r.minimum = Some(1.0)), (true, false)),
            ("higher lower bound", r(|r| r.min_items = Some(1)), r(|r| r.min_items = Some(2)), (true, false)),
            ("bound dropped", max10.clone(), Rules::default(), (false, true)),
            (
                "now exclusive",
                r(|r| r.maximum = Some(9.0)),
                r(|r| (r.maximum, r.exclusive_maximum) = (Some(9.0), true)),
                (true, false),
            ),
            ("email dropped", r(|r| r.email = true), Rules::default(), (false, true)),
            ("new pattern", Rules::default(), r(|r| r.pattern = Some("^a".into())), (true, false)),
            ("other pattern", r(|r| r.pattern = Some("^a".into())), r(|r| r.pattern = Some("^b".into())), (true, true)),
            (
                "items",
                Rules::default(),
                r(|r| r.items = Some(Box::new(Rules { max_length: Some(3), ..Rules::default() }))),
                (true, false),
            ),
        ];
        for (name, o, n, want) in cases {
            assert_eq!(compare_rules(o, n), *want, "{name}: {} → {}", describe(o), describe(n));
        }
        assert_eq!(
            describe(&r(|r| (r.minimum, r.exclusive_minimum, r.email) = (Some(0.0), true, true))),
            "exclusiveMinimum 0, format email"
        );
    }

    #[test]
    fn bump_and_next_version() {
        let report = |kinds: &[Kind]| Report {
            changes: kinds.iter().map(|&kind| Change { kind, item: "x".into(), message: "y".into() }).collect(),
        };
        let cases: &[(&[Kind], &str, Bump, Option<&str>)] = &[
            (&[], "1.2.3", Bump::None, Some("1.2.3")),
            (&[Docs], "1.2.3", Bump::Patch, Some("1.2.4")),
            (&[Docs, Added], "1.2.3", Bump::Minor, Some("1.3.0")),
            (&[Changed], "0.2.3", Bump::Patch, Some("0.2.4")),
            (&[Docs, Breaking], "v2.0.0", Bump::Major, Some("3.0.0")),
            (&[Breaking], "0.1.0", Bump::Minor, Some("0.2.0")),
            (&[Breaking], "0.0.1-alpha", Bump::Minor, Some("0.1.0")),
            // Unparsable: counted as ≥ 1.0, the larger bump.
            (&[Breaking], "not a version", Bump::Major, None),
        ];
        for (kinds, version, bump, next) in cases {
            let r = report(kinds);
            assert_eq!((r.bump(version), r.next_version(version).as_deref()), (*bump, *next), "{kinds:?} at {version}");
        }
    }

    #[test]
    fn paths_match_whatever_their_variables_are_called() {
        for (path, want) in [("/a/{id}/b", "/a/{}/b"), ("/{x}", "/{}"), ("/plain", "/plain"), ("/a/{x}{y}", "/a/{}{}")]
        {
            assert_eq!(normalized(path), want);
        }
    }
}

#[cfg(test)]
mod fixture_tests;
