"""The harvesting standards: one module per standard, each written and checked through one protocol.

    dcat       DCAT-AP 3 (Turtle, JSON-LD, Hydra pages), checked with the official SHACL shapes
    datajson   Project Open Data 1.1 (data.json), checked with its JSON Schema
    ckan       CKAN's Action API v3 as static answers: the one CKAN description of each dataset
    json_api   the portal's own JSON (api/v1/), which the function reads
    schemaorg  schema.org Dataset JSON-LD, embedded in each dataset page (no file of its own)

Each module has `dataset()` (one dataset in its standard), `catalog()` where the standard has a
catalogue, `write()` and `check()`; the build calls `publish(job)` of each in `STANDARDS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from generator.problems import Problem
from generator.portal.model import Portfolio
from generator.publish.downloads.records import Downloads
from generator.publish.harvest.temporal import Periods


@dataclass(frozen=True)
class Job:
    """What every standard is written from: the portfolio, the staging site and the files made beside the originals."""

    portfolio: Portfolio
    site: Path
    downloads: Downloads
    previous: Path | None = None  # the last good site: a standard may check only what changed since
    dataset_json: dict[str, dict[str, Any]] = field(default_factory=dict)  # per dataset: fields json_api adds
    periods: Periods = field(default_factory=dict)  # the days each dataset's tables cover (temporal.coverage)
    cache: Any = None  # build.cache.Cache: results of earlier builds a standard may reuse (SHACL verdicts)


class Standard(Protocol):
    """A harvesting standard as the build sees it."""

    # True when its check spreads over the cores itself: the build runs it in its own process.
    OWN_CORES: bool

    def publish(self, job: Job) -> tuple[list[Problem], list[Problem]]:
        """Write the standard's files into job.site; return (errors, warnings) of its own validator."""
        ...


def standards() -> tuple[Standard, ...]:
    from generator.publish.harvest import ckan, datajson, dcat, json_api

    return (dcat, datajson, ckan, json_api)  # type: ignore[return-value]
