"""Numbers, quantities, money, percentages and dates compared by value across aligned sentences.

"1.5 million" = "1,500,000", "twenty-five" = "25", "per cent" = "%", "March 3" = "3 March",
"$2bn" = "2 billion dollars", "first" = "1st", "100 miles" = "160 km" (a conversion, rounded),
"2015/16" = "2015-2016", "24/7" = "around the clock".  Mentions are paired by value first; what is left is
paired by context (the noun the number counts, its unit, its kind) and reported as changed, and
the rest as missing or added.  A figure paired by value may still have changed its qualifier (a floor,
a ceiling or an approximation: "at least 14" -> "about 14", "up to 15 hours" -> "15 hours"; see
_bound_change) or traded places with another: between the nouns they count ("15 men and 3 women"), or
around a contrast ("in June rather than August" -> "in August rather than June", see _contrast_swaps).
Multiplying words are figures ("doubled" = "twofold" = "rose 100%"; "doubled" -> "tripled" is a change), and a
capitalised "May" after a time word is the month ("in May", "by the end of May"), not the modal.  A changed
figure is critical; a tally or score ("by a vote of 27 to 23" -> "voted 37 to 13", "won 2-1") pairs its
figures in order and is one finding (``_tallies``).  The message says why a changed figure is less than critical: an ordinal word or a small number in words that
counts no noun ("at number three"), a duration in other units, a vague amount made precise.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..types import Finding, Severity
from ._lex_util import Located, neighbour_indices, side_tokens, span_of
from .base import CheckContext, register

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_ORD_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "hundredth": 100,
}
_SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
           "mln": 1e6, "mn": 1e6, "bn": 1e9, "bln": 1e9, "tn": 1e12, "lakh": 1e5, "crore": 1e7}
_SUFFIX_SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "b": 1e9, "bn": 1e9, "bln": 1e9, "tn": 1e12}
# "Hundreds of people", "tens of thousands": a vague quantity, its order of magnitude is still a figure.
_PLURAL_SCALES = {"tens": 10.0, "dozens": 12.0, "hundreds": 1e2, "thousands": 1e3, "millions": 1e6,
                  "billions": 1e9}
_WEEKDAYS = {"monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6, "sunday": 7}
# Nouns a number names one of ("page 12", "room 4"): "page 12 300 names" is two numbers, not 12,300.
_LABELS = {"page", "pages", "p", "pp", "no", "nos", "nr", "number", "room", "chapter", "article", "route", "line",
           "flight", "platform", "gate", "section", "bus", "item", "seat", "level", "floor", "volume", "vol",
           "issue", "episode", "track", "verse", "paragraph", "para", "clause", "rule", "step", "stage", "round",
           "game", "act", "scene", "highway", "interstate", "exit", "apartment", "unit", "building", "figure",
           "fig", "table", "day", "week", "lot", "plot", "block", "house", "ward", "district", "zone", "grade",
           "class", "division", "term", "match", "hole", "lap", "question", "part", "book", "psalm", "door",
           "cell", "box", "bed", "pier", "berth", "terminal", "runway", "channel", "row", "rank", "year"}
# Words before a bare month name that make it a date ("in March", "until May"), not a verb or a name.
_MONTH_CUES = {"in", "since", "until", "till", "during", "through", "early", "late", "mid", "last", "next",
               "this", "by", "from", "before", "after", "of"}
# A capitalised "May" is the month after a time word ("in May", "until May", "early May", "mid-May"), but
# the politician as often after some ("a speech by May", "a letter from May", "the cabinet of May"): those
# cue the month only where the parse and the words say time (see _may_cue).
_MAY_CUES = {"in", "since", "until", "till", "during", "through", "early", "late", "mid", "last", "next", "this",
             "on", "before", "after"}
# "of May" only after a noun of time: "the end of May", "the first week of May".
_OF_MONTH_NOUNS = {"end", "start", "beginning", "middle", "month", "week", "weeks", "half", "rest", "part",
                   "days", "ides"}
# Qualifiers before a figure: a floor ("at least 500", "above"), a ceiling ("up to 500", "below") or an
# approximation ("about 500", "approx").  "Nearly 500" and "more than 500" disagree; see _bound_change.
_QUALIFIERS = {
    ("no", "more", "than"): "below", ("no", "fewer", "than"): "above", ("no", "less", "than"): "above",
    ("not", "more", "than"): "below", ("not", "less", "than"): "above", ("in", "excess", "of"): "above",
    ("a", "minimum", "of"): "above", ("a", "maximum", "of"): "below", ("as", "many", "as"): "below",
    ("as", "much", "as"): "below", ("more", "than"): "above", ("fewer", "than"): "below",
    ("less", "than"): "below", ("at", "least"): "above", ("at", "most"): "below", ("up", "to"): "below",
    ("upwards", "of"): "above", ("well", "over"): "above", ("well", "above"): "above",
    ("well", "under"): "below", ("well", "below"): "below", ("just", "under"): "below",
    ("just", "below"): "below", ("just", "over"): "above", ("just", "above"): "above", ("close", "to"): "below",
    ("nearly",): "below", ("almost",): "below", ("over",): "above", ("under",): "below", ("above",): "above",
    ("below",): "below", ("exceeding",): "above", ("a", "good"): "above", ("upward", "of"): "above",
    ("older", "than"): "above", ("younger", "than"): "below",
    ("about",): "approx", ("around",): "approx", ("roughly",): "approx", ("approximately",): "approx",
    ("approx",): "approx", ("circa",): "approx", ("some",): "approx", ("an", "estimated"): "approx",
    ("estimated",): "approx", ("more", "or", "less"): "approx",
}
# The same after the figure (or after the noun it counts): "14 or more people", "500 people or so".
_POST_QUALIFIERS = {("or", "more"): "above", ("or", "over"): "above", ("or", "above"): "above",
                    ("and", "over"): "above", ("and", "above"): "above", ("or", "higher"): "above",
                    ("or", "less"): "below", ("or", "fewer"): "below",
                    ("or", "under"): "below", ("or", "below"): "below", ("or", "so"): "approx",
                    ("or", "older"): "above", ("and", "older"): "above", ("and", "up"): "above",
                    ("or", "younger"): "below", ("and", "under"): "below", ("and", "younger"): "below"}
# Bounds that also say the figure is close ("nearly 500" is about 500, from below): against an
# approximation or a bare figure only a minor change, unlike a plain floor or ceiling.
_NEAR_BOUNDS = {"nearly", "almost", "just under", "just below", "just over", "just above", "close to", "a good"}
# One-word qualifiers that are also prepositions: where the parser reads them as heading a phrase they may
# be no bound at all ("a win over fifth-seeded Zambia", "under four centres", "runs over 3 days"), or one
# ("the count over 100"): the figure is then loosely bounded (Mention.loose_qual), see _bound_change.
_PREPOSITIONAL = {"over", "under", "above", "below", "about", "around"}
# Verbs that make their object figure a bound: "has surpassed 100" is "over 100", "temperatures reaching 25
# degrees" is "up to 25 degrees".
_BOUND_VERBS = {"surpass", "exceed", "top", "pass", "cross", "outnumber", "eclipse", "break", "reach", "hit",
                "peak", "approach", "near", "touch"}
# Words of a qualifier: one of them just before a figure the scanner reads as bare ("more: than 5",
# "more thna 5", "than more 5") means a qualifier is there, only not read whole.
_QUALIFIER_WORDS = frozenset({"more", "less", "fewer", "least", "most", "than", "over", "under", "above", "below",
                              "nearly", "almost", "upwards", "upward", "exceeding", "excess", "minimum", "maximum",
                              "up"})
# Verbs of movement before "up to": a destination ("prices went up to 5%"), not a ceiling.
_UP_TO_VERBS = {"go", "rise", "climb", "jump", "shoot", "soar", "move", "come", "add", "sum", "round", "push",
                "bring", "pile", "creep", "inch", "edge", "step", "ramp", "run", "turn", "total"}
# Durations with a fixed conversion, in seconds or in months: "48 hours" = "two days".
_SECONDS = {"s": 1, "min": 60, "h": 3600, "d": 86400, "wk": 604800}
_MONTHS_IN = {"mo": 1, "yr": 12, "dec": 120, "cent": 1200}
# Words that make "pound(s)" a weight, not money: "it weighs 5 pounds".
_WEIGHT_CUES = {"weigh", "weight", "heavy", "heavier", "lighter", "overweight"}
_DECADE_WORDS = {"twenties": "20s", "thirties": "30s", "forties": "40s", "fifties": "50s", "sixties": "60s",
                 "seventies": "70s", "eighties": "80s", "nineties": "90s"}
# An identifier that names something ("COVID-19", "MH17", "F-16"): letters, then digits.
_NAME_CODE = re.compile(r"^[a-z]{2,}[-‑]?\d{1,4}[a-z]?$")
_FRACTIONS = {"half": 0.5, "halves": 0.5, "third": 1 / 3, "thirds": 1 / 3, "quarter": 0.25, "quarters": 0.25}
_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1, "feb": 2, "mar": 3,
    "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
# Month names that are also ordinary words or abbreviations: only a month next to a number.
_WEAK_MONTHS = {"may", "march", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
                "nov", "dec"}
# Verbs and "-fold" words that multiply a quantity ("doubled", "halved", "threefold", "10-fold"): a factor, a
# number like any other ("doubled" -> "tripled" is a changed figure).  Inflected forms are read in any part of
# speech ("a doubling of", "a tripled budget"), the base forms only as verbs ("a double room" is none).
_MULTIPLIERS = {"double": 2.0, "triple": 3.0, "treble": 3.0, "quadruple": 4.0, "quintuple": 5.0, "halve": 0.5}
_MULTIPLIER_FORMS = {f"{stem}{end}": v for stem, v in (("doubl", 2.0), ("tripl", 3.0), ("trebl", 3.0),
                                                        ("quadrupl", 4.0), ("quintupl", 5.0), ("halv", 0.5))
                     for end in ("ed", "ing")}
_FOLD_RE = re.compile(r"^([a-z]+|\d+(?:\.\d+)?)-?fold$")
FACTOR = ("factor", "x")  # the unit of a multiplier mention
_CURRENCY_SYMBOLS = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW",
                     "c$": "CAD", "a$": "AUD", "hk$": "HKD", "r$": "BRL", "₽": "RUB", "₺": "TRY"}
_CURRENCY_WORDS = {
    "dollar": "USD", "dollars": "USD", "usd": "USD", "euro": "EUR", "euros": "EUR", "eur": "EUR",
    "pound": "GBP", "pounds": "GBP", "sterling": "GBP", "gbp": "GBP", "yen": "JPY", "jpy": "JPY",
    "yuan": "CNY", "renminbi": "CNY", "rmb": "CNY", "cny": "CNY", "won": "KRW", "krw": "KRW",
    "rupee": "INR", "rupees": "INR", "inr": "INR", "rouble": "RUB", "roubles": "RUB", "ruble": "RUB",
    "rubles": "RUB", "rub": "RUB", "franc": "CHF", "francs": "CHF", "chf": "CHF", "czk": "CZK",
    "crown": "CZK", "crowns": "CZK", "koruna": "CZK", "zloty": "PLN", "zlotys": "PLN", "pln": "PLN",
    "forint": "HUF", "forints": "HUF", "huf": "HUF", "lira": "TRY", "hryvnia": "UAH", "hryvnias": "UAH",
}
# unit word -> (dimension, canonical unit)
_UNITS: dict[str, tuple[str, str]] = {}
for _dim, _names in {
    "length": {"km": ["km", "kms", "kilometer", "kilometers", "kilometre", "kilometres"],
               "mi": ["mile", "miles", "mi"], "m": ["meter", "meters", "metre", "metres"],
               "cm": ["cm", "centimeter", "centimeters", "centimetre", "centimetres"],
               "mm": ["mm", "millimeter", "millimeters", "millimetre", "millimetres"],
               "ft": ["ft", "foot", "feet"], "in": ["inch", "inches"], "yd": ["yard", "yards"]},
    "mass": {"kg": ["kg", "kgs", "kilogram", "kilograms", "kilo", "kilos"], "g": ["gram", "grams", "g"],
             "lb": ["lb", "lbs"], "t": ["ton", "tons", "tonne", "tonnes"], "oz": ["ounce", "ounces", "oz"]},
    "area": {"ha": ["hectare", "hectares", "ha"], "acre": ["acre", "acres"],
             "km2": ["km2", "km²", "sqkm"], "m2": ["m2", "m²"]},
    "time": {"s": ["second", "seconds"], "min": ["minute", "minutes", "mins"], "h": ["hour", "hours", "hrs"],
             "d": ["day", "days"], "wk": ["week", "weeks"], "mo": ["month", "months"],
             "yr": ["year", "years"], "dec": ["decade", "decades"], "cent": ["century", "centuries"]},
    "power": {"kw": ["kw", "kilowatt", "kilowatts"], "mw": ["mw", "megawatt", "megawatts"],
              "gw": ["gw", "gigawatt", "gigawatts"], "w": ["watt", "watts"]},
    "temp": {"c": ["°c", "celsius", "centigrade"], "f": ["°f", "fahrenheit"]},
    "volume": {"l": ["liter", "liters", "litre", "litres", "l"], "ml": ["ml", "milliliter", "millilitres"],
               "gal": ["gallon", "gallons"]},
    "speed": {"kmh": ["km/h", "kph", "kmh"], "mph": ["mph"]},
}.items():
    for _canon, _words in _names.items():
        for _w in _words:
            _UNITS[_w] = (_dim, _canon)

# Factors to one base unit per dimension, for conversions ("8 pounds" = "3.6 kilograms"); temperature apart.
_TO_BASE: dict[str, dict[str, float]] = {
    "length": {"km": 1e3, "mi": 1609.344, "m": 1.0, "cm": 0.01, "mm": 1e-3, "ft": 0.3048, "in": 0.0254,
               "yd": 0.9144},
    "mass": {"kg": 1.0, "g": 1e-3, "lb": 0.45359237, "t": 1e3, "oz": 0.028349523},
    "area": {"ha": 1e4, "acre": 4046.8564, "km2": 1e6, "m2": 1.0, "mi2": 2589988.1, "ft2": 0.09290304,
             "cm2": 1e-4},
    "volume": {"l": 1.0, "ml": 1e-3, "gal": 3.785411784},
    "speed": {"kmh": 1.0, "mph": 1.609344},
    "power": {"w": 1.0, "kw": 1e3, "mw": 1e6, "gw": 1e9},
    "points": {"pp": 1.0, "bp": 0.01},  # 50 basis points = half a percentage point
}
# What a dimension is called in a message: "Unit changed from weight to money".
_DIM_NAMES = {"mass": "weight", "temp": "temperature", "percent": "percentage",
              "points": "percentage points", "factor": "multiple"}  # read as .get(x, x)
# After a glued "m" or "k" ("10m", "5K"): words that make it metres (or a race distance), not a million.
_LENGTH_CONTEXT = {"tall", "high", "long", "deep", "wide", "away", "above", "below", "sprint", "race", "dash",
                   "hurdles", "freestyle", "relay", "medley", "butterfly", "backstroke", "breaststroke", "run",
                   "swim", "walk", "final", "event", "record", "title", "heat", "jump", "wall", "tower", "drop",
                   "fall", "depth", "height", "length", "altitude", "radius", "stretch", "section", "deep-sea",
                   "-", "–", "high-", "mark", "world", "olympic", "gold", "silver", "bronze", "medal", "champion"}
# Words before an amount that keep it vague: "several thousand" = "thousands".
_VAGUE_WORDS = {"several", "many", "some", "few"}
# Words that say "24/7" without its digits.
_ROUND_THE_CLOCK = (("around", "the", "clock"), ("round", "the", "clock"), ("round-the-clock",),
                    ("around-the-clock",), ("day", "and", "night"), ("night", "and", "day"))

# Unit letters that only read as units glued to a number: "40C", "104F".
_SUFFIX_UNITS = {"c": ("temp", "c"), "f": ("temp", "f")}


_YEAR_RE = re.compile(r"(1[0-9]|20)\d\d")


def _span_end(first: float, yy: float) -> float:
    """The full year a span's two-digit end names: 2015/16 -> 2016, 1999-00 -> 2000."""
    nxt = first - first % 100 + yy
    return nxt if nxt > first else nxt + 100


