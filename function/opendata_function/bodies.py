"""Request bodies of the forms and the CKAN actions: JSON or URL-encoded, small, checked."""

from __future__ import annotations

import json
import math
import urllib.parse
from typing import Any

from starlette.requests import Request

from .errors import ApiError

MAX_BODY = 64 * 1024
MAX_DEPTH = 20  # forms are flat; CKAN's filters nest two levels


def _too_deep(text: str) -> str | None:
    """The top-level key under which `text` nests deeper than MAX_DEPTH ("" at the top), or None.

    Checked before json.loads, whose recursion a 30,000-deep array under the size limit exhausts."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    depth, in_string, escaped, key, start = 0, False, False, "", 0
    for i, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
                if depth == 1:
                    key = text[start:i]
        elif ch == '"':
            in_string, start = True, i + 1
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return key
        elif ch in "]}":
            depth -= 1
    return None


def _non_finite(value: Any, where: str = "", depth: int = 0) -> str | None:
    """Where a number too large for a float (1e400 reads as infinity) is, or None."""
    if isinstance(value, float) and not math.isfinite(value):
        return where or "body"
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = ((str(i), v) for i, v in enumerate(value))
    else:
        return None
    for k, v in items:
        found = _non_finite(v, where or k, depth + 1)
        if found:
            return found
    return None


def parse_json(text: str | bytes, name: str = "") -> Any:
    """JSON from a client, bounded: nesting depth, and numbers a float can hold. A 400 names the parameter
    (`name`, or the body's top-level key)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    deep = _too_deep(text)
    if deep is not None:
        field = name or deep or "body"
        raise ApiError(400, "bad-body", f"“{field}” lồng nhau quá {MAX_DEPTH} cấp.",
                       f"“{field}” nests deeper than {MAX_DEPTH} levels.", field=field)

    def no_constant(word: str) -> Any:
        raise ValueError(f"{word} is not JSON")

    data = json.loads(text, parse_constant=no_constant)
    bad = _non_finite(data)
    if bad is not None:
        field = name or bad
        raise ApiError(400, "bad-number", f"“{field}”: số quá lớn.", f"“{field}”: the number is too large.",
                       field=field)
    return data


async def read_form(request: Request, *, allow_empty: bool = False) -> dict[str, Any]:
    """A JSON or URL-encoded body, at most 64 KiB (forms are small; nothing larger is read)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY:
        raise ApiError(413, "too-large", "Nội dung gửi quá lớn.", "The request body is too large.")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise ApiError(413, "too-large", "Nội dung gửi quá lớn.", "The request body is too large.")
    if allow_empty and not body.strip():
        return {}
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if kind == "application/json":
            data = parse_json(body or b"{}")
        elif kind == "application/x-www-form-urlencoded":
            data = dict(urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        else:
            raise ApiError(415, "unsupported-media-type", "Gửi dữ liệu dạng application/json.",
                           "Send application/json.")
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "bad-body", "Nội dung gửi không đọc được (JSON hoặc biểu mẫu).",
                       "The request body cannot be read (JSON or form).") from None
    if not isinstance(data, dict):
        raise ApiError(400, "bad-body", "Nội dung gửi phải là một đối tượng JSON.", "The body must be a JSON object.")
    return data
