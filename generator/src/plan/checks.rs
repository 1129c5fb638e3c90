//! Which values a request checks before sending, and how: generated types have a `Validate` impl
//! only when a request can carry them and they hold something to check.

use crate::model::{Api, Rules, Ty, TypeDef, TypeKind};
use std::collections::BTreeMap;

/// How a value with rules is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// `Validate`: its own rules and everything it holds.
    Check,
    /// Only `minItems`/`maxItems`: a collection of a type without a `Validate` impl.
    Count,
}

pub(super) struct Checks<'a> {
    types: &'a BTreeMap<String, TypeDef>,
}

impl<'a> Checks<'a> {
    pub(super) fn new(api: &'a Api) -> Self {
        Checks { types: &api.types }
    }

    /// A value of this type holds a checked generated type.
    pub fn walks(&self, t: &Ty) -> bool {
        t.named().is_some_and(|n| self.types.get(n).is_some_and(|d| d.checked))
    }

    /// `Validate` is implemented for this type (by the runtime for primitives and containers,
    /// by the generated code for checked types, through aliases to either).
    fn validates(&self, t: &Ty) -> bool {
        match t {
            Ty::Named(n) => match self.types.get(n).map(|d| (&d.kind, d.checked)) {
                Some((TypeKind::Alias { ty }, _)) => self.validates(ty),
                Some((_, checked)) => checked,
                None => false,
            },
            Ty::Vec(i) | Ty::Map(i) | Ty::Boxed(i) | Ty::Nullable(i) => self.validates(i),
            _ => true,
        }
    }

    /// How a value of type `t` with `rules` at its place is checked, if at all.
    pub fn how(&self, t: &Ty, rules: &Rules) -> Option<How> {
        if self.walks(t) {
            Some(How::Check)
        } else if rules.is_empty() {
            None
        } else if self.validates(t) {
            Some(How::Check)
        } else {
            Some(How::Count)
        }
    }
}
