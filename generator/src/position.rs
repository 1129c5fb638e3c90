//! Where a JSON pointer is in the source text of a YAML or JSON document, for diagnostics.
//!
//! Computed only when there is something to report: one pass over the text records, for every
//! node, the position of its key and of its value. A JSON document is scanned byte by byte (ten
//! times faster than an event parser on the multi-megabyte descriptions many APIs publish);
//! anything else, or JSON the scanner does not accept, goes through a YAML 1.2 event parser.

mod json;

use crate::pointer;
use saphyr_parser::{Event, Marker, Parser, Span};
use std::collections::HashMap;
use std::ops::Range;

/// A line (1-based) and a column (0-based, in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct At {
    line: usize,
    col: usize,
}

impl From<Marker> for At {
    fn from(m: Marker) -> Self {
        At { line: m.line(), col: m.col() }
    }
}

/// One node: its key (for a mapping entry), where its value starts, and where a scalar ends.
#[derive(Clone, Copy, Debug)]
struct Node {
    key: Option<(At, At)>,
    start: At,
    scalar_end: Option<At>,
}

/// An open mapping or sequence during the pass.
struct Frame {
    pointer: String,
    /// For a mapping: the key just read, waiting for its value.
    key: Option<(String, Span)>,
    /// For a sequence: the next index.
    index: Option<usize>,
}

/// The positions of every node of a document, by JSON pointer (`/a/b`, the root is ``).
pub struct Positions<'t> {
    text: &'t str,
    /// Byte offset of each line's start.
    lines: Vec<usize>,
    nodes: HashMap<String, Node>,
}

impl<'t> Positions<'t> {
    /// Reads `text`; a syntax error stops the pass, keeping the nodes before it.
    pub fn of(text: &'t str) -> Self {
        let lines = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        let nodes = json::nodes(text).unwrap_or_else(|| yaml_nodes(text));
        Positions { text, lines, nodes }
    }

    /// The text the positions are in.
    pub fn text(&self) -> &'t str {
        self.text
    }

    /// The byte range to underline for `pointer` (`#/a/b` or `/a/b`), or for its nearest ancestor
    /// in the text: the key and a value on the same line, or the value, within one line.
    pub fn span(&self, pointer: &str) -> Option<Range<usize>> {
        let mut p = pointer.trim_start_matches('#');
        let node = loop {
            if let Some(node) = self.nodes.get(p) {
                break node;
            }
            p = &p[..p.rfind('/')?];
        };
        let (start, end) = match (node.key, node.scalar_end) {
            (Some((key, _)), Some(end)) if end.line == key.line => (key, end),
            (Some((key, key_end)), _) => (key, key_end),
            (None, Some(end)) if end.line == node.start.line => (node.start, end),
            (None, _) => (node.start, At { line: node.start.line, col: usize::MAX }),
        };
        Some(self.offset(start)..self.offset(end))
    }

    /// The byte range of a `line L, column C` position (both 1-based, as serde reports them).
    /// A position past the last line (an unexpected end of the text) is the end of that line.
    pub fn line_column(&self, line: usize, column: usize) -> Range<usize> {
        let last = self.text.trim_end().len();
        let at = self.offset(At { line, col: column.saturating_sub(1) }).min(last);
        at..at
    }

    /// The byte offset of a position, clamped to its line (without the line break).
    fn offset(&self, at: At) -> usize {
        let start = self.lines.get(at.line.saturating_sub(1)).copied().unwrap_or(self.text.len());
        let line = self.text[start..].split('\n').next().unwrap_or("").trim_end();
        start + line.char_indices().nth(at.col).map_or(line.len(), |(i, _)| i)
    }

    /// The 1-based line holding a byte offset, the byte range of that line, and its text.
    pub fn line_of(&self, offset: usize) -> (usize, Range<usize>) {
        let line = self.lines.partition_point(|&s| s <= offset).max(1);
        let start = self.lines[line - 1];
        let end = self.lines.get(line).map_or(self.text.len(), |&next| next - 1);
        (line, start..end)
    }
}

