"""`opendata units`: administrative units before and after 1 July 2025.

    opendata units lookup TEXT                 old -> new and new -> old, from a name or a code (accent-free)
    opendata units add-new FILE --field F      a copy of the table with the new units beside the old ones

add-new reads the table with the portal's one reader (as the gate does), finds what the column holds
(codes or names; of provinces, districts or communes) from the dataset's Table Schema when it declares
`admin_unit`, else from the values, and writes a UTF-8 CSV with three columns after F: the new code(s), the new
name(s) and how the old unit went ("toàn bộ": whole into one new unit; "một phần": split between several,
all listed, one to choose by hand; "không rõ": not found or ambiguous, with why).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from generator.portal import units as U
from generator.portal.units import NEW, OLD, Unit, Units

FULL, PARTIAL, UNKNOWN = "toàn bộ", "một phần", "không rõ"


def new_columns(field: str, holds: str) -> tuple[str, str, str]:
    """(the new units in the form `field` has, the other form, how it went): "ma_xa" -> ma_xa_2025 (codes),
    ma_xa_2025_ten (names), ma_xa_2025_sap_xep; "xa" -> xa_2025 (names), xa_2025_ma (codes), xa_2025_sap_xep."""
    return f"{field}_2025", f"{field}_2025_{'ten' if holds == 'code' else 'ma'}", f"{field}_2025_sap_xep"


HELP = "đơn vị hành chính trước và sau 01/07/2025 (administrative units before and after 1 July 2025)"


def arguments(u: argparse.ArgumentParser) -> None:
    usub = u.add_subparsers(dest="units", required=True, metavar="ACTION")
    lk = usub.add_parser("lookup", help="tra cứu cũ -> mới và mới -> cũ theo tên hoặc mã, không phân biệt dấu "
                                        "(old -> new and new -> old from a name or code)")
    lk.add_argument("text", nargs="+", help="tên hoặc mã, ví dụ “tam dao”, “08911”, “Vĩnh Phúc”")
    lk.add_argument("--format", choices=["text", "json"], default="text")
    lk.add_argument("--root", default=".")
    lk.set_defaults(units_run=lookup_main)
    an = usub.add_parser("add-new", help="chép bảng, thêm cột mã và tên đơn vị mới bên cạnh cột cũ "
                                         "(copy a table with the new units' codes and names beside the old)")
    an.add_argument("file", help="bảng csv, xlsx, xls")
    an.add_argument("--field", required=True, help="cột chứa mã hoặc tên đơn vị cũ (the column of old units)")
    an.add_argument("--sheet", default=None, help="trang tính (for a workbook; default the first)")
    an.add_argument("--level", choices=["province", "district", "commune"], default=None,
                    help="cấp đơn vị của cột (default: from the schema or the values)")
    an.add_argument("--within", default=None,
                    help="mã tỉnh cũ để tra tên, ví dụ 26 (old province code names are looked up in; default: the "
                         "portal's province)")
    an.add_argument("--out", default=None, help="tệp kết quả (default: FILE-don-vi-moi.csv beside FILE)")
    an.add_argument("--root", default=".")
    an.set_defaults(units_run=add_new_main)


def run(args: argparse.Namespace) -> int:
    return args.units_run(args)


# ---------------------------------------------------------------------------------------------------------------
# lookup


def answer(units: Units, text: str) -> list[dict]:
    """What `lookup` says about each unit `text` names: the unit, where it is, and the other generation."""
    out = []
    for u in units.find(text):
        links = units.successors(u) if u.generation == OLD else units.predecessors(u)
        out.append({
            "generation": u.generation, "level": u.level, "code": u.code if u.level != "district" else "",
            "ref": u.ref, "name": u.full_name, "place": units.place(u), "label": units.label(u),
            "label_en": units.label(u, "en"),
            "became" if u.generation == OLD else "made_of": [
                {"code": link.unit.code, "name": link.unit.full_name, "place": units.place(link.unit),
                 "scope": link.scope} for link in links],
        })
    return out


def lookup_main(args: argparse.Namespace) -> int:
    root = Path(args.root)
    if not U.available(root):
        print(f"LỖI/ERROR {U.FOLDER}: cổng chưa có danh mục đơn vị hành chính.\n"
              f"  (the portal has no list of administrative units.)\n"
              "  Cách sửa: chạy “python3 scripts/make_units.py” (Fix: run it).", file=sys.stderr)
        return 1
    text = " ".join(args.text)
    found = answer(U.load(root), text)
    if args.format == "json":
        print(json.dumps(found, ensure_ascii=False, indent=2))
    else:
        for item in found:
            print(format_answer(item))
            print()
    if not found:
        print(f"Không tìm thấy đơn vị hành chính nào ứng với “{text}”.\n(No administrative unit matches “{text}”.)\n"
              "Thử tên không có chữ “Xã”, “Phường”, hoặc mã số (try the name without its type word, or the code).",
              file=sys.stderr)
        return 1
    return 0


def format_answer(item: dict) -> str:
    when = "trước 01/07/2025 / before 1 July 2025" if item["generation"] == OLD else "từ 01/07/2025 / from 1 July 2025"
    code = f" [{item['code']}]" if item["code"] else ""
    lines = [f"{item['place']}{code} ({when})"]
    if item["generation"] == OLD:
        lines.append("  nay là / now:" if item["became"] else "  (không có đơn vị mới / no successor listed)")
        links = item["became"]
    else:
        lines.append("  gồm các đơn vị cũ / made of:" if item["made_of"] else "")
        links = item["made_of"]
    for link in links:
        scope = "toàn bộ / whole" if link["scope"] == "full" else "một phần / part"
        lines.append(f"    {link['code']}  {link['place']}  ({scope})")
    return "\n".join(line for line in lines if line)


# ---------------------------------------------------------------------------------------------------------------
# add-new


@dataclass
class Mapping:
    codes: str
    names: str
    status: str


def new_units(units: Units, u: Unit) -> Mapping:
    links = units.successors(u)
    if not links:
        return Mapping("", "", f"{UNKNOWN}: không có đơn vị mới trong danh mục")
    whole = len(links) == 1 and links[0].scope == "full"
    return Mapping("; ".join(link.unit.code for link in links), "; ".join(link.unit.full_name for link in links),
                   FULL if whole else PARTIAL)


def _declared(path: Path, field: str) -> dict | None:
    """The `admin_unit` declaration of `field` in the Table Schema of the dataset holding `path`, if any."""
    descriptor = path.resolve().parent / "datapackage.yaml"
    if not descriptor.is_file():
        return None
    from generator.problems import Problems
    from generator.portal.yamlfile import load_yaml

    data = load_yaml(descriptor, str(descriptor), Problems())
    for resource in (data or {}).get("resources") or [] if isinstance(data, dict) else []:
        if not isinstance(resource, dict) or Path(str(resource.get("path", ""))).name != path.name:
            continue
        for f in ((resource.get("schema") or {}).get("fields") or []):
            if isinstance(f, dict) and f.get("name") == field and isinstance(f.get("admin_unit"), dict):
                return f["admin_unit"]
    return None


def _portal_province(root: Path, units: Units) -> Unit | None:
    """The old province named by catalog/portal.yaml's `province` (the portal's own province)."""
    portal = root / "catalog" / "portal.yaml"
    if not portal.is_file():
        return None
    from generator.problems import Problems
    from generator.portal.yamlfile import load_yaml

    data = load_yaml(portal, "catalog/portal.yaml", Problems())
    name = str(data.get("province", "")) if isinstance(data, dict) else ""
    found = units.named(OLD, "province", name) if name else []
    return found[0] if len(found) == 1 else None


def convert(units: Units, labels: list[str], rows, field: str, holds: str, level: str,
            within: Unit | None) -> tuple[list[str], list[list[str]], dict[str, int]]:
    """The table with the new units' columns after `field`; counts of each status."""
    at = labels.index(field)
    header = labels[:at + 1] + list(new_columns(field, holds)) + labels[at + 1:]
    out, counts, cache = [], {FULL: 0, PARTIAL: 0, UNKNOWN: 0}, {}
    for row in rows:
        value = row[at].strip() if at < len(row) else ""
        if value not in cache:
            cache[value] = _map(units, value, holds, level, within)
        m = cache[value]
        if value:
            counts[m.status.split(":")[0]] += 1
        same, other = (m.codes, m.names) if holds == "code" else (m.names, m.codes)
        out.append(row[:at + 1] + [same, other, m.status if value else ""] + row[at + 1:])
    return header, out, counts


