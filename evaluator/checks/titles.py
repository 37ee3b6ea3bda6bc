"""Titles, roles and honorifics of people: changed, dropped, added, inconsistent or contradicting the reference.

A person mention is a spaCy PERSON entity (widened over the proper nouns NER leaves out) or a name the
reference sets know.  Its title is read from the words right before the name ("Secretary of State
Antony J. Blinken", "White House National Security Advisor Jake Sullivan"), a title before a comma
("the White House national security adviser, Jake Sullivan") or an appositive after it ("Mr. Blinken,
the secretary of state,"; lowercase words qualifying it are read as before the name: "Claire Dubois, the
opposition leader," has the title "leader", as "Opposition leader Claire Dubois" has).  Titles are compared through the reference sets' offices, so
"Defense Secretary" = "Secretary of Defense" but "Foreign Secretary" != "Secretary of State" (US).
Abbreviations are the words they abbreviate ("Gen." = "General", "Dr" = "Doctor"), and a hyphenated
title is read whole ("Secretary-General").  A title shortened to its own head word ("Secretary of
State" -> "the secretary") or described generically ("U.N. Secretary-General" -> "the UN chief") names
no other office: a minor note, not a changed title.  Occupations and roles stand where titles do
("Arsenal manager Mikel Arteta", "Dr. Joanne Ryan, an epidemiologist at Monash University":
``_names_util.OCCUPATION_HEADS`` and "-ologist"/"-ician" words), with a few role synonyms ("boss" =
"manager", "forward" = "striker"); a role of a body is one title before or after the body's name ("leader
of the Democratic Party" = "Democratic Party leader"), and "player" describes a role generically.  A title
before a comma belongs to the name after it only as its apposition.  A rank before such lowercase qualifiers
is read with them ("the former antiquities minister", "Former antiquities minister Zahi Hawass"), so a
dropped "former" is a changed title.  A title given as the predicate of the person's verb ("will become
deputy chief executive", "was named chairman", "served as mayor", "took over as manager") is compared with
the predicate title on the other side (``PersonMention.predicate``), apart from the title the name carries.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..reference_sets import HONORIFICS, Person, ReferenceSets, normalize_name, normalize_title
from ..types import Finding, Severity, Span
from ._names_util import (
    FEMALE_HONORIFICS,
    MALE_HONORIFICS,
    OCCUPATION_SYNONYMS,
    SPELLED_HONORIFICS,
    TITLE_ABBREVIATIONS,
    TITLE_HEADS,
    TITLE_STATUS_WORDS,
    TITLE_WORDS,
    expand_title_word,
    is_occupation,
    is_title_phrase,
    nearest_original,
    original_side,
    reference_sets_of,
    same_name,
    token_words,
)
from .base import CheckContext, register

log = logging.getLogger(__name__)

_MAX_TITLE_TOKENS = 9
_DETERMINERS = frozenset({"the", "a", "an", "his", "her", "its", "their", "our"})
# Words that change the rank of a title: "Vice President" is not "President".
_RANK_WORDS = frozenset({"vice", "deputy", "under", "assistant", "associate", "first", "second", "prime", "chief",
                         "former", "acting", "interim", "co", "lieutenant", "state", "general", "junior", "senior",
                         "honorary", "shadow", "ex"}) | TITLE_STATUS_WORDS
# Titles written as their initials, and the written-out forms of one title, read as one canonical form: "CEO" =
# "chief executive officer" = "chief executive".
_TITLE_ACRONYMS = {"ceo": "chief executive", "cfo": "chief financial officer", "coo": "chief operating officer",
                   "cto": "chief technology officer", "mp": "member of parliament", "pm": "prime minister",
                   "vp": "vice president"}
_TITLE_LONG_FORMS = (("chief executive officer", "chief executive"),)
# Ranks an abbreviated or written-out address gives the person ("Gen.", "Colonel"), which compare with a title
# on the other side: "Lt. Gen." / "Gen." is a change of rank.
_RANK_ADDRESSES = frozenset({"general", "lieutenant", "colonel", "captain", "major", "sergeant", "corporal",
                             "private", "brigadier", "commander", "admiral", "senator", "governor",
                             "representative", "president", "secretary", "ambassador", "commissioner",
                             "superintendent", "inspector", "detective"})
_TERM_PAIRS = (("administration", "government"), ("administration", "regime"))
# Words that describe any office generically: "the UN chief" for the U.N. Secretary-General.
_GENERIC_TITLE_WORDS = frozenset({"chief", "head", "leader", "boss", "official", "officer", "top", "player"})
_HYPHENS = frozenset({"-", "–", "‑"})


@dataclass
class PersonMention:
    """A person named in one sentence, with the honorific and the title attached to the name."""

    sent: int
    name: list[Any]  # tokens of the name
    words: list[str]
    honorific: Any | None = None
    title: list[Any] | None = None  # tokens of the title phrase
    # The title the sentence gives the person as a predicate ("X will become chairman", "X was named chairman",
    # "X served as deputy mayor"): an office taken, held or to be held, compared only with another such one.
    predicate: list[Any] | None = None

    @property
    def name_text(self) -> str:
        return _text(self.name)

    @property
    def title_text(self) -> str | None:
        return _text(self.title) if self.title else None

    @property
    def predicate_text(self) -> str | None:
        return _text(self.predicate) if self.predicate else None


def _text(tokens: Sequence[Any]) -> str:
    doc = tokens[0].doc
    return str(doc[tokens[0].i:tokens[-1].i + 1].text)


def _honorific_key(tok: Any) -> str:
    return tok.text.lower().rstrip(".")


def _address_key(tok: Any) -> str:
    """An honorific written out, so "Dr" = "Doctor" and "Rev." = "Reverend"."""
    return expand_title_word(_honorific_key(tok))


def _is_address(tok: Any) -> bool:
    """An honorific, or an abbreviated or written-out rank that addresses the person named next ("Col.",
    "Doctor", "Reverend"): not part of the name."""
    key = _honorific_key(tok)
    if key in HONORIFICS:
        return True
    return tok.text[:1].isupper() and (key in TITLE_ABBREVIATIONS and tok.text != tok.text.upper()
                                       or key in SPELLED_HONORIFICS)


def _in_hyphenated(doc: Any, i: int, lower: int) -> bool:
    """Token ``i`` is a hyphen joining two words with no space ("Secretary-General")."""
    return (doc[i].text in _HYPHENS and i - 1 >= lower and i + 1 < len(doc) and not doc[i - 1].whitespace_
            and not doc[i].whitespace_ and not doc[i + 1].is_punct)


def _is_titleish(tok: Any) -> bool:
    """A token that may belong to a title phrase written before a name or in an appositive."""
    if tok.is_punct or tok.like_num:
        return False
    low = tok.lower_
    if low in TITLE_WORDS or is_occupation(low):  # "forward" may be tagged an adverb, "epidemiologist" a verb
        return True
    return tok.text[:1].isupper() and tok.pos_ in {"PROPN", "NOUN", "ADJ"} and _honorific_key(tok) not in HONORIFICS


def _title_before(doc: Any, end: int, lower: int, refsets: ReferenceSets) -> list[Any] | None:
    """Longest title phrase ending right before token ``end`` (exclusive), not reaching below ``lower``."""
    toks: list[Any] = []
    i = end - 1
    while i >= lower and len(toks) < _MAX_TITLE_TOKENS and (
            _is_titleish(doc[i]) or (bool(toks) and _in_hyphenated(doc, i, lower))):
        tok = doc[i]
        if (tok.ent_type_ == "PERSON" and tok.lower_ not in TITLE_WORDS) or tok.lower_ == "and" or (tok.lower_ == "the" and not (
                i - 1 >= lower and doc[i - 1].lower_ == "of")):
            break  # another person's name, a coordination, or the article that opens the phrase
        toks.insert(0, tok)
        i -= 1
    # Lowercase words qualifying the title after a word of rank ("Former antiquities minister Zahi Hawass"):
    # the rank belongs to the title, as in the appositive "Zahi Hawass, the former antiquities minister".
    quals = _qualifiers_back(doc, i, lower, toks)
    if quals and i - len(quals) >= lower and doc[i - len(quals)].lower_ in _RANK_WORDS:
        toks = [doc[i - len(quals)], *quals, *toks]
    while toks and toks[0].lower_ in {"the", "of", "for"}:
        toks.pop(0)
    fallback = None
    for k in range(len(toks)):
        cand = toks[k:]
        if cand[0].lower_ in {"of", "for", "the"} or cand[0].text in _HYPHENS or (
                k and toks[k - 1].text in _HYPHENS):
            continue  # never half of a hyphenated title ("General" of "Secretary-General")
        words = [w for t in cand for w in token_words(t.text)]
        if refsets.is_known_title(" ".join(words)):
            if fallback is not None and {w for t in fallback[:len(fallback) - len(cand)]
                                         for w in token_words(t.text)} & _RANK_WORDS:
                return fallback  # "Deputy Secretary-General": the known title is not the whole rank
            return cand
        if fallback is None and is_title_phrase(words, refsets):
            fallback = cand
    return fallback


def _is_qualifier(tok: Any, upper: int) -> bool:
    """A lowercase noun or adjective qualifying a noun after it ("antiquities" of "antiquities minister")."""
    return (tok.is_lower and tok.pos_ in ("NOUN", "ADJ") and tok.dep_ in ("compound", "amod", "nmod")
            and tok.i < tok.head.i < upper)


def _qualifiers_back(doc: Any, i: int, lower: int, toks: Sequence[Any]) -> list[Any]:
    """Up to 3 lowercase qualifiers ending at token ``i`` and qualifying the title ``toks`` after them."""
    if not toks:
        return []
    quals: list[Any] = []
    while i >= lower and len(quals) < 3 and not _is_titleish(doc[i]) and _is_qualifier(doc[i], toks[-1].i + 1):
        quals.insert(0, doc[i])
        i -= 1
    return quals


def _apposed(title: Sequence[Any], name: Sequence[Any]) -> bool:
    """The title phrase before a comma may be the name's (an apposition): not where the name after the comma
    is the subject of the verb after it and the phrase is no apposition of it ("He was hit on the head, John
    Smith said": a clause, then its speaker).  Other parses are left as they are (the parser may hang a
    name in apposition on the wrong noun)."""
    t_ids, n_ids = {t.i for t in title}, {t.i for t in name}
    if any(t.dep_ == "appos" and t.head.i in t_ids for t in name) or any(
            t.dep_ == "appos" and t.head.i in n_ids for t in title):
        return True
    return not any(t.dep_ in ("nsubj", "nsubjpass") and t.head.i > t.i for t in name)


def _title_after(doc: Any, start: int, upper: int, refsets: ReferenceSets) -> list[Any] | None:
    """Title phrase of an appositive starting at token ``start`` ("the secretary of state", "the country's ...")."""
    i = start
    while i < upper and (doc[i].lower_ in _DETERMINERS or doc[i].dep_ == "poss" or doc[i].tag_ == "POS"
                         or (i + 1 < upper and doc[i + 1].tag_ == "POS")):
        i += 1
    # Lowercase words qualifying the title that follows ("the opposition leader", "the party treasurer"): the
    # title is what follows them, as "Opposition leader Claire Dubois" is read "leader" (_title_before); a
    # qualifier that changes the rank ("the deputy leader") or makes a known title with it stays in it.
    mods: list[Any] = []
    # A word of rank before such qualifiers is read with them ("the former antiquities minister").
    rank = i < upper and doc[i].lower_ in _RANK_WORDS and _is_qualifier(doc[i], upper) and not (
        i + 1 < upper and _is_titleish(doc[i + 1]))
    while i < upper and len(mods) < 3 and (not _is_titleish(doc[i]) or rank and not mods) \
            and _is_qualifier(doc[i], upper):
        mods.append(doc[i])
        i += 1
    if mods and not (i < upper and _is_titleish(doc[i])):
        return None
    title = _title_words_after(doc, i, start, upper, refsets)
    if title is None or not mods:
        return title
    whole = mods + title
    words = [w for t in whole for w in token_words(t.text)]
    if refsets.is_known_title(" ".join(words)) or {w for t in mods for w in token_words(t.text)} & _RANK_WORDS:
        return whole
    return title


def _title_words_after(doc: Any, i: int, start: int, upper: int, refsets: ReferenceSets) -> list[Any] | None:
    """The title phrase starting at token ``i`` (after an appositive's determiners and qualifiers)."""
    toks: list[Any] = []
    while i < upper and len(toks) < _MAX_TITLE_TOKENS and (
            _is_titleish(doc[i]) or doc[i].lower_ in TITLE_WORDS or (bool(toks) and _in_hyphenated(doc, i, start))):
        toks.append(doc[i])
        i += 1
    best = None
    for k in range(len(toks), 0, -1):
        cand = toks[:k]
        if cand[-1].text in _HYPHENS or (k < len(toks) and toks[k].text in _HYPHENS):
            continue
        words = [w for t in cand for w in token_words(t.text)]
        if refsets.is_known_title(" ".join(words)):
            if best is not None and len(best) > k and best[k].lower_ in ("of", "for"):
                return best  # "leader of the Democratic Party": the known "leader" with what it leads
            return cand
        if best is None and words and words[-1] not in ("of", "for", "the") and is_title_phrase(words, refsets):
            best = cand  # the longest: "leader of the Democratic Party", not "leader"
    return best


# Verbs that give their subject a title as a predicate: "become chairman", "was named chairman", "served as
# mayor", "took over as manager", "was appointed (as) minister", "is the chief executive".
_PREDICATE_VERBS = frozenset({"be", "become", "remain", "name", "appoint", "elect", "serve", "take", "promote",
                              "nominate", "install", "stay", "return", "continue", "step"})
_PREDICATE_DEPS = frozenset({"attr", "oprd"})


def _predicate_title(name: Sequence[Any], hi: int, refsets: ReferenceSets) -> list[Any] | None:
    """The title a sentence gives the person named by ``name`` as the predicate of its verb, or None."""
    head = next((t for t in name if t.head.i == t.i or not (name[0].i <= t.head.i <= name[-1].i)), None)
    if head is None or head.dep_ not in ("nsubj", "nsubjpass"):
        return None
    verb = head.head
    if verb.lemma_.lower() not in _PREDICATE_VERBS:
        return None
    pred = next((c for c in verb.children if c.dep_ in _PREDICATE_DEPS and c.pos_ in ("NOUN", "PROPN")), None)
    if pred is None and verb.lemma_.lower() != "be":  # "served as deputy mayor", "took over as manager"
        prep = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ == "as"), None)
        pred = next((c for c in prep.children if c.dep_ == "pobj" and c.pos_ == "NOUN"), None) if prep else None
    if pred is None:
        return None
    # The title starts at the predicate's qualifiers, after its determiner and any possessor ("the new
    # group's chairman": "chairman").
    lefts = [c for c in pred.lefts if c.dep_ in ("compound", "amod", "nmod")]
    start = min((c.left_edge.i for c in lefts), default=pred.i)
    title = _title_after(pred.doc, start, min(hi, pred.right_edge.i + 1), refsets)
    ids = {t.i for t in title or ()}
    if title and any(t.head.i not in ids and t.i != pred.i for t in title):
        # Cut inside a phrase ("deputy chief executive of the new [group]"): the title is what comes before it.
        cut = next((k for k, t in enumerate(title) if t.lower_ in ("of", "for") and k), len(title))
        title = title[:cut]
    return title


