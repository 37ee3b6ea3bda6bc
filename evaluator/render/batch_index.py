"""The batch overview page ``DIR/index.html``: one sortable table linking to each pair's report.

Self-contained (inline CSS and vanilla JS, no network), every value escaped by jinja2's autoescape;
the script is allowed by its hash in the Content-Security-Policy, so nothing injected could run.
Sorting reads each cell's ``data-v`` attribute (numbers sort as numbers, text in natural order, so
``p2`` comes before ``p10``; empty cells last).  The filter matches the pair id only (the first cell's
``data-v``), not the error text shown under it.
"""
from __future__ import annotations

import base64
import hashlib
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
  function sortBy(col) {
    var th = heads[col];
    var numeric = th.getAttribute("data-type") === "num";
    var dir = th.getAttribute("aria-sort") === "descending" ? 1 : -1;
    if (th.getAttribute("aria-sort") === null) { dir = numeric ? -1 : 1; }
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[col], numeric), y = key(b.cells[col], numeric);
      if (x === y) { return 0; }
      if (x === null) { return 1; }
      if (y === null) { return -1; }
      return compare(x, y, numeric) * dir;
    });
    for (var i = 0; i < heads.length; i++) { heads[i].removeAttribute("aria-sort"); }
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


def build_rows(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Plain data for the template: each row's cells, link and error."""
    out = []
    for r in rows:
        out.append({"cells": [_cell(r, k, num) for k, _, num in COLUMNS], "html": r.get("html"),
                    "error": r.get("error"), "status": r.get("status"),
                    "worst": "critical" if r.get("critical") else "major" if r.get("major") else ""})
    return out


def render_index(summary: dict[str, Any], rows: Sequence[dict[str, Any]]) -> str:
    """The overview page as one HTML string."""
    js_hash = "sha256-" + base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode()
    from .html import environment

    template = environment().get_template("batch_index.html.j2")
    # The script is our own constant (Markup keeps it byte-identical to what the CSP hash covers).
    return str(template.render(s=summary, columns=COLUMNS, rows=build_rows(rows), js=Markup(SCRIPT),
                               js_hash=js_hash))


def write_index(path: str | os.PathLike[str], summary: dict[str, Any], rows: Sequence[dict[str, Any]]) -> None:
    """Render and write atomically."""
    atomic_write_text(path, render_index(summary, rows))
