"""Property tests: invariants that hold for any input, and results that do not depend on how the work
is cut up (encoder batch size, matching batch size, batch chunk size, worker processes).

The Ray engine's equality with the local one is tested in test_ray_engine.py.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from evaluator.align import SWAP_MIN_SIMILARITY, SWAP_RADIUS, align
from evaluator.errors import DocumentError
from evaluator.io import read_text
from evaluator.types import Document, Paragraph, Sentence
from tests.test_segment import check_invariants

FIXTURES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
pytestmark = pytest.mark.usefixtures("no_network_attempts")

# --- segmentation -----------------------------------------------------------------------------------

# Words from every script and symbol class a news text may hold, with the separators between them.
WORD_ALPHABET = st.characters(
    codec="utf-8",
    categories=("L", "M", "N", "P", "S", "Zs"),
    exclude_characters="\u2028\u2029",
)
WORDS = st.lists(
    st.tuples(st.text(WORD_ALPHABET, min_size=1, max_size=10),
              st.sampled_from([" ", " ", " ", ". ", "? ", "\n", "\n\n", "\t", "。", "! "])),
    min_size=1, max_size=40,
)


@pytest.fixture(scope="module")
def nlp() -> Any:
    from evaluator.segment import load_nlp

    return load_nlp()


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=FIXTURES)
@given(words=WORDS, markdown=st.booleans())
@example(words=[("🇰🇷👍🏽", " "), ("代表团周一抵达首尔", "。"), ("שלום", " "), ("مرحبا", ". ")], markdown=False)
@example(words=[("e\u0301", " "), ("\u200d", " "), ("x", ". ")], markdown=True)
def test_segmentation_covers_every_character_once(nlp: Any, words: list[tuple[str, str]], markdown: bool) -> None:
    text = "".join(w + sep for w, sep in words)
    try:
        loaded = read_text(text, markdown=markdown)
    except DocumentError:
        assume(False)  # an input error (only whitespace), not a text to segment
        return
    from evaluator.segment import segment

    doc, spans = segment(loaded, nlp)
    check_invariants(doc, spans, markdown=markdown)


# --- alignment --------------------------------------------------------------------------------------

def _doc(doc_id: str, n: int, paragraph_every: int) -> Document:
    sents, paras, pos = [], [], 0
    for i in range(n):
        text = f"s{i}."
        sents.append(Sentence(i, pos, pos + len(text), i // paragraph_every, text))
        pos += len(text) + 1
    for k in range(0, n, paragraph_every):
        last = min(n, k + paragraph_every) - 1
        paras.append(Paragraph(len(paras), sents[k].start, sents[last].end))
    return Document(doc_id, " ".join(s.text for s in sents), tuple(sents), tuple(paras))


def _built_docs(n: int, seed: int, scale: Callable[[], float], swap: bool, insert: bool, every_o: int,
                every_r: int) -> tuple[np.ndarray, np.ndarray, Document, Document]:
    """A rewrite made from ``n`` random original sentences by paraphrase noise (``scale()`` per sentence),
    dropped and added sentences, a local swap and a sentence added in front."""
    rng = np.random.default_rng(seed)
    dim = 32
    o = rng.normal(size=(n, dim))
    rows: list[np.ndarray] = []
    for i in range(n):
        action = rng.random()
        if action < 0.15:
            continue  # omitted
        rows.append(o[i] + rng.normal(scale=scale(), size=dim))
        if action > 0.9:
            rows.append(rng.normal(size=dim))  # added
    if swap and len(rows) > 3:  # a local swap
        k = int(rng.integers(0, len(rows) - 2))
        rows[k], rows[k + 2] = rows[k + 2], rows[k]
    if insert:
        rows.insert(0, rng.normal(size=dim))
    r = np.array(rows).reshape(len(rows), dim)
    norm = lambda a: (a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-9)).astype(np.float32)  # noqa: E731
    return norm(o), norm(r), _doc("o", n, every_o), _doc("r", len(rows), every_r)


@st.composite
def _aligned_docs(draw: Any) -> tuple[np.ndarray, np.ndarray, Document, Document]:
    n = draw(st.integers(0, 70))
    seed = draw(st.integers(0, 2**32 - 1))
    swap, insert = draw(st.booleans()), draw(st.booleans())
    return _built_docs(n, seed, lambda: draw(st.sampled_from([0.05, 0.3, 1.0])), swap, insert,
                       draw(st.integers(1, 8)), draw(st.integers(1, 8)))


@settings(max_examples=150, deadline=None)
@given(case=_aligned_docs(), window=st.sampled_from([None, 2, 8]))
# an added sentence left behind by a move of the pairs around it (found by hypothesis)
@example(case=_built_docs(19, 438829804, lambda: 0.05, True, False, 6, 8), window=None)
@example(case=_built_docs(4, 222199360, lambda: 1.0, True, True, 1, 6), window=None)
@example(case=_built_docs(56, 3147721730, lambda: 1.0, True, True, 4, 5), window=None)
def test_alignment_is_monotonic_and_covers_every_sentence_once(case: Any, window: int | None) -> None:
    o, r, od, rd = case
    pairs = align(o, r, od, rd, window=window)
    # every sentence of each side exactly once
    assert sorted(i for p in pairs for i in p.original) == list(range(len(od.sentences)))
    assert sorted(j for p in pairs for j in p.rewritten) == list(range(len(rd.sentences)))
    for p in pairs:
        assert p.original or p.rewritten
        assert list(p.original) == list(range(p.original[0], p.original[0] + len(p.original))) if p.original else True
        assert list(p.rewritten) == list(range(p.rewritten[0], p.rewritten[0] + len(p.rewritten))) \
            if p.rewritten else True
        assert len(p.original) <= 3 and len(p.rewritten) <= 3
    # the original side in document order
    flat_o = [i for p in pairs for i in p.original]
    assert flat_o == sorted(flat_o)
    # the rewritten side too, but for sentences moved by a local swap: a 1-1 pair of a close match
    # within SWAP_RADIUS pairs of where the DP had them
    positions = [(k, j, p) for k, p in enumerate(pairs) for j in p.rewritten]
    for a in range(len(positions)):
        for b in range(a + 1, len(positions)):
            ka, ja, pa = positions[a]
            kb, jb, pb = positions[b]
            if ja > jb:
                swapped = [p for p in (pa, pb) if len(p.original) == 1 and len(p.rewritten) == 1
                           and p.similarity >= SWAP_MIN_SIMILARITY - 1e-6]
                assert swapped, (pa, pb)
                assert kb - ka <= 2 * SWAP_RADIUS + 1, (pa, pb)


# --- identical documents ----------------------------------------------------------------------------

SENTENCE_PARTS = st.lists(
    st.sampled_from(["The council", "President Moon Jae-in", "Ms. Park", "the U.S. envoy", "Reuters",
                     "met", "said", "did not approve", "approved", "rejected", "on Tuesday", "in 2023",
                     "3.5 million euros", "12%", "“we will go”", "the budget", "for schools", "in Seoul",
                     "新的预算", "👍", "שלום", "and", "but", "after a long debate"]),
    min_size=2, max_size=9,
)
DOCUMENT = st.lists(st.lists(SENTENCE_PARTS, min_size=1, max_size=3), min_size=1, max_size=3).map(
    lambda paras: "\n\n".join(" ".join(" ".join(s) + "." for s in p) for p in paras))


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=FIXTURES)
@given(text=DOCUMENT)
@example(text="Reuters Reuters.")  # 3 tokens: no 4-gram, so sacrebleu's BLEU is 0 (found by hypothesis)
def test_identical_documents_score_perfectly_with_no_findings(resources: Any, text: str) -> None:
    from evaluator.pipeline import compare

    data = compare(text, text, resources=resources).to_dict()
    m = data["metrics"]
    n = m["bleu"]["sys_len"]
    if n >= 4:
        assert m["bleu"]["score"] == pytest.approx(100.0)
    else:  # sacrebleu's corpus BLEU needs a 4-gram: fewer tokens score 0 even against themselves
        assert m["bleu"]["score"] == 0.0 and m["bleu"]["precisions"][:n] == [100.0] * n
    assert m["chrf"]["score"] == pytest.approx(100.0)
    assert m["chrf++"]["score"] == pytest.approx(100.0) and m["ter"]["score"] == 0.0
    assert m["bertscore"]["f1"] == pytest.approx(1.0, abs=1e-5)
    assert data["coverage"]["original"] == 1.0 and data["coverage"]["rewritten"] == 1.0
    assert data["findings"] == []
    assert all(a["original"] == a["rewritten"] for a in data["alignment"])


# --- determinism and independence of how the work is cut up -----------------------------------------

LONG = " ".join(["the committee approved the budget for the new hospital after a long debate"] * 45)
PAIRS = [
    ("neg", "Currently, Xinjiang has more than 330 photovoltaic power plants.",
     "Currently, Xinjiang does not have more than 330 photovoltaic power plants."),
    ("para", "Mr. Lee arrived in Seoul on Monday.\n\nHe met the foreign minister. They discussed trade.",
     "Mr. Lee reached Seoul on Monday.\n\nHe met the foreign minister and they talked about trade."),
    ("long", f"{LONG} in 2019, officials said.", f"{LONG} in 2021, officials said."),
    ("intl", "Delegates 🇰🇷 arrived in Seoul. 代表团周一抵达首尔。", "Delegates 🇰🇷 reached Seoul. 代表团周一抵达首尔。"),
]


def _strip(report: dict[str, Any]) -> dict[str, Any]:
    r = json.loads(json.dumps(report))
    r["meta"].pop("timings", None)
    return r


def assert_close(a: Any, b: Any, path: str = "", tol: float = 1e-5) -> None:
    """Equal, floats to ``tol`` (a different encoder batch pads differently: float rounding)."""
    if isinstance(a, float) or isinstance(b, float):
        assert a == pytest.approx(b, abs=tol), path
    elif isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), path
        for k in a:
            assert_close(a[k], b[k], f"{path}.{k}", tol)
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_close(x, y, f"{path}[{i}]", tol)
    else:
        assert a == b, path


@pytest.fixture(scope="module")
def reference_reports(resources: Any) -> dict[str, dict[str, Any]]:
    from evaluator.pipeline import compare

    enc = resources.encoder
    enc.clear_memory()
    windowed = enc.stats.windowed_texts
    reports = {i: _strip(compare(o, r, resources=resources).to_dict()) for i, o, r in PAIRS}
    assert enc.stats.windowed_texts == windowed + 2  # both sides of the long pair: > 512 tokens
    return reports


@pytest.mark.slow
def test_same_input_same_report_bit_for_bit(resources: Any, reference_reports: dict[str, Any]) -> None:
    from evaluator.pipeline import compare

    resources.encoder.clear_memory()  # encoded again, not served from memory
    again = {i: _strip(compare(o, r, resources=resources).to_dict()) for i, o, r in PAIRS}
    assert again == reference_reports


@pytest.mark.slow
def test_encoder_and_matching_batch_sizes_do_not_change_results(resources: Any, monkeypatch: pytest.MonkeyPatch,
                                                                reference_reports: dict[str, Any]) -> None:
    from evaluator.metrics import semantic
    from evaluator.pipeline import compare

    enc = resources.encoder
    monkeypatch.setattr(enc, "batch_tokens", 300)  # one text, or one window, per forward pass
    monkeypatch.setattr(semantic, "MATCH_CELLS", 600)  # every pair matched alone, most in row blocks
    monkeypatch.setattr(semantic, "SCORE_BATCH", 1)
    enc.clear_memory()
    try:
        small = {i: _strip(compare(o, r, resources=resources).to_dict()) for i, o, r in PAIRS}
    finally:
        enc.clear_memory()
    for k in reference_reports:
        assert_close(small[k], reference_reports[k], k)


def _manifest(tmp: Path) -> Path:
    path = tmp / "pairs.jsonl"
    path.write_text("".join(json.dumps({"id": i, "original": o, "rewritten": r}) + "\n" for i, o, r in PAIRS),
                    encoding="utf-8")
    return path


def _batch_reports(out: Path) -> dict[str, dict[str, Any]]:
    recs = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(r["status"] == "ok" for r in recs), recs
    return {r["id"]: _strip(r["report"]) for r in recs}


@pytest.mark.slow
def test_batch_chunk_size_and_workers_do_not_change_results(tmp_path: Path, resources: Any,
                                                            reference_reports: dict[str, Any]) -> None:
    from evaluator.batch import run_batch

    m = _manifest(tmp_path)
    runs = {
        "chunk1": dict(chunk_size=1, workers=1),
        "chunk3": dict(chunk_size=3, workers=1),
        "workers2": dict(chunk_size=2, workers=2),
    }
    for name, kw in runs.items():
        res = run_batch(m, tmp_path / name, resources.options, **kw)
        assert (res.ok, res.failed) == (len(PAIRS), 0), name
        got = _batch_reports(tmp_path / name)
        assert sorted(got) == sorted(reference_reports), name
        for k in reference_reports:
            assert_close(got[k], reference_reports[k], f"{name}:{k}")


_json_leaf = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False) \
    | st.text(max_size=12)
_json = st.recursive(_json_leaf, lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=25)


@given(head=st.dictionaries(st.text(max_size=6), _json, max_size=4),
       rows=st.lists(st.dictionaries(st.text(max_size=6), _json, max_size=4), max_size=6),
       inner=st.booleans())
@example(head={"k": "a\ud800b"}, rows=[{"ref": "lone \udfff surrogate", "n": None}], inner=False)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_streamed_json_is_the_one_piece_json(head: dict, rows: list, inner: bool) -> None:
    """A score report's rows read from disk (testsets.SegmentRows) and streamed out give, byte for
    byte, the JSON of the same rows held in a list, wherever the rows sit in the document (lone
    surrogates, which a JSONL input can carry as escapes, included)."""
    from evaluator._atomic import dumps_json
    from evaluator.testsets import SegmentRows

    store = SegmentRows()
    store.extend(rows)
    lazy = {**head, "segments": {"x": store, "n": 1}} if inner else {**head, "segments": store}
    plain = {**head, "segments": {"x": rows, "n": 1}} if inner else {**head, "segments": rows}
    assert dumps_json(lazy) == dumps_json(plain)
    store.close()