def person_mentions(parse: Any, sent: int, refsets: ReferenceSets) -> list[PersonMention]:
    """People named in a sentence parse, with honorific and title."""
    doc = parse.doc
    lo, hi = parse.start, parse.end
    spans: list[tuple[int, int]] = []
    for ent in parse.ents:
        if ent.label_ != "PERSON":
            continue
        s, e = ent.start, ent.end
        while s < e and (doc[s].lower_ in TITLE_WORDS or _is_address(doc[s])):
            s += 1  # NER sometimes swallows the title or the honorific
        role = [k for k in range(s, e - 1) if is_occupation(doc[k].lower_) and (
            doc[k].pos_ == "NOUN" or doc[k].is_lower or k == doc[k].sent.start)]
        if role:
            s = role[-1] + 1  # ... or a role and what qualifies it ("Arsenal manager Mikel Arteta")
        while s - 1 >= lo and doc[s - 1].pos_ == "PROPN" and doc[s - 1].lower_ not in TITLE_WORDS \
                and not is_occupation(doc[s - 1].lower_) \
                and not _is_address(doc[s - 1]) and doc[s - 1].ent_type_ in {"", "PERSON"} \
                and not (doc[s - 1].text == "." and s - 2 >= lo and _is_address(doc[s - 2])):
            s -= 1  # NER often drops the given name after a title ("Secretary of State Antony J. Blinken")
        if s < e:
            spans.append((s, e))
    covered = {i for s, e in spans for i in range(s, e)}
    # Names the reference sets know, where NER missed them ("Mr Blinken" labelled ORG, or nothing).
    i = lo
    while i < hi:
        if i in covered or doc[i].pos_ != "PROPN" or doc[i].lower_ in TITLE_WORDS:
            i += 1
            continue
        j = i
        while j < hi and j not in covered and doc[j].pos_ == "PROPN" and doc[j].lower_ not in TITLE_WORDS:
            j += 1
        if refsets.person(_text(doc[i:j])) is not None and not _is_address(doc[i]):
            spans.append((i, j))
        elif i - 1 >= lo and doc[i - 1].pos_ == "NOUN" and (doc[i - 1].lower_ in TITLE_HEADS or is_occupation(
                doc[i - 1].lower_)) and all(t.text[:1].isupper() and t.ent_type_ in ("", "PERSON") for t in doc[i:j]):
            spans.append((i, j))  # a name NER missed, after a role ("Arsenal captain Mikel Arteta")
        i = max(j, i + 1)
    out: list[PersonMention] = []
    for s, e in sorted(spans):
        name = list(doc[s:e])
        while name and name[-1].is_punct:
            name.pop()
        if not name:
            continue
        words = [w for t in name for w in token_words(t.text) if w not in HONORIFICS]
        at = s - 2 if s - 2 >= lo and doc[s - 1].text == "." and _is_address(doc[s - 2]) else s - 1  # "Col ."
        hon = doc[at] if at >= lo and _is_address(doc[at]) else None
        before = at if hon is not None else s
        title = None
        if hon is not None:  # "Lt. Gen.": more addresses before the honorific make a rank, read as a title
            j = at - 1
            while j >= lo and (_is_address(doc[j]) or (doc[j].text == "." and j - 1 >= lo and _is_address(doc[j - 1]))):
                j -= 1
            if j + 1 < at and _honorific_key(doc[j + 1]) not in HONORIFICS:
                title, hon, before = list(doc[j + 1:at + 1]), None, j + 1
        title = title or _title_before(doc, before, lo, refsets)
        if title is None and before - 1 >= lo and doc[before - 1].text == ",":
            cand = _title_before(doc, before - 1, lo, refsets)
            if cand and (cand[-1].lower_ in TITLE_HEADS or is_title_phrase(
                    [w for t in cand for w in token_words(t.text)], refsets)) and _apposed(cand, name):
                title = cand  # "the White House national security adviser, Jake Sullivan", "the leader of X, Lee"
        if title is None and e < hi and doc[e].text == ",":
            title = _title_after(doc, e + 1, hi, refsets)
        out.append(PersonMention(sent, name, words, hon, title, _predicate_title(name, hi, refsets)))
    return out


