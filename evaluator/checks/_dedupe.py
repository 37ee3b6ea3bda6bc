"""Merge findings that describe the same edit, so a reviewer reads each edit once.

Checks look at a pair independently, so one edit can be reported twice: a tense or aspect change, a
dropped clause or a negation *inside* a quotation that the quotes check reports as altered; a name
that vanished with the clause around it; one term rendering reported by two checks.  Two findings of
the same aligned pair describe the same edit when, on one side, the evidence of one lies inside the
evidence of the other, and on the other side their evidence overlaps (or one of them has none).  A
span that covers the pair's whole sentences is context, not evidence.

Lying inside is not enough where the inner evidence is a small part of the outer and says something
else: a word dropped somewhere inside the clause whose roles turned round ("one" inside "the country
that ... is one that President Biden has viewed") is another edit.  So the inner evidence must be a
good part of the outer (``MIN_SHARE``) or be named in the outer finding's message (a quotation's
diff names every word it changed; a dropped clause names the name that went with it), and a side
where either finding has only an anchor (``ANCHOR_SIDE``: where missing words would stand) proves
nothing.  Evidence that only overlaps shows one edit where both messages name the shared words
("Opposition leader" dropped, and the title "leader" of the name after it).

Each group of such findings becomes one: the most severe finding is kept (between equally severe
ones, the one whose evidence covers the most, which describes the whole edit; then the more specific
check), and the others are folded into it: their messages are appended to its message ("Same
edit: ..."), unless the kept message already names their evidence (a quotation's diff that shows
"critical" → "crucial" need not add "crucial" was added), and kept whole, spans included, under
``data["merged"]``, so no evidence is lost and a reader of the JSON can still see every check that
fired.  Info findings are left alone.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from ..types import Finding, Severity, Span
from .base import CheckContext

# More specific checks first: between equally severe findings with the same evidence, the first wins.
_PRIORITY = ("roles", "negation", "numbers", "entities", "titles", "quotes", "tense", "omission", "terminology",
             "fluency")
_MERGED_MESSAGE_CHARS = 160
# The side of a finding that is an anchor, not evidence: where the missing words would stand, or the words
# around what was added (the other side of an omission, an addition, a missing name or number).
ANCHOR_SIDE = {"clause-dropped": "rewritten", "content-added": "original", "number-missing": "rewritten",
               "number-added": "original", "entity-missing": "rewritten", "entity-added": "original",
               "sentence-omitted": "rewritten", "sentence-added": "original"}
MIN_SHARE = 1 / 3  # of the outer evidence the inner must cover, unless the outer message names it
_CLOSERS = "”’\"')]»"


def _rank(check: str) -> int:
    return _PRIORITY.index(check) if check in _PRIORITY else len(_PRIORITY)


def _context_spans(ctx: CheckContext | None, ai: int | None) -> dict[str, Span | None]:
    if ctx is None or ai is None or not 0 <= ai < len(ctx.alignment):
        return {"original": None, "rewritten": None}
    pair = ctx.alignment[ai]
    return {"original": ctx.sentence_span("original", pair.original) if pair.original else None,
            "rewritten": ctx.sentence_span("rewritten", pair.rewritten) if pair.rewritten else None}


def _evidence(f: Finding, context: dict[str, Span | None]) -> dict[str, tuple[int, int] | None]:
    out: dict[str, tuple[int, int] | None] = {}
    for side in ("original", "rewritten"):
        span: Span | None = getattr(f, side)
        whole = context[side]
        if span is None or span.end <= span.start or (
                whole is not None and span.start <= whole.start and span.end >= whole.end):
            out[side] = None
        else:
            out[side] = (span.start, span.end)
    return out


def _inside(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return b[0] <= a[0] and a[1] <= b[1]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


Related = Callable[[str, "bool | None"], bool]


def same_edit(a: dict[str, tuple[int, int] | None], b: dict[str, tuple[int, int] | None],
              related: Related | None = None) -> bool:
    """Evidence of one inside the other's on some side, and overlapping (or absent) on the other side.

    ``related(side, a_inside)``, when given, says whether the nesting on ``side`` (``a``'s evidence inside
    ``b``'s, or the reverse) shows one edit (see the module docstring); a nesting it rejects still overlaps.
    It is also asked of a side where the two only overlap (``a_inside`` None): words both findings name
    there ("Opposition leader" dropped, the title "leader" dropped) show one edit too."""
    nested = False
    for side in ("original", "rewritten"):
        x, y = a[side], b[side]
        if x is None or y is None:
            continue
        if _inside(x, y) or _inside(y, x):
            if related is None or _inside(x, y) and related(side, True) or _inside(y, x) and related(side, False):
                nested = True
        elif not _overlap(x, y):
            return False
        elif related is not None and related(side, None):
            nested = True
    return nested


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def named_in(text: str, message: str) -> bool:
    """Whether ``message`` names ``text`` (its words, in order, as whole words)."""
    words = _norm(text)
    return bool(words) and f" {words} " in f" {_norm(message)} "


def _evidence_text(f: Finding, side: str) -> str | None:
    span: Span | None = getattr(f, side)
    return None if span is None or ANCHOR_SIDE.get(f.code) == side else span.text


def _related(inner: Finding, inner_ev: tuple[int, int], outer: Finding, outer_ev: tuple[int, int],
             side: str) -> bool:
    """Whether ``inner``'s evidence, lying inside ``outer``'s on ``side``, is part of the same edit."""
    text = _evidence_text(inner, side)
    if text is None or _evidence_text(outer, side) is None:
        return False  # an anchor on either side proves nothing
    if (inner_ev[1] - inner_ev[0]) >= MIN_SHARE * (outer_ev[1] - outer_ev[0]):
        return True
    return named_in(text, outer.message)


def _relation(fs: Sequence[Finding], ev: Sequence[dict[str, tuple[int, int] | None]], i: int, j: int) -> Related:
    """``same_edit``'s ``related`` for findings ``i`` and ``j`` of ``fs`` (evidence ``ev``)."""
    def related(side: str, i_inside: bool | None) -> bool:
        if i_inside is None:
            return _shared(fs[i], fs[j], side)
        inner, outer = (i, j) if i_inside else (j, i)
        return _related(fs[inner], ev[inner][side] or (0, 0), fs[outer], ev[outer][side] or (0, 0), side)
    return related


def _shared(a: Finding, b: Finding, side: str) -> bool:
    """Whether the words where the evidence of ``a`` and ``b`` overlaps on ``side`` are named in both messages."""
    x, y = getattr(a, side), getattr(b, side)
    if _evidence_text(a, side) is None or _evidence_text(b, side) is None:
        return False
    lo, hi = max(x.start, y.start), min(x.end, y.end)
    text = x.text[lo - x.start:hi - x.start]
    return named_in(text, a.message) and named_in(text, b.message)


def _already_said(f: Finding, message: str) -> bool:
    """Whether ``message`` names all of ``f``'s evidence (so appending ``f``'s message would repeat it).
    Never for a finding that cites a rule the user gave (a glossary entry, with its note): that rule is
    news however the kept message names the words."""
    if f.data and f.data.get("origin"):
        return False
    texts = [t for t in (_evidence_text(f, side) for side in ("original", "rewritten")) if t is not None]
    return bool(texts) and all(named_in(t, message) for t in texts)


def _ends_sentence(text: str) -> bool:
    """Whether ``text`` ends with a full stop (or ! ? …), inside closing quotation marks or not."""
    core = text.rstrip().rstrip(_CLOSERS)
    return bool(core) and core[-1] in ".!?…"


def _size(ev: dict[str, tuple[int, int] | None]) -> int:
    return sum(s[1] - s[0] for s in ev.values() if s is not None)


def _summary(f: Finding) -> dict[str, Any]:
    return {"check": f.check, "code": f.code, "severity": f.severity.label, "message": f.message,
            "original": f.original.to_dict() if f.original else None,
            "rewritten": f.rewritten.to_dict() if f.rewritten else None}


def _short(text: str) -> str:
    return text if len(text) <= _MERGED_MESSAGE_CHARS else text[:_MERGED_MESSAGE_CHARS - 1].rstrip() + "…"


SAME_EDIT = " Same edit: "  # between the kept finding's message and what the merged ones said (the HTML splits there)


def merge_group(group: Sequence[Finding], evidence: Sequence[dict[str, tuple[int, int] | None]]) -> Finding:
    """One finding for a group that describes the same edit (see the module docstring for the choice)."""
    order = sorted(range(len(group)), key=lambda k: (-int(group[k].severity), -_size(evidence[k]),
                                                    _rank(group[k].check)))
    return _fold(group[order[0]], [group[k] for k in order[1:]])


def _fold(keep: Finding, others: Sequence[Finding]) -> Finding:
    """``keep`` saying, after its own message, what ``others`` said of the same edit (what it does not
    already say: see the module docstring)."""
    merged = [_summary(f) for f in others]  # dedupe runs once, on findings straight from the checks
    data = {**(keep.data or {}), "merged": merged}
    news = [f for f in others if not _already_said(f, keep.message)]
    if not news:
        return replace(keep, data=data)
    head = keep.message.rstrip()
    if head and not _ends_sentence(head) and head[-1] not in ":;":
        head += "."
    parts = [_short(f"{f.check}/{f.code}: {f.message}").rstrip() for f in news]
    detail = "; ".join(p[:-1] if p.endswith(".") and not p.endswith("..") else p for p in parts[:-1])
    detail = f"{detail}; {parts[-1]}" if detail else parts[-1]
    message = f"{head}{SAME_EDIT}{detail}" + ("" if _ends_sentence(detail) else ".")
    return replace(keep, message=message, data=data)


def _root(parent: list[int], i: int) -> int:
    """Union-find root of ``i`` (with path halving)."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def dedupe_findings(findings: Sequence[Finding], ctx: CheckContext | None = None) -> list[Finding]:
    """Findings with each group of same-edit findings (one aligned pair) merged into one, sorted."""
    out: list[Finding] = []
    by_pair: dict[int, list[Finding]] = {}
    for f in findings:
        if f.alignment is None or f.severity < Severity.MINOR:
            out.append(f)
        else:
            by_pair.setdefault(f.alignment, []).append(f)
    for ai, fs in by_pair.items():
        if len(fs) == 1:
            out.extend(fs)
            continue
        empty = next((f for f in fs if (f.data or {}).get("empty_line")), None)
        if empty is not None:  # an empty output line: whatever else is missing from it is that one omission
            out.append(_fold(empty, sorted((f for f in fs if f is not empty), key=Finding.sort_key)))
            continue
        context = _context_spans(ctx, ai)
        ev = [_evidence(f, context) for f in fs]
        parent = list(range(len(fs)))
        for i in range(len(fs)):
            for j in range(i + 1, len(fs)):
                if same_edit(ev[i], ev[j], _relation(fs, ev, i, j)):
                    parent[_root(parent, i)] = _root(parent, j)
        groups: dict[int, list[int]] = {}
        for i in range(len(fs)):
            groups.setdefault(_root(parent, i), []).append(i)
        for members in groups.values():
            if len(members) == 1:
                out.append(fs[members[0]])
            else:
                out.append(merge_group([fs[k] for k in members], [ev[k] for k in members]))
    out.sort(key=Finding.sort_key)
    return out