def is_unit_word(word: str) -> bool:
    """A unit of measure as written after a number ("kW", "km", "mph"), in any case."""
    return word.lower() in _UNITS

_NUM_RE = re.compile(
    r"^(?P<cur>us\$|c\$|a\$|hk\$|r\$|[$€£¥₹₩₽₺])?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[\u00a0\u2009\u202f]\d{3})+|\d+,\d{1,2}|\d+(?:\.\d+)?|\.\d+)"
    r"(?P<suf>st|nd|rd|th|s|%|[a-z°/]+)?$", re.IGNORECASE)
_RANGE_RE = re.compile(r"^(\d+(?:\.\d+)?)[:\-–—/](\d+(?:\.\d+)?)$")
_TIME_RE = re.compile(r"^\d{1,2}[:.]\d{2}$")
_STRIP = "~*^'\"“”‘’()[]{}"


@dataclass
class Mention:
    """One number, quantity, date or code in a sentence, located by its first and last token."""

    first: Located
    last: Located
    text: str
    kind: str  # num | ordinal | year | date | code | time | fraction | vague | weekday
    value: Any  # float, (month, day) or str
    unit: tuple[str, str] | None = None  # (dimension, canonical), dimension "money"/"percent"
    weak: bool = False  # a spelled-out small number or ordinal word: often not a figure at all
    head: str = ""  # lemma of the noun the number counts, for context pairing
    position: float = 0.0  # relative position in the pair side
    role: str = ""  # lemma of the word before the number ("was 52 to 48"): context when no noun is counted
    qual: str = ""  # "above" / "below" / "approx" / "": a bound ("more than 500") or an approximation ("about 500")
    qual_text: str = ""  # the words of that qualifier
    qual_span: tuple[Located, Located] | None = None  # the figure with its qualifier words, first to last
    loose_qual: str = ""  # a bound the words may or may not set: "over 100" read as a preposition
    keys: set[Any] = field(default_factory=set)
    loose: set[Any] = field(default_factory=set)  # second-pass keys: "July 22" ~ "22", "Russia-1" ~ "1"
    alt: float | None = None  # another reading of the value: "3m" is 3 metres or 3 million

    def display(self) -> str:
        return self.text


def _num(text: str) -> float | None:
    if re.fullmatch(r"\d+,\d{1,2}", text):  # a decimal comma: "3,5 million"
        text = text.replace(",", ".")
    try:
        return float(re.sub(r"[,\u00a0\u2009\u202f]", "", text))
    except ValueError:
        return None


def _fmt(value: Any) -> Any:
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value):
            return int(value)
        return round(value, 6)
    if isinstance(value, tuple):
        return list(value)
    return value


