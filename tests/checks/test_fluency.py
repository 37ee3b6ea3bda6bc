"""Fragments left by broken sentence splits (real spaCy parses)."""
from __future__ import annotations

import pytest

from evaluator.checks.fluency import FluencyCheck, fragment_reason
from evaluator.types import Severity
from tests.checkkit import codes, make_context

SPLIT_O = ("He said the Seoul government would continue to support Washington's efforts to establish a "
           "diplomatic mission and contact with Pyongyang.")
SPLIT_R = ["He said the Seoul government would continue to support Washington's efforts to establish a "
           "diplomatic mission.", "Contact with Pyongyang."]

CASES = [
    # (original sentences, rewritten sentences, alignment, expected {code: severity})
    ([SPLIT_O], SPLIT_R, [((0,), (0, 1))], {"fragment": Severity.MAJOR}),
    (["The talks, which were never signed, failed."], ["The talks failed.", "Which were never signed."],
     [((0,), (0, 1))], {"fragment": Severity.MINOR}),
    (["He left because he was tired."], ["He left.", "Because he was tired."], [((0,), (0, 1))],
     {"fragment": Severity.MINOR}),
    (["The cat sat on the mat."], ["The cat on the mat."], None, {"fragment": Severity.MINOR}),
    # must not flag
    (["Not yet."], ["Not yet."], None, {}),
    (["Has he signed?"], ["Not yet."], None, {}),
    (["Talks collapsed."], ["The talks collapsed."], None, {}),
    (["The talks collapsed.", "Negotiations resumed later."], ["The talks collapsed.", "Talks resumed later."],
     None, {}),
    (["Contact with Pyongyang."], ["Contact with Pyongyang."], None, {}),
    (["He said it was over."], ["He said it was over.", "Thank you."], [((0,), (0,)), ((), (1,))], {}),
]


@pytest.mark.parametrize("original,rewritten,alignment,expected", CASES)
def test_fluency_table(original: list[str], rewritten: list[str], alignment: list | None,
                       expected: dict[str, Severity]) -> None:
    ctx = make_context(original, rewritten, alignment)
    found = {f.code: f.severity for f in FluencyCheck().run(ctx)}
    assert found == expected


def test_fragment_evidence_quotes_both_sides() -> None:
    ctx = make_context([SPLIT_O], SPLIT_R, [((0,), (0, 1))])
    (f,) = list(FluencyCheck().run(ctx))
    assert f.rewritten is not None and f.rewritten.text == "Contact with Pyongyang"
    assert f.original is not None and f.original.text == SPLIT_O
    assert f.data["reason"] == "has no finite verb" and f.data["split"] is True


def test_unaligned_fragment_inside_a_paragraph_is_minor() -> None:
    ctx = make_context(["He said so."], ["He said so.", "Contact with Pyongyang."], [((0,), (0,)), ((), (1,))])
    assert codes(list(FluencyCheck().run(ctx)), Severity.MINOR) == {"fragment"}


@pytest.mark.parametrize("text,reason", [
    ("Contact with Pyongyang.", "has no finite verb"),
    ("which were never signed.", "starts in lower case"),
    ("The talks failed.", None),
    ("Exactly.", None),
    ("iPhone sales rose.", None),
    ("A crowd of 60,125 attended.", None),  # a past tense the tagger read as a participle
    ("About 60,125 fans attended.", None),
    ("A crowd of 5,000 gathered.", None),
    ("A statement released.", "has no finite verb"),  # a headline's participle
    ("Ten people killed in the blast.", "has no finite verb"),
    # a past tense the tagger read as a noun after the subject ("The 17-year-old finished")
    ("The 17-year-old finished with nine points from 14 games after drawing his last game against Hikaru Nakamura.",
     None),
    ("The hatred of the crowd for the team.", "has no finite verb"),
])
def test_fragment_reason(text: str, reason: str | None) -> None:
    ctx = make_context(text, "x")
    assert fragment_reason(ctx.parses["original"][0]) == reason
