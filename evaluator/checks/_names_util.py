"""Name helpers shared by the ``titles`` and ``entities`` checks: normalized words, mentions, families.

Matching works on normalized words (lower case, no accents, no punctuation, "U.S." -> "us",
British/American spellings folded), each mapped back to its spaCy token so findings can quote the
exact words.  Entity *families* group the surface forms of one thing ("US", "United States",
"America", "American"; a person's name and aliases; an organisation and its accepted aliases).
"""
from __future__ import annotations

import difflib
import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..reference_sets import (
    HONORIFICS,
    ReferenceSets,
    bundled_reference_sets,
    normalize_name,
    normalize_title,
)

# NER labels that name something (numbers, dates and quantities are another check's business).
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART",
                         "LAW", "LANGUAGE"})
# Words that head an official title ("Foreign Secretary", "the leader of North Korea").
TITLE_HEADS = frozenset({
    "president", "minister", "secretary", "adviser", "advisor", "leader", "chancellor", "premier", "king",
    "queen", "emperor", "envoy", "ambassador", "spokesman", "spokeswoman", "spokesperson", "governor",
    "senator", "representative", "congressman", "congresswoman", "chairman", "chairwoman", "chairperson",
    "chair", "director", "chief", "commissioner", "mayor", "prince", "princess", "speaker", "treasurer",
    "general", "admiral", "commander", "judge", "justice", "prosecutor", "ministers", "monarch", "diplomat", "councilor", "councillor", "attorney", "sheikh", "emir", "pope",
    "executive", "officer", "ceo", "cfo", "coo", "cto", "mp", "pm", "vp",
})
# Occupations and roles that stand where a title does ("Arsenal manager Mikel Arteta", "Dr. Joanne Ryan, an
# epidemiologist at Monash University"): a changed one is a changed title.  Besides these, nouns ending in
# "-ologist" or "-ician" (``is_occupation``).
OCCUPATION_HEADS = frozenset({
    "manager", "coach", "captain", "striker", "forward", "attacker", "midfielder", "defender", "goalkeeper",
    "keeper", "winger", "player", "referee", "umpire", "trainer", "jockey", "owner", "founder", "co-founder",
    "boss", "professor", "lecturer", "researcher", "scientist", "economist", "analyst", "strategist", "lawyer",
    "barrister", "solicitor", "counsel", "doctor", "physician", "surgeon", "nurse", "paramedic", "dean",
    "principal", "rector", "provost", "editor", "correspondent", "reporter", "journalist", "columnist", "author",
    "novelist", "poet", "historian", "actor", "actress", "singer", "composer", "producer", "chef", "pilot",
    "engineer", "architect", "detective", "inspector", "sergeant", "constable", "superintendent", "colonel",
    "lieutenant", "corporal", "sheriff", "marshal", "activist", "campaigner", "lobbyist", "consultant",
    "investor", "banker", "trader", "entrepreneur", "teacher", "student", "pastor", "priest", "bishop",
    "archbishop", "rabbi", "imam", "cardinal", "chaplain", "mediator", "negotiator", "candidate", "challenger",
    "incumbent", "partner", "president",
})
# One role under several names: compared as the first ("Arsenal boss" = "Arsenal manager"); the longest
# names first, so that "head coach" is read before "coach".
OCCUPATION_SYNONYMS = {w: group[0] for group in (
    ("manager", "coach", "boss", "head coach", "trainer"), ("striker", "forward", "attacker"),
    ("goalkeeper", "keeper", "goalie"), ("doctor", "physician"), ("lawyer", "attorney", "counsel"),
    ("reporter", "journalist", "correspondent"), ("founder", "co-founder"), ("researcher", "scientist"),
) for w in group}
OCCUPATION_SYNONYMS = dict(sorted(OCCUPATION_SYNONYMS.items(), key=lambda kv: -len(kv[0].split())))


def is_occupation(word: str) -> bool:
    """A noun naming what a person does: ``OCCUPATION_HEADS`` or a "-ologist"/"-ician" word ("epidemiologist",
    "physician", "statistician")."""
    return word in OCCUPATION_HEADS or (len(word) > 7 and word.endswith(("ologist", "ician")))


