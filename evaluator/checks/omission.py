"""Omissions and additions: whole sentences without a counterpart, and content lost or added inside a pair.

Inside an aligned pair the content words of both sides are matched (lemma, spelling variant, stem,
WordNet synonym when available).  A run of unmatched original words is a *deletion* only when the
rewrite has nothing unmatched in the same place (between the counterparts of the run's neighbours):
a paraphrase swaps words, a deletion leaves a hole.  The dependency parse widens the run to the
constituent that vanished (relative clause, prepositional phrase, object ...), and BERTScore's
token-matching evidence, when present, vetoes words the encoder did find a match for.

A hedge ("allegedly", "probably", "would likely be": the tense check's hedging adverbs) dropped or added is major whatever the encoder matched, unless the
other side hedges in some other way more often ("may", "police say", "likely"); an attribution reworded
("said" -> "according to") counts on both sides, so it is no other way. A causal connective
("because", "due to", "so", "as a result") on one side only, linking content both sides state, is a
major addition or drop of a causal link. Stand-ins are not holes: "aged 29" ~ "29"; a noun that names the
class of a kept word standing in its place as a noun ("the city of Huancayo" ~ "Huancayo", "rescue teams" ~
"rescuers"); a noun of office held in a relative clause that restates
the sentence's role ("..., a post she held from 1982" ~ "from 1982 she headed"). A pronoun subject dropped is a loss
(major) where its clause says nobody in its place; of a clause the rewrite makes passive without an agent, or
whose verb the rewrite says as a noun ("It was bought" -> "The purchase"), it is only a note, and nothing at
all where its referent (the subject of the verb its clause depends on: "The companies said they ...") is kept
too; a manner noun carrying the other side's
predicate adjective ("struck a cautious note") or "on her behalf" is minor. An added clause with its own
verb and a name the original never mentions, where the original has at most a participle-preposition in
its place ("including" -> "..., all of which Network Rail has accepted, ..."), is a new claim: major.
"""
from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from ..types import AlignedPair, Finding, Severity, Span
from ._lex_util import CHANNEL_NOUNS, side_tokens
from ._names_util import GENERIC_NAME_WORDS
from ._struct_util import (
    LIGHT_VERBS,
    RELATIVE_PRONOUNS,
    SUPPORT_VERBS,
    ContentAlignment,
    SideTokens,
    gap_counterpart,
    is_content,
    is_light,
    lemma_key,
    norm_text,
    pair_alignment,
    quote,
    runs,
    spans_overlap,
    trim_tokens,
)
from .base import CheckContext, register
from .tense import REPORT_ADVERBS, hedge_adverb

log = logging.getLogger(__name__)

_CONSTITUENTS = {
    "relcl": "relative clause",
    "acl": "clause",
    "advcl": "adverbial clause",
    "ccomp": "clause",
    "xcomp": "clause",
    "prep": "prepositional phrase",
    "pobj": "prepositional object",
    "conj": "conjunct",
    "dobj": "object",
    "nsubj": "subject",
    "nsubjpass": "subject",
    "appos": "apposition",
    "npadvmod": "phrase",
    "amod": "modifier",
    "advmod": "modifier",
    "compound": "modifier",
    "nummod": "number",
    "poss": "possessor",
}
_STAND_INS = frozenset({"it", "they", "them", "he", "she", "him", "her", "this", "these", "those", "we",
                        "us", "i", "me", "you", "its", "their", "his", "our", "itself", "themselves"})
_PARTICIPLE_DEPS = frozenset({"acl", "prep", "advcl", "pcomp"})
_MODIFIER_DEPS = frozenset({"compound", "amod", "advmod", "nummod", "npadvmod"})
_HEAVY_POS = frozenset({"NOUN", "PROPN", "NUM", "VERB"})
# Words of a figure's unit that the numbers check reads ("46.5 percent" = "46.5%").
_UNIT_WORDS = frozenset({"percent", "percentage", "pct", "cent", "point", "points"})
# Words that make a claim an allegation or a guess: dropping one states it as fact ("allegedly stole"
# -> "stole"), adding one casts doubt on a fact. Major either way, however short.
# The adverbs that weigh a claim are tense.py's HEDGE_ADVERBS ("probably", "likely" as an adverb: see _hedge).
_HEDGES = REPORT_ADVERBS | {"ostensibly"}
# What else hedges a claim: a modal, a verb of saying or seeming, a likelihood word. A hedge traded for
# one of these ("perhaps ... will" -> "may", "allegedly" -> "prosecutors say") is a paraphrase.
_HEDGE_MARKERS = frozenset({"may", "might", "could", "must", "seem", "appear", "say", "claim", "allege",
                            "accuse", "report", "suspect", "believe", "think", "expect", "likely", "unlikely",
                            "possible", "probable", "according", "reportedly", "allegedly", "apparently",
                            "probably", "possibly", "perhaps", "maybe", "presumably", "supposedly"})
# The markers by part of speech: "suspects" (a noun) or "say" as a noun hedges nothing.
_HEDGE_VERBS = frozenset({"seem", "appear", "say", "claim", "allege", "accuse", "report", "suspect", "believe",
                          "think", "expect"})
# The markers that say who claims it: a speaker's "said" reworded as "according to" is the same attribution.
_ATTRIBUTION_MARKERS = frozenset({"say", "claim", "allege", "accuse", "report", "according"})
_HEDGE_MODALS = frozenset({"may", "might", "could", "must"})
_HEDGE_ADJECTIVES = frozenset({"alleged", "purported", "suspected", "supposed"})  # only before a noun:
# "the alleged thief", not "he suspected that" or "is supposed to provide" (an obligation)
# Negations and the words a reworded negation trades ("failed to meet" -> "did not meet", "not a single
# person" -> "nobody", "unable to" -> "could not"): polarity is the negation check's business.
_NEGATIONS = frozenset({"no", "not", "nt", "n't", "never", "nobody", "none", "nothing", "neither", "nor", "nowhere",
                        "without", "cannot"})  # as SideTokens.surface spells them ("n't" -> "nt")
_NEGATION_STAND_INS = frozenset({"fail", "unable", "single", "one", "body", "person", "lack", "any", "decline",
                                 "refuse"})
# Words that bound a quantity from above or below; a paraphrase trades one for another of the same
# direction ("more than 9,000" -> "over 9,000", "less than 24 hours" -> "under 24 hours", "above
# pre-industrial levels" -> "higher than pre-industrial levels"). A word of the other direction is no stand-in.
_BOUND_UP = frozenset({"more", "over", "above", "higher", "greater", "larger", "bigger", "exceed", "exceeding",
                       "beyond", "upwards"})
_BOUND_DOWN = frozenset({"less", "fewer", "under", "below", "lower", "smaller", "short"})
# "the third in the country's history" / "the highest on record" -> "the third ever": the extent of
# time a superlative or an ordinal ranks over, said by a noun or by "ever".
_EVER_NOUNS = frozenset({"history", "record"})
# Verbs that attribute a claim; "according to X" attributes it too ("a poll found that" -> "according
# to a poll", "prosecutors said" -> "according to prosecutors").
_REPORT_VERBS = frozenset({"say", "find", "tell", "report", "show", "state", "claim", "add", "suggest",
                           "estimate", "announce", "conclude", "write", "indicate", "reveal"})
# Connectives that state a cause (see ``_causal_connectives``): "because (of)", causal "since", "so (that)"
# between clauses, "due/owing/thanks to", "as a result (of)", "therefore", "caused by", "leading to".
_CAUSAL_PREPS = frozenset({"due", "owing", "thanks"})  # + "to"
_CAUSAL_ADVERBS = frozenset({"therefore", "thus", "hence", "consequently"})
_CAUSAL_VERBS = {"lead": "to", "result": "in"}  # "demand fell, leading to lower prices"
# Words with which the other side may state a cause (then a connective on one side is a paraphrase, or
# not this rule's to judge): every connective above, "as", "since" and "when" (time or cause), "so" not
# of degree, and the verbs and nouns of causing ("sparked", "the reason", "blamed on").
_CAUSAL_WORDS = frozenset({"because", "since", "as", "so", "due", "owing", "thanks", "therefore", "thus", "hence",
                           "consequently", "cause", "result", "lead", "reason", "why", "consequence", "effect",
                           "trigger", "spark", "prompt", "drive", "fuel", "blame", "attribute", "stem", "owe",
                           "mean", "force", "make", "bring", "when"})
# Prepositions of means, which say how as much as why ("found prey thanks to smell" ~ "by smell").
_MEANS_PREPS = frozenset({"by", "through", "via"})
# Nouns that name a manner or attitude and carry an adjective in an idiom ("struck a cautious note",
# "took a tough stance", "in a cautious tone"): with the adjective said as a predicate, only a frame.
_MANNER_NOUNS = frozenset({"note", "tone", "stance", "approach", "position", "attitude", "line", "mood",
                           "manner", "posture"})
