"""Meaning-drift checks: one module per check, each registering itself in ``base.REGISTRY``."""
from __future__ import annotations

import importlib
import pkgutil

from ._dedupe import dedupe_findings
from .base import REGISTRY, Check, CheckContext, register, run_checks

__all__ = ["REGISTRY", "Check", "CheckContext", "register", "run_checks", "load_all", "dedupe_findings",
           "release_word_caches"]

_loaded = False


def load_all() -> None:
    """Import every check module in this package so that each registers itself."""
    global _loaded
    if _loaded:
        return
    for info in pkgutil.iter_modules(__path__):
        if info.name not in {"base"} and not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    _loaded = True


def release_word_caches() -> int:
    """Empty the checks' word-level caches; returns how many entries went.

    They are keyed by words and names (``norm_text``, ``_token_words``, ``fuzzy_equal``, the synonym and
    WordNet lookups): bounded, but together about a million entries once full, which a long
    line-aligned set fills slowly.  `evaluator score` empties them after every chunk, as it does
    sacrebleu's, so that its memory stays flat; within a chunk they still serve every repeat.
    """
    from ..lexicon import WordNet
    from . import _names_util, _struct_util, entities

    cached = [_struct_util.norm_text, _struct_util._synonym_fn, _names_util._token_words, _names_util.fuzzy_equal,
              _names_util.name_variant, entities._demonym_of, entities._wordnet_places]
    cached += [f for f in vars(WordNet).values() if hasattr(f, "cache_clear") and hasattr(f, "cache_info")]
    freed = 0
    for fn in cached:
        freed += fn.cache_info().currsize
        fn.cache_clear()
    return freed
