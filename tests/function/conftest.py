"""Fixtures for the function's tests: a small published site, both stores, a real server on loopback.

Every test that takes `api` or `store` runs twice: on SQLite and on PostgreSQL. The PostgreSQL URL comes
from OPENDATA_TEST_DATABASE_URL (the Makefile sets it from scripts/start-postgres.sh); without it the
PostgreSQL half fails — it never silently skips.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import os
import threading
import time
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
import uvicorn

from opendata_function.app import create_app
from opendata_function.settings import Settings
from opendata_function.store import Store

ROOT_DIR = Path(__file__).resolve().parents[2]
PG_ENV = "OPENDATA_TEST_DATABASE_URL"
OPERATOR_SECRET = "test-operator-secret-not-for-production"
PORTAL_URL = "https://opendata.example.vn/"

# The health-facility table: codes and phones with leading zeros, Vietnamese names, every field type.
FACILITIES = [
    # ma_co_so, ten, huyen, so_giuong, von_ty, cong_lap, ngay, dien_thoai
    ("00101", "Bệnh viện Đa khoa tỉnh", "Thành phố Vĩnh Yên", "850", "120,5", "true", "2013-07-12", "02113981616"),
    ("00102", "Bệnh viện Sản Nhi", "Thành phố Vĩnh Yên", "500", "80", "true", "2014-03-20", "02113797977"),
    ("00103", "Phòng khám Hà Nội - Vĩnh Phúc", "Huyện Bình Xuyên", "20", "3,25", "false", "2019-01-05", "0912345678"),
    ("00104", "Trạm y tế xã Đạo Tú", "Huyện Tam Dương", "5", "", "true", "2010-10-10", "0386000111"),
    ("00105", "Trung tâm Y tế huyện Tam Đảo", "Huyện Tam Đảo", "150", "40", "true", "2012-05-01", "02113824567"),
    ("00106", "Bệnh viện Đa khoa Hà Nội 2", "Huyện Bình Xuyên", "90", "15", "false", "2021-08-30", "0977000222"),
    ("00107", "Trạm y tế phường Đống Đa", "Thành phố Vĩnh Yên", "4", "0,5", "true", "2008-02-29", "0559000333"),
]
for i in range(8, 68):  # enough rows to page through
    FACILITIES.append((f"00{100 + i}", f"Trạm y tế xã số {i}", "Huyện Lập Thạch" if i % 2 else "Huyện Sông Lô",
                       str(i % 7), str(i), "true", f"2015-01-{1 + i % 28:02d}", f"09{i:08d}"))

FACILITY_SCHEMA = {
    "fields": [
        {"name": "ma_co_so", "title": "Mã cơ sở", "type": "string", "constraints": {"required": True}},
        {"name": "ten", "title": "Tên cơ sở", "type": "string"},
        {"name": "huyen", "title": "Huyện", "type": "string"},
        {"name": "so_giuong", "title": "Số giường", "type": "integer"},
        {"name": "von_ty", "title": "Vốn (tỷ đồng)", "type": "number", "decimalChar": ","},
        {"name": "cong_lap", "title": "Công lập", "type": "boolean"},
        {"name": "ngay", "title": "Ngày cấp phép", "type": "date"},
        {"name": "dien_thoai", "title": "Điện thoại", "type": "string"},
    ],
    "primaryKey": ["ma_co_so"],
}
POPULATION = [("2023", "Vĩnh Yên", "123000"), ("2023", "Phúc Yên", "110000"), ("2024", "Vĩnh Yên", "125000"),
              ("2024", "Phúc Yên", "111500")]
POPULATION_SCHEMA = {"fields": [{"name": "nam", "type": "integer"}, {"name": "don_vi", "type": "string"},
                                {"name": "dan_so", "type": "integer"}], "primaryKey": ["nam", "don_vi"]}


def _csv(header: list[str], rows: list[tuple], lineterminator: str = "\n") -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator=lineterminator).writerows([header, *rows])
    return out.getvalue().encode("utf-8")


def publish_conversion(root: Path, dataset_id: str, resource: str, header: list[str], rows: list[tuple]) -> dict:
    """Write a table's CSV conversion as the build does (UTF-8, RFC 4180) and return its `conversions` entry."""
    data = _csv(header, rows, lineterminator="\r\n")
    path = f"datasets/{dataset_id}/converted/{resource}.csv"
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_bytes(data)
    return {"rows": len(rows), "neutralised_cells": 0,
            "files": [{"format": "csv", "url": PORTAL_URL + path, "mediatype": "text/csv", "size": len(data),
                       "sha256": hashlib.sha256(data).hexdigest()}]}


