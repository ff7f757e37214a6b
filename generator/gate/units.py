"""The gate's administrative-unit checks: fields that declare `admin_unit`, and datasets' `spatial` unit codes.

A Table Schema field declares what it holds with a custom property (frictionless keeps it and ignores it):

    admin_unit: {level: commune, generation: pre-2025, holds: code}
    admin_unit: {level: commune, generation: pre-2025, holds: name, code_field: ma_xa}

`level` is province, district (pre-2025 only) or commune; `generation` is 2025 (from 1 July 2025) or
pre-2025; `holds` is code or name. A name field is compared with the code of its row (`code_field`, or
the one code field of the same level and generation); without one, `within` (a province code of the same
generation) narrows where the name is looked up.

Errors (they stop the build): a code or name that is not a unit of its declared generation and level, a
name that does not match its row's code, a unit of before 1 July 2025 in a field declared 2025 (with the
unit(s) it became). Warnings (published, flagged): a pre-2025 field in data dated from 1 July 2025 (each
row, with the new units), and every table that records only pre-2025 units (once, with the command that
adds the new ones; a converted table, with fields of 2025 beside the old, is not flagged).
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from generator.problems import Problems
from generator.portal import units as U
from generator.portal.units import NEW, OLD, Unit, Units

HOLDS = ("code", "name")
CHANGEOVER_DATE = dt.date.fromisoformat(U.CHANGEOVER)
WARNED_ROWS = 20  # rows listed one by one for the "old unit in new data" warning; the rest are counted


class Declaration:
    """A field's `admin_unit` property, once it is known to be valid."""

    def __init__(self, field: str, level: str, generation: str, holds: str, code_field: str = "", within: str = ""):
        self.field, self.level, self.generation, self.holds = field, level, generation, holds
        self.code_field, self.within = code_field, within

    @property
    def words(self) -> tuple[str, str]:
        vi, en = U.generation_words(self.generation)
        return (f"{U.level_word(self.level)} {vi}", f"{U.level_word(self.level, 'en')} {en}")


def _generation(value: Any) -> str:
    return str(value).strip().lower() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""


def declarations(schema: dict) -> list[Declaration]:
    """The valid `admin_unit` declarations of a schema (the descriptor check reports the others)."""
    fields = [f for f in schema.get("fields") or [] if isinstance(f, dict)] if isinstance(schema, dict) else []
    out: list[Declaration] = []
    for f in fields:
        spec = f.get("admin_unit")
        if not isinstance(spec, dict) or _spec_problem(spec, f, fields) is not None:
            continue
        out.append(Declaration(f["name"], spec["level"], _generation(spec["generation"]), spec["holds"],
                               str(spec.get("code_field") or ""), str(spec.get("within") or "")))
    codes = {(d.level, d.generation): d.field for d in out if d.holds == "code"}
    for d in out:
        if d.holds == "name" and not d.code_field:
            d.code_field = codes.get((d.level, d.generation), "")
    return out


