//! One import, start to end:
//!
//! 1. read the CSV header and map its columns (a header that cannot work stops here);
//! 2. scan the whole file: count rows, find malformed ones, fingerprint it (nothing is sent
//!    from a file with malformed rows unless `--skip-malformed`);
//! 3. open the journal, refusing one of another import, and read which rows are done;
//! 4. find the phones the file repeats: the last row for a phone wins (as in a spreadsheet),
//!    the earlier ones are reported `DUPLICATE` and never sent, whatever the batch size;
//! 5. a reader thread streams the rows again, skips the done ones, turns the others into
//!    requests (or rejections) and hands batches over a bounded channel, so at most a few
//!    batches are in memory; at most `--concurrency` batches are in flight;
//! 6. every result goes to the journal; at the end the report is rendered from it.

use crate::input::{Format, Input};
use crate::journal::{InputId, Job, Journal, Recovered, RowResult};
use crate::mapping::{Mapping, Resolver, Target};
use crate::phone;
use crate::progress::{self, Progress};
use crate::providers::{Pending, Provider, RowMeta};
use crate::report;
use crate::retry::{Abort, Pacer, RetrySettings};
use crate::scan::{self, Scan};
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

/// How to run the import (the command line's options).
#[derive(Debug, Clone)]
pub struct Settings {
    pub input: PathBuf,
    pub format: Format,
    pub delimiter: u8,
    pub report: PathBuf,
    pub journal: PathBuf,
    pub concurrency: usize,
    pub dry_run: bool,
    pub skip_malformed: bool,
    /// Empty the journal first instead of resuming from it.
    pub restart: bool,
    pub retry: RetrySettings,
}

/// Where the contacts go, for the journal and for messages.
#[derive(Debug, Clone)]
pub struct Destination {
    /// `whats91`, `kirim`, `wacr`.
    pub provider: &'static str,
    /// `Whats91 book grp_abc`.
    pub label: String,
    pub target: BTreeMap<String, String>,
    /// Options that change what is sent (defaults, country code).
    pub options: BTreeMap<String, String>,
    /// Required fields that have a default, so a file needs no column for them.
    pub defaulted: Vec<&'static str>,
}

/// How an import that did not fail ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    /// Every row has a result in the report.
    Complete,
    /// Stopped early; running the same command again goes on.
    Incomplete,
    /// `--dry-run` found rows that would be rejected.
    WouldReject,
    /// Stopped by Ctrl-C; running the same command again goes on.
    Interrupted,
}

/// What the sending tasks share.
pub struct Ctx {
    pub journal: Journal,
    pub progress: Progress,
    pub retry: RetrySettings,
    pub pacer: Pacer,
    pub stats: Stats,
    /// Set once, when the import is to start nothing new.
    stop: tokio::sync::watch::Sender<bool>,
    interrupted: AtomicBool,
}

#[derive(Debug, Default)]
pub struct Stats {
    pub requests: AtomicU64,
    pub throttled: AtomicU64,
    pub unavailable: AtomicU64,
    pub unanswered: AtomicU64,
    pub sent_rows: AtomicU64,
}

impl Ctx {
    pub fn stopped(&self) -> bool {
        *self.stop.borrow()
    }

    /// Resolves once the import is stopped.
    pub async fn stopping(&self) {
        // The sender lives as long as `self`, so waiting cannot fail.
        let _ = self.stop.subscribe().wait_for(|stopped| *stopped).await;
    }

    /// Journals that `rows` are about to be sent (before the request goes out).
    pub fn sending(&self, rows: &[RowMeta]) -> Result<(), Abort> {
        self.journal.sent(rows.iter().map(|m| m.row)).map_err(|e| self.journal_failed(e))?;
        self.stats.sent_rows.fetch_add(rows.len() as u64, Ordering::Relaxed);
        self.progress.sent(rows.len() as u64);
        Ok(())
    }

    /// Journals that `rows` have no result yet although every attempt for them was answered
    /// (or none was made), so they were not applied. Rows an earlier run left unanswered stay so.
    pub fn not_applied(&self, rows: &[RowMeta]) -> Result<(), Abort> {
        let rows = rows.iter().filter(|m| !m.resent).map(|m| m.row);
        self.journal.not_applied(rows).map_err(|e| self.journal_failed(e))
    }

