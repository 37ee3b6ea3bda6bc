"""Which layer of the default model separates DEMETR severities best, and where to put the unmatched threshold.

For every DEMETR dev record with ``pert_check`` true, BERTScore F1(cand=pert_sent, ref=mt_sent) is
computed at layers 1..6 from ONE forward pass per text (all hidden states), through
``evaluator.metrics.semantic.score_pairs`` (bert_score's greedy matching). Per layer it prints:

* tau: Kendall tau-b between the F1 drop (1 - F1) and the severity rank minor=1 < major=2 < critical=3;
* ref>crit: share of (id, critical perturbation) where F1 of the meaning-preserving human-vs-MT
  paraphrase (base_id35_reference) beats F1 of the critical perturbation of the same sentence;
* demetr: DEMETR's own accuracy, F1(eng_sent, mt_sent) > F1(eng_sent, pert_sent), all perturbations;
* mean F1 per severity.

``--calibrate`` also prints, at the chosen layer, the best-match cosine distribution of content
tokens in paraphrases vs tokens that meaning-changing perturbations put in (the unmatched threshold).

    .venv/bin/python bench/layer_choice.py [--limit-per-file N] [--calibrate]
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

DEMETR = Path(os.environ.get("DEMETR_DIR") or Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "demetr-dev")
RANK = {"minor": 1, "major": 2, "critical": 3}
INSERTING = ("numbers_replaced", "ne_replaced", "antonym", "gender", "addition")


def all_layers(encoder: Any, texts: list[str], budget: int = 8192) -> dict[str, Any]:
    """Encodings of ``texts`` with ``layer_embeddings`` of shape [L+1, T, H] (one forward per text)."""
    import torch

    from evaluator.encoder import Encoding

    toks = encoder.tokenize(texts)
    order = sorted(range(len(texts)), key=lambda i: len(toks[i][0]))
    out: dict[str, Any] = {}
    i = 0
    with torch.inference_mode():
        while i < len(order):
            j = i
            while j < len(order) and len(toks[order[j]][0]) * (j - i + 1) <= budget:
                j += 1
            j = max(j, i + 1)
            batch = order[i:j]
            width = max(len(toks[k][0]) for k in batch)
            ids = torch.zeros((len(batch), width), dtype=torch.long)
            mask = torch.zeros_like(ids)
            for r, k in enumerate(batch):
                n = len(toks[k][0])
                ids[r, :n] = torch.tensor(toks[k][0])
                mask[r, :n] = 1
            hs = torch.stack(encoder.model(input_ids=ids, attention_mask=mask, output_hidden_states=True)
                             .hidden_states, dim=1).numpy()
            for r, k in enumerate(batch):
                n = len(toks[k][0])
                out[texts[k]] = Encoding(
                    text=texts[k], input_ids=np.asarray(toks[k][0], dtype=np.int64), offsets=toks[k][1],
                    tokens=encoder.tokenizer.convert_ids_to_tokens(toks[k][0]),
                    layer_embeddings=hs[r, :, :n], sentence_embedding=None,
                )
            i = j
    return out


def at_layer(enc: Any, layer: int) -> Any:
    return replace(enc, layer_embeddings=np.ascontiguousarray(enc.layer_embeddings[layer]))


def kendall_tau_b(x: np.ndarray, y: np.ndarray) -> float:
    from scipy.stats import kendalltau

    return float(kendalltau(x, y).statistic)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit-per-file", type=int, default=0, help="records per file (0: all)")
    ap.add_argument("--calibrate", action="store_true")
    ap.add_argument("--calibrate-layer", type=int, default=3)
    args = ap.parse_args()

    from evaluator.encoder import load_encoder
    from evaluator.metrics.semantic import score_pairs
    from evaluator.options import Options

    enc = load_encoder(Options())
    layers = list(range(1, enc.num_layers + 1))
    t0 = time.perf_counter()
    files = sorted(glob.glob(str(DEMETR / "*.json")))
    records: list[dict[str, Any]] = []
    for f in files:
        recs = [r for r in json.load(open(f)) if r["pert_check"]]
        records += recs[: args.limit_per_file] if args.limit_per_file else recs
    mt = {r["id"]: r["mt_sent"] for r in records}
    eng = {r["id"]: r["eng_sent"] for r in records}
    fixed = all_layers(enc, sorted(set(mt.values()) | set(eng.values())))
    f1: dict[int, dict[tuple[str, int], float]] = {L: {} for L in layers}
    f1_eng: dict[int, dict[tuple[str, int], float]] = {L: {} for L in layers}
    calib_para: list[float] = []
    calib_ins: list[float] = []
    by_file: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        by_file[r["pert_name"]].append(r)
    for name, recs in by_file.items():
        perts = all_layers(enc, sorted({r["pert_sent"] for r in recs} - fixed.keys()))
        perts.update(fixed)
        for L in layers:
            c = [at_layer(perts[r["pert_sent"]], L) for r in recs]
            ref = [at_layer(fixed[r["mt_sent"]], L) for r in recs]
            e = [at_layer(fixed[r["eng_sent"]], L) for r in recs]
            s_mt = score_pairs(enc, c, ref)
            s_eng = score_pairs(enc, c, e)
            for r, a, b in zip(recs, s_mt, s_eng, strict=True):
                f1[L][(name, r["id"])] = a.f1
                f1_eng[L][(name, r["id"])] = b.f1
            if args.calibrate and L == args.calibrate_layer:
                calibrate(enc, name, recs, c, ref, calib_para, calib_ins)
    # DEMETR's accuracy: the correct MT must beat its perturbation against the human translation.
    ids = sorted(mt)
    mt_vs_eng = {
        L: dict(zip(ids, (s.f1 for s in score_pairs(
            enc, [at_layer(fixed[mt[i]], L) for i in ids], [at_layer(fixed[eng[i]], L) for i in ids])),
            strict=True))
        for L in layers
    }
    ref_name = "base_id35_reference"
    sev = {r["pert_name"]: r["severity"] for r in records}
    print(f"{len(records)} pairs, {len(files)} files, {time.perf_counter() - t0:.0f}s\n")
    print("| layer | tau(drop, severity) | ref>crit acc | demetr acc | F1 ref | F1 minor | F1 major | F1 critical |")
    print("|---|---|---|---|---|---|---|---|")
    for L in layers:
        keys = [k for k in f1[L] if sev[k[0]] in RANK]
        drop = np.array([1 - f1[L][k] for k in keys])
        rank = np.array([RANK[sev[k[0]]] for k in keys])
        tau = kendall_tau_b(drop, rank)
        para = {i: v for (n, i), v in f1[L].items() if n == ref_name}
        crit = [(v, para[i]) for (n, i), v in f1[L].items() if sev[n] == "critical" and i in para]
        acc_rc = float(np.mean([p > v for v, p in crit])) if crit else float("nan")
        demetr = float(np.mean([mt_vs_eng[L][i] > f1_eng[L][(n, i)] for (n, i) in keys]))
        means = {s: float(np.mean([f1[L][k] for k in keys if sev[k[0]] == s])) for s in RANK}
        print(f"| {L} | {tau:.4f} | {acc_rc:.4f} | {demetr:.4f} | {np.mean(list(para.values())):.4f} "
              f"| {means['minor']:.4f} | {means['major']:.4f} | {means['critical']:.4f} |")
    if args.calibrate:
        report_calibration(args.calibrate_layer, calib_para, calib_ins)


def _best_cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Best cosine of each row of ``a`` against the rows of ``b``."""
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return (a @ b.T).max(axis=1)


