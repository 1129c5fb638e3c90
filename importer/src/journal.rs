//! The journal: an append-only file next to the report that records what was sent and what the
//! server answered. It is what makes an import resumable, and the report is rendered from it.
//!
//! One record per line, `CRC32 KIND JSON`, the checksum (8 hex digits) covering `KIND JSON`:
//!
//! | kind | written | holds |
//! |---|---|---|
//! | `H` | once, first | which import this is: provider, target, options, and the input's size, row count and SHA-256 |
//! | `S` | before rows are sent (write-ahead) | their row numbers, as ranges |
//! | `N` | when a request stops without a result but every attempt was answered (a 401, a stop) | rows it did not apply, as ranges |
//! | `R` | when a row's outcome is final | row, line, status, reason, contact id, phone, `resent` |
//!
//! Crash safety. Every record (or group of records) goes to the file in one `write(2)`, so a killed
//! process (SIGKILL included) leaves at most one torn last line, which has no newline: on open
//! it is cut off and the rows it concerned are sent again. A tail of NUL bytes (what some file
//! systems leave after a crash) is cut off the same way. Any other damaged line makes the
//! journal untrusted and the import refuses to go on. A record is in the kernel once `write`
//! returns, so a process kill loses nothing written; against power loss the file is `fsync`ed at
//! most once a second and at the end. Losing records never loses a row: a row without its `R`
//! record is sent again, which the providers make harmless (Whats91 upserts by phone, Kirim
//! replays an idempotency key, WA.cr refuses a second contact with the same phone).
//!
//! At start the journal is read once into two bitsets (rows with a result, rows sent), so
//! memory does not grow with its length. An exclusive `flock` keeps a second importer out.

use crate::rowset::RowSet;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const MAGIC: &str = "whatsapp-contacts import journal";
const VERSION: u32 = 1;
const SYNC_EVERY: Duration = Duration::from_secs(1);

/// Which import a journal belongs to. A journal is resumed only by the same job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    pub provider: String,
    /// Where the contacts go: base URL, book uid, phone number id.
    pub target: BTreeMap<String, String>,
    pub input: InputId,
    /// Everything else that changes what is sent: format, column mapping, defaults.
    pub options: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputId {
    /// For messages only: the same content under another name is the same input.
    pub file: String,
    pub size: u64,
    pub rows: u64,
    pub sha256: String,
}

/// One row's final outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowResult {
    pub row: u64,
    pub line: u64,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// An earlier attempt for this row got no answer (it may have been applied then).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub resent: bool,
}

#[derive(Serialize, Deserialize)]
struct Header {
    magic: String,
    version: u32,
    job: Job,
}

#[derive(Serialize, Deserialize)]
struct Sent {
    rows: Vec<[u64; 2]>,
}

/// What an existing journal says.
#[derive(Debug, Default)]
pub struct Recovered {
    /// Rows with a final result.
    pub confirmed: RowSet,
    /// Rows that were sent at least once.
    pub sent: RowSet,
    /// Bytes of a torn last line that were cut off.
    pub torn: u64,
    /// The journal already existed (this is a resumption).
    pub existed: bool,
}

impl Recovered {
    /// Sent, but no answer recorded: the server may or may not have applied it.
    pub fn unanswered(&self, row: u64) -> bool {
        self.sent.contains(row) && !self.confirmed.contains(row)
    }
}

pub struct Journal {
    path: PathBuf,
    writer: Mutex<Writer>,
}

struct Writer {
    file: File,
    synced: Instant,
    dirty: bool,
}

