"""Quality scores of a dataset, each explained criterion by criterion (Articles 9 and 11.4).

One interface for every score: a scorer takes a dataset and the build's inputs and returns a Score (its
criteria, points and band). The scores come only from the commit and the last recorded link check, so the
same commit with the same record always gives the same scores (and the same bytes).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol

from generator.ops.linkcheck import LastCheck
from generator.portal.model import Dataset, Portfolio
from generator.problems import Problem


@dataclass(frozen=True)
class Criterion:
    id: str
    vi: str  # what is checked
    en: str
    why_vi: str  # why it is there
    why_en: str
    points: float  # earned
    maximum: float
    met: bool | None  # None: the input is not known (e.g. never link-checked)
    detail_vi: str = ""
    detail_en: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.vi, "name_en": self.en, "why": self.why_vi, "why_en": self.why_en,
                "points": self.points, "max": self.maximum, "met": self.met,
                "detail": self.detail_vi, "detail_en": self.detail_en}


@dataclass(frozen=True)
class Band:
    id: str
    vi: str
    en: str


@dataclass(frozen=True)
class Score:
    id: str
    vi: str
    en: str
    criteria: list[Criterion]
    band: Band
    groups: list[tuple[str, str, str]] = field(default_factory=list)  # (id, vi, en) of criterion groups

    @property
    def points(self) -> float:
        return round(sum(c.points for c in self.criteria), 2)

    @property
    def maximum(self) -> float:
        return round(sum(c.maximum for c in self.criteria), 2)

    @property
    def percent(self) -> int:
        return round(100 * self.points / self.maximum) if self.maximum else 0

    def group_points(self, group: str) -> tuple[float, float]:
        inside = [c for c in self.criteria if c.id.split(".")[0] == group]
        return round(sum(c.points for c in inside), 2), round(sum(c.maximum for c in inside), 2)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.vi, "name_en": self.en, "points": self.points, "max": self.maximum,
                               "percent": self.percent,
                               "band": {"id": self.band.id, "name": self.band.vi, "name_en": self.band.en},
                               "criteria": [c.to_json() for c in self.criteria]}
        if self.groups:
            out["dimensions"] = [{"id": g, "name": vi, "name_en": en, "points": self.group_points(g)[0],
                                  "max": self.group_points(g)[1]} for g, vi, en in self.groups]
        return out


@dataclass(frozen=True)
class Inputs:
    """What the scores may read besides the dataset: all fixed by the commit and the last link check."""

    portfolio: Portfolio
    today: dt.date  # the commit's date: "on time" is judged as of the commit, never the clock
    links: LastCheck | None = None
    warnings: dict[str, int] = field(default_factory=dict)  # dataset id -> the gate's warnings on it
    # What a scorer computes once for the whole portfolio (the MQA's DCAT-AP triples), by scorer id.
    shared: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


class Scorer(Protocol):
    id: str

    def score(self, d: Dataset, inputs: Inputs) -> Score: ...


def scorers() -> list[Scorer]:
    from generator.quality import mqa, portal

    return [portal.PortalScore(), mqa.MqaScore()]


def assess(inputs: Inputs) -> dict[str, dict[str, Score]]:
    """Every dataset's scores: dataset id -> score id -> Score."""
    every = scorers()
    return {d.id: {s.id: s.score(d, inputs) for s in every} for d in inputs.portfolio.datasets}


# Warnings about the check itself, not the data: an API the offline build cannot ask (its reachability
# is the "reachable" criterion, from the link check).
NOT_ABOUT_THE_DATA = {"api-check-skipped"}


def warnings_per_dataset(portfolio: Portfolio, warnings: list[Problem]) -> dict[str, int]:
    """The gate's warnings counted per dataset (a warning names a file inside the dataset's folder)."""
    out: dict[str, int] = {}
    for d in portfolio.datasets:
        prefix = d.rel_folder + "/"
        n = sum(1 for w in warnings if (w.file.startswith(prefix) or w.file == d.descriptor_file)
                and w.code not in NOT_ABOUT_THE_DATA)
        if n:
            out[d.id] = n
    return out


def to_json(scores: dict[str, Score]) -> dict[str, Any]:
    return {sid: s.to_json() for sid, s in scores.items()}


def met(ok: bool | None, maximum: float) -> float:
    return float(maximum) if ok else 0.0
