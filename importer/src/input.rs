//! Reading the input file one row at a time: CSV (with a header row) or JSON Lines (one object
//! per line). Memory stays flat whatever the file's size: one row is held at a time, and a row
//! may not exceed [`MAX_ROW_BYTES`] (an unclosed quote would otherwise swallow the whole file).
//!
//! A row that cannot be read (invalid UTF-8, a field count that differs from the header's, a line
//! that is not a JSON object) is a [`Malformed`] row, with its line and column; the reader goes
//! on with the next one. A file that cannot be read at all is an [`InputError`].

use serde_json::{Map, Value};
use std::collections::VecDeque;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The longest row accepted, in bytes.
pub const MAX_ROW_BYTES: u64 = 1 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Jsonl,
}

impl Format {
    /// The format named on the command line, else the one the file's extension says.
    pub fn detect(path: &Path, given: Option<Format>) -> Result<Format, String> {
        if let Some(f) = given {
            return Ok(f);
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "tsv" | "txt" => Ok(Format::Csv),
            "jsonl" | "ndjson" => Ok(Format::Jsonl),
            _ => Err(format!(
                "{}: cannot tell the format from the extension `.{ext}`; pass --format csv or --format jsonl",
                path.display()
            )),
        }
    }

    /// The CSV separator a file's extension says: a tab for `.tsv`, else a comma.
    pub fn default_delimiter(path: &Path) -> u8 {
        let tsv = path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("tsv"));
        if tsv {
            b'\t'
        } else {
            b','
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
        }
    }
}

/// Standard input copied once to a private temporary file (removed when this is dropped), so
/// that the importer can read it as often as a file: `-` reads standard input in one pass.
#[derive(Debug)]
pub struct Spool(std::path::PathBuf);

