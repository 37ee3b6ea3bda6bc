"""Frozen dataclasses shared by every stage of the pipeline.

The flow is ``Document`` (segmented text) -> ``AlignedPair`` (alignment) -> ``PairScores`` /
``MetricScore`` (metrics) -> ``Finding`` (checks) -> ``Report``.  ``Report.to_dict()`` is the single
source from which the JSON and the HTML report are both rendered.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

SCHEMA_VERSION = "1"


class Severity(IntEnum):
    """Ordered severity of a finding: info < minor < major < critical."""

    INFO = 0
    MINOR = 1
    MAJOR = 2
    CRITICAL = 3

    def __str__(self) -> str:
        return self.name.lower()

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str | int | Severity) -> Severity:
        if isinstance(value, Severity):
            return value
        if isinstance(value, int):
            return cls(value)
        try:
            return cls[str(value).strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {value!r} (use info, minor, major, critical)") from None


@dataclass(frozen=True)
class Span:
    """Character offsets ``[start, end)`` into one document's text, with the text they cover."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Span:
        return cls(start, end, text[start:end])


@dataclass(frozen=True)
class Sentence:
    """One sentence: its position, its character span and the paragraph it belongs to."""

    index: int
    start: int
    end: int
    paragraph: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "start": self.start, "end": self.end, "paragraph": self.paragraph}


@dataclass(frozen=True)
class Paragraph:
    """A paragraph's span; ``starts_mid``/``ends_mid`` mark text cut in the middle of a sentence."""

    index: int
    start: int
    end: int
    starts_mid: bool = False
    ends_mid: bool = False
    kind: str = "paragraph"  # paragraph | heading | list-item

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "start": self.start,
            "end": self.end,
            "starts_mid": self.starts_mid,
            "ends_mid": self.ends_mid,
            "kind": self.kind,
        }


@dataclass(frozen=True)
class Document:
    """A text as read, split into paragraphs and sentences (offsets index into ``text``)."""

    id: str
    text: str
    sentences: tuple[Sentence, ...]
    paragraphs: tuple[Paragraph, ...] = ()
    path: str | None = None
    title: str | None = None
    encoding: str | None = None

    def sentence_text(self, indices: Iterable[int]) -> str:
        """The text of the given sentences joined by single spaces (a pair side for the metrics)."""
        return " ".join(self.sentences[i].text for i in indices)

    def span_of(self, indices: tuple[int, ...]) -> Span | None:
        """The character span from the first to the last of the given sentences."""
        if not indices:
            return None
        start = self.sentences[indices[0]].start
        end = self.sentences[indices[-1]].end
        return Span(start, end, self.text[start:end])

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": self.path,
            "title": self.title,
            "encoding": self.encoding,
            "text": self.text,
            "sentences": [s.to_dict() for s in self.sentences],
            "paragraphs": [p.to_dict() for p in self.paragraphs],
        }


@dataclass(frozen=True)
class AlignedPair:
    """Sentence indices on each side; an empty side is an omission (``rewritten=()``) or an addition."""

    original: tuple[int, ...]
    rewritten: tuple[int, ...]
    similarity: float

    @property
    def kind(self) -> str:
        return f"{len(self.original)}-{len(self.rewritten)}"

    @property
    def is_match(self) -> bool:
        return bool(self.original) and bool(self.rewritten)

    def to_dict(self) -> dict[str, Any]:
        return {
            "original": list(self.original),
            "rewritten": list(self.rewritten),
            # NaN where the caller skipped the sentence model (``compare_aligned(similarity=False)``)
            "similarity": None if math.isnan(self.similarity) else round(float(self.similarity), 6),
            "kind": self.kind,
        }


@dataclass(frozen=True)
class MetricScore:
    """A document-level score with the signature that makes it reproducible."""

    name: str
    score: float | None  # None: nothing to compare (no aligned pair); the JSON says null and "empty": true
    signature: str
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        score = None if self.score is None else round(float(self.score), 6)
        out: dict[str, Any] = {"score": score, "signature": self.signature}
        out.update(self.extra)
        return out


@dataclass(frozen=True)
class BertScoreResult:
    """Document-level BERTScore (mean over aligned pairs) and its signature."""

    precision: float
    recall: float
    f1: float
    signature: str
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "precision": round(float(self.precision), 6),
            "recall": round(float(self.recall), 6),
            "f1": round(float(self.f1), 6),
            "signature": self.signature,
        }
        out.update(self.extra)
        return out


