"""Light differences inside a quotation are a minor note, content changes in the same shape a misquote.

A quotation whose words differ only by an article, a preposition (or article, possessive) said once for two
conjuncts, "if" / "whether", or a compound written open or hyphenated is reported as minor (a synonym
is another word: a misquote); every case is paired with a change of content in the same place, still major.
(The quotes check's table tests are in test_quotes.py beside this file.)
"""
from __future__ import annotations

import pytest

from evaluator.checks.quotes import QuotesCheck
from evaluator.types import Severity
from tests.checkkit import make_context

LIGHT_AND_CONTENT = [
    pytest.param('"Valentino is indifferent to fashion, his obsession is the timeless," he said.',
                 '"Valentino is indifferent to fashion, his obsession is timeless," he said.',
                 '"Valentino is indifferent to fashion, his obsession is the eternal," he said.',
                 "article", id="article-dropped"),
    pytest.param('"This is the end of our work," he said.', '"This is an end of our work," he said.',
                 '"This is not the end of our work," he said.', "article", id="article-swapped"),
    pytest.param('"His life is dictated by his love for drugs and for Japan," she said.',
                 '"His life is dictated by his love for drugs and Japan," she said.',
                 '"His life is dictated by his love for drugs and against Japan," she said.',
                 "word shared by conjuncts", id="preposition-shared-by-conjuncts"),
    pytest.param('"It will be interesting to see if the new Pope nominates cardinals," he said.',
                 '"It will be interesting to see whether the new Pope nominates cardinals," he said.',
                 '"It will be interesting to see unless the new Pope nominates cardinals," he said.',
                 "interchangeable conjunction", id="if-whether"),
    pytest.param('"I have dreamt of a night like this since I was a child," Joselu said.',
                 '"Since I was a child I have dreamt of a night like this," Joselu said.',
                 '"Since I was a child I have feared a night like this," Joselu said.',
                 "a clause moved to the other end", id="clause-moved"),
    pytest.param('"I am glad for the air conditioning," he said.', '"I am glad for air-conditioning," he said.',
                 '"I am glad for air-heating," he said.', "compound spelling", id="compound-hyphenated"),
]


def _quote_findings(original: str, rewritten: str) -> list[tuple[str, Severity, dict[str, object]]]:
    return [(f.code, f.severity, f.data) for f in QuotesCheck().run(make_context(original, rewritten))]


@pytest.mark.parametrize("original,light,content,reason", LIGHT_AND_CONTENT)
def test_light_difference_is_minor_and_content_change_in_the_same_place_major(
        original: str, light: str, content: str, reason: str) -> None:
    got = _quote_findings(original, light)
    assert got and all(sev == Severity.MINOR for _c, sev, _d in got), got
    assert any(reason in str(data.get("light", "")) for _c, _s, data in got), got
    got = _quote_findings(original, content)
    assert any(code == "quote-altered" and sev == Severity.MAJOR for code, sev, _d in got), got
    assert not any("light" in data for _c, _s, data in got), got


@pytest.mark.parametrize("rewritten", [
    '"We have arrested five individual who robbed the bank," he said.',  # number changed
    '"We have arrested five persons who robbed the bank," he said.',  # a synonym: still another word
    '"We had arrested five individuals who robbed the bank," he said.',  # tense: an auxiliary is never light
    '"We have arrested five individuals who robbed a bank," he said.',  # an article swap is light ...
])
def test_inflection_and_auxiliaries_are_not_light(rewritten: str) -> None:
    got = _quote_findings('"We have arrested five individuals who robbed the bank," he said.', rewritten)
    expected = Severity.MINOR if "a bank" in rewritten else Severity.MAJOR  # ... number and tense are not
    assert [sev for _c, sev, _d in got] == [expected], got


def test_article_at_the_edge_of_a_quotation_is_a_minor_truncation() -> None:
    got = _quote_findings('He said it was "the timeless answer to it."', 'He said it was "timeless answer to it."')
    assert [(c, s) for c, s, _d in got] == [("quote-truncated", Severity.MINOR)]
    got = _quote_findings('He said it was "the timeless answer to it."', 'He said it was "answer to it."')
    assert [(c, s) for c, s, _d in got] == [("quote-truncated", Severity.MAJOR)]


def test_a_light_difference_next_to_a_content_change_is_still_major() -> None:
    got = _quote_findings('"It will be interesting to see if the new Pope also nominates cardinals," he said.',
                          '"It will be interesting to see whether the new Pope nominates cardinals," he said.')
    assert [(c, s) for c, s, _d in got] == [("quote-altered", Severity.MAJOR)]


def test_light_message_names_the_reason() -> None:
    (f,) = QuotesCheck().run(make_context('"This is the end of our work," he said.',
                                          '"This is an end of our work," he said.'))
    assert f.message.endswith("(only lightly: article)")


def test_words_reordered_otherwise_stay_a_change() -> None:
    got = _quote_findings('"The police did not arrest him, the army did," she said.',
                          '"The army did not arrest him, the police did," she said.')
    assert [(c, sev) for c, sev, _d in got] == [("quote-altered", Severity.MAJOR)], got
