"""The Jupyter view of a report (``Report._repr_html_``): no script, CSS scoped under one class."""
from __future__ import annotations

from typing import Any

from .html import asset, build_view, environment

ROOT_CLASS = "evaluator-report-nb"
MAX_PAIRS = 300  # a notebook cell is not the place for a whole book; write_html is


def render_notebook(report: dict[str, Any], *, max_pairs: int = MAX_PAIRS) -> str:
    """Summary, findings and the side-by-side view as one HTML fragment (safe where scripts are blocked)."""
    view = build_view(report, charts=False)
    pairs = view["pairs"]
    if len(pairs) > max_pairs:
        # Keep flagged pairs first so the cut never hides the evidence.
        flagged = [p for p in pairs if p["findings"]]
        rest = [p for p in pairs if not p["findings"]]
        keep = {p["k"] for p in (flagged + rest)[:max_pairs]}
        pairs = [p for p in pairs if p["k"] in keep]
    html = environment().get_template("notebook.html.j2").render(
        v=view, pairs=pairs, root=ROOT_CLASS, css=asset("notebook.css"))
    return str(html)
