"""`evaluator score`: stream specs, line counts, sacrebleu parity (multi-reference), chunking, the gate, CLI."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
import sacrebleu
import xmlschema

from evaluator.cli import main
from evaluator.errors import DocumentError, InputError
from evaluator.testsets import StreamReader, parse_spec, score_systems
from evaluator.waivers import Waiver, write_waivers

ROOT = Path(__file__).resolve().parents[1]
SET = ROOT / "reference_sets" / "testsets" / "demetr-dev-40"
CONFIG = ROOT / "reference_sets" / "evaluator.toml"
TODAY = "2027-01-01"  # the example waiver expires 2027-11-30
SCHEMA = xmlschema.XMLSchema(str(Path(__file__).parent / "data" / "junit.xsd"))


def lines(name: str) -> list[str]:
    return (SET / name).read_text(encoding="utf-8").splitlines()


# --------------------------------------------------------------------------- streams (no model)

@pytest.mark.parametrize("spec,named,expected", [
    ("ref.txt", False, (None, "ref.txt", None)),
    ("data.tsv:ref", False, (None, "data.tsv", "ref")),
    ("sysA=out.txt", True, ("sysA", "out.txt", None)),
    ("sysA=data.tsv:hyp", True, ("sysA", "data.tsv", "hyp")),
    ("sysA=out.txt", False, (None, "sysA=out.txt", None)),  # references take no name
    ("a b=out.txt", True, (None, "a b=out.txt", None)),  # not a name: spaces
    ("dir/x.jsonl:col:on", False, (None, "dir/x.jsonl:col", "on")),
])
def test_parse_spec(spec: str, named: bool, expected: tuple[Any, ...]) -> None:
    assert parse_spec(spec, named=named) == expected


def test_existing_path_wins_over_name_and_column(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a=b.txt").write_text("x\n")
    Path("c.txt:d").write_text("y\n")
    assert parse_spec("a=b.txt", named=True) == (None, "a=b.txt", None)
    assert parse_spec("c.txt:d") == (None, "c.txt:d", None)


def test_tsv_and_jsonl_columns(tmp_path: Path) -> None:
    tsv = tmp_path / "data.tsv"
    tsv.write_text("src\tref\thyp\nQuelle 1\tRef one.\tHyp one.\nQuelle 2\tRef | two.\t\n", encoding="utf-8")
    jsonl = tmp_path / "out.jsonl"
    jsonl.write_text('{"mt": "Hyp one.", "n": 1}\n{"mt": null, "n": 2}\n', encoding="utf-8")
    reader = StreamReader()
    ref = reader.read(f"{tsv}:ref")
    hyp = reader.read(f"sys={tsv}:hyp", named=True)
    mt = reader.read(f"{jsonl}:mt", named=True)
    assert (ref.name, ref.lines) == ("ref", ["Ref one.", "Ref | two."])
    assert (hyp.name, hyp.lines, hyp.label) == ("sys", ["Hyp one.", ""], f"{tsv}:hyp")
    assert (mt.name, mt.lines) == ("mt", ["Hyp one.", ""])
    with pytest.raises(InputError, match=r"name the column to use.*columns: src, ref, hyp"):
        reader.read(str(tsv))
    with pytest.raises(InputError, match=r"no column 'refs' \(columns: src, ref, hyp\)"):
        reader.read(f"{tsv}:refs")
    with pytest.raises(InputError, match="needs a .tsv or .jsonl"):
        reader.read(f"{SET / 'ref.txt'}:x")


@pytest.mark.parametrize("name,text,words", [
    ("bad.tsv", "a\tb\n1\t2\n3\n", "line 3: 1 fields, the header has 2"),
    ("dup.tsv", "a\ta\n1\t2\n", "header must name each column once"),
    ("bad.jsonl", '{"a": "x"}\n{"a": \n', "line 2: invalid JSON"),
    ("list.jsonl", '["a"]\n', "line 1: not a JSON object"),
    ("nested.jsonl", '{"a": {"b": 1}}\n', "field 'a' is not text"),
])
def test_malformed_tables(tmp_path: Path, name: str, text: str, words: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DocumentError, match=words):
        StreamReader().read(f"{path}:a")


# --------------------------------------------------------------------------- CLI errors (no model)

def test_mismatched_line_counts_exit_2(tmp_path: Path, capsys: Any) -> None:
    short = tmp_path / "short.txt"
    short.write_text("\n".join(lines("good.txt")[:39]) + "\n", encoding="utf-8")
    code = main(["score", "--ref", str(SET / "ref.txt"), "--hyp", str(short)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{SET / 'ref.txt'} has 40 lines, {short} has 39" in err and err.count("\n") == 1


@pytest.mark.parametrize("extra,words", [
    (["--hyp", f"x={SET / 'good.txt'}", "--hyp", f"x={SET / 'worse.txt'}"], "two systems are named 'x'"),
    (["--hyp", str(SET / "good.txt"), "--hyp", str(SET / "worse.txt"), "--html", "r.html"], "--html renders one"),
    (["--hyp", str(SET / "good.txt"), "--chunk-size", "0"], "--chunk-size must be at least 1"),
    (["--hyp", str(SET / "good.txt"), "--workers", "0"], "--workers must be at least 1"),
    (["--hyp", str(SET / "good.txt"), "--gate", str(SET / "ref.txt")], "invalid TOML"),
    (["--hyp", str(SET / "missing.txt")], "missing.txt"),
])
def test_input_errors_exit_2_before_loading_models(extra: list[str], words: str, capsys: Any) -> None:
    assert main(["score", "--ref", str(SET / "ref.txt"), *extra]) == 2
    assert words in capsys.readouterr().err


def test_help_documents_the_stream_syntax(capsys: Any) -> None:
    with pytest.raises(SystemExit):
        main(["score", "--help"])
    out = capsys.readouterr().out
    assert "[NAME=]PATH[:COLUMN]" in out and "data.tsv:ref" in out and "first" in out


# --------------------------------------------------------------------------- with the model

@pytest.fixture(scope="module")
def scored(resources: Any, tmp_path_factory: Any) -> dict[str, Any]:
    """One CLI run: two references (a TSV column and a text file), two systems, the example gate."""
    tmp = tmp_path_factory.mktemp("score")
    tsv = tmp / "set.tsv"
    # The second reference is the human translation DEMETR pairs with each line (good.txt's even lines).
    ref2 = [g if i % 2 else r for i, (r, g) in enumerate(zip(lines("ref.txt"), lines("good.txt"), strict=True))]
    tsv.write_text("ref\tref2\n" + "\n".join(f"{a}\t{b}" for a, b in zip(lines("ref.txt"), ref2, strict=True))
                   + "\n", encoding="utf-8")
    out = {"json": tmp / "scores.json", "junit": tmp / "gate.xml", "md": tmp / "gate.md"}
    code = main(["score", "--ref", f"{tsv}:ref", "--ref", f"{tsv}:ref2", "--hyp", f"good={SET / 'good.txt'}",
                 "--hyp", f"worse={SET / 'worse.txt'}", "--chunk-size", "16", "--gate", str(CONFIG),
                 "--json", str(out["json"]), "--junit", str(out["junit"]), "--markdown", str(out["md"]),
                 "--today", TODAY, "--quiet"])
    return {"code": code, "data": json.loads(out["json"].read_text(encoding="utf-8")), "ref2": ref2,
            "resources": resources, **out}


@pytest.mark.slow
def test_sacrebleu_parity_multi_reference(scored: dict[str, Any]) -> None:
    refs = [lines("ref.txt"), scored["ref2"]]
    for name in ("good", "worse"):
        hyps = lines(f"{name}.txt")
        s = scored["data"]["systems"][name]
        assert s["bleu"]["score"] == pytest.approx(sacrebleu.corpus_bleu(hyps, refs).score, abs=1e-6)
        assert s["chrf"]["score"] == pytest.approx(sacrebleu.corpus_chrf(hyps, refs).score, abs=1e-6)
        assert s["chrf++"]["score"] == pytest.approx(sacrebleu.corpus_chrf(hyps, refs, word_order=2).score,
                                                     abs=1e-6)
        assert s["ter"]["score"] == pytest.approx(sacrebleu.corpus_ter(hyps, refs).score, abs=1e-6)
        assert "nrefs:2" in s["bleu"]["signature"]
    # Single reference too: the first stream alone.
    hyps = lines("good.txt")
    single = sacrebleu.corpus_bleu(hyps, [lines("ref.txt")]).score
    assert single != pytest.approx(scored["data"]["systems"]["good"]["bleu"]["score"])


@pytest.mark.slow
def test_segments_and_findings(scored: dict[str, Any]) -> None:
    data = scored["data"]
    segs = data["segments"]
    assert [s["index"] for s in segs] == list(range(40))
    assert [s["ref"] for s in segs] == lines("ref.txt")
    assert all(s["extra_refs"] == [r2] for s, r2 in zip(segs, scored["ref2"], strict=True))
    n_findings = 0
    for seg in segs:
        for name in ("good", "worse"):
            entry = seg["systems"][name]
            assert entry["hyp"] == lines(f"{name}.txt")[seg["index"]]
            assert 0 <= entry["bertscore_f1"] <= 1 and 0 <= entry["chrf"] <= 100
            for f in entry["findings"]:
                n_findings += 1
                # Spans index the segment's own line, on both sides.
                if f["original"]:
                    assert seg["ref"][f["original"]["start"]:f["original"]["end"]] == f["original"]["text"]
                if f["rewritten"]:
                    assert entry["hyp"][f["rewritten"]["start"]:f["rewritten"]["end"]] == f["rewritten"]["text"]
    assert n_findings > 0
    for name in ("good", "worse"):
        s = data["systems"][name]
        f1 = [seg["systems"][name]["bertscore_f1"] for seg in segs]
        assert s["bertscore"]["f1"] == pytest.approx(sum(f1) / 40, abs=1e-5)
        assert s["findings"]["total"] == sum(len(seg["systems"][name]["findings"]) for seg in segs)
        assert s["coverage"] == 1.0
    # Identical lines (good.txt's odd lines are the reference) score perfectly.
    assert segs[0]["systems"]["good"]["chrf"] == pytest.approx(100.0)
    # The worse system changes meaning on every line: it has more critical findings than the good one.
    sev = {n: data["systems"][n]["findings"]["by_severity"] for n in ("good", "worse")}
    assert sev["worse"]["critical"] > 2 * sev["good"]["critical"]
    # Bounded memory: the encoder forgot each chunk's encodings.
    assert len(scored["resources"].encoder._memory) == 0


@pytest.mark.slow
def test_gate_on_the_example_set(scored: dict[str, Any]) -> None:
    assert scored["code"] == 1
    gate = scored["data"]["gate"]
    assert gate["status"] == "fail"
    by_system: dict[str, set[str]] = {}
    for r in gate["results"]:
        by_system.setdefault(r["system"], set()).add(r["status"])
    assert by_system["good"] <= {"pass", "warn"}, [r for r in gate["results"] if r["system"] == "good"]
    assert "fail" in by_system["worse"]
    SCHEMA.validate(str(scored["junit"]))
    assert scored["md"].read_text(encoding="utf-8").startswith("## ❌ Evaluator gate: **FAIL**")


def test_gate_html_on_a_score_report_is_refused_before_anything_is_written(
        scored: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "gate.toml"
    cfg.write_text('[gate]\nsystems = ["worse"]\n[gate.max_findings]\ncritical = 1000\n', encoding="utf-8")
    outs = {flag: tmp_path / name for flag, name in (("--json", "g.json"), ("--junit", "j.xml"), ("--markdown", "m.md"))}
    argv = ["gate", str(cfg), str(scored["json"]), "--html", str(tmp_path / "g.html"), "--quiet"]
    assert main([*argv, *(x for flag, path in outs.items() for x in (flag, str(path)))]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--html renders compare reports" in err
    assert not any(p.exists() for p in (*outs.values(), tmp_path / "g.html"))


@pytest.mark.slow
def test_waiving_a_real_finding_through_the_gate_command(scored: dict[str, Any], tmp_path: Path) -> None:
    """Waive a critical finding the model really produced; the gate no longer counts what it covers."""
    data = scored["data"]
    line, found = next((seg["index"], f) for seg in data["segments"] for f in seg["systems"]["worse"]["findings"]
                       if f["severity"] == "critical" and f["original"] and not f.get("waived"))
    waivers = tmp_path / "waivers.toml"
    write_waivers(waivers, [Waiver(check=found["check"], code=found["code"], reason="accepted in review",
                                   expires=dt.date(2030, 1, 1), original=found["original"]["text"],
                                   rewritten=found["rewritten"]["text"] if found["rewritten"] else None)])
    cfg = tmp_path / "gate.toml"
    cfg.write_text('[gate]\nsystems = ["worse"]\n[gate.max_findings]\ncritical = 1000\n', encoding="utf-8")
    gated = tmp_path / "gated.json"
    assert main(["gate", str(cfg), str(scored["json"]), "--waivers", str(waivers), "--json", str(gated),
                 "--quiet"]) == 0
    after = json.loads(gated.read_text(encoding="utf-8"))
    (result,) = after["gate"]["results"]
    same = sum(1 for seg in data["segments"] for f in seg["systems"]["worse"]["findings"]
               if f["severity"] == "critical" and f["check"] == found["check"] and f["code"] == found["code"]
               and f["original"]["text"] == found["original"]["text"]
               and (f["rewritten"] or {}).get("text") == (found["rewritten"] or {}).get("text"))
    assert result["value"] == data["systems"]["worse"]["findings"]["by_severity"]["critical"] - same
    marked = [f for f in after["segments"][line]["systems"]["worse"]["findings"]
              if f["code"] == found["code"] and f["original"] == found["original"]]
    assert marked and all(f["waived"]["reason"] == "accepted in review" for f in marked)


@pytest.mark.slow
def test_chunking_does_not_change_results(resources: Any) -> None:
    refs, hyps = lines("ref.txt")[:9], lines("worse.txt")[:9]
    whole, _ = score_systems([refs], {"s": hyps}, resources=resources, chunk_size=9)
    pieces, merged = score_systems([refs], {"s": hyps}, resources=resources, chunk_size=4, keep_report=True)
    assert pieces["segments"] == whole["segments"]
    assert pieces["systems"] == whole["systems"]
    # The merged report (for HTML) is one compare report over all 9 lines, offsets into the joined text.
    assert merged is not None and len(merged["alignment"]) == 9 and merged["original"]["text"] == "\n".join(refs)
    for f in merged["findings"]:
        if f["rewritten"]:
            assert merged["rewritten"]["text"][f["rewritten"]["start"]:f["rewritten"]["end"]] == f["rewritten"]["text"]
    assert len(merged["findings"]) == pieces["systems"]["s"]["findings"]["total"]


DOC_REFS = ["The administration announced the plan on Monday.",
            "Critics said the administration had acted too slowly.",
            "The administration rejected that view on Tuesday.",
            "A spokesman for the administration declined to comment."]
DOC_HYPS = ["The administration announced the plan on Monday.",
            "Critics said the government had acted too slowly.",
            "The administration rejected that view on Tuesday.",
            "A spokesman for the administration declined to comment."]


def _findings(seg: dict[str, Any]) -> list[dict[str, Any]]:
    """A segment's findings and those merged into them as the same edit."""
    out = []
    for f in seg["systems"]["s"]["findings"]:
        out += [f, *((f.get("data") or {}).get("merged") or [])]
    return out


