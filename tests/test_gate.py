"""The gate on report dicts: config parsing, every threshold kind, baselines with significance, exit codes.

No model here: reports are built from texts whose answer is known (sacrebleu computes their scores).
"""
from __future__ import annotations

import copy
import datetime as dt
import json
import os
import random
import sys
from pathlib import Path
from typing import Any

import pytest

from evaluator.cli import main
from evaluator.errors import ConfigError, InputError
from evaluator.gate import evaluate_gate, exit_code, load_gate_config, parse_gate_config

_ADJ = ["quiet", "large", "northern", "ancient", "busy", "narrow", "famous", "modern", "small", "eastern"]
_NOUN = ["council", "river", "museum", "bridge", "market", "station", "village", "harbour", "library", "factory"]
_VERB = ["approved", "closed", "opened", "rebuilt", "inspected", "expanded", "sold", "renamed", "visited", "moved"]
_OBJ = ["the old road", "a new plan", "the main hall", "its budget", "two schools", "the west gate",
        "a public park", "the city archive", "the night train", "a cargo ship"]


def sentences(n: int, seed: int = 7) -> list[str]:
    """Distinct, ordinary English sentences (deterministic)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        out.append(f"In {1950 + i}, the {rng.choice(_ADJ)} {rng.choice(_NOUN)} {rng.choice(_VERB)} "
                   f"{rng.choice(_OBJ)} after {rng.randint(2, 40)} weeks of talks.")
    return out


def damage(text: str) -> str:
    """A clearly worse translation: drop every other word."""
    return " ".join(text.split()[::2])


def finding(check: str = "numbers", code: str = "number-changed", severity: str = "critical",
            original: str = "300", rewritten: str = "500") -> dict[str, Any]:
    return {"check": check, "code": code, "severity": severity, "message": f"{original} became {rewritten}",
            "original": {"start": 0, "end": len(original), "text": original},
            "rewritten": {"start": 0, "end": len(rewritten), "text": rewritten}}


def make_score_report(refs: list[str], systems: dict[str, list[str]], *,
                      bert: dict[str, list[float]] | None = None,
                      findings: dict[str, dict[int, list[dict[str, Any]]]] | None = None,
                      extra_refs: list[list[str]] | None = None) -> dict[str, Any]:
    """A score report dict as ``evaluator score`` writes it, with sacrebleu's corpus scores."""
    from sacrebleu.metrics import BLEU, CHRF, TER

    metrics = {"bleu": BLEU(), "chrf": CHRF(), "chrf++": CHRF(word_order=2), "ter": TER()}
    streams = [refs] + (extra_refs or [])
    bert = bert or {}
    findings = findings or {}
    segments = []
    for i, ref in enumerate(refs):
        row: dict[str, Any] = {"index": i, "ref": ref, "systems": {}}
        if extra_refs:
            row["extra_refs"] = [r[i] for r in extra_refs]
        for name, hyps in systems.items():
            row["systems"][name] = {"hyp": hyps[i], "bertscore_f1": bert[name][i] if name in bert else None,
                                    "findings": copy.deepcopy(findings.get(name, {}).get(i, []))}
        segments.append(row)
    out_systems = {}
    for name, hyps in systems.items():
        entry: dict[str, Any] = {k: {"score": m.corpus_score(hyps, streams).score} for k, m in metrics.items()}
        if name in bert:
            f1 = sum(bert[name]) / len(bert[name])
            entry["bertscore"] = {"f1": f1, "precision": f1, "recall": f1}
        entry["coverage"] = sum(1 for h in hyps if h.strip()) / len(hyps)
        out_systems[name] = entry
    return {"kind": "score", "systems": out_systems, "segments": segments, "meta": {}}


def make_compare_report(original: list[str], rewritten: list[str | None], *, bleu: float = 40.0,
                        chrf: float = 60.0, findings: list[dict[str, Any]] | None = None,
                        bert_f1: list[float] | None = None) -> dict[str, Any]:
    """A compare report dict: sentence i of the original aligned with rewritten[i] (None: omitted)."""
    def doc(sents: list[str]) -> dict[str, Any]:
        text, out, pos = "", [], 0
        for i, s in enumerate(sents):
            if text:
                text += " "
                pos += 1
            out.append({"index": i, "start": pos, "end": pos + len(s), "paragraph": 0})
            text += s
            pos += len(s)
        return {"text": text, "sentences": out}

    kept = [r for r in rewritten if r is not None]
    alignment, pairs, j = [], [], 0
    for i, r in enumerate(rewritten):
        if r is None:
            alignment.append({"original": [i], "rewritten": []})
        else:
            alignment.append({"original": [i], "rewritten": [j]})
            pairs.append({"alignment": i, "bertscore_f1": bert_f1[i] if bert_f1 else None})
            j += 1
    n_o = len(original)
    return {
        "original": doc(original), "rewritten": doc(kept), "alignment": alignment, "pairs": pairs,
        "metrics": {"bleu": {"score": bleu}, "chrf": {"score": chrf}, "chrf++": {"score": chrf - 2},
                    "ter": {"score": 100 - bleu}, "bertscore": {"f1": 0.9, "precision": 0.9, "recall": 0.9}},
        "coverage": {"original": len(kept) / n_o, "rewritten": 1.0},
        "findings": findings or [],
        "summary": {"findings_by_severity": {}},
        "meta": {},
    }


def gate_cfg(toml: str, tmp_path: Path, name: str = "evaluator.toml") -> Any:
    p = tmp_path / name
    p.write_text(toml, encoding="utf-8")
    return load_gate_config(p)


def results_by_name(gate: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in gate["results"]}


# --------------------------------------------------------------------------- config parsing

BAD_CONFIGS = [
    # (toml text, expected line, expected words in the message)
    ("[gate.min]\nchrf = 55.0\nbleu = \n", 3, "invalid TOML"),
    ("[gate.min]\nchrf = 55.0\nchrff = 10\n", 3, "unknown metric gate.min.chrff; did you mean 'chrf'? (known: "),
    ("[gate.max]\nterr = 10\n", 2, "unknown metric gate.max.terr; did you mean 'ter'?"),
    ("[gate.max_findings]\nnumbrs = 1\n", 2, "'numbrs' is neither a severity nor a check; did you mean 'numbers'?"),
    ("[gate.max_findings]\nmajr = 1\n", 2, "did you mean 'major'?"),
    ("[gate]\nmax_finding = { major = 1 }\n", 2, "unknown key gate.max_finding; did you mean 'max_findings'?"),
    ("[gate.baseline]\npath = \"b.json\"\nmax_increase = { critcal = 0 }\n", 3, "did you mean 'critical'?"),
    ("[gate.baseline]\npath = \"b.json\"\nmax_drop = { bertscore_f = 0.1 }\n", 3,
     "unknown metric gate.baseline.max_drop.bertscore_f; did you mean 'bertscore_f1'?"),
    ("[gate]\nthreshold = 3\n", 2, "unknown key gate.threshold"),
    ("[gate.min]\nchrf = \"high\"\n", 2, "must be a number"),
    ("[gate.max_findings]\ncritical = -1\n", 2, "whole number >= 0"),
    ("[gate.max_findings]\nmajor = 1.5\n", 2, "whole number >= 0"),
    ("[gate.max_findings]\nmisspelt_check = 1\n", 2, "neither a severity"),
    ("[gate.min]\nchrf = 1\n\n[gate.min.bleu]\nvalu = 3\n", 5, "unknown key 'valu'"),
    ("[gate.min]\nbleu = { value = 20, critical = \"no\" }\n", 2, "critical must be true or false"),
    ("[gate.baseline]\nmax_drop = { chrf = 0.5 }\n", 1, "needs 'path'"),
    ("[gate.baseline]\npath = \"b.json\"\nsignificance = 5\n", 3, "between 0 and 1"),
    ("[gate.baseline]\npath = \"b.json\"\nmethod = \"t-test\"\n", 3, "bootstrap"),
    ("[gate.baseline]\npath = \"b.json\"\nmax_drop = { chrf = 0.5, berts = 0.1 }\n", 3, "unknown metric"),
    ("[gate.baseline]\npath = \"b.json\"\nmax_drop = { chrf = -1 }\n", 3, ">= 0"),
    ("[gate.min]\nchrf = 10\nbertscore_f1 = 1.5\n", 3, "outside the metric's range (at most 1)"),
    ("[gate.min]\nbleu = -5\n", 2, "outside the metric's range (0 to 100)"),
    ("[gate.max]\nter = -1\n", 2, "(at least 0)"),
    ("[gate.min]\ncoverage = 90\n", 2, "(0 to 1)"),
    ("[other]\nx = 1\n", 1, "unknown key 'other'"),
    ("title = 'no gate'\n", 1, "unknown key 'title'"),
    # a p-value below 0.05 is out of reach with 10 resamples (1/11), or 0.0005 with the default 1000
    ("[gate.baseline]\npath = \"b.json\"\nsignificance = 0.05\nsamples = 10\nmax_drop = { chrf = 1 }\n", 4,
     "gate.baseline.samples = 10 can never reach significance 0.05"),
    ("[gate.baseline]\npath = \"b.json\"\nsignificance = 0.0005\nmax_drop = { chrf = 1 }\n", 3,
     "the default 1000 samples can never reach"),
    # seeds and samples a test would die on (ValueError, MemoryError: exit 3) are config errors
    ("[gate.baseline]\npath = \"b.json\"\nsignificance = 0.05\nseed = -1\n", 4, "seed must be an integer from 0"),
    ("[gate.baseline]\npath = \"b.json\"\nseed = 9223372036854775808\n", 3, "seed must be an integer from 0"),
    ("[gate.baseline]\npath = \"b.json\"\nsamples = 100000000000\n", 3, "samples must be an integer from 10 to"),
    ("[gate.baseline]\npath = \"b.json\"\nsamples = 100001\n", 3, "from 10 to 100,000"),
    ("[gate.baseline]\npath = \"b.json\"\nmax_drop = { chrf = { value = 1, test = 1 } }\nsignificance = 0.05\n",
     3, "test must be true or false"),
    ("[gate.baseline]\npath = \"b.json\"\nmax_increase = { critical = { value = 0, test = true } }\n", 3,
     "test = true needs gate.baseline.significance"),
    ("[gate.min]\nchrf = { value = 50, test = false }\n", 2, "unknown key 'test' (use value and critical)"),
    ("", None, "no [gate] table"),
]


