"""The titles check on real spaCy parses: titles changed, dropped, added, against the reference; honorifics."""
from __future__ import annotations

import pytest

from evaluator.checks.titles import TitlesCheck, person_mentions, same_title
from evaluator.reference_sets import load_reference_sets
from evaluator.types import Severity
from tests.checkkit import codes, make_context

MAJOR = int(Severity.MAJOR)


@pytest.fixture(scope="module")
def refsets():
    return load_reference_sets([])


def run(original, rewritten, refsets, alignment=None):
    ctx = make_context(original, rewritten, alignment, reference_sets=refsets)
    return list(TitlesCheck().run(ctx))


CASES = [
    # (original, rewritten, all codes expected, codes expected at major or above)
    ("Secretary of State Antony J. Blinken arrived in Seoul.", "Foreign Secretary Antony J. Blinken arrived in Seoul.",
     {"title-changed", "title-contradicts-reference"}, {"title-changed", "title-contradicts-reference"}),
    ("Mr. Blinken, the secretary of state, spoke.", "Mr. Blinken, the foreign minister, spoke.",
     {"title-changed", "title-contradicts-reference"}, {"title-changed", "title-contradicts-reference"}),
    ("It irritated former President Barack Obama.", "It irritated President Barack Obama.",
     {"title-changed"}, {"title-changed"}),
    ("Vice President John Marlow spoke.", "President John Marlow spoke.", {"title-changed"}, {"title-changed"}),
    ("Mr. Blinken said so.", "Blinken said so.", {"honorific-dropped"}, set()),
    ("Mr. Blinken said so.", "Mr Blinken said so.", {"honorific-changed"}, set()),
    ("Ms. Choe cited the exercises.", "Mr. Choe cited the exercises.", {"honorific-changed"}, {"honorific-changed"}),
    ("Defense Secretary Lloyd J. Austin III was there.", "Lloyd J. Austin III was there.", {"title-dropped"}, set()),
    ("Lloyd J. Austin III was there.", "Secretary of Defense Lloyd J. Austin III was there.", {"title-added"}, set()),
    ("The Biden administration issued warnings.", "The Biden government issued warnings.",
     {"term-style-changed"}, set()),
    # Must not flag: the same title written differently.
    ("Defense Secretary Lloyd J. Austin III was there.", "Secretary of Defense Lloyd J. Austin III was there.",
     set(), set()),
    ("They met the White House national security adviser, Jake Sullivan.",
     "They met White House National Security Advisor Jake Sullivan.", set(), set()),
    ("South Korean President Moon Jae-in is keen.", "President Moon Jae-in of South Korea is keen.", set(), set()),
    ("Alabama Senator Doug Jones said so.", "Senator Doug Jones said so.", set(), set()),
    ("Kim Jong-un, the leader of North Korea, spoke.", "Kim Jong-un, the leader of North Korea , spoke.", set(), set()),
    ("secretary of state antony j. blinken arrived.", "Secretary of State Antony J. Blinken arrived.", set(), set()),
    # An abbreviation is the word it abbreviates.
    ("Gen. Mark Milley warned of war.", "General Mark Milley warned of war.", set(), set()),
    ("General Mark Milley warned of war.", "Gen. Mark Milley warned of war.", set(), set()),
    ("Sen. Bernie Sanders warned of war.", "Senator Bernie Sanders warned of war.", set(), set()),
    ("Gov. Gavin Newsom warned of fires.", "Governor Gavin Newsom warned of fires.", set(), set()),
    ("Rep. Nancy Pelosi led the march.", "Representative Nancy Pelosi led the march.", set(), set()),
    ("Dr Anthony Fauci warned of a wave.", "Doctor Anthony Fauci warned of a wave.", {"honorific-changed"}, set()),
    ("Rev. Al Sharpton led the march.", "Reverend Al Sharpton led the march.", {"honorific-changed"}, set()),
    ("Capt. John Smith led the march.", "Captain John Smith led the march.", {"honorific-changed"}, set()),
    # but a different rank is still one
    ("Gen. Mark Milley warned of war.", "Lieutenant General Mark Milley warned of war.", {"title-changed"},
     {"title-changed"}),
    ("Lt. Gen. John Smith spoke.", "Gen. John Smith spoke.", {"title-changed"}, {"title-changed"}),
    ("Lt. Gen. John Smith spoke.", "Lieutenant General John Smith spoke.", set(), set()),
    ("Lieutenant General John Smith spoke.", "General John Smith spoke.", {"title-changed"}, {"title-changed"}),
    # a status word after the title (elect, designate, nominee) is part of the office
    ("President-elect Joe Biden spoke.", "President Joe Biden spoke.", {"title-changed"}, {"title-changed"}),
    # initials of a title are the title
    ("Apple chief executive Tim Cook spoke.", "Apple CEO Tim Cook spoke.", set(), set()),
    ("Microsoft chief executive Satya Nadella spoke.", "Microsoft's CEO Satya Nadella spoke.", set(), set()),
    ("CEO Tim Cook spoke.", "Chief executive Tim Cook spoke.", set(), set()),
    ("Chief Operating Officer Jeff Williams spoke.", "COO Jeff Williams spoke.", set(), set()),
    ("Chief Financial Officer Luca Maestri spoke.", "CFO Luca Maestri spoke.", set(), set()),
    ("Chief executive officer Tim Cook spoke.", "Chief executive Tim Cook spoke.", set(), set()),
    ("Vice President John Marlow spoke.", "VP John Marlow spoke.", set(), set()),
    ("CEO Tim Cook spoke.", "CFO Tim Cook spoke.", {"title-changed"}, {"title-changed"}),
    ("Mr. John Smith arrived.", "Mrs. John Smith arrived.", {"honorific-changed"}, {"honorific-changed"}),
    # A hyphenated title is read whole; a generic description or the title's own head word is minor at most.
    ("U.N. Secretary-General Antonio Guterres called for a truce.",
     "The UN chief, Antonio Guterres, called for a truce.", set(), set()),
    ("U.N. Secretary-General Antonio Guterres called for a truce.",
     "UN Secretary-General Antonio Guterres called for a truce.", set(), set()),
    ("NATO Secretary-General Jens Stoltenberg spoke.", "NATO Deputy Secretary-General Jens Stoltenberg spoke.",
     {"title-changed"}, {"title-changed"}),
    ("Police Commissioner John Smith said so.", "The police chief, John Smith, said so.", {"title-changed"}, set()),
    ("Secretary of State Antony Blinken arrived in Seoul.", "The secretary, Antony Blinken, arrived in Seoul.",
     {"title-changed"}, set()),
    ("The company's chief executive, Tim Cook, spoke.", "The company's chief financial officer, Tim Cook, spoke.",
     {"title-changed"}, {"title-changed"}),
    ("Former President John Smith said so.", "The leader, John Smith, said so.", {"title-changed"}, {"title-changed"}),
    # an appositive title moved before the name, "of" phrase and all
    ("Lee Jae-myung, leader of the Democratic Party, called it humiliating.",
     "The leader of the Democratic Party, Lee Jae-myung, called it humiliating.", set(), set()),
    # a clause before ", X said" is no title of X; a role of a body is one title either way round
    ("He was hit on the head, John Smith said.", "John Smith said he was hit on the head.", set(), set()),
    ("He punched the player, John Smith said.", "John Smith said he punched the player.", set(), set()),
    ("John Smith, a striker for Arsenal, scored.", "Arsenal striker John Smith scored.", set(), set()),
    ("Lee Jae-myung, the leader of the Democratic Party, spoke.", "Democratic Party leader Lee Jae-myung spoke.",
     set(), set()),
    # a head of several words ("chief executive of X" = "X's chief executive" = "X chief executive")
    ("Network Rail's chief executive, Andrew Haines, apologised to the families.",
     "Andrew Haines, the chief executive of Network Rail, apologised to the families.", set(), set()),
    ("The chief executive of Network Rail, Andrew Haines, apologised.",
     "Network Rail chief executive Andrew Haines apologised.", set(), set()),
    ("The foreign minister of Japan, Yoko Kamikawa, arrived.", "Japan's foreign minister, Yoko Kamikawa, arrived.",
     set(), set()),
    ("Andrew Haines, the chief executive of Network Rail, apologised.",
     "Andrew Haines, the chief executive of Transport for London, apologised.", {"title-changed"}, {"title-changed"}),
    ("Andrew Haines, the chief executive of Network Rail, apologised.",
     "Andrew Haines, the chief financial officer of Network Rail, apologised.", {"title-changed"}, {"title-changed"}),
    ("Arsenal head coach Mikel Arteta praised his players.", "Arsenal manager Mikel Arteta praised his players.",
     set(), set()),
    ("Tottenham striker Harry Kane scored twice.", "Tottenham forward Harry Kane scored twice.", set(), set()),
    ("Tottenham striker Harry Kane scored twice.", "The Tottenham player Harry Kane scored twice.",
     {"title-changed"}, set()),
    ("It is safe, said Dr. Joanne Ryan, an epidemiologist at Monash University.",
     "It is safe, said Monash University epidemiologist Dr. Joanne Ryan.", set(), set()),
    # occupations and roles stand where titles do
    ("Arsenal manager Mikel Arteta praised his players.", "Arsenal captain Mikel Arteta praised his players.",
     {"title-changed"}, {"title-changed"}),
    ("Arsenal manager Mikel Arteta praised his players.", "Arsenal boss Mikel Arteta praised his players.",
     set(), set()),
    ("The risk is low, said Dr. Joanne Ryan, an epidemiologist at Monash University.",
     "The risk is low, said Dr. Joanne Ryan, a neurologist at Monash University.", {"title-changed"},
     {"title-changed"}),
    ("Head coach Erik Larsen resigned.", "Team captain Erik Larsen resigned.", {"title-changed"}, {"title-changed"}),
    # a title in an appositive after the name, with a lowercase word qualifying it, is the title before it
    ("Opposition leader Claire Dubois argued against it.", "Claire Dubois, the opposition leader, argued against it.",
     set(), set()),
    ("Opposition leader Claire Dubois argued against it.", "Claire Dubois, the party treasurer, argued against it.",
     {"title-changed"}, set()),  # read, not dropped ("leader" is generic: a minor change)
    # a title given as the predicate of "become", "be named", "serve as", "take over as" is the person's title
    ("Martin Gauss will become deputy chief executive of the new group.",
     "Martin Gauss will become chairman of the new group.", {"title-changed"}, {"title-changed"}),
    ("Martin Gauss, the chief executive of airBaltic, will become deputy chief executive of the new group.",
     "Martin Gauss, airBaltic's chief executive, will become the new group's chairman.",
     {"title-changed"}, {"title-changed"}),
    ("Anna Berg was named chief executive in May.", "Anna Berg was named chairwoman in May.",
     {"title-changed"}, {"title-changed"}),
    ("Anna Berg served as deputy mayor until 2019.", "Anna Berg served as mayor until 2019.",
     {"title-changed"}, {"title-changed"}),
    ("Martin Gauss will become deputy chief executive of the new group.",
     "Martin Gauss will become the new group's deputy chief executive.", set(), set()),
    ("Martin Gauss, the chief executive of airBaltic, will become deputy chief executive of the new group.",
     "Martin Gauss, airBaltic's chief executive, will become the new group's deputy chief executive.", set(), set()),
    # a rank before lowercase words qualifying the title ("the former antiquities minister") is read with them
    ("Zahi Hawass, the former antiquities minister, praised the find.",
     "Zahi Hawass, the antiquities minister, praised the find.", {"title-changed"}, {"title-changed"}),
    ("Zahi Hawass, the former antiquities minister, praised the find.",
     "Former antiquities minister Zahi Hawass praised the find.", set(), set()),
    ("Former antiquities minister Zahi Hawass praised the find.",
     "Antiquities minister Zahi Hawass praised the find.", {"title-changed"}, {"title-changed"}),
]


