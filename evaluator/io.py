"""Reading documents: encodings, newline normalisation and one-line errors for unusable files.

Accepted encodings are UTF-8 (with or without BOM), UTF-16 and UTF-32 with a BOM.  Text that is not
valid UTF-8 and carries no BOM is rejected with a clear message rather than guessed: a Latin-1 or
cp1252 file decodes "successfully" as either, so any guess would silently change quotes and dashes
(which the checks compare).  The one exception is UTF-16 without a BOM, which cannot be mistaken for
anything else (a NUL in one half of most code units): it is read, with a warning.  Newlines are normalised to ``"\\n"``; every offset downstream refers to
the normalised text held in ``LoadedText.text``.
"""
from __future__ import annotations

import codecs
import logging
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import DocumentError

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})

# Longest BOMs first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
)

# Magic numbers of formats people save an article in by mistake.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF file"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (a .docx/.odt/.xlsx is one)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office file"),
    (b"\x7fELF", "an executable"),
    (b"\x1f\x8b", "a gzip archive"),
)

# C0/C1 control characters other than the whitespace ones plain text legitimately contains.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_CONTROL_SAMPLE = 65536
_CONTROL_RATIO = 0.01


@dataclass(frozen=True)
class LoadedText:
    """A document's normalised text and where it came from."""

    text: str
    path: str | None
    encoding: str
    markdown: bool


def read_document(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES,
                  lines: bool = False, blank_ok: bool = False) -> LoadedText:
    """Read a .txt or .md document, or raise ``DocumentError`` naming the file and the problem.

    Newlines: CRLF and a lone CR become LF; with ``lines`` (a line-aligned test set) only CRLF does,
    and a lone CR stays inside its line, as sacrebleu reads such files (``newline="\\n"``): a stray CR
    must not split a segment in two and pair every later line with the wrong reference.

    ``blank_ok``: a text of only whitespace is read rather than refused (a system's output whose every
    line is empty is valid, if worthless, output to score; a document or a reference of only
    whitespace is an input error).
    """
    p = Path(path)
    data = _read_bytes(p, max_bytes)
    text, encoding = _decode(p, data)
    del data  # memory: the bytes, the text and one newline-normalised copy at most, never more
    text = text.replace("\r\n", "\n") if lines else normalise_newlines(text)
    _validate_text(p, text, blank_ok=blank_ok)
    markdown = p.suffix.lower() in MARKDOWN_SUFFIXES
    log.debug("read %s (%d chars, %s, markdown=%s)", p, len(text), encoding, markdown)
    return LoadedText(text=text, path=display_path(p), encoding=encoding, markdown=markdown)


def display_path(path: str | os.PathLike[str]) -> str:
    """A path as reports show it: a byte the file system's name holds that is not UTF-8 (Python hands
    it over as a lone surrogate, which no UTF-8 output can hold) is shown as U+FFFD."""
    return os.fsencode(path).decode("utf-8", "replace")


def read_text(text: str, *, name: str = "<text>", markdown: bool = False,
              max_bytes: int | None = None) -> LoadedText:
    """Wrap a string given through the Python API, with the same validation as a file.

    ``max_bytes``: the same size limit as for a file, on the text's UTF-8 size (None: no limit).
    """
    if not isinstance(text, str):
        raise DocumentError(name, f"expected a str, got {type(text).__name__}")
    if max_bytes is not None and len(text) > max_bytes // 4:  # shorter texts fit whatever they hold
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > max_bytes:
            raise _too_big(name, _mb(size), max_bytes)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text:
        raise DocumentError(name, "text is empty")
    if "\x00" in text:
        raise DocumentError(name, "text contains NUL characters; it looks like binary data, not text")
    text = normalise_newlines(text)
    _validate_text(name, text)
    return LoadedText(text=text, path=None, encoding="unicode", markdown=markdown)


