//! Spec prose → doc comments that rustdoc and clippy accept as they are: no lint needs to be
//! allowed for what a description happens to contain.
//!
//! - fenced blocks become `text` blocks (a description is not a doctest);
//! - leading indentation goes (it would start a code block);
//! - bare URLs become autolinks (`<https://…>`);
//! - `[` `]` that are not part of a Markdown link are escaped (rustdoc would read an intra-doc link);
//! - `<` that does not open an autolink is escaped (rustdoc would read an HTML tag);
//! - a line continuing a list item joins it (clippy reads it as a lazy continuation otherwise).

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "…"]` lines for `text`, or nothing.
pub fn doc(text: Option<&str>) -> TokenStream {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else { return TokenStream::new() };
    let attrs = lines(text).into_iter().map(|l| {
        let l = format!(" {l}");
        quote!(#[doc = #l])
    });
    quote!(#(#attrs)*)
}

/// Joins optional doc paragraphs with a blank line.
pub fn paragraphs(parts: &[Option<&str>]) -> Option<String> {
    let parts: Vec<&str> = parts.iter().flatten().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

/// Collapses prose into one line (for list items and short labels).
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The doc lines for `text`, made safe.
fn lines(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut in_fence = false;
    let mut in_list = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            out.push(if in_fence { "```".to_string() } else { "```text".to_string() });
            in_fence = !in_fence;
            in_list = false;
        } else if in_fence {
            out.push(line.to_string());
        } else if trimmed.is_empty() {
            out.push(String::new());
            in_list = false;
        } else {
            let safe = inline(trimmed);
            let item = is_list_item(trimmed);
            match out.last_mut() {
                Some(prev) if in_list && !item => {
                    prev.push(' ');
                    prev.push_str(&safe);
                }
                _ => out.push(safe),
            }
            in_list = item || in_list;
        }
    }
    if in_fence {
        out.push("```".into());
    }
    out
}

fn is_list_item(line: &str) -> bool {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    line.starts_with("- ")
        || line.starts_with("* ")
        || line.starts_with("+ ")
        || (digits > 0 && (line[digits..].starts_with(". ") || line[digits..].starts_with(") ")))
}

/// One line outside code: links kept, URLs autolinked, brackets and `<` escaped. Inline code
/// spans are kept as they are.
fn inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            // An inline code span runs to the next backtick; an unmatched one is escaped.
            match rest[1..].find('`') {
                Some(end) => {
                    out.push_str(&rest[..end + 2]);
                    rest = &rest[end + 2..];
                }
                None => {
                    out.push_str("\\`");
                    rest = &rest[1..];
                }
            }
        } else if c == '[' {
            match markdown_link(rest) {
                Some(len) => {
                    out.push_str(&rest[..len]);
                    rest = &rest[len..];
                }
                None => {
                    out.push_str("\\[");
                    rest = &rest[1..];
                }
            }
        } else if c == ']' {
            out.push_str("\\]");
            rest = &rest[1..];
        } else if c == '<' {
            match autolink(rest) {
                Some(len) => {
                    out.push_str(&rest[..len]);
                    rest = &rest[len..];
                }
                None => {
                    out.push_str("&lt;");
                    rest = &rest[1..];
                }
            }
        } else if rest.starts_with("http://") || rest.starts_with("https://") {
            let len = url_len(rest);
            out.push('<');
            out.push_str(&rest[..len]);
            out.push('>');
            rest = &rest[len..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// The length of a `[text](http…)` link at the start of `s`, if there is one.
fn markdown_link(s: &str) -> Option<usize> {
    let close = s.find(']')?;
    let text = &s[1..close];
    if text.contains('[') || !s[close + 1..].starts_with("(http") {
        return None;
    }
    let end = s[close..].find(')')? + close;
    let target = &s[close + 2..end];
    (!target.contains(char::is_whitespace)).then_some(end + 1)
}

/// The length of a `<http…>` autolink at the start of `s`, if there is one.
fn autolink(s: &str) -> Option<usize> {
    if !(s.starts_with("<http://") || s.starts_with("<https://")) {
        return None;
    }
    let end = s.find('>')?;
    (!s[..end].contains(char::is_whitespace)).then_some(end + 1)
}

/// A bare URL runs to whitespace; trailing punctuation belongs to the sentence.
fn url_len(s: &str) -> usize {
    let end = s.find(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"' || c == '`').unwrap_or(s.len());
    let url = &s[..end];
    url.len() - (url.len() - url.trim_end_matches(['.', ',', ';', ':', ')', '!', '?', '\'']).len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_table() {
        let cases = [
            ("plain text", "plain text"),
            ("see https://a.test/x.", "see <https://a.test/x>."),
            ("(https://a.test/y)", "(<https://a.test/y>)"),
            ("[link](https://a.test) stays", "[link](https://a.test) stays"),
            ("<https://a.test> stays", "<https://a.test> stays"),
            ("array[0] and [Foo]", "array\\[0\\] and \\[Foo\\]"),
            ("a <b> tag and 1 < 2", "a &lt;b> tag and 1 &lt; 2"),
            ("`code [x] <y>` kept", "`code [x] <y>` kept"),
            ("unmatched ` tick", "unmatched \\` tick"),
            ("ünïcode https://ä.test", "ünïcode <https://ä.test>"),
        ];
        for (input, want) in cases {
            assert_eq!(inline(input), want, "{input:?}");
        }
    }

    #[test]
    fn lines_table() {
        let cases: [(&str, &[&str]); 4] = [
            ("  indented\n    more", &["indented", "more"]),
            ("```json\n  {\"a\": 1}\n```", &["```text", "  {\"a\": 1}", "```"]),
            ("- item one\ncontinues here\n- two\n\nafter", &["- item one continues here", "- two", "", "after"]),
            ("```\nunclosed", &["```text", "unclosed", "```"]),
        ];
        for (input, want) in cases {
            assert_eq!(lines(input), want, "{input:?}");
        }
    }
}
