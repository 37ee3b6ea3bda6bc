"""The quality gate: a report dict + thresholds (TOML) -> pass / warn / fail / error.

A gate config is TOML: ``evaluator.toml`` with a ``[gate]`` table, or ``pyproject.toml`` with
``[tool.evaluator.gate]``.  Every threshold is a number, or an inline table
``{ value = 55.0, critical = false }`` where a non-critical threshold warns instead of failing::

    [gate]
    systems = ["sysA"]            # score reports: which systems to gate (default: all but a baseline)
    waivers = "waivers.toml"      # accepted findings (relative to this file); --waivers overrides

    [gate.min]                    # floors: bleu chrf chrf++ bertscore_f1 bertscore_precision
    chrf = 55.0                   #   bertscore_recall coverage coverage_original coverage_rewritten
    bleu = { value = 20.0, critical = false }

    [gate.max]                    # ceilings (same names; ter is the usual one)
    ter = 70.0

    [gate.max_findings]           # at most N findings of exactly this severity, of this check
    critical = 0                  #   (by check name), or "total"; waived findings do not count
    major = 3
    numbers = 1

    [gate.baseline]
    path = "reports/baseline.json"   # a previous compare or score report (relative to this file)
    system = "base"                  # a system of that report, or of this one when there is no path
    max_drop = { chrf = 0.5, bertscore_f1 = 0.005 }   # worsening allowed (TER: a rise)
    max_increase = { critical = 0, major = 2 }        # more findings allowed than the baseline had
    significance = 0.05              # a worsening fails only when the paired test says p < 0.05
    method = "bootstrap"             # or "ar" (approximate randomisation)
    samples = 1000                   # resamples / trials (default: 1000 bootstrap, 10000 ar; <= 100000)
    seed = 12345                     # 0 to 2**63-1; the same seed gives the same p-values

A max_drop / max_increase entry can opt out of the significance test with ``{ value = ..., test = false }``;
a max_increase limit of 0 is not tested unless it says ``test = true`` (a hard "no new finding" rule).

Statuses: a threshold passes, warns (non-critical and violated), fails (critical and violated) or
is an error (the report lacks what it asks for).  The gate's status is the worst of them; exit
codes are 0 for pass and warn, 1 for fail, 2 for error.
"""
from __future__ import annotations

import datetime as _dt
import json
import logging
import math
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import did_you_mean
from .errors import ConfigError, InputError
from .metrics.significance import SEED_MAX
from .types import SCHEMA_VERSION

log = logging.getLogger(__name__)

# Direction of each metric: +1 higher is better, -1 lower is better.
METRICS: dict[str, int] = {
    "bleu": 1, "chrf": 1, "chrf++": 1, "ter": -1,
    "bertscore_f1": 1, "bertscore_precision": 1, "bertscore_recall": 1,
    "coverage": 1, "coverage_original": 1, "coverage_rewritten": 1,
}
# The values each metric can take (None: unbounded; rescaled BERTScore can go below 0): a threshold
# outside them can never be met or always is, a slip of scale (bertscore_f1 = 90) or of sign.
RANGES: dict[str, tuple[float | None, float | None]] = {
    "bleu": (0, 100), "chrf": (0, 100), "chrf++": (0, 100), "ter": (0, None),
    "bertscore_f1": (None, 1), "bertscore_precision": (None, 1), "bertscore_recall": (None, 1),
    "coverage": (0, 1), "coverage_original": (0, 1), "coverage_rewritten": (0, 1),
}
LEXICAL = ("bleu", "chrf", "chrf++", "ter")
BERTSCORE = ("bertscore_f1", "bertscore_precision", "bertscore_recall")
SEVERITIES = ("info", "minor", "major", "critical")
STATUS_ORDER = {"pass": 0, "warn": 1, "fail": 2, "error": 3}
# The order results are listed in, everywhere (JSON, console, Markdown, JUnit, HTML): what broke the gate
# first, then what the gate could not check, then warnings, then passes; config order within a status.
RESULT_ORDER = {"fail": 0, "error": 1, "warn": 2, "pass": 3}
EXIT_CODES = {"pass": 0, "warn": 0, "fail": 1, "error": 2}

_GATE_KEYS = {"systems", "waivers", "min", "max", "max_findings", "baseline"}
_BASELINE_KEYS = {"path", "system", "max_drop", "max_increase", "significance", "method", "samples", "seed"}
_TOP_KEYS = {"gate", "settings"}  # [settings]: run options, read by evaluator.config
MAX_SAMPLES = 100_000  # resamples / trials: memory and time grow with samples x paired segments
# Below this many paired segments a paired test's p-value means nothing (one segment: p = 1/(samples+1)
# however small the change): a drop beyond the limit is then an error, not a pass or fail by chance.
MIN_PAIRED = 10


@dataclass(frozen=True)
class Threshold:
    """One limit: ``kind`` is min, max, max_findings, max_drop or max_increase; ``key`` what it limits."""

    kind: str
    key: str
    value: float
    critical: bool = True
    # max_drop / max_increase: run the significance test on this one (None: the default, see ``tested``)
    test: bool | None = None

    @property
    def name(self) -> str:
        return f"{self.kind}.{self.key}"

    @property
    def tested(self) -> bool:
        """Whether a significance test may pass a violation of this baseline threshold (when the
        baseline sets ``significance``): as ``test`` says; by default yes, but for a max_increase limit
        of 0, a hard "no new finding" rule that a test would let several new findings through."""
        if self.test is not None:
            return self.test
        return not (self.kind == "max_increase" and self.value == 0)


@dataclass(frozen=True)
class BaselineConfig:
    """Where the baseline comes from and how much worse than it the report may be."""

    path: str | None = None
    system: str | None = None
    max_drop: tuple[Threshold, ...] = ()
    max_increase: tuple[Threshold, ...] = ()
    significance: float | None = None
    method: str = "bootstrap"
    samples: int | None = None
    seed: int = 12345

    @property
    def n_samples(self) -> int:
        return self.samples or (10000 if self.method == "ar" else 1000)


@dataclass(frozen=True)
class GateConfig:
    """A parsed gate: thresholds on the report, an optional baseline, optional waivers."""

    thresholds: tuple[Threshold, ...] = ()
    baseline: BaselineConfig | None = None
    waivers: str | None = None
    systems: tuple[str, ...] | None = None
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "thresholds": [t.name for t in self.thresholds],
                "baseline": self.baseline.path if self.baseline else None}


# --------------------------------------------------------------------------- config loading

# The problem of a gate config that is a JSON file: most often a report given where the config goes.
# ``evaluator gate`` adds its usage line to a ``ConfigError`` with this ``problem``.
JSON_CONFIG = "looks like a JSON report, not a gate config (TOML)"


