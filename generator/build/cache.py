"""The build cache: per-dataset step results, addressed by the hash of everything they depend on.

A key is the sha256 of a step's name, its inputs (file hashes, descriptor,
catalogue) and the generator's version, where the version includes a digest
of the generator's own code, templates and shapes: a change to any of them
makes every key new. Same key, same bytes: an entry is reused as it is.

An entry is a folder of files and an `entry.json` listing each file's
sha256. Reading an entry checks every hash; an entry that is incomplete or
altered is deleted and counts as missing, so a damaged cache costs time,
never a wrong site. Entries are written under a temporary name and renamed
into place, so a build stopped half-way leaves none half-written.

Where: $OPENDATA_CACHE, else .cache/opendata in the portal (gitignored);
OPENDATA_CACHE=off builds without one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from generator import __version__

PACKAGE = Path(__file__).resolve().parents[1]
ENTRY = "entry.json"


# Libraries whose verdicts or bytes the cache keeps (checks, conversions, pages): an upgrade of one makes every
# key new, as a change to the generator does.
LIBRARIES = ("frictionless", "pyshacl", "rdflib", "jsonschema", "pyarrow", "openpyxl", "python-calamine", "mkdocs",
             "mkdocs-material", "jinja2", "markdown", "pymdown-extensions", "vl-convert-python", "orjson", "pyyaml",
             # jsonschema checks a format only where its library is installed (`format: uri` needs rfc3987)
             "rfc3987", "rfc3986-validator", "rfc3339-validator", "jsonpointer", "uri-template", "isoduration",
             "fqdn", "idna", "webcolors")


def libraries() -> str:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in LIBRARIES:
        try:
            found.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name}=-")
    return " ".join(found)


@lru_cache(maxsize=1)
def generator_version() -> str:
    """The release, a digest of every file of the generator package (code, templates, shapes, messages) and
    the versions of the libraries whose results are cached."""
    digest = hashlib.sha256(libraries().encode())
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return f"{__version__}+{digest.hexdigest()[:16]}"


def key(step: str, *inputs: Any) -> str:
    text = json.dumps([generator_version(), step, inputs], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def folder_for(root: Path) -> Path | None:
    where = os.environ.get("OPENDATA_CACHE")
    if where is not None and where.strip().lower() in ("off", "0", "no", "none", ""):
        return None
    return Path(where) if where else root / ".cache" / "opendata"


def link(source: Path, target: Path) -> None:
    """Put `source` (a cache entry's file, or the last site's) at `target` as a hard link, its folder made
    when missing; a copy where links cannot be made (another filesystem). A link is one directory entry
    where a copy writes every byte; a later change through either name changes the file's hash, and the
    cache then no longer trusts it. A missing `source` raises FileNotFoundError."""
    try:
        os.link(source, target)
        return
    except FileNotFoundError:  # the target's folder, or the source, is missing
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError:  # another filesystem, or links refused
        shutil.copyfile(source, target)
        return
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


@dataclass
class Entry:
    folder: Path
    meta: Any
    files: dict[str, str]  # name -> sha256

    def path(self, name: str) -> Path:
        return self.folder / name

    def copy(self, name: str, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.folder / name, target)


class Cache:
    def __init__(self, folder: Path | None):
        self.folder = folder
        self.hits = self.misses = 0

    @staticmethod
    def key(step: str, *inputs: Any) -> str:
        return key(step, *inputs)

    def _where(self, entry_key: str) -> Path:
        assert self.folder is not None
        return self.folder / entry_key[:2] / entry_key

    def get(self, entry_key: str, check: bool = True) -> Entry | None:
        """The entry, every file's hash checked; None when missing or damaged (a damaged one is deleted).
        `check=False`: the caller checks each file's hash as it reads it (one read: publish.downloads.records.copy)."""
        if self.folder is None:
            return None
        where = self._where(entry_key)
        try:
            record = json.loads((where / ENTRY).read_text(encoding="utf-8"))
            files = {str(k): str(v) for k, v in record["files"].items()}
            if record["key"] != entry_key or (check and any(file_digest(where / name) != sha
                                                            for name, sha in files.items())):
                raise ValueError("altered")
            self.hits += 1
            return Entry(where, record["meta"], files)
        except FileNotFoundError:
            if where.exists():
                shutil.rmtree(where, ignore_errors=True)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            shutil.rmtree(where, ignore_errors=True)
        self.misses += 1
        return None

    def put(self, entry_key: str, meta: Any, files: dict[str, Path] | None = None) -> None:
        """Store `meta` (JSON) and copies of `files` (name -> path) under `entry_key`; a failure to write is
        no failure of the build (the next one computes it again)."""
        if self.folder is None:
            return
        where = self._where(entry_key)
        tmp = None
        try:
            where.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=where.parent))
            hashes = {}
            for name, source in (files or {}).items():
                (tmp / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, tmp / name)
                hashes[name] = file_digest(tmp / name)
            (tmp / ENTRY).write_text(json.dumps({"key": entry_key, "meta": meta, "files": hashes},
                                                ensure_ascii=False, sort_keys=True), encoding="utf-8")
            os.rename(tmp, where)
        except OSError:  # written meanwhile by another worker (same key, same content), or a full disk
            if tmp is not None:
                shutil.rmtree(tmp, ignore_errors=True)


