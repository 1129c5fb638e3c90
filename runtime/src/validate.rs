//! The spec's constraints, checked before a request is sent. A request that breaks one is not
//! sent; the error names every broken rule with the field's path (`body.contacts[3].email`).
//!
//! Only what a server is documented to refuse is checked: generators leave out constraints the
//! runtime cannot check exactly (a pattern its regex engine does not support, for instance).

use super::error::RequestError;
use std::collections::BTreeMap;
use std::fmt;

/// Where a value sits in a request: `body.contacts[3].email`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath(String);

impl FieldPath {
    /// A top-level value: a parameter's name, or `body`.
    pub fn root(name: &str) -> Self {
        FieldPath(name.to_string())
    }

    /// A field of this value.
    pub fn field(&self, name: &str) -> Self {
        FieldPath(format!("{}.{name}", self.0))
    }

    /// An element of this array.
    pub fn index(&self, i: usize) -> Self {
        FieldPath(format!("{}[{i}]", self.0))
    }

    /// A value of this map.
    pub fn key(&self, k: &str) -> Self {
        FieldPath(format!("{}[{k:?}]", self.0))
    }

    /// The path as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One broken rule: where, which rule (the spec's keyword), and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Violation {
    /// Where the value is, e.g. `body.contacts[1].email`.
    pub path: String,
    /// The spec keyword: `maxLength`, `pattern`, `enum`, …
    pub rule: &'static str,
    /// What was wrong.
    pub message: String,
}

impl Violation {
    pub(super) fn new(path: &FieldPath, rule: &'static str, message: String) -> Self {
        Violation { path: path.0.clone(), rule, message }
    }

    /// An enum value the spec does not list, about to be sent.
    pub fn not_listed(path: &FieldPath, value: &str, allowed: &[&str]) -> Self {
        Violation::new(path, "enum", format!("`{value}` is not one of {}", allowed.join(", ")))
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.path, self.rule, self.message)
    }
}

/// The violations found so far while checking one request.
#[derive(Debug, Default)]
pub struct Violations(Vec<Violation>);

impl Violations {
    /// Nothing found yet.
    pub fn new() -> Self {
        Violations(Vec::new())
    }

    /// Checks `value`, at `at`, against `rules` and its own nested rules.
    pub fn check<T: Validate + ?Sized>(&mut self, value: &T, at: &FieldPath, rules: &Rules) {
        value.validate(at, rules, self)
    }

    /// Checks a top-level value (a parameter, or the body) named `name`.
    pub fn param<T: Validate + ?Sized>(&mut self, value: &T, name: &str, rules: &Rules) {
        value.validate(&FieldPath::root(name), rules, self)
    }

    /// Checks only the number of items of `value` (`minItems`/`maxItems`): for collections of a
    /// type that has no rules of its own, and so no [`Validate`].
    pub fn count<T: Items + ?Sized>(&mut self, value: &T, at: &FieldPath, rules: &Rules) {
        if let Some(n) = value.items() {
            count_items(n, at, rules, self);
        }
    }

    /// Records a violation.
    pub fn push(&mut self, v: Violation) {
        self.0.push(v)
    }

    /// What was found.
    pub fn into_vec(self) -> Vec<Violation> {
        self.0
    }

    /// `Ok` when nothing was found, else the error that stops the request.
    pub fn finish(self) -> Result<(), RequestError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(RequestError::Invalid(self.0))
        }
    }
}

/// The constraints of one schema position, built in `const` context:
/// `Rules::NONE.max_length(255).email()`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Rules {
    /// `minLength`, in characters.
    pub min_length: Option<usize>,
    /// `maxLength`, in characters.
    pub max_length: Option<usize>,
    /// `minItems`.
    pub min_items: Option<usize>,
    /// `maxItems`.
    pub max_items: Option<usize>,
    /// `pattern` (a regular expression, unanchored as in JSON Schema).
    pub pattern: Option<&'static str>,
    /// `format: email`.
    pub email: bool,
    /// `minimum`.
    pub minimum: Option<f64>,
    /// `maximum`.
    pub maximum: Option<f64>,
    /// The minimum itself is not allowed.
    pub exclusive_minimum: bool,
    /// The maximum itself is not allowed.
    pub exclusive_maximum: bool,
    /// Rules for each element of an array or value of a map.
    pub items: Option<&'static Rules>,
}

