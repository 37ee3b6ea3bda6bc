"""BLEU, chrF, chrF++ and TER through sacrebleu, for the document (as a corpus) and per pair.

Document scores are sacrebleu's corpus scores over the aligned pairs' texts (summed sufficient
statistics, not averaged sentence scores), so they equal ``sacrebleu.corpus_*`` on the same texts.
"""
from __future__ import annotations

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


def corpus_scores(hyps: Sequence[str], refs: Sequence[Sequence[str]] | Sequence[str]) -> dict[str, MetricScore]:
    """Corpus BLEU/chrF/chrF++/TER of ``hyps`` against one or more reference streams.

    ``refs`` is either one list of references (one per hypothesis) or a list of such streams.
    """
    streams = _streams(refs)
    out: dict[str, MetricScore] = {}
    for name in LEXICAL_METRICS:
        metric = _metric(name)
        if hyps:
            res = metric.corpus_score(list(hyps), streams)
            score, extra = float(res.score), _extra(name, res)
        else:
            # sacrebleu fixes nrefs in the signature on first use; score nothing to get one.
            metric.corpus_score([""], [[""] for _ in streams])
            score, extra = 0.0, {"empty": True}
        pair_metric = _metric(name, sentence=True)
        pair_metric.sentence_score("", [""])
        extra["pair_signature"] = pair_metric.get_signature().format()
        out[name] = MetricScore(name, score, metric.get_signature().format(), extra)
    return out


def sentence_scores(hyps: Sequence[str], refs: Sequence[str]) -> list[LexicalPairScores]:
    """Per-pair sentence scores (BLEU with effective order)."""
    metrics = {name: _metric(name, sentence=True) for name in LEXICAL_METRICS}
    out = []
    for hyp, ref in zip(hyps, refs, strict=True):
        vals = {name: float(m.sentence_score(hyp, [ref]).score) for name, m in metrics.items()}
        out.append(LexicalPairScores(vals["bleu"], vals["chrf"], vals["chrf++"], vals["ter"]))
    return out


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
