"""Omissions and additions: whole sentences, dropped clauses/words, added content (real spaCy parses)."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from evaluator.checks.omission import OmissionCheck
from evaluator.types import Coverage, PairScores, Severity, Span
from tests.checkkit import codes, make_context

PETS = "Cyanuric acid and melamine were both found in urine samples of pets who died after eating contaminated pet food."
STAKE_O = ("At stake is the risk posed by North Korea’s weapons systems and its repressive domestic policies "
           "involving surveillance, torture and prison camps, which international officials have said amount "
           "to human rights violations.")
STAKE_R = ("At stake is the risk posed by North Korea’s weapon systems and its repressive domestic policy with "
           "surveillance, torture and prison camps.")

CASES = [
    # (original, rewritten, expected codes at major or above)
    (PETS, "Cyanuric acid and melamine were both found in urine samples of pets who died.", {"clause-dropped"}),
    (PETS, "Cyanuric acid and melamine were both found in urine samples of who died after eating contaminated "
           "pet food.", {"clause-dropped"}),
    (PETS, "Cyanuric acid and melamine were both in urine samples of pets who died after eating contaminated "
           "pet food.", {"clause-dropped"}),
    ("He was greeted by the deputy prime minister and discussed trade.",
     "Was greeted by the deputy prime minister and discussed trade.", {"clause-dropped"}),
    ("I don't know if you realize that most of the goods are duty free.",
     "I don't know if you realize that most of the famous goods are duty free.", {"content-added"}),
    (STAKE_O, STAKE_R, {"clause-dropped"}),
    # must not flag: paraphrase, voice change, house style, light words, identical text
    ("Scientists want to understand how planets formed.", "Scientists hope to understand how planets formed.",
     set()),
    ("The athlete was thanked by the tourist.", "The tourist thanked the athlete.", set()),
    ("Mr. Blinken said the talks were useful.", "Blinken said the talks were useful.", set()),
    ("He said the talks were useful.", "He also said the talks were very useful.", set()),
    ("His research shows that the administration of hormones can accelerate the maturation of the lungs.",
     "His research showed that administering hormones could speed up the maturation of the lungs.", set()),
    (PETS, PETS.lower(), set()),
    ("The discovery was announced on Tuesday.", "The discovery was announced on Tuesday", set()),
    # a coordinated verb shares its subject; a light verb stands in; a name keeps its own part; a gloss
    ("In 1956 he went to Sweden, where he started working at the post office and he became the chief engraver.",
     "In 1956 he moved to Sweden, where he started to work at the post office and became the chief engraver.", set()),
    ("Because Montevideo lies south of the equator, it is summer there in January.",
     "Since Montevideo is south of the equator, it is summer there in January.", set()),
    ("Others include Livingston Island and Deception Island, where a volcano provides a harbor.",
     "Others include Livingston Island, and Deception where a volcano provides a harbour.", set()),
    ("Cabbage juice changes color depending on how acidic or alkaline the chemical is.",
     "Cabbage juice changes color depending on how acidic or basic (alkaline) the chemical is.", set()),
    # a person named shorter: minor at most; a place or an organisation's word is not a name part
    ("Joe Biden spoke in Ohio on Friday.", "Biden spoke in Ohio on Friday.", set()),
    ("Xi Jinping spoke with Vladimir Putin.", "Xi spoke with Putin.", set()),
    ("Officials in Paris said the talks were useful.", "Officials said the talks were useful.", {"clause-dropped"}),
    # a hedge dropped states an allegation as fact; one added puts a fact in doubt
    ("The man allegedly stole the car.", "The man stole the car.", {"clause-dropped"}),
    ("The minister reportedly resigned on Friday.", "The minister resigned on Friday.", {"clause-dropped"}),
    ("The man stole the car.", "The man allegedly stole the car.", {"content-added"}),
    ("The alleged thief stole the car.", "The thief stole the car.", {"clause-dropped"}),
    # "likely" as an adverb is the same hedge as "probably"; "is likely to" is no adverb
    ("Analysts at Morningstar said the cost would likely be modest.",
     "The cost would be modest, analysts at Morningstar said.", {"clause-dropped"}),
    ("Analysts at Morningstar said the cost would likely be modest.",
     "The cost would probably be modest, analysts at Morningstar said.", set()),
    ("The cost is likely to be modest.", "The cost will probably be modest.", set()),
    # "suspects" (a noun) hedges nothing; a "said" both sides have keeps no dropped hedge
    ("The suspects allegedly used a stolen van.", "The suspects used a stolen van.", {"clause-dropped"}),
    ("Police said the suspects allegedly used a stolen van.", "Police said the suspects used a stolen van.",
     {"clause-dropped"}),
    ("Officials said the contamination was probably linked to runoff.",
     "The contamination was tied to runoff, officials said.", {"clause-dropped"}),
    # "said" reworded as "according to" is the same attribution, not another hedge
    ("Analysts at Danske Bank said some routes would probably be dropped.",
     "Some routes will be dropped, according to analysts at Danske Bank.", {"clause-dropped"}),
    ("Analysts at Danske Bank said some routes would probably be dropped.",
     "Some routes will probably be dropped, according to analysts at Danske Bank.", set()),
    # a hedge traded for another way of hedging (a modal, a verb of saying or seeming) is a paraphrase
    ("The fire was probably caused by a cigarette.", "The fire was likely caused by a cigarette.", set()),
    ("The fire was probably caused by a cigarette.", "The fire may have been caused by a cigarette.", set()),
    ("The suspects allegedly used a stolen van.", "The suspects are accused of using a stolen van.", set()),
    ("The suspects allegedly used a stolen van.", "Police say the suspects used a stolen van.", set()),
    ("Officials said the contamination was probably linked to runoff.",
     "The contamination was probably tied to runoff, officials said.", set()),
    ("He possibly knew about the plan.", "He may have known about the plan.", set()),
    ("The vote was apparently rigged.", "It appears the vote was rigged.", set()),
    ("The suspect allegedly stole the money.", "Prosecutors say the suspect stole the money.", set()),
    ("Police say the suspect stole the car.", "The suspect allegedly stole the car.", set()),
    ("The minister declined to comment.", "The minister did not comment.", set()),
    ("He can't attend the meeting.", "He is unable to attend the meeting.", set()),
    ("Foster care should provide all the needs that were lacking in the home from which they were previously taken.",
     "Foster care is supposed to provide all the necessities that were lacking in the home they were previously "
     "taken from.", set()),  # an obligation, not a hedge
    ('"We will win," said a statement from Smith\'s office.', '"We will win," Smith\'s office said.', set()),
    # a negation reworded is not a dropped word (polarity is the negation check's)
    ("The company failed to meet its targets.", "The company did not meet its targets.", set()),
    ("She was unable to attend the meeting.", "She could not attend the meeting.", set()),
    ("Not a single person was hurt.", "Nobody was hurt.", set()),
    ("The party did not win a single seat.", "The party won no seats.", set()),
    ("The company failed to meet its sales targets.", "The company did not meet its targets.", {"clause-dropped"}),
    # but a verb removed where an auxiliary stays is still a hole
    ("The company has sold its shares to the bank.", "The company has its shares to the bank.", {"clause-dropped"}),
    # a figure said in other words is the numbers check's business: "half a" = 0.5, "%" = "percent"
    ("The bank raised rates by 0.5 percentage points.", "The bank raised rates by half a percentage point.", set()),
    ("Its margin widened by 2.5 percentage points to 46.5 percent.", "Its margin widened 2.5 points to 46.5%.",
     set()),
]


# A causal connective on one side only, linking what both sides state, adds or drops a claim (why);
# one connective for another, "as" (time or cause), a temporal "since", "so" of degree are no change.
CAUSAL_CASES = [
    ("Reservoirs are at about 15 percent of capacity, and the government has restricted water use.",
     "Reservoirs are at about 15 percent of capacity because the government has restricted water use.",
     {"content-added"}),
    ("Prices rose and demand fell.", "Prices rose because demand fell.", {"content-added"}),
    ("Prices rose after demand fell.", "Prices rose because demand fell.", {"content-added"}),
    ("Prices rose, and demand fell.", "Prices rose, so demand fell.", {"content-added"}),
    ("Prices rose and demand fell.", "Prices rose due to falling demand.", {"content-added"}),
    ("Demand fell and prices rose.", "Demand fell, leading to higher prices.", {"content-added"}),
    ("The fire spread quickly, and dozens of homes were destroyed.",
     "The fire spread quickly; as a result, dozens of homes were destroyed.", {"content-added"}),
    ("Prices rose because demand fell.", "Prices rose and demand fell.", {"clause-dropped"}),
    ("Prices rose because demand fell.", "Prices rose after demand fell.", {"clause-dropped"}),
    ("Prices rose because demand fell.", "Prices rose since demand fell.", set()),
    ("Prices rose because demand fell.", "Demand fell, so prices rose.", set()),
    ("Prices rose because demand fell.", "Prices rose as a result of falling demand.", set()),
    ("The game was cancelled because of rain.", "The game was called off due to rain.", set()),
    ("Prices rose as demand fell.", "Prices rose while demand fell.", set()),
    ("Demand fell and prices rose.", "Prices rose as demand fell.", set()),
    ("Prices have risen since January.", "Prices have gone up since January.", set()),
    ("The crater is large.", "The crater is so large.", set()),
    ("The report is expected on Friday.", "The report is due to be published on Friday.", set()),
]


@pytest.mark.parametrize("original,rewritten,expected", CASES + CAUSAL_CASES)
def test_omission_table(original: str, rewritten: str, expected: set[str]) -> None:
    ctx = make_context(original, rewritten)
    assert codes(list(OmissionCheck().run(ctx)), Severity.MAJOR) == expected


def test_dropped_relative_clause_evidence() -> None:
    ctx = make_context(STAKE_O, STAKE_R)
    (f,) = [f for f in OmissionCheck().run(ctx) if f.severity >= Severity.MAJOR]
    assert f.original is not None and f.rewritten is not None
    assert f.original.text == "which international officials have said amount to human rights violations"
    assert f.original.text == ctx.original.text[f.original.start:f.original.end]
    assert f.rewritten.text == "camps"  # where the clause would sit in the rewrite
    assert f.data["kind"] == "relative clause"


def test_added_word_evidence() -> None:
    ctx = make_context("Most of the goods are duty free.", "Most of the famous goods are duty free.")
    (f,) = list(OmissionCheck().run(ctx))
    assert (f.code, f.severity) == ("content-added", Severity.MAJOR)
    assert f.rewritten is not None and f.rewritten.text == "famous"
    assert f.original is not None and f.original.text == "Most of the goods"  # between its neighbours
    assert f.message.endswith('(between "Most of the goods")')


def test_added_words_with_one_neighbour_say_which_side_it_is_on() -> None:
    """Content added at the end of a sentence has one neighbour: "after" it, not "between" it."""
    ctx = make_context("The committee approved the budget", "The committee approved the budget unanimously yesterday")
    found = [f for f in OmissionCheck().run(ctx) if f.code == "content-added"]
    assert found and all(" (after \"" in f.message and "(between" not in f.message for f in found), \
        [f.message for f in found]


def test_sentence_omitted_points_at_neighbour() -> None:
    ctx = make_context(["The talks began.", "They lasted two days."], ["The talks started."],
                       alignment=[((0,), (0,)), ((1,), ())])
    (f,) = [f for f in OmissionCheck().run(ctx) if f.code == "sentence-omitted"]
    assert f.severity == Severity.MAJOR and f.alignment == 1
    assert f.original is not None and f.original.text == "They lasted two days."
    assert f.rewritten is not None and f.rewritten.text == "The talks started."


@pytest.mark.parametrize("partial,severity", [(False, Severity.MINOR), (True, Severity.INFO)])
def test_sentence_added_depends_on_partial_original(partial: bool, severity: Severity) -> None:
    cov = Coverage(1.0, 0.5, 1.0, 0.5, (1, 1), (1, 2), partial_original=partial)
    ctx = make_context(["The talks began."], ["The talks started.", "Analysts were sceptical."],
                       alignment=[((0,), (0,)), ((), (1,))])
    ctx.coverage = cov
    (f,) = [f for f in OmissionCheck().run(ctx) if f.code == "sentence-added"]
    assert f.severity == severity
    assert f.rewritten is not None and f.rewritten.text == "Analysts were sceptical."
    assert ("original looks partial" in f.message) is partial


@pytest.mark.parametrize("partial", [False, True])
def test_sentence_omitted_outside_an_excerpt_rewrite_is_info_inside_it_major(partial: bool) -> None:
    """A rewrite that looks like an excerpt: the original's sentences before its first matched pair and
    after its last are outside it (info); one missing between two matched pairs is still an omission."""
    original = ["Intro came first.", "The talks began.", "A key clause was agreed.", "They lasted two days.",
                "The end came later."]
    rewritten = ["The talks started.", "They went on for two days."]
    ctx = make_context(original, rewritten,
                       alignment=[((0,), ()), ((1,), (0,)), ((2,), ()), ((3,), (1,)), ((4,), ())])
    ctx.coverage = Coverage(0.4, 1.0, 0.4, 1.0, (2, 5), (2, 2), partial_rewritten=partial)
    got = {f.original.text: f for f in OmissionCheck().run(ctx) if f.code == "sentence-omitted" and f.original}
    assert got["A key clause was agreed."].severity == Severity.MAJOR
    for text in ("Intro came first.", "The end came later."):
        assert got[text].severity == (Severity.INFO if partial else Severity.MAJOR)
        assert ("no counterpart in the excerpt (the rewrite looks partial" in got[text].message) is partial


def test_causal_link_evidence() -> None:
    ctx = make_context("Prices rose and demand fell.", "Prices rose because demand fell.")
    (f,) = [f for f in OmissionCheck().run(ctx) if f.severity >= Severity.MAJOR]
    assert (f.code, f.data["kind"], f.data["words"]) == ("content-added", "causal link", ["because"])
    assert f.rewritten is not None and f.rewritten.text == "because"
    assert f.original is not None and f.original.text == "rose and demand"  # where the link would sit
    assert '"demand fell" the cause of "Prices rose"' in f.message


def test_a_hedge_dropped_is_major_whatever_the_encoder_matched() -> None:
    """The encoder matches "probably" to the sentence around it; the claim's certainty changed all the same."""
    original, rewritten = "The fire was probably caused by a cigarette.", "The fire was caused by a cigarette."
    ctx = make_context(original, rewritten)
    ctx.pairs = {0: dataclasses.replace(ctx.pairs[0], bertscore_f1=0.99, unmatched_original=())}
    (f,) = list(OmissionCheck().run(ctx))
    assert (f.code, f.severity, f.data["kind"]) == ("clause-dropped", Severity.MAJOR, "hedge")
    ctx = make_context(rewritten, original)
    ctx.pairs = {0: dataclasses.replace(ctx.pairs[0], bertscore_f1=0.99, unmatched_rewritten=())}
    (f,) = list(OmissionCheck().run(ctx))
    assert (f.code, f.severity, f.data["kind"]) == ("content-added", Severity.MAJOR, "hedge")


