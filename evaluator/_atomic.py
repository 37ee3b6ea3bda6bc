"""Write output files atomically: a temporary file in the same folder, then ``os.replace``.

A crash or Ctrl-C never leaves a half-written report behind.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
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
    return json.dumps(obj, ensure_ascii=False, indent=1, allow_nan=False) + "\n"


def atomic_write_json(path: str | os.PathLike[str], obj: Any) -> None:
    atomic_write_text(path, dumps_json(obj))
