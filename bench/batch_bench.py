"""Batch throughput: DEMETR dev pairs through the real `evaluator batch` command, cold and with a warm cache.

Every run is a fresh `evaluator batch` process (every check on), measured from outside: wall and CPU
time, the peak RSS of its largest process and the peak PSS of its whole process tree (worker
processes included, shared pages counted once), and when ``results.jsonl`` got its first line, so
"steady" pairs/s (first result to exit) can be told from start-up (imports, models, first chunk).

Runs, for ``--workers 1`` and ``--workers 2`` (one worker process per core of a 2-core machine):
cold (empty cache folder), then the same batch again into a fresh output folder with the cache the
cold run filled ("warm": unchanged pairs are served from the stored reports, see evaluator/cache.py),
and, for 2 workers, warm with stored reports turned off (``EVALUATOR_REPORT_CACHE=0``: encodings and
parses come from the cache, everything else is computed again).

Targets: >= 40 pairs/s on 2 cores, peak memory <= 2 GB, warm >= 3x faster than cold.

    .venv/bin/python -m bench.batch_bench [--pairs 2000] [--workers 1 2]
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from bench._common import ENV, EVALUATOR, Figure, Section, demetr_rows, measure, met, write_manifest

THROUGHPUT_TARGET = 40.0
MEMORY_TARGET_MB = 2048.0
WARM_TARGET = 3.0


def batch_cmd(manifest: Path, out: Path, cache: Path | None, workers: int = 1) -> list[str]:
    cmd = [EVALUATOR, "batch", str(manifest), "--out", str(out), "-q", "--workers", str(workers)]
    return cmd + (["--cache", str(cache)] if cache is not None else [])


def _steady(m: dict[str, Any]) -> float:
    """Pairs/s from the first result line to the end of the process (NaN when it cannot be told)."""
    if not m.get("first_line") or m["lines"] < 2:
        return float("nan")
    return (m["lines"] - 1) / max(m["wall"] - m["first_line"], 1e-9)


def run(pairs: int = 2000, workers: tuple[int, ...] = (1, 2), timeout: float = 3600) -> Section:
    rows = demetr_rows(pairs)
    load = os.getloadavg()[0]
    runs: list[tuple[str, dict[str, Any], int]] = []
    by: dict[tuple[str, int], dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="batch-bench-") as tmp:
        t = Path(tmp)
        manifest = write_manifest(rows, t / "pairs.jsonl")
        one = write_manifest(rows[:1], t / "one.jsonl")
        start = measure(batch_cmd(one, t / "o0", None), timeout=600, watch=t / "o0" / "results.jsonl")
        runs.append(("start-up: 1 pair, 1 worker, no cache", start, 1))
        for w in workers:
            cache = t / f"cache{w}"
            out = t / f"cold{w}"
            by["cold", w] = measure(batch_cmd(manifest, out, cache, w), timeout, out / "results.jsonl")
            runs.append((f"cold, {w} worker(s), empty cache", by["cold", w], len(rows)))
            if w == workers[0]:
                summary = json.loads((out / "summary.json").read_text()) if (out / "summary.json").exists() else {}
                cache_mb = sum(f.stat().st_size for f in cache.glob("*")) / 2**20
            out = t / f"warm{w}"
            by["warm", w] = measure(batch_cmd(manifest, out, cache, w), timeout, out / "results.jsonl")
            runs.append((f"warm, {w} worker(s): same batch again, same cache", by["warm", w], len(rows)))
            if w == max(workers):
                out = t / f"warm-noreports{w}"
                env = dict(ENV, EVALUATOR_REPORT_CACHE="0")
                by["warm-noreports", w] = measure(batch_cmd(manifest, out, cache, w), timeout,
                                                  out / "results.jsonl", env=env)
                runs.append((f"warm, {w} worker(s), stored reports off (encodings + parses cached)",
                             by["warm-noreports", w], len(rows)))
    lines = [
        f"## Batch: {len(rows)} DEMETR dev pairs through `evaluator batch` (every check)",
        "",
        f"{os.cpu_count()} CPUs, load average {load:.1f} at the start. Pairs scored ok in the first cold run: "
        f"{summary.get('pairs', {}).get('ok', '?')}; its cache folder: {cache_mb:.0f} MB. *Steady* is pairs/s from "
        "the first result line to the end of the process (start-up excluded); *PSS* sums the whole process tree.",
        "",
        "| run | wall s | CPU s | pairs/s (whole run) | pairs/s (steady) | peak RSS MB (largest process) | "
        "peak PSS MB (all processes) | exit |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, m, n in runs:
        lines.append(f"| {name} | {m['wall']:.1f} | {m['cpu']:.1f} | {n / m['wall']:.1f} | {_steady(m):.1f} | "
                     f"{m['rss_mb']:.0f} | {m['pss_mb']:.0f} | {m['rc']} |")
    for name, m, _ in runs:
        if m["rc"] not in (0, 1):
            lines.append(f"\n- {name} exited {m['rc']}: `{' '.join(m['stderr'].split())[-300:]}`")
    w = max(workers)
    cold, warm = by["cold", w], by["warm", w]
    rate = len(rows) / cold["wall"]
    peak = max(m["pss_mb"] for _, m, _ in runs)
    speedup = cold["wall"] / warm["wall"]
    figures = [
        Figure(f"Batch throughput, {len(rows)} DEMETR pairs, every check, `--workers {w}` (whole run)",
               f"{rate:.1f} pairs/s (steady {_steady(cold):.1f})", f">= {THROUGHPUT_TARGET:.0f} pairs/s",
               rate >= THROUGHPUT_TARGET),
        Figure("Batch peak memory (PSS of all processes, any run above)", f"{peak:.0f} MB",
               f"<= {MEMORY_TARGET_MB:.0f} MB", peak <= MEMORY_TARGET_MB),
        Figure(f"Batch again with a warm cache, speed-up (whole run, `--workers {w}`)", f"{speedup:.1f}x",
               f">= {WARM_TARGET:.0f}x", speedup >= WARM_TARGET),
    ]
    if ("warm-noreports", w) in by:
        nr = by["warm-noreports", w]
        figures.append(Figure("… same, stored reports off (encodings + parses from the cache)",
                              f"{cold['wall'] / nr['wall']:.1f}x", "(shown for reference)", None))
    lines += ["", "| figure | measured | target | |", "|---|---:|---|---|"]
    lines += [f"| {f.name} | {f.value} | {f.target} | {met(f.met)} |" for f in figures]
    return Section("\n".join(lines) + "\n", figures)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=2000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    a = ap.parse_args()
    print(run(a.pairs, tuple(a.workers)))
