"""The function serves exactly what the build published: each table's rows, through the real HTTP API
(keyed rows, single-row lookup, CKAN datastore_search), equal its published JSON conversion value for
value. The function reads only the conversions: the agencies' originals are removed from the site it reads.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from ckanapi import RemoteCKAN

from conftest import copy_portal, run_cli

BIG_LIMITS = {"rate_limit": 1_000_000}


def published_tables(site: Path) -> list[tuple[str, dict[str, Any]]]:
    """(dataset id, resource) of every table the build converted, from the dataset JSON."""
    catalog = json.loads((site / "api/v1/catalog.json").read_text(encoding="utf-8"))
    out = []
    for summary in catalog["datasets"]:
        detail = json.loads((site / f"api/v1/datasets/{summary['id']}.json").read_text(encoding="utf-8"))
        out += [(summary["id"], r) for r in detail["resources"] if "conversions" in r]
    return out


def converted_json(site: Path, dataset_id: str, resource: str) -> list[dict[str, Any]]:
    return json.loads((site / f"datasets/{dataset_id}/converted/{resource}.json").read_text(encoding="utf-8"))


def same(got: Any, want: Any) -> bool:
    """Equal as JSON text: true is not 1, "00101" is not 101, 2.0 is not "2.0", null is not "", field order too."""
    return json.dumps(got, ensure_ascii=False) == json.dumps(want, ensure_ascii=False)


def keyed_rows(api, key: str, dataset_id: str, resource: str) -> list[dict[str, Any]]:
    rows, url = [], f"/v1/datasets/{dataset_id}/{resource}?_limit=1000"
    while url:
        r = api.get(url, key)
        assert r.status_code == 200, (dataset_id, resource, r.text)
        rows += r.json()["rows"]
        url = r.json()["next"]
    return rows


def datastore_rows(ckan: RemoteCKAN, resource_id: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    while True:
        page = ckan.action.datastore_search(resource_id=resource_id, limit=1000, offset=len(rows))
        rows += page["records"]
        if len(rows) >= page["total"] or not page["records"]:
            return rows


@pytest.fixture(scope="session")
def converted_only(site, tmp_path_factory) -> Path:
    """The built sample portal without any agency original: only what the conversions and JSON publish."""
    copy = tmp_path_factory.mktemp("converted-only") / "site"
    shutil.copytree(site, copy)
    removed = [folder for folder in (copy / "datasets").glob("*/files") if folder.is_dir()]
    for folder in removed:
        shutil.rmtree(folder)
    assert removed
    return copy


def assert_served_as_published(api, site: Path, dataset_id: str, resource: dict[str, Any], key: str,
                               ckan: RemoteCKAN) -> None:
    name = resource["name"]
    want = converted_json(site, dataset_id, name)
    assert want, (dataset_id, name)
    first = api.get(f"/v1/datasets/{dataset_id}/{name}", key, params={"_count": "1", "_limit": 1}).json()
    assert first["total"] == len(want), (dataset_id, name)
    assert [f["name"] for f in first["fields"]] == [f["name"] for f in resource["schema"]["fields"]]
    got = keyed_rows(api, key, dataset_id, name)
    assert len(got) == len(want), (dataset_id, name)
    for i, (g, w) in enumerate(zip(got, want)):
        assert same(g, w), (dataset_id, name, i + 1, g, w)
    # CKAN clients: the same records, numbered from 1 in the published order.
    table = next(t for d in api.get("/v1/datasets").json()["datasets"] if d["id"] == dataset_id
                 for t in d["tables"] if t["resource"] == name)
    records = datastore_rows(ckan, table["ckan_id"])
    assert [r.pop("_id") for r in records] == list(range(1, len(want) + 1)), (dataset_id, name)
    assert same(records, want), (dataset_id, name)
    # One row by its primary key (a spread of rows, the first and the last included), with a comma inside
    # a value written %2C, and as a person types it (the function finds where the values part).
    pk = resource.get("schema", {}).get("primaryKey") or []
    pk = [pk] if isinstance(pk, str) else pk
    if pk:
        step = max(1, len(want) // 25)
        for row in [*want[::step], want[-1]]:
            values = [json.dumps(row[n]) if isinstance(row[n], bool) else str(row[n]) for n in pk]
            for path in (",".join(quote(v, safe="") for v in values), ",".join(values)):
                r = api.get(f"/v1/datasets/{dataset_id}/{name}/rows/{path}", key)
                assert r.status_code == 200, (dataset_id, name, path, r.text)
                assert same(r.json()["row"], row), (dataset_id, name, path)


def test_every_table_is_served_exactly_as_its_published_conversion(make_api, site, converted_only):
    api = make_api(site=converted_only, **BIG_LIMITS)
    key = api.register()
    tables = published_tables(converted_only)
    formats = {r["format"] for _, r in tables}
    assert {"csv", "xls", "xlsx"} <= formats and len(tables) >= 10  # sheets of every format, not only CSV files
    served = {(d["id"], t["resource"]) for d in api.get("/v1/datasets").json()["datasets"] for t in d["tables"]}
    assert served == {(d, r["name"]) for d, r in tables}
    with RemoteCKAN(api.url, apikey=key) as ckan:
        for dataset_id, resource in tables:
            assert_served_as_published(api, converted_only, dataset_id, resource, key, ckan)
    health = api.get("/health").json()
    assert health["tables"] == len(tables) and health["tables_unavailable"] == 0 and health["unavailable"] == []


def test_the_published_values_keep_their_kinds(make_api, converted_only):
    """The parity above is not vacuous: the sample has every kind the conversion types, served as such."""
    api = make_api(site=converted_only)
    key = api.register()
    schools = api.get("/v1/datasets/truong-thpt/truong-thpt", key, params={"_limit": 1000}).json()["rows"]
    assert {type(r["dat_chuan_quoc_gia"]) for r in schools} == {bool}
    assert {type(r["so_hoc_sinh"]) for r in schools} == {int}
    assert schools[0]["ma_truong"] == "001" and all(r["dien_thoai"].startswith("0") for r in schools)
    found = api.get("/v1/datasets/truong-thpt/truong-thpt", key, params={"ma_truong": "001"}).json()["rows"]
    assert found == schools[:1]
    assert api.get("/v1/datasets/truong-thpt/truong-thpt", key, params={"ma_truong": "1"}).json()["rows"] == []
    budget = api.get("/v1/datasets/du-toan-ngan-sach-2025/du-toan-thu", key).json()["rows"]
    assert {type(r["so_sanh_du_toan"]) for r in budget} >= {float}
    assert any(v is None for r in budget for v in r.values())  # an empty cell is null, not ""


@pytest.fixture(scope="module")
def sheet_by_number(tmp_path_factory) -> tuple[Path, Any]:
    """The sample portal with the air-quality results chosen as sheet 2 instead of by name, built once."""
    tmp = tmp_path_factory.mktemp("sheet-by-number")
    portal = copy_portal(tmp / "portal")
    descriptor = portal / "data/so-tnmt/quan-trac-khong-khi-2024/datapackage.yaml"
    text = descriptor.read_text(encoding="utf-8")
    by_name = 'dialect: {excel: {sheet: "Kết quả quan trắc"}}'
    assert by_name in text
    descriptor.write_text(text.replace(by_name, "dialect: {excel: {sheet: 2}}"), encoding="utf-8")
    return tmp / "site", run_cli("build", "--root", str(portal), "--out", str(tmp / "site"))


def test_a_sheet_chosen_by_number_is_served(make_api, site, sheet_by_number):
    """`dialect: {excel: {sheet: 2}}` (1-based, as frictionless counts) publishes and serves the second sheet."""
    out, result = sheet_by_number
    assert result.returncode == 0, result.stderr
    api = make_api(site=out, **BIG_LIMITS)
    key = api.register()
    resource = next(r for d, r in published_tables(out) if r["name"] == "ket-qua-quan-trac")
    with RemoteCKAN(api.url, apikey=key) as ckan:
        assert_served_as_published(api, out, "quan-trac-khong-khi-2024", resource, key, ckan)
    # The same rows as the sheet chosen by its name.
    by_name = converted_json(site, "quan-trac-khong-khi-2024", "ket-qua-quan-trac")
    assert same(keyed_rows(api, key, "quan-trac-khong-khi-2024", "ket-qua-quan-trac"), by_name)


def test_the_function_needs_no_spreadsheet_reader_nor_the_generator(converted_only, tmp_path):
    """As deployed: python-calamine, openpyxl, xlrd and the generator cannot even be imported."""
    script = f"""