@pytest.mark.parametrize("original,rewritten", [
    ("It plans to publish new test results every Tuesday and Friday.",
     "New test results will be published every Tuesday and Friday."),
    ("The report said that they had not ruled out a sewage leak.",
     "The report said that a sewage leak had not been ruled out."),
])
def test_a_pronoun_subject_of_a_clause_made_passive_is_a_note(original: str, rewritten: str) -> None:
    """The clause made passive without an agent drops only the pronoun that stood for the actor: minor."""
    findings = list(OmissionCheck().run(make_context(original, rewritten)))
    (f,) = [f for f in findings if f.data.get("kind") == "subject"]
    assert f.severity == Severity.MINOR and "passive with no agent" in f.message
    # a named actor dropped, or a pronoun dropped with no passive to take its place, stays a loss
    assert codes(list(OmissionCheck().run(make_context("Officials had not ruled out a sewage leak.",
                                                       "A sewage leak had not been ruled out."))),
                 Severity.MAJOR) == {"clause-dropped"}


@pytest.mark.parametrize("original,rewritten", [
    ("The companies said they had not yet decided whether to keep both brands.",
     "Whether to keep both brands has not yet been decided, the companies said."),
    ("Officials said the contamination was probably linked to runoff, but they had not ruled out a sewage leak.",
     "The contamination was probably tied to runoff, officials said, although a sewage leak had not been ruled out."),
    # the passive subject a quantifier (a pronoun, but not the actor)
    ("Maersk, the largest customer at Felixstowe, confirmed that it had moved some of its Asia services to Rotterdam.",
     "Maersk, Felixstowe's largest customer, confirmed that some of its Asia services had been moved to Rotterdam."),
    ("The library said it would not pay the ransom.", "The ransom will not be paid, the library said."),
])
def test_a_pronoun_for_the_kept_speaker_in_a_clause_made_passive_is_no_loss(original: str, rewritten: str) -> None:
    """The pronoun stands for the speaker the rewrite keeps, and its clause is made passive: nothing is lost."""
    findings = list(OmissionCheck().run(make_context(original, rewritten)))
    assert [f for f in findings if f.data.get("kind") == "subject"] == []


