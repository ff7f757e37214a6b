"""Benchmark: the issue-5 writers (conversions, zips, DCAT-AP + check, data.json, CKAN) on a generated portal.

    python benchmarks/downloads_standards.py --datasets 1000

Runs them twice: a first build (no previous site) and a rebuild with nothing
changed (the first build as the previous site). Prints wall and CPU seconds of
this process (conversions run in worker processes: their CPU is not counted).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from build_portal import make_portal

import generator.build.pipeline
from generator.publish.harvest import ckan, datajson, dcat
from generator.publish.downloads import conversions, datapackage_zip, records as downloads, files


def run(p, site: Path, previous: Path | None) -> dict[str, tuple[float, float]]:
    files.copy(p, site)
    times: dict[str, tuple[float, float]] = {}

    def timed(name, f):
        wall, cpu = time.perf_counter(), time.process_time()
        result = f()
        times[name] = (time.perf_counter() - wall, time.process_time() - cpu)
        return result

    made = timed("conversions", lambda: conversions.write(p, site, previous=previous))
    zips = timed("zipped packages", lambda: datapackage_zip.write(p, site))
    extra = downloads.merge(conversions.downloads(made), zips)
    published = timed("dcat write", lambda: dcat.write(p, site, extra))
    changed = published.changed_since(previous, site)
    timed(f"dcat check ({len(changed)} datasets)", lambda: dcat.check(published.graph(only=changed)))
    timed("data.json write + check", lambda: datajson.check(datajson.write(p, site, extra)))
    timed("ckan write", lambda: ckan.write(p, site, extra))
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--datasets", type=int, default=1000)
    ap.add_argument("--rows", type=int, default=50)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="opendata-bench5-") as tmp:
        root = Path(tmp) / "portal"
        make_portal(root, args.datasets, args.rows)
        p, _ = generator.build.pipeline.load(root)
        files.measure(p)
        for label, site, previous in (("first build", Path(tmp) / "site1", None),
                                      ("rebuild, nothing changed", Path(tmp) / "site2", Path(tmp) / "site1")):
            print(f"{label} ({args.datasets} datasets)")
            for name, (wall, cpu) in run(p, site, previous).items():
                print(f"  {name:32}{wall:8.2f} s wall{cpu:8.2f} s cpu")


if __name__ == "__main__":
    main()
