"""pandas frames: documented columns and dtypes, agreement with the JSON, across systems and batch pairs."""
from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import evaluator
from evaluator import frames
from evaluator.errors import InputError

ORIGINAL = ("Secretary of State Antony Blinken met President Yoon in Seoul on Monday. "
            "He said the alliance was strong. Exports rose 10 million dollars in 2023.")
REWRITTEN = ("Foreign Secretary Antony Blinken met President Yoon in Busan on Monday. "
             "Exports rose 12 million dollars in 2023. The weather was fine.")

# The columns and dtypes the module docstring (and README) document, spelled out so a change is noticed.
PAIRS = {
    "alignment": "int64", "kind": "string", "similarity": "float64", "original_sentences": "string",
    "rewritten_sentences": "string", "original_start": "Int64", "original_end": "Int64",
    "rewritten_start": "Int64", "rewritten_end": "Int64", "original_text": "string", "rewritten_text": "string",
    "bleu": "float64", "chrf": "float64", "chrf++": "float64", "ter": "float64",
    "bertscore_precision": "float64", "bertscore_recall": "float64", "bertscore_f1": "float64",
    "unmatched_original": "string", "unmatched_rewritten": "string", "findings": "int64",
    "worst_severity": "category",
}
FINDINGS = {
    "finding": "int64", "check": "string", "code": "string", "severity": "category", "message": "string",
    "alignment": "Int64", "original_start": "Int64", "original_end": "Int64", "original_text": "string",
    "rewritten_start": "Int64", "rewritten_end": "Int64", "rewritten_text": "string",
    "original_sentence": "string", "rewritten_sentence": "string", "waived": "bool", "waiver_reason": "string",
    "data": "string",
}
METRICS = ("bleu", "chrf", "chrf++", "ter", "bertscore_precision", "bertscore_recall", "bertscore_f1")


def dtypes(df: pd.DataFrame) -> dict[str, str]:
    return {c: str(t) for c, t in df.dtypes.items()}


def same(a: Any, b: Any) -> bool:
    """Frame cell vs JSON value: NA/NaN equals None."""
    if b is None:
        return a is None or a is pd.NA or (isinstance(a, float) and math.isnan(a))
    return bool(a == b)


@pytest.fixture(scope="module")
def report(resources: Any) -> Any:
    return evaluator.compare(ORIGINAL, REWRITTEN, resources=resources)


@pytest.mark.slow
def test_frames_have_the_documented_columns_and_dtypes(report: Any) -> None:
    pf, ff = report.pairs_frame(), report.findings_frame()
    assert dtypes(pf) == PAIRS
    assert dtypes(ff) == FINDINGS
    for df, col in ((pf, "worst_severity"), (ff, "severity")):
        assert list(df[col].cat.categories) == ["info", "minor", "major", "critical"] and df[col].cat.ordered
    # An ordered severity filters as analysts expect.
    serious = ff[ff["severity"] >= "major"]
    assert set(serious["severity"]) <= {"major", "critical"} and len(serious) > 0
    docs = frames.tables(report)["documents"]
    assert list(docs.columns) == list(frames.DOCUMENTS_COLUMNS) and len(docs) == 1


@pytest.mark.slow
def test_pairs_frame_agrees_with_the_json(report: Any) -> None:
    data = report.to_dict()
    pf = report.pairs_frame()
    assert len(pf) == len(data["alignment"]) and len(pf) >= 4
    kinds = set(pf["kind"])
    assert {"1-1", "1-0", "0-1"} <= kinds  # an omission and an addition are rows too
    scores = {p["alignment"]: p for p in data["pairs"]}
    by_pair: dict[int, int] = {}
    for f in data["findings"]:
        if f["alignment"] is not None:
            by_pair[f["alignment"]] = by_pair.get(f["alignment"], 0) + 1
    for k, a in enumerate(data["alignment"]):
        row = pf.iloc[k]
        assert row["alignment"] == k and row["kind"] == a["kind"] and row["similarity"] == a["similarity"]
        for side in ("original", "rewritten"):
            doc = data[side]
            idx = a[side]
            assert same(row[f"{side}_sentences"], ",".join(map(str, idx)) or None)
            if idx:
                start, end = doc["sentences"][idx[0]]["start"], doc["sentences"][idx[-1]]["end"]
                assert (row[f"{side}_start"], row[f"{side}_end"]) == (start, end)
                assert row[f"{side}_text"] == " ".join(doc["text"][doc["sentences"][i]["start"]:
                                                                   doc["sentences"][i]["end"]] for i in idx)
            else:
                assert row[f"{side}_text"] is pd.NA and row[f"{side}_start"] is pd.NA
        for m in METRICS:
            assert same(row[m], scores.get(k, {}).get(m)), (k, m)
        if k in scores:
            assert row["unmatched_original"] == " | ".join(u["text"] for u in scores[k]["unmatched_original"])
        assert row["findings"] == by_pair.get(k, 0)
    assert pf["findings"].sum() == sum(1 for f in data["findings"] if f["alignment"] is not None)


