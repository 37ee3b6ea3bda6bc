"""Build a ``CheckContext`` from lists of sentences, for table-driven check tests.

Uses the real bundled spaCy model (loaded once per test session).  Each list item is one sentence;
sentences are joined with a space into one paragraph per side.  Without an explicit alignment,
sentence ``i`` of the original aligns 1-1 with sentence ``i`` of the rewrite.
"""
from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from evaluator.checks.base import CheckContext
from evaluator.types import AlignedPair, Document, PairScores, Paragraph, Sentence


@functools.lru_cache(maxsize=1)
def nlp() -> Any:
    from evaluator.segment import load_nlp

    return load_nlp()


def make_doc(doc_id: str, sentences: Sequence[str]) -> Document:
    parts, sents, pos = [], [], 0
    for i, s in enumerate(sentences):
        if i:
            parts.append(" ")
            pos += 1
        sents.append(Sentence(i, pos, pos + len(s), 0, s))
        parts.append(s)
        pos += len(s)
    text = "".join(parts)
    return Document(doc_id, text, tuple(sents), (Paragraph(0, 0, len(text)),))


def make_context(original: Sequence[str] | str, rewritten: Sequence[str] | str,
                 alignment: Sequence[tuple[Sequence[int], Sequence[int]]] | None = None,
                 **kwargs: Any) -> CheckContext:
    if isinstance(original, str):
        original = [original]
    if isinstance(rewritten, str):
        rewritten = [rewritten]
    o, r = make_doc("original", original), make_doc("rewritten", rewritten)
    if alignment is None:
        n = max(len(original), len(rewritten))
        alignment = [((i,) if i < len(original) else (), (i,) if i < len(rewritten) else ())
                     for i in range(n)]
    pairs = [AlignedPair(tuple(a), tuple(b), 1.0) for a, b in alignment]
    parsed = {
        side: [next(iter(d.sents)) if len(list(d.sents)) == 1 else d[:] for d in nlp().pipe(texts)]
        for side, texts in (("original", list(original)), ("rewritten", list(rewritten)))
    }
    scores = {i: PairScores(i, 0.0, 0.0, 0.0, 0.0) for i, p in enumerate(pairs) if p.is_match}
    return CheckContext(original=o, rewritten=r, alignment=pairs, pairs=scores, coverage=None,
                        parses=parsed, **kwargs)


def codes(findings: Sequence[Any], min_severity: int = 0) -> set[str]:
    return {f.code for f in findings if int(f.severity) >= min_severity}
