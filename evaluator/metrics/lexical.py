"""BLEU, chrF, chrF++ and TER through sacrebleu, for the document (as a corpus) and per pair.

Document scores are sacrebleu's corpus scores over the aligned pairs' texts (summed sufficient
statistics, not averaged sentence scores), so they equal ``sacrebleu.corpus_*`` on the same texts.

``document_and_pair_scores`` computes each pair's sufficient statistics once and derives both the
pair scores and the document score from them, exactly as sacrebleu's ``sentence_score`` and
``corpus_score`` do (each is ``_aggregate_and_compute`` over the same per-segment statistics); TER's
shift search, the costliest part, then runs once per pair instead of twice.  Metric objects and
their signatures are built once per thread.
"""
from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..types import MetricScore

LEXICAL_METRICS = ("bleu", "chrf", "chrf++", "ter")


def _metric(name: str, sentence: bool = False) -> Any:
    from sacrebleu.metrics import BLEU, CHRF, TER

    if name == "bleu":
        # Sentence BLEU needs effective order, or short pairs score 0 for lack of 4-grams.
        return BLEU(effective_order=sentence)
    if name == "chrf":
        return CHRF()
    if name == "chrf++":
        return CHRF(word_order=2)
    if name == "ter":
        return TER()
    raise ValueError(f"unknown lexical metric {name!r}")


@dataclass(frozen=True)
class LexicalPairScores:
    bleu: float
    chrf: float
    chrf_pp: float
    ter: float


class _Metrics(threading.local):
    """Per thread: one corpus and one sentence object per metric, and the signatures already formatted."""

    def __init__(self) -> None:
        self.corpus: dict[str, Any] = {}
        self.sentence: dict[str, Any] = {}
        self.signatures: dict[tuple[str, bool, int], str] = {}

    def get(self, name: str, sentence: bool) -> Any:
        table = self.sentence if sentence else self.corpus
        m = table.get(name)
        if m is None:
            m = table[name] = _metric(name, sentence=sentence)
        return m

    def signature(self, name: str, sentence: bool, nrefs: int) -> str:
        key = (name, sentence, nrefs)
        sig = self.signatures.get(key)
        if sig is None:
            # A fresh object: sacrebleu fixes nrefs in the signature on first use; score nothing to set it.
            m = _metric(name, sentence=sentence)
            if sentence:
                m.sentence_score("", [""] * nrefs)
            else:
                m.corpus_score([""], [[""] for _ in range(nrefs)])
            sig = self.signatures[key] = m.get_signature().format()
        return sig


_METRICS = _Metrics()


def corpus_scores(hyps: Sequence[str], refs: Sequence[Sequence[str]] | Sequence[str]) -> dict[str, MetricScore]:
    """Corpus BLEU/chrF/chrF++/TER of ``hyps`` against one or more reference streams.

    ``refs`` is either one list of references (one per hypothesis) or a list of such streams.
    """
    streams = _streams(refs)
    out: dict[str, MetricScore] = {}
    for name in LEXICAL_METRICS:
        if hyps:
            res = _METRICS.get(name, False).corpus_score(list(hyps), streams)
            out[name] = _document_score(name, res, len(streams))
        else:
            out[name] = _document_score(name, None, len(streams))
    return out


def sentence_scores(hyps: Sequence[str], refs: Sequence[str]) -> list[LexicalPairScores]:
    """Per-pair sentence scores (BLEU with effective order)."""
    if len(hyps) != len(refs):
        raise ValueError(f"{len(hyps)} hypotheses but {len(refs)} references")
    return document_and_pair_scores(hyps, [list(refs)], corpus=False)[1]


class CorpusTotals:
    """Running sums of sacrebleu's sufficient statistics per metric, part after part of a corpus.

    ``scores()`` gives the corpus scores of everything added so far: the numbers of ``corpus_scores``
    on the whole corpus (sacrebleu sums the per-segment statistics left to right before computing,
    and so do these sums, so even TER's float statistics add up in the same order), without keeping
    each segment's statistics or computing them a second time (``evaluator score`` adds each chunk's).
    """

    def __init__(self, nrefs: int = 1) -> None:
        self.nrefs = nrefs
        self.segments = 0
        self._sums: dict[str, list[Any]] = {}

    def add(self, name: str, stats: Sequence[Sequence[Any]]) -> None:
        """Add one part's per-segment statistics of metric ``name`` (in corpus order)."""
        from sacrebleu.utils import sum_of_lists

        if not stats:
            return
        prev = self._sums.get(name)
        self._sums[name] = sum_of_lists([prev, *stats] if prev is not None else list(stats))
        if name == LEXICAL_METRICS[0]:
            self.segments += len(stats)

    def scores(self) -> dict[str, MetricScore]:
        out: dict[str, MetricScore] = {}
        for name in LEXICAL_METRICS:
            total = self._sums.get(name)
            if total is None:
                out[name] = _document_score(name, None, self.nrefs)
                continue
            whole = _METRICS.get(name, False)
            whole.num_refs = self.nrefs  # what _extract_corpus_statistics would have recorded
            out[name] = _document_score(name, whole._compute_score_from_stats(list(total)), self.nrefs)
        return out


