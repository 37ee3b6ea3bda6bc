"""Growth: time and peak memory at 1x, 4x and 16x the work, for `evaluator batch` and `evaluator score`.

Batch: 1x/4x/16x DEMETR pairs, one worker, no cache; start-up is told apart by the time of the first
result line, so "ms per pair" is the steady cost.  Score: a line-aligned set of 1x/4x/16x segments
(DEMETR sentences, numbered so no two lines are equal and nothing is a cache hit); start-up is a
1-segment run subtracted.  Each run is a fresh process (wall time, peak RSS of its largest process).
Linear growth shows as a steady per-item column; bounded memory as a slowly growing RSS column.
Alignment against document length is ``bench/align_growth.py``.

"Met" below: the per-item time at 16x is within 1.5x of the per-item time at 1x (linear, allowing
for noise), and peak memory at 16x is within 2x of 1x.
"""
from __future__ import annotations

import argparse
import math
import os
import tempfile
from pathlib import Path
from typing import Any

from bench._common import EVALUATOR, Figure, Section, demetr_rows, measure, met, write_manifest
from bench.batch_bench import batch_cmd

TIME_SLACK = 1.5
MEMORY_SLACK = 2.0


def _rows(unit: str, results: list[tuple[int, dict[str, Any], float]]) -> list[str]:
    lines = [f"| {unit} | x | wall s | s after start-up | ms per {unit[:-1]} | peak RSS MB |",
             "|---:|---:|---:|---:|---:|---:|"]
    n0 = results[0][0]
    for n, m, net in results:
        lines.append(f"| {n} | {n / n0:g} | {m['wall']:.1f} | {net:.1f} | {1000 * net / n:.2f} | {m['rss_mb']:.0f} |")
    return lines + [""]


def _figure(what: str, results: list[tuple[int, dict[str, Any], float]]) -> Figure:
    (n0, m0, s0), (n2, m2, s2) = results[0], results[-1]
    per0, per2 = s0 / n0, s2 / n2
    t_ratio = per2 / per0 if per0 > 0 else math.inf
    m_ratio = m2["rss_mb"] / max(m0["rss_mb"], 1e-9)
    return Figure(f"Growth, {what}: per-item time and peak RSS at {n2 // n0}x vs 1x",
                  f"{t_ratio:.2f}x time per item, {m_ratio:.2f}x memory",
                  f"linear: <= {TIME_SLACK}x per item, <= {MEMORY_SLACK}x memory",
                  t_ratio <= TIME_SLACK and m_ratio <= MEMORY_SLACK)


def run(pairs: tuple[int, ...] = (100, 400, 1600), segments: tuple[int, ...] = (1000, 4000, 16000)) -> Section:
    load = os.getloadavg()[0]
    rows = demetr_rows(max(max(pairs), 1))
    out = ["## Growth: 1x, 4x, 16x the work", "", f"Load average {load:.1f} at the start.", ""]
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="growth-") as tmp:
        t = Path(tmp)
        b: list[tuple[int, dict[str, Any], float]] = []
        for n in pairs:
            res = t / f"b{n}" / "results.jsonl"
            m = measure(batch_cmd(write_manifest(rows[:n], t / f"p{n}.jsonl"), t / f"b{n}", None),
                        timeout=3600, watch=res)
            # Steady: from the first result line to the end, for n - 1 pairs; scaled to n pairs.
            first = m["first_line"] or 0.0
            b.append((n, m, (m["wall"] - first) * n / max(n - 1, 1)))
        out += ["### `evaluator batch` (DEMETR pairs, every check, 1 worker)", ""] + _rows("pairs", b)
        figures.append(_figure("batch pairs", b))

        # Rewrites with no word (DEMETR's "empty" perturbation leaves ".") are left out of the score set.
        sents = [(r["original"], r["rewritten"]) for r in rows if any(c.isalpha() for c in r["rewritten"])]
        sents = sents or [("A sentence.", "A sentence.")]

        def score_cmd(n: int) -> list[str]:
            ref, hyp = t / f"ref{n}.txt", t / f"hyp{n}.txt"
            ref.write_text("".join(f"{sents[i % len(sents)][0]} ({i})\n" for i in range(n)), encoding="utf-8")
            hyp.write_text("".join(f"{sents[i % len(sents)][1]} ({i})\n" for i in range(n)), encoding="utf-8")
            return [EVALUATOR, "score", "--ref", str(ref), "--hyp", str(hyp), "--json", str(t / f"s{n}.json"), "-q"]

        base = measure(score_cmd(1), timeout=600)
        s = []
        for n in segments:
            m = measure(score_cmd(n), timeout=3600)
            s.append((n, m, max(m["wall"] - base["wall"], 1e-9)))
        out += ["### `evaluator score` (line-aligned segments)", "",
                f"Start-up (a 1-segment run, subtracted): {base['wall']:.1f} s.", ""] + _rows("segments", s)
        figures.append(_figure("score segments", s))
        bad = [(n, m) for n, m, _ in [*b, *s] if m["rc"] not in (0, 1)]
        out += [f"- a run on {n} items exited {m['rc']}: `{' '.join(str(m['stderr']).split())[-300:]}`"
                for n, m in bad]
    out += ["| figure | measured | target | |", "|---|---:|---|---|"]
    out += [f"| {f.name} | {f.value} | {f.target} | {met(f.met)} |" for f in figures]
    return Section("\n".join(out) + "\n", figures)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, nargs=3, default=[100, 400, 1600])
    ap.add_argument("--segments", type=int, nargs=3, default=[1000, 4000, 16000])
    a = ap.parse_args()
    print(run(tuple(a.pairs), tuple(a.segments)))
