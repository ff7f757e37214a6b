"""A dataset's temporal coverage: the descriptor's `temporal`, else the days its tables' dates cover."""

from __future__ import annotations

from generator.portal.model import Dataset

Periods = dict[str, tuple[str, str]]  # dataset id -> (first day, last day), from conversions.periods()


def coverage(d: Dataset, periods: Periods | None = None) -> tuple[str, str]:
    """(start, end) as ISO dates, either may be "" (open); ("", "") when nothing is known."""
    start, end = d.temporal.get("start", ""), d.temporal.get("end", "")
    if start or end:
        return start, end
    return (periods or {}).get(d.id, ("", ""))
