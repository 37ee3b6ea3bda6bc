"""The Jupyter view (``Report._repr_html_``): summary, findings, side by side; no script, user text escaped."""
from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from typing import Any

import pytest

import evaluator
from evaluator.render.html import asset
from evaluator.render.notebook import ROOT_CLASS, render_notebook

HOSTILE = [
    '<script>alert("x")</script>',
    "<img src=x onerror=alert(1)>",
    "</style><b onmouseover=alert(2)>bold</b>",
    "javascript:alert(3)",
    "{{ 7*7 }}",
    '"quoted" & <amp>',
]
ORIGINAL = ("The minister said sales rose 10 million in 2023. "
            f"The caption read {HOSTILE[0]} under the photo. "
            f"A reader wrote {HOSTILE[1]} in the comments. "
            f"The banner showed {HOSTILE[2]} all day. "
            f"The link was {HOSTILE[3]} and nothing else. "
            f"The template printed {HOSTILE[4]} by mistake. "
            f"He called it {HOSTILE[5]} twice.")
REWRITTEN = ("The minister said sales rose 12 million in 2023. "
             f"The caption read {HOSTILE[0]} under the picture. "
             f"A reader wrote {HOSTILE[1]} in the comments. "
             f"The banner showed {HOSTILE[2]} all day. "
             f"The link was {HOSTILE[3]} and nothing else. "
             f"The template printed {HOSTILE[4]} by mistake. "
             "Seoul hosted the summit on Friday.")


class Collect(HTMLParser):
    """Every tag with its attributes, the text a reader sees, and the <style> contents."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        (self.styles if self._in_style else self.text).append(data)


@pytest.fixture(scope="module")
def report(resources: Any) -> Any:
    return evaluator.compare(ORIGINAL, REWRITTEN, resources=resources)


@pytest.fixture(scope="module")
def parsed(report: Any) -> tuple[str, Collect]:
    html = report._repr_html_()
    c = Collect()
    c.feed(html)
    c.close()
    return html, c


@pytest.mark.slow
def test_no_scripts_no_handlers_no_active_urls(parsed: tuple[str, Collect]) -> None:
    html, c = parsed
    assert "<script" not in html.lower()
    names = {t for t, _ in c.tags}
    assert not names & {"script", "img", "iframe", "object", "embed", "link", "meta", "base", "form", "b"}, names
    for tag, attrs in c.tags:
        for name, value in attrs:
            assert not name.lower().startswith("on"), (tag, name)
            assert name.lower() not in ("src", "href", "action", "formaction"), (tag, name)
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, name, value)
    assert not re.search(r"<[^>]*\son\w+\s*=", html, re.I)


@pytest.mark.slow
def test_user_text_is_escaped_and_shown_as_text(parsed: tuple[str, Collect]) -> None:
    html, c = parsed
    visible = re.sub(r"\s+", " ", "".join(c.text))
    for h in HOSTILE:
        assert h in visible, h  # the reader sees it literally ...
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html  # ... because it is escaped
    assert "{{ 7*7 }}" in visible and "49" not in visible
    # One <style>, ours: "</style>" in the article cannot end it early.
    assert c.styles == [asset("notebook.css")]


@pytest.mark.slow
def test_summary_and_findings_are_present(report: Any, parsed: tuple[str, Collect]) -> None:
    html, c = parsed
    data = report.to_dict()
    visible = re.sub(r"\s+", " ", "".join(c.text))
    assert len(data["findings"]) >= 2
    rows = [attrs for t, attrs in c.tags if t == "tr" and "nb-finding" in (dict(attrs).get("class") or "")]
    assert len(rows) == len(data["findings"])
    for f in data["findings"]:
        assert re.sub(r"\s+", " ", f["message"]) in visible
        assert f"{f['check']} / {f['code']}" in visible
    assert "number-changed" in visible and "10 million" in visible and "12 million" in visible
    for name in ("BLEU", "chrF", "TER"):
        assert name in visible
    counts = data["summary"]["findings_by_severity"]
    assert f"Findings ({sum(counts.values())})" in visible
    n_pairs = len(data["alignment"])
    assert f"Side by side ({n_pairs} of {n_pairs} pairs)" in visible
    assert "<td>1<br>" in html and "<td>0<br>" not in html  # rows counted from 1, as everywhere else


@pytest.mark.slow
def test_css_is_scoped_to_the_fragment() -> None:
    css = re.sub(r"/\*.*?\*/", "", asset("notebook.css"), flags=re.S)
    selectors = [s.strip() for block in re.findall(r"([^{}]+)\{[^{}]*\}", css) for s in block.split(",")]
    assert selectors
    for s in selectors:
        assert s.startswith(f".{ROOT_CLASS}"), s  # a notebook's own styles are left alone


@pytest.mark.slow
def test_a_long_report_keeps_the_flagged_pairs(report: Any) -> None:
    data = report.to_dict()
    flagged = {f["alignment"] for f in data["findings"] if f["alignment"] is not None}
    html = render_notebook(data, max_pairs=len(flagged))
    c = Collect()
    c.feed(html)
    shown = [attrs for t, attrs in c.tags if t == "tr" and (dict(attrs).get("class") or "").startswith("k-")]
    assert len(shown) == len(flagged) < len(data["alignment"])
    visible = "".join(c.text)
    assert "10 million" in visible  # the flagged number change survived the cut
    assert f"Side by side ({len(flagged)} of {len(data['alignment'])} pairs)" in re.sub(r"\s+", " ", visible)


@pytest.mark.slow
def test_gate_verdict_shows(report: Any) -> None:
    data = report.to_dict()
    data["gate"] = {"status": "fail", "results": [], "counts": {}, "findings": {}, "waivers": {}}
    assert "gate: fail" in render_notebook(data)


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="/usr/bin/chromium is not installed")
def test_in_a_real_browser_nothing_runs(parsed: tuple[str, Collect], report: Any) -> None:
    """Chromium with JavaScript on: the fragment shows its findings and opens no dialog."""
    sync_api = pytest.importorskip("playwright.sync_api")
    html, _ = parsed
    dialogs: list[str] = []
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        try:
            page = b.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.route("**/*", lambda route: route.abort())  # nothing may be fetched either
            page.set_content(f"<!doctype html><html><body>{html}</body></html>")
            page.wait_for_timeout(300)
            rows = page.locator("tr.nb-finding")
            assert rows.count() == len(report.findings)
            assert rows.first.is_visible()
            page.locator("summary", has_text="Side by side").click()
            page.locator("table.pairs mark.f").first.hover()  # a hover must not run anything either
            page.wait_for_timeout(200)
            assert page.evaluate("document.scripts.length") == 0
        finally:
            b.close()
    assert dialogs == []
