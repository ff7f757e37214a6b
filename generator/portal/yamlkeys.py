"""Reading typed keys out of untrusted YAML mappings, with a problem per bad key."""

from __future__ import annotations

import datetime as dt
from typing import Any

from generator.problems import Problems

_KIND_VI = {str: "chuỗi văn bản", list: "danh sách", dict: "bảng khóa: giá trị", bool: "true/false"}
_KIND_EN = {str: "text", list: "list", dict: "mapping", bool: "true/false"}


class Fields:
    """Reads keys of one mapping in one file; records problems instead of raising."""

    def __init__(self, data: Any, file: str, where: str, problems: Problems):
        self.data = data if isinstance(data, dict) else {}
        self.file = file
        self.where = where
        self.problems = problems

    def _at(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def get(self, key: str, kind: type = str, required: bool = True, default: Any = None) -> Any:
        value = self.data.get(key)
        if value is None or value == "" or value == [] or value == {}:
            if required:
                self.problems.error(
                    self.file, f"thiếu khóa bắt buộc “{key}”.", f"required key “{key}” is missing.",
                    f"thêm “{key}:” ({_KIND_VI[kind]}).", f"add “{key}:” ({_KIND_EN[kind]}).", where=self._at(key))
            return default
        if kind is str and isinstance(value, (dt.date, int, float)) and not isinstance(value, bool):
            return value.isoformat() if isinstance(value, dt.date) else str(value)
        if not isinstance(value, kind):
            self.problems.error(
                self.file, f"“{key}” phải là {_KIND_VI[kind]}.", f"“{key}” must be {_KIND_EN[kind]}.",
                f"sửa giá trị của “{key}”.", f"correct the value of “{key}”.", where=self._at(key))
            return default
        return value

    def strings(self, key: str, required: bool = True) -> list[str]:
        values = self.get(key, list, required, default=[]) or []
        out = []
        for i, v in enumerate(values):
            if isinstance(v, (str, int, float)) and not isinstance(v, bool):
                out.append(str(v))
            else:
                self.problems.error(self.file, f"phần tử {i + 1} của “{key}” phải là chuỗi văn bản.",
                                    f"item {i + 1} of “{key}” must be text.", where=self._at(key))
        return out
