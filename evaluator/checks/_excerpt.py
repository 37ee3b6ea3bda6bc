"""Findings about the part of a sentence that an excerpt cut off.

An excerpt can start or end in the middle of a sentence ("chief financial and political benefactor,
and ..."; the segmenter marks such paragraphs ``starts_mid`` / ``ends_mid``).  The original may be one;
the rewrite counts as one only where coverage says it reads as an excerpt of the original (a rewrite
that merely stops mid-sentence has lost what it does not say).  Its counterpart is the
whole sentence, so whatever the counterpart says before the cut (or after it) has nothing to be
compared with: a name, a number or a clause there is not added to, or missing from, the other side;
the excerpt simply does not reach it.  Such a finding is kept, as info, saying why.

The cut point is found in the whole sentence where the fragment's words begin (or end): the first
(or last) run of at least two words the two share.  A finding counts as outside the excerpt when it
has evidence only on the whole sentence's side and that evidence lies entirely before (after) the
cut point.  The fragment's side of an addition or omission inside a sentence (``content-added`` /
``clause-dropped``) is an anchor, the words next to where the text would stand (``_dedupe.ANCHOR_SIDE``),
not evidence: "one of the few areas where ..." added before the excerpt's first words is outside it.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import replace

from ..types import Document, Finding, Severity, Span
from ._dedupe import ANCHOR_SIDE, _context_spans, _evidence
from .base import CheckContext

_WORDS = re.compile(r"\w+")
MIN_RUN = 2  # words a run must share to place the cut


def cut_sentences(doc: Document) -> tuple[set[int], set[int]]:
    """Indices of the sentences cut at their start and at their end (first / last of a paragraph that
    starts / ends mid-sentence)."""
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for s in doc.sentences:
        first.setdefault(s.paragraph, s.index)
        last[s.paragraph] = s.index
    starts = {first[p.index] for p in doc.paragraphs if p.starts_mid and p.index in first}
    ends = {last[p.index] for p in doc.paragraphs if p.ends_mid and p.index in last}
    return starts, ends


def _words(text: str, offset: int) -> tuple[list[str], list[tuple[int, int]]]:
    found = list(_WORDS.finditer(text))
    return [m.group(0).lower() for m in found], [(offset + m.start(), offset + m.end()) for m in found]


def _cut_point(span: Span | None, fragment: str, at_start: bool) -> int | None:
    """The character offset in the whole sentence ``span`` where ``fragment`` begins (``at_start``) or
    ends: the first / last run of ``MIN_RUN`` or more words the two share; None where they share none."""
    if span is None:
        return None
    w_words, w_pos = _words(span.text, span.start)
    f_words, _ = _words(fragment, 0)
    runs = [b for b in difflib.SequenceMatcher(None, w_words, f_words, autojunk=False).get_matching_blocks()
            if b.size >= MIN_RUN]
    if not runs:
        return None
    if at_start:
        return w_pos[runs[0].a][0]
    end = runs[-1]
    return w_pos[end.a + end.size - 1][1]


def outside_excerpt(findings: Iterable[Finding], ctx: CheckContext) -> list[Finding]:
    """``findings`` with those about the cut-off part of an excerpt's sentence made info (see the module)."""
    cuts = {side: cut_sentences(ctx.doc(side)) for side in ("original", "rewritten")}
    # A rewrite cut mid-sentence is an excerpt only where it reads as one (a small part of the original):
    # otherwise it is a rewrite that stops short (an MT output cut at a length limit), and what it lost
    # is lost.
    if ctx.coverage is None or not ctx.coverage.partial_rewritten:
        cuts["rewritten"] = (set(), set())
    if not any(a or b for a, b in cuts.values()):
        return list(findings)
    points: dict[tuple[int, str, bool], int | None] = {}
    contexts: dict[int, dict[str, Span | None]] = {}  # each pair's sentence spans, once
    out: list[Finding] = []
    for f in findings:
        out.append(_outside(f, ctx, cuts, points, contexts) or f)
    return out


def _outside(f: Finding, ctx: CheckContext, cuts: dict[str, tuple[set[int], set[int]]],
             points: dict[tuple[int, str, bool], int | None],
             contexts: dict[int, dict[str, Span | None]]) -> Finding | None:
    ai = f.alignment
    if ai is None or f.severity == Severity.INFO or not 0 <= ai < len(ctx.alignment):
        return None
    pair = ctx.alignment[ai]
    if not pair.is_match:
        return None
    if ai not in contexts:
        contexts[ai] = _context_spans(ctx, ai)
    context = contexts[ai]
    ev = _evidence(f, context)
    anchor = ANCHOR_SIDE.get(f.code)
    if anchor is not None:  # where added or dropped words stand is an anchor, not evidence ("between "economic"")
        ev[anchor] = None
    for cut_side, whole_side in (("original", "rewritten"), ("rewritten", "original")):
        here = ev[whole_side]
        if ev[cut_side] is not None or here is None:
            continue
        starts, ends = cuts[cut_side]
        cut_indices = getattr(pair, cut_side)
        for at_start, cut_sentence in ((True, cut_indices[0]), (False, cut_indices[-1])):
            if cut_sentence not in (starts if at_start else ends):
                continue
            key = (ai, cut_side, at_start)
            if key not in points:
                fragment = ctx.doc(cut_side).sentences[cut_sentence].text
                points[key] = _cut_point(context[whole_side], fragment, at_start)
            point = points[key]
            if point is None or not (here[1] <= point if at_start else here[0] >= point):
                continue
            label = "original" if cut_side == "original" else "rewrite"
            where = "starts" if at_start else "ends"
            side_word = "before" if at_start else "after"
            return replace(f, severity=Severity.INFO,
                           message=f"{f.message.rstrip()} (outside the excerpt: the {label} {where} mid-sentence "
                                   f"here, and this lies {side_word} its cut)",
                           data={**(f.data or {}), "outside_excerpt": cut_side, "severity_before": str(f.severity)})
    return None
