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

/// Express-style segments (`/bots/:botId`): where `:name` is a whole segment and `name` a declared
/// path parameter that the template does not already write as `{name}`, the segment becomes that
/// variable. Returns the new pieces and the names adopted this way.
pub fn adopt_colon_segments(pieces: Vec<Piece>, declared: &[&str]) -> (Vec<Piece>, Vec<String>) {
    let written: Vec<&str> =
        pieces.iter().filter_map(|p| if let Piece::Var(v) = p { Some(v.as_str()) } else { None }).collect();
    let wanted = |name: &str| declared.contains(&name) && !written.contains(&name);
    let mut out: Vec<Piece> = Vec::new();
    let mut adopted = Vec::new();
    let push_lit = |out: &mut Vec<Piece>, text: &str| match out.last_mut() {
        Some(Piece::Lit(l)) => l.push_str(text),
        _ if text.is_empty() => {}
        _ => out.push(Piece::Lit(text.to_string())),
    };
    for piece in &pieces {
        let Piece::Lit(lit) = piece else {
            out.push(piece.clone());
            continue;
        };
        for (i, segment) in lit.split('/').enumerate() {
            if i > 0 {
                push_lit(&mut out, "/");
            }
            match segment.strip_prefix(':') {
                Some(name) if wanted(name) && !adopted.iter().any(|a| a == name) => {
                    out.push(Piece::Var(name.to_string()));
                    adopted.push(name.to_string());
                }
                _ => push_lit(&mut out, segment),
            }
        }
    }
    (out, adopted)
}

#[cfg(test)]
mod tests {
    use super::{adopt_colon_segments, parse, Piece::*};

    #[test]
    fn colon_segments() {
        /// Path, declared path parameters, the pieces, the names adopted.
        type Case<'a> = (&'a str, &'a [&'a str], Vec<super::Piece>, &'a [&'a str]);
        let cases: Vec<Case> = vec![
            (
                "/bots/find/:botId/{instance}",
                &["botId", "instance"],
                vec![lit("/bots/find/"), var("botId"), lit("/"), var("instance")],
                &["botId"],
            ),
            ("/a/:x", &["y"], vec![lit("/a/:x")], &[]),
            ("/a/:x:y/b", &["x"], vec![lit("/a/:x:y/b")], &[]),
            ("/a/{x}/:x", &["x"], vec![lit("/a/"), var("x"), lit("/:x")], &[]),
            ("/:id", &["id"], vec![lit("/"), var("id")], &["id"]),
        ];
        for (path, declared, want, adopted) in cases {
            let (pieces, got) = adopt_colon_segments(parse(path).unwrap(), declared);
            assert_eq!(pieces, want, "{path}");
            assert_eq!(got, adopted, "{path}");
        }
    }

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
