"""The datastore: published tables in an in-memory SQLite database, typed by their Table Schema.

A table is its CSV conversion as the build published it (every cell as the gate read it, as text),
checked against the sha256 the dataset JSON gives. Cells are typed exactly as the build types the JSON
conversion (site/datasets/<id>/converted/<resource>.json): integer, number and year become numbers,
boolean true/false, a missing value null, everything else (codes and phones with leading zeros, dates)
stays text. The function deploys without the generator, so the rule is written here again; a test
runs both over the same cells and the whole sample portal and asserts equal values.

Columns have no declared SQL type, so SQLite stores each value exactly as given. Each text field gets a
folded twin ("Hà Nội" -> "ha noi") for accent-free filters and search, computed once at load instead of
once per row per query.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
import sqlite3
import threading
import time
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from .published import SiteError, Source, TableInfo

# As the build's conversion: ASCII digits only, no surrounding space.
_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)
_INT64 = 2**63 - 1
RETRY_SECONDS = 10.0  # a table that failed to load is read again after this long
TEXT_TYPES = {"string", "any", ""}
NUMERIC_TYPES = {"integer", "year", "number"}
TRUE_VALUES = ["true", "True", "TRUE", "1"]
FALSE_VALUES = ["false", "False", "FALSE", "0"]
# đ/Đ have no Unicode decomposition: NFD alone would keep them (same rule as generator/text.py).
_EXTRA_FOLDS = str.maketrans({"đ": "d", "Đ": "D"})


class TableError(Exception):
    pass


class TableMismatch(TableError):
    """The file read is not the one the dataset JSON describes (its sha256 differs)."""


def fold(value: str) -> str:
    """Lower-case, accent-free form: "Đường Hà Nội" -> "duong ha noi" (the site's search uses the same)."""
    decomposed = unicodedata.normalize("NFD", value.translate(_EXTRA_FOLDS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def typer(spec: dict[str, Any] | None, missing: set[str]) -> Callable[[str], Any]:
    """A cell's text -> the value the JSON conversion publishes: None, bool, int, float or the text itself.

    Numbers come out as a JSON reader gets the conversion's digits: written without "." or an exponent an
    int, otherwise a float. A number no float can hold (1e400) stays text: JSON has no Infinity.
    """
    spec = spec or {}
    kind = str(spec.get("type") or "string")
    bare = spec.get("bareNumber", True) is not False
    if kind in ("integer", "year"):
        def to_integer(text: str) -> Any:
            if text in missing:
                return None
            core = text if bare else _bare(text)
            if _INTEGER.fullmatch(core):
                try:
                    return int(core)
                except ValueError:  # more digits than Python converts: the build keeps the text too
                    return text
            return text
        return to_integer
    if kind == "number":
        decimal_char = str(spec.get("decimalChar", "."))
        group_char = str(spec.get("groupChar", ""))

        def to_number(text: str) -> Any:
            if text in missing:
                return None
            core = text if bare else _bare(text)
            if group_char:
                core = core.replace(group_char, "")
            if decimal_char != ".":
                core = core.replace(decimal_char, ".")
            if not _NUMBER.fullmatch(core):
                return text
            try:
                written = str(Decimal(core))  # the digits the JSON conversion writes
            except (InvalidOperation, ValueError):
                return text
            if "." not in written and "E" not in written:
                return int(written)
            number = float(written)
            return number if math.isfinite(number) else text
        return to_number
    if kind == "boolean":
        true = set(map(str, spec.get("trueValues", TRUE_VALUES)))
        false = set(map(str, spec.get("falseValues", FALSE_VALUES)))

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


@dataclass
class Field:
    name: str
    type: str
    title: str
    column: str  # c<i>: never the name itself, so any name is safe in SQL
    folded: str | None  # f<i> for text fields
    convert: Callable[[str], Any]  # published cell text -> the published JSON value

    def describe(self) -> dict[str, str]:
        return {"name": self.name, "type": self.type or "string", "title": self.title}

    @property
    def numeric(self) -> bool:
        return self.type in NUMERIC_TYPES

    def parse(self, value: str) -> Any:
        """A value from a query, compared as this field stores it; ValueError if it cannot be one."""
        if self.numeric or self.type == "boolean":
            typed = self.convert(value.strip())
            if isinstance(typed, str) or typed is None:
                raise ValueError(value)
            return stored(typed, value.strip())
        return unicodedata.normalize("NFC", value)


def stored(value: Any, text: str) -> Any:
    """What SQLite keeps: an integer beyond 64 bits stays its text (the answer types it again)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > _INT64:
        return text
    return value


def read_rows(info: TableInfo, data: bytes) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of a published CSV conversion, every cell as text; raise TableError if it is not the one published."""
    actual = hashlib.sha256(data).hexdigest()
    if actual != info.sha256:
        raise TableMismatch(f"{info.file}: sha256 {actual} differs from {info.sha256} in "
                         f"api/v1/datasets/{info.dataset}.json (the site is half-deployed or was altered: "
                         f"publish the whole build again)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableError(f"{info.file}: not UTF-8 at byte {exc.start}") from exc
    try:
        # A blank line never comes from the conversion (an empty one-column cell is written as "").
        lines = [line for line in csv.reader(io.StringIO(text, newline="")) if line]
    except csv.Error as exc:
        raise TableError(f"{info.file}: {exc}") from exc
    if not lines:
        return [], []
    return lines[0], lines[1:]


@dataclass
class Table:
    info: TableInfo
    sql_name: str
    fields: list[Field]
    by_name: dict[str, Field]
    primary_key: list[Field]
    rows: int

    def field(self, name: str) -> Field | None:
        return self.by_name.get(name)


class TableStore:
    """Tables loaded on demand into one in-memory SQLite database, reloaded when a build changes them."""

    def __init__(self, source: Source, max_bytes: int) -> None:
        self.source, self.max_bytes = source, max_bytes
        self.db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        self._tables: dict[tuple[str, ...], Table] = {}
        self._failed: dict[tuple[str, str], tuple[tuple[str, ...], float, type[Exception], str]] = {}
        self._lock = threading.Lock()
        self._serial = 0

    def get(self, info: TableInfo) -> Table:
        table = self._tables.get(info.version)
        if table is None:
            with self._lock:
                table = self._tables.get(info.version)
                if table is None:
                    table = self._load_or_refuse(info)
        return table

    def _load_or_refuse(self, info: TableInfo) -> Table:
        # A failed table is tried again after a pause, not on every request (a large file is read and
        # hashed each time); never cached for good, since a deploy may upload the file after the JSON.
        key = (info.dataset, info.resource)
        failed = self._failed.get(key)
        if failed and failed[0] == info.version and time.monotonic() - failed[1] < RETRY_SECONDS:
            raise failed[2](failed[3])  # a new exception: re-raising one object would grow its traceback
        try:
            table = self._load(info)
        except (TableError, SiteError) as exc:
            self._failed[key] = (info.version, time.monotonic(), type(exc), str(exc))
            raise
        self._failed.pop(key, None)
        return table

    @property
    def failures(self) -> dict[tuple[str, str], str]:
        """Tables whose last load failed, and why."""
        return {key: why for key, (_, _, _, why) in list(self._failed.items())}

    def loaded(self) -> int:
        return len(self._tables)

    def keep_only(self, versions: set[tuple[str, ...]]) -> None:
        """Drop tables a new build removed or changed."""
        with self._lock:
            self._failed.clear()  # a new build: every table gets another chance
            for version in [v for v in self._tables if v not in versions]:
                table = self._tables.pop(version)
                self.db.execute(f"DROP TABLE IF EXISTS {table.sql_name}")

    def _load(self, info: TableInfo) -> Table:
        header, lines = read_rows(info, self.source.read(info.file, self.max_bytes))
        specs = {str(f.get("name")): f for f in info.schema.get("fields", []) if isinstance(f, dict)}
        missing = set(map(str, info.schema.get("missingValues", [""])))
        fields: list[Field] = []
        for i, name in enumerate(header):
            spec = specs.get(name, {})
            kind = str(spec.get("type") or "string")
            fields.append(Field(name=name, type=kind, title=str(spec.get("title") or name), column=f"c{i}",
                                folded=f"f{i}" if kind in TEXT_TYPES else None, convert=typer(spec, missing)))
        width = len(fields)
        folded_at = [i for i, f in enumerate(fields) if f.folded]
        converters = [f.convert for f in fields]
        records = []
        for line in lines:
            cells = line if len(line) == width else (line + [""] * width)[:width]
            values = [stored(convert(cell), cell) for cell, convert in zip(cells, converters)]
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
                      rows=len(records))
        self._tables[info.version] = table
        return table
