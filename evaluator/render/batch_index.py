"""The batch overview page ``DIR/index.html``: one sortable table linking to each pair's report.

Self-contained (inline CSS and vanilla JS, no network), every value escaped by jinja2's autoescape;
the script is allowed by its hash in the Content-Security-Policy, so nothing injected could run.
Rows come worst first (``worst_first``: pairs that failed to score, then the most critical findings,
the most major ones, the lowest chrF); a "Worst first" button brings that order back.  Clicking a
heading sorts by its column (``aria-sort`` and an arrow show which); sorting reads each cell's
``data-v`` attribute (numbers sort as numbers, text in natural order, so ``p2`` comes before ``p10``;
empty cells last).  The filter matches the pair id only (the first cell's ``data-v``), not the error
text shown under it.  A run-info line names the date, the settings (``summary["settings"]``, when the
summary has them) and links ``summary.json`` and ``batch.json`` beside the page.
"""
from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import math
import os
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from .._atomic import atomic_write_text

COLUMNS: tuple[tuple[str, str, bool], ...] = (
    # key, heading, numeric
    ("id", "Pair", False),
    ("status", "Status", False),
    ("critical", "Critical", True),
    ("major", "Major", True),
    ("minor", "Minor", True),
    ("chrf", "chrF", True),
    ("bleu", "BLEU", True),
    ("bertscore_f1", "BERTScore F1", True),
    ("coverage_original", "Coverage (orig.)", True),
    ("coverage_rewritten", "Coverage (rewr.)", True),
)

SCRIPT = """\
(function () {
  var table = document.getElementById("pairs");
  var body = table.tBodies[0];
  var heads = table.tHead.rows[0].cells;
  var collator = new Intl.Collator(undefined, {numeric: true, sensitivity: "base"});
  function key(cell, numeric) {
    var v = cell.getAttribute("data-v");
    if (v === null || v === "") { return null; }
    return numeric ? parseFloat(v) : v;
  }
  function compare(x, y, numeric) {
    if (numeric) { return x < y ? -1 : x > y ? 1 : 0; }
    return collator.compare(x, y);
  }
  var worstFirst = Array.prototype.slice.call(body.rows);
  function unsorted() {
    for (var i = 0; i < heads.length; i++) { heads[i].setAttribute("aria-sort", "none"); }
  }
  function sortBy(col) {
    var th = heads[col];
    var numeric = th.getAttribute("data-type") === "num";
    var was = th.getAttribute("aria-sort");
    var dir = was === "descending" ? 1 : -1;
    if (was === null || was === "none") { dir = numeric ? -1 : 1; }
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[col], numeric), y = key(b.cells[col], numeric);
      if (x === y) { return 0; }
      if (x === null) { return 1; }
      if (y === null) { return -1; }
      return compare(x, y, numeric) * dir;
    });
    unsorted();
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    rows.forEach(function (r) { body.appendChild(r); });
  }
  Array.prototype.forEach.call(heads, function (th, col) {
    var b = th.querySelector("button");
    b.addEventListener("click", function () { sortBy(col); });
  });
  var filter = document.getElementById("filter");
  filter.addEventListener("input", function () {
    var q = filter.value.toLowerCase();
    Array.prototype.forEach.call(body.rows, function (r) {
      r.hidden = q !== "" && r.cells[0].getAttribute("data-v").toLowerCase().indexOf(q) < 0;
    });
  });
  var reset = document.getElementById("worst-first");
  if (reset) {
    reset.addEventListener("click", function () {
      unsorted();
      worstFirst.forEach(function (r) { body.appendChild(r); });
    });
  }
})();
"""


def _cell(row: dict[str, Any], key: str, numeric: bool) -> dict[str, Any]:
    v = row.get(key)
    if v is None:
        return {"v": "", "text": "" if row.get("status") == "ok" else "–"}
    if numeric:
        if key.startswith("coverage"):
            return {"v": repr(float(v)), "text": f"{float(v):.0%}"}
        if isinstance(v, float):
            return {"v": repr(v), "text": f"{v:.3f}" if key == "bertscore_f1" else f"{v:.1f}"}
        return {"v": str(v), "text": str(v)}
    return {"v": str(v), "text": str(v)}


def worst_first(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pairs that failed to score first, then the most critical findings, the most major, the lowest
    chrF (none, where nothing aligned, before any score); the manifest's order among equals."""
    def key(r: dict[str, Any]) -> tuple[Any, ...]:
        chrf = r.get("chrf")
        score = float(chrf) if isinstance(chrf, int | float) and math.isfinite(chrf) else None
        return (r.get("status") == "ok", -int(r.get("critical") or 0), -int(r.get("major") or 0),
                score is not None, score or 0.0)

    return sorted(rows, key=key)


def build_rows(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Plain data for the template, worst first: each row's cells, link and error."""
    out = []
    for r in worst_first(rows):
        out.append({"cells": [_cell(r, k, num) for k, _, num in COLUMNS], "html": r.get("html"),
                    "error": r.get("error"), "status": r.get("status"),
                    "worst": "critical" if r.get("critical") else "major" if r.get("major") else ""})
    return out


def run_info(summary: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) pairs of the settings a reader needs to trust the numbers: model, checks, engine."""
    settings = summary.get("settings")
    if not isinstance(settings, dict):
        return []
    raw = settings.get("options")
    opts: dict[str, Any] = raw if isinstance(raw, dict) else {}
    out: list[tuple[str, str]] = []
    if opts.get("model"):
        layer = opts.get("layer")
        model = str(opts["model"]) + (f" (layer {layer})" if layer is not None else "")
        out.append(("model", model if opts.get("bertscore", True) else f"{model}, BERTScore off"))
    if "checks" in opts:
        checks = opts["checks"]
        out.append(("checks", ", ".join(str(c) for c in checks) if checks else "all"))
    for key in ("lang", "precision", "device"):
        if opts.get(key):
            out.append((key, str(opts[key])))
    if settings.get("engine"):
        workers = settings.get("workers")
        out.append(("engine", f"{settings['engine']}" + (f", {workers} workers" if workers and workers != 1 else "")))
    return out


def render_index(summary: dict[str, Any], rows: Sequence[dict[str, Any]], *,
                 generated: _dt.datetime | None = None) -> str:
    """The overview page as one HTML string; ``generated`` is the date it shows (default: now)."""
    js_hash = "sha256-" + base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode()
    from .html import environment

    when = (generated or _dt.datetime.now().astimezone())
    template = environment().get_template("batch_index.html.j2")
    # The script is our own constant (Markup keeps it byte-identical to what the CSP hash covers).
    return str(template.render(s=summary, columns=COLUMNS, rows=build_rows(rows), js=Markup(SCRIPT),
                               js_hash=js_hash, info=run_info(summary),
                               generated=when.strftime("%Y-%m-%d %H:%M") + (f" {when.strftime('%Z')}"
                                                                            if when.tzinfo else ""),
                               generated_iso=when.isoformat(timespec="seconds")))


def write_index(path: str | os.PathLike[str], summary: dict[str, Any], rows: Sequence[dict[str, Any]]) -> None:
    """Render and write atomically."""
    atomic_write_text(path, render_index(summary, rows))
