"""A draft Table Schema of a table (for `opendata infer` and `opendata new`), so agencies never write one
from scratch.

Every cell is read as text, so codes and phone numbers keep their leading zeros
and stay strings. Types are decided column by column with pyarrow compute (a
million rows take a few seconds); the draft is YAML ready to paste under
`schema:` in datapackage.yaml, with the Vietnamese headers kept as titles.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import unicodedata
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from generator.tables import reader as tables
from generator.tables.reader import Table
from generator.text import fold, nfc

SPREADSHEETS = set(tables.SPREADSHEETS)
FORMATS = {"csv"} | SPREADSHEETS
ENUM_MAX_VALUES = 10  # a text column with at most this many distinct values ...
ENUM_MIN_ROWS = 50  # ... over at least this many filled cells is a closed list

# Words in a column name that say "this is a code or a phone number": it stays text whatever its values.
_CODE_NAME = re.compile(r"(^|_)(ma|code|id|ky_hieu|so_hieu|symbol|zip)(_|$)")
_PHONE_NAME = re.compile(r"(^|_)(so_dien_thoai|dien_thoai|sdt|phone|tel|fax|hotline)(_|$)")
_YEAR_NAME = re.compile(r"^(nam|year)(_|$)|(^|_)year$")  # not dan_so_nam: “nam” is also “male”
_INTEGER = r"^[+-]?[0-9]+$"
_NUMBER = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"
_DECIMAL_COMMA = r"^[+-]?[0-9]+(,[0-9]+)?$"  # Vietnamese style: 12,5
_GROUPED_DOT = r"^[+-]?[0-9]{1,3}(\.[0-9]{3})*(,[0-9]+)?$"  # 1.234.567,5
_ISO_DATE = r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})$"
_VN_DATE = r"^(?P<d>[0-9]{1,2})/(?P<m>[0-9]{1,2})/(?P<y>[0-9]{4})$"
_ISO_DATETIME = (r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})[T ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
                 r"(\.[0-9]+)?(Z|[+-][0-9]{2}:?[0-9]{2})?$")
_TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$"
_BOOLEAN = {"true", "false", "True", "False", "TRUE", "FALSE"}


class InferError(Exception):
    """The file cannot be read as a table; says why in Vietnamese and English."""

    def __init__(self, vi: str, en: str):
        super().__init__(en)
        self.vi, self.en = vi, en


def infer_schema(path: Path, fmt: str, sheet: str | None = None, sample_rows: int = 100_000) -> dict:
    """A Table Schema drafted from the first `sample_rows` rows of the table at `path`."""
    return infer_table(path, fmt, sheet, sample_rows)[0]


def infer_table(path: Path, fmt: str, sheet: str | None = None, sample_rows: int = 100_000) -> tuple[dict, list[str]]:
    """The drafted schema and the table's header labels as read (to see which columns need renaming)."""
    table = reading(path, fmt, sheet)
    return draft(table, sample_rows), list(table.labels)


def draft(table: Table, sample_rows: int = 100_000) -> dict:
    """A Table Schema drafted from the first `sample_rows` data rows of a table as the gate reads it."""
    header, columns, numeric = _columns(table, sample_rows)
    names = field_names(header)
    fields, key = [], None
    for j, (label, name, column) in enumerate(zip(header, names, columns)):
        field = _infer_field(name, nfc(label).strip(), column, numeric_cells=j in numeric)
        constraints = field.get("constraints", {})
        if key is None and constraints.get("unique") and constraints.get("required"):
            key = name
        fields.append(field)
    schema: dict = {"fields": fields}
    if key:
        schema["primaryKey"] = [key]
    return schema


def stored_as_numbers(table: Table) -> list[str]:
    """Labels of the code and phone columns a workbook keeps as numbers: their leading zeros are gone."""
    names = field_names(table.labels)
    return [label for j, (label, name) in enumerate(zip(table.labels, names))
            if j in table.numeric and (_CODE_NAME.search(name) or _PHONE_NAME.search(name))]


# --- reading ---------------------------------------------------------------------------------------

def read_columns(path: Path, fmt: str, sheet: str | None = None, max_rows: int = 100_000) -> tuple[list[str], list[pa.Array]]:
    """(header labels, one string array per column, "" for empty cells); raise InferError if unreadable."""
    return _read(path, fmt, sheet, max_rows)[:2]


def reading(path: Path, fmt: str, sheet: str | None = None) -> Table:
    """The table as the gate reads it (generator.tables.reader). A CSV in a legacy encoding, or separated by
    semicolons or tabs, is read from its UTF-8, comma-separated copy: what `opendata new` will publish."""
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise InferError(f"định dạng “{fmt}” không phải bảng (dùng {', '.join(sorted(FORMATS))})",
                         f"format “{fmt}” is not a table format (use {', '.join(sorted(FORMATS))})")
    path = Path(path)
    if not path.is_file():
        _read_bytes(path)  # raises the right message
    try:
        if fmt != "csv":
            return tables.read(path, fmt, sheet)
        with tempfile.TemporaryDirectory(prefix="opendata-infer-") as tmp:
            copy = comma_utf8(path, Path(tmp) / "table.csv")
            return tables.read(copy, "csv")
    except tables.TableReadError as exc:
        raise InferError(exc.vi.rstrip("."), exc.en.rstrip(".")) from exc


