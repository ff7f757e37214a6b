"""Data dictionaries (tài liệu đặc tả, Article 8): each field of a Table Schema in words people read.

    site/datasets/<id>/dictionary/<resource>.csv

The dataset page and the CSV say the same, from here: the type in words ("số nguyên", "ngày,
dạng 31/12/2024"), the constraints as a phrase, a pattern explained by an example that matches it
(drawn from the regular expression itself). One CSV row per field: name, title, type (the Table
Schema's and in words), format, unit, description, constraints (in words and as JSON). UTF-8 with a
byte-order mark so Excel opens Vietnamese text correctly.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

from markupsafe import Markup

from generator import i18n
from generator.i18n import N_
from generator.portal.model import Portfolio, Resource
from generator.publish import urls
from generator.build.staging import write_file

HEADER = ["ten_truong (field)", "ten_goi (title)", "kieu (type)", "dinh_dang (format)", "don_vi (unit)",
          "mo_ta (description)", "rang_buoc (constraints)", "rang_buoc_json (constraints as JSON)",
          "kieu_de_doc (type in words)"]


TYPES = {
    "string": N_("văn bản"), "integer": N_("số nguyên"), "number": N_("số"), "boolean": N_("có/không"),
    "date": N_("ngày"), "datetime": N_("ngày giờ"), "time": N_("giờ"), "year": N_("năm"),
    "yearmonth": N_("tháng và năm"), "duration": N_("khoảng thời gian"), "geopoint": N_("tọa độ (vĩ độ, kinh độ)"),
    "geojson": N_("hình học GeoJSON"), "object": N_("đối tượng JSON"), "array": N_("danh sách JSON"),
    "any": N_("bất kỳ"),
}
STRING_FORMATS = {"email": N_("địa chỉ thư điện tử"), "uri": N_("địa chỉ web"), "uuid": N_("mã UUID"),
                  "binary": N_("dữ liệu nhị phân (base64)")}
SAMPLE_DAY = dt.datetime(2024, 12, 31, 14, 30)


def schema_fields(r: Resource) -> list[dict[str, Any]]:
    return [f for f in (r.schema or {}).get("fields", []) if isinstance(f, dict) and f.get("name")]


def type_words(field: dict[str, Any], lang: str = "vi") -> str:
    """The field's type as people say it, with the written form of dates ("ngày, dạng 31/12/2024")."""
    kind = str(field.get("type", "string"))
    fmt = str(field.get("format", "") or "")
    words = i18n.text(TYPES.get(kind, TYPES["string"]), lang)
    if kind == "string" and fmt in STRING_FORMATS:
        return i18n.text(STRING_FORMATS[fmt], lang)
    if kind in ("date", "datetime", "time") and fmt not in ("", "default", "any"):
        try:
            sample = SAMPLE_DAY.strftime(fmt)
        except ValueError:
            return words
        return i18n.text(N_("{kind}, dạng {sample}"), lang, kind=words, sample=sample)
    if kind == "date":
        return i18n.text(N_("{kind}, dạng {sample}"), lang, kind=words, sample="2024-12-31")
    if kind == "boolean" and isinstance(field.get("trueValues"), list) and isinstance(field.get("falseValues"), list):
        yes, no = field["trueValues"][:1], field["falseValues"][:1]
        if yes and no:
            return f"{words} ({yes[0]} / {no[0]})"
    return words


def pattern_example(pattern: str) -> str | None:
    """A short text that matches the regular expression (None when the pattern is too intricate)."""
    try:
        parsed = re._parser.parse(pattern)  # type: ignore[attr-defined]
        example = _example(parsed)
    except (re.error, _TooIntricate, RecursionError, TypeError, ValueError):
        return None
    return example if len(example) <= 60 and re.fullmatch(pattern, example) else None


class _TooIntricate(Exception):
    pass


