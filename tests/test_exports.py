"""--csv / --xlsx / --parquet: contents equal the frames, XLSX formatting, formula injection neutralised."""
from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

import evaluator
from evaluator import frames
from evaluator.cli import main
from evaluator.errors import InputError
from evaluator.render import exports
from evaluator.render.exports import (
    SEVERITY_STYLE,
    TRIAGE_COLUMNS,
    is_risky,
    neutralise,
    unneutralise,
    write_exports,
    xlsx_text,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "reference_sets" / "examples" / "korea-diplomacy"

# Article text that a spreadsheet would run if it were written as it is.
HOSTILE_ORIGINAL = (
    "Secretary of State Antony Blinken met President Yoon in Seoul on Monday.\n\n"
    "=HYPERLINK(\"http://evil.example/x\",\"Click\") was printed under the photograph.\n\n"
    "+1 voters approved the plan after the debate.\n\n"
    "Exports rose 10 million dollars in 2023."
)
HOSTILE_REWRITTEN = (
    "Foreign Secretary Antony Blinken met President Yoon in Busan on Monday.\n\n"
    "@SUM(A1:A9) appeared in the table of results.\n\n"
    "-2+3 voters approved the plan after the debate.\n\n"
    "Exports rose 12 million dollars in 2023."
)
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


# ------------------------------------------------------------------------------------ unit level

@pytest.mark.parametrize("text,expected", [
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("+1+1", "'+1+1"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\rcmd", "'\rcmd"),
    ("  =1+1", "'  =1+1"),  # blanks first, then a trigger
    ("\x0c=1", "'\x0c=1"),  # any Unicode blank (found by hypothesis: a form feed)
    ("\u2028+1", "'\u2028+1"),
    ("'quoted", "''quoted"),  # the escape itself is escaped, so unneutralise is exact
    ("Seoul", "Seoul"),
    ("a = b", "a = b"),
    ("", ""),
])
def test_neutralise(text: str, expected: str) -> None:
    assert neutralise(text) == expected
    assert unneutralise(neutralise(text)) == text


@given(st.text(max_size=30))
def test_neutralised_text_never_starts_like_a_formula(text: str) -> None:
    out = neutralise(text)
    assert unneutralise(out) == text
    assert out[:1] not in TRIGGERS
    assert not re.match(r"^\s+[=+\-@]", out)


def test_xlsx_text_replaces_illegal_characters_and_truncates() -> None:
    assert xlsx_text("a\x00b\x0bc\x1fd") == "a\ufffdb c\ufffdd"
    long = "x" * 40000
    cut = xlsx_text(long)
    assert len(cut) == 32767 and cut.endswith(exports.TRUNCATED)


def test_xlsx_cells_stay_within_excels_limit_in_utf16_units(tmp_path: Path) -> None:
    """Excel counts a cell's 32,767 characters in UTF-16 code units: an emoji is two (found opening the
    exports in LibreOffice, which has no such limit; Excel asks to repair such a workbook)."""
    cut_at = 32767 - len(exports.TRUNCATED)
    emoji = "\U0001F600" * 20000  # 20,000 characters, 40,000 units
    assert exports.utf16_length(emoji) == 40000
    assert xlsx_text(emoji) == "\U0001F600" * (cut_at // 2) + exports.TRUNCATED
    edge = "A" * 32765 + "\U0001F600\U00029E3D"  # 32,767 characters, 32,769 units
    assert xlsx_text(edge) == "A" * cut_at + exports.TRUNCATED
    odd = "A" * (cut_at - 1) + "\U0001F600" * 100  # the cut falls inside a pair: never half of one
    assert xlsx_text(odd) == "A" * (cut_at - 1) + exports.TRUNCATED
    fits = "\U0001F600" * 16383  # 32,766 units: kept whole
    assert xlsx_text(fits) == fits
    df = pd.DataFrame({"message": pd.Series([emoji, edge, odd, fits], dtype="string")})
    write_exports({"documents": df}, xlsx=str(tmp_path / "x.xlsx"), csv=str(tmp_path / "c"))
    ws = load_workbook(tmp_path / "x.xlsx")["documents"]
    cells = [ws.cell(r, 1).value for r in range(2, 6)]
    assert all(exports.utf16_length(v) <= 32767 for v in cells)
    assert [v.endswith(exports.TRUNCATED) for v in cells] == [True, True, True, False] and cells[3] == fits
    assert [r[0] for r in _read_csv(tmp_path / "c" / "documents.csv")[1:]] == [emoji, edge, odd, fits]  # whole


# ------------------------------------------------------------------------------ report exports

@pytest.fixture(scope="module")
def exported(resources: Any, tmp_path_factory: Any) -> dict[str, Any]:
    report = evaluator.compare(HOSTILE_ORIGINAL, HOSTILE_REWRITTEN, resources=resources)
    data = report.to_dict()
    data["original"]["path"] = "=cmd|' /C calc'!A0.txt"  # a hostile file name
    data["rewritten"]["path"] = "@rewritten.txt"
    tables = frames.tables(data)
    out = tmp_path_factory.mktemp("exports")
    written = write_exports(tables, csv=str(out / "csv"), xlsx=str(out / "r.xlsx"), parquet=str(out / "pq"),
                            about={"command": "evaluator compare =a.txt b.txt"})
    return {"data": data, "tables": tables, "out": out, "written": written}


def _text_columns(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if str(df[c].dtype) in ("string", "category", "object")]


def _risky_cells(tables: dict[str, pd.DataFrame]) -> list[str]:
    return [v for df in tables.values() for c in _text_columns(df) for v in df[c].dropna().astype(str)
            if is_risky(v)]


@pytest.mark.slow
def test_the_report_really_carries_hostile_text(exported: dict[str, Any]) -> None:
    risky = _risky_cells(exported["tables"])
    starts = {v[0] for v in risky}
    assert {"=", "@"} <= starts and ({"+", "-"} & starts), risky
    assert sorted(Path(p).name for p in exported["written"]) == sorted(
        ["findings.csv", "pairs.csv", "documents.csv", "r.xlsx", "findings.parquet", "pairs.parquet",
         "documents.parquet"])


def _read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the BOM
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.mark.slow
def test_csv_agrees_with_the_frames_and_is_neutralised(exported: dict[str, Any]) -> None:
    n_escaped = 0
    for name, df in exported["tables"].items():
        rows = _read_csv(exported["out"] / "csv" / f"{name}.csv")
        assert rows[0] == list(df.columns)
        assert len(rows) - 1 == len(df)
        text_cols = set(_text_columns(df))
        for r, row in enumerate(rows[1:]):
            for c, cell in zip(df.columns, row, strict=True):
                if cell[:1] in TRIGGERS or re.match(r"^\s+[=+\-@]", cell):
                    assert _is_number(cell), (name, c, cell)  # only a number may start with '-'
                want = df[c].iloc[r]
                if c in text_cols:
                    n_escaped += cell.startswith("'")
                    assert unneutralise(cell) == ("" if pd.isna(want) else str(want)), (name, c)
                elif isinstance(want, float) and math.isnan(want) or want is pd.NA:
                    assert cell == ""
                elif isinstance(want, float):
                    assert float(cell) == pytest.approx(want, rel=1e-12)
                else:
                    assert cell == str(want)
    assert n_escaped >= 4
    docs = _read_csv(exported["out"] / "csv" / "documents.csv")
    assert docs[1][docs[0].index("original_path")] == "'=cmd|' /C calc'!A0.txt"


def _sheet_xml(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/")}


@pytest.mark.slow
def test_xlsx_keeps_its_formatting(exported: dict[str, Any]) -> None:
    wb = load_workbook(exported["out"] / "r.xlsx")
    tables = exported["tables"]
    assert wb.sheetnames == ["findings", "pairs", "documents", "about"]
    for name, df in tables.items():
        ws = wb[name]
        header = [c.value for c in ws[1]]
        assert ws.freeze_panes == "A2", name
        assert ws.auto_filter.ref == f"A1:{get_column_letter(len(header))}{max(len(df) + 1, 2)}", name
        assert all(c.font.bold for c in ws[1])
        assert ws.max_row == len(df) + 1
    ws = wb["findings"]
    header = [c.value for c in ws[1]]
    # The evidence, then the reviewer's columns, then the rest.
    i = header.index("rewritten_text")
    assert header[i + 1:i + 4] == list(TRIAGE_COLUMNS)
    assert header[:4] == ["severity", "check", "code", "message"]
    assert set(header) - set(TRIAGE_COLUMNS) == set(tables["findings"].columns)
    verdict = get_column_letter(header.index("reviewer verdict") + 1)
    n = len(tables["findings"])
    dvs = ws.data_validations.dataValidation
    lists = [dv for dv in dvs if dv.type == "list"]
    assert len(lists) == 1 and lists[0].formula1 == '"accepted,rejected"'
    assert str(lists[0].sqref) == f"{verdict}2:{verdict}{n + 1}"
    assert lists[0].showErrorMessage and lists[0].allow_blank
    assert all(ws[f"{verdict}{r}"].value is None for r in range(2, n + 2))
    sev_col = header.index("severity") + 1
    seen = set()
    for r in range(2, n + 2):
        cell = ws.cell(r, sev_col)
        fill, font = SEVERITY_STYLE[cell.value]
        assert cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb.endswith(fill), (r, cell.value)
        assert cell.font.color.rgb.endswith(font)
        seen.add(cell.value)
    assert {"critical", "major"} <= seen
    ws = wb["pairs"]
    col = [c.value for c in ws[1]].index("worst_severity") + 1
    flagged = [ws.cell(r, col) for r in range(2, ws.max_row + 1) if ws.cell(r, col).value]
    assert flagged and all(c.fill.fgColor.rgb.endswith(SEVERITY_STYLE[c.value][0]) for c in flagged)


def _cell_value(v: Any) -> Any:
    if v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


@pytest.mark.slow
def test_xlsx_agrees_with_the_frames_and_never_holds_a_formula(exported: dict[str, Any]) -> None:
    path = exported["out"] / "r.xlsx"
    wb = load_workbook(path)
    quoted = 0
    for name, df in exported["tables"].items():
        ws = wb[name]
        header = [c.value for c in ws[1]]
        for r in range(len(df)):
            for c in df.columns:
                cell = ws.cell(r + 2, header.index(c) + 1)
                want = _cell_value(df[c].iloc[r])
                if isinstance(want, float):
                    assert cell.value == pytest.approx(want, rel=1e-12), (name, c)
                else:  # an empty text is an empty cell
                    assert cell.value == (None if want == "" else want), (name, c, r)
                if isinstance(want, str):
                    assert cell.data_type in ("s", "inlineStr")  # text is text: never a formula
                    assert bool(cell.quotePrefix) == is_risky(want), (name, c, want)
                    quoted += bool(cell.quotePrefix)
    assert quoted >= 4
    about = {ws_row[0].value: ws_row[1].value for ws_row in wb["about"].iter_rows(min_row=1)}
    assert about["command"] == "evaluator compare =a.txt b.txt"
    for name, xml in _sheet_xml(path).items():
        assert "<f>" not in xml and "<f " not in xml, name
    # The hostile file name is in the documents sheet, exactly, as quote-prefixed text.
    docs = wb["documents"]
    col = [c.value for c in docs[1]].index("original_path") + 1
    assert docs.cell(2, col).value == "=cmd|' /C calc'!A0.txt" and docs.cell(2, col).quotePrefix


@pytest.mark.slow
def test_parquet_round_trips_the_frames(exported: dict[str, Any]) -> None:
    for name, df in exported["tables"].items():
        back = pd.read_parquet(exported["out"] / "pq" / f"{name}.parquet")
        pd.testing.assert_frame_equal(back, df, check_categorical=True)
        assert str(back.dtypes.get("severity", "category")) == "category"
    ff = pd.read_parquet(exported["out"] / "pq" / "findings.parquet")
    assert ff["severity"].cat.ordered


def test_tab_and_carriage_return_cells(tmp_path: Path) -> None:
    df = pd.DataFrame({"pair_id": pd.Series(["\tTAB", "\rCR", "plain", None], dtype="string"),
                       "n": [1, 2, 3, 4]})
    write_exports({"documents": df}, csv=str(tmp_path / "c"), xlsx=str(tmp_path / "x.xlsx"))
    rows = _read_csv(tmp_path / "c" / "documents.csv")
    assert [r[0] for r in rows[1:]] == ["'\tTAB", "'\rCR", "plain", ""]
    ws = load_workbook(tmp_path / "x.xlsx")["documents"]
    assert [ws.cell(r, 1).quotePrefix for r in (2, 3, 4)] == [True, True, False]
    assert ws.cell(2, 1).value == "\tTAB" and ws.cell(5, 1).value is None


def test_bad_export_paths_are_input_errors(tmp_path: Path) -> None:
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    cases = [
        ({"xlsx": str(tmp_path)}, "is a folder"),
        ({"xlsx": str(tmp_path / "out.csv")}, "must end in .xlsx"),
        ({"csv": str(a_file)}, "is not a folder"),
        ({"parquet": str(a_file / "sub")}, "is not a folder"),
        ({"xlsx": str(a_file / "r.xlsx")}, "is not a folder"),
    ]
    for kwargs, words in cases:
        with pytest.raises(InputError, match=words):
            exports.check_export_paths(**kwargs)


def test_cli_exports_build_tables_only_when_asked(tmp_path: Path) -> None:
    """No export flag: the source is never read (a batch's results are not loaded for nothing)."""
    import argparse

    from evaluator.cli.common import write_exports as cli_write_exports

    missing = tmp_path / "no-such-batch"
    args = argparse.Namespace(csv=None, xlsx=None, parquet=None, argv=["batch"])
    assert cli_write_exports(missing, args) == []
    args.csv = str(tmp_path / "csv")
    with pytest.raises(InputError, match="not found"):
        cli_write_exports(missing, args)
    assert not (tmp_path / "csv").exists()


@pytest.mark.parametrize("flag,where,words", [
    ("--xlsx", ".", "is a folder"),
    ("--xlsx", "out.csv", "must end in .xlsx"),
    ("--csv", "file.txt", "exists and is not a folder"),
    ("--parquet", "file.txt/pq", "is not a folder"),
])
def test_bad_export_path_exits_2_with_one_line_before_any_model(flag: str, where: str, words: str,
                                                                 tmp_path: Path, capsys: Any) -> None:
    (tmp_path / "file.txt").write_text("x")
    target = str(tmp_path / where)
    code = main(["compare", str(EXAMPLE / "original.txt"), str(EXAMPLE / "rewritten.txt"), "--out",
                 str(tmp_path / "reports"), flag, target])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("evaluator: error: ") and words in err and flag in err
    assert not (tmp_path / "reports").exists()


# ------------------------------------------------------------------------------------- the CLIs

@pytest.mark.slow
def test_compare_cli_writes_every_export_of_the_example(tmp_path: Path) -> None:
    """The real command in a subprocess, on the example pair copied under hostile file names."""
    folder = tmp_path / "=HYPERLINK(\"http:evil\")"
    folder.mkdir()
    original, rewritten = folder / "=cmd|' calc'!A0.txt", folder / "@rewritten.txt"
    shutil.copy(EXAMPLE / "original.txt", original)
    shutil.copy(EXAMPLE / "rewritten.txt", rewritten)
    out = tmp_path / "out"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    proc = subprocess.run(  # relative names, so the paths in the report start with = and @
        [sys.executable, "-m", "evaluator", "compare", original.name, rewritten.name, "--out", str(out),
         "--no-html", "--csv", str(out / "csv"), "--xlsx", str(out / "review.xlsx"), "--parquet", str(out / "pq")],
        capture_output=True, text=True, timeout=600, env=env, cwd=folder)
    assert proc.returncode == 0, proc.stderr
    assert "review.xlsx" in proc.stdout and "findings.csv" in proc.stdout
    data = json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))
    assert len(data["findings"]) >= 10
    findings_csv = _read_csv(out / "csv" / "findings.csv")
    assert len(findings_csv) - 1 == len(data["findings"])
    header = findings_csv[0]
    assert [r[header.index("code")] for r in findings_csv[1:]] == [f["code"] for f in data["findings"]]
    pairs_csv = _read_csv(out / "csv" / "pairs.csv")
    assert len(pairs_csv) - 1 == len(data["alignment"])
    docs = _read_csv(out / "csv" / "documents.csv")
    assert docs[1][docs[0].index("original_path")] == "'" + original.name
    assert docs[1][docs[0].index("rewritten_path")] == "'" + rewritten.name
    wb = load_workbook(out / "review.xlsx")
    assert wb.sheetnames == ["findings", "pairs", "documents", "about"]
    assert wb["findings"].max_row == len(data["findings"]) + 1
    pq = pd.read_parquet(out / "pq" / "findings.parquet")
    pd.testing.assert_frame_equal(pq, frames.findings_frame(data))
    about = {r[0].value: r[1] for r in wb["about"].iter_rows()}
    assert about["original"].value == original.name and about["original"].quotePrefix
    # named after the files: "=cmd|' calc'!A0-vs-@rewritten", a formula to a spreadsheet, kept as text
    assert about["report"].value == f"{original.stem}-vs-{rewritten.stem}" and about["report"].quotePrefix
    docs_ws = wb["documents"]
    path_cell = docs_ws.cell(2, [c.value for c in docs_ws[1]].index("original_path") + 1)
    assert path_cell.value == original.name and path_cell.quotePrefix and path_cell.data_type == "s"
    for name, xml in _sheet_xml(out / "review.xlsx").items():
        assert "<f>" not in xml and "<f " not in xml, name


@pytest.mark.slow
def test_score_cli_exports_across_systems(resources: Any, tmp_path: Path, capsys: Any) -> None:
    ref = tmp_path / "ref.txt"
    ref.write_text("The minister visited Seoul on Monday.\nSales rose 10 percent.\n", encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text("The minister visited Seoul on Monday.\nSales rose 10 per cent.\n", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_text("The minister visited Busan on Monday.\nSales rose 12 percent.\n", encoding="utf-8")
    out = tmp_path / "x"
    code = main(["score", "--ref", str(ref), "--hyp", f"good={good}", "--hyp", f"+cmd={bad}", "--json",
                 str(out / "s.json"), "--csv", str(out / "csv"), "--xlsx", str(out / "s.xlsx"), "--parquet",
                 str(out / "pq"), "--quiet"])
    assert code == 0, capsys.readouterr().err
    data = json.loads((out / "s.json").read_text(encoding="utf-8"))
    systems = _read_csv(out / "csv" / "systems.csv")
    assert [r[0] for r in systems[1:]] == ["good", "'+cmd"]  # a system name is user text too
    pairs = _read_csv(out / "csv" / "pairs.csv")
    assert [r[:2] for r in pairs[1:]] == [["good", "0"], ["good", "1"], ["'+cmd", "0"], ["'+cmd", "1"]]
    wb = load_workbook(out / "s.xlsx")
    assert wb.sheetnames == ["findings", "pairs", "systems", "about"]
    cell = wb["systems"]["A3"]
    assert cell.value == "+cmd" and cell.quotePrefix and cell.data_type == "s"
    ff = pd.read_parquet(out / "pq" / "findings.parquet")
    assert (ff["system"] == "+cmd").sum() == data["systems"]["+cmd"]["findings"]["total"] > 0


@pytest.mark.slow
def test_batch_cli_exports_with_hostile_pair_ids(resources: Any, tmp_path: Path, capsys: Any) -> None:
    pairs = tmp_path / "pairs"
    hostile = "=cmd|' -C calc'!A0"  # a folder name: no slash
    for pid, o, r in ((hostile, "Sales rose 10 percent in May.", "Sales rose 12 percent in May."),
                      ("@second", "The court met on Tuesday.", "The court met on Tuesday.")):
        (pairs / pid).mkdir(parents=True)
        (pairs / pid / "original.txt").write_text(o, encoding="utf-8")
        (pairs / pid / "rewritten.txt").write_text(r, encoding="utf-8")
    out = tmp_path / "out"
    code = main(["batch", str(pairs), "--out", str(out), "--csv", str(out / "csv"), "--xlsx",
                 str(out / "b.xlsx"), "--parquet", str(out / "pq"), "--progress", "none"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "b.xlsx" in captured.out
    docs = _read_csv(out / "csv" / "documents.csv")
    assert sorted(r[0] for r in docs[1:]) == sorted(["'" + hostile, "'@second"])
    findings = _read_csv(out / "csv" / "findings.csv")
    assert findings[0][0] == "pair_id" and {r[0] for r in findings[1:]} == {"'" + hostile}
    wb = load_workbook(out / "b.xlsx")
    assert wb.sheetnames == ["findings", "pairs", "documents", "about"]
    ids = [wb["documents"].cell(r, 1) for r in (2, 3)]
    assert sorted(c.value for c in ids) == sorted([hostile, "@second"]) and all(c.quotePrefix for c in ids)
    for name, xml in _sheet_xml(out / "b.xlsx").items():
        assert "<f>" not in xml and "<f " not in xml, name
    pq = pd.read_parquet(out / "pq" / "pairs.parquet")
    assert set(pq["pair_id"]) == {hostile, "@second"}
    pd.testing.assert_frame_equal(pq, evaluator.load_results(out).pairs_frame())


# --------------------------------------------------------------------------- a real spreadsheet

# LibreOffice's CSV filter: comma, double quote, UTF-8, from line 1, values not as shown, every sheet (-1).
LO_CSV = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def _soffice(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(shutil.which("soffice")), f"-env:UserInstallation={profile.as_uri()}",
                           "--headless", "--norestore", *args], capture_output=True, text=True, timeout=120)


def _lo_number(text: str) -> float:
    return float(text[:-1]) / 100 if text.endswith("%") else float(text)


@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="needs LibreOffice: apt-get install libreoffice-calc-nogui")
def test_libreoffice_reads_the_xlsx_as_text_numbers_and_booleans(tmp_path: Path) -> None:
    """LibreOffice Calc opens every sheet, evaluates nothing and agrees with our CSV cell for cell."""
    hostile = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "  =1+1", "'quoted",
               "<script>alert(1)</script>", "\u202eevil\u202c", "Fans \U0001F389\U0001F1F0\U0001F1F7",
               "x" * 40000, "\U0001F600" * 20000, "0012", "TRUE", "2023-01-05", "3,4", ""]
    n = len(hostile)
    findings = pd.DataFrame({
        "finding": pd.Series(range(n), dtype="int64"),
        "severity": pd.Categorical([("critical", "major", "minor", "info")[i % 4] for i in range(n)],
                                   categories=["info", "minor", "major", "critical"], ordered=True),
        "message": pd.Series(hostile, dtype="string"),
        "original_text": pd.Series([None, *hostile[:-1]], dtype="string"),
        "original_start": pd.array([i if i % 3 else None for i in range(n)], dtype="Int64"),
        "similarity": [float("nan") if i == 2 else i / 7 for i in range(n)],
        "waived": [i % 2 == 0 for i in range(n)],
    })
    documents = pd.DataFrame({
        "original_path": pd.Series(["=cmd|' /C calc'!A0.txt"], dtype="string"),
        "bleu": [47.587331], "coverage_original": [0.265306],
        "partial_original": pd.array([True], dtype="boolean"), "findings": pd.array([n], dtype="Int64")})
    tables = {"findings": findings, "documents": documents}
    write_exports(tables, csv=str(tmp_path / "csv"), xlsx=str(tmp_path / "r.xlsx"), about={"command": "=1+1"})
    profile = tmp_path / "profile"
    proc = _soffice(profile, "--convert-to", LO_CSV, "--outdir", str(tmp_path / "lo"), str(tmp_path / "r.xlsx"))
    assert proc.returncode == 0 and "error" not in proc.stderr.lower(), proc.stderr
    for name, df in tables.items():
        lo = list(csv.reader(io.StringIO((tmp_path / "lo" / f"r-{name}.csv").read_text("utf-8"), newline="")))
        ours = _read_csv(tmp_path / "csv" / f"{name}.csv")
        assert lo[0] == exports.sheet_columns(name, list(df.columns)) and len(lo) == len(ours) == len(df) + 1
        text_cols = set(_text_columns(df))
        for r in range(1, len(lo)):
            for c, mine in zip(ours[0], ours[r], strict=True):
                cell = lo[r][lo[0].index(c)]
                if c in text_cols:  # text comes back as text: nothing evaluated, no quote shown
                    assert cell == xlsx_text(unneutralise(mine)), (name, c, r, cell[:40])
                elif df[c].dtype in ("bool", "boolean"):
                    assert cell == mine.upper(), (name, c, r)
                elif mine == "":
                    assert cell == "", (name, c, r)
                else:  # a number, to LibreOffice's 15 digits
                    assert _lo_number(cell) == pytest.approx(float(mine), rel=1e-14), (name, c, r)
            assert all(lo[r][lo[0].index(c)] == "" for c in TRIAGE_COLUMNS if c in lo[0])
    about = list(csv.reader(io.StringIO((tmp_path / "lo" / "r-about.csv").read_text("utf-8"), newline="")))
    assert ["command", "=1+1"] in about
    # The only formulas LibreOffice holds are its own TRUE() / FALSE() for the boolean cells.
    proc = _soffice(profile, "--convert-to", "fods", "--outdir", str(tmp_path / "lo"), str(tmp_path / "r.xlsx"))
    assert proc.returncode == 0, proc.stderr
    formulas = re.findall(r'table:formula="([^"]*)"', (tmp_path / "lo" / "r.fods").read_text("utf-8"))
    assert sorted(formulas) == sorted(["of:=TRUE()"] * ((n + 1) // 2 + 1) + ["of:=FALSE()"] * (n // 2))
