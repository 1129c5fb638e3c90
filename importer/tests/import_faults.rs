//! The importer under load, faults and kills, against the provider mock on 127.0.0.1.
//!
//! - 100,000 contacts into Whats91 while the mock fails a fifth of the requests (429 with
//!   `Retry-After`, 503, a reset before or after applying, an answer past the timeout, a body cut
//!   short): every contact ends up in the book once, the report has every row once.
//! - The same import killed with SIGKILL four times (while the server holds an applied batch's
//!   answer, while the journal grows, between requests, right after start) and a torn journal
//!   line on top, then resumed: the same end state.
//! - A Kirim import killed and resumed: keys repeat, contacts are created once.
//!
//! "Once" for Whats91, which upserts by phone: every input phone is in the book, nothing else is,
//! and rows were applied a second time only where an answer was lost (bounded by the faults and
//! kills that lose answers). Seeds are printed; `IMPORT_TEST_SEED` repeats a run.
#![cfg(unix)]

mod support;

use serde_json::json;
use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Child;
use std::sync::atomic::Ordering;
use std::time::Duration;
use support::mock::{Fault, FaultPlan, Mock, ALL_FAULTS, BOOK};
use support::{contacts_csv, importer, phone, poll, report_by_row, run, scratch, spawn, wait, Run, TOKEN};

/// The heavy runs take turns: two at once would only slow each other down on a small machine.
static HEAVY: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const ROWS: usize = 100_000;
const BATCH: u64 = 500;
const CONCURRENCY: u64 = 4;

fn seed() -> u64 {
    std::env::var("IMPORT_TEST_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
    })
}

/// splitmix64, for kill points.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) % n
    }
}

fn whats91_args(url: &str, file: &Path) -> Vec<String> {
    let batch = BATCH.to_string();
    let concurrency = CONCURRENCY.to_string();
    let mut args = vec!["import", "whats91", "--book", BOOK, "--base-url", url, "--batch-size", &batch];
    args.extend(["--concurrency", &concurrency, "--timeout", "1", file.to_str().unwrap()]);
    args.into_iter().map(String::from).collect()
}

