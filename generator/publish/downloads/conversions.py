"""Every table (a csv, or one sheet of an xls/xlsx) converted to CSV, JSON and XLSX (Article 7.2b).

    site/datasets/<id>/converted/<resource>.csv    UTF-8 without BOM, RFC 4180; every cell exactly as read (text)
    site/datasets/<id>/converted/<resource>.excel.csv  the same CSV after a UTF-8 byte-order mark: Excel on
                                                   Windows shows Vietnamese right only with one
    site/datasets/<id>/converted/<resource>.json   [{"<field>": value, ...}, ...] typed by the Table Schema:
                                                   integer/number/year as JSON numbers (the digits as written),
                                                   boolean as true/false, a missing value as null, everything
                                                   else (codes and phones with leading zeros, dates) as a string
    site/datasets/<id>/converted/<resource>.xlsx   sheet 1: the data under the fields' titles (numbers as
                                                   numbers, dates as date cells shown dd/mm/yyyy, the rest as text);
                                                   sheet 2 "Đặc tả": the data dictionary (Article 8)

Each table is the gate's own reading (generator.tables.reader, saved by the gate
during the build): the same header, the same rows, every cell as text, so
leading zeros survive; a value the schema types as a number but that does
not parse as one stays text.

Formula injection: a text cell beginning with = + - @ tab or CR is written to
the XLSX as a string cell with Excel's quote prefix (the apostrophe), so Excel
shows the text and never evaluates it, even after the cell is edited. Such
cells are listed (`Conversion.neutralised`) and counted in the dataset JSON.
The CSV and JSON keep every value as it is: they are data, and changing a
value (a leading apostrophe) would corrupt it for every other program.

Reproducible: the workbook's created/modified properties and every zip entry
carry the dataset's last change in git (not the clock, not even the commit
time: an untouched dataset keeps byte-identical files from commit to commit),
so one commit always gives the same bytes.

Fast: a rebuild given the last published site copies the conversions of every
table whose inputs did not change (`key`); the rest run in worker processes.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import math
import multiprocessing
import os
import re
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable, Iterator

from generator.build import parallel
from generator.portal.model import Dataset, Portfolio, Resource
from generator.tables import reader
from generator.tables.reader import TableReadError
from generator.publish.downloads import reproducible_zip
from generator.publish import urls
from generator.publish.downloads.records import CONVERTED, Download, Downloads, as_json, copy, make
from generator.build.staging import write_file

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FLAG_LIMIT = 1000  # flagged cells listed per table (all are counted)
FLAG_VALUE = 200  # characters of a flagged value kept in the list
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_COLUMNS = 16_384
XLSX_MAX_CELL = 32_767  # characters Excel keeps in one cell
EXCEL_DIGITS = 15  # Excel keeps 15 significant digits: longer numbers stay text there
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
INTEGER = re.compile(r"[+-]?\d+", re.ASCII)
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)
TRUE_VALUES = ["true", "True", "TRUE", "1"]
FALSE_VALUES = ["false", "False", "FALSE", "0"]


class Number(Decimal):
    """A schema-typed number that keeps the digits as written (JSON gets them verbatim)."""


@dataclass(frozen=True)
class Flag:
    row: int  # 1-based data row (the header is row 0)
    field: str
    value: str
    reason: str  # "formula": neutralised; "control-character": removed from the XLSX cell; "too-long": cut


@dataclass
class Conversion:
    dataset: str
    resource: str
    rows: int = 0
    files: list[Download] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)  # the first FLAG_LIMIT flagged cells
    counts: dict[str, int] = field(default_factory=dict)  # reason -> how many cells (all of them)
    skipped: dict[str, str] = field(default_factory=dict)  # format -> why it was not made
    error: str = ""  # the table could not be read: nothing converted
    period: tuple[str, str] | None = None  # earliest and latest day in its date, datetime and year columns

    def saw(self, start: str, end: str) -> None:
        self.period = (start, end) if self.period is None else (min(self.period[0], start), max(self.period[1], end))

    def flag(self, row: int, name: str, value: str, reason: str) -> None:
        self.counts[reason] = self.counts.get(reason, 0) + 1
        if len(self.flags) < FLAG_LIMIT:  # a hostile table could hold millions
            self.flags.append(Flag(row, name, value[:FLAG_VALUE], reason))

    @property
    def neutralised(self) -> list[Flag]:
        return [f for f in self.flags if f.reason == "formula"]

    @property
    def neutralised_count(self) -> int:
        return self.counts.get("formula", 0)


# --- typing cells by the Table Schema -----------------------------------------------------------

def converter(spec: dict[str, Any] | None, missing: set[str]) -> Callable[[str], Any]:
    """A function from a cell's text to its typed value: None, bool, Number or the text itself."""
    kind = str((spec or {}).get("type") or "string")
    if kind in ("integer", "year"):
        bare = (spec or {}).get("bareNumber", True) is not False

        def to_integer(text: str) -> Any:
            if text in missing:
                return None
            core = text if bare else _bare(text)
            if INTEGER.fullmatch(core):
                try:
                    return Number(int(core))
                except ValueError:  # more digits than Python converts: keep the text
                    return text
            return text
        return to_integer
    if kind == "number":
        decimal_char = str((spec or {}).get("decimalChar", "."))
        group_char = str((spec or {}).get("groupChar", ""))
        bare = (spec or {}).get("bareNumber", True) is not False

        def to_number(text: str) -> Any:
            if text in missing:
                return None
            core = text if bare else _bare(text)
            if group_char:
                core = core.replace(group_char, "")
            if decimal_char != ".":
                core = core.replace(decimal_char, ".")
            if NUMBER.fullmatch(core):
                try:
                    return Number(core)
                except InvalidOperation:
                    return text
            return text
        return to_number
    if kind == "boolean":
        true = set(map(str, (spec or {}).get("trueValues", TRUE_VALUES)))
        false = set(map(str, (spec or {}).get("falseValues", FALSE_VALUES)))

        def to_boolean(text: str) -> Any:
            if text in missing:
                return None
            return True if text in true else False if text in false else text
        return to_boolean
    return lambda text: None if text in missing else text


