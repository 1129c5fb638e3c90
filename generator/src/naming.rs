//! Rust names for things named in a spec: case conversion with heck, keyword escaping,
//! and deterministic de-duplication (first come keeps the plain name).

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;

/// Words that cannot be plain identifiers (strict and reserved keywords, 2015–2021 editions).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot even be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Keeps only what heck can split into words: ASCII letters and digits, everything else a separator.
/// Signs that carry meaning in enum values (`+1`, `-name`) become words so they stay distinct.
fn words(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' => out.push(c),
            '+' if i == 0 => out.push_str("plus "),
            '-' if i == 0 => out.push_str("minus "),
            _ => out.push(' '),
        }
    }
    out
}

/// `contact_book` → `ContactBook`; never empty, never starts with a digit.
pub fn type_name(s: &str) -> String {
    let mut n = words(s).to_upper_camel_case();
    if n.is_empty() {
        n = "Value".into();
    }
    if n.starts_with(|c: char| c.is_ascii_digit()) {
        n.insert(0, 'V');
    }
    if KEYWORDS.contains(&n.as_str()) {
        n.push('_');
    }
    n
}

/// `phoneNumber` → `phone_number`; keywords become raw identifiers (`r#type`).
pub fn value_name(s: &str) -> String {
    let mut n = words(s).to_snake_case();
    if n.is_empty() {
        n = "value".into();
    }
    if n.starts_with(|c: char| c.is_ascii_digit()) {
        n.insert_str(0, "n_");
    }
    if NOT_RAW.contains(&n.as_str()) {
        n.push('_');
    } else if KEYWORDS.contains(&n.as_str()) {
        n.insert_str(0, "r#");
    }
    n
}

/// A set of names in one namespace; `claim` returns a name not yet taken, suffixing 2, 3, …
#[derive(Debug, Default, Clone)]
pub struct Names {
    taken: BTreeSet<String>,
    /// Every claimed name in order, so that claims can be given back (`rollback`) without
    /// copying the whole set, which made checkpoints quadratic in the size of a document.
    claimed: Vec<String>,
}

impl Names {
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Names { taken: reserved.iter().map(|s| s.to_string()).collect(), claimed: Vec::new() }
    }

    /// A point to `rollback` to: how many names have been claimed so far.
    pub fn mark(&self) -> usize {
        self.claimed.len()
    }

    /// Gives back every name claimed since `mark`.
    pub fn rollback(&mut self, mark: usize) {
        for name in self.claimed.drain(mark..) {
            self.taken.remove(&name);
        }
    }

    pub fn claim(&mut self, wanted: &str) -> String {
        let name = self.free(wanted);
        self.claimed.push(name.clone());
        name
    }

    fn free(&mut self, wanted: &str) -> String {
        if self.taken.insert(wanted.to_string()) {
            return wanted.to_string();
        }
        // A suffixed keyword is no longer a keyword, so the raw prefix goes.
        let base = wanted.strip_prefix("r#").unwrap_or(wanted);
        let sep = if base.ends_with(|c: char| c.is_ascii_digit()) { "_" } else { "" };
        for i in 2.. {
            let candidate = format!("{base}{sep}{i}");
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
        unreachable!("an unbounded counter always finds a free name")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rollback_gives_back_exactly_the_names_claimed_since_the_mark() {
        let mut names = Names::with_reserved(&["Client"]);
        assert_eq!(names.claim("Pet"), "Pet");
        let mark = names.mark();
        assert_eq!(names.claim("Pet"), "Pet2");
        assert_eq!(names.claim("Client"), "Client2");
        names.rollback(mark);
        // The names claimed after the mark are free again; the earlier one and the reserved one are not.
        assert_eq!(names.claim("Pet"), "Pet2");
        assert_eq!(names.claim("Client"), "Client2");
        names.rollback(0);
        assert_eq!(names.claim("Pet"), "Pet");
        assert_eq!(names.claim("Client"), "Client2");
    }

    #[test]
    fn type_names() {
        for (input, want) in [
            ("contact_book", "ContactBook"),
            ("ContactResource", "ContactResource"),
            ("200Response", "V200response"),
            ("", "Value"),
            ("+1", "Plus1"),
            ("-1", "Minus1"),
            ("a.b-c d", "ABCD"),
            ("Self", "Self_"),
            ("ünïcode", "NCode"),
        ] {
            assert_eq!(type_name(input), want, "type_name({input:?})");
        }
    }

    #[test]
    fn value_names() {
        for (input, want) in [
            ("phoneNumber", "phone_number"),
            ("type", "r#type"),
            ("self", "self_"),
            ("Idempotency-Key", "idempotency_key"),
            ("3d", "n_3d"),
            ("$ref", "r#ref"),
            ("", "value"),
        ] {
            assert_eq!(value_name(input), want, "value_name({input:?})");
        }
    }

    #[test]
    fn claims_are_unique_and_deterministic() {
        let mut names = Names::with_reserved(&["body"]);
        assert_eq!(names.claim("body"), "body2");
        assert_eq!(names.claim("r#type"), "r#type");
        assert_eq!(names.claim("r#type"), "type2");
        assert_eq!(names.claim("v1"), "v1");
        assert_eq!(names.claim("v1"), "v1_2");
    }
}
