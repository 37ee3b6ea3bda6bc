"""Analyst surfaces: reports as pandas DataFrames (``Report.pairs_frame()``, ``load_results(DIR)``).

Every frame is built from the report JSON (``Report.to_dict()``, a ``score`` report, or the lines of
a batch's ``results.jsonl``), so a frame and the JSON never disagree.  Columns and dtypes are fixed
(``PAIRS_COLUMNS`` ... below); an empty report gives an empty frame with the same columns.

**pairs** (one row per entry of the report's ``alignment``: 1-1, 1-2, 2-1, ... pairs, and the 1-0
omissions and 0-1 additions)

    alignment              int64     index into the report's "alignment"
    kind                   string    "1-1", "2-1", "1-0" (omitted), "0-1" (added) ...
    similarity             float64   the aligner's cosine similarity (0 for omissions / additions)
    original_sentences     string    sentence indices of the original side, "3,4" (<NA> when none)
    rewritten_sentences    string    likewise for the rewrite
    original_start/_end    Int64     character span of that side in its document (<NA> when none)
    rewritten_start/_end   Int64
    original_text          string    the side's sentences joined by a space (<NA> when none)
    rewritten_text         string
    bleu chrf chrf++ ter   float64   sentence scores (sacrebleu); NaN when a side is empty
    bertscore_precision / _recall / _f1   float64   NaN when a side is empty or BERTScore was off
    unmatched_original     string    BERTScore's unmatched tokens of the original side, " | "-joined
    unmatched_rewritten    string
    findings               int64     findings attached to this pair
    worst_severity         category  info < minor < major < critical (ordered); NaN with no finding

**findings** (one row per finding, in the report's order)

    finding                int64     index into the report's "findings" (score: per system)
    check code             string
    severity               category  ordered info < minor < major < critical
    message                string
    alignment              Int64     the pair it belongs to (<NA> for document-level findings)
    original_start/_end    Int64     evidence span in the original (<NA> when the finding has none)
    original_text          string    evidence text in the original
    rewritten_start/_end   Int64
    rewritten_text         string
    original_sentence      string    the pair's original side, for context (<NA> without a pair)
    rewritten_sentence     string
    waived                 bool      a gate waiver covers it (``compare --gate --waivers``)
    waiver_reason          string
    data                   string    the finding's extra data as compact JSON (<NA> when none)

**documents** (one row per article pair: a compare report has one, a batch one per manifest pair)

    status error           string    "ok", or in a batch "error" with the pair's error line
    original_path / rewritten_path   string
    bleu chrf chrf++ ter bertscore_precision bertscore_recall bertscore_f1   float64
    coverage_original coverage_rewritten   float64
    partial_original partial_rewritten     boolean
    sentences_original sentences_rewritten aligned_pairs findings critical major minor info   Int64
    gate                   string    the gate's status when one was applied
    bleu_signature chrf_signature chrf++_signature ter_signature bertscore_signature   string

A batch's frames start with ``pair_id``.  A ``score`` report (line-aligned test set, several systems)
gives frames across systems: pairs and findings start with ``system`` and ``segment`` (the line index)
and the pair columns are ``source`` (the --src line), ``original_text`` (the reference line),
``rewritten_text`` (the system's line), the scores, ``findings``, ``worst_severity``; findings have no
``alignment`` (the segment says where), their spans index the segment's own line.  Its third table is
**systems**: one row per system with the corpus scores (equal to sacrebleu's), coverage, finding
counts and signatures.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import InputError

SEVERITIES = ("info", "minor", "major", "critical")
SEVERITY_DTYPE = pd.CategoricalDtype(list(SEVERITIES), ordered=True)
STRING = pd.StringDtype()
_RANK = {s: i for i, s in enumerate(SEVERITIES)}
UNMATCHED_SEPARATOR = " | "

PAIR_METRICS = ("bleu", "chrf", "chrf++", "ter", "bertscore_precision", "bertscore_recall", "bertscore_f1")

PAIRS_COLUMNS: dict[str, Any] = {
    "alignment": "int64", "kind": STRING, "similarity": "float64",
    "original_sentences": STRING, "rewritten_sentences": STRING,
    "original_start": "Int64", "original_end": "Int64", "rewritten_start": "Int64", "rewritten_end": "Int64",
    "original_text": STRING, "rewritten_text": STRING,
    **{m: "float64" for m in PAIR_METRICS},
    "unmatched_original": STRING, "unmatched_rewritten": STRING,
    "findings": "int64", "worst_severity": SEVERITY_DTYPE,
}

FINDINGS_COLUMNS: dict[str, Any] = {
    "finding": "int64", "check": STRING, "code": STRING, "severity": SEVERITY_DTYPE, "message": STRING,
    "alignment": "Int64",
    "original_start": "Int64", "original_end": "Int64", "original_text": STRING,
    "rewritten_start": "Int64", "rewritten_end": "Int64", "rewritten_text": STRING,
    "original_sentence": STRING, "rewritten_sentence": STRING,
    "waived": "bool", "waiver_reason": STRING, "data": STRING,
}

_DOC_METRICS = ("bleu", "chrf", "chrf++", "ter")
DOCUMENTS_COLUMNS: dict[str, Any] = {
    "status": STRING, "error": STRING, "original_path": STRING, "rewritten_path": STRING,
    **{m: "float64" for m in _DOC_METRICS},
    "bertscore_precision": "float64", "bertscore_recall": "float64", "bertscore_f1": "float64",
    "coverage_original": "float64", "coverage_rewritten": "float64",
    "partial_original": "boolean", "partial_rewritten": "boolean",
    "sentences_original": "Int64", "sentences_rewritten": "Int64", "aligned_pairs": "Int64",
    "findings": "Int64", **{s: "Int64" for s in reversed(SEVERITIES)},
    "gate": STRING,
    **{f"{m}_signature": STRING for m in _DOC_METRICS}, "bertscore_signature": STRING,
}

SCORE_PAIRS_COLUMNS: dict[str, Any] = {
    "system": STRING, "segment": "int64", "source": STRING, "original_text": STRING, "rewritten_text": STRING,
    **{m: "float64" for m in PAIR_METRICS},
    "findings": "int64", "worst_severity": SEVERITY_DTYPE,
}

SCORE_FINDINGS_COLUMNS: dict[str, Any] = {
    "system": STRING, "segment": "int64",
    **{k: v for k, v in FINDINGS_COLUMNS.items() if k != "alignment"},
}

SYSTEMS_COLUMNS: dict[str, Any] = {
    "system": STRING, **{m: "float64" for m in _DOC_METRICS},
    "bertscore_precision": "float64", "bertscore_recall": "float64", "bertscore_f1": "float64",
    "coverage": "float64", "findings": "Int64", **{s: "Int64" for s in reversed(SEVERITIES)},
    **{f"{m}_signature": STRING for m in _DOC_METRICS}, "bertscore_signature": STRING,
}

BATCH_PREFIX: dict[str, Any] = {"pair_id": STRING}


# ------------------------------------------------------------------------------------------ helpers

class _Columns:
    """Rows accumulated column by column (a large batch never holds a list of row dicts)."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.schema = dict(schema)
        self.data: dict[str, list[Any]] = {k: [] for k in self.schema}

    def add(self, row: Mapping[str, Any]) -> None:
        for k, col in self.data.items():
            col.append(row.get(k))

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame({k: _series(self.data[k], dtype) for k, dtype in self.schema.items()})


