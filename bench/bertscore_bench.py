"""Throughput of our BERTScore (shared encoder) against bert_score itself, same process, alternated.

Pairs: DEMETR dev ``pert_sent`` (candidate) vs ``mt_sent`` (reference), every file, ``pert_check``
records, seeded shuffle, first ``--pairs``. Same model (bundled all-MiniLM-L6-v2), layer, idf, CPU
threads. Each round runs, in turn: ours (cold in-memory cache, layer-only path as ``score`` uses),
``bert_score.score`` (loads the model each call, as users call it) and a preloaded
``bert_score.BERTScorer``. Reports the median of ``--rounds`` rounds, the speed-up, max |delta F1|,
and the model's tokens/s as a share of this machine's measured fp32 matmul rate.

    .venv/bin/python bench/bertscore_bench.py [--pairs 2000] [--rounds 3] [--idf] [--full]
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import random
import statistics
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

DEMETR = Path(os.environ.get("DEMETR_DIR") or Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "demetr-dev")


def demetr_pairs(n: int, seed: int = 7) -> tuple[list[str], list[str]]:
    """``n`` (pert_sent, mt_sent) pairs drawn from every DEMETR dev file."""
    pairs = []
    for f in sorted(glob.glob(str(DEMETR / "*.json"))):
        pairs += [(r["pert_sent"], r["mt_sent"]) for r in json.load(open(f, encoding="utf-8")) if r["pert_check"]]
    random.Random(seed).shuffle(pairs)
    pairs = pairs[:n]
    return [c for c, _ in pairs], [r for _, r in pairs]


def matmul_flops(size: int = 2048, reps: int = 5) -> float:
    """Measured fp32 FLOP/s of a size x size matmul on this machine (best of ``reps``)."""
    import torch

    a, b = torch.randn(size, size), torch.randn(size, size)
    torch.mm(a, b)
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - t)
    return 2 * size**3 / best


def flops_per_token(encoder: Any, layers: int, mean_len: float) -> float:
    """Forward FLOPs per token: 2 x weights of the layers run, plus attention's QK^T and AV."""
    cfg = encoder.model.config
    h, inter = cfg.hidden_size, cfg.intermediate_size
    per_layer_params = 4 * h * h + 2 * h * inter
    return layers * (2 * per_layer_params + 4 * mean_len * h)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--idf", action="store_true")
    ap.add_argument("--full", action="store_true", help="also time the full pass (+ sentence embeddings)")
    args = ap.parse_args()

    import bert_score
    import numpy as np
    import torch

    from evaluator.encoder import load_encoder
    from evaluator.metrics.semantic import idf_dict, score_pairs, score_texts
    from evaluator.options import Options

    cands, refs = demetr_pairs(args.pairs)
    enc = load_encoder(Options())
    scorer = bert_score.BERTScorer(model_type=enc.path, num_layers=enc.layer, idf=args.idf,
                                   idf_sents=refs if args.idf else None, lang="en", device="cpu")
    times: dict[str, list[float]] = {"ours": [], "ours_full": [], "bert_score.score": [], "BERTScorer": []}
    ours_f1 = theirs_f1 = None
    for _ in range(args.rounds):
        enc.clear_memory()
        t = time.perf_counter()
        ours = score_texts(enc, cands, refs, idf=args.idf)
        times["ours"].append(time.perf_counter() - t)
        ours_f1 = np.array([s.f1 for s in ours])
        if args.full:
            enc.clear_memory()
            t = time.perf_counter()
            texts = list(dict.fromkeys([*cands, *refs]))
            e = dict(zip(texts, enc.encode(texts), strict=True))
            score_pairs(enc, [e[c] for c in cands], [e[r] for r in refs],
                        idf=idf_dict(enc, refs) if args.idf else None)
            times["ours_full"].append(time.perf_counter() - t)
        t = time.perf_counter()
        _, _, F = bert_score.score(cands, refs, model_type=enc.path, num_layers=enc.layer, idf=args.idf,
                                   lang="en", device="cpu", batch_size=64)
        times["bert_score.score"].append(time.perf_counter() - t)
        theirs_f1 = np.nan_to_num(F.numpy())
        t = time.perf_counter()
        scorer.score(cands, refs)
        times["BERTScorer"].append(time.perf_counter() - t)

    assert ours_f1 is not None and theirs_f1 is not None
    uniq = list(dict.fromkeys([*cands, *refs]))
    n_tokens = sum(len(ids) for ids, _ in enc.tokenize(uniq))
    mean_len = n_tokens / len(uniq)
    peak = matmul_flops()
    med = {k: statistics.median(v) for k, v in times.items() if v}
    print(f"{len(cands)} pairs, {len(uniq)} unique texts, {n_tokens} tokens (mean {mean_len:.1f}); "
          f"model {enc.name} layer {enc.layer}; idf={args.idf}; torch threads {torch.get_num_threads()}; "
          f"rounds {args.rounds}; matmul fp32 {peak / 1e9:.1f} GFLOP/s\n")
    print("| scorer | median s | pairs/s | time / ours (= speed-up of ours) | tokens/s | share of matmul rate |")
    print("|---|---|---|---|---|---|")
    for name, sec in med.items():
        layers = enc.num_layers if name == "ours_full" else enc.layer
        tps = n_tokens / sec
        share = tps * flops_per_token(enc, layers, mean_len) / peak
        print(f"| {name} | {sec:.2f} | {len(cands) / sec:.0f} | {sec / med['ours']:.2f}x | {tps:.0f} | {share:.1%} |")
    print(f"\nmax |delta F1| ours vs bert_score.score: {np.abs(ours_f1 - theirs_f1).max():.2e}")


if __name__ == "__main__":
    main()
