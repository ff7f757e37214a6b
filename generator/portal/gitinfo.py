"""Times come from git, not the clock, so one commit always builds the same site."""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

VN_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")


def iso(epoch: int) -> str:
    return dt.datetime.fromtimestamp(epoch, VN_TZ).isoformat()


def _git(root: Path, *args: str) -> str | None:
    try:
        out = subprocess.run(["git", "-c", "core.quotepath=off", *args], cwd=root, capture_output=True,
                             text=True, encoding="utf-8", check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout


@dataclass
class History:
    commit: str  # "" when the tree is not in git
    epoch: int  # time of the commit (or of the newest input file outside git)
    # dataset folder (data/<agency>/<id>) -> list of (epoch, subject), newest first
    changes: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    def first(self, folder: str) -> int:
        return self.changes[folder][-1][0] if folder in self.changes else self.epoch

    def last(self, folder: str) -> int:
        return self.changes[folder][0][0] if folder in self.changes else self.epoch


def read_history(root: Path) -> History:
    head = _git(root, "log", "-1", "--format=%H %ct")
    if not head:
        newest = max((p.stat().st_mtime for p in root.glob("catalog/*") if p.is_file()), default=0)
        return History("", int(newest))
    commit, epoch = head.split()
    history = History(commit, int(epoch))
    # One pass over the log for every dataset: one git call per dataset would
    # cost seconds at a thousand datasets.
    log = _git(root, "log", "--relative", "--no-renames", "--format=%x00%ct %s", "--name-only", "--", "data") or ""
    for block in log.split("\x00")[1:]:
        header, _, names = block.partition("\n")
        when, _, subject = header.partition(" ")
        folders = set()
        for name in names.splitlines():
            parts = name.split("/")
            if len(parts) >= 4 and parts[0] == "data":
                folders.add("/".join(parts[:3]))
        for folder in folders:
            history.changes.setdefault(folder, []).append((int(when), subject))
    return history