class _Scanner:
    """Groups the tokens of one side of a pair into number mentions."""

    def __init__(self, toks: list[Located]) -> None:
        self.toks = toks
        self.n = len(toks)
        self._low = [t.text.lower().strip(_STRIP) for _, t in toks]

    def low(self, i: int) -> str:
        return self._low[i] if 0 <= i < self.n else ""

    def word_value(self, i: int) -> tuple[str, float] | None:
        w = self.low(i)
        if w in _SMALL:
            return "small", float(_SMALL[w])
        if w in _SCALES:
            return "scale", _SCALES[w]
        if w in ("dozen", "dozens"):
            return "scale", 12.0
        m = _NUM_RE.match(w)
        if m and not m.group("cur") and not m.group("suf"):
            v = _num(m.group("num"))
            if v is not None:
                return "digits", v
        return None

    def scan(self) -> list[Mention]:
        out: list[Mention] = []
        i = 0
        while i < self.n:
            m = self._at(i)
            if m is None or m[0] is None:
                i += 1
                continue
            out.extend(m[0])
            i = m[1]
        total = max(1, self.n - 1)
        where = {(s, t.i): k for k, (s, t) in enumerate(self.toks)}
        for mention in out:
            k = where.get((mention.first[0], mention.first[1].i), 0)
            mention.position = k / total
            mention.role = self._role(k)
            last = where.get((mention.last[0], mention.last[1].i), k)
            mention.qual, mention.qual_text, mention.qual_span = self._qual(k, last, mention)
        return out

    def _role(self, k: int) -> str:
        """Lemma of the word just before a mention, unless it only links it ("and", ",", "the")."""
        if k < 1:
            return ""
        tok = self.toks[k - 1][1]
        if tok.pos_ in ("CCONJ", "PUNCT", "DET", "SYM", "NUM") or not self.low(k - 1):
            return ""
        return str(tok.lemma_.lower())

    def _qual(self, k: int, last: int, m: Mention) -> tuple[str, str, tuple[Located, Located] | None]:
        """Whether the words before mention ``m`` (first token ``k``, last ``last``) bound it from above or below
        ("at least", "nearly") or make it approximate ("about"), or words after it do ("14 or more", "500
        people or so"): the kind, those words and the span of the figure with them."""
        # "over a 100 feet": an article between the qualifier and the figure; "below the age of 5"
        ends: tuple[int, ...] = (k,)
        if self.low(k - 1) in ("a", "an") and self.toks[k][1].like_num:
            ends = (k, k - 1)
        elif (self.low(k - 3), self.low(k - 2), self.low(k - 1)) == ("the", "age", "of"):
            ends = (k, k - 3)
        for end, n in ((end, n) for end in ends for n in (3, 2, 1)):
            words = tuple(self.low(j) for j in range(end - n, end)) if end >= n else ()
            if words not in _QUALIFIERS:
                continue
            first = self.toks[end - n][1]
            if n == 1 and words[0] in _PREPOSITIONAL and first.dep_ == "prep":
                m.loose_qual = _QUALIFIERS[words]  # "win over fifth-seeded", "under four centers"; "over 100"
                continue
            if words == ("up", "to") and end > 2 and self.toks[end - 3][1].pos_ == "VERB" \
                    and self.toks[end - 3][1].lemma_.lower() in _UP_TO_VERBS:
                continue  # "prices went up to 5%": where they went, not a ceiling
            return _QUALIFIERS[words], " ".join(words), (self.toks[end - n], self.toks[last])
        # After the figure, or after the one noun it counts: "14 or more", "14 people or more".
        for at in (last + 1, last + 2):
            if at == last + 2 and not (last + 1 < self.n and self.toks[last + 1][1].pos_ in ("NOUN", "PROPN")):
                break
            for n in (2, 1):
                words = tuple(self.low(j) for j in range(at, at + n)) if at + n <= self.n else ()
                if words in _POST_QUALIFIERS:
                    return _POST_QUALIFIERS[words], " ".join(words), (self.toks[k], self.toks[at + n - 1])
        obj = self.toks[last][1]
        obj = obj.head if obj.dep_ in ("nummod", "quantmod", "compound") else obj  # "reaching 25 degrees"
        verb = obj.head if obj.dep_ == "dobj" else None
        if verb is not None and verb.lemma_.lower() in _BOUND_VERBS:
            m.loose_qual = "verb"  # "has surpassed 100": a bound in the verb, as "over 100" is
        before = [w for w in (self.low(j) for j in range(max(0, k - 4), k)) if w and w.isalpha()][-3:]
        if any(w in _QUALIFIER_WORDS or _close_to_qualifier(w) for w in before):
            m.loose_qual = "words"  # "more: than 1,000", "more thna 5", "than more 5": not read whole
        return "", "", None

    def _cue(self, i: int) -> str:
        """The word before token ``i`` that may make it a month: "in", "until"; "mid" of "mid-May"."""
        cue = self.low(i - 1)
        if cue in ("-", "–") and self.low(i - 2) == "mid":
            return "mid"
        return cue[:-1] if cue.endswith("-") else cue  # "mid-" as one token

    def _may_cue(self, i: int) -> bool:
        """Whether the word before a capitalised "May" makes it the month, not the politician (_MAY_CUES)."""
        cue = self._cue(i)
        if cue in _MAY_CUES:
            return True
        if cue == "of":  # "the end of May", not "the cabinet of May"
            return self.low(i - 2) in _OF_MONTH_NOUNS
        if cue not in ("by", "from"):
            return False
        # "a speech by May", "a letter from May": not where this side names May as a person ("Theresa May",
        # "Mrs May"), nor before "and" ("by May and her ministers"); "from" only opening a span ("from May to").
        person = any(t.text == "May" and k > 0 and self.toks[k - 1][1].pos_ == "PROPN"
                     or t.text == "May" and self.low(k - 1).rstrip(".") in ("mrs", "ms", "minister")
                     for k, (_, t) in enumerate(self.toks))
        if person or self.low(i + 1) == "and" and self.low(i + 2) not in _MONTHS:
            return False
        return cue == "by" or self.low(i + 1) in ("to", "until", "till", "through", "onwards", "onward", ",", "-",
                                                  "–", "", ".")

    def _month_at(self, i: int) -> int | None:
        w = self.low(i).rstrip(".")
        if w not in _MONTHS:
            return None
        tok = self.toks[i][1]
        capital = tok.text[:1].isupper()
        # "in March", "until May": a bare month, capitalised after a time word (not "in May's cabinet")
        if w in _WEAK_MONTHS and (len(w) > 3 or w == "may") and capital and i > 0 \
                and (self._may_cue(i) if w == "may" else self._cue(i) in _MONTH_CUES) \
                and not (i + 1 < self.n and self.toks[i + 1][1].text in ("'s", "’s")):
            return _MONTHS[w]
        if w in _WEAK_MONTHS:
            after = (i + 1, i + 2) if self.low(i + 1) in (".", ":") else (i + 1,)  # "Sept. 16"
            near = any(self._day(j) is not None or self._year(j) for j in (i - 1, *after))
            # "may" the verb before a number ("may 5 people") is no month; before a year, or a capitalised
            # "May" after a day ("on 12 May"), it is
            if w == "may" and tok.pos_ in ("AUX", "VERB") and not self._year(i + 1) \
                    and not (capital and self._day(i - 1) is not None):
                return None
            near = near or (self.low(i - 1) == "of" and self._day(i - 2) is not None)
            if not near:
                return None
        return _MONTHS[w]

    def _day(self, i: int) -> int | None:
        w = self.low(i)
        if w in _ORD_WORDS and _ORD_WORDS[w] <= 31:
            return _ORD_WORDS[w]
        m = _NUM_RE.match(w)
        if m and not m.group("cur") and (m.group("suf") or "").lower() in ("", "st", "nd", "rd", "th"):
            v = _num(m.group("num"))
            if v is not None and v == int(v) and 1 <= v <= 31 and "," not in m.group("num"):
                return int(v)
        return None

    def _year(self, i: int) -> bool:
        return bool(_YEAR_RE.fullmatch(self.low(i)))

    def _at(self, i: int) -> tuple[list[Mention], int] | None:
        tok = self.toks[i][1]
        w = self.low(i)
        if not w:
            return None
        frac = re.fullmatch(r"([1-9])/([2-9]|10)", w)
        if frac and int(frac.group(1)) < int(frac.group(2)):  # "3/4"; "9/11", "24/7", "7/7" are names
            return [Mention(self.toks[i], self.toks[i], tok.text, "fraction", int(frac.group(1)) / int(frac.group(2)),
                            head=self._head(i, i))], i + 1
        if re.fullmatch(r"\d{1,2}/\d{1,2}", w):  # one code, read as a date where it can be one (_loose_keys)
            return [self._code(i)[0]], i + 1
        if re.fullmatch(r"\d\d", w) and self.low(i - 1) in ("-", "–", "—", "/") and i > 1 \
                and not self.toks[i - 2][1].whitespace_ and not self.toks[i - 1][1].whitespace_ \
                and self._year(i - 2):  # "2015-16" in three tokens: 2016
            return [Mention(self.toks[i], self.toks[i], tok.text, "num", _span_end(float(self.low(i - 2)), float(w)),
                            head=self._head(i, i))], i + 1
        rng = _RANGE_RE.match(w)
        if rng and not _TIME_RE.match(w):  # "2015–2019", "2:0", "3-4", "2015/16": two numbers in one token
            ends = [float(rng.group(1)), float(rng.group(2))]
            if _YEAR_RE.fullmatch(rng.group(1)) and re.fullmatch(r"\d\d", rng.group(2)):  # "2015/16", "1999-00"
                ends[1] = _span_end(ends[0], ends[1])
            return [Mention(self.toks[i], self.toks[i], tok.text, "num", end,
                            head=self._head(i, i)) for end in ends], i + 1
        one = self._one(i)
        if one is None:
            return None
        return [one[0]], one[1]

    def _one(self, i: int) -> tuple[Mention, int] | None:
        tok = self.toks[i][1]
        w = self.low(i)
        # Dates: "March 3", "March 3rd", "3 March", "the 3rd of March"
        month = self._month_at(i)
        if month is not None:
            day = None
            end = i
            nxt = i + 2 if self.low(i + 1) in (".", ":") else i + 1  # "Sept. 16"
            if self._day(nxt) is not None and not self._year(nxt):
                day, end = self._day(nxt), nxt
            elif self._day(i - 1) is not None and not self._year(i - 1):
                pass  # handled when the day was scanned
            return Mention(self.toks[i], self.toks[end], self._text(i, end), "date", (month, day),
                           head="date"), end + 1
        if self._day(i) is not None:
            for j in (i + 1, i + 2):
                sep = self.low(i + 1)
                if j == i + 2 and sep != "of":
                    continue
                mj = self._month_at(j)
                if mj is not None:
                    return Mention(self.toks[i], self.toks[j], self._text(i, j), "date",
                                   (mj, self._day(i)), head="date"), j + 1
        if w == "24" and self.low(i + 1) in ("hours", "hrs") and self.low(i + 2) in ("a", "per") \
                and self.low(i + 3) == "day":  # "24 hours a day, seven days a week" = "24/7"
            end = i + 3
            k = end + 2 if self.low(end + 1) == "," else end + 1
            if self.low(k) in ("seven", "7") and self.low(k + 1) == "days" and self.low(k + 2) in ("a", "per") \
                    and self.low(k + 3) == "week":
                end = k + 3
            return Mention(self.toks[i], self.toks[end], self._text(i, end), "code", "24/7", head="code"), end + 1
        if w in _VAGUE_WORDS and (self.low(i + 1) in _SCALES or self.low(i + 1) == "dozen") \
                and (w != "few" or self.low(i - 1) == "a"):
            return self._vague_scale(i)
        factor = self._factor(i)
        if factor is not None:
            return Mention(self.toks[i], self.toks[i], tok.text, "num", factor, FACTOR, weak=True,
                           head=self._head(i, i)), i + 1
        if w in _WEEKDAYS and tok.text[:1].isupper():
            return Mention(self.toks[i], self.toks[i], tok.text, "weekday", _WEEKDAYS[w], weak=True,
                           head="weekday"), i + 1
        if w in _PLURAL_SCALES and self.word_value(i - 1) is None:
            return self._vague(i)
        if re.fullmatch(r"\d\d", w) and (tok.text[:1] in "'’" or i > 0 and self.toks[i - 1][1].text in ("'", "’")
                                         and not self.toks[i - 1][1].whitespace_):
            start = i if tok.text[:1] in "'’" else i - 1  # "'61": a year by its last two digits
            return Mention(self.toks[start], self.toks[i], self._text(start, i), "year", float(w),
                           head=self._head(i, i)), i + 1
        if _TIME_RE.match(w):
            hh, mm = re.split(r"[:.]", w)
            return self._time(i, int(hh), int(mm))
        if re.fullmatch(r"\d{1,2}", w) and self.low(i + 1).replace(".", "") in ("am", "pm"):
            return self._time(i, int(w), 0)
        if w in _DECADE_WORDS:  # "in his fifties" = "in his 50s"
            return Mention(self.toks[i], self.toks[i], tok.text, "code", _DECADE_WORDS[w], head="decade"), i + 1
        if w in ("first", "second") and self.low(i + 1) in ("half", "halves", "half-time", "leg", "innings"):
            return None  # "the second half", "the first leg": a part of a match, not a figure
        if w in ("half", "halves") and (self.low(i + 1) in ("-", "time", "-time") or self.low(i - 1) in (
                "first", "second", "opening", "closing", "early", "late", "latter", "final", "last", "back",
                "front")) and self.low(i + 1) not in ("of", "a", "an"):
            return None  # "half-time", "the second half": a part of a match
        if w in _ORD_WORDS:
            if w == "second" and (self.low(i - 1) in _SMALL or self.low(i + 1) in ("", ".", ",") and (
                    tok.pos_ == "NOUN" or self.low(i - 1) in ("a", "per", "every", "each", "split"))):
                return None  # the unit of time ("wait a second."), or "two seconds"; not "finished second."
            return Mention(self.toks[i], self.toks[i], tok.text, "ordinal", float(_ORD_WORDS[w]), weak=True,
                           head=self._head(i, i)), i + 1
        # A currency symbol as its own token before the number: "$ 5", "US$ 2bn"
        cur = None
        start = i
        if w in _CURRENCY_SYMBOLS and i + 1 < self.n and _NUM_RE.match(self.low(i + 1)):
            cur = _CURRENCY_SYMBOLS[w]
            i += 1
            w = self.low(i)
        elif w.upper() in {"USD", "EUR", "GBP", "CNY", "RMB", "JPY", "CZK", "PLN", "HUF", "INR", "CHF", "RUB",
                           "UAH", "KRW", "RS", "RS."} and i + 1 < self.n and _NUM_RE.match(self.low(i + 1)):
            cur = _CURRENCY_WORDS.get(w, w.upper().rstrip("."))
            i += 1
            w = self.low(i)
        if w in ("a", "an") and self.low(i + 1) == "third" and self.toks[i + 1][1].dep_ == "amod" \
                and self.low(i + 2) != "of":
            return None  # "a third consecutive day", "a third term": the ordinal (read next), not one third
        m = _NUM_RE.match(w)
        if m is None and len(w) > 2 and w.endswith(".") and w[-2].isalpha() and w[0].isdigit():
            m = _NUM_RE.match(w[:-1])  # "40C." at the end of a sentence is one token
        if m is None and w in ("a", "an") and self.low(i + 1) in ("hundred", "thousand", "million", "billion",
                                                                 "dozen", "third", "quarter", "half", "decade",
                                                                 "century"):
            value: float = 1.0
            kind = "num"
            end = i
        elif m is not None:
            suf = (m.group("suf") or "").lower()
            if m.group("cur"):
                cur = _CURRENCY_SYMBOLS.get(m.group("cur").lower())
            value = _num(m.group("num")) or 0.0
            kind = "num"
            end = i
            unit = None
            if suf in ("st", "nd", "rd", "th"):
                return Mention(self.toks[start], self.toks[i], self._text(start, i), "ordinal", value,
                               head=self._head(start, i)), i + 1
            if suf == "s" and re.fullmatch(r"\d+0", m.group("num")):
                return Mention(self.toks[start], self.toks[i], self._text(start, i), "code", w,
                               head="decade"), i + 1
            if suf == "%":
                unit = ("percent", "%")
            elif suf in _SUFFIX_SCALES:
                value *= _SUFFIX_SCALES[suf]
            elif suf in _UNITS:
                unit = _UNITS[suf]
            elif suf.lstrip("°") in _SUFFIX_UNITS:
                unit = _SUFFIX_UNITS[suf.lstrip("°")]
            elif suf:
                return self._code(start)
            mention = self._finish(start, end, value, kind, cur, unit, digits=True)
            return mention
        elif w in _SMALL or w in _FRACTIONS:
            value, kind, end = 0.0, "num", i - 1
        elif any(c.isdigit() for c in w) and any(c.isalpha() for c in w):
            nm = re.fullmatch(r"no\.?(\d+)", w)
            if nm:  # "No.3"
                return self._finish(i, i, float(nm.group(1)), "num", None, None, digits=True)
            return self._code(i)
        else:
            return None
        return self._finish(start, end, value, kind, cur, None, digits=False)

    def _factor(self, i: int) -> float | None:
        """The factor a multiplying word says ("doubled" 2, "halving" 0.5, "threefold" 3), or None."""
        w = self.low(i)
        tok = self.toks[i][1]
        value = _MULTIPLIER_FORMS.get(w)
        if value is None and tok.pos_ == "VERB" and str(tok.lemma_).lower() in _MULTIPLIERS:
            value = _MULTIPLIERS[str(tok.lemma_).lower()]
        if value is not None:  # not "doubled down", "doubles as an office", "double-check", "doubled up"
            return None if self.low(i + 1) in ("down", "up", "over", "as", "-", "–") else value
        # "twice as many", "almost double its valuation", "triple the amount": a factor before what it multiplies
        # ("visited twice", "a double room", "a triple jump" are none)
        if (w == "twice" or w in _MULTIPLIERS and w != "halve" and self.low(i - 1) not in ("a", "an", "the")) \
                and self._multiplied(i + 1):
            return 2.0 if w == "twice" else _MULTIPLIERS[w]
        fold = _FOLD_RE.match(w)
        if fold is None:
            return None
        word = fold.group(1)
        if word in _SMALL or word in _SCALES:
            return float(_SMALL.get(word) or _SCALES[word])
        return _num(word) if word[0].isdigit() else None

    def _multiplied(self, j: int) -> bool:
        """Token ``j`` starts what a factor multiplies: "as many", "more", a comparative ("higher"), or a
        determiner or possessive ("the amount", "its valuation", "that of")."""
        if j >= self.n:
            return False
        tok = self.toks[j][1]
        return self.low(j) in ("as", "more", "less", "the", "its", "their", "his", "her", "our", "that", "what",
                               "this", "those", "these") or tok.tag_ in ("JJR", "RBR", "PRP$")

    def _vague(self, i: int) -> tuple[Mention, int]:
        """"Hundreds", "tens of thousands": an order of magnitude, compared only with another such."""
        value, end = _PLURAL_SCALES[self.low(i)], i
        while self.low(end + 1) == "of" and self.low(end + 2) in _PLURAL_SCALES:
            value *= _PLURAL_SCALES[self.low(end + 2)]
            end += 2
        head = self._head(end + 1, end + 1) if self.low(end + 1) == "of" else self._head(i, end)
        return Mention(self.toks[i], self.toks[end], self._text(i, end), "vague", value, weak=True,
                       head=head), end + 1

    def _vague_scale(self, i: int) -> tuple[Mention, int]:
        """"Several thousand", "a few hundred": as vague as "thousands", "hundreds"."""
        start = i - 1 if self.low(i) == "few" else i
        end = i + 1
        value = _SCALES.get(self.low(end), 12.0)
        while self.low(end + 1) in _SCALES and _SCALES[self.low(end + 1)] >= 1e3:  # "several hundred thousand"
            value *= _SCALES[self.low(end + 1)]
            end += 1
        return Mention(self.toks[start], self.toks[end], self._text(start, end), "vague", value, weak=True,
                       head=self._head(start, end)), end + 1

    def _time(self, i: int, hh: int, mm: int) -> tuple[Mention, int]:
        end = i
        mer = self.low(i + 1).replace(".", "")
        if mer in ("am", "pm"):
            end = i + 1
            hh = hh % 12 + (12 if mer == "pm" else 0)
        value = f"{hh:02d}:{mm:02d}"
        return Mention(self.toks[i], self.toks[end], self._text(i, end), "time", value, head="time"), end + 1

    def _code(self, i: int) -> tuple[Mention, int]:
        tok = self.toks[i][1]
        value = self.low(i).strip("-./'’")
        return Mention(self.toks[i], self.toks[i], tok.text, "code", value, head="code"), i + 1

    def _finish(self, start: int, end: int, value: float, kind: str, cur: str | None,
                unit: tuple[str, str] | None, digits: bool) -> tuple[Mention, int]:
        """Extend a number over following number words, scales, fractions and units."""
        alt: float | None = None
        # "20 000" is one number, "page 12 300 names" two: not after a noun the first group labels
        label = start == end and start > 0 and self.low(start - 1).rstrip(".") in _LABELS
        if digits and re.fullmatch(r"\d{1,3}", self.low(end)) and not label:
            while re.fullmatch(r"\d{3}", self.low(end + 1)) and self.toks[end][1].whitespace_:
                value = value * 1000 + float(self.low(end + 1))  # "20 000": a space between thousands
                end += 1
        glued = end + 1 < self.n and not self.toks[end][1].whitespace_
        if digits and cur is not None and glued and self.low(end + 1).rstrip(".") in _SUFFIX_SCALES:
            value *= _SUFFIX_SCALES[self.low(end + 1).rstrip(".")]  # "$3m" is tokenised "$ 3 m": a scale
            end += 1
        elif digits and cur is None and glued and self.low(end + 1).rstrip(".") in _SUFFIX_SCALES:
            suf = self.low(end + 1).rstrip(".")
            after = self.toks[end + 2][1] if end + 2 < self.n else None
            # A plural noun right after is what is counted ("3m iPads", "1m people"); a singular one is
            # usually measured ("the 10m platform", "a 3m extension", "the 5K charity race")
            counted = after is not None and after.pos_ in ("NOUN", "PROPN") and after.tag_ in ("NNS", "NNPS") \
                and self.low(end + 2) not in _LENGTH_CONTEXT
            if suf not in ("m", "k") or counted:  # "3m iPads", "2bn people": a scale
                value *= _SUFFIX_SCALES[suf]
                end += 1
            elif suf == "m" and after is not None and self.low(end + 2) in _LENGTH_CONTEXT:
                unit, end = ("length", "m"), end + 1  # "a 10m wall", "the 100m sprint": metres
            else:  # "sold 3m.": 3 million or 3 metres
                alt, end = value * _SUFFIX_SCALES[suf], end + 1
        total, current = 0.0, value
        j = end + 1
        spelled = not digits
        fraction = None
        while j < self.n:
            w = self.low(j)
            wv = self.word_value(j)
            if wv is not None and wv[0] == "small" and (spelled or j == end + 1 and not digits):
                current += wv[1]
                spelled = True
            elif wv is not None and wv[0] == "scale":
                if wv[1] >= 1e3:
                    total += (current or 1.0) * wv[1]
                    current = 0.0
                else:
                    current = (current or 1.0) * wv[1]
            elif w == "and" and self.low(j + 1) in ("a", "one") and self.low(j + 2) == "half":
                current += 0.5
                end = j + 2
                j += 3
                continue
            elif re.fullmatch(r"[1-9]/(?:[2-9]|1[0-6])", w) and current == int(current):  # "2 1/2"
                a, b = w.split("/")
                current += int(a) / int(b)
            elif w in _FRACTIONS and fraction is None:
                fraction = _FRACTIONS[w]
                end = j
                j += 1
                break
            elif w in ("-", "and") and spelled and (self.low(j + 1) in _FRACTIONS or (
                    self.word_value(j + 1) or ("", 0.0))[0] in ("small", "scale")):
                j += 1
                continue
            else:
                break
            end = j
            j += 1
        value = total + current
        if fraction is not None:
            value = (value or 1.0) * fraction
            kind = "fraction"
        if end < start:  # a lone fraction or nothing numeric after all
            return None  # type: ignore[return-value]
        # Units after the number: "%", "per cent", "dollars", "km", "square km"
        k = end + 1
        w = self.low(k)
        if w in ("%", "percent", "pc", "pct"):
            unit, end = ("percent", "%"), k
        elif w == "per" and self.low(k + 1) == "cent":
            unit, end = ("percent", "%"), k + 1
        elif w in ("percentage", "basis") and self.low(k + 1) in ("point", "points"):
            unit, end = ("points", "pp" if w == "percentage" else "bp"), k + 1  # a difference of rates
        elif w in ("bp", "bps", "pp", "ppt", "ppts") and unit is None:
            unit, end = ("points", "bp" if w.startswith("b") else "pp"), k
        elif w in ("pound", "pounds") and cur is None and self._weight_context(k):
            unit, end = _UNITS["lb"], k  # "it weighs 5 pounds"
        elif w in _CURRENCY_WORDS and not (w == "won" and self.toks[k][1].pos_ == "VERB"):
            cur, end = _CURRENCY_WORDS[w], k
        elif unit is None and w in ("degree", "degrees", "°") and (
                self.low(k + 1) in _SUFFIX_UNITS or _UNITS.get(self.low(k + 1), ("",))[0] == "temp"):
            unit, end = _SUFFIX_UNITS.get(self.low(k + 1)) or _UNITS[self.low(k + 1)], k + 1  # "40 degrees Celsius"
        elif unit is None and w in ("km", "kilometres", "kilometers") and self.low(k + 1) in ("/", "per") \
                and self.low(k + 2).rstrip(".") in ("h", "hr", "hour"):
            unit, end = _UNITS["km/h"], k + 2  # "100 km/h" in three tokens
        elif unit is None and w in _UNITS:
            unit, end = _UNITS[w], k
        elif unit is None and w.endswith(".") and w[:-1] in _UNITS and k + 1 == self.n:
            unit, end = _UNITS[w[:-1]], k  # "2,000 kW." / "5,000 m.": the full stop glued to the unit
        elif unit is None and k < self.n and self.toks[k][1].pos_ == "ADJ" \
                and _UNITS.get(self.low(k + 1), ("",))[0] == "time" and not (start == end and self._year(end)):
            unit, end = _UNITS[self.low(k + 1)], k + 1  # "two full days", "three straight years"
        elif unit is None and w == "times" and self._multiplied(k + 1):
            unit, end = FACTOR, k  # "three times its valuation", "five times as many": a factor ("three times" alone: occasions)
        elif unit is None and (w == "fold" or w in ("-", "–") and self.low(k + 1) == "fold"):
            unit, end = FACTOR, k + (w != "fold")  # "two-fold", "10-fold" in three tokens: a factor
        elif unit is None and w == "square" and self.low(k + 1) in _UNITS:
            unit, end = ("area", _UNITS[self.low(k + 1)][1] + "2"), k + 1
        if cur is not None:
            unit = ("money", cur)
        if end + 1 < self.n and self.toks[end + 1][1].text in ("'s", "’s") and re.fullmatch(r"\d+0", self.low(end)):  # "1850's"
            return Mention(self.toks[start], self.toks[end + 1], self._text(start, end + 1), "code",
                           self.low(end) + "s", head="decade"), end + 2
        text = self._text(start, end)
        m = Mention(self.toks[start], self.toks[end], text, kind, float(value), unit, alt=alt)
        plain_int = value == int(value)
        if kind == "num" and digits and unit is None and plain_int and 1000 <= value <= 2100 \
                and re.fullmatch(r"\d{4}", self.low(start)) and start == end:
            m.kind = "year"
        m.weak = not digits and value <= 10 and (unit is None or unit[0] not in ("money", "percent")) \
            or unit == FACTOR  # a factor, as "doubled" is: often said another way ("rose 100%", "twice as many")
        m.head = self._head(start, end)
        if m.weak and self.low(start) in ("one", "a", "an") and end == start:
            return None  # type: ignore[return-value]  # "one of", "the one": not a figure
        return m, end + 1

    def _weight_context(self, k: int) -> bool:
        """Whether the sentence of token ``k`` speaks of weight, so that "pounds" are lb, not money."""
        sent = self.toks[k][0]
        return any(s == sent and str(t.lemma_).lower() in _WEIGHT_CUES for s, t in self.toks)

    def _text(self, a: int, b: int) -> str:
        ta, tb = self.toks[a], self.toks[b]
        if ta[0] != tb[0]:
            return ta[1].text
        doc = ta[1].doc
        return str(doc[ta[1].i: tb[1].i + 1].text)

    def _head(self, a: int, b: int) -> str:
        """Lemma of the noun the number counts (following noun or syntactic head)."""
        toks = [t for _, t in self.toks[a: b + 1]]
        for j in range(b + 1, min(self.n, b + 4)):
            t = self.toks[j][1]
            if t.pos_ in ("NOUN", "PROPN"):
                return str(t.lemma_.lower())
            if t.pos_ not in ("ADJ", "PUNCT", "NUM", "ADV"):
                break
        for t in toks:
            h = t.head
            if h not in toks and h.pos_ in ("NOUN", "PROPN"):
                return str(h.lemma_.lower())
        return ""


