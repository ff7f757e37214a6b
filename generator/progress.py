"""A one-line progress display on a terminal for long builds and validations (steps and datasets done).

Drawn on stderr only when it is a terminal and not in CI (the `CI` variable), and only once the work has
lasted `delay` seconds: short runs and CI logs stay as they were. Cleared when the work ends.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, stream: TextIO | None = None, delay: float = 2.0, live: bool | None = None):
        self.stream = stream or sys.stderr
        if live is None:
            live = bool(getattr(self.stream, "isatty", lambda: False)()) and not os.environ.get("CI") \
                and os.environ.get("TERM") != "dumb"
        self.live = live
        self.delay = delay
        self.started = time.monotonic()
        self.drawn = 0.0
        self.shown = False
        self.parts: dict[str, str] = {}

    def update(self, label: str, done: int, total: int | None = None) -> None:
        """`label` (e.g. “bộ dữ liệu/datasets”) has `done` of `total` done."""
        if not self.live:
            return
        self.parts[label] = f"{label} {done}/{total}" if total else f"{label} {done}"
        now = time.monotonic()
        if now - self.started < self.delay or (now - self.drawn < 0.1 and done != total):
            return
        self.drawn = now
        line = " · ".join(self.parts.values()) + f" · {now - self.started:.0f} s"
        self.stream.write("\r\x1b[K" + line)
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False


QUIET = Progress(live=False)
