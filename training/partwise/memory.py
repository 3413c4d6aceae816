"""A part's memory: give freed heap back to the system after each stage, and read the
process's peak resident memory for the stage accounting (docs/scaling.md).

A part frees most of what one stage built before the next builds more (the exchanged
tables, the inbound graph). glibc keeps freed small blocks in its arenas, so the next
stage's peak sits on top of the last one's garbage; ``malloc_trim(0)`` returns the free
pages to the system. Elsewhere (macOS, musl) it is a no-op. Arrow allocates from its own
pool (mimalloc or jemalloc), which keeps what it freed for itself; ``system_arrow_pool``
sends its allocations to the C heap too, so that one trim covers both.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import resource
import sys
from functools import cache


@cache
def _libc():
    """glibc's handle when it has ``malloc_trim``, else ``None``."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim.argtypes = [ctypes.c_size_t]
        libc.malloc_trim.restype = ctypes.c_int
    except (OSError, AttributeError):
        return None
    return libc


def trim() -> bool:
    """Return the heap's free pages to the system; whether anything was returned
    (``False`` where there is no ``malloc_trim``)."""
    libc = _libc()
    return bool(libc.malloc_trim(0)) if libc is not None else False


def system_arrow_pool() -> None:
    """Let Arrow allocate with the C heap (``malloc``), which ``trim`` can shrink."""
    import pyarrow as pa

    pa.set_memory_pool(pa.system_memory_pool())


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB."""
    unit = 2**20 if sys.platform == "darwin" else 2**10  # bytes on macOS, KiB elsewhere
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / unit, 1)