def _codes(data: dict[str, Any]) -> list[list[str]]:
    return [[f["code"] for f in _findings(seg)] for seg in data["segments"]]


@pytest.mark.slow
def test_lines_are_documents_of_their_own_unless_doc_ids_group_them(resources: Any) -> None:
    """A term kept in three lines and replaced in one is an inconsistent rendering within a document;
    lines without document ids are independent segments (as in an MT test set) and never compared.
    Neither depends on the chunk size: a document is never split, a longer one is a chunk of its own."""
    alone = [score_systems([DOC_REFS], {"s": DOC_HYPS}, resources=resources, chunk_size=c)[0] for c in (1, 3, 10)]
    assert all("term-inconsistent" not in codes for codes in _codes(alone[0]))
    assert alone[1]["segments"] == alone[0]["segments"] == alone[2]["segments"]
    assert alone[0]["meta"]["documents"] == 4

    one_doc = ["d1"] * 4
    grouped = [score_systems([DOC_REFS], {"s": DOC_HYPS}, resources=resources, chunk_size=c, doc_ids=one_doc)[0]
               for c in (1, 3, 10)]
    codes = _codes(grouped[0])
    assert "term-inconsistent" in codes[1] and not any("term-inconsistent" in c for i, c in enumerate(codes) if i != 1)
    f = next(f for f in _findings(grouped[0]["segments"][1]) if f["code"] == "term-inconsistent")
    assert f["rewritten"]["text"] == "government" and "kept as" in f["message"] and "(3 times)" in f["message"]
    assert grouped[1]["segments"] == grouped[0]["segments"] == grouped[2]["segments"]
    no_findings = [{k: v for k, v in d["systems"]["s"].items() if k != "findings"} for d in (grouped[0], alone[0])]
    assert no_findings[0] == no_findings[1]  # documents change which lines the checks compare, not a score
    assert grouped[0]["meta"]["documents"] == 1

    # Two documents: the replaced line's document keeps the term once, the other document's lines do not count.
    two = score_systems([DOC_REFS], {"s": DOC_HYPS}, resources=resources, chunk_size=10,
                        doc_ids=["a", "a", "b", "b"])[0]
    g = next(f for f in _findings(two["segments"][1]) if f["code"] == "term-inconsistent")
    assert "(1 time)" in g["message"]
    for seg, seg1 in zip(two["segments"], grouped[0]["segments"], strict=True):
        assert {k: v for k, v in seg["systems"]["s"].items() if k != "findings"} == \
            {k: v for k, v in seg1["systems"]["s"].items() if k != "findings"}