impl Spool {
    pub fn stdin() -> Result<Spool, String> {
        let path = std::env::temp_dir().join(format!("whatsapp-contacts-stdin-{}", std::process::id()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&path).map_err(|e| format!("{}: cannot create: {e}", path.display()))?;
        let spool = Spool(path);
        io::copy(&mut io::stdin().lock(), &mut file)
            .map_err(|e| format!("cannot copy standard input to {}: {e}", spool.0.display()))?;
        Ok(spool)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A file that cannot be imported at all; the message names the file (and line, if any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError(pub String);

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where in a row something is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    /// A CSV field: 1-based position and header name.
    Field { index: usize, name: String },
    /// A JSON Lines character column, 1-based.
    Char(usize),
}

/// A row that could not be read; the rows after it still can be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub row: u64,
    pub line: u64,
    pub column: Option<Column>,
    pub message: String,
}

impl Malformed {
    /// `file:line: column 3 (email): message`, or `file:line:col: message` for JSON Lines.
    pub fn describe(&self, path: &str) -> String {
        match &self.column {
            Some(Column::Char(c)) => format!("{path}:{}:{c}: {}", self.line, self.message),
            _ => format!("{path}:{}: {}", self.line, self.reason()),
        }
    }

    /// The message with its column, for the report (whose `line` column gives the line).
    pub fn reason(&self) -> String {
        match &self.column {
            Some(Column::Field { index, name }) => format!("column {index} ({name}): {}", self.message),
            Some(Column::Char(c)) => format!("character {c}: {}", self.message),
            None => self.message.clone(),
        }
    }
}

/// One readable row. `row` counts data rows from 1 (a CSV header and blank JSON Lines lines are
/// not rows); `line` is the line the row starts on.
#[derive(Debug, Clone)]
pub struct Record {
    pub row: u64,
    pub line: u64,
    pub fields: Fields,
}

#[derive(Debug, Clone)]
pub enum Fields {
    /// In header order.
    Csv(csv::StringRecord),
    Json(Map<String, Value>),
}

/// One value of a row, as the file has it.
#[derive(Debug, Clone, Copy)]
pub enum Cell<'a> {
    Text(&'a str),
    Json(&'a Value),
}

pub type Item = Result<Record, Malformed>;

pub struct Input<R: Read> {
    path: String,
    kind: Kind<R>,
    row: u64,
}

enum Kind<R: Read> {
    Csv { reader: csv::Reader<Limited<R>>, columns: Vec<String>, mark: Arc<AtomicU64> },
    Jsonl { reader: BufReader<R>, line: u64, buf: Vec<u8> },
}

impl Input<File> {
    pub fn open(path: &Path, format: Format, delimiter: u8) -> Result<Self, InputError> {
        let file = File::open(path).map_err(|e| InputError(format!("{}: cannot open: {e}", path.display())))?;
        Input::new(file, &path.display().to_string(), format, delimiter)
    }
}

impl<R: Read> Input<R> {
    /// Starts reading `reader` (named `path` in messages); for CSV, reads and checks the header.
    pub fn new(reader: R, path: &str, format: Format, delimiter: u8) -> Result<Self, InputError> {
        let kind = match format {
            Format::Csv => {
                let mark = Arc::new(AtomicU64::new(0));
                let limited =
                    Limited { inner: reader, read: 0, mark: mark.clone(), newlines: VecDeque::new(), lines_before: 0 };
                let mut reader = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .delimiter(delimiter)
                    .from_reader(limited);
                let columns = read_header(&mut reader, path)?;
                mark.store(reader.position().byte(), Ordering::Relaxed);
                Kind::Csv { reader, columns, mark }
            }
            Format::Jsonl => {
                Kind::Jsonl { reader: BufReader::with_capacity(64 * 1024, reader), line: 0, buf: Vec::new() }
            }
        };
        Ok(Input { path: path.to_string(), kind, row: 0 })
    }

    /// The CSV header's column names (JSON Lines has none).
    pub fn columns(&self) -> Option<&[String]> {
        match &self.kind {
            Kind::Csv { columns, .. } => Some(columns),
            Kind::Jsonl { .. } => None,
        }
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    /// The next row: `Ok(None)` at the end, `Err` when the file cannot be read any further.
    pub fn next_row(&mut self) -> Result<Option<Item>, InputError> {
        match &mut self.kind {
            Kind::Csv { reader, columns, mark } => {
                let item = next_csv(reader, columns, mark, &self.path, self.row + 1)?;
                if item.is_some() {
                    self.row += 1;
                }
                Ok(item)
            }
            Kind::Jsonl { reader, line, buf } => {
                let item = next_jsonl(reader, line, buf, &self.path, self.row + 1)?;
                if item.is_some() {
                    self.row += 1;
                }
                Ok(item)
            }
        }
    }

    /// The reader given to [`Input::new`], for a caller that wraps it (to hash what was read).
    pub fn into_inner(self) -> R {
        match self.kind {
            Kind::Csv { reader, .. } => reader.into_inner().inner,
            Kind::Jsonl { reader, .. } => reader.into_inner(),
        }
    }
}

fn read_header<R: Read>(reader: &mut csv::Reader<Limited<R>>, path: &str) -> Result<Vec<String>, InputError> {
    let mut header = csv::ByteRecord::new();
    let more = reader.read_byte_record(&mut header).map_err(|e| csv_fatal(e, path, 1))?;
    if !more {
        return Err(InputError(format!(
            "{path}: the file is empty; a CSV file starts with a header row naming its columns"
        )));
    }
    let line = start_line(reader, &header);
    let mut columns = Vec::with_capacity(header.len());
    for (i, raw) in header.iter().enumerate() {
        let name = std::str::from_utf8(raw)
            .map_err(|_| InputError(format!("{path}:{line}: column {}: the header is not valid UTF-8", i + 1)))?;
        let name = if i == 0 { name.trim_start_matches('\u{feff}') } else { name }.trim();
        if name.is_empty() {
            return Err(InputError(format!("{path}:{line}: column {}: the header has an empty column name", i + 1)));
        }
        if let Some(first) = columns.iter().position(|c| c == name) {
            return Err(InputError(format!(
                "{path}:{line}: column {}: `{name}` is also the name of column {}; column names must differ",
                i + 1,
                first + 1
            )));
        }
        columns.push(name.to_string());
    }
    Ok(columns)
}

fn next_csv<R: Read>(
    reader: &mut csv::Reader<Limited<R>>,
    columns: &[String],
    mark: &AtomicU64,
    path: &str,
    row: u64,
) -> Result<Option<Item>, InputError> {
    let mut raw = csv::ByteRecord::new();
    let before = reader.position().byte();
    let read = reader.read_byte_record(&mut raw);
    mark.store(reader.position().byte(), Ordering::Relaxed);
    match read {
        Err(e) => {
            let line = reader.get_mut().line_at(before);
            Err(csv_fatal(e, path, line))
        }
        Ok(false) => Ok(None),
        Ok(true) => {
            let line = start_line(reader, &raw);
            if raw.len() != columns.len() {
                let message = format!(
                    "the row has {} field{}, the header has {} columns",
                    raw.len(),
                    if raw.len() == 1 { "" } else { "s" },
                    columns.len()
                );
                return Ok(Some(Err(Malformed { row, line, column: None, message })));
            }
            match csv::StringRecord::from_byte_record(raw) {
                Ok(record) => Ok(Some(Ok(Record { row, line, fields: Fields::Csv(record) }))),
                Err(e) => {
                    let index = e.utf8_error().field();
                    Ok(Some(Err(Malformed {
                        row,
                        line,
                        column: Some(Column::Field { index: index + 1, name: columns[index].clone() }),
                        message: format!("not valid UTF-8 (after {} valid bytes)", e.utf8_error().valid_up_to()),
                    })))
                }
            }
        }
    }
}

/// The line a record just read starts on: the line its last byte is on, less the line breaks
/// inside its fields. (The csv crate's own record position is where reading began, before any
/// blank lines it skipped, and can sit between the `\r` and `\n` of a line break.)
fn start_line<R: Read>(reader: &mut csv::Reader<Limited<R>>, raw: &csv::ByteRecord) -> u64 {
    let end = reader.position().byte();
    let inside = raw.as_slice().iter().filter(|&&b| b == b'\n').count() as u64;
    reader.get_mut().line_at(end.saturating_sub(1)).saturating_sub(inside).max(1)
}

fn csv_fatal(e: csv::Error, path: &str, line: u64) -> InputError {
    if let csv::ErrorKind::Io(io) = e.kind() {
        if io.get_ref().is_some_and(|inner| inner.is::<RowTooLong>()) {
            return InputError(format!(
                "{path}:{line}: the row starting here is longer than {} MiB; is a quote left open?",
                MAX_ROW_BYTES >> 20
            ));
        }
    }
    InputError(format!("{path}:{line}: cannot read: {e}"))
}

fn next_jsonl<R: Read>(
    reader: &mut BufReader<R>,
    line: &mut u64,
    buf: &mut Vec<u8>,
    path: &str,
    row: u64,
) -> Result<Option<Item>, InputError> {
    loop {
        buf.clear();
        let (got, too_long) =
            read_line(reader, buf).map_err(|e| InputError(format!("{path}:{}: cannot read: {e}", *line + 1)))?;
        if !got {
            return Ok(None);
        }
        *line += 1;
        if too_long {
            let message = format!("the line is longer than {} MiB", MAX_ROW_BYTES >> 20);
            return Ok(Some(Err(Malformed { row, line: *line, column: None, message })));
        }
        let mut text: &[u8] = buf;
        if *line == 1 {
            text = text.strip_prefix("\u{feff}".as_bytes()).unwrap_or(text);
        }
        if text.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let malformed = |column, message| Ok(Some(Err(Malformed { row, line: *line, column, message })));
        return match serde_json::from_slice::<Value>(text) {
            Ok(Value::Object(map)) => Ok(Some(Ok(Record { row, line: *line, fields: Fields::Json(map) }))),
            Ok(other) => malformed(Some(Column::Char(1)), format!("expected a JSON object, found {}", kind_of(&other))),
            Err(e) => {
                let message = e.to_string();
                let message = message.split(" at line ").next().unwrap_or(&message).to_string();
                malformed(Some(Column::Char(e.column())), message)
            }
        };
    }
}

/// Reads one line (without its `\n` and a `\r` before it) into `buf`, keeping at most
/// [`MAX_ROW_BYTES`] of it. Returns (a line was read, it was longer than that).
fn read_line<R: BufRead>(reader: &mut R, buf: &mut Vec<u8>) -> io::Result<(bool, bool)> {
    let limit = MAX_ROW_BYTES as usize;
    let (mut got, mut too_long) = (false, false);
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            break;
        }
        got = true;
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..i], true),
            None => (available, false),
        };
        if buf.len() + chunk.len() > limit {
            too_long = true;
        } else {
            buf.extend_from_slice(chunk);
        }
        let used = chunk.len() + usize::from(done);
        reader.consume(used);
        if done {
            break;
        }
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok((got, too_long))
}