def test_a_pronoun_whose_verb_is_said_as_a_noun_is_a_note() -> None:
    """"It was bought" -> "The purchase": the event said as a noun needs no subject.  A pronoun whose clause says
    nobody in its place stays a loss, its referent kept or not ("He was greeted" -> "Was greeted" in the table
    above; "The companies said they had agreed" -> "The companies said had agreed"), and so does one whose verb is
    left behind in the same form and read as a noun ("the destination you visit" -> "the destination visit")."""
    original = "It was bought with support from the Rembrandt Association and the Dutch state."
    rewritten = "The purchase was supported by the Dutch state and by the Rembrandt Association."
    (f,) = [f for f in OmissionCheck().run(make_context(original, rewritten)) if f.data.get("kind") == "subject"]
    assert f.severity == Severity.MINOR and 'as the noun "purchase"' in f.message, f.message
    for original, rewritten in (
            ("The companies said they had agreed to the merger.", "The companies said had agreed to the merger."),
            ("If a warning is issued for the destination you visit, your insurance may not pay.",
             "If a warning is issued for the destination visit, your insurance may not pay.")):
        findings = list(OmissionCheck().run(make_context(original, rewritten)))
        (f,) = [f for f in findings if f.data.get("kind") == "subject"]
        assert f.severity == Severity.MAJOR, f.message