# Words after a title head that give the office-holder's status ("President-elect", "Secretary-designate"): part of
# the title, and a change of them changes the office.
TITLE_STATUS_WORDS = frozenset({"elect", "designate", "nominee"})
# Standard abbreviations of titles and ranks, and the words they abbreviate: "Gen. Mark Milley" is
# "General Mark Milley", "Dr Fauci" is "Doctor Fauci".
TITLE_ABBREVIATIONS = {
    "dr": "doctor", "gen": "general", "sen": "senator", "gov": "governor", "rep": "representative",
    "rev": "reverend", "revd": "reverend", "prof": "professor", "lt": "lieutenant", "lieut": "lieutenant",
    "col": "colonel", "capt": "captain", "cpt": "captain", "sgt": "sergeant", "adm": "admiral",
    "pres": "president", "supt": "superintendent", "cmdr": "commander", "cdr": "commander", "maj": "major",
    "cpl": "corporal", "pvt": "private", "insp": "inspector", "det": "detective", "amb": "ambassador",
    "atty": "attorney", "fr": "father", "brig": "brigadier", "sec": "secretary", "secy": "secretary",
    "hon": "honourable", "rt": "right", "comm": "commissioner",
}
# The written-out words that address a person before the name as an abbreviation would ("Doctor",
# "Reverend", "Captain"): read as an honorific, not as part of the name.
SPELLED_HONORIFICS = frozenset({"doctor", "reverend", "professor", "lieutenant", "colonel", "captain", "sergeant",
                                "superintendent", "major", "corporal", "inspector", "detective", "father",
                                "brigadier", "honourable", "honorable"})


def expand_title_word(word: str) -> str:
    """A title word written out ("gen" / "Gen." -> "general"); other words unchanged (lower case)."""
    w = word.lower().rstrip(".")
    return TITLE_ABBREVIATIONS.get(w, w)


# Words that qualify a title ("former", "deputy" ...) and may appear inside the title phrase.
TITLE_WORDS = TITLE_HEADS | frozenset({
    "former", "acting", "deputy", "vice", "first", "foreign", "defense", "defence", "finance", "state",
    "national", "security", "of", "for", "the", "affairs", "prime", "white", "house", "senior", "top",
    "treasury", "interior", "home", "trade", "economy", "justice", "press", "supreme", "chief", "assistant",
    "under", "permanent", "special", "executive", "general", "united", "nations", "un", "eu", "us", "u.s.",
    "and", "high", "crown", "federal", "external", "then", "outgoing", "incoming", "interim", "new",
    "financial", "operating", "technology", "information", "marketing", "administrative", "managing",
}) | TITLE_STATUS_WORDS
# Words common to many names: finding only these on the other side does not show the name is there.
GENERIC_NAME_WORDS = frozenset({
    "city", "county", "province", "provincial", "state", "states", "river", "lake", "lakes", "sea", "ocean",
    "mountain", "mount", "island", "islands", "park", "national", "international", "university", "college",
    "institute", "school", "center", "centre", "department", "ministry", "office", "agency", "bureau", "council",
    "committee", "association", "federation", "union", "party", "court", "stadium", "airport", "station",
    "street", "road", "highway", "freeway", "motorway", "expressway", "avenue", "boulevard", "square", "field",
    "arena", "bridge", "hospital", "company", "group", "bank", "news", "north", "south", "east",
    "west", "northern", "southern", "eastern", "western", "central", "upper", "lower", "new", "great",
    "united", "republic", "federal", "royal", "world", "league", "club", "team", "cup", "championship",
    "award", "prize", "festival", "day", "district", "region", "regional", "autonomous", "zone", "area",
    "base", "system", "service", "services", "corporation", "inc", "ltd", "co", "foundation", "museum",
    "academy", "society", "commission", "authority", "army", "navy", "force", "forces", "police", "media",
    "times", "post", "daily", "people", "peoples", "democratic", "socialist", "general", "assembly", "house",
})
# Last words that make a name a body's, never a person's: NER calls "Anglian Water" or "Vitol Group" a person.
ORG_LAST_WORDS = frozenset({
    "water", "energy", "power", "gas", "electric", "airlines", "airways", "air", "rail", "railways", "motors",
    "pharmaceuticals", "pharma", "therapeutics", "holdings", "group", "bank", "capital", "partners",
    "securities", "insurance", "inc", "ltd", "plc", "corp", "corporation", "company", "co", "llc", "gmbh", "ag",
    "council", "university", "college", "institute", "foundation", "trust", "association", "federation",
    "union", "agency", "authority", "ministry", "department", "committee", "commission", "party", "fc",
})
# Calendar words and era markers are dates, not names (NER and the tagger often call them proper nouns).
CALENDAR_WORDS = frozenset({
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "tues", "wed",
    "thu", "thur", "thurs", "fri", "sat", "sun", "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "bc", "bce", "ad", "ce", "am", "pm",
    "celsius", "fahrenheit", "kelvin",
})
# Role words that precede names ("Adjunct Professor Barry Vacker") without being part of the name.
ROLE_WORDS = frozenset({
    "professor", "adjunct", "associate", "assistant", "doctor", "dr", "trainee", "officer", "mla", "mp",
    "commissioner", "coach", "captain", "reverend", "father", "saint", "st", "judge", "detective", "inspector",
    "sergeant", "lieutenant", "colonel", "major", "corporal", "private", "senior", "junior", "jr", "sr",
})
# Words that only ever make a title or a role, never a name on their own ("State" in "Secretary of State").
TITLE_ONLY_WORDS = TITLE_HEADS | ROLE_WORDS | frozenset({"state", "deputy", "vice", "acting", "former", "foreign",
                                                         "defense", "finance", "prime", "chief", "first"})
