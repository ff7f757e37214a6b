"""The one table reader: every csv, xls and xlsx the portal checks or publishes is read here, once.

The gate, `infer`, `new`, the previews and table chunks, the charts, the
conversions and the zipped Data Package all take a table from `read()` (or
its saved copy, `load()`), so what the gate checked is what is published.

What it decides, the same way for every format:
- the sheet: by name, or by 1-based number as frictionless counts;
- where the table is: a title block above it (the national motto, the
  agency, the report's title, a date line, blank rows) is skipped; the
  header is one row, or two or three rows of merged group headings in a
  workbook; a row numbering the columns ("(1) (2) (3)") under the header, a
  total row ("Tổng cộng", "Cộng") and a signature block below the table
  ("Người lập biểu", "Thủ trưởng đơn vị", dates, names) are skipped;
- one rule turns a cell into text (`cell_text`): 1 not 1.0, dates in ISO
  8601, booleans true/false, empty cells "", a merged cell's value in every
  cell it covers; text is NFC. Cells stay text: codes keep their zeros.

What it decided is kept in `Table.layout` and written into the published
descriptor's dialect (`Layout.dialect`: headerRows, commentRows, the sheet by
name, fillMergedCells), so frictionless reads the published package as the
gate read it. Rows are numbered as frictionless numbers them: physical rows,
the first row of the file is row 1.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from generator.text import fold, nfc

# As frictionless: a long text cell is data, not an error.
csv.field_size_limit(2147483646)

SPREADSHEETS = ("xls", "xlsx")
BLOCK_SIZE = 4 << 20  # pyarrow reads in blocks; one CSV row must fit in a block (else Python's csv reads the file)
PYTHON_CSV_LIMIT = 64 << 20  # files pyarrow refuses are re-read by Python's csv (frictionless' reader) up to this size
SAMPLE_ROWS = 100  # frictionless looks for the header row among the first 100 rows
SAMPLE_BYTES = 16 << 20  # ... read at most this far
MAX_RAGGED = 200_000  # rows with the wrong number of cells kept aside; more than this is read by Python's csv
MAX_COLUMNS = 5_000  # more is not a table a person keeps
MAX_MERGED_CELLS = 2_000_000  # cells covered by merged ranges; more is a bomb, not a report
MAX_HEADER_ROWS = 3
FOOTER_ROWS = 60  # a signature block is looked for among the table's last rows

# Text in the title block above a table: the national motto and the date line of an official form.
TITLE_LINE = re.compile(r"cong hoa xa hoi chu nghia|doc lap\W+tu do\W+hanh phuc|^\W*(ngay|thang|nam)\b.*\d|"
                        r"\bngay\W+(\d+|\.+|…)\W+thang\W+(\d+|\.+|…)\W+nam\b")
# Words that open a signature block or the notes below a table (accent-folded).
FOOTER_LINE = re.compile(r"^\W*(nguoi lap|nguoi ky|thu truong|giam doc|pho giam doc|ke toan truong|chu tich|"
                         r"pho chu tich|truong phong|tm\.|kt\.|q\.|noi nhan|xac nhan|(ghi chu|chu thich|nguon( so lieu)?)\s*:|"
                         r"\(ky|ky ten|ky,|dong dau|ghi ro ho ten)|"
                         r"\bngay\W+(\d+|\.+|…)\W+thang\W+(\d+|\.+|…)\W+nam\b|\(ky\b|ghi ro ho ten")
# A total row's label, in its first filled cell (RE2, on NFC text; case-insensitive).
# Vietnamese words with their tone marks: "TONG" without them is more often a code than a label.
TOTAL_LABEL = (r"(?i)^\s*(t[ổỔ]ng\s+c[ộỘ]ng|t[ổỔ]ng\s+s[ốỐ]|t[ổỔ]ng|c[ộỘ]ng|to[àÀ]n\s+t[ỉỈ]nh|total|grand\s+total)"
               r"(\s+(chung|to[àÀ]n\s+t[ỉỈ]nh|c[ảẢ]\s+n[ăĂ]m))?\s*(\([^)]*\))?\s*[:.]?\s*$")
# A cell of the row that numbers the columns: "1", "(2)", "[3]", "A", "(4)=(2)+(3)", "5=3x4".
_NUMBERING_TERM = r"[\(\[]?\s*(\d{1,3}|[A-Za-z])\s*[\)\]]?"
NUMBERING_CELL = re.compile(rf"{_NUMBERING_TERM}(\s*[=+\-*/xX:]\s*{_NUMBERING_TERM})*")
NUMBER_TEXT = re.compile(r"[+-]?(\d[\d.,\s]*)?\d([.,]\d+)?%?")

REASONS = {  # why a row was skipped, for the report
    "title": ("khối tiêu đề phía trên bảng", "title block above the table"),
    "numbering": ("dòng đánh số cột", "row numbering the columns"),
    "total": ("dòng tổng", "total row"),
    "footer": ("khối ký tên, ghi chú phía dưới bảng", "signature or notes block below the table"),
    "declared": ("dòng khai báo bỏ qua trong “commentRows”", "rows the dialect's “commentRows” leaves out"),
}


class TableReadError(Exception):
    """The table cannot be read at all; carries the problem to report (Vietnamese and English, with the fix)."""

    def __init__(self, code: str, vi: str, en: str, fix_vi: str, fix_en: str):
        super().__init__(en)
        self.code, self.vi, self.en, self.fix_vi, self.fix_en = code, vi, en, fix_vi, fix_en


@dataclass(frozen=True)
class Skip:
    row: int  # physical row, 1-based
    reason: str  # a key of REASONS
    text: str = ""  # the row's first filled cell, shortened


@dataclass
class Layout:
    """What the reader decided about a table; the published dialect says the same to other tools."""

    header_rows: list[int] = field(default_factory=lambda: [1])  # physical rows, 1-based; [] = no header
    skipped: list[Skip] = field(default_factory=list)
    sheet: str | None = None  # the sheet read, by name
    merged: bool = False  # merged cells were filled with their value

    def rows_skipped(self, reason: str) -> list[int]:
        return [s.row for s in self.skipped if s.reason == reason]

    def dialect(self, fmt: str) -> dict[str, Any]:
        """The Table Dialect (frictionless v5) that reads the file as this reader did."""
        out: dict[str, Any] = {}
        if self.header_rows and self.header_rows != [1]:
            out["headerRows"] = list(self.header_rows)
        comments = sorted(s.row for s in self.skipped if s.row > (self.header_rows or [0])[-1])
        if comments:
            out["commentRows"] = comments
        if fmt in SPREADSHEETS:
            excel: dict[str, Any] = {}
            if self.sheet is not None:
                excel["sheet"] = self.sheet
            if self.merged:
                excel["fillMergedCells"] = True
            if excel:
                out["excel"] = excel
        return out

    def to_json(self) -> dict[str, Any]:
        return {"header_rows": self.header_rows, "sheet": self.sheet, "merged": self.merged,
                "skipped": [[s.row, s.reason, s.text] for s in self.skipped]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Layout:
        return cls([int(r) for r in data["header_rows"]], [Skip(int(a), str(b), str(c)) for a, b, c in data["skipped"]],
                   data.get("sheet"), bool(data.get("merged")))


@dataclass
class Table:
    labels: list[str]  # the header (stripped; header rows joined); [] when the header row is empty
    columns: list[pa.ChunkedArray]  # one string array per header position; null: the row has no such cell
    numbers: np.ndarray  # the physical row number of every data row; not always in order (see `order`)
    extras: dict[int, list[str]] = field(default_factory=dict)  # data row index -> its cells beyond the header
    layout: Layout = field(default_factory=Layout)
    numeric: set[int] = field(default_factory=set)  # spreadsheet columns whose cells are numbers (zeros lost)
    # Workbook columns some of whose cells are not text (numbers, dates, booleans): column -> row mask.
    typed: dict[int, np.ndarray] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return len(self.numbers)

    def order(self) -> np.ndarray:
        """Row indices in the table's own order (rows pyarrow set aside come last when read)."""
        if len(self.numbers) < 2 or bool((np.diff(self.numbers) > 0).all()):
            return np.arange(len(self.numbers))
        return np.argsort(self.numbers, kind="stable")

    def records(self, limit: int | None = None) -> Iterator[list[str]]:
        """Data rows in order, as many cells as the header, a missing cell as ""."""
        order = self.order()
        if limit is not None:
            order = order[:limit]
        step = 65536
        for start in range(0, len(order), step):
            part = pa.array(order[start:start + step])
            cells = [[("" if v is None else v) for v in c.take(part).to_pylist()] for c in self.columns]
            yield from (list(row) for row in zip(*cells)) if cells else ([] for _ in range(len(part)))

    def head(self, rows: int = 10) -> tuple[list[str], list[list[str]]]:
        return list(self.labels), list(self.records(rows))

    def as_arrow(self) -> pa.Table:
        return pa.table(self.columns, names=self.labels) if self.columns else pa.table({})

    # A table read by the gate is saved for the outputs of the same build: read once, used everywhere.
    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        typed = sorted(self.typed)
        meta = {"labels": self.labels, "layout": self.layout.to_json(), "numeric": sorted(self.numeric),
                "extras": {str(k): v for k, v in self.extras.items()}, "columns": len(self.columns), "typed": typed}
        arrays = [pa.array(self.numbers, pa.int64())] + [c.combine_chunks() if c.num_chunks != 1 else c.chunk(0)
                                                        for c in self.columns]
        arrays += [pa.array(self.typed[j]) for j in typed]
        names = ["row"] + [f"c{i}" for i in range(len(self.columns))] + [f"t{j}" for j in typed]
        schema = pa.schema([pa.field(n, a.type) for n, a in zip(names, arrays)],
                           metadata={b"opendata": json.dumps(meta, ensure_ascii=False).encode()})
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, schema) as writer:
            writer.write_table(pa.table(arrays, schema=schema))


