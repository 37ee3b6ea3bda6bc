"""Line-aligned test sets (one segment a line, as sacrebleu takes them) and scoring systems on them.

A stream is named on the command line as ``[NAME=]PATH[:COLUMN]``:

* ``newstest.ref.txt``           plain text, one segment a line (any encoding ``io`` reads);
* ``data.tsv:ref``               column ``ref`` of a tab-separated file whose first line is a header
                                 (no quoting: a field runs to the next tab, as in sacrebleu's TSV);
* ``data.jsonl:hyp``             key ``hyp`` of each JSON object, one object a line;
* ``sysA=out.txt``               a system named ``sysA`` (default name: the column, else the file stem).

Scoring runs in chunks of whole documents (every line is a document unless document ids group
lines): each chunk's lines are parsed and encoded in batches with the same loaded models, then each
document goes through ``compare_aligned`` alone, so the checks that compare lines never look across
documents; its per-segment scores and findings become rows (spilled to a temporary file by the
command line, ``SegmentRows``, and streamed into the JSON output), and the encoder's memory is
cleared before the next chunk, so memory stays bounded however long the set is (but for the input
lines themselves, which are read whole).  Corpus BLEU, chrF, chrF++ and TER come from
sacrebleu's per-segment statistics, computed once in each chunk and summed in order over the chunks
(``metrics.lexical.CorpusTotals``), so they equal sacrebleu's ``corpus_score`` over all lines to the
bit; BERTScore is the mean of the per-segment F1 (and P, R) over all lines.
BERTScore and the drift checks compare each hypothesis with the first reference only.
"""
from __future__ import annotations

import contextlib
import json
import logging
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import DocumentError, InputError
from .io import display_path

log = logging.getLogger(__name__)