class StatsLog(CorpusTotals):
    """A ``CorpusTotals`` that records each ``add`` (metric, per-segment statistics) instead of summing:
    ``evaluator score`` replays a chunk's record into the set's totals, in chunk order, whichever
    process scored the chunk."""

    def __init__(self, nrefs: int = 1) -> None:
        super().__init__(nrefs)
        self.calls: list[tuple[str, list[Any]]] = []

    def add(self, name: str, stats: Sequence[Sequence[Any]]) -> None:
        if stats:
            self.calls.append((name, list(stats)))
        if name == LEXICAL_METRICS[0]:
            self.segments += len(stats)


def document_and_pair_scores(hyps: Sequence[str], refs: Sequence[Sequence[str]] | Sequence[str], *,
                             corpus: bool = True, totals: CorpusTotals | None = None,
                             ) -> tuple[dict[str, MetricScore], list[LexicalPairScores]]:
    """``corpus_scores(hyps, refs)`` and each pair's sentence score against every reference stream
    (sacrebleu's ``sentence_score(hyp, [ref1, ref2, ...])``), statistics computed once: each pair's
    statistics (best match over the streams) feed both its sentence score and the corpus score.
    ``totals``, when given, receives the corpus statistics (see ``CorpusTotals``).
    """
    streams = _streams(refs)
    hyps = list(hyps)
    per_pair: dict[str, list[float]] = {}
    out: dict[str, MetricScore] = {}
    for name in LEXICAL_METRICS:
        sent = _METRICS.get(name, True)
        stats = sent._extract_corpus_statistics(hyps, streams) if hyps else []
        per_pair[name] = [float(sent._aggregate_and_compute([st]).score) for st in stats]
        if not corpus and totals is None:
            continue
        if not hyps:
            out[name] = _document_score(name, None, len(streams))
            continue
        whole = _METRICS.get(name, False)
        whole.num_refs = len(streams)  # what _extract_corpus_statistics would have recorded
        corpus_stats = stats  # the statistics do not depend on sentence or corpus scoring
        if totals is not None:
            totals.add(name, corpus_stats)
        if corpus:
            out[name] = _document_score(name, whole._aggregate_and_compute(corpus_stats), len(streams))
    pairs = [LexicalPairScores(b, c, cp, t) for b, c, cp, t in
             zip(per_pair["bleu"], per_pair["chrf"], per_pair["chrf++"], per_pair["ter"], strict=True)]
    return out, pairs


def _document_score(name: str, res: Any, nrefs: int) -> MetricScore:
    extra: dict[str, Any]
    score: float | None
    if res is None:  # nothing aligned: no score (0.0 would read as a perfect TER and pass a gate)
        score, extra = None, {"empty": True}
    else:
        score, extra = float(res.score), _extra(name, res)
    extra["pair_signature"] = _METRICS.signature(name, True, nrefs)
    return MetricScore(name, score, _METRICS.signature(name, False, nrefs), extra)


def release_tokenizer_caches() -> int:
    """Empty sacrebleu's tokenizer caches (``lru_cache(2**16)`` per tokenizer, keyed by whole lines);
    returns how many entries went.

    A line-aligned set rarely repeats a line, so those caches hit almost never (4,000 DEMETR segments:
    151 hits in 27,855 calls) while they fill to 65,536 lines each: `evaluator score` empties them
    after every chunk so that its memory does not grow with them.
    """
    import sys

    freed = 0
    for name, module in list(sys.modules.items()):
        if not name.startswith("sacrebleu.tokenizers.") or module is None:
            continue
        for obj in vars(module).values():
            call = vars(obj).get("__call__") if isinstance(obj, type) else None  # defined on the class itself
            if call is not None and hasattr(call, "cache_clear") and hasattr(call, "cache_info"):
                freed += call.cache_info().currsize
                call.cache_clear()
    return freed


def chrf_similarity(a: str, b: str) -> float:
    """chrF of ``a`` against ``b`` scaled to [0, 1]: the alignment's lexical tie-breaker."""
    return float(_CHRF.sentence_score(a, [b]).score) / 100.0


class _LazyChrf:
    _m: Any = None

    def sentence_score(self, hyp: str, refs: list[str]) -> Any:
        if self._m is None:
            self._m = _metric("chrf")
        return self._m.sentence_score(hyp, refs)


_CHRF = _LazyChrf()


def _streams(refs: Sequence[Sequence[str]] | Sequence[str]) -> list[list[str]]:
    if refs and isinstance(refs[0], str):
        return [list(refs)]  # type: ignore[arg-type]
    return [list(r) for r in refs]  # type: ignore[union-attr]


def _extra(name: str, res: Any) -> dict[str, Any]:
    if name == "bleu":
        return {
            "precisions": [round(p, 4) for p in res.precisions],
            "bp": round(res.bp, 4),
            "sys_len": res.sys_len,
            "ref_len": res.ref_len,
        }
    return {}