def _bare(text: str) -> str:
    # bareNumber: false allows text around the number ("12%", "€ 3"): keep from the first to the last digit.
    match = re.search(r"[+-]?[\d.,].*\d", text) or re.search(r"\d", text)
    return match.group(0) if match else text


def converters(header: list[str], schema: dict[str, Any] | None) -> list[Callable[[str], Any]]:
    fields = {f.get("name"): f for f in (schema or {}).get("fields", []) if isinstance(f, dict)}
    missing = set(map(str, (schema or {}).get("missingValues", [""])))
    return [converter(fields.get(name), missing) for name in header]


def json_literal(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, Number):
        return str(value) if value.is_finite() else json.dumps(str(value))
    return json.dumps(value, ensure_ascii=False)


# --- reading ---------------------------------------------------------------------------------

def read_rows(resource: Resource) -> Iterator[list[str]]:
    """The header, then every data row, as the gate read the table (generator.tables.reader); raise TableReadError."""
    table = reader.of(resource)
    yield table.labels
    yield from table.records()


# --- writing ---------------------------------------------------------------------------------

class _Writers:
    """The outputs of one table, written row by row (a table is never held whole in memory)."""

    def __init__(self, site: Path, d: Dataset, r: Resource, header: list[str]):
        from openpyxl import Workbook

        self.paths = {fmt: site / urls.converted_file(d.id, r.name, fmt) for fmt in CONVERTED}
        self.paths["csv"].parent.mkdir(parents=True, exist_ok=True)
        self.csv_file = self.paths["csv"].open("w", encoding="utf-8", newline="")
        self.csv = csv.writer(self.csv_file, lineterminator="\r\n")
        self.excel_file = self.paths["csv-excel"].open("w", encoding="utf-8-sig", newline="")
        self.excel = csv.writer(self.excel_file, lineterminator="\r\n")
        self.json_file = self.paths["json"].open("w", encoding="utf-8")
        self.keys = [json.dumps(h, ensure_ascii=False) + ": " for h in header]
        self.first = True
        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet(_sheet_name(r.name))
        self.xlsx_ok = len(header) <= XLSX_MAX_COLUMNS
        self.csv.writerow(header)
        self.excel.writerow(header)
        self.json_file.write("[")

    def close(self) -> None:
        self.csv_file.close()
        self.excel_file.close()
        self.json_file.write("\n]\n" if not self.first else "]\n")
        self.json_file.close()


