"""BERTScore from the encoder's embeddings, through bert_score's own greedy matching.

The numbers equal ``bert_score.score(cands, refs, model_type=<path>, num_layers=<layer>, idf=...)``
(tested to 1e-5): the token embeddings are bert_score's (``hidden_states[layer]``), the weights are
bert_score's (without idf every token weighs 1 but [CLS]/[SEP] 0; with idf, ``get_idf_dict`` over
the references) and the matching is ``bert_score.utils.greedy_cos_idf``'s, op for op (``_greedy``;
importing bert_score costs seconds, so the hot path does not). Candidates are the rewritten side,
references the original side. The encoder runs once per unique text, so alignment and BERTScore
share one forward pass. Each matching batch runs on one torch thread: its tensors are tiny, and waking
a second thread for each of them costs more than the work (a scheduler time slice on a busy machine);
the batches are shared among two Python threads instead (torch's ops release the GIL): 5,000 pairs
matched in 0.25 s instead of 0.33 s, the same numbers.

Baseline rescaling, ``(x - b) / (1 - b)``, uses bert_score's TSV files (``LAYER,P,R,F``). For the
default model we ship ``evaluator/data/baseline_all-MiniLM-L6-v2.tsv``: the mean P/R/F of
unrelated sentence pairs (every DEMETR dev ``eng_sent``/``mt_sent``, shuffled into 10 random
pairings, same-id pairs excluded), computed by ``bench/compute_baseline.py`` with ``bert_score.score``
and ``all_layers=True``, as bert_score computed its own baselines from random Common Crawl pairs.
"""
from __future__ import annotations

import contextlib
import csv
import importlib.util
import logging
import math
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache, partial
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
# Similarity-matrix cells per matching batch (16 MB of float32): bounds memory whatever the lengths.
# A pair longer than that alone (two 20,000-token texts would need 1.6 GB) is matched in row blocks.
MATCH_CELLS = 1 << 22
MATCH_THREADS = 2  # Python threads sharing the matching batches (at most torch's thread count)


@dataclass(frozen=True)
class PairBertScore:
    """BERTScore of one (candidate, reference) pair, with the tokens left without a good match."""

    precision: float
    recall: float
    f1: float
    cand_unmatched: list[int] = field(default_factory=list)  # token indices into the candidate Encoding
    ref_unmatched: list[int] = field(default_factory=list)  # token indices into the reference Encoding


def _below(best: np.ndarray, lengths: Sequence[int], threshold: float) -> list[np.ndarray]:
    """For each row of ``best`` (``[pairs, width]``), the token indices under its length whose best
    match is under ``threshold``: one ``nonzero`` for a whole matching batch, not one per text."""
    valid = np.arange(best.shape[1])[None, :] < np.asarray(lengths)[:, None]
    rows, cols = np.nonzero((best < threshold) & valid)
    return np.split(cols, np.searchsorted(rows, np.arange(1, best.shape[0])))


def _unmatched(enc: Encoding, below: np.ndarray, special_ids: frozenset[int]) -> list[int]:
    """Of the token indices ``below`` (best match under the threshold: ``_below``), those that may be
    reported unmatched: not special, not pure punctuation (checked only for these few tokens)."""
    out = []
    ids, offs = enc.input_ids, enc.offsets
    for i in below.tolist():
        s, e = int(offs[i][0]), int(offs[i][1])
        if int(ids[i]) in special_ids or e <= s:
            continue
        if all(unicodedata.category(c).startswith("P") for c in enc.text[s:e]):
            continue
        out.append(i)
    return out


def _weights(enc: Encoding, idf: Mapping[int, float] | None, encoder: Encoder) -> np.ndarray:
    tok = encoder.tokenizer
    if idf is None:
        ids = enc.input_ids
        return ((ids != tok.sep_token_id) & (ids != tok.cls_token_id)).astype(np.float32)
    # A defaultdict (from idf_dict) knows the weight of unseen ids; a plain dict gets its largest value.
    fallback = None if hasattr(idf, "default_factory") else max(idf.values(), default=0.0)
    vals = [idf[i] if fallback is None else idf.get(i, fallback) for i in enc.input_ids.tolist()]
    return np.asarray(vals, dtype=np.float32)


