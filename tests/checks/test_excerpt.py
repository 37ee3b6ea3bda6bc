"""What an excerpt's cut leaves out is info: a sentence cut mid-way has nothing to say about the words its
whole counterpart has before (or after) the cut.  Real segmenter, aligner and checks."""
from __future__ import annotations

from typing import Any

import evaluator
from evaluator.checks._excerpt import cut_sentences
from evaluator.types import Severity

TAIL = ("Officials in Seoul said talks would resume in March. The ministry declined to give a date for the "
        "next round.")


def _findings(original: str, rewritten: str, resources: Any) -> list[Any]:
    return list(evaluator.compare(original, rewritten, resources=resources).findings)


def test_names_before_the_cut_of_an_excerpt_that_starts_mid_sentence_are_info(resources) -> None:
    original = ("chief financial and political benefactor, and Blinken said Beijing had a role to play.\n\n" + TAIL)
    rewritten = ("But China is North Korea's foremost financial and political benefactor, and Blinken said Beijing "
                 "and Moscow had a role to play.\n\n" + TAIL)
    fs = _findings(original, rewritten, resources)
    added = {f.rewritten.text: f for f in fs if f.code == "entity-added" and f.rewritten is not None}
    for name in ("China", "North Korea"):  # before the cut: the excerpt does not reach them
        assert added[name].severity == Severity.INFO and added[name].data["outside_excerpt"] == "original", added
        assert "outside the excerpt: the original starts mid-sentence" in added[name].message
    moscow = [f for f in fs if "Moscow" in f.message]  # after the cut: really added
    assert moscow and all(f.severity >= Severity.MINOR and "outside_excerpt" not in f.data for f in moscow)


def test_a_rewrite_that_is_an_excerpt_starting_mid_sentence_loses_nothing_before_its_cut(resources) -> None:
    before = ("Floods swept through the region on Tuesday. Rivers burst their banks before dawn. Power was cut "
              "to about 62,000 homes. Schools and roads were closed across the province.\n\n")
    original = (before + "The emergency management minister, Kieran McAnulty, said the government would release "
                "50 million dollars in relief.\n\n" + TAIL)
    rewritten = "said the government would make 50 million dollars available in relief.\n\n" + TAIL
    fs = _findings(original, rewritten, resources)
    missing = [f for f in fs if f.code == "entity-missing" and "McAnulty" in f.message]
    assert missing and all(f.severity == Severity.INFO for f in missing), [(f.code, f.severity) for f in fs]
    assert all(f.data["outside_excerpt"] == "rewritten" for f in missing)


def test_a_rewrite_that_stops_mid_sentence_has_lost_what_it_does_not_say(resources) -> None:
    """An MT output cut at a length limit is no excerpt: the names it never reached are missing."""
    original = ("The minister returned on Monday after a meeting with Kim Jong Un and Xi Jinping in Beijing.\n\n"
                + TAIL)
    rewritten = "The minister came back on Monday after a meeting with Kim Jong Un\n\n" + TAIL
    fs = _findings(original, rewritten, resources)
    lost = [f for f in fs if "Xi Jinping" in f.message]
    assert lost and all(f.severity >= Severity.MAJOR and "outside_excerpt" not in f.data for f in lost), \
        [(f.code, f.severity, f.message) for f in fs]


def test_a_whole_sentence_keeps_its_findings(resources) -> None:
    original = "The minister, Kieran McAnulty, said the government would release aid.\n\n" + TAIL
    rewritten = "The minister said the government would release aid.\n\n" + TAIL
    fs = _findings(original, rewritten, resources)
    assert any("McAnulty" in f.message and f.severity >= Severity.MINOR for f in fs)
    assert not any("outside_excerpt" in f.data for f in fs)


def test_cut_sentences_are_the_first_and_last_of_paragraphs_cut_mid_sentence() -> None:
    from evaluator.segment import segment
    from tests.checkkit import nlp

    doc, _ = segment("benefactor, and he said so. It was late.\n\nA whole one. And its end is cut and", nlp())
    starts, ends = cut_sentences(doc)
    assert starts == {0} and ends == {len(doc.sentences) - 1}


def test_a_clause_added_before_the_cut_is_outside_the_excerpt(resources) -> None:
    """The excerpt starts at "military expansionism": the rewrite's clause before it is not added to the excerpt,
    although the omission check anchors it on the excerpt's first word (an anchor, not evidence)."""
    original = "military expansionism, crackdown on democracy and economic coercion in the Indo-Pacific region.\n\n" + TAIL
    rewritten = ("Climate is one of the few areas where officials believe they can work with China as the government "
                 "faces military expansionism, crackdown on democracy and economic coercion in the Indo-Pacific "
                 "region.\n\n" + TAIL)
    fs = _findings(original, rewritten, resources)
    added = [f for f in fs if f.code == "content-added" and f.rewritten is not None
             and f.rewritten.end <= rewritten.index("military expansionism")]
    assert added, [(f.code, f.severity, f.message) for f in fs]
    assert all(f.severity == Severity.INFO and f.data["outside_excerpt"] == "original" for f in added), \
        [(f.severity, f.message) for f in added]
    assert not any(f.severity >= Severity.MAJOR for f in fs), [(f.code, f.message) for f in fs]