    /// Journals final results.
    pub fn record(&self, results: &[RowResult]) -> Result<(), Abort> {
        self.journal.results(results).map_err(|e| self.journal_failed(e))?;
        self.progress.confirmed(results.len() as u64);
        Ok(())
    }

    fn journal_failed(&self, e: std::io::Error) -> Abort {
        Abort::Fatal(format!("{}: cannot write the journal: {e}", self.journal.path().display()))
    }
}

pub fn import<P: Provider>(
    runtime: &tokio::runtime::Runtime,
    provider: P,
    mapping: Mapping,
    dest: Destination,
    s: Settings,
) -> Result<Done, String> {
    let path = s.input.display().to_string();
    let input = Input::open(&s.input, s.format, s.delimiter).map_err(|e| e.0)?;
    let (columns, plan) = match input.columns() {
        Some(columns) => {
            let plan = mapping.plan(&path, columns, &dest.defaulted)?;
            progress::say(&format!("{path}: columns {}", mapping.describe(columns, &plan)));
            (columns.to_vec(), plan)
        }
        None => (Vec::new(), Vec::new()),
    };
    drop(input);

    let scan = {
        let spinner = progress::spinner(format!("checking {path}:"));
        scan::scan(&s.input, s.format, s.delimiter, |n| spinner.set(n)).map_err(|e| e.0)?
    };
    if scan.rows == 0 {
        return Err(format!("{path}: the file has no rows to import"));
    }
    if scan.malformed_count > 0 {
        let mut list: Vec<String> = scan.malformed.iter().map(|m| format!("  {}", m.describe(&path))).collect();
        if scan.malformed_count > scan.malformed.len() as u64 {
            list.push(format!("  … and {} more", scan.malformed_count - scan.malformed.len() as u64));
        }
        if !s.skip_malformed {
            return Err(format!(
                "{path}: {} of {} rows cannot be read, so nothing was sent:\n{}\n\
                 Fix them, or pass --skip-malformed to import the other rows and report these as REJECTED",
                scan.malformed_count,
                scan.rows,
                list.join("\n")
            ));
        }
        progress::say(&format!(
            "{path}: {} rows cannot be read; they are reported as REJECTED (--skip-malformed):\n{}",
            scan.malformed_count,
            list.join("\n")
        ));
    }
    let mapping = Arc::new(mapping);
    if s.dry_run {
        return dry_run(&provider, &mapping, columns, plan, &s, &scan);
    }

    let mut options = dest.options.clone();
    options.insert("format".into(), s.format.as_str().into());
    options.insert("map".into(), mapping.signature());
    if s.format == Format::Csv {
        options.insert("delimiter".into(), char::from(s.delimiter).to_string());
    }
    let job = Job {
        provider: dest.provider.into(),
        target: dest.target.clone(),
        input: InputId { file: path.clone(), size: scan.size, rows: scan.rows, sha256: scan.sha256.clone() },
        options,
    };
    let (journal, recovered) = Journal::open(&s.journal, &job, s.restart)?;
    if recovered.torn > 0 {
        progress::say(&format!(
            "{}: cut off a torn last line ({} bytes) left by an interrupted run",
            s.journal.display(),
            recovered.torn
        ));
    }
    let already = recovered.confirmed.len();
    if recovered.existed {
        progress::say(&format!(
            "resuming: {already} of {} rows already have a result (journal {})",
            scan.rows,
            s.journal.display()
        ));
    }
    let superseded = {
        let _spinner = progress::spinner(format!("finding repeated phones in {path}:"));
        superseded_rows(&provider, &mapping, &columns, &plan, &s)?
    };
    let ctx = Arc::new(Ctx {
        journal,
        progress: Progress::new(scan.rows, already),
        retry: s.retry.clone(),
        pacer: Pacer::default(),
        stats: Stats::default(),
        stop: tokio::sync::watch::Sender::new(false),
        interrupted: AtomicBool::new(false),
    });
    let source = Source {
        path: s.input.clone(),
        format: s.format,
        delimiter: s.delimiter,
        columns,
        plan,
        recovered,
        superseded,
        rows: scan.rows,
    };
    let provider = Arc::new(provider);
    let (abort, read) = runtime.block_on(send_all(provider, ctx.clone(), mapping, source, s.concurrency.max(1)));
    ctx.progress.finish();
    ctx.journal.sync().map_err(|e| format!("{}: cannot write the journal: {e}", s.journal.display()))?;

    let summary = report::render(&s.journal, &s.report, scan.rows)?;
    let stats = &ctx.stats;
    let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
    let totals = format!(
        "{path} → {}: {} of {} rows have a result\n  {}\n  this run: {} sent in {}; retried after {} × HTTP 429, {} × unavailable, {} × no answer\n  report: {}{}",
        dest.label,
        summary.rows,
        scan.rows,
        summary.statuses(),
        counted(load(&stats.sent_rows), "row"),
        counted(load(&stats.requests), "request"),
        load(&stats.throttled),
        load(&stats.unavailable),
        load(&stats.unanswered),
        s.report.display(),
        if summary.resent > 0 {
            format!(
                "\n  {} sent again after an attempt that got no answer (column `resent`)",
                counted(summary.resent, "row")
            )
        } else {
            String::new()
        }
    );
    eprintln!("{totals}");
    read?;
    if !scan::unchanged(&s.input, &scan) {
        return Err(format!("{path}: the file changed during the import; check the report against it"));
    }
    match abort {
        Some(Abort::Fatal(message)) => Err(format!("{message}\nFix this and run the same command again to go on.")),
        Some(Abort::GaveUp(message)) => {
            eprintln!("stopped: {message}\nRun the same command again to go on where this run stopped.");
            Ok(Done::Incomplete)
        }
        Some(Abort::Interrupted) => {
            eprintln!("interrupted: run the same command again to go on where this run stopped.");
            Ok(Done::Interrupted)
        }
        Some(Abort::Stopped) | None if summary.rows == scan.rows => Ok(Done::Complete),
        _ => Err(format!(
            "{} rows have no result although nothing failed; run the same command again to send them",
            scan.rows - summary.rows
        )),
    }
}

