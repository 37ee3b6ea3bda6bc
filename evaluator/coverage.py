"""Coverage: how much of each side took part in the alignment, and whether a side is an excerpt."""
from __future__ import annotations

from collections.abc import Sequence

from .types import AlignedPair, Coverage, Document

# A side is called an excerpt when it is much shorter than the other and some of its paragraphs
# start or end in the middle of a sentence, or when it is very much shorter on its own.
_SHORT_RATIO = 0.6
_VERY_SHORT_RATIO = 0.35


def compute_coverage(original: Document, rewritten: Document, alignment: Sequence[AlignedPair]) -> Coverage:
    """Shares of sentences and characters of each side that are part of a matched pair."""
    o_idx = {i for a in alignment if a.is_match for i in a.original}
    r_idx = {i for a in alignment if a.is_match for i in a.rewritten}
    o_chars = _chars(original)
    r_chars = _chars(rewritten)
    o_cov_chars = sum(len(original.sentences[i].text) for i in o_idx) / o_chars if o_chars else 0.0
    r_cov_chars = sum(len(rewritten.sentences[i].text) for i in r_idx) / r_chars if r_chars else 0.0
    n_o, n_r = len(original.sentences), len(rewritten.sentences)
    # An excerpt is part of the other side: something must align (a rewrite of only punctuation, or
    # an unrelated text, is not "an excerpt", and would otherwise turn its additions into info).
    partial_o = bool(o_idx) and _looks_partial(original, rewritten)
    partial_r = bool(r_idx) and _looks_partial(rewritten, original)
    note = None
    if not o_idx and n_o and n_r:
        note = "No sentence of the rewrite aligns with one of the original: there is nothing to compare."
    elif partial_o:
        note = (
            f"The original looks like a partial excerpt ({_why(original, rewritten)}): rewrite text "
            "without a counterpart may simply be outside the excerpt, not an addition."
        )
    elif partial_r:
        note = (
            f"The rewrite looks like a partial excerpt ({_why(rewritten, original)}): original text "
            "without a counterpart may simply be outside the excerpt."
        )
    return Coverage(
        original=len(o_idx) / n_o if n_o else 0.0,
        rewritten=len(r_idx) / n_r if n_r else 0.0,
        original_chars=o_cov_chars,
        rewritten_chars=r_cov_chars,
        original_sentences=(len(o_idx), n_o),
        rewritten_sentences=(len(r_idx), n_r),
        partial_original=partial_o,
        partial_rewritten=partial_r,
        note=note,
    )


def _chars(doc: Document) -> int:
    return sum(len(s.text) for s in doc.sentences)


def _cut_paragraphs(doc: Document) -> int:
    return sum(1 for p in doc.paragraphs if p.starts_mid or p.ends_mid)


def _looks_partial(side: Document, other: Document) -> bool:
    a, b = _chars(side), _chars(other)
    if not a or not b:
        return False
    ratio = a / b
    return ratio < _VERY_SHORT_RATIO or (ratio < _SHORT_RATIO and _cut_paragraphs(side) > 0)


def _why(side: Document, other: Document) -> str:
    ratio = _chars(side) / max(1, _chars(other))
    cut = _cut_paragraphs(side)
    parts = [f"{ratio:.0%} of the other side's length"]
    if cut:
        parts.append(f"{cut} paragraph{'s' if cut != 1 else ''} cut mid-sentence")
    return ", ".join(parts)
