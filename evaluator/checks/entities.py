"""Named entities: people, organisations and places missing, added, swapped or renamed; pronoun gender.

Mentions come from spaCy NER *and* proper-noun runs (NER misses and mislabels); they are matched on
normalized words, entity families ("US" = "United States" = "American"), person-name parts
("Mr. Blinken" = "Antony J. Blinken"), acronyms and near-spellings.  One word kept does not keep a
name whose other word the other side replaced ("John Smith" -> "James Smith", "World Health
Organization" -> "World Trade Organization"; "European Commission" -> "European Parliament" or "European
Investment Bank": a place word kept, another kind of body, see ``_INSTITUTION_KIND``), and person names differ by more than a short form or a
transliteration ("Maggie" = "Margaret", "Omar" = "Umar"; see ``name_variant``).  A nationality word is its
country ("Chinese" = "China", also inside a body's name: "the Chinese foreign ministry" = "China's"), and a
capital standing for its country ("Tokyo" -> "Japan") is metonymy, a minor note.  A nationality word used as
a language ("in English and German", "speaks German", "translated into German") is named a language in the
message, not a place (``_language_use``).  Organisations are also checked
against the reference sets' wrong variants ("US Peace Institute" is not the United States Institute
of Peace), on aligned pairs and, for paragraphs only the rewrite has, on the rewrite alone.
"""
from __future__ import annotations

import difflib
import functools
import logging
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from ..reference_sets import Organisation, ReferenceSets, normalize_name
from ..types import Finding, Severity, Span
from ._names_util import (
    FEMALE_PRONOUNS,
    GENERIC_NAME_WORDS,
    MALE_PRONOUNS,
    NAME_SUFFIXES,
    TITLE_ONLY_WORDS,
    Families,
    Mention,
    SentenceWords,
    Words,
    acronym_of,
    families_of,
    fuzzy_equal,
    mentions_in,
    name_variant,
    nearest_original,
    original_side,
    reference_sets_of,
    translit_variant,
)
from .base import CheckContext, register

log = logging.getLogger(__name__)

_PLACE = frozenset({"GPE", "LOC", "NORP", "FAC"})
_STOP = frozenset({"the", "of", "for", "and", "a", "an", "in", "on", "at", "to", "s"})


def _common_word_mention(m: Mention, wn: Any) -> bool:
    """A lone capitalised dictionary word the tagger called a proper noun but NER did not call a name
    ("Millennia ago", "Urban MLA"): too uncertain to report as a name."""
    if len(m.tokens) != 1:
        return False
    t = m.tokens[0]
    if m.from_ner:  # "Turnout was 38 percent": NER's name, the tagger's common noun, capitalised by position only,
        # the subject of "be" (a measure stated); "Pence said", "Target cut prices" stay names
        return (t.tag_ in ("NN", "NNS") and t.i == t.sent.start and t.dep_ == "nsubj" and t.head.lemma_ == "be"
                and wn is not None and wn.is_common_word(t.text))
    return wn is not None and wn.is_common_word(t.text)


def _abbreviated(m: Mention, own: _Side, other: _Side) -> bool:
    """A one-word name shortened to its first letters on the other side ("Rzeczpospolita" -> "Rz")."""
    content = _content(m.words)
    if len(content) != 1 or len(content[0]) < 6:
        return False
    name = content[0]
    return any(t.pos_ == "PROPN" and t.text[:1].isupper() and 2 <= len(w) <= 4 and name.startswith(w)
               and w not in own.wordset for w, t in zip(other.words.words, other.words.tokens, strict=True))


def _synonym_present(m: Mention, other: _Side) -> bool:
    """Another name of the same thing (WordNet lists exonyms and alternative names) is on the other side."""
    wn = other.wn
    if wn is None:
        return False
    key = "_".join(_content(m.words))
    if not key:
        return False
    return any(other.words.has(syn.split("_")) for syn in wn.synonyms(key, "n") if syn != key)


# Endings of nationality words and of the country names they come from: "Iraqi"/"Iraq", "Cuban"/"Cuba",
# "Lebanese"/"Lebanon", "Turkish"/"Turkey", "Portuguese"/"Portugal", "Iranian"/"Iran".
_DEMONYM_ENDINGS = ("ians", "ian", "eans", "ean", "ans", "an", "ese", "ish", "is", "i")
_COUNTRY_ENDINGS = ("", "a", "ia", "y", "ey", "e", "o", "on", "al", "and", "land")