def calibrate(enc: Any, name: str, recs: list[dict[str, Any]], cands: list[Any], refs: list[Any],
              para: list[float], inserted: list[float]) -> None:
    """Collect best-match cosines: paraphrase content tokens, and the new tokens of perturbations."""
    from evaluator.metrics.semantic import _content_mask

    special = enc.special_ids
    for c, r in zip(cands, refs, strict=True):
        cm, rm = _content_mask(c, special), _content_mask(r, special)
        if name == "base_id35_reference":
            para.extend(_best_cos(c.layer_embeddings, r.layer_embeddings)[cm].tolist())
            para.extend(_best_cos(r.layer_embeddings, c.layer_embeddings)[rm].tolist())
        elif any(k in name for k in INSERTING) and "critical" in name:
            new = cm & ~np.isin(c.input_ids, r.input_ids)
            if new.any():
                inserted.extend(_best_cos(c.layer_embeddings, r.layer_embeddings)[new].tolist())


def report_calibration(layer: int, para: list[float], inserted: list[float]) -> None:
    p, q = np.array(para), np.array(inserted)
    print(f"\ncalibration at layer {layer}: {len(p)} paraphrase tokens, {len(q)} inserted tokens "
          f"({', '.join(INSERTING)})")
    print("| percentile | paraphrase | inserted |")
    print("|---|---|---|")
    for pc in (1, 5, 10, 25, 50, 75, 90):
        print(f"| {pc} | {np.percentile(p, pc):.3f} | {np.percentile(q, pc):.3f} |")
    print("\n| threshold | paraphrase tokens below | inserted tokens below |")
    print("|---|---|---|")
    for t in np.arange(0.30, 0.76, 0.05):
        print(f"| {t:.2f} | {np.mean(p < t):.3f} | {np.mean(q < t):.3f} |")


if __name__ == "__main__":
    main()