def _canonical(core: str) -> str:
    """A normalized title with abbreviations written out and initials read as the title ("Lt. Gen." ->
    "lieutenant general", "CEO" -> "chief executive", "VP" -> "vice president")."""
    words = " ".join(_TITLE_ACRONYMS.get(w, expand_title_word(w)) for w in core.split())
    for long_, short in _TITLE_LONG_FORMS:
        words = f" {words} ".replace(f" {long_} ", f" {short} ").strip()
    for name, same in OCCUPATION_SYNONYMS.items():  # "Arsenal boss" = "Arsenal manager"
        if name != same and f" {name} " in f" {words} ":
            words = f" {words} ".replace(f" {name} ", f" {same} ").strip()
    return _head_last(words)


def _head_last(words: str) -> str:
    """"leader of the democratic party" -> "democratic party leader", "striker for arsenal" -> "arsenal
    striker", "chief executive of network rail" -> "network rail chief executive": a role of a body said
    after or before its name is one title.  Not "secretary of state" or "minister of state" (the U.S.
    office is no "state secretary")."""
    parts = words.split()
    # The head may be several words ("chief executive of Network Rail" = "Network Rail chief executive").
    cut = next((k for k, w in enumerate(parts) if w in ("of", "for", "at")), None)
    if not cut or cut > 3 or parts[cut - 1] == "secretary" or parts[cut + 1:cut + 2] == ["state"] or not (
            parts[cut - 1] in TITLE_HEADS or is_occupation(parts[cut - 1])):
        return words
    rest = [w for w in parts[cut + 1:] if w not in ("the", "a", "an")]
    return " ".join([*rest, *parts[:cut]]) if rest else words