@functools.lru_cache(maxsize=65536)  # per pair of words, emptied with the others (release_word_caches)
def _demonym_of(demonym: str, country: str) -> bool:
    """``demonym`` is the nationality word of ``country`` by its ending: the stem left by a nationality ending
    (3+ letters) followed by a country-name ending ("Austrian" is not "Australia")."""
    for end in _DEMONYM_ENDINGS:
        if demonym.endswith(end) and len(demonym) - len(end) >= 3:
            stem = demonym[:-len(end)]
            if any(country == stem + tail for tail in _COUNTRY_ENDINGS):
                return True
            if stem.endswith("u") and any(country == stem[:-1] + tail for tail in _COUNTRY_ENDINGS):
                return True  # "Portugu-ese"/"Portug-al"
    return False


# WordNet links a nationality word to its country: an adjective's pertainym ("Greek" -> "Greece", "Dutch" ->
# "Netherlands", "Filipino" -> "Philippines") or a noun's derivation ("Swiss" -> "Switzerland").  Irregular
# pairs the endings above miss; only capitalised one-word targets count (names, not "polish" -> "buff").
@functools.lru_cache(maxsize=65536)
def _wordnet_places(wn: Any, word: str) -> frozenset[str]:
    if wn is None or len(word) < 3:
        return frozenset()
    out: set[str] = set()
    for pos, sym in (("a", "\\"), ("n", "+")):
        for syn in wn.synsets(word, pos):
            for s, target, _src, _tgt in wn._record(syn)[1]:
                if s == sym:
                    out.update(w.lower() for w in wn._raw_words(target) if w[:1].isupper() and "_" not in w)
    out.discard(word)
    return frozenset(out)


def _nationality_link(wn: Any, a: str, b: str) -> bool:
    """``a`` and ``b`` are a nationality word and its country, in either order, by WordNet (see above)."""
    return b in _wordnet_places(wn, a) or a in _wordnet_places(wn, b)


def _capital_of(m: Mention, a: Mention, refsets: ReferenceSets, fams: Families) -> bool:
    """One mention is the capital of the country the other names ("Tokyo" / "Japan", "Washington" / "the US"):
    a government named by its seat (metonymy), not another place."""
    for x, y in ((m, a), (a, m)):
        place = refsets.place(x.norm)
        if place is not None and place.capital and normalize_name(place.capital) == x.norm \
                and fams.of(y.words) == f"place:{place.id}":
            return not _city_body(x)
    return False


_CITY_WORDS = frozenset({"city", "mayor", "municipal", "municipality", "council", "hall", "governor", "metropolitan",
                         "borough", "district", "town", "residents", "citizens", "police", "metro"})


def _city_body(m: Mention) -> bool:
    """The capital is named as a city, not as its country's government: "Beijing's city government", "the
    mayor of London", "Paris city hall" (a word of the city's own bodies within three words of it)."""
    doc = m.first.doc
    near = range(max(m.first.i - 3, 0), min(m.last.i + 4, len(doc)))
    return any(doc[i].lower_ in _CITY_WORDS for i in near if not m.first.i <= i <= m.last.i)


def _shortened(ctx: CheckContext, m: Mention, r_indices: Sequence[int]) -> str | None:
    """"the Commission" in the rewrite for "the European Commission": a body named by its own capitalised
    head word after "the", as a second mention says it (a minor loss of precision, not a missing body)."""
    if _kind(m.label) != "organisation" or len(m.tokens) < 2 or m.tokens[-1].lower_ not in GENERIC_NAME_WORDS:
        return None
    head = m.tokens[-1].text
    for si in r_indices:
        sent = ctx.parses["rewritten"][si]
        for t in sent:
            if t.text == head and t.i > sent.start and t.doc[t.i - 1].lower_ == "the" and (
                    t.i + 1 >= sent.end or t.doc[t.i + 1].pos_ != "PROPN"):
                return f"the {head}"
    return None


def _kind(label: str) -> str:
    if label == "PERSON":
        return "person"
    if label in _PLACE:
        return "place"
    if label == "ORG":
        return "organisation"
    return "name"