@pytest.mark.parametrize("toml,line,words", BAD_CONFIGS)
def test_malformed_config_names_file_and_line(tmp_path: Path, toml: str, line: int | None, words: str) -> None:
    with pytest.raises(ConfigError) as info:
        gate_cfg(toml, tmp_path)
    assert words in str(info.value)
    where = f"{tmp_path / 'evaluator.toml'}:{line}:" if line else f"{tmp_path / 'evaluator.toml'}:"
    assert str(info.value).startswith(where), str(info.value)


def test_config_forms(tmp_path: Path) -> None:
    cfg = gate_cfg("""
[gate]
systems = ["sysA"]
waivers = "w.toml"
[gate.min]
chrf = 55.0
"chrf++" = 50
bleu = { value = 20.0, critical = false }
[gate.max]
ter = 70
[gate.max_findings]
critical = 0
numbers = 2
total = 9
""", tmp_path)
    got = {(t.name, t.value, t.critical) for t in cfg.thresholds}
    assert got == {("min.chrf", 55.0, True), ("min.chrf++", 50.0, True), ("min.bleu", 20.0, False),
                   ("max.ter", 70.0, True), ("max_findings.critical", 0.0, True),
                   ("max_findings.numbers", 2.0, True), ("max_findings.total", 9.0, True)}
    assert cfg.systems == ("sysA",)
    assert cfg.waivers == str(tmp_path / "w.toml")


def test_pyproject_tool_table(tmp_path: Path) -> None:
    cfg = gate_cfg("""
[project]
name = "x"
[tool.other]
a = 1
[tool.evaluator.gate.min]
chrf = 40
""", tmp_path, name="pyproject.toml")
    assert [t.name for t in cfg.thresholds] == ["min.chrf"]
    with pytest.raises(ConfigError, match=r"pyproject.toml:7: unknown metric gate.min.chrfx"):
        gate_cfg("[project]\nname = 'x'\n\n[tool.evaluator.gate.min]\nchrf = 40\n\nchrfx = 1\n", tmp_path,
                 name="pyproject.toml")
    with pytest.raises(ConfigError, match="no \\[tool.evaluator\\] table"):
        gate_cfg("[project]\nname = 'x'\n", tmp_path, name="pyproject.toml")


def test_baseline_paths_resolve_against_the_config(tmp_path: Path) -> None:
    cfg = gate_cfg('[gate.baseline]\npath = "reports/base.json"\nmax_drop = { chrf = 0.5 }\n', tmp_path)
    assert cfg.baseline is not None and cfg.baseline.path == str(tmp_path / "reports/base.json")
    assert cfg.baseline.n_samples == 1000 and cfg.baseline.method == "bootstrap"


# --------------------------------------------------------------------------- thresholds

REFS = sentences(30)
GOOD = list(REFS)
GOOD[3] = "In 1953, a ancient council approved the old road after 12 weeks of talks."
BAD = [damage(s) for s in REFS]


def score_report() -> dict[str, Any]:
    return make_score_report(REFS, {"good": GOOD, "bad": BAD},
                             bert={"good": [0.95] * 30, "bad": [0.70] * 30},
                             findings={"bad": {1: [finding()], 2: [finding(severity="major", check="omission",
                                                                           code="clause-dropped")]}})


THRESHOLD_CASES = [
    # (gate TOML, system, expected status, value check)
    ("[gate.min]\nchrf = 50\n", "good", "pass", lambda v: v > 90),
    ("[gate.min]\nchrf = 50\n", "bad", "fail", lambda v: v < 50),
    ("[gate.min]\nchrf = { value = 50, critical = false }\n", "bad", "warn", lambda v: v < 50),
    ("[gate.max]\nter = 20\n", "good", "pass", lambda v: v < 20),
    ("[gate.max]\nter = 20\n", "bad", "fail", lambda v: v > 20),
    ("[gate.min]\nbertscore_f1 = 0.9\n", "good", "pass", lambda v: abs(v - 0.95) < 1e-9),
    ("[gate.min]\nbertscore_f1 = 0.9\n", "bad", "fail", lambda v: abs(v - 0.70) < 1e-9),
    ("[gate.min]\ncoverage = 1.0\n", "good", "pass", lambda v: v == 1.0),
    ("[gate.max_findings]\ncritical = 0\n", "good", "pass", lambda v: v == 0),
    ("[gate.max_findings]\ncritical = 0\n", "bad", "fail", lambda v: v == 1),
    ("[gate.max_findings]\ncritical = 1\n", "bad", "pass", lambda v: v == 1),
    ("[gate.max_findings]\nmajor = { value = 0, critical = false }\n", "bad", "warn", lambda v: v == 1),
    ("[gate.max_findings]\nomission = 0\n", "bad", "fail", lambda v: v == 1),
    ("[gate.max_findings]\ntotal = 1\n", "bad", "fail", lambda v: v == 2),
]


@pytest.mark.parametrize("toml,system,status,value_ok", THRESHOLD_CASES)
def test_each_threshold_kind(tmp_path: Path, toml: str, system: str, status: str, value_ok: Any) -> None:
    cfg = gate_cfg(toml + f'[gate]\nsystems = ["{system}"]\n', tmp_path)
    gate = evaluate_gate(score_report(), cfg)
    (result,) = gate["results"]
    assert result["status"] == status, result
    assert value_ok(result["value"]), result
    assert gate["status"] == status
    assert exit_code(gate["status"]) == (1 if status == "fail" else 0)


def test_missing_metric_is_an_error_and_worst_status_wins(tmp_path: Path) -> None:
    report = score_report()
    del report["systems"]["good"]["bertscore"]
    cfg = gate_cfg('[gate]\nsystems = ["good"]\n[gate.min]\nbertscore_f1 = 0.5\nchrf = 99.9\n', tmp_path)
    gate = evaluate_gate(report, cfg)
    by = results_by_name(gate)
    assert by["min.bertscore_f1"]["status"] == "error" and "no bertscore_f1" in by["min.bertscore_f1"]["message"]
    assert by["min.chrf"]["status"] == "fail"
    assert gate["status"] == "error" and exit_code("error") == 2


def test_several_systems_are_gated_and_named(tmp_path: Path) -> None:
    gate = evaluate_gate(score_report(), gate_cfg("[gate.min]\nchrf = 50\n", tmp_path))
    by = results_by_name(gate)
    assert by["good: min.chrf"]["status"] == "pass" and by["good: min.chrf"]["system"] == "good"
    assert by["bad: min.chrf"]["status"] == "fail"
    assert gate["status"] == "fail"
    with pytest.raises(InputError, match="gate.systems names nope"):
        evaluate_gate(score_report(), gate_cfg('[gate]\nsystems = ["nope"]\n', tmp_path))


def test_compare_report_thresholds(tmp_path: Path) -> None:
    report = make_compare_report(["A.", "B.", "C.", "D."], ["A.", None, "C.", "D."], chrf=58.0,
                                 findings=[{**finding(), "alignment": 0}])
    cfg = gate_cfg("[gate.min]\nchrf = 55\ncoverage = 0.9\n[gate.max_findings]\ncritical = 0\n", tmp_path)
    gate = evaluate_gate(report, cfg)
    by = results_by_name(gate)
    assert by["min.chrf"]["status"] == "pass"
    assert by["min.coverage"]["status"] == "fail" and by["min.coverage"]["value"] == 0.75
    assert by["max_findings.critical"]["status"] == "fail"