def _spec_problem(spec: dict, field: dict, fields: list[dict]) -> tuple[str, str] | None:
    generation = _generation(spec.get("generation"))
    level, holds = spec.get("level"), spec.get("holds")
    if generation not in U.GENERATIONS:
        return ("“generation” phải là 2025 (từ 01/07/2025) hoặc pre-2025 (trước 01/07/2025).",
                "“generation” must be 2025 (from 1 July 2025) or pre-2025 (before 1 July 2025).")
    if level not in U.LEVELS[generation]:
        return (f"“level” phải là một trong: {', '.join(U.LEVELS[generation])} (từ 01/07/2025 không còn cấp huyện).",
                f"“level” must be one of: {', '.join(U.LEVELS[generation])} (there are no districts from 1 July 2025).")
    if holds not in HOLDS:
        return ("“holds” phải là code (mã) hoặc name (tên).", "“holds” must be code or name.")
    if level == "district" and holds == "code":
        return ("danh mục không có mã số cấp huyện (các nguồn công khai không ghi); khai báo cột tên huyện "
                "(holds: name) thay vì mã.",
                "the lists carry no district codes (the public sources lack them); declare the district's name "
                "column (holds: name) instead.")
    if field.get("type", "string") not in ("string", "any"):
        return ("cột chứa mã hoặc tên đơn vị phải có kiểu string (mã giữ số 0 ở đầu).",
                "a unit code or name field must be of type string (codes keep their leading zeros).")
    code_field = spec.get("code_field")
    if code_field is not None:
        other = next((f for f in fields if f.get("name") == code_field), None)
        other_spec = other.get("admin_unit") if other else None
        if holds != "name" or not isinstance(other_spec, dict) or other_spec.get("holds") != "code" \
                or other_spec.get("level") != level or _generation(other_spec.get("generation")) != generation:
            return (f"“code_field: {code_field}” phải là một cột mã (holds: code) cùng cấp và cùng thời kỳ.",
                    f"“code_field: {code_field}” must be a code field (holds: code) of the same level and generation.")
    extra = set(spec) - {"level", "generation", "holds", "code_field", "within"}
    if extra:
        return (f"khóa không dùng được trong “admin_unit”: {', '.join(sorted(map(str, extra)))}.",
                f"keys not allowed in “admin_unit”: {', '.join(sorted(map(str, extra)))}.")
    return None


def check_declarations(schema: dict, rel: str, where: str, resource: str, problems: Problems,
                       units: Callable[[], Units | None]) -> None:
    """Descriptor check of every field's `admin_unit` property."""
    fields = [f for f in schema.get("fields") or [] if isinstance(f, dict)]
    for j, f in enumerate(fields):
        spec = f.get("admin_unit")
        if spec is None:
            continue
        at = f"{where}.fields[{j + 1}].admin_unit"
        name = f.get("name", "")
        problem = ("“admin_unit” phải là bảng khóa: giá trị, ví dụ {level: commune, generation: 2025, holds: code}.",
                   "“admin_unit” must be a mapping, e.g. {level: commune, generation: 2025, holds: code}.") \
            if not isinstance(spec, dict) else _spec_problem(spec, f, fields)
        if problem is None and units() is None:
            problem = (f"cổng chưa có danh mục đơn vị hành chính ({U.FOLDER}/).",
                       f"the portal has no list of administrative units ({U.FOLDER}/).")
        if problem is None and isinstance(spec, dict) and spec.get("within"):
            area = units().unit(_generation(spec.get("generation")), str(spec["within"]))
            if area is None or area.level != "province":
                problem = (f"“within: {spec['within']}” không phải mã tỉnh của thời kỳ này.",
                           f"“within: {spec['within']}” is not a province code of this generation.")
        if problem:
            problems.error(rel, f"cột “{name}” của “{resource}”: {problem[0]}", f"field “{name}” of “{resource}”: {problem[1]}",
                           "xem mục “Cột mã, tên đơn vị hành chính” trong docs/huong-dan-co-quan.md; chạy "
                           "“opendata units lookup TÊN” để tra mã.",
                           "see “Cột mã, tên đơn vị hành chính” (unit fields) in docs/huong-dan-co-quan.md; run “opendata units lookup NAME” "
                           "to find a code.", where=at, code="schema-error", resource=resource, field=name)


# ---------------------------------------------------------------------------------------------------------------
# What a message says about a unit


def _shown(u: Unit) -> str:
    return f"{u.full_name} ({u.code})" if u.level != "district" else u.full_name


def became(units: Units, u: Unit, vi: bool = True) -> str:
    """"Xã Tam Đảo (08911)"; "Xã A (00001, một phần), Xã B (00002, một phần)"."""
    links = units.successors(u)
    if not links:
        return "(không rõ)" if vi else "(unknown)"
    part = "một phần" if vi else "part"
    return ", ".join(f"{_shown(link.unit)[:-1]}, {part})" if link.scope == "partial" and link.unit.level != "district"
                     else _shown(link.unit) for link in links)