# Verbs whose object (or whose "into"/"in") names a language: "she speaks German", "translated into German".
_LANGUAGE_VERBS = frozenset({"speak", "translate", "write", "dub", "subtitle", "publish", "broadcast", "teach",
                             "learn", "understand", "read", "sing", "print"})
_LANGUAGE_NOUNS = frozenset({"language", "languages", "speaker", "speakers", "translation", "version", "edition",
                             "original", "subtitles", "dub"})


def _language_use(m: Mention) -> bool:
    """A nationality word used as a language ("in English and German", "speaks German", "translated into
    German", "German-language"): NER labels it NORP, which reads as a place; it is a language."""
    if m.label == "LANGUAGE":
        return True
    if m.label != "NORP" or len(m.tokens) != 1:
        return False
    t = m.tokens[0]
    doc = t.doc
    nxt = doc[t.i + 1] if t.i + 1 < len(doc) else None
    if nxt is not None and (nxt.lower_ in _LANGUAGE_NOUNS or nxt.text in ("-", "–") and t.i + 2 < len(doc)
                            and doc[t.i + 2].lower_ == "language"):
        return True  # "German speakers", "the German version"
    if t.dep_ == "amod" or t.head.pos_ == "NOUN" and t.dep_ in ("compound", "amod"):
        return False  # "German officials": a nationality
    # coordinated with a language ("English and German"), through the head of the coordination
    heads = [t] + [h for h in (t.head,) if t.dep_ == "conj"]
    if any(c.ent_type_ == "LANGUAGE" for h in heads for c in (h, *h.conjuncts)):
        return True
    root = heads[-1]
    if root.dep_ == "pobj" and root.head.lower_ in ("in", "into", "from") and root.head.head.pos_ == "VERB":
        return True  # "published in German", "translated into German", "translated from German"
    return root.dep_ == "dobj" and str(root.head.lemma_).lower() in _LANGUAGE_VERBS  # "speaks German"


def _label_kind(m: Mention) -> str:
    """What a mention is called in a message: a language where it is used as one, else its kind."""
    return "language" if _language_use(m) else _kind(m.label)


def _may_replace(m: Any, a: Any) -> bool:
    """Whether mention ``a`` can stand where ``m`` was: a nationality or group word ("Chinese") only for
    a place or another such word, or, used as a language, for a language; a name the parser did not place
    could be anything else."""
    if "NORP" in (m.label, a.label):
        return _kind(m.label) == _kind(a.label) == "place" or _language_use(m) and _language_use(a)
    return True


def _content(words: Sequence[str]) -> list[str]:
    return [w for w in words if w not in _STOP]


class _Side:
    """One side of an aligned pair: its words, the families present and its mentions."""

    def __init__(self, ctx: CheckContext, side: str, indices: Sequence[int], fams: Families,
                 cache: SentenceWords) -> None:
        parses = ctx.unit_parses(side, indices)
        self.wn = ctx.wordnet()
        self.words: Words = cache.get(side, indices)
        self.wordset = self.words.wordset()
        self.families, self.inner = fams.scan(self.words)
        self.mentions: list[Mention] = [m for p, i in zip(parses, indices, strict=True) for m in mentions_in(p, i)
                                        if not _common_word_mention(m, self.wn)]
        self.content = [w for w in self.words.words if w not in _STOP]
        self.counts = Counter(self.words.words)
        # Token positions relative to the pair (the sentences may be spans of one or several docs).
        self.start = parses[0].start if parses else 0
        self.length = max(1, sum(len(p) for p in parses))

    def count(self, w: str) -> int:
        n = self.counts.get(w, 0)
        return n if n else 1  # found only by family or spelling variant: count it once

    def has_word(self, w: str, fams: Families, person: bool = False) -> bool:
        """``w`` is here, by family, or spelled differently (for a person's name, only as a short form or a
        transliteration: see ``name_variant``; for another name, a near spelling, its nationality word or another
        romanisation: see ``translit_variant``)."""
        if w in self.wordset:
            return True
        fam = fams.of([w])
        if fam and fam in self.families:
            return True
        if person:
            return any(name_variant(w, x) for x in self.wordset)
        return (len(w) >= 4 and any(fuzzy_equal(w, x) for x in self.wordset if x[:1] == w[:1] or len(x) > 5)) or \
            any(_demonym_of(w, x) or _demonym_of(x, w) for x in self.wordset if x[:2] == w[:2]) or \
            any(_nationality_link(self.wn, w, x) for x in self.wordset) or \
            (len(w) >= 5 and any(translit_variant(w, x) for x in self.wordset if x[:1] == w[:1]))

    def budget(self) -> dict[str, int]:
        """Family mentions a counterpart may use: the families present, and places named inside an
        organisation's name (under "inner:")."""
        return {**self.families, **{f"inner:{k}": v for k, v in self.inner.items()}}

    def has_acronym(self, acro: str) -> bool:
        """``acro`` spelled by the initials of consecutive content words ("cba" <- "chinese basketball association")."""
        n = len(acro)
        c = self.content
        return any("".join(w[0] for w in c[i:i + n]) == acro for i in range(len(c) - n + 1))


