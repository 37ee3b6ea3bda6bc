"""`evaluator score` edge cases: a system that output nothing, output paths that clash, empty lines
under BERTScore, progress in a log."""
from __future__ import annotations

import io
import json
import logging
from pathlib import Path
from typing import Any

import pytest
import sacrebleu

from evaluator.cli import main
from evaluator.cli.common import check_output_files
from evaluator.errors import InputError
from evaluator.progress import ScoreLineProgress

REFS = ["The talks began on Monday in Geneva.", "They ended on Friday without a deal.",
        "The minister said the plan would not change.", "Prices rose by three percent last year.",
        "The court rejected the appeal."]
HYPS = ["Talks started Monday in Geneva.", "They ended Friday with no deal.",
        "The minister said the plan would change.", "Prices went up three percent last year.",
        "The court turned down the appeal."]


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


# ------------------------------------------------------------------------ D1: an all-empty system

def test_a_system_that_output_nothing_is_scored_next_to_a_normal_one(resources: Any, tmp_path: Path,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    """Every line empty is valid (worthless) output: BLEU 0, chrF 0, TER 100 as sacrebleu gives them,
    coverage 0, with a warning; the other system is scored as ever.  A reference of only empty lines
    is still an input error."""
    ref, good = write(tmp_path / "ref.txt", REFS), write(tmp_path / "good.txt", HYPS)
    blank = write(tmp_path / "blank.txt", [""] * len(REFS))
    out = tmp_path / "s.json"
    assert main(["score", "--ref", str(ref), "--hyp", str(blank), "--hyp", str(good), "--no-bertscore",
                 "--json", str(out), "-q"]) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    got = report["systems"]
    from evaluator import frames
    from evaluator.cli.score import SCORE_TABLES

    assert tuple(frames.tables(report)) == SCORE_TABLES  # the files --csv/--parquet write (checked before work)
    empty = [""] * len(REFS)
    assert got["blank"]["bleu"]["score"] == 0.0 == sacrebleu.corpus_bleu(empty, [REFS]).score
    assert got["blank"]["chrf"]["score"] == 0.0 == sacrebleu.corpus_chrf(empty, [REFS]).score
    assert got["blank"]["ter"]["score"] == 100.0 == sacrebleu.corpus_ter(empty, [REFS]).score
    assert got["blank"]["coverage"] == 0.0 and got["good"]["coverage"] == 1.0
    assert got["good"]["bleu"]["score"] == pytest.approx(sacrebleu.corpus_bleu(HYPS, [REFS]).score, abs=1e-6)
    assert got["good"]["ter"]["score"] == pytest.approx(sacrebleu.corpus_ter(HYPS, [REFS]).score, abs=1e-4)
    assert [r.getMessage() for r in caplog.records if "every line is empty" in r.getMessage()] == [
        f"{blank}: every line is empty: scored as a system that output nothing (BLEU 0, coverage 0)"]


def test_a_reference_of_only_empty_lines_is_still_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ref, good = write(tmp_path / "ref.txt", [""] * 5), write(tmp_path / "good.txt", HYPS)
    assert main(["score", "--ref", str(ref), "--hyp", str(good), "--no-bertscore", "-q"]) == 2
    err = capsys.readouterr().err
    assert err == f"evaluator: error: {ref}: contains only whitespace\n"


# ------------------------------------------------------------------------ D2: output paths that clash

@pytest.mark.parametrize("outputs", [
    ["--json", "{d}/out", "--csv", "{d}/out"],
    ["--html", "{d}/X", "--parquet", "{d}/X"],
    ["--json", "{d}/t/findings.csv", "--csv", "{d}/t"],  # the CSV writer would replace the JSON
    ["--json", "{d}/out", "--csv", "{d}/out/tables"],  # a folder under a file
    ["--xlsx", "{d}/t/x.xlsx", "--parquet", "{d}/t/x.xlsx"],
])
def test_an_output_folder_that_clashes_is_refused_before_any_work(
        outputs: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Files and the --csv / --parquet folders are checked together before anything is read or scored:
    one line, exit 2, nothing written (it used to score the set, write the JSON, then fail)."""
    import evaluator.pipeline
    import evaluator.testsets

    def no_work(*_: Any, **__: Any) -> Any:
        raise AssertionError("scoring started")

    monkeypatch.setattr(evaluator.pipeline, "load_resources", no_work)
    monkeypatch.setattr(evaluator.testsets.StreamReader, "read", no_work)
    ref, good = write(tmp_path / "ref.txt", REFS), write(tmp_path / "good.txt", HYPS)
    d = tmp_path / "out"
    d.mkdir()
    argv = [a.format(d=d) for a in outputs]
    assert main(["score", "--ref", str(ref), "--hyp", str(good), "--no-bertscore", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("evaluator: error: --") and "scoring started" not in err
    assert list(d.iterdir()) == []


def test_export_folders_may_share_a_path_where_their_files_differ(tmp_path: Path) -> None:
    d = tmp_path / "t"
    folders = [("--csv", d, ["findings.csv", "pairs.csv"]), ("--parquet", d, ["findings.parquet", "pairs.parquet"])]
    check_output_files(("--json", tmp_path / "s.json"), ("--html", d / "r.html"), folders=folders)
    with pytest.raises(InputError, match="would replace the input"):
        check_output_files(folders=folders, inputs=[d / "pairs.csv"])


# ------------------------------------------------------------------------ D4: empty lines and BERTScore

def test_empty_hypothesis_lines_make_one_warning_naming_them(resources: Any, tmp_path: Path,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    """bert_score's "Empty candidate sentence detected" came once per empty line (a batch each), without
    a line number, even under -q: now one line per system names them, and -q drops it."""
    ref = write(tmp_path / "ref.txt", REFS)
    hyp = write(tmp_path / "h.txt", [HYPS[0], "", HYPS[2], "   ", "\u200b"])  # a zero-width space is empty to BERT
    argv = ["score", "--ref", str(ref), "--hyp", str(hyp), "--chunk-size", "2", "--json", str(tmp_path / "s.json")]
    caplog.set_level(logging.WARNING)
    assert main(argv) == 0
    messages = [r.getMessage() for r in caplog.records]
    assert not [m for m in messages if "Empty candidate" in m]
    assert [m for m in messages if "empty line" in m] == [
        "3 empty lines in system h: BERTScore 0 for them (lines 2, 4, 5)"]
    data = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert [data["segments"][k]["systems"]["h"]["bertscore_f1"] for k in (1, 3, 4)] == [0.0, 0.0, 0.0]
    caplog.clear()
    assert main([*argv, "-q"]) == 0
    assert not [r for r in caplog.records if "mpty" in r.getMessage()]


def test_a_warning_clears_the_terminal_progress_line_first() -> None:
    from evaluator.cli.score import _TerminalLine

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("evaluator.test_score_edges")
    line = _TerminalLine(stream)
    logging.getLogger().addHandler(handler)
    try:
        with line.clear_before_logging():
            line(5, 50)
            logger.warning("something odd")
            line(50, 50)
        logger.warning("after")  # the filter is gone with the context
    finally:
        logging.getLogger().removeHandler(handler)
    blank = " " * len("scored 5/50 lines")
    assert stream.getvalue() == (f"\rscored 5/50 lines\r{blank}\rsomething odd\n\rscored 50/50 lines\nafter\n")


# ------------------------------------------------------------------------ P: progress in a log

def test_progress_lines_in_a_log(resources: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """stderr not a terminal (CI): plain lines with lines done/total, rate and ETA, no carriage return;
    -q and a set of one chunk print none."""
    ref, good = write(tmp_path / "ref.txt", REFS), write(tmp_path / "good.txt", HYPS)
    argv = ["score", "--ref", str(ref), "--hyp", str(good), "--no-bertscore", "--json", str(tmp_path / "s.json")]
    assert main([*argv, "--chunk-size", "2"]) == 0
    err = capsys.readouterr().err
    assert "\r" not in err
    progress = [line for line in err.splitlines() if line.startswith("score: ")]
    assert progress[0] == "score: 5 lines to score in 3 chunks"
    assert progress[-1].startswith("score: 5/5 lines (100%), ") and " lines/s, took " in progress[-1]
    assert any(line.startswith("score: 2/5 lines (40%), ") and " ETA " in line for line in progress)
    assert main([*argv, "--chunk-size", "2", "-q"]) == 0
    assert capsys.readouterr().err == ""
    assert main(argv) == 0  # one chunk: the summary comes at once
    assert capsys.readouterr().err == ""


def test_score_line_progress_every_tenth_or_thirty_seconds() -> None:
    now = [0.0]
    stream = io.StringIO()
    p = ScoreLineProgress(stream, 1000, chunks=100, clock=lambda: now[0])
    for done in range(10, 1001, 10):  # a chunk of 10 lines a second
        now[0] += 1.0
        p.update(done, 1000)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "score: 1000 lines to score in 100 chunks"
    assert lines[1] == "score: 100/1000 lines (10%), 10.0 lines/s, ETA 1:30"
    assert len(lines) == 11 and lines[-1] == "score: 1000/1000 lines (100%), 10.0 lines/s, took 1:40"
    stream.seek(0)
    stream.truncate()
    slow = ScoreLineProgress(stream, 1000, clock=lambda: now[0])
    for done in (1, 2, 3):  # a line every 40 s, far below a tenth: the interval rules
        now[0] += 40.0
        slow.update(done, 1000)
    assert len(stream.getvalue().splitlines()) == 4


def test_json_on_stdout_sharing_its_file_with_stderr_stays_json(tmp_path: Path) -> None:
    """`--json - > out.json 2>&1`: no progress line may land in the JSON."""
    import os
    import subprocess
    import sys

    ref, good = write(tmp_path / "ref.txt", REFS), write(tmp_path / "good.txt", HYPS)
    out = tmp_path / "out.json"
    with out.open("wb") as fh:
        rc = subprocess.call([sys.executable, "-m", "evaluator", "score", "--ref", str(ref), "--hyp", str(good),
                              "--no-bertscore", "--checks", "numbers", "--chunk-size", "1", "--json", "-"],
                             stdout=fh, stderr=subprocess.STDOUT, env=dict(os.environ, HF_HUB_OFFLINE="1"))
    assert rc == 0
    assert json.loads(out.read_text(encoding="utf-8"))["kind"] == "score"


def test_compare_and_score_refuse_clashing_or_stdout_export_folders(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    o, r = write(tmp_path / "o.txt", REFS), write(tmp_path / "r.txt", HYPS)
    clash = tmp_path / "outB"
    assert main(["compare", str(o), str(r), "--json", str(clash), "--csv", str(clash), "--no-html"]) == 2
    err = capsys.readouterr().err
    assert "--csv" in err and "the same path as --json" in err and not clash.exists()
    assert main(["score", "--ref", str(o), "--hyp", str(r), "--csv", "-", "--json", str(tmp_path / "s.json")]) == 2
    assert "--csv -: only --json can write to stdout" in capsys.readouterr().err
    assert not (Path.cwd() / "-").exists() and not (tmp_path / "s.json").exists()


def test_the_merged_report_for_the_html_page_carries_no_stage_timings_of_its_first_line(resources: Any) -> None:
    from evaluator.testsets import score_systems

    _, merged = score_systems([REFS], {"sys": HYPS}, resources=resources, keep_report=True, chunk_size=2)
    assert merged is not None and merged["meta"]["line_aligned"] is True
    assert "timings" not in merged["meta"]


# ------------------------------------------------------------------------ line counts: a blank line at the end

def test_a_trailing_empty_line_is_a_segment_as_in_sacrebleu_and_the_error_says_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """"ref.txt has 5 lines, extra.txt has 6" left the user looking for the sixth segment: an empty line
    after the last one.  It stays a segment (sacrebleu reads lines with the newline cut off, so
    "a\\nb\\n\\n" is three, and refuses the pair too), and the message now names it."""
    ref = write(tmp_path / "ref.txt", REFS)
    extra = tmp_path / "extra.txt"
    extra.write_text("".join(h + "\n" for h in HYPS) + "\n", encoding="utf-8")
    with open(extra, encoding="utf-8", newline="\n") as fh:
        assert len([line.rstrip("\n") for line in fh]) == len(REFS) + 1  # as sacrebleu counts
    assert main(["score", "--ref", str(ref), "--hyp", str(extra), "-q"]) == 2
    err = capsys.readouterr().err
    assert err == (f"evaluator: error: line counts differ: {ref} has 5 lines, {extra} has 6; the last line of "
                   f"{extra} is empty (sacrebleu counts it as a segment too): delete it if it is not one\n")

    # two blank lines, in the reference this time
    ref2 = tmp_path / "ref2.txt"
    ref2.write_text("".join(r + "\n" for r in REFS) + "\n \n", encoding="utf-8")
    hyp = write(tmp_path / "hyp.txt", HYPS)
    assert main(["score", "--ref", str(ref2), "--hyp", str(hyp), "-q"]) == 2
    assert f"; the last 2 lines of {ref2} are empty" in capsys.readouterr().err

    # a missing segment is no blank line: no hint
    short = write(tmp_path / "short.txt", HYPS[:4])
    assert main(["score", "--ref", str(ref), "--hyp", str(short), "-q"]) == 2
    assert capsys.readouterr().err == f"evaluator: error: line counts differ: {ref} has 5 lines, {short} has 4\n"