def test_bertscore_match_vetoes_a_drop() -> None:
    original, rewritten = PETS, "Cyanuric acid and melamine were both found in urine samples of pets who died."
    ctx = make_context(original, rewritten)
    assert codes(list(OmissionCheck().run(ctx)), Severity.MAJOR) == {"clause-dropped"}
    # the encoder matched every original token: the drop is kept only as a minor note
    ctx.pairs = {0: dataclasses.replace(ctx.pairs[0], bertscore_f1=0.99, unmatched_original=())}
    assert codes(list(OmissionCheck().run(ctx)), Severity.MAJOR) == set()
    # the encoder left "eating contaminated pet food" unmatched: major again
    start = original.index("after eating")
    ctx.pairs = {0: PairScores(0, 0, 0, 0, 0, 0.9, 0.8, 0.85,
                               unmatched_original=(Span.of(original, start, len(original) - 1),))}
    assert codes(list(OmissionCheck().run(ctx)), Severity.MAJOR) == {"clause-dropped"}


def test_wordnet_comes_from_the_run_options(tmp_path: Path) -> None:
    """The content alignment's synonym matching ("car" = "automobile") reads the WordNet of
    ``options.wordnet_path``: with it the swap is matched and the lost phrase is a hole; pointed at an
    empty folder, no WordNet, so the unmatched "automobile" stands in the gap and nothing is reported."""
    from evaluator.lexicon import load_wordnet
    from evaluator.options import Options

    if load_wordnet() is None:
        pytest.skip("WordNet (wordnet-base) not installed")
    o, r = "Police found the car near the old bridge on Monday.", "Police found the automobile on Monday."
    with_wn = list(OmissionCheck().run(make_context(o, r, options=Options())))
    without = list(OmissionCheck().run(make_context(o, r, options=Options(wordnet_path=str(tmp_path)))))
    assert [(f.code, f.original.text if f.original else None) for f in with_wn] == [
        ("clause-dropped", "near the old bridge")]
    assert without == []