_GENERIC_TITLE_ONLY = frozenset({"the", "of", "for", "and", "former", "then", "acting"})
MALE_PRONOUNS = frozenset({"he", "him", "his", "himself"})
FEMALE_PRONOUNS = frozenset({"she", "her", "hers", "herself"})
MALE_HONORIFICS = frozenset({"mr", "mister", "sir", "lord"})
FEMALE_HONORIFICS = frozenset({"mrs", "ms", "miss", "madam", "dame", "lady"})
# Connectors that may sit inside a proper-noun run ("Institute of Peace", "Workers' Party").
_RUN_LINKS = frozenset({"of", "for", "and", "de", "la", "du", "von", "van", "der", "al", "bin"})
_STOP = frozenset({"the", "of", "for", "and", "a", "an", "in", "on", "at", "to", "s", "de", "la", "du", "von",
                   "van", "der", "al", "bin"})
_SPELLING = {"advisor": "adviser", "defence": "defense", "organisation": "organization", "labour": "labor",
             "centre": "center", "programme": "program", "councillor": "councilor"}
_ACRONYM_TOKEN = re.compile(r"^(?:[A-Za-z]\.){1,}[A-Za-z]?\.?$")
_SPLIT = re.compile(r"[0-9a-z]+")


@functools.lru_cache(maxsize=131072)
def _token_words(text: str) -> tuple[str, ...]:
    if _ACRONYM_TOKEN.match(text) and len(text) > 2:
        return (text.replace(".", "").lower(),)
    if text.isascii() and text.isalpha():
        low = text.lower()
        return (_SPELLING.get(low, low),)
    base = normalize_name(text) if text not in {"'s", "’s"} else ""
    return tuple(_SPELLING.get(w, w) for w in _SPLIT.findall(base))


def token_words(text: str) -> tuple[str, ...]:
    """Normalized sub-words of one token's text ("Jong-un" -> ["jong", "un"], "U.S." -> ["us"])."""
    return _token_words(text)


@dataclass
class Words:
    """Normalized words of one side of a pair, each with its spaCy token and sentence index."""

    words: list[str]
    tokens: list[Any]
    sents: list[int]

    def find(self, key: Sequence[str]) -> list[int]:
        """Start positions where ``key`` occurs as a contiguous word sequence."""
        n = len(key)
        if not n:
            return []
        first = key[0]
        return [i for i, w in enumerate(self.words)
                if w == first and self.words[i:i + n] == list(key)]

    def has(self, key: Sequence[str]) -> bool:
        return bool(self.find(key))

    def wordset(self) -> set[str]:
        return set(self.words)

    def __add__(self, other: Words) -> Words:
        return Words(self.words + other.words, self.tokens + other.tokens, self.sents + other.sents)


