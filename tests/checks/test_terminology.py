"""Glossary compliance and consistent rendering of repeated terms (real spaCy parses)."""
from __future__ import annotations

from pathlib import Path

import pytest

from evaluator.checks.terminology import TerminologyCheck
from evaluator.glossary import load_glossary
from evaluator.types import Severity
from tests.checkkit import make_context

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = load_glossary(ROOT / "reference_sets" / "glossary.example.toml")

CASES = [
    # (original sentences, rewritten sentences, alignment, expected codes)
    (["The Biden administration is banking on alliances."], ["The Biden government is banking on alliances."],
     None, ["glossary-required-missing"]),
    (["Mr. Blinken spoke in Seoul."], ["Foreign Secretary Antony Blinken spoke in Seoul."], None,
     ["glossary-forbidden-used"]),
    (["The Biden administration is banking on alliances."], ["The Biden administration counts on alliances."],
     None, []),
    (["Foreign Secretary Dominic Raab spoke."], ["Foreign Secretary Dominic Raab spoke."], None, []),
    (["The national security adviser, Jake Sullivan, met them."],
     ["National Security Advisor Jake Sullivan met them."], None, ["glossary-required-missing"]),
    (["He spoke."], ["He spoke.", "Mr Aum works at the US Peace Institute."], [((0,), (0,)), ((), (1,))],
     ["glossary-forbidden-used"]),
    (["The Secretary of State spoke."], ["The secretary of state spoke."], None, []),
]


@pytest.mark.parametrize("original,rewritten,alignment,expected", CASES)
def test_glossary_table(original: list[str], rewritten: list[str], alignment: list | None,
                        expected: list[str]) -> None:
    ctx = make_context(original, rewritten, alignment, glossary=GLOSSARY)
    found = [f.code for f in TerminologyCheck().run(ctx) if f.code.startswith("glossary")]
    assert found == expected


def test_required_missing_evidence() -> None:
    ctx = make_context(["The Biden administration is banking on alliances."],
                       ["The Biden government is banking on alliances."], glossary=GLOSSARY)
    (f,) = list(TerminologyCheck().run(ctx))
    assert f.severity == Severity.MAJOR
    assert f.original is not None and f.original.text == "Biden administration"
    assert f.rewritten is not None and f.rewritten.text == "Biden government"
    assert '"Biden administration"' in f.message and '"Biden government"' in f.message


def test_forbidden_in_unaligned_sentence_has_no_original() -> None:
    ctx = make_context(["He spoke."], ["He spoke.", "Mr Aum works at the US Peace Institute."],
                       [((0,), (0,)), ((), (1,))], glossary=GLOSSARY)
    (f,) = list(TerminologyCheck().run(ctx))
    assert f.original is None and f.rewritten is not None and f.rewritten.text == "US Peace Institute"
    assert f.alignment == 1


def test_no_glossary_no_glossary_findings() -> None:
    ctx = make_context(["The Biden administration said so."], ["The Biden government said so."])
    assert [f for f in TerminologyCheck().run(ctx) if f.code.startswith("glossary")] == []


INCONSISTENT_O = ["The administration announced new sanctions on Monday.",
                  "The administration said the talks were useful.",
                  "Officials in the administration declined to comment."]


@pytest.mark.parametrize("rewritten,expected", [
    (["The government announced new sanctions on Monday.", "The administration said the talks were useful.",
      "Officials in the administration declined to comment."], 1),
    # consistently renamed: a choice (the glossary catches it if it matters), not an inconsistency
    (["The government announced new sanctions on Monday.", "The government said the talks were useful.",
      "Officials in the government declined to comment."], 0),
    # restructured paraphrase: no clean one-for-one substitution, so no evidence
    (["New sanctions were announced by officials on Monday.", "The administration said the talks were useful.",
      "Officials in the administration declined to comment."], 0),
    (INCONSISTENT_O, 0),
])
def test_term_inconsistent(rewritten: list[str], expected: int) -> None:
    ctx = make_context(INCONSISTENT_O, rewritten)
    found = [f for f in TerminologyCheck().run(ctx) if f.code == "term-inconsistent"]
    assert len(found) == expected
    for f in found:
        assert f.severity == Severity.MINOR
        assert f.original is not None and f.original.text == "administration"
        assert f.rewritten is not None and f.rewritten.text == "government"
        assert f.alignment == 0 and f.data["kept"] == 2


def test_wordnet_comes_from_the_run_options(tmp_path: Path) -> None:
    """A synonym rendering found through the content alignment ("car" -> "automobile" next to a dropped
    phrase) needs the WordNet of ``options.wordnet_path``; pointed at an empty folder there is none."""
    from evaluator.lexicon import load_wordnet
    from evaluator.options import Options

    if load_wordnet() is None:
        pytest.skip("WordNet (wordnet-base) not installed")
    o = ["Police found the car near the old bridge on Monday.", "The car was red."]
    r = ["Police found the automobile on Monday.", "The car was red."]
    with_wn = list(TerminologyCheck().run(make_context(o, r, options=Options())))
    without = list(TerminologyCheck().run(make_context(o, r, options=Options(wordnet_path=str(tmp_path)))))
    assert [(f.code, f.original.text if f.original else None, f.rewritten.text if f.rewritten else None)
            for f in with_wn] == [("term-inconsistent", "car", "automobile")]
    assert without == []
