//! The JSON fast path of [`Positions`](super::Positions): one pass over the bytes, recording for
//! every value what the YAML event parser would (the key's span, where the value starts, where a
//! scalar ends), with lines 1-based and columns counted in characters.

use super::{At, Node};
use crate::pointer;
use std::collections::HashMap;

/// Nesting beyond this is left to the event parser rather than risk the stack.
const MAX_DEPTH: usize = 512;

/// The nodes of `text` if it is one JSON object or array, else `None` (a syntax error, trailing
/// text, or YAML): the caller falls back to the event parser, which also keeps a broken
/// document's nodes up to the error.
pub(super) fn nodes(text: &str) -> Option<HashMap<String, Node>> {
    let start = text.bytes().position(|b| !b.is_ascii_whitespace())?;
    if !matches!(text.as_bytes()[start], b'{' | b'[') {
        return None;
    }
    let mut scan = Scan { text, pos: 0, line: 1, cursor: 0, col: 0, nodes: HashMap::new() };
    scan.value(&mut String::new(), None, 0)?;
    scan.space();
    (scan.pos == text.len()).then_some(scan.nodes)
}

struct Scan<'t> {
    text: &'t str,
    pos: usize,
    line: usize,
    /// A byte offset on the current line whose column is `col`; positions are asked for in
    /// increasing order, so each column is counted on from the last.
    cursor: usize,
    col: usize,
    nodes: HashMap<String, Node>,
}

