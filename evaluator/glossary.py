"""User glossaries of required and forbidden renderings, from CSV, TOML or TBX files.

``load_glossary(paths)`` reads one or more files (format chosen by extension) into one ``Glossary``.

CSV: a header row with ``source_term`` (or ``source``; required) and any of ``required``,
``forbidden``, ``aliases`` (alternatives separated by ``|``), ``case_sensitive`` (true/false/yes/no/1/0,
default false) and ``note``.  The delimiter is a comma, or ``;`` / tab when the header row has no comma
but one of those (spreadsheet exports in some locales).  A comment row is one whose first cell is ``#``
alone or ``#`` followed by a non-word character (``# note``, ``## section``, ``#---``); ``#MeToo`` is a
term, since hashtags are legitimate glossary entries.  Comment and blank rows may precede the header.

TOML: ``[[term]]`` tables with the same keys; ``required``/``forbidden`` may be lists or ``|`` strings;
an optional ``aliases`` list names other spellings of the source term.

TBX (TermBase eXchange, v2 ``martif``/``termEntry``/``langSet``/``tig`` or v3
``tbx``/``conceptEntry``/``langSec``/``termSec``), one concept entry = one glossary term:

* ``termNote type="administrativeStatus"``: ``preferredTerm-admn-sts`` and ``admittedTerm-admn-sts``
  (or no status) are *required* alternatives; ``deprecatedTerm-admn-sts`` and
  ``supersededTerm-admn-sts`` are *forbidden*.
* Translation setting (the entry has a langSet for the original's language *and* one for the
  rewrite's): the source term is the first preferred (else first) term of the original's langSet;
  required/forbidden come from the rewrite's langSet.
* Same-language setting (only the original's language, the default for en->en rewrites): the source
  term is the first preferred (else first non-forbidden) term, the other non-forbidden terms are its
  aliases (any of them in the original triggers the entry) and also acceptable renderings.
* ``descrip``/``note`` elements become the note.  DOCTYPE and ENTITY declarations are rejected before
  parsing (no entity expansion, no external resources).

Matching (``GlossaryTerm.find``), the same for source, required and forbidden phrases:

* whole words; case-insensitive unless ``case_sensitive``;
* text and phrases are compared in Unicode NFC with soft hyphens (U+00AD) ignored, so "cafe" + U+0301
  (decomposed) is "café"; spans are offsets into the text as given (an offset map undoes the
  normalisation), so evidence cuts the exact characters of the document;
* whitespace, ASCII hyphens and the Unicode hyphens/dashes U+2010-U+2015 and U+2212 match each other;
  a hyphen in the phrase may also be absent ("follow-up" matches "followup");
* simple English inflections of the phrase's last word: plural -s, -es, consonant+y -> -ies, and the
  possessive 's (either apostrophe; "allies'" matches as "allies").  An all-capitals last word (an
  acronym: "UN", "AIDS") is inflected only in its exact capitals ("UNs", "UN's"), so "IT" never
  matches "its" nor "US" "uses".  Verb forms (-ed/-ing) are not matched: glossary terms are names and
  nouns, and "sanctioned" is not a rendering of the noun "sanction";
* a forbidden match that lies inside, or partly overlaps, a required match of the same term is
  ignored ("Republic of the Congo" inside a required "Democratic Republic of the Congo"); one that
  contains a whole required match still counts.

Loading: a file that yields no usable term is an error (an empty glossary would silently check
nothing), as is an entry whose required and forbidden renderings match each other, and, across all the
loaded files, two entries for the same source term where one requires what the other forbids (the
message names both places).  The number of terms loaded is logged at INFO level.

Malformed input raises ``evaluator.errors.ConfigError(path, problem, line)``.
"""
from __future__ import annotations

import csv
import io
import logging
import re
import tomllib
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import ConfigError

log = logging.getLogger(__name__)

__all__ = ["Glossary", "GlossaryTerm", "load_glossary", "parse_csv", "parse_toml", "parse_tbx"]

_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0", ""}
_REQUIRED_STATUS = {"preferredterm-admn-sts", "admittedterm-admn-sts", "preferred", "admitted"}
_FORBIDDEN_STATUS = {"deprecatedterm-admn-sts", "supersededterm-admn-sts", "deprecated", "superseded",
                     "notrecommended"}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_KNOWN_KEYS = {"source_term", "source", "required", "forbidden", "case_sensitive", "note", "aliases"}