def _sheet_name(name: str) -> str:
    return SHEET_NAME_BAD.sub("-", name)[:31] or "data"


def _titles(header: list[str], schema: dict | None) -> list[str]:
    fields = {f.get("name"): f for f in (schema or {}).get("fields", []) if isinstance(f, dict)}
    return [str(fields.get(h, {}).get("title") or h) for h in header]


DATE_FORMATS = {"date": "dd/mm/yyyy", "datetime": "dd/mm/yyyy hh:mm:ss"}


def _date_readers(header: list[str], schema: dict | None) -> list[Callable[[str], Any] | None]:
    """Per column, how an ISO date (or date and time, without zone) becomes an Excel date cell; None: not a date."""
    fields = {f.get("name"): f for f in (schema or {}).get("fields", []) if isinstance(f, dict)}

    def reader(kind: str) -> Callable[[str], Any] | None:
        if kind == "date":
            return lambda text: dt.date.fromisoformat(text) if ISO_DATE.fullmatch(text) else None
        if kind == "datetime":
            return lambda text: dt.datetime.fromisoformat(text) if ISO_DATETIME.fullmatch(text) else None
        return None
    return [reader(str(fields.get(h, {}).get("type") or "")) for h in header]


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?", re.ASCII)  # no zone: Excel has none


def _day_readers(header: list[str], schema: dict | None) -> list[tuple[int, Callable[[str], tuple[str, str] | None]]]:
    """(column, reader) for each date, datetime or year column: the days a cell covers, for temporal coverage."""
    fields = {f.get("name"): f for f in (schema or {}).get("fields", []) if isinstance(f, dict)}

    def day(text: str) -> tuple[str, str] | None:
        if not (ISO_DATE.fullmatch(text) or ISO_DATETIME.fullmatch(text)):
            return None
        try:
            return (dt.date.fromisoformat(text[:10]).isoformat(),) * 2
        except ValueError:  # 2024-02-30: not a day
            return None

    def year(text: str) -> tuple[str, str] | None:
        return (f"{text}-01-01", f"{text}-12-31") if YEAR.fullmatch(text) else None

    out = []
    for i, h in enumerate(header):
        spec = fields.get(h, {})
        kind, fmt = str(spec.get("type") or ""), str(spec.get("format") or "default")
        if kind in ("date", "datetime") and fmt == "default":
            out.append((i, day))
        elif kind == "year":
            out.append((i, year))
    return out


YEAR = re.compile(r"[12]\d{3}", re.ASCII)


