"""JUnit XML of a gate: one ``<testcase>`` per threshold, for GitLab, Jenkins and GitHub reporters.

Mapping (valid against Jenkins' junit-10.xsd, the schema its JUnit and xUnit plugins read):

* pass -> an empty ``<testcase>`` (passed);
* fail -> ``<failure type="threshold" message="...">`` with the details as text;
* error (the report lacks a metric the gate asks for) -> ``<error type="gate-error" message=...>``;
* warn (a warn-only threshold, ``critical = false``, violated) -> ``<skipped message="warning: ...">``.  Skipped is the
  one non-passing state that does not fail a pipeline and that GitLab's test report, Jenkins'
  JUnit page and the GitHub reporters (dorny/test-reporter, mikepenz/action-junit-report) all list
  with its message; text in ``<system-out>`` alone is hidden behind a click in most of them.

Every testcase also carries its message, value and threshold in ``<system-out>``.  All text is
escaped by ElementTree; characters that XML 1.0 cannot hold at all are dropped first.
"""
from __future__ import annotations

import datetime as _dt
import os
import re
import socket
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from .._atomic import atomic_write_text
from ..gate import effect_label, gate_results

# XML 1.0 allows tab, LF, CR and everything from U+0020 except surrogates and U+FFFE/U+FFFF; of
# what it allows, DEL and the C1 controls (U+009B is a one-character CSI) are dropped too, as CI
# tools print failure messages to terminals.  Bidi embeddings, overrides and isolates, which reorder
# what a reader sees, are shown as their code point.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def xml_text(value: Any) -> str:
    """A string safe to put into XML 1.0 (ElementTree escapes the markup characters)."""
    return show_bidi(_INVALID_XML.sub("", "" if value is None else str(value)))


def show_bidi(text: str) -> str:
    """Bidi embeddings, overrides and isolates written as their code point ("U+202E")."""
    return _BIDI.sub(lambda m: f"U+{ord(m.group()):04X}", text)


def _located_findings(report: Mapping[str, Any], system: Any) -> list[tuple[str, Mapping[str, Any]]]:
    """(where, finding) for each finding of a report: "line 3 (mt)" in a score report (the line of the
    test set, as the Markdown summary says it), "pair 4" in a compare report."""
    if isinstance(report.get("systems"), Mapping):
        out = []
        for n, seg in enumerate(report.get("segments") or []):
            index = seg.get("index", n)
            for name, entry in (seg.get("systems") or {}).items():
                if system is not None and name != system:
                    continue
                for f in entry.get("findings") or []:
                    out.append((f"line {int(index) + 1} ({name})", f))
        return out
    pairs = []
    for f in report.get("findings") or []:
        a = f.get("alignment")
        pairs.append((f"pair {a + 1}" if isinstance(a, int) and not isinstance(a, bool) else "", f))
    return pairs


def _finding_lines(report: Mapping[str, Any], result: Mapping[str, Any], limit: int = 10) -> list[str]:
    """The worst unwaived findings behind a max_findings / max_increase result, each with where it is."""
    from ..gate import SEVERITIES

    key = str(result.get("key"))
    chosen = [(where, f) for where, f in _located_findings(report, result.get("system")) if not f.get("waived") and (
        key == "total" or f.get("check") == key or (key in SEVERITIES and f.get("severity") == key))]
    # worst first; in report order within a severity (sort is stable)
    chosen.sort(key=lambda wf: -SEVERITIES.index(wf[1]["severity"]) if wf[1].get("severity") in SEVERITIES else 0)
    return [f"  [{f.get('severity')}] {f.get('check')}/{f.get('code')}" + (f", {where}" if where else "")
            + f": {f.get('message')}" for where, f in chosen[:limit]]


def _number(x: Any) -> str:
    """A value as the other outputs print it: a count or a whole-number limit without ".0"."""
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)


def render_junit(report: Mapping[str, Any], *, suite: str = "evaluator gate") -> str:
    """JUnit XML for ``report["gate"]`` (the gate dict from ``evaluator.gate.evaluate_gate``)."""
    gate = report.get("gate") or {}
    results = gate_results(gate)
    failures = sum(1 for r in results if r.get("status") == "fail")
    errors = sum(1 for r in results if r.get("status") == "error")
    skipped = sum(1 for r in results if r.get("status") == "warn")
    counts = {"tests": str(len(results)), "failures": str(failures), "errors": str(errors)}
    root = ET.Element("testsuites", {"name": xml_text(suite), **counts, "time": "0"})
    ts = ET.SubElement(root, "testsuite", {
        "name": xml_text(suite), **counts, "skipped": str(skipped), "time": "0",
        "timestamp": _dt.datetime.now(_dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%S"),
        "hostname": xml_text(socket.gethostname() or "localhost"),
    })
    props = ET.SubElement(ts, "properties")
    for name, value in (("status", gate.get("status")), ("config", gate.get("config")),
                        ("date", gate.get("date"))):
        if value is not None:
            ET.SubElement(props, "property", {"name": name, "value": xml_text(value)})
    for r in results:
        system = r.get("system")
        classname = "evaluator.gate" + (f".{system}" if system else "")
        case = ET.SubElement(ts, "testcase", {"classname": xml_text(classname), "name": xml_text(r.get("name")),
                                              "time": "0"})
        message = xml_text(r.get("message"))
        details = [message, f"value: {_number(r.get('value'))}", f"threshold: {_number(r.get('threshold'))}",
                   f"if violated: {effect_label(r.get('critical', True))}"]
        if "baseline" in r:
            details.append(f"baseline: {_number(r['baseline'])}")
        if "p_value" in r:
            details.append(f"p-value: {r['p_value']}")
        if r.get("kind") in ("max_findings", "max_increase") and r.get("status") != "pass":
            found = _finding_lines(report, r)
            if found:
                details += ["findings:", *found]
        body = xml_text("\n".join(str(d) for d in details))
        status = r.get("status")
        if status == "fail":
            ET.SubElement(case, "failure", {"type": "threshold", "message": message}).text = body
        elif status == "error":
            ET.SubElement(case, "error", {"type": "gate-error", "message": message}).text = body
        elif status == "warn":
            ET.SubElement(case, "skipped", {"type": "warning", "message": f"warning: {message}"}).text = body
        ET.SubElement(case, "system-out").text = body
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(report: Mapping[str, Any], path: str | os.PathLike[str]) -> None:
    """Write the gate's JUnit XML atomically."""
    atomic_write_text(path, render_junit(report))