DEFAULT_CHUNK = 1000
_NAME = re.compile(r"[A-Za-z0-9_.+\-]+")
_TABLE_SUFFIXES = {".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


@dataclass(frozen=True)
class Stream:
    """The lines of one reference, hypothesis or source stream, and where they came from."""

    name: str
    path: str
    column: str | None
    lines: list[str]

    @property
    def label(self) -> str:
        return f"{self.path}:{self.column}" if self.column else self.path


def parse_spec(spec: str, *, named: bool = False) -> tuple[str | None, str, str | None]:
    """Split ``[NAME=]PATH[:COLUMN]`` into (name, path, column); an existing file path wins."""
    name = None
    rest = spec
    if named and "=" in spec and not Path(spec).exists():
        head, tail = spec.split("=", 1)
        if _NAME.fullmatch(head) and tail:
            name, rest = head, tail
    if Path(rest).is_file() or ":" not in rest:
        return name, rest, None
    path, column = rest.rsplit(":", 1)
    if not column or not path:
        raise InputError(f"{spec}: expected [NAME=]PATH[:COLUMN]")
    return name, path, column


class StreamReader:
    """Reads streams, parsing each TSV / JSONL file once however many of its columns are used."""

    def __init__(self, *, max_bytes: int = 20 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._tables: dict[str, tuple[list[str], list[dict[str, Any]]]] = {}

    def read(self, spec: str, *, named: bool = False, blank_ok: bool = False, ids: bool = False) -> Stream:
        """The stream ``spec`` names.  ``blank_ok`` (a system's output): a plain-text file of only empty
        lines is read, with a warning, and scored as the system's (empty) output; without it (a
        reference, a source) it is an input error.  ``ids`` (document ids): a whole number in a JSONL
        field is read as its digits ("doc_id": 1 is document "1"); a text stream refuses it."""
        from .io import read_lines

        name, path, column = parse_spec(spec, named=named)
        kind = _TABLE_SUFFIXES.get(Path(path).suffix.lower())
        if kind is None:
            if column is not None:
                raise InputError(f"{spec}: a column ({column!r}) needs a .tsv or .jsonl file")
            lines = read_lines(path, max_bytes=self.max_bytes, blank_ok=blank_ok)
            if blank_ok and not any(line.strip() for line in lines):
                log.warning("%s: every line is empty: scored as a system that output nothing (BLEU 0, "
                            "coverage 0)", display_path(path))
            return Stream(name or display_path(Path(path).stem), display_path(path), None, lines)
        columns, rows = self._table(path, kind)
        if column is None:
            raise InputError(f"{spec}: name the column to use, e.g. {path}:{columns[0] if columns else 'ref'} "
                             f"(columns: {', '.join(columns) or 'none'})")
        if column not in columns:
            raise InputError(f"{path}: no column {column!r} (columns: {', '.join(columns) or 'none'})")
        missing = next((n for n, r in enumerate(rows, start=1) if column not in r), None)
        if missing is not None:  # a JSONL line without the key (a typo, "hpy") is not an empty segment
            raise DocumentError(path, f"line {missing}: no {column!r} field (a null value counts as empty text)")
        if ids:  # document ids: 1 is the id "1" (a whole number only: 1.5 or true is no id)
            rows = [dict(r, **{column: str(r[column])}) if isinstance(r[column], int)
                    and not isinstance(r[column], bool) else r for r in rows]
        number = next((n for n, r in enumerate(rows, start=1) if not isinstance(r[column], str)), None)
        if number is not None:  # 5 is not the text "5": refused as an object or a list is
            value = rows[number - 1][column]
            raise DocumentError(path, f"line {number}: field {column!r} is not text but "
                                      f"{'true/false' if isinstance(value, bool) else 'a number'} ({json.dumps(value)}); "
                                      "write it as a JSON string")
        return Stream(name or column, display_path(path), column, [r[column] for r in rows])

    def _table(self, path: str, kind: str) -> tuple[list[str], list[dict[str, Any]]]:
        if path not in self._tables:
            from .io import read_lines

            lines = read_lines(path, max_bytes=self.max_bytes)
            self._tables[path] = _parse_tsv(path, lines) if kind == "tsv" else _parse_jsonl(path, lines)
        return self._tables[path]


def _parse_tsv(path: str, lines: list[str]) -> tuple[list[str], list[dict[str, str]]]:
    if not lines:
        raise DocumentError(path, "empty TSV file (the first line must name the columns)")
    header = lines[0].split("\t")
    if len(set(header)) != len(header) or any(not h.strip() for h in header):
        raise DocumentError(path, "line 1: the header must name each column once")
    rows = []
    for n, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        if len(fields) != len(header):
            raise DocumentError(path, f"line {n}: {len(fields)} fields, the header has {len(header)}")
        rows.append(dict(zip(header, fields, strict=True)))
    return header, rows


def _parse_jsonl(path: str, lines: list[str]) -> tuple[list[str], list[dict[str, Any]]]:
    columns: dict[str, None] = {}
    rows = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            raise DocumentError(path, f"line {n}: empty line (each line must be a JSON object)")
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DocumentError(path, f"line {n}: invalid JSON ({exc.msg})") from None
        if not isinstance(obj, dict):
            raise DocumentError(path, f"line {n}: not a JSON object")
        row: dict[str, Any] = {}
        for k, v in obj.items():
            if v is None:
                v = ""
            if isinstance(v, str):
                row[k] = v.replace("\n", " ")
            elif isinstance(v, int | float):
                row[k] = v  # kept as it is: refused if this field is a stream read (``StreamReader.read``)
            else:
                raise DocumentError(path, f"line {n}: field {k!r} is not text")
            columns.setdefault(k, None)
        rows.append(row)
    return list(columns), rows


def check_line_counts(reference: Stream, others: Sequence[Stream]) -> None:
    """Every stream must have as many lines as the first reference.

    Lines are counted as sacrebleu counts them (a final newline ends the last line; an empty line after
    it is a line, an empty segment), so a file with one blank line too many at its end is refused as
    sacrebleu refuses it, with a hint where the extra lines are only that."""
    for s in others:
        if len(s.lines) != len(reference.lines):
            raise InputError(f"line counts differ: {reference.label} has {len(reference.lines)} lines, "
                             f"{s.label} has {len(s.lines)}" + trailing_blank_hint(reference, s))


def trailing_blank_hint(a: Stream, b: Stream) -> str:
    """``"; the last line of B is empty ..."`` where the longer stream's extra lines are all at its end
    and all empty (or blank): a blank line typed after the last segment, the usual cause of such a
    difference."""
    longer, shorter = (a, b) if len(a.lines) > len(b.lines) else (b, a)
    extra = longer.lines[len(shorter.lines):]
    if not extra or any(line.strip() for line in extra):
        return ""
    if len(extra) == 1:
        return (f"; the last line of {longer.label} is empty (sacrebleu counts it as a segment too): "
                "delete it if it is not one")
    return (f"; the last {len(extra)} lines of {longer.label} are empty (sacrebleu counts them as segments "
            "too): delete them if they are not")


# --------------------------------------------------------------------------- scoring

def _rebase(span: Mapping[str, Any] | None, line_start: int) -> dict[str, Any] | None:
    if not span:
        return None
    return {"start": span["start"] - line_start, "end": span["end"] - line_start, "text": span["text"]}


def _segment_finding(f: Any, report: Any) -> dict[str, Any]:
    """A finding dict whose spans index the segment's own line (not the chunk's joined text)."""
    d = f.to_dict()
    a = f.alignment
    if a is not None:
        o, r = report.original.sentences[a].start, report.rewritten.sentences[a].start
        d = _move_spans(d, lambda span: _rebase(span, o), lambda span: _rebase(span, r))
    d.pop("alignment", None)
    return d


def _move_spans(d: dict[str, Any], on_original: Any, on_rewritten: Any) -> dict[str, Any]:
    """``d`` with its evidence spans moved, those of the findings merged into it (``data.merged``) too."""
    out = {**d, "original": on_original(d.get("original")), "rewritten": on_rewritten(d.get("rewritten"))}
    data = d.get("data")
    if isinstance(data, dict) and data.get("merged"):
        out["data"] = {**data, "merged": [_move_spans(m, on_original, on_rewritten) for m in data["merged"]]}
    return out


class _FindingCounts:
    """One system's findings counted by severity, check and code as the chunks come."""

    def __init__(self) -> None:
        from .types import Severity

        self.by_sev = {s.label: 0 for s in Severity}
        self.by_check: dict[str, int] = {}
        self.by_code: dict[str, int] = {}

    def add(self, f: Mapping[str, Any]) -> None:
        self.by_sev[f["severity"]] = self.by_sev.get(f["severity"], 0) + 1
        self.by_check[f["check"]] = self.by_check.get(f["check"], 0) + 1
        self.by_code[f["code"]] = self.by_code.get(f["code"], 0) + 1

    def to_dict(self) -> dict[str, Any]:
        return {"by_severity": dict(self.by_sev), "by_check": dict(sorted(self.by_check.items())),
                "by_code": dict(sorted(self.by_code.items())), "total": sum(self.by_sev.values())}


class SegmentRows(Sequence[dict[str, Any]]):
    """Rows (JSON objects) kept in an unnamed temporary file, one JSON line each, read back on demand.

    A read-only sequence once written: ``len``, indexing (one seek and one line), and iteration
    (buffered reads, independent of any other reader).  A row read back is a new dict: changing it
    changes nothing stored.  The file is deleted when closed, when the object goes, or when the
    process ends (it has no name in the folder).
    """

    _BLOCK = 1 << 20
    json_stream = True  # _atomic.iter_json writes it row by row, never whole

    def __init__(self, directory: str | None = None) -> None:
        import tempfile
        from array import array

        self._dir = directory or tempfile.gettempdir()
        self._fh = tempfile.TemporaryFile(prefix="evaluator-segments-", dir=self._dir)
        self._offsets = array("q")
        self._size = 0
        self._lock = threading.Lock()

    def extend(self, rows: Iterable[Mapping[str, Any]]) -> None:
        # ASCII JSON: a lone surrogate (from a JSONL input's "\\ud800") is kept as its escape here and
        # becomes U+FFFD where the output is written, as for rows held in memory.
        parts = [json.dumps(row, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")
                 for row in rows]
        if not parts:
            return
        try:
            self._fh.seek(0, 2)
            self._fh.write(b"\n".join(parts) + b"\n")
            self._fh.flush()
        except OSError as exc:  # a full temporary folder says which folder (TMPDIR chooses it)
            raise OSError(exc.errno, f"{exc.strerror or exc} (spilling segment rows; TMPDIR chooses "
                                     "the folder)", self._dir) from None
        for line in parts:  # only rows that are on disk are counted
            self._offsets.append(self._size)
            self._size += len(line) + 1

    def __len__(self) -> int:
        return len(self._offsets)

    @property
    def nbytes(self) -> int:
        """Bytes on disk."""
        return self._size

    def _pread(self, start: int, size: int) -> bytes:
        import os

        if hasattr(os, "pread"):
            return os.pread(self._fh.fileno(), size, start)
        with self._lock:  # no pread (Windows): one reader at a time moves the shared position
            self._fh.seek(start)
            return bytes(self._fh.read(size))

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        i = int(index)
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError("segment index out of range")
        start = self._offsets[i]
        end = self._offsets[i + 1] if i + 1 < len(self) else self._size
        return json.loads(self._pread(start, end - start))

    def __iter__(self) -> Iterator[dict[str, Any]]:
        pos, rest = 0, b""
        while pos < self._size:
            block = self._pread(pos, min(self._BLOCK, self._size - pos))
            if not block:
                raise OSError("segment rows: the temporary file was cut short")
            pos += len(block)
            lines = (rest + block).split(b"\n")
            rest = lines.pop()
            for line in lines:
                yield json.loads(line)
        if rest:
            yield json.loads(rest)

    def close(self) -> None:
        with contextlib.suppress(OSError):  # nothing is left to flush that anyone will read
            self._fh.close()

    def __del__(self) -> None:
        try:
            self._fh.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass


def _r(x: float | None) -> float | None:
    return None if x is None else round(float(x), 6)


def score_systems(references: Sequence[Sequence[str]], systems: Mapping[str, Sequence[str]], *,
                  options: Any = None, resources: Any = None, sources: Sequence[str] | None = None,
                  chunk_size: int = DEFAULT_CHUNK, keep_report: bool = False, spill: bool = False,
                  progress: Callable[[int, int], None] | None = None,
                  workers: int = 1, doc_ids: Sequence[str] | None = None, warn_empty: bool = True,
                  ) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Score each system against the reference streams; return (score dict, merged report dict or None).

    ``references[0]`` is the reference that BERTScore and the checks use; all streams feed BLEU, chrF,
    chrF++ and TER.  ``keep_report`` (one system only) also returns the whole set as one compare
    report dict, for the HTML renderer; that one grows with the set.  ``spill``: the per-segment rows
    (``data["segments"]``) go to a temporary file chunk by chunk and come back as a ``SegmentRows``
    (read on demand; ``render.json.write_json`` and ``_atomic.write_json_stream`` stream it out), so memory does not grow with the set; without
    it they are a list in memory (``frames`` and the gate take a list: ``list(data["segments"])``).
    ``workers`` > 1: the chunks are scored in that many worker processes (each loads the models once and
    takes its share of the cores), at most two chunks each in flight, and their results are taken in
    order: the same rows and scores as one process.  In one process, each chunk runs in spaCy's memory
    zone (``segment.memory_zone``): no other thread may parse with the same pipeline meanwhile.

    Documents: ``doc_ids`` (one per line, as WMT test sets give them) groups each run of consecutive
    lines with the same id into one document; without them every line is a document of its own.  The
    checks that compare lines with each other (a term rendered two ways, a title that changes, a name
    found in a neighbouring sentence) look within a document and never across, and a chunk holds whole
    documents (a document longer than ``chunk_size`` lines is a chunk of its own), so rows, scores and
    findings do not depend on ``chunk_size`` or ``workers`` (to the bit in fp32 on the CPU, where MKL runs in
    strict reproducibility mode: see ``evaluator/__init__.py``; on CUDA or in bf16 to float rounding).  With idf on, BERTScore's idf comes from
    the whole first reference stream, as ``bert_score.score`` computes it over all its references.

    Empty lines: bert_score's "Empty candidate/reference sentence detected" warning (one per matching
    batch, without a line number) is turned off while the chunks are scored (``compare_aligned``'s
    ``warn_empty=False``); instead, with BERTScore on and ``warn_empty``, one warning per system (and one
    for the first reference) says how many of its lines are empty and names the first few (``empty_lines``).
    """
    from .metrics.lexical import CorpusTotals
    from .options import Options
    from .pipeline import load_resources

    if not references:
        raise InputError("at least one reference is needed")
    if not systems:
        raise InputError("at least one system (hypothesis) is needed")
    n = len(references[0])
    for r in references[1:]:
        if len(r) != n:
            raise InputError(f"reference streams differ in length ({n} and {len(r)} lines)")
    for name, hyps in systems.items():
        if len(hyps) != n:
            raise InputError(f"line counts differ: the reference has {n} lines, system {name!r} has {len(hyps)}")
    if keep_report and len(systems) != 1:
        raise InputError("a single report (HTML) needs exactly one system")
    if chunk_size < 1:
        raise InputError("chunk size must be at least 1")
    if workers > 1 and resources is not None:
        raise InputError("worker processes load their own models: give workers or resources, not both")
    docs = document_runs(doc_ids, n)
    longest = max((b - a for a, b in docs), default=0)
    if longest > chunk_size:
        log.warning("a document of %d lines is longer than the chunk size (%d): it is scored as one chunk, "
                    "and memory grows with it", longest, chunk_size)
    n_chunks = count_chunks(doc_ids, n, chunk_size)
    if workers > 1 and n_chunks < workers:
        log.warning("%d workers for %d chunk(s): give a smaller --chunk-size to keep them all busy (chunks of "
                    "whole documents are the unit of work)", workers, n_chunks)
    res = resources if workers > 1 else resources or load_resources(options)
    options = options or (res.options if res is not None else Options())
    idf = _set_idf(references[0], res, options) if options.idf and options.bertscore else None

    segments: SegmentRows | list[dict[str, Any]] = SegmentRows() if spill else []
    sums = {name: {"precision": 0.0, "recall": 0.0, "f1": 0.0, "n": 0} for name in systems}
    counts = {name: _FindingCounts() for name in systems}
    # Corpus BLEU/chrF/TER from the statistics the chunks computed anyway (not a second pass at the end).
    totals = {name: CorpusTotals(len(references)) for name in systems}
    bert_sig: str | None = None
    meta: dict[str, Any] = {}
    check_errors: list[str] = []
    merger = _ReportMerger() if keep_report else None
    jobs = (_ChunkJob(start, [list(r[start:end]) for r in references],
                      {name: list(h[start:end]) for name, h in systems.items()},
                      list(sources[start:end]) if sources is not None else None, keep_report,
                      [(a - start, b - start) for a, b in part], idf)
            for start, end, part in chunk_ranges(docs, chunk_size))
    t0 = time.perf_counter()
    try:
        # Chunk-major: each chunk's references are parsed and encoded once for every system.  The chunks
        # come back in order from the worker processes too, so every sum runs in the one-process order.
        done = _score_in_workers(jobs, options, workers) if workers > 1 else (_score_chunk(res, options, j) for j in jobs)
        for chunk in done:
            for name in systems:
                for metric, stats in chunk.stats[name]:
                    totals[name].add(metric, stats)
                acc = sums[name]
                for p_, r_, f_ in chunk.bert[name]:
                    acc["precision"] += p_
                    acc["recall"] += r_
                    acc["f1"] += f_
                    acc["n"] += 1
                for row in chunk.rows:
                    for d in row["systems"][name]["findings"]:
                        counts[name].add(d)
            if chunk.bert_sig is not None:
                bert_sig = chunk.bert_sig
            meta = chunk.meta
            check_errors += [e for e in meta.pop("check_errors", []) if e not in check_errors]
            if merger is not None:
                for report_dict in chunk.reports:
                    merger.add(report_dict)
            first, end = chunk.start, chunk.start + len(chunk.rows)
            segments.extend(chunk.rows)  # to disk when spilling: memory holds a few chunks' rows at a time
            del chunk
            if progress is not None:
                progress(end, n)
            log.info("scored lines %d-%d of %d", first + 1, end, n)
    except BaseException:
        if isinstance(segments, SegmentRows):
            segments.close()
        raise

    if warn_empty and options.bertscore:
        _warn_empty("the first reference", references[0])
    out_systems: dict[str, Any] = {}
    for name, hyps in systems.items():
        # sacrebleu's own hint, which its one pass over the set gave and per-chunk passes may not reach.
        tokenized = sum(1 for h in hyps if h.strip().endswith(" ."))
        if tokenized >= 100:
            log.warning("system %s: %d lines end in a tokenized period (' .'); if the text is not meant to "
                        "be tokenized, detokenize it: BLEU, chrF and TER expect detokenized text", name, tokenized)
        if totals[name].segments != n:  # every line is one aligned pair: a broken promise is a bug
            raise RuntimeError(f"corpus statistics cover {totals[name].segments} of {n} lines")
        corpus = totals[name].scores()
        summary: dict[str, Any] = {name_: m.to_dict() for name_, m in corpus.items()}
        acc = sums[name]
        if acc["n"]:
            summary["bertscore"] = {"precision": _r(acc["precision"] / acc["n"]),
                                  "recall": _r(acc["recall"] / acc["n"]), "f1": _r(acc["f1"] / acc["n"]),
                                  "signature": bert_sig, "aggregate": "mean over segments (first reference)",
                                  "segments": acc["n"]}
        summary["coverage"] = _r(sum(1 for h in hyps if h.strip()) / n) if n else 0.0
        if warn_empty and options.bertscore:
            _warn_empty(f"system {name}", hyps)
        summary["findings"] = counts[name].to_dict()
        out_systems[name] = summary

    meta.pop("timings", None)
    if check_errors:  # a check that failed on any line of any chunk (each also logged where it failed)
        meta["check_errors"] = check_errors
    meta["segments"] = n
    meta["references"] = len(references)
    meta["chunk_size"] = chunk_size
    meta["workers"] = workers
    meta["documents"] = len(docs)
    meta["seconds"] = round(time.perf_counter() - t0, 3)
    meta["notes"] = ["BLEU, chrF, chrF++ and TER: sacrebleu corpus scores over all lines and references",
                     "BERTScore and drift checks: each hypothesis against the first reference",
                     "finding spans index the segment's own line"]
    data: dict[str, Any] = {"schema_version": "1", "kind": "score", "systems": out_systems,
                            "segments": segments, "meta": meta}
    merged = None
    if merger is not None:
        name = next(iter(systems))
        merged = merger.result(out_systems[name])
        if check_errors:
            merged["meta"]["check_errors"] = check_errors
    return data, merged


_SHOWN_EMPTY = 5  # line numbers named in an empty-lines warning


def empty_lines(lines: Sequence[str]) -> list[int]:
    """1-based numbers of the lines BERTScore scores 0 as empty texts: nothing but whitespace and the
    control / format characters BERT's tokenizer drops (a zero-width space, U+FFFD)."""
    return [k for k, text in enumerate(lines, start=1)
            if all(ch.isspace() or ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Cf") for ch in text)]


def _warn_empty(what: str, lines: Sequence[str]) -> None:
    empty = empty_lines(lines)
    if not empty:
        return
    shown = ", ".join(map(str, empty[:_SHOWN_EMPTY])) + (", ..." if len(empty) > _SHOWN_EMPTY else "")
    log.warning("%d empty line%s in %s: BERTScore 0 for %s (line%s %s)", len(empty), "" if len(empty) == 1 else "s",
                what, "it" if len(empty) == 1 else "them", "" if len(empty) == 1 else "s", shown)


def document_runs(doc_ids: Sequence[str] | None, n: int) -> list[tuple[int, int]]:
    """The set's documents as ``(first line, end)`` ranges: each run of consecutive lines with one id,
    or every line alone without ids.  An id that comes back after another document is a new document
    (WMT sets keep each document's lines together), and the user is told once."""
    if doc_ids is None:
        return [(i, i + 1) for i in range(n)]
    if len(doc_ids) != n:
        raise InputError(f"document ids: {len(doc_ids)} lines for a set of {n}")
    runs: list[tuple[int, int]] = []
    seen: set[str] = set()
    again: list[str] = []
    start = 0
    for i in range(1, n + 1):
        if i == n or doc_ids[i] != doc_ids[start]:
            if doc_ids[start] in seen:
                again.append(doc_ids[start])
            seen.add(doc_ids[start])
            runs.append((start, i))
            start = i
    if again:
        log.warning("document id %r (and %d more) comes back after other documents: each run of its lines "
                    "counts as a document of its own", again[0], len(again) - 1)
    return runs


def count_chunks(doc_ids: Sequence[str] | None, n: int, chunk_size: int) -> int:
    """How many chunks ``score_systems`` scores ``n`` lines in (whole documents, ``chunk_size`` lines)."""
    return sum(1 for _ in chunk_ranges(document_runs(doc_ids, n), chunk_size))


def chunk_ranges(docs: Sequence[tuple[int, int]], chunk_size: int) -> Iterator[tuple[int, int, list[tuple[int, int]]]]:
    """Chunks of whole documents: ``(start, end, documents)``, each at most ``chunk_size`` lines but for
    a document longer than that, which is a chunk of its own."""
    part: list[tuple[int, int]] = []
    for a, b in docs:
        if part and b - part[0][0] > chunk_size:
            yield part[0][0], part[-1][1], part
            part = []
        part.append((a, b))
    if part:
        yield part[0][0], part[-1][1], part


def _set_idf(refs: Sequence[str], res: Any, options: Any) -> Mapping[int, float]:
    """BERTScore idf over the whole first reference stream (``bert_score.score``'s, over all references);
    with worker processes the parent loads the encoder on the CPU for its tokenizer (the same one,
    whatever the model), then lets it go."""
    import dataclasses

    from .encoder import load_encoder
    from .metrics.semantic import idf_dict

    return idf_dict(res.encoder if res is not None else load_encoder(dataclasses.replace(options, device="cpu")),
                    refs)


@dataclass(frozen=True)
class _ChunkJob:
    """One chunk of the set: its lines in every stream, from line ``start`` on, its documents (line
    ranges within the chunk) and the set's idf weights (None: idf off)."""

    start: int
    references: list[list[str]]
    systems: dict[str, list[str]]
    sources: list[str] | None
    keep_report: bool
    docs: list[tuple[int, int]]
    idf: Mapping[int, float] | None = None


@dataclass
class _ChunkResult:
    """What a chunk gives the set: its rows, and per system its corpus statistics and BERTScore triples
    in line order (summed by the caller in the one-process order), plus its report dicts for the HTML."""

    start: int
    rows: list[dict[str, Any]]
    stats: dict[str, list[tuple[str, list[Any]]]]
    bert: dict[str, list[tuple[float, float, float]]]
    bert_sig: str | None
    meta: dict[str, Any]
    reports: list[dict[str, Any]]


def _score_chunk(res: Any, options: Any, job: _ChunkJob) -> _ChunkResult:
    """Score one chunk for every system with loaded models; nothing of it stays behind in them."""
    from .checks import release_word_caches
    from .metrics.lexical import StatsLog, release_tokenizer_caches
    from .pipeline import compare_aligned
    from .segment import memory_zone, parse_lines

    refs = job.references
    out = _ChunkResult(job.start, [], {}, {}, None, {}, [])
    with memory_zone(res.nlp):  # this chunk's words leave spaCy's vocab at its end
        # The whole chunk is parsed and encoded in batches here; each document is then compared alone
        # (its lines are memory hits), so no check looks across documents.
        ref_parses = parse_lines(refs[0], res.nlp)
        full = job.keep_report or getattr(res.encoder, "has_cache", False)  # as compare_aligned encodes
        texts = list(dict.fromkeys([*refs[0], *(h for hyps in job.systems.values() for h in hyps)]))
        res.encoder.encode(texts) if full else res.encoder.encode_layer_only(texts)
        check_errors: list[str] = []
        for k in range(len(refs[0])):
            row: dict[str, Any] = {"index": job.start + k, "ref": refs[0][k]}
            if len(refs) > 1:
                row["extra_refs"] = [r[k] for r in refs[1:]]
            if job.sources is not None:
                row["src"] = job.sources[k]
            row["systems"] = {}
            out.rows.append(row)
        for name, hyps in job.systems.items():
            # One system's parses at a time (with the references'): memory does not grow with systems.
            parses = parse_lines(hyps, res.nlp, known=ref_parses)
            log_ = StatsLog(len(refs))
            triples = out.bert[name] = []
            for a, b in job.docs:
                report = compare_aligned(refs[0][a:b], hyps[a:b], extra_refs=[r[a:b] for r in refs[1:]],
                                         options=options, resources=res, ids=("reference", name), totals=log_,
                                         similarity=job.keep_report,  # only the HTML shows them
                                         parses=parses, idf=job.idf,
                                         warn_empty=False)  # score_systems names the empty lines itself
                for p in report.pairs:
                    out.rows[a + p.alignment]["systems"][name] = {
                        "hyp": hyps[a + p.alignment], "bleu": _r(p.bleu), "chrf": _r(p.chrf),
                        "chrf++": _r(p.chrf_pp), "ter": _r(p.ter), "bertscore_precision": _r(p.bertscore_precision),
                        "bertscore_recall": _r(p.bertscore_recall), "bertscore_f1": _r(p.bertscore_f1),
                        "findings": [],
                    }
                    if p.bertscore_f1 is not None:
                        triples.append((p.bertscore_precision or 0.0, p.bertscore_recall or 0.0, p.bertscore_f1))
                for f in sorted(report.findings, key=lambda f: f.sort_key()):
                    if f.alignment is None:
                        continue
                    entry = out.rows[a + f.alignment]["systems"].get(name)
                    if entry is not None:
                        entry["findings"].append(_segment_finding(f, report))
                if report.bertscore is not None:
                    out.bert_sig = report.bertscore.signature
                out.meta = dict(report.meta)
                check_errors += [e for e in out.meta.pop("check_errors", []) if e not in check_errors]
                if job.keep_report:
                    out.reports.append(_report_part(report.to_dict(), first=job.start + a == 0))
                del report
            out.stats[name] = log_.calls
            del parses
        del ref_parses
    if check_errors:
        out.meta["check_errors"] = check_errors
    # The encoder remembers every text it saw, sacrebleu's tokenizers every line and the checks
    # every word: forget this chunk's so memory stays bounded.
    release_tokenizer_caches()
    release_word_caches()
    if hasattr(res.encoder, "clear_memory"):
        res.encoder.clear_memory()
    return out


_WORKER_RES: Any = None


def _score_in_workers(jobs: Iterable[_ChunkJob], options: Any, workers: int) -> Iterator[_ChunkResult]:
    """The chunks' results in order, scored in ``workers`` spawned processes that share the cores
    (``_workers``); at most two chunks per worker are in flight or waiting."""
    from concurrent.futures import Future

    from ._workers import spawn_pool, terminate

    # No heap tuning in the workers: `score` runs without it (see cli/__init__.py), its workers likewise.
    pool = spawn_pool(workers, _no_setup)
    todo = iter(jobs)
    running: list[Future[_ChunkResult]] = []
    try:
        while True:
            while len(running) < 2 * workers:
                job = next(todo, None)
                if job is None:
                    break
                running.append(pool.submit(_score_chunk_in_worker, options, job))
            if not running:
                return
            yield running.pop(0).result()  # in order: a later chunk done first waits in its future
    except BaseException:
        terminate(pool)  # Ctrl-C, SIGTERM or a failed chunk: nothing of the set is kept
        raise
    finally:
        for fut in running:
            fut.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def _no_setup() -> None:
    """A score worker needs nothing beyond ``_workers.init_worker_process``; its models load with its
    first chunk."""


def _score_chunk_in_worker(options: Any, job: _ChunkJob) -> _ChunkResult:
    """A worker's chunk; its models load on its first chunk (an error there reaches the parent as itself)."""
    global _WORKER_RES
    if _WORKER_RES is None:
        from ._workers import set_torch_threads
        from .pipeline import load_resources

        _WORKER_RES = load_resources(options)
        set_torch_threads()
    return _score_chunk(_WORKER_RES, options, job)


_PART_KEYS = ("original", "rewritten", "alignment", "pairs", "findings")


def _report_part(d: dict[str, Any], *, first: bool) -> dict[str, Any]:
    """What ``_ReportMerger`` reads of a document's report dict: all of the set's first, the rest only
    their documents, alignment, pairs and findings (not each one's meta, metrics and coverage)."""
    return d if first else {k: d[k] for k in _PART_KEYS}


class _ReportMerger:
    """Joins per-document report dicts into one compare report dict (for the single-system HTML report):
    the documents' texts joined by newlines, as the set's lines."""

    def __init__(self) -> None:
        self.parts: list[dict[str, Any]] = []

    def add(self, d: dict[str, Any]) -> None:
        self.parts.append(d)

    def result(self, system: Mapping[str, Any]) -> dict[str, Any]:
        first = self.parts[0]
        out: dict[str, Any] = {k: v for k, v in first.items() if k not in ("findings", "pairs", "alignment")}
        docs = {side: {**first[side], "text": "", "sentences": [], "paragraphs": []}
                for side in ("original", "rewritten")}
        alignment: list[dict[str, Any]] = []
        pairs: list[dict[str, Any]] = []
        findings: list[dict[str, Any]] = []
        n_sent = {"original": 0, "rewritten": 0}
        texts: dict[str, list[str]] = {"original": [], "rewritten": []}
        length = {"original": 0, "rewritten": 0}
        for k, part in enumerate(self.parts):
            a_base = len(alignment)
            shift = {}
            for side in ("original", "rewritten"):
                doc = docs[side]
                if k:
                    length[side] += 1  # the newline before this document (after an empty one too)
                shift[side] = length[side]
                texts[side].append(part[side]["text"])
                length[side] += len(part[side]["text"])
                for s in part[side]["sentences"]:
                    doc["sentences"].append({**s, "index": s["index"] + n_sent[side], "start": s["start"] + shift[side],
                                             "end": s["end"] + shift[side],
                                             "paragraph": s["paragraph"] + n_sent[side]})
                for p in part[side]["paragraphs"]:
                    doc["paragraphs"].append({**p, "index": p["index"] + n_sent[side],
                                              "start": p["start"] + shift[side], "end": p["end"] + shift[side]})
            for a in part["alignment"]:
                alignment.append({**a, "original": [i + n_sent["original"] for i in a["original"]],
                                  "rewritten": [i + n_sent["rewritten"] for i in a["rewritten"]]})
            for p in part["pairs"]:
                pairs.append({**p, "alignment": p["alignment"] + a_base,
                              "unmatched_original": [_shift(s, shift["original"]) for s in p["unmatched_original"]],
                              "unmatched_rewritten": [_shift(s, shift["rewritten"])
                                                      for s in p["unmatched_rewritten"]]})
            for f in part["findings"]:
                so, sr = shift["original"], shift["rewritten"]
                moved = _move_spans(f, lambda span, by=so: _shift(span, by), lambda span, by=sr: _shift(span, by))
                findings.append({**moved, "alignment": None if f["alignment"] is None else f["alignment"] + a_base})
            n_sent["original"] += len(part["original"]["sentences"])
            n_sent["rewritten"] += len(part["rewritten"]["sentences"])
        for side in ("original", "rewritten"):
            docs[side]["text"] = "\n".join(texts[side])
        out.update(docs)
        out["alignment"], out["pairs"], out["findings"] = alignment, pairs, findings
        out["metrics"] = {k: v for k, v in system.items() if k in ("bleu", "chrf", "chrf++", "ter", "bertscore")}
        counts = {s: 0 for s in ("info", "minor", "major", "critical")}
        for f in findings:
            counts[f["severity"]] = counts.get(f["severity"], 0) + 1
        out["summary"] = {"findings_by_severity": counts}
        n_o, n_r = n_sent["original"], n_sent["rewritten"]
        cov = dict(first["coverage"])
        cov.update({"original": 1.0 if n_o else 0.0, "rewritten": 1.0 if n_r else 0.0,
                    "original_sentences": {"aligned": n_o, "total": n_o},
                    "rewritten_sentences": {"aligned": n_r, "total": n_r}})
        out["coverage"] = cov
        # The first document's stage timings are not the set's (the score report's meta.seconds is).
        out["meta"] = {**{k: v for k, v in (first.get("meta") or {}).items() if k != "timings"}, "line_aligned": True}
        return out


def _shift(span: Mapping[str, Any] | None, by: int) -> dict[str, Any] | None:
    if not span:
        return None
    return {**span, "start": span["start"] + by, "end": span["end"] + by}
