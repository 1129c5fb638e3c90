//! Path templates: `/books/{bookUid}/contacts` → literal and variable pieces.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Lit(String),
    Var(String),
}

/// Splits a path template; an unclosed or empty `{}` is an error naming the offset.
pub fn parse(path: &str) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut rest = path;
    let mut offset = 0;
    while let Some(open) = rest.find(['{', '}']) {
        if rest.as_bytes()[open] == b'}' {
            return Err(format!("unmatched `}}` at offset {}", offset + open));
        }
        let Some(close) = rest[open..].find('}') else {
            return Err(format!("unclosed `{{` at offset {}", offset + open));
        };
        let name = &rest[open + 1..open + close];
        if name.is_empty() || name.contains('{') {
            return Err(format!("bad variable name `{name}` at offset {}", offset + open));
        }
        if open > 0 {
            pieces.push(Piece::Lit(rest[..open].to_string()));
        }
        pieces.push(Piece::Var(name.to_string()));
        offset += open + close + 1;
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Lit(rest.to_string()));
    }
    Ok(pieces)
}

#[cfg(test)]
mod tests {
    use super::{parse, Piece::*};

    fn lit(s: &str) -> super::Piece {
        Lit(s.into())
    }
    fn var(s: &str) -> super::Piece {
        Var(s.into())
    }

    #[test]
    fn table() {
        let cases: Vec<(&str, Result<Vec<super::Piece>, &str>)> = vec![
            ("/", Ok(vec![lit("/")])),
            ("", Ok(vec![])),
            ("/contacts", Ok(vec![lit("/contacts")])),
            ("/{phone_number_id}/contacts", Ok(vec![lit("/"), var("phone_number_id"), lit("/contacts")])),
            ("/a/{b}/c/{d}", Ok(vec![lit("/a/"), var("b"), lit("/c/"), var("d")])),
            ("/{a}{b}", Ok(vec![lit("/"), var("a"), var("b")])),
            ("/files/{name}.json", Ok(vec![lit("/files/"), var("name"), lit(".json")])),
            ("/a/{", Err("unclosed `{` at offset 3")),
            ("/a/}", Err("unmatched `}` at offset 3")),
            ("/a/{}", Err("bad variable name `` at offset 3")),
            ("/a/{b{c}", Err("bad variable name `b{c` at offset 3")),
        ];
        for (input, want) in cases {
            assert_eq!(parse(input), want.map_err(String::from), "parse({input:?})");
        }
    }
}
