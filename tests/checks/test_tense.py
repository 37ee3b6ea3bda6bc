"""Table tests for the tense / aspect / modality / question check (real spaCy parses)."""
from __future__ import annotations

import pytest

from evaluator.checks.tense import TenseCheck
from evaluator.types import Severity
from tests.checkkit import codes, make_context

MAJOR = int(Severity.MAJOR)

CASES = [
    # a hedging adverb with "will" says what "may" says; without it the modality changed
    ("Perhaps the talks will resume next week.", "The talks may resume next week.", set()),
    ("The talks will resume next week.", "The talks may resume next week.", {"modality-changed"}),
    ("Currently, Xinjiang has more than 330 plants.", "Currently, Xinjiang had more than 330 plants.",
     {"tense-changed"}),
    ("Cabbage juice changes color depending on the acid.", "Cabbage juice will change color depending on the acid.",
     {"tense-changed"}),
    ("The authors say that China was ill-prepared.", "The authors said that China was ill-prepared.",
     {"tense-changed"}),
    ("Rangers closely monitor the shooters in the trials.", "Rangers are closely monitoring the shooters in the trials.",
     {"aspect-changed"}),
    ("The league began its rematch on June 20.", "The league had begun its rematch on June 20.", {"aspect-changed"}),
    ("Visitors must leave the park before dark.", "Visitors may leave the park before dark.", {"modality-changed"}),
    ("A course will cover all of the issues.", "Will a course cover all of the issues?", {"statement-to-question"}),
    ("Scientists want to understand how planets formed.", "Do scientists want to understand how planets formed.",
     {"statement-to-question"}),
    ("Is this the right bus?", "Is this the right bus?", set()),
    ("The minister said the plan will work.", "The minister said the plan would work.", set()),
    ("The minister announced the plan on Monday.", "The minister announced the plan on Monday.", set()),
    ("Both cyanuric acid and melamine were found in urine samples of pets.",
     "Researchers find that urine samples from the pets contained cyanuric acid and melamine.", set()),
    # the same event: future progressive for future simple; a bare "spread" may be past or present
    ("On Sunday, Hamilton will be fighting for points in Imola.", "On Sunday, Hamilton will fight for points in Imola.",
     set()),
    ("Seasonal floods that spread sediment have stopped.", "The seasonal floods that would spread sediment have stopped.",
     set()),
    ("Seasonal floods that spread sediment have stopped.", "Seasonal floods that spreads sediment have stopped.", set()),
    ("The floods spread sediment across the valley.", "The floods will spread sediment across the valley.",
     {"tense-changed"}),
    ("The flood spreads sediment across the valley.", "The flood spread sediment across the valley.",
     {"tense-changed"}),
    # past simple and present perfect place the event in the past either way: a minor note at most
    ("Prime Minister Chris Hipkins declared a state of emergency.",
     "Prime Minister Chris Hipkins has declared a state of emergency.", set()),
    ("The floods forced 9,000 residents from their homes.", "The floods have forced 9,000 residents from their homes.",
     set()),
    ("The floods have forced 9,000 residents from their homes.", "The floods forced 9,000 residents from their homes.",
     set()),
    ("The minister has declared a state of emergency.", "The minister had declared a state of emergency.",
     {"tense-changed"}),
    ("The minister declared a state of emergency.", "The minister is declaring a state of emergency.",
     {"aspect-changed"}),
    # backshift in reported speech: past simple and past perfect report the same event
    ("Police said the suspect stole the car.", "Police said the suspect had stolen the car.", set()),
    ("He said the plant had closed in May.", "He said the plant closed in May.", set()),
    # contractions are the same modal as their full forms ("wo" of "won't" is "will", "’d" is "would")
    ("The company will not pay the fine.", "The company won't pay the fine.", set()),
    ("The company won’t pay the fine.", "The company will not pay the fine.", set()),
    ("The company shall not pay the fine.", "The company shan't pay the fine.", set()),
    ("The company cannot pay the fine.", "The company can't pay the fine.", set()),
    ("The company can not pay the fine.", "The company can't pay the fine.", set()),
    ("They would have paid the fine.", "They’d have paid the fine.", set()),
    ("They would have paid the fine.", "They'd have paid the fine.", set()),
    ("The company will pay the fine.", "The company’ll pay the fine.", set()),
    ("The company will pay the fine.", "The company'll pay the fine.", set()),
    ("I don't think the economy will recover.", "I think the economy won't recover.", set()),
    ("The company won't pay the fine.", "The company didn't pay the fine.", {"tense-changed"}),
    ("The company paid the fine.", "The company’ll pay the fine.", {"tense-changed"}),
    ("The company must pay the fine.", "The company can't pay the fine.", {"modality-changed"}),
    # "'d" before a past participle (adverbs aside) or "better" is "had"; "'s been" is "has been"
    ("He'd never agreed to the deal.", "He had never agreed to the deal.", set()),
    ("She'd already left.", "She had already left.", set()),
    ("She’d already left.", "She had already left.", set()),
    ("I knew they'd found it.", "I knew they had found it.", set()),
    ("You'd better go.", "You had better go.", set()),
    ("It's been a long day.", "It has been a long day.", set()),
    ("He's gone home.", "He has gone home.", set()),
    ("He'd go home.", "He would go home.", set()),
    ("He's been arrested by the police in the capital.", "He is arrested by the police in the capital.",
     {"aspect-changed"}),
    ("When the police arrived at the house, she'd already left the party.",
     "When the police arrived at the house, she would already leave the party.", {"aspect-changed"}),
    # "failed to show" is not the plain verb "fail": no tense pairing across the two uses
    ("Santos said the state had failed to show that less restrictive measures would not work.",
     "Santos said the state had not shown that less restrictive measures would fail.", set()),
    # backshift after any verb of saying ("cautioned"), the voice changed too
    ("Independent experts cautioned that the trial was funded entirely by the manufacturer.",
     "Independent experts cautioned that the manufacturer had funded the trial entirely.", set()),
    ("The trial was funded entirely by the manufacturer.", "The trial had been funded entirely by the manufacturer.",
     {"aspect-changed"}),
    # a hedge said by a predicate is a modality of possibility: stated as certain it changed, hedged it did not
    ("Raye is expected to begin a European tour in Dublin on 14 April.",
     "Raye will begin a European tour in Dublin on 14 April.", {"modality-changed"}),
    ("Raye is expected to begin a European tour in Dublin on 14 April.",
     "Raye will kick off a European tour in Dublin on 14 April.", {"modality-changed"}),
    ("Raye is expected to begin a European tour in Dublin on 14 April.",
     "Raye is likely to begin a European tour in Dublin on 14 April.", set()),
    ("Raye is expected to begin a European tour in Dublin on 14 April.",
     "Raye may begin a European tour in Dublin on 14 April.", set()),
    ("Raye is expected to begin a European tour in Dublin on 14 April.",
     "Raye is set to begin a European tour in Dublin on 14 April.", set()),
    ("Official results are expected to be certified by the county on Nov. 18.",
     "The results are due to be officially certified by the county on Nov. 18.", set()),
    ("Heavy rain is expected to fall in the region.", "Heavy rain has been expected to fall in the region.",
     {"aspect-changed"}),
    # a hedge verb left without its verb (a typo) is no plain statement
    ("Heavy rain is expected to fall and rainfall is likely to be prolonged.",
     "Heavy rain is expected to fal and rainfall is likely to be prolonged.", set()),
    # two hedged clauses merged into one: the hedge may live in the clause merged away
    ("From Shikoku to the Tokai region, intermittent heavy rain is expected to fall and rainfall is likely to be "
     "prolonged.", "From Shikoku to the Tokai region, intermittent heavy rain will lead into a lengthy period of rain.",
     set()),
    # a possibility stated as a fact, the verb reworded, under a verb of saying paired on both sides
    ("Two deaths may have been linked to the treatment, the company said.",
     "The company said two deaths were caused by the treatment.", {"modality-changed"}),
    ("Two deaths may have been linked to the treatment, the company said.",
     "The company said two deaths might have been caused by the treatment.", set()),
    ("Some participants developed brain swelling, and two deaths may have been linked to the treatment, the company "
     "said.", "The company said that participants developed brain swelling and that two deaths were caused by the "
     "treatment.", {"modality-changed"}),
    ("Critics argued that the plan could fall short.", "Critics argued that the plan will miss its goal.",
     {"modality-changed"}),
    ("Critics argued that the plan could fall short.", "Critics argued that the plan might miss its goal.", set()),
    # two verbs with the same subject, one putting the event in the future, the other in the past
    ("Craig said the authority would open 1,500 affordable homes by the end of 2025.",
     "Craig said the authority had completed 1,500 affordable homes by the end of 2025.", {"tense-changed"}),
    ("The drills will test how quickly reinforcements can reach Finland.",
     "The drills assessed how quickly reinforcements can reach Finland.", {"tense-changed"}),
    ("Haines said the company had already replaced drainage at 300 sites.",
     "Haines said the company would soon upgrade drainage at 300 sites.", {"tense-changed"}),
    ("Craig said the authority would open 1,500 affordable homes by the end of 2025.",
     "Craig said the authority would deliver 1,500 affordable homes by the end of 2025.", set()),
    ("The drills will test how quickly reinforcements can reach Finland.",
     "The drills are set to test how quickly reinforcements can reach Finland.", set()),
    ("Haines said the company had already replaced drainage at 300 sites.",
     "Haines said the company upgraded drainage at 300 sites.", set()),
    # the hedge moved into an impersonal main clause ("it is believed that"): kept, not dropped
    ("Fewer than 50 Sumatran rhinos are believed to survive in the wild.",
     "It is believed that fewer than 50 Sumatran rhinos survive in the wild.", set()),
    ("The ship is thought to have sunk in 1904.", "It is thought that the ship sank in 1904.", set()),
    ("The rebels are expected to attack the town.", "It is expected that the rebels will attack the town.", set()),
    ("It is believed that fewer than 50 Sumatran rhinos survive in the wild.",
     "Fewer than 50 Sumatran rhinos survive in the wild.", {"modality-changed"}),
    ("It is said that the ship sank in 1904.", "The ship sank in 1904.", {"modality-changed"}),
    # a reported expectation turned into the reported future ("would"), the verb reworded
    ("The Greek meteorological service said the heatwave was expected to last until Sunday.",
     "The heatwave would continue until Sunday, the Greek meteorological service said.", {"modality-changed"}),
    ("The Greek meteorological service said the heatwave was expected to last until Sunday.",
     "The heatwave was likely to continue until Sunday, the Greek meteorological service said.", set()),
    ("The heatwave was expected to last until Sunday.", "The heatwave would continue until Sunday.",
     {"modality-changed"}),
    ("The heatwave is expected to last until Sunday.", "The heatwave would continue until Sunday.", set()),
]


