"""Role reversal: the same event with agent and patient swapped ("X encouraged Y" -> "Y encouraged X").

Each side's dependency parse yields (agent, predicate, patient) triples, voice-aware: an active
clause gives (nsubj, verb, dobj), a passive one (by-agent, verb, nsubjpass); the agent is also paired
with a recipient (indirect object or "to" phrase: "Ukraine gave Russia an ultimatum") and a source
("from": "Israel received weapons from the US"), and an event noun's owner with its "of" object
("China's criticism of Japan"), and a "from" place with a "to" place ("flew from A to B").
Arguments trade places only within the same pairing.  Relative pronouns are
resolved to the noun they modify, and "X is one that Y viewed" to X, so "the country is one that
Biden has viewed as an adversary" gives (Biden, view, country).  The object of "help"/"let"/"make"/"see" ... before
a bare infinitive, which the parser reads as the infinitive's subject, is the patient ("is helping the library
investigate" gives (centre, help, library), as does "the library is helped by the centre to investigate").
A past participle with a "by" agent modifying a noun is a passive of that
noun ("the battlecruiser sunk by Bismarck" gives (Bismarck, sink, battlecruiser)).  Coordinated verbs inherit their
subject, and so does a participle clause ("X won the election, defeating Y").  Who beat whom is one
relation however it is said ("X beat/defeated Y", "X won against Y", "Y lost to X", "X's win over Y",
"X recorded a win over Y", "gave X a win over Y", "Y suffered a defeat to X", "X handed Y a defeat").
A reversal is the same predicate (lemma, or one small class of synonyms such as view/see/regard/consider)
whose agent and patient trade places, comparing heads by lemma and people by surname (honorifics stripped).

Cause and effect are one more pairing (``causal_links``): "E because C", "because C, E", "C, so E", "E because
of / due to / owing to / as a result of C", "C caused E", "E was caused by C", "C led to / resulted in E", "E
resulted / stemmed from C", "C led X to do E" (the effect is X doing it), "X blamed E on C" / "blamed C for
E", "E was attributed to C", "C helped (to) bring E down" (the effect is what the infinitive says).  Each side of a link is read as the content words (lemmas) of its clause or
phrase, words of rising and falling each read as one ("rose" / "increased"), less what merely dates it or
says who says it ("after developers paused construction", "according to X", ", X said"), and with the
noun a pronoun subject of one clause stands for, the other clause's subject ("Public institutions are targeted
because they use old software": the cause is read as "public institutions use old software"); a link whose cause reads like the other side's effect and whose effect reads like its cause, with no
link of the same direction there, is a reversal ("Prices rose because demand fell" -> "Demand fell because
prices rose").  Clauses merely joined ("as", "and", "when") say nothing of cause and are not read.

Two agents traded between two predicates are a reversal too ("American troops will lead the landings, while
British marines support them" -> "British marines will lead the landings, while American troops support
them"): each predicate keeps its patient, but its agent is the other one's, and neither is said as before.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..types import Finding, Severity, Span
from ._struct_util import RELATIVE_PRONOUNS, entity_key, quote
from .base import CheckContext, register

log = logging.getLogger(__name__)

# Predicates that are one relation for this purpose; everything else compares by its own lemma.
_PREDICATE_CLASSES: dict[str, str] = {}
for _cls in (
    ("view", "see", "regard", "consider", "perceive", "deem", "treat"),
    ("help", "assist", "aid", "support", "back"),
    ("beat", "defeat", "overcome", "edge", "thrash", "rout", "crush", "outplay", "outscore", "upset"),
    ("attack", "assault"),
    ("hire", "employ"),
    ("tell", "inform"),
    ("criticize", "criticise", "condemn"),
    ("thank",),
    ("meet",),
):
    for _lemma in _cls:
        _PREDICATE_CLASSES[_lemma] = _cls[0]
# Symmetric predicates: swapping their arguments does not change the meaning.
_SYMMETRIC = frozenset({"meet", "marry", "resemble", "equal", "match", "join", "date", "fight"})
# Verbs that take an object and a bare infinitive ("helped the library investigate", "made them pay"), which
# the parser reads as a clause with its own subject.
_SMALL_CLAUSE_VERBS = frozenset({"help", "let", "make", "have", "see", "watch", "hear", "bid"})
_ARG_POS = frozenset({"NOUN", "PROPN", "PRON", "NUM"})
# An event noun's owner acts on the object of these: "X's criticism of Y", "X's win over Y",
# "X's attack on Y", "X's case against Y".
_EVENT_PREPOSITIONS = ("of", "over", "on", "against")
# Who beat whom, however it is said: "X beat Y", "X won against Y", "Y lost to X", "X's win over Y",
# "X recorded a win over Y", "gave X a win over Y", "Y's defeat to X", "X handed Y a defeat": all one
# relation ("beat", winner first), so a winner and loser traded across constructions are found.
_WIN_NOUNS = frozenset({"win", "victory", "triumph"})
_LOSS_NOUNS = frozenset({"defeat", "loss"})
# Verbs whose subject is the owner of a win/loss noun they take: "X recorded a win over Y".
_SUPPORT_VERBS = frozenset({"record", "earn", "claim", "secure", "score", "seal", "clinch", "notch", "post",
                            "achieve", "register", "grab", "snatch", "take", "pick", "suffer", "sustain",
                            "endure", "deserve", "get"})
_GIVE_VERBS = frozenset({"give", "hand", "deal", "inflict"})
_MATCH_NOUNS = frozenset({"match", "game", "tie", "final", "semifinal", "semi", "clash", "fixture", "contest",
                          "race", "bout", "fight", "election", "vote", "case", "battle", "leg", "series"})


@dataclass(frozen=True)
class Triple:
    """Who did what to whom, with the tokens that say so.

    ``slot`` names the second argument's role: "" the patient (direct object, passive subject), "to"
    the recipient ("gave Russia an ultimatum", "sold the unit to Siemens"), "from" the source
    ("received weapons from the US"), "of"/"over"/"on"/"against" the object of an event noun ("China's criticism of Japan", "Spain's win
    over Germany"),
    "route" a destination whose ``agent`` is the origin ("flew from Washington to Tokyo").
    """

    agent: Any
    predicate: Any
    patient: Any
    pred_class: str
    slot: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        pred = f"{self.pred_class}/{self.slot}" if self.slot else self.pred_class
        return entity_key(self.agent), pred, entity_key(self.patient)


def _child(tok: Any, deps: Sequence[str]) -> Any | None:
    for c in tok.children:
        if c.dep_ in deps:
            return c
    return None


def _resolve(arg: Any, verb: Any) -> Any | None:
    """Replace a relative pronoun by its antecedent, and "X is one that ..." by X."""
    if arg is None:
        return None
    if arg.lower_ in RELATIVE_PRONOUNS and arg.pos_ in ("PRON", "DET") and verb.dep_ == "relcl":
        arg = verb.head
    if arg.dep_ == "attr" and arg.head.lemma_ == "be":
        subj = _child(arg.head, ("nsubj",))
        if subj is not None:
            arg = subj
    if arg.pos_ not in _ARG_POS:
        return None
    return arg


def _subject(verb: Any) -> Any | None:
    subj = _child(verb, ("nsubj",))
    if subj is not None:
        return subj
    if verb.dep_ == "relcl" and _child(verb, ("dobj", "nsubjpass")) is None:
        return verb.head  # "the officials who met X": a subject relative with the pronoun elided
    if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
        return _child(verb.head, ("nsubj",))  # "X hit Y and kicked Z"
    if verb.dep_ == "advcl" and verb.tag_ == "VBG" and verb.head.pos_ in ("VERB", "AUX") \
            and not any(c.dep_ in ("mark", "nsubjpass") for c in verb.children):
        return _child(verb.head, ("nsubj",))  # "X won the election, defeating Y"
    # a misparse seen often with reduced relatives: the subject hangs off a ccomp before the verb
    for c in verb.children:
        if c.dep_ in ("ccomp", "csubj") and c.i < verb.i:
            s = _child(c, ("nsubj",))
            if s is not None:
                return s
    return None


def extract_triples(sent: Any) -> list[Triple]:
    """(agent, predicate, patient) triples of a parsed sentence, in active-voice order."""
    out: list[Triple] = []
    for v in sent:
        if v.pos_ != "VERB":
            continue
        lemma = v.lemma_.lower()
        # a reduced passive relative, a past participle with a "by" agent ("the battlecruiser sunk by
        # Bismarck"), is a passive whose patient is the noun it modifies
        reduced = v.dep_ == "acl" and v.tag_ == "VBN" and _child(v, ("agent",)) is not None
        passive = reduced or any(c.dep_ in ("nsubjpass", "auxpass") for c in v.children)
        if passive:
            patient = _child(v, ("nsubjpass",))
            if patient is None and v.dep_ == "conj" and v.head.pos_ == "VERB":
                patient = _child(v.head, ("nsubjpass",))
            if patient is None and reduced:
                patient = v.head
            by = _child(v, ("agent",))
            agent = _child(by, ("pobj",)) if by is not None else None
        else:
            agent = _subject(v)
            patient = _child(v, ("dobj",))
            if patient is None and lemma in _SMALL_CLAUSE_VERBS:
                # "is helping the library investigate the attack": the object is parsed as the subject of a
                # bare infinitive ("helped by the library to investigate" in the passive)
                clause = next((c for c in v.children if c.dep_ in ("ccomp", "xcomp") and c.tag_ == "VB"
                               and not any(m.dep_ in ("mark", "aux") for m in c.children)), None)
                patient = _child(clause, ("nsubj",)) if clause is not None else None
            if patient is None and v.dep_ == "relcl":
                # "the country that Biden viewed": the relative pronoun may be unattached
                rel = [c for c in v.children if c.lower_ in RELATIVE_PRONOUNS and c.dep_ != "nsubj"]
                patient = rel[0] if rel else None
        pred_class = _PREDICATE_CLASSES.get(lemma, lemma)
        agent = _resolve(agent, v)
        source, goal = _resolve(_prep_object(v, "from"), v), _resolve(_recipient(v), v)
        for slot, other in (("", _resolve(patient, v)), ("to", goal), ("from", source)):
            if agent is not None and other is not None and agent is not other:
                out.append(Triple(agent, v, other, pred_class, slot))
        if source is not None and goal is not None and source is not goal:  # "flew from A to B"
            out.append(Triple(source, v, goal, pred_class, "route"))
    out += _victories(sent)
    for n in sent:  # event nouns: "China's criticism of Japan" (a win or a loss: _victories above)
        owner = _child(n, ("poss",)) if n.pos_ == "NOUN" and n.lemma_.lower() not in _WIN_NOUNS | _LOSS_NOUNS else None
        if owner is None or owner.pos_ not in ("PROPN", "NOUN"):
            continue
        for prep in _EVENT_PREPOSITIONS:
            obj = _prep_object(n, prep)
            if obj is not None and obj.pos_ in ("PROPN", "NOUN"):
                out.append(Triple(owner, n, obj, n.lemma_.lower(), prep))
    return out


def _opponent(head: Any, prepositions: Sequence[str]) -> Any | None:
    """The object of ``head``'s (or of its match noun's: "won the final against Y") phrase with one of
    ``prepositions``."""
    for prep in prepositions:
        obj = _prep_object(head, prep)
        if obj is not None:
            return obj
    obj = _child(head, ("dobj",))
    if obj is not None and obj.lemma_.lower() in _MATCH_NOUNS:
        return _opponent(obj, prepositions)
    return None


def _event_opponent(noun: Any, verb: Any | None, prepositions: tuple[str, ...]) -> Any | None:
    """The opponent of a win/loss noun, in its own phrase or in its support verb's (``verb``)."""
    found = _opponent(noun, prepositions)
    if found is None and verb is not None:
        found = _opponent(verb, prepositions)
    return found


