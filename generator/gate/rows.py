"""Row checks (Article 8.1): every table against its Table Schema, with frictionless' semantics and error names.

frictionless reads a table row by row in Python (about 30 s for a million
rows); here the same checks run over whole columns with pyarrow. Each column
is split in two: cells in a canonical form ("2024-03-15", "-12", "0.5") are
decided by vectorized regular expressions and casts; every other cell (a few
errors, the odd "1_000" or "+7") goes through a Python reader that is a copy
of frictionless' own, once per distinct value. Comparisons that a float key
cannot settle (numbers of more than 15 digits, aware datetimes) are also
decided by the Python reader, so the findings are frictionless' findings:
the same error types, rows and fields (benchmarks/validate_table.py and
tests/test_check_tables.py compare the two).

Only the row numbers and messages are ours: rows are numbered as frictionless
does (the header is row 1), messages are in Vietnamese with English alongside
and say what to change. Cells stay text: codes keep their leading zeros.
"""

from __future__ import annotations

import operator
import re
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from generator.problems import Problems
from generator.tables.reader import Table, TableReadError, describe_skipped, read
from generator.gate.fieldtypes import (NUMERIC_CONSTRAINTS, SUPPORTED_CONSTRAINTS, Column, as_ints, as_mask,
                                       cell_lengths, make_column, matching, re2_pattern)

CELL_SHOWN = 80  # characters of a cell quoted in a message
CELL_KEPT = 500  # characters of a cell kept in the machine-readable report


@dataclass
class TableResult:
    rows: int  # data rows read
    fields: int
    errors: int  # total errors found (may exceed those recorded)
    seconds: float
    table: Table | None = None  # the reading the checks ran on: every output of the build uses it



# ---------------------------------------------------------------------------------------------------------------
# Errors: counted in full, the first `max_errors` (in frictionless' order) turned into messages


@dataclass
class _Found:
    row: int  # data row index; -1 for the header
    order: tuple  # frictionless' order inside a row
    make: Callable[[], tuple]  # -> (code, field, cell, vi, en, fix_vi, fix_en, first_row?)


class _Errors:
    def __init__(self, limit: int, numbers: np.ndarray):
        self.limit = limit
        self.numbers = numbers
        self.total = 0
        self.found: list[_Found] = []

    def header(self, order: tuple, make: Callable[[], tuple]) -> None:
        self.total += 1
        self.found.append(_Found(-1, order, make))

    def one(self, row: int, order: tuple, make: Callable[[], tuple]) -> None:
        self.total += 1
        self.found.append(_Found(row, order, make))

    def rows(self, mask: np.ndarray, order: tuple, make: Callable[[int], tuple]) -> None:
        rows = np.flatnonzero(mask)
        self.total += len(rows)
        if len(rows) > self.limit:  # the first in the file, wherever they are stored
            rows = rows[np.argsort(self.numbers[rows], kind="stable")[: self.limit]]
        for row in rows:
            row = int(row)
            self.found.append(_Found(row, order, lambda row=row: make(row)))


def validate_table(path: Path, fmt: str, schema: dict, rel: str, resource: str, problems: Problems,
                   sheet: str | None = None, encoding: str = "utf-8", max_errors: int = 1000,
                   dialect: dict | None = None, units: Callable[[], Any] | None = None,
                   dated: str = "", read_done: Callable[[Table], None] | None = None) -> TableResult:
    """Check a table's header and rows against its Table Schema; record problems, return counts.
    `units`: gives the administrative-unit lists (generator.portal.units) for fields that declare `admin_unit`;
    `dated`: the first day the data are about (ISO), for old units in new data; `read_done(table)`: called
    once the table is read, before its rows are checked."""
    started = time.perf_counter()
    try:
        return _validate(Path(path), fmt, schema, rel, resource, problems, sheet, encoding, max_errors, started,
                         dialect, units, dated, read_done)
    except Exception as exc:  # a bug must not take the whole gate down with it: report it, refuse the table
        problems.error(rel, f"lỗi khi kiểm tra bảng ({type(exc).__name__}: {exc}); bảng chưa được kiểm tra.",
                       f"the row checks failed ({type(exc).__name__}: {exc}); the table is not checked.",
                       "báo cho người vận hành cổng dữ liệu, kèm tệp này.", "tell the portal's operator, with this file.",
                       code="table-check-error", resource=resource)
        return TableResult(0, 0, 1, time.perf_counter() - started)


