"""Pair manifests for ``evaluator batch``: JSONL, CSV or a folder of pairs.

Every row has an ``id`` and, for each side, either the text (``original`` / ``rewritten``) or a file
(``original_path`` / ``rewritten_path``, relative to the manifest's folder).  A folder of pairs holds
either one sub-folder per pair, ``DIR/<id>/original.txt`` + ``DIR/<id>/rewritten.txt``, or flat files
``DIR/<id>.original.txt`` + ``DIR/<id>.rewritten.txt`` (``.md`` instead of ``.txt`` reads as markdown).

A malformed manifest (a bad JSON line, a missing column, a duplicate id) raises ``ConfigError`` with
the line number before any pair is scored.  A missing or unreadable document file is not a manifest
error: that pair gets an error record and the batch goes on.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError, DocumentError
from .io import DEFAULT_MAX_BYTES, LoadedText, display_path, read_document, read_text

log = logging.getLogger(__name__)

SIDES = ("original", "rewritten")
DOC_SUFFIXES = (".txt", ".md", ".markdown")
_SAFE_RE = re.compile(r"[^A-Za-z0-9._-]+")
# A name kept as it is must be one no other id can be given: lowercase (the same file as its capitalised
# twin on a case-insensitive file system), not a hashed name's shape, not a Windows device name.
_PLAIN_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,79}")
_HASHED_RE = re.compile(r"-[0-9a-f]{8}$")
_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))})


@dataclass(frozen=True)
class PairSpec:
    """One pair of a manifest: an id and, per side, a text or a resolved file path."""

    id: str
    original: str | None = None
    rewritten: str | None = None
    original_path: str | None = None
    rewritten_path: str | None = None
    line: int | None = None

    def load(self, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[LoadedText, LoadedText]:
        """Read both sides (``DocumentError`` names the file or side that is unusable)."""
        return self._side("original", max_bytes), self._side("rewritten", max_bytes)

    def _side(self, side: str, max_bytes: int) -> LoadedText:
        path = getattr(self, f"{side}_path")
        if path == "":
            raise DocumentError(f"{self.id}:{side}_path", "empty: no file named")
        if path is not None:
            return read_document(path, max_bytes=max_bytes)
        return read_text(getattr(self, side), name=f"{self.id}:{side}", max_bytes=max_bytes)


def safe_id(pair_id: str) -> str:
    """A file name for a pair id, different for different ids on any file system.

    An id that is already a plain name (lowercase letters, digits, ``._-``, at most 80 characters,
    not ending like a hashed name, not a Windows device name such as ``con`` or ``nul.txt``) is its own
    name; any other gets its unsafe characters replaced and a short hash of the exact id appended.  So
    ``a/b`` and ``a_b-c14cddc0`` (what ``a/b`` becomes) get two names, and so do ``A`` and ``a`` where
    the file system ignores case: a kept name never ends in ``-`` + 8 hex digits, a hashed one always does.
    """
    if _PLAIN_RE.fullmatch(pair_id) and not pair_id.endswith(".") and not _HASHED_RE.search(pair_id) \
            and pair_id.split(".")[0] not in _RESERVED:
        return pair_id
    cleaned = _SAFE_RE.sub("_", pair_id).strip("._")[:80]
    digest = hashlib.sha256(pair_id.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{cleaned or 'pair'}-{digest}"


def read_manifest(path: str | Path) -> list[PairSpec]:
    """Read a JSONL / CSV manifest or a folder of pairs; raise ``ConfigError`` when it is malformed."""
    p = Path(path)
    if p.is_dir():
        try:
            specs = _read_folder(p)
        except ConfigError:
            _check_not_one_pair(p, path)
            raise
        if not specs:
            _check_not_one_pair(p, path)
    elif not p.exists():
        raise ConfigError(p, "manifest not found")
    elif p.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        specs = _check_unique(p, _read_jsonl(p))
    elif p.suffix.lower() == ".tsv":
        try:
            specs = _check_unique(p, _read_csv(p))
        except _QuotingError as quoted:
            # Plain TSV has no quoting at all (a cell is the text between tabs: IANA text/tab-separated-values,
            # most MT tools): a cell that opens with a quotation mark ("We will win," she said.) is text, not
            # a quoted field.  Read so when quoted fields do not parse; a file that fails both ways is
            # reported as the quoted reading failed.
            try:
                specs = _check_unique(p, _read_csv(p, quoted=False))
            except ConfigError:
                raise quoted from None
            log.warning("%s: read as plain tab-separated text, quotation marks kept as text (line %s has a cell "
                        "that opens with \" and is no quoted field)", p, quoted.line)
    elif p.suffix.lower() == ".csv":
        specs = _check_unique(p, _read_csv(p))
    else:
        raise ConfigError(p, "unknown manifest type: use .jsonl, .csv or a folder of pairs")
    if not specs:
        raise ConfigError(p, "the manifest lists no pairs")
    return specs


def _read_lines(p: Path) -> str:
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ConfigError(p, f"cannot read the manifest ({exc.strerror or exc})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(p, f"not valid UTF-8 (byte offset {exc.start})") from None


KEYS = ("id", *SIDES, *(f"{side}_path" for side in SIDES))


def _read_jsonl(p: Path) -> Iterator[PairSpec]:
    # Lines end at \n, \r\n or a lone \r (old Mac files) only: ``str.splitlines`` also splits at U+2028,
    # U+2029, NEL and form feed, which JSON leaves unescaped inside a string (``json.dumps(ensure_ascii=False)``
    # writes them raw); a raw \r cannot stand inside a JSON string, so splitting there is safe.
    unknown_keys: dict[str, int] = {}
    for n, line in enumerate(re.split(r"\r\n|\n|\r", _read_lines(p)), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ConfigError(p, f"not valid JSON ({exc.msg} at column {exc.colno})", line=n) from None
        if not isinstance(row, dict):
            raise ConfigError(p, f"expected a JSON object, got {type(row).__name__}", line=n)
        for k in row:
            if k not in KEYS:
                unknown_keys.setdefault(k, n)
        yield _spec_from_row(p, row, n)
    if unknown_keys:  # metadata a user keeps with the pair ("lang", "source"), or a misspelt optional key
        log.warning("%s: keys ignored (a row reads %s): %s", p, ", ".join(KEYS),
                    ", ".join(f"{k!r} (line {n})" for k, n in list(unknown_keys.items())[:5]))


class _CountedLines:
    """The lines of a CSV text as the csv module reads them, noting where each record starts.

    ``io.StringIO(text, newline="")`` splits only at ``\\r``, ``\\n`` and ``\\r\\n``, as a file opened with
    ``newline=""`` (what the csv module asks for): ``str.splitlines`` also splits at form feed, NEL and
    U+2028, which Python's own csv writer leaves unquoted inside a field.  ``start`` is the number of the
    first non-blank line read since it was reset (blank lines between records are skipped by the reader),
    so a message names the line where a multi-line record begins, not where it ends."""

    def __init__(self, text: str) -> None:
        self._lines = io.StringIO(text, newline="")
        self.n = 0
        self.start: int | None = None

    def __iter__(self) -> _CountedLines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.n += 1
        if self.start is None and line.strip("\r\n"):
            self.start = self.n
        return line


class _QuotingError(ConfigError):
    """A CSV/TSV whose quoted fields do not parse."""

    def __init__(self, p: Path, detail: str, line: int | None) -> None:
        super().__init__(p, f"malformed CSV: {detail}", line=line)


def _read_csv(p: Path, *, quoted: bool = True) -> Iterator[PairSpec]:
    lines = _CountedLines(_read_lines(p))
    delimiter = "\t" if p.suffix.lower() == ".tsv" else ","
    # strict: a quote that opens a field and is never closed (it would swallow the rows after it into one
    # cell) or a quoted field with more text after its closing quote (``"We will win," she said.``, which
    # the lenient reader turns into another text, its quotes dropped) is an error, not a silent change.
    # ``quoted=False`` (plain TSV): no quoting, every character of a cell is its text.
    reader = csv.DictReader(lines, delimiter=delimiter, strict=True,
                            quoting=csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE)
    try:
        if not reader.fieldnames:
            raise ConfigError(p, "the CSV has no header line", line=1)
        while True:
            lines.start = None
            try:
                row = next(reader)
            except StopIteration:
                return
            start = lines.start or reader.line_num
            # A row with more fields than the header puts the extras under the None key.
            if None in row:
                raise ConfigError(p, "more fields than the header has columns", line=start)
            values = {k: v for k, v in row.items() if v not in (None, "")}
            for side in SIDES:
                # A column that is there with an empty cell (and no file given instead) is an empty document:
                # that pair's error record, as "original": "" in JSONL; a missing column stays a manifest error.
                # (A short row, whose cells are None, still lacks the side: a manifest error.)
                if side not in values and f"{side}_path" not in values:
                    if row.get(side) == "":
                        values[side] = ""
                    elif row.get(f"{side}_path") == "":
                        values[f"{side}_path"] = ""
            yield _spec_from_row(p, values, start)
    except csv.Error as exc:
        raise _QuotingError(p, _csv_problem(str(exc)), lines.start or reader.line_num) from None


def _csv_problem(message: str) -> str:
    """The csv module's message, said in terms of the file."""
    if "unexpected end of data" in message:
        return ("a quoted field is never closed (its opening \" swallows the rest of the file); "
                "close it, or double the quote marks inside it")
    if "expected after" in message:
        return ("text after the closing quote of a quoted field; a cell that starts with \" must be quoted "
                "whole, with its quote marks doubled (\"\"\"We will win,\"\" she said.\")")
    return message


