"""Helpers shared by the lexical checks (numbers, quotes, negation, tense)."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ..types import Span
from .base import CheckContext

SIDES = ("original", "rewritten")

# (sentence index, spaCy token) — a token located in its document.
Located = tuple[int, Any]


def side_tokens(ctx: CheckContext, side: str, indices: Sequence[int]) -> list[Located]:
    """Every token of the given sentences of ``side``, in order, with its sentence index."""
    return [(i, tok) for i in indices for tok in ctx.parses[side][i]]


def span_of(ctx: CheckContext, side: str, first: Located, last: Located | None = None) -> Span:
    """The document span from token ``first`` to token ``last`` (may cross sentences)."""
    last = first if last is None else last
    a = ctx.token_span(side, first[0], first[1])
    if last[0] == first[0]:
        return ctx.token_span(side, first[0], first[1], last[1])
    b = ctx.token_span(side, last[0], last[1])
    return Span.of(ctx.doc(side).text, a.start, b.end)


def one_to_one(pair: Any) -> bool:
    return len(pair.original) == 1 and len(pair.rewritten) == 1


def neighbour_indices(ctx: CheckContext, alignment_index: int, side: str, reach: int = 1) -> list[int]:
    """Sentence indices of ``side`` in the aligned pairs within ``reach`` of ``alignment_index``."""
    out: list[int] = []
    lo, hi = max(0, alignment_index - reach), min(len(ctx.alignment), alignment_index + reach + 1)
    for k in range(lo, hi):
        out.extend(getattr(ctx.alignment[k], side))
    return out


def clause_verbs(sent: Any) -> Iterator[Any]:
    """Tokens heading a verbal or copular clause (verbs, and predicates that carry an auxiliary)."""
    for tok in sent:
        if tok.pos_ == "VERB" or (tok.pos_ == "AUX" and tok.dep_ in ("ROOT", "conj", "ccomp", "advcl",
                                                                         "relcl", "xcomp", "acl")):
            yield tok
        elif tok.dep_ in ("ROOT", "conj", "ccomp", "advcl", "relcl") and any(
                c.dep_ in ("aux", "auxpass", "cop") or (c.pos_ == "AUX" and c.dep_ != "conj")
                for c in tok.children):
            yield tok


def q(text: str) -> str:
    """Quote a value for a message."""
    return f"“{text}”"


# The channel an attribution names ("a statement from X's office said"): the source speaks through it.
CHANNEL_NOUNS = frozenset({"statement", "release", "communique", "announcement", "bulletin"})


def subject_of(verb: Any) -> Any | None:
    """The subject of ``verb``, or of the verb it is coordinated with ("stole and sold", "took ... but
    rejected"); None."""
    for _ in range(4):
        subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None or verb.dep_ != "conj" or verb.head.i == verb.i:
            return subj
        verb = verb.head
    return None
