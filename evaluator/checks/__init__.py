"""Meaning-drift checks: one module per check, each registering itself in ``base.REGISTRY``."""
from __future__ import annotations

import importlib
import pkgutil

from ._dedupe import dedupe_findings
from .base import REGISTRY, Check, CheckContext, register, run_checks

__all__ = ["REGISTRY", "Check", "CheckContext", "register", "run_checks", "load_all", "dedupe_findings"]

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
