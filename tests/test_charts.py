"""The report's charts: SVG written by evaluator/render/charts.py, checked as XML and by its numbers."""
from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from evaluator.render import charts
from evaluator.render.charts import SEVERITIES, nice_ticks, render_charts

NS = "{http://www.w3.org/2000/svg}"
EVIL = 'x"><script>alert(1)</script> & \'quoted\' and then a very long tail'


def finding(check: str, severity: str) -> dict[str, Any]:
    return {"check": check, "code": "c", "severity": severity, "message": "m"}


def report(chrf: list[float] | None = None, f1: list[float] | None = None,
           findings: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    chrf, f1 = chrf or [], f1 or []
    pairs = [{"chrf": chrf[i] if i < len(chrf) else None, "bertscore_f1": f1[i] if i < len(f1) else None}
             for i in range(max(len(chrf), len(f1)))]
    return {"pairs": pairs, "findings": findings or []}


def by_id(r: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in render_charts(r)}


def tree(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # well-formed XML, or this raises


def bar_titles(svg: str) -> list[str]:
    """The <title> of every <g> that holds bars (rects), in document order."""
    root = tree(svg)
    return [g.findtext(f"{NS}title") or "" for g in root.iter(f"{NS}g") if g.find(f"{NS}rect") is not None]


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in tree(svg).iter(f"{NS}text")]


MIXED = report(
    chrf=[12.0, 40.0, 44.9, 45.0, 99.5, 100.0],
    f1=[-0.31, -0.05, 0.0, 0.42, 0.97, 1.0],
    findings=[finding("omission", "minor")] * 5 + [finding("omission", "critical")] * 2
    + [finding("roles", "major"), finding("roles", "weird-severity"), finding(EVIL, "critical")]
    + [finding("quotes", "info")] * 12,
)


def test_three_charts_with_their_ids_titles_and_captions() -> None:
    out = render_charts(MIXED)
    assert [(c["id"], c["title"], c["caption"]) for c in out] == [
        ("chart-chrf", "chrF per aligned pair", "6 pairs; dashed line: median."),
        ("chart-bertscore", "BERTScore F1 per aligned pair", "6 pairs; dashed line: median."),
        ("chart-findings", "Findings by check and severity", "22 findings."),
    ]
    for c in out:
        svg = str(c["svg"])
        root = tree(svg)
        assert root.tag == f"{NS}svg"
        assert root.get("role") == "img" and root.get("aria-label") and root.get("class") == "chart-svg"
        assert re.fullmatch(r"0 0 \d+(\.\d+)? \d+(\.\d+)?", root.get("viewBox") or "")
        assert "width" not in root.attrib and "height" not in root.attrib
        assert root.get("fill") == "currentColor"
        assert all(t.get("fill") in (None, "currentColor") for t in root.iter(f"{NS}text"))
        assert "<script" not in svg and "href" not in svg and "url(" not in svg and "<?xml" not in svg
        assert "matplotlib" not in svg and "<style" not in svg


def test_hostile_check_name_is_escaped_in_label_and_title() -> None:
    svg = str(by_id(MIXED)["chart-findings"]["svg"])
    assert "<script>" not in svg and 'x">' not in svg and "& '" not in svg
    assert "x&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;quoted&#39;" in svg
    # parsed back, the full name is in a <title> and the visible label is cut with an ellipsis
    root = tree(svg)
    titles = [t.text or "" for t in root.iter(f"{NS}title")]
    assert EVIL in titles and f"{EVIL}: 1 critical" in titles
    label = next(t for t in texts(svg) if t.startswith('x"'))
    assert label.endswith("\u2026") and len(label) <= 22 and EVIL.startswith(label[:-1])
    assert "omission" in texts(svg) and "roles" in texts(svg)


def test_bar_titles_count_the_findings_per_check_and_severity() -> None:
    titles = bar_titles(str(by_id(MIXED)["chart-findings"]["svg"]))
    # most findings on top; unknown severities count as info
    assert titles == ["quotes: 12 info", "omission: 2 critical, 5 minor", "roles: 1 major, 1 info",
                      f"{EVIL}: 1 critical"]
    total = sum(int(n) for t in titles for n in re.findall(r"(\d+) (?:critical|major|minor|info)", t))
    assert total == len(MIXED["findings"])


def test_stacked_segments_are_in_severity_order_and_widths_proportional() -> None:
    root = tree(str(by_id(MIXED)["chart-findings"]["svg"]))
    groups = [g for g in root.iter(f"{NS}g") if g.find(f"{NS}rect") is not None]
    omission = [(r.get("fill"), float(r.get("width") or 0)) for r in groups[1].iter(f"{NS}rect")]
    assert [f for f, _ in omission] == [charts.SEVERITY_COLORS["critical"], charts.SEVERITY_COLORS["minor"]]
    assert omission[1][1] == pytest.approx(omission[0][1] * 5 / 2, rel=0.01)
    quotes = float(next(groups[0].iter(f"{NS}rect")).get("width") or 0)
    assert quotes == pytest.approx(omission[0][1] * 6, rel=0.01)
    legend = [t for t in texts(str(by_id(MIXED)["chart-findings"]["svg"])) if t in SEVERITIES]
    assert legend == ["critical", "major", "minor", "info"]


def test_histogram_bins_are_half_open_with_the_last_one_closed() -> None:
    titles = bar_titles(str(by_id(MIXED)["chart-chrf"]["svg"]))
    assert titles == ["chrF 10\u201315: 1 pair", "chrF 40\u201345: 2 pairs", "chrF 45\u201350: 1 pair",
                      "chrF 95\u2013100: 2 pairs"]


def test_negative_rescaled_bertscore_lands_in_the_right_bins() -> None:
    titles = bar_titles(str(by_id(MIXED)["chart-bertscore"]["svg"]))
    # lo = floor(-0.31 * 20) / 20 = -0.35, twenty bins of 0.0675 up to 1.0
    edges = [-0.35 + i * 0.0675 for i in range(21)]
    expected: dict[int, int] = {}
    for v in MIXED["pairs"]:
        i = min(19, max(k for k in range(20) if edges[k] <= v["bertscore_f1"] + 1e-12))
        expected[i] = expected.get(i, 0) + 1
    want = [f"BERTScore F1 {charts._num(edges[i])}\u2013{charts._num(edges[i + 1])}: {n} pair{'s' * (n != 1)}"
            for i, n in sorted(expected.items())]
    assert titles == want
    assert titles[0] == "BERTScore F1 -0.35\u2013-0.2825: 1 pair"
    assert titles[1] == "BERTScore F1 -0.08\u2013-0.0125: 1 pair"  # -0.05
    assert titles[2] == "BERTScore F1 -0.0125\u20130.055: 1 pair"  # 0.0
    assert titles[-1] == "BERTScore F1 0.9325\u20131: 2 pairs"  # 0.97 and 1.0
    labels = texts(str(by_id(MIXED)["chart-bertscore"]["svg"]))
    assert "median 0.210" in labels


def test_bertscore_bins_start_at_half_when_all_scores_are_high() -> None:
    titles = bar_titles(str(by_id(report(f1=[0.91, 0.92, 0.93]))["chart-bertscore"]["svg"]))
    assert titles == ["BERTScore F1 0.9\u20130.925: 2 pairs", "BERTScore F1 0.925\u20130.95: 1 pair"]


def test_same_report_gives_byte_identical_svg() -> None:
    a = [str(c["svg"]) for c in render_charts(MIXED)]
    copy = {"pairs": [dict(p) for p in MIXED["pairs"]], "findings": [dict(f) for f in MIXED["findings"]]}
    b = [str(c["svg"]) for c in render_charts(copy)]
    assert a == b
    assert a != [str(c["svg"]) for c in render_charts(report(chrf=[1.0], f1=[0.9], findings=[finding("a", "info")]))]


def test_empty_inputs_give_no_chart() -> None:
    assert render_charts({}) == []
    assert render_charts({"pairs": [], "findings": []}) == []
    assert render_charts(report(chrf=[float("nan")])) == []  # nothing finite to plot
    only_f1 = render_charts({"pairs": [{"chrf": None, "bertscore_f1": 0.8}], "findings": None})
    assert [c["id"] for c in only_f1] == ["chart-bertscore"]
    only_findings = render_charts({"pairs": [{"chrf": None}], "findings": [finding("x", "minor")]})
    assert [c["id"] for c in only_findings] == ["chart-findings"]


def test_a_single_value_draws_one_bar_and_its_median() -> None:
    out = by_id(report(chrf=[73.0], f1=[0.5], findings=[finding("glossary", "major")]))
    assert bar_titles(str(out["chart-chrf"]["svg"])) == ["chrF 70\u201375: 1 pair"]
    assert bar_titles(str(out["chart-bertscore"]["svg"])) == ["BERTScore F1 0.5\u20130.525: 1 pair"]
    assert bar_titles(str(out["chart-findings"]["svg"])) == ["glossary: 1 major"]
    assert "median 73.0" in texts(str(out["chart-chrf"]["svg"]))
    assert "median 0.500" in texts(str(out["chart-bertscore"]["svg"]))
    ys = [t for t in texts(str(out["chart-chrf"]["svg"])) if re.fullmatch(r"[\d.]+", t)]
    assert ys[:2] == ["0", "1"]  # integer y ticks: 0 and 1, no 0.2 steps
    line = next(line for line in tree(str(out["chart-chrf"]["svg"])).iter(f"{NS}line")
                if line.get("stroke-dasharray"))
    assert float(line.get("x1") or 0) == float(line.get("x2") or 0)
    assert all(0 <= float(line.get(k) or -1) <= 400 for k in ("x1", "y1", "y2"))


def is_nice(step: float) -> bool:
    mantissa = step / 10 ** math.floor(math.log10(step) + 1e-9)
    return any(abs(mantissa - m) < 1e-6 for m in (1, 2, 5))


@pytest.mark.parametrize(("lo", "hi", "integer"), [
    (0, 100, False), (0.5, 1.0, False), (-0.35, 1.0, False), (0, 1, True), (0, 7, True), (0, 42, True),
    (0, 1234, True), (0.123, 0.127, False), (-3.7, 12.1, False), (5, 5, True),
])
def test_nice_ticks_are_one_two_five_steps_covering_the_range(lo: float, hi: float, integer: bool) -> None:
    ticks = nice_ticks(lo, hi, 5, integer=integer)
    assert 2 <= len(ticks) <= 12
    assert ticks[0] <= lo + 1e-9 and ticks[-1] >= hi - 1e-9
    steps = {round(b - a, 9) for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(steps) == 1 and is_nice(steps.pop())
    if integer:
        assert all(t == int(t) for t in ticks)


def test_numeric_tick_labels_in_the_charts_are_nice_numbers() -> None:
    for c in render_charts(MIXED):
        svg = str(c["svg"])
        nums = [t for t in texts(svg) if re.fullmatch(r"-?\d+(\.\d+)?", t)]
        root = tree(svg)
        # tick labels: y labels (anchor end) and x labels (anchor middle) that are plain numbers
        ends = [float(t.text or 0) for t in root.iter(f"{NS}text")
                if t.get("text-anchor") == "end" and re.fullmatch(r"-?\d+(\.\d+)?", t.text or "")]
        mids = [float(t.text or 0) for t in root.iter(f"{NS}text")
                if t.get("text-anchor") == "middle" and re.fullmatch(r"-?\d+(\.\d+)?", t.text or "")]
        assert nums and len(nums) == len(ends) + len(mids)
        for axis in (ends, mids):
            if axis:
                steps = {round(b - a, 9) for a, b in zip(axis, axis[1:], strict=False)}
                assert len(steps) <= 1 and all(is_nice(abs(s)) for s in steps), (c["id"], axis)
        if c["id"] == "chart-chrf":
            assert mids == [0, 20, 40, 60, 80, 100]
        if c["id"] == "chart-bertscore":
            assert mids == [0.0, 0.5, 1.0] and ends == [0, 1, 2]  # x from -0.35, at most 2 pairs a bin
        if c["id"] == "chart-findings":
            assert mids == [0, 5, 10, 15]  # longest bar: 12 findings


@pytest.mark.parametrize("n", [3, 90, 1_500, 25_000])
def test_histogram_tick_labels_clear_the_rotated_axis_title(n: int) -> None:
    """The y tick labels (right-aligned, 5 units left of the axis) start right of the rotated "pairs"
    title at x=12 (about 4-16), however many digits the counts have."""
    svg = str(charts.histogram([0.5] * n, [0.0, 0.25, 0.5, 0.75, 1.0], "x", "lab", ".2f"))
    for x, label in re.findall(r'<text x="([\d.]+)"[^>]*text-anchor="end"[^>]*>(\d+)</text>', svg):
        assert float(x) - len(label) * charts._CHAR >= 16.5, (x, label)
