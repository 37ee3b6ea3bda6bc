"""Manifest formats (JSONL, CSV, folder; texts and paths) and their errors, with line numbers."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaluator.errors import ConfigError, DocumentError
from evaluator.manifest import read_manifest, safe_id


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def jsonl(*rows: object) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows)


def test_jsonl_texts_and_paths(tmp_path: Path) -> None:
    write(tmp_path / "docs" / "a.txt", "The cat sat.")
    write(tmp_path / "docs" / "b.md", "# Title\n\nThe dog sat.")
    m = write(tmp_path / "m.jsonl", jsonl(
        {"id": "t1", "original": "One.", "rewritten": "Two."},
        "",
        {"id": 7, "original_path": "docs/a.txt", "rewritten_path": "docs/b.md"},
        {"id": "mix", "original": "Inline.", "rewritten_path": "docs/a.txt"},
    ))
    specs = read_manifest(m)
    assert [s.id for s in specs] == ["t1", "7", "mix"]
    assert [s.line for s in specs] == [1, 3, 4]
    o, r = specs[0].load()
    assert (o.text, r.text) == ("One.", "Two.")
    o, r = specs[1].load()
    assert o.text == "The cat sat." and o.path == str((tmp_path / "docs" / "a.txt").resolve())
    assert r.markdown and not o.markdown
    o, r = specs[2].load()
    assert (o.text, r.text) == ("Inline.", "The cat sat.")


def test_csv_texts_paths_and_quoting(tmp_path: Path) -> None:
    write(tmp_path / "x.txt", "File text.")
    m = write(tmp_path / "m.csv", 'id,original,rewritten,original_path,rewritten_path\n'
                                  'a,"Hello, world.","Hi, world.",,\n'
                                  'b,,,x.txt,x.txt\n'
                                  'c,"Line one\nline two.",Short.,,\n')
    specs = read_manifest(m)
    assert [s.id for s in specs] == ["a", "b", "c"]
    assert specs[0].original == "Hello, world."
    assert specs[1].load()[1].text == "File text."
    assert specs[2].original == "Line one\nline two."


@pytest.mark.parametrize("layout", ["nested", "flat"])
def test_folder_layouts(tmp_path: Path, layout: str) -> None:
    for pid in ("p2", "p1"):
        if layout == "nested":
            write(tmp_path / pid / "original.txt", f"Original {pid}.")
            write(tmp_path / pid / "rewritten.md", f"Rewrite {pid}.")
        else:
            write(tmp_path / f"{pid}.original.txt", f"Original {pid}.")
            write(tmp_path / f"{pid}.rewritten.md", f"Rewrite {pid}.")
    (tmp_path / "out").mkdir()  # an output folder beside the pairs is not a pair
    specs = read_manifest(tmp_path)
    assert [s.id for s in specs] == ["p1", "p2"]
    o, r = specs[0].load()
    assert (o.text, r.text, r.markdown) == ("Original p1.", "Rewrite p1.", True)


ERRORS = [
    # (file name, content, expected line, the words the message starts with after "PATH:LINE: ")
    ("m.jsonl", jsonl({"id": "a", "original": "x", "rewritten": "y"}, '{"id": "b", "original": '), 2, "not valid JSON"),
    ("m.jsonl", jsonl({"id": "a", "original": "x", "rewritten": "y"}, "[1, 2]"), 2, "expected a JSON object"),
    ("m.jsonl", jsonl({"original": "x", "rewritten": "y"}), 1, "missing 'id'"),
    ("m.jsonl", jsonl({"id": "a", "original": "x"}), 1, "missing 'rewritten'"),
    ("m.jsonl", jsonl({"id": "a", "original": "x", "original_path": "f", "rewritten": "y"}), 1,
     "give either 'original' or 'original_path', not both"),
    ("m.jsonl", jsonl({"id": "a", "original": 3, "rewritten": "y"}), 1, "'original' must be a string"),
    ("m.jsonl", jsonl({"id": ["a"], "original": "x", "rewritten": "y"}), 1, "'id' must be"),
    ("m.jsonl", jsonl({"id": "a", "original": "x", "rewritten": "y"}, {"id": "b", "original": "x", "rewritten": "y"},
                      {"id": "a", "original": "z", "rewritten": "w"}), 3, "duplicate id 'a' (first on line 1)"),
    ("m.csv", "id,original\na,x\n", 2, "missing 'rewritten'"),
    ("m.csv", "id,original,rewritten\na,x,y\nb,x,y,extra\n", 3, "more fields"),
    ("m.csv", "id,original,rewritten\na,x,y\na,x,y\n", 3, "duplicate id"),
    # A multi-line record is named by the line where it starts (2), not where it ends (4).
    ("m.csv", 'id,original,rewritten\na,"x\n\ny",z,extra\n', 2, "more fields"),
    ("m.csv", 'id,original,rewritten\na,x,y\n\nb,"x\ny",z,extra\n', 4, "more fields"),
    ("u.csv", 'id,original,rewritten\na,One.,Two.\nb,"Never closed.,Two.\nc,One.,Two.\n', 3,
     "malformed CSV: a quoted field is never closed"),
    # a TSV that fails both as quoted and as plain text: the quoted reading's error
    ("t.tsv", 'id\toriginal\trewritten\na\t"One.\tTwo.\nb\tx\ty\tz\n', 2,
     "malformed CSV: a quoted field is never closed"),
    # A row with fewer fields than the header lacks the side: the manifest's error (an empty cell is the pair's).
    ("s.csv", "id,original,rewritten\na,One.\n", 2, "missing 'rewritten'"),
    ("n.csv", "id,rewritten\na,Two.\n", 2, "missing 'original'"),
    # A lone surrogate in an id cannot be written to results.jsonl: refused with its line.
    ("m.jsonl", jsonl({"id": "ok", "original": "x", "rewritten": "y"},
                      '{"id": "bad\\ud800", "original": "x", "rewritten": "y"}'), 2,
     "'id' is not valid Unicode text (a lone surrogate U+D800"),
    ("m.jsonl", "\n\n", None, "the manifest lists no pairs"),
    ("m.yaml", "id: a\n", None, "unknown manifest type"),
]


def test_plain_tsv_keeps_quotation_marks_as_text(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # Plain TSV has no quoting: a cell opening with a quotation mark is text ("text after the closing quote"
    # as CSV); read so, with a warning naming the line; nothing else of the file changes.
    m = write(tmp_path / "t.tsv", 'id\toriginal\trewritten\na\tOne.\tTwo.\n'
                                  'b\t"We will win," she said.\t"Never closed.\n')
    with caplog.at_level("WARNING"):
        specs = read_manifest(m)
    assert [(s.id, s.original, s.rewritten) for s in specs] == [
        ("a", "One.", "Two."), ("b", '"We will win," she said.', '"Never closed.')]
    assert "plain tab-separated" in caplog.text and "line 3" in caplog.text


def test_quoted_tsv_still_reads_quoted_fields(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    m = write(tmp_path / "q.tsv", 'id\toriginal\trewritten\na\t"One\tand\ntwo."\t"""Quoted,"" she said."\n')
    with caplog.at_level("WARNING"):
        (spec,) = read_manifest(m)
    assert (spec.original, spec.rewritten) == ("One\tand\ntwo.", '"Quoted," she said.')
    assert "plain tab-separated" not in caplog.text