MOVE_O = """The city council voted on Monday to expand the bus network into three northern suburbs. The first new buses are expected to run by the end of next spring.

The plan will cost about 40 million dollars over five years, according to the transport department. Critics argued that the money should instead be spent on repairing the ageing tram lines.

Construction of the depot will begin in June on a former rail yard. Ticket machines at every stop will accept contactless payment.

A public consultation on the timetable closes at the end of the month. The mayor called the vote a turning point for the region.
"""
MOVE_R = """On Monday the city council approved an expansion of the bus network to three suburbs in the north. The first of the new buses should be in service by late next spring.

Work on the depot, on an old rail yard, is due to start in June. Contactless payment will be accepted by ticket machines at all stops.

The public consultation on the timetable ends at the close of the month. The mayor described the vote as a turning point for the region.

According to the transport department, the plan will cost roughly 60 million dollars across five years. Opponents said the funds would be better used to fix the old tram lines.
"""


@pytest.mark.slow
def test_a_paragraph_moved_across_the_article_is_one_move_not_omissions_and_additions(resources) -> None:
    """A paragraph moved from second place to last (beyond the swap radius) is paired, named as a
    move once, and checked like any pair: the number changed inside it is still found."""
    from evaluator.pipeline import compare

    data = compare(MOVE_O, MOVE_R, resources=resources).to_dict()
    found = [(f["check"], f["code"], f["severity"]) for f in data["findings"]]
    assert not [c for c in found if c[1] in ("sentence-omitted", "sentence-added")], found
    moved = [f for f in data["findings"] if f["code"] == "sentence-moved"]
    assert len(moved) == 1 and moved[0]["severity"] == "minor", found
    assert moved[0]["data"]["original_paragraph"] == 2 and moved[0]["data"]["rewritten_paragraph"] == 4
    assert moved[0]["original"]["text"].startswith("The plan will cost about 40 million")
    assert moved[0]["rewritten"]["text"].startswith("According to the transport department")
    assert moved[0]["rewritten"]["text"].endswith("old tram lines.")
    assert any(f["check"] == "numbers" and "40" in f["original"]["text"] and "60" in f["rewritten"]["text"]
               for f in data["findings"]), found
    assert data["coverage"]["original"] == 1.0 and data["coverage"]["rewritten"] == 1.0


