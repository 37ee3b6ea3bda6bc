"""`python -m bench`: every benchmark of the issue in one run; prints the tables and writes BENCHMARKS.md.

Sections, in order: BERTScore against bert_score (throughput ratio, max |delta F1|, share of the
matmul rate, fast paths), cold start against the bert-score CLI (and the drift checks' time on the
example pair), batch (throughput, peak memory, warm cache), growth (batch pairs, score segments,
alignment document length), score on 10,000 and 100,000 segments (memory per tenth of the set: one
to two hours of the full run), and the drift benchmark (recall, false flags, checks throughput).
Each figure is measured side by side with its comparison inside this one run.  A benchmark that
fails becomes a note in its section, never the end of the run.  ``--quick`` uses small sizes (about
ten minutes on an idle 2-core machine) for development; the full run uses the sizes of the issue.

    .venv/bin/python -m bench [--quick] [--only batch_bench growth] [--out BENCHMARKS.md]
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import importlib
import inspect
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._common import Figure, Section, machine, met  # noqa: E402

# name -> mode -> run() keyword arguments (in-process) or, for "drift_bench", command-line arguments.
PLANS: dict[str, dict[str, Any]] = {
    "bertscore_bench": {"quick": {"pairs": 500, "rounds": 1}, "full": {"pairs": 5000, "rounds": 5}},
    "cold_start": {"quick": {"repeats": 1}, "full": {"repeats": 3}},
    "batch_bench": {"quick": {"pairs": 200}, "full": {"pairs": 2000}},
    "growth": {"quick": {"pairs": (25, 100, 400), "segments": (200, 800, 3200)},
               "full": {"pairs": (100, 400, 1600), "segments": (1000, 4000, 16000)}},
    "align_growth": {"quick": {"sizes": (250, 1000, 4000)}, "full": {"sizes": (500, 2000, 8000)}},
    "score_stream": {"quick": {"segments": (300, 3000)}, "full": {"segments": (10000, 100000)}},
    "score_workers": {"quick": {"lines": 200, "rounds": 1, "chunk": 50},
                      "full": {"lines": 2000, "rounds": 2, "chunk": 500}},
    "drift_bench": {"quick": ["--limit", "20", "--throughput-pairs", "300"],
                    "full": ["--limit", "200", "--throughput-pairs", "2000"]},
}
# Sections that run longer than --timeout allows on a 2-core machine: their own floor, seconds.
# (score_stream's 110,000 segments took 102 min on an AMD EPYC under some load: 3,600 s cut it off
# as its last chunk ended, its table lost.)
MIN_TIMEOUT: dict[str, float] = {"score_stream": 4 * 3600}
_THROUGHPUT_ROW = re.compile(r"^\| throughput \(sentence pairs/s[^|]*\| *([0-9.]+)/s *\|[^|]*\|[^|]*\| *(>=[^|]*?) *\| *"
                             r"(met|\*\*missed\*\*|missed) *\|", re.M)


def run_drift(argv: list[str], timeout: float) -> Section:
    """The drift benchmark (bench/drift_bench.py) as a subprocess; its checks-throughput row is a figure."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp, "drift.md")
        cmd = [sys.executable, "-m", "bench.drift_bench", *argv, "--out", str(out)]
        try:
            proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                                  env=dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1"))
        except subprocess.TimeoutExpired:
            return Section(f"## Drift benchmark\n\n_timed out after {timeout:.0f} s: `{' '.join(cmd[1:])}`_\n")
        body = out.read_text(encoding="utf-8") if out.exists() else proc.stdout
    body = body.strip()
    if not body.lstrip().startswith("#"):
        body = "## Drift benchmark\n\n" + body
    body = re.sub(r"^# ", "## ", body, count=1, flags=re.M)
    if proc.returncode != 0:
        body += f"\n\n_`{' '.join(cmd[1:-2])}` exited {proc.returncode}: {' '.join(proc.stderr.split())[-500:]}_"
    figures = []
    m = _THROUGHPUT_ROW.search(body)
    if m:
        figures.append(Figure("Drift checks throughput (sentence pairs/s, spaCy parse included, one process)",
                              f"{float(m.group(1)):.0f}/s", m.group(2).strip(), m.group(3).strip() == "met"))
    return Section(body + "\n", figures)