@pytest.mark.parametrize(("name", "content", "line", "words"), ERRORS)
def test_manifest_errors(tmp_path: Path, name: str, content: str, line: int | None, words: str) -> None:
    m = write(tmp_path / name, content)
    with pytest.raises(ConfigError) as err:
        read_manifest(m)
    assert err.value.line == line
    assert words in str(err.value)
    assert str(err.value).startswith(f"{m}:{line}:" if line else f"{m}:")
    assert str(err.value).startswith(f"{m}:{line}: {words}" if line else f"{m}: {words}")
    assert err.value.exit_code == 2


def test_folder_errors(tmp_path: Path) -> None:
    write(tmp_path / "a" / "original.txt", "x")
    with pytest.raises(ConfigError, match="no rewritten"):
        read_manifest(tmp_path)
    flat = tmp_path / "flat"
    write(flat / "b.original.txt", "x")
    with pytest.raises(ConfigError, match="pair 'b' has no b.rewritten"):
        read_manifest(flat)
    with pytest.raises(ConfigError, match="manifest not found"):
        read_manifest(tmp_path / "missing.jsonl")


def test_pair_names_that_differ_only_in_non_utf8_bytes_are_refused(tmp_path: Path) -> None:
    """Names shown with U+FFFD must not pair two different files silently."""
    import os

    base = os.fsencode(tmp_path)
    Path(os.fsdecode(base + b"/a\xe9.original.txt")).write_text("x", encoding="utf-8")
    Path(os.fsdecode(base + b"/a\xe8.rewritten.txt")).write_text("y", encoding="utf-8")
    with pytest.raises(ConfigError, match="differ only in bytes that are not UTF-8"):
        read_manifest(tmp_path)
    Path(os.fsdecode(base + b"/a\xe8.rewritten.txt")).rename(os.fsdecode(base + b"/a\xe9.rewritten.txt"))
    (spec,) = read_manifest(tmp_path)
    assert spec.id == "a\ufffd"