def _batch_weights(encs: Sequence[Encoding], idf: Mapping[int, float] | None, encoder: Encoder) -> Any:
    """``_weights`` of each encoding, padded with 0 as ``_pad`` pads (plain weights: one vectorised
    comparison over the batch's padded ids, not one call per text)."""
    if idf is not None:
        return _pad([_weights(e, idf, encoder) for e in encs], 0.0)
    import torch

    tok = encoder.tokenizer
    ids = _pad([e.input_ids for e in encs], -1, np.int64).numpy()
    return torch.from_numpy(((ids != tok.sep_token_id) & (ids != tok.cls_token_id) & (ids != -1)).astype(np.float32))


def idf_dict(encoder: Encoder, ref_texts: Iterable[str]) -> dict[int, float]:
    """bert_score's idf over the reference texts (a defaultdict: unseen ids get log(N + 1)).

    ``bert_score.utils.get_idf_dict`` without importing bert_score: each reference is encoded as its
    ``sent_encode`` does (stripped, special tokens, truncated to the model's maximum length; an empty
    text is [CLS] [SEP]); an id's document frequency counts the references that hold it.
    """
    refs = list(ref_texts)
    tok = encoder.tokenizer
    counts: Counter[int] = Counter()
    stripped = [t.strip() for t in refs]
    texts = [t for t in stripped if t]
    if texts:
        ids = tok(texts, add_special_tokens=True, max_length=tok.model_max_length, truncation=True,
                  return_attention_mask=False, return_token_type_ids=False, verbose=False)["input_ids"]
        for row in ids:
            counts.update(set(row))
    empty = len(stripped) - len(texts)
    if empty:
        counts.update({i: empty for i in set(tok.build_inputs_with_special_tokens([]))})
    n = len(refs)
    unseen = math.log(n + 1)
    # float(unseen) as the factory, not a lambda: the weights pickle (to `score --workers` processes).
    out: defaultdict[int, float] = defaultdict(partial(float, unseen))
    out.update({i: math.log((n + 1) / (c + 1)) for i, c in counts.items()})
    return out


def baseline_path_for(encoder: Encoder, lang: str = "en") -> Path | None:
    """The shipped baseline for the default model, else bert_score's file for the model name, if any."""
    ours = DATA_DIR / f"baseline_{encoder.name.split('/')[-1]}.tsv"
    if ours.is_file():
        return ours
    spec = importlib.util.find_spec("bert_score")  # locates the package without importing it
    if spec is None or spec.origin is None:
        return None
    theirs = Path(spec.origin).parent / "rescale_baseline" / lang / f"{encoder.name}.tsv"
    return theirs if theirs.is_file() else None