def _outdated(units: Units, u: Unit) -> tuple[str, str, str, str]:
    whole = all(link.scope == "full" for link in units.successors(u)) and len(units.successors(u)) == 1
    return (f"{units.place(u)} (trước 01/07/2025) nay là {became(units, u)}",
            f"{units.place(u)} (before 1 July 2025) is now {became(units, u, False)}",
            "ghi đơn vị mới: " + became(units, u) + ("" if whole else
                "; đơn vị cũ được chia cho nhiều đơn vị mới: chọn đơn vị đúng của dòng này"),
            "write the new unit: " + became(units, u, False) + ("" if whole else
                "; the old unit was split between several new ones: choose the right one for this row"))


# ---------------------------------------------------------------------------------------------------------------
# Rows


def check_rows(columns: list, numbers: np.ndarray, errors, warn: Callable[..., None], units: Units,
               schema: dict, dated: str = "") -> None:
    """Check the cells of every field that declares `admin_unit`. `columns`: the row checks' columns (name, desc,
    cells, present, bad, value()); `errors`: their error list; `warn(code, vi, en, fix_vi, fix_en, row, field,
    cell)`: a warning; `dated`: the data's first day (the dataset's temporal start), "" when unknown."""
    decls = declarations(schema)
    if not decls:
        return
    by_name = {c.name: c for c in columns}
    date_column = next((c for c in columns if c.type in ("date", "datetime")), None)
    after_all = bool(dated) and dated >= U.CHANGEOVER
    olds = [d.field for d in decls if d.generation == OLD and d.field in by_name]
    if olds and not any(d.generation == NEW for d in decls):  # a converted table carries the new units too
        warn("unit-pre-2025",
             f"bảng ghi đơn vị hành chính trước 01/07/2025 (cột {', '.join(olds)}).",
             f"the table records administrative units of before 1 July 2025 (field {', '.join(olds)}).",
             f"để dùng cùng dữ liệu mới, chạy “opendata units add-new TỆP --field {olds[0]}”: bản sao có thêm cột mã, "
             "tên đơn vị mới (từ 01/07/2025).",
             f"to use it with new data, run “opendata units add-new FILE --field {olds[0]}”: the copy has columns "
             "for the new units (from 1 July 2025).", None, olds[0], None)
    for d in decls:
        c = by_name.get(d.field)
        if c is None:
            continue
        within = units.unit(d.generation, d.within) if d.within else None
        pair = by_name.get(d.code_field) if d.holds == "name" and d.code_field else None
        names = next((by_name.get(n.field) for n in decls if n.holds == "name" and n.code_field == d.field), None) \
            if d.holds == "code" else None
        found = _resolve(c, pair, d, units, within)
        valued = c.present & ~c.bad
        if pair is not None:  # a name whose code is wrong: the code's own error says so
            codes = _resolve(pair, None, Declaration(pair.name, d.level, d.generation, "code"), units, within)
            valued &= np.array([u is not None for u in codes], dtype=bool)
        _report(c, pair, names, d, found, valued, numbers, errors, units, within)
        if d.generation == OLD:
            _after(c, d, found, valued, numbers, warn, units, after_all, date_column)