def _xlsx_value(value: Any, text: str, row: int, name: str, c: Conversion, sheet: Any,
                date: Callable[[str], Any] | None = None) -> Any:
    """What one cell becomes in the XLSX: a number, a bool, a date, None, or a string cell that is never a formula."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None or isinstance(value, bool):
        return value
    if date is not None and isinstance(value, str):
        try:
            when = date(value)
        except ValueError:  # 2024-02-30: not a day; the text stays
            when = None
        if when is not None and when.year >= 1900:  # Excel counts days from 1900
            cell = WriteOnlyCell(sheet, value=when)
            cell.number_format = DATE_FORMATS["datetime" if isinstance(when, dt.datetime) else "date"]
            return cell
    if isinstance(value, Number):
        number = float(value)
        if math.isfinite(number) and len(value.as_tuple().digits) <= EXCEL_DIGITS:
            written_as_integer = number.is_integer() and abs(number) < 10**EXCEL_DIGITS and not re.search(r"[.eE]", text)
            return int(number) if written_as_integer else number
        value = text  # Excel would round it (or cannot hold it): keep every digit as text
    if ILLEGAL_CHARACTERS_RE.search(value):
        c.flag(row, name, text, "control-character")
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value == "":
        return None  # an empty string cell is still a (typeless) string cell to Excel: leave it empty
    if len(value) > XLSX_MAX_CELL:
        c.flag(row, name, text, "too-long")
        value = value[:XLSX_MAX_CELL]
    if value.startswith(FORMULA_START):
        c.flag(row, name, text, "formula")
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # a string cell: Excel shows the text and computes nothing
        cell.quotePrefix = True  # Excel's apostrophe: still text after the user edits the cell
        return cell
    return value


def convert(site: Path, d: Dataset, r: Resource, epoch: int, agency: str = "") -> Conversion:
    """Write the CSV, JSON and XLSX of one table; return what was written and which cells were flagged."""
    result = Conversion(d.id, r.name)
    rows = read_rows(r)
    try:
        header = next(rows, None)
        if header is None:
            result.error = "empty"
            return result
        width = len(header)
        out = _Writers(site, d, r, header)
        types = converters(header, r.schema)
        dates = _date_readers(header, r.schema)
        days = _day_readers(header, r.schema)
        if out.xlsx_ok:
            # People read the titles; the field names are in the “Đặc tả” sheet beside them.
            out.sheet.append([_xlsx_value(t, t, 0, h, result, out.sheet) for t, h in zip(_titles(header, r.schema), header)])
        else:
            result.skipped["xlsx"] = f"more than {XLSX_MAX_COLUMNS} columns (Excel's limit)"
        try:
            n = 0
            for line in rows:
                n += 1
                if len(line) != width:  # ragged rows: the columns still line up with the header
                    line = (line + [""] * (width - len(line)))[:width]
                values = [conv(text) for conv, text in zip(types, line)]
                for i, covers in days:
                    span = covers(line[i].strip())
                    if span is not None:
                        result.saw(*span)
                out.csv.writerow(line)
                out.excel.writerow(line)
                obj = ", ".join(k + json_literal(v) for k, v in zip(out.keys, values))
                out.json_file.write(("\n{" if out.first else ",\n{") + obj + "}")
                out.first = False
                if out.xlsx_ok:
                    if n >= XLSX_MAX_ROWS:
                        out.xlsx_ok = False
                        result.skipped["xlsx"] = f"more than {XLSX_MAX_ROWS - 1} rows (Excel's limit)"
                    else:
                        out.sheet.append([_xlsx_value(v, t, n, h, result, out.sheet, date)
                                          for v, t, h, date in zip(values, line, header, dates)])
            result.rows = n
        finally:
            out.close()
    except TableReadError as exc:
        result.error = str(exc)
        for fmt in CONVERTED:  # a half-written conversion must never be published
            (site / urls.converted_file(d.id, r.name, fmt)).unlink(missing_ok=True)
        return result
    if "xlsx" in result.skipped:
        out.paths["xlsx"].unlink(missing_ok=True)
    else:
        _dictionary_sheet(out.book, r)
        _save_xlsx(out.book, out.paths["xlsx"], epoch, r.title, agency)
    for fmt in CONVERTED:
        if fmt not in result.skipped:
            result.files.append(make(site, d.id, (r.name, r.title), fmt, urls.converted_file(d.id, r.name, fmt)))
    return result


def _dictionary_sheet(book: Any, r: Resource) -> None:
    """Sheet 2: the table's data specification (Article 8), so the workbook explains itself."""
    sheet = book.create_sheet("Đặc tả")
    sheet.append(["Tên cột (name)", "Tiêu đề (title)", "Kiểu (type)", "Đơn vị (unit)", "Mô tả (description)"])
    for f in (r.schema or {}).get("fields", []):
        if isinstance(f, dict):
            cells = [str(f.get(k, "") or "") for k in ("name", "title", "type", "unit", "description")]
            sheet.append([_text_cell(sheet, c) for c in cells])


def _text_cell(sheet: Any, value: str) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_MAX_CELL]
    if not value.startswith(FORMULA_START):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def _save_xlsx(book: Any, target: Path, epoch: int, title: str, creator: str) -> None:
    from openpyxl.writer.excel import ExcelWriter

    # openpyxl's own save stamps "modified" and every zip entry with the clock; its writer, given a
    # zip that fixes entry metadata and the properties set here, writes the same bytes every time.
    when = dt.datetime.fromtimestamp(epoch, dt.timezone.utc).replace(tzinfo=None)
    book.properties.created = book.properties.modified = when
    book.properties.title, book.properties.creator = title, creator
    with reproducible_zip.FixedZipFile(target, epoch) as archive:
        ExcelWriter(book, archive).write_data()


