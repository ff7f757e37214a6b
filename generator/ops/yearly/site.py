"""The yearly reports the site publishes: every year of the portal's history, the province and each agency."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.ops.yearly import figures
from generator.portal.gitinfo import iso
from generator.portal.model import Portfolio


def years(portfolio: Portfolio, history: Any) -> list[int]:
    firsts = [changes[-1][0] for changes in history.changes.values()]
    start = int(iso(min(firsts))[:4]) if firsts else int(portfolio.commit_time[:4])
    return list(range(start, int(portfolio.commit_time[:4]) + 1))


def reports(root: Path, portfolio: Portfolio) -> list[dict[str, Any]]:
    """The figures of every report, newest year first (province, then its agencies). The build's own
    portfolio and scores stand for the current commit; older years are read from git."""
    current = figures.State(portfolio, portfolio.quality)
    cache: dict[str, figures.State] = {}
    out: list[dict[str, Any]] = []
    src = figures.gather(root, int(portfolio.commit_time[:4]), current=current, cache=cache)
    for year in reversed(years(portfolio, src.history)):
        if year != int(portfolio.commit_time[:4]):
            src = figures.gather(root, year, current=current, cache=cache)
        if src.end is None:
            continue
        out.append(figures.compute(src, year))
        out += [figures.compute(src, year, a) for a in src.end.portfolio.catalog.agencies]
    return out
