//! The command line.

use crate::input::Format;
use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;

const EXIT_CODES: &str = "\
Exit status: 0 done (every row has a result in the report, rejected and failed rows included);
1 error (nothing sent, or the import cannot go on: see the message); 2 bad command line;
3 stopped early after repeated failures (run the same command again to go on);
4 --dry-run found rows that would be rejected; 130 interrupted by Ctrl-C (run the same command
again to go on).";

/// Import contact lists (CSV or JSON Lines) into Whats91, Kirim or WA.cr.
///
/// An import can be stopped at any moment (Ctrl-C, kill, a crash) and started again with the
/// same command: it goes on where it stopped, and no row is lost or created twice. A row-level
/// report (CSV) says what happened to every input row.
#[derive(Parser, Debug)]
#[command(name = "whatsapp-contacts", version, after_help = EXIT_CODES)]
pub struct Cli {
    /// More log lines on stderr (-v: retries, -vv: every request)
    #[arg(short, long, action = ArgAction::Count, global = true)]
    pub verbose: u8,
    /// No progress bar or informational messages (errors and the final summary still print)
    #[arg(short, long, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Import a file; run the same command again to resume an interrupted import
    Import {
        #[command(subcommand)]
        to: ImportTo,
    },
    /// Create a Whats91 contact book and print its uid (for `import whats91 --book`)
    CreateBook(CreateBookArgs),
    /// Print a completion script for a shell, e.g. `whatsapp-contacts completions bash > /etc/bash_completion.d/whatsapp-contacts`
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Subcommand, Debug)]
pub enum ImportTo {
    /// Into a Whats91 contact book, up to 1000 contacts per request (token: $WHATS91_TOKEN)
    #[command(after_help = "Fields: phone (required), displayName, firstName, lastName, email, companyName; \
        other columns go to customFields.")]
    Whats91(Whats91Args),
    /// Into a Kirim WhatsApp account, one request per contact (token: $KIRIM_TOKEN)
    #[command(after_help = "Fields: phone_number (required; a `phone` column also matches), name, email; \
        other columns go to metadata. Each row's Idempotency-Key is derived from the account, the \
        contact's phone and its values (never the row's position), so sending a contact again, even \
        from an edited file, never creates a second one.")]
    Kirim(KirimArgs),
    /// Into a WA.cr tenant, one request per contact (token: $WACR_TOKEN)
    #[command(after_help = "Fields: firstname, lastname, phone, type, source_id, status_id (required; \
        the last three may come from --type, --source-id, --status-id), email, company, description, \
        city, state, zip, address, country_id, assigned_id, groups (ids separated by `;`). \
        WA.cr has no free-form fields: map or drop (--map 'COLUMN=-') every other column.")]
    Wacr(WacrArgs),
}

