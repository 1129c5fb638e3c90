//! What each generated type derives: every struct and enum `PartialEq` (so that users can
//! `assert_eq!` on what a call returns), and `Eq` and `Hash` where everything it holds allows it:
//! no float and no untyped JSON, directly or through the types it contains.

use crate::model::{Api, Ty, TypeKind};
use std::collections::BTreeSet;

pub(super) struct Derives {
    /// The named types that can be `Eq` and `Hash`.
    eq: BTreeSet<String>,
}

impl Derives {
    /// The largest set of types consistent with what they hold: start from all and drop those that
    /// hold something else until none is dropped (so that recursive types keep `Eq` if they can).
    pub(super) fn new(api: &Api) -> Self {
        let mut d = Derives { eq: api.types.keys().cloned().collect() };
        loop {
            let dropped: Vec<String> = api
                .types
                .values()
                .filter(|t| d.eq.contains(&t.name))
                .filter(|t| match &t.kind {
                    TypeKind::Struct { fields, extra, .. } => {
                        !fields.iter().all(|f| d.holds_eq(&f.ty)) || extra.as_ref().is_some_and(|e| !d.holds_eq(e))
                    }
                    TypeKind::Enum { .. } => false,
                    // A tagged union keeps an unknown variant as JSON.
                    TypeKind::Union { variants, tag } => tag.is_some() || !variants.iter().all(|v| d.holds_eq(&v.ty)),
                    TypeKind::Alias { ty } => !d.holds_eq(ty),
                })
                .map(|t| t.name.clone())
                .collect();
            if dropped.is_empty() {
                return d;
            }
            dropped.iter().for_each(|n| {
                d.eq.remove(n);
            });
        }
    }

    fn holds_eq(&self, t: &Ty) -> bool {
        match t {
            Ty::Float { .. } | Ty::Json => false,
            Ty::Named(n) => self.eq.contains(n),
            Ty::Vec(i) | Ty::Map(i) | Ty::Boxed(i) | Ty::Nullable(i) => self.holds_eq(i),
            Ty::String | Ty::Bool | Ty::Int { .. } | Ty::Bytes | Ty::File => true,
        }
    }

    /// `base` and the comparisons a type holding `held` can derive.
    pub(super) fn of<'t>(&self, base: &[&'static str], mut held: impl Iterator<Item = &'t Ty>) -> Vec<&'static str> {
        let mut out = base.to_vec();
        out.push("PartialEq");
        if held.all(|t| self.holds_eq(t)) {
            out.extend(["Eq", "Hash"]);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Field, Rules, TypeDef};

    fn def(name: &str, kind: TypeKind) -> TypeDef {
        TypeDef { name: name.into(), doc: None, origin: String::new(), kind, sent: false, checked: false }
    }

    fn field(ty: Ty) -> Field {
        Field {
            json_name: "f".into(),
            rust_name: "f".into(),
            ty,
            required: true,
            nullable: false,
            doc: None,
            rules: Rules::default(),
            deprecated: false,
            constant: None,
        }
    }

    #[test]
    fn floats_and_json_take_eq_away_through_what_holds_them() {
        let named = |n: &str| Ty::Named(n.into());
        let strukt =
            |ty: Ty, extra: Option<Ty>| TypeKind::Struct { fields: vec![field(ty)], extra, required_struct: None };
        let mut api = Api::default();
        for t in [
            def("Plain", strukt(Ty::Vec(Box::new(Ty::String)), None)),
            def("Price", strukt(Ty::Float { bits: 64 }, None)),
            def("Order", strukt(Ty::Map(Box::new(named("Price"))), None)),
            def("Open", strukt(Ty::String, Some(Ty::Json))),
            def("Tree", strukt(Ty::Vec(Box::new(named("Tree"))), Some(Ty::Int { bits: 32, signed: true }))),
            def("Alias", TypeKind::Alias { ty: Ty::Nullable(Box::new(named("Order"))) }),
        ] {
            api.types.insert(t.name.clone(), t);
        }
        let d = Derives::new(&api);
        assert_eq!(d.eq.iter().map(String::as_str).collect::<Vec<_>>(), ["Plain", "Tree"]);
        assert_eq!(d.of(&["Debug"], [named("Tree")].iter()), ["Debug", "PartialEq", "Eq", "Hash"]);
        assert_eq!(d.of(&["Debug"], [Ty::String, named("Alias")].iter()), ["Debug", "PartialEq"]);
    }
}
