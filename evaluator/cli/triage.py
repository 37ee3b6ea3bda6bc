"""``evaluator triage FILE.xlsx``: a reviewed findings sheet -> the waiver file the gate reads.

The ``--xlsx`` export has a findings sheet with empty "reviewer verdict", "reason" and "expires"
columns.  A reviewer marks each finding accepted (a known, acceptable difference), rejected (a real
error) or leaves it blank (not reviewed).  This command writes one waiver (evaluator/waivers.py) per
accepted finding: its check, code and both evidence texts, the reviewer's reason, and an expiry date,
so ``evaluator gate --waivers`` stops counting exactly those findings.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..waivers import _norm as waiver_text

DESCRIPTION = """\
Turn a reviewed findings spreadsheet (the findings sheet of `--xlsx`) into a waiver file for
`evaluator gate --waivers`: one waiver per finding whose "reviewer verdict" is accepted, with the
reason from the "reason" (or "comment") column beside it.
"""

EPILOG = """\
verdicts: accepted, rejected, or blank (not reviewed); anything else is an error naming the row.
An accepted finding needs a reason.  Its expiry is the row's "expires" cell, else --expires, else one
year from today.  An existing --out file is kept and extended (its waivers that cover a finding now
marked rejected are dropped; the file is written anew, so its comments are not kept); --replace writes
only this sheet's waivers.

A waiver matches by check, code and evidence text, not by position: if an accepted finding and a
rejected one have the same check, code and evidence, no waiver can tell them apart (exit 2); if an
unreviewed finding has them, the waiver covers it too (a warning names its row).

A workbook with no verdict filled in writes nothing (a warning says so; an existing --out is kept).

exit codes: 0 written (or nothing to write), 2 unreadable workbook, bad verdict, missing reason or bad date.

example:
  evaluator compare a.txt b.txt --xlsx review.xlsx      # reviewers fill the verdict column
  evaluator triage review.xlsx --out waivers.toml --reviewer "A. Reviewer"
  evaluator gate evaluator.toml reports/b.json --waivers waivers.toml