/// What the reader thread needs.
struct Source {
    path: PathBuf,
    format: Format,
    delimiter: u8,
    columns: Vec<String>,
    plan: Vec<Target>,
    recovered: Recovered,
    /// Rows not sent because a later row has the same phone: row → that row.
    superseded: HashMap<u64, u64>,
    rows: u64,
}

enum Prepared<T> {
    Done,
    Send(Pending<T>),
    Reject(RowResult),
}

/// Rows of the input, ready to send or rejected.
struct Rows<'m, P: Provider> {
    provider: &'m P,
    input: Input<File>,
    resolver: Resolver<'m>,
    recovered: Option<&'m Recovered>,
    superseded: Option<&'m HashMap<u64, u64>>,
    read: u64,
}

impl<'m, P: Provider> Rows<'m, P> {
    fn next(&mut self) -> Result<Option<Prepared<P::Item>>, String> {
        let Some(item) = self.input.next_row().map_err(|e| e.0)? else {
            return Ok(None);
        };
        self.read += 1;
        let (row, line) = match &item {
            Ok(r) => (r.row, r.line),
            Err(m) => (m.row, m.line),
        };
        if self.recovered.is_some_and(|r| r.confirmed.contains(row)) {
            return Ok(Some(Prepared::Done));
        }
        if let Some(winner) = self.superseded.and_then(|s| s.get(&row)) {
            return Ok(Some(Prepared::Reject(RowResult {
                row,
                line,
                status: "DUPLICATE".into(),
                reason: Some(format!("row {winner} has the same phone and is imported instead (the last row wins)")),
                uid: None,
                phone: None,
                resent: false,
            })));
        }
        let rejected = |reason: String| RowResult {
            row,
            line,
            status: "REJECTED".into(),
            reason: Some(reason),
            uid: None,
            phone: None,
            resent: false,
        };
        Ok(Some(match item {
            Err(m) => Prepared::Reject(rejected(format!("malformed row: {}", m.reason()))),
            Ok(record) => match self.resolver.cells(&record).and_then(|cells| self.provider.build(&cells)) {
                Ok((phone, item)) => {
                    let resent = self.recovered.is_some_and(|r| r.unanswered(row));
                    Prepared::Send(Pending { meta: RowMeta { row, line, phone, resent }, item })
                }
                Err(rejection) => Prepared::Reject(rejected(rejection.reason())),
            },
        }))
    }
}

