"""The cyclic garbage collector held off while much is made that holds no cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def uncollected() -> Iterator[None]:
    """The cyclic garbage collector off meanwhile (its setting is the process's, for all
    threads): a refresh's feeds and articles, or grouping's 20,000 articles, make no cycles,
    and the collector would walk the many objects they make again and again."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