@pytest.mark.slow
def test_findings_frame_agrees_with_the_json(report: Any) -> None:
    data = report.to_dict()
    ff = report.findings_frame()
    pf = report.pairs_frame()
    assert len(ff) == len(data["findings"]) >= 3
    codes = set(ff["code"])
    assert {"title-changed", "number-changed", "entity-substituted"} <= codes
    for i, f in enumerate(data["findings"]):
        row = ff.iloc[i]
        assert row["finding"] == i
        for key in ("check", "code", "severity", "message"):
            assert row[key] == f[key], key
        assert same(row["alignment"], f["alignment"])
        for side in ("original", "rewritten"):
            span = f[side]
            for part in ("start", "end", "text"):
                assert same(row[f"{side}_{part}"], span[part] if span else None), (i, side, part)
            if f["alignment"] is not None:
                assert same(row[f"{side}_sentence"], _na(pf.iloc[f["alignment"]][f"{side}_text"]))
        assert json.loads(row["data"]) == f.get("data") if f.get("data") else row["data"] is pd.NA
        assert not row["waived"] and row["waiver_reason"] is pd.NA
    # pandas answers the analyst's questions directly.
    counts = ff.groupby("severity", observed=False).size().to_dict()
    assert counts == data["summary"]["findings_by_severity"]


def _na(v: Any) -> Any:
    return None if v is pd.NA else v


@pytest.mark.slow
def test_waived_findings_are_marked(report: Any) -> None:
    from evaluator.gate import evaluate_gate, parse_gate_config
    from evaluator.waivers import Waiver

    data = report.to_dict()
    target = next(f for f in data["findings"] if f["code"] == "number-changed")
    w = Waiver(check="numbers", code="number-changed", reason="rounded in house style",
               expires=__import__("datetime").date(2999, 1, 1), original=target["original"]["text"])
    data["gate"] = evaluate_gate(data, parse_gate_config({"gate": {"max_findings": {"total": 99}}}), waivers=[w])
    ff = frames.findings_frame(data)
    waived = ff[ff["waived"]]
    assert list(waived["code"]) == ["number-changed"] and list(waived["waiver_reason"]) == ["rounded in house style"]
    assert frames.tables(data)["documents"]["gate"].iloc[0] == "pass"


@pytest.mark.slow
def test_a_report_without_findings_gives_empty_frames_with_the_columns(resources: Any) -> None:
    same_text = "The council met on Tuesday to discuss the budget."
    r = evaluator.compare(same_text, same_text, resources=resources)
    ff = r.findings_frame()
    assert len(ff) == 0 and dtypes(ff) == FINDINGS
    pf = r.pairs_frame()
    assert len(pf) == 1 and pf["chrf"].iloc[0] == pytest.approx(100.0) and pf["findings"].iloc[0] == 0
    assert pf["worst_severity"].isna().all()


@pytest.mark.slow
def test_score_frames_across_systems(resources: Any) -> None:
    from evaluator.testsets import score_systems

    refs = ["The minister visited Seoul on Monday.", "Sales rose 10 percent last year.",
            "The court did not approve the merger."]
    systems = {"good": ["The minister visited Seoul on Monday.", "Sales rose 10 per cent last year.",
                        "The court did not approve the merger."],
               "bad": ["The minister visited Busan on Monday.", "Sales rose 12 percent last year.",
                       "The court approved the merger."]}
    data, _ = score_systems([refs], systems, resources=resources, sources=["s1", "s2", "s3"])
    res = frames.results_from_report(data)
    assert res.kind == "score" and list(res.tables) == ["findings", "pairs", "systems"]
    pf = res.pairs_frame()
    assert list(pf.columns) == list(frames.SCORE_PAIRS_COLUMNS)
    assert dtypes(pf)["system"] == "string" and dtypes(pf)["segment"] == "int64"
    assert len(pf) == 6 and list(pf["system"]) == ["good"] * 3 + ["bad"] * 3
    for _, row in pf.iterrows():
        seg = data["segments"][row["segment"]]
        entry = seg["systems"][row["system"]]
        assert row["original_text"] == seg["ref"] and row["rewritten_text"] == entry["hyp"]
        assert row["source"] == seg["src"]
        for m in METRICS:
            assert same(row[m], entry[m]), m
        assert row["findings"] == len(entry["findings"])
    ff = res.findings_frame()
    assert list(ff.columns) == list(frames.SCORE_FINDINGS_COLUMNS)
    n_bad = data["systems"]["bad"]["findings"]["total"]
    assert n_bad >= 2 and (ff["system"] == "bad").sum() == n_bad
    assert (ff["system"] == "good").sum() == data["systems"]["good"]["findings"]["total"]
    for _, row in ff.iterrows():
        entry = data["segments"][row["segment"]]["systems"][row["system"]]
        assert any(f["code"] == row["code"] and f["message"] == row["message"] for f in entry["findings"])
        assert row["rewritten_sentence"] == entry["hyp"]
    sf = res.systems_frame()
    assert list(sf["system"]) == ["good", "bad"]
    for _, row in sf.iterrows():
        s = data["systems"][row["system"]]
        assert row["bleu"] == s["bleu"]["score"] and row["chrf"] == s["chrf"]["score"]
        assert row["bleu_signature"] == s["bleu"]["signature"]
        assert row["findings"] == s["findings"]["total"] and row["critical"] == s["findings"]["by_severity"]["critical"]
    with pytest.raises(KeyError):
        res.documents_frame()


