"""The build as declared steps, and the runner that runs them.

Each `Step` names the steps it needs (their results, or the files they
wrote), the site paths it reads from what those steps wrote, and the site
paths it writes (patterns: `*` within one folder, `**` across folders). A
step writes into a folder of its own; when it is done the runner moves that
folder's files into the staging site, and a file that another step already
wrote fails the build: no step overwrites another's output, so the site is
the same whichever step finishes first.

`check` refuses declarations where a step needs one declared after it or
reads a path that none of the steps it needs writes; `run` calls it first.
Steps marked `fork` run in a child process beside the others (the same
parallelism as the build always had); the rest run in this process as soon
as what they need is there.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from generator.build import parallel, staging
from generator.problems import InputError, Problem


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[Path, dict[str, Any]], Any]  # (its own output folder, results of earlier steps) -> result
    writes: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    fork: bool = False


class DeclarationError(ValueError):
    pass


class WriteConflict(InputError):
    """Two steps wrote one site path (a resource named like a file the build makes, say): nothing is published."""

    def __init__(self, path: str, step: str, earlier: str):
        super().__init__([Problem(f"site/{path}", f"hai bước của bản dựng cùng ghi tệp này (“{earlier}” rồi “{step}”).",
                                  f"two build steps write this file (“{earlier}”, then “{step}”).",
                                  "đổi tên tệp hoặc tài nguyên trùng với tệp cổng tự sinh, rồi dựng lại.",
                                  "rename the file or resource that collides with a file the portal makes, "
                                  "then build again.", code="build-write-conflict")])
        self.path, self.step, self.earlier = path, step, earlier

    def __reduce__(self):
        return (WriteConflict, (self.path, self.step, self.earlier))


@lru_cache(maxsize=None)
def _regex(pattern: str) -> re.Pattern[str]:
    out = []
    for part in re.split(r"(\*\*/?|\*|\?)", pattern):
        if part in ("**", "**/"):
            out.append("(?:.*/)?" if part == "**/" else ".*")
        elif part == "*":
            out.append("[^/]*")
        elif part == "?":
            out.append("[^/]")
        else:
            out.append(re.escape(part))
    return re.compile("".join(out) + r"\Z")


def matches(path: str, patterns: Sequence[str]) -> bool:
    return any(_regex(p).match(path) for p in patterns)


def _needed(step: Step, by_name: dict[str, Step]) -> set[str]:
    seen: set[str] = set()
    todo = list(step.needs)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(by_name[name].needs)
    return seen


def check(steps: Sequence[Step]) -> None:
    """Raise DeclarationError when the declarations cannot hold: a step needing one declared after it
    (or an unknown one), a name used twice, or a read that no needed step writes."""
    by_name: dict[str, Step] = {}
    for step in steps:
        if step.name in by_name:
            raise DeclarationError(f"two steps are named “{step.name}”")
        for name in step.needs:
            if name not in by_name:
                raise DeclarationError(f"step “{step.name}” needs “{name}”, which is not declared before it")
        by_name[step.name] = step
    for i, step in enumerate(steps):
        needed = _needed(step, by_name)
        written = [p for name in needed for p in by_name[name].writes]
        if "**" in step.reads:  # the whole site so far: every step before it that writes must be needed
            unneeded = [s.name for s in steps[:i] if s.writes and s.name not in needed]
            if unneeded:
                raise DeclarationError(f"step “{step.name}” reads the whole site but does not need {', '.join(unneeded)}")
            continue
        for pattern in step.reads:
            # A read pattern is covered when a needed step's write pattern matches it taken literally.
            if not matches(pattern, written):
                raise DeclarationError(f"step “{step.name}” reads “{pattern}”, which none of the steps it needs writes")


def merge(source: Path, target: Path, step: str, owners: dict[str, str], record: bool = False, rel: str = "") -> None:
    """Move what `step` wrote into the site; a path another step wrote is a WriteConflict.

    `owners` maps what was moved to the step that wrote it: every file when `record`, else the
    folders and files moved whole (enough to name the earlier step of a conflict)."""
    for entry in sorted(os.scandir(source), key=lambda e: e.name):
        path = f"{rel}{entry.name}"
        there = target / entry.name
        is_dir = entry.is_dir(follow_symlinks=False)
        if is_dir and there.is_dir() and not there.is_symlink():
            merge(Path(entry.path), there, step, owners, record, path + "/")
        elif os.path.lexists(there):
            earlier = next((owners[p] for p in _prefixes(path) if p in owners), "?")
            raise WriteConflict(path, step, earlier)
        else:
            os.rename(entry.path, there)
            if record and is_dir:
                for sub in there.rglob("*"):
                    if not sub.is_dir():
                        owners[f"{path}/{sub.relative_to(there).as_posix()}"] = step
            else:
                owners[path] = step


def _prefixes(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(len(parts), 0, -1)]


@dataclass
class Run:
    """What a run made: each step's result and, per published path, the step that wrote it."""

    results: dict[str, Any] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)


def run(steps: Sequence[Step], site: Path, work: Path, serial: bool = False, record: bool = False,
        progress: Callable[[str], None] | None = None, previous: Path | None = None) -> Run:
    """Run `steps` into `site` (their outputs merged), each writing into a folder under `work` (left for
    the caller to delete).

    `serial`: every step in this process, in declared order (what the tests attribute files with);
    `record`: keep the owner of every file, not only of what was moved whole; `previous`: the last good
    site, whose unchanged files the steps link (staging.write_file)."""
    check(steps)
    site.mkdir(parents=True, exist_ok=True)
    done = Run()
    pending = list(steps)
    running: dict[str, parallel.Background] = {}

    def out(step: Step) -> Path:
        folder = work / step.name
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def call(step: Step, folder: Path) -> Any:
        with staging.reusing(previous, folder):
            return step.run(folder, done.results)

    def finish(step: Step, result: Any) -> None:
        done.results[step.name] = result
        # What the merge leaves is the step's emptied folders, one per dataset and more: removing them
        # here cost a millisecond each on a slow disk (seconds per thousand datasets). They go with
        # `work`, which the caller deletes.
        merge(work / step.name, site, step.name, done.owners, record)
        if progress:
            progress(step.name)

    try:
        while pending or running:
            ready = [s for s in pending if all(n in done.results for n in s.needs)]
            for step in ready:
                if step.fork and not serial:
                    pending.remove(step)
                    folder = out(step)
                    running[step.name] = parallel.Background(lambda s=step, f=folder: call(s, f))
            inline = next((s for s in ready if not (s.fork and not serial)), None)
            if inline is not None:
                pending.remove(inline)
                finish(inline, call(inline, out(inline)))
                continue
            if not running:
                raise DeclarationError("steps wait on each other: " + ", ".join(s.name for s in pending))
            name = parallel.first_done(running)
            job = running.pop(name)
            finish(next(s for s in steps if s.name == name), job.result())
    except BaseException:
        for job in running.values():
            job.cancel()
        raise
    return done
