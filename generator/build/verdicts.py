"""The gate's verdict on one dataset, from the build cache when nothing it depends on changed.

A dataset's verdict depends on every file of its folder, the catalogue
(agencies, licences, topics, the catalogue entries and reviewers'
decisions) and the generator: all are in the key. The cached verdict
holds the problems found, the legacy encodings to convert, and each table as
the gate read it (the Arrow file every output is made from).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
from pathlib import Path

from generator.build.cache import Cache, file_digest, key
from generator.gate.run import Report, check_dataset
from generator.portal.model import Catalog, Dataset
from generator.problems import Problem, Problems
from generator.tables import reader as tables


def folder_digest(folder: Path, skip: tuple[str, ...] = ()) -> str:
    """Every file under `folder` (names and bytes) but those named in `skip`: a dataset's folder, or the
    catalogue (without withdrawn.yaml: it decides which datasets are loaded, not what a check finds)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.relative_to(folder).as_posix() not in skip):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + file_digest(path).encode())
    return digest.hexdigest()


def _link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # another filesystem, or links refused
        shutil.copyfile(source, target)


def check(d: Dataset, catalog: Catalog, catalogue_digest: str, cache: Cache, found: Problems, report: Report,
          readings: Path) -> None:
    """check_dataset(d) as the build runs it (offline, tables saved into `readings`), or its cached verdict."""
    entry_key = key("gate", catalogue_digest, d.id, d.rel_folder, folder_digest(d.folder))
    hit = cache.get(entry_key)
    if hit is not None:
        found.items.extend(Problem(**p) for p in hit.meta["problems"])
        for name, encoding in hit.meta["conversions"]:
            report.conversions[(d.id, name)] = encoding
        for name in hit.meta["readings"]:
            _link(hit.path(f"{name}.arrow"), tables.saved(readings, d.id, name))
        return
    mine, own = Problems(), Report()
    check_dataset(d, catalog, mine, own, offline=True, readings=readings)
    found.items.extend(mine.items)
    report.conversions.update(own.conversions)
    saved = {r.name: tables.saved(readings, d.id, r.name) for r in d.resources}
    saved = {name: path for name, path in saved.items() if path.is_file()}
    cache.put(entry_key, {"problems": [dataclasses.asdict(p) for p in mine.items],
                          "conversions": [[name, enc] for (_, name), enc in sorted(own.conversions.items())],
                          "readings": sorted(saved)},
              {f"{name}.arrow": path for name, path in saved.items()})
