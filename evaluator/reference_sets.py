"""Reference sets: people, offices, organisations and places the title and entity checks cite.

A reference set is a TOML file (format in ``reference_sets/README.md``) with ``[[people]]``,
``[[offices]]``, ``[[organisations]]`` and ``[[places]]`` tables, or a CSV file of people.  Every
entry gets a ``ref`` such as ``"international_news.toml:people/antony-blinken"`` that findings cite.
The bundled set ``international_news.toml`` is loaded unless ``include_bundled=False``.
"""
from __future__ import annotations

import csv
import datetime as _dt
import functools
import logging
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError

log = logging.getLogger(__name__)

__all__ = [
    "Person", "Office", "Organisation", "Org", "Place", "ReferenceSets", "load_reference_sets",
    "bundled_reference_set_path", "bundled_reference_sets", "normalize_name", "normalize_title",
]

BUNDLED_NAME = "international_news.toml"
_SECTIONS = ("meta", "people", "offices", "organisations", "places")

# Honorifics are not part of a name ("Mr. Blinken" is "Blinken").
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "lord", "lady", "madam",
                        "mister", "messrs", "rev", "gen", "sen", "rep", "gov"})
# Modifiers that qualify an office without changing which office it is.
_TITLE_MODIFIERS = ("former ", "then ", "acting ", "outgoing ", "incoming ", "late ", "interim ", "current ",
                    "new ", "newly appointed ", "ex ")
# British and American spellings of the same title words.
_SPELLING = {"advisor": "adviser", "defence": "defense", "organisation": "organization", "labour": "labor",
             "councillor": "councilor", "programme": "program", "centre": "center"}
_ACRONYM = re.compile(r"\b(?:[A-Za-z]\.){2,}[A-Za-z]?\.?")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


# Letters that Unicode does not decompose into a base letter and an accent, folded to their usual Latin
# spelling ("Błaszczak" = "Blaszczak", "Søren" = "Soren", "Strauß" = "Strauss", "Guðmundsson" = "Gudmundsson").
LETTER_FOLD = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ß": "ss", "ẞ": "ss",
                             "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ı": "i", "ð": "d", "Ð": "d",
                             "þ": "th", "Þ": "th", "ħ": "h", "Ħ": "h"})


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def normalize_name(text: str) -> str:
    """Lower-case, accent-free, punctuation-free form of a name ("U.S." -> "us", "the White House" -> "white house",
    "Wałęsa" -> "walesa", "Søren" -> "soren")."""
    t = _strip_accents(text.translate(LETTER_FOLD)).replace("\u2019", "'").replace("\u2018", "'")
    t = _ACRONYM.sub(lambda m: m.group(0).replace(".", ""), t)
    t = re.sub(r"'s\b", "", t.lower())
    t = _NON_ALNUM.sub(" ", t).strip()
    if t.startswith("the "):
        t = t[4:]
    return t


def normalize_title(text: str) -> str:
    """``normalize_name`` plus spelling variants folded (adviser/advisor, defence/defense)."""
    words = normalize_name(text).split()
    return " ".join(_SPELLING.get(w, w) for w in words)


def strip_title_modifiers(norm_title: str) -> tuple[str, tuple[str, ...]]:
    """Remove "former", "acting" ... from a normalized title; return the rest and what was removed."""
    removed: list[str] = []
    changed = True
    while changed:
        changed = False
        for m in _TITLE_MODIFIERS:
            if norm_title.startswith(m):
                removed.append(m.strip())
                norm_title = norm_title[len(m):]
                changed = True
    return norm_title, tuple(removed)


def _name_keys(name: str) -> set[str]:
    """Index keys of a name: as written, without honorifics, without middle initials."""
    base = normalize_name(name)
    words = [w for w in base.split() if w not in HONORIFICS]
    keys = {base, " ".join(words)}
    no_initials = [w for w in words if len(w) > 1 or w.isdigit()]
    if len(no_initials) >= 1:
        keys.add(" ".join(no_initials))
    return {k for k in keys if k}


def _date(value: Any, where: str, path: str, text: str) -> _dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    try:
        return _dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ConfigError(path, f"{where}: {value!r} is not an ISO date (YYYY-MM-DD)",
                          _line_of(text, str(value))) from None


def _line_of(text: str, needle: str) -> int | None:
    """1-based line of the first occurrence of ``needle`` in ``text`` (to point at a bad entry)."""
    if not needle:
        return None
    pos = text.find(needle)
    return text.count("\n", 0, pos) + 1 if pos >= 0 else None