impl Journal {
    /// Opens (or creates) the journal for `job`, refusing one written for another job, and
    /// reads what it holds; with `restart`, empties it first (once it is locked).
    pub fn open(path: &Path, job: &Job, restart: bool) -> Result<(Journal, Recovered), String> {
        let name = path.display();
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(|e| format!("{name}: cannot open the journal: {e}"))?;
        lock(&file).map_err(|e| format!("{name}: {e}"))?;
        if restart {
            file.set_len(0).map_err(|e| format!("{name}: cannot empty the journal: {e}"))?;
        }
        let mut recovered = Recovered { confirmed: RowSet::with_rows(job.input.rows), ..Recovered::default() };
        let end = read(&file, path, job, &mut recovered)?;
        if recovered.torn > 0 {
            file.set_len(end).map_err(|e| format!("{name}: cannot cut off a torn last line: {e}"))?;
        }
        let journal = Journal {
            path: path.to_path_buf(),
            writer: Mutex::new(Writer { file, synced: Instant::now(), dirty: false }),
        };
        if !recovered.existed {
            let header = Header { magic: MAGIC.into(), version: VERSION, job: job.clone() };
            let mut line = Vec::new();
            encode(b'H', &header, &mut line);
            journal.append(&line).and_then(|()| journal.sync()).map_err(|e| format!("{name}: cannot write: {e}"))?;
        }
        Ok((journal, recovered))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records that `rows` are about to be sent.
    pub fn sent(&self, rows: impl IntoIterator<Item = u64>) -> io::Result<()> {
        self.rows(b'S', rows)
    }

    /// Records that the requests for `rows` were answered without applying them and the rows
    /// have no result yet: a later run sends them as never sent (not `resent`).
    pub fn not_applied(&self, rows: impl IntoIterator<Item = u64>) -> io::Result<()> {
        self.rows(b'N', rows)
    }

    fn rows(&self, kind: u8, rows: impl IntoIterator<Item = u64>) -> io::Result<()> {
        let mut ranges: Vec<[u64; 2]> = Vec::new();
        for row in rows {
            match ranges.last_mut() {
                Some(r) if r[1] + 1 == row => r[1] = row,
                _ => ranges.push([row, row]),
            }
        }
        if ranges.is_empty() {
            return Ok(());
        }
        let mut line = Vec::new();
        encode(kind, &Sent { rows: ranges }, &mut line);
        self.append(&line)
    }

    /// Records final results, all in one write.
    pub fn results(&self, results: &[RowResult]) -> io::Result<()> {
        if results.is_empty() {
            return Ok(());
        }
        let mut lines = Vec::with_capacity(results.len() * 96);
        for r in results {
            encode(b'R', r, &mut lines);
        }
        self.append(&lines)
    }

    fn append(&self, bytes: &[u8]) -> io::Result<()> {
        let mut w = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        w.file.write_all(bytes)?;
        w.dirty = true;
        if w.synced.elapsed() >= SYNC_EVERY {
            w.file.sync_data()?;
            w.synced = Instant::now();
            w.dirty = false;
        }
        Ok(())
    }

    pub fn sync(&self) -> io::Result<()> {
        let mut w = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        if w.dirty {
            w.file.sync_data()?;
            w.synced = Instant::now();
            w.dirty = false;
        }
        Ok(())
    }
}

/// Reads every record, checking the header against `job`; returns where the valid part ends.
fn read(file: &File, path: &Path, job: &Job, out: &mut Recovered) -> Result<u64, String> {
    let name = path.display();
    let mut reader = BufReader::with_capacity(256 * 1024, file);
    let (mut offset, mut number, mut line) = (0u64, 0u64, Vec::new());
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line).map_err(|e| format!("{name}: cannot read the journal: {e}"))?;
        if n == 0 {
            return Ok(offset);
        }
        number += 1;
        let Some(body) = line.strip_suffix(b"\n") else {
            // Only a last line can lack its newline: a write cut short by a kill, possibly
            // followed by the zeros a file system leaves in blocks it allocated but never wrote
            // before a crash (or made of nothing else).
            let written = &line[..line.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1)];
            if written.is_empty() || (looks_like_a_record(written) && (number > 1 || written.len() < 4096)) {
                out.torn = n as u64;
                return Ok(offset);
            }
            return Err(damaged(path, number));
        };
        let (kind, json) = decode(body).ok_or_else(|| damaged(path, number))?;
        let bad = |e: serde_json::Error| format!("{name}:{number}: the journal has a record it cannot read ({e})");
        match (kind, out.existed) {
            (b'H', false) => {
                let header: Header = serde_json::from_slice(json).map_err(bad)?;
                if header.magic != MAGIC || header.version != VERSION {
                    return Err(format!("{name}: not a journal of this importer version (version {})", header.version));
                }
                check_job(path, &header.job, job)?;
                out.existed = true;
            }
            (_, false) => return Err(format!("{name}: not an import journal (its first line is no header)")),
            (kind @ (b'S' | b'N'), true) => {
                let sent: Sent = serde_json::from_slice(json).map_err(bad)?;
                for r in sent.rows.into_iter().flat_map(|[a, b]| a..=b.min(job.input.rows)) {
                    if kind == b'S' {
                        out.sent.insert(r);
                    } else {
                        out.sent.remove(r);
                    }
                }
            }
            (b'R', true) => {
                let r: RowResult = serde_json::from_slice(json).map_err(bad)?;
                out.confirmed.insert(r.row);
            }
            _ => return Err(damaged(path, number)),
        }
        offset += n as u64;
    }
}