def _core(title: str, refsets: ReferenceSets) -> tuple[str, str | None, tuple[str, ...]]:
    core, country, mods = refsets.split_title(title)
    return _canonical(core), country, mods


def same_title(a: str, b: str, refsets: ReferenceSets, country: str | None = None) -> bool:
    """Whether two title phrases name the same office (spelling, qualifiers and accepted aliases ignored)."""
    ca, qa, ma = _core(a, refsets)
    cb, qb, mb = _core(b, refsets)
    if set(ma) != set(mb):
        return False  # "former President" is not "President"
    if ca == cb:
        return True
    wa, wb = ca.split(), cb.split()
    short, long_ = (wa, wb) if len(wa) < len(wb) else (wb, wa)
    if short and long_[-len(short):] == short and not set(long_[:-len(short)]) & _RANK_WORDS:
        return True  # a qualifier dropped or added ("Senator" / "Alabama Senator"), not a change of rank
    want = country or qa or qb
    oa = {o.id for o, wrong in refsets.offices_for_title(ca, want) if not wrong}
    ob = {o.id for o, wrong in refsets.offices_for_title(cb, want) if not wrong}
    return bool(oa & ob)


def _head_word(words: Sequence[str]) -> tuple[str, list[str]]:
    """Head word of a title and the words before it: "secretary of state" -> ("secretary", []),
    "vice president" -> ("president", ["vice"])."""
    cut = next((k for k, w in enumerate(words) if w in {"of", "for"} and k), len(words))
    return words[cut - 1], list(words[:cut - 1])