def extract(toks: list[Located]) -> list[Mention]:
    """Number mentions among the located tokens of one side of a pair."""
    mentions = [m for m in _Scanner(toks).scan() if m is not None]
    for m in mentions:
        m.keys = _keys(m)
        m.loose = _loose_keys(m)
    return mentions


def _duration(m: Mention) -> tuple[str, float] | None:
    """A span of time in a base unit (seconds, or months): "48 hours" and "two days" are one duration."""
    if m.unit is None or m.unit[0] != "time" or m.kind not in ("num", "fraction"):
        return None
    if m.unit[1] in _SECONDS:
        return "s", round(float(m.value) * _SECONDS[m.unit[1]], 3)
    return "mo", round(float(m.value) * _MONTHS_IN[m.unit[1]], 3)


def _keys(m: Mention) -> set[Any]:
    if m.kind in ("date", "weekday", "vague"):
        return {(m.kind, m.value)}
    if m.kind in ("code", "time"):
        return {(m.kind, str(m.value).replace("–", "-"))}
    v = float(m.value)
    keys: set[Any] = {("num", round(v, 6))}
    if m.alt is not None:
        keys.add(("num", round(m.alt, 6)))
    duration = _duration(m)
    if duration is not None:
        keys.add(("duration", duration))
    if m.kind == "ordinal" and m.head == "century" and v == int(v) and 1 <= v <= 21:
        keys.add(("code", f"{int(v) - 1}00s"))  # "the 19th century" = "the 1800s"
    if m.unit and m.unit[0] == "percent":
        keys.add(("num", round(v / 100, 6)))
    if m.kind == "fraction":
        keys.add(("num", round(v * 100, 6)))
    return keys