fn cmd(args: &[String]) -> std::process::Command {
    importer(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

/// Checks the end state of a Whats91 import of `contacts_csv(ROWS)`; returns the report's counts.
fn assert_whats91_end_state(mock: &Mock, report: &Path) -> BTreeMap<String, u64> {
    let rows = report_by_row(report, ROWS as u64);
    let book = mock.state.book();
    assert_eq!(book.len(), ROWS, "contacts in the book");
    let mut counts = BTreeMap::new();
    for i in 0..ROWS {
        let r = &rows[&(i as u64 + 1)];
        let stored = book.get(&phone(i)).unwrap_or_else(|| panic!("row {} ({}) is not in the book", i + 1, phone(i)));
        assert_eq!((r.uid.as_str(), r.phone.as_str(), r.line), (stored.uid.as_str(), phone(i).as_str(), i as u64 + 2));
        assert_eq!(stored.first_name.as_deref(), Some(format!("F{i}").as_str()));
        assert_eq!(stored.custom, Some(json!({"city": format!("City {}", i % 97)})));
        match r.status.as_str() {
            "CREATED" => {}
            // Every phone is in the file once: UPDATED means an earlier attempt was applied.
            "UPDATED" => assert!(r.resent, "row {} is UPDATED but was never sent before: {r:?}", r.row),
            other => panic!("row {}: status {other}: {r:?}", r.row),
        }
        *counts.entry(r.status.clone()).or_default() += 1;
        *counts.entry("resent".to_string()).or_default() += u64::from(r.resent);
    }
    assert!(mock.state.largest_batch.load(Ordering::Relaxed) <= BATCH as usize);
    counts
}

fn faults_seen(mock: &Mock) -> String {
    ALL_FAULTS.iter().map(|f| format!("{f:?} {}", mock.state.injected(*f))).collect::<Vec<_>>().join(", ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whats91_100k_contacts_arrive_once_through_random_faults() {
    let _turn = HEAVY.lock().await;
    let seed = seed();
    eprintln!("IMPORT_TEST_SEED={seed}");
    let dir = scratch("faults-100k");
    let file = dir.join("contacts.csv");
    contacts_csv(&file, ROWS);
    let mock = Mock::start(TOKEN, FaultPlan::random(seed, 0.2, &ALL_FAULTS)).await;
    let out = run(cmd(&whats91_args(&mock.url(), &file))).await;
    assert_eq!(out.code(), Some(0), "{out:?}");
    for f in ALL_FAULTS {
        assert!(mock.state.injected(f) > 0, "{f:?} was never injected: {}", faults_seen(&mock));
    }
    let counts = assert_whats91_end_state(&mock, &dir.join("contacts.whats91-report.csv"));
    let reapplied = mock.state.reapplied.load(Ordering::Relaxed);
    let ambiguous = mock.state.injected_ambiguous();
    assert!(reapplied > 0, "answers were lost after applying, so some rows must have been sent again");
    assert!(reapplied <= ambiguous * BATCH, "{reapplied} rows applied twice, but only {ambiguous} answers were lost");
    eprintln!(
        "faults: 1 run, {ROWS} rows, {} requests, faults [{}], report {counts:?}, rows applied again {reapplied}, duplicates 0, lost 0",
        mock.state.import_requests.load(Ordering::Relaxed),
        faults_seen(&mock)
    );
}

async fn kill(mut child: Child) -> Run {
    let _ = child.kill(); // SIGKILL
    wait(child).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whats91_import_killed_four_times_and_resumed_loses_and_duplicates_nothing() {
    let _turn = HEAVY.lock().await;
    let seed = seed();
    eprintln!("IMPORT_TEST_SEED={seed}");
    let mut rng = Rng(seed);
    let dir = scratch("kill-100k");
    let file = dir.join("contacts.csv");
    contacts_csv(&file, ROWS);
    let report = dir.join("contacts.whats91-report.csv");
    let journal = dir.join("contacts.whats91-report.csv.journal");
    let mock = Mock::start(TOKEN, FaultPlan::random(seed, 0.1, &ALL_FAULTS)).await;
    let args = whats91_args(&mock.url(), &file);
    let state = mock.state.clone();
    let mut killed = 0;

    // 1. While the server holds the answer of a batch it has applied.
    let at = state.import_requests.load(Ordering::SeqCst) + 2 + rng.below(4);
    state.stall_at.store(at, Ordering::SeqCst);
    let mut child = spawn(cmd(&args));
    // (A fault on that very request would skip the stall: then kill a few requests later.)
    poll(&mut child, || state.stalled.load(Ordering::SeqCst) || state.import_requests.load(Ordering::SeqCst) > at + 8)
        .await;
    let run1 = kill(child).await;
    state.stall_at.store(0, Ordering::SeqCst);
    killed += u64::from(run1.status.signal() == Some(9));
    assert!(state.stalled.load(Ordering::SeqCst) || state.injected_total() > 0, "{run1:?}");

    // 2. While the journal grows; then a torn record on top, as a kill mid-write leaves one.
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let target = size(&journal) + 100_000 + rng.below(2_000_000);
    let mut child = spawn(cmd(&args));
    poll(&mut child, || size(&journal) >= target).await;
    let run2 = kill(child).await;
    killed += u64::from(run2.status.signal() == Some(9));
    assert!(run2.stderr.contains("resuming: "), "{run2:?}");
    let mut text = std::fs::read(&journal).unwrap();
    let last = text[..text.len() - 1].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let torn_len = (text.len() - last - 1).min(40);
    let torn = text[last..last + torn_len].to_vec();
    text.extend_from_slice(&torn);
    std::fs::write(&journal, text).unwrap();

    // 3. Between requests.
    let target = state.import_requests.load(Ordering::SeqCst) + 1 + rng.below(15);
    let mut child = spawn(cmd(&args));
    poll(&mut child, || state.import_requests.load(Ordering::SeqCst) >= target).await;
    let run3 = kill(child).await;
    killed += u64::from(run3.status.signal() == Some(9));
    assert!(run3.stderr.contains(&format!("cut off a torn last line ({torn_len} bytes)")), "{run3:?}");

    // 4. Soon after start: checking the file, opening the journal, or sending.
    let mut child = spawn(cmd(&args));
    let started = std::time::Instant::now();
    let delay = Duration::from_millis(rng.below(400));
    poll(&mut child, || started.elapsed() >= delay).await;
    let run4 = kill(child).await;
    killed += u64::from(run4.status.signal() == Some(9));

    // 5. To the end.
    let last_run = run(cmd(&args)).await;
    assert_eq!(last_run.code(), Some(0), "{last_run:?}");
    assert!(last_run.stderr.contains("resuming: "), "{last_run:?}");
    assert_eq!(killed, 4, "every kill lands while the import runs:\n{run1:?}\n{run2:?}\n{run3:?}\n{run4:?}");

    let counts = assert_whats91_end_state(&mock, &report);
    let reapplied = state.reapplied.load(Ordering::Relaxed);
    let bound = (state.injected_ambiguous() + killed * CONCURRENCY) * BATCH;
    assert!(reapplied <= bound, "{reapplied} rows applied twice; lost answers and kills allow {bound}");
    eprintln!(
        "kills: 5 runs, {killed} SIGKILLs, {ROWS} rows, {} requests, faults [{}], report {counts:?}, rows applied again {reapplied}, duplicates 0, lost 0",
        state.import_requests.load(Ordering::Relaxed),
        faults_seen(&mock)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kirim_import_killed_and_resumed_replays_keys_and_creates_each_contact_once() {
    const N: usize = 2_000;
    let _turn = HEAVY.lock().await;
    let seed = seed();
    eprintln!("IMPORT_TEST_SEED={seed}");
    let mut rng = Rng(seed);
    let dir = scratch("kill-kirim");
    let file = dir.join("contacts.csv");
    contacts_csv(&file, N);
    let faults = [Fault::ResetAfter, Fault::Slow, Fault::Truncated, Fault::TooMany, Fault::ResetBefore];
    let mock = Mock::start(TOKEN, FaultPlan::random(seed, 0.05, &faults)).await;
    let url = mock.url();
    let args: Vec<String> =
        ["import", "kirim", "--phone-number-id", "106540352242922", "--base-url", &url, "--concurrency", "8"]
            .into_iter()
            .chain(["--map", "First Name=name", "--timeout", "1", file.to_str().unwrap()])
            .map(String::from)
            .collect();
    let state = mock.state.clone();
    let mut killed = 0;
    for _ in 0..3 {
        let target = state.import_requests.load(Ordering::SeqCst) + 50 + rng.below(300);
        let mut child = spawn(cmd(&args));
        poll(&mut child, || state.import_requests.load(Ordering::SeqCst) >= target).await;
        killed += u64::from(kill(child).await.status.signal() == Some(9));
    }
    let last_run = run(cmd(&args)).await;
    assert_eq!(last_run.code(), Some(0), "{last_run:?}");
    assert_eq!(killed, 3);

    let rows = report_by_row(&dir.join("contacts.kirim-report.csv"), N as u64);
    let contacts = state.kirim();
    assert_eq!(contacts.len(), N);
    for i in 0..N {
        let c = &contacts[&phone(i)];
        assert_eq!(c.created, 1, "{} was created {} times", phone(i), c.created);
        assert_eq!(c.name.as_deref(), Some(format!("F{i}").as_str()));
        let r = &rows[&(i as u64 + 1)];
        assert_eq!((r.status.as_str(), r.uid.as_str()), ("CREATED", c.id.as_str()), "{r:?}");
    }
    let replays = state.replays.load(Ordering::Relaxed);
    assert!(replays > 0, "answers were lost and runs killed, so some keys must have come again");
    eprintln!(
        "kirim: 4 runs, {killed} SIGKILLs, {N} rows, {} requests, faults [{}], key replays {replays}, duplicates 0, lost 0",
        state.import_requests.load(Ordering::Relaxed),
        faults_seen(&mock)
    );
}