def test_document_runs_and_chunks_of_whole_documents(caplog: Any) -> None:
    from evaluator.testsets import chunk_ranges, document_runs

    assert document_runs(None, 3) == [(0, 1), (1, 2), (2, 3)]
    assert document_runs(["a", "a", "b", "c", "c", "c"], 6) == [(0, 2), (2, 3), (3, 6)]
    with caplog.at_level("WARNING", logger="evaluator.testsets"):
        assert document_runs(["a", "b", "a"], 3) == [(0, 1), (1, 2), (2, 3)]
    assert "'a'" in caplog.text and "comes back" in caplog.text
    with pytest.raises(InputError, match="2 lines for a set of 3"):
        document_runs(["a", "b"], 3)
    docs = [(0, 2), (2, 3), (3, 8), (8, 9), (9, 10)]
    assert [(a, b) for a, b, _ in chunk_ranges(docs, 3)] == [(0, 3), (3, 8), (8, 10)]
    assert [(a, b) for a, b, _ in chunk_ranges(docs, 100)] == [(0, 10)]
    assert [len(p) for _, _, p in chunk_ranges(docs, 1)] == [1, 1, 1, 1, 1]
    assert list(chunk_ranges([], 5)) == []


@pytest.mark.slow
def test_idf_comes_from_the_whole_reference_whatever_the_chunks(resources: Any) -> None:
    """`score --idf`: idf over every reference line, as ``bert_score.score(..., idf=True)`` computes it
    over all its references, so chunks of 3 lines give the numbers of one chunk and of bert_score."""
    import dataclasses

    from tests.conftest import bert_score_module

    bert_score = bert_score_module()  # idf counted without forking this process
    refs, hyps = lines("ref.txt")[:10], lines("worse.txt")[:10]
    options = dataclasses.replace(resources.options, idf=True)
    small = score_systems([refs], {"s": hyps}, resources=resources, options=options, chunk_size=3)[0]
    whole = score_systems([refs], {"s": hyps}, resources=resources, options=options, chunk_size=10)[0]
    assert small["segments"] == whole["segments"] and small["systems"] == whole["systems"]
    enc = resources.encoder
    _, _, f1 = bert_score.score(hyps, refs, model_type=enc.path, num_layers=enc.layer, idf=True, lang="en",
                                device="cpu")
    ours = [seg["systems"]["s"]["bertscore_f1"] for seg in small["segments"]]
    assert max(abs(a - float(b)) for a, b in zip(ours, f1.tolist(), strict=True)) < 2e-6
    plain = score_systems([refs], {"s": hyps}, resources=resources, chunk_size=10)[0]
    assert [seg["systems"]["s"]["bertscore_f1"] for seg in plain["segments"]] != ours  # idf really weighs


