"""Charts for the HTML report, drawn with matplotlib into small, deterministic inline SVG."""
from __future__ import annotations

import io
import logging
import math
import re
import statistics
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

log = logging.getLogger(__name__)

# Text and axis colours are drawn with this sentinel, then swapped for ``currentColor`` so the
# charts follow the page's light or dark scheme without drawing them twice.
_INK = "#010203"
_GRID = "#8c959f"
SEVERITY_COLORS = {"critical": "#c0362c", "major": "#d9822b", "minor": "#3f7fbf", "info": "#8c959f"}
_BAR = "#4f6fad"
_ACCENT = "#c0362c"
_SALT = "evaluator-report"

_PROLOG = re.compile(r"^.*?(?=<svg\b)", re.S)
_ID = re.compile(r'\bid="([^"]+)"')
_SIZE = re.compile(r'<svg([^>]*?)\swidth="[^"]*"\s+height="[^"]*"')


def _rc() -> dict[str, Any]:
    return {
        "svg.fonttype": "none",
        "svg.hashsalt": _SALT,
        "font.family": ["sans-serif"],
        "font.sans-serif": ["DejaVu Sans"],
        "font.size": 9,
        "text.parse_math": False,  # a "$" in a check name must stay a dollar sign
        "text.color": _INK,
        "axes.labelcolor": _INK,
        "axes.edgecolor": _INK,
        "xtick.color": _INK,
        "ytick.color": _INK,
        "axes.facecolor": "none",
        "figure.facecolor": "none",
        "savefig.facecolor": "none",
        "savefig.edgecolor": "none",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "path.simplify": True,
    }


def _to_svg(fig: Any, key: str, label: str) -> Markup:
    """Serialise a figure to an inline ``<svg>`` with unique ids, no prolog and an accessible label."""
    import matplotlib.pyplot as plt

    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    plt.close(fig)
    svg = _PROLOG.sub("", buf.getvalue(), count=1).strip()
    # Several charts share one page: prefix matplotlib's ids so clip paths never collide.
    for ident in sorted(set(_ID.findall(svg)), key=len, reverse=True):
        new = f"{key}-{ident}"
        svg = (svg.replace(f'id="{ident}"', f'id="{new}"')
               .replace(f"url(#{ident})", f"url(#{new})")
               .replace(f'href="#{ident}"', f'href="#{new}"'))
    svg = svg.replace(_INK, "currentColor")
    svg = _SIZE.sub(r"<svg\1", svg, count=1)
    svg = svg.replace("<svg", f'<svg role="img" aria-label="{escape(label)}" class="chart-svg"', 1)
    return Markup(svg)


def _histogram(values: Sequence[float], bins: Sequence[float], xlabel: str, key: str,
               label: str, fmt: str) -> Markup:
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    fig, ax = plt.subplots(figsize=(4.6, 2.5))
    ax.hist(values, bins=list(bins), color=_BAR, edgecolor="none", rwidth=0.9)
    med = statistics.median(values)
    ax.axvline(med, color=_ACCENT, linewidth=1.2, linestyle="--")
    ax.annotate(f"median {med:{fmt}}", xy=(med, 1), xycoords=("data", "axes fraction"),
                xytext=(4, -10), textcoords="offset points", color=_INK, fontsize=8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("pairs")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(axis="y", color=_GRID, linewidth=0.4, alpha=0.5)
    ax.set_axisbelow(True)
    return _to_svg(fig, key, label)


def _findings_bars(findings: Sequence[dict[str, Any]], key: str) -> Markup:
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    order = ("critical", "major", "minor", "info")
    checks = sorted({str(f.get("check", "")) for f in findings})
    counts = {c: {s: 0 for s in order} for c in checks}
    for f in findings:
        sev = str(f.get("severity", "info"))
        counts[str(f.get("check", ""))][sev if sev in order else "info"] += 1
    checks.sort(key=lambda c: (sum(counts[c].values()), c))
    fig, ax = plt.subplots(figsize=(4.6, 0.6 + 0.32 * len(checks)))
    left = [0] * len(checks)
    for sev in order:
        widths = [counts[c][sev] for c in checks]
        if any(widths):
            ax.barh(checks, widths, left=left, color=SEVERITY_COLORS[sev], label=sev, height=0.62)
            left = [a + b for a, b in zip(left, widths, strict=True)]
    ax.set_xlabel("findings")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(axis="x", color=_GRID, linewidth=0.4, alpha=0.5)
    ax.set_axisbelow(True)
    ax.legend(frameon=False, fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=4,
              handlelength=1.0, columnspacing=1.0)
    return _to_svg(fig, key, "Findings by check, stacked by severity")


def render_charts(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The report's charts as ``{"id", "title", "caption", "svg"}``; empty where there is nothing to plot."""
    try:
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - matplotlib is a core dependency
        log.warning("matplotlib is not installed; the report has no charts")
        return []

    pairs = report.get("pairs") or []
    chrf = [float(p["chrf"]) for p in pairs if p.get("chrf") is not None]
    f1 = [float(p["bertscore_f1"]) for p in pairs if p.get("bertscore_f1") is not None]
    findings = report.get("findings") or []
    out: list[dict[str, Any]] = []
    rc: Any = _rc()
    with plt.rc_context(rc):
        if chrf:
            out.append({
                "id": "chart-chrf", "title": "chrF per aligned pair",
                "caption": f"{len(chrf)} pairs; dashed line: median.",
                "svg": _histogram(chrf, [i * 5 for i in range(21)], "chrF", "c1",
                                  "Histogram of chrF per aligned pair", ".1f"),
            })
        if f1:
            lo = min(0.5, math.floor(min(f1) * 20) / 20)  # rescaled BERTScore can go below zero
            step = (1.0 - lo) / 20
            out.append({
                "id": "chart-bertscore", "title": "BERTScore F1 per aligned pair",
                "caption": f"{len(f1)} pairs; dashed line: median.",
                "svg": _histogram(f1, [lo + i * step for i in range(21)], "BERTScore F1", "c2",
                                  "Histogram of BERTScore F1 per aligned pair", ".3f"),
            })
        if findings:
            out.append({
                "id": "chart-findings", "title": "Findings by check and severity",
                "caption": f"{len(findings)} findings.",
                "svg": _findings_bars(findings, "c3"),
            })
    return out
