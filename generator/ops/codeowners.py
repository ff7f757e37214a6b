"""CODEOWNERS generated from catalog/: each agency's folder owned by its submitters, the rest by reviewers.

GitHub then asks the right people to approve; `opendata codeowners --check`
fails CI when the file no longer matches catalog/.
"""

from __future__ import annotations

from pathlib import Path

from generator.portal.catalog import load_catalog

PATH = ".github/CODEOWNERS"


def render(root: Path) -> str:
    catalog = load_catalog(root)
    reviewers = " ".join(f"@{r}" for r in catalog.portal.reviewers)
    lines = [
        "# Sinh tự động từ catalog/ bằng `opendata codeowners`; đừng sửa tay.",
        "# Generated from catalog/ by `opendata codeowners`; do not edit by hand.",
        "# The last matching line wins: reviewers own everything, each agency its own folder.",
        f"* {reviewers}",
    ]
    for agency in catalog.agencies.values():
        owners = " ".join(f"@{s}" for s in agency.submitters)
        if owners:
            lines.append(f"/data/{agency.id}/ {owners}")
    # catalog/ and the code stay with reviewers even if a pattern above matched.
    lines += [f"/catalog/ {reviewers}", f"/.github/ {reviewers}"]
    return "\n".join(lines) + "\n"


def is_current(root: Path) -> bool:
    target = root / PATH
    return target.is_file() and target.read_text(encoding="utf-8") == render(root)


def write(root: Path) -> None:
    target = root / PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(root), encoding="utf-8")
