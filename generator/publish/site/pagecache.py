"""What a page is made from, as a cache key, and the pages one build wrote.

A cached page's Markdown is keyed (build/cache.py) by its template, its path, its front matter and
`fingerprint()` of everything its template is given: the loaded model's plain objects (datasets,
agencies, scores, history) walked field by field. A file enters a key by its sha256 and size (on its
Resource), never by where it lies: the build reads tables from temporary folders.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from generator.build.cache import Entry

MARKDOWN = "page.md"  # the file of a page's Markdown entry
HTML = "page.html"  # the file of a page's wrapped-by-MkDocs entry


def fingerprint(value: Any) -> Any:
    """`value` as JSON-ready data that differs whenever a template could show something different.

    Dicts keep their order (templates iterate in it); a type the walk does not know is refused, so a new
    kind of input cannot slip into a page without entering its key.
    """
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, Markup):
        return ["markup", str(value)]
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return ["dict", [[fingerprint(k), fingerprint(v)] for k, v in value.items()]]
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a NamedTuple (units.Place)
        return [type(value).__qualname__, [fingerprint(x) for x in value]]
    if isinstance(value, (list, tuple)):
        return [fingerprint(x) for x in value]
    if isinstance(value, (set, frozenset)):
        return ["set", sorted(map(repr, value))]
    if isinstance(value, Path):
        return "<path>"
    if isinstance(value, (dt.date, dt.time)):  # YAML dates in a descriptor (datetime is a date)
        return [type(value).__name__, value.isoformat()]
    if isinstance(value, decimal.Decimal):
        return ["decimal", str(value)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__qualname__,
                [[f.name, fingerprint(getattr(value, f.name))] for f in dataclasses.fields(value)]]
    raise TypeError(f"no fingerprint for {type(value).__qualname__}: a page input must be plain data")


def folder_digest(folder: Path) -> str:
    """Names and bytes of the files under `folder` (templates a page includes from outside the generator)."""
    digest = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@dataclass
class Source:
    """One page of this build as MkDocs reads it: docs-relative path, sha256 of its Markdown, and where its
    bytes are (`entry`: the build cache, when the page was not written into the docs folder)."""

    path: str
    digest: str
    entry: Entry | None = None

    def materialise(self, docs: Path) -> None:
        """Put the page into the docs folder (a page taken from the cache is written only when MkDocs needs it)."""
        if self.entry is not None and not (docs / self.path).is_file():
            self.entry.copy(MARKDOWN, docs / self.path)
