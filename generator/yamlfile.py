"""Safe YAML reading: files from pull requests are untrusted.

yaml.SafeLoader builds only plain data; a tag that would build a Python
object is refused with a message naming the file and line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import Problems
from .text import nfc

# libyaml's loader when present (10x faster); both build plain data only.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _normalise(value: Any) -> Any:
    # Store NFC: text typed on different keyboards compares and searches the same.
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, dict):
        return {(_normalise(k) if isinstance(k, str) else k): _normalise(v) for k, v in value.items()}
    return value


def load_yaml(path: Path, rel: str, problems: Problems) -> Any:
    """Return the file's data (NFC strings), or None after recording a problem."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.error(rel, f"không đọc được tệp ({exc.strerror}).", f"cannot read the file ({exc.strerror}).",
                       "kiểm tra tệp có tồn tại và đúng tên.", "check that the file exists and is named correctly.")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.error(rel, f"tệp không phải UTF-8 (byte {exc.start}).", f"the file is not UTF-8 (byte {exc.start}).",
                       "lưu lại tệp với bảng mã UTF-8.", "save the file again as UTF-8.")
        return None
    try:
        return _normalise(yaml.load(text, Loader=SAFE_LOADER))
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        where = f"dòng {mark.line + 1}" if mark else ""
        problems.error(rel, f"thẻ YAML không được phép ({exc.problem}).",
                       f"YAML tag not allowed ({exc.problem}).",
                       "chỉ dùng dữ liệu YAML thông thường (chuỗi, số, danh sách, bảng); bỏ các thẻ bắt đầu bằng !!.",
                       "use plain YAML data only (strings, numbers, lists, mappings); remove tags starting with !!.",
                       where=where)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"dòng {mark.line + 1}, cột {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        problems.error(rel, f"YAML sai cú pháp: {problem}.", f"YAML syntax error: {problem}.",
                       "sửa cú pháp tại vị trí đã nêu (thụt lề bằng dấu cách, dấu hai chấm sau tên khóa).",
                       "fix the syntax at the position given (indent with spaces, a colon after each key).",
                       where=where)
    return None