fn damaged(path: &Path, number: u64) -> String {
    format!(
        "{}:{number}: the journal is damaged here (not just a torn last line), so it cannot tell what was sent; \
         move it away to start over, or use another --report path",
        path.display()
    )
}

fn looks_like_a_record(line: &[u8]) -> bool {
    line.iter().take(8).all(u8::is_ascii_hexdigit)
}

/// Explains what differs between the journal's job and this run's.
fn check_job(path: &Path, theirs: &Job, ours: &Job) -> Result<(), String> {
    let mut diffs = Vec::new();
    if theirs.provider != ours.provider {
        diffs.push(format!("it imports into {}, not {}", theirs.provider, ours.provider));
    }
    let (a, b) = (&theirs.input, &ours.input);
    if (a.size, a.rows, &a.sha256) != (b.size, b.rows, &b.sha256) {
        diffs.push(format!(
            "it was written for another input: {} ({} bytes, {} rows, sha256 {}), while {} has {} bytes, {} rows, sha256 {}",
            a.file,
            a.size,
            a.rows,
            short(&a.sha256),
            b.file,
            b.size,
            b.rows,
            short(&b.sha256)
        ));
    }
    for (what, x, y) in [("target", &theirs.target, &ours.target), ("option", &theirs.options, &ours.options)] {
        for key in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
            let (old, new) = (x.get(key), y.get(key));
            if old != new {
                let show =
                    |v: Option<&String>| v.map_or("(none)".to_string(), |v| format!("`{}`", v.replace('\n', ", ")));
                diffs.push(format!("{what} {key} was {}, now {}", show(old), show(new)));
            }
        }
    }
    if diffs.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{} belongs to another import, so it cannot be resumed with this command: {}. \
         Run the original command again, or add --restart (or pass another --report path) to start over",
        path.display(),
        diffs.join("; ")
    ))
}

fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

fn encode(kind: u8, payload: &impl Serialize, out: &mut Vec<u8>) {
    let start = out.len();
    out.extend_from_slice(b"00000000 ");
    let body = out.len();
    out.push(kind);
    out.push(b' ');
    serde_json::to_writer(&mut *out, payload).expect("journal records serialize");
    let crc = format!("{:08x}", crc32fast::hash(&out[body..]));
    out[start..start + 8].copy_from_slice(crc.as_bytes());
    out.push(b'\n');
}

fn decode(line: &[u8]) -> Option<(u8, &[u8])> {
    if line.len() < 12 || line[8] != b' ' || line[10] != b' ' {
        return None;
    }
    let crc = u32::from_str_radix(std::str::from_utf8(&line[..8]).ok()?, 16).ok()?;
    (crc32fast::hash(&line[9..]) == crc).then_some((line[9], &line[11..]))
}