def saved(folder: Path, dataset: str, resource: str) -> Path:
    """Where a build keeps a table as the gate read it."""
    return folder / dataset / f"{resource}.arrow"


def load(path: Path) -> Table:
    """A table saved by `Table.save` (memory-mapped: nothing is parsed again)."""
    with pa.memory_map(str(path), "r") as source:
        table = pa.ipc.open_file(source).read_all()
    meta = json.loads(table.schema.metadata[b"opendata"])
    width = meta["columns"]
    typed = {j: table.column(1 + width + k).to_numpy() for k, j in enumerate(meta["typed"])}
    return Table(meta["labels"], [table.column(i) for i in range(1, 1 + width)],
                 table.column(0).to_numpy(), {int(k): v for k, v in meta["extras"].items()},
                 Layout.from_json(meta["layout"]), set(meta["numeric"]), typed)


def of(resource: Any) -> Table:
    """A resource's table: as the gate read it in this build (`resource.reading`), or read now."""
    if getattr(resource, "reading", None) is not None:
        return load(resource.reading)
    if resource.source is None:
        raise unreadable("no file")
    return read(resource.source, resource.format, resource.sheet, dialect=resource.dialect)


def load_layout(path: Path) -> Layout:
    with pa.memory_map(str(path), "r") as source:
        meta = json.loads(pa.ipc.open_file(source).schema.metadata[b"opendata"])
    return Layout.from_json(meta["layout"])