def load_gate_config(path: str | Path) -> GateConfig:
    """Read and validate a gate config; any problem raises ``ConfigError`` as "PATH:LINE: problem"
    (a JSON file: ``problem`` is ``JSON_CONFIG``, whether or not the file is valid UTF-8)."""
    p = Path(path)
    try:
        content = p.read_bytes()
    except FileNotFoundError:
        raise ConfigError(path, "gate config not found") from None
    except OSError as exc:
        raise ConfigError(path, f"cannot read gate config: {exc}") from None
    if looks_like_json(content[:4096].decode("utf-8", errors="replace")):
        raise ConfigError(path, JSON_CONFIG)
    try:
        # as Path.read_text: strict UTF-8, universal newlines
        raw = content.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as exc:
        raise ConfigError(path, f"cannot read gate config: {exc}") from None
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, f"invalid TOML: {exc}", _decode_line(exc)) from None
    prefix: tuple[str, ...] = ()
    if p.name == "pyproject.toml" or ("gate" not in data and "evaluator" in data.get("tool", {})):
        prefix = ("tool", "evaluator")
        table = data.get("tool", {}).get("evaluator")
        if not isinstance(table, dict):
            raise ConfigError(path, "no [tool.evaluator] table with a gate in it")
    else:
        table = data
    return parse_gate_config(table, path=str(path), raw=raw, prefix=prefix)


def looks_like_json(text: str) -> bool:
    """True for text that opens a JSON object (after a BOM and whitespace); TOML never starts with '{'."""
    return text.lstrip("\ufeff \t\r\n").startswith("{")


def parse_gate_config(table: Mapping[str, Any], *, path: str | None = None, raw: str = "",
                      prefix: tuple[str, ...] = ()) -> GateConfig:
    """Validate a config table (the one holding ``gate``); paths resolve against ``path``'s folder."""
    where = path or "<gate config>"

    def fail(problem: str, *keys: str) -> ConfigError:
        return ConfigError(where, problem, _find_line(raw, (*prefix, *keys)))

    for key in table:
        if key not in _TOP_KEYS:
            raise fail(f"unknown key {key!r} (expected a [gate] table)", key)
    gate = table.get("gate")
    if gate is None:
        raise fail("no [gate] table")
    if not isinstance(gate, dict):
        raise fail("'gate' must be a table", "gate")
    for key in gate:
        if key not in _GATE_KEYS:
            raise fail(f"unknown key gate.{key}{did_you_mean(key, _GATE_KEYS)} (known: {', '.join(sorted(_GATE_KEYS))})",
                       "gate", key)
    base_dir = Path(path).parent if path else Path(".")

    thresholds: list[Threshold] = []
    for kind in ("min", "max"):
        for key, value in _table(gate, kind, fail).items():
            if key not in METRICS:
                raise fail(f"unknown metric gate.{kind}.{key}{did_you_mean(key, METRICS)} (known: {', '.join(METRICS)})",
                           "gate", kind, key)
            t = _threshold(kind, key, value, fail, ("gate", kind, key))
            lo, hi = RANGES[key]
            if (lo is not None and t.value < lo) or (hi is not None and t.value > hi):
                bounds = f"{lo:g} to {hi:g}" if lo is not None and hi is not None else (
                    f"at least {lo:g}" if lo is not None else f"at most {hi:g}")
                raise fail(f"gate.{kind}.{key} = {t.value:g} is outside the metric's range ({bounds})",
                           "gate", kind, key)
            thresholds.append(t)
    floors = {t.key: t for t in thresholds if t.kind == "min"}
    for t in thresholds:
        if t.kind == "max" and t.key in floors and floors[t.key].value > t.value:
            raise fail(f"gate.min.{t.key} = {floors[t.key].value:g} is above gate.max.{t.key} = {t.value:g}: "
                       "no score can meet both", "gate", "max", t.key)
    from .config import known_checks as registered_checks

    known_checks = registered_checks()
    for key, value in _table(gate, "max_findings", fail).items():
        _check_findings_key(key, known_checks, fail, ("gate", "max_findings", key))
        thresholds.append(_threshold("max_findings", key, value, fail, ("gate", "max_findings", key),
                                     integer=True))

    systems = gate.get("systems")
    if systems is not None and (not isinstance(systems, list) or not all(isinstance(s, str) for s in systems)):
        raise fail("gate.systems must be a list of system names", "gate", "systems")
    if systems == []:
        raise fail("gate.systems is empty: it would gate nothing (leave it out to gate every system)",
                   "gate", "systems")
    waivers = gate.get("waivers")
    if waivers is not None and not isinstance(waivers, str):
        raise fail("gate.waivers must be a path (string)", "gate", "waivers")

    baseline = None
    if "baseline" in gate:
        baseline = _parse_baseline(gate["baseline"], fail, known_checks, base_dir)
    return GateConfig(thresholds=tuple(thresholds), baseline=baseline,
                      waivers=str(base_dir / waivers) if waivers else None,
                      systems=tuple(systems) if systems is not None else None, path=path)


def _parse_baseline(b: Any, fail: Any, known_checks: frozenset[str] | None, base_dir: Path) -> BaselineConfig:
    if not isinstance(b, dict):
        raise fail("gate.baseline must be a table", "gate", "baseline")
    for key in b:
        if key not in _BASELINE_KEYS:
            raise fail(f"unknown key gate.baseline.{key}{did_you_mean(key, _BASELINE_KEYS)} "
                       f"(known: {', '.join(sorted(_BASELINE_KEYS))})", "gate", "baseline", key)
    for key in ("path", "system"):
        if key in b and not isinstance(b[key], str):
            raise fail(f"gate.baseline.{key} must be a string", "gate", "baseline", key)
    if "path" not in b and "system" not in b:
        raise fail("gate.baseline needs 'path' (a previous report) or 'system' (a system of this report)",
                   "gate", "baseline")
    drops = []
    for key, value in _table(b, "max_drop", fail, ("gate", "baseline")).items():
        if key not in METRICS:
            raise fail(f"unknown metric gate.baseline.max_drop.{key}{did_you_mean(key, METRICS)} "
                       f"(known: {', '.join(METRICS)})", "gate", "baseline", "max_drop", key)
        drops.append(_threshold("max_drop", key, value, fail, ("gate", "baseline", "max_drop", key),
                                testable=True))
    increases = []
    for key, value in _table(b, "max_increase", fail, ("gate", "baseline")).items():
        _check_findings_key(key, known_checks, fail, ("gate", "baseline", "max_increase", key))
        increases.append(_threshold("max_increase", key, value, fail,
                                    ("gate", "baseline", "max_increase", key), integer=True, testable=True))
    sig = b.get("significance")
    if sig is not None and (isinstance(sig, bool) or not isinstance(sig, int | float) or not 0 < sig < 1):
        raise fail("gate.baseline.significance must be a p-value threshold between 0 and 1 (e.g. 0.05)",
                   "gate", "baseline", "significance")
    method = b.get("method", "bootstrap")
    if method not in ("bootstrap", "ar"):
        raise fail("gate.baseline.method must be \"bootstrap\" or \"ar\"", "gate", "baseline", "method")
    samples = b.get("samples")
    if samples is not None and (isinstance(samples, bool) or not isinstance(samples, int)
                                or not 10 <= samples <= MAX_SAMPLES):
        raise fail(f"gate.baseline.samples must be an integer from 10 to {MAX_SAMPLES:,}", "gate", "baseline",
                   "samples")
    seed = b.get("seed", 12345)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= SEED_MAX:
        raise fail("gate.baseline.seed must be an integer from 0 to 2**63-1", "gate", "baseline", "seed")
    n_samples = samples or (10000 if method == "ar" else 1000)
    tested = any(t.tested for t in (*drops, *increases))  # a limit of 0 (or test = false) is never tested
    if sig is not None and tested and 1 / (MAX_SAMPLES + 1) >= sig:
        raise fail(f"gate.baseline.significance = {sig:g} is below what {MAX_SAMPLES:,} samples can show "
                   f"(the smallest p-value is 1/(samples+1)): use a significance above {1 / (MAX_SAMPLES + 1):.3g}",
                   "gate", "baseline", "significance")
    if sig is not None and tested and 1 / (n_samples + 1) >= sig:
        # the smallest p-value a paired test can give is 1/(samples+1): nothing could be significant
        need = max(10, int(1 / sig))
        while 1 / (need + 1) >= sig:
            need += 1
        given = f"gate.baseline.samples = {samples}" if samples is not None else f"the default {n_samples} samples"
        raise fail(f"{given} can never reach significance {sig:g}: the smallest p-value is "
                   f"1/(samples+1) = {1 / (n_samples + 1):.4g}; use samples >= {need}",
                   "gate", "baseline", "samples" if samples is not None else "significance")
    if sig is None:
        for t in (*drops, *increases):
            if t.test:
                raise fail(f"gate.baseline.{t.name}: test = true needs gate.baseline.significance",
                           "gate", "baseline", t.kind, t.key)
    if not drops and not increases:
        raise fail("gate.baseline sets no max_drop or max_increase: it would compare nothing (add "
                   "max_drop = { chrf = 0.5 } or max_increase = { critical = 0 }, or remove the table)",
                   "gate", "baseline")
    return BaselineConfig(path=str(base_dir / b["path"]) if "path" in b else None, system=b.get("system"),
                          max_drop=tuple(drops), max_increase=tuple(increases),
                          significance=float(sig) if sig is not None else None, method=method,
                          samples=samples, seed=seed)


