"""Who may change what (Article 6.2a): an agency's submitters its own folder, reviewers everything else.

Permissions are read from catalog/ as it was at the base of the change, so a
pull request cannot grant itself rights by editing catalog/agencies.yaml.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.problems import Problems
from generator.portal.yamlfile import parse_yaml


class GitError(Exception):
    pass


def _git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", "-c", "core.quotepath=off", *args], cwd=root, capture_output=True, text=True,
                            encoding="utf-8")
    if result.returncode != 0:
        raise GitError(result.stderr.strip() or f"git {' '.join(args)} failed")
    return result.stdout


def merge_base(root: Path, ref: str) -> str:
    return _git(root, "merge-base", ref, "HEAD").strip()


def changed_files(root: Path, ref: str) -> list[str]:
    """Files changed since the merge base with REF: commits, uncommitted edits and new untracked files."""
    base = merge_base(root, ref)
    names = set(_git(root, "diff", "--name-only", "--no-renames", "--relative", base).splitlines())
    names |= set(_git(root, "ls-files", "--others", "--exclude-standard").splitlines())
    return sorted(n for n in names if n)


@dataclass
class Permissions:
    reviewers: set[str]
    submitters: dict[str, set[str]]  # agency id -> GitHub accounts


def permissions_at(root: Path, rev: str | None) -> Permissions:
    """Reviewers and submitters from catalog/ at `rev` (None: the working tree)."""
    def read(rel: str):
        text = _git(root, "show", f"{rev}:{rel}") if rev else (root / rel).read_text(encoding="utf-8")
        return parse_yaml(text)

    portal = read("catalog/portal.yaml") or {}
    agencies = read("catalog/agencies.yaml") or []
    return Permissions(
        reviewers={str(r).lower() for r in portal.get("reviewers") or []},
        submitters={str(a.get("id")): {str(s).lower() for s in a.get("submitters") or []}
                    for a in agencies if isinstance(a, dict)},
    )


def check_ownership(changed: list[str], author: str, perms: Permissions, problems: Problems) -> None:
    who = author.lower().lstrip("@")
    if who in perms.reviewers:
        return
    own = sorted(a for a, people in perms.submitters.items() if who in people)
    for path in changed:
        parts = path.split("/")
        if parts[0] == "data" and len(parts) >= 3:
            agency = parts[1]
            if who in perms.submitters.get(agency, set()):
                continue
            problems.error(path, f"tài khoản “{author}” không được gửi dữ liệu cho cơ quan “{agency}”.",
                           f"account “{author}” may not submit for agency “{agency}”.",
                           f"chỉ sửa trong thư mục cơ quan của mình ({', '.join(f'data/{a}/' for a in own) or 'chưa được gán cơ quan nào'}); "
                           "nếu cần, đề nghị người duyệt bổ sung tài khoản vào catalog/agencies.yaml.",
                           f"change only your own agency's folder ({', '.join(f'data/{a}/' for a in own) or 'no agency assigned'}); "
                           "if needed, ask a reviewer to add your account to catalog/agencies.yaml.",
                           code="ownership")
        else:
            problems.error(path, f"chỉ người duyệt mới được sửa “{path}” (tài khoản “{author}” không phải người duyệt).",
                           f"only reviewers may change “{path}” (account “{author}” is not a reviewer).",
                           "bỏ thay đổi này khỏi pull request; đề nghị sửa danh mục hoặc mã nguồn thì mở một issue.",
                           "remove this change from the pull request; to ask for a catalogue or code change, open an issue.",
                           code="ownership")


def check_reviewer_keys(root: Path, base: str, changed: list[str], author: str, perms: Permissions,
                        problems: Problems) -> None:
    """A personal-data decision is a reviewer's: a submitter cannot write one into their own descriptor."""
    if author.lower().lstrip("@") in perms.reviewers:
        return
    for path in changed:
        if not path.startswith("data/") or not path.endswith("/datapackage.yaml"):
            continue
        try:
            before = parse_yaml(_git(root, "show", f"{base}:{path}"))
        except (GitError, yaml.YAMLError):
            before = None
        try:
            after = parse_yaml((root / path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue  # a deleted or unreadable descriptor is reported by the loader
        old = before.get("personal_data") if isinstance(before, dict) else None
        new = after.get("personal_data") if isinstance(after, dict) else None
        if old != new:
            problems.error(path, f"chỉ người duyệt mới được ghi quyết định về dữ liệu cá nhân (“personal_data”); "
                                 f"tài khoản “{author}” không phải người duyệt.",
                           f"only reviewers may record a personal-data decision (“personal_data”); "
                           f"account “{author}” is not a reviewer.",
                           "bỏ thay đổi “personal_data:” khỏi pull request; người duyệt sẽ ghi quyết định khi xem xét.",
                           "remove the “personal_data:” change; a reviewer records the decision when reviewing.",
                           where="personal_data", code="ownership")
