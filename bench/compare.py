#!/usr/bin/env python3
"""Side-by-side benchmark: our generator against three peer generators on corpus documents.

For every document and every tool this generates a standalone crate, then measures
  * whole-process generation time (median of --runs runs, after one untimed warm-up run),
  * lines of the crate's .rs files under src/ (and the part that is an inline runtime),
  * `cargo check` time of the generated crate alone: dependencies warm (one `cargo check`
    first), then --runs times `touch src/lib.rs && cargo check`, median.
and prints Markdown tables plus the ratio ours / best peer. The report also goes to
target/bench/compare.md. Usage and notes: bench/README.md. Dependency-free (Python 3.11+).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DOCS = [
    "progenitor-nexus.json",
    "spotify-web-api.yaml",
    "twilio-content-v1.yaml",
    "waha-whatsapp-http-api.json",
    "hubspot-crm-contacts-v3.json",
]
TOOLS = ["ours", "progenitor", "ploidy", "openapi-to-rust"]
PEER_CRATES = {"progenitor": "cargo-progenitor", "ploidy": "ploidy", "openapi-to-rust": "openapi-to-rust"}
PEER_BINARIES = {"progenitor": "cargo-progenitor", "ploidy": "ploidy", "openapi-to-rust": "openapi-to-rust"}
TOOLS_DIR = Path(os.environ.get("TOOLS_DIR") or Path(os.environ.get("HOME", "/tmp")) / ".cache/contract-tools")
PEER_BIN = TOOLS_DIR / "cargo" / "bin"


def generator_package() -> str:
    """The generator's package name, read from generator/Cargo.toml (it is being renamed)."""
    try:
        text = (REPO / "generator" / "Cargo.toml").read_text()
        m = re.search(r'^\[package\][^\[]*?^name\s*=\s*"([^"]+)"', text, re.M | re.S)
        if m:
            return m.group(1)
    except OSError:
        pass
    return "openapi-gen"


def default_ours_cmd() -> str:
    # The generated crate depends on this checkout's runtime crate (a dependency, like the peers'
    # runtimes progenitor-client and ploidy-util), so its check measures the generated code alone.
    runtime = REPO / "runtime"
    return (
        f"cargo run --release -q -p {generator_package()} -- generate {{spec}} --out {{out}} --crate {{name}} "
        f"--runtime-path {runtime}"
    )


def direct_ours_cmd(ours_cmd: str) -> str | None:
    """For `cargo run --release ... -- ARGS`: the same ARGS given to the built binary directly, so
    that the report can show the generator's own time beside the one with cargo's start-up."""
    if not ours_cmd.startswith("cargo run") or "--release" not in ours_cmd or " -- " not in ours_cmd:
        return None
    try:
        text = (REPO / "generator" / "Cargo.toml").read_text()
    except OSError:
        return None
    m = re.search(r'^\[\[bin\]\][^\[]*?^name\s*=\s*"([^"]+)"', text, re.M | re.S)
    name = m.group(1) if m else generator_package()
    target = Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target")
    if not target.is_absolute():
        target = REPO / target
    return shlex.join([str(target / "release" / name)]) + " " + ours_cmd.split(" -- ", 1)[1]


# --------------------------------------------------------------------------------------------
# Results


@dataclass
class Cell:
    gen_secs: float | None = None
    gen_direct_secs: float | None = None  # ours only: the built binary run without `cargo run`
    gen_error: str | None = None
    lines: int | None = None
    runtime_lines: int = 0
    files: int = 0
    check_secs: float | None = None
    check_cpu_secs: float | None = None  # user + sys of cargo and rustc: less sensitive to machine load
    check_error: str | None = None
    check_online: bool = False
    notes: list[str] = field(default_factory=list)


def first_error_line(text: str) -> str:
    """The most telling line of a failed command's output."""
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    for i, l in enumerate(lines):  # a panic: its message is on the next line
        if "panicked at" in l:
            return ("panicked: " + (lines[i + 1] if i + 1 < len(lines) else l))[:200]
    for pat in (r"^error(\[E\d+\])?:", r"(?i)\bfail", r"(?i)\berror\b"):
        for l in lines:
            if re.search(pat, l):
                return l[:200]
    return (lines[0][:200] if lines else "no output")


