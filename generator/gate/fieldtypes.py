"""Table Schema field types over pyarrow columns: frictionless' value readers (exact, in Python), their
vectorized fast paths, and Python regular expressions translated to RE2 for pyarrow.

A column's cells in a canonical form are decided by vectorized regular expressions and casts; every other
cell goes through the Python reader, a copy of frictionless' own, once per distinct value (see `rows`).
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import warnings
from dataclasses import dataclass, field as dc_field
from decimal import Decimal
from re import _constants as sre_c, _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any, Callable, NamedTuple

import dateutil.parser
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc



DISTINCT_SAMPLE = 20_000  # a column with few distinct values among its first rows is read value by value
MISSING_VALUES = [""]
NUMERIC_CONSTRAINTS = ["required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"]
SUPPORTED_CONSTRAINTS = {  # frictionless checks them in this order (fields/*.py: supported_constraints)
    "string": ["required", "minLength", "maxLength", "pattern", "enum"],
    "boolean": ["required", "enum"],
    "any": ["required", "enum"],
}
TRUE_VALUES = ["true", "True", "TRUE", "1"]
FALSE_VALUES = ["false", "False", "FALSE", "0"]
DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])




# ---------------------------------------------------------------------------------------------------------------
# Field types: frictionless' value readers (exact, in Python) and their vectorized fast paths


class YearMonth(NamedTuple):  # frictionless' yearmonth value
    year: int
    month: int


NON_BARE = re.compile(r"((^[^-\d]*)|(\D*$))")  # frictionless strips currency signs, units... with this when bareNumber is false


class _Type:
    """One field's type: frictionless' reader, a vectorized fast path, and a key for comparisons.

    `key` values are ordered and compared like frictionless' values; where a
    key only approximates the value (`key_of` returns exact=False), the rows
    concerned are decided by `read` in Python.
    """

    arrow: pa.DataType = pa.string()
    costly = True  # reading a cell takes work: worth doing once per distinct value

    def __init__(self, desc: dict):
        self.desc = desc
        self.format = _format(desc)

    def read(self, cell: Any) -> Any:
        """frictionless' value reader: the value, or None when the cell is not of this type."""
        return cell

    def fast(self, cells: pa.Array) -> tuple[np.ndarray, pa.Array]:
        """Rows whose value the vector path decides (valid, exact key), and the keys (any value elsewhere)."""
        return np.ones(len(cells), bool), cells

    def key_of(self, value: Any) -> tuple[Any, bool]:
        return value, True


class _Any(_Type):
    costly = False

    def key_of(self, value: Any) -> tuple[Any, bool]:
        # "any" keeps the cell's text; an enum item of another type (a YAML number) never equals it
        return (value, True) if isinstance(value, str) else (None, False)


class _String(_Type):
    FAST = {  # forms the exact readers surely accept; the rest is read in Python
        "email": r"^[A-Za-z0-9_+-]+(\.[A-Za-z0-9_+-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,61}[A-Za-z]$",
        "uri": r"^[A-Za-z][A-Za-z0-9+.-]*://[A-Za-z0-9._~:/?#@!$&'()*+,;=%-]*$",
        "uuid": r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
        "binary": r"^([A-Za-z0-9+/]{4})*$",
    }

    def __init__(self, desc: dict):
        super().__init__(desc)
        check: Callable[[str], bool] | None = None
        if self.format == "email":
            import validators

            check = lambda c: bool(validators.email(c))  # noqa: E731
        elif self.format == "uri":
            import rfc3986

            def check(c: str) -> bool:
                validator = rfc3986.validators.Validator().require_presence_of("scheme")
                validator.validate(rfc3986.uri_reference(c))
                return True
        elif self.format == "uuid":
            import validators

            check = lambda c: bool(validators.uuid(c))  # noqa: E731
        elif self.format == "binary":
            check = lambda c: base64.b64decode(c) is not None  # noqa: E731
        self.check = check
        self.costly = check is not None

    def read(self, cell: Any) -> Any:
        if not isinstance(cell, str):
            return None
        if self.check is None:
            return cell
        try:
            return cell if self.check(cell) else None
        except Exception:
            return None

    def fast(self, cells: pa.Array) -> tuple[np.ndarray, pa.Array]:
        if self.check is None:
            return np.ones(len(cells), bool), cells
        return matching(cells, self.FAST[self.format]), cells


