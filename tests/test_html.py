"""The HTML report and notebook view, without a browser: escaping, structure, size, determinism."""
from __future__ import annotations

import json
import re
import statistics
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import sacrebleu

from evaluator.options import Options
from evaluator.render import html as render
from evaluator.render.notebook import render_notebook

EXAMPLE = Path(__file__).resolve().parents[1] / "reference_sets" / "examples" / "korea-diplomacy"
HOSTILE = Path(__file__).parent / "data" / "hostile"
_SENT = re.compile(r"(?<!\bMr\.)(?<!\bMs\.)(?<!\bDr\.)(?<! [A-Z]\.)(?<!U\.S\.)(?<!,”)(?<=[.!?”\"])\s+(?=[A-Z“\"])")


# ------------------------------------------------------------------------------ report builders

def segment(text: str) -> tuple[list[dict[str, int]], list[dict[str, Any]]]:
    """Sentences and paragraphs: one paragraph per "\\n"-separated line (U+2028 is not a break)."""
    sents: list[dict[str, int]] = []
    paras: list[dict[str, Any]] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            p = len(paras)
            paras.append({"index": p, "start": pos, "end": pos + len(line), "starts_mid": line[0].islower(),
                          "ends_mid": False, "kind": "paragraph"})
            at = 0
            for piece in _SENT.split(line):
                s = line.index(piece, at)
                sents.append({"index": len(sents), "start": pos + s, "end": pos + s + len(piece), "paragraph": p})
                at = s + len(piece)
        pos += len(line) + 1
    return sents, paras


def document(text: str, path: str, title: str | None = None) -> dict[str, Any]:
    sents, paras = segment(text)
    return {"id": Path(path).stem, "path": path, "title": title, "encoding": "utf-8", "text": text,
            "sentences": sents, "paragraphs": paras}


def side_text(doc: dict[str, Any], idx: list[int]) -> str:
    return " ".join(doc["text"][doc["sentences"][i]["start"]:doc["sentences"][i]["end"]] for i in idx)


def span_in(doc: dict[str, Any], idx: list[int], needle: str) -> dict[str, Any]:
    """The character span of ``needle`` inside the given sentences (fails loudly if absent)."""
    start = doc["sentences"][idx[0]]["start"]
    at = doc["text"].index(needle, start)
    assert at < doc["sentences"][idx[-1]]["end"], needle
    return {"start": at, "end": at + len(needle), "text": needle}


def unmatched(doc: dict[str, Any], idx: list[int], other: str) -> list[dict[str, Any]]:
    """Words of one side absent from the other (the shape BERTScore's token evidence takes)."""
    words = {w.lower() for w in re.findall(r"\w+", other)}
    start, end = doc["sentences"][idx[0]]["start"], doc["sentences"][idx[-1]]["end"]
    return [{"start": start + m.start(), "end": start + m.end(), "text": m.group()}
            for m in re.finditer(r"\w+", doc["text"][start:end]) if m.group().lower() not in words]


def assemble(orig: dict[str, Any], rew: dict[str, Any], alignment: list[tuple[list[int], list[int]]],
             findings: list[dict[str, Any]], *, bertscore: bool = True, gate: dict[str, Any] | None = None,
             command: list[str] | None = None, lexical: bool = True) -> dict[str, Any]:
    """A report dict in the shape of ``Report.to_dict()``, scored with the real sacrebleu metrics."""
    pairs, hyps, refs = [], [], []
    for k, (o, r) in enumerate(alignment):
        if not (o and r):
            continue
        ot, rt = side_text(orig, o), side_text(rew, r)
        hyps.append(rt)
        refs.append(ot)
        # A token-overlap F1 stands in for BERTScore: the renderer only needs a plausible distribution.
        ow, rw = set(re.findall(r"\w+", ot.lower())), set(re.findall(r"\w+", rt.lower()))
        p_, r_ = len(ow & rw) / max(1, len(rw)), len(ow & rw) / max(1, len(ow))
        f1 = 0.0 if not p_ + r_ else 2 * p_ * r_ / (p_ + r_)
        if lexical:
            lex = [sacrebleu.sentence_bleu(rt, [ot]).score, sacrebleu.sentence_chrf(rt, [ot]).score,
                   sacrebleu.sentence_chrf(rt, [ot], word_order=2).score, sacrebleu.sentence_ter(rt, [ot]).score]
        else:  # the 2,000-pair size test needs plausible numbers, not sacrebleu's minute of work
            lex = [100 * f1 * f1, 100 * f1, 100 * f1, 100 * (1 - f1)]
        pairs.append({
            "alignment": k,
            "bleu": round(lex[0], 6), "chrf": round(lex[1], 6), "chrf++": round(lex[2], 6), "ter": round(lex[3], 6),
            "bertscore_precision": round(0.6 + 0.4 * p_, 6) if bertscore else None,
            "bertscore_recall": round(0.6 + 0.4 * r_, 6) if bertscore else None,
            "bertscore_f1": round(0.6 + 0.4 * f1, 6) if bertscore else None,
            "unmatched_original": unmatched(orig, o, rt) if bertscore else [],
            "unmatched_rewritten": unmatched(rew, r, ot) if bertscore else [],
        })
    metrics: dict[str, Any] = {}
    if hyps and lexical:
        for key, m in (("bleu", sacrebleu.BLEU()), ("chrf", sacrebleu.CHRF()),
                       ("chrf++", sacrebleu.CHRF(word_order=2)), ("ter", sacrebleu.TER())):
            metrics[key] = {"score": round(m.corpus_score(hyps, [refs]).score, 6), "signature": str(m.get_signature())}
    if bertscore and pairs:
        n = len(pairs)
        metrics["bertscore"] = {
            "precision": round(sum(p["bertscore_precision"] for p in pairs) / n, 6),
            "recall": round(sum(p["bertscore_recall"] for p in pairs) / n, 6),
            "f1": round(sum(p["bertscore_f1"] for p in pairs) / n, 6),
            "signature": "all-MiniLM-L6-v2_L3_no-idf_version=0.3.13(hug_trans=5.23.0)",
        }
    ao = {i for o, _ in alignment for i in o}
    ar = {i for _, r in alignment for i in r}
    n_o, n_r = len(orig["sentences"]), len(rew["sentences"])

    def chars(doc: dict[str, Any], used: set[int]) -> float:
        total = sum(s["end"] - s["start"] for s in doc["sentences"]) or 1
        return sum(doc["sentences"][i]["end"] - doc["sentences"][i]["start"] for i in used) / total

    partial = n_r > 0 and len(ar) / n_r < 0.6 and len(ao) == n_o
    counts = {s: 0 for s in ("info", "minor", "major", "critical")}
    for f in findings:
        counts[f["severity"]] += 1
    report: dict[str, Any] = {
        "schema_version": "1", "original": orig, "rewritten": rew,
        "alignment": [{"original": o, "rewritten": r, "similarity": 0.0 if not (o and r) else 0.8,
                       "kind": f"{len(o)}-{len(r)}"} for o, r in alignment],
        "metrics": metrics, "pairs": pairs,
        "coverage": {
            "original": len(ao) / max(1, n_o), "rewritten": len(ar) / max(1, n_r),
            "original_chars": chars(orig, ao), "rewritten_chars": chars(rew, ar),
            "original_sentences": {"aligned": len(ao), "total": n_o},
            "rewritten_sentences": {"aligned": len(ar), "total": n_r},
            "partial_original": partial, "partial_rewritten": False,
            "note": "The original looks like an excerpt of the rewritten article; only the overlapping part is scored."
            if partial else None,
        },
        "findings": findings, "summary": {"findings_by_severity": counts},
        "meta": {
            "versions": {"evaluator": "0.1.0", "sacrebleu": sacrebleu.__version__, "bert-score": "0.3.13",
                         "transformers": "5.23.0", "torch": "2.13.0", "spacy": "3.8.0"},
            "model": {"name": "all-MiniLM-L6-v2", "layer": 3, "revision": "c9745ed1d9f207416be6d2e6f8de32d1f16199bf"},
            "options": Options().to_dict(),
            "command": command or ["evaluator", "compare", orig["path"], rew["path"], "--html", "report.html"],
        },
    }
    if gate is not None:
        report["gate"] = gate
    return report