class Parts:
    """Many small per-dataset results of one step kept in one file of the cache (one open, not one per dataset:
    a slow filesystem pays for every call), each value with its own sha256.

    Opening the file indexes it (each key's hash and where its value lies), without keeping the values: a part
    is read when asked for, and one made this build waits in a temporary file, so memory holds keys, not parts.
    `get` checks the value's hash before it is trusted: a damaged or truncated line counts as missing. `save`
    writes the parts this build used or made (what a build no longer asks for is dropped), under a temporary
    name renamed into place. `read_only`: parts are read, none kept or saved (a gate over a few datasets
    reads the build's parts; saving would drop the rest).
    """

    def __init__(self, cache: "Cache | None", name: str, read_only: bool = False):
        self.read_only = read_only
        self.path = cache.folder / "parts" / f"{name}.txt" if cache is not None and cache.folder is not None else None
        self._stored: dict[str, tuple[str, int, int]] = {}  # key -> (sha256, offset, length) in the stored file
        self._kept: dict[str, tuple[str, Any, int, int]] = {}  # key -> (sha256, file holding it, offset, length)
        self._file: Any = None  # the stored file
        self._spool: Any = None  # the parts made this build
        self.hits = self.misses = 0
        if self.path is None:
            return
        try:
            self._file = self.path.open("rb")
        except OSError:
            return
        offset = 0
        for line in self._file:
            fields = line.split(b"\t", 2)
            if len(fields) == 3:
                value = fields[2][:-1] if fields[2].endswith(b"\n") else fields[2]
                start = offset + len(fields[0]) + len(fields[1]) + 2
                self._stored[fields[0].decode("ascii", "replace")] = (fields[1].decode("ascii", "replace"), start,
                                                                      len(value))
            offset += len(line)

    @staticmethod
    def _read(fh: Any, offset: int, length: int) -> bytes:
        return os.pread(fh.fileno(), length, offset)

    def get(self, part_key: str) -> Any:
        """The value stored under `part_key`, or None (missing, or damaged: its hash does not match)."""
        found = self._stored.get(part_key)
        if found is not None:
            sha, offset, length = found
            try:
                data = self._read(self._file, offset, length)
            except OSError:
                data = b""
            if hashlib.sha256(data).hexdigest() == sha:
                try:
                    value = orjson.loads(data)
                except ValueError:
                    value = None
                if value is not None:
                    self._kept[part_key] = (sha, self._file, offset, length)
                    self.hits += 1
                    return value
        self.misses += 1
        return None

    def put(self, part_key: str, value: Any) -> None:
        """Keep `value` (JSON: what orjson writes) under `part_key`; a value it cannot write is not kept."""
        if self.path is None or self.read_only:
            return
        try:  # one line per part: JSON escapes every newline and tab inside the value
            data = orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
        except TypeError:
            return
        try:
            if self._spool is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._spool = tempfile.TemporaryFile(prefix=".tmp-", dir=self.path.parent)
            offset = self._spool.tell()
            self._spool.write(data)
        except OSError:  # no room for it: made again next build
            return
        self._kept[part_key] = (hashlib.sha256(data).hexdigest(), self._spool, offset, len(data))

    def made(self, part_key: str, make: Any) -> Any:
        """The value kept under `part_key`, else `make()` (kept for the next build). A kept value is what
        `make()` gave as JSON reads it back: tuples are lists, keys are text."""
        value = self.get(part_key)
        if value is None:
            value = make()
            self.put(part_key, value)
        return value

    def save(self) -> None:
        """Write the parts used or made, one at a time; a failure to write is no failure of the build."""
        if self.path is None or self.read_only or (set(self._kept) == set(self._stored) and not self.misses):
            return
        tmp = None
        try:
            if self._spool is not None:
                self._spool.flush()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=".tmp-", dir=self.path.parent)
            tmp = Path(name)
            with os.fdopen(fd, "wb") as fh:
                for k in sorted(self._kept):
                    sha, source, offset, length = self._kept[k]
                    fh.write(k.encode("ascii") + b"\t" + sha.encode("ascii") + b"\t" + self._read(source, offset, length)
                             + b"\n")
                if not self._kept:
                    fh.write(b"\n")
            os.replace(tmp, self.path)
        except OSError:
            if tmp is not None:
                tmp.unlink(missing_ok=True)


class EntryParts:
    """The `Parts` interface over cache entries (a folder each, renamed into place): for results made in
    several processes at once, where one parts file would keep only the last writer's."""

    def __init__(self, cache: "Cache"):
        self.cache = cache

    def get(self, part_key: str) -> Any:
        hit = self.cache.get(part_key)
        return None if hit is None else hit.meta

    def put(self, part_key: str, value: Any) -> None:
        self.cache.put(part_key, value)
