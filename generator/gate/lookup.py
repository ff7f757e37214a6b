"""The `lookup:` key of a descriptor: an agency opts a table in to the SMS/Zalo look-up (`TRA`).

    lookup:
      code: THPT                 # what people type after TRA (letters and digits; default: the dataset id)
      resource: truong-thpt      # the table looked up (default: the dataset's only table)
      fields: [ma_truong, ten_truong]   # matched, accent- and case-free
      show: [ten_truong, huyen, dien_thoai]  # shown in the answer, in this order

The gate checks every named field exists in that table's Table Schema; the build publishes exactly
the spec read here (generator/publish/discovery/lookup.py), so what the gate checked is what the
function answers from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.problems import Problems
from generator.portal.model import Dataset

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$")
MAX_SHOWN = 6  # an SMS has room for a few values, not a whole row
KEYS = ("code", "resource", "fields", "show")


@dataclass(frozen=True)
class Lookup:
    dataset: str
    code: str  # upper case, as replies print it; matched case-free
    resource: str
    fields: tuple[str, ...]
    show: tuple[str, ...]


def _names(value: object) -> list[str] | None:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        return None
    return list(value)


def spec_of(dataset: Dataset, problems: Problems | None = None) -> Lookup | None:
    """The dataset's look-up, or None when it does not opt in (or its `lookup:` is wrong: then a problem
    naming the file and the key is recorded)."""
    raw = dataset.descriptor.get("lookup")
    if raw is None:
        return None
    found = problems if problems is not None else Problems()
    file = dataset.descriptor_file

    def bad(key: str, vi: str, en: str, fix_vi: str, fix_en: str) -> None:
        found.error(file, vi, en, fix_vi, fix_en, where=f"lookup.{key}" if key else "lookup", code="lookup")

    if not isinstance(raw, dict):
        bad("", "“lookup” phải là bảng khóa: giá trị (resource, fields, show).",
            "“lookup” must be a mapping (resource, fields, show).",
            "viết “lookup:” rồi các dòng “fields: [...]” và “show: [...]” thụt vào bên dưới.",
            "write “lookup:” with indented “fields: [...]” and “show: [...]” lines under it.")
        return None
    ok = True
    for key in raw:
        if key not in KEYS:
            bad(str(key), f"khóa “lookup.{key}” không được hỗ trợ.", f"key “lookup.{key}” is not supported.",
                f"chỉ dùng: {', '.join(KEYS)}.", f"use only: {', '.join(KEYS)}.")
            ok = False
    tables = [r for r in dataset.resources if r.tabular and r.schema is not None]
    name = raw.get("resource")
    if name is None:
        if len(tables) != 1:
            bad("resource", "thiếu “lookup.resource”: bộ dữ liệu có nhiều hơn một bảng.",
                "“lookup.resource” is missing: the dataset has more than one table.",
                f"ghi tên bảng tra cứu, một trong: {', '.join(r.name for r in tables) or '—'}.",
                f"name the table looked up, one of: {', '.join(r.name for r in tables) or '—'}.")
            return None
        resource = tables[0]
    else:
        resource = next((r for r in tables if r.name == name), None)
        if resource is None:
            bad("resource", f"“lookup.resource”: không có bảng “{name}” có đặc tả (schema) trong bộ dữ liệu.",
                f"“lookup.resource”: the dataset has no table “{name}” with a Table Schema.",
                f"dùng tên (name) của một bảng: {', '.join(r.name for r in tables) or '—'}.",
                f"use the name of a table: {', '.join(r.name for r in tables) or '—'}.")
            return None
    declared = [f.get("name") for f in (resource.schema or {}).get("fields", []) if isinstance(f, dict)]
    lists: dict[str, list[str]] = {}
    for key in ("fields", "show"):
        names = _names(raw.get(key))
        if names is None:
            bad(key, f"“lookup.{key}” phải là danh sách tên cột của bảng “{resource.name}”.",
                f"“lookup.{key}” must be a list of field names of table “{resource.name}”.",
                f"ví dụ “{key}: [{', '.join(str(d) for d in declared[:2])}]”.",
                f"e.g. “{key}: [{', '.join(str(d) for d in declared[:2])}]”.")
            ok = False
            continue
        for n in names:
            if n not in declared:
                bad(key, f"“lookup.{key}”: bảng “{resource.name}” không có cột “{n}”.",
                    f"“lookup.{key}”: table “{resource.name}” has no field “{n}”.",
                    f"dùng tên cột (name) trong “schema.fields”: {', '.join(str(d) for d in declared)}.",
                    f"use a field name from “schema.fields”: {', '.join(str(d) for d in declared)}.")
                ok = False
        if len(set(names)) != len(names):
            bad(key, f"“lookup.{key}” ghi một cột hai lần.", f"“lookup.{key}” names a field twice.",
                "bỏ tên cột lặp lại.", "remove the repeated field name.")
            ok = False
        lists[key] = names
    if len(lists.get("show", [])) > MAX_SHOWN:
        bad("show", f"“lookup.show” có {len(lists['show'])} cột; tin nhắn chỉ đủ chỗ cho {MAX_SHOWN}.",
            f"“lookup.show” has {len(lists['show'])} fields; a message has room for {MAX_SHOWN}.",
            f"giữ tối đa {MAX_SHOWN} cột quan trọng nhất.", f"keep at most {MAX_SHOWN}, the most useful ones.")
        ok = False
    code = raw.get("code", dataset.id)
    if not isinstance(code, str) or not CODE.match(code):
        bad("code", f"“lookup.code” “{code}” không hợp lệ: người dân gõ mã này trong tin nhắn.",
            f"“lookup.code” “{code}” is not valid: people type it in a message.",
            "dùng 1–20 chữ cái không dấu, chữ số, “-” hoặc “_”, ví dụ “THPT”.",
            "use 1–20 unaccented letters, digits, “-” or “_”, e.g. “THPT”.")
        ok = False
    if not ok:
        return None
    return Lookup(dataset=dataset.id, code=str(code).upper(), resource=resource.name,
                  fields=tuple(lists["fields"]), show=tuple(lists["show"]))


def check_lookup(dataset: Dataset, problems: Problems) -> None:
    spec_of(dataset, problems)


def check_codes(datasets: list[Dataset], problems: Problems, only: set[str] | None = None) -> None:
    """Two datasets may not answer to one code (nor a code to another dataset's id). `only`: report only the
    codes one of these dataset folders answers to (the datasets given must then hold every dataset that
    declares a look-up, as the loader's selective load gives them)."""
    specs = [(d, spec) for d in datasets if (spec := spec_of(d)) is not None]
    mine = None if only is None else {code for d, spec in specs if d.rel_folder in only
                                      for code in (spec.code, d.id.upper())}
    seen: dict[str, Dataset] = {}
    for d, spec in specs:
        for code in {spec.code, d.id.upper()}:
            other = seen.get(code)
            if other is not None and other.id != d.id and (mine is None or code in mine):
                problems.error(d.descriptor_file, f"mã tra cứu “{code}” đã dùng cho bộ dữ liệu {other.rel_folder}.",
                               f"look-up code “{code}” is already used by dataset {other.rel_folder}.",
                               "chọn mã khác trong “lookup.code”.", "choose another “lookup.code”.",
                               where="lookup.code", code="lookup")
            seen[code] = d