# The words that frame an age ("aged 29", "29 years old", "at the age of 29"), which "29" alone, "who is
# 29" or "a 29-year-old" say as well; "years" alone next to a number is a duration, not a frame.
_AGE_WORDS = frozenset({"aged", "age", "old"})
_AGE_UNITS = frozenset({"year", "years"})
# "a second band of rain" -> "another band of rain": the ordinal that only means "one more".
_ANOTHER = frozenset({"second"})
# Light adverbs that still restrict, qualify or approximate what a clause claims ("has only surpassed 100",
# "nearly 300"): one added is a change the negation or numbers check may name, not a mere restatement.
_SCOPE_ADVERBS = frozenset({"only", "just", "even", "still", "already", "yet", "again", "almost", "nearly",
                            "approximately", "about", "around", "never", "once"})
# Participles that work as prepositions, with the prepositions that say the same ("following" ~ "after",
# "including Bailey" ~ "Bailey among them", "the surrounding rocks" ~ "the rocks around it"); another
# preposition in their place may say something else ("before" for "following").
_PARTICIPLE_PREPS = {"follow": frozenset({"after"}), "precede": frozenset({"before"}),
                     "include": frozenset({"with", "among"}), "exclude": frozenset({"without", "except"}),
                     "surround": frozenset({"around", "round"}), "regard": frozenset({"about", "on", "over"}),
                     "concern": frozenset({"about", "on", "over"}), "involve": frozenset({"with"}),
                     "accompany": frozenset({"with"})}
# Copular verbs that say no more than "be" when their complement stays ("the sun stood low", "he became
# ill" is a change of state, but "Japan became the fifth" ~ "making Japan the fifth"): a drop is no loss.
# "remain" and "stay" (continuation), "seem" and "appear" (hedges) are not among them.
_COPULAS = frozenset({"stand", "lie", "sit", "become", "get"})
# Verbs that with a predicate adjective make one verb ("make available" ~ "release", "keep secret" ~ "hide").
_FRAME_VERBS = frozenset({"make", "keep", "render", "leave"})
# Verbs whose object noun carries the meaning ("give approval" ~ "approve", "carry out an attack" ~ "attack"),
# and verbs of necessity that a modal says as well ("needs approval" ~ "must be approved").
_SUPPORT_FRAMES = frozenset({"make", "take", "give", "carry", "conduct", "hold", "launch", "reach", "pay"})
_NEED_VERBS = frozenset({"need", "require"})
_NEED_MODALS = frozenset({"must", "need", "should"})
# The arguments of a verb whose counterparts show that another verb took over the clause.
_ARG_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "obj", "attr", "dative", "oprd", "agent", "prep", "ccomp",
                       "xcomp", "acomp"})


def _hedge(t: Any) -> bool:
    """Whether ``t`` makes a claim an allegation or a guess: an adverb ("allegedly", "probably", "would likely
    be"), or an adjective before its noun ("the alleged fraud")."""
    return t.lower_ in _HEDGES or hedge_adverb(t) or (t.lower_ in _HEDGE_ADJECTIVES and t.dep_ == "amod")


def _hedge_marker(t: Any) -> bool:
    """Whether ``t`` hedges its clause: a hedging verb, a modal, a likelihood word or adverb, "according"."""
    low, lemma = t.lower_, t.lemma_.lower()
    if lemma in _HEDGE_VERBS or low in _HEDGE_VERBS:
        return t.pos_ == "VERB"
    if low in _HEDGE_MODALS:
        return t.tag_ == "MD"
    return low in _HEDGE_MARKERS or lemma in _HEDGE_MARKERS


def _attribution(t: Any) -> bool:
    """Whether hedge marker ``t`` attributes the claim to someone ("said", "claim", "according to") rather
    than weighing it ("may", "seem", "likely")."""
    return t.lemma_.lower() in _ATTRIBUTION_MARKERS or t.lower_ in _ATTRIBUTION_MARKERS