def _victories(sent: Any) -> list[Triple]:
    """Who beat whom, as ("beat", winner, loser) triples, from the other ways of saying it than "X beat
    Y" (which the verbs give): "X won against Y", "Y lost to X", "X's win over Y", "X recorded a win over
    Y", "gave X a win over Y", "Y's defeat to X", "X's defeat of Y", "X handed Y a defeat"."""
    out: list[Triple] = []

    def add(winner: Any, event: Any, loser: Any) -> None:
        winner, loser = _resolve(winner, event), _resolve(loser, event)
        if winner is not None and loser is not None and winner is not loser:
            out.append(Triple(winner, event, loser, "beat"))

    for t in sent:
        lemma = t.lemma_.lower()
        if t.pos_ == "VERB" and not any(c.dep_ in ("nsubjpass", "auxpass") for c in t.children):
            if lemma == "win":
                add(_subject(t), t, _opponent(t, ("against", "over")))
            elif lemma == "lose":
                add(_opponent(t, ("to",)), t, _subject(t))
        elif t.pos_ == "NOUN" and lemma in _WIN_NOUNS | _LOSS_NOUNS:
            owner = _child(t, ("poss",))
            head = t.head if t.dep_ in ("dobj", "attr") else None
            giver = None
            if owner is None and head is not None and head.pos_ == "VERB":
                if head.lemma_.lower() in _SUPPORT_VERBS:
                    owner = _subject(head)
                elif head.lemma_.lower() in _GIVE_VERBS:
                    owner, giver = _recipient(head), _subject(head)
            if owner is None:
                continue

            # the phrase may hang off the support verb: "suffered a defeat | to X"
            via = head if giver is None else None
            if lemma in _WIN_NOUNS:
                add(owner, t, _event_opponent(t, via, ("over", "against")))
            elif giver is not None:  # "X handed Y a defeat": X won
                add(giver, t, owner)
            else:  # "Y's defeat to X", "Y suffered a loss to X"; "X's defeat of Y" (not "X's loss of Y": lost Y)
                add(_event_opponent(t, via, ("to", "against")), t, owner)
                if lemma == "defeat":
                    add(owner, t, _prep_object(t, "of"))
    return out