# Hyphens and dashes that join the parts of a compound: ASCII, U+2010-U+2015, minus sign.
_DASHES = "\\-\u2010-\u2015\u2212"
_SEP = rf"[\s{_DASHES}]"
_APOS = "['\u2019]"
# Word characters and combining marks left after NFC: neither may continue past a match's edge.
_WORDLIKE = r"\w\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_SOFT_HYPHEN = "\u00ad"
_VOWELS = frozenset("aeiou")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).replace(_SOFT_HYPHEN, "")


@lru_cache(maxsize=256)
def _normalise(text: str) -> tuple[str, tuple[int, ...] | None, tuple[int, ...] | None]:
    """``text`` in NFC without soft hyphens, plus maps from each normalised character to the start
    and end of the original characters it came from (None, None when nothing changed: the common case).

    NFC is applied per segment (a starter and the combining marks after it, widened while a segment
    still composes with the next one, e.g. Hangul jamo) so every normalised character can be traced
    back; cached because every term of a glossary searches the same sentence."""
    if _SOFT_HYPHEN not in text and unicodedata.is_normalized("NFC", text):
        return text, None, None
    segments: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i < len(text) and unicodedata.combining(text[i]):
            continue
        if segments and i > start:
            ps, pe = segments[-1]
            joined = unicodedata.normalize("NFC", text[ps:i])
            if joined != unicodedata.normalize("NFC", text[ps:pe]) + unicodedata.normalize("NFC", text[start:i]):
                segments[-1] = (ps, i)
                start = i
                continue
        if i > start:
            segments.append((start, i))
        start = i
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for a, b in segments:
        piece = _nfc(text[a:b])
        out.append(piece)
        starts.extend([a] * len(piece))
        ends.extend([b] * len(piece))
    return "".join(out), tuple(starts), tuple(ends)


def _inflected(word: str) -> list[str]:
    """Regex alternatives for simple English inflections of ``word`` (already a run of letters)."""
    low = word.lower()
    forms = [re.escape(word) + "s"]
    if low.endswith(("s", "x", "z", "ch", "sh", "o")):
        forms.append(re.escape(word) + "es")
    if len(low) > 1 and low.endswith("y") and low[-2] not in _VOWELS:
        forms.append(re.escape(word[:-1]) + "ies")
    # "allies'" needs no form of its own: the apostrophe is not a word character, so "allies" matches
    return [*forms, re.escape(word) + f"{_APOS}s"]


def _phrase_regex(phrase: str, case_sensitive: bool) -> re.Pattern[str]:
    """Whole-word pattern for ``phrase`` (see *Matching* in the module docstring): separators and
    apostrophe styles match loosely, and the last word may carry a plural or possessive ending."""
    parts: list[str] = []
    text = _nfc(phrase).strip()
    m = re.search(r"[^\W\d_]+$", text)
    last = m.group(0) if m else ""
    head = text[: len(text) - len(last)]
    i = 0
    while i < len(head):
        ch = head[i]
        if ch.isspace() or re.match(f"[{_DASHES}]", ch):
            j = i
            while j < len(head) and (head[j].isspace() or re.match(f"[{_DASHES}]", head[j])):
                j += 1
            run = head[i:j]
            # a hyphen may be dropped ("followup"); a space may not (two words stay two words)
            parts.append(f"{_SEP}*" if any(not c.isspace() for c in run) else f"{_SEP}+")
            i = j
            continue
        parts.append(_APOS if ch in "'\u2019" else re.escape(ch))
        i += 1
    body = "".join(parts)
    if not last:
        core = body
    elif last.isupper():
        # an acronym: inflected only in its exact capitals, so "IT" is not "its" nor "US" "uses"
        core = rf"(?-i:{body}{re.escape(last)}(?:s|{_APOS}s))|{body}{re.escape(last)}"
    else:
        core = body + "(?:" + "|".join(_inflected(last)) + "|" + re.escape(last) + ")"
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(rf"(?<![{_WORDLIKE}])(?:{core})(?![{_WORDLIKE}])", flags)


