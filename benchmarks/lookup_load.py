"""Look-ups per second through the SMS/Zalo webhooks beside the keyed API's single-row look-up, same run.

    python benchmarks/lookup_load.py [--duration 10] [--threads 8] [--site site]

Builds the sample portal (unless --site names a built one), starts the function (uvicorn, one worker,
SQLite store) on loopback with a local fake Zalo API, and drives it from keep-alive HTTP clients in
threads for three requests, each answering the same question (school 002 of the sample):
  - the keyed API:  GET /v1/datasets/truong-thpt/truong-thpt/rows/002 (key check, rate limit, usage count)
  - eSMS MO:        GET /lookup/sms/esms?…content=TRA THPT 002 (signature, staleness, replay mark, rate
                    limit, answer, count; the XML answer)
  - Zalo webhook:   POST /lookup/zalo "TRA THPT 002" (signature, replay, limit, answer, count; the reply
                    then goes out to the fake Zalo API)
Every webhook request is signed and unique (replays are refused). Prints requests/s and p99 latency, and
each webhook's ratio to the keyed API. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import http.server
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "function"))
from opendata_function.lookup.sms import Esms  # noqa: E402

APP_ID, OA_SECRET, CPID, KEY = "4143225512345678901", "bench-oa-secret", "bench-cp", "bench-private-key"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fake_zalo() -> str:
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = b'{"error":0,"message":"Success","data":{"message_id":"m"}}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_address[1]}"


class Counter:
    def __init__(self) -> None:
        self.n = 0
        self.lock = threading.Lock()


def esms_request(i: int) -> dict:
    when = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).strftime("%Y%m%d%H%M%S")
    text, smsid = "TRA THPT 002", f"b{i}-{time.monotonic_ns()}"
    b64, _ = Esms.sign(CPID, smsid, text, when, KEY)
    return {"method": "GET", "url": "/lookup/sms/esms",
            "params": {"sender": f"849{i % 5000:08d}", "content": text, "serviceNumber": "8077", "keyword": "TRA",
                       "cpid": CPID, "smsid": smsid, "receiverTime": when, "sign": b64}}


def zalo_request(i: int) -> dict:
    ts = str(int(time.time() * 1000))
    body = (f'{{"app_id":{APP_ID},"event_name":"user_send_text","timestamp":"{ts}","sender":{{"id":{8000 + i % 5000}}},'
            f'"recipient":{{"id":1}},"message":{{"text":"TRA THPT 002","msg_id":"{i}-{time.monotonic_ns()}"}}}}').encode()
    mac = "mac=" + hashlib.sha256(APP_ID.encode() + body + ts.encode() + OA_SECRET.encode()).hexdigest()
    return {"method": "POST", "url": "/lookup/zalo", "content": body,
            "headers": {"X-ZEvent-Signature": mac, "Content-Type": "application/json"}}


def drive(base: str, make, duration: float, threads: int, check) -> tuple[float, float]:
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + duration
    seq = iter(range(10**9))

    def worker() -> None:
        mine = []
        with httpx.Client(base_url=base, timeout=30) as client:
            while time.monotonic() < stop:
                with lock:
                    i = next(seq)
                spec = make(i)
                started = time.perf_counter()
                r = client.request(**spec)
                mine.append(time.perf_counter() - started)
                if not check(r):
                    raise SystemExit(f"unexpected answer {r.status_code}: {r.text[:300]}")
        with lock:
            latencies.extend(mine)

    started = time.monotonic()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return len(latencies) / elapsed, latencies[int(len(latencies) * 0.99)] * 1000 if latencies else 0.0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=float, default=10)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--site")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="opendata-lookup-bench-") as tmp:
        site = Path(args.site) if args.site else Path(tmp) / "site"
        if not args.site:
            subprocess.run([sys.executable, "-m", "generator", "build", "--out", str(site)], cwd=ROOT, check=True,
                           capture_output=True)
        port = free_port()
        env = {**os.environ, "OPENDATA_SITE": str(site), "DATABASE_URL": f"sqlite:///{tmp}/function.db",
               "OPENDATA_RATE_LIMIT": "100000000", "OPENDATA_LOOKUP_PER_HOUR": "100000000",
               "OPENDATA_ZALO_APP_ID": APP_ID, "OPENDATA_ZALO_OA_SECRET": OA_SECRET,
               "OPENDATA_ZALO_ACCESS_TOKEN": "t", "OPENDATA_ZALO_API_URL": fake_zalo(),
               "OPENDATA_ESMS_CPID": CPID, "OPENDATA_ESMS_PRIVATE_KEY": KEY, "OPENDATA_LOOKUP_HASH_KEY": "bench"}
        server = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "opendata_function.app:create_app",
                                   "--port", str(port), "--log-level", "warning"], env=env, cwd=tmp)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    if httpx.get(base + "/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
            account = {"full_name": "Benchmark", "address": "Vĩnh Yên", "email": "bench@example.vn",
                       "phone": "0912345678", "organisation": "", "accept_terms": True}
            key = httpx.post(base + "/v1/register", json=account).json()["key"]
            keyed = lambda i: {"method": "GET", "url": "/v1/datasets/truong-thpt/truong-thpt/rows/002",  # noqa: E731
                               "headers": {"Authorization": f"Bearer {key}"}}
            runs = [("keyed API row (baseline)", keyed, lambda r: r.status_code == 200 and "Trần Phú" in r.text),
                    ("eSMS webhook TRA", esms_request, lambda r: r.status_code == 200 and "Tran Phu" in r.text),
                    ("Zalo webhook TRA", zalo_request, lambda r: r.status_code == 200)]
            results = {}
            print(f"{args.threads} client threads, {args.duration:g} s each, one uvicorn worker, SQLite store")
            for name, make, check in runs:
                drive(base, make, 1.0, args.threads, check)  # warm up
                rps, p99 = drive(base, make, args.duration, args.threads, check)
                results[name] = rps
                print(f"  {name:28} {rps:8.0f} req/s   p99 {p99:6.1f} ms")
            baseline = results["keyed API row (baseline)"]
            for name in ("eSMS webhook TRA", "Zalo webhook TRA"):
                print(f"  {name} / keyed API: {results[name] / baseline:.2f}×")
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
