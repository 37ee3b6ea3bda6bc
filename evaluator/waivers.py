"""Waivers: accepted findings, each with a reason and an expiry date, so a known difference passes CI.

The file is TOML, one ``[[waiver]]`` table per accepted finding::

    [[waiver]]
    id = "xinjiang-capacity"          # optional; names the waiver in gate results
    check = "numbers"                 # the check that raised the finding (required)
    code = "number-changed"           # its finding code (required; "*" matches any code)
    original = "10 million"           # evidence: the finding's original-side span text
    rewritten = "ten million"         # evidence: the finding's rewritten-side span text
    reason = "house style spells out round numbers"
    expires = 2026-06-30              # TOML date or "YYYY-MM-DD"

At least one of ``original`` / ``rewritten`` must be given.  Evidence matches when it equals the
finding's span text after collapsing whitespace (case is significant: "US" is not "us").  A waiver
whose ``expires`` date is before today is expired: it waives nothing and the gate fails, naming it.
A ``check`` that is not a registered check, or a ``code`` that is not one of its check's codes
(``evaluator.checks.codes``), is a ``ConfigError`` naming the waiver and the closest name: such a
waiver could match no finding.
"""
from __future__ import annotations

import datetime as _dt
import logging
import os
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._atomic import atomic_write_text
from .errors import ConfigError

log = logging.getLogger(__name__)

_KEYS = {"id", "check", "code", "original", "rewritten", "reason", "expires"}


@dataclass(frozen=True)
class Waiver:
    """One accepted finding: which check/code, the evidence text, why, and until when."""

    check: str
    code: str
    reason: str
    expires: _dt.date
    original: str | None = None
    rewritten: str | None = None
    id: str | None = None
    line: int | None = None  # line of its [[waiver]] header in the file, for messages

    @property
    def label(self) -> str:
        """How gate messages name this waiver."""
        if self.id:
            return f"waiver {self.id!r}"
        evidence = " -> ".join(repr(t) for t in (self.original, self.rewritten) if t is not None)
        where = f" (line {self.line})" if self.line else ""
        return f"waiver {self.check}/{self.code} {evidence}{where}"

    def is_expired(self, today: _dt.date) -> bool:
        return self.expires < today

    def matches(self, finding: Mapping[str, Any]) -> bool:
        """Whether this waiver covers a finding dict (``Finding.to_dict()`` form)."""
        if finding.get("check") != self.check:
            return False
        if self.code != "*" and finding.get("code") != self.code:
            return False
        for side, want in (("original", self.original), ("rewritten", self.rewritten)):
            if want is None:
                continue
            span = finding.get(side)
            if not span or _norm(str(span.get("text", ""))) != _norm(want):
                return False
        return True

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.id:
            out["id"] = self.id
        out["check"] = self.check
        out["code"] = self.code
        if self.original is not None:
            out["original"] = self.original
        if self.rewritten is not None:
            out["rewritten"] = self.rewritten
        out["reason"] = self.reason
        out["expires"] = self.expires.isoformat()
        return out


def _norm(text: str) -> str:
    return " ".join(text.split())


def load_waivers(path: str | os.PathLike[str]) -> list[Waiver]:
    """Read a waiver file; a malformed one raises ``ConfigError`` with the line it failed on."""
    try:
        raw = Path(path).read_text(encoding="utf-8-sig")  # a BOM (Notepad) is fine
    except FileNotFoundError:
        raise ConfigError(path, "waiver file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, f"cannot read waiver file: {exc}") from None
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, f"invalid TOML: {exc}", _toml_line(exc)) from None
    unknown = set(data) - {"waiver"}
    if unknown:
        key = sorted(unknown)[0]
        raise ConfigError(path, f"unknown key {key!r} (a waiver file holds [[waiver]] tables only)",
                          _line_of(raw, key))
    entries = data.get("waiver", [])
    if not isinstance(entries, list):
        raise ConfigError(path, "'waiver' must be an array of tables: write [[waiver]]", _line_of(raw, "waiver"))
    headers = [i + 1 for i, line in enumerate(raw.splitlines()) if re.match(r"\s*\[\[\s*waiver\s*\]\]", line)]
    out: list[Waiver] = []
    seen: dict[str, Waiver] = {}
    for n, entry in enumerate(entries):
        line = headers[n] if n < len(headers) else None
        w = _parse_waiver(path, entry, line)
        if w.id:
            if w.id in seen:
                first = seen[w.id].line
                raise ConfigError(path, f"duplicate waiver id {w.id!r} (at lines {first} and {line})"
                                  if first and line else f"duplicate waiver id {w.id!r}", line)
            seen[w.id] = w
        out.append(w)
    # Names after the file's structure: a check or code that does not exist would match no finding, and
    # the finding it was meant for would fail the gate as if never reviewed.
    _check_names(path, out)
    return out