@dataclass(frozen=True)
class GlossaryTerm:
    """One entry: when the original says ``source`` (or an alias), the rewrite must say one of
    ``required`` and must never say any of ``forbidden``."""

    source: str
    required: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    case_sensitive: bool = False
    note: str | None = None
    aliases: tuple[str, ...] = ()
    origin: str | None = None  # "path:line" for messages
    _patterns: dict[str, re.Pattern[str]] = field(default_factory=dict, compare=False, repr=False)

    def _pattern(self, phrase: str) -> re.Pattern[str]:
        pat = self._patterns.get(phrase)
        if pat is None:
            pat = self._patterns[phrase] = _phrase_regex(phrase, self.case_sensitive)
        return pat

    def find(self, phrase: str, text: str) -> list[tuple[int, int]]:
        """Character spans of ``phrase`` in ``text`` (whole words, this term's case rule), as offsets
        into ``text`` itself even where matching saw its NFC form."""
        norm, starts, ends = _normalise(text)
        spans = [m.span() for m in self._pattern(phrase).finditer(norm) if m.end() > m.start()]
        if starts is None or ends is None:
            return spans
        return [(starts[a], ends[b - 1]) for a, b in spans]

    def matches_whole(self, phrase: str, text: str) -> bool:
        """Whether ``phrase`` (by this term's matching rules) covers all of ``text``."""
        return bool(self._pattern(phrase).fullmatch(_normalise(text.strip())[0]))

    def find_source(self, text: str) -> list[tuple[int, int, str]]:
        """Spans of the source term or any alias in ``text``."""
        hits: list[tuple[int, int, str]] = []
        for phrase in (self.source, *self.aliases):
            hits.extend((a, b, phrase) for a, b in self.find(phrase, text))
        return _outermost(hits)

    def find_required(self, text: str) -> list[tuple[int, int, str]]:
        hits = [(a, b, p) for p in self.required for a, b in self.find(p, text)]
        return _outermost(hits)

    def find_forbidden(self, text: str, required: list[tuple[int, int, str]] | None = None
                       ) -> list[tuple[int, int, str]]:
        """Forbidden renderings, except those inside or partly over a required one: "Republic of the
        Congo" within a required "Democratic Republic of the Congo" is the correct rendering.
        ``required``: ``find_required(text)`` when the caller has it already."""
        if required is None:
            required = self.find_required(text) if self.required else []
        hits = [(a, b, p) for p in self.forbidden for a, b in self.find(p, text)
                if not any(a < rb and ra < b and not (a <= ra and rb <= b) for ra, rb, _ in required)]
        return _outermost(hits)


