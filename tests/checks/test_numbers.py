"""Table tests for the numbers check (real spaCy parses via checkkit)."""
from __future__ import annotations

import pytest

from evaluator.checks.numbers import NumbersCheck
from evaluator.types import Severity
from tests.checkkit import codes, make_context

MAJOR = int(Severity.MAJOR)

CASES = [
    # (original, rewritten, expected major/critical codes)
    ("The deal is worth 1.5 million dollars.", "The deal is worth $1,500,000.", set()),
    ("Twenty-five people were hurt.", "25 people were hurt.", set()),
    ("Prices rose 30 per cent last year.", "Prices rose 30% last year.", set()),
    ("It opened on March 3.", "It opened on 3 March.", set()),
    ("The company lost $2bn.", "The company lost 2 billion dollars.", set()),
    ("She finished first in the race.", "She finished 1st in the race.", set()),
    ("The bridge was completed in August 2011.", "Work on the bridge ended in August 2011.", set()),
    ("The United States has 4 million cases.", "The United States has 6 million cases.", {"number-changed"}),
    ("It did not open until March 2017.", "It did not open until March 2018.", {"date-changed"}),
    ("On November 1st the race starts.", "On November 10th the race starts.", {"date-changed"}),
    ("The route is 10 km long.", "The route is 10 miles long.", {"unit-changed"}),
    ("About 73 people died in Kyushu.", "People died in Kyushu.", {"number-missing"}),
    ("People died in Kyushu.", "About 73 people died in Kyushu.", {"number-added"}),
    ("One of the officials spoke.", "Among the officials, one spoke.", set()),
    ("Xinjiang has 330 plants with a capacity of 10 million kilowatts.",
     "Xinjiang has 330 plants with a capacity of 10 million kilowatts.", set()),
    # an identifier that names a thing is no quantity; decades and centuries said two ways
    ("The death toll has surpassed 100 since the pandemic began.",
     "The death toll has surpassed 100 since the COVID-19 pandemic began.", set()),
    ("Haiti had no cholera since the early 19th century.", "Haiti had no cholera since the 1800s.", set()),
    ("They are office workers in their 50s and 60s.", "They are office workers, one in his fifties, one in his sixties.",
     set()),
    ("By 1976, a third of Machu Picchu had been restored.", "By 1976, thirty percent of Machu Picchu had been restored.",
     set()),
    ("By 1976, a third of Machu Picchu had been restored.", "By 1976, sixty percent of Machu Picchu had been restored.",
     {"number-changed"}),
    ("Haiti had no cholera since the early 19th century.", "Haiti had no cholera since the 1700s.",
     {"number-missing", "number-added"}),
]


@pytest.mark.parametrize("original,rewritten,expected", CASES)
def test_numbers_table(original: str, rewritten: str, expected: set[str]) -> None:
    findings = list(NumbersCheck().run(make_context(original, rewritten)))
    assert codes(findings, MAJOR) == expected, [f.message for f in findings]


def test_changed_number_evidence() -> None:
    ctx = make_context("The United States has 4 million cases.", "The United States has 6 million cases.")
    (f,) = [f for f in NumbersCheck().run(ctx) if f.code == "number-changed"]
    assert f.severity == Severity.CRITICAL
    assert f.original is not None and f.rewritten is not None
    assert f.original.text == "4 million" and f.rewritten.text == "6 million"
    assert ctx.original.text[f.original.start:f.original.end] == "4 million"
    assert f.data["original_value"] == 4_000_000 and f.data["rewritten_value"] == 6_000_000
    assert "4 million" in f.message and "6 million" in f.message


def test_pairing_by_context_in_multi_number_sentence() -> None:
    ctx = make_context("Brazil has 2.3 million cases and India has 1.3 million cases, 30% of the total.",
                       "Brazil has 2.3 million cases and India has 1.8 million cases, 30% of the total.")
    found = [f for f in NumbersCheck().run(ctx) if f.severity >= Severity.MAJOR]
    assert [(f.original.text, f.rewritten.text) for f in found  # type: ignore[union-attr]
            ] == [("1.3 million", "1.8 million")]


def test_number_moved_to_next_sentence_is_not_missing() -> None:
    ctx = make_context(["The team scored 3 goals.", "It was a good day."],
                       ["The team scored goals.", "It was a good day with 3 goals."])
    assert codes(list(NumbersCheck().run(ctx)), MAJOR) == set()
