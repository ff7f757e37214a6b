"""Every table, whole, as static JSON chunks the preview page pages, sorts and filters in the browser.

    site/datasets/<id>/preview/<resource>/meta.json      header, column titles and types, row and chunk counts
    site/datasets/<id>/preview/<resource>/<n>.json       rows n*1000 .. n*1000+999: [[cell, ...], ...]
    site/datasets/<id>/preview/<resource>/o<c>-<k>.json  positions k*1000.. of the rows sorted by column c:
                                                         [row index, ...] (only for tables of more than one chunk)

Strategy (the browser never receives the whole file at once):
- paging: a page of 50 rows needs one row chunk (two at a boundary);
- sorting: every column's sorted order is precomputed here (ascending, empty cells
  last; descending reads the non-empty part backwards), so page k of a sorted
  table needs one order chunk and the row chunks its rows live in;
- filtering (accent-insensitive "contains", any columns): the browser scans row
  chunks in table order, 50 chunks (50,000 rows) per step, and sorts what it
  found in memory; a table of up to 50,000 rows is filtered exactly in one step,
  a larger one shows what the scanned part holds and offers to scan on.
A table of one chunk is sorted in the browser itself: no order files.

Cells are the gate's reading (generator.tables.reader: leading zeros kept, the
title block, total rows and signature block left out); the schema's field
types only decide how a column sorts (numbers numerically, text accent-folded).
"""

from __future__ import annotations

import orjson
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from generator.portal.model import Dataset, Portfolio, Resource
from generator.tables import reader
from generator.tables.reader import TableReadError
from generator.text import fold
from generator.publish import urls
from generator.build.staging import write_file

CHUNK = 1000
MAX_CELL = 2000  # characters of one cell shown in a preview; the download has the whole value
MAX_COLUMNS = 500
MAX_ROWS = 5_000_000  # a preview stops here; the file itself is still published whole
NUMERIC_TYPES = {"integer", "number", "year"}


@dataclass
class TableInfo:
    """What the preview page needs to know about a chunked table (embedded in the page as JSON)."""

    header: list[str]
    titles: list[str]
    types: list[str]
    rows: int
    chunks: int
    ordered: bool  # order files were written (more than one chunk)
    empty: list[int] = field(default_factory=list)  # empty cells per column (sorted last)
    truncated: bool = False  # the table had more than MAX_ROWS rows

    def meta(self) -> dict[str, Any]:
        return {"header": self.header, "titles": self.titles, "types": self.types, "rows": self.rows,
                "chunk": CHUNK, "chunks": self.chunks, "ordered": self.ordered, "empty": self.empty,
                "truncated": self.truncated}


