"""Token buckets: per key for the API, per client address for the public forms.

Kept in the process: a check costs a dict lookup, not a database round trip. With several instances
each enforces the limit on the traffic it receives (the load balancer spreads it), which the docs say.
"""

from __future__ import annotations

import math
import time
from typing import Hashable


class RateLimiter:
    def __init__(self, max_entries: int = 100_000) -> None:
        self._buckets: dict[Hashable, tuple[float, float]] = {}  # key -> (tokens, last refill time)
        self._max = max_entries

    def hit(self, key: Hashable, capacity: int, per_seconds: float) -> float:
        """Take one token; return 0 if allowed, else the seconds to wait before the next one."""
        now = time.monotonic()
        rate = capacity / per_seconds
        tokens, last = self._buckets.get(key, (float(capacity), now))
        tokens = min(float(capacity), tokens + (now - last) * rate)
        if tokens >= 1.0:
            self._buckets[key] = (tokens - 1.0, now)
            if len(self._buckets) > self._max:
                self._prune(now, rate)
            return 0.0
        self._buckets[key] = (tokens, now)
        return (1.0 - tokens) / rate

    def wait(self, key: Hashable, capacity: int, per_seconds: float) -> float:
        """The seconds before `hit` would allow `key` again (0: now), taking nothing."""
        entry = self._buckets.get(key)
        if entry is None:
            return 0.0
        rate = capacity / per_seconds
        tokens = min(float(capacity), entry[0] + (time.monotonic() - entry[1]) * rate)
        return 0.0 if tokens >= 1.0 else (1.0 - tokens) / rate

    def _prune(self, now: float, rate: float) -> None:
        # Drop the buckets idle longest (a flood of new addresses must not grow memory without bound).
        oldest = sorted(self._buckets.items(), key=lambda kv: kv[1][1])[: len(self._buckets) // 2]
        for key, _ in oldest:
            del self._buckets[key]

    def reset(self) -> None:
        self._buckets.clear()


def retry_after(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))