def finding(check: str, code: str, severity: str, message: str, orig: dict[str, Any], rew: dict[str, Any],
            alignment: list[tuple[list[int], list[int]]], k: int, o_text: str | None, r_text: str | None
            ) -> dict[str, Any]:
    o, r = alignment[k]
    return {"check": check, "code": code, "severity": severity, "message": message,
            "original": span_in(orig, o, o_text) if o_text else None,
            "rewritten": span_in(rew, r, r_text) if r_text else None, "alignment": k}


def example_report(**kw: Any) -> dict[str, Any]:
    """The Korea diplomacy pair with a hand-made alignment of its overlap and a few real findings."""
    orig = document((EXAMPLE / "original.txt").read_text(encoding="utf-8"), "examples/korea-diplomacy/original.txt")
    rew = document((EXAMPLE / "rewritten.txt").read_text(encoding="utf-8"), "examples/korea-diplomacy/rewritten.txt")

    # Sentence indices as the segmenter above splits the two texts (the original is an excerpt).
    al: list[tuple[list[int], list[int]]] = [
        ([0], [0]), ([1], [1]), ([2], [2]), ([3], [3]), ([4], [4]), ([], [5]), ([], [6]), ([5], [7]),
        ([6], [8]), ([7], [9]), ([8], [10]), ([9], [11]), ([10], [12]), ([], [13]), ([11], [14]), ([12], [15]),
    ]
    fs = [
        finding("quotes", "quote-altered", "critical", "Quotation changed: “has a critical role to play” became "
                "“plays a crucial role”.", orig, rew, al, 7, "has a critical role to play", "plays a crucial role"),
        finding("quotes", "quote-altered", "critical", "Quotation shortened: “in helping to deal with this” "
                "lost its object.", orig, rew, al, 9, "China has a real interest in helping to deal with this",
                "China has a real interest in helping"),
        finding("omission", "clause-omitted", "major", "A clause about human rights violations was dropped.",
                orig, rew, al, 3, "which international officials have said amount to human rights violations",
                None),
        finding("terms", "term-changed", "major", "“policy views” became “political views”.", orig, rew, al, 12,
                "policy views", "political views"),
        finding("titles", "title-changed", "minor", "“Mr. Blinken” lost its honorific.", orig, rew, al, 7,
                "Mr. Blinken", "Blinken"),
        finding("quotes", "quote-altered", "major", "Quotation changed: “biggest” became “greatest”.", orig, rew,
                al, 15, "biggest geopolitical test", "greatest geopolitical test"),
        finding("additions", "sentence-added", "info", "A sentence in the rewrite has no counterpart in the "
                "excerpt.", orig, rew, al, 5, None, "With respect to North Korea"),
    ]
    return assemble(orig, rew, al, fs, **kw)


def hostile_report(**kw: Any) -> dict[str, Any]:
    """Markup, script breakers and template syntax in every user-controlled field."""
    bad_name = (HOSTILE / "filename.txt").read_text(encoding="utf-8").strip()
    orig = document((HOSTILE / "original.txt").read_text(encoding="utf-8"), f"/tmp/{bad_name}",
                    title='<script>alert("title")</script>')
    rew = document((HOSTILE / "rewritten.txt").read_text(encoding="utf-8"), "/tmp/{{7*7}}.txt")
    al: list[tuple[list[int], list[int]]] = [([0], [0]), ([1], [1]), ([2], [2]), ([3], []), ([], [3])]
    evil = 'x"><script>alert(1)</script>'
    fs = [
        finding(evil, "quote-altered", "critical", 'Quote "fine" became </script><script>window.__pwned=1</script>',
                orig, rew, al, 0, '"fine"', '"acceptable"'),
        finding("glossary", "term-{{7*7}}", "major", "Glossary entry <b onmouseover=alert(1)>{{7*7}}</b> & co.",
                orig, rew, al, 1, "{{7*7}}", "{{7*7}}"),
        finding("omission", "sentence-omitted", "major", "Dropped: <img src=x onerror=alert(1)>", orig, rew, al, 3,
                "<img src=x onerror=", None),
    ]
    return assemble(orig, rew, al, fs, command=["evaluator", "compare", orig["path"], "--title", "<script>x</script>"],
                    **kw)


