"""Personal data in tables (Decree 13/2023 on personal data protection): open data must not leak it.

A column is flagged when a meaningful share of its cells look like citizen ID
numbers, personal mobile numbers, personal e-mail addresses, or dates of birth
beside people's names. Flagged columns block publishing until a reviewer records
a decision under `personal_data:` in datapackage.yaml. Messages show a masked
example only, never a whole value.

All matching is pyarrow.compute (RE2) over whole columns: a million rows take
about a second.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from generator.problems import Problems
from generator.text import fold

MIN_MATCHES = 5  # a column is flagged with this many matching cells ...
MIN_SHARE = 0.3  # ... or this share of its non-empty cells
MIN_NUMBER = 9  # characters in the shortest cell a number pattern below matches (a 9-digit CMND)

# Province codes that open a 12-digit CCCD number (Circular 59/2021/TT-BCA, Annex I).
PROVINCE_CODES = ("001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 035 036 037 "
                  "038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 070 072 074 075 077 079 "
                  "080 082 083 084 086 087 089 091 092 093 094 095 096").split()
# Digit boundaries: a number inside a longer run of digits (an amount, a code) is not an ID.
_CCCD = r"(?:^|[^0-9])((?:" + "|".join(PROVINCE_CODES) + r")[0-9]{9})(?:[^0-9]|$)"
_CMND = r"(?:^|[^0-9])([0-9]{9})(?:[^0-9]|$)"  # old 9-digit CMND: only in columns named for it
# Mobile networks' prefixes (03x, 05x, 07x, 08x, 09x), optionally +84/84, optionally grouped by spaces, dots or dashes.
# Landlines (02xx...) belong to offices and are not matched.
_MOBILE = r"(?:^|[^0-9+])((?:\+84|84|0)[ .-]?(?:3[2-9]|5[25689]|7[06-9]|8[1-9]|9[0-9])(?:[ .-]?[0-9]){7})(?:[^0-9]|$)"
_EMAIL = r"([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
_GOV_EMAIL = r"[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)*gov\.vn\b"  # official contacts: public by design
_DATE = r"^\s*(?:[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{4})(?:[ T].*)?\s*$"
_PERSON_NAME = r"^\s*(?:\p{Lu}\p{Ll}*(?:\s+\p{Lu}\p{Ll}*){1,4}|\p{Lu}+(?:\s+\p{Lu}+){1,4})\s*$"  # 2–5 capitalised words

# Column names (ASCII-folded name or title) that say what a column holds.
_ID_NAME = re.compile(r"cmnd|cccd|cmt|can_cuoc|chung_minh|dinh_danh|citizen|identity|id_card|id_number|passport|ho_chieu")
_CODE_NAME = re.compile(r"(^|_)(ma|code|mst|tax|so_hieu|ky_hieu|symbol)(_|$)")  # codes: never phones or IDs
_BIRTH_NAME = re.compile(r"ngay_sinh|nam_sinh|sinh_ngay|ngay_thang_nam_sinh|sinh_nhat|birth|(^|_)dob(_|$)")
_PERSON_NAME_COLUMN = re.compile(r"ho_ten|ho_va_ten|hoten|full_?name|(^|_)(name|ten|ten_nguoi|ten_cong_dan|nguoi)(_|$)")

KINDS = {
    "citizen-id": ("số CMND/CCCD", "citizen ID numbers (CMND/CCCD)"),
    "phone": ("số điện thoại di động cá nhân", "personal mobile phone numbers"),
    "email": ("địa chỉ email cá nhân", "personal e-mail addresses"),
    "birth-date": ("ngày sinh bên cạnh họ tên", "dates of birth beside people's names"),
}

ANONYMISE = {
    "citizen-id": ("ví dụ che các chữ số giữa: 001******345", "e.g. mask the middle digits: 001******345"),
    "phone": ("ví dụ thay bằng số điện thoại cơ quan", "e.g. give the office's number instead"),
    "email": ("ví dụ thay bằng hộp thư cơ quan …@….gov.vn", "e.g. give the office's …@….gov.vn address instead"),
    "birth-date": ("ví dụ chỉ giữ năm sinh", "e.g. keep only the year of birth"),
}


@dataclass(frozen=True)
class PersonalColumn:
    field: str
    kind: str  # "citizen-id", "phone", "email", "birth-date"
    matches: int  # how many cells look like it
    sample: str  # one masked example, e.g. "0912***678"


def _key(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", fold(label)).strip("_")


def _text(column: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array | None:
    """The column as strings with "" for empty cells, or None if it cannot be read as text."""
    try:
        if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            column = pc.cast(column, pa.string())
        return pc.fill_null(column, "")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None


def _text_bytes(column: pa.ChunkedArray | pa.Array) -> bytes:
    """The UTF-8 bytes of a string column's cells, end to end: what a byte search needs (one copy, no cell
    by cell); a pattern that needs a byte is ruled out for a whole column when the byte is not there."""
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    parts = []
    for chunk in chunks:
        buffers = chunk.buffers()
        if len(chunk) == 0 or buffers[2] is None:
            continue
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(buffers[1], width)[chunk.offset:chunk.offset + len(chunk) + 1]
        parts.append(memoryview(buffers[2])[int(offsets[0]):int(offsets[-1])])
    return b"".join(parts)


_DIGITS = b"0123456789"


def _count(hits: pa.ChunkedArray | pa.Array) -> int:
    return int(pc.sum(hits).as_py() or 0)


def _first(values, hits) -> str:
    index = pc.index(hits, True).as_py()
    return values[index].as_py() if index is not None and index >= 0 else ""


def _flagged(matches: int, filled: int) -> bool:
    return matches >= MIN_MATCHES or (filled > 0 and matches / filled >= MIN_SHARE)


def mask(value: str, kind: str) -> str:
    """A masked example: enough to recognise the kind, never the value itself."""
    if kind == "email":
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    digits = re.sub(r"[^0-9]", "", value)
    if kind == "birth-date":
        year = re.search(r"[0-9]{4}", value)
        return f"**/**/{year.group()}" if year else "**/**/****"
    if kind == "phone":
        return f"{digits[:4]}***{digits[-3:]}"
    return f"{digits[:3]}******{digits[-3:]}"


def _extract(pattern: str, cell: str) -> str:
    found = re.search(pattern, cell)
    return found.group(1) if found else cell


def find_personal_data(table: pa.Table, titles: dict[str, str] | None = None) -> list[PersonalColumn]:
    """Columns of `table` (header = field names) that hold personal data; `titles` adds the schema's titles."""
    titles = titles or {}
    found: list[PersonalColumn] = []
    dates: list[tuple[str, int, str]] = []
    has_person_names = False
    for name, column in zip(table.column_names, table.columns):
        values = _text(column)
        if values is None:
            continue
        lengths = pc.utf8_length(values)
        filled = _count(pc.greater(lengths, 0))
        if not filled:
            continue
        label = f"{_key(name)} {_key(titles.get(name, ''))}"
        is_code = bool(_CODE_NAME.search(label)) and not _ID_NAME.search(label)
        raw = _text_bytes(values)
        digits = len(raw.translate(None, _DIGITS)) != len(raw)  # every number and date pattern needs one
        if not is_code and digits:
            candidates = [("citizen-id", _CCCD), ("phone", _MOBILE)]
            if _ID_NAME.search(label):
                candidates.insert(1, ("citizen-id", _CMND))
            # One pass for all the number kinds, over the cells long enough to hold one (an old ID has 9
            # digits, a mobile number 10, a CCCD 12); only a column with enough hits is looked at kind by kind.
            long = _count(pc.greater_equal(lengths, MIN_NUMBER))
            numbers = 0
            if long:
                cells = values if long == len(values) else values.filter(pc.greater_equal(lengths, MIN_NUMBER))
                numbers = _count(pc.match_substring_regex(cells, "|".join(p for _, p in candidates)))
            if _flagged(numbers, filled):
                for kind, pattern in candidates:
                    hits = pc.match_substring_regex(values, pattern)
                    matches = _count(hits)
                    if _flagged(matches, filled):
                        found.append(PersonalColumn(name, kind, matches, mask(_extract(pattern, _first(values, hits)), kind)))
                        break
        if b"@" in raw and _count(pc.match_substring(values, "@")):
            personal = pc.replace_substring_regex(values, _GOV_EMAIL, "")
            hits = pc.match_substring_regex(personal, _EMAIL)
            matches = _count(hits)
            if _flagged(matches, filled):
                found.append(PersonalColumn(name, "email", matches, mask(_extract(_EMAIL, _first(personal, hits)), "email")))
        if digits and _BIRTH_NAME.search(label):
            hits = pc.match_substring_regex(values, _DATE)
            matches = _count(hits)
            if _flagged(matches, filled):
                dates.append((name, matches, mask(_first(values, hits), "birth-date")))
        if _PERSON_NAME_COLUMN.search(label):
            names = _count(pc.match_substring_regex(values, _PERSON_NAME))
            has_person_names = has_person_names or _flagged(names, filled)
    if has_person_names:  # a date of birth identifies someone only beside a name
        found.extend(PersonalColumn(name, "birth-date", matches, sample) for name, matches, sample in dates)
    return found