def _validate(path: Path, fmt: str, schema: dict, rel: str, resource: str, problems: Problems, sheet: str | None,
              encoding: str, max_errors: int, started: float, dialect: dict | None = None,
              units: Callable[[], Any] | None = None, dated: str = "",
              read_done: Callable[[Table], None] | None = None) -> TableResult:
    schema = schema if isinstance(schema, dict) else {}
    fields = [f for f in schema.get("fields") or [] if isinstance(f, dict)] \
        if isinstance(schema.get("fields"), list) else []
    names = [f.get("name") if isinstance(f.get("name"), str) else "" for f in fields]
    where_sheet = f"trang tính “{sheet}”, " if sheet else ""

    def record(code: str, vi: str, en: str, fix_vi: str, fix_en: str, row: int | None = None, field: str = "",
               cell: str | None = None) -> None:
        where = where_sheet + (f"dòng {row}" if row is not None else "") + (f", cột “{field}”" if field else "")
        problems.error(rel, vi, en, fix_vi, fix_en, where=where.strip(", "), code=code, resource=resource, row=row,
                       field=field, cell=None if cell is None else cell[:CELL_KEPT])

    try:
        grid = read(path, fmt, sheet, encoding, len(fields), dialect)
    except TableReadError as exc:
        record(exc.code, exc.vi, exc.en, exc.fix_vi, exc.fix_en)
        return TableResult(0, len(fields), 1, time.perf_counter() - started)
    skipped = describe_skipped(grid.layout)
    if skipped:
        header = ", ".join(map(str, grid.layout.header_rows))
        problems.warning(rel, f"{where_sheet}bảng bắt đầu ở dòng tiêu đề {header}; đã bỏ qua {skipped[0]}.",
                         f"{where_sheet.replace('trang tính', 'sheet')}the table's header is row {header}; "
                         f"left out {skipped[1]}.",
                         "kiểm tra rằng đây đúng là các dòng không phải dữ liệu; nếu sai, xóa khối tiêu đề, dòng tổng và "
                         "khối ký tên khỏi tệp để bảng chỉ còn dòng tiêu đề và dữ liệu.",
                         "check these are indeed not data; if not, delete the title block, total rows and signature "
                         "block from the file so that it holds only the header and the data.",
                         where=where_sheet.strip(", "), code="rows-skipped", resource=resource)
    if not grid.labels and grid.rows == 0:
        record("source-error", "bảng trống: không có dòng tiêu đề và dữ liệu.", "the table is empty: no header, no rows.",
               "ghi dòng tiêu đề (tên các cột theo đặc tả) và dữ liệu vào tệp.",
               "write the header row (the schema's field names) and the data into the file.")
        return TableResult(0, len(fields), 1, time.perf_counter() - started)
    if read_done is not None:
        read_done(grid)

    errors = _Errors(max(max_errors, 0), grid.numbers)
    _check_header(grid.labels, names, errors)
    width = len(grid.labels) if grid.labels else len(fields)
    # frictionless pairs the columns with the schema by position; columns beyond the schema are read as "any".
    expected = _expected_names(grid.labels, names, width)
    columns = [make_column(j, expected[j], fields[j] if j < len(fields) else {},
                       grid.columns[j] if j < len(grid.columns) else pa.chunked_array([pa.nulls(grid.rows, pa.string())]),
                       schema)
               for j in range(width)]
    for c in columns:
        stored = grid.typed.get(c.pos)
        if stored is not None and c.type == "string":
            # frictionless reads a workbook's number, date or boolean cell as that value, never as a string: a
            # string field refuses it (and a code or phone stored as a number has lost its leading zeros).
            c.stored = stored & c.present
            c.bad = c.bad | c.stored
    _check_rows(grid, columns, schema, expected, errors)
    if units is not None and any(isinstance(f.get("admin_unit"), dict) for f in fields):
        listed = units()
        if listed is not None:
            from generator.gate import units as unit_checks

            def warn(code: str, vi: str, en: str, fix_vi: str, fix_en: str, row: int | None, field: str,
                     cell: str | None) -> None:
                where = ", ".join(p for p in (where_sheet.strip(", "), f"dòng {row}" if row is not None else "",
                                               f"cột “{field}”" if field else "") if p)
                problems.warning(rel, vi, en, fix_vi, fix_en, where=where, code=code, resource=resource,
                                 row=row, field=field, cell=None if cell is None else cell[:CELL_KEPT])

            unit_checks.check_rows(columns, grid.numbers, errors, warn, listed, schema, dated)

    # The first max_errors in frictionless' order: the header, then row by row.
    chosen = sorted(errors.found, key=lambda f: (-1 if f.row < 0 else grid.numbers[f.row], f.order))[:max_errors] \
        if max_errors > 0 else []
    for found in chosen:
        code, field, cell, vi, en, fix_vi, fix_en = found.make()
        row = 1 if found.row < 0 else int(grid.numbers[found.row])
        record(code, vi, en, fix_vi, fix_en, row=row, field=field, cell=cell)
    if errors.total > len(chosen):
        problems.warning(rel, f"bảng có tổng cộng {errors.total} lỗi; chỉ liệt kê {len(chosen)} lỗi đầu tiên.",
                         f"the table has {errors.total} errors in all; only the first {len(chosen)} are listed.",
                         "sửa các lỗi đã liệt kê (thường cùng một nguyên nhân) rồi kiểm tra lại.",
                         "fix the errors listed (often one cause) and validate again.",
                         where=where_sheet.strip(", "), code="error-limit", resource=resource)
    return TableResult(grid.rows, len(fields), errors.total, time.perf_counter() - started, grid)


