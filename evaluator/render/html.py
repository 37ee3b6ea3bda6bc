"""The self-contained HTML report: one file, inline CSS/JS/SVG, every user text escaped.

Everything here reads only ``Report.to_dict()`` (plus an optional ``"gate"`` key), so the HTML and
the JSON can never disagree.  ``build_view`` turns that dict into plain data for the templates;
jinja2's autoescape does the escaping, and the only ``Markup`` we create ourselves is the
script-safe JSON block, the CSS/JS we ship and the charts' SVG (render/charts.py).
"""
from __future__ import annotations

import base64
import bisect
import difflib
import functools
import hashlib
import json
import logging
import os
import re
import shlex
import statistics
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from markupsafe import Markup

from .._atomic import atomic_write_text
from ..checks._dedupe import SAME_EDIT
from ..checks.codes import meaning as code_meaning
from ..gate import gate_headline, gate_reason, gate_results
from . import pair_name, plural
from .junit import show_bidi

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates"
SEVERITIES = ("critical", "major", "minor", "info")
RANK = {"info": 0, "minor": 1, "major": 2, "critical": 3}
HIGH_CHRF = 60.0
FINE_SHOWN = 10  # rows of "Scores look fine, meaning does not" shown before "N more"
# From this many side-by-side rows on, off-screen rows skip layout and paint (content-visibility:auto):
# a big report opens fast; below it every row is drawn (full-page captures and printing show them all).
LAZY_ROWS = 500
_TOKEN = re.compile(r"\S+")
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                         "\u2013": "-", "\u2014": "-"})
_METRICS = (("bleu", "BLEU", "higher is better"), ("chrf", "chrF", "higher is better"),
            ("chrf++", "chrF++", "higher is better"), ("ter", "TER", "lower is better"))


# ----------------------------------------------------------------------------------------- escaping

def script_json(data: Any) -> Markup:
    """JSON that is safe inside ``<script type="application/json">``: no ``</script>``, no U+2028."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    text = (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    return Markup(text)


# ------------------------------------------------------------------------------------ text segments

@functools.lru_cache(maxsize=1 << 16)
def _norm(word: str) -> str:
    """A word as compared by the diff: case, edge punctuation and curly quotes do not count."""
    w = unicodedata.normalize("NFKC", word).translate(_QUOTES).casefold()
    return _EDGE_PUNCT.sub("", w) or w


def word_diff(a: str, b: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Character ranges of the words of ``a`` and of ``b`` that the other side does not share."""
    ta = [m.span() for m in _TOKEN.finditer(a)]
    tb = [m.span() for m in _TOKEN.finditer(b)]
    sm = difflib.SequenceMatcher(None, [_norm(a[s:e]) for s, e in ta], [_norm(b[s:e]) for s, e in tb],
                                 autojunk=False)
    da: list[tuple[int, int]] = []
    db: list[tuple[int, int]] = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        if i2 > i1:
            da.append((ta[i1][0], ta[i2 - 1][1]))
        if j2 > j1:
            db.append((tb[j1][0], tb[j2 - 1][1]))
    return da, db