def _table(parent: Mapping[str, Any], key: str, fail: Any, at: tuple[str, ...] = ("gate",)) -> dict[str, Any]:
    value = parent.get(key, {})
    if not isinstance(value, dict):
        raise fail(f"{'.'.join((*at, key))} must be a table", *at, key)
    return value


def _threshold(kind: str, key: str, value: Any, fail: Any, keys: tuple[str, ...], *,
               integer: bool = False, testable: bool = False) -> Threshold:
    dotted = ".".join(keys)
    critical = True
    test = None
    if isinstance(value, dict):
        known = {"value", "critical", "test"} if testable else {"value", "critical"}
        extra = set(value) - known
        if extra:
            bad = sorted(extra)[0]
            use = "value, critical and test" if testable else "value and critical"
            raise fail(f"{dotted}: unknown key {bad!r} (use {use})", *keys, bad)
        if "value" not in value:
            raise fail(f"{dotted}: missing 'value'", *keys)
        critical = value.get("critical", True)
        if not isinstance(critical, bool):
            raise fail(f"{dotted}.critical must be true or false", *keys, "critical")
        test = value.get("test")
        if test is not None and not isinstance(test, bool):
            raise fail(f"{dotted}.test must be true or false", *keys, "test")
        value = value["value"]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise fail(f"{dotted} must be a number, not {value!r}", *keys)
    if integer and (value < 0 or int(value) != value):
        raise fail(f"{dotted} must be a whole number >= 0, not {value!r}", *keys)
    if kind == "max_drop" and value < 0:
        raise fail(f"{dotted} must be >= 0 (the worsening allowed)", *keys)
    return Threshold(kind, key, float(value), critical, test)


def _check_findings_key(key: str, known: frozenset[str] | None, fail: Any, keys: tuple[str, ...]) -> None:
    if key in SEVERITIES or key == "total":
        return
    if known is not None and key not in known:
        hint = did_you_mean(key, (*SEVERITIES, "total", *known))
        raise fail(f"{'.'.join(keys)}: {key!r} is neither a severity nor a check{hint} (severities: "
                   f"{', '.join(SEVERITIES)}, total; checks: {', '.join(sorted(known))})", *keys)


def _decode_line(exc: tomllib.TOMLDecodeError) -> int | None:
    m = re.search(r"line (\d+)", str(exc))
    return int(m.group(1)) if m else None


def _find_line(raw: str, keys: Sequence[str]) -> int | None:
    """Best-effort line of a dotted key: each part searched from where the previous one was found."""
    if not raw or not keys:
        return None
    lines = raw.splitlines()
    start, found = 0, None
    for part in keys:
        pat = re.compile(rf'(?<![\w+\-"]){re.escape(part)}(?![\w+\-])|"{re.escape(part)}"')
        for i in range(start, len(lines)):
            text = lines[i].split("#", 1)[0]
            if pat.search(text):
                start, found = i, i + 1
                break
    return found


# --------------------------------------------------------------------------- reports as subjects

@dataclass
class _Segment:
    key: tuple[str, int]  # (original / reference text, occurrence): how baseline and report pair up
    refs: list[str]
    hyp: str
    bertscore: dict[str, float | None]  # bertscore_f1 / _precision / _recall of this segment
    findings: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Subject:
    """One gated thing: the single pair of a compare report, or one system of a score report."""

    name: str | None
    metrics: dict[str, float | None]
    findings: list[dict[str, Any]]
    segments: list[_Segment]
    # A score report's lines: a baseline over other lines compares on the lines both have.  A compare
    # report's segments follow its alignment, which a rewrite changes (a merge, a split): whole reports.
    line_aligned: bool = False


def report_kind(report: Mapping[str, Any]) -> str:
    """'score' (a line-aligned test set) or 'compare' (an article pair)."""
    if isinstance(report.get("systems"), dict):
        return "score"
    if isinstance(report.get("metrics"), dict) and "alignment" in report:
        return "compare"
    raise InputError("not an evaluator report: expected a compare report (metrics, alignment) "
                     "or a score report (systems, segments)")