def synthetic_report(n: int) -> dict[str, Any]:
    """``n`` aligned 1-1 pairs of news-like sentences, a finding on every tenth pair."""
    words = ("officials said the talks in Seoul would resume next week after a pause of several months while "
             "the ministers discussed sanctions trade and the security of the region").split()
    o_lines, r_lines = [], []
    for i in range(n):
        sent = [words[(i * 7 + j * 3) % len(words)] for j in range(22)]
        o_lines.append(f"On day {i} " + " ".join(sent) + ".")
        sent[5], sent[11] = "reportedly", "firmly"
        r_lines.append(f"On day {i} " + " ".join(sent) + ".")
    orig = document("\n".join(o_lines), "synthetic/original.txt")
    rew = document("\n".join(r_lines), "synthetic/rewritten.txt")
    al = [([i], [i]) for i in range(n)]
    fs = [finding("numbers", "number-changed", ("critical", "major", "minor")[i % 3], f"Day {i}: wording changed.",
                  orig, rew, al, i, f"day {i}", f"day {i}") for i in range(0, n, 10)]
    return assemble(orig, rew, al, fs, lexical=False)


# ------------------------------------------------------------------------------------ helpers

class Tags(HTMLParser):
    """Every start tag with its attributes, plus the text of <script> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def parse(html: str) -> Tags:
    t = Tags()
    t.feed(html)
    return t


def ids(tags: Tags) -> list[str]:
    return [a["id"] for _, a in tags.tags if a.get("id")]


@pytest.fixture(scope="module")
def example() -> dict[str, Any]:
    return example_report()


@pytest.fixture(scope="module")
def example_html(example: dict[str, Any]) -> str:
    return render.render_html(example)


@pytest.fixture(scope="module")
def hostile_html() -> str:
    return render.render_html(hostile_report())


# -------------------------------------------------------------------------------------- escaping

@pytest.mark.parametrize("raw", [
    "<script>alert", "<svg onload", "<img src=x", "<iframe", "<b onmouseover", "</script><script>window.__pwned",
    '"><script>alert(1)',
])
def test_hostile_markup_never_reaches_the_page_raw(hostile_html: str, raw: str) -> None:
    assert raw not in hostile_html


def test_hostile_report_has_only_our_two_scripts_and_no_event_handlers(hostile_html: str) -> None:
    tags = parse(hostile_html)
    scripts = [a for t, a in tags.tags if t == "script"]
    assert scripts == [{"type": "application/json", "id": "report-data"}, {}]
    handlers = [(t, k) for t, a in tags.tags for k in a if k.lower().startswith("on")]
    assert handlers == []
    assert not any(t in {"iframe", "img", "object", "embed"} for t, _ in tags.tags)


def test_hostile_text_renders_literally(hostile_html: str) -> None:
    assert "{{7*7}}" in hostile_html
    assert "{% raw %}" in hostile_html
    assert "rose to 49" not in hostile_html and "term-49" not in hostile_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile_html
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;" in hostile_html  # the document title


def test_inline_json_survives_script_breakers_and_round_trips(hostile_html: str) -> None:
    tags = parse(hostile_html)
    raw = tags.scripts[0]
    assert "<" not in raw and ">" not in raw and "\u2028" not in raw and "&" not in raw
    data = json.loads(raw)
    messages = {f["message"] for f in data["findings"]}
    assert 'Quote "fine" became </script><script>window.__pwned=1</script>' in messages
    assert data["pairs"] == 5


def test_script_json_escapes_every_breaker() -> None:
    value = {"a": "</script><!-- & \u2028\u2029 >"}
    out = str(render.script_json(value))
    assert out == '{"a":"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028\\u2029 \\u003e"}'
    assert json.loads(out) == value


def test_csp_allows_only_our_script_by_hash(hostile_html: str) -> None:
    import base64
    import hashlib

    tags = parse(hostile_html)
    csp = next(a["content"] for t, a in tags.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    digest = base64.b64encode(hashlib.sha256(tags.scripts[1].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in (csp or "")
    assert "default-src 'none'" in (csp or "")


def test_hostile_check_name_is_escaped_inside_the_svg_chart(hostile_html: str) -> None:
    svg = hostile_html[hostile_html.index('id="chart-findings"'):]
    svg = svg[:svg.index("</svg>")]
    assert "x&#34;&gt;&lt;script&gt;" in svg and "<script" not in svg  # markupsafe's escaping


# ------------------------------------------------------------------------------------- structure

def test_every_finding_is_listed_in_severity_order(example: dict[str, Any], example_html: str) -> None:
    tags = parse(example_html)
    items = [a for t, a in tags.tags if t == "li" and "finding" in (a.get("class") or "").split()]
    assert len(items) == len(example["findings"]) == 7
    order = [a["data-severity"] for a in items]
    assert order == ["critical", "critical", "major", "major", "major", "minor", "info"]


def test_every_internal_link_has_a_target(example_html: str, hostile_html: str) -> None:
    for html in (example_html, hostile_html):
        tags = parse(html)
        targets = set(ids(tags))
        hrefs = {a["href"][1:] for t, a in tags.tags if t == "a" and (a.get("href") or "").startswith("#")}
        assert hrefs and hrefs <= targets, hrefs - targets
        assert len(ids(tags)) == len(targets), "duplicate ids"


def test_finding_links_point_at_their_pair(example: dict[str, Any], example_html: str) -> None:
    tags = parse(example_html)
    links = {}
    for t, a in tags.tags:
        if t == "li" and a.get("data-severity"):
            current = a["id"]
        if t == "a" and "to-pair" in (a.get("class") or ""):
            links[current] = a["href"]
    assert len(links) == 7
    # Rows are numbered from 1, as the Markdown and the console number them ("pair 4" is alignment[3]).
    assert sorted(int(h.split("-")[1]) for h in links.values()) == sorted(f["alignment"] + 1
                                                                          for f in example["findings"])


def test_marks_carry_message_in_title_and_a_focusable_tooltip(example_html: str) -> None:
    tags = parse(example_html)
    marks = [a for t, a in tags.tags if t == "mark" and a.get("data-finding")]
    # Six findings carry an original span and six a rewritten one; none of them overlap.
    assert len(marks) == 12
    tips = set(ids(tags))
    for m in marks:
        assert m["tabindex"] == "0" and m["title"]
        assert m["aria-describedby"] in tips


def test_pairs_in_document_order_with_additions_in_place(example: dict[str, Any], example_html: str) -> None:
    shown = [int(m) for m in re.findall(r'<article class="pair[^"]*" id="pair-(\d+)"', example_html)]
    assert shown == list(range(1, len(example["alignment"]) + 1))
    assert example_html.count('class="pair k-added') == 3


def test_display_order_places_additions_after_their_rewrite_neighbour() -> None:
    al = [{"original": [1], "rewritten": [1]}, {"original": [0], "rewritten": [0]},
          {"original": [], "rewritten": [2]}, {"original": [2], "rewritten": []}, {"original": [3], "rewritten": [3]},
          {"original": [], "rewritten": [4]}, {"original": [], "rewritten": [5]}]
    # By original position; the addition of rewrite sentence 2 follows the pair holding rewrite 1.
    assert render._display_order(al) == [1, 0, 2, 3, 4, 5, 6]


def test_hostile_report_shows_omission_and_addition_in_place(hostile_html: str) -> None:
    assert hostile_html.count('class="pair k-omitted') == 1
    assert hostile_html.count('class="pair k-added') == 1
    assert "not in the rewrite: omitted" in hostile_html


@pytest.mark.parametrize(("a", "b", "da", "db"), [
    ("the cat sat", "the cat sat", [], []),
    ("the cat sat", "the dog sat", ["cat"], ["dog"]),
    ("He said “yes”.", "he said \"yes\"", [], []),
    ("policy views were clear", "political views were clear", ["policy"], ["political"]),
    ("a b c", "a x y c", ["b"], ["x y"]),
    ("keep all of this", "keep this", ["all of"], []),
])
def test_word_diff(a: str, b: str, da: list[str], db: list[str]) -> None:
    ra, rb = render.word_diff(a, b)
    assert [a[s:e] for s, e in ra] == da
    assert [b[s:e] for s, e in rb] == db


def test_segments_nest_diffs_inside_the_most_severe_mark() -> None:
    minor = {"severity": "minor", "id": "f1"}
    crit = {"severity": "critical", "id": "f2"}
    runs = render.segments("one two three four", [(4, 7)], [(0, 13, minor), (4, 13, crit)])
    assert [(r["mark"]["id"] if r["mark"] else None, r["parts"]) for r in runs] == [
        ("f1", [("one ", False)]), ("f2", [("two", True), (" three", False)]), (None, [(" four", False)])]
    assert "".join(t for r in runs for t, _ in r["parts"]) == "one two three four"


def test_segments_prefer_the_narrower_of_two_equally_severe_marks_and_name_a_split_mark_once() -> None:
    sentence = {"severity": "minor", "id": "wide"}  # e.g. an added entity's evidence: the whole sentence
    word = {"severity": "minor", "id": "narrow"}  # e.g. a dropped honorific: "Mr. Blinken"
    runs = render.segments("He met Mr. Blinken today.", [], [(0, 25, sentence), (7, 18, word)])
    assert [(r["mark"]["id"], "".join(t for t, _ in r["parts"]), r["first"]) for r in runs] == [
        ("wide", "He met ", True), ("narrow", "Mr. Blinken", True), ("wide", " today.", False)]
    html = render.render_html(example_report())
    assert len(ids(parse(html))) == len(set(ids(parse(html))))


def test_bidi_overrides_show_as_code_points_everywhere_in_the_page() -> None:
    """An override in the text or a file name is shown as "U+202E", not obeyed: ``send <RLO>001<PDF>``
    must not read as "send 100" beside a finding that says 100 is missing."""
    report = example_report()
    rlo, pdf = "\u202e", "\u202c"
    report["rewritten"]["path"] = f"rew{rlo}txt.final.txt"
    text = report["rewritten"]["text"]
    at = text.index("the ", report["rewritten"]["sentences"][0]["start"])
    report["rewritten"]["text"] = text[:at] + f"{rlo}eh{pdf}" + text[at + 4:]  # same length: offsets hold
    html = render.render_html(report)
    body = html.split('<script type="application/json"', 1)[0]  # the inline data keeps the text as stored
    assert rlo not in body and pdf not in body
    assert "U+202EehU+202C" in body and "rewU+202Etxt.final.txt" in body


def test_element_ids_are_unique(example_html: str, hostile_html: str) -> None:
    for page in (example_html, hostile_html):
        found = ids(parse(page))
        assert len(found) == len(set(found)), sorted({i for i in found if found.count(i) > 1})


@pytest.mark.parametrize(("gate", "findings", "status"), [
    ({"status": "fail", "results": []}, [], "fail"),
    ({"status": "pass", "results": [{"name": "chrf>=40", "status": "pass", "message": "ok", "critical": True}]},
     ["critical"], "pass"),
    (None, ["minor", "critical", "major"], "critical"),
    (None, ["minor", "major"], "major"),
    (None, ["minor", "info"], "minor"),
    (None, ["info", "info"], "clean"),
    (None, [], "clean"),
])
def test_verdict(gate: dict[str, Any] | None, findings: list[str], status: str) -> None:
    r = example_report(gate=gate)
    r["findings"] = [dict(r["findings"][0], severity=s) for s in findings]
    html = render.render_html(r, charts=False)
    assert f'data-status="{status}"' in html
    if gate and gate["results"]:
        assert "chrf&gt;=40" in html


def test_the_gate_leads_the_page_and_the_header_names_what_failed() -> None:
    """The gate table came after scores, coverage and severity counts, and the header said only
    "gate: fail": a reviewer had to scroll to learn which threshold failed."""
    from evaluator.gate import evaluate_gate, parse_gate_config

    r = example_report()
    r["gate"] = evaluate_gate(r, parse_gate_config({"gate": {"max_findings": {"major": 0, "critical": 99},
                                                             "min": {"chrf": 1.0}}}))
    html = render.render_html(r, charts=False)
    n_major = sum(1 for f in r["findings"] if f["severity"] == "major" and not f.get("waived"))
    assert n_major > 0
    value = re.search(r'<span class="verdict-value">(.*?)</span>\s*<span class="verdict-sub">', html, re.S)
    assert value and re.sub(r"<[^>]+>", "", value.group(1)) == f"gate: fail (max_findings.major {n_major} &gt; 0)"
    assert '<a href="#gate">' in value.group(1)  # the header jumps to the gate
    # the gate section opens the page, before the score cards; what failed in the first table,
    # what passed folded below it
    assert html.index('id="gate"') < html.index('id="summary"') < html.index('id="findings"')
    section = html[html.index('id="gate"'):html.index('id="summary"')]
    open_rows = section[section.index('id="gate-open"'):section.index('id="gate-passed"')]
    assert "max_findings.major" in open_rows and "min.chrf" not in open_rows
    passed = section[section.index('id="gate-passed"'):]
    assert "<summary>2 passed</summary>" in passed and "min.chrf" in passed and "max_findings.critical" in passed
    assert "3 thresholds: 1 failed, 2 passed" in section
    assert html.count('class="gate"') == 2 and 'href="#gate"' in html


def test_a_passing_gate_shows_its_thresholds_open() -> None:
    from evaluator.gate import evaluate_gate, parse_gate_config

    r = example_report()
    r["gate"] = evaluate_gate(r, parse_gate_config({"gate": {"min": {"chrf": 1.0}}}))
    html = render.render_html(r, charts=False)
    assert '<span class="verdict-value">gate: pass</span>' in html
    assert '<details class="gate-passed" id="gate-passed" open>' in html and 'id="gate-open"' not in html


def test_renders_without_bertscore_and_without_pairs() -> None:
    html = render.render_html(example_report(bertscore=False))
    assert html.count("not computed") == 1 and "chart-bertscore" not in html and "chart-chrf" in html
    empty = example_report()
    empty.update(alignment=[], pairs=[], findings=[], metrics={})
    html = render.render_html(empty)
    assert "No aligned pairs." in html and "No findings." in html and 'data-status="clean"' in html


def test_scores_look_fine_lists_high_scoring_pairs_with_serious_findings(example: dict[str, Any],
                                                                          example_html: str) -> None:
    section = example_html[example_html.index('id="fine-scores"'):example_html.index('id="findings"')]
    listed = {int(k) - 1 for k in re.findall(r'href="#pair-(\d+)"', section)}  # numbered from 1
    f1 = sorted(p["bertscore_f1"] for p in example["pairs"])
    median = (f1[len(f1) // 2] + f1[(len(f1) - 1) // 2]) / 2
    scores = {p["alignment"]: p for p in example["pairs"]}
    expected = {f["alignment"] for f in example["findings"] if f["severity"] in ("major", "critical")
                and (scores[f["alignment"]]["chrf"] >= 60 or scores[f["alignment"]]["bertscore_f1"] >= median)}
    assert listed == expected and expected


def test_scores_look_fine_leads_with_the_most_deceptive_pairs_and_folds_the_rest() -> None:
    """On a test set most flagged lines can score well: the table shows the first ten, highest chrF first,
    and the rest behind one "N more" click (all of them still listed, and opened for print)."""
    report = synthetic_report(300)
    by_pair = {p["alignment"]: p for p in report["pairs"]}
    serious = {f["alignment"] for f in report["findings"] if f["severity"] in ("major", "critical")}
    chrf = {k: by_pair[k]["chrf"] for k in serious}
    assert len(serious) == 20 and min(chrf.values()) >= 60  # every serious pair qualifies
    for k in sorted(serious)[::3]:  # and some also score high on BERTScore: those lead
        by_pair[k]["bertscore_f1"] = 0.999
    html = render.render_html(report)
    section = html[html.index('id="fine-scores"'):html.index('id="findings"')]
    head, more = section.split('<details class="fine-more">')
    shown = [int(k) - 1 for k in re.findall(r'href="#pair-(\d+)"', head)]
    folded = [int(k) - 1 for k in re.findall(r'href="#pair-(\d+)"', more)]
    assert len(shown) == render.FINE_SHOWN and sorted(shown + folded) == sorted(serious)
    median = statistics.median(p["bertscore_f1"] for p in report["pairs"])
    both = {k for k in serious if by_pair[k]["bertscore_f1"] >= median}
    assert both and both != serious  # the two orders differ
    assert shown + folded == sorted(serious, key=lambda k: (k not in both, -chrf[k], k))
    assert "20 pairs, high on both metrics first" in section and "10 more pairs like these" in more
    assert "details.fine-more" in html  # opened before printing


def test_header_footer_show_coverage_note_signatures_and_command(example: dict[str, Any], example_html: str) -> None:
    assert example["coverage"]["partial_original"]
    assert "looks like an excerpt" in example_html
    assert example["metrics"]["chrf"]["signature"] in example_html
    assert "evaluator compare examples/korea-diplomacy/original.txt" in example_html
    assert "c9745ed1d9f207416be6d2e6f8de32d1f16199bf" in example_html


def test_no_remote_resources(example_html: str) -> None:
    assert not re.search(r"(src|href)=\"(https?:)?//", example_html)
    assert "@import" not in example_html and "url(http" not in example_html


def test_charts_are_inline_svg_without_prolog_and_with_unique_ids(example_html: str) -> None:
    assert "<?xml" not in example_html and "<!DOCTYPE svg" not in example_html
    assert example_html.count("<svg") == 3
    for ref in set(re.findall(r"url\(#([^)]+)\)", example_html)):
        assert f'id="{ref}"' in example_html


# ---------------------------------------------------------------------- size, speed, determinism

def test_same_input_gives_identical_bytes(example: dict[str, Any], example_html: str) -> None:
    assert render.render_html(example).encode() == example_html.encode()


def test_two_thousand_pairs_stay_under_five_megabytes() -> None:
    report = synthetic_report(2000)
    html = render.render_html(report)
    size = len(html.encode("utf-8"))
    assert size < 5 * 1024 * 1024, size
    assert html.count('<article class="pair') == 2000
    assert html.count('class="finding s-') == 200


def test_write_html_is_atomic(tmp_path: Path, example: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out" / "report.html"
    render.write_html(example, target)
    first = target.read_bytes()
    assert first.startswith(b"<!DOCTYPE html>")

    def boom(*a: Any, **k: Any) -> str:
        raise RuntimeError("render failed")

    monkeypatch.setattr(render, "render_html", boom)
    with pytest.raises(RuntimeError):
        render.write_html(example, target)
    assert target.read_bytes() == first
    assert [p.name for p in target.parent.iterdir()] == ["report.html"]


def test_hostile_file_name_on_disk(tmp_path: Path) -> None:
    bad = (HOSTILE / "filename.txt").read_text(encoding="utf-8").strip()
    src = tmp_path / bad  # made at run time: "<>\"" cannot be a committed file name on every OS
    src.write_text("The text.", encoding="utf-8")
    odd = next(HOSTILE.glob("{{*"))  # the committed, portable one
    report = example_report()
    report["original"]["path"] = str(src)
    report["rewritten"]["path"] = str(odd)
    out = tmp_path / "r.html"
    render.write_html(report, out, charts=False)
    html = out.read_text(encoding="utf-8")
    assert "<svg onload" not in html and "&lt;svg onload=alert(1)&gt;{{7*7}}.txt" in html
    assert "{{7*7}} &amp; &#39;odd&#39; name.txt" in html


# --------------------------------------------------------------------------------------- notebook

def test_notebook_has_no_script_and_scoped_css(example: dict[str, Any]) -> None:
    nb = render_notebook(example)
    assert "<script" not in nb.lower()
    root = re.match(r'<div class="([\w-]+)"', nb)
    assert root, nb[:200]
    css = re.search(r"<style>(.*?)</style>", nb, re.S)
    assert css
    selectors = [s.strip() for block in re.findall(r"([^{}]+)\{", css.group(1)) for s in block.split(",")]
    assert selectors and all(s.startswith("." + root.group(1)) for s in selectors if not s.startswith("@")), selectors
    assert nb.count('class="nb-finding') == len(example["findings"])
    assert "quote-altered" in nb and "has a critical role to play" in nb


def test_notebook_escapes_hostile_text() -> None:
    nb = render_notebook(hostile_report())
    assert "<script" not in nb.lower() and "<svg onload" not in nb and "<img" not in nb
    assert "{{7*7}}" in nb


# ------------------------------------------------------------- first-time reader: what a card means

def _card(html: str, code: str) -> str:
    """The <li> of the first finding with ``code``."""
    at = html.index(f"/ {code}</code>")
    start = html.rindex('<li class="finding', 0, at)
    return html[start:html.index("</li>", at)]


def context_report() -> dict[str, Any]:
    """The example with the findings a rewrite-only or original-only sentence gets: the JSON carries
    the nearest matched sentence of the other side, which is context, not changed text."""
    r = example_report()
    orig, rew = r["original"], r["rewritten"]
    al = [(a["original"], a["rewritten"]) for a in r["alignment"]]
    near_o = span_in(orig, [4], orig["text"][orig["sentences"][4]["start"]:orig["sentences"][4]["end"]])
    added = finding("omission", "sentence-added", "info", "Rewrite sentence has no counterpart.", orig, rew, al, 5,
                    None, "With respect to North Korea")
    added["original"] = near_o  # as checks/omission.py `_sentence_alone` does: original=near
    renamed = finding("entities", "org-renamed", "major", "“Peace Institute” renamed.", orig, rew, al, 6, None,
                      "He said")
    renamed["original"] = near_o  # another check doing the same on a 0-1 pair: the empty side is context
    r["alignment"].append({"original": [3], "rewritten": [], "similarity": 0.0, "kind": "1-0"})
    omitted = {"check": "omission", "code": "sentence-omitted", "severity": "major", "message": "Dropped.",
               "original": span_in(orig, [3], "At stake"), "alignment": len(r["alignment"]) - 1,
               "rewritten": span_in(rew, [3], "At stake")}  # rewritten=near
    r["findings"] = [*r["findings"], added, renamed, omitted]
    return r


def test_context_sides_of_a_card_are_labelled_and_neutral_not_shown_as_changed() -> None:
    html = render.render_html(context_report(), charts=False)
    for code, ctx_side, ev_side, name in (("sentence-added", "original", "rewritten", "original"),
                                          ("org-renamed", "original", "rewritten", "original"),
                                          ("sentence-omitted", "rewritten", "original", "rewrite")):
        card = _card(html, code)
        assert f'data-side="{ctx_side}" data-context="1"' in card, code
        assert f"not in the {name}: nearest {name} sentence, for context" in card, code
        ctx = card[card.index(f'data-side="{ctx_side}"'):]
        ctx = ctx[:ctx.index("</div>")]
        assert 'class="ev ev-ctx"' in ctx and "ev-o" not in ctx and "ev-r" not in ctx, code
        ev = card[card.index(f'data-side="{ev_side}"'):]
        assert 'data-context' not in ev[:ev.index(">")] and ("ev-o" in ev or "ev-r" in ev), code
    # A finding inside a 1-1 pair shows both sides as evidence.
    card = _card(html, "quote-altered")
    assert "data-context" not in card and "ev-o" in card and "ev-r" in card


def test_context_side_rules() -> None:
    one_one = {"original": [1], "rewritten": [1]}
    assert render._context_side({"code": "sentence-added"}, one_one) == "original"
    assert render._context_side({"code": "sentence-omitted"}, None) == "rewritten"
    assert render._context_side({"code": "org-renamed"}, {"original": [], "rewritten": [4]}) == "original"
    assert render._context_side({"code": "x"}, {"original": [4], "rewritten": []}) == "rewritten"
    assert render._context_side({"code": "quote-altered"}, one_one) is None
    assert render._context_side({"code": "quote-altered"}, None) is None


def test_rows_are_numbered_from_one_and_the_badge_says_what_it_counts(example_html: str) -> None:
    assert 'href="#pair-1">#1</a>' in example_html and 'id="pair-0"' not in example_html
    assert "pair 0 →" not in example_html and "#0<" not in example_html
    assert ">16 rows · 13 aligned</span>" in example_html
    assert "BERTScore F1</span>" in example_html and "BERT F1" not in example_html
    assert '<abbr title="one original sentence ↔ one rewrite sentence">1-1</abbr>' in example_html
    assert '<abbr title="1 rewrite sentence with no original counterpart: added in the rewrite">0-1</abbr>' \
        in example_html
    assert 'id="shape-legend"' in example_html


def test_info_findings_start_hidden_with_their_count_in_view(example_html: str) -> None:
    boxes = dict(re.findall(r'<input type="checkbox" name="severity" value="(\w+)" id="sev-\w+"( checked)?>',
                            example_html))
    assert boxes == {"critical": " checked", "major": " checked", "minor": " checked", "info": ""}
    assert "6 of 7 shown" in example_html
    assert re.search(r'id="info-note">1 info finding is hidden: <label for="sev-info"', example_html)
    # No info finding: nothing hidden, no note.
    r = example_report()
    r["findings"] = [f for f in r["findings"] if f["severity"] != "info"]
    html = render.render_html(r, charts=False)
    assert 'value="info" id="sev-info" checked' in html and 'id="info-note"' not in html


def test_heading_is_the_run_name_with_the_files_under_it(example_html: str) -> None:
    assert "<h1>korea-diplomacy</h1>" in example_html
    assert "<title>Rewrite check: korea-diplomacy</title>" in example_html
    assert "examples/korea-diplomacy/original.txt" in example_html
    r = example_report()
    r["rewritten"]["path"] = "elsewhere/rewritten.txt"
    assert "<h1>original-vs-rewritten</h1>" in render.render_html(r, charts=False)
    r["meta"]["name"] = "my <run>"
    assert "<h1>my &lt;run&gt;</h1>" in render.render_html(r, charts=False)
    assert "<h1>pair &amp; 7</h1>" in render.render_html(r, charts=False, name="pair & 7")


def test_run_name_is_the_name_compare_gives_its_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One definition (``render.pair_name``): the heading of a report without --name is the name
    `evaluator compare` gave its files, symlinks resolved; a path no file system takes does not crash."""
    from evaluator.render import pair_name

    monkeypatch.chdir(tmp_path)
    for d in ("story", "a", "b"):
        (tmp_path / d).mkdir()
    (tmp_path / "a" / "o.txt").write_text("A.", encoding="utf-8")
    (tmp_path / "b" / "r.txt").write_text("B.", encoding="utf-8")
    (tmp_path / "story" / "original.txt").symlink_to(tmp_path / "a" / "o.txt")
    (tmp_path / "story" / "rewritten.txt").symlink_to(tmp_path / "b" / "r.txt")

    def heading(o: str, r: str) -> str:
        return render.run_name({"original": {"path": o}, "rewritten": {"path": r}, "meta": {}})

    for o, r, name in (("a/o.txt", "a/o.txt", "a"), ("a/o.txt", "b/r.txt", "o-vs-r"),
                       ("story/original.txt", "story/rewritten.txt", "original-vs-rewritten"),
                       ("x.txt", "y.txt", "x-vs-y"), ("x.txt", "x.md", tmp_path.name),
                       ("a\0/o.txt", "a\0/r.txt", "o-vs-r"), ("a\0/o.txt", "a\0/o.md", "a\0")):
        assert heading(o, r) == name, (o, r)
        if "\0" not in o:
            assert pair_name(o, r) == name
    assert heading("", "b/r.txt") == ""


