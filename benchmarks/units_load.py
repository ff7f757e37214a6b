"""Benchmark: what the administrative-unit lists add to a command, beside loading catalog/ (the baseline).

    python benchmarks/units_load.py [--runs 7]

Every command loads catalog/ (portal, agencies, topics, licences, catalogue); the unit lists
(catalog/units/, about 14,000 units and 10,700 merges, 0.96 MB) are read only when a field declares
`admin_unit` or a dataset lists unit codes in `spatial`, once per process. Printed, each in a fresh
process (so nothing is cached), the median of the runs, interleaved: catalog/ alone; catalog/ then the
lists; then the first search of a district name (the district names' accent-free index) and of any name
(`opendata units lookup`: every level's index); and the gate's row checks
of the sample's largest unit table (482 rows, codes and names of both generations) against the same
table with its `admin_unit` declarations removed.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CASES = {
    "catalog/ (baseline)": "from generator.catalog import load_catalog; load_catalog(ROOT)",
    "catalog/ + unit lists": "from generator.catalog import load_catalog; load_catalog(ROOT); "
                             "from generator.portal import units; units.load(ROOT)",
    "catalog/ + lists + district names": "from generator.catalog import load_catalog; load_catalog(ROOT); "
                                         "from generator.portal import units; "
                                         "units.load(ROOT).named('pre-2025', 'district', 'Huyện Tam Đảo')",
    "catalog/ + lists + every name (lookup)": "from generator.catalog import load_catalog; load_catalog(ROOT); "
                                              "from generator.portal import units; units.load(ROOT).find('tam dao')",
}
ROWS = """
import copy, yaml
from generator.checks.tables import validate_table
from generator.errors import Problems
from generator.portal import units
folder = ROOT / "data/cuc-thong-ke/sap-xep-xa-phuong-phu-tho-2025"
schema = yaml.safe_load((folder / "datapackage.yaml").read_text("utf-8"))["resources"][0]["schema"]
if {plain}:
    schema = copy.deepcopy(schema)
    for f in schema["fields"]:
        f.pop("admin_unit", None)
units.load(ROOT)
T0 = time.perf_counter()
validate_table(folder / "sap-xep-xa-phuong.csv", "csv", schema, "x", "x", Problems(), units=units.lazily(ROOT))
"""


def run(code: str) -> float:
    script = ("import sys, time; from pathlib import Path; ROOT = Path(sys.argv[1]); sys.path.insert(0, sys.argv[1]); "
              "import generator.text, generator.errors, csv, yaml; T0 = time.perf_counter()\n" + code
              + "\nprint(time.perf_counter() - T0)")
    out = subprocess.run([sys.executable, "-c", script, str(ROOT)], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    cases = {**CASES, "row checks, no declarations (baseline)": ROWS.format(plain=True),
             "row checks, with admin_unit": ROWS.format(plain=False)}
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.runs):
        for name, code in cases.items():
            times[name].append(run(code))
    base = statistics.median(times["catalog/ (baseline)"])
    rows = statistics.median(times["row checks, no declarations (baseline)"])
    for name, values in times.items():
        median = statistics.median(values)
        ratio = median / (rows if name.startswith("row checks") else base)
        print(f"{name:42s} {median * 1000:8.1f} ms  (x{ratio:.2f} of its baseline; runs {len(values)})")


if __name__ == "__main__":
    main()