def read_table(r: Resource) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a table as the gate read it, cut to what a preview shows; raise TableReadError."""
    table = reader.of(r)
    return table.labels[:MAX_COLUMNS], [[_clip(c) for c in row[:MAX_COLUMNS]] for row in table.records(MAX_ROWS)]


def _clip(value: str) -> str:
    return value if len(value) <= MAX_CELL else value[:MAX_CELL] + "…"


def _square(header: list[str], rows: list[list[str]]) -> list[list[str]]:
    """Every row as wide as the header: ragged rows are padded (or cut) so columns line up."""
    width = len(header)
    return [r if len(r) == width else (r + [""] * (width - len(r)))[:width] for r in rows]


def sort_order(values: list[str], numeric: bool) -> tuple[list[int], int]:
    """Row indices in ascending order of `values`, empty cells last; and how many were empty.

    Numbers sort numerically (text that is not a number sorts after them);
    text sorts accent-folded ("Đà Lạt" beside "Da"), ties keep table order.
    """
    import numpy as np

    distinct = sorted(set(values))
    def key(v: str) -> tuple:
        if v == "":
            return (3, "", "")
        if numeric:
            try:
                return (0, float(v.replace(" ", "")), v)
            except ValueError:
                pass
        return (1, v.lower() if v.isascii() else fold(v), v)

    # Rank distinct values once (a million rows often hold far fewer), then one stable argsort.
    ranked = sorted(distinct, key=key)
    rank = {v: i for i, v in enumerate(ranked)}
    ranks = np.fromiter((rank[v] for v in values), dtype=np.int64, count=len(values))
    order = np.argsort(ranks, kind="stable")
    return order.tolist(), sum(1 for v in values if v == "")


def _dump(path: Path, data: Any) -> int:
    text = orjson.dumps(data)  # compact, text unescaped: what json.dumps(ensure_ascii=False, separators) writes
    write_file(path, text)
    return len(text)


def write_table(header: list[str], rows: list[list[str]], schema: dict | None, target: Path) -> TableInfo:
    """Write one table's row chunks (and order chunks) into `target`; return its page metadata."""
    target.mkdir(parents=True, exist_ok=True)
    rows = _square(header, rows)
    fields = {f.get("name"): f for f in (schema or {}).get("fields", []) if isinstance(f, dict)}
    titles = [str(fields.get(h, {}).get("title") or h) for h in header]
    types = [str(fields.get(h, {}).get("type") or "string") for h in header]
    n = len(rows)
    chunks = max(1, -(-n // CHUNK))
    for k in range(chunks):
        _dump(target / f"{k}.json", rows[k * CHUNK:(k + 1) * CHUNK])
    info = TableInfo(header, titles, types, n, chunks, ordered=chunks > 1)
    for c in range(len(header)):
        column = [r[c] for r in rows]
        if info.ordered:
            order, empty = sort_order(column, types[c] in NUMERIC_TYPES)
            for k in range(chunks):
                _dump(target / f"o{c}-{k}.json", order[k * CHUNK:(k + 1) * CHUNK])
        else:
            empty = sum(1 for v in column if v == "")
        info.empty.append(empty)
    info.truncated = len(rows) >= MAX_ROWS
    _dump(target / "meta.json", info.meta())
    return info


def tables(p: Portfolio) -> Iterator[tuple[Dataset, Resource]]:
    for d in p.datasets:
        for r in d.resources:
            if r.tabular and r.source is not None:
                yield d, r


def write_resource(d: Dataset, r: Resource, site: Path) -> TableInfo | None:
    try:
        header, rows = read_table(r)
    except (TableReadError, OSError):
        return None  # the validation gate reports unreadable tables; the page says there is no preview
    return write_table(header, rows, r.schema, site / urls.preview_dir(d.id, r.name))


KEPT = 256 * 1024  # bytes of chunks up to which a table's are kept in the build cache (one file for them all)


def part_key(r: Resource) -> str:
    """What a table's chunks depend on: its bytes and how the gate read them (format, sheet, dialect, schema,
    the reader's decisions)."""
    from generator.build.cache import key

    return key("table-chunks", r.sha256, r.format, r.sheet, r.dialect, r.schema,
               r.layout.to_json() if r.layout is not None else None)


def _from_part(part: Any, target: Path) -> TableInfo | None:
    """A table's chunks written from the cache's part ({"files": {name: text}, "meta": TableInfo.meta()})."""
    try:
        files, meta = part["files"], part["meta"]
        info = TableInfo(meta["header"], meta["titles"], meta["types"], meta["rows"], meta["chunks"],
                         meta["ordered"], meta["empty"], meta["truncated"])
        target.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            if "/" in name or name.startswith("."):
                return None
            write_file(target / name, text.encode("utf-8"))
        return info
    except (KeyError, TypeError, AttributeError):
        return None


def write(p: Portfolio, site: Path, cache: Any = None) -> dict[tuple[str, str], TableInfo]:
    """Every table's chunks; the small tables' from `cache` (build.cache.Cache) when it holds them."""
    from generator.build.cache import Parts

    parts = Parts(cache, "table-chunks") if cache is not None else None
    out: dict[tuple[str, str], TableInfo] = {}
    for d, r in tables(p):
        target = site / urls.preview_dir(d.id, r.name)
        mark = part_key(r) if parts is not None and r.sha256 else ""
        part = parts.get(mark) if mark else None
        info = _from_part(part, target) if part is not None else None
        if info is None:
            info = write_resource(d, r, site)
            if info is not None and mark:
                names = sorted(x.name for x in target.iterdir())
                if sum((target / n).stat().st_size for n in names) <= KEPT:
                    parts.put(mark, {"files": {n: (target / n).read_text(encoding="utf-8") for n in names},
                                     "meta": info.meta()})
        if info is not None:
            out[(d.id, r.name)] = info
    if parts is not None:
        parts.save()
    return out