def read_lines(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES,
               blank_ok: bool = False) -> list[str]:
    """Lines of a line-aligned test set (one segment per line; empty lines kept as "").

    ``blank_ok``: a file of only empty (or blank) lines is read (a system that output nothing on every
    line); without it, as for a reference, it is refused ("contains only whitespace")."""
    loaded = read_document(path, max_bytes=max_bytes, lines=True, blank_ok=blank_ok)
    lines = loaded.text.split("\n")
    # A final newline terminates the last line; it does not open another one.
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF (the same number of lines, shorter text)."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_bytes(p: Path, max_bytes: int) -> bytes:
    try:
        st = p.stat()
    except FileNotFoundError:
        raise DocumentError(p, "file not found") from None
    except PermissionError:
        raise DocumentError(p, "permission denied (cannot read the file)") from None
    except OSError as exc:
        raise DocumentError(p, f"cannot read the file ({exc.strerror or exc})") from None
    if p.is_dir():
        raise DocumentError(p, "is a directory, not a text file")
    if st.st_size > max_bytes:
        raise _too_big(p, _mb(st.st_size), max_bytes)
    try:
        with p.open("rb") as fh:
            # As much as stat() said plus one byte (read(n) allocates n bytes up front, so not the
            # limit); a file that grew since is read on, one byte past the limit at most.
            data = fh.read(min(st.st_size, max_bytes) + 1)
            if len(data) > st.st_size:
                data += fh.read(max_bytes + 1 - len(data))
    except PermissionError:
        raise DocumentError(p, "permission denied (cannot read the file)") from None
    except IsADirectoryError:
        raise DocumentError(p, "is a directory, not a text file") from None
    except OSError as exc:
        raise DocumentError(p, f"cannot read the file ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise _too_big(p, f"{_mb(len(data))}+", max_bytes)
    if not data:
        raise DocumentError(p, "file is empty")
    return data


def _decode(p: Path, data: bytes) -> tuple[str, str]:
    """Decode by BOM, else strict UTF-8; reject binary formats before trying (newlines as they are)."""
    for bom, name, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise DocumentError(
                    p, f"not valid {name.upper()} despite its byte-order mark (at byte offset {exc.start})"
                ) from None
            if name.startswith("utf-16") and _byte_swapped(text):
                other = "utf-16-be" if name == "utf-16-le" else "utf-16-le"
                raise DocumentError(
                    p, f"its byte-order mark says {name.upper()}, but the text is {other.upper()} (read as "
                       f"{name.upper()} it would be mojibake); re-save it as UTF-8")
            return text.lstrip("\ufeff"), name
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise DocumentError(p, f"looks like {what}, not plain text; convert it to .txt or .md first")
    nul = data.find(b"\x00")
    if nul >= 0:  # UTF-16 without a byte-order mark, or binary
        guessed = _utf16_without_bom(data)
        if guessed is not None:
            log.warning("%s: no byte-order mark, but the bytes are %s text: read as %s (re-save as UTF-8 "
                        "to silence this)", p, guessed[1].upper(), guessed[1].upper())
            return guessed[0], guessed[1]
        raise DocumentError(
            p, f"contains NUL bytes (first at offset {nul}); it looks like a binary file, not plain text"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(p, _not_utf8(data, exc.start)) from None
    return text, "utf-8"


def _not_utf8(data: bytes, start: int) -> str:
    """The message for bytes that are not UTF-8 from ``start`` on: where (line, column, byte offset) and,
    where the bytes read as it, the likely encoding.  A guess named in a message, never used to read."""
    line = data.count(b"\n", 0, start) + 1
    line_start = data.rfind(b"\n", 0, start) + 1
    column = len(data[line_start:start].decode("utf-8")) + 1  # in characters: valid UTF-8 up to ``start``
    where = f"not valid UTF-8 at line {line}, column {column} (byte 0x{data[start]:02x} at offset {start})"
    if any(b >= 0x80 for b in data[:start]):
        # UTF-8 text before it (non-ASCII characters read fine): a file of mixed encodings, which a
        # re-save from any single encoding would not mend.
        return f"{where}; the text before it holds UTF-8 non-ASCII characters, so the file mixes encodings: " \
               "fix the bytes from there on"
    guess = _likely_encoding(data)
    return f"{where}; " + (f"it looks like {guess}: " if guess else "") + "re-save as UTF-8"


def _likely_encoding(data: bytes) -> str | None:
    """"Windows-1252 (or Latin-1)" where ``data`` reads as Western European single-byte text: it
    decodes as cp1252 and each run of non-ASCII characters is short and made of letters, digits,
    punctuation or symbols (an accented letter, a curly quote, a dash), as in French, German or
    English text saved by an old Windows editor.  Multi-byte encodings (Shift-JIS, GBK, EUC-KR) decode
    as cp1252 too, but as long runs of accented capitals and symbols: no guess for them."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    runs = re.findall(r"[^\x00-\x7f]+", text)
    if not runs or any(len(run) > 2 for run in runs):
        return None
    if not all(unicodedata.category(ch)[0] in "LNPS" for run in runs for ch in run):
        return None
    # Without bytes 0x80-0x9f cp1252 and Latin-1 read the same; with them, only cp1252 has text there.
    c1 = any(0x80 <= b <= 0x9F for b in data)
    return "Windows-1252 text" if c1 else "Windows-1252 or Latin-1 (ISO-8859-1) text"


_SWAP_SAMPLE = 4096  # characters of a UTF-16 text looked at for a byte-order mark that contradicts it


def _byte_swapped(text: str) -> bool:
    """Whether UTF-16 ``text`` was decoded in the wrong byte order (a BOM that does not match the bytes).

    Read with the wrong order, every character below U+0100 (spaces, digits, Latin letters) becomes
    U+XX00: a CJK ideograph, a Hangul syllable or an unassigned code point.  Real text has few of those
    (U+4E00 "一" is one), so the text is taken as swapped when more than a quarter of its characters (at
    least 8) are U+XX00 with XX a printable ASCII character, and a space or a line break read swapped
    (U+2000, U+0A00) is among them: Latin text has spaces, CJK text with many "一" or "가" does not."""
    sample = text[:_SWAP_SAMPLE].lstrip("\ufeff")
    if not sample:
        return False
    swapped = sum(1 for ch in sample if ord(ch) >= 0x100 and not ord(ch) & 0xFF and 0x20 <= ord(ch) >> 8 <= 0x7E)
    spaced = "\u2000" in sample or "\u0a00" in sample
    return swapped >= 8 and swapped > len(sample) / 4 and spaced


def _too_big(where: str | os.PathLike[str], size_mb: str, max_bytes: int) -> DocumentError:
    return DocumentError(where, f"{size_mb} MB exceeds the limit of {_mb(max_bytes)} MB; raise it with --max-input-mb")


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """``(text, codec)`` when ``data`` (which has NUL bytes) is UTF-16 without a byte-order mark.

    UTF-16 puts a NUL byte in every code unit below U+0100 (spaces, digits, Latin letters), so
    such files are caught by the NUL check; binary data has NULs too.  A guess is accepted only
    when it decodes strictly (random bytes hit a lone surrogate within a few hundred bytes) to at
    least 16 characters of text: no U+0000, some whitespace, at most 1% unassigned, private-use or
    control characters.  Of the two byte orders, the one whose high bytes hold the NULs goes first.
    """
    if len(data) < 32 or len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    order = ("utf-16-le", "utf-16-be") if odd >= even else ("utf-16-be", "utf-16-le")
    for codec in order:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x00" in text or not any(ch.isspace() for ch in text):
            continue
        odd_chars = 0
        for ch in text:
            cat = unicodedata.category(ch)
            if cat in ("Cn", "Co", "Cs") or (cat == "Cc" and not ch.isspace()):
                odd_chars += 1
        if odd_chars <= len(text) / 100:
            return text, codec
    return None


def _validate_text(where: object, text: str, *, blank_ok: bool = False) -> None:
    if not text:
        raise DocumentError(where, "file is empty" if isinstance(where, Path) else "text is empty")
    if text.isspace() and not blank_ok:  # not text.strip(): no copy of a large text
        raise DocumentError(where, "contains only whitespace")
    if "\x00" in text:
        raise DocumentError(where, "contains NUL characters; it looks like binary data, not plain text")
    sample = text[:_CONTROL_SAMPLE]
    controls = len(_CONTROL_RE.findall(sample))
    # A share of the text, and more than a stray one or two (a one-line file with a single U+0085 is text)
    if controls > 2 and controls / len(sample) > _CONTROL_RATIO:
        raise DocumentError(
            where, f"{controls} control characters in the first {len(sample)}; it looks like binary data"
        )


def _mb(n: int) -> str:
    value = n / (1024 * 1024)
    return f"{value:.1f}".rstrip("0").rstrip(".") if value >= 0.1 else f"{value:.2g}"
