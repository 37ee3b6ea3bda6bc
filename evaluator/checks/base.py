"""The check protocol, the context every check reads, and the registry checks plug into.

A check is a class with a ``name`` and ``run(context) -> Iterator[Finding]``; decorate it with
``@register``.  Checks never print, never decide pass/fail and never load a model: everything they
need (parses, embeddings, reference sets, glossary) is on the ``CheckContext``.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from ..types import AlignedPair, Coverage, Document, Finding, PairScores, Span


class Check(Protocol):
    name: str

    def run(self, ctx: CheckContext) -> Iterator[Finding]: ...


REGISTRY: dict[str, type] = {}
_C = TypeVar("_C", bound=type)


def register(cls: _C) -> _C:
    """Class decorator: add a check to the registry under its ``name``."""
    name = getattr(cls, "name", None)
    if not name:
        raise TypeError(f"{cls.__name__} has no name")
    REGISTRY[name] = cls
    return cls


@dataclass
class CheckContext:
    """What a check may look at: both documents, the alignment and everything computed once.

    ``parses[side][i]`` is the spaCy ``Span`` of sentence ``i`` of ``side`` ("original" or
    "rewritten"); token offsets inside it are relative to ``sentence.start`` via ``token_span``.
    """

    original: Document
    rewritten: Document
    alignment: Sequence[AlignedPair]
    pairs: Mapping[int, PairScores]  # alignment index -> scores (matched pairs only)
    coverage: Coverage | None
    parses: Mapping[str, Sequence[Any]]
    reference_sets: Any = None
    glossary: Any = None
    embeddings: Mapping[str, Any] = field(default_factory=dict)  # side -> np.ndarray [n, d]
    options: Any = None

    def doc(self, side: str) -> Document:
        return self.original if side == "original" else self.rewritten

    def matched(self) -> Iterator[tuple[int, AlignedPair]]:
        """Alignment indices and pairs that have sentences on both sides."""
        for i, a in enumerate(self.alignment):
            if a.is_match:
                yield i, a

    def wordnet(self) -> Any:
        """The WordNet database of this run (``options.wordnet_path``; opened once per path), or None."""
        from ..lexicon import load_wordnet

        return load_wordnet(getattr(self.options, "wordnet_path", None))

    def unit_parses(self, side: str, indices: Sequence[int]) -> list[Any]:
        return [self.parses[side][i] for i in indices]

    def char_span(self, side: str, sent_index: int, start_char: int, end_char: int) -> Span:
        """Span for character offsets relative to the start of sentence ``sent_index``."""
        doc = self.doc(side)
        base = doc.sentences[sent_index].start
        return Span.of(doc.text, base + start_char, base + end_char)

    def token_span(self, side: str, sent_index: int, first: Any, last: Any | None = None) -> Span:
        """Span covering spaCy tokens ``first``..``last`` (inclusive) of a sentence parse."""
        last = first if last is None else last
        sent = self.parses[side][sent_index]
        off = sent.start_char
        return self.char_span(side, sent_index, first.idx - off, last.idx + len(last.text) - off)

    def sentence_span(self, side: str, indices: Sequence[int]) -> Span | None:
        return self.doc(side).span_of(tuple(indices))


# Findings whose evidence may stand in a neighbouring row of the alignment (``outside_pair``): a quotation is
# matched in its pair with the neighbouring pairs allowed (it can straddle a sentence split, or sit across an
# alignment slip), so the rewritten quotation, and the speaker named next to it, may lie in the row before or after.
NEIGHBOUR_ROW_CODES = frozenset({("quotes", "quote-altered"), ("quotes", "quote-truncated"),
                                 ("quotes", "quote-extended"), ("quotes", "quote-form-changed"),
                                 ("quotes", "quote-speaker-changed")})


def outside_pair(findings: Sequence[Finding], ctx: CheckContext, *,
                 neighbour_rows: bool = True) -> list[tuple[Finding, str]]:
    """Findings (with the side) whose evidence span lies outside the sentences of the alignment row they name.

    A span must overlap the sentences of its row on its side (it may run on past them: a quotation that runs
    into the next sentence, or ``sentence-moved``, whose row is the first of the moved run).  A side the row
    has no sentence on is not looked at: an omission's or addition's other side is an anchor, the nearest
    aligned sentence.  With ``neighbour_rows`` the rows next to it count too for ``NEIGHBOUR_ROW_CODES``.
    """
    out: list[tuple[Finding, str]] = []
    for f in findings:
        if f.alignment is None or not 0 <= f.alignment < len(ctx.alignment):
            continue
        rows = [f.alignment]
        if neighbour_rows and (f.check, f.code) in NEIGHBOUR_ROW_CODES:
            rows = [k for k in (f.alignment - 1, f.alignment, f.alignment + 1) if 0 <= k < len(ctx.alignment)]
        for side in ("original", "rewritten"):
            span: Span | None = getattr(f, side)
            own = getattr(ctx.alignment[f.alignment], side)
            if span is None or not own:
                continue
            sentences = ctx.doc(side).sentences
            ranges = [(sentences[min(idx)].start, sentences[max(idx)].end)
                      for idx in (getattr(ctx.alignment[k], side) for k in rows) if idx]
            if not any(span.start < hi and span.end > lo or span.start == span.end and lo <= span.start <= hi
                       for lo, hi in ranges):
                out.append((f, side))
    return out


def run_checks(ctx: CheckContext, names: Sequence[str] | None = None,
               on_error: Callable[[str, BaseException], None] | None = None,
               merge: bool = True) -> list[Finding]:
    """Run the named (default: all) registered checks and return findings sorted by severity.

    A finding about the part of a sentence an excerpt cut off is info (``_excerpt.outside_excerpt``).
    With ``EVALUATOR_STRICT_CODES=1`` (the tests set it), an unknown finding code, or evidence outside the
    alignment row a finding names (``outside_pair``), raises an AssertionError.
    With ``merge`` (the default), findings that describe the same edit are merged into one
    (``_dedupe.dedupe_findings``).
    """
    from . import load_all
    from ._dedupe import dedupe_findings

    load_all()
    findings: list[Finding] = []
    for name in names if names is not None else sorted(REGISTRY):
        cls = REGISTRY[name]
        try:
            findings.extend(cls().run(ctx))
        except Exception as exc:  # a broken check must not lose the rest of the report
            if on_error is None:
                raise
            on_error(name, exc)
    from ._excerpt import outside_excerpt

    if os.environ.get("EVALUATOR_STRICT_CODES") == "1":
        from .codes import CODES

        unknown = sorted({f"{f.check}/{f.code}" for f in findings if CODES.get(f.code, ("",))[0] != f.check})
        if unknown:
            raise AssertionError(f"finding codes missing from evaluator/checks/codes.py: {', '.join(unknown)}")
        # Evidence must stand in the row it names (or a neighbouring one, for NEIGHBOUR_ROW_CODES): a span in
        # another row is an index slip, or a match a later row's own sentence should have had.
        stray = outside_pair(findings, ctx)
        if stray:
            raise AssertionError("findings with evidence outside their alignment row: " + "; ".join(
                f"{f.check}/{f.code} row {f.alignment} {side} {getattr(f, side).text[:60]!r}" for f, side in stray[:5]))
    findings = outside_excerpt(findings, ctx)  # what an excerpt's cut leaves out is info, not drift
    if merge:
        return dedupe_findings(findings, ctx)
    findings.sort(key=Finding.sort_key)
    return findings
