"""Give freed heap memory back to the operating system between chunks of work."""
from __future__ import annotations

import ctypes
import sys
from typing import Any

_LIBC: Any = None


def release_freed_memory() -> None:
    """Return freed heap pages to the OS (glibc's ``malloc_trim``; elsewhere nothing).

    The encoder's tensors change size from chunk to chunk and fragment the heap, so a long run's RSS
    creeps up although nothing is kept. Measured on DEMETR pairs: `evaluator batch` 530 -> 920 MB over
    2,300 pairs without it, 510 -> 560 MB between chunks with it; `evaluator score` on 3,000
    segments peaks at 1.1 GB without it, 0.56 GB with it.  Costs a few milliseconds a call.
    """
    global _LIBC
    if _LIBC is None:
        _LIBC = False
        if sys.platform.startswith("linux"):
            try:
                libc = ctypes.CDLL("libc.so.6")
                libc.malloc_trim.argtypes = [ctypes.c_size_t]
                _LIBC = libc
            except (OSError, AttributeError):
                pass
    if _LIBC:
        _LIBC.malloc_trim(0)
