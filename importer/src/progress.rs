//! What the user sees while an import runs: a progress bar on stderr (rows confirmed of all
//! rows, rows sent, rate, ETA), drawn only when stderr is a terminal, and messages and log lines
//! that never tear through it.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The bar being drawn, so that messages and log lines are printed above it.
static ACTIVE: Mutex<Option<ProgressBar>> = Mutex::new(None);
static QUIET: AtomicBool = AtomicBool::new(false);

/// `--quiet`: no bar and no informational messages (errors and the summary still print).
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// Prints an informational line on stderr, above the bar if one is drawn.
pub fn say(text: &str) {
    if !quiet() {
        print_above(format!("{text}\n").as_bytes());
    }
}

fn print_above(bytes: &[u8]) {
    let bar = ACTIVE.lock().unwrap_or_else(|p| p.into_inner()).clone();
    match bar {
        Some(bar) => bar.suspend(|| io::stderr().write_all(bytes)),
        None => io::stderr().write_all(bytes),
    }
    .unwrap_or(());
}

/// Where log lines go (`tracing_subscriber`'s writer): stderr, above the bar.
pub struct LogWriter;

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        print_above(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stderr().flush()
    }
}

fn target() -> ProgressDrawTarget {
    if quiet() {
        ProgressDrawTarget::hidden()
    } else {
        // indicatif draws nothing when stderr is not a terminal (a pipe, a file, CI).
        ProgressDrawTarget::stderr_with_hz(4)
    }
}

/// A spinner for the check of the whole file before sending.
pub fn spinner(message: String) -> Spinner {
    let bar = ProgressBar::with_draw_target(None, target());
    bar.set_style(ProgressStyle::with_template("{spinner} {msg} {human_pos} rows").expect("a valid template"));
    bar.set_message(message);
    bar.enable_steady_tick(Duration::from_millis(120));
    Spinner(bar)
}

pub struct Spinner(ProgressBar);

impl Spinner {
    pub fn set(&self, rows: u64) {
        self.0.set_position(rows);
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

/// The import's bar: position is rows with a final result (this run and earlier ones).
pub struct Progress {
    bar: ProgressBar,
    sent: Arc<AtomicU64>,
}

impl Progress {
    pub fn new(total: u64, already: u64) -> Self {
        let sent = Arc::new(AtomicU64::new(0));
        let bar = ProgressBar::with_draw_target(Some(total), target());
        let shown = sent.clone();
        let style = ProgressStyle::with_template(
            "{elapsed_precise} [{bar:32}] {human_pos}/{human_len} rows confirmed · {sent} sent · {rate} · ETA {eta}",
        )
        .expect("a valid template")
        .with_key("sent", move |_: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{}", shown.load(Ordering::Relaxed));
        })
        .with_key("rate", move |s: &ProgressState, w: &mut dyn std::fmt::Write| {
            let secs = s.elapsed().as_secs_f64().max(0.001);
            let _ = write!(w, "{:.0} rows/s", s.pos().saturating_sub(already) as f64 / secs);
        })
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_position(already);
        bar.reset_eta();
        bar.enable_steady_tick(Duration::from_millis(250));
        *ACTIVE.lock().unwrap_or_else(|p| p.into_inner()) = Some(bar.clone());
        Progress { bar, sent }
    }

    pub fn sent(&self, rows: u64) {
        self.sent.fetch_add(rows, Ordering::Relaxed);
    }

    pub fn confirmed(&self, rows: u64) {
        self.bar.inc(rows);
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
        *ACTIVE.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}