def _prep_object(head: Any, preposition: str) -> Any | None:
    """The object of ``head``'s prepositional phrase with ``preposition`` ("from" -> "the US")."""
    for c in head.children:
        if c.dep_ in ("prep", "dative") and c.lower_ == preposition:
            return _child(c, ("pobj",))
    return None


def _recipient(verb: Any) -> Any | None:
    """The indirect object: "gave Russia an ultimatum" or "gave an ultimatum to Russia" -> Russia."""
    dative = _child(verb, ("dative",))
    if dative is not None and dative.pos_ != "ADP":
        return dative
    return _prep_object(verb, "to")


def _phrase(tok: Any) -> list[Any]:
    """The noun phrase of an argument head, without relative clauses or other post-modifiers."""
    lefts = [c for c in tok.lefts if c.dep_ in ("det", "compound", "amod", "poss", "nummod", "case")]
    start = min([c.left_edge.i for c in lefts] + [tok.i])
    doc = tok.doc
    end = tok.i
    while end + 1 < len(doc) and doc[end + 1].dep_ == "case" and doc[end + 1].head.i == tok.i:
        end += 1
    return [doc[i] for i in range(start, end + 1)]


def _phrase_text(tok: Any) -> str:
    toks = _phrase(tok)
    return toks[0].doc[toks[0].i: toks[-1].i + 1].text