# The kind of body a generic head word names.  A body renamed into another kind ("Supreme Court" -> "Supreme
# Council", "Insurance Council" -> "Insurance Federation") is another body; translations trade words within a
# kind ("Football Association" / "Football Federation", "Ministry" / "Department"), which stays unreported.
_INSTITUTION_KIND = {
    **dict.fromkeys(("court", "tribunal"), "judicial"),
    # An elected legislature is another body than a council or commission beside it ("European Commission" /
    # "European Parliament" / "European Council" are three bodies; "Council" of the EU is not its Parliament).
    **dict.fromkeys(("assembly", "parliament", "senate", "congress", "chamber"), "legislature"),
    **dict.fromkeys(("council", "committee", "commission", "board"), "council"),
    **dict.fromkeys(("association", "federation", "union", "league", "society", "alliance", "confederation"),
                    "membership"),
    **dict.fromkeys(("ministry", "department", "office", "agency", "bureau", "authority", "administration",
                     "directorate", "secretariat"), "executive"),
    **dict.fromkeys(("university", "college", "school", "academy"), "education"),
    **dict.fromkeys(("company", "corporation", "group", "bank", "fund"), "business"),
    **dict.fromkeys(("party",), "party"),
}


def _institution_kind_changed(m: Mention, lost: Sequence[str], found: Sequence[str], own: _Side, other: _Side,
                              fams: Families) -> bool:
    """An organisation that kept its distinctive words but lost its generic head for one that names another
    kind of body (see ``_INSTITUTION_KIND``)."""
    kinds = {_INSTITUTION_KIND[w] for w in lost if w in _INSTITUTION_KIND}
    if not kinds or _kind(m.label) != "organisation":
        return False
    for a in other.mentions:
        if _kind(a.label) != "organisation" or not set(a.propn_words or a.words) & set(found):
            continue
        for w in a.propn_words or a.words:
            kind = _INSTITUTION_KIND.get(w)
            if kind is not None and kind not in kinds and not own.has_word(w, fams):
                return True
    return False