# ---------------------------------------------------------------------------------------------------------------
# The cell rule


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a CSV would hold: 1 not 1.0, dates in ISO 8601, booleans true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):  # a time of day typed into a cell formatted as a duration
        seconds = int(value.total_seconds())
        return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    text = str(value)
    return text if text.isascii() else nfc(text)


# Every character that NFC can change: combining marks and the other characters that compose with the one
# before them (Hangul jamo), and the singletons NFC replaces. A cell without any is already NFC, so only the
# few cells with one are normalised (normalising a whole column costs seconds per million cells).
# tests/test_accent_fold.py checks this class against unicodedata over every code point.
NOT_NFC_STABLE = (r"[\p{M}\x{0340}-\x{0344}\x{0374}\x{037E}\x{0387}\x{0958}-\x{095F}\x{09DC}-\x{09DF}"
                  r"\x{0A33}\x{0A36}\x{0A59}-\x{0A5E}\x{0B5C}\x{0B5D}\x{0F43}-\x{0FB9}\x{1100}-\x{11FF}"
                  r"\x{1F00}-\x{1FFF}\x{2000}\x{2001}\x{2126}\x{212A}\x{212B}\x{2329}\x{232A}\x{2ADC}"
                  r"\x{F900}-\x{FAFF}\x{FB1D}-\x{FB4E}\x{1D15E}-\x{1D1C0}\x{2F800}-\x{2FA1F}]")


def _nfc_column(column: pa.ChunkedArray) -> pa.ChunkedArray:
    rows = _beyond_latin(column)
    if not len(rows):
        return column
    mask = np.zeros(len(column), bool)
    mask[rows[_np_bool(pc.match_substring_regex(column.take(pa.array(rows)), NOT_NFC_STABLE))]] = True
    if not mask.any():
        return column
    flat = column.combine_chunks()
    fixed = pc.utf8_normalize(flat.filter(pa.array(mask)), "NFC")
    return pa.chunked_array([pc.replace_with_mask(flat, pa.array(mask), fixed)])


def _beyond_latin(column: pa.ChunkedArray) -> np.ndarray:
    """Rows with a character from U+0300 on, other than Vietnamese letters (U+1E00-U+1EFF): read from the
    UTF-8 bytes themselves (a lead byte 0xCC or more), which costs milliseconds per million cells."""
    found, start = [], 0
    for chunk in column.chunks:
        data = chunk.buffers()[2]
        if len(chunk) and data is not None:
            offsets = np.frombuffer(chunk.buffers()[1], np.int32)[chunk.offset:chunk.offset + len(chunk) + 1]
            raw = np.frombuffer(data, np.uint8)[offsets[0]:offsets[-1]]
            lead = raw >= 0xCC
            e1 = np.flatnonzero(raw[:-1] == 0xE1)
            lead[e1[(raw[e1 + 1] >= 0xB8) & (raw[e1 + 1] <= 0xBB)]] = False
            at = np.flatnonzero(lead) + offsets[0]
            if len(at):
                found.append(np.unique(np.searchsorted(offsets, at, side="right") - 1) + start)
        start += len(chunk)
    return np.concatenate(found) if found else np.zeros(0, np.int64)


# ---------------------------------------------------------------------------------------------------------------
# Reading


def select_sheet(book: Any, sheet: str | int | None):
    """The sheet a resource reads: its name, a 1-based number as frictionless counts, or the first; None if absent."""
    if sheet is None:
        return book.get_sheet_by_index(0)
    if sheet in book.sheet_names:
        return book.get_sheet_by_name(sheet)
    if str(sheet).isdigit() and 1 <= int(sheet) <= len(book.sheet_names):
        return book.get_sheet_by_index(int(sheet) - 1)
    return None


def sheet_names(path: Path) -> list[str]:
    from python_calamine import CalamineWorkbook

    try:
        return list(CalamineWorkbook.from_path(str(path)).sheet_names)
    except Exception as exc:  # calamine raises assorted errors on corrupt files
        raise unreadable(f"{type(exc).__name__}: {exc}") from exc


