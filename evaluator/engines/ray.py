"""The Ray engine: the same batch on a Ray cluster with Ray Data, results streamed back to the driver.

``ray.data.from_items(rows).map_batches(PairScorer, compute=ActorPoolStrategy(size=N), batch_size=chunk)``
runs a pool of N actors, each holding the models (loaded once in ``PairScorer.__init__``) and scoring
one chunk of pairs per call with the same ``ChunkScorer`` as the local engine, on the actor's main
thread, so the reports, and the error records of ``--timeout-per-pair``, are the same.  The
driver reads the documents (workers need not see its files) and iterates the output as it is
produced, writing each result line at once: a stopped or crashed run resumes as with the local engine.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from ..batch import ChunkScorer, PairInput, PairResult, load_input, options_from_dict
from ..io import LoadedText
from ..manifest import PairSpec
from ..options import Options

log = logging.getLogger(__name__)

_SIDE_FIELDS = ("text", "path", "encoding", "markdown")


class PairScorer:
    """A Ray Data callable class: one model-holding actor scoring a batch of pairs per call."""

    def __init__(self, options: dict[str, Any], timeout: float | None = None) -> None:
        from .._memory import tune_allocator
        from ..pipeline import set_offline

        set_offline()
        tune_allocator()  # as the command line does: each chunk ends by trimming the heap
        self._scorer = ChunkScorer(options_from_dict(options), timeout=timeout)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        inputs = [_row_to_input({k: batch[k][i] for k in batch}) for i in range(len(batch["id"]))]
        results = self._scorer.score_inputs(inputs)
        return {"id": np.array([r.id for r in results], dtype=object),
                "status": np.array([r.status for r in results], dtype=object),
                "line": np.array([r.line for r in results], dtype=object)}


def _actor_pool(workers: int, timeout: float | None) -> tuple[Any, dict[str, Any]]:
    """The actor pool for ``map_batches``: ``workers`` actors, each running its batches on its main thread.

    By default Ray Data runs a class's ``__call__`` in a helper thread of the actor, where
    ``--timeout-per-pair`` has no alarm: the chunk pre-pass would go untimed and a timed-out pair would
    be abandoned in a thread.  With ``enable_true_multi_threading`` and one call at a time per actor the
    call runs on the actor's main thread, so a chunk is timed exactly as in the local engine.
    """
    import inspect

    import ray

    params = inspect.signature(ray.data.ActorPoolStrategy).parameters
    kwargs: dict[str, Any] = {"size": workers}
    remote_args: dict[str, Any] = {}
    if "enable_true_multi_threading" in params:
        kwargs["enable_true_multi_threading"] = True
        if "max_concurrent_calls_per_actor" in params:
            kwargs["max_concurrent_calls_per_actor"] = 1
        else:
            remote_args["max_concurrency"] = 1
    elif timeout:
        log.warning("Ray %s runs batches off the actors' main thread: --timeout-per-pair does not cover the "
                    "chunk pre-pass and a timed-out pair keeps running in the background; a newer Ray "
                    "(with ActorPoolStrategy(enable_true_multi_threading=...)) times them as the local engine",
                    ray.__version__)
    return ray.data.ActorPoolStrategy(**kwargs), remote_args


def _input_to_row(it: PairInput) -> dict[str, Any]:
    row: dict[str, Any] = {"id": it.id, "error": it.error or ""}
    for side in ("original", "rewritten"):
        loaded = getattr(it, side)
        for f in _SIDE_FIELDS:
            value = getattr(loaded, f) if loaded is not None else None
            # Arrow columns need one type: empty strings and False stand in for "none".
            row[f"{side}_{f}"] = value if value is not None else (False if f == "markdown" else "")
    return row


def _row_to_input(row: dict[str, Any]) -> PairInput:
    if row["error"]:
        return PairInput(str(row["id"]), error=str(row["error"]))
    sides = [LoadedText(text=str(row[f"{s}_text"]), path=str(row[f"{s}_path"]) or None,
                        encoding=str(row[f"{s}_encoding"]), markdown=bool(row[f"{s}_markdown"]))
             for s in ("original", "rewritten")]
    return PairInput(str(row["id"]), sides[0], sides[1])


def run_ray(pending: Sequence[PairSpec], options: Options, *, workers: int = 1, timeout: float | None = None,
            chunk_size: int = 64, address: str | None = None, stop: threading.Event | None = None,
            ) -> Iterator[PairResult]:
    """Yield a result per pending pair, scored by ``workers`` actors on the cluster at ``address``."""
    import ray

    stop = stop or threading.Event()
    if not pending:
        return
    started = False
    if not ray.is_initialized():
        # address None starts a local instance; "auto" or "ray://host:10001" joins a cluster.
        ray.init(address=address, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
        started = True
    try:
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False  # the driver draws its own progress
        rows = [_input_to_row(load_input(s, options.max_input_bytes)) for s in pending]
        compute, remote_args = _actor_pool(workers, timeout)
        ds = ray.data.from_items(rows).map_batches(
            PairScorer,
            fn_constructor_kwargs={"options": options.to_dict(), "timeout": timeout},
            compute=compute,
            batch_size=chunk_size,
            batch_format="numpy",
            **remote_args,
        )
        for row in ds.iter_rows():
            yield PairResult(str(row["id"]), str(row["status"]), str(row["line"]))
            if stop.is_set():
                return
    finally:
        if started:
            ray.shutdown()
