"""BERTScore from the encoder's embeddings, through bert_score's own greedy matching.

The numbers equal ``bert_score.score(cands, refs, model_type=<path>, num_layers=<layer>, idf=...)``
(tested to 1e-5): the token embeddings are bert_score's (``hidden_states[layer]``), the weights are
bert_score's (without idf every token weighs 1 but [CLS]/[SEP] 0; with idf, ``get_idf_dict`` over
the references) and the matching is ``bert_score.utils.greedy_cos_idf``. Candidates are the
rewritten side, references the original side. The encoder runs once per unique text, so
alignment and BERTScore share one forward pass.

Baseline rescaling, ``(x - b) / (1 - b)``, uses bert_score's TSV files (``LAYER,P,R,F``). For the
default model we ship ``evaluator/data/baseline_all-MiniLM-L6-v2.tsv``: the mean P/R/F of
unrelated sentence pairs (every DEMETR dev ``eng_sent``/``mt_sent``, shuffled into 10 random
pairings, same-id pairs excluded), computed by ``bench/compute_baseline.py`` with ``bert_score.score``
and ``all_layers=True``, as bert_score computed its own baselines from random Common Crawl pairs.
"""
from __future__ import annotations

import contextlib
import csv
import io
import logging
import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from ..encoder import Encoder, Encoding

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
# Best-match cosine (raw) below which a content token counts as unmatched. Calibrated on DEMETR dev
# (bench/layer_choice.py --calibrate): for all-MiniLM-L6-v2 it leaves ~5% of the content tokens of
# human-vs-MT paraphrases (base_id35_reference) unmatched at layer 3 (4.7%) and at layer 6 (4.9%),
# against 47% (layer 3) / 55% (layer 6) of the tokens that critical numbers_replaced, ne_replaced,
# antonym, gender and addition perturbations put in. Other models: pass your own ``threshold``.
DEFAULT_UNMATCHED_THRESHOLD = 0.45
SCORE_BATCH = 64  # pairs per greedy-matching batch (the matching is cheap next to the encoder)


@dataclass(frozen=True)
class PairBertScore:
    """BERTScore of one (candidate, reference) pair, with the tokens left without a good match."""

    precision: float
    recall: float
    f1: float
    cand_unmatched: list[int] = field(default_factory=list)  # token indices into the candidate Encoding
    ref_unmatched: list[int] = field(default_factory=list)  # token indices into the reference Encoding


def _content_mask(enc: Encoding, special_ids: frozenset[int]) -> np.ndarray:
    """True for tokens that may be reported unmatched: not special, not pure punctuation."""
    keep = np.ones(len(enc.input_ids), dtype=bool)
    for i, (tid, (s, e)) in enumerate(zip(enc.input_ids.tolist(), enc.offsets.tolist(), strict=True)):
        piece = enc.text[s:e]
        if tid in special_ids or e <= s or all(unicodedata.category(c).startswith("P") for c in piece):
            keep[i] = False
    return keep


def _weights(enc: Encoding, idf: Mapping[int, float] | None, encoder: Encoder) -> np.ndarray:
    tok = encoder.tokenizer
    if idf is None:
        w = np.ones(len(enc.input_ids), dtype=np.float32)
        w[np.isin(enc.input_ids, [tok.sep_token_id, tok.cls_token_id])] = 0.0
        return w
    # A defaultdict (from idf_dict) knows the weight of unseen ids; a plain dict gets its largest value.
    fallback = None if hasattr(idf, "default_factory") else max(idf.values(), default=0.0)
    vals = [idf[i] if fallback is None else idf.get(i, fallback) for i in enc.input_ids.tolist()]
    return np.asarray(vals, dtype=np.float32)


def idf_dict(encoder: Encoder, ref_texts: Iterable[str]) -> dict[int, float]:
    """bert_score's idf over the reference texts (a defaultdict: unseen ids get log(N + 1))."""
    from bert_score.utils import get_idf_dict

    # nthreads=0 maps in-process: same result as a pool of one, without forking a torch process.
    return get_idf_dict(list(ref_texts), encoder.tokenizer, nthreads=0)  # type: ignore[no-any-return]