def run(cmd: list[str], cwd: Path, env: dict | None = None, timeout: int = 1800) -> tuple[int, str, float]:
    started = time.perf_counter()
    try:
        p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, errors="replace", timeout=timeout, stdin=subprocess.DEVNULL)
        return p.returncode, p.stdout, time.perf_counter() - started
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        return 124, out + f"\nerror: timed out after {timeout}s", time.perf_counter() - started
    except OSError as e:
        return 127, f"error: cannot run {cmd[0]}: {e}", time.perf_counter() - started


# --------------------------------------------------------------------------------------------
# The tools: how to generate, and how to turn the output into a standalone crate


def crate_name(tool: str, doc: str) -> str:
    stem = re.sub(r"[^a-z0-9]+", "_", Path(doc).stem.lower()).strip("_")
    return f"bench_{tool.replace('-', '_')}_{stem}"


def gen_command(tool: str, spec: Path, out: Path, name: str, ours_cmd: str) -> tuple[list[str], Path]:
    """The command that generates `spec` into `out`, and the directory to run it in."""
    if tool == "ours":
        cmd = [a.format(spec=spec, out=out, name=name) for a in shlex.split(ours_cmd)]
        return cmd, REPO
    if tool == "progenitor":
        # `cargo progenitor ...` is `cargo-progenitor progenitor ...`; calling the binary directly
        # keeps cargo's own start-up out of the peer's time.
        return [str(PEER_BIN / "cargo-progenitor"), "progenitor", "-i", str(spec), "-o", str(out),
                "-n", name, "-v", "0.1.0"], out.parent
    if tool == "ploidy":
        return [str(PEER_BIN / "ploidy"), "generate", "rust", str(spec), "-o", str(out), "--name", name], out.parent
    if tool == "openapi-to-rust":
        # Direct mode writes a module (src/generated/{mod,types,client}.rs + REQUIRED_DEPS.toml),
        # not a crate; finish_crate() wraps it.
        return [str(PEER_BIN / "openapi-to-rust"), "generate", str(spec), "--output-dir",
                str(out / "src" / "generated"), "--module-name", "api", "--quiet"], out.parent
    raise ValueError(tool)


def finish_crate(tool: str, out: Path, name: str) -> list[str]:
    """Makes `out` a crate that builds on its own; returns notes on what had to be done."""
    notes = []
    manifest = out / "Cargo.toml"
    if tool == "openapi-to-rust" and not manifest.exists():
        deps_file = out / "src" / "generated" / "REQUIRED_DEPS.toml"
        deps = deps_file.read_text() if deps_file.exists() else "[dependencies]\n"
        if "[dependencies]" not in deps:
            deps = "[dependencies]\n" + deps
        manifest.write_text(
            f'[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\npublish = false\n\n{deps}\n')
        lib = out / "src" / "lib.rs"
        if not lib.exists():
            lib.write_text("pub mod generated;\n")
        notes.append("crate wrapper (Cargo.toml from REQUIRED_DEPS.toml, lib.rs) written by the bench")
    if manifest.exists():
        text = manifest.read_text()
        if not re.search(r"^\[workspace\]", text, re.M):
            manifest.write_text(text.rstrip("\n") + "\n\n[workspace]\n")
        members = re.search(r"^\[workspace\][^\[]*members", text, re.M | re.S)
        if members:
            notes.append("emits a workspace with members")
    return notes


def runtime_files(tool: str, out: Path) -> list[Path]:
    """The generated files that are a runtime library inlined into the crate (not API-specific)."""
    src = out / "src"
    if tool == "ours":
        return [p for p in [src / "runtime.rs"] if p.exists()] + sorted((src / "runtime").rglob("*.rs"))
    if tool == "progenitor":
        return sorted(p for p in src.rglob("*.rs") if "progenitor_client" in p.name)
    if tool == "openapi-to-rust":
        return [p for p in (src / "generated" / "sse.rs", src / "generated" / "http_error.rs") if p.exists()]
    return []


def count_lines(paths) -> int:
    n = 0
    for p in paths:
        with open(p, "rb") as f:
            n += sum(1 for _ in f)
    return n


# --------------------------------------------------------------------------------------------
# Measuring


