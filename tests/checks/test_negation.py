"""Table tests for the negation / antonym check (real spaCy parses, WordNet when installed)."""
from __future__ import annotations

import pytest

from evaluator.checks.negation import NegationCheck
from evaluator.lexicon import load_wordnet
from evaluator.types import Severity
from tests.checkkit import codes, make_context

MAJOR = int(Severity.MAJOR)
needs_wordnet = pytest.mark.skipif(load_wordnet() is None, reason="WordNet (wordnet-base) not installed")

CASES = [
    ("It is speculated that he will run for president.", "It is speculated that he will not run for president.",
     {"negation-added"}),
    ("Romanticism had a large element of determinism.", "Romanticism did not have a large element of determinism.",
     {"negation-added"}),
    ("The crocodile does not live in the ocean.", "The crocodile lives in the ocean.", {"negation-removed"}),
    ("No damage was reported.", "Damage was reported.", {"negation-removed"}),
    ("Argentina failed to pay the interest.", "Argentina paid the interest.", {"negation-removed"}),
    ("Argentina failed to pay the interest.", "Argentina did not pay the interest.", set()),
    ("I don't know if you realize it.", "I do not know if you realize it.", set()),
    ("This is not only a farewell but a beginning.", "This is a farewell and a beginning.", set()),
    ("It is not possible to travel.", "It is impossible to travel.", set()),
    ("The minister spoke at length.", "The minister talked at length.", set()),
    # the same polarity said another way
    ("China was initially ill-prepared, since the pathogen could not be identified.",
     "China wasn’t prepared at first, since it wasn’t able to identify the pathogen.", set()),
    ("He only feared other predators.", "He feared nothing, except other predators.", set()),
    ("Howie pleaded guilty to negligent driving.", "Howie admitted driving without due care and attention.", set()),
    ("About 9,400 homes have no water.", "Some 9,400 homes are without water.", set()),
    ("I don't think he will come.", "I think he won't come.", set()),
    ("The city is dominated by Arabic flavor, and not African.",
     "The city has more of an Arabic flair than African.", set()),
    ("The city is dominated by Arabic flavor, and not African.", "The city is dominated by Arabic and African flavor.",
     {"negation-removed"}),
    # a negation that moved between two predicates, a negative prefix removed, "without" against "with"
    ("Glitter was not present at the hearing but was represented by lawyers.",
     "Glitter was present at the hearing but was not represented by lawyers.", {"negation-added", "negation-removed"}),
    ("John Paul II was unable to eliminate the activities of the radio.",
     "John Paul II was able to eliminate the activities of the radio.", {"negation-removed"}),
    ("He drank the tea with sugar.", "He drank the tea without sugar.", {"negation-added"}),
]

ANTONYM_CASES = [
    ("Prices increased sharply in May.", "Prices decreased sharply in May.", {"antonym-swap"}),
    ("The team had a strong season.", "The team had a weak season.", {"antonym-swap"}),
    ("Three people were injured in the attack.", "Three people were unharmed in the attack.", {"antonym-swap"}),
    ("Most goods imported into the country are duty free.", "Most goods exported from the country are duty free.",
     {"antonym-swap"}),
    ("The trade unions should be aware of the state.", "The trade unions should be unaware of the state.",
     {"antonym-swap"}),
    ("The town is big.", "The town is large.", set()),
    ("He was not aware of it.", "He was unaware of it.", set()),
    ("Many smaller cats feed on much larger numbers of small prey.",
     "Many smaller cats feed on much smaller numbers of small prey.", {"antonym-swap"}),
    ("The area was closely watched by the police.", "The area was loosely watched by the police.", {"antonym-swap"}),
]


@pytest.mark.parametrize("original,rewritten,expected", CASES)
def test_negation_table(original: str, rewritten: str, expected: set[str]) -> None:
    findings = list(NegationCheck().run(make_context(original, rewritten)))
    assert codes(findings, MAJOR) == expected, [f.message for f in findings]


@needs_wordnet
@pytest.mark.parametrize("original,rewritten,expected", ANTONYM_CASES)
def test_antonym_table(original: str, rewritten: str, expected: set[str]) -> None:
    findings = list(NegationCheck().run(make_context(original, rewritten)))
    assert codes(findings, MAJOR) == expected, [f.message for f in findings]


def test_negation_evidence() -> None:
    ctx = make_context("He will run for president.", "He will not run for president.")
    (f,) = list(NegationCheck().run(ctx))
    assert f.code == "negation-added" and f.severity == Severity.CRITICAL
    assert f.rewritten is not None and f.rewritten.text == "not"
    assert f.original is not None and f.original.text == "run"
    assert ctx.rewritten.text[f.rewritten.start:f.rewritten.end] == "not"


@needs_wordnet
def test_antonym_evidence() -> None:
    ctx = make_context("Prices increased sharply.", "Prices decreased sharply.")
    (f,) = list(NegationCheck().run(ctx))
    assert (f.original.text, f.rewritten.text) == ("increased", "decreased")  # type: ignore[union-attr]
    assert f.data["original_lemma"] == "increase"


def test_wordnet_absent_skips_antonyms(monkeypatch: pytest.MonkeyPatch, tmp_path, caplog) -> None:
    from evaluator import lexicon

    monkeypatch.setenv(lexicon.ENV_VAR, str(tmp_path / "nowhere"))
    monkeypatch.setattr(lexicon, "_cache", {})
    with caplog.at_level("WARNING"):
        findings = list(NegationCheck().run(make_context("It had a strong season.", "It had a weak season.")))
        again = list(NegationCheck().run(make_context("It is big.", "It is not big.")))
    assert findings == []
    assert codes(again) == {"negation-added"}
    assert sum("WordNet not available" in r.message for r in caplog.records) == 1