def baseline_path_for(encoder: Encoder, lang: str = "en") -> Path | None:
    """The shipped baseline for the default model, else bert_score's file for the model name, if any."""
    ours = DATA_DIR / f"baseline_{encoder.name.split('/')[-1]}.tsv"
    if ours.is_file():
        return ours
    import bert_score

    theirs = Path(bert_score.__file__).parent / "rescale_baseline" / lang / f"{encoder.name}.tsv"
    return theirs if theirs.is_file() else None


def load_baseline(
    encoder: Encoder, path: str | Path | None = None, lang: str = "en"
) -> tuple[float, float, float] | None:
    """The (P, R, F) baseline of ``encoder.layer`` from a bert_score TSV; None if there is none."""
    file = Path(path) if path is not None else baseline_path_for(encoder, lang)
    if file is None:
        log.warning("no rescaling baseline for %s; scores are not rescaled", encoder.name)
        return None
    if not file.is_file():
        raise ConfigError(file, "baseline file not found")
    with file.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    if not rows or [c.strip().upper() for c in rows[0]] != ["LAYER", "P", "R", "F"]:
        raise ConfigError(file, "not a bert_score baseline (expected the header LAYER,P,R,F)")
    for lineno, row in enumerate(rows[1:], start=2):
        try:
            if int(row[0]) == encoder.layer:
                p, r, f = (float(x) for x in row[1:4])
                return p, r, f
        except (ValueError, IndexError):
            raise ConfigError(file, f"bad baseline row {row!r}", line=lineno) from None
    log.warning("baseline %s has no row for layer %d; scores are not rescaled", file, encoder.layer)
    return None


def _pad(arrays: list[np.ndarray], value: float) -> Any:
    """Right-pad to the longest plus one position.

    greedy_cos_idf zeroes masked similarities before its max, so a token whose cosines are all
    negative scores 0 when its partner is padded and below 0 when it is not: bert_score's own
    number depends on the batch. In its batches of 64 nearly every text is padded; one spare
    position makes that rule (max with 0) hold always, so ours does not depend on batching.
    """
    import torch

    width = max(len(a) for a in arrays) + 1
    out = torch.full((len(arrays), width, *arrays[0].shape[1:]), value, dtype=torch.float32)
    for i, a in enumerate(arrays):
        out[i, : len(a)] = torch.from_numpy(a)
    return out