@pytest.mark.parametrize("original, rewritten, expected, expected_major", CASES)
def test_title_table(refsets, original, rewritten, expected, expected_major):
    fs = run(original, rewritten, refsets)
    assert codes(fs) == expected
    assert codes(fs, MAJOR) == expected_major


def test_title_changed_evidence(refsets):
    fs = run("Secretary of State Antony J. Blinken arrived.", "Foreign Secretary Antony J. Blinken arrived.", refsets)
    (f,) = [f for f in fs if f.code == "title-changed"]
    assert f.original.text == "Secretary of State Antony J. Blinken"
    assert f.rewritten.text == "Foreign Secretary Antony J. Blinken"
    assert f.data["original_value"] == "Secretary of State" and f.data["rewritten_value"] == "Foreign Secretary"
    assert f.data["reference"] == "international_news.toml:people/antony-blinken"


def test_contradiction_on_rewrite_only_sentence_cites_reference(refsets):
    ctx = make_context(["Talks were held in Seoul."],
                       ["Talks were held in Seoul.",
                        "Foreign Secretary Antony J. Blinken told reporters Thursday after talks."],
                       alignment=[((0,), (0,)), ((), (1,))], reference_sets=refsets)
    (f,) = list(TitlesCheck().run(ctx))
    assert f.code == "title-contradicts-reference" and f.severity == Severity.MAJOR
    assert f.rewritten.text == "Foreign Secretary Antony J. Blinken"
    assert f.data["reference"] == "international_news.toml:people/antony-blinken"
    assert f.data["office_reference"] == "international_news.toml:offices/us-secretary-of-state"
    assert f.data["wrong_variant"] is True and f.alignment == 1
    # a rewrite-only row: no original evidence (null), the nearest original sentence in data, for orientation
    assert f.original is None
    assert f.data["original_context"] == {"sentence": 0, "start": 0, "end": 25, "text": "Talks were held in Seoul."}