def write_site(root: Path, tables: dict[str, list[dict[str, Any]]] | None = None) -> Path:
    """A site in the shapes the build writes: catalog.json, datasets/<id>.json, the originals and each table's
    CSV conversion (the only file of a table the function reads)."""
    datasets = {
        "co-so-y-te": {"title": "Cơ sở y tế", "agency": ("so-y-te", "Sở Y tế"), "keywords": ["y tế", "bệnh viện"],
                       "resources": [{"name": "co-so", "title": "Cơ sở khám chữa bệnh", "format": "csv",
                                      "path": "co-so.csv", "schema": FACILITY_SCHEMA,
                                      "table": ([f["name"] for f in FACILITY_SCHEMA["fields"]], FACILITIES)}]},
        "dan-so": {"title": "Dân số theo đơn vị hành chính", "agency": ("cuc-thong-ke", "Cục Thống kê"),
                   "keywords": ["dân số"],
                   "resources": [{"name": "dan-so", "title": "Dân số", "format": "csv", "path": "nam/dan-so.csv",
                                  "schema": POPULATION_SCHEMA, "table": (["nam", "don_vi", "dan_so"], POPULATION)},
                                 {"name": "thuyet-minh", "title": "Thuyết minh", "format": "pdf",
                                  "path": "thuyet-minh.pdf", "data": b"%PDF-1.4 sample"}]},
    }
    summaries = []
    for dataset_id, d in sorted(datasets.items()):
        agency_id, agency_name = d["agency"]
        summary = {"id": dataset_id, "title": d["title"], "agency": {"id": agency_id, "name": agency_name},
                   "topic": {"id": "xa-hoi", "name": "Xã hội"}, "catalogue": "VP-001", "keywords": d["keywords"],
                   "formats": sorted({r["format"] for r in d["resources"]}), "frequency": "annual",
                   "licence": "CC-BY-4.0", "created": "2025-01-02T08:00:00+07:00",
                   "modified": "2025-03-04T08:00:00+07:00", "url": f"{PORTAL_URL}datasets/{dataset_id}/",
                   "api": f"{PORTAL_URL}api/v1/datasets/{dataset_id}.json"}
        summaries.append(summary)
        resources = []
        for r in d["resources"]:
            if "table" in r:
                r["data"] = _csv(*r["table"])
            target = root / "datasets" / dataset_id / "files" / r["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(r["data"])
            res = {"name": r["name"], "title": r["title"], "description": "", "format": r["format"],
                   "mediatype": "text/csv" if r["format"] == "csv" else "application/pdf",
                   "url": f"{PORTAL_URL}datasets/{dataset_id}/files/{r['path']}", "path": r["path"],
                   "size": len(r["data"]), "sha256": hashlib.sha256(r["data"]).hexdigest()}
            if "schema" in r:
                res["schema"] = r["schema"]
            if "table" in r:
                res["conversions"] = publish_conversion(root, dataset_id, r["name"], *r["table"])
            resources.append(res)
        detail = {**summary, "description": f"Mô tả {d['title']}.", "title_en": "",
                  "agency": {"id": agency_id, "name": agency_name, "name_en": "", "email": "x@example.vn",
                             "url": f"{PORTAL_URL}agencies/{agency_id}/"},
                  "catalogue": {"code": "VP-001", "title": d["title"], "legal_basis": ""},
                  "frequency": {"id": "annual", "name": "Hằng năm", "name_en": "Annual"},
                  "licence": {"id": "CC-BY-4.0", "title": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
                  "attribution": "", "contact": {"name": "Phòng Nghiệp vụ", "email": "x@example.vn"}, "sources": [],
                  "spatial": "", "temporal": "", "resources": resources}
        path = root / "api" / "v1" / "datasets" / f"{dataset_id}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(detail, ensure_ascii=False, indent=2), encoding="utf-8")
        write_ckan_package(root, summary, detail)
    ckan_answer(root, "license_list", [{"id": "cc-by", "title": "Creative Commons Attribution",
                                        "url": "http://www.opendefinition.org/licenses/cc-by"}])
    portal = {"id": "test", "name": "Cổng dữ liệu mở thử nghiệm", "name_en": "Test portal", "province": "Vĩnh Phúc",
              "url": PORTAL_URL, "operator": "so-tttt", "regulation": "42/2024/QĐ-UBND"}
    (root / "api" / "v1" / "catalog.json").write_text(
        json.dumps({"portal": portal, "count": len(summaries), "datasets": summaries}, ensure_ascii=False, indent=2),
        encoding="utf-8")
    return root


def _uuid(text: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, text))


def ckan_answer(root: Path, action: str, result: Any, name: str = "") -> None:
    path = root / "api" / "3" / "action" / (f"{action}/{name}.json" if name else action)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"help": "", "success": True, "result": result}, ensure_ascii=False), encoding="utf-8")


