"""Charts for the HTML report: small, deterministic inline SVG written directly (no plotting library).

Importing and running matplotlib cost ~0.66 s of a ~4 s cold ``evaluator compare``; the report's
three charts are simple shapes, so we write them here. Text and axes use ``currentColor`` so the
charts follow the page's light or dark scheme; every text that comes from data is escaped.
"""
from __future__ import annotations

import math
import statistics
from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

from . import plural

SEVERITY_COLORS = {"critical": "#c0362c", "major": "#d9822b", "minor": "#3f7fbf", "info": "#8c959f"}
SEVERITIES = ("critical", "major", "minor", "info")
_GRID_STYLE = 'stroke="#8c959f" stroke-width="0.5" opacity="0.5"'
_BAR = "#4f6fad"
_ACCENT = "#c0362c"
_W = 400  # viewBox width; the CSS scales the chart to its column
_CHAR = 6.2  # rough advance of one character at font-size 11, for margins and the legend
_MAX_LABEL = 22  # longer check names are cut with an ellipsis; the full name goes in a <title>


def _num(x: float, places: int = 4) -> str:
    """A short, deterministic number: rounded, no trailing zeros, never ``-0``."""
    s = f"{round(x, places):.{places}f}"
    s = s.rstrip("0").rstrip(".") if "." in s else s
    return "0" if s == "-0" else s