def _renamed(m: Mention, need: Sequence[str], found: Sequence[str], own: _Side, other: _Side,
             fams: Families) -> bool:
    """The other side keeps a word of ``m`` inside a name that puts another word in place of one ``m`` lost:
    "John Smith" -> "James Smith" (another person of that family), "Hillary Clinton" -> "Bill Clinton",
    "World Health Organization" -> "World Trade Organization", "Supreme Court" -> "High Court".

    Only proper nouns of a name of the same kind count, and not a title, initial or suffix ("President
    Biden", "Antony J. Blinken", "Lloyd Austin III"), an acronym of this side's words ("UN Security
    Council") or an added middle name (this side has all of the other's words).  A generic word
    ("Group", "Court") replaces only a generic word: "Samsung Electronics" -> "Samsung Group" is not
    another company named, "Supreme Court" -> "Supreme Council" is. For places and organisations, whose
    names translations paraphrase and respell, the word lost must be distinctive and the new one not a
    spelling of it (ratio 0.6): "Provincial Finance" -> "Finance Department" and "Royal Bafalcon" ->
    "Royal Bafokeng" Stadium are not renamings; "World Health" -> "World Trade" Organization is."""
    person = m.label == "PERSON"
    lost = [w for w in need if w not in found]
    if not lost or not found:
        return False
    lost_generic = all(w in GENERIC_NAME_WORDS for w in lost)
    if lost_generic and not person:
        # "Jiangxi Provincial Finance" -> "Jiangxi Finance Department": generic words traded, unless the body
        # became another kind of body
        return _institution_kind_changed(m, lost, found, own, other, fams)
    if any(w in _INSTITUTION_KIND for w in lost) and _institution_kind_changed(m, lost, found, own, other, fams):
        return True  # "European Investment Bank" -> "European Commission": the kept word is the body's place
    kind = _kind(m.label)
    for a in other.mentions:
        if _kind(a.label) not in (kind, "name") and kind != "name":
            continue
        words = a.propn_words
        if not set(words) & set(found):
            continue
        for w in words:
            if len(w) < 2 or w in TITLE_ONLY_WORDS or w in NAME_SUFFIXES or w in _STOP:
                continue
            if (w in GENERIC_NAME_WORDS and not lost_generic) or own.has_word(w, fams, person) or own.has_acronym(w):
                continue
            if not person and any(difflib.SequenceMatcher(None, w, x).ratio() >= 0.6 for x in lost):
                continue  # a place or body spelled another way ("Bafalcon" / "Bafokeng" Stadium), not renamed
            return True
    return False


def _present(m: Mention, own: _Side, other: _Side, fams: Families, budget: dict[str, int]) -> bool:
    """Whether mention ``m`` has a counterpart among ``other``'s words."""
    if other.words.has(m.words):
        return True
    fam = fams.of(m.words)
    if fam and budget.get(fam, 0) > 0:
        budget[fam] -= 1  # each mention of a family uses one mention on the other side
        return True
    if fam and budget.get(f"inner:{fam}", 0) > 0:
        budget[f"inner:{fam}"] -= 1  # "Chinese" -> "China's foreign ministry": the country inside a body's name
        return True
    if fam and fam.startswith("place:"):  # a known place: only its own family counts ("North Korea" != "South Korea")
        return False
    need = m.propn_words or _content(m.words)
    need = [w for w in need if w not in TITLE_ONLY_WORDS] or need
    found = [w for w in need if other.has_word(w, fams, m.label == "PERSON")]
    if len(found) == len(need):
        return True
    if _renamed(m, need, found, own, other, fams):  # before the synonyms: WordNet has "high court" = "supreme court"
        return False
    if _synonym_present(m, other):  # "Napoli" = "Naples", "Northern Lights" = "Aurora borealis"
        return True
    if _abbreviated(m, own, other):  # "Rzeczpospolita" -> "Rz"
        return True
    # One distinctive word kept is enough ("Mr. Blinken" = "Antony J. Blinken", "Jiangxi Finance Department");
    # generic words alone ("Institute", "City") are not, nor a word the other side has fewer times than this
    # side ("Czech Statistical Office ... Czech Republic" -> "Czech Republic" lost the office).
    if any(w not in GENERIC_NAME_WORDS and other.count(w) >= own.count(w) for w in found):
        return True
    if (len(need) >= 4 and len(found) / len(need) >= 0.6) or (len(need) == 3 and len(found) == 2):
        return True
    if len(m.words) == 1 and 2 <= len(m.words[0]) <= 6 and m.first.text.isupper():
        if other.has_acronym(m.words[0]):
            return True
    acro = acronym_of(m.words)
    return len(_content(m.words)) >= 2 and len(acro) >= 2 and acro in other.wordset


def _distance(orig: _Side, m: Mention, rew: _Side, a: Mention) -> float:
    """How unlikely ``a`` (rewrite) replaced ``m`` (original): relative position, plus a penalty across kinds."""
    pos = (m.first.i - orig.start) / orig.length
    rpos = (a.first.i - rew.start) / rew.length
    return abs(rpos - pos) + (0.0 if _kind(a.label) == _kind(m.label) else 0.5)


def _span(ctx: CheckContext, side: str, m: Mention) -> Span:
    return ctx.token_span(side, m.sent, m.first, m.last)


_FIRSTS: dict[int, frozenset[str]] = {}


