"""Terminology: the user glossary's required/forbidden renderings, and one term rendered several ways.

* ``glossary-required-missing``: the original side of a pair has a glossary source term and the
  rewrite side has none of its required renderings.  The rewrite evidence is the forbidden rendering
  it used, named in the message, or else the whole rewrite sentence, which the message does not quote
  (it is the context, not a wrong term).
* ``glossary-forbidden-used``: a rewrite sentence (aligned or not) uses a forbidden rendering that
  the aligned original does not itself use.  A forbidden phrase inside a required one ("Republic of
  the Congo" in "Democratic Republic of the Congo") is not a use of it.
* ``term-inconsistent``: a noun the original repeats is kept in some pairs and replaced by one
  other noun in others ("administration" -> "government" here, "administration" there).  Only clean
  one-for-one substitutions count, so a paraphrase that restructures a sentence is not evidence.
  Forms of one word are one rendering: an inflection, a spelling variant, a shared stem, or a verb and
  the noun made of it ("landing" ~ "land", "tests" ~ "testing").

Matching (case, NFC normalisation, dashes, plural and possessive endings) is ``GlossaryTerm.find``'s:
see ``evaluator/glossary.py``.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from ..glossary import GlossaryTerm, glossary_terms
from ..types import Finding, Severity, Span
from ._struct_util import gap_counterpart, lemma_key, pair_alignment, quote, runs, stem_match
from .base import CheckContext, register

log = logging.getLogger(__name__)

_TERM_POS = frozenset({"NOUN"})


def _side_text(ctx: CheckContext, side: str, indices: Sequence[int]) -> tuple[str, int]:
    """The text covering the given sentences and its offset in the document."""
    span = ctx.sentence_span(side, indices)
    return (span.text, span.start) if span is not None else ("", 0)


# Endings that make a noun of a verb or inflect it ("landing" ~ "land", "testing" ~ "tests"): short stems
# ("land", "test") are below ``stem_match``'s five letters, so these are read off the ending.
_NOUN_ENDINGS = ("ing", "ings", "s", "es", "ment", "ments")  # not "er": "lander" is a thing, "landing" an act


def _one_word(a: str, b: str, wn: Any) -> bool:
    """Whether two normalised lemmas are forms of one word: one is the other plus a noun-forming or
    inflectional ending, or (with WordNet) a base form of the other as a verb ("landing" -> "land")."""
    for x, y in ((a, b), (b, a)):
        if len(y) >= 3 and x.startswith(y) and x[len(y):] in _NOUN_ENDINGS:
            return True
        if wn is not None and y in wn.base_forms(x, "v"):
            return True
    return False


@register
class TerminologyCheck:
    """Glossary compliance and consistent rendering of repeated terms."""

    name = "terminology"

    def run(self, ctx: CheckContext) -> Iterator[Finding]:
        terms = glossary_terms(ctx.glossary)
        if terms:
            yield from self._glossary(ctx, terms)
        yield from self._inconsistent(ctx)

    # -- glossary -------------------------------------------------------------------------------
    def _glossary(self, ctx: CheckContext, terms: Sequence[GlossaryTerm]) -> Iterator[Finding]:
        r_doc = ctx.rewritten
        for index, pair in enumerate(ctx.alignment):
            o_text, o_off = _side_text(ctx, "original", pair.original) if pair.original else ("", 0)
            r_text, r_off = _side_text(ctx, "rewritten", pair.rewritten) if pair.rewritten else ("", 0)
            for term in terms:
                o_hits = term.find_source(o_text) if o_text else []
                r_required = term.find_required(r_text) if r_text and term.required else []
                r_forbidden = term.find_forbidden(r_text, r_required) if r_text else []
                missing = bool(o_hits and pair.rewritten and term.required and not r_required)
                if r_forbidden and not missing:  # when required is missing that finding quotes it
                    o_forbidden = {p.lower() for _, _, p in term.find_forbidden(o_text)} if o_text else set()
                    for a, b, phrase in r_forbidden:
                        if phrase.lower() in o_forbidden:
                            continue  # the original says it too: faithful, whatever the glossary says
                        o_span = (Span.of(ctx.original.text, o_off + o_hits[0][0], o_off + o_hits[0][1])
                                  if o_hits else (ctx.sentence_span("original", pair.original)
                                                  if pair.original else None))
                        yield self._forbidden(term, index, o_span, Span.of(r_doc.text, r_off + a, r_off + b))
                if not missing:
                    continue
                oa, ob, _ = o_hits[0]
                o_span = Span.of(ctx.original.text, o_off + oa, o_off + ob)
                if r_forbidden:
                    fa, fb, _ = r_forbidden[0]
                    yield self._missing(term, index, o_span, Span.of(r_doc.text, r_off + fa, r_off + fb), True)
                else:  # nothing forbidden to point at: the evidence is the rewrite sentence, unnamed
                    yield self._missing(term, index, o_span, ctx.sentence_span("rewritten", pair.rewritten), False)

    def _missing(self, term: GlossaryTerm, index: int, o_span: Span, r_span: Span | None,
                 forbidden: bool) -> Finding:
        """``forbidden``: ``r_span`` is a forbidden rendering (named in the message), not just the
        rewrite sentence that lacks the required one."""
        req = " | ".join(f'"{r}"' for r in term.required)
        found = f'; the rewrite has the forbidden "{r_span.text}"' if forbidden and r_span is not None else ""
        note = f" ({term.note})" if term.note else ""
        return Finding(
            check=self.name, code="glossary-required-missing", severity=Severity.MAJOR,
            message=f'Glossary: "{o_span.text}" must be rendered as {req}{found}{note}',
            original=o_span, rewritten=r_span, alignment=index,
            data={"source_term": term.source, "required": list(term.required), "origin": term.origin},
        )

    def _forbidden(self, term: GlossaryTerm, index: int, o_span: Span | None, r_span: Span) -> Finding:
        use = " | ".join(f'"{r}"' for r in term.required)
        instead = f" (use {use})" if use else ""
        note = f" ({term.note})" if term.note else ""
        return Finding(
            check=self.name, code="glossary-forbidden-used", severity=Severity.MAJOR,
            message=f'Glossary: the rewrite uses the forbidden rendering "{r_span.text}" for '
                    f'"{term.source}"{instead}{note}',
            original=o_span, rewritten=r_span, alignment=index,
            data={"source_term": term.source, "forbidden": r_span.text, "origin": term.origin},
        )

    # -- consistency ------------------------------------------------------------------------------
    def _inconsistent(self, ctx: CheckContext) -> Iterator[Finding]:
        # original noun lemma -> rendering lemma -> [(alignment, o_sent, o_tok, r_sent, r_tok)]
        renderings: dict[str, dict[str, list[tuple[int, int, Any, int, Any]]]] = defaultdict(
            lambda: defaultdict(list))
        wn = ctx.wordnet()
        for index, _pair in ctx.matched():
            al = pair_alignment(ctx, index)
            o, r = al.o, al.r
            if not o.tokens or not r.tokens:
                continue
            for i, j in al.o2r.items():
                t, rt = o.tokens[i], r.tokens[j]
                if t.pos_ in _TERM_POS:
                    # a synonym match ("administration" ~ "government") is a different rendering;
                    # an inflection or spelling variant is the same one
                    key, rkey = lemma_key(t), lemma_key(rt)
                    if rkey != key and (rt.pos_ not in _TERM_POS or stem_match(key, rkey)
                                        or _one_word(key, rkey, wn)):
                        rkey = key
                    renderings[key][rkey].append((index, o.sents[i], t, r.sents[j], rt))
            unmatched_r = al.unmatched_r()
            for run in runs(al.unmatched_o()):
                if len(run) != 1:
                    continue
                t = o.tokens[run[0]]
                if t.pos_ not in _TERM_POS:
                    continue
                gap, left, right = gap_counterpart(run, al.o2r, len(o.tokens), unmatched_r)
                if len(gap) != 1 or (left is None and right is None):
                    continue  # only clean one-for-one substitutions next to kept neighbours
                if (left is not None and gap[0] != left + 1) or (right is not None and gap[0] != right - 1):
                    continue
                rt = r.tokens[gap[0]]
                if rt.pos_ not in _TERM_POS or _one_word(lemma_key(t), lemma_key(rt), wn):
                    continue
                renderings[lemma_key(t)][lemma_key(rt)].append((index, o.sents[run[0]], t, r.sents[gap[0]], rt))
        for term, by_rendering in renderings.items():
            kept = by_rendering.get(term, [])
            if not kept:
                continue
            for rendering, places in by_rendering.items():
                if rendering == term:
                    continue
                for index, osi, ot, rsi, rt in places:
                    first_kept = kept[0]
                    yield Finding(
                        check=self.name, code="term-inconsistent", severity=Severity.MINOR,
                        message=(f'"{ot.text}" is rendered as "{rt.text}" here but kept as '
                                 f'"{first_kept[4].text}" elsewhere ({len(kept)} time'
                                 f'{"s" if len(kept) != 1 else ""}): "{quote(rt.sent.text, 70)}"'),
                        original=ctx.token_span("original", osi, ot),
                        rewritten=ctx.token_span("rewritten", rsi, rt), alignment=index,
                        data={"term": term, "rendering": rendering, "kept": len(kept),
                              "replaced": len(places)},
                    )