def test_doc_ids_of_another_length_exit_2(tmp_path: Path, capsys: Any) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("a\nb\n", encoding="utf-8")
    code = main(["score", "--ref", str(SET / "ref.txt"), "--hyp", str(SET / "good.txt"), "--doc-ids", str(ids)])
    err = capsys.readouterr().err
    assert code == 2 and "line counts differ" in err and str(ids) in err and len(err.strip().splitlines()) == 1


@pytest.mark.slow
def test_real_subprocess_run(tmp_path: Path) -> None:
    out = tmp_path / "scores.json"
    html = tmp_path / "report.html"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    exe = Path(sys.executable).parent / "evaluator"
    proc = subprocess.run(
        [str(exe), "score", "--ref", str(SET / "ref.txt"), "--hyp", f"good={SET / 'good.txt'}",
         "--gate", str(CONFIG), "--json", str(out), "--html", str(html), "--today", TODAY],
        capture_output=True, text=True, env=env, timeout=900, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "40 segments, 1 system" in proc.stdout and "of them waived)" in proc.stdout and "gate: PASS" in proc.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["gate"]["status"] == "pass"
    assert data["meta"]["inputs"]["systems"] == {"good": str(SET / "good.txt")}
    page = html.read_text(encoding="utf-8")
    assert "gate: pass" in page


@pytest.mark.slow
@pytest.mark.parametrize("chunk", [1, 3, 50])
def test_corpus_scores_from_chunk_statistics_equal_one_pass(resources: Any, chunk: int) -> None:
    """The set's BLEU/chrF/chrF++/TER come from the statistics each chunk computed: exactly (to the
    last bit, signatures and BLEU's details included) the corpus scores of one pass over the raw lines,
    with one and with two references, whatever the chunking, for awkward lines too."""
    from evaluator.metrics.lexical import corpus_scores

    refs = lines("ref.txt")[:11] + ["  Padded reference line .  ", "Une référence — accentuée ?", "Short."]
    hyps = lines("worse.txt")[:11] + ["Padded hypothesis line .", "", "   "]
    ref2 = lines("good.txt")[:11] + ["Another padded line .", "Une autre.", "Tiny."]
    for streams in ([refs], [refs, ref2]):
        got, _ = score_systems(streams, {"s": hyps}, resources=resources, chunk_size=chunk)
        want = corpus_scores(hyps, streams)
        for name, score in want.items():
            assert got["systems"]["s"][name] == score.to_dict(), name


@pytest.mark.slow
def test_tokenized_period_hint_covers_the_whole_set(resources: Any, caplog: Any) -> None:
    """sacrebleu warned once its one pass saw 100 lines ending in " ."; per-chunk statistics never
    see 100 in a chunk of 40, so the set-level hint is ours (and not given below 100)."""
    import logging

    refs = [f"Line number {i} is here ." for i in range(120)]
    hyps = [f"Line number {i} was here ." if i < 100 else f"Line number {i} was here." for i in range(120)]
    with caplog.at_level(logging.WARNING, logger="evaluator.testsets"):
        score_systems([refs], {"s": hyps}, resources=resources, chunk_size=40)
    assert [r.getMessage() for r in caplog.records if "tokenized period" in r.getMessage()] == [
        "system s: 100 lines end in a tokenized period (' .'); if the text is not meant to be tokenized, "
        "detokenize it: BLEU, chrF and TER expect detokenized text"]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="evaluator.testsets"):
        score_systems([refs[:99]], {"s": hyps[:99]}, resources=resources, chunk_size=40)
    assert not [r for r in caplog.records if "tokenized period" in r.getMessage()]


