//! The pass over the whole file before anything is sent: it counts the rows (for progress and
//! for knowing when the import is complete), finds every malformed row (so a broken file is
//! refused before its first row goes out), and fingerprints the content (so a journal is never
//! resumed against another file).

use crate::input::{Format, Input, InputError, Malformed};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::time::SystemTime;

/// How many malformed rows a scan keeps to show; the rest are only counted.
pub const MALFORMED_KEPT: usize = 10;

#[derive(Debug, Clone)]
pub struct Scan {
    pub size: u64,
    pub sha256: String,
    pub rows: u64,
    pub malformed: Vec<Malformed>,
    pub malformed_count: u64,
    pub modified: Option<SystemTime>,
}

/// Reads `path` once, calling `tick` with the number of rows read so far every 64 Ki rows.
pub fn scan(path: &Path, format: Format, delimiter: u8, mut tick: impl FnMut(u64)) -> Result<Scan, InputError> {
    let name = path.display().to_string();
    let file = File::open(path).map_err(|e| InputError(format!("{name}: cannot open: {e}")))?;
    let meta = file.metadata().map_err(|e| InputError(format!("{name}: cannot read: {e}")))?;
    let mut input = Input::new(Hashing { inner: file, hasher: Sha256::new(), bytes: 0 }, &name, format, delimiter)?;
    let (mut rows, mut malformed, mut malformed_count) = (0u64, Vec::new(), 0u64);
    while let Some(item) = input.next_row()? {
        rows += 1;
        if let Err(m) = item {
            malformed_count += 1;
            if malformed.len() < MALFORMED_KEPT {
                malformed.push(m);
            }
        }
        if rows % 65_536 == 0 {
            tick(rows);
        }
    }
    let mut rest = input.into_inner();
    io::copy(&mut rest, &mut io::sink()).map_err(|e| InputError(format!("{name}: cannot read: {e}")))?;
    if rest.bytes != meta.len() {
        return Err(InputError(format!(
            "{name}: the file changed while it was read ({} bytes before, {} read)",
            meta.len(),
            rest.bytes
        )));
    }
    Ok(Scan {
        size: rest.bytes,
        sha256: hex(&rest.hasher.finalize()),
        rows,
        malformed,
        malformed_count,
        modified: meta.modified().ok(),
    })
}

/// True when `path` still has the size and modification time it had when it was scanned.
pub fn unchanged(path: &Path, scan: &Scan) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.len() == scan.size && m.modified().ok() == scan.modified)
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Hashes every byte read through it.
struct Hashing {
    inner: File,
    hasher: Sha256,
    bytes: u64,
}

impl Read for Hashing {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_rows_keeps_malformed_ones_and_fingerprints_the_content() {
        let dir = std::env::temp_dir().join(format!("wac-scan-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.csv");
        std::fs::write(&path, "phone,name\n1,a\n2\n3,c\n").unwrap();
        let s = scan(&path, Format::Csv, b',', |_| {}).unwrap();
        assert_eq!((s.rows, s.malformed_count, s.size), (3, 1, 21));
        assert_eq!(s.malformed[0].line, 3);
        // sha256 of the exact bytes, as `sha256sum` prints it.
        assert_eq!(s.sha256, "5277e04b0652300193bb87dd8297aa949a4ba9d9ae07951bf529f31c9bd7edff");
        std::fs::write(&path, "phone,name\n1,a\n2,b\n3,c\n").unwrap();
        let t = scan(&path, Format::Csv, b',', |_| {}).unwrap();
        assert_ne!(s.sha256, t.sha256, "one changed byte changes the fingerprint");
        assert!(unchanged(&path, &t));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
