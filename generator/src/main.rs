//! `oas-client-gen`: regenerate the workspace's client crate, check it is fresh, generate any
//! spec into any directory, or report what changed between two versions of a spec.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use oas_client_gen::{Bump, Error, Generated, Generator, RuntimeSource, Style};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Typed async Rust clients from OpenAPI 3.0/3.1 documents.
///
/// Without a command: regenerate `generated/src/` from every document in `spec/` (found from the
/// current directory upwards).
#[derive(Parser)]
#[command(name = "oas-client-gen", version, args_conflicts_with_subcommands = true, after_help = EXIT_CODES)]
struct Cli {
    /// Change nothing; exit 1 naming every stale file.
    #[arg(long)]
    check: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

/// Exit codes of every command (each command's `--help` says what its 1 means).
const EXIT_CODES: &str = "Exit codes: 0 success; 1 a check or gate failed (see each command's --help); \
2 an error (bad arguments, a document that cannot be read or generated, a file in the way).";

#[derive(Subcommand)]
enum Command {
    /// Generate clients for the given documents into a directory.
    ///
    /// Prints, per document, how many of its operations were generated, and lists each skipped
    /// operation and each place left untyped (any JSON value), with the reason. Writes and removes
    /// only files that carry its `@generated` marker.
    #[command(after_help = "Exit codes:\n  \
        0  written (with --check: everything is up to date)\n  \
        1  --check: a file is stale; --strict: an operation was skipped or a schema could not be typed \
        (the files are written all the same)\n  \
        2  an error, and nothing is written: a document cannot be read or generated; a document declares \
        operations but none could be generated (unless --allow-empty); a file in the way was not written by \
        oas-client-gen (unless --overwrite)")]
    Generate(GenerateArgs),
    /// What changed between two versions of a document, for users of the generated client.
    #[command(after_help = "Exit codes:\n  \
        0  the report was printed (and, with --fail-on, the bump is below that level)\n  \
        1  --fail-on: the changes reach that level (`--fail-on major` fails on a breaking change, also \
        before 1.0)\n  \
        2  an error: a document cannot be read or generated")]
    Diff(DiffArgs),
    /// Generate, build and round-trip every example each document carries through its generated
    /// type; report each example, the places left untyped, and a table.
    #[cfg(feature = "verify")]
    #[command(after_help = "Exit codes:\n  \
        0  every valid example round-trips (a document without examples says so, and passes)\n  \
        1  an example does not round-trip, or a document's crate does not build or generate; with \
        --strict also when a document's own example is invalid against its schema\n  \
        2  an error before anything was verified (bad arguments, the work directory)")]
    Verify(VerifyArgs),
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

#[derive(clap::Args)]
struct GenerateArgs {
    /// OpenAPI documents (YAML or JSON); each becomes one module named after its file.
    #[arg(required = true)]
    specs: Vec<PathBuf>,
    /// Output directory: the modules go to `<out>/src/`.
    #[arg(long, short)]
    out: PathBuf,
    /// Write a whole crate with this name (Cargo.toml, src/lib.rs), not only the modules.
    #[arg(long = "crate", value_name = "NAME")]
    crate_name: Option<String>,
    /// Where generated code finds its runtime.
    #[arg(long, value_enum, default_value_t = Runtime::Crate)]
    runtime: Runtime,
    /// With `--crate` and `--runtime crate`: depend on the runtime at this path (a checkout)
    /// instead of crates.io.
    #[arg(long, value_name = "PATH")]
    runtime_path: Option<String>,
    /// Change nothing; exit 1 naming every stale file.
    #[arg(long)]
    check: bool,
    /// Exit 1 when an operation was skipped or a schema could not be typed (for CI).
    #[arg(long)]
    strict: bool,
    /// Write the crate even when a document declares operations and none could be generated.
    #[arg(long)]
    allow_empty: bool,
    /// Replace files in the way that oas-client-gen did not write (a hand-written `Cargo.toml` or
    /// `src/lib.rs`); without it such a file stops the run before anything is written.
    #[arg(long)]
    overwrite: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Runtime {
    /// Depend on the `oas-client-runtime` crate.
    Crate,
    /// Copy the runtime into the crate (`src/runtime/`), for a crate with no such dependency.
    Inline,
}

#[derive(clap::Args)]
struct DiffArgs {
    /// The document as it was.
    old: PathBuf,
    /// The document as it is now.
    new: PathBuf,
    /// The generated crate's current version, for the semver bump.
    #[arg(long, default_value = "0.1.0")]
    version: String,
    /// `text`: every change and the bump; `markdown`: a changelog entry for the next version.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit 1 when the changes reach this level (for CI): `major` a breaking change, `minor` an
    /// addition or change, `patch` documentation; judged as for a 1.x crate, whatever `--version`
    /// says (before 1.0 the bump shifts down one level, yet a breaking change is still breaking).
    #[arg(long, value_enum, value_name = "LEVEL")]
    fail_on: Option<Level>,
}

/// A semver level for `diff --fail-on`.
#[derive(Clone, Copy, ValueEnum)]
enum Level {
    Major,
    Minor,
    Patch,
}

impl From<Level> for Bump {
    fn from(level: Level) -> Bump {
        match level {
            Level::Major => Bump::Major,
            Level::Minor => Bump::Minor,
            Level::Patch => Bump::Patch,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Markdown,
}

#[cfg(feature = "verify")]
#[derive(clap::Args)]
struct VerifyArgs {
    /// OpenAPI documents (YAML or JSON).
    #[arg(required = true)]
    specs: Vec<PathBuf>,
    /// Write the verification crates (one workspace) to this directory and keep them there; by
    /// default they live under the build directory as a cache.
    #[arg(long, value_name = "DIR")]
    keep: Option<PathBuf>,
    /// Print the report as JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Also exit 1 when a document's own example is invalid against its schema (for spec authors).
    #[arg(long)]
    strict: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => workspace(cli.check),
        Some(Command::Generate(args)) => generate(args),
        Some(Command::Diff(args)) => diff(args),
        #[cfg(feature = "verify")]
        Some(Command::Verify(args)) => verify(args),
        Some(Command::Completions { shell }) => {
            clap_complete::generate(shell, &mut Cli::command(), "oas-client-gen", &mut std::io::stdout());
            Ok(true)
        }
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            match e.downcast_ref::<Error>() {
                Some(e) => eprint!("{}", e.render(style())),
                None => eprintln!("error: {e}"),
            }
            ExitCode::from(2)
        }
    }
}

/// Colored diagnostics on a terminal, unless `NO_COLOR` is set.
fn style() -> Style {
    use std::io::IsTerminal;
    match std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        true => Style::Colored,
        false => Style::Plain,
    }
}

/// `spec/*` → `generated/src/` of the workspace around the current directory.
fn workspace(check: bool) -> Result<bool, Box<dyn std::error::Error>> {
    let root = workspace_root()?;
    let specs = spec_files(&root.join("spec"))?;
    let generated = Generator::new().labels_relative_to(&root).prune(true).generate(&specs)?;
    report(&generated);
    finish(&root.join("generated"), &generated, check)
}

fn generate(args: GenerateArgs) -> Result<bool, Box<dyn std::error::Error>> {
    let mut generator = Generator::new()
        .runtime(match args.runtime {
            Runtime::Crate => RuntimeSource::Crate,
            Runtime::Inline => RuntimeSource::Inline,
        })
        .allow_empty(args.allow_empty)
        .overwrite(args.overwrite);
    if let Some(name) = args.crate_name {
        generator = generator.crate_name(name);
    }
    if let Some(path) = args.runtime_path {
        generator = generator.runtime_path(path);
    }
    let generated = generator.generate(&args.specs)?;
    report(&generated);
    let written = finish(&args.out, &generated, args.check)?;
    if args.strict && !generated.is_complete() {
        eprintln!("--strict: operations were skipped or schemas left untyped (listed above)");
        return Ok(false);
    }
    Ok(written)
}

/// Prints each document's warnings, then per document the operations generated of those
/// declared, each skipped operation and each untyped place with its reason.
fn report(generated: &Generated) {
    for m in generated.modules() {
        eprint!("{}", m.render_warnings(style()));
    }
    for m in generated.modules() {
        let declared = m.operations + m.skipped.len();
        println!(
            "{}: {} of {declared} operations, {} types, {} untyped place(s)",
            m.name,
            m.operations,
            m.types,
            m.untyped.len()
        );
        for s in &m.skipped {
            println!("  skipped {}: {} (at {})", s.operation, s.reason, s.location);
        }
        for u in &m.untyped {
            println!("  untyped {}: {}", u.location, u.reason.label());
        }
    }
}

/// Writes the files under `out` (or, with `check`, reports what differs).
fn finish(out: &Path, generated: &Generated, check: bool) -> Result<bool, Box<dyn std::error::Error>> {
    let summary: Vec<&str> = generated.modules().iter().map(|m| m.name.as_str()).collect();
    if check {
        let stale = generated.stale(out)?;
        if stale.is_empty() {
            println!("{} is up to date with {}", out.display(), summary.join(", "));
            return Ok(true);
        }
        for f in &stale {
            eprintln!("stale: {}", out.join(f).display());
        }
        eprintln!("{} file(s) are out of date: run `cargo run -p oas-client-gen` and commit the result", stale.len());
        return Ok(false);
    }
    let started = std::time::Instant::now();
    let changed = generated.write(out)?;
    println!(
        "generated {} in {} ({} file(s) changed, {:.2}s)",
        summary.join(", "),
        out.display(),
        changed.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(true)
}

/// The nearest directory upwards holding both `spec/` and `generated/`.
fn workspace_root() -> Result<PathBuf, String> {
    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    cwd.ancestors().find(|d| d.join("spec").is_dir() && d.join("generated").is_dir()).map(Path::to_path_buf).ok_or_else(
        || format!("no directory holding spec/ and generated/ above {}; use `oas-client-gen generate`", cwd.display()),
    )
}

/// Every OpenAPI document in `dir`, sorted so output order never depends on the file system.
fn spec_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json"))
        .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("redocly")))
        .collect();
    specs.sort();
    if specs.is_empty() {
        return Err(format!("no .yaml, .yml or .json documents in {}", dir.display()));
    }
    Ok(specs)
}