fn dry_run<P: Provider>(
    provider: &P,
    mapping: &Mapping,
    columns: Vec<String>,
    plan: Vec<Target>,
    s: &Settings,
    scan: &Scan,
) -> Result<Done, String> {
    const SHOWN: u64 = 20;
    let path = s.input.display().to_string();
    let input = Input::open(&s.input, s.format, s.delimiter).map_err(|e| e.0)?;
    let mut rows = Rows {
        provider,
        input,
        resolver: Resolver::new(mapping, columns, plan),
        recovered: None,
        superseded: None,
        read: 0,
    };
    let (mut valid, mut rejected) = (0u64, 0u64);
    while let Some(p) = rows.next()? {
        match p {
            Prepared::Send(_) => valid += 1,
            Prepared::Reject(r) => {
                rejected += 1;
                if rejected <= SHOWN {
                    eprintln!("{path}:{}: {}", r.line, r.reason.unwrap_or_default());
                }
            }
            Prepared::Done => {}
        }
    }
    if rejected > SHOWN {
        eprintln!("… and {} more", rejected - SHOWN);
    }
    eprintln!(
        "dry run: {path} has {} rows: {valid} would be sent, {rejected} would be rejected; nothing was sent",
        scan.rows
    );
    Ok(if rejected > 0 { Done::WouldReject } else { Done::Complete })
}

async fn send_all<P: Provider>(
    provider: Arc<P>,
    ctx: Arc<Ctx>,
    mapping: Arc<Mapping>,
    source: Source,
    concurrency: usize,
) -> (Option<Abort>, Result<(), String>) {
    let batch = provider.batch_size().max(1);
    // A few batches queue up while the others are in flight; nothing more is read ahead.
    let (tx, mut rx) = mpsc::channel::<Vec<Pending<P::Item>>>(2);
    let reader = {
        let (provider, ctx) = (provider.clone(), ctx.clone());
        std::thread::spawn(move || read_rows(&*provider, &ctx, &mapping, source, batch.max(64), tx))
    };
    // Ctrl-C: start nothing new, let the requests in flight finish, write the report. A second
    // Ctrl-C ends the process at once (the journal makes that safe too).
    let interrupt = {
        let ctx = ctx.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                progress::say("interrupted: finishing the requests in flight (Ctrl-C again to quit at once)");
                ctx.interrupted.store(true, Ordering::Relaxed);
                ctx.stop.send_replace(true);
                if tokio::signal::ctrl_c().await.is_ok() {
                    std::process::exit(130);
                }
            }
        })
    };
    let mut tasks = JoinSet::new();
    let mut abort = None;
    'receive: while let Some(chunk) = rx.recv().await {
        let mut chunk = chunk.into_iter();
        loop {
            let group: Vec<_> = chunk.by_ref().take(batch).collect();
            if group.is_empty() {
                break;
            }
            while tasks.len() >= concurrency {
                if let Some(Err(a)) = tasks.join_next().await.map(joined) {
                    stop(&ctx, &mut abort, a);
                    break 'receive;
                }
            }
            tasks.spawn(provider.clone().send(ctx.clone(), group));
        }
    }
    drop(rx); // a reader still sending gets an error and stops
    while let Some(done) = tasks.join_next().await {
        if let Err(a) = joined(done) {
            stop(&ctx, &mut abort, a);
        }
    }
    interrupt.abort();
    if ctx.interrupted.load(Ordering::Relaxed) && matches!(abort, None | Some(Abort::Stopped)) {
        abort = Some(Abort::Interrupted);
    }
    let read = match tokio::task::spawn_blocking(move || reader.join()).await {
        Ok(Ok(read)) => read,
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    };
    (abort, read)
}

fn joined(done: Result<Result<(), Abort>, tokio::task::JoinError>) -> Result<(), Abort> {
    // A task only fails to join by panicking; carry the panic on rather than hide it.
    done.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
}