def _loose_keys(m: Mention) -> set[Any]:
    """Second-pass keys.  A date's day ("July 22" ~ "the 22nd") is a "day" key that only a mention without
    a month carries as well: two dates that share the day but not the month are a changed date."""
    out = set(m.keys)
    if m.kind == "date" and m.value[1] is not None:
        out.add(("day", float(m.value[1])))
    elif m.kind == "code":
        value = str(m.value)
        groups = re.findall(r"\d+(?:\.\d+)?", value)
        if len(groups) == 1:
            out.add(("num", round(float(groups[0]), 6)))
        slash = re.fullmatch(r"(\d{1,2})/(\d{1,2})", value)
        if slash:  # "9/11" = "September 11", "3/3" = "March 3": either order, day and month
            x, y = int(slash.group(1)), int(slash.group(2))
            out |= {("date", (mo, d)) for mo, d in ((x, y), (y, x)) if 1 <= mo <= 12 and 1 <= d <= 31}
        decade = re.fullmatch(r"1\d(\d0s)", value)
        if decade:  # "the 1990s" = "the nineties"
            out.add(("code", decade.group(1)))
    elif m.kind == "year":
        out.add(("yy", round(float(m.value)) % 100))  # "1961" = "'61"
    elif m.unit == FACTOR:  # "doubled" = "rose 100%", "halved" = "fell 50%"
        out.add(("num", round(abs(float(m.value) - 1) * 100, 6)))
    if m.kind in ("num", "ordinal") and not m.unit and float(m.value) in range(1, 32):
        out.add(("day", float(m.value)))
    return out