pub fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Fails a read once more than [`MAX_ROW_BYTES`] (plus the CSV reader's buffer) were read since
/// the last row ended, so that a row can never grow without bound.
struct Limited<R> {
    inner: R,
    read: u64,
    /// Byte offset where the last complete row ended.
    mark: Arc<AtomicU64>,
    /// Offsets of the line breaks read but not yet asked about, and how many came before them.
    newlines: VecDeque<u64>,
    lines_before: u64,
}

impl<R> Limited<R> {
    /// The 1-based line of the byte at `offset`; offsets must be asked for in increasing order.
    fn line_at(&mut self, offset: u64) -> u64 {
        while self.newlines.front().is_some_and(|&n| n < offset) {
            self.newlines.pop_front();
            self.lines_before += 1;
        }
        self.lines_before + 1
    }
}

#[derive(Debug)]
struct RowTooLong;

impl fmt::Display for RowTooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a row is longer than {MAX_ROW_BYTES} bytes")
    }
}

impl std::error::Error for RowTooLong {}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        const SLACK: u64 = 256 * 1024;
        if self.read.saturating_sub(self.mark.load(Ordering::Relaxed)) > MAX_ROW_BYTES + SLACK {
            return Err(io::Error::new(io::ErrorKind::InvalidData, RowTooLong));
        }
        let n = self.inner.read(buf)?;
        let start = self.read;
        self.newlines.extend(buf[..n].iter().enumerate().filter(|(_, &b)| b == b'\n').map(|(i, _)| start + i as u64));
        self.read += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(format: Format, text: &[u8]) -> Result<Vec<Item>, InputError> {
        let mut input = Input::new(text, "f", format, b',')?;
        let mut out = Vec::new();
        while let Some(item) = input.next_row()? {
            out.push(item);
        }
        Ok(out)
    }

    fn text_of(r: &Record, i: usize) -> String {
        match &r.fields {
            Fields::Csv(rec) => rec[i].to_string(),
            Fields::Json(_) => unreachable!(),
        }
    }

    #[test]
    fn csv_rows_carry_their_first_line_and_quoted_newlines_stay_in_the_field() {
        let items = rows(Format::Csv, b"\xef\xbb\xbfphone,name\n1,\"two\nlines\"\n\n3,c\r\n\n\n4,\"d\ne\"").unwrap();
        let recs: Vec<&Record> = items.iter().map(|i| i.as_ref().unwrap()).collect();
        assert_eq!(recs.len(), 3, "blank lines are not rows");
        assert_eq!((recs[0].row, recs[0].line, text_of(recs[0], 1)), (1, 2, "two\nlines".to_string()));
        assert_eq!((recs[1].row, recs[1].line, text_of(recs[1], 0)), (2, 5, "3".to_string()));
        assert_eq!((recs[2].row, recs[2].line), (3, 8), "a last row without a newline");
        let input = Input::new(&b"\xef\xbb\xbfphone,name\n"[..], "f", Format::Csv, b',').unwrap();
        assert_eq!(input.columns().unwrap(), ["phone", "name"], "the BOM is not part of the first name");
    }

    #[test]
    fn csv_malformed_rows_name_line_and_column_and_reading_goes_on() {
        let items = rows(Format::Csv, b"phone,name\n1,a\n2,b\xff\n3\n4,d\n").unwrap();
        assert!(items[0].is_ok() && items[3].is_ok());
        let utf8 = items[1].as_ref().unwrap_err();
        assert_eq!(utf8.describe("f.csv"), "f.csv:3: column 2 (name): not valid UTF-8 (after 1 valid bytes)");
        let ragged = items[2].as_ref().unwrap_err();
        assert_eq!(ragged.describe("f.csv"), "f.csv:4: the row has 1 field, the header has 2 columns");
        assert_eq!((ragged.row, items[3].as_ref().unwrap().row), (3, 4));
    }

    #[test]
    fn csv_files_without_a_usable_header_are_refused() {
        let err = |t: &[u8]| Input::new(t, "f.csv", Format::Csv, b',').err().unwrap().0;
        assert!(err(b"").contains("f.csv: the file is empty"), "{}", err(b""));
        assert!(err(b"phone,,name\n").contains("f.csv:1: column 2: the header has an empty column name"));
        assert!(err(b"phone,name,phone\n").contains("column 3: `phone` is also the name of column 1"));
        assert!(err(b"ph\xffone\n").contains("f.csv:1: column 1: the header is not valid UTF-8"));
    }

    #[test]
    fn an_unclosed_quote_stops_at_the_row_limit_instead_of_reading_the_whole_file() {
        let mut text = b"phone,name\n1,\"open\n".to_vec();
        text.extend(std::iter::repeat_n(b'x', 3 * MAX_ROW_BYTES as usize));
        let e = rows(Format::Csv, &text).err().unwrap();
        assert!(e.0.starts_with("f:2: the row starting here is longer than 1 MiB"), "{e}");
    }

    #[test]
    fn jsonl_rows_skip_blank_lines_and_report_bad_lines_with_their_column() {
        let text = b"{\"phone\":\"1\"}\n\n  \n[1]\n{\"phone\": }\n{\"phone\":2}";
        let items = rows(Format::Jsonl, text).unwrap();
        assert_eq!(items.len(), 4);
        let first = items[0].as_ref().unwrap();
        assert_eq!((first.row, first.line), (1, 1));
        assert_eq!(items[1].as_ref().unwrap_err().describe("f"), "f:4:1: expected a JSON object, found an array");
        assert_eq!(items[2].as_ref().unwrap_err().describe("f"), "f:5:11: expected value");
        let last = items[3].as_ref().unwrap();
        assert_eq!((last.row, last.line), (4, 6), "a last line without a newline is read");
    }

    #[test]
    fn an_overlong_jsonl_line_is_one_malformed_row() {
        let mut text = b"{\"a\":\"".to_vec();
        text.extend(std::iter::repeat_n(b'x', MAX_ROW_BYTES as usize));
        text.extend_from_slice(b"\"}\n{\"a\":1}\n");
        let items = rows(Format::Jsonl, &text).unwrap();
        assert!(items[0].as_ref().unwrap_err().message.contains("longer than 1 MiB"));
        assert_eq!(items[1].as_ref().unwrap().line, 2);
    }

    #[test]
    fn formats_come_from_the_extension_or_the_flag() {
        assert_eq!(Format::detect(Path::new("a.CSV"), None), Ok(Format::Csv));
        assert_eq!(Format::detect(Path::new("a.tsv"), None), Ok(Format::Csv));
        assert_eq!(Format::default_delimiter(Path::new("a.TSV")), b'\t');
        assert_eq!(Format::default_delimiter(Path::new("a.csv")), b',');
        assert_eq!(Format::default_delimiter(Path::new("a.txt")), b',');
        assert_eq!(Format::detect(Path::new("a.ndjson"), None), Ok(Format::Jsonl));
        assert_eq!(Format::detect(Path::new("a.json"), Some(Format::Jsonl)), Ok(Format::Jsonl));
        assert!(Format::detect(Path::new("a.xlsx"), None).unwrap_err().contains("--format"));
    }
}