def words_of(parses: Sequence[Any], sent_indices: Sequence[int]) -> Words:
    """Normalized words of the given sentence parses (``parses[k]`` is sentence ``sent_indices[k]``)."""
    ws, toks, sents = [], [], []
    for parse, si in zip(parses, sent_indices, strict=True):
        for tok in parse:
            for w in token_words(tok.text):
                ws.append(w)
                toks.append(tok)
                sents.append(si)
    return Words(ws, toks, sents)


@functools.lru_cache(maxsize=65536)
def fuzzy_equal(a: str, b: str, threshold: float = 0.75) -> bool:
    """Spelling variants of one name ("Bafokeng"/"Bafalcon", "Dowden"/"Dauden", "Templar"/"Templars")."""
    if a == b:
        return True
    if min(len(a), len(b)) < 4:
        return False
    if len(a) >= 5 and len(b) >= 5 and (a.startswith(b) or b.startswith(a)):
        return True  # derived forms: "Ecuador"/"Ecuadorean", "Congress"/"congressional"
    if min(len(a), len(b)) >= 7 and (a.endswith(b) or b.endswith(a)):
        return True  # "Hydrometeorological"/"Meteorological"
    if min(len(a), len(b)) < 5 or abs(len(a) - len(b)) > 3:
        return False
    sm = difflib.SequenceMatcher(None, a, b)
    return sm.quick_ratio() >= threshold and sm.ratio() >= threshold


# Generational suffixes: "Lloyd J. Austin III" is "Lloyd Austin".
NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "v"})
# Common short forms of given names ("Bill Clinton" is "William Clinton"); a short form that begins the full
# name ("Joe"/"Joseph", "Chris"/"Christopher") needs no entry.  Each line: the full name(s), then its short forms.
_NICKNAME_GROUPS = (
    "william: bill billy will willy liam", "robert: bob bobby rob robbie bert", "richard: dick rick ricky rich richie",
    "james: jim jimmy jamie", "michael: mike mick mickey misha", "anthony antony: tony", "edward: ted teddy ed eddie ned",
    "theodore: ted teddy theo", "edmund: ed ned", "charles: chuck charlie", "john: jack johnny", "henry: hank harry hal",
    "harold: harry hal", "margaret: maggie meg peggy maggy greta", "katherine catherine kathryn kathleen: kate kathy "
    "katie cathy kat kitty", "elizabeth: liz lizzie beth betty bess libby eliza elsie", "alexander aleksandr "
    "oleksandr alexandra: sasha sandy", "nicholas nikolai nicolas: nick nicky kolya", "daniel: dan danny",
    "samuel: sam sammy", "benjamin: ben benny benji bibi", "lawrence laurence: larry", "stephen steven: steve",
    "peter: pete", "vladimir: vlad volodya", "mikhail: misha", "joseph: joe joey", "josephine: jo", "albert: al bert",
    "alfred: al alf fred", "abraham: abe", "thomas: tom tommy", "david: dave davy", "frederick: fred freddie",
    "gerald jerome: jerry", "geoffrey jeffrey: jeff", "susan: sue susie", "jennifer: jen jenny", "andrew: andy drew",
    "dmitry dmitri: dima", "ivan: vanya", "pavel: pasha", "yevgeny evgeny: zhenya", "leonard: leo lenny",
    "nathan nathaniel: nate", "patricia: pat patty tricia", "rebecca: becky", "deborah: debbie deb",
    "mary: molly polly", "sarah: sally", "abigail: abby", "christopher christine christina: chris",
)
_NICKNAMES = frozenset(frozenset((full, short)) for line in _NICKNAME_GROUPS
                       for full in line.split(":")[0].split() for short in line.split(":")[1].split())
_SKELETON_FOLD = (("ph", "f"), ("kh", "k"), ("gh", "g"), ("dh", "d"), ("q", "k"), ("c", "k"), ("g", "k"),
                  ("j", "y"))
