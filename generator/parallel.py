"""Spread independent per-dataset work over the machine's cores (fork: workers inherit the loaded model).

Datasets share nothing in the gate's checks and in the DCAT shapes, so each
chunk's verdict is the whole one's; results come back in input order, so
output stays deterministic.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
_work: Callable[[Any], Any] | None = None


def _run(chunk: Any) -> Any:
    assert _work is not None
    return _work(chunk)


def chunks(items: Sequence[T], size: int) -> list[list[T]]:
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


def map_chunks(work: Callable[[list[T]], Any], items: Sequence[T], size: int) -> list[Any]:
    """work(chunk) for each chunk of `items`, in processes when there is more than one chunk and core."""
    global _work
    parts = chunks(items, size)
    workers = min(len(parts), os.cpu_count() or 1)
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [work(part) for part in parts]
    _work = work
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_run, parts))
    finally:
        _work = None