def test_contradiction_on_a_matched_row_keeps_its_own_original_sentence(refsets):
    ctx = make_context(["Antony J. Blinken told reporters Thursday after talks."],
                       ["Foreign Secretary Antony J. Blinken told reporters Thursday after talks."],
                       reference_sets=refsets)
    fs = [f for f in TitlesCheck().run(ctx) if f.code == "title-contradicts-reference"]
    assert len(fs) == 1 and fs[0].original is not None and fs[0].original.text == ctx.original.text
    assert "original_context" not in fs[0].data


def test_title_inconsistent_within_rewrite(refsets):
    ctx = make_context(["Mr. Blinken spoke.", "He left."],
                       ["Secretary of State Antony J. Blinken spoke.", "Later, Defense Secretary Antony Blinken left."],
                       reference_sets=refsets)
    fs = [f for f in TitlesCheck().run(ctx) if f.code == "title-inconsistent"]
    assert len(fs) == 1 and fs[0].severity == Severity.MAJOR
    assert fs[0].rewritten.text == "Defense Secretary Antony Blinken"


def test_person_mentions_read_titles(refsets):
    ctx = make_context(["Whether China's diplomats meet with Mr. Blinken and the White House national security "
                        "adviser, Jake Sullivan, is unclear.",
                        "said Choe Son-hui, the country's first deputy foreign minister, on Thursday."],
                       ["x", "y"], reference_sets=refsets)
    got = [(m.name_text, m.honorific.text if m.honorific else None, m.title_text)
           for i, p in enumerate(ctx.parses["original"]) for m in person_mentions(p, i, refsets)]
    assert ("Blinken", "Mr.", None) in got
    assert ("Jake Sullivan", None, "White House national security adviser") in got
    assert ("Choe Son-hui", None, "first deputy foreign minister") in got