def _spec_from_row(p: Path, row: dict[str, Any], n: int) -> PairSpec:
    raw_id = row.get("id")
    if raw_id is None or (isinstance(raw_id, str) and not raw_id.strip()):
        raise ConfigError(p, "missing 'id'", line=n)
    if not isinstance(raw_id, (str, int)) or isinstance(raw_id, bool):
        raise ConfigError(p, f"'id' must be a string or an integer, got {type(raw_id).__name__}", line=n)
    try:
        # A lone surrogate (JSON allows "\ud800") cannot be written to results.jsonl or a file name: refused
        # here, before any work, rather than crashing the batch at its first result.
        str(raw_id).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ConfigError(p, f"'id' is not valid Unicode text (a lone surrogate U+{ord(str(raw_id)[exc.start]):04X} "
                             f"at character {exc.start + 1})", line=n) from None
    fields: dict[str, str | None] = {}
    for side in SIDES:
        text, path = row.get(side), row.get(f"{side}_path")
        if text is not None and path is not None:
            raise ConfigError(p, f"give either '{side}' or '{side}_path', not both", line=n)
        if text is None and path is None:
            raise ConfigError(p, f"missing '{side}' (text) or '{side}_path' (file)", line=n)
        value = text if text is not None else path
        if not isinstance(value, str):
            key = side if text is not None else f"{side}_path"
            raise ConfigError(p, f"'{key}' must be a string, got {type(value).__name__}", line=n)
        if path == "":  # an empty cell of a CSV path column: that pair's error when it is read
            fields[f"{side}_path"] = ""
        elif path is not None:
            fields[f"{side}_path"] = str((p.parent / path).resolve()) if not Path(path).is_absolute() else path
        else:
            fields[side] = text
    return PairSpec(id=str(raw_id), line=n, **fields)