impl Rules {
    /// No constraint.
    pub const NONE: Rules = Rules {
        min_length: None,
        max_length: None,
        min_items: None,
        max_items: None,
        pattern: None,
        email: false,
        minimum: None,
        maximum: None,
        exclusive_minimum: false,
        exclusive_maximum: false,
        items: None,
    };

    /// With `minLength`.
    pub const fn min_length(self, n: usize) -> Self {
        Rules { min_length: Some(n), ..self }
    }

    /// With `maxLength`.
    pub const fn max_length(self, n: usize) -> Self {
        Rules { max_length: Some(n), ..self }
    }

    /// With `minItems`.
    pub const fn min_items(self, n: usize) -> Self {
        Rules { min_items: Some(n), ..self }
    }

    /// With `maxItems`.
    pub const fn max_items(self, n: usize) -> Self {
        Rules { max_items: Some(n), ..self }
    }

    /// With `pattern`.
    pub const fn pattern(self, p: &'static str) -> Self {
        Rules { pattern: Some(p), ..self }
    }

    /// With `format: email`.
    pub const fn email(self) -> Self {
        Rules { email: true, ..self }
    }

    /// With `minimum` (`exclusive`: the value itself is not allowed).
    pub const fn minimum(self, v: f64, exclusive: bool) -> Self {
        Rules { minimum: Some(v), exclusive_minimum: exclusive, ..self }
    }

    /// With `maximum` (`exclusive`: the value itself is not allowed).
    pub const fn maximum(self, v: f64, exclusive: bool) -> Self {
        Rules { maximum: Some(v), exclusive_maximum: exclusive, ..self }
    }

    /// With rules for each element of an array or value of a map.
    pub const fn items(self, r: &'static Rules) -> Self {
        Rules { items: Some(r), ..self }
    }
}

/// Checks a value against `rules` and, for generated types, every nested field's own rules.
pub trait Validate {
    /// Adds every broken rule to `out`.
    fn validate(&self, at: &FieldPath, rules: &Rules, out: &mut Violations);
}

impl Validate for str {
    fn validate(&self, at: &FieldPath, rules: &Rules, out: &mut Violations) {
        let len = self.chars().count();
        if let Some(max) = rules.max_length.filter(|m| len > *m) {
            out.push(Violation::new(at, "maxLength", format!("{len} characters, at most {max} allowed")));
        }
        if let Some(min) = rules.min_length.filter(|m| len < *m) {
            out.push(Violation::new(at, "minLength", format!("{len} characters, at least {min} required")));
        }
        if let Some(pattern) = rules.pattern {
            if matches_pattern(pattern, self) == Some(false) {
                out.push(Violation::new(at, "pattern", format!("{self:?} does not match `{pattern}`")));
            }
        }
        if rules.email && !is_email(self) {
            out.push(Violation::new(at, "format", format!("{self:?} is not an email address")));
        }
    }
}

impl Validate for String {
    fn validate(&self, at: &FieldPath, rules: &Rules, out: &mut Violations) {
        self.as_str().validate(at, rules, out)
    }
}

impl<T: Validate + ?Sized> Validate for &T {
    fn validate(&self, at: &FieldPath, rules: &Rules, out: &mut Violations) {
        (**self).validate(at, rules, out)
    }
}

