"""Published copies of every resource file, with size and sha256."""

from __future__ import annotations

import hashlib
from pathlib import Path

from generator.build.staging import copy_file
from generator.portal.model import Portfolio
from generator.publish import urls


def sha256_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def measure(p: Portfolio) -> None:
    """Fill size and sha256 of each file resource (two sheets of one file share one hash)."""
    for d in p.datasets:
        done: dict[Path, tuple[str, int]] = {}
        for r in d.resources:
            if r.source is None:
                continue
            if r.source not in done:
                done[r.source] = sha256_file(r.source)
            r.sha256, r.size = done[r.source]


def copy(p: Portfolio, site: Path) -> None:
    for d in p.datasets:
        for r in d.resources:
            if r.source is None:
                continue
            target = site / urls.resource_file(d, r)
            if not target.exists():
                copy_file(r.source, target)