def load_report(path: str | Path) -> dict[str, Any]:
    """Read a report JSON written by ``compare`` or ``score``."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        raise InputError(f"{path}: report not found") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not a JSON report ({exc})") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: not an evaluator report (top level is not an object)")
    try:
        report_kind(data)
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None
    version = data.get("schema_version")
    if version is not None and version not in SCHEMA_VERSIONS:
        raise InputError(f"{path}: unsupported schema_version {version!r} (this evaluator reads "
                         f"{', '.join(repr(v) for v in SCHEMA_VERSIONS)}): write it again with this version")
    problem = report_problem(data)
    if problem:
        raise InputError(f"{path}: not an evaluator report: {problem}")
    return data


SCHEMA_VERSIONS = (SCHEMA_VERSION,)  # the report schema versions the gate reads


def _number(x: Any, *, null: bool = True) -> bool:
    if x is None:
        return null
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _findings_problem(findings: Any, where: str) -> str | None:
    if findings is None:
        return None
    if not isinstance(findings, list):
        return f"{where} is not a list"
    for i, f in enumerate(findings):
        at = f"{where}[{i}]"
        if not isinstance(f, dict):
            return f"{at} is not an object"
        for key in ("check", "code"):
            if not isinstance(f.get(key), str):
                return f"{at} has no {key!r} (a string)"
        if f.get("severity") not in SEVERITIES:
            return f"{at}.severity is {f.get('severity')!r}, not one of {', '.join(SEVERITIES)}"
        for side in ("original", "rewritten"):
            span = f.get(side)
            if span is not None and not (isinstance(span, dict) and isinstance(span.get("text", ""), str)):
                return f"{at}.{side} is not a span (an object with its text)"
        if "alignment" in f and f["alignment"] is not None and (
                isinstance(f["alignment"], bool) or not isinstance(f["alignment"], int)):
            return f"{at}.alignment is not a pair index"
    return None


def _metrics_problem(m: Mapping[str, Any], where: str) -> str | None:
    for key in LEXICAL:
        v = m.get(key)
        if v is not None and not (isinstance(v, dict) and _number(v.get("score"))):
            return f"{where}.{key} is not a score (an object whose 'score' is a number or null)"
    bert = m.get("bertscore")
    if bert is not None:
        if not isinstance(bert, dict):
            return f"{where}.bertscore is not an object"
        for part in ("f1", "precision", "recall"):
            if not _number(bert.get(part)):
                return f"{where}.bertscore.{part} is not a number"
    return None


def _per_segment_problem(entry: Any, where: str) -> str | None:
    if not isinstance(entry, dict):
        return f"{where} is not an object"
    for key in BERTSCORE:
        if not _number(entry.get(key)):
            return f"{where}.{key} is not a number"
    return None


def report_problem(report: Mapping[str, Any]) -> str | None:
    """What makes ``report`` (a dict ``report_kind`` accepts) unusable for the gate, or None.

    Checks the shape of everything the gate reads: scores are numbers (or null), findings are objects
    with a check, a code and a known severity, segments and pairs are objects.  A hand-edited report
    must fail here, with the field named, not crash the gate or pass it silently."""
    if report_kind(report) == "score":
        systems = report["systems"]
        if not systems:
            return "'systems' is empty"
        for name, s in systems.items():
            where = f"systems.{name}"
            if not isinstance(s, dict):
                return f"{where} is not an object"
            if not any(k in s for k in (*LEXICAL, "bertscore")):
                return f"{where} has no scores (bleu, chrf, chrf++, ter, bertscore)"
            problem = _metrics_problem(s, where)
            if problem:
                return problem
            if not _number(s.get("coverage")):
                return f"{where}.coverage is not a number"
        segs = report.get("segments")
        if not isinstance(segs, list):
            return "no 'segments' list (the per-line scores and findings)"
        for i, seg in enumerate(segs):
            where = f"segments[{i}]"
            if not isinstance(seg, dict):
                return f"{where} is not an object"
            if not isinstance(seg.get("ref"), str):
                return f"{where} has no 'ref' text"
            extra = seg.get("extra_refs")
            if extra is not None and not (isinstance(extra, list) and all(isinstance(r, str) for r in extra)):
                return f"{where}.extra_refs is not a list of texts"
            per = seg.get("systems")
            if not isinstance(per, dict):
                return f"{where} has no 'systems' object (each system's line)"
            for name, entry in per.items():
                problem = _per_segment_problem(entry, f"{where}.systems.{name}")
                if problem:
                    return problem
                if not isinstance(entry.get("hyp", ""), str):
                    return f"{where}.systems.{name}.hyp is not text"
                problem = _findings_problem(entry.get("findings"), f"{where}.systems.{name}.findings")
                if problem:
                    return problem
        return None
    problem = _metrics_problem(report["metrics"], "metrics")
    if problem:
        return problem
    cov = report.get("coverage")
    if cov is not None:
        if not isinstance(cov, dict):
            return "'coverage' is not an object"
        for side in ("original", "rewritten"):
            if not _number(cov.get(side)):
                return f"coverage.{side} is not a number"
    if "findings" not in report:
        return "no 'findings' list"
    problem = _findings_problem(report["findings"], "findings")
    if problem:
        return problem
    pairs = report.get("pairs")
    if pairs is not None and not isinstance(pairs, list):
        return "'pairs' is not a list"
    for i, pair in enumerate(pairs or []):
        problem = _per_segment_problem(pair, f"pairs[{i}]")
        if problem:
            return problem
    for side in ("original", "rewritten"):
        doc = report.get(side)
        if doc is None:
            continue
        if not isinstance(doc, dict) or not isinstance(doc.get("text", ""), str):
            return f"{side} is not a document (an object with its text)"
        sents = doc.get("sentences")
        if sents is not None and not (isinstance(sents, list) and all(
                isinstance(x, dict) and all(isinstance(x.get(k), int) and not isinstance(x.get(k), bool)
                                            for k in ("start", "end")) for x in sents)):
            return f"{side}.sentences is not a list of sentence spans (start, end)"
    alignment = report["alignment"]
    if not isinstance(alignment, list):
        return "'alignment' is not a list"
    for i, a in enumerate(alignment):
        ok = isinstance(a, dict) and all(
            a.get(k) is None or (isinstance(a.get(k), list) and all(
                isinstance(j, int) and not isinstance(j, bool) for j in a[k])) for k in ("original", "rewritten"))
        if not ok:
            return f"alignment[{i}] is not an object with lists of sentence indices"
    return None


def _keyed(texts: Iterable[str]) -> list[tuple[str, int]]:
    seen: dict[str, int] = {}
    out = []
    for t in texts:
        n = seen.get(t, 0)
        seen[t] = n + 1
        out.append((t, n))
    return out


def _score_of(m: Any, field_: str = "score") -> float | None:
    if isinstance(m, Mapping) and isinstance(m.get(field_), int | float):
        return float(m[field_])
    return None


def subjects_of(report: Mapping[str, Any]) -> list[_Subject]:
    """The gated subjects of a report, with metrics, findings and pairable segments."""
    if report_kind(report) == "score":
        return [_score_subject(report, name) for name in report["systems"]]
    return [_compare_subject(report)]


def _score_subject(report: Mapping[str, Any], name: str) -> _Subject:
    s = report["systems"][name]
    metrics: dict[str, float | None] = {m: _score_of(s.get(m)) for m in LEXICAL}
    bert = s.get("bertscore")
    for part in ("f1", "precision", "recall"):
        metrics[f"bertscore_{part}"] = _score_of(bert, part)
    cov = s.get("coverage")
    metrics["coverage"] = float(cov) if isinstance(cov, int | float) else None
    segs = report.get("segments") or []
    keys = _keyed(str(seg.get("ref", "")) for seg in segs)
    segments, findings = [], []
    for seg, key in zip(segs, keys, strict=True):
        entry = (seg.get("systems") or {}).get(name)
        if entry is None:
            continue
        fl = entry.setdefault("findings", [])
        findings.extend(fl)
        refs = [str(seg.get("ref", ""))] + [str(r) for r in seg.get("extra_refs") or []]
        segments.append(_Segment(key, refs, str(entry.get("hyp", "")), _bert_of(entry), fl))
    return _Subject(name, metrics, findings, segments, line_aligned=True)


def _compare_subject(report: Mapping[str, Any]) -> _Subject:
    m = report.get("metrics") or {}
    metrics: dict[str, float | None] = {k: _score_of(m.get(k)) for k in LEXICAL}
    for part in ("f1", "precision", "recall"):
        metrics[f"bertscore_{part}"] = _score_of(m.get("bertscore"), part)
    cov = report.get("coverage") or {}
    co, cr = cov.get("original"), cov.get("rewritten")
    metrics["coverage_original"] = float(co) if isinstance(co, int | float) else None
    metrics["coverage_rewritten"] = float(cr) if isinstance(cr, int | float) else None
    metrics["coverage"] = (min(metrics["coverage_original"], metrics["coverage_rewritten"])  # type: ignore[type-var]
                           if co is not None and cr is not None else None)
    findings = list(report.get("findings") or [])
    bert = {p.get("alignment"): _bert_of(p) for p in report.get("pairs") or []}
    by_pair: dict[int, list[dict[str, Any]]] = {}
    for f in findings:
        if isinstance(f.get("alignment"), int):
            by_pair.setdefault(f["alignment"], []).append(f)
    o_text = _side_texts(report.get("original") or {})
    r_text = _side_texts(report.get("rewritten") or {})
    rows = []
    for i, a in enumerate(report.get("alignment") or []):
        if not a.get("original"):
            continue  # an addition has no original-side text to pair it by
        orig = " ".join(o_text[j] for j in a["original"] if j < len(o_text))
        hyp = " ".join(r_text[j] for j in a.get("rewritten") or [] if j < len(r_text))
        rows.append((i, orig, hyp))
    keys = _keyed(orig for _, orig, _ in rows)
    segments = [_Segment(key, [orig], hyp, bert.get(i, {}), by_pair.get(i, []))
                for (i, orig, hyp), key in zip(rows, keys, strict=True)]
    return _Subject(None, metrics, findings, segments)


def _bert_of(entry: Any) -> dict[str, float | None]:
    """A segment's (or pair's) per-segment BERTScore values, None where it has none."""
    if not isinstance(entry, Mapping):
        return {}
    return {k: float(entry[k]) if isinstance(entry.get(k), int | float) and not isinstance(entry.get(k), bool)
            else None for k in BERTSCORE}


def _side_texts(doc: Mapping[str, Any]) -> list[str]:
    text = str(doc.get("text", ""))
    return [text[s["start"]:s["end"]] for s in doc.get("sentences") or []]


# --------------------------------------------------------------------------- evaluation

@dataclass
class ThresholdResult:
    """The outcome of one threshold for one subject."""

    name: str
    kind: str
    key: str
    status: str
    critical: bool
    value: float | None
    threshold: float | None
    message: str
    system: str | None = None
    baseline: float | None = None
    p_value: float | None = None
    paired_segments: int | None = None  # the segments a baseline comparison was made / tested on

    def to_dict(self) -> dict[str, Any]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(float(x), 6)

        out: dict[str, Any] = {"name": self.name, "kind": self.kind, "key": self.key, "system": self.system,
                               "status": self.status, "critical": self.critical, "value": r(self.value),
                               "threshold": r(self.threshold), "message": self.message}
        if self.baseline is not None:
            out["baseline"] = r(self.baseline)
        if self.p_value is not None:
            out["p_value"] = r(self.p_value)
        if self.paired_segments is not None:
            out["paired_segments"] = self.paired_segments
        return out


def _violated(t: Threshold) -> str:
    return "fail" if t.critical else "warn"


def effect_label(critical: Any) -> str:
    """What a threshold does when violated, for people: "blocking" (fails the gate) or "warn-only".

    The config key and the JSON field stay ``critical``; the word is not used for people, where it
    would read as the critical finding severity."""
    return "blocking" if critical else "warn-only"


def sort_results(results: Iterable[Any]) -> list[Any]:
    """Results (dicts or ``ThresholdResult``) in ``RESULT_ORDER``: fail, error, warn, pass; stable."""
    def status(r: Any) -> str:
        return str(r.get("status") if isinstance(r, Mapping) else r.status)

    return sorted(results, key=lambda r: RESULT_ORDER.get(status(r), len(RESULT_ORDER)))


def gate_results(gate: Mapping[str, Any]) -> list[Any]:
    """A gate dict's results as every output lists them (console, Markdown, JUnit, HTML): in
    ``RESULT_ORDER``.  ``evaluate_gate`` writes them so; the sort is for a gate dict from elsewhere (a
    report written by an older version held them in config order), kept here, once for all outputs."""
    return sort_results(gate.get("results") or [])


def gate_headline(gate: Mapping[str, Any]) -> str:
    """The verdict in one line, naming what decided it: "gate: fail (max_findings.major 1 > 0)", with
    "+N more" when more results have the gate's status; "gate: pass" when all passed."""
    why = gate_reason(gate)
    return f"gate: {gate.get('status', 'error')}" + (f" ({why})" if why else "")


