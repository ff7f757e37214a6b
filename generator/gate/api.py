"""API resources (Article 7.1): the URL answers with the declared content type.

Without a network the check says it was skipped; it never passes silently.
"""

from __future__ import annotations

import socket
import urllib.error
import urllib.request

from generator.problems import Problems
from generator.portal.model import Dataset, Resource

TIMEOUT = 10


def check_api(dataset: Dataset, resource: Resource, problems: Problems, offline: bool = False) -> str:
    """Return "ok", "failed" or "skipped"; record a problem for the last two."""
    rel = dataset.descriptor_file
    where = f"resources “{resource.name}”"
    if offline:
        _skipped(rel, where, resource, "lần chạy này không dùng mạng (bản dựng hoặc --offline)", "this run does not use the network (the build, or --offline)", problems)
        return "skipped"
    request = urllib.request.Request(resource.path, method="GET", headers={"User-Agent": "opendata-validate/1"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            content_type = response.headers.get_content_type()
            status = response.status
    except urllib.error.HTTPError as exc:
        problems.error(rel, f"API “{resource.path}” trả lời lỗi HTTP {exc.code}.", f"API “{resource.path}” answered HTTP {exc.code}.",
                       "kiểm tra địa chỉ API còn hoạt động và không cần đăng nhập.", "check the API address works without logging in.",
                       where=where, code="api-error", resource=resource.name)
        return "failed"
    except (urllib.error.URLError, socket.timeout, TimeoutError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, socket.gaierror) or "Name or service not known" in str(reason) \
                or "Temporary failure in name resolution" in str(reason):
            _skipped(rel, where, resource, f"không phân giải được tên miền ({reason})",
                     f"the host name could not be resolved ({reason})", problems)
            return "skipped"
        problems.error(rel, f"không kết nối được API “{resource.path}” ({reason}).", f"cannot reach API “{resource.path}” ({reason}).",
                       "kiểm tra địa chỉ API và máy chủ đang hoạt động.", "check the API address and that its server is up.",
                       where=where, code="api-error", resource=resource.name)
        return "failed"
    declared = (resource.mediatype or "application/json").split(";")[0].strip().lower()
    if content_type.lower() != declared:
        problems.error(rel, f"API “{resource.path}” trả về kiểu nội dung “{content_type}”, khác khai báo “{declared}”.",
                       f"API “{resource.path}” answers with content type “{content_type}”, not the declared “{declared}”.",
                       "sửa “mediatype” theo đúng kiểu API trả về, hoặc sửa API.",
                       "set “mediatype” to what the API returns, or fix the API.", where=where, code="api-error",
                       resource=resource.name)
        return "failed"
    return "ok" if status < 400 else "failed"


def _skipped(rel: str, where: str, resource: Resource, why_vi: str, why_en: str, problems: Problems) -> None:
    problems.warning(rel, f"chưa kiểm tra được API “{resource.path}”: {why_vi}. Kết quả này KHÔNG có nghĩa là API hợp lệ.",
                     f"API “{resource.path}” was not checked: {why_en}. This does NOT mean the API is valid.",
                     "chạy lại kiểm tra khi có mạng.", "run the check again with a network.", where=where,
                     code="api-check-skipped", resource=resource.name)
