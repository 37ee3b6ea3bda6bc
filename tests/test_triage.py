"""`evaluator triage`: reviewed XLSX -> waivers -> `evaluator gate --waivers` waives exactly the accepted findings."""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from evaluator.cli import main
from evaluator.waivers import Waiver, load_waivers, write_waivers

from .test_exports import HOSTILE_ORIGINAL, HOSTILE_REWRITTEN

TODAY = "2026-03-01"


@pytest.fixture(scope="module")
def exported(resources: Any, tmp_path_factory: Any) -> dict[str, Any]:
    """One in-process `compare --xlsx` run on a pair with hostile text in its evidence."""
    tmp = tmp_path_factory.mktemp("triage")
    (tmp / "original.txt").write_text(HOSTILE_ORIGINAL, encoding="utf-8")
    (tmp / "rewritten.txt").write_text(HOSTILE_REWRITTEN, encoding="utf-8")
    code = main(["compare", str(tmp / "original.txt"), str(tmp / "rewritten.txt"), "--out", str(tmp),
                 "--name", "r", "--no-html", "--xlsx", str(tmp / "review.xlsx"), "--quiet"])
    assert code == 0
    return {"xlsx": tmp / "review.xlsx", "json": tmp / "r.json",
            "data": json.loads((tmp / "r.json").read_text(encoding="utf-8"))}


class Sheet:
    """The findings sheet of a copy of the exported workbook, to fill in as a reviewer would."""

    def __init__(self, src: Path, dst: Path) -> None:
        shutil.copy(src, dst)
        self.path = dst
        self.wb = load_workbook(dst)
        self.ws = self.wb["findings"]
        self.header = [c.value for c in self.ws[1]]

    def col(self, name: str) -> int:
        return self.header.index(name) + 1

    def get(self, row: int, name: str) -> Any:
        return self.ws.cell(row, self.col(name)).value

    def set(self, row: int, name: str, value: Any) -> None:
        self.ws.cell(row, self.col(name)).value = value

    def key(self, row: int) -> tuple[Any, ...]:
        return tuple(self.get(row, c) for c in ("check", "code", "original_text", "rewritten_text"))

    @property
    def rows(self) -> range:
        return range(2, self.ws.max_row + 1)

    def save(self) -> Path:
        self.wb.save(self.path)
        return self.path


def triage(xlsx: Path, out: Path, *extra: str) -> int:
    return main(["triage", str(xlsx), "--out", str(out), "--today", TODAY, *extra])


def one_error_line(capsys: Any) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("evaluator: error: "), err
    return err


