"""Each dataset's version history, from git: what every change did to its files and their data.

One `git log --raw` over data/ lists, per commit, each file of a dataset folder that was added,
changed or removed, with the blob ids before and after. For a table (csv, xls, xlsx) both versions
are read with the portal's reader (generator/tables/reader.py, every cell as text) and compared:
columns added and removed (by name), rows added, removed and changed (matched on the Table
Schema's primaryKey, or on the first column when its values are unique in both versions; without
either, a changed row counts as one removed and one added). Other files say added, replaced or
removed; the descriptor, that the description was updated. Commit messages (written for
developers) are not shown. Newest first; the dates of the files come from the same pass.

Bounded: the last HISTORY changes of a dataset; tables over MAX_BYTES or MAX_ROWS are reported as
replaced without counts; blobs are read through one `git cat-file --batch`.
"""

from __future__ import annotations

import dataclasses
import json

import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import i18n
from generator.portal.gitinfo import iso
from generator.i18n import N_
from generator.portal.model import Portfolio
from generator.tables import reader
from generator.tables.reader import TableReadError

HISTORY = 50  # changes kept per dataset
MAX_BYTES = 20 * 1024 * 1024  # a table version larger than this is not compared
MAX_ROWS = 200_000
KEPT_CELLS = 1_000_000  # cells of the parsed table versions kept for the comparisons that follow
TABULAR = {"csv", "xls", "xlsx"}
NULL = "0" * 40


@dataclass
class FileChange:
    path: str  # relative to the dataset folder
    kind: str  # "added", "modified", "removed"
    descriptor: bool = False
    rows: int | None = None  # rows of the new version (an added table)
    rows_added: int | None = None
    rows_removed: int | None = None
    rows_changed: int | None = None
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)

    @property
    def compared(self) -> bool:
        return self.rows_added is not None


@dataclass
class Change:
    when: str  # ISO time, +07:00
    files: list[FileChange]


@dataclass
class DataHistory:
    changes: dict[str, list[Change]] = field(default_factory=dict)  # dataset id -> newest first
    file_dates: dict[tuple[str, str], str] = field(default_factory=dict)  # (dataset id, path) -> ISO time


