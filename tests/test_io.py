"""Reading documents: encodings, newlines and one-line errors that name the file."""
from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from evaluator.errors import DocumentError, InputError
from evaluator.io import LoadedText, read_document, read_lines, read_text

DATA = Path(__file__).parent / "data" / "io"

TEXT = "Mr. Blinken said “we will go” — déjà vu.\nSecond line.\n"

# (file name, raw bytes, expected text, expected encoding, markdown)
GOOD = [
    ("plain.txt", TEXT.encode("utf-8"), TEXT, "utf-8", False),
    ("bom.txt", codecs.BOM_UTF8 + TEXT.encode("utf-8"), TEXT, "utf-8", False),
    ("le.txt", codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), TEXT, "utf-16-le", False),
    ("be.txt", codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), TEXT, "utf-16-be", False),
    ("u32.txt", codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"), TEXT, "utf-32-le", False),
    ("crlf.txt", TEXT.replace("\n", "\r\n").encode("utf-8"), TEXT, "utf-8", False),
    ("mixed.txt", b"one\r\ntwo\rthree\nfour", "one\ntwo\nthree\nfour", "utf-8", False),
    ("crlf16.txt", codecs.BOM_UTF16_LE + "a\r\nb\r\n".encode("utf-16-le"), "a\nb\n", "utf-16-le", False),
    ("notes.md", b"# Title\r\n\r\nBody.", "# Title\n\nBody.", "utf-8", True),
    ("NOTES.MARKDOWN", b"# Title", "# Title", "utf-8", True),
    ("noext", b"Just text.", "Just text.", "utf-8", False),
    ("tabs.txt", b"a\tb\x0cc.", "a\tb\x0cc.", "utf-8", False),
    ("nel.txt", "one\u0085two".encode("utf-8"), "one\u0085two", "utf-8", False),  # one stray control: text
]


@pytest.mark.parametrize("name, raw, text, encoding, markdown", GOOD, ids=[g[0] for g in GOOD])
def test_read_document_decodes(tmp_path: Path, name: str, raw: bytes, text: str, encoding: str,
                               markdown: bool) -> None:
    p = tmp_path / name
    p.write_bytes(raw)
    loaded = read_document(p)
    assert loaded == LoadedText(text=text, path=str(p), encoding=encoding, markdown=markdown)
    assert "\r" not in loaded.text and "\ufeff" not in loaded.text


# (file name, raw bytes, words the message must contain)
BAD = [
    ("empty.txt", b"", ["empty"]),
    ("blank.txt", b" \n\t\r\n  ", ["only whitespace"]),
    ("blank16.txt", codecs.BOM_UTF16_LE + " \n ".encode("utf-16-le"), ["only whitespace"]),
    ("bomonly.txt", codecs.BOM_UTF8, ["file is empty"]),
    ("nul.txt", b"text\x00more text", ["NUL", "offset 4"]),
    ("doc.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", ["PDF"]),
    ("pic.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ["PNG"]),
    ("article.docx", b"PK\x03\x04\x14\x00\x06\x00", ["ZIP", ".docx"]),
    ("ctrl.txt", b"ab\x01\x02\x03\x04cd\x05\x06\x07\x08 text", ["control characters"]),
    ("latin1.txt", "Café au lait.".encode("latin-1"), ["not valid UTF-8", "0xe9", "offset 3", "re-save as UTF-8"]),
    ("cp1252.txt", "He said \u201cyes\u201d.".encode("cp1252"), ["not valid UTF-8", "0x93", "offset 8"]),
    ("bad16.txt", codecs.BOM_UTF16_LE + b"a\x00\x00\xd8", ["UTF-16-LE", "byte-order mark"]),
]


@pytest.mark.parametrize("name, raw, words", BAD, ids=[b[0] for b in BAD])
def test_read_document_rejects(tmp_path: Path, name: str, raw: bytes, words: list[str]) -> None:
    p = tmp_path / name
    p.write_bytes(raw)
    with pytest.raises(DocumentError) as info:
        read_document(p)
    message = str(info.value)
    assert str(p) in message and "\n" not in message
    for word in words:
        assert word in message
    assert isinstance(info.value, InputError) and info.value.path == str(p)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match=r"nope\.txt: file not found$"):
        read_document(tmp_path / "nope.txt")
    with pytest.raises(DocumentError, match="is a directory"):
        read_document(tmp_path)


def test_too_large(tmp_path: Path) -> None:
    p = tmp_path / "big.txt"
    p.write_bytes(b"word " * (300 * 1024))  # 1.5 MB
    with pytest.raises(DocumentError) as info:
        read_document(p, max_bytes=1024 * 1024)
    assert str(info.value) == f"{p}: 1.5 MB exceeds the limit of 1 MB; raise it with --max-input-mb"
    assert read_document(p, max_bytes=2 * 1024 * 1024).text.startswith("word word")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path: Path) -> None:
    p = tmp_path / "secret.txt"
    p.write_text("secret")
    p.chmod(0)
    try:
        with pytest.raises(DocumentError, match="secret.txt: permission denied"):
            read_document(p)
    finally:
        p.chmod(0o600)