def gate_reason(gate: Mapping[str, Any]) -> str:
    """What decided a gate that did not pass: the first result with the gate's status
    (``result_headline``) and "+N more" such results; "" for a pass."""
    status = str(gate.get("status", "error"))
    decisive = [r for r in gate_results(gate) if r.get("status") == status] if status != "pass" else []
    if not decisive:
        return ""
    return result_headline(decisive[0]) + (f", +{len(decisive) - 1} more" if len(decisive) > 1 else "")


def result_headline(r: Mapping[str, Any]) -> str:
    """A threshold that did not pass, in a few words: "min.chrf 41.20 < 50", "max_findings.major 1 > 0",
    "max_drop.chrf worse by 1.20 > 0.5", "max_increase.critical +2 > 0", "waiver.x expired"; its
    name alone where the numbers are missing (an error: the report lacks what it asks for)."""
    name, kind, key = str(r.get("name", "")), r.get("kind"), r.get("key")
    value, limit, base = r.get("value"), r.get("threshold"), r.get("baseline")
    if kind == "waiver":
        return f"{name} expired"
    if r.get("status") == "error" or not (_number(value, null=False) and _number(limit, null=False)):
        return name
    value, limit = float(value), float(limit)  # type: ignore[arg-type]  # numbers: checked above
    if kind == "min":
        return f"{name} {_short(value)} < {_short(limit)}"
    if kind in ("max", "max_findings"):
        return f"{name} {_short(value)} > {_short(limit)}"
    if kind == "max_increase" and _number(base, null=False):
        return f"{name} +{_short(value - float(base))} > {_short(limit)}"  # type: ignore[arg-type]
    if kind == "max_drop" and _number(base, null=False) and key in METRICS:
        return f"{name} worse by {_short((float(base) - value) * METRICS[str(key)])} > {_short(limit)}"  # type: ignore[arg-type]
    return name


def _short(x: float) -> str:
    """A number for a headline: a count or whole limit without decimals, a score as ``_fmt`` writes it."""
    return str(int(x)) if float(x).is_integer() else _fmt(x)


def findings_phrase(n: int, key: str) -> str:
    """"1 critical finding", "3 findings", "2 findings of the numbers check"."""
    noun = "finding" if n == 1 else "findings"
    if key == "total":
        return f"{n} {noun}"
    if key in SEVERITIES:
        return f"{n} {key} {noun}"
    return f"{n} {noun} of the {key} check"


def _fmt(x: float | None) -> str:
    if x is None:
        return "n/a"
    return f"{x:.4f}".rstrip("0").rstrip(".") if abs(x) < 1.5 else f"{x:.2f}"


