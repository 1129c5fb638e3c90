//! The planned rule constants as Rust: their definitions in the types module, and their uses.

use super::ident;
use crate::plan::RuleConst;
use proc_macro2::TokenStream;
use quote::quote;

/// The expression for the rule constant `name` where it is used (`prefix` is how the using
/// module reaches the types module), or `rt::Rules::NONE`.
pub fn use_rules(name: Option<&str>, prefix: &TokenStream) -> TokenStream {
    match name {
        Some(n) => {
            let n = ident(n);
            quote!(#prefix #n)
        }
        None => quote!(rt::Rules::NONE),
    }
}

/// The constant definitions, for the types module.
pub fn definitions(consts: &[RuleConst]) -> TokenStream {
    let defs = consts.iter().map(|c| {
        let n = ident(&c.name);
        let value = value(c);
        quote!(pub(super) const #n: rt::Rules = #value;)
    });
    quote!(#(#defs)*)
}

fn value(c: &RuleConst) -> TokenStream {
    let r = &c.rules;
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
    if let Some(items) = &c.items {
        let name = ident(items);
        calls.push(quote!(.items(&#name)));
    }
    quote!(rt::Rules::NONE #(#calls)*)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Rules;

    #[test]
    fn constants_refer_to_their_item_rules() {
        let email = Rules { max_length: Some(191), email: true, ..Default::default() };
        let each = Rules { max_items: Some(3), items: Some(Box::new(email)), ..Default::default() };
        let c = RuleConst { name: "R_EACH".into(), rules: each, items: Some("R_EMAIL".into()) };
        let defs = definitions(&[c]).to_string();
        assert_eq!(
            defs,
            "pub (super) const R_EACH : rt :: Rules = rt :: Rules :: NONE . max_items (3usize) . items (& R_EMAIL) ;"
        );
        assert_eq!(use_rules(Some("R_EACH"), &quote!(types::)).to_string(), "types :: R_EACH");
        assert_eq!(use_rules(None, &quote!(types::)).to_string(), "rt :: Rules :: NONE");
    }
}
