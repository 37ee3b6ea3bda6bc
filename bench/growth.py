"""Growth: time and peak memory at 1x, 4x and 16x the work, for `evaluator batch` and `evaluator score`.

Batch: 1x/4x/16x DEMETR pairs.  Score: a line-aligned set of 1x/4x/16x segments (DEMETR sentences,
repeated with a line number so no two lines are equal and nothing is a cache hit).  Each run is a fresh
subprocess (``os.wait4``: wall time and that child's peak RSS).  Linear growth shows as a steady
seconds-per-item column; bounded memory as a flat RSS column.
"""
from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from bench.batch_bench import EVALUATOR, batch_cmd, demetr_rows, measure, write_manifest


def _table(title: str, unit: str, results: list[tuple[int, dict[str, float]]], base: dict[str, float]) -> list[str]:
    lines = [f"### {title}", "", f"| {unit} | x | wall s | s after start-up | ms per {unit[:-1]} | peak RSS MB |",
             "|---:|---:|---:|---:|---:|---:|"]
    n0 = results[0][0]
    for n, m in results:
        net = max(m["wall"] - base["wall"], 1e-9)
        lines.append(f"| {n} | {n / n0:g} | {m['wall']:.1f} | {net:.1f} | {1000 * net / n:.1f} | {m['rss_mb']:.0f} |")
    return lines + [""]


def run(pairs: tuple[int, ...] = (100, 400, 1600), segments: tuple[int, ...] = (1000, 4000, 16000)) -> str:
    load = os.getloadavg()[0]
    rows = demetr_rows(max(max(pairs), 1))
    out = ["## Growth: 1x, 4x, 16x the work", "",
           f"Load average {load:.1f} at the start. Start-up (imports + models) is subtracted per row.", ""]
    with tempfile.TemporaryDirectory(prefix="growth-") as tmp:
        t = Path(tmp)
        base = measure(batch_cmd(write_manifest(rows[:1], t / "one.jsonl"), t / "b0", None))
        results = []
        for n in pairs:
            m = measure(batch_cmd(write_manifest(rows[:n], t / f"p{n}.jsonl"), t / f"b{n}", None))
            results.append((n, m))
        out += _table("`evaluator batch` (DEMETR pairs, every check)", "pairs", results, base)

        # Rewrites with no word (DEMETR's "empty" perturbation leaves ".") are left out of the score set:
        # they hit a slow path in the omission check (see the report) that would swamp the growth figures.
        sents = [(r["original"], r["rewritten"]) for r in rows if any(c.isalpha() for c in r["rewritten"])]
        sents = sents or [("A sentence.", "A sentence.")]

        def score_cmd(n: int) -> list[str]:
            ref, hyp = t / f"ref{n}.txt", t / f"hyp{n}.txt"
            ref.write_text("".join(f"{sents[i % len(sents)][0]} ({i})\n" for i in range(n)), encoding="utf-8")
            hyp.write_text("".join(f"{sents[i % len(sents)][1]} ({i})\n" for i in range(n)), encoding="utf-8")
            return [EVALUATOR, "score", "--ref", str(ref), "--hyp", str(hyp), "--json", str(t / f"s{n}.json"), "-q"]

        if (Path(EVALUATOR).parent / "evaluator").exists():
            s_base = measure(score_cmd(1), timeout=600)
            s_results = [(n, measure(score_cmd(n), timeout=1800)) for n in segments]
            out += _table("`evaluator score` (line-aligned segments)", "segments", s_results, s_base)
            bad = [(n, m) for n, m in s_results if m["rc"] not in (0, 1)]
            out += [f"- score on {n} segments exited {m['rc']}: `{' '.join(str(m['stderr']).split())[-300:]}`"
                    for n, m in bad]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, nargs=3, default=[100, 400, 1600])
    ap.add_argument("--segments", type=int, nargs=3, default=[1000, 4000, 16000])
    a = ap.parse_args()
    print(run(tuple(a.pairs), tuple(a.segments)))