# --------------------------------------------------------------------------- baselines

N = 120
BASE_REFS = sentences(N, seed=3)
# A decent system, not perfect: every fourth line says "following" for "after", the others "week".
BASE_HYPS = [s.replace("after", "following") if i % 4 == 0 else s.replace("weeks", "week")
             for i, s in enumerate(BASE_REFS)]


def regression() -> list[str]:
    """Half of the lines badly damaged: a real regression."""
    return [damage(h) if i % 2 == 0 else h for i, h in enumerate(BASE_HYPS)]


def noise() -> list[str]:
    """Six lines a little worse, five a little better: a small net drop no paired test calls real."""
    out = list(BASE_HYPS)
    for i in range(1, 61, 10):
        out[i] = out[i].replace("after", "following")
    for i in range(0, 40, 8):
        out[i] = out[i].replace("following", "after")
    return out


BASELINE_CASES = [
    # (current hyps, significance, expected chrF status)
    (regression, 0.05, "fail"),
    (noise, 0.05, "pass"),
    (noise, None, "fail"),  # without a significance test any drop over the limit fails
    (regression, None, "fail"),
]


@pytest.mark.parametrize("method", ["bootstrap", "ar"])
@pytest.mark.parametrize("make,significance,status", BASELINE_CASES)
def test_baseline_drop_with_significance(tmp_path: Path, make: Any, significance: float | None, status: str,
                                         method: str) -> None:
    base = make_score_report(BASE_REFS, {"sys": BASE_HYPS})
    current = make_score_report(BASE_REFS, {"sys": make()})
    sig = f"significance = {significance}\n" if significance else ""
    cfg = gate_cfg(f'[gate.baseline]\npath = "base.json"\nmax_drop = {{ chrf = 0.01, bleu = 0.01 }}\n'
                   f'method = "{method}"\nsamples = 500\n{sig}', tmp_path)
    (tmp_path / "base.json").write_text(json.dumps(base))
    gate = evaluate_gate(current, cfg)
    by = results_by_name(gate)
    assert by["max_drop.chrf"]["status"] == status, by["max_drop.chrf"]
    assert by["max_drop.chrf"]["value"] < by["max_drop.chrf"]["baseline"]
    if significance:
        p = by["max_drop.chrf"]["p_value"]
        assert (p < 0.01) if make is regression else (p > 0.2), p


def test_baseline_drop_within_limit_passes(tmp_path: Path) -> None:
    base = make_score_report(BASE_REFS, {"sys": BASE_HYPS})
    current = make_score_report(BASE_REFS, {"sys": noise()})
    cfg = gate_cfg('[gate.baseline]\npath = "b.json"\nmax_drop = { chrf = 2.0, ter = 2.0 }\n', tmp_path)
    gate = evaluate_gate(current, cfg, baseline_report=base)
    assert [r["status"] for r in gate["results"]] == ["pass", "pass"]


def test_bertscore_drop_uses_paired_bootstrap(tmp_path: Path) -> None:
    rng = random.Random(1)
    base_f1 = [0.9 + rng.uniform(-0.03, 0.03) for _ in range(N)]
    shifted = [x - 0.02 for x in base_f1]  # every segment worse: real
    jitter = [x + (0.004 if i % 2 else -0.004) + (-0.001 if i == 0 else 0) for i, x in enumerate(base_f1)]
    cfg = gate_cfg('[gate.baseline]\npath = "b.json"\nmax_drop = { bertscore_f1 = 0.0 }\nsignificance = 0.05\n',
                   tmp_path)
    base = make_score_report(BASE_REFS, {"s": BASE_HYPS}, bert={"s": base_f1})
    for f1, status in ((shifted, "fail"), (jitter, "pass")):
        current = make_score_report(BASE_REFS, {"s": BASE_HYPS}, bert={"s": f1})
        (r,) = evaluate_gate(current, cfg, baseline_report=base)["results"]
        assert r["status"] == status, r


def test_findings_increase_significance(tmp_path: Path) -> None:
    base = make_score_report(BASE_REFS, {"s": BASE_HYPS}, findings={"s": {0: [finding()]}})
    many = {"s": {i: [finding()] for i in range(0, N, 3)}}  # 40 critical findings instead of 1
    two = {"s": {0: [finding()], 7: [finding()]}}  # one more: noise
    cfg = gate_cfg('[gate.baseline]\npath = "b.json"\nmax_increase = { critical = { value = 0, test = true } }\n'
                   'significance = 0.05\n', tmp_path)
    for found, status, value in ((many, "fail", 40), (two, "pass", 2)):
        current = make_score_report(BASE_REFS, {"s": BASE_HYPS}, findings=found)
        (r,) = evaluate_gate(current, cfg, baseline_report=base)["results"]
        assert (r["status"], r["value"], r["baseline"]) == (status, value, 1), r
        assert r["paired_segments"] == N


def test_an_empty_systems_list_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="gate.systems is empty"):
        gate_cfg('[gate]\nsystems = []\n[gate.min]\nchrf = 50\n', tmp_path)


def test_waivers_apply_to_an_external_baseline_too(tmp_path: Path) -> None:
    """A finding waived here is waived in the baseline file as well: a new critical finding cannot hide
    behind a waived one that the baseline still counts (it was "1 vs 1: pass")."""
    from evaluator.waivers import Waiver

    accepted = finding(original="Hui Ching-yu", rewritten="Hui Ching")
    base = make_score_report(BASE_REFS, {"s": BASE_HYPS}, findings={"s": {0: [accepted]}})
    current = make_score_report(BASE_REFS, {"s": BASE_HYPS},
                                findings={"s": {0: [copy.deepcopy(accepted)], 5: [finding()]}})
    waiver = Waiver(check="numbers", code="number-changed", reason="a known name variant",
                    expires=dt.date(2099, 1, 1), original="Hui Ching-yu", rewritten="Hui Ching")
    cfg = gate_cfg('[gate.baseline]\npath = "b.json"\nmax_increase = { critical = 0 }\n', tmp_path)
    kept = copy.deepcopy(base)
    (r,) = evaluate_gate(current, cfg, waivers=[waiver], baseline_report=base)["results"]
    assert (r["status"], r["value"], r["baseline"]) == ("fail", 1, 0), r
    assert base == kept  # the caller's baseline is not marked
    (r,) = evaluate_gate(make_score_report(BASE_REFS, {"s": BASE_HYPS}, findings={"s": {0: [accepted]}}), cfg,
                         waivers=[waiver], baseline_report=base)["results"]
    assert (r["status"], r["value"], r["baseline"]) == ("pass", 0, 0), r


def test_a_regate_without_the_waivers_counts_what_an_earlier_gate_waived(tmp_path: Path) -> None:
    """Waived marks an earlier gate left in a report do not outlive its waiver file: gating the gated
    report again with no waivers (or an empty file) counts the finding (a waived critical passed)."""
    from evaluator.waivers import Waiver

    accepted = finding(original="Hui Ching-yu", rewritten="Hui Ching")
    report = make_score_report(BASE_REFS, {"s": BASE_HYPS}, findings={"s": {0: [accepted]}})
    waiver = Waiver(check="numbers", code="number-changed", reason="a known name variant",
                    expires=dt.date(2099, 1, 1), original="Hui Ching-yu", rewritten="Hui Ching")
    cfg = gate_cfg("[gate.max_findings]\ncritical = 0\n", tmp_path)
    assert evaluate_gate(report, cfg, waivers=[waiver])["status"] == "pass"
    assert any(f.get("waived") for seg in report["segments"] for f in seg["systems"]["s"]["findings"])
    for waivers in (None, []):
        gate = evaluate_gate(report, cfg, waivers=waivers)
        assert gate["status"] == "fail" and gate["waivers"]["applied"] == 0
        assert not any(f.get("waived") for seg in report["segments"] for f in seg["systems"]["s"]["findings"])


def test_baseline_system_in_the_same_report(tmp_path: Path) -> None:
    report = make_score_report(BASE_REFS, {"old": BASE_HYPS, "new": regression(), "same": noise()})
    cfg = gate_cfg('[gate.baseline]\nsystem = "old"\nmax_drop = { chrf = 0.01 }\nsignificance = 0.05\n', tmp_path)
    gate = evaluate_gate(report, cfg)
    by = results_by_name(gate)
    assert set(by) == {"new: max_drop.chrf", "same: max_drop.chrf"}  # the baseline is not gated itself
    assert by["new: max_drop.chrf"]["status"] == "fail"
    assert by["same: max_drop.chrf"]["status"] == "pass"
    with pytest.raises(InputError, match="not a system"):
        evaluate_gate(report, gate_cfg('[gate.baseline]\nsystem = "gone"\nmax_drop = { chrf = 1 }\n', tmp_path))