# --- the check -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Decision:
    reviewer: str
    decision: str
    date: str
    note: str
    fields: tuple[str, ...] | None
    resource: str | None


def _decisions(decision: object) -> tuple[list[_Decision], list[str]]:
    """Valid decisions and, for each malformed one, what is wrong with it."""
    entries = decision if isinstance(decision, list) else [decision] if decision is not None else []
    valid, wrong = [], []
    for entry in entries:
        if not isinstance(entry, dict):
            wrong.append("“personal_data” phải là bảng khóa: giá trị / must be a mapping")
            continue
        reviewer = str(entry.get("reviewer") or "").lstrip("@").strip()
        verdict = str(entry.get("decision") or "").strip()
        date = entry.get("date")
        date_text = date.isoformat() if isinstance(date, dt.date) else str(date or "")
        try:
            dt.date.fromisoformat(date_text)
            date_ok = len(date_text) == 10
        except ValueError:
            date_ok = False
        fields = entry.get("fields")
        problems = [msg for bad, msg in (
            (not re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})", reviewer), "reviewer (tài khoản GitHub / a GitHub user)"),
            (verdict not in ("publish", "remove"), "decision (publish | remove)"),
            (not date_ok, "date (YYYY-MM-DD)"),
            (fields is not None and not (isinstance(fields, list) and all(isinstance(f, str) for f in fields)),
             "fields (danh sách tên cột / a list of field names)"),
        ) if bad]
        if problems:
            wrong.append("thiếu hoặc sai / missing or invalid: " + ", ".join(problems))
            continue
        resource = entry.get("resource")
        valid.append(_Decision(reviewer, verdict, date_text, str(entry.get("note") or ""),
                               tuple(fields) if fields is not None else None, str(resource) if resource else None))
    return valid, wrong