def _slug(text: str) -> str:
    return normalize_name(text).replace(" ", "-") or "entry"


def _add(index: dict[str, list[Any]], key: str, value: Any) -> None:
    bucket = index.setdefault(key, [])
    if value not in bucket:
        bucket.append(value)


@dataclass(frozen=True)
class Person:
    """One person in one role (a person with several roles over time has several entries)."""

    id: str
    name: str
    aliases: tuple[str, ...]
    title: str
    ref: str
    office: str | None = None
    organisation: str | None = None
    country: str | None = None
    valid_from: _dt.date | None = None
    valid_to: _dt.date | None = None
    gender: str | None = None

    def active_on(self, day: _dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day < self.valid_to)

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "title": self.title, "country": self.country,
                "organisation": self.organisation, "ref": self.ref,
                "valid_from": self.valid_from.isoformat() if self.valid_from else None,
                "valid_to": self.valid_to.isoformat() if self.valid_to else None}


@dataclass(frozen=True)
class Office:
    """A country's canonical title for an office, its accepted aliases and its wrong variants."""

    id: str
    country: str
    title: str
    aliases: tuple[str, ...]
    wrong: tuple[str, ...]
    ref: str
    kind: str | None = None

    def accepted(self) -> tuple[str, ...]:
        return (self.title, *self.aliases)


@dataclass(frozen=True)
class Organisation:
    """An organisation's canonical name, accepted aliases and wrong variants (renamings)."""

    id: str
    name: str
    aliases: tuple[str, ...]
    wrong: tuple[str, ...]
    ref: str
    country: str | None = None

    def accepted(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


Org = Organisation


@dataclass(frozen=True)
class Place:
    """A country or region: names, demonyms and capital form one entity family."""

    id: str
    name: str
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]
    ref: str
    capital: str | None = None

    def surface_forms(self, with_capital: bool = True) -> tuple[str, ...]:
        forms = (self.name, *self.aliases, *self.demonyms)
        return forms + ((self.capital,) if with_capital and self.capital else ())


