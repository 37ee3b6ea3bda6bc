"""Every test the documents cite as the proof of a guarantee exists, in the file they name.

Citations read `test_file.py::test_name`; a following `::test_other` is in the file named last."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted([*(ROOT / "docs").glob("*.md"), ROOT / "README.md", ROOT / "BENCHMARKS.md"])
CITATION = re.compile(r"`(?:(?:tests/)?((?:checks/)?test_\w+\.py))?::(test_\w+)")


def _tests_in(path: Path) -> set[str]:
    return set(re.findall(r"^\s*(?:async\s+)?def\s+(test_\w+)", path.read_text(encoding="utf-8"), re.M))


def citations(text: str) -> list[tuple[str | None, str]]:
    """(file, test) of every citation of a document, a bare ``::name`` taking the file named last."""
    out, current = [], None
    for m in CITATION.finditer(text):
        current = m.group(1) or current
        out.append((current, m.group(2)))
    return out


def test_citations_are_read_with_the_file_named_last() -> None:
    text = "(`test_a.py::test_one`, `::test_two`) and `checks/test_b.py::test_three`, `::test_four`"
    assert citations(text) == [("test_a.py", "test_one"), ("test_a.py", "test_two"),
                               ("checks/test_b.py", "test_three"), ("checks/test_b.py", "test_four")]


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_cited_test_exists_where_the_document_says(doc: Path) -> None:
    missing = []
    for file, name in citations(doc.read_text(encoding="utf-8")):
        path = ROOT / "tests" / file if file else None
        if path is None or not path.is_file() or name not in _tests_in(path):
            missing.append(f"{file}::{name}")
    assert not missing, f"{doc.name} cites tests that are not there: {missing}"
