"""User glossaries of required and forbidden renderings, from CSV, TOML or TBX files.

``load_glossary(paths)`` reads one or more files (format chosen by extension) into one ``Glossary``.

CSV: a header row with ``source_term`` (required) and any of ``required``, ``forbidden`` (alternatives
separated by ``|``), ``case_sensitive`` (true/false/yes/no/1/0, default false) and ``note``.

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

Malformed input raises ``evaluator.errors.ConfigError(path, problem, line)``.
"""
from __future__ import annotations

import csv
import io
import logging
import re
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
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


def _phrase_regex(phrase: str, case_sensitive: bool) -> re.Pattern[str]:
    """Whole-word pattern; whitespace, hyphens and apostrophe styles in the phrase match loosely."""
    parts: list[str] = []
    for ch in phrase.strip():
        if ch.isspace() or ch == "-":
            if parts and parts[-1] == r"[\s\-]+":
                continue
            parts.append(r"[\s\-]+")
        elif ch in "'\u2019":
            parts.append("['\u2019]")
        else:
            parts.append(re.escape(ch))
    body = "".join(parts)
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(rf"(?<![\w])(?:{body})(?![\w])", flags)


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
        """Character spans of ``phrase`` in ``text`` (whole words, this term's case rule)."""
        return [m.span() for m in self._pattern(phrase).finditer(text)]

    def find_source(self, text: str) -> list[tuple[int, int, str]]:
        """Spans of the source term or any alias in ``text``."""
        hits: list[tuple[int, int, str]] = []
        for phrase in (self.source, *self.aliases):
            hits.extend((a, b, phrase) for a, b in self.find(phrase, text))
        return _outermost(hits)

    def find_required(self, text: str) -> list[tuple[int, int, str]]:
        hits = [(a, b, p) for p in self.required for a, b in self.find(p, text)]
        return _outermost(hits)

    def find_forbidden(self, text: str) -> list[tuple[int, int, str]]:
        hits = [(a, b, p) for p in self.forbidden for a, b in self.find(p, text)]
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
    clash = {r.lower() for r in required} & {f.lower() for f in forbidden}
    if clash:
        raise ConfigError(path, f'term "{source.strip()}" both requires and forbids {sorted(clash)[0]!r}', line)
    note = row.get("note")
    if note is not None and not isinstance(note, str):
        raise ConfigError(path, "note must be a string", line)
    return GlossaryTerm(source=source.strip(), required=required, forbidden=forbidden,
                        case_sensitive=_parse_bool(row.get("case_sensitive"), path, line),
                        note=(note or "").strip() or None, aliases=aliases,
                        origin=f"{path}:{line}" if line else path)


def parse_csv(text: str, path: str = "<csv>") -> Glossary:
    """Glossary from CSV text with a header row (see the module docstring)."""
    reader = csv.reader(io.StringIO(text))
    rows = list(reader)
    if not rows:
        raise ConfigError(path, "empty glossary file", 1)
    header = [h.strip().lower().lstrip("\ufeff") for h in rows[0]]
    if "source_term" not in header:
        raise ConfigError(path, "the header row must name a source_term column", 1)
    unknown = [h for h in header if h and h not in _KNOWN_KEYS]
    if unknown:
        raise ConfigError(path, f"unknown column {unknown[0]!r} (expected source_term, required, forbidden, "
                                "case_sensitive, note)", 1)
    terms = []
    for lineno, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
            continue
        if len(row) > len(header):
            raise ConfigError(path, f"{len(row)} fields but the header has {len(header)} "
                                    "(quote fields that contain commas)", lineno)
        terms.append(_make_term(dict(zip(header, row, strict=False)), path, lineno))
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
    return Glossary(tuple(terms), (path,))


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _lang(el: ET.Element) -> str:
    return (el.get(_XML_LANG) or el.get("lang") or "").lower().split("-")[0]


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
    entries = [el for el in root.iter() if _local(el.tag) in ("termEntry", "conceptEntry")]
    if not entries:
        raise ConfigError(path, "no termEntry/conceptEntry elements", None)
    for n, entry in enumerate(entries, start=1):
        where = f"entry {entry.get('id') or n}"
        by_lang: dict[str, list[tuple[str, str]]] = {}
        notes = [(el.text or "").strip() for el in entry.iter()
                 if _local(el.tag) in ("descrip", "note") and (el.text or "").strip()]
        for ls in entry:
            if _local(ls.tag) not in ("langSet", "langSec"):
                continue
            lang = _lang(ls)
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
        return parse_csv(text, str(p))
    if ext == ".toml":
        return parse_toml(text, str(p))
    if ext in (".tbx", ".xml"):
        return parse_tbx(text, str(p), source_lang, target_lang)
    raise ConfigError(p, f"unknown glossary format {ext or '(no extension)'!r} (use .csv, .toml or .tbx)")


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
    return out


def glossary_terms(glossary: Any) -> Sequence[GlossaryTerm]:
    """The terms of a glossary-like object (a ``Glossary``, a list of terms, or None)."""
    if glossary is None:
        return ()
    if isinstance(glossary, Glossary):
        return glossary.terms
    terms = getattr(glossary, "terms", glossary)
    return [t for t in terms if isinstance(t, GlossaryTerm)]