# A word the rewrite says another way, in another slot or with a word the content alignment cannot
# match: no finding even at minor. Each rule's lookalike that does change the meaning stays flagged.
STAND_IN_CASES = [
    # a bound of the same direction ("more than" ~ "over"); the other direction or none at all is a change
    ("Floods forced more than 9,000 residents from their homes.",
     "Floods forced over 9,000 residents from their homes.", set()),
    ("Almost 400 mm of rain fell on Napier in less than 24 hours.",
     "Almost 400 mm of rain fell on Napier in under 24 hours.", set()),
    ("Temperatures were 1.45 degrees above pre-industrial levels.",
     "Temperatures were 1.45 degrees higher than pre-industrial levels.", set()),
    ("Floods forced more than 9,000 residents from their homes.",
     "Floods forced under 9,000 residents from their homes.", {"clause-dropped"}),
    ("Floods forced more than 9,000 residents from their homes.",
     "Floods forced 9,000 residents from their homes.", {"clause-dropped"}),
    # "in its history" ~ "ever"; "history" dropped with nothing for it is still a hole
    ("It was only the third emergency in the country's history.",
     "It was only the third emergency ever in the country.", set()),
    ("It was only the third emergency in the country's history.",
     "It was only the third emergency in the country.", {"clause-dropped"}),
    # an attributing verb ~ "according to"; an attribution added to a bare statement is new content
    ("A poll found that 61 percent of Germans backed the plan.",
     "According to a poll, 61 percent of Germans backed the plan.", set()),
    ("Prosecutors said he moved money from 23 accounts.",
     "According to prosecutors, he moved money from 23 accounts.", set()),
    ("He moved money from 23 accounts.",
     "According to prosecutors, he moved money from 23 accounts.", {"content-added"}),
    # another verb governing the same arguments; a verb dropped whose object another kept verb took is lost
    ("The storm dumped almost 400 millimetres of rain on the city of Napier.",
     "Almost 400 millimetres of rain fell on the city of Napier in the storm.", set()),
    ("The storm killed 11 people and destroyed 40 homes.",
     "The storm killed 11 people and 40 homes.", {"clause-dropped"}),
    # "make ... available" ~ "release"; with the same verb on both sides the adjective is new
    ("The government would release 50 million dollars in relief.",
     "The government would make 50 million dollars available in relief.", set()),
    ("The company will keep the data.", "The company will keep the data secret.", {"content-added"}),
    # "a second band" ~ "another band"; dropped outright it is a hole
    ("Forecasters warned that a second band of rain could hit the region.",
     "Forecasters warned that another band of rain could hit the region.", set()),
    ("Forecasters warned that a second band of rain could hit the region.",
     "Forecasters warned that a band of rain could hit the region.", {"clause-dropped"}),
    # "aged 29" ~ "29" ~ "who is 29" ~ "29 years old"; "years" of a duration is no age frame
    ("A third man, aged 29, was arrested in Bradford last month.",
     "Last month a third man, 29, was arrested in Bradford.", set()),
    ("The men, aged 34 and 41, were detained at a house in Harehills.",
     "The men, who are 34 and 41, were detained at a house in Harehills.", set()),
    ("A man, 29 years old, was arrested.", "A man, 29, was arrested.", set()),
    ("A man, 29, was arrested.", "A man, aged 29, was arrested.", set()),
    ("The contract runs for 29 years.", "The contract runs for 29.", {"clause-dropped"}),
    # a noun that names the class of a kept word, which stands in its place: a place, a measure, a group, an event
    ("The court blocked the state of Oregon from enforcing the law.", "The court stopped Oregon from enforcing the law.",
     set()),
    ("The quake hit about 80 kilometres southeast of the city of Huancayo.",
     "The quake struck about 80 kilometres southeast of Huancayo.", set()),
    ("Chief executive Priya Raman spoke at the launch event in San Jose.",
     "Chief executive Priya Raman spoke at the San Jose launch.", set()),
    ("The company, which was founded in 1982, employs about 31,000 people in North America.",
     "Founded in 1982, the company has roughly 31,000 employees in North America.", set()),
    ("The turnout rate was 38 percent.", "Turnout was 38 percent.", set()),
    # ... a noun that names another thing than the kept word stays a drop
    ("Police officers were injured in the clashes.", "Police were injured in the clashes.", {"clause-dropped"}),
    ("Interest rates rose in May.", "Interest rose in May.", {"clause-dropped"}),
    ("Argentina is known for having the best polo team in the world.", "Argentina is known for having the best in the world.",
     {"clause-dropped"}),
    ("The 13 states first formed a weak central government.", "The 13 first formed a weak central government.",
     {"clause-dropped"}),
    ("The mayor of Leeds resigned.", "Leeds resigned.", {"clause-dropped"}),
    # a noun of office held in a relative clause that restates the role the sentence names
    ("Born in Leeds in 1933, Ellison was the first woman to head the university's department of chemistry, a post "
     "she held from 1982 to 1991.",
     "Ellison was born in Leeds in 1933. From 1982 to 1991 she headed the university's chemistry department, the first "
     "woman to do so.", set()),
]