def comma_utf8(source: Path, target: Path) -> Path:
    """`source` itself when it is a UTF-8, comma-separated CSV; else its UTF-8 NFC comma-separated copy at `target`."""
    from generator.gate.encoding import detect

    data = _read_bytes(source)
    if not data.strip():
        raise InferError("tệp rỗng", "the file is empty")
    found = detect(data)
    if found.encoding == "unknown":
        raise InferError("tệp không phải UTF-8, cũng không phải bảng mã cũ Windows-1258, TCVN3 hay VNI; hãy lưu lại dạng “CSV UTF-8”",
                         "not UTF-8, nor a Vietnamese legacy encoding (Windows-1258, TCVN3, VNI); save it as “CSV UTF-8”")
    text = csv_text(data)
    delimiter = delimiter_of(text[:65536].split("\n", 1)[0])
    if found.encoding in ("utf-8", "utf-8-sig") and delimiter == ",":
        return source
    try:
        rows = csv.reader(io.StringIO(nfc(text), newline=""), delimiter=delimiter)
        with target.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(rows)
    except csv.Error as exc:
        raise InferError(f"không đọc được dạng CSV ({exc})", f"cannot parse it as CSV ({exc})") from exc
    return target


def _read(path: Path, fmt: str, sheet: str | None, max_rows: int) -> tuple[list[str], list[pa.Array], set[int]]:
    """read_columns, plus the spreadsheet columns whose cells are numbers (they can never hold a leading zero)."""
    return _columns(reading(path, fmt, sheet), max_rows)


def _columns(table: Table, max_rows: int) -> tuple[list[str], list[pa.Array], set[int]]:
    if not table.labels and not table.columns:
        raise InferError("bảng rỗng", "the table is empty")
    order = pa.array(table.order()[:max_rows])
    columns = [pc.fill_null(c.take(order), "").combine_chunks() for c in table.columns]
    return list(table.labels), columns, set(table.numeric)


def delimiter_of(first_line: str) -> str:
    """The separator of a CSV's header line: the most frequent of , ; tab |, else a comma."""
    delimiter = max((",", ";", "\t", "|"), key=first_line.count)
    return delimiter if first_line.count(delimiter) else ","


def csv_text(data: bytes) -> str:
    """CSV bytes as text: UTF-8 (without its BOM), or the Vietnamese legacy encoding they were detected in."""
    from generator.gate.encoding import decode, detect

    found = detect(data)
    if found.encoding in ("utf-8", "utf-8-sig", "unknown"):
        return data.decode("utf-8-sig", errors="replace")
    return decode(data, found.encoding)


def csv_delimiter(path: Path) -> str:
    """The separator of the CSV at `path`, read from its header line only."""
    with Path(path).open("rb") as f:
        first = f.read(65536).split(b"\n", 1)[0]
    return delimiter_of(csv_text(first))


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise InferError("không tìm thấy tệp", "file not found") from exc
    except OSError as exc:
        raise InferError(f"không mở được tệp ({exc.strerror or exc})", f"cannot open the file ({exc.strerror or exc})") from exc


# --- names -----------------------------------------------------------------------------------------

def field_names(header: list[str]) -> list[str]:
    """ASCII snake_case names, unique: “Mã xã” -> ma_xa, “listingDate” -> listing_date, “” -> cot_3."""
    names: list[str] = []
    for i, label in enumerate(header):
        # NFKC first so that km² gives km2; camelCase -> camel_Case.
        spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", unicodedata.normalize("NFKC", label))
        name = re.sub(r"[^a-z0-9]+", "_", fold(spaced)).strip("_") or f"cot_{i + 1}"
        if name[0].isdigit():
            name = f"cot_{name}"
        base, n = name, 2
        while name in names:
            name, n = f"{base}_{n}", n + 1
        names.append(name)
    return names


# --- types -----------------------------------------------------------------------------------------

def _all(values: pa.Array, pattern: str) -> bool:
    return bool(pc.all(pc.match_substring_regex(values, pattern)).as_py())


def _any(values: pa.Array, pattern: str) -> bool:
    return bool(pc.any(pc.match_substring_regex(values, pattern)).as_py())


def _valid_dates(values: pa.Array, pattern: str) -> bool:
    """Every value matches `pattern` (groups y, m, d) and is a real calendar day (no 31/02)."""
    if not _all(values, pattern):
        return False
    parts = pc.extract_regex(values, pattern)
    y, m, d = (pc.cast(pc.struct_field(parts, k), pa.int64()).to_numpy(zero_copy_only=False) for k in ("y", "m", "d"))
    if ((m < 1) | (m > 12) | (d < 1)).any():
        return False
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    days = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[m] + ((m == 2) & leap)
    return bool((d <= days).all())


