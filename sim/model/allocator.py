"""Allocator settings for large models: far fewer page faults while the graph is built.

glibc's malloc serves every block above a threshold with fresh pages from the kernel (mmap),
which are faulted in one 4 KB page at a time when first written, and hands them back when the
block is freed. The threshold starts at 128 KB and only rises (to at most 32 MB) as such
blocks are freed, so building a large population, thousands of short-lived arrays of every
size, pays about 220,000 page faults at 1,000,000 persons (about 0.5 s of a 3 s build;
`benchmarks/bench_allocator.py`). The daily step does not: by then the threshold has risen.

`tune_for(persons)` fixes the threshold at glibc's own dynamic ceiling (32 MB) and lets up to
512 MB of freed memory at the top of the heap stay with the process for reuse, from the first
array on. It changes where memory comes from, never a number the model computes. It acts only
from `LARGE_POPULATION` persons (smaller models fault little), once per process (once it has
succeeded), and only under glibc (elsewhere it does nothing). A forked child inherits it;
the experiment pools spawn their workers, and each tunes itself for a large build. It does
not touch Python's own small-object allocator. `$CIRCLESIM_MALLOC_TUNING=off` leaves the allocator alone.

The setting is process-wide and stays: a notebook that builds a large model keeps up to
512 MB of freed memory for its next arrays rather than returning it to the system at once.

>>> tune_for(5_000)   # small models leave the allocator alone
False
"""

from __future__ import annotations

import ctypes
import os
import platform

#: Persons from which a model tunes the allocator (its build allocates arrays of megabytes).
LARGE_POPULATION = 200_000
#: Blocks from this size up come straight from the kernel (glibc's own dynamic ceiling, 32 MB).
MMAP_THRESHOLD = 32 * 2**20
#: Freed memory kept at the top of the heap before it is returned to the kernel.
TRIM_THRESHOLD = 512 * 2**20

_M_TRIM_THRESHOLD = -1  # mallopt parameter numbers, from glibc's malloc.h
_M_MMAP_THRESHOLD = -3

_tuned = False


def enabled() -> bool:
    """Whether tuning is allowed (`$CIRCLESIM_MALLOC_TUNING` is not off/0/false/no)."""
    return os.environ.get("CIRCLESIM_MALLOC_TUNING", "on").strip().lower() not in {"off", "0", "false", "no"}


def tune_for(persons: int) -> bool:
    """Fix glibc's mmap and trim thresholds before building a model of `persons`; True if set now."""
    global _tuned
    if _tuned or persons < LARGE_POPULATION or not enabled():
        return False
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    # mallopt returns 1 on success; if the first fails, nothing changed and we stop there
    if mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) != 1:
        return False
    mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    _tuned = True
    return True
