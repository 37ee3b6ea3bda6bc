"""Batch engines: where the pairs of a batch are scored.

An engine is a function ``(pending specs, options, *, workers, timeout, chunk_size, address, stop)
-> Iterator[PairResult]`` that yields each pair's result as soon as it is ready, in any order; the
driver (``evaluator.batch.run_batch``) writes them.  ``local`` scores in this process (or in
``workers`` worker processes); ``ray`` on a Ray cluster with Ray Data.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ..errors import ConfigError

ENGINES = ("local", "ray")


def get_engine(name: str) -> Callable[..., Iterator[Any]]:
    """The engine function for a name (``ConfigError`` for an unknown one)."""
    if name == "local":
        from .local import run_local

        return run_local
    if name == "ray":
        from .ray import run_ray

        return run_ray
    raise ConfigError(None, f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