def generate(tool: str, spec: Path, out: Path, name: str, runs: int, ours_cmd: str) -> Cell:
    cell = Cell()
    times = []
    for i in range(runs + 1):  # run 0 is the untimed warm-up (builds our binary, fills caches)
        if out.exists():
            shutil.rmtree(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        cmd, cwd = gen_command(tool, spec, out, name, ours_cmd)
        rc, text, secs = run(cmd, cwd)
        produced = (out / "src").is_dir()
        if rc != 0 or not produced:
            cell.gen_error = first_error_line(text) if rc != 0 else f"exit 0 but no {out.name}/src"
            return cell
        if i > 0:
            times.append(secs)
    cell.gen_secs = statistics.median(times)
    direct = direct_ours_cmd(ours_cmd) if tool == "ours" else None
    if direct and Path(shlex.split(direct)[0]).exists():
        times = []
        for _ in range(runs):
            shutil.rmtree(out)
            cmd, cwd = gen_command(tool, spec, out, name, direct)
            rc, text, secs = run(cmd, cwd)
            if rc != 0:  # leave the crate as the measured command wrote it
                times = []
                shutil.rmtree(out, ignore_errors=True)
                run(*gen_command(tool, spec, out, name, ours_cmd))
                break
            times.append(secs)
        cell.gen_direct_secs = statistics.median(times) if times else None
    cell.notes += finish_crate(tool, out, name)
    rs = sorted((out / "src").rglob("*.rs"))
    cell.files = len(rs)
    cell.lines = count_lines(rs)
    cell.runtime_lines = count_lines(runtime_files(tool, out))
    return cell


def cargo_check(out: Path, target: Path, runs: int, jobs: int, cell: Cell) -> None:
    env = dict(os.environ, CARGO_TARGET_DIR=str(target), CARGO_TERM_COLOR="never",
               CARGO_TERM_PROGRESS_WHEN="never")
    base = ["cargo", "check", "-j", str(jobs), "--message-format", "short"]
    rc, text, _ = run(base + ["--offline"], out, env)
    if rc != 0 and re.search(r"(?i)offline|failed to (load|select|download)|no matching package|"
                             r"not (found|available).*registry|attempting to make an HTTP request", text):
        rc, text, _ = run(base, out, env)  # dependencies missing from the local cache: go online once
        cell.check_online = True
    if rc != 0:
        cell.check_error = first_error_line(text)
        return
    times, cpu = [], []
    for _ in range(runs):
        (out / "src" / "lib.rs").touch()
        before = children_cpu()
        rc, text, secs = run(base + ["--offline"], out, env)  # the warm-up fetched what was missing
        if rc != 0:
            cell.check_error = first_error_line(text)
            return
        times.append(secs)
        cpu.append(children_cpu() - before)
    cell.check_secs = statistics.median(times)
    cell.check_cpu_secs = statistics.median(cpu)


def children_cpu() -> float:
    """User + system CPU seconds of all finished (waited-for) child processes and their children."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


# --------------------------------------------------------------------------------------------
# Report


def installed_versions() -> dict[str, str]:
    """crate -> version, from `cargo install --list` of the peers' install root (cargo-progenitor
    has no --version flag: its -v is the generated crate's version)."""
    rc, text, _ = run(["cargo", "install", "--list", "--root", str(PEER_BIN.parent)], REPO, timeout=60)
    return dict(re.findall(r"^(\S+) v(\S+?):?$", text, re.M)) if rc == 0 else {}


def version_of(tool: str, ours_cmd: str, installed: dict[str, str]) -> str:
    if tool == "ours":
        return f"{generator_package()} (this repo at {git_head()}) via `{ours_cmd}`"
    krate = PEER_CRATES[tool]
    return f"{krate} {installed.get(krate, '? (not in cargo install --list)')} ({PEER_BIN / PEER_BINARIES[tool]})"


def git_head() -> str:
    rc, text, _ = run(["git", "log", "-1", "--format=%h %s"], REPO, timeout=30)
    return text.strip()[:70] if rc == 0 else "?"


def fmt_secs(s: float | None) -> str:
    return "—" if s is None else f"{s:.2f} s"


def cell_text(c: Cell | None, metric: str) -> str:
    if c is None:
        return "not run"
    if c.gen_error:
        return f"fails: `{c.gen_error.replace('|', '/')}`"
    if metric == "gen":
        return fmt_secs(c.gen_secs) + (f" (binary alone {fmt_secs(c.gen_direct_secs)})" if c.gen_direct_secs else "")
    if metric == "lines":
        return f"{c.lines:,}" + (f" (runtime {c.runtime_lines:,})" if c.runtime_lines else "")
    if metric == "check":
        if c.check_error:
            return f"fails: `{c.check_error.replace('|', '/')}`"
        return fmt_secs(c.check_secs) + (f" (CPU {fmt_secs(c.check_cpu_secs)})" if c.check_cpu_secs else "")
    raise ValueError(metric)


def value(c: Cell | None, metric: str) -> float | None:
    if c is None or c.gen_error:
        return None
    if metric == "gen":
        return c.gen_secs
    if metric == "gen_direct":
        return c.gen_direct_secs
    if metric == "lines":
        return float(c.lines) if c.lines is not None else None
    if metric == "check":
        return None if c.check_error else c.check_secs
    if metric == "check_cpu":
        return None if c.check_error else c.check_cpu_secs
    return None


def ratio(results: dict, doc: str, metric: str, peers: list[str], ours_metric: str | None = None) -> str:
    ours = value(results.get(("ours", doc)), ours_metric or metric)
    best = [(value(results.get((p, doc)), metric), p) for p in peers]
    best = [(v, p) for v, p in best if v]
    if ours is None or not best:
        return "—"
    v, p = min(best)
    return f"{ours / v:.2f}× ({p})"


def report(results: dict, docs: list[str], tools: list[str], header: list[str], notes: list[str]) -> str:
    peers = [t for t in tools if t != "ours"]
    out = header[:]

    def table(title: str, metric: str) -> None:
        out.append(f"\n### {title}\n")
        out.append("| document | " + " | ".join(tools) + " |")
        out.append("|---|" + "---|" * len(tools))
        for d in docs:
            out.append(f"| {d} | " + " | ".join(cell_text(results.get((t, d)), metric) for t in tools) + " |")

    table("`cargo check` of the generated crate (deps warm, `touch src/lib.rs`, median wall time; "
          "CPU = user+sys of cargo and rustc)", "check")
    table("Lines of `src/**/*.rs` (inline runtime part in parentheses)", "lines")
    table("Generation time (whole process, median)", "gen")
    if "ours" in tools and peers:
        out.append("\n### Ratio ours / best peer (lower is better for ours; best peer in parentheses)\n")
        extra = any(value(results.get(("ours", d)), "gen_direct") for d in docs)
        out.append("| document | check time | check CPU time | lines | generation time |"
                   + (" generation time, our binary alone |" if extra else ""))
        out.append("|---|---|---|---|---|" + ("---|" if extra else ""))
        for d in docs:
            out.append(f"| {d} | {ratio(results, d, 'check', peers)} | {ratio(results, d, 'check_cpu', peers)} | "
                       f"{ratio(results, d, 'lines', peers)} | "
                       f"{ratio(results, d, 'gen', peers)} |"
                       + (f" {ratio(results, d, 'gen', peers, 'gen_direct')} |" if extra else ""))
    if notes:
        out.append("\n### Notes\n")
        out += [f"- {n}" for n in notes]
    return "\n".join(out) + "\n"


def machine_info(args, ours_cmd: str, tools: list[str]) -> list[str]:
    def cmd_out(cmd):
        rc, text, _ = run(cmd, REPO, timeout=60)
        return text.strip() if rc == 0 else "?"
    cpu = "?"
    try:
        for l in open("/proc/cpuinfo"):
            if l.startswith("model name"):
                cpu = l.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for l in open("/proc/meminfo"):
            if l.startswith("MemTotal"):
                mem = f"{int(l.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    load = " ".join(open("/proc/loadavg").read().split()[:3]) if Path("/proc/loadavg").exists() else "?"
    lines = [
        "## Generator comparison",
        "",
        f"- date: {time.strftime('%Y-%m-%d %H:%M:%S %Z')}",
        f"- machine: nproc={os.cpu_count()} ({cmd_out(['nproc'])} available), {cpu}, {mem} RAM, "
        f"{platform.system()} {platform.release()}, load average at start {load}",
        f"- {cmd_out(['rustc', '--version'])}; {cmd_out(['cargo', '--version'])}",
        f"- runs: generation median of {args.runs} (+1 warm-up), check median of {args.runs} "
        f"(+1 warm-up building the deps), cargo -j {args.jobs}, target dirs under {args.target_root}/<tool>",
    ]
    installed = installed_versions()
    for t in tools:
        lines.append(f"- {t}: {version_of(t, ours_cmd, installed)}")
    if "ours" in tools and ours_cmd.startswith("cargo run"):
        # The default command pays for cargo's start-up and freshness check on every run.
        cmd = shlex.split(ours_cmd)
        cmd = cmd[: cmd.index("--")] + ["--", "--help"] if "--" in cmd else cmd
        times = [run(cmd, REPO)[2] for _ in range(4)][1:]
        lines.append(f"- ours: `cargo run` start-up (included in its generation time): median "
                     f"{statistics.median(times):.2f} s for `{' '.join(cmd)}`")
    direct = direct_ours_cmd(ours_cmd)
    if "ours" in tools and direct:
        lines.append(f"- ours, binary alone: `{direct}` (timed after the `cargo run` runs, same document)")
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("docs", nargs="*", help="corpus document names or paths (default: a built-in list of 5)")
    ap.add_argument("--corpus", default=os.environ.get("BENCH_CORPUS", str(REPO / "tests" / "corpus")),
                    help="where bare document names are looked up (env BENCH_CORPUS; default tests/corpus)")
    ap.add_argument("--ours-cmd", default=os.environ.get("BENCH_OURS_CMD") or default_ours_cmd(),
                    help="our generator's command, run from the repo root, with {spec} {out} {name} placeholders "
                         "(env BENCH_OURS_CMD)")
    ap.add_argument("--tools", default=",".join(TOOLS), help=f"comma-separated subset of {','.join(TOOLS)}")
    ap.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "3")))
    ap.add_argument("--jobs", type=int, default=int(os.environ.get("BENCH_JOBS", "2")), help="cargo -j (default 2)")
    ap.add_argument("--target-root", default=os.environ.get("BENCH_TARGET_ROOT", "/tmp/bench-target"),
                    help="one CARGO_TARGET_DIR per tool below this (env BENCH_TARGET_ROOT)")
    ap.add_argument("--work", default=os.environ.get("BENCH_WORK", "/tmp/bench-work"),
                    help="where the generated crates are written (env BENCH_WORK)")
    ap.add_argument("--no-check", action="store_true", help="skip the cargo check measurements")
    ap.add_argument("--out", default=str(REPO / "target" / "bench" / "compare.md"), help="report file")
    args = ap.parse_args()

    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    bad = [t for t in tools if t not in TOOLS]
    if bad:
        ap.error(f"unknown tool(s) {bad}; choose from {TOOLS}")
    corpus = Path(args.corpus)
    docs = args.docs or DEFAULT_DOCS
    specs = {}
    for d in docs:
        p = Path(d) if ("/" in d and Path(d).exists()) else corpus / d
        if not p.exists():
            ap.error(f"document not found: {p}")
        specs[p.name] = p.resolve()
    docs = list(specs)
    for t in tools:
        if t != "ours":
            binary = PEER_BINARIES[t]
            if not (PEER_BIN / binary).exists():
                print(f"compare: {PEER_BIN / binary} is missing: run bash bench/install-peers.sh", file=sys.stderr)
                return 2

    header = machine_info(args, args.ours_cmd, tools)
    print("\n".join(header) + "\n", flush=True)
    work, target_root = Path(args.work), Path(args.target_root)
    results: dict[tuple[str, str], Cell] = {}
    notes: list[str] = []
    # Document by document, every tool in turn: the numbers compared within one row are taken
    # close together, so a change in the machine's load skews a row's ratios less.
    for d in docs:
        for t in tools:
            out = work / t / crate_name(t, d)
            print(f"[{t}] {d}: generating", end="", flush=True)
            c = generate(t, specs[d], out, crate_name(t, d), args.runs, args.ours_cmd)
            results[(t, d)] = c
            if c.gen_error:
                print(f" -> fails: {c.gen_error}", flush=True)
                continue
            print(f" {c.gen_secs:.2f}s, {c.lines} lines in {c.files} files", end="", flush=True)
            if not args.no_check:
                print("; checking", end="", flush=True)
                cargo_check(out, target_root / t, args.runs, args.jobs, c)
                print(f" -> {cell_text(c, 'check')}", flush=True)
            for n in c.notes:
                if f"{t}: {n}" not in notes:
                    notes.append(f"{t}: {n}")
            if c.check_online:
                notes.append(f"{t}/{d}: dependencies were not all cached, the warm-up check went online")
    if not args.no_check:
        after = " ".join(open("/proc/loadavg").read().split()[:3]) if Path("/proc/loadavg").exists() else "?"
        notes.append(f"load average at the end {after} (other builds on the machine inflate the times)")
    text = report(results, docs, tools, header, notes)
    print("\n" + text[len("\n".join(header)) + 1:])
    out_file = Path(args.out)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(text)
    print(f"written to {out_file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