def test_batch_pair_page_has_its_id_and_a_link_back(tmp_path: Path) -> None:
    from evaluator import batch

    write = batch._html_writer()
    assert write is not None
    write(example_report(), tmp_path / "p.html", name="doc-17", back="../index.html")
    html = (tmp_path / "p.html").read_text(encoding="utf-8")
    assert "<h1>doc-17</h1>" in html and '<a href="../index.html" id="back-link">← batch overview</a>' in html
    assert 'id="back-link"' not in render.render_html(example_report(), charts=False)


def test_score_report_names_its_sides_reference_and_system_output() -> None:
    r = example_report()
    r["meta"]["line_aligned"] = True  # what testsets' merged report for `evaluator score --html` carries
    html = render.render_html(r, charts=False)
    body = html.split('<script type="application/json"', 1)[0]
    assert "<dt>Reference</dt>" in body and "<dt>System output</dt>" in body
    assert "<dt>Original</dt>" not in body and "<dt>Rewrite</dt>" not in body
    assert "Reference · original.txt" in body and "System output · rewritten.txt" in body
    assert "one reference sentence ↔ one system output sentence" in body
    assert render.is_score_report({"kind": "score"}) and not render.is_score_report(example_report())


def test_options_show_resolved_values_and_the_signature_version_is_explained() -> None:
    r = example_report()
    r["meta"]["options"].update(layer=None, reference_sets=[], use_bundled_reference_set=True)
    r["meta"]["reference_sets"] = ["/x/reference_sets/international_news.toml"]
    r["meta"]["versions"]["bert_score"] = "0.3.13"
    r["metrics"]["bertscore"]["signature"] = "bertscore|model:m|layer:3|bert_score:0.3.12|torch:2"
    html = render.render_html(r, charts=False)
    assert "Options (as resolved for this run)" in html
    assert "<th scope=\"row\">layer</th><td>3 (the model&#39;s default)</td>" in html
    assert ("<th scope=\"row\">reference_sets</th><td>/x/reference_sets/international_news.toml "
            "(bundled set included)</td>") in html
    assert html.count("bert_score 0.3.13 is installed; the signature carries the version the package "
                      "reports itself (0.3.12)") == 2  # the metric card and the footer
    assert render.signature_note("a|bert_score:0.3.13|b", {"bert_score": "0.3.13"}) == ""