def loosened_title(a: str, b: str, refsets: ReferenceSets) -> str | None:
    """How title ``b`` names ``a``'s office less precisely without naming another one, or None.

    "shortened": one title is the other's own head word with no rank before it ("Secretary of State" /
    "secretary", "Finance Minister" / "minister"; not "Vice President" / "President").  "generic": one is a
    generic description made of the other's words and a generic head ("U.N. Secretary-General" / "UN chief").
    Modifiers must agree ("former President" / "leader" is not loosened)."""
    ca, _qa, ma = _core(a, refsets)
    cb, _qb, mb = _core(b, refsets)
    if set(ma) != set(mb):
        return None
    wa = [expand_title_word(w) for w in ca.split()]
    wb = [expand_title_word(w) for w in cb.split()]
    if not wa or not wb:
        return None
    for short, long_ in ((wa, wb), (wb, wa)):
        if len(short) == 1 and len(long_) > 1:
            head, before = _head_word(long_)
            if short[0] == head and not set(before) & _RANK_WORDS:
                return "shortened"
        if short[-1] in _GENERIC_TITLE_WORDS and all(w in long_ or w in _GENERIC_TITLE_WORDS for w in short) \
                and short != long_:
            return "generic"
    return None


def _spells_out(hon: Any | None, title: str | None, refsets: ReferenceSets) -> bool:
    """An abbreviated honorific on one side and the title it abbreviates on the other ("Gen." / "General")."""
    if hon is None or not title:
        return False
    full = _address_key(hon)
    return full != _honorific_key(hon) and same_title(full, title, refsets)


def _rank(hon: Any | None) -> bool:
    """An honorific that gives a rank or office ("Gen.", "Colonel", "Sen."), not a form of address ("Mr", "Dr")."""
    return hon is not None and _address_key(hon) in _RANK_ADDRESSES