def count_findings(findings: Iterable[Mapping[str, Any]], key: str) -> int:
    """Unwaived findings of a severity (exactly), of a check, or all of them ("total")."""
    n = 0
    for f in findings:
        if f.get("waived"):
            continue
        if key == "total" or (key in SEVERITIES and f.get("severity") == key) or f.get("check") == key:
            n += 1
    return n


def findings_summary(findings: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Counts of unwaived findings by severity and by check, and how many were waived."""
    by_sev = {s: 0 for s in SEVERITIES}
    by_check: dict[str, int] = {}
    waived = 0
    for f in findings:
        if f.get("waived"):
            waived += 1
            continue
        sev = str(f.get("severity"))
        by_sev[sev] = by_sev.get(sev, 0) + 1
        by_check[str(f.get("check"))] = by_check.get(str(f.get("check")), 0) + 1
    return {"by_severity": by_sev, "by_check": dict(sorted(by_check.items())), "waived": waived}


def _mark_waived(subjects: Sequence[_Subject], waivers: Sequence[Any], today: _dt.date) -> None:
    """Mark each subject's findings (in place, in the report) as ``apply_waivers`` does: earlier marks
    dropped, those a live waiver covers marked."""
    from .waivers import apply_waivers

    for subj in subjects:
        marked, _ = apply_waivers(subj.findings, waivers, today, warn=False)
        for orig, new in zip(subj.findings, marked, strict=True):
            orig.clear()
            orig.update(new)


def _check_threshold(t: Threshold, subj: _Subject, label: str) -> ThresholdResult:
    def result(status: str, value: float | None, message: str) -> ThresholdResult:
        return ThresholdResult(label + t.name, t.kind, t.key, status, t.critical, value, t.value, message,
                               subj.name)

    if t.kind == "max_findings":
        n = count_findings(subj.findings, t.key)
        message = f"{findings_phrase(n, t.key)} (at most {int(t.value)} allowed)"
        return result(_violated(t) if n > t.value else "pass", n, message)
    value = subj.metrics.get(t.key)
    if value is None:
        why = ("not computed: --no-bertscore, or nothing was aligned to compare" if t.key.startswith("bertscore")
               else "not computed: nothing was aligned to compare")
        return result("error", None, f"the report has no {t.key} score ({why})")
    if t.kind == "min":
        ok, rel = value >= t.value, ">="
    else:
        ok, rel = value <= t.value, "<="
    if ok:
        return result("pass", value, f"{t.key} {_fmt(value)} {rel} {_fmt(t.value)}")
    return result(_violated(t), value, f"{t.key} {_fmt(value)} is not {rel} {_fmt(t.value)}")


@dataclass
class _Pairing:
    """The report's segments paired with the baseline's (by reference / original-side text)."""

    pairs: list[tuple[_Segment, _Segment]]
    n_report: int
    n_baseline: int

    @property
    def same_refs(self) -> bool:
        return all(c.refs == bs.refs for c, bs in self.pairs)

    @property
    def full(self) -> bool:
        """Both sides hold the same segments with the same references: whole-report scores compare."""
        return len(self.pairs) == self.n_report == self.n_baseline and self.same_refs

    def describe(self) -> str:
        """"60 of 120 baseline segments paired" (and of the report's, when it has others)."""
        n = len(self.pairs)
        out = f"{n} of {self.n_baseline} baseline segments paired"
        if n != self.n_report:
            out += f", {n} of {self.n_report} report segments"
        if not self.same_refs:
            out += "; their references differ, the report's are used for both"
        return out


def _pair_segments(cur: _Subject, base: _Subject) -> _Pairing:
    index = {s.key: s for s in base.segments}
    return _Pairing([(s, index[s.key]) for s in cur.segments if s.key in index], len(cur.segments),
                    len(base.segments))


def _streams(pairs: Sequence[tuple[_Segment, _Segment]]) -> list[list[str]]:
    """The report's reference streams over the pairs (as many as every paired segment has)."""
    n_refs = min(len(c.refs) for c, _ in pairs)
    return [[c.refs[j] for c, _ in pairs] for j in range(n_refs)]


def _bert_pairs(key: str, pairs: Sequence[tuple[_Segment, _Segment]]) -> list[tuple[float, float]]:
    """(report, baseline) per-segment BERTScore values where both sides have one."""
    out = []
    for c, bs in pairs:
        x, y = c.bertscore.get(key), bs.bertscore.get(key)
        if x is not None and y is not None:
            out.append((x, y))
    return out


def _too_few(n: int) -> str:
    return f"too few paired segments ({n}) for a significance test (at least {MIN_PAIRED} needed)"


def _check_drop(t: Threshold, cfg: BaselineConfig, cur: _Subject, base: _Subject, label: str) -> ThresholdResult:
    from .metrics import significance as sig

    paired: int | None = None

    def result(status: str, message: str, p: float | None = None) -> ThresholdResult:
        return ThresholdResult(label + t.name, t.kind, t.key, status, t.critical, value, t.value, message,
                               cur.name, baseline=b, p_value=p, paired_segments=paired)

    value, b = cur.metrics.get(t.key), base.metrics.get(t.key)
    if value is None or b is None:
        side = "report" if value is None else "baseline"
        return result("error", f"the {side} has no {t.key} score")
    per_segment = t.key in LEXICAL or t.key in BERTSCORE
    pairing = _pair_segments(cur, base)
    both: list[tuple[float, float]] | None = None  # per-segment BERTScore (report, baseline), once computed
    pairs = pairing.pairs
    change = f"{t.key} {_fmt(value)} vs baseline {_fmt(b)}"
    note = ""
    if not pairing.full and per_segment and cur.line_aligned:
        # Test sets over other lines (or references): their whole scores do not compare; the change is
        # the one on the lines both have, the lines a significance test runs on.
        whole = f"whole reports: {_fmt(value)} vs {_fmt(b)}"
        if not pairs:
            return result("error", f"{change}: cannot compare, no segment of the report pairs with one of the "
                                   "baseline (different test sets?)")
        if t.key in LEXICAL:
            b, value = sig.lexical_corpus_scores(t.key, [bs.hyp for _, bs in pairs], [c.hyp for c, _ in pairs],
                                                 _streams(pairs))
        else:
            both = _bert_pairs(t.key, pairs)
            if not both:
                return result("error", f"{change}: no per-segment BERTScore on the paired segments "
                                       f"({pairing.describe()})")
            value, b = sum(x for x, _ in both) / len(both), sum(y for _, y in both) / len(both)
        paired = len(pairs)
        change = f"{t.key} {_fmt(value)} vs baseline {_fmt(b)} on the paired segments ({pairing.describe()}; {whole})"
    elif not pairing.full:
        # No per-segment values (coverage), or a compare report aligned otherwise than its baseline (its
        # merged or split sentences must count): the whole reports' scores.
        note = f"; whole-report scores over different segments: {pairing.describe()}"
    worse = (b - value) * METRICS[t.key]
    allowed = f"at most {_fmt(t.value)} allowed{note}"
    if abs(worse) <= 1e-12:
        return result("pass", f"{change}: unchanged (at most {_fmt(t.value)} worse allowed{note})")
    if worse < 0:
        return result("pass", f"{change}: better by {_fmt(-worse)} (at most {_fmt(t.value)} worse allowed{note})")
    if worse <= t.value + 1e-12:
        return result("pass", f"{change}: worse by {_fmt(worse)} ({allowed})")
    if cfg.significance is None:
        return result(_violated(t), f"{change}: worse by {_fmt(worse)} ({allowed})")
    if not t.tested:
        return result(_violated(t), f"{change}: worse by {_fmt(worse)} ({allowed}; test = false: "
                                    "no significance test)")
    if not per_segment:
        # Coverage has no per-segment values in a report.
        return result(_violated(t), f"{change}: worse by {_fmt(worse)} ({allowed}; "
                                    f"{t.key} has no per-segment values, so no significance test)")
    if not pairs:
        return result("error", f"{change}: cannot test significance, no segment of the report pairs with "
                               "one of the baseline (different test sets?)")
    if both is None and t.key not in LEXICAL:  # BERTScore: per segment, unless the paired branch made them
        both = _bert_pairs(t.key, pairs)
    if both is not None and not both:
        return result("error", f"{change}: no per-segment BERTScore to test significance on")
    n = len(pairs) if both is None else len(both)
    if n < MIN_PAIRED:
        return result("error", f"{change}: worse by {_fmt(worse)} ({allowed}), but {_too_few(n)}")
    if both is None:
        test = sig.lexical_paired_test(t.key, [bs.hyp for _, bs in pairs], [c.hyp for c, _ in pairs],
                                       _streams(pairs), method=cfg.method, n_samples=cfg.n_samples, seed=cfg.seed)
    else:
        test = sig.paired_segment_test(t.key, [y for _, y in both], [x for x, _ in both],
                                       method=cfg.method, n_samples=cfg.n_samples, seed=cfg.seed)
    paired = n
    p = test.p_value
    tested_on = f"({cfg.method}, {n} paired segments)"
    if (test.baseline - test.system) * METRICS[t.key] <= 1e-12:
        # two-sided p: a small one on a change for the better is no regression
        return result("pass", f"{change}: worse by {_fmt(worse)}, but not worse on the {n} paired segments "
                              f"({t.key} {_fmt(test.system)} vs {_fmt(test.baseline)}), p={p:.4f} {tested_on}", p)
    if p < cfg.significance:
        return result(_violated(t), f"{change}: worse by {_fmt(worse)} ({allowed}), "
                                    f"significant: p={p:.4f} < {cfg.significance} {tested_on}", p)
    return result("pass", f"{change}: worse by {_fmt(worse)}, but not significant: p={p:.4f} >= "
                          f"{cfg.significance} {tested_on}", p)


def _check_increase(t: Threshold, cfg: BaselineConfig, cur: _Subject, base: _Subject,
                    label: str) -> ThresholdResult:
    from .metrics import significance as sig

    paired: int | None = None
    pairing = _pair_segments(cur, base)
    pairs = pairing.pairs
    n, b = count_findings(cur.findings, t.key), count_findings(base.findings, t.key)

    def result(status: str, message: str, p: float | None = None) -> ThresholdResult:
        return ThresholdResult(label + t.name, t.kind, t.key, status, t.critical, n, t.value, message,
                               cur.name, baseline=b, p_value=p, paired_segments=paired)

    head = f"{findings_phrase(n, t.key)} vs {b} in the baseline"
    unpaired = 0  # the report's findings outside the lines it shares with the baseline: new, untestable
    if not pairing.full and pairs and cur.line_aligned:
        # Test sets over other lines: the baseline counts on the lines both have; every finding of the
        # report counts (one on a line the baseline lacks, or on no line, is a new one).
        whole = f"whole reports: {n} vs {b}"
        unpaired = n - sum(count_findings(c.findings, t.key) for c, _ in pairs)
        b = sum(count_findings(bs.findings, t.key) for _, bs in pairs)
        paired = len(pairs)
        head = (f"{findings_phrase(n, t.key)} vs {b} in the baseline on the lines both have ({pairing.describe()}; "
                f"{unpaired} of the report's on lines the baseline lacks; {whole})")
    elif not pairing.full:
        head += f" (whole reports, aligned differently: {pairing.describe()})"
    rise = n - b
    if rise <= t.value:
        return result("pass", f"{head} (at most {int(t.value)} more allowed)")
    if cfg.significance is None:
        return result(_violated(t), f"{head}: {rise} more (at most {int(t.value)} more allowed)")
    if not t.tested:
        why = "test = false" if t.test is False else "a limit of 0 is a hard rule"
        return result(_violated(t), f"{head}: {rise} more (at most {int(t.value)} more allowed; {why}: "
                                    "no significance test)")
    if not pairs:
        return result("error", f"{head}: cannot test significance, no segment pairs with the baseline")
    if unpaired > t.value:
        return result(_violated(t), f"{head}: {rise} more (at most {int(t.value)} more allowed), {unpaired} of "
                                    "them on lines the baseline lacks, where no test can weigh them")
    if len(pairs) < MIN_PAIRED:
        return result("error", f"{head}: {rise} more (at most {int(t.value)} more allowed), but "
                               f"{_too_few(len(pairs))}")
    test = sig.paired_segment_test(f"findings.{t.key}", [count_findings(bs.findings, t.key) for _, bs in pairs],
                                   [count_findings(c.findings, t.key) for c, _ in pairs],
                                   method=cfg.method, n_samples=cfg.n_samples, seed=cfg.seed)
    paired = len(pairs)
    p = test.p_value
    if test.system - test.baseline <= 1e-12:
        return result("pass", f"{head}: {rise} more, but not more on the {paired} paired segments, p={p:.4f}", p)
    if p < cfg.significance:
        return result(_violated(t), f"{head}: {rise} more (at most {int(t.value)} more allowed), significant: "
                                    f"p={p:.4f} < {cfg.significance}", p)
    return result("pass", f"{head}: {rise} more, but not significant: p={p:.4f} >= {cfg.significance}", p)


def _baseline_subject(cfg: BaselineConfig, source: Mapping[str, Any], cur_name: str | None,
                      where: str) -> _Subject:
    kind = report_kind(source)
    if kind == "compare":
        if cfg.system:
            raise InputError(f"gate.baseline.system = {cfg.system!r}, but {where} is a compare report "
                             "(it has no systems)")
        return _compare_subject(source)
    names = list(source["systems"])
    if cfg.system:
        if cfg.system not in names:
            raise InputError(f"gate.baseline.system = {cfg.system!r} is not a system of {where} "
                             f"(it has {', '.join(names) or 'none'})")
        return _score_subject(source, cfg.system)
    if cur_name in names:
        return _score_subject(source, cur_name)  # type: ignore[arg-type]
    if len(names) == 1:
        return _score_subject(source, names[0])
    raise InputError(f"{where} has systems {', '.join(names)}: set gate.baseline.system to choose one")


def _describe_kind(report: Mapping[str, Any]) -> str:
    if report_kind(report) == "score":
        names = ", ".join(str(n) for n in report["systems"]) or "none"
        return f"`score` report (a line-aligned test set, systems: {names})"
    return "`compare` report (one document pair)"


def _check_same_kind(report: Mapping[str, Any], baseline: Mapping[str, Any], where: str) -> None:
    """A baseline of the other kind pairs no segment and compares unrelated scores: say so up front."""
    if report_kind(report) != report_kind(baseline):
        raise InputError(f"the baseline is a {_describe_kind(baseline)}, from {where}; this is a "
                         f"{_describe_kind(report)}: gate a report against a baseline of the same kind "
                         f"(`evaluator {report_kind(report)}` on the baseline's inputs)")


def check_gate_for_run(config: GateConfig, kind: str,
                       systems: Sequence[str] | None = None) -> dict[str, Any] | None:
    """Refuse (``InputError``, exit 2) before any scoring a gate that cannot apply to the run about to
    make a ``kind`` report ("compare" or "score", its ``systems`` where known): systems named that the
    run has not, a baseline report of the other kind or without the named system.  The same errors
    ``evaluate_gate`` would raise only after the work.

    Returns the baseline report read from ``gate.baseline.path`` (None without one): the caller hands
    it to ``evaluate_gate`` (``baseline_report``, ``baseline_name``) so that the file is read once."""
    where = config.path or "the gate config"
    if config.systems is not None:
        if kind == "compare":
            raise InputError(f"{where}: gate.systems names systems, but `compare` makes a report of one document "
                             "pair, without systems (gate.systems is for `score`)")
        if systems is not None:
            unknown = [n for n in config.systems if n not in systems]
            if unknown:
                raise InputError(f"{where}: gate.systems names {', '.join(unknown)}, but the run's systems are "
                                 f"{', '.join(systems)}")
    base = config.baseline
    if base is None:
        return None
    if base.path is None:
        if kind == "compare":
            raise InputError(f"{where}: gate.baseline.system without a path needs a score report with that "
                             "system; `compare` has no systems (give gate.baseline.path)")
        if systems is not None and base.system not in systems:
            raise InputError(f"{where}: gate.baseline.system = {base.system!r} is not a system of this run "
                             f"(it has {', '.join(systems)})")
        return None
    source = load_report(base.path)
    if report_kind(source) != kind:
        raise InputError(f"the baseline is a {_describe_kind(source)}, from {base.path}; this run makes a "
                         f"`{kind}` report: gate a report against a baseline of the same kind "
                         f"(`evaluator {kind}` on the baseline's inputs)")
    if kind == "compare" and base.system:
        raise InputError(f"gate.baseline.system = {base.system!r}, but {base.path} is a compare report "
                         "(it has no systems)")
    if kind == "score" and base.system and base.system not in source["systems"]:
        raise InputError(f"gate.baseline.system = {base.system!r} is not a system of {base.path} "
                         f"(it has {', '.join(source['systems']) or 'none'})")
    return source


def evaluate_gate(report: dict[str, Any], config: GateConfig, *, waivers: Sequence[Any] = (),
                  today: _dt.date | None = None, baseline_report: Mapping[str, Any] | None = None,
                  baseline_name: str | None = None) -> dict[str, Any]:
    """Apply waivers (marking findings in ``report`` in place) and every threshold; return the gate dict.

    ``baseline_report`` overrides reading ``config.baseline.path`` (it is not modified);
    ``baseline_name`` is where it came from, for messages and ``gate.baseline.source`` (default "the
    baseline report").  The result is what ``report["gate"]`` holds: status, results, findings counts
    per subject, waivers, baseline.
    """
    today = today or _dt.date.today()
    subjects = subjects_of(report)
    waivers = list(waivers or [])
    expired = [w for w in waivers if w.is_expired(today)]
    if expired:
        log.warning("%d expired waiver(s): %s", len(expired), "; ".join(w.label for w in expired))
    # Always, even with no waivers: this run decides what is waived, not marks an earlier gate left in
    # the report (re-gating a gated report without its waiver file let a waived critical finding pass).
    _mark_waived(subjects, waivers, today)
    applied = sum(1 for subj in subjects for f in subj.findings if f.get("waived"))
    used = {f["waived"]["waiver"] for subj in subjects for f in subj.findings if isinstance(f.get("waived"), dict)}
    # a live waiver that matched nothing: its finding is gone, or the waiver has a typo (check, code, text)
    unused = [w for w in waivers if not w.is_expired(today) and w.label not in used]
    if unused:
        log.warning("%d waiver(s) matched no finding: %s", len(unused), "; ".join(w.label for w in unused))

    results: list[ThresholdResult] = []
    for w in expired:
        results.append(ThresholdResult(
            f"waiver.{w.id or f'{w.check}/{w.code}'}", "waiver", w.id or w.label, "fail", True, None, None,
            f"{w.label} expired on {w.expires.isoformat()} (reason was: {w.reason}); renew or delete it"))

    base_cfg = config.baseline
    source: Mapping[str, Any] | None = None
    source_name = "this report"
    if base_cfg is not None:
        if baseline_report is not None:
            source, source_name = baseline_report, baseline_name or "the baseline report"
        elif base_cfg.path:
            source, source_name = load_report(base_cfg.path), base_cfg.path
        else:
            source = report
            if report_kind(report) != "score":
                raise InputError("gate.baseline.system without a path needs a score report with that system")
        if source is not report:
            _check_same_kind(report, source, source_name)
            # The same waivers on both sides: a waived finding the baseline also has must not count there
            # when it no longer counts here (a new critical finding would hide behind it: 1 vs 1).
            import copy

            source = copy.deepcopy(source)
            _mark_waived(subjects_of(source), waivers, today)

    names = [s.name for s in subjects]
    if config.systems is not None:
        unknown = [n for n in config.systems if n not in names]
        if unknown:
            raise InputError(f"gate.systems names {', '.join(unknown)}, but the report has "
                             f"{', '.join(str(n) for n in names)}")
        gated = [s for s in subjects if s.name in config.systems]
    elif base_cfg is not None and source is report and base_cfg.system:
        gated = [s for s in subjects if s.name != base_cfg.system]
    else:
        gated = subjects
    multi = len(gated) > 1

    for subj in gated:
        label = f"{subj.name}: " if multi and subj.name else ""
        for t in config.thresholds:
            results.append(_check_threshold(t, subj, label))
        if base_cfg is not None and source is not None:
            base = _baseline_subject(base_cfg, source, subj.name, source_name)
            for t in base_cfg.max_drop:
                results.append(_check_drop(t, base_cfg, subj, base, label))
            for t in base_cfg.max_increase:
                results.append(_check_increase(t, base_cfg, subj, base, label))

    status = max((r.status for r in results), key=STATUS_ORDER.__getitem__, default="pass")
    counts = {s: sum(1 for r in results if r.status == s) for s in STATUS_ORDER}
    return {
        "status": status,
        "config": config.path,
        "results": [r.to_dict() for r in sort_results(results)],
        "counts": counts,
        "findings": {str(s.name or "report"): findings_summary(s.findings) for s in gated},
        "waivers": {"applied": applied, "expired": [w.label for w in expired],
                    "unused": [w.label for w in unused]},
        "baseline": ({"source": source_name, "system": base_cfg.system, "significance": base_cfg.significance,
                      "method": base_cfg.method, "samples": base_cfg.n_samples, "seed": base_cfg.seed}
                     if base_cfg is not None else None),
        "date": today.isoformat(),
    }


def exit_code(status: str) -> int:
    """0 for pass and warn, 1 for fail, 2 for error."""
    return EXIT_CODES[status]