# --- the whole portal --------------------------------------------------------------------------

def tables(p: Portfolio) -> Iterator[tuple[Dataset, Resource]]:
    for d in p.datasets:
        for r in d.resources:
            if r.tabular and r.source is not None:
                yield d, r


def periods(made: list[Conversion]) -> dict[str, tuple[str, str]]:
    """Per dataset, the earliest and latest day its tables' dates cover (datasets without dates are absent)."""
    out: dict[str, tuple[str, str]] = {}
    for c in made:
        if c.period:
            old = out.get(c.dataset)
            out[c.dataset] = c.period if old is None else (min(old[0], c.period[0]), max(old[1], c.period[1]))
    return out


def dataset_epoch(p: Portfolio, d: Dataset) -> int:
    """The time derived files of a dataset carry: its folder's last change in git (the commit time when unknown).

    Not the commit time: a dataset nobody touched then keeps byte-identical
    files from one commit to the next, so caches and incremental uploads see
    no change.
    """
    try:
        return int(dt.datetime.fromisoformat(d.modified).timestamp()) if d.modified else p.commit_epoch
    except ValueError:
        return p.commit_epoch


VERSION = 4  # bump whenever what a conversion writes changes: older copies are then never reused
PARALLEL_FROM = 40  # tables; below this, starting worker processes costs more than it saves


def key(p: Portfolio, d: Dataset, r: Resource) -> str:
    """Everything a table's conversions depend on: same key, same bytes."""
    import openpyxl

    agency = p.catalog.agencies[d.agency].name if d.agency in p.catalog.agencies else ""
    inputs = [VERSION, openpyxl.__version__, r.sha256, r.name, r.title, r.format, r.sheet, r.schema,
              dataset_epoch(p, d), agency]
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _record(c: Conversion, table_key: str) -> dict[str, Any]:
    return {"key": table_key, "rows": c.rows, "period": list(c.period) if c.period else None, "skipped": c.skipped, "error": c.error, "counts": c.counts,
            "flags": [[f.row, f.field, f.value, f.reason] for f in c.flags],
            "files": [{"format": f.format, "path": f.path, "size": f.size, "sha256": f.sha256} for f in c.files]}


def _reuse(source: Callable[[str], Path], site: Path, d: Dataset, r: Resource, entry: dict[str, Any]
           ) -> Conversion | None:
    """The conversions of an unchanged table copied from `source(format)` (the last site's, or the build
    cache's), their hashes checked as they are copied; None when one is missing or altered."""
    try:
        c = Conversion(d.id, r.name, rows=int(entry["rows"]), skipped=dict(entry["skipped"]), error=str(entry["error"]),
                       flags=[Flag(int(a), str(b), str(v), str(why)) for a, b, v, why in entry["flags"]],
                       counts={str(k): int(v) for k, v in entry["counts"].items()},
                       period=(str(entry["period"][0]), str(entry["period"][1])) if entry.get("period") else None)
        for f in entry["files"]:
            path = urls.converted_file(d.id, r.name, f["format"])
            made = copy(source(f["format"]), site, d.id, (r.name, r.title), f["format"], path, str(f["sha256"]))
            if made is None:
                return None  # the old copy was altered: convert again
            c.files.append(made)
        return c
    except (OSError, KeyError, TypeError, ValueError):
        return None


def _cached(cache: Any, site: Path, d: Dataset, r: Resource, table_key: str) -> Conversion | None:
    hit = cache.get(cache.key("conversions", table_key), check=False) if cache is not None else None
    if hit is None:
        return None
    reused = _reuse(hit.path, site, d, r, hit.meta)
    if reused is None:  # damaged: never trusted, and made again in its place
        shutil.rmtree(hit.folder, ignore_errors=True)
    return reused


def _convert_job(job: tuple[str, Dataset, Resource, int, str]) -> Conversion:
    site, d, r, epoch, agency = job
    return convert(Path(site), d, r, epoch, agency)


