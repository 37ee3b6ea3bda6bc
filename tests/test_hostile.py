"""Hostile text in articles, file names and glossary entries is inert in every output.

One real ``evaluator compare`` run (in this process) over an article pair, file names and a glossary
full of markup, Markdown and XML breakers, ANSI escape sequences, C1 controls and bidi overrides,
with a failing gate so that the findings reach the JUnit and Markdown outputs too.  The HTML report's
own escaping is tested in depth in test_html.py and in a browser in test_browser.py; this file checks
every output of one end-to-end run, the console included.
"""
from __future__ import annotations

import json
import logging
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from evaluator.cli import TerminalSafe, configure_logging, main, terminal_safe
from tests.test_html import parse

ANSI = "\x1b[31mRED\x1b[0m\x1b]0;pwned\x07\x9b2J"
BIDI = "\u202eevil\u202c"
HTML = '<script>alert("x")</script><img src=x onerror=alert(1)>'
MD = "| cell | `code` [link](javascript:alert(1)) **bold** @admin <b>"
XML = "]]></system-out><injected/>&amp;"

# Plain paragraphs around the hostile ones: a text that is more than 1% control characters is refused
# as binary data (test_io.py), which is not what this file tests.
FILLER = ("Negotiators from both sides met in the capital for a third round of talks on trade and security. "
          "They discussed tariffs, fishing rights and a joint statement on the region. ") * 2
ORIGINAL = (
    f"The Blue House said the talks would resume on Monday {HTML}.\n\n{FILLER}\n\n"
    f"Officials expect 300 delegates, a spokesman said {MD}.\n\n{FILLER}\n\n"
    f"The minister said “stop {HTML} {XML} {ANSI} {BIDI} {MD} now” to reporters.\n"
)
REWRITTEN = (
    f"The Blue Palace said the talks would resume on Monday {HTML}.\n\n{FILLER}\n\n"
    f"Officials expect 3,000 delegates, a spokesman said {MD}.\n\n{FILLER}\n\n"
    f"The minister said “halt {HTML} {XML} {ANSI} {BIDI} {MD} now” to reporters.\n"
)
pytestmark = pytest.mark.usefixtures("no_network_attempts")

# A terminal must never receive these raw (tab and newline are fine).
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory, resources: Any) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("hostile")
    folder = tmp / f"in <b>{ANSI}"
    folder.mkdir()
    o = folder / f"orig<img src=x onerror=alert(1)>{ANSI}.txt"
    r = folder / f"rew|`x`{BIDI}.txt"
    o.write_text(ORIGINAL, encoding="utf-8")
    r.write_text(REWRITTEN, encoding="utf-8")
    glossary = tmp / "glossary.csv"
    glossary.write_text(
        "source_term,required,forbidden,case_sensitive,note\n"
        f'Blue House,Blue House,"Blue Palace",false,"{HTML} {MD} {XML} {ANSI} {BIDI}"\n',
        encoding="utf-8")
    gate = tmp / "gate.toml"
    gate.write_text("[gate.max_findings]\nmajor = 0\nnumbers = 0\n", encoding="utf-8")
    out = tmp / f"out {ANSI}"
    return {"tmp": tmp, "o": o, "r": r, "glossary": glossary, "gate": gate, "out": out,
            "argv": ["compare", str(o), str(r), "--out", str(out), "--name", f"rep<b>{ANSI}",
                     "--glossary", str(glossary), "--gate", str(gate),
                     "--junit", str(out / "junit.xml"), "--markdown", str(out / "summary.md")]}


@pytest.fixture(scope="module")
def outputs(hostile_run: dict[str, Any]) -> dict[str, Any]:
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(hostile_run["argv"])
    folder = hostile_run["out"]
    files = {p.name: p for p in folder.iterdir()}
    return {"rc": rc, "stdout": out.getvalue(), "stderr": err.getvalue(), "files": files,
            "json": json.loads(next(p for n, p in files.items() if n.endswith(".json")).read_text("utf-8")),
            "html": next(p for n, p in files.items() if n.endswith(".html")).read_text("utf-8"),
            "junit": (folder / "junit.xml").read_text("utf-8"),
            "md": (folder / "summary.md").read_text("utf-8")}


def test_the_run_found_the_hostile_glossary_breach_and_failed_the_gate(outputs: dict[str, Any],
                                                                      hostile_run: dict[str, Any]) -> None:
    assert outputs["rc"] == 1  # the gate failed: the hostile text went all the way through
    findings = outputs["json"]["findings"]
    assert {"numbers", "quotes"} <= {f["check"] for f in findings}
    messages = " ".join(f["message"] for f in findings)
    assert "Glossary" in messages and HTML[:20] in messages  # the glossary's own note reached a finding
    assert outputs["json"]["meta"]["glossary"] == {"sources": [str(hostile_run["glossary"])], "terms": 1}
    assert any(ANSI in f["message"] and BIDI in f["message"] and MD in f["message"] for f in findings)


def test_json_keeps_the_text_exactly(outputs: dict[str, Any], hostile_run: dict[str, Any]) -> None:
    data = outputs["json"]
    assert data["original"]["text"] == ORIGINAL and data["rewritten"]["text"] == REWRITTEN
    assert data["original"]["path"] == str(hostile_run["o"])


