//! String enums that keep values the spec does not list.

/// What every generated string enum shares: its wire values, `Display`, `FromStr` (a value the
/// spec does not list becomes `Unknown(..)`, so new server values never fail parsing), serde as a
/// plain string. With `checked`, also [`Validate`](super::Validate) that refuses an `Unknown`
/// value before a request is sent (for a closed enum a request carries); open enums, and enums
/// only ever received, have no such check.
///
/// The enum itself (with an `Unknown(String)` variant) is declared by the generated code; this
/// macro adds the impls from its variant → wire value table.
#[macro_export]
macro_rules! string_enum {
    ($name:ident checked { $($variant:ident = $value:literal),* $(,)? }) => {
        $crate::string_enum!($name { $($variant = $value),* });
        impl $crate::__rt::Validate for $name {
            fn validate(&self, at: &$crate::__rt::FieldPath, _: &$crate::__rt::Rules, out: &mut $crate::__rt::Violations) {
                if let Self::Unknown(v) = self {
                    out.push($crate::__rt::Violation::not_listed(at, v, Self::VALUES));
                }
            }
        }
    };
    ($name:ident { $($variant:ident = $value:literal),* $(,)? }) => {
        impl $name {
            /// Every value the spec lists.
            pub const VALUES: &'static [&'static str] = &[$($value),*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::Unknown(other) => other.as_str(),
                }
            }

            /// False for values the spec does not list.
            pub fn is_known(&self) -> bool {
                !::std::matches!(self, Self::Unknown(_))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(<Self as ::std::convert::From<&str>>::from(s))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($value => Self::$variant,)*
                    other => Self::Unknown(::std::borrow::ToOwned::to_owned(other)),
                }
            }
        }

        impl $crate::__rt::serde::Serialize for $name {
            fn serialize<__S: $crate::__rt::serde::Serializer>(&self, s: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__rt::serde::Deserialize<'de> for $name {
            #[inline]
            fn deserialize<__D: $crate::__rt::serde::Deserializer<'de>>(d: __D) -> ::std::result::Result<Self, __D::Error> {
                // Borrowed from the input where the format allows: no allocation for a listed value.
                let s = <$crate::__rt::object::Key<'de> as $crate::__rt::serde::Deserialize>::deserialize(d)?;
                ::std::result::Result::Ok(<Self as ::std::convert::From<&str>>::from(&*s.0))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::super::{FieldPath, Rules, Validate, Violations};

    #[derive(Debug, Clone, PartialEq)]
    enum Kind {
        Lead,
        Customer,
        Unknown(String),
    }
    crate::string_enum!(Kind checked { Lead = "lead", Customer = "customer" });

    #[test]
    fn unknown_values_round_trip_and_are_refused_on_send() {
        let k: Kind = serde_json::from_str("\"partner\"").unwrap();
        assert_eq!(k, Kind::Unknown("partner".into()));
        assert_eq!(serde_json::to_string(&k).unwrap(), "\"partner\"");
        assert_eq!("customer".parse::<Kind>().unwrap(), Kind::Customer);
        assert_eq!(Kind::Lead.to_string(), "lead");
        assert!(Kind::Lead.is_known() && !k.is_known());
        let mut out = Violations::new();
        k.validate(&FieldPath::root("type"), &Rules::NONE, &mut out);
        Kind::Customer.validate(&FieldPath::root("type"), &Rules::NONE, &mut out);
        let v = out.into_vec();
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].to_string(), "type (enum): `partner` is not one of lead, customer");
    }
}
