"""Data dictionaries (tài liệu đặc tả, Article 8): each table's Table Schema as a CSV to download.

    site/datasets/<id>/dictionary/<resource>.csv

One row per field: name, title, type, format, unit, description, constraints.
UTF-8 with a byte-order mark so Excel opens Vietnamese text correctly.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from ..model import Portfolio
from . import urls
from .pages import constraints_text, schema_fields

HEADER = ["ten_truong (field)", "ten_goi (title)", "kieu (type)", "dinh_dang (format)", "don_vi (unit)",
          "mo_ta (description)", "rang_buoc (constraints)", "rang_buoc_json (constraints as JSON)"]


def dictionary_csv(fields: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for f in fields:
        constraints = f.get("constraints") if isinstance(f.get("constraints"), dict) else {}
        writer.writerow([f.get("name", ""), f.get("title", ""), f.get("type", "string"), f.get("format", ""),
                         f.get("unit", ""), f.get("description", ""), constraints_text(f),
                         json.dumps(constraints, ensure_ascii=False, sort_keys=True, default=str) if constraints else ""])
    return out.getvalue()


def write(p: Portfolio, site: Path) -> None:
    for d in p.datasets:
        for r in d.resources:
            fields = schema_fields(r)
            if not fields:
                continue
            target = site / urls.dictionary_csv(d.id, r.name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("\ufeff" + dictionary_csv(fields), encoding="utf-8")
