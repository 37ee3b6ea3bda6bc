"""End to end on the example pair, with the real bundled models: what a reviewer expects to see.

The expectations live in reference_sets/examples/korea-diplomacy/expected_findings.json so that
they are data a reviewer can read and extend, not assertions buried in code.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sacrebleu

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "reference_sets" / "examples" / "korea-diplomacy"
EXPECTED = json.loads((EXAMPLE / "expected_findings.json").read_text(encoding="utf-8"))
RANK = {"info": 0, "minor": 1, "major": 2, "critical": 3}


def _side_text(finding: dict, side: str) -> str:
    span = finding.get(side)
    return span["text"] if span else ""


def _matches(f: dict, exp: dict) -> bool:
    if "check" in exp and f["check"] != exp["check"]:
        return False
    if "code" in exp and f["code"] != exp["code"]:
        return False
    rank = RANK[f["severity"]]
    if rank < RANK[exp["min_severity"]] or rank > RANK[exp.get("max_severity", "critical")]:
        return False
    for side in ("original", "rewritten"):
        if side in exp:
            # the evidence, or the message that quotes it (a quote finding shows the word diff)
            hay = _side_text(f, side) + " " + f["message"]
            if exp[side] not in hay:
                return False
    return True


@pytest.fixture(scope="module")
def data(example_report):
    return example_report.to_dict()


@pytest.mark.parametrize("exp", EXPECTED["expected"], ids=[e["what"] for e in EXPECTED["expected"]])
def test_expected_finding_is_reported(data, exp):
    hits = [f for f in data["findings"] if _matches(f, exp)]
    assert hits, f"missing: {exp['what']}\nfindings:\n" + "\n".join(
        f"  {f['severity']} {f['check']}/{f['code']}: {f['message'][:120]}" for f in data["findings"]
        if f["severity"] != "info")


def test_evidence_spans_point_at_the_text(data):
    for f in data["findings"]:
        for side in ("original", "rewritten"):
            span = f.get(side)
            if span:
                assert data[side]["text"][span["start"]:span["end"]] == span["text"], f


@pytest.mark.parametrize("opening", EXPECTED["paraphrase_only_original_sentences"]["openings"])
def test_paraphrase_only_pairs_carry_no_major_finding(data, opening):
    o = data["original"]
    idx = [s["index"] for s in o["sentences"] if o["text"][s["start"]:s["end"]].startswith(opening)]
    assert len(idx) == 1, opening
    pairs = [k for k, a in enumerate(data["alignment"]) if idx[0] in a["original"]]
    assert len(pairs) == 1 and data["alignment"][pairs[0]]["rewritten"], "sentence must be aligned"
    bad = [f for f in data["findings"] if f["alignment"] == pairs[0] and RANK[f["severity"]] >= 2]
    assert not bad, [f["message"] for f in bad]


def test_partial_excerpt_aligns_and_is_called_partial(data):
    o_sents = data["original"]["sentences"]
    aligned_o = {i for a in data["alignment"] if a["original"] and a["rewritten"] for i in a["original"]}
    assert aligned_o == {s["index"] for s in o_sents}  # every excerpt sentence found its counterpart
    cov = data["coverage"]
    assert cov["original"] == pytest.approx(1.0)
    assert 0.15 < cov["rewritten"] < 0.45  # the rewrite covers the whole article, ~3.5x longer
    assert cov.get("partial_original") is True
    # the rewrite's extra paragraphs are not reported as major additions
    added = [f for f in data["findings"] if f["code"] == "sentence-added"]
    assert added and all(f["severity"] == "info" for f in added)


def test_document_metrics_equal_sacrebleu_corpus_on_the_pair_texts(example_report, data):
    hyps, refs = [], []
    for a in example_report.alignment:
        if a.is_match:
            refs.append(example_report.original.sentence_text(a.original))
            hyps.append(example_report.rewritten.sentence_text(a.rewritten))
    assert len(hyps) == 13
    m = example_report.metrics
    assert m["bleu"].score == sacrebleu.corpus_bleu(hyps, [refs]).score
    assert m["chrf"].score == sacrebleu.corpus_chrf(hyps, [refs]).score
    assert m["chrf++"].score == sacrebleu.corpus_chrf(hyps, [refs], word_order=2).score
    assert m["ter"].score == sacrebleu.corpus_ter(hyps, [refs]).score
    assert data["metrics"]["bleu"]["score"] == pytest.approx(m["bleu"].score, abs=1e-6)  # JSON: 6 decimals
    bs = data["metrics"]["bertscore"]
    assert 0.8 < bs["f1"] < 0.95 and "layer:3" in bs["signature"] and "all-MiniLM-L6-v2" in bs["signature"]


def test_cli_main_job_writes_the_same_report(tmp_path, data):
    """The README's demo command, on the real models, in a fresh process."""
    proc = subprocess.run(
        [sys.executable, "-m", "evaluator", "compare", str(EXAMPLE / "original.txt"),
         str(EXAMPLE / "rewritten.txt"), "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    out = json.loads((tmp_path / "korea-diplomacy.json").read_text(encoding="utf-8"))
    html = (tmp_path / "korea-diplomacy.html").read_text(encoding="utf-8")
    assert "Foreign Secretary" in html
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})  # a split mark named once
    # same inputs, same settings: the same numbers and findings
    assert out["metrics"] == data["metrics"]
    assert out["alignment"] == data["alignment"]
    assert [(f["code"], f["severity"], f["message"]) for f in out["findings"]] == \
        [(f["code"], f["severity"], f["message"]) for f in data["findings"]]
    assert "critical" in proc.stdout.lower()