def _expected_names(labels: list[str], names: list[str], width: int) -> list[str]:
    """The field name frictionless gives each column: the schema's, or the label (made unique) beyond it."""
    raw = [names[j] if j < len(names) else labels[j] for j in range(width)]
    out, used = [], set()
    for name in raw:
        new, suffix = name, 2
        while new in used:
            new, suffix = f"{name}{suffix}", suffix + 1
        out.append(new)
        used.add(new)
    return [names[j] if j < len(names) else out[j] for j in range(width)]


# ---------------------------------------------------------------------------------------------------------------
# Header


def _check_header(labels: list[str], names: list[str], errors: _Errors) -> None:
    if not labels:  # frictionless: an empty first row means no header, so nothing to compare
        return
    for j in range(len(names), len(labels)):
        label = labels[j]
        errors.header((0, j), lambda j=j, label=label: (
            "extra-label", "", label,
            f"cột thứ {j + 1} (tiêu đề “{_show(label)}”) không có trong đặc tả dữ liệu (schema).",
            f"column {j + 1} (label “{_show(label)}”) is not in the Table Schema.",
            "thêm cột này vào “fields” của đặc tả (đúng vị trí), hoặc xóa cột khỏi bảng.",
            "add the column to the schema's “fields” (at this position), or delete it from the table."))
    for j in range(len(labels), len(names)):
        name = names[j]
        errors.header((1, j), lambda j=j, name=name: (
            "missing-label", name, "",
            f"bảng thiếu cột “{name}” (cột thứ {j + 1} trong đặc tả); bảng chỉ có {len(labels)} cột.",
            f"the table lacks column “{name}” (field {j + 1} of the schema); it has only {len(labels)} columns.",
            f"thêm cột “{name}” vào bảng, hoặc bỏ cột khỏi “fields” của đặc tả nếu không dùng.",
            f"add column “{name}” to the table, or remove it from the schema's “fields” if unused."))
    for j, (name, label) in enumerate(zip(names, labels)):
        if not label:
            errors.header((2, j, 0), lambda j=j, name=name: (
                "blank-label", name, "",
                f"cột thứ {j + 1} không có tiêu đề; đặc tả gọi cột này là “{name}”.",
                f"column {j + 1} has no header label; the schema calls it “{name}”.",
                f"ghi “{name}” vào ô tiêu đề của cột thứ {j + 1} (dòng 1).",
                f"write “{name}” in the header cell of column {j + 1} (row 1)."))
            continue
        earlier = [k + 1 for k in range(j) if labels[k] == label]
        if earlier:
            errors.header((2, j, 1), lambda j=j, name=name, label=label, earlier=earlier: (
                "duplicate-label", name, label,
                f"tiêu đề “{_show(label)}” của cột thứ {j + 1} trùng với cột thứ {', '.join(map(str, earlier))}.",
                f"the label “{_show(label)}” of column {j + 1} repeats column {', '.join(map(str, earlier))}.",
                f"mỗi cột cần một tiêu đề riêng: đặc tả gọi cột thứ {j + 1} là “{name}”.",
                f"every column needs its own label: the schema calls column {j + 1} “{name}”."))
        elif label != name:
            errors.header((2, j, 2), lambda j=j, name=name, label=label: (
                "incorrect-label", name, label,
                f"tiêu đề cột thứ {j + 1} là “{_show(label)}” nhưng đặc tả ghi “{name}”.",
                f"column {j + 1} is labelled “{_show(label)}” but the schema names it “{name}”.",
                f"đổi tiêu đề thành “{name}”, hoặc sửa “name” trong đặc tả; các cột phải theo đúng thứ tự của “fields”.",
                f"rename the label to “{name}”, or change the schema's “name”; columns must follow the order of “fields”."))


# ---------------------------------------------------------------------------------------------------------------
# Rows


