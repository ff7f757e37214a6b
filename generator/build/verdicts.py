"""The gate's verdict on one dataset, from the build cache when nothing it depends on changed.

A dataset's verdict depends on every file of its folder, the catalogue facts
its checks read (`catalogue_facts`: its catalogue entry and agency, the lists
of administrative units when a field declares one) and the generator: all
are in the key, and nothing else, so an edit of another dataset's catalogue
entry re-checks only that dataset. The cached verdict holds the problems
found, the legacy encodings to convert, and each table as the gate read it
(the Arrow file every output is made from).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from pathlib import Path

from generator.build.cache import Cache, file_digest, key, link
from generator.gate.run import Report, check_dataset
from generator.portal.model import Catalog, Dataset
from generator.problems import Problem, Problems
from generator.tables import reader as tables


def folder_digest(folder: Path, skip: tuple[str, ...] = ()) -> str:
    """Every file under `folder` (names and bytes) but those named in `skip`."""
    digest = hashlib.sha256()
    for rel, path in sorted(_files(str(folder), "")):
        if rel not in skip:
            digest.update(rel.encode() + b"\0" + file_digest(Path(path)).encode())
    return digest.hexdigest()


def _files(folder: str, prefix: str) -> list[tuple[str, str]]:
    """(path relative to the top folder, path) of every file below `folder` (os.scandir: no Path per entry)."""
    out = []
    with os.scandir(folder) as entries:
        for entry in entries:
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                out += _files(entry.path, rel + "/")
            elif entry.is_file():
                out.append((rel, entry.path))
    return out


def catalogue_facts(d: Dataset, catalog: Catalog, root: Path | None) -> list:
    """What of catalog/ the gate's checks of `d` read: its catalogue entry and its agency, and the lists of
    administrative units when one of its fields declares `admin_unit` (the loader reads the rest of catalog/
    in every build, uncached)."""
    entry = catalog.entries.get(d.catalogue)
    agency = catalog.agencies.get(d.agency)
    facts: list = [vars(entry) if entry else None, vars(agency) if agency else None]  # flat: no asdict() copy
    declares = any(isinstance(f, dict) and "admin_unit" in f for r in d.resources
                   for f in ((r.schema or {}).get("fields") or []) if isinstance(r.schema, dict))
    if declares and root is not None:
        from generator.portal import units

        lists = root / units.FOLDER
        facts.append(folder_digest(lists) if lists.is_dir() else None)
    return facts


def check(d: Dataset, catalog: Catalog, root: Path | None, cache: Cache, found: Problems, report: Report,
          readings: Path) -> None:
    """check_dataset(d) as the build runs it (offline, tables saved into `readings`), or its cached verdict."""
    entry_key = key("gate", catalogue_facts(d, catalog, root), d.id, d.rel_folder, folder_digest(d.folder))
    hit = cache.get(entry_key)
    if hit is not None:
        found.items.extend(Problem(**p) for p in hit.meta["problems"])
        for name, encoding in hit.meta["conversions"]:
            report.conversions[(d.id, name)] = encoding
        for name in hit.meta["readings"]:
            link(hit.path(f"{name}.arrow"), tables.saved(readings, d.id, name))
        return
    mine, own = Problems(), Report()
    check_dataset(d, catalog, mine, own, offline=True, readings=readings, cache=cache)
    found.items.extend(mine.items)
    report.conversions.update(own.conversions)
    saved = {r.name: tables.saved(readings, d.id, r.name) for r in d.resources}
    saved = {name: path for name, path in saved.items() if path.is_file()}
    cache.put(entry_key, {"problems": [dataclasses.asdict(p) for p in mine.items],
                          "conversions": [[name, enc] for (_, name), enc in sorted(own.conversions.items())],
                          "readings": sorted(saved)},
              {f"{name}.arrow": path for name, path in saved.items()})