impl<T: Validate + ?Sized> Validate for Box<T> {
    fn validate(&self, at: &FieldPath, rules: &Rules, out: &mut Violations) {
        (**self).validate(at, rules, out)
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate(&self, at: &FieldPath, rules: &Rules, out: &mut Violations) {
        if let Some(v) = self {
            v.validate(at, rules, out)
        }
    }
}

fn count_items(n: usize, at: &FieldPath, rules: &Rules, out: &mut Violations) {
    if let Some(max) = rules.max_items.filter(|m| n > *m) {
        out.push(Violation::new(at, "maxItems", format!("{n} items, at most {max} allowed")));
    }
    if let Some(min) = rules.min_items.filter(|m| n < *m) {
        out.push(Violation::new(at, "minItems", format!("{n} items, at least {min} required")));
    }
}

/// A collection's number of items, if it is there (`None` for an absent optional value).
pub trait Items {
    /// The number of items.
    fn items(&self) -> Option<usize>;
}

impl<T> Items for [T] {
    fn items(&self) -> Option<usize> {
        Some(self.len())
    }
}

impl<T> Items for Vec<T> {
    fn items(&self) -> Option<usize> {
        Some(self.len())
    }
}

impl<T> Items for BTreeMap<String, T> {
    fn items(&self) -> Option<usize> {
        Some(self.len())
    }
}

impl<T: Items + ?Sized> Items for &T {
    fn items(&self) -> Option<usize> {
        (**self).items()
    }
}

impl<T: Items> Items for Option<T> {
    fn items(&self) -> Option<usize> {
        self.as_ref().and_then(Items::items)
    }
}

impl<T: Validate> Validate for [T] {
    fn validate(&self, at: &FieldPath, rules: &Rules, out: &mut Violations) {
        count_items(self.len(), at, rules, out);
        let inner = rules.items.unwrap_or(&Rules::NONE);
        for (i, item) in self.iter().enumerate() {
            item.validate(&at.index(i), inner, out);
        }
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, at: &FieldPath, rules: &Rules, out: &mut Violations) {
        self.as_slice().validate(at, rules, out)
    }
}

impl<T: Validate> Validate for BTreeMap<String, T> {
    fn validate(&self, at: &FieldPath, rules: &Rules, out: &mut Violations) {
        let inner = rules.items.unwrap_or(&Rules::NONE);
        for (k, v) in self {
            v.validate(&at.key(k), inner, out);
        }
    }
}

impl Validate for serde_json::Value {
    fn validate(&self, _: &FieldPath, _: &Rules, _: &mut Violations) {}
}

impl Validate for bool {
    fn validate(&self, _: &FieldPath, _: &Rules, _: &mut Violations) {}
}

macro_rules! numeric {
    ($($t:ty),*) => {$(
        impl Validate for $t {
            fn validate(&self, at: &FieldPath, rules: &Rules, out: &mut Violations) {
                check_number(*self as f64, at, rules, out)
            }
        }
    )*};
}
numeric!(i8, i16, i32, i64, u8, u16, u32, u64, f32, f64);

fn check_number(v: f64, at: &FieldPath, rules: &Rules, out: &mut Violations) {
    if let Some(min) = rules.minimum {
        if v < min || (rules.exclusive_minimum && v == min) {
            out.push(Violation::new(at, "minimum", format!("{v} is below the minimum {min}")));
        }
    }
    if let Some(max) = rules.maximum {
        if v > max || (rules.exclusive_maximum && v == max) {
            out.push(Violation::new(at, "maximum", format!("{v} is above the maximum {max}")));
        }
    }
}

/// `Some(matched)`, or `None` when the pattern is not a regex this runtime understands
/// (generators warn about those and leave them out; the server still checks them).
fn matches_pattern(pattern: &'static str, text: &str) -> Option<bool> {
    use std::sync::{Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<BTreeMap<&'static str, Option<regex_lite::Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(BTreeMap::new()));
    let mut cache = cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let regex = cache.entry(pattern).or_insert_with(|| regex_lite::Regex::new(pattern).ok());
    regex.as_ref().map(|r| r.is_match(text))
}

/// A pragmatic address check: one `@`, a non-empty local part, a dotted domain, no spaces.
fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else { return false };
    !local.is_empty()
        && !domain.contains('@')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && domain.split('.').count() >= 2
        && domain.split('.').all(|label| !label.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check<T: Validate + ?Sized>(value: &T, rules: &Rules) -> Vec<(String, &'static str)> {
        let mut out = Violations::new();
        out.param(value, "v", rules);
        out.into_vec().into_iter().map(|v| (v.path, v.rule)).collect()
    }

    #[test]
    fn strings_count_characters_not_bytes() {
        const R: Rules = Rules::NONE.min_length(2).max_length(3);
        assert!(check("äöü", &R).is_empty());
        assert_eq!(check("äöüß", &R), [("v".to_string(), "maxLength")]);
        assert_eq!(check("a", &R), [("v".to_string(), "minLength")]);
    }

    #[test]
    fn patterns_and_emails() {
        const HEX: Rules = Rules::NONE.pattern("^#[0-9A-Fa-f]{6}$");
        assert!(check("#0f62fe", &HEX).is_empty());
        assert_eq!(check("blue", &HEX), [("v".to_string(), "pattern")]);
        const LOOKAROUND: Rules = Rules::NONE.pattern("^(?!x)");
        assert!(check("x", &LOOKAROUND).is_empty(), "a pattern the engine cannot compile is not checked");
        for ok in ["a@b.co", "first.last+tag@example.co.id"] {
            assert!(check(ok, &Rules::NONE.email()).is_empty(), "{ok}");
        }
        for bad in ["", "a", "a@b", "a@@b.co", "a b@c.co", "@b.co", "a@b..co"] {
            assert_eq!(check(bad, &Rules::NONE.email()).len(), 1, "{bad}");
        }
    }

    #[test]
    fn numbers_and_bounds() {
        const R: Rules = Rules::NONE.minimum(0.0, true).maximum(10.0, false);
        assert!(check(&10u8, &R).is_empty());
        assert_eq!(check(&0i64, &R), [("v".to_string(), "minimum")]);
        assert_eq!(check(&10.5f64, &R), [("v".to_string(), "maximum")]);
    }

    #[test]
    fn collections_name_each_element() {
        const ITEM: Rules = Rules::NONE.max_length(2);
        const R: Rules = Rules::NONE.max_items(2).items(&ITEM);
        let v = vec!["ok".to_string(), "long".to_string(), "x".to_string()];
        assert_eq!(check(&v, &R), [("v".to_string(), "maxItems"), ("v[1]".to_string(), "maxLength")]);
        let m: BTreeMap<String, String> = [("k".to_string(), "long".to_string())].into();
        assert_eq!(check(&m, &Rules::NONE.items(&ITEM)), [("v[\"k\"]".to_string(), "maxLength")]);
        assert!(check(&Option::<String>::None, &Rules::NONE.min_length(1)).is_empty());
    }

    #[test]
    fn counting_needs_no_validate_on_items() {
        struct Opaque;
        let mut out = Violations::new();
        let v = vec![Opaque, Opaque, Opaque];
        out.count(&v, &FieldPath::root("v"), &Rules::NONE.max_items(2));
        out.count(&Some(&v), &FieldPath::root("w"), &Rules::NONE.min_items(4));
        out.count(&Option::<Vec<Opaque>>::None, &FieldPath::root("x"), &Rules::NONE.min_items(1));
        let got: Vec<(String, &str)> = out.into_vec().into_iter().map(|v| (v.path, v.rule)).collect();
        assert_eq!(got, [("v".to_string(), "maxItems"), ("w".to_string(), "minItems")]);
    }

    #[test]
    fn finish_reports_everything() {
        let mut out = Violations::new();
        out.param("toolong", "name", &Rules::NONE.max_length(3));
        out.param(&vec![1, 2, 3], "ids", &Rules::NONE.max_items(1));
        let e = out.finish().unwrap_err();
        assert_eq!(
            e.to_string(),
            "the request breaks the API's rules: name (maxLength): 7 characters, at most 3 allowed; ids (maxItems): 3 items, at most 1 allowed"
        );
        assert!(Violations::new().finish().is_ok());
    }
}
