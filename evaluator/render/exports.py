"""Spreadsheet and columnar exports of the frames: ``--csv DIR``, ``--xlsx FILE``, ``--parquet DIR``.

* CSV: one file per table (``findings.csv``, ``pairs.csv``, ``documents.csv`` or ``systems.csv``),
  UTF-8 with a byte-order mark (so Excel reads it as UTF-8), RFC 4180 quoting.
* XLSX: one sheet per table plus "about"; the findings sheet comes first and has empty
  "reviewer verdict" (a drop-down: accepted / rejected), "reason" and "expires" columns for triage
  (``evaluator triage`` reads them back), severity colouring, a frozen header row and filters.
* Parquet: one file per table, the frames' dtypes kept (categorical severity, nullable integers).

Formula injection: article text, pair ids and file names are user data, and a spreadsheet must never
run them.  In CSV every text cell that starts with ``= + - @``, a tab or a carriage return (or with
blanks and then one of ``= + - @``), and every one that starts with ``'``, gets a leading ``'``, so
Excel and LibreOffice show it as text (``unneutralise`` undoes it exactly).  In XLSX every text cell
is written as a string cell (never a formula), and a risky-looking one also gets Excel's "quote
prefix" style, so editing it keeps it text; its text is kept exactly, which triage relies on.
An XLSX cell cannot hold XML control characters (they become U+FFFD, or a space for \v and \f) nor
more than 32,767 characters as Excel counts them, in UTF-16 code units, so that an emoji or another
character outside the Basic Multilingual Plane counts twice (Excel asks to "repair" a file with a
longer cell; longer text is cut with a marker triage refuses), and an empty text reads back as an
empty cell.  Every file is written atomically.
"""
from __future__ import annotations

import datetime as _dt
import io
import math
import os
import re
from collections.abc import Mapping
from copy import copy
from pathlib import Path
from typing import Any

from .._atomic import atomic_write_bytes, check_writable
from ..errors import InputError

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_BLANK_THEN_TRIGGER = re.compile(r"^\s+[=+\-@]")  # any Unicode blank (form feed, NBSP, U+2028...)
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
XLSX_CELL_LIMIT = 32767
XLSX_MAX_ROWS = 1_048_576
TRUNCATED = " … [truncated by evaluator]"

VERDICT = "reviewer verdict"
REASON = "reason"
EXPIRES = "expires"
VERDICTS = ("accepted", "rejected")
TRIAGE_COLUMNS = (VERDICT, REASON, EXPIRES)

# Findings sheet: these first (after the pair / system keys), then the triage columns, then the rest.
_FINDINGS_FRONT = ("severity", "check", "code", "message", "original_text", "rewritten_text")
_KEYS = ("pair_id", "system", "segment")

SEVERITY_STYLE = {  # fill, font colour: the usual red / orange / yellow / blue of QA sheets
    "critical": ("FFC7CE", "9C0006"),
    "major": ("FFD8B1", "7A3E00"),
    "minor": ("FFEB9C", "7F6000"),
    "info": ("DDEBF7", "1F3864"),
}
_HEADER_FILL = "D9D9D9"
_TRIAGE_FILL = "E2EFDA"
_WIDE = {"message": 60, "original_text": 48, "rewritten_text": 48, "original_sentence": 48,
         "rewritten_sentence": 48, "source": 40, "error": 60, "data": 40, REASON: 36,
         "unmatched_original": 30, "unmatched_rewritten": 30, "original_path": 36, "rewritten_path": 36,
         "pair_id": 20, "system": 14, "waiver_reason": 30}
_WRAP = {"message", "original_text", "rewritten_text", "original_sentence", "rewritten_sentence", "source",
         "error", REASON}
_FORMATS = {"bleu": "0.00", "chrf": "0.00", "chrf++": "0.00", "ter": "0.00", "similarity": "0.000",
            "bertscore_precision": "0.0000", "bertscore_recall": "0.0000", "bertscore_f1": "0.0000",
            "coverage": "0.0%", "coverage_original": "0.0%", "coverage_rewritten": "0.0%"}


# -------------------------------------------------------------------------------- formula safety

def is_risky(text: str) -> bool:
    """Whether a spreadsheet could read this text as a formula (or it starts with the escape ')."""
    return text[:1] in FORMULA_TRIGGERS or text[:1] == "'" or bool(_BLANK_THEN_TRIGGER.match(text))


