"""Benchmark: what a change costs. Every row of the build's goals, each beside a baseline measured in this run.

    python benchmarks/build_goals.py [--datasets 1000] [--large 10000] [--rows 1000000]

1. full `opendata build` of a generated portal, beside a plain `mkdocs build` of as many pages;
2. the rebuild after one dataset's CSV changed (the last site and the build cache in place), beside the full
   build, and checked byte for byte against a fresh full build of the same commit (no cache, no last site);
3. `opendata validate --changed-since HEAD~1` on that change, with the build cache as a pull request's gate restores
   it and without one, beside `frictionless validate` of the same file;
4. and 5. the same full build and rebuild at --large datasets (0: not run);
6. `opendata validate` of a portal holding one --rows CSV with about 10,000 planted errors, beside
   frictionless validating the same file and schema; both findings counted per error type.

Commands run one after the other as subprocesses (wall time, peak memory from os.wait4), each once the
deletions the one before left to a detached process are done. The machine may be shared and noisy: read the
ratios.
"""

from __future__ import annotations

import argparse
import collections
import filecmp
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_portal  # noqa: E402
import validate_table  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]


CPU: dict[str, float] = {}  # the last command's CPU seconds (it and the workers it waited for)


def settled(cwd: Path, limit: float = 120) -> None:
    """Wait for the deletions an earlier build left to a detached process (a replaced site, its work folders:
    staging.retire's trash beside the site and in the temporary folder) to end, and for the disk to hold what
    the steps before wrote (a generated 100 MB table, say), so that each command is timed alone, as in CI,
    where the build before it ran in another job and the files came from a checkout."""
    trash = [cwd / ".opendata-trash", Path(tempfile.gettempdir()) / ".opendata-trash"]
    deadline = time.monotonic() + limit
    while any(t.exists() for t in trash) and time.monotonic() < deadline:
        time.sleep(0.1)
    os.sync()


def timed(cmd: list[str], cwd: Path, env: dict | None = None, ok: tuple[int, ...] = (0,)) -> tuple[float, float, bytes]:
    """Wall seconds, peak MB (os.wait4) and stdout of one command; its CPU seconds in CPU["last"]."""
    settled(cwd)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    CPU["last"] = usage.ru_utime + usage.ru_stime
    if os.waitstatus_to_exitcode(status) not in ok:
        sys.exit(f"{' '.join(cmd)} failed:\n{err.decode()[-3000:]}")
    return elapsed, usage.ru_maxrss / 1024, out


def opendata(*args: str) -> list[str]:
    return [sys.executable, "-m", "generator", *args]


def same_tree(a: Path, b: Path) -> bool:
    files = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
    if files != sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()):
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, files, shallow=False)
    return not mismatch and not errors


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str, str]] = []

    def add(self, work: str, ours: str, baseline: str, goal: str, met: bool | None) -> None:
        self.rows.append((work, ours, baseline, goal, "-" if met is None else ("met" if met else "NOT met")))
        print(f"  {work}: {ours} | {baseline} | goal {goal}", flush=True)

    def print(self) -> None:
        widths = [max(len(r[i]) for r in self.rows + [("work", "ours", "baseline (same run)", "goal", "")])
                  for i in range(5)]
        head = ("work", "ours", "baseline (same run)", "goal", "")
        for row in [head, tuple("-" * w for w in widths), *self.rows]:
            print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)))