@pytest.mark.slow
def test_round_trip_waives_exactly_the_accepted_findings(exported: dict[str, Any], tmp_path: Path,
                                                         capsys: Any) -> None:
    data = exported["data"]
    sheet = Sheet(exported["xlsx"], tmp_path / "filled.xlsx")
    keys = [sheet.key(r) for r in sheet.rows]
    unique = [r for r in sheet.rows if keys.count(sheet.key(r)) == 1]
    assert len(unique) >= 5, "the fixture pair should give several distinct findings"
    hostile = [r for r in unique if str(sheet.get(r, "original_text") or "").startswith("=")
               or str(sheet.get(r, "rewritten_text") or "").startswith(("@", "-", "+"))]
    assert hostile, "a finding with formula-like evidence is part of the round trip"
    accepted = sorted({hostile[0], *unique[0::3]})
    rejected = [r for r in unique if r not in accepted][:2]
    for r in accepted:
        sheet.set(r, "reviewer verdict", "accepted" if r % 2 else "Accepted ")  # as typed, case and blanks
        sheet.set(r, "reason", f"house style, row {r}")
    for r in rejected:
        sheet.set(r, "reviewer verdict", "rejected")
    sheet.set(accepted[0], "expires", dt.date(2026, 9, 30))
    sheet.save()

    waivers_path = tmp_path / "waivers.toml"
    assert triage(sheet.path, waivers_path, "--reviewer", "A. Reviewer") == 0
    out = capsys.readouterr()
    assert f"{len(accepted)} accepted, {len(rejected)} rejected" in out.out
    waivers = load_waivers(waivers_path)
    assert len(waivers) == len(accepted)
    assert waivers[0].expires == dt.date(2026, 9, 30)
    assert all(w.expires == dt.date(2027, 3, 1) for w in waivers[1:])  # a year from --today
    assert all("(accepted by A. Reviewer on 2026-03-01)" in w.reason for w in waivers)

    accepted_findings = {int(sheet.get(r, "finding")) for r in accepted}
    n_total = len(data["findings"])
    remaining = n_total - len(accepted)
    cfg = tmp_path / "gate.toml"
    cfg.write_text(f"[gate.max_findings]\ntotal = {remaining}\n", encoding="utf-8")
    gated = tmp_path / "gated.json"
    assert main(["gate", str(cfg), str(exported["json"]), "--waivers", str(waivers_path), "--json", str(gated),
                 "--today", TODAY, "--quiet"]) == 0
    result = json.loads(gated.read_text(encoding="utf-8"))
    waived = {i for i, f in enumerate(result["findings"]) if f.get("waived")}
    assert waived == accepted_findings
    assert result["gate"]["waivers"]["applied"] == len(accepted)
    # One fewer allowed: the unaccepted findings still count, so the gate fails.
    cfg.write_text(f"[gate.max_findings]\ntotal = {remaining - 1}\n", encoding="utf-8")
    assert main(["gate", str(cfg), str(exported["json"]), "--waivers", str(waivers_path), "--today", TODAY,
                 "--quiet"]) == 1


@pytest.mark.slow
@pytest.mark.parametrize("verdict", ["maybe", 1, "accept"])
def test_an_unknown_verdict_exits_2_naming_the_row(exported: dict[str, Any], tmp_path: Path, capsys: Any,
                                                   verdict: Any) -> None:
    sheet = Sheet(exported["xlsx"], tmp_path / "f.xlsx")
    sheet.set(2, "reviewer verdict", "rejected")
    sheet.set(3, "reviewer verdict", verdict)
    sheet.save()
    assert triage(sheet.path, tmp_path / "w.toml") == 2
    err = one_error_line(capsys)
    assert "sheet 'findings' row 3" in err and repr(verdict) in err
    assert not (tmp_path / "w.toml").exists()


@pytest.mark.slow
def test_accepted_needs_a_reason(exported: dict[str, Any], tmp_path: Path, capsys: Any) -> None:
    sheet = Sheet(exported["xlsx"], tmp_path / "f.xlsx")
    sheet.set(4, "reviewer verdict", "accepted")
    sheet.save()
    assert triage(sheet.path, tmp_path / "w.toml") == 2
    err = one_error_line(capsys)
    assert "row 4: accepted without a reason" in err


@pytest.mark.slow
def test_comment_column_and_bad_dates(exported: dict[str, Any], tmp_path: Path, capsys: Any) -> None:
    sheet = Sheet(exported["xlsx"], tmp_path / "f.xlsx")
    sheet.ws.cell(1, sheet.col("reason")).value = "comment"
    sheet.header = [c.value for c in sheet.ws[1]]
    sheet.set(2, "reviewer verdict", "accepted")
    sheet.set(2, "comment", "known rewording")
    sheet.save()
    assert triage(sheet.path, tmp_path / "w.toml") == 0
    assert [w.reason for w in load_waivers(tmp_path / "w.toml")] == ["known rewording"]
    capsys.readouterr()
    for value, words in (("soon", "expires 'soon' is not a date"), ("2020-01-01", "before today")):
        sheet.set(2, "expires", value)
        sheet.save()
        assert triage(sheet.path, tmp_path / "w2.toml") == 2
        err = one_error_line(capsys)
        assert "row 2" in err and words in err