class ReferenceSets:
    """Loaded reference entries with lookups by (normalized) name, title and alias."""

    def __init__(self, people: Iterable[Person] = (), offices: Iterable[Office] = (),
                 organisations: Iterable[Organisation] = (), places: Iterable[Place] = (),
                 sources: Iterable[str] = ()) -> None:
        self.people = tuple(people)
        self.offices = tuple(offices)
        self.organisations = tuple(organisations)
        self.places = tuple(places)
        self.sources = tuple(sources)
        self._people: dict[str, list[Person]] = {}
        for p in self.people:
            for n in p.names():
                for k in _name_keys(n):
                    self._people.setdefault(k, []).append(p)
        self._office_by_id = {o.id: o for o in self.offices}
        self._titles: dict[str, list[tuple[Office, bool]]] = {}
        for o in self.offices:
            for t in o.accepted():
                _add(self._titles, normalize_title(t), (o, False))
        for o in self.offices:  # wrong variants after accepted ones: accepted readings win on ties
            for t in o.wrong:
                _add(self._titles, normalize_title(t), (o, True))
        self._orgs: dict[str, list[tuple[Organisation, bool]]] = {}
        for g in self.organisations:
            for n in g.accepted():
                _add(self._orgs, normalize_title(n), (g, False))
        for g in self.organisations:
            for n in g.wrong:
                _add(self._orgs, normalize_title(n), (g, True))
        self._places: dict[str, Place] = {}
        self._place_qualifiers: dict[str, str] = {}
        for pl in self.places:
            for form in pl.surface_forms():
                self._places.setdefault(normalize_name(form), pl)
            for form in (pl.name, *pl.aliases, *pl.demonyms):
                self._place_qualifiers.setdefault(normalize_name(form), pl.id.upper())
        # Titles are often prefixed by an institution rather than a country ("White House national security adviser").
        for g in self.organisations:
            if g.country:
                for n in g.accepted():
                    self._place_qualifiers.setdefault(normalize_name(n), g.country.upper())

    def __len__(self) -> int:
        return len(self.people) + len(self.offices) + len(self.organisations) + len(self.places)

    def __repr__(self) -> str:
        return (f"ReferenceSets(people={len(self.people)}, offices={len(self.offices)}, "
                f"organisations={len(self.organisations)}, places={len(self.places)}, sources={self.sources!r})")

    # -- people -------------------------------------------------------------------------------
    def people_named(self, name_or_alias: str) -> list[Person]:
        """Every entry (every role) whose name or alias matches, honorifics and initials ignored."""
        out: list[Person] = []
        for k in _name_keys(name_or_alias):
            for p in self._people.get(k, ()):
                if p not in out:
                    out.append(p)
        return out

    def person(self, name_or_alias: str, on: _dt.date | None = None) -> Person | None:
        """The entry for a name: the role held ``on`` a date if given, else the most recent role."""
        found = self.people_named(name_or_alias)
        if not found:
            return None
        if on is not None:
            active = [p for p in found if p.active_on(on)]
            if active:
                return active[0]
        return max(found, key=lambda p: (p.valid_from or _dt.date.min, p.valid_to is None))

    # -- offices ------------------------------------------------------------------------------
    def office(self, office_id: str) -> Office | None:
        return self._office_by_id.get(office_id)

    def split_title(self, title_text: str) -> tuple[str, str | None, tuple[str, ...]]:
        """Normalized title without modifiers and country qualifier; the qualifier's country code; modifiers."""
        norm, mods = strip_title_modifiers(normalize_title(title_text))
        words = norm.split()
        country = None
        for n in range(min(4, len(words) - 1), 0, -1):
            head = " ".join(words[:n])
            if head in self._place_qualifiers and " ".join(words[n:]) in self._titles:
                country = self._place_qualifiers[head]
                norm = " ".join(words[n:])
                break
        return norm, country, mods

    def offices_for_title(self, title_text: str, country: str | None = None) -> list[tuple[Office, bool]]:
        """All offices a title can name, as (office, is_wrong_variant), restricted to ``country`` if given."""
        norm = normalize_title(title_text)
        hits = self._titles.get(norm)
        qualifier = None
        if hits is None:
            norm, qualifier, _ = self.split_title(title_text)
            hits = self._titles.get(norm, [])
        want = (country or qualifier or "").upper() or None
        if want:
            hits = [h for h in hits if h[0].country.upper() == want]
        return list(hits)

    def office_for_title(self, title_text: str, country: str | None = None) -> tuple[Office, bool] | None:
        """The office a title names and whether the title is a known wrong variant for it (None if unknown)."""
        hits = self.offices_for_title(title_text, country)
        if not hits:
            return None
        accepted = [h for h in hits if not h[1]]
        return accepted[0] if accepted else hits[0]

    def is_known_title(self, title_text: str) -> bool:
        return bool(self.offices_for_title(title_text))

    def title_lexicon(self) -> frozenset[str]:
        """Every normalized title string (accepted or wrong) the sets know."""
        return frozenset(self._titles)

    # -- organisations -----------------------------------------------------------------------
    def organisation(self, name: str) -> tuple[Organisation, bool] | None:
        """The organisation a name refers to and whether the name is a known wrong variant of it."""
        hits = self._orgs.get(normalize_title(name))
        if not hits:
            return None
        accepted = [h for h in hits if not h[1]]
        return accepted[0] if accepted else hits[0]

    def organisation_names(self) -> Mapping[str, list[tuple[Organisation, bool]]]:
        """Normalized organisation names (accepted and wrong) -> entries."""
        return self._orgs

    # -- places -------------------------------------------------------------------------------
    def place(self, name: str) -> Place | None:
        """The place a name, alias, demonym or capital belongs to."""
        return self._places.get(normalize_name(name))

    def place_forms(self) -> Mapping[str, Place]:
        """Normalized surface form -> place (names, aliases, demonyms, capitals)."""
        return self._places

    def merged(self, other: ReferenceSets) -> ReferenceSets:
        """A new set with ``self``'s entries first (they win lookups) and ``other``'s after."""
        return ReferenceSets(self.people + other.people, self.offices + other.offices,
                             self.organisations + other.organisations, self.places + other.places,
                             self.sources + other.sources)


# -- loading -----------------------------------------------------------------------------------
def bundled_reference_set_path() -> Path:
    """The bundled ``international_news.toml``: the repository copy, else the package-data copy."""
    here = Path(__file__).resolve().parent
    repo_copy = here.parent / "reference_sets" / BUNDLED_NAME
    if repo_copy.is_file():
        return repo_copy
    return here / "data" / BUNDLED_NAME


@functools.lru_cache(maxsize=1)
def bundled_reference_sets() -> ReferenceSets:
    """The bundled set alone, loaded once per process (checks fall back to it when none is given)."""
    return load_reference_sets((), include_bundled=True)