def test_unreadable_file_reported_when_open_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Runs as root too, where chmod cannot take read access away.
    p = tmp_path / "locked.txt"
    p.write_text("text")

    def deny(self: Path, *args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", deny)
    with pytest.raises(DocumentError, match="locked.txt: permission denied"):
        read_document(p)


READ_TEXT = [
    ("", "text is empty"),
    ("   \n\t", "only whitespace"),
    ("a\x00b", "NUL"),
    ("\ufeff", "text is empty"),
]


@pytest.mark.parametrize("text, words", READ_TEXT)
def test_read_text_rejects(text: str, words: str) -> None:
    with pytest.raises(DocumentError, match=words) as info:
        read_text(text, name="api-input")
    assert str(info.value).startswith("api-input: ")


def test_read_text_normalises() -> None:
    loaded = read_text("\ufeffa\r\nb\rc", name="x")
    assert loaded == LoadedText(text="a\nb\nc", path=None, encoding="unicode", markdown=False)
    assert read_text("# T", markdown=True).markdown


LINES = [
    (b"one\ntwo\n", ["one", "two"]),
    (b"one\ntwo", ["one", "two"]),
    (b"one\r\n\r\nthree\r\n", ["one", "", "three"]),
    (b"one\n\n\n", ["one", "", ""]),
    (b" padded \n", [" padded "]),
    (codecs.BOM_UTF16_LE + "a\r\n\r\nc\r\n".encode("utf-16-le"), ["a", "", "c"]),
    # a lone CR stays inside its line, as sacrebleu reads it: splitting there shifted every later line
    (b"one\rtwo\nthree\r\nfour\r", ["one\rtwo", "three", "four\r"]),
]


@pytest.mark.parametrize("raw, lines", LINES)
def test_read_lines(tmp_path: Path, raw: bytes, lines: list[str]) -> None:
    p = tmp_path / "set.txt"
    p.write_bytes(raw)
    assert read_lines(p) == lines


def test_a_document_still_reads_a_lone_cr_as_a_line_break(tmp_path: Path) -> None:
    p = tmp_path / "old-mac.txt"
    p.write_bytes(b"First paragraph.\r\rSecond one.\r\n")
    assert read_document(p).text == "First paragraph.\n\nSecond one.\n"


def test_read_lines_errors(tmp_path: Path) -> None:
    p = tmp_path / "set.txt"
    p.write_bytes(b"\n\n\n")
    with pytest.raises(DocumentError, match="set.txt: contains only whitespace"):
        read_lines(p)
    p.write_bytes("Caf\xe9".encode("latin-1"))
    with pytest.raises(DocumentError, match=r"not valid UTF-8 at line 1, column 4 \(byte 0xe9 at offset 3\)"):
        read_lines(p)


def test_fixture_files() -> None:
    """The committed fixtures: a UTF-16 markdown file with CRLF and a cp1252 file."""
    md = read_document(DATA / "utf16-crlf.md")
    assert md.encoding == "utf-16-le" and md.markdown
    assert md.text.startswith("# Talks in Seoul\n\n") and "\r" not in md.text
    with pytest.raises(DocumentError, match=r"windows-1252\.txt: not valid UTF-8 at line \d+, column \d+ \(byte 0x93 at offset \d+\)"):
        read_document(DATA / "windows-1252.txt")


@pytest.mark.parametrize("raw, where, guess", [
    # cp1252 curly quotes (0x80-0x9f): only Windows-1252 has text there
    ("Line one.\nHe said \u201cyes\u201d.\n".encode("cp1252"), "at line 2, column 9 (byte 0x93 at offset 18)",
     "it looks like Windows-1252 text: re-save as UTF-8"),
    # accented letters only: Windows-1252 and Latin-1 read them alike
    ("Le caf\xe9.\nUne na\xefve id\xe9e.\n".encode("latin-1"), "at line 1, column 7 (byte 0xe9 at offset 6)",
     "it looks like Windows-1252 or Latin-1 (ISO-8859-1) text"),
    # a multi-byte encoding decodes as cp1252 too, as long runs of symbols: no guess
    ("\u6771\u4eac\u306f\u5927\u304d\u3044\u3002".encode("shift_jis"), "at line 1, column 1 (byte 0x93 at offset 0)",
     None),
    # UTF-8 text before the bad byte: mixed encodings, which no re-save from one encoding mends
    ("na\u00efve\nab".encode("utf-8") + b"\xe9t\xe9", "at line 2, column 3 (byte 0xe9 at offset 9)", None),
])
def test_not_utf8_names_the_line_and_column_and_the_likely_encoding(tmp_path: Path, raw: bytes, where: str,
                                                                    guess: str | None) -> None:
    """The offset alone left the user counting bytes; a cp1252 file got no hint of what it is."""
    p = tmp_path / "set.txt"
    p.write_bytes(raw)
    for read in (read_document, read_lines):
        with pytest.raises(DocumentError) as info:
            read(p)
        message = str(info.value)
        assert f"not valid UTF-8 {where}" in message, message
        if guess is not None:
            assert guess in message
        else:
            assert "looks like" not in message
    if raw.startswith(b"na"):
        assert "mixes encodings" in message