def write_ckan_package(root: Path, summary: dict[str, Any], detail: dict[str, Any]) -> dict[str, Any]:
    """The dataset's CKAN package in the shape the build writes it (ids as the build makes them)."""
    dataset_id = summary["id"]
    agency, topic = detail["agency"], summary["topic"]
    package_id = _uuid(summary["url"])
    resources = [{"id": _uuid(f"{PORTAL_URL}#{dataset_id}/{r['name']}"), "portal_name": r["name"],
                  "package_id": package_id, "name": r["title"], "description": r["description"],
                  "format": r["format"].upper(), "mimetype": r["mediatype"], "url": r["url"], "size": r["size"],
                  "hash": r["sha256"], "hash_algorithm": "sha256", "position": i, "state": "active",
                  "datastore_active": False, "created": "2025-01-02T01:00:00", "last_modified": "2025-03-04T01:00:00"}
                 for i, r in enumerate(detail["resources"])]
    org = {"id": _uuid(agency["url"]), "name": agency["id"], "title": agency["name"], "type": "organization",
           "is_organization": True, "state": "active"}
    pkg = {"id": package_id, "name": dataset_id, "title": summary["title"], "notes": detail["description"],
           "type": "dataset", "state": "active", "private": False, "url": summary["url"],
           "license_id": "cc-by", "license_title": detail["licence"]["title"], "license_url": detail["licence"]["url"],
           "owner_org": org["id"], "organization": org, "author": agency["name"],
           "metadata_created": "2025-01-02T01:00:00", "metadata_modified": "2025-03-04T01:00:00",
           "tags": [{"name": k, "display_name": k, "state": "active"} for k in summary["keywords"]],
           "num_tags": len(summary["keywords"]),
           "groups": [{"id": _uuid(f"{PORTAL_URL}topics/{topic['id']}/"), "name": topic["id"], "title": topic["name"]}],
           "resources": resources, "num_resources": len(resources), "extras": []}
    ckan_answer(root, "package_show", pkg, dataset_id)
    return pkg


@pytest.fixture(scope="session")
def test_site(tmp_path_factory) -> Path:
    return write_site(tmp_path_factory.mktemp("published") / "site")


@functools.cache
def pg_url() -> str:
    url = os.environ.get(PG_ENV, "")
    if not url:
        pytest.fail(f"{PG_ENV} is not set: the PostgreSQL half of the function's tests cannot run. "
                    f"Run `make test`, or: export {PG_ENV}=$(bash scripts/start-postgres.sh)", pytrace=False)
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # gw0, gw1…: set when `make test` runs the suite in parallel
    if not worker:
        return url
    # Each test clears the store it uses: parallel workers get a schema of their own in the one database.
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{worker}"')
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{worker}"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'function.db'}" if request.param == "sqlite" else pg_url()