def _org_first_words(refsets: ReferenceSets) -> frozenset[str]:
    key = id(refsets)
    if key not in _FIRSTS:
        _FIRSTS[key] = frozenset(n.split()[0] for n in refsets.organisation_names() if n)
    return _FIRSTS[key]


def _org_variants(words: Words, refsets: ReferenceSets, wrong: bool) -> list[tuple[Organisation, int, int]]:
    """Organisation names in ``words`` (accepted ones, or wrong variants), longest match first."""
    names = refsets.organisation_names()
    firsts = _org_first_words(refsets)
    out: list[tuple[Organisation, int, int]] = []
    ws = words.words
    i = 0
    while i < len(ws):
        step = 1
        if ws[i] not in firsts:
            i += 1
            continue
        for n in range(min(8, len(ws) - i), 0, -1):
            entries = names.get(" ".join(ws[i:i + n]))
            if not entries:
                continue
            accepted = [g for g, w in entries if not w]
            if wrong and not accepted:
                out.extend((g, i, i + n) for g, w in entries if w)
            elif not wrong and accepted:
                out.append((accepted[0], i, i + n))
            step = n
            break
        i += step
    return out


def _words_span(ctx: CheckContext, side: str, words: Words, start: int, end: int) -> Span:
    first, last = words.tokens[start], words.tokens[end - 1]
    if words.sents[start] != words.sents[end - 1]:
        last = ctx.parses[side][words.sents[start]][-1]
    return ctx.token_span(side, words.sents[start], first, last)


