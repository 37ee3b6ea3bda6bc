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


def run(n: int, mode: str, trace: bool) -> dict[str, Any]:
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", CHILD, str(n), mode, "1" if trace else "0"], cwd=root,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 8000])
    ap.add_argument("--tracemalloc", action="store_true", help="also measure numpy/Python peak (slower run)")
    args = ap.parse_args()
    head = (f"{'mode':7} {'n':>6} {'m':>6} {'x':>4} {'seconds':>8} {'t/t1':>6} {'DP cells':>10} "
            f"{'cells/c1':>8} {'RSS MB':>7} {'+RSS MB':>7} {'traced MB':>9} {'recall':>7}")
    for mode in ("banded", "auto"):
        print(head)
        first: dict[str, Any] | None = None
        for n in args.sizes:
            res = run(n, mode, False)
            if args.tracemalloc:
                res["traced_mb"] = run(n, mode, True)["traced_mb"]
            first = first or res
            traced = "-" if res["traced_mb"] is None else f"{res['traced_mb']:.1f}"
            label = mode if mode == "banded" else ("full" if res["full"] else "band")
            print(f"{label:7} {res['n']:>6} {res['m']:>6} {n / args.sizes[0]:>4.0f} {res['seconds']:>8.2f} "
                  f"{res['seconds'] / first['seconds']:>6.1f} {res['cells']:>10} "
                  f"{res['cells'] / first['cells']:>8.1f} {res['rss_mb']:>7.0f} "
                  f"{res['rss_mb'] - res['base_rss_mb']:>7.0f} {traced:>9} {res['recall']:>7.3f}")
        print()


if __name__ == "__main__":
    main()