def _check_names(path: Any, waivers: Sequence[Waiver]) -> None:
    """Refuse a waiver whose check is not a registered check, or whose code is not one of its check's
    codes (``evaluator.checks.codes``), with the closest name ("did you mean 'roles'?")."""
    from .checks.codes import CODES
    from .config import did_you_mean, known_checks

    known = known_checks()
    if known is None:  # a check module cannot be imported (warned): accept any name
        return
    for w in waivers:
        who = f"waiver {w.id!r}: " if w.id else ("" if w.line else "a waiver: ")  # the line leads the message
        if w.check not in known:
            raise ConfigError(path, f"{who}unknown check {w.check!r}{did_you_mean(w.check, known)} "
                                    f"(known: {', '.join(sorted(known))})", w.line)
        codes = sorted(code for code, (check, _) in CODES.items() if check == w.check)
        if w.code != "*" and w.code not in codes:
            elsewhere = CODES[w.code][0] if w.code in CODES else None
            hint = (f"; it is a code of check {elsewhere!r}" if elsewhere
                    else did_you_mean(w.code, codes))
            raise ConfigError(path, f"{who}unknown code {w.code!r} of check {w.check!r}{hint} "
                                    f"(its codes: {', '.join(codes)}, or \"*\" for any)", w.line)


def _parse_waiver(path: Any, entry: Any, line: int | None) -> Waiver:
    where = f"the waiver at line {line}" if line else "a waiver"
    if not isinstance(entry, dict):
        raise ConfigError(path, "each waiver must be a table", line)
    unknown = set(entry) - _KEYS
    if unknown:
        raise ConfigError(path, f"unknown waiver key {sorted(unknown)[0]!r} (known: {', '.join(sorted(_KEYS))})",
                          line)
    for key in ("check", "code", "reason", "expires"):
        if key not in entry:
            raise ConfigError(path, f"{where}: missing required key {key!r}", line)
    for key in ("id", "check", "code", "original", "rewritten", "reason"):
        if key in entry and not isinstance(entry[key], str):
            raise ConfigError(path, f"{where}: {key!r} must be a string", line)
    if not entry["reason"].strip():
        raise ConfigError(path, f"{where}: 'reason' must say why the finding is accepted", line)
    if "original" not in entry and "rewritten" not in entry:
        raise ConfigError(path, f"{where}: give the evidence text: 'original' and/or 'rewritten'", line)
    return Waiver(check=entry["check"], code=entry["code"], reason=entry["reason"],
                  expires=_parse_date(path, entry["expires"], line), original=entry.get("original"),
                  rewritten=entry.get("rewritten"), id=entry.get("id"), line=line)


def _parse_date(path: Any, value: Any, line: int | None) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ConfigError(path, f"'expires' must be an ISO date (YYYY-MM-DD), not {value!r}", line)


def write_waivers(path: str | os.PathLike[str], waivers: Iterable[Waiver]) -> None:
    """Write waivers in the format ``load_waivers`` reads (atomically)."""
    lines = ["# Accepted findings for the evaluator gate: see evaluator/waivers.py for the format.", ""]
    for w in waivers:
        lines.append("[[waiver]]")
        for key, value in w.to_dict().items():
            # An expiry date is written as a TOML date, everything else as a basic string.
            lines.append(f"{key} = {value}" if key == "expires" else f"{key} = {_toml_str(value)}")
        lines.append("")
    atomic_write_text(path, "\n".join(lines))


def _toml_str(value: str) -> str:
    out = ['"']
    for ch in value:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def apply_waivers(findings: Sequence[Mapping[str, Any]], waivers: Sequence[Waiver],
                  today: _dt.date | None = None, *, warn: bool = True) -> tuple[list[dict[str, Any]], list[Waiver]]:
    """Mark findings covered by a live waiver; return (findings, expired waivers).

    Each returned finding is a copy, with any earlier ``"waived"`` mark dropped; a waived one carries
    ``"waived": {"reason", "expires", "waiver"}``. An expired waiver waives nothing (its findings count
    again) and is returned so the gate fails; ``warn`` logs them (a caller applying the same waivers to
    several systems logs them once itself).
    """
    today = today or _dt.date.today()
    live = [w for w in waivers if not w.is_expired(today)]
    expired = [w for w in waivers if w.is_expired(today)]
    out = []
    for f in findings:
        g = dict(f)
        g.pop("waived", None)
        for w in live:
            if w.matches(g):
                g["waived"] = {"reason": w.reason, "expires": w.expires.isoformat(), "waiver": w.label}
                break
        out.append(g)
    if expired and warn:
        log.warning("%d expired waiver(s): %s", len(expired), "; ".join(w.label for w in expired))
    return out, expired


def _toml_line(exc: tomllib.TOMLDecodeError) -> int | None:
    lineno = getattr(exc, "lineno", None)
    if lineno:
        return int(lineno)
    m = re.search(r"line (\d+)", str(exc))
    return int(m.group(1)) if m else None


def _line_of(raw: str, key: str) -> int | None:
    pat = re.compile(rf"^\s*(\[+\s*)?{re.escape(key)}\b")
    for i, line in enumerate(raw.splitlines()):
        if pat.search(line):
            return i + 1
    return None
