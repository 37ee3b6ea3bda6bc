"""Worker processes of this machine: what `batch --workers` and `score --workers` share.

Spawned, not forked (torch's and the tokenizers' thread pools do not survive fork); each worker
takes its share of the cores for its torch threads, ignores SIGINT (the parent decides when to
stop), dies with the parent however the parent ends (Linux), and logs as the command line that
started it does.
"""
from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

_THREADS = 1  # torch threads of this worker process


def spawn_pool(workers: int, initializer: Callable[..., None], initargs: tuple[Any, ...] = ()) -> ProcessPoolExecutor:
    """A pool of ``workers`` spawned processes; ``initializer(*initargs)`` runs in each after
    ``init_worker_process`` has set it up."""
    import multiprocessing

    from .cli import cli_log_level

    threads = max(1, (os.cpu_count() or 1) // workers)
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_init, initargs=(threads, os.getpid(), cli_log_level(), initializer,
                                                            initargs))


def _init(threads: int, parent: int, log_level: int | None, initializer: Callable[..., None],
          initargs: tuple[Any, ...]) -> None:
    init_worker_process(threads, parent, log_level)
    initializer(*initargs)


def init_worker_process(threads: int, parent: int, log_level: int | None) -> None:
    global _THREADS
    from .cli import configure_worker_logging

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)
    configure_worker_logging(log_level)  # warnings in the command line's one-line format
    # torch may be imported only later (a warm cache may serve every pair): it reads these on import,
    # and set_torch_threads() sets the count again once it is loaded.
    _THREADS = threads
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(threads)
    set_torch_threads()


def set_torch_threads() -> None:
    """Give loaded torch this worker's thread count (a no-op before torch is imported)."""
    torch = sys.modules.get("torch")
    if torch is not None and torch.get_num_threads() != _THREADS:
        torch.set_num_threads(_THREADS)


def _die_with_parent(parent: int) -> None:
    """Linux: this worker gets SIGKILL when the process that started it ends, however it ends (SIGTERM
    from a CI runner, SIGKILL), so no worker goes on working for nobody."""
    import ctypes

    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it ended before the line above took effect
        os._exit(1)


def terminate(pool: ProcessPoolExecutor) -> None:
    """Stop the pool's processes now, not after the work in their hands."""
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        proc.terminate()