def test_compare_baseline_pairs_by_original_text(tmp_path: Path) -> None:
    original = sentences(60, seed=11)
    base = make_compare_report(original, [damage(s) if i < 3 else s for i, s in enumerate(original)], chrf=90.0)
    # The current rewrite dropped a sentence (the alignment shifts), and damaged 40 others.
    cur_rw: list[str | None] = [damage(s) if i % 3 else s for i, s in enumerate(original)]
    cur_rw[1] = None
    current = make_compare_report(original, cur_rw, chrf=70.0)
    cfg = gate_cfg('[gate.baseline]\npath = "b.json"\nmax_drop = { chrf = 1.0 }\nsignificance = 0.05\n', tmp_path)
    (r,) = evaluate_gate(current, cfg, baseline_report=base)["results"]
    assert r["status"] == "fail" and r["p_value"] < 0.01 and "60 paired segments" in r["message"], r


def test_baseline_on_another_test_set_is_an_error(tmp_path: Path) -> None:
    base = make_score_report(sentences(20, seed=1), {"s": sentences(20, seed=1)})
    current = make_score_report(sentences(20, seed=2), {"s": [damage(s) for s in sentences(20, seed=2)]})
    cfg = gate_cfg('[gate.baseline]\npath = "b.json"\nmax_drop = { chrf = 1 }\nsignificance = 0.05\n', tmp_path)
    (r,) = evaluate_gate(current, cfg, baseline_report=base)["results"]
    assert r["status"] == "error" and "different test sets" in r["message"]


# --------------------------------------------------------------------------- CLI exit codes

