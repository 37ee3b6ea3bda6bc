"""The local engine: chunks of pairs scored in this process, or in ``workers`` worker processes.

Worker processes (``workers > 1``) each load the models once and split the machine's cores between
their torch thread pools; at most two chunks per worker are in flight, so memory stays bounded and a
stop request takes effect within a chunk.  Workers ignore SIGINT: the driver decides when to stop.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from typing import TYPE_CHECKING

from ..batch import ChunkScorer, PairResult
from ..manifest import PairSpec
from ..options import Options

if TYPE_CHECKING:  # pragma: no cover
    from ..pipeline import OptionFiles

log = logging.getLogger(__name__)

_WORKER: ChunkScorer | None = None


def run_local(pending: Sequence[PairSpec], options: Options, *, workers: int = 1, timeout: float | None = None,
              chunk_size: int = 64, address: str | None = None, stop: threading.Event | None = None,
              files: OptionFiles | None = None) -> Iterator[PairResult]:
    """Yield a result per pending pair; in-process for ``workers == 1``.

    ``files``: the options' reference sets and glossaries, parsed already (``run_batch`` checks them
    first); the in-process scorer uses them, worker processes parse their own."""
    if address:
        log.warning("--address is ignored by the local engine")
    stop = stop or threading.Event()
    if not pending:
        return
    chunks = [list(pending[i:i + chunk_size]) for i in range(0, len(pending), chunk_size)]
    if workers <= 1:
        scorer = ChunkScorer(options, timeout=timeout, files=files, stop=stop)
        for chunk in chunks:
            pairs = scorer.iter_specs(chunk)
            try:
                for res in pairs:
                    yield res
                    if stop.is_set():  # a stop waits for the pair in hand, not the whole chunk
                        return
            finally:
                pairs.close()
        return
    yield from _run_pool(chunks, options, workers, timeout, stop)


def _run_pool(chunks: list[list[PairSpec]], options: Options, workers: int, timeout: float | None,
              stop: threading.Event) -> Iterator[PairResult]:
    from .._workers import spawn_pool

    pool = spawn_pool(workers, _init_worker, (options, timeout))
    todo = iter(chunks)
    running: set[Future[list[PairResult]]] = set()
    try:
        while True:
            while not stop.is_set() and len(running) < 2 * workers:
                chunk = next(todo, None)
                if chunk is None:
                    break
                running.add(pool.submit(_score_chunk, chunk))
            if not running:
                return
            finished, running = wait(running, return_when=FIRST_COMPLETED)
            for fut in finished:
                yield from fut.result()
    finally:
        for fut in running:
            fut.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def _init_worker(options: Options, timeout: float | None) -> None:
    """After ``_workers.init_worker_process`` (threads, signals, logging): the heap settings and the scorer."""
    global _WORKER
    from .._memory import tune_allocator

    tune_allocator()  # as the command line does: each chunk ends by trimming the heap
    _WORKER = ChunkScorer(options, timeout=timeout)


def _score_chunk(chunk: list[PairSpec]) -> list[PairResult]:
    from .._workers import set_torch_threads

    assert _WORKER is not None, "worker not initialised"
    set_torch_threads()
    return _WORKER.score_specs(chunk)