"""

DEFAULT_DAYS = 365


def add_parser(sub: Any) -> None:
    p = sub.add_parser("triage", help="turn a reviewed findings spreadsheet (--xlsx) into a waiver file",
                       description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("workbook", metavar="FILE.xlsx", help="a workbook written by --xlsx, verdicts filled in")
    p.add_argument("--out", default="waivers.toml", metavar="FILE", help="waiver file to write (default: waivers.toml)")
    p.add_argument("--reviewer", metavar="NAME", help="who reviewed; recorded in each new waiver's reason")
    p.add_argument("--expires", metavar="YYYY-MM-DD", type=_date, default=None,
                   help=f"expiry of the new waivers whose row gives none (default: {DEFAULT_DAYS} days from today)")
    p.add_argument("--sheet", metavar="NAME", help="the findings sheet (default: 'findings')")
    p.add_argument("--replace", action="store_true", help="overwrite --out instead of extending it")
    p.add_argument("--today", metavar="YYYY-MM-DD", type=_date, default=None, help=argparse.SUPPRESS)
    p.add_argument("--quiet", "-q", action="store_true", help="no console summary")
    p.set_defaults(run=run)


def _date(text: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date: {text!r}") from None


@dataclass
class Row:
    """One reviewed line of the findings sheet."""

    n: int  # the sheet row number, as a spreadsheet shows it
    verdict: str  # accepted | rejected | "" (not reviewed)
    check: str
    code: str
    original: str | None
    rewritten: str | None
    reason: str
    expires: _dt.date | None

    def as_finding(self) -> dict[str, Any]:
        """The row in ``Finding.to_dict()`` form, for ``Waiver.matches``."""
        return {"check": self.check, "code": self.code,
                "original": {"text": self.original} if self.original is not None else None,
                "rewritten": {"text": self.rewritten} if self.rewritten is not None else None}

    @property
    def key(self) -> tuple[str, str, str | None, str | None]:
        return _key(self.check, self.code, self.original, self.rewritten)


def _norm(text: str | None) -> str | None:
    return None if text is None else waiver_text(text)


def _key(check: str, code: str, original: str | None, rewritten: str | None) -> tuple[str, str, str | None, str | None]:
    """What a waiver matches on (``waivers.Waiver.matches``): check, code and both evidence texts."""
    return check, code, _norm(original), _norm(rewritten)


def _read_columns() -> frozenset[str]:
    from ..render.exports import EXPIRES, REASON, VERDICT

    return frozenset({"check", "code", "original_text", "rewritten_text", VERDICT, REASON, "comment", EXPIRES})


def read_rows(path: str, sheet: str | None = None) -> tuple[str, list[Row]]:
    """The findings sheet's name and its rows (``InputError`` naming the sheet row on a bad one)."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    from ..errors import InputError
    from ..render.exports import EXPIRES, REASON, TRUNCATED, VERDICT

    p = Path(path)
    if not p.is_file():
        raise InputError(f"{path}: {'is a folder' if p.is_dir() else 'not found'}")
    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise InputError(f"{path}: not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from None
    try:
        ws = _find_sheet(wb, path, sheet)
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None) or ()
        where = f"{path}: sheet {ws.title!r}"
        cols: dict[str, int] = {}
        read = _read_columns()
        for i, h in enumerate(header):
            name = str(h).strip().casefold() if h is not None else ""
            if name in cols and name in read:  # a second "reviewer verdict" would silently stand in for the first
                raise InputError(f"{where}: the header row has two {str(h).strip()!r} columns; keep one")
            if name and name not in cols:
                cols[name] = i
        missing = [c for c in ("check", "code", "original_text", "rewritten_text", VERDICT) if c not in cols]
        if missing:
            raise InputError(f"{where}: no {', '.join(repr(m) for m in missing)} column in the header row "
                             "(use the findings sheet of an --xlsx export)")
        reason_col = cols.get(REASON, cols.get("comment"))
        expires_col = cols.get(EXPIRES)

        def cell(values: tuple[Any, ...], i: int | None) -> Any:
            return values[i] if i is not None and i < len(values) else None

        out: list[Row] = []
        for n, values in enumerate(rows, start=2):
            if not any(v is not None and str(v).strip() for v in values):
                continue
            raw = cell(values, cols[VERDICT])
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                verdict = ""
            elif isinstance(raw, str) and raw.strip().casefold() in ("accepted", "rejected"):
                verdict = raw.strip().casefold()
            else:
                raise InputError(f"{where} row {n}: verdict {raw!r} is not accepted, rejected or blank")
            reason = cell(values, reason_col)
            row = Row(n, verdict, _text(cell(values, cols["check"])) or "", _text(cell(values, cols["code"])) or "",
                      _text(cell(values, cols["original_text"])), _text(cell(values, cols["rewritten_text"])),
                      str(reason).strip() if reason is not None else "", None)
            if verdict == "accepted":
                if not row.check or not row.code:
                    raise InputError(f"{where} row {n}: accepted, but its check or code cell is empty")
                if row.original is None and row.rewritten is None:
                    raise InputError(f"{where} row {n}: accepted, but it has no evidence text on either side")
                if any(t is not None and t.endswith(TRUNCATED) for t in (row.original, row.rewritten)):
                    raise InputError(f"{where} row {n}: the evidence was too long for a cell and was cut; "
                                     "write this waiver by hand")
                if not row.reason:
                    reason_name = header[reason_col] if reason_col is not None else REASON
                    raise InputError(f"{where} row {n}: accepted without a reason (fill the {reason_name!r} "
                                     "column: the waiver file needs one)")
                row.expires = _expiry(cell(values, expires_col), f"{where} row {n}")
            out.append(row)
        return ws.title, out
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - a read-only sheet is parsed row by row: a damaged one fails here
        raise InputError(f"{path}: not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from None
    finally:
        wb.close()


def _find_sheet(wb: Any, path: str, sheet: str | None) -> Any:
    from ..errors import InputError
    from ..render.exports import VERDICT

    if sheet is not None:
        if sheet not in wb.sheetnames:
            raise InputError(f"{path}: no sheet {sheet!r} (sheets: {', '.join(wb.sheetnames)})")
        return wb[sheet]
    if "findings" in wb.sheetnames:
        return wb["findings"]
    for ws in wb.worksheets:
        first = next(ws.iter_rows(max_row=1, values_only=True), ())
        if any(isinstance(h, str) and h.strip().casefold() == VERDICT for h in first):
            return ws
    raise InputError(f"{path}: no findings sheet (a sheet named 'findings' or with a {VERDICT!r} column)")


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


def _expiry(v: Any, where: str) -> _dt.date | None:
    from ..errors import InputError

    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, _dt.datetime):
        return v.date()
    if isinstance(v, _dt.date):
        return v
    if isinstance(v, str):
        try:
            return _dt.date.fromisoformat(v.strip())
        except ValueError:
            pass
    raise InputError(f"{where}: expires {v!r} is not a date (YYYY-MM-DD)")