# Spelling folds of transliterations, vowels kept ("Omar"/"Umar", "Ahmad"/"Ahmed", "Nouri"/"Nuri", "Yuri"/"Yury",
# "Alexei"/"Aleksei", "Jhajjar"/"Jajjhar"): the sounds scripts other than the Latin one write with one letter,
# and the aspirated consonants of Indian names, whose "h" romanisations drop or move.
_TRANSLIT_FOLD = (("x", "ks"), ("ph", "f"), ("ck", "k"), ("dh", "d"), ("th", "t"), ("kh", "k"), ("gh", "g"),
                  ("jh", "j"), ("bh", "b"), ("ou", "u"), ("oo", "u"), ("o", "u"), ("q", "k"), ("c", "k"))
_VOWELS = frozenset("aeiouy")


def _skeleton(word: str) -> str:
    """Consonants of a name word with the letters transliterations vary folded together and doubles
    collapsed ("Mohammed"/"Muhammad" -> "mhmd", "Gaddafi"/"Qaddafi" -> "kdf")."""
    for a, b in _SKELETON_FOLD:
        word = word.replace(a, b)
    word = re.sub(r"[aeiouyhw]", "", word)
    return re.sub(r"(.)\1+", r"\1", word)


def _translit(word: str) -> str:
    """A name word with transliteration variants folded, vowels kept: o/u/ou/oo, a/e after the first letter
    ("Ahmad"/"Ahmed"), a final y as i, x as ks, doubled consonants single."""
    for a, b in _TRANSLIT_FOLD:
        word = word.replace(a, b)
    word = word[:1] + word[1:].replace("e", "a")
    if word.endswith("y"):
        word = word[:-1] + "i"
    return re.sub(r"([^aeiou])\1+", r"\1", word)


def translit_variant(a: str, b: str) -> bool:
    """Two romanisations of one place or body name of 5+ letters: the same letters once the transliteration
    variants of ``_translit`` are folded ("Jhajjar"/"Jajjhar", "Bhiwani"/"Biwani").  Different consonants
    ("Jhajjar"/"Jajpur") or another first letter stay different names."""
    if a == b:
        return True
    if min(len(a), len(b)) < 5 or a[:1] != b[:1]:
        return False
    return _translit(a) == _translit(b)


_FEMININE_ENDINGS = frozenset({"e", "a", "ie", "ine", "ette", "elle", "le", "na", "ina"})


@functools.lru_cache(maxsize=65536)
def name_variant(a: str, b: str) -> bool:
    """Two spellings of one person-name word: an initial ("J."/"Joe"), a known short form ("Bill"/"William",
    "Maggie"/"Margaret", "Bibi"/"Benjamin"), a short form that begins the name ("Joe"/"Joseph"), or a
    transliteration variant: the same letters once o/u, a/e (not the first letter), a final y/i, x/ks, th/t, kh/k,
    ph/f and doubled consonants are folded ("Omar"/"Umar", "Ahmad"/"Ahmed", "Hassan"/"Hasan", "Nouri"/"Nuri",
    "Alexei"/"Aleksei"); or, for words of 6+ letters that stay close in spelling (ratio 0.7), the same
    consonants in the same order ("Zelensky"/"Zelenskyy").  Short names with the same consonants are
    different people ("Ford"/"Fred", "Omar"/"Amir", "Reid"/"Reed", "Gadi"/"Gadd"), and so is a name with a
    feminine ending ("Louis"/"Louise", "Stefan"/"Stephanie").  Different consonants are another
    person ("John"/"James", "Hillary"/"Bill", "Joe"/"Hunter"), and so are short names whose consonants are one
    letter or whose vowels change class ("Tim"/"Tom", "Joan"/"John", "Dean"/"Dan", "Ann"/"Ian"), or only
    the final vowel ("Maria"/"Mario")."""
    if a == b:
        return True
    if frozenset((a, b)) in _NICKNAMES:
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short) == 1:
        return long_.startswith(short)  # an initial: "J. Biden"
    if len(short) >= 3 and long_.startswith(short) and len(long_) - len(short) <= 8:
        # "Louis"/"Louise", "Paul"/"Paula", "Daniel"/"Danielle": a feminine ending names someone else
        return long_[len(short):] not in _FEMININE_ENDINGS
    if len(short) >= 3 and _translit(a) == _translit(b):
        return True
    if a[:-1] == b[:-1] and a[-1] in _VOWELS and b[-1] in _VOWELS:
        return False  # "Maria"/"Mario": another ending, another person
    # The same consonants in order only for long names that stay close in spelling: on short ones it
    # joins different people (Ford/Fred, Omar/Amir, Tina/Tony, Ellen/Allen, Hassan/Hussein).
    if len(short) >= 6 and (a[0] == b[0] or {a[0], b[0]} <= _VOWELS or {a[0], b[0]} <= set("cgkq")) \
            and difflib.SequenceMatcher(None, a, b).ratio() >= 0.7:
        sk = _skeleton(a)
        if len(sk) >= 2 and sk == _skeleton(b):
            return True
    return min(len(a), len(b)) >= 8 and fuzzy_equal(a, b)


