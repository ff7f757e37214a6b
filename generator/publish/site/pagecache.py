"""What a page is made from, as a cache key, and the pages one build wrote.

A cached page's Markdown is keyed (build/cache.py) by its template, its path, its front matter and
`fingerprint()` of everything its template is given: the loaded model's plain objects (datasets,
agencies, scores, history) field by field. A file enters a key by its sha256 and size (on its
Resource), never by where it lies: the build reads tables from temporary folders.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.build.cache import Entry

MARKDOWN = "page.md"  # the file of a page's Markdown entry
HTML = "page.html"  # the file of a page's wrapped-by-MkDocs entry


def fingerprint(value: Any) -> str:
    """A digest of `value` that differs whenever a template could show something different.

    JSON of the value (the standard library's encoder, at C speed), model objects field by field; dicts
    keep their order (templates iterate in it); a type this does not know is refused, so a new kind of
    input cannot slip into a page without entering its key. Markup and text of the same characters are
    alike here: which a context value is comes from the generator's code, itself in every key.
    """
    return hashlib.sha256(_ENCODER.encode(value).encode("utf-8", "surrogatepass")).hexdigest()


_FIELDS: dict[type, tuple[str, tuple[str, ...]]] = {}


def _plain(value: Any) -> Any:
    kind = type(value)
    known = _FIELDS.get(kind)
    if known is None and dataclasses.is_dataclass(kind):
        known = _FIELDS[kind] = (kind.__qualname__, tuple(f.name for f in dataclasses.fields(kind)))
    if known is not None:
        return [known[0], [getattr(value, name) for name in known[1]]]
    if isinstance(value, Path):
        return "<path>"  # a file enters by its sha256 and size (on its Resource), never by where it lies
    if isinstance(value, (dt.date, dt.time)):  # YAML dates in a descriptor (a datetime is a date)
        return [type(value).__name__, value.isoformat()]
    if isinstance(value, decimal.Decimal):
        return ["decimal", str(value)]
    if isinstance(value, (set, frozenset)):
        return ["set", sorted(map(repr, value))]
    raise TypeError(f"no fingerprint for {type(value).__qualname__}: a page input must be plain data")


_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=True, separators=(",", ":"), default=_plain)


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
    bytes are when the page was not written into the docs folder (`entry`: its Markdown in the build cache;
    `html`: its HTML, found by what the Markdown is made from and the frame). `final_key`: that last key,
    under which MkDocs' HTML of the page is stored."""

    path: str
    digest: str = ""
    entry: Entry | None = None
    html: Entry | None = None
    final_key: str = ""

    def materialise(self, docs: Path) -> None:
        """Put the page into the docs folder (a page taken from the cache is written only when MkDocs needs it)."""
        if self.entry is not None and not (docs / self.path).is_file():
            self.entry.copy(MARKDOWN, docs / self.path)