def _check_rows(grid: Table, columns: list[Column], schema: dict, expected: list[str], errors: _Errors) -> None:
    n = grid.rows
    blank_row = np.ones(n, bool)
    for column in columns:
        blank_row &= ~column.present & ~column.bad
    if n:
        errors.rows(blank_row, (0, -1), lambda r: (
            "blank-row", "", None, f"dòng {grid.numbers[r]} trống.", f"row {grid.numbers[r]} is blank.",
            "xóa dòng trống (kể cả dòng chỉ có dấu phẩy).", "delete the blank row (a row of commas too)."))
    for column in columns:
        _check_cells(grid, column, ~blank_row, errors)
    width = len(columns)
    kept = 0  # extra cells are listed up to the limit, counted in full
    for r, cells in sorted(grid.extras.items()):
        if blank_row[r]:
            continue
        shown = cells[: max(errors.limit - kept, 0)]
        kept += len(shown)
        errors.total += len(cells) - len(shown)
        for k, cell in enumerate(shown):
            errors.one(r, (1, width + k), lambda r=r, k=k, cell=cell: (
                "extra-cell", "", cell,
                f"dòng {grid.numbers[r]} có ô thừa ở cột thứ {width + k + 1} (“{_show(cell)}”), trong khi tiêu đề chỉ có {width} cột.",
                f"row {grid.numbers[r]} has an extra cell in column {width + k + 1} (“{_show(cell)}”); the header has {width} columns.",
                "nếu nội dung có dấu phẩy, đặt cả ô trong ngoặc kép (\"...\"); nếu không, xóa ô thừa hoặc thêm cột vào tiêu đề và đặc tả.",
                "if the text holds a comma, put the whole cell in double quotes (\"...\"); otherwise delete the extra cell "
                "or add the column to the header and the schema."))
    for column in columns:
        missing = as_mask(pc.is_null(column.cells)) & ~blank_row
        if missing.any():
            errors.rows(missing, (2, column.pos), lambda r, c=column: (
                "missing-cell", c.name, "",
                f"dòng {grid.numbers[r]} thiếu ô của cột “{c.name}” (cột thứ {c.pos + 1}).",
                f"row {grid.numbers[r]} has no cell for field “{c.name}” (column {c.pos + 1}).",
                "bổ sung đủ ô cho dòng (thêm dấu phẩy phân cách; ô có thể để trống).",
                "complete the row (add the separating commas; the cell may be empty)."))
    for column in columns:
        if column.desc and _constraints(column.desc).get("unique"):
            _check_unique(grid, column, errors)
    keys = schema.get("primaryKey")
    keys = [keys] if isinstance(keys, str) else keys if isinstance(keys, list) else []
    if keys and all(isinstance(k, str) for k in keys) and set(keys) <= set(expected):
        by_name = {c.name: c for c in columns}
        _check_primary_key(grid, [by_name[k] for k in keys], errors)


def _constraints(desc: dict) -> dict:
    value = desc.get("constraints")
    return value if isinstance(value, dict) else {}


def _check_cells(grid: Table, c: Column, not_blank: np.ndarray, errors: _Errors) -> None:
    numbers = grid.numbers
    if c.bad.any():
        errors.rows(c.bad, (0, c.pos, 0), lambda r: ("type-error", c.name, c.cells[r].as_py(),
                                                    *(_stored_message if c.stored is not None and c.stored[r]
                                                      else _type_message)(c, int(numbers[r]), c.cells[r].as_py())))
    constraints = _constraints(c.desc)
    supported = SUPPORTED_CONSTRAINTS.get(c.type, NUMERIC_CONSTRAINTS)
    valued = c.present & ~c.bad
    for index, name in enumerate(supported):
        constraint = constraints.get(name)
        if constraint is None:
            continue
        order = (0, c.pos, 1 + index)
        try:
            if name == "required":
                if constraint:
                    failed = ~c.present & ~c.bad & not_blank
                    errors.rows(failed, order, lambda r: (
                        "constraint-error", c.name, "",
                        f"dòng {numbers[r]}, cột “{c.name}”: ô trống nhưng cột này bắt buộc phải có giá trị (required).",
                        f"row {numbers[r]}, field “{c.name}”: the cell is empty but the field is required.",
                        f"điền giá trị cho cột “{c.name}”; nếu cột được phép trống, bỏ “required: true” trong đặc tả.",
                        f"fill in “{c.name}”; if it may be empty, remove “required: true” from the schema."))
            elif name in ("minLength", "maxLength"):
                if not isinstance(constraint, (int, float)):
                    continue
                lengths = cell_lengths(c.cells)
                failed = valued & ((lengths < constraint) if name == "minLength" else (lengths > constraint))
                errors.rows(failed, order, lambda r, name=name, limit=constraint: _length_message(
                    c, int(numbers[r]), c.cells[r].as_py(), name, limit))
            elif name == "pattern":
                failed = _pattern_failures(c, f"{constraint}", valued)
                errors.rows(failed, order, lambda r, p=constraint: _pattern_message(c, int(numbers[r]), c.cells[r].as_py(), p))
            elif name == "enum":
                if not isinstance(constraint, list):
                    continue
                failed = _enum_failures(c, constraint, valued)
                errors.rows(failed, order, lambda r, e=constraint: _enum_message(c, int(numbers[r]), c.cells[r].as_py(), e))
            else:
                failed = _bound_failures(c, name, constraint, valued)
                if failed is not None:
                    errors.rows(failed, order, lambda r, name=name, b=constraint: _bound_message(
                        c, int(numbers[r]), c.cells[r].as_py(), name, b))
        except (TypeError, ValueError, re.error, pa.ArrowException):
            continue  # a constraint frictionless cannot apply either; the descriptor check reports it