def read(path: Path, fmt: str, sheet: str | int | None = None, encoding: str = "utf-8",
         width_without_header: int = 0, dialect: dict | None = None) -> Table:
    """Read a table (see the module's docstring); raise TableReadError when the file cannot be read.

    `width_without_header`: how many columns a table without a header row
    has (the schema's fields), as frictionless pairs them. `dialect`: the
    resource's own Table Dialect; where it declares `headerRows` or
    `commentRows` (as `opendata new` writes them once the agency answered),
    those are taken as they are instead of being found.
    """
    path = Path(path)
    fmt = fmt.lower()
    declared = _declared(dialect)
    if fmt in SPREADSHEETS:
        table = _read_sheet(path, sheet, declared)
    else:
        table = _read_csv(path, encoding, width_without_header, declared)
    if table.rows:
        _skip_inside(table, declared)
    return table


def _declared(dialect: dict | None) -> dict[str, list[int]] | None:
    if not isinstance(dialect, dict):
        return None
    out = {}
    for key in ("headerRows", "commentRows"):
        rows = dialect.get(key)
        if isinstance(rows, list) and rows and all(isinstance(r, int) and not isinstance(r, bool) and r >= 1
                                                   for r in rows):
            out[key] = sorted(set(rows))
    return out or None


def head(path: Path, fmt: str, sheet: str | int | None = None, rows: int = 10) -> tuple[list[str], list[list[str]]]:
    """The header and first rows of a table, as `read` finds them."""
    return read(path, fmt, sheet).head(rows)


def _read_csv(path: Path, encoding: str, width_without_header: int, declared: dict | None = None) -> Table:
    utf8 = encoding.lower().replace("_", "-") in ("utf-8", "utf8", "utf-8-sig", "ascii")
    text_encoding = "utf-8-sig" if utf8 else encoding
    try:
        sample, offsets = _sample(path, text_encoding)
    except UnicodeDecodeError as exc:
        raise not_utf8(None) from exc
    except (OSError, LookupError, csv.Error) as exc:
        raise unreadable(str(exc)) from exc
    if not sample:
        return Table([], [], np.zeros(0, np.int64))
    header, head_layout = _find_header(sample, {}, csv_file=True, declared=declared)
    _check_width(len(sample[header]))
    if sample[header] and (utf8 or offsets[header] == 0):
        try:
            table = _read_csv_arrow(path, "utf8" if utf8 else encoding, offsets[header], sample[header], header)
            table.layout = head_layout
            return table
        except (pa.ArrowException, _Fallback) as exc:
            reason = str(exc)
            if path.stat().st_size > PYTHON_CSV_LIMIT:
                if "UTF8" in reason or "utf8" in reason:
                    raise not_utf8(None) from exc
                raise unreadable(reason) from exc
    table = _read_csv_python(path, text_encoding, header, width_without_header)
    table.layout = head_layout
    return table


def _check_width(width: int) -> None:
    if width > MAX_COLUMNS:  # not a table a person keeps; refuse it before it costs minutes
        raise TableReadError("format-error", f"bảng có {width} cột, quá nhiều cho một bảng dữ liệu (tối đa {MAX_COLUMNS}).",
                             f"the table has {width} columns, too many for a data table (at most {MAX_COLUMNS}).",
                             "kiểm tra tệp có đúng là bảng dữ liệu (mỗi cột một trường) và dấu phân cách là dấu phẩy.",
                             "check the file is a data table (one column per field) separated by commas.")


def _sample(path: Path, encoding: str) -> tuple[list[list[str]], list[int]]:
    """frictionless' sample (the first 100 records, read by Python's csv) and the byte offset of each."""
    records, offsets = [], []
    with path.open("rb") as raw:
        bom = len(codecs.BOM_UTF8) if encoding == "utf-8-sig" and raw.read(3) == codecs.BOM_UTF8 else 0
    consumed = bom
    with path.open("r", encoding=encoding, newline="") as text:

        def lines():
            nonlocal consumed
            for line in text:
                if consumed > SAMPLE_BYTES:  # an unclosed quote: the rest is one record, pyarrow will refuse it
                    return
                consumed += len(line.encode(encoding.removesuffix("-sig")))
                yield line

        reader = csv.reader(lines())  # reads only the lines of the record it returns
        while len(records) < SAMPLE_ROWS:
            start = consumed
            try:
                records.append(next(reader))
            except StopIteration:
                break
            offsets.append(start)
    return records, offsets


def _filled(row: list[str]) -> int:
    return sum(1 for c in row if c.strip())


def _first_filled(row: list[str]) -> str:
    return next((c.strip() for c in row if c.strip()), "")


def _is_title_line(row: list[str]) -> bool:
    return bool(TITLE_LINE.search(fold(" ".join(c.strip() for c in row if c.strip()))))


def _frictionless_header(sample: list[list[str]]) -> int:
    """frictionless takes for header the first sample row about as wide as the average row, skipping a title
    or a blank line above the table (detector.detect_dialect); its row numbers still count the skipped rows."""
    widths = [len(cells) for cells in sample]
    width = round(sum(widths) / len(widths))
    drift = max(round(width * 0.1), 1)
    return next((i for i, w in enumerate(widths) if width - drift <= w <= width + drift), 0)