def _shares_key(a: Mention, b: Mention, loose: bool) -> bool:
    if not loose:
        return bool(a.keys & b.keys)
    shared = a.loose & b.loose
    if a.kind == "date" and b.kind == "date":  # "March 3" ~ "April 3" share only a day: no match
        shared = {k for k in shared if k[0] != "day"}
    return bool(shared)


def _dimension(m: Mention) -> str:
    return m.unit[0] if m.unit else ""


def _match_exact(a: list[Mention], b: list[Mention], loose: bool = False
                 ) -> tuple[list[tuple[Mention, Mention]], list[Mention], list[Mention]]:
    pairs = []
    rest_b = list(b)
    rest_a = []
    for m in a:
        cands = [r for r in rest_b if _shares_key(m, r, loose)]
        if not cands:
            rest_a.append(m)
            continue
        best = min(cands, key=lambda r: (r.kind != m.kind, _dimension(r) != _dimension(m), r.head != m.head,
                                         abs(r.position - m.position)))
        rest_b.remove(best)
        pairs.append((m, best))
    return pairs, rest_a, rest_b


def _compatible(a: Mention, b: Mention) -> bool:
    if (a.unit == FACTOR) != (b.unit == FACTOR):
        return False  # "doubled" against "100 people": a factor is compared only with a factor
    if a.kind == "date" or b.kind == "date":
        return a.kind == b.kind
    if a.kind in ("code", "time", "weekday") or b.kind in ("code", "time", "weekday"):
        return a.kind == b.kind
    return True


def _context_score(a: Mention, b: Mention, lone: bool) -> float:
    if not _compatible(a, b):
        return -1.0
    score = 0.0
    if a.head and a.head == b.head:
        score += 2.0
    if a.unit and b.unit and a.unit[0] == b.unit[0]:
        score += 1.0
    if a.kind == b.kind:
        score += 0.5
    if a.kind in ("date", "code", "time"):
        score += 1.0
    score += 0.5 * (1.0 - min(1.0, abs(a.position - b.position) * 2))
    shares = _percent_of(a) is not None and _percent_of(b) is not None  # "a third" and "60 percent"
    if (a.weak or b.weak) and not (a.head and a.head == b.head) and not shares:
        return -1.0 if not lone else score - 1.0
    return score if score >= 1.0 or lone else -1.0


# Words that make the figure after them the foil of a contrast: the alternative or the earlier figure.
_CONTRAST_CUES = {("rather", "than"), ("instead", "of"), ("down", "from"), ("up", "from"), ("compared", "with"),
                  ("compared", "to"), ("as", "against"), ("versus",), ("vs",), ("vs.",), ("not",), ("than",),
                  ("from",)}


def _contrast_cue(toks: list[Located], m: Mention) -> str:
    """The contrast cue that governs ``m`` ("rather than August", "down from 23", "not in August"): the
    cue right before it, with at most two articles or prepositions between; "" if none.  "Than" of a
    bound ("more than 500") is no contrast; a bare "from" is one only opposite a "to" ("from 5 to 10",
    "to 10 from 5")."""
    where = {(s, t.i): k for k, (s, t) in enumerate(toks)}
    k = where.get((m.first[0], m.first[1].i))
    if k is None:
        return ""
    low = [t.lower_ for _, t in toks]
    end = k
    while end > 0 and k - end < 2 and toks[end - 1][1].pos_ in ("DET", "ADP") and low[end - 1] not in (
            "than", "from", "of", "with", "to", "versus", "vs", "vs.", "against"):
        end -= 1  # "rather than in August", "compared with the 21"
    for n in (2, 1):
        words = tuple(low[end - n:end]) if end >= n else ()
        if words not in _CONTRAST_CUES:
            continue
        if words == ("than",) and end > 1 and tuple(low[end - 2:end]) in _QUALIFIERS:
            return ""  # "more than 500": a bound
        if words == ("from",) and "to" not in low:
            return ""
        return " ".join(words)
    return ""


def _close_to_qualifier(word: str) -> bool:
    """A misspelled "more", "less" or "than" ("omre", "thna"): the same letters, one pair swapped."""
    return len(word) == 4 and any(sorted(word) == sorted(q) for q in ("more", "less", "than"))


def _bound_change(a: Mention, b: Mention) -> Severity | None:
    """How much a figure's qualifier changed, or None.

    A floor against a ceiling ("nearly 500" / "more than 500"), or a plain floor or ceiling against an
    approximation or a bare figure ("at least 14" / "about 14" / "14", "up to 15 hours" / "15 hours"), is
    major: the figure no longer says which way the truth lies.  A bound that also says the figure is close
    ("nearly", "just over") against an approximation or a bare figure, and an approximation against a bare
    figure ("about 14" / "14": vagueness lost or added), are minor.  Approximations among themselves
    ("about" / "around" / "roughly" / "some") are the same.
    """
    if a.qual == b.qual or not (a.qual and b.qual) and (a.loose_qual or b.loose_qual):
        return None  # a figure that may be bounded ("a count over 100", "surpassed 100") is not bare
    if {a.qual, b.qual} == {"above", "below"}:
        return Severity.MAJOR
    if any(m.qual in ("above", "below") and m.qual_text not in _NEAR_BOUNDS for m in (a, b)):
        bare = b if a.qual else a
        if not bare.qual and _definite(bare):
            return Severity.MINOR  # "the more than 40 years of relations" / "the 40 years of relations": a span named
        return Severity.MAJOR
    return Severity.MINOR


def _definite(m: Mention) -> bool:
    """A bare figure inside a definite noun phrase ("in the 40 years of diplomatic relations"): it names a
    span the reader knows rather than stating a count, so a bound dropped there is a rounding."""
    first = m.first[1]
    return first.i > 0 and first.doc[first.i - 1].lower_ in ("the", "its", "their", "his", "her", "our")


def _is_name_code(m: Mention) -> bool:
    """An identifier that names a thing ("COVID-19", "MH17"): that it is there or not is the entities check's
    business, and its digits are no quantity."""
    return m.kind == "code" and bool(_NAME_CODE.match(str(m.value)))


def _percent_of(m: Mention) -> float | None:
    if m.kind == "fraction":
        return float(m.value) * 100
    if m.unit is not None and m.unit[0] == "percent":
        return float(m.value)
    return None


def _approximates(a: Mention, b: Mention) -> bool:
    """One side a fraction word or ratio, the other a percentage within four points of it."""
    if (a.kind == "fraction") == (b.kind == "fraction"):
        return False
    pa, pb = _percent_of(a), _percent_of(b)
    return pa is not None and pb is not None and abs(pa - pb) <= 4.0


def _precision(m: Mention, zeros: bool = False) -> float:
    """The step of the last written digit of a figure, in its unit: "3.6 kg" 0.1, "160 km" 1, "1.2m" 100000;
    with ``zeros`` the step of its last non-zero digit ("30 feet" 10)."""
    lit = re.search(r"\d[\d,\u00a0\u2009\u202f]*(?:\.(\d+))?", m.text)
    if lit is None:
        return 1.0
    written = _num(lit.group(0).rstrip(",")) or 0.0
    step = 10.0 ** -len(lit.group(1) or "")
    if zeros and not lit.group(1) and written:
        step = 10.0 ** (len(str(int(written))) - len(str(int(written)).rstrip("0")))
    return step * (float(m.value) / written) if written else step


def _converts(a: Mention, b: Mention) -> bool:
    """The same quantity in another unit of its dimension, rounded: "100 miles" -> "160 km", "40C" -> "104F"."""
    if not (a.unit and b.unit and a.unit[0] == b.unit[0] and a.unit != b.unit) \
            or a.kind not in ("num", "fraction") or b.kind not in ("num", "fraction"):
        return False
    dim = a.unit[0]
    va, vb = float(a.value), float(b.value)
    if dim == "temp":  # into the rewrite's scale
        conv = va * 9 / 5 + 32 if b.unit[1] == "f" else (va - 32) * 5 / 9
        return abs(conv - vb) <= max(1.0, _precision(b) / 2)
    factors = _TO_BASE.get(dim, {})
    if a.unit[1] not in factors or b.unit[1] not in factors:
        return False
    conv = va * factors[a.unit[1]] / factors[b.unit[1]]
    # rounded in the rewrite's last digit ("160 km"), or to a round figure ("30 feet" for 10 m) within a tenth
    return abs(conv - vb) <= max(0.03 * abs(vb), _precision(b) / 2, min(_precision(b, True) / 2, 0.1 * abs(vb))
                                 ) + 1e-9


