"""Every problem code the portal reports has its meaning and fix in Vietnamese and English (generator/codes.py)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from conftest import ROOT
from generator import codes
from generator.problems import Problem

CODE_SHAPE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
ROW_CODE = re.compile(r"^[a-z]+(-[a-z]+)+$")  # frictionless' row error names


def _used_codes() -> dict[str, list[str]]:
    """Codes written in the generator's source: `code="…"`, the first argument of TableReadError, `record`,
    `warn` and `_refuse(problems, rel, "…")`, and the first item of a gate check's finding tuple."""
    used: dict[str, list[str]] = {}

    def note(node: ast.AST, path: Path) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            used.setdefault(node.value, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")

    for path in sorted((ROOT / "generator").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "code":
                note(node.value, path)
            elif isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name == "TableReadError" and node.args:
                    note(node.args[0], path)
                elif name == "_refuse" and len(node.args) > 2:
                    note(node.args[2], path)
                elif name in ("record", "warn") and node.args:
                    note(node.args[0], path)
            elif (path.parent.name == "gate" and isinstance(node, ast.Tuple) and node.elts
                  and isinstance(node.elts[0], ast.Constant) and isinstance(node.elts[0].value, str)
                  and ROW_CODE.match(node.elts[0].value) and len(node.elts) >= 5):
                note(node.elts[0], path)
    return used


def test_every_code_the_source_uses_is_registered():
    used = _used_codes()
    assert len(used) >= 30  # the scan finds the codes (it would pass vacuously if it found none)
    missing = {code: places for code, places in used.items() if code not in codes.REGISTRY}
    assert not missing, f"add these codes to generator/codes.py: {missing}"


def test_every_registered_code_explains_itself_in_both_languages():
    for code in codes.REGISTRY.values():
        assert CODE_SHAPE.match(code.name), code.name
        for text in (code.title_vi, code.title_en, code.fix_vi, code.fix_en):
            assert text.strip(), code.name
        assert code.fix_vi != code.fix_en, code.name  # translated, not copied


def test_a_problem_with_an_unknown_code_cannot_be_made():
    with pytest.raises(ValueError, match="generator/codes.py"):
        Problem("data/a/b/datapackage.yaml", "x", "x", code="no-such-code")


def test_a_problem_without_advice_of_its_own_shows_its_codes_fix():
    problem = Problem("data/a/b/bang.csv", "sai kiểu", "wrong type", code="type-error", row=3, field="so")
    assert problem.to_dict()["fix_en"] == codes.REGISTRY["type-error"].fix_en
    assert "Cách sửa: " + codes.REGISTRY["type-error"].fix_vi in problem.format()
    own = Problem("data/a/b/bang.csv", "sai kiểu", "wrong type", "sửa ô B3", "fix cell B3", code="type-error")
    assert own.to_dict()["fix_en"] == "fix cell B3"


def test_the_agency_guides_table_of_codes_is_current():
    assert (ROOT / "docs/error-codes.md").read_text(encoding="utf-8") == codes.markdown(), \
        "run: python -m generator.codes > docs/error-codes.md"


def test_the_agency_guides_common_errors_name_only_registered_codes():
    guide = (ROOT / "docs/huong-dan-co-quan.md").read_text(encoding="utf-8")
    table = guide.split("### Lỗi thường gặp", 1)[1].split("\n## ", 1)[0]
    named = {code for row in table.splitlines() if row.startswith("| ") for code in re.findall(r"`([a-z-]+)`", row.split("|")[1])}
    assert len(named) >= 20
    assert named <= set(codes.REGISTRY), named - set(codes.REGISTRY)