def test_person_mentions_read_hyphenated_titles_and_written_out_honorifics(refsets):
    ctx = make_context(["U.N. Secretary-General Antonio Guterres spoke.", "Doctor Anthony Fauci warned."],
                       ["x", "y"], reference_sets=refsets)
    got = [(m.name_text, m.honorific.text if m.honorific else None, m.title_text)
           for i, p in enumerate(ctx.parses["original"]) for m in person_mentions(p, i, refsets)]
    assert ("Antonio Guterres", None, "U.N. Secretary-General") in got
    assert ("Anthony Fauci", "Doctor", None) in got


@pytest.mark.parametrize("a, b, how", [
    ("Secretary of State", "secretary", "shortened"),
    ("Finance Minister", "minister", "shortened"),
    ("Vice President", "President", None),
    ("Prime Minister", "minister", None),
    ("Deputy Secretary of State", "secretary", None),
    ("U.N. Secretary-General", "UN chief", "generic"),
    ("Police Commissioner", "chief", "generic"),
    ("former President", "leader", None),
    ("chief executive", "chief financial officer", None),
])
def test_loosened_title(refsets, a, b, how):
    from evaluator.checks.titles import loosened_title

    assert loosened_title(a, b, refsets) == how


@pytest.mark.parametrize("a, b, same", [
    ("Defense Secretary", "Secretary of Defense", True),
    ("Foreign Secretary", "Secretary of State", False),
    ("National Security Advisor", "White House national security adviser", True),
    ("former President", "President", False),
    ("Vice President", "President", False),
    ("US President", "President", True),
    ("CEO", "chief executive officer", True),
    ("PM", "Prime Minister", True),
    ("MP", "member of parliament", True),
    ("VP", "President", False),
    ("President-elect", "President", False),
])
def test_same_title(refsets, a, b, same):
    assert same_title(a, b, refsets, "US") is same