@pytest.mark.parametrize("original,rewritten,expected", CASES)
def test_tense_table(original: str, rewritten: str, expected: set[str]) -> None:
    findings = list(TenseCheck().run(make_context(original, rewritten)))
    assert codes(findings, MAJOR) == expected, [f.message for f in findings]


def test_tense_evidence() -> None:
    ctx = make_context("Xinjiang has more than 330 plants.", "Xinjiang will have more than 330 plants.")
    (f,) = list(TenseCheck().run(ctx))
    assert f.code == "tense-changed"
    assert f.original.text == "has" and f.rewritten.text == "will have"  # type: ignore[union-attr]
    assert f.data["original"]["tense"] == "present" and f.data["rewritten"]["tense"] == "future"


def test_reworded_sentence_tense_shift_is_minor() -> None:
    ctx = make_context("His research shows that hormones can speed up lung growth.",
                       "According to his study, which showed it, hormone treatment would accelerate the lungs.")
    assert codes(list(TenseCheck().run(ctx)), MAJOR) == set()


def test_contraction_glued_to_subject() -> None:
    ctx = make_context("The company will pay the fine.", "The company’ll pay the fine.")
    assert list(TenseCheck().run(ctx)) == []
    ctx = make_context("The company would pay the fine.", "The company’ll pay the fine.")
    (f,) = list(TenseCheck().run(ctx))
    assert f.rewritten is not None and f.rewritten.text == "company’ll pay"
    assert f.data["rewritten"] == {"tense": "future", "aspect": "simple", "modal": "will"}