/// Calls `each` with every result record, in the order they were written.
pub fn read_results(path: &Path, mut each: impl FnMut(RowResult) -> Result<(), String>) -> Result<(), String> {
    let name = path.display();
    let file = File::open(path).map_err(|e| format!("{name}: cannot open the journal: {e}"))?;
    let mut reader = BufReader::with_capacity(256 * 1024, file);
    let (mut number, mut line) = (0u64, Vec::new());
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).map_err(|e| format!("{name}: cannot read the journal: {e}"))? == 0 {
            return Ok(());
        }
        number += 1;
        let (kind, json) = line.strip_suffix(b"\n").and_then(decode).ok_or_else(|| damaged(path, number))?;
        if kind == b'R' {
            each(serde_json::from_slice(json).map_err(|e| format!("{name}:{number}: {e}"))?)?;
        }
    }
}

#[cfg(unix)]
fn lock(file: &File) -> Result<(), String> {
    use std::os::unix::io::AsRawFd;
    // SAFETY: flock on a descriptor this function borrows; it touches no memory.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
        return Ok(());
    }
    let e = io::Error::last_os_error();
    if e.raw_os_error() == Some(libc::EWOULDBLOCK) {
        Err("another import is running with this journal; wait for it to end".into())
    } else {
        Err(format!("cannot lock the journal: {e}"))
    }
}