def _example(items: Any) -> str:
    c = re._constants  # type: ignore[attr-defined]
    out = []
    for op, arg in items:
        if op is c.LITERAL:
            out.append(chr(arg))
        elif op is c.IN:
            out.append(_pick(arg))
        elif op is c.ANY:
            out.append("a")
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            low, high, sub = arg
            times = max(low, 1) if high else 0
            if times > 20:
                raise _TooIntricate
            # Digits in a row read better as a sequence (0123…) than as 0000.
            out.extend(_example(sub) if not _digits(sub) else str((k + 1) % 10) for k in range(times))
        elif op is c.SUBPATTERN:
            out.append(_example(arg[-1]))
        elif op is c.BRANCH:
            out.append(_example(arg[1][0]))
        elif op is c.AT:
            continue
        else:
            raise _TooIntricate
    return "".join(out)


def _digits(sub: Any) -> bool:
    c = re._constants  # type: ignore[attr-defined]
    return len(sub) == 1 and sub[0][0] is c.IN and _pick(sub[0][1]).isdigit()


def _pick(ranges: Any) -> str:
    c = re._constants  # type: ignore[attr-defined]
    for op, arg in ranges:
        if op is c.NEGATE:
            raise _TooIntricate
        if op is c.LITERAL:
            return chr(arg)
        if op is c.RANGE:
            return chr(arg[0])
        if op is c.CATEGORY:
            return {"CATEGORY_DIGIT": "0", "CATEGORY_WORD": "a", "CATEGORY_SPACE": " "}.get(str(arg), "a")
    raise _TooIntricate


def constraints_words(field: dict[str, Any], lang: str = "vi", html: bool = False) -> str:
    """A field's Table Schema constraints as a short phrase; a pattern explained by an example.

    With `html`, escaped markup whose allowed values (the agency's words) are marked Vietnamese.
    """
    c = field.get("constraints") or {}
    if not isinstance(c, dict):
        return ""
    t = lambda msgid, **v: i18n.text(msgid, lang, **v)  # noqa: E731
    parts = []
    if c.get("required"):
        parts.append(t(N_("bắt buộc")))
    if c.get("unique"):
        parts.append(t(N_("không trùng")))
    for key, label in (("minimum", N_("nhỏ nhất {value}")), ("maximum", N_("lớn nhất {value}")),
                       ("minLength", N_("ít nhất {value} ký tự")), ("maxLength", N_("nhiều nhất {value} ký tự"))):
        if key in c:
            parts.append(t(label, value=c[key]))
    if "pattern" in c:
        example = pattern_example(str(c["pattern"]))
        parts.append(t(N_("theo mẫu, ví dụ “{example}”"), example=example) if example
                     else t(N_("theo một mẫu quy định (xem từ điển CSV)")))
    values = "; ".join(str(v) for v in c["enum"]) if isinstance(c.get("enum"), list) else None
    if not html:
        if values is not None:
            parts.append(t(N_("một trong: {values}"), values=values))
        return ", ".join(parts)
    out = Markup(", ").join(parts)
    if values is not None:
        listed = Markup('<span lang="vi">{}</span>').format(values)
        out = Markup(", ").join([p for p in (out, i18n.markup(N_("một trong: {values}"), lang, values=listed)) if p])
    return out


def dictionary_csv(fields: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for f in fields:
        constraints = f.get("constraints") if isinstance(f.get("constraints"), dict) else {}
        writer.writerow([f.get("name", ""), f.get("title", ""), f.get("type", "string"), f.get("format", ""),
                         f.get("unit", ""), f.get("description", ""), constraints_words(f),
                         json.dumps(constraints, ensure_ascii=False, sort_keys=True, default=str) if constraints else "",
                         type_words(f)])
    return out.getvalue()


def write(p: Portfolio, site: Path) -> None:
    for d in p.datasets:
        for r in d.resources:
            fields = schema_fields(r)
            if not fields:
                continue
            write_file(site / urls.dictionary_csv(d.id, r.name), ("\ufeff" + dictionary_csv(fields)).encode("utf-8"))