#[derive(Args, Debug)]
pub struct Connection {
    /// Read the API token from this file instead of the environment variable
    #[arg(long, value_name = "PATH")]
    pub token_file: Option<PathBuf>,
    /// The API's base URL [default: the provider's]
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Seconds one request may take; one that takes longer is abandoned and sent again
    #[arg(long, value_name = "SECONDS", default_value = "30", value_parser = seconds)]
    pub timeout: Duration,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The file: .csv / .tsv (a header row, then one contact per row) or .jsonl / .ndjson (one
    /// JSON object per line); `-` reads standard input (CSV unless --format). When a phone is
    /// on several rows, the last one is imported
    pub file: PathBuf,
    /// The file's format [default: from its extension]
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// CSV field separator [default: tab for a .tsv file, else `,`]
    #[arg(long, value_parser = delimiter)]
    pub delimiter: Option<u8>,
    /// Send a column to a field: 'Mobile=phone'; drop it: 'Notes=-'; rename an extra value:
    /// 'Ref=customFields.reference' (Kirim: metadata.NAME). Repeatable
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    pub maps: Vec<String>,
    /// The row-level report (CSV); the journal that makes the import resumable is kept next to
    /// it as REPORT.journal [default: FILE's name + `.<provider>-report.csv`, beside FILE]
    #[arg(long, value_name = "PATH")]
    pub report: Option<PathBuf>,
    /// Requests in flight at once
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Retries of one request before the import stops (it can then be resumed)
    #[arg(long, default_value_t = 10)]
    pub max_retries: u32,
    /// The longest Retry-After to wait for, in seconds; a longer one stops the import
    #[arg(long, value_name = "SECONDS", default_value = "300", value_parser = seconds)]
    pub max_wait: Duration,
    /// Check the whole file and list the rows that would be rejected; send nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Import the readable rows of a file that has malformed ones (bad UTF-8, wrong field
    /// count, invalid JSON) and report those as REJECTED, instead of refusing the file
    #[arg(long)]
    pub skip_malformed: bool,
    /// Start over instead of resuming: forget what the journal recorded (say, after a wrong
    /// --book) and rewrite the report. Rows sent before are sent again
    #[arg(long)]
    pub restart: bool,
    #[command(flatten)]
    pub connection: Connection,
}

#[derive(Args, Debug)]
pub struct Whats91Args {
    /// The contact book's uid (see `create-book`)
    #[arg(long, value_name = "UID")]
    pub book: String,
    /// Contacts per request
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub batch_size: u16,
    /// Country code for phone numbers written without one, e.g. 91
    #[arg(long, value_name = "CODE")]
    pub default_country_code: Option<String>,
    #[command(flatten)]
    pub import: ImportArgs,
}

#[derive(Args, Debug)]
pub struct KirimArgs {
    /// The WhatsApp phone number id of the account that owns the contacts
    #[arg(long, value_name = "ID")]
    pub phone_number_id: String,
    #[command(flatten)]
    pub import: ImportArgs,
}

#[derive(Args, Debug)]
pub struct WacrArgs {
    /// Contact type for rows without one
    #[arg(long = "type", value_enum, value_name = "TYPE")]
    pub contact_type: Option<ContactTypeArg>,
    /// Source id for rows without one
    #[arg(long, value_name = "ID")]
    pub source_id: Option<i64>,
    /// Status id for rows without one
    #[arg(long, value_name = "ID")]
    pub status_id: Option<i64>,
    #[command(flatten)]
    pub import: ImportArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ContactTypeArg {
    Lead,
    Customer,
    Guest,
}

impl ContactTypeArg {
    pub fn as_str(self) -> &'static str {
        match self {
            ContactTypeArg::Lead => "lead",
            ContactTypeArg::Customer => "customer",
            ContactTypeArg::Guest => "guest",
        }
    }
}

#[derive(Args, Debug)]
pub struct CreateBookArgs {
    /// The book's name
    #[arg(long)]
    pub name: String,
    /// What the book is for
    #[arg(long)]
    pub description: Option<String>,
    /// Dashboard colour, e.g. #0f62fe
    #[arg(long)]
    pub color: Option<String>,
    #[command(flatten)]
    pub connection: Connection,
}

fn seconds(text: &str) -> Result<Duration, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 86_400.0 => Ok(Duration::from_secs_f64(s)),
        _ => Err(format!("`{text}` is not a number of seconds between 0 and 86400")),
    }
}

fn delimiter(text: &str) -> Result<u8, String> {
    match text {
        "\\t" | "tab" => Ok(b'\t'),
        t if t.len() == 1 && t.is_ascii() => Ok(t.as_bytes()[0]),
        _ => Err(format!("`{text}` is not a single ASCII character (use `tab` for a tab)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn import_options_parse() {
        let cli = Cli::try_parse_from([
            "whatsapp-contacts",
            "import",
            "whats91",
            "--book",
            "grp_1",
            "--map",
            "Tel=phone",
            "--timeout",
            "2.5",
            "a.csv",
        ])
        .unwrap();
        let Command::Import { to: ImportTo::Whats91(a) } = cli.command else { panic!("{cli:?}") };
        assert_eq!((a.book.as_str(), a.batch_size, a.import.concurrency), ("grp_1", 1000, 4));
        assert_eq!(a.import.connection.timeout, Duration::from_millis(2500));
        assert_eq!(a.import.maps, ["Tel=phone"]);
        let e = Cli::try_parse_from([
            "whatsapp-contacts",
            "import",
            "whats91",
            "--book",
            "b",
            "--batch-size",
            "1001",
            "a.csv",
        ]);
        assert!(e.is_err(), "more than 1000 per request is refused");
        assert_eq!(delimiter("tab"), Ok(b'\t'));
        assert!(seconds("0").is_err() && seconds("x").is_err());
    }
}
