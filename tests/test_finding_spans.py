"""Evidence stands in the alignment row a finding names (``checks.base.outside_pair``).

A finding's ``alignment`` names one row; its ``original`` / ``rewritten`` spans must overlap that row's sentences
on that side.  Documented exceptions: a side the row has no sentence on (an omission's or addition's other side
is an anchor, the nearest aligned sentence: ``omission``'s ``sentence-omitted`` / ``sentence-added``; ``titles``
and ``entities`` leave it null and name that sentence in ``data.original_context``) is not looked at, and a quotation is matched with the
neighbouring rows allowed, so the quotes codes in ``NEIGHBOUR_ROW_CODES`` may point at the row before or after.
``sentence-moved`` names the first row of a moved run and spans the run: it overlaps its row.
"""
from __future__ import annotations

import types
from typing import Any

import pytest

from evaluator.checks.base import NEIGHBOUR_ROW_CODES, outside_pair
from evaluator.types import AlignedPair, Finding, Severity, Span
from tests.checkkit import make_doc
from tests.test_align import _item


def _ctx(orig: list[str], rew: list[str], rows: list[tuple[tuple[int, ...], tuple[int, ...]]]) -> Any:
    o, r = make_doc("original", orig), make_doc("rewritten", rew)
    return types.SimpleNamespace(alignment=[AlignedPair(a, b, 1.0) for a, b in rows],
                                 doc=lambda side: o if side == "original" else r)


def _finding(ctx: Any, check: str, code: str, row: int, o: int | None, r: int | None) -> Finding:
    def span(side: str, i: int | None) -> Span | None:
        if i is None:
            return None
        doc = ctx.doc(side)
        return Span.of(doc.text, doc.sentences[i].start, doc.sentences[i].end)
    return Finding(check, code, Severity.MAJOR, "m", span("original", o), span("rewritten", r), row)


def test_outside_pair_rules() -> None:
    ctx = _ctx(["A one.", "B two.", "C three.", "D four."], ["A one.", "C three.", "D four."],
               [((0,), (0,)), ((1,), ()), ((2,), (1,)), ((3,), (2,))])
    inside = _finding(ctx, "numbers", "number-changed", 2, 2, 1)
    slipped = _finding(ctx, "numbers", "number-changed", 2, 2, 2)  # the next row's sentence
    anchor = _finding(ctx, "omission", "sentence-omitted", 1, 1, 0)  # a 1-0 row: its rewritten side is an anchor
    quote_next = _finding(ctx, "quotes", "quote-altered", 2, 2, 2)  # a quotation matched in the next row
    quote_far = _finding(ctx, "quotes", "quote-altered", 0, 0, 2)  # two rows away
    doc_level = Finding("terminology", "term-inconsistent", Severity.MINOR, "m", None, None, None)
    found = outside_pair([inside, slipped, anchor, quote_next, quote_far, doc_level], ctx)
    assert [(f, side) for f, side in found] == [(slipped, "rewritten"), (quote_far, "rewritten")]
    assert outside_pair([quote_next], ctx, neighbour_rows=False) == [(quote_next, "rewritten")]
    assert ("quotes", "quote-altered") in NEIGHBOUR_ROW_CODES and ("quotes", "quote-missing") not in NEIGHBOUR_ROW_CODES
    # A span that starts in its row and runs on (a quotation over two sentences, a moved run) overlaps it.
    doc = ctx.doc("original")
    run_on = Finding("omission", "sentence-moved", Severity.MINOR, "m",
                     Span.of(doc.text, doc.sentences[2].start, doc.sentences[3].end), None, 2)
    assert outside_pair([run_on], ctx) == []


# The reviewer's 2,000-sentence case, rows 1248-1262: items 1233, 1235 and 1236 dropped, 1239's number changed.
ITEMS = [(1229, "the United Nations", "denied", 6775), (1230, "the United Nations", "reported", 7002),
         (1231, "the ministry", "said", 4302), (1232, "Mr. Kim", "denied", 5331),
         (1233, "Antony J. Blinken", "announced", 8912), (1234, "Mr. Kim", "said", 2687),
         (1235, "the ministry", "reported", 2350), (1236, "China", "confirmed", 8537),
         (1237, "Mr. Kim", "announced", 7547), (1238, "Mr. Kim", "denied", 8170),
         (1239, "Antony J. Blinken", "reported", 2215), (1240, "Antony J. Blinken", "announced", 5961),
         (1241, "President Biden", "announced", 2177), (1242, "Antony J. Blinken", "said", 5835),
         (1243, "the United Nations", "denied", 4117)]


def _paragraphs(sentences: list[str]) -> str:
    return "\n\n".join(" ".join(sentences[i:i + 5]) for i in range(0, len(sentences), 5))


@pytest.mark.slow
def test_templated_report_keeps_evidence_in_its_rows(resources: Any) -> None:
    from evaluator.pipeline import compare

    orig = [_item(*x) for x in ITEMS]
    rew = [_item(i, who, verb, num + (i == 1239)) for i, who, verb, num in ITEMS if i not in (1233, 1235, 1236)]
    rep = compare(_paragraphs(orig), _paragraphs(rew), resources=resources)
    ctx = types.SimpleNamespace(alignment=rep.alignment,
                                doc=lambda side: rep.original if side == "original" else rep.rewritten)
    # The kept item 1234 pairs with its copy; the three dropped items are omissions (no 2-1 of two of them).
    rows = {(p.original, p.rewritten) for p in rep.alignment}
    assert ((5,), (4,)) in rows and {((4,), ()), ((6,), ()), ((7,), ())} <= rows
    omitted = {i for f in rep.findings if f.code == "sentence-omitted" for i in f.data["sentences"]}
    assert omitted == {4, 6, 7}
    # No evidence outside its row, not even in a neighbouring one; identical rows carry no finding.
    assert outside_pair(rep.findings, ctx, neighbour_rows=False) == []
    identical = {k for k, p in enumerate(rep.alignment) if p.is_match and rep.original.sentence_text(p.original)
                 == rep.rewritten.sentence_text(p.rewritten)}
    assert not [f.message for f in rep.findings if f.alignment in identical and f.severity >= Severity.MINOR]


@pytest.mark.slow
def test_example_report_keeps_evidence_in_its_rows(example_report: Any) -> None:
    rep = example_report
    ctx = types.SimpleNamespace(alignment=rep.alignment,
                                doc=lambda side: rep.original if side == "original" else rep.rewritten)
    assert outside_pair(rep.findings, ctx) == []


def test_a_null_side_shows_its_nearest_sentence_for_context_in_the_html() -> None:
    """The JSON contract: on a rewrite-only row a ``titles``/``entities`` finding's original is null and
    ``data.original_context`` names the nearest original sentence; the HTML shows that sentence as context."""
    from evaluator.render import html as render
    from tests.test_html import _card, context_report

    r = context_report()
    (renamed,) = [f for f in r["findings"] if f["code"] == "org-renamed"]
    near = renamed["original"]
    renamed["original"] = None
    renamed["data"] = {"original_context": {"sentence": 4, **near}}
    card = _card(render.render_html(r, charts=False), "org-renamed")
    assert 'data-side="original" data-context="1"' in card
    assert "not in the original: nearest original sentence, for context" in card
    assert near["text"][:40] in card
