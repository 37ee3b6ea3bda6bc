"""A Markdown summary of a report and its gate, for ``$GITHUB_STEP_SUMMARY`` or a merge-request note.

Verdict first, then the thresholds, the scores and the worst findings.  Every user-provided string
(article text, finding messages, system names, paths) goes through ``md_escape``: HTML is
entity-escaped and Markdown syntax is backslash-escaped, so a ``|`` cannot break a table, a ``<``
cannot open a tag and a backtick cannot open code; control characters are dropped and bidi
overrides shown as ``U+202E``.
"""
from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .._atomic import atomic_write_text
from ..gate import effect_label, gate_results
from . import cut_at_word, plural
from .junit import show_bidi

_ICONS = {"pass": "✅", "warn": "⚠️", "fail": "❌", "error": "🛑"}
_SEVERITIES = ("critical", "major", "minor", "info")
# Characters that start emphasis, links, images, strikethrough, headings / issue links, or cells.
_MD_CHARS = re.compile(r"([\\*_\[\]~|#!])")
# Control characters (ANSI escape sequences start with ESC; U+009B is a one-character CSI) are
# dropped; the bidi embeddings, overrides and isolates, which reorder what a reader sees, are shown
# as their code point.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def md_escape(value: Any, limit: int | None = 200) -> str:
    """Text safe inside a Markdown table cell: one line, no HTML, no Markdown syntax, no controls."""
    text = "" if value is None else str(value)
    text = _CONTROLS.sub("", text)
    text = show_bidi(text)
    text = " ".join(text.split())  # newlines, tabs and the other whitespace controls would end a table row
    if limit is not None:
        text = cut_at_word(text, limit)
    # Markdown escapes first: the entities below contain "#", which must stay unescaped.
    text = _MD_CHARS.sub(r"\\\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("`", "&#96;")
    # "@name" would mention a GitHub user in some renderers; a zero-width joiner defuses it.
    return text.replace("@", "@\u200d")


def _num(x: Any, digits: int = 2) -> str:
    if isinstance(x, bool) or not isinstance(x, int | float):
        return "–"
    if float(x).is_integer():
        return str(int(x))
    return f"{x:.{digits if abs(x) >= 1.5 else 4}f}"


def _scores_rows(report: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    if isinstance(report.get("systems"), Mapping):
        return [(name, s) for name, s in report["systems"].items()]
    m = report.get("metrics") or {}
    return [("report", {**m, "findings": {"by_severity": (report.get("summary") or {}).get(
        "findings_by_severity", {})}})]


def _where(report: Mapping[str, Any], f: Mapping[str, Any]) -> str:
    if "_line" in f:
        return f"line {int(f['_line']) + 1} ({md_escape(f.get('_system'), 40)})"
    a = f.get("alignment")
    return f"pair {a + 1}" if isinstance(a, int) else "–"


def _all_findings(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    if isinstance(report.get("systems"), Mapping):
        out = []
        for seg in report.get("segments") or []:
            for name, entry in (seg.get("systems") or {}).items():
                for f in entry.get("findings") or []:
                    out.append({**f, "_line": seg.get("index", 0), "_system": name})
        return out
    return [dict(f) for f in report.get("findings") or []]


def render_markdown(report: Mapping[str, Any], *, max_findings: int = 10) -> str:
    """The summary: verdict, thresholds table, scores table, top findings."""
    gate = report.get("gate")
    lines: list[str] = []
    if isinstance(gate, Mapping):
        status = str(gate.get("status", "error"))
        lines.append(f"## {_ICONS.get(status, '')} Evaluator gate: **{status.upper()}**")
        counts = gate.get("counts") or {}
        parts = [f"{counts.get(s, 0)} {label}" for s, label in
                 (("pass", "passed"), ("warn", "warned"), ("fail", "failed"),
                  ("error", "errors" if counts.get("error") != 1 else "error")) if counts.get(s)]
        info = f"{plural(len(gate.get('results') or []), 'threshold')}: " + (", ".join(parts) or "none")
        if gate.get("config"):
            info += f" · config {md_escape(gate['config'], 120)}"
        lines += ["", info, ""]
        expired = (gate.get("waivers") or {}).get("expired") or []
        for label in expired:
            lines.append(f"> ❌ **Expired waiver:** {md_escape(label)}")
        if expired:
            lines.append("")
        results = gate_results(gate)
        if results:
            # "If violated": blocking (fails the gate) or warn-only; the config's `critical` flag.
            lines += ["| | Threshold | If violated | Value | Limit | Baseline | Message |",
                      "|---|---|---|---|---|---|---|"]
            for r in results:
                lines.append(
                    f"| {_ICONS.get(str(r.get('status')), '')} | {md_escape(r.get('name'), 80)} "
                    f"| {effect_label(r.get('critical', True))} "
                    f"| {_num(r.get('value'))} | {_num(r.get('threshold'))} | {_num(r.get('baseline'))} "
                    f"| {md_escape(r.get('message'), 240)} |")
            lines.append("")
    else:
        lines += ["## Evaluator report", ""]

    lines += ["### Scores", "", "| System | BLEU | chrF | chrF++ | TER | BERTScore F1 | critical | major | minor |",
              "|---|---|---|---|---|---|---|---|---|"]
    findings = _all_findings(report)
    # Open findings by severity, as the gate counts them: waived ones are listed below, not counted here.
    open_counts: dict[str, dict[str, int]] = {}
    for f in findings:
        if not f.get("waived"):
            per = open_counts.setdefault(str(f.get("_system", "report")), {})
            per[str(f.get("severity"))] = per.get(str(f.get("severity")), 0) + 1
    for name, s in _scores_rows(report):
        sev = open_counts.get(name, {})
        bert = s.get("bertscore") or {}
        lines.append(
            f"| {md_escape(name, 60)} | {_num((s.get('bleu') or {}).get('score'))} "
            f"| {_num((s.get('chrf') or {}).get('score'))} | {_num((s.get('chrf++') or {}).get('score'))} "
            f"| {_num((s.get('ter') or {}).get('score'))} | {_num(bert.get('f1'), 4)} "
            f"| {sev.get('critical', 0)} | {sev.get('major', 0)} | {sev.get('minor', 0)} |")
    lines.append("")

    open_ = [f for f in findings if not f.get("waived")]
    waived = len(findings) - len(open_)
    rank = {s: i for i, s in enumerate(_SEVERITIES)}
    open_.sort(key=lambda f: rank.get(str(f.get("severity")), 9))
    shown = [f for f in open_ if f.get("severity") != "info"][:max_findings]
    head = f"### Top findings ({len(shown)} of {len(open_)} shown"
    head += f", {waived} waived)" if waived else ")"
    lines += [head, ""]
    if shown:
        lines += ["| Severity | Check | Where | Original | Rewritten | Message |", "|---|---|---|---|---|---|"]
        for f in shown:
            o = (f.get("original") or {}).get("text")
            r = (f.get("rewritten") or {}).get("text")
            lines.append(
                f"| {md_escape(f.get('severity'), 10)} | {md_escape(f.get('check'), 30)}/"
                f"{md_escape(f.get('code'), 40)} | {_where(report, f)} | {md_escape(o, 80)} "
                f"| {md_escape(r, 80)} | {md_escape(f.get('message'), 160)} |")
    else:
        lines.append("No open findings above info.")
    return "\n".join(lines) + "\n"


def write_markdown(report: Mapping[str, Any], path: str | os.PathLike[str]) -> None:
    """Write the summary atomically; ``$GITHUB_STEP_SUMMARY`` is appended to, as GitHub expects."""
    text = render_markdown(report)
    target = Path(path)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary and target.resolve() == Path(summary).resolve() and target.exists():
        # Earlier commands of the same step may have written to it already.
        old = target.read_text(encoding="utf-8")
        text = old + ("\n" if old and not old.endswith("\n") else "") + text
    atomic_write_text(target, text)