def _span(ctx: CheckContext, side: str, si: int, t: Triple) -> Span:
    toks = _phrase(t.agent) + [t.predicate] + _phrase(t.patient)
    sent = ctx.parses[side][si]
    toks = [x for x in toks if sent.start <= x.i < sent.end]
    first = min(toks, key=lambda x: x.i)
    last = max(toks, key=lambda x: x.i)
    return ctx.token_span(side, si, first, last)


# Cause and effect.  Subordinators and prepositions that mark a cause; "as" and "since" are left out (they
# are as often "while" and "from then on").
_CAUSE_MARKS = frozenset({"because"})
_CAUSE_PREPS = {"because": "of", "due": "to", "owing": "to", "thanks": "to"}
# Verbs whose subject causes their object (or their "to"/"in" object); "result/stem from": the reverse.
_CAUSE_VERBS = {"cause": "", "lead": "to", "result": "in", "trigger": "", "spark": "", "prompt": ""}
_CAUSED_BY_VERBS = {"result": "from", "stem": "from"}
_CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "NUM"})
_CAUSE_MIN_SIM = 0.5  # Dice overlap of content lemmas for a cause to read like the other side's effect
# Verbs of a change's direction, each class read as one word: "prices rose" / "prices increased".
_DIRECTION: dict[str, str] = {}
for _dir_cls in (("rise", "increase", "climb", "grow", "jump", "soar", "surge", "rocket", "spike"),
             ("fall", "drop", "decline", "decrease", "slump", "plunge", "sink", "tumble", "slide", "dip")):
    for _lemma in _dir_cls:
        _DIRECTION[_lemma] = _dir_cls[0]
# Subordinators of a clause that only dates another ("fell after developers paused construction"): the same
# adjunct may hang on the cause on one side and on the effect on the other, so it is no part of either.
_TIME_MARKS = frozenset({"after", "before", "when", "while", "until", "once", "whenever"})
# "E was blamed on C", "blamed C for E", "E was attributed to C": the verb's object (or passive subject) and
# the preposition of the other side; True when the object is the effect.
_BLAME_VERBS = {"blame": (("on", True), ("for", False)), "attribute": (("to", True),), "ascribe": (("to", True),)}


