"""Catalogue coverage per agency (Articles 8 and 11.1): entries published with data and not yet, and
progress against the agency's target for the roadmap stage (catalog/roadmap.yaml)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator.portal.model import Portfolio, Stage


@dataclass(frozen=True)
class Coverage:
    agency: str
    entries: list[str]  # catalogue codes of the agency
    published: list[str]  # of those, the ones with a dataset published by the date
    stage: Stage | None  # the stage the date falls in (the last one after the roadmap ends)
    target: int | None  # the agency's target for that stage; None: no target declared

    @property
    def pending(self) -> list[str]:
        return [c for c in self.entries if c not in self.published]

    @property
    def percent(self) -> int | None:
        return round(100 * len(self.published) / len(self.entries)) if self.entries else None

    @property
    def progress(self) -> int | None:
        """Published entries as a share of the stage's target (None without a target; 100 for a target of 0)."""
        if self.target is None:
            return None
        return 100 if self.target == 0 else round(100 * len(self.published) / self.target)


def stage_on(stages: list[Stage], day: dt.date) -> Stage | None:
    for s in stages:
        if day.isoformat() <= s.until:
            return s
    return stages[-1] if stages else None


def coverage(portfolio: Portfolio, day: dt.date, agency: str | None = None) -> list[Coverage]:
    """Per agency (or one), entries published with a dataset created on or before `day`."""
    catalog = portfolio.catalog
    stage = stage_on(catalog.roadmap, day)
    limit = day.isoformat()
    done = {d.catalogue for d in portfolio.datasets if d.created[:10] <= limit}
    out = []
    for aid in catalog.agencies:
        if agency not in (None, aid):
            continue
        codes = [e.code for e in catalog.entries.values() if e.agency == aid]
        out.append(Coverage(aid, codes, [c for c in codes if c in done], stage,
                            stage.targets.get(aid) if stage else None))
    return out
