"""Time and peak memory of ``evaluator.align.align`` at 1x, 4x and 16x document length.

Each size runs in a fresh subprocess so its peak RSS is its own.  Documents are synthetic: random
unit vectors (MiniLM's 384 dimensions) for the original, and a rewrite that keeps each sentence
with noise (cosine ~0.85), drops 3 % and inserts 3 % unrelated sentences, so the path drifts off
the diagonal.  ``banded`` forces the coarse-to-fine band (``window=DEFAULT_WINDOW``); ``auto`` is
what the pipeline gets (full matrix below ``FULL_MATRIX_CELLS`` cells).

    .venv/bin/python bench/align_growth.py [--sizes 500 2000 8000] [--tracemalloc]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench._common import Figure, Section, met

CHILD = r"""
import json, resource, sys, time, tracemalloc
import numpy as np
from evaluator.align import DEFAULT_WINDOW, FULL_MATRIX_CELLS, _band, align
from evaluator.types import Document, Sentence

n, mode, trace = int(sys.argv[1]), sys.argv[2], sys.argv[3] == "1"
d = 384
rng = np.random.default_rng(7)
o = rng.standard_normal((n, d)).astype(np.float32)
o /= np.linalg.norm(o, axis=1, keepdims=True)
rows, planted = [], {}
for i in range(n):
    if rng.random() < 0.03:
        continue
    if rng.random() < 0.03:
        rows.append(rng.standard_normal(d))
    planted[i] = len(rows)
    rows.append(o[i] + 0.6 * rng.standard_normal(d) / np.sqrt(d))
r = np.asarray(rows, np.float32)
r /= np.linalg.norm(r, axis=1, keepdims=True)
doc = lambda k: Document("x", "", tuple(Sentence(i, 0, 0, 0, "") for i in range(k)))
window = DEFAULT_WINDOW if mode == "banded" else None
base_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if trace:
    tracemalloc.start()
t = time.perf_counter()
pairs = align(o, r, doc(n), doc(len(r)), window=window)
seconds = time.perf_counter() - t
traced = tracemalloc.get_traced_memory()[1] if trace else None
lo, hi, full = _band(o, r, DEFAULT_WINDOW, 0 if window else FULL_MATRIX_CELLS)
got = {p.original[0]: p.rewritten[0] for p in pairs if p.kind == "1-1"}
json.dump({"n": n, "m": len(r), "mode": mode, "seconds": seconds,
           "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "base_rss_mb": base_kb / 1024,
           "traced_mb": None if traced is None else traced / 2**20,
           "cells": int((hi - lo + 1).sum()), "full": bool(full),
           "recall": sum(got.get(i) == j for i, j in planted.items()) / len(planted)}, sys.stdout)
"""


def run_one(n: int, mode: str, trace: bool) -> dict[str, Any]:
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", CHILD, str(n), mode, "1" if trace else "0"], cwd=root,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


TIME_SLACK = 1.5  # "linear": seconds per sentence at 16x within 1.5x of 1x
MEMORY_SLACK = 1.5  # extra RSS per sentence at 16x within 1.5x of 1x


def run(sizes: tuple[int, ...] = (500, 2000, 8000), tracemalloc: bool = False) -> Section:
    lines = ["## Growth: alignment against document length (1x, 4x, 16x sentences)", "",
             "`evaluator.align.align` on synthetic documents (see the module docstring), each size in a fresh "
             "process. *banded*: the coarse-to-fine band that long documents get; *auto*: what the pipeline "
             "chooses (the full matrix below `FULL_MATRIX_CELLS` cells). *+RSS*: peak RSS above the process's "
             "baseline before aligning.", "",
             "| mode | sentences | x | seconds | s / s(1x) | DP cells | cells / cells(1x) | +RSS MB | traced MB | "
             "recall |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    figures: list[Figure] = []
    for mode in ("banded", "auto"):
        results = []
        for n in sizes:
            res = run_one(n, mode, False)
            if tracemalloc:
                res["traced_mb"] = run_one(n, mode, True)["traced_mb"]
            results.append(res)
        first = results[0]
        for n, res in zip(sizes, results, strict=True):
            label = mode if mode == "banded" else ("auto: full" if res["full"] else "auto: band")
            traced = "–" if res["traced_mb"] is None else f"{res['traced_mb']:.1f}"
            lines.append(f"| {label} | {res['n']} | {n / sizes[0]:g} | {res['seconds']:.2f} | "
                         f"{res['seconds'] / max(first['seconds'], 1e-9):.1f} | {res['cells']} | "
                         f"{res['cells'] / first['cells']:.1f} | {res['rss_mb'] - res['base_rss_mb']:.0f} | "
                         f"{traced} | {res['recall']:.3f} |")
        if mode == "banded":
            last = results[-1]
            k = sizes[-1] / sizes[0]
            t_ratio = (last["seconds"] / sizes[-1]) / max(first["seconds"] / sizes[0], 1e-12)
            extra0 = max(first["rss_mb"] - first["base_rss_mb"], 1.0)
            m_ratio = ((last["rss_mb"] - last["base_rss_mb"]) / sizes[-1]) / (extra0 / sizes[0])
            figures.append(Figure(f"Growth, alignment (banded): per-sentence time and memory at {k:g}x vs 1x length",
                                  f"{t_ratio:.2f}x time, {m_ratio:.2f}x memory per sentence",
                                  f"linear: <= {TIME_SLACK}x each", t_ratio <= TIME_SLACK and m_ratio <= MEMORY_SLACK))
    lines += ["", "| figure | measured | target | |", "|---|---:|---|---|"]
    lines += [f"| {f.name} | {f.value} | {f.target} | {met(f.met)} |" for f in figures]
    return Section("\n".join(lines) + "\n", figures)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 8000])
    ap.add_argument("--tracemalloc", action="store_true", help="also measure numpy/Python peak (slower run)")
    args = ap.parse_args()
    print(run(tuple(args.sizes), args.tracemalloc))


if __name__ == "__main__":
    main()