def test_rows_are_drawn_eagerly_below_five_hundred(example_html: str) -> None:
    assert 'class="pairs" id="pairs-list"' in example_html
    assert 'class="pairs lazy" id="pairs-list"' in render.render_html(synthetic_report(render.LAZY_ROWS),
                                                                       charts=False)


def test_a_merged_finding_reads_as_one_sentence_with_the_other_checks_apart() -> None:
    """The card says the kept finding's message; what other checks said of the same edit sits in a
    collapsed "Also seen by" line (the JSON keeps the whole message)."""
    r = example_report()
    f = dict(r["findings"][0])
    f["message"] = "Roles reversed: A helped B. Same edit: omission/clause-dropped: Dropped from the rewrite: \"x\"."
    f["data"] = {"merged": [{"check": "omission", "code": "clause-dropped", "severity": "major",
                             "message": "Dropped from the rewrite: \"x\"", "original": None, "rewritten": None}]}
    r["findings"] = [f]
    html = render.render_html(r, charts=False)
    assert '<p class="f-msg">Roles reversed: A helped B.</p>' in html
    assert "Also seen by 1 other check" in html and "<code>omission / clause-dropped</code>" in html


def test_a_score_page_words_messages_as_reference_and_system_output() -> None:
    """A test set's page labels its sides Reference / System output; the checks' messages said
    "in the rewrite but not in the original". Quoted text is the user's and keeps its words."""
    r = example_report()
    r["kind"] = "score"
    f = dict(r["findings"][0], message='Negation added: “not” in the rewrite but not in the original: "the original plan"')
    r["findings"] = [f]
    html = render.render_html(r, charts=False)
    assert "in the system output but not in the reference: &#34;the original plan&#34;" in html
    plain = dict(example_report(), findings=[f])
    assert "in the rewrite but not in the original" in render.render_html(plain, charts=False)


