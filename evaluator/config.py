"""Run settings from a config file: ``[settings]`` in ``evaluator.toml`` or ``[tool.evaluator.settings]``
in ``pyproject.toml`` (the same file may hold the ``[gate]``).

    [settings]
    model = "all-MiniLM-L6-v2"          # a Hugging Face name or a local path
    layer = 3
    idf = false
    rescale = false
    bertscore = true
    reference_sets = ["people.toml"]      # paths relative to this file; added to the bundled set
    bundled_reference_set = true
    glossaries = ["glossary.csv"]
    checks = ["titles", "quotes"]         # default: every check
    max_input_mb = 20
    precision = "fp32"                    # or "bf16": a faster encoder pass, see the README

Command-line flags win over the file; list settings (reference sets, glossaries) add up.
Any problem raises ``ConfigError`` as ``PATH:LINE: problem``.
"""
from __future__ import annotations

import difflib
import logging
import math
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal, overload

from .errors import ConfigError
from .options import DEVICE_PATTERN, PRECISIONS

log = logging.getLogger(__name__)

# key -> (python types accepted, description for the error message)
_KEYS: dict[str, tuple[tuple[type, ...], str]] = {
    "model": ((str,), "a model name or path"),
    "layer": ((int,), "a positive integer"),
    "idf": ((bool,), "true or false"),
    "rescale": ((bool,), "true or false"),
    "baseline": ((str,), "a path"),
    "bertscore": ((bool,), "true or false"),
    "device": ((str,), "cpu, cuda or cuda:N"),
    "batch_tokens": ((int,), "a positive integer"),
    "precision": ((str,), "\"fp32\" or \"bf16\""),
    "reference_sets": ((list,), "a list of paths"),
    "bundled_reference_set": ((bool,), "true or false"),
    "glossaries": ((list,), "a list of paths"),
    "checks": ((list,), "a list of check names"),
    "max_input_mb": ((int, float), "a positive number of megabytes"),
}
_PATH_KEYS = ("baseline",)
_PATH_LIST_KEYS = ("reference_sets", "glossaries")


def _line_of(raw: str, key: str) -> int | None:
    for i, line in enumerate(raw.splitlines(), 1):
        if line.split("#", 1)[0].strip().startswith(key):
            return i
    return None


def load_settings(path: str | Path) -> dict[str, Any]:
    """The validated ``settings`` table of ``path`` (empty when the file has none)."""
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(path, "config not found") from None
    except IsADirectoryError:
        raise ConfigError(path, "is a directory, not a config file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, f"cannot read config: {exc}") from None
    from .gate import _TOP_KEYS, _decode_line, looks_like_json  # a config's tables: [gate] and [settings]

    if looks_like_json(raw):
        raise ConfigError(path, "looks like a JSON report, not a config (TOML)")
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, f"invalid TOML: {exc}", _decode_line(exc)) from None
    where = ""
    table: Any = data
    if p.name == "pyproject.toml":
        tool = data.get("tool", {})
        if not isinstance(tool, dict):
            raise ConfigError(path, "'tool' must be a table", _line_of(raw, "tool"))
        table, where = tool.get("evaluator", {}), "tool.evaluator."
        if not isinstance(table, dict):
            raise ConfigError(path, "'tool.evaluator' must be a table", _line_of(raw, "evaluator"))
    # A misspelled table ([setings]) would otherwise be ignored and the run go on without it.
    unknown = sorted(set(table) - _TOP_KEYS)
    if unknown:
        raise ConfigError(path, f"unknown table {where}{unknown[0]}{did_you_mean(unknown[0], _TOP_KEYS)} "
                                f"(known: {', '.join(sorted(_TOP_KEYS))})",
                          _line_of(raw, f"[{where}{unknown[0]}") or _line_of(raw, unknown[0]))
    settings = table.get("settings", {})
    if not isinstance(settings, dict):
        raise ConfigError(path, "'settings' must be a table", _line_of(raw, "settings"))
    base = p.parent
    out: dict[str, Any] = {}
    for key, value in settings.items():
        if key not in _KEYS:
            raise ConfigError(path, f"unknown setting {key!r}{did_you_mean(key, _KEYS)} "
                                    f"(known: {', '.join(sorted(_KEYS))})",
                              _line_of(raw, key))
        types, what = _KEYS[key]
        ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
        if ok and key in ("layer", "batch_tokens", "max_input_mb"):
            ok = math.isfinite(value) and value > 0
        if ok and key == "precision":
            ok = value in PRECISIONS
        if ok and isinstance(value, list):
            ok = all(isinstance(v, str) for v in value)
        if ok and key == "device":
            ok = DEVICE_PATTERN.fullmatch(value) is not None
        if not ok:
            raise ConfigError(path, f"settings.{key} must be {what}, not {value!r}", _line_of(raw, key))
        if key == "checks":
            _check_names(path, value, _line_of(raw, key))
        if key in _PATH_KEYS:
            value = str(base / value)
        elif key in _PATH_LIST_KEYS:
            value = [str(base / v) for v in value]
        out[key] = value
    return out


def _check_names(path: str | Path, names: list[str], line: int | None) -> None:
    """``settings.checks``: known check names, at least one (an empty list would run no check)."""
    if not names or not any(n.strip() for n in names):
        raise ConfigError(path, "settings.checks is empty: it would run no check (leave it out to run every check)",
                          line)
    known = known_checks()
    unknown = [n for n in names if known is not None and n.strip() not in known]
    if unknown:
        hint = did_you_mean(unknown[0].strip(), known or ()) if len(unknown) == 1 else ""
        raise ConfigError(path, f"settings.checks: unknown check(s) {', '.join(unknown)}{hint} (known: "
                                f"{', '.join(sorted(known or ()))})", line)


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """``"; did you mean 'chrf'?"`` for the choice closest to a misspelt ``name`` (difflib), or ``""``
    when none is close: the hint a config error about an unknown name ends its first part with."""
    match = difflib.get_close_matches(name, sorted(choices), n=1)
    if not match:
        lowered = {c.lower(): c for c in choices}
        match = [lowered[m] for m in difflib.get_close_matches(name.lower(), sorted(lowered), n=1)]
    return f"; did you mean {match[0]!r}?" if match else ""


@overload
def known_checks(*, strict: Literal[True]) -> frozenset[str]: ...
@overload
def known_checks(*, strict: bool = False) -> frozenset[str] | None: ...
def known_checks(*, strict: bool = False) -> frozenset[str] | None:
    """The names of the registered checks (every check module imported): what ``--checks``,
    ``settings.checks``, a gate's ``max_findings`` keys and triage's accepted rows are checked against.

    Where a check module cannot be imported: with ``strict`` its error is raised; otherwise a warning
    is logged and None returned, and the caller accepts any name (a broken check module must not hide
    a config's other errors)."""
    try:
        from .checks import REGISTRY, load_all

        load_all()
    except Exception as exc:  # noqa: BLE001 - see above
        if strict:
            raise
        log.warning("cannot list checks to validate check names (%s); accepting any name", exc)
        return None
    return frozenset(REGISTRY)
