"""The on-disk cache: blobs, concurrent writers, parse caching with the real spaCy model, encoder hits."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from evaluator.cache import CachingNlp, cached_pipe, open_cache, parse_key
from evaluator.options import Options


def test_roundtrip_and_insert_or_ignore(tmp_path: Path) -> None:
    c = open_cache(tmp_path)
    assert open_cache(tmp_path) is c
    c.put_many({"k1": b"one", "k2": b"\x00two"})
    c.put_many({"k1": b"changed"})  # the first writer wins, no error
    assert c.get_many(["k1", "k2", "k3", "k1"]) == {"k1": b"one", "k2": b"\x00two"}
    assert c.get_many(["k1"], table="parses") == {}
    assert (c.stats["encodings"].hits, c.stats["encodings"].misses) == (2, 1)
    assert c.count() == 2
    assert c._connection().execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with pytest.raises(ValueError):
        c.get_many(["k"], table="nope")


def test_many_keys_exceed_one_select(tmp_path: Path) -> None:
    c = open_cache(tmp_path)
    c.put_many({f"k{i}": bytes([i % 256]) for i in range(1300)})
    got = c.get_many([f"k{i}" for i in range(0, 1400)])
    assert len(got) == 1300 and got["k1299"] == bytes([1299 % 256])


WRITER = textwrap.dedent("""
    import sys
    from evaluator.cache import Cache
    c = Cache(sys.argv[1])
    start = int(sys.argv[2])
    for i in range(start, start + 400, 4):
        c.put_many({f"k{j}": f"v{j}".encode() * 50 for j in range(i, i + 4)})
        assert len(c.get_many([f"k{i}"])) == 1
    print("done")
