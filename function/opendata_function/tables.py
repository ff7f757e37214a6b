"""Published tables in an in-memory SQLite database, typed by their Table Schema.

Every cell is read as text first (codes and phone numbers keep their leading zeros); only fields the
schema declares integer, number, year or boolean become numbers. Columns have no declared SQL type, so
SQLite stores each value exactly as given. Each text field gets a folded twin ("Hà Nội" -> "ha noi")
for accent-free filters and search, computed once at load instead of once per row per query.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import sqlite3
import threading
import unicodedata
from dataclasses import dataclass
from typing import Any, Callable

from .published import Source, TableInfo

_INT = re.compile(r"^[+-]?[0-9]+$")
_NUMBER = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$")
_INT64 = 2**63 - 1
TEXT_TYPES = {"string", "any", ""}
# đ/Đ have no Unicode decomposition: NFD alone would keep them (same rule as generator/text.py).
_EXTRA_FOLDS = str.maketrans({"đ": "d", "Đ": "D"})


class TableError(Exception):
    pass


def fold(value: str) -> str:
    """Lower-case, accent-free form: "Đường Hà Nội" -> "duong ha noi" (the site's search uses the same)."""
    decomposed = unicodedata.normalize("NFD", value.translate(_EXTRA_FOLDS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@dataclass
class Field:
    name: str
    type: str
    title: str
    column: str  # c<i>: never the name itself, so any name is safe in SQL
    folded: str | None  # f<i> for text fields
    parse: Callable[[str], Any]  # published cell text -> stored value (raises ValueError)

    def describe(self) -> dict[str, str]:
        return {"name": self.name, "type": self.type or "string", "title": self.title}


def _parser(spec: dict[str, Any]) -> Callable[[str], Any]:
    kind = spec.get("type") or "string"
    group = spec.get("groupChar") or ""
    decimal = spec.get("decimalChar") or "."

    def clean(value: str) -> str:
        value = value.strip()
        if group:
            value = value.replace(group, "")
        return value

    if kind in ("integer", "year"):
        def parse_int(value: str) -> Any:
            value = clean(value)
            if not _INT.match(value):
                raise ValueError(value)
            number = int(value)
            if abs(number) > _INT64:  # SQLite integers are 64-bit: keep the text rather than fail
                raise ValueError(value)
            return number
        return parse_int
    if kind == "number":
        def parse_number(value: str) -> Any:
            value = clean(value)
            if decimal != ".":
                value = value.replace(decimal, ".")
            if _INT.match(value) and abs(int(value)) <= _INT64:
                return int(value)
            if not _NUMBER.match(value):
                raise ValueError(value)
            number = float(value)
            if not math.isfinite(number):
                raise ValueError(value)
            return number
        return parse_number
    if kind == "boolean":
        true_values = set(spec.get("trueValues") or ["true", "True", "TRUE", "1"])
        false_values = set(spec.get("falseValues") or ["false", "False", "FALSE", "0"])

        def parse_bool(value: str) -> Any:
            value = value.strip()
            if value in true_values:
                return 1
            if value in false_values:
                return 0
            raise ValueError(value)
        return parse_bool
    return lambda value: unicodedata.normalize("NFC", value)


def _cell(value: object) -> str:
    """A spreadsheet cell as the text a person sees (same rule as the site's preview)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value))


def read_rows(info: TableInfo, data: bytes) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of a published table, every cell as text; raise TableError if unreadable."""
    if info.format in ("csv", "tsv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise TableError(f"{info.file}: not UTF-8 at byte {exc.start}") from exc
        try:
            lines = list(csv.reader(io.StringIO(text, newline=""), delimiter="\t" if info.format == "tsv" else ","))
        except csv.Error as exc:
            raise TableError(f"{info.file}: {exc}") from exc
    else:
        from python_calamine import CalamineWorkbook

        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            sheet = book.get_sheet_by_name(info.sheet) if info.sheet else book.get_sheet_by_index(0)
            lines = [[_cell(c) for c in row] for row in sheet.to_python()]
        except Exception as exc:  # calamine raises assorted errors on a damaged file
            raise TableError(f"{info.file}: {type(exc).__name__}: {exc}") from exc
    lines = [line for line in lines if any(c.strip() for c in line)]
    if not lines:
        return [], []
    header = [unicodedata.normalize("NFC", h).strip() for h in lines[0]]
    return header, lines[1:]


@dataclass
class Table:
    info: TableInfo
    sql_name: str
    fields: list[Field]
    by_name: dict[str, Field]
    primary_key: list[Field]
    rows: int
    booleans: frozenset[int]  # positions of boolean fields (stored 0/1, shown true/false)

    def field(self, name: str) -> Field | None:
        return self.by_name.get(name)


class TableStore:
    """Tables loaded on demand into one in-memory SQLite database, reloaded when a build changes them."""

    def __init__(self, source: Source, max_bytes: int) -> None:
        self.source, self.max_bytes = source, max_bytes
        self.db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        self._tables: dict[tuple[str, str, str, str], Table] = {}
        self._lock = threading.Lock()
        self._serial = 0

    def get(self, info: TableInfo) -> Table:
        table = self._tables.get(info.version)
        if table is None:
            with self._lock:
                table = self._tables.get(info.version) or self._load(info)
        return table

    def loaded(self) -> int:
        return len(self._tables)

    def keep_only(self, versions: set[tuple[str, str, str, str]]) -> None:
        """Drop tables a new build removed or changed."""
        with self._lock:
            for version in [v for v in self._tables if v not in versions]:
                table = self._tables.pop(version)
                self.db.execute(f"DROP TABLE IF EXISTS {table.sql_name}")

    def _load(self, info: TableInfo) -> Table:
        header, lines = read_rows(info, self.source.read(info.file, self.max_bytes))
        specs = {str(f.get("name")): f for f in info.schema.get("fields", []) if isinstance(f, dict)}
        missing = set(info.schema.get("missingValues") or [""])
        fields: list[Field] = []
        for i, name in enumerate(header):
            spec = specs.get(name, {})
            kind = str(spec.get("type") or "string")
            fields.append(Field(name=name, type=kind, title=str(spec.get("title") or name), column=f"c{i}",
                                folded=f"f{i}" if kind in TEXT_TYPES else None, parse=_parser(spec)))
        width = len(fields)
        folded_at = [i for i, f in enumerate(fields) if f.folded]
        parsers = [f.parse for f in fields]
        records = []
        for line in lines:
            cells = (line + [""] * width)[:width]
            values: list[Any] = []
            for cell, parse in zip(cells, parsers):
                if cell in missing:
                    values.append(None)
                    continue
                try:
                    values.append(parse(cell))
                except ValueError:
                    values.append(cell)  # a value the schema did not expect stays as published
            values += [fold(v) if isinstance(v := values[i], str) else None for i in folded_at]
            records.append(values)
        self._serial += 1
        sql_name = f"t{self._serial}"
        columns = [f.column for f in fields] + [fields[i].folded for i in folded_at]
        self.db.execute(f"CREATE TABLE {sql_name} ({', '.join(columns) or 'empty'})")
        if columns:
            self.db.execute("BEGIN")
            self.db.executemany(f"INSERT INTO {sql_name} VALUES ({', '.join('?' for _ in columns)})", records)
            self.db.execute("COMMIT")
        pk_names = info.schema.get("primaryKey") or []
        pk_names = [pk_names] if isinstance(pk_names, str) else list(pk_names)
        by_name = {f.name: f for f in fields}
        primary_key = [by_name[n] for n in pk_names if n in by_name]
        if primary_key and len(primary_key) == len(pk_names):
            self.db.execute(f"CREATE INDEX {sql_name}_pk ON {sql_name} ({', '.join(f.column for f in primary_key)})")
        else:
            primary_key = []
        table = Table(info=info, sql_name=sql_name, fields=fields, by_name=by_name, primary_key=primary_key,
                      rows=len(records), booleans=frozenset(i for i, f in enumerate(fields) if f.type == "boolean"))
        self._tables[info.version] = table
        return table