def segments(text: str, diffs: Sequence[tuple[int, int]],
             marks: Sequence[tuple[int, int, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Split ``text`` into runs ``{"mark": finding|None, "parts": [(text, changed)]}`` for the template.

    A character belongs to at most one mark (the most severe finding covering it; between findings
    of one severity the narrowest span, so a finding whose evidence is a whole sentence does not hide
    a word-sized one inside it), so the HTML nests cleanly; word-diff highlighting lives inside
    marks. A mark split by a more severe one makes several runs: only the first has ``"first"`` True
    (its tooltip carries the element id the others' ``aria-describedby`` name).
    """
    n = len(text)
    cuts = {0, n}
    for s, e in diffs:
        cuts.update((max(0, min(n, s)), max(0, min(n, e))))
    for s, e, _ in marks:
        cuts.update((max(0, min(n, s)), max(0, min(n, e))))
    bounds = sorted(cuts)
    ordered = sorted(marks, key=lambda m: (-RANK.get(m[2]["severity"], 0), m[1] - m[0], m[0]))
    runs: list[dict[str, Any]] = []
    seen: set[int] = set()
    for s, e in zip(bounds, bounds[1:], strict=False):
        if s >= e:
            continue
        changed = any(ds <= s and e <= de for ds, de in diffs)
        mark = next((m[2] for m in ordered if m[0] <= s and e <= m[1]), None)
        if runs and runs[-1]["mark"] is mark:
            parts = runs[-1]["parts"]
            if parts[-1][1] == changed:
                parts[-1] = (parts[-1][0] + text[s:e], changed)
            else:
                parts.append((text[s:e], changed))
        else:
            first = mark is not None and id(mark) not in seen
            if first:
                seen.add(id(mark))
            runs.append({"mark": mark, "parts": [(text[s:e], changed)], "first": first})
    return runs


# ------------------------------------------------------------------------------------------- view

def _fmt(value: Any, digits: int = 1) -> str:
    return "—" if value is None else f"{float(value):.{digits}f}"


def _pct(value: Any) -> str:
    return "—" if value is None else f"{100 * float(value):.0f}%"


def _doc_label(doc: dict[str, Any], fallback: str) -> str:
    if doc.get("title"):
        return str(doc["title"])
    if doc.get("path"):
        return os.path.basename(str(doc["path"])) or str(doc["path"])
    return fallback


def _side(doc: dict[str, Any], indices: Sequence[int]) -> tuple[int, int] | None:
    sents = doc.get("sentences") or []
    idx = [i for i in indices if 0 <= i < len(sents)]
    if not idx:
        return None
    return sents[min(idx)]["start"], sents[max(idx)]["end"]


def _verdict(report: dict[str, Any], counts: dict[str, int]) -> dict[str, str]:
    gate = report.get("gate")
    if isinstance(gate, dict) and gate.get("status"):
        status = str(gate["status"])
        # the threshold that decided it, so the header alone says what to fix: "gate: fail (min.chrf 41 < 50)"
        return {"status": status, "label": gate_headline(gate), "head": f"gate: {status}", "why": gate_reason(gate),
                "tone": {"pass": "ok", "warn": "warn"}.get(status, "bad")}
    if counts.get("critical"):
        return {"status": "critical", "label": "critical findings", "tone": "bad", "why": ""}
    if counts.get("major"):
        return {"status": "major", "label": "major findings", "tone": "warn", "why": ""}
    if counts.get("minor"):  # nothing that changes the meaning, but worth a look: not called clean
        return {"status": "minor", "label": "minor findings only", "tone": "ok", "why": ""}
    return {"status": "clean", "label": "clean", "tone": "ok", "why": ""}


def _metric_cards(metrics: dict[str, Any], versions: Any = None) -> list[dict[str, Any]]:
    cards = []
    for key, name, hint in _METRICS:
        m = metrics.get(key)
        cards.append({"key": key, "name": name, "hint": hint,
                      "value": _fmt(m.get("score")) if m else "—",
                      "detail": ("" if m.get("score") is not None else "nothing aligned to compare") if m
                      else "not computed",
                      "signature": (m or {}).get("signature") or ""})
    bs = metrics.get("bertscore")
    cards.append({
        "key": "bertscore", "name": "BERTScore", "hint": "higher is better",
        "value": _fmt(bs.get("f1"), 3) if bs else "—",
        "detail": f"F1 · P\u00a0{_fmt(bs.get('precision'), 3)} R\u00a0{_fmt(bs.get('recall'), 3)}" if bs
        else "not computed",
        "signature": (bs or {}).get("signature") or "",
    })
    for c in cards:
        c["signature_note"] = signature_note(c["signature"], versions)
    return cards


def _coverage(report: dict[str, Any], labels: dict[str, str]) -> dict[str, Any]:
    cov = report.get("coverage") or {}
    sides = []
    for side, label in (("original", labels["original"]), ("rewritten", labels["rewritten"])):
        sent = cov.get(f"{side}_sentences") or {}
        total = sent.get("total", len((report.get(side) or {}).get("sentences") or []))
        sides.append({
            "label": label,
            "sentences": f"{sent.get('aligned', '—')} / {total}", "total": total,
            "sentence_pct": _pct(cov.get(side)),
            "char_pct": _pct(cov.get(f"{side}_chars")),
            "partial": bool(cov.get(f"partial_{side}")),
            "value": float(cov.get(side) or 0.0),
        })
    note = cov.get("note")
    if not note and (cov.get("partial_original") or cov.get("partial_rewritten")):
        which = (labels["original"] if cov.get("partial_original") else labels["rewritten"]).lower()
        note = f"The {which} looks like a partial excerpt; coverage of the other side is expected to be low."
    return {"sides": sides, "note": note}


def _command(meta: dict[str, Any]) -> str:
    cmd = meta.get("command")
    if isinstance(cmd, (list, tuple)):
        return shlex.join(str(c) for c in cmd)
    return "" if cmd is None else str(cmd)


def _kv(value: Any) -> list[tuple[str, str]]:
    """A mapping as sorted (key, text) rows; nested values as compact JSON."""
    if not isinstance(value, dict):
        return [] if value in (None, "", {}) else [("", _plain(value))]
    return [(str(k), _plain(v)) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))]


def _plain(v: Any) -> str:
    if isinstance(v, str):
        return v
    return json.dumps(v, ensure_ascii=False, sort_keys=True, default=str)


_SIG_VERSION = re.compile(r"\bbert_score:([^|\s]+)")


def signature_note(signature: str, versions: Any) -> str:
    """Why a BERTScore signature may name another bert_score version than the Versions table: the
    signature carries the package's own ``__version__`` (bert-score 0.3.13 still says 0.3.12)."""
    m = _SIG_VERSION.search(signature or "")
    if not m or not isinstance(versions, dict):
        return ""
    installed = versions.get("bert_score") or versions.get("bert-score")
    if not installed or str(installed) == m.group(1):
        return ""
    return (f"bert_score {installed} is installed; the signature carries the version the package reports "
            f"itself ({m.group(1)}), as bert_score's own signatures do.")


def _options(meta: dict[str, Any], model_rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The options with the values this run resolved: a layer left to the model's default shows that
    layer, and the reference sets show the files that were read (the bundled one included)."""
    opts = meta.get("options")
    if not isinstance(opts, dict):
        return _kv(opts)
    rows = []
    layer = dict(model_rows).get("layer")
    resolved_sets = meta.get("reference_sets")
    for k, v in sorted(opts.items(), key=lambda kv: str(kv[0])):
        text = _plain(v)
        if k == "layer" and v is None and layer not in (None, "", "null"):
            text = f"{layer} (the model's default)"
        elif k == "reference_sets" and isinstance(resolved_sets, list) and resolved_sets and resolved_sets != v:
            text = ", ".join(str(x) for x in resolved_sets)
            if opts.get("use_bundled_reference_set"):
                text += " (bundled set included)"
        rows.append((str(k), text))
    return rows


def _footer(report: dict[str, Any]) -> dict[str, Any]:
    meta = report.get("meta") or {}
    model = meta.get("model")
    model_rows = _kv(model) if isinstance(model, dict) else ([("name", str(model))] if model else [])
    opts = meta.get("options") or {}
    if isinstance(opts, dict) and not any(k == "layer" for k, _ in model_rows) and "layer" in opts:
        model_rows.append(("layer", _plain(opts["layer"])))
    sigs = [(name, (m or {}).get("signature") or "") for name, m in sorted((report.get("metrics") or {}).items())]
    known = {"versions", "model", "options", "command"}
    if isinstance(opts, dict) and isinstance(meta.get("reference_sets"), list):
        known.add("reference_sets")  # shown resolved in the options table
    return {
        "versions": _kv(meta.get("versions")),
        "model": model_rows,
        "options": _options(meta, model_rows),
        "signatures": [(k, s, signature_note(s, meta.get("versions"))) for k, s in sigs if s],
        "command": _command(meta),
        "other": [(str(k), _plain(v)) for k, v in sorted(meta.items()) if k not in known],
    }


def _finding_pair(f: dict[str, Any], ranges: list[tuple[int, tuple[int, int] | None, tuple[int, int] | None]]
                  ) -> int | None:
    if isinstance(f.get("alignment"), int):
        return int(f["alignment"])
    for side, pos in ((1, f.get("original")), (2, f.get("rewritten"))):
        if pos:
            for k, *rng in ranges:
                r = rng[side - 1]
                if r and r[0] <= pos["start"] < r[1]:
                    return k
    return None


def _sort_findings(findings: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    def key(f: dict[str, Any]) -> tuple[int, int, int]:
        span = f.get("original") or f.get("rewritten") or {}
        al = f.get("alignment")
        return (-RANK.get(f.get("severity", "info"), 0), al if isinstance(al, int) else 1 << 30,
                int(span.get("start", 0)))

    return sorted(findings, key=key)


# Outside quotation marks only: quoted text is the user's and is never reworded.
_QUOTED = re.compile(r"(“[^”]*”|\"[^\"]*\")")
_SCORE_WORDS = [(re.compile(r"\bthe rewrite\b"), "the system output"),
                (re.compile(r"\bRewrite\b"), "System output"),
                (re.compile(r"\bthe original\b"), "the reference"),
                (re.compile(r"\bOriginal\b"), "Reference")]


def _score_wording(message: str) -> str:
    """A check's message as a test set's reader reads it: "in the rewrite" -> "in the system output",
    "the original" -> "the reference" (the words between quotation marks are left as they are)."""
    parts = _QUOTED.split(message)
    for k in range(0, len(parts), 2):
        for pattern, repl in _SCORE_WORDS:
            parts[k] = pattern.sub(repl, parts[k])
    return "".join(parts)


def _split_merged(f: dict[str, Any]) -> tuple[str, list[dict[str, str]]]:
    """A merged finding's own message, and what the other checks said of the same edit (shown apart,
    in smaller type, so the reader meets one sentence first; the JSON keeps the whole message)."""
    message = str(f.get("message", ""))
    merged = (f.get("data") or {}).get("merged") if isinstance(f.get("data"), dict) else None
    if not merged or SAME_EDIT not in message:
        return message, []
    head = message.split(SAME_EDIT, 1)[0]
    also = [{"what": f"{m.get('check', '')} / {m.get('code', '')}", "message": str(m.get("message", ""))}
            for m in merged if isinstance(m, dict)]
    return head, also


def _display_order(alignment: Sequence[dict[str, Any]]) -> list[int]:
    """Pairs by original position; additions go right after the pair that precedes them in the rewrite."""
    keyed: list[tuple[tuple[float, int, float], int]] = []
    anchors = [(min(a["rewritten"]), min(a["original"]))
               for a in alignment if a.get("original") and a.get("rewritten")]
    anchors.sort()
    for k, a in enumerate(alignment):
        if a.get("original"):
            keyed.append(((min(a["original"]), 0, k), k))
        else:
            r = min(a.get("rewritten") or [0])
            before = [o for rr, o in anchors if rr < r]
            keyed.append(((max(before) if before else -1, 1, r), k))
    keyed.sort()
    return [k for _, k in keyed]


def is_score_report(report: dict[str, Any]) -> bool:
    """A ``score`` run (a system's output against a reference, line by line: ``testsets`` merges it
    into one compare report with ``meta.line_aligned``), not a rewrite against its original."""
    meta = report.get("meta")
    meta = meta if isinstance(meta, dict) else {}
    return report.get("kind") == "score" or bool(meta.get("line_aligned"))


def run_name(report: dict[str, Any]) -> str:
    """The run's name as ``evaluator compare`` derives it when no ``--name`` is given: the folder both
    documents share, else ``ORIGINAL-vs-REWRITE``; a ``meta.name`` wins."""
    meta = report.get("meta")
    meta = meta if isinstance(meta, dict) else {}
    if meta.get("name"):
        return str(meta["name"])
    o = str((report.get("original") or {}).get("path") or "")
    r = str((report.get("rewritten") or {}).get("path") or "")
    return pair_name(o, r) if o and r else ""


def _shape_title(shape: str, labels: dict[str, str]) -> str:
    """What an alignment kind such as "1-1", "0-1" or "2-1" means, in words."""
    o_name, r_name = labels["original"].lower(), labels["rewritten"].lower()
    try:
        n_o, n_r = (int(x) for x in shape.split("-", 1))
    except ValueError:
        return ""
    if n_o == 0:
        return f"{n_r} {r_name} sentence{'s' if n_r != 1 else ''} with no {o_name} counterpart: added in the {r_name}"
    if n_r == 0:
        return f"{n_o} {o_name} sentence{'s' if n_o != 1 else ''} with no {r_name} counterpart: omitted from the {r_name}"
    words = {1: "one", 2: "two", 3: "three", 4: "four"}
    return (f"{words.get(n_o, n_o)} {o_name} sentence{'s' if n_o != 1 else ''} ↔ "
            f"{words.get(n_r, n_r)} {r_name} sentence{'s' if n_r != 1 else ''}")


def _context_side(f: dict[str, Any], entry: dict[str, Any] | None) -> str | None:
    """The side of a finding that is context, not evidence: an added sentence's nearest original
    sentence, an omitted one's nearest rewrite sentence, or a side its alignment entry leaves empty."""
    code = str(f.get("code", ""))
    if code == "sentence-added":
        return "original"
    if code == "sentence-omitted":
        return "rewritten"
    if isinstance(entry, dict):
        if not entry.get("original") and entry.get("rewritten"):
            return "original"
        if not entry.get("rewritten") and entry.get("original"):
            return "rewritten"
    return None


CONTEXT_CHARS = 80  # characters shown around a finding's evidence, each side, within its sentence

Bounds = tuple[list[int], list[int]]  # a document's sentence starts and ends, each sorted


def _sentence_bounds(doc: dict[str, Any]) -> Bounds:
    """The sorted starts and ends of a document's sentences (read once per report, for ``_around``)."""
    try:
        sents = [(int(x["start"]), int(x["end"])) for x in doc.get("sentences") or []
                 if isinstance(x, dict) and "start" in x and "end" in x]
    except (TypeError, ValueError):
        return [], []
    return sorted(a for a, _ in sents), sorted(b for _, b in sents)


def _around(doc: dict[str, Any], span: dict[str, Any], text: str, bounds: Bounds | None = None) -> tuple[str, str]:
    """The words of the evidence's sentence(s) before and after ``span`` (at most ``CONTEXT_CHARS`` each,
    cut at a word, "…" where cut), so a card reads "we will [not] accept the offer", not just "not".
    ``bounds``: the document's ``_sentence_bounds``, when the caller has them."""
    body = str(doc.get("text") or "")
    try:
        start, end = int(span["start"]), int(span["end"])
    except (KeyError, TypeError, ValueError):
        return "", ""
    if not (0 <= start <= end <= len(body)) or body[start:end] != text:
        return "", ""
    starts, ends = bounds if bounds is not None else _sentence_bounds(doc)
    i = bisect.bisect_right(starts, start)  # the last sentence starting at or before the evidence
    lo = starts[i - 1] if i else 0
    j = bisect.bisect_left(ends, end)  # the first sentence ending at or after it
    hi = ends[j] if j < len(ends) else len(body)
    before, after = body[lo:start], body[end:hi]
    if len(before) > CONTEXT_CHARS:
        cut = before[-CONTEXT_CHARS:]
        before = "…" + (cut.split(" ", 1)[1] if " " in cut[:-1] else cut)
    if len(after) > CONTEXT_CHARS:
        cut = after[:CONTEXT_CHARS]
        after = (cut.rsplit(" ", 1)[0] if " " in cut[1:] else cut) + "…"
    return before, after


def _evidence(f: dict[str, Any], entry: dict[str, Any] | None, labels: dict[str, str],
              docs: dict[str, tuple[dict[str, Any], Bounds]]) -> list[dict[str, Any]]:
    """The two sides of a finding's card: its evidence (marked inside the words around it in its
    sentence), or (in a neutral colour) context."""
    ctx = _context_side(f, entry)
    data = f.get("data")
    data = data if isinstance(data, dict) else {}
    out = []
    for side, cls in (("original", "ev-o"), ("rewritten", "ev-r")):
        span = f.get(side)
        text = span.get("text") if isinstance(span, dict) else None
        near = data.get(f"{side}_context")  # a null side's nearest sentence, for orientation (docs/json.md)
        if side == ctx and text is None and isinstance(near, dict) and near.get("text") is not None:
            text = str(near["text"])
        name = labels[side].lower()
        if side == ctx:
            note = (f"not in the {name}: nearest {name} sentence, for context" if text is not None
                    else f"not in the {name}")
            out.append({"side": side, "label": labels[side], "text": text, "context": True, "cls": "ev-ctx",
                        "note": note, "before": "", "after": ""})
        else:
            before, after = _around(docs[side][0], span, str(text), docs[side][1]) \
                if isinstance(span, dict) and text is not None else ("", "")
            out.append({"side": side, "label": labels[side], "text": text, "context": False, "cls": cls,
                        "note": "", "before": before, "after": after})
    return out


def build_view(report: dict[str, Any], *, charts: bool = True, name: str | None = None,
               back: str | None = None) -> dict[str, Any]:
    """Everything the templates show, as plain data (strings still unescaped; jinja escapes them).

    ``name``: the page's heading (the run's name, a batch pair's id); ``back``: a link to the page
    this one belongs to (a batch's ``../index.html``)."""
    score = is_score_report(report)
    labels = ({"original": "Reference", "rewritten": "System output"} if score
              else {"original": "Original", "rewritten": "Rewrite"})
    orig = report.get("original") or {}
    rew = report.get("rewritten") or {}
    otext, rtext = str(orig.get("text") or ""), str(rew.get("text") or "")
    alignment = list(report.get("alignment") or [])
    pair_scores = {int(p["alignment"]): p for p in report.get("pairs") or [] if p.get("alignment") is not None}
    ranges = [(k, _side(orig, a.get("original") or []), _side(rew, a.get("rewritten") or []))
              for k, a in enumerate(alignment)]

    counts = {s: 0 for s in SEVERITIES}
    n_waived = 0
    findings: list[dict[str, Any]] = []
    docs = {"original": (orig, _sentence_bounds(orig)), "rewritten": (rew, _sentence_bounds(rew))}
    by_pair: dict[int, list[dict[str, Any]]] = {}
    for i, f in enumerate(_sort_findings(report.get("findings") or []), start=1):
        sev = str(f.get("severity", "info"))
        sev = sev if sev in RANK else "info"
        waived = f.get("waived") if isinstance(f.get("waived"), dict) else None
        if waived is None:  # a waived finding is listed, marked, and not counted (as the gate counts)
            counts[sev] += 1
        else:
            n_waived += 1
        pair = _finding_pair(f, ranges)
        if pair is not None and not 0 <= pair < len(alignment):
            pair = None
        entry = alignment[pair] if pair is not None else None
        message, also = _split_merged(f)
        if score:  # the checks say original/rewrite; a test set's page says reference/system output
            message = _score_wording(message)
            also = [dict(a, message=_score_wording(a["message"])) for a in also]
        item = {"id": f"finding-{i}", "n": i, "check": str(f.get("check", "")), "code": str(f.get("code", "")),
                "meaning": code_meaning(str(f.get("code", ""))),
                "severity": sev, "message": message, "also": also, "full_message": str(f.get("message", "")),
                "pair": pair,
                "pn": None if pair is None else pair + 1,  # as the reader counts (and Markdown prints) them
                "evidence": _evidence(f, entry if isinstance(entry, dict) else None, labels, docs),
                "waived": None if waived is None else {k: str(v) for k, v in waived.items()},
                "original": (f.get("original") or {}).get("text"),
                "rewritten": (f.get("rewritten") or {}).get("text"),
                "spans": {"original": f.get("original"), "rewritten": f.get("rewritten")}}
        findings.append(item)
        if pair is not None:
            by_pair.setdefault(pair, []).append(item)

    f1s = [float(p["bertscore_f1"]) for p in pair_scores.values() if p.get("bertscore_f1") is not None]
    f1_median = statistics.median(f1s) if f1s else None

    pairs: list[dict[str, Any]] = []
    for k in _display_order(alignment):
        a = alignment[k]
        _, orng, rrng = ranges[k]
        o = otext[orng[0]:orng[1]] if orng else ""
        r = rtext[rrng[0]:rrng[1]] if rrng else ""
        dO, dR = word_diff(o, r) if (o and r) else ([], [])
        fs = by_pair.get(k, [])
        marks: dict[str, list[tuple[int, int, dict[str, Any]]]] = {"original": [], "rewritten": []}
        for f in fs:
            for side, rng in (("original", orng), ("rewritten", rrng)):
                span = f["spans"][side]
                if span and rng and span["start"] < rng[1] and span["end"] > rng[0]:
                    marks[side].append((span["start"] - rng[0], span["end"] - rng[0], f))
        ps = pair_scores.get(k) or {}
        kind = "match" if (orng and rrng) else ("omitted" if orng else "added")
        shape = str(a.get("kind") or f"{len(a.get('original') or [])}-{len(a.get('rewritten') or [])}")
        pairs.append({
            "k": k, "n": k + 1, "kind": kind, "shape": shape, "shape_title": _shape_title(shape, labels),
            "similarity": _fmt(a.get("similarity"), 2),
            "original": segments(o, dO, marks["original"]) if o else [],
            "rewritten": segments(r, dR, marks["rewritten"]) if r else [],
            "findings": fs, "worst": max((RANK[f["severity"]] for f in fs), default=-1),
            "scores": [(n, _fmt(ps.get(key), d)) for key, n, d in
                       (("chrf", "chrF", 1), ("bleu", "BLEU", 1), ("ter", "TER", 1), ("bertscore_f1", "BERTScore F1", 3))
                       if ps.get(key) is not None],
            "unmatched_original": [u.get("text", "") for u in ps.get("unmatched_original") or []],
            "unmatched_rewritten": [u.get("text", "") for u in ps.get("unmatched_rewritten") or []],
        })

    suspicious: list[dict[str, Any]] = []
    for p in pairs:
        if p["worst"] < RANK["major"]:
            continue
        ps = pair_scores.get(p["k"]) or {}
        chrf, f1 = ps.get("chrf"), ps.get("bertscore_f1")
        chrf_high = chrf is not None and float(chrf) >= HIGH_CHRF
        f1_high = f1 is not None and f1_median is not None and float(f1) >= f1_median
        if chrf_high or f1_high:
            suspicious.append({"k": p["k"], "n": p["n"], "chrf": _fmt(chrf), "f1": _fmt(f1, 3), "chrf_high": chrf_high,
                               "f1_high": f1_high, "rank": (-(chrf_high and f1_high), -float(chrf or 0.0),
                                                            -float(f1 or 0.0), p["k"]),
                               "findings": [f for f in p["findings"] if RANK[f["severity"]] >= RANK["major"]]})
    # Most deceptive first: high on both metrics, then by chrF.  A test set can list most of its lines
    # here; the first FINE_SHOWN are the table, the rest one click away.
    suspicious.sort(key=lambda s: s["rank"])

    gate = report.get("gate") if isinstance(report.get("gate"), dict) else None
    checks = sorted({f["check"] for f in findings})
    footer = _footer(report)
    files = f"{_doc_label(orig, labels['original'].lower())} → {_doc_label(rew, labels['rewritten'].lower())}"
    heading = name if name else run_name(report)
    n_info = sum(1 for f in findings if f["severity"] == "info")
    return {
        "title": heading or files, "back": back or "",
        "kind": "score" if score else "compare", "labels": labels,
        "eyebrow": "System output against reference" if score else "Rewrite check",
        "lazy": len(alignment) >= LAZY_ROWS,
        "original": {"label": _doc_label(orig, "original"), "path": orig.get("path") or "",
                     "title": orig.get("title") or ""},
        "rewritten": {"label": _doc_label(rew, "rewrite"), "path": rew.get("path") or "",
                      "title": rew.get("title") or ""},
        "verdict": _verdict(report, counts),
        "gate": _gate_view(gate) if gate else None,
        "metrics": _metric_cards(report.get("metrics") or {}, (report.get("meta") or {}).get("versions")),
        "coverage": _coverage(report, labels),
        "counts": counts, "total_findings": len(findings), "n_waived": n_waived,
        "findings": findings, "checks": checks, "severities": SEVERITIES,
        "pairs": pairs, "n_pairs": sum(1 for p in pairs if p["kind"] == "match"), "n_rows": len(pairs),
        # Info findings (context: sentences outside an excerpt, house-style notes) start hidden, one tick away.
        "n_info": n_info,
        "info_hidden": n_info > 0,
        "n_flagged": sum(1 for p in pairs if p["kind"] == "match" and p["worst"] >= RANK["minor"]),
        # what "only pairs with findings" shows: a minor or worse one (info findings are hidden by default,
        # and 36 rows of the example carry nothing else)
        "n_with_findings": sum(1 for p in pairs if p["worst"] >= RANK["minor"]),
        "n_unaligned_sentences": sum(len(alignment[p["k"]].get("original") or [])
                                     + len(alignment[p["k"]].get("rewritten") or [])
                                     for p in pairs if p["kind"] != "match"),
        # The line a printout opens with (report.js rewrites it as the filters change): the page prints
        # what the screen shows, and says what that leaves out.
        "print_filters": print_filters(len(findings), n_info),
        "suspicious": suspicious[:FINE_SHOWN], "suspicious_more": suspicious[FINE_SHOWN:], "high_chrf": HIGH_CHRF,
        "f1_median": _fmt(f1_median, 3) if f1_median is not None else None,
        "charts": _charts(report) if charts else [],
        "footer": footer,
        "data": script_json({
            "findings": [{"id": f["id"], "check": f["check"], "code": f["code"], "severity": f["severity"],
                          "pair": f["pn"], "message": f["full_message"]} for f in findings],
            "pairs": len(pairs),
        }),
    }


def _gate_view(gate: dict[str, Any]) -> dict[str, Any]:
    """The gate section: the results that did not pass first, in a table of their own at the top of
    the page (what a reviewer acts on); the passed ones folded below them."""
    results = [{"name": str(r.get("name", "")), "status": str(r.get("status", "")),
                "message": str(r.get("message", "")), "critical": bool(r.get("critical"))}
               for r in gate_results(gate)]
    open_ = [r for r in results if r["status"] != "pass"]
    passed = [r for r in results if r["status"] == "pass"]
    parts = [f"{n} {word}" for n, word in ((sum(r["status"] == s for r in results), word) for s, word in
             (("fail", "failed"), ("error", "could not be checked"), ("warn", "warned"), ("pass", "passed"))) if n]
    waivers = gate.get("waivers")
    return {"status": gate.get("status"), "results": results, "open": open_, "passed": passed,
            "summary": f"{plural(len(results), 'threshold')}: {', '.join(parts) or 'none'}",
            "config": str(gate.get("config") or ""),
            "waived": int(waivers.get("applied") or 0) if isinstance(waivers, dict) else 0}


def print_filters(total: int, hidden_info: int) -> str:
    """The "Printed with filters" line of a page as served (info findings unticked when there are any);
    report.js writes the same words for the filters a reader sets."""
    sevs = [s for s in SEVERITIES if not (s == "info" and hidden_info)]
    return (f"Printed with filters: severity {', '.join(sevs)}; all checks; "
            f"{hidden_info} of {plural(total, 'finding')} hidden.")


def _charts(report: dict[str, Any]) -> list[dict[str, Any]]:
    from .charts import render_charts

    try:
        return render_charts(report)
    except Exception:  # a chart must never cost the reviewer the whole report
        log.exception("could not draw the charts; the report goes out without them")
        return []


# ---------------------------------------------------------------------------------------- render

@functools.lru_cache(maxsize=1)
def environment() -> Any:
    """The jinja2 environment over ``templates/`` (autoescape always on)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
                             finalize=_show_bidi)
    env.filters["plural"] = plural
    return env


# Line and paragraph separators other than LF/CR (U+2028, U+2029, NEL, VT, FF and the information
# separators, which ``str.splitlines`` also breaks at): HTML draws none of them, so "spoke<U+2028>at"
# would read "spokeat".  Shown as their code point, as the bidi controls are.
_SEPARATORS = re.compile("[\u2028\u2029\x85\x0b\x0c\x1c-\x1e]")


def show_separators(text: str) -> str:
    """``text`` with its line and paragraph separators written as their code point ("U+2028")."""
    return _SEPARATORS.sub(lambda m: f"U+{ord(m.group()):04X}", text)


def _show_bidi(value: Any) -> Any:
    """Every ``{{ }}`` of user text (not our Markup) with its bidi embeddings, overrides and isolates
    written as their code points ("U+202E"), as the Markdown and JUnit outputs do: a reader sees the
    characters as stored, not text an override reordered (``send <U+202E>001<U+202C>`` must not read
    as "send 100"), and no override runs past its label into the rest of the line.  Line and paragraph
    separators, which HTML does not draw, are shown the same way (``show_separators``)."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return show_separators(show_bidi(value))
    return value


@functools.lru_cache(maxsize=4)
def asset(name: str) -> Markup:
    """A CSS or JS file we ship, inlined verbatim (our own code, never user text)."""
    return Markup((TEMPLATES / name).read_text(encoding="utf-8"))


def render_html(report: dict[str, Any], *, charts: bool = True, name: str | None = None,
                back: str | None = None) -> str:
    """The whole report as one self-contained HTML page (no network, works from ``file://``).

    ``name``: the heading (default: the run's name, see ``run_name``); ``back``: the relative address
    of the page this one belongs to (a batch's ``../index.html``), linked at the top."""
    view = build_view(report, charts=charts, name=name, back=back)
    js = asset("report.js")
    # The CSP allows exactly our script (by hash): even an injected <script> could not run.
    js_hash = "sha256-" + base64.b64encode(hashlib.sha256(str(js).encode("utf-8")).digest()).decode()
    html = environment().get_template("report.html.j2").render(
        v=view, css=asset("report.css"), js=js, js_hash=js_hash)
    return str(html)


def write_html(report: dict[str, Any], path: str | os.PathLike[str], *, charts: bool = True,
               name: str | None = None, back: str | None = None) -> None:
    """Render and write atomically (a temporary file beside ``path``, then ``os.replace``)."""
    atomic_write_text(path, render_html(report, charts=charts, name=name, back=back))
    log.info("wrote HTML report %s", path)