def _find_header(sample: list[list[str]], merges: dict[int, list[tuple[int, int, int, int]]],
                 csv_file: bool, declared: dict | None = None) -> tuple[int, Layout]:
    """The first header row (0-based in the sample) and the layout of the rows above and in the header.

    frictionless' guess by width comes first (plain CSVs read as frictionless
    reads them); an office export pads its title block to the table's width,
    so a row is only a header when enough of its cells are filled and it is
    not the national motto or a date line.
    """
    if declared and "headerRows" in declared:
        rows = declared["headerRows"]
        if rows[-1] > len(sample):
            raise TableReadError("format-error", f"“headerRows” nêu dòng {rows[-1]} nhưng bảng chỉ có {len(sample)} dòng đầu được đọc.",
                                 f"“headerRows” names row {rows[-1]} but the table's first {len(sample)} rows end before it.",
                                 "sửa “dialect: {headerRows: [...]}” cho đúng số dòng tiêu đề.",
                                 "set “dialect: {headerRows: [...]}” to the header's row numbers.")
        if csv_file and len(rows) > 1:
            raise TableReadError("format-error", "tệp CSV chỉ có một dòng tiêu đề; “headerRows” nêu nhiều dòng.",
                                 "a CSV has one header row; “headerRows” names several.",
                                 "ghi tiêu đề trên một dòng rồi sửa “headerRows” thành một số.",
                                 "write the header on one row and give “headerRows” one number.")
        return rows[0] - 1, Layout(header_rows=list(rows))
    counts = [_filled(r) for r in sample]
    widest = max(counts, default=0)
    need = max(2, math.ceil(widest * 0.5)) if widest > 1 else 1
    header = _frictionless_header(sample)

    def starts_table(i: int) -> bool:  # a filled row of labels, with a filled row below it
        return counts[i] >= need and not _is_title_line(sample[i]) and _header_like(sample[i]) and \
            any(counts[k] >= need for k in range(i + 1, min(i + 4, len(sample))))

    if (widest >= 3 and counts[header] < need) or (widest > 1 and _is_title_line(sample[header])):
        header = next((i for i in range(len(sample)) if starts_table(i)), header)
    layout = Layout(header_rows=[header + 1])
    layout.skipped = [Skip(i + 1, "title", _first_filled(sample[i])[:80]) for i in range(header) if counts[i]]
    # Blank rows above the header are skipped too, but only filled ones are worth a line in the report.
    last = header
    while len(layout.header_rows) < MAX_HEADER_ROWS and last + 1 < len(sample):
        below = sample[last + 1]
        spans = merges.get(last, [])
        if spans:
            if not any(c1 > c0 or r1 > r0 for r0, c0, r1, c1 in spans) or _numbering_row(below) or \
                    not _header_like(below):
                break
            deepest = max(r1 for r0, c0, r1, c1 in spans)
            nxt = max(last + 1, min(deepest, header + MAX_HEADER_ROWS - 1))
            layout.header_rows += list(range(last + 2, nxt + 2))
            last = nxt
            continue
        if len(layout.header_rows) > 1:
            break  # the merged cells said where the header ends
        top = sample[last]
        under_gap = any(j < len(top) and not top[j].strip() and cell.strip() for j, cell in enumerate(below))
        if under_gap and _header_like(below) and not _numbering_row(below) and \
                any(cell.strip() and (j >= len(below) or not below[j].strip()) for j, cell in enumerate(top)):
            rows = f"{last + 1}–{last + 2}"
            where_vi, where_en = ("tệp CSV", "a CSV") if csv_file else ("trang tính không gộp ô", "no merged cells")
            raise TableReadError(
                "format-error",
                f"tiêu đề bảng nằm trên hai dòng ({rows}) mà không gộp ô ({where_vi}): không biết tiêu đề nhóm thuộc "
                "những cột nào.",
                f"the header spans two rows ({rows}) without merged cells ({where_en}): which columns a group heading "
                "covers is unknown.",
                "ghi tiêu đề trên một dòng (mỗi cột một tên, ví dụ “Dân số - Nam”), hoặc gộp ô tiêu đề nhóm (Merge & Center) "
                "và gửi tệp .xlsx.",
                "write the header on one row (one name per column, e.g. “Population - Male”), or merge the group "
                "heading's cells (Merge & Center) and submit the .xlsx.")
        break
    labels = sample[header]
    if last + 1 < len(sample) and _header_like(labels) and _numbering_row(sample[last + 1]) and \
            _filled(sample[last + 1]) * 2 >= _filled(labels):
        layout.skipped.append(Skip(last + 2, "numbering", " ".join(c.strip() for c in sample[last + 1] if c.strip())[:80]))
    return header, layout


def _header_like(row: list[str]) -> bool:
    """Every filled cell is a label, not a number (a header row, not the first data row)."""
    filled = [c.strip() for c in row if c.strip()]
    return bool(filled) and not any(NUMBER_TEXT.fullmatch(c) for c in filled)


