"""Role reversal: agent and patient swapped, voice-aware (real spaCy parses)."""
from __future__ import annotations

import pytest

from evaluator.checks.roles import RolesCheck, extract_triples
from evaluator.types import Severity
from tests.checkkit import codes, make_context

BIDEN_O = ("But the country that is perhaps in the best position to influence Pyongyang is one that "
           "President Biden has increasingly viewed as an adversary: China.")
BIDEN_R = ("But the country perhaps best placed to influence Pyongyang has increasingly seen President Biden "
           "as an adversary: China.")

CASES = [
    # (original, rewritten, expected codes)
    ("The senator supported the students.", "The students supported the senator.", {"role-reversed"}),
    ("The doctor was encouraged by the bankers.", "The doctor encouraged the bankers.", {"role-reversed"}),
    ("The police arrested the protesters.", "The protesters were arrested by the police.", set()),
    ("The athlete was thanked by the tourist.", "The tourist thanked the athlete.", set()),
    ("The lawyer called the judge.", "The lawyer phoned the judge.", set()),
    ("Mr. Blinken criticized Beijing.", "Beijing was criticized by Blinken.", set()),
    ("Mr. Blinken criticized Beijing.", "Blinken was criticized by Beijing.", {"role-reversed"}),
    ("The manager hired the analyst and praised the team.", "The analyst hired the manager.", {"role-reversed"}),
    ("China and Russia met in Moscow.", "Russia and China met in Moscow.", set()),
    ("The president met the prime minister.", "The prime minister met the president.", set()),
    (BIDEN_O, BIDEN_R, {"role-reversed"}),
    # recipients, sources, routes and event nouns trade places too; their alternations do not
    ("Ukraine gave Russia an ultimatum.", "Russia gave Ukraine an ultimatum.", {"role-reversed"}),
    ("Ukraine gave Russia an ultimatum.", "Russia gave an ultimatum to Ukraine.", {"role-reversed"}),
    ("Ukraine gave Russia an ultimatum.", "Ukraine gave an ultimatum to Russia.", set()),
    ("The company sold the unit to Siemens.", "Siemens sold the unit to the company.", {"role-reversed"}),
    ("The company sold the unit to Siemens.", "Siemens bought the unit from the company.", set()),
    ("The unit was sold to Siemens by the company.", "The company sold the unit to Siemens.", set()),
    ("Israel received weapons from the US.", "The US received weapons from Israel.", {"role-reversed"}),
    ("China's criticism of Japan grew.", "Japan's criticism of China grew.", {"role-reversed"}),
    ("Spain's win over Germany surprised fans.", "Germany's win over Spain surprised fans.", {"role-reversed"}),
    ("Trump's attack on Biden was sharp.", "Biden's attack on Trump was sharp.", {"role-reversed"}),
    # who beat whom, across the ways of saying it
    ("Real Madrid beat Bayern Munich 2-1 on Tuesday.", "Bayern Munich recorded a 2-1 win over Real Madrid on Tuesday.",
     {"role-reversed"}),
    ("Real Madrid beat Bayern Munich 2-1 on Tuesday.", "Real Madrid recorded a 2-1 win over Bayern Munich on Tuesday.",
     set()),
    ("Real Madrid beat Bayern Munich 2-1 on Tuesday.", "A late goal gave Bayern Munich a 2-1 win over Real Madrid.",
     {"role-reversed"}),
    ("Real Madrid beat Bayern Munich 2-1 on Tuesday.", "A late goal gave Real Madrid a 2-1 win over Bayern Munich.",
     set()),
    ("Real Madrid beat Bayern Munich 2-1 on Tuesday.", "Bayern Munich lost 2-1 to Real Madrid on Tuesday.", set()),
    ("Real Madrid beat Bayern Munich 2-1 on Tuesday.", "Real Madrid lost 2-1 to Bayern Munich on Tuesday.",
     {"role-reversed"}),
    ("Real Madrid won the final against Bayern Munich.", "Bayern Munich won the final against Real Madrid.",
     {"role-reversed"}),
    ("Real Madrid won the final against Bayern Munich.", "Real Madrid's defeat to Bayern Munich stunned fans.",
     {"role-reversed"}),
    ("Real Madrid handed Bayern Munich a heavy defeat.", "Bayern Munich suffered a heavy defeat to Real Madrid.", set()),
    ("Real Madrid handed Bayern Munich a heavy defeat.", "Real Madrid suffered a heavy defeat to Bayern Munich.",
     {"role-reversed"}),
    ("Marquez won the election, defeating Whitfield.", "Whitfield won the election, defeating Marquez.",
     {"role-reversed"}),
    ("Marquez won the election, defeating Whitfield.", "Whitfield lost the election to Marquez.", set()),
    # fans celebrating a win did not win it
    ("Chelsea fans celebrated the win over Arsenal.", "Arsenal fans celebrated the win over Chelsea.", set()),
    ("Serena Williams defeated Venus Williams in straight sets.",
     "Venus Williams was beaten by Serena Williams in straight sets.", set()),
    ("Trump's attack on Biden was sharp.", "The attack by Trump on Biden was sharp.", set()),
    ("Biden flew from Washington to Tokyo.", "Biden flew from Tokyo to Washington.", {"role-reversed"}),
    ("Biden flew from Washington to Tokyo.", "Biden flew to Tokyo from Washington.", set()),
    (BIDEN_O, "But the country perhaps best placed to influence Pyongyang is one that President Biden has "
              "increasingly seen as an adversary: China.", set()),
    # cause and effect traded places, however the link is worded
    ("Prices rose because demand fell.", "Demand fell because prices rose.", {"role-reversed"}),
    ("Prices rose because demand fell.", "Rising prices caused demand to fall.", {"role-reversed"}),
    ("The flights were cancelled due to the storm.", "The storm was cancelled due to the flights.",
     {"role-reversed"}),
    ("Sales fell as a result of the recall.", "The recall happened as a result of falling sales.",
     {"role-reversed"}),
    ("The factory closed because of the strike.", "The strike happened because the factory closed.",
     {"role-reversed"}),
    # the same direction in other words, or no causal link at all, is no reversal
    ("Prices rose because demand fell.", "Because demand fell, prices rose.", set()),
    ("Prices rose because demand fell.", "Demand fell, so prices rose.", set()),
    ("Prices rose as demand fell.", "Demand fell and prices rose.", set()),
    ("Prices rose because demand fell.", "Demand fell and prices rose.", set()),
    ("Sales fell as a result of the recall.", "The recall led to a fall in sales.", set()),
    ("Sales fell as a result of the recall.", "The fall in sales resulted from the recall.", set()),
    ("The flights were cancelled due to the storm.", "The storm caused the flights to be cancelled.", set()),
    # a synonym of direction ("rose" / "increased") and an adjunct that only dates a clause are no defence
    ("Prices rose because the supply of new homes fell sharply after developers paused construction.",
     "The supply of new homes fell sharply because prices increased after developers paused construction.",
     {"role-reversed"}),
    ("Prices rose because the supply of new homes fell sharply after developers paused construction.",
     "Because the supply of new homes fell sharply after developers paused construction, prices increased.",
     set()),
    # an "according to" frame, with the source's title, is not part of the effect
    ("The union's vice president, Tom Bradshaw, said yields had fallen because rainfall dropped.",
     "Rainfall had dropped because yields fell, according to the union's vice president, Tom Bradshaw.",
     {"role-reversed"}),
    ("Yields had fallen because rainfall dropped, the union said.",
     "Yields fell because rainfall had dropped, according to the union's vice president, Tom Bradshaw.", set()),
    # "blame E on C", "blame C for E", "attribute E to C": C caused E; "C led X to do E"
    ("The company blamed the decline on shipping lines diverting vessels around the Cape.",
     "The company said the decline had led shipping lines to divert vessels around the Cape.", {"role-reversed"}),
    ("Officials attributed the delays to the storm.", "Officials said the delays had caused the storm.",
     {"role-reversed"}),
    ("The company blamed the decline on shipping lines diverting vessels around the Cape.",
     "The company blamed shipping lines diverting vessels around the Cape for the decline.", set()),
    ("The company blamed the decline on shipping lines diverting vessels around the Cape.",
     "The company said shipping lines diverting vessels around the Cape had caused the decline.", set()),
    ("The storm led airlines to cancel flights.", "Flights were cancelled because of the storm.", set()),
    # two agents traded between two predicates, active or passive; a reworded coordination is no trade
    ("American troops will lead the amphibious landings, while British marines support them from the sea.",
     "British marines will lead the amphibious landings, while American troops support them from the sea.",
     {"role-reversed"}),
    ("American troops will lead the amphibious landings, while British marines support them from the sea.",
     "The amphibious landings will be led by British marines, while American troops support them from the sea.",
     {"role-reversed"}),
    ("American troops will lead the amphibious landings, while British marines support them from the sea.",
     "American troops will lead the amphibious landings, supported by British marines from the sea.", set()),
    ("American troops will lead the amphibious landings, while British marines support them from the sea.",
     "While British marines support them from the sea, the amphibious landings will be led by American troops.",
     set()),
    # "help X do Y" (the object parsed as the subject of a bare infinitive) against the passive "X is helped by Y to"
    ("The National Cyber Security Centre is helping the library investigate the attack.",
     "The National Cyber Security Centre is being helped by the library to investigate the attack.",
     {"role-reversed"}),
    ("The National Cyber Security Centre is helping the library investigate the attack.",
     "The library is being helped by the National Cyber Security Centre to investigate the attack.", set()),
    ("The charity helped the families rebuild their homes.", "The families helped the charity rebuild their homes.",
     {"role-reversed"}),
    ("The charity helped the families rebuild their homes.",
     "The families were helped by the charity to rebuild their homes.", set()),
    # a pronoun subject read as the noun it stands for: the subject that moves between cause and effect
    ("Public institutions are targeted because they use old software.",
     "Public institutions use old software because they are targeted.", {"role-reversed"}),
    ("Public institutions are targeted because they use old software.",
     "Because they use old software, public institutions are targeted.", set()),
    ("Public institutions are targeted because they use old software.",
     "Public institutions use old software, so they are targeted.", set()),
    # a reduced passive relative ("the ship sunk by X") is X sinking the ship
    ("He found HMS Hood, the battlecruiser sunk by the battleship Bismarck in 1941.",
     "He found HMS Hood, the battlecruiser that sank the battleship Bismarck in 1941.", {"role-reversed"}),
    ("He found HMS Hood, the battlecruiser sunk by the battleship Bismarck in 1941.",
     "He found HMS Hood, the battlecruiser that the battleship Bismarck sank in 1941.", set()),
    # "C helped (to) bring E about": a cause
    ("The easing of food inflation helped bring overall inflation down.",
     "The fall in overall inflation helped to ease food inflation.", {"role-reversed"}),
    ("Lower energy prices helped push inflation down.", "Falling inflation helped push energy prices lower.",
     {"role-reversed"}),
    ("Lower energy prices helped push inflation down.", "Inflation fell thanks to lower energy prices.", set()),
    ("Volunteers helped clean the beach after the storm.", "The beach was cleaned by volunteers after the storm.",
     set()),
]