def nice_ticks(lo: float, hi: float, target: int = 5, *, integer: bool = False) -> list[float]:
    """Ticks covering ``[lo, hi]`` at a step of 1, 2 or 5 x 10^k (at least 1 when ``integer``)."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / max(1, target)
    mag = 10.0 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw * (1 - 1e-9))
    if integer:
        step = max(1.0, float(round(step)))
    places = max(0, -math.floor(math.log10(step))) + 1
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    return [round(k * step, places) for k in range(first, last + 1)]


def _labels(ticks: Sequence[float]) -> list[str]:
    """Tick labels with as many decimals as the step needs, the same for every tick of an axis."""
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    places = max(0, -math.floor(math.log10(step) + 1e-9))
    return [f"{t:.{places}f}" for t in ticks]


def _svg(height: float, label: str, body: list[str]) -> Markup:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {_num(height, 1)}" role="img" '
            f'aria-label="{escape(label)}" class="chart-svg" font-size="11" fill="currentColor">')
    return Markup(head + "".join(body) + "</svg>")


def _text(x: float, y: float, s: str, anchor: str = "middle", extra: str = "") -> str:
    return (f'<text x="{_num(x, 1)}" y="{_num(y, 1)}" text-anchor="{anchor}"{extra}>'
            f"{escape(s)}</text>")


def _line(x1: float, y1: float, x2: float, y2: float, extra: str = 'stroke="currentColor"') -> str:
    return f'<line x1="{_num(x1, 1)}" y1="{_num(y1, 1)}" x2="{_num(x2, 1)}" y2="{_num(y2, 1)}" {extra}/>'


def _rect(x: float, y: float, w: float, h: float, fill: str) -> str:
    return (f'<rect x="{_num(x, 1)}" y="{_num(y, 1)}" width="{_num(w, 2)}" height="{_num(h, 2)}" '
            f'fill="{fill}"/>')


def histogram(values: Sequence[float], edges: Sequence[float], xlabel: str, label: str,
              fmt: str) -> Markup:
    """Counts of ``values`` in ``edges`` (half-open bins, the last one closed), with a dashed median."""
    n = len(edges) - 1
    counts = [0] * n
    for v in values:
        counts[min(n - 1, max(0, bisect_right(edges, v) - 1))] += 1
    yticks = nice_ticks(0, max(counts), 4, integer=True)
    ymax = yticks[-1]
    # The rotated axis title sits at x=12; the tick labels end 5 units left of the axis: room for the widest.
    left, right, top, bottom, height = 22.0 + _CHAR * max(2, *map(len, _labels(yticks))), 10.0, 22.0, 40.0, 232.0
    pw, ph = _W - left - right, height - top - bottom
    lo, hi = edges[0], edges[-1]

    def sx(v: float) -> float:
        return left + (v - lo) / (hi - lo) * pw

    def sy(c: float) -> float:
        return top + ph - c / ymax * ph

    out = []
    for t, s in zip(yticks, _labels(yticks), strict=True):  # light grid and y tick labels
        out.append(_line(left, sy(t), left + pw, sy(t), _GRID_STYLE))
        out.append(_text(left - 5, sy(t), s, "end", ' dy=".32em"'))
    for i, c in enumerate(counts):
        if c:
            x0, x1 = sx(edges[i]), sx(edges[i + 1])
            gap = (x1 - x0) * 0.05
            tip = f"{xlabel} {_num(edges[i])}\u2013{_num(edges[i + 1])}: {c} pair{'s' if c != 1 else ''}"
            bar = _rect(x0 + gap, sy(c), x1 - x0 - 2 * gap, sy(0) - sy(c), _BAR)
            out.append(f"<g><title>{escape(tip)}</title>{bar}</g>")
    out.append(_line(left, top + ph, left + pw, top + ph))
    out.append(_line(left, top, left, top + ph))
    xticks = nice_ticks(lo, hi, 5)
    for t, s in zip(xticks, _labels(xticks), strict=True):
        if lo - 1e-9 <= t <= hi + 1e-9:
            out.append(_line(sx(t), top + ph, sx(t), top + ph + 4))
            out.append(_text(sx(t), top + ph + 15, s))
    out.append(_text(left + pw / 2, height - 6, xlabel))
    out.append(_text(12, top + ph / 2, "pairs", extra=f' transform="rotate(-90 12 {_num(top + ph / 2, 1)})"'))
    med = statistics.median(values)
    mx = min(left + pw, max(left, sx(med)))
    out.append(_line(mx, top, mx, top + ph, f'stroke="{_ACCENT}" stroke-width="1.2" stroke-dasharray="4 3"'))
    flip = mx > left + 0.7 * pw
    out.append(_text(mx + 3 if flip else mx - 3, top - 6, f"median {med:{fmt}}", "end" if flip else "start"))
    return _svg(height, label, out)


def findings_bars(findings: Sequence[dict[str, Any]]) -> Markup:
    """One horizontal bar per check, stacked by severity; the check with most findings on top."""
    counts: dict[str, dict[str, int]] = {}
    for f in findings:
        sev = str(f.get("severity", "info"))
        row = counts.setdefault(str(f.get("check", "")), dict.fromkeys(SEVERITIES, 0))
        row[sev if sev in SEVERITIES else "info"] += 1
    checks = sorted(counts, key=lambda c: (sum(counts[c].values()), c), reverse=True)
    labels = {c: c if len(c) <= _MAX_LABEL else c[:_MAX_LABEL - 1] + "\u2026" for c in checks}
    row_h, top, bottom, right = 22.0, 30.0, 40.0, 14.0
    left = 12 + _CHAR * max(3, max(len(s) for s in labels.values()))
    pw, height = _W - left - right, top + row_h * len(checks) + bottom
    xticks = nice_ticks(0, max(sum(r.values()) for r in counts.values()), 5, integer=True)

    def sx(v: float) -> float:
        return left + v / xticks[-1] * pw

    out, x = [], left
    for sev in (s for s in SEVERITIES if any(r[s] for r in counts.values())):  # legend on top
        out.append(_rect(x, 8, 9, 9, SEVERITY_COLORS[sev]) + _text(x + 13, 16.5, sev, "start"))
        x += 13 + _CHAR * len(sev) + 12
    base = top + row_h * len(checks)
    for t, s in zip(xticks, _labels(xticks), strict=True):
        out.append(_line(sx(t), top, sx(t), base, _GRID_STYLE))
        out.append(_line(sx(t), base, sx(t), base + 4) + _text(sx(t), base + 15, s))
    for i, c in enumerate(checks):
        y, row = top + row_h * i, counts[c]
        tip = ", ".join(f"{row[s]} {s}" for s in SEVERITIES if row[s])
        segs, acc = [], 0
        for s in SEVERITIES:
            if row[s]:
                segs.append(_rect(sx(acc), y + row_h * 0.19, sx(acc + row[s]) - sx(acc), row_h * 0.62,
                                  SEVERITY_COLORS[s]))
                acc += row[s]
        out.append(f"<g><title>{escape(c)}: {escape(tip)}</title>{''.join(segs)}</g>")
        name = _text(left - 6, y + row_h / 2, labels[c], "end", ' dy=".32em"')
        out.append(f"<g><title>{escape(c)}</title>{name}</g>" if labels[c] != c else name)
    out.append(_line(left, top, left, base) + _line(left, base, left + pw, base))
    out.append(_text(left + pw / 2, height - 6, "findings"))
    return _svg(height, "Findings by check, stacked by severity", out)


def _finite(pairs: Sequence[dict[str, Any]], key: str) -> list[float]:
    values = (float(p[key]) for p in pairs if p.get(key) is not None)
    return [v for v in values if math.isfinite(v)]


def render_charts(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The report's charts as ``{"id", "title", "caption", "svg"}``; empty where there is nothing to plot."""
    pairs = report.get("pairs") or []
    chrf, f1 = _finite(pairs, "chrf"), _finite(pairs, "bertscore_f1")
    findings = report.get("findings") or []
    out: list[dict[str, Any]] = []
    if chrf:
        out.append({
            "id": "chart-chrf", "title": "chrF per aligned pair",
            "caption": f"{plural(len(chrf), 'pair')}; dashed line: median.",
            "svg": histogram(chrf, [i * 5 for i in range(21)], "chrF", "Histogram of chrF per aligned pair", ".1f"),
        })
    if f1:
        lo = min(0.5, math.floor(min(f1) * 20) / 20)  # rescaled BERTScore can go below zero
        step = (1.0 - lo) / 20
        out.append({
            "id": "chart-bertscore", "title": "BERTScore F1 per aligned pair",
            "caption": f"{plural(len(f1), 'pair')}; dashed line: median.",
            "svg": histogram(f1, [lo + i * step for i in range(21)], "BERTScore F1",
                             "Histogram of BERTScore F1 per aligned pair", ".3f"),
        })
    if findings:
        out.append({
            "id": "chart-findings", "title": "Findings by check and severity",
            "caption": f"{plural(len(findings), 'finding')}.",
            "svg": findings_bars(findings),
        })
    return out