@pytest.mark.slow
def test_score_empties_sacrebleus_line_caches_per_chunk(resources: Any, monkeypatch: Any) -> None:
    """sacrebleu's tokenizers cache every line they see (up to 65,536 each): `score` empties them after
    each chunk, and the numbers do not change for it."""
    from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

    from evaluator import testsets
    from evaluator.metrics import lexical

    refs, hyps = lines("ref.txt")[:9], lines("worse.txt")[:9]
    sizes: list[int] = []
    real = lexical.release_tokenizer_caches

    def spy() -> int:
        sizes.append(Tokenizer13a.__call__.cache_info().currsize)
        return real()

    monkeypatch.setattr(lexical, "release_tokenizer_caches", spy)
    Tokenizer13a.__call__.cache_clear()
    got, _ = testsets.score_systems([refs], {"s": hyps}, resources=resources, chunk_size=4)
    assert len(sizes) == 3 and all(n > 0 for n in sizes)  # each chunk filled it, and it was emptied
    assert Tokenizer13a.__call__.cache_info().currsize == 0
    monkeypatch.setattr(lexical, "release_tokenizer_caches", lambda: 0)
    kept, _ = testsets.score_systems([refs], {"s": hyps}, resources=resources, chunk_size=4)
    assert got["systems"] == kept["systems"] and got["segments"] == kept["segments"]