@pytest.mark.parametrize("original,rewritten,expected", CASES)
def test_roles_table(original: str, rewritten: str, expected: set[str]) -> None:
    ctx = make_context(original, rewritten)
    assert codes(list(RolesCheck().run(ctx)), Severity.MAJOR) == expected


def test_passive_triple_is_in_active_order() -> None:
    ctx = make_context("The doctor was encouraged by the bankers.", "x")
    keys = [t.key for t in extract_triples(ctx.parses["original"][0])]
    assert keys == [("banker", "encourage", "doctor")]


def test_relative_clause_and_copula_resolve_to_the_country() -> None:
    ctx = make_context(BIDEN_O, "x")
    keys = [t.key for t in extract_triples(ctx.parses["original"][0])]
    assert ("biden", "view", "country") in keys


def test_a_victory_reads_as_who_beat_whom() -> None:
    ctx = make_context("Real Madrid beat Bayern Munich 2-1.", "Bayern Munich lost 2-1 to Real Madrid.")
    (f,) = list(RolesCheck().run(make_context("Real Madrid beat Bayern Munich 2-1.",
                                              "Real Madrid lost 2-1 to Bayern Munich.")))
    assert f.message == ('Roles reversed: in the original "Real Madrid" beat "Bayern Munich"; in the rewrite '
                         '"Bayern Munich" beat "Real Madrid" (“lost”)')
    assert f.original is not None and f.original.text == "Real Madrid beat Bayern Munich"
    keys = {t.key for t in extract_triples(ctx.parses["rewritten"][0])}
    assert ("real madrid", "beat", "bayern munich") in keys or ("madrid", "beat", "munich") in keys


