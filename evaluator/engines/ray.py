"""The Ray engine: the same batch on a Ray cluster with Ray Data, results streamed back to the driver.

``ray.data.from_items(rows).map_batches(PairScorer, compute=ActorPoolStrategy(size=N), batch_size=chunk)``
runs a pool of N actors, each holding the models (loaded once in ``PairScorer.__init__``) and scoring
one chunk of pairs per call with the same ``ChunkScorer`` as the local engine, on the actor's main
thread, so the reports, and the error records of ``--timeout-per-pair``, are the same.  The
driver reads the documents (workers need not see its files) and iterates the output as it is
produced, writing each result line at once: a stopped or crashed run resumes as with the local engine.

``ray.init`` replaces the process's SIGTERM handler with Ray's own (``sys.exit``): the driver's
handler (the command line's "finish the pairs in hand, then stop") is put back as soon as it returns,
and a SIGTERM that Ray's handler took while connecting stops the run as the driver's would.  Before
connecting, ``check_address`` makes an unreachable ``--address`` one input error within seconds; Ray
itself would retry the GCS for many minutes.
"""
from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import threading
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

from ..batch import ChunkScorer, PairInput, PairResult, load_input, options_from_dict
from ..errors import InputError
from ..io import LoadedText
from ..manifest import PairSpec
from ..options import Options

log = logging.getLogger(__name__)

_SIDE_FIELDS = ("text", "path", "encoding", "markdown")
# Seconds a cluster's port may take to accept a TCP connection before --address counts as unreachable.
CONNECT_TIMEOUT = float(os.environ.get("EVALUATOR_RAY_CONNECT_TIMEOUT", "5"))
RAY_CLIENT_PORT = 10001


def check_address(address: str | None, timeout: float = CONNECT_TIMEOUT) -> None:
    """Raise ``InputError`` (exit 2, one line) for a ``--address`` Ray cannot join, within ``timeout`` s.

    ``ray://`` needs the Ray client (``ray[client]``, which brings grpc); ``auto`` needs a cluster Ray
    can find (``RAY_ADDRESS`` or one started on this machine); and the host and port must accept a TCP
    connection.  A port that accepts but is no Ray cluster is still left to Ray.
    """
    if address is None or address == "local":
        return  # a local instance is started
    if "://" in address:
        parts = urlsplit(address)
        if parts.scheme != "ray":
            return  # another client protocol (a plugin's): Ray checks it
        if _client_dependency_error() is not None:
            raise InputError(f"--address {address}: joining a cluster through the Ray client needs the "
                             "`ray[client]` package on this machine (pip install 'ray[client]'); or run on a "
                             "node of the cluster with --address auto")
        try:
            host, port = parts.hostname or "", parts.port or RAY_CLIENT_PORT
        except ValueError as exc:  # a port that is not a number
            raise InputError(f"--address {address}: {exc}") from None
    else:
        host, port = _bootstrap_address(address)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        reason = (f"no answer within {timeout:g} s" if isinstance(exc, TimeoutError)
                  else exc.strerror or type(exc).__name__)
        where = "there" if address.endswith(f"{host}:{port}") else (
            f"at {host}:{port}, the address Ray joins for it" if "://" not in address and address != "auto"
            else f"at {host}:{port}")  # Ray turns a loopback address into this machine's own
        raise InputError(f"--address {address}: no Ray cluster answers {where} ({reason}); check the address "
                         "(`ray status` on the head node prints it)") from None


def _client_dependency_error() -> Exception | None:
    try:
        from ray._private.utils import get_ray_client_dependency_error
    except ImportError:  # another Ray: what the client needs
        try:
            import grpc  # noqa: F401
        except ImportError as exc:
            return exc
        return None
    return get_ray_client_dependency_error()  # type: ignore[no-any-return]


