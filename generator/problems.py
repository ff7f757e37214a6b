"""Problems found in the input, reported in Vietnamese with English alongside.

Every problem names the file (and the key, row or field) and says what to do,
so that an agency can fix its pull request without asking anyone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator import codes
from generator.text import visible


@dataclass(frozen=True)
class Problem:
    file: str  # path relative to the portal root
    vi: str  # what is wrong, in Vietnamese
    en: str  # the same in English
    fix_vi: str = ""  # what to do
    fix_en: str = ""
    where: str = ""  # key, row or field inside the file
    severity: str = "error"  # "error" stops the build; "warning" does not
    # Machine-readable details (validate --format json). `code` uses
    # frictionless' error names where one exists (type-error, primary-key, ...).
    code: str = ""
    resource: str = ""
    row: int | None = None  # frictionless numbering: the header is row 1
    field: str = ""
    cell: str | None = None

    def __post_init__(self) -> None:
        if self.code and self.code not in codes.REGISTRY:
            raise ValueError(f"problem code {self.code!r} is not in generator/codes.py: add it with its fix texts")
        if not self.fix_vi and not self.fix_en:  # a problem without advice of its own gets its code's
            fix_vi, fix_en = codes.fix(self.code)
            object.__setattr__(self, "fix_vi", fix_vi)
            object.__setattr__(self, "fix_en", fix_en)

    def to_dict(self) -> dict:
        out = {"type": self.code or "portal-error", "severity": self.severity, "file": self.file,
               "message": self.vi, "message_en": self.en}
        for key in ("where", "fix_vi", "fix_en", "resource", "field"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.row is not None:
            out["rowNumber"] = self.row
        if self.cell is not None:
            out["cell"] = self.cell
        return out

    def format(self) -> str:
        label = "LỖI/ERROR" if self.severity == "error" else "CẢNH BÁO/WARNING"
        place = _shown(f"{self.file}: {self.where}" if self.where else self.file)
        lines = [f"{label} {place}", f"  {_shown(self.vi)}", f"  ({_shown(self.en)})"]
        if self.fix_vi:
            lines.append(f"  Cách sửa: {self.fix_vi}")
        if self.fix_en:
            lines.append(f"  (Fix: {self.fix_en})")
        return "\n".join(lines)


def _shown(text: str) -> str:
    """Text quoted from the input, safe for a terminal: no escape sequence can colour it or fake a line
    (a line break in a message continues, indented, under it)."""
    return "\n    ".join(visible(line) for line in text.split("\n"))


@dataclass
class Problems:
    """Collects every problem of a run, so one build reports all of them at once."""

    items: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.items.append(problem)

    def error(self, file: str, vi: str, en: str, fix_vi: str = "", fix_en: str = "", where: str = "",
              **details) -> None:
        self.add(Problem(file, vi, en, fix_vi, fix_en, where, **details))

    def warning(self, file: str, vi: str, en: str, fix_vi: str = "", fix_en: str = "", where: str = "",
                **details) -> None:
        self.add(Problem(file, vi, en, fix_vi, fix_en, where, severity="warning", **details))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]


class InputError(Exception):
    """The portal's input has errors; nothing was published."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.format() for p in problems))

    def __reduce__(self):  # raised in a build worker, re-raised by the parent: keep the problems
        return (InputError, (self.problems,))