def _causal_connectives(sent: Any) -> list[tuple[list[Any], list[Any], list[Any]]]:
    """The causal connectives of a sentence, each as (its words, the cause, the effect): the words of the
    clause or phrase it introduces and of the rest of the sentence ("X because Y": Y causes X;
    "X, so Y" and "X, leading to Y": X causes Y). "since" counts where its main clause is not perfect
    ("has risen since demand fell" is a time); "so" of degree ("so large", "so far") and "due to" an
    infinitive ("is due to be published") are no connectives; "as" is left alone (time or cause)."""
    toks = list(sent)
    out: list[tuple[list[Any], list[Any], list[Any]]] = []

    def by_subtree(marker: list[Any], root: Any) -> None:
        ids = {m.i for m in marker}
        cause = [t for t in root.subtree if t.i not in ids]
        cause_ids = {t.i for t in cause}
        out.append((marker, cause, [t for t in toks if t.i not in ids and t.i not in cause_ids]))

    def by_position(marker: list[Any], head: Any | None = None) -> None:
        first, last = marker[0].i, marker[-1].i
        if head is not None and (head.i < last or any(
                c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass", "expl") and c.i < first for c in head.children)):
            return  # "the ratio is therefore 3:2": a link to what came before the sentence, not inside it
        out.append((marker, [t for t in toks if t.i < first], [t for t in toks if t.i > last]))

    for t in toks:
        low, nxt = t.lower_, (t.doc[t.i + 1] if t.i + 1 < sent.end else None)
        if low == "because":
            if nxt is not None and nxt.lower_ == "of":
                by_subtree([t, nxt], nxt)
            elif t.dep_ == "mark" and t.head.i != t.i:
                by_subtree([t], t.head)
        elif low == "since" and t.dep_ == "mark" and t.head.dep_ == "advcl":
            main = t.head.head
            if not any(c.dep_ == "aux" and c.lemma_.lower() == "have" for c in [*main.children, *t.head.children]):
                by_subtree([t], t.head)
        elif low == "so" and t.i > sent.start and t.head.pos_ in ("VERB", "AUX") and (
                t.pos_ in ("SCONJ", "CCONJ") or t.dep_ in ("mark", "cc")):
            by_position([t, nxt] if nxt is not None and nxt.lower_ == "that" else [t], t.head)
        elif low in _CAUSAL_PREPS and nxt is not None and nxt.lower_ == "to" and nxt.tag_ != "TO":
            by_subtree([t, nxt], nxt)
        elif low == "result" and t.pos_ == "NOUN" and t.head.lower_ == "as":
            of = next((c for c in t.children if c.lower_ == "of"), None)
            marker = [x for x in t.doc[t.head.i: t.i + 1]]
            if of is not None:
                by_subtree([*marker, of], of)
            else:
                by_position(marker, t.head.head)
        elif low in _CAUSAL_ADVERBS and t.dep_ == "advmod" and t.head.pos_ in ("VERB", "AUX"):
            by_position([t], t.head)
        elif t.pos_ == "VERB" and t.lemma_.lower() == "cause" and t.tag_ == "VBN":
            agent = next((c for c in t.children if c.dep_ == "agent"), None)
            if agent is not None:
                by_subtree([t, agent], agent)
        elif t.pos_ == "VERB" and t.lemma_.lower() in _CAUSAL_VERBS:
            prep = next((c for c in t.children if c.dep_ == "prep" and c.lower_ == _CAUSAL_VERBS[t.lemma_.lower()]),
                        None)
            if prep is not None:
                by_position([t, prep])
    return out


def _chunk_text(toks: Sequence[Any]) -> str:
    """The text of the longest run of adjacent tokens in ``toks``, without edge punctuation."""
    best: list[Any] = []
    cur: list[Any] = []
    for t in sorted(toks, key=lambda t: t.i):
        cur = cur + [t] if cur and cur[-1].i + 1 == t.i else [t]
        if len(cur) > len(best):
            best = cur
    best = trim_tokens(best)
    return best[0].doc[best[0].i: best[-1].i + 1].text if best else ""


def _states_cause(sent: Any) -> bool:
    """Whether a sentence has a word that may state a cause (a connective, "as", "since", a verb of causing)."""
    for t in sent:
        if t.lower_ in _CAUSAL_WORDS or t.lemma_.lower() in _CAUSAL_WORDS:
            if t.lower_ == "so" and t.head.pos_ in ("ADJ", "ADV") and not (
                    t.i + 1 < sent.end and t.doc[t.i + 1].lower_ == "that"):
                continue  # "so large", "so far": degree
            return True
        if t.lower_ in _MEANS_PREPS and t.dep_ == "prep":
            return True  # "thanks to their sense of smell" ~ "by smell"
    return False


def _increasing(matched: Sequence[tuple[int, AlignedPair]]) -> set[int]:
    """Positions in ``matched`` of a longest run of increasing first rewrite indices (the earliest
    such run where several are longest: deterministic)."""
    tails: list[int] = []  # tails[k]: position ending the best increasing run of length k + 1
    prev = [-1] * len(matched)
    for pos, (_, a) in enumerate(matched):
        key = a.rewritten[0]
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            if matched[tails[mid]][1].rewritten[0] < key:
                lo = mid + 1
            else:
                hi = mid
        prev[pos] = tails[lo - 1] if lo else -1
        if lo == len(tails):
            tails.append(pos)
        else:
            tails[lo] = pos
    out: set[int] = set()
    pos = tails[-1] if tails else -1
    while pos >= 0:
        out.add(pos)
        pos = prev[pos]
    return out


def _nearest_matched(ctx: CheckContext, index: int, side: str) -> Span | None:
    """The other side of the nearest aligned pair to alignment entry ``index`` (before first)."""
    other = "rewritten" if side == "original" else "original"
    for dist in range(1, len(ctx.alignment)):
        for k in (index - dist, index + dist):
            if 0 <= k < len(ctx.alignment) and ctx.alignment[k].is_match:
                a = ctx.alignment[k]
                return ctx.sentence_span(other, a.rewritten if other == "rewritten" else a.original)
    return None


def _constituent(tokens: Sequence[Any], lost: set[int], sent: Any) -> tuple[list[Any], str]:
    """Widen lost tokens to the largest constituents whose content words are all lost."""
    def all_lost(node: Any) -> bool:
        return all(t.i in lost for t in node.subtree if is_content(t))

    tops: list[Any] = []
    for t in tokens:
        node = t if all_lost(t) else None
        while node is not None and node.head.i != node.i and all_lost(node.head) \
                and node.head.i >= sent.start and node.head.i < sent.end:
            node = node.head
        tops.append(node if node is not None else t)
    # keep outermost constituents only
    uniq = {t.i: t for t in tops}
    outer = [t for t in uniq.values()
             if not any(o is not t and o.left_edge.i <= t.i <= o.right_edge.i and t in o.subtree
                        for o in uniq.values())]
    words: list[Any] = []
    for top in outer:
        if top.i in lost or any(t.i in lost for t in top.subtree if is_content(t)):
            sub = list(top.subtree) if all_lost(top) else [top]
            words.extend(sub)
    words = trim_tokens(sorted({t.i: t for t in words}.values(), key=lambda t: t.i))
    kind = "words"
    if len(outer) == 1:
        top = outer[0]
        if all_lost(top) and len(list(top.subtree)) > 1:
            kind = _CONSTITUENTS.get(top.dep_, "phrase")
        elif top.pos_ in ("NOUN", "PROPN"):
            kind = "noun"
        elif top.pos_ == "VERB":
            kind = "verb"
        elif top.pos_ == "NUM":
            kind = "number"
        elif top.pos_ in ("ADJ", "ADV"):
            kind = "modifier"
    return (words or list(tokens)), kind


# Nouns that name the class of what a kept word names ("the city of Huancayo", "the launch event", "rescue
# teams", "the turnout rate", "31,000 people"): places, measures, groups and events.
_CLASS_NOUNS = frozenset({"city", "town", "village", "state", "province", "county", "region", "district", "country",
                          "island", "capital", "area", "rate", "level", "figure", "number", "amount", "total",
                          "event", "team", "crew", "group", "people", "force"})
# What "rate" makes of a word that is another thing alone ("interest rates" / "interest").
_RATE_NAMES = frozenset({"interest", "exchange", "tax", "mortgage", "discount", "base", "bank", "policy", "hourly"})
# A noun of office with the verb of holding it, as an apposition that only restates a role the sentence names
# ("the first woman to head the department, a post she held from 1982 to 1991").
_POST_NOUNS = frozenset({"post", "position", "role", "job", "office", "seat", "title"})
_HOLD_VERBS = frozenset({"hold", "occupy", "fill", "keep", "retain"})


def _held_post(heavy: Sequence[Any], lost: set[int]) -> bool:
    """The lost words are a noun of office in apposition (or as a second complement) and the verb of a
    relative clause on it that holds it, everything else of the clause kept ("a post she held from 1982 to
    1991" -> "from 1982 to 1991 she headed ..."): the role is the sentence's own, said once."""
    nouns = [t for t in heavy if t.pos_ == "NOUN" and t.lemma_.lower() in _POST_NOUNS and t.dep_ in ("appos", "attr")]
    if len(nouns) != 1:
        return False
    verb = next((c for c in nouns[0].children if c.dep_ == "relcl" and c.lemma_.lower() in _HOLD_VERBS), None)
    return (verb is not None and all(t is nouns[0] or t is verb for t in heavy)
            and any(is_content(c) and c.i not in lost for c in verb.subtree if c.i != verb.i))


def _name_part_kept(t: Any, lost: set[int]) -> bool:
    """``t`` is part of a person's name (or a title word compounded onto it) whose other part stays."""
    if t.pos_ != "PROPN" or t.ent_type_ not in ("", "PERSON"):
        return False
    if t.ent_type_ == "PERSON":
        ent = next((e for e in t.doc.ents if e.start <= t.i < e.end), None)
        if ent is not None and any(x.i not in lost and x.pos_ == "PROPN" for x in ent):
            return True
    # the parser's name compounds ("Xi Jinping" -> "Xi", "President Joe Biden" -> "Biden"), people only
    partners = [t.head] if t.dep_ in ("compound", "flat") and t.head.i != t.i else []
    partners += [c for c in t.children if c.dep_ in ("compound", "flat")]
    return any(p.i not in lost and p.pos_ == "PROPN" and p.ent_type_ in ("", "PERSON") for p in partners)


def _glossed(toks: Sequence[Any], lost: set[int]) -> bool:
    """The lost words stand right before a parenthesis of kept words ("basic (alkaline)"), or inside a
    parenthesis right after kept words ("alkaline (basic)"): one thing named twice."""
    first, last = min(toks, key=lambda t: t.i), max(toks, key=lambda t: t.i)
    doc = first.doc
    nxt = last.i + 1
    if nxt < len(doc) and doc[nxt].text == "(":
        inner: list[Any] = []
        for t in doc[nxt + 1: nxt + 8]:
            if t.text == ")":
                return any(is_content(x) and x.i not in lost for x in inner)
            inner.append(t)
    prev, after = first.i - 1, last.i + 1
    if prev >= 1 and after < len(doc) and doc[prev].text == "(" and doc[after].text == ")":
        return is_content(doc[prev - 1]) and doc[prev - 1].i not in lost
    return False


def _quoted(t: Any) -> bool:
    """Whether ``t`` stands inside a quotation of its sentence (an odd number of quote marks before it)."""
    marks = sum(1 for x in t.sent if x.i < t.i and x.text in ('"', "\u201c", "\u201d", "\u201e"))
    return marks % 2 == 1


def _severity(content: Sequence[Any], added: bool) -> Severity:
    heavy = [t for t in content if not is_light(t, added)]
    if not heavy:
        return Severity.MINOR
    if any(t.pos_ in _HEAVY_POS or t.ent_type_ for t in heavy) or len(heavy) >= 2:
        return Severity.MAJOR
    if any(t.pos_ == "ADJ" for t in heavy):
        return Severity.MAJOR
    return Severity.MINOR


@register
class OmissionCheck:
    """Sentences and content present on one side only."""

    name = "omission"

    def run(self, ctx: CheckContext) -> Iterator[Finding]:
        partial = bool(ctx.coverage is not None and ctx.coverage.partial_original)
        # A rewrite that looks like an excerpt: the original's sentences before its first matched pair or
        # after its last lie outside the excerpt (info, as the excerpt-original's additions are); one
        # missing between matched pairs is still an omission. Coverage says how much is left out.
        matched = [i for i, a in enumerate(ctx.alignment) if a.is_match]
        excerpt = (matched[0], matched[-1]) if (matched and ctx.coverage is not None
                                                and ctx.coverage.partial_rewritten) else None
        for index, pair in enumerate(ctx.alignment):
            if pair.original and not pair.rewritten:
                outside = excerpt is not None and not excerpt[0] < index < excerpt[1]
                yield self._sentence_alone(ctx, index, pair, "original", outside)
            elif pair.rewritten and not pair.original:
                yield self._sentence_alone(ctx, index, pair, "rewritten", partial)
            elif pair.is_match:
                yield from self._inside_pair(ctx, index, pair)
        yield from self._moves(ctx)

    def _moves(self, ctx: CheckContext) -> Iterator[Finding]:
        """Matched sentences that stand in another paragraph of the rewrite than their neighbours'
        counterparts (a paragraph moved across the article): minor, one finding per run of them.

        The pairs in order are those on the longest run of increasing rewrite positions; a pair off
        it whose rewrite paragraph lies outside the paragraphs of the in-order pairs around it moved
        (a swap inside a paragraph is a reordering, not reported)."""
        matched = list(ctx.matched())
        keep = _increasing(matched)
        para = [ctx.rewritten.sentences[a.rewritten[0]].paragraph for _, a in matched]
        moved: list[int] = []
        for pos in range(len(matched)):
            if pos in keep:
                continue
            before = [para[q] for q in range(pos - 1, -1, -1) if q in keep][:1]
            after = [para[q] for q in range(pos + 1, len(matched)) if q in keep][:1]
            low, high = (before or [-1])[0], (after or [len(ctx.rewritten.paragraphs)])[0]
            if not low <= para[pos] <= high:
                moved.append(pos)
        runs_: list[list[int]] = []
        for pos in moved:
            last = matched[runs_[-1][-1]][1] if runs_ else None
            a = matched[pos][1]
            if (last is not None and runs_[-1][-1] == pos - 1 and a.original[0] == last.original[-1] + 1
                    and a.rewritten[0] == last.rewritten[-1] + 1):
                runs_[-1].append(pos)
            else:
                runs_.append([pos])
        for run in runs_:
            o_idx = [i for q in run for i in matched[q][1].original]
            r_idx = [j for q in run for j in matched[q][1].rewritten]
            o_span, r_span = ctx.sentence_span("original", o_idx), ctx.sentence_span("rewritten", r_idx)
            assert o_span is not None and r_span is not None
            o_par = ctx.original.sentences[o_idx[0]].paragraph + 1
            r_par = ctx.rewritten.sentences[r_idx[0]].paragraph + 1
            what = "Sentence" if len(run) == 1 else f"{len(run)} sentences"
            # Where it stands now, by the text it follows (paragraph numbers alone can be equal when
            # it was the text around it that moved).
            follows = ctx.rewritten.sentences[r_idx[0] - 1].text if r_idx[0] > 0 else None
            where = f'after "{quote(follows, 60)}"' if follows else "at the start"
            yield Finding(
                check=self.name, code="sentence-moved", severity=Severity.MINOR,
                message=(f'{what} in another place: in the rewrite {where} (paragraph {r_par}; '
                         f'paragraph {o_par} in the original): "{quote(o_span.text)}"'),
                original=o_span, rewritten=r_span, alignment=matched[run[0]][0],
                data={"sentences": o_idx, "rewritten_sentences": r_idx,
                      "original_paragraph": o_par, "rewritten_paragraph": r_par},
            )

    def _sentence_alone(self, ctx: CheckContext, index: int, pair: AlignedPair, side: str,
                        excerpt: bool) -> Finding:
        """A sentence with no counterpart: omitted (an original one: major) or added (a rewrite one:
        minor); info where the other side looks like an excerpt that it lies outside of."""
        omitted = side == "original"
        mine, other = ("Original", "rewrite") if omitted else ("Rewrite", "original")
        span = ctx.sentence_span(side, pair.original if omitted else pair.rewritten)
        assert span is not None
        if excerpt:
            sev = Severity.INFO
            msg = (f'{mine} sentence has no counterpart in the excerpt (the {other} looks partial: '
                   f'see coverage): "{quote(span.text)}"')
        else:
            sev = Severity.MAJOR if omitted else Severity.MINOR
            msg = f'{mine} sentence has no counterpart in the {other}: "{quote(span.text)}"'
        near = _nearest_matched(ctx, index, side)
        return Finding(
            check=self.name, code="sentence-omitted" if omitted else "sentence-added", severity=sev,
            message=msg, original=span if omitted else near, rewritten=near if omitted else span,
            alignment=index, data={"sentences": list(pair.original if omitted else pair.rewritten),
                                   ("outside_excerpt" if omitted else "partial_original"): excerpt},
        )

    def _inside_pair(self, ctx: CheckContext, index: int, pair: AlignedPair) -> Iterator[Finding]:
        o_span = ctx.sentence_span("original", pair.original)
        r_span = ctx.sentence_span("rewritten", pair.rewritten)
        if o_span is not None and o_span.text.strip() and r_span is not None and not r_span.text.strip():
            # A line-aligned set's empty output line: the whole segment is left out (the largest omission).
            yield Finding(check=self.name, code="sentence-omitted", severity=Severity.MAJOR,
                          message=f'The rewrite\'s line is empty: nothing of "{quote(o_span.text)}" is rendered',
                          original=o_span, rewritten=None, alignment=index,
                          data={"sentences": list(pair.original), "empty_line": True})
            return
        al = pair_alignment(ctx, index)
        if not al.o.tokens or not al.r.tokens or not al.o2r:  # nothing in common: an alignment problem, not a drop
            return
        scores = ctx.pairs.get(index) if ctx.pairs else None
        evidence: dict[str, tuple[Span, ...] | None] = {"original": None, "rewritten": None}
        if scores is not None and scores.bertscore_f1 is not None:
            evidence = {"original": scores.unmatched_original, "rewritten": scores.unmatched_rewritten}
        yield from self._holes(ctx, index, al, "original", evidence["original"])
        yield from self._dropped_subject_pronouns(ctx, index, al, pair)
        yield from self._holes(ctx, index, al, "rewritten", evidence["rewritten"])
        yield from self._causal_links(ctx, index, al, pair)

    def _holes(self, ctx: CheckContext, index: int, al: ContentAlignment, side: str,
               evidence: tuple[Span, ...] | None) -> Iterator[Finding]:
        here, there = (al.o, al.r) if side == "original" else (al.r, al.o)
        h2t = al.o2r if side == "original" else al.r2o
        other = "rewritten" if side == "original" else "original"
        unmatched_here = al.unmatched_o() if side == "original" else al.unmatched_r()
        unmatched_there = al.unmatched_r() if side == "original" else al.unmatched_o()
        lost_ids = {here.tokens[i].i for i in unmatched_here}
        # Paraphrases drop and add words in equal measure; a real omission/addition is one-sided.
        other_free = sum(1 for j in unmatched_there if not is_light(there.tokens[j])) + al.fuzzy
        matched_keys = {lemma_key(here.tokens[i]) for i in h2t}
        base = ctx.doc(side)
        for run in runs(unmatched_here):
            gap, left, right = gap_counterpart(run, h2t, len(here.tokens), unmatched_there)
            # a clause of a new actor added where the original has only a participle-preposition ("including"
            # -> "Among ..., all of which Network Rail has accepted, are"): a claim of its own, no substitution
            claim = side == "rewritten" and self._new_claim([here.tokens[i] for i in run], there,
                                                            [there.tokens[j] for j in gap])
            if gap and not claim:  # something else stands in the same place: a substitution, not a hole
                continue
            # a run may cross a sentence boundary in an n-m pair: report per sentence
            by_sent: dict[int, list[Any]] = {}
            for i in run:
                by_sent.setdefault(here.sents[i], []).append(here.tokens[i])
            for si, toks in by_sent.items():
                sent = ctx.parses[side][si]
                words, kind = _constituent(toks, lost_ids, sent)
                content = [t for t in words if is_content(t) and t.i in lost_ids]
                if not content:
                    continue
                if claim and not self._vetoed(ctx, base, si, sent, toks, evidence):
                    # the words themselves, whatever the parse hangs them on: a new actor's clause is a new claim
                    span = ctx.token_span(side, si, min(toks, key=lambda t: t.i), max(toks, key=lambda t: t.i))
                    anchor = self._anchor_span(ctx, other, there, left, right)
                    yield self._hole_finding(ctx, index, side, span, anchor, "clause", Severity.MAJOR, toks)
                    continue
                added = side == "rewritten"
                sev = _severity(content, added)
                heavy = [t for t in content if not is_light(t, added)]
                if other_free and not (len(heavy) >= 3 and 3 * other_free <= len(heavy)) and not claim:
                    sev = min(sev, Severity.MINOR)
                if all(lemma_key(t) in matched_keys and t.dep_ in _MODIFIER_DEPS for t in heavy):
                    # a repeated modifier ("Best Picture, Best Director") the other side says once
                    sev = min(sev, Severity.MINOR)
                if len(heavy) == 1 and heavy[0].tag_ in ("VBG", "VBN") and heavy[0].dep_ in _PARTICIPLE_DEPS and \
                        self._preposition_stand_in(ctx, other, there, left, right):
                    # "policies involving torture" -> "policies with torture": a participle for a preposition
                    sev = min(sev, Severity.MINOR)
                if len(heavy) == 1 and heavy[0].pos_ == "VERB" and self._light_verb_stand_in(
                        ctx, side, other, there, left, right, [here.sents[i] for i in run]):
                    # "Montevideo lies south" -> "Montevideo is south": a light verb took the verb's place
                    sev = min(sev, Severity.MINOR)
                if heavy and all(t.pos_ == "PROPN" and t.lower_ in GENERIC_NAME_WORDS and any(
                        c.i not in lost_ids and c.pos_ == "PROPN" for c in [*t.children, t.head] if c.i != t.i)
                        for t in heavy):
                    # "Deception Island" -> "Deception": the generic word of a name whose own part stays
                    sev = min(sev, Severity.MINOR)
                if len(content) == 1 and self._class_noun(content[0], here, there, h2t):
                    continue  # "the city of Huancayo" -> "Huancayo", "rescue teams" -> "rescuers": the kept word names it
                if heavy and _held_post(heavy, lost_ids):
                    continue  # "the first woman to head X, a post she held from 1982" -> "from 1982 she headed X"
                if _glossed(toks, lost_ids):
                    # "acidic or basic (alkaline)": a second name for the same thing, in parentheses
                    sev = min(sev, Severity.MINOR)
                if heavy and {t.i for t in heavy} <= {m.i for marker, _, _ in _causal_connectives(sent) for m in marker}:
                    continue  # "as a result", "caused by": a causal connective is ``_causal_links``'s to report
                if self._pronoun_stand_in(ctx, other, there, left, right, toks, here):
                    continue  # "the trials are" -> "they are": a pronoun took the words' place
                if self._equivalent_stand_in(ctx, side, other, here, there, content, left, right):
                    continue  # "more than" -> "over", "in its history" -> "ever", "said" -> "according to"
                if len(heavy) == 1 and self._complex_predicate(here, there, h2t, heavy[0]):
                    continue  # "release 50 million dollars" -> "make 50 million dollars available"
                if len(heavy) == 1 and heavy[0].pos_ == "VERB" and self._swapped_verb(
                        ctx, other, here, there, h2t, heavy[0], unmatched_there):
                    continue  # "floods killed 11 people" -> "11 people died after floods": another verb, same arguments
                if heavy and any(t.pos_ == "NUM" or t.like_num or t.lower_ in _UNIT_WORDS for t in heavy) \
                        and self._number_kept(ctx, side, other, here, there, heavy):
                    # "0.5 percentage points" -> "half a percentage point", "46.5 percent" -> "46.5%": a figure
                    # the other side states too (what differs in it is the numbers check's to say)
                    continue
                if heavy and self._age_frame(heavy, lost_ids, sent):
                    continue  # "a man, aged 29," -> "a man, 29," / "who is 29" / "a 29-year-old man": one age
                if heavy and all(t.lower_ in _NEGATIONS or t.lemma_.lower() in _NEGATION_STAND_INS for t in heavy) \
                        and any(there.surface[w] for w in _NEGATIONS):
                    continue  # a negation reworded ("failed to meet" -> "did not meet"): see the negation check
                if heavy and all(t.lemma_.lower() in CHANNEL_NOUNS for t in heavy):
                    # "a statement from Smith's office said" -> "Smith's office said": the channel, not the source
                    sev = min(sev, Severity.MINOR)
                if heavy and all(self._frame_noun(t, lost_ids, here, there, h2t) for t in heavy):
                    # "were cautious" -> "struck a cautious note", "her award was accepted by X" -> "X accepted
                    # the award on her behalf": a noun that only carries a kept adjective or a kept possessor
                    sev = min(sev, Severity.MINOR)
                if heavy and all(_name_part_kept(t, lost_ids) for t in heavy):
                    # "Joe Biden" -> "Biden", "President Joe Biden" -> "Biden": the same person, named shorter
                    sev = min(sev, Severity.MINOR)
                span = ctx.token_span(side, si, words[0], words[-1])
                if evidence is not None:
                    off = base.sentences[si].start - sent.start_char
                    if not any(spans_overlap(t.idx + off, t.idx + off + len(t.text), evidence)
                               for t in content):
                        # the encoder found a counterpart for every one of these words
                        sev = min(sev, Severity.MINOR)
                if any(_hedge(t) for t in content) \
                        and not self._hedged(ctx, other, sorted(set(there.sents)), side, sorted(set(here.sents)),
                                             lost_ids):
                    # "allegedly stole" -> "stole": an allegation stated as fact (or a fact put in doubt).
                    # After the encoder's veto: it matches "probably" to the sentence around it, but a
                    # claim with its certainty changed is not the same claim.
                    sev, kind = max(sev, Severity.MAJOR), "hedge"
                if sev == Severity.MINOR and self._restated(ctx, side, other, here, there, h2t, content, heavy,
                                                            lost_ids, left, right):
                    continue  # a word that only restates what the other side says ("the sun stood low")
                anchor = self._anchor_span(ctx, other, there, left, right)
                # "between" two neighbours in one sentence; with one, the side it is on
                both = left is not None and right is not None and there.sents[left] == there.sents[right]
                place = "between" if both else "after" if left is not None else "before" if right is not None else "in"
                yield self._hole_finding(ctx, index, side, span, anchor, kind, sev, content, place)

    @staticmethod
    def _restated(ctx: CheckContext, side: str, other: str, here: SideTokens, there: SideTokens, h2t: dict[int, int],
                  content: Sequence[Any], heavy: Sequence[Any], lost: set[int], left: int | None,
                  right: int | None) -> bool:
        """Whether a minor hole only restates, in other words, what the other side says around it:

        * only light words added (a support verb, "also", "the other", a generic noun): no new claim
          ("the sun was low" -> "the sun stood low", "making Japan the fifth" -> "Japan became the fifth"),
          but not a light adverb that restricts or qualifies the claim ("has only surpassed", "almost");
        * a copular verb dropped whose complement stays ("the sun stood low" -> "the sun was low");
        * a participle doing a preposition's work ("following"/"after", "including X"/"X among them") or a
          participle modifier said by a prepositional phrase of function words on its noun ("the surrounding
          rocks" -> "the rocks around it"), where the other side has a preposition this side lacks, in that place."""
        if any(_quoted(t) for t in content):
            return False  # a quotation is verbatim: any word in or out of it is a change to its text
        if side == "rewritten" and not heavy:
            return not any(t.lower_ in _SCOPE_ADVERBS for t in content)
        if len(heavy) != 1:
            return False
        t = heavy[0]
        index = {(id(x.doc), x.i): k for k, x in enumerate(here.tokens)}
        if t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in _COPULAS:
            # the complement kept ("stood low" is parsed with "low" as an adverbial modifier)
            return any((c.dep_ in ("acomp", "attr", "oprd") or c.dep_ == "advmod" and c.pos_ == "ADJ")
                       and index.get((id(c.doc), c.i)) in h2t for c in t.children)
        # a participle taking an object of a preposition ("following the Soviet Union") is one
        as_prep = t.dep_ == "prep" or any(c.dep_ == "pobj" for c in t.children)
        preps = _PARTICIPLE_PREPS.get(t.lemma_.lower(), frozenset())
        if t.tag_ not in ("VBG", "VBN") or not preps or not (as_prep or t.dep_ == "amod"):
            return False
        here_adps = Counter(x.lower_ for si in set(here.sents) for x in ctx.parses[side][si] if x.pos_ == "ADP")
        there_adps = [x for si in sorted(set(there.sents)) for x in ctx.parses[other][si] if x.pos_ == "ADP"]
        seen: Counter[str] = Counter()
        surplus = []
        for x in there_adps:
            seen[x.lower_] += 1
            if seen[x.lower_] > here_adps[x.lower_] and x.lower_ in preps:
                surplus.append(x)
        if not surplus:
            return False
        if as_prep:  # "following the Soviet Union" ~ "after the Soviet Union": next to the anchors
            near = [there.tokens[j] for j in (left, right) if j is not None]
            return any(x.doc is n.doc and abs(x.i - n.i) <= 3 for x in surplus for n in near)
        # "the surrounding rocks" ~ "the rocks around it": the preposition hangs on the noun's counterpart
        k = index.get((id(t.head.doc), t.head.i))
        if k is None or k not in h2t:
            return False
        noun = there.tokens[h2t[k]]
        # on it, or right after it where the parser hung it higher up ("pictures of [the rocks] around it")
        return any(x.doc is noun.doc and (x.head.i == noun.i or x.i == noun.right_edge.i + 1) and all(
            not is_content(y) or y.pos_ == "PRON" for y in x.subtree) for x in surplus)

    @staticmethod
    def _equivalent_stand_in(ctx: CheckContext, side: str, other: str, here: SideTokens, there: SideTokens,
                             content: Sequence[Any], left: int | None, right: int | None) -> bool:
        """Whether the lost words are one of a few fixed equivalences whose other half the other side has
        in surplus (more of it than this side): a bound of the same direction ("more" ~ "over"), "history"
        ~ "ever", an attributing verb ~ "according to", "second" ~ "another"."""
        if not content:
            return False
        here_words = [t for si in sorted(set(here.sents)) for t in ctx.parses[side][si]]
        lost = set(content)
        there_words = [t for si in sorted(set(there.sents)) for t in ctx.parses[other][si]]

        def surplus(pred: Any) -> list[Any]:
            mine = sum(1 for t in here_words if pred(t) and t not in lost)
            theirs = [t for t in there_words if pred(t)]
            return theirs if len(theirs) > mine else []

        lows = {t.lower_ for t in content}
        for bound in (_BOUND_UP, _BOUND_DOWN):
            if lows <= bound or {t.lemma_.lower() for t in content} <= bound:
                cands = surplus(lambda t, b=bound: t.lower_ in b or t.lemma_.lower() in b)
                # next to where the lost words would stand: near the counterpart of a neighbour
                near = [there.tokens[j] for j in (left, right) if j is not None]
                return any(abs(c.i - n.i) <= 3 and c.sent == n.sent for c in cands for n in near)
        if all(t.lemma_.lower() in _EVER_NOUNS and t.dep_ == "pobj" for t in content):
            return bool(surplus(lambda t: t.lower_ == "ever"))
        if lows == {"ever"}:
            return bool(surplus(lambda t: t.lemma_.lower() in _EVER_NOUNS and t.dep_ == "pobj"))
        if lows == {"according"}:
            return bool(surplus(lambda t: t.pos_ == "VERB" and t.lemma_.lower() in _REPORT_VERBS))
        if all(t.pos_ == "VERB" and t.lemma_.lower() in _REPORT_VERBS for t in content):
            return bool(surplus(lambda t: t.lower_ == "according" and any(c.lower_ == "to" for c in t.children)))
        if lows <= _ANOTHER:
            return bool(surplus(lambda t: t.lower_ == "another"))
        return False

    def _causal_links(self, ctx: CheckContext, index: int, al: ContentAlignment,
                      pair: AlignedPair) -> Iterator[Finding]:
        """A causal connective on one side only that links content both sides state: "Prices rose and demand
        fell" -> "Prices rose because demand fell" adds a claim (why prices rose); dropping one removes it;
        "after" -> "because" turns a sequence into a cause. Major either way. Where the other side has any
        word that may state a cause ("as", "since", "led to", "the reason") it is not reported."""
        for side, other in (("original", "rewritten"), ("rewritten", "original")):
            here, there = (al.o, al.r) if side == "original" else (al.r, al.o)
            h2t = al.o2r if side == "original" else al.r2o
            here_sents = pair.original if side == "original" else pair.rewritten
            there_sents = pair.rewritten if side == "original" else pair.original
            if any(_states_cause(ctx.parses[other][si]) for si in there_sents):
                continue
            where = {(id(t.doc), t.i): k for k, t in enumerate(here.tokens)}
            unmatched_there = al.unmatched_r() if side == "original" else al.unmatched_o()
            # "so (that) he could catch the train" ~ "to catch the train": a purpose said with an infinitive
            purpose = any(t.tag_ == "TO" and t.head.dep_ in ("advcl", "xcomp", "acl")
                          for si in there_sents for t in ctx.parses[other][si])
            def shared(part: list[Any], where: dict[tuple[int, int], int] = where,
                       h2t: dict[int, int] = h2t) -> list[int]:
                """The indices of the part's content words that have a counterpart on the other side."""
                return [k for t in part if (k := where.get((id(t.doc), t.i))) is not None and k in h2t]

            for si in here_sents:
                sent = ctx.parses[side][si]
                for marker, cause, effect in _causal_connectives(sent):
                    if purpose and marker[0].lower_ == "so":
                        continue
                    c_keys, e_keys = shared(cause), shared(effect)
                    if all(is_light(here.tokens[k]) for k in c_keys) or all(is_light(here.tokens[k]) for k in e_keys):
                        continue  # a link to content of its own: the omission of that content is the finding
                    before = [k for k in c_keys + e_keys if here.tokens[k].i < marker[0].i]
                    after = [k for k in c_keys + e_keys if here.tokens[k].i > marker[-1].i]
                    left = h2t[max(before)] if before else None
                    right = h2t[min(after)] if after else None
                    # something unmatched stands in its place ("thnks to", "casued by", "Sicne", a foreign word)
                    lo = left if left is not None else (right - 2 if right is not None else -1)
                    hi = right if right is not None else (left + 2 if left is not None else -1)
                    if any(min(lo, hi) < j < max(lo, hi) for j in unmatched_there):
                        continue
                    anchor = self._anchor_span(ctx, other, there, left, right)
                    span = ctx.token_span(side, si, marker[0], marker[-1])
                    link = (f'"{span.text}" makes "{quote(_chunk_text(cause), 50)}" the cause of '
                            f'"{quote(_chunk_text(effect), 50)}"')
                    data = {"kind": "causal link", "words": [t.text for t in marker], "side": side}
                    if side == "original":
                        yield Finding(check=self.name, code="clause-dropped", severity=Severity.MAJOR,
                                      message=f"Dropped from the rewrite (causal link): {link}; the rewrite "
                                              f"states both without the link",
                                      original=span, rewritten=anchor, alignment=index, data=data)
                    else:
                        yield Finding(check=self.name, code="content-added", severity=Severity.MAJOR,
                                      message=f"Added in the rewrite with no counterpart in the original (causal "
                                              f"link): {link}; the original states both without the link",
                                      original=anchor, rewritten=span, alignment=index, data=data)

    @staticmethod
    def _frame_noun(t: Any, lost: set[int], here: SideTokens, there: SideTokens, h2t: dict[int, int]) -> bool:
        """Whether the lost noun ``t`` is a frame around what the other side says without it: a noun of
        manner whose adjective is the other side's predicate ("struck a cautious note" ~ "were cautious",
        "took a tough stance" ~ "were tough"), or "behalf" whose possessor the other side has ("accepted the
        award on her behalf" ~ "her award was accepted")."""
        if t.pos_ != "NOUN":
            return False
        lemma = t.lemma_.lower()
        if lemma == "behalf":
            owners = [c for c in t.children if c.dep_ == "poss"]
            owners += [g for c in t.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children
                       if g.dep_ == "pobj"]
            return any(o.i not in lost and there.surface[norm_text(o.text)] > 0 for o in owners)
        if lemma not in _MANNER_NOUNS:
            return False
        index = {(id(x.doc), x.i): k for k, x in enumerate(here.tokens)}
        for c in t.children:
            k = index.get((id(c.doc), c.i))
            if c.dep_ == "amod" and k is not None and k in h2t:
                mate = there.tokens[h2t[k]]
                if mate.pos_ == "ADJ" and mate.dep_ in ("acomp", "attr", "oprd", "xcomp", "ccomp"):
                    return True
        return False

    @staticmethod
    def _age_frame(heavy: Sequence[Any], lost: set[int], sent: Any) -> bool:
        """Whether the lost words only frame an age whose number stays ("aged 29", "29 years old", "at the
        age of 29"): each is an age word next to a kept number, and one of them says age, not a duration."""
        if not any(t.lower_ in _AGE_WORDS for t in heavy):
            return False
        for t in heavy:
            if t.lower_ not in _AGE_WORDS and t.lower_ not in _AGE_UNITS:
                return False
            near = t.doc[max(t.i - 3, sent.start): min(t.i + 4, sent.end)]
            if not any(n.like_num and n.i not in lost for n in near):
                return False
        return True

    @staticmethod
    def _vetoed(ctx: CheckContext, base: Any, si: int, sent: Any, toks: Sequence[Any],
                evidence: tuple[Span, ...] | None) -> bool:
        """The encoder found a counterpart for every one of ``toks`` (no evidence: not vetoed)."""
        if evidence is None:
            return False
        off = base.sentences[si].start - sent.start_char
        return not any(spans_overlap(t.idx + off, t.idx + off + len(t.text), evidence) for t in toks)

    @staticmethod
    def _new_claim(run: Sequence[Any], there: SideTokens, gap: Sequence[Any]) -> bool:
        """Whether the added words hold a clause of its own: a verb (not a support verb) and, in what it
        governs, a name the other side never mentions ("all of which Network Rail has accepted"), with at
        most light words or a participle-preposition ("including") unmatched in its place on the other side."""
        if any(not is_light(t) and t.lemma_.lower() not in _PARTICIPLE_PREPS for t in gap):
            return False
        ids = {t.i for t in run}
        for v in run:
            if v.pos_ != "VERB" or v.lemma_.lower() in SUPPORT_VERBS or v.tag_ in ("VBG", "VB"):
                continue
            if any(n.pos_ == "PROPN" and n.i in ids and n.i != v.i and not there.surface[norm_text(n.text)]
                   for n in v.subtree):
                return True
        return False

    @staticmethod
    def _class_noun(t: Any, here: SideTokens, there: SideTokens, h2t: dict[int, int]) -> bool:
        """Whether the lost noun ``t`` only names the class of a kept word that stands in its place on the
        other side: "the city of Huancayo" -> "Huancayo", "the launch event" -> "the launch", "rescue teams" ->
        "rescuers", "31,000 people" -> "31,000 employees".  The kept word (a compound, modifier, number or "of"
        object of ``t``) fills ``t``'s role there as a noun (or, a number, counts a noun that does); a noun
        that names a different thing ("police officers" -> "police") is no class noun."""
        if t.pos_ != "NOUN" or t.lemma_.lower() not in _CLASS_NOUNS:
            return False
        kept = [c for c in t.children if c.dep_ in ("compound", "amod", "nummod")]
        kept += [g for c in t.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
        if t.lemma_.lower() == "rate" and any(c.lemma_.lower() in _RATE_NAMES for c in kept):
            return False  # "interest rates" -> "interest": another thing
        if t.lemma_.lower() == "number" and any(c.lower_ == "a" for c in t.children):
            return False  # "a number of protesters" (= some) -> "protesters": a quantity dropped, no class
        index = {(id(x.doc), x.i): k for k, x in enumerate(here.tokens)}
        for c in kept:
            k = index.get((id(c.doc), c.i))
            if k is None or k not in h2t:
                continue
            mate = there.tokens[h2t[k]]
            # as a noun itself ("Oregon", "rescuers"): an adjective or a number left alone in the noun's slot is
            # the noun dropped ("the best polo team" -> "the best", "the 13 states" -> "the 13")
            if mate.dep_ == t.dep_ and mate.pos_ in ("NOUN", "PROPN") or (
                    c.dep_ == "nummod" and mate.dep_ == "nummod" and mate.head.dep_ == t.dep_
                    and mate.head.pos_ == "NOUN"):
                return True
        return False

    @staticmethod
    def _number_kept(ctx: CheckContext, side: str, other: str, here: SideTokens, there: SideTokens,
                     lost: Sequence[Any]) -> bool:
        """Each lost word belongs to a figure (its number or unit) the other side states in other words (the
        numbers check reads "half a" as 0.5 and "%" as "percent", and reports what differs)."""
        from .numbers import extract

        def mentions(toks: SideTokens, which: str) -> list[Any]:
            got = toks.__dict__.get("_numbers")  # once per side of a pair, however many holes it has
            if got is None:
                got = toks.__dict__["_numbers"] = extract(side_tokens(ctx, which, sorted(set(toks.sents))))
            return got  # type: ignore[no-any-return]

        mine = mentions(here, side)
        theirs = {k for m in mentions(there, other) for k in m.keys}
        for t in lost:
            m = next((m for m in mine if m.first[1].i <= t.i <= m.last[1].i and m.first[1].doc is t.doc), None)
            if m is None or not (set(m.keys) & theirs):
                return False
        return True

    @staticmethod
    def _complex_predicate(here: SideTokens, there: SideTokens, h2t: dict[int, int], tok: Any) -> bool:
        """Whether ``tok`` is the predicate adjective of a "make/keep/render ... ADJ" frame whose verb
        stands for another verb on the other side ("make money available" ~ "release money"): the frame
        as a whole is the verb. With the same verb on both sides ("make it" -> "make it public") it is not."""
        head = tok.head
        if tok.dep_ == "amod" and tok.i > head.i and head.dep_ in ("dobj", "obj"):
            head = head.head  # parsed as a modifier put after the object: "make [money available]"
        elif tok.dep_ not in ("oprd", "ccomp", "acomp", "xcomp"):
            return False
        if tok.pos_ != "ADJ" or head.i == tok.i or head.lemma_.lower() not in _FRAME_VERBS:
            return False
        k = next((k for k, t in enumerate(here.tokens) if t.i == head.i and t.doc is head.doc), None)
        if k is None:
            return False
        if k not in h2t:  # the frame verb is new too: it stands for a verb the other side has unmatched
            t2h = {v: u for u, v in h2t.items()}
            return any(t.pos_ == "VERB" and j not in t2h and t.lemma_.lower() not in SUPPORT_VERBS
                       for j, t in enumerate(there.tokens))
        mate = there.tokens[h2t[k]]
        return mate.pos_ == "VERB" and lemma_key(mate) != lemma_key(head)

    @staticmethod
    def _swapped_verb(ctx: CheckContext, other: str, here: SideTokens, there: SideTokens, h2t: dict[int, int], verb: Any,
                      unmatched_there: Sequence[int]) -> bool:
        """Whether an unmatched verb on the other side governs the counterparts of this verb's arguments
        (its subject, object or a prepositional object): the clause kept, its verb reworded and moved
        ("the storm dumped 400 mm of rain" -> "400 mm of rain fell")."""
        index = {t.i: k for k, t in enumerate(here.tokens) if t.doc is verb.doc}
        verbs = {(id(there.tokens[j].doc), there.tokens[j].i) for j in unmatched_there if there.tokens[j].pos_ == "VERB"}
        args: list[Any] = []
        for c in verb.children:
            if c.dep_ not in _ARG_DEPS:
                continue
            args.extend(g for g in c.children if g.dep_ == "pobj") if c.dep_ in ("prep", "agent") else args.append(c)

        def governed(t: Any) -> bool:
            for _ in range(3):  # the verb itself, or through a preposition ("rain fell on Napier")
                if t.head.i == t.i:
                    return False
                t = t.head
                if (id(t.doc), t.i) in verbs:
                    return True
                if t.dep_ not in ("prep", "agent", "pcomp", "pobj"):
                    return False
            return False

        for a in args:
            k = index.get(a.i)
            if k is not None and k in h2t:
                mate = there.tokens[h2t[k]]
                if governed(mate):
                    return True
                if a.dep_ in ("dobj", "obj") and a.pos_ == "NOUN" and mate.pos_ == "VERB" and (
                        verb.lemma_.lower() in _SUPPORT_FRAMES or verb.lemma_.lower() in _NEED_VERBS
                        and any(c.dep_ == "aux" and c.lower_ in _NEED_MODALS for c in mate.children)):
                    return True  # "made a decision" -> "decided", "needs approval" -> "must be approved"
            elif a.pos_ == "PRON":
                for si in sorted(set(there.sents)):
                    if any(t.lower_ == a.lower_ and governed(t) for t in ctx.parses[other][si]):
                        return True
        return False

    @staticmethod
    def _hedged(ctx: CheckContext, side: str, sents: Sequence[int], here_side: str, here_sents: Sequence[int],
                lost: set[int]) -> bool:
        """Whether these sentences of ``side`` hedge in some other way (a modal, "say", "seem", "likely")
        more often than the hedge's own sentences do without the lost words: a hedge kept in another form.
        "Police said the suspects allegedly used" -> "Police said the suspects used" keeps "said" only."""
        def count(s: str, indices: Sequence[int], skip: set[int], attribution: bool) -> int:
            return sum(1 for si in indices for t in ctx.parses[s][si]
                       if t.i not in skip and _hedge_marker(t) and _attribution(t) == attribution)

        # An attribution counts on both sides whether or not it was reworded: "Analysts said routes would
        # probably be dropped" -> "Routes will be dropped, according to analysts" trades "said" for
        # "according to" (one attribution for another) and drops the hedge.
        return count(side, sents, set(), False) > count(here_side, here_sents, lost, False) \
            or count(side, sents, set(), True) > count(here_side, here_sents, set(), True)

    @staticmethod
    def _preposition_stand_in(ctx: CheckContext, side: str, toks: SideTokens, left: int | None,
                              right: int | None) -> bool:
        """Whether a preposition sits between the other side's anchors (in the same sentence)."""
        if left is None or right is None or toks.sents[left] != toks.sents[right]:
            return False
        lo, hi = sorted((toks.tokens[left].i, toks.tokens[right].i))
        return any(t.pos_ == "ADP" and lo < t.i < hi for t in ctx.parses[side][toks.sents[left]])

    @staticmethod
    def _light_verb_stand_in(ctx: CheckContext, here_side: str, side: str, toks: SideTokens, left: int | None,
                             right: int | None, here_sents: Sequence[int]) -> bool:
        """Whether the other side has one more "be"/"have"/"do"/"get" than this one, between the anchors."""
        if left is None or right is None or toks.sents[left] != toks.sents[right]:
            return False
        lo, hi = sorted((toks.tokens[left].i, toks.tokens[right].i))
        sent = ctx.parses[side][toks.sents[left]]
        between = [t for t in sent if lo < t.i < hi and t.lemma_.lower() in LIGHT_VERBS and t.dep_ not in ("aux", "auxpass")]
        if not between:
            return False
        there = Counter(t.lemma_.lower() for si in set(toks.sents) for t in ctx.parses[side][si])
        here = Counter(t.lemma_.lower() for si in set(here_sents) for t in ctx.parses[here_side][si])
        return any(there[t.lemma_.lower()] > here[t.lemma_.lower()] for t in between)

    @staticmethod
    def _pronoun_stand_in(ctx: CheckContext, side: str, toks: SideTokens, left: int | None,
                          right: int | None, lost: Sequence[Any], here: SideTokens) -> bool:
        """Whether a pronoun the other side has in surplus sits where the lost words were."""
        picks = [j for j in (left, right) if j is not None]
        if not picks or not any(t.pos_ in ("NOUN", "PROPN") for t in lost):
            return False
        here_side = "rewritten" if side == "original" else "original"
        here_prons = Counter(t.lower_ for si in set(here.sents) for t in ctx.parses[here_side][si]
                             if t.pos_ == "PRON")
        there_prons = Counter(t.lower_ for si in set(toks.sents) for t in ctx.parses[side][si]
                              if t.pos_ == "PRON")
        surplus = {p for p, n in there_prons.items() if n > here_prons[p] and p in _STAND_INS}
        if not surplus:
            return False
        sents = sorted({toks.sents[j] for j in picks})
        lo = min(toks.tokens[j].i for j in picks) if len(picks) == 2 else None
        hi = max(toks.tokens[j].i for j in picks) if len(picks) == 2 else None
        for si in sents:
            for t in ctx.parses[side][si]:
                if t.pos_ != "PRON" or t.lower_ in RELATIVE_PRONOUNS or t.lower_ not in surplus:
                    continue
                if lo is None or (hi is not None and lo < t.i < hi):
                    if lo is not None or abs(t.i - toks.tokens[picks[0]].i) <= 3:
                        return True
        return False

    def _dropped_subject_pronouns(self, ctx: CheckContext, index: int, al: ContentAlignment,
                                  pair: AlignedPair) -> Iterator[Finding]:
        """Subject pronouns ("I", "he", "this") that vanished while the rest of the pair stayed put."""
        if any(not is_light(al.r.tokens[j]) for j in al.unmatched_r()):
            return
        r_prons = Counter(t.lower_ for si in pair.rewritten for t in ctx.parses["rewritten"][si]
                          if t.pos_ == "PRON")
        o_prons = Counter(t.lower_ for si in pair.original for t in ctx.parses["original"][si]
                          if t.pos_ == "PRON")
        if any(r_prons[p] > o_prons[p] for p in r_prons):  # a pronoun changed, not vanished
            return
        seen: Counter[str] = Counter()
        for si in pair.original:
            for t in ctx.parses["original"][si]:
                if t.pos_ != "PRON" or t.dep_ not in ("nsubj", "nsubjpass") or t.lower_ in RELATIVE_PRONOUNS:
                    continue
                seen[t.lower_] += 1
                if seen[t.lower_] <= r_prons[t.lower_]:
                    continue
                if self._shared_subject(ctx, pair.rewritten, t.head):
                    continue  # "and he became" -> "and became": the coordinated verb shares the subject
                span = ctx.token_span("original", si, t)
                anchor = ctx.sentence_span("rewritten", pair.rewritten)
                head = t.head.text
                # "they had not ruled out a leak" -> "a leak had not been ruled out": the clause made passive
                # without an agent drops only the pronoun standing for the actor (a note, not a loss)
                passive = self._agentless_passive(ctx, pair.rewritten, t.head) if t.dep_ == "nsubj" else None
                # "It was bought with support from X" -> "The purchase was supported by X": the event said as a
                # noun needs no subject; the pronoun stood only for a participant the text names elsewhere
                nominal = self._nominalised(al, t.head) if passive is None else None
                how = ""
                if passive is not None:
                    anchor = ctx.token_span("rewritten", passive[0], passive[1])
                    how = f'; the rewrite makes "{passive[1].text}" passive with no agent'
                elif nominal is not None:
                    anchor = ctx.token_span("rewritten", nominal[0], nominal[1])
                    how = f'; the rewrite says it as the noun "{nominal[1].text}"'
                # "The companies said they had not decided" -> "... had not been decided, the companies said":
                # the pronoun's referent (the subject of the verb its clause depends on) is still there
                referent = self._kept_referent(al, t)
                if referent is not None and (passive is not None or nominal is not None):
                    continue  # the clause restructured, and who it was about still said: nothing lost
                # a pronoun is lost where its clause says nobody in its place ("He was greeted" -> "Was greeted",
                # "because he missed" -> "because missed"), whether or not its referent is named elsewhere;
                # restructured, it is a note
                minor = passive is not None or nominal is not None
                yield Finding(
                    check=self.name, code="clause-dropped",
                    severity=Severity.MINOR if minor else Severity.MAJOR,
                    message=f'Dropped from the rewrite (subject): "{t.text}" (the subject of "{head}"{how})',
                    original=span, rewritten=anchor, alignment=index,
                    data={"kind": "subject", "words": [t.text], "side": "original"},
                )

    @staticmethod
    def _counterpart(al: ContentAlignment, tok: Any) -> tuple[int, Any] | None:
        """The rewrite's content token (sentence index, token) aligned to original token ``tok``, if any."""
        for k, o in enumerate(al.o.tokens):
            if o.doc is tok.doc and o.i == tok.i:
                j = al.o2r.get(k)
                return (al.r.sents[j], al.r.tokens[j]) if j is not None else None
        return None

    def _nominalised(self, al: ContentAlignment, verb: Any) -> tuple[int, Any] | None:
        """The rewrite's noun that says ``verb`` ("bought" -> "the purchase"), if the alignment pairs them."""
        found = self._counterpart(al, verb) if verb.pos_ == "VERB" else None
        # the same word in the same form is the verb left behind and read as a noun ("the destination you
        # visit" -> "the destination visit"), not a nominalisation
        return found if found is not None and found[1].pos_ == "NOUN" and found[1].lower_ != verb.lower_ else None

    def _kept_referent(self, al: ContentAlignment, pron: Any) -> Any | None:
        """The rewrite's counterpart of the noun a third-person subject pronoun most likely stands for: the
        subject of the verb its clause depends on ("The companies said they ...", "The library closed after
        it was attacked", "The firm met and it agreed"), agreeing in number; None where there is none."""
        if "3" not in pron.morph.get("Person") or pron.lower_ not in ("it", "they", "he", "she"):
            return None
        plural = pron.lower_ == "they"
        clause = pron.head
        for _ in range(3):  # up through a few embedded or coordinated clauses
            if clause.dep_ not in ("ccomp", "xcomp", "advcl", "conj") or clause.head is clause:
                return None
            clause = clause.head
            subj = next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is None:
                continue
            if subj.pos_ not in ("NOUN", "PROPN") or (subj.tag_ in ("NNS", "NNPS")) != plural:
                return None
            found = self._counterpart(al, subj)
            return found[1] if found is not None else None
        return None

    @staticmethod
    def _agentless_passive(ctx: CheckContext, r_indices: Sequence[int], verb: Any) -> tuple[int, Any] | None:
        """The rewrite's passive verb without a "by" agent that says ``verb`` (by lemma) or the verb it
        governs as a complement ("it plans to publish" -> "will be published"), if there is one."""
        if any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children):
            return None  # passive already: "it is speculated" -> "is speculated" drops the subject
        lemmas = {verb.lemma_.lower()} | {c.lemma_.lower() for c in verb.children
                                          if c.dep_ == "xcomp" and c.pos_ == "VERB"}
        for si in r_indices:
            for t in ctx.parses["rewritten"][si]:
                # a personal pronoun as the passive subject may be the dropped actor itself ("he moved" ->
                # "he was moved"); a quantifier ("some of its services had been moved") is not
                if t.pos_ == "VERB" and t.lemma_.lower() in lemmas \
                        and any(c.dep_ in ("nsubjpass", "csubjpass") and (c.pos_ != "PRON" or c.lower_ not in _STAND_INS)
                                for c in t.children) \
                        and not any(c.dep_ == "agent" for c in t.children):
                    return si, t
        return None

    @staticmethod
    def _shared_subject(ctx: CheckContext, r_indices: Sequence[int], verb: Any) -> bool:
        """The rewrite has ``verb`` (by lemma) coordinated with a verb that has a subject."""
        lemma = verb.lemma_.lower()
        for si in r_indices:
            for t in ctx.parses["rewritten"][si]:
                if t.lemma_.lower() != lemma or t.dep_ != "conj" or any(c.dep_.startswith("nsubj") for c in t.children):
                    continue
                head = t.head
                while head.dep_ == "conj" and head.head.i != head.i:
                    head = head.head
                if any(c.dep_.startswith("nsubj") for c in head.children):
                    return True
        return False

    @staticmethod
    def _anchor_span(ctx: CheckContext, side: str, toks: SideTokens, left: int | None,
                     right: int | None) -> Span | None:
        """The words on the other side around the place where the lost content would sit."""
        picks = [j for j in (left, right) if j is not None]
        if not picks:
            return ctx.sentence_span(side, sorted(set(toks.sents)))
        sents = {toks.sents[j] for j in picks}
        if len(sents) == 1:
            a, b = min(picks), max(picks)
            return ctx.token_span(side, toks.sents[a], toks.tokens[a], toks.tokens[b])
        j = picks[0]
        return ctx.token_span(side, toks.sents[j], toks.tokens[j])

    def _hole_finding(self, ctx: CheckContext, index: int, side: str, span: Span, anchor: Span | None,
                      kind: str, sev: Severity, content: Sequence[Any], place: str = "between") -> Finding:
        words = [t.text for t in content]
        if side == "original":
            code = "clause-dropped"
            where = f' (around "{quote(anchor.text, 60)}")' if anchor is not None else ""
            msg = f'Dropped from the rewrite ({kind}): "{quote(span.text)}"{where}'
            return Finding(check=self.name, code=code, severity=sev, message=msg, original=span,
                           rewritten=anchor, alignment=index,
                           data={"kind": kind, "words": words, "side": side})
        where = f' ({place} "{quote(anchor.text, 60)}")' if anchor is not None else ""
        msg = f'Added in the rewrite with no counterpart in the original ({kind}): "{quote(span.text)}"{where}'
        return Finding(check=self.name, code="content-added", severity=sev, message=msg, original=anchor,
                       rewritten=span, alignment=index, data={"kind": kind, "words": words, "side": side})
