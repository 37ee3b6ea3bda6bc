"""Merge findings that describe the same edit, so a reviewer reads each edit once.

Checks look at a pair independently, so one edit can be reported twice: a tense or aspect change, a
dropped clause or a negation *inside* a quotation that the quotes check reports as altered; a name
that vanished with the clause around it; one term rendering reported by two checks.  Two findings of
the same aligned pair describe the same edit when, on one side, the evidence of one lies inside the
evidence of the other, and on the other side their evidence overlaps (or one of them has none).  A
span that covers the pair's whole sentences is context, not evidence.

Each group of such findings becomes one: the most severe finding is kept (between equally severe
ones, the one whose evidence covers the most, which describes the whole edit; then the more specific
check), and the others are folded into it: their messages are appended to its message ("Same
edit: ...") and kept whole, spans included, under ``data["merged"]``, so no evidence is lost and a
reader of the JSON can still see every check that fired.  Info findings are left alone.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from ..types import Finding, Severity, Span
from .base import CheckContext

# More specific checks first: between equally severe findings with the same evidence, the first wins.
_PRIORITY = ("roles", "negation", "numbers", "entities", "titles", "quotes", "tense", "omission", "terminology",
             "fluency")
_MERGED_MESSAGE_CHARS = 160


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


def same_edit(a: dict[str, tuple[int, int] | None], b: dict[str, tuple[int, int] | None]) -> bool:
    """Evidence of one inside the other's on some side, and overlapping (or absent) on the other side."""
    nested = False
    for side in ("original", "rewritten"):
        x, y = a[side], b[side]
        if x is None or y is None:
            continue
        if _inside(x, y) or _inside(y, x):
            nested = True
        elif not _overlap(x, y):
            return False
    return nested


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
    """``keep`` saying, after its own message, what ``others`` said of the same edit."""
    merged = [_summary(f) for f in others]  # dedupe runs once, on findings straight from the checks
    head = keep.message.rstrip()
    if head and head[-1] not in ".!?…:;":
        head += "."
    detail = "; ".join(_short(f"{f.check}/{f.code}: {f.message}") for f in others).rstrip()
    message = f"{head}{SAME_EDIT}{detail}" + ("" if detail.endswith((".", "…")) else ".")
    return replace(keep, message=message, data={**(keep.data or {}), "merged": merged})


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
                if same_edit(ev[i], ev[j]):
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