def test_evidence_spans_quote_both_sides() -> None:
    ctx = make_context(BIDEN_O, BIDEN_R)
    (f,) = list(RolesCheck().run(ctx))
    assert f.severity == Severity.CRITICAL and f.check == "roles" and f.alignment == 0
    assert f.original is not None and f.rewritten is not None
    assert f.original.text == ctx.original.text[f.original.start:f.original.end]
    assert f.original.text.startswith("the country") and f.original.text.endswith("viewed")
    assert f.rewritten.text == "the country perhaps best placed to influence Pyongyang has increasingly seen " \
                               "President Biden"
    assert f.data["original_agent"] == "President Biden" and f.data["rewritten_patient"] == "President Biden"
    assert '"President Biden"' in f.message and '"the country"' in f.message


def test_a_loss_of_something_is_no_victory_over_it() -> None:
    """"Labour's loss of Hartlepool": Labour lost the seat, it did not beat it ("X's defeat of Y" it did)."""
    ctx = make_context(["Labour's loss of Hartlepool shocked the party.", "Labour's defeat of the Tories was clear."], "x")
    keys = [t.key for i in (0, 1) for t in extract_triples(ctx.parses["original"][i])]
    assert not any(p == "beat" and a == "labor" and b == "hartlepool" for a, p, b in keys)
    assert any(p == "beat" and a == "labor" for a, p, b in keys)


def test_reversed_cause_names_both_links() -> None:
    ctx = make_context("Prices rose because demand fell.", "Demand fell because prices rose.")
    (f,) = list(RolesCheck().run(ctx))
    assert f.code == "role-reversed" and f.severity == Severity.CRITICAL and f.data["predicate"] == "cause"
    assert f.original is not None and f.original.text == "Prices rose because demand fell"
    assert f.rewritten is not None and f.rewritten.text == "Demand fell because prices rose"
    assert f.data["original_agent"] == "demand fell" and f.data["rewritten_agent"] == "prices rose"


def test_a_reversed_led_to_is_told_once() -> None:
    """"X led to Y" / "Y led to X" is a triple reversal; the causal reading of the same words adds nothing."""
    ctx = make_context("The drought led to higher food prices.", "Higher food prices led to the drought.")
    (f,) = list(RolesCheck().run(ctx))
    assert f.data["predicate"] == "lead"