/// Every node of a YAML (or JSON) text by its event stream; a syntax error stops the pass,
/// keeping the nodes before it.
fn yaml_nodes(text: &str) -> HashMap<String, Node> {
    let mut nodes = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    for event in Parser::new_from_str(text) {
        let Ok((event, span)) = event else { break };
        // A scalar where a mapping waits for a key is that key.
        if let Event::Scalar(s, ..) = &event {
            if let Some(map) = stack.last_mut().filter(|f| f.index.is_none() && f.key.is_none()) {
                map.key = Some((s.to_string(), span));
                continue;
            }
        }
        let (pointer, key) = match stack.last_mut() {
            None => (String::new(), None),
            Some(Frame { pointer: p, index: Some(i), .. }) => {
                *i += 1;
                (pointer::child(p, &(*i - 1).to_string()), None)
            }
            Some(Frame { pointer: p, key, .. }) => match key.take() {
                Some((k, s)) => (pointer::child(p, &k), Some((s.start.into(), s.end.into()))),
                None => (p.clone(), None), // a mapping or sequence as a key: not addressable
            },
        };
        let node = |scalar_end| Node { key, start: span.start.into(), scalar_end };
        match event {
            Event::Scalar(..) | Event::Alias(_) => {
                nodes.insert(pointer, node(Some(span.end.into())));
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                nodes.insert(pointer.clone(), node(None));
                let index = matches!(event, Event::SequenceStart(..)).then_some(0);
                stack.push(Frame { pointer, key: None, index });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
            }
            _ => {}
        }
    }
    nodes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn underlined<'t>(text: &'t str, pointer: &str) -> &'t str {
        &text[Positions::of(text).span(pointer).unwrap()]
    }

    #[test]
    fn yaml_keys_values_and_ancestors() {
        let text = "a:\n  b: {type: strin, x: 1}\n  list:\n    - name: q\n      in: qurey\n    - [1, 2]\n  é: \"ü\"\n";
        assert_eq!(underlined(text, "#/a/b/type"), "type: strin");
        assert_eq!(underlined(text, "/a/list/0/in"), "in: qurey");
        assert_eq!(underlined(text, "/a/list/0"), "name: q");
        assert_eq!(underlined(text, "/a/list/1/1"), "2");
        assert_eq!(underlined(text, "/a/list"), "list");
        assert_eq!(underlined(text, "/a/é"), "é: \"ü\"");
        // Not in the text (a rewrite added it): the nearest ancestor.
        assert_eq!(underlined(text, "/a/b/x/deeper"), "x: 1");
        assert_eq!(underlined(text, "/a/b~1c"), "a");
    }

    #[test]
    fn json_documents_and_escaped_keys() {
        let text = "{\n  \"paths\": {\"/a/{id}\": {\"get\": {\"x~y\": 5}}}\n}";
        assert_eq!(underlined(text, "/paths/~1a~1{id}/get/x~0y"), "\"x~y\": 5");
        assert_eq!(underlined(text, "/paths/~1a~1{id}"), "\"/a/{id}\"");
        let text = "a: {$ref: \"#/x\", b: 'y'}\n";
        assert_eq!(underlined(text, "/a/$ref"), "$ref: \"#/x\"");
        assert_eq!(underlined(text, "/a/b"), "b: 'y'");
    }

    #[test]
    fn lines_and_columns() {
        let text = "ab\ncd\n";
        let p = Positions::of(text);
        assert_eq!(p.line_column(2, 2), 4..4);
        assert_eq!(p.line_of(4), (2, 3..5));
        assert_eq!(p.line_of(0), (1, 0..2));
        // serde_yaml reports an unexpected end on the line after the last.
        assert_eq!(p.line_column(3, 1), 5..5);
    }
}