def _echo(src: list[Mention], toks: list[Located], dst: list[Mention], src_toks: list[Located]) -> None:
    """Read on the other side what a mention of ``src`` shows was meant: a bare month ("in March") the other
    side names where no time word cues it ("March saw sales rise", "in April and March") or in lower case
    after the same word ("in may"), and "24/7" said as
    "around the clock".  Added to ``dst`` only where no mention there holds it yet, and a month only where
    that side reads no month the source side lacks ("in March" -> "in April, unlike March" is a change)."""
    taken = {(s, t.i) for m in dst for s, t in (m.first, m.last)}
    have = {k for m in dst for k in m.keys}
    named = {_MONTHS[t.text.lower()] for _, t in src_toks if t.text[:1].isupper() and t.text.lower() in _MONTHS}
    competing = {k[1][0] for k in have if k[0] == "date" and k[1][1] is None} - named
    months = set() if competing else {m.value[0] for m in src if m.kind == "date" and m.value[1] is None} - {
        k[1][0] for k in have if k[0] == "date"}
    clock = any(m.kind == "code" and m.value == "24/7" for m in src) and ("code", "24/7") not in have
    # The word before each bare month of the source: the same words in any case ("in May" -> "in may", a
    # rewrite in lower case) are that month.
    cues = {(m.value[0], m.first[1].doc[m.first[1].i - 1].lower_) for m in src
            if m.kind == "date" and m.value[1] is None and m.first[1].i > 0}
    for k, (s, t) in enumerate(toks):
        if (s, t.i) in taken:
            continue
        word = t.text.lower()
        same_words = k > 0 and (_MONTHS.get(word), toks[k - 1][1].lower_) in cues
        if (t.text[:1].isupper() and (len(word) > 3 or word == "may") or same_words) and _MONTHS.get(word) in months \
                and not (word == "may" and k > 0 and toks[k - 1][1].pos_ == "PROPN"):  # not "Theresa May"
            months.discard(_MONTHS[word])
            dst.append(Mention((s, t), (s, t), t.text, "date", (_MONTHS[word], None), head="date"))
            continue
        if not clock:
            continue
        for phrase in _ROUND_THE_CLOCK:
            words = [toks[j][1].text.lower() for j in range(k, min(len(toks), k + len(phrase)))]
            if tuple(words) == phrase:
                clock = False
                dst.append(Mention((s, t), toks[k + len(phrase) - 1], " ".join(
                    toks[j][1].text for j in range(k, k + len(phrase))), "code", "24/7", head="code"))
                break
    for m in dst:
        if not m.keys:
            m.keys, m.loose = _keys(m), _loose_keys(m)
    dst.sort(key=lambda m: (m.first[0], m.first[1].i))


def _one_more(m: Mention) -> bool:
    """The ordinal word "second" before a noun ("a second wave"), which "another" says as well."""
    tok = m.first[1]
    return m.kind == "ordinal" and m.first[1].i == m.last[1].i and tok.lower_ == "second" and tok.dep_ == "amod"


def _year_like(m: Mention) -> bool:
    return m.kind in ("year", "date", "weekday")


_TALLY_LINKS = frozenset({"to", "-", "–", "—"})


def _tallies(ms: Sequence[Mention], toks: list[Located], used: set[int]) -> list[tuple[int, int]]:
    """Unpaired plain figures read as a tally or score, in order: "27 to 23", "27 votes to 23", "37-13", "2–1"
    (one token).  Not a range of a unit ("from 5 to 10 percent": the second figure has a unit)."""
    where = {(s, t.i): k for k, (s, t) in enumerate(toks)}
    out: list[tuple[int, int]] = []
    taken: set[int] = set()
    for i, a in enumerate(ms):
        for j, b in enumerate(ms):
            if i in used or j in used or i in taken or j in taken or i == j or a.kind != "num" or b.kind != "num" \
                    or a.unit or b.unit:
                continue
            ka, kb = where.get((a.last[0], a.last[1].i)), where.get((b.first[0], b.first[1].i))
            if ka is None or kb is None:
                continue
            if ka == kb and i < j and a.first[1].i == b.first[1].i and any(
                    c in a.first[1].text for c in "-–—"):  # "2–1": one token, two values
                gap: list[Located] = []
            elif kb - ka in (2, 3):
                gap = toks[ka + 1:kb]
                if gap[-1][1].lower_ not in _TALLY_LINKS or (len(gap) == 2 and gap[0][1].pos_ != "NOUN"):
                    continue  # "27 votes to 23": a counted noun may stand between
            else:
                continue
            if any(t.lower_ == "from" for _, t in toks[max(0, where.get((a.first[0], a.first[1].i), ka) - 2):ka]) \
                    and not gap == []:
                continue  # "from 5 to 10": a range, whose figures other rules compare
            out.append((i, j))
            taken.update((i, j))
    return out


def _tally_mention(a: Mention, b: Mention, toks: list[Located]) -> Mention:
    """The tally of figures ``a`` and ``b`` as one mention, from the first to the last."""
    first, last = a.first, b.last
    text = a.text if a.first[1].i == b.first[1].i else " ".join(
        t.text for s, t in toks if (s, t.i) >= (first[0], first[1].i) and (s, t.i) <= (last[0], last[1].i))
    return Mention(first, last, text, "num", (a.value, b.value))


