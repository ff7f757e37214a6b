"""Load benchmark of the function's keyed API beside Datasette serving the same table, in the same run.

    python benchmarks/function_load.py [--rows 100000] [--duration 10] [--datasette PATH]

Generates a 100,000-row table, publishes it as a build would (site/api/v1/... and its CSV conversion), starts the
function (uvicorn, one worker, SQLite store) and Datasette on loopback, and drives each with wrk
(2 threads, 32 connections) for two requests: a filtered page of 50 rows and a single-row lookup by
primary key. The function's requests carry an API key: the key check, rate limit and usage count are
included. Prints requests/s and p99 latency. Only 127.0.0.1 is ever contacted.

Needs: wrk (apt-get install wrk) and Datasette (found beside this Python, on PATH, or installed into a
venv under ~/.cache/opendata-bench on first use).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DISTRICTS = ["Thành phố Vĩnh Yên", "Thành phố Phúc Yên", "Huyện Bình Xuyên", "Huyện Tam Dương", "Huyện Tam Đảo",
             "Huyện Lập Thạch", "Huyện Sông Lô", "Huyện Vĩnh Tường", "Huyện Yên Lạc", "Huyện Đông Anh"]
KINDS = ["Bệnh viện", "Trung tâm y tế", "Trạm y tế", "Phòng khám", "Nhà thuốc"]
FIELDS = [("ma", "string"), ("ten", "string"), ("huyen", "string"), ("loai", "string"), ("so_giuong", "integer"),
          ("ngay", "date"), ("dien_thoai", "string")]
FILTER_VALUE = "Huyện Tam Dương"
SECRET = "bench-operator-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def generate(rows: int, folder: Path) -> tuple[Path, Path]:
    """The same rows as a published site (for the function) and as a SQLite file (for Datasette)."""
    rng = random.Random(42)
    records = [(f"{i:06d}", f"{rng.choice(KINDS)} số {i}", rng.choice(DISTRICTS), rng.choice(KINDS),
                str(rng.randrange(0, 900)), f"20{rng.randrange(0, 25):02d}-{rng.randrange(1, 13):02d}-"
                f"{rng.randrange(1, 29):02d}", f"09{rng.randrange(0, 10**8):08d}") for i in range(1, rows + 1)]
    site = folder / "site"
    # The function reads a table's CSV conversion (as the build writes it), never the original.
    data = site / "datasets/co-so/converted/co-so.csv"
    data.parent.mkdir(parents=True)
    with data.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow([name for name, _ in FIELDS])
        writer.writerows(records)
    schema = {"fields": [{"name": n, "type": t} for n, t in FIELDS], "primaryKey": ["ma"]}
    summary = {"id": "co-so", "title": "Cơ sở y tế (benchmark)", "agency": {"id": "so-y-te", "name": "Sở Y tế"},
               "modified": "2025-01-01T00:00:00+07:00", "created": "2025-01-01T00:00:00+07:00", "keywords": []}
    digest, size = hashlib.sha256(data.read_bytes()).hexdigest(), data.stat().st_size
    resource = {"name": "co-so", "title": "Cơ sở", "format": "csv", "path": "co-so.csv", "schema": schema,
                "url": "http://127.0.0.1/datasets/co-so/files/co-so.csv", "size": size, "sha256": digest,
                "mediatype": "text/csv",
                "conversions": {"rows": rows, "files": [{"format": "csv", "mediatype": "text/csv", "size": size,
                                                         "sha256": digest,
                                                         "url": "http://127.0.0.1/datasets/co-so/converted/co-so.csv"}]}}
    (site / "api/v1/datasets").mkdir(parents=True)
    (site / "api/v1/datasets/co-so.json").write_text(json.dumps({**summary, "resources": [resource]}), "utf-8")
    (site / "api/v1/catalog.json").write_text(json.dumps(
        {"portal": {"url": "http://127.0.0.1/", "name": "bench"}, "count": 1, "datasets": [summary]}), "utf-8")
    db = folder / "bench.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE co_so (ma TEXT PRIMARY KEY, ten TEXT, huyen TEXT, loai TEXT, so_giuong INTEGER, "
                "ngay TEXT, dien_thoai TEXT)")
    con.executemany("INSERT INTO co_so VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(r[0], r[1], r[2], r[3], int(r[4]), r[5], r[6]) for r in records])
    con.commit()
    con.close()
    return site, db


def find_datasette(given: str | None) -> str:
    if given:
        return given
    for candidate in (Path(sys.executable).parent / "datasette", shutil.which("datasette")):
        if candidate and Path(candidate).exists():
            return str(candidate)
    venv = Path.home() / ".cache/opendata-bench/datasette"
    if not (venv / "bin/datasette").exists():
        print(f"installing Datasette into {venv} …", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin/pip"), "install", "--quiet", "datasette>=0.65,<0.66"], check=True)
    return str(venv / "bin/datasette")


def wait_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def request(url: str, method: str = "GET", body: dict | None = None, headers: dict | None = None) -> dict:
    req = urllib.request.Request(url, method=method, headers={"Content-Type": "application/json", **(headers or {})},
                                 data=json.dumps(body).encode() if body is not None else None)
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def wrk(url: str, duration: int, headers: dict[str, str] | None = None) -> tuple[float, float, int]:
    """(requests/s, p99 latency in ms, non-2xx responses) from one wrk run (2 threads, 32 connections)."""
    assert urllib.parse.urlsplit(url).hostname == "127.0.0.1"  # loopback only
    cmd = ["wrk", "-t2", "-c32", f"-d{duration}s", "--latency", "--timeout", "10s"]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rate, float(p99.group(1)) * scale, int(bad.group(1)) if bad else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--datasette", help="path to the datasette command")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install wrk", file=sys.stderr)
        return 2
    datasette = find_datasette(args.datasette)
    work = Path(tempfile.mkdtemp(prefix="function-load-"))
    procs: list[subprocess.Popen] = []
    try:
        started = time.perf_counter()
        site, db = generate(args.rows, work)
        print(f"{args.rows:,} rows generated in {time.perf_counter() - started:.1f} s")
        fport, dport = free_port(), free_port()
        env = {**os.environ, "OPENDATA_SITE": str(site), "DATABASE_URL": f"sqlite:///{work / 'function.db'}",
               "OPENDATA_OPERATOR_SECRET": SECRET, "PYTHONPATH": str(ROOT / "function")}
        procs.append(subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "opendata_function.app:create_app",
                                       "--host", "127.0.0.1", "--port", str(fport), "--workers", "1",
                                       "--log-level", "warning", "--no-access-log"], env=env))
        procs.append(subprocess.Popen([datasette, "serve", str(db), "--host", "127.0.0.1", "--port", str(dport)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        base_f, base_d = f"http://127.0.0.1:{fport}", f"http://127.0.0.1:{dport}"
        started = time.perf_counter()
        wait_up(f"{base_f}/health")
        print(f"function up (table loaded) in {time.perf_counter() - started:.1f} s")
        wait_up(f"{base_d}/-/versions.json")
        issued = request(f"{base_f}/admin/accounts", "POST", {"full_name": "Benchmark", "email": "bench@example.vn",
                                                              "rate_limit": 1_000_000}, {"X-Operator-Secret": SECRET})
        key = request(f"{base_f}/v1/keys/rotate", "POST", None, {"Authorization": f"Bearer {issued['key']}"})["key"]
        auth = {"Authorization": f"Bearer {key}"}
        value = urllib.parse.quote(FILTER_VALUE)
        pk = f"{args.rows // 2:06d}"
        cases = [
            ("filtered page, 50 rows", f"{base_f}/v1/datasets/co-so/co-so?huyen={value}&_limit=50",
             f"{base_d}/bench/co_so.json?huyen={value}&_size=50&_nosuggest=1&_nocount=1"),
            ("single-row lookup", f"{base_f}/v1/datasets/co-so/co-so/rows/{pk}", f"{base_d}/bench/co_so/{pk}.json"),
        ]
        # Same answers first: 50 rows of the district, and the same row.
        page = request(cases[0][1], headers=auth)
        assert len(page["rows"]) == 50 and all(r["huyen"] == FILTER_VALUE for r in page["rows"])
        assert len(request(cases[0][2])["rows"]) == 50
        assert request(cases[1][1], headers=auth)["row"]["ma"] == pk
        assert request(cases[1][2])["rows"][0][0] == pk
        print(f"\nwrk -t2 -c32 -d{args.duration}s on 127.0.0.1, one worker each (2 cores shared with wrk)\n")
        print(f"{'request':<26}{'function req/s':>16}{'p99 ms':>9}{'Datasette req/s':>17}{'p99 ms':>9}{'ratio':>8}")
        for name, f_url, d_url in cases:
            f_rate, f_p99, f_bad = wrk(f_url, args.duration, auth)
            d_rate, d_p99, d_bad = wrk(d_url, args.duration)
            if f_bad or d_bad:
                print(f"  warning: non-2xx answers: function {f_bad}, Datasette {d_bad}")
            print(f"{name:<26}{f_rate:>16,.0f}{f_p99:>9.1f}{d_rate:>17,.0f}{d_p99:>9.1f}{f_rate / d_rate:>7.1f}x")
        print("\ngoals: filtered page >= 2x Datasette, lookup >= 1x Datasette (key check included)")
        return 0
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
