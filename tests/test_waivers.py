"""Waivers: the file format, matching findings by check/code/evidence, expiry, and the gate's use of them."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from evaluator.errors import ConfigError
from evaluator.gate import evaluate_gate, parse_gate_config
from evaluator.waivers import Waiver, apply_waivers, load_waivers, write_waivers

from .test_gate import finding, make_score_report, sentences

TODAY = dt.date(2025, 6, 1)


def w(**kw: Any) -> Waiver:
    base: dict[str, Any] = {"check": "numbers", "code": "number-changed", "reason": "house style",
                            "expires": dt.date(2026, 1, 1), "original": "300"}
    base.update(kw)
    return Waiver(**base)


MATCH_CASES = [
    # (waiver, finding, matches)
    (w(), finding(), True),
    (w(original="300", rewritten="500"), finding(), True),
    (w(original=None, rewritten="500"), finding(), True),
    (w(original="  300 "), finding(), True),  # whitespace collapsed
    (w(original="10  million"), finding(original="10\nmillion"), True),
    (w(original="301"), finding(), False),
    (w(original="300", rewritten="501"), finding(), False),
    (w(code="date-changed"), finding(), False),
    (w(code="*"), finding(code="number-missing"), True),
    (w(check="omission"), finding(), False),
    (w(original="US"), finding(original="us"), False),  # case is significant
    (w(), {**finding(), "original": None}, False),
]


@pytest.mark.parametrize("waiver,found,matches", MATCH_CASES)
def test_matching(waiver: Waiver, found: dict[str, Any], matches: bool) -> None:
    out, expired = apply_waivers([found], [waiver], TODAY)
    assert expired == []
    assert bool(out[0].get("waived")) is matches
    if matches:
        assert out[0]["waived"]["reason"] == "house style" and out[0]["waived"]["expires"] == "2026-01-01"
    assert "waived" not in found  # the input is not modified


def test_expiry_is_inclusive_of_the_last_day() -> None:
    waiver = w(expires=TODAY)
    out, expired = apply_waivers([finding()], [waiver], TODAY)
    assert out[0]["waived"] and expired == []
    out, expired = apply_waivers([finding()], [waiver], TODAY + dt.timedelta(days=1))
    assert "waived" not in out[0] and expired == [waiver]


def test_round_trip(tmp_path: Path) -> None:
    waivers = [
        w(id="cap", original='say "10"\\', rewritten="ten\nmillion", reason="quote \" and tab\t"),
        w(original=None, rewritten="Zürich — 北京", code="*", expires=dt.date(2030, 12, 31)),
    ]
    path = tmp_path / "waivers.toml"
    write_waivers(path, waivers)
    loaded = load_waivers(path)
    assert [(x.id, x.check, x.code, x.original, x.rewritten, x.reason, x.expires) for x in loaded] == \
           [(x.id, x.check, x.code, x.original, x.rewritten, x.reason, x.expires) for x in waivers]
    assert loaded[0].line == 3 and loaded[0].label == "waiver 'cap'"


BAD_FILES = [
    ("[[waiver]]\ncheck = 'numbers'\ncode = 'x'\noriginal = '1'\nexpires = 2026-01-01\n", 1, "missing required key 'reason'"),
    ("[[waiver]]\ncheck = 'numbers'\ncode = 'x'\noriginal = '1'\nreason = 'r'\nexpires = 'soon'\n", 1, "ISO date"),
    ("[[waiver]]\ncheck = 'numbers'\ncode = 'x'\nreason = 'r'\nexpires = 2026-01-01\n", 1, "evidence"),
    ("\n[[waiver]]\ncheck = 'numbers'\ncode = 'x'\noriginal = '1'\nreason = 'r'\nexpires = 2026-01-01\n"
     "colour = 'red'\n", 2, "unknown waiver key 'colour'"),
    ("[[waiver]]\ncheck = 'numbers'\ncode = 'x'\noriginal = '1'\nreason = '  '\nexpires = 2026-01-01\n", 1, "say why"),
    ("[[waiver]]\ncheck = numbers\n", 2, "invalid TOML"),
    ("[waiver]\ncheck = 'numbers'\n", 1, "array of tables"),
    ("note = 'x'\n", 1, "unknown key 'note'"),
    # a check or code that does not exist: such a waiver could waive nothing
    ("[[waiver]]\nid = 'roles'\ncheck = 'role'\ncode = 'role-reversed'\noriginal = 'a'\nreason = 'r'\n"
     "expires = 2026-01-01\n", 1, "waiver 'roles': unknown check 'role'; did you mean 'roles'? (known: entities,"),
    ("[[waiver]]\ncheck = 'numbers'\ncode = 'number-change'\noriginal = '1'\nreason = 'r'\nexpires = 2026-01-01\n",
     1, "unknown code 'number-change' of check 'numbers'; did you mean 'number-changed'?"),
    ("[[waiver]]\ncheck = 'numbers'\ncode = '*'\noriginal = '1'\nreason = 'r'\nexpires = 2026-01-01\n\n"
     "[[waiver]]\nid = 'n'\ncheck = 'negation'\ncode = 'role-reversed'\noriginal = '1'\nreason = 'r'\n"
     "expires = 2026-01-01\n", 8, "waiver 'n': unknown code 'role-reversed' of check 'negation'; it is a code of "
     "check 'roles'"),
    ("[[waiver]]\ncheck = 'nosuch'\ncode = 'x'\noriginal = '1'\nreason = 'r'\nexpires = 2026-01-01\n", 1,
     "unknown check 'nosuch' (known: "),
]


@pytest.mark.parametrize("text,line,words", BAD_FILES)
def test_malformed_waiver_files(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = tmp_path / "w.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_waivers(path)
    assert words in str(info.value)
    assert str(info.value).startswith(f"{path}:{line}:"), str(info.value)


def test_missing_waiver_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="waiver file not found"):
        load_waivers(tmp_path / "nope.toml")


def test_gate_excludes_waived_findings_and_fails_on_expired_waivers() -> None:
    refs = sentences(6)
    found = {"s": {0: [finding()], 1: [finding(original="12", rewritten="21")],
                   2: [finding(severity="major", check="omission", code="clause-dropped", original="a b")]}}
    cfg = parse_gate_config({"gate": {"max_findings": {"critical": 1, "major": 0}}})

    def run(waivers: list[Waiver]) -> dict[str, Any]:
        report = make_score_report(refs, {"s": refs}, findings=found)
        gate = evaluate_gate(report, cfg, waivers=waivers, today=TODAY)
        gate["_report"] = report
        return gate

    gate = run([])
    assert gate["status"] == "fail"
    assert {r["name"]: r["value"] for r in gate["results"]} == {"max_findings.critical": 2, "max_findings.major": 1}

    live = [w(), w(check="omission", code="clause-dropped", original="a b", id="dropped-ok")]
    gate = run(live)
    assert gate["status"] == "pass", gate["results"]
    assert gate["waivers"]["applied"] == 2 and gate["findings"]["s"]["waived"] == 2
    marked = gate["_report"]["segments"][0]["systems"]["s"]["findings"][0]
    assert marked["waived"] == {"reason": "house style", "expires": "2026-01-01", "waiver": marked["waived"]["waiver"]}

    stale = [w(), w(check="omission", code="clause-dropped", original="a b", id="dropped-ok",
                    expires=dt.date(2025, 5, 31))]
    gate = run(stale)
    assert gate["status"] == "fail"
    expired = [r for r in gate["results"] if r["kind"] == "waiver"]
    assert len(expired) == 1 and "'dropped-ok' expired on 2025-05-31" in expired[0]["message"]
    assert gate["waivers"]["expired"] == ["waiver 'dropped-ok'"]
    # The expired waiver no longer waives its finding: the major count fails again.
    assert {r["name"]: r["status"] for r in gate["results"]}["max_findings.major"] == "fail"


def test_html_and_markdown_count_open_findings_as_the_gate_does() -> None:
    """A waived finding is listed and marked "waived" in the HTML, and neither the HTML's nor the
    Markdown's severity counts include it (they showed 1 critical where the gate counted 0)."""
    from evaluator.render.html import render_html
    from evaluator.render.markdown import render_markdown

    from .test_html import example_report

    report = example_report()
    minor_before = sum(1 for f in report["findings"] if f["severity"] == "minor")
    waiver = Waiver(check="titles", code="title-changed", reason="house style <drops> honorifics",
                    expires=dt.date(2099, 1, 1), original="Mr. Blinken", rewritten="Blinken")
    report["gate"] = evaluate_gate(report, parse_gate_config({"gate": {"max_findings": {"minor": 0}}}),
                                   waivers=[waiver], today=dt.date(2026, 12, 3))
    assert report["gate"]["status"] == "pass" and report["gate"]["waivers"]["applied"] == 1
    html = render_html(report)
    assert html.count('class="badge waived"') == 1 and "house style &lt;drops&gt; honorifics" in html
    assert f'data-severity-count="minor">{minor_before - 1}<' in html and "Not counted: 1 waived finding" in html
    md = render_markdown(report)
    row = next(line for line in md.splitlines() if line.startswith("| report |"))
    assert row.endswith(f"| {minor_before - 1} |"), row


