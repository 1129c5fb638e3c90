//! The example round-trip behind `oas-client-gen verify` and example-driven tests: parse a
//! value as a generated type, serialize it back, report the rules it breaks. Only with the
//! `verify` feature; no client needs it, and an inlined runtime leaves it out.

use super::validate::{FieldPath, Rules, Validate, Violation, Violations};

/// What [`round_trip`] found: the value serialized back, and any rule it breaks.
pub type RoundTrip = Result<(serde_json::Value, Vec<Violation>), String>;

/// Parses `value` as `T` and serializes it back, reporting the rules it breaks when `check` is
/// given (for types a request can carry).
///
/// Both ways go through JSON text, as a client's requests and responses do: an `f32` written as
/// text is its shortest form (`0.1`), which a `serde_json::Value` would widen (`0.10000000149011612`).
pub fn round_trip<T>(value: serde_json::Value, check: Option<fn(&T, &mut Violations)>) -> RoundTrip
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let parsed: T = serde_json::from_str(&value.to_string()).map_err(|e| e.to_string())?;
    let mut violations = Violations::new();
    if let Some(check) = check {
        check(&parsed, &mut violations);
    }
    let text = serde_json::to_string(&parsed).map_err(|e| e.to_string())?;
    let back = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    Ok((back, violations.into_vec()))
}

/// The `check` argument of [`round_trip`] for a type with rules.
pub fn validate_example<T: Validate>(value: &T, out: &mut Violations) {
    value.validate(&FieldPath::root("example"), &Rules::NONE, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_go_through_json_text() {
        #[derive(serde::Serialize, serde::Deserialize)]
        struct F {
            f: f32,
        }
        let (back, _) = round_trip::<F>(serde_json::json!({"f": 0.1}), None).unwrap();
        assert_eq!(back, serde_json::json!({"f": 0.1}));
        assert!(round_trip::<F>(serde_json::json!({"f": "x"}), None).unwrap_err().contains("invalid type"));
    }
}