def _distinct(c) -> tuple[list[Any], np.ndarray]:
    """The distinct cells of a column and, per row, the position of its cell among them (-1: no cell)."""
    cells = c.cells.combine_chunks() if isinstance(c.cells, pa.ChunkedArray) else c.cells
    encoded = pc.dictionary_encode(cells)
    codes = np.asarray(pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
    return encoded.dictionary.to_pylist(), codes


def _resolve(c, pair, d: Declaration, units: Units, within: Unit | None) -> list[Unit | None]:
    """Per row, the unit the cell names in its declared generation (None: it names none)."""
    values, codes = _distinct(c)
    if d.holds == "code":
        table = []
        for v in values:
            u = units.unit(d.generation, str(v).strip()) if v is not None else None
            table.append(u if u is not None and u.level == d.level else None)
        return [table[i] if i >= 0 else None for i in codes]
    if pair is not None:  # a name beside its code: the code's unit when the name is its name
        pair_values, pair_codes = _distinct(pair)
        seen: dict[tuple[int, int], Unit | None] = {}
        out = []
        for i, k in zip(codes.tolist(), pair_codes.tolist()):
            if (i, k) not in seen:
                u = units.unit(d.generation, str(pair_values[k]).strip()) if k >= 0 else None
                seen[(i, k)] = u if i >= 0 and u is not None and u.named(str(values[i])) else None
            out.append(seen[(i, k)])
        return out
    table = []
    for v in values:
        named = units.named(d.generation, d.level, str(v), within) if v is not None else []
        table.append(named[0] if len(named) == 1 else None)
    return [table[i] if i >= 0 else None for i in codes]


def _report(c, pair, names, d: Declaration, found: list[Unit | None], valued: np.ndarray, numbers: np.ndarray, errors,
            units: Units, within: Unit | None) -> None:
    missing = valued & np.array([u is None for u in found], dtype=bool)
    if not missing.any():
        return
    cache: dict[tuple, tuple] = {}

    def make(r: int) -> tuple:
        cell = c.cells[r].as_py()
        code_cell = pair.cells[r].as_py() if pair is not None and pair.present[r] else None
        name_cell = names.cells[r].as_py() if names is not None and names.present[r] else None
        key = (cell, code_cell, name_cell)
        if key not in cache:
            cache[key] = _message(cell, code_cell, name_cell, pair, d, units, within, suggest=len(cache) < 20)
        code, vi, en, fix_vi, fix_en = cache[key]
        row = int(numbers[r])
        return (code, c.name, cell, f"dòng {row}, cột “{c.name}”: {vi}", f"row {row}, field “{c.name}”: {en}",
                fix_vi, fix_en)

    errors.rows(missing, (3, c.pos), make)


def _message(cell: str, code_cell: str | None, name_cell: str | None, pair, d: Declaration, units: Units,
             within: Unit | None, suggest: bool = True) -> tuple[str, str, str, str, str]:
    """(code, vi, en, fix_vi, fix_en) for a cell that names no unit of its field. Near names are looked for
    (difflib, costly) for the first distinct values only: hostile tables stay bounded."""
    value = str(cell).strip()
    other = OLD if d.generation == NEW else NEW
    kind_vi, kind_en = d.words
    if d.holds == "name" and pair is not None:
        u = units.unit(d.generation, str(code_cell).strip()) if code_cell is not None else None
        if u is not None:
            named = units.named(d.generation, d.level, value, units.province_of(u))
            hint_vi = f" “{value}” là tên của {', '.join(_shown(n) for n in named)}." if named else ""
            hint_en = f" “{value}” is the name of {', '.join(_shown(n) for n in named)}." if named else ""
            return ("unit-name-mismatch",
                    f"tên “{value}” không khớp mã {u.code} ({u.full_name}, cột “{pair.name}”).{hint_vi}",
                    f"the name “{value}” does not match code {u.code} ({u.full_name}, field “{pair.name}”).{hint_en}",
                    f"ghi tên “{u.full_name}” (hoặc “{u.name}”), hoặc sửa mã ở cột “{pair.name}”.",
                    f"write the name “{u.full_name}” (or “{u.name}”), or correct the code in field “{pair.name}”.")
        # the row's code is itself wrong: the code field's own error says so; the name is checked alone
    if d.holds == "code":
        same = units.unit(other, value)
        if same is not None and same.level == d.level and d.generation == NEW:
            vi, en, fix_vi, fix_en = _outdated(units, same)
            return ("unit-outdated", f"mã {value} là {vi}.", f"code {value}: {en}.", fix_vi, fix_en)
        if same is not None and same.level == d.level:
            return ("unit-generation",
                    f"mã {value} là {units.place(same)}, đơn vị từ 01/07/2025, nhưng cột khai báo {kind_vi}.",
                    f"code {value} is {units.place(same)}, a unit from 1 July 2025, but the field declares {kind_en}.",
                    "nếu bảng dùng đơn vị mới, khai báo “generation: 2025” cho cột; nếu không, sửa mã.",
                    "if the table uses the new units, declare “generation: 2025” for the field; otherwise correct the code.")
        named = units.named(d.generation, d.level, str(name_cell), within) if name_cell else []
        if named:
            shown = ", ".join(f"{u.code} ({units.place(u)})" for u in named[:5])
            return ("unit-unknown", f"không có {kind_vi} nào mang mã “{value}”; tên cùng dòng “{name_cell}” là mã {shown}.",
                    f"no {kind_en} has the code “{value}”; the row's name “{name_cell}” has code {shown}.",
                    f"ghi mã {named[0].code}" + (" (chọn đúng đơn vị trong các đơn vị cùng tên)" if len(named) > 1 else "")
                    + ", hoặc sửa tên nếu mã đúng mà tên sai.",
                    f"write code {named[0].code}" + (" (choose the right one of the units of that name)" if len(named) > 1
                                                   else "") + ", or correct the name if it is the name that is wrong.")
        return ("unit-unknown", f"không có {kind_vi} nào mang mã “{value}”.",
                f"no {kind_en} has the code “{value}”.",
                "sửa mã; tra mã đúng bằng “opendata units lookup TÊN” hoặc trang Tra cứu đơn vị hành chính của cổng.",
                "correct the code; find it with “opendata units lookup NAME” or the portal's unit look-up page.")
    scope = within
    named_other = units.named(other, d.level, value, None)
    if d.generation == NEW and named_other and not units.named(NEW, d.level, value, scope):
        u = named_other[0] if len(named_other) == 1 else None
        if u is not None:
            vi, en, fix_vi, fix_en = _outdated(units, u)
            return ("unit-outdated", f"“{value}” là {vi}.", f"“{value}”: {en}.", fix_vi, fix_en)
    several = units.named(d.generation, d.level, value, scope)
    if len(several) > 1:
        listed = "; ".join(units.place(u) for u in several[:6])
        return ("unit-ambiguous", f"có {len(several)} {kind_vi} tên “{value}”: {listed}.",
                f"{len(several)} units ({kind_en}) are called “{value}”: {listed}.",
                "thêm cột mã đơn vị (holds: code) cho bảng, hoặc khai báo “within: <mã tỉnh>” cho cột.",
                "add a unit code field (holds: code) to the table, or declare “within: <province code>” for the field.")
    vi, en = _suggestion(units, d, value, within) if suggest else ("", "")
    return ("unit-unknown", f"không có {kind_vi} nào tên “{value}”{_in(within)}.{vi}",
            f"no {kind_en} is called “{value}”{_in(within, False)}.{en}",
            "sửa tên (có thể bỏ chữ “Xã”, “Phường”, “Thị trấn”; không phân biệt dấu); tra bằng “opendata units lookup TÊN”.",
            "correct the name (the type word “Xã”, “Phường”, “Thị trấn” may be left out; accents do not count); look it "
            "up with “opendata units lookup NAME”.")


def _in(within: Unit | None, vi: bool = True) -> str:
    return "" if within is None else (f" trong {within.full_name}" if vi else f" in {within.full_name}")


def _suggestion(units: Units, d: Declaration, value: str, within: Unit | None) -> tuple[str, str]:
    """A near name of the same level and generation (inside `within`), as " Có phải …?"."""
    pool = {U.name_key(u.name): u for u in units.all(d.generation, d.level) if within is None or units.within(u, within)}
    near: dict[Unit, None] = {}
    for key in U.name_variants(value, d.level):  # as written, and without its type word
        for k in difflib.get_close_matches(key, list(pool), n=3, cutoff=0.8):
            near[pool[k]] = None
    if not near:
        return "", ""
    shown = ", ".join(units.place(u) for u in list(near)[:3])
    return f" Có phải: {shown}?", f" Did you mean: {shown}?"


def _after(c, d: Declaration, found: list[Unit | None], valued: np.ndarray, numbers: np.ndarray,
           warn: Callable[..., None], units: Units, after_all: bool, date_column) -> None:
    """Old units in rows dated from 1 July 2025: flagged with the unit(s) they became."""
    rows = [r for r in np.flatnonzero(valued).tolist() if found[r] is not None]
    if not after_all:
        if date_column is None:
            return
        rows = [r for r in rows if _on_or_after(date_column.value(r))]
    listed = rows[:WARNED_ROWS]
    for r in listed:
        u = found[r]
        vi, en, fix_vi, fix_en = _outdated(units, u)
        row = int(numbers[r])
        when = "dữ liệu từ 01/07/2025" if after_all else f"dòng ngày {date_column.value(r)}"
        when_en = "data from 1 July 2025" if after_all else f"a row dated {date_column.value(r)}"
        warn("unit-outdated", f"dòng {row}, cột “{c.name}”: {when} ghi đơn vị cũ: {vi}.",
             f"row {row}, field “{c.name}”: {when_en} records an old unit: {en}.", fix_vi, fix_en, row, c.name,
             c.cells[r].as_py())
    if len(rows) > len(listed):
        warn("unit-outdated", f"cột “{c.name}”: thêm {len(rows) - len(listed)} dòng từ 01/07/2025 ghi đơn vị cũ.",
             f"field “{c.name}”: {len(rows) - len(listed)} more rows from 1 July 2025 record old units.",
             f"chạy “opendata units add-new TỆP --field {c.name}” để thêm cột đơn vị mới.",
             f"run “opendata units add-new FILE --field {c.name}” to add the new units' columns.", None, c.name, None)


def _on_or_after(value: Any) -> bool:
    if isinstance(value, dt.datetime):
        value = value.date()
    return isinstance(value, dt.date) and value >= CHANGEOVER_DATE


# ---------------------------------------------------------------------------------------------------------------
# A dataset's spatial coverage


def spatial_refs(value: Any) -> list[str] | None:
    """The unit references of a descriptor's `spatial` (a list), or None when it is free text."""
    if isinstance(value, list):
        return [str(v).strip() for v in value if isinstance(v, (str, int)) and not isinstance(v, bool)]
    return None


def check_spatial(refs: list[str], rel: str, units: Units | None, problems: Problems) -> list[Unit]:
    """The units of a descriptor's `spatial` list; an error for each reference that names none."""
    out: list[Unit] = []
    wrong = 0
    for i, ref in enumerate(refs):
        u = units.by_ref(ref) if units is not None else None
        if u is not None:
            out.append(u)
            continue
        wrong += 1
        generation, _, code = ref.partition(":")
        guess = []
        if units is not None and wrong <= 20:  # near units for the first ones only: bounded on hostile input
            guess = [x for x in units.find(code or ref) if x.generation in U.GENERATIONS][:5]
        hint = ", ".join(f"{x.ref} ({units.place(x)})" for x in guess)
        problems.error(rel, f"“spatial” mục {i + 1}: “{ref}” không phải đơn vị hành chính nào"
                            + (f"; có phải: {hint}?" if hint else "."),
                       f"“spatial” item {i + 1}: “{ref}” names no administrative unit" + (f"; did you mean: {hint}?" if hint else "."),
                       "ghi mỗi đơn vị là “thời kỳ:mã”, ví dụ “2025:25” (tỉnh Phú Thọ từ 01/07/2025), “pre-2025:26” (tỉnh "
                       "Vĩnh Phúc trước đó); tra mã bằng “opendata units lookup TÊN”.",
                       "write each unit as “generation:code”, e.g. “2025:25” (Phú Thọ from 1 July 2025), “pre-2025:26” "
                       "(Vĩnh Phúc before); find codes with “opendata units lookup NAME”.", where=f"spatial[{i + 1}]",
                       code="invalid-metadata")
    return out
