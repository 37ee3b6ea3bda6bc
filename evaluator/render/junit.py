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


def _finding_lines(report: Mapping[str, Any], result: Mapping[str, Any], limit: int = 10) -> list[str]:
    """The worst unwaived findings behind a max_findings / max_increase result."""
    from ..gate import SEVERITIES, subjects_of

    key = str(result.get("key"))
    lines = []
    for subj in subjects_of(report):
        if result.get("system") not in (None, subj.name):
            continue
        chosen = [f for f in subj.findings if not f.get("waived") and (
            key == "total" or f.get("check") == key or (key in SEVERITIES and f.get("severity") == key))]
        chosen.sort(key=lambda f: -SEVERITIES.index(f["severity"]) if f.get("severity") in SEVERITIES else 0)
        for f in chosen[:limit]:
            lines.append(f"  [{f.get('severity')}] {f.get('check')}/{f.get('code')}: {f.get('message')}")
    return lines


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
        details = [message, f"value: {r.get('value')}", f"threshold: {r.get('threshold')}",
                   f"if violated: {effect_label(r.get('critical', True))}"]
        if "baseline" in r:
            details.append(f"baseline: {r['baseline']}")
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