def score_pairs(
    encoder: Encoder,
    cands: Sequence[Encoding],
    refs: Sequence[Encoding],
    *,
    idf: Mapping[int, float] | None = None,
    baseline: tuple[float, float, float] | None = None,
    threshold: float = DEFAULT_UNMATCHED_THRESHOLD,
) -> list[PairBertScore]:
    """BERTScore of each (cand, ref) pair: cands are the rewritten side, refs the original side.

    ``idf``: an idf dict from ``idf_dict`` (None: plain weights); ``baseline``: (P, R, F) from
    ``load_baseline`` to rescale; ``threshold``: best-match cosine under which a token is unmatched.
    """
    import torch
    from bert_score.utils import greedy_cos_idf

    if len(cands) != len(refs):
        raise ValueError(f"{len(cands)} candidates but {len(refs)} references")
    special = encoder.special_ids
    results: list[PairBertScore | None] = [None] * len(cands)
    # Similar lengths together: less padding in the similarity matrices.
    order = sorted(range(len(cands)), key=lambda i: (len(cands[i].input_ids), len(refs[i].input_ids)))
    with torch.inference_mode():
        for b in range(0, len(order), SCORE_BATCH):
            idx = order[b:b + SCORE_BATCH]
            c_enc = [cands[i] for i in idx]
            r_enc = [refs[i] for i in idx]
            # bert_score pads embeddings with 2.0 and idf with 0, with boolean length masks.
            c_emb = _pad([e.layer_embeddings for e in c_enc], 2.0)
            r_emb = _pad([e.layer_embeddings for e in r_enc], 2.0)
            c_idf = _pad([_weights(e, idf, encoder) for e in c_enc], 0.0)
            r_idf = _pad([_weights(e, idf, encoder) for e in r_enc], 0.0)
            c_len = torch.tensor([len(e.input_ids) for e in c_enc])
            r_len = torch.tensor([len(e.input_ids) for e in r_enc])
            c_mask = torch.arange(c_emb.shape[1])[None, :] < c_len[:, None]
            r_mask = torch.arange(r_emb.shape[1])[None, :] < r_len[:, None]
            captured = io.StringIO()
            with contextlib.redirect_stderr(captured):  # bert_score prints its empty-text warnings
                P, R, F = greedy_cos_idf(r_emb, r_mask, r_idf, c_emb, c_mask, c_idf)
            for line in captured.getvalue().splitlines():
                log.warning("bert_score: %s", line)
            # greedy_cos_idf normalised c_emb / r_emb in place: reuse them for per-token evidence.
            sim = torch.bmm(c_emb, r_emb.transpose(1, 2))
            sim = sim.masked_fill(~(c_mask[:, :, None] & r_mask[:, None, :]), -2.0)
            c_best = sim.max(dim=2).values.numpy()
            r_best = sim.max(dim=1).values.numpy()
            p_np, r_np, f_np = P.numpy(), R.numpy(), F.numpy()
            for row, i in enumerate(idx):
                # All-zero idf weights (e.g. a candidate that is only "." when every reference has
                # one) make bert_score's P or R 0/0 = NaN; report 0 as it does for empty texts.
                p, r, f = (0.0 if math.isnan(x) else x for x in (float(p_np[row]), float(r_np[row]),
                                                                 float(f_np[row])))
                if baseline is not None:
                    p, r, f = ((x - bx) / (1.0 - bx) for x, bx in zip((p, r, f), baseline, strict=True))
                cn, rn = len(c_enc[row].input_ids), len(r_enc[row].input_ids)
                c_low = (c_best[row, :cn] < threshold) & _content_mask(c_enc[row], special)
                r_low = (r_best[row, :rn] < threshold) & _content_mask(r_enc[row], special)
                results[i] = PairBertScore(
                    precision=p, recall=r, f1=f,
                    cand_unmatched=np.flatnonzero(c_low).tolist(),
                    ref_unmatched=np.flatnonzero(r_low).tolist(),
                )
    return [r for r in results if r is not None]


def score_texts(
    encoder: Encoder,
    cands: Sequence[str],
    refs: Sequence[str],
    *,
    idf: bool = False,
    rescale: bool = False,
    baseline_path: str | None = None,
) -> list[PairBertScore]:
    """BERTScore of line-aligned texts (no sentence embeddings needed: the layer-only fast path)."""
    texts = list(dict.fromkeys([*cands, *refs]))
    encs = dict(zip(texts, encoder.encode_layer_only(texts), strict=True))
    weights = idf_dict(encoder, refs) if idf else None
    base = load_baseline(encoder, baseline_path) if rescale else None
    return score_pairs(encoder, [encs[t] for t in cands], [encs[t] for t in refs], idf=weights, baseline=base)


def mean_scores(scores: Sequence[PairBertScore]) -> tuple[float, float, float]:
    """Mean (P, R, F1) over pairs, as bert_score users report it; NaN when there are none."""
    if not scores:
        return math.nan, math.nan, math.nan
    arr = np.array([(s.precision, s.recall, s.f1) for s in scores], dtype=np.float64)
    p, r, f = arr.mean(axis=0)
    return float(p), float(r), float(f)


def signature(encoder: Encoder, idf: bool, rescaled: bool) -> str:
    """A sacrebleu-style signature that pins every setting and version behind a BERTScore."""
    import bert_score

    fields = encoder.signature_fields()
    parts = [
        "bertscore",
        f"model:{fields['model']}",
        f"rev:{fields['revision']}",
        f"layer:{fields['layer']}",
        f"idf:{'yes' if idf else 'no'}",
        f"rescale:{'yes' if rescaled else 'no'}",
        "tok:fast",
        f"bert_score:{bert_score.__version__}",
        f"transformers:{fields['transformers']}",
        f"torch:{fields['torch']}",
    ]
    return "|".join(parts)