def _person_of(m: PersonMention, refsets: ReferenceSets) -> list[Person]:
    return refsets.people_named(m.name_text)


@register
class TitlesCheck:
    """People's titles and honorifics kept between aligned sentences and consistent with the reference sets."""

    name = "titles"

    def run(self, ctx: CheckContext) -> Iterator[Finding]:
        refsets = reference_sets_of(ctx)
        mentions = {side: [person_mentions(p, i, refsets) for i, p in enumerate(ctx.parses[side])]
                    for side in ("original", "rewritten")}
        for ai, pair in ctx.matched():
            o = [m for i in pair.original for m in mentions["original"][i]]
            r = [m for i in pair.rewritten for m in mentions["rewritten"][i]]
            yield from self._pair(ctx, ai, o, r, refsets)
            yield from self._terms(ctx, ai, pair.original, pair.rewritten)
        yield from self._reference(ctx, mentions, refsets)
        yield from self._inconsistent(ctx, mentions, refsets)
        yield from self._terms_unaligned(ctx)

    # -- aligned pairs -------------------------------------------------------------------------
    def _pair(self, ctx: CheckContext, ai: int, o: list[PersonMention], r: list[PersonMention],
              refsets: ReferenceSets) -> Iterator[Finding]:
        used: set[int] = set()
        for om in o:
            k = next((k for k, rm in enumerate(r) if k not in used and same_name(om.words, rm.words)), None)
            if k is None:
                continue
            used.add(k)
            rm = r[k]
            people = _person_of(om, refsets) or _person_of(rm, refsets)
            country = people[0].country if people else None
            data: dict[str, Any] = {"person": om.name_text}
            if people:
                data["reference"] = people[0].ref
            ot, rt = om.title_text, rm.title_text
            if not ot and _spells_out(om.honorific, rt, refsets) or not rt and _spells_out(rm.honorific, ot, refsets):
                continue  # "Gen. Mark Milley" / "General Mark Milley": the same title, abbreviated
            o_title, r_title = om.title, rm.title
            if rt and not ot and om.honorific is not None and _rank(om.honorific):  # "Gen." / "Lieutenant General": a rank against a rank
                ot, o_title = om.honorific.text, [om.honorific]
            elif ot and not rt and rm.honorific is not None and _rank(rm.honorific):
                rt, r_title = rm.honorific.text, [rm.honorific]
            if ot and rt and not same_title(ot, rt, refsets, country):
                how = loosened_title(ot, rt, refsets)
                what = {"shortened": "shortened", "generic": "described generically"}.get(how or "", "changed")
                yield Finding("titles", "title-changed", Severity.MINOR if how else Severity.MAJOR,
                              f'Title of {om.name_text} {what}: "{ot}" → "{rt}"',
                              self._span(ctx, "original", om, o_title), self._span(ctx, "rewritten", rm, r_title),
                              ai, {**data, "original_value": ot, "rewritten_value": rt,
                                   **({"loosened": how} if how else {})})
            elif ot and not rt:
                yield Finding("titles", "title-dropped", Severity.MINOR,
                              f'Title "{ot}" of {om.name_text} dropped in the rewrite',
                              self._span(ctx, "original", om, om.title), self._span(ctx, "rewritten", rm, rm.name),
                              ai, {**data, "original_value": ot, "rewritten_value": None})
            elif rt and not ot:
                yield Finding("titles", "title-added", Severity.MINOR,
                              f'Title "{rt}" added to {rm.name_text} in the rewrite',
                              self._span(ctx, "original", om, om.name), self._span(ctx, "rewritten", rm, rm.title),
                              ai, {**data, "original_value": None, "rewritten_value": rt})
            yield from self._honorifics(ctx, ai, om, rm, data)
            yield from self._predicates(ctx, ai, om, rm, data, refsets, country)

    def _predicates(self, ctx: CheckContext, ai: int, om: PersonMention, rm: PersonMention, data: dict[str, Any],
                    refsets: ReferenceSets, country: str | None) -> Iterator[Finding]:
        """An office the person takes or holds, given as a predicate on both sides ("will become deputy chief
        executive" -> "will become chairman"): another office is a changed title.  A predicate on one side
        only is a sentence built otherwise, left to the other checks."""
        ot, rt = om.predicate_text, rm.predicate_text
        if not ot or not rt or same_title(ot, rt, refsets, country):
            return
        how = loosened_title(ot, rt, refsets)
        what = {"shortened": "shortened", "generic": "described generically"}.get(how or "", "changed")
        yield Finding("titles", "title-changed", Severity.MINOR if how else Severity.MAJOR,
                      f'Title of {om.name_text} {what}: "{ot}" → "{rt}"',
                      self._span(ctx, "original", om, om.predicate), self._span(ctx, "rewritten", rm, rm.predicate),
                      ai, {**data, "original_value": ot, "rewritten_value": rt, "predicate": True,
                           **({"loosened": how} if how else {})})

    def _honorifics(self, ctx: CheckContext, ai: int, om: PersonMention, rm: PersonMention,
                    data: dict[str, Any]) -> Iterator[Finding]:
        oh, rh = om.honorific, rm.honorific
        if oh is None or (rh is None and rm.title):
            return  # an honorific replaced by a title is the title's business
        o_span = ctx.token_span("original", om.sent, oh, om.name[-1])
        if rh is None:
            r_span = ctx.token_span("rewritten", rm.sent, rm.name[0], rm.name[-1])
            yield Finding("titles", "honorific-dropped", Severity.MINOR,
                          f'Honorific dropped: "{o_span.text}" → "{r_span.text}"', o_span, r_span, ai,
                          {**data, "original_value": oh.text, "rewritten_value": None})
            return
        r_span = ctx.token_span("rewritten", rm.sent, rh, rm.name[-1])
        ok, rk = _honorific_key(oh), _honorific_key(rh)
        if oh.text == rh.text:
            return
        if ok == rk:
            sev, what = Severity.INFO, "Honorific punctuation changed"
        elif _address_key(oh) == _address_key(rh):
            sev, what = Severity.INFO, "Honorific abbreviated or written out"
        elif (ok in MALE_HONORIFICS and rk in FEMALE_HONORIFICS) or (ok in FEMALE_HONORIFICS and rk in MALE_HONORIFICS):
            sev, what = Severity.MAJOR, "Honorific changes the person's gender"
        else:
            sev, what = Severity.MINOR, "Honorific changed"
        yield Finding("titles", "honorific-changed", sev, f'{what}: "{o_span.text}" → "{r_span.text}"',
                      o_span, r_span, ai, {**data, "original_value": oh.text, "rewritten_value": rh.text})

    @staticmethod
    def _span(ctx: CheckContext, side: str, m: PersonMention, tokens: list[Any] | None) -> Span:
        toks = tokens or m.name
        first = min(toks[0], m.name[0], key=lambda t: t.i) if tokens else toks[0]
        last = max(toks[-1], m.name[-1], key=lambda t: t.i) if tokens else toks[-1]
        return ctx.token_span(side, m.sent, first, last)

    # -- the rewrite against the reference sets -----------------------------------------------------
    def _reference(self, ctx: CheckContext, mentions: dict[str, list[list[PersonMention]]],
                   refsets: ReferenceSets) -> Iterator[Finding]:
        orig_titles: dict[str, set[str]] = {}
        for sent in mentions["original"]:
            for m in sent:
                if m.title_text:
                    for p in _person_of(m, refsets):
                        orig_titles.setdefault(p.name, set()).add(normalize_title(m.title_text))
        where = nearest_original(ctx)
        for sent in mentions["rewritten"]:
            for m in sent:
                if not m.title_text:
                    continue
                roles = _person_of(m, refsets)
                if not roles or normalize_title(m.title_text) in orig_titles.get(roles[0].name, set()):
                    continue
                verdict = self._against_roles(m.title_text, roles, refsets)
                if verdict is None:
                    continue
                role, office, is_wrong = verdict
                r_span = self._span(ctx, "rewritten", m, m.title)
                ai, o_span, context = original_side(ctx, where, m.sent)
                held = f"{role.country} {role.title}" if role.country else role.title
                dates = "" if role.valid_from is None else (
                    f" ({role.valid_from.isoformat()}–{role.valid_to.isoformat() if role.valid_to else 'present'})")
                kind = "a wrong variant of that title" if is_wrong else f'the title of another office ({office})'
                yield Finding("titles", "title-contradicts-reference", Severity.MAJOR,
                              f'{m.name_text} is called "{m.title_text}", but the reference set lists '
                              f'{role.name} as {held}{dates}: "{m.title_text}" is {kind}',
                              o_span, r_span, ai,
                              {"person": role.name, "rewritten_value": m.title_text, "expected": role.title,
                               "reference": role.ref, "office_reference": self._office_ref(role, refsets),
                               "wrong_variant": is_wrong, **context})

    @staticmethod
    def _office_ref(role: Person, refsets: ReferenceSets) -> str | None:
        office = refsets.office(role.office) if role.office else None
        return office.ref if office else None

    @staticmethod
    def _against_roles(title: str, roles: list[Person], refsets: ReferenceSets) -> tuple[Person, str, bool] | None:
        """(role, office named, is_wrong_variant) when ``title`` fits none of the person's roles, else None."""
        core, _qualifier, _mods = refsets.split_title(title)
        verdict: tuple[Person, str, bool] | None = None
        for role in roles:
            if core == normalize_title(role.title) or same_title(title, role.title, refsets, role.country):
                return None
            hits = refsets.offices_for_title(core, role.country)
            if any(o.id == role.office and not wrong for o, wrong in hits):
                return None
            if verdict is None and hits:
                mine = [h for h in hits if h[0].id == role.office]
                if mine:
                    verdict = (role, mine[0][0].title, True)
                elif role.office:
                    verdict = (role, hits[0][0].title, hits[0][1])
        return verdict

    def _inconsistent(self, ctx: CheckContext, mentions: dict[str, list[list[PersonMention]]],
                      refsets: ReferenceSets) -> Iterator[Finding]:
        def titled(side: str) -> dict[str, list[PersonMention]]:
            out: dict[str, list[PersonMention]] = {}
            for sent in mentions[side]:
                for m in sent:
                    if m.title_text:
                        people = _person_of(m, refsets)
                        key = people[0].name if people else (m.words[-1] if m.words else m.name_text)
                        out.setdefault(key, []).append(m)
            return out

        orig = titled("original")
        where = nearest_original(ctx)
        for key, ms in titled("rewritten").items():
            first = ms[0]
            people = _person_of(first, refsets)
            country = people[0].country if people else None
            other = next((m for m in ms[1:] if not same_title(first.title_text or "", m.title_text or "",
                                                               refsets, country)), None)
            if other is None:
                continue
            o_ms = orig.get(key, [])
            if any(not same_title(o_ms[0].title_text or "", m.title_text or "", refsets, country) for m in o_ms[1:]):
                continue  # the original is just as varied
            known = [refsets.office_for_title(t, country) for t in (first.title_text or "", other.title_text or "")]
            both_offices = all(k is not None and not k[1] for k in known) and known[0][0].id != known[1][0].id  # type: ignore[index]
            ai, o_span, context = original_side(ctx, where, other.sent)
            yield Finding("titles", "title-inconsistent", Severity.MAJOR if both_offices else Severity.MINOR,
                          f'{key} is called "{first.title_text}" and, later, "{other.title_text}" in the rewrite',
                          o_span, self._span(ctx, "rewritten", other, other.title), ai,
                          {"person": key, "titles": [first.title_text, other.title_text],
                           "first": self._span(ctx, "rewritten", first, first.title).to_dict(),
                           **({"reference": people[0].ref} if people else {}), **context})

    # -- "administration" -> "government" ----------------------------------------------------------
    def _terms(self, ctx: CheckContext, ai: int, o_idx: Sequence[int], r_idx: Sequence[int]) -> Iterator[Finding]:
        o = [(i, t) for i in o_idx for t in ctx.parses["original"][i]]
        r = [(i, t) for i in r_idx for t in ctx.parses["rewritten"][i]]
        o_lemmas = {t.lower_ for _, t in o}
        r_lemmas = {t.lower_ for _, t in r}
        for a, b in _TERM_PAIRS:
            if a in o_lemmas and b in r_lemmas and b not in o_lemmas:
                oi, ot = next((i, t) for i, t in o if t.lower_ == a)
                ri, rt = next((i, t) for i, t in r if t.lower_ == b)
                yield Finding("titles", "term-style-changed", Severity.MINOR,
                              f'"{ot.text}" rendered as "{rt.text}" (for the US executive, "administration" is '
                              f'the usual term)', ctx.token_span("original", oi, ot),
                              ctx.token_span("rewritten", ri, rt), ai,
                              {"original_value": ot.text, "rewritten_value": rt.text})

    def _terms_unaligned(self, ctx: CheckContext) -> Iterator[Finding]:
        """"Biden government" in rewrite-only paragraphs where the original says "Biden administration"."""
        named: dict[str, tuple[int, Any, Any]] = {}
        for i, p in enumerate(ctx.parses["original"]):
            for t in p:
                if t.lower_ == "administration" and t.i > p.start and t.doc[t.i - 1].pos_ == "PROPN":
                    named.setdefault(normalize_name(t.doc[t.i - 1].text), (i, t.doc[t.i - 1], t))
        if not named:
            return
        matched_r = {ri for _, a in ctx.matched() for ri in a.rewritten}
        where = nearest_original(ctx)
        seen: dict[str, list[tuple[int, Span]]] = {}
        for ri, p in enumerate(ctx.parses["rewritten"]):
            if ri in matched_r:
                continue
            for t in p:
                if t.lower_ in {"government", "regime"} and t.i > p.start:
                    prev = normalize_name(t.doc[t.i - 1].text)
                    if prev in named:
                        seen.setdefault(prev, []).append((ri, ctx.token_span("rewritten", ri, t.doc[t.i - 1], t)))
        for prev, spans in seen.items():  # one finding per name; the other places go in data
            oi, o1, o2 = named[prev]
            o_span = ctx.token_span("original", oi, o1, o2)
            ri, r_span = spans[0]
            yield Finding("titles", "term-style-changed", Severity.MINOR,
                          f'"{r_span.text}" where the original says "{o_span.text}"'
                          + (f" ({len(spans)} times in paragraphs only the rewrite has)" if len(spans) > 1 else ""),
                          o_span, r_span, where.get(ri, (None, ()))[0],
                          {"original_value": o_span.text, "rewritten_value": r_span.text,
                           "occurrences": [s.to_dict() for _, s in spans]})
