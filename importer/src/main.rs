//! `whatsapp-contacts`: imports contact lists into Whats91, Kirim or WA.cr, resumably, on top
//! of the generated clients of the `whatsapp-contacts` crate (`cargo install --path importer`).

mod cli;
mod input;
mod journal;
mod mapping;
mod phone;
mod pipeline;
mod progress;
mod providers;
mod report;
mod retry;
mod rowset;
mod scan;
mod token;

use clap::Parser;
use cli::{Cli, Command, Connection, CreateBookArgs, ImportArgs, ImportTo};
use input::{Format, Spool};
use mapping::Mapping;
use pipeline::{Destination, Done, Settings};
use providers::{kirim::Kirim, wacr::Wacr, whats91::Whats91};
use retry::RetrySettings;
use std::collections::BTreeMap;
use std::future::IntoFuture;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;
use whatsapp_contacts::runtime::{Config, RetryPolicy};
use whatsapp_contacts::{kirim, wacr, whats91};

fn main() -> ExitCode {
    let cli = Cli::parse();
    progress::set_quiet(cli.quiet);
    let level = match cli.verbose {
        0 => tracing::Level::WARN,
        1 => tracing::Level::INFO,
        _ => tracing::Level::DEBUG,
    };
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_target(false)
        .without_time()
        .with_writer(|| progress::LogWriter)
        .init();
    match run(cli.command) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}

fn run(command: Command) -> Result<ExitCode, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let done = match command {
        Command::CreateBook(args) => return create_book(&runtime, args),
        Command::Completions { shell } => {
            let mut cli = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cli, "whatsapp-contacts", &mut std::io::stdout());
            return Ok(ExitCode::SUCCESS);
        }
        Command::Import { to: ImportTo::Whats91(a) } => {
            let (settings, token, _stdin) = prepare(&a.import, "whats91", "WHATS91_TOKEN")?;
            let base_url =
                a.import.connection.base_url.clone().unwrap_or_else(|| whats91::Client::DEFAULT_BASE_URL.into());
            let client = whats91::Client::from_config(config(&base_url, token, &a.import.connection))
                .map_err(|e| e.to_string())?;
            let mapping =
                Mapping::new("Whats91", providers::whats91::FIELDS, Some(providers::whats91::EXTRA), &a.import.maps)?;
            let mut options = BTreeMap::new();
            if let Some(code) = &a.default_country_code {
                options.insert("default_country_code".into(), code.clone());
            }
            let dest = Destination {
                provider: "whats91",
                label: format!("Whats91 book {}", a.book),
                target: BTreeMap::from([("base_url".into(), base_url), ("book".into(), a.book.clone())]),
                options,
                defaulted: Vec::new(),
            };
            let provider = Whats91 {
                client,
                book: a.book,
                default_country_code: a.default_country_code,
                batch_size: usize::from(a.batch_size),
            };
            pipeline::import(&runtime, provider, mapping, dest, settings)?
        }
        Command::Import { to: ImportTo::Kirim(a) } => {
            let (settings, token, _stdin) = prepare(&a.import, "kirim", "KIRIM_TOKEN")?;
            let base_url =
                a.import.connection.base_url.clone().unwrap_or_else(|| kirim::Client::DEFAULT_BASE_URL.into());
            let client = kirim::Client::from_config(config(&base_url, token, &a.import.connection))
                .map_err(|e| e.to_string())?;
            let mapping =
                Mapping::new("Kirim", providers::kirim::FIELDS, Some(providers::kirim::EXTRA), &a.import.maps)?;
            let dest = Destination {
                provider: "kirim",
                label: format!("Kirim account {}", a.phone_number_id),
                target: BTreeMap::from([
                    ("base_url".into(), base_url),
                    ("phone_number_id".into(), a.phone_number_id.clone()),
                ]),
                options: BTreeMap::new(),
                defaulted: Vec::new(),
            };
            pipeline::import(&runtime, Kirim { client, phone_number_id: a.phone_number_id }, mapping, dest, settings)?
        }
        Command::Import { to: ImportTo::Wacr(a) } => {
            let (settings, token, _stdin) = prepare(&a.import, "wacr", "WACR_TOKEN")?;
            let base_url = a.import.connection.base_url.clone().ok_or(
                "WA.cr publishes no API host: pass --base-url with your API address, e.g. https://crm.example.com/api/v2",
            )?;
            let client =
                wacr::Client::from_config(config(&base_url, token, &a.import.connection)).map_err(|e| e.to_string())?;
            let mapping = Mapping::new("WA.cr", providers::wacr::FIELDS, None, &a.import.maps)?;
            let defaults = providers::wacr::Defaults {
                contact_type: a.contact_type.map(|t| t.as_str().to_string()),
                source_id: a.source_id,
                status_id: a.status_id,
            };
            let mut options = BTreeMap::new();
            for (key, value) in [
                ("type", defaults.contact_type.clone()),
                ("source_id", defaults.source_id.map(|v| v.to_string())),
                ("status_id", defaults.status_id.map(|v| v.to_string())),
            ] {
                if let Some(v) = value {
                    options.insert(format!("default_{key}"), v);
                }
            }
            let dest = Destination {
                provider: "wacr",
                label: format!("WA.cr at {base_url}"),
                target: BTreeMap::from([("base_url".into(), base_url)]),
                options,
                defaulted: defaults.covered(),
            };
            pipeline::import(&runtime, Wacr { client, defaults }, mapping, dest, settings)?
        }
    };
    Ok(ExitCode::from(match done {
        Done::Complete => 0,
        Done::Incomplete => 3,
        Done::WouldReject => 4,
        Done::Interrupted => 130,
    }))
}