import sys
for name in ("python_calamine", "openpyxl", "xlrd", "generator", "frictionless"):
    sys.modules[name] = None  # any import of them raises ImportError
from opendata_function.service import Function
from opendata_function.settings import Settings
fn = Function(Settings(site={str(converted_only)!r}, database_url="sqlite:///{tmp_path / 'f.db'}"))
print(fn.preload(), len(fn.published.tables), len(fn.unavailable()))
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    loaded, tables, unavailable = map(int, result.stdout.split())
    assert loaded == tables == len(published_tables(converted_only)) and unavailable == 0


def test_office_exports_are_served_as_their_published_conversion(make_api, tmp_path):
    """Title blocks, merged two-row headers, total rows and signature blocks: the function answers with the
    table the gate found, never with the rows the reader left out."""
    from office_exports import FACILITY_LABELS, office_portal

    portal = office_portal(copy_portal(tmp_path / "portal"), tmp_path)
    site = tmp_path / "site"
    built = run_cli("build", "--root", str(portal), "--out", str(site))
    assert built.returncode == 0, built.stdout + built.stderr
    for folder in (site / "datasets").glob("*/files"):
        shutil.rmtree(folder)
    api = make_api(site=site, **BIG_LIMITS)
    key = api.register()
    office = {"bieu-co-so-kcb", "quyet-toan-thu-2024", "du-an-fdi", "to-dan-pho", "sheet-by-number", "tep-mau"}
    tables = [(d, r) for d, r in published_tables(site) if d in office]
    assert {d for d, _ in tables} == office
    with RemoteCKAN(api.url, apikey=key) as ckan:
        for dataset_id, resource in tables:
            assert_served_as_published(api, site, dataset_id, resource, key, ckan)
    rows = keyed_rows(api, key, "bieu-co-so-kcb", "co-so-kcb")
    assert [list(r) for r in rows[:1]] == [FACILITY_LABELS] and len(rows) == 4
    assert all(r["Tên cơ sở"] != "Tổng cộng" for r in rows)