def _numbering_row(row: list[str]) -> bool:
    """ "(1) (2) (3)", "A B 1 2 3=1+2": the row an official form puts under its header."""
    filled = [c.strip() for c in row if c.strip()]
    if len(filled) < 2 or not all(NUMBERING_CELL.fullmatch(c) for c in filled):
        return False
    leading = [int(m.group(0)) for c in filled if (m := re.match(r"\d+", c.lstrip("([ ")))]
    return len(leading) >= 2 and all(b == a + 1 for a, b in zip(leading, leading[1:])) and leading[0] == 1


class _Fallback(Exception):
    """pyarrow read the file differently from Python's csv: read it with Python's csv."""


def _read_csv_arrow(path: Path, encoding: str, offset: int, header: list[str], skipped: int) -> Table:
    """pyarrow from the header's first byte; every row (the header too) comes back as strings."""
    width = len(header)
    ragged: list[tuple[int, str]] = []

    def keep_aside(row: Any) -> str:
        ragged.append((row.number, row.text))
        if len(ragged) > MAX_RAGGED:
            raise _Fallback("too many rows with the wrong number of cells")
        return "skip"

    with pa.OSFile(str(path)) as raw:  # arrow's own file: no Python in the read loop
        raw.seek(offset)
        # Single-threaded: only then does pyarrow number the rows it sets aside (and on two cores it is as fast).
        table = pacsv.read_csv(
            raw,
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, use_threads=False, block_size=BLOCK_SIZE,
                                           encoding=encoding),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False,
                                             invalid_row_handler=keep_aside),
            convert_options=pacsv.ConvertOptions(column_types={f"f{i}": pa.string() for i in range(width)},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))
    if table.num_columns != width or table.num_rows == 0 or \
            table.slice(0, 1).to_pylist()[0] != {f"f{i}": cell for i, cell in enumerate(header)}:
        raise _Fallback("the header reads differently")
    columns = [_nfc_column(table.column(i).slice(1)) for i in range(width)]
    labels = [nfc(cell.strip()) for cell in header]
    n = table.num_rows - 1
    first = skipped + 2  # frictionless' number of the first data row
    if not ragged:
        return Table(labels, columns, np.arange(first, first + n, dtype=np.int64))
    # Rows set aside, parsed as frictionless parses them, go after the others (their numbers say where they
    # were): putting them back in place would copy every column.
    aside_numbers = np.array([number + skipped for number, _ in ragged], dtype=np.int64)
    records: list[list[str]] = []
    for _, text in ragged:
        parsed = list(csv.reader(io.StringIO(text, newline="")))
        if len(parsed) > 1:
            raise _Fallback("a row set aside holds several records")
        records.append([nfc(c) for c in parsed[0]] if parsed else [])
    kept_numbers = np.setdiff1d(np.arange(first, first + n + len(ragged), dtype=np.int64), aside_numbers,
                                assume_unique=True)
    if len(kept_numbers) != n or aside_numbers.min() < first:
        raise _Fallback("row numbers do not add up")
    aside_columns = [pa.array([r[i] if i < len(r) else None for r in records], pa.string()) for i in range(width)]
    extras = {n + k: r[width:] for k, r in enumerate(records) if len(r) > width}
    columns = [pa.chunked_array(c.chunks + [a], pa.string()) for c, a in zip(columns, aside_columns)]
    return Table(labels, columns, np.concatenate([kept_numbers, aside_numbers]), extras)


def _read_csv_python(path: Path, encoding: str, header: int, width_without_header: int) -> Table:
    """frictionless' own reading (Python's csv, RFC 4180 dialect), for what pyarrow cannot read the same way."""
    if path.stat().st_size > PYTHON_CSV_LIMIT:
        raise unreadable("the file is too large to be read this way")
    try:
        text = path.read_bytes().decode(encoding)
    except UnicodeDecodeError as exc:
        raise not_utf8(exc.start) from exc
    except (OSError, LookupError) as exc:
        raise unreadable(str(exc)) from exc
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise unreadable(str(exc)) from exc
    if not records:
        return Table([], [], np.zeros(0, np.int64))
    header = min(header, len(records) - 1)
    labels = [nfc(cell.strip()) for cell in records[header]]
    rows = records[header + 1:]
    width = len(labels) or width_without_header  # no header: frictionless pairs cells with the schema's fields
    columns = [_nfc_column(pa.chunked_array([pa.array([r[i] if i < len(r) else None for r in rows], pa.string())]))
               for i in range(width)]
    extras = {k: [nfc(c) for c in r[width:]] for k, r in enumerate(rows) if len(r) > width}
    return Table(labels, columns, np.arange(header + 2, header + 2 + len(rows), dtype=np.int64), extras)