@register
class NumbersCheck:
    """Numbers, quantities, money, percentages and dates must keep their values."""

    name = "numbers"

    def run(self, ctx: CheckContext) -> Iterator[Finding]:
        for ai, pair in ctx.matched():
            yield from self._pair(ctx, ai, pair.original, pair.rewritten)

    def _pair(self, ctx: CheckContext, ai: int, o_idx: Sequence[int], r_idx: Sequence[int]) -> Iterator[Finding]:
        otoks, rtoks = side_tokens(ctx, "original", o_idx), side_tokens(ctx, "rewritten", r_idx)
        om, rm = extract(otoks), extract(rtoks)
        if not om and not rm:
            return
        _echo(om, rtoks, rm, otoks)
        _echo(rm, otoks, om, rtoks)
        same, lo, lr = _match_exact(om, rm)
        loose, lo, lr = _match_exact(lo, lr, loose=True)
        same += loose
        for a, b in same:
            # Same value, another unit: "10 km" -> "10 miles", and across dimensions "5%" -> "$5" too;
            # not an equal duration said in other units ("48 hours" -> "two days").
            # Nor a factor said as the change in percent ("doubled" -> "rose 100%", _loose_keys).
            if a.unit and b.unit and a.unit != b.unit and (_duration(a) is None or _duration(a) != _duration(b)) \
                    and not _converts(a, b) and {a.unit[0], b.unit[0]} != {"factor", "percent"}:
                kinds = f" from {_DIM_NAMES.get(a.unit[0], a.unit[0])} to {_DIM_NAMES.get(b.unit[0], b.unit[0])}" \
                    if a.unit[0] != b.unit[0] else ""
                yield self._finding(ctx, ai, "unit-changed", Severity.MAJOR,
                                    f"Unit changed{kinds}: “{a.text}” → “{b.text}”", a, b,
                                    {"original_unit": a.unit[1], "rewritten_unit": b.unit[1],
                                     "value": _fmt(a.value)})
            bound = _bound_change(a, b)
            if bound is not None:
                yield self._bound_finding(ctx, ai, a, b, bound)
        swapped: set[frozenset[int]] = set()
        yield from self._swaps(ctx, ai, same, swapped)
        yield from self._contrast_swaps(ctx, ai, same, otoks, rtoks, swapped)
        used_a: set[int] = set()
        used_b: set[int] = set()
        # The same quantity converted to another unit and rounded ("8 pounds" -> "3.6 kilograms"): no change.
        for i, a in enumerate(lo):
            for j, b in enumerate(lr):
                if i not in used_a and j not in used_b and _converts(a, b):
                    used_a.add(i)
                    used_b.add(j)
        # A fraction rounded to a percentage ("a third" -> "30 percent") is an approximation, not a new figure.
        for i, a in enumerate(lo):
            for j, b in enumerate(lr):
                if i in used_a or j in used_b or not _approximates(a, b):
                    continue
                used_a.add(i)
                used_b.add(j)
                yield self._finding(ctx, ai, "number-approximated", Severity.MINOR,
                                    f"Number approximated: “{a.text}” → “{b.text}”", a, b,
                                    {"original_value": _fmt(a.value), "rewritten_value": _fmt(b.value),
                                     "original_text": a.text, "rewritten_text": b.text, "kind": a.kind})
        # A tally or score on both sides ("by a vote of 27 to 23" -> "voted 37 to 13", "won 2-1"): its figures
        # pair in order, one finding for the tally.
        tallied = False
        for (i1, i2), (j1, j2) in zip(_tallies(lo, otoks, used_a), _tallies(lr, rtoks, used_b), strict=False):
            tallied = True
            used_a.update((i1, i2))
            used_b.update((j1, j2))
            a1, a2, b1, b2 = lo[i1], lo[i2], lr[j1], lr[j2]
            ta, tb = _tally_mention(a1, a2, otoks), _tally_mention(b1, b2, rtoks)
            yield self._finding(ctx, ai, "number-changed", Severity.CRITICAL,
                                f"Number changed: “{ta.text}” → “{tb.text}” (a tally or score)", ta, tb,
                                {"original_value": [_fmt(a1.value), _fmt(a2.value)],
                                 "rewritten_value": [_fmt(b1.value), _fmt(b2.value)],
                                 "original_text": ta.text, "rewritten_text": tb.text, "kind": "tally"})
        # Pair the left-overs by context: best-scoring compatible pairs first.
        lone = len(lo) == 1 and len(lr) == 1 or tallied and len(lo) - len(used_a) == 1 and len(lr) - len(used_b) == 1
        scored = sorted(((_context_score(a, b, lone), i, j) for i, a in enumerate(lo) for j, b in enumerate(lr)),
                        reverse=True)
        for s, i, j in scored:
            if s < 0 or i in used_a or j in used_b:
                continue
            used_a.add(i)
            used_b.add(j)
            a, b = lo[i], lr[j]
            date = _year_like(a) or _year_like(b)
            code = "date-changed" if date else "number-changed"
            label = "Date changed" if date else "Number changed"
            # Critical, as a changed figure is, except where the message says why not: small numbers in words
            # that count no noun ("at number three", "one in six") or ordinal words ("third") are often no
            # figure; "48 hours" -> "three days" is in other units (a rounding is likely); "hundreds" ->
            # "about 300" made precise, or vaguer.  A small number that counts a unit ("three years" -> "two
            # years", "doubled" -> "tripled") or a noun ("three people" -> "five people") is a figure.
            sev, why = Severity.CRITICAL, ""
            measured = a.unit is not None and b.unit is not None and a.unit[0] == b.unit[0]
            counted = all(m.kind == "num" and m.last[1].dep_ == "nummod" and m.last[1].head.pos_ == "NOUN"
                          and m.last[1].head.lower_ not in _LABELS for m in (a, b))  # not "number three"
            if a.weak and b.weak and not date and not measured and not counted:
                sev, why = Severity.MAJOR, (" (ordinal words: often a rank or an order, not a figure)"
                                            if "ordinal" in (a.kind, b.kind) else
                                            " (a small number in words that counts no noun: often not a figure)")
            elif _duration(a) and _duration(b) and a.unit != b.unit:
                sev, why = Severity.MAJOR, " (a duration in other units: may be a rounding)"
            if (a.kind == "vague") != (b.kind == "vague"):
                sev, why = Severity.MINOR, " (a vague amount made precise, or a precise one vague)"
            yield self._finding(ctx, ai, code, sev, f"{label}: “{a.text}” → “{b.text}”{why}", a, b,
                                {"original_value": _fmt(a.value), "rewritten_value": _fmt(b.value),
                                 "original_text": a.text, "rewritten_text": b.text, "kind": a.kind})
        # Missing / added: not if the value sits in a neighbouring pair (an alignment slip).
        near_r = {k for m in extract(side_tokens(ctx, "rewritten", [x for x in neighbour_indices(
            ctx, ai, "rewritten") if x not in r_idx])) for k in m.keys} if any(
            i not in used_a for i in range(len(lo))) else set()
        near_o = {k for m in extract(side_tokens(ctx, "original", [x for x in neighbour_indices(
            ctx, ai, "original") if x not in o_idx])) for k in m.keys} if any(
            j not in used_b for j in range(len(lr))) else set()
        said: set[tuple[str, int, int]] = set()  # "24/7", "2015–2019": one token, two values, one finding
        # "a second band of rain" -> "another band of rain": the ordinal that only means "one more"
        extra_another = sum(t.lower_ == "another" for _, t in rtoks) - sum(t.lower_ == "another" for _, t in otoks)
        another = extra_another
        for i, a in enumerate(lo):
            if i in used_a or a.keys & near_r or ("o", a.first[1].i, a.last[1].i) in said:
                continue
            if another > 0 and _one_more(a):
                another -= 1
                continue
            said.add(("o", a.first[1].i, a.last[1].i))
            sev = Severity.MINOR if a.weak or _is_name_code(a) else Severity.MAJOR
            yield self._finding(ctx, ai, "number-missing", sev, f"Number missing in the rewrite: “{a.text}”",
                                a, None, {"original_value": _fmt(a.value), "original_text": a.text,
                                          "kind": a.kind}, r_idx)
        another = -extra_another
        for j, b in enumerate(lr):
            if j in used_b or b.keys & near_o or ("r", b.first[1].i, b.last[1].i) in said:
                continue
            if another > 0 and _one_more(b):
                another -= 1
                continue
            said.add(("r", b.first[1].i, b.last[1].i))
            sev = Severity.MINOR if b.weak or _is_name_code(b) else Severity.MAJOR
            yield self._finding(ctx, ai, "number-added", sev, f"Number added in the rewrite: “{b.text}”",
                                None, b, {"rewritten_value": _fmt(b.value), "rewritten_text": b.text,
                                          "kind": b.kind}, o_idx)

    def _swaps(self, ctx: CheckContext, ai: int, same: list[tuple[Mention, Mention]],
               swapped: set[frozenset[int]]) -> Iterator[Finding]:
        """Values kept but traded between what they count: "15 men and 3 women" -> "3 men and 15 women".

        A cross check, not a plain inequality: value A counts X and B counts Y in the original, and in the
        rewrite A counts Y and B counts X.  A reworded noun ("men" -> "males") matches neither way.  The
        context is the counted noun, or where no noun is counted the word before the number ("was 52 to 48").
        """
        def sig(m: Mention) -> tuple[str, str] | None:
            if m.head and m.head not in ("date", "time", "code", "decade", "weekday"):
                return "noun", m.head
            return ("word", m.role) if m.role and not m.head else None

        for k, (a1, b1) in enumerate(same):
            for a2, b2 in same[k + 1:]:
                if a1.keys & a2.keys or a1.first[1].i == a2.first[1].i and a1.first[0] == a2.first[0]:
                    continue  # the same value twice, or the two ends of one range token
                s1, s2 = sig(a1), sig(a2)
                if s1 is None or s2 is None or s1 == s2 or sig(b1) != s2 or sig(b2) != s1:
                    continue
                x, y = sorted((a1, a2), key=lambda m: m.position)
                u, v = sorted((b1, b2), key=lambda m: m.position)
                sev = Severity.CRITICAL if s1[0] == s2[0] == "noun" else Severity.MAJOR
                swapped.add(frozenset((id(a1), id(a2))))
                o = span_of(ctx, "original", x.first, y.last)
                r = span_of(ctx, "rewritten", u.first, v.last)
                yield Finding(check=self.name, code="number-swapped", severity=sev,
                              message=f"Numbers swapped: “{o.text}” → “{r.text}”",
                              original=o, rewritten=r, alignment=ai,
                              data={"values": [_fmt(a1.value), _fmt(a2.value)],
                                    "original_text": o.text, "rewritten_text": r.text})

    def _contrast_swaps(self, ctx: CheckContext, ai: int, same: list[tuple[Mention, Mention]],
                        otoks: list[Located], rtoks: list[Located], swapped: set[frozenset[int]]) -> Iterator[Finding]:
        """Values kept but traded around a contrast: "in June rather than August" -> "in August rather than
        June", "21 films, down from 23" -> "23 films, compared with 21".

        The value right after a contrast cue (_contrast_cue) is the foil: the alternative, or the earlier
        figure.  Both values are on both sides, so value matching pairs them; but where the original's foil
        is matched to a figure the rewrite leaves bare, and the rewrite's foil to one the original leaves
        bare, the two traded places.  A faithful reordering ("up from 58%, turnout reached 65%") keeps the
        same foil.
        """
        o_foil = {id(a) for a, _ in same if _contrast_cue(otoks, a)}
        r_foil = {id(b) for _, b in same if _contrast_cue(rtoks, b)}
        if not o_foil or not r_foil:
            return
        for a1, b1 in same:
            if id(a1) not in o_foil or id(b1) in r_foil:
                continue
            for a2, b2 in same:
                if id(b2) not in r_foil or id(a2) in o_foil or a1 is a2 or a1.keys & a2.keys \
                        or frozenset((id(a1), id(a2))) in swapped:
                    continue
                if a1.kind != a2.kind or a1.unit and a2.unit and a1.unit[0] != a2.unit[0]:
                    continue  # "from December 2018" / "from 2018 December": a month and a year trade nothing
                swapped.add(frozenset((id(a1), id(a2))))
                x, y = sorted((a1, a2), key=lambda m: m.position)
                u, v = sorted((b1, b2), key=lambda m: m.position)
                o = span_of(ctx, "original", x.first, y.last)
                r = span_of(ctx, "rewritten", u.first, v.last)
                date = _year_like(a1) or _year_like(a2)
                sev = Severity.MAJOR if any(m.weak for m in (a1, a2, b1, b2)) else Severity.CRITICAL
                yield Finding(check=self.name, code="date-changed" if date else "number-swapped", severity=sev,
                              message=f"{'Dates' if date else 'Numbers'} swapped around a contrast: “{o.text}” → "
                                      f"“{r.text}” (the figure compared with: “{a1.text}” → “{b2.text}”)",
                              original=o, rewritten=r, alignment=ai,
                              data={"values": [_fmt(a1.value), _fmt(a2.value)],
                                    "original_text": o.text, "rewritten_text": r.text})

    def _bound_finding(self, ctx: CheckContext, ai: int, a: Mention, b: Mention, sev: Severity) -> Finding:
        """A qualifier-changed finding whose evidence is each figure with its qualifier words."""
        o = span_of(ctx, "original", *(a.qual_span or (a.first, a.last)))
        r = span_of(ctx, "rewritten", *(b.qual_span or (b.first, b.last)))
        return Finding(check=self.name, code="qualifier-changed", severity=sev,
                       message=f"Bound changed: “{o.text}” → “{r.text}”", original=o, rewritten=r, alignment=ai,
                       data={"original_bound": a.qual, "rewritten_bound": b.qual, "value": _fmt(a.value),
                             "original_text": o.text, "rewritten_text": r.text})

    def _finding(self, ctx: CheckContext, ai: int, code: str, sev: Severity, msg: str, a: Mention | None,
                 b: Mention | None, data: dict[str, Any], other: Sequence[int] = ()) -> Finding:
        o = span_of(ctx, "original", a.first, a.last) if a else ctx.sentence_span("original", other)
        r = span_of(ctx, "rewritten", b.first, b.last) if b else ctx.sentence_span("rewritten", other)
        return Finding(check=self.name, code=code, severity=sev, message=msg, original=o, rewritten=r,
                       alignment=ai, data=data)