@dataclass
class Mention:
    """A named thing in one sentence: its tokens, label and normalized words."""

    sent: int
    tokens: list[Any]
    label: str
    words: list[str]
    propn_words: list[str]
    from_ner: bool

    @property
    def first(self) -> Any:
        return self.tokens[0]

    @property
    def last(self) -> Any:
        return self.tokens[-1]

    @property
    def text(self) -> str:
        doc = self.first.doc
        return str(doc[self.first.i:self.last.i + 1].text)  # Doc.text would rebuild the whole text

    @property
    def norm(self) -> str:
        return " ".join(self.words)


def _content(words: Iterable[str]) -> list[str]:
    return [w for w in words if w not in _STOP and w not in HONORIFICS]


def _is_name_like(words: Sequence[str], toks: Sequence[Any]) -> bool:
    content = _content(words)
    if not content or all(w in CALENDAR_WORDS for w in content):
        return False
    if all(expand_title_word(w) in TITLE_ONLY_WORDS or w in TITLE_ABBREVIATIONS for w in content):
        return False  # "State" in "Secretary of State", "Capt." : part of a title, which the titles check reads
    if len(toks) == 1 and toks[0].text.isupper():
        doc = toks[0].doc
        near = [doc[j] for j in (toks[0].i - 1, toks[0].i + 1) if 0 <= j < len(doc)]
        if any(t.like_num or t.text.lower() in {"thousand", "million", "billion"} for t in near):
            return False  # a unit or currency code next to a number ("CZK 34,125"), the numbers check's business
    if len(toks) == 1 and toks[0].i > 0 and toks[0].doc[toks[0].i - 1].like_num:
        from .numbers import is_unit_word

        if is_unit_word(toks[0].text.rstrip(".")):
            return False  # "2,000 kW.": a unit after its number, not an organisation
    return True


def _given_name(t: Any) -> bool:
    """A capitalised proper noun outside any entity that is not a title or an honorific."""
    low = t.lower_.rstrip(".")
    return (t.pos_ == "PROPN" and t.text[:1].isupper() and not t.ent_type_ and low not in HONORIFICS
            and expand_title_word(low) not in TITLE_ONLY_WORDS and low not in TITLE_ABBREVIATIONS
            and not is_occupation(low))  # "Striker Harry Kane": the role, which the titles check reads


