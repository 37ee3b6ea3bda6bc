"""CI outputs: JUnit XML (validated against Jenkins' junit-10.xsd) and the Markdown summary."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import xmlschema

from evaluator.gate import evaluate_gate, parse_gate_config
from evaluator.render.junit import render_junit, write_junit
from evaluator.render.markdown import md_escape, render_markdown, write_markdown

from .test_gate import damage, finding, make_score_report, sentences

SCHEMA = xmlschema.XMLSchema(str(Path(__file__).parent / "data" / "junit.xsd"))
NASTY = 'a|b <script>alert("x")</script> `code` & *bold* [link](http://x) #1 @someone\nnew line \x00\x1b end'


def gated_report(system_name: str = "sys") -> dict[str, Any]:
    refs = sentences(12)
    hyps = [damage(s) if i < 6 else s for i, s in enumerate(refs)]
    report = make_score_report(refs, {system_name: hyps}, bert={system_name: [0.8] * 12},
                               findings={system_name: {0: [finding(original=NASTY, rewritten="ok")],
                                                       1: [finding(severity="major", check="omission",
                                                                   code="clause-dropped", original="x y")]}})
    cfg = parse_gate_config({"gate": {
        "min": {"chrf": 95.0, "bertscore_f1": {"value": 0.9, "critical": False}, "bleu": 1.0},
        "max_findings": {"critical": 0},
    }}, path="cfg <&> .toml")
    report["gate"] = evaluate_gate(report, cfg)
    return report


def test_junit_validates_and_maps_statuses(tmp_path: Path) -> None:
    report = gated_report()
    path = tmp_path / "gate.xml"
    write_junit(report, path)
    SCHEMA.validate(str(path))
    root = ET.parse(path).getroot()
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("4", "2", "0", "1")
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert set(cases) == {"min.chrf", "min.bertscore_f1", "min.bleu", "max_findings.critical"}
    assert cases["min.chrf"].find("failure") is not None
    assert cases["min.bertscore_f1"].find("skipped").get("message").startswith("warning: ")  # type: ignore[union-attr]
    assert cases["min.bleu"].find("failure") is None and cases["min.bleu"].find("skipped") is None
    body = cases["max_findings.critical"].find("failure").text  # type: ignore[union-attr]
    assert "numbers/number-changed" in body  # the finding behind the failure is listed
    assert "\x00" not in body and "\x1b" not in body  # characters XML cannot hold are dropped
    assert "<script>" in body  # ... and the rest survives, escaped by the serialiser
    assert "&lt;script&gt;" in path.read_text() and "<script>" not in path.read_text()
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["status"] == "fail" and props["config"] == "cfg <&> .toml"


def test_junit_errors_and_several_systems() -> None:
    refs = sentences(5)
    report = make_score_report(refs, {"a|b": refs, "c": refs})
    report["gate"] = evaluate_gate(report, parse_gate_config({"gate": {"min": {"bertscore_f1": 0.5}}}))
    xml = render_junit(report)
    SCHEMA.validate(xml)
    suite = ET.fromstring(xml).find("testsuite")
    assert suite is not None and suite.get("errors") == "2"
    assert {c.get("classname") for c in suite.findall("testcase")} == {"evaluator.gate.a|b", "evaluator.gate.c"}
    assert all(c.find("error") is not None for c in suite.findall("testcase"))


def test_junit_of_a_passing_and_an_empty_gate() -> None:
    refs = sentences(5)
    report = make_score_report(refs, {"s": refs})
    report["gate"] = evaluate_gate(report, parse_gate_config({"gate": {"min": {"chrf": 50}}}))
    SCHEMA.validate(render_junit(report))
    report["gate"] = evaluate_gate(report, parse_gate_config({"gate": {}}))
    xml = render_junit(report)
    SCHEMA.validate(xml)
    assert ET.fromstring(xml).find("testsuite").get("tests") == "0"  # type: ignore[union-attr]


ESCAPES = [
    ("a|b", "a\\|b"),
    ("<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"),
    ("`rm -rf`", "&#96;rm -rf&#96;"),
    ("line\nbreak\r\nagain", "line break again"),
    ("*em* _u_ [l](u) ~s~ #3 !x", "\\*em\\* \\_u\\_ \\[l\\](u) \\~s\\~ \\#3 \\!x"),
    ("back\\slash", "back\\\\slash"),
    ("a & b", "a &amp; b"),
    ("x" * 300, "x" * 199 + "…"),
]


@pytest.mark.parametrize("text,expected", ESCAPES)
def test_md_escape(text: str, expected: str) -> None:
    assert md_escape(text) == expected


def test_markdown_summary() -> None:
    md = render_markdown(gated_report("sys|<b>"))
    assert md.startswith("## ❌ Evaluator gate: **FAIL**")
    assert "4 thresholds: 1 passed, 1 warned, 2 failed" in md
    assert "cfg &lt;&amp;&gt; .toml" in md
    table = [line for line in md.splitlines() if line.startswith("| ")]
    # Every table row keeps its column count: user text cannot add or remove a cell.
    for row in table:
        cells = row.count("|") - row.count("\\|")
        assert cells in (7, 8, 10), row
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "sys\\|&lt;b&gt;" in md
    assert "### Top findings (2 of 2 shown)" in md
    assert "line 1 (sys\\|&lt;b&gt;)" in md
    first_fail = md.index("❌ | ")
    assert md.index("min.chrf") > first_fail and md.index("min.bleu") > md.index("min.chrf")  # failures first


def test_markdown_appends_to_the_step_summary(tmp_path: Path, monkeypatch: Any) -> None:
    summary = tmp_path / "step_summary.md"
    summary.write_text("# Build\nearlier step output", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    write_markdown(gated_report(), summary)
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# Build\nearlier step output\n## ❌ Evaluator gate")
    other = tmp_path / "other.md"
    other.write_text("old", encoding="utf-8")
    write_markdown(gated_report(), other)
    assert other.read_text(encoding="utf-8").startswith("## ❌")  # any other file is replaced


def test_markdown_without_gate_and_compare_report() -> None:
    from .test_gate import make_compare_report

    report = make_compare_report(["A.", "B."], ["A.", "B."], findings=[{**finding(), "alignment": 1}])
    md = render_markdown(report)
    assert md.startswith("## Evaluator report")
    assert "| report | 40 | 60 | 58 | 60 | 0.9000 |" in md
    assert "pair 2" in md


def test_markdown_and_junit_list_results_in_the_gate_order_with_effect_labels() -> None:
    """fail, error, warn, pass in the Markdown table and the JUnit test cases alike (as in the JSON);
    each threshold marked blocking or warn-only, never "critical" (a finding severity)."""
    report = gated_report()
    order = [r["name"] for r in report["gate"]["results"]]
    assert [r["status"] for r in report["gate"]["results"]] == ["fail", "fail", "warn", "pass"]
    md = render_markdown(report)
    lines = md.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| | Threshold")) + 2
    rows = lines[start:lines.index("", start)]
    assert [next(n for n in order if f"| {md_escape(n)} |" in row) for row in rows] == order
    assert "| Threshold | If violated |" in md
    assert "| min.bertscore\\_f1 | warn-only |" in md and "| min.chrf | blocking |" in md
    xml = render_junit(report)
    suite = ET.fromstring(xml).find("testsuite")
    assert suite is not None
    assert [c.get("name") for c in suite.findall("testcase")] == order
    outs = {c.get("name"): c.findtext("system-out") or "" for c in suite.findall("testcase")}
    assert "if violated: warn-only" in outs["min.bertscore_f1"] and "if violated: blocking" in outs["min.chrf"]
    assert "critical: " not in xml
    # a gate written in config order (an older report) comes out in the same order too
    passes_first = sorted(report["gate"]["results"], key=lambda r: r["status"] != "pass")  # stable
    shuffled = {**report, "gate": {**report["gate"], "results": passes_first}}
    assert render_markdown(shuffled) == md
    suite = ET.fromstring(render_junit(shuffled)).find("testsuite")
    assert [c.get("name") for c in suite.findall("testcase")] == order  # type: ignore[union-attr]


def test_junit_findings_say_where_they_are_and_counts_are_integers() -> None:
    """A failure body listed its findings without where they were (the Markdown says "line 3 (mt)"),
    and counts read "value: 6.0"."""
    from .test_gate import make_compare_report

    refs = sentences(4)
    report = make_score_report(refs, {"mt": refs, "other": refs},
                               findings={"mt": {2: [finding()], 0: [finding(severity="major", code="number-missing")]},
                                         "other": {1: [finding()]}})
    report["gate"] = evaluate_gate(report, parse_gate_config({"gate": {"max_findings": {"critical": 0},
                                                                       "min": {"chrf": 50.5}}}))
    suite = ET.fromstring(render_junit(report)).find("testsuite")
    assert suite is not None
    bodies = {c.get("name"): c.findtext("failure") or c.findtext("system-out") or "" for c in suite.findall("testcase")}
    body = bodies["mt: max_findings.critical"]
    assert "  [critical] numbers/number-changed, line 3 (mt): 300 became 500" in body.splitlines(), body
    assert "line 2 (other)" not in body and "number-missing" not in body  # another system's, another severity
    assert "value: 1\n" in body and "threshold: 0\n" in body, body
    assert "threshold: 50.5\n" in bodies["mt: min.chrf"]  # a limit with decimals keeps them
    assert "line 2 (other)" in bodies["other: max_findings.critical"]

    compare = make_compare_report(["a b", "c d"], ["a b", "c e"], findings=[{**finding(), "alignment": 1}])
    compare["gate"] = evaluate_gate(compare, parse_gate_config({"gate": {"max_findings": {"total": 0}}}))
    body = ET.fromstring(render_junit(compare)).find("testsuite").find("testcase").findtext("failure")  # type: ignore[union-attr]
    assert "  [critical] numbers/number-changed, pair 2: 300 became 500" in (body or "").splitlines(), body