def _bootstrap_address(address: str) -> tuple[str, int]:
    """``host:port`` of the GCS that ``ray.init(address=...)`` would join (``auto`` resolved as Ray does)."""
    try:
        from ray._private.services import canonicalize_bootstrap_address
    except ImportError:
        canonical: str | None = address
    else:
        try:
            canonical = canonicalize_bootstrap_address(address)
        except ConnectionError as exc:  # auto, and no cluster to be found
            raise InputError(f"--address {address}: {exc}") from None
        except ValueError as exc:
            raise InputError(f"--address {address}: not a Ray address ({exc})") from None
    host, sep, port = (canonical or address).rpartition(":")
    if not sep or not port.isdigit():
        raise InputError(f"--address {address}: not a Ray address; give host:port, auto or ray://host:port")
    return host.strip("[]"), int(port)


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
            address_checked: bool = False) -> Iterator[PairResult]:
    """Yield a result per pending pair, scored by ``workers`` actors on the cluster at ``address``.

    ``address_checked``: the caller ran ``check_address(address)`` already (``run_batch`` does); the
    address is then not probed again."""
    import ray

    stop = stop or threading.Event()
    if not pending:
        return
    started = False
    if not ray.is_initialized():
        if not address_checked:
            check_address(address)
        if stop.is_set():
            return
        started = True
        if not _init(ray, address):
            ray.shutdown()
            return
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
        before = set(threading.enumerate())
        rows_out = iter(ds.iter_rows())  # the generator itself: it has close()
        try:
            for row in rows_out:
                yield PairResult(str(row["id"]), str(row["status"]), str(row["line"]))
                if stop.is_set():
                    return
        finally:
            _close_stream(rows_out, before)
    finally:
        if started:
            ray.shutdown()


# Ray Data's driver-side threads that run on after a stream is closed (Ray 2.60's names): the executor's
# scheduling loop, its metadata fetcher and the iterator's formatting workers.  (Its block prefetcher
# parks on a condition until collected and calls Ray only for blocks it is handed: not waited for.)
_DATA_THREADS = ("StreamingExecutor-", "ray-data-metadata-prefetch", "iter_threaded")
DATA_THREADS_JOIN_S = 30.0


def _close_stream(rows_out: Any, before: set[threading.Thread], join_s: float = DATA_THREADS_JOIN_S) -> None:
    """Close Ray Data's row iterator and wait for the driver-side threads it started (not in ``before``).

    A run stopped mid-stream leaves them running for a moment after the iterator is closed (the
    formatting workers wake from the executor's queue); one that touches the core worker after
    ``ray.shutdown`` ends the whole process with exit 1 (Ray's "core worker has already been shutdown",
    seen on a loaded CI machine instead of exit 130).  A second SIGTERM or Ctrl-C interrupts the wait."""
    import time

    close = getattr(rows_out, "close", None)
    if close is not None:
        close()
    deadline = time.monotonic() + join_s

    def started() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t not in before and t.name.startswith(_DATA_THREADS)]

    for t in started():
        t.join(max(0.0, deadline - time.monotonic()))
    late = [t.name for t in started() if t.is_alive()]
    if late:
        log.warning("Ray Data threads still running after %.0f s: %s", join_s, ", ".join(late))


def _init(ray: Any, address: str | None) -> bool:
    """``ray.init``, then the SIGTERM and SIGINT handlers it found put back; False when a SIGTERM stopped it.

    Ray installs a SIGTERM handler that exits (``sys.exit``) at the start of ``ray.init``; left there,
    SIGTERM mid-batch would end the driver with exit 15, no message and no summary.  A SIGTERM during
    ``ray.init`` itself reaches Ray's handler: its ``SystemExit`` is handed to the driver's handler as
    the signal it was, and the run stops before any pair (``stop`` is set by that handler).
    """
    main = threading.current_thread() is threading.main_thread()
    saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)} if main else {}
    try:
        # address None starts a local instance; "auto" or "ray://host:10001" joins a cluster.
        ray.init(address=address, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    except SystemExit:
        handler = saved.get(signal.SIGTERM)
        if not callable(handler):
            raise  # nobody else handles SIGTERM here: Ray's exit is the process's
        _restore(saved)
        handler(signal.SIGTERM, None)
        return False
    finally:
        _restore(saved)
    return True


def _restore(saved: dict[Any, Any]) -> None:
    for sig, handler in saved.items():
        with contextlib.suppress(ValueError, TypeError):  # a handler not installed from Python: None
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
