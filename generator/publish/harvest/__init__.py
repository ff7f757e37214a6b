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

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property
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

    @cached_property
    def fingerprints(self) -> dict[str, str]:
        return fingerprints(self.portfolio)

    def part_key(self, part: str, dataset_id: str, *more: Any) -> str:
        """The cache key of one dataset's `part` of a standard: the dataset and the catalogue
        (`fingerprints`), its downloads, the days its tables cover, and `more` the part depends on."""
        import hashlib

        import orjson

        from generator.build.cache import key

        inputs = orjson.dumps([self._downloads.get(dataset_id, []), self.periods.get(dataset_id), *more],
                              option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS, default=str)
        return key(part, self.fingerprints[dataset_id], hashlib.sha256(inputs).hexdigest())

    @cached_property
    def _downloads(self) -> dict[str, list[list[Any]]]:
        return {i: [[getattr(x, f.name) for f in dataclasses.fields(x)] for x in items]
                for i, items in self.downloads.items()}

    def parts(self, name: str) -> Any:
        """build.cache.Parts of this build's cache (none: every part is made)."""
        from generator.build.cache import Parts

        return Parts(self.cache, name)


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


def fingerprints(p: Portfolio) -> dict[str, str]:
    """Per dataset id, a digest of everything a standard reads about the dataset beside its downloads: the
    dataset as loaded (descriptor, files' sizes and hashes, git times), the catalogue (portal, agencies,
    topics, licences, entries) and the administrative-unit lists. The generator's version is in every cache
    key (build.cache.key): a change to the code makes all of them new."""
    import hashlib

    import orjson

    from generator.build.verdicts import folder_digest
    from generator.portal import units

    def dump(value: Any) -> bytes:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS, default=str)

    common = hashlib.sha256(dump(p.catalog))
    if p.datasets:
        lists = units.root_of(p.datasets[0]) / units.FOLDER
        common.update(folder_digest(lists).encode() if lists.is_dir() else b"")
    out = {}
    for d in p.datasets:
        fields = {f.name: getattr(d, f.name) for f in dataclasses.fields(d) if f.name not in _VOLATILE}
        # Where a file was read from changes from build to build (a converted copy in a temporary folder):
        # its bytes are its hash.
        fields["resources"] = [{**{f.name: getattr(r, f.name) for f in dataclasses.fields(r) if f.name not in _VOLATILE},
                                "published": r.source is not None} for r in d.resources]
        digest = common.copy()
        digest.update(dump(fields))
        out[d.id] = digest.hexdigest()
    return out


_VOLATILE = frozenset({"folder", "source", "reading", "layout", "unspecified"})
