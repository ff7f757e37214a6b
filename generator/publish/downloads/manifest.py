"""manifest.json: every published file with its sha256 and size, and the source commit.

`opendata verify` recomputes them, so anyone can tell a tampered or damaged site.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from generator import __version__
from generator.build import parallel
from generator.portal.model import Portfolio
from generator.publish.downloads.files import sha256_file
from generator.publish.harvest.json_api import write_json
from generator.publish.urls import MANIFEST


HASH_CHUNK = 2000  # files per worker task


def _published(site: Path) -> list[str]:
    """Every file of the site but the manifest (os.walk reads each folder once, and no file's status: a site
    holds folders and files only)."""
    out = []
    for folder, _, names in os.walk(site):
        rel = Path(folder).relative_to(site).as_posix()
        prefix = "" if rel == "." else rel + "/"
        out += [prefix + name for name in names]
    return sorted(rel for rel in out if rel != MANIFEST)


def write(p: Portfolio, site: Path, into: Path | None = None, known: dict[str, tuple[str, int]] | None = None
          ) -> None:
    """Hash every file of `site` into its manifest.json (written into `into` when given, to be moved there).

    `known`: site path -> (sha256, size) of files the build's steps hashed as they wrote them (the published
    copies of the agencies' files, the conversions, the zips): not read again."""
    known = known or {}
    rels = _published(site)
    todo = [rel for rel in rels if rel not in known]
    hashed = parallel.map_chunks(lambda part: [sha256_file(site / rel) for rel in part], todo, HASH_CHUNK)
    found = dict(zip(todo, (x for part in hashed for x in part)))
    files = [{"path": rel, "sha256": digest, "size": size}
             for rel in rels for digest, size in [known[rel] if rel in known else found[rel]]]
    write_json((into or site) / MANIFEST, {
        "portal": p.catalog.portal.id,
        "base_url": p.catalog.portal.base_url,
        "commit": p.commit,
        "commit_time": p.commit_time,
        "generator": f"opendata-portal {__version__}",
        "datasets": len(p.datasets),
        "files": files,
    })


def is_site(folder: Path) -> bool:
    """True when `folder` holds a site this generator built (its manifest says so)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and str(manifest.get("generator", "")).startswith("opendata-portal ")


@dataclass
class Verification:
    checked: int = 0
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.unlisted)


def verify(site: Path) -> Verification:
    manifest = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    result = Verification()
    listed = set()
    for entry in manifest["files"]:
        rel = entry["path"]
        listed.add(rel)
        target = site / rel
        if not target.is_file():
            result.missing.append(rel)
            continue
        digest, size = sha256_file(target)
        result.checked += 1
        if digest != entry["sha256"] or size != entry["size"]:
            result.changed.append(rel)
    result.unlisted = [rel for rel in _published(site) if rel not in listed]
    return result
