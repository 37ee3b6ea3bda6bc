"""`evaluator score` on a large line-aligned set: does memory stay flat as the set grows 10x?

Two sets of numbered DEMETR sentence pairs (no two lines equal, so nothing is a cache hit), by default
10,000 and 100,000 segments, each scored by the real command in a fresh process
(``evaluator -v score --ref R --hyp H --json OUT -q``, every check, BERTScore, chunks of 1,000 lines).
While it runs, its resident memory is read from ``/proc`` every half second and its progress from its
own "scored lines a-b of n" log lines, so the table shows the peak RSS within each tenth of the set:
a flat row is bounded memory, a rising one is growth.  The JSON written is read back and its segments
counted.

"Met": the peak RSS of the large set is within ``MEMORY_SLACK`` of the small set's, and the peak in its
last tenth within ``MEMORY_SLACK`` of its peak in the first tenth.

    .venv/bin/python -m bench.score_stream [--segments 10000 100000]
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._common import ENV, EVALUATOR, Figure, Section, demetr_rows, met

MEMORY_SLACK = 1.25
_PROGRESS = re.compile(rb"scored lines \d+-(\d+) of (\d+)")


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii", errors="replace").splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _done(err_path: Path) -> int:
    """Lines scored so far, from the command's last progress log line."""
    try:
        with err_path.open("rb") as fh:
            fh.seek(max(0, err_path.stat().st_size - 4096))
            hits = _PROGRESS.findall(fh.read())
    except OSError:
        return 0
    return int(hits[-1][0]) if hits else 0


def run_score(n: int, folder: Path, sents: list[tuple[str, str]], timeout: float = 3 * 3600) -> dict[str, Any]:
    ref, hyp, out = folder / f"ref{n}.txt", folder / f"hyp{n}.txt", folder / f"s{n}.json"
    with ref.open("w", encoding="utf-8") as r, hyp.open("w", encoding="utf-8") as h:
        for i in range(n):
            a, b = sents[i % len(sents)]
            r.write(f"{a} ({i})\n")
            h.write(f"{b} ({i})\n")
    err_path = folder / f"err{n}.log"
    cmd = [EVALUATOR, "-v", "score", "--ref", str(ref), "--hyp", str(hyp), "--json", str(out), "-q"]
    tenths = [0.0] * 10
    t0 = time.perf_counter()
    with err_path.open("wb") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=ENV)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            rss = _rss_mb(proc.pid)
            # The tenth of the set being scored now: the chunk after the last one logged.
            k = min(9, _done(err_path) * 10 // n)
            tenths[k] = max(tenths[k], rss)
            if time.monotonic() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.5)
    wall = time.perf_counter() - t0
    rc = os.waitstatus_to_exitcode(status)
    segments = None
    if rc == 0 and out.exists():
        import json

        with out.open(encoding="utf-8") as fh:
            segments = len(json.load(fh)["segments"])
    return {"n": n, "wall": wall, "rc": rc, "rss_mb": usage.ru_maxrss / 1024, "tenths": tenths,
            "json_mb": out.stat().st_size / 2**20 if out.exists() else 0.0, "segments": segments,
            "stderr": " ".join(err_path.read_text(encoding="utf-8", errors="replace").split()[-60:])}


def run(segments: tuple[int, ...] = (10000, 100000)) -> Section:
    rows = demetr_rows(2000)
    sents = [(r["original"], r["rewritten"]) for r in rows if any(c.isalpha() for c in r["rewritten"])]
    load = os.getloadavg()[0]
    results = []
    with tempfile.TemporaryDirectory(prefix="score-stream-") as tmp:
        for n in segments:
            results.append(run_score(n, Path(tmp), sents))
    lines = ["## `evaluator score` on a large set: memory as the set grows", "",
             f"Numbered DEMETR sentence pairs (no line repeats), every check and BERTScore, chunks of 1,000 lines, "
             f"each set in a fresh process; load average {load:.1f} at the start.  *Peak RSS per tenth*: the "
             "largest resident memory sampled (every 0.5 s) while that tenth of the set was being scored.", "",
             "| segments | wall s | segments/s | peak RSS MB | peak RSS per tenth of the set (MB) | JSON MB | "
             "segments in the JSON | exit |",
             "|---:|---:|---:|---:|---|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r['n']} | {r['wall']:.0f} | {r['n'] / r['wall']:.1f} | {r['rss_mb']:.0f} | "
                     f"{' '.join(f'{x:.0f}' for x in r['tenths'])} | {r['json_mb']:.0f} | {r['segments']} | {r['rc']} |")
    bad = [r for r in results if r["rc"] != 0 or r["segments"] != r["n"]]
    lines += [f"- the run on {r['n']} segments exited {r['rc']}: `{r['stderr'][-400:]}`" for r in bad]
    small, large = results[0], results[-1]
    ratio = large["rss_mb"] / max(small["rss_mb"], 1e-9)
    first = next((x for x in large["tenths"] if x), 0.0)
    drift = large["tenths"][-1] / max(first, 1e-9)
    ok = not bad and ratio <= MEMORY_SLACK and drift <= MEMORY_SLACK
    figure = Figure(f"score: peak RSS at {large['n']:,} segments vs {small['n']:,}; last tenth vs first",
                    f"{ratio:.3f}x ({large['rss_mb']:.0f} vs {small['rss_mb']:.0f} MB); {drift:.3f}x",
                    f"bounded: <= {MEMORY_SLACK}x each", ok)
    lines += ["", "| figure | measured | target | |", "|---|---:|---|---|",
              f"| {figure.name} | {figure.value} | {figure.target} | {met(figure.met)} |"]
    return Section("\n".join(lines) + "\n", [figure])


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--segments", type=int, nargs="+", default=[10000, 100000])
    a = ap.parse_args()
    print(run(tuple(a.segments)))