def _outermost(hits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    out: list[tuple[int, int, str]] = []
    for h in hits:
        if out and h[0] < out[-1][1]:
            continue
        out.append(h)
    return out


@dataclass(frozen=True)
class Glossary:
    """All terms of one or more glossary files."""

    terms: tuple[GlossaryTerm, ...] = ()
    sources: tuple[str, ...] = ()

    def __iter__(self) -> Iterator[GlossaryTerm]:
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    def __bool__(self) -> bool:
        return bool(self.terms)

    def merged(self, other: Glossary) -> Glossary:
        return Glossary(self.terms + other.terms, self.sources + other.sources)

    def to_dict(self) -> dict[str, Any]:
        return {"sources": list(self.sources), "terms": [
            {"source": t.source, "aliases": list(t.aliases), "required": list(t.required),
             "forbidden": list(t.forbidden), "case_sensitive": t.case_sensitive, "note": t.note}
            for t in self.terms]}


def _split_alternatives(value: Any, path: str, line: int | None, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        items = value.split("|")
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        items = value
    else:
        raise ConfigError(path, f"{key} must be a string (alternatives separated by |) or a list of strings",
                          line)
    return tuple(dict.fromkeys(s.strip() for s in items if s.strip()))


def _parse_bool(value: Any, path: str, line: int | None) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(path, f"case_sensitive must be true or false, not {value!r}", line)


def _make_term(row: dict[str, Any], path: str, line: int | None) -> GlossaryTerm:
    source = row.get("source_term", row.get("source"))
    if not isinstance(source, str) or not source.strip():
        raise ConfigError(path, "source_term is missing or empty", line)
    required = _split_alternatives(row.get("required"), path, line, "required")
    forbidden = _split_alternatives(row.get("forbidden"), path, line, "forbidden")
    aliases = _split_alternatives(row.get("aliases"), path, line, "aliases")
    if not required and not forbidden:
        raise ConfigError(path, f'term "{source.strip()}" has neither required nor forbidden renderings', line)
    note = row.get("note")
    if note is not None and not isinstance(note, str):
        raise ConfigError(path, "note must be a string", line)
    term = GlossaryTerm(source=_nfc(source).strip(), required=_nfc_all(required), forbidden=_nfc_all(forbidden),
                        case_sensitive=_parse_bool(row.get("case_sensitive"), path, line),
                        note=(note or "").strip() or None, aliases=_nfc_all(aliases),
                        origin=f"{path}:{line}" if line else path)
    # A clash is judged by the matcher itself, so it honours case_sensitive ("AIDS" vs "Aids") and
    # catches spellings that match each other anyway ("follow-up" vs "follow up").
    clash = next((f for f in term.forbidden for r in term.required
                  if term.matches_whole(r, f) or term.matches_whole(f, r)), None)
    if clash is not None:
        raise ConfigError(path, f'term "{term.source}" both requires and forbids {clash!r}', line)
    return term


def _nfc_all(phrases: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_nfc(p).strip() for p in phrases))


def _is_comment(row: list[str]) -> bool:
    """``#`` alone or followed by a non-word character starts a comment; ``#MeToo`` is a term."""
    first = row[0].lstrip() if row else ""
    return first.startswith("#") and not re.match(r"#\w", first)


def _delimiter(text: str) -> str:
    """Comma, unless the first non-comment line has none but a semicolon or tab (locale exports)."""
    for line in text.splitlines():
        if not line.strip() or _is_comment([line]):
            continue
        if "," not in line:
            for d in (";", "\t"):
                if d in line:
                    return d
        break
    return ","


def parse_csv(text: str, path: str = "<csv>") -> Glossary:
    """Glossary from CSV text with a header row (see the module docstring)."""
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = list(reader)
    # blank and comment rows may come before the header
    first = next((i for i, row in enumerate(rows)
                  if any(cell.strip() for cell in row) and not _is_comment(row)), None)
    if first is None:
        raise ConfigError(path, "empty glossary file", 1)
    header_line = first + 1  # rows are lines until a quoted field holds a newline
    header = [h.strip().lower().lstrip("\ufeff") for h in rows[first]]
    if "source_term" not in header and "source" not in header:
        hint = ""
        if delimiter == "," and any(d in ",".join(rows[first]) for d in (";", "\t")):
            hint = " (is the file delimited by ';' or tabs? use commas)"
        raise ConfigError(path, f"the header row must name a source_term column{hint}", header_line)
    if "source_term" in header and "source" in header:
        raise ConfigError(path, "the header row names both source_term and source; keep one", header_line)
    unknown = [h for h in header if h and h not in _KNOWN_KEYS]
    if unknown:
        raise ConfigError(path, f"unknown column {unknown[0]!r} (expected source_term or source, required, "
                                "forbidden, aliases, case_sensitive, note)", header_line)
    sep = "commas" if delimiter == "," else "the delimiter"
    terms = []
    for lineno, row in enumerate(rows[first + 1:], start=first + 2):
        if not any(cell.strip() for cell in row) or _is_comment(row):
            continue
        while len(row) > len(header) and not row[-1].strip():
            row = row[:-1]  # trailing empty cells, as spreadsheets export them
        if len(row) > len(header):
            raise ConfigError(path, f"{len(row)} fields but the header has {len(header)} "
                                    f"(quote fields that contain {sep})", lineno)
        terms.append(_make_term(dict(zip(header, row, strict=False)), path, lineno))
    if not terms:
        raise ConfigError(path, "no glossary terms (only a header row)", header_line)
    return Glossary(tuple(terms), (path,))


def parse_toml(text: str, path: str = "<toml>") -> Glossary:
    """Glossary from TOML text with ``[[term]]`` tables."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise ConfigError(path, f"invalid TOML: {exc}", int(m.group(1)) if m else None) from None
    unknown_top = [k for k in data if k != "term"]
    if unknown_top:
        raise ConfigError(path, f"unknown top-level key {unknown_top[0]!r} (use [[term]] tables)", None)
    entries = data.get("term", [])
    if not isinstance(entries, list):
        raise ConfigError(path, "term must be an array of tables ([[term]])", None)
    table_lines = [i for i, ln in enumerate(text.splitlines(), start=1) if ln.strip().startswith("[[term]]")]
    terms = []
    for k, entry in enumerate(entries):
        line = table_lines[k] if k < len(table_lines) else None
        if not isinstance(entry, dict):
            raise ConfigError(path, "each [[term]] must be a table", line)
        unknown = [key for key in entry if key not in _KNOWN_KEYS]
        if unknown:
            raise ConfigError(path, f"unknown key {unknown[0]!r} in [[term]]", line)
        terms.append(_make_term(entry, path, line))
    if not terms:
        raise ConfigError(path, "no glossary terms (no [[term]] tables)", None)
    return Glossary(tuple(terms), (path,))


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _lang(el: ET.Element, parents: dict[ET.Element, ET.Element]) -> str:
    """The element's language, inherited from the nearest ancestor that sets one (XML's xml:lang rule)."""
    node: ET.Element | None = el
    while node is not None:
        lang = node.get(_XML_LANG) or node.get("lang")
        if lang:
            return lang.strip().lower().split("-")[0]
        node = parents.get(node)
    return ""


def parse_tbx(text: str, path: str = "<tbx>", source_lang: str = "en", target_lang: str | None = None) -> Glossary:
    """Glossary from TBX text (see the module docstring for the mapping)."""
    if re.search(r"<!\s*(DOCTYPE|ENTITY)", text, re.IGNORECASE):
        line = text[: re.search(r"<!\s*(DOCTYPE|ENTITY)", text, re.IGNORECASE).start()].count("\n") + 1  # type: ignore[union-attr]
        raise ConfigError(path, "DOCTYPE/ENTITY declarations are not allowed in TBX glossaries", line)
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ConfigError(path, f"invalid XML: {exc}", exc.position[0]) from None
    if _local(root.tag) not in ("martif", "tbx"):
        raise ConfigError(path, f"not a TBX file (root element <{_local(root.tag)}>)", 1)
    source_lang = source_lang.lower().split("-")[0]
    target_lang = (target_lang or source_lang).lower().split("-")[0]
    terms = []
    parents = {child: parent for parent in root.iter() for child in parent}
    entries = [el for el in root.iter() if _local(el.tag) in ("termEntry", "conceptEntry")]
    if not entries:
        raise ConfigError(path, "no termEntry/conceptEntry elements", None)
    seen_langs: set[str] = set()
    for n, entry in enumerate(entries, start=1):
        where = f"entry {entry.get('id') or n}"
        by_lang: dict[str, list[tuple[str, str]]] = {}
        notes = [(el.text or "").strip() for el in entry.iter()
                 if _local(el.tag) in ("descrip", "note") and (el.text or "").strip()]
        for ls in entry:
            if _local(ls.tag) not in ("langSet", "langSec"):
                continue
            lang = _lang(ls, parents)
            seen_langs.add(lang or "(none)")
            for holder in ls.iter():
                if _local(holder.tag) not in ("tig", "ntig", "termSec"):
                    continue
                term_el = next((e for e in holder.iter() if _local(e.tag) == "term"), None)
                if term_el is None or not "".join(term_el.itertext()).strip():
                    raise ConfigError(path, f"{where}: a term group without a term", None)
                status = ""
                for e in holder.iter():
                    if _local(e.tag) == "termNote" and e.get("type") == "administrativeStatus":
                        status = (e.text or "").strip().lower()
                if status and status not in _REQUIRED_STATUS | _FORBIDDEN_STATUS:
                    raise ConfigError(path, f"{where}: unknown administrativeStatus {status!r}", None)
                by_lang.setdefault(lang, []).append((" ".join("".join(term_el.itertext()).split()), status))
        src = by_lang.get(source_lang, [])
        if not src:
            log.debug("%s: %s has no %s terms; skipped", path, where, source_lang)
            continue
        if target_lang != source_lang:
            tgt = by_lang.get(target_lang, [])
            preferred = [t for t, s in src if s not in _FORBIDDEN_STATUS]
            source = next((t for t, s in src if s.startswith("preferred")), preferred[0] if preferred else src[0][0])
            aliases = tuple(t for t in preferred if t != source)
            required = tuple(t for t, s in tgt if s not in _FORBIDDEN_STATUS)
            forbidden = tuple(t for t, s in tgt if s in _FORBIDDEN_STATUS)
        else:
            allowed = [t for t, s in src if s not in _FORBIDDEN_STATUS]
            forbidden = tuple(t for t, s in src if s in _FORBIDDEN_STATUS)
            if not allowed:
                raise ConfigError(path, f"{where}: every term is deprecated; nothing to require", None)
            source = next((t for t, s in src if s.startswith("preferred")), allowed[0])
            aliases = tuple(t for t in allowed if t != source)
            required = tuple(allowed)
        row = {"source_term": source, "required": list(required), "forbidden": list(forbidden),
               "aliases": list(aliases), "note": "; ".join(notes) or None}
        terms.append(_make_term(row, path, None))
    if not terms:
        found = ", ".join(sorted(seen_langs)) or "none"
        raise ConfigError(path, f"no glossary terms: no entry has a term in the original's language "
                                f"{source_lang!r} (languages found: {found})", None)
    return Glossary(tuple(terms), (path,))


def load_glossary_file(path: str | Path, source_lang: str = "en", target_lang: str | None = None) -> Glossary:
    """One glossary file; the format comes from the extension (.csv, .toml, .tbx/.xml)."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ConfigError(p, f"cannot read glossary: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(p, "glossary is not UTF-8 text", line) from None
    ext = p.suffix.lower()
    if ext == ".csv":
        g = parse_csv(text, str(p))
    elif ext == ".toml":
        g = parse_toml(text, str(p))
    elif ext in (".tbx", ".xml"):
        g = parse_tbx(text, str(p), source_lang, target_lang)
    else:
        raise ConfigError(p, f"unknown glossary format {ext or '(no extension)'!r} (use .csv, .toml or .tbx)")
    log.info("glossary %s: %d term%s", p, len(g), "" if len(g) == 1 else "s")
    return g