def test_line_and_paragraph_separators_show_as_code_points_and_text_stays_escaped() -> None:
    """HTML draws no U+2028 / U+2029 (nor NEL, VT, FF): "spoke<LS>at" read "spokeat".  They are shown as
    their code point, as the bidi controls are; the markup around them stays escaped."""
    report = example_report()
    text = report["rewritten"]["text"]
    first = report["rewritten"]["sentences"][0]
    at = text.index(" ", first["start"])
    # same length, so every offset holds: "<LS>", then "<b>" with a paragraph separator, then NEL
    text = text[:at] + "\u2028" + text[at + 1:]
    at2 = text.index(" ", at + 1)
    text = text[:at2] + "\u2029" + text[at2 + 1:]
    at3 = text.index(" ", at2 + 1)
    text = text[:at3] + "\x85" + text[at3 + 1:]
    report["rewritten"]["text"] = text
    report["rewritten"]["path"] = "rew\u2028<b>name</b>.txt"
    html = render.render_html(report)
    body = html.split('<script type="application/json"', 1)[0]
    assert "\u2028" not in body and "\u2029" not in body and "\x85" not in body
    shown = text[first["start"]:at3 + 4].replace("\u2028", "U+2028").replace("\u2029", "U+2029") \
        .replace("\x85", "U+0085")
    assert "U+2028" in shown and "U+0085" in shown
    assert body.count("U+2028") >= 1 and body.count("U+2029") >= 1 and body.count("U+0085") >= 1
    assert shown in re.sub(r"<[^>]+>", "", body)  # the words a reader sees, separators marked between them
    assert "rewU+2028&lt;b&gt;name&lt;/b&gt;.txt" in body and "<b>name" not in body
    data = json.loads(parse(html).scripts[0])  # the inline data still parses, every finding in it
    assert data["findings"] and len(data["findings"]) == len(report["findings"])
    assert render.show_separators("a\u2028b\u2029c\x0bd") == "aU+2028bU+2029cU+000Bd"
    assert render.show_separators("plain text\n") == "plain text\n"