def _python_rows(c: Column, rows: np.ndarray, test: Callable[[Any], bool]) -> np.ndarray:
    """Rows (of `rows`) failing `test` on frictionless' own values."""
    failed = np.zeros(len(c.cells), bool)
    for r in np.flatnonzero(rows):
        value = c.value(int(r))
        try:
            failed[r] = not test(value)
        except (TypeError, ArithmeticError):
            failed[r] = False  # naive against aware, signalling NaN: frictionless would stop; we do not
    return failed


def _pattern_failures(c: Column, pattern: str, valued: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compiled = re.compile(f"^{pattern}$")
    test = lambda v: compiled.match(v) is not None  # noqa: E731
    regex = re2_pattern(pattern)
    try:
        failed = valued & ~matching(c.cells, regex) if regex is not None else None
    except pa.ArrowException:  # RE2 refused it (too large...)
        failed = None
    if failed is None:
        return _python_rows(c, valued, test)
    # RE2's "$" is the end of the text, Python's also the place before a final "\n": RE2 matches only where
    # Python does, and a cell RE2 refuses but Python may accept ends with "\n". Python decides those.
    rows = np.flatnonzero(failed)
    recheck = np.zeros(len(c.cells), bool)
    if len(rows):
        recheck[rows[as_mask(pc.ends_with(c.cells.take(pa.array(rows)), "\n"))]] = True
    return (failed & ~recheck) | _python_rows(c, recheck, test)


def _enum_failures(c: Column, enum: list, valued: np.ndarray) -> np.ndarray:
    allowed = []
    for item in enum:
        try:
            value = c.kind.read(item)
        except Exception:
            value = None
        if value is not None:
            allowed.append(value)
    exact_keys, rough_keys = [], []
    for value in allowed:
        key, exact = c.kind.key_of(value)
        (exact_keys if exact else rough_keys).append(key)
    vector = valued & ~c.inexact
    in_exact = as_mask(pc.is_in(c.key, value_set=pa.array(exact_keys, c.kind.arrow))) if exact_keys else np.zeros(len(c.cells), bool)
    python = c.inexact & valued
    if rough_keys:
        python |= vector & as_mask(pc.is_in(c.key, value_set=pa.array(rough_keys, c.kind.arrow)))
    failed = vector & ~in_exact & ~python
    return failed | _python_rows(c, python, lambda v: v in allowed)


BOUNDS = {"minimum": (operator.ge, pc.greater_equal), "maximum": (operator.le, pc.less_equal),
          "exclusiveMinimum": (operator.gt, pc.greater), "exclusiveMaximum": (operator.lt, pc.less)}


def _bound_failures(c: Column, name: str, constraint: Any, valued: np.ndarray) -> np.ndarray | None:
    bound = c.kind.read(constraint)
    if bound is None:
        return None
    python_test, vector_test = BOUNDS[name]
    key, exact = c.kind.key_of(bound)
    vector = valued & ~c.inexact
    scalar = pa.scalar(key, c.kind.arrow)
    passed = as_mask(vector_test(c.key, scalar))
    python = c.inexact & valued
    if not exact:  # equal keys do not mean equal values: let Python compare
        python |= vector & as_mask(pc.equal(c.key, scalar))
    failed = vector & ~passed & ~python
    return failed | _python_rows(c, python, lambda v: v == v and python_test(v, bound))


def _check_unique(grid: Table, c: Column, errors: _Errors) -> None:
    considered = c.present & ~c.bad
    dup, first = _duplicates([c], [c.key], considered, grid.numbers)
    numbers = grid.numbers
    errors.rows(dup, (3, c.pos), lambda r: (
        "unique-error", c.name, c.cells[r].as_py(),
        f"dòng {numbers[r]}, cột “{c.name}”: “{_show(c.cells[r].as_py())}” trùng với dòng {numbers[first[r]]}, "
        f"nhưng cột này không được có giá trị lặp (unique).",
        f"row {numbers[r]}, field “{c.name}”: “{_show(c.cells[r].as_py())}” repeats row {numbers[first[r]]}, "
        f"but the field's values must be unique.",
        "sửa hoặc xóa dòng trùng; nếu cột được phép lặp, bỏ “unique: true” trong đặc tả.",
        "correct or delete the repeated row; if repeats are allowed, remove “unique: true” from the schema."))


def _check_primary_key(grid: Table, key: list[Column], errors: _Errors) -> None:
    n = grid.rows
    numbers = grid.numbers
    names = ", ".join(c.name for c in key)
    empty = np.ones(n, bool)
    for c in key:
        empty &= ~(c.present & ~c.bad)
    errors.rows(empty, (4,), lambda r: (
        "primary-key", "", None,
        f"dòng {numbers[r]}: khóa chính ({names}) để trống.", f"row {numbers[r]}: the primary key ({names}) is empty.",
        "mỗi dòng cần giá trị khóa chính riêng: điền vào, hoặc xóa dòng nếu đây là dòng trống.",
        "every row needs its own primary key value: fill it in, or delete the row if it is blank."))
    # Empty key cells are None to frictionless, equal to one another whatever the missing value was (one
    # column: rows with an empty key are not compared at all).
    keys = [c.key if len(key) == 1 or (c.present & ~c.bad).all() else
            pc.if_else(pa.array(c.present & ~c.bad), c.key, pa.scalar(None, c.kind.arrow)) for c in key]
    dup, first = _duplicates(key, keys, ~empty, numbers)

    def message(r: int) -> tuple:
        values = ", ".join(_show(c.cells[r].as_py() or "") for c in key)
        return ("primary-key", "", values,
                f"dòng {numbers[r]}: khóa chính ({names}) = ({values}) trùng với dòng {numbers[first[r]]}.",
                f"row {numbers[r]}: the primary key ({names}) = ({values}) repeats row {numbers[first[r]]}.",
                "mỗi dòng cần một khóa chính riêng: sửa giá trị hoặc xóa dòng trùng.",
                "every row needs its own primary key: correct the values or delete the repeated row.")

    errors.rows(dup, (4,), message)


def _duplicates(key: list[Column], keys: list[pa.Array], considered: np.ndarray,
                numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows whose key (one or several columns, nulls equal) repeats an earlier row's, and that earlier row.

    Vectorized (a stable sort for numbers and dates, hashing for text); groups holding an approximate key
    are then settled on frictionless' values.
    """
    n = len(considered)
    dup = np.zeros(n, bool)
    first = np.arange(n)
    rows = np.flatnonzero(considered)
    if len(rows) < 2:
        return dup, first
    reordered = bool(np.any(np.diff(numbers[rows]) < 0))
    if reordered:  # rows set aside by the reader: back in file order
        rows = rows[np.argsort(numbers[rows], kind="stable")]
    values = [k if len(rows) == n and not reordered else k.take(pa.array(rows)) for k in keys]
    group = _first_of_group(values)  # position (in rows) of the first row with the same key
    dup[rows] = group != np.arange(len(rows))
    first[rows] = rows[group]
    # Approximate keys: redo their groups with frictionless' values.
    rough = np.zeros(len(rows), bool)
    for c in key:
        rough |= c.inexact[rows]
    if rough.any():
        groups: dict[int, list[int]] = {}
        for position in np.flatnonzero(np.isin(group, group[rough])):
            groups.setdefault(int(group[position]), []).append(int(rows[position]))
        for members in groups.values():
            seen: dict[Any, int] = {}
            for r in members:  # in file order
                # Read afresh: frictionless' values are new objects, and NaN equals only itself as one object.
                value = tuple(c.kind.read(c.cells[r].as_py()) if c.present[r] else None for c in key)
                try:
                    earlier = seen.setdefault(value, r)
                except TypeError:  # unhashable (a signalling NaN): never equal
                    earlier = r
                dup[r] = earlier != r
                first[r] = earlier
    return dup, first


def _first_of_group(values: list[pa.Array | pa.ChunkedArray]) -> np.ndarray:
    """For each row, the first row with an equal key (nulls equal to one another)."""
    if len(values) == 1 and values[0].null_count == 0:
        column = values[0]
        if not pa.types.is_string(column.type):
            # Numbers, dates, times: a stable sort puts equal values together, earliest first.
            plain = as_ints(column if pa.types.is_floating(column.type) else
                             column.cast(pa.int32() if pa.types.is_date32(column.type) else
                                         pa.int8() if pa.types.is_boolean(column.type) else pa.int64()))
            order = np.argsort(plain, kind="stable")
            ordered = plain[order]
            return _runs(order, np.concatenate([[True], ordered[1:] != ordered[:-1]]))
        in_order = as_mask(pc.less_equal(column.slice(0, len(column) - 1), column.slice(1)))
        if in_order.mean() > 0.99:
            # Text (nearly) in order, as codes and ids usually are: arrow's stable sort is quick on it, and
            # quicker than hashing.
            order = np.arange(len(column)) if in_order.all() else as_ints(pc.sort_indices(column))
            ordered = column.take(pa.array(order)) if not in_order.all() else column
            same = as_mask(pc.equal(ordered.slice(1), ordered.slice(0, len(ordered) - 1)))
            return _runs(order, np.concatenate([[True], ~same]))
    codes = None
    for column in values:
        if pa.types.is_floating(column.type):
            column = pc.add(column, 0.0)  # -0.0 is 0.0
        part = _codes(column)
        codes = part if codes is None else _codes(pa.array(codes * (int(part.max()) + 1) + part))
    # Codes are numbered in order of first appearance: a row is first in its group when its code is new.
    starts = np.flatnonzero(codes > np.maximum.accumulate(np.concatenate([[-1], codes[:-1]])))
    return starts[codes]


def _runs(order: np.ndarray, start: np.ndarray) -> np.ndarray:
    """First row of each run of equal values in a stable sort `order` (`start` marks where a run begins)."""
    run_start = np.maximum.accumulate(np.where(start, np.arange(len(order)), 0))
    group = np.empty(len(order), np.int64)
    group[order] = order[run_start]
    return group


def _codes(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Dictionary codes, numbered in order of first appearance; null is a value like the others."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return as_ints(pc.dictionary_encode(values, null_encoding="encode").indices).astype(np.int64)


# ---------------------------------------------------------------------------------------------------------------
# Messages: what is wrong and what to change, for an agency clerk


TYPE_NAMES = {
    "string": ("văn bản", "text"), "integer": ("số nguyên (integer)", "an integer"), "number": ("số (number)", "a number"),
    "boolean": ("giá trị đúng/sai (boolean)", "a boolean"), "date": ("ngày (date)", "a date"),
    "datetime": ("ngày giờ (datetime)", "a date and time"), "time": ("giờ (time)", "a time"),
    "year": ("năm (year)", "a year"), "yearmonth": ("tháng năm (yearmonth)", "a year and month"),
}
STRING_FORMATS = {"email": ("địa chỉ email hợp lệ", "a valid e-mail address"),
                  "uri": ("địa chỉ URI/URL đầy đủ (có phần “https:”)", "a full URI/URL (with “https:”)"),
                  "uuid": ("mã UUID", "a UUID"), "binary": ("dữ liệu base64", "base64 data")}


def _show(cell: Any) -> str:
    text = "" if cell is None else str(cell)
    return text if len(text) <= CELL_SHOWN else text[: CELL_SHOWN - 1] + "…"


def _stored_message(c: Column, row: int, cell: str) -> tuple[str, str, str, str]:
    return (f"dòng {row}, cột “{c.name}”: ô “{_show(cell)}” được bảng tính lưu dạng số (hoặc ngày, đúng/sai), "
            "không phải văn bản; mã và số điện thoại lưu dạng số đã mất số 0 ở đầu.",
            f"row {row}, field “{c.name}”: the workbook stores “{_show(cell)}” as a number (or a date or boolean), not "
            "as text; codes and phone numbers stored as numbers have lost their leading zeros.",
            "trong Excel chọn cả cột, định dạng là Văn bản (Format Cells > Text), nhập lại giá trị (kể cả số 0 ở đầu) "
            "rồi lưu; hoặc đổi “type” của cột trong đặc tả nếu cột thực sự là số.",
            "in Excel select the column, format it as Text (Format Cells > Text), type the values again (leading zeros "
            "too) and save; or change the field's “type” in the schema if it really holds numbers.")


def _type_message(c: Column, row: int, cell: str) -> tuple[str, str, str, str]:
    at_vi, at_en = f"dòng {row}, cột “{c.name}”", f"row {row}, field “{c.name}”"
    fmt = c.kind.format
    if c.type == "string":
        what_vi, what_en = STRING_FORMATS.get(fmt, TYPE_NAMES["string"])
    else:
        what_vi, what_en = TYPE_NAMES[c.type]
    vi = f"{at_vi}: “{_show(cell)}” không phải {what_vi}."
    en = f"{at_en}: “{_show(cell)}” is not {what_en}."
    change_vi = "hoặc sửa “type” của cột trong đặc tả nếu khai báo sai."
    change_en = "or correct the field's “type” in the schema if it is wrong."
    if c.type == "integer":
        fix = ("ghi số nguyên bằng chữ số, không có dấu phân cách hàng nghìn, đơn vị hay chữ (ví dụ 1500); để trống nếu không có số liệu, ",
               "write the integer in digits, without thousands separators, units or words (e.g. 1500); leave it empty if unknown, ")
    elif c.type == "number":
        decimal = c.desc.get("decimalChar", ".")
        fix = (f"ghi số bằng chữ số, dấu thập phân là “{decimal}”, không có đơn vị hay chữ (ví dụ 12{decimal}5); "
               "nếu bảng dùng dấu phẩy thập phân, khai báo “decimalChar: ','” trong đặc tả, ",
               f"write the number in digits with “{decimal}” as decimal mark, without units or words (e.g. 12{decimal}5); "
               "if the table uses a decimal comma, declare “decimalChar: ','” in the schema, ")
    elif c.type == "boolean":
        trues, falses = c.kind.trues, c.kind.falses  # type: ignore[attr-defined]
        fix = (f"dùng một trong các giá trị {', '.join(trues + falses)} (hoặc khai báo “trueValues”/“falseValues” trong đặc tả), ",
               f"use one of {', '.join(trues + falses)} (or declare “trueValues”/“falseValues” in the schema), ")
    elif c.type in ("date", "datetime", "time"):
        example = {"date": ("YYYY-MM-DD, ví dụ 2024-03-15", "YYYY-MM-DD, e.g. 2024-03-15"),
                   "datetime": ("YYYY-MM-DDTHH:MM:SS, ví dụ 2024-03-15T08:30:00", "YYYY-MM-DDTHH:MM:SS, e.g. 2024-03-15T08:30:00"),
                   "time": ("HH:MM:SS, ví dụ 08:30:00", "HH:MM:SS, e.g. 08:30:00")}[c.type]
        if fmt not in ("default", "any"):
            fix = (f"ghi theo định dạng “{fmt}” đã khai báo và kiểm tra ngày có thật (ví dụ không có 30/02), ",
                   f"write it in the declared format “{fmt}” and check the date exists (no 30 February), ")
        else:
            fix = (f"ghi theo dạng {example[0]} và kiểm tra ngày có thật; nếu cả bảng dùng dạng khác, khai báo “format” (ví dụ \"%d/%m/%Y\"), ",
                   f"write it as {example[1]} and check the date exists; if the whole table uses another form, declare “format” "
                   "(e.g. \"%d/%m/%Y\"), ")
    elif c.type == "year":
        fix = ("ghi năm bằng 4 chữ số (ví dụ 2024), ", "write the year as 4 digits (e.g. 2024), ")
    elif c.type == "yearmonth":
        fix = ("ghi theo dạng YYYY-MM (ví dụ 2024-03), ", "write it as YYYY-MM (e.g. 2024-03), ")
    else:
        fix = (f"ghi {what_vi} (hoặc để trống nếu không có), ", f"write {what_en} (or leave it empty), ")
    return vi, en, "sửa ô dữ liệu: " + fix[0] + change_vi, "correct the cell: " + fix[1] + change_en


def _length_message(c: Column, row: int, cell: str, name: str, limit: Any) -> tuple:
    length = len(cell)
    if name == "minLength":
        vi, en = f"ngắn hơn {limit} ký tự (chỉ có {length})", f"is shorter than {limit} characters ({length})"
    else:
        vi, en = f"dài hơn {limit} ký tự (có {length})", f"is longer than {limit} characters ({length})"
    return ("constraint-error", c.name, cell,
            f"dòng {row}, cột “{c.name}”: “{_show(cell)}” {vi}.", f"row {row}, field “{c.name}”: “{_show(cell)}” {en}.",
            f"sửa ô dữ liệu cho đúng độ dài, hoặc sửa “{name}” trong đặc tả nếu giới hạn sai.",
            f"correct the cell's length, or the schema's “{name}” if the limit is wrong.")


def _pattern_message(c: Column, row: int, cell: str, pattern: Any) -> tuple:
    return ("constraint-error", c.name, cell,
            f"dòng {row}, cột “{c.name}”: “{_show(cell)}” không đúng mẫu quy định (pattern “{pattern}”).",
            f"row {row}, field “{c.name}”: “{_show(cell)}” does not match the pattern “{pattern}”.",
            "sửa ô dữ liệu theo mẫu (ví dụ mã phải đủ số chữ số, giữ số 0 ở đầu; không có khoảng trắng thừa), hoặc sửa “pattern” trong đặc tả.",
            "correct the cell to match (e.g. codes need all their digits, leading zeros kept, no stray spaces), or the schema's “pattern”.")


def _enum_message(c: Column, row: int, cell: str, enum: list) -> tuple:
    allowed = ", ".join(f"“{_show(v)}”" for v in enum[:20]) + (", …" if len(enum) > 20 else "")
    return ("constraint-error", c.name, cell,
            f"dòng {row}, cột “{c.name}”: “{_show(cell)}” không thuộc danh sách giá trị cho phép: {allowed}.",
            f"row {row}, field “{c.name}”: “{_show(cell)}” is not one of the allowed values: {allowed}.",
            "dùng đúng một giá trị trong danh sách (kể cả dấu tiếng Việt, chữ hoa/thường và khoảng trắng), hoặc bổ sung giá trị vào “enum” trong đặc tả.",
            "use one of the listed values exactly (accents, case and spaces too), or add the value to the schema's “enum”.")


def _bound_message(c: Column, row: int, cell: str, name: str, bound: Any) -> tuple:
    vi, en = {"minimum": ("nhỏ hơn giá trị tối thiểu", "is below the minimum"),
              "maximum": ("lớn hơn giá trị tối đa", "is above the maximum"),
              "exclusiveMinimum": ("phải lớn hơn", "must be greater than"),
              "exclusiveMaximum": ("phải nhỏ hơn", "must be less than")}[name]
    return ("constraint-error", c.name, cell,
            f"dòng {row}, cột “{c.name}”: “{_show(cell)}” {vi} {bound}.",
            f"row {row}, field “{c.name}”: “{_show(cell)}” {en} {bound}.",
            f"kiểm tra và sửa ô dữ liệu (nhầm đơn vị, thừa/thiếu chữ số?), hoặc sửa “{name}” trong đặc tả nếu giới hạn sai.",
            f"check and correct the cell (wrong unit, a digit too many?), or the schema's “{name}” if the limit is wrong.")
