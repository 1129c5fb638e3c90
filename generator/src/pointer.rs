//! JSON pointers (RFC 6901): the one place tokens are escaped and unescaped.

use std::borrow::Cow;

/// Escapes one token: `~` → `~0`, `/` → `~1`. Borrowed when there is nothing to escape (nearly
/// always): passes call it for every node they walk.
pub fn escape(token: &str) -> Cow<'_, str> {
    if token.contains(['~', '/']) {
        Cow::Owned(token.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(token)
    }
}

/// Undoes [`escape`] (`~1` first, so `~01` stays `~1`).
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// `base` with one more (escaped) token.
pub fn child(base: &str, token: &str) -> String {
    let token = escape(token);
    let mut out = String::with_capacity(base.len() + 1 + token.len());
    out.push_str(base);
    out.push('/');
    out.push_str(&token);
    out
}

/// The tokens of a `#/a/b` or `/a/b` pointer, unescaped.
pub fn tokens(pointer: &str) -> impl Iterator<Item = String> + '_ {
    pointer.trim_start_matches('#').split('/').skip(1).map(unescape)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        for (raw, escaped) in [("a/b", "a~1b"), ("m~n", "m~0n"), ("~1", "~01"), ("/{id}", "~1{id}"), ("", "")] {
            assert_eq!(escape(raw), escaped);
            assert_eq!(unescape(escaped), raw);
        }
        assert_eq!(child("#/paths", "/a/{b}"), "#/paths/~1a~1{b}");
        assert_eq!(tokens("#/components/schemas/a~1b").collect::<Vec<_>>(), ["components", "schemas", "a/b"]);
        assert_eq!(tokens("/x/~0y").collect::<Vec<_>>(), ["x", "~y"]);
    }
}