def load_reference_sets(paths: Sequence[str | Path], include_bundled: bool = True) -> ReferenceSets:
    """Load TOML / CSV reference sets (files or folders); user entries come first and win lookups."""
    result = ReferenceSets()
    files: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found = sorted(f for f in path.iterdir()
                           if f.suffix.lower() in {".toml", ".csv"} and not f.name.lower().startswith("glossary"))
            if not found:  # a wrong folder would otherwise run with no reference set of the user's
                raise ConfigError(path, "no reference set in this folder (no .toml or .csv file)")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise ConfigError(path, "reference set not found")
    n_user = len(files)  # the user's files come first; the bundled set, if any, after them
    if include_bundled:
        bundled = bundled_reference_set_path()
        if bundled.resolve() not in {f.resolve() for f in files}:
            files.append(bundled)
    for n, f in enumerate(files):
        loaded = _load_file(f)
        if len(loaded) == 0 and n < n_user:
            # an empty file (or one of comments) is a mistake, not a reference set: as an empty glossary
            raise ConfigError(f, "the reference set is empty (no people, offices, organisations or places)")
        result = result.merged(loaded)
    log.debug("loaded reference sets %s", result)
    return result


def _load_file(path: Path) -> ReferenceSets:
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except OSError as exc:
        raise ConfigError(path, f"cannot read reference set: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if path.suffix.lower() == ".csv":
        return ReferenceSets(people=_people_from_csv(path, text), sources=(str(path),))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"line (\d+)", msg)
        problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg) or "invalid TOML"
        raise ConfigError(path, f"invalid TOML: {problem}", int(m.group(1)) if m else None) from None
    return _from_mapping(data, path, text)


