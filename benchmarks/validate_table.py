"""Benchmark: our row checks (generator/gate/rows.py) beside frictionless on the same 1M-row CSV and schema.

    python benchmarks/validate_table.py [--rows 1000000]

Generates a CSV of about ten columns (codes with leading zeros, integers,
numbers, dates, booleans, an enum, patterns, a primary key, a unique field,
required fields, Vietnamese text) with a few hundred planted errors of every
kind the row checks report, then validates it with both engines, each in its
own process (wall time and peak memory from os.wait4), and prints the
findings of both as counts per error type. Goal: ≥ 20× faster than
frictionless, the same findings, under 1 GB.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 1_000_000  # error limit for both engines: every planted error is listed

SCHEMA = {
    "fields": [
        {"name": "ma_ho_so", "type": "string", "constraints": {"required": True, "pattern": "HS[0-9]{8}"}},
        {"name": "ma_xa", "type": "string", "constraints": {"required": True, "pattern": "[0-9]{5}"}},
        {"name": "ten_nguoi_nop", "type": "string", "constraints": {"required": True, "maxLength": 40}},
        {"name": "so_nguoi", "type": "integer", "constraints": {"minimum": 0, "maximum": 1000}},
        {"name": "dien_tich", "type": "number", "constraints": {"minimum": 0}},
        {"name": "ngay_nop", "type": "date"},
        {"name": "da_xu_ly", "type": "boolean"},
        {"name": "linh_vuc", "type": "string",
         "constraints": {"enum": ["Đất đai", "Xây dựng", "Hộ tịch", "Kinh doanh", "Giáo dục"]}},
        {"name": "dien_thoai", "type": "string", "constraints": {"pattern": "0[0-9]{9}"}},
        {"name": "so_bien_nhan", "type": "integer", "constraints": {"unique": True}},
        {"name": "ghi_chu", "type": "string"},
    ],
    "primaryKey": ["ma_ho_so"],
}
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
GIVEN = ["Văn An", "Thị Bình", "Minh Châu", "Đức Dũng", "Thu Hà", "Quốc Huy", "Ngọc Lan", "Hữu Phúc", "Thanh Tâm"]
NOTES = ["", "", "", "Bổ sung giấy tờ, chờ xác minh", "Đã trả kết quả", "Hồ sơ trực tuyến"]
START = dt.date(2020, 1, 1).toordinal()

# Planted errors: (kind, count, how to break the row's cells). Every kind the row checks report.
PLANTS = [
    ("so_nguoi = mười", 30, lambda c: c.__setitem__(3, "mười")),                  # type-error integer
    ("dien_tich = 1,5", 25, lambda c: c.__setitem__(4, '"1,5"')),                  # type-error number
    ("ngay_nop = 31/02/2024", 20, lambda c: c.__setitem__(5, "31/02/2024")),       # type-error date
    ("ngay_nop = 2024-02-30", 15, lambda c: c.__setitem__(5, "2024-02-30")),       # type-error date (no such day)
    ("da_xu_ly = có", 20, lambda c: c.__setitem__(6, "có")),                       # type-error boolean
    ("ma_xa empty", 25, lambda c: c.__setitem__(1, "")),                           # constraint-error required
    ("ma_xa = 1234", 25, lambda c: c.__setitem__(1, "1234")),                      # constraint-error pattern
    ("dien_thoai = 12345", 20, lambda c: c.__setitem__(8, "12345")),               # constraint-error pattern
    ("linh_vuc = Khác", 25, lambda c: c.__setitem__(7, "Khác")),                   # constraint-error enum
    ("so_nguoi = -1", 20, lambda c: c.__setitem__(3, "-1")),                       # constraint-error minimum
    ("dien_tich = -0.5", 15, lambda c: c.__setitem__(4, "-0.5")),                  # constraint-error minimum
    ("so_nguoi = 5000", 20, lambda c: c.__setitem__(3, "5000")),                   # constraint-error maximum
    ("long name", 15, lambda c: c.__setitem__(2, "Nguyễn Thị Minh Châu " * 3)),   # constraint-error maxLength
    ("extra cell", 20, lambda c: c.append("thừa")),                                # extra-cell
    ("missing cells", 15, lambda c: c.__delitem__(slice(9, None))),                # missing-cell ×2
]


def make_csv(path: Path, rows: int, seed: int = 42, scale: int = 1) -> dict[str, int]:
    """Write the CSV; return the planted errors by kind (what both engines must find); `scale` times as many."""
    rnd = random.Random(seed)
    plan: dict[int, str] = {}
    targets = [k for k, n, _ in PLANTS for _ in range(n * scale)] + ["duplicate key"] * 20 * scale \
        + ["duplicate unique"] * 20 * scale + ["blank row"] * 10 * scale + ["empty line"] * 10 * scale
    for kind in targets:
        while True:
            i = rnd.randrange(rows // 10 + 1, rows) if rows > 100 else rnd.randrange(1, rows)
            if i not in plan:
                plan[i] = kind
                break
    breakers = {k: f for k, _, f in PLANTS}
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(f["name"] for f in SCHEMA["fields"]) + "\n")
        for i in range(rows):
            cells = [f"HS{i:08d}", f"{i * 7 % 11000 + 1:05d}", f"{SURNAMES[i % 10]} {GIVEN[i % 9]}", str(i % 997),
                     f"{(i * 37 % 100000) / 100:.2f}", dt.date.fromordinal(START + i % 2000).isoformat(),
                     "true" if i % 3 else "false", SCHEMA["fields"][7]["constraints"]["enum"][i % 5],
                     f"0{(i * 7919) % 10**9:09d}" if i % 4 else "", str(1_000_000 + 3 * i), NOTES[i % 6]]
            kind = plan.get(i)
            if kind == "duplicate key":
                cells[0] = f"HS{i // 2:08d}"
            elif kind == "duplicate unique":
                cells[9] = str(1_000_000 + 3 * (i // 3))
            elif kind == "blank row":
                cells = [""] * len(cells)
            elif kind == "empty line":
                out.write("\n")
                continue
            elif kind:
                breakers[kind](cells)
            out.write(",".join(c if c.startswith('"') or "," not in c else f'"{c}"' for c in cells) + "\n")
        out.flush()
        os.fsync(out.fileno())  # written to disk before anything is timed
    return dict(collections.Counter(plan.values()))


def worker_ours(path: str, schema_file: str) -> None:
    sys.path.insert(0, str(ROOT))
    import pyarrow as pa

    from generator.gate.rows import validate_table
    from generator.problems import Problems

    pa.scalar(0)  # pyarrow imports pandas on first use: a start-up cost, like frictionless' own imports

    schema = json.loads(Path(schema_file).read_text("utf-8"))
    problems = Problems()
    started = time.perf_counter()
    result = validate_table(Path(path), "csv", schema, "bench.csv", "bench", problems, max_errors=LIMIT)
    seconds = time.perf_counter() - started
    found = [[p.code, p.row, p.field] for p in problems.errors]
    print(json.dumps({"seconds": seconds, "rows": result.rows, "errors": result.errors, "found": found}))


def worker_frictionless(path: str, schema_file: str) -> None:
    from frictionless import Dialect, Resource, Schema, formats

    schema = json.loads(Path(schema_file).read_text("utf-8"))
    p = Path(path)
    started = time.perf_counter()
    # The dialect is pinned to RFC 4180, as our reader reads it (frictionless would otherwise sniff it).
    control = formats.CsvControl(delimiter=",", quote_char='"', double_quote=True, skip_initial_space=False)
    resource = Resource(p.name, basepath=str(p.parent), schema=Schema.from_descriptor(schema), encoding="utf-8",
                        dialect=Dialect(controls=[control]))
    report = resource.validate(limit_errors=LIMIT)
    seconds = time.perf_counter() - started
    found = [[e["type"], e.get("rowNumber", 1 if "label" in e["type"] else None), e.get("fieldName") or ""]
             for e in (err.to_descriptor() for err in report.tasks[0].errors)]
    print(json.dumps({"seconds": seconds, "rows": report.tasks[0].stats.get("rows"), "found": found}))


def run(args: list[str]) -> tuple[dict, float, float]:
    """Run one worker; return its output, wall seconds and peak memory (MB)."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(args)} failed:\n{err.decode()}")
    return json.loads(out), wall, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of ours (the median is reported)")
    parser.add_argument("--worker", choices=["ours", "frictionless"], help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        (worker_ours if args.worker == "ours" else worker_frictionless)(*args.paths)
        return
    with tempfile.TemporaryDirectory(prefix="opendata-bench-") as tmp:
        csv_path, schema_path = Path(tmp) / "bench.csv", Path(tmp) / "schema.json"
        started = time.perf_counter()
        planted = make_csv(csv_path, args.rows)
        schema_path.write_text(json.dumps(SCHEMA, ensure_ascii=False), "utf-8")
        size = csv_path.stat().st_size / 1e6
        print(f"{args.rows:,} rows, {len(SCHEMA['fields'])} columns, {size:.0f} MB, "
              f"{sum(planted.values())} planted errors (generated in {time.perf_counter() - started:.1f} s)")
        # Ours takes about a second, so a busy neighbour on a shared machine weighs on it far more than on
        # frictionless' half minute: ours is the median of --repeat runs.
        runs = sorted((run(["--worker", "ours", str(csv_path), str(schema_path)]) for _ in range(args.repeat)),
                      key=lambda r: r[0]["seconds"])
        ours, ours_wall, ours_mem = runs[len(runs) // 2]
        ours_mem = max(r[2] for r in runs)
        theirs, theirs_wall, theirs_mem = run(["--worker", "frictionless", str(csv_path), str(schema_path)])
    each = ", ".join(f"{r[0]['seconds']:.2f}" for r in runs)
    print(f"ours:         {ours['seconds']:7.2f} s validating ({ours_wall:6.2f} s with start-up), peak {ours_mem:5.0f} MB"
          f"  (median of {len(runs)} runs: {each} s)")
    print(f"frictionless: {theirs['seconds']:7.2f} s validating ({theirs_wall:6.2f} s with start-up), peak {theirs_mem:5.0f} MB")
    print(f"ratio:        {theirs['seconds'] / ours['seconds']:7.1f}× faster ({theirs_wall / ours_wall:.1f}× with start-up)")
    a = collections.Counter(code for code, _, _ in ours["found"])
    b = collections.Counter(code for code, _, _ in theirs["found"])
    print(f"{'error type':18} {'ours':>6} {'frictionless':>12}")
    for code in sorted(set(a) | set(b)):
        print(f"{code:18} {a[code]:6} {b[code]:12}")
    same_counts = a == b
    same_places = sorted(map(tuple, ours["found"])) == sorted(map(tuple, theirs["found"]))
    print(f"findings identical: {'yes' if same_counts and same_places else 'NO'} "
          f"(counts per type {'equal' if same_counts else 'differ'}; "
          f"type, row and field of every error {'equal' if same_places else 'differ'})")
    if not (same_counts and same_places):
        diff = collections.Counter(map(tuple, ours["found"]))
        diff.subtract(collections.Counter(map(tuple, theirs["found"])))
        for key, n in sorted((k, v) for k, v in diff.items() if v)[:20]:
            print(f"  {'ours only' if n > 0 else 'frictionless only'}: {key}")
    sys.exit(0 if same_counts and same_places and ours_mem < 1024 else 1)


if __name__ == "__main__":
    main()
