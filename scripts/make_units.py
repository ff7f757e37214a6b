#!/usr/bin/env python3
"""Regenerate catalog/units/ (Vietnam's administrative units before and after 1 July 2025) from public lists.

The portal never runs this script: its output is committed, with the sources' licence notices
(catalog/units/NOTICE.md). Run it again when a source publishes a correction.

Sources (../shared/fixtures/real/ by default, or --sources DIR):

* vn-units-2025.json: the 34 provinces and 3,321 communes from 1 July 2025, with codes, names, types
  (thanglequoc/vietnamese-provinces-database, MIT);
* vn-units-merges-2025.json: for every new province and commune, the old units merged into it, with
  their codes, names and "full"/"partial" (dvhcvn/20250701, MIT);
* wards-pre2025.csv: province, district, commune names before the reorganisation (vietnamdb, MIT).

The old lists carry no district codes: a district is named by its old province's code and its
accent-free full name ("26-huyen-tam-dao"). An old commune's district comes from wards-pre2025.csv by
province and name; where a name repeats in a province, or is missing (communes merged after that list
was made), the district is the one of its neighbours in code order (statistical codes run district by
district), and it is left empty when the neighbours disagree.

Usage: python3 scripts/make_units.py [--sources DIR] [--out catalog/units]
"""

from __future__ import annotations

import argparse
import bisect
import csv
import io
import json
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.portal.units import split_type  # noqa: E402  (one rule for the type word)
from generator.text import fold, nfc  # noqa: E402

HEADER = ["level", "code", "name", "type", "parent", "name_en"]
# Districts whose type had changed before the reorganisation, which wards-pre2025.csv still names the old way:
# (province, district as written there) -> the name in force until 30 June 2025.
RENAMED = {
    ("Vĩnh Phúc", "Thị xã Phúc Yên"): "Thành phố Phúc Yên",  # a city since 2018 (NQ 454/NQ-UBTVQH14)
}


def _key(text: str) -> str:
    return " ".join(fold(nfc(text)).replace("-", " ").split())


def _province_key(name: str) -> str:
    kind, bare = split_type(nfc(name), "province")
    key = _key(bare)
    return {"thua thien hue": "hue"}.get(key, key)


def district_code(province: str, full_name: str) -> str:
    return f"{province}-" + re.sub(r"[^a-z0-9]+", "-", _key(full_name)).strip("-")


def build(sources: Path) -> dict[str, list[list[str]]]:
    new = json.loads((sources / "vn-units-2025.json").read_text("utf-8"))
    merges = json.loads((sources / "vn-units-merges-2025.json").read_text("utf-8"))["data"]
    with open(sources / "wards-pre2025.csv", encoding="utf-8", newline="") as fh:
        wards = list(csv.DictReader(fh))

    units_new: list[list[str]] = []
    for p in sorted(new, key=lambda p: p["Code"]):
        units_new.append(["province", p["Code"], nfc(p["Name"]), nfc(p["AdministrativeUnitShortName"]), "",
                          p.get("NameEn") or ""])
        for w in sorted(p["Wards"], key=lambda w: w["Code"]):
            units_new.append(["commune", w["Code"], nfc(w["Name"]), nfc(w["AdministrativeUnitShortName"]), p["Code"],
                              w.get("NameEn") or ""])

    old_provinces: dict[str, tuple[str, str]] = {}  # code -> (full name, new province)
    old_communes: dict[str, tuple[str, str]] = {}  # code -> (full name, new province)
    links: list[list[str]] = []
    for p in merges:
        for m in p["merges"]:
            old_provinces[m["old_id"]] = (nfc(m["name"]), p["level1_id"])
            links.append(["province", p["level1_id"], m["old_id"], m["type"]])
        for c in p["level2s"]:
            for m in c["merges"]:
                old_communes[m["old_id"]] = (nfc(m["name"]), p["level1_id"])
                links.append(["commune", c["level2_id"], m["old_id"], m["type"]])
    links.sort(key=lambda r: (r[0] != "province", r[1], r[2]))

    province_by_key = {_province_key(name): code for code, (name, _) in old_provinces.items()}
    olds_of_new: dict[str, list[str]] = defaultdict(list)
    for code, (_, new_province) in old_provinces.items():
        olds_of_new[new_province].append(code)

    districts: dict[str, tuple[str, str]] = {}  # code -> (full name, province)
    for row in wards:  # names the vietnamdb list had not caught up with
        row["district"] = RENAMED.get((row["province"], row["district"]), row["district"])
    by_name: dict[tuple[str, str], list[str]] = defaultdict(list)  # (old province, folded commune) -> districts
    for row in wards:
        province = province_by_key[_province_key(row["province"])]
        dcode = district_code(province, row["district"])
        districts.setdefault(dcode, (nfc(row["district"]), province))
        by_name[(province, _key(row["ward"]))].append(dcode)
        bare = _key(split_type(nfc(row["ward"]), "commune")[1])
        by_name[(province, "*" + bare)].append(dcode)

    # The district of each old commune: by name where it is unique, by its neighbours otherwise.
    codes = sorted(old_communes)
    candidates: dict[str, list[str]] = {}
    for code in codes:
        name, new_province = old_communes[code]
        found: list[str] = []
        for province in olds_of_new[new_province]:
            found += by_name.get((province, _key(name)), [])
        if not found:  # the type word changed since the list was made (a town became a ward...)
            bare = _key(split_type(name, "commune")[1])
            for province in olds_of_new[new_province]:
                found += by_name.get((province, "*" + bare), [])
        candidates[code] = sorted(set(found))
    sure = [c for c in codes if len(candidates[c]) == 1]
    district_of: dict[str, str] = {c: candidates[c][0] for c in sure}
    for code in codes:
        if code in district_of:
            continue
        i = bisect.bisect_left(sure, code)
        around = {district_of[sure[j]] for j in (i - 1, i) if 0 <= j < len(sure)}
        options = [d for d in candidates[code] if d in around] if candidates[code] else sorted(around)
        if len(options) == 1 and (candidates[code] or len(around) == 1):
            district_of[code] = options[0]

    units_old: list[list[str]] = []
    for code in sorted(old_provinces):
        kind, bare = split_type(old_provinces[code][0], "province")
        units_old.append(["province", code, bare, kind, "", ""])
    used = set(district_of.values())
    for dcode in sorted(districts, key=lambda d: (districts[d][1], d)):
        if dcode in used:
            kind, bare = split_type(districts[dcode][0], "district")
            units_old.append(["district", dcode, bare, kind, districts[dcode][1], ""])
    for code in codes:
        name, new_province = old_communes[code]
        kind, bare = split_type(name, "commune")
        parent = district_of.get(code, "")
        if not parent:  # the old province at least: the one its neighbours are in, or the only one
            olds = olds_of_new[new_province]
            i = bisect.bisect_left(sure, code)
            around = {districts[district_of[sure[j]]][1] for j in (i - 1, i) if 0 <= j < len(sure)}
            parent = olds[0] if len(olds) == 1 else (around.pop() if len(around) == 1 else "")
        units_old.append(["commune", code, bare, kind, parent, ""])
    return {"units-2025.csv": units_new, "units-pre2025.csv": units_old, "merges-2025.csv": links}


