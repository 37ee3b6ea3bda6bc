"""Glossary compliance and consistent rendering of repeated terms (real spaCy parses)."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from evaluator.checks.terminology import TerminologyCheck
from evaluator.glossary import load_glossary, parse_csv, parse_toml
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


def _codes(original: list[str], rewritten: list[str], glossary) -> list[tuple[str, str | None, str | None]]:
    ctx = make_context(original, rewritten, glossary=glossary)
    return [(f.code, f.original.text if f.original else None, f.rewritten.text if f.rewritten else None)
            for f in TerminologyCheck().run(ctx) if f.code.startswith("glossary")]


def test_required_missing_without_forbidden_does_not_claim_one() -> None:
    g = parse_csv("source_term,required,forbidden,case_sensitive\nC++,C++,,false\n", "g.csv")
    ctx = make_context(["The U.S. delegation said C++ code was used."],
                       ["The American delegation said C code was used."], glossary=g)
    (f,) = [f for f in TerminologyCheck().run(ctx) if f.code.startswith("glossary")]
    assert f.code == "glossary-required-missing"
    assert "forbidden" not in f.message and "American" not in f.message
    assert f.rewritten is not None and f.rewritten.text == "The American delegation said C code was used."


DRC = parse_toml('[[term]]\nsource_term = "Democratic Republic of the Congo"\naliases = ["DRC"]\n'
                 'required = ["Democratic Republic of the Congo", "DRC"]\n'
                 'forbidden = ["Republic of the Congo", "Zaire"]\n', "drc.toml")
CAFE = parse_csv("source_term,required,forbidden\ncafé,café,cafe\n", "cafe.csv")
SANCTION = parse_csv("source_term,required,forbidden\nsanction,sanction,penalty\n", "s.csv")
DASHES = parse_csv("source_term,required,forbidden\nFranco-German,Franco-German,\n#MeToo,#MeToo,#TimesUp\n",
                   "d.csv")
NFD = unicodedata.normalize("NFD", "café")


@pytest.mark.parametrize("glossary,original,rewritten,expected", [
    (DRC, "Fighting continued in the DRC on Monday.",
     "Fighting continued in the Democratic Republic of the Congo on Monday.", []),
    (DRC, "Fighting continued in the DRC on Monday.", "Fighting continued in the Republic of the Congo on Monday.",
     [("glossary-required-missing", "DRC", "Republic of the Congo")]),
    (CAFE, "The café reopened on Monday.", f"The {NFD} reopened on Monday.", []),
    (CAFE, f"The {NFD} reopened on Monday.", "The cafe reopened on Monday.",
     [("glossary-required-missing", NFD, "cafe")]),  # the evidence is the document's own characters
    (SANCTION, "The council imposed new sanctions on Monday.", "The council imposed new penalties on Monday.",
     [("glossary-required-missing", "sanctions", "penalties")]),
    (SANCTION, "The council imposed a new sanction on Monday.", "The council imposed new sanctions on Monday.",
     []),
    (DASHES, "The Franco-German plan was approved.", "The Franco\u2013German plan was approved.", []),
    (DASHES, "The #MeToo movement spread.", "The #TimesUp movement spread.",
     [("glossary-required-missing", "#MeToo", "#TimesUp")]),
])
def test_glossary_matching_in_the_check(glossary, original: str, rewritten: str,
                                        expected: list[tuple[str, str, str]]) -> None:
    assert _codes([original], [rewritten], glossary) == expected


@pytest.mark.parametrize("rendering,expected", [
    # a verb and the noun made of it, an inflection: one word, not another rendering
    ("Japan had planned the land for weeks.", 0),
    ("Japan had planned the testing for weeks.", 0),
    ("Japan had planned the descent for weeks.", 1),
])
def test_forms_of_one_word_are_one_rendering(rendering: str, expected: int) -> None:
    o = ["Japan had planned the landing for weeks.", "The landing was a success."]
    if "testing" in rendering:
        o = ["Japan had planned the tests for weeks.", "The tests were a success."]
    r = [rendering, o[1]]
    found = [f for f in TerminologyCheck().run(make_context(o, r)) if f.code == "term-inconsistent"]
    assert len(found) == expected, [f.message for f in found]