@pytest.mark.slow
def test_score_frees_spacys_new_words_and_the_word_caches_per_chunk(resources: Any, monkeypatch: Any) -> None:
    """Each chunk runs in spaCy's memory zone and the checks' word caches are emptied after it: a set
    full of words spaCy never saw leaves its StringStore as it was, and the numbers and findings are
    those of a run that keeps everything."""
    from contextlib import nullcontext

    from evaluator import segment, testsets
    from evaluator.checks import _names_util, _struct_util

    tag = uuid.uuid4().hex[:8]  # words no other test put in the shared pipeline's vocabulary
    refs = [f"Minister Quorvath{tag}{i} met Zelbrin{i} in Ostrava{i} on {i} May and signed {i + 3} deals." for i in range(7)]
    hyps = [f"Deputy Minister Quorvat{tag}{i} met Zelbrin{i} in Ostrava{i} on {i + 1} May and did not sign {i + 3} deals."
            for i in range(7)]
    nlp = getattr(resources.nlp, "wrapped", resources.nlp)
    strings = len(nlp.vocab.strings)
    got, _ = testsets.score_systems([refs], {"s": hyps}, resources=resources, chunk_size=3)
    assert len(nlp.vocab.strings) == strings
    assert f"Quorvath{tag}5" not in nlp.vocab.strings and not nlp.vocab.in_memory_zone
    assert not nlp.get_pipe("lemmatizer").cache
    assert _struct_util.norm_text.cache_info().currsize == 0 and _names_util.fuzzy_equal.cache_info().currsize == 0
    assert got["systems"]["s"]["findings"]["total"] > 0

    monkeypatch.setattr(segment, "memory_zone", lambda nlp: nullcontext())
    monkeypatch.setattr("evaluator.checks.release_word_caches", lambda: 0)
    kept, _ = testsets.score_systems([refs], {"s": hyps}, resources=resources, chunk_size=3)
    assert len(nlp.vocab.strings) > strings and f"Quorvath{tag}5" in nlp.vocab.strings  # the spy run kept them
    assert got["systems"] == kept["systems"] and got["segments"] == kept["segments"]


@pytest.mark.slow
def test_score_runs_only_the_layers_bertscore_reads_and_changes_no_number(resources: Any, monkeypatch: Any) -> None:
    """Without --html nothing shows the lines' sentence similarities, so `score` runs the model's first
    `layer` layers only: the rows are those of the whole-model pass to the last bit, with fewer layers run."""
    from evaluator import pipeline, testsets

    if resources.encoder.has_cache:
        pytest.skip("with an encoding cache the lines run whole, for the cache")
    refs, hyps = lines("ref.txt")[:7], lines("worse.txt")[:7]
    real = pipeline.compare_aligned
    seen: list[bool] = []

    def spy(*args: Any, similarity: bool = True, **kwargs: Any) -> Any:
        seen.append(similarity)
        report = real(*args, similarity=similarity, **kwargs)
        assert all((a.to_dict()["similarity"] is None) != similarity for a in report.alignment)
        return report

    enc = resources.encoder
    runs: list[bool] = []
    real_run = enc._run
    monkeypatch.setattr(enc, "_run", lambda texts, full: runs.append(full) or real_run(texts, full))
    monkeypatch.setattr(pipeline, "compare_aligned", spy)
    enc.clear_memory()
    lean, _ = testsets.score_systems([refs], {"s": hyps}, resources=resources, chunk_size=4)
    lean_runs, runs[:] = list(runs), []
    monkeypatch.setattr(pipeline, "compare_aligned", lambda *a, similarity=True, **k: spy(*a, similarity=True, **k))
    enc.clear_memory()
    whole, _ = testsets.score_systems([refs], {"s": hyps}, resources=resources, chunk_size=4)
    assert seen == [False] * 7 + [True] * 7  # one call per document: each line is one
    assert lean_runs and not any(lean_runs) and any(runs)  # layer-only passes, then whole-model ones
    assert lean["segments"] == whole["segments"] and lean["systems"] == whole["systems"]
    assert lean["systems"]["s"]["bertscore"]["f1"] is not None


