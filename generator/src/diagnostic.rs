//! Errors and warnings as rustc shows them: the message, `--> file:line:column`, the source line
//! with the place underlined (labelled with its JSON pointer), and the hint as `= help:`. Rendered by `annotate-snippets` (the
//! renderer rustc itself uses); the place comes from [`Positions`], computed only here, when
//! there is something to report. `Error` and `Warning` keep their one-line `Display`.

use crate::error::{Error, Warning, HELP};
use crate::position::Positions;
use annotate_snippets::{Level, Renderer, Snippet};
use std::path::Path;

/// How to render diagnostics: plain text, or with the terminal colors rustc uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// No escape codes (a file, a pipe, `NO_COLOR`).
    Plain,
    /// rustc's terminal colors.
    Colored,
}

impl Error {
    /// The error as rustc renders diagnostics: the message, `--> file:line:column`, the source
    /// line with the place underlined, the hint as `= help:`.
    pub fn render(&self, style: Style) -> String {
        error(self, style)
    }
}

/// Renders an error of the generator; the source is read from `error.file` when it can be.
pub fn error(error: &Error, style: Style) -> String {
    let text = std::fs::read_to_string(&error.file).ok();
    let positions = text.as_deref().map(Positions::of);
    render(Level::Error, &error.file, &error.location, &error.message, positions.as_ref(), style)
}

/// Renders the warnings of one document, reading it (once) only if there are any.
pub fn warnings(file: &Path, warnings: &[Warning], style: Style) -> String {
    if warnings.is_empty() {
        return String::new();
    }
    let text = std::fs::read_to_string(file).ok();
    let positions = text.as_deref().map(Positions::of);
    (warnings.iter())
        .map(|w| render(Level::Warning, file, &w.location, &w.message, positions.as_ref(), style))
        .collect()
}

/// One diagnostic. `location` is a JSON pointer or `line L, column C`; without a place in the
/// source, the location is said in a note instead.
pub fn render(
    level: Level,
    file: &Path,
    location: &str,
    message: &str,
    positions: Option<&Positions>,
    style: Style,
) -> String {
    let (message, help) = match message.split_once(HELP) {
        Some((m, h)) => (m, Some(h)),
        None => (message, None),
    };
    let origin = file.display().to_string();
    let span = positions.and_then(|p| Some((p, place(p, location)?)));
    let not_found = match location {
        "" => format!("in {origin}"),
        at => format!("in {origin} at {at}"),
    };
    let mut msg = level.title(message);
    if let Some((p, span)) = &span {
        let (line, range) = p.line_of(span.start);
        let source = &p.text()[range.clone()];
        let underline = span.start - range.start..span.end.min(range.end) - range.start;
        // The pointer names the place in the document's structure, as `Display` does.
        let label = if location.starts_with('#') { location } else { "" };
        let snippet =
            Snippet::source(source).line_start(line).origin(&origin).annotation(level.span(underline).label(label));
        msg = msg.snippet(snippet);
    } else {
        msg = msg.footer(Level::Note.title(&not_found));
    }
    if let Some(help) = help {
        msg = msg.footer(Level::Help.title(help));
    }
    let renderer = match style {
        Style::Plain => Renderer::plain(),
        Style::Colored => Renderer::styled(),
    };
    format!("{}\n\n", renderer.render(msg))
}

/// The byte range a location names: a pointer (`#/a/b`) or a syntax error's `line L, column C`.
fn place(positions: &Positions, location: &str) -> Option<std::ops::Range<usize>> {
    if location.starts_with('#') || location.starts_with('/') {
        return positions.span(location);
    }
    let (line, column) = location.strip_prefix("line ")?.split_once(", column ")?;
    Some(positions.line_column(line.parse().ok()?, column.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colored_is_the_plain_text_with_terminal_colors() {
        let text = "a:\n  type: strin\n";
        let positions = Positions::of(text);
        let message = format!("unknown type `strin`{HELP}did you mean `string`?");
        let show = |style| render(Level::Warning, Path::new("d.yaml"), "#/a/type", &message, Some(&positions), style);
        let plain = show(Style::Plain);
        assert_eq!(
            plain,
            "warning: unknown type `strin`\n --> d.yaml:2:3\n  |\n2 |   type: strin\n  |   ----------- #/a/type\n  |\n  = help: did you mean `string`?\n\n"
        );
        let colored = show(Style::Colored);
        assert!(colored.contains('\u{1b}'), "{colored}");
        let stripped = regex_lite::Regex::new("\u{1b}\\[[0-9;]*m").unwrap().replace_all(&colored, "");
        assert_eq!(stripped, plain);
    }
}

#[cfg(test)]
mod document_tests;
