"""Errors a client sees: an HTTP status, a machine code, and the message in Vietnamese with English alongside."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    def __init__(self, status: int, code: str, vi: str, en: str, *, headers: dict[str, str] | None = None,
                 field: str | None = None) -> None:
        super().__init__(f"{code}: {en}")
        self.status, self.code, self.vi, self.en = status, code, vi, en
        self.headers = headers or {}
        self.field = field

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "vi": self.vi, "en": self.en}
        if self.field:
            error["field"] = self.field
        return {"error": error}

    @property
    def message(self) -> str:
        return f"{self.vi} ({self.en})"


class ValidationFailed(ApiError):
    """Several field errors at once: a form shows every problem, not just the first."""

    def __init__(self, problems: dict[str, tuple[str, str]]) -> None:
        first = next(iter(problems))
        vi = "; ".join(f"{name}: {v}" for name, (v, _) in problems.items())
        en = "; ".join(f"{name}: {e}" for name, (_, e) in problems.items())
        super().__init__(422, "invalid-input", vi, en, field=first)
        self.problems = problems

    def body(self) -> dict[str, Any]:
        out = super().body()
        out["error"]["fields"] = {name: {"vi": v, "en": e} for name, (v, e) in self.problems.items()}
        return out


def not_found(what_vi: str, what_en: str) -> ApiError:
    return ApiError(404, "not-found", f"Không tìm thấy {what_vi}.", f"{what_en} not found.")
