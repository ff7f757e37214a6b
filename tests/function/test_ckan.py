"""The CKAN-compatible subset, driven by the `ckanapi` client as harvesters and CKAN tools use it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from ckanapi import NotAuthorized, NotFound, RemoteCKAN, ValidationError


@pytest.fixture
def ckan(api):
    key = api.register()
    with RemoteCKAN(api.url, apikey=key) as remote:
        yield remote


def test_package_list_search_and_show(api, ckan):
    assert ckan.action.package_list() == ["co-so-y-te", "dan-so"]
    found = ckan.action.package_search(q="dan so")  # accent-free, as on the site
    assert found["count"] == 1 and found["results"][0]["name"] == "dan-so"
    assert ckan.action.package_search(fq="organization:so-y-te")["results"][0]["name"] == "co-so-y-te"
    assert ckan.action.package_search(fq="res_format:PDF")["count"] == 1
    assert ckan.action.package_search(rows=1, start=1, sort="name asc")["results"][0]["name"] == "dan-so"

    pkg = ckan.action.package_show(id="co-so-y-te")
    assert pkg["title"] == "Cơ sở y tế" and pkg["organization"]["title"] == "Sở Y tế"
    # CKAN's licence register id, the licence's own URL beside it
    assert pkg["license_id"] == "cc-by" and pkg["license_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert {t["name"] for t in pkg["tags"]} == {"y tế", "bệnh viện"}
    resource = pkg["resources"][0]
    assert resource["datastore_active"] is True and resource["format"] == "CSV"
    published = Path(api.settings.site) / "datasets/co-so-y-te/files/co-so.csv"
    assert resource["url"].endswith("/datasets/co-so-y-te/files/co-so.csv")
    assert (resource["hash"], resource["hash_algorithm"]) == (hashlib.sha256(published.read_bytes()).hexdigest(), "sha256")
    assert ckan.action.resource_show(id=resource["id"])["name"] == "Cơ sở khám chữa bệnh"
    assert ckan.action.organization_list() == ["cuc-thong-ke", "so-y-te"]
    with pytest.raises(NotFound):
        ckan.action.package_show(id="khong-co")


def test_datastore_search_filters_sorts_and_pages(ckan):
    resource_id = ckan.action.package_show(id="co-so-y-te")["resources"][0]["id"]
    result = ckan.action.datastore_search(resource_id=resource_id, filters={"huyen": "Huyện Bình Xuyên"},
                                          sort="so_giuong desc", fields=["ma_co_so", "so_giuong"])
    assert result["total"] == 2
    assert [(r["ma_co_so"], r["so_giuong"]) for r in result["records"]] == [("00106", 90), ("00103", 20)]
    assert [f["id"] for f in result["fields"]] == ["_id", "ma_co_so", "so_giuong"]
    assert [f["type"] for f in result["fields"]] == ["int", "text", "int"]

    # Several values for one field (OR), full-text q, offset/limit, and the lists format.
    result = ckan.action.datastore_search(resource_id=resource_id, filters={"ma_co_so": ["00101", "00107"]})
    assert [r["_id"] for r in result["records"]] == [1, 7]
    assert ckan.action.datastore_search(resource_id=resource_id, q="dao tu")["records"][0]["ma_co_so"] == "00104"
    assert ckan.action.datastore_search(resource_id=resource_id, q={"ten": "ha noi"})["total"] == 2
    page = ckan.action.datastore_search(resource_id=resource_id, limit=10, offset=60)
    assert page["total"] == 67 and len(page["records"]) == 7
    lists = ckan.action.datastore_search(resource_id=resource_id, limit=1, records_format="lists")["records"]
    assert lists == [[1, "00101", "Bệnh viện Đa khoa tỉnh", "Thành phố Vĩnh Yên", 850, 120.5, True, "2013-07-12",
                      "02113981616"]]
    # The readable id "dataset/resource" works as well as the UUID.
    assert ckan.action.datastore_search(resource_id="dan-so/dan-so", filters={"nam": 2024})["total"] == 2


def test_datastore_search_errors_map_to_ckan_exceptions(api, ckan):
    resource_id = ckan.action.package_show(id="co-so-y-te")["resources"][0]["id"]
    with pytest.raises(ValidationError) as bad:
        ckan.action.datastore_search(resource_id=resource_id, filters={"khong_co": "1"})
    assert "khong_co" in json.dumps(bad.value.error_dict, ensure_ascii=False)
    with pytest.raises(NotFound):
        ckan.action.datastore_search(resource_id="00000000-0000-0000-0000-000000000000")
    with RemoteCKAN(api.url) as anonymous:
        assert anonymous.action.package_list() == ["co-so-y-te", "dan-so"]  # metadata is public, as in CKAN
        with pytest.raises(NotAuthorized):
            anonymous.action.datastore_search(resource_id=resource_id)
    with RemoteCKAN(api.url, apikey="odp_000000000000_" + "A" * 43) as wrong:
        with pytest.raises(NotAuthorized):
            wrong.action.package_list()  # a wrong key is said so, even where none is needed
    _, temporary = api.issue()
    with RemoteCKAN(api.url, apikey=temporary) as harvester:
        with pytest.raises(NotAuthorized) as refused:
            harvester.action.datastore_search(resource_id=resource_id)
        assert "tạm thời" in json.dumps(refused.value.args, ensure_ascii=False)


def test_get_requests_and_the_api_3_path_work_too(api):
    key = api.register()
    r = api.get("/api/3/action/datastore_search", key,
                params={"resource_id": "co-so-y-te/co-so", "filters": '{"ma_co_so": "00102"}', "limit": "1"})
    assert r.status_code == 200 and r.json()["success"] is True
    assert r.json()["result"]["records"][0]["ten"] == "Bệnh viện Sản Nhi"
    r = api.get("/api/3/action/frobnicate")
    assert r.status_code == 400 and r.json()["success"] is False


def test_datastore_use_is_counted(api, ckan):
    ckan.action.datastore_search(resource_id="dan-so/dan-so")
    usage = api.admin("GET", "/admin/usage").json()["usage"]
    assert [(u["dataset"], u["requests"], u["rows_returned"]) for u in usage] == [("dan-so", 1, 4)]
