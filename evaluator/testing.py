"""pytest plugin (entry point ``evaluator``): ``assert_quality`` for a model's own test suite.

    from evaluator.testing import assert_quality

    def test_translations(evaluator_resources):
        assert_quality(model.translate(SOURCES), REFERENCES, min_chrf=55, min_bertscore_f1=0.9,
                       max_findings={"critical": 0}, resources=evaluator_resources)

A failed threshold raises ``evaluator.errors.GateFailure`` (an ``AssertionError``, so pytest shows it
as a test failure) whose message lists the failed thresholds, the scores and the worst findings.
The ``evaluator_resources`` fixture loads the models once per test session.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .errors import GateFailure, InputError

__all__ = ["assert_quality", "GateFailure"]

_SEVERITY_RANK = {"critical": 0, "major": 1, "minor": 2, "info": 3}


def _lines(value: str | Sequence[str], what: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    lines = list(value)
    if not all(isinstance(x, str) for x in lines):
        raise InputError(f"assert_quality: {what} must be a string or a list of strings")
    return lines


def assert_quality(hyp: str | Sequence[str], ref: str | Sequence[str], *, min_bleu: float | None = None,
                   min_chrf: float | None = None, min_chrf_pp: float | None = None,
                   max_ter: float | None = None, min_bertscore_f1: float | None = None,
                   max_findings: Mapping[str, int] | None = None, resources: Any = None,
                   options: Any = None) -> dict[str, Any]:
    """Score ``hyp`` against ``ref`` (line i with line i) and raise ``GateFailure`` below a threshold.

    ``max_findings`` maps a severity (critical, major, minor, info), a check name or "total" to the
    most findings allowed.  Returns the score report (``evaluator score``'s JSON form, with "gate").
    """
    from .gate import evaluate_gate, parse_gate_config
    from .testsets import score_systems

    hyps, refs = _lines(hyp, "hyp"), _lines(ref, "ref")
    if len(hyps) != len(refs):
        raise InputError(f"assert_quality: {len(hyps)} hypotheses but {len(refs)} references")
    if not hyps:
        raise InputError("assert_quality: nothing to score")
    floors = {"bleu": min_bleu, "chrf": min_chrf, "chrf++": min_chrf_pp, "bertscore_f1": min_bertscore_f1}
    gate: dict[str, Any] = {
        "min": {k: v for k, v in floors.items() if v is not None},
        "max": {"ter": max_ter} if max_ter is not None else {},
        "max_findings": dict(max_findings or {}),
    }
    config = parse_gate_config({"gate": gate}, path="assert_quality")
    data, _ = score_systems([refs], {"hyp": hyps}, options=options, resources=resources)
    result = evaluate_gate(data, config)
    data["gate"] = result
    if result["status"] in ("fail", "error"):
        raise GateFailure(failure_message(data))
    return data


def failure_message(data: Mapping[str, Any], *, worst: int = 5) -> str:
    """The text a failed ``assert_quality`` shows: thresholds, scores, the worst findings."""
    from .cli.common import LEXICAL_LABELS, metric_text, one_line

    gate = data["gate"]
    bad = [r for r in gate["results"] if r["status"] != "pass"]
    lines = [f"quality gate {gate['status']}: {len(bad)} of {len(gate['results'])} thresholds not met"]
    for r in bad:
        lines.append(f"  {r['status'].upper()} {one_line(r['name'])}: {one_line(r['message'])}")
    (name, s), = data["systems"].items()
    scores = [f"{label} {metric_text(s.get(key), '.2f')}" for key, label in LEXICAL_LABELS]
    if s.get("bertscore"):
        scores.append(f"BERTScore F1 {s['bertscore']['f1']:.4f}")
    lines.append("scores: " + "  ".join(scores) + f"  ({len(data['segments'])} segments)")
    found = [(seg["index"], f) for seg in data["segments"] for f in seg["systems"][name]["findings"]
             if not f.get("waived")]
    found.sort(key=lambda x: (_SEVERITY_RANK.get(x[1]["severity"], 9), x[0]))
    if found:
        lines.append(f"worst findings ({min(worst, len(found))} of {len(found)}):")
        for index, f in found[:worst]:
            lines.append(f"  [{f['severity']}] line {index + 1} {f['check']}/{f['code']}: {f['message']}")
            for side in ("original", "rewritten"):
                if f.get(side):
                    lines.append(f"      {side}: {f[side]['text']!r}")
    else:
        lines.append("no findings")
    return "\n".join(lines)


try:
    import pytest
except ImportError:  # pragma: no cover - the module is usable without pytest, the fixture is not
    pytest = None  # type: ignore[assignment]

if pytest is not None:

    @pytest.fixture(scope="session")
    def evaluator_resources() -> Any:
        """The encoder, parser and reference sets, loaded once per test session (offline)."""
        from .pipeline import load_resources

        return load_resources()