class _Integer(_Type):
    """frictionless' integer knows bareNumber but not groupChar (only number has it): "1,000" is a type-error."""

    arrow = pa.float64()  # 15 digits are exact in a double: equal keys are equal values

    def __init__(self, desc: dict):
        super().__init__(desc)
        self.bare = desc.get("bareNumber", True) is not False

    def read(self, cell: Any) -> Any:
        if isinstance(cell, str):
            cell = cell.strip()
            if not self.bare:
                cell = NON_BARE.sub("", cell)
            try:
                return int(cell)
            except Exception:
                return None
        if cell is True or cell is False:
            return None
        if isinstance(cell, int):
            return cell
        if isinstance(cell, float) and cell.is_integer():
            return int(cell)
        if isinstance(cell, Decimal) and cell.is_finite() and cell % 1 == 0:
            return int(cell)
        return None

    def fast(self, cells: pa.Array) -> tuple[np.ndarray, pa.Array]:
        ok = matching(cells, r"^-?[0-9]{1,15}$")
        return ok, _cast_where(cells, ok, "0", pa.float64())

    def key_of(self, value: Any) -> tuple[Any, bool]:
        return _float(value), abs(value) < 10**15


class _Number(_Type):
    arrow = pa.float64()

    def __init__(self, desc: dict):
        super().__init__(desc)
        self.bare = desc.get("bareNumber", True) is not False
        self.float_number = desc.get("floatNumber", False) is True
        group, decimal = desc.get("groupChar", ""), desc.get("decimalChar", ".")
        self.group = group if isinstance(group, str) else ""
        self.decimal = decimal if isinstance(decimal, str) else "."
        self.processed = any(k in desc for k in ("groupChar", "decimalChar", "bareNumber"))

    def read(self, cell: Any) -> Any:
        primary, secondary = (float, Decimal) if self.float_number else (Decimal, float)
        if isinstance(cell, str):
            cell = cell.strip()
            if self.processed:
                if not self.bare:
                    cell = NON_BARE.sub("", cell)
                cell = cell.replace(self.group, "")
                if self.decimal != "." and "." in cell:
                    return None
                cell = cell.replace(self.decimal, ".")
            try:
                return primary(cell)
            except Exception:
                return None
        if isinstance(cell, primary):
            return cell
        if cell is True or cell is False:
            return None
        if isinstance(cell, int):
            return cell
        if isinstance(cell, secondary):
            return primary(str(cell)) if primary is Decimal else primary(cell)
        return None

    def fast(self, cells: pa.Array) -> tuple[np.ndarray, pa.Array]:
        if self.processed and not self.decimal:  # decimalChar "": Python's replace puts "." everywhere
            return np.zeros(len(cells), bool), pa.nulls(len(cells), pa.float64())
        if self.processed and not self.bare:
            # NON_BARE changes nothing on a cell that starts with a digit or "-" and ends with a digit.
            plain = matching(cells, r"^[-0-9](.*[0-9])?$")
        else:
            plain = np.ones(len(cells), bool)
        if self.processed:  # the same steps as the reader, in the same order
            if self.group:
                cells = pc.replace_substring(cells, self.group, "")
            if self.decimal != ".":
                plain &= ~matching(cells, r"\.")
                cells = pc.replace_substring(cells, self.decimal, ".")
        # At most 15 digits: a double holds them exactly, so equal keys are equal values.
        ok = plain & matching(cells, r"^-?(?:[0-9]{1,15}|[0-9]+\.[0-9]+)$") & (cell_lengths(cells) <= 16)
        return ok, _cast_where(cells, ok, "0", pa.float64())

    def key_of(self, value: Any) -> tuple[Any, bool]:
        if isinstance(value, float):
            return value, value == value
        if isinstance(value, int):
            return _float(value), abs(value) < 10**15
        try:
            key = float(value)
        except (ValueError, OverflowError):  # a signalling NaN
            return float("nan"), False
        exact = value.is_finite() and -300 < value.adjusted() < 300 \
            and len("".join(map(str, value.as_tuple().digits)).rstrip("0")) <= 15
        return key, exact


class _Boolean(_Type):
    arrow = pa.bool_()

    def __init__(self, desc: dict):
        super().__init__(desc)
        trues, falses = desc.get("trueValues", TRUE_VALUES), desc.get("falseValues", FALSE_VALUES)
        self.trues = [v for v in trues if isinstance(v, str)] if isinstance(trues, list) else TRUE_VALUES
        self.falses = [v for v in falses if isinstance(v, str)] if isinstance(falses, list) else FALSE_VALUES
        self.mapping = {**{v: True for v in self.trues}, **{v: False for v in self.falses}}

    def read(self, cell: Any) -> Any:
        if cell is True or cell is False:
            return cell
        if isinstance(cell, str):
            return self.mapping.get(cell)
        return None

    def fast(self, cells: pa.Array) -> tuple[np.ndarray, pa.Array]:
        is_true = _in(cells, self.trues)
        is_false = _in(cells, self.falses)
        return is_true | is_false, pa.array(is_true & ~is_false)


class _Temporal(_Type):
    """date, datetime, time: canonical forms parsed from their digits in numpy; the rest by strptime/isoparse."""

    DEFAULT = "%Y-%m-%d"  # the form frictionless' default reader surely reads the same way

    def fast(self, cells: pa.Array) -> tuple[np.ndarray, pa.Array]:
        n = len(cells)
        layout = _layout(self.DEFAULT if self.format == "default" else self.format)
        if layout is None:
            return np.zeros(n, bool), pa.nulls(n, self.arrow)
        regex, literals, order = layout
        ok = matching(cells, regex)
        digits = pc.if_else(pa.array(ok), cells, "0")
        for literal in literals:
            digits = pc.replace_substring(digits, literal, "")
        number = as_ints(pc.cast(digits, pa.int64()))  # at most 14 digits: YYYYmmddHHMMSS
        parts = {}
        for name in reversed(order):
            width = 10_000 if name == "Y" else 100
            parts[name], number = number % width, number // width
        y, m, d = parts.get("Y", 1900), parts.get("m", 1), parts.get("d", 1)
        hh, mm, ss = parts.get("H", 0), parts.get("M", 0), parts.get("S", 0)
        leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
        month = np.clip(m, 1, 12)
        ok &= (y >= 1) & (m >= 1) & (m <= 12) & (d >= 1) & (d <= DAYS_IN_MONTH[month - 1] + ((month == 2) & leap))
        ok &= (hh < 24) & (mm < 60) & (ss < 60)
        y, month, d = np.where(ok, y, 1970), np.where(ok, month, 1), np.where(ok, d, 1)
        days = ((y - 1970) * 12 + month - 1).astype("datetime64[M]").astype("datetime64[D]") + (d - 1)
        micros = (hh * 3600 + mm * 60 + ss) * 1_000_000
        return ok, self._key(days, np.where(ok, micros, 0))

    def _key(self, days: np.ndarray, micros: np.ndarray) -> pa.Array:
        return pa.array(days.astype("datetime64[D]"), pa.date32())


class _Date(_Temporal):
    arrow = pa.date32()

    def read(self, cell: Any) -> Any:
        if isinstance(cell, dt.datetime):
            return cell.date() if (cell.hour, cell.minute, cell.second) == (0, 0, 0) else None
        if isinstance(cell, dt.date):
            return cell
        if not isinstance(cell, str):
            return None
        try:
            if self.format == "default":
                return dt.datetime.strptime(cell, "%Y-%m-%d").date()
            if self.format == "any":
                return dateutil.parser.parse(cell).date()
            return dt.datetime.strptime(cell, self.format).date()
        except Exception:
            return None