@pytest.mark.slow
def test_load_results_over_a_batch(resources: Any, tmp_path: Path) -> None:
    from evaluator.batch import run_batch

    rows = [{"id": "names", "original": ORIGINAL, "rewritten": REWRITTEN},
            {"id": "same", "original": "The council met on Tuesday.", "rewritten": "The council met on Tuesday."},
            {"id": "blank", "original": "A text.", "rewritten": "   "}]
    manifest = tmp_path / "pairs.jsonl"
    manifest.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out"
    run_batch(manifest, out, resources.options)
    records = {r["id"]: r for r in map(json.loads, (out / "results.jsonl").read_text().splitlines())}

    res = evaluator.load_results(out)
    assert res.kind == "batch" and res.summary["pairs"]["ok"] == 2
    docs = res.documents_frame()
    assert sorted(docs["pair_id"]) == ["blank", "names", "same"]
    blank = docs[docs["pair_id"] == "blank"].iloc[0]
    assert blank["status"] == "error" and "whitespace" in blank["error"] and blank["chrf"] != blank["chrf"]
    assert res.errors == [{"id": "blank", "error": records["blank"]["error"]}]
    ff, pf = res.findings_frame(), res.pairs_frame()
    assert list(ff.columns[:1]) == ["pair_id"] and list(pf.columns[:1]) == ["pair_id"]
    assert dtypes(ff) == {"pair_id": "string", **FINDINGS} and dtypes(pf) == {"pair_id": "string", **PAIRS}
    for pid in ("names", "same"):
        rep = records[pid]["report"]
        assert (ff["pair_id"] == pid).sum() == len(rep["findings"])
        assert (pf["pair_id"] == pid).sum() == len(rep["alignment"])
        expected = frames.findings_frame(rep)
        got = ff[ff["pair_id"] == pid].drop(columns="pair_id").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected)
    assert len(ff) == sum(res.summary["findings"]["by_severity"].values())
    # The same frames from the results file itself.
    again = evaluator.load_results(out / "results.jsonl")
    pd.testing.assert_frame_equal(again.findings_frame(), ff)


@pytest.mark.slow
def test_load_results_reads_compare_and_score_json(report: Any, tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps(report.to_dict()), encoding="utf-8")
    res = evaluator.load_results(path)
    assert res.kind == "compare"
    pd.testing.assert_frame_equal(res.findings_frame(), report.findings_frame())
    pd.testing.assert_frame_equal(res.pairs_frame(), report.pairs_frame())


def test_load_results_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no results.jsonl"):
        evaluator.load_results(tmp_path)
    with pytest.raises(InputError, match="not found"):
        evaluator.load_results(tmp_path / "nope.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}', encoding="utf-8")
    with pytest.raises(InputError, match="not an evaluator report"):
        evaluator.load_results(bad)
    lines = tmp_path / "r.jsonl"
    lines.write_text('{"id": "a", "status": "error", "error": "x"}\nnot json\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"r.jsonl:2: not a JSON result line"):
        evaluator.load_results(lines)
    # A torn last line (an interrupted run) is ignored, as the batch driver does.
    lines.write_text('{"id": "a", "status": "error", "error": "x"}\n{"id": "b", "sta', encoding="utf-8")
    assert list(evaluator.load_results(lines).documents_frame()["pair_id"]) == ["a"]


def test_import_evaluator_stays_free_of_pandas() -> None:
    code = ("import sys, evaluator; assert 'pandas' not in sys.modules, 'pandas at import'; "
            "f = evaluator.load_results; assert 'pandas' in sys.modules; print('ok')")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr
