//! Client-side rules as shared constants: each distinct rule set is one `const` in the types
//! module, named by what it checks, and every place that applies it refers to that name.

use crate::model::Rules;
use std::collections::BTreeMap;

/// One rule constant: its name, its rules, and the name of the constant of its item rules.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleConst {
    pub name: String,
    pub rules: Rules,
    pub items: Option<String>,
}

/// The rule constants one API needs, by name, as they are claimed.
#[derive(Default)]
pub(super) struct RuleNames {
    by_name: BTreeMap<String, Rules>,
}

impl RuleNames {
    /// The constant that holds `r` where it is used; `None` for no rules (`rt::Rules::NONE`).
    pub(super) fn use_rules(&mut self, r: &Rules) -> Option<String> {
        (!r.is_empty()).then(|| self.claim(r))
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

    /// The constants, sorted by name.
    pub(super) fn constants(&self) -> Vec<RuleConst> {
        let name_of = |r: &Rules| self.by_name.iter().find(|(_, v)| *v == r).map(|(n, _)| n.clone());
        self.by_name
            .iter()
            .map(|(name, r)| RuleConst {
                name: name.clone(),
                rules: r.clone(),
                items: r.items.as_deref().and_then(name_of),
            })
            .collect()
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
        let mut c = RuleNames::default();
        let email = Rules { max_length: Some(191), email: true, ..Default::default() };
        let each = Rules { max_items: Some(3), items: Some(Box::new(email.clone())), ..Default::default() };
        assert_eq!(c.use_rules(&email).as_deref(), Some("R_MAX_LENGTH_191_EMAIL"));
        assert_eq!(c.use_rules(&email).as_deref(), Some("R_MAX_LENGTH_191_EMAIL"));
        assert_eq!(c.use_rules(&each).as_deref(), Some("R_MAX_ITEMS_3_EACH_MAX_LENGTH_191_EMAIL"));
        let bounds = Rules { minimum: Some(-1.5), exclusive_minimum: true, maximum: Some(10.0), ..Default::default() };
        assert_eq!(c.use_rules(&bounds).as_deref(), Some("R_ABOVE_N1_5_MAX_10"));
        assert_eq!(c.use_rules(&Rules::default()), None);
        let consts = c.constants();
        assert_eq!(consts.len(), 3);
        let each = consts.iter().find(|k| k.name == "R_MAX_ITEMS_3_EACH_MAX_LENGTH_191_EMAIL");
        assert_eq!(each.and_then(|k| k.items.as_deref()), Some("R_MAX_LENGTH_191_EMAIL"));
    }
}