class _Datetime(_Temporal):
    arrow = pa.timestamp("us")
    DEFAULT = "%Y-%m-%dT%H:%M:%S"

    def read(self, cell: Any) -> Any:
        if isinstance(cell, dt.datetime):
            return cell
        if not isinstance(cell, str):
            return None
        try:
            if self.format == "default":
                # As frictionless: guard against the shorter forms dateutil accepts
                if cell[16] != ":" or len(cell) < 19:
                    return None
                return dateutil.parser.isoparse(cell)
            if self.format == "any":
                return dateutil.parser.parse(cell)
            return dt.datetime.strptime(cell, self.format)
        except Exception:
            return None

    def _key(self, days: np.ndarray, micros: np.ndarray) -> pa.Array:
        stamps = days.astype("datetime64[us]") + micros.astype("timedelta64[us]")
        return pa.array(stamps, pa.timestamp("us"))

    def key_of(self, value: Any) -> tuple[Any, bool]:
        offset = value.utcoffset()
        if offset is None:
            return value, True
        try:  # aware: its instant; never equal to a naive value, so decided in Python
            return (value - offset).replace(tzinfo=None), False
        except OverflowError:
            return value.replace(tzinfo=None), False


class _Time(_Temporal):
    arrow = pa.time64("us")
    DEFAULT = "%H:%M:%S"

    def read(self, cell: Any) -> Any:
        if isinstance(cell, dt.time):
            return cell
        if not isinstance(cell, str):
            return None
        try:
            if self.format == "default":
                if cell[5] != ":" or len(cell) < 8:
                    return None
                return dateutil.parser.isoparse(f"2000-01-01T{cell}").timetz()
            if self.format == "any":
                return dateutil.parser.parse(cell).timetz()
            return dt.datetime.strptime(cell, self.format).timetz()
        except Exception:
            return None

    def _key(self, days: np.ndarray, micros: np.ndarray) -> pa.Array:
        return pa.array(micros, pa.int64()).cast(pa.time64("us"))

    def key_of(self, value: Any) -> tuple[Any, bool]:
        micros = ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond
        offset = value.utcoffset()
        if offset is None:
            return dt.time(value.hour, value.minute, value.second, value.microsecond), True
        micros = (micros - offset // dt.timedelta(microseconds=1)) % 86_400_000_000
        return (dt.datetime.min + dt.timedelta(microseconds=micros)).time(), False


class _Year(_Type):
    arrow = pa.float64()

    def read(self, cell: Any) -> Any:
        if not isinstance(cell, int):
            if not isinstance(cell, str) or len(cell) != 4:
                return None
            try:
                cell = int(cell)
            except Exception:
                return None
        if cell < 0 or cell > 9999:
            return None
        return cell

    def fast(self, cells: pa.Array) -> tuple[np.ndarray, pa.Array]:
        ok = matching(cells, r"^[0-9]{4}$")
        return ok, _cast_where(cells, ok, "0", pa.float64())

    def key_of(self, value: Any) -> tuple[Any, bool]:
        return float(value), True


class _YearMonth(_Type):
    arrow = pa.float64()  # year * 12 + month - 1: ordered as frictionless' (year, month) tuples

    def read(self, cell: Any) -> Any:
        if isinstance(cell, (tuple, list)):
            return YearMonth(cell[0], cell[1]) if len(cell) == 2 else None
        if not isinstance(cell, str):
            return None
        try:
            year, month = cell.split("-")
            year, month = int(year), int(month)
        except Exception:
            return None
        if month < 1 or month > 12:
            return None
        return YearMonth(year, month)

    def fast(self, cells: pa.Array) -> tuple[np.ndarray, pa.Array]:
        ok = matching(cells, r"^[0-9]{4}-(0[1-9]|1[0-2])$")
        safe = pc.if_else(pa.array(ok), cells, "0000-01")
        years = pc.cast(pc.utf8_slice_codeunits(safe, 0, 4), pa.float64())
        months = pc.cast(pc.utf8_slice_codeunits(safe, 5, 7), pa.float64())
        return ok, pc.add(pc.multiply(years, 12.0), pc.subtract(months, 1.0))

    def key_of(self, value: Any) -> tuple[Any, bool]:
        try:
            return _float(value[0] * 12 + value[1] - 1), isinstance(value[0], int) and abs(value[0]) < 10**12 \
                and isinstance(value[1], int)
        except TypeError:
            return float("nan"), False


TYPES: dict[str, type[_Type]] = {"string": _String, "integer": _Integer, "number": _Number, "boolean": _Boolean,
                                 "date": _Date, "datetime": _Datetime, "time": _Time, "year": _Year,
                                 "yearmonth": _YearMonth, "any": _Any}


def _format(desc: dict) -> str:
    value = desc.get("format", "default")
    if not isinstance(value, str):
        return "default"
    return value.removeprefix("fmt:")  # frictionless reads the old "fmt:%d/%m/%Y" spelling too


def _layout(fmt: str) -> tuple[str, list[str], list[str]] | None:
    """A strptime format made of %Y %m %d %H %M %S and literals: a strict regex (two-digit fields), its literals
    and its fields in order. Cells of that shape are surely read by strptime as their digits say; None for
    any other format (then strptime reads every cell)."""
    out, literals, order, i = [], set(), [], 0
    while i < len(fmt):
        if fmt[i] == "%":
            directive = fmt[i + 1: i + 2]
            if directive not in ("Y", "m", "d", "H", "M", "S") or directive in order:
                return None
            order.append(directive)
            out.append("[0-9]{4}" if directive == "Y" else "[0-9]{2}")
            i += 2
        elif fmt[i].isspace() or fmt[i].isdigit():  # strptime lets one space match several; digits would mix in
            return None
        else:
            out.append(_re2_literal(ord(fmt[i])))
            literals.add(fmt[i])
            i += 1
    return "^" + "".join(out) + "$", sorted(literals), order


def _float(value: int) -> float:
    try:
        return float(value)
    except OverflowError:
        return float("inf") if value > 0 else float("-inf")


# ---------------------------------------------------------------------------------------------------------------
# Vector helpers


def as_mask(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=bool)


def matching(cells: pa.Array, regex: str) -> np.ndarray:
    return as_mask(pc.match_substring_regex(cells, regex))


def _in(cells: pa.Array, values: list) -> np.ndarray:
    if not values:
        return np.zeros(len(cells), bool)
    return as_mask(pc.is_in(cells, value_set=pa.array(values, cells.type)))


def cell_lengths(cells: pa.Array) -> np.ndarray:
    return as_ints(pc.fill_null(pc.utf8_length(cells), 0))


def as_ints(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(array.to_numpy(zero_copy_only=False))



def _cast_where(cells: pa.Array, ok: np.ndarray, filler: str, to: pa.DataType) -> pa.Array:
    return pc.cast(pc.if_else(pa.array(ok), cells, filler), to)


def _re2_literal(code: int) -> str:
    return f"\\x{{{code:x}}}"


# Python's \s in a str pattern (str.isspace), \d (Unicode decimal digits) and \w (letters, numbers, "_").
_SPACE = "".join(_re2_literal(c) for c in (9, 10, 11, 12, 13, 28, 29, 30, 31, 32, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B),
                                            0x2028, 0x2029, 0x202F, 0x205F, 0x3000))
_CATEGORIES = {sre_c.CATEGORY_DIGIT: r"\p{Nd}", sre_c.CATEGORY_WORD: r"\p{L}\p{N}_", sre_c.CATEGORY_SPACE: _SPACE}
_NEGATED = {sre_c.CATEGORY_NOT_DIGIT: sre_c.CATEGORY_DIGIT, sre_c.CATEGORY_NOT_WORD: sre_c.CATEGORY_WORD,
            sre_c.CATEGORY_NOT_SPACE: sre_c.CATEGORY_SPACE}


def re2_pattern(pattern: str) -> str | None:
    """frictionless' pattern check (`re.match("^{pattern}$", cell)`) as an RE2 regex with the same meaning on
    cells that do not end with a line break, or None when a construct has no sure RE2 equivalent (then Python
    decides every cell)."""
    try:
        with warnings.catch_warnings():  # "possible nested set" and the like: the data's problem, not ours
            warnings.simplefilter("ignore")
            tree = sre_parse.parse(f"^{pattern}$")
    except Exception:
        return None
    if tree.state.flags & ~sre_c.SRE_FLAG_UNICODE:
        return None
    body = _re2_sequence(tree)
    return None if body is None else f"\\A(?:{body})"  # re.match anchors every branch at the start


def _re2_sequence(items: Any) -> str | None:
    out = []
    for op, av in items:
        part = _re2_item(op, av)
        if part is None:
            return None
        out.append(part)
    return "".join(out)


def _re2_item(op: Any, av: Any) -> str | None:
    if op is sre_c.LITERAL:
        return _re2_literal(av)
    if op is sre_c.NOT_LITERAL:
        return f"[^{_re2_literal(av)}]"
    if op is sre_c.ANY:
        return "."  # both: any character but "\n"
    if op is sre_c.IN:
        return _re2_class(av)
    if op is sre_c.BRANCH:
        branches = [_re2_sequence(b) for b in av[1]]
        return None if None in branches else "(?:" + "|".join(branches) + ")"
    if op is sre_c.SUBPATTERN:
        _, add_flags, del_flags, sub = av
        body = _re2_sequence(sub)
        return None if add_flags or del_flags or body is None else f"(?:{body})"
    if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT):
        low, high, sub = av
        body = _re2_sequence(sub)
        if body is None or low > 1000 or (high is not sre_c.MAXREPEAT and high > 1000):
            return None
        count = f"{{{low},}}" if high is sre_c.MAXREPEAT else f"{{{low},{high}}}"
        return f"(?:{body}){count}" + ("?" if op is sre_c.MIN_REPEAT else "")
    if op is sre_c.AT:
        # Python's "$" also matches before a final "\n": such cells, refused by RE2, are rechecked in Python.
        return {sre_c.AT_BEGINNING: "^", sre_c.AT_BEGINNING_STRING: r"\A", sre_c.AT_END: "$",
                sre_c.AT_END_STRING: r"\z"}.get(av)
    return None  # look-arounds, back-references, \b (ASCII-only in RE2), possessive repeats