def _infer_field(name: str, title: str, column: pa.Array, numeric_cells: bool = False) -> dict:
    field: dict = {"name": name}
    if title:
        field["title"] = title
    filled = pc.filter(column, pc.not_equal(column, ""))
    n = len(filled)
    constraints: dict = {}
    if n and n == len(column):
        constraints["required"] = True
    code_name = bool(_CODE_NAME.search(name))
    phone_name = bool(_PHONE_NAME.search(name))
    ftype, extra = "string", {}
    if n:
        # Spreadsheet number cells are numbers to every reader (frictionless too), whatever the column is called.
        ftype, extra = _infer_type(name, filled, (code_name or phone_name) and not numeric_cells)
    field["type"] = ftype
    field.update(extra)
    if n:
        is_code = not phone_name and (code_name and ftype in ("string", "integer")
                                      or ftype == "string" and _all(filled, r"^[0-9]+$"))
        distinct = pc.count_distinct(filled).as_py()
        if is_code and constraints.get("required") and distinct == n:
            constraints["unique"] = True
        if phone_name:
            if ftype == "string" and _all(filled, r"^0[0-9]{9,10}$"):  # mobile 10 digits, landline 11
                constraints["pattern"] = "^0[0-9]{9,10}$"
        elif ftype == "string" and _all(filled, r"^[0-9]+$"):
            lengths = pc.min_max(pc.utf8_length(filled)).as_py()
            if lengths["min"] == lengths["max"]:
                constraints["pattern"] = f"^[0-9]{{{lengths['min']}}}$"
        elif ftype == "string" and not is_code and n >= ENUM_MIN_ROWS and 2 <= distinct <= ENUM_MAX_VALUES:
            constraints["enum"] = sorted({unicodedata.normalize("NFC", v) for v in pc.unique(filled).to_pylist()})
    if constraints:
        field["constraints"] = constraints
    return field


def _infer_type(name: str, values: pa.Array, code_name: bool) -> tuple[str, dict]:
    if _all(values, _INTEGER):
        # A leading zero (0912..., 00123) means a code or a phone number: an integer would lose it.
        if code_name or _any(values, r"^[+-]?0[0-9]"):
            return "string", {}
        if _YEAR_NAME.search(name) and _all(values, r"^(1[89]|2[01])[0-9]{2}$"):
            return "year", {}
        return "integer", {}
    if _all(values, _NUMBER):
        if _any(values, r"^[+-]?0[0-9]"):
            return "string", {}
        return "number", {}
    if _all(values, _DECIMAL_COMMA) and not _all(values, r"^[+-]?[0-9]{1,3},[0-9]{3}$"):
        return "number", {"decimalChar": ","}  # 12,5 (but 1,234 alone could be a thousands separator)
    if _any(values, r"\.") and _all(values, _GROUPED_DOT):
        return "number", {"decimalChar": ",", "groupChar": "."}
    if pc.all(pc.is_in(values, pa.array(sorted(_BOOLEAN)))).as_py():
        return "boolean", {}
    if _valid_dates(values, _ISO_DATE):
        return "date", {}
    if _valid_dates(values, _VN_DATE):
        return "date", {"format": "%d/%m/%Y"}
    if _valid_dates(values, _ISO_DATETIME):
        return "datetime", {}
    if _all(values, _TIME):
        return "time", {}
    return "string", {}


def named_as_labels(schema: dict, header: list[str]) -> tuple[dict, list[str] | None]:
    """The draft with the table's own header cells as field names, so it validates against the file as it is.

    Returns the schema and, when a label differs, the ASCII header row that would give the drafted names
    (for the agency who wants them). A blank or repeated header cell keeps its drafted name: the gate then
    says which cell to fill in.
    """
    drafted = [f["name"] for f in schema["fields"]]
    if header == drafted:
        return schema, None
    by_name, used = {}, set()
    for name, label in zip(drafted, header):
        by_name[name] = label if label.strip() and label not in used else name
        used.add(by_name[name])
    fields = []
    for f in schema["fields"]:
        f = {**f, "name": by_name.get(f["name"], f["name"])}
        if f.get("title") == f["name"]:
            del f["title"]
        fields.append(f)
    out = {**schema, "fields": fields}
    if "primaryKey" in schema:
        out["primaryKey"] = [by_name.get(k, k) for k in schema["primaryKey"]]
    return out, drafted


# --- command line ------------------------------------------------------------------------------------

def to_yaml(schema: dict) -> str:
    """Block style for the fields, flow style for constraints and lists, as the sample descriptors are written."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    class Flow(dict):
        pass

    Dumper.add_representer(Flow, lambda d, data: d.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True))
    Dumper.add_representer(list, lambda d, data: d.represent_sequence("tag:yaml.org,2002:seq", data,
                                                                      flow_style=not any(isinstance(x, dict) for x in data)))
    fields = [{k: Flow(v) if k == "constraints" else v for k, v in f.items()} for f in schema["fields"]]
    return yaml.dump({**schema, "fields": fields}, Dumper=Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=120)