def load_glossary(paths: str | Path | Iterable[str | Path] | None, source_lang: str = "en",
                  target_lang: str | None = None) -> Glossary:
    """Load and merge glossary files (a single path or a sequence of paths; None -> empty)."""
    if paths is None:
        return Glossary()
    if isinstance(paths, (str, Path)):
        paths = [paths]
    out = Glossary()
    for p in paths:
        out = out.merged(load_glossary_file(p, source_lang, target_lang))
    _check_contradictions(out.terms)
    return out


def _source_key(phrase: str) -> str:
    return re.sub(rf"{_SEP}+", " ", _nfc(phrase).casefold()).strip()


def _check_contradictions(terms: Sequence[GlossaryTerm]) -> None:
    """Two entries for the same source term (or alias) where one requires what the other forbids
    cannot both be obeyed: every rewrite would be flagged, so refuse them and name both places."""
    by_key: dict[str, list[GlossaryTerm]] = {}
    for term in terms:
        for key in dict.fromkeys(_source_key(s) for s in (term.source, *term.aliases)):
            by_key.setdefault(key, []).append(term)
    for group in by_key.values():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                for x, y in ((a, b), (b, a)):
                    bad = next((r for r in x.required for f in y.forbidden
                                if y.matches_whole(f, r) or x.matches_whole(r, f)), None)
                    if bad is not None:
                        path, _, line = (x.origin or "<glossary>").rpartition(":")
                        where, at = (path, int(line)) if line.isdigit() and path else (x.origin, None)
                        raise ConfigError(where, f'term "{x.source}" requires {bad!r}, which the entry for '
                                                 f'"{y.source}" at {y.origin} forbids', at)


def glossary_terms(glossary: Any) -> Sequence[GlossaryTerm]:
    """The terms of a glossary-like object (a ``Glossary``, a list of terms, or None)."""
    if glossary is None:
        return ()
    if isinstance(glossary, Glossary):
        return glossary.terms
    terms = getattr(glossary, "terms", glossary)
    return [t for t in terms if isinstance(t, GlossaryTerm)]
