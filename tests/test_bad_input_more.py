"""More bad input through the command line: each case is exit 2 and ONE line on stderr naming the file or
option and the problem, found before any model loads, with nothing written (exit 3 stays a bug's).

Found by review: rescaling baselines that divide by zero, hand-edited reports given to `gate`, a UTF-16
byte-order mark that contradicts its text, an output on an input, contradictory options, config errors
reported as flags, gates that can never pass or check nothing, duplicate waiver ids, empty reference
sets, numbers given as text in JSONL streams.
"""
from __future__ import annotations

import codecs
import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.test_bad_input import ORIGINAL, REWRITTEN, one_error_line, run, write_pair, write_test_set
from tests.test_gate import finding, make_compare_report, make_score_report

pytestmark = pytest.mark.usefixtures("no_network_attempts")


def files_under(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*")) if path.exists() else []


def compare_fails(capsys: Any, tmp_path: Path, extra: list[str], *words: str) -> str:
    """``compare`` of a small pair with ``extra``: exit 2, one line with ``words``, nothing in --out."""
    o, r = write_pair(tmp_path)
    out = tmp_path / "out"
    rc, stdout, err = run(capsys, ["compare", str(o), str(r), "--out", str(out), *extra])
    assert rc == 2, err
    line = one_error_line(err, *words)
    assert files_under(out) == []
    return line


# --- 1. rescaling baselines -------------------------------------------------------------------------

@pytest.mark.parametrize("row, bad", [("3,1.0,1.0,1.0", "1.0"), ("3,nan,0.5,0.5", "nan"),
                                      ("3,0.5,inf,0.5", "inf"), ("3,0.5,0.5,-inf", "-inf"),
                                      ("3,0.5,0.5", "expected LAYER,P,R,F")])
def test_a_baseline_that_cannot_rescale_is_exit_2_naming_file_and_row(tmp_path: Path, capsys: Any, no_models: None,
                                                                      row: str, bad: str) -> None:
    tsv = tmp_path / "baseline.tsv"
    tsv.write_text(f"LAYER,P,R,F\n1,0.1,0.1,0.1\n{row}\n", encoding="utf-8")
    compare_fails(capsys, tmp_path, ["--rescale", "--baseline", str(tsv)], f"{tsv}:3:", bad)


def test_read_baseline_accepts_the_shipped_files() -> None:
    from evaluator.metrics.semantic import DATA_DIR, read_baseline

    for f in DATA_DIR.glob("baseline_*.tsv"):
        assert read_baseline(f)


# --- 2. --debug keeps exit 3 ----------------------------------------------------------------------

def test_debug_shows_the_traceback_and_keeps_exit_3(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    import evaluator.cli.gate

    def broken(args: Any) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr(evaluator.cli.gate, "run", broken)
    rc, _, err = run(capsys, ["--debug", "gate", "c.toml", "r.json"])
    assert rc == 3
    assert "Traceback" in err and "RuntimeError: a bug" in err
    rc, _, err = run(capsys, ["gate", "c.toml", "r.json"])
    assert rc == 3 and len(err.splitlines()) == 1 and "internal error" in err


# --- 3. malformed reports given to `gate` ------------------------------------------------------------

def _compare() -> dict[str, Any]:
    return make_compare_report(["A met B.", "They talked."], ["A met C.", "They talked."],
                               findings=[finding()])


def _score() -> dict[str, Any]:
    return make_score_report(["The cat sat.", "A dog ran."], {"hyp": ["The cat sat.", "A dog ran."]})


def _set(report: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    out = copy.deepcopy(report)
    *head, last = path.split(".")
    target: Any = out
    for key in head:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return out


def _drop(report: dict[str, Any], key: str) -> dict[str, Any]:
    out = copy.deepcopy(report)
    del out[key]
    return out


MALFORMED: list[tuple[str, Any, str]] = [
    ("findings-string", lambda: _set(_compare(), "findings", "x"), "findings is not a list"),
    ("findings-missing", lambda: _drop(_compare(), "findings"), "no 'findings' list"),
    ("pairs-number", lambda: _set(_compare(), "pairs", 5), "'pairs' is not a list"),
    ("finding-without-check", lambda: _set(_compare(), "findings", [{"x": 1}]), "findings[0] has no 'check'"),
    ("severity-bogus", lambda: _set(_compare(), "findings.0.severity", "bogus"), "severity is 'bogus'"),
    ("chrf-string", lambda: _set(_compare(), "metrics.chrf.score", "61"), "metrics.chrf is not a score"),
    ("alignment-bad", lambda: _set(_compare(), "alignment", [5]), "alignment[0]"),
    ("system-empty", lambda: _set(_score(), "systems.hyp", {}), "systems.hyp has no scores"),
    ("system-chrf-string", lambda: _set(_score(), "systems.hyp.chrf.score", "x"), "systems.hyp.chrf is not a score"),
    ("segments-missing", lambda: _drop(_score(), "segments"), "no 'segments' list"),
    ("segment-without-ref", lambda: _set(_score(), "segments.0", {"index": 0}), "segments[0] has no 'ref'"),
    ("segment-findings", lambda: _set(_score(), "segments.0.systems.hyp.findings", "x"),
     "segments[0].systems.hyp.findings is not a list"),
]


@pytest.mark.parametrize("make, words", [(m[1], m[2]) for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_gate_refuses_a_malformed_report_naming_what(tmp_path: Path, capsys: Any, make: Any, words: str) -> None:
    report = tmp_path / "report.json"
    report.write_text(json.dumps(make()), encoding="utf-8")
    cfg = tmp_path / "evaluator.toml"
    cfg.write_text("[gate.min]\nchrf = 1\n[gate.max_findings]\ncritical = 5\n", encoding="utf-8")
    rc, _, err = run(capsys, ["gate", str(cfg), str(report), "-q"])
    assert rc == 2, err
    one_error_line(err, f"{report}: not an evaluator report: ", words)


def test_gate_refuses_an_unsupported_schema_version(tmp_path: Path, capsys: Any) -> None:
    report = tmp_path / "report.json"
    report.write_text(json.dumps({**_compare(), "schema_version": "99"}), encoding="utf-8")
    cfg = tmp_path / "evaluator.toml"
    cfg.write_text("[gate.min]\nchrf = 1\n", encoding="utf-8")
    rc, _, err = run(capsys, ["gate", str(cfg), str(report)])
    assert rc == 2
    one_error_line(err, str(report), "unsupported schema_version '99'")
    report.write_text(json.dumps({**_compare(), "schema_version": "1"}), encoding="utf-8")
    assert run(capsys, ["gate", str(cfg), str(report), "-q"])[0] == 0  # the well-formed ones still pass


# --- 4. a UTF-16 byte-order mark that contradicts the text -------------------------------------------

@pytest.mark.parametrize("bom, codec", [(codecs.BOM_UTF16_LE, "utf-16-be"), (codecs.BOM_UTF16_BE, "utf-16-le")])
def test_a_utf16_bom_that_does_not_match_the_text_is_refused(tmp_path: Path, capsys: Any, no_models: None,
                                                             bom: bytes, codec: str) -> None:
    bad = tmp_path / "swapped.txt"
    bad.write_bytes(bom + ORIGINAL.encode(codec))
    good = tmp_path / "good.txt"
    good.write_text(REWRITTEN, encoding="utf-8")
    rc, _, err = run(capsys, ["compare", str(bad), str(good), "--out", str(tmp_path / "out")])
    assert rc == 2
    one_error_line(err, f"{bad}: ", "byte-order mark", codec.upper())
    ref, hyp, _ = write_test_set(tmp_path, 1)
    ref.write_bytes(bom + ref.read_text(encoding="utf-8").encode(codec))
    rc, _, err = run(capsys, ["score", "--ref", str(ref), "--hyp", str(hyp), "--no-bertscore"])
    assert rc == 2
    one_error_line(err, f"{ref}: ", "byte-order mark")


@pytest.mark.parametrize("text", ["가가 가다 가게 가방 가을 가족 가치 가수", "一、二、三。一一一一一一一一",
                                  "\u3000\u3000北京。一一一一一一一一一一"])
def test_utf16_cjk_dense_in_code_points_ending_00_is_read(tmp_path: Path, text: str) -> None:
    """가 U+AC00, 一 U+4E00 and the ideographic space U+3000 end in 00 as swapped Latin text does; without a
    swapped space or line break among them the text is what its mark says."""
    from evaluator.io import read_document

    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        f = tmp_path / f"{codec}.txt"
        f.write_bytes(bom + text.encode(codec))
        assert read_document(f).text.strip() == text.strip()


def test_utf16_with_a_matching_bom_and_cjk_text_is_read(tmp_path: Path) -> None:
    from evaluator.io import read_document

    text = "北京市人民政府今天宣布了新的政策。一二三 The council met in Lyon.\n"
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        f = tmp_path / f"{codec}.txt"
        f.write_bytes(bom + text.encode(codec))
        assert read_document(f).text == text


# --- 5. gate --json on its input -------------------------------------------------------------------

def test_gate_json_on_the_input_report_is_refused(tmp_path: Path, capsys: Any) -> None:
    report = tmp_path / "report.json"
    report.write_text(json.dumps(_compare()), encoding="utf-8")
    before = report.read_bytes()
    cfg = tmp_path / "evaluator.toml"
    cfg.write_text("[gate.min]\nchrf = 1\n", encoding="utf-8")
    rc, _, err = run(capsys, ["gate", str(cfg), str(report), "--json", str(report)])
    assert rc == 2
    one_error_line(err, "--json", "the same file as the input")
    assert report.read_bytes() == before


# --- 6. --checks naming nothing ----------------------------------------------------------------------

@pytest.mark.parametrize("value", [",,,", " ", " , "])
def test_checks_of_only_separators_is_an_error(tmp_path: Path, capsys: Any, no_models: None, value: str) -> None:
    compare_fails(capsys, tmp_path, ["--checks", value], "--checks", "no check named")


# --- 7. a gate that cannot apply to the run, before the models load ----------------------------------

def test_a_score_gate_with_a_compare_baseline_fails_before_scoring(tmp_path: Path, capsys: Any,
                                                                   no_models: None) -> None:
    ref, hyp, gate = write_test_set(tmp_path, 1)
    (tmp_path / "base.json").write_text(json.dumps(_compare()), encoding="utf-8")
    gate.write_text('[gate.baseline]\npath = "base.json"\nmax_drop = { chrf = 1 }\n', encoding="utf-8")
    out = tmp_path / "s.json"
    rc, _, err = run(capsys, ["score", "--ref", str(ref), "--hyp", str(hyp), "--gate", str(gate), "--json", str(out),
                              "--no-bertscore"])
    assert rc == 2
    one_error_line(err, "the baseline is a `compare` report", "`score` report")
    assert not out.exists()


def test_a_compare_gate_with_a_score_baseline_fails_before_comparing(tmp_path: Path, capsys: Any,
                                                                     no_models: None) -> None:
    (tmp_path / "base.json").write_text(json.dumps(_score()), encoding="utf-8")
    gate = tmp_path / "gate.toml"
    gate.write_text('[gate.baseline]\npath = "base.json"\nmax_drop = { chrf = 1 }\n', encoding="utf-8")
    compare_fails(capsys, tmp_path, ["--gate", str(gate)], "the baseline is a `score` report")


def test_gate_systems_that_the_run_lacks_fail_before_scoring(tmp_path: Path, capsys: Any, no_models: None) -> None:
    ref, hyp, gate = write_test_set(tmp_path, 1)
    gate.write_text('[gate]\nsystems = ["nosuch"]\n[gate.min]\nchrf = 1\n', encoding="utf-8")
    rc, _, err = run(capsys, ["score", "--ref", str(ref), "--hyp", str(hyp), "--gate", str(gate), "--no-bertscore"])
    assert rc == 2
    one_error_line(err, "gate.systems names nosuch", "hyp")
    compare_fails(capsys, tmp_path, ["--gate", str(gate)], "gate.systems", "`compare`")


# --- 8. contradictory options ------------------------------------------------------------------------

def test_contradictory_options_are_refused_naming_both(tmp_path: Path, capsys: Any, no_models: None) -> None:
    gate = tmp_path / "bert.toml"
    gate.write_text("[gate.min]\nbertscore_f1 = 0.5\n", encoding="utf-8")
    waivers = tmp_path / "w.toml"
    waivers.write_text("", encoding="utf-8")
    cases = [
        (["--no-html", "--html", str(tmp_path / "x.html")], ["--no-html", "--html"]),
        (["--no-html", "--screenshot"], ["--no-html", "--screenshot"]),
        (["--waivers", str(waivers)], ["--waivers needs --gate"]),
        (["--rescale", "--no-bertscore"], ["--rescale", "--no-bertscore"]),
        (["--no-bertscore", "--gate", str(gate)], ["--no-bertscore", "bertscore_f1"]),
    ]
    for extra, words in cases:
        compare_fails(capsys, tmp_path, extra, *words)
    assert not (tmp_path / "x.html").exists()


def test_a_config_rescale_gives_way_to_the_no_bertscore_flag(tmp_path: Path) -> None:
    import argparse

    from evaluator.cli.common import add_model_options, options_from_args

    cfg = tmp_path / "evaluator.toml"
    cfg.write_text("[settings]\nrescale = true\n", encoding="utf-8")
    p = argparse.ArgumentParser()
    add_model_options(p)
    options = options_from_args(p.parse_args(["--config", str(cfg), "--no-bertscore"]))
    assert not options.bertscore and not options.rescale


# --- 9. config errors name the config -------------------------------------------------------------

@pytest.mark.parametrize("setting, words", [('checks = ["nope"]', "settings.checks: unknown check(s) nope"),
                                            ("checks = []", "settings.checks is empty"),
                                            ('device = "tpu"', "settings.device must be cpu, cuda or cuda:N")])
def test_a_bad_setting_in_the_config_names_the_config(tmp_path: Path, capsys: Any, no_models: None,
                                                      setting: str, words: str) -> None:
    cfg = tmp_path / "evaluator.toml"
    cfg.write_text(f"[settings]\n{setting}\n", encoding="utf-8")
    line = compare_fails(capsys, tmp_path, ["--config", str(cfg)], f"{cfg}:2: ", words)
    assert "--checks" not in line and "--device" not in line


# --- 10. gates that can never pass or check nothing -------------------------------------------------

@pytest.mark.parametrize("toml, words", [
    ("[gate.min]\nchrf = 90\n[gate.max]\nchrf = 10\n", "gate.min.chrf = 90 is above gate.max.chrf = 10"),
    ('[gate.baseline]\npath = "base.json"\n', "gate.baseline sets no max_drop or max_increase"),
    ('[gate.baseline]\nsystem = "base"\nsignificance = 0.05\n', "gate.baseline sets no max_drop or max_increase"),
])
def test_a_gate_that_can_never_pass_or_checks_nothing_is_a_config_error(tmp_path: Path, toml: str,
                                                                        words: str) -> None:
    from evaluator.errors import ConfigError
    from evaluator.gate import load_gate_config

    cfg = tmp_path / "evaluator.toml"
    cfg.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_gate_config(cfg)
    assert words in str(exc.value) and str(cfg) in str(exc.value)


# --- 11. waivers ---------------------------------------------------------------------------------------

WAIVER = 'check = "{check}"\ncode = "x"\noriginal = "a"\nreason = "r"\nexpires = 2030-01-01\n'


def test_duplicate_waiver_ids_name_both_lines(tmp_path: Path) -> None:
    from evaluator.errors import ConfigError
    from evaluator.waivers import load_waivers

    f = tmp_path / "w.toml"
    f.write_text(f'[[waiver]]\nid = "a"\n{WAIVER.format(check="numbers")}\n'
                 f'[[waiver]]\nid = "a"\n{WAIVER.format(check="titles")}', encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_waivers(f)
    assert "duplicate waiver id 'a' (at lines 1 and 9)" in str(exc.value) and exc.value.line == 9


def test_triage_refuses_an_accepted_row_of_an_unknown_check(tmp_path: Path, capsys: Any) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "findings"
    wb.active.append(["check", "code", "original_text", "rewritten_text", "reviewer verdict", "reason"])
    wb.active.append(["numbers", "number-changed", "12", "13", "accepted", "ok"])
    wb.active.append(["nosuch", "x", "12", "13", "accepted", "ok"])
    xlsx = tmp_path / "review.xlsx"
    wb.save(xlsx)
    out = tmp_path / "w.toml"
    rc, _, err = run(capsys, ["triage", str(xlsx), "--out", str(out)])
    assert rc == 2
    one_error_line(err, "row 3", "unknown check 'nosuch'")
    assert not out.exists()


# --- 12. one line at exit 2 --------------------------------------------------------------------------

def test_a_gate_error_of_two_thresholds_is_one_line(tmp_path: Path, capsys: Any) -> None:
    report = tmp_path / "report.json"
    no_scores = _compare()
    no_scores["metrics"] = {"bleu": {"score": None}, "chrf": {"score": None}}
    report.write_text(json.dumps(no_scores), encoding="utf-8")
    cfg = tmp_path / "evaluator.toml"
    cfg.write_text("[gate.min]\nchrf = 1\nbleu = 1\n", encoding="utf-8")
    rc, _, err = run(capsys, ["gate", str(cfg), str(report), "-q"])
    assert rc == 2
    (line,) = err.splitlines()
    assert line.startswith("evaluator: gate error: ") and "min.chrf" in line and "min.bleu" in line


def test_no_command_is_one_usage_line(capsys: Any) -> None:
    rc, out, err = run(capsys, [])
    assert rc == 2 and out == ""
    one_error_line(err, "no command", "evaluator --help")


# --- 13. empty reference sets -----------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["file", "comments", "csv-header", "folder"])
def test_an_empty_reference_set_is_refused(tmp_path: Path, capsys: Any, no_models: None, kind: str) -> None:
    from evaluator.errors import ConfigError
    from evaluator.reference_sets import load_reference_sets

    where = tmp_path / {"file": "people.toml", "comments": "people.toml", "csv-header": "people.csv",
                        "folder": "sets"}[kind]
    if kind == "folder":
        where.mkdir()
        (where / "notes.txt").write_text("not a reference set", encoding="utf-8")
    else:
        where.write_text({"file": "", "comments": "# nobody yet\n", "csv-header": "name,aliases\n"}[kind],
                         encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_reference_sets([where])
    assert str(where) in str(exc.value)
    assert load_reference_sets([], include_bundled=True)  # the bundled set alone is fine


# --- 14. JSONL values that are not text --------------------------------------------------------------

@pytest.mark.parametrize("value, what", [("5", "a number"), ("1.5", "a number"), ("true", "true/false")])
def test_a_jsonl_number_is_not_text(tmp_path: Path, capsys: Any, no_models: None, value: str, what: str) -> None:
    data = tmp_path / "data.jsonl"
    data.write_text(f'{{"ref": "The cat sat.", "hyp": "The cat sat.", "id": 1}}\n'
                    f'{{"ref": "A dog ran.", "hyp": {value}, "id": 2}}\n', encoding="utf-8")
    rc, _, err = run(capsys, ["score", "--ref", f"{data}:ref", "--hyp", f"{data}:hyp", "--no-bertscore"])
    assert rc == 2
    one_error_line(err, str(data), "line 2", "'hyp' is not text", what)


def test_a_numeric_field_no_stream_reads_is_fine(tmp_path: Path) -> None:
    from evaluator.testsets import StreamReader

    data = tmp_path / "data.jsonl"
    data.write_text('{"ref": "The cat sat.", "id": 1}\n{"ref": "A dog.", "id": 2.5}\n', encoding="utf-8")
    assert StreamReader().read(f"{data}:ref").lines == ["The cat sat.", "A dog."]


def test_whole_number_document_ids_read_as_their_digits(tmp_path: Path) -> None:
    """"doc_id": 1 is document "1" (the natural way to write it); a fraction or true is no id."""
    from evaluator.errors import DocumentError
    from evaluator.testsets import StreamReader

    data = tmp_path / "data.jsonl"
    data.write_text('{"ref": "The cat sat.", "doc": 1}\n{"ref": "A dog.", "doc": "b"}\n', encoding="utf-8")
    assert StreamReader().read(f"{data}:doc", ids=True).lines == ["1", "b"]
    with pytest.raises(DocumentError, match="'doc' is not text"):
        StreamReader().read(f"{data}:doc")  # as a text stream, 1 is still refused
    data.write_text('{"ref": "The cat sat.", "doc": 1.5}\n', encoding="utf-8")
    with pytest.raises(DocumentError, match="'doc' is not text"):
        StreamReader().read(f"{data}:doc", ids=True)


# --- 15. messages ----------------------------------------------------------------------------------

def test_stdin_as_a_document_says_so(tmp_path: Path, capsys: Any, no_models: None) -> None:
    _, r = write_pair(tmp_path)
    rc, _, err = run(capsys, ["compare", "-", str(r), "--out", str(tmp_path / "out")])
    assert rc == 2
    one_error_line(err, "stdin is not supported")


def test_an_out_folder_that_cannot_be_made_is_named_before_the_models(tmp_path: Path, capsys: Any, no_models: None,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    real_mkdir = Path.mkdir

    def mkdir(self: Path, *args: Any, **kwargs: Any) -> None:
        if self.name == "refused":
            raise PermissionError(errno.EPERM, os.strerror(errno.EPERM), str(self))
        real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    o, r = write_pair(tmp_path)
    rc, _, err = run(capsys, ["compare", str(o), str(r), "--out", str(tmp_path / "refused" / "x")])
    assert rc == 2
    one_error_line(err, "--out", "cannot create the folder")
    monkeypatch.setattr(Path, "mkdir", real_mkdir)
    rc, _, err = run(capsys, ["compare", str(o), str(r), "--out", str(tmp_path / "fine" / "x"), "--checks", ",,"])
    assert rc == 2 and not (tmp_path / "fine").exists()  # the probe leaves nothing behind