@pytest.mark.parametrize("original,rewritten,expected", STAND_IN_CASES)
def test_stand_ins_are_no_omission(original: str, rewritten: str, expected: set[str]) -> None:
    findings = list(OmissionCheck().run(make_context(original, rewritten)))
    assert codes(findings, Severity.MINOR) == expected, [f.message for f in findings]


def test_an_added_clause_of_a_new_actor_is_a_new_claim() -> None:
    """A clause with its own verb and a name the original never mentions, where the original has only a
    participle-preposition ("including"), states a new fact: major, whatever the parse hangs it on."""
    original = "The report makes 20 recommendations, including stricter checks on contractors."
    rewritten = ("Among the report's 20 recommendations, all of which Network Rail has accepted, are stricter checks "
                 "on contractors.")
    findings = list(OmissionCheck().run(make_context(original, rewritten)))
    (f,) = [f for f in findings if f.severity >= Severity.MAJOR]
    assert f.code == "content-added" and f.rewritten is not None and "Network Rail has accepted" in f.rewritten.text
    # the same clause with an actor the original names: no new actor
    findings = list(OmissionCheck().run(make_context(
        "Network Rail has accepted the report's 20 recommendations, including stricter checks on contractors.",
        "Among the report's 20 recommendations, all of which Network Rail has accepted, are stricter checks on "
        "contractors.")))
    assert codes(findings, Severity.MAJOR) == set(), [f.message for f in findings]


@pytest.mark.parametrize("original,rewritten,expected", [
    # a noun of manner carrying an adjective the other side says as a predicate; "on her behalf" where the
    # other side has the possessor: minor. A new thing with the adjective, or a new "behalf", is content.
    ("Analysts were cautious.", "Analysts struck a cautious note.", set()),
    ("Her award was accepted by the lead actress, Shirin Kamali.",
     "The lead actress, Shirin Kamali, accepted the award on her behalf.", set()),
    ("Analysts were cautious.", "Analysts issued a cautious forecast.", {"content-added"}),
    ("The award was accepted by the lead actress.", "The lead actress accepted the award on her behalf.",
     {"content-added"}),
])
def test_frame_nouns_are_minor(original: str, rewritten: str, expected: set[str]) -> None:
    findings = list(OmissionCheck().run(make_context(original, rewritten)))
    assert codes(findings, Severity.MAJOR) == expected, [f.message for f in findings]