def build_rows(table: Table, tmp: Path, n: int, rows: int, large: bool) -> None:
    portal, plain = tmp / f"portal-{n}", tmp / f"plain-{n}"
    build_portal.make_portal(portal, n, rows)
    cache = {"OPENDATA_CACHE": str(tmp / f"cache-{n}")}
    full, full_mb, _ = timed(opendata("build"), portal, cache)
    full_cpu = CPU["last"]
    # As many pages as MkDocs wraps in the portal's build (each dataset has its page and a preview page).
    pages = build_portal.pages_published(portal / "site")
    build_portal.make_plain_mkdocs(plain, pages, rows)
    mkdocs, mkdocs_mb, _ = timed([str(Path(sys.executable).parent / "mkdocs"), "build", "-q"], plain)
    mkdocs_cpu = CPU["last"]
    label = f"{n:,} datasets"
    ratio = full / mkdocs
    if large:
        table.add(f"full build, {label}", f"{full:.1f} s ({full_cpu:.0f} s CPU), {full_mb:.0f} MB peak ({ratio:.1f}x)",
                  f"plain MkDocs of {pages:,} pages {mkdocs:.1f} s ({mkdocs_cpu:.0f} s CPU), {mkdocs_mb:.0f} MB",
                  "<= 60 s, <= 1 GB",
                  full <= 60 and full_mb <= 1024)
    else:
        table.add(f"full build, {label}", f"{full:.1f} s ({full_cpu:.0f} s CPU; {ratio:.1f}x plain MkDocs), "
                  f"{full_mb:.0f} MB peak",
                  f"plain MkDocs of {pages:,} pages {mkdocs:.1f} s ({mkdocs_cpu:.0f} s CPU), {mkdocs_mb:.0f} MB",
                  "<= 3x plain MkDocs", ratio <= 3)
    if not large:  # what the publish workflow's warm-up leaves in the cache: the gate's verdicts on every dataset
        timed(opendata("validate", "--offline"), portal, cache, ok=(0, 1))
    # One dataset's CSV changes in a new commit.
    csv = sorted(portal.glob("data/*/*/bang.csv"))[n // 2]
    lines = csv.read_text(encoding="utf-8").splitlines()
    csv.write_text("\n".join([lines[0], *reversed(lines[1:])]) + "\n", encoding="utf-8")
    subprocess.run(GIT + ["commit", "-qam", "one table changed"], cwd=portal, check=True)
    rebuild, rebuild_mb, _ = timed(opendata("build"), portal, cache)
    rebuild_cpu = CPU["last"]
    # Outside the portal: 25,000 untracked files in it would be a change for `--changed-since` below.
    fresh = tmp / f"fresh-{n}"
    timed(opendata("build", "--out", str(fresh)), portal, {"OPENDATA_CACHE": "off"})
    identical = same_tree(portal / "site", fresh)
    table.add(f"rebuild after one CSV changed, {label}",
              f"{rebuild:.1f} s ({rebuild_cpu:.0f} s CPU, {rebuild_mb:.0f} MB peak), "
              f"{'byte-identical to' if identical else 'DIFFERS from'} a fresh build",
              f"full build {full:.1f} s ({full / rebuild:.1f}x)", "<= 5 s" if large else "<= 2 s, byte-identical",
              rebuild <= (5 if large else 2) and identical)
    if large:
        return
    # A pull request's gate restores the publish workflow's build cache (validate.yml), warmed by its
    # `validate` of each merge's datasets (publish.yml); cold: no cache at all.
    validate, _, _ = timed(opendata("validate", "--offline", "--changed-since", "HEAD~1"), portal, cache)
    cold, _, _ = timed(opendata("validate", "--offline", "--changed-since", "HEAD~1"), portal,
                       {"OPENDATA_CACHE": "off"})
    schema = yaml.safe_load((csv.parent / "datapackage.yaml").read_text("utf-8"))["resources"][0]["schema"]
    (tmp / "schema.json").write_text(json.dumps(schema), encoding="utf-8")
    frictionless, _, _ = timed([str(Path(sys.executable).parent / "frictionless"), "validate", "--schema",
                                str(tmp / "schema.json"), str(csv)], tmp, ok=(0, 1))
    table.add(f"validate --changed-since HEAD~1 on that change", f"{validate:.1f} s with the build cache "
              f"(CI restores it), {cold:.1f} s without",
              f"frictionless validate of the file {frictionless:.1f} s", "<= 1 s", validate <= 1)


def big_table_row(table: Table, tmp: Path, rows: int) -> None:
    portal = tmp / "portal-big"
    build_portal.make_portal(portal, 1, 10)
    folder = next(portal.glob("data/*/*/"))
    planted = validate_table.make_csv(folder / "bang.csv", rows, scale=max(1, 10_000 // 390))
    descriptor = yaml.safe_load((folder / "datapackage.yaml").read_text("utf-8"))
    descriptor["resources"][0]["schema"] = validate_table.SCHEMA
    # The table has names and phone numbers: a reviewer's decision lets them through (the personal-data check runs).
    descriptor["personal_data"] = {"decision": "publish", "reviewer": "bench", "date": "2026-01-01"}
    (folder / "datapackage.yaml").write_text(yaml.safe_dump(descriptor, allow_unicode=True), encoding="utf-8")
    (tmp / "big-schema.json").write_text(json.dumps(validate_table.SCHEMA), encoding="utf-8")
    ours, ours_mb, out = timed(opendata("validate", "--offline", "--format", "json", "--max-errors", "1000000"),
                               portal, ok=(0, 1))
    report = json.loads(out)
    found = collections.Counter(e["type"] for t in report["tasks"] for e in t["errors"])
    theirs, _, their_out = timed([sys.executable, str(Path(validate_table.__file__)), "--worker", "frictionless",
                                  str(folder / "bang.csv"), str(tmp / "big-schema.json")], tmp)
    expected = collections.Counter(code for code, _, _ in json.loads(their_out)["found"])
    same = all(found[k] == v for k, v in expected.items())
    table.add(f"validate a portal with one {rows:,}-row CSV, {sum(planted.values()):,} planted errors",
              f"{ours:.1f} s, {ours_mb:.0f} MB, findings {'same' if same else 'DIFFER'}",
              f"frictionless {theirs:.1f} s ({theirs / ours:.1f}x)", ">= 20x, same findings", same and theirs / ours >= 20)
    if not same:
        for k in sorted(set(found) | set(expected)):
            print(f"    {k}: ours {found[k]}, frictionless {expected[k]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", type=int, default=1000)
    ap.add_argument("--large", type=int, default=10_000, help="datasets of the large build (0: skip)")
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows of the large table (0: skip)")
    ap.add_argument("--table-rows", type=int, default=50, help="rows per generated dataset CSV")
    args = ap.parse_args()
    # The generator's bytecode, as an installed copy keeps it: where PYTHONDONTWRITEBYTECODE is set (this
    # machine), each command would otherwise compile the modules it imports (0.1-0.2 s of a validate).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "generator")], check=True,
                   stdout=subprocess.DEVNULL)
    table = Table()
    with tempfile.TemporaryDirectory(prefix="opendata-goals-") as tmp:
        build_rows(table, Path(tmp), args.datasets, args.table_rows, large=False)
        if args.large:
            build_rows(table, Path(tmp), args.large, args.table_rows, large=True)
        if args.rows:
            big_table_row(table, Path(tmp), args.rows)
    print()
    table.print()


if __name__ == "__main__":
    main()
