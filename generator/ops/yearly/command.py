"""`opendata report yearly --year Y [--agency ID] --format html|xlsx|docx|json [--out FILE]`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from generator.ops.yearly import figures
from generator.problems import InputError

FORMATS = ("html", "xlsx", "docx", "json")


def to_json(f: dict[str, Any]) -> str:
    return json.dumps(f, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def render(f: dict[str, Any], fmt: str, kind: str = "so") -> bytes:
    if fmt == "json":
        return to_json(f).encode("utf-8")
    if fmt == "html":
        from generator.ops.yearly import html

        return html.write(f).encode("utf-8")
    if fmt == "xlsx":
        from generator.ops.yearly import xlsx

        return xlsx.write(f)
    from generator.ops.yearly import docx

    return docx.write(f, kind)


def default_name(year: int, agency: str | None, fmt: str) -> str:
    return f"bao-cao-du-lieu-mo-{year}{'-' + agency if agency else ''}.{fmt}"


def run(root: Path, year: int, agency: str | None, fmt: str, out: str | None, stats: str | None,
        gate_log: str | None) -> int:
    try:
        src = figures.gather(root, year, stats or "", gate_log or "")
        f = figures.compute(src, year, agency)
    except InputError as exc:
        for problem in exc.problems:
            print(problem.format(), file=sys.stderr)
        return 1
    catalog = src.end.portfolio.catalog  # type: ignore[union-attr]
    kind = catalog.agencies[agency or catalog.portal.operator].kind
    data = render(f, fmt, kind)
    if out is None and fmt in ("html", "json"):
        sys.stdout.write(data.decode("utf-8"))
        return 0
    target = Path(out or default_name(year, agency, fmt))
    try:
        target.write_bytes(data)
    except OSError as exc:
        print(f"LỖI/ERROR {target}: không ghi được báo cáo ({exc.strerror or exc}).\n"
              f"  (cannot write the report: {exc.strerror or exc}.)\n"
              "  Cách sửa: chọn --out ở thư mục ghi được (Fix: choose an --out in a writable folder).", file=sys.stderr)
        return 1
    print(f"Đã ghi báo cáo năm {year} vào {target} (wrote the {year} report to {target}).", file=sys.stderr)
    return 0
