"""The yearly report in each format (`opendata report yearly`): JSON, HTML, XLSX and DOCX from the same figures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


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