def mentions_in(parse: Any, sent: int) -> list[Mention]:
    """Named mentions of a sentence: NER entities with a name label, plus proper-noun runs NER missed."""
    out: list[Mention] = []
    covered: set[int] = set()
    for ent in parse.ents:
        if ent.label_ not in NAME_LABELS:
            continue
        toks = [t for t in ent if not (t.i == ent.start and t.lower_ == "the")]
        if ent.label_ == "PERSON":  # a given name the recogniser left out: "Antony [J. Blinken]"
            doc, start = ent.doc, ent.start
            while start - 1 >= parse.start and _given_name(doc[start - 1]):
                start -= 1
            toks = [doc[i] for i in range(start, ent.start)] + toks
        while toks and (toks[-1].is_punct or toks[-1].text in {"'s", "’s"}):
            toks.pop()
        if not toks:
            continue
        words = [w for t in toks for w in token_words(t.text)]
        words = [w for w in words if w not in HONORIFICS] or words
        covered.update(t.i for t in ent)
        covered.update(t.i for t in toks)
        if not _is_name_like(words, toks):
            continue
        propn = [w for t in toks if t.pos_ == "PROPN" for w in token_words(t.text) if w not in HONORIFICS]
        label = "ORG" if ent.label_ == "PERSON" and len(words) > 1 and words[-1] in ORG_LAST_WORDS else ent.label_
        out.append(Mention(sent, toks, label, words, _content(propn), True))
    run: list[Any] = []

    def flush() -> None:
        while run and run[-1].lower_ in _RUN_LINKS:
            run.pop()
        if run:
            words = [w for t in run for w in token_words(t.text) if w not in HONORIFICS]
            if _is_name_like(words, run):
                out.append(Mention(sent, list(run), "PROPN", words, _content(words), False))
        run.clear()

    for tok in parse:
        if tok.i in covered:
            flush()
            continue
        is_name = tok.pos_ == "PROPN" and tok.text[:1].isupper() and tok.lower_ not in HONORIFICS
        if is_name or (run and tok.lower_ in _RUN_LINKS and tok.i + 1 < parse.end
                       and tok.doc[tok.i + 1].pos_ == "PROPN"):
            run.append(tok)
        else:
            flush()
    flush()
    out.sort(key=lambda m: m.first.i)
    return out


class Families:
    """Surface forms -> family ids (places with demonyms and capitals, organisations, people)."""

    def __init__(self, refsets: ReferenceSets) -> None:
        self.forms: dict[tuple[str, ...], str] = {}
        # Capitals are left out: "Rome" is not "Italy" when a rewrite swaps one city for another.
        for place in refsets.places:
            for form in place.surface_forms(with_capital=False):
                self.forms.setdefault(tuple(normalize_name(form).split()), f"place:{place.id}")
        for form, entries in refsets.organisation_names().items():
            accepted = [g for g, wrong in entries if not wrong]
            if accepted:
                self.forms.setdefault(tuple(form.split()), f"org:{accepted[0].id}")
        for p in refsets.people:
            fam = f"person:{normalize_name(p.name)}"
            for n in p.names():
                words = tuple(w for w in normalize_name(n).split() if w not in HONORIFICS)
                if len(words) > 1:  # surnames alone are matched by the name rules, not as a family
                    self.forms.setdefault(words, fam)
        self.max_len = max((len(k) for k in self.forms), default=1)
        self.first_words = frozenset(k[0] for k in self.forms if k)

    def of(self, words: Sequence[str]) -> str | None:
        return self.forms.get(tuple(words))

    def _longest(self, ws: Sequence[str], i: int, most: int | None = None) -> tuple[int, str | None]:
        """Length and family of the longest form starting at ``ws[i]`` (at most ``most`` words)."""
        if ws[i] not in self.first_words:
            return 0, None
        for n in range(min(self.max_len if most is None else most, len(ws) - i), 0, -1):
            fam = self.forms.get(tuple(ws[i:i + n]))
            if fam:
                return n, fam
        return 0, None

    def scan(self, side: Words) -> tuple[Counter[str], Counter[str]]:
        """One walk over ``side``: the family ids whose forms occur, with counts (longest match first:
        "Central America" is not "America"), and the place families named inside a longer form of another
        family ("Chinese" in "Chinese foreign ministry", "China" in "China's foreign ministry"), which the
        first counts as the organisation only."""
        found: Counter[str] = Counter()
        nested: Counter[str] = Counter()
        ws = side.words
        i = 0
        while i < len(ws):
            n, fam = self._longest(ws, i)
            if fam:
                if not (n == 1 and ws[i] == "america" and i and ws[i - 1] in {"central", "south", "north", "latin"}):
                    found[fam] += 1
                if n > 1 and not fam.startswith("place:"):
                    k = i
                    while k < i + n:
                        m, inner = self._longest(ws[:i + n], k, n - 1)
                        if inner and inner.startswith("place:"):
                            nested[inner] += 1
                        k += max(m, 1)
            i += max(n, 1)
        return found, nested

    def present(self, side: Words) -> Counter[str]:
        """Family ids whose forms occur in ``side``, with counts (see ``scan``)."""
        return self.scan(side)[0]


