"""A part's memory: large blocks given back to the system as soon as they are freed,
the rest of the freed heap after each stage, and the process's peak resident memory for
the stage accounting (docs/scaling.md).

A part frees most of what one stage built before the next builds more (the exchanged
tables, the inbound graph), and within a stage it builds and drops many arrays of a few
MB. glibc gives a block of at least ``M_MMAP_THRESHOLD`` bytes its own mapping, returned
to the system when freed, but raises that threshold to the size of every such block
freed (up to 32 MB), so that later arrays of that size come from the heap and stay there
once freed: garbage under the next peak. ``part_allocators`` fixes the threshold at
glibc's default instead, and ``malloc_trim(0)`` after each stage returns the heap's free
pages. Elsewhere (macOS, musl) both are no-ops. Arrow allocates from its own pool
(mimalloc or jemalloc), which keeps what it freed for itself; ``part_allocators`` sends
its allocations to the C heap too, so that the same rules cover them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import resource
import sys
from functools import cache

#: ``mallopt``'s parameter for the block size from which glibc maps a block on its own.
M_MMAP_THRESHOLD = -3
#: That size, fixed for a part's process: glibc's default (setting it turns off the
#: dynamic raise).
MMAP_THRESHOLD = 128 * 2**10

#: The same rules for every worker process of a local Ray instance, set before it starts:
#: Ray Data's tasks and shuffle actors run no code of ours that could set them. Measured
#: on the feature pass alone at 1,000,000 accounts in 8 parts (docs/scaling.md): its
#: largest worker 1.84 -> 1.03 GB.
WORKER_ENV = {"MALLOC_MMAP_THRESHOLD_": str(MMAP_THRESHOLD),
              "ARROW_DEFAULT_MEMORY_POOL": "system"}


@cache
def _libc():
    """glibc's handle when it has ``malloc_trim`` and ``mallopt``, else ``None``."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim.argtypes = [ctypes.c_size_t]
        libc.malloc_trim.restype = ctypes.c_int
        libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        libc.mallopt.restype = ctypes.c_int
    except (OSError, AttributeError):
        return None
    return libc


def part_allocators() -> None:
    """Set up this process's allocators for a part (once per process; again is harmless):
    Arrow on the C heap (``system_arrow_pool``) and every block of ``MMAP_THRESHOLD``
    bytes or more mapped on its own, so that it goes back to the system when freed.

    Measured at 1,000,000 accounts in 8 parts (features stage): the per-account layer's
    blocks (``training.partwise.scoring``) left the part 130-160 MB larger with glibc's
    dynamic threshold, most of it freed blocks kept in the heap, and about 20 MB larger
    with the fixed one; the largest part's peak 833 -> 741 MB (docs/scaling.md)."""
    system_arrow_pool()
    libc = _libc()
    if libc is not None:
        libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)


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