def run_isolated(name: str, mode: str, timeout: float) -> Section:
    """One benchmark in a fresh interpreter: its models and memory never touch the next one's figures
    (a child forked from a large process would report the parent's pages as its own peak RSS)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp, "section.json")
        cmd = [sys.executable, "-m", "bench", "--section", name, "--mode", mode, "--json", str(out)]
        try:
            proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                  timeout=timeout, env=dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1"))
        except subprocess.TimeoutExpired:
            return Section(f"## {name}\n\n_timed out after {timeout:.0f} s_\n")
        if proc.returncode != 0 or not out.exists():
            return Section(f"## {name}\n\n_failed (exit {proc.returncode}):_\n\n```\n{proc.stderr[-2000:]}\n```\n")
        data = json.loads(out.read_text(encoding="utf-8"))
    return Section(data["markdown"], [Figure(**f) for f in data["figures"]])


def run_one(name: str, mode: str, timeout: float) -> Section:
    plan = PLANS[name][mode]
    if name == "drift_bench":
        return run_drift(list(plan), timeout)
    try:
        mod = importlib.import_module(f"bench.{name}")
        fn = mod.run
        params = inspect.signature(fn).parameters
        result = fn(**{k: v for k, v in plan.items() if k in params})
    except Exception:  # noqa: BLE001 - a broken benchmark is reported, not fatal
        return Section(f"## {name}\n\n_failed:_\n\n```\n{traceback.format_exc()[-2000:]}\n```\n")
    return result if isinstance(result, Section) else Section(str(result))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, for development")
    ap.add_argument("--only", nargs="*", choices=list(PLANS), help="run only these benchmarks")
    ap.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"), help="where to write the tables")
    ap.add_argument("--timeout", type=float, default=3600, help="per subprocess benchmark, seconds")
    ap.add_argument("--section", choices=list(PLANS), help=argparse.SUPPRESS)  # internal: one section
    ap.add_argument("--mode", choices=("quick", "full"), help=argparse.SUPPRESS)
    ap.add_argument("--json", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    mode = a.mode or ("quick" if a.quick else "full")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    if a.section:
        sec = run_one(a.section, mode, a.timeout)
        payload = {"markdown": sec.markdown, "figures": [dataclasses.asdict(f) for f in sec.figures]}
        Path(a.json).write_text(json.dumps(payload), encoding="utf-8")
        return 0
    started = dt.datetime.now().astimezone()
    load_start = os.getloadavg()
    t0 = time.perf_counter()
    sections: list[tuple[str, Section, float]] = []
    for name in a.only or list(PLANS):
        t = time.perf_counter()
        sys.stderr.write(f"bench: {name} ({mode}) ...\n")
        sys.stderr.flush()
        sec = run_isolated(name, mode, max(a.timeout, MIN_TIMEOUT.get(name, 0.0) if mode == "full" else 0.0))
        took = time.perf_counter() - t
        sec.markdown = sec.markdown.rstrip() + f"\n\n_{name}: {took:.0f} s, load average {os.getloadavg()[0]:.1f} " \
                                                 "at its end._\n"
        sys.stdout.write(sec.markdown + "\n")
        sys.stdout.flush()
        sections.append((name, sec, took))
    load_end = os.getloadavg()
    command = f".venv/bin/python -m bench{' --quick' if a.quick else ''}" + \
              (f" --only {' '.join(a.only)}" if a.only else "")
    head = [
        "# Benchmarks",
        "",
        f"Command: `{command}` (from the repository root). Run {started:%Y-%m-%d %H:%M %Z}, "
        f"{(time.perf_counter() - t0) / 60:.0f} min, {mode} sizes.",
        "",
        f"Machine: {machine()}.",
        "",
        f"Load average (1, 5, 15 min): {', '.join(f'{x:.1f}' for x in load_start)} at the start, "
        f"{', '.join(f'{x:.1f}' for x in load_end)} at the end. A load above the CPU count means other processes "
        "were competing for the cores: wall-clock figures are then pessimistic and noisy (CPU-time columns are "
        "less affected). Rerun on a quiet machine for the figures of record.",
        "",
        "Every figure is measured side by side with its comparison in this one run (alternated where both run "
        "in one process). Details, all runs and method notes are in the sections below.",
        "",
        "## Summary",
        "",
        "| figure | measured | target | status |",
        "|---|---:|---|---|",
    ]
    for _, sec, _ in sections:
        head += [f"| {f.name} | {f.value} | {f.target} | {met(f.met)} |" for f in sec.figures]
    text = "\n".join(head) + "\n\n" + "\n".join(sec.markdown for _, sec, _ in sections)
    from evaluator._atomic import atomic_write_text

    atomic_write_text(Path(a.out), text)
    sys.stderr.write(f"bench: wrote {a.out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