def test_gate_command_exit_codes(tmp_path: Path, capsys: Any) -> None:
    report = tmp_path / "report.json"
    report.write_text(json.dumps(score_report()), encoding="utf-8")
    passing = tmp_path / "pass.toml"
    passing.write_text('[gate]\nsystems = ["good"]\n[gate.min]\nchrf = 50\n', encoding="utf-8")
    warning = tmp_path / "warn.toml"
    warning.write_text('[gate]\nsystems = ["bad"]\n[gate.min]\nchrf = { value = 50, critical = false }\n')
    failing = tmp_path / "fail.toml"
    failing.write_text("[gate.min]\nchrf = 50\n", encoding="utf-8")
    broken = tmp_path / "broken.toml"
    broken.write_text("[gate.min]\nchrf = 50\nbleu = = 3\n", encoding="utf-8")

    assert main(["gate", str(passing), str(report)]) == 0
    assert "gate: PASS" in capsys.readouterr().out
    assert main(["gate", str(warning), str(report)]) == 0
    assert "gate: WARN" in capsys.readouterr().out
    out_json = tmp_path / "gated.json"
    assert main(["gate", str(failing), str(report), "--json", str(out_json)]) == 1
    captured = capsys.readouterr()
    assert "gate: FAIL" in captured.out and "bad: min.chrf" in captured.err
    assert f"wrote {out_json}" in captured.out
    assert json.loads(out_json.read_text())["gate"]["status"] == "fail"
    # --json - prints the gated report (it wrote a file named "-"); the table goes to stderr
    monkey_cwd = tmp_path / "cwd"
    monkey_cwd.mkdir()
    old_cwd = os.getcwd()
    os.chdir(monkey_cwd)
    try:
        assert main(["gate", str(failing), str(report), "--json", "-"]) == 1
    finally:
        os.chdir(old_cwd)
    captured = capsys.readouterr()
    assert json.loads(captured.out)["gate"]["status"] == "fail" and "gate: FAIL" in captured.err
    assert not any(monkey_cwd.iterdir())
    assert main(["gate", str(broken), str(report)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"evaluator: error: {broken}:3: invalid TOML") and err.count("\n") == 1
    assert main(["gate", str(passing), str(tmp_path / "missing.json")]) == 2
    assert "report not found" in capsys.readouterr().err
    (tmp_path / "junk.json").write_text('{"hello": 1}')
    assert main(["gate", str(passing), str(tmp_path / "junk.json")]) == 2
    assert "not an evaluator report" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:  # argparse's usage errors exit through SystemExit
        main(["gate", str(passing)])
    assert usage.value.code == 2


def test_gate_command_today_and_outputs(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    report.write_text(json.dumps(score_report()), encoding="utf-8")
    cfg = tmp_path / "g.toml"
    cfg.write_text('[gate]\nsystems = ["bad"]\nwaivers = "w.toml"\n[gate.max_findings]\ncritical = 0\n')
    (tmp_path / "w.toml").write_text('[[waiver]]\ncheck = "numbers"\ncode = "number-changed"\noriginal = "300"\n'
                                     'reason = "known"\nexpires = 2030-01-01\n')
    junit, md, gated = tmp_path / "g.xml", tmp_path / "g.md", tmp_path / "gated.json"
    args = ["gate", str(cfg), str(report), "--junit", str(junit), "--markdown", str(md), "--json", str(gated)]
    assert main([*args, "--today", "2029-12-31"]) == 0
    assert "1 waived" in md.read_text()
    assert main([*args, "--today", "2030-01-02"]) == 1  # the waiver expired
    gate = json.loads(gated.read_text())["gate"]
    assert gate["waivers"]["expired"] and any(r["kind"] == "waiver" for r in gate["results"])
    assert "<failure" in junit.read_text()
    assert dt.date.fromisoformat(gate["date"]) == dt.date(2030, 1, 2)


WAIVER_300 = ('[[waiver]]\ncheck = "numbers"\ncode = "number-changed"\noriginal = "300"\n'
              'reason = "known"\nexpires = 2099-01-01\n')


def _reads_of(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[str]:
    """The paths ``module.name`` (a file reader) is called with in this test; the model work is stubbed
    out (no model loads)."""
    import evaluator.pipeline

    monkeypatch.setattr(evaluator.pipeline, "load_resources", lambda options: None)
    reads: list[str] = []
    real = getattr(module, name)

    def counting(path: Any) -> Any:
        reads.append(str(path))
        return real(path)

    monkeypatch.setattr(module, name, counting)
    return reads


@pytest.fixture
def waiver_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths ``load_waivers`` reads in this test."""
    import evaluator.waivers

    return _reads_of(monkeypatch, evaluator.waivers, "load_waivers")


def test_score_parses_its_waiver_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           waiver_reads: list[str]) -> None:
    """``score --gate --waivers``: the file is read once, before any model work, and the gate uses those
    waivers (the scoring is stubbed: its report is the known score report)."""
    import evaluator.testsets

    monkeypatch.setattr(evaluator.testsets, "score_systems", lambda *a, **k: (score_report(), None))
    (tmp_path / "ref.txt").write_text("\n".join(REFS) + "\n", encoding="utf-8")
    for name, lines in (("good", GOOD), ("bad", BAD)):
        (tmp_path / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    cfg = tmp_path / "g.toml"
    cfg.write_text('[gate]\nsystems = ["bad"]\n[gate.max_findings]\ncritical = 0\n', encoding="utf-8")
    waivers = tmp_path / "w.toml"
    waivers.write_text(WAIVER_300, encoding="utf-8")
    out = tmp_path / "s.json"
    code = main(["score", "--ref", str(tmp_path / "ref.txt"), "--hyp", f"good={tmp_path / 'good.txt'}",
                 "--hyp", f"bad={tmp_path / 'bad.txt'}", "--gate", str(cfg), "--waivers", str(waivers),
                 "--json", str(out), "--quiet"])
    assert code == 0
    assert waiver_reads == [str(waivers)]
    gate = json.loads(out.read_text(encoding="utf-8"))["gate"]
    assert gate["waivers"]["applied"] == 1 and gate["waivers"]["path"] == str(waivers)


def test_compare_parses_its_waiver_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             waiver_reads: list[str]) -> None:
    """``compare --gate --waivers``: likewise (the comparison is stubbed: a known compare report)."""
    import types

    import evaluator.pipeline

    report = make_compare_report(["He paid 300 dollars."], ["He paid 500 dollars."],
                                 findings=[{**finding(), "alignment": 0}])
    monkeypatch.setattr(evaluator.pipeline, "compare_loaded",
                        lambda *a, **k: types.SimpleNamespace(to_dict=lambda: copy.deepcopy(report)))
    (tmp_path / "o.txt").write_text("He paid 300 dollars.\n", encoding="utf-8")
    (tmp_path / "r.txt").write_text("He paid 500 dollars.\n", encoding="utf-8")
    cfg = tmp_path / "g.toml"
    cfg.write_text("[gate.max_findings]\ncritical = 0\n", encoding="utf-8")
    waivers = tmp_path / "w.toml"
    waivers.write_text(WAIVER_300, encoding="utf-8")
    out = tmp_path / "c.json"
    code = main(["compare", str(tmp_path / "o.txt"), str(tmp_path / "r.txt"), "--gate", str(cfg),
                 "--waivers", str(waivers), "--json", str(out), "--no-html", "--quiet"])
    assert code == 0
    assert waiver_reads == [str(waivers)]
    gate = json.loads(out.read_text(encoding="utf-8"))["gate"]
    assert gate["waivers"]["applied"] == 1 and gate["waivers"]["path"] == str(waivers)


@pytest.fixture
def baseline_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths ``gate.load_report`` reads in this test."""
    import evaluator.gate

    return _reads_of(monkeypatch, evaluator.gate, "load_report")


def test_score_reads_its_baseline_report_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              baseline_reads: list[str]) -> None:
    """``score --gate`` with ``gate.baseline.path``: the report is read (and checked) once, before any
    model work, and the gate compares against it, naming its path as the source."""
    import evaluator.testsets

    monkeypatch.setattr(evaluator.testsets, "score_systems", lambda *a, **k: (score_report(), None))
    (tmp_path / "ref.txt").write_text("\n".join(REFS) + "\n", encoding="utf-8")
    for name, lines in (("good", GOOD), ("bad", BAD)):
        (tmp_path / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    base = tmp_path / "b.json"
    base.write_text(json.dumps(make_score_report(REFS, {"bad": GOOD})), encoding="utf-8")
    cfg = tmp_path / "g.toml"
    cfg.write_text('[gate]\nsystems = ["bad"]\n[gate.baseline]\npath = "b.json"\nmax_drop = { chrf = 1 }\n',
                   encoding="utf-8")
    out = tmp_path / "s.json"
    code = main(["score", "--ref", str(tmp_path / "ref.txt"), "--hyp", f"good={tmp_path / 'good.txt'}",
                 "--hyp", f"bad={tmp_path / 'bad.txt'}", "--gate", str(cfg), "--json", str(out), "--quiet"])
    assert code == 1  # bad against its own good baseline: a drop
    assert baseline_reads == [str(base)]
    gate = json.loads(out.read_text(encoding="utf-8"))["gate"]
    assert gate["baseline"]["source"] == str(base)
    assert results_by_name(gate)["max_drop.chrf"]["status"] == "fail"


def test_compare_reads_its_baseline_report_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                baseline_reads: list[str]) -> None:
    """``compare --gate`` with ``gate.baseline.path``: likewise (the comparison is stubbed)."""
    import types

    import evaluator.pipeline

    report = make_compare_report(["He paid 300 dollars."], ["He paid 500 dollars."])
    monkeypatch.setattr(evaluator.pipeline, "compare_loaded",
                        lambda *a, **k: types.SimpleNamespace(to_dict=lambda: copy.deepcopy(report)))
    (tmp_path / "o.txt").write_text("He paid 300 dollars.\n", encoding="utf-8")
    (tmp_path / "r.txt").write_text("He paid 500 dollars.\n", encoding="utf-8")
    base = tmp_path / "b.json"
    base.write_text(json.dumps(report), encoding="utf-8")
    cfg = tmp_path / "g.toml"
    cfg.write_text('[gate.baseline]\npath = "b.json"\nmax_increase = { critical = 0 }\n', encoding="utf-8")
    out = tmp_path / "c.json"
    code = main(["compare", str(tmp_path / "o.txt"), str(tmp_path / "r.txt"), "--gate", str(cfg),
                 "--json", str(out), "--no-html", "--quiet"])
    assert code == 0
    assert baseline_reads == [str(base)]
    gate = json.loads(out.read_text(encoding="utf-8"))["gate"]
    assert gate["baseline"]["source"] == str(base)
    assert results_by_name(gate)["max_increase.critical"]["status"] == "pass"


def test_parse_gate_config_programmatic() -> None:
    cfg = parse_gate_config({"gate": {"min": {"chrf": 10}, "max_findings": {"critical": 0}}})
    assert [t.name for t in cfg.thresholds] == ["min.chrf", "max_findings.critical"]
    with pytest.raises(ConfigError, match="<gate config>: unknown metric"):
        parse_gate_config({"gate": {"min": {"nope": 1}}})


@pytest.mark.slow
def test_gate_on_a_real_compare_report(example_report: Any, tmp_path: Path) -> None:
    """The compare report's schema as the pipeline writes it: metrics, coverage, pairs by original text."""
    data = example_report.to_dict()
    baseline = copy.deepcopy(data)
    n = len(data["findings"])
    cfg = gate_cfg('[gate.min]\nchrf = 1\ncoverage = 0.1\n[gate.max]\nter = 99.9\n'
                   f'[gate.max_findings]\ntotal = {max(n - 1, 0)}\n'
                   '[gate.baseline]\npath = "b.json"\nmax_drop = { chrf = 0.0, bertscore_f1 = 0.0 }\n'
                   'max_increase = { total = 0 }\nsignificance = 0.05\n', tmp_path)
    gate = evaluate_gate(data, cfg, baseline_report=baseline)
    by = results_by_name(gate)
    assert by["min.chrf"]["value"] == pytest.approx(data["metrics"]["chrf"]["score"], abs=1e-6)
    assert by["min.coverage"]["value"] == pytest.approx(min(data["coverage"]["original"],
                                                            data["coverage"]["rewritten"]), abs=1e-6)
    assert by["max_findings.total"]["value"] == n
    assert by["max_findings.total"]["status"] == ("fail" if n else "pass")
    assert {by[k]["status"] for k in ("max_drop.chrf", "max_drop.bertscore_f1", "max_increase.total")} == {"pass"}


@pytest.mark.slow
def test_nothing_aligned_has_no_lexical_score_and_does_not_pass_a_gate(tmp_path: Path, capsys: Any) -> None:
    """A rewrite with nothing comparable (only punctuation) has no BLEU/chrF/TER: null, not 0.0, which
    for TER is the best score and passed ``max.ter``; the console and the HTML say so."""
    from evaluator.pipeline import compare
    from evaluator.render.html import render_html

    data = compare("The minister resigned on Friday. Talks resume next week.", "... !!! ???").to_dict()
    for key in ("bleu", "chrf", "chrf++", "ter"):
        assert data["metrics"][key]["score"] is None and data["metrics"][key]["empty"] is True
        assert data["metrics"][key]["signature"]  # still says how it would have been computed
    cov = data["coverage"]
    assert "nothing to compare" in cov["note"] and not cov["partial_original"] and not cov["partial_rewritten"]
    gate = evaluate_gate(data, gate_cfg("[gate.max]\nter = 45\n[gate.min]\nchrf = 10\n", tmp_path))
    by = results_by_name(gate)
    assert by["max.ter"]["status"] == by["min.chrf"]["status"] == "error" and gate["status"] != "pass"
    assert "nothing was aligned" in by["max.ter"]["message"]
    html = render_html(data)
    assert "nothing aligned to compare" in html and "TER ↓ 0.0" not in html
    from evaluator.cli.compare import print_summary

    print_summary(data, "x", [])
    out = capsys.readouterr().out
    assert "TER —" in out and "BLEU —" in out and "TER 0.0" not in out


def test_a_newline_in_a_system_name_cannot_forge_a_gate_line(capsys: Any) -> None:
    """System names come from file names, which may hold a newline: each result stays one line."""
    from evaluator.cli.gate import print_gate

    forged = "mt\nevaluator: gate pass: mt: min.chrf: all fine"
    print_gate({"status": "fail", "counts": {"pass": 0, "warn": 0, "fail": 1, "error": 0},
                "results": [{"status": "fail", "name": f"{forged}: min.chrf", "message": "chrf 66 is not >= 99"}]})
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and out[1].startswith("  FAIL  mt evaluator: gate pass") and "is not >= 99" in out[1]


# --------------------------------------------------------------------------- order, labels, wording

MIXED = ('[gate.min]\nchrf = 50\nbertscore_f1 = { value = 0.9, critical = false }\nbleu = 1\n'
         '[gate.max_findings]\ncritical = 0\nmajor = { value = 5, critical = false }\n')


def test_results_are_listed_fail_error_warn_pass_in_every_output(tmp_path: Path, capsys: Any) -> None:
    """One order everywhere: the JSON results, the console table, the stderr lines (stable in a status)."""
    from evaluator.cli.gate import print_gate

    report = score_report()
    del report["systems"]["good"]["bertscore"]  # good: min.bertscore_f1 is an error
    gate = evaluate_gate(report, gate_cfg(MIXED, tmp_path))
    statuses = [r["status"] for r in gate["results"]]
    assert statuses == sorted(statuses, key=["fail", "error", "warn", "pass"].index), statuses
    assert {"fail", "error", "warn", "pass"} <= set(statuses)
    fails = [r["name"] for r in gate["results"] if r["status"] == "fail"]
    assert fails == ["bad: min.chrf", "bad: min.bleu", "bad: max_findings.critical"]  # config order in a status
    print_gate(gate)
    table = [line.split()[0] for line in capsys.readouterr().out.splitlines()[1:]]
    assert table == [s.upper() for s in statuses]
    # an older report's results, in config order, are printed in the same order too
    print_gate({**gate, "results": sorted(gate["results"], key=lambda r: r["status"] != "pass")})
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()[1:]] == table


def test_thresholds_are_labelled_blocking_or_warn_only_for_people(tmp_path: Path, capsys: Any) -> None:
    """``critical = false`` reads "warn-only", the default "blocking": "critical" is a finding severity."""
    from evaluator.cli.gate import print_gate

    gate = evaluate_gate(score_report(), gate_cfg(MIXED + '[gate]\nsystems = ["bad"]\n', tmp_path))
    by = results_by_name(gate)
    assert by["min.bertscore_f1"]["critical"] is False and by["min.chrf"]["critical"] is True  # JSON unchanged
    print_gate(gate)
    out = capsys.readouterr().out
    assert "FAIL  max_findings.critical (blocking): 1 critical finding (at most 0 allowed)" in out
    assert "WARN  min.bertscore_f1 (warn-only):" in out
    assert "PASS  max_findings.major (warn-only): 1 major finding (at most 5 allowed)" in out
    assert "[critical]" not in out


@pytest.mark.parametrize("toml,expected", [
    ("[gate.max_findings]\ncritical = 0\n", "1 critical finding (at most 0 allowed)"),
    ("[gate.max_findings]\ncritical = 3\n", "1 critical finding (at most 3 allowed)"),  # pass: same wording
    ("[gate.max_findings]\ntotal = 5\n", "2 findings (at most 5 allowed)"),
    ("[gate.max_findings]\nomission = 0\n", "1 finding of the omission check (at most 0 allowed)"),
    ("[gate.max_findings]\nnumbers = 3\n", "1 finding of the numbers check (at most 3 allowed)"),
])
def test_findings_messages_count_right(tmp_path: Path, toml: str, expected: str) -> None:
    (r,) = evaluate_gate(score_report(), gate_cfg(toml + '[gate]\nsystems = ["bad"]\n', tmp_path))["results"]
    assert r["message"] == expected


def test_a_drop_threshold_says_better_when_the_system_improved(tmp_path: Path) -> None:
    base = make_score_report(REFS, {"s": BAD})
    cfg = gate_cfg('[gate.baseline]\npath = "b.json"\nmax_drop = { chrf = 1.0, ter = 2.0 }\n'
                   'max_increase = { critical = 0 }\n', tmp_path)
    better = evaluate_gate(make_score_report(REFS, {"s": GOOD}), cfg, baseline_report=base)
    by = results_by_name(better)
    assert by["max_drop.chrf"]["status"] == "pass"
    assert ": better by " in by["max_drop.chrf"]["message"] and "worse by 0" not in by["max_drop.chrf"]["message"]
    assert by["max_drop.chrf"]["message"].endswith("(at most 1 worse allowed)")
    assert ": better by " in by["max_drop.ter"]["message"]  # TER: lower is better
    same = evaluate_gate(make_score_report(REFS, {"s": BAD}), cfg, baseline_report=base)
    assert ": unchanged (at most 1 worse allowed)" in results_by_name(same)["max_drop.chrf"]["message"]
    worse = evaluate_gate(base, cfg, baseline_report=make_score_report(REFS, {"s": GOOD}))
    msg = results_by_name(worse)["max_drop.chrf"]["message"]
    assert ": worse by " in msg and msg.endswith("(at most 1 allowed)")


def test_a_baseline_of_the_other_report_kind_is_named_as_such(tmp_path: Path) -> None:
    compare_report = make_compare_report(sentences(5), sentences(5))
    cfg = gate_cfg('[gate.baseline]\npath = "b.json"\nmax_drop = { chrf = 1 }\nsignificance = 0.05\n', tmp_path)
    with pytest.raises(InputError, match=r"the baseline is a `score` report .*systems: good, bad.*; "
                                         r"this is a `compare` report"):
        evaluate_gate(compare_report, cfg, baseline_report=score_report())
    with pytest.raises(InputError, match=r"the baseline is a `compare` report .*; this is a `score` report"):
        evaluate_gate(score_report(), cfg, baseline_report=compare_report)


def test_gate_command_names_a_baseline_of_the_other_kind(tmp_path: Path, capsys: Any) -> None:
    (tmp_path / "b.json").write_text(json.dumps(score_report()), encoding="utf-8")
    (tmp_path / "c.json").write_text(json.dumps(make_compare_report(sentences(5), sentences(5))), encoding="utf-8")
    cfg = tmp_path / "g.toml"
    cfg.write_text('[gate.baseline]\npath = "b.json"\nmax_drop = { chrf = 1 }\nsignificance = 0.05\n')
    assert main(["gate", str(cfg), str(tmp_path / "c.json")]) == 2
    err = capsys.readouterr().err
    assert "the baseline is a `score` report" in err and "this is a `compare` report" in err
    assert "different test sets" not in err


@pytest.mark.parametrize("prefix", ["", "\ufeff", "\n  \t"])
def test_swapped_gate_arguments_say_so(tmp_path: Path, capsys: Any, prefix: str) -> None:
    report = tmp_path / "report.json"
    report.write_text(prefix + json.dumps(score_report()), encoding="utf-8")
    cfg = tmp_path / "evaluator.toml"
    cfg.write_text("[gate.min]\nchrf = 50\n", encoding="utf-8")
    assert main(["gate", str(report), str(cfg)]) == 2
    err = capsys.readouterr().err
    assert f"{report}: looks like a JSON report" in err and "usage: evaluator gate CONFIG REPORT.json" in err
    assert "invalid TOML" not in err
    with pytest.raises(ConfigError, match="looks like a JSON report, not a gate config") as exc:
        load_gate_config(report)  # score --gate / compare --gate
    assert "usage:" not in str(exc.value)  # the usage line is the command line's


def test_a_json_report_that_is_not_utf8_given_as_config_says_so(tmp_path: Path, capsys: Any) -> None:
    """The JSON check reads the file as the loader does, once: not valid UTF-8 is still named a JSON
    report (with the usage line on the command line), not "cannot read gate config"."""
    from evaluator.gate import JSON_CONFIG

    report = tmp_path / "report.json"
    report.write_bytes(b'{"title": "caf\xe9"}\n')
    assert main(["gate", str(report), str(tmp_path / "evaluator.toml")]) == 2
    err = capsys.readouterr().err
    assert f"{report}: {JSON_CONFIG}; usage: evaluator gate CONFIG REPORT.json (the config comes first)" in err
    with pytest.raises(ConfigError) as exc:
        load_gate_config(report)
    assert exc.value.problem == JSON_CONFIG
    # a config that is not valid UTF-8 (and no JSON) is still unreadable, as before
    (tmp_path / "bad.toml").write_bytes(b"[gate.min]\nchrf = 50 # caf\xe9\n")
    with pytest.raises(ConfigError, match="cannot read gate config: 'utf-8' codec can't decode byte 0xe9"):
        load_gate_config(tmp_path / "bad.toml")


@pytest.mark.parametrize("flag", ["--html", "--junit", "--markdown"])
def test_gate_outputs_other_than_json_cannot_go_to_stdout(tmp_path: Path, capsys: Any, flag: str) -> None:
    """``-`` is stdout for --json only (``cli.common.to_stdout``, as in compare and score); any other
    output given as ``-`` is exit 2 before anything is written."""
    report = tmp_path / "c.json"
    report.write_text(json.dumps(make_compare_report(sentences(5), sentences(5))), encoding="utf-8")
    cfg = tmp_path / "g.toml"
    cfg.write_text("[gate.min]\nchrf = 50\n", encoding="utf-8")
    assert main(["gate", str(cfg), str(report), "--json", str(tmp_path / "out.json"), flag, "-"]) == 2
    err = capsys.readouterr().err
    assert f"{flag} -: only --json can write to stdout ('-'); give {flag} a path" in err
    assert not (tmp_path / "out.json").exists() and not (tmp_path / "-").exists()


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_gate_config_line_numbers_with_any_line_ending(tmp_path: Path, newline: str) -> None:
    cfg = tmp_path / "evaluator.toml"
    cfg.write_bytes(newline.join(["[gate.min]", "chrf = 50", "bogus = 1", ""]).encode())
    with pytest.raises(ConfigError, match="unknown metric gate.min.bogus") as exc:
        load_gate_config(cfg)
    assert exc.value.line == 3
    cfg.write_bytes(newline.join(["[gate.min]", "chrf = 50", ""]).encode())
    assert [t.name for t in load_gate_config(cfg).thresholds] == ["min.chrf"]


def _failing_gate(tmp_path: Path) -> tuple[str, str]:
    report = tmp_path / "report.json"
    report.write_text(json.dumps(score_report()), encoding="utf-8")
    cfg = tmp_path / "fail.toml"
    cfg.write_text("[gate.min]\nchrf = 50\n", encoding="utf-8")
    return str(cfg), str(report)


def test_gate_failures_are_not_repeated_where_the_table_reaches_stderr(tmp_path: Path, capsys: Any,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The console table lists each failure; stderr repeats them only when it goes elsewhere than the
    table (stdout redirected, stderr apart: a CI log keeps the failure on stderr)."""
    import evaluator.cli.gate as cli_gate

    cfg, report = _failing_gate(tmp_path)
    assert cli_gate.table_reaches_stderr(sys.stdout) is False  # captured streams: two
    assert main(["gate", cfg, report]) == 1
    captured = capsys.readouterr()
    assert "FAIL  bad: min.chrf" in captured.out and "evaluator: gate fail: bad: min.chrf" in captured.err
    monkeypatch.setattr(cli_gate, "table_reaches_stderr", lambda table: True)
    assert main(["gate", cfg, report]) == 1
    captured = capsys.readouterr()
    assert "FAIL  bad: min.chrf" in captured.out and "gate fail" not in captured.err
    assert main(["gate", cfg, report, "--quiet"]) == 1  # no table: stderr says it
    captured = capsys.readouterr()
    assert captured.out == "" and "evaluator: gate fail: bad: min.chrf" in captured.err


def test_gate_failures_print_once_on_a_terminal_in_one_log_and_with_json_on_stdout(
        tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each failure once: both streams on one terminal (a pty, as `script` gives), both in one log
    (`> log 2>&1`), and with `--json -`, where the table itself goes to stderr (it was printed twice)."""
    import pty

    cfg, report = _failing_gate(tmp_path)
    assert main(["gate", cfg, report, "--json", "-"]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["gate"]["status"] == "fail"
    assert captured.err.count("bad: min.chrf") == 1 and "FAIL  bad: min.chrf" in captured.err, captured.err

    log = tmp_path / "log.txt"
    with open(log, "a", encoding="utf-8") as out, open(log, "a", encoding="utf-8") as err:
        monkeypatch.setattr("sys.stdout", out)
        monkeypatch.setattr("sys.stderr", err)
        assert main(["gate", cfg, report]) == 1
    text = log.read_text(encoding="utf-8")
    assert text.count("bad: min.chrf") == 1 and "FAIL  bad: min.chrf" in text, text

    main_fd, tty_fd = pty.openpty()
    try:
        with open(tty_fd, "w", closefd=False) as tty:
            monkeypatch.setattr("sys.stdout", tty)
            monkeypatch.setattr("sys.stderr", tty)
            assert main(["gate", cfg, report]) == 1
        shown = os.read(main_fd, 65536).decode()
    finally:
        os.close(main_fd)
        os.close(tty_fd)
    assert shown.count("bad: min.chrf") == 1 and "FAIL  bad: min.chrf" in shown, shown


def test_table_reaches_stderr_on_one_file_or_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    import pty

    import evaluator.cli.gate as cli_gate

    main_fd, tty_fd = pty.openpty()
    other_main, other_fd = pty.openpty()
    try:
        with open(tty_fd, "w", closefd=False) as tty, open(other_fd, "w", closefd=False) as other, \
                open(os.devnull, "w") as null:
            monkeypatch.setattr("sys.stdout", tty)
            monkeypatch.setattr("sys.stderr", tty)
            assert cli_gate.table_reaches_stderr(sys.stdout) is True
            monkeypatch.setattr("sys.stderr", other)
            assert cli_gate.table_reaches_stderr(sys.stdout) is False  # two terminals
            assert cli_gate.table_reaches_stderr(sys.stderr) is True  # the table on stderr (--json -)
            monkeypatch.setattr("sys.stdout", null)
            monkeypatch.setattr("sys.stderr", tty)
            assert cli_gate.table_reaches_stderr(sys.stdout) is False  # stdout redirected
    finally:
        for fd in (main_fd, tty_fd, other_main, other_fd):
            os.close(fd)


# --------------------------------------------------------------------------- significance: review fixes

def test_seed_zero_is_a_seed_and_the_same_seed_gives_the_same_p_values(tmp_path: Path) -> None:
    """sacrebleu reads SACREBLEU_SEED=0 as "no seed": seed 0 gave other p-values (and verdicts) each run."""
    rng = random.Random(5)
    base_f1 = [0.9 + rng.uniform(-0.03, 0.03) for _ in range(N)]
    cur_f1 = [x + rng.uniform(-0.02, 0.015) for x in base_f1]
    base = make_score_report(BASE_REFS, {"s": BASE_HYPS}, bert={"s": base_f1},
                             findings={"s": {0: [finding()]}})
    current = make_score_report(BASE_REFS, {"s": noise()}, bert={"s": cur_f1},
                                findings={"s": {0: [finding()], 9: [finding()], 30: [finding()]}})
    for method in ("bootstrap", "ar"):
        cfg = gate_cfg('[gate.baseline]\npath = "b.json"\nmax_drop = { chrf = 0.01, "chrf++" = 0.01, '
                       'ter = 0.01, bertscore_f1 = 0.0001 }\nmax_increase = { critical = { value = 0, test = true } }'
                       f'\nsignificance = 0.05\nseed = 0\nmethod = "{method}"\nsamples = 200\n', tmp_path)
        runs = [[(r["name"], r.get("p_value")) for r in evaluate_gate(copy.deepcopy(current), cfg,
                                                                       baseline_report=base)["results"]]
                for _ in range(3)]
        assert all(p is not None for _, p in runs[0]), runs[0]  # each one tested
        assert runs[0] == runs[1] == runs[2], runs


def subset_reports() -> tuple[dict[str, Any], dict[str, Any]]:
    """A 120-line baseline, damaged on 3 of 4 of its first 60 lines and perfect on the rest, and a
    report of those first 60 lines only, damaged on every second one: better on every line it changed,
    worse than the baseline's whole-report score (which its 60 perfect lines lift)."""
    refs = BASE_REFS
    bl = [damage(r) if i < 60 and i % 4 != 0 else r for i, r in enumerate(refs)]
    cur = [damage(r) if i % 2 == 0 else r for i, r in enumerate(refs[:60])]
    return make_score_report(refs[:60], {"s": cur}), make_score_report(refs, {"s": bl})


@pytest.mark.parametrize("significance", [0.05, None])
def test_a_report_on_part_of_the_baseline_is_compared_on_the_segments_it_pairs(tmp_path: Path,
                                                                               significance: float | None) -> None:
    """It failed as "worse by 1.34, significant" (whole-report scores of 60 vs 120 lines, a two-sided
    test on the 60 lines where it was better)."""
    current, base = subset_reports()
    sig = f"significance = {significance}\n" if significance else ""
    cfg = gate_cfg('[gate.baseline]\npath = "b.json"\nmax_drop = { bleu = 0.5, chrf = 0.5, ter = 0.5 }\n'
                   'max_increase = { total = 0 }\n' + sig, tmp_path)
    gate = evaluate_gate(current, cfg, baseline_report=base)
    assert gate["status"] == "pass", gate["results"]
    for r in gate["results"]:
        if r["kind"] == "max_drop":
            assert ": better by " in r["message"], r
            assert "60 of 120 baseline segments paired" in r["message"], r
            assert r["paired_segments"] == 60 and "p_value" not in r
            # value and baseline are the scores on the paired segments: the report's, and the baseline's 60
            assert (r["value"] - r["baseline"]) * (1 if r["key"] != "ter" else -1) > 0, r
    # the other way round it is worse on those segments: that fails, on the paired scores
    worse = make_score_report(BASE_REFS[:60], {"s": [damage(r) for r in BASE_REFS[:60]]})
    by = results_by_name(evaluate_gate(worse, cfg, baseline_report=base))
    assert by["max_drop.chrf"]["status"] == "fail" and "60 of 120 baseline segments paired" in by["max_drop.chrf"][
        "message"]
    if significance:
        assert by["max_drop.chrf"]["p_value"] < 0.01


def test_bertscore_precision_and_recall_drops_are_tested_like_f1(tmp_path: Path) -> None:
    rng = random.Random(2)
    base_v = [0.9 + rng.uniform(-0.03, 0.03) for _ in range(N)]
    cfg = gate_cfg('[gate.baseline]\npath = "b.json"\nmax_drop = { bertscore_precision = 0.0, bertscore_recall = 0.0 '
                   '}\nsignificance = 0.05\n', tmp_path)

    def report(vals: list[float]) -> dict[str, Any]:
        rep = make_score_report(BASE_REFS, {"s": BASE_HYPS}, bert={"s": vals})
        for seg, v in zip(rep["segments"], vals, strict=True):
            seg["systems"]["s"].update(bertscore_precision=v, bertscore_recall=v)
        return rep

    shifted = [x - 0.02 for x in base_v]
    jitter = [x + (0.004 if i % 2 else -0.004) + (-0.001 if i == 0 else 0) for i, x in enumerate(base_v)]
    for vals, status in ((shifted, "fail"), (jitter, "pass")):
        gate = evaluate_gate(report(vals), cfg, baseline_report=report(base_v))
        for r in gate["results"]:
            assert r["status"] == status and r["p_value"] is not None, r
            assert "no per-segment values" not in r["message"]


@pytest.mark.parametrize("n", [1, 5, 9])
def test_too_few_paired_segments_for_a_significance_test_is_an_error(tmp_path: Path, n: int) -> None:
    """One paired segment was always "significant" (p = 1/(samples+1))."""
    refs = BASE_REFS[:n]
    base = make_score_report(refs, {"s": refs}, findings={"s": {}})
    current = make_score_report(refs, {"s": [damage(r) for r in refs]},
                                findings={"s": {i: [finding()] for i in range(n)}})
    cfg = gate_cfg('[gate.baseline]\npath = "b.json"\nmax_drop = { chrf = 1.0 }\n'
                   'max_increase = { critical = { value = 0, test = true } }\nsignificance = 0.05\n', tmp_path)
    gate = evaluate_gate(current, cfg, baseline_report=base)
    assert gate["status"] == "error" and exit_code(gate["status"]) == 2
    for r in gate["results"]:
        assert r["status"] == "error" and f"too few paired segments ({n}) for a significance test" in r["message"], r
        assert "p_value" not in r and "significant" not in r["message"]


def test_a_zero_max_increase_is_a_hard_rule_unless_it_asks_for_a_test(tmp_path: Path) -> None:
    """`critical = 0` with significance let up to ~5 new critical findings through as "not significant"."""
    base = make_score_report(BASE_REFS, {"s": BASE_HYPS}, findings={"s": {0: [finding()]}})
    current = make_score_report(BASE_REFS, {"s": BASE_HYPS},
                                findings={"s": {i: [finding()] for i in (0, 10, 20, 30)}})  # 3 new ones
    sig = "significance = 0.05\n"
    hard = gate_cfg(f'[gate.baseline]\npath = "b.json"\nmax_increase = {{ critical = 0 }}\n{sig}', tmp_path)
    (r,) = evaluate_gate(current, hard, baseline_report=base)["results"]
    assert r["status"] == "fail" and "p_value" not in r and "a limit of 0 is a hard rule" in r["message"], r
    tested = gate_cfg('[gate.baseline]\npath = "b.json"\nmax_increase = { critical = { value = 0, test = true } }\n'
                      + sig, tmp_path)
    (r,) = evaluate_gate(current, tested, baseline_report=base)["results"]
    assert r["status"] == "pass" and r["p_value"] >= 0.05, r
    # a limit above 0 is tested by default; test = false opts out (max_drop too)
    some = gate_cfg('[gate.baseline]\npath = "b.json"\nmax_increase = { critical = 1, total = { value = 1, '
                    'test = false } }\nmax_drop = { chrf = { value = 0.01, test = false } }\n' + sig, tmp_path)
    by = results_by_name(evaluate_gate(make_score_report(BASE_REFS, {"s": noise()},
                                                         findings={"s": {i: [finding()] for i in (0, 10, 20, 30)}}),
                                       some, baseline_report=base))
    assert by["max_increase.critical"]["status"] == "pass" and by["max_increase.critical"]["p_value"] >= 0.05
    for name in ("max_increase.total", "max_drop.chrf"):
        assert by[name]["status"] == "fail" and "test = false: no significance test" in by[name]["message"], by[name]


def test_samples_and_significance_are_checked_only_when_a_threshold_is_tested(tmp_path: Path) -> None:
    # a limit of 0 is a hard rule, never tested: 10 samples cannot hurt it
    cfg = gate_cfg('[gate.baseline]\npath = "b.json"\nsignificance = 0.05\nsamples = 10\n'
                   'max_increase = { critical = 0 }\n', tmp_path)
    assert cfg.baseline is not None and cfg.baseline.n_samples == 10
    with pytest.raises(ConfigError, match="below what 100,000 samples can show"):
        gate_cfg('[gate.baseline]\npath = "b.json"\nsignificance = 5e-324\nmax_drop = { chrf = 1 }\n', tmp_path)


def test_a_compare_report_aligned_otherwise_than_its_baseline_is_gated_on_the_whole_reports(tmp_path: Path) -> None:
    """A rewrite that merges two sentences pairs with fewer of its baseline's segments; its findings on the
    merged pair and at document level, and its whole chrF, still count (the lines-both-have rule is for
    line-aligned test sets): 'no new critical finding' must not pass two new ones."""
    base = make_compare_report(["Alpha went home.", "Beta stayed.", "Gamma left early."],
                               ["Alpha went home.", "Beta stayed.", "Gamma left early."], chrf=90.0)
    (base_path := tmp_path / "base.json").write_text(json.dumps(base), encoding="utf-8")
    cur = make_compare_report(["Alpha went home.", "Beta stayed.", "Gamma left early."],
                              ["Alpha went home and Beta stayed.", "Gamma left early.", None], chrf=70.0,
                              findings=[{"check": "negation", "code": "negation-added", "severity": "critical",
                                         "message": "x", "alignment": 0},
                                        {"check": "omission", "code": "sentence-omitted", "severity": "critical",
                                         "message": "y", "alignment": None}])
    cur["alignment"] = [{"original": [0, 1], "rewritten": [0]}, {"original": [2], "rewritten": [1]}]
    cfg = gate_cfg(f'[gate.baseline]\npath = "{base_path.as_posix()}"\nmax_increase = {{ critical = 0 }}\n'
                   'max_drop = { chrf = 1 }\n', tmp_path)
    gate = evaluate_gate(cur, cfg)
    res = results_by_name(gate)
    assert gate["status"] == "fail"
    assert res["max_increase.critical"]["status"] == "fail" and res["max_increase.critical"]["value"] == 2
    assert res["max_drop.chrf"]["status"] == "fail" and res["max_drop.chrf"]["value"] == 70.0
    assert "aligned differently" in res["max_increase.critical"]["message"]


def test_a_test_set_with_lines_the_baseline_lacks_counts_their_findings_as_new(tmp_path: Path) -> None:
    refs = [f"The minister said {i} people came." for i in range(12)]
    base = make_score_report(refs[:10], {"sys": refs[:10]})
    (base_path := tmp_path / "base.json").write_text(json.dumps(base), encoding="utf-8")
    crit = [{"check": "numbers", "code": "number-changed", "severity": "critical", "message": "x"}]
    cur = make_score_report(refs, {"sys": refs}, findings={"sys": {10: crit, 11: crit}})
    cfg = gate_cfg(f'[gate.baseline]\npath = "{base_path.as_posix()}"\nmax_increase = {{ critical = 0 }}\n',
                   tmp_path)
    res = results_by_name(evaluate_gate(cur, cfg))["max_increase.critical"]
    assert res["status"] == "fail" and res["value"] == 2 and res["baseline"] == 0
    assert "2 of the report's on lines the baseline lacks" in res["message"]


@pytest.mark.parametrize(("result", "headline"), [
    ({"name": "max_findings.major", "kind": "max_findings", "status": "fail", "value": 1.0, "threshold": 0.0},
     "max_findings.major 1 > 0"),
    ({"name": "min.chrf", "kind": "min", "key": "chrf", "status": "fail", "value": 41.234, "threshold": 50.0},
     "min.chrf 41.23 < 50"),
    ({"name": "max.ter", "kind": "max", "key": "ter", "status": "warn", "value": 71.5, "threshold": 70.0},
     "max.ter 71.50 > 70"),
    ({"name": "max_drop.chrf", "kind": "max_drop", "key": "chrf", "status": "fail", "value": 90.0,
      "threshold": 0.5, "baseline": 91.25}, "max_drop.chrf worse by 1.25 > 0.5"),
    ({"name": "max_drop.ter", "kind": "max_drop", "key": "ter", "status": "fail", "value": 32.0,
      "threshold": 1.0, "baseline": 30.0}, "max_drop.ter worse by 2 > 1"),
    ({"name": "max_increase.critical", "kind": "max_increase", "status": "fail", "value": 3.0, "threshold": 0.0,
      "baseline": 1.0}, "max_increase.critical +2 > 0"),
    ({"name": "waiver.roles", "kind": "waiver", "status": "fail", "value": None, "threshold": None},
     "waiver.roles expired"),
    ({"name": "min.bertscore_f1", "kind": "min", "status": "error", "value": None, "threshold": 0.9},
     "min.bertscore_f1"),
])
def test_result_headline(result: dict[str, Any], headline: str) -> None:
    from evaluator.gate import result_headline

    assert result_headline(result) == headline


def test_gate_headline_names_the_first_result_of_the_gate_status() -> None:
    from evaluator.gate import gate_headline

    report = make_score_report(["a b c"], {"s": ["a b c"]}, findings={"s": {0: [finding(severity="major")]}})
    cfg = parse_gate_config({"gate": {"min": {"chrf": {"value": 99.9, "critical": False}},
                                      "max_findings": {"major": 0, "total": 0}}})
    gate = evaluate_gate(report, cfg)
    assert gate_headline(gate) == "gate: fail (max_findings.major 1 > 0, +1 more)"
    gate = evaluate_gate(report, parse_gate_config({"gate": {"max_findings": {"major": 1}}}))
    assert gate_headline(gate) == "gate: pass"