def read_baseline(file: str | Path) -> dict[int, tuple[float, float, float]]:
    """Every row of a bert_score baseline TSV (``LAYER,P,R,F``), validated: a whole layer number and
    three finite values below 1 (rescaling divides by ``1 - baseline``: a 1 divides by zero, a NaN or
    an infinity turns every score into NaN).  Any problem raises ``ConfigError`` naming the file and row."""
    file = Path(file)
    if not file.is_file():
        raise ConfigError(file, "baseline file not found" if not file.exists() else "not a file: not a bert_score baseline")
    try:
        with file.open(encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
    except UnicodeDecodeError:
        raise ConfigError(file, "not UTF-8 text: not a bert_score baseline") from None
    except OSError as exc:
        raise ConfigError(file, f"cannot read ({exc.strerror or exc})") from None
    if not rows or [c.strip().upper() for c in rows[0]] != ["LAYER", "P", "R", "F"]:
        raise ConfigError(file, "not a bert_score baseline (expected the header LAYER,P,R,F)")
    out: dict[int, tuple[float, float, float]] = {}
    for lineno, row in enumerate(rows[1:], start=2):
        if not row or not any(c.strip() for c in row):
            continue  # a blank line (a trailing one)
        try:
            if len(row) != 4:
                raise ValueError
            layer = int(row[0])
            p, r, f = (float(x) for x in row[1:4])
        except ValueError:
            raise ConfigError(file, f"bad baseline row {row!r} (expected LAYER,P,R,F)", line=lineno) from None
        bad = next((x for x in (p, r, f) if not math.isfinite(x) or x >= 1), None)
        if bad is not None:
            raise ConfigError(file, f"baseline row {row!r}: {bad!r} is not a usable baseline value "
                                    "(rescaling needs finite values below 1)", line=lineno)
        out.setdefault(layer, (p, r, f))
    return out


def load_baseline(
    encoder: Encoder, path: str | Path | None = None, lang: str = "en"
) -> tuple[float, float, float] | None:
    """The (P, R, F) baseline of ``encoder.layer`` from a bert_score TSV; None if there is none."""
    file = Path(path) if path is not None else baseline_path_for(encoder, lang)
    if file is None:
        log.warning("no rescaling baseline for %s; scores are not rescaled", encoder.name)
        return None
    row = read_baseline(file).get(encoder.layer)
    if row is not None:
        return row
    log.warning("baseline %s has no row for layer %d; scores are not rescaled", file, encoder.layer)
    return None


def _pad(arrays: list[np.ndarray], value: float, dtype: Any = np.float32) -> Any:
    """Right-pad to the longest plus one position.

    greedy_cos_idf zeroes masked similarities before its max, so a token whose cosines are all
    negative scores 0 when its partner is padded and below 0 when it is not: bert_score's own
    number depends on the batch. In its batches of 64 nearly every text is padded; one spare
    position makes that rule (max with 0) hold always, so ours does not depend on batching.
    """
    import torch

    width = max(len(a) for a in arrays) + 1
    out = np.full((len(arrays), width, *arrays[0].shape[1:]), value, dtype=dtype)
    for i, a in enumerate(arrays):
        out[i, : len(a)] = a
    return torch.from_numpy(out)


@contextlib.contextmanager
def one_torch_thread() -> Iterator[None]:
    """Run the enclosed torch ops on one thread, then restore the thread count."""
    import torch

    before = torch.get_num_threads()
    if before == 1:
        yield
        return
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _greedy(r_emb: Any, r_mask: Any, r_idf: Any, c_emb: Any, c_mask: Any, c_idf: Any,
            best: list[Any] | None = None, *, warn_empty: bool = True) -> tuple[Any, Any, Any]:
    """``bert_score.utils.greedy_cos_idf`` (0.3.13, one layer), op for op, in place as it is.

    References first, as bert_score orders them; normalises ``r_emb``/``c_emb`` and the idf rows in place.
    ``best``, when given, receives each candidate and reference token's best (masked) similarity.
    ``warn_empty``: log bert_score's warning for a batch with an empty candidate or reference.
    """
    import torch

    r_emb.div_(torch.norm(r_emb, dim=-1).unsqueeze(-1))
    c_emb.div_(torch.norm(c_emb, dim=-1).unsqueeze(-1))
    sim = torch.bmm(c_emb, r_emb.transpose(1, 2))
    masks = torch.bmm(c_mask.unsqueeze(2).float(), r_mask.unsqueeze(1).float())
    sim = sim * masks
    word_precision = sim.max(dim=2)[0]
    word_recall = sim.max(dim=1)[0]
    if best is not None:
        best += [word_precision, word_recall]
    c_idf.div_(c_idf.sum(dim=1, keepdim=True))
    r_idf.div_(r_idf.sum(dim=1, keepdim=True))
    P = (word_precision * c_idf).sum(dim=1)
    R = (word_recall * r_idf).sum(dim=1)
    F = 2 * P * R / (P + R)
    c_zero = c_mask.sum(dim=1).eq(2)
    r_zero = r_mask.sum(dim=1).eq(2)
    if torch.any(c_zero):
        if warn_empty:
            log.warning("bert_score: Warning: Empty candidate sentence detected; setting raw BERTscores to 0.")
        P = P.masked_fill(c_zero, 0.0)
        R = R.masked_fill(c_zero, 0.0)
    if torch.any(r_zero):
        if warn_empty:
            log.warning("bert_score: Warning: Empty reference sentence detected; setting raw BERTscores to 0.")
        P = P.masked_fill(r_zero, 0.0)
        R = R.masked_fill(r_zero, 0.0)
    F = F.masked_fill(torch.isnan(F), 0.0)
    return P, R, F


def _match_batches(order: Sequence[int], cands: Sequence[Encoding], refs: Sequence[Encoding]) -> Iterator[list[int]]:
    """``order`` cut into batches of at most SCORE_BATCH pairs whose padded similarity matrices
    (pairs x (longest candidate + 1) x (longest reference + 1)) fit in MATCH_CELLS; a pair too long
    for that on its own is a batch of one.  Results do not depend on the batching (see ``_pad``)."""
    batch: list[int] = []
    wc = wr = 0
    for i in order:
        c, r = len(cands[i].input_ids) + 1, len(refs[i].input_ids) + 1
        nc, nr = max(wc, c), max(wr, r)
        if batch and (len(batch) == SCORE_BATCH or (len(batch) + 1) * nc * nr > MATCH_CELLS):
            yield batch
            batch, nc, nr = [], c, r
        batch.append(i)
        wc, wr = nc, nr
    if batch:
        yield batch


def _score_long_pair(encoder: Encoder, c_enc: Encoding, r_enc: Encoding, idf: Mapping[int, float] | None,
                     baseline: tuple[float, float, float] | None, threshold: float) -> PairBertScore:
    """``_greedy`` and the evidence of ``score_pairs`` for one pair over MATCH_CELLS, in row blocks.

    The same numbers: in ``_greedy`` the padding adds a masked column and row of similarity 0, so
    every best match is at least 0; the evidence (each token's best match) has no such floor.
    """
    import torch

    c = torch.from_numpy(np.ascontiguousarray(c_enc.layer_embeddings, dtype=np.float32))
    r = torch.from_numpy(np.ascontiguousarray(r_enc.layer_embeddings, dtype=np.float32))
    c = c / torch.norm(c, dim=-1).unsqueeze(-1)
    r = r / torch.norm(r, dim=-1).unsqueeze(-1)
    rt = r.transpose(0, 1)
    rows = max(1, MATCH_CELLS // max(len(r), 1))
    c_best = torch.empty(len(c))
    r_best = torch.full((len(r),), -2.0)
    for start in range(0, len(c), rows):
        block = c[start:start + rows] @ rt
        c_best[start:start + rows] = block.max(dim=1).values
        r_best = torch.maximum(r_best, block.max(dim=0).values)
    c_w = torch.from_numpy(np.asarray(_weights(c_enc, idf, encoder), dtype=np.float32))
    r_w = torch.from_numpy(np.asarray(_weights(r_enc, idf, encoder), dtype=np.float32))
    p = float((c_best.clamp(min=0) * (c_w / c_w.sum())).sum())
    r_ = float((r_best.clamp(min=0) * (r_w / r_w.sum())).sum())
    if len(c_enc.input_ids) <= 2 or len(r_enc.input_ids) <= 2:  # bert_score's empty-text rule
        p = r_ = 0.0
    f = 2 * p * r_ / (p + r_) if p + r_ else 0.0  # NaN (0/0 weights) stays NaN: _result reports it as 0
    return _result((p, r_, f), c_enc, r_enc, np.flatnonzero(c_best.numpy() < threshold),
                   np.flatnonzero(r_best.numpy() < threshold), baseline, encoder.special_ids)


def _result(prf: tuple[float, float, float], c_enc: Encoding, r_enc: Encoding, c_below: np.ndarray,
            r_below: np.ndarray, baseline: tuple[float, float, float] | None,
            special: frozenset[int]) -> PairBertScore:
    """One pair's result: NaN scores as 0 (as bert_score reports 0/0 weights), rescaled when asked,
    with the tokens whose best match is under the threshold (``c_below``/``r_below``: their indices)."""
    p, r, f = (0.0 if math.isnan(x) else x for x in prf)
    if baseline is not None:
        p, r, f = ((x - bx) / (1.0 - bx) for x, bx in zip((p, r, f), baseline, strict=True))
    return PairBertScore(precision=p, recall=r, f1=f,
                         cand_unmatched=_unmatched(c_enc, c_below, special),
                         ref_unmatched=_unmatched(r_enc, r_below, special))


def _cells(c_enc: Encoding, r_enc: Encoding) -> int:
    """Similarity cells of one pair in a matching batch (each side padded by one position)."""
    return (len(c_enc.input_ids) + 1) * (len(r_enc.input_ids) + 1)


def _match_batch(encoder: Encoder, idx: list[int], cands: Sequence[Encoding], refs: Sequence[Encoding],
                 idf: Mapping[int, float] | None, baseline: tuple[float, float, float] | None, threshold: float,
                 special: frozenset[int], results: list[PairBertScore | None], warn_empty: bool = True) -> None:
    """Match one batch of pairs (``_greedy``) and put each pair's result at its index in ``results``."""
    import torch

    c_enc = [cands[i] for i in idx]
    r_enc = [refs[i] for i in idx]
    # bert_score pads embeddings with 2.0 and idf with 0, with boolean length masks.
    c_emb = _pad([e.layer_embeddings for e in c_enc], 2.0)
    r_emb = _pad([e.layer_embeddings for e in r_enc], 2.0)
    c_idf = _batch_weights(c_enc, idf, encoder)
    r_idf = _batch_weights(r_enc, idf, encoder)
    c_lens = [len(e.input_ids) for e in c_enc]
    r_lens = [len(e.input_ids) for e in r_enc]
    c_len, r_len = torch.tensor(c_lens), torch.tensor(r_lens)
    c_mask = torch.arange(c_emb.shape[1])[None, :] < c_len[:, None]
    r_mask = torch.arange(r_emb.shape[1])[None, :] < r_len[:, None]
    maxima: list[Any] = []
    P, R, F = _greedy(r_emb, r_mask, r_idf, c_emb, c_mask, c_idf, maxima, warn_empty=warn_empty)
    if threshold > 0:
        # The matching's best similarities are max(best real match, 0) (see _pad): for a
        # positive threshold, "under it" is the same test on them as on the real best match.
        c_best, r_best = maxima[0].numpy(), maxima[1].numpy()
    else:  # _greedy normalised c_emb / r_emb in place: reuse them
        sim = torch.bmm(c_emb, r_emb.transpose(1, 2))
        sim = sim.masked_fill(~(c_mask[:, :, None] & r_mask[:, None, :]), -2.0)
        c_best = sim.max(dim=2).values.numpy()
        r_best = sim.max(dim=1).values.numpy()
    c_below, r_below = _below(c_best, c_lens, threshold), _below(r_best, r_lens, threshold)
    # All-zero idf weights (e.g. a candidate that is only "." when every reference has
    # one) make bert_score's P or R 0/0 = NaN; _result reports 0 as it does for empty texts.
    for row, (i, p, r, f) in enumerate(zip(idx, P.tolist(), R.tolist(), F.tolist(), strict=True)):
        results[i] = _result((p, r, f), c_enc[row], r_enc[row], c_below[row], r_below[row], baseline, special)


def score_pairs(
    encoder: Encoder,
    cands: Sequence[Encoding],
    refs: Sequence[Encoding],
    *,
    idf: Mapping[int, float] | None = None,
    baseline: tuple[float, float, float] | None = None,
    threshold: float = DEFAULT_UNMATCHED_THRESHOLD,
    warn_empty: bool = True,
) -> list[PairBertScore]:
    """BERTScore of each (cand, ref) pair: cands are the rewritten side, refs the original side.

    ``idf``: an idf dict from ``idf_dict`` (None: plain weights); ``baseline``: (P, R, F) from
    ``load_baseline`` to rescale; ``threshold``: best-match cosine under which a token is unmatched.
    ``warn_empty``: log bert_score's "Empty candidate/reference sentence detected" warning (once per
    matching batch that has one, without saying which pair); False for a caller that reports empty
    texts itself (``testsets.score_systems``).  The scores are the same either way (0 for such a pair).
    """
    import torch

    if len(cands) != len(refs):
        raise ValueError(f"{len(cands)} candidates but {len(refs)} references")
    special = encoder.special_ids
    results: list[PairBertScore | None] = [None] * len(cands)
    # Similar lengths together: less padding in the similarity matrices.
    order = sorted(range(len(cands)), key=lambda i: (len(cands[i].input_ids), len(refs[i].input_ids)))
    long_pairs: list[int] = []
    batches: list[list[int]] = []
    for idx in _match_batches(order, cands, refs):
        if len(idx) == 1 and _cells(cands[idx[0]], refs[idx[0]]) > MATCH_CELLS:
            long_pairs.append(idx[0])  # matched below, in row blocks, on all of torch's threads
        else:
            batches.append(idx)

    def match(share: Sequence[list[int]]) -> None:
        with torch.inference_mode():
            for idx in share:
                _match_batch(encoder, idx, cands, refs, idf, baseline, threshold, special, results, warn_empty)

    # Each batch's tensors are tiny: torch's ops run on one thread (waking a second one for each costs
    # more than the work), and the batches are shared among as many Python threads as torch had
    # (the ops release the GIL; the results do not depend on which thread matched a batch).
    threads = min(torch.get_num_threads(), MATCH_THREADS, len(batches))
    with one_torch_thread():
        if threads <= 1:
            match(batches)
        else:
            with ThreadPoolExecutor(threads, thread_name_prefix="bertscore-match") as pool:
                for done in [pool.submit(match, batches[k::threads]) for k in range(threads)]:
                    done.result()
    with torch.inference_mode():
        for i in long_pairs:
            results[i] = _score_long_pair(encoder, cands[i], refs[i], idf, baseline, threshold)
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


@lru_cache(maxsize=1)
def bert_score_version() -> str:
    """``bert_score.__version__``, read from its ``__init__.py`` without importing it (that costs seconds).

    The package's own string, not the distribution's: bert-score 0.3.13 still says 0.3.12, and the
    signature has always carried what ``bert_score.__version__`` says.
    """
    import re

    spec = importlib.util.find_spec("bert_score")
    if spec is None or spec.origin is None:
        return "none"
    try:
        src = Path(spec.origin).read_text(encoding="utf-8")
    except OSError:
        src = ""
    m = re.search(r"^__version__\s*=\s*[\"']([^\"']+)[\"']", src, flags=re.M)
    if m:
        return m.group(1)
    import bert_score  # an unusual install: ask the module itself

    return str(bert_score.__version__)


def signature(encoder: Encoder, idf: bool, rescaled: bool) -> str:
    """A sacrebleu-style signature that pins every setting and version behind a BERTScore."""
    fields = encoder.signature_fields()
    parts = [
        "bertscore",
        f"model:{fields['model']}",
        f"rev:{fields['revision']}",
        f"layer:{fields['layer']}",
        f"idf:{'yes' if idf else 'no'}",
        f"rescale:{'yes' if rescaled else 'no'}",
        "tok:fast",
        f"bert_score:{bert_score_version()}",
        f"transformers:{fields['transformers']}",
        f"torch:{fields['torch']}",
    ]
    if encoder.precision != "fp32":  # fp32 signatures stay as they were: gate baselines compare them
        parts.append(f"dtype:{encoder.precision}")
    return "|".join(parts)