@register
class EntitiesCheck:
    """People, organisations and places kept, dropped, swapped or renamed; pronoun gender kept."""

    name = "entities"

    def run(self, ctx: CheckContext) -> Iterator[Finding]:
        refsets = reference_sets_of(ctx)
        fams = families_of(refsets)
        renamed_rewritten: set[int] = set()
        cache = SentenceWords(ctx)
        self._cache = cache
        for ai, pair in ctx.matched():
            orig = _Side(ctx, "original", pair.original, fams, cache)
            rew = _Side(ctx, "rewritten", pair.rewritten, fams, cache)
            for f in self._pair(ctx, ai, pair.rewritten, orig, rew, refsets, fams):
                if f.code == "org-renamed":
                    renamed_rewritten.update(pair.rewritten)
                yield f
            yield from self._gender(ctx, ai, pair.original, pair.rewritten)
        yield from self._renamed_in_rewrite(ctx, refsets, fams, renamed_rewritten)

    # -- entities of one aligned pair -----------------------------------------------------------
    def _pair(self, ctx: CheckContext, ai: int, r_indices: Sequence[int], orig: _Side, rew: _Side,
              refsets: ReferenceSets, fams: Families) -> Iterator[Finding]:
        used_o: set[int] = set()
        used_r: set[int] = set()
        # Organisations renamed to a known wrong variant.
        wrong_in_r = _org_variants(rew.words, refsets, wrong=True)
        if wrong_in_r:
            for org, s, e in _org_variants(orig.words, refsets, wrong=False):
                for worg, ws, we in wrong_in_r:
                    if worg.id != org.id:
                        continue
                    o_span = _words_span(ctx, "original", orig.words, s, e)
                    r_span = _words_span(ctx, "rewritten", rew.words, ws, we)
                    yield Finding("entities", "org-renamed", Severity.MAJOR,
                                  f'Organisation renamed: "{o_span.text}" → "{r_span.text}" '
                                  f'(not a name of the {org.name})', o_span, r_span, ai,
                                  {"original_value": o_span.text, "rewritten_value": r_span.text,
                                   "reference": org.ref, "canonical": org.name})
                    used_o.update(i for i, m in enumerate(orig.mentions)
                                  if m.first.i <= orig.words.tokens[e - 1].i and m.last.i >= orig.words.tokens[s].i)
                    used_r.update(i for i, m in enumerate(rew.mentions)
                                  if m.first.i <= rew.words.tokens[we - 1].i and m.last.i >= rew.words.tokens[ws].i)
        budget_r, budget_o = rew.budget(), orig.budget()
        missing = [(i, m) for i, m in enumerate(orig.mentions)
                   if i not in used_o and not _present(m, orig, rew, fams, budget_r)]
        added = [(i, m) for i, m in enumerate(rew.mentions)
                 if i not in used_r and not _present(m, rew, orig, fams, budget_o)]
        neighbours: _Side | None = None
        looked = False
        for _, m in missing:
            free = [(j, a) for j, a in added if j not in used_r and _may_replace(m, a)]
            if free:
                def _dist(item: tuple[int, Any], m: Any = m) -> float:
                    return float(_distance(orig, m, rew, item[1]))

                j, a = min(free, key=_dist)
                used_r.add(j)
                yield self._substituted(ctx, ai, m, a, refsets, fams)
                continue
            if not looked:
                neighbours, looked = self._neighbours(ctx, r_indices, fams), True
            moved = neighbours is not None and _present(m, orig, neighbours, fams, neighbours.budget())
            short = None if moved else _shortened(ctx, m, r_indices)
            sev = Severity.MINOR if moved or short else Severity.MAJOR
            o_span = _span(ctx, "original", m)
            note = (" (it appears in a neighbouring sentence of the rewrite)" if moved
                    else f' (shortened to "{short}")' if short else "")
            yield Finding("entities", "entity-missing", sev,
                          f'{_label_kind(m).capitalize()} "{o_span.text}" has no counterpart in the rewrite{note}',
                          o_span, ctx.sentence_span("rewritten", r_indices), ai,
                          {"original_value": o_span.text, "label": m.label, "moved": moved,
                           **({"language": True} if _language_use(m) else {})})
        for j, a in added:
            if j in used_r:
                continue
            r_span = _span(ctx, "rewritten", a)
            yield Finding("entities", "entity-added", Severity.MINOR,
                          f'{_label_kind(a).capitalize()} "{r_span.text}" appears in the rewrite only',
                          ctx.sentence_span("original", [s for s in sorted({m.sent for m in orig.mentions})] or
                                            list(self._orig_indices(ctx, ai))),
                          r_span, ai, {"rewritten_value": r_span.text, "label": a.label,
                                       **({"language": True} if _language_use(a) else {})})

    @staticmethod
    def _orig_indices(ctx: CheckContext, ai: int) -> tuple[int, ...]:
        return ctx.alignment[ai].original

    @staticmethod
    def _neighbours(ctx: CheckContext, r_indices: Sequence[int], fams: Families) -> _Side | None:
        n = len(ctx.rewritten.sentences)
        idx = [i for i in (min(r_indices) - 1, max(r_indices) + 1) if 0 <= i < n]
        return _Side(ctx, "rewritten", idx, fams, SentenceWords(ctx)) if idx else None

    @staticmethod
    def _substituted(ctx: CheckContext, ai: int, m: Mention, a: Mention, refsets: ReferenceSets,
                     fams: Families) -> Finding:
        o_span, r_span = _span(ctx, "original", m), _span(ctx, "rewritten", a)
        data = {"original_value": o_span.text, "rewritten_value": r_span.text,
                "original_label": m.label, "rewritten_label": a.label}
        if _capital_of(m, a, refsets, fams):
            return Finding("entities", "entity-substituted", Severity.MINOR,
                           f'Capital for country: "{o_span.text}" → "{r_span.text}" (the government named by its '
                           f'seat, or the other way round)', o_span, r_span, ai, {**data, "metonymy": "capital"})
        shared = set(_content(m.words)) & set(_content(a.words))
        if _kind(m.label) == "organisation" and _kind(a.label) == "organisation" and shared:
            return Finding("entities", "org-renamed", Severity.MAJOR,
                           f'Organisation renamed: "{o_span.text}" → "{r_span.text}"', o_span, r_span, ai, data)
        # A person renamed with one name word kept ("John Smith" -> "James Smith"): another person, reported
        # as major, below a wholesale swap of names.
        named = m.from_ner and a.from_ner and _kind(m.label) == _kind(a.label) and _kind(m.label) != "name" \
            and not (_kind(m.label) == "person" and shared)
        sev = Severity.CRITICAL if named else Severity.MAJOR
        # Two kinds for one slot ("Jefferies" a place, "Eisai" a body): one label is the recogniser's slip.
        kind = _kind(m.label) if _kind(m.label) == _kind(a.label) else "name"
        if _language_use(m) and _language_use(a):
            kind = "language"  # "in English and German" -> "in English and French"
        return Finding("entities", "entity-substituted", sev,
                       f'{kind.capitalize()} changed: "{o_span.text}" → "{r_span.text}"',
                       o_span, r_span, ai, data)

    # -- pronoun gender ----------------------------------------------------------------------------
    def _gender(self, ctx: CheckContext, ai: int, o_idx: Sequence[int], r_idx: Sequence[int]) -> Iterator[Finding]:
        o_toks = [t for p in ctx.unit_parses("original", o_idx) for t in p]
        r_toks = [t for p in ctx.unit_parses("rewritten", r_idx) for t in p]
        om = [t for t in o_toks if t.lower_ in MALE_PRONOUNS]
        of = [t for t in o_toks if t.lower_ in FEMALE_PRONOUNS]
        rm = [t for t in r_toks if t.lower_ in MALE_PRONOUNS]
        rf = [t for t in r_toks if t.lower_ in FEMALE_PRONOUNS]
        dm, df = len(rm) - len(om), len(rf) - len(of)
        if not ((dm < 0 < df) or (df < 0 < dm)):
            return
        o_sent = {t.i: s for p, s in zip(ctx.unit_parses("original", o_idx), o_idx, strict=True) for t in p}
        r_sent = {t.i: s for p, s in zip(ctx.unit_parses("rewritten", r_idx), r_idx, strict=True) for t in p}
        to_female = df > 0
        lost, gained = (MALE_PRONOUNS, FEMALE_PRONOUNS) if to_female else (FEMALE_PRONOUNS, MALE_PRONOUNS)
        pair: tuple[Any, Any] | None = None
        sm = difflib.SequenceMatcher(None, [t.lower_ for t in o_toks], [t.lower_ for t in r_toks], autojunk=False)
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            if tag != "replace":
                continue
            a = next((t for t in o_toks[i1:i2] if t.lower_ in lost), None)
            b = next((t for t in r_toks[j1:j2] if t.lower_ in gained), None)
            if a is not None and b is not None:
                pair = (a, b)
                break
        if pair is None:
            pair = (next(t for t in o_toks if t.lower_ in lost), next(t for t in r_toks if t.lower_ in gained))
        a, b = pair
        o_span = ctx.token_span("original", o_sent[a.i], a)
        r_span = ctx.token_span("rewritten", r_sent[b.i], b)
        yield Finding("entities", "pronoun-gender-changed", Severity.MAJOR,
                      f'Pronoun gender changed: "{o_span.text}" → "{r_span.text}"', o_span, r_span, ai,
                      {"original_value": a.lower_, "rewritten_value": b.lower_,
                       "original_gender": "female" if not to_female else "male",
                       "rewritten_gender": "female" if to_female else "male"})

    # -- wrong organisation names where only the rewrite has the paragraph ---------------------
    def _renamed_in_rewrite(self, ctx: CheckContext, refsets: ReferenceSets, fams: Families,
                            skip: set[int]) -> Iterator[Finding]:
        n = len(ctx.rewritten.sentences)
        if not n:
            return
        orig_all = self._cache.get("original", range(len(ctx.original.sentences)))
        orig_wrong = {" ".join(orig_all.words[s:e]) for _, s, e in _org_variants(orig_all, refsets, wrong=True)}
        where = nearest_original(ctx)
        for ri in range(n):
            if ri in skip:
                continue
            ws = self._cache.get("rewritten", [ri])
            variants = _org_variants(ws, refsets, wrong=True)
            if not variants:
                continue
            places = fams.present(ws)
            for org, s, e in variants:
                if " ".join(ws.words[s:e]) in orig_wrong:
                    continue  # the original uses the same name: the rewrite is faithful to it
                if org.country and not places.get(f"place:{org.country.lower()}"):
                    continue  # "Defense Ministry" in a sentence about Russia is not a renamed Pentagon
                r_span = _words_span(ctx, "rewritten", ws, s, e)
                ai, o_span, context = original_side(ctx, where, ri)
                yield Finding("entities", "org-renamed", Severity.MAJOR,
                              f'Organisation named "{r_span.text}": the reference set knows it as '
                              f'"{org.name}" ("{r_span.text}" is a wrong variant)',
                              o_span, r_span, ai,
                              {"rewritten_value": r_span.text, "canonical": org.name, "reference": org.ref,
                               **context})