def test_counts_take_the_singular_for_one() -> None:
    from evaluator.render import plural
    from evaluator.render.charts import render_charts

    assert plural(1, "finding") == "1 finding" and plural(0, "finding") == "0 findings"
    assert plural(2, "sentence") == "2 sentences" and plural(1, "child", "children") == "1 child"
    html = render.render_html(example_report(), charts=False)
    assert "3 sentences have no counterpart" in html
    r = example_report()  # one added sentence only: pairs 6 and 14 aligned away
    r["alignment"] = [a for k, a in enumerate(r["alignment"]) if k not in (6, 13)]
    r["findings"] = [dict(f, alignment=None) for f in r["findings"]]
    r["pairs"] = []
    html = render.render_html(r, charts=False)
    assert "1 sentence has no counterpart" in html and "1 sentences" not in html
    r = example_report()
    r["alignment"] = r["alignment"][:1]
    r["pairs"] = r["pairs"][:1]
    r["findings"] = [dict(r["findings"][0], alignment=0, original=None, rewritten=None)]
    html = render.render_html(r)
    assert "1 of 1 aligned pair carries a minor or worse finding." in html
    assert ">1 row · 1 aligned<" in html and "1 rows" not in html
    captions = [c["caption"] for c in render_charts(r)]
    assert "1 finding." in captions and any(c.startswith("1 pair;") for c in captions)
    # no "{n} <plural>" phrase in the page for a count of one
    assert not re.search(r"\b1 (findings|pairs|rows|sentences|checks)\b", re.sub(r"<[^>]+>", " ", html))


