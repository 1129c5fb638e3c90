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
    // A carriage return alone ends a line too: rustc refuses a bare CR in a doc comment.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let text = text.as_str();
    let mut out: Vec<String> = Vec::new();
    let mut in_fence = false;
    let mut in_list = false;
    // Inside a code span that an earlier line of the paragraph opened.
    let mut in_code = false;
    let all: Vec<&str> = text.lines().collect();
    for (i, line) in all.iter().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_code = false;
            out.push(if in_fence { "```".to_string() } else { "```text".to_string() });
            in_fence = !in_fence;
            in_list = false;
        } else if in_fence {
            out.push(line.to_string());
        } else if trimmed.is_empty() {
            out.push(String::new());
            in_list = false;
            in_code = false;
        } else {
            // A code span may close on a later line of the same paragraph (Markdown wraps it).
            let closes_later = all[i + 1..]
                .iter()
                .map(|l| l.trim_start())
                .take_while(|l| !l.is_empty() && !l.starts_with("```") && !l.starts_with("~~~"))
                .any(|l| l.contains('`'));
            let safe = inline(trimmed, &mut in_code, closes_later);
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
/// spans are kept as they are, also one that `in_code` says an earlier line opened, or that
/// closes on a later line (`closes_later`: the paragraph has a backtick after this line).
fn inline(line: &str, in_code: &mut bool, closes_later: bool) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    if *in_code {
        let Some(end) = rest.find('`') else { return line.to_string() };
        out.push_str(&rest[..=end]);
        rest = &rest[end + 1..];
        *in_code = false;
    }
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            // An inline code span runs to the next backtick; an unmatched one is escaped.
            match rest[1..].find('`') {
                Some(end) => {
                    out.push_str(&rest[..end + 2]);
                    rest = &rest[end + 2..];
                }
                None if closes_later => {
                    out.push_str(rest);
                    *in_code = true;
                    rest = "";
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
            assert_eq!(inline(input, &mut false, false), want, "{input:?}");
        }
    }

    #[test]
    fn code_spans_wrap_across_lines_of_a_paragraph() {
        let text = "mirrors (`{success, message, error: {code,\nmessage}, metadata}`) and (`{a,\nb}`). A lone ` here\n\n`x\ny` in a new paragraph";
        assert_eq!(
            lines(text),
            [
                "mirrors (`{success, message, error: {code,",
                "message}, metadata}`) and (`{a,",
                "b}`). A lone \\` here",
                "",
                "`x",
                "y` in a new paragraph",
            ]
        );
        // Inside a span, brackets and `<` are code, not Markdown.
        assert_eq!(lines("see `a[0]\n<b>` now [x]"), ["see `a[0]", "<b>` now \\[x\\]"]);
    }

    #[test]
    fn carriage_returns_end_lines_and_never_reach_a_doc_comment() {
        // A description of the public directory's vtex.local orders API has bare CRs, which
        // rustc refuses in a doc comment ("bare CR not allowed in doc-comment").
        assert_eq!(lines("first\rsecond\r\nthird"), ["first", "second", "third"]);
        assert_eq!(doc(Some("a\rb")).to_string().matches("# [doc").count(), 2, "one doc line each");
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