/// Exit 1 with `--fail-on` when the changes reach that level.
fn diff(args: DiffArgs) -> Result<bool, Box<dyn std::error::Error>> {
    let report = Generator::diff(&args.old, &args.new)?;
    let bump = report.bump(&args.version);
    let implied = report.bump("1.0.0");
    match args.format {
        Format::Markdown => print!("{}", report.markdown(&args.version)),
        Format::Text => {
            print!("{report}");
            let next = report.next_version(&args.version).map(|v| format!(" → {v}")).unwrap_or_default();
            println!("Version {}{next}: bump: {bump}", args.version);
        }
    }
    match args.fail_on.map(Bump::from) {
        Some(level) if implied >= level => {
            eprintln!("--fail-on {level}: the changes imply a {implied} bump (as for a 1.x crate)");
            Ok(false)
        }
        _ => Ok(true),
    }
}

/// Exit 0 when every valid example round-trips, 1 when some do not (or a document did not build,
/// or, with `--strict`, a document's own example is invalid).
#[cfg(feature = "verify")]
fn verify(args: VerifyArgs) -> Result<bool, Box<dyn std::error::Error>> {
    let opts = oas_client_gen::VerifyOptions::default_for(args.keep);
    let report = Generator::verify(&args.specs, &opts, &mut |step| eprintln!("verify: {step}"))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.details());
        println!("\n{}", report.table());
        let total = report.total();
        println!(
            "{} of {} valid examples round-trip ({}); {} invalid, {} skipped",
            total.round_tripped,
            total.valid,
            total.rate_label(),
            total.invalid,
            total.skipped
        );
    }
    let invalid = report.total().invalid;
    if args.strict && invalid > 0 {
        eprintln!("--strict: {invalid} of the documents' own examples are invalid against their schemas");
    }
    Ok(report.failures().is_empty()
        && report.documents.iter().all(|d| d.error.is_none())
        && !(args.strict && invalid > 0))
}
