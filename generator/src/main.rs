//! `openapi-gen`: regenerate the workspace's client crate, check it is fresh, generate any
//! spec into any directory, or report what changed between two versions of a spec.

use openapi_gen::{load, runtime_file, standalone_crate, write, Error, Module};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage:
  openapi-gen [--check]
      regenerate generated/src/ from every document in spec/ (found from the current directory
      upwards); with --check, change nothing and exit 1 naming every stale file
  openapi-gen --spec FILE [--spec FILE ...] --out DIR [--crate NAME] [--check]
      generate the given documents as modules under DIR/src/ (with --crate: a whole crate
      with Cargo.toml and src/lib.rs)
  openapi-gen diff OLD NEW [--version X.Y.Z]
      what changed for users of the generated client, each change breaking or not, and the
      semver bump it implies for a crate now at --version (default 0.1.0)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("diff") => diff(&args[1..]),
        Some("-h" | "--help") => {
            println!("{USAGE}");
            Ok(true)
        }
        _ => generate(&args),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

struct Options {
    specs: Vec<PathBuf>,
    out: Option<PathBuf>,
    crate_name: Option<String>,
    check: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options { specs: Vec::new(), out: None, crate_name: None, check: false };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |flag: &str| it.next().cloned().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"));
        match a.as_str() {
            "--check" => o.check = true,
            "--spec" => o.specs.push(PathBuf::from(value("--spec")?)),
            "--out" => o.out = Some(PathBuf::from(value("--out")?)),
            "--crate" => o.crate_name = Some(value("--crate")?),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    if o.specs.is_empty() != o.out.is_none() {
        return Err(format!("--spec and --out go together\n{USAGE}"));
    }
    Ok(o)
}

fn generate(args: &[String]) -> Result<bool, Box<dyn std::error::Error>> {
    let opts = parse(args)?;
    let started = std::time::Instant::now();
    let (out, specs, labels, owned, crate_name) = match opts.out {
        Some(out) => {
            let labels = opts.specs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>();
            (out, opts.specs, labels, Vec::new(), opts.crate_name)
        }
        None => {
            let root = workspace_root()?;
            let specs = spec_files(&root.join("spec"))?;
            let labels =
                specs.iter().map(|p| format!("spec/{}", p.file_name().unwrap_or_default().to_string_lossy())).collect();
            (root.join("generated"), specs, labels, vec![PathBuf::from("src")], None)
        }
    };
    let mut modules = Vec::new();
    for (spec, label) in specs.iter().zip(&labels) {
        let m = openapi_gen::generate_module(spec, label)?;
        for w in &m.warnings {
            eprintln!("warning: {}: {w}", spec.display());
        }
        modules.push(m);
    }
    check_unique(&modules, &specs)?;
    let files = match &crate_name {
        Some(name) => standalone_crate(name, &modules)?,
        None => {
            let mut files = write::Files::new();
            let (rt, text) = runtime_file();
            files.insert(Path::new("src").join(rt), text);
            for m in &modules {
                for (rel, text) in &m.files {
                    files.insert(Path::new("src").join(rel), text.clone());
                }
            }
            files
        }
    };
    let summary: Vec<String> =
        modules.iter().map(|m| format!("{} ({} operations, {} types)", m.name, m.operations, m.types)).collect();
    if opts.check {
        let stale = write::check(&out, &files, &owned);
        if stale.is_empty() {
            println!("{} is up to date with {}", out.display(), summary.join(", "));
            return Ok(true);
        }
        for f in &stale {
            eprintln!("stale: {}", out.join(f).display());
        }
        eprintln!("{} file(s) are out of date: run `cargo run -p openapi-gen` and commit the result", stale.len());
        return Ok(false);
    }
    let changed = write::write(&out, &files, &owned)?;
    println!(
        "generated {} in {} ({} file(s) changed, {:.2}s)",
        summary.join(", "),
        out.display(),
        changed.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(true)
}

/// Two specs with the same module name would overwrite each other.
fn check_unique(modules: &[Module], specs: &[PathBuf]) -> Result<(), Error> {
    for (i, m) in modules.iter().enumerate() {
        if let Some(j) = modules[..i].iter().position(|n| n.name == m.name) {
            return Err(Error::new(
                &specs[i],
                "",
                format!("module name `{}` is also used by {}", m.name, specs[j].display()),
            ));
        }
    }
    Ok(())
}

/// The nearest directory upwards holding both `spec/` and `generated/`.
fn workspace_root() -> Result<PathBuf, String> {
    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    cwd.ancestors().find(|d| d.join("spec").is_dir() && d.join("generated").is_dir()).map(Path::to_path_buf).ok_or_else(
        || format!("no directory holding spec/ and generated/ above {}; use --spec and --out", cwd.display()),
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

fn diff(args: &[String]) -> Result<bool, Box<dyn std::error::Error>> {
    let mut paths = Vec::new();
    let mut version = "0.1.0".to_string();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--version" => version = it.next().cloned().ok_or("--version needs a value")?,
            other => paths.push(PathBuf::from(other)),
        }
    }
    let [old, new] = paths.as_slice() else {
        return Err(format!("diff takes two documents\n{USAGE}").into());
    };
    let old_doc = load::load_file(old)?.doc;
    let new_doc = load::load_file(new)?.doc;
    let report = openapi_gen::diff::diff(&old_doc, &new_doc);
    println!("{report}");
    println!("Version {version} → bump: {}", report.bump(&version));
    Ok(true)
}