def _map(units: Units, value: str, holds: str, level: str, within: Unit | None) -> Mapping:
    if not value:
        return Mapping("", "", "")
    if holds == "code":
        u = units.unit(OLD, value)
        if u is None or u.level != level:
            return Mapping("", "", f"{UNKNOWN}: không có mã {value} trước 01/07/2025")
        return new_units(units, u)
    found = units.named(OLD, level, value, within)
    if not found:
        return Mapping("", "", f"{UNKNOWN}: không có đơn vị tên “{value}”" + (f" trong {within.full_name}" if within else ""))
    if len(found) > 1:
        return Mapping("", "", f"{UNKNOWN}: {len(found)} đơn vị cùng tên: " + "; ".join(units.place(u) for u in found[:5]))
    return new_units(units, found[0])


def _guess(units: Units, values: list[str], within: Unit | None) -> tuple[str, str]:
    """(holds, level) from the values: codes when they are all digits, then the level most of them name."""
    filled = [v.strip() for v in values if v.strip()][:500]
    if filled and all(v.isdigit() for v in filled):
        return "code", "province" if all(len(v) <= 2 for v in filled) else "commune"
    best = ("name", "commune", -1)
    for level in ("commune", "district", "province"):
        hits = sum(1 for v in set(filled) if units.named(OLD, level, v, within))
        if hits > best[2]:
            best = ("name", level, hits)
    return best[0], best[1]


