"""`evaluator score --workers N` against one process: speed, memory, and the same output.

The real command on numbered DEMETR sentence pairs (no line repeats), every check and BERTScore, in a
fresh process per run, ``--workers 1`` and ``--workers N`` alternated for ``rounds`` rounds: wall time
(models loaded in every run, as a user pays them), lines per second, and the peak memory of the whole
process tree (PSS sampled every 0.2 s: the parent, its workers, shared pages counted once).  The two
JSON outputs must be equal but for ``meta`` (time, workers): the rows, the corpus scores and findings.

On a 2-core machine one process runs torch on both cores only for the encoder; spaCy's parser, TER
and the checks are single-threaded Python, so two workers (one torch thread each) keep both cores
busy through them.

    .venv/bin/python -m bench.score_workers [--lines 2000] [--workers 2] [--rounds 2] [--chunk 500]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._common import ENV, EVALUATOR, Figure, Section, demetr_rows, tree_pss_mb

SPEEDUP_TARGET = 1.3  # ours: what a second core should at least give the single-threaded stages


def _write_set(n: int, folder: Path) -> tuple[Path, Path]:
    rows = demetr_rows(2000)
    sents = [(r["original"], r["rewritten"]) for r in rows if any(c.isalpha() for c in r["rewritten"])]
    ref, hyp = folder / "ref.txt", folder / "hyp.txt"
    with ref.open("w", encoding="utf-8") as r, hyp.open("w", encoding="utf-8") as h:
        for i in range(n):
            a, b = sents[i % len(sents)]
            r.write(f"{a} ({i})\n")
            h.write(f"{b} ({i})\n")
    return ref, hyp


def _run(ref: Path, hyp: Path, out: Path, workers: int, chunk: int) -> dict[str, Any]:
    cmd = [EVALUATOR, "score", "--ref", str(ref), "--hyp", str(hyp), "--json", str(out), "-q",
           "--workers", str(workers), "--chunk-size", str(chunk)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, tree_pss_mb(proc.pid))
        time.sleep(0.2)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    return {"wall": wall, "rc": proc.returncode, "pss": peak, "err": err[-400:]}


def _same(a: Path, b: Path) -> bool:
    x, y = (json.loads(p.read_text(encoding="utf-8")) for p in (a, b))
    x.pop("meta", None)
    y.pop("meta", None)
    return bool(x == y)


def run(lines: int = 2000, workers: int = 2, rounds: int = 2, chunk: int = 500) -> Section:
    load = os.getloadavg()[0]
    runs: dict[int, list[dict[str, Any]]] = {1: [], workers: []}
    with tempfile.TemporaryDirectory(prefix="score-workers-") as tmp:
        ref, hyp = _write_set(lines, Path(tmp))
        for _ in range(rounds):
            for w in (1, workers):
                runs[w].append(_run(ref, hyp, Path(tmp) / f"w{w}.json", w, chunk))
        same = _same(Path(tmp) / "w1.json", Path(tmp) / f"w{workers}.json")
    failed = [r for rs in runs.values() for r in rs if r["rc"] != 0]
    med = {w: statistics.median(r["wall"] for r in rs) for w, rs in runs.items()}
    pss = {w: max(r["pss"] for r in rs) for w, rs in runs.items()}
    speedup = med[1] / med[workers]
    out = ["## `evaluator score --workers`: one process vs several", "",
           f"{lines} numbered DEMETR sentence pairs, every check and BERTScore, chunks of {chunk} lines in "
           f"both (chunks are the unit of work; results do not depend on them), "
           f"{os.cpu_count()} CPUs, {rounds} rounds alternated, each run a fresh process (models loaded in "
           f"each); load average {load:.1f} at the start.  Peak memory: PSS of the process tree.", "",
           "| workers | runs (s) | median s | lines/s | peak PSS MB |", "|---:|---|---:|---:|---:|"]
    for w, rs in runs.items():
        walls = ", ".join(f"{r['wall']:.1f}" for r in rs)
        out.append(f"| {w} | {walls} | {med[w]:.1f} | {lines / med[w]:.1f} | {pss[w]:.0f} |")
    out += [f"- a run exited {r['rc']}: `{r['err']}`" for r in failed]
    out += ["", f"Outputs equal but for `meta`: {'yes' if same else '**no**'}."]
    fig = Figure(f"score: {workers} workers vs 1 on {lines:,} lines (speed-up; outputs equal)",
                 f"{speedup:.2f}x; {'equal' if same else 'DIFFER'}", f">= {SPEEDUP_TARGET}x; equal",
                 speedup >= SPEEDUP_TARGET and same and not failed)
    return Section("\n".join(out) + "\n", [fig])


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--lines", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--chunk", type=int, default=500)
    a = ap.parse_args()
    print(run(a.lines, a.workers, a.rounds, a.chunk))
