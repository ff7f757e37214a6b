"""Request bodies of the forms and the CKAN actions: JSON or URL-encoded, small, checked."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

from starlette.requests import Request

from .errors import ApiError

MAX_BODY = 64 * 1024


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
            data = json.loads(body or b"{}")
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