NOTICE = """# Administrative units: sources and licences

Generated by `scripts/make_units.py` from the public lists below; do not edit by hand.

| file | from | licence |
| --- | --- | --- |
| units-2025.csv | github.com/thanglequoc/vietnamese-provinces-database (json/full_json_generated_data_vn_units) | MIT, Copyright (c) 2021 Thang Le Quoc |
| units-pre2025.csv | codes and names of old provinces and communes: github.com/dvhcvn/20250701 (mapping/merges.json); districts and the district of each commune: github.com/taosut/hieudoanm (docs/administrative-divisions/wards.csv) | MIT, Copyright (c) 2025 dvhcvn; MIT, Copyright (c) 2020 vietnamdb |
| merges-2025.csv | github.com/dvhcvn/20250701 (mapping/merges.json) | MIT, Copyright (c) 2025 dvhcvn |

Columns: `level` (province, district, commune), `code` (statistical code; a district, whose code the
sources lack, is its old province's code and its accent-free full name), `name` (without the type word),
`type` (Tỉnh, Thành phố, Huyện, Quận, Thị xã, Xã, Phường, Thị trấn, Đặc khu), `parent` (the province of a
commune after 2025; the district of an old commune, or its province where the district is not known),
`name_en`. merges-2025.csv: `new` code, `old` code, `scope` full or partial (a partial old unit was split
between several new ones).

The district of an old commune is matched by name from the vietnamdb list (made before some 2019-2024
mergers), then by its neighbours in code order; it is empty where neither decides. District names the
vietnamdb list had not caught up with are corrected in the script (RENAMED: Thành phố Phúc Yên).

## MIT licence (each of the three sources)

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction, including
without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the
following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial
portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT
LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO
EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE
USE OR OTHER DEALINGS IN THE SOFTWARE.
"""


def write(tables: dict[str, list[list[str]]], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["level", "new", "old", "scope"] if name.startswith("merges") else HEADER)
        w.writerows(rows)
        (out / name).write_text(buf.getvalue(), encoding="utf-8")
    (out / "NOTICE.md").write_text(NOTICE, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sources", type=Path, default=ROOT.parent / "shared" / "fixtures" / "real")
    ap.add_argument("--out", type=Path, default=ROOT / "catalog" / "units")
    args = ap.parse_args()
    tables = build(args.sources)
    write(tables, args.out)
    for name, rows in tables.items():
        print(f"{args.out / name}: {len(rows)} rows")


if __name__ == "__main__":
    main()