def test_console_gets_no_control_character(outputs: dict[str, Any]) -> None:
    console = outputs["stdout"] + outputs["stderr"]
    assert console.strip()
    assert not RAW_CONTROL.search(console), repr(RAW_CONTROL.search(console))
    assert "\\u001b[31m" in outputs["stdout"]  # the file names are shown, escaped
    for line in outputs["stderr"].splitlines():  # gate lines: one line per threshold
        assert line.startswith("evaluator: ")


def test_html_runs_nothing_and_shows_the_text_literally(outputs: dict[str, Any]) -> None:
    html = outputs["html"]
    for raw in ("<script>alert", "<img src=x", "<b>", "<injected", "onerror=alert(1)>"):
        assert raw not in html
    tags = parse(html)
    assert [a for t, a in tags.tags if t == "script"] == [{"type": "application/json", "id": "report-data"}, {}]
    assert not [(t, k) for t, a in tags.tags for k in a if k.lower().startswith("on")]
    assert not any(t in {"img", "b", "injected", "iframe"} for t, _ in tags.tags)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    embedded = json.loads(tags.scripts[0])  # the data the page's script reads round-trips exactly
    assert {f["message"] for f in embedded["findings"]} == {f["message"] for f in outputs["json"]["findings"]}


def test_markdown_has_no_html_no_syntax_and_no_controls(outputs: dict[str, Any]) -> None:
    md = outputs["md"]
    assert "<" not in md and ">" not in md.replace("> ❌", "")  # only our own blockquote could use ">"
    assert not RAW_CONTROL.search(md)
    assert "](javascript" not in md and "**bold**" not in md and "`code`" not in md
    assert "@admin" not in md  # no mention: a zero-width joiner breaks it
    assert "U+202E" in md  # the bidi override is shown, not applied
    tables: list[list[str]] = []
    previous = ""
    for line in md.splitlines():
        if line.startswith("|"):
            if not previous.startswith("|"):
                tables.append([])
            tables[-1].append(line)
        previous = line
    assert len(tables) >= 2  # thresholds and findings (and scores)
    for table in tables:  # every row has as many cells as the header: no "|" broke out of a cell
        cells = {len(re.findall(r"(?<!\\)\|", line)) for line in table}
        assert len(cells) == 1, table
    rows = [line for table in tables for line in table]
    terminology = [line for line in rows if "terminology" in line]
    assert terminology and "&lt;script&gt;" in "".join(rows)


def test_junit_is_valid_xml_with_the_text_as_text(outputs: dict[str, Any]) -> None:
    raw = outputs["junit"]
    assert not RAW_CONTROL.search(raw.replace("\n", ""))
    root = ET.fromstring(raw)
    allowed = {"testsuites", "testsuite", "properties", "property", "testcase", "failure", "error", "skipped",
               "system-out"}
    assert {el.tag for el in root.iter()} <= allowed
    failures = [el for el in root.iter("failure")]
    assert failures
    text = " ".join((el.text or "") + (el.get("message") or "") for el in root.iter())
    assert "</system-out><injected/>" in text  # XML breakers arrive as text
    assert "U+202E" in text and "\x1b" not in text and "\x9b" not in text


def test_error_line_escapes_a_hostile_file_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / f"gone{ANSI}\u202e.txt"
    rc = main(["compare", str(missing), str(missing)])
    out, err = capsys.readouterr()
    assert rc == 2 and out == ""
    assert err.count("\n") == 1 and not RAW_CONTROL.search(err)
    assert "gone\\u001b[31mRED\\u001b[0m\\u001b]0;pwned\\u0007\\u009b2J\\u202e.txt: file not found" in err


def test_terminal_safe_keeps_json_valid_and_equal() -> None:
    data = {"text": f"{ANSI}{BIDI}\u2028\x7f tab\tand newline\n", "n": 1}
    dumped = json.dumps(data, ensure_ascii=False)
    safe = terminal_safe(dumped)
    assert not RAW_CONTROL.search(safe.replace("\n", "")) and json.loads(safe) == data
    assert terminal_safe("\rprogress 3/4\r x", leading_cr=True) == "\rprogress 3/4\\u000d x"


def test_log_lines_are_one_line_and_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    """The command line's log format: ``evaluator: warning: ...`` on one line, a traceback only at -vv."""
    import io

    stream = io.StringIO()
    safe = TerminalSafe(stream)
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    root.handlers = []
    try:
        configure_logging(logging.WARNING, safe)
        log = logging.getLogger("evaluator.batch")
        try:
            raise ValueError(f"bad\nvalue {ANSI}")
        except ValueError:
            log.warning("pair %s failed", f"id{ANSI}\nsecond line", exc_info=True)
    finally:
        for h in root.handlers:
            h.close()
        root.handlers, root.level = saved
    text = stream.getvalue()
    assert text.count("\n") == 1 and "Traceback" not in text and not RAW_CONTROL.search(text)
    assert text.startswith("evaluator: warning: pair id\\u001b[31mRED")
    assert "(ValueError: bad value \\u001b[31mRED" in text
    # -vv (debug): the traceback too
    stream = io.StringIO()
    root.handlers = []
    try:
        configure_logging(logging.DEBUG, TerminalSafe(stream))
        try:
            raise ValueError("bad")
        except ValueError:
            logging.getLogger("evaluator.batch").warning("pair failed", exc_info=True)
    finally:
        for h in root.handlers:
            h.close()
        root.handlers, root.level = saved
    assert "Traceback (most recent call last)" in stream.getvalue()