@dataclass(frozen=True)
class PairScores:
    """Per-aligned-pair metrics; ``alignment`` indexes ``Report.alignment``."""

    alignment: int
    bleu: float
    chrf: float
    chrf_pp: float
    ter: float
    bertscore_precision: float | None = None
    bertscore_recall: float | None = None
    bertscore_f1: float | None = None
    # Token-level evidence from BERTScore's greedy matching: tokens of each side whose best match
    # fell below the threshold, as character spans into that side's document text.
    unmatched_original: tuple[Span, ...] = ()
    unmatched_rewritten: tuple[Span, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(float(x), 6)

        return {
            "alignment": self.alignment,
            "bleu": r(self.bleu),
            "chrf": r(self.chrf),
            "chrf++": r(self.chrf_pp),
            "ter": r(self.ter),
            "bertscore_precision": r(self.bertscore_precision),
            "bertscore_recall": r(self.bertscore_recall),
            "bertscore_f1": r(self.bertscore_f1),
            "unmatched_original": [s.to_dict() for s in self.unmatched_original],
            "unmatched_rewritten": [s.to_dict() for s in self.unmatched_rewritten],
        }


@dataclass(frozen=True)
class Coverage:
    """How much of each side took part in the alignment, and whether a side looks like an excerpt."""

    original: float
    rewritten: float
    original_chars: float
    rewritten_chars: float
    original_sentences: tuple[int, int]  # (aligned, total)
    rewritten_sentences: tuple[int, int]
    partial_original: bool = False
    partial_rewritten: bool = False
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "original": round(self.original, 6),
            "rewritten": round(self.rewritten, 6),
            "original_chars": round(self.original_chars, 6),
            "rewritten_chars": round(self.rewritten_chars, 6),
            "original_sentences": {"aligned": self.original_sentences[0], "total": self.original_sentences[1]},
            "rewritten_sentences": {"aligned": self.rewritten_sentences[0], "total": self.rewritten_sentences[1]},
            "partial_original": self.partial_original,
            "partial_rewritten": self.partial_rewritten,
            "note": self.note,
        }


@dataclass(frozen=True)
class Finding:
    """One piece of meaning drift, with the exact evidence on both sides."""

    check: str
    code: str
    severity: Severity
    message: str
    original: Span | None = None
    rewritten: Span | None = None
    alignment: int | None = None
    data: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "check": self.check,
            "code": self.code,
            "severity": self.severity.label,
            "message": self.message,
            "original": self.original.to_dict() if self.original else None,
            "rewritten": self.rewritten.to_dict() if self.rewritten else None,
            "alignment": self.alignment,
        }
        if self.data:
            out["data"] = dict(self.data)
        return out

    def sort_key(self) -> tuple[int, int, int]:
        pos = self.original.start if self.original else (self.rewritten.start if self.rewritten else 0)
        return (-int(self.severity), self.alignment if self.alignment is not None else 1 << 30, pos)


@dataclass(frozen=True)
class Report:
    """Everything one comparison produced; ``to_dict()`` is the JSON contract."""

    original: Document
    rewritten: Document
    alignment: tuple[AlignedPair, ...]
    metrics: Mapping[str, MetricScore]
    bertscore: BertScoreResult | None
    pairs: tuple[PairScores, ...]
    coverage: Coverage
    findings: tuple[Finding, ...]
    meta: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        metrics: dict[str, Any] = {name: m.to_dict() for name, m in self.metrics.items()}
        if self.bertscore is not None:
            metrics["bertscore"] = self.bertscore.to_dict()
        counts = {s.label: 0 for s in Severity}
        for f in self.findings:
            counts[f.severity.label] += 1
        return {
            "schema_version": SCHEMA_VERSION,
            "original": self.original.to_dict(),
            "rewritten": self.rewritten.to_dict(),
            "alignment": [a.to_dict() for a in self.alignment],
            "metrics": metrics,
            "pairs": [p.to_dict() for p in self.pairs],
            "coverage": self.coverage.to_dict(),
            "findings": [f.to_dict() for f in self.findings],
            "summary": {"findings_by_severity": counts},
            "meta": dict(self.meta),
        }

    # Analyst surfaces (pandas) live in evaluator.frames; imported lazily to keep start-up fast.
    def pairs_frame(self) -> Any:
        from .frames import pairs_frame

        return pairs_frame(self.to_dict())

    def findings_frame(self) -> Any:
        from .frames import findings_frame

        return findings_frame(self.to_dict())

    def _repr_html_(self) -> str:
        from .render.notebook import render_notebook

        return render_notebook(self.to_dict())