def build_waivers(rows: list[Row], *, where: str, today: _dt.date, expires: _dt.date,
                  reviewer: str | None) -> tuple[list[Any], list[str]]:
    """(one waiver per distinct accepted finding, warnings); ``InputError`` on an accepted/rejected clash."""
    from ..errors import InputError
    from ..waivers import Waiver

    accepted = [r for r in rows if r.verdict == "accepted"]
    others = [r for r in rows if r.verdict != "accepted"]
    waivers: list[Any] = []
    first: dict[tuple[str, str, str | None, str | None], Row] = {}  # each finding's first accepted row
    warnings: list[str] = []
    from ..config import known_checks

    known = known_checks() if accepted else None
    for r in accepted:
        if known is not None and r.check not in known:  # the waiver file would be refused when read
            raise InputError(f"{where} row {r.n}: unknown check {r.check!r} (known: {', '.join(sorted(known))})")
        until = r.expires or expires
        if until < today:  # every accepted row, a repeated one too
            raise InputError(f"{where} row {r.n}: expires {until.isoformat()}, which is before today")
        if r.key in first:  # the same check, code and evidence twice: one waiver covers both
            f = first[r.key]
            if (f.reason, f.expires or expires) != (r.reason, until):
                warnings.append(f"row {r.n} accepts the same finding as row {f.n} with another reason or expiry: "
                                f"the waiver keeps row {f.n}'s")
            continue
        first[r.key] = r
        reason = r.reason if not reviewer else f"{r.reason} (accepted by {reviewer} on {today.isoformat()})"
        w = Waiver(check=r.check, code=r.code, reason=reason, expires=until, original=r.original,
                   rewritten=r.rewritten)
        for o in others:
            if not w.matches(o.as_finding()):
                continue
            if o.verdict == "rejected":
                raise InputError(f"{where} rows {r.n} (accepted) and {o.n} (rejected): a waiver for row {r.n} "
                                 f"would also cover row {o.n} (same check, code and evidence); decide both alike")
            warnings.append(f"the waiver for row {r.n} also covers row {o.n}, which has no verdict yet")
        waivers.append(w)
    return waivers, warnings


def run(args: Any) -> int:
    from ..errors import InputError
    from ..waivers import load_waivers, write_waivers

    today = args.today or _dt.date.today()
    expires = args.expires or today + _dt.timedelta(days=DEFAULT_DAYS)
    if expires < today:
        raise InputError(f"--expires {expires.isoformat()}: that is before today")
    out = Path(args.out)
    if out.is_dir():
        raise InputError(f"--out {args.out}: is a folder; give the waiver file's name")
    from .common import check_output_files

    check_output_files(("--out", args.out), inputs=[args.workbook])  # the review itself is never replaced
    sheet, rows = read_rows(args.workbook, args.sheet)
    where = f"{args.workbook}: sheet {sheet!r}"
    new, warnings = build_waivers(rows, where=where, today=today, expires=expires, reviewer=args.reviewer)

    if not any(r.verdict for r in rows):
        # Most likely the export before its review, or the wrong workbook: writing would empty an
        # existing waiver file (with --replace) or rewrite it unchanged; nothing is written.
        for line in warnings:
            sys.stderr.write(f"evaluator: warning: {line}\n")
        from ..render.exports import VERDICT

        sys.stderr.write(f"evaluator: warning: {args.workbook}: no verdicts are filled in (the {VERDICT!r} "
                         f"column of sheet {sheet!r} is empty in all {len(rows)} rows); nothing written"
                         + (f", {args.out} left as it was" if out.exists() else "") + "\n")
        return 0

    kept: list[Any] = []
    dropped = 0
    if out.exists() and not args.replace:
        new_keys = {_key(w.check, w.code, w.original, w.rewritten) for w in new}
        rejected = [r for r in rows if r.verdict == "rejected"]
        for w in load_waivers(out):
            if _key(w.check, w.code, w.original, w.rewritten) in new_keys:
                continue  # this review restates it: the new one (reason, expiry) replaces it
            if any(w.matches(r.as_finding()) for r in rejected):
                dropped += 1
                warnings.append(f"dropped {w.label} from {args.out}: it covers a finding now marked rejected")
                continue
            kept.append(w)
    try:
        write_waivers(out, [*kept, *new])
    except OSError as exc:
        raise InputError(f"--out {args.out}: cannot write ({exc.strerror or exc})") from None

    for line in warnings:
        sys.stderr.write(f"evaluator: warning: {line}\n")
    if not args.quiet:
        n_acc = sum(1 for r in rows if r.verdict == "accepted")
        n_rej = sum(1 for r in rows if r.verdict == "rejected")
        n_open = sum(1 for r in rows if not r.verdict)
        extra = f" ({len(kept)} kept from before" + (f", {dropped} dropped" if dropped else "") + ")" \
            if (kept or dropped) else ""
        sys.stdout.write(f"triage: {n_acc} accepted, {n_rej} rejected, {n_open} not reviewed; "
                         f"wrote {len(kept) + len(new)} waivers to {args.out}{extra}\n")
    return 0
