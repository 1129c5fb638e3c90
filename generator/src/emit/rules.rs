//! Client-side rules as shared constants: each distinct rule set is one `const` in the types
//! module, named by what it checks, and every place that applies it refers to that name.

use super::ident;
use crate::model::Rules;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeMap;

/// The rule constants one API needs, by name.
#[derive(Default)]
pub struct RuleConsts {
    by_name: BTreeMap<String, Rules>,
}

impl RuleConsts {
    /// The expression for `r` where it is used: `rt::Rules::NONE`, or the path of its constant
    /// (`prefix` is how the using module reaches the types module).
    pub fn use_rules(&mut self, r: &Rules, prefix: &TokenStream) -> TokenStream {
        if r.is_empty() {
            return quote!(rt::Rules::NONE);
        }
        let name = self.claim(r);
        let n = ident(&name);
        quote!(#prefix #n)
    }

    fn claim(&mut self, r: &Rules) -> String {
        let base = format!("R_{}", describe(r));
        let mut name = base.clone();
        let mut i = 2;
        while let Some(existing) = self.by_name.get(&name) {
            if existing == r {
                return name;
            }
            name = format!("{base}_{i}");
            i += 1;
        }
        if let Some(items) = &r.items {
            self.claim(items);
        }
        self.by_name.insert(name.clone(), r.clone());
        name
    }

    /// The constant definitions, for the types module.
    pub fn definitions(&self) -> TokenStream {
        let defs = self.by_name.iter().map(|(name, r)| {
            let n = ident(name);
            let value = self.value(r);
            quote!(pub(super) const #n: rt::Rules = #value;)
        });
        quote!(#(#defs)*)
    }

    fn value(&self, r: &Rules) -> TokenStream {
        let mut calls = Vec::new();
        if let Some(v) = r.min_length {
            calls.push(quote!(.min_length(#v)));
        }
        if let Some(v) = r.max_length {
            calls.push(quote!(.max_length(#v)));
        }
        if let Some(v) = r.min_items {
            calls.push(quote!(.min_items(#v)));
        }
        if let Some(v) = r.max_items {
            calls.push(quote!(.max_items(#v)));
        }
        if let Some(p) = &r.pattern {
            calls.push(quote!(.pattern(#p)));
        }
        if r.email {
            calls.push(quote!(.email()));
        }
        if let Some(v) = r.minimum {
            let (v, x) = (number(v), r.exclusive_minimum);
            calls.push(quote!(.minimum(#v, #x)));
        }
        if let Some(v) = r.maximum {
            let (v, x) = (number(v), r.exclusive_maximum);
            calls.push(quote!(.maximum(#v, #x)));
        }
        if let Some(items) = &r.items {
            let name = self.by_name.iter().find(|(_, v)| *v == items.as_ref()).map(|(n, _)| ident(n));
            calls.push(quote!(.items(&#name)));
        }
        quote!(rt::Rules::NONE #(#calls)*)
    }
}

/// An `f64` literal; negative and out-of-range values (a spec may write any number) stay valid Rust.
fn number(v: f64) -> TokenStream {
    if v.is_nan() {
        quote!(f64::NAN)
    } else if v == f64::INFINITY {
        quote!(f64::INFINITY)
    } else if v == f64::NEG_INFINITY {
        quote!(f64::NEG_INFINITY)
    } else if v < 0.0 {
        let abs = -v;
        quote!(-#abs)
    } else {
        quote!(#v)
    }
}

/// A constant's name from its rules: `MAX_LENGTH_255_EMAIL`, `PATTERN_1A2B3C4D`, …
fn describe(r: &Rules) -> String {
    let mut parts = Vec::new();
    let num = |v: f64| format!("{v}").replace('-', "N").replace('.', "_");
    if let Some(v) = r.min_length {
        parts.push(format!("MIN_LENGTH_{v}"));
    }
    if let Some(v) = r.max_length {
        parts.push(format!("MAX_LENGTH_{v}"));
    }
    if let Some(v) = r.min_items {
        parts.push(format!("MIN_ITEMS_{v}"));
    }
    if let Some(v) = r.max_items {
        parts.push(format!("MAX_ITEMS_{v}"));
    }
    if let Some(p) = &r.pattern {
        parts.push(format!("PATTERN_{:08X}", fnv1a(p)));
    }
    if r.email {
        parts.push("EMAIL".into());
    }
    if let Some(v) = r.minimum {
        parts.push(format!("{}_{}", if r.exclusive_minimum { "ABOVE" } else { "MIN" }, num(v)));
    }
    if let Some(v) = r.maximum {
        parts.push(format!("{}_{}", if r.exclusive_maximum { "BELOW" } else { "MAX" }, num(v)));
    }
    if let Some(items) = &r.items {
        parts.push(format!("EACH_{}", describe(items)));
    }
    parts.join("_")
}

/// A stable short hash (FNV-1a, 32 bits) so that a pattern's constant keeps its name.
fn fnv1a(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_descriptive_and_shared() {
        let mut c = RuleConsts::default();
        let email = Rules { max_length: Some(191), email: true, ..Default::default() };
        let each = Rules { max_items: Some(3), items: Some(Box::new(email.clone())), ..Default::default() };
        let p = quote!(types::);
        assert_eq!(c.use_rules(&email, &p).to_string(), "types :: R_MAX_LENGTH_191_EMAIL");
        assert_eq!(c.use_rules(&email, &p).to_string(), "types :: R_MAX_LENGTH_191_EMAIL");
        assert_eq!(c.use_rules(&each, &p).to_string(), "types :: R_MAX_ITEMS_3_EACH_MAX_LENGTH_191_EMAIL");
        let bounds = Rules { minimum: Some(-1.5), exclusive_minimum: true, maximum: Some(10.0), ..Default::default() };
        assert_eq!(c.use_rules(&bounds, &p).to_string(), "types :: R_ABOVE_N1_5_MAX_10");
        assert_eq!(c.use_rules(&Rules::default(), &p).to_string(), "rt :: Rules :: NONE");
        let defs = c.definitions().to_string();
        assert!(defs.contains("R_MAX_ITEMS_3_EACH_MAX_LENGTH_191_EMAIL : rt :: Rules = rt :: Rules :: NONE . max_items (3usize) . items (& R_MAX_LENGTH_191_EMAIL)"), "{defs}");
        assert_eq!(c.by_name.len(), 3);
    }
}