@dataclass(frozen=True)
class CausalLink:
    """One cause-effect relation of a sentence: the tokens of each side and the words that link them."""

    cause: tuple[Any, ...]
    effect: tuple[Any, ...]
    marker: Any
    # the noun a pronoun subject of a side stands for ("... because they use old software": "Public
    # institutions"), read with that side's words but not shown as its text
    cause_ref: tuple[Any, ...] = ()
    effect_ref: tuple[Any, ...] = ()

    @staticmethod
    def words(toks: Sequence[Any]) -> frozenset[str]:
        return frozenset(_DIRECTION.get(lem, lem) for lem in (
            t.lemma_.lower() for t in toks if t.pos_ in _CONTENT_POS and not t.is_stop))

    def sides(self) -> tuple[frozenset[str], frozenset[str]]:
        """The content words of the cause and of the effect, each with the noun its pronoun subject stands for."""
        return self.words(self.cause + self.cause_ref), self.words(self.effect + self.effect_ref)


def _aside(t: Any) -> bool:
    """``t`` heads a phrase that dates a clause or names who says it, not what happened: "after developers
    paused construction", "according to the union's vice president", ", the ministry said"."""
    if t.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in _TIME_MARKS for c in t.children):
        return True
    if t.dep_ == "prep" and t.lower_ == "according":
        return True
    return t.dep_ == "parataxis" and t.lemma_.lower() in ("say", "tell", "add", "report", "announce")


def _tokens(subtree_of: Any, *without: Any) -> tuple[Any, ...]:
    """``subtree_of``'s subtree, less the subtrees of ``without``, of asides (``_aside``) and punctuation."""
    drop = {x.i for w in without if w is not None for x in w.subtree}
    drop |= {x.i for t in subtree_of.subtree if t is not subtree_of and _aside(t) for x in t.subtree}
    return tuple(t for t in subtree_of.subtree if t.i not in drop and not t.is_punct)


def _referent(clause: Any, other: Any) -> tuple[Any, ...]:
    """The noun phrase a pronoun subject of ``clause`` stands for: the noun subject of ``other``, the clause it is
    linked to, agreeing in number ("Public institutions are targeted because they use old software": "they" =
    "Public institutions"); () where there is none.  Read with the pronoun's side, the subject that moves from
    one clause to the other in a reversal ("Public institutions use old software because they are targeted")
    does not make the two sides read alike."""
    subj = _child(clause, ("nsubj", "nsubjpass"))
    if subj is None or subj.lower_ not in ("it", "they", "he", "she"):
        return ()
    ref = _child(other, ("nsubj", "nsubjpass"))
    if ref is None or ref.pos_ not in ("NOUN", "PROPN") or (ref.tag_ in ("NNS", "NNPS")) != (subj.lower_ == "they"):
        return ()
    return tuple(_phrase(ref))


