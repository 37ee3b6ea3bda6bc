"""Renderers of ``Report.to_dict()``: HTML report, notebook view, JSON, screenshots."""
from __future__ import annotations

import os
from pathlib import Path

ELLIPSIS = "\u2026"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n`` and ``word`` in the number it takes: "1 finding", "2 findings" (``many``: an irregular plural)."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def cut_at_word(line: str, width: int) -> str:
    """``line`` cut to at most ``width`` characters at the last word boundary that fits, with an
    ellipsis, so a cut message never ends mid-word as if it were whole (one long word is cut inside)."""
    if len(line) <= width:
        return line
    cut = line[: max(width - 1, 1)]
    space = cut.rfind(" ")
    if space >= width // 2:  # a boundary not too far back
        cut = cut[:space]
    return cut.rstrip(" ,;:") + ELLIPSIS


def pair_name(original: str | os.PathLike[str], rewritten: str | os.PathLike[str]) -> str:
    """The name of a compare run without ``--name`` (its output files, its report's heading): the folder
    both documents are in (symlinks resolved), else ``ORIGINAL-vs-REWRITTEN`` from the file stems."""
    def folder(path: str | os.PathLike[str]) -> Path:
        try:
            return Path(path).resolve().parent
        except (OSError, RuntimeError, ValueError):  # a path no file system takes (a NUL in a loaded report)
            return Path(os.path.abspath(path)).parent

    o, r = folder(original), folder(rewritten)
    if o == r and r.name:
        return r.name
    return f"{Path(original).stem}-vs-{Path(rewritten).stem}"
