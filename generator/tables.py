"""Read the first rows of a table (csv, xls, xlsx) for the dataset page's first look.

Every cell is read as text: codes and phone numbers keep their leading zeros.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from pathlib import Path

from .text import nfc


class TableReadError(Exception):
    pass


def _cell(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if value is None:
        return ""
    return nfc(str(value))


def head(path: Path, fmt: str, sheet: str | None = None, rows: int = 10) -> tuple[list[str], list[list[str]]]:
    """Return (header, first rows) of a table; raise TableReadError if it cannot be read."""
    if fmt == "csv":
        return _csv_head(path, rows)
    return _sheet_head(path, sheet, rows)


def _csv_head(path: Path, rows: int) -> tuple[list[str], list[list[str]]]:
    try:
        with path.open("rb") as raw:
            # Only the first rows are decoded: the page never needs the whole file.
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            reader = csv.reader(text)
            lines = [[nfc(c) for c in line] for line in itertools.islice(reader, rows + 1)]
    except UnicodeDecodeError as exc:
        raise TableReadError(f"not UTF-8 at byte {exc.start}") from exc
    except csv.Error as exc:
        raise TableReadError(str(exc)) from exc
    if not lines:
        return [], []
    return lines[0], lines[1:]


def select_sheet(book, sheet: str | int | None):
    """The sheet a resource reads: its name, a 1-based number as frictionless counts, or the first; None if absent."""
    if sheet is None:
        return book.get_sheet_by_index(0)
    if sheet in book.sheet_names:
        return book.get_sheet_by_name(sheet)
    if str(sheet).isdigit() and 1 <= int(sheet) <= len(book.sheet_names):
        return book.get_sheet_by_index(int(sheet) - 1)
    return None


def _sheet_head(path: Path, sheet: str | None, rows: int) -> tuple[list[str], list[list[str]]]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        data = select_sheet(book, sheet)
        if data is None:
            raise TableReadError(f"no sheet named “{sheet}” (sheets: {', '.join(book.sheet_names)})")
        lines = [[_cell(c) for c in line] for line in data.to_python(nrows=rows + 1)]
    except (CalamineError, ValueError, OSError) as exc:
        raise TableReadError(str(exc)) from exc
    except Exception as exc:  # calamine raises assorted errors on corrupt files
        raise TableReadError(f"{type(exc).__name__}: {exc}") from exc
    if not lines:
        return [], []
    return lines[0], lines[1:]