def causal_links(sent: Any) -> list[CausalLink]:
    """The cause-effect relations said in a parsed sentence, whichever way round it is worded."""
    out: list[CausalLink] = []

    def add(cause: tuple[Any, ...], effect: tuple[Any, ...], marker: Any,
            clauses: tuple[Any, Any] | None = None) -> None:
        """``clauses``: the heads of the cause's and the effect's clauses, whose pronoun subjects are read."""
        cause = tuple(t for t in cause if t.i != marker.i)
        effect = tuple(t for t in effect if t.i != marker.i)
        refs: tuple[tuple[Any, ...], tuple[Any, ...]] = ((), ())
        if clauses is not None:
            refs = (_referent(clauses[0], clauses[1]), _referent(clauses[1], clauses[0]))
        if CausalLink.words(cause) and CausalLink.words(effect):
            out.append(CausalLink(cause, effect, marker, *refs))

    for t in sent:
        low, lemma = t.lower_, t.lemma_.lower()
        if low in _CAUSE_MARKS and t.dep_ == "mark" and t.head.dep_ == "advcl":  # "E because C", "Because C, E"
            clause = t.head
            add(_tokens(clause), _tokens(clause.head, clause), t, (clause, clause.head))
        elif low == "so" and t.dep_ == "mark":  # "C, so E": the cause hangs on E's verb before "so"
            cause = next((c for c in t.head.children if c.dep_ in ("ccomp", "advcl") and c.i < t.i), None)
            if cause is not None:
                add(_tokens(cause), _tokens(t.head, cause), t, (cause, t.head))
        elif low == "so" and t.dep_ == "cc" and t.head.pos_ in ("VERB", "AUX"):  # "C, so E" as coordination
            effect = next((c for c in t.head.children if c.dep_ == "conj" and c.i > t.i), None)
            if effect is not None:
                add(_tokens(t.head, effect), _tokens(effect), t, (t.head, effect))
        elif t.dep_ == "prep" and (low in _CAUSE_PREPS or low == "as"):
            # "because of C", "due to C", "owing to C", "thanks to C", "as a result of C"
            if low == "as":
                result = next((c for c in t.children if c.dep_ == "pobj" and c.lemma_.lower() == "result"), None)
                link = next((c for c in result.children if c.dep_ == "prep" and c.lower_ == "of"), None) \
                    if result is not None else None
            else:
                link = next((c for c in t.children if c.lower_ == _CAUSE_PREPS[low]), None)
            # the object hangs on "of"/"to", or on the first word ("because/prep of/pcomp the strike/pobj")
            cause = next((c for x in (link, t) if x is not None for c in x.children if c.dep_ == "pobj"), None) \
                if link is not None else None
            if cause is not None:
                add(_tokens(cause), _tokens(t.head, t), t)
        elif t.pos_ == "VERB" and lemma in _BLAME_VERBS:
            passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in t.children)
            obj = _child(t, ("nsubjpass",) if passive else ("dobj",))
            if obj is None:
                continue
            for blame_prep, obj_is_effect in _BLAME_VERBS[lemma]:
                # the phrase hangs on the verb or, as often, on its object ("blamed the decline | on X")
                other = _prep_object(t, blame_prep) or _prep_object(obj, blame_prep)
                if other is not None:
                    cause, effect = (_tokens(other), _tokens(obj, other.head)) if obj_is_effect else (
                        _tokens(obj, other.head), _tokens(other))
                    add(cause, effect, t)
                    break
        elif t.pos_ == "VERB" and lemma == "help" and not any(c.dep_ in ("nsubjpass", "auxpass") for c in t.children):
            # "C helped (to) bring E down", "C helped X do E": the subject brings about what the infinitive says
            subj = _child(t, ("nsubj",))
            then = next((c for c in t.children if c.dep_ in ("xcomp", "ccomp") and c.tag_ == "VB"), None)
            if subj is not None and then is not None:
                obj = _child(t, ("dobj",))
                add(_tokens(subj), (_tokens(obj) if obj is not None else ()) + _tokens(then), t)
        elif low in ("help", "helps", "helped", "helping") and t.dep_ == "aux" and t.head.tag_ == "VB" \
                and t.head.pos_ == "VERB":
            # "C helped bring E down" misparsed with "helped" an auxiliary of "bring" (lemma "helped"), C its
            # subject
            subj = _child(t.head, ("nsubj",))
            if subj is not None:
                add(_tokens(subj), _tokens(t.head, subj), t)
        elif t.pos_ == "VERB" and (lemma in _CAUSE_VERBS or lemma in _CAUSED_BY_VERBS):
            passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in t.children)
            subj = _child(t, ("nsubjpass",) if passive else ("nsubj",))
            if subj is None:
                continue
            if passive:  # "E was caused by C"
                by = _child(t, ("agent",))
                agent = _child(by, ("pobj",)) if by is not None else None
                if agent is not None and lemma in _CAUSE_VERBS:
                    add(_tokens(agent), _tokens(subj), t)
                continue
            for prep, forward in ((_CAUSE_VERBS.get(lemma), True), (_CAUSED_BY_VERBS.get(lemma), False)):
                if prep is None:
                    continue
                # "caused the delay", "caused prices to rise" (a clause), "led to the delay"
                obj = _child(t, ("dobj", "ccomp", "xcomp")) if prep == "" else _prep_object(t, prep)
                then = _child(t, ("xcomp",))
                if forward and then is not None and then is not obj and _child(t, ("dobj",)) is not None:
                    # "led shipping lines to divert vessels", "prompted the bank to cut rates": the effect
                    # is the object doing it
                    add(_tokens(subj), _tokens(_child(t, ("dobj",))) + _tokens(then), t)
                elif obj is not None:
                    add(*((_tokens(subj), _tokens(obj)) if forward else (_tokens(obj), _tokens(subj))), t)
    return out


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _reversed_link(o: CausalLink, r: CausalLink) -> bool:
    """``r`` says ``o``'s effect caused ``o``'s cause: each side reads like the other's opposite number,
    more than like its own."""
    (oc, oe), (rc, re_) = o.sides(), r.sides()
    crossed = min(_dice(oc, re_), _dice(oe, rc))
    return crossed >= _CAUSE_MIN_SIM and crossed > max(_dice(oc, rc), _dice(oe, re_))


