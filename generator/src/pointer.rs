//! JSON pointers (RFC 6901): the one place tokens are escaped and unescaped.

/// Escapes one token: `~` → `~0`, `/` → `~1`.
pub fn escape(token: &str) -> String {
    if token.contains(['~', '/']) {
        token.replace('~', "~0").replace('/', "~1")
    } else {
        token.to_string()
    }
}

/// Undoes [`escape`] (`~1` first, so `~01` stays `~1`).
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// `base` with one more (escaped) token. Called for every node a pass walks, so it allocates once
/// when the token needs no escaping (most do not).
pub fn child(base: &str, token: &str) -> String {
    if token.contains(['~', '/']) {
        return format!("{base}/{}", escape(token));
    }
    let mut out = String::with_capacity(base.len() + 1 + token.len());
    out.push_str(base);
    out.push('/');
    out.push_str(token);
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