def _read_sheet(path: Path, sheet: str | int | None, declared: dict | None = None) -> Table:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        data = select_sheet(book, sheet)  # "sheet: 2": frictionless counts sheets from 1
        if data is None:
            raise TableReadError(
                "format-error", f"tệp không có trang tính “{sheet}” (các trang tính: {', '.join(book.sheet_names)}).",
                f"the workbook has no sheet “{sheet}” (sheets: {', '.join(book.sheet_names)}).",
                "sửa “dialect: {excel: {sheet: ...}}” của tài nguyên cho đúng tên hoặc số thứ tự trang tính.",
                "set the resource's “dialect: {excel: {sheet: ...}}” to the sheet's name or number.")
        top, left = data.start or (0, 0)
        # Whole rows from A1, so that row numbers are the spreadsheet's own.
        width = left + data.width
        _check_width(width)
        fills = _merged_fills(data.merged_cell_ranges or [], width)
        grid: list[list[str]] = [[""] * width for _ in range(top)]
        numeric: set[int] = set()
        stored: list[tuple[int, int]] = []  # (row, column) of cells that are not text
        for r, line in enumerate(data.iter_rows(), start=top):
            cells = [""] * left + [cell_text(c) for c in line]
            cells += [""] * (width - len(cells))
            for j, c in enumerate(line, start=left):
                if not isinstance(c, str) and c is not None:
                    stored.append((r, j))
                    if isinstance(c, (int, float)) and not isinstance(c, bool):
                        numeric.add(j)
            grid.append(cells)
    except TableReadError:
        raise
    except Exception as exc:  # calamine raises assorted errors on corrupt or protected files
        raise unreadable(f"tệp bảng tính hỏng, có mật khẩu hoặc không đúng định dạng / the workbook is corrupt, "
                         f"password protected or not what its name says ({type(exc).__name__}: {exc})") from exc
    if not grid:
        return Table([], [], np.zeros(0, np.int64), layout=Layout(sheet=_sheet_name(book, sheet)))
    starts: dict[int, list[tuple[int, int, int, int]]] = {}
    for r0, c0, r1, c1 in fills:
        starts.setdefault(r0, []).append((r0, c0, r1, c1))
    raw_sample = [list(row) for row in grid[:SAMPLE_ROWS]]
    not_text = set(stored)
    for r0, c0, r1, c1 in fills:  # a merged cell's value in every cell it covers
        value = grid[r0][c0] if r0 < len(grid) else ""
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            for c in range(c0, c1 + 1):
                grid[r][c] = value
                if (r0, c0) in not_text and (r, c) not in not_text:
                    stored.append((r, c))
    header, layout = _find_header(raw_sample, starts, csv_file=False, declared=declared)
    layout.sheet, layout.merged = _sheet_name(book, sheet), bool(fills)
    labels = _join_labels([grid[r - 1] for r in layout.header_rows]) if any(grid[header]) else []
    body = grid[layout.header_rows[-1]:]
    first = layout.header_rows[-1] + 1
    columns = [pa.chunked_array([pa.array([row[j] for row in body], pa.string())]) for j in range(width)]
    typed: dict[int, np.ndarray] = {}
    start = layout.header_rows[-1]  # 0-based index of the first body row
    for r, j in stored:
        if r >= start:
            typed.setdefault(j, np.zeros(len(body), bool))[r - start] = True
    return Table(labels, columns, np.arange(first, first + len(body), dtype=np.int64), layout=layout,
                 numeric=numeric, typed=typed)


def _sheet_name(book: Any, sheet: str | int | None) -> str:
    names = list(book.sheet_names)
    if sheet is None:
        return names[0]
    if sheet in names:
        return str(sheet)
    return names[int(sheet) - 1]


def _merged_fills(ranges: list, width: int) -> list[tuple[int, int, int, int]]:
    out, cells = [], 0
    for (r0, c0), (r1, c1) in ranges:
        if (r0, c0) == (r1, c1):
            continue
        cells += (r1 - r0 + 1) * (min(c1, width - 1) - c0 + 1)
        if cells > MAX_MERGED_CELLS:
            raise TableReadError("format-error", "trang tính có quá nhiều ô gộp (hơn 2 triệu ô).",
                                 "the sheet has too many merged cells (over 2 million).",
                                 "bỏ gộp ô (Unmerge) trong vùng dữ liệu và lưu lại tệp.",
                                 "unmerge the cells of the data area and save the file again.")
        out.append((r0, c0, r1, min(c1, width - 1)))
    return out


def _join_labels(rows: list[list[str]]) -> list[str]:
    """frictionless' Dialect.read_labels: header rows joined by a space, a cell equal to the one above skipped."""
    labels: list[str] = []
    prev: dict[int, str] = {}
    for cells in rows:
        for index, cell in enumerate(c.strip() for c in cells):
            if prev.get(index) == cell:
                continue
            prev[index] = cell
            if len(labels) <= index:
                labels.append(cell)
                continue
            labels[index] = " ".join([labels[index], cell])
    return labels


# ---------------------------------------------------------------------------------------------------------------
# Rows inside the read range that are not data: the column numbering, total rows, the signature block