""")


def test_two_processes_write_one_cache(tmp_path: Path) -> None:
    # Overlapping key ranges written at the same time: no "database is locked", no lost key.
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), str(start)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for start in (0, 200)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    c = open_cache(tmp_path)
    assert c.count() == 600
    assert c.get_many(["k0", "k599"]) == {"k0": b"v0" * 50, "k599": b"v599" * 50}


@pytest.fixture(scope="module")
def nlp():
    from evaluator.segment import load_nlp

    return load_nlp()


TEXTS = [
    "Mr. Smith went to Washington. He met Gen. Lee at 3 p.m. on Monday.",
    "The U.S. economy grew 2.5% last year, officials said.",
    "\u201cWe will not leave,\u201d she said. Nobody answered.",
]


def test_cached_parses_equal_fresh_parses(tmp_path: Path, nlp) -> None:
    cache = open_cache(tmp_path)
    fresh = cached_pipe(nlp, TEXTS, cache)
    from_cache = cached_pipe(nlp, TEXTS, cache)
    assert cache.stats["parses"].hits == len(TEXTS)
    for a, b in zip(fresh, from_cache, strict=True):
        assert a is not b
        assert [t.text for t in a] == [t.text for t in b]
        assert [(t.tag_, t.dep_, t.head.i, t.lemma_, t.ent_type_) for t in a] == \
               [(t.tag_, t.dep_, t.head.i, t.lemma_, t.ent_type_) for t in b]
        assert [s.text for s in a.sents] == [s.text for s in b.sents]
    assert [s.text for s in from_cache[0].sents] == ["Mr. Smith went to Washington.",
                                                     "He met Gen. Lee at 3 p.m. on Monday."]


def test_parse_key_depends_on_pipeline_and_text(nlp) -> None:
    from evaluator.cache import nlp_signature

    sig = nlp_signature(nlp)
    assert "en_core_web_sm" in sig and "spacy" in sig
    assert parse_key(sig, "a") != parse_key(sig, "b")
    assert parse_key(sig, "a") != parse_key(sig.replace("spacy", "spacy9"), "a")


def test_segment_through_caching_nlp_is_unchanged(tmp_path: Path, nlp) -> None:
    from evaluator.io import read_text
    from evaluator.segment import segment

    text = "\n\n".join(TEXTS)
    plain, _ = segment(read_text(text), nlp)
    wrapped = CachingNlp(nlp, open_cache(tmp_path))
    first, _ = segment(read_text(text), wrapped)
    assert wrapped.parsed == 3
    again = CachingNlp(nlp, open_cache(tmp_path))
    second, spans = segment(read_text(text), again)
    assert again.parsed == 0  # every paragraph came from the disk cache
    assert plain == first == second
    assert [s.text for s in spans] == [s.text for s in plain.sentences]
    primed = CachingNlp(nlp)
    primed.prime(TEXTS)
    assert primed.parsed == 3
    assert segment(read_text(text), primed)[0] == plain and primed.parsed == 3


def test_caching_nlp_gives_a_repeated_text_a_doc_of_its_own(tmp_path: Path, nlp) -> None:
    """A paragraph that comes twice in one document parses once but gets a copy the second time, as
    spaCy's own pipe gives two Docs: checks find a token's sentence by its Doc."""
    wrapped = CachingNlp(nlp, open_cache(tmp_path))
    docs = wrapped.pipe([TEXTS[0], TEXTS[1], TEXTS[0], TEXTS[0]])
    assert wrapped.parsed == 2
    assert len({id(d) for d in docs}) == 4
    assert [(t.text, t.tag_, t.dep_, t.head.i) for t in docs[2]] == [(t.text, t.tag_, t.dep_, t.head.i) for t in docs[0]]


@pytest.mark.slow
def test_encoder_cache_hits_skip_the_model_and_layer_change_misses(tmp_path: Path) -> None:
    from evaluator.encoder import load_encoder

    texts = ["The minister resigned on Tuesday.", "Prices rose by 3 percent in May."]
    cache = open_cache(tmp_path)
    enc = load_encoder(Options(), cache=cache)
    first = enc.encode(texts)
    calls = enc.stats.forward_calls
    assert calls >= 1 and cache.count() == 2
    enc.clear_memory()
    again = enc.encode(texts)
    assert enc.stats.forward_calls == calls  # no forward pass: read from disk
    assert enc.stats.cache_hits == 2
    for a, b in zip(first, again, strict=True):
        assert (a.layer_embeddings == b.layer_embeddings).all()
        assert (a.sentence_embedding == b.sentence_embedding).all()
        assert a.tokens == b.tokens
    other = load_encoder(Options(layer=4), cache=cache)
    other.encode(texts)
    assert other.stats.forward_calls >= 1 and other.stats.cache_hits == 0
    assert cache.count() == 4


@pytest.mark.slow
def test_load_resources_with_a_cache_reads_parses_and_encodings_from_it(tmp_path: Path) -> None:
    """--cache DIR: a second process-like run (fresh wrappers) neither parses nor encodes again."""
    from evaluator.io import read_text
    from evaluator.pipeline import _RESOURCES, compare_loaded, load_resources

    opts = Options(cache_dir=str(tmp_path))
    res = load_resources(opts)
    assert isinstance(res.nlp, CachingNlp) and res.extras["cache"] is not None
    original = read_text("The minister resigned on Tuesday.\n\nPrices rose by 3 percent in May.")
    rewritten = read_text("The minister quit on Tuesday.\n\nPrices rose by 4 percent in May.")
    first = compare_loaded(original, rewritten, resources=res).to_dict()
    assert res.nlp.parsed == 4 and res.extras["cache"].count("parses") == 4
    # A later run: new wrappers over the same models and the same cache folder.
    _RESOURCES.pop(next(k for k, v in _RESOURCES.items() if v is res))
    again = load_resources(opts)
    assert again is not res and again.nlp is not res.nlp
    again.encoder.clear_memory()
    forward_calls = again.encoder.stats.forward_calls
    second = compare_loaded(original, rewritten, resources=again).to_dict()
    assert again.nlp.parsed == 0 and again.encoder.stats.forward_calls == forward_calls
    for report in (first, second):
        report["meta"].pop("timings")
    assert first == second


def test_an_unreadable_stored_encoding_is_a_miss_encoded_again(tmp_path: Path) -> None:
    """A blob that reads back as garbage (not a sqlite error: the bytes themselves) is encoded again."""
    from evaluator.cache import Cache
    from evaluator.encoder import load_encoder

    texts = ["The minister resigned on Monday.", "It rained all week."]
    cache = Cache(tmp_path / "c")
    try:
        enc = load_encoder(Options(), cache=cache)
        first = enc.encode(texts)
        import sqlite3

        with sqlite3.connect(tmp_path / "c" / "cache.sqlite3") as db:
            n = db.execute("UPDATE encodings SET value = ? WHERE key = ?",
                           (b"not an npz archive", enc.cache_key(texts[0]))).rowcount
        assert n == 1
        enc.clear_memory()
        again = enc.encode(texts)
    finally:
        cache.close()
    assert [a.text for a in again] == texts
    assert (again[0].layer_embeddings == first[0].layer_embeddings).all()
    assert enc.stats.cache_hits == 1  # the damaged one was encoded again, the other came from the cache
