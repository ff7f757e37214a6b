"""The administrative-unit look-up page's data (site/don-vi/units.js), from catalog/units.

Both generations in one compact script (loaded only by the look-up page, /don-vi/): units as rows
[generation, level, code, name, type, parent row], merges as [new row, old row, partial]. The page finds a
unit by code or accent-free name and shows what it became or was made of; a unit's URI is that page at
"#<generation>/<code>" (generator/portal/units.py `uri`), so every URI the DCAT and JSON outputs give opens it.
"""

from __future__ import annotations

import json
from pathlib import Path

from generator.portal import units as U
from generator.publish import urls

LEVELS = ["province", "district", "commune"]


def data(listed: U.Units) -> dict:
    rows: list[U.Unit] = [u for g in U.GENERATIONS for level in LEVELS if level in U.LEVELS[g] for u in listed.all(g, level)]
    at = {(u.generation, u.code): i for i, u in enumerate(rows)}
    types = sorted({u.type for u in rows})
    type_at = {t: i for i, t in enumerate(types)}
    units = [[U.GENERATIONS.index(u.generation), LEVELS.index(u.level), u.code, u.name, type_at[u.type],
              at.get((u.generation, u.parent), -1)] for u in rows]
    merges = []
    for u in rows:
        if u.generation == U.NEW:
            for link in listed.predecessors(u):
                merges.append([at[(u.generation, u.code)], at[(link.unit.generation, link.unit.code)],
                               1 if link.scope == "partial" else 0])
    return {"v": 1, "generations": list(U.GENERATIONS), "levels": LEVELS, "types": types, "units": units,
            "merges": merges}


def write(root: Path, site: Path) -> None:
    if not U.available(root):
        return
    target = site / urls.UNITS_DATA
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("window.odUnits=" + json.dumps(data(U.load(root)), ensure_ascii=False, separators=(",", ":"))
                      + ";\n", encoding="utf-8")