impl Scan<'_> {
    fn byte(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn space(&mut self) {
        while let Some(b) = self.byte() {
            match b {
                b'\n' => {
                    self.pos += 1;
                    (self.line, self.cursor, self.col) = (self.line + 1, self.pos, 0);
                }
                b' ' | b'\t' | b'\r' => self.pos += 1,
                _ => break,
            }
        }
    }

    /// The line and column of the current position.
    fn at(&mut self) -> At {
        let skipped = &self.text.as_bytes()[self.cursor..self.pos];
        self.col += skipped.iter().filter(|&&b| b & 0xC0 != 0x80).count();
        self.cursor = self.pos;
        At { line: self.line, col: self.col }
    }

    /// One value at `pointer` (which it extends and restores for its children).
    fn value(&mut self, pointer: &mut String, key: Option<(At, At)>, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.space();
        let start = self.at();
        match self.byte()? {
            b'{' => {
                if self.open(pointer, Node { key, start, scalar_end: None }, b'}')? {
                    return Some(());
                }
                loop {
                    self.space();
                    let key_start = self.at();
                    let name = self.string()?;
                    let key_end = self.at();
                    self.space();
                    (self.byte()? == b':').then_some(())?;
                    self.pos += 1;
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&pointer::escape(&name));
                    self.value(pointer, Some((key_start, key_end)), depth + 1)?;
                    pointer.truncate(len);
                    if !self.next_or_close(b'}')? {
                        return Some(());
                    }
                }
            }
            b'[' => {
                if self.open(pointer, Node { key, start, scalar_end: None }, b']')? {
                    return Some(());
                }
                for index in 0usize.. {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&index.to_string());
                    self.value(pointer, None, depth + 1)?;
                    pointer.truncate(len);
                    if !self.next_or_close(b']')? {
                        break;
                    }
                }
                Some(())
            }
            b'"' => {
                self.string()?;
                self.scalar(pointer, key, start)
            }
            _ => {
                let rest = &self.text.as_bytes()[self.pos..];
                let len = rest.iter().position(|b| matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\r' | b'\n'));
                let len = len.unwrap_or(rest.len());
                // true, false, null or a number: anything else is not JSON.
                let word = &self.text[self.pos..self.pos + len];
                (len > 0 && serde_json::from_str::<serde_json::Value>(word).is_ok()).then_some(())?;
                self.pos += len;
                self.scalar(pointer, key, start)
            }
        }
    }

    /// Records an object or array and steps into it: `true` when it is empty (and already left).
    fn open(&mut self, pointer: &str, node: Node, close: u8) -> Option<bool> {
        self.nodes.insert(pointer.to_string(), node);
        self.pos += 1;
        self.space();
        let empty = self.byte()? == close;
        if empty {
            self.pos += 1;
        }
        Some(empty)
    }

    fn scalar(&mut self, pointer: &str, key: Option<(At, At)>, start: At) -> Option<()> {
        let end = self.at();
        self.nodes.insert(pointer.to_string(), Node { key, start, scalar_end: Some(end) });
        Some(())
    }

    /// After a member or element: `true` at a comma (another follows), `false` at `close`.
    fn next_or_close(&mut self, close: u8) -> Option<bool> {
        self.space();
        let b = self.byte()?;
        self.pos += 1;
        match b {
            b',' => Some(true),
            b if b == close => Some(false),
            _ => None,
        }
    }

    /// A string literal at the current position, decoded.
    fn string(&mut self) -> Option<String> {
        let bytes = self.text.as_bytes();
        (bytes.get(self.pos) == Some(&b'"')).then_some(())?;
        let mut end = self.pos + 1;
        let mut escaped = false;
        loop {
            match *bytes.get(end)? {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    end += 2;
                }
                b'\n' => return None,
                _ => end += 1,
            }
        }
        let raw = &self.text[self.pos..=end];
        self.pos = end + 1;
        if escaped {
            serde_json::from_str(raw).ok()
        } else {
            Some(raw[1..raw.len() - 1].to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{yaml_nodes, Positions};
    use super::nodes;

    /// Every pointer's span is the same by the scanner and by the event parser, except that the
    /// event parser stretches a quoted scalar over the spaces after it (`"a" : 1`, `"y" ]`).
    fn same_as_the_event_parser(text: &str) -> usize {
        let fast = nodes(text).expect("the scanner reads it");
        let slow = yaml_nodes(text);
        let mut keys: Vec<String> = slow.keys().cloned().collect();
        keys.sort();
        let fast_keys: std::collections::BTreeSet<_> = fast.keys().cloned().collect();
        assert_eq!(fast_keys, keys.iter().cloned().collect(), "the same pointers");
        let with = |nodes| Positions { text, lines: Positions::of(text).lines, nodes };
        let (fast, slow) = (with(fast), with(slow));
        for p in &keys {
            let underlined = |span: Option<std::ops::Range<usize>>| text[span.expect("a span")].trim_end();
            assert_eq!(underlined(fast.span(p)), underlined(slow.span(p)), "{p}");
        }
        keys.len()
    }

    #[test]
    fn agrees_with_the_event_parser_on_pretty_and_minified_json() {
        let text = "{\n  \"paths\": {\"/a/{id}\": {\"get\": {\"x~y\": 5, \"é\": \"ü\\\"\", \"n\": null}}},\n  \"list\": [1, [true, {\"k\": -2.5e3}], [], {}],\n  \"esc\\u0041pe\": \"a\\\\b\"\n}\n";
        assert_eq!(same_as_the_event_parser(text), 16);
        let minified: String = text.split('\n').map(str::trim).collect();
        assert_eq!(same_as_the_event_parser(&minified), 16);
        let spaced = "{ \"a\" : [ \"y\" , 2 ] }";
        assert_eq!(same_as_the_event_parser(spaced), 4);
        assert_eq!(&spaced[Positions::of(spaced).span("/a/0").unwrap()], "\"y\"");
    }

    #[test]
    fn agrees_with_the_event_parser_on_corpus_documents() {
        let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/corpus");
        for name in ["hubspot-crm-contacts-v3.json", "waha-whatsapp-http-api.json"] {
            let text = std::fs::read_to_string(format!("{corpus}/{name}")).expect("a corpus document");
            assert!(same_as_the_event_parser(&text) > 1000, "{name}");
        }
    }

    #[test]
    fn what_is_not_one_json_value_is_left_to_the_event_parser() {
        for text in ["a: 1\n", "{\"a\": 1", "{\"a\": 1} x", "{\"a\": tru}", "{'a': 1}", "[1,]", "", "  "] {
            assert!(nodes(text).is_none(), "{text:?}");
        }
        assert_eq!(nodes("[]").map(|n| n.len()), Some(1));
    }
}