def read(root: Path, p: Portfolio, cache: Any = None) -> DataHistory:
    """The history of every dataset of `p` (empty outside git). What a change did to a table is kept in
    `cache` (build.cache.Cache; default: the portal's, as the build finds it) by the blobs compared: git
    names a version by its content, so a kept comparison is never stale."""
    from generator.build.cache import Cache, Parts, folder_for

    parts = Parts(cache if cache is not None else Cache(folder_for(root)), "history")
    out = DataHistory()
    by_folder = {d.rel_folder: d for d in p.datasets}
    try:
        log = subprocess.run(["git", "-c", "core.quotepath=off", "log", "--raw", "--no-abbrev", "--no-renames",
                              "--format=%x00%ct", "--", "data"], cwd=root, capture_output=True, text=True,
                             encoding="utf-8", check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return out
    with _Blobs(root) as blobs:
        for block in log.split("\x00")[1:]:
            lines = block.strip("\n").splitlines()
            if not lines:
                continue
            when = iso(int(lines[0]))
            touched: dict[str, list[FileChange]] = {}
            for line in lines[1:]:
                if not line.startswith(":"):
                    continue
                meta, _, path = line.partition("\t")
                _, _, old, new, status = meta.split()[:5]
                folder, _, name = path.rpartition("/")
                d = by_folder.get(folder)
                if d is None or "/" in name:
                    continue
                out.file_dates.setdefault((d.id, name), when)  # the log runs newest first
                if len(out.changes.get(d.id, [])) >= HISTORY:
                    continue
                touched.setdefault(d.id, []).append(_kept_change(parts, d, name, old, new, status, blobs))
            for dataset_id, files in touched.items():
                out.changes.setdefault(dataset_id, []).append(Change(when, sorted(files, key=_order)))
    parts.save()
    return out


def _kept_change(parts: Any, d, name: str, old: str, new: str, status: str, blobs: "_Blobs") -> FileChange:
    """`_file_change`, from the cache when these two versions were compared the same way before."""
    from generator.build.cache import key

    resource = next((r for r in d.resources if r.path == name), None)
    how = [resource.format, resource.sheet, resource.dialect, (resource.schema or {}).get("primaryKey")] \
        if resource is not None else None
    mark = key("history", name, old, new, status, how)
    kept = parts.get(mark)
    if isinstance(kept, dict):
        try:
            return FileChange(**kept)
        except TypeError:
            pass
    change = _file_change(d, name, old, new, status, blobs)
    parts.put(mark, dataclasses.asdict(change))
    return change


def _order(f: FileChange) -> tuple[bool, str]:
    return f.descriptor, f.path  # data first, the descriptor last


def _file_change(d, name: str, old: str, new: str, status: str, blobs: "_Blobs") -> FileChange:
    kind = {"A": "added", "D": "removed"}.get(status[0], "modified")
    change = FileChange(name, kind, descriptor=name in ("datapackage.yaml", "datapackage.yml", "datapackage.json"))
    resource = next((r for r in d.resources if r.path == name), None)
    fmt = resource.format if resource is not None else name.rpartition(".")[2].lower()
    if change.descriptor or fmt not in TABULAR or kind == "removed":
        return change
    sheet = resource.sheet if resource is not None else None
    dialect = resource.dialect if resource is not None else {}
    key = (resource.schema or {}).get("primaryKey") if resource is not None and resource.schema else None
    after = blobs.table(new, fmt, sheet, dialect)
    if after is None:
        return change
    if kind == "added" or old == NULL:
        change.rows = len(after[1])
        return change
    before = blobs.table(old, fmt, sheet, dialect)
    if before is None:
        return change
    _compare(change, before, after, [key] if isinstance(key, str) else key if isinstance(key, list) else [])
    return change


def _compare(change: FileChange, before: tuple[list[str], list[list[str]]], after: tuple[list[str], list[list[str]]],
             key: list[str]) -> None:
    (old_header, old_rows), (new_header, new_rows) = before, after
    change.columns_added = [c for c in new_header if c not in old_header]
    change.columns_removed = [c for c in old_header if c not in new_header]
    common = [c for c in new_header if c in old_header]
    old_at = [old_header.index(c) for c in common]
    new_at = [new_header.index(c) for c in common]

    def cells(row: list[str], at: list[int]) -> tuple[str, ...]:
        return tuple(row[i] if i < len(row) else "" for i in at)

    old_cells = [cells(r, old_at) for r in old_rows]
    new_cells = [cells(r, new_at) for r in new_rows]
    if not key or not all(k in common for k in key):
        first = [common[0]] if common else []
        unique = bool(first) and all(len({r[0] for r in rows}) == len(rows) for rows in (old_cells, new_cells))
        key = first if unique else []
    if key:
        positions = [common.index(k) for k in key]
        old_by = {tuple(r[i] for i in positions): r for r in old_cells}
        new_by = {tuple(r[i] for i in positions): r for r in new_cells}
        change.rows_added = sum(1 for k in new_by if k not in old_by)
        change.rows_removed = sum(1 for k in old_by if k not in new_by)
        change.rows_changed = sum(1 for k, r in new_by.items() if k in old_by and old_by[k] != r)
        return
    old_count, new_count = Counter(old_cells), Counter(new_cells)
    change.rows_added = sum((new_count - old_count).values())
    change.rows_removed = sum((old_count - new_count).values())
    change.rows_changed = 0


class _Blobs:
    """Versions of files read from git's object store (one `git cat-file --batch`), tables parsed once while
    they may be asked for again: the log runs newest first, so a version compared as a change's old side is
    soon the new side of the change before it. The versions parsed last are kept, up to KEPT_CELLS cells (not
    every version of every table: a portal's whole history would be in memory at once)."""

    def __init__(self, root: Path):
        self.root = root
        self.proc: subprocess.Popen | None = None
        self.tables: dict[tuple[str, str, str | None], tuple[list[str], list[list[str]]] | None] = {}
        self.cells = 0  # of the tables kept
        self.tmp = tempfile.TemporaryDirectory(prefix="opendata-history-")

    def __enter__(self) -> "_Blobs":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.stdin.close()
            self.proc.wait()
        self.tmp.cleanup()

    def _bytes(self, blob: str) -> bytes | None:
        if self.proc is None:
            self.proc = subprocess.Popen(["git", "cat-file", "--batch"], cwd=self.root, stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE)
        self.proc.stdin.write(blob.encode() + b"\n")
        self.proc.stdin.flush()
        header = self.proc.stdout.readline().split()
        if len(header) != 3 or header[1] != b"blob":
            return None
        size = int(header[2])
        data = self.proc.stdout.read(size)
        self.proc.stdout.read(1)  # the newline after the contents
        return data if size <= MAX_BYTES else None

    def table(self, blob: str, fmt: str, sheet: str | None, dialect: dict) -> tuple[list[str], list[list[str]]] | None:
        """(header, rows) of one version as the one reader reads it, or None when too large or unreadable."""
        key = (blob, fmt, sheet, json.dumps(dialect, sort_keys=True, default=str))
        if key not in self.tables:
            data = self._bytes(blob)
            table = None
            if data is not None:
                path = Path(self.tmp.name) / f"{blob}.{fmt}"
                path.write_bytes(data)
                try:
                    header, rows = reader.read(path, fmt, sheet, dialect=dialect).head(MAX_ROWS + 1)
                    table = (header, rows) if len(rows) <= MAX_ROWS else None
                except TableReadError:
                    table = None
                finally:
                    path.unlink()
            self.tables[key] = table
            self.cells += _cells(table)
            while self.cells > KEPT_CELLS and len(self.tables) > 1:
                self.cells -= _cells(self.tables.pop(next(iter(self.tables))))  # the oldest parsed
            return table
        return self.tables[key]


def _cells(table: tuple[list[str], list[list[str]]] | None) -> int:
    return 0 if table is None else len(table[0]) * (len(table[1]) + 1)


def describe(f: FileChange, lang: str) -> str:
    """One file's change as a sentence for the public."""
    t = lambda msgid, **v: i18n.text(msgid, lang, file=f.path, **v)  # noqa: E731
    if f.descriptor:
        return t(N_("Cập nhật phần mô tả bộ dữ liệu ({file})."))
    if f.kind == "removed":
        return t(N_("Gỡ tệp {file}."))
    if f.kind == "added":
        return t(N_("Thêm tệp {file}: {rows} dòng."), rows=i18n.number(f.rows, lang=lang)) if f.rows is not None \
            else t(N_("Thêm tệp {file}."))
    if not f.compared:
        return t(N_("Thay tệp {file} bằng bản mới."))
    parts = []
    for count, msgid in ((f.rows_added, N_("thêm {n} dòng")), (f.rows_removed, N_("bớt {n} dòng")),
                         (f.rows_changed, N_("sửa {n} dòng"))):
        if count:
            parts.append(i18n.text(msgid, lang, n=i18n.number(count, lang=lang)))
    if f.columns_added:
        parts.append(i18n.text(N_("thêm cột {columns}"), lang, columns=", ".join(f.columns_added)))
    if f.columns_removed:
        parts.append(i18n.text(N_("bỏ cột {columns}"), lang, columns=", ".join(f.columns_removed)))
    if not parts:
        return t(N_("{file}: lưu lại, dữ liệu không đổi."))
    return t(N_("{file}: {what}."), what="; ".join(parts))