@functools.lru_cache(maxsize=8)
def _families_for(refsets_id: int, refsets: ReferenceSets) -> Families:
    return Families(refsets)


def reference_sets_of(ctx: Any) -> ReferenceSets:
    """The context's reference sets, or the bundled set (a data file, not a model) when none is given."""
    rs = getattr(ctx, "reference_sets", None)
    return rs if isinstance(rs, ReferenceSets) else bundled_reference_sets()


def families_of(refsets: ReferenceSets) -> Families:
    return _families_for(id(refsets), refsets)


def acronym_of(words: Sequence[str]) -> str:
    return "".join(w[0] for w in _content(words) if w)


def same_name(a: Sequence[str], b: Sequence[str]) -> bool:
    """Two person names refer to the same person: a shared name word of 3+ letters (surname or given name)."""
    ca = [w for w in _content(a) if len(w) >= 3]
    cb = set(w for w in _content(b) if len(w) >= 3)
    return any(w in cb or any(fuzzy_equal(w, x, 0.88) for x in cb) for w in ca)


def is_title_phrase(words: Sequence[str], refsets: ReferenceSets) -> bool:
    """Normalized words form an official title: known to the reference sets, or headed by a title word."""
    if not words or all(w in _GENERIC_TITLE_ONLY for w in words):
        return False
    text = " ".join(words)
    if refsets.is_known_title(text):
        return True
    if len(words) > 1 and words[-1] in TITLE_STATUS_WORDS:  # "President-elect"
        words = words[:-1]
    cut = next((k for k, w in enumerate(words) if w in ("of", "for") and k), len(words))
    head = words[cut - 1]  # "leader" of "leader of the Democratic Party"
    return words[-1] in TITLE_HEADS or head in TITLE_HEADS or is_occupation(words[-1]) or is_occupation(head)


def title_key(text: str) -> str:
    return normalize_title(text)


class SentenceWords:
    """Per-run cache of each sentence's ``Words`` (a check reads a sentence several times)."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.cache: dict[tuple[str, int], Words] = {}

    def get(self, side: str, indices: Sequence[int]) -> Words:
        out = Words([], [], [])
        for i in indices:
            w = self.cache.get((side, i))
            if w is None:
                w = self.cache[(side, i)] = words_of([self.ctx.parses[side][i]], [i])
            out = out + w
        return out


def original_side(ctx: Any, where: dict[int, tuple[int | None, tuple[int, ...]]], ri: int
                  ) -> tuple[int | None, Any, dict[str, Any]]:
    """For a finding about rewrite sentence ``ri`` (``where`` = ``nearest_original(ctx)``): its alignment index,
    its ``original`` span and what goes into its ``data``.

    On a row with original sentences the original side is that row's sentence (context, as a missing name's
    rewritten side is).  On a rewrite-only row the original has no evidence: ``original`` is null (the JSON
    contract) and ``data["original_context"]`` names the nearest original sentence for orientation
    (``sentence``, ``start``, ``end``, ``text``; the HTML shows it as context).
    """
    ai, near = where.get(ri, (None, ()))
    if not near:
        return ai, None, {}
    span = ctx.sentence_span("original", near)
    if ai is not None and ctx.alignment[ai].original:
        return ai, span, {}
    if span is None:
        return ai, None, {}
    return ai, None, {"original_context": {"sentence": near[0], "start": span.start, "end": span.end,
                                           "text": span.text}}


def nearest_original(ctx: Any) -> dict[int, tuple[int | None, tuple[int, ...]]]:
    """Rewritten sentence -> (its alignment index, the nearest original sentence before it, else after it).

    Findings about rewrite-only paragraphs point at that original sentence for orientation.
    """
    out: dict[int, tuple[int | None, tuple[int, ...]]] = {}
    last: tuple[int, ...] = ()
    waiting: list[int] = []
    for ai, pair in enumerate(ctx.alignment):
        if pair.original:
            last = (pair.original[-1],)
            for ri in waiting:
                out[ri] = (out[ri][0], (pair.original[0],))
            waiting = []
        for ri in pair.rewritten:
            out[ri] = (ai, tuple(pair.original) or last)
            if not out[ri][1]:
                waiting.append(ri)
    return out
