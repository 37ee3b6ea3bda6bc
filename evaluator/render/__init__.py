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


# File stems that say which side a file is, not what it holds (a folder of pairs, the example): such a
# pair is named after its folder.
GENERIC_STEMS = frozenset({"original", "rewritten"})


def pair_name(original: str | os.PathLike[str], rewritten: str | os.PathLike[str]) -> str:
    """The name of a compare run without ``--name`` (its output files, its report's heading):
    ``ORIGINAL-vs-REWRITTEN`` from the file stems, so two pairs of one folder (``orig.txt rew.txt``,
    ``orig2.txt rew2.txt``) get two reports rather than one overwriting the other.  Where the stems name
    only the side (``original.txt``, ``rewritten.txt``) or are the same, the folder both documents are in
    (symlinks resolved: ``korea-diplomacy`` for the example), else the stems again."""
    def folder(path: str | os.PathLike[str]) -> Path:
        try:
            return Path(path).resolve().parent
        except (OSError, RuntimeError, ValueError):  # a path no file system takes (a NUL in a loaded report)
            return Path(os.path.abspath(path)).parent

    o_stem, r_stem = Path(original).stem, Path(rewritten).stem
    if o_stem != r_stem and not {o_stem.casefold(), r_stem.casefold()} <= GENERIC_STEMS:
        return f"{o_stem}-vs-{r_stem}"
    o, r = folder(original), folder(rewritten)
    if o == r and r.name:
        return r.name
    return f"{o_stem}-vs-{r_stem}"