/// Keeps the first real reason and tells every task to start nothing new.
fn stop(ctx: &Ctx, abort: &mut Option<Abort>, a: Abort) {
    ctx.stop.send_replace(true);
    if matches!(abort, None | Some(Abort::Stopped)) {
        *abort = Some(a);
    }
}

/// The reader thread: rows not yet done, in batches, over `tx`; rejected rows to the journal.
fn read_rows<P: Provider>(
    provider: &P,
    ctx: &Ctx,
    mapping: &Mapping,
    source: Source,
    chunk_rows: usize,
    tx: mpsc::Sender<Vec<Pending<P::Item>>>,
) -> Result<(), String> {
    let input = Input::open(&source.path, source.format, source.delimiter).map_err(|e| e.0)?;
    let path = input.path().to_string();
    let mut rows = Rows {
        provider,
        input,
        resolver: Resolver::new(mapping, source.columns, source.plan),
        recovered: Some(&source.recovered),
        superseded: Some(&source.superseded),
        read: 0,
    };
    let (mut chunk, mut rejected) = (Vec::with_capacity(chunk_rows), Vec::new());
    let flush_rejected = |rejected: &mut Vec<RowResult>| ctx.record(&std::mem::take(rejected)).map_err(abort_text);
    while let Some(p) = rows.next()? {
        if ctx.stopped() {
            return Ok(());
        }
        match p {
            Prepared::Done => {}
            Prepared::Reject(r) => {
                rejected.push(r);
                if rejected.len() >= 256 {
                    flush_rejected(&mut rejected)?;
                }
            }
            Prepared::Send(pending) => {
                chunk.push(pending);
                if chunk.len() >= chunk_rows
                    && tx.blocking_send(std::mem::replace(&mut chunk, Vec::with_capacity(chunk_rows))).is_err()
                {
                    return Ok(()); // the sender stopped
                }
            }
        }
    }
    flush_rejected(&mut rejected)?;
    if !chunk.is_empty() && tx.blocking_send(chunk).is_err() {
        return Ok(());
    }
    if rows.read != source.rows {
        return Err(format!(
            "{path}: the file changed during the import ({} rows when checked, {} now)",
            source.rows, rows.read
        ));
    }
    Ok(())
}

/// The rows whose phone a later row repeats, each with the last row that has it: one pass that
/// keeps 16 bytes per sendable row (a hash of its normalised phone and its number), sorted.
fn superseded_rows<P: Provider>(
    provider: &P,
    mapping: &Mapping,
    columns: &[String],
    plan: &[Target],
    s: &Settings,
) -> Result<HashMap<u64, u64>, String> {
    let input = Input::open(&s.input, s.format, s.delimiter).map_err(|e| e.0)?;
    let resolver = Resolver::new(mapping, columns.to_vec(), plan.to_vec());
    let mut rows = Rows { provider, input, resolver, recovered: None, superseded: None, read: 0 };
    let mut phones = Vec::new();
    while let Some(p) = rows.next()? {
        if let Prepared::Send(p) = p {
            let mut h = DefaultHasher::new();
            phone::normalize(&p.meta.phone).hash(&mut h);
            phones.push((h.finish(), p.meta.row));
        }
    }
    phones.sort_unstable();
    let mut superseded = HashMap::new();
    for same in phones.chunk_by(|a, b| a.0 == b.0) {
        let (_, winner) = same[same.len() - 1];
        superseded.extend(same[..same.len() - 1].iter().map(|&(_, row)| (row, winner)));
    }
    Ok(superseded)
}

fn abort_text(a: Abort) -> String {
    match a {
        Abort::Fatal(m) | Abort::GaveUp(m) => m,
        Abort::Stopped => "stopped".into(),
        Abort::Interrupted => "interrupted".into(),
    }
}

/// `n` and `noun`, in the plural unless `n` is 1: "1 request", "3 requests".
fn counted(n: u64, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::counted;

    #[test]
    fn counts_read_as_english() {
        assert_eq!(counted(0, "request"), "0 requests");
        assert_eq!(counted(1, "request"), "1 request");
        assert_eq!(counted(1000, "row"), "1000 rows");
    }
}