def neutralise(text: str) -> str:
    """The CSV form of a text cell: a leading ``'`` on anything a spreadsheet might evaluate."""
    return "'" + text if is_risky(text) else text


def unneutralise(text: str) -> str:
    """Inverse of ``neutralise``."""
    return text[1:] if text.startswith("'") else text


def utf16_length(text: str) -> int:
    """The length of ``text`` as Excel counts it: UTF-16 code units (a character above U+FFFF is two)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def xlsx_text(text: str) -> str:
    """Text an XLSX cell can hold: XML-illegal control characters replaced, at most 32,767 UTF-16 units.

    Excel's limit counts UTF-16 code units, not characters: 20,000 emoji are 40,000 units, and a
    cell that long makes Excel report the workbook as damaged.  Longer text is cut at a character
    boundary (never inside a surrogate pair) and ends with ``TRUNCATED``.
    """
    text = _ILLEGAL_XLSX.sub(lambda m: " " if m.group() in "\x0b\x0c" else "\ufffd", text)
    # At most two units a character: only a text longer than half the limit can be over it.
    if len(text) > XLSX_CELL_LIMIT // 2 and utf16_length(text) > XLSX_CELL_LIMIT:
        units = text.encode("utf-16-le", "surrogatepass")[:2 * (XLSX_CELL_LIMIT - utf16_length(TRUNCATED))]
        if 0xD800 <= int.from_bytes(units[-2:], "little") <= 0xDBFF:  # half a pair: drop it
            units = units[:-2]
        text = units.decode("utf-16-le", "surrogatepass") + TRUNCATED
    return text


# ----------------------------------------------------------------------------------------- paths

def check_export_paths(*, csv: str | None = None, xlsx: str | None = None, parquet: str | None = None) -> None:
    """Fail early (before any model work) on an export path that cannot be written."""
    for flag, value, is_dir in (("--csv", csv, True), ("--parquet", parquet, True), ("--xlsx", xlsx, False)):
        if value is None:
            continue
        if not is_dir and str(value).strip():
            if Path(value).is_dir():
                raise InputError(f"{flag} {value}: is a folder; give a file name ending in .xlsx")
            if Path(value).suffix.lower() != ".xlsx":
                raise InputError(f"{flag} {value}: the file name must end in .xlsx")
        check_writable(flag, value, folder=is_dir)


def _write(flag: str, path: Path, data: bytes) -> None:
    try:
        atomic_write_bytes(path, data)
    except OSError as exc:
        raise InputError(f"{flag} {path}: cannot write ({exc.strerror or exc})") from None


# ------------------------------------------------------------------------------------------- CSV

def _text_columns(df: Any) -> list[str]:
    import pandas as pd

    return [c for c in df.columns
            if isinstance(df[c].dtype, pd.StringDtype | pd.CategoricalDtype) or df[c].dtype == object]


def csv_bytes(df: Any) -> bytes:
    """One table as CSV bytes (UTF-8 with BOM), text cells neutralised."""
    import pandas as pd

    out = df.copy()
    for c in _text_columns(out):
        out[c] = out[c].astype(pd.StringDtype()).map(neutralise, na_action="ignore")
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def write_csv(tables: Mapping[str, Any], out_dir: str | os.PathLike[str]) -> list[str]:
    d = Path(out_dir)
    written = []
    for name, df in tables.items():
        path = d / f"{name}.csv"
        _write("--csv", path, csv_bytes(df))
        written.append(str(path))
    return written


# --------------------------------------------------------------------------------------- Parquet

def write_parquet(tables: Mapping[str, Any], out_dir: str | os.PathLike[str]) -> list[str]:
    d = Path(out_dir)
    written = []
    for name, df in tables.items():
        buf = io.BytesIO()
        df.to_parquet(buf, index=False, engine="pyarrow")
        path = d / f"{name}.parquet"
        _write("--parquet", path, buf.getvalue())
        written.append(str(path))
    return written


# ------------------------------------------------------------------------------------------ XLSX

def _plain(v: Any) -> Any:
    """A cell value openpyxl writes as-is: None for NA/NaN, Python scalars."""
    if v is None:
        return None
    try:
        import pandas as pd

        if v is pd.NA or v is pd.NaT:
            return None
    except ImportError:  # pragma: no cover
        pass
    if hasattr(v, "item") and not isinstance(v, str):  # numpy scalars
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def sheet_columns(name: str, columns: list[str]) -> list[str]:
    """The column order of a sheet; the findings sheet gets the triage columns after the evidence."""
    if name != "findings":
        return list(columns)
    keys = [c for c in _KEYS if c in columns]
    front = [c for c in _FINDINGS_FRONT if c in columns]
    rest = [c for c in columns if c not in keys and c not in front]
    return keys + front + list(TRIAGE_COLUMNS) + rest


class _SheetWriter:
    """Writes one frame into a write-only worksheet with the house style."""

    def __init__(self, ws: Any) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill

        self.ws = ws
        self.header_font = Font(bold=True)
        self.header_fill = PatternFill("solid", fgColor=_HEADER_FILL)
        self.triage_fill = PatternFill("solid", fgColor=_TRIAGE_FILL)
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.top = Alignment(vertical="top")
        self.sev = {s: (PatternFill("solid", fgColor=f), Font(color=c, bold=(s == "critical")))
                    for s, (f, c) in SEVERITY_STYLE.items()}
        self._styles: dict[tuple[Any, ...], Any] = {}

    def _style(self, key: tuple[Any, ...]) -> Any:
        """The cell style for (wrap, quote prefix, severity, number format), built once per sheet.

        Setting fill/font/alignment on every cell costs a hash lookup per attribute; copying a
        finished style array is what openpyxl itself does when it copies a cell.
        """
        style = self._styles.get(key)
        if style is None:
            from openpyxl.cell import WriteOnlyCell

            wrap, quote, sev, fmt = key
            t = WriteOnlyCell(self.ws, value=None)
            if wrap is not None:
                t.alignment = self.wrap if wrap else self.top
            if quote:
                t.quotePrefix = True
            if sev is not None:
                t.fill, t.font = self.sev[sev]
            if fmt is not None:
                t.number_format = fmt
            style = self._styles[key] = t._style
        return style

    def text_cell(self, value: str, *, wrap: bool = False, severity: str | None = None) -> Any:
        from openpyxl.cell import WriteOnlyCell

        text = xlsx_text(value)
        cell = WriteOnlyCell(self.ws, value=text)
        cell.data_type = "s"  # a string, never a formula, whatever it starts with
        # A risky-looking text also gets the quote prefix, so it stays text when someone edits it.
        cell._style = copy(self._style((wrap, is_risky(text), severity, None)))
        return cell

    def header(self, columns: list[str]) -> None:
        from openpyxl.cell import WriteOnlyCell

        cells = []
        for c in columns:
            cell = WriteOnlyCell(self.ws, value=c)
            cell.data_type = "s"
            cell.font = self.header_font
            cell.fill = self.triage_fill if c in TRIAGE_COLUMNS else self.header_fill
            cells.append(cell)
        self.ws.append(cells)

    def rows(self, df: Any, columns: list[str]) -> None:
        from openpyxl.cell import WriteOnlyCell

        present = [c for c in columns if c in df.columns]
        values = [df[c].tolist() for c in present]
        index = {c: i for i, c in enumerate(present)}
        sev_cols = {c for c in present if c in ("severity", "worst_severity")}
        for r in range(len(df)):
            out: list[Any] = []
            for c in columns:
                if c not in index:
                    out.append(None)  # an empty triage column
                    continue
                v = _plain(values[index[c]][r])
                if isinstance(v, str):
                    sev = v if c in sev_cols and v in self.sev else None
                    out.append(self.text_cell(v, wrap=c in _WRAP, severity=sev))
                elif c in _FORMATS and isinstance(v, int | float) and not isinstance(v, bool):
                    cell = WriteOnlyCell(self.ws, value=v)
                    cell._style = copy(self._style((None, False, None, _FORMATS[c])))
                    out.append(cell)
                else:
                    out.append(v)
            self.ws.append(out)


def _col_letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(i))


def check_xlsx_rows(tables: Mapping[str, Any]) -> None:
    """Refuse (exit 2) a table longer than a worksheet holds."""
    for name, df in tables.items():
        if len(df) + 1 > XLSX_MAX_ROWS:
            raise InputError(f"--xlsx: the {name} table has {len(df):,} rows, more than a sheet holds "
                             f"({XLSX_MAX_ROWS - 1:,}); use --parquet or --csv")


def xlsx_bytes(tables: Mapping[str, Any], *, about: Mapping[str, Any] | None = None) -> bytes:
    """The workbook: one sheet per table (findings first, with triage columns) and an "about" sheet."""
    from openpyxl import Workbook
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook(write_only=True)
    wb.properties.creator = "evaluator"
    wb.properties.title = "evaluator findings"
    check_xlsx_rows(tables)
    for name, df in tables.items():
        ws = wb.create_sheet(title=name)
        columns = sheet_columns(name, [str(c) for c in df.columns])
        for i, c in enumerate(columns, start=1):
            ws.column_dimensions[_col_letter(i)].width = _WIDE.get(c, max(9, min(len(c) + 3, 18)))
        ws.freeze_panes = "A2"
        last_row = max(len(df) + 1, 2)
        ws.auto_filter.ref = f"A1:{_col_letter(len(columns))}{last_row}"
        if name == "findings":
            v = _col_letter(columns.index(VERDICT) + 1)
            e = _col_letter(columns.index(EXPIRES) + 1)
            dv = DataValidation(type="list", formula1='"accepted,rejected"', allow_blank=True,
                                showErrorMessage=True, errorTitle="reviewer verdict",
                                error="Choose accepted or rejected, or leave it blank.",
                                showInputMessage=True, promptTitle="reviewer verdict",
                                prompt="accepted: a known, acceptable difference (give a reason); "
                                       "rejected: a real error; blank: not reviewed")
            dv.add(f"{v}2:{v}{last_row}")
            ws.data_validations.append(dv)
            dd = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True,
                                showErrorMessage=True, errorTitle="expires",
                                error="A date (the waiver's expiry), or blank for the default.")
            dd.add(f"{e}2:{e}{last_row}")
            ws.data_validations.append(dd)
            rng = f"{v}2:{v}{last_row}"
            ws.conditional_formatting.add(rng, CellIsRule(operator="equal", formula=['"accepted"'],
                                                          fill=PatternFill("solid", bgColor="C6EFCE")))
            ws.conditional_formatting.add(rng, CellIsRule(operator="equal", formula=['"rejected"'],
                                                          fill=PatternFill("solid", bgColor="EDEDED")))
        writer = _SheetWriter(ws)
        writer.header(columns)
        writer.rows(df, columns)
    _about_sheet(wb, tables, about or {})
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _about_sheet(wb: Any, tables: Mapping[str, Any], about: Mapping[str, Any]) -> None:
    ws = wb.create_sheet(title="about")
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 100
    w = _SheetWriter(ws)
    rows: list[tuple[str, str]] = [("made by", "evaluator")]
    for k, v in about.items():
        if v is not None:
            rows.append((str(k), str(v)))
    rows.append(("written", _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")))
    for name, df in tables.items():
        rows.append((f"sheet {name}", f"{len(df):,} row{'s' if len(df) != 1 else ''}"))
    rows += [
        ("triage", "In the findings sheet, set \"reviewer verdict\" to accepted or rejected (blank: not "
                   "reviewed) and give a reason for each accepted finding; \"expires\" is optional."),
        ("", "Then: evaluator triage THIS.xlsx --out waivers.toml --reviewer NAME, and "
             "evaluator gate CONFIG REPORT.json --waivers waivers.toml"),
        ("text cells", "Text is stored as text, never as a formula; cells that start with = + - @ are "
                       "marked as text (quote prefix) so that editing them keeps them text."),
    ]
    for k, v in rows:
        ws.append([w.text_cell(k), w.text_cell(v, wrap=True)])


def write_xlsx(tables: Mapping[str, Any], path: str | os.PathLike[str], *,
               about: Mapping[str, Any] | None = None) -> str:
    _write("--xlsx", Path(path), xlsx_bytes(tables, about=about))
    return str(path)


# ----------------------------------------------------------------------------------------- all

def write_exports(tables: Mapping[str, Any], *, csv: str | None = None, xlsx: str | None = None,
                  parquet: str | None = None, about: Mapping[str, Any] | None = None) -> list[str]:
    """Write the requested exports of ``tables``; the paths written."""
    if not (csv or xlsx or parquet):
        return []
    check_export_paths(csv=csv, xlsx=xlsx, parquet=parquet)
    written: list[str] = []
    if csv:
        written += write_csv(tables, csv)
    if xlsx:
        written.append(write_xlsx(tables, xlsx, about=about))
    if parquet:
        written += write_parquet(tables, parquet)
    return written