@pytest.mark.slow
def test_same_evidence_accepted_and_rejected_is_refused(exported: dict[str, Any], tmp_path: Path,
                                                        capsys: Any) -> None:
    sheet = Sheet(exported["xlsx"], tmp_path / "f.xlsx")
    # Two findings with the same check, code and evidence (as in two pairs of a batch).
    for name in ("check", "code", "original_text", "rewritten_text"):
        sheet.set(5, name, sheet.get(2, name))
    sheet.set(2, "reviewer verdict", "accepted")
    sheet.set(2, "reason", "fine")
    sheet.set(5, "reviewer verdict", "rejected")
    sheet.save()
    assert triage(sheet.path, tmp_path / "w.toml") == 2
    err = one_error_line(capsys)
    assert "rows 2 (accepted) and 5 (rejected)" in err
    # Left unreviewed, the other finding is covered too: a warning says so.
    sheet.set(5, "reviewer verdict", None)
    sheet.save()
    assert triage(sheet.path, tmp_path / "w.toml") == 0
    err = capsys.readouterr().err
    assert "the waiver for row 2 also covers row 5" in err
    assert len(load_waivers(tmp_path / "w.toml")) == 1


@pytest.mark.slow
def test_an_existing_waiver_file_is_extended(exported: dict[str, Any], tmp_path: Path, capsys: Any) -> None:
    sheet = Sheet(exported["xlsx"], tmp_path / "f.xlsx")
    sheet.set(2, "reviewer verdict", "accepted")
    sheet.set(2, "reason", "ok")
    sheet.set(3, "reviewer verdict", "rejected")
    sheet.save()
    rejected_key = sheet.key(3)
    old = [Waiver(check="numbers", code="number-changed", reason="older", expires=dt.date(2030, 1, 1),
                  original="unrelated 7"),
           Waiver(check=rejected_key[0], code=rejected_key[1], reason="was accepted once",
                  expires=dt.date(2030, 1, 1), original=rejected_key[2], rewritten=rejected_key[3])]
    out = tmp_path / "w.toml"
    write_waivers(out, old)
    assert triage(sheet.path, out) == 0
    captured = capsys.readouterr()
    assert "now marked rejected" in captured.err and "1 kept from before, 1 dropped" in captured.out
    assert [w.reason for w in load_waivers(out)] == ["older", "ok"]
    assert triage(sheet.path, out, "--replace") == 0
    assert [w.reason for w in load_waivers(out)] == ["ok"]


def test_unreadable_workbooks_exit_2(tmp_path: Path, capsys: Any) -> None:
    fake = tmp_path / "f.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    assert triage(fake, tmp_path / "w.toml") == 2
    assert "not a readable .xlsx workbook" in one_error_line(capsys)
    assert triage(tmp_path / "missing.xlsx", tmp_path / "w.toml") == 2
    assert "not found" in one_error_line(capsys)
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["a", "b"])
    wb.save(tmp_path / "other.xlsx")
    assert triage(tmp_path / "other.xlsx", tmp_path / "w.toml") == 2
    assert "no findings sheet" in one_error_line(capsys)
    assert triage(tmp_path / "other.xlsx", tmp_path / "w.toml", "--sheet", "nope") == 2
    assert "no sheet 'nope'" in one_error_line(capsys)
    wb = Workbook()
    wb.active.title = "findings"
    wb.active.append(["check", "code", "reviewer verdict"])
    wb.save(tmp_path / "partial.xlsx")
    assert triage(tmp_path / "partial.xlsx", tmp_path / "w.toml") == 2
    assert "no 'original_text', 'rewritten_text' column" in one_error_line(capsys)