@pytest.mark.parametrize("original,rewritten", [
    # a verb and its WordNet synonym are one predicate
    ("Foldable screens may remain a niche product.", "Foldable screens will stay a niche product."),
    ("Borrowing costs could start to fall this summer.", "Borrowing costs will begin to come down this summer."),
    # the one main clause left on each side, its verb governing the same nouns: compared for modality
    ("The heat could damage cereal crops.", "Cereal crops will be harmed by the heat."),
    # each side's only verb, every word reworded: still one event, "could" turned into "will"
    ("The strike could delay flights.", "The walkout will hold up air travel."),
])
def test_modality_change_with_the_verb_reworded(original: str, rewritten: str) -> None:
    findings = list(TenseCheck().run(make_context(original, rewritten)))
    assert [(f.code, f.severity) for f in findings] == [("modality-changed", Severity.MAJOR)], [
        f.message for f in findings]


def test_reworded_verb_pairing_limits() -> None:
    """Two different verbs paired only as the main clauses are compared for modality, not tense; a "would"
    that puts a possibility as a condition stays a minor note in a reworded sentence."""
    quiet = [
        ("The heat damaged cereal crops.", "Cereal crops will be harmed by the heat."),
        ("The heat damaged cereal crops.", "Cereal crops were harmed by the heat."),
        ("His research shows that the administration of hormones can accelerate the maturation of the lungs.",
         "His research showed that if a hormone was administered it would speed up the lungs' maturation."),
        ("Foldable screens may remain a niche product.", "Foldable screens might stay a niche product."),
        # synonyms are compared for modality only: a reworded verb's aspect is a translator's choice
        ("As I watched the eclipse, the clouds parted.", "As I was viewing the eclipse, the clouds parted."),
        # other modal shifts in a reworded sentence stay minor: the same in other words
        ("In Moscow on Sunday, light rains are expected, the weather service reports.",
         "Moscow can expect light rain on Sunday, the weather service announced."),
        ("Foster care should provide all the needs that were lacking in the home.",
         "Foster care is supposed to provide all the necessities that were lacking in the home."),
        # each side's only verb: the same possibility in other words, or a tense shift, is no finding
        ("The strike could delay flights.", "The walkout may hold up air travel."),
        ("The strike delayed flights.", "The walkout will hold up air travel."),
        # more than one clause on a side: reworded verbs without a shared noun are not paired
        ("The strike could delay flights.", "The walkout will hold up air travel, officials said."),
    ]
    for original, rewritten in quiet:
        findings = list(TenseCheck().run(make_context(original, rewritten)))
        assert codes(findings, MAJOR) == set(), (original, rewritten, [f.message for f in findings])
    ctx = make_context("Foldable screens may remain a niche product.", "Foldable screens must stay a niche product.")
    assert codes(list(TenseCheck().run(ctx)), MAJOR) == {"modality-changed"}


