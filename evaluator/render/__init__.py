"""Renderers of ``Report.to_dict()``: HTML report, notebook view, JSON, screenshots."""

ELLIPSIS = "\u2026"


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