#[cfg(not(unix))]
fn lock(_: &File) -> Result<(), String> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(sha: &str) -> Job {
        Job {
            provider: "whats91".into(),
            target: BTreeMap::from([("book".into(), "grp_1".into())]),
            input: InputId { file: "a.csv".into(), size: 10, rows: 5, sha256: sha.into() },
            options: BTreeMap::from([("map".into(), "Tel=phone".into())]),
        }
    }

    fn result(row: u64) -> RowResult {
        RowResult {
            row,
            line: row + 1,
            status: "CREATED".into(),
            reason: None,
            uid: Some(format!("ct_{row}")),
            phone: Some("+91 1".into()),
            resent: false,
        }
    }

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("wac-journal-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn records_survive_a_reopen_and_a_torn_last_line_is_cut_off() {
        let d = dir("torn");
        let path = d.join("r.journal");
        {
            let (j, rec) = Journal::open(&path, &job("ab"), false).unwrap();
            assert!(!rec.existed);
            j.sent([1, 2, 3, 5]).unwrap();
            j.results(&[result(1), result(2)]).unwrap();
        }
        let whole = std::fs::read(&path).unwrap();
        let last = whole[..whole.len() - 1].iter().rposition(|&b| b == b'\n').unwrap() + 1;
        let mut torn = whole.clone();
        torn.extend_from_slice(&whole[last..last + 25]); // a record's first bytes, no newline
        std::fs::write(&path, &torn).unwrap();
        let (j, rec) = Journal::open(&path, &job("ab"), false).unwrap();
        assert!(rec.existed);
        assert_eq!(rec.torn, 25);
        assert_eq!(std::fs::read(&path).unwrap(), whole, "the torn line is cut off before appending");
        assert!(rec.confirmed.contains(1) && rec.confirmed.contains(2) && !rec.confirmed.contains(3));
        assert!(rec.unanswered(3) && rec.unanswered(5) && !rec.unanswered(4) && !rec.unanswered(1));
        // Row 5's request was answered (say, 401) and applied nothing: it is no longer unanswered.
        j.not_applied([5]).unwrap();
        drop(j);
        let (j, rec) = Journal::open(&path, &job("ab"), false).unwrap();
        assert!(rec.unanswered(3) && !rec.unanswered(5));
        j.results(&[result(3)]).unwrap();
        let mut rows = Vec::new();
        read_results(&path, |r| {
            rows.push(r.row);
            Ok(())
        })
        .unwrap();
        assert_eq!(rows, [1, 2, 3]);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_tail_of_zeros_is_cut_off_like_a_torn_line() {
        let d = dir("zeros");
        let path = d.join("r.journal");
        {
            let (j, _) = Journal::open(&path, &job("ab"), false).unwrap();
            j.sent([1, 2]).unwrap();
            j.results(&[result(1)]).unwrap();
        }
        let whole = std::fs::read(&path).unwrap();
        let last = whole[..whole.len() - 1].iter().rposition(|&b| b == b'\n').unwrap() + 1;
        for tail in [vec![0u8; 4096], [&whole[last..last + 20], &[0u8; 300][..]].concat()] {
            std::fs::write(&path, [&whole[..], &tail[..]].concat()).unwrap();
            let (_, rec) = Journal::open(&path, &job("ab"), false).unwrap();
            assert_eq!(rec.torn, tail.len() as u64);
            assert_eq!(std::fs::read(&path).unwrap(), whole, "the zeros are cut off");
            assert!(rec.confirmed.contains(1) && rec.unanswered(2));
        }
        // A journal that is nothing but zeros holds nothing: it starts over.
        std::fs::write(&path, vec![0u8; 8192]).unwrap();
        let (_, rec) = Journal::open(&path, &job("ab"), false).unwrap();
        assert!(!rec.existed && rec.confirmed.len() == 0);
        assert!(std::fs::read(&path).unwrap().ends_with(b"\n") && !std::fs::read(&path).unwrap().contains(&0));
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_damaged_line_before_the_end_is_refused() {
        let d = dir("damaged");
        let path = d.join("r.journal");
        {
            let (j, _) = Journal::open(&path, &job("ab"), false).unwrap();
            j.results(&[result(1), result(2)]).unwrap();
        }
        let text = String::from_utf8(std::fs::read(&path).unwrap()).unwrap();
        std::fs::write(&path, text.replacen("ct_1", "ct_7", 1)).unwrap();
        let e = Journal::open(&path, &job("ab"), false).err().unwrap();
        assert!(e.ends_with("r.journal:2: the journal is damaged here (not just a torn last line), so it cannot tell what was sent; move it away to start over, or use another --report path"), "{e}");
        std::fs::write(&path, "name,phone\nann,1\n").unwrap();
        let e = Journal::open(&path, &job("ab"), false).err().unwrap();
        assert!(e.contains("r.journal:1: the journal is damaged"), "a file that is no journal is left alone: {e}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "name,phone\nann,1\n");
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn another_job_is_refused_with_what_differs() {
        let d = dir("job");
        let path = d.join("r.journal");
        drop(Journal::open(&path, &job("ab"), false).unwrap());
        let mut other = job("cd");
        other.target.insert("book".into(), "grp_2".into());
        let e = Journal::open(&path, &other, false).err().unwrap();
        assert!(e.contains("belongs to another import"), "{e}");
        assert!(e.contains("another input: a.csv (10 bytes, 5 rows, sha256 ab)"), "{e}");
        assert!(e.contains("target book was `grp_1`, now `grp_2`"), "{e}");
        assert!(e.contains("add --restart"), "{e}");
        let (j, rec) = Journal::open(&path, &other, true).unwrap();
        assert!(!rec.existed, "--restart starts over");
        drop(j);
        assert!(Journal::open(&path, &other, false).unwrap().1.existed, "the journal is now this job's");
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_second_importer_cannot_open_a_journal_in_use() {
        let d = dir("lock");
        let path = d.join("r.journal");
        let held = Journal::open(&path, &job("ab"), false).unwrap();
        let e = Journal::open(&path, &job("ab"), false).err().unwrap();
        assert!(e.contains("another import is running with this journal"), "{e}");
        drop(held);
        assert!(Journal::open(&path, &job("ab"), false).is_ok());
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn lines_check_their_crc() {
        let mut line = Vec::new();
        encode(b'R', &result(9), &mut line);
        let body = &line[..line.len() - 1];
        assert_eq!(decode(body).unwrap().0, b'R');
        let mut bad = body.to_vec();
        bad[20] ^= 1;
        assert!(decode(&bad).is_none());
    }
}
