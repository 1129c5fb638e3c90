//! The report: one CSV line per input row (row, line, status, reason, contact uid, phone,
//! resent), rendered from the journal, so that it covers every row exactly once however many
//! runs the import took. It is written to a temporary file and renamed into place, so a reader
//! never sees half a report. Rows are in the order their results arrived; sort by `row` for
//! input order.

use crate::journal::{self, RowResult};
use crate::rowset::RowSet;
use std::collections::BTreeMap;
use std::path::Path;

pub const HEADER: [&str; 7] = ["row", "line", "status", "reason", "contact_uid", "phone", "resent"];

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Rows in the report.
    pub rows: u64,
    pub by_status: BTreeMap<String, u64>,
    /// Rows sent again after an attempt that got no answer.
    pub resent: u64,
}

impl Summary {
    /// `CREATED 98000 · UPDATED 12 · REJECTED 3`
    pub fn statuses(&self) -> String {
        self.by_status.iter().map(|(s, n)| format!("{s} {n}")).collect::<Vec<_>>().join(" · ")
    }
}

pub fn render(journal_path: &Path, report: &Path, rows: u64) -> Result<Summary, String> {
    let tmp =
        report.with_file_name(format!(".{}.tmp", report.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()));
    let name = report.display();
    let mut out =
        csv::Writer::from_path(&tmp).map_err(|e| format!("{}: cannot write the report: {e}", tmp.display()))?;
    out.write_record(HEADER).map_err(|e| format!("{name}: {e}"))?;
    let mut seen = RowSet::with_rows(rows);
    let mut summary = Summary::default();
    journal::read_results(journal_path, |r: RowResult| {
        // The journal never holds two results for a row; if it ever did, the first one counts.
        if !seen.insert(r.row) {
            return Ok(());
        }
        summary.rows += 1;
        summary.resent += u64::from(r.resent);
        *summary.by_status.entry(r.status.clone()).or_default() += 1;
        out.write_record([
            r.row.to_string().as_str(),
            r.line.to_string().as_str(),
            &r.status,
            r.reason.as_deref().unwrap_or(""),
            r.uid.as_deref().unwrap_or(""),
            r.phone.as_deref().unwrap_or(""),
            if r.resent { "true" } else { "false" },
        ])
        .map_err(|e| format!("{name}: cannot write the report: {e}"))
    })?;
    let file = out.into_inner().map_err(|e| format!("{name}: cannot write the report: {}", e.error()))?;
    file.sync_all().map_err(|e| format!("{name}: cannot write the report: {e}"))?;
    std::fs::rename(&tmp, report).map_err(|e| format!("{name}: cannot move the report into place: {e}"))?;
    Ok(summary)
}