def _check_unique(p: Path, specs: Iterator[PairSpec]) -> list[PairSpec]:
    seen: dict[str, int | None] = {}
    out = []
    for s in specs:
        if s.id in seen:
            raise ConfigError(p, f"duplicate id {s.id!r} (first on line {seen[s.id]})", line=s.line)
        seen[s.id] = s.line
        out.append(s)
    return out


def _check_not_one_pair(d: Path, path: str | Path) -> None:
    """For a folder that gave no pairs: when it has original.* and rewritten.* right in it, it is one
    pair, not a folder of pairs (the likeliest mistake: ``batch`` given what ``compare`` takes); say so."""
    names = {f.name.lower() for f in d.iterdir() if f.is_file()}
    if all(any(f"{side}{suffix}" in names for suffix in DOC_SUFFIXES) for side in SIDES):
        raise ConfigError(path, "this folder is one pair (original.txt/rewritten.txt); batch expects "
                                "one sub-folder per pair — use `evaluator compare` for one pair") from None


def _doc_file(folder: Path, stem: str) -> Path | None:
    for suffix in DOC_SUFFIXES:
        f = folder / f"{stem}{suffix}"
        if f.is_file():
            return f
    return None


def _read_folder(d: Path) -> list[PairSpec]:
    """``DIR/<id>/original.*`` + ``rewritten.*`` or ``DIR/<id>.original.*`` + ``DIR/<id>.rewritten.*``."""
    found: dict[str, dict[str, Path]] = {}
    raw_names: dict[str, str] = {}  # pair id as shown -> the name on disk it came from

    def pair_id_of(raw: str) -> str:
        shown = display_path(raw)
        if raw_names.setdefault(shown, raw) != raw:
            raise ConfigError(d, f"pair names {raw_names[shown]!r} and {raw!r} differ only in bytes that are not "
                                 "UTF-8; rename one of them")
        return shown

    for entry in sorted(d.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            present: dict[str, Path] = {}
            for side in SIDES:
                f = _doc_file(entry, side)
                if f is not None:
                    present[side] = f
            if not present:
                continue  # not a pair folder (e.g. a results folder beside the pairs)
            if len(present) == 1:
                missing = next(s for s in SIDES if s not in present)
                raise ConfigError(entry, f"pair folder has no {missing}.txt / {missing}.md")
            _add(found, d, pair_id_of(entry.name), present)
        elif entry.suffix.lower() in DOC_SUFFIXES:
            stem = entry.name[: -len(entry.suffix)]
            for side in SIDES:
                if stem.endswith(f".{side}"):
                    pair_id = pair_id_of(stem[: -len(side) - 1])
                    if side in found.get(pair_id, {}):
                        raise ConfigError(entry, f"pair {pair_id!r} has two {side} files")
                    found.setdefault(pair_id, {})[side] = entry
    specs = []
    for pair_id, sides in sorted(found.items()):
        if len(sides) != 2:
            missing = next(s for s in SIDES if s not in sides)
            raise ConfigError(d, f"pair {pair_id!r} has no {pair_id}.{missing}.txt / .md")
        specs.append(PairSpec(id=pair_id, original_path=str(sides["original"].resolve()),
                              rewritten_path=str(sides["rewritten"].resolve())))
    return specs


def _add(found: dict[str, dict[str, Path]], d: Path, pair_id: str, sides: dict[str, Path]) -> None:
    if pair_id in found:
        raise ConfigError(d, f"pair {pair_id!r} is given both as a folder and as flat files")
    found[pair_id] = sides
