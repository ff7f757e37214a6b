"""Spread independent work over the machine's cores (fork: workers inherit the loaded model).

`map_chunks`: per-dataset work in chunks. Datasets share nothing in the
gate's checks and in the DCAT shapes, so each chunk's verdict is the whole
one's; results come back in input order, so output stays deterministic.

`Background`: one step of the build (the pages and MkDocs, say) in a child
process while the build goes on; `result()` waits for it and returns what it
returned, or raises what it raised. Steps that run side by side write
different files, so the output does not depend on which finishes first.
`Beside`: the same in a thread, for work that leaves the interpreter free.

Every worker freezes the garbage collector's view of what it inherited (a
collection would otherwise walk, and so copy, the whole model in each child)
and collects less often (`calm_gc`); so does the build itself once the model
is loaded. A worker collects in full after each chunk (cycles a chunk left
would otherwise stay until the next rare full collection, and a worker of
many chunks would grow by each one's), and the caller before it forks them.
"""

from __future__ import annotations

import gc
import multiprocessing
import sys
import os
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")
_work: Callable[[Any], Any] | None = None


# Libraries that start threads of their own when first used: a fork after that can copy a held lock into the
# child and hang it (vl-convert's renderer runtime). A process that has loaded one runs its work in place.
THREADED = ("vl_convert",)


def forking() -> bool:
    # A daemonic process may have no children of its own.
    return ("fork" in multiprocessing.get_all_start_methods() and not any(m in sys.modules for m in THREADED)
            and not multiprocessing.current_process().daemon)


def calm_gc() -> None:
    """Leave what exists to the refcounts and collect new garbage less often: the build makes millions of
    small objects (triples, cells) and few cycles, and a full collection walks the whole model."""
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, 50, 100)


GC_THRESHOLD = 100_000  # allocations between young collections (Python's default: 700)


def _run(chunk: Any) -> Any:
    assert _work is not None
    try:
        return _work(chunk)
    finally:
        # A worker runs chunk after chunk, and the rare full collections of calm_gc would leave each chunk's
        # cycles (pySHACL's graphs, say) in place: the worker would grow by a chunk's garbage every time.
        gc.collect()


def chunks(items: Sequence[T], size: int) -> list[list[T]]:
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


def map_chunks(work: Callable[[list[T]], Any], items: Sequence[T], size: int,
               done: Callable[[int], None] | None = None) -> list[Any]:
    """work(chunk) for each chunk of `items`, in processes when there is more than one chunk and core;
    `done(n)` after each chunk, with the number of items done so far."""
    global _work
    parts = chunks(items, size)
    workers = min(len(parts), os.cpu_count() or 1)
    results: list[Any] = []

    def collect(outcomes: Any) -> list[Any]:
        for part, outcome in zip(parts, outcomes):
            results.append(outcome)
            if done:
                done(sum(len(p) for p in parts[:len(results)]))
        return results

    if workers <= 1 or not forking():
        return collect(work(part) for part in parts)
    _work = work
    gc.collect()  # no worker inherits this process's garbage
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=calm_gc) as pool:
            return collect(pool.map(_run, parts))
    finally:
        _work = None


def _background(work: Callable[[], Any], send: Any) -> None:
    calm_gc()
    try:
        outcome = (True, work())
    except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
        outcome = (False, exc)
    try:
        send.send(outcome)
    except Exception:  # an unpicklable result or exception: its traceback still reaches the parent
        send.send((False, RuntimeError("".join(traceback.format_exception(outcome[1]))
                                       if not outcome[0] else "unpicklable result")))
    send.close()


class Background(Generic[R]):
    """work() in a forked child, started at once (run in place where fork is missing)."""

    def __init__(self, work: Callable[[], R]):
        self._proc = None
        if not forking():
            try:
                self._outcome: tuple[bool, Any] = (True, work())
            except Exception as exc:  # noqa: BLE001 - raised by result(), as from a child
                self._outcome = (False, exc)
            return
        context = multiprocessing.get_context("fork")
        self._recv, send = context.Pipe(duplex=False)
        self._proc = context.Process(target=_background, args=(work, send))
        self._proc.start()
        send.close()

    def result(self) -> R:
        if self._proc is not None:
            try:
                self._outcome = self._recv.recv()
            except EOFError:
                self._proc.join()
                code = self._proc.exitcode
                self._outcome = (False, RuntimeError(f"một bước của bản dựng đã dừng giữa chừng (mã thoát {code}); "
                                                     f"a build worker stopped (exit code {code})"))
            finally:
                self._recv.close()
            self._proc.join()
            self._proc = None
        ok, value = self._outcome
        if not ok:
            raise value
        return value

    def cancel(self) -> None:
        """Stop the child if it still runs (the build failed elsewhere)."""
        if self._proc is not None:
            self._proc.terminate()
            self._proc.join()
            self._recv.close()
            self._proc = None
            self._outcome = (False, RuntimeError("cancelled"))


class Beside(Generic[R]):
    """work() in a thread of this process, started at once: for work that leaves the interpreter free
    (pyarrow's kernels) beside work that holds it; `result()` returns what it returned, or raises what it
    raised."""

    def __init__(self, work: Callable[[], R]):
        import threading

        self._outcome: tuple[bool, Any] = (False, RuntimeError("not done"))

        def run() -> None:
            try:
                self._outcome = (True, work())
            except BaseException as exc:  # noqa: BLE001 - raised by result(), in the caller's thread
                self._outcome = (False, exc)

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    def result(self) -> R:
        self._thread.join()
        ok, value = self._outcome
        if not ok:
            raise value
        return value


def first_done(jobs: dict[str, Background[Any]]) -> str:
    """The name of a job whose result is ready (waiting until one is)."""
    from multiprocessing.connection import wait

    for name, job in jobs.items():
        if job._proc is None:
            return name
    ready = wait([job._recv for job in jobs.values()])
    return next(name for name, job in jobs.items() if job._recv in ready)
