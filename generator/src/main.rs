//! `oas-client-gen`: regenerate the workspace's client crate, check it is fresh, generate any
//! spec into any directory, or report what changed between two versions of a spec.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use oas_client_gen::{diagnostic, standalone_crate, write, Error, Module, RuntimeSource};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Typed async Rust clients from OpenAPI 3.0/3.1 documents.
///
/// Without a command: regenerate `generated/src/` from every document in `spec/` (found from the
/// current directory upwards).
#[derive(Parser)]
#[command(name = "oas-client-gen", version, args_conflicts_with_subcommands = true)]
struct Cli {
    /// Change nothing; exit 1 naming every stale file.
    #[arg(long)]
    check: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Generate clients for the given documents into a directory.
    Generate(GenerateArgs),
    /// What changed between two versions of a document, for users of the generated client.
    Diff(DiffArgs),
    /// Generate, build and round-trip every example each document carries through its generated
    /// type; report each example, the places left untyped, and a table.
    #[cfg(feature = "verify")]
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
                Some(e) => eprint!("{}", diagnostic::error(e, style())),
                None => eprintln!("error: {e}"),
            }
            ExitCode::from(2)
        }
    }
}

/// Colored diagnostics on a terminal, unless `NO_COLOR` is set.
fn style() -> diagnostic::Style {
    use std::io::IsTerminal;
    match std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        true => diagnostic::Style::Colored,
        false => diagnostic::Style::Plain,
    }
}

/// `spec/*` → `generated/src/` of the workspace around the current directory.
fn workspace(check: bool) -> Result<bool, Box<dyn std::error::Error>> {
    let root = workspace_root()?;
    let specs = spec_files(&root.join("spec"))?;
    let labels: Vec<String> =
        specs.iter().map(|p| format!("spec/{}", p.file_name().unwrap_or_default().to_string_lossy())).collect();
    let modules = modules(&specs, &labels, RuntimeSource::Crate)?;
    let mut files = write::Files::new();
    for m in &modules {
        for (rel, text) in &m.files {
            files.insert(Path::new("src").join(rel), text.clone());
        }
    }
    finish(&root.join("generated"), &files, &[PathBuf::from("src")], &modules, check)
}

fn generate(args: GenerateArgs) -> Result<bool, Box<dyn std::error::Error>> {
    let labels: Vec<String> = args.specs.iter().map(|p| p.display().to_string()).collect();
    let source = match args.runtime {
        Runtime::Crate => RuntimeSource::Crate,
        Runtime::Inline => RuntimeSource::Inline,
    };
    let modules = modules(&args.specs, &labels, source)?;
    let files = match &args.crate_name {
        Some(name) => standalone_crate(name, &modules, source, args.runtime_path.as_deref())?,
        None => {
            let mut files = write::Files::new();
            if source == RuntimeSource::Inline {
                files.extend(oas_client_gen::inline_runtime_files());
            }
            for m in &modules {
                files.extend(m.files.iter().map(|(rel, text)| (rel.clone(), text.clone())));
            }
            files.into_iter().map(|(rel, text)| (Path::new("src").join(rel), text)).collect()
        }
    };
    finish(&args.out, &files, &[], &modules, args.check)
}

/// Generates each document, printing its warnings; two documents may not share a module name.
fn modules(specs: &[PathBuf], labels: &[String], source: RuntimeSource) -> Result<Vec<Module>, Error> {
    let mut modules: Vec<Module> = Vec::new();
    for (spec, label) in specs.iter().zip(labels) {
        let m = oas_client_gen::generate_module(spec, label, source)?;
        eprint!("{}", diagnostic::warnings(spec, &m.warnings, style()));
        if let Some(j) = modules.iter().position(|n| n.name == m.name) {
            return Err(Error::new(
                spec,
                "",
                format!("module name `{}` is also used by {}", m.name, specs[j].display()),
            ));
        }
        modules.push(m);
    }
    Ok(modules)
}

/// Writes `files` under `out` (or, with `check`, reports what differs).
fn finish(
    out: &Path,
    files: &write::Files,
    owned: &[PathBuf],
    modules: &[Module],
    check: bool,
) -> Result<bool, Box<dyn std::error::Error>> {
    let summary: Vec<String> =
        modules.iter().map(|m| format!("{} ({} operations, {} types)", m.name, m.operations, m.types)).collect();
    if check {
        let stale = write::check(out, files, owned);
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
    let changed = write::write(out, files, owned)?;
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

fn diff(args: DiffArgs) -> Result<bool, Box<dyn std::error::Error>> {
    let report = oas_client_gen::diff::diff_files(&args.old, &args.new)?;
    match args.format {
        Format::Markdown => print!("{}", report.markdown(&args.version)),
        Format::Text => {
            print!("{report}");
            let next = report.next_version(&args.version).map(|v| format!(" → {v}")).unwrap_or_default();
            println!("Version {}{next}: bump: {}", args.version, report.bump(&args.version));
        }
    }
    Ok(true)
}

/// Exit 0 when every valid example round-trips, 1 when some do not (or a document did not build).
#[cfg(feature = "verify")]
fn verify(args: VerifyArgs) -> Result<bool, Box<dyn std::error::Error>> {
    use oas_client_gen::verify;
    let opts = verify::Options::default_for(args.keep);
    let report = verify::verify(&args.specs, &opts, &mut |step| eprintln!("verify: {step}"))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.details());
        println!("\n{}", report.table());
        let total = report.total();
        println!(
            "{} of {} valid examples round-trip ({:.1}%); {} invalid, {} skipped",
            total.round_tripped,
            total.valid,
            total.rate(),
            total.invalid,
            total.skipped
        );
    }
    Ok(report.failures().is_empty() && report.documents.iter().all(|d| d.error.is_none()))
}