def write(p: Portfolio, site: Path, previous: Path | None = None, workers: int | None = None,
          cache: Any = None) -> list[Conversion]:
    """Convert every table of the portal; return one Conversion per table (unreadable ones carry `error`).

    `previous`: the last published site. A table whose inputs (file, schema,
    titles, dataset time, code version: `key`) are unchanged gets that site's
    conversions copied instead of made again, so a rebuild costs what changed.
    Else, from `cache` (build/cache.py) when it holds them. The rest are
    converted in `workers` processes (default: one per CPU), and cached.
    Each dataset's record of its conversions is site/datasets/<id>/conversions.json.
    """
    results: dict[tuple[str, str], Conversion] = {}
    keys: dict[tuple[str, str], str] = {}
    jobs = []
    for d in p.datasets:
        old = _load_record(previous / urls.conversions_record(d.id)) if previous else {}
        for r in d.resources:
            if not (r.tabular and r.source is not None):
                continue
            keys[(d.id, r.name)] = table_key = key(p, d, r)
            entry = old.get(r.name)
            reused = None
            if previous and entry and entry.get("key") == table_key:
                reused = _reuse(lambda fmt, d=d, r=r: previous / urls.converted_file(d.id, r.name, fmt), site, d, r, entry)
            if reused is None:
                reused = _cached(cache, site, d, r, table_key)
            if reused is not None:
                results[(d.id, r.name)] = reused
                continue
            agency = p.catalog.agencies[d.agency].name if d.agency in p.catalog.agencies else ""
            jobs.append((str(site), d, r, dataset_epoch(p, d), agency))
    workers = workers or os.cpu_count() or 1
    if workers > 1 and len(jobs) >= PARALLEL_FROM and "fork" in multiprocessing.get_all_start_methods():
        # fork: workers start at once and need no importable __main__ (spawn re-runs the caller's script).
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=parallel.calm_gc) as pool:
            made = list(pool.map(_convert_job, jobs, chunksize=max(1, len(jobs) // (workers * 4))))
    else:
        made = [_convert_job(job) for job in jobs]
    for c in made:
        results[(c.dataset, c.resource)] = c
        if cache is not None and not c.error:
            table_key = keys[(c.dataset, c.resource)]
            cache.put(cache.key("conversions", table_key), _record(c, table_key),
                      {f.format: site / f.path for f in c.files})
    ordered = [results[k] for k in keys]
    per_dataset: dict[str, list[Conversion]] = {}
    for c in ordered:
        per_dataset.setdefault(c.dataset, []).append(c)
    for d in p.datasets:
        mine = per_dataset.get(d.id)
        if mine:
            write_record(site, d.id, {c.resource: _record(c, keys[(d.id, c.resource)]) for c in mine})
    return ordered


def _load_record(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data["tables"] if isinstance(data.get("tables"), dict) else {}
    except (OSError, ValueError, AttributeError, KeyError):
        return {}


def write_record(site: Path, dataset_id: str, tables: dict[str, Any]) -> None:
    write_file(site / urls.conversions_record(dataset_id),
               (json.dumps({"version": VERSION, "tables": tables}, ensure_ascii=False, indent=1, sort_keys=True)
                + "\n").encode("utf-8"))


def downloads(conversions: list[Conversion]) -> Downloads:
    out: Downloads = {}
    for c in conversions:
        out.setdefault(c.dataset, []).extend(c.files)
    return out


def resource_json(c: Conversion, base_url: str, limit: int = 100) -> dict[str, Any]:
    """What the dataset JSON says about one table's conversions (`resources[i].conversions`)."""
    out: dict[str, Any] = {
        "rows": c.rows,
        "files": [as_json(f, base_url) for f in c.files],
        "neutralised_cells": c.neutralised_count,
    }
    if c.neutralised:
        out["neutralised"] = [{"row": f.row, "field": f.field, "value": f.value} for f in c.neutralised[:limit]]
    cleaned = [f for f in c.flags if f.reason != "formula"]
    if cleaned:
        out["xlsx_changed_cells"] = sum(n for reason, n in c.counts.items() if reason != "formula")
        out["xlsx_changed"] = [{"row": f.row, "field": f.field, "reason": f.reason} for f in cleaned[:limit]]
    if c.skipped:
        out["skipped"] = dict(sorted(c.skipped.items()))
    if c.error:
        out["error"] = c.error
    return out