def _re2_class(items: list) -> str | None:
    negate = bool(items) and items[0][0] is sre_c.NEGATE
    items = items[1:] if negate else items
    if len(items) == 1 and items[0][0] is sre_c.CATEGORY and items[0][1] in _NEGATED:
        positive = _CATEGORIES[_NEGATED[items[0][1]]]  # \D, \W, \S alone: the complement class
        return f"[{'' if negate else '^'}{positive}]"
    out = []
    for op, av in items:
        if op is sre_c.LITERAL:
            out.append(_re2_literal(av))
        elif op is sre_c.RANGE:
            out.append(f"{_re2_literal(av[0])}-{_re2_literal(av[1])}")
        elif op is sre_c.CATEGORY and av in _CATEGORIES:
            out.append(_CATEGORIES[av])
        else:
            return None
    if not out:
        return None
    return f"[{'^' if negate else ''}{''.join(out)}]"


# ---------------------------------------------------------------------------------------------------------------
# Columns


@dataclass
class Column:
    pos: int  # 0-based position in the header
    name: str
    type: str
    desc: dict  # the field's descriptor ({} for a column the schema does not have)
    kind: _Type
    cells: pa.Array  # strings; null where the row has no such cell
    present: np.ndarray  # a cell that is not a missing value: frictionless reads its value
    bad: np.ndarray  # type-error
    key: pa.Array  # comparable value, meaningful where present and not bad (not masked: that would copy it)
    inexact: np.ndarray  # rows whose key only approximates the value: decided in Python
    cache: dict[str, Any] = dc_field(default_factory=dict)
    stored: np.ndarray | None = None  # a string field's cells a workbook stores as numbers, dates or booleans

    def value(self, row: int) -> Any:
        """frictionless' value of a cell (None for an empty or missing cell)."""
        if not self.present[row]:
            return None
        cell = self.cells[row].as_py()
        if cell not in self.cache:
            self.cache[cell] = self.kind.read(cell)
        return self.cache[cell]