/// The settings every import shares, the token (not needed for a dry run), and for `-` the copy
/// of standard input the settings name (to be kept until the import ends).
fn prepare(a: &ImportArgs, provider: &str, token_var: &str) -> Result<(Settings, String, Option<Spool>), String> {
    let stdin = a.file == Path::new("-");
    // Standard input has no extension: CSV unless --format says otherwise.
    let format = if stdin { a.format.unwrap_or(Format::Csv) } else { Format::detect(&a.file, a.format)? };
    let named = if stdin { Path::new("stdin") } else { a.file.as_path() };
    let report = a.report.clone().unwrap_or_else(|| default_report(named, provider));
    let journal = journal_path(&report);
    for (what, path) in [("--report", &report), ("the journal", &journal)] {
        if same_file(path, &a.file) {
            return Err(format!(
                "{what} would be written over the input file {}; pass another --report",
                a.file.display()
            ));
        }
    }
    let token = match token::load(token_var, a.connection.token_file.as_deref()) {
        Ok(token) => token,
        // A dry run sends nothing, so it needs no token.
        Err(_) if a.dry_run => String::new(),
        Err(e) => return Err(e),
    };
    let spool = if stdin { Some(Spool::stdin()?) } else { None };
    let settings = Settings {
        input: spool.as_ref().map_or_else(|| a.file.clone(), |s| s.path().to_path_buf()),
        format,
        delimiter: a.delimiter.unwrap_or_else(|| Format::default_delimiter(&a.file)),
        restart: a.restart,
        journal,
        report,
        concurrency: usize::from(a.concurrency),
        dry_run: a.dry_run,
        skip_malformed: a.skip_malformed,
        retry: RetrySettings {
            policy: RetryPolicy::default()
                .max_retries(a.max_retries)
                .max_backoff(Duration::from_secs(30))
                .max_retry_after(a.max_wait),
            timeout: a.connection.timeout,
        },
    };
    Ok((settings, token, spool))
}

/// Both name one existing file (whatever the spelling of the paths).
fn same_file(a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

fn config(base_url: &str, token: String, c: &Connection) -> Config {
    Config::new(base_url)
        .bearer_token(token)
        .timeout(c.timeout)
        // The importer retries by itself (see `retry`), for every request alike.
        .retry(RetryPolicy::none())
        .user_agent(concat!("whatsapp-contacts/", env!("CARGO_PKG_VERSION"), " (importer)"))
}

/// `contacts.csv` → `contacts.whats91-report.csv`, beside it.
fn default_report(file: &Path, provider: &str) -> PathBuf {
    let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "contacts".into());
    file.with_file_name(format!("{stem}.{provider}-report.csv"))
}

fn journal_path(report: &Path) -> PathBuf {
    let mut name = report.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".journal");
    report.with_file_name(name)
}

fn create_book(runtime: &tokio::runtime::Runtime, a: CreateBookArgs) -> Result<ExitCode, String> {
    let token = token::load("WHATS91_TOKEN", a.connection.token_file.as_deref())?;
    let base_url = a.connection.base_url.clone().unwrap_or_else(|| whats91::Client::DEFAULT_BASE_URL.into());
    // Creating a book is not idempotent: only a connection that never opened is retried.
    let config = Config::new(base_url).bearer_token(token).timeout(a.connection.timeout);
    let client = whats91::Client::from_config(config).map_err(|e| e.to_string())?;
    let mut request = whats91::types::CreateContactBookRequest::new(a.name);
    request.description = a.description;
    request.color = a.color;
    let created = runtime
        .block_on(client.create_contact_book(&request).into_future())
        .map_err(|e| format!("cannot create the contact book: {}", retry::describe(&e)))?;
    let book = created.body.data.contact_book;
    progress::say(&format!("created contact book `{}`", book.name));
    println!("{}", book.contact_book_uid);
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_and_journal_sit_beside_the_input() {
        let report = default_report(Path::new("/data/leads.csv"), "kirim");
        assert_eq!(report, Path::new("/data/leads.kirim-report.csv"));
        assert_eq!(journal_path(&report), Path::new("/data/leads.kirim-report.csv.journal"));
    }

    #[test]
    fn a_report_over_the_input_is_refused() {
        let dir = std::env::temp_dir().join(format!("wac-main-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("leads.csv");
        std::fs::write(&file, "phone\n1\n").unwrap();
        let cli = Cli::try_parse_from([
            "whatsapp-contacts",
            "import",
            "whats91",
            "--book",
            "b",
            "--report",
            &dir.join(".").join("leads.csv").display().to_string(),
            &file.display().to_string(),
        ])
        .unwrap();
        let Command::Import { to: ImportTo::Whats91(a) } = cli.command else { unreachable!() };
        let e = prepare(&a.import, "whats91", "WAC_TEST_UNSET_VAR").err().unwrap();
        assert!(e.starts_with("--report would be written over the input file"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