def test_unused_waivers_are_named_and_a_bom_or_spaced_header_reads(tmp_path: Path) -> None:
    """A waiver that matches nothing (a typo in its evidence, or its finding fixed) is listed as unused;
    a file saved with a byte-order mark, or written `[[ waiver ]]`, reads, with line numbers."""
    path = tmp_path / "w.toml"
    path.write_text('\ufeff# by Notepad\n[[ waiver ]]\ncheck = "numbers"\ncode = "number-changed"\n'
                    'reason = "typo"\nexpires = 2099-01-01\noriginal = "12"\nrewritten = "31"\n', encoding="utf-8")
    (w,) = load_waivers(path)
    assert w.line == 2 and "(line 2)" in w.label
    report = make_score_report(["a 12 b"], {"s": ["a 13 b"]}, findings={"s": {0: [finding(original="12",
                                                                                           rewritten="13")]}})
    gate = evaluate_gate(report, parse_gate_config({"gate": {"max_findings": {"critical": 0}}}), waivers=[w])
    assert gate["status"] == "fail" and gate["waivers"]["unused"] == [w.label] and gate["waivers"]["applied"] == 0


def test_a_waiver_of_an_unknown_check_is_exit_2_naming_file_waiver_and_check(tmp_path: Path, capsys: Any) -> None:
    """It only warned "1 waiver(s) matched no finding", and the finding it was written for failed the gate."""
    import json

    from evaluator.cli import main

    report = make_score_report(sentences(3), {"s": sentences(3)},
                               findings={"s": {0: [finding(check="roles", code="role-reversed", original="a")]}})
    (tmp_path / "r.json").write_text(json.dumps(report), encoding="utf-8")
    (tmp_path / "g.toml").write_text("[gate.max_findings]\ncritical = 0\n", encoding="utf-8")
    waivers = tmp_path / "w.toml"
    waivers.write_text('[[waiver]]\nid = "roles"\ncheck = "role"\ncode = "role-reversed"\noriginal = "a"\n'
                       'reason = "r"\nexpires = 2099-01-01\n', encoding="utf-8")
    assert main(["gate", str(tmp_path / "g.toml"), str(tmp_path / "r.json"), "--waivers", str(waivers)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1, captured.err
    assert captured.err.startswith(f"evaluator: error: {waivers}:1: waiver 'roles': unknown check 'role'; "
                                   "did you mean 'roles'?"), captured.err