def _same_link(o: CausalLink, r: CausalLink) -> bool:
    """``r`` says ``o`` the same way round: each side reads like its own number, at least as much as like the
    other's (two sides that share a word of direction, "rainfall dropped" / "yields fell", read alike too)."""
    (oc, oe), (rc, re_) = o.sides(), r.sides()
    straight = min(_dice(oc, rc), _dice(oe, re_))
    return straight >= _CAUSE_MIN_SIM and straight >= min(_dice(oc, re_), _dice(oe, rc))


def _traded_agents(o: Sequence[tuple[int, Triple]], r: Sequence[tuple[int, Triple]]) -> tuple[
        tuple[int, Triple], tuple[int, Triple], tuple[int, Triple], tuple[int, Triple]] | None:
    """Two predicates of the original whose agents the rewrite trades ("A lead X, while B support Y" -> "B
    lead X, while A support Y"): each predicate with the same patient, the other one's agent, and neither
    said as in the original.  The two original triples and their rewritten counterparts, or None."""
    o_keys, r_keys = {t.key for _, t in o}, {t.key for _, t in r}
    for i, (_, t1) in enumerate(o):
        for _, t2 in o[i + 1:]:
            (a1, p1, x1), (a2, p2, x2) = t1.key, t2.key
            if p1 == p2 or a1 == a2 or {a1, a2} & {x1, x2} or t1.predicate is t2.predicate:
                continue
            swapped = ((a2, p1, x1), (a1, p2, x2))
            if t1.key in r_keys or t2.key in r_keys or any(k in o_keys for k in swapped):
                continue
            found = [next((x for x in r if x[1].key == k), None) for k in swapped]
            if found[0] is not None and found[1] is not None:
                return (next(x for x in o if x[1] is t1), next(x for x in o if x[1] is t2), found[0], found[1])
    return None