def test_a_damaged_sheet_a_doubled_column_or_out_on_the_workbook_exit_2(tmp_path: Path, capsys: Any) -> None:
    """A sheet cut in half (read row by row: it failed as an internal error, exit 3), a second "reviewer
    verdict" column (it silently replaced the first) and --out on the workbook itself (it overwrote the
    review with TOML) are one line and exit 2, and nothing is written."""
    import zipfile

    from openpyxl import Workbook

    header = ["check", "code", "original_text", "rewritten_text", "reviewer verdict", "reason"]
    wb = Workbook()
    wb.active.title = "findings"
    wb.active.append(header)
    wb.active.append(["numbers", "number-changed", "12", "13", "accepted", "a known typo"])
    wb.save(tmp_path / "good.xlsx")
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(tmp_path / "good.xlsx") as src, zipfile.ZipFile(damaged, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, data[: len(data) // 2] if item.filename == "xl/worksheets/sheet1.xml" else data)
    assert triage(damaged, tmp_path / "w.toml") == 2
    assert "not a readable .xlsx workbook" in one_error_line(capsys)
    wb.active.cell(1, len(header) + 1).value = "Reviewer verdict"
    wb.save(tmp_path / "doubled.xlsx")
    assert triage(tmp_path / "doubled.xlsx", tmp_path / "w.toml") == 2
    assert "two 'Reviewer verdict' columns" in one_error_line(capsys)
    before = (tmp_path / "good.xlsx").read_bytes()
    assert triage(tmp_path / "good.xlsx", tmp_path / "good.xlsx", "--replace") == 2
    assert "the input" in one_error_line(capsys)
    assert (tmp_path / "good.xlsx").read_bytes() == before and not (tmp_path / "w.toml").exists()


def test_every_accepted_row_is_checked_and_a_differing_repeat_is_said(tmp_path: Path, capsys: Any) -> None:
    """Two rows accepting one finding (e.g. two systems): the second's past expiry is refused whatever
    the order, and a second reason is named in a warning, not dropped in silence."""
    from openpyxl import Workbook

    def sheet(rows: list[list[Any]]) -> Path:
        wb = Workbook()
        wb.active.title = "findings"
        wb.active.append(["check", "code", "original_text", "rewritten_text", "reviewer verdict", "reason",
                          "expires"])
        for r in rows:
            wb.active.append(r)
        path = tmp_path / f"s{len(list(tmp_path.iterdir()))}.xlsx"
        wb.save(path)
        return path

    a = ["numbers", "number-changed", "12", "13", "accepted", "reason A", "2027-01-01"]
    b = ["numbers", "number-changed", "12", "13", "accepted", "reason B", "2020-01-01"]
    for rows in ([a, b], [b, a]):
        assert triage(sheet(rows), tmp_path / "w.toml") == 2
        assert "expires 2020-01-01, which is before today" in one_error_line(capsys)
    b[-1] = "2027-06-01"
    assert triage(sheet([a, b]), tmp_path / "w.toml") == 0
    assert "row 3 accepts the same finding as row 2 with another reason or expiry" in capsys.readouterr().err
    (w,) = load_waivers(tmp_path / "w.toml")
    assert w.reason == "reason A"


def test_triage_is_a_command(capsys: Any) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["triage", "--help"])
    assert exc.value.code == 0
    assert "reviewer verdict" in capsys.readouterr().out


def test_a_workbook_without_verdicts_writes_nothing_and_says_so(exported: dict[str, Any], tmp_path: Path,
                                                                capsys: Any) -> None:
    """The export before its review ("0 accepted, 0 rejected, 64 not reviewed") wrote an empty waiver
    file over the existing one, exit 0, without a word: now a warning, and nothing is written."""
    out = tmp_path / "w.toml"
    assert triage(exported["xlsx"], out) == 0
    err = capsys.readouterr().err
    assert "no verdicts are filled in" in err and "nothing written" in err and err.count("\n") == 1
    assert not out.exists()
    old = [Waiver(check="numbers", code="number-changed", reason="older", expires=dt.date(2030, 1, 1),
                  original="unrelated 7")]
    write_waivers(out, old)
    before = out.read_bytes()
    for extra in ((), ("--replace",)):
        assert triage(exported["xlsx"], out, *extra) == 0
        err = capsys.readouterr().err
        assert "no verdicts are filled in" in err and f"{out} left as it was" in err
        assert out.read_bytes() == before
