"""The yearly reports the site publishes: every year of the portal's history, the province and each agency.

A report of an older year reads the portal as it stood at older commits, and scoring it runs the gate on
that commit: with a build cache, those scores are kept, keyed by the commit (and what else goes into
them), so each older commit is checked once, not at every build.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from generator.build.cache import Cache
from generator.build.verdicts import folder_digest
from generator.ops.yearly import figures
from generator.portal.gitinfo import iso
from generator.portal.model import Portfolio
from generator.quality import Band, Criterion, Score


def years(portfolio: Portfolio, history: Any) -> list[int]:
    firsts = [changes[-1][0] for changes in history.changes.values()]
    start = int(iso(min(firsts))[:4]) if firsts else int(portfolio.commit_time[:4])
    return list(range(start, int(portfolio.commit_time[:4]) + 1))


def reports(root: Path, portfolio: Portfolio, cache: Cache | None = None) -> list[dict[str, Any]]:
    """The figures of every report, newest year first (province, then its agencies). The build's own
    portfolio and scores stand for the current commit; older years are read from git."""
    root = root.resolve()
    current = figures.State(portfolio, portfolio.quality)
    states = _States(root, current, cache or Cache(None))
    out: list[dict[str, Any]] = []
    src = figures.gather(root, int(portfolio.commit_time[:4]), current=current, cache=states)
    for year in reversed(years(portfolio, src.history)):
        if year != int(portfolio.commit_time[:4]):
            src = figures.gather(root, year, current=current, cache=states)
        if src.end is None:
            continue
        out.append(figures.compute(src, year))
        out += [figures.compute(src, year, a) for a in src.end.portfolio.catalog.agencies]
    return out


class _States(dict):
    """figures.gather's states by commit, each made on first use: the build's own for HEAD, else the portal
    at that commit, scored from the build cache when it holds that commit's scores."""

    def __init__(self, root: Path, current: figures.State, cache: Cache):
        super().__init__()
        self.root, self.current, self.cache = root, current, cache
        self.history: Any = None

    def __contains__(self, commit: object) -> bool:
        return True  # every commit has a state: made by __missing__ when first asked for

    def __missing__(self, commit: str) -> figures.State:
        from generator.portal.gitinfo import read_history

        history = self.history = self.history or read_history(self.root)
        if commit == history.commit:
            state = self.current
        else:
            state = figures.state_at(self.root, commit, history, self.scores)
        self[commit] = state
        return state

    def scores(self, root: Path, portfolio: Portfolio) -> dict:
        """figures.gate_scores of an older commit, kept in the build cache. The key: the commit (its catalogue
        and data), the datasets' dates (from the history up to it), and the files the state takes from the
        portal as it is now (local/: the last link check)."""
        if self.cache.folder is None:
            return figures.gate_scores(root, portfolio)
        local = root / "local"
        entry_key = self.cache.key("yearly-scores", portfolio.commit, portfolio.commit_time,
                                   [(d.id, d.created, d.modified) for d in portfolio.datasets],
                                   folder_digest(local) if local.is_dir() else "")
        hit = self.cache.get(entry_key)
        if hit is not None:
            try:
                return {dataset: {sid: _score(s) for sid, s in scores.items()} for dataset, scores in hit.meta.items()}
            except (TypeError, KeyError, AttributeError):  # an entry of another shape: computed again
                pass
        scores = figures.gate_scores(root, portfolio)
        self.cache.put(entry_key, {dataset: {sid: dataclasses.asdict(s) for sid, s in by_id.items()}
                                   for dataset, by_id in scores.items()})
        return scores


def _score(data: dict[str, Any]) -> Score:
    return Score(data["id"], data["vi"], data["en"], [Criterion(**c) for c in data["criteria"]],
                 Band(**data["band"]), [tuple(g) for g in data["groups"]])