@pytest.mark.parametrize("original,rewritten", [
    # "it said" moved to the end: the "if" clause inside the report takes the sequence of tenses
    ("It said losses might exceed 3.5 million tonnes if dry conditions continued through May.",
     "Losses might exceed 3.5 million tonnes if dry conditions continue through May, it said."),
    ("It said losses might exceed 3.5 million tonnes if dry conditions continued through May.",
     "Losses might top 3.5 million tonnes should dry conditions continue through May, it said."),
    # a parenthetical "officials said" hangs on the clause it reports
    ("Officials said the plan would cost more if prices rose.",
     "The plan, officials said, would cost more if prices rise."),
])
def test_reported_clause_and_its_subordinates(original: str, rewritten: str) -> None:
    findings = list(TenseCheck().run(make_context(original, rewritten)))
    assert codes(findings, MAJOR) == set(), [f.message for f in findings]


def test_reported_speech_only_where_a_speech_verb_reports() -> None:
    """The subordinate clause of an unreported statement keeps its tense; the same inside a report does not."""
    ctx = make_context("Losses exceeded 3.5 million tonnes when dry conditions continued.",
                       "Losses exceed 3.5 million tonnes when dry conditions continue.")
    assert [f.code for f in TenseCheck().run(ctx)] == ["tense-changed", "tense-changed"]
    ctx = make_context("The ministry said losses exceeded 3.5 million tonnes when dry conditions continued.",
                       "Losses exceed 3.5 million tonnes when dry conditions continue, the ministry said.")
    assert codes(list(TenseCheck().run(ctx)), MAJOR) == set()
    # a speech verb in the complement ("said they believed") does not make the reporting verb reported
    ctx = make_context("No student interviewed - much less any teacher - said they believed in the date.",
                       "No student interviewed - much less any teacher - says they believed in the date.")
    assert codes(list(TenseCheck().run(ctx)), MAJOR) == {"tense-changed"}
    # direct speech keeps the speaker's tenses, in its subordinate clauses too
    ctx = make_context('"It can take its toll if regional lockdowns have to be ordered," said Mistol.',
                       '"It can take its toll if regional lockdowns had to be ordered," said Mistol.')
    assert codes(list(TenseCheck().run(ctx)), MAJOR) == {"tense-changed"}


def test_a_verb_of_phase_is_one_predicate_with_a_noun_or_a_verb() -> None:
    """"stopped production" / "will stop producing": the same verb, its tense changed (reworded: minor)."""
    fs = list(TenseCheck().run(make_context("The plant stopped production in May.",
                                            "The plant will stop producing in May.")))
    assert [f.code for f in fs] == ["tense-changed"]
