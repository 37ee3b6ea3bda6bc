"""The registry's merge of findings that describe the same edit (real spaCy parses, every check)."""
from __future__ import annotations

import pytest

from evaluator.checks import dedupe_findings, run_checks
from evaluator.checks._dedupe import ANCHOR_SIDE, SAME_EDIT, named_in, same_edit
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
    # what the folded findings said is appended, unless the kept message already names their evidence
    head = f.message.split(SAME_EDIT)[0]
    folded_said = [named_in(m[side]["text"], head) for m in f.data["merged"] for side in ("original", "rewritten")
                   if m[side] and ANCHOR_SIDE.get(m["code"]) != side]
    assert ("Same edit:" in f.message) == (not all(folded_said)), f.message
    assert ".”." not in f.message and ".." not in f.message
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
       ai: int | None = 0, message: str | None = None, text: str = "x" * 200) -> Finding:
    return Finding(check, code, sev, message or f"{check} {code}", Span.of(text, *o) if o else None,
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
    words = " ".join(f"w{k:03d}" for k in range(40))  # 160 characters of distinct words
    quote = _f("quotes", "quote-altered", Severity.MAJOR, (10, 60), (10, 70),
               message=f"Quotation altered: “{words[20:24]}” → “{words[20:34]}”", text=words)
    tense = _f("tense", "aspect-changed", Severity.MAJOR, (20, 24), (20, 34), text=words)
    other_pair = _f("tense", "tense-changed", Severity.MAJOR, (20, 24), (20, 34), ai=1, text=words)
    info = _f("omission", "sentence-added", Severity.INFO, (10, 60), (10, 70), text=words)
    out = dedupe_findings([tense, quote, other_pair, info])
    assert [(f.check, f.code, f.alignment) for f in out] == [
        ("quotes", "quote-altered", 0), ("tense", "tense-changed", 1), ("omission", "sentence-added", 0)]
    assert out[0].data["merged"][0]["code"] == "aspect-changed"
    neg = _f("negation", "negation-added", Severity.CRITICAL, (20, 24), (20, 34), text=words)
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


ROLE_O = "the country that is perhaps in the best position to influence Pyongyang is one that President Biden viewed"
ROLE_R = "the country perhaps best placed to influence Pyongyang has increasingly seen President Biden"


def _at(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def test_a_small_edit_inside_another_is_merged_only_where_related() -> None:
    """A word dropped inside the clause whose roles turned round is another edit: not named by the role
    finding, a small part of its evidence, and its other side only an anchor."""
    role = Finding("roles", "role-reversed", Severity.CRITICAL,
                   'Roles reversed: in the original "President Biden" view "the country"; in the rewrite "the '
                   'country" see "President Biden"', Span.of(ROLE_O, 0, len(ROLE_O)), Span.of(ROLE_R, 0, len(ROLE_R)), 0)
    dropped = Finding("omission", "clause-dropped", Severity.MINOR, 'Dropped from the rewrite (number): "one"',
                      Span.of(ROLE_O, *_at(ROLE_O, "one that")), Span.of(ROLE_R, *_at(ROLE_R, "Pyongyang has")), 0)
    out = dedupe_findings([role, dropped])
    assert len(out) == 2 and all("Same edit" not in f.message for f in out)
    # the name the roles finding names, dropped inside it, is the same edit
    name = Finding("omission", "clause-dropped", Severity.MAJOR, 'Dropped: "President Biden"',
                   Span.of(ROLE_O, *_at(ROLE_O, "President Biden")), Span.of(ROLE_R, *_at(ROLE_R, "Pyongyang")), 0)
    (one,) = dedupe_findings([role, name])
    assert one.check == "roles" and one.data["merged"][0]["code"] == "clause-dropped"
    # an anchor lying inside the other's evidence proves nothing
    assert not same_edit({"original": (0, 10), "rewritten": (0, 90)}, {"original": (200, 210), "rewritten": (5, 80)},
                         lambda side, a_inside: False)


def test_merged_message_does_not_repeat_what_the_kept_one_says() -> None:
    o = "Beijing has a critical role to play, he said."
    r = "Beijing plays a crucial role, he said."
    quote = Finding("quotes", "quote-altered", Severity.MAJOR,
                    "Quotation altered: “has a critical role to play” → “plays a crucial role”",
                    Span.of(o, *_at(o, "has a critical role to play")), Span.of(r, *_at(r, "plays a crucial role")), 0)
    added = Finding("omission", "content-added", Severity.MINOR,
                    'Added in the rewrite with no counterpart in the original (modifier): "crucial"',
                    Span.of(o, *_at(o, "role to play")), Span.of(r, *_at(r, "crucial")), 0)
    (f,) = dedupe_findings([quote, added])
    assert f.message == quote.message and f.data["merged"][0]["code"] == "content-added"


@pytest.mark.parametrize("head,detail,expected", [
    ("Quotation altered: “we look.” → “we are looking.”", "tense/aspect-changed: Aspect changed: “look” → “are looking”",
     "Quotation altered: “we look.” → “we are looking.”" + SAME_EDIT
     + "tense/aspect-changed: Aspect changed: “look” → “are looking”."),
    ("Quotation altered: “a” → “b”", "omission/clause-dropped: Dropped: “c.”",
     "Quotation altered: “a” → “b”." + SAME_EDIT + "omission/clause-dropped: Dropped: “c.”"),
])
def test_merged_message_punctuation(head: str, detail: str, expected: str) -> None:
    text = "x" * 100
    keep = Finding("quotes", "quote-altered", Severity.MAJOR, head, Span.of(text, 0, 60), Span.of(text, 0, 60), 0)
    check, rest = detail.split(": ", 1)
    other = Finding(check.split("/")[0], check.split("/")[1], Severity.MINOR, rest, Span.of(text, 0, 40),
                    Span.of(text, 0, 40), 0)
    (f,) = dedupe_findings([keep, other])
    assert f.message == expected


def test_overlapping_evidence_that_both_messages_name_is_one_edit() -> None:
    """"Opposition leader" dropped and the title "leader" dropped: the clause's other side is only an anchor, but
    the dropped words overlap in "leader", which both findings name."""
    ctx = make_context("Opposition leader Claire Dubois argued against it.", "Claire Dubois argued against it.")
    merged = [f for f in run_checks(ctx) if f.severity >= Severity.MINOR]
    assert len(merged) == 1, [f.message for f in merged]
    assert {f"{m['check']}/{m['code']}" for m in merged[0].data["merged"]} == {"titles/title-dropped"}


def test_a_merged_glossary_breach_keeps_its_rule_in_the_message() -> None:
    """A glossary finding folded into another finding of the same words still says the rule and its note
    (the kept message naming "Blue Palace" does not say the glossary forbids it)."""
    import tempfile
    from pathlib import Path

    from evaluator.glossary import load_glossary

    with tempfile.TemporaryDirectory() as tmp:
        g = Path(tmp, "g.csv")
        g.write_text('source_term,required,forbidden,note\nBlue House,Blue House,Blue Palace,"the office, not a palace"\n',
                     encoding="utf-8")
        glossary = load_glossary([str(g)])
    ctx = make_context("He spoke at the Blue House on Monday.", "He spoke at the Blue Palace on Monday.",
                       glossary=glossary)
    messages = " ".join(f.message for f in run_checks(ctx))
    assert "Glossary" in messages and "forbidden \"Blue Palace\" (the office" in messages