def _skip_inside(table: Table, declared: dict | None = None) -> None:
    layout = table.layout
    drop = np.zeros(table.rows, bool)
    if declared:  # the agency said which rows are not data: nothing else is guessed
        listed = [r for r in declared.get("commentRows", []) if r > layout.header_rows[-1]]
        drop = np.isin(table.numbers, listed)
        layout.skipped = [Skip(int(table.numbers[i]), "declared", _row_text(table, int(i))) for i in np.flatnonzero(drop)]
        _drop(table, drop)
        return
    numbering = set(layout.rows_skipped("numbering"))
    if numbering:
        drop |= np.isin(table.numbers, list(numbering))
    width = len(table.columns)
    if width >= 2:
        found = np.zeros(table.rows, bool)
        rows = np.arange(table.rows)  # rows whose cells so far are all empty: their label may come next
        for c in table.columns[:3]:
            part = c if len(rows) == table.rows else c.take(pa.array(rows))
            found[rows[_np_bool(pc.match_substring_regex(part, TOTAL_LABEL))]] = True
            rows = rows[~_np_bool(pc.match_substring_regex(part, r"\S"))]
            if not len(rows):
                break
        for i in np.flatnonzero(found & ~drop):
            layout.skipped.append(Skip(int(table.numbers[i]), "total", _row_text(table, int(i))))
        drop |= found
    drop |= _footer(table, drop)
    _drop(table, drop)
    layout.skipped.sort(key=lambda s: s.row)


def _drop(table: Table, drop: np.ndarray) -> None:
    if drop.any():
        keep = ~drop
        index = np.flatnonzero(keep)
        table.columns = [c.filter(pa.array(keep)) for c in table.columns]
        table.typed = {j: mask[keep] for j, mask in table.typed.items()}
        remap = {int(old): new for new, old in enumerate(index)}
        table.extras = {remap[k]: v for k, v in table.extras.items() if k in remap}
        table.numbers = table.numbers[keep]


def _np_bool(array: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), bool)


def _row_cells(table: Table, i: int) -> list[str]:
    return [(c[i].as_py() or "") for c in table.columns]


def _row_text(table: Table, i: int) -> str:
    return _first_filled(_row_cells(table, i))[:80]


def _footer(table: Table, dropped: np.ndarray) -> np.ndarray:
    """The signature and notes block below the table: in the table's trailing run of sparse rows, from its
    first blank row or signature line on, when that part holds a signature or date line. A data row above
    it stays data, however sparse."""
    out = np.zeros(table.rows, bool)
    if len(table.columns) < 3:
        return out
    need = max(2, math.ceil(len(table.columns) * 0.5))
    run: list[tuple[int, int, bool]] = []  # (row index, filled cells, signature line)
    for i in reversed([int(i) for i in table.order()[-FOOTER_ROWS:]]):
        cells = _row_cells(table, i)
        filled = _filled(cells)
        line = filled <= 3 and bool(FOOTER_LINE.search(fold(" ".join(c.strip() for c in cells if c.strip()))))
        # Names under the signature lines: a few cells of text, one per signing column.
        names = filled <= 3 and _header_like(cells)
        if not (dropped[i] or filled < need or line or names):
            break
        run.append((i, filled, line))
    run.reverse()
    start = next((k for k, (_, filled, line) in enumerate(run) if line or filled == 0), None)
    if start is None or not any(line for _, _, line in run[start:]):
        return out
    for i, _, _ in run[start:]:
        if not dropped[i]:
            out[i] = True
            table.layout.skipped.append(Skip(int(table.numbers[i]), "footer", _row_text(table, i)))
    return out


def unreadable(reason: str) -> TableReadError:
    return TableReadError("format-error", f"không đọc được bảng: {reason}.", f"the table cannot be read: {reason}.",
                          "mở tệp bằng Excel hoặc LibreOffice, kiểm tra nội dung và lưu lại (CSV UTF-8 phân cách bằng dấu phẩy, hoặc .xlsx).",
                          "open the file in Excel or LibreOffice, check it and save it again (comma-separated UTF-8 CSV, or .xlsx).")


def not_utf8(position: int | None) -> TableReadError:
    at_vi = f" (tại byte {position})" if position is not None else ""
    at_en = f" (at byte {position})" if position is not None else ""
    return TableReadError("encoding-error", f"tệp không phải văn bản UTF-8 hợp lệ{at_vi}.", f"the file is not valid UTF-8 text{at_en}.",
                          "lưu lại tệp với bảng mã UTF-8 (Excel: Lưu thành → CSV UTF-8).",
                          "save the file again as UTF-8 (Excel: Save As → CSV UTF-8).")


def describe_skipped(layout: Layout) -> tuple[str, str] | None:
    """The report's line on what the reader left out, or None: "rows 1–4: title block; row 30: total row"."""
    if not layout.skipped:
        return None
    groups: dict[str, list[int]] = {}
    for s in layout.skipped:
        groups.setdefault(s.reason, []).append(s.row)
    vi, en = [], []
    for reason, rows in groups.items():
        shown = _ranges(rows)
        vi.append(f"{'dòng' if len(rows) == 1 else 'các dòng'} {shown}: {REASONS[reason][0]}")
        en.append(f"{'row' if len(rows) == 1 else 'rows'} {shown}: {REASONS[reason][1]}")
    return "; ".join(vi), "; ".join(en)


def _ranges(rows: list[int]) -> str:
    rows = sorted(set(rows))
    parts, start = [], rows[0]
    for a, b in zip(rows, rows[1:] + [None]):
        if b != a + 1:
            parts.append(str(start) if start == a else f"{start}–{a}")
            start = b
    return ", ".join(parts)
