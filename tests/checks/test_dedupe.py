"""The registry's merge of findings that describe the same edit (real spaCy parses, every check)."""
from __future__ import annotations

import pytest

from evaluator.checks import dedupe_findings, run_checks
from evaluator.checks._dedupe import same_edit
from evaluator.types import Finding, Severity, Span
from tests.checkkit import make_context

MAJOR = int(Severity.MAJOR)

CASES = [
    # (original, rewritten, the finding kept "check/code", codes folded into it)
    ("“So we look to Beijing to play a role in advancing what is, I think, in everyone’s interests,” he said.",
     "“So we are looking to Beijing to play a role in developing what I believe is in everyone’s interest,” he said.",
     "quotes/quote-altered", {"tense/aspect-changed"}),
    ("“China has a real interest in helping to deal with this,” Mr. Blinken said.",
     "“China has a real interest in helping,” Mr. Blinken said.",
     "quotes/quote-truncated", {"omission/clause-dropped"}),
    # a critical change inside a quotation: the critical finding is kept and the quotation folded into it
    ("“We will run for the seat,” he said.", "“We will not run for the seat,” he said.",
     "negation/negation-added", {"quotes/quote-altered"}),
]


@pytest.mark.parametrize("original,rewritten,kept,folded", CASES)
def test_same_edit_is_reported_once(original: str, rewritten: str, kept: str, folded: set[str]) -> None:
    ctx = make_context(original, rewritten)
    raw = run_checks(ctx, merge=False)
    merged = run_checks(make_context(original, rewritten))
    raw_codes = {f"{f.check}/{f.code}" for f in raw if f.severity >= MAJOR}
    assert {kept} | folded <= raw_codes | {f"{m['check']}/{m['code']}" for f in raw for m in f.data.get("merged", ())}
    main = [f for f in merged if f"{f.check}/{f.code}" == kept]
    assert len(main) == 1, [f.message for f in merged]
    f = main[0]
    assert {f"{m['check']}/{m['code']}" for m in f.data["merged"]} >= folded
    assert not any(f"{g.check}/{g.code}" in folded and g.severity >= MAJOR for g in merged)
    assert f.severity == max(g.severity for g in raw if f"{g.check}/{g.code}" in {kept} | folded)
    assert "Same edit:" in f.message
    for m in f.data["merged"]:  # the folded findings keep their exact evidence
        for side in ("original", "rewritten"):
            span = m[side]
            if span:
                assert ctx.doc(side).text[span["start"]:span["end"]] == span["text"]


def test_separate_edits_stay_separate() -> None:
    ctx = make_context("The minister said 40 people died in Paris on Monday.",
                       "The minister said 50 people died in Lyon on Monday.")
    merged = run_checks(ctx)
    found = {(f.check, f.code) for f in merged if f.severity >= MAJOR}
    assert ("numbers", "number-changed") in found and ("entities", "entity-substituted") in found


def _f(check: str, code: str, sev: Severity, o: tuple[int, int] | None, r: tuple[int, int] | None,
       ai: int | None = 0) -> Finding:
    text = "x" * 200
    return Finding(check, code, sev, f"{check} {code}", Span.of(text, *o) if o else None,
                   Span.of(text, *r) if r else None, ai)


@pytest.mark.parametrize("a,b,expected", [
    ({"original": (10, 40), "rewritten": (10, 45)}, {"original": (12, 16), "rewritten": (12, 20)}, True),
    ({"original": (10, 40), "rewritten": (10, 45)}, {"original": (12, 16), "rewritten": (40, 60)}, True),
    ({"original": (10, 40), "rewritten": (10, 45)}, {"original": (12, 16), "rewritten": (50, 60)}, False),
    ({"original": (10, 40), "rewritten": None}, {"original": None, "rewritten": (12, 16)}, False),
    ({"original": (10, 40), "rewritten": None}, {"original": (30, 50), "rewritten": None}, False),
    ({"original": (10, 20), "rewritten": (5, 9)}, {"original": (10, 20), "rewritten": (5, 9)}, True),
])
def test_same_edit_rule(a, b, expected) -> None:
    assert same_edit(a, b) is expected
    assert same_edit(b, a) is expected


def test_merge_keeps_the_most_severe_then_the_widest() -> None:
    quote = _f("quotes", "quote-altered", Severity.MAJOR, (10, 60), (10, 70))
    tense = _f("tense", "aspect-changed", Severity.MAJOR, (20, 24), (20, 31))
    other_pair = _f("tense", "tense-changed", Severity.MAJOR, (20, 24), (20, 31), ai=1)
    info = _f("omission", "sentence-added", Severity.INFO, (10, 60), (10, 70))
    out = dedupe_findings([tense, quote, other_pair, info])
    assert [(f.check, f.code, f.alignment) for f in out] == [
        ("quotes", "quote-altered", 0), ("tense", "tense-changed", 1), ("omission", "sentence-added", 0)]
    assert out[0].data["merged"][0]["code"] == "aspect-changed"
    neg = _f("negation", "negation-added", Severity.CRITICAL, (30, 34), (30, 38))
    out = dedupe_findings([quote, neg])
    assert len(out) == 1 and out[0].check == "negation" and out[0].severity == Severity.CRITICAL
    assert out[0].data["merged"][0]["check"] == "quotes"


def test_a_whole_sentence_span_is_context_not_evidence() -> None:
    ctx = make_context("Rangers closely monitor the shooters in the trials.",
                       "Rangers are closely monitoring the shooters in the trials.")
    whole_r = ctx.sentence_span("rewritten", [0])
    assert whole_r is not None
    text = ctx.original.text
    entity = Finding("entities", "entity-missing", Severity.MAJOR, "m", Span.of(text, 0, 7), whole_r, 0)
    tense = Finding("tense", "aspect-changed", Severity.MAJOR, "t", Span.of(text, 16, 23),
                    Span.of(ctx.rewritten.text, 8, 30), 0)
    assert len(dedupe_findings([entity, tense], ctx)) == 2  # unrelated words: the sentence span proves nothing
    inside = Finding("entities", "entity-missing", Severity.MAJOR, "m", Span.of(text, 16, 23), whole_r, 0)
    assert len(dedupe_findings([inside, tense], ctx)) == 1