@pytest.mark.slow
def test_workers_give_the_rows_and_scores_of_one_process(resources: Any) -> None:
    """`score --workers 2`: chunks scored in two spawned processes (real models in each), taken back in
    order, give the one-process rows, corpus scores (summed in the same order), BERTScore means,
    finding counts and the HTML report's merged chunks (two references, four chunks), with idf on (the
    parent computes it over the whole reference and hands it to the workers)."""
    import dataclasses

    refs, hyps, good = lines("ref.txt")[:11], lines("worse.txt")[:11], lines("good.txt")[:11]
    options = dataclasses.replace(resources.options, idf=True)
    one, merged1 = score_systems([refs, good], {"s": hyps}, resources=resources, options=options, chunk_size=3,
                                 keep_report=True)
    two, merged2 = score_systems([refs, good], {"s": hyps}, options=options, chunk_size=3,
                                 keep_report=True, workers=2)
    assert "idf:yes" in one["systems"]["s"]["bertscore"]["signature"]
    assert two["segments"] == one["segments"] and two["systems"] == one["systems"]
    assert two["meta"]["workers"] == 2 and one["meta"]["workers"] == 1
    assert merged1 is not None and merged2 is not None
    assert merged2["alignment"] == merged1["alignment"] and merged2["findings"] == merged1["findings"]
    assert all(a["similarity"] is not None for a in merged2["alignment"])  # the HTML gets real similarities
    with pytest.raises(InputError, match="workers or resources"):
        score_systems([refs], {"s": hyps}, resources=resources, workers=2)