def _missing_values(desc: dict, schema: dict) -> list[str]:
    values = desc["missingValues"] if "missingValues" in desc else schema.get("missingValues", MISSING_VALUES)
    if not isinstance(values, list):
        return MISSING_VALUES
    out = [v.get("value") if isinstance(v, dict) else v for v in values]  # Data Package v2: {value, label}
    return [v for v in out if isinstance(v, str)]


def make_column(pos: int, name: str, desc: dict, cells: pa.ChunkedArray, schema: dict) -> Column:
    # A field without a type is a string (Table Schema v1, as frictionless reads it); a column beyond the schema,
    # or of a type this portal does not use (the descriptor check refuses those), is read as "any".
    ftype = desc.get("type", "string") if desc else "any"
    ftype = ftype if ftype in TYPES else "any"
    kind = TYPES[ftype](desc)
    missing = _missing_values(desc, schema)
    cache: dict[str, Any] = {}
    sample = cells.slice(0, DISTINCT_SAMPLE)
    if kind.costly and len(cells) > 2 * DISTINCT_SAMPLE and pc.count_distinct(sample).as_py() * 4 < len(sample):
        # Few distinct values (dates, categories, small numbers): read each once, then spread to the rows.
        encoded = pc.dictionary_encode(cells.combine_chunks())
        present, bad, key, inexact = _evaluate(kind, encoded.dictionary, missing, cache)
        codes = as_ints(pc.fill_null(encoded.indices, -1)).astype(np.int64)
        has_cell = codes >= 0
        codes = np.where(has_cell, codes, 0)
        if len(encoded.dictionary) == 0:
            present = bad = inexact = np.zeros(1, bool)
            key = pa.nulls(1, kind.arrow)
        present, bad, inexact = has_cell & present[codes], has_cell & bad[codes], has_cell & inexact[codes]
        key = key.take(pa.array(codes))
    else:
        present, bad, key, inexact = _evaluate(kind, cells, missing, cache)
    return Column(pos, name, ftype, desc, kind, cells, present, bad, key, inexact, cache)


def _evaluate(kind: _Type, cells: pa.Array, missing: list[str], cache: dict[str, Any]) -> tuple:
    """(present, type-error, key, inexact) for each cell: the vector path, then frictionless' reader for the rest."""
    present = as_mask(pc.is_valid(cells)) & ~_in(cells, missing)
    ok, key = kind.fast(cells)
    ok &= present
    slow = np.flatnonzero(present & ~ok)
    bad = np.zeros(len(cells), bool)
    inexact = np.zeros(len(cells), bool)
    if len(slow):
        keys, good = [], []
        for row, cell in zip(slow, cells.take(pa.array(slow)).to_pylist()):
            if cell not in cache:
                cache[cell] = kind.read(cell)
            value = cache[cell]
            if value is None:
                bad[row] = True
                continue
            k, exact = kind.key_of(value)
            keys.append(k)
            good.append(row)
            inexact[row] = not exact
        if good:
            mask = np.zeros(len(cells), bool)
            mask[good] = True
            key = pc.replace_with_mask(key, pa.array(mask), pa.array(keys, kind.arrow))
    return present, bad, key, inexact
