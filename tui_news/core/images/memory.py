"""Large blocks given back to the system when freed (glibc's malloc; elsewhere nothing).

A picture's pixels, its kitty transmission or Sixel sequence and their copies between the
app and its encoder process are blocks of a megabyte or so, made in several threads (the
loaders, the workers that make pictures for the terminal). glibc's malloc maps such a block
on its own and unmaps it when freed, but only above a threshold that it raises to the size of
the largest such block freed so far (up to 32 MB); after that they come from its heaps, one
per thread, which keep what is freed for later. With kitty or Sixel that was the app's peak
RSS of the pictures bench at 116-118 MB; with the threshold fixed at 128 KiB, glibc's
initial one, 99 MB (half blocks: ~1 MB less).
"""

from __future__ import annotations

import ctypes
import functools

M_MMAP_THRESHOLD = -3  # glibc's malloc.h
THRESHOLD = 128 * 1024


@functools.cache
def return_large_blocks() -> bool:
    """Fix glibc's mapping threshold at :data:`THRESHOLD` for this process (once); False
    where the C library has no ``mallopt`` or refuses."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):  # no such C library (TypeError: Windows)
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, THRESHOLD))