def _entries(data: Mapping[str, Any], key: str, path: Path, text: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    items = data.get(key, [])
    if not isinstance(items, list):
        raise ConfigError(path, f"'{key}' must be an array of tables ([[{key}]])", _line_of(text, key))
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise ConfigError(path, f"{key} entry {n} is not a table", _line_of(text, f"[[{key}]]"))
        yield f"{key} entry {n}", item


def _str_list(item: Mapping[str, Any], key: str, where: str, path: Path, text: str) -> tuple[str, ...]:
    value = item.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(path, f"{where}: '{key}' must be a list of strings", _line_of(text, f"{key} ="))
    return tuple(v.strip() for v in value if v.strip())


def _required(item: Mapping[str, Any], key: str, where: str, path: Path, text: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        hint = item.get("id") or item.get("name") or item.get("title")
        raise ConfigError(path, f"{where}: missing or empty '{key}'", _line_of(text, str(hint)) if hint else None)
    return value.strip()


# The keys of each section and what each holds: "str" a string, "list" a string or a list of strings,
# "date" an ISO date (TOML date or string). A misspelt key (nme =) or a list where a string belongs
# (title = ["Minister"]) is an error, not a silently dropped or stringified value.
_SCHEMA: dict[str, dict[str, str]] = {
    "people": {"id": "str", "name": "str", "aliases": "list", "title": "str", "office": "str",
               "organisation": "str", "country": "str", "valid_from": "date", "valid_to": "date",
               "gender": "str"},
    "offices": {"id": "str", "country": "str", "title": "str", "aliases": "list", "wrong": "list", "kind": "str"},
    "organisations": {"id": "str", "name": "str", "aliases": "list", "wrong": "list", "country": "str"},
    "places": {"id": "str", "name": "str", "aliases": "list", "demonyms": "list", "capital": "str"},
}


def _check_entry(section: str, where: str, it: Mapping[str, Any], path: Path, text: str) -> None:
    schema = _SCHEMA[section]
    for key, value in it.items():
        kind = schema.get(key)
        if kind is None:
            raise ConfigError(path, f"{where}: unknown key {key!r} (known: {', '.join(schema)})",
                              _line_of(text, f"{key} ="))
        ok = (isinstance(value, str) if kind == "str"
              else isinstance(value, str | _dt.date) if kind == "date"
              else isinstance(value, str | list))  # list: each item checked by _str_list
        if not ok:
            what = {"str": "a string", "date": "an ISO date", "list": "a list of strings"}[kind]
            raise ConfigError(path, f"{where}: '{key}' must be {what}, not {value!r}", _line_of(text, f"{key} ="))


def _unique_ids(section: str, ids: Iterable[str], path: Path, text: str) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            pattern = re.compile(rf"""^\s*id\s*=\s*["']{re.escape(i)}["']""")
            lines = [n for n, line in enumerate(text.splitlines(), 1) if pattern.match(line)]
            raise ConfigError(path, f"two {section} entries have the id {i!r} (ids name what findings cite)",
                              lines[1] if len(lines) > 1 else None)
        seen.add(i)


def _from_mapping(data: Mapping[str, Any], path: Path, text: str) -> ReferenceSets:
    unknown = sorted(set(data) - set(_SECTIONS))
    if unknown:
        raise ConfigError(path, f"unknown section(s) {', '.join(unknown)} (expected {', '.join(_SECTIONS)})",
                          _line_of(text, unknown[0]))
    for section in _SCHEMA:
        for where, it in _entries(data, section, path, text):
            _check_entry(section, where, it, path, text)
    src = path.name
    places = []
    for where, it in _entries(data, "places", path, text):
        name = _required(it, "name", where, path, text)
        pid = str(it.get("id") or _slug(name))
        places.append(Place(pid, name, _str_list(it, "aliases", where, path, text),
                            _str_list(it, "demonyms", where, path, text), f"{src}:places/{pid}",
                            it.get("capital") or None))
    offices = []
    for where, it in _entries(data, "offices", path, text):
        title = _required(it, "title", where, path, text)
        country = _required(it, "country", where, path, text).upper()
        oid = str(it.get("id") or f"{country.lower()}-{_slug(title)}")
        offices.append(Office(oid, country, title, _str_list(it, "aliases", where, path, text),
                              _str_list(it, "wrong", where, path, text), f"{src}:offices/{oid}",
                              it.get("kind") or None))
    orgs = []
    for where, it in _entries(data, "organisations", path, text):
        name = _required(it, "name", where, path, text)
        gid = str(it.get("id") or _slug(name))
        orgs.append(Organisation(gid, name, _str_list(it, "aliases", where, path, text),
                                 _str_list(it, "wrong", where, path, text), f"{src}:organisations/{gid}",
                                 (it.get("country") or None) and str(it["country"]).upper()))
    people = [_person(it, where, src, path, text) for where, it in _entries(data, "people", path, text)]
    for section in _SCHEMA:  # ids given twice (a copied entry); a default id may repeat (one per role)
        _unique_ids(section, (it["id"] for _, it in _entries(data, section, path, text) if "id" in it), path, text)
    return ReferenceSets(people, offices, orgs, places, (str(path),))


def _person(it: Mapping[str, Any], where: str, src: str, path: Path, text: str) -> Person:
    name = _required(it, "name", where, path, text)
    pid = str(it.get("id") or _slug(name))
    where = f"{where} ({pid})"
    vf = _date(it.get("valid_from"), where, str(path), text)
    vt = _date(it.get("valid_to"), where, str(path), text)
    if vf and vt and vt < vf:
        raise ConfigError(path, f"{where}: valid_to {vt} is before valid_from {vf}", _line_of(text, pid))
    return Person(pid, name, _str_list(it, "aliases", where, path, text), str(it.get("title") or "").strip(),
                  f"{src}:people/{pid}", it.get("office") or None, it.get("organisation") or None,
                  (it.get("country") or None) and str(it["country"]).upper(), vf, vt, it.get("gender") or None)


_CSV_COLUMNS = tuple(_SCHEMA["people"])  # a CSV holds people only


def _people_from_csv(path: Path, text: str) -> list[Person]:
    reader = csv.DictReader(text.splitlines())
    if not reader.fieldnames or "name" not in [f.strip().lower() for f in reader.fieldnames]:
        raise ConfigError(path, f"CSV of people needs a header with a 'name' column (columns: {', '.join(_CSV_COLUMNS)})",
                          1)
    extra = sorted({f.strip().lower() for f in reader.fieldnames} - set(_CSV_COLUMNS))
    if extra:
        raise ConfigError(path, f"unknown CSV column(s) {', '.join(extra)}", 1)
    people = []
    for row in reader:
        line = reader.line_num
        if None in row:  # DictReader keeps the fields beyond the header under None
            raise ConfigError(path, f"{len(reader.fieldnames) + len(row[None])} fields where the header names "
                              f"{len(reader.fieldnames)} (a comma inside a value needs quotes)", line)
        item: dict[str, Any] = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        item["aliases"] = [a.strip() for a in re.split(r"[|;]", item.get("aliases", "")) if a.strip()]
        if not item.get("name"):
            raise ConfigError(path, "missing name", line)
        try:
            people.append(_person(item, f"row {line}", path.name, path, text))
        except ConfigError as exc:
            raise ConfigError(path, exc.problem, line) from None
    return people