@pytest.mark.parametrize("rewritten,expected", [
    ("The plan, which must still be approved by the upper house, adds 20 billion euros.", set()),
    ("The plan, which was approved by the upper house, adds 20 billion euros.", {"clause-dropped"}),
])
def test_a_need_said_with_a_modal(rewritten: str, expected: set[str]) -> None:
    # "needs approval" -> "must be approved": the noun became the verb, the modal keeps the necessity;
    # without the modal the plan is approved, not in need of approval
    original = "The plan, which still needs approval from the upper house, adds 20 billion euros."
    findings = list(OmissionCheck().run(make_context(original, rewritten)))
    assert codes(findings, Severity.MINOR) == expected, [f.message for f in findings]


def test_an_empty_output_line_is_one_omission_of_the_whole_segment(resources) -> None:
    """A line-aligned set's empty (or blank) output line leaves the whole segment out: one major
    sentence-omitted that carries what the other checks found missing from it."""
    from evaluator.pipeline import compare_aligned

    rep = compare_aligned(["The minister said 40 people died.", "Joe Biden signed the deal with China on Monday.",
                           "The talks resume."],
                          ["The minister said 40 people died.", "", "   "], resources=resources)
    by_line: dict[int, list[Any]] = {}
    for f in rep.findings:
        by_line.setdefault(f.alignment, []).append(f)
    assert 0 not in by_line
    for line in (1, 2):
        (f,) = by_line[line]
        assert (f.code, f.severity, f.rewritten) == ("sentence-omitted", Severity.MAJOR, None)
        assert f.data["empty_line"] and "line is empty" in f.message
    merged = {m["code"] for m in by_line[1][0].data["merged"]}
    assert "entity-missing" in merged


@pytest.mark.parametrize("original,rewritten,expected", [
    # light words added, a copula dropped whose complement stays, a participle doing a preposition's work:
    # they restate the other side, no finding at all
    ("It could generate power only when the sun was low in the sky.",
     "It could generate power only when the sun stood low in the sky.", set()),
    ("It could generate power only when the sun stood low in the sky.",
     "It could generate power only when the sun was low in the sky.", set()),
    ("The landing made Japan the fifth country to do so.", "With the landing, Japan became the fifth country to do so.",
     set()),
    ("Japan is the fifth country to land on the moon, after the Soviet Union and India.",
     "Japan is the fifth country to land on the moon, following the Soviet Union and India.", set()),
    ("The other seven members, including Bailey, voted to hold.",
     "The remaining seven members, Bailey among them, voted for no change.", set()),
    ("The probe sent back images of the surrounding rocks.", "The probe transmitted pictures of the rocks around it.",
     set()),
    # a light adverb that restricts the claim is more than a restatement
    ("Florida's daily death toll has surpassed 100.", "Florida's daily death toll has only surpassed 100.",
     {"content-added"}),
    # inside a quotation every word counts
    ('He said: "We made enormous progress from session to session."',
     'He said: "We made enormous progress going from session to session."', {"content-added"}),
    # another preposition than the participle's, or none: still reported
    ("Japan is the fifth country to land on the moon, before the Soviet Union and India.",
     "Japan is the fifth country to land on the moon, following the Soviet Union and India.", {"content-added"}),
    ("The probe sent back images of the surrounding rocks.", "The probe sent back images of the rocks under it.",
     {"clause-dropped"}),
    # a dropped modifier that carries meaning, or a verb that says more than "be", is still a drop
    ("The probe sent back images of the lunar rocks.", "The probe sent back images of the rocks.", {"clause-dropped"}),
    ("He remained silent.", "He was silent.", {"clause-dropped"}),
])
def test_restating_words_are_no_hole(original: str, rewritten: str, expected: set[str]) -> None:
    findings = list(OmissionCheck().run(make_context(original, rewritten)))
    assert codes(findings) == expected, [f.message for f in findings]
