"""Rows of a table from URL parameters: filter, sort, page, choose fields.

Parameters that start with ``_`` steer the query; any other names a field, optionally with an operator:
``huyen=Bình Xuyên`` (equals), ``so_giuong_benh__gte=100`` (range), ``ten_co_so__contains=da khoa``
(accent- and case-free: "ha noi" finds "Hà Nội", "d" finds "đ"). Values are bound as SQL parameters and
field names map to generated column names, so nothing from the URL is ever spliced into SQL.
"""

from __future__ import annotations

import itertools
import unicodedata
import urllib.parse
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from .errors import ApiError
from .datastore import Field, Table, fold

OPERATORS = ("eq", "ne", "gt", "gte", "lt", "lte", "in", "contains", "startswith", "fold", "null")
_COMPARE = {"eq": "=", "ne": "!=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
RESERVED = ("_limit", "_offset", "_sort", "_fields", "_format", "_count", "q")
MAX_FILTERS = 30  # filters and "q" searches together
MAX_IN_VALUES = 100
MAX_SORT = 10  # sort terms


@dataclass
class Page:
    fields: list[Field]
    rows: list[dict[str, Any]]
    limit: int
    offset: int
    more: bool
    total: int | None


def bad(vi: str, en: str, field: str | None = None) -> ApiError:
    return ApiError(400, "bad-query", vi, en, field=field)


def _field(table: Table, name: str) -> Field:
    field = table.field(name)
    if field is None:
        names = ", ".join(f.name for f in table.fields)
        raise bad(f"Bảng không có trường “{name}”. Các trường: {names}.",
                  f"The table has no field “{name}”. Fields: {names}.", name)
    return field


def value_for(field: Field, raw: str) -> Any:
    """A URL value as the field stores it: a number for numeric fields, NFC text otherwise."""
    raw = unicodedata.normalize("NFC", raw)
    try:
        return field.parse(raw)
    except ValueError:
        raise bad(f"Giá trị “{raw[:50]}” không hợp với kiểu {field.type} của trường “{field.name}”.",
                  f"“{raw[:50]}” is not a valid {field.type} for field “{field.name}”.", field.name) from None


def _like(text: str, prefix_only: bool = False) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%" if prefix_only else "%" + escaped + "%"


def _truthy(raw: str) -> bool:
    return raw.strip().lower() in ("1", "true", "yes", "on")


def _int_param(raw: str, name: str, lo: int, hi: int) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise bad(f"“{name}” phải là số nguyên.", f"“{name}” must be an integer.", name) from None
    if not lo <= value <= hi:
        raise bad(f"“{name}” phải từ {lo} đến {hi}.", f"“{name}” must be between {lo} and {hi}.", name)
    return value


def condition(table: Table, name: str, op: str, raw: str) -> tuple[str, list[Any]]:
    """One filter as SQL with its bound values."""
    field = _field(table, name)
    col = field.column
    if op in _COMPARE:
        if op == "ne":
            return f"({col} IS NULL OR {col} != ?)", [value_for(field, raw)]
        return f"{col} {_COMPARE[op]} ?", [value_for(field, raw)]
    if op == "in":
        values = [value_for(field, v) for v in raw.split(",")]
        if len(values) > MAX_IN_VALUES:
            raise bad(f"Tối đa {MAX_IN_VALUES} giá trị cho __in.", f"At most {MAX_IN_VALUES} values for __in.", name)
        return f"{col} IN ({', '.join('?' for _ in values)})", values
    if op == "null":
        return (f"{col} IS NULL" if _truthy(raw) else f"{col} IS NOT NULL"), []
    # Text operators: on the folded twin when there is one, so accents and case never matter.
    target = field.folded or f"CAST({col} AS TEXT)"
    needle = fold(unicodedata.normalize("NFC", raw)) if field.folded else raw
    if op == "contains":
        return f"{target} LIKE ? ESCAPE '\\'", [_like(needle)]
    if op == "startswith":
        return f"{target} LIKE ? ESCAPE '\\'", [_like(needle, prefix_only=True)]
    return f"{target} = ?", [needle]  # fold


def parse(table: Table, params: Iterable[tuple[str, str]], *, max_rows: int) -> dict[str, Any]:
    """Turn URL parameters into a query plan (where, order, fields, limit, offset, count, format)."""
    where: list[str] = []
    args: list[Any] = []
    plan: dict[str, Any] = {"limit": min(100, max_rows), "offset": 0, "order": [], "fields": table.fields,
                            "count": False, "format": "json"}
    filters = 0
    for key, raw in params:
        if key == "_limit":
            plan["limit"] = _int_param(raw, key, 1, max_rows)
        elif key == "_offset":
            plan["offset"] = _int_param(raw, key, 0, 10**9)
        elif key == "_count":
            plan["count"] = _truthy(raw)
        elif key == "_format":
            if raw not in ("json", "csv"):
                raise bad("“_format” là json hoặc csv.", "“_format” is json or csv.", key)
            plan["format"] = raw
        elif key == "_fields":
            names = [n.strip() for n in raw.split(",") if n.strip()]
            plan["fields"] = [_field(table, n) for n in dict.fromkeys(names)] or table.fields
        elif key == "_sort":
            for part in (p.strip() for p in raw.split(",")):
                if not part:
                    continue
                if len(plan["order"]) >= 2 * MAX_SORT:
                    raise bad(f"Tối đa {MAX_SORT} trường sắp xếp.", f"At most {MAX_SORT} sort fields.", key)
                desc = part.startswith("-")
                field = _field(table, part.lstrip("-"))
                # Text sorts on the folded twin first: "Đ" then sits with "D", not after "Z".
                cols = [field.folded, field.column] if field.folded else [field.column]
                plan["order"] += [f"{c} {'DESC' if desc else 'ASC'}" for c in cols]
        elif key == "q":
            filters += 1
            if filters > MAX_FILTERS:
                raise bad(f"Tối đa {MAX_FILTERS} điều kiện lọc và tìm kiếm.", f"At most {MAX_FILTERS} filters and searches.",
                          key)
            needle = fold(unicodedata.normalize("NFC", raw.strip()))
            text_cols = [f.folded for f in table.fields if f.folded]
            if needle and text_cols:
                where.append("(" + " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in text_cols) + ")")
                args += [_like(needle)] * len(text_cols)
        elif key.startswith("_"):
            raise bad(f"Tham số “{key}” không được hỗ trợ; dùng {', '.join(RESERVED)}.",
                      f"Unknown parameter “{key}”; use {', '.join(RESERVED)}.", key)
        else:
            filters += 1
            if filters > MAX_FILTERS:
                raise bad(f"Tối đa {MAX_FILTERS} điều kiện lọc và tìm kiếm.", f"At most {MAX_FILTERS} filters and searches.",
                          key)
            name, op = key, "eq"
            if "__" in key and table.field(key) is None:
                name, _, op = key.rpartition("__")
                if op not in OPERATORS:
                    raise bad(f"Phép lọc “{op}” không có; dùng: {', '.join(OPERATORS)}.",
                              f"Unknown operator “{op}”; use: {', '.join(OPERATORS)}.", key)
            sql, values = condition(table, name, op, raw)
            where.append(sql)
            args += values
    plan["where"], plan["args"] = where, args
    return plan


def run(table: Table, plan: dict[str, Any], db: Any) -> Page:
    fields: list[Field] = plan["fields"]
    where = (" WHERE " + " AND ".join(plan["where"])) if plan["where"] else ""
    # rowid last: pages are stable (the same row never shows on two pages).
    order = " ORDER BY " + ", ".join([*plan["order"], "rowid"])
    # CKAN's datastore_search numbers its records: "_id" is the row's position in the published table.
    columns = (["rowid"] if plan.get("row_id") else []) + [f.column for f in fields]
    sql = f"SELECT {', '.join(columns)} FROM {table.sql_name}{where}{order} LIMIT ? OFFSET ?"
    rows = db.execute(sql, [*plan["args"], plan["limit"] + 1, plan["offset"]]).fetchall()
    more = len(rows) > plan["limit"]
    rows = rows[: plan["limit"]]
    total = None
    if plan["count"]:
        total = db.execute(f"SELECT COUNT(*) FROM {table.sql_name}{where}", plan["args"]).fetchone()[0]
    return Page(fields=fields, rows=as_dicts(fields, rows, row_id=bool(plan.get("row_id"))), limit=plan["limit"],
                offset=plan["offset"], more=more, total=total)


def as_dicts(fields: list[Field], rows: list[tuple], *, row_id: bool = False) -> list[dict[str, Any]]:
    """Rows as the JSON conversion has them: booleans stored 0/1 become true/false, and a number SQLite
    could not hold (kept as its text) becomes the number again."""
    names = (["_id"] if row_id else []) + [f.name for f in fields]
    shift = 1 if row_id else 0
    flags = [names[i + shift] for i, f in enumerate(fields) if f.type == "boolean"]
    numbers = [(names[i + shift], f) for i, f in enumerate(fields) if f.numeric]
    out = [dict(zip(names, row)) for row in rows]
    for record in out if flags or numbers else ():
        for name in flags:
            if record[name] in (0, 1):  # anything else stayed as published text
                record[name] = bool(record[name])
        for name, field in numbers:
            if isinstance(record[name], str):
                record[name] = field.convert(record[name])
    return out


MAX_KEY_PARTS = 24


def key_parts(raw_key: bytes) -> list[str]:
    """A row key as sent in the URL, split at its literal commas; a comma inside a value is sent as %2C."""
    return [urllib.parse.unquote_to_bytes(part).decode("utf-8", "replace") for part in raw_key.split(b",")]


def _groupings(parts: list[str], n: int) -> Iterator[list[str]]:
    """Every way to rejoin `parts` into n values (a comma was part of a value and not encoded)."""
    for cuts in itertools.combinations(range(1, len(parts)), n - 1):
        bounds = (0, *cuts, len(parts))
        yield [",".join(parts[a:b]) for a, b in zip(bounds, bounds[1:])]


def lookup(table: Table, parts: list[str], db: Any) -> dict[str, Any] | None:
    """One row by its primary key; a composite key is its values joined by commas, in schema order."""
    pk = table.primary_key
    if not pk:
        raise bad("Bảng không có khóa chính (primaryKey): dùng bộ lọc để tìm dòng.",
                  "The table has no primary key: find rows with filters instead.")
    names = ",".join(f.name for f in pk)
    if len(parts) < len(pk) or len(parts) > MAX_KEY_PARTS:
        raise bad(f"Khóa chính gồm {len(pk)} giá trị ({names}), cách nhau bằng dấu phẩy; dấu phẩy trong một giá "
                  f"trị viết là %2C.",
                  f"The primary key has {len(pk)} values ({names}), separated by commas; a comma inside a value "
                  f"is written %2C.")
    candidates = [",".join(parts)] if len(pk) == 1 else _groupings(parts, len(pk))
    where = " AND ".join(f"{f.column} = ?" for f in pk)
    sql = f"SELECT {', '.join(f.column for f in table.fields)} FROM {table.sql_name} WHERE {where} LIMIT 2"
    found: list[tuple] = []
    for values in candidates:
        values = [values] if isinstance(values, str) else values
        try:
            args = [f.parse(unicodedata.normalize("NFC", v)) for f, v in zip(pk, values)]
        except ValueError:
            continue  # e.g. text where the key has a number: not this grouping
        found += db.execute(sql, args).fetchall()
        if len(found) > 1:
            raise bad(f"Khóa “{','.join(parts)[:100]}” khớp nhiều dòng: viết dấu phẩy trong một giá trị là %2C.",
                      f"Key “{','.join(parts)[:100]}” matches several rows: write a comma inside a value as %2C.")
    return as_dicts(table.fields, found)[0] if found else None
