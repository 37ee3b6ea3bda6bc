"""BERT in plain torch, loaded without transformers: the bundled all-MiniLM-L6-v2 starts seconds sooner.

Importing transformers and its BERT module costs about 3 s, more than half of a cold ``evaluator
compare``.  For a model folder that holds a plain BERT (``config.json`` with ``model_type`` "bert",
absolute positions, an erf ``gelu``), a ``tokenizer.json`` and ``model.safetensors``, ``load`` builds
the same modules under the same parameter names and runs the computation of transformers'
``BertModel`` in eval mode (embeddings word + token type + position, LayerNorm; per layer q/k/v
projections, ``scaled_dot_product_attention`` with the padding mask, output projection + residual +
LayerNorm, intermediate ``gelu``, output projection + residual + LayerNorm), so the hidden states
equal transformers' to float rounding (``tests/test_native_bert.py`` checks them, and the
tokenizer's ids and offsets, against transformers).  For inference two steps are fused, with the
same numbers to float rounding: q, k and v come from one stacked projection (made again whenever a
weight changes), and the intermediate GELU runs in place on the projection's output (one buffer of
the largest tensor less).  oneDNN's linear with the GELU as a post-op was used on AVX-512 CPUs until
it showed no gain in a whole run (profiled on 5,000 pairs: 1.55-1.84 s for linear + in-place GELU
against 1.62-1.73 s fused) and its numbers, unlike MKL's in strict mode (``evaluator/__init__.py``),
depend on the batch (a text alone came out 1.7e-6 apart from the same text among others).  With gradients on, under autocast or for quantised layers the plain ops run.
The pooler is not built.

The encoder passes its batches packed (``forward(ids, lengths=...)``): the sequences end to end with
no padding, every token-wise step on the packed rows and attention once per run of equal lengths,
with no mask.  Measured on 5,000 DEMETR pairs (5,254 unique texts, 3.6% padding when padded): the
layer-3 pass 5% faster end to end (6.25-6.74 s vs 6.67-7.15 s, alternated processes), hidden states
within 1e-5 of transformers' on the padded batch (``tests/test_native_bert.py``).

The tokenizer is the folder's ``tokenizer.json`` through the ``tokenizers`` library (what
transformers' fast tokenizer wraps), with the slice of the transformers tokenizer API the evaluator
uses.  Any other folder returns None and the caller loads it through transformers.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

VERY_LARGE_INTEGER = int(1e30)  # transformers' model_max_length when a tokenizer states none
_SPECIAL_NAMES = ("unk_token", "sep_token", "pad_token", "cls_token", "mask_token")
MIN_TEXTS_PER_THREAD = 256  # below this a second tokenising thread costs more than it saves


class BertConfigLite:
    """The fields of a BERT ``config.json`` the model needs (attribute access, as transformers' config)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.hidden_size = int(data["hidden_size"])
        self.num_hidden_layers = int(data["num_hidden_layers"])
        self.num_attention_heads = int(data["num_attention_heads"])
        self.intermediate_size = int(data["intermediate_size"])
        self.layer_norm_eps = float(data.get("layer_norm_eps", 1e-12))
        self.max_position_embeddings = int(data.get("max_position_embeddings", 512))
        self.type_vocab_size = int(data.get("type_vocab_size", 2))
        self.vocab_size = int(data["vocab_size"])
        self.pad_token_id = data.get("pad_token_id", 0)


def supported(path: str | Path) -> bool:
    """Whether ``path`` holds a model this module can load exactly as transformers would."""
    folder = Path(path)
    if not all((folder / f).is_file() for f in ("config.json", "tokenizer.json", "model.safetensors")):
        return False
    try:
        cfg = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        tok_cfg = _tokenizer_config(folder)
    except (OSError, ValueError):
        return False
    archs = cfg.get("architectures") or ["BertModel"]
    return (cfg.get("model_type") == "bert" and archs == ["BertModel"]
            and cfg.get("position_embedding_type", "absolute") == "absolute"
            and cfg.get("hidden_act", "gelu") == "gelu" and not cfg.get("is_decoder", False)
            and not cfg.get("add_cross_attention", False)
            and tok_cfg.get("tokenizer_class", "BertTokenizer") in ("BertTokenizer", "BertTokenizerFast"))


def _tokenizer_config(folder: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("special_tokens_map.json", "tokenizer_config.json"):
        f = folder / name
        if f.is_file():
            data = json.loads(f.read_text(encoding="utf-8"))
            out.update({k: (v["content"] if isinstance(v, dict) and "content" in v else v) for k, v in data.items()})
    return out


class BertTokenizerLite:
    """``tokenizer.json`` through ``tokenizers``, with the transformers tokenizer calls the evaluator makes."""

    is_fast = True

    def __init__(self, folder: str | Path) -> None:
        from tokenizers import Tokenizer

        folder = Path(folder)
        self.name_or_path = str(folder)
        self._tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        # The file may carry sentence-transformers' truncation/padding: transformers ignores them per call.
        self._tok.no_truncation()
        self._tok.no_padding()
        self._id_tokens: list[str | None] | None = None  # convert_ids_to_tokens' table, made on first use
        cfg = _tokenizer_config(folder)
        self.model_max_length = int(cfg.get("model_max_length") or VERY_LARGE_INTEGER)
        for name in _SPECIAL_NAMES:
            token = cfg.get(name)
            setattr(self, name, token)
            setattr(self, f"{name}_id", self._tok.token_to_id(token) if isinstance(token, str) else None)
        self.all_special_ids = sorted({i for i in (getattr(self, f"{n}_id") for n in _SPECIAL_NAMES) if i is not None})

    def __call__(self, texts: str | Sequence[str], *, add_special_tokens: bool = True,
                 return_offsets_mapping: bool = False, truncation: bool = False, max_length: int | None = None,
                 **_: Any) -> dict[str, Any]:
        single = isinstance(texts, str)
        batch = [texts] if single else list(texts)
        encs = self._tok.encode_batch(batch, add_special_tokens=add_special_tokens) if batch else []
        limit = (max_length or self.model_max_length) if truncation else None
        ids_out: list[list[int]] = []
        offs_out: list[list[tuple[int, int]]] = []
        for e in encs:
            ids, offs = list(e.ids), list(e.offsets)
            if limit is not None and len(ids) > limit:
                # One sequence, longest-first: drop content tokens from the end, keep the closing special.
                keep_tail = 1 if add_special_tokens else 0
                ids = ids[:limit - keep_tail] + ids[len(ids) - keep_tail:]
                offs = offs[:limit - keep_tail] + offs[len(offs) - keep_tail:]
            ids_out.append(ids)
            offs_out.append(offs)
        out: dict[str, Any] = {"input_ids": ids_out[0] if single else ids_out}
        if return_offsets_mapping:
            out["offset_mapping"] = offs_out[0] if single else offs_out
        return out

    def ids_and_offsets(self, texts: Sequence[str], threads: int = 1) -> list[tuple[list[int], Any]]:
        """Each text's ids (special tokens added, untruncated) and offsets as an ``[n, 2]`` int32 array:
        ``__call__(..., return_offsets_mapping=True)`` without its lists of tuples (the encoder's hot path).

        ``threads`` > 1 splits a long list among that many Python threads (``encode_batch`` releases the
        GIL). The tokenizers library's own thread pool stays off (``TOKENIZERS_PARALLELISM=false``, see
        ``pipeline.set_offline``): a process forked after using it deadlocks in it, while these threads
        are made for the call and gone after it. Measured on the 5,254 texts of the BERTScore bench:
        0.24-0.26 s on one thread, 0.12-0.19 s on two; the same ids and offsets.
        """
        import numpy as np

        batch = list(texts)
        chunks = min(max(int(threads), 1), len(batch) // MIN_TEXTS_PER_THREAD)
        if chunks <= 1:
            encs = self._tok.encode_batch(batch, add_special_tokens=True) if batch else []
        else:
            from concurrent.futures import ThreadPoolExecutor

            size = -(-len(batch) // chunks)
            parts = [batch[i:i + size] for i in range(0, len(batch), size)]
            with ThreadPoolExecutor(len(parts) - 1, thread_name_prefix="tokenize") as pool:
                later = [pool.submit(self._tok.encode_batch, part, add_special_tokens=True) for part in parts[1:]]
                encs = self._tok.encode_batch(parts[0], add_special_tokens=True)
                for done in later:
                    encs += done.result()
        return [(e.ids, np.array(e.offsets, dtype=np.int32).reshape(-1, 2)) for e in encs]

    def decode(self, ids: Sequence[int], skip_special_tokens: bool = False, **_: Any) -> str:
        text = self._tok.decode([int(i) for i in ids], skip_special_tokens=skip_special_tokens)
        return str(text)

    def build_inputs_with_special_tokens(self, ids: Sequence[int], ids2: Sequence[int] | None = None) -> list[int]:
        cls, sep = [self.cls_token_id], [self.sep_token_id]  # type: ignore[attr-defined]
        out = cls + list(ids) + sep
        return out + list(ids2) + sep if ids2 is not None else out

    def convert_ids_to_tokens(self, ids: int | Sequence[int]) -> Any:
        if isinstance(ids, int):
            return self._tok.id_to_token(ids)
        if self._id_tokens is None:  # the vocabulary as a list: an index per token, not a call into Rust
            self._id_tokens = [self._tok.id_to_token(i) for i in range(self._tok.get_vocab_size(with_added_tokens=True))]
        table, n = self._id_tokens, len(self._id_tokens)
        return [table[i] if 0 <= i < n else self._tok.id_to_token(i) for i in map(int, ids)]

    def convert_tokens_to_ids(self, tokens: str | Sequence[str]) -> Any:
        unk = self.unk_token_id  # type: ignore[attr-defined]
        if isinstance(tokens, str):
            i = self._tok.token_to_id(tokens)
            return unk if i is None else i
        return [self.convert_tokens_to_ids(t) for t in tokens]


@dataclass
class NativeOutput:
    """What the encoder reads from transformers' ``BaseModelOutput``."""

    last_hidden_state: Any
    hidden_states: tuple[Any, ...] | None = None

    def __getitem__(self, i: int) -> Any:
        return (self.last_hidden_state, self.hidden_states)[i]


def _build_model_class() -> Any:
    """The module classes, defined on first use so that importing this file does not import torch."""
    import torch
    from torch import nn
    from torch.nn import functional as F

    class Embeddings(nn.Module):
        def __init__(self, c: BertConfigLite) -> None:
            super().__init__()
            # _weight: no random initialisation (on the meta device it would import torch._dynamo, ~1 s).
            self.word_embeddings = nn.Embedding(c.vocab_size, c.hidden_size, padding_idx=c.pad_token_id,
                                                _weight=torch.empty(c.vocab_size, c.hidden_size))
            self.position_embeddings = nn.Embedding(c.max_position_embeddings, c.hidden_size,
                                                    _weight=torch.empty(c.max_position_embeddings, c.hidden_size))
            self.token_type_embeddings = nn.Embedding(c.type_vocab_size, c.hidden_size,
                                                      _weight=torch.empty(c.type_vocab_size, c.hidden_size))
            self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)

        def forward(self, input_ids: torch.Tensor, positions: torch.Tensor | None = None) -> torch.Tensor:
            if positions is None:
                positions = torch.arange(input_ids.shape[1], device=input_ids.device)[None, :]
            emb = self.word_embeddings(input_ids) + self.token_type_embeddings(torch.zeros_like(input_ids))
            emb = emb + self.position_embeddings(positions)
            return self.LayerNorm(emb)  # type: ignore[no-any-return]

    class SelfAttention(nn.Module):
        def __init__(self, c: BertConfigLite) -> None:
            super().__init__()
            self.heads = c.num_attention_heads
            self.head_size = c.hidden_size // c.num_attention_heads
            self.query = nn.Linear(c.hidden_size, c.hidden_size)
            self.key = nn.Linear(c.hidden_size, c.hidden_size)
            self.value = nn.Linear(c.hidden_size, c.hidden_size)
            self.qkv: tuple[torch.Tensor, torch.Tensor] | None = None  # see fuse(); made on first use
            self._qkv_key: tuple[Any, ...] | None = None

        def _weights_key(self) -> tuple[Any, ...]:
            """What the stacked copy was made from: storage, in-place version, dtype and device of each."""
            return tuple((p.data_ptr(), p._version, p.dtype, p.device)
                         for m in (self.query, self.key, self.value) for p in (m.weight, m.bias))

        def fuse(self) -> None:
            """One [3h, h] projection for q, k and v: one matrix product instead of three (the same
            numbers: each output column is the same dot product). Plain attributes, not parameters:
            the state dict keeps transformers' names; made again whenever a weight changes."""
            with torch.inference_mode(False), torch.no_grad():
                self.qkv = (torch.cat([self.query.weight, self.key.weight, self.value.weight]).contiguous(),
                            torch.cat([self.query.bias, self.key.bias, self.value.bias]).contiguous())
            self._qkv_key = self._weights_key()

        def _qkv(self, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
            """q, k and v of ``h`` (``[..., hidden]``), each ``[..., heads, head_size]``."""
            shape = (*h.shape[:-1], self.heads, self.head_size)
            if (FUSED and type(self.query) is nn.Linear and not torch.is_grad_enabled()
                    and not torch.is_autocast_enabled(h.device.type)):
                if self.qkv is None or self._qkv_key != self._weights_key():
                    self.fuse()
                assert self.qkv is not None
                qkv = F.linear(h, *self.qkv).view(*h.shape[:-1], 3, self.heads, self.head_size)
                return qkv.select(-3, 0), qkv.select(-3, 1), qkv.select(-3, 2)
            return self.query(h).view(shape), self.key(h).view(shape), self.value(h).view(shape)

        def _attend(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
            """Attention over ``[batch, length, heads, head_size]`` inputs, output ``[batch, heads, length, head_size]``."""
            return F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2),
                                                  attn_mask=mask, dropout_p=0.0, scale=self.head_size ** -0.5,
                                                  is_causal=False)

        def forward(self, h: torch.Tensor, mask: torch.Tensor | None, groups: Groups | None = None) -> torch.Tensor:
            q, k, v = self._qkv(h)
            if groups is None:
                return self._attend(q, k, v, mask).transpose(1, 2).reshape(*h.shape[:-1], -1)
            # Packed rows [tokens, hidden]: each run of same-length sequences is one batch without padding.
            packed = h.new_empty((h.shape[0], self.heads, self.head_size))
            for start, count, length in groups:
                rows = slice(start, start + count * length)
                shape = (count, length, self.heads, self.head_size)
                o = self._attend(q[rows].view(shape), k[rows].view(shape), v[rows].view(shape), None)
                packed[rows].view(shape).copy_(o.transpose(1, 2))
            return packed.view(h.shape[0], self.heads * self.head_size)

    class DenseNorm(nn.Module):
        def __init__(self, n_in: int, c: BertConfigLite) -> None:
            super().__init__()
            self.dense = nn.Linear(n_in, c.hidden_size)
            self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)

        def forward(self, h: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
            return self.LayerNorm(self.dense(h) + residual)  # type: ignore[no-any-return]

    class Attention(nn.Module):
        def __init__(self, c: BertConfigLite) -> None:
            super().__init__()
            self.add_module("self", SelfAttention(c))
            self.output = DenseNorm(c.hidden_size, c)

        def forward(self, h: torch.Tensor, mask: torch.Tensor | None, groups: Groups | None = None) -> torch.Tensor:
            attend: Any = self._modules["self"]
            return self.output(attend(h, mask, groups), h)  # type: ignore[no-any-return]

    class Intermediate(nn.Module):
        def __init__(self, c: BertConfigLite) -> None:
            super().__init__()
            self.dense = nn.Linear(c.hidden_size, c.intermediate_size)

        def forward(self, h: torch.Tensor) -> torch.Tensor:
            x = self.dense(h)
            if FUSED and not torch.is_grad_enabled() and not torch.is_autocast_enabled(h.device.type):
                return torch.ops.aten.gelu_(x)  # x is this call's own buffer: no second one
            return F.gelu(x)

    class Layer(nn.Module):
        def __init__(self, c: BertConfigLite) -> None:
            super().__init__()
            self.attention = Attention(c)
            self.intermediate = Intermediate(c)
            self.output = DenseNorm(c.intermediate_size, c)

        def forward(self, h: torch.Tensor, mask: torch.Tensor | None, groups: Groups | None = None) -> torch.Tensor:
            a = self.attention(h, mask, groups)
            return self.output(self.intermediate(a), a)  # type: ignore[no-any-return]

    class Encoder(nn.Module):
        def __init__(self, c: BertConfigLite) -> None:
            super().__init__()
            self.layer = nn.ModuleList([Layer(c) for _ in range(c.num_hidden_layers)])

    class NativeBertModel(nn.Module):
        """transformers' ``BertModel`` forward (eval, no pooler) under the same parameter names."""

        def __init__(self, c: BertConfigLite) -> None:
            super().__init__()
            self.config = c
            self.embeddings = Embeddings(c)
            self.encoder = Encoder(c)

        # The encoder may pass sequences packed without padding (``lengths``): see ``_forward_packed``.
        accepts_packed = True

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None,
                    output_hidden_states: bool = False, lengths: Sequence[int] | None = None,
                    **_: Any) -> NativeOutput:
            if lengths is not None:
                return self._forward_packed(input_ids, lengths, output_hidden_states)
            h = self.embeddings(input_ids)
            mask = None
            if attention_mask is not None and not bool(attention_mask.all()):
                mask = attention_mask.bool()[:, None, None, :]  # padding: keys only, every query row
            states = [h] if output_hidden_states else None
            for layer in self.encoder.layer:
                h = layer(h, mask)
                if states is not None:
                    states.append(h)
            return NativeOutput(h, tuple(states) if states is not None else None)

        def _forward_packed(self, input_ids: torch.Tensor, lengths: Sequence[int],
                            output_hidden_states: bool) -> NativeOutput:
            """``forward(input_ids, lengths=...)``: the same over sequences packed end to end, no padding.

            ``input_ids`` is ``[tokens]``: the sequences one after the other, lengths ``lengths``.  Every
            step but attention works token by token, so it runs on the packed rows as they are;
            attention runs once per run of consecutive sequences of one length, with no mask (sort the
            sequences by length for few runs).  Outputs are ``[tokens, hidden]``, in the same order.  The
            numbers are those of ``forward`` on the padded batch to float rounding
            (``tests/test_native_bert.py``); the padded tokens' work and the mask are saved.  Forward
            hooks on the model see this call as ``lengths=...`` with ``[tokens]`` ids.
            """
            groups = run_lengths(lengths)
            positions = torch.cat([torch.arange(length, device=input_ids.device).repeat(count)
                                   for _, count, length in groups]) if groups else input_ids.new_empty(0)
            h = self.embeddings(input_ids, positions)
            states = [h] if output_hidden_states else None
            for layer in self.encoder.layer:
                h = layer(h, None, groups)
                if states is not None:
                    states.append(h)
            return NativeOutput(h, tuple(states) if states is not None else None)

    return NativeBertModel


Groups = list[tuple[int, int, int]]  # (first row, sequences, length) per run of same-length sequences


def run_lengths(lengths: Sequence[int]) -> Groups:
    """Runs of consecutive equal lengths as ``(first row, count, length)``."""
    out: Groups = []
    row = 0
    for n in lengths:
        n = int(n)
        if n <= 0:
            raise ValueError("packed sequences must not be empty")
        if out and out[-1][2] == n:
            start, count, _ = out[-1]
            out[-1] = (start, count + 1, n)
        else:
            out.append((row, 1, n))
        row += n
    return out


_MODEL_CLASS: Any = None
FUSED = True  # the fused CPU steps (see the module's docstring); False runs the unfused ops
def load(path: str | Path) -> tuple[Any, BertTokenizerLite] | None:
    """``(model, tokenizer)`` for a supported folder (model in eval mode, on the CPU); None otherwise."""
    global _MODEL_CLASS
    folder = Path(path)
    if not supported(folder):
        return None
    import torch
    from safetensors.torch import load_file

    if _MODEL_CLASS is None:
        _MODEL_CLASS = _build_model_class()
    cfg = BertConfigLite(json.loads((folder / "config.json").read_text(encoding="utf-8")))
    with torch.device("meta"):  # no random initialisation of weights that are replaced at once
        model = _MODEL_CLASS(cfg)
    state = load_file(str(folder / "model.safetensors"))
    state = {(k[5:] if k.startswith("bert.") else k): v for k, v in state.items()}
    wanted = set(model.state_dict())
    missing = wanted - set(state)
    if missing:
        log.info("%s: weights missing for %s; loading through transformers", folder, sorted(missing)[:3])
        return None
    # assign: the loaded tensors become the parameters (no second copy of the weights).
    model.load_state_dict({k: v.float() for k, v in state.items() if k in wanted}, strict=True, assign=True)
    model.eval()
    return model, BertTokenizerLite(folder)