@pytest.fixture
def store(store_url) -> Iterator[Store]:
    s = Store(store_url)
    with s.tx() as tx:
        s.clear(tx)
    yield s
    s.close()


class Server:
    """A uvicorn on 127.0.0.1 in a thread: the app as clients meet it (HTTP, CORS, lifespan)."""

    def __init__(self, app: Any) -> None:
        # Run as the Dockerfile runs it: the app alone decides whom X-Forwarded-For is taken from.
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                                                    lifespan="on", proxy_headers=False))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@dataclass
class Api:
    url: str
    app: Any
    settings: Settings
    store: Store
    client: httpx.Client = field(repr=False)
    server: Server = field(repr=False)

    def stop(self) -> None:
        """Stop as a deployment does (the lifespan's shutdown runs: usage counts are written)."""
        self.server.stop()

    @property
    def fn(self):
        return self.app.state.function

    def get(self, path: str, key: str | None = None, **kw: Any) -> httpx.Response:
        headers = {**kw.pop("headers", {}), **({"Authorization": f"Bearer {key}"} if key else {})}
        return self.client.get(path, headers=headers, **kw)

    def post(self, path: str, key: str | None = None, **kw: Any) -> httpx.Response:
        headers = {**kw.pop("headers", {}), **({"Authorization": f"Bearer {key}"} if key else {})}
        return self.client.post(path, headers=headers, **kw)

    def admin(self, method: str, path: str, **kw: Any) -> httpx.Response:
        headers = {"X-Operator-Secret": OPERATOR_SECRET, "X-Operator-Name": "tester", **kw.pop("headers", {})}
        return self.client.request(method, path, headers=headers, **kw)

    def register(self, email: str = "nguoidung@example.vn", **fields: Any) -> str:
        r = self.post("/v1/register", json={**registration(email), **fields})
        assert r.status_code == 201, r.text
        return r.json()["key"]

    def issue(self, email: str = "cuc-thong-ke@example.vn", **fields: Any) -> tuple[int, str]:
        r = self.admin("POST", "/admin/accounts", json={"full_name": "Cổng dữ liệu quốc gia", "email": email,
                                                        "organisation": "Cục Chuyển đổi số", **fields})
        assert r.status_code == 201, r.text
        return r.json()["account"]["id"], r.json()["key"]


def registration(email: str = "nguoidung@example.vn") -> dict[str, Any]:
    return {"full_name": "Nguyễn Thị Hồng Nhung", "address": "Số 5 Lê Lợi, phường Liên Bảo, TP Vĩnh Yên",
            "email": email, "phone": "0912 345 678", "organisation": "Công ty Dữ liệu Xanh", "accept_terms": True}


def base_settings(site: Path | str, store_url: str, **overrides: Any) -> Settings:
    return replace(Settings(site=str(site), database_url=store_url, operator_secret=OPERATOR_SECRET,
                            allowed_origins=["http://127.0.0.1:8000"], key_cache_seconds=5.0,
                            usage_flush_seconds=3600, reload_seconds=0.0), **overrides)


@pytest.fixture
def make_api(test_site, store) -> Iterator[Any]:
    """Start the function with settings overrides; stopped after the test."""
    started: list[tuple[Server, httpx.Client]] = []

    def start(site: Path | str | None = None, own_store: Store | None = None, **overrides: Any) -> Api:
        settings = base_settings(site or test_site, store.url, **overrides)
        app = create_app(settings, store=own_store or store)
        server = Server(app)
        client = httpx.Client(base_url=server.url, timeout=30)
        started.append((server, client))
        return Api(server.url, app, settings, own_store or store, client, server)

    yield start
    for server, client in started:
        client.close()
        server.stop()


@pytest.fixture
def api(make_api) -> Api:
    return make_api()