def add_new_main(args: argparse.Namespace) -> int:
    from generator.tables.reader import TableReadError, read

    root, path = Path(args.root), Path(args.file)
    if not U.available(root):
        print(f"LỖI/ERROR {U.FOLDER}: cổng chưa có danh mục đơn vị hành chính.\n  (the portal has no list of "
              "administrative units.)\n  Cách sửa: chạy “python3 scripts/make_units.py” (Fix: run it).", file=sys.stderr)
        return 1
    if not path.is_file():
        print(f"LỖI/ERROR {path}: không có tệp này (no such file).", file=sys.stderr)
        return 2
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx", "xls"):
        print(f"LỖI/ERROR {path}: chỉ đọc bảng csv, xlsx, xls (only csv, xlsx and xls tables are read).", file=sys.stderr)
        return 2
    try:
        table = read(path, fmt, args.sheet)
    except TableReadError as exc:
        print(f"LỖI/ERROR {path}: {exc.vi}\n  ({exc.en})\n  Cách sửa: {exc.fix_vi}\n  (Fix: {exc.fix_en})",
              file=sys.stderr)
        return 1
    if args.field not in table.labels:
        print(f"LỖI/ERROR {path}: bảng không có cột “{args.field}”; các cột: {', '.join(table.labels)}.\n"
              f"  (the table has no column “{args.field}”; its columns: {', '.join(table.labels)}.)", file=sys.stderr)
        return 2
    units = U.load(root)
    within = None
    if args.within:
        within = units.unit(OLD, args.within)
        if within is None or within.level != "province":
            print(f"LỖI/ERROR --within {args.within}: không phải mã tỉnh trước 01/07/2025 (not an old province code); "
                  "tra bằng “opendata units lookup TÊN TỈNH”.", file=sys.stderr)
            return 2
    rows = list(table.records())
    declared = _declared(path, args.field)
    if declared and str(declared.get("generation")) == NEW:
        print(f"LỖI/ERROR {path}: cột “{args.field}” đã khai báo đơn vị từ 01/07/2025 (generation: 2025).\n"
              f"  (field “{args.field}” already declares units from 1 July 2025.)", file=sys.stderr)
        return 1
    at = table.labels.index(args.field)
    if declared and declared.get("holds") in ("code", "name") and declared.get("level") in U.LEVELS[OLD]:
        holds, level = declared["holds"], declared["level"]
        if declared.get("within") and within is None:
            within = units.unit(OLD, str(declared["within"]))
    else:
        if within is None:
            within = _portal_province(root, units)
        holds, level = _guess(units, [r[at] for r in rows], within)
    level = args.level or level
    if holds == "name" and within is None:
        within = _portal_province(root, units)
    clash = [c for c in new_columns(args.field, holds) if c in table.labels]
    if clash:
        print(f"LỖI/ERROR {path}: bảng đã có cột {', '.join(clash)} (đã chuyển đổi?).\n"
              f"  (the table already has column {', '.join(clash)}: converted already?)", file=sys.stderr)
        return 1
    header, out, counts = convert(units, table.labels, rows, args.field, holds, level, within)
    target = Path(args.out) if args.out else path.with_name(f"{path.stem}-don-vi-moi.csv")
    tmp = target.with_name(target.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(out)
    tmp.replace(target)
    what = f"{'mã' if holds == 'code' else 'tên'} {U.level_word(level)}"
    print(f"Đã ghi {target}: {len(out)} dòng; cột “{args.field}” ({what} trước 01/07/2025): "
          f"{counts[FULL]} toàn bộ, {counts[PARTIAL]} một phần (chọn đơn vị đúng), {counts[UNKNOWN]} không rõ.\n"
          f"(Wrote {target}: {len(out)} rows; {counts[FULL]} whole, {counts[PARTIAL]} partial (choose the right unit), "
          f"{counts[UNKNOWN]} unknown.)")
    new_level = "province" if level == "province" else "commune"
    print("\nKhai báo các cột mới trong đặc tả (Table Schema fields to add after the old one):")
    same, other, status = new_columns(args.field, holds)
    code_col, name_col = (same, other) if holds == "code" else (other, same)
    for name, holds_new, title in ((same, holds, "Đơn vị từ 01/07/2025"),
                                   (other, "name" if holds == "code" else "code", "Đơn vị từ 01/07/2025"),
                                   (status, None, "Cách sắp xếp (toàn bộ, một phần, không rõ)")):
        print(f"  - name: {name}\n    title: {title} ({'mã' if holds_new == 'code' else 'tên'})\n    type: string"
              if holds_new else f"  - name: {name}\n    title: {title}\n    type: string")
        if holds_new and counts[PARTIAL] == 0 and counts[UNKNOWN] == 0:
            extra = f", code_field: {code_col}" if holds_new == "name" else ""
            print(f"    admin_unit: {{level: {new_level}, generation: 2025, holds: {holds_new}{extra}}}")
    return 0