def _series(values: list[Any], dtype: Any) -> pd.Series:
    if dtype == "int64":
        return pd.Series([int(v) for v in values], dtype="int64")
    if dtype == "float64":
        return pd.Series([_float(v) for v in values], dtype="float64")
    if dtype == "bool":
        return pd.Series([bool(v) for v in values], dtype="bool")
    return pd.Series(values, dtype=dtype)


def _float(v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return float("nan")
    return float(v)


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _str(v: Any) -> str | None:
    return None if v is None else str(v)


def _get(d: Any, *path: str) -> Any:
    for k in path:
        if not isinstance(d, Mapping) or k not in d:
            return None
        d = d[k]
    return d


def _worst(findings: Iterable[Mapping[str, Any]]) -> str | None:
    ranks = [_RANK[f["severity"]] for f in findings if f.get("severity") in _RANK]
    return SEVERITIES[max(ranks)] if ranks else None


def _span_fields(prefix: str, span: Any) -> dict[str, Any]:
    if not isinstance(span, Mapping):
        return {f"{prefix}_start": None, f"{prefix}_end": None, f"{prefix}_text": None}
    return {f"{prefix}_start": _int(span.get("start")), f"{prefix}_end": _int(span.get("end")),
            f"{prefix}_text": _str(span.get("text"))}


def _finding_fields(i: int, f: Mapping[str, Any]) -> dict[str, Any]:
    waived = f.get("waived")
    data = f.get("data")
    return {
        "finding": i, "check": _str(f.get("check")), "code": _str(f.get("code")),
        "severity": f.get("severity") if f.get("severity") in _RANK else None,
        "message": _str(f.get("message")), "alignment": _int(f.get("alignment")),
        **_span_fields("original", f.get("original")), **_span_fields("rewritten", f.get("rewritten")),
        "waived": bool(waived),
        "waiver_reason": _str(waived.get("reason")) if isinstance(waived, Mapping) else None,
        "data": json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) if data else None,
    }