def test_missing_document_is_a_pair_error_not_a_manifest_error(tmp_path: Path) -> None:
    m = write(tmp_path / "m.jsonl", jsonl({"id": "a", "original_path": "none.txt", "rewritten": "y"}))
    (spec,) = read_manifest(m)
    with pytest.raises(DocumentError, match="file not found"):
        spec.load()


def test_csv_written_by_the_csv_module_reads_back(tmp_path: Path) -> None:
    """Texts with line breaks str.splitlines knows but CSV does not (U+2028, NEL, form feed, vertical tab,
    U+2029) and real newlines (LF, CRLF) inside quoted fields come back exactly as written."""
    import csv

    texts = ["Line\u2028sep.", "Next\x85line.", "Form\ffeed.", "Vertical\x0btab.", "Para\u2029sep.",
             "Two\nlines.", "Windows\r\nlines."]
    m = tmp_path / "m.csv"
    with m.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "original", "rewritten"])
        for k, t in enumerate(texts):
            w.writerow([f"p{k}", t, "Plain."])
    specs = read_manifest(m)
    assert [s.original for s in specs] == texts
    assert [s.line for s in specs] == [2, 3, 4, 5, 6, 7, 9]  # where each record starts


def test_safe_id_gives_different_ids_different_files() -> None:
    """No two ids share a page, even where one id is what another becomes, where the file system ignores
    case, or on a Windows device name; plain lowercase ids keep their name."""
    tricky = ["a/b", safe_id("a/b"), "A", "a", "CON", "con", "nul.txt", "Nul", "x-0123abcd", "x", "a.", "a_",
              "p1", "P1", "é", "e", "a" * 81, "a" * 80]
    names = [safe_id(i) for i in tricky]
    assert len({n.casefold() for n in names}) == len(tricky), names
    assert safe_id("a") == "a" and safe_id("p1") == "p1" and safe_id("a" * 80) == "a" * 80
    assert safe_id("A").startswith("A-") and safe_id("con").startswith("con-") and safe_id("nul.txt") != "nul.txt"
    assert safe_id(safe_id("a/b")).startswith(safe_id("a/b") + "-")


@pytest.mark.parametrize(("pair_id", "expected"), [
    ("plain-id_1.2", "plain-id_1.2"),
    ("a/b", "a_b-"),
    ("../etc/passwd", "etc_passwd-"),
    ("<script>", "script-"),
    ("", "pair-"),
])
def test_safe_id(pair_id: str, expected: str) -> None:
    got = safe_id(pair_id)
    assert got.startswith(expected)
    assert "/" not in got and "<" not in got and not got.startswith(".")
    if expected.endswith("-"):
        assert len(got) == len(expected) + 8  # the hash keeps "a/b" and "a_b" apart
    assert safe_id("a/b") != safe_id("a_b")


def test_a_folder_that_is_one_pair_says_so(tmp_path: Path) -> None:
    """``read_manifest`` on what ``compare`` takes names the mistake (library callers as `evaluator batch`)."""
    one = tmp_path / "onepair"
    one.mkdir()
    (one / "original.txt").write_text("A.", encoding="utf-8")
    (one / "Rewritten.md").write_text("B.", encoding="utf-8")
    words = (f"{one}: this folder is one pair (original.txt/rewritten.txt); batch expects one sub-folder per "
             "pair — use `evaluator compare` for one pair")
    with pytest.raises(ConfigError) as exc:
        read_manifest(str(one))
    assert str(exc.value) == words
    (one / "half").mkdir()  # a malformed pair folder beside them: still the one-pair message
    (one / "half" / "original.txt").write_text("A.", encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        read_manifest(one)
    assert str(exc.value) == words
    # a folder of pairs that also has original.txt / rewritten.txt in it is read as a folder of pairs
    (one / "half" / "rewritten.txt").write_text("B.", encoding="utf-8")
    assert [s.id for s in read_manifest(one)] == ["half"]
    # and an empty folder is no one pair
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="the manifest lists no pairs"):
        read_manifest(tmp_path / "empty")
