"""Write output files atomically: a temporary file in the same folder, then ``os.replace``.

A crash or Ctrl-C never leaves a half-written report behind.
"""
from __future__ import annotations

import itertools
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any


def check_writable(flag: str, value: str | os.PathLike[str], *, folder: bool = False) -> None:
    """Refuse (``InputError``, exit 2) an output path that cannot be written, before any work: an empty
    path, a file where a folder is wanted or the reverse, or a path under a file or an unwritable
    folder.  Missing folders are fine: the writers make them."""
    from .errors import InputError

    if not str(value).strip():
        raise InputError(f"{flag}: empty path")
    p = Path(value)
    if folder and p.exists() and not p.is_dir():
        raise InputError(f"{flag} {value}: exists and is not a folder")
    if not folder and p.is_dir():
        raise InputError(f"{flag} {value}: is a folder; give a file name")
    anchor = p.absolute() if folder else p.absolute().parent
    while not anchor.exists() and anchor != anchor.parent:
        anchor = anchor.parent
    if not anchor.is_dir():
        raise InputError(f"{flag} {value}: {anchor} is not a folder")
    if not os.access(anchor, os.W_OK | os.X_OK):
        raise InputError(f"{flag} {value}: {anchor} is not writable")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    atomic_write_chunks(path, [data])


def atomic_write_chunks(path: str | os.PathLike[str], chunks: Iterable[bytes]) -> None:
    """Write ``chunks`` one after the other (a file larger than memory, say), atomically."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            for data in chunks:
                fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates 0600; give the file the mode a plain open() would (0666 & ~umask).
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


_SURROGATE = re.compile("[\ud800-\udfff]")


def utf8_text(text: str) -> bytes:
    """``text`` as UTF-8; a lone surrogate (a file name's undecodable byte, as Python's ``os`` hands
    it over) becomes U+FFFD instead of failing the whole write."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text).encode("utf-8")


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    atomic_write_bytes(path, utf8_text(text))


def dumps_json(obj: Any) -> str:
    """The JSON form used everywhere: UTF-8, stable key order as built, no NaN."""
    if _lazy_inside(obj):
        return "".join(iter_json(obj)) + "\n"
    return json.dumps(obj, ensure_ascii=False, indent=1, allow_nan=False) + "\n"


def _is_lazy(value: Any) -> bool:
    """A sequence that says it is read item by item (``json_stream``: ``testsets.SegmentRows``)."""
    return getattr(value, "json_stream", False) is True and isinstance(value, Sequence)


def _lazy_inside(obj: Any) -> bool:
    return isinstance(obj, dict) and any(_is_lazy(v) or _lazy_inside(v) for v in obj.values())


def iter_json(obj: Any, level: int = 0) -> Iterator[str]:
    """``dumps_json(obj)`` (without its final newline) in pieces, the same text to the byte; a lazy
    sequence inside a dict (``_is_lazy``) is read and written one item at a time, never whole."""
    if isinstance(obj, dict) and _lazy_inside(obj):
        if not obj:
            yield "{}"
            return
        pad = " " * (level + 1)
        for n, (key, value) in enumerate(obj.items()):
            yield ("{" if n == 0 else ",") + "\n" + pad + _key(key) + ": "
            yield from iter_json(value, level + 1)
        yield "\n" + " " * level + "}"
    elif _is_lazy(obj):
        pad = " " * (level + 1)
        empty = True
        for n, item in enumerate(obj):
            empty = False
            yield ("[" if n == 0 else ",") + "\n" + pad + _dump(item, level + 1)
        yield "[]" if empty else "\n" + " " * level + "]"
    else:
        yield _dump(obj, level)


def _key(key: Any) -> str:
    """A dict key as json.dumps writes it (true, null and numbers become strings; others are refused)."""
    if isinstance(key, str):
        return _dump(key, 0)
    text = json.dumps({key: 0}, ensure_ascii=False, allow_nan=False)  # its TypeError for a tuple key
    return text[1:text.rindex(":")]


def _dump(obj: Any, level: int) -> str:
    # json.dumps escapes newlines inside strings: each raw newline is structure, indented one level per step.
    text = json.dumps(obj, ensure_ascii=False, indent=1, allow_nan=False)
    return text.replace("\n", "\n" + " " * level) if level else text


def write_json_stream(fh: Any, obj: Any) -> None:
    """``dumps_json(obj)`` written to a text stream piece by piece (standard output, say)."""
    for piece in iter_json(obj):
        fh.write(piece)
    fh.write("\n")


def atomic_write_json(path: str | os.PathLike[str], obj: Any) -> None:
    if _lazy_inside(obj):
        atomic_write_chunks(path, (utf8_text(piece) for piece in itertools.chain(iter_json(obj), ["\n"])))
    else:
        atomic_write_text(path, dumps_json(obj))