def report_kind(report: Mapping[str, Any]) -> str:
    """'score' for a line-aligned test-set report, 'compare' for an article pair's report."""
    if isinstance(report.get("systems"), Mapping) and isinstance(report.get("segments"), list):
        return "score"
    if isinstance(report.get("alignment"), list) and isinstance(report.get("original"), Mapping):
        return "compare"
    raise InputError("not an evaluator report: expected a compare report (original, alignment, pairs, "
                     "findings) or a score report (systems, segments)")


# ------------------------------------------------------------------------------- compare reports

def _compare_rows(report: Mapping[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(pair rows, finding rows) of one compare report dict."""
    sides: dict[str, tuple[str, list[Any]]] = {}
    for side in ("original", "rewritten"):
        doc = report.get(side) or {}
        sides[side] = (str(doc.get("text") or ""), list(doc.get("sentences") or []))
    scores = {p.get("alignment"): p for p in report.get("pairs") or [] if isinstance(p, Mapping)}
    findings = [f for f in report.get("findings") or [] if isinstance(f, Mapping)]
    by_pair: dict[int, list[Mapping[str, Any]]] = {}
    for f in findings:
        a = _int(f.get("alignment"))
        if a is not None:
            by_pair.setdefault(a, []).append(f)

    pair_rows: list[dict[str, Any]] = []
    side_text: dict[int, dict[str, str | None]] = {}
    for k, a in enumerate(report.get("alignment") or []):
        row: dict[str, Any] = {"alignment": k, "kind": _str(a.get("kind")), "similarity": a.get("similarity")}
        texts: dict[str, str | None] = {}
        for side in ("original", "rewritten"):
            text, sents = sides[side]
            idx = [i for i in a.get(side) or [] if isinstance(i, int) and 0 <= i < len(sents)]
            row[f"{side}_sentences"] = ",".join(str(i) for i in idx) if idx else None
            if idx:
                row[f"{side}_start"], row[f"{side}_end"] = sents[idx[0]]["start"], sents[idx[-1]]["end"]
                texts[side] = " ".join(text[sents[i]["start"]:sents[i]["end"]] for i in idx)
            else:
                texts[side] = None
            row[f"{side}_text"] = texts[side]
        if row["kind"] is None:
            row["kind"] = f"{len(a.get('original') or [])}-{len(a.get('rewritten') or [])}"
        ps = scores.get(k) or {}
        for m in PAIR_METRICS:
            row[m] = ps.get(m)
        for side in ("original", "rewritten"):
            toks = [str(u.get("text", "")) for u in ps.get(f"unmatched_{side}") or [] if isinstance(u, Mapping)]
            row[f"unmatched_{side}"] = UNMATCHED_SEPARATOR.join(toks) if ps else None
        fs = by_pair.get(k, [])
        row["findings"] = len(fs)
        row["worst_severity"] = _worst(fs)
        pair_rows.append(row)
        side_text[k] = texts

    finding_rows = []
    for i, f in enumerate(findings):
        row = _finding_fields(i, f)
        ctx = side_text.get(row["alignment"]) if row["alignment"] is not None else None
        row["original_sentence"] = ctx.get("original") if ctx else None
        row["rewritten_sentence"] = ctx.get("rewritten") if ctx else None
        finding_rows.append(row)
    return pair_rows, finding_rows


def _signature(m: Any) -> str | None:
    return _str(m.get("signature")) if isinstance(m, Mapping) else None


def _document_row(report: Mapping[str, Any]) -> dict[str, Any]:
    metrics = report.get("metrics") or {}
    row: dict[str, Any] = {"status": "ok"}
    for side in ("original", "rewritten"):
        row[f"{side}_path"] = _str(_get(report, side, "path"))
        row[f"sentences_{side}"] = len(_get(report, side, "sentences") or [])
        row[f"coverage_{side}"] = _get(report, "coverage", side)
        partial = _get(report, "coverage", f"partial_{side}")
        row[f"partial_{side}"] = partial if isinstance(partial, bool) else None
    row.update(_score_columns(metrics))
    row["aligned_pairs"] = sum(1 for a in report.get("alignment") or [] if a.get("original") and a.get("rewritten"))
    findings = [f for f in report.get("findings") or [] if isinstance(f, Mapping)]
    row["findings"] = len(findings)
    for s in SEVERITIES:
        row[s] = sum(1 for f in findings if f.get("severity") == s)
    row["gate"] = _str(_get(report, "gate", "status"))
    return row


def _score_columns(metrics: Mapping[str, Any]) -> dict[str, Any]:
    """Corpus scores with their signatures: the sacrebleu metrics, then BERTScore P/R/F1."""
    row: dict[str, Any] = {}
    for m in _DOC_METRICS:
        row[m] = _get(metrics, m, "score")
        row[f"{m}_signature"] = _signature(metrics.get(m))
    for part in ("precision", "recall", "f1"):
        row[f"bertscore_{part}"] = _get(metrics, "bertscore", part)
    row["bertscore_signature"] = _signature(metrics.get("bertscore"))
    return row


# --------------------------------------------------------------------------------- score reports

def _score_rows(report: Mapping[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    pair_rows: list[dict[str, Any]] = []
    finding_rows: list[dict[str, Any]] = []
    systems = list((report.get("systems") or {}).keys())
    for name in systems:  # system-major: all of one system's lines, then the next system's
        n_finding = 0
        for seg in report.get("segments") or []:
            entry = _get(seg, "systems", name)
            if not isinstance(entry, Mapping):
                continue
            fs = [f for f in entry.get("findings") or [] if isinstance(f, Mapping)]
            row = {"system": name, "segment": seg.get("index"), "source": _str(seg.get("src")),
                   "original_text": _str(seg.get("ref")), "rewritten_text": _str(entry.get("hyp")),
                   **{m: entry.get(m) for m in PAIR_METRICS}, "findings": len(fs), "worst_severity": _worst(fs)}
            pair_rows.append(row)
            for f in fs:
                frow = _finding_fields(n_finding, f)
                frow.update(system=name, segment=seg.get("index"), original_sentence=row["original_text"],
                            rewritten_sentence=row["rewritten_text"])
                finding_rows.append(frow)
                n_finding += 1
    return pair_rows, finding_rows


def _system_rows(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for name, s in (report.get("systems") or {}).items():
        row: dict[str, Any] = {"system": name, "coverage": s.get("coverage")}
        row.update(_score_columns(s))
        by_sev = _get(s, "findings", "by_severity") or {}
        for sev in SEVERITIES:
            row[sev] = _int(by_sev.get(sev))
        row["findings"] = _int(_get(s, "findings", "total"))
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------------- public API

def pairs_frame(report: Any) -> pd.DataFrame:
    """One row per aligned pair (compare) or per segment and system (score); see the module docstring."""
    return tables(report)["pairs"]


def findings_frame(report: Any) -> pd.DataFrame:
    """One row per finding, with both evidence spans; see the module docstring."""
    return tables(report)["findings"]


def tables(report: Any) -> dict[str, pd.DataFrame]:
    """All frames of one report dict (or ``Report``): findings, pairs, and documents / systems."""
    if hasattr(report, "to_dict") and not isinstance(report, Mapping):
        report = report.to_dict()
    if report_kind(report) == "score":
        p_rows, f_rows = _score_rows(report)
        return {"findings": _frame(SCORE_FINDINGS_COLUMNS, f_rows), "pairs": _frame(SCORE_PAIRS_COLUMNS, p_rows),
                "systems": _frame(SYSTEMS_COLUMNS, _system_rows(report))}
    p_rows, f_rows = _compare_rows(report)
    return {"findings": _frame(FINDINGS_COLUMNS, f_rows), "pairs": _frame(PAIRS_COLUMNS, p_rows),
            "documents": _frame(DOCUMENTS_COLUMNS, [_document_row(report)])}


def _frame(schema: Mapping[str, Any], rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    cols = _Columns(schema)
    for r in rows:
        cols.add(r)
    return cols.frame()


class Results:
    """Frames over a finished batch, a score report or a compare report (``evaluator.load_results``).

    ``kind`` is "batch", "score" or "compare"; ``tables`` maps "findings", "pairs" and "documents"
    (compare, batch) or "systems" (score) to their frames, in that order (the order of the exports).
    ``summary`` is the batch's summary.json (``None`` if it has none) or the score report's systems;
    ``errors`` lists the batch pairs that failed (``{"id", "error"}``).
    """

    def __init__(self, kind: str, tables: dict[str, pd.DataFrame], *, path: str | None = None,
                 summary: Any = None, errors: list[dict[str, str]] | None = None,
                 meta: Mapping[str, Any] | None = None) -> None:
        self.kind = kind
        self.tables = tables
        self.path = path
        self.summary = summary
        self.errors = errors or []
        self.meta = dict(meta or {})

    def pairs_frame(self) -> pd.DataFrame:
        return self.tables["pairs"]

    def findings_frame(self) -> pd.DataFrame:
        return self.tables["findings"]

    def documents_frame(self) -> pd.DataFrame:
        if "documents" not in self.tables:
            raise KeyError("a score report has no documents table: use systems_frame()")
        return self.tables["documents"]

    def systems_frame(self) -> pd.DataFrame:
        if "systems" not in self.tables:
            raise KeyError(f"a {self.kind} result has no systems table: use documents_frame()")
        return self.tables["systems"]

    def __repr__(self) -> str:
        sizes = ", ".join(f"{k}: {len(v)} rows" for k, v in self.tables.items())
        return f"<evaluator.Results {self.kind} {self.path or ''} ({sizes})>"


def results_from_report(report: Any, *, path: str | None = None) -> Results:
    """``Results`` over one compare or score report dict (or ``Report``)."""
    if hasattr(report, "to_dict") and not isinstance(report, Mapping):
        report = report.to_dict()
    kind = report_kind(report)
    summary = report.get("systems") if kind == "score" else report.get("summary")
    return Results(kind, tables(report), path=path, summary=summary, meta=report.get("meta") or {})


def results_from_records(records: Iterable[Mapping[str, Any]], *, path: str | None = None,
                         summary: Any = None) -> Results:
    """``Results`` over batch result records (``{"id", "status", "report" | "error"}``), streamed."""
    pairs = _Columns({**BATCH_PREFIX, **PAIRS_COLUMNS})
    findings = _Columns({**BATCH_PREFIX, **FINDINGS_COLUMNS})
    docs = _Columns({**BATCH_PREFIX, **DOCUMENTS_COLUMNS})
    errors: list[dict[str, str]] = []
    seen: set[str] = set()
    for rec in records:
        pid = str(rec.get("id"))
        if pid in seen:  # results.jsonl keeps the first record of an id (see batch.ResultsFile)
            continue
        seen.add(pid)
        report = rec.get("report")
        if rec.get("status") != "ok" or not isinstance(report, Mapping):
            message = str(rec.get("error") or "no report in the result record")
            errors.append({"id": pid, "error": message})
            docs.add({"pair_id": pid, "status": "error", "error": message})
            continue
        p_rows, f_rows = _compare_rows(report)
        for r in p_rows:
            r["pair_id"] = pid
            pairs.add(r)
        for r in f_rows:
            r["pair_id"] = pid
            findings.add(r)
        drow = _document_row(report)
        drow["pair_id"] = pid
        docs.add(drow)
    return Results("batch", {"findings": findings.frame(), "pairs": pairs.frame(), "documents": docs.frame()},
                   path=path, summary=summary, errors=errors)


def _read_records(path: Path) -> Iterator[dict[str, Any]]:
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    with fh:
        for n, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            if not raw.endswith(b"\n"):
                break  # a torn last line of an interrupted run (the next batch run cuts it off too)
            try:
                rec = json.loads(raw)
            except (ValueError, UnicodeDecodeError):
                raise InputError(f"{path}:{n}: not a JSON result line") from None
            if not isinstance(rec, dict) or "id" not in rec:
                raise InputError(f"{path}:{n}: not a batch result record (no 'id')")
            yield rec


def load_results(path: str | os.PathLike[str]) -> Results:
    """Frames over a finished batch folder (``DIR/results.jsonl``), a results.jsonl, or a report JSON.

    ``load_results("out/").findings_frame()`` is every finding of every pair, with a ``pair_id``
    column; a ``score`` report gives frames across its systems (a ``system`` column).
    """
    p = Path(path)
    if p.is_dir():
        results_file = p / "results.jsonl"
        if not results_file.is_file():
            raise InputError(f"{p}: no results.jsonl here (not a batch output folder)")
        summary = None
        summary_file = p / "summary.json"
        if summary_file.is_file():
            try:
                summary = json.loads(summary_file.read_text(encoding="utf-8"))
            except (OSError, ValueError, UnicodeDecodeError):
                summary = None
        return results_from_records(_read_records(results_file), path=str(p), summary=summary)
    if not p.exists():
        raise InputError(f"{p}: not found")
    if p.suffix.lower() in (".jsonl", ".ndjson"):
        return results_from_records(_read_records(p), path=str(p))
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{p}: not a JSON report ({exc})") from None
    if not isinstance(data, dict):
        raise InputError(f"{p}: not an evaluator report (top level is not an object)")
    try:
        return results_from_report(data, path=str(p))
    except InputError as exc:
        raise InputError(f"{p}: {exc}") from None


__all__ = ["pairs_frame", "findings_frame", "tables", "load_results", "Results", "results_from_report",
           "results_from_records", "PAIRS_COLUMNS", "FINDINGS_COLUMNS", "DOCUMENTS_COLUMNS",
           "SCORE_PAIRS_COLUMNS", "SCORE_FINDINGS_COLUMNS", "SYSTEMS_COLUMNS", "SEVERITY_DTYPE"]