@pytest.mark.slow
def test_workers_on_the_command_line_log_as_it_does(tmp_path: Path) -> None:
    """The real command with --workers 2: the workers load the models (the parent does not), their log
    lines come in the command line's one-line format, and the JSON records the workers."""
    out = tmp_path / "s.json"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    exe = Path(sys.executable).parent / "evaluator"
    proc = subprocess.run([str(exe), "-v", "score", "--ref", str(SET / "ref.txt"), "--hyp", str(SET / "good.txt"),
                           "--workers", "2", "--chunk-size", "10", "--json", str(out), "-q"],
                          capture_output=True, text=True, env=env, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    loaded = [line for line in proc.stderr.splitlines() if "loaded spaCy model" in line]
    assert len(loaded) == 2 and all(line.startswith("evaluator: info: ") for line in loaded)
    assert "scored lines 31-40 of 40" in proc.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["meta"]["workers"] == 2 and len(data["segments"]) == 40


# --------------------------------------------------------------------------- spilled segment rows

def test_segment_rows_round_trip_on_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """SegmentRows: what goes in comes back (index, negative index, slices, iteration across read
    blocks, two iterations at once), rows read back are copies, and nothing is kept in memory but
    the offsets."""
    from evaluator.testsets import SegmentRows

    monkeypatch.setattr(SegmentRows, "_BLOCK", 37)  # rows straddle the read blocks
    rows = [{"index": i, "ref": f"Zeile {i} — \"quoted\"\nline", "systems": {"s": {"f1": i / 7, "findings": []}}}
            for i in range(25)]
    rows[4]["ref"] = "a lone \ud800 surrogate, as a JSONL input's escape gives it"
    store = SegmentRows()
    store.extend(rows[:10])
    store.extend([])
    store.extend(rows[10:11])
    store.extend(rows[11:])
    assert len(store) == 25 and list(store) == rows
    assert store[0] == rows[0] and store[-1] == rows[-1] and store[5:9] == rows[5:9] and store[::10] == rows[::10]
    with pytest.raises(IndexError):
        store[25]
    a, b = iter(store), iter(store)
    assert next(a) == rows[0] and next(b) == rows[0] and store[7] == rows[7] and next(a) == rows[1]
    got = store[3]
    got["systems"]["s"]["findings"].append({"changed": True})
    assert store[3] == rows[3]  # a copy: the stored row is unchanged
    assert not hasattr(store, "__dict__") or all(not isinstance(v, list) for v in vars(store).values())
    assert store.nbytes > sum(len(r["ref"]) for r in rows)
    store.close()
    assert len(SegmentRows()) == 0 and list(SegmentRows()) == []


@pytest.mark.slow
def test_score_command_streams_rows_and_writes_what_memory_would(tmp_path: Path, resources: Any,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """The command spills each chunk's rows to disk (one extend per chunk) and streams them into
    --json: the file and standard output hold, byte for byte, the JSON of the rows kept in memory."""
    from evaluator import testsets
    from evaluator._atomic import dumps_json

    refs, hyps = lines("ref.txt")[:7], lines("worse.txt")[:7]
    (tmp_path / "r.txt").write_text("\n".join(refs) + "\n", encoding="utf-8")
    (tmp_path / "h.txt").write_text("\n".join(hyps) + "\n", encoding="utf-8")
    extends: list[int] = []
    real = testsets.SegmentRows.extend

    def spy(self: Any, rows: Any) -> None:
        rows = list(rows)
        extends.append(len(rows))
        real(self, rows)

    monkeypatch.setattr(testsets.SegmentRows, "extend", spy)
    out = tmp_path / "s.json"
    argv = ["score", "--ref", str(tmp_path / "r.txt"), "--hyp", f"s={tmp_path / 'h.txt'}", "--chunk-size", "3"]
    assert main([*argv, "--json", str(out), "--quiet"]) == 0
    assert extends == [3, 3, 1]
    assert main([*argv, "--json", "-"]) == 0
    printed = capsys.readouterr().out
    got = json.loads(out.read_text(encoding="utf-8"))
    kept, _ = score_systems([refs], {"s": hyps}, resources=resources, chunk_size=3)
    assert got["segments"] == kept["segments"] and got["systems"] == kept["systems"]
    # The streamed text is exactly the one-piece JSON of the same dict (meta differs only in seconds).
    assert out.read_text(encoding="utf-8") == dumps_json(got)
    assert json.loads(printed)["segments"] == kept["segments"]


def test_segment_rows_on_a_full_disk_name_the_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A temporary folder that is full ends in an OSError naming the folder (the command line makes
    that one line and exit code 2)."""
    import errno

    from evaluator.testsets import SegmentRows

    store = SegmentRows(str(tmp_path))

    def full(data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store, "_fh", type("F", (), {"seek": lambda *a: 0, "write": staticmethod(full),
                                                     "flush": lambda self: None, "close": lambda self: None})())
    with pytest.raises(OSError, match="No space left on device") as info:
        store.extend([{"index": 0}])
    assert info.value.filename == str(tmp_path) and info.value.errno == errno.ENOSPC


@pytest.mark.slow
def test_merged_report_keeps_every_line_and_every_check_error(resources: Any, monkeypatch: Any) -> None:
    """The HTML report of a set joins its documents' texts by newlines, empty first lines included; a
    check that fails on a line that is not the last one still shows in `meta.check_errors`."""
    from evaluator.checks.negation import NegationCheck

    refs = ["", "", "The minister resigned on Monday.", "boom: prices rose 3% in May.", "Talks resume today."]
    hyps = ["", "", "The minister quit on Monday.", "boom: prices rose 4% in May.", "Talks resume today."]
    negation = NegationCheck
    real_run = negation.run

    def failing(self: Any, ctx: Any) -> Any:
        if "boom" in ctx.original.text:
            raise RuntimeError("boom line")
        return real_run(self, ctx)

    monkeypatch.setattr(negation, "run", failing)
    data, merged = score_systems([refs], {"s": hyps}, resources=resources, chunk_size=2, keep_report=True)
    assert merged is not None
    assert merged["original"]["text"] == "\n".join(refs) and merged["rewritten"]["text"] == "\n".join(hyps)
    for side, lines_ in (("original", refs), ("rewritten", hyps)):
        for sent in merged[side]["sentences"]:
            assert merged[side]["text"][sent["start"]:sent["end"]] == lines_[sent["index"]].strip()
    assert data["meta"]["check_errors"] == ["negation: RuntimeError: boom line"]
    assert merged["meta"]["check_errors"] == data["meta"]["check_errors"]
    assert any(f["code"] == "number-changed" for f in data["segments"][3]["systems"]["s"]["findings"])


@pytest.mark.slow
def test_doc_ids_on_the_command_line(tmp_path: Path, resources: Any) -> None:
    """`--doc-ids` takes a stream like `--ref` (here a JSONL key); the JSON says which and how many documents."""
    data = tmp_path / "set.jsonl"
    data.write_text("".join(json.dumps({"ref": r, "mt": h, "doc": "news-1"}) + "\n"
                            for r, h in zip(DOC_REFS, DOC_HYPS, strict=True)), encoding="utf-8")
    out = tmp_path / "scores.json"
    assert main(["score", "--ref", f"{data}:ref", "--hyp", f"s={data}:mt", "--doc-ids", f"{data}:doc",
                 "--json", str(out), "--quiet", "--chunk-size", "2"]) == 0
    got = json.loads(out.read_text(encoding="utf-8"))
    assert got["meta"]["documents"] == 1 and got["meta"]["inputs"]["doc_ids"] == f"{data}:doc"
    assert "term-inconsistent" in _codes(got)[1]


def test_a_run_that_writes_nothing_says_how_to_keep_the_scores(resources: Any, tmp_path: Path, capsys: Any) -> None:
    """Without --json, --html or an export the scores were printed and silently kept nowhere."""
    ref, hyp = tmp_path / "ref.txt", tmp_path / "hyp.txt"
    ref.write_text("The talks began on Monday.\nThey ended on Friday.\n", encoding="utf-8")
    hyp.write_text("Talks started Monday.\nThey ended Friday.\n", encoding="utf-8")
    hint = "(nothing written: add --json FILE, --html FILE or --junit FILE)"
    assert main(["score", "--ref", str(ref), "--hyp", str(hyp)]) == 0
    out, err = capsys.readouterr()
    assert "2 segments, 1 system\n" in out and err.strip() == hint
    assert main(["score", "--ref", str(ref), "--hyp", str(hyp), "--json", str(tmp_path / "s.json")]) == 0
    assert hint not in capsys.readouterr().err
    assert main(["score", "--ref", str(ref), "--hyp", str(hyp), "-q"]) == 0
    assert capsys.readouterr() == ("", "")