def check_personal_data(table: pa.Table, schema: dict, rel: str, resource: str, decision: dict | None,
                        problems: Problems) -> None:
    """Record one problem per column holding personal data: an error unless a reviewer decided to publish it."""
    fields = schema.get("fields") if isinstance(schema, dict) else None
    titles = {f["name"]: str(f.get("title") or "") for f in fields or [] if isinstance(f, dict) and isinstance(f.get("name"), str)}
    flagged = find_personal_data(table, titles)
    if not flagged:
        return
    descriptor = f"{rel.rsplit('/', 1)[0]}/datapackage.yaml" if "/" in rel else "datapackage.yaml"
    decisions, wrong = _decisions(decision)
    for col in flagged:
        kind_vi, kind_en = KINDS[col.kind]
        vi = (f"cột “{col.field}” của “{resource}” có vẻ chứa {kind_vi} ({col.matches} ô, ví dụ {col.sample}); "
              "dữ liệu mở không được công bố dữ liệu cá nhân.")
        en = (f"field “{col.field}” of “{resource}” seems to hold {kind_en} ({col.matches} cells, e.g. {col.sample}); "
              "open data must not publish personal data.")
        details = dict(where=f"field “{col.field}”", code="personal-data", resource=resource, field=col.field)
        covering = next((d for d in decisions if (d.fields is None or col.field in d.fields)
                         and (d.resource is None or d.resource == resource)), None)
        if covering and covering.decision == "publish":
            note = f" ({covering.note})" if covering.note else ""
            problems.warning(rel, f"{vi} Người duyệt @{covering.reviewer} đã quyết định công bố ngày {covering.date}{note}.",
                             f"{en} Reviewer @{covering.reviewer} decided to publish it on {covering.date}{note}.",
                             **details)
            continue
        how_vi, how_en = ANONYMISE[col.kind]
        fix_vi = (f"xóa hoặc ẩn danh cột “{col.field}” ({how_vi}), "
                  f"hoặc đề nghị người duyệt ghi quyết định dưới “personal_data:” trong {descriptor} "
                  "(reviewer: tài khoản GitHub, decision: publish, date: YYYY-MM-DD, note: lý do, fields: [tên cột]).")
        fix_en = (f"remove or anonymise the column “{col.field}” ({how_en}), "
                  f"or ask a reviewer to record a decision under “personal_data:” in {descriptor} "
                  "(reviewer: GitHub user, decision: publish, date: YYYY-MM-DD, note: why, fields: [field names]).")
        if covering:  # decision: remove
            vi += f" Người duyệt @{covering.reviewer} đã quyết định loại bỏ cột này ngày {covering.date}."
            en += f" Reviewer @{covering.reviewer} decided on {covering.date} that it must be removed."
        elif wrong:
            vi += f" Quyết định “personal_data” trong {descriptor} không hợp lệ: {'; '.join(wrong)}."
            en += f" The “personal_data” decision in {descriptor} is not valid: {'; '.join(wrong)}."
        problems.error(rel, vi, en, fix_vi, fix_en, **details)