@register
class RolesCheck:
    """Agent and patient of the same event swapped between original and rewrite."""

    name = "roles"

    def run(self, ctx: CheckContext) -> Iterator[Finding]:
        for index, pair in ctx.matched():
            o = [(si, t) for si in pair.original for t in extract_triples(ctx.parses["original"][si])]
            r = [(si, t) for si in pair.rewritten for t in extract_triples(ctx.parses["rewritten"][si])]
            reported: set[tuple[str, str, str]] = set()
            r_keys = {t.key for _, t in r}
            for osi, ot in o:
                a, p, b = ot.key
                if a == b or ot.pred_class in _SYMMETRIC or (a, p, b) in reported:
                    continue
                if (a, p, b) in r_keys:  # the rewrite also says it the right way round
                    continue
                for rsi, rt in r:
                    if rt.key != (b, p, a):
                        continue
                    reported.add((a, p, b))
                    yield self._finding(ctx, index, osi, ot, rsi, rt)
                    break
            if not reported:
                traded = _traded_agents(o, r)
                if traded is not None:
                    yield self._traded_finding(ctx, index, *traded)
                    continue
                # "X led to Y" / "Y led to X" is told once, by the triples above
                yield from self._causes(ctx, index, pair.original, pair.rewritten)

    def _causes(self, ctx: CheckContext, index: int, o_idx: Sequence[int], r_idx: Sequence[int]) -> Iterator[Finding]:
        """role-reversed for a cause and an effect that traded places ("Prices rose because demand fell" ->
        "Demand fell because prices rose"), however each side words the link; one finding per pair."""
        o = [(si, c) for si in o_idx for c in causal_links(ctx.parses["original"][si])]
        r = [(si, c) for si in r_idx for c in causal_links(ctx.parses["rewritten"][si])]
        for osi, oc in o:
            if any(_same_link(oc, rc) for _, rc in r):
                continue  # the rewrite also says it the right way round
            for rsi, rc in r:
                if _reversed_link(oc, rc):
                    yield self._cause_finding(ctx, index, osi, oc, rsi, rc)
                    return

    def _traded_finding(self, ctx: CheckContext, index: int, o1: tuple[int, Triple], o2: tuple[int, Triple],
                        r1: tuple[int, Triple], r2: tuple[int, Triple]) -> Finding:
        (osi, ot), (rsi, rt) = o1, r1
        a1, b1 = _phrase_text(ot.agent), _phrase_text(ot.patient)
        a2, b2 = _phrase_text(o2[1].agent), _phrase_text(o2[1].patient)
        msg = (f'Roles traded: in the original "{quote(a1, 50)}" {ot.predicate.lemma_} "{quote(b1, 50)}" and '
               f'"{quote(a2, 50)}" {o2[1].predicate.lemma_} "{quote(b2, 50)}"; in the rewrite '
               f'"{quote(_phrase_text(rt.agent), 50)}" {rt.predicate.lemma_} "{quote(_phrase_text(rt.patient), 50)}" '
               f'and "{quote(_phrase_text(r2[1].agent), 50)}" {r2[1].predicate.lemma_} '
               f'"{quote(_phrase_text(r2[1].patient), 50)}"')
        # who does what is turned round, as in any other reversal
        return Finding(
            check=self.name, code="role-reversed", severity=Severity.CRITICAL, message=msg,
            original=_span(ctx, "original", osi, ot), rewritten=_span(ctx, "rewritten", rsi, rt), alignment=index,
            data={"predicate": ot.pred_class, "slot": ot.slot or "patient", "original_agent": a1,
                  "original_patient": b1, "rewritten_agent": _phrase_text(rt.agent),
                  "rewritten_patient": _phrase_text(rt.patient)},
        )

    def _cause_finding(self, ctx: CheckContext, index: int, osi: int, oc: CausalLink, rsi: int,
                       rc: CausalLink) -> Finding:
        def text(toks: tuple[Any, ...]) -> str:
            return quote(" ".join(t.text for t in sorted(toks, key=lambda t: t.i)), 50)

        def span(side: str, si: int, c: CausalLink) -> Span:
            sent = ctx.parses[side][si]
            toks = [x for x in (*c.cause, *c.effect, c.marker) if sent.start <= x.i < sent.end]
            return ctx.token_span(side, si, min(toks, key=lambda x: x.i), max(toks, key=lambda x: x.i))

        msg = (f'Cause and effect reversed: in the original "{text(oc.cause)}" is the cause of "{text(oc.effect)}" '
               f'(“{oc.marker.text}”); in the rewrite "{text(rc.cause)}" is the cause of "{text(rc.effect)}" '
               f'(“{rc.marker.text}”)')
        # as severe as any other reversal of who did what: the rewrite explains the events the wrong way round
        return Finding(
            check=self.name, code="role-reversed", severity=Severity.CRITICAL, message=msg,
            original=span("original", osi, oc), rewritten=span("rewritten", rsi, rc), alignment=index,
            data={"predicate": "cause", "slot": "effect", "original_agent": text(oc.cause),
                  "original_patient": text(oc.effect), "rewritten_agent": text(rc.cause),
                  "rewritten_patient": text(rc.effect)},
        )

    def _finding(self, ctx: CheckContext, index: int, osi: int, ot: Triple, rsi: int, rt: Triple) -> Finding:
        oa, ob = _phrase_text(ot.agent), _phrase_text(ot.patient)
        ra, rb = _phrase_text(rt.agent), _phrase_text(rt.patient)
        def says(t: Triple, a: str, b: str) -> str:
            if t.slot == "route":
                return f'{t.predicate.lemma_} from "{quote(a, 50)}" to "{quote(b, 50)}"'
            link = f" {t.slot}" if t.slot else ""
            if t.pred_class == "beat" and t.predicate.lemma_.lower() != "beat":  # "lost to", "win over"
                return f'"{quote(a, 50)}" beat "{quote(b, 50)}" (“{t.predicate.text}”)'
            return f'"{quote(a, 50)}" {t.predicate.lemma_}{link} "{quote(b, 50)}"'

        msg = f"Roles reversed: in the original {says(ot, oa, ob)}; in the rewrite {says(rt, ra, rb)}"
        return Finding(
            check=self.name, code="role-reversed", severity=Severity.CRITICAL, message=msg,
            original=_span(ctx, "original", osi, ot), rewritten=_span(ctx, "rewritten", rsi, rt),
            alignment=index,
            data={"predicate": ot.pred_class, "slot": ot.slot or "patient", "original_agent": oa, "original_patient": ob,
                  "rewritten_agent": ra, "rewritten_patient": rb},
        )