def test_the_page_carries_the_filters_it_prints_with(example_html: str) -> None:
    """Paper shows what the screen shows: the CSS no longer prints hidden findings or pairs, and a
    printed page opens with the filters it was made with (report.js keeps the line current)."""
    assert ('<p class="print-only" id="print-filters">Printed with filters: severity critical, major, minor; '
            'all checks; 1 of 7 findings hidden.</p>') in example_html
    css = str(render.asset("report.css"))
    print_css = css[css.index("@media print"):]
    assert ".finding[hidden]" not in print_css and 'pair[data-f="0"]' not in print_css
    r = example_report()
    r["findings"] = [f for f in r["findings"] if f["severity"] != "info"]
    assert "severity critical, major, minor, info; all checks; 0 of 6 findings hidden." in render.render_html(
        r, charts=False)


def test_a_card_shows_its_evidence_inside_the_words_around_it() -> None:
    """A finding's card marks the evidence within its sentence ("we will [not] accept"), cut at a word
    with "…" beyond CONTEXT_CHARS, and the words around it are escaped like any text."""
    body = "Officials met on Monday. " + "<b>We</b> will not accept the offer, the minister said on the record today."
    doc = {"text": body, "sentences": [{"start": 0, "end": 24}, {"start": 25, "end": len(body)}]}
    start = body.index("not")
    before, after = render._around(doc, {"start": start, "end": start + 3}, "not")
    assert before == "<b>We</b> will " and after == " accept the offer, the minister said on the record today."
    long_doc = {"text": "word " * 40 + "X" + " tail" * 40, "sentences": []}
    at = long_doc["text"].index("X")
    before, after = render._around(long_doc, {"start": at, "end": at + 1}, "X")
    assert before.startswith("…") and len(before) <= render.CONTEXT_CHARS + 1 and before.endswith("word ")
    assert after.endswith("…") and len(after) <= render.CONTEXT_CHARS + 1 and after.startswith(" tail")
    assert render._around(doc, {"start": start, "end": start + 3}, "NOT") == ("", "")  # text must match the span
    # the sentence bounds read once per report give the same context as reading them per finding
    assert render._around(doc, {"start": start, "end": start + 3}, "not", render._sentence_bounds(doc)) == \
        render._around(doc, {"start": start, "end": start + 3}, "not")
    html = render.render_html(example_report())
    assert '<span class="ev-around">' in html and '<mark class="ev ev-o">' in html
    hostile = render.render_html(hostile_report())
    assert "<script>alert" not in hostile
    assert '<span class="ev-around">The minister said &lt;script&gt;alert(1)&lt;/script&gt; was ' in hostile
