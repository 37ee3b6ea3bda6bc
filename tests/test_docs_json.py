"""docs/json.md names every key a real report carries: a key added to the JSON without a word in the
field reference fails here (free-form parts excepted: a finding's ``data``, options, versions, timings,
and the names of systems, checks and codes used as keys)."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from evaluator.cli import main

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "json.md").read_text(encoding="utf-8")
# `original.sentences[]` names original, sentences and the path itself
DOCUMENTED = {part for tok in re.findall(r"`([^`\s]+)`", DOC)
              for part in (tok.replace("[]", ""), *tok.replace("[]", "").split("."))}
# Parts whose keys are data, not contract: named by their parent key.
FREE = {"data", "options", "versions", "timings", "by_check", "by_code", "systems", "model", "glossary",
        "inputs", "settings"}


def keys(value: Any, parent: str = "") -> set[tuple[str, str]]:
    """(parent key, key) of every key in a JSON value; below a FREE key only that key itself."""
    out: set[tuple[str, str]] = set()
    if isinstance(value, dict):
        for k, v in value.items():
            out.add((parent, k))
            if k in FREE and k != "systems":
                continue
            if k == "systems":  # one level of system names, then a system's own keys
                for sys_value in (v.values() if isinstance(v, dict) else []):
                    out |= keys(sys_value, "systems.<name>")
                continue
            out |= keys(v, k)
    elif isinstance(value, list):
        for v in value:
            out |= keys(v, parent)
    return out


def undocumented(report: dict[str, Any]) -> list[str]:
    missing = set()
    for parent, k in keys(report):
        if k in DOCUMENTED or f"{parent}.{k}" in DOCUMENTED:
            continue
        if parent == "findings_by_severity" or k in ("info", "minor", "major", "critical"):
            continue
        missing.add(f"{parent}.{k}" if parent else k)
    return sorted(missing)


def test_every_key_of_a_compare_report_is_documented(example_report) -> None:
    report = example_report.to_dict()
    found = keys(report)
    assert ("pairs", "alignment") in found and ("coverage", "original_chars") in found  # the walk sees them
    assert undocumented(report) == []


def test_every_key_of_a_gated_score_report_and_a_batch_summary_is_documented(tmp_path: Path, resources) -> None:
    from evaluator.batch import run_batch

    ref, hyp, src = tmp_path / "ref.txt", tmp_path / "hyp.txt", tmp_path / "src.txt"
    ref.write_text("The minister said 40 people died.\nShe did not sign the deal.\n", encoding="utf-8")
    hyp.write_text("The minister said 14 people died.\nShe signed the deal.\n", encoding="utf-8")
    src.write_text("Der Minister sagte, 40 Menschen seien gestorben.\nSie unterschrieb nicht.\n", encoding="utf-8")
    gate = tmp_path / "gate.toml"
    gate.write_text("[gate.min]\nchrf = 10.0\n[gate.max_findings]\ncritical = 0\n", encoding="utf-8")
    out = tmp_path / "score.json"
    rc = main(["score", "--ref", str(ref), "--ref", str(ref), "--hyp", str(hyp), "--src", str(src), "--json", str(out),
               "--gate", str(gate), "--quiet"])
    assert rc == 1  # the critical findings fail the gate
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["kind"] == "score" and "gate" in report and report["segments"][0].get("extra_refs")
    assert undocumented(report) == []

    manifest = tmp_path / "pairs.jsonl"
    manifest.write_text(json.dumps({"id": "a", "original": ref.read_text(encoding="utf-8"),
                                    "rewritten": hyp.read_text(encoding="utf-8")}) + "\n"
                        + json.dumps({"id": "b", "original": "A.", "rewritten_path": "missing.txt"}) + "\n",
                        encoding="utf-8")
    run_batch(manifest, tmp_path / "batch", resources.options)
    summary = json.loads((tmp_path / "batch" / "summary.json").read_text(encoding="utf-8"))
    lines = [json.loads(x) for x in (tmp_path / "batch" / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["status"] for r in lines} == {"ok", "error"}
    assert undocumented(summary) == []
    assert undocumented({k: v for r in lines for k, v in r.items() if k != "report"}) == []


def test_the_check_walk_can_fail() -> None:
    assert undocumented({"coverage": {"original": 1.0, "brand_new_share": 0.5}}) == ["coverage.brand_new_share"]


def test_docs_findings_lists_every_finding_code_and_no_other() -> None:
    from evaluator.checks import REGISTRY, load_all
    from evaluator.checks.codes import CODES

    text = (ROOT / "docs" / "findings.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z-]+)` \| (.+) \|$", text, re.M))
    assert set(rows) == set(CODES)
    sections = re.findall(r"^## `([a-z]+)`$", text, re.M)
    load_all()
    assert set(sections) == set(REGISTRY) == {check for check, _ in CODES.values()}
